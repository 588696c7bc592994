"""``k8snet kube-proxy``: print the rules one node's kube-proxy would program for the objects in a file.

``--proxy-mode`` picks the mode from :data:`k8snet.proxy.modes.PROXY_MODES`: ``iptables`` prints the
``iptables-restore`` payload, ``nftables`` the ``nft -f`` table, ``ipvs`` what ``ipvsadm -Ln``,
``ip addr show kube-ipvs0``, ``ipset list`` and ``iptables-save`` show. The file (``-f``, repeatable, ``-`` for
stdin) holds Services and EndpointSlices, loaded with :func:`k8snet.manifests.load` and rendered as given (no API
server). If it also holds Nodes, the first Node supplies the defaults for ``--hostname-override``, ``--node-ip``
(its InternalIP addresses) and the topology labels. Flag names follow ``kube-proxy``
(cmd/kube-proxy/app/options.go); :func:`add_kube_proxy_flags` adds them to any command.

A node runs one proxier per IP family it has (:func:`~k8snet.proxy.metaproxier.node_families`: the families of its
node IPs, else of ``--cluster-cidr``, else of the objects): an IPv6 node prints the ``ip6tables-restore`` payload
(the ``ip6 kube-proxy`` table, the IPv6 virtual servers), a dual-stack node (``--node-ip`` given once per family,
``--cluster-cidr 10.244.0.0/16,fd00:10:244::/56``) both families' rules, as
:meth:`~k8snet.proxy.modes.ProxyMode.dump_families` shows them.

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
import ipaddress
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from k8snet.errors import K8snetError
from k8snet.proxy.modes import PROXY_MODES, proxy_mode

__all__ = [
    "register",
    "main",
    "add_kube_proxy_flags",
    "KUBE_PROXY_FLAGS",
    "load_files",
    "read_path",
    "manifest_paths",
    "validate_as_api_server",
    "quiet_broken_pipe",
]


def _ip(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f'invalid IP address "{text}"') from None


def _cidr(text: str) -> str:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f'invalid CIDR address "{text}"') from None
    return text


def _cluster_cidrs(text: str) -> str:
    """``--cluster-cidr``: one CIDR or a dual-stack pair, comma-separated (``validateDualStackCIDRStrings``).

    >>> _cluster_cidrs("10.244.0.0/16,fd00:10:244::/56")
    '10.244.0.0/16,fd00:10:244::/56'
    >>> _cluster_cidrs("10.0.0.0/8,10.1.0.0/16")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: "10.0.0.0/8,10.1.0.0/16" must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]
    """  # noqa: E501
    parts = text.split(",")
    nets = [ipaddress.ip_network(_cidr(p.strip()), strict=False) for p in parts]
    if len(nets) > 2 or (len(nets) == 2 and nets[0].version == nets[1].version):
        raise argparse.ArgumentTypeError(
            f'"{text}" must be a either a single CIDR or dual-stack pair of CIDRs '
            "(e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]"
        )
    return ",".join(p.strip() for p in parts)


def _cidrs(text: str) -> str:
    for part in (p.strip() for p in text.split(",")):
        if part and part != "primary":
            _cidr(part)
    return text


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
        "type": _ip,
        "metavar": "IP",
        "help": "the node's primary IP; repeated, one per IP family for a dual-stack node (default: InternalIPs "
        "of the first Node in FILE)",
    },
    "--cluster-cidr": {
        "type": _cluster_cidrs,
        "metavar": "CIDR",
        "help": "pod CIDR, or an IPv4,IPv6 pair for dual-stack; traffic from outside it to a ClusterIP is "
        "masqueraded",
    },
    "--masquerade-all": {"action": "store_true", "help": "SNAT all traffic sent via Service cluster IPs"},
    "--nodeport-addresses": {
        "type": _cidrs,
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


#: File extensions kubectl reads from a directory given to ``-f`` (``FileExtensions`` in k8s.io/cli-runtime
#: ``pkg/resource/visitor.go``); like ``kubectl -f DIR`` without ``-R``, only the directory's own files are read.
MANIFEST_EXTENSIONS = (".json", ".yaml", ".yml")


def read_path(path: str, max_bytes: int, missing: str = "does not exist") -> bytes:
    """The bytes of ``path`` (``-`` reads stdin), at most ``max_bytes``; kubectl-style errors otherwise.

    Any path that can be read works (``.txt``, ``/dev/null``, a pipe); a missing one gives kubectl's
    ``error: the path "x" does not exist`` (``missing`` words the end of that sentence).

    >>> read_path("/nonexistent/x.yaml", 10)
    Traceback (most recent call last):
    ...
    k8snet.errors.K8snetError: error: the path "/nonexistent/x.yaml" does not exist
    """
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read(max_bytes + 1) if stream is not None else sys.stdin.read(max_bytes + 1).encode()
    else:
        if not os.path.exists(path):
            raise K8snetError(f'error: the path "{path}" {missing}')
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except IsADirectoryError:
            raise K8snetError(f'error: "{path}" is a directory') from None
        except OSError as exc:
            raise K8snetError(f'error: the path "{path}" cannot be read: {exc.strerror}') from None
    if len(data) > max_bytes:
        name = "STDIN" if path == "-" else path
        raise K8snetError(f'error: error reading "{name}": the input is larger than {max_bytes} bytes')
    return data


def manifest_paths(path: str) -> list[str]:
    """``path`` itself, or for a directory its ``.json``/``.yaml``/``.yml`` files in name order (kubectl's
    ``-f DIR``); an empty directory gives kubectl's error.

    >>> import tempfile
    >>> manifest_paths(tempfile.mkdtemp())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    k8snet.errors.K8snetError: error: error reading [...]: recognized file extensions are [.json .yaml .yml]
    """
    if path == "-" or not os.path.isdir(path):
        return [path]
    files = sorted(
        os.path.join(path, name)
        for name in os.listdir(path)
        if name.endswith(MANIFEST_EXTENSIONS) and os.path.isfile(os.path.join(path, name))
    )
    if not files:
        raise K8snetError(
            f"error: error reading [{path}]: recognized file extensions are [{' '.join(MANIFEST_EXTENSIONS)}]"
        )
    return files


def _manifest_text(path: str, data: bytes) -> str:
    name = "STDIN" if path == "-" else path
    if b"\x00" in data:
        raise K8snetError(f"error: error parsing {name}: the file is binary, not YAML or JSON")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise K8snetError(f"error: error parsing {name}: the file is not UTF-8 text (YAML or JSON)") from None


def load_files(paths: Sequence[str]) -> list[Any]:
    """Objects from each ``-f`` path (a file of any name, a directory's manifests, ``-`` for stdin), loaded as
    given (no API server).

    >>> load_files(["/dev/null"])
    []
    """
    from k8snet import manifests

    objs: list[Any] = []
    for given in paths:
        for path in manifest_paths(given):
            text = _manifest_text(path, read_path(path, manifests.MAX_STREAM_BYTES))
            # a trailing newline keeps manifests.load from reading a one-line file name as a path
            objs.extend(manifests.load(text + "\n"))
    return objs


# A value that can sit in a rule's text without changing the rule: no blank, quote or control character.
_SAFE_VALUE = re.compile(r"[A-Za-z0-9._:/%*+@=,-]*")


def _rewrites_rules(err: Any) -> bool:
    """Whether a validation error is one kube-proxy's rule text could never have met: an invalid name,
    namespace, label or annotation (``metadata``), or any value with a blank, a quote or a control character."""
    if err.field.startswith("metadata"):
        return True
    value = err.bad_value
    return isinstance(value, str) and not _SAFE_VALUE.fullmatch(value)


def validate_as_api_server(objs: Sequence[Any]) -> list[str]:
    """Refuse what no API server would ever have stored: kube-proxy only sees stored objects.

    Each Service and EndpointSlice is defaulted on a copy (namespace ``default`` when unset,
    ``normalizeClusterIPs``, ``SetDefaults_Service``, the IP families as a dual-stack API server defaults them;
    ``SetDefaults_EndpointPort``) and validated
    with :mod:`k8snet.apiserver.validation`. An object with an error in its metadata or a value holding a blank, a
    quote or a control character raises the API server's ``InvalidError``: that is what keeps a name such as
    ``a"`` + newline + ``-A KUBE-SERVICES -j DROP`` out of the rules. Other errors (rules between fields, such as
    ``healthCheckNodePort`` only with ``externalTrafficPolicy: Local``) come back as warning texts and the object
    is rendered as given: an API server ratchets such rules, so objects stored before them still reach kube-proxy
    (upstream's own proxier tests render one, ``svc5`` of ``TestOverallIPTablesRules``).

    >>> from k8snet.api.core_v1 import Service
    >>> validate_as_api_server([Service(metadata={"name": 'x"'}, spec={"clusterIP": "10.96.0.5",
    ...                         "ports": [{"port": 80}]})])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    k8snet.errors.InvalidError: The Service "x"" is invalid: metadata.name: Invalid value: "x\\"": a DNS-1035 label ...
    """
    from k8snet.apiserver import defaulting, validation
    from k8snet.apiserver.field import to_causes
    from k8snet.errors import InvalidError

    warnings: list[str] = []
    for obj in objs:
        if obj.kind not in ("Service", "EndpointSlice"):
            continue
        copy = obj.model_copy(deep=True)
        if not copy.metadata.namespace:
            copy.metadata.namespace = "default"
        if obj.kind == "Service":
            defaulting.normalize_cluster_ips(copy)
            defaulting.set_defaults_service(copy)
            # any API server: a dual-stack one stores both families' ClusterIPs
            errs = defaulting.set_defaults_ip_families(
                copy, cluster_families=("IPv4", "IPv6")
            ) or validation.validate_service(copy)
        else:
            defaulting.set_defaults_endpoint_slice(copy)
            errs = validation.validate_endpoint_slice(copy)
        if not errs:
            continue
        error = InvalidError(obj.kind, obj.metadata.name or "", to_causes(errs))
        if any(_rewrites_rules(e) for e in errs):
            raise error
        warnings.append(f"{error} (rendered as given: a cluster may hold it from before this rule)")
    return warnings


def run(args: argparse.Namespace) -> int:
    """Execute a parsed ``kube-proxy`` command; prints the rules to stdout."""
    from k8snet.proxy.config import ProxierSettings

    mode = proxy_mode(args.proxy_mode)
    objs = load_files(args.filename)
    for warning in validate_as_api_server(objs):
        print(f"Warning: {warning}", file=sys.stderr)
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
    from k8snet.proxy.metaproxier import node_families, render_families

    families = node_families(list(node_ips or []), args.cluster_cidr, objs)
    settings = ProxierSettings(
        hostname=hostname,
        node_ips=list(node_ips or []),
        cluster_cidr=args.cluster_cidr,
        masquerade_all=args.masquerade_all,
        nodeport_addresses=nodeport_addresses,
        localhost_nodeports=args.localhost_nodeports,
        masquerade_bit=args.iptables_masquerade_bit,
        topology_labels=labels,
        ip_family=families[0],
    )
    # OnServiceCIDRsChanged: the ServiceCIDR objects in the file (nftables mode drops traffic to their unallocated
    # addresses)
    service_cidrs = [c for o in objs if o.kind == "ServiceCIDR" and o.spec for c in o.spec.cidrs or []]
    rules = render_families(mode, objs, objs, settings, families, service_cidrs or None)
    sys.stdout.write(mode.dump_families(rules))
    return 0


def quiet_broken_pipe(run: Callable[[], int]) -> int:
    """Run ``run`` and end quietly when stdout's reader goes away (``k8snet explain dump | head``).

    As Python's documentation recommends ("Note on SIGPIPE", ``signal`` module): on ``BrokenPipeError`` point
    stdout at ``/dev/null`` so the interpreter's final flush does not fail again, and return 1.
    """
    try:
        status = run()
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # stdout without a file descriptor (captured in tests)
            pass
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``k8snet kube-proxy`` with ``argv`` (without the subcommand name); returns the exit status."""
    parser = argparse.ArgumentParser(prog="k8snet kube-proxy")
    _add_arguments(parser)
    args = parser.parse_args(argv)

    def go() -> int:
        try:
            return run(args)
        except K8snetError as exc:
            print(str(exc), file=sys.stderr)
            return 1

    return quiet_broken_pipe(go)
