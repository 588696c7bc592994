"""A packet's trip through the cluster as a diagram: client -> node(s) -> pod, one path per possible endpoint.

Edges carry the address rewrite done on the way (``DNAT 10.96.0.10:53 -> 10.244.0.2:53``, ``MASQUERADE
203.0.113.7 -> 172.18.0.3``) and the path's probability; the path drawn with ``seed`` is bold, dropped paths and
their verdict are red.

>>> from k8snet.sim.cluster import Cluster
>>> from k8snet.sim.trace import trace
>>> t = trace(Cluster(preset="minikube"), "minikube", "kube-system/kube-dns:dns")
>>> g = trace_diagram(t)
>>> "DNAT" in g.source and "10.244.0.2:53" in g.source
True
"""

from __future__ import annotations

import hashlib
import textwrap
from typing import Any

from .graphviz import COLORS, _digraph

__all__ = ["trace_diagram"]

_RED = COLORS["highlight"]


def _hop_label(hop: Any) -> str:
    r = hop.result
    pkt = hop.packet
    parts = []
    if r.dnat:
        parts.append(f"DNAT {pkt.dst_ip}:{pkt.dst_port} -> {r.destination}")
    if r.masquerade or r.snat:
        parts.append(f"{'MASQUERADE' if r.masquerade else 'SNAT'} {pkt.src_ip} -> {r.src_ip}")
    return "\n".join(parts)


def _wrap(verdict: str, reason: str) -> str:
    lines = textwrap.wrap(reason, 48)
    if len(lines) > 4:
        lines = lines[:4]
        lines[-1] += " ..."
    return "\n".join([verdict, *lines])


def _id(text: str) -> str:
    # graphviz reads "a:b" in an edge as node a, port b: use opaque ids
    return "n" + hashlib.sha1(text.encode()).hexdigest()[:12]


def trace_diagram(trace: Any):
    """A :class:`graphviz.Digraph` of a :class:`~k8snet.sim.trace.Trace` (every outcome; the chosen one bold)."""
    g = _digraph("trace")
    client = _id("client")
    g.node(
        client,
        trace.source if trace.source == trace.source_ip else f"{trace.source}\n{trace.source_ip}",
        fillcolor=COLORS["pod"] if trace.source_kind == "pod" else COLORS["external"],
    )
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def edge(a: str, b: str, label: str, chosen: bool, red: bool = False) -> None:
        key = (a, b, label)
        attrs = edges.setdefault(key, {"chosen": False, "red": red})
        attrs["chosen"] = attrs["chosen"] or chosen

    for o in trace.outcomes:
        chosen = o is trace.chosen
        prob = f"{float(o.probability):.0%}" if len(trace.outcomes) > 1 else ""
        if not o.hops:
            nid = _id(f"drop:{o.verdict}")
            g.node(nid, _wrap(o.verdict, o.reason), color=_RED, fontcolor=_RED, style="rounded")
            edge(client, nid, trace.destination, chosen, red=True)
            continue
        first = o.hops[0]
        prev = _id(f"node:{first.node}")
        edge(client, prev, f"{first.packet.src_ip} -> {first.packet.dst_ip}:{first.packet.dst_port}", chosen)
        for i, hop in enumerate(o.hops):
            here = _id(f"node:{hop.node}")
            g.node(here, hop.node, fillcolor=COLORS["node"])
            if i > 0:
                edge(prev, here, _hop_label(o.hops[i - 1]), chosen)
            prev = here
        last = o.hops[-1]
        if o.verdict != "delivered":
            nid = _id(f"drop:{last.node}:{o.verdict}:{o.reason}")
            g.node(nid, _wrap(o.verdict, o.reason), color=_RED, fontcolor=_RED, style="rounded")
            edge(prev, nid, "", chosen, red=True)
            continue
        kind, name = o.delivered_to or ("", "")
        nid = _id(f"{kind}:{name}")
        if kind == "node":
            edge(prev, _id(f"node:{name}"), "", chosen)
            continue
        fill = COLORS["pod"] if kind == "pod" else COLORS["external"]
        g.node(nid, f"{name}\n{o.endpoint}", fillcolor=fill)
        label = "\n".join(
            x
            for x in (
                _hop_label(last) if len(o.hops) == 1 or last.result.dnat or last.result.masquerade else "",
                prob,
            )
            if x
        )
        edge(prev, nid, label, chosen)
    for (a, b, label), attrs in edges.items():
        color = _RED if attrs["red"] else COLORS["edge"]
        g.edge(
            a,
            b,
            label=label,
            color=color,
            fontcolor=color if attrs["red"] else "#333333",
            penwidth="2" if attrs["chosen"] else "1",
        )
    return g
