"""kube-proxy's change tracking: Service and EndpointSlice events in, the changed Services out.

Port of kubernetes/kubernetes ``pkg/proxy/servicechangetracker.go`` (``ServiceChangeTracker``,
``ServicePortMap.Update``) and ``pkg/proxy/endpointschangetracker.go`` (``EndpointsChangeTracker``,
``EndpointsMap.Update``), v1.34. Informer events call :meth:`ServiceChangeTracker.update` (``previous``,
``current``: ``None`` for an add or a delete) and :meth:`EndpointsChangeTracker.endpoint_slice_update`; the
trackers keep one ``{previous, current}`` pair per object and forget it when the two become equal again. At
the start of a sync the proxier applies the pending changes to its :class:`ServicePortMap` and
:class:`EndpointsMap` (:meth:`ServicePortMap.apply_changes`, :meth:`EndpointsMap.apply_changes`), which
report the Services that changed: a partial sync rewrites only their chains.

A Service's ports are derived when the event arrives (``serviceToServiceMap``, so a sync never reads the raw
Service again); a slice's endpoints are derived when the sync applies it (``checkoutChanges``), through the
:class:`~k8snet.proxy.endpoints.EndpointSliceCache`.

>>> from k8snet.api.core_v1 import Service
>>> web = Service.model_validate({"metadata": {"name": "web", "namespace": "ns"},
...     "spec": {"clusterIP": "10.96.0.10", "ports": [{"name": "http", "port": 80}]}})
>>> tracker, ports = ServiceChangeTracker(), ServicePortMap()
>>> tracker.update(None, web), sorted(tracker.pending())
(True, [('ns', 'web')])
>>> ports.apply_changes(tracker).updated_services, [str(p) for p in ports]
({('ns', 'web')}, ['ns/web:http'])
>>> tracker.update(web, web.model_copy(update={"metadata": web.metadata.model_copy(
...     update={"labels": {"a": "b"}})}))     # only labels changed: the ports are the same
False
>>> tracker.update(web, None), ports.apply_changes(tracker).updated_services, len(ports)
(True, {('ns', 'web')}, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k8snet.proxy.endpoints import EndpointInfo, EndpointSliceCache
from k8snet.proxy.serviceport import ServicePortInfo, ServicePortName, service_ports

__all__ = [
    "NamespacedName",
    "ServiceChangeTracker",
    "ServicePortMap",
    "UpdateServiceMapResult",
    "EndpointsChangeTracker",
    "EndpointsMap",
    "UpdateEndpointsMapResult",
    "service_to_service_map",
]

#: ``types.NamespacedName``: ``(namespace, name)``.
NamespacedName = tuple[str, str]


def _service_key(svc: Any) -> NamespacedName:
    return (svc.metadata.namespace or "default", svc.metadata.name or "")


def service_to_service_map(service: Any, ip_family: str = "IPv4") -> dict[ServicePortName, ServicePortInfo]:
    """``serviceToServiceMap``: the Service's ports for this IP family (empty for ``None``, headless and
    ExternalName Services, and Services without a ClusterIP of this family).

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service.model_validate({"metadata": {"name": "dns", "namespace": "kube-system"},
    ...     "spec": {"clusterIP": "10.96.0.10", "ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
    ...                                                  {"name": "dns-tcp", "port": 53}]}})
    >>> [str(spn) for spn in service_to_service_map(svc)]
    ['kube-system/dns:dns', 'kube-system/dns:dns-tcp']
    """
    if service is None:
        return {}
    return {info.service_port_name: info for info in service_ports(service, ip_family)}


class ServiceChangeTracker:
    """``ServiceChangeTracker``: uncommitted changes to any number of Services, keyed by namespace and name.

    For one Service the changes accumulate: ``previous`` is its ports before the first pending change,
    ``current`` after the last one; when they are equal the entry is dropped (an update that changed nothing
    kube-proxy uses is no change).
    """

    def __init__(self, ip_family: str = "IPv4"):
        self.ip_family = ip_family
        self._items: dict[NamespacedName, list[dict[ServicePortName, ServicePortInfo]]] = {}

    def update(self, previous: Any, current: Any) -> bool:
        """Record ``previous`` → ``current`` (either may be ``None``, not both); ``True`` if anything is
        pending (whether or not this update caused it), as ``ServiceChangeTracker.Update`` returns."""
        if previous is None and current is None:
            return False
        key = _service_key(current if current is not None else previous)
        change = self._items.get(key)
        if change is None:
            change = self._items[key] = [service_to_service_map(previous, self.ip_family), {}]
        change[1] = service_to_service_map(current, self.ip_family)
        # "if change.previous equal to change.current, it means no change"
        if change[0] == change[1]:
            del self._items[key]
        return bool(self._items)

    def pending(self) -> set[NamespacedName]:
        """``PendingChanges``: the Services with changes not yet applied."""
        return set(self._items)

    def checkout(self) -> dict[NamespacedName, list[dict[ServicePortName, ServicePortInfo]]]:
        """Take the pending ``[previous, current]`` pairs (the tracker is then empty)."""
        items, self._items = self._items, {}
        return items


@dataclass
class UpdateServiceMapResult:
    """``UpdateServiceMapResult``: the Services added, updated or deleted since the last apply."""

    updated_services: set[NamespacedName] = field(default_factory=set)


class ServicePortMap(dict[ServicePortName, ServicePortInfo]):
    """``ServicePortMap``: every Service port the proxier knows, by :class:`ServicePortName`."""

    def apply_changes(self, tracker: ServiceChangeTracker) -> UpdateServiceMapResult:
        """``ServicePortMap.Update``: apply the tracker's changes, say which Services changed, clear them."""
        result = UpdateServiceMapResult()
        for key, (previous, current) in tracker.checkout().items():
            result.updated_services.add(key)
            self.update(current)
            # "filter out the Update event of current changes from previous changes before calling
            # unmerge() so that can skip deleting the Update events"
            for spn in previous:
                if spn not in current:
                    self.pop(spn, None)
        return result

    def health_check_node_ports(self) -> dict[NamespacedName, int]:
        """``HealthCheckNodePorts``: the Services with a non-zero ``healthCheckNodePort``."""
        return {
            (spn.namespace, spn.name): info.health_check_node_port
            for spn, info in self.items()
            if info.health_check_node_port
        }


class EndpointsChangeTracker:
    """``EndpointsChangeTracker``: uncommitted EndpointSlice changes, kept in an
    :class:`~k8snet.proxy.endpoints.EndpointSliceCache`.

    Slices of the other address type are ignored (``"Ignoring unsupported EndpointSlice"``), as are slices
    without the ``kubernetes.io/service-name`` label.
    """

    def __init__(self, hostname: str, ip_family: str = "IPv4", prefer_same_traffic_distribution: bool = True):
        self.ip_family = ip_family
        self.cache = EndpointSliceCache(hostname, ip_family, prefer_same_traffic_distribution)

    def endpoint_slice_update(self, endpoint_slice: Any, remove: bool) -> bool:
        """``EndpointSliceUpdate``: record the slice or its removal; ``True`` if *this* update is a change
        that needs a sync (unlike :meth:`ServiceChangeTracker.update`)."""
        if endpoint_slice.addressType != self.ip_family:
            return False
        return self.cache.update_pending(endpoint_slice, remove)

    def pending(self) -> set[NamespacedName]:
        """``PendingChanges``: the Services whose slices changed since the last apply."""
        return self.cache.pending_services()


@dataclass
class UpdateEndpointsMapResult:
    """``UpdateEndpointsMapResult``: the Services whose endpoints were added, updated or deleted, and
    whether a UDP Service port was among them (conntrack entries to clean)."""

    updated_services: set[NamespacedName] = field(default_factory=set)
    conntrack_cleanup_required: bool = False


class EndpointsMap(dict[ServicePortName, list[EndpointInfo]]):
    """``EndpointsMap``: the endpoints of every Service port, sorted by ``ip:port``."""

    def apply_changes(self, tracker: EndpointsChangeTracker) -> UpdateEndpointsMapResult:
        """``EndpointsMap.Update``: apply the pending slices, say which Services' endpoints changed."""
        result = UpdateEndpointsMapResult()
        for key, (previous, current) in tracker.cache.checkout_changes().items():
            result.updated_services.add(key)
            for spn in previous:
                self.pop(spn, None)
            self.update(current)
            if not result.conntrack_cleanup_required:
                result.conntrack_cleanup_required = any(
                    spn.protocol == "UDP" for spn in (*previous, *current)
                )
        return result

    def local_ready_endpoints(self) -> dict[NamespacedName, int]:
        """``LocalReadyEndpoints``: per Service, the number of distinct local ready endpoint IPs."""
        ips: dict[NamespacedName, set[str]] = {}
        for spn, eps in self.items():
            for ep in eps:
                if ep.ready and ep.is_local:
                    ips.setdefault((spn.namespace, spn.name), set()).add(ep.ip)
        return {k: len(v) for k, v in ips.items()}
