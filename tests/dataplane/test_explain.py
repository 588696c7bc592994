"""explain_iptables: chain -> (kind, owning Service port, endpoint) from kube-proxy's comments.

Upstream: the comment texts and chain prefixes are those kube-proxy writes in
kubernetes/kubernetes pkg/proxy/iptables/proxier.go; the dump is TestOverallIPTablesRules' expected
text from pkg/proxy/iptables/proxier_test.go (fixtures/overall.iptables).
"""

from __future__ import annotations

from helpers.dataplane import load_fixture

from k8snet.dataplane import explain_iptables, render_explanation


def test_every_service_chain_has_an_owner():
    infos = explain_iptables(load_fixture("overall.iptables"))
    by_chain = {(i.table, i.chain): i for i in infos}
    assert tuple(by_chain[("nat", "KUBE-SVC-XPGD46QRK7WJZT7O")]) == (
        "KUBE-SVC-XPGD46QRK7WJZT7O",
        "service",
        "ns1/svc1:p80",
    )
    assert tuple(by_chain[("nat", "KUBE-EXT-GNZBNJ2PO5MGZ6GT")]) == (
        "KUBE-EXT-GNZBNJ2PO5MGZ6GT",
        "external",
        "ns2/svc2:p80",
    )
    assert tuple(by_chain[("nat", "KUBE-FW-NUKIZ6OKUXPJNT4C")]) == (
        "KUBE-FW-NUKIZ6OKUXPJNT4C",
        "firewall",
        "ns5/svc5:p80",
    )
    sep = by_chain[("nat", "KUBE-SEP-UKSFD7AGPMPPLUHC")]
    assert (sep.kind, sep.owner, sep.endpoint) == ("endpoint", "ns4/svc4:p80", "10.180.0.4:80")
    assert by_chain[("filter", "KUBE-FORWARD")].kind == "kube-proxy"
    for info in infos:
        if info.kind in ("service", "service-local", "external", "firewall", "endpoint"):
            assert info.owner, info
    svc4 = by_chain[("nat", "KUBE-SVC-4SW47YFZTEDKD3PK")]
    assert svc4.shares == {"KUBE-SEP-UKSFD7AGPMPPLUHC": 0.5, "KUBE-SEP-C6EBXVWJJZMIWKLZ": 0.5}
    assert by_chain[("nat", "KUBE-SVC-NUKIZ6OKUXPJNT4C")].affinity_seconds == 10800


def test_local_policy_chain():
    infos = {i.chain: i for i in explain_iptables(load_fixture("etp_local.iptables"))}
    svl = infos["KUBE-SVL-XPGD46QRK7WJZT7O"]
    assert (svl.kind, svl.owner, svl.targets) == (
        "service-local",
        "ns1/svc1:p80",
        ["KUBE-SEP-ZX7GRIZKSNUQ3LAJ"],
    )
    assert infos["KUBE-SEP-ZX7GRIZKSNUQ3LAJ"].endpoint == "10.180.2.1:80"


def test_rendering():
    text = render_explanation(load_fixture("overall.iptables"))
    block = text.split("ns4/svc4:p80\n")[1].split("\nns5/")[0]
    assert block.splitlines() == [
        "  cluster IP 172.30.0.44:80/tcp -> KUBE-SVC-4SW47YFZTEDKD3PK",
        "  external IP 192.168.99.33:80/tcp -> KUBE-EXT-4SW47YFZTEDKD3PK",
        "  KUBE-EXT-4SW47YFZTEDKD3PK  external",
        "  KUBE-SVC-4SW47YFZTEDKD3PK  service",
        "    KUBE-SEP-UKSFD7AGPMPPLUHC  endpoint  10.180.0.4:80  50.0%",
        "    KUBE-SEP-C6EBXVWJJZMIWKLZ  endpoint  10.180.0.5:80  50.0%",
    ]
    # Unnamed ports are written "ns/name" (ServicePortName.String() without ":port").
    assert render_explanation(load_fixture("itp_cluster.iptables")).startswith("ns1/svc1\n")
