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
  ``trafficDistribution`` → the three views above (every combination precomputed for the static site);
* :func:`nodeport_zones_text`, :func:`terminating_text`, :func:`seconds_later`: the chapter's other printed
  lines.

The words are the reader's language (:mod:`k8snet.i18n`); zone, node and Pod names, field names and what
kube-proxy's rules say (``DROP: default/web has no local endpoints``) stay as Kubernetes writes them.

>>> from k8snet.sim.steering import node_traffic, zonal_cluster, zone_shares
>>> rows = node_traffic(zonal_cluster(zones=2, replicas=(1, 1), traffic_distribution="PreferClose"))
>>> print(node_rules_text(rows).splitlines()[0])
kind-worker (zone-b): 10.244.1.2:8080 100.0% (web-zone-b-..., zone-b)
"""

from __future__ import annotations

import html
from fractions import Fraction
from typing import Any

from k8snet.i18n import N_, _, get_language
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
    "nodeport_zones_text",
    "terminating_text",
    "seconds_later",
]

#: The explorer's value for an unset ``trafficDistribution`` (shown translated, :func:`k8snet.i18n._`).
NO_DISTRIBUTION = N_("(unset)")


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
    to_zone, from_zone = _("to {zone}"), _("from {zone}")
    head = "".join(f"<th>{to_zone.format(zone=html.escape(z))}</th>" for z in zones)
    body = []
    for client, row in shares.items():
        cells = "".join(f"<td>{percent(row.get(z, 0))}</td>" for z in zones)
        body.append(
            f"<tr><th>{from_zone.format(zone=html.escape(client))}</th>{cells}"
            f"<td>{percent(row.get(DROPPED, 0))}</td></tr>"
        )
    # _() outside the f-string: the catalog's extractor does not look inside f-strings
    corner, dropped = _("new connections"), _("dropped")
    return (
        f'<table class="k8snet-zone-shares"><thead><tr><th>{corner}</th>'
        f"{head}<th>{dropped}</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
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
                    sub.node(
                        f"pod_{p.metadata.name}",
                        _("{pod}\non {node}").format(pod=label, node=node),
                        fillcolor=fill,
                    )
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
        g.node(
            "dropped", _("dropped"), shape="octagon", color="#bb0000", fontcolor="#bb0000", fillcolor="white"
        )
    return g


#: The traced clusters by combination (the same in every language) and the outcomes by combination and language.
_TRACED: dict[tuple, tuple[Any, list[NodeTraffic]]] = {}
_OUTCOMES: dict[tuple, Outcome] = {}


def steering_outcome(zones: int, replicas_a: int, policy: str, distribution: str | None) -> Outcome:
    """What the explorer shows for one combination (a fresh cluster: :func:`k8snet.sim.steering.zonal_cluster`
    with ``replicas_a`` Pods in ``zone-a`` and one in each other zone), in the reader's language."""
    combination = (zones, replicas_a, policy, distribution)
    key = (*combination, get_language())
    if key in _OUTCOMES:
        return _OUTCOMES[key]
    replicas = (replicas_a,) + (1,) * (zones - 1)
    if combination not in _TRACED:  # the simulation is the same in every language
        c = zonal_cluster(zones, replicas, internal_traffic_policy=policy, traffic_distribution=distribution)
        _TRACED[combination] = (c, node_traffic(c))
    c, rows = _TRACED[combination]
    td = distribution or _("unset")
    intro = _(
        "<p><strong>{zones} zones</strong>, {replicas} replicas ({names}); <code>internalTrafficPolicy: "
        "{policy}</code>, <code>trafficDistribution</code> {distribution}. New connections to the ClusterIP "
        "from the workers of each zone (clients spread evenly over a zone's workers):</p>"
    ).format(
        zones=zones,
        replicas=" + ".join(map(str, replicas)),
        names=", ".join(ZONES[:zones]),
        policy=policy,
        distribution=html.escape(td),
    )
    out = Outcome(
        html=intro + zone_shares_html(rows, list(ZONES[:zones])),
        svg=to_svg(zone_traffic_diagram(c, rows)),
        text=_("What each node's rules do with a new connection (iptables mode):")
        + "\n"
        + node_rules_text(rows),
    )
    _OUTCOMES[key] = out
    return out


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
            "zones": N_("Zones"),
            "replicas_a": N_("Replicas in zone-a"),
            "policy": "internalTrafficPolicy",
            "distribution": "trafficDistribution",
        },
        kinds={"replicas_a": "slider"},
        initial={"zones": 3, "replicas_a": 2, "policy": "Cluster", "distribution": "PreferClose"},
        live=False,
    )


# --- the chapter's printed lines ------------------------------------------------------------------------------


def nodeport_zones_text(
    cluster: Any, service: str = "web", skip: tuple[str, ...] = ("kind-control-plane",)
) -> str:
    """Per node (but ``skip``), the zones a new connection from outside to the node's NodePort goes to, with
    their shares, or why it is dropped (from :func:`k8snet.sim.traffic.nodeport_entries`: traces through each
    node's rules).

    >>> c = zonal_cluster(zones=2, replicas=(1, 0), service_type="NodePort", external_traffic_policy="Local")
    >>> print(nodeport_zones_text(c), end="")  # doctest: +NORMALIZE_WHITESPACE
      kind-worker   (zone-b): DROP: default/web has no local endpoints
      kind-worker2  (zone-a): zone-a 100.0%
      kind-worker3  (zone-b): DROP: default/web has no local endpoints
      kind-worker4  (zone-a): DROP: default/web has no local endpoints
    """
    from k8snet.sim.steering import LABEL_ZONE
    from k8snet.sim.traffic import nodeport_entries

    zone_of = {n.metadata.name: (n.metadata.labels or {}).get(LABEL_ZONE, "") for n in cluster.nodes()}
    lines = []
    for e in nodeport_entries(cluster, service):
        if e.node in skip:
            continue
        by_zone: dict[str, Fraction] = {}
        for pod, share in e.shares.items():
            zone = zone_of[e.pod_nodes[pod]]
            by_zone[zone] = by_zone.get(zone, Fraction(0)) + share
        # the reason is what the node's kube-proxy rules say (English, as on a real node)
        to = ", ".join(f"{zone} {float(share):.1%}" for zone, share in sorted(by_zone.items())) or e.reason
        lines.append(f"  {e.node:<13} ({zone_of[e.node]}): {to}")
    return "\n".join(lines) + "\n"


def terminating_text(cluster: Any, selector: dict[str, str], namespace: str = "default") -> str:
    """One line per terminating Pod that ``selector`` matches: its node and how long until it is removed
    (its ``deletionTimestamp`` on the cluster's clock).

    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster()
    >>> out = c.kubectl("create deployment web --image=nginx --replicas=1")
    >>> out = c.kubectl("scale deployment web --replicas=0")
    >>> terminating_text(c, {"app": "web"}).split(": ")[1].strip()
    'removed in 30 s'
    """
    lines = []
    for p in cluster.pods(namespace, selector):
        if p.metadata.deletionTimestamp:
            left = (p.metadata.deletionTimestamp - cluster.clock.now()).total_seconds()
            lines.append(
                _("{pod} on {node}: removed in {seconds} s").format(
                    pod=p.metadata.name, node=p.spec.nodeName, seconds=f"{left:.0f}"
                )
            )
    return "".join(line + "\n" for line in lines)


def seconds_later(seconds: float) -> str:
    """How long the simulated clock moved, as the chapter prints it.

    >>> seconds_later(20.0)
    '20 seconds later'
    """
    return _("{seconds} seconds later").format(seconds=f"{seconds:.0f}")
