"""The executors' lookup indexes: same answers as testing every element, and a cost that does not grow with the
number of Services. Nothing here is timed (speed is measured in ``benchmarks/proxy_scaling.py``); the cost is
counted as calls to the per-element matchers (:meth:`NftHost._literal_matches`,
:func:`k8snet.rules.ipvs.ipset_entry_matches`), which a scan calls once per element.

The nft matching rules checked here are the executor's own (``_literal_matches``: address, CIDR, range, number,
protocol name); the kernel's are ``nft_lookup``/``nft_hash``/``nft_rbtree`` in linux ``net/netfilter/``.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import k8snet.dataplane.ipvs as ipvs_dataplane
from k8snet.dataplane.ipvs import IPSetIndex
from k8snet.dataplane.nft import NftHost
from k8snet.dataplane.packet import Packet
from k8snet.rules.ipvs import IPSet, ipset_entry_matches
from k8snet.rules.nftables import Element, NamedSet, Table
from k8snet.sim.scaling import POD_IP, SERVICE_BASE, scaling_world

# --- nft: indexed set/map lookup == first matching element -------------------------------------------------------

_IP_LITERALS = [
    "10.0.0.1",
    "10.0.0.2",
    "10.0.0.0/8",
    "10.0.0.0/31",
    "10.0.0.1-10.0.0.3",
    "0.0.0.0/0",
    "fd00::1",
    "fd00::/64",
    "::/0",
    "not-an-ip",
    "10.0.0.0/33",
    " 10.0.0.2 ",
]
_PORT_LITERALS = ["80", "0x50", "443", "80-90", "080", "x", "6"]
_PROTO_LITERALS = ["tcp", "udp", "6", "17", '"tcp"', "TCP", "sctp", "132"]
_NAME_LITERALS = ["eth0", '"eth0"', "lo", "veth0"]

_IP_VALUES = [
    ipaddress.ip_address(a)
    for a in ("10.0.0.1", "10.0.0.2", "10.0.0.4", "192.168.0.1", "fd00::1", "fd00:1::1")
]
_PORT_VALUES = [80, 85, 443, 8080]
_PROTO_VALUES = ["tcp", "udp", "sctp"]
_NAME_VALUES = ["eth0", "lo", "veth0"]

_KINDS = {
    "ip": (_IP_LITERALS, _IP_VALUES),
    "port": (_PORT_LITERALS, _PORT_VALUES),
    "proto": (_PROTO_LITERALS, _PROTO_VALUES),
    "name": (_NAME_LITERALS, _NAME_VALUES),
}


@st.composite
def _set_and_packets(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(_KINDS)), min_size=1, max_size=3))
    keys = st.tuples(*(st.sampled_from(_KINDS[k][0]) for k in kinds))
    elements = [Element(key, ("goto", f"c{i}")) for i, key in enumerate(draw(st.lists(keys, max_size=12)))]
    values = draw(
        st.lists(st.tuples(*(st.sampled_from(_KINDS[k][1]) for k in kinds)), min_size=1, max_size=6)
    )
    return elements, values


def _host() -> NftHost:
    return NftHost(Table("ip", "t"), local_ips=["192.168.0.2"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_set_and_packets())
def test_nft_index_finds_the_first_matching_element(case):
    elements, values = case
    host = _host()
    s = NamedSet("m", "whatever", is_map=True, elements=elements)
    for v in values:
        expected = next((e for e in elements if host._key_matches(v, e.key)), None)
        assert host._set_contains(None, None, s, v) is expected


def test_nft_index_follows_changes_to_the_set():
    host = _host()
    s = NamedSet("m", "ipv4_addr : verdict", is_map=True)
    a = ipaddress.ip_address("10.0.0.1")
    assert host._set_contains(None, None, s, (a,)) is None
    s.add(Element(("10.0.0.1",), ("goto", "x")))
    assert host._set_contains(None, None, s, (a,)).value == ("goto", "x")
    s.add(Element(("10.0.0.1",), ("goto", "y")))  # replaces the map element in place
    assert host._set_contains(None, None, s, (a,)).value == ("goto", "y")
    s.delete(("10.0.0.1",))
    assert host._set_contains(None, None, s, (a,)) is None
    s.add(Element(("10.0.0.0/8",), ("goto", "z")))
    s.elements.clear()
    assert host._set_contains(None, None, s, (a,)) is None


def _count_nft_literal_matches(monkeypatch, services: int) -> tuple[int, int]:
    world = scaling_world("nftables", services)
    host = world.new_host("bench-node")
    calls = [0]
    original = NftHost._literal_matches

    def counting(actual, literal):
        calls[0] += 1
        return original(actual, literal)

    monkeypatch.setattr(NftHost, "_literal_matches", staticmethod(counting))
    result = host.send(Packet(POD_IP, str(SERVICE_BASE + services), dst_port=80, in_interface="veth0"))
    assert result.dnat
    return calls[0], result.rules_evaluated


def test_nft_lookup_cost_does_not_grow_with_services(monkeypatch):
    # A scan tests every element of service-ips / no-endpoint-services / cluster-ips: ~3 calls per Service.
    small = _count_nft_literal_matches(monkeypatch, 10)
    large = _count_nft_literal_matches(monkeypatch, 100)
    assert small == large
    assert large[0] < 50


# --- the nft writer: NamedSet.add keeps one key index ------------------------------------------------------------


def test_named_set_add_uses_one_index():
    s = NamedSet("cluster-ips", "ipv4_addr")
    s.add(Element(("10.0.0.0",)))
    index = s._positions()
    for i in range(1, 500):
        s.add(Element((f"10.0.{i // 256}.{i % 256}",)))
    s.add(Element(("10.0.0.7",), comment="again"))  # an existing key: replaced in place
    assert s._positions() is index  # never rebuilt, i.e. no add scanned the elements
    assert len(s.elements) == 500 and s.elements[7].comment == "again"
    assert index == {e.key: i for i, e in enumerate(s.elements)}


# --- IPVS: ipset membership -------------------------------------------------------------------------------------

_SET_TYPES = {
    "hash:ip,port": [
        "10.96.0.1,tcp:80",
        "10.96.0.1,udp:53",
        "10.96.0.2,tcp:443",
        "fd00::1,tcp:80",
        "bad,tcp:80",
        "10.96.0.1",
        "10.96.0.1,tcp:x",
    ],
    "hash:ip,port,ip": [
        "10.244.1.2,tcp:8080,10.244.1.2",
        "10.244.1.3,tcp:8080,10.244.1.3",
        "10.244.1.2,tcp:8080,10.244.1.9",
    ],
    "hash:ip,port,net": ["1.2.3.4,tcp:80,10.0.0.0/8", "1.2.3.4,tcp:80,203.0.113.0/25", "1.2.3.4,tcp:80,bad"],
    "bitmap:port": ["30080", "30443", "x"],
    "hash:ip": ["10.96.0.1", "10.96.0.0"],
    "hash:ip,mark": ["10.96.0.1,0x1"],
}
_VALUES = [
    ("10.96.0.1", 80),
    ("10.96.0.2", 443),
    ("fd00::1", 80),
    ("10.244.1.2", 8080),
    ("10.244.1.3", 8080),
    ("10.244.1.9", 5000),
    ("1.2.3.4", 80),
    ("10.1.2.3", 5555),
    ("203.0.113.200", 1),
    ("192.168.0.2", 30080),
    ("10.96.0.1", None),
    ("not-an-ip", 80),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_SET_TYPES)), st.data())
def test_ipset_index_agrees_with_entry_matching(set_type, data):
    entries = set(data.draw(st.lists(st.sampled_from(_SET_TYPES[set_type]), max_size=5)))
    values = data.draw(st.lists(st.sampled_from(_VALUES), min_size=0, max_size=3))
    proto = data.draw(st.sampled_from(["tcp", "udp"]))
    index = IPSetIndex(IPSet("S", set_type, entries=entries))
    expected = any(ipset_entry_matches(set_type, e, values, proto) for e in entries)
    assert index.contains(set_type, values, proto) is expected


def _count_ipset_matches(monkeypatch, services: int) -> tuple[int, int]:
    world = scaling_world("ipvs", services)
    host = world.new_host("bench-node")
    calls = [0]

    def counting(*args):
        calls[0] += 1
        return ipset_entry_matches(*args)

    monkeypatch.setattr(ipvs_dataplane, "ipset_entry_matches", counting)
    result = host.send(Packet(POD_IP, str(SERVICE_BASE + services), dst_port=80, in_interface="veth0"))
    assert result.virtual_server == f"{SERVICE_BASE + services}:80/TCP"
    return calls[0], result.rules_evaluated


def test_ipvs_lookup_cost_does_not_grow_with_services(monkeypatch):
    # KUBE-CLUSTER-IP (hash:ip,port) has one entry per Service: a scan tested each of them.
    assert _count_ipset_matches(monkeypatch, 10) == _count_ipset_matches(monkeypatch, 100)


@pytest.mark.parametrize("mode", ["nftables", "ipvs"])
def test_rules_evaluated_unchanged_by_indexing(mode):
    # The count models what the kernel tests: one rule per lookup, whatever the table size (KEP-3866).
    counts = {
        n: max(
            r.rules_evaluated
            for r in scaling_world(mode, n)
            .host("bench-node")
            .enumerate(Packet(POD_IP, str(SERVICE_BASE + n), dst_port=80, in_interface="veth0"), record=False)
        )
        for n in (5, 50)
    }
    assert counts[5] == counts[50] == {"nftables": 15, "ipvs": 14}[mode]


def test_iptables_ipset_miss_tests_only_cidr_entries():
    # NetfilterHost's own -m set (entry strings): exact entries are one set lookup; on a miss only the entries
    # whose first part is a CIDR are tested as prefixes (kept in a per-set list rather than found by a scan).
    from types import SimpleNamespace

    from k8snet.dataplane.netfilter import NetfilterHost

    entries = {f"10.96.{i // 256}.{i % 256},tcp:80" for i in range(200)} | {"10.244.0.0/16,tcp:80"}
    host = NetfilterHost("*filter\nCOMMIT\n", ipsets={"S": entries})
    ms = SimpleNamespace(name="S", flags=["dst", "dst"])

    def member(ip: str, port: int) -> bool:
        return host._in_ipset(
            ms, SimpleNamespace(src_ip="10.0.0.2", sport=1000, dst_ip=ip, dport=port, proto="tcp")
        )

    assert member("10.96.0.7", 80) and member("10.244.3.4", 80)
    assert not member("10.96.0.7", 81) and not member("172.30.0.1", 80)
    assert host._ipset_cidrs["S"][2] == ["10.244.0.0/16,tcp:80"]
    host.ipsets["S"].add("172.30.0.0/24,tcp:80")  # the set changed: the list follows
    assert member("172.30.0.1", 80)
