"""Views of the traffic-steering chapter: per-zone shares, what each node's rules do, a diagram, the explorer.

Everything drawn here is read from :mod:`k8snet.sim.steering` (traces through the rules each node's kube-proxy
wrote); nothing is decided here.

* :func:`zone_shares_html`: per client zone, the share of new connections that stay in the zone, go to each other
  zone, or are dropped;
* :func:`node_rules_text`: per node, the endpoints its rules send new connections to, with their probabilities
  (or the drop and its reason);
* :func:`zone_traffic_diagram`: zones, their nodes and Pods, and an arrow from each node to each Pod its traffic
  reaches, labelled with the share;
* :func:`traffic_steering_explorer`: zones, replicas in ``zone-a``, ``internalTrafficPolicy`` and
  ``trafficDistribution`` → the three views above (every combination precomputed for the static site).

>>> from k8snet.sim.steering import node_traffic, zonal_cluster, zone_shares
>>> rows = node_traffic(zonal_cluster(zones=2, replicas=(1, 1), traffic_distribution="PreferClose"))
>>> print(node_rules_text(rows).splitlines()[0])
kind-worker (zone-b): 10.244.1.2:8080 100.0% (web-zone-b-..., zone-b)
"""

from __future__ import annotations

import html
from fractions import Fraction
from typing import Any

from k8snet.sim.steering import (
    DISTRIBUTIONS,
    DROPPED,
    POLICIES,
    ZONES,
    NodeTraffic,
    node_traffic,
    zonal_cluster,
    zone_shares,
)
from k8snet.views.explorer import Explorer, Outcome, register
from k8snet.views.graphviz import COLORS, digraph, to_svg

__all__ = [
    "percent",
    "zone_shares_html",
    "node_rules_text",
    "zone_traffic_diagram",
    "steering_outcome",
    "traffic_steering_explorer",
    "NO_DISTRIBUTION",
]

#: The explorer's label for an unset ``trafficDistribution``.
NO_DISTRIBUTION = "(unset)"


def percent(x: Fraction | float) -> str:
    """A share as the chapters print it: one decimal.

    >>> percent(Fraction(2, 3)), percent(Fraction(1))
    ('66.7%', '100.0%')
    """
    return f"{float(x) * 100:.1f}%"


def _short_pod(pod: str) -> str:
    name = pod.split("/", 1)[-1]
    # web-zone-a-<hash>-<suffix>: the random parts say nothing here
    parts = name.split("-")
    return "-".join(parts[:-2]) + "-..." if len(parts) > 3 else name


def zone_shares_html(rows: list[NodeTraffic], zones: list[str] | None = None) -> str:
    """A table: one row per client zone, one column per destination zone and one for dropped connections.

    >>> r = NodeTraffic("n", "zone-a", "DROP", reason="x", dropped=Fraction(1))
    >>> "<td>100.0%</td>" in zone_shares_html([r], ["zone-a"])
    True
    """
    shares = zone_shares(rows)
    zones = zones or sorted({z for row in shares.values() for z in row if z != DROPPED} | set(shares))
    head = "".join(f"<th>to {html.escape(z)}</th>" for z in zones)
    body = []
    for client, row in shares.items():
        cells = "".join(f"<td>{percent(row.get(z, 0))}</td>" for z in zones)
        body.append(
            f"<tr><th>from {html.escape(client)}</th>{cells}<td>{percent(row.get(DROPPED, 0))}</td></tr>"
        )
    return (
        '<table class="k8snet-zone-shares"><thead><tr><th>new connections</th>'
        f"{head}<th>dropped</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def node_rules_text(rows: list[NodeTraffic]) -> str:
    """One line per node: the endpoints its kube-proxy rules send new connections to, with their probabilities,
    or what happens instead."""
    lines = []
    for r in rows:
        head = f"{r.node} ({r.zone})"
        if not r.endpoints:
            lines.append(f"{head}: {r.verdict}: {r.reason}")
            continue
        eps = ", ".join(
            f"{e.endpoint} {percent(e.probability)} ({_short_pod(e.pod)}, {e.zone})"
            for e in sorted(r.endpoints, key=lambda e: (-e.probability, e.endpoint))
        )
        lines.append(f"{head}: {eps}")
    return "\n".join(lines) + "\n"


def zone_traffic_diagram(cluster: Any, rows: list[NodeTraffic]):
    """Zones as boxes holding their nodes; each node with the Pods running on it; an arrow from each client node
    to each Pod its new connections reach, labelled with the share (a red arrow to "dropped" for the rest).

    >>> from k8snet.sim.steering import zonal_cluster
    >>> c = zonal_cluster(zones=2, replicas=(1, 0), internal_traffic_policy="Local")
    >>> src = zone_traffic_diagram(c, node_traffic(c)).source
    >>> "dropped" in src and "cluster_zone_zone_a" in src
    True
    """
    g = digraph("zone_traffic", rankdir="LR", ranksep="0.6", size="7.5,6")
    zone_of: dict[str, str] = {}
    for n in cluster.nodes():
        zone_of[n.metadata.name] = (n.metadata.labels or {}).get("topology.kubernetes.io/zone", "")
    pods_by_node: dict[str, list[Any]] = {}
    for p in cluster.pods("default"):
        pods_by_node.setdefault(p.spec.nodeName or "", []).append(p)
    clients = {r.node for r in rows}
    for zone in sorted(set(zone_of.values())):
        with g.subgraph(name=f"cluster_zone_{zone.replace('-', '_')}") as sub:
            sub.attr(label=zone, style="rounded,dashed", color=COLORS["muted"], fontcolor="#333333")
            for node in sorted(
                n for n, z in zone_of.items() if z == zone and (n in clients or n in pods_by_node)
            ):
                sub.node(f"node_{node}", node, fillcolor=COLORS["node"])
                for p in sorted(pods_by_node.get(node, []), key=lambda p: p.metadata.name):
                    fill = COLORS["pod_terminating"] if p.metadata.deletionTimestamp else COLORS["pod"]
                    parts = p.metadata.name.split("-")
                    label = "-".join(parts[:-2]) + "-…-" + parts[-1] if len(parts) > 3 else p.metadata.name
                    sub.node(f"pod_{p.metadata.name}", f"{label}\non {node}", fillcolor=fill)
                    sub.edge(f"node_{node}", f"pod_{p.metadata.name}", style="invis")
    dropped = False
    for r in rows:
        for e in r.endpoints:
            g.edge(
                f"node_{r.node}",
                f"pod_{e.pod.split('/', 1)[-1]}",
                label=percent(e.probability),
                constraint="false",
            )
        if r.dropped:
            dropped = True
            g.edge(
                f"node_{r.node}", "dropped", label=percent(r.dropped), color="#bb0000", fontcolor="#bb0000"
            )
    if dropped:
        g.node("dropped", "dropped", shape="octagon", color="#bb0000", fontcolor="#bb0000", fillcolor="white")
    return g


def steering_outcome(zones: int, replicas_a: int, policy: str, distribution: str | None) -> Outcome:
    """What the explorer shows for one combination (a fresh cluster: :func:`k8snet.sim.steering.zonal_cluster`
    with ``replicas_a`` Pods in ``zone-a`` and one in each other zone)."""
    replicas = (replicas_a,) + (1,) * (zones - 1)
    c = zonal_cluster(zones, replicas, internal_traffic_policy=policy, traffic_distribution=distribution)
    rows = node_traffic(c)
    td = distribution or "unset"
    intro = (
        f"<p><strong>{zones} zones</strong>, {' + '.join(map(str, replicas))} replicas "
        f"({', '.join(ZONES[:zones])}); <code>internalTrafficPolicy: {policy}</code>, "
        f"<code>trafficDistribution</code> {html.escape(td)}. New connections to the ClusterIP from the "
        "workers of each zone (clients spread evenly over a zone's workers):</p>"
    )
    return Outcome(
        html=intro + zone_shares_html(rows, list(ZONES[:zones])),
        svg=to_svg(zone_traffic_diagram(c, rows)),
        text="What each node's rules do with a new connection (iptables mode):\n" + node_rules_text(rows),
    )


def _render(values: dict[str, Any]) -> Outcome:
    dist = values["distribution"]
    return steering_outcome(
        values["zones"], values["replicas_a"], values["policy"], None if dist == NO_DISTRIBUTION else dist
    )


@register("traffic-steering")
def traffic_steering_explorer() -> Explorer:
    """Zones (2 or 3, two workers each), replicas in ``zone-a`` (0–3; one in each other zone),
    ``internalTrafficPolicy`` and ``trafficDistribution`` → per-zone shares of new connections, a diagram, and the
    endpoints each node's rules use."""
    return Explorer(
        "traffic-steering",
        {
            "zones": [3, 2],
            "replicas_a": [0, 1, 2, 3],
            "policy": list(POLICIES),
            "distribution": [NO_DISTRIBUTION, *(d for d in DISTRIBUTIONS if d is not None)],
        },
        _render,
        labels={
            "zones": "Zones",
            "replicas_a": "Replicas in zone-a",
            "policy": "internalTrafficPolicy",
            "distribution": "trafficDistribution",
        },
        kinds={"replicas_a": "slider"},
        initial={"zones": 3, "replicas_a": 2, "policy": "Cluster", "distribution": "PreferClose"},
        live=False,
    )
