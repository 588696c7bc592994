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
endpoints per slice. Addresses are mirrored into slices of their own address type: an Endpoints object listing
IPv4 and IPv6 addresses gets an ``IPv4`` and an ``IPv6`` slice.

On a dual-stack Service, the legacy Endpoints object holds only the Service's primary family
(``endpoints_controller.go`` ``podToEndpointAddressForService``: the pod IP of ``ipFamilies[0]``; without
families, the family of the ClusterIP, or of the pod's IP for a headless Service); a pod without an IP of that
family is left out. Endpoints labelled ``endpointslice.kubernetes.io/skip-mirror: "true"`` (the API server's
``kubernetes`` Endpoints) are not mirrored, nor are Endpoints of Services that have a selector.
"""

from __future__ import annotations

import math
from typing import Any

from k8snet.controllers import QueueController, format_rfc3339nano, is_pod_ready, status_message
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
from k8snet.controllers.informers import (
    LABELS_INDEX,
    SELECTOR_INDEX,
    SERVICE_NAME_INDEX,
    index_by_labels,
    index_by_selector,
    index_by_service_name,
    object_key,
)
from k8snet.errors import K8snetError
from k8snet.netutils import parse_ip_sloppy

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


def _pod_ip_for_service(svc: Any, pod: Any) -> str | None:
    """``podToEndpointAddressForService``: the pod IP of the Service's primary family."""
    families = svc.spec.ipFamilies or []
    if families:
        want_v6 = families[0] == "IPv6"  # "this works for headful and headless"
    elif svc.spec.clusterIP and svc.spec.clusterIP != "None":
        want_v6 = ":" in svc.spec.clusterIP
    else:
        want_v6 = ":" in (pod.status.podIP or "")
    ips = [p.ip for p in pod.status.podIPs or []] or ([pod.status.podIP] if pod.status.podIP else [])
    return next((ip for ip in ips if (":" in ip) == want_v6), None)


def _addr_sort(a: Any) -> tuple:
    # LessEndpointAddress: byte-wise IP string, then targetRef UID
    return (a.ip, a.targetRef.uid if a.targetRef and a.targetRef.uid else "")


class EndpointsController(QueueController):
    """Writes ``v1.Endpoints`` for Services with selectors.

    Watches Services, Pods (a pod's change queues the Services selecting its old or new labels) and Endpoints
    (a hand-written change to one it owns is overwritten). A write the API server refuses becomes the Warning
    ``FailedToCreateEndpoint`` "Failed to create endpoint for service <ns>/<name>: <error>" or
    ``FailedToUpdateEndpoint`` "Failed to update endpoint <ns>/<name>: <error>" (``endpoints_controller.go``)
    and a retry with back-off.
    """

    primary_kind = "Service"
    component = "endpoint-controller"

    def __init__(self, api: Any, recorder: Any = None):
        super().__init__(api)
        self.triggers = TriggerTimeTracker()
        self.recorder = recorder
        self._known: set[tuple[str, str]] = set()

    def register(self, informers: Any) -> None:
        self.informer("Service").add_indexers({SELECTOR_INDEX: index_by_selector})
        self.informer("Pod").add_indexers({LABELS_INDEX: index_by_labels})
        self.watch(
            "Service",
            add=self._enqueue_obj,
            update=lambda old, new: self._enqueue_obj(new),
            delete=self._enqueue_obj,
        )
        self.watch("Pod", add=self._pod_changed, update=self._pod_updated, delete=self._pod_changed)
        self.watch(
            "Endpoints",
            add=self._enqueue_obj,
            update=lambda old, new: self._enqueue_obj(new),
            delete=self._enqueue_obj,
        )

    def _enqueue_obj(self, obj: Any) -> None:
        self.enqueue(object_key(obj))

    def _pod_changed(self, pod: Any) -> None:
        for svc in self.informer("Service").indexer.selecting(object_key(pod)[0], pod.metadata.labels):
            self.enqueue(object_key(svc))

    def _pod_updated(self, old: Any, new: Any) -> None:
        self._pod_changed(new)
        if old.metadata.labels != new.metadata.labels:
            self._pod_changed(old)

    def sync_keys(self, keys: list[Any]) -> None:
        # the Endpoints of deleted Services go first, then the Services are synced (each in key order)
        services = self.informer("Service")
        for key in keys:
            if key in self._known and services.get(*key) is None:
                self._known.discard(key)
                self.triggers.forget(*key)
                if self.api.store.exists("Endpoints", key[1], key[0]):
                    try:
                        self.api.delete("Endpoints", key[1], key[0])
                    except K8snetError:
                        self.queue.add_rate_limited(key)
        for key in keys:
            svc = services.get(*key)
            if svc is not None:
                self._known.add(key)
                self.sync_safely(key)

    def sync_key(self, key: Any) -> None:
        svc = self.informer("Service").get(*key)
        if svc is not None:
            self.sync_service(svc)

    def sync_service(self, svc: Any) -> None:
        from k8snet.api.core_v1 import EndpointAddress, EndpointPort, Endpoints, ObjectReference

        if not svc.spec.selector:
            return  # selector-less Services get hand-written Endpoints
        ns, name = svc.metadata.namespace, svc.metadata.name
        pods = self.informer("Pod").indexer.select(ns, svc.spec.selector)
        trigger = self.triggers.compute(svc, pods)
        tolerate = bool(svc.spec.publishNotReadyAddresses)
        entries = []
        for pod in pods:
            if not should_pod_be_in_endpoints(pod, include_terminating=tolerate):
                continue
            ip = _pod_ip_for_service(svc, pod)
            if ip is None:  # "failed to find a matching endpoint for service"
                continue
            addr = EndpointAddress(
                ip=ip,
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
        current = self.informer("Endpoints").get(ns, name)
        if current is not None:
            same = (current.subsets or []) == (subsets or [])
            total = sum(
                len(s.addresses or []) + len(s.notReadyAddresses or []) for s in current.subsets or []
            )
            capacity_ok = total <= MAX_CAPACITY and OVER_CAPACITY not in (current.metadata.annotations or {})
            if same and (current.metadata.labels or {}) == labels and capacity_ok:
                return
            ep = current.model_copy(update={"metadata": current.metadata.model_copy()})
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
        try:
            if current is None:
                self.api.create(ep)
            else:
                self.api.update(ep)
        except K8snetError as err:
            if self.recorder is not None:
                if current is None:
                    reason, msg = (
                        "FailedToCreateEndpoint",
                        f"Failed to create endpoint for service {ns}/{name}",
                    )
                else:
                    reason, msg = "FailedToUpdateEndpoint", f"Failed to update endpoint {ns}/{name}"
                self.recorder.event(ep, "Warning", reason, f"{msg}: {status_message(err)}", self.component)
            raise


class EndpointSliceMirroringController(EndpointSliceController):
    """Mirrors hand-written Endpoints of selector-less Services into EndpointSlices.

    Watches Endpoints, Services and the EndpointSlices it manages, all keyed by the Service's
    ``namespace/name``.
    """

    controller_name = MIRRORING_MANAGED_BY
    primary_kind = "Endpoints"

    def __init__(self, api: Any, max_endpoints_per_subset: int = 1000):
        super().__init__(api, max_endpoints_per_slice=max_endpoints_per_subset)

    def register(self, informers: Any) -> None:
        self.informer("EndpointSlice").add_indexers({SERVICE_NAME_INDEX: index_by_service_name})
        for kind in ("Endpoints", "Service"):
            self.watch(
                kind,
                add=self._enqueue_obj,
                update=lambda old, new: self._enqueue_obj(new),
                delete=self._enqueue_obj,
            )
        self.watch(
            "EndpointSlice", add=self._slice_changed, update=self._slice_updated, delete=self._slice_changed
        )

    def sync_keys(self, keys: list[Any]) -> None:
        from k8snet.controllers import owner_reference

        # reconcile the Endpoints that qualify (key order), then delete the slices of those that no longer do
        services, endpoints = self.informer("Service"), self.informer("Endpoints")
        stale: list[Any] = []
        for key in keys:
            ep = endpoints.get(*key)
            svc = services.get(*key)
            if (
                ep is None
                or (ep.metadata.labels or {}).get(LABEL_SKIP_MIRROR) == "true"
                or svc is None
                or svc.spec.selector
            ):
                stale.extend(self._owned_slices(*key))
                continue
            labels = {k: v for k, v in (ep.metadata.labels or {}).items()}
            labels[LABEL_SERVICE_NAME] = ep.metadata.name
            labels[LABEL_MANAGED_BY] = self.controller_name
            annotations = {
                k: v
                for k, v in (ep.metadata.annotations or {}).items()
                if k not in (LAST_CHANGE_TRIGGER_TIME, LAST_APPLIED)
            }
            try:
                self.reconcile(
                    ep.metadata.namespace,
                    ep.metadata.name,
                    owner_reference(ep),
                    labels,
                    self._groups(ep),
                    annotations,
                    placeholder=False,
                    address_types=("IPv4", "IPv6"),
                )
            except K8snetError:
                self.queue.add_rate_limited(key)
            else:
                self.queue.forget(key)
        for sl in sorted(stale, key=object_key):
            try:
                self.api.delete("EndpointSlice", sl.metadata.name, sl.metadata.namespace)
            except K8snetError:
                self.queue.add_rate_limited(object_key(sl))

    def resync(self) -> None:
        for kind in ("Endpoints", "Service"):
            for obj in self.informer(kind).list():
                self.enqueue(object_key(obj))

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
            for ready, addrs in ((True, subset.addresses), (False, subset.notReadyAddresses)):
                for a in addrs or []:
                    # reconciler_helpers.go addAddress: each address goes to the slices of its type
                    # (getAddressType); one that is not an IP is not mirrored
                    parsed = parse_ip_sloppy(a.ip or "")
                    if parsed is None:
                        continue
                    address_type = "IPv6" if parsed.version == 6 else "IPv4"
                    bucket = groups.setdefault((address_type, key), (ports, {}))[1]
                    e = Endpoint(
                        addresses=[a.ip],
                        conditions=EndpointConditions(ready=ready),
                        targetRef=a.targetRef,
                        nodeName=a.nodeName,
                        hostname=a.hostname,
                    )
                    bucket[a.ip] = e
        return groups
