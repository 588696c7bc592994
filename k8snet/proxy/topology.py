"""Which endpoints a node uses for a Service port: ``CategorizeEndpoints``.

Port of kubernetes/kubernetes ``pkg/proxy/topology.go`` (v1.34: ``CategorizeEndpoints``,
``topologyModeFromHints``, ``availableForTopology``). Shared by every proxy mode; it knows nothing about
iptables. It returns:

- ``cluster``: the usable endpoints for Cluster traffic policy, after topology (``None`` if the port never uses
  Cluster policy);
- ``local``: the usable local endpoints for Local traffic policy (``None`` if the port never uses Local policy);
- ``all_reachable``: the union of the two, i.e. every endpoint this node may DNAT to;
- ``has_any``: whether the Service has usable endpoints anywhere in the cluster (true even when
  ``all_reachable`` is empty, e.g. iTP Local with only remote endpoints).

"Usable" means Ready; if there are no Ready endpoints, Serving-and-Terminating ones are used instead
(independently for Cluster and Local). Topology: when every Ready endpoint carries node hints and one names
this node, only those are used ("PreferSameNode", feature gate ``PreferSameTrafficDistribution``); otherwise,
when every Ready endpoint carries zone hints and one names this node's zone, only those ("PreferSameZone").
Local-policy endpoints ignore topology.

Where upstream merges the two lists through a Go map (random order), the union here is sorted by ``ip:port``.

>>> from k8snet.proxy.endpoints import EndpointInfo
>>> from k8snet.proxy.serviceport import ServicePortInfo, ServicePortName
>>> svc = ServicePortInfo(ServicePortName("ns", "s", "", "TCP"), "10.96.0.1", 80, "TCP")
>>> eps = [EndpointInfo("10.0.0.1", 80, zone_hints=frozenset({"a"})),
...        EndpointInfo("10.0.0.2", 80, zone_hints=frozenset({"b"}))]
>>> r = categorize_endpoints(eps, svc, "node-1", {"topology.kubernetes.io/zone": "a"})
>>> [str(e) for e in r.cluster], r.local, r.has_any
(['10.0.0.1:80'], None, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from k8snet.proxy.config import LABEL_TOPOLOGY_ZONE

__all__ = ["CategorizedEndpoints", "categorize_endpoints", "topology_mode_from_hints"]

PREFER_SAME_NODE = "PreferSameNode"
PREFER_SAME_ZONE = "PreferSameZone"


class CategorizedEndpoints(NamedTuple):
    cluster: list[Any] | None
    local: list[Any] | None
    all_reachable: list[Any] | None
    has_any: bool


class PolicyTargets(NamedTuple):
    """Where a Service port's internal and external traffic go, as both rule-writing proxiers decide it."""

    internal_local: bool  # internal traffic uses the local endpoints (internalTrafficPolicy: Local)
    has_internal: bool
    external_local: bool  # external traffic uses the local endpoints (externalTrafficPolicy: Local)
    has_external: bool


def policy_targets(svc: Any, local_endpoints: Sequence[Any] | None, has_endpoints: bool) -> PolicyTargets:
    """The traffic-policy decision of ``syncProxyRules`` (iptables and nftables proxier.go): a ``Local`` policy
    sends that traffic to the local endpoints, and with none there it "has no endpoints" even if the Service does.

    >>> from types import SimpleNamespace as S
    >>> policy_targets(S(internal_policy_local=False, external_policy_local=True), [], True)
    PolicyTargets(internal_local=False, has_internal=True, external_local=True, has_external=False)
    """
    has_local = bool(local_endpoints)
    internal_local = bool(svc.internal_policy_local)
    external_local = bool(svc.external_policy_local)
    return PolicyTargets(
        internal_local=internal_local,
        has_internal=has_endpoints and (has_local or not internal_local),
        external_local=external_local,
        has_external=has_endpoints and (has_local or not external_local),
    )


def _filter(endpoints: Sequence[Any], pred: Callable[[Any], bool]) -> list[Any]:
    return [ep for ep in endpoints if pred(ep)]


def topology_mode_from_hints(
    endpoints: Sequence[Any], node_name: str, zone: str, prefer_same_traffic_distribution: bool = True
) -> str:
    """``""``, ``"PreferSameNode"`` or ``"PreferSameZone"`` from the Ready endpoints' hints."""
    has_for_node = False
    all_have_node_hints = True
    has_for_zone = False
    all_have_zone_hints = True
    for ep in endpoints:
        if not ep.ready:
            continue
        if not ep.node_hints:
            all_have_node_hints = False
        elif node_name in ep.node_hints:
            has_for_node = True
        if not ep.zone_hints:
            all_have_zone_hints = False
            if not all_have_node_hints:
                return ""  # a Ready endpoint without any hint: no topology, whatever the others say
        elif zone in ep.zone_hints:
            has_for_zone = True
    if prefer_same_traffic_distribution and all_have_node_hints and has_for_node:
        return PREFER_SAME_NODE
    if all_have_zone_hints and has_for_zone:
        return PREFER_SAME_ZONE
    return ""


def _available_for_topology(ep: Any, mode: str, node_name: str, zone: str) -> bool:
    if mode == "":
        return True
    if mode == PREFER_SAME_NODE:
        return bool(ep.node_hints) and node_name in ep.node_hints
    if mode == PREFER_SAME_ZONE:
        return bool(ep.zone_hints) and zone in ep.zone_hints
    return False


def categorize_endpoints(
    endpoints: Sequence[Any],
    svc_info: Any,
    node_name: str,
    topology_labels: dict[str, str] | None = None,
    prefer_same_traffic_distribution: bool = True,
) -> CategorizedEndpoints:
    """Split ``endpoints`` of one Service port for this node; see the module docstring.

    ``endpoints`` need ``ready``, ``serving``, ``terminating``, ``is_local``, ``zone_hints``, ``node_hints``
    and ``str()``; ``svc_info`` needs ``uses_cluster_endpoints`` and ``uses_local_endpoints``.
    """
    cluster: list[Any] | None = None
    local: list[Any] | None = None
    has_any = False
    mode = ""
    use_serving_terminating = False

    if svc_info.uses_cluster_endpoints:
        zone = (topology_labels or {}).get(LABEL_TOPOLOGY_ZONE, "")
        mode = topology_mode_from_hints(endpoints, node_name, zone, prefer_same_traffic_distribution)
        if mode == "":
            cluster = [ep for ep in endpoints if ep.ready]
        else:
            cluster = [
                ep for ep in endpoints if ep.ready and _available_for_topology(ep, mode, node_name, zone)
            ]
        # No Ready endpoints anywhere (topology was already dropped if none were Ready in our zone/node):
        # fall back to Serving-Terminating ones.
        if not cluster:
            cluster = [ep for ep in endpoints if ep.serving and ep.terminating]
        if cluster:
            has_any = True

    if not svc_info.uses_local_endpoints:
        return CategorizedEndpoints(cluster, local, cluster, has_any)

    has_local_ready = has_local_serving_terminating = False
    for ep in endpoints:
        if ep.ready:
            has_any = True
            if ep.is_local:
                has_local_ready = True
        elif ep.serving and ep.terminating:
            has_any = True
            if ep.is_local:
                has_local_serving_terminating = True

    if has_local_ready:
        local = _filter(endpoints, lambda ep: ep.is_local and ep.ready)
    elif has_local_serving_terminating:
        use_serving_terminating = True
        local = _filter(endpoints, lambda ep: ep.is_local and ep.serving and ep.terminating)
    else:
        local = []

    if not svc_info.uses_cluster_endpoints:
        return CategorizedEndpoints(cluster, local, local, has_any)

    if mode == "" and not use_serving_terminating:
        # cluster holds every Ready endpoint, so it is a superset of local.
        return CategorizedEndpoints(cluster, local, cluster, has_any)

    merged: dict[str, Any] = {}
    for ep in (cluster or []) + local:
        merged[str(ep)] = ep
    return CategorizedEndpoints(cluster, local, [merged[k] for k in sorted(merged)], has_any)
