"""The legacy Endpoints controller and the EndpointSlice mirroring controller.

:class:`EndpointsController` follows kubernetes/kubernetes ``pkg/controller/endpoint/endpoints_controller.go``
(``syncService``): for a Service **with a selector** it writes an Endpoints object of the same name whose
subsets list ready pods under ``addresses`` and unready ones under ``notReadyAddresses`` (all under
``addresses`` with ``publishNotReadyAddresses``; terminating pods are left out unless
``publishNotReadyAddresses``), grouped by port set as ``endpoints.RepackSubsets`` does. It *owns* that object:
a hand-written Endpoints for a Service with a selector is overwritten (labels become the Service's labels, plus
``service.kubernetes.io/headless`` for a headless Service), which is what happens to the article's hand-written
``headless-svc`` Endpoints. Services without a selector are left alone; when a Service is deleted its
Endpoints go too. ``endpoints.kubernetes.io/last-change-trigger-time`` is set as upstream (RFC 3339 with
nanoseconds, of the earliest unprocessed change); over 1000 addresses are truncated with
``endpoints.kubernetes.io/over-capacity: truncated``. Simplification: subsets are ordered by their first
address and ports by name/port (upstream orders both by hash).

:class:`EndpointSliceMirroringController` follows ``pkg/controller/endpointslicemirroring``: a hand-written
Endpoints object whose Service exists and has **no selector** is mirrored into EndpointSlices named
``<service>-<5 characters>``, managed by ``endpointslicemirroring-controller.k8s.io``, carrying the Endpoints'
labels and annotations (except ``last-change-trigger-time`` and ``kubectl.kubernetes.io/last-applied-configuration``),
with only the ``ready`` condition (true for ``addresses``, false for ``notReadyAddresses``); at most 1000
endpoints per slice. Endpoints labelled ``endpointslice.kubernetes.io/skip-mirror: "true"`` (the API server's
``kubernetes`` Endpoints) are not mirrored, nor are Endpoints of Services that have a selector.
"""

from __future__ import annotations

import math
from typing import Any

from k8snet.controllers import format_rfc3339nano, is_pod_ready
from k8snet.controllers.endpointslice import (
    LABEL_HEADLESS,
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    LAST_CHANGE_TRIGGER_TIME,
    EndpointSliceController,
    PortNotFoundError,
    TriggerTimeTracker,
    find_port,
    should_pod_be_in_endpoints,
)

__all__ = ["EndpointsController", "EndpointSliceMirroringController", "LABEL_SKIP_MIRROR", "repack_subsets"]

LABEL_SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror"
MIRRORING_MANAGED_BY = "endpointslicemirroring-controller.k8s.io"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
#: endpoints_controller.go maxCapacity
MAX_CAPACITY = 1000


def _port_key(p: Any) -> tuple:
    return (p.name or "", p.port, p.protocol or "", p.appProtocol or "")


def repack_subsets(entries: list[tuple[Any, list[Any], bool]]) -> list[Any]:
    """``endpoints.RepackSubsets``: (address, ports, ready) triples → subsets grouping addresses by the exact
    set of ports they offer.

    >>> from k8snet.api.core_v1 import EndpointAddress, EndpointPort
    >>> p80 = EndpointPort(port=80, protocol="TCP")
    >>> subsets = repack_subsets([(EndpointAddress(ip="10.0.0.2"), [p80], True),
    ...                           (EndpointAddress(ip="10.0.0.1"), [p80], False)])
    >>> [[a.ip for a in s.addresses or []] for s in subsets]
    [['10.0.0.2']]
    >>> [a.ip for a in subsets[0].notReadyAddresses]
    ['10.0.0.1']
    """
    from k8snet.api.core_v1 import EndpointSubset

    # port -> {ip-key: (address, ready)}
    by_port: dict[tuple, dict[tuple, tuple[Any, bool]]] = {}
    sentinel = ("", -1, "", "")
    ports_of: dict[tuple, Any] = {}
    for addr, ports, ready in entries:
        akey = (addr.ip, addr.targetRef.uid if addr.targetRef else "")
        for p in ports or [None]:
            k = _port_key(p) if p is not None else sentinel
            if p is not None:
                ports_of[k] = p
            by_port.setdefault(k, {})[akey] = (addr, ready)
    # group ports by identical address sets
    groups: dict[tuple, list[tuple]] = {}
    addrs_of: dict[tuple, dict] = {}
    for k, addrs in by_port.items():
        h = tuple(sorted((ak, r) for ak, (_, r) in addrs.items()))
        groups.setdefault(h, []).append(k)
        addrs_of[h] = addrs
    out = []
    for h, port_keys in groups.items():
        addrs = addrs_of[h]
        ready = sorted((a for a, r in addrs.values() if r), key=_addr_sort)
        not_ready = sorted((a for a, r in addrs.values() if not r), key=_addr_sort)
        ports = [ports_of[k] for k in sorted(port_keys) if k != sentinel]
        out.append(
            EndpointSubset(addresses=ready or None, notReadyAddresses=not_ready or None, ports=ports or None)
        )
    out.sort(key=lambda s: _addr_sort(((s.addresses or []) + (s.notReadyAddresses or []))[0]))
    return out


def truncate_endpoints(ep: Any) -> bool:
    """``truncateEndpoints``: keep at most 1000 addresses, ready ones first, spread over subsets in proportion."""
    subsets = ep.subsets or []
    ready = sum(len(s.addresses or []) for s in subsets)
    not_ready = sum(len(s.notReadyAddresses or []) for s in subsets)
    if ready + not_ready <= MAX_CAPACITY:
        return False
    truncate_ready = ready > MAX_CAPACITY
    limit, total = (MAX_CAPACITY, ready) if truncate_ready else (MAX_CAPACITY - ready, not_ready)
    can_add = limit
    for s in subsets:
        n = len(s.addresses or []) if truncate_ready else len(s.notReadyAddresses or [])
        take = min(math.ceil(n / total * limit), can_add) if total else 0
        if truncate_ready:
            s.addresses = (s.addresses or [])[:take] or None
            s.notReadyAddresses = None
            can_add -= len(s.addresses or [])
        else:
            s.notReadyAddresses = (s.notReadyAddresses or [])[:take] or None
            can_add -= len(s.notReadyAddresses or [])
    return True


def _addr_sort(a: Any) -> tuple:
    # LessEndpointAddress: byte-wise IP string, then targetRef UID
    return (a.ip, a.targetRef.uid if a.targetRef and a.targetRef.uid else "")


class EndpointsController:
    """Writes ``v1.Endpoints`` for Services with selectors."""

    def __init__(self, api: Any):
        self.api = api
        self.triggers = TriggerTimeTracker()
        self._known: set[tuple[str, str]] = set()

    def sync(self) -> None:
        services = self.api.store.list("Service")
        current = {(s.metadata.namespace, s.metadata.name) for s in services}
        for ns, name in sorted(self._known - current):
            self.triggers.forget(ns, name)
            if self.api.store.exists("Endpoints", name, ns):
                self.api.delete("Endpoints", name, ns)
        self._known = current
        for svc in services:
            self.sync_service(svc)

    def sync_service(self, svc: Any) -> None:
        from k8snet.api.core_v1 import EndpointAddress, EndpointPort, Endpoints, ObjectReference
        from k8snet.api.meta_v1 import LabelSelector

        if not svc.spec.selector:
            return  # selector-less Services get hand-written Endpoints
        ns, name = svc.metadata.namespace, svc.metadata.name
        sel = LabelSelector(matchLabels=svc.spec.selector)
        pods = [p for p in self.api.store.list("Pod", ns) if sel.matches(p.metadata.labels)]
        trigger = self.triggers.compute(svc, pods)
        tolerate = bool(svc.spec.publishNotReadyAddresses)
        entries = []
        for pod in pods:
            if not should_pod_be_in_endpoints(pod, include_terminating=tolerate):
                continue
            addr = EndpointAddress(
                ip=pod.status.podIP,
                nodeName=pod.spec.nodeName,
                targetRef=ObjectReference(
                    kind="Pod", namespace=ns, name=pod.metadata.name, uid=pod.metadata.uid
                ),
            )
            if pod.spec.hostname and pod.spec.subdomain == name:
                addr.hostname = pod.spec.hostname
            ready = tolerate or is_pod_ready(pod)
            if not svc.spec.ports:
                if svc.spec.clusterIP == "None":
                    entries.append((addr, [], ready))
                continue
            for sp in svc.spec.ports:
                try:
                    num = find_port(pod, sp)
                except PortNotFoundError:
                    continue
                entries.append(
                    (
                        addr,
                        [
                            EndpointPort(
                                name=sp.name or None,
                                port=num,
                                protocol=sp.protocol or "TCP",
                                appProtocol=sp.appProtocol,
                            )
                        ],
                        ready,
                    )
                )
        subsets = repack_subsets(entries) or None
        labels = dict(svc.metadata.labels or {})
        if svc.spec.clusterIP == "None":
            labels[LABEL_HEADLESS] = ""
        current = self.api.store.get("Endpoints", name, ns)
        if current is not None:
            same = [s.model_dump() for s in current.subsets or []] == [s.model_dump() for s in subsets or []]
            total = sum(
                len(s.addresses or []) + len(s.notReadyAddresses or []) for s in current.subsets or []
            )
            capacity_ok = total <= MAX_CAPACITY and OVER_CAPACITY not in (current.metadata.annotations or {})
            if same and (current.metadata.labels or {}) == labels and capacity_ok:
                return
            ep = current
        else:
            ep = Endpoints(metadata={"name": name, "namespace": ns})
        ep.subsets = subsets
        ep.metadata.labels = labels or None
        ann = dict(ep.metadata.annotations or {})
        if trigger is not None:
            ann[LAST_CHANGE_TRIGGER_TIME] = format_rfc3339nano(trigger)
        else:
            ann.pop(LAST_CHANGE_TRIGGER_TIME, None)
        if truncate_endpoints(ep):
            ann[OVER_CAPACITY] = "truncated"
        else:
            ann.pop(OVER_CAPACITY, None)
        ep.metadata.annotations = ann or None
        if current is None:
            self.api.create(ep)
        else:
            self.api.update(ep)


class EndpointSliceMirroringController(EndpointSliceController):
    """Mirrors hand-written Endpoints of selector-less Services into EndpointSlices."""

    controller_name = MIRRORING_MANAGED_BY

    def __init__(self, api: Any, max_endpoints_per_subset: int = 1000):
        super().__init__(api, max_endpoints_per_slice=max_endpoints_per_subset)

    def sync(self) -> None:
        from k8snet.controllers import owner_reference

        services = {(s.metadata.namespace, s.metadata.name): s for s in self.api.store.list("Service")}
        mirrored: set[tuple[str, str]] = set()
        for ep in self.api.store.list("Endpoints"):
            key = (ep.metadata.namespace, ep.metadata.name)
            svc = services.get(key)
            if (ep.metadata.labels or {}).get(LABEL_SKIP_MIRROR) == "true":
                continue
            if svc is None or svc.spec.selector:
                continue
            mirrored.add(key)
            labels = {k: v for k, v in (ep.metadata.labels or {}).items()}
            labels[LABEL_SERVICE_NAME] = ep.metadata.name
            labels[LABEL_MANAGED_BY] = self.controller_name
            annotations = {
                k: v
                for k, v in (ep.metadata.annotations or {}).items()
                if k not in (LAST_CHANGE_TRIGGER_TIME, LAST_APPLIED)
            }
            self.reconcile(
                ep.metadata.namespace,
                ep.metadata.name,
                owner_reference(ep),
                labels,
                self._groups(ep),
                annotations,
                placeholder=False,
            )
        # slices this controller made for Endpoints that no longer qualify are removed
        for sl in self.api.store.list("EndpointSlice"):
            labels = sl.metadata.labels or {}
            if labels.get(LABEL_MANAGED_BY) == self.controller_name:
                if (sl.metadata.namespace, labels.get(LABEL_SERVICE_NAME)) not in mirrored:
                    self.api.delete("EndpointSlice", sl.metadata.name, sl.metadata.namespace)

    @staticmethod
    def _groups(ep: Any) -> dict:
        from k8snet.api.discovery_v1 import Endpoint, EndpointConditions, EndpointPort

        groups: dict[tuple, tuple[list[Any], dict[str, Any]]] = {}
        for subset in ep.subsets or []:
            ports = [
                EndpointPort(
                    name=p.name or "", port=p.port, protocol=p.protocol or "TCP", appProtocol=p.appProtocol
                )
                for p in subset.ports or []
            ]
            key = tuple((p.name, p.port, p.protocol, p.appProtocol) for p in ports)
            bucket = groups.setdefault(key, (ports, {}))[1]
            for ready, addrs in ((True, subset.addresses), (False, subset.notReadyAddresses)):
                for a in addrs or []:
                    e = Endpoint(
                        addresses=[a.ip],
                        conditions=EndpointConditions(ready=ready),
                        targetRef=a.targetRef,
                        nodeName=a.nodeName,
                        hostname=a.hostname,
                    )
                    bucket[a.ip] = e
        return groups
