"""External traffic end to end: load balancer → node → kube-proxy rules (executed) → pod.

Known results the book quotes:

* ``externalTrafficPolicy: Local``, 3 pods placed 2+1 on two nodes, a balancer splitting evenly per healthy
  node → 25 % / 25 % / 50 % per pod, and every pod sees the client's address (Kubernetes docs, "Preserving the
  client source IP"; the imbalance is the documented caveat of Local).
* ``Cluster``: every pod gets an even share, but sees a node's address (kube-proxy masquerades external traffic:
  ``KUBE-EXT-*`` jumps to ``KUBE-MARK-MASQ`` in pkg/proxy/iptables/proxier.go).
* NodePort with ``Local`` sent to a node without a local endpoint is dropped ("has no local endpoints").
* MetalLB layer 2 sends all traffic of one address to one node (metallb ``speaker/layer2_controller.go``).
* kube-proxy's health check fails on a node whose local endpoints are all terminating
  (pkg/proxy/endpointschangetracker.go ``getLocalReadyEndpointIPs``), while traffic that still reaches that
  node uses them (pkg/proxy/topology.go: Serving-Terminating fallback).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from k8snet.api.discovery_v1 import EndpointHints
from k8snet.controllers.cloud import GenericCloud
from k8snet.controllers.servicelb import install
from k8snet.errors import K8snetError
from k8snet.sim.cluster import Cluster
from k8snet.sim.trace import trace, trace_objects
from k8snet.sim.whatif import CLIENT_IP, external_trace, what_if

TWO_ONE = ["kind-worker", "kind-worker", "kind-worker2"]
NODE_IPS = {"kind-control-plane": "172.18.0.2", "kind-worker": "172.18.0.3", "kind-worker2": "172.18.0.4"}


def test_local_policy_two_plus_one():
    w = what_if(replicas=3, placement=TWO_ONE, external_traffic_policy="Local")
    assert w.per_pod == {"web-0": Fraction(1, 4), "web-1": Fraction(1, 4), "web-2": Fraction(1, 2)}
    assert w.per_node == {
        "kind-control-plane": 0,
        "kind-worker": Fraction(1, 2),
        "kind-worker2": Fraction(1, 2),
    }
    assert w.dropped == 0
    assert w.client_ip_preserved and w.sources_seen == {p: [CLIENT_IP] for p in ("web-0", "web-1", "web-2")}
    # no path crosses nodes and none is masqueraded
    assert all(p.node == p.pod_node for p in w.trace.paths)


def test_cluster_policy_even_shares_but_node_source():
    w = what_if(replicas=3, placement=TWO_ONE, external_traffic_policy="Cluster")
    for share in w.per_pod.values():
        assert abs(float(share) - 1 / 3) < 1e-9
    assert sum(w.per_pod.values()) == 1
    seen = w.sources_seen
    assert not w.client_ip_preserved
    # a pod sees the IP of the node the balancer picked (masquerade), never the client
    assert set(seen["web-2"]) == {NODE_IPS["kind-worker"], NODE_IPS["kind-worker2"]}
    assert CLIENT_IP not in sum(seen.values(), [])


def test_not_ready_pod_fails_its_nodes_health_check():
    w = what_if(replicas=3, placement=TWO_ONE, external_traffic_policy="Local", ready=[True, True, False])
    assert w.per_node["kind-worker2"] == 0 and w.per_pod["web-2"] == 0
    assert w.per_pod["web-0"] == w.per_pod["web-1"] == Fraction(1, 2)
    (bad,) = [b for b in w.trace.backends if b.node == "kind-worker2"]
    assert bad.check.endswith("-> 503")


def test_nothing_ready_with_local_policy_is_dropped_at_the_balancer():
    w = what_if(
        replicas=2,
        placement=["kind-worker", "kind-worker2"],
        external_traffic_policy="Local",
        ready=[False, False],
    )
    assert w.dropped == 1 and w.trace.paths[0].node is None


def test_metallb_sends_everything_to_one_node():
    for etp in ("Cluster", "Local"):
        w = what_if(replicas=3, placement=TWO_ONE, provider="metallb", external_traffic_policy=etp)
        shares = [s for s in w.per_node.values() if s]
        assert shares == [1]
    local = what_if(replicas=3, placement=TWO_ONE, provider="metallb", external_traffic_policy="Local")
    (node,) = [n for n, s in local.per_node.items() if s]
    # Local: only the pods on the announcing node get traffic, and they see the client
    assert {p for p, s in local.per_pod.items() if s} == {p for p, n in local.pod_nodes.items() if n == node}
    assert local.client_ip_preserved


def test_proxy_mode_lb_hides_the_client_even_with_local_policy():
    w = what_if(replicas=3, placement=TWO_ONE, provider="proxy", external_traffic_policy="Local")
    assert w.trace.ip_mode == "Proxy"
    assert set(sum(w.sources_seen.values(), [])) == {"198.51.100.10"}


def test_diagram_shows_the_shares():
    # speed is measured by benchmarks/whatif.py, not asserted here
    from k8snet.views.flow import whatif_svg

    w = what_if(replicas=3, placement=TWO_ONE, external_traffic_policy="Local", session_affinity="ClientIP")
    svg = whatif_svg(w)
    assert svg.startswith("<svg") and "25%" in svg and "50%" in svg


def test_what_if_rejects_bad_input():
    with pytest.raises(K8snetError, match="Unsupported value"):
        what_if(external_traffic_policy="Nearest")
    with pytest.raises(K8snetError, match="placement names 2 nodes for 3 replicas"):
        what_if(replicas=3, placement=["kind-worker", "kind-worker"])
    with pytest.raises(K8snetError, match='nodes "nope" not found'):
        what_if(replicas=1, placement=["nope"])


# -- on a full cluster -----------------------------------------------------------------------------------------


def _web(cluster, etp="Cluster", itp="Cluster", type_="LoadBalancer", placement=TWO_ONE, **spec):
    s = {
        "type": type_,
        "internalTrafficPolicy": itp,
        "selector": {"app": "web"},
        "ports": [{"port": 80, "targetPort": 8080}],
        **spec,
    }
    if type_ != "ClusterIP":
        s["externalTrafficPolicy"] = etp
    docs = [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": s}]
    for i, n in enumerate(placement):
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"web-{i}", "labels": {"app": "web"}},
                "spec": {"nodeName": n, "containers": [{"name": "c", "image": "nginx"}]},
            }
        )
    cluster.apply(docs)
    return cluster.get("Service", "web")


@pytest.fixture(scope="module")
def lb_cluster():
    c = Cluster()
    install(c, GenericCloud())
    _web(c, etp="Local", loadBalancerSourceRanges=["198.51.100.0/24"])
    return c


def test_external_trace_hops(lb_cluster):
    t = external_trace(lb_cluster, "web")
    np = lb_cluster.get("Service", "web").spec.ports[0].nodePort
    p = next(p for p in t.paths if p.pod == "web-2")
    assert p.hops[:2] == [
        f"client {CLIENT_IP} -> LB 203.0.113.1:80",
        f"LB -> kind-worker2 as 172.18.0.4:{np} (source kept)",
    ]
    assert any("DNAT to 10.244.2.2:8080" in h for h in p.hops)
    assert "25.00%  pod web-0 on kind-worker" in t.text()


def test_source_ranges_block_at_the_balancer(lb_cluster):
    t = external_trace(lb_cluster, "web", client="192.0.2.1")
    assert t.dropped == 1 and "loadBalancerSourceRanges" in t.paths[0].reason


def test_pending_without_a_provider():
    c = Cluster(preset="minikube")
    _web(c, placement=["minikube"])
    with pytest.raises(K8snetError, match=r"EXTERNAL-IP <pending>"):
        external_trace(c, "web")


def test_node_port_local_to_a_node_without_a_pod_is_dropped():
    c = Cluster()
    svc = _web(c, etp="Local", type_="NodePort", placement=["kind-worker"])
    np = svc.spec.ports[0].nodePort
    ok = trace(c, CLIENT_IP, f"172.18.0.3:{np}")
    assert ok.verdict == "delivered" and ok.source_seen == CLIENT_IP
    dropped = trace(c, CLIENT_IP, f"172.18.0.4:{np}")
    assert (dropped.verdict, dropped.reason) == ("DROP", "default/web has no local endpoints")
    # with Cluster, any node forwards (and masquerades)
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {
                "type": "NodePort",
                "externalTrafficPolicy": "Cluster",
                "selector": {"app": "web"},
                "ports": [{"port": 80, "targetPort": 8080, "nodePort": np}],
            },
        }
    )
    fwd = trace(c, CLIENT_IP, f"172.18.0.4:{np}")
    assert fwd.verdict == "delivered" and fwd.source_seen == "172.18.0.4"


def test_internal_traffic_policy_local():
    c = Cluster()
    _web(c, itp="Local", type_="ClusterIP", placement=["kind-worker"])
    c.apply(
        [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"client-{n}"},
                "spec": {"nodeName": n, "containers": [{"name": "c", "image": "busybox"}]},
            }
            for n in ("kind-worker", "kind-worker2")
        ]
    )
    same = trace(c, "default/client-kind-worker", "web:80")
    other = trace(c, "default/client-kind-worker2", "web:80")
    assert same.verdict == "delivered" and same.source_seen == c.get("Pod", "client-kind-worker").status.podIP
    assert (other.verdict, other.reason) == ("DROP", "default/web has no local endpoints")


def test_terminating_local_endpoint_serves_but_fails_the_health_check():
    c = Cluster()
    install(c, GenericCloud())
    svc = _web(c, etp="Local", placement=["kind-worker", "kind-worker2"])
    c.terminate_pod("web-0")  # on kind-worker: serving + terminating for 30 s
    t = external_trace(c, "web")
    assert t.per_node == {"kind-worker": 0, "kind-worker2": 1}
    assert t.per_pod == {"web-1": 1}
    # a client that reaches kind-worker's NodePort directly still gets the terminating pod (fallback)
    direct = trace(c, CLIENT_IP, f"172.18.0.3:{svc.spec.ports[0].nodePort}")
    assert direct.verdict == "delivered" and direct.chosen.pod == "default/web-0"


@pytest.mark.parametrize("mode,hint", [("PreferSameZone", "forZones"), ("PreferSameNode", "forNodes")])
def test_traffic_distribution_with_hints(mode, hint):
    """Hints as the EndpointSlice controller writes them for ``trafficDistribution`` (each endpoint hinted for
    its own zone, and for PreferSameNode also its own node: staging/src/k8s.io/endpointslice/trafficdist/
    trafficdist.go, ready endpoints only); kube-proxy
    then keeps a client's traffic in its zone (node)."""
    c = Cluster()
    _web(
        c,
        type_="ClusterIP",
        placement=["kind-worker", "kind-worker2", "kind-worker2"],
        trafficDistribution=mode,
    )
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "client"},
            "spec": {"nodeName": "kind-worker2", "containers": [{"name": "c", "image": "busybox"}]},
        }
    )
    slices = [s.model_copy(deep=True) for s in c.endpoint_slices(None)]
    for s in slices:
        if (s.metadata.labels or {}).get("kubernetes.io/service-name") == "web":
            for ep in s.endpoints:
                h = {"forZones": [{"name": ep.zone}]}
                if hint == "forNodes":
                    h["forNodes"] = [{"name": ep.nodeName}]
                ep.hints = EndpointHints.model_validate(h)
    t = trace_objects(
        c.nodes(),
        c.pods(None),
        c.services(None),
        slices,
        "default/client",
        "web:80",
        cluster_cidr=c.cluster_cidr,
    )
    pods = {o.pod for o in t.candidates}
    assert pods == {"default/web-1", "default/web-2"}  # both on kind-worker2 (zone-c): none cross zones
    for o in t.candidates:
        assert o.probability == Fraction(1, 2)


def _lb_cluster(provider, affinity="None"):
    c = Cluster()
    install(c, provider)
    _web(c, sessionAffinity=affinity)
    return c


def test_session_affinity_behind_a_spreading_balancer_is_per_node():
    from k8snet.sim.whatif import simulate_lb

    c = _lb_cluster(GenericCloud(), "ClientIP")
    r = simulate_lb(c, "web", clients=1, connections=400, duration=600)
    assert set(r.per_entry_node) == {"kind-worker", "kind-worker2"}
    assert r.stickiness == 1.0
    assert len(r.per_pod) <= 2  # at most one pod per node the client entered
    plain = simulate_lb(_lb_cluster(GenericCloud()), "web", clients=1, connections=400)
    assert len(plain.per_pod) == 3


def test_in_cluster_clients_of_the_lb_address():
    """kube-proxy short-circuits a VIP-mode LB address inside the cluster; for ipMode Proxy it writes no rule
    (pkg/proxy/util IsVIPMode, KEP-1860), so the packet leaves for the balancer."""
    from k8snet.controllers.cloud import ProxyModeLB

    for provider, inside in ((GenericCloud(), True), (ProxyModeLB(), False)):
        c = _lb_cluster(provider)
        c.apply(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "client"},
                "spec": {"nodeName": "kind-worker", "containers": [{"name": "c", "image": "busybox"}]},
            }
        )
        t = trace(c, "default/client", "203.0.113.1:80")
        assert t.verdict == "delivered"
        assert (t.chosen.delivered_to[0] == "pod") is inside
