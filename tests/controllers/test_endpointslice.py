"""EndpointSlice controller.

Behaviour checked against kubernetes/kubernetes staging/src/k8s.io/endpointslice/reconciler_test.go
(TestReconcile1Pod: one endpoint with ready/serving/terminating, nodeName, zone, targetRef; TestReconcileManyPods:
250 pods → slices of 100, 100 and 50; TestReconcileEmpty: a placeholder slice), utils_test.go (podToEndpoint:
publishNotReadyAddresses, terminating pods, hostname only when subdomain matches) and
pkg/controller/endpointslice/endpointslice_controller_test.go (no slices for selector-less Services).
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet.api.core_v1 import Namespace, Node, Pod, PodCondition, PodIP, Service
from k8snet.apiserver.server import APIServer
from k8snet.apiserver.store import Store
from k8snet.clock import SimClock
from k8snet.controllers.endpointslice import (
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    LAST_CHANGE_TRIGGER_TIME,
    EndpointSliceController,
)
from k8snet.sim.cluster import Cluster


class Env:
    """An API server and the EndpointSlice controller only; pod status is written by hand."""

    def __init__(self, limit=100):
        self.clock = SimClock()
        self.api = APIServer(Store(self.clock), self.clock)
        self.api.create(Namespace(metadata={"name": "default"}))
        self.api.create(Node(metadata={"name": "node-1", "labels": {"topology.kubernetes.io/zone": "us-a"}}))
        self.ctrl = EndpointSliceController(self.api, max_endpoints_per_slice=limit)
        self.n = 0

    def pod(
        self, labels=None, ready=True, ports=None, terminating=False, hostname=None, subdomain=None, ip=None
    ):
        self.n += 1
        spec = {
            "containers": [
                {"name": "c", "image": "nginx", "ports": ports or [{"containerPort": 80, "name": "http"}]}
            ],
            "nodeName": "node-1",
        }
        if hostname:
            spec["hostname"] = hostname
        if subdomain:
            spec["subdomain"] = subdomain
        p = self.api.create(
            Pod(metadata={"name": f"pod{self.n}", "labels": labels or {"app": "web"}}, spec=spec)
        )
        ip = ip or f"10.1.{self.n // 250}.{self.n % 250 + 1}"
        p.status.phase = "Running"
        p.status.podIP = ip
        p.status.podIPs = [PodIP(ip=ip)]
        p.status.conditions = [
            PodCondition(
                type="Ready", status="True" if ready else "False", lastTransitionTime=self.clock.now()
            )
        ]
        if terminating:
            p.metadata.deletionTimestamp = self.clock.now()
        self.api.store.put(p)
        return p

    def svc(self, name="web", **spec):
        spec.setdefault("selector", {"app": "web"})
        spec.setdefault("ports", [{"name": "http", "port": 80, "targetPort": "http"}])
        return self.api.create(Service(metadata={"name": name, "labels": {"team": "a"}}, spec=spec))

    def slices(self, name="web"):
        self.ctrl.sync()
        return self.api.list("EndpointSlice", "default", {LABEL_SERVICE_NAME: name})


def test_reconcile_one_pod():
    env = Env()
    svc = env.svc()
    pod = env.pod()
    [sl] = env.slices()
    assert sl.metadata.name.startswith("web-") and len(sl.metadata.name) == len("web-") + 5
    assert sl.metadata.labels == {
        "team": "a",
        LABEL_SERVICE_NAME: "web",
        LABEL_MANAGED_BY: "endpointslice-controller.k8s.io",
    }
    assert (
        sl.metadata.ownerReferences[0].uid == svc.metadata.uid and sl.metadata.ownerReferences[0].controller
    )
    assert sl.addressType == "IPv4"
    assert sl.to_dict()["ports"] == [{"name": "http", "port": 80, "protocol": "TCP"}]
    [ep] = sl.endpoints
    assert ep.to_dict() == {
        "addresses": [pod.status.podIP],
        "conditions": {"ready": True, "serving": True, "terminating": False},
        "nodeName": "node-1",
        "zone": "us-a",
        "targetRef": {
            "kind": "Pod",
            "namespace": "default",
            "name": pod.metadata.name,
            "uid": pod.metadata.uid,
        },
    }
    assert LAST_CHANGE_TRIGGER_TIME in sl.metadata.annotations


def test_many_pods_split_into_slices_of_100():
    env = Env()
    env.svc()
    for _ in range(250):
        env.pod()
    sizes = sorted(len(s.endpoints) for s in env.slices())
    assert sizes == [50, 100, 100]
    rv = env.api.store.resource_version
    env.ctrl.sync()  # stable: nothing rewritten
    assert env.api.store.resource_version == rv


def test_placeholder_slice_for_service_without_pods():
    env = Env()
    env.svc()
    [sl] = env.slices()
    assert sl.endpoints is None and sl.ports is None
    env.pod()
    [sl2] = env.slices()
    assert sl2.metadata.name == sl.metadata.name and len(sl2.endpoints) == 1  # the placeholder is reused


def test_not_ready_terminating_and_publish_not_ready():
    env = Env()
    env.svc()
    env.svc("pub", publishNotReadyAddresses=True)
    env.pod(ready=False, ip="10.1.0.10")
    env.pod(ready=True, terminating=True, ip="10.1.0.11")
    conds = {e.addresses[0]: e.conditions.model_dump() for e in env.slices()[0].endpoints}
    assert conds == {
        "10.1.0.10": {"ready": False, "serving": False, "terminating": False},
        "10.1.0.11": {"ready": False, "serving": True, "terminating": True},
    }
    # publishNotReadyAddresses forces ready only; serving stays the pod's readiness (utils.go podToEndpoint)
    conds = {e.addresses[0]: e.conditions.model_dump() for e in env.slices("pub")[0].endpoints}
    assert conds == {
        "10.1.0.10": {"ready": True, "serving": False, "terminating": False},
        "10.1.0.11": {"ready": True, "serving": True, "terminating": True},
    }


def test_hostname_only_when_subdomain_matches():
    env = Env()
    env.svc(clusterIP="None")
    env.pod(hostname="a", subdomain="web", ip="10.1.0.20")
    env.pod(hostname="b", subdomain="other", ip="10.1.0.21")
    [sl] = env.slices()
    assert {e.addresses[0]: e.hostname for e in sl.endpoints} == {"10.1.0.20": "a", "10.1.0.21": None}
    assert sl.metadata.labels["service.kubernetes.io/headless"] == ""


def test_named_port_with_different_numbers_splits_slices():
    env = Env()
    env.svc()
    env.pod(ports=[{"containerPort": 80, "name": "http"}])
    env.pod(ports=[{"containerPort": 8080, "name": "http"}])
    env.pod(ports=[{"containerPort": 9090, "name": "metrics"}])  # no "http": a slice without ports
    by_port = sorted((tuple(p.port for p in s.ports or []), len(s.endpoints)) for s in env.slices())
    assert by_port == [((), 1), ((80,), 1), ((8080,), 1)]


def test_no_slices_without_selector_or_for_external_name():
    env = Env()
    env.svc("nosel", selector=None)
    env.svc("ext", type="ExternalName", externalName="example.com", selector={"app": "web"}, ports=None)
    env.pod()
    assert env.slices("nosel") == [] and env.slices("ext") == []


def test_deleted_pods_leave_and_slice_names_are_stable():
    env = Env()
    env.svc()
    pods = [env.pod() for _ in range(3)]
    name = env.slices()[0].metadata.name
    env.api.delete("Pod", pods[0].metadata.name, grace_period_seconds=0)
    [sl] = env.slices()
    assert sl.metadata.name == name and len(sl.endpoints) == 2


pod_strategy = st.lists(
    st.tuples(
        st.booleans(), st.booleans(), st.booleans(), st.booleans()
    ),  # selected, ready, terminating, has IP
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(pod_strategy, st.booleans(), st.integers(1, 4))
def test_every_endpoint_is_a_selected_pod(pods, publish, limit):
    env = Env(limit=limit)
    env.svc(publishNotReadyAddresses=publish)
    created = []
    for i, (selected, ready, terminating, has_ip) in enumerate(pods):
        p = env.pod(
            labels={"app": "web" if selected else "other"},
            ready=ready,
            terminating=terminating,
            ip=f"10.2.0.{i + 1}",
        )
        if not has_ip:
            p = env.api.store.get("Pod", p.metadata.name)
            p.status.podIP, p.status.podIPs = None, None
            env.api.store.put(p)
        created.append((p, selected, ready, terminating, has_ip))
    slices = env.slices()
    endpoints = [e for s in slices for e in s.endpoints or []]
    assert all(len(s.endpoints or []) <= limit for s in slices)
    expected = {
        f"10.2.0.{i + 1}": (ready, terminating)
        for i, (_, sel, ready, terminating, has_ip) in enumerate(created)
        if sel and has_ip
    }
    assert sorted(e.addresses[0] for e in endpoints) == sorted(expected)
    for e in endpoints:
        ready, terminating = expected[e.addresses[0]]
        assert e.conditions.ready == (publish or (ready and not terminating))
        assert e.conditions.serving == ready
        assert e.conditions.terminating == terminating
    if not expected:
        assert len(slices) == 1 and slices[0].endpoints is None


def test_cluster_kube_dns_slice():
    c = Cluster()
    [sl] = c.endpoint_slices("kube-system", service="kube-dns")
    assert [p.to_dict() for p in sl.ports] == [
        {"name": "dns", "port": 53, "protocol": "UDP"},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
        {"name": "metrics", "port": 9153, "protocol": "TCP"},
    ]
    assert [e.addresses[0] for e in sl.endpoints] == ["10.244.0.2", "10.244.0.3"]
    assert {e.zone for e in sl.endpoints} == {"zone-a"}
