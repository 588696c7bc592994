"""explain_iptables: chain -> (kind, owning Service port, endpoint) from kube-proxy's comments.

Upstream: the comment texts and chain prefixes are those kube-proxy writes in
kubernetes/kubernetes pkg/proxy/iptables/proxier.go; the dump is TestOverallIPTablesRules' expected
text from pkg/proxy/iptables/proxier_test.go (fixtures/overall.iptables).
"""

from __future__ import annotations

import pytest
from helpers.dataplane import load_fixture
from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet.dataplane import explain_iptables, render_explanation
from k8snet.dataplane.explain import ExplainInputError, explain
from k8snet.errors import K8snetError
from k8snet.rules.iptables import parse_rule
from k8snet.rules.ipvs import IPVSParseError, parse_ipvsadm_ln


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


# --- bad input: only ExplainInputError, and only for input that is not node output --------------------------


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "error: the input is empty"),
        (b"\x7fELF\x02\x01\x01\x00", "error: the input is binary (it contains NUL bytes)"),
        (bytes(range(1, 32)) * 10, "error: the input is binary (it is mostly control characters)"),
        (b"\xff\xfe\xfa" * 100, "error: the input is binary (it is not UTF-8 text)"),
        (b"apiVersion: v1\nkind: Service\n", "error: the input is not node output"),
    ],
)
def test_not_node_output_is_an_error(data, message):
    with pytest.raises(ExplainInputError) as err:
        explain(data)
    assert str(err.value).startswith(message)


def test_size_limit_is_checked_before_reading():
    with pytest.raises(ExplainInputError, match="larger than 100 bytes"):
        explain(b"-A KUBE-SVC-X -j KUBE-SEP-Y\n" * 10, max_bytes=100)


@pytest.mark.parametrize(
    "line,unknown",
    [
        # libvirt, kubelet/CNI notrack and MSS clamping: target options without an argument (XTTYPE_NONE)
        (
            "-A POSTROUTING -o virbr0 -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill",
            ["--checksum-fill"],
        ),
        ("-A PREROUTING -p udp -m udp --dport 4789 -j CT --notrack", ["--notrack"]),
        (
            "-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
            ["--tcp-flags", "SYN,RST", "SYN", "--clamp-mss-to-pmtu"],
        ),
        ("-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT", ["--physdev-is-bridged"]),
        ("-A INPUT -m rpfilter --invert -j DROP", ["--invert"]),
    ],
)
def test_extension_options_without_argument(line, unknown):
    assert parse_rule(line).unknown == unknown


def test_parse_ipvsadm_ln_names_the_line():
    with pytest.raises(IPVSParseError, match="line 1: .*is not a numeric address:port"):
        parse_ipvsadm_ln("TCP  kubernetes.default.svc.cluster.local:https rr\n")


_NODE_WORDS = st.sampled_from(
    [
        "*nat",
        "COMMIT",
        ":KUBE-SERVICES - [0:0]",
        "-A",
        "-N",
        "-P",
        "KUBE-SVC-X",
        "KUBE-SEP-Y",
        "-j",
        "-m",
        "comment",
        "--comment",
        '"a/b:c cluster IP"',
        "--probability",
        "0.5",
        "statistic",
        "--mode",
        "random",
        "Chain",
        "(1 references)",
        "target",
        "prot",
        "opt",
        "--",
        "table",
        "ip",
        "kube-proxy",
        "{",
        "}",
        "chain",
        "numgen",
        "vmap",
        "goto",
        "TCP",
        "10.96.0.1:443",
        "rr",
        "->",
        "Masq",
        "1",
        "0",
        "-t",
        "-a",
        "-r",
        "-w",
        "elements",
        "=",
        ":",
        ",",
        "DNAT",
        "--to-destination",
        "!",
        "Name:",
        "Members:",
        "\n",
        "  ",
        "\t",
        "#",
    ]
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.binary(max_size=300), st.lists(_NODE_WORDS, max_size=60).map(" ".join)))
def test_explain_never_raises_anything_but_its_error(data):
    try:
        result = explain(data)
    except ExplainInputError:
        return
    result.text()
    result.to_dict()


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(_NODE_WORDS, max_size=30).map(" ".join))
def test_parse_ipvsadm_ln_raises_only_its_error(text):
    try:
        parse_ipvsadm_ln(text)
    except IPVSParseError as exc:
        assert isinstance(exc, K8snetError)
