"""Packet-flow cases of kube-proxy's iptables tests, run through our netfilter executor.

Upstream: kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go -- TestTracePacket,
TestOverallIPTablesRules, TestNoEndpointsReject, TestClusterIPGeneral, TestLoadBalancer, TestNodePorts
(all seven cases), TestExternalTrafficPolicyLocal, TestExternalTrafficPolicyCluster, TestInternalTrafficPolicy,
TestTerminatingEndpointsTrafficPolicyLocal, TestTerminatingEndpointsTrafficPolicyCluster,
TestInternalExternalMasquerade (all four variants) (their
packetFlowTest cases: name, sourceIP, protocol, destIP, destPort, output, masq).

Fixtures (tests/dataplane/fixtures):
* trace_packet.iptables -- TestTracePacket's rules, verbatim (including its base-chain rules);
  trace_packet_save.iptables -- the same rules written by hand in real ``iptables-save`` format.
* overall.iptables -- TestOverallIPTablesRules' expected restore text, verbatim.
* every other fixture -- the restore text kube-proxy writes for that test's Services and
  EndpointSlices. Upstream's test only asserts the flows, not the text, so these were rendered
  once with a throwaway script following syncProxyRules in pkg/proxy/iptables/proxier.go; that
  script reproduces overall.iptables byte for byte from TestOverallIPTablesRules' inputs.

Differences from upstream's tracer, and the assumptions we share with it:
* Upstream's tracer always starts in nat PREROUTING and then runs the filter chains KUBE-SERVICES,
  KUBE-EXTERNAL-SERVICES, KUBE-NODEPORTS and KUBE-PROXY-FIREWALL directly. We run the real hooks
  instead, so kube-proxy's jumps from the built-in chains must be present: we add them
  (helpers.dataplane.BASE_RULES) to upstream's restore text.
* A packet whose source is one of the node's addresses (testNodeIPs, 127.0.0.1) is locally
  generated (OUTPUT path); any other source (pods in 10.0.0.0/8, external clients in
  203.0.113.0/24, the LB IPs in the "SNATted to LB" cases) arrives from outside (PREROUTING path).
  Upstream does not distinguish the two.
* Upstream never matches ``-m recent --rcheck``, ``-m mark`` or ``-m conntrack``; we evaluate
  them (fresh conntrack and recent state give the same answers for these first packets).
* Upstream's ``masq`` is "KUBE-MARK-MASQ was hit"; ours is "MASQUERADE was applied", per outcome;
  the comparison uses "any outcome masqueraded".
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from helpers.dataplane import (
    TEST_EXTERNAL_CLIENT as EXT,
)
from helpers.dataplane import (
    TEST_EXTERNAL_CLIENT_BLOCKED as EXT_BLOCKED,
)
from helpers.dataplane import (
    TEST_EXTERNAL_IP,
    TEST_NODE_IP,
    TEST_NODE_IP_ALT,
    TEST_NODE_IPS,
    host_for,
    load_fixture,
    trace,
)

from k8snet.dataplane import NetfilterHost, Packet
from k8snet.rules.iptables import parse_iptables

NODE = TEST_NODE_IP

# (name, sourceIP, protocol, destIP, destPort, output, masq) -- transcribed from upstream.
TRACE_PACKET_FLOWS = [
    ("no match", "10.0.0.2", "TCP", "10.0.0.3", 80, "", False),
    ("single endpoint", "10.0.0.2", "TCP", "172.30.0.41", 80, "10.180.0.1:80", False),
    ("multiple endpoints", "10.0.0.2", "TCP", "172.30.0.44", 80, "10.180.0.4:80, 10.180.0.5:80", False),
    ("LOCAL, KUBE-MARK-MASQ", NODE, "TCP", "192.168.99.22", 80, "10.180.0.2:80", True),
    ("DROP", EXT, "TCP", "192.168.99.22", 80, "DROP", False),
    ("ACCEPT (NodePortHealthCheck)", NODE, "TCP", NODE, 30000, "ACCEPT", False),
    ("REJECT", "10.0.0.2", "TCP", "172.30.0.46", 80, "REJECT", False),
]

NO_ENDPOINTS_REJECT = [
    ("pod to cluster IP with no endpoints", "10.0.0.2", "TCP", "172.30.0.41", 80, "REJECT", False),
    ("external to external IP with no endpoints", EXT, "TCP", TEST_EXTERNAL_IP, 80, "REJECT", False),
    ("pod to NodePort with no endpoints", "10.0.0.2", "TCP", NODE, 3001, "REJECT", False),
    ("external to NodePort with no endpoints", EXT, "TCP", NODE, 3001, "REJECT", False),
    ("pod to LoadBalancer IP with no endpoints", "10.0.0.2", "TCP", "1.2.3.4", 80, "REJECT", False),
    ("external to LoadBalancer IP with no endpoints", EXT, "TCP", "1.2.3.4", 80, "REJECT", False),
]

CLUSTER_IP_GENERAL = [
    ("simple clusterIP", "10.180.0.2", "TCP", "172.30.0.41", 80, "10.180.0.1:80", False),
    ("hairpin to cluster IP", "10.180.0.1", "TCP", "172.30.0.41", 80, "10.180.0.1:80", True),
    (
        "clusterIP with multiple endpoints",
        "10.180.0.2",
        "TCP",
        "172.30.0.42",
        80,
        "10.180.0.1:80, 10.180.2.1:80",
        False,
    ),
    (
        "clusterIP with TargetPort",
        "10.180.0.2",
        "TCP",
        "172.30.0.42",
        443,
        "10.180.0.1:8443, 10.180.2.1:8443",
        False,
    ),
    (
        "clusterIP with TCP, UDP, and SCTP on same port (TCP)",
        "10.180.0.2",
        "TCP",
        "172.30.0.42",
        53,
        "10.180.0.1:5353, 10.180.2.1:5353",
        False,
    ),
    (
        "clusterIP with TCP, UDP, and SCTP on same port (UDP)",
        "10.180.0.2",
        "UDP",
        "172.30.0.42",
        53,
        "10.180.0.1:53, 10.180.2.1:53",
        False,
    ),
    (
        "clusterIP with TCP, UDP, and SCTP on same port (SCTP)",
        "10.180.0.2",
        "SCTP",
        "172.30.0.42",
        53,
        "10.180.0.1:53, 10.180.2.1:53",
        False,
    ),
    ("TCP-only port does not match UDP traffic", "10.180.0.2", "UDP", "172.30.0.42", 80, "", False),
    ("svc1 does not accept svc2's ports", "10.180.0.2", "TCP", "172.30.0.41", 443, "", False),
]

EP = "10.180.0.1:80"
LOAD_BALANCER = [
    ("pod to cluster IP", "10.0.0.2", "TCP", "172.30.0.41", 80, EP, False),
    ("external to nodePort", EXT, "TCP", NODE, 3001, EP, True),
    ("nodePort bypasses LoadBalancerSourceRanges", EXT_BLOCKED, "TCP", NODE, 3001, EP, True),
    ("accepted external to LB1", EXT, "TCP", "1.2.3.4", 80, EP, True),
    ("accepted external to LB2", EXT, "TCP", "5.6.7.8", 80, EP, True),
    ("blocked external to LB1", EXT_BLOCKED, "TCP", "1.2.3.4", 80, "DROP", False),
    ("blocked external to LB2", EXT_BLOCKED, "TCP", "5.6.7.8", 80, "DROP", False),
    ("pod to LB1 (blocked by LoadBalancerSourceRanges)", "10.0.0.2", "TCP", "1.2.3.4", 80, "DROP", False),
    ("pod to LB2 (blocked by LoadBalancerSourceRanges)", "10.0.0.2", "TCP", "5.6.7.8", 80, "DROP", False),
    ("node to LB1 (allowed by LoadBalancerSourceRanges)", NODE, "TCP", "1.2.3.4", 80, EP, True),
    ("node to LB2 (allowed by LoadBalancerSourceRanges)", NODE, "TCP", "5.6.7.8", 80, EP, True),
    ("same node to LB1, SNATted to LB1 (implicitly allowed)", "1.2.3.4", "TCP", "1.2.3.4", 80, EP, True),
    ("same node to LB2, SNATted to LB2 (implicitly allowed)", "5.6.7.8", "TCP", "5.6.7.8", 80, EP, True),
]

NP_OUT = "10.180.0.1:80, 10.180.2.1:80"
NP_BASIC = [
    ("pod to cluster IP", "10.0.0.2", "TCP", "172.30.0.41", 80, NP_OUT, False),
    ("external to nodePort", EXT, "TCP", NODE, 3001, NP_OUT, True),
    ("node to nodePort", NODE, "TCP", NODE, 3001, NP_OUT, True),
]
NP_LOCALHOST_MASQ = [
    ("localhost to nodePort gets masqueraded", "127.0.0.1", "TCP", "127.0.0.1", 3001, NP_OUT, True)
]
NP_LOCALHOST_IGNORED = [
    ("localhost to nodePort is ignored", "127.0.0.1", "TCP", "127.0.0.1", 3001, "", False)
]
NP_ALT_ALLOWED = [("external to nodePort on secondary IP", EXT, "TCP", TEST_NODE_IP_ALT, 3001, NP_OUT, True)]
NP_ALT_IGNORED = [("secondary nodeIP ignores NodePorts", EXT, "TCP", TEST_NODE_IP_ALT, 3001, "", False)]

# TestNodePorts, IPv6 cases: pod fd00:10::2, external client 2600:5200::1, node 2001:db8::1 (alt 2001:db8:1::2).
NP6_OUT = "[fd00:10:180::1]:80, [fd00:10:180::2:1]:80"
NP6_BASIC = [
    ("pod to cluster IP", "fd00:10::2", "TCP", "fd00:172:30::41", 80, NP6_OUT, False),
    ("external to nodePort", "2600:5200::1", "TCP", "2001:db8::1", 3001, NP6_OUT, True),
    ("node to nodePort", "2001:db8::1", "TCP", "2001:db8::1", 3001, NP6_OUT, True),
    ("localhost to nodePort is ignored", "::1", "TCP", "::1", 3001, "", False),
]
NP6_ALT_ALLOWED = [
    ("external to nodePort on secondary IP", "2600:5200::1", "TCP", "2001:db8:1::2", 3001, NP6_OUT, True)
]
NP6_ALT_IGNORED = [
    ("secondary nodeIP ignores NodePorts", "2600:5200::1", "TCP", "2001:db8:1::2", 3001, "", False)
]

BOTH = "10.180.0.1:80, 10.180.2.1:80"
LOCAL_ONLY = "10.180.2.1:80"
ETP_LOCAL = [
    (
        "pod to cluster IP hits both endpoints, unmasqueraded",
        "10.0.0.2",
        "TCP",
        "172.30.0.41",
        80,
        BOTH,
        False,
    ),
    (
        "pod to external IP hits both endpoints, unmasqueraded",
        "10.0.0.2",
        "TCP",
        TEST_EXTERNAL_IP,
        80,
        BOTH,
        False,
    ),
    (
        "external to external IP hits only local endpoint, unmasqueraded",
        EXT,
        "TCP",
        TEST_EXTERNAL_IP,
        80,
        LOCAL_ONLY,
        False,
    ),
    ("pod to LB IP hits only both endpoints, unmasqueraded", "10.0.0.2", "TCP", "1.2.3.4", 80, BOTH, False),
    (
        "external to LB IP hits only local endpoint, unmasqueraded",
        EXT,
        "TCP",
        "1.2.3.4",
        80,
        LOCAL_ONLY,
        False,
    ),
    ("pod to NodePort hits both endpoints, unmasqueraded", "10.0.0.2", "TCP", NODE, 3001, BOTH, False),
    (
        "external to NodePort hits only local endpoint, unmasqueraded",
        EXT,
        "TCP",
        NODE,
        3001,
        LOCAL_ONLY,
        False,
    ),
]
ETP_CLUSTER = [
    (
        "pod to cluster IP hits both endpoints, unmasqueraded",
        "10.0.0.2",
        "TCP",
        "172.30.0.41",
        80,
        BOTH,
        False,
    ),
    (
        "pod to external IP hits both endpoints, masqueraded",
        "10.0.0.2",
        "TCP",
        TEST_EXTERNAL_IP,
        80,
        BOTH,
        True,
    ),
    (
        "external to external IP hits both endpoints, masqueraded",
        EXT,
        "TCP",
        TEST_EXTERNAL_IP,
        80,
        BOTH,
        True,
    ),
    ("pod to LB IP hits both endpoints, masqueraded", "10.0.0.2", "TCP", "1.2.3.4", 80, BOTH, True),
    ("external to LB IP hits both endpoints, masqueraded", EXT, "TCP", "1.2.3.4", 80, BOTH, True),
    ("pod to NodePort hits both endpoints, masqueraded", "10.0.0.2", "TCP", NODE, 3001, BOTH, True),
    ("external to NodePort hits both endpoints, masqueraded", EXT, "TCP", NODE, 3001, BOTH, True),
]

ITP_DELETED = [("endpoints deleted", "10.0.0.2", "TCP", "172.30.1.1", 80, "REJECT", False)]
ITP = {
    "itp_cluster": [
        (
            "pod to ClusterIP hits all endpoints",
            "10.0.0.2",
            "TCP",
            "172.30.1.1",
            80,
            "10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80",
            False,
        )
    ],
    "itp_local_one": [
        (
            "pod to ClusterIP hits only local endpoint",
            "10.0.0.2",
            "TCP",
            "172.30.1.1",
            80,
            "10.0.1.1:80",
            False,
        )
    ],
    "itp_local_multiple": [
        (
            "pod to ClusterIP hits all local endpoints",
            "10.0.0.2",
            "TCP",
            "172.30.1.1",
            80,
            "10.0.1.1:80, 10.0.1.2:80",
            False,
        )
    ],
    "itp_local_none": [("no endpoints", "10.0.0.2", "TCP", "172.30.1.1", 80, "DROP", False)],
    "itp_deleted": ITP_DELETED,
}


def _pod(out, masq=False):
    return ("pod to clusterIP", "10.0.0.2", "TCP", "172.30.1.1", 80, out, masq)


def _lb(out, masq=False):
    return ("external to LB", EXT, "TCP", "1.2.3.4", 80, out, masq)


TERMINATING = {
    "terminating_local_ready": [
        _pod("10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80"),
        _lb("10.0.1.1:80, 10.0.1.2:80"),
    ],
    "terminating_local_only_terminating": [_pod("10.0.1.5:80"), _lb("10.0.1.2:80, 10.0.1.3:80")],
    "terminating_local_remote": [_pod("10.0.1.5:80"), _lb("DROP")],
    "terminating_local_none": [_pod("REJECT"), _lb("REJECT")],
    "terminating_local_deleted": [_pod("REJECT"), _lb("REJECT")],
    "terminating_cluster_ready": [
        _pod("10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80"),
        _lb("10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80", True),
    ],
    "terminating_cluster_only_terminating": [
        _pod("10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80"),
        _lb("10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80", True),
    ],
    "terminating_cluster_remote": [_pod("10.0.1.5:80"), _lb("10.0.1.5:80", True)],
    "terminating_cluster_none": [_pod("REJECT"), _lb("REJECT")],
    "terminating_cluster_deleted": [_pod("REJECT"), _lb("REJECT")],
}

A1, A2, A3 = ("10.180.0.1:80, 10.180.1.1:80", "10.180.0.2:80, 10.180.1.2:80", "10.180.0.3:80, 10.180.1.3:80")
MASQUERADE_FLOWS = [  # TestInternalExternalMasquerade's flowTests (the "base" case)
    ("pod to ClusterIP", "10.0.0.2", "TCP", "172.30.0.41", 80, A1, False),
    ("pod to NodePort", "10.0.0.2", "TCP", NODE, 3001, A1, True),
    ("pod to LB", "10.0.0.2", "TCP", "1.2.3.4", 80, A1, True),
    ("node to ClusterIP", NODE, "TCP", "172.30.0.41", 80, A1, True),
    ("node to NodePort", NODE, "TCP", NODE, 3001, A1, True),
    ("localhost to NodePort", "127.0.0.1", "TCP", "127.0.0.1", 3001, A1, True),
    ("node to LB", NODE, "TCP", "1.2.3.4", 80, A1, True),
    ("external to ClusterIP", EXT, "TCP", "172.30.0.41", 80, A1, True),
    ("external to NodePort", EXT, "TCP", NODE, 3001, A1, True),
    ("external to LB", EXT, "TCP", "1.2.3.4", 80, A1, True),
    ("pod to ClusterIP with eTP:Local", "10.0.0.2", "TCP", "172.30.0.42", 80, A2, False),
    ("pod to NodePort with eTP:Local", "10.0.0.2", "TCP", NODE, 3002, A2, False),
    ("pod to LB with eTP:Local", "10.0.0.2", "TCP", "5.6.7.8", 80, A2, False),
    ("node to ClusterIP with eTP:Local", NODE, "TCP", "172.30.0.42", 80, A2, True),
    # (sic: upstream sends this one to svc1's NodePort 3001)
    ("node to NodePort with eTP:Local", NODE, "TCP", NODE, 3001, A1, True),
    ("localhost to NodePort with eTP:Local", "127.0.0.1", "TCP", "127.0.0.1", 3002, A2, True),
    ("node to LB with eTP:Local", NODE, "TCP", "5.6.7.8", 80, A2, True),
    ("external to ClusterIP with eTP:Local", EXT, "TCP", "172.30.0.42", 80, A2, True),
    ("external to NodePort with eTP:Local", EXT, "TCP", NODE, 3002, "10.180.0.2:80", False),
    ("external to LB with eTP:Local", EXT, "TCP", "5.6.7.8", 80, "10.180.0.2:80", False),
    ("pod to ClusterIP with iTP:Local", "10.0.0.2", "TCP", "172.30.0.43", 80, "10.180.0.3:80", False),
    ("pod to NodePort with iTP:Local", "10.0.0.2", "TCP", NODE, 3003, A3, True),
    ("pod to LB with iTP:Local", "10.0.0.2", "TCP", "9.10.11.12", 80, A3, True),
    ("node to ClusterIP with iTP:Local", NODE, "TCP", "172.30.0.43", 80, "10.180.0.3:80", True),
    ("node to NodePort with iTP:Local", NODE, "TCP", NODE, 3003, A3, True),
    ("localhost to NodePort with iTP:Local", "127.0.0.1", "TCP", "127.0.0.1", 3003, A3, True),
    ("node to LB with iTP:Local", NODE, "TCP", "9.10.11.12", 80, A3, True),
    ("external to ClusterIP with iTP:Local", EXT, "TCP", "172.30.0.43", 80, "10.180.0.3:80", True),
    ("external to NodePort with iTP:Local", EXT, "TCP", NODE, 3003, A3, True),
    ("external to LB with iTP:Local", EXT, "TCP", "9.10.11.12", 80, A3, True),
]
_NO_DETECTOR = {
    "node to ClusterIP": (None, False),
    "node to ClusterIP with eTP:Local": (None, False),
    "node to ClusterIP with iTP:Local": (None, False),
    "external to ClusterIP": (None, False),
    "external to ClusterIP with eTP:Local": (None, False),
    "external to ClusterIP with iTP:Local": (None, False),
    "pod to NodePort with eTP:Local": ("10.180.0.2:80", None),
    "pod to LB with eTP:Local": ("10.180.0.2:80", None),
}
_MASQ_ALL = {
    "pod to ClusterIP": (None, True),
    "pod to ClusterIP with eTP:Local": (None, True),
    "pod to ClusterIP with iTP:Local": (None, True),
}


def _override(flows, overrides):
    out = []
    for name, src, proto, dst, port, output, masq in flows:
        o, m = overrides.get(name, (None, None))
        out.append((name, src, proto, dst, port, output if o is None else o, masq if m is None else m))
    return out


MASQUERADE = {
    "masquerade_base": MASQUERADE_FLOWS,
    "masquerade_no_local_detector": _override(MASQUERADE_FLOWS, _NO_DETECTOR),
    "masquerade_all": _override(MASQUERADE_FLOWS, _MASQ_ALL),
    # Upstream: "As in masqueradeAll" plus only the output overrides of "no LocalTrafficDetector".
    "masquerade_all_no_local_detector": _override(
        MASQUERADE_FLOWS, {**{k: v for k, v in _NO_DETECTOR.items() if v[0]}, **_MASQ_ALL}
    ),
}

CASES = (
    [("trace_packet.iptables", False, f) for f in TRACE_PACKET_FLOWS]
    + [("trace_packet_save.iptables", False, f) for f in TRACE_PACKET_FLOWS]
    + [("no_endpoints_reject.iptables", True, f) for f in NO_ENDPOINTS_REJECT]
    + [("cluster_ip_general.iptables", True, f) for f in CLUSTER_IP_GENERAL]
    + [("load_balancer.iptables", True, f) for f in LOAD_BALANCER]
    + [
        ("node_ports_localhost_enabled.iptables", True, f)
        for f in NP_BASIC + NP_LOCALHOST_MASQ + NP_ALT_ALLOWED
    ]
    + [
        ("node_ports_localhost_disabled.iptables", True, f)
        for f in NP_BASIC + NP_LOCALHOST_IGNORED + NP_ALT_ALLOWED
    ]
    + [
        ("node_ports_addresses_localhost.iptables", True, f)
        for f in NP_BASIC + NP_LOCALHOST_IGNORED + NP_ALT_IGNORED
    ]
    + [
        ("node_ports_addresses_multiple.iptables", True, f)
        for f in NP_BASIC + NP_LOCALHOST_IGNORED + NP_ALT_ALLOWED
    ]
    + [("node_ports_ipv6_localhost_enabled.iptables", True, f) for f in NP6_BASIC + NP6_ALT_ALLOWED]
    + [("node_ports_ipv6_localhost_disabled.iptables", True, f) for f in NP6_BASIC + NP6_ALT_ALLOWED]
    + [("node_ports_ipv6_addresses_multiple.iptables", True, f) for f in NP6_BASIC + NP6_ALT_IGNORED]
    + [("etp_local.iptables", True, f) for f in ETP_LOCAL]
    + [("etp_cluster.iptables", True, f) for f in ETP_CLUSTER]
    + [(f"{name}.iptables", True, f) for name, flows in ITP.items() for f in flows]
    + [(f"{name}.iptables", True, f) for name, flows in TERMINATING.items() for f in flows]
    + [(f"{name}.iptables", True, f) for name, flows in MASQUERADE.items() for f in flows]
)

_HOSTS: dict[tuple, NetfilterHost] = {}


def _host(fixture: str, add_base: bool) -> NetfilterHost:
    key = (fixture, add_base)
    if key not in _HOSTS:
        _HOSTS[key] = host_for(fixture, add_base)
    return _HOSTS[key]


@pytest.mark.parametrize(
    "fixture,add_base,flow", CASES, ids=[f"{c[0].removesuffix('.iptables')}: {c[2][0]}" for c in CASES]
)
def test_packet_flow(fixture, add_base, flow):
    name, source, protocol, dest, port, output, masq = flow
    assert trace(_host(fixture, add_base), source, dest, port, protocol) == (output, masq)


def test_save_format_traces_identically():
    """The hand-written iptables-save dump (counters, policies, canonical option order, quoted
    comments, --set-xmark) gives the same steps, outcomes and rule counts as the restore text."""
    a = _host("trace_packet.iptables", False)
    b = _host("trace_packet_save.iptables", False)
    for _, source, protocol, dest, port, _, _ in TRACE_PACKET_FLOWS:
        pkt = Packet(source, dest, protocol=protocol, dst_port=port)

        def summary(host, pkt=pkt):
            return [
                (
                    o.output,
                    o.masquerade,
                    o.probability,
                    o.rules_evaluated,
                    o.verdict,
                    [(s.hook, s.table, s.chain, s.rule_number, s.effect) for s in o.steps],
                )
                for o in host.enumerate(pkt)
            ]

        assert summary(a) == summary(b)


def test_overall_fixture_runs_trace_packet_flows():
    """TestOverallIPTablesRules' text describes the same Services as TestTracePacket's (plus nfacct,
    localhost NodePorts and session affinity), so TestTracePacket's flows hold for it too."""
    host = _host("overall.iptables", True)
    for _, source, protocol, dest, port, output, masq in TRACE_PACKET_FLOWS:
        assert trace(host, source, dest, port, protocol) == (output, masq)


def test_statistic_probabilities_are_exact():
    host = _host("overall.iptables", True)
    outcomes = host.enumerate(Packet("10.0.0.2", "172.30.0.44", dst_port=80))
    assert [(o.destination, str(o.probability)) for o in outcomes] == [
        ("10.180.0.4:80", "1/2"),
        ("10.180.0.5:80", "1/2"),
    ]


def test_unknown_match_is_refused():
    from k8snet.dataplane import DataplaneError

    text = "*filter\n-A INPUT -m physdev --physdev-in eth0 -j DROP\nCOMMIT\n"
    with pytest.raises(DataplaneError, match="line 2.*physdev"):
        NetfilterHost(parse_iptables(text), TEST_NODE_IPS)
    # Upstream's tracer assumes unknown matches match; strict=False does the same.
    host = NetfilterHost(parse_iptables(text), TEST_NODE_IPS, strict=False)
    assert host.send(Packet(EXT, NODE, dst_port=22)).verdict == "DROP"


def test_fixture_text_round_trips():
    from k8snet.rules.iptables import serialize

    text = load_fixture("overall.iptables")
    assert serialize(parse_iptables(text)) == text


def test_each_outcome_has_its_own_masquerade_flag():
    """Upstream folds masq over all outcomes; per outcome only the hairpin one is masqueraded
    (KUBE-SEP-'s "-s <endpoint IP> -j KUBE-MARK-MASQ")."""
    host = _host("cluster_ip_general.iptables", True)
    assert host.outcomes(Packet("10.180.0.1", "172.30.0.42", dst_port=80)) == [
        ("10.180.0.1:80", Fraction(1, 2), True),
        ("10.180.2.1:80", Fraction(1, 2), False),
    ]
    first = host.enumerate(Packet("10.180.0.1", "172.30.0.42", dst_port=80))[0]
    assert first.snat_source == TEST_NODE_IP and first.path == "forward"
    assert [str(s) for s in first.steps[:3]] == [
        "[PREROUTING] nat/PREROUTING#1: jump to KUBE-SERVICES",
        "[PREROUTING] nat/KUBE-SERVICES#2: jump to KUBE-SVC-TDPTYDRQPCXE6CO7",
        "[PREROUTING] nat/KUBE-SVC-TDPTYDRQPCXE6CO7#2: jump to KUBE-SEP-D2IKQNEZGCF5UKSW",
    ]
