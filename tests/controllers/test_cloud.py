"""Load-balancer providers.

The provider calls follow k8s.io/cloud-provider ``cloud.go`` (``LoadBalancer`` interface) and its fake
(``fake/fake.go``: calls logged as "get"/"create"/"update"/"delete"); ``DefaultLoadBalancerName`` from
``cloud.go``. MetalLB's election from metallb/metallb ``speaker/layer2_controller.go`` (``ShouldAnnounce``:
sha256 of ``node + "#" + ip``) and ``internal/k8s/epslices`` (``EndpointCanServe``).
"""

from __future__ import annotations

import hashlib
from fractions import Fraction

import pytest

from k8snet.api.core_v1 import Node, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.controllers.cloud import (
    CloudError,
    GenericCloud,
    MetalLBL2,
    ProxyModeLB,
    default_load_balancer_name,
)
from k8snet.proxy.healthcheck import health_probe


def svc(
    name="web",
    uid="11111111-2222-3333-4444-555555555555",
    etp="Cluster",
    hc=None,
    lb_ip=None,
    node_port=30080,
    ranges=None,
):
    return Service.model_validate(
        {
            "metadata": {"name": name, "namespace": "default", "uid": uid},
            "spec": {
                "type": "LoadBalancer",
                "clusterIP": "10.96.0.50",
                "externalTrafficPolicy": etp,
                "healthCheckNodePort": hc,
                "loadBalancerIP": lb_ip,
                "loadBalancerSourceRanges": ranges,
                "ports": [{"port": 80, "protocol": "TCP", "nodePort": node_port}],
            },
        }
    )


def node(name, ip, exclude=False):
    labels = {"node.kubernetes.io/exclude-from-external-load-balancers": ""} if exclude else {}
    return Node.model_validate(
        {
            "metadata": {"name": name, "labels": labels},
            "spec": {"providerID": f"x://{name}"},
            "status": {"addresses": [{"type": "InternalIP", "address": ip}]},
        }
    )


NODES = [node("cp", "172.18.0.2", exclude=True), node("w1", "172.18.0.3"), node("w2", "172.18.0.4")]


def es(*eps):
    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": "web-abc",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "web"},
            },
            "addressType": "IPv4",
            "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
            "endpoints": [{"addresses": [ip], "nodeName": n, "conditions": c} for ip, n, c in eps],
        }
    )


def test_default_load_balancer_name():
    assert default_load_balancer_name(svc()) == "a11111111222233334444555555555555"[:32]


def test_generic_allocates_from_pool_and_honours_load_balancer_ip():
    p = GenericCloud()
    st = p.ensure_load_balancer("kubernetes", svc(), NODES[1:])
    assert [(i.ip, i.ipMode) for i in st.ingress] == [("203.0.113.1", "VIP")]
    st2 = p.ensure_load_balancer("kubernetes", svc("b", uid="b"), NODES[1:])
    assert st2.ingress[0].ip == "203.0.113.2"
    st3 = p.ensure_load_balancer("kubernetes", svc("c", uid="c", lb_ip="203.0.113.77"), NODES[1:])
    assert st3.ingress[0].ip == "203.0.113.77"
    with pytest.raises(CloudError, match="already in use"):
        p.ensure_load_balancer("kubernetes", svc("d", uid="d", lb_ip="203.0.113.77"), NODES[1:])
    # re-ensuring keeps the address
    assert p.ensure_load_balancer("kubernetes", svc(), NODES[1:]).ingress[0].ip == "203.0.113.1"
    assert p.calls == ["create"] * 5
    assert p.get_load_balancer("kubernetes", svc())[1] is True
    p.ensure_load_balancer_deleted("kubernetes", svc())
    assert p.get_load_balancer("kubernetes", svc()) == (None, False)


def test_generic_pool_exhausted():
    p = GenericCloud(pool="203.0.113.0/30")  # two usable addresses
    p.ensure_load_balancer("k", svc("a", uid="a"), [])
    p.ensure_load_balancer("k", svc("b", uid="b"), [])
    with pytest.raises(CloudError, match="no available IP in pool 203.0.113.0/30"):
        p.ensure_load_balancer("k", svc("c", uid="c"), [])


def test_generic_needs_node_ports():
    with pytest.raises(CloudError, match="allocateLoadBalancerNodePorts is false"):
        GenericCloud().ensure_load_balancer("k", svc(node_port=None), [])
    # a passthrough balancer does not
    assert GenericCloud(target="vip").ensure_load_balancer("k", svc(node_port=None), []).ingress


def test_generic_cluster_policy_splits_per_node_on_kube_proxy_healthz():
    p = GenericCloud()
    s = svc()
    p.ensure_load_balancer("k", s, NODES[1:])
    slices = [es(("10.244.1.2", "w1", None), ("10.244.1.3", "w1", None), ("10.244.2.2", "w2", None))]
    bs = p.backends(s, 80, "TCP", NODES, slices, health_probe(NODES, [s], slices))
    assert [(b.node, b.share, b.dst_ip, b.dst_port, b.src_ip) for b in bs] == [
        ("w1", Fraction(1, 2), "172.18.0.3", 30080, None),
        ("w2", Fraction(1, 2), "172.18.0.4", 30080, None),
    ]
    assert bs[0].check == "GET :10256/healthz -> 200"


def test_generic_local_policy_checks_health_check_node_port():
    p = GenericCloud()
    s = svc(etp="Local", hc=32000)
    p.ensure_load_balancer("k", s, NODES[1:])
    slices = [
        es(
            ("10.244.1.2", "w1", {"ready": True}),
            ("10.244.2.2", "w2", {"ready": False, "serving": True, "terminating": True}),
        )
    ]
    bs = {b.node: b for b in p.backends(s, 80, "TCP", NODES, slices, health_probe(NODES, [s], slices))}
    assert bs["w1"].share == 1 and bs["w1"].check == "GET :32000/healthz -> 200"
    # only terminating endpoints: the health check fails ("should fail if there are only terminating endpoints")
    assert bs["w2"].share == 0 and bs["w2"].check == "GET :32000/healthz -> 503"
    # nothing healthy: dropped, or sent everywhere when failing open
    none_ready = [es(("10.244.1.2", "w1", {"ready": False}))]
    none_healthy = health_probe(NODES, [s], none_ready)
    assert all(b.share == 0 for b in p.backends(s, 80, "TCP", NODES, none_ready, none_healthy))
    assert [b.share for b in p.backends(s, 80, "TCP", NODES, none_ready, none_healthy, fail_open=True)] == [
        Fraction(1, 2)
    ] * 2


def test_source_ranges():
    p = GenericCloud()
    s = svc(ranges=["198.51.100.0/24"])
    p.ensure_load_balancer("k", s, [])
    b = p.balancer_for_ip("203.0.113.1")
    assert p.allows(b, "198.51.100.7") and not p.allows(b, "192.0.2.1")


def test_proxy_mode_lb_replaces_the_source():
    p = ProxyModeLB()
    s = svc()
    assert p.ensure_load_balancer("k", s, NODES[1:]).ingress[0].ipMode == "Proxy"
    probe = health_probe(NODES, [s], [])
    assert {b.src_ip for b in p.backends(s, 80, "TCP", NODES, [], probe)} == {"198.51.100.10"}
    assert p.preserves_client_ip is False


def test_metallb_leader_is_sha256_order():
    ip = "172.18.255.200"
    names = ["w1", "w2", "w3"]
    expected = sorted(names, key=lambda n: hashlib.sha256((n + "#" + ip).encode()).digest())[0]
    assert MetalLBL2.leader(names, ip) == expected
    assert MetalLBL2.leader(list(reversed(names)), ip) == expected


def test_metallb_sends_everything_to_one_node():
    p = MetalLBL2()
    s = svc(node_port=None)
    st = p.ensure_load_balancer("k", s, NODES)
    assert st.ingress[0].ip == "172.18.255.200"
    bs = p.backends(s, 80, "TCP", NODES, [])
    assert len(bs) == 1 and bs[0].share == 1 and bs[0].node in ("w1", "w2")  # cp is excluded
    assert (bs[0].dst_ip, bs[0].dst_port) == ("172.18.255.200", 80)  # the address arrives unchanged


def test_metallb_local_announces_from_a_node_with_an_endpoint():
    p = MetalLBL2()
    s = svc(etp="Local", node_port=None)
    p.ensure_load_balancer("k", s, NODES)
    for n in ("w1", "w2"):
        slices = [es(("10.244.9.9", n, {"ready": True}))]
        assert p.announcer(s, NODES, slices) == n
    # EndpointCanServe: serving counts even when not ready
    assert p.announcer(s, NODES, [es(("10.244.9.9", "w2", {"ready": False, "serving": True}))]) == "w2"
    assert p.announcer(s, NODES, [es(("10.244.9.9", "w2", {"ready": False, "serving": False}))]) is None
