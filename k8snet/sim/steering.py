"""Traffic steering: where a Service's new connections go when its policies and topology say "prefer local".

The numbers behind the traffic-steering chapter. Nothing here decides where a packet goes: every share is the
probability :func:`k8snet.sim.trace.trace_world` finds by running the rules each node's kube-proxy wrote, and
those rules come from the EndpointSlices (with their ``hints``) the EndpointSlice controller wrote for the
Service. What decides is upstream's, in the layers below: ``internalTrafficPolicy``/``externalTrafficPolicy`` and
the serving-terminating fallback in ``CategorizeEndpoints`` (kubernetes/kubernetes ``pkg/proxy/topology.go``,
:mod:`k8snet.proxy.topology`), the hints of ``trafficDistribution`` (``staging/src/k8s.io/endpointslice/
trafficdist/trafficdist.go``, :mod:`k8snet.controllers.endpointslice`).

* :func:`zonal_cluster`: a kind-like cluster with two workers per zone (labels ``topology.kubernetes.io/zone``),
  a Deployment ``web-<zone>`` per zone pinned there with a ``nodeSelector``, and a Service ``web`` over all of
  them with the policies and distribution asked for;
* :func:`node_traffic`: for every node, where a new connection to the Service's ClusterIP from that node goes:
  each endpoint with its probability, or the drop and its reason;
* :func:`zone_shares`: the same per client zone (clients spread evenly over the zone's workers): the share that
  stays in the zone, goes to each other zone, or is dropped.

Not modelled: the ``service.kubernetes.io/topology-mode: Auto`` annotation's proportional hints (the
EndpointSlice controller's ``topologycache``, which allots endpoints to zones by their nodes' allocatable CPU).
A Service with that annotation gets no hints in the model (upstream's annotation takes precedence over
``trafficDistribution``; when its heuristics refuse, it also leaves the slices without hints).

Example
-------
>>> c = zonal_cluster(zones=2, replicas=(1, 1), traffic_distribution="PreferClose")
>>> {zone: {to: str(share) for to, share in row.items()} for zone, row in zone_shares(node_traffic(c)).items()}
{'zone-a': {'zone-a': '1'}, 'zone-b': {'zone-b': '1'}}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from k8snet.errors import K8snetError
from k8snet.sim.cluster import Cluster
from k8snet.sim.trace import trace_world, world_for

__all__ = [
    "ZONES",
    "POLICIES",
    "DISTRIBUTIONS",
    "LABEL_ZONE",
    "zonal_cluster",
    "EndpointShare",
    "NodeTraffic",
    "node_traffic",
    "zone_shares",
    "DROPPED",
]

LABEL_ZONE = "topology.kubernetes.io/zone"
ZONES = ("zone-a", "zone-b", "zone-c")
POLICIES = ("Cluster", "Local")
#: ``spec.trafficDistribution`` values of v1.34 (``PreferSameZone``/``PreferSameNode``: feature gate
#: ``PreferSameTrafficDistribution``, beta and on by default in v1.34); ``None``: the field unset.
DISTRIBUTIONS: tuple[str | None, ...] = (None, "PreferClose", "PreferSameZone", "PreferSameNode")
#: The key of :func:`zone_shares` rows for connections that are dropped or rejected.
DROPPED = "dropped"


def zonal_cluster(
    zones: int = 3,
    replicas: Sequence[int] = (1, 1, 1),
    internal_traffic_policy: str = "Cluster",
    traffic_distribution: str | None = None,
    external_traffic_policy: str | None = None,
    service_type: str = "ClusterIP",
    annotations: dict[str, str] | None = None,
    seed: int = 0,
) -> Cluster:
    """A kind-like cluster over ``zones`` zones (``zone-a``...): the control plane and two workers per zone
    (kind names them in turn: with three zones ``kind-worker3`` and ``kind-worker6`` are in ``zone-a``), a
    Deployment ``web-<zone>`` with ``replicas[i]`` Pods in zone ``i`` (container port 8080; the scheduler
    spreads them over the zone's two workers), and Service ``web`` (port 80) selecting all of them.

    >>> c = zonal_cluster(zones=2, replicas=(2, 0))
    >>> sorted((p.spec.nodeName, c.get("Node", p.spec.nodeName).metadata.labels[LABEL_ZONE]) for p in c.pods("default"))
    [('kind-worker2', 'zone-a'), ('kind-worker4', 'zone-a')]
    """
    if not 1 <= zones <= len(ZONES):
        raise K8snetError(f"zonal_cluster(zones={zones!r}): between 1 and {len(ZONES)} zones")
    if len(replicas) != zones or any(not isinstance(r, int) or r < 0 for r in replicas):
        raise K8snetError(f"zonal_cluster: give one replica count (>= 0) per zone, got {list(replicas)!r}")
    names = list(ZONES[:zones])
    cluster = Cluster(nodes=1 + 2 * zones, zones=names, seed=seed)
    objects: list[dict[str, Any]] = []
    for zone, count in zip(names, replicas, strict=True):
        if not count:
            continue
        labels = {"app": "web", "zone": zone}
        objects.append(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": f"web-{zone}"},
                "spec": {
                    "replicas": count,
                    "selector": {"matchLabels": labels},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            "nodeSelector": {LABEL_ZONE: zone},
                            "containers": [
                                {"name": "web", "image": "nginx", "ports": [{"containerPort": 8080}]}
                            ],
                        },
                    },
                },
            }
        )
    spec: dict[str, Any] = {
        "type": service_type,
        "selector": {"app": "web"},
        "internalTrafficPolicy": internal_traffic_policy,
        "ports": [{"port": 80, "targetPort": 8080}],
    }
    if traffic_distribution is not None:
        spec["trafficDistribution"] = traffic_distribution
    if external_traffic_policy is not None:
        spec["externalTrafficPolicy"] = external_traffic_policy
    metadata: dict[str, Any] = {"name": "web"}
    if annotations:
        metadata["annotations"] = dict(annotations)
    objects.append({"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec})
    cluster.apply({"apiVersion": "v1", "kind": "List", "items": objects}, atomic=True)
    return cluster


@dataclass(frozen=True)
class EndpointShare:
    """One endpoint a node's rules send new connections to, with the probability of that choice."""

    endpoint: str
    pod: str
    node: str
    zone: str
    probability: Fraction


@dataclass
class NodeTraffic:
    """Where a new connection from ``node`` (in ``zone``) to the Service goes: ``endpoints`` with their
    probabilities, and the probability it is ``dropped`` (``verdict`` and ``reason`` say how)."""

    node: str
    zone: str
    verdict: str
    reason: str = ""
    endpoints: list[EndpointShare] = field(default_factory=list)
    dropped: Fraction = Fraction(0)

    @property
    def by_zone(self) -> dict[str, Fraction]:
        """The probability of each destination zone (and :data:`DROPPED`), zones in name order."""
        out: dict[str, Fraction] = {}
        for ep in sorted(self.endpoints, key=lambda e: e.zone):
            out[ep.zone] = out.get(ep.zone, Fraction(0)) + ep.probability
        if self.dropped:
            out[DROPPED] = self.dropped
        return out


def _schedulable(node: Any) -> bool:
    return not any(t.effect in ("NoSchedule", "NoExecute") for t in (node.spec.taints or []))


def node_traffic(
    cluster: Any,
    service: str = "web",
    namespace: str = "default",
    port: int = 80,
    mode: str = "iptables",
    nodes: Sequence[str] | None = None,
) -> list[NodeTraffic]:
    """Trace a new connection to ``service``'s ClusterIP and ``port`` from every node that runs workloads (not
    tainted ``NoSchedule``), or from ``nodes``: a process on the node, whose packet meets the same kube-proxy
    rules as one from a Pod there.

    >>> c = zonal_cluster(zones=2, replicas=(1, 0), internal_traffic_policy="Local")
    >>> [(t.node, t.verdict, t.reason) for t in node_traffic(c)]  # doctest: +NORMALIZE_WHITESPACE
    [('kind-worker', 'DROP', 'default/web has no local endpoints'),
     ('kind-worker2', 'delivered', ''),
     ('kind-worker3', 'DROP', 'default/web has no local endpoints'),
     ('kind-worker4', 'DROP', 'default/web has no local endpoints')]
    """
    svc = cluster.get("Service", service, namespace)
    ip = svc.spec.clusterIP
    if not ip or ip == "None":
        raise K8snetError(f"service {namespace}/{service} has no ClusterIP to send traffic to")
    world = world_for(cluster, mode)
    zone_of = {n.metadata.name: (n.metadata.labels or {}).get(LABEL_ZONE, "") for n in world.nodes}
    names = list(nodes) if nodes is not None else [n.metadata.name for n in world.nodes if _schedulable(n)]
    dest = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
    out = []
    for name in names:
        t = trace_world(world, name, dest)
        row = NodeTraffic(name, zone_of.get(name, ""), "delivered" if t.candidates else t.verdict)
        for o in t.outcomes:
            if o.verdict == "delivered":
                row.endpoints.append(
                    EndpointShare(
                        o.endpoint or "",
                        o.pod or "",
                        o.node or "",
                        zone_of.get(o.node or "", ""),
                        o.probability,
                    )
                )
            else:
                row.dropped += o.probability
                row.reason = row.reason or o.reason
        out.append(row)
    return out


def zone_shares(rows: Sequence[NodeTraffic]) -> dict[str, dict[str, Fraction]]:
    """Per client zone, the share of new connections that go to each zone (and :data:`DROPPED`), with the
    clients spread evenly over the zone's nodes: the mean of :attr:`NodeTraffic.by_zone` over those nodes.

    >>> row = NodeTraffic("n1", "zone-a", "delivered", endpoints=[
    ...     EndpointShare("10.244.1.2:8080", "default/p", "n2", "zone-b", Fraction(1))])
    >>> zone_shares([row, NodeTraffic("n3", "zone-a", "DROP", dropped=Fraction(1))])
    {'zone-a': {'zone-b': Fraction(1, 2), 'dropped': Fraction(1, 2)}}
    """
    by_client: dict[str, list[NodeTraffic]] = {}
    for r in rows:
        by_client.setdefault(r.zone, []).append(r)
    out: dict[str, dict[str, Fraction]] = {}
    for zone in sorted(by_client):
        group = by_client[zone]
        acc: dict[str, Fraction] = {}
        for r in group:
            for to, p in r.by_zone.items():
                acc[to] = acc.get(to, Fraction(0)) + p / len(group)
        ordered = sorted(k for k in acc if k != DROPPED)
        out[zone] = {k: acc[k] for k in ordered}
        if DROPPED in acc:
            out[zone][DROPPED] = acc[DROPPED]
    return out
