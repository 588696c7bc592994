"""Golden tests for the iptables renderer, transcribed from kube-proxy v1.34.

Source: kubernetes/kubernetes ``pkg/proxy/iptables/proxier_test.go``:

- ``NewFakeProxier`` -> :data:`FAKE_SETTINGS` (node ``test-node``, node IP ``192.168.0.2``, pod CIDR
  ``10.0.0.0/8`` for the local-traffic detector, mark ``0x4000``, ``localhostNodePorts: true``, nodePortAddresses
  unset, both nfacct counters present; the fake iptables has no ``--random-fully``);
- ``sortIPTablesRules``, ``orderByCommentServiceName``, ``assertIPTablesRulesEqual``,
  ``assertIPTablesChainEqual`` and ``checkIPTablesRuleJumps`` are ported in ``tests/helpers/iptables_golden.py``,
  together with the dump parsing and printing they rely on (``pkg/util/iptables/testing/parse.go``:
  ``ParseIPTablesDump``, ``String``);
- fixtures in ``tests/proxy/fixtures``: ``overall.*`` (``TestOverallIPTablesRules``), ``sync_repeated_initial.*``
  (the first, full sync of ``TestSyncProxyRulesRepeated``), ``sort_basic.*`` (``TestSortIPTablesRules``,
  "basic test using each match type"); the ``.yaml`` files hold the Services and EndpointSlices each test
  builds, the ``.iptables`` files the expected dump verbatim;
- chain-level expectations of ``TestNodePorts`` (KUBE-FIREWALL), ``TestDropInvalidRule`` (KUBE-FORWARD),
  ``TestMasqueradeRule`` (KUBE-POSTROUTING) and ``TestComputeProbability``.
"""

from __future__ import annotations

import dataclasses
import ipaddress as _ipaddress
import shlex as _shlex
from pathlib import Path

import pytest
from helpers.iptables_golden import (
    KUBE_NODEPORTS,
    KUBE_SERVICES,
    assert_iptables_chain_equal,
    assert_iptables_rules_equal,
    check_iptables_rule_jumps,
    get_chain,
    parse_iptables_dump,
    sort_iptables_rules,
)

from k8snet import manifests
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.iptables import chain_owners, compute_probability, render_iptables

FIXTURES = Path(__file__).parent / "fixtures"

# NewFakeProxier (proxier_test.go)
FAKE_SETTINGS = ProxierSettings(
    hostname="test-node",
    node_ips=["192.168.0.2"],
    cluster_cidr="10.0.0.0/8",
    masquerade_mark="0x4000",
    localhost_nodeports=True,
    nodeport_addresses=None,
    random_fully=False,
    nfacct=True,
    interface_addresses=[
        "127.0.0.1",
        "::1",
        "192.168.0.2",
        "192.168.1.2",
        "192.168.99.11",
        "2001:db8::1",
        "2001:db8:1::2",
    ],
)


def _load(name: str):
    objs = manifests.load(FIXTURES / f"{name}.yaml")
    return [o for o in objs if o.kind == "Service"], [o for o in objs if o.kind == "EndpointSlice"]


# --- the tests ------------------------------------------------------------------------------------------


def test_sort_iptables_rules_basic():
    # TestSortIPTablesRules, "basic test using each match type"
    out = sort_iptables_rules((FIXTURES / "sort_basic.input").read_text())
    assert out == (FIXTURES / "sort_basic.output").read_text()


def test_check_iptables_rule_jumps_rejects_missing_chain():
    # TestCheckIPTablesRuleJumps, "can't jump to chain that wasn't created"
    data = (
        "*filter\nCOMMIT\n*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -m comment --comment "
        '"ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O\nCOMMIT\n'
    )
    with pytest.raises(AssertionError, match=r"used but were not created: \['KUBE-SVC-XPGD46QRK7WJZT7O'\]"):
        check_iptables_rule_jumps(data)


@pytest.mark.parametrize("name", ["overall", "sync_repeated_initial"])
def test_full_dump_matches_upstream(name):
    services, slices = _load(name)
    result = render_iptables(services, slices, FAKE_SETTINGS)
    assert_iptables_rules_equal(True, (FIXTURES / f"{name}.iptables").read_text(), result)


def test_output_is_restore_shaped():
    services, slices = _load("overall")
    result = render_iptables(services, slices, FAKE_SETTINGS)
    assert result.startswith("*filter\n:KUBE-SERVICES - [0:0]\n:KUBE-EXTERNAL-SERVICES - [0:0]\n")
    assert result.endswith("COMMIT\n")
    assert (
        result.count("COMMIT\n") == 2
        and "\n*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n" in result
    )
    # kube-proxy writes the nodeports tail-call after every Service rule of nat KUBE-SERVICES
    nat_services = [ln for ln in result.split("*nat\n")[1].splitlines() if ln.startswith("-A KUBE-SERVICES ")]
    assert "must be the last rule" in nat_services[-1]


def test_chain_owners():
    services, slices = _load("overall")
    owners = chain_owners(services, slices, FAKE_SETTINGS)
    assert owners["KUBE-FW-NUKIZ6OKUXPJNT4C"] == "ns5/svc5:p80"
    assert owners["KUBE-SEP-I77PXRDZVX7PMWMN"] == "ns5/svc5:p80 -> 10.180.0.3:80"
    assert owners["KUBE-SEP-OYPFS5VJICHGATKP"] == "ns3/svc3:p80 -> 10.180.0.3:80"
    assert "KUBE-SVL-GNZBNJ2PO5MGZ6GT" not in owners  # no local endpoints: no SVL chain


_NODEPORT_SVC = """
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1}
spec:
  type: NodePort
  clusterIP: %(svc_ip)s
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 3001}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: %(family)s
endpoints:
- {addresses: ["%(ep1)s"]}
- {addresses: ["%(ep2)s"], nodeName: test-node}
ports: [{name: p80, port: 80, protocol: TCP}]
"""

_FIREWALL_RULE = (
    '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 '
    "! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n"
)


@pytest.mark.parametrize(
    "family,localhost_nodeports,nodeport_addresses,expect_firewall",
    [
        ("IPv4", True, None, True),
        ("IPv4", False, None, False),
        ("IPv4", False, ["192.168.0.0/24", "127.0.0.1/32"], False),
        ("IPv4", False, ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"], False),
        ("IPv6", True, None, False),
        ("IPv6", False, None, False),
        ("IPv6", False, ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"], False),
    ],
)
def test_nodeports_firewall_chain(family, localhost_nodeports, nodeport_addresses, expect_firewall):
    # TestNodePorts: only the KUBE-FIREWALL expectation is a rule-text assertion upstream.
    if family == "IPv4":
        values = dict(svc_ip="172.30.0.41", ep1="10.180.0.1", ep2="10.180.2.1", family="IPv4")
        settings = dataclasses.replace(
            FAKE_SETTINGS, localhost_nodeports=localhost_nodeports, nodeport_addresses=nodeport_addresses
        )
    else:
        values = dict(svc_ip="fd00:172:30::41", ep1="fd00:10:180::1", ep2="fd00:10:180::2:1", family="IPv6")
        settings = dataclasses.replace(
            FAKE_SETTINGS,
            ip_family="IPv6",
            node_ips=["2001:db8::1"],
            cluster_cidr="fd00:10::/64",
            localhost_nodeports=localhost_nodeports,
            nodeport_addresses=nodeport_addresses,
        )
    objs = manifests.load(_NODEPORT_SVC % values)
    result = render_iptables(objs, objs, settings)
    assert_iptables_chain_equal("filter", "KUBE-FIREWALL", _FIREWALL_RULE if expect_firewall else "", result)
    check_iptables_rule_jumps(result)


_FORWARD_TAIL = (
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT\n'
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate '
    "RELATED,ESTABLISHED -j ACCEPT\n"
)


@pytest.mark.parametrize(
    "nfacct,tcp_liberal,drop_rule",
    [
        (False, False, "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n"),
        (
            True,
            False,
            "-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name "
            "ct_state_invalid_dropped_pkts -j DROP\n",
        ),
        (False, True, ""),
    ],
)
def test_drop_invalid_rule(nfacct, tcp_liberal, drop_rule):
    # TestDropInvalidRule
    settings = dataclasses.replace(FAKE_SETTINGS, nfacct=nfacct, conntrack_tcp_liberal=tcp_liberal)
    result = render_iptables([], [], settings)
    assert_iptables_chain_equal("filter", "KUBE-FORWARD", drop_rule + _FORWARD_TAIL, result)


@pytest.mark.parametrize("random_fully", [False, True])
def test_masquerade_rule(random_fully):
    # TestMasqueradeRule
    result = render_iptables([], [], dataclasses.replace(FAKE_SETTINGS, random_fully=random_fully))
    expected = (
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n"
        "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n"
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE'
        + (" --random-fully" if random_fully else "")
        + "\n"
    )
    assert_iptables_chain_equal("nat", "KUBE-POSTROUTING", expected, result)


def test_compute_probability():
    # TestComputeProbability
    expected = {
        1: "1.0000000000",
        2: "0.5000000000",
        10: "0.1000000000",
        100: "0.0100000000",
        1000: "0.0010000000",
        10000: "0.0001000000",
        100000: "0.0000100000",
        100001: "0.0000099999",
    }
    for n, want in expected.items():
        assert compute_probability(n) == want
    prev = 0.0
    for i in range(100000, 1, -1):
        cur = float(compute_probability(i))
        assert cur > prev
        prev = cur


def test_default_mark_is_go_formatted():
    # NewProxier: fmt.Sprintf("%#08x", 1<<masqueradeBit) -- Go pads the digits, then adds 0x.
    s = ProxierSettings(hostname="n", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8")
    result = render_iptables([], [], s)
    assert "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n" in result
    assert "-j MASQUERADE --random-fully\n" in result


def _svc(ns, name, ip, port_name, port):
    from k8snet.api.core_v1 import Service

    return Service.model_validate(
        {
            "metadata": {"name": name, "namespace": ns},
            "spec": {
                "type": "ClusterIP",
                "clusterIP": ip,
                "ports": [{"name": port_name, "port": port, "protocol": "TCP"}],
            },
        }
    )


def _slice(ns, name, addresses, port_name, port):
    from k8snet.api.discovery_v1 import EndpointSlice

    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": f"{name}-1",
                "namespace": ns,
                "labels": {"kubernetes.io/service-name": name},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": [a]} for a in addresses],
            "ports": [{"name": port_name, "port": port, "protocol": "TCP"}],
        }
    )


def _count_endpoints_and_comments(data: str, match: str) -> tuple[str, int, int]:
    # countEndpointsAndComments (proxier_test.go)
    matched, n_eps, n_comments = "", 0, 0
    for line in data.split("\n"):
        if line.startswith("-A KUBE-SEP-") and "-j DNAT" in line:
            n_eps += 1
            n_comments += "--comment" in line
            if match in line:
                matched = line
    return matched, n_eps, n_comments


def test_large_cluster_mode():
    # TestSyncProxyRulesLargeClusterMode, its full syncs (masqueradeAll, threshold 1000 endpoints)
    settings = dataclasses.replace(FAKE_SETTINGS, masquerade_all=True)
    half = 1000 // 2 - 1
    services = [
        _svc("ns1", "svc1", "172.30.0.41", "p80", 80),
        _svc("ns2", "svc2", "172.30.0.42", "p8080", 8080),
        _svc("ns3", "svc3", "172.30.0.43", "p8081", 8081),
    ]
    slices = [
        _slice("ns1", "svc1", [f"10.0.{i % 256}.{i // 256}" for i in range(half)], "p80", 80),
        _slice("ns2", "svc2", [f"10.1.{i % 256}.{i // 256}" for i in range(half)], "p8080", 8080),
    ]
    first, n_eps, n_comments = _count_endpoints_and_comments(
        render_iptables(services, slices, settings), "10.0.0.0"
    )
    assert first == (
        "-A KUBE-SEP-DKGQUZGBKLTPAR56 -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT "
        "--to-destination 10.0.0.0:80"
    )
    assert (n_eps, n_comments) == (2 * half, 2 * half)

    slices.append(_slice("ns3", "svc3", ["203.0.113.4", "203.0.113.8", "203.0.113.12"], "p8081", 8081))
    data = render_iptables(services, slices, settings)
    first, n_eps, n_comments = _count_endpoints_and_comments(data, "10.0.0.0")
    assert first == "-A KUBE-SEP-DKGQUZGBKLTPAR56 -m tcp -p tcp -j DNAT --to-destination 10.0.0.0:80"
    assert (n_eps, n_comments) == (2 * half + 3, 0)
    assert _count_endpoints_and_comments(data, "203.0.113.4")[0] == (
        "-A KUBE-SEP-RUVVH7YV3PHQBDOS -m tcp -p tcp -j DNAT --to-destination 203.0.113.4:8081"
    )

    services.append(_svc("ns4", "svc4", "172.30.0.44", "p8082", 8082))
    slices.append(_slice("ns4", "svc4", ["10.4.0.1"], "p8082", 8082))
    data = render_iptables(services, slices, settings)
    assert _count_endpoints_and_comments(data, "10.4.0.1")[0] == (
        "-A KUBE-SEP-SU5STNODRYEWJAUF -m tcp -p tcp -j DNAT --to-destination 10.4.0.1:8082"
    )
    assert chain_owners(services, slices, settings)["KUBE-SVC-EBDQOQU5SJFXRIL3"] == "ns4/svc4:p8082"


# --- packet-flow tests: tracePacket / runPacketFlowTests (proxier_test.go) ------------------------------
#
# Upstream runs a small iptables "tracer" over the restored rules: nat PREROUTING (-> KUBE-SERVICES), then,
# after a DNAT, the filter chains KUBE-SERVICES, KUBE-EXTERNAL-SERVICES, KUBE-NODEPORTS, KUBE-PROXY-FIREWALL.
# Rules that check state (recent --rcheck, mark, ctstate) never match; --probability jumps keep going, so
# the output lists every endpoint a packet could reach. Ported below with a rule reader covering the
# matches kube-proxy writes (parse.go reads the same options).

TEST_NODE_IP = "192.168.0.2"
TEST_NODE_IP_ALT = "192.168.1.2"
TEST_EXTERNAL_IP = "192.168.99.11"
TEST_NODE_IPV6 = "2001:db8::1"
TEST_NODE_IPV6_ALT = "2001:db8:1::2"
TEST_EXTERNAL_CLIENT = "203.0.113.2"
TEST_EXTERNAL_CLIENT_BLOCKED = "203.0.113.130"
TEST_NODE_IPS = [TEST_NODE_IP, TEST_NODE_IP_ALT, TEST_EXTERNAL_IP, TEST_NODE_IPV6, TEST_NODE_IPV6_ALT]

_VALUE_OPTS = {
    "-s": "source",
    "-d": "dest",
    "--src-type": "src_type",
    "--dst-type": "dst_type",
    "-p": "protocol",
    "--dport": "dport",
    "--mark": "mark",
    "--ctstate": "ctstate",
    "-j": "jump",
    "--to-destination": "dnat",
    "--probability": "probability",
}
_FLAG_OPTS = {"--rcheck": "affinity_check"}


def _parse_rule(raw: str) -> dict:
    toks = _shlex.split(raw)
    rule: dict = {"raw": raw}
    neg = False
    i = 2  # skip "-A CHAIN"
    while i < len(toks):
        tok = toks[i]
        if tok == "!":
            neg = True
        elif tok in _VALUE_OPTS:
            rule[_VALUE_OPTS[tok]] = (toks[i + 1], neg)
            neg = False
            i += 1
        elif tok in _FLAG_OPTS:
            rule[_FLAG_OPTS[tok]] = (True, neg)
            neg = False
        else:
            neg = False
        i += 1
    return rule


def _address_matches(value: tuple[str, bool], ip_str: str) -> bool:
    ip = _ipaddress.ip_address(ip_str)  # "Bad IP in test case" raises, as t.Fatalf does
    if "/" in value[0]:
        net = _ipaddress.ip_network(value[0], strict=False)
        matches = ip.version == net.version and ip in net
    else:
        matches = ip == _ipaddress.ip_address(value[0])
    return matches != value[1]


class _Tracer:
    def __init__(self, data: str, node_ips: list[str]):
        self.tables = parse_iptables_dump(data)
        self.local_ips = {"127.0.0.1", "::1", *node_ips}
        self.matches: list[str] = []
        self.outputs: list[str] = []
        self.mark_masq = False

    def _matches(self, rule: dict, src: str, proto: str, dst: str, dport: str) -> bool:
        if "source" in rule and not _address_matches(rule["source"], src):
            return False
        if "src_type" in rule:
            addrtype = "LOCAL" if src in self.local_ips else "not-matched"
            if (rule["src_type"][0] == addrtype) == rule["src_type"][1]:
                return False
        if "protocol" in rule and (rule["protocol"][0] == proto) == rule["protocol"][1]:
            return False
        if "dest" in rule and not _address_matches(rule["dest"], dst):
            return False
        if "dst_type" in rule:
            addrtype = "LOCAL" if dst in self.local_ips else "not-matched"
            if (rule["dst_type"][0] == addrtype) == rule["dst_type"][1]:
                return False
        if "dport" in rule and (rule["dport"][0] == dport) == rule["dport"][1]:
            return False
        return not ("affinity_check" in rule or "mark" in rule or "ctstate" in rule)

    def run_chain(self, table: str, chain: str, src: str, proto: str, dst: str, dport: str) -> bool:
        c = get_chain(self.tables, table, chain)
        if c is None:
            return False
        for r in c.rules:
            rule = _parse_rule(r.raw)
            if "jump" not in rule or not self._matches(rule, src, proto, dst, dport):
                continue
            self.matches.append(r.raw)
            target = rule["jump"][0]
            if target == "KUBE-MARK-MASQ":
                self.mark_masq = True
                continue
            if target in ("ACCEPT", "REJECT", "DROP"):
                self.outputs.append(target)
                return True
            if target == "DNAT":
                self.outputs.append(rule["dnat"][0])
                return True
            terminated = self.run_chain(table, target, src, proto, dst, dport)
            if terminated and "probability" not in rule:
                return True
        return False


def trace_packet(data: str, src: str, proto: str, dst: str, dport: str, node_ips: list[str]):
    tracer = _Tracer(data, node_ips)
    # nat PREROUTING jumps to KUBE-SERVICES (kube-proxy ensures that rule outside the restore payload)
    start = "PREROUTING" if get_chain(tracer.tables, "nat", "PREROUTING") is not None else KUBE_SERVICES
    tracer.run_chain("nat", start, src, proto, dst, dport)
    if tracer.outputs:
        dst = tracer.outputs[0].split(":")[0]
    for chain in (KUBE_SERVICES, "KUBE-EXTERNAL-SERVICES", KUBE_NODEPORTS, "KUBE-PROXY-FIREWALL"):
        tracer.run_chain("filter", chain, src, proto, dst, dport)
    return tracer.matches, ", ".join(tracer.outputs), tracer.mark_masq


def run_packet_flow_tests(data: str, node_ips: list[str], flows: list[tuple]) -> None:
    """Each flow: (name, source, dest, port, output, masq[, protocol])."""
    errors = []
    for flow in flows:
        name, src, dst, port, output, masq = flow[:6]
        proto = (flow[6] if len(flow) > 6 else "TCP").lower()
        matches, got, got_masq = trace_packet(data, src, proto, dst, str(port), node_ips)
        if (got, got_masq) != (output, masq):
            errors.append(
                f"{name}: expected {output!r} masq={masq}, got {got!r} masq={got_masq}\n  "
                + "\n  ".join(matches)
            )
    assert not errors, "\n".join(errors)


_TRACE_RULES = """
*filter
:INPUT - [0:0]
:FORWARD - [0:0]
:OUTPUT - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
-A INPUT -m comment --comment kubernetes health check service ports -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment kubernetes externally-visible service portals -j KUBE-EXTERNAL-SERVICES
-A FORWARD -m comment --comment kubernetes forwarding rules -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment kubernetes service portals -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment kubernetes externally-visible service portals -j KUBE-EXTERNAL-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment kubernetes service portals -j KUBE-SERVICES
-A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT
-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-PROXY-FIREWALL -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP
COMMIT
*nat
:PREROUTING - [0:0]
:INPUT - [0:0]
:OUTPUT - [0:0]
:POSTROUTING - [0:0]
:KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]
:KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]
:KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
:KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]
:KUBE-SEP-OYPFS5VJICHGATKP - [0:0]
:KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
:KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
:KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
-A PREROUTING -m comment --comment kubernetes service portals -j KUBE-SERVICES
-A OUTPUT -m comment --comment kubernetes service portals -j KUBE-SERVICES
-A POSTROUTING -m comment --comment kubernetes postrouting rules -j KUBE-POSTROUTING
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "pod traffic for ns2/svc2:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "masquerade LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "route LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
COMMIT
"""


def test_trace_packet():
    # TestTracePacket: the tracer port itself, against upstream's static rules
    run_packet_flow_tests(
        _TRACE_RULES.lstrip("\n"),
        TEST_NODE_IPS,
        [
            ("no match", "10.0.0.2", "10.0.0.3", 80, "", False),
            ("single endpoint", "10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", False),
            ("multiple endpoints", "10.0.0.2", "172.30.0.44", 80, "10.180.0.4:80, 10.180.0.5:80", False),
            ("LOCAL, KUBE-MARK-MASQ", TEST_NODE_IP, "192.168.99.22", 80, "10.180.0.2:80", True),
            ("DROP", TEST_EXTERNAL_CLIENT, "192.168.99.22", 80, "DROP", False),
            ("ACCEPT (NodePortHealthCheck)", TEST_NODE_IP, TEST_NODE_IP, 30000, "ACCEPT", False),
            ("REJECT", "10.0.0.2", "172.30.0.46", 80, "REJECT", False),
        ],
    )


def _render_yaml(text: str, settings: ProxierSettings = FAKE_SETTINGS) -> str:
    objs = manifests.load(text)
    return render_iptables(objs, objs, settings)


def test_no_endpoints_reject():
    # TestNoEndpointsReject
    data = _render_yaml("""
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.41
  externalIPs: [192.168.99.11]
  ports: [{name: p80, protocol: TCP, port: 80, nodePort: 3001}]
status: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}
""")
    run_packet_flow_tests(
        data,
        TEST_NODE_IPS,
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


def test_cluster_ip_general():
    # TestClusterIPGeneral
    data = _render_yaml("""
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1}
spec:
  clusterIP: 172.30.0.41
  ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: svc2, namespace: ns2}
spec:
  clusterIP: 172.30.0.42
  ports:
  - {name: http, port: 80, protocol: TCP}
  - {name: https, port: 443, protocol: TCP, targetPort: 8443}
  - {name: dns-udp, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 5353}
  - {name: dns-sctp, port: 53, protocol: SCTP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.1], nodeName: test-node}]
ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc2-1, namespace: ns2, labels: {kubernetes.io/service-name: svc2}}
addressType: IPv4
endpoints:
- {addresses: [10.180.0.1], nodeName: test-node}
- {addresses: [10.180.2.1], nodeName: node2}
ports:
- {name: http, port: 80, protocol: TCP}
- {name: https, port: 8443, protocol: TCP}
- {name: dns-udp, port: 53, protocol: UDP}
- {name: dns-tcp, port: 5353, protocol: TCP}
- {name: dns-sctp, port: 53, protocol: SCTP}
""")
    run_packet_flow_tests(
        data,
        TEST_NODE_IPS,
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
            ("TCP-only port does not match UDP traffic", "10.180.0.2", "172.30.0.42", 80, "", False, "UDP"),
            ("svc1 does not accept svc2's ports", "10.180.0.2", "172.30.0.41", 443, "", False),
        ],
    )


def test_load_balancer():
    # TestLoadBalancer
    data = _render_yaml("""
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.41
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 3001}]
  loadBalancerSourceRanges: [192.168.0.0/24, " 203.0.113.0/25"]
status: {loadBalancer: {ingress: [{ip: 1.2.3.4}, {ip: 5.6.7.8}]}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.1]}]
ports: [{name: p80, port: 80, protocol: TCP}]
""")
    ep = "10.180.0.1:80"
    run_packet_flow_tests(
        data,
        TEST_NODE_IPS,
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


@pytest.mark.parametrize(
    "family,localhost_nodeports,nodeport_addresses,allow_alt_node_ip",
    [
        ("IPv4", True, None, True),
        ("IPv4", False, None, True),
        ("IPv4", False, ["192.168.0.0/24", "127.0.0.1/32"], False),
        ("IPv4", False, ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"], True),
        ("IPv6", True, None, True),
        ("IPv6", False, None, True),
        ("IPv6", False, ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"], False),
    ],
)
def test_nodeports_flows(family, localhost_nodeports, nodeport_addresses, allow_alt_node_ip):
    # TestNodePorts: packet flows
    if family == "IPv4":
        values = dict(svc_ip="172.30.0.41", ep1="10.180.0.1", ep2="10.180.2.1", family="IPv4")
        settings = dataclasses.replace(
            FAKE_SETTINGS, localhost_nodeports=localhost_nodeports, nodeport_addresses=nodeport_addresses
        )
        pod, client, node, alt, localhost = (
            "10.0.0.2",
            TEST_EXTERNAL_CLIENT,
            TEST_NODE_IP,
            TEST_NODE_IP_ALT,
            "127.0.0.1",
        )
        output = "10.180.0.1:80, 10.180.2.1:80"
    else:
        values = dict(svc_ip="fd00:172:30::41", ep1="fd00:10:180::1", ep2="fd00:10:180::2:1", family="IPv6")
        settings = dataclasses.replace(
            FAKE_SETTINGS,
            ip_family="IPv6",
            cluster_cidr="fd00:10::/64",
            localhost_nodeports=localhost_nodeports,
            nodeport_addresses=nodeport_addresses,
        )
        pod, client, node, alt, localhost = (
            "fd00:10::2",
            "2600:5200::1",
            TEST_NODE_IPV6,
            TEST_NODE_IPV6_ALT,
            "::1",
        )
        output = "[fd00:10:180::1]:80, [fd00:10:180::2:1]:80"
    data = render_iptables(
        manifests.load(_NODEPORT_SVC % values), manifests.load(_NODEPORT_SVC % values), settings
    )
    flows = [
        ("pod to cluster IP", pod, values["svc_ip"], 80, output, False),
        ("external to nodePort", client, node, 3001, output, True),
        ("node to nodePort", node, node, 3001, output, True),
    ]
    if family == "IPv4" and localhost_nodeports:
        flows.append(("localhost to nodePort gets masqueraded", localhost, localhost, 3001, output, True))
    else:
        flows.append(("localhost to nodePort is ignored", localhost, localhost, 3001, "", False))
    if allow_alt_node_ip:
        flows.append(("external to nodePort on secondary IP", client, alt, 3001, output, True))
    else:
        flows.append(("secondary nodeIP ignores NodePorts", client, alt, 3001, "", False))
    run_packet_flow_tests(data, TEST_NODE_IPS, flows)


def test_health_check_node_port():
    # TestHealthCheckNodePort (nodePortAddresses 127.0.0.0/8)
    settings = dataclasses.replace(FAKE_SETTINGS, nodeport_addresses=["127.0.0.0/8"])
    data = _render_yaml(
        """
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.42
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 3001}]
  healthCheckNodePort: 30000
  externalTrafficPolicy: Local
""",
        settings,
    )
    run_packet_flow_tests(
        data,
        TEST_NODE_IPS,
        [("firewall accepts HealthCheckNodePort", "1.2.3.4", TEST_NODE_IP, 30000, "ACCEPT", False)],
    )
    run_packet_flow_tests(
        render_iptables([], [], settings),
        TEST_NODE_IPS,
        [("HealthCheckNodePort no longer has any rule", "1.2.3.4", TEST_NODE_IP, 30000, "", False)],
    )


_ETP_SVC = """
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1}
spec:
  type: LoadBalancer
  externalTrafficPolicy: %(policy)s
  clusterIP: 172.30.0.41
  externalIPs: [192.168.99.11]
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 3001, targetPort: 80}]
  healthCheckNodePort: 30000
status: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
endpoints:
- {addresses: [10.180.0.1]}
- {addresses: [10.180.2.1], nodeName: test-node}
ports: [{name: p80, port: 80, protocol: TCP}]
"""


def test_external_traffic_policy_local():
    # TestExternalTrafficPolicyLocal
    data = _render_yaml(_ETP_SVC % {"policy": "Local"})
    both, local = "10.180.0.1:80, 10.180.2.1:80", "10.180.2.1:80"
    run_packet_flow_tests(
        data,
        TEST_NODE_IPS,
        [
            (
                "pod to cluster IP hits both endpoints, unmasqueraded",
                "10.0.0.2",
                "172.30.0.41",
                80,
                both,
                False,
            ),
            (
                "pod to external IP hits both endpoints, unmasqueraded",
                "10.0.0.2",
                "192.168.99.11",
                80,
                both,
                False,
            ),
            (
                "external to external IP hits only local endpoint, unmasqueraded",
                TEST_EXTERNAL_CLIENT,
                "192.168.99.11",
                80,
                local,
                False,
            ),
            ("pod to LB IP hits only both endpoints, unmasqueraded", "10.0.0.2", "1.2.3.4", 80, both, False),
            (
                "external to LB IP hits only local endpoint, unmasqueraded",
                TEST_EXTERNAL_CLIENT,
                "1.2.3.4",
                80,
                local,
                False,
            ),
            (
                "pod to NodePort hits both endpoints, unmasqueraded",
                "10.0.0.2",
                TEST_NODE_IP,
                3001,
                both,
                False,
            ),
            (
                "external to NodePort hits only local endpoint, unmasqueraded",
                TEST_EXTERNAL_CLIENT,
                TEST_NODE_IP,
                3001,
                local,
                False,
            ),
        ],
    )


def test_external_traffic_policy_cluster():
    # TestExternalTrafficPolicyCluster (upstream sets no healthCheckNodePort; with eTP Cluster it is unused)
    data = _render_yaml(_ETP_SVC % {"policy": "Cluster"})
    both = "10.180.0.1:80, 10.180.2.1:80"
    run_packet_flow_tests(
        data,
        TEST_NODE_IPS,
        [
            (
                "pod to cluster IP hits both endpoints, unmasqueraded",
                "10.0.0.2",
                "172.30.0.41",
                80,
                both,
                False,
            ),
            (
                "pod to external IP hits both endpoints, masqueraded",
                "10.0.0.2",
                "192.168.99.11",
                80,
                both,
                True,
            ),
            (
                "external to external IP hits both endpoints, masqueraded",
                TEST_EXTERNAL_CLIENT,
                "192.168.99.11",
                80,
                both,
                True,
            ),
            ("pod to LB IP hits both endpoints, masqueraded", "10.0.0.2", "1.2.3.4", 80, both, True),
            (
                "external to LB IP hits both endpoints, masqueraded",
                TEST_EXTERNAL_CLIENT,
                "1.2.3.4",
                80,
                both,
                True,
            ),
            ("pod to NodePort hits both endpoints, masqueraded", "10.0.0.2", TEST_NODE_IP, 3001, both, True),
            (
                "external to NodePort hits both endpoints, masqueraded",
                TEST_EXTERNAL_CLIENT,
                TEST_NODE_IP,
                3001,
                both,
                True,
            ),
        ],
    )
