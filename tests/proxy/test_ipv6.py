"""kube-proxy's IPv6 proxier and the dual-stack "meta proxier": upstream's IPv6 cases, and upstream's goldens in IPv6.

kubernetes/kubernetes v1.34 has no IPv6 rule dump among its goldens: its IPv6 cases are ``TestNodePorts``
(``pkg/proxy/iptables/proxier_test.go``: three IPv6 cases on ``iptablestest.NewIPv6Fake()``, asserting packet flows
and the ``KUBE-FIREWALL`` chain; ``pkg/proxy/nftables/proxier_test.go``: two on ``NewFakeProxier(v1.IPv6Protocol)``,
run in ``tests/dataplane/test_nft.py``), ``Test_servicePortEndpointChainNameBase``'s IPv6 endpoint
(``tests/proxy/test_nftables.py``), ``TestProxier_OnServiceCIDRsChanged`` and IPVS's ``TestNodePortIPv6`` /
``TestIPv6Proxier`` (``tests/proxy/test_ipvs.py``). Here:

- ``TestNodePorts`` (iptables), all seven cases: the payload k8snet writes equals the dump in
  ``tests/dataplane/fixtures/node_ports_*.iptables`` (written by that directory's independent transcription of
  ``syncProxyRules``, ``render_fixtures.py``) after upstream's ``sortIPTablesRules``; the ``KUBE-FIREWALL`` chain is
  what the test asserts; the IPv6 packet flows run through k8snet's rules and netfilter executor;
- ``TestOverallIPTablesRules`` and ``TestOverallNFTablesRules`` in IPv6: upstream's expected text with each address
  replaced by an IPv6 one and every family-dependent piece written as ``syncProxyRules``/``setupNFTables`` write it
  for IPv6 (:func:`to_ipv6_iptables`, :func:`to_ipv6_nftables`: cited line by line), compared with k8snet's IPv6
  rendering of the same Services moved to IPv6;
- ``validateDualStackCIDRStrings`` (``pkg/proxy/apis/config/validation/validation_test.go``,
  ``TestValidateDualStackCIDRStrings``) for ``--cluster-cidr``; ``detectNodeIPs`` (``cmd/kube-proxy/app/server.go``);
  the meta proxier's dispatch (``pkg/proxy/metaproxier/meta_proxier.go``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from helpers.iptables_golden import (
    assert_iptables_chain_equal,
    assert_iptables_rules_equal,
    sort_iptables_rules,
)

from k8snet import manifests
from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.dataplane import NetfilterHost, Packet
from k8snet.errors import ConfigError
from k8snet.proxy import cli
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.iptables import base_jump_rules, render_iptables
from k8snet.proxy.metaproxier import (
    MetaProxier,
    detect_node_ips,
    new_dual_stack_proxier,
    node_families,
    render_families,
    service_rules_by_family,
)
from k8snet.proxy.modes import proxy_mode
from k8snet.proxy.nftables import render_nftables
from k8snet.rules.iptables import parse_iptables
from k8snet.rules.nftables import sort_nftables_transaction

FIXTURES = Path(__file__).parent / "fixtures"
DATAPLANE_FIXTURES = Path(__file__).parents[1] / "dataplane" / "fixtures"

# NewFakeProxier's interfaces (lo + eth0 with testNodeIPs)
INTERFACES = [
    "127.0.0.1",
    "::1",
    "192.168.0.2",
    "192.168.1.2",
    "192.168.99.11",
    "2001:db8::1",
    "2001:db8:1::2",
]


def _b32(data: str, n: int) -> str:
    # base32.StdEncoding.EncodeToString(sha256.Sum256(data))[:n], as portProtoHash / hashAndTruncate do
    return base64.b32encode(hashlib.sha256(data.encode()).digest()).decode()[:n]


# --- TestNodePorts (iptables) ----------------------------------------------------------------------------------

# (case name as upstream names it, fixture, family, localhostNodePorts, nodePortAddresses, expectFirewall)
NODE_PORT_CASES = [
    ("ipv4, localhost-nodeports enabled", "node_ports_localhost_enabled", "IPv4", True, None, True),
    ("ipv4, localhost-nodeports disabled", "node_ports_localhost_disabled", "IPv4", False, None, False),
    (
        "ipv4, localhost-nodeports disabled, localhost in nodeport-addresses",
        "node_ports_addresses_localhost",
        "IPv4",
        False,
        ["192.168.0.0/24", "127.0.0.1/32"],
        False,
    ),
    (
        "ipv4, localhost-nodeports enabled, multiple nodeport-addresses",
        "node_ports_addresses_multiple",
        "IPv4",
        False,
        ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"],
        False,
    ),
    ("ipv6, localhost-nodeports enabled", "node_ports_ipv6_localhost_enabled", "IPv6", True, None, False),
    ("ipv6, localhost-nodeports disabled", "node_ports_ipv6_localhost_disabled", "IPv6", False, None, False),
    (
        "ipv6, localhost-nodeports disabled, multiple nodeport-addresses",
        "node_ports_ipv6_addresses_multiple",
        "IPv6",
        False,
        ["192.168.0.0/24", "192.168.1.0/24", "2001:db8::/64"],
        False,
    ),
]


def node_ports_objects(family: str):
    """TestNodePorts' Service and EndpointSlice for ``family`` (svcIP, epIP1 and epIP2 as the test picks them)."""
    v6 = family == "IPv6"
    svc_ip, ep1, ep2 = (
        ("fd00:172:30::41", "fd00:10:180::1", "fd00:10:180::2:1")
        if v6
        else ("172.30.0.41", "10.180.0.1", "10.180.2.1")
    )
    svc = Service.model_validate(
        {
            "metadata": {"name": "svc1", "namespace": "ns1"},
            "spec": {
                "type": "NodePort",
                "clusterIP": svc_ip,
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
            "addressType": family,
            "endpoints": [{"addresses": [ep1]}, {"addresses": [ep2], "nodeName": "test-node"}],
            "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}],
        }
    )
    return [svc], [es]


def fake_settings(family: str, **kw) -> ProxierSettings:
    """``NewFakeProxier(ipt)`` for ``iptablestest.NewFake()`` / ``NewIPv6Fake()``: pod CIDR 10.0.0.0/8 or
    fd00:10::/64, mark 0x4000, no ``--random-fully``, both nfacct counters."""
    return ProxierSettings(
        hostname="test-node",
        node_ips=["2001:db8::1" if family == "IPv6" else "192.168.0.2"],
        cluster_cidr="fd00:10::/64" if family == "IPv6" else "10.0.0.0/8",
        masquerade_mark="0x4000",
        random_fully=False,
        nfacct=True,
        ip_family=family,
        interface_addresses=INTERFACES,
        **kw,
    )


def _node_ports_payload(family, localhost, addresses) -> str:
    settings = fake_settings(family, localhost_nodeports=localhost, nodeport_addresses=addresses)
    return render_iptables(*node_ports_objects(family), settings)


@pytest.mark.parametrize("case", NODE_PORT_CASES, ids=[c[0] for c in NODE_PORT_CASES])
def test_node_ports_payload_matches_the_transcribed_dump(case):
    _, fixture, family, localhost, addresses, _ = case
    got = _node_ports_payload(family, localhost, addresses)
    assert sort_iptables_rules(got) == (DATAPLANE_FIXTURES / f"{fixture}.iptables").read_text()


@pytest.mark.parametrize("case", NODE_PORT_CASES, ids=[c[0] for c in NODE_PORT_CASES])
def test_node_ports_kube_firewall_chain(case):
    # "We have to check the firewall rule manually rather than via runPacketFlowTests()"
    _, _, family, localhost, addresses, expect_firewall = case
    expected = (
        '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 '
        "! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n"
        if expect_firewall
        else ""
    )
    assert_iptables_chain_equal(
        "filter", "KUBE-FIREWALL", expected, _node_ports_payload(family, localhost, addresses)
    )


# TestNodePorts' IPv6 flows: pod fd00:10::2, external client 2600:5200::1, node 2001:db8::1 (alt 2001:db8:1::2);
# output = net.JoinHostPort(epIP1, "80") + ", " + net.JoinHostPort(epIP2, "80").
NP6_OUT = "[fd00:10:180::1]:80, [fd00:10:180::2:1]:80"
NP6_BASIC = [
    ("pod to cluster IP", "fd00:10::2", "fd00:172:30::41", 80, NP6_OUT, False),
    ("external to nodePort", "2600:5200::1", "2001:db8::1", 3001, NP6_OUT, True),
    ("node to nodePort", "2001:db8::1", "2001:db8::1", 3001, NP6_OUT, True),
    # "localhost to NodePort is only allowed in IPv4, and only if not disabled"
    ("localhost to nodePort is ignored", "::1", "::1", 3001, "", False),
]
NP6_ALT = {
    True: ("external to nodePort on secondary IP", "2600:5200::1", "2001:db8:1::2", 3001, NP6_OUT, True),
    False: ("secondary nodeIP ignores NodePorts", "2600:5200::1", "2001:db8:1::2", 3001, "", False),
}
NP6_FLOWS = [
    (case, flow)
    for case, allow_alt in (
        (NODE_PORT_CASES[4], True),
        (NODE_PORT_CASES[5], True),
        (NODE_PORT_CASES[6], False),
    )
    for flow in [*NP6_BASIC, NP6_ALT[allow_alt]]
]


@pytest.mark.parametrize("case,flow", NP6_FLOWS, ids=[f"{c[0]}: {f[0]}" for c, f in NP6_FLOWS])
def test_node_ports_ipv6_flows_through_the_ip6tables_rules(case, flow):
    _, _, family, localhost, addresses, _ = case
    _, source, dest, port, output, masq = flow
    rules = base_jump_rules(_node_ports_payload(family, localhost, addresses))
    host = NetfilterHost(
        parse_iptables(rules), ["192.168.0.2", "192.168.1.2", "192.168.99.11", "2001:db8::1", "2001:db8:1::2"]
    )
    outcomes = host.enumerate(Packet(source, dest, dst_port=port))
    assert sum(o.probability for o in outcomes) == 1
    got = ", ".join(o.output for o in outcomes if o.output)
    assert (got, any(o.masquerade for o in outcomes)) == (output, masq)


# --- upstream's overall goldens, in IPv6 -----------------------------------------------------------------------

#: Every IPv4 address and CIDR of TestOverallIPTablesRules / TestOverallNFTablesRules (and NewFakeProxier) and the
#: IPv6 one that takes its place. Where upstream's IPv6 tests have a convention it is used (ClusterIPs
#: fd00:172:30::/64-style, endpoints fd00:10:180::N, pod CIDR fd00:10::/64, ServiceCIDR fd00:10:96::/112, node IP
#: 2001:db8::1); the others are documentation addresses.
V6 = {
    "172.30.0.41": "fd00:172:30::41",
    "172.30.0.42": "fd00:172:30::42",
    "172.30.0.43": "fd00:172:30::43",
    "172.30.0.44": "fd00:172:30::44",
    "172.30.0.45": "fd00:172:30::45",
    "172.30.0.46": "fd00:172:30::46",
    "10.180.0.1": "fd00:10:180::1",
    "10.180.0.2": "fd00:10:180::2",
    "10.180.0.3": "fd00:10:180::3",
    "10.180.0.4": "fd00:10:180::4",
    "10.180.0.5": "fd00:10:180::5",
    "192.168.99.22": "2001:db8:99::22",
    "192.168.99.33": "2001:db8:99::33",
    "1.2.3.4": "2001:db8:ff::4",
    "5.6.7.8": "2001:db8:ff::8",
    "203.0.113.0/25": "2001:db8:113::/64",
    "10.0.0.0/8": "fd00:10::/64",
    "172.30.0.0/16": "fd00:10:96::/112",
    "192.168.0.2": "2001:db8::1",
}
_IPV4 = re.compile(r"(?<![\w.:])(\d+\.\d+\.\d+\.\d+(?:/\d+)?)(?::(\d+))?(?![\w.])")


def _map_addresses(text: str) -> str:
    """Each IPv4 address (or CIDR) by its IPv6 one; ``IP:PORT`` becomes ``[IP]:PORT`` (``net.JoinHostPort``,
    which ``BaseEndpointInfo.String()`` uses for DNAT targets and comments)."""

    def sub(m: re.Match) -> str:
        v6 = V6[m.group(1)]
        return f"[{v6}]:{m.group(2)}" if m.group(2) else v6

    return _IPV4.sub(sub, text)


def overall_objects_ipv6():
    """TestOverallIPTablesRules' (= TestOverallNFTablesRules') Services and EndpointSlices with IPv6 addresses."""

    def move(value):
        if isinstance(value, dict):
            return {k: move(v) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v) for v in value]
        if isinstance(value, str):
            if value == "IPv4":
                return "IPv6"
            stripped = value.strip()
            if stripped in V6:  # " 203.0.113.0/25" keeps its whitespace (the regression the test carries)
                return value.replace(stripped, V6[stripped])
        return value

    objs = []
    for o in manifests.load(FIXTURES / "overall.yaml"):
        d = move(o.to_dict())
        objs.append(Service.model_validate(d) if o.kind == "Service" else EndpointSlice.model_validate(d))
    return [o for o in objs if o.kind == "Service"], [o for o in objs if o.kind == "EndpointSlice"]


def to_ipv6_iptables(text: str) -> str:
    """TestOverallIPTablesRules' expected restore text as the IPv6 proxier writes it (``syncProxyRules``,
    ``pkg/proxy/iptables/proxier.go``):

    - no ``KUBE-FIREWALL`` chain or rule: ``if !isIPv6 && proxier.localhostNodePorts``;
    - no ``-d 127.0.0.0/8 ... localhost_nps_accepted_pkts`` NodePort rules: ``proxier.localhostNodePorts &&
      proxier.ipFamily == v1.IPv4Protocol && proxier.nfAcctCounters[...]``;
    - the NodePorts tail call ``-m addrtype --dst-type LOCAL ! -d ::1/128``: "if isIPv6 { destinations = append(
      destinations, "!", "-d", "::1/128") }";
    - addresses moved (:data:`V6`), endpoints written ``[IP]:PORT``, and each ``KUBE-SEP-`` chain renamed:
      ``servicePortEndpointChainName`` hashes ``ns/svc:port`` + protocol + the endpoint's ``String()``.
    """
    seps: dict[str, str] = {}
    for m in re.finditer(
        r"-A (KUBE-SEP-\w+) -m comment --comment (\S+) .*-m (\w+) -p \w+ -j DNAT --to-destination (\S+)", text
    ):
        chain, spn, proto, endpoint = m.groups()
        seps[chain] = "KUBE-SEP-" + _b32(spn + proto + _map_addresses(endpoint), 16)
    out = []
    for line in text.splitlines():
        if "KUBE-FIREWALL " in line + " " or "localhost_nps_accepted_pkts -j" in line:
            continue
        if "this must be the last rule in this chain" in line:
            line = line.replace("--dst-type LOCAL -j", "--dst-type LOCAL ! -d ::1/128 -j")
        line = re.sub(r"KUBE-SEP-\w+", lambda m: seps[m.group(0)], line)
        out.append(_map_addresses(line))
    return "\n".join(out) + "\n"


def test_overall_iptables_rules_in_ipv6():
    services, slices = overall_objects_ipv6()
    # renamed chains sort elsewhere: upstream's sortIPTablesRules puts the expected text in its order again
    expected = sort_iptables_rules(to_ipv6_iptables((FIXTURES / "overall.iptables").read_text()))
    assert "KUBE-SEP-SXIVWICOYRO3J4NJ" not in expected and "[fd00:10:180::1]:80" in expected
    got = render_iptables(services, slices, fake_settings("IPv6"))
    assert_iptables_rules_equal(True, expected, got)


def to_ipv6_nftables(text: str) -> str:
    """TestOverallNFTablesRules' expected table as the IPv6 proxier writes it (``pkg/proxy/nftables/proxier.go``):

    - the ``ip6`` table (``getNFTablesInterface``: ``knftables.IPv6Family``);
    - ``ipX`` is ``ip6`` and ``ipvX_addr`` is ``ipv6_addr`` (``setupNFTables``; ``syncProxyRules`` writes ``ipX
      daddr``/``saddr`` in every rule and the affinity sets' type);
    - addresses moved (:data:`V6`), ``dnat to`` an ``[IP]:PORT`` (``epInfo.String()``), and each endpoint chain and
      affinity set renamed: ``servicePortEndpointChainNameBase`` replaces the IPv6 colons with dots before
      ``hashAndTruncate``.
    """

    def rename(m: re.Match) -> str:
        prefix, service, ip, port = m.groups()
        base = f"{service}__{V6[ip].replace(':', '.')}/{port}"
        return f"{prefix}-{_b32(base, 8)}-{base}"

    text = re.sub(r"(endpoint|affinity)-[A-Z2-7]{8}-([^\s_]+)__(\d+\.\d+\.\d+\.\d+)/(\d+)", rename, text)
    text = text.replace(" ip kube-proxy ", " ip6 kube-proxy ").replace("ipv4_addr", "ipv6_addr")
    text = re.sub(r"\bip (daddr|saddr)\b", r"ip6 \1", text)
    return _map_addresses(text)


def test_overall_nftables_rules_in_ipv6():
    services, slices = overall_objects_ipv6()
    expected = to_ipv6_nftables(
        (FIXTURES / "nftables" / "base_rules.nft").read_text()
        + (FIXTURES / "nftables" / "overall_services.nft").read_text()
    )
    assert "add table ip6 kube-proxy" in expected and "{ ip6 saddr }" in expected
    # NewFakeProxier(v1.IPv6Protocol): nodeIP testNodeIPv6, serviceCIDRs fd00:10:96::/112, pod CIDR fd00:10::/64,
    # nodePortAddresses 192.168.0.2/32 and 2001:db8::1/128 (the IPv6 proxier keeps the second)
    settings = ProxierSettings(
        hostname="test-node",
        node_ips=["2001:db8::1"],
        cluster_cidr="fd00:10::/64",
        masquerade_mark="0x4000",
        nodeport_addresses=["192.168.0.2/32", "2001:db8::1/128"],
        interface_addresses=INTERFACES,
        ip_family="IPv6",
    )
    got = render_nftables(services, slices, settings, service_cidrs=["172.30.0.0/16", "fd00:10:96::/112"])
    assert sort_nftables_transaction(got) == sort_nftables_transaction(expected)


def test_both_families_of_the_overall_objects_render_independently():
    # A dual-stack node's two proxiers: each renders exactly what it renders alone (the IPv4 one is upstream's
    # golden, untouched by the IPv6 objects next to it).
    v4_services, v4_slices = (
        [o for o in manifests.load(FIXTURES / "overall.yaml") if o.kind == k]
        for k in ("Service", "EndpointSlice")
    )
    v6_services, v6_slices = overall_objects_ipv6()
    for s in v6_services:  # the IPv6 Services keep their names: rename them so both families coexist
        s.metadata.name += "-v6"
    for es in v6_slices:
        es.metadata.labels["kubernetes.io/service-name"] += "-v6"
        es.metadata.name += "-v6"
    settings = fake_settings("IPv4").for_family("IPv4")
    both = render_families(
        "iptables", [*v4_services, *v6_services], [*v4_slices, *v6_slices], settings, ["IPv4", "IPv6"]
    )
    assert both["IPv4"] == render_iptables(v4_services, v4_slices, settings)
    assert both["IPv6"] == render_iptables(v6_services, v6_slices, settings.for_family("IPv6"))


# --- --cluster-cidr and the node IPs ---------------------------------------------------------------------------

# TestValidateDualStackCIDRStrings: (name, cidrStrings, the error's detail or None)
PAIR = "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]"
DUAL_STACK_CIDRS = [
    ("single ipv4 cidr", ["192.168.0.0/16"], None),
    ("single ipv6 cidr", ["fd00:10:96::/112"], None),
    ("dual stack cidr pair", ["172.16.200.0/24", "fde4:8dba:82e1::/48"], None),
    ("multiple ipv4 cidrs", ["10.100.0.0/16", "192.168.0.0/16", "fde4:8dba:82e1::/48"], PAIR),
    ("multiple ipv6 cidrs", ["fd00:10:96::/112", "fde4:8dba:82e1::/48"], PAIR),
    (
        "malformed ipv4 cidr",
        ["fde4:8dba:82e1::/48", "172.16.200.0:24"],
        "'172.16.200.0:24' must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)",
    ),
    (
        "malformed ipv6 cidr",
        ["fd00:10:96::", "192.168.0.0/16"],
        "'fd00:10:96::' must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)",
    ),
]


@pytest.mark.parametrize("name,cidrs,error", DUAL_STACK_CIDRS, ids=[c[0] for c in DUAL_STACK_CIDRS])
def test_cluster_cidr_is_one_cidr_or_a_dual_stack_pair(name, cidrs, error):
    value = ",".join(cidrs)
    if error is None:
        s = ProxierSettings(hostname="n", cluster_cidr=value)
        assert s.cluster_cidrs == cidrs
        return
    with pytest.raises(ConfigError) as err:
        ProxierSettings(hostname="n", cluster_cidr=value)
    assert str(err.value) == f"ProxierSettings(cluster_cidr={value!r}): {error}"


def test_each_proxier_takes_the_cluster_cidr_of_its_family():
    s = ProxierSettings(hostname="n", cluster_cidr="10.244.0.0/16,fd00:10:244::/56")
    assert s.for_family("IPv4").local_detector_cidr == "10.244.0.0/16"
    assert s.for_family("IPv6").local_detector_cidr == "fd00:10:244::/56"
    # getLocalDetectors: an IPv4-only --cluster-cidr leaves the IPv6 proxier with NewNoOpLocalDetector(), which
    # writes no "! -s" masquerade rule at all
    only_v4 = ProxierSettings(hostname="n", cluster_cidr="10.0.0.0/8", ip_family="IPv6")
    services, slices = node_ports_objects("IPv6")
    text = render_iptables(services, slices, only_v4)
    assert "-s 10.0.0.0/8" not in text and "! -s" not in text


def test_sloppy_cluster_cidr_is_written_as_kube_proxy_parses_it():
    # NewDetectLocalByCIDR(cidrs[0].String()) after ParseCIDRSloppy: the canonical network, never "010.0.0.0/08"
    services, slices = node_ports_objects("IPv4")
    text = render_iptables(
        services, slices, ProxierSettings(hostname="test-node", cluster_cidr="010.0.0.0/08")
    )
    assert "! -s 10.0.0.0/8 -j KUBE-MARK-MASQ" in text and "010.0.0.0" not in text


@pytest.mark.parametrize(
    "raw,expected",
    [
        ([], ("IPv4", {"IPv4": "127.0.0.1", "IPv6": "::1"})),
        (["192.168.0.2"], ("IPv4", {"IPv4": "192.168.0.2", "IPv6": "::1"})),
        (["fd00::2"], ("IPv6", {"IPv4": "127.0.0.1", "IPv6": "fd00::2"})),
        (["fd00::2", "192.168.0.2"], ("IPv6", {"IPv4": "192.168.0.2", "IPv6": "fd00::2"})),
    ],
)
def test_detect_node_ips(raw, expected):
    # detectNodeIPs: "otherwise the node IPs are 127.0.0.1 and ::1"; the first address decides the primary family
    assert detect_node_ips(raw) == expected


def test_node_families_follow_the_node_then_the_cluster_cidr_then_the_objects():
    services, slices = node_ports_objects("IPv6")
    assert node_families(["192.168.0.2"], None, [*services, *slices]) == ["IPv4"]
    assert node_families(["fd00::2", "192.168.0.2"]) == ["IPv6", "IPv4"]
    assert node_families([], "fd00:10::/64,10.0.0.0/8") == ["IPv6", "IPv4"]
    assert node_families([], None, [*services, *slices]) == ["IPv6"]
    assert node_families() == ["IPv4"]


# --- the meta proxier --------------------------------------------------------------------------------------------


def _dual_service(name="web", families=("IPv4", "IPv6")):
    ips = {"IPv4": "10.96.0.10", "IPv6": "fd00:10:96::a"}
    return Service.model_validate(
        {
            "metadata": {"name": name, "namespace": "ns"},
            "spec": {
                "clusterIP": ips[families[0]],
                "clusterIPs": [ips[f] for f in families],
                "ipFamilies": list(families),
                "ipFamilyPolicy": "RequireDualStack" if len(families) == 2 else "SingleStack",
                "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
            },
        }
    )


def _slice(name, family, ip, service="web"):
    return EndpointSlice.model_validate(
        {
            "metadata": {"name": name, "namespace": "ns", "labels": {"kubernetes.io/service-name": service}},
            "addressType": family,
            "endpoints": [{"addresses": [ip], "nodeName": "node-1"}],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        }
    )


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_meta_proxier_dispatches_slices_by_address_type_and_services_to_both(mode):
    settings = ProxierSettings(hostname="node-1", node_ips=["192.168.0.2", "fd00::2"])
    meta = new_dual_stack_proxier(mode, settings)
    assert isinstance(meta, MetaProxier)
    assert meta.ipv4_proxier.settings.ip_family == "IPv4" and meta.ipv6_proxier.settings.ip_family == "IPv6"
    svc = _dual_service()
    assert meta.on_service_add(svc)
    assert meta.ipv4_proxier.pending() == meta.ipv6_proxier.pending() == {("ns", "web")}
    assert meta.on_endpointslice_add(_slice("web-v6", "IPv6", "fd00:10:244::5"))
    fqdn = EndpointSlice.model_validate(
        {"metadata": {"name": "x", "namespace": "ns"}, "addressType": "FQDN", "endpoints": []}
    )
    assert not meta.on_endpointslice_add(fqdn)
    results = meta.sync()
    assert list(results) == ["IPv4", "IPv6"] and all(r.success for r in results.values())
    # each proxier's kernel state is what one full render of its family writes
    rendered = render_families(
        mode, [svc], [_slice("web-v6", "IPv6", "fd00:10:244::5")], settings, ["IPv4", "IPv6"]
    )
    if mode == "iptables":
        assert results["IPv4"].payload == rendered["IPv4"] and results["IPv6"].payload == rendered["IPv6"]
        assert (
            "fd00:10:244::5" not in rendered["IPv4"]
            and "-j DNAT --to-destination [fd00:10:244::5]:8080" in rendered["IPv6"]
        )
    elif mode == "nftables":
        assert meta.ipv4_proxier.dump() == rendered["IPv4"] and meta.ipv6_proxier.dump() == rendered["IPv6"]
        assert sorted(meta.ipv4_proxier.nftables.tables) == ["ip kube-proxy", "ip6 kube-proxy"]
    else:
        assert meta.ipv4_proxier.state == rendered["IPv4"] and meta.ipv6_proxier.state == rendered["IPv6"]
        assert [vs.address for vs in rendered["IPv6"].virtual_servers] == ["fd00:10:96::a"]
    # a later IPv4 slice reaches only the IPv4 proxier
    assert meta.on_endpointslice_add(_slice("web-v4", "IPv4", "10.244.0.5"))
    assert meta.ipv4_proxier.pending() == {("ns", "web")} and meta.ipv6_proxier.pending() == set()


def test_service_moving_between_families_leaves_the_other_proxier():
    # SingleStack IPv4 -> RequireDualStack -> SingleStack IPv6 (the primary family cannot change on a real API
    # server; the proxiers only look at ClusterIPs by family, GetClusterIPByFamily)
    meta = new_dual_stack_proxier(
        "iptables", ProxierSettings(hostname="node-1", node_ips=["192.168.0.2", "fd00::2"])
    )
    v4, dual, v6 = _dual_service(families=("IPv4",)), _dual_service(), _dual_service(families=("IPv6",))
    meta.on_service_add(v4)
    meta.sync()
    assert meta.on_service_update(v4, dual)
    assert meta.ipv4_proxier.pending() == set() and meta.ipv6_proxier.pending() == {("ns", "web")}
    meta.sync()
    assert meta.on_service_update(dual, v6)
    assert meta.ipv4_proxier.pending() == {("ns", "web")}
    r = meta.sync()
    assert "10.96.0.10" not in r["IPv4"].payload and "fd00:10:96::a" in r["IPv6"].payload


def test_service_rules_by_family_for_the_book():
    svc = _dual_service()
    slices = [_slice("web-v4", "IPv4", "10.244.0.5"), _slice("web-v6", "IPv6", "fd00:10:244::5")]
    settings = ProxierSettings(hostname="node-1", node_ips=["192.168.0.2", "fd00::2"])
    for mode, v4_marker, v6_marker in (
        ("iptables", "-d 10.96.0.10 ", "-d fd00:10:96::a "),
        ("nftables", "10.96.0.10 . tcp . 80", "fd00:10:96::a . tcp . 80"),
        ("ipvs", "TCP  10.96.0.10:80", "TCP  [fd00:10:96::a]:80"),
    ):
        rules = service_rules_by_family(svc, [svc], slices, settings, mode)
        assert list(rules) == ["IPv4", "IPv6"], mode
        assert v4_marker in rules["IPv4"] and v6_marker not in rules["IPv4"], mode
        assert v6_marker in rules["IPv6"] and v4_marker not in rules["IPv6"], mode


# --- the command line --------------------------------------------------------------------------------------------


def _write(tmp_path, objs) -> str:
    # one JSON document per object (JSON is YAML)
    path = tmp_path / "objs.yaml"
    path.write_text("\n---\n".join(json.dumps(o.to_dict()) for o in objs) + "\n")
    return str(path)


def test_cli_renders_an_ipv6_node_with_the_ipv6_rules(tmp_path, capsys):
    services, slices = node_ports_objects("IPv6")
    path = _write(tmp_path, [*services, *slices])
    args = [
        "-f",
        path,
        "--hostname-override",
        "test-node",
        "--node-ip",
        "2001:db8::1",
        "--cluster-cidr",
        "fd00:10::/64",
    ]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    settings = ProxierSettings(
        hostname="test-node", node_ips=["2001:db8::1"], cluster_cidr="fd00:10::/64", ip_family="IPv6"
    )
    assert out == render_iptables(services, slices, settings)
    assert cli.main([*args, "--proxy-mode", "nftables"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('add table ip6 kube-proxy { comment "rules for kube-proxy" ; }\n')
    assert "add element ip6 kube-proxy nodeport-ips { 2001:db8::1 }" in out


def test_cli_renders_both_families_of_a_dual_stack_node(tmp_path, capsys):
    svc = _dual_service()
    slices = [_slice("web-v4", "IPv4", "10.244.0.5"), _slice("web-v6", "IPv6", "fd00:10:244::5")]
    path = _write(tmp_path, [svc, *slices])
    base = ["-f", path, "--hostname-override", "node-1", "--node-ip", "192.168.0.2", "--node-ip", "fd00::2"]
    base += ["--cluster-cidr", "10.244.0.0/16,fd00:10:244::/56"]
    settings = ProxierSettings(
        hostname="node-1", node_ips=["192.168.0.2", "fd00::2"], cluster_cidr="10.244.0.0/16,fd00:10:244::/56"
    )
    rendered = {m: render_families(m, [svc], slices, settings) for m in ("iptables", "nftables", "ipvs")}
    assert cli.main(base) == 0
    out, err = capsys.readouterr()
    assert err == ""  # a dual-stack Service is one a (dual-stack) API server stores: no warning
    assert out == (
        "# iptables-restore input of the IPv4 proxier\n"
        + rendered["iptables"]["IPv4"]
        + "# ip6tables-restore input of the IPv6 proxier\n"
        + rendered["iptables"]["IPv6"]
    )
    assert "! -s 10.244.0.0/16" in rendered["iptables"]["IPv4"]
    assert "! -s fd00:10:244::/56" in rendered["iptables"]["IPv6"]
    assert cli.main([*base, "--proxy-mode", "nftables"]) == 0
    assert capsys.readouterr().out == rendered["nftables"]["IPv4"] + rendered["nftables"]["IPv6"]
    assert cli.main([*base, "--proxy-mode", "ipvs"]) == 0
    out = capsys.readouterr().out
    assert out == proxy_mode("ipvs").dump_families(rendered["ipvs"])
    assert "TCP  10.96.0.10:80 rr" in out and "TCP  [fd00:10:96::a]:80 rr" in out
    assert "Name: KUBE-6-CLUSTER-IP" in out and "\n# ip6tables-save\n" in out
    assert "inet6 fd00:10:96::a/128 scope global" in out


def test_cli_refuses_two_cluster_cidrs_of_one_family(tmp_path, capsys):
    path = _write(tmp_path, [_dual_service()])
    with pytest.raises(SystemExit):
        cli.main(["-f", path, "--hostname-override", "n", "--cluster-cidr", "10.0.0.0/8,10.1.0.0/16"])
    assert "must be a either a single CIDR or dual-stack pair of CIDRs" in capsys.readouterr().err


def test_cli_takes_the_service_cidrs_from_servicecidr_objects(tmp_path, capsys):
    from k8snet.api.networking_v1 import ServiceCIDR

    cidr = ServiceCIDR.model_validate(
        {"metadata": {"name": "kubernetes"}, "spec": {"cidrs": ["10.96.0.0/16", "fd00:10:96::/112"]}}
    )
    path = _write(tmp_path, [_dual_service(), cidr])
    args = ["-f", path, "--hostname-override", "n", "--node-ip", "192.168.0.2", "--node-ip", "fd00::2"]
    assert cli.main([*args, "--proxy-mode", "nftables"]) == 0
    out = capsys.readouterr().out
    assert 'ip daddr { 10.96.0.0/16 } drop comment "Drop traffic to unallocated ClusterIPs"' in out
    assert 'ip6 daddr { fd00:10:96::/112 } drop comment "Drop traffic to unallocated ClusterIPs"' in out
