"""Graphviz diagrams drawn from the model: the Service types, the cluster's topology, a Service's endpoints.

Every function reads model objects and returns a :class:`graphviz.Digraph`; :func:`to_svg` renders it as inline
SVG with nothing machine-specific in it (no graphviz version comment), so the same model gives the same bytes.
Styling is kept lean on purpose: explorer pages embed many of these.

>>> from k8snet.views.graphviz import service_types_diagram, to_svg
>>> to_svg(service_types_diagram()).startswith("<svg")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Optional

from ..api.core_v1 import Node, Pod, Service
from ..api.discovery_v1 import EndpointSlice

__all__ = ["service_types_diagram", "cluster_diagram", "to_svg", "COLORS"]

COLORS = {
    "node": "#eef2f7",
    "pod": "#d9ead3",
    "pod_not_ready": "#f4cccc",
    "pod_terminating": "#fce5cd",
    "service": "#cfe2f3",
    "external": "#ffffff",
    "edge": "#555555",
    "highlight": "#cc0000",
}

_FONT = "Helvetica"


def _digraph(name: str, rankdir: str = "LR"):
    import graphviz  # views are the only package that imports graphviz, and only when drawing

    g = graphviz.Digraph(name)
    g.attr(
        rankdir=rankdir, fontname=_FONT, fontsize="10", bgcolor="transparent", nodesep="0.25", ranksep="0.4"
    )
    g.attr(
        "node",
        fontname=_FONT,
        fontsize="10",
        shape="box",
        style="rounded,filled",
        fillcolor="white",
        height="0.3",
        margin="0.08,0.04",
    )
    g.attr("edge", fontname=_FONT, fontsize="9", color=COLORS["edge"], arrowsize="0.6")
    return g


def to_svg(graph: Any) -> str:
    """Render a Digraph to inline SVG (no XML declaration, no comments).

    >>> import graphviz
    >>> "<!--" in to_svg(graphviz.Digraph())
    False
    """
    from .explorer import inline_svg

    return inline_svg(graph.pipe(format="svg"))


def service_types_diagram():
    """How the Service types build on each other (Kubernetes docs, "Service type").

    A NodePort Service is a ClusterIP Service plus a port on every node; a LoadBalancer Service is a NodePort
    Service (unless ``allocateLoadBalancerNodePorts: false``) plus an external load balancer. ExternalName is a
    DNS CNAME with no virtual IP and no proxying. "Headless" is not a type: it is a ClusterIP Service with
    ``clusterIP: None``, answered by DNS with the endpoints' own addresses.
    """
    g = _digraph("service_types", rankdir="BT")
    g.node("ClusterIP", "ClusterIP\nvirtual IP inside the cluster", fillcolor=COLORS["service"])
    g.node("NodePort", "NodePort\n+ a port on every node", fillcolor=COLORS["service"])
    g.node("LoadBalancer", "LoadBalancer\n+ an external load balancer", fillcolor=COLORS["service"])
    g.node("ExternalName", "ExternalName\nDNS CNAME only", fillcolor="white", style="rounded,dashed")
    g.node(
        "Headless",
        "headless (clusterIP: None)\nDNS returns endpoint IPs",
        fillcolor="white",
        style="rounded,dashed",
    )
    g.edge("NodePort", "ClusterIP", label="builds on")
    g.edge("LoadBalancer", "NodePort", label="builds on")
    g.edge("Headless", "ClusterIP", label="variant of type ClusterIP", style="dashed")
    return g


def _gid(kind: str, name: str) -> str:
    """An opaque graphviz node id: dot reads ``a:b`` in a node name as node ``a``, port ``b``."""
    return kind + "_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


def _pod_id(pod: Pod) -> str:
    return _gid("pod", f"{pod.metadata.namespace or 'default'}/{pod.metadata.name}")


def cluster_diagram(
    nodes: Iterable[Node],
    pods: Iterable[Pod],
    services: Iterable[Service] = (),
    endpoint_slices: Iterable[EndpointSlice] = (),
    namespace: Optional[str] = "default",
    highlight: Optional[str] = None,
):
    """Nodes with their pods, and each Service with an edge to every endpoint its EndpointSlices list.

    Solid edges go to ready endpoints, dashed ones to endpoints that are serving but not ready (terminating) or
    not serving. Pods are coloured by readiness. Only ``namespace``'s pods and Services are drawn (``None`` for
    all). ``highlight`` names a Service whose edges are drawn in red.

    >>> from k8snet.api.core_v1 import Node
    >>> g = cluster_diagram([Node(metadata={"name": "n1"})], [])
    >>> "n1" in g.source
    True
    """
    g = _digraph("cluster")
    pods = [p for p in pods if namespace is None or (p.metadata.namespace or "default") == namespace]
    by_node: dict[str, list[Pod]] = {}
    for p in pods:
        by_node.setdefault((p.spec.nodeName if p.spec else None) or "", []).append(p)
    pod_by_ip = {p.status.podIP: p for p in pods if p.status and p.status.podIP}
    for node in sorted(nodes, key=lambda n: n.metadata.name or ""):
        name = node.metadata.name or ""
        with g.subgraph(name=f"cluster_{name}") as sub:
            ip = node.address("InternalIP") or ""
            sub.attr(
                label=f"{name}\n{ip}",
                style="rounded,filled",
                fillcolor=COLORS["node"],
                color="#9999aa",
                fontsize="10",
            )
            for p in sorted(by_node.get(name, []), key=lambda p: p.metadata.name or ""):
                if p.metadata.deletionTimestamp is not None:
                    fill = COLORS["pod_terminating"]
                elif p.is_ready():
                    fill = COLORS["pod"]
                else:
                    fill = COLORS["pod_not_ready"]
                label = f"{p.metadata.name}\n{p.status.podIP if p.status else ''}"
                sub.node(_pod_id(p), label, fillcolor=fill)
    for svc in sorted(services, key=lambda s: s.metadata.name or ""):
        ns = svc.metadata.namespace or "default"
        if namespace is not None and ns != namespace:
            continue
        spec = svc.spec
        kind = (spec.type if spec else None) or "ClusterIP"
        ip = (spec.clusterIP if spec else None) or ""
        sid = _gid("svc", f"{ns}/{svc.metadata.name}")
        label = f"{svc.metadata.name}\n{kind} {ip}".strip()
        g.node(sid, label, shape="box", fillcolor=COLORS["service"], style="filled")
        color = COLORS["highlight"] if highlight == svc.metadata.name else COLORS["edge"]
        for sl in endpoint_slices:
            labels = sl.metadata.labels or {}
            if (
                labels.get("kubernetes.io/service-name") != svc.metadata.name
                or (sl.metadata.namespace or "default") != ns
            ):
                continue
            for ep in sl.endpoints or []:
                cond = ep.conditions
                ready = cond is None or cond.ready is not False
                for addr in ep.addresses:
                    target = pod_by_ip.get(addr)
                    tid = _pod_id(target) if target else _gid("ip", addr)
                    if target is None:
                        g.node(tid, addr, fillcolor=COLORS["external"], style="rounded,dashed")
                    g.edge(sid, tid, color=color, style="solid" if ready else "dashed")
    return g
