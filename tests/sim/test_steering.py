"""Traffic steering on a running cluster (k8snet.sim.steering): internalTrafficPolicy, the serving-terminating
fallback during a rollout, trafficDistribution and the topology annotation, in every proxy mode.

Upstream behaviour checked: kubernetes/kubernetes ``pkg/proxy/topology.go`` (``CategorizeEndpoints``: Local policy
uses the node's ready endpoints, else its serving-terminating ones, else none; topology hints only when every ready
endpoint has them and one names this zone or node), ``pkg/proxy/iptables/proxier.go`` (``"%s has no local
endpoints"`` DROP in the filter table), ``staging/src/k8s.io/endpointslice/trafficdist/trafficdist.go`` (hints of
``PreferClose``/``PreferSameZone``/``PreferSameNode``) and ``staging/src/k8s.io/endpointslice/reconciler.go`` (the
``topology-mode`` annotation takes precedence over ``trafficDistribution``). The rule-level fallback cases of
upstream's proxier tests (TestTerminatingEndpointsTrafficPolicyLocal/Cluster in iptables and nftables,
Test_EndpointSlice{Ready,Only}AndTerminating{Cluster,Local} in IPVS) are transcribed in
tests/dataplane/test_upstream_flows.py, tests/dataplane/test_nft.py and tests/proxy/test_ipvs.py; here the same
fallback is reached through a real rollout.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from k8snet.errors import K8snetError
from k8snet.sim.cluster import Cluster
from k8snet.sim.steering import DROPPED, node_traffic, zonal_cluster, zone_shares
from k8snet.sim.trace import trace

MODES = ("iptables", "ipvs", "nftables")


@pytest.mark.parametrize("mode", MODES)
def test_internal_policy_local_drops_on_a_node_without_a_local_endpoint(mode):
    c = zonal_cluster(zones=2, replicas=(1, 0), internal_traffic_policy="Local")
    rows = {r.node: r for r in node_traffic(c, mode=mode)}
    (home,) = [n for n, r in rows.items() if r.verdict == "delivered"]
    assert rows[home].by_zone == {"zone-a": Fraction(1)}
    others = [r for n, r in rows.items() if n != home]
    assert len(others) == 3 and all(r.dropped == 1 for r in others)
    if (
        mode == "iptables"
    ):  # proxier.go: filter KUBE-SERVICES "-m comment --comment "ns/svc has no local endpoints" -j DROP"
        assert {(r.verdict, r.reason) for r in others} == {("DROP", "default/web has no local endpoints")}
    elif mode == "nftables":  # nftables/proxier.go: the no-endpoint-services map's drop verdict
        assert {r.verdict for r in others} == {"DROP"}
    else:  # IPVS: a virtual server without real servers; the kernel answers port unreachable
        assert {r.verdict for r in others} == {"REJECT"}


def test_policy_cluster_spreads_over_every_endpoint():
    c = zonal_cluster(zones=3, replicas=(2, 1, 1))
    shares = zone_shares(node_traffic(c))
    for row in shares.values():
        assert abs(row["zone-a"] - Fraction(1, 2)) < Fraction(1, 10**9)
        assert abs(row["zone-b"] - Fraction(1, 4)) < Fraction(1, 10**9)
        assert DROPPED not in row


@pytest.fixture
def rollout_cluster():
    """web with one replica per worker, iTP Local; a client on kind-worker2, which is then tainted so that the
    rollout's new Pods all land on kind-worker."""
    c = Cluster(zones=[])
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=8080")
    c.apply(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
        "spec: {selector: {app: web}, internalTrafficPolicy: Local, ports: [{port: 80, targetPort: 8080}]}\n"
    )
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "client"},
            "spec": {"nodeName": "kind-worker2", "containers": [{"name": "c", "image": "busybox"}]},
        }
    )
    assert sorted(p.spec.nodeName for p in c.pods("default", {"app": "web"})) == [
        "kind-worker",
        "kind-worker2",
    ]
    c.kubectl("taint nodes kind-worker2 maintenance=true:NoSchedule")
    c.kubectl("rollout restart deployment/web")
    return c


@pytest.mark.parametrize("mode", MODES)
def test_local_policy_falls_back_to_the_serving_terminating_local_endpoint(rollout_cluster, mode):
    c = rollout_cluster
    (old,) = [
        p for p in c.pods("default", {"app": "web"}) if p.spec.nodeName == "kind-worker2"
    ]  # the only web Pod left on kind-worker2: terminating
    assert old.metadata.deletionTimestamp is not None
    t = trace(c, "default/client", "web:80", mode=mode)
    # topology.go: no ready local endpoint, a serving-terminating one: Local traffic goes there
    assert t.verdict == "delivered" and [x.pod for x in t.candidates] == [f"default/{old.metadata.name}"]
    c.clock.advance(30)  # the grace period is over: no local endpoint at all
    t = trace(c, "default/client", "web:80", mode=mode)
    assert t.verdict in ("DROP", "REJECT") and not t.candidates


def test_cluster_policy_does_not_use_terminating_endpoints_while_ready_ones_exist(rollout_cluster):
    c = rollout_cluster
    svc = c.get("Service", "web").model_copy(deep=True)
    svc.spec.internalTrafficPolicy = "Cluster"
    c.api.update(svc)
    c.reconcile()
    t = trace(c, "default/client", "web:80")
    ready = {
        f"default/{p.metadata.name}"
        for p in c.pods("default", {"app": "web"})
        if not p.metadata.deletionTimestamp
    }
    assert {x.pod for x in t.candidates} == ready and len(ready) == 2


@pytest.mark.parametrize("distribution", ["PreferClose", "PreferSameZone"])
def test_prefer_close_keeps_traffic_in_the_zone(distribution):
    c = zonal_cluster(zones=3, replicas=(2, 1, 0), traffic_distribution=distribution)
    shares = zone_shares(node_traffic(c))
    assert shares["zone-a"] == {"zone-a": 1}
    assert shares["zone-b"] == {"zone-b": 1}
    # zone-c has no endpoint: no hint names it, so its nodes use every endpoint (topology.go)
    assert abs(shares["zone-c"]["zone-a"] - Fraction(2, 3)) < Fraction(1, 10**9)
    slices = c.endpoint_slices("default", "web")
    hints = {e.targetRef.name: [z.name for z in e.hints.forZones] for s in slices for e in s.endpoints}
    assert all(len(v) == 1 for v in hints.values())


def test_prefer_same_node_keeps_traffic_on_the_node_then_in_the_zone():
    c = zonal_cluster(zones=2, replicas=(1, 1), traffic_distribution="PreferSameNode")
    rows = {r.node: r for r in node_traffic(c)}
    pods = {p.spec.nodeName: f"default/{p.metadata.name}" for p in c.pods("default")}
    for node, row in rows.items():
        if node in pods:  # a node with an endpoint keeps its traffic
            assert [(e.pod, e.probability) for e in row.endpoints] == [(pods[node], 1)]
        else:  # forNodes names no endpoint for this node: same zone instead
            assert len(row.endpoints) == 1 and row.endpoints[0].zone == row.zone


def test_topology_mode_annotation_takes_precedence_and_gives_no_hints_in_the_model():
    c = zonal_cluster(
        zones=2,
        replicas=(1, 1),
        traffic_distribution="PreferClose",
        annotations={"service.kubernetes.io/topology-mode": "Auto"},
    )
    assert all(e.hints is None for s in c.endpoint_slices("default", "web") for e in s.endpoints)
    for row in zone_shares(node_traffic(c)).values():
        assert row == {"zone-a": Fraction(1, 2), "zone-b": Fraction(1, 2)}


def test_zonal_cluster_refuses_bad_shapes():
    with pytest.raises(K8snetError, match="one replica count"):
        zonal_cluster(zones=2, replicas=(1,))
    with pytest.raises(K8snetError, match="between 1 and 3 zones"):
        zonal_cluster(zones=4, replicas=(1, 1, 1, 1))
