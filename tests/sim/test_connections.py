"""Connections, not requests (k8snet.sim.connections).

The behaviour asserted is netfilter's and kube-proxy's, not the simulation's own: the nat table is consulted
for the first packet of a connection only (iptables' and nftables' documented NAT semantics; kube-proxy's rules
live in the nat table and in nftables ``type nat`` chains); kube-proxy picks an endpoint of a Service with
probability 1/n (``pkg/proxy/iptables/proxier.go`` ``computeProbability``, ``numgen random mod n`` in nftables);
it removes stale UDP entries only (``pkg/proxy/conntrack/cleanup.go``).
"""

from __future__ import annotations

from collections import Counter

import pytest

from k8snet import Cluster
from k8snet.dataplane.packet import Packet
from k8snet.errors import K8snetError
from k8snet.sim.connections import (
    RESTARTED_AT,
    ClientGroup,
    Event,
    NodeKernel,
    PodClient,
    record_phases,
    restart_deployment,
    simulate_load,
)


@pytest.fixture(scope="module")
def web():
    c = Cluster()
    c.kubectl("create deployment web --image=nginx --replicas=3 --port=8080")
    c.kubectl("expose deployment web --port=80 --target-port=8080")
    c.kubectl("run client --image=curlimages/curl")
    return c


def _client(cluster, mode="iptables", seed=0):
    pod = cluster.get("Pod", "client")
    return PodClient(NodeKernel.for_cluster(cluster, pod.spec.nodeName, mode, seed=seed), pod)


def _web_pods(cluster):
    return {f"default/{p.metadata.name}" for p in cluster.pods("default", {"app": "web"})}


@pytest.mark.parametrize("mode", ["iptables", "nftables"])
def test_requests_follow_the_connection(web, mode):
    client = _client(web, mode)
    conn = client.connect("web:80")
    assert conn.open and conn.pod in _web_pods(web)
    assert {client.request(conn) for _ in range(20)} == {conn.pod}
    # a request's packet is ESTABLISHED and meets no nat rule: the rules are not consulted again
    pkt = Packet(client.ip, conn.dst_ip, "TCP", conn.src_port, conn.dst_port, in_interface=client.iface)
    later = client.kernel.host.send(pkt, record=True)
    assert later.ctstate == "ESTABLISHED"
    nat = [s for s in later.steps if s.table == "nat" or s.chain.startswith(("nat-", "service", "endpoint-"))]
    assert later.steps and not nat
    assert (later.dst_ip, later.dst_port) == tuple(conn.endpoint.split(":")[:1]) + (8080,)


def test_recorded_packets(web):
    client = _client(web)
    conn = client.connect("web:80", record=True)
    assert any(s.endswith(f"DNAT to {conn.endpoint}") for s in conn.first_packet)
    client.request(conn, record=True)
    assert conn.last_request and not [s for s in conn.last_request if "nat/" in s]


@pytest.mark.parametrize("mode", ["iptables", "nftables"])
def test_new_connections_spread_over_the_endpoints(web, mode):
    client = _client(web, mode, seed=3)
    n = 600
    pods = Counter(client.connect("web:80").pod for _ in range(n))
    assert set(pods) == _web_pods(web)
    for count in pods.values():  # 1/3 each; 600 draws: 4 standard deviations is ±46
        assert abs(count - n / 3) < 4 * (n * (1 / 3) * (2 / 3)) ** 0.5


def test_conntrack_list_of_a_handshake_and_a_close(web):
    client = _client(web)
    conn = client.connect("web:80")
    listed = client.kernel.conntrack_list(dport=80).stdout.splitlines()
    assert (
        len(listed) == 1
        and " 86400 ESTABLISHED " in listed[0]
        and listed[0].endswith("[ASSURED] mark=0 use=1")
    )
    client.close(conn)
    listed = client.kernel.conntrack_list(dport=80).stdout.splitlines()
    assert " 120 TIME_WAIT " in listed[0]
    with pytest.raises(K8snetError, match="is closed"):
        client.request(conn)


def test_scale_up_does_not_move_a_connection():
    c = Cluster()
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=8080")
    c.kubectl("expose deployment web --port=80 --target-port=8080")
    c.kubectl("run client --image=curlimages/curl")
    client = _client(c, seed=1)
    conn = client.connect("web:80")
    before = _web_pods(c)
    c.scale("deployment", "web", 6)
    assert client.kernel.sync() == []  # TCP: kube-proxy deletes nothing
    assert {client.request(conn) for _ in range(10)} == {conn.pod}
    new = {client.connect("web:80").pod for _ in range(200)}
    assert new == _web_pods(c) and new - before  # new connections reach the new Pods


def _udp_cluster():
    c = Cluster()
    c.apply(
        """
apiVersion: apps/v1
kind: Deployment
metadata: {name: metrics}
spec:
  replicas: 2
  selector: {matchLabels: {app: metrics}}
  template:
    metadata: {labels: {app: metrics}}
    spec: {containers: [{name: statsd, image: statsd, ports: [{containerPort: 8125, protocol: UDP}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: metrics}
spec:
  selector: {app: metrics}
  ports: [{name: statsd, port: 8125, protocol: UDP}]
"""
    )
    c.kubectl("run client --image=busybox")
    return c


def test_udp_stale_entry_is_deleted_when_its_pod_goes():
    c = _udp_cluster()
    client = _client(c)
    first = client.datagram("metrics:statsd")
    assert first.new and first.pod in _web_pods_of(c, "metrics")
    again = client.datagram("metrics:statsd")
    assert (again.new, again.pod) == (False, first.pod)  # the entry sends it where the first one went
    name = first.pod.split("/")[1]
    c.delete("pod", name, grace_period_seconds=0)
    c.reconcile()
    cleaned = client.kernel.sync()
    assert [e.reply[0] for e in cleaned] == [first.endpoint.split(":")[0]]
    after = client.datagram("metrics:statsd")
    assert after.new and after.pod != first.pod and after.pod in _web_pods_of(c, "metrics")


def test_udp_entries_stay_when_no_endpoint_is_left():
    # v1.34 cleanup.go: "a Service without endpoints does not require to clean the conntrack entries"
    c = _udp_cluster()
    client = _client(c)
    first = client.datagram("metrics:statsd")
    c.scale("deployment", "metrics", 0)
    c.clock.advance(seconds=20)  # the Pods are terminating: still serving
    assert client.datagram("metrics:statsd").pod == first.pod
    c.clock.advance(seconds=11)  # their grace period ended: no endpoint is left
    assert not c.pods("default", {"app": "metrics"})
    assert client.kernel.sync() == []  # cleanup required (a UDP port changed) but the Service is skipped
    stale = client.datagram("metrics:statsd")
    assert (stale.new, stale.endpoint, stale.pod) == (False, first.endpoint, None)  # to a Pod that is gone
    c.clock.advance(seconds=31)  # 30 s of silence: the entry times out
    assert client.datagram("metrics:statsd").verdict == "REJECT"  # now kube-proxy's reject rule answers


def _web_pods_of(cluster, app):
    return {f"default/{p.metadata.name}" for p in cluster.pods("default", {"app": app})}


def test_ipvs_mode_is_refused(web):
    with pytest.raises(K8snetError, match="ipvsadm -Lnc"):
        NodeKernel.for_cluster(web, "kind-worker", "ipvs")


def test_restart_sets_the_annotation_and_replaces_the_pods():
    c = Cluster()
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=8080")
    before = _web_pods(c)
    dep = restart_deployment(c, "web")
    assert RESTARTED_AT in dep.spec.template.metadata.annotations
    c.clock.advance(seconds=31)
    after = _web_pods(c)
    assert len(after) == 2 and not (after & before)


@pytest.fixture(scope="module")
def phases():
    c = Cluster()
    c.kubectl("create deployment web --image=nginx --replicas=3 --port=8080")
    c.kubectl("expose deployment web --port=80 --target-port=8080")
    for i in range(4):
        c.kubectl(f"run client-{i} --image=curlimages/curl")
    nodes = sorted({p.spec.nodeName for p in c.pods("default") if p.metadata.name.startswith("client")})
    ph = record_phases(c, "web", [Event(3, "scale", 6), Event(6, "rollout")], 9, nodes)
    return ph, (c.get("Service", "web").spec.clusterIP, 80), tuple(f"default/client-{i}" for i in range(4))


def test_phases_follow_the_events(phases):
    ph, _, _ = phases
    assert [p.minute for p in ph] == [0, 3, 6, 7]
    assert [[e.text() for e in p.events] for p in ph] == [[], ["scale to 6"], ["rollout"], []]
    # during the rollout's minute the old Pods are terminating; a minute later they are gone
    assert sum(i.terminating for i in ph[2].pods.values()) == 6
    assert sum(i.terminating for i in ph[3].pods.values()) == 0


def test_long_lived_clients_never_reach_the_scaled_up_pods(phases):
    ph, dest, clients = phases
    tl = simulate_load(ph, [ClientGroup("grpc", clients, 1, 10)], 9, destination=dest)
    new = [p for p, (first, _) in tl.pods.items() if first == 3]
    assert len(new) == 3
    assert all(sum(tl.requests["grpc"][p]) == 0 for p in new)
    # one connection per client at the start, one again after the rollout closed them
    assert tl.connections_opened["grpc"] == [4, 0, 0, 0, 0, 0, 4, 0, 0]
    assert sum(sum(c) for c in tl.requests["grpc"].values()) == 4 * 10 * 9


def test_short_lived_clients_reach_the_scaled_up_pods(phases):
    ph, dest, clients = phases
    tl = simulate_load(ph, [ClientGroup("short", clients, 0, 10)], 9, destination=dest)
    new = [p for p, (first, _) in tl.pods.items() if first == 3]
    assert all(sum(tl.requests["short"][p][3:6]) > 0 for p in new)
    assert tl.connections_opened["short"] == [40] * 9
    # TIME_WAIT entries pile up for 120 s: two minutes of each node's connections
    assert max(max(v) for v in tl.conntrack_entries.values()) <= 2 * 40


def test_simulation_is_deterministic(phases):
    ph, dest, clients = phases
    groups = [ClientGroup("short", clients, 0, 5), ClientGroup("pool", clients, 2, 5)]
    a = simulate_load(ph, groups, 9, destination=dest, seed=4)
    b = simulate_load(ph, groups, 9, destination=dest, seed=4)
    assert a.requests == b.requests


def test_bad_input():
    with pytest.raises(K8snetError):
        Event(1, "drain")
    with pytest.raises(K8snetError):
        Event(1, "scale")
    with pytest.raises(K8snetError):
        ClientGroup("x", (), -1)
