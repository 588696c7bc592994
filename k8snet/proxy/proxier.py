"""What every proxier shares: the event handlers of ``proxy.Provider``, change tracking, full-sync bookkeeping.

kubernetes/kubernetes ``pkg/proxy/types.go`` (``Provider``: ``OnServiceAdd/Update/Delete``,
``OnEndpointSliceAdd/Update/Delete``, ``OnNodeAdd/Update/Delete``, ``Sync``) and the parts of
``pkg/proxy/iptables/proxier.go`` and ``pkg/proxy/nftables/proxier.go`` (v1.34) that are the same in both:

- the handlers feed a :class:`~k8snet.proxy.changetracker.ServiceChangeTracker` and an
  :class:`~k8snet.proxy.changetracker.EndpointsChangeTracker`; a sync applies them to the proxier's
  :class:`~k8snet.proxy.changetracker.ServicePortMap` and :class:`~k8snet.proxy.changetracker.EndpointsMap`;
- a sync is *full* (rewrites everything) when ``need_full_sync`` is set -- at start-up, after a failed sync
  ("proxier.serviceChanges and proxier.endpointChanges have already been flushed, so we've lost the state
  needed to be able to do a partial sync"), when this node's labels change (topology) -- or when the last
  full sync is more than ``FullSyncPeriod`` (one hour) old; otherwise it is *partial*;
- events for other nodes are ignored (upstream logs "Received a watch event for a node that doesn't match
  the current node").

Time comes from the injected clock (never the wall clock): without one, time stands still, so only the
reasons above force a full sync. Syncs run when :meth:`Proxier.sync` is called (upstream's
``BoundedFrequencyRunner`` and ``minSyncPeriod`` are not modelled); a proxier syncs whatever it has received
(upstream waits for ``OnServiceSynced``/``OnEndpointSlicesSynced``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from k8snet.proxy.changetracker import (
    EndpointsChangeTracker,
    EndpointsMap,
    NamespacedName,
    ServiceChangeTracker,
    ServicePortMap,
)
from k8snet.proxy.config import ProxierSettings

__all__ = ["Proxier", "SyncResult", "FULL_SYNC_PERIOD", "seconds_source"]

#: ``proxyutil.FullSyncPeriod``: a partial-syncing proxier still rewrites everything this often (seconds).
FULL_SYNC_PERIOD = 3600.0


def seconds_source(clock: Any) -> Callable[[], float]:
    """A zero-argument seconds function from a clock with ``now()`` (datetime or number) or a callable.

    >>> seconds_source(None)(), seconds_source(lambda: 5.0)()
    (0.0, 5.0)
    """
    if clock is None:
        return lambda: 0.0
    if callable(clock) and not hasattr(clock, "now"):
        return clock

    def now() -> float:
        t = clock.now()
        return t.timestamp() if isinstance(t, datetime) else float(t)

    return now


@dataclass
class SyncResult:
    """What one sync did: ``full`` or partial, whether the kernel accepted it, what was written.

    ``payload`` is the mode's text (the ``iptables-restore`` input, the nftables transaction);
    ``updated_services`` the Services whose changes this sync applied; ``error`` the kernel's message when
    ``success`` is false (the next sync is then full).
    """

    full: bool
    success: bool
    payload: str
    updated_services: set[NamespacedName] = field(default_factory=set)
    error: str | None = None


class Proxier:
    """One kube-proxy (one node, one IP family): event handlers in, a :meth:`sync` that programs the kernel.

    Subclasses implement :meth:`sync`; the handlers only record changes (they never sync by themselves).
    ``on_*`` handlers return whether the event left something to sync, as the trackers do.
    """

    def __init__(self, settings: ProxierSettings, clock: Any = None):
        self.settings = settings
        self.ip_family = settings.ip_family
        self.service_changes = ServiceChangeTracker(settings.ip_family)
        self.endpoints_changes = EndpointsChangeTracker(
            settings.hostname, settings.ip_family, settings.prefer_same_traffic_distribution
        )
        self.svc_port_map = ServicePortMap()
        self.endpoints_map = EndpointsMap()
        #: This node's labels, as topology-aware routing reads them (from ``settings.topology_labels`` until a
        #: Node event says otherwise).
        self.node_labels: dict[str, str] = dict(settings.topology_labels or {})
        self.need_full_sync = True
        self.last_full_sync: float | None = None
        self._now = seconds_source(clock)

    # -- proxy.Provider: Services --
    def on_service_add(self, service: Any) -> bool:
        """``OnServiceAdd``."""
        return self.on_service_update(None, service)

    def on_service_update(self, old: Any, service: Any) -> bool:
        """``OnServiceUpdate``."""
        return self.service_changes.update(old, service)

    def on_service_delete(self, service: Any) -> bool:
        """``OnServiceDelete``."""
        return self.on_service_update(service, None)

    # -- proxy.Provider: EndpointSlices --
    def on_endpointslice_add(self, endpoint_slice: Any) -> bool:
        """``OnEndpointSliceAdd``."""
        return self.endpoints_changes.endpoint_slice_update(endpoint_slice, False)

    def on_endpointslice_update(self, old: Any, endpoint_slice: Any) -> bool:
        """``OnEndpointSliceUpdate`` (only the new object matters)."""
        return self.endpoints_changes.endpoint_slice_update(endpoint_slice, False)

    def on_endpointslice_delete(self, endpoint_slice: Any) -> bool:
        """``OnEndpointSliceDelete``."""
        return self.endpoints_changes.endpoint_slice_update(endpoint_slice, True)

    # -- proxy.Provider: this node --
    def on_node_add(self, node: Any) -> bool:
        """``OnNodeAdd``: new labels (topology) force a full sync."""
        return self._node_labels(node, node.metadata.labels or {})

    def on_node_update(self, old: Any, node: Any) -> bool:
        """``OnNodeUpdate``."""
        return self._node_labels(node, node.metadata.labels or {})

    def on_node_delete(self, node: Any) -> bool:
        """``OnNodeDelete``: the labels are gone; full sync."""
        if node.metadata.name != self.settings.hostname:
            return False
        self.node_labels = {}
        self.need_full_sync = True
        return True

    def _node_labels(self, node: Any, labels: dict[str, str]) -> bool:
        if node.metadata.name != self.settings.hostname or labels == self.node_labels:
            return False
        self.node_labels = dict(labels)
        self.need_full_sync = True
        return True

    # -- syncing --
    def pending(self) -> set[NamespacedName]:
        """The Services with changes the next sync will apply."""
        return self.service_changes.pending() | self.endpoints_changes.pending()

    def full_sync_due(self, now: float) -> bool:
        """``doFullSync``: asked for, or the last full sync is older than :data:`FULL_SYNC_PERIOD`."""
        return (
            self.need_full_sync or self.last_full_sync is None or now - self.last_full_sync > FULL_SYNC_PERIOD
        )

    def force_sync(self) -> SyncResult:
        """``forceSyncProxyRules``: a full sync now (upstream calls it when its canary chain vanished)."""
        self.need_full_sync = True
        return self.sync()

    def sync(self) -> SyncResult:
        """``syncProxyRules``: apply the pending changes and program the kernel."""
        raise NotImplementedError

    def _apply_changes(self) -> tuple[set[NamespacedName], bool]:
        """Apply the pending changes; ``(changed Services, whether a UDP port's endpoints changed)``."""
        svc_result = self.svc_port_map.apply_changes(self.service_changes)
        ep_result = self.endpoints_map.apply_changes(self.endpoints_changes)
        return (
            svc_result.updated_services | ep_result.updated_services,
            ep_result.conntrack_cleanup_required,
        )
