"""The troubleshooting lab (k8snet.sim.troubleshooting, data in k8snet/data/troubleshooting.yaml).

For every scenario: the broken setup does not work in any proxy mode, the checker accepts the right cause and
rejects wrong ones, and the scenario's fix makes the client's command print what it should in every mode.

The client programs' texts are curl's and busybox wget's (curl ``lib/connect.c``/``lib/hostip.c`` with
``curl_easy_strerror``; busybox ``libbb/xconnect.c`` and ``networking/wget.c``), checked here against their
formats; which of them a scenario prints follows from the verdict kube-proxy's rules give (REJECT: refused,
DROP: timeout), checked against the trace.
"""

from __future__ import annotations

import re

import pytest

from k8snet.errors import K8snetError
from k8snet.sim.trace import trace
from k8snet.sim.troubleshooting import MODES, Lab, load_lab, parse_lab

DATA = load_lab()
SCENARIOS = list(DATA.scenarios)

CURL_REFUSED = re.compile(
    r"^curl: \(7\) Failed to connect to \S+ port \d+ after \d+ ms: Couldn't connect to server\n$"
)
CURL_TIMEOUT = re.compile(
    r"^curl: \(28\) Failed to connect to \S+ port \d+ after \d+ ms: Timeout was reached\n$"
)
CURL_UNRESOLVED = re.compile(r"^curl: \(6\) Could not resolve host: \S+\n$")
WGET_REFUSED = re.compile(r"^wget: can't connect to remote host \([\d.]+\): Connection refused\n$")
WGET_TIMEOUT = re.compile(r"^wget: download timed out\n$")
WGET_UNRESOLVED = re.compile(r"^wget: bad address '\S+'\n$")


@pytest.fixture(scope="module")
def labs():
    return {sid: Lab(sid) for sid in SCENARIOS}


def test_the_lab_has_the_setups_the_issue_asks_for():
    causes = {s.cause for s in DATA.scenarios.values()}
    assert len(SCENARIOS) >= 8
    assert {
        "selector-matches-nothing",
        "target-port-not-listening",
        "named-port-missing",
        "pods-not-ready",
        "local-policy-no-endpoint",
        "short-name-other-namespace",
        "externalname-unresolvable",
        "port-names-mismatch",
    } <= causes


@pytest.mark.parametrize("sid", SCENARIOS)
def test_the_broken_setup_fails_in_every_mode(labs, sid):
    lab = labs[sid]
    expected = lab.scenario.expect + "\n"
    for mode, outs in lab.symptoms().items():
        assert any(o != expected for o in outs), (sid, mode, outs)
        bodies = {b + "\n" for b in lab.scenario.responses.values()}
        errors = (CURL_REFUSED, CURL_TIMEOUT, CURL_UNRESOLVED, WGET_REFUSED, WGET_TIMEOUT, WGET_UNRESOLVED)
        for o in outs:  # a server's answer, or one of the client's error lines
            assert o in bodies or any(p.match(o) for p in errors), o


@pytest.mark.parametrize("sid", SCENARIOS)
def test_right_answer_is_accepted(labs, sid):
    lab = labs[sid]
    right = lab.check(lab.scenario.cause)
    assert right.correct and right.message.startswith("Right: ")
    # the sentence works as well as the id, in any case
    assert lab.check(DATA.causes[lab.scenario.cause].text.upper()).correct


@pytest.mark.parametrize("sid", SCENARIOS)
def test_wrong_answers_are_rejected(labs, sid):
    lab = labs[sid]
    wrong = [c for c in DATA.causes if c != lab.scenario.cause]
    for cause in wrong:
        verdict = lab.check(cause)
        assert not verdict.correct and verdict.message.startswith("Not this one")
    for cause, why in lab.scenario.not_it.items():
        assert why in lab.check(cause).message


def test_unknown_answer_is_an_error(labs):
    with pytest.raises(K8snetError, match="is not one of the lab's causes"):
        labs["orders"].check("the network is down")


@pytest.mark.parametrize("sid", SCENARIOS)
def test_the_fix_repairs_it(sid):
    lab = Lab(sid)
    lab.apply_fix()
    assert lab.works(), lab.symptoms()


# --- the symptoms follow the rules' verdicts ---------------------------------------------------------------


def test_no_endpoints_is_refused_in_every_mode(labs):
    # kube-proxy rejects connections to a Service port with no endpoints (iptables "has no endpoints" REJECT,
    # nftables @no-endpoint-services, IPVS a virtual server without real servers)
    lab = labs["orders"]
    for mode in MODES:
        t = trace(lab.cluster, "default/frontend", "orders:80", mode=mode)
        assert t.verdict == "REJECT"
        assert CURL_REFUSED.match(lab.output(mode))


def test_wrong_port_on_a_cluster_ip_differs_by_mode(labs):
    # iptables has no rule for the ClusterIP's port 8080 (the packet is routed out); IPVS (KUBE-IPVS-FILTER) and
    # nftables (cluster-ips-check: "Reject traffic to invalid ports of ClusterIPs") reject it
    lab = labs["search"]
    verdicts = {
        m: trace(lab.cluster, "default/tester", f"{_cip(lab, 'search')}:8080", mode=m).verdict for m in MODES
    }
    assert verdicts == {"iptables": "delivered", "ipvs": "REJECT", "nftables": "REJECT"}
    assert WGET_TIMEOUT.match(lab.output("iptables"))
    assert WGET_REFUSED.match(lab.output("ipvs")) and WGET_REFUSED.match(lab.output("nftables"))


def test_local_policy_drops_on_a_node_without_endpoint(labs):
    lab = labs["storefront"]
    ip = lab.cluster.node_ip("kind-worker2")
    t = trace(lab.cluster, "203.0.113.50", f"{ip}:30080", mode="iptables")
    assert t.verdict == "DROP"
    # IPVS forwards it without masquerading (pkg/proxy/ipvs/proxier.go, PR 97081): the reply bypasses the node
    t = trace(lab.cluster, "203.0.113.50", f"{ip}:30080", mode="ipvs")
    assert t.verdict == "delivered" and not t.masquerade and t.chosen.node != t.entry_node
    for mode in MODES:
        assert CURL_TIMEOUT.match(lab.output(mode))
    # the node that runs the Pod answers
    assert (
        lab.run("curl -sS --connect-timeout 5 http://{node:kind-worker}:30080").stdout
        == "<h1>Storefront</h1>\n"
    )


def test_short_name_from_another_namespace(labs):
    lab = labs["api"]
    pod = lab.cluster.get("Pod", "reporter", "shop")
    r = lab.dns.resolve("api", pod=pod)
    assert r.rcode == "NXDOMAIN" and r.tried[0] == "api.shop.svc.cluster.local."
    assert lab.output() == "wget: bad address 'api'\n"


def test_externalname_without_address(labs):
    lab = labs["billing"]
    r = lab.dns.resolve("legacy-billing", pod=lab.cluster.get("Pod", "invoicing"))
    assert [a.type for a in r.answers if a.type == "A"] == []
    assert lab.output() == "curl: (6) Could not resolve host: legacy-billing\n"


def test_named_port_missing_leaves_the_slice_without_ports(labs):
    out = labs["catalog"].run("kubectl get endpointslices -l kubernetes.io/service-name=catalog").stdout
    assert re.search(r"\s<unset>\s", out)


def test_too_broad_selector_reaches_both_applications(labs):
    outs = labs["web"].outputs()
    assert set(outs) == {"<h1>Shop</h1>\n", "<h1>Admin console</h1>\n"}


# --- the command runner ---------------------------------------------------------------------------------------


def test_runner_prints_errors_as_the_tools_do(labs):
    lab = labs["payments"]
    assert (
        lab.run("kubectl get svc nope").stderr == 'Error from server (NotFound): services "nope" not found\n'
    )
    assert lab.run("kubectl exec nope -- nslookup x").exit_code == 1
    assert lab.run("ls").exit_code == 127
    assert "--connect-timeout" in lab.run("kubectl exec checkout -- curl http://payments").stderr
    assert (
        lab.run("kubectl exec checkout -- curl -s --connect-timeout 1 http://payments").text == ""
    )  # -s: silent
    assert lab.run("curl http://payments").stderr.startswith("k8snet lab: this scenario's client is a Pod")
    assert lab.run("k8snet trace --from checkout").stderr == "error: k8snet trace needs --from and --to\n"
    assert lab.run("kubectl exec checkout -- curl -sS --connect-timeout 5 https://payments").exit_code == 1
    assert lab.run("kubectl exec checkout -- curl 'unclosed").exit_code == 1


def test_runner_knows_which_image_has_which_tool(labs):
    # busybox has wget and nslookup but no curl; curlimages/curl (Alpine) has all three
    lab = labs["search"]
    assert (
        "has no curl" in lab.run("kubectl exec tester -- curl -sS --connect-timeout 5 http://search").stderr
    )
    assert lab.run("kubectl exec tester -- wget -qO- -T 5 http://search").stdout == '{"hits": 3}\n'
    assert (
        labs["orders"]
        .run("kubectl exec frontend -- wget -qO- -T 5 http://orders")
        .stderr.startswith("wget: can't connect to remote host (")
    )


def test_runner_nslookup_and_trace(labs):
    lab = labs["orders"]
    out = lab.run("kubectl exec frontend -- nslookup orders").stdout
    assert f"Address: {_cip(lab, 'orders')}" in out
    assert (
        "verdict: REJECT"
        in lab.run("k8snet trace --from frontend --to orders:80 --proxy-mode nftables").stdout
    )


def _cip(lab, name, ns="default"):
    return lab.cluster.get("Service", name, ns).spec.clusterIP


# --- the data file is checked ---------------------------------------------------------------------------------

_GOOD = """
causes: {a: A cause, b: Another}
scenarios:
- id: x
  title: T
  story: S
  client: {pod: c}
  command: curl -sS --connect-timeout 5 http://x
  manifests: ""
  cause: a
  explanation: E
  fix_command: curl http://y
  expect: ok
  commands: {Service: kubectl get svc}
"""


def test_good_data_parses():
    assert list(parse_lab(_GOOD).scenarios) == ["x"]


@pytest.mark.parametrize(
    "edit, message",
    [
        (("cause: a", "cause: z"), "cause 'z' is not one of the causes"),
        (("  title: T\n", "  title: T\n  colour: red\n"), "unknown field(s) colour"),
        (
            ("fix_command: curl http://y", "fix_command: curl http://y\n  fix: 'kind: Service'"),
            "exactly one of",
        ),
        (("client: {pod: c}", "client: {node: n}"), "client is"),
        (("id: x", "id: X_1"), "id must be"),
        (("commands: {Service: kubectl get svc}", "commands: []"), "commands is a mapping"),
        (("  cause: a\n", "  cause: a\n  not_it: {a: no}\n"), "not_it cannot name the right cause"),
        (("  cause: a\n", "  cause: a\n  repeat: 0\n"), "repeat is a number"),
    ],
)
def test_bad_data_is_refused(edit, message):
    with pytest.raises(K8snetError, match=re.escape(message)):
        parse_lab(_GOOD.replace(*edit))


def test_duplicate_ids_and_bad_yaml():
    dup = _GOOD + _GOOD.split("scenarios:\n", 1)[1]
    with pytest.raises(K8snetError, match="used twice"):
        parse_lab(dup)
    with pytest.raises(K8snetError, match="not YAML"):
        parse_lab("causes: [")
    with pytest.raises(K8snetError, match="exactly two keys"):
        parse_lab("causes: {a: b}")


def test_unknown_scenario():
    with pytest.raises(K8snetError, match="no scenario 'nope'"):
        Lab("nope")
