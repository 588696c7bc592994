"""The command line never crashes: any path for ``-f``, directories, stdin, binary files, closed pipes, flag bounds,
and objects the API server would refuse (issue 11: CLI files and flags, rule injection; issue 12: explain).

kubectl's wording is used where kubectl has one: ``error: the path "x" does not exist`` and, for a directory
without manifests, ``error: error reading [DIR]: recognized file extensions are [.json .yaml .yml]``
(k8s.io/cli-runtime ``pkg/resource/visitor.go``).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from k8snet.cli import main

FIXTURES = Path(__file__).parent / "proxy" / "fixtures"
CORPUS = Path(__file__).parent / "corpus" / "node-dumps"
NODE = ["--hostname-override", "node-1", "--node-ip", "192.168.0.2"]
SERVICE = """apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.10, ports: [{name: http, port: 80, protocol: TCP}]}
"""


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_f_takes_any_file_name_and_dev_null(tmp_path, capsys):
    f = tmp_path / "services.txt"
    f.write_text(SERVICE)
    rc, out, _ = run(capsys, "kube-proxy", "-f", str(f), *NODE)
    assert rc == 0 and '"default/web:http has no endpoints"' in out
    rc, out, err = run(capsys, "kube-proxy", "-f", "/dev/null", *NODE)
    assert rc == 0 and out.startswith("*filter\n") and err == ""


def test_f_dash_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SERVICE.encode())))
    rc, out, _ = run(capsys, "kube-proxy", "-f", "-", *NODE)
    assert rc == 0 and "default/web:http" in out


def test_f_directory_reads_its_manifests_in_name_order(tmp_path, capsys):
    (tmp_path / "b.yaml").write_text(SERVICE.replace("name: web", "name: zeta"))
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "alpha", "namespace": "default"},
                "spec": {
                    "clusterIP": "10.96.0.11",
                    "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
                },
            }
        )
    )
    (tmp_path / "notes.txt").write_text("not a manifest")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text(SERVICE.replace("name: web", "name: nested"))
    rc, out, _ = run(capsys, "kube-proxy", "-f", str(tmp_path), *NODE)
    assert rc == 0
    assert "default/alpha:http" in out and "default/zeta:http" in out
    assert "nested" not in out  # kubectl -f DIR without -R does not descend


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda d: str(d / "nothere.yaml"), 'error: the path "{p}" does not exist'),
        (lambda d: str(d), "error: error reading [{p}]: recognized file extensions are [.json .yaml .yml]"),
    ],
)
def test_f_missing_path_and_empty_directory(tmp_path, capsys, make, message):
    p = make(tmp_path)
    for cmd in (
        ["kube-proxy", "-f", p, *NODE],
        ["trace", "-f", p, "--from", "10.0.0.1", "--to", "10.96.0.10:80"],
    ):
        rc, out, err = run(capsys, *cmd)
        assert (rc, out) == (1, "") and err.strip() == message.format(p=p)


def test_f_binary_file_is_refused(tmp_path, capsys):
    f = tmp_path / "kube-proxy.bin"
    f.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 10)
    rc, out, err = run(capsys, "kube-proxy", "-f", str(f), *NODE)
    assert (rc, out) == (1, "")
    assert err.strip() == f"error: error parsing {f}: the file is binary, not YAML or JSON"


def test_rule_injection_is_refused_with_the_api_server_error(tmp_path, capsys):
    # issue 11 item 5: a name with a quote and a newline must never reach the payload
    f = tmp_path / "evil.json"
    f.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": 'x"\n-A KUBE-SERVICES -j DROP\n#', "namespace": "default"},
                "spec": {"clusterIP": "10.96.0.10", "ports": [{"port": 80, "protocol": "TCP"}]},
            }
        )
    )
    for mode in ("iptables", "nftables", "ipvs"):
        rc, out, err = run(capsys, "kube-proxy", "-f", str(f), *NODE, "--proxy-mode", mode)
        assert (rc, out) == (1, "")
        assert err.startswith(
            'The Service "x"\n-A KUBE-SERVICES -j DROP\n#" is invalid: metadata.name: Invalid value:'
        )
    rc, out, err = run(capsys, "trace", "-f", str(f), "--from", "10.0.0.1", "--to", "10.96.0.10:80", *NODE)
    assert rc == 1 and out == "" and "is invalid: metadata.name" in err


def test_endpointslice_with_a_bad_port_name_is_refused(tmp_path, capsys):
    f = tmp_path / "slice.yaml"
    f.write_text(
        SERVICE
        + """---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints: [{addresses: [10.244.1.5]}]
ports: [{name: "http\\" -j DROP", port: 80, protocol: TCP}]
"""
    )
    rc, out, err = run(capsys, "kube-proxy", "-f", str(f), *NODE)
    assert (rc, out) == (1, "") and err.startswith('The EndpointSlice "web-1" is invalid: ports[0].name')


def test_flag_values_that_would_land_in_rules_are_checked(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["kube-proxy", "-f", "/dev/null", "--hostname-override", "n", "--node-ip", "1.2.3.4 -j DROP"])
    assert exc.value.code == 2
    assert 'argument --node-ip: invalid IP address "1.2.3.4 -j DROP"' in capsys.readouterr().err


def test_upstream_fixture_renders_with_a_warning(capsys):
    # svc5 of TestOverallIPTablesRules sets healthCheckNodePort with externalTrafficPolicy Cluster: today's API
    # server refuses that, but objects stored earlier keep it, and kube-proxy renders them
    rc, out, err = run(capsys, "kube-proxy", "-f", str(FIXTURES / "overall.yaml"), *NODE)
    assert rc == 0 and "ns5/svc5:p80" in out
    assert err.startswith(
        'Warning: The Service "svc5" is invalid: spec.healthCheckNodePort: Invalid value: 30000'
    )


@pytest.mark.parametrize(
    "flag,value,message",
    [
        ("--connections", "-5", "argument --connections: must be at least 1 (got -5)"),
        ("--connections", "10000000000", "argument --connections: must be at most 1000000 (got 10000000000)"),
        ("--connections", "nan", "argument --connections: invalid int value: 'nan'"),
        ("--duration", "nan", "argument --duration: must be a finite number of seconds (got nan)"),
        ("--duration", "inf", "argument --duration: must be a finite number of seconds (got inf)"),
        ("--duration", "-1", "argument --duration: must be more than 0 seconds (got -1)"),
        ("--duration", "1e30", "argument --duration: must be at most 31536000 seconds (got 1e30)"),
        ("--clients", "0", "argument --clients: must be at least 1 (got 0)"),
        ("--clients", "200000", "argument --clients: must be at most 131071 (got 200000)"),
    ],
)
def test_simulate_bounds(capsys, flag, value, message):
    with pytest.raises(SystemExit) as exc:
        main(["simulate", "-f", "/dev/null", "--to", "10.96.0.10:80", "--from", "10.0.0.1", flag, value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: k8snet simulate") and err.rstrip().endswith(
        f"k8snet simulate: error: {message}"
    )


def test_explain_json_and_warnings_on_stderr(capsys):
    rc, out, err = run(capsys, "explain", str(CORPUS / "grep-fragment-svc.txt"), "--json")
    d = json.loads(out)
    assert rc == 0 and d["format"] == "iptables-save | grep fragment"
    assert (
        err
        == "Warning: 2 chain(s) jumped to are not in the input: KUBE-SEP-PUHFDAMRBZWCPADU, KUBE-SEP-SF3LG62VAE5ALYDV\n"
    )
    rc, out, err = run(capsys, "explain", str(CORPUS / "nft-list-table-v1.34.txt"))
    assert rc == 0 and "\nRead as nft list table (183 lines).\n" in out and err == ""


def test_explain_refuses_what_is_not_node_output(tmp_path, capsys):
    f = tmp_path / "svc.yaml"
    f.write_text(SERVICE)
    rc, out, err = run(capsys, "explain", str(f))
    assert (rc, out) == (1, "") and err.startswith("error: the input is not node output: explain reads")
    rc, out, err = run(capsys, "explain", str(tmp_path))
    assert (rc, out) == (1, "") and err.strip() == f'error: "{tmp_path}" is a directory'


def test_explain_into_head_ends_quietly(tmp_path):
    # "k8snet explain dump | head -1": no BrokenPipeError traceback (Python's "Note on SIGPIPE")
    big = tmp_path / "big.iptables"
    lines = ["*nat", ":KUBE-SERVICES - [0:0]"]
    for i in range(3000):
        lines.append(f":KUBE-SVC-{i:016d} - [0:0]")
        lines.append(
            f'-A KUBE-SERVICES -d 10.96.{i // 250}.{i % 250}/32 -p tcp -m comment --comment "ns/s{i}:http cluster IP"'
            f" -m tcp --dport 80 -j KUBE-SVC-{i:016d}"
        )
    big.write_text("\n".join(lines + ["COMMIT", ""]))
    cmd = f"'{sys.executable}' -m k8snet.cli explain '{big}' | head -1"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert proc.stdout == "ns/s0:http\n"
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
