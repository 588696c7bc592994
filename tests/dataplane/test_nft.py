"""Packet-flow tests for k8snet.dataplane.nft, transcribed from kubernetes/kubernetes
``pkg/proxy/nftables/proxier_test.go`` (v1.34): ``TestNoEndpointsReject``, ``TestClusterIPGeneral``,
``TestLoadBalancer``, ``TestNodePorts``, ``TestExternalTrafficPolicyLocal`` and
``TestExternalTrafficPolicyCluster``.

Upstream runs each case through ``tracePacket`` (``pkg/proxy/nftables/helpers_test.go``): a regexp-based
tracer that runs ``filter-prerouting``, ``nat-prerouting``, applies the DNAT, then ``filter-forward`` and
``filter-input``, follows *every* ``numgen`` branch, and reports the endpoints (``ip:port, ip:port``) or
``DROP``/``REJECT``/``""`` plus whether ``jump mark-for-masquerade`` was hit. Here the rules come from
:func:`k8snet.proxy.nftables.render_nftables` (whose output is checked against upstream's
``TestOverallNFTablesRules`` in ``tests/proxy/test_nftables.py``) and run in :class:`NftHost`, which executes
every base chain by hook and priority, the real ``mark``/``masquerade`` statements and the routing decision:
packets from a node IP are sent as locally generated (``output`` hook; upstream's tracer feeds every packet to
``prerouting`` and notes that the output chains "ought to be fully redundant"), all others arrive on eth0.
The expected outputs and masquerade flags are upstream's, unchanged.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.dataplane.conntrack import ManualClock
from k8snet.dataplane.nft import NftHost
from k8snet.dataplane.packet import Packet
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.nftables import render_nftables

TEST_NODE_NAME = "test-node"
TEST_NODE_IP = "192.168.0.2"
TEST_NODE_IP_ALT = "192.168.1.2"
TEST_EXTERNAL_IP = "192.168.99.11"
TEST_NODE_IPV6 = "2001:db8::1"
TEST_NODE_IPV6_ALT = "2001:db8:1::2"
TEST_EXTERNAL_CLIENT = "203.0.113.2"
TEST_EXTERNAL_CLIENT_BLOCKED = "203.0.113.130"
TEST_NODE_IPS = [TEST_NODE_IP, TEST_NODE_IP_ALT, TEST_EXTERNAL_IP, TEST_NODE_IPV6, TEST_NODE_IPV6_ALT]


def fake_settings(family="IPv4", nodeport_addresses=None) -> ProxierSettings:
    """``NewFakeProxier``."""
    v6 = family == "IPv6"
    return ProxierSettings(
        hostname=TEST_NODE_NAME,
        node_ips=[TEST_NODE_IPV6 if v6 else TEST_NODE_IP],
        cluster_cidr="fd00:10::/64" if v6 else "10.0.0.0/8",
        masquerade_mark="0x4000",
        nodeport_addresses=nodeport_addresses or [f"{TEST_NODE_IP}/32", f"{TEST_NODE_IPV6}/128"],
        interface_addresses=["127.0.0.1", "::1", *TEST_NODE_IPS],
        ip_family=family,
    )


def svc(ns, name, **spec) -> Service:
    status = spec.pop("status", None)
    return Service.model_validate(
        {"metadata": {"name": name, "namespace": ns}, "spec": spec, **({"status": status} if status else {})}
    )


def eps(ns, name, endpoints, ports, address_type="IPv4") -> EndpointSlice:
    """``makeTestEndpointSlice(ns, name, 1, ...)``; endpoints are (ip, nodeName) or API dicts, ports
    (name, port, proto)."""
    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": f"{name}-1",
                "namespace": ns,
                "labels": {"kubernetes.io/service-name": name},
            },
            "addressType": address_type,
            "endpoints": [
                ep
                if isinstance(ep, dict)
                else {"addresses": [ep[0]], **({"nodeName": ep[1]} if ep[1] else {})}
                for ep in endpoints
            ],
            "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports],
        }
    )


def host_for(services, slices, settings=None, **kw) -> NftHost:
    settings = settings or fake_settings()
    cidrs = ["fd00:10:96::/112"] if settings.is_ipv6 else ["172.30.0.0/16"]
    text = render_nftables(services, slices, settings, service_cidrs=cidrs)
    return NftHost(text, local_ips=TEST_NODE_IPS, **kw)


def run_flow(host: NftHost, source, dest, port, protocol="TCP"):
    """One ``packetFlowTest``: returns (output, masq) as upstream's ``tracePacket`` reports them."""
    local = host.is_local(source)
    pkt = Packet(source, dest, protocol=protocol, dst_port=port, in_interface=None if local else "eth0")
    return host.trace_output(pkt)


def check(host, cases):
    for name, source, dest, port, output, masq, *proto in cases:
        got = run_flow(host, source, dest, port, *proto)
        assert got == (output, masq), name


# ---- TestNoEndpointsReject ----------------------------------------------------------------------------------


def test_no_endpoints_reject():
    s = svc(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="172.30.0.41",
        externalIPs=["192.168.99.11"],
        ports=[{"name": "p80", "protocol": "TCP", "port": 80, "nodePort": 3001}],
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}},
    )
    host = host_for([s], [])
    check(
        host,
        [
            ("pod to cluster IP with no endpoints", "10.0.0.2", "172.30.0.41", 80, "REJECT", False),
            (
                "external to external IP with no endpoints",
                TEST_EXTERNAL_CLIENT,
                "192.168.99.11",
                80,
                "REJECT",
                False,
            ),
            ("pod to NodePort with no endpoints", "10.0.0.2", TEST_NODE_IP, 3001, "REJECT", False),
            (
                "external to NodePort with no endpoints",
                TEST_EXTERNAL_CLIENT,
                TEST_NODE_IP,
                3001,
                "REJECT",
                False,
            ),
            ("pod to LoadBalancer IP with no endpoints", "10.0.0.2", "1.2.3.4", 80, "REJECT", False),
            (
                "external to LoadBalancer IP with no endpoints",
                TEST_EXTERNAL_CLIENT,
                "1.2.3.4",
                80,
                "REJECT",
                False,
            ),
        ],
    )


# ---- TestClusterIPGeneral -----------------------------------------------------------------------------------


def cluster_ip_general_host(**kw) -> NftHost:
    s1 = svc("ns1", "svc1", clusterIP="172.30.0.41", ports=[{"name": "http", "port": 80, "protocol": "TCP"}])
    s2 = svc(
        "ns2",
        "svc2",
        clusterIP="172.30.0.42",
        ports=[
            {"name": "http", "port": 80, "protocol": "TCP"},
            {"name": "https", "port": 443, "protocol": "TCP", "targetPort": 8443},
            {"name": "dns-udp", "port": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 5353},
            {"name": "dns-sctp", "port": 53, "protocol": "SCTP"},
        ],
    )
    e1 = eps("ns1", "svc1", [("10.180.0.1", TEST_NODE_NAME)], [("http", 80, "TCP")])
    e2 = eps(
        "ns2",
        "svc2",
        [("10.180.0.1", TEST_NODE_NAME), ("10.180.2.1", "node2")],
        [
            ("http", 80, "TCP"),
            ("https", 8443, "TCP"),
            ("dns-udp", 53, "UDP"),
            ("dns-tcp", 5353, "TCP"),
            ("dns-sctp", 53, "SCTP"),
        ],
    )
    return host_for([s1, s2], [e1, e2], **kw)


def test_cluster_ip_general():
    host = cluster_ip_general_host()
    check(
        host,
        [
            ("simple clusterIP", "10.180.0.2", "172.30.0.41", 80, "10.180.0.1:80", False),
            ("hairpin to cluster IP", "10.180.0.1", "172.30.0.41", 80, "10.180.0.1:80", True),
            (
                "clusterIP with multiple endpoints",
                "10.180.0.2",
                "172.30.0.42",
                80,
                "10.180.0.1:80, 10.180.2.1:80",
                False,
            ),
            (
                "clusterIP with TargetPort",
                "10.180.0.2",
                "172.30.0.42",
                443,
                "10.180.0.1:8443, 10.180.2.1:8443",
                False,
            ),
            (
                "clusterIP with TCP, UDP, and SCTP on same port (TCP)",
                "10.180.0.2",
                "172.30.0.42",
                53,
                "10.180.0.1:5353, 10.180.2.1:5353",
                False,
                "TCP",
            ),
            (
                "clusterIP with TCP, UDP, and SCTP on same port (UDP)",
                "10.180.0.2",
                "172.30.0.42",
                53,
                "10.180.0.1:53, 10.180.2.1:53",
                False,
                "UDP",
            ),
            (
                "clusterIP with TCP, UDP, and SCTP on same port (SCTP)",
                "10.180.0.2",
                "172.30.0.42",
                53,
                "10.180.0.1:53, 10.180.2.1:53",
                False,
                "SCTP",
            ),
            (
                "TCP-only port does not match UDP traffic",
                "10.180.0.2",
                "172.30.0.42",
                80,
                "REJECT",
                False,
                "UDP",
            ),
            ("svc1 does not accept svc2's ports", "10.180.0.2", "172.30.0.41", 443, "REJECT", False),
            ("packet to unallocated cluster ip", "10.180.0.2", "172.30.0.50", 80, "DROP", False),
        ],
    )


# ---- TestLoadBalancer ---------------------------------------------------------------------------------------


def test_load_balancer():
    s = svc(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="172.30.0.41",
        ports=[{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001}],
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"ip": "5.6.7.8"}]}},
        # "Regression test that excess whitespace gets ignored"
        loadBalancerSourceRanges=["192.168.0.0/24", " 203.0.113.0/25"],
    )
    e = eps("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "TCP")])
    host = host_for([s], [e])
    ep = "10.180.0.1:80"
    check(
        host,
        [
            ("pod to cluster IP", "10.0.0.2", "172.30.0.41", 80, ep, False),
            ("external to nodePort", TEST_EXTERNAL_CLIENT, TEST_NODE_IP, 3001, ep, True),
            (
                "nodePort bypasses LoadBalancerSourceRanges",
                TEST_EXTERNAL_CLIENT_BLOCKED,
                TEST_NODE_IP,
                3001,
                ep,
                True,
            ),
            ("accepted external to LB1", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, ep, True),
            ("accepted external to LB2", TEST_EXTERNAL_CLIENT, "5.6.7.8", 80, ep, True),
            ("blocked external to LB1", TEST_EXTERNAL_CLIENT_BLOCKED, "1.2.3.4", 80, "DROP", False),
            ("blocked external to LB2", TEST_EXTERNAL_CLIENT_BLOCKED, "5.6.7.8", 80, "DROP", False),
            ("pod to LB1 (blocked by LoadBalancerSourceRanges)", "10.0.0.2", "1.2.3.4", 80, "DROP", False),
            ("pod to LB2 (blocked by LoadBalancerSourceRanges)", "10.0.0.2", "5.6.7.8", 80, "DROP", False),
            ("node to LB1 (allowed by LoadBalancerSourceRanges)", TEST_NODE_IP, "1.2.3.4", 80, ep, True),
            ("node to LB2 (allowed by LoadBalancerSourceRanges)", TEST_NODE_IP, "5.6.7.8", 80, ep, True),
            ("same node to LB1, SNATted to LB1 (implicitly allowed)", "1.2.3.4", "1.2.3.4", 80, ep, True),
            ("same node to LB2, SNATted to LB2 (implicitly allowed)", "5.6.7.8", "5.6.7.8", 80, ep, True),
        ],
    )


# ---- TestNodePorts ------------------------------------------------------------------------------------------

NODEPORT_CASES = [
    ("ipv4", "IPv4", None, False),
    (
        "ipv4, multiple nodeport-addresses",
        "IPv4",
        ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"],
        True,
    ),
    ("ipv6", "IPv6", None, False),
    (
        "ipv6, multiple nodeport-addresses",
        "IPv6",
        ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64", "2001:db8:1::2/128"],
        True,
    ),
]


@pytest.mark.parametrize(
    "name,family,nodeport_addresses,allow_alt_node_ip", NODEPORT_CASES, ids=[c[0] for c in NODEPORT_CASES]
)
def test_node_ports(name, family, nodeport_addresses, allow_alt_node_ip):
    v4 = family == "IPv4"
    svc_ip = "172.30.0.41" if v4 else "fd00:172:30::41"
    ep1, ep2 = ("10.180.0.1", "10.180.2.1") if v4 else ("fd00:10:180::1", "fd00:10:180::2:1")
    node_ip = TEST_NODE_IP if v4 else TEST_NODE_IPV6
    s = svc(
        "ns1",
        "svc1",
        type="NodePort",
        clusterIP=svc_ip,
        ports=[{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001}],
    )
    e = eps("ns1", "svc1", [(ep1, None), (ep2, TEST_NODE_NAME)], [("p80", 80, "TCP")], address_type=family)
    host = host_for([s], [e], fake_settings(family, nodeport_addresses))
    pod_ip, external, alt = (
        ("10.0.0.2", TEST_EXTERNAL_CLIENT, TEST_NODE_IP_ALT)
        if v4
        else ("fd00:10::2", "2600:5200::1", TEST_NODE_IPV6_ALT)
    )
    join = (lambda ip: f"{ip}:80") if v4 else (lambda ip: f"[{ip}]:80")
    output = join(ep1) + ", " + join(ep2)
    check(
        host,
        [
            ("pod to cluster IP", pod_ip, svc_ip, 80, output, False),
            ("external to nodePort", external, node_ip, 3001, output, True),
            ("node to nodePort", node_ip, node_ip, 3001, output, True),
        ],
    )
    if allow_alt_node_ip:
        check(host, [("external to nodePort on secondary IP", external, alt, 3001, output, True)])
    else:
        check(host, [("secondary nodeIP ignores NodePorts", external, alt, 3001, "", False)])


# ---- TestExternalTrafficPolicyLocal / Cluster ---------------------------------------------------------------


def etp_host(policy: str) -> NftHost:
    s = svc(
        "ns1",
        "svc1",
        type="LoadBalancer",
        externalTrafficPolicy=policy,
        clusterIP="172.30.0.41",
        externalIPs=["192.168.99.11"],
        ports=[{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001, "targetPort": 80}],
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}},
        **({"healthCheckNodePort": 30000} if policy == "Local" else {}),
    )
    e = eps("ns1", "svc1", [("10.180.0.1", None), ("10.180.2.1", TEST_NODE_NAME)], [("p80", 80, "TCP")])
    return host_for([s], [e])


BOTH = "10.180.0.1:80, 10.180.2.1:80"


def test_external_traffic_policy_local():
    check(
        etp_host("Local"),
        [
            (
                "pod to cluster IP hits both endpoints, unmasqueraded",
                "10.0.0.2",
                "172.30.0.41",
                80,
                BOTH,
                False,
            ),
            (
                "pod to external IP hits both endpoints, unmasqueraded",
                "10.0.0.2",
                "192.168.99.11",
                80,
                BOTH,
                False,
            ),
            (
                "external to external IP hits only local endpoint, unmasqueraded",
                TEST_EXTERNAL_CLIENT,
                "192.168.99.11",
                80,
                "10.180.2.1:80",
                False,
            ),
            ("pod to LB IP hits only both endpoints, unmasqueraded", "10.0.0.2", "1.2.3.4", 80, BOTH, False),
            (
                "external to LB IP hits only local endpoint, unmasqueraded",
                TEST_EXTERNAL_CLIENT,
                "1.2.3.4",
                80,
                "10.180.2.1:80",
                False,
            ),
            (
                "pod to NodePort hits both endpoints, unmasqueraded",
                "10.0.0.2",
                TEST_NODE_IP,
                3001,
                BOTH,
                False,
            ),
            (
                "external to NodePort hits only local endpoint, unmasqueraded",
                TEST_EXTERNAL_CLIENT,
                TEST_NODE_IP,
                3001,
                "10.180.2.1:80",
                False,
            ),
        ],
    )


def test_external_traffic_policy_cluster():
    check(
        etp_host("Cluster"),
        [
            (
                "pod to cluster IP hits both endpoints, unmasqueraded",
                "10.0.0.2",
                "172.30.0.41",
                80,
                BOTH,
                False,
            ),
            (
                "pod to external IP hits both endpoints, masqueraded",
                "10.0.0.2",
                "192.168.99.11",
                80,
                BOTH,
                True,
            ),
            (
                "external to external IP hits both endpoints, masqueraded",
                TEST_EXTERNAL_CLIENT,
                "192.168.99.11",
                80,
                BOTH,
                True,
            ),
            ("pod to LB IP hits both endpoints, masqueraded", "10.0.0.2", "1.2.3.4", 80, BOTH, True),
            (
                "external to LB IP hits both endpoints, masqueraded",
                TEST_EXTERNAL_CLIENT,
                "1.2.3.4",
                80,
                BOTH,
                True,
            ),
            ("pod to NodePort hits both endpoints, masqueraded", "10.0.0.2", TEST_NODE_IP, 3001, BOTH, True),
            (
                "external to NodePort hits both endpoints, masqueraded",
                TEST_EXTERNAL_CLIENT,
                TEST_NODE_IP,
                3001,
                BOTH,
                True,
            ),
        ],
    )


# ---- TestInternalTrafficPolicy ------------------------------------------------------------------------------


def ready_ep(ip, node, ready=True, serving=None, terminating=None):
    cond = {"ready": ready}
    if serving is not None:
        cond["serving"] = serving
    if terminating is not None:
        cond["terminating"] = terminating
    return {"addresses": [ip], "conditions": cond, "nodeName": node}


ITP_CASES = [
    (
        "internalTrafficPolicy is cluster",
        "Cluster",
        [("10.0.1.1", TEST_NODE_NAME), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
        "10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80",
    ),
    (
        "internalTrafficPolicy is local and there is one local endpoint",
        "Local",
        [("10.0.1.1", TEST_NODE_NAME), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
        "10.0.1.1:80",
    ),
    (
        "internalTrafficPolicy is local and there are multiple local endpoints",
        "Local",
        [("10.0.1.1", TEST_NODE_NAME), ("10.0.1.2", TEST_NODE_NAME), ("10.0.1.3", "node2")],
        "10.0.1.1:80, 10.0.1.2:80",
    ),
    (
        "internalTrafficPolicy is local and there are no local endpoints",
        "Local",
        [("10.0.1.1", "node0"), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
        "DROP",
    ),
]


@pytest.mark.parametrize("name,policy,endpoints,output", ITP_CASES, ids=[c[0] for c in ITP_CASES])
def test_internal_traffic_policy(name, policy, endpoints, output):
    s = svc(
        "ns1",
        "svc1",
        clusterIP="172.30.1.1",
        selector={"foo": "bar"},
        internalTrafficPolicy=policy,
        ports=[{"name": "", "port": 80, "protocol": "TCP"}],
    )
    e = eps("ns1", "svc1", [ready_ep(ip, node) for ip, node in endpoints], [("", 80, "TCP")])
    check(host_for([s], [e]), [(name, "10.0.0.2", "172.30.1.1", 80, output, False)])
    # fp.OnEndpointSliceDelete(endpointSlice); fp.syncProxyRules()
    check(host_for([s], []), [("endpoints deleted", "10.0.0.2", "172.30.1.1", 80, "REJECT", False)])


# ---- TestTerminatingEndpointsTrafficPolicyLocal / Cluster ---------------------------------------------------


def terminating_service(policy):
    return svc(
        "ns1",
        "svc1",
        clusterIP="172.30.1.1",
        type="LoadBalancer",
        externalTrafficPolicy=policy,
        ports=[{"name": "", "targetPort": 80, "port": 80, "protocol": "TCP"}],
        healthCheckNodePort=30000,
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}},
    )


TERMINATING_ENDPOINTS = {
    "ready endpoints exist": [
        ready_ep("10.0.1.1", TEST_NODE_NAME, True, True, False),
        ready_ep("10.0.1.2", TEST_NODE_NAME, True, True, False),
        ready_ep("10.0.1.3", TEST_NODE_NAME, False, True, True),
        ready_ep("10.0.1.4", TEST_NODE_NAME, False, False, True),
        ready_ep("10.0.1.5", "node-1", True, True, False),
    ],
    "only terminating endpoints exist": [
        ready_ep("10.0.1.2", TEST_NODE_NAME, False, True, True),
        ready_ep("10.0.1.3", TEST_NODE_NAME, False, True, True),
        ready_ep("10.0.1.4", TEST_NODE_NAME, False, False, True),
        ready_ep("10.0.1.5", "node-1", True, True, False),
    ],
    "terminating endpoints on remote node": [ready_ep("10.0.1.5", "node-1", False, True, True)],
    "no usable endpoints on any node": [
        ready_ep("10.0.1.5", TEST_NODE_NAME, False, False, True),
        ready_ep("10.0.1.5", "node-1", False, False, True),
    ],
}

# (case, pod-to-clusterIP output, external-to-LB output), from the upstream flowTests.
TERMINATING_LOCAL = [
    ("ready endpoints exist", "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80", "10.0.1.1:80, 10.0.1.2:80"),
    ("only terminating endpoints exist", "10.0.1.5:80", "10.0.1.2:80, 10.0.1.3:80"),
    ("terminating endpoints on remote node", "10.0.1.5:80", "DROP"),
    ("no usable endpoints on any node", "REJECT", "REJECT"),
]


@pytest.mark.parametrize(
    "case,pod_output,external_output", TERMINATING_LOCAL, ids=[c[0] for c in TERMINATING_LOCAL]
)
def test_terminating_endpoints_traffic_policy_local(case, pod_output, external_output):
    s = terminating_service("Local")
    host = host_for([s], [eps("ns1", "svc1", TERMINATING_ENDPOINTS[case], [("", 80, "TCP")])])
    check(
        host,
        [
            ("pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, pod_output, False),
            ("external to LB", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, external_output, False),
        ],
    )
    check(
        host_for([s], []),
        [
            ("pod to clusterIP after endpoints deleted", "10.0.0.2", "172.30.1.1", 80, "REJECT", False),
            ("external to LB after endpoints deleted", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", False),
        ],
    )


TERMINATING_CLUSTER_ENDPOINTS = {
    "ready endpoints exist": [
        ready_ep("10.0.1.1", TEST_NODE_NAME, True, True, False),
        ready_ep("10.0.1.2", TEST_NODE_NAME, True, True, False),
        ready_ep("10.0.1.3", "another-node", False, True, True),
        ready_ep("10.0.1.4", "another-node", False, False, True),
        ready_ep("10.0.1.5", "another-node", True, True, False),
    ],
    "only terminating endpoints exist": [
        ready_ep("10.0.1.2", TEST_NODE_NAME, False, True, True),
        ready_ep("10.0.1.3", TEST_NODE_NAME, False, True, True),
        ready_ep("10.0.1.4", "another-node", False, False, True),
        ready_ep("10.0.1.5", "another-node", False, True, True),
    ],
    "terminating endpoints on remote node": [ready_ep("10.0.1.5", "node-1", False, True, True)],
    "no usable endpoints on any node": [
        ready_ep("10.0.1.5", TEST_NODE_NAME, False, False, True),
        ready_ep("10.0.1.5", "node-1", False, False, True),
    ],
}

TERMINATING_CLUSTER = [
    ("ready endpoints exist", "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80", True),
    ("only terminating endpoints exist", "10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80", True),
    ("terminating endpoints on remote node", "10.0.1.5:80", True),
    ("no usable endpoints on any node", "REJECT", False),
]


@pytest.mark.parametrize(
    "case,output,external_masq", TERMINATING_CLUSTER, ids=[c[0] for c in TERMINATING_CLUSTER]
)
def test_terminating_endpoints_traffic_policy_cluster(case, output, external_masq):
    s = terminating_service("Cluster")
    host = host_for([s], [eps("ns1", "svc1", TERMINATING_CLUSTER_ENDPOINTS[case], [("", 80, "TCP")])])
    check(
        host,
        [
            ("pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, output, False),
            ("external to LB", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, output, external_masq),
        ],
    )
    check(
        host_for([s], []),
        [
            ("pod to clusterIP after endpoints deleted", "10.0.0.2", "172.30.1.1", 80, "REJECT", False),
            ("external to LB after endpoints deleted", TEST_EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", False),
        ],
    )


# ---- TestInternalExternalMasquerade -------------------------------------------------------------------------


def internal_external_objects():
    def lb(ns, name, cip, node_port, hc, ip, **extra):
        return svc(
            ns,
            name,
            type="LoadBalancer",
            clusterIP=cip,
            healthCheckNodePort=hc,
            ports=[{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": node_port}],
            status={"loadBalancer": {"ingress": [{"ip": ip}]}},
            **extra,
        )

    services = [
        lb("ns1", "svc1", "172.30.0.41", 3001, 30001, "1.2.3.4"),
        lb("ns2", "svc2", "172.30.0.42", 3002, 30002, "5.6.7.8", externalTrafficPolicy="Local"),
        lb("ns3", "svc3", "172.30.0.43", 3003, 30003, "9.10.11.12", internalTrafficPolicy="Local"),
    ]
    slices = [
        eps(
            f"ns{i}",
            f"svc{i}",
            [(f"10.180.0.{i}", TEST_NODE_NAME), (f"10.180.1.{i}", "remote")],
            [("p80", 80, "TCP")],
        )
        for i in (1, 2, 3)
    ]
    return services, slices


S1, S2, S3 = "10.180.0.1:80, 10.180.1.1:80", "10.180.0.2:80, 10.180.1.2:80", "10.180.0.3:80, 10.180.1.3:80"
POD, EXT = "10.0.0.2", TEST_EXTERNAL_CLIENT
INTERNAL_EXTERNAL_FLOWS = [
    ("pod to ClusterIP", POD, "172.30.0.41", 80, S1, False),
    ("pod to NodePort", POD, TEST_NODE_IP, 3001, S1, True),
    ("pod to LB", POD, "1.2.3.4", 80, S1, True),
    ("node to ClusterIP", TEST_NODE_IP, "172.30.0.41", 80, S1, True),
    ("node to NodePort", TEST_NODE_IP, TEST_NODE_IP, 3001, S1, True),
    ("node to LB", TEST_NODE_IP, "1.2.3.4", 80, S1, True),
    ("external to ClusterIP", EXT, "172.30.0.41", 80, S1, True),
    ("external to NodePort", EXT, TEST_NODE_IP, 3001, S1, True),
    ("external to LB", EXT, "1.2.3.4", 80, S1, True),
    ("pod to ClusterIP with eTP:Local", POD, "172.30.0.42", 80, S2, False),
    ("pod to NodePort with eTP:Local", POD, TEST_NODE_IP, 3002, S2, False),
    ("pod to LB with eTP:Local", POD, "5.6.7.8", 80, S2, False),
    ("node to ClusterIP with eTP:Local", TEST_NODE_IP, "172.30.0.42", 80, S2, True),
    ("node to NodePort with eTP:Local", TEST_NODE_IP, TEST_NODE_IP, 3001, S1, True),
    ("node to LB with eTP:Local", TEST_NODE_IP, "5.6.7.8", 80, S2, True),
    ("external to ClusterIP with eTP:Local", EXT, "172.30.0.42", 80, S2, True),
    ("external to NodePort with eTP:Local", EXT, TEST_NODE_IP, 3002, "10.180.0.2:80", False),
    ("external to LB with eTP:Local", EXT, "5.6.7.8", 80, "10.180.0.2:80", False),
    ("pod to ClusterIP with iTP:Local", POD, "172.30.0.43", 80, "10.180.0.3:80", False),
    ("pod to NodePort with iTP:Local", POD, TEST_NODE_IP, 3003, S3, True),
    ("pod to LB with iTP:Local", POD, "9.10.11.12", 80, S3, True),
    ("node to ClusterIP with iTP:Local", TEST_NODE_IP, "172.30.0.43", 80, "10.180.0.3:80", True),
    ("node to NodePort with iTP:Local", TEST_NODE_IP, TEST_NODE_IP, 3003, S3, True),
    ("node to LB with iTP:Local", TEST_NODE_IP, "9.10.11.12", 80, S3, True),
    ("external to ClusterIP with iTP:Local", EXT, "172.30.0.43", 80, "10.180.0.3:80", True),
    ("external to NodePort with iTP:Local", EXT, TEST_NODE_IP, 3003, S3, True),
    ("external to LB with iTP:Local", EXT, "9.10.11.12", 80, S3, True),
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
INTERNAL_EXTERNAL_CASES = [
    ("base", False, True, {}),
    ("no LocalTrafficDetector", False, False, _NO_DETECTOR),
    ("masqueradeAll", True, True, _MASQ_ALL),
    (
        "masqueradeAll, no LocalTrafficDetector",
        True,
        False,
        {**_MASQ_ALL, **{k: v for k, v in _NO_DETECTOR.items() if k.startswith("pod to")}},
    ),
]


@pytest.mark.parametrize(
    "name,masquerade_all,local_detector,overrides",
    INTERNAL_EXTERNAL_CASES,
    ids=[c[0] for c in INTERNAL_EXTERNAL_CASES],
)
def test_internal_external_masquerade(name, masquerade_all, local_detector, overrides):
    from dataclasses import replace

    settings = replace(
        fake_settings(), masquerade_all=masquerade_all, cluster_cidr="10.0.0.0/8" if local_detector else None
    )
    services, slices = internal_external_objects()
    host = host_for(services, slices, settings)
    cases = []
    for flow in INTERNAL_EXTERNAL_FLOWS:
        out, masq = overrides.get(flow[0], (None, None))
        cases.append((*flow[:4], flow[4] if out is None else out, flow[5] if masq is None else masq))
    check(host, cases)


# ---- beyond upstream's tracer: probabilities, sampling, affinity timeouts, conntrack ---------------------------


def test_numgen_branches_have_exact_probabilities_and_steps():
    host = cluster_ip_general_host()
    outs = host.enumerate(Packet("10.180.0.2", "172.30.0.42", dst_port=80, in_interface="eth0"))
    assert [(o.destination, o.probability) for o in outs] == [
        ("10.180.0.1:80", Fraction(1, 2)),
        ("10.180.2.1:80", Fraction(1, 2)),
    ]
    steps = outs[1].steps
    assert [(s.hook, s.chain, s.rule_number) for s in steps[:3]] == [
        ("prerouting", "filter-prerouting-pre-dnat", 1),
        ("prerouting", "filter-prerouting-pre-dnat", 0),
        ("prerouting", "nat-prerouting", 1),
    ]
    assert steps[3].effect.startswith("172.30.0.42 . tcp . 80 in @service-ips: goto service-")
    assert steps[4].effect.startswith("numgen random mod 2 = 1 in { ... }: goto endpoint-")
    assert steps[5].effect == "DNAT to 10.180.2.1:80"
    assert outs[0].path == "forward" and outs[0].verdict == "ACCEPT"


def test_send_samples_with_seed_and_commits_conntrack():
    host = cluster_ip_general_host(seed=3)
    pkt = Packet("10.180.0.2", "172.30.0.42", dst_port=80, in_interface="eth0")
    first = host.send(pkt)
    again = NftHost(host.tables, local_ips=TEST_NODE_IPS, seed=3).send(pkt)
    assert first.destination == again.destination and first.probability == Fraction(1, 2)
    # Same 5-tuple again: conntrack rewrites it, no nat chain runs, no new choice is drawn.
    second = host.send(pkt)
    assert second.destination == first.destination and second.decisions == ()
    assert not any(s.chain == "services" for s in second.steps)


def test_client_ip_affinity_sticks_until_timeout():
    clock = ManualClock()
    s = svc(
        "ns5",
        "svc5",
        clusterIP="172.30.0.45",
        sessionAffinity="ClientIP",
        sessionAffinityConfig={"clientIP": {"timeoutSeconds": 60}},
        ports=[{"name": "p80", "port": 80, "protocol": "TCP"}],
    )
    e = eps("ns5", "svc5", [("10.180.0.3", None), ("10.180.0.4", None)], [("p80", 80, "TCP")])
    host = host_for([s], [e], clock=clock, seed=0)
    first = host.send(Packet("10.0.0.2", "172.30.0.45", src_port=1000, dst_port=80, in_interface="eth0"))
    for port in (1001, 1002, 1003):
        clock.advance(30)  # each new connection refreshes the affinity entry ("update")
        r = host.send(Packet("10.0.0.2", "172.30.0.45", src_port=port, dst_port=80, in_interface="eth0"))
        assert r.destination == first.destination and r.decisions == ()
    # While the entry is live, enumeration sees only the remembered endpoint.
    outs = host.enumerate(Packet("10.0.0.2", "172.30.0.45", src_port=2000, dst_port=80, in_interface="eth0"))
    assert [(o.destination, o.probability) for o in outs] == [(first.destination, 1)]
    clock.advance(61)
    outs = host.enumerate(Packet("10.0.0.2", "172.30.0.45", src_port=2001, dst_port=80, in_interface="eth0"))
    assert sorted(o.destination for o in outs) == ["10.180.0.3:80", "10.180.0.4:80"]


def test_masquerade_rewrites_source_to_node_ip():
    r = etp_host("Cluster").enumerate(
        Packet(TEST_EXTERNAL_CLIENT, "1.2.3.4", dst_port=80, in_interface="eth0")
    )
    assert all(o.masquerade and o.src_ip == TEST_NODE_IP and o.snat for o in r)
    assert all(o.mark == 0 for o in r)  # the masquerading chain clears the mark with "xor 0x4000"


# ---- the parser on its own (k8snet.rules.nftables) ----------------------------------------------------------


def test_parser_reports_line_of_unknown_syntax():
    from k8snet.rules.nftables import NftParseError, parse_nftables

    with pytest.raises(NftParseError) as err:
        parse_nftables("add table ip t\nadd chain ip t c\nadd rule ip t c frobnicate 3 accept\n")
    assert err.value.lineno == 3 and "frobnicate" in str(err.value)


def test_transaction_commands_apply_on_existing_tables():
    # What kube-proxy's partial syncs send: flush a chain and refill it, delete map elements.
    from k8snet.rules.nftables import parse_nftables

    tables = parse_nftables("""add table ip t
add chain ip t c
add rule ip t c jump x
add chain ip t x
add map ip t m { type ipv4_addr . inet_proto . inet_service : verdict ; }
add element ip t m { 10.0.0.1 . tcp . 80 : goto x }
add element ip t m { 10.0.0.2 . tcp . 80 : goto x }""")
    parse_nftables(
        """flush chain ip t c
add rule ip t c drop
delete element ip t m { 10.0.0.1 . tcp . 80 }
delete chain ip t x""",
        tables,
    )
    t = tables["ip t"]
    assert [r.text for r in t.chains["c"].rules] == ["drop"]
    assert [e.key for e in t.maps["m"].elements] == [("10.0.0.2", "tcp", "80")]
    assert "x" not in t.chains


def test_interval_concatenation_sets_and_listing_spelling():
    # An interval set keyed "daddr . proto . port . saddr" (the shape of the older firewall-allow set in
    # upstream helpers_test.go's testInput), written in nft's listing spelling.
    host = NftHost(
        """table ip t {
        set allow {
                type ipv4_addr . inet_proto . inet_service . ipv4_addr
                flags interval
                elements = { 5.6.7.8 . tcp . 80 . 203.0.113.0/25 }
        }

        chain pre {
                type filter hook prerouting priority dstnat - 10; policy accept;
                ip daddr . meta l4proto . th dport . ip saddr @allow return
                meta mark & 0x00004000 == 0x00000000 meta mark set meta mark | 0x00008000
                ip daddr 5.6.7.8 drop
        }
}
""",
        local_ips=[TEST_NODE_IP],
    )
    allowed = host.enumerate(Packet(TEST_EXTERNAL_CLIENT, "5.6.7.8", dst_port=80, in_interface="eth0"))
    blocked = host.enumerate(
        Packet(TEST_EXTERNAL_CLIENT_BLOCKED, "5.6.7.8", dst_port=80, in_interface="eth0")
    )
    assert [(o.verdict, o.mark) for o in allowed] == [("ACCEPT", 0)]
    assert [(o.verdict, o.mark, o.output) for o in blocked] == [("DROP", 0x8000, "DROP")]
    assert host.tables["ip t"].chains["pre"].priority == -110


# ---- iptables mode and nftables mode agree on where connections go ------------------------------------------


def test_same_endpoints_and_masquerade_as_iptables_mode():
    """For every flow of TestInternalExternalMasquerade, the nftables table and the iptables rules of the
    same Services pick the same endpoints with the same probabilities and masquerade the same way.
    (The iptables rules come from k8snet.proxy.iptables and run in k8snet.dataplane.netfilter.)"""
    from dataclasses import replace

    from helpers.dataplane import with_base_chains  # the iptables executor's helper (adds PREROUTING jumps)

    from k8snet.dataplane.netfilter import NetfilterHost
    from k8snet.proxy.iptables import render_iptables

    services, slices = internal_external_objects()
    # iptables mode's default --nodeport-addresses is "all"; give both modes the same NodePort addresses.
    settings = replace(fake_settings(), nodeport_addresses=[f"{TEST_NODE_IP}/32"])
    nft = host_for(services, slices, settings)
    # kubelet's KUBE-FIREWALL chain is not part of kube-proxy's rules; drop the jumps to it.
    ipt_text = "\n".join(
        ln
        for ln in with_base_chains(render_iptables(services, slices, settings)).splitlines()
        if not ln.endswith("-j KUBE-FIREWALL")
    )
    ipt = NetfilterHost(ipt_text, local_ips=TEST_NODE_IPS)
    for name, source, dest, port, *_ in INTERNAL_EXTERNAL_FLOWS:
        local = nft.is_local(source)
        pkt = Packet(source, dest, dst_port=port, in_interface=None if local else "eth0")
        a = sorted((o.destination, o.probability, o.masquerade) for o in nft.enumerate(pkt, record=False))
        b = sorted((o.destination, o.probability, o.masquerade) for o in ipt.enumerate(pkt, record=False))
        assert a == b, name


def test_reply_is_rewritten_from_conntrack():
    host = etp_host("Cluster")
    first = host.send(
        Packet(TEST_EXTERNAL_CLIENT, "1.2.3.4", src_port=5555, dst_port=80, in_interface="eth0")
    )
    assert first.masquerade and first.src_ip == TEST_NODE_IP
    # The endpoint answers the node (the masquerade source); conntrack undoes both NATs.
    reply = host.send(
        Packet(
            first.dst_ip, TEST_NODE_IP, src_port=first.dst_port, dst_port=first.src_port, in_interface="eth0"
        )
    )
    assert (reply.direction, reply.ctstate) == ("reply", "ESTABLISHED")
    assert (reply.src_ip, reply.src_port, reply.dst_ip, reply.dst_port) == (
        "1.2.3.4",
        80,
        TEST_EXTERNAL_CLIENT,
        5555,
    )
    assert not any(s.chain == "services" for s in reply.steps)
