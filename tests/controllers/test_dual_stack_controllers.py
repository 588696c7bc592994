"""The controllers on dual-stack and IPv6 clusters: EndpointSlices per address type, Endpoints on the primary
family, mirroring per address type, and the kubelet's pod IPs per family.

Cases transcribed from kubernetes/kubernetes ``staging/src/k8s.io/endpointslice/reconciler_test.go``
(``TestReconcile1Pod``: one pod with ``podIPs`` ``1.2.3.4`` and ``1234::5678:0000:0000:9abc:def0`` behind a
Service without families, an IPv4, an IPv6 and a dual-stack one: one slice per address type, each with the
pod's address of that type, copied as written), plus the behaviours of ``Reconcile`` (slices of a type the
Service no longer has are deleted; a placeholder per type), ``endpoints_controller.go``
``podToEndpointAddressForService`` and ``endpointslicemirroring`` ``addAddress``.
"""

from __future__ import annotations

import pytest

from k8snet.api.core_v1 import Endpoints, Namespace, Node, Pod, PodCondition, PodIP, Service
from k8snet.apiserver.server import APIServer
from k8snet.apiserver.store import Store
from k8snet.clock import SimClock
from k8snet.controllers.endpoints import EndpointsController, EndpointSliceMirroringController
from k8snet.controllers.endpointslice import LABEL_SERVICE_NAME, EndpointSliceController
from k8snet.sim.cluster import Cluster

V6_POD = "1234::5678:0000:0000:9abc:def0"


class Env:
    """A dual-stack API server (10.0.0.0/16 and 1234::5678:0:0:9abc:0/112) with the three endpoint controllers;
    pod status is written by hand."""

    def __init__(self, cidrs=("10.0.0.0/16", "1234::5678:0:0:9abc:0/112")):
        self.clock = SimClock()
        self.api = APIServer(Store(self.clock), self.clock, list(cidrs))
        self.api.create(Namespace(metadata={"name": "default"}))
        self.api.create(
            Node(metadata={"name": "node-1", "labels": {"topology.kubernetes.io/zone": "us-central1-a"}})
        )
        self.slices_ctrl = EndpointSliceController(self.api)
        self.endpoints_ctrl = EndpointsController(self.api)
        self.mirroring = EndpointSliceMirroringController(self.api)

    def pod(self, name="pod1", ips=("1.2.3.4", V6_POD)):
        p = self.api.create(
            Pod(
                metadata={"name": name, "labels": {"app": "web"}},
                spec={"containers": [{"name": "c", "image": "nginx"}], "nodeName": "node-1"},
            )
        )
        p.status.phase = "Running"
        p.status.podIP = ips[0]
        p.status.podIPs = [PodIP(ip=ip) for ip in ips]
        p.status.conditions = [PodCondition(type="Ready", status="True", lastTransitionTime=self.clock.now())]
        self.api.store.put(p)
        return p

    def service(self, **spec):
        spec.setdefault("selector", {"app": "web"})
        spec.setdefault("ports", [{"port": 80}])
        return self.api.create(Service(metadata={"name": "foo"}, spec=spec))

    def slices(self, name="foo"):
        self.slices_ctrl.sync()
        return {
            s.addressType: s for s in self.api.list("EndpointSlice", "default", {LABEL_SERVICE_NAME: name})
        }


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"ipFamilies": ["IPv4"]}, {"IPv4": "1.2.3.4"}),
        ({"clusterIP": "10.0.0.10"}, {"IPv4": "1.2.3.4"}),
        ({"ipFamilies": ["IPv6"]}, {"IPv6": V6_POD}),
        ({"clusterIP": "1234::5678:0000:0000:9abc:def1", "ipFamilies": ["IPv6"]}, {"IPv6": V6_POD}),
        (
            {"ipFamilyPolicy": "RequireDualStack", "clusterIPs": ["10.0.0.10", "1234::5678:0:0:9abc:1"],
             "clusterIP": "10.0.0.10"},
            {"IPv4": "1.2.3.4", "IPv6": V6_POD},
        ),
    ],
    ids=["ipv4", "ipv4-clusterip", "ipv6", "ipv6-clusterip", "dualstack-service"],
)  # fmt: skip
def test_reconcile_one_pod_per_address_type(spec, expected):
    env = Env()
    env.service(**spec)
    pod = env.pod()
    slices = env.slices()
    assert {t: [e.addresses for e in s.endpoints] for t, s in slices.items()} == {
        t: [[ip]] for t, ip in expected.items()
    }
    for sl in slices.values():
        ep = sl.endpoints[0].to_dict()
        assert ep["conditions"] == {"ready": True, "serving": True, "terminating": False}
        assert (ep["nodeName"], ep["zone"], ep["targetRef"]["name"]) == (
            "node-1",
            "us-central1-a",
            pod.metadata.name,
        )


def test_no_family_service_uses_the_cluster_ip_family():
    # "no-family-service" (a Service stored by an API server that predates ipFamilies): the ClusterIP's family
    env = Env()
    svc = env.service()
    old = svc.model_copy(deep=True)
    old.spec.ipFamilies = None
    old.spec.ipFamilyPolicy = None
    env.api.store.put(old)
    env.pod()
    assert {t: [e.addresses for e in s.endpoints] for t, s in env.slices().items()} == {"IPv4": [["1.2.3.4"]]}


def test_a_placeholder_per_address_type_and_slices_of_a_dropped_family_deleted():
    env = Env()
    svc = env.service(ipFamilyPolicy="PreferDualStack")
    slices = env.slices()
    assert sorted(slices) == ["IPv4", "IPv6"]
    assert all(s.endpoints is None and s.ports is None for s in slices.values())  # two placeholders
    env.pod()
    slices = env.slices()
    assert [e.addresses for e in slices["IPv6"].endpoints] == [[V6_POD]]
    # downgrade to SingleStack: the IPv6 slice goes
    svc = env.api.get("Service", "foo")
    svc.spec.ipFamilyPolicy = "SingleStack"
    env.api.update(svc)
    assert sorted(env.slices()) == ["IPv4"]


def test_a_pod_without_an_ip_of_a_family_is_left_out_of_its_slices():
    env = Env()
    env.service(ipFamilyPolicy="RequireDualStack")
    env.pod("v4only", ips=("1.2.3.5",))
    env.pod("dual", ips=("1.2.3.6", "1234::5678:0:0:9abc:6"))
    slices = env.slices()
    assert [e.addresses for e in slices["IPv4"].endpoints] == [["1.2.3.5"], ["1.2.3.6"]]
    assert [e.addresses for e in slices["IPv6"].endpoints] == [["1234::5678:0:0:9abc:6"]]


@pytest.mark.parametrize(
    ("families", "addresses"),
    [(["IPv4", "IPv6"], ["1.2.3.4"]), (["IPv6", "IPv4"], [V6_POD]), (["IPv6"], [V6_POD])],
)
def test_endpoints_hold_the_primary_family(families, addresses):
    # podToEndpointAddressForService: ipFamilies[0] picks the pod IP
    env = Env()
    env.service(
        ipFamilyPolicy="PreferDualStack" if len(families) == 2 else "SingleStack", ipFamilies=families
    )
    env.pod()
    env.endpoints_ctrl.sync()
    ep = env.api.get("Endpoints", "foo")
    assert [a.ip for s in ep.subsets for a in s.addresses] == addresses


def test_mirroring_splits_addresses_by_type():
    env = Env()
    env.api.create(
        Service(
            metadata={"name": "ext"}, spec={"ports": [{"port": 80}], "ipFamilyPolicy": "RequireDualStack"}
        )
    )
    env.api.create(
        Endpoints(
            metadata={"name": "ext"},
            subsets=[
                {
                    "addresses": [{"ip": "192.0.2.10"}, {"ip": "2001:db8::10"}],
                    "notReadyAddresses": [{"ip": "192.0.2.11"}],
                    "ports": [{"port": 80}],
                }
            ],
        )
    )
    env.mirroring.sync()
    slices = {s.addressType: s for s in env.api.list("EndpointSlice", "default", {LABEL_SERVICE_NAME: "ext"})}
    assert {t: [(e.addresses[0], e.conditions.ready) for e in s.endpoints] for t, s in slices.items()} == {
        "IPv4": [("192.0.2.10", True), ("192.0.2.11", False)],
        "IPv6": [("2001:db8::10", True)],
    }
    assert all(s.metadata.labels["endpointslice.kubernetes.io/managed-by"] == "endpointslicemirroring-controller.k8s.io"
               for s in slices.values())  # fmt: skip


# ----------------------------------------------------------------------------------------------------------------
# the kubelet stand-in and whole clusters
# ----------------------------------------------------------------------------------------------------------------


def test_dual_stack_pods_get_an_ip_per_family():
    c = Cluster(preset="kind-dual")
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
             "spec": {"containers": [{"name": "web", "image": "nginx"}]}})  # fmt: skip
    pod = c.get("pod", "web")
    # kind-worker: 10.244.1.0/24 and fd00:10:244:1::/64; host-local's first address after the gateway in each
    assert (pod.spec.nodeName, pod.status.podIP) == ("kind-worker", "10.244.1.2")
    assert [p.ip for p in pod.status.podIPs] == ["10.244.1.2", "fd00:10:244:1::2"]
    assert [h.ip for h in pod.status.hostIPs] == ["172.18.0.3", "fc00:f853:ccd:e793::3"]


def test_ipv6_primary_cluster_orders_pod_ips_v6_first():
    c = Cluster(preset="kind", ip_families=("IPv6", "IPv4"))
    coredns = sorted(c.pods("kube-system"), key=lambda p: p.metadata.name)
    assert [[p.ip for p in pod.status.podIPs] for pod in coredns] == [
        ["fd00:10:244::2", "10.244.0.2"],
        ["fd00:10:244::3", "10.244.0.3"],
    ]
    dns = c.get("Service", "kube-dns", "kube-system")
    assert (dns.spec.clusterIPs, dns.spec.ipFamilies) == (["fd00:10:96::a"], ["IPv6"])
    [sl] = c.endpoint_slices("kube-system", service="kube-dns")
    assert sl.addressType == "IPv6" and [e.addresses for e in sl.endpoints] == [
        ["fd00:10:244::2"],
        ["fd00:10:244::3"],
    ]


def test_host_network_pods_take_the_node_ips():
    c = Cluster(preset="kind-dual")
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hn"},
             "spec": {"hostNetwork": True, "nodeName": "kind-worker2",
                      "containers": [{"name": "c", "image": "busybox"}]}})  # fmt: skip
    pod = c.get("pod", "hn")
    assert [p.ip for p in pod.status.podIPs] == ["172.18.0.4", "fc00:f853:ccd:e793::4"]


def test_ipv4_cluster_pods_unchanged():
    # the default cluster is IPv4 single-stack as before: one pod IP, the same addresses
    c = Cluster()
    assert [(p.metadata.name, [i.ip for i in p.status.podIPs]) for p in c.pods("kube-system")] == [
        ("coredns-656b67d469-f4rnt", ["10.244.0.2"]),
        ("coredns-656b67d469-hqrtd", ["10.244.0.3"]),
    ]
    assert [s.addressType for s in c.endpoint_slices()] == ["IPv4", "IPv4"]


def test_dual_stack_service_through_the_cluster():
    c = Cluster(preset="kind-dual")
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=80")
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {
                "ipFamilyPolicy": "PreferDualStack",
                "selector": {"app": "web"},
                "ports": [{"port": 80}],
            },
        }
    )
    svc = c.get("Service", "web")
    assert svc.spec.ipFamilies == ["IPv4", "IPv6"]
    v4, v6 = svc.spec.clusterIPs
    assert v4.startswith("10.") and v6.startswith("fd00:10:96::")
    slices = {s.addressType: s for s in c.endpoint_slices("default", service="web")}
    assert {t: sorted(e.addresses[0] for e in s.endpoints) for t, s in slices.items()} == {
        "IPv4": ["10.244.1.2", "10.244.2.2"],
        "IPv6": ["fd00:10:244:1::2", "fd00:10:244:2::2"],
    }
    # deleting the Service gives both ClusterIPs back and its slices go with it (garbage collector)
    c.delete("Service", "web")
    assert not c.api.ip_allocators["IPv4"].has(v4) and not c.api.ip_allocators["IPv6"].has(v6)
    assert c.endpoint_slices("default", service="web") == []
