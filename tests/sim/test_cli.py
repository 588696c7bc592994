"""``k8snet trace``, ``k8snet simulate`` and ``k8snet explain`` (k8snet.sim.cli) through the top-level CLI.

The trace expectations are upstream's packet flows (kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go,
TestTracePacket and TestExternalTrafficPolicyLocal) on the TestOverallIPTablesRules objects
(tests/proxy/fixtures/overall.yaml), traced as node ``test-node`` (192.168.0.2) with ``--cluster-cidr 10.0.0.0/8``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet.cli import main
from k8snet.proxy.modes import available_modes

OVERALL = str(Path(__file__).parents[1] / "proxy" / "fixtures" / "overall.yaml")
NODE_FLAGS = ["--hostname-override", "test-node", "--node-ip", "192.168.0.2", "--cluster-cidr", "10.0.0.0/8"]


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize(
    "source,dest,endpoints,masq",
    [
        ("10.0.0.2", "172.30.0.44:80", ["10.180.0.4:80", "10.180.0.5:80"], False),  # multiple endpoints
        ("192.168.0.2", "192.168.99.22:80", ["10.180.0.2:80"], True),  # LOCAL, KUBE-MARK-MASQ
    ],
)
def test_trace_json(capsys, source, dest, endpoints, masq):
    rc, out, _ = run(capsys, "trace", "-f", OVERALL, "--from", source, "--to", dest, "--json", *NODE_FLAGS)
    assert rc == 0
    d = json.loads(out)
    assert d["verdict"] == "delivered"
    assert [c["endpoint"] for c in d["candidates"]] == endpoints
    assert sum(c["probability"] for c in d["candidates"]) == pytest.approx(1.0)
    assert d["masquerade"] is masq
    assert d["steps"] and d["steps"][0]["node"] == "test-node"


def test_trace_json_drop_and_reject(capsys):
    _, out, _ = run(
        capsys,
        "trace",
        "-f",
        OVERALL,
        "--from",
        "203.0.113.2",
        "--to",
        "192.168.99.22:80",
        "--json",
        *NODE_FLAGS,
    )
    d = json.loads(out)
    assert (d["verdict"], d["reason"], d["candidates"], d["masquerade"]) == (
        "DROP",
        "ns2/svc2:p80 has no local endpoints",
        [],
        False,
    )
    _, out, _ = run(
        capsys, "trace", "-f", OVERALL, "--from", "10.0.0.2", "--to", "172.30.0.46:80", "--json", *NODE_FLAGS
    )
    assert json.loads(out)["verdict"] == "REJECT"


def test_trace_text(capsys):
    rc, out, _ = run(
        capsys, "trace", "-f", OVERALL, "--from", "10.0.0.2", "--to", "172.30.0.41:80", *NODE_FLAGS
    )
    assert rc == 0
    assert out.startswith("trace TCP 10.0.0.2 (10.0.0.2) -> 172.30.0.41:80 [iptables], enters test-node\n")
    assert "DNAT to 10.180.0.1:80" in out and "verdict: delivered" in out


def test_trace_udp_protocol_flag(capsys):
    # TestOverallIPTablesRules has no UDP ports: a UDP packet to svc1's port matches nothing
    _, out, _ = run(
        capsys,
        "trace",
        "-f",
        OVERALL,
        "--from",
        "10.0.0.2",
        "--to",
        "172.30.0.41:80",
        "--protocol",
        "udp",
        "--json",
        *NODE_FLAGS,
    )
    d = json.loads(out)
    assert not any("DNAT" in s["effect"] for s in d["steps"])


def test_trace_file_with_deployment_runs_the_controllers(tmp_path, capsys):
    f = tmp_path / "app.yaml"
    f.write_text("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}
""")
    rc, out, _ = run(
        capsys, "trace", "-f", str(f), "--from", "203.0.113.9", "--to", "172.18.0.3:30080", "--json"
    )
    d = json.loads(out)
    assert rc == 0 and d["entry_node"] == "kind-worker" and len(d["candidates"]) == 2
    assert d["masquerade"] is True and d["source_seen"] == "172.18.0.3"


def test_trace_needs_a_node(capsys):
    rc, _, err = run(capsys, "trace", "-f", OVERALL, "--from", "10.0.0.2", "--to", "172.30.0.41:80")
    assert rc == 1 and "--node-ip is required when FILE holds no Node" in err


def test_simulate_json(capsys):
    rc, out, _ = run(
        capsys,
        "simulate",
        "-f",
        OVERALL,
        "--from",
        "10.0.0.2",
        "--to",
        "172.30.0.44:80",
        "--connections",
        "4000",
        "--json",
        *NODE_FLAGS,
    )
    d = json.loads(out)
    assert rc == 0 and d["delivered"] == 4000
    assert set(d["per_endpoint"]) == {"10.180.0.4:80", "10.180.0.5:80"}
    assert all(abs(v - 0.5) < 0.05 for v in d["per_endpoint"].values())


def test_simulate_external_clients_text(capsys):
    rc, out, _ = run(
        capsys,
        "simulate",
        "-f",
        OVERALL,
        "--clients",
        "10",
        "--to",
        "192.168.0.2:3003",
        "--connections",
        "1000",
        *NODE_FLAGS,
    )
    assert rc == 0
    assert out.startswith("1000 connections to 192.168.0.2:3003 [iptables]: 1000 delivered, 0 dropped\n")
    assert "SNATed: 100.00% of delivered connections" in out  # NodePort, Cluster policy: masqueraded


@pytest.mark.skipif(available_modes()["ipvs"] is not None, reason=str(available_modes()["ipvs"]))
def test_trace_ipvs_mode(capsys):
    rc, out, _ = run(
        capsys,
        "trace",
        "-f",
        OVERALL,
        "--from",
        "10.0.0.2",
        "--to",
        "172.30.0.44:80",
        "--json",
        "--proxy-mode",
        "ipvs",
        *NODE_FLAGS,
    )
    d = json.loads(out)
    assert rc == 0 and [c["endpoint"] for c in d["candidates"]] == ["10.180.0.4:80", "10.180.0.5:80"]
    assert [c["probability"] for c in d["candidates"]] == [0.5, 0.5]  # rr: 1/N each


def test_explain(tmp_path, capsys):
    f = tmp_path / "rules.iptables"
    f.write_text("""*nat
:KUBE-SERVICES - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
COMMIT
""")  # noqa: E501
    rc, out, _ = run(capsys, "explain", str(f))
    assert rc == 0
    assert out.startswith("ns1/svc1:p80\n  cluster IP 172.30.0.41:80/tcp -> KUBE-SVC-XPGD46QRK7WJZT7O\n")
    rc, _, err = run(capsys, "explain", str(tmp_path / "missing.iptables"))
    assert rc == 1 and "cannot be read" in err
