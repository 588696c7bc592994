"""``k8snet kube-proxy``: flags map onto ProxierSettings and the payload matches upstream's golden dump.

The golden dump is ``TestOverallIPTablesRules`` (kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go).
The fake proxier hard-codes mark ``0x4000`` and an iptables without ``--random-fully``; a real kube-proxy
formats ``1<<14`` with Go's ``%#08x`` (``0x00004000``) and uses ``--random-fully``, so those two spots are
rewritten before comparing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from helpers.iptables_golden import assert_iptables_rules_equal

from k8snet.proxy import cli

FIXTURES = Path(__file__).parent / "fixtures"


def _expected_real_kube_proxy() -> str:
    text = (FIXTURES / "overall.iptables").read_text()
    text = text.replace("0x4000", "0x00004000")
    return text.replace(
        '"kubernetes service traffic requiring SNAT" -j MASQUERADE\n',
        '"kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\n',
    )


def test_cli_renders_overall_fixture(capsys):
    rc = cli.main(
        [
            "-f",
            str(FIXTURES / "overall.yaml"),
            "--hostname-override",
            "test-node",
            "--node-ip",
            "192.168.0.2",
            "--cluster-cidr",
            "10.0.0.0/8",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert_iptables_rules_equal(True, _expected_real_kube_proxy(), out)


def test_cli_ipvs_mode_prints_the_native_dumps(capsys):
    from k8snet.manifests import load
    from k8snet.proxy.config import ProxierSettings
    from k8snet.proxy.ipvs import render_ipvs
    from k8snet.rules.ipvs import ipvsadm_ln

    args = [
        "-f",
        str(FIXTURES / "overall.yaml"),
        "--hostname-override",
        "test-node",
        "--node-ip",
        "192.168.0.2",
        "--proxy-mode",
        "ipvs",
    ]
    rc = cli.main(args)
    out = capsys.readouterr().out
    assert rc == 0
    objs = load(FIXTURES / "overall.yaml")
    state = render_ipvs(objs, objs, ProxierSettings(hostname="test-node", node_ips=["192.168.0.2"]))
    assert out.startswith("# ipvsadm -Ln\n" + ipvsadm_ln(state))
    assert "# ipset list\nName: KUBE-" in out and state.iptables_save() in out


def test_cli_requires_hostname_without_node(capsys):
    rc = cli.main(["-f", str(FIXTURES / "overall.yaml")])
    assert rc == 1
    assert "--hostname-override is required" in capsys.readouterr().err


def test_cli_node_in_file_supplies_defaults(tmp_path, capsys):
    # The only endpoint is on node-a; with eTP Local it is local only when node-a is the proxy's node.
    path = tmp_path / "objs.yaml"
    path.write_text("""
apiVersion: v1
kind: Node
metadata: {name: node-a, labels: {topology.kubernetes.io/zone: z1}}
status: {addresses: [{type: InternalIP, address: 192.168.0.7}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  clusterIP: 10.96.0.10
  ports: [{name: http, port: 80, protocol: TCP, nodePort: 30080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints: [{addresses: [10.244.1.5], nodeName: node-a}]
ports: [{name: http, port: 8080, protocol: TCP}]
""")
    assert cli.main(["-f", str(path), "--nodeport-addresses", "primary"]) == 0
    out = capsys.readouterr().out
    assert (
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last '
        'rule in this chain" -d 192.168.0.7 -j KUBE-NODEPORTS\n' in out
    )
    assert "has no local endpoints" not in out
    assert "-j DNAT --to-destination 10.244.1.5:8080\n" in out


def test_register_adds_subcommand(capsys):
    parser = argparse.ArgumentParser(prog="k8snet")
    sub = parser.add_subparsers(dest="command")
    cli.register(sub)
    args = parser.parse_args(
        [
            "kube-proxy",
            "-f",
            str(FIXTURES / "sync_repeated_initial.yaml"),
            "--hostname-override",
            "test-node",
            "--cluster-cidr",
            "10.0.0.0/8",
            "--no-localhost-nodeports",
        ]
    )
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "KUBE-FIREWALL" not in out
    assert "-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS\n" in out
