"""``explain``'s text: one block per Service port, then what was read, inferred and left unattributed.

The words are the reader's language (:mod:`k8snet.i18n`): the notes, warnings, reasons and entries explain writes
into its result in its own words are :class:`~k8snet.i18n.Message` objects (English data) that
:func:`~k8snet.i18n.translate` renders here; other strings of the result are data and shown as they are. Chain names, Service port names, addresses, shares, format names (``iptables-save``, ``ipvsadm -Ln``) and
the comment texts kube-proxy wrote stay as they are.
"""

from __future__ import annotations

from typing import Any

from k8snet.i18n import N_, _, ngettext, translate

# Objects are typed Any here: model.Explanation.text() calls this module, which must not import model back.

__all__ = ["render_services", "render_text", "warnings_text"]

_RANK = ("cluster IP", "external IP", "loadbalancer IP", "load-balancer IP", "nodePort")


#: A chain's kind as the report names it (``ChainInfo.kind`` stays the identifier).
_KINDS = {
    "service": N_("service"),
    "service-local": N_("service-local"),
    "external": N_("external"),
    "external-local": N_("external-local"),
    "firewall": N_("firewall"),
    "endpoint": N_("endpoint"),
}
#: Format names that are words rather than a tool's command (the others are shown as the tools are called); the
#: result's ``format`` holds them as Messages.
_FORMAT_WORDS = (N_("rule lines"), N_("iptables-save | grep fragment"))


def _kind(kind: str) -> str:
    return _(_KINDS[kind]) if kind in _KINDS else kind


def _share(share: float | None) -> str:
    return f"  {share:.1%}" if share is not None else ""


def _service_block(rep: Any, chains: dict[Any, Any]) -> list[str]:
    if getattr(rep, "table", None):
        # this table's chains (another kube-proxy table may have chains of the same names)
        chains = {**chains, **chains.get(("table", rep.table), {})}
    lines = [translate(rep.name)]
    entries = list(rep.entries)
    # entry points ranked as kube-proxy's dispatch order reads (cluster IP first, nodePort last); stable otherwise
    entries.sort(key=lambda e: next((i for i, r in enumerate(_RANK) if e.startswith(r)), len(_RANK)))
    lines.extend(f"  {translate(e)}" for e in entries)
    endpoint = _("endpoint")
    shown_endpoints: set[str] = set()
    for name in rep.chains:
        info = chains.get(name)
        if info is None:
            continue
        extra = (
            "  " + _("(session affinity {seconds}s)").format(seconds=info.affinity_seconds)
            if info.affinity_seconds
            else ""
        )
        lines.append(f"  {info.chain}  {_kind(info.kind)}{extra}")
        for t in info.targets:
            sub = chains.get(t)
            share = _share(info.shares[t]) if t in info.shares else ""
            if sub is not None and sub.kind == "endpoint":
                shown_endpoints.add(t)
                lines.append(f"    {sub.chain}  {endpoint}  {sub.endpoint or '?'}{share}")
            elif sub is None:
                missing = next((e for e in rep.endpoints if e.chain == t and e.via == name), None)
                if missing is not None:
                    shown_endpoints.add(t)
                    note = _("({note})").format(note=translate(missing.note))
                    lines.append(f"    {t}  {endpoint}  {missing.endpoint or '?'}{share}  {note}")
    rest = [e for e in rep.endpoints if e.chain is None or e.chain not in shown_endpoints]
    if any(e.chain is not None for e in rest):
        lines.append("  " + _("endpoints without a service chain in the input:"))
    for e in rest:
        if e.chain is not None and e.chain in shown_endpoints:
            continue
        if e.chain is not None:
            lines.append(f"    {e.chain}  {endpoint}  {e.endpoint or '?'}{_share(e.share)}")
        else:
            note = "  " + _("({note})").format(note=translate(e.note)) if e.note else ""
            lines.append(f"    {e.endpoint or '?'}{_share(e.share)}{note}")
    if rep.affinity_seconds and not rep.chains:
        lines.append("  " + _("session affinity {seconds}s").format(seconds=rep.affinity_seconds))
    lines.extend("  " + _("note: {note}").format(note=translate(n)) for n in rep.notes)
    return lines


def render_services(explanation: Any) -> str:
    """The per-Service-port blocks only (what :func:`~k8snet.dataplane.explain.render_explanation` prints)."""
    chains: dict[Any, Any] = {c.chain: c for c in explanation.chains if c.table in ("nat",) or " " in c.table}
    for c in explanation.chains:
        if " " in c.table:
            chains.setdefault(("table", c.table), {})[c.chain] = c
    lines: list[str] = []
    for rep in explanation.services:
        lines.extend(_service_block(rep, chains))
    return "\n".join(lines)


def warnings_text(explanation: Any) -> str:
    """The warnings of ``explanation`` (why the input looks partial), one per line, in the reader's language."""
    return "\n".join(translate(w) for w in explanation.warnings)


def render_text(explanation: Any, max_lines: int = 50) -> str:
    """The full report: Service port blocks, then the format read, notes, unattributed lines, other chains.

    At most ``max_lines`` unattributed lines are printed (``--json`` lists them all).
    """
    out = (
        [render_services(explanation)] if explanation.services else [_("no Service port found in the input")]
    )
    tail = [
        _("Read as {format} ({lines} lines).").format(
            format=translate(explanation.format), lines=explanation.lines
        )
    ]
    tail.extend(_("Note: {note}").format(note=translate(n)) for n in explanation.notes)
    if explanation.unattributed:
        n = len(explanation.unattributed)
        tail.append(ngettext("Not attributed ({n} line):", "Not attributed ({n} lines):", n).format(n=n))
        for u in explanation.unattributed[:max_lines]:
            tail.append("  " + _("line {lineno}: {text}").format(lineno=u.lineno, text=u.text))
            tail.append(f"    {translate(u.reason)}")
        if n > max_lines:
            tail.append("  " + _("... and {n} more (--json lists them all)").format(n=n - max_lines))
    if explanation.other:
        parts = [
            ngettext("{chain} ({n} rule)", "{chain} ({n} rules)", v).format(chain=k, n=v)
            for k, v in explanation.other.items()
        ]
        tail.append(_("Not kube-proxy's: {chains}").format(chains=", ".join(parts)))
    return "\n".join(out) + "\n\n" + "\n".join(tail)
