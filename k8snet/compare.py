"""Compare what k8snet prints with what a real cluster prints.

A real cluster and k8snet agree on everything the user decides (names, types, ports, selectors) and disagree on
what is allocated or measured: ages, ClusterIPs and pod IPs, NodePorts the API server picked, the random
suffixes of generated names, the order of rows that differ only in those. The helpers here blank exactly those
parts, so that a diff shows only real differences:

* :func:`normalize_table` for ``kubectl get`` tables, :func:`normalize_describe` for ``kubectl describe``;
* :func:`diff_outputs` normalizes both sides (it recognizes which kind of output it got) and returns a unified
  diff, ``""`` when they agree;
* :func:`load_cluster_dump` reads ``kubectl get ... -o json`` or ``kubectl get --raw`` output into k8snet's
  models, so :func:`k8snet.kubectl.get_table` and :func:`k8snet.kubectl.describe` can print a real cluster's
  objects; fields k8snet does not model are dropped and listed instead of failing the load;
* :func:`kube_proxy_rules` keeps only kube-proxy's part of a node's ``iptables-save`` and :func:`diff_iptables`
  compares two such dumps.

Example
-------
>>> ours = '''NAME         TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE
... kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP   24h
... nginx-svc    ClusterIP   10.100.48.116   <none>        80/TCP    0s
... '''
>>> theirs = '''NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE
... kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP   3d2h
... nginx-svc    ClusterIP   10.96.141.20   <none>        80/TCP    7s
... '''
>>> diff_outputs(ours, theirs)
''
>>> print(normalize_table(theirs), end="")
NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
kubernetes   ClusterIP   <ip>         <none>        443/TCP   <age>
nginx-svc    ClusterIP   <ip>         <none>        80/TCP    <age>

Simplified: tables are split into columns by the header's positions (kubectl pads every column by at least three
spaces, so this is exact for ``kubectl get``); ``describe`` output is normalized line by line for the fields
listed in :data:`DESCRIBE_ALLOCATED`.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
import typing
from collections.abc import Iterable
from typing import Any

from k8snet.kubectl.tabwriter import kubectl_get_writer

__all__ = [
    "TABLE_BLANK",
    "TABLE_ALLOCATED",
    "DESCRIBE_ALLOCATED",
    "split_table",
    "normalize_table",
    "normalize_describe",
    "normalize",
    "diff_outputs",
    "ClusterDump",
    "load_cluster_dump",
    "prune_unknown_fields",
    "kube_proxy_rules",
    "canonical_iptables",
    "diff_iptables",
    "IGNORED_CHAINS",
    "sample_dump",
    "sample_iptables_save",
]

#: Columns whose whole value is measured, not decided: replaced by ``<age>``.
TABLE_BLANK = ("AGE", "LAST SEEN", "RESTARTS")
#: Columns whose addresses (and NodePorts, in ``PORT(S)``) are allocated: each address becomes ``<ip>``.
TABLE_ALLOCATED = ("CLUSTER-IP", "EXTERNAL-IP", "IP", "ENDPOINTS", "PORT(S)", "INTERNAL-IP", "ADDRESS")
#: ``kubectl describe`` fields whose addresses (and NodePorts) are allocated.
DESCRIBE_ALLOCATED = (
    "IP",
    "IPs",
    "Endpoints",
    "LoadBalancer Ingress",
    "NodePort",
    "HealthCheck NodePort",
    "IP Address",
    "Addresses",
    "Node",
)

_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
# apimachinery's rand alphabet (no vowels, no 0/1/3): generated name suffixes and pod-template-hashes use it
_ALNUM = "[bcdfghjklmnpqrstvwxz2456789]"
_POD_OF_RS = re.compile(rf"-{_ALNUM}{{6,10}}-{_ALNUM}{{5}}$")
_RS_OR_SUFFIX = re.compile(rf"-{_ALNUM}{{5,10}}$")
# "80:31234/TCP" in PORT(S); "<unset>  31234/TCP" in describe's NodePort line
_NODE_PORT_IN_PORTS = re.compile(r"(?<=:)\d{1,5}(?=/)")


def _blank_ips(text: str) -> str:
    text = _IPV4.sub("<ip>", text)

    def v6(m: re.Match) -> str:
        try:
            ipaddress.IPv6Address(m.group(0))
        except ValueError:
            return m.group(0)
        return "<ip>"

    return _IPV6.sub(v6, text)


def _blank_name(name: str) -> str:
    """``nginx-5869d7778c-xk2pq`` → ``nginx-<hash>-<suffix>``; ``nginx-svc-8xkzp`` → ``nginx-svc-<suffix>``."""
    prefix = ""
    if "/" in name:  # kind/name as kubectl prints it for several kinds
        prefix, name = name.rsplit("/", 1)
        prefix += "/"
    if _POD_OF_RS.search(name):
        return prefix + _POD_OF_RS.sub("-<hash>-<suffix>", name)
    return prefix + _RS_OR_SUFFIX.sub("-<suffix>", name)


def split_table(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Split ``kubectl get`` output into tables: ``[(headers, rows), ...]`` with every cell stripped.

    Columns are found from the header line: kubectl separates columns by at least three spaces and starts every
    cell of a column at its header's position. Tables are separated by blank lines (several resource types).

    >>> split_table("NAME   READY   STATUS\\nweb    1/1     Running\\n")
    [(['NAME', 'READY', 'STATUS'], [['web', '1/1', 'Running']])]
    """
    tables: list[tuple[list[str], list[list[str]]]] = []
    starts: list[int] | None = None
    for line in text.splitlines():
        if not line.strip():
            starts = None
            continue
        if starts is None:
            starts = [0] + [m.end() for m in re.finditer(r" {3,}", line)]
            headers = [line[a:b].strip() for a, b in zip(starts, starts[1:] + [len(line)], strict=True)]
            tables.append((headers, []))
            continue
        ends = starts[1:] + [max(len(line), starts[-1])]
        tables[-1][1].append([line[a:b].strip() for a, b in zip(starts, ends, strict=True)])
    return tables


def normalize_table(
    text: str,
    blank: Iterable[str] = TABLE_BLANK,
    allocated: Iterable[str] = TABLE_ALLOCATED,
    names: bool = True,
    sort_rows: bool = True,
) -> str:
    """``kubectl get`` output with measured and allocated values blanked, laid out as kubectl lays it out.

    Parameters
    ----------
    text : str
        What ``kubectl get`` printed (one or several tables).
    blank : column names
        Whole cells replaced by ``<age>`` (ages, restart counts, last-seen times).
    allocated : column names
        Addresses in these cells become ``<ip>``; in ``PORT(S)`` the NodePort of ``80:31234/TCP`` becomes
        ``<nodePort>`` (also a NodePort you chose: the column cannot tell).
    names : bool
        Blank the random parts of generated names (``-<hash>-<suffix>`` of a Deployment's pods,
        ``-<suffix>`` of EndpointSlices and ReplicaSets) in the ``NAME`` column.
    sort_rows : bool
        Sort rows after blanking, so rows that differed only in blanked values line up.

    >>> print(normalize_table('''NAME                     READY   STATUS    RESTARTS   AGE   IP
    ... nginx-5869d7778c-xk2pq   1/1     Running   0          12m   10.244.1.2
    ... '''), end="")
    NAME                    READY   STATUS    RESTARTS   AGE     IP
    nginx-<hash>-<suffix>   1/1     Running   <age>      <age>   <ip>
    """
    blank, allocated = set(blank), set(allocated)
    w = kubectl_get_writer()
    out: list[str] = []
    for i, (headers, rows) in enumerate(split_table(text)):
        new_rows = []
        for row in rows:
            cells = []
            for h, cell in zip(headers, row, strict=True):
                if h in blank:
                    cell = "<age>"
                elif h in allocated:
                    if h == "PORT(S)":
                        cell = _NODE_PORT_IN_PORTS.sub("<nodePort>", cell)
                    cell = _blank_ips(cell)
                elif h == "NAME" and names:
                    cell = _blank_name(cell)
                cells.append(cell)
            new_rows.append(cells)
        if sort_rows:
            new_rows.sort()
        if i:
            out.append(w.flush())
            out.append("\n")
        w.set_remembered_widths(None)
        for cells in [headers] + new_rows:
            w.write("\t".join(cells) + "\n")
    out.append(w.flush())
    return "".join(out)


_DESCRIBE_LINE = re.compile(r"^(\s*)([A-Za-z][A-Za-z ]*?):(\s+)(.*)$")


def normalize_describe(text: str, allocated: Iterable[str] = DESCRIBE_ALLOCATED) -> str:
    """``kubectl describe`` output with allocated addresses, NodePorts, times and event ages blanked.

    ``Endpoints`` lists keep their ports (``<ip>:80,<ip>:80``); ``Start Time``/``CreationTimestamp`` values
    become ``<time>``; in the ``Events`` table the ``Age`` column becomes ``<age>``. Layout is normalized too:
    kubectl aligns values after the longest label present (which differs between releases and object states),
    so each top-level value starts two spaces after its colon, and event columns are joined by two spaces.

    >>> print(normalize_describe('''IP:                10.96.12.7
    ... NodePort:          <unset>  31841/TCP
    ... Endpoints:         10.244.1.2:80
    ... Session Affinity:  None
    ... Events:
    ...   Type    Reason                Age   From                Message
    ...   ----    ------                ----  ----                -------
    ...   Normal  EnsuringLoadBalancer  10s   service-controller  Ensuring load balancer'''))
    IP:  <ip>
    NodePort:  <unset>  <nodePort>/TCP
    Endpoints:  <ip>:80
    Session Affinity:  None
    Events:
      Type  Reason  Age  From  Message
      ----  ------  ----  ----  -------
      Normal  EnsuringLoadBalancer  <age>  service-controller  Ensuring load balancer
    """
    allocated = set(allocated)
    out = []
    in_events = False
    for line in text.splitlines():
        if line.startswith("Events:"):
            in_events = True
            rest = line[len("Events:") :].strip()
            out.append("Events:" + (f"  {rest}" if rest else ""))
            continue
        if in_events and line.startswith("  "):
            cells = re.split(r"\s{2,}", line.strip(), maxsplit=4)
            if len(cells) == 5 and cells[0] not in ("Type", "----"):
                cells[2] = "<age>"
            out.append("  " + "  ".join(cells))
            continue
        in_events = False
        m = _DESCRIBE_LINE.match(line)
        if m:
            key, value = m.group(2), m.group(4)
            if key in allocated:
                if key in ("NodePort", "HealthCheck NodePort"):
                    value = re.sub(r"(?<!\S)\d{1,5}(?=/|$)", "<nodePort>", value)
                value = _blank_ips(value)
            elif key in ("Start Time", "CreationTimestamp", "Last Transition Time"):
                value = "<time>"
            sep = "  " if not m.group(1) else m.group(3)  # nested lines keep their own layout
            line = (m.group(1) + key + ":" + sep + value).rstrip()
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _looks_like_table(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return bool(first) and first == first.upper() and first.startswith("NAME") and ":" not in first


def normalize(text: str) -> str:
    """:func:`normalize_table` for ``kubectl get`` output (first line a header starting with ``NAME``),
    :func:`normalize_describe` otherwise."""
    return normalize_table(text) if _looks_like_table(text) else normalize_describe(text)


def diff_outputs(
    ours: str, theirs: str, fromfile: str = "k8snet", tofile: str = "cluster", normalized: bool = True
) -> str:
    """A unified diff of two kubectl outputs after :func:`normalize` (``""`` when they agree).

    >>> print(diff_outputs("Session Affinity:  None\\n", "Session Affinity:  ClientIP\\n"), end="")
    --- k8snet
    +++ cluster
    @@ -1 +1 @@
    -Session Affinity:  None
    +Session Affinity:  ClientIP
    """
    a = normalize(ours) if normalized else ours
    b = normalize(theirs) if normalized else theirs
    lines = difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True), fromfile, tofile)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n")
    return "".join(out)


# --- real objects into k8snet's models ---------------------------------------------------------------------------


class ClusterDump(list):
    """The objects of a dump (a ``list``); :attr:`dropped` lists the fields k8snet does not model
    (``"Pod nginx: spec.volumes"``), which :func:`load_cluster_dump` removed before loading."""

    dropped: list[str]

    def __init__(self, objects: Iterable[Any] = (), dropped: Iterable[str] = ()):
        super().__init__(objects)
        self.dropped = list(dropped)


def _model_of(annotation: Any) -> Any:
    """The pydantic model inside ``Optional[list[Model]]``/``dict[str, Model]``, or None."""
    from pydantic import BaseModel

    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        inner = _model_of(arg) if typing.get_args(arg) else None
        if inner is not None:
            return inner
    return None


def _prune(model: Any, data: Any, path: str, dropped: list[str]) -> Any:
    if isinstance(data, list):
        return [_prune(model, item, f"{path}[{i}]", dropped) for i, item in enumerate(data)]
    if not isinstance(data, dict):
        return data
    fields = {}
    for name, info in model.model_fields.items():
        fields[info.alias or name] = info
    if getattr(model, "model_config", {}).get("extra") == "allow":
        return data
    out = {}
    for key, value in data.items():
        info = fields.get(key)
        if info is None:
            dropped.append(f"{path}.{key}" if path else key)
            continue
        sub = _model_of(info.annotation)
        if sub is not None and isinstance(value, dict) and _is_map_of_models(info.annotation):
            out[key] = {k: _prune(sub, v, f"{path}.{key}.{k}".lstrip("."), dropped) for k, v in value.items()}
        elif sub is not None:
            out[key] = _prune(sub, value, f"{path}.{key}".lstrip("."), dropped)
        else:
            out[key] = value
    return out


def _is_map_of_models(annotation: Any) -> bool:
    for arg in typing.get_args(annotation) or (annotation,):
        if typing.get_origin(arg) is dict:
            return _model_of(typing.get_args(arg)[1]) is not None
    return False


def prune_unknown_fields(doc: dict) -> tuple[dict, list[str]]:
    """Drop the fields of one manifest-shaped ``doc`` that k8snet's model of its kind does not have.

    Returns the pruned copy and the dropped paths. A kind k8snet does not model is returned unchanged.

    >>> doc, dropped = prune_unknown_fields({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
    ...     "spec": {"ports": [{"port": 80, "appProtocol2": "h2c"}]}})
    >>> dropped, doc["spec"]
    (['spec.ports[0].appProtocol2'], {'ports': [{'port': 80}]})
    """
    from k8snet.api import kind_class

    try:
        cls = kind_class(doc.get("kind", ""))
    except (KeyError, TypeError):
        return doc, []
    dropped: list[str] = []
    return _prune(cls, doc, "", dropped), dropped


def load_cluster_dump(source: str | dict, strict: bool = False) -> ClusterDump:
    """Load a real cluster's JSON into k8snet objects.

    Accepts what ``kubectl get <types> -o json`` prints (one object, or a ``List`` with ``items``) and what
    ``kubectl get --raw /api/v1/namespaces/default/services`` returns (a ``ServiceList`` whose items carry no
    ``apiVersion``/``kind``: they are filled in from the list, as kubectl does before printing).

    Parameters
    ----------
    source : str or dict
        JSON text (or a parsed document).
    strict : bool
        With ``False`` (the default) fields k8snet does not model are removed first and listed in
        :attr:`ClusterDump.dropped`; objects of kinds k8snet does not model are skipped and listed too. With
        ``True`` they raise :class:`~k8snet.errors.ManifestError` as ``kubectl apply --validate=strict`` would.

    Example
    -------
    >>> dump = load_cluster_dump('''{"kind": "ServiceList", "apiVersion": "v1", "metadata": {},
    ...   "items": [{"metadata": {"name": "web", "namespace": "default"},
    ...              "spec": {"clusterIP": "10.96.0.20", "ports": [{"port": 80, "protocol": "TCP"}],
    ...                       "type": "ClusterIP", "trafficDistribution2": "x"}}]}''')
    >>> [(o.kind, o.metadata.name, o.spec.clusterIP) for o in dump], dump.dropped
    ([('Service', 'web', '10.96.0.20')], ['Service default/web: spec.trafficDistribution2'])
    """
    from k8snet.api import kind_class
    from k8snet.manifests import load

    doc = json.loads(source) if isinstance(source, str) else source
    if (
        isinstance(doc, dict)
        and isinstance(doc.get("kind"), str)
        and doc["kind"].endswith("List")
        and isinstance(doc.get("items"), list)
    ):
        item_kind = doc["kind"][:-4] if doc["kind"] != "List" else None
        items = []
        for item in doc["items"]:
            item = dict(item)
            if item_kind:
                item.setdefault("kind", item_kind)
                item.setdefault("apiVersion", doc.get("apiVersion", "v1"))
            items.append(item)
    else:
        items = [doc]
    objects, dropped = [], []
    for item in items:
        if not strict:
            try:
                kind_class(item.get("kind", ""))
            except (KeyError, TypeError):
                dropped.append(f"{item.get('kind')} {_ref(item)}: not modelled by k8snet")
                continue
            item, gone = prune_unknown_fields(item)
            dropped.extend(f"{item.get('kind')} {_ref(item)}: {p}" for p in gone)
        objects.extend(load(item))
    return ClusterDump(objects, dropped)


def _ref(item: dict) -> str:
    md = item.get("metadata") or {}
    return f"{md['namespace']}/{md.get('name')}" if md.get("namespace") else str(md.get("name"))


# --- iptables ---------------------------------------------------------------------------------------------------

_COUNTERS = re.compile(r"\[\d+:\d+\]$")


def kube_proxy_rules(text: str) -> str:
    """The part of an ``iptables-save`` dump that concerns kube-proxy: ``KUBE-`` chain declarations (counters
    reset to ``[0:0]``), every rule that is in or jumps to a ``KUBE-`` chain, and the table headers and ``COMMIT``
    lines around them. Comments and the chains of Docker, the CNI plugin and others are left out. (``KUBE-``
    chains written by kubelet, such as ``KUBE-FIREWALL``, are kept: the prefix cannot tell them apart.)

    >>> print(kube_proxy_rules('''# Generated by iptables-save v1.8.9 (nf_tables) on Sat Nov 28 10:00:00 2026
    ... *nat
    ... :PREROUTING ACCEPT [12:720]
    ... :DOCKER_OUTPUT - [0:0]
    ... :KUBE-SERVICES - [0:0]
    ... -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
    ... -A OUTPUT -d 172.18.0.1/32 -j DOCKER_OUTPUT
    ... COMMIT
    ... # Completed on Sat Nov 28 10:00:00 2026'''), end="")
    *nat
    :KUBE-SERVICES - [0:0]
    -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
    COMMIT
    """
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("*") or line == "COMMIT":
            out.append(line)
        elif line.startswith(":"):
            if line[1:].startswith("KUBE-"):
                out.append(_COUNTERS.sub("[0:0]", line))
        elif "KUBE-" in line:
            out.append(line)
    # drop tables left empty
    kept: list[str] = []
    for line in out:
        if line == "COMMIT" and kept and kept[-1].startswith("*"):
            kept.pop()
            continue
        kept.append(line)
    return "\n".join(kept) + ("\n" if kept else "")


#: Empty chains created outside kube-proxy's sync (canaries that detect flushes, kubelet's hint chain):
#: real dumps have them, a rendered sync does not.
IGNORED_CHAINS = ("KUBE-PROXY-CANARY", "KUBE-KUBELET-CANARY", "KUBE-IPTABLES-HINT")


def _hex(value: str) -> str:
    try:
        return "/".join(f"{int(v, 16):#x}" for v in value.split("/"))
    except ValueError:
        return value


def _addr(flag: str, value: Any) -> str:
    text = value.value
    for suffix in ("/32", "/128"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return ("! " if value.negated else "") + f"{flag} {text}"


def _canonical_rule(rule: Any) -> str:
    """One rule in a fixed layout, so that kube-proxy's restore input and ``iptables-save`` output of the same
    rule compare equal: options in one order, ``/32`` dropped, marks as plain hex, ``--or-mark``/``--xor-mark``
    in the ``--set-xmark`` form iptables-save prints, probabilities to 6 decimals (the kernel keeps a 32-bit
    fraction, so ``0.3333333333`` comes back as ``0.33333333349``)."""
    words = [f"-A {rule.chain}"]

    def opt(name: str, value: Any) -> None:
        if value is not None:
            words.append(("! " if getattr(value, "negated", False) else "") + f"{name} {value.value}")

    if rule.source is not None:
        words.append(_addr("-s", rule.source))
    if rule.destination is not None:
        words.append(_addr("-d", rule.destination))
    opt("-i", rule.in_interface)
    opt("-o", rule.out_interface)
    opt("-p", rule.protocol)
    opt("--sport", rule.sport)
    opt("--dport", rule.dport)
    opt("--src-type", rule.src_type)
    opt("--dst-type", rule.dst_type)
    if rule.comment is not None:
        words.append(f'--comment "{rule.comment}"')
    st = rule.statistic
    if st is not None:
        if st.probability is not None:
            words.append(f"--probability {float(st.probability):.6f}")
        else:
            words.append(f"--every {st.every} --packet {st.packet}")
    if rule.recent is not None:
        words.append(f"--recent {rule.recent}")
    if rule.mark is not None:
        words.append(("! " if rule.mark.negated else "") + "--mark " + _hex(rule.mark.value))
    opt("--ctstate", rule.ctstate)
    if rule.match_set is not None:
        words.append(f"--match-set {rule.match_set.name} {','.join(rule.match_set.flags)}")
    for key, value in sorted(rule.module_options.items()):
        words.append(f"{key} {value}")
    if rule.jump:
        words.append(("-g " if rule.goto else "-j ") + rule.jump)
        options = dict(rule.target_options)
        if "--or-mark" in options:
            value = _hex(options.pop("--or-mark"))
            options["--set-xmark"] = f"{value}/{value}"
        if "--xor-mark" in options:
            options["--set-xmark"] = f"{_hex(options.pop('--xor-mark'))}/0x0"
        if "--set-xmark" in options:
            options["--set-xmark"] = _hex(options["--set-xmark"])
        if rule.jump == "REJECT":
            options.setdefault("--reject-with", "icmp-port-unreachable")
        for key, value in sorted(options.items()):
            words.append(f"{key} {value}".rstrip())
    words.extend(rule.unknown)
    return " ".join(words)


def canonical_iptables(
    text: str, kube_proxy_only: bool = True, ignore: Iterable[str] = IGNORED_CHAINS
) -> str:
    """A dump in a canonical layout, for comparing dumps written in different shapes.

    Tables in name order; in each, the declared user chains in name order, then every chain's rules (in their own
    order, which matters) chain by chain; each rule through :func:`_canonical_rule`; no counters. With
    ``kube_proxy_only`` only ``KUBE-`` chains and the jumps into them are kept (see :func:`kube_proxy_rules`).

    >>> a = "*nat\\n:KUBE-MARK-MASQ - [0:0]\\n-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\\nCOMMIT\\n"
    >>> b = "*nat\\n:KUBE-MARK-MASQ - [0:0]\\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\\nCOMMIT\\n"
    >>> canonical_iptables(a) == canonical_iptables(b)
    True
    >>> print(canonical_iptables(b), end="")
    *nat
    :KUBE-MARK-MASQ
    -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
    COMMIT
    """
    from k8snet.rules.iptables import parse_iptables

    ignore = set(ignore)
    tables = parse_iptables(kube_proxy_rules(text) if kube_proxy_only else text)
    out: list[str] = []
    for name in sorted(tables):
        chains = {n: c for n, c in tables[name].chains.items() if n not in ignore}
        lines = [f"*{name}"]
        # built-in chains and their policies are the host's, not kube-proxy's: only their rules are compared
        lines += [f":{n}" for n, c in sorted(chains.items()) if not c.builtin and (c.declared or c.rules)]
        for n in sorted(chains):
            lines += [_canonical_rule(r) for r in chains[n].rules]
        if len(lines) > 1:
            out += lines + ["COMMIT"]
    return "\n".join(out) + ("\n" if out else "")


def diff_iptables(
    ours: str, theirs: str, fromfile: str = "k8snet", tofile: str = "node", kube_proxy_only: bool = True
) -> str:
    """Unified diff of two dumps after :func:`canonical_iptables` (``""`` when they hold the same rules).

    Either side may be kube-proxy's ``iptables-restore`` input or a node's ``iptables-save`` output. kube-proxy
    adds the jumps from the built-in chains (``-A PREROUTING ... -j KUBE-SERVICES``) outside its restore input;
    pass ``k8snet.proxy.base_jump_rules(render_iptables(...))`` to include them, as a node's dump does. Chain names agree between a real node and k8snet when Service
    port names and endpoint addresses do: kube-proxy derives them by hashing ``namespace/name:port`` and the
    protocol (and, for ``KUBE-SEP-``, the endpoint).
    """
    a = canonical_iptables(ours, kube_proxy_only).splitlines(keepends=True)
    b = canonical_iptables(theirs, kube_proxy_only).splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, fromfile, tofile))


# --- samples shipped with k8snet ---------------------------------------------------------------------------------


def _kind_sample(name: str) -> str:
    from importlib import resources

    return resources.files("k8snet.data").joinpath("kind", name).read_text(encoding="utf-8")


def sample_dump() -> str:
    """A hand-written example of ``kubectl get svc,endpointslices,pods -o json`` on a three-node kind cluster.

    It is **not** captured from a cluster: it was written in the shape kubectl v1.34 prints (a ``List``, keys in
    alphabetical order, four-space indentation) for the commands of the book's chapter "Try it on a real
    cluster", so that the comparison helpers can be shown without one. See ``k8snet/data/kind/README.md``.

    >>> dump = load_cluster_dump(sample_dump())
    >>> sorted({o.kind for o in dump})
    ['EndpointSlice', 'Pod', 'Service']
    """
    return _kind_sample("kubectl-get-svc-endpointslices-pods.json")


def sample_iptables_save() -> str:
    """An example of ``iptables-save`` on ``kind-worker`` for :func:`sample_dump`'s objects.

    **Not** captured from a node: the ``KUBE-`` rules are k8snet's own rendering of kube-proxy v1.34's rules for
    those objects, rewritten into the layout ``iptables-save`` prints (chains declared first, rules grouped by
    chain, ``/32`` masks, ``--set-xmark``); the Docker and kindnet chains were added by hand. It shows the shape
    of a real dump, not an independent check of the renderer.
    """
    return _kind_sample("kind-worker-iptables-save.txt")
