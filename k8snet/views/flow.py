"""Where traffic goes, drawn: a packet's trace, a load balancer's shares, every node's NodePort.

* :func:`trace_diagram`: a packet's trip through the cluster, client -> node(s) -> pod, one path per possible
  endpoint (a :class:`~k8snet.sim.trace.Trace`);
* :func:`whatif_diagram` / :func:`lb_diagram`: client -> load balancer -> nodes -> pods with each edge's share
  of new connections (a :class:`~k8snet.sim.whatif.WhatIf`);
* :func:`nodeport_diagram`: client -> every node's ``IP:nodePort`` -> pods
  (:func:`k8snet.sim.traffic.nodeport_entries`).

:func:`register_display_formatters` (called when :mod:`k8snet.views` is imported in IPython) makes a notebook
show a ``Trace`` or a ``WhatIf`` as its diagram; the model itself knows nothing of drawing.

In a trace diagram, edges carry the address rewrite done on the way (``DNAT 10.96.0.10:53 -> 10.244.0.2:53``,
``MASQUERADE 203.0.113.7 -> 172.18.0.3``) and the path's probability; the path drawn with ``seed`` is bold,
dropped paths and their verdict are red.

>>> from k8snet.sim.cluster import Cluster
>>> from k8snet.sim.trace import trace
>>> t = trace(Cluster(preset="minikube"), "minikube", "kube-system/kube-dns:dns")
>>> g = trace_diagram(t)
>>> "DNAT" in g.source and "10.244.0.2:53" in g.source
True
"""

from __future__ import annotations

import hashlib
import sys
import textwrap
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from k8snet.i18n import _, translate
from k8snet.sim.whatif import CLIENT_IP
from k8snet.views.graphviz import COLORS, digraph, dot_available, to_svg

if TYPE_CHECKING:
    from k8snet.sim.traffic import EntryResult

__all__ = [
    "trace_diagram",
    "whatif_diagram",
    "lb_diagram",
    "nodeport_diagram",
    "trace_svg",
    "whatif_svg",
    "register_display_formatters",
]

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
    # the model's words in the reader's language (kube-proxy's comments and iptables verdicts as written);
    # a CJK character is two columns wide
    verdict = _("no route") if verdict == "no route" else verdict
    reason = translate(reason)
    lines = textwrap.wrap(reason, 24 if any(ord(ch) >= 0x2E80 for ch in reason) else 48)
    if len(lines) > 4:
        lines = lines[:4]
        lines[-1] += " ..."
    return "\n".join([verdict, *lines])


def _id(text: str) -> str:
    # graphviz reads "a:b" in an edge as node a, port b: use opaque ids
    return "n" + hashlib.sha1(text.encode()).hexdigest()[:12]


def trace_diagram(trace: Any):
    """A :class:`graphviz.Digraph` of a :class:`~k8snet.sim.trace.Trace` (every outcome; the chosen one bold)."""
    g = digraph("trace")
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


def _pct(x: Fraction) -> str:
    # exact whole percents only (:func:`k8snet.sim.traffic.percent` also rounds values within 1e-6)
    return f"{float(x):.0%}" if float(x) * 100 == round(float(x) * 100) else f"{float(x):.1%}"


def whatif_diagram(w: Any):
    """client → load balancer → nodes → pods, edges labelled with their share of new connections.

    Nodes are boxes holding their pods; red dashed edges end in a drop; a pod's label says which source
    address it sees.

    >>> from k8snet.sim.whatif import what_if
    >>> g = whatif_diagram(what_if(replicas=2, placement=["kind-worker", "kind-worker2"]))
    >>> "generic LB" in g.source and "50%" in g.source
    True
    """
    g = digraph("whatif")
    t = w.trace
    g.node("client", f"client\n{t.client}", fillcolor=COLORS["external"])
    g.node("lb", f"{t.provider} LB\n{t.lb_address}:{t.port}", fillcolor=COLORS["service"])
    g.edge("client", "lb", label="100%")
    seen = w.sources_seen
    for n in w.nodes:
        with g.subgraph(name=f"cluster_{n}") as sub:
            sub.attr(
                label=n, style="rounded,filled", fillcolor=COLORS["node"], color="#9999aa", fontsize="10"
            )
            sub.node(f"n_{n}", "kube-proxy", shape="box", fillcolor="white")
            for p, pn in w.pod_nodes.items():
                if pn != n:
                    continue
                fill = COLORS["pod"] if w.pod_ready.get(p, True) else COLORS["pod_not_ready"]
                src = ", ".join(seen.get(p, [])) or "-"
                sub.node(f"p_{p}", f"{p}\n{_pct(w.per_pod[p])}\nsees {src}", fillcolor=fill)
    for bk in t.backends:  # nodes that are not targets (excluded, or not the announcing node) get no edge
        if bk.share:
            g.edge("lb", f"n_{bk.node}", label=_pct(bk.share))
        else:
            status = bk.check.rsplit(" ", 1)[-1] if "->" in bk.check else "unhealthy"
            g.edge(
                "lb",
                f"n_{bk.node}",
                label="0% " + _("(health check {status})").format(status=status),
                style="dotted",
                color=COLORS["muted"],
            )
    flows: dict[tuple[str, str], Fraction] = {}
    drops: dict[str, Fraction] = {}
    for p in t.paths:
        if p.node is None:
            drops["lb"] = drops.get("lb", Fraction(0)) + p.probability
        elif p.verdict == "delivered" and p.pod:
            flows[(p.node, p.pod)] = flows.get((p.node, p.pod), Fraction(0)) + p.probability
        else:
            drops[p.node] = drops.get(p.node, Fraction(0)) + p.probability
    for (n, pod), s in sorted(flows.items()):
        g.edge(f"n_{n}", f"p_{pod}", label=_pct(s))
    for where, s in sorted(drops.items()):
        g.node(f"d_{where}", _("dropped"), shape="plaintext", fontcolor=COLORS["highlight"], style="")
        src = "lb" if where == "lb" else f"n_{where}"
        g.edge(src, f"d_{where}", label=_pct(s), color=COLORS["highlight"], style="dashed")
    return g


def lb_diagram(
    cluster: Any, service: str, namespace: str = "default", client: str = CLIENT_IP, mode: str = "iptables"
):
    """client → load balancer → nodes → Pods for a provisioned LoadBalancer Service of ``cluster``
    (:func:`k8snet.sim.traffic.cluster_what_if` drawn by :func:`whatif_diagram`)."""
    # the model's analysis loads on first use, so that importing views (and registering formatters) stays cheap
    from k8snet.sim.traffic import cluster_what_if

    return whatif_diagram(cluster_what_if(cluster, service, namespace, client, mode))


def nodeport_diagram(entries: list[EntryResult], client: str = CLIENT_IP, pods: dict[str, str] | None = None):
    """client → every node's ``IP:nodePort`` → Pods, each edge labelled with its share *given that entry node*.

    Nodes that split new connections identically (with ``externalTrafficPolicy: Cluster``, all of them) are
    joined into one hub that fans out to the Pods, so each share is drawn once. ``pods`` (``namespace/name`` →
    node) adds Pods that receive nothing from any node (drawn without edges). Red dashed edges end in a drop.

    >>> from k8snet.sim.traffic import EntryResult
    >>> e = EntryResult("n1", "192.168.0.2", 30000, "DROP", "DROP: no local endpoints", dropped=Fraction(1))
    >>> "dropped" in nodeport_diagram([e]).source
    True
    """
    from k8snet.sim.traffic import percent, pod_name

    g = digraph("nodeport")
    g.node("client", f"client\n{client}", fillcolor=COLORS["external"])
    all_pods: dict[str, str] = dict(pods or {})
    seen: dict[str, set[str]] = {}
    for e in entries:
        all_pods.update(e.pod_nodes)
        for pod, srcs in e.sources.items():
            seen.setdefault(pod, set()).update(srcs)
    # three columns: the client, every node's IP:nodePort, the Pods (each labelled with its node), so that no
    # edge has to run backwards through a node's box
    with g.subgraph(name="entries") as sub:
        sub.attr(rank="same")
        for e in entries:
            sub.node(f"node_{e.node}", f"{e.node}\n{e.node_ip}:{e.port}", fillcolor=COLORS["node"])
    for e in entries:
        g.edge("client", f"node_{e.node}")
    for pod, node in sorted(all_pods.items(), key=lambda kv: (kv[1], kv[0])):
        src = ", ".join(sorted(seen.get(pod, []))) or "-"
        g.node(
            f"pod_{pod}",
            _("{pod} on {node}\nsees {source}").format(pod=pod_name(pod), node=node, source=src),
            fillcolor=COLORS["pod"],
        )
    # Nodes that split their connections the same way (every node, with externalTrafficPolicy: Cluster) share
    # one "spread" hub: node -> hub -> each Pod, each share written once, instead of nodes x Pods crossing edges.
    groups: dict[tuple, list[EntryResult]] = {}
    for e in entries:
        if e.shares:
            groups.setdefault(tuple(sorted(e.shares.items())), []).append(e)
    for i, (key, members) in enumerate(groups.items()):
        if len(members) > 1 and len(key) > 1:
            hub = f"spread_{i}"
            g.node(
                hub,
                _("kube-proxy on each of these nodes\npicks one of {count} endpoints").format(count=len(key)),
                shape="box",
                style="rounded,dashed",
                fillcolor="white",
            )
            for e in members:
                g.edge(f"node_{e.node}", hub)
            for pod, share in key:
                g.edge(hub, f"pod_{pod}", label=percent(share))
        else:
            for e in members:
                for pod, share in e.shares.items():
                    g.edge(f"node_{e.node}", f"pod_{pod}", label=percent(share))
    for e in entries:
        if e.dropped:
            g.node(f"drop_{e.node}", _("dropped"), shape="plaintext", fontcolor=COLORS["highlight"], style="")
            g.edge(
                f"node_{e.node}",
                f"drop_{e.node}",
                label=percent(e.dropped),
                color=COLORS["highlight"],
                style="dashed",
            )
    return g


def trace_svg(trace: Any) -> str:
    """Inline SVG of :func:`trace_diagram` (what a notebook shows for a ``Trace``)."""
    return to_svg(trace_diagram(trace))


def whatif_svg(w: Any) -> str:
    """Inline SVG of :func:`whatif_diagram` (what a notebook shows for a ``WhatIf``)."""
    return to_svg(whatif_diagram(w))


def register_display_formatters(ipython: Any = None) -> bool:
    """Make IPython show a :class:`~k8snet.sim.trace.Trace` and a :class:`~k8snet.sim.whatif.WhatIf` as their
    diagrams (``image/svg+xml``; HTML where ``dot`` cannot run), in ``ipython`` or the running shell; ``False``
    if there is none.

    The formatters are registered by module and class name, so nothing is imported until such an object
    is displayed.

    >>> register_display_formatters()  # no IPython shell runs the doctests
    False
    """
    if ipython is None:
        ipython_module = sys.modules.get("IPython")  # not imported: no shell can be running
        ipython = ipython_module.get_ipython() if ipython_module is not None else None
    if ipython is None:
        return False
    # where `dot` cannot run (JupyterLite) the diagrams are HTML for the page to draw (graphviz.dot_placeholder)
    mime = "image/svg+xml" if dot_available() else "text/html"
    formatter = ipython.display_formatter.formatters[mime]
    formatter.for_type_by_name("k8snet.sim.trace", "Trace", trace_svg)
    formatter.for_type_by_name("k8snet.sim.whatif", "WhatIf", whatif_svg)
    return True
