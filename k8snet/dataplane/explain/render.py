"""``explain``'s text: one block per Service port, then what was read, inferred and left unattributed."""

from __future__ import annotations

from typing import Any

# Objects are typed Any here: model.Explanation.text() calls this module, which must not import model back.

__all__ = ["render_services", "render_text"]

_RANK = ("cluster IP", "external IP", "loadbalancer IP", "load-balancer IP", "nodePort")


def _share(share: float | None) -> str:
    return f"  {share:.1%}" if share is not None else ""


def _service_block(rep: Any, chains: dict[Any, Any]) -> list[str]:
    if getattr(rep, "table", None):
        # this table's chains (another kube-proxy table may have chains of the same names)
        chains = {**chains, **chains.get(("table", rep.table), {})}
    lines = [rep.name]
    entries = list(rep.entries)
    # entry points ranked as kube-proxy's dispatch order reads (cluster IP first, nodePort last); stable otherwise
    entries.sort(key=lambda e: next((i for i, r in enumerate(_RANK) if e.startswith(r)), len(_RANK)))
    lines.extend(f"  {e}" for e in entries)
    shown_endpoints: set[str] = set()
    for name in rep.chains:
        info = chains.get(name)
        if info is None:
            continue
        extra = f"  (session affinity {info.affinity_seconds}s)" if info.affinity_seconds else ""
        lines.append(f"  {info.chain}  {info.kind}{extra}")
        for t in info.targets:
            sub = chains.get(t)
            share = _share(info.shares[t]) if t in info.shares else ""
            if sub is not None and sub.kind == "endpoint":
                shown_endpoints.add(t)
                lines.append(f"    {sub.chain}  endpoint  {sub.endpoint or '?'}{share}")
            elif sub is None:
                missing = next((e for e in rep.endpoints if e.chain == t and e.via == name), None)
                if missing is not None:
                    shown_endpoints.add(t)
                    lines.append(f"    {t}  endpoint  {missing.endpoint or '?'}{share}  ({missing.note})")
    rest = [e for e in rep.endpoints if e.chain is None or e.chain not in shown_endpoints]
    if any(e.chain is not None for e in rest):
        lines.append("  endpoints without a service chain in the input:")
    for e in rest:
        if e.chain is not None and e.chain in shown_endpoints:
            continue
        if e.chain is not None:
            lines.append(f"    {e.chain}  endpoint  {e.endpoint or '?'}{_share(e.share)}")
        else:
            note = f"  ({e.note})" if e.note else ""
            lines.append(f"    {e.endpoint or '?'}{_share(e.share)}{note}")
    if rep.affinity_seconds and not rep.chains:
        lines.append(f"  session affinity {rep.affinity_seconds}s")
    lines.extend(f"  note: {n}" for n in rep.notes)
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


def render_text(explanation: Any, max_lines: int = 50) -> str:
    """The full report: Service port blocks, then the format read, notes, unattributed lines, other chains.

    At most ``max_lines`` unattributed lines are printed (``--json`` lists them all).
    """
    out = [render_services(explanation)] if explanation.services else ["no Service port found in the input"]
    tail = [f"Read as {explanation.format} ({explanation.lines} lines)."]
    tail.extend(f"Note: {n}" for n in explanation.notes)
    if explanation.unattributed:
        n = len(explanation.unattributed)
        tail.append(f"Not attributed ({n} line{'s' if n != 1 else ''}):")
        for u in explanation.unattributed[:max_lines]:
            tail.append(f"  line {u.lineno}: {u.text}")
            tail.append(f"    {u.reason}")
        if n > max_lines:
            tail.append(f"  ... and {n - max_lines} more (--json lists them all)")
    if explanation.other:
        parts = [f"{k} ({v} rule{'s' if v != 1 else ''})" for k, v in explanation.other.items()]
        tail.append("Not kube-proxy's: " + ", ".join(parts))
    return "\n".join(out) + "\n\n" + "\n".join(tail)
