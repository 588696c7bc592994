"""``iptables-restore`` semantics of :class:`k8snet.dataplane.netfilter.IPTables`.

What ``iptables-restore --noflush`` does with kube-proxy's partial payloads (``man iptables-restore``;
kubernetes/kubernetes ``pkg/util/iptables/iptables.go`` ``RestoreAll(..., NoFlushTables, ...)``): chains declared
in the payload are flushed, every other chain is kept; ``-X`` deletes a chain, which must be empty and
unreferenced; each table is committed at its ``COMMIT`` or not at all.
"""

from __future__ import annotations

import pytest

from k8snet.dataplane.netfilter import IPTables, IptablesRestoreError, NetfilterHost
from k8snet.dataplane.packet import Packet

BASE = """*nat
:KUBE-SERVICES - [0:0]
:KUBE-SVC-A - [0:0]
:KUBE-SVC-B - [0:0]
:KUBE-SEP-A - [0:0]
:KUBE-SEP-B - [0:0]
-A KUBE-SERVICES -d 172.30.0.1/32 -p tcp --dport 80 -j KUBE-SVC-A
-A KUBE-SERVICES -d 172.30.0.2/32 -p tcp --dport 80 -j KUBE-SVC-B
-A KUBE-SVC-A -j KUBE-SEP-A
-A KUBE-SVC-B -j KUBE-SEP-B
-A KUBE-SEP-A -p tcp -j DNAT --to-destination 10.0.0.1:80
-A KUBE-SEP-B -p tcp -j DNAT --to-destination 10.0.0.2:80
COMMIT
"""


def base() -> IPTables:
    ipt = IPTables()
    ipt.restore_all(BASE)
    return ipt


def test_noflush_flushes_declared_chains_and_keeps_the_others():
    ipt = base()
    ipt.restore_all("*nat\n:KUBE-SVC-A - [0:0]\n-A KUBE-SVC-A -j KUBE-SEP-B\nCOMMIT\n", noflush=True)
    assert ipt.rules("nat", "KUBE-SVC-A") == ["-A KUBE-SVC-A -j KUBE-SEP-B"]
    assert ipt.rules("nat", "KUBE-SVC-B") == ["-A KUBE-SVC-B -j KUBE-SEP-B"]  # not declared: kept
    assert len(ipt.rules("nat", "KUBE-SERVICES")) == 2


def test_declared_chain_without_rules_is_left_empty():
    ipt = base()
    ipt.restore_all("*nat\n:KUBE-SEP-A - [0:0]\nCOMMIT\n")
    assert ipt.rules("nat", "KUBE-SEP-A") == []


def test_appending_to_an_undeclared_chain_adds_to_its_rules():
    ipt = base()
    ipt.restore_all("*nat\n-A KUBE-SEP-A -j MARK --or-mark 0x4000\nCOMMIT\n")
    assert ipt.rules("nat", "KUBE-SEP-A")[-1] == "-A KUBE-SEP-A -j MARK --or-mark 0x4000"
    assert len(ipt.rules("nat", "KUBE-SEP-A")) == 2


def test_delete_chain():
    ipt = base()
    # stop using B, then delete its chains (flushed by their declarations first, as kube-proxy writes them)
    ipt.restore_all(
        "*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-B - [0:0]\n:KUBE-SEP-B - [0:0]\n"
        "-A KUBE-SERVICES -d 172.30.0.1/32 -p tcp --dport 80 -j KUBE-SVC-A\n-X KUBE-SVC-B\n-X KUBE-SEP-B\nCOMMIT\n"
    )
    assert "KUBE-SVC-B" not in ipt.chain_names("nat")
    assert "KUBE-SEP-B" not in ipt.chain_names("nat")


@pytest.mark.parametrize(
    "payload,line,reason",
    [
        ("*nat\n-X KUBE-NOPE\nCOMMIT\n", 2, "No chain/target/match by that name"),
        ("*nat\n-X KUBE-SEP-A\nCOMMIT\n", 2, "Directory not empty"),  # not flushed first
        ("*nat\n:KUBE-SEP-A - [0:0]\n-X KUBE-SEP-A\nCOMMIT\n", 3, "Too many links"),  # KUBE-SVC-A jumps to it
        ("*nat\n-A KUBE-NOPE -j ACCEPT\nCOMMIT\n", 2, "No chain/target/match by that name"),
        ("*nat\n-A KUBE-SVC-A -j KUBE-SEP-NOPE\nCOMMIT\n", 2, "Couldn't load target `KUBE-SEP-NOPE'"),
        ("*nat\n:KUBE-SVC-A - [0:0]\n", 1, "COMMIT expected"),
        ("*nat\n-X PREROUTING\nCOMMIT\n", 2, "built-in chain"),
        ("*nat\n:KUBE-X ACCEPT [0:0]\nCOMMIT\n", 2, "user-defined chain"),
        ("*bogus\nCOMMIT\n", 1, "unable to initialize table 'bogus'"),
        ("*nat\n-I KUBE-SVC-A -j ACCEPT\nCOMMIT\n", 2, "unexpected line"),
    ],
)
def test_errors_leave_the_table_unchanged(payload, line, reason):
    ipt = base()
    before = ipt.save()
    with pytest.raises(IptablesRestoreError) as err:
        ipt.restore_all(payload)
    assert err.value.lineno == line
    assert reason in str(err.value)
    assert str(err.value).startswith(f"iptables-restore: line {line} failed")
    assert ipt.save() == before


def test_tables_committed_before_an_error_stay_committed():
    # iptables-restore commits each table at its COMMIT ("Commit per table" in xtables-restore.c)
    ipt = base()
    with pytest.raises(IptablesRestoreError):
        ipt.restore_all(
            "*filter\n:KUBE-FORWARD - [0:0]\n-A KUBE-FORWARD -j ACCEPT\nCOMMIT\n*nat\n-X KUBE-NOPE\nCOMMIT\n"
        )
    assert ipt.rules("filter", "KUBE-FORWARD") == ["-A KUBE-FORWARD -j ACCEPT"]


def test_restore_without_noflush_replaces_the_table():
    ipt = base()
    ipt.restore_all("*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n", noflush=False)
    assert ipt.chain_names("nat") == {"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "KUBE-SERVICES"}


def test_builtin_policy_is_set_or_kept():
    ipt = IPTables()
    ipt.restore_all("*filter\n:FORWARD DROP [0:0]\nCOMMIT\n")
    ipt.restore_all("*filter\n:FORWARD - [0:0]\nCOMMIT\n")
    assert "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n" in ipt.save()


def test_ensure_rule_prepends_once():
    ipt = base()
    assert not ipt.ensure_rule(
        "prepend", "nat", "PREROUTING", "-m", "comment", "--comment", "a b", "-j", "KUBE-SERVICES"
    )
    assert ipt.ensure_rule(
        "prepend", "nat", "PREROUTING", "-m", "comment", "--comment", "a b", "-j", "KUBE-SERVICES"
    )
    assert not ipt.ensure_rule("prepend", "nat", "PREROUTING", "-j", "KUBE-SVC-A")
    assert ipt.rules("nat", "PREROUTING") == [
        "-A PREROUTING -j KUBE-SVC-A",
        '-A PREROUTING -m comment --comment "a b" -j KUBE-SERVICES',
    ]
    # the references count: KUBE-SVC-A cannot be deleted now
    with pytest.raises(IptablesRestoreError, match="Too many links"):
        ipt.restore_all("*nat\n:KUBE-SVC-A - [0:0]\n-X KUBE-SVC-A\nCOMMIT\n")


def test_executor_runs_the_restored_tables():
    ipt = base()
    ipt.ensure_rule("prepend", "nat", "OUTPUT", "-j", "KUBE-SERVICES")
    host = NetfilterHost(ipt, local_ips=["192.168.0.2"])
    pkt = Packet("192.168.0.2", "172.30.0.2", dst_port=80)
    assert host.send(pkt).destination == "10.0.0.2:80"
    before = dict(host._compiled["nat"].chains)
    ipt.restore_all(
        "*nat\n:KUBE-SEP-B - [0:0]\n-A KUBE-SEP-B -p tcp -j DNAT --to-destination 10.0.0.9:80\nCOMMIT\n"
    )
    assert host.enumerate(Packet("192.168.0.2", "172.30.0.2", src_port=2, dst_port=80))[0].destination == (
        "10.0.0.9:80"
    )
    # only the replaced chain was compiled again
    after = host._compiled["nat"].chains
    assert after["KUBE-SVC-B"] is before["KUBE-SVC-B"] and after["KUBE-SERVICES"] is before["KUBE-SERVICES"]
    assert after["KUBE-SEP-B"] is not before["KUBE-SEP-B"]
