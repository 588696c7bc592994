"""``k8snet trace``, ``k8snet simulate`` and ``k8snet explain``: packets through kube-proxy's rules, from a shell.

``FILE`` (``-f``, repeatable, ``-`` for stdin) holds Services and EndpointSlices, and optionally Nodes and Pods;
they are used as given (no API server), like ``k8snet kube-proxy``. If it holds no Node, one is made from
``--hostname-override`` (default ``node``) and ``--node-ip``. If it holds Deployments (or ReplicaSets), a
:class:`~k8snet.sim.cluster.Cluster` (the ``kind`` preset) applies everything first, so the controllers create the
pods and EndpointSlices.

The node the packet enters is ``--entry-node``, else ``--hostname-override`` when given (the rules are then
those of that node's kube-proxy, as ``k8snet kube-proxy`` would print them), else the node the packet is
addressed to or the source's node (see :mod:`k8snet.sim.trace`). kube-proxy flags (``--cluster-cidr``,
``--masquerade-all``, ``--nodeport-addresses``, ``--no-localhost-nodeports``) apply to every node.

IPv6 works the same way: ``--to '[fd00:10:96::a]:80'`` runs the packet through the nodes' IPv6 rules, a pod or node
given by name sends from its IPv6 address, ``--clients N`` are IPv6 clients (2001:2::/48), and ``--cluster-cidr``
takes a dual-stack pair (``10.244.0.0/16,fd00:10:244::/56``).

>>> import json, os, tempfile, contextlib, io
>>> path = os.path.join(tempfile.mkdtemp(), "svc.yaml")
>>> _ = open(path, "w").write('''
... apiVersion: v1
... kind: Service
... metadata: {name: svc1, namespace: ns1}
... spec: {clusterIP: 172.30.0.41, ports: [{name: p80, port: 80, protocol: TCP}]}
... ---
... apiVersion: discovery.k8s.io/v1
... kind: EndpointSlice
... metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
... addressType: IPv4
... endpoints: [{addresses: [10.180.0.1]}, {addresses: [10.180.0.2]}]
... ports: [{name: p80, port: 80, protocol: TCP}]
... ''')
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     rc = main(["trace", "-f", path, "--from", "10.0.0.2", "--to", "172.30.0.41:80", "--json",
...           "--hostname-override", "test-node", "--node-ip", "192.168.0.2", "--cluster-cidr", "10.0.0.0/8"])
>>> d = json.loads(out.getvalue())
>>> rc
0
>>> d["verdict"], d["candidates"], d["masquerade"]  # doctest: +NORMALIZE_WHITESPACE
('delivered', [{'endpoint': '10.180.0.1:80', 'probability': 0.5, 'pod': None, 'node': None,
  'masquerade': False, 'source_seen': '10.0.0.2'},
 {'endpoint': '10.180.0.2:80', 'probability': 0.5, 'pod': None, 'node': None,
  'masquerade': False, 'source_seen': '10.0.0.2'}], False)
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from k8snet.errors import K8snetError
from k8snet.proxy.cli import (
    add_kube_proxy_flags,
    load_files,
    quiet_broken_pipe,
    read_path,
    validate_as_api_server,
)

__all__ = ["register", "main", "run_trace", "run_simulate", "run_explain", "MAX_CONNECTIONS", "MAX_DURATION"]


def register(subparsers: Any) -> None:
    """Add ``trace``, ``simulate`` and ``explain`` to an ``argparse`` subparsers object."""
    p = subparsers.add_parser(
        "trace",
        help="trace one packet through the nodes' kube-proxy rules",
        description="Trace a new connection from --from to --to through the rules each "
        "node's kube-proxy (v1.34) writes for the objects in FILE.",
    )
    _common(p)
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="SOURCE",
        help="source: an IP, a pod (namespace/name) or a node name",
    )
    p.add_argument("--seed", type=int, default=0, help="draws the endpoint shown step by step (default 0)")
    p.set_defaults(func=run_trace)

    s = subparsers.add_parser(
        "simulate",
        help="simulate many connections and report the spread over pods",
        description="Send many new connections from the clients to --to through the rules "
        "and report the share per pod and node, SNAT, drops and session stickiness.",
    )
    _common(s)
    s.add_argument(
        "--from",
        dest="source",
        action="append",
        metavar="SOURCE",
        help="a client (IP, namespace/name or node name); repeatable",
    )
    s.add_argument(
        "--clients",
        type=_bounded_int(1, MAX_CLIENTS),
        metavar="N",
        help=f"N external clients from 198.18.0.0/15, or 2001:2::/48 for an IPv6 destination (1 to {MAX_CLIENTS})",
    )
    s.add_argument(
        "--connections",
        type=_bounded_int(1, MAX_CONNECTIONS),
        default=100_000,
        metavar="N",
        help=f"number of connections (default 100000, at most {MAX_CONNECTIONS})",
    )
    s.add_argument("--seed", type=int, default=0)
    s.add_argument(
        "--duration",
        type=_duration,
        default=3600.0,
        metavar="SECONDS",
        help=f"connections arrive over this many simulated seconds (default 3600, more than 0, at most {MAX_DURATION})",
    )
    s.add_argument(
        "--spread",
        metavar="NODES",
        help="entry nodes of external clients: 'nodes' (all) or comma-separated node names",
    )
    s.set_defaults(func=run_simulate)

    e = subparsers.add_parser(
        "explain",
        help="explain a node's kube-proxy rules (iptables, nftables or IPVS output)",
        description="Show which Service port and endpoint each kube-proxy chain, nftables map or IPVS virtual "
        "server belongs to, with each endpoint's share. Reads iptables-save, iptables -S [-v], grep fragments and "
        "pasted rule lines, iptables -L [-n] [-v] [--line-numbers], nft list table/ruleset, ipvsadm -L/-Ln and "
        "ipvsadm-save text, detects which and says so.",
    )
    e.add_argument("file", metavar="FILE", help="the pasted output ('-' for stdin)")
    e.add_argument("--json", action="store_true", help="print JSON")
    e.set_defaults(func=run_explain)


#: Upper bounds of ``simulate``: 1,000,000 connections take about ten seconds (100,000 take about one); a year of
#: simulated time covers every session-affinity timeout (at most 86400 s); 198.18.0.0/15 holds 131,071 clients
#: after 198.18.0.1.
MAX_CONNECTIONS = 1_000_000
MAX_DURATION = 365 * 24 * 3600
MAX_CLIENTS = 131_071


def _bounded_int(low: int, high: int) -> Any:
    """An argparse ``type`` for an integer in ``[low, high]``.

    >>> _bounded_int(1, 10)("10")
    10
    >>> _bounded_int(1, 10)("11")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be at most 10 (got 11)
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low} (got {value})")
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high} (got {value})")
        return value

    return parse


def _duration(text: str) -> float:
    """An argparse ``type`` for ``--duration``: a finite number of seconds in ``(0, MAX_DURATION]``.

    >>> _duration("nan")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a finite number of seconds (got nan)
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds (got {text})")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds (got {text})")
    if value > MAX_DURATION:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_DURATION} seconds (got {text})")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-f",
        "--filename",
        action="append",
        required=True,
        metavar="FILE",
        help="manifest with Services and EndpointSlices (+ Nodes, Pods, Deployments); repeatable",
    )
    p.add_argument(
        "--to",
        dest="destination",
        required=True,
        metavar="IP:PORT",
        help="destination IP:PORT ([IPv6]:PORT), or [namespace/]service[:port]",
    )
    p.add_argument(
        "--protocol",
        type=str.upper,
        choices=("TCP", "UDP", "SCTP"),
        metavar="{tcp,udp,sctp}",
        help="protocol (default tcp, or that of the named Service port)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    add_kube_proxy_flags(p, ["--proxy-mode"])
    p.add_argument("--entry-node", metavar="NAME", help="the node the packet enters")
    add_kube_proxy_flags(
        p,
        [
            "--hostname-override",
            "--node-ip",
            "--cluster-cidr",
            "--masquerade-all",
            "--nodeport-addresses",
            "--no-localhost-nodeports",
        ],
        help_texts={
            "--hostname-override": "the node whose kube-proxy is traced (default: the node the packet enters)",
            "--node-ip": "that node's IP; repeatable",
            "--no-localhost-nodeports": "do not accept NodePort connections on 127.0.0.1",
        },
    )


def _world(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The :class:`~k8snet.sim.trace.World` for the command's files and flags, and the entry node to use."""
    from k8snet.api.core_v1 import Node
    from k8snet.sim.trace import World, world_for

    overrides: dict[str, Any] = {
        "masquerade_all": args.masquerade_all,
        "localhost_nodeports": args.localhost_nodeports,
    }
    if args.nodeport_addresses:
        overrides["nodeport_addresses"] = [s.strip() for s in args.nodeport_addresses.split(",") if s.strip()]
    objs = load_files(args.filename)
    kinds = {o.kind for o in objs}
    if not kinds & {"Deployment", "ReplicaSet"}:  # (a Cluster's API server validates those files itself)
        for warning in validate_as_api_server(objs):
            print(f"Warning: {warning}", file=sys.stderr)
    if kinds & {"Deployment", "ReplicaSet"}:
        from k8snet.sim.cluster import Cluster

        cluster = Cluster(cluster_cidr=args.cluster_cidr) if args.cluster_cidr else Cluster()
        cluster.apply([o for o in objs if o.kind not in ("Node",)])
        world = world_for(cluster, args.proxy_mode, overrides)
        return world, args.entry_node or args.hostname_override
    nodes = [o for o in objs if o.kind == "Node"]
    if not nodes:
        name = args.hostname_override or "node"
        if not args.node_ip:
            raise K8snetError("--node-ip is required when FILE holds no Node")
        nodes = [
            Node.model_validate(
                {
                    "metadata": {"name": name},
                    "status": {"addresses": [{"type": "InternalIP", "address": ip} for ip in args.node_ip]},
                }
            )
        ]
    elif args.node_ip:
        target = args.hostname_override or nodes[0].metadata.name
        for i, n in enumerate(nodes):
            if n.metadata.name == target:
                n = n.model_copy(deep=True)
                others = [
                    a for a in (n.status.addresses if n.status else None) or [] if a.type != "InternalIP"
                ]
                n = Node.model_validate(
                    {
                        **n.to_dict(),
                        "status": {
                            **(n.status.to_dict() if n.status else {}),
                            "addresses": [{"type": "InternalIP", "address": ip} for ip in args.node_ip]
                            + [a.to_dict() for a in others],
                        },
                    }
                )
                nodes[i] = n
    world = World(
        nodes,
        [o for o in objs if o.kind == "Pod"],
        [o for o in objs if o.kind == "Service"],
        [o for o in objs if o.kind == "EndpointSlice"],
        mode=args.proxy_mode,
        cluster_cidr=args.cluster_cidr,
        settings=overrides,
    )
    return world, args.entry_node or args.hostname_override


def run_trace(args: argparse.Namespace) -> int:
    """Execute a parsed ``trace`` command."""
    from k8snet.sim.trace import trace_world

    world, entry = _world(args)
    t = trace_world(world, args.source, args.destination, args.protocol, entry_node=entry, seed=args.seed)
    if args.json:
        print(json.dumps(t.to_dict(), indent=2))
    else:
        print(t.text())
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    """Execute a parsed ``simulate`` command."""
    from k8snet.sim.simulate import external_clients, simulate_world

    world, entry = _world(args)
    clients: list[str] = list(args.source or [])
    if args.clients:
        from k8snet.sim.trace import ip_family_of, parse_destination

        # external clients of the destination's family
        family = ip_family_of(parse_destination(world, args.destination, args.protocol)[0])
        clients += external_clients(args.clients, family=family)
    if not clients:
        raise K8snetError("give --from (repeatable) or --clients N")
    spread: Any = args.spread
    if spread and spread != "nodes":
        spread = [s.strip() for s in spread.split(",") if s.strip()]
    elif spread is None and entry:
        spread = entry
    r = simulate_world(
        world, clients, args.destination, args.connections, args.seed, args.protocol, spread, args.duration
    )
    print(json.dumps(r.to_dict(), indent=2) if args.json else r.text())
    return 0


def run_explain(args: argparse.Namespace) -> int:
    """Execute a parsed ``explain`` command: the report on stdout, warnings on stderr (``Warning: ...``)."""
    from k8snet.dataplane.explain import MAX_INPUT_BYTES, explain
    from k8snet.i18n import translate

    data = read_path(args.file, MAX_INPUT_BYTES, missing="cannot be read: No such file or directory")
    result = explain(data)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        out = result.text()
        print(out, end="" if out.endswith("\n") else "\n")
    # the warnings in the reader's language (K8SNET_LANGUAGE); --json keeps them as English data
    for warning in result.warnings:
        print(f"Warning: {translate(warning)}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``trace``/``simulate``/``explain`` with ``argv`` (starting with the subcommand); returns the status."""
    parser = argparse.ArgumentParser(prog="k8snet")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)

    def go() -> int:
        try:
            return int(args.func(args) or 0)
        except K8snetError as exc:
            print(str(exc), file=sys.stderr)
            return 1

    return quiet_broken_pipe(go)
