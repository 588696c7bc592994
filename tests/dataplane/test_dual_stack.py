"""The dataplane with IPv6 packets and with both families' rules on one node.

- nft(8), "ADDRESS FAMILIES": a table of family ``ip`` sees only IPv4 packets, ``ip6`` only IPv6 ones, ``inet``
  both; a dual-stack kube-proxy in nftables mode keeps ``ip kube-proxy`` and ``ip6 kube-proxy`` in one ruleset
  (``NewDualStackProxier`` in ``pkg/proxy/nftables/proxier.go``), so an :class:`NftHost` holding both runs each
  packet through its family's table only;
- conntrack for IPv6: NAT once per connection, replies de-NATed from the entry, as for IPv4;
- :class:`Packet`: both addresses of one family, IPv6 in its canonical spelling (``inet_ntop``/Go's
  ``net.IP.String()``: what kube-proxy writes in its rules and what conntrack compares).
"""

from __future__ import annotations

import pytest

from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.dataplane import ManualClock, NetfilterHost, NftHost, Packet
from k8snet.errors import ConfigError
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.metaproxier import render_families
from k8snet.rules.iptables import parse_iptables
from k8snet.rules.nftables import parse_nftables

NODE_IPS = ["192.168.0.2", "2001:db8::1"]


def _objects():
    svc = Service.model_validate(
        {
            "metadata": {"name": "svc1", "namespace": "ns1"},
            "spec": {
                "clusterIP": "172.30.0.41",
                "clusterIPs": ["172.30.0.41", "fd00:172:30::41"],
                "ipFamilies": ["IPv4", "IPv6"],
                "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}],
            },
        }
    )
    slices = [
        EndpointSlice.model_validate(
            {
                "metadata": {
                    "name": f"svc1-{f}",
                    "namespace": "ns1",
                    "labels": {"kubernetes.io/service-name": "svc1"},
                },
                "addressType": f,
                "endpoints": [{"addresses": [ip]}],
                "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}],
            }
        )
        for f, ip in (("IPv4", "10.180.0.1"), ("IPv6", "fd00:10:180::1"))
    ]
    return [svc], slices


SETTINGS = ProxierSettings(hostname="test-node", node_ips=NODE_IPS, cluster_cidr="10.0.0.0/8,fd00:10::/64")


def _dual_nft_host(**kw) -> NftHost:
    rules = render_families("nftables", *_objects(), SETTINGS, ["IPv4", "IPv6"])
    return NftHost(rules["IPv4"] + rules["IPv6"], NODE_IPS, **kw)


@pytest.mark.parametrize(
    "src,dst,endpoint,table",
    [
        ("10.0.0.2", "172.30.0.41", "10.180.0.1:80", "ip kube-proxy"),
        ("fd00:10::2", "fd00:172:30::41", "[fd00:10:180::1]:80", "ip6 kube-proxy"),
    ],
)
def test_each_packet_runs_through_its_familys_table_only(src, dst, endpoint, table):
    host = _dual_nft_host()
    assert sorted(host.tables) == ["ip kube-proxy", "ip6 kube-proxy"]
    [r] = host.enumerate(Packet(src, dst, dst_port=80, in_interface="veth0"))
    assert r.verdict == "ACCEPT" and r.destination == endpoint
    assert {s.table for s in r.steps} == {table}


def test_the_other_familys_address_is_not_a_service_of_this_family():
    # An IPv6 packet to an address that only the ip table knows is untouched by it (and the IPv6 table
    # does not know it either): it is routed on unchanged.
    host = _dual_nft_host()
    [r] = host.enumerate(Packet("fd00:10::2", "fd00:172:30::99", dst_port=80, in_interface="veth0"))
    assert r.verdict == "ACCEPT" and not r.dnat and r.destination == "[fd00:172:30::99]:80"


def test_an_inet_table_sees_both_families():
    host = NftHost(
        """
add table inet t
add chain inet t c { type filter hook prerouting priority 0 ; }
add rule inet t c tcp dport 80 drop
""",
        NODE_IPS,
    )
    for src, dst in (("10.0.0.2", "10.0.0.3"), ("fd00::2", "fd00::3")):
        [r] = host.enumerate(Packet(src, dst, dst_port=80, in_interface="eth0"))
        assert r.verdict == "DROP" and {s.table for s in r.steps} == {"inet t"}


def test_ipv6_connection_is_natted_once_and_the_reply_is_de_natted():
    clock = ManualClock()
    host = _dual_nft_host(clock=clock, seed=1)
    first = host.send(
        Packet("2600:5200::1", "fd00:172:30::41", src_port=5555, dst_port=80, in_interface="eth0")
    )
    assert first.dnat and first.destination == "[fd00:10:180::1]:80"
    # off-cluster source (not in fd00:10::/64): masqueraded to the node's IPv6 address
    assert first.masquerade and first.src_ip == "2001:db8::1"
    reply = host.send(
        Packet("fd00:10:180::1", "2001:db8::1", src_port=80, dst_port=5555, in_interface="eth0")
    )
    assert (reply.direction, reply.ctstate) == ("reply", "ESTABLISHED")
    assert (reply.src_ip, reply.src_port, reply.dst_ip, reply.dst_port) == (
        "fd00:172:30::41",
        80,
        "2600:5200::1",
        5555,
    )
    # the conntrack entry is keyed by the canonical spelling: a differently written address finds it
    again = host.send(
        Packet("2600:5200:0::0001", "FD00:172:30::41", src_port=5555, dst_port=80, in_interface="eth0")
    )
    assert (
        again.ctstate == "ESTABLISHED" and not again.masquerade and again.destination == "[fd00:10:180::1]:80"
    )
    assert len(host.conntrack) == 1
    clock.advance(86401)
    assert len(host.conntrack) == 0


def test_ip6tables_rules_nat_an_ipv6_connection_once():
    rules = render_families("iptables", *_objects(), SETTINGS, ["IPv6"])
    from k8snet.proxy.iptables import base_jump_rules

    host = NetfilterHost(parse_iptables(base_jump_rules(rules["IPv6"])), NODE_IPS, seed=3)
    first = host.send(
        Packet("fd00:10::2", "fd00:172:30::41", src_port=40000, dst_port=80, in_interface="veth0")
    )
    assert first.destination == "[fd00:10:180::1]:80" and not first.masquerade
    reply = host.send(
        Packet("fd00:10:180::1", "fd00:10::2", src_port=80, dst_port=40000, in_interface="veth1")
    )
    assert (reply.src_ip, reply.src_port) == ("fd00:172:30::41", 80)
    assert str(host.conntrack.entries()[0]) == (
        "tcp src=fd00:10::2 dst=fd00:172:30::41 sport=40000 dport=80 "
        "src=fd00:10:180::1 dst=fd00:10::2 sport=80 dport=40000"
    )


def test_packets_are_of_one_family_and_ipv6_is_canonical():
    p = Packet("FD00:10:0::0002", "fd00:172:30:0:0:0:0:41", dst_port=80)
    assert (p.src_ip, p.dst_ip) == ("fd00:10::2", "fd00:172:30::41")
    assert Packet("10.0.0.2", "10.0.0.3").src_ip == "10.0.0.2"
    with pytest.raises(ConfigError, match="the addresses are of different IP families"):
        Packet("10.0.0.2", "fd00::1")


def test_parsed_tables_keep_their_family():
    rules = render_families("nftables", *_objects(), SETTINGS, ["IPv4", "IPv6"])
    tables = parse_nftables(rules["IPv4"] + rules["IPv6"])
    assert {k: t.family for k, t in tables.items()} == {"ip kube-proxy": "ip", "ip6 kube-proxy": "ip6"}


@pytest.mark.parametrize(
    "mode,entry",
    [
        ("iptables", "cluster IP [fd00:172:30::41]:80/tcp -> KUBE-SVC-XPGD46QRK7WJZT7O"),
        ("nftables", "cluster IP [fd00:172:30::41]:80/tcp -> service-ULMVA6XW-ns1/svc1/tcp/p80"),
    ],
)
def test_explain_reads_the_ipv6_rules(mode, entry):
    # ip6tables-save / nft list table ip6 kube-proxy: addresses with colons, written [IP]:PORT as kube-proxy does
    from k8snet.dataplane.explain import explain

    rules = render_families(mode, *_objects(), SETTINGS, ["IPv6"])["IPv6"]
    text = explain(rules).text()
    assert entry in text and "[fd00:10:180::1]:80  100.0%" in text, text


def test_explain_a_dual_stack_nft_ruleset_reports_each_table():
    # `nft list ruleset` on a dual-stack node holds both kube-proxy tables, with the same chain names
    from k8snet.dataplane.explain import explain

    rules = render_families("nftables", *_objects(), SETTINGS, ["IPv4", "IPv6"])
    result = explain(rules["IPv4"] + rules["IPv6"])
    by_name = {r.name: r for r in result.services}
    assert sorted(by_name) == ["ns1/svc1:p80 (ip kube-proxy)", "ns1/svc1:p80 (ip6 kube-proxy)"]
    v4, v6 = by_name["ns1/svc1:p80 (ip kube-proxy)"], by_name["ns1/svc1:p80 (ip6 kube-proxy)"]
    assert [e.endpoint for e in v4.endpoints] == ["10.180.0.1:80"] and v4.table == "ip kube-proxy"
    assert [e.endpoint for e in v6.endpoints] == ["[fd00:10:180::1]:80"] and v6.to_dict()[
        "table"
    ] == "ip6 kube-proxy"
    text = result.text()
    v6_block = text.split("ns1/svc1:p80 (ip6 kube-proxy)\n", 1)[1].split("\n\n", 1)[0]
    assert "[fd00:10:180::1]:80  100.0%" in v6_block and "10.180.0.1" not in v6_block
    # one table alone: reports keep their plain names (and no "table" in --json)
    alone = explain(rules["IPv6"]).services
    assert [r.name for r in alone] == ["ns1/svc1:p80"] and "table" not in alone[0].to_dict()


def test_explain_names_the_ipv6_ipvs_sets():
    from k8snet.dataplane.explain import explain
    from k8snet.proxy.modes import proxy_mode

    rules = render_families("ipvs", *_objects(), SETTINGS, ["IPv4", "IPv6"])
    text = explain(proxy_mode("ipvs").dump_families(rules)).text()
    assert (
        "TCP [fd00:172:30::41]:80\n  virtual server (rr): cluster IP\n    [fd00:10:180::1]:80  100.0%" in text
    )
    assert "TCP 172.30.0.41:80\n  virtual server (rr): cluster IP\n    10.180.0.1:80  100.0%" in text
