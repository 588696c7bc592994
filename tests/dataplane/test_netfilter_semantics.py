"""Target and match semantics of the executor, on small hand-written rule sets.

Semantics from the iptables man pages (iptables(8): "-g/--goto: ... unlike the --jump option return
will not continue processing in this chain but instead in the chain that called us via --jump";
built-in chain policies; iptables-extensions(8): MARK --set-xmark/--or-mark/--xor-mark, SNAT,
REJECT, -m set --match-set flags, -m statistic --mode nth) and on kube-proxy's IPVS-mode rules
(kubernetes/kubernetes pkg/proxy/ipvs/proxier.go: "-m set --match-set KUBE-CLUSTER-IP dst,dst").
"""

from __future__ import annotations

import pytest

from k8snet.dataplane import NetfilterHost, Packet
from k8snet.dataplane.netfilter import DataplaneError
from k8snet.rules.iptables import parse_iptables

NODE = ["192.168.0.2"]


def host(text: str, **kw) -> NetfilterHost:
    return NetfilterHost(parse_iptables(text), NODE, **kw)


def test_goto_returns_to_the_jumping_chain():
    h = host("""*filter
:A - [0:0]
:B - [0:0]
-A FORWARD -j A
-A FORWARD -j DROP
-A A -g B
-A A -j ACCEPT
-A B -j RETURN
COMMIT
""")
    r = h.send(Packet("10.0.0.2", "10.0.0.3"))
    # B RETURNs to FORWARD (the chain that jumped to A), skipping A's ACCEPT.
    assert r.verdict == "DROP"
    assert [(s.chain, s.effect) for s in r.steps if s.table == "filter"] == [
        ("FORWARD", "jump to A"),
        ("A", "goto B"),
        ("B", "RETURN"),
        ("FORWARD", "DROP"),
    ]


def test_builtin_policy_and_reject():
    h = host("""*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -d 10.9.9.9/32 -p udp -j REJECT --reject-with icmp-port-unreachable
COMMIT
""")
    r = h.send(Packet("10.0.0.2", "10.0.0.3"))
    assert (r.verdict, r.verdict_rule, r.steps[-1].effect) == ("DROP", None, "policy DROP")
    r = h.send(Packet("192.168.0.2", "10.9.9.9", protocol="UDP", dst_port=53))
    assert (r.path, r.verdict, r.output) == ("output", "REJECT", "REJECT")
    assert h.send(Packet("192.168.0.2", "10.9.9.9", protocol="TCP", dst_port=53)).verdict == "ACCEPT"


def test_marks_and_snat():
    h = host("""*mangle
-A PREROUTING -i eth1 -j MARK --set-xmark 0x10/0xff
COMMIT
*nat
-A POSTROUTING -m mark --mark 0x10/0xff -o eth0 -j SNAT --to-source 192.168.0.100
COMMIT
""")
    r = h.send(Packet("10.0.0.2", "8.8.8.8", in_interface="eth1", src_port=1234))
    assert (r.mark, r.src_ip, r.src_port, r.snat_source, r.masquerade) == (
        0x10,
        "192.168.0.100",
        1234,
        "192.168.0.100",
        False,
    )
    r = h.send(Packet("10.0.0.2", "8.8.8.8", in_interface="eth2"))
    assert (r.mark, r.snat_source) == (0, None)


def test_ipset_match_set():
    h = host(
        """*nat
:KUBE-SERVICES - [0:0]
:KUBE-MARK-MASQ - [0:0]
-A PREROUTING -j KUBE-SERVICES
-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
COMMIT
""",
        ipsets={"KUBE-CLUSTER-IP": {"172.30.0.41,tcp:80"}},
    )
    assert h.send(Packet("203.0.113.2", "172.30.0.41", dst_port=80)).mark == 0x4000
    assert h.send(Packet("203.0.113.2", "172.30.0.41", dst_port=81)).mark == 0
    assert h.send(Packet("10.0.0.2", "172.30.0.41", dst_port=80)).mark == 0


def test_statistic_nth():
    h = host("""*nat
-A PREROUTING -m statistic --mode nth --every 3 --packet 0 -j DNAT --to-destination 10.0.0.1:80
-A PREROUTING -j DNAT --to-destination 10.0.0.2:80
COMMIT
""")
    dests = [h.send(Packet("10.9.0.1", "172.30.0.1", src_port=p)).dst_ip for p in range(1000, 1006)]
    assert dests == ["10.0.0.1", "10.0.0.2", "10.0.0.2"] * 2


def test_missing_chain_is_an_error():
    with pytest.raises(DataplaneError, match="KUBE-MARK-DROP"):
        host("*nat\n:KUBE-SVL-X - [0:0]\n-A KUBE-SVL-X -j KUBE-MARK-DROP\nCOMMIT\n")
