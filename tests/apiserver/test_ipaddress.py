"""ServiceCIDR and IPAddress objects (networking.k8s.io/v1): the API server's record of ClusterIP allocation.

Facts from kubernetes/kubernetes ``pkg/registry/core/service/ipallocator/ipallocator.go`` (createIPAddress,
serviceToRef, Release), ``pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go``, the
printers ``printServiceCIDR``/``printIPAddress`` (pkg/printers/internalversion/printers.go), and the outputs in
kubernetes/website ``content/en/docs/tasks/network/extend-service-ip-ranges.md`` and
``content/en/docs/reference/networking/virtual-ips.md``.
"""

from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.api.networking_v1 import IPAddress
from k8snet.errors import InvalidError, KubectlError
from k8snet.kubectl.printers import table_rows


@pytest.fixture(scope="module")
def cluster():
    return Cluster(preset="minikube")


def _ip_names(c):
    return [ip.metadata.name for ip in c.api.list("IPAddress")]


def test_default_service_cidr_mirrors_the_flag(cluster):
    cidr = cluster.get("ServiceCIDR", "kubernetes")
    assert cidr.spec.cidrs == [cluster.service_cidr] == ["10.96.0.0/12"]
    assert cidr.metadata.finalizers == ["networking.k8s.io/service-cidr-finalizer"]
    (ready,) = cidr.status.conditions
    assert (ready.type, ready.status, ready.message) == (
        "Ready",
        "True",
        "Kubernetes default Service CIDR is ready",
    )
    # the page's "kubectl get servicecidr" layout: NAME, CIDRS, AGE
    assert cluster.kubectl("get servicecidr").splitlines() == [
        "NAME         CIDRS          AGE",
        "kubernetes   10.96.0.0/12   24h",
    ]


def test_kubernetes_service_has_its_ip_address(cluster):
    # extend-service-ip-ranges.md: "kubectl get ipaddress 10.96.0.1"
    assert cluster.kubectl("get ipaddress 10.96.0.1") == (
        "NAME        PARENTREF\n10.96.0.1   services/default/kubernetes\n"
    )
    ip = cluster.get("IPAddress", "10.96.0.1")
    assert ip.metadata.labels == {
        "ipaddress.kubernetes.io/ip-family": "IPv4",
        "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io",
    }
    assert ip.to_dict()["spec"] == {
        "parentRef": {"resource": "services", "namespace": "default", "name": "kubernetes"}
    }


def test_one_ip_address_per_cluster_ip_and_none_for_headless_or_external_name():
    c = Cluster(preset="minikube")
    before = _ip_names(c)
    c.apply(
        """
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: headless}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: example.com}
"""
    )
    web_ip = c.get("Service", "web").spec.clusterIP
    assert sorted(_ip_names(c)) == sorted([*before, web_ip])
    assert table_rows(c.get("IPAddress", web_ip)) == [web_ip, "services/default/web"]
    # every ClusterIP of every Service has its IPAddress, and every IPAddress names the Service holding it
    held = {s.spec.clusterIP: s for s in c.services() if s.spec.clusterIP not in (None, "None")}
    for ip in c.api.list("IPAddress"):
        ref = ip.spec.parentRef
        assert (held[ip.metadata.name].metadata.namespace, held[ip.metadata.name].metadata.name) == (
            ref.namespace,
            ref.name,
        )
    assert set(held) == set(_ip_names(c))


def test_release_deletes_the_ip_address():
    c = Cluster(preset="minikube")
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"ports": [{"port": 80}]},
        }
    )
    ip = c.get("Service", "web").spec.clusterIP
    c.delete("Service", "web")
    assert ip not in _ip_names(c)
    # ClusterIP -> ExternalName releases the address (alloc.go case B); and back allocates one again (case A)
    c.apply(
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "w"}, "spec": {"ports": [{"port": 80}]}}
    )
    first = c.get("Service", "w").spec.clusterIP
    svc = c.get("Service", "w")
    svc.spec.type, svc.spec.externalName = "ExternalName", "example.com"
    svc.spec.clusterIP = svc.spec.clusterIPs = None
    c.api.update(svc)
    assert first not in _ip_names(c)
    svc = c.get("Service", "w")
    svc.spec.type, svc.spec.externalName = "ClusterIP", None
    c.api.update(svc)
    again = c.get("Service", "w").spec.clusterIP
    assert again in _ip_names(c) and c.get("IPAddress", again).spec.parentRef.name == "w"


def test_a_refused_service_leaves_no_ip_address():
    c = Cluster(preset="minikube")
    before = c.store.dump()
    with pytest.raises(InvalidError):
        c.apply(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "bad"},
                "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}]},
            }
        )
    assert c.store.dump() == before


def test_a_requested_cluster_ip_is_its_ip_address_name():
    c = Cluster(preset="minikube")
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "dns2", "namespace": "kube-system"},
            "spec": {"clusterIP": "10.96.0.53", "ports": [{"port": 53, "protocol": "UDP"}]},
        }
    )
    assert table_rows(c.get("IPAddress", "10.96.0.53")) == ["10.96.0.53", "services/kube-system/dns2"]


def test_writes_are_refused_with_a_clear_error(cluster):
    for line in ("delete ipaddress 10.96.0.1", "delete servicecidr kubernetes"):
        with pytest.raises(KubectlError, match="k8snet does not model writing"):
            cluster.kubectl(line)
    with pytest.raises(KubectlError, match="ipaddresses.networking.k8s.io"):
        cluster.apply(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IPAddress",
                "metadata": {"name": "10.96.0.99"},
                "spec": {"parentRef": {"resource": "services", "namespace": "default", "name": "x"}},
            }
        )
    assert "10.96.0.1" in _ip_names(cluster) and "10.96.0.99" not in _ip_names(cluster)


@pytest.mark.parametrize(
    ("ref", "shown"),
    [
        (None, "<none>"),
        ({"resource": "services", "namespace": "ns", "name": "svc"}, "services/ns/svc"),
        # schema.GroupResource.String() is resource.group, lower-cased; no namespace segment when it is empty
        (
            {"group": "gateway.networking.k8s.io", "resource": "Gateways", "name": "gw"},
            "gateways.gateway.networking.k8s.io/gw",
        ),
    ],
)
def test_print_ip_address_parent_ref(ref, shown):
    ip = IPAddress(metadata={"name": "192.0.2.1"}, spec={"parentRef": ref} if ref else {})
    assert table_rows(ip) == ["192.0.2.1", shown]


def test_same_seed_same_objects():
    a, b = Cluster(preset="kind", seed=3), Cluster(preset="kind", seed=3)
    assert [ip.to_dict() for ip in a.api.list("IPAddress")] == [
        ip.to_dict() for ip in b.api.list("IPAddress")
    ]
    assert a.get("ServiceCIDR", "kubernetes").metadata.uid == b.get("ServiceCIDR", "kubernetes").metadata.uid
