"""``explain`` over the corpus of node dumps in tests/corpus/node-dumps: every form people paste.

Each dump was written for k8snet in the layout its tool prints (see ``_about`` in expected.json); expected.json
states, per dump, the format ``explain`` must report, every Service port it must find and each endpoint's share
of new connections through the Service's cluster-wide chain (``null``: the input does not show it; keys starting
with ``?``: an endpoint whose address the input does not show), how many warnings say the input is partial and
how many lines are not attributed (the prose around a paste). Variants made from the dumps (indented, prefixed
with ``grep -n`` numbers, wrapped in a Markdown fence, with CRLF line ends) must explain the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet.dataplane.explain import explain

CORPUS = Path(__file__).parents[1] / "corpus" / "node-dumps"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
DUMPS = sorted(k for k in EXPECTED if not k.startswith("_"))


def _cluster_wide(endpoints):
    # endpoints reached through the Service's cluster-wide chain (KUBE-SVC-/service-) or IPVS (no chain)
    return [e for e in endpoints if e.via is None or e.via.startswith(("KUBE-SVC-", "service-"))]


def _check(name: str, text: str | bytes) -> None:
    want = EXPECTED[name]
    got = explain(text)
    assert got.format == want["format"]
    assert sorted(s.name for s in got.services) == sorted(want["services"])
    for svc, endpoints in want["services"].items():
        rep = got.service(svc)
        shown = _cluster_wide(rep.endpoints)
        known = {e.endpoint: e.share for e in shown if e.endpoint}
        unknown = sorted(e.share for e in shown if not e.endpoint)
        assert set(known) == {k for k in endpoints if not k.startswith("?")}, svc
        for ep, share in endpoints.items():
            if ep.startswith("?"):
                continue
            assert known[ep] == (None if share is None else pytest.approx(share, abs=1e-9)), (svc, ep)
        assert unknown == pytest.approx(
            sorted(v for k, v in endpoints.items() if k.startswith("?")), abs=1e-9
        )
    partial = [w for w in got.warnings if "not attributed" not in w]
    assert len(partial) == want["warnings"], got.warnings
    assert len(got.unattributed) == want.get("unattributed", 0), got.unattributed


def test_corpus_covers_every_format():
    formats = {EXPECTED[d]["format"].split(" (")[0] for d in DUMPS}
    assert formats >= {
        "iptables-save",
        "iptables -S",
        "iptables-save | grep fragment",
        "rule lines",
        "iptables -L",
        "nft list table",
        "nft list ruleset",
        "ipvsadm -Ln",
        "ipvsadm -L",
        "ipvsadm-save",
        "ipvsadm -Ln --stats",
        "ipset list + ipvsadm -Ln",
    }


@pytest.mark.parametrize("name", DUMPS)
def test_dump(name):
    _check(name, (CORPUS / name).read_bytes())


@pytest.mark.parametrize("name", DUMPS)
def test_dump_indented_and_fenced(name):
    # pasted into an issue: a Markdown fence and four spaces of indentation, CRLF line ends
    text = (CORPUS / name).read_text()
    pasted = "```\r\n" + "".join(f"    {line}\r\n" for line in text.splitlines()) + "```\r\n"
    _check(name, pasted)


@pytest.mark.parametrize("name", [d for d in DUMPS if d.startswith("iptables-save")])
def test_dump_through_grep_n(name):
    # "iptables-save | grep -n ." numbers every line; the numbers are set aside
    text = (CORPUS / name).read_text()
    numbered = "".join(f"{i}:{line}\n" for i, line in enumerate(text.splitlines(), 1) if line.strip())
    got = explain(numbered)
    assert sorted(s.name for s in got.services) == sorted(EXPECTED[name]["services"])


def test_old_xlb_chain_shares_local_endpoints_only():
    got = explain((CORPUS / "iptables-save-v1.20-xlb-local.txt").read_text())
    xlb = next(c for c in got.chains if c.chain == "KUBE-XLB-BQ4KQWQFNXIXRNEN")
    assert (xlb.kind, xlb.owner) == ("external-local", "shop/frontend:http")
    assert xlb.shares == {"KUBE-SEP-MOXNSOQ3DL2QOBLD": 1.0}
    rep = got.service("shop/frontend:http")
    assert "loadbalancer IP 35.201.14.9:80/tcp -> KUBE-FW-BQ4KQWQFNXIXRNEN" in rep.entries


def test_filter_entries_and_affinity():
    got = explain((CORPUS / "iptables-save-c-v1.34-kind.txt").read_text())
    assert got.service("default/empty:http").entries == [
        "has no endpoints 10.96.44.2:80/tcp -> REJECT (filter)"
    ]
    assert "nodePort LOCAL:30080/tcp -> KUBE-EXT-LOLE4ISW44XBNF3G" in got.service("default/web:http").entries
    # libvirt's and Docker's rules are counted as not kube-proxy's, never as errors
    assert got.other["mangle/FORWARD"] == 1 and got.other["raw/PREROUTING"] == 1
    assert not got.unattributed
    old = explain((CORPUS / "iptables-save-v1.9-unnamed-ports.txt").read_text())
    assert old.service("default/kubernetes:https").affinity_seconds == 10800
    assert any("pre-v1.10 spelling" in n for n in old.notes)


def test_nft_entries_affinity_and_no_endpoint_map():
    got = explain((CORPUS / "nft-list-table-v1.34.txt").read_text())
    web = got.service("default/web:http")
    assert web.affinity_seconds == 10800
    assert web.entries == [
        "cluster IP 10.96.87.14:80/tcp -> service-BJ2VXQ6Y-default/web/tcp/http",
        "nodePort 30080/tcp -> external-BJ2VXQ6Y-default/web/tcp/http",
    ]
    assert got.service("default/idle:http").entries == [
        "has no endpoints 10.96.140.3:80/tcp -> goto reject-chain (no-endpoint-services)"
    ]
    ruleset = explain((CORPUS / "nft-list-ruleset-handles.txt").read_text())
    assert ruleset.other == {"table ip nat": 3, "table inet firewalld": 2}


def test_ipvs_roles_from_ipset_and_names_not_resolved():
    got = explain((CORPUS / "ipvsadm-Ln-indented-with-ipset.txt").read_text())
    assert got.service("TCP 10.233.44.90:8080").entries == ["virtual server (wrr): cluster IP"]
    assert got.service("TCP 203.0.113.40:8080").entries == ["virtual server (wrr): external IP"]
    named = explain((CORPUS / "ipvsadm-L-names.txt").read_text())
    assert any("not resolved" in n for n in named.notes)
    plain = explain((CORPUS / "ipvsadm-Ln.txt").read_text())
    assert plain.service("TCP 10.96.87.14:80").affinity_seconds == 10800
    weight0 = plain.service("TCP 10.96.87.14:80").endpoints[1]
    assert (weight0.share, weight0.note) == (
        0.0,
        "weight 0: takes no new connections (terminating or quiesced)",
    )
    assert (
        plain.service("TCP 172.18.0.3:30080")
        .entries[0]
        .endswith("probably a nodePort (same port on several addresses, in the default NodePort range)")
    )


def test_json_output_is_complete():
    got = explain((CORPUS / "rule-lines-from-issue.txt").read_text())
    d = json.loads(json.dumps(got.to_dict()))
    assert d["format"] == "rule lines"
    assert [u["line"] for u in d["unattributed"]] == [1, 7]
    assert d["services"][0]["name"] == "shop/cart:http"
    assert {c["chain"]: c["endpoint"] for c in d["chains"]} == {
        "KUBE-SEP-Q2WNBPR3USWATC6M": "10.42.3.18:80",
        "KUBE-SEP-LNHBFYDRICIWAAER": "10.42.1.17:80",
    }
