"""Tests for the IPVS renderer, transcribed from kube-proxy v1.34.

Source: kubernetes/kubernetes ``pkg/proxy/ipvs/proxier_test.go``. ``NewFakeProxier`` there is a node named
``test-node`` whose netlink fake holds the test's ``nodeIPs`` on ``eth0``, with no local-traffic detector
(``NewNoOpLocalDetector``), no ``nodeIP`` (so ``loadBalancerSourceRanges`` never contain it), scheduler ``rr``
and ``nodePortAddresses`` unset; :func:`fake_settings` builds the same :class:`ProxierSettings`. The fake
IPVS compares virtual and real servers; ``checkIPVS`` (VS count, then the real servers of one VS),
``checkIPSet`` (the entries of each listed set) and ``checkIptables``/``hasJump`` (a rule of the chain, in any
table, jumping to a target with a given ``--match-set``) are ported below. Transcribed: ``TestNodePortIPv4``,
``TestNodePortIPv6``, ``TestIPv4Proxier``, ``TestIPv6Proxier``, ``TestMasqueradeRule``,
``TestExternalIPsNoEndpoint``, ``TestExternalIPs``, ``TestOnlyLocalExternalIPs``, ``TestLoadBalancer``,
``TestOnlyLocalNodePorts``, ``TestHealthCheckNodePort``, ``TestLoadBalancerSourceRanges``,
``TestAcceptIPVSTraffic``, ``TestOnlyLocalLoadBalancing``, ``TestSessionAffinity``,
``TestMultiPortServiceBindAddr``, ``TestEndpointSliceE2E``, ``TestHealthCheckNodePortE2E``,
``TestTestInternalTrafficPolicyE2E``, ``Test_EndpointSlice{Ready,Only}AndTerminating{Cluster,Local}``,
``TestCreateAndLinkKubeChain``, ``TestDismissLocalhostRuleExist``, ``TestLoadBalancerIngressRouteTypeProxy``
(LoadBalancerIPMode is GA in v1.34). Graceful termination follows ``pkg/proxy/ipvs/graceful_termination.go``.

``ipvsadm -Ln`` layout: the expected texts in ``tests/proxy/fixtures/ipvs`` were written by hand from
ipvsadm's ``print_service_entry`` format strings and sort order (``ipvsadm.c``, ``libipvs.c``); one is the
output of a real node quoted in an LVS tutorial.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.ipvs import ipset_name, render_ipvs
from k8snet.rules.iptables import parse_iptables
from k8snet.rules.ipvs import (
    IPVSState,
    RealServer,
    VirtualServer,
    ip_addr_show,
    ipset_list,
    ipset_save,
    ipvsadm_ln,
    ipvsadm_save,
    parse_ipset_list,
    parse_ipset_save,
    parse_ipvsadm_ln,
    parse_ipvsadm_save,
)

FIXTURES = Path(__file__).parent / "fixtures" / "ipvs"
TEST_NODE = "test-node"


# --- builders (makeTestService / makeTestEndpointSlice) -----------------------------------------------------


def make_service(ns: str, name: str, *, lb_ingress: list[dict] | None = None, **spec) -> Service:
    obj = {"metadata": {"name": name, "namespace": ns}, "spec": spec}
    if lb_ingress is not None:
        obj["status"] = {"loadBalancer": {"ingress": lb_ingress}}
    return Service.model_validate(obj)


def port(name: str, p: int, protocol: str = "TCP", node_port: int | None = None, target: int | None = None):
    d = {"name": name, "port": p, "protocol": protocol}
    if node_port:
        d["nodePort"] = node_port
    if target is not None:
        d["targetPort"] = target
    return d


def make_slice(ns: str, svc: str, n: int, address_type: str, endpoints: list[dict], ports: list[tuple]):
    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": f"{svc}-{n}",
                "namespace": ns,
                "labels": {"kubernetes.io/service-name": svc},
            },
            "addressType": address_type,
            "endpoints": endpoints,
            "ports": [{"name": pn, "port": pp, "protocol": pr} for pn, pp, pr in ports],
        }
    )


def ep(
    ip: str,
    node: str | None = None,
    ready: bool | None = None,
    serving: bool | None = None,
    terminating: bool | None = None,
) -> dict:
    d: dict = {"addresses": [ip]}
    if node is not None:
        d["nodeName"] = node
    cond = {
        k: v
        for k, v in (("ready", ready), ("serving", serving), ("terminating", terminating))
        if v is not None
    }
    if cond:
        d["conditions"] = cond
    return d


def fake_settings(node_ips=(), nodeport_addresses=None, family="IPv4", **kw) -> ProxierSettings:
    """NewFakeProxier: nodeIPs are the netlink fake's addresses; nodeIP itself is nil."""
    return ProxierSettings(
        hostname=TEST_NODE,
        node_ips=[],
        interface_addresses=list(node_ips),
        nodeport_addresses=nodeport_addresses,
        cluster_cidr=None,
        ip_family=family,
        **kw,
    )


def ipvs_map(state: IPVSState) -> dict:
    """The fake IPVS: ServiceKey -> (scheduler, timeout, [(ip, port, weight)])."""
    return {
        (vs.address, vs.port, vs.protocol): (
            vs.scheduler,
            vs.timeout,
            sorted((rs.address, rs.port, rs.weight) for rs in vs.real_servers),
        )
        for vs in state.virtual_servers
    }


def rules_of(state: IPVSState, chain: str):
    """``ipt.GetRules(chain)`` of the fake iptables: the chain's rules in every table."""
    tables = parse_iptables(state.iptables)
    out = []
    for name in ("nat", "filter"):
        c = tables.chain(name, chain)
        if c is not None:
            out.extend(c.rules)
    return out


def check_iptables(state: IPVSState, expected: dict[str, list[tuple]]) -> None:
    """checkIptables/hasJump, stricter: the expected (jump, match-set[, source]) rules appear in order."""
    for chain, want in expected.items():
        rules = rules_of(state, chain)
        pos = 0
        for item in want:
            jump, match_set = item[0], item[1]
            source = item[2] if len(item) > 2 else None
            for i in range(pos, len(rules)):
                r = rules[i]
                ms = r.match_set.name if r.match_set else ""
                if (
                    r.jump == jump
                    and ms == match_set
                    and (source is None or (r.source and r.source.value == source))
                ):
                    pos = i + 1
                    break
            else:
                raise AssertionError(f"no jump from {chain} match set {match_set!r} to {jump} (in order)")


def check_ipset(state: IPVSState, expected: dict[str, list[str]]) -> None:
    for name, entries in expected.items():
        assert sorted(state.ipsets[name].entries) == sorted(entries), name


def check_ipvs(state: IPVSState, vs_num: int, ip: str, p: int, protocol: str, rs: list[tuple[str, int]]):
    assert len(state.virtual_servers) == vs_num
    vs = state.virtual_server(protocol, ip, p)
    if vs is not None:
        assert sorted((r.address, r.port) for r in vs.real_servers) == sorted(rs)


# --- TestNodePortIPv4 / TestNodePortIPv6 --------------------------------------------------------------------


def _svc_np(cluster_ip, protocol="TCP", etp=None):
    spec = {"type": "NodePort", "clusterIP": cluster_ip, "ports": [port("p80", 80, protocol, 3001)]}
    if etp:
        spec["externalTrafficPolicy"] = etp
    return make_service("ns1", "svc1", **spec)


NODEPORT_IPV4 = [
    pytest.param(
        [_svc_np("10.20.30.41")],
        [
            make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "TCP")]),
            make_slice("ns1", "svc1", 2, "IPv6", [ep("1002:ab8::2:10")], [("p80", 80, "TCP")]),
        ],
        ["100.101.102.103", "2001:db8::1:1"],
        [],
        {
            ("10.20.30.41", 80, "TCP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
            ("100.101.102.103", 3001, "TCP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
        },
        None,
        None,
        id="1 service with node port, has 2 endpoints",
    ),
    pytest.param(
        [_svc_np("10.20.30.41", "UDP")],
        [make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "UDP")])],
        ["100.101.102.103"],
        ["0.0.0.0/0"],
        {
            ("10.20.30.41", 80, "UDP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
            ("100.101.102.103", 3001, "UDP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
        },
        {"KUBE-NODE-PORT-UDP": ["3001"]},
        {
            "KUBE-NODE-PORT": [
                ("KUBE-MARK-MASQ", "KUBE-NODE-PORT-UDP"),
                ("ACCEPT", "KUBE-HEALTH-CHECK-NODE-PORT"),
            ],
            "KUBE-SERVICES": [
                ("RETURN", "", "127.0.0.0/8"),
                ("KUBE-MARK-MASQ", "KUBE-CLUSTER-IP"),
                ("KUBE-NODE-PORT", ""),
                ("ACCEPT", "KUBE-CLUSTER-IP"),
            ],
        },
        id="1 UDP service with node port, has endpoints",
    ),
    pytest.param(
        [_svc_np("10.20.30.41")],
        [],
        ["100.101.102.103"],
        [],
        {("10.20.30.41", 80, "TCP"): ("rr", 0, []), ("100.101.102.103", 3001, "TCP"): ("rr", 0, [])},
        None,
        None,
        id="service has node port but no endpoints",
    ),
    pytest.param(
        [_svc_np("10.20.30.41", "SCTP")],
        [make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "SCTP")])],
        [
            "100.101.102.103",
            "100.101.102.104",
            "100.101.102.105",
            "2001:db8::1:1",
            "2001:db8::1:2",
            "2001:db8::1:3",
        ],
        [],
        {
            ("10.20.30.41", 80, "SCTP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
            ("100.101.102.103", 3001, "SCTP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
            ("100.101.102.104", 3001, "SCTP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
            ("100.101.102.105", 3001, "SCTP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
        },
        {
            "KUBE-NODE-PORT-SCTP-HASH": [
                "100.101.102.103,sctp:3001",
                "100.101.102.104,sctp:3001",
                "100.101.102.105,sctp:3001",
            ]
        },
        None,
        id="node port service with protocol sctp on a node with multiple nodeIPs",
    ),
    pytest.param(
        [_svc_np("10.20.30.41", "SCTP", "Local")],
        [
            make_slice(
                "ns1",
                "svc1",
                1,
                "IPv4",
                [ep("10.180.0.1", TEST_NODE), ep("10.180.1.1", "other-node")],
                [("p80", 80, "SCTP")],
            )
        ],
        ["100.101.102.103"],
        [],
        {
            ("10.20.30.41", 80, "SCTP"): ("rr", 0, [("10.180.0.1", 80, 1), ("10.180.1.1", 80, 1)]),
            ("100.101.102.103", 3001, "SCTP"): ("rr", 0, [("10.180.0.1", 80, 1)]),
        },
        {
            "KUBE-NODE-PORT-SCTP-HASH": ["100.101.102.103,sctp:3001"],
            "KUBE-NODE-PORT-LOCAL-SCTP-HASH": ["100.101.102.103,sctp:3001"],
        },
        {
            "KUBE-NODE-PORT": [
                ("RETURN", "KUBE-NODE-PORT-LOCAL-SCTP-HASH"),
                ("KUBE-MARK-MASQ", "KUBE-NODE-PORT-SCTP-HASH"),
                ("ACCEPT", "KUBE-HEALTH-CHECK-NODE-PORT"),
            ]
        },
        id="node port service with protocol sctp and externalTrafficPolicy local",
    ),
]


@pytest.mark.parametrize("services,slices,node_ips,np_addrs,want_ipvs,want_sets,want_chains", NODEPORT_IPV4)
def test_node_port_ipv4(services, slices, node_ips, np_addrs, want_ipvs, want_sets, want_chains):
    state = render_ipvs(services, slices, fake_settings(node_ips, np_addrs))
    assert ipvs_map(state) == want_ipvs
    if want_sets:
        check_ipset(state, want_sets)
    if want_chains:
        check_iptables(state, want_chains)


NODEPORT_IPV6 = [
    pytest.param(
        [_svc_np("2020::1")],
        [
            make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "TCP")]),
            make_slice("ns1", "svc1", 2, "IPv6", [ep("1002:ab8::2:10")], [("p80", 80, "TCP")]),
        ],
        ["100.101.102.103", "2001:db8::1:1"],
        [],
        {
            ("2001:db8::1:1", 3001, "TCP"): ("rr", 0, [("1002:ab8::2:10", 80, 1)]),
            ("2020::1", 80, "TCP"): ("rr", 0, [("1002:ab8::2:10", 80, 1)]),
        },
        None,
        id="1 service with node port, has 2 endpoints",
    ),
    pytest.param(
        [_svc_np("10.20.30.41", "UDP")],
        [make_slice("ns1", "svc1", 1, "IPv6", [ep("10.180.0.1")], [("p80", 80, "UDP")])],
        ["100.101.102.103"],
        ["0.0.0.0/0"],
        {},
        None,
        id="1 UDP service with node port, has endpoints (no action on IPv6 Proxier)",
    ),
    pytest.param(
        [_svc_np("2020::1")],
        [],
        ["100.101.102.103", "2001:db8::1:1"],
        [],
        {("2001:db8::1:1", 3001, "TCP"): ("rr", 0, []), ("2020::1", 80, "TCP"): ("rr", 0, [])},
        None,
        id="service has node port but no endpoints",
    ),
    pytest.param(
        [_svc_np("2020::1", "SCTP")],
        [make_slice("ns1", "svc1", 1, "IPv6", [ep("2001::1")], [("p80", 80, "SCTP")])],
        ["2001:db8::1:1", "2001:db8::1:2"],
        [],
        {
            ("2001:db8::1:1", 3001, "SCTP"): ("rr", 0, [("2001::1", 80, 1)]),
            ("2001:db8::1:2", 3001, "SCTP"): ("rr", 0, [("2001::1", 80, 1)]),
            ("2020::1", 80, "SCTP"): ("rr", 0, [("2001::1", 80, 1)]),
        },
        {"KUBE-NODE-PORT-SCTP-HASH": ["2001:db8::1:1,sctp:3001", "2001:db8::1:2,sctp:3001"]},
        id="node port service with protocol sctp on a node with multiple nodeIPs",
    ),
]


@pytest.mark.parametrize("services,slices,node_ips,np_addrs,want_ipvs,want_sets", NODEPORT_IPV6)
def test_node_port_ipv6(services, slices, node_ips, np_addrs, want_ipvs, want_sets):
    state = render_ipvs(services, slices, fake_settings(node_ips, np_addrs, family="IPv6"))
    assert ipvs_map(state) == want_ipvs
    # The IPv6 proxier's sets are named KUBE-6-... (NewIPSet); upstream's fake proxier keeps the IPv4 names.
    for name, entries in (want_sets or {}).items():
        assert sorted(state.ipsets[ipset_name(name, "IPv6")].entries) == sorted(entries)


# --- TestIPv4Proxier / TestIPv6Proxier ----------------------------------------------------------------------


def _two_services():
    return [
        make_service("ns1", "svc1", clusterIP="10.20.30.41", ports=[port("p80", 80)]),
        make_service("ns2", "svc2", clusterIP="1002:ab8::2:1", ports=[port("p8080", 8080)]),
    ]


def _two_slices():
    return [
        make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "TCP")]),
        make_slice("ns2", "svc2", 1, "IPv6", [ep("1009:ab8::5:6")], [("p8080", 8080, "TCP")]),
    ]


def test_ipv4_proxier():
    state = render_ipvs(_two_services(), _two_slices(), fake_settings())
    assert ipvs_map(state) == {("10.20.30.41", 80, "TCP"): ("rr", 0, [("10.180.0.1", 80, 1)])}
    state = render_ipvs(_two_services()[:1], [], fake_settings())
    assert ipvs_map(state) == {("10.20.30.41", 80, "TCP"): ("rr", 0, [])}


def test_ipv6_proxier():
    state = render_ipvs(_two_services(), _two_slices(), fake_settings(family="IPv6"))
    assert ipvs_map(state) == {("1002:ab8::2:1", 8080, "TCP"): ("rr", 0, [("1009:ab8::5:6", 8080, 1)])}
    svc = make_service("ns1", "svc1", clusterIP="2001::1", ports=[port("p80", 80)])
    assert ipvs_map(render_ipvs([svc], [], fake_settings(family="IPv6"))) == {
        ("2001::1", 80, "TCP"): ("rr", 0, [])
    }


@pytest.mark.parametrize("random_fully", [False, True])
def test_masquerade_rule(random_fully):
    state = render_ipvs([], [], fake_settings(random_fully=random_fully))
    masq = [r for r in rules_of(state, "KUBE-POSTROUTING") if r.jump == "MASQUERADE"]
    assert masq
    assert ("--random-fully" in masq[-1].target_options) == random_fully


# --- external IPs -----------------------------------------------------------------------------------------


def test_external_ips_no_endpoint():
    svc = make_service(
        "ns1",
        "svc1",
        type="ClusterIP",
        clusterIP="10.20.30.41",
        externalIPs=["50.60.70.81"],
        ports=[port("p80", 80, target=80)],
    )
    state = render_ipvs([svc], [], fake_settings())
    assert len(state.virtual_servers) == 2
    assert state.virtual_server("TCP", "50.60.70.81", 80).real_servers == []


def test_external_ips():
    ext = ["50.60.70.81", "2012::51", "127.0.0.1"]
    svc = make_service(
        "ns1",
        "svc1",
        type="ClusterIP",
        clusterIP="10.20.30.41",
        externalIPs=ext,
        ports=[port("p80", 80, target=80)],
    )
    # The slice's port is UDP, so it does not belong to the TCP service port: no destinations.
    es = make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "UDP")])
    state = render_ipvs([svc], [es], fake_settings())
    assert len(state.virtual_servers) == 3  # ipvs filters out by ipfamily
    for vs in state.virtual_servers:
        assert all((rs.address, rs.port) == ("10.180.0.1", 80) for rs in vs.real_servers)
    assert state.virtual_server("TCP", "50.60.70.81", 80) is not None


def test_only_local_external_ips():
    ext = ["50.60.70.81", "2012::51", "127.0.0.1"]
    svc = make_service(
        "ns1",
        "svc1",
        type="NodePort",
        clusterIP="10.20.30.41",
        externalIPs=ext,
        externalTrafficPolicy="Local",
        ports=[port("p80", 80, target=80)],
    )
    es = make_slice(
        "ns1",
        "svc1",
        1,
        "IPv4",
        [ep("10.180.0.1", TEST_NODE), ep("10.180.1.1", "other-node")],
        [("p80", 80, "TCP")],
    )
    state = render_ipvs([svc], [es], fake_settings())
    assert len(state.virtual_servers) == 3
    for ip in ("50.60.70.81", "127.0.0.1"):
        vs = state.virtual_server("TCP", ip, 80)
        assert [(rs.address, rs.port) for rs in vs.real_servers] == [("10.180.0.1", 80)]
    assert sorted(state.ipsets["KUBE-EXTERNAL-IP-LOCAL"].entries) == [
        "127.0.0.1,tcp:80",
        "50.60.70.81,tcp:80",
    ]
    assert not state.ipsets["KUBE-EXTERNAL-IP"].entries


# --- load balancers, NodePorts with Local policy, health checks ---------------------------------------------


def test_load_balancer():
    svc = make_service(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="10.20.30.41",
        ports=[port("p80", 80, "TCP", 3001)],
        lb_ingress=[{"ip": "1.2.3.4"}],
    )
    es = make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "UDP")])
    state = render_ipvs([svc], [es], fake_settings())
    check_ipvs(state, 2, "1.2.3.4", 3001, "TCP", [("10.180.0.1", 80)])
    check_ipset(state, {"KUBE-LOAD-BALANCER": ["1.2.3.4,tcp:80"]})
    check_iptables(
        state,
        {
            "KUBE-SERVICES": [
                ("RETURN", "", "127.0.0.0/8"),
                ("KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER"),
                ("KUBE-MARK-MASQ", "KUBE-CLUSTER-IP"),
                ("KUBE-NODE-PORT", ""),
                ("ACCEPT", "KUBE-CLUSTER-IP"),
                ("ACCEPT", "KUBE-LOAD-BALANCER"),
            ],
            "KUBE-LOAD-BALANCER": [("KUBE-MARK-MASQ", "")],
        },
    )


def _fake_network_settings():
    # TestOnlyLocalNodePorts/TestHealthCheckNodePort: eth0 100.101.102.103/24, eth1 2001:db8::/64 in the fake
    # network, nodePortAddresses 100.101.102.0/24.
    return fake_settings(["100.101.102.103", "2001:db8::"], ["100.101.102.0/24"])


def test_only_local_node_ports():
    svc = make_service(
        "ns1",
        "svc1",
        type="NodePort",
        clusterIP="10.20.30.41",
        externalTrafficPolicy="Local",
        ports=[port("p80", 80, "TCP", 3001)],
    )
    es = make_slice(
        "ns1",
        "svc1",
        1,
        "IPv4",
        [ep("10.180.0.1", TEST_NODE), ep("10.180.1.1", "other-node")],
        [("p80", 80, "TCP")],
    )
    state = render_ipvs([svc], [es], _fake_network_settings())
    check_ipvs(state, 2, "100.101.102.103", 3001, "TCP", [("10.180.0.1", 80)])
    check_ipset(state, {"KUBE-NODE-PORT-TCP": ["3001"], "KUBE-NODE-PORT-LOCAL-TCP": ["3001"]})
    check_iptables(
        state,
        {
            "KUBE-SERVICES": [
                ("RETURN", "", "127.0.0.0/8"),
                ("KUBE-MARK-MASQ", "KUBE-CLUSTER-IP"),
                ("KUBE-NODE-PORT", ""),
                ("ACCEPT", "KUBE-CLUSTER-IP"),
            ],
            "KUBE-NODE-PORT": [
                ("RETURN", "KUBE-NODE-PORT-LOCAL-TCP"),
                ("KUBE-MARK-MASQ", "KUBE-NODE-PORT-TCP"),
                ("ACCEPT", "KUBE-HEALTH-CHECK-NODE-PORT"),
            ],
        },
    )
    # ...and the ClusterIP keeps every endpoint (externalTrafficPolicy does not apply to it).
    assert len(state.virtual_server("TCP", "10.20.30.41", 80).real_servers) == 2


def test_health_check_node_port():
    def svc(name, hc, etp):
        return make_service(
            "ns1",
            name,
            type="LoadBalancer",
            clusterIP="10.20.30.41",
            externalTrafficPolicy=etp,
            healthCheckNodePort=hc,
            ports=[port("p80", 80, "TCP", 3000)],
        )

    services = [
        svc("valid-svc1", 30000, "Local"),
        svc("valid-svc2", 30001, "Local"),
        svc("invalid-svc3", 30002, "Cluster"),
    ]
    state = render_ipvs(services, [], _fake_network_settings())
    # healthcheck node port set should only contain valid HC node ports
    check_ipset(state, {"KUBE-HEALTH-CHECK-NODE-PORT": ["30000", "30001"]})
    check_iptables(
        state,
        {
            "KUBE-NODE-PORT": [
                ("RETURN", "KUBE-NODE-PORT-LOCAL-TCP"),
                ("KUBE-MARK-MASQ", "KUBE-NODE-PORT-TCP"),
                ("ACCEPT", "KUBE-HEALTH-CHECK-NODE-PORT"),
            ]
        },
    )


def test_health_check_node_port_e2e():
    def svc(hc):
        return make_service(
            "ns1",
            "svc1",
            type="LoadBalancer",
            clusterIP="172.20.1.1",
            healthCheckNodePort=hc,
            externalTrafficPolicy="Local",
            selector={"foo": "bar"},
            ports=[{"name": "", "targetPort": 80, "protocol": "TCP"}],
        )

    assert render_ipvs([svc(30000)], [], fake_settings()).ipsets["KUBE-HEALTH-CHECK-NODE-PORT"].entries == {
        "30000"
    }
    assert render_ipvs([svc(30001)], [], fake_settings()).ipsets["KUBE-HEALTH-CHECK-NODE-PORT"].entries == {
        "30001"
    }
    assert not render_ipvs([], [], fake_settings()).ipsets["KUBE-HEALTH-CHECK-NODE-PORT"].entries


def test_load_balancer_source_ranges():
    svc = make_service(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="10.20.30.41",
        ports=[port("p80", 80)],
        loadBalancerSourceRanges=["10.0.0.0/8"],
        lb_ingress=[{"ip": "1.2.3.4"}],
    )
    es = make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "TCP")])
    state = render_ipvs([svc], [es], fake_settings())
    check_ipvs(state, 2, "1.2.3.4", 80, "TCP", [("10.180.0.1", 80)])
    check_ipset(
        state,
        {
            "KUBE-LOAD-BALANCER": ["1.2.3.4,tcp:80"],
            "KUBE-LOAD-BALANCER-FW": ["1.2.3.4,tcp:80"],
            "KUBE-LOAD-BALANCER-SOURCE-CIDR": ["1.2.3.4,tcp:80,10.0.0.0/8"],
        },
    )
    check_iptables(
        state,
        {
            "KUBE-SERVICES": [
                ("RETURN", "", "127.0.0.0/8"),
                ("KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER"),
                ("KUBE-MARK-MASQ", "KUBE-CLUSTER-IP"),
                ("KUBE-NODE-PORT", ""),
                ("ACCEPT", "KUBE-CLUSTER-IP"),
                ("ACCEPT", "KUBE-LOAD-BALANCER"),
            ],
            "KUBE-PROXY-FIREWALL": [("KUBE-SOURCE-RANGES-FIREWALL", "KUBE-LOAD-BALANCER-FW")],
            "KUBE-SOURCE-RANGES-FIREWALL": [("RETURN", "KUBE-LOAD-BALANCER-SOURCE-CIDR"), ("DROP", "")],
        },
    )
    # nodeIP is nil in the fake proxier, so the node may not reach the VIP: KUBE-IPVS-OUT-FILTER drops it.
    out = rules_of(state, "KUBE-IPVS-OUT-FILTER")
    assert [r.text for r in out] == [
        "-A KUBE-IPVS-OUT-FILTER -s 1.2.3.4 -m ipvs --vaddr 1.2.3.4 --vproto tcp --vport 80 -j DROP"
    ]


def test_load_balancer_source_ranges_allow_node():
    # cidr.Contains(nodeIP): the VIP may be reached from the node (through the VIP itself as source).
    svc = make_service(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="10.20.30.41",
        ports=[port("p80", 80)],
        loadBalancerSourceRanges=["192.168.0.0/16"],
        lb_ingress=[{"ip": "1.2.3.4"}],
    )
    s = ProxierSettings(hostname=TEST_NODE, node_ips=["192.168.0.2"])
    state = render_ipvs([svc], [], s)
    assert state.ipsets["KUBE-LOAD-BALANCER-SOURCE-IP"].entries == {"1.2.3.4,tcp:80,1.2.3.4"}
    assert not rules_of(state, "KUBE-IPVS-OUT-FILTER")
    check_iptables(
        state,
        {
            "KUBE-SOURCE-RANGES-FIREWALL": [
                ("RETURN", "KUBE-LOAD-BALANCER-SOURCE-CIDR"),
                ("RETURN", "KUBE-LOAD-BALANCER-SOURCE-IP"),
                ("DROP", ""),
            ]
        },
    )


def test_accept_ipvs_traffic():
    services = []
    for svc_type, ip, name in (
        ("ClusterIP", "10.20.30.40", "svc1"),
        ("LoadBalancer", "10.20.30.41", "svc2"),
        ("NodePort", "10.20.30.42", "svc3"),
    ):
        spec = {"type": svc_type, "clusterIP": ip, "ports": [port("p80", 80, "TCP", 80)]}
        if svc_type == "ClusterIP":
            spec["externalIPs"] = ["5.6.7.8"]
        services.append(
            make_service(
                "ns1", name, lb_ingress=[{"ip": "1.2.3.4"}] if svc_type == "LoadBalancer" else None, **spec
            )
        )
    state = render_ipvs(services, [], fake_settings())
    check_iptables(
        state,
        {
            "KUBE-SERVICES": [
                ("RETURN", "", "127.0.0.0/8"),
                ("KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER"),
                ("KUBE-MARK-MASQ", "KUBE-CLUSTER-IP"),
                ("KUBE-MARK-MASQ", "KUBE-EXTERNAL-IP"),
                ("ACCEPT", "KUBE-EXTERNAL-IP"),  # with externalTrafficOnlyArgs
                ("ACCEPT", "KUBE-EXTERNAL-IP"),  # with dstLocalOnlyArgs
                ("KUBE-NODE-PORT", ""),
                ("ACCEPT", "KUBE-CLUSTER-IP"),
                ("ACCEPT", "KUBE-LOAD-BALANCER"),
            ]
        },
    )


def test_only_local_load_balancing():
    svc = make_service(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="10.20.30.41",
        externalTrafficPolicy="Local",
        ports=[port("p80", 80, "TCP", 3001)],
        lb_ingress=[{"ip": "1.2.3.4"}],
    )
    es = make_slice(
        "ns1",
        "svc1",
        1,
        "IPv4",
        [ep("10.180.0.1", TEST_NODE), ep("10.180.1.1", "other-node")],
        [("p80", 80, "TCP")],
    )
    state = render_ipvs([svc], [es], fake_settings())
    check_ipvs(state, 2, "1.2.3.4", 80, "TCP", [("10.180.0.1", 80)])
    check_ipset(
        state, {"KUBE-LOAD-BALANCER": ["1.2.3.4,tcp:80"], "KUBE-LOAD-BALANCER-LOCAL": ["1.2.3.4,tcp:80"]}
    )
    check_iptables(
        state,
        {
            "KUBE-SERVICES": [
                ("RETURN", "", "127.0.0.0/8"),
                ("KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER"),
                ("KUBE-MARK-MASQ", "KUBE-CLUSTER-IP"),
                ("KUBE-NODE-PORT", ""),
                ("ACCEPT", "KUBE-CLUSTER-IP"),
                ("ACCEPT", "KUBE-LOAD-BALANCER"),
            ],
            "KUBE-LOAD-BALANCER": [("RETURN", "KUBE-LOAD-BALANCER-LOCAL"), ("KUBE-MARK-MASQ", "")],
        },
    )


def test_session_affinity():
    svc = make_service(
        "ns1",
        "svc1",
        type="NodePort",
        clusterIP="10.20.30.41",
        externalIPs=["50.60.70.81"],
        sessionAffinity="ClientIP",
        sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10800}},
        ports=[port("p80", 80, "TCP", 3001)],
    )
    state = render_ipvs([svc], [], fake_settings(["100.101.102.103"]))
    assert len(state.virtual_servers) == 3
    assert all(vs.timeout == 10800 and vs.persistent for vs in state.virtual_servers)
    assert "TCP  10.20.30.41:80 rr persistent 10800" in ipvsadm_ln(state).splitlines()


def test_multi_port_service_bind_addr():
    def svc(*ports):
        return make_service("ns1", "svc1", type="ClusterIP", clusterIP="172.16.55.4", ports=list(ports))

    p1, p2, p3 = port("port1", 1234, "TCP"), port("port2", 1235, "TCP"), port("port3", 1236, "UDP")
    for services in ([svc(p1, p2)], [svc(p1)], [svc(p1, p2, p3)]):
        assert render_ipvs(services, [], fake_settings()).bound_addresses == ["172.16.55.4"]
    assert render_ipvs([], [], fake_settings()).bound_addresses == []


# --- endpoints: readiness, terminating, internalTrafficPolicy -----------------------------------------------


def _svc172(**spec):
    base = {
        "clusterIP": "172.20.1.1",
        "selector": {"foo": "bar"},
        "ports": [{"name": "", "port": 80, "targetPort": 80, "protocol": "TCP"}],
    }
    base.update(spec)
    return make_service("ns1", "svc1", **base)


def _slice172(endpoints):
    return make_slice("ns1", "svc1", 1, "IPv4", endpoints, [("", 80, "TCP")])


def _rs(state, ip):
    return [
        str(rs)
        for rs in sorted(state.virtual_server("TCP", ip, 80).real_servers, key=lambda r: (r.address, r.port))
    ]


def test_endpoint_slice_e2e():
    es = _slice172(
        [
            ep("10.0.1.1", TEST_NODE, True),
            ep("10.0.1.2", "node2", True),
            ep("10.0.1.3", "node3", True),
            ep("10.0.1.4", "node3", False),
        ]
    )  # not ready endpoints should be ignored
    state = render_ipvs([_svc172()], [es], fake_settings())
    assert state.ipsets["KUBE-LOOP-BACK"].entries == {"10.0.1.1,tcp:80,10.0.1.1"}
    assert len(state.virtual_servers) == 1
    assert _rs(state, "172.20.1.1") == ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.3:80"]
    state = render_ipvs([_svc172()], [], fake_settings())
    assert not state.ipsets["KUBE-LOOP-BACK"].entries
    assert _rs(state, "172.20.1.1") == []


@pytest.mark.parametrize(
    "itp,endpoints,want_loopback,want_rs",
    [
        (
            "Cluster",
            [("10.0.1.1", TEST_NODE), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
            1,
            ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.3:80"],
        ),
        (
            "Cluster",
            [("10.0.1.1", "node0"), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
            0,
            ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.3:80"],
        ),
        (
            "Local",
            [("10.0.1.1", TEST_NODE), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
            1,
            ["10.0.1.1:80"],
        ),
        ("Local", [("10.0.1.1", "node0"), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")], 0, []),
    ],
)
def test_internal_traffic_policy_e2e(itp, endpoints, want_loopback, want_rs):
    es = _slice172([ep(ip, node, True) for ip, node in endpoints])
    state = render_ipvs([_svc172(internalTrafficPolicy=itp)], [es], fake_settings())
    assert len(state.ipsets["KUBE-LOOP-BACK"].entries) == want_loopback
    assert _rs(state, "172.20.1.1") == want_rs
    state = render_ipvs([_svc172(internalTrafficPolicy=itp)], [], fake_settings())
    assert not state.ipsets["KUBE-LOOP-BACK"].entries and _rs(state, "172.20.1.1") == []


def _terminating_case(etp, endpoints):
    svc = _svc172(
        type="NodePort", externalTrafficPolicy=etp, internalTrafficPolicy="Cluster", externalIPs=["1.2.3.4"]
    )
    return render_ipvs([svc], [_slice172(endpoints)], fake_settings())


READY_AND_TERMINATING = [
    ep("10.0.1.1", TEST_NODE, True, True, False),
    ep("10.0.1.2", TEST_NODE, True, True, False),
    ep("10.0.1.3", TEST_NODE, False, True, True),
    ep("10.0.1.4", TEST_NODE, False, False, True),
    ep("10.0.1.5", "another-node", True, True, False),
]
ONLY_TERMINATING = [
    ep("10.0.1.1", TEST_NODE, False, True, True),
    ep("10.0.1.2", TEST_NODE, False, True, True),
    ep("10.0.1.3", TEST_NODE, False, False, True),
    ep("10.0.1.4", "another-node", False, True, True),
    ep("10.0.1.5", "another-node", False, False, False),
]
ONLY_LOCAL_TERMINATING = [
    ep("10.0.1.1", TEST_NODE, False, True, True),
    ep("10.0.1.2", TEST_NODE, False, True, True),
    ep("10.0.1.3", TEST_NODE, False, False, True),
    ep("10.0.1.4", "another-node", False, True, True),
    ep("10.0.1.5", "another-node", True, True, False),
]


@pytest.mark.parametrize(
    "etp,endpoints,loopback,cluster_rs,external_rs",
    [
        # Test_EndpointSliceReadyAndTerminatingCluster: only the ready endpoints are used.
        (
            "Cluster",
            READY_AND_TERMINATING,
            4,
            ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.5:80"],
            ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.5:80"],
        ),
        # Test_EndpointSliceReadyAndTerminatingLocal: local ready + non-terminating for external traffic.
        (
            "Local",
            READY_AND_TERMINATING,
            4,
            ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.5:80"],
            ["10.0.1.1:80", "10.0.1.2:80"],
        ),
        # Test_EndpointSliceOnlyReadyAndTerminatingCluster: fall back to serving-terminating endpoints.
        (
            "Cluster",
            ONLY_TERMINATING,
            3,
            ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.4:80"],
            ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.4:80"],
        ),
        # Test_EndpointSliceOnlyReadyAndTerminatingLocal: local serving-terminating for external traffic.
        ("Local", ONLY_LOCAL_TERMINATING, 3, ["10.0.1.5:80"], ["10.0.1.1:80", "10.0.1.2:80"]),
    ],
)
def test_ready_and_terminating(etp, endpoints, loopback, cluster_rs, external_rs):
    state = _terminating_case(etp, endpoints)
    assert len(state.ipsets["KUBE-LOOP-BACK"].entries) == loopback
    assert len(state.virtual_servers) == 2  # clusterIP + externalIP (no node addresses in the fake)
    assert _rs(state, "172.20.1.1") == cluster_rs
    assert _rs(state, "1.2.3.4") == external_rs


def test_external_local_without_local_endpoints_uses_cluster_endpoints():
    # syncEndpoint (PR 97081): with Local policy and no local endpoint, IPVS uses the Cluster endpoints
    # (the iptables and nftables modes drop such traffic instead).
    svc = make_service(
        "ns1",
        "svc1",
        type="NodePort",
        clusterIP="172.20.1.1",
        externalTrafficPolicy="Local",
        ports=[port("p80", 80, "TCP", 30000)],
    )
    es = make_slice(
        "ns1", "svc1", 1, "IPv4", [ep("10.0.1.2", "node1"), ep("10.0.1.3", "node2")], [("p80", 80, "TCP")]
    )
    state = render_ipvs([svc], [es], fake_settings(["10.0.0.1"]))
    vs = state.virtual_server("TCP", "10.0.0.1", 30000)
    assert [str(rs) for rs in vs.real_servers] == ["10.0.1.2:80", "10.0.1.3:80"]


# --- iptables details ---------------------------------------------------------------------------------------


def test_create_and_link_kube_chain():
    text = render_ipvs([], [], fake_settings()).iptables
    nat, filt = text.split("*filter\n")
    assert [line for line in nat.splitlines() if line.startswith(":")] == [
        ":KUBE-SERVICES - [0:0]",
        ":KUBE-POSTROUTING - [0:0]",
        ":KUBE-NODE-PORT - [0:0]",
        ":KUBE-LOAD-BALANCER - [0:0]",
        ":KUBE-MARK-MASQ - [0:0]",
    ]
    assert [line for line in filt.splitlines() if line.startswith(":")] == [
        ":KUBE-FORWARD - [0:0]",
        ":KUBE-NODE-PORT - [0:0]",
        ":KUBE-PROXY-FIREWALL - [0:0]",
        ":KUBE-SOURCE-RANGES-FIREWALL - [0:0]",
        ":KUBE-IPVS-FILTER - [0:0]",
        ":KUBE-IPVS-OUT-FILTER - [0:0]",
    ]
    assert text.startswith("*nat\n") and text.endswith("COMMIT\n")


@pytest.mark.parametrize("family,src", [("IPv4", "127.0.0.0/8"), ("IPv6", "::1/128")])
def test_dismiss_localhost_rule_exist(family, src):
    rules = rules_of(render_ipvs([], [], fake_settings(family=family)), "KUBE-SERVICES")
    assert rules[0].jump == "RETURN" and rules[0].source.value == src


@pytest.mark.parametrize("ip_mode,expected", [("Proxy", 1), ("VIP", 2), (None, 2)])
def test_load_balancer_ingress_route_type_proxy(ip_mode, expected):
    ing = {"ip": "1.2.3.4"} | ({"ipMode": ip_mode} if ip_mode else {})
    svc = make_service(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="10.20.30.41",
        ports=[port("p80", 80, "TCP", 3001)],
        lb_ingress=[ing],
    )
    es = make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, "TCP")])
    assert len(render_ipvs([svc], [es], fake_settings()).virtual_servers) == expected


def test_no_detector_masquerades_vip_sourced_traffic_and_detector_excludes_pods():
    svc = make_service("ns1", "svc1", clusterIP="10.20.30.41", ports=[port("p80", 80)])
    no_detector = [r.text for r in rules_of(render_ipvs([svc], [], fake_settings()), "KUBE-SERVICES")]
    assert (
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose"'
        " -m set --match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ"
    ) in no_detector
    s = ProxierSettings(hostname=TEST_NODE, cluster_cidr="10.244.0.0/16")
    detector = [r.text for r in rules_of(render_ipvs([svc], [], s), "KUBE-SERVICES")]
    assert (
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose"'
        " -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ"
    ) in detector
    s = ProxierSettings(hostname=TEST_NODE, masquerade_all=True)
    assert any(
        t.endswith("KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ")
        for t in (r.text for r in rules_of(render_ipvs([svc], [], s), "KUBE-SERVICES"))
    )


def test_jump_rules_are_prepended_in_order():
    state = render_ipvs([], [], fake_settings())
    inputs = [rule for table, chain, rule in state.jump_rules if (table, chain) == ("filter", "INPUT")]
    assert inputs == [
        '-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER',
        '-A INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL',
        '-A INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT',
    ]
    tables = parse_iptables(state.iptables_save())
    assert tables.chain("nat", "PREROUTING").rules[0].jump == "KUBE-SERVICES"
    assert tables.chain("filter", "OUTPUT").rules[0].jump == "KUBE-IPVS-OUT-FILTER"


def test_scheduler_option():
    svc = make_service("ns1", "svc1", clusterIP="10.20.30.41", ports=[port("p80", 80)])
    state = render_ipvs([svc], [], fake_settings(), scheduler="wrr")
    assert [vs.scheduler for vs in state.virtual_servers] == ["wrr"]


# --- graceful termination (graceful_termination.go) -----------------------------------------------------------


@pytest.mark.parametrize("protocol,conns,kept", [("TCP", 3, True), ("TCP", 0, False), ("UDP", 3, False)])
def test_graceful_termination(protocol, conns, kept):
    svc = make_service("ns1", "svc1", clusterIP="10.20.30.41", ports=[port("p80", 80, protocol)])
    before = make_slice(
        "ns1", "svc1", 1, "IPv4", [ep("10.180.0.1"), ep("10.180.0.2")], [("p80", 80, protocol)]
    )
    after = make_slice("ns1", "svc1", 1, "IPv4", [ep("10.180.0.1")], [("p80", 80, protocol)])
    prev = render_ipvs([svc], [before], fake_settings())
    vs = prev.virtual_servers[0]
    prev.virtual_servers[0] = VirtualServer(
        vs.protocol,
        vs.address,
        vs.port,
        vs.scheduler,
        vs.timeout,
        [RealServer(rs.address, rs.port, active_conn=conns) for rs in vs.real_servers],
    )
    state = render_ipvs([svc], [after], fake_settings(), previous=prev)
    got = {(rs.address, rs.weight) for rs in state.virtual_servers[0].real_servers}
    assert got == ({("10.180.0.1", 1), ("10.180.0.2", 0)} if kept else {("10.180.0.1", 1)})
    # The endpoint comes back: weight 1 again (MoveRSOutofGracefulDeleteList + AddRealServer).
    again = render_ipvs([svc], [before], fake_settings(), previous=state)
    assert {(rs.address, rs.weight) for rs in again.virtual_servers[0].real_servers} == {
        ("10.180.0.1", 1),
        ("10.180.0.2", 1),
    }


# --- text renderings ----------------------------------------------------------------------------------------


def _nodeport_state():
    svcs = [
        make_service(
            "ns1", "svc1", type="NodePort", clusterIP="10.20.30.41", ports=[port("p80", 80, "TCP", 3001)]
        ),
        make_service(
            "kube-system",
            "kube-dns",
            clusterIP="10.96.0.10",
            sessionAffinity="ClientIP",
            ports=[port("dns", 53, "UDP"), port("dns-tcp", 53, "TCP")],
        ),
    ]
    slices = [
        make_slice(
            "ns1", "svc1", 1, "IPv4", [ep("10.180.0.1"), ep("10.180.0.12", TEST_NODE)], [("p80", 80, "TCP")]
        ),
        make_slice(
            "kube-system",
            "kube-dns",
            1,
            "IPv4",
            [ep("10.244.0.3"), ep("10.244.0.2")],
            [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP")],
        ),
    ]
    return render_ipvs(svcs, slices, fake_settings(["192.168.0.2"]))


def test_ipvsadm_ln_golden():
    # Hand-written from ipvsadm.c: "%s  %s" + " %s" [+ " persistent %u"], then "  -> %-28s %-7s %-6d %-10u %-10u";
    # 192.168.0.2 sorts first because libipvs.c compares addresses with a wrapping int subtraction.
    assert ipvsadm_ln(_nodeport_state()) == (FIXTURES / "nodeport.ipvsadm").read_text()


def test_ipvsadm_ln_matches_a_real_node():
    # An LVS-NAT node as printed in a tutorial (trailing blanks of the last line were lost there).
    real = (FIXTURES / "lvs_nat_real.ipvsadm").read_text()
    servers = parse_ipvsadm_ln(real)
    assert [line.rstrip() for line in ipvsadm_ln(servers).splitlines()] == [
        line.rstrip() for line in real.splitlines()
    ]
    first_dest = ipvsadm_ln(servers).splitlines()[4]
    assert first_dest == "  -> 172.16.1.5:80                Masq    1      0          0         "


def test_ipvsadm_roundtrip():
    state = _nodeport_state()
    assert sorted(map(str, parse_ipvsadm_ln(ipvsadm_ln(state)))) == sorted(map(str, state.virtual_servers))
    parsed = {str(v): v for v in parse_ipvsadm_save(ipvsadm_save(state))}
    for vs in state.virtual_servers:
        assert parsed[str(vs)].timeout == vs.timeout
        assert sorted(map(str, parsed[str(vs)].real_servers)) == sorted(map(str, vs.real_servers))


def test_ipvsadm_save_golden():
    assert ipvsadm_save(_nodeport_state()) == (FIXTURES / "nodeport.ipvsadm-save").read_text()


def test_ipset_text_roundtrip():
    state = _nodeport_state()
    for parse, render in ((parse_ipset_list, ipset_list), (parse_ipset_save, ipset_save)):
        sets = parse(render(state))
        assert {n: (s.set_type, s.entries) for n, s in sets.items()} == {
            n: (s.set_type, s.entries) for n, s in state.ipsets.items()
        }
    listing = ipset_list(state, ["KUBE-CLUSTER-IP"]).splitlines()
    assert listing[:3] == ["Name: KUBE-CLUSTER-IP", "Type: hash:ip,port", "Revision: 7"]
    assert listing[3].startswith("Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x")
    assert listing[5:] == [
        "References: 3",
        "Number of entries: 3",
        "Members:",
        "10.20.30.41,tcp:80",
        "10.96.0.10,tcp:53",
        "10.96.0.10,udp:53",
    ]


def test_ip_addr_show():
    text = ip_addr_show(_nodeport_state())
    lines = text.splitlines()
    assert lines[0] == "5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default "
    assert lines[2:] == [
        "    inet 10.20.30.41/32 scope global kube-ipvs0",
        "       valid_lft forever preferred_lft forever",
        "    inet 10.96.0.10/32 scope global kube-ipvs0",
        "       valid_lft forever preferred_lft forever",
    ]


def test_ipvs_proxier_state_is_the_rendered_state():
    # IPVSProxier: events in, the whole state out on every sync (upstream's IPVS proxier has no partial syncs).
    from k8snet.proxy.ipvs import IPVSProxier

    svc = Service.model_validate(
        {
            "metadata": {"name": "svc1", "namespace": "ns1"},
            "spec": {
                "clusterIP": "10.20.30.41",
                "type": "NodePort",
                "ports": [{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001}],
            },
        }
    )
    es = EndpointSlice.model_validate(
        {
            "metadata": {
                "name": "svc1-1",
                "namespace": "ns1",
                "labels": {"kubernetes.io/service-name": "svc1"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.180.0.1"]}, {"addresses": ["10.180.0.2"]}],
            "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}],
        }
    )
    settings = ProxierSettings(hostname="test-node", node_ips=["100.101.102.103"])
    proxier = IPVSProxier(settings)
    proxier.on_service_add(svc)
    proxier.on_endpointslice_add(es)
    assert proxier.sync().full
    assert proxier.state == render_ipvs([svc], [es], settings)
    smaller = es.model_copy(update={"endpoints": es.endpoints[:1]})
    proxier.on_endpointslice_update(es, smaller)
    assert proxier.sync().updated_services == {("ns1", "svc1")}
    assert proxier.state == render_ipvs(
        [svc], [smaller], settings, previous=render_ipvs([svc], [es], settings)
    )


def test_ip_brief_addr_show():
    from k8snet.rules.ipvs import ip_brief_addr_show

    # iproute2 ip/ipaddress.c brief mode: "%-16s " name, "%-14s " operstate, "%s/%d " per address; a real
    # node prints e.g. "kube-ipvs0       DOWN           10.96.0.1/32 10.96.0.10/32 10.96.120.15/32 "
    assert ip_brief_addr_show(_nodeport_state()) == (
        "kube-ipvs0       DOWN           10.20.30.41/32 10.96.0.10/32 \n"
    )
    assert ip_brief_addr_show(["10.96.0.1", "10.96.0.10", "10.96.120.15"]).startswith(
        "kube-ipvs0       DOWN           10.96.0.1/32 10.96.0.10/32 10.96.120.15/32"
    )
