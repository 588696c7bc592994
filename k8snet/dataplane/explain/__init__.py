"""Explain a node's kube-proxy rules: which Service port and endpoint each chain, map or virtual server belongs to.

:func:`explain` takes whatever a user pastes from a node, detects the form and says which it took:

==========================  ======================================================================================
iptables                    ``iptables-save`` (counters, any table, any extension), ``iptables -S [-v]``,
                            ``iptables-save | grep`` fragments, rule lines from an issue (table and chains inferred
                            and said so) — :mod:`k8snet.rules.iptables_dumps`
``iptables -L``             ``iptables [-t nat] -L [-n] [-v] [--line-numbers]``
nftables                    ``nft list table ip kube-proxy``, ``nft list ruleset`` (other tables counted, not
                            explained), ``nft -f`` transactions — :mod:`k8snet.rules.nftables.blocks`
IPVS                        ``ipvsadm -Ln``, ``ipvsadm -L`` (names kept, not resolved), ``--stats``/``--rate``,
                            ``ipvsadm-save``; with ``ipset list`` output, kube-proxy's sets label the addresses
==========================  ======================================================================================

Attribution per form: :mod:`~k8snet.dataplane.explain.iptables` (comments kube-proxy writes, in every version's
spelling), :mod:`~k8snet.dataplane.explain.nft` (object names), :mod:`~k8snet.dataplane.explain.ipvs` (addresses
and weights). Input that is partial (an excerpt, lines it cannot read, a chain jumping to one not pasted) gives
warnings; only input that is not node output at all, binary input or more than :data:`MAX_INPUT_BYTES` raise
:class:`ExplainInputError`, whose text reads like kubectl's (``error: ...``).

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
>>> e = explain("  -A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -j KUBE-MARK-MASQ\\n"
...             "  -A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m tcp -j DNAT --to-destination 10.180.0.1:80\\n")
>>> e.format, [c.endpoint for c in e.chains]
('rule lines', ['10.180.0.1:80'])
>>> print(e.text())  # doctest: +NORMALIZE_WHITESPACE
(Service port not named in the input)
  endpoints without a service chain in the input:
    KUBE-SEP-SXIVWICOYRO3J4NJ  endpoint  10.180.0.1:80
<BLANKLINE>
Read as rule lines (2 lines).
Note: table inferred for chains without a "*table" line: KUBE-SEP-SXIVWICOYRO3J4NJ in nat
Not attributed (2 lines):
  line 1: -A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -j KUBE-MARK-MASQ
    KUBE-SEP-SXIVWICOYRO3J4NJ: no comment in the input names its Service port
  line 2: -A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m tcp -j DNAT --to-destination 10.180.0.1:80
    KUBE-SEP-SXIVWICOYRO3J4NJ: no comment in the input names its Service port
>>> e.warnings[0]
'1 chain has no owner in the input (its comments were cut or never written): KUBE-SEP-SXIVWICOYRO3J4NJ'
"""

from __future__ import annotations

from k8snet.dataplane.explain.detect import MAX_INPUT_BYTES, decode_input, split_sections
from k8snet.dataplane.explain.iptables import KUBE_PROXY_CHAINS, IptablesAttribution
from k8snet.dataplane.explain.ipvs import explain_ipvs
from k8snet.dataplane.explain.model import (
    ChainInfo,
    EndpointShare,
    ExplainInputError,
    Explanation,
    ServicePortReport,
    Unattributed,
)
from k8snet.dataplane.explain.nft import explain_nft
from k8snet.dataplane.explain.render import render_services
from k8snet.i18n import N_, joined, message, plural_message
from k8snet.rules.iptables import Tables
from k8snet.rules.iptables_dumps import IptablesDump, read_iptables, read_iptables_listing
from k8snet.rules.ipvs import IPSet, parse_ipset_list, parse_ipset_save, read_ipvsadm
from k8snet.rules.nftables.blocks import read_nftables

__all__ = [
    "explain",
    "explain_iptables",
    "render_explanation",
    "Explanation",
    "ServicePortReport",
    "EndpointShare",
    "ChainInfo",
    "Unattributed",
    "ExplainInputError",
    "KUBE_PROXY_CHAINS",
    "MAX_INPUT_BYTES",
    "UNKNOWN_OWNER",
]

#: The block that collects per-service chains no comment in the input names (large-cluster mode, excerpts).
UNKNOWN_OWNER = message(N_("(Service port not named in the input)"))

_NOT_NODE_OUTPUT = (
    "the input is not node output: explain reads iptables-save, iptables -S, iptables -L, rule lines, "
    "nft list table/ruleset and ipvsadm -L/-Ln/ipvsadm-save text"
)


def explain(data: str | bytes, max_bytes: int = MAX_INPUT_BYTES) -> Explanation:
    """Explain the rules in ``data`` (any of the forms in the module docstring, or several pasted together).

    Raises :class:`ExplainInputError` only for input that is empty, binary, larger than ``max_bytes`` or not
    node output at all; everything else gives an :class:`Explanation` whose ``warnings`` say what is partial.
    """
    text = decode_input(data, max_bytes)
    if not text.strip():
        raise ExplainInputError("the input is empty")
    sections = split_sections(text)
    if not sections.lines:
        first = sections.unknown[0][1] if sections.unknown else text.strip().splitlines()[0]
        raise ExplainInputError(f'{_NOT_NODE_OUTPUT} (first line: "{first[:80]}")')
    result = Explanation(format="", lines=len(text.splitlines()))
    # what explain writes into the result in its own words is a Message (k8snet.i18n): English data, shown in the
    # reader's language by the report (render.py)
    formats: list[str] = []
    reports: dict[str, ServicePortReport] = {}
    ipsets: dict[str, IPSet] = {}
    if "ipset" in sections.lines:
        ipsets = _read_ipsets([ln for _, ln in sections.lines["ipset"]])
        formats.append(
            "ipset list" if any(ln.startswith("Name:") for _, ln in sections.lines["ipset"]) else "ipset save"
        )
    for family in ("iptables", "iptables -L"):
        if family not in sections.lines:
            continue
        hint = sections.tables.get(family)
        reader = read_iptables if family == "iptables" else read_iptables_listing
        dump = reader(sections.lines[family], table=hint)
        formats.append(
            message(N_("{format} (table {table}, from the command)"), format=message(dump.format), table=hint)
            if hint
            else message(dump.format)
        )
        _explain_iptables_dump(dump, result, reports)
    if "nft" in sections.lines:
        ruleset = read_nftables(sections.lines["nft"])
        formats.append(ruleset.format)
        infos, reps, unattributed, other = explain_nft(ruleset)
        result.chains.extend(infos)
        for rep in reps:
            _merge(reports, rep)
        result.unattributed.extend(unattributed)
        result.unattributed.extend(Unattributed(n, t, r) for n, t, r in ruleset.unparsed)
        result.other.update(other)
        if not any(t.name == "kube-proxy" for t in ruleset.tables):
            result.warnings.append(
                message(N_("no kube-proxy table in the nftables input (nft list table ip kube-proxy)"))
            )
        elif other:
            result.notes.append(message(N_("tables other than kube-proxy's are counted, not explained")))
    if "ipvsadm" in sections.lines:
        listing = read_ipvsadm(sections.lines["ipvsadm"])
        formats.append(listing.format)
        reps, notes, warnings = explain_ipvs(listing, ipsets)
        for rep in reps:
            _merge(reports, rep)
        result.notes.extend(notes)
        result.warnings.extend(warnings)
        result.unattributed.extend(Unattributed(n, t, r) for n, t, r in listing.unparsed)
    result.format = joined(" + ", formats)
    if sections.commands:
        result.notes.insert(
            0, message(N_("command lines set aside: {commands}"), commands="; ".join(sections.commands[:5]))
        )
    result.unattributed.extend(
        Unattributed(n, t, message(N_("not part of any output explain reads"))) for n, t in sections.unknown
    )
    result.unattributed.sort(key=lambda u: u.lineno)
    result.services = [reports[k] for k in sorted(reports)]
    _partial_warnings(result)
    return result


def _read_ipsets(lines: list[str]) -> dict[str, IPSet]:
    text = "\n".join(lines) + "\n"
    try:
        return (
            parse_ipset_list(text) if any(ln.startswith("Name:") for ln in lines) else parse_ipset_save(text)
        )
    except ValueError:
        return {}


def _merge(reports: dict[str, ServicePortReport], rep: ServicePortReport) -> None:
    have = reports.get(rep.name)
    if have is None:
        reports[rep.name] = rep
        return
    have.entries.extend(rep.entries)
    have.chains.extend(rep.chains)
    have.endpoints.extend(rep.endpoints)
    have.notes.extend(rep.notes)
    have.affinity_seconds = have.affinity_seconds or rep.affinity_seconds


def _explain_iptables_dump(
    dump: IptablesDump, result: Explanation, reports: dict[str, ServicePortReport]
) -> None:
    att = IptablesAttribution(dump.tables)
    result.chains.extend(att.infos)
    result.notes.extend(dump.notes)
    if att.old_colon_format:
        result.notes.append(
            message(N_('comments in the pre-v1.10 spelling ("ns/svc:" for unnamed ports) read as "ns/svc"'))
        )
    result.unattributed.extend(Unattributed(u.lineno, u.text, u.reason) for u in dump.unparsed)
    unattributed, other = att.unattributed()
    result.unattributed.extend(unattributed)
    for key, n in other.items():
        result.other[key] = result.other.get(key, 0) + n
    for rep in _iptables_reports(att).values():
        _merge(reports, rep)


def _iptables_reports(att: IptablesAttribution) -> dict[str, ServicePortReport]:
    reports: dict[str, ServicePortReport] = {}
    nat = {i.chain: i for i in att.infos if i.table == "nat"}
    for info in att.infos:
        if info.table != "nat" or not (info.owner or info.kind in _PER_SERVICE_KINDS):
            continue
        owner = info.owner or UNKNOWN_OWNER
        rep = reports.setdefault(owner, ServicePortReport(owner))
        rep.entries.extend(message("{entry} -> {target}", entry=e, target=info.chain) for e in info.entries)
        if info.kind != "endpoint":
            rep.chains.append(info.chain)
            if info.affinity_seconds:
                rep.affinity_seconds = info.affinity_seconds
            for t in info.targets:
                sub = nat.get(t)
                if sub is not None and sub.kind == "endpoint":
                    rep.endpoints.append(EndpointShare(sub.endpoint, info.shares.get(t), info.chain, t))
                elif sub is None and t.startswith("KUBE-SEP-"):
                    note = message(N_("chain not in the input"))
                    rep.endpoints.append(
                        EndpointShare(att.arrow_endpoints.get(t), info.shares.get(t), info.chain, t, note)
                    )
    for info in att.infos:
        if info.kind == "endpoint" and info.table == "nat":
            rep = reports[info.owner or UNKNOWN_OWNER]
            if not any(e.chain == info.chain for e in rep.endpoints):
                rep.endpoints.append(
                    EndpointShare(
                        info.endpoint, None, None, info.chain, message(N_("no service chain in the input"))
                    )
                )
    for owner, entries in att.extra_entries.items():
        reports.setdefault(owner, ServicePortReport(owner)).entries.extend(entries)
    return reports


def _partial_warnings(result: Explanation) -> None:
    """Say why the input looks partial: chains without owners, jumps to chains not pasted, shares not summing to 1."""
    known = {c.chain for c in result.chains}
    ownerless = [c.chain for c in result.chains if c.owner is None and c.kind in _PER_SERVICE_KINDS]
    if ownerless:
        n = len(ownerless)
        result.warnings.append(
            plural_message(
                "{n} chain has no owner in the input (its comments were cut or never written): {chains}",
                "{n} chains have no owner in the input (its comments were cut or never written): {chains}",
                n,
                chains=", ".join(ownerless[:5]) + (" ..." if n > 5 else ""),
            )
        )
    missing = sorted(
        {
            t
            for c in result.chains
            if c.kind in _PER_SERVICE_KINDS
            for t in c.targets
            if t not in known
            and t.startswith(("KUBE-SVC-", "KUBE-SEP-", "KUBE-SVL-", "KUBE-EXT-", "endpoint-"))
        }
    )
    if missing:
        result.warnings.append(
            message(
                N_("{n} chain(s) jumped to are not in the input: {chains}"),
                n=len(missing),
                chains=", ".join(missing[:5]) + (" ..." if len(missing) > 5 else ""),
            )
        )
    for c in result.chains:
        if c.shares and abs(sum(c.shares.values()) - 1.0) > 1e-6:
            result.warnings.append(
                message(
                    N_("the shares of {chain} add up to {total}: rules missing?"),
                    chain=c.chain,
                    total=f"{sum(c.shares.values()):.1%}",
                )
            )
    if result.unattributed:
        result.warnings.append(
            message(N_("{n} line(s) not attributed (listed in the output)"), n=len(result.unattributed))
        )
    if not result.services and not ownerless:
        result.warnings.append(message(N_("no kube-proxy Service rules found in the input")))


_PER_SERVICE_KINDS = frozenset(
    {"service", "service-local", "external", "external-local", "firewall", "endpoint"}
)


def explain_iptables(text_or_tables: str | Tables) -> list[ChainInfo]:
    """Annotate every chain of an iptables dump (nat first, then the other tables, in dump order)."""
    if isinstance(text_or_tables, str):
        return [c for c in explain(text_or_tables).chains if " " not in c.table]
    return IptablesAttribution(text_or_tables).infos


def render_explanation(text_or_tables: str | Tables) -> str:
    """A text rendering grouped by Service port: entry points, then chains and endpoints."""
    if isinstance(text_or_tables, str):
        return render_services(explain(text_or_tables))
    att = IptablesAttribution(text_or_tables)
    result = Explanation("iptables", chains=list(att.infos))
    result.services = [v for _, v in sorted(_iptables_reports(att).items())]
    return render_services(result)
