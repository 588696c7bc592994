"""Traffic simulation (k8snet.sim.simulate): shares, SNAT, drops and session-affinity stickiness.

Expected behaviour comes from kube-proxy's rules as upstream writes them (pkg/proxy/iptables/proxier.go): equal
``-m statistic`` probabilities per endpoint, ``KUBE-MARK-MASQ`` for NodePort traffic with
``externalTrafficPolicy: Cluster``, the ``has no local endpoints`` DROP for ``Local``, and
``-m recent --rcheck --seconds <timeoutSeconds>`` for ``sessionAffinity: ClientIP``.
"""

from __future__ import annotations

import pytest

from k8snet.proxy.modes import available_modes
from k8snet.sim.simulate import simulate


def test_cluster_ip_spreads_evenly_without_snat(kind):
    r = simulate(kind, ["default/client"], "web:80", connections=100_000, seed=1)  # speed: benchmarks/
    assert r.connections == r.delivered == 100_000 and r.drops == {}
    assert len(r.per_pod) == 3
    assert all(abs(share - 1 / 3) < 0.01 for share in r.per_pod.values())
    assert r.snat_fraction == 0.0
    assert r.source_seen == {kind.get("Pod", "client").status.podIP: 1.0}
    assert r.stickiness is None and abs(r.repeat_same_endpoint - 1 / 3) < 0.01
    assert r.executor_runs == 1  # one (client, entry node) class: the rules ran once


def test_seed_makes_it_reproducible(kind):
    a = simulate(kind, ["default/client"], "web:80", connections=2000, seed=7)
    b = simulate(kind, ["default/client"], "web:80", connections=2000, seed=7)
    c = simulate(kind, ["default/client"], "web:80", connections=2000, seed=8)
    assert a.per_pod == b.per_pod and a.per_pod != c.per_pod


def test_local_policy_drops_on_nodes_without_endpoints(kind):
    nodes_with = {p.spec.nodeName for p in kind.pods(label_selector={"app": "web"})}
    r = simulate(kind, 20, f"{kind.node_ip('kind-worker')}:30081", connections=30_000, spread="nodes")
    assert set(r.per_entry_node) == {"kind-control-plane", "kind-worker", "kind-worker2"}
    without = [n for n in r.per_entry_node if n not in nodes_with]
    assert r.dropped / r.connections == pytest.approx(sum(r.per_entry_node[n] for n in without))
    assert list(r.drops) == ["DROP: default/web-local has no local endpoints"]
    assert r.snat_fraction == 0.0
    # the backends see the 20 external clients themselves
    assert len(r.source_seen) == 20 and all(ip.startswith("198.18.") for ip in r.source_seen)
    assert set(r.per_node) <= nodes_with


def test_load_balancer_spreads_over_healthy_nodes_only(kind, lb_ip):
    nodes_with = {p.spec.nodeName for p in kind.pods(label_selector={"app": "web"})} - {"kind-control-plane"}
    r = simulate(kind, 30, f"{lb_ip}:80", connections=20_000)
    assert set(r.per_entry_node) == nodes_with
    assert r.dropped == 0 and r.snat_fraction == 0.0
    # Local policy: every connection stays on the node the LB picked
    assert r.per_node == pytest.approx(r.per_entry_node, abs=1e-9)


def test_session_affinity_sticks_within_the_timeout_and_expires_after(kind):
    clients = [f"198.18.0.{i}" for i in range(1, 6)]
    # 5 clients, 2000 connections over 10 hours: ~90 s between a client's connections, timeout 60 s
    r = simulate(kind, clients, "sticky:80", connections=2000, duration=36_000, spread="kind-worker", seed=3)
    plain = simulate(kind, clients, "web:80", connections=2000, duration=36_000, spread="kind-worker", seed=3)
    assert r.affinity_timeout == 60
    assert r.stickiness == 1.0
    assert r.reassigned > 0  # gaps longer than 60 s re-ran the rules
    assert r.repeat_same_endpoint < 1.0  # ...and sometimes picked another endpoint
    assert r.executor_runs > r.reassigned
    assert plain.stickiness is None and plain.repeat_same_endpoint < 0.45
    # external clients cannot reach a ClusterIP without a router: the whole simulation was entered at kind-worker
    assert r.per_entry_node == {"kind-worker": 1.0}


def test_affinity_with_long_timeout_pins_each_client(kind):
    r = simulate(kind, ["default/client"], "sticky:80", connections=5000, duration=3000, seed=2)
    assert r.stickiness == 1.0 and r.reassigned == 0 and r.executor_runs == 2
    assert list(r.per_pod.values()) == [1.0]


@pytest.mark.skipif(available_modes()["nftables"] is not None, reason=str(available_modes()["nftables"]))
def test_nftables_mode_agrees_on_shares(kind):
    r = simulate(kind, ["default/client"], "web:80", connections=30_000, mode="nftables", seed=1)
    assert len(r.per_pod) == 3 and all(abs(s - 1 / 3) < 0.015 for s in r.per_pod.values())


def test_text_and_dict(kind):
    r = simulate(kind, ["default/client"], "web:80", connections=100)
    assert r.text().startswith("100 connections to web:80 [iptables]: 100 delivered, 0 dropped")
    assert r.to_dict()["delivered"] == 100
