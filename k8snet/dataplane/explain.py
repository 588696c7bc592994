"""Annotate a kube-proxy iptables dump: which Service port and endpoint each chain belongs to.

kube-proxy names per-service chains with a hash (``KUBE-SVC-XPGD46QRK7WJZT7O``), so a raw dump is
hard to read. The owner is recovered from the ``-m comment`` texts kube-proxy writes
(kubernetes/kubernetes ``pkg/proxy/iptables/proxier.go``): ``"ns1/svc1:p80 cluster IP"`` on the
``KUBE-SERVICES`` jump, ``"ns1/svc1:p80 -> 10.180.0.1:80"`` on the ``KUBE-SVC-`` -> ``KUBE-SEP-``
jump, and the endpoint from the ``KUBE-SEP-`` chain's ``DNAT --to-destination``.

Chain kinds: ``service`` (KUBE-SVC-, all usable endpoints), ``service-local`` (KUBE-SVL-, local
endpoints only), ``external`` (KUBE-EXT-, traffic to external addresses), ``firewall`` (KUBE-FW-,
loadBalancerSourceRanges), ``endpoint`` (KUBE-SEP-), ``kube-proxy`` (its fixed chains),
``builtin`` and ``other``.

>>> text = '''*nat
... :KUBE-SERVICES - [0:0]
... :KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
... :KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
... -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
... -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
... -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
... COMMIT
... '''
>>> for chain, kind, owner in explain_iptables(text):
...     print(chain, kind, owner)
KUBE-SERVICES kube-proxy None
KUBE-SVC-XPGD46QRK7WJZT7O service ns1/svc1:p80
KUBE-SEP-SXIVWICOYRO3J4NJ endpoint ns1/svc1:p80
>>> print(render_explanation(text))
ns1/svc1:p80
  cluster IP 172.30.0.41:80/tcp -> KUBE-SVC-XPGD46QRK7WJZT7O
  KUBE-SVC-XPGD46QRK7WJZT7O  service
    KUBE-SEP-SXIVWICOYRO3J4NJ  endpoint  10.180.0.1:80  100.0%
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from k8snet.rules.iptables import BUILTIN_CHAINS, Tables, parse_iptables

__all__ = ["ChainInfo", "explain_iptables", "render_explanation", "KUBE_PROXY_CHAINS"]

#: kube-proxy's fixed chains and what they do (pkg/proxy/iptables/proxier.go).
KUBE_PROXY_CHAINS = {
    "KUBE-SERVICES": "entry point: one rule per Service address",
    "KUBE-NODEPORTS": "NodePort entry point (and health check node ports in filter)",
    "KUBE-EXTERNAL-SERVICES": "rejects/drops external traffic to Services without usable endpoints",
    "KUBE-POSTROUTING": "MASQUERADEs packets carrying the 0x4000 mark",
    "KUBE-MARK-MASQ": "sets the 0x4000 masquerade mark",
    "KUBE-MARK-DROP": "sets the drop mark (older kube-proxy)",
    "KUBE-FORWARD": "accepts forwarded Service traffic; drops ctstate INVALID",
    "KUBE-PROXY-FIREWALL": "drops traffic not allowed by loadBalancerSourceRanges",
    "KUBE-FIREWALL": "blocks incoming localnet (127.0.0.0/8) connections",
    "KUBE-PROXY-CANARY": "detects iptables flushes",
    "KUBE-KUBELET-CANARY": "detects iptables flushes (kubelet)",
}

_PREFIX_KIND = {
    "KUBE-SVC-": "service",
    "KUBE-SVL-": "service-local",
    "KUBE-EXT-": "external",
    "KUBE-FW-": "firewall",
    "KUBE-SEP-": "endpoint",
}

# A ServicePortName as proxy.ServicePortName.String() writes it: ns/name or ns/name:port.
_SPN = re.compile(r"(?<![\w/.-])([a-z0-9][-a-z0-9]*/[a-z0-9][-a-z0-9.]*(?::[-a-z0-9]+)?)(?![\w/])")
_ARROW = re.compile(r"->\s*(\S+)")


@dataclass
class ChainInfo:
    """One chain: ``chain``, ``kind``, ``owner`` (Service port name or ``None``) unpack as a tuple;
    ``table``, ``endpoint`` (``ip:port`` for KUBE-SEP-), ``entries`` (how traffic reaches a
    per-service chain) and ``targets`` (chains it jumps to) are extra attributes."""

    chain: str
    kind: str
    owner: str | None
    table: str = "nat"
    endpoint: str | None = None
    description: str | None = None
    entries: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    shares: dict[str, float] = field(default_factory=dict)
    affinity_seconds: int | None = None

    def __iter__(self):
        return iter((self.chain, self.kind, self.owner))


def _owner_from_comment(comment: str | None) -> str | None:
    if not comment:
        return None
    m = _SPN.search(comment)
    return m.group(1) if m else None


def _entry_text(rule) -> str:
    what = rule.comment or ""
    spn = _owner_from_comment(what)
    label = what.replace(spn, "", 1).strip() if spn else what
    proto = rule.protocol.value if rule.protocol else ""
    port = rule.dport.value if rule.dport else ""
    if rule.chain == "KUBE-NODEPORTS":
        dest = rule.destination.value if rule.destination else "LOCAL"
        return f"nodePort {dest}:{port}/{proto}"
    dest = rule.destination.value if rule.destination else "*"
    return f"{label or 'address'} {dest}:{port}/{proto}"


def explain_iptables(text_or_tables: str | Tables) -> list[ChainInfo]:
    """Annotate every chain of a dump (nat first, then the other tables, in dump order)."""
    tables = parse_iptables(text_or_tables) if isinstance(text_or_tables, str) else text_or_tables
    infos: list[ChainInfo] = []
    order = sorted(tables, key=lambda n: (n != "nat", list(tables).index(n)))
    for tname in order:
        table = tables[tname]
        by_name: dict[str, ChainInfo] = {}
        for chain in table.chains.values():
            kind = "other"
            if chain.builtin or chain.name in BUILTIN_CHAINS.get(tname, ()):
                kind = "builtin"
            elif chain.name in KUBE_PROXY_CHAINS:
                kind = "kube-proxy"
            else:
                for prefix, k in _PREFIX_KIND.items():
                    if chain.name.startswith(prefix):
                        kind = k
            info = ChainInfo(chain.name, kind, None, tname, description=KUBE_PROXY_CHAINS.get(chain.name))
            by_name[chain.name] = info
            infos.append(info)
        # Owners from the chain's own comments, endpoints from DNAT, and for service chains the
        # share of new connections each endpoint chain gets (the statistic cascade).
        for chain in table.chains.values():
            info = by_name[chain.name]
            remaining = 1.0
            for rule in chain.rules:
                if info.kind in ("service", "service-local") and (rule.jump or "").startswith("KUBE-SEP-"):
                    if rule.recent is not None:
                        info.affinity_seconds = rule.recent.seconds
                    elif rule.statistic is not None and rule.statistic.probability is not None:
                        info.shares[rule.jump] = remaining * float(rule.statistic.probability)
                        remaining *= 1 - float(rule.statistic.probability)
                    else:
                        info.shares[rule.jump] = remaining
                        remaining = 0.0
                if rule.jump and rule.jump in table.chains and rule.jump not in info.targets:
                    info.targets.append(rule.jump)
                if info.kind in _PREFIX_KIND.values():
                    if info.owner is None:
                        info.owner = _owner_from_comment(rule.comment)
                    if info.kind == "endpoint" and rule.jump == "DNAT" and rule.to_destination:
                        info.endpoint = rule.to_destination
        # Owners and endpoints from the comments of the rules that jump to a chain.
        for chain in table.chains.values():
            for rule in chain.rules:
                target = by_name.get(rule.jump or "")
                if target is None or target.kind not in _PREFIX_KIND.values():
                    continue
                if target.owner is None:
                    target.owner = _owner_from_comment(rule.comment)
                if target.kind == "endpoint" and target.endpoint is None and rule.comment:
                    m = _ARROW.search(rule.comment)
                    if m:
                        target.endpoint = m.group(1)
                if chain.name in ("KUBE-SERVICES", "KUBE-NODEPORTS") and tname == "nat":
                    target.entries.append(_entry_text(rule))
    return infos


def render_explanation(text_or_tables: str | Tables) -> str:
    """A text rendering grouped by Service port: entry points, then chains and endpoints."""
    infos = explain_iptables(text_or_tables)
    nat = {i.chain: i for i in infos if i.table == "nat"}
    owners: dict[str, list[ChainInfo]] = {}
    for info in infos:
        if info.owner and info.table == "nat":
            owners.setdefault(info.owner, []).append(info)
    lines: list[str] = []
    for owner in sorted(owners):
        chains = owners[owner]
        lines.append(owner)
        entries = [(e, info.chain) for info in chains for e in info.entries]
        rank = ("cluster IP", "external IP", "loadbalancer IP", "nodePort")
        entries.sort(key=lambda x: next((i for i, r in enumerate(rank) if x[0].startswith(r)), len(rank)))
        for entry, chain in entries:
            lines.append(f"  {entry} -> {chain}")
        shown: set[str] = set()
        for info in chains:
            if info.kind == "endpoint" or info.chain in shown:
                continue
            shown.add(info.chain)
            extra = f"  (session affinity {info.affinity_seconds}s)" if info.affinity_seconds else ""
            lines.append(f"  {info.chain}  {info.kind}{extra}")
            for t in info.targets:
                sub = nat.get(t)
                if sub is not None and sub.kind == "endpoint":
                    share = f"  {info.shares[t]:.1%}" if t in info.shares else ""
                    lines.append(f"    {sub.chain}  endpoint  {sub.endpoint or '?'}{share}")
    return "\n".join(lines)
