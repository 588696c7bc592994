"""``k8snet kube-proxy``: print the rules one node's kube-proxy would program for the objects in a file.

``--proxy-mode`` picks the mode from :data:`k8snet.proxy.modes.PROXY_MODES`: ``iptables`` prints the
``iptables-restore`` payload, ``nftables`` the ``nft -f`` table, ``ipvs`` what ``ipvsadm -Ln``,
``ip addr show kube-ipvs0``, ``ipset list`` and ``iptables-save`` show. The file (``-f``, repeatable, ``-`` for
stdin) holds Services and EndpointSlices, loaded with :func:`k8snet.manifests.load` and rendered as given (no API
server). If it also holds Nodes, the first Node supplies the defaults for ``--hostname-override``, ``--node-ip``
(its InternalIP addresses) and the topology labels. Flag names follow ``kube-proxy``
(cmd/kube-proxy/app/options.go); :func:`add_kube_proxy_flags` adds them to any command.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "svc.yaml")
>>> _ = open(path, "w").write('''
... apiVersion: v1
... kind: Service
... metadata: {name: web, namespace: default}
... spec: {clusterIP: 10.96.0.10, ports: [{name: http, port: 80, protocol: TCP}]}
... ''')
>>> main(["-f", path, "--hostname-override", "node-1", "--node-ip", "192.168.0.2"])  # doctest: +ELLIPSIS
*filter
...
-A KUBE-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j REJECT
...
COMMIT
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from k8snet.errors import K8snetError
from k8snet.proxy.modes import PROXY_MODES, proxy_mode

__all__ = ["register", "main", "add_kube_proxy_flags", "KUBE_PROXY_FLAGS", "load_files"]

#: kube-proxy's flags (cmd/kube-proxy/app/options.go) that k8snet's commands take: ``add_argument`` keywords by
#: flag, in the order :func:`add_kube_proxy_flags` adds them.
KUBE_PROXY_FLAGS: Mapping[str, Mapping[str, Any]] = {
    "--proxy-mode": {
        "choices": tuple(PROXY_MODES),
        "default": "iptables",
        "help": "which proxy mode to use (default iptables)",
    },
    "--hostname-override": {"metavar": "NAME", "help": "the node's name (default: first Node in FILE)"},
    "--node-ip": {
        "action": "append",
        "metavar": "IP",
        "help": "the node's primary IP; repeatable (default: InternalIPs of the first Node in FILE)",
    },
    "--cluster-cidr": {
        "metavar": "CIDR",
        "help": "pod CIDR; traffic from outside it to a ClusterIP is masqueraded",
    },
    "--masquerade-all": {"action": "store_true", "help": "SNAT all traffic sent via Service cluster IPs"},
    "--nodeport-addresses": {
        "metavar": "CIDRS",
        "help": "comma-separated CIDRs (or 'primary') whose local IPs accept NodePorts (default: all)",
    },
    "--no-localhost-nodeports": {
        "dest": "localhost_nodeports",
        "action": "store_false",
        "help": "do not accept NodePort connections on 127.0.0.1 (--iptables-localhost-nodeports=false)",
    },
    "--iptables-masquerade-bit": {
        "type": int,
        "default": 14,
        "metavar": "N",
        "help": "fwmark bit for packets needing SNAT (default 14)",
    },
}


def add_kube_proxy_flags(
    parser: argparse.ArgumentParser,
    flags: Sequence[str] = tuple(KUBE_PROXY_FLAGS),
    help_texts: Mapping[str, str] | None = None,
) -> None:
    """Add kube-proxy's ``flags`` (default: all of :data:`KUBE_PROXY_FLAGS`, in that order) to ``parser``.

    ``help_texts`` replaces the help of some flags, for commands where they mean something more specific.

    >>> p = argparse.ArgumentParser()
    >>> add_kube_proxy_flags(p, ["--proxy-mode", "--no-localhost-nodeports"])
    >>> p.parse_args(["--proxy-mode", "nftables", "--no-localhost-nodeports"])
    Namespace(proxy_mode='nftables', localhost_nodeports=False)
    """
    help_texts = help_texts or {}
    for flag in flags:
        kwargs = dict(KUBE_PROXY_FLAGS[flag])
        if flag in help_texts:
            kwargs["help"] = help_texts[flag]
        parser.add_argument(flag, **kwargs)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``kube-proxy`` subcommand to an ``argparse`` subparsers object."""
    p = subparsers.add_parser(
        "kube-proxy",
        help="print the rules kube-proxy (v1.34) writes on one node",
        description="Render the iptables-restore payload of kube-proxy's syncProxyRules for the Services and "
        "EndpointSlices in FILE, as seen from one node.",
    )
    _add_arguments(p)
    p.set_defaults(func=run)
    return p


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-f",
        "--filename",
        action="append",
        required=True,
        metavar="FILE",
        help="manifest file with Services and EndpointSlices ('-' for stdin); repeatable",
    )
    add_kube_proxy_flags(p)


def load_files(paths: Sequence[str]) -> list[Any]:
    """Objects from each ``-f`` path (``-`` reads stdin), loaded as given (no API server)."""
    from k8snet import manifests

    objs: list[Any] = []
    for path in paths:
        objs.extend(manifests.load(sys.stdin.read() if path == "-" else path))
    return objs


def run(args: argparse.Namespace) -> int:
    """Execute a parsed ``kube-proxy`` command; prints the rules to stdout."""
    from k8snet.proxy.config import ProxierSettings

    mode = proxy_mode(args.proxy_mode)
    objs = load_files(args.filename)
    nodes = [o for o in objs if o.kind == "Node"]
    node = nodes[0] if nodes else None
    hostname = args.hostname_override or (node.metadata.name if node else None)
    if not hostname:
        raise K8snetError("error: --hostname-override is required when FILE holds no Node")
    node_ips = args.node_ip
    if not node_ips and node is not None and node.status and node.status.addresses:
        node_ips = [a.address for a in node.status.addresses if a.type == "InternalIP"]
    labels = dict(node.metadata.labels or {}) if node is not None else None
    nodeport_addresses = None
    if args.nodeport_addresses:
        nodeport_addresses = [s.strip() for s in args.nodeport_addresses.split(",") if s.strip()]
    settings = ProxierSettings(
        hostname=hostname,
        node_ips=list(node_ips or []),
        cluster_cidr=args.cluster_cidr,
        masquerade_all=args.masquerade_all,
        nodeport_addresses=nodeport_addresses,
        localhost_nodeports=args.localhost_nodeports,
        masquerade_bit=args.iptables_masquerade_bit,
        topology_labels=labels,
    )
    sys.stdout.write(mode.dump(mode.render(objs, objs, settings)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``k8snet kube-proxy`` with ``argv`` (without the subcommand name); returns the exit status."""
    parser = argparse.ArgumentParser(prog="k8snet kube-proxy")
    _add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except K8snetError as exc:
        print(str(exc), file=sys.stderr)
        return 1
