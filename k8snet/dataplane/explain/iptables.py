"""Which Service port and endpoint each of kube-proxy's iptables chains belongs to.

kube-proxy names per-service chains with a hash (``KUBE-SVC-XPGD46QRK7WJZT7O``), so a raw dump is hard to read. The
owner is recovered from the ``-m comment`` texts kube-proxy writes (kubernetes/kubernetes
``pkg/proxy/iptables/proxier.go``): ``"ns1/svc1:p80 cluster IP"`` on the ``KUBE-SERVICES`` jump, ``"ns1/svc1:p80 ->
10.180.0.1:80"`` on the ``KUBE-SVC-`` -> ``KUBE-SEP-`` jump, and the endpoint from the ``KUBE-SEP-`` chain's ``DNAT
--to-destination``. Older kube-proxy versions wrote other texts, all read here:

* ``"ns/svc: cluster IP"`` and ``"ns/svc:"``: ``ServicePortName.String()`` was ``fmt.Sprintf("%s:%s", ...)``
  (``pkg/proxy/types.go`` before it dropped the colon of unnamed ports);
* ``"Balancing rule 0 for ns/svc:port"``, ``"ns/svc:port has no local endpoints"``, ``"masquerade LOCAL traffic
  for ns/svc:port LB IP"``, ``"route LOCAL traffic for ns/svc:port LB IP to service chain"`` in the ``KUBE-XLB-``
  chains of ``externalTrafficPolicy: Local`` (before v1.24 replaced them with ``KUBE-EXT-``/``KUBE-SVL-``);
* no comment at all on the ``KUBE-SVC-``/``KUBE-SEP-`` rules: kube-proxy's large-cluster mode (more than 1000
  endpoints) omits them; the owner then comes from the chain that jumps there, and the endpoint from ``DNAT``.

Chain kinds: ``service`` (KUBE-SVC-, all usable endpoints), ``service-local`` (KUBE-SVL-, local endpoints only),
``external`` (KUBE-EXT-, traffic to external addresses), ``external-local`` (KUBE-XLB-, pre-1.24),
``firewall`` (KUBE-FW-, loadBalancerSourceRanges), ``endpoint`` (KUBE-SEP-), ``kube-proxy`` (its fixed chains),
``builtin`` and ``other``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from k8snet.dataplane.explain.model import ChainInfo, Unattributed
from k8snet.i18n import N_, message
from k8snet.rules.iptables import BUILTIN_CHAINS, Rule, Tables

__all__ = [
    "KUBE_PROXY_CHAINS",
    "PREFIX_KIND",
    "attribute_iptables",
    "owner_from_comment",
    "IptablesAttribution",
]

#: kube-proxy's fixed chains and what they do (pkg/proxy/iptables/proxier.go; IPVS mode: pkg/proxy/ipvs/proxier.go).
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
    "KUBE-NODE-PORT": "IPVS mode: NodePort traffic (ipset KUBE-NODE-PORT-*)",
    "KUBE-LOAD-BALANCER": "IPVS mode: LoadBalancer traffic (ipset KUBE-LOAD-BALANCER*)",
    "KUBE-SOURCE-RANGES-FIREWALL": "IPVS mode: loadBalancerSourceRanges",
    "KUBE-IPVS-FILTER": "IPVS mode: drops traffic to kube-ipvs0 addresses that are not Services",
    "KUBE-IPVS-OUT-FILTER": "IPVS mode: output filter for Service addresses",
}

#: Per-service chain prefixes and their kinds.
PREFIX_KIND = {
    "KUBE-SVC-": "service",
    "KUBE-SVL-": "service-local",
    "KUBE-EXT-": "external",
    "KUBE-XLB-": "external-local",
    "KUBE-FW-": "firewall",
    "KUBE-SEP-": "endpoint",
}
_SERVICE_KINDS = frozenset(PREFIX_KIND.values())
_BALANCING_KINDS = ("service", "service-local", "external-local")
_DISPATCH = ("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-EXTERNAL-SERVICES", "KUBE-PROXY-FIREWALL")

# A ServicePortName as proxy.ServicePortName.String() writes it: ns/name, ns/name:port, or (older) ns/name: .
_SPN = re.compile(r"(?<![\w/.:-])([a-z0-9][-a-z0-9]*)/([a-z0-9][-a-z0-9.]*)(?::([-a-z0-9]*))?(?![\w/.:])")
_ARROW = re.compile(r"->\s*(\S+)")


def owner_from_comment(comment: str | None) -> str | None:
    """The Service port a kube-proxy comment names, in today's spelling (``ns/name`` or ``ns/name:port``).

    >>> owner_from_comment("ns1/svc1:p80 cluster IP"), owner_from_comment("default/nginx: cluster IP")
    ('ns1/svc1:p80', 'default/nginx')
    >>> owner_from_comment("Balancing rule 0 for ns2/svc2:http"), owner_from_comment("kubernetes service portals")
    ('ns2/svc2:http', None)
    """
    if not comment:
        return None
    m = _SPN.search(comment)
    if m is None:
        return None
    return f"{m.group(1)}/{m.group(2)}" + (f":{m.group(3)}" if m.group(3) else "")


def _label(comment: str) -> str:
    """The comment without its Service port name: ``cluster IP``, ``external IP``, ``has no endpoints`` ..."""
    m = _SPN.search(comment)
    if m is None:
        return comment.strip()
    return (comment[: m.start()] + comment[m.end() :]).strip(" :")


def _kind(table: str, chain: str, builtin: bool) -> str:
    if builtin or chain in BUILTIN_CHAINS.get(table, ()):
        return "builtin"
    if chain in KUBE_PROXY_CHAINS:
        return "kube-proxy"
    for prefix, kind in PREFIX_KIND.items():
        if chain.startswith(prefix):
            return kind
    return "other"


def _address(value: str) -> str:
    # iptables-save writes host addresses with their mask (-d 10.96.0.1/32); show the address
    return value[:-3] if value.endswith("/32") else value[:-4] if value.endswith("/128") else value


#: The comments that name the kind of address a rule matches (the report shows them as the entry's role, in the
#: reader's language); other comment texts ("has no local endpoints" ...) are shown as kube-proxy wrote them.
_ROLES = frozenset(
    {N_("cluster IP"), N_("external IP"), N_("loadbalancer IP"), N_("health check node port"), N_("address")}
)


def _entry_text(rule: Rule) -> str:
    what = rule.comment or ""
    label = _label(what) if what else ""
    proto = rule.protocol.value if rule.protocol else ""
    port = rule.dport.value if rule.dport else ""
    if rule.chain == "KUBE-NODEPORTS" and not label.startswith("health check"):
        dest = _address(rule.destination.value) if rule.destination else "LOCAL"
        return f"nodePort {_host_port(dest, port)}/{proto}"
    dest = _address(rule.destination.value) if rule.destination else "*"
    label = label or "address"
    return message(
        "{label} {address}",
        label=message(label) if label in _ROLES else label,
        address=f"{_host_port(dest, port)}/{proto}",
    )


def _host_port(host: str, port: str) -> str:
    # net.JoinHostPort: an IPv6 address (ip6tables-save) in brackets
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class IptablesAttribution:
    """The chains of the tables with their owners, plus each rule's owner (or why it has none).

    ``rule_owner[id(rule)]`` is a Service port name, ``"kube-proxy"`` for kube-proxy's fixed plumbing, or
    ``None``; ``filter_entries`` maps a Service port to its entries outside nat (``has no endpoints`` REJECTs,
    firewall drops, health check node ports).
    """

    def __init__(self, tables: Tables):
        self.tables = tables
        self.infos: list[ChainInfo] = []
        self.rule_owner: dict[int, str | None] = {}
        self.extra_entries: dict[str, list[str]] = {}
        self.old_colon_format = False
        #: endpoints named by ``"ns/svc:port -> IP:PORT"`` comments of jumps to KUBE-SEP- chains not in the input
        self.arrow_endpoints: dict[str, str] = {}
        self._attribute()

    def _attribute(self) -> None:
        tables = self.tables
        order = sorted(tables, key=lambda n: (n != "nat", list(tables).index(n)))
        for tname in order:
            table = tables[tname]
            by_name: dict[str, ChainInfo] = {}
            for chain in table.chains.values():
                kind = _kind(tname, chain.name, chain.builtin and chain.declared)
                info = ChainInfo(
                    chain.name,
                    kind,
                    None,
                    tname,
                    description=KUBE_PROXY_CHAINS.get(chain.name),
                    rule_count=len(chain.rules),
                )
                by_name[chain.name] = info
                self.infos.append(info)
            # Owners from the chain's own comments, endpoints from DNAT, and for balancing chains the share of new
            # connections each endpoint chain gets (the statistic cascade: rule i matches with probability p_i of
            # what the rules before it left).
            for chain in table.chains.values():
                info = by_name[chain.name]
                remaining = Fraction(1)
                for rule in chain.rules:
                    if rule.comment and re.search(r"/[a-z0-9][-a-z0-9.]*:(\s|$)", rule.comment):
                        self.old_colon_format = True
                    jump = rule.jump or ""
                    if info.kind in _BALANCING_KINDS and jump.startswith("KUBE-SEP-"):
                        if rule.recent is not None:
                            if rule.recent.seconds:
                                info.affinity_seconds = rule.recent.seconds
                        elif rule.statistic is not None and rule.statistic.probability is not None:
                            p = rule.statistic.probability
                            info.shares[jump] = float(remaining * p)
                            remaining *= 1 - p
                        elif remaining:
                            info.shares[jump] = float(remaining)
                            remaining = Fraction(0)
                    if (
                        jump
                        and jump not in info.targets
                        and (jump in table.chains or jump.startswith("KUBE-"))
                    ):
                        if jump not in ("KUBE-MARK-MASQ", "KUBE-MARK-DROP"):
                            info.targets.append(jump)
                    if info.kind in _SERVICE_KINDS:
                        if info.owner is None:
                            info.owner = owner_from_comment(rule.comment)
                        if info.kind == "endpoint" and rule.jump == "DNAT" and rule.to_destination:
                            info.endpoint = rule.to_destination
            # Owners and endpoints from the comments of the rules that jump to a chain; entry points.
            for chain in table.chains.values():
                for rule in chain.rules:
                    target = by_name.get(rule.jump or "")
                    owner = owner_from_comment(rule.comment)
                    if target is None and (rule.jump or "").startswith("KUBE-SEP-") and rule.comment:
                        m = _ARROW.search(rule.comment)
                        if m:
                            self.arrow_endpoints[rule.jump or ""] = m.group(1)
                    if target is not None and target.kind in _SERVICE_KINDS:
                        if target.owner is None:
                            target.owner = owner
                        if target.kind == "endpoint" and target.endpoint is None and rule.comment:
                            m = _ARROW.search(rule.comment)
                            if m:
                                target.endpoint = m.group(1)
                        if chain.name in _DISPATCH and tname == "nat":
                            target.entries.append(_entry_text(rule))
                            continue
                    if chain.name in _DISPATCH and owner and (target is None or tname != "nat"):
                        # REJECT/DROP/ACCEPT rules naming a Service port (filter), or jumps to chains not in the input
                        entry = message(
                            "{entry} -> {target}",
                            entry=_entry_text(rule),
                            target=rule.jump or message(N_("no target")),
                        )
                        if tname != "nat":
                            entry = message("{entry} ({table})", entry=entry, table=tname)
                        self.extra_entries.setdefault(owner, []).append(entry)
            # A chain jumped to by an owned chain belongs to the same Service port, and a balancing chain whose
            # endpoint chains are owned does too (comments dropped in large-cluster mode or cut from an excerpt).
            for _ in range(4):
                changed = False
                for info in by_name.values():
                    for t in info.targets:
                        sub = by_name.get(t)
                        if sub is None or sub.kind not in _SERVICE_KINDS:
                            continue
                        if info.owner and sub.owner is None and info.kind in _SERVICE_KINDS:
                            sub.owner, changed = info.owner, True
                        if sub.owner and info.owner is None and info.kind in _SERVICE_KINDS:
                            info.owner, changed = sub.owner, True
                if not changed:
                    break
            # Each rule's owner: its chain's, its own comment's, or kube-proxy's plumbing.
            for chain in table.chains.values():
                info = by_name[chain.name]
                for rule in chain.rules:
                    owner = info.owner if info.kind in _SERVICE_KINDS else None
                    owner = owner or owner_from_comment(rule.comment)
                    if owner is None and (
                        info.kind == "kube-proxy"
                        or (info.kind == "builtin" and (rule.jump or "").startswith("KUBE-"))
                    ):
                        owner = "kube-proxy"
                    self.rule_owner[id(rule)] = owner

    def unattributed(self) -> tuple[list[Unattributed], dict[str, int]]:
        """Rules of kube-proxy's per-service chains nobody could be named for, and rule counts of other chains."""
        out: list[Unattributed] = []
        other: dict[str, int] = {}
        infos = {(i.table, i.chain): i for i in self.infos}
        for tname, table in self.tables.items():
            for chain in table.chains.values():
                info = infos[(tname, chain.name)]
                for rule in chain.rules:
                    if self.rule_owner.get(id(rule)) is not None:
                        continue
                    if info.kind in _SERVICE_KINDS:
                        out.append(
                            Unattributed(
                                rule.lineno,
                                rule.text,
                                message(
                                    N_("{chain}: no comment in the input names its Service port"),
                                    chain=chain.name,
                                ),
                            )
                        )
                    elif chain.name.startswith("KUBE-") and info.kind == "kube-proxy":
                        continue
                    else:
                        key = f"{tname}/{chain.name}"
                        other[key] = other.get(key, 0) + 1
        return out, other


def attribute_iptables(tables: Tables) -> list[ChainInfo]:
    """Annotate every chain of ``tables`` (nat first, then the other tables, in dump order)."""
    return IptablesAttribution(tables).infos
