"""Conntrack, NAT-once semantics, session affinity (-m recent) and sampling.

Behaviour modelled on the Linux netfilter documentation (nat table consulted only for the first
packet of a connection; replies are reverse-NATed from the conntrack entry) and on the rules
kube-proxy writes for ``sessionAffinity: ClientIP`` (kubernetes/kubernetes
pkg/proxy/iptables/proxier.go writeServiceToEndpointRules: ``-m recent --rcheck --seconds N --reap``
in KUBE-SVC-, ``-m recent --set`` in KUBE-SEP-; the ``ns5/svc5`` rules of TestOverallIPTablesRules
in proxier_test.go). session_affinity.iptables is rendered the same way as the other fixtures
(see test_upstream_flows.py).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from helpers.dataplane import TEST_EXTERNAL_CLIENT, TEST_NODE_IP, host_for

from k8snet.dataplane import ManualClock, Packet

SVC4 = "172.30.0.44"  # ns4/svc4 in overall.iptables: endpoints 10.180.0.4 and 10.180.0.5


def _nat_steps(result):
    return [s for s in result.steps if s.table == "nat"]


def test_second_packet_is_established_and_skips_nat():
    clock = ManualClock()
    host = host_for("overall.iptables", clock=clock, seed=7)
    first = host.send(Packet("10.0.0.2", SVC4, src_port=40000, dst_port=80))
    assert first.ctstate == "NEW" and first.dnat and first.verdict == "ACCEPT"
    assert _nat_steps(first)
    endpoint = (first.dst_ip, first.dst_port)

    reply = host.send(Packet(first.dst_ip, "10.0.0.2", src_port=first.dst_port, dst_port=40000))
    # The reply is un-DNATed: it appears to come from the ClusterIP.
    assert (reply.direction, reply.ctstate) == ("reply", "ESTABLISHED")
    assert (reply.src_ip, reply.src_port, reply.dst_ip, reply.dst_port) == (SVC4, 80, "10.0.0.2", 40000)
    assert not _nat_steps(reply)

    for _ in range(20):
        again = host.send(Packet("10.0.0.2", SVC4, src_port=40000, dst_port=80))
        assert again.ctstate == "ESTABLISHED"
        assert not _nat_steps(again)
        assert (again.dst_ip, again.dst_port) == endpoint
        # KUBE-FORWARD's "kubernetes forwarding conntrack rule" accepts it.
        assert again.verdict_rule.rule.endswith("--ctstate RELATED,ESTABLISHED -j ACCEPT")
    assert len(host.conntrack) == 1


def test_unreplied_connection_is_new_but_not_renatted():
    host = host_for("overall.iptables", seed=1)
    first = host.send(Packet("10.0.0.2", SVC4, src_port=40001, dst_port=80))
    for _ in range(10):
        again = host.send(Packet("10.0.0.2", SVC4, src_port=40001, dst_port=80))
        assert again.ctstate == "NEW" and not _nat_steps(again)
        assert again.destination == first.destination


def test_masqueraded_reply_is_un_snatted():
    host = host_for("etp_cluster.iptables", seed=3)
    first = host.send(Packet(TEST_EXTERNAL_CLIENT, TEST_NODE_IP, src_port=50000, dst_port=3001))
    assert first.masquerade and first.snat_source == TEST_NODE_IP
    reply = host.send(Packet(first.dst_ip, TEST_NODE_IP, src_port=first.dst_port, dst_port=50000))
    assert (reply.src_ip, reply.src_port, reply.dst_ip, reply.dst_port) == (
        TEST_NODE_IP,
        3001,
        TEST_EXTERNAL_CLIENT,
        50000,
    )
    assert reply.path == "forward" and reply.verdict == "ACCEPT"


def test_conntrack_entries_time_out():
    clock = ManualClock()
    host = host_for("overall.iptables", clock=clock)
    pkt = Packet("10.0.0.2", "172.30.0.41", src_port=40000, dst_port=80)
    host.send(pkt)
    host.send(Packet("10.180.0.1", "10.0.0.2", src_port=80, dst_port=40000))  # reply: ESTABLISHED
    clock.advance(86399)
    assert host.send(pkt).ctstate == "ESTABLISHED"  # refreshes the 86400 s timeout
    clock.advance(86401)
    assert len(host.conntrack) == 0
    fresh = host.send(pkt)
    assert fresh.ctstate == "NEW" and _nat_steps(fresh)

    udp = Packet("10.0.0.2", "172.30.0.41", protocol="UDP", src_port=5353, dst_port=53)
    host.send(udp)  # no UDP service on that port: not NATed, but tracked
    clock.advance(29)
    assert len(host.conntrack) == 2
    clock.advance(2)
    assert len(host.conntrack) == 1


def test_session_affinity_sticks_then_expires():
    clock = ManualClock(1000.0)
    host = host_for("session_affinity.iptables", clock=clock, seed=11)
    probe = Packet("10.0.0.2", "172.30.0.41", src_port=39999, dst_port=80)
    assert len(host.enumerate(probe)) == 3

    first = host.send(Packet("10.0.0.2", "172.30.0.41", src_port=40000, dst_port=80))
    chosen = first.destination
    # Every new connection from the same client now goes to the same endpoint...
    for port in range(40001, 40031):
        clock.advance(60)
        assert host.send(Packet("10.0.0.2", "172.30.0.41", src_port=port, dst_port=80)).destination == chosen
    outcomes = host.enumerate(probe)
    assert [(o.destination, o.probability) for o in outcomes] == [(chosen, 1)]
    # ...but not from another client.
    assert len(host.enumerate(Packet("10.0.0.3", "172.30.0.41", dst_port=80))) == 3
    # --seconds 10800 counts from the last --set (each new connection refreshes it).
    clock.advance(10799)
    assert [o.destination for o in host.enumerate(probe)] == [chosen]
    clock.advance(2)
    assert len(host.enumerate(probe)) == 3


def test_sampling_is_seeded_and_matches_probabilities():
    def run(seed):
        host = host_for("session_affinity.iptables", seed=seed)
        # Distinct clients, so affinity does not kick in.
        return [
            host.send(
                Packet(f"10.1.{i // 250}.{i % 250 + 1}", "172.30.0.41", dst_port=80), record=False
            ).destination
            for i in range(3000)
        ]

    a, b = run(5), run(5)
    assert a == b
    counts = Counter(a)
    assert set(counts) == {"10.180.0.1:80", "10.180.0.2:80", "10.180.0.3:80"}
    assert all(850 < n < 1150 for n in counts.values()), counts
    host = host_for("session_affinity.iptables")
    probs = [o.probability for o in host.enumerate(Packet("10.9.9.9", "172.30.0.41", dst_port=80))]
    assert probs == [
        Fraction("0.3333333333"),
        Fraction("0.6666666667") * Fraction(1, 2),
        Fraction("0.6666666667") * Fraction(1, 2),
    ]
    assert sum(probs) == 1


def test_rules_evaluated_counts_every_tested_rule():
    host = host_for("trace_packet.iptables", add_base=False)
    # Pod to a non-service address: nat PREROUTING (1 rule) + all 10 KUBE-SERVICES rules, then
    # filter FORWARD (3 rules) + KUBE-FORWARD (3) + KUBE-SERVICES (1) + KUBE-EXTERNAL-SERVICES (3),
    # then nat POSTROUTING (1) + KUBE-POSTROUTING (1, RETURN).
    result = host.send(Packet("10.0.0.2", "10.0.0.3", dst_port=80))
    assert result.rules_evaluated == 1 + 10 + 3 + 3 + 1 + 3 + 1 + 1
    assert result.output == ""
