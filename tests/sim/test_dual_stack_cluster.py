"""Clusters of other families: the ``kind-dual`` and ``kind-ipv6`` presets and ``Cluster(ip_families=...)``.

Facts from kubernetes-sigs/kind (``pkg/apis/config/v1alpha4/default.go``: ``ipFamily: dual`` and ``ipv6`` default
the pod subnet to ``fd00:10:244::/56`` and the Service subnet to ``fd00:10:96::/112``; the ``kind`` docker network's
IPv6 subnet ``fc00:f853:ccd:e793::/64``), kube-controller-manager (``--node-cidr-mask-size-ipv6`` 64), kubeadm
(``GetDNSIP``: the tenth address of the first Service range) and kube-apiserver (the ``kubernetes`` Service takes the
first address of the primary range; ``pkg/controlplane/controller/defaultservicecidr`` writes every range into the
ServiceCIDR ``kubernetes``).
"""

from __future__ import annotations

import pytest

from k8snet.errors import K8snetError
from k8snet.sim.cluster import Cluster


@pytest.mark.parametrize(
    ("kwargs", "families"),
    [
        ({"preset": "kind-dual"}, ("IPv4", "IPv6")),
        ({"preset": "kind", "ip_families": ("IPv4", "IPv6")}, ("IPv4", "IPv6")),
        ({"preset": "kind", "ip_families": ("IPv6", "IPv4")}, ("IPv6", "IPv4")),
        ({"preset": "kind-ipv6"}, ("IPv6",)),
        ({"preset": "kind", "service_cidr": "fd00:10:96::/112"}, ("IPv6",)),
        ({"preset": "kind", "service_cidr": "10.96.0.0/12,fd00:10:96::/112"}, ("IPv4", "IPv6")),
        ({}, ("IPv4",)),
    ],
)
def test_families(kwargs, families):
    c = Cluster(**kwargs)
    assert c.ip_families == families == c.api.ip_families
    defaults = {"IPv4": ("10.96.0.0/12", "10.244.0.0/16"), "IPv6": ("fd00:10:96::/112", "fd00:10:244::/56")}
    assert c.service_cidrs == tuple(defaults[f][0] for f in families)
    assert c.cluster_cidrs == tuple(defaults[f][1] for f in families)
    assert (c.service_cidr, c.cluster_cidr) == (c.service_cidrs[0], c.cluster_cidrs[0])
    # the ServiceCIDR "kubernetes" lists every range, primary first
    assert c.get("ServiceCIDR", "kubernetes", "").spec.cidrs == list(c.service_cidrs)


def test_dual_stack_nodes():
    c = Cluster(preset="kind-dual")
    nodes = {n.metadata.name: n for n in c.nodes()}
    assert {
        name: [a.address for a in n.status.addresses if a.type == "InternalIP"] for name, n in nodes.items()
    } == {
        "kind-control-plane": ["172.18.0.2", "fc00:f853:ccd:e793::2"],
        "kind-worker": ["172.18.0.3", "fc00:f853:ccd:e793::3"],
        "kind-worker2": ["172.18.0.4", "fc00:f853:ccd:e793::4"],
    }
    assert {name: n.spec.podCIDRs for name, n in nodes.items()} == {
        "kind-control-plane": ["10.244.0.0/24", "fd00:10:244::/64"],
        "kind-worker": ["10.244.1.0/24", "fd00:10:244:1::/64"],
        "kind-worker2": ["10.244.2.0/24", "fd00:10:244:2::/64"],
    }
    assert all(n.spec.podCIDR == n.spec.podCIDRs[0] for n in nodes.values())
    assert (
        c.node_ip("kind-worker") == "172.18.0.3"
        and c.node_ip("kind-worker", "IPv6") == "fc00:f853:ccd:e793::3"
    )
    with pytest.raises(K8snetError, match="has no IPv6 InternalIP"):
        Cluster().node_ip("kind-worker", "IPv6")


@pytest.mark.parametrize(
    ("preset", "kubernetes", "dns", "endpoint", "address_type"),
    [
        ("kind-dual", "10.96.0.1", "10.96.0.10", "172.18.0.2", "IPv4"),
        ("kind-ipv6", "fd00:10:96::1", "fd00:10:96::a", "fc00:f853:ccd:e793::2", "IPv6"),
    ],
)
def test_system_services_per_family(preset, kubernetes, dns, endpoint, address_type):
    c = Cluster(preset=preset)
    k = c.get("Service", "kubernetes")
    assert (k.spec.clusterIPs, k.spec.ipFamilyPolicy) == ([kubernetes], "SingleStack")
    assert c.get("Service", "kube-dns", "kube-system").spec.clusterIPs == [dns]
    [ep] = c.get("Endpoints", "kubernetes").subsets
    assert [a.ip for a in ep.addresses] == [endpoint] and ep.ports[0].port == 6443
    [sl] = c.endpoint_slices("default", service="kubernetes")
    assert (sl.addressType, sl.endpoints[0].addresses) == (address_type, [endpoint])


def test_ipv4_allocations_do_not_depend_on_the_second_family():
    """Each family's range draws from its own seeded stream: the IPv4 ClusterIP a Service gets on a dual-stack
    cluster is the one it gets on the IPv4 cluster, and pods keep their IPv4 addresses."""
    manifest = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ipFamilyPolicy": "PreferDualStack", "selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    ips = {}
    for preset in ("kind", "kind-dual"):
        c = Cluster(preset=preset)
        c.kubectl("create deployment web --image=nginx --replicas=3")
        c.apply(manifest)
        ips[preset] = (
            c.get("Service", "web").spec.clusterIPs[0],
            sorted(p.status.podIP for p in c.pods("default")),
            sorted(p.metadata.name for p in c.pods("default")),
        )
    assert ips["kind"] == ips["kind-dual"]


def test_ipv6_pod_cidrs_need_room():
    # a /63 has two /64s: room for two nodes
    assert len(Cluster(preset="kind-ipv6", nodes=2, cluster_cidr="fd00:10:244::/63").nodes()) == 2
