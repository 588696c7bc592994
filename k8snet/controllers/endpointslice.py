"""The EndpointSlice controller (kubernetes/kubernetes ``pkg/controller/endpointslice`` and the reconciler in
``staging/src/k8s.io/endpointslice``).

For every Service with a selector (not ``ExternalName``), the pods it selects become endpoints in
EndpointSlices named ``<service>-<5 characters>`` (``generateName``), labelled
``kubernetes.io/service-name`` and ``endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io``
(plus the Service's own labels and ``service.kubernetes.io/headless`` for headless Services), owned by the
Service.

**One set of slices per address type** (``reconciler.go`` ``Reconcile``, ``utils.go``
``getAddressTypesForService``): the Service's ``ipFamilies`` give its address types (``IPv4``, ``IPv6``, or both
for a dual-stack Service); without families, the family of ``clusterIP``, and both for a headless Service. Each
type is reconciled on its own (``reconcileByAddressType``), with its own placeholder slice when it has no
endpoints, and a pod contributes to a type's slices only the addresses of that family from ``status.podIPs``
(``getEndpointAddresses``): a dual-stack Service over dual-stack pods gets an ``IPv4`` and an ``IPv6`` slice.
Slices of a type the Service no longer has are deleted. Simplification: upstream walks the address types as a
Go set (no fixed order); we go in ``ipFamilies`` order.

Each endpoint (``podToEndpoint`` in ``staging/src/k8s.io/endpointslice/utils.go``) has the pod IP, conditions
``ready`` (pod Ready and not terminating), ``serving`` (pod Ready) and ``terminating`` (``deletionTimestamp``
set), with ``publishNotReadyAddresses`` forcing ``ready`` (only) to true; ``nodeName``, ``zone``
(the node's ``topology.kubernetes.io/zone`` label), ``hostname`` (``spec.hostname`` when ``spec.subdomain`` is
the Service's name) and ``targetRef``. Terminating pods are kept (``ShouldPodBeInEndpoints(pod, true)``);
pods without an IP or in a terminal phase are left out.

Hints: for ``trafficDistribution`` (``PreferClose``, ``PreferSameZone``, ``PreferSameNode``) every ready endpoint
gets its own zone (and, for ``PreferSameNode``, its own node) as hint (``trafficdist.go``). A Service annotated
``service.kubernetes.io/topology-mode: Auto`` is the topology cache's instead (:func:`hints_enabled`), which the
model does not implement: its endpoints get no hints.

Ports: one entry per Service port (``name`` is ``""`` for an unnamed port), with a named ``targetPort``
resolved in each pod (``podutil.FindPort``); a pod where a port cannot be resolved simply lacks that port, so
pods that resolve ports differently land in different slices. A slice holds at most
``max_endpoints_per_slice`` endpoints (kube-controller-manager ``--max-endpoints-per-slice``, default 100).

Reconciling (``reconciler.go``, simplified but with the same shape): endpoints stay in the slice that
already holds them; changed slices are updated; new endpoints first fill slices that are being updated
anyway, then one existing slice that can take them all, then new slices; a new slice reuses the name of a
slice that would otherwise be deleted. With no endpoints at all a placeholder slice (no endpoints, no ports) is
kept. Simplification: endpoints in a slice are sorted by IP address (upstream keeps insertion order).
The ``endpoints.kubernetes.io/last-change-trigger-time`` annotation follows ``TriggerTimeTracker``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from k8snet.controllers import (
    QueueController,
    controller_of,
    format_rfc3339nano,
    is_pod_ready,
    is_pod_terminal,
    status_message,
)
from k8snet.controllers.informers import (
    LABELS_INDEX,
    NODE_NAME_INDEX,
    SELECTOR_INDEX,
    SERVICE_NAME_INDEX,
    index_by_labels,
    index_by_node_name,
    index_by_selector,
    index_by_service_name,
    object_key,
)
from k8snet.errors import K8snetError

__all__ = [
    "EndpointSliceController",
    "TriggerTimeTracker",
    "find_port",
    "pod_to_endpoint",
    "address_types_for_service",
    "endpoint_addresses",
    "endpoint_ports",
    "should_pod_be_in_endpoints",
    "hints_enabled",
    "MANAGED_BY",
    "LABEL_SERVICE_NAME",
    "LABEL_MANAGED_BY",
    "LAST_CHANGE_TRIGGER_TIME",
]

MANAGED_BY = "endpointslice-controller.k8s.io"
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
LABEL_HEADLESS = "service.kubernetes.io/headless"
LABEL_ZONE = "topology.kubernetes.io/zone"
LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
#: ``v1.DeprecatedAnnotationTopologyAwareHints`` and ``v1.AnnotationTopologyMode``.
ANNOTATION_TOPOLOGY_AWARE_HINTS = "service.kubernetes.io/topology-aware-hints"
ANNOTATION_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"


class PortNotFoundError(Exception):
    pass


def find_port(pod: Any, svc_port: Any) -> int:
    """``podutil.FindPort``: a numeric targetPort as is; a named one looked up by name and protocol.

    >>> from k8snet.api.core_v1 import Pod, ServicePort
    >>> pod = Pod(metadata={"name": "p"}, spec={"containers": [{"name": "c", "ports": [
    ...     {"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]})
    >>> find_port(pod, ServicePort(port=80, targetPort="http", protocol="TCP"))
    8080
    """
    target = svc_port.targetPort
    if target is None:
        target = svc_port.port
    if isinstance(target, int):
        return target
    for c in pod.spec.containers:
        for p in c.ports or []:
            if p.name == target and (p.protocol or "TCP") == (svc_port.protocol or "TCP"):
                return p.containerPort
    for c in pod.spec.initContainers or []:  # sidecars (restartPolicy: Always) count too
        if c.restartPolicy != "Always":
            continue
        for p in c.ports or []:
            if p.name == target and (p.protocol or "TCP") == (svc_port.protocol or "TCP"):
                return p.containerPort
    raise PortNotFoundError(f"no suitable port for manifest: {pod.metadata.uid}")


def should_pod_be_in_endpoints(pod: Any, include_terminating: bool) -> bool:
    """``endpointsliceutil.ShouldPodBeInEndpoints``."""
    if is_pod_terminal(pod):
        return False
    if not (pod.status and (pod.status.podIP or pod.status.podIPs)):
        return False
    if not include_terminating and pod.metadata.deletionTimestamp is not None:
        return False
    return True


def endpoint_ports(svc: Any, pod: Any) -> list[Any]:
    """``getEndpointPorts``: the Service's ports resolved in ``pod``; unresolvable ones left out."""
    from k8snet.api.discovery_v1 import EndpointPort

    out = []
    for sp in svc.spec.ports or []:
        try:
            num = find_port(pod, sp)
        except PortNotFoundError:
            continue
        out.append(
            EndpointPort(
                name=sp.name or "", port=num, protocol=sp.protocol or "TCP", appProtocol=sp.appProtocol
            )
        )
    return out


def address_types_for_service(svc: Any) -> list[str]:
    """``getAddressTypesForService`` (utils.go): the address types of a Service's EndpointSlices, in
    ``ipFamilies`` order.

    >>> from k8snet.api.core_v1 import Service
    >>> address_types_for_service(Service(spec={"ipFamilies": ["IPv6", "IPv4"]}))
    ['IPv6', 'IPv4']
    >>> address_types_for_service(Service(spec={"clusterIP": "None"}))
    ['IPv4', 'IPv6']
    """
    out = [f for f in dict.fromkeys(svc.spec.ipFamilies or []) if f in ("IPv4", "IPv6")]
    if out:
        return out  # "we have found families for this service"
    ip = svc.spec.clusterIP or ""
    if ip and ip != "None":  # "headfull": the family of the ClusterIP
        return ["IPv6" if ":" in ip else "IPv4"]
    return ["IPv4", "IPv6"]  # headless without families: "for now we assume two families"


def endpoint_addresses(pod: Any, address_type: str) -> list[str]:
    """``getEndpointAddresses``: the pod's IPs of one address type (``status.podIPs``; ``podIP`` when a pod
    written by hand has only that).

    >>> from k8snet.api.core_v1 import Pod
    >>> pod = Pod(metadata={"name": "p"}, status={"podIP": "10.244.1.2",
    ...           "podIPs": [{"ip": "10.244.1.2"}, {"ip": "fd00:10:244:1::2"}]})
    >>> endpoint_addresses(pod, "IPv6"), endpoint_addresses(pod, "IPv4")
    (['fd00:10:244:1::2'], ['10.244.1.2'])
    """
    status = pod.status
    ips = [p.ip for p in status.podIPs or []] or ([status.podIP] if status.podIP else [])
    want_v6 = address_type == "IPv6"
    return [ip for ip in ips if (":" in ip) == want_v6]


def pod_to_endpoint(pod: Any, node: Any | None, svc: Any, address_type: str | None = None) -> Any:
    """``podToEndpoint``: one discovery/v1 Endpoint for a pod, with its addresses of ``address_type`` (by
    default the family of ``status.podIP``). An endpoint without addresses is left out of the slices."""
    from k8snet.api.core_v1 import ObjectReference
    from k8snet.api.discovery_v1 import Endpoint, EndpointConditions

    if address_type is None:
        address_type = "IPv6" if ":" in (pod.status.podIP or "") else "IPv4"
    # utils.go podToEndpoint: serving is the pod's readiness; publishNotReadyAddresses forces only ready.
    serving = is_pod_ready(pod)
    terminating = pod.metadata.deletionTimestamp is not None
    ready = bool(svc.spec.publishNotReadyAddresses) or (serving and not terminating)
    ep = Endpoint(
        addresses=endpoint_addresses(pod, address_type),
        conditions=EndpointConditions(ready=ready, serving=serving, terminating=terminating),
        targetRef=ObjectReference(
            kind="Pod", namespace=pod.metadata.namespace, name=pod.metadata.name, uid=pod.metadata.uid
        ),
    )
    if pod.spec.nodeName:
        ep.nodeName = pod.spec.nodeName
    if node is not None and (node.metadata.labels or {}).get(LABEL_ZONE):
        ep.zone = node.metadata.labels[LABEL_ZONE]
    if (
        pod.spec.hostname
        and pod.spec.subdomain == svc.metadata.name
        and pod.metadata.namespace == svc.metadata.namespace
    ):
        ep.hostname = pod.spec.hostname
    if not hints_enabled(svc.metadata.annotations):
        _set_traffic_distribution_hints(ep, ready, svc.spec.trafficDistribution)
    return ep


def hints_enabled(annotations: dict[str, str] | None) -> bool:
    """``hintsEnabled`` (staging/src/k8s.io/endpointslice/utils.go): the Service asks for topology-aware routing
    with ``service.kubernetes.io/topology-aware-hints`` (deprecated, checked first) or
    ``service.kubernetes.io/topology-mode`` set to ``Auto`` or ``auto``.

    The reconciler then gives the slices the topology cache's proportional hints instead of those of
    ``trafficDistribution`` (``canUseTrafficDistribution`` is false). The model does not implement that cache
    (``topologycache``: endpoints allotted to zones by their nodes' allocatable CPU, or no hints when its
    safeguards refuse), so such a Service's endpoints get no hints here.

    >>> hints_enabled({"service.kubernetes.io/topology-mode": "Auto"}), hints_enabled(None)
    (True, False)
    >>> hints_enabled({"service.kubernetes.io/topology-aware-hints": "disabled",
    ...                "service.kubernetes.io/topology-mode": "Auto"})
    False
    """
    annotations = annotations or {}
    val = annotations.get(ANNOTATION_TOPOLOGY_AWARE_HINTS)
    if val is None:
        val = annotations.get(ANNOTATION_TOPOLOGY_MODE)
        if val is None:
            return False
    return val in ("Auto", "auto")


def _set_traffic_distribution_hints(ep: Any, ready: bool, traffic_distribution: str | None) -> None:
    """Hints for ``trafficDistribution`` (staging/src/k8s.io/endpointslice/trafficdist/trafficdist.go):
    ready endpoints get ``forZones`` = their own zone; ``PreferSameNode`` adds ``forNodes`` = their node."""
    if not ready or traffic_distribution not in ("PreferClose", "PreferSameZone", "PreferSameNode"):
        return
    from k8snet.api.discovery_v1 import EndpointHints

    hints: dict[str, Any] = {}
    if ep.zone:
        hints["forZones"] = [{"name": ep.zone}]
    if ep.nodeName and traffic_distribution == "PreferSameNode":
        hints["forNodes"] = [{"name": ep.nodeName}]
    if hints:
        ep.hints = EndpointHints.model_validate(hints)


class TriggerTimeTracker:
    """``endpointutil.TriggerTimeTracker``: the earliest change, since the last sync of a Service, among its
    pods' Ready-condition transitions and the Service's creation."""

    def __init__(self) -> None:
        self._state: dict[tuple[str, str], tuple[Any, dict[str, Any]]] = {}

    def compute(self, svc: Any, pods: list[Any]) -> Any:
        key = (svc.metadata.namespace, svc.metadata.name)
        last_svc, last_pods = self._state.get(key, (None, {}))
        changed = []
        pod_times: dict[str, Any] = {}
        for pod in pods:
            t = next(
                (
                    c.lastTransitionTime
                    for c in ((pod.status.conditions if pod.status else None) or [])
                    if c.type == "Ready"
                ),
                None,
            )
            if t is not None:
                pod_times[pod.metadata.name] = t
                prev = last_pods.get(pod.metadata.name)
                if prev is None or t > prev:
                    changed.append(t)
        svc_time = svc.metadata.creationTimestamp
        if last_svc is None or svc_time > last_svc:
            changed.append(svc_time)
        self._state[key] = (svc_time, pod_times)
        return min(changed) if changed else None

    def forget(self, namespace: str, name: str) -> None:
        self._state.pop((namespace, name), None)


def _ip_key(ep: Any) -> tuple:
    try:
        return (0, int(ipaddress.ip_address(ep.addresses[0])), "")
    except ValueError:
        return (1, 0, ep.addresses[0])


def _ports_key(ports: list[Any] | None) -> tuple:
    return tuple((p.name, p.port, p.protocol, p.appProtocol) for p in ports or [])


class EndpointSliceController(QueueController):
    """Keeps EndpointSlices in line with Services and their pods.

    Watches Services, Pods (a pod's change queues the Services whose selector matches its old or new labels,
    found through the Service informer's selector index), Nodes (zones: the Services of the node's pods) and
    the EndpointSlices it manages (a change queues their Service); the pods of a Service come from the Pod
    informer's inverted label index. A write the API server refuses becomes the Warning
    ``FailedToUpdateEndpointSlices`` "Error updating Endpoint Slices for Service <ns>/<name>: <error>"
    (``endpointslice_controller.go``) and a retry with back-off.

    Example
    -------
    >>> from k8snet.sim.cluster import Cluster
    >>> cluster = Cluster(preset="minikube")
    >>> [sl] = cluster.endpoint_slices("kube-system", service="kube-dns")
    >>> sl.metadata.name.startswith("kube-dns-"), [e.addresses for e in sl.endpoints]
    (True, [['10.244.0.2']])
    >>> sl.metadata.labels["endpointslice.kubernetes.io/managed-by"]
    'endpointslice-controller.k8s.io'
    """

    controller_name = MANAGED_BY
    primary_kind = "Service"
    #: The event source of failures (``endpointslice_controller.go``'s recorder).
    component = "endpoint-slice-controller"

    def __init__(self, api: Any, max_endpoints_per_slice: int = 100, recorder: Any = None):
        super().__init__(api)
        self.max_endpoints_per_slice = max_endpoints_per_slice
        self.triggers = TriggerTimeTracker()
        self.recorder = recorder

    # -- informers ---------------------------------------------------------------------------------------
    def register(self, informers: Any) -> None:
        self.informer("Service").add_indexers({SELECTOR_INDEX: index_by_selector})
        self.informer("Pod").add_indexers(
            {LABELS_INDEX: index_by_labels, NODE_NAME_INDEX: index_by_node_name}
        )
        self.informer("EndpointSlice").add_indexers({SERVICE_NAME_INDEX: index_by_service_name})
        self.watch(
            "Service",
            add=self._enqueue_obj,
            update=lambda old, new: self._enqueue_obj(new),
            delete=self._enqueue_obj,
        )
        self.watch("Pod", add=self._pod_changed, update=self._pod_updated, delete=self._pod_changed)
        self.watch(
            "Node",
            add=self._node_changed,
            update=lambda old, new: self._node_changed(new),
            delete=self._node_changed,
        )
        self.watch(
            "EndpointSlice", add=self._slice_changed, update=self._slice_updated, delete=self._slice_changed
        )

    def _enqueue_obj(self, obj: Any) -> None:
        self.enqueue(object_key(obj))

    def _pod_changed(self, pod: Any) -> None:
        ns = object_key(pod)[0]
        for svc in self.informer("Service").indexer.selecting(ns, pod.metadata.labels):
            self.enqueue(object_key(svc))

    def _pod_updated(self, old: Any, new: Any) -> None:
        self._pod_changed(new)
        if old.metadata.labels != new.metadata.labels:
            self._pod_changed(old)

    def _node_changed(self, node: Any) -> None:
        for pod in self.informer("Pod").indexer.by_index(NODE_NAME_INDEX, node.metadata.name):
            self._pod_changed(pod)

    def _slice_changed(self, sl: Any) -> None:
        labels = sl.metadata.labels or {}
        name = labels.get(LABEL_SERVICE_NAME)
        if name and labels.get(LABEL_MANAGED_BY) == self.controller_name:
            self.enqueue((object_key(sl)[0], name))

    def _slice_updated(self, old: Any, new: Any) -> None:
        self._slice_changed(old)
        self._slice_changed(new)

    # -- reconcile ---------------------------------------------------------------------------------------
    def sync_key(self, key: Any) -> None:
        svc = self.informer("Service").get(*key)
        if svc is not None:
            self.sync_service(svc)

    def sync_service(self, svc: Any) -> None:
        try:
            self._sync_service(svc)
        except K8snetError as err:
            if self.recorder is not None:
                self.recorder.event(
                    svc,
                    "Warning",
                    "FailedToUpdateEndpointSlices",
                    f"Error updating Endpoint Slices for Service {svc.metadata.namespace}/{svc.metadata.name}: "
                    f"{_reconcile_error(err)}",
                    self.component,
                )
            raise

    def _desired_labels(self, svc: Any) -> dict[str, str]:
        labels = {
            k: v
            for k, v in (svc.metadata.labels or {}).items()
            if k not in (LABEL_SERVICE_NAME, LABEL_MANAGED_BY)
        }
        if svc.spec.clusterIP == "None":
            labels[LABEL_HEADLESS] = ""
        labels[LABEL_SERVICE_NAME] = svc.metadata.name
        labels[LABEL_MANAGED_BY] = self.controller_name
        return labels

    def _owned_slices(self, namespace: str, name: str) -> list[Any]:
        slices = self.informer("EndpointSlice").indexer.by_index(SERVICE_NAME_INDEX, (namespace, name))
        return [
            sl for sl in slices if (sl.metadata.labels or {}).get(LABEL_MANAGED_BY) == self.controller_name
        ]

    def _sync_service(self, svc: Any) -> None:
        from k8snet.controllers import owner_reference

        if svc.spec.type == "ExternalName" or not svc.spec.selector:
            return
        ns = svc.metadata.namespace
        nodes = self.informer("Node")
        pods = self.informer("Pod").indexer.select(ns, svc.spec.selector)
        trigger = self.triggers.compute(svc, pods)
        address_types = address_types_for_service(svc)
        groups: dict[tuple, tuple[list[Any], dict[str, Any]]] = {}
        for pod in pods:
            if not should_pod_be_in_endpoints(pod, include_terminating=True):
                continue
            ports = endpoint_ports(svc, pod)
            node = nodes.get("", pod.spec.nodeName or "")
            for address_type in address_types:
                ep = pod_to_endpoint(pod, node, svc, address_type)
                if ep.addresses:  # "if len(endpoint.Addresses) > 0"
                    groups.setdefault((address_type, _ports_key(ports)), (ports, {}))[1][ep.addresses[0]] = ep
        annotations = {LAST_CHANGE_TRIGGER_TIME: format_rfc3339nano(trigger)} if trigger is not None else {}
        self.reconcile(
            ns,
            svc.metadata.name,
            owner_reference(svc),
            self._desired_labels(svc),
            groups,
            annotations,
            placeholder=True,
            address_types=address_types,
        )

    def reconcile(
        self,
        namespace: str,
        base: str,
        owner: Any,
        labels: dict[str, str],
        groups: dict,
        annotations: dict[str, str],
        placeholder: bool,
        address_types: Sequence[str] = ("IPv4",),
    ) -> None:
        """Bring the slices labelled for ``base`` in line with ``groups`` ((address type, ports key) -> (ports,
        {ip: endpoint})), one address type at a time (``Reconcile``); slices of other types are deleted.

        ``annotations`` are set on every slice created or updated; a missing trigger-time key removes it.
        """
        # writable copies of the cached slices (they share the endpoints, which are not changed in place)
        existing = [
            sl.model_copy(update={"metadata": sl.metadata.model_copy()})
            for sl in self._owned_slices(namespace, base)
        ]
        unsupported = [sl for sl in existing if sl.addressType not in address_types]
        errors: list[str] = []
        for address_type in address_types:
            errors += self._reconcile_address_type(
                namespace,
                base,
                owner,
                labels,
                address_type,
                [sl for sl in existing if sl.addressType == address_type],
                {key[1]: group for key, group in groups.items() if key[0] == address_type},
                annotations,
                placeholder,
            )
        service = f"{namespace}/{base}"
        for sl in sorted(unsupported, key=lambda s: s.metadata.name):
            try:
                self.api.delete("EndpointSlice", sl.metadata.name, sl.metadata.namespace)
            except K8snetError as err:
                errors.append(
                    f"error deleting {sl.metadata.name} EndpointSlice for Service {service}: {status_message(err)}"
                )
        if errors:
            raise ReconcileError(errors)

    def _reconcile_address_type(
        self,
        namespace: str,
        base: str,
        owner: Any,
        labels: dict[str, str],
        address_type: str,
        existing: list[Any],
        groups: dict,
        annotations: dict[str, str],
        placeholder: bool,
    ) -> list[str]:
        """``reconcileByAddressType`` over the slices of one type; returns the errors of its writes."""
        from k8snet.api.discovery_v1 import EndpointSlice

        limit = self.max_endpoints_per_slice
        by_ports: dict[tuple, list[Any]] = {}
        for sl in existing:
            by_ports.setdefault(_ports_key(sl.ports), []).append(sl)
        to_update: list[Any] = []
        to_create: list[Any] = []
        to_delete: list[Any] = []

        def meta_ok(sl: Any) -> bool:
            return (sl.metadata.labels or {}) == labels and [
                r.uid for r in sl.metadata.ownerReferences or []
            ] == [owner.uid]

        for pkey, (ports, desired) in sorted(groups.items(), key=lambda kv: repr(kv[0])):
            remaining = dict(desired)
            group_updates: list[Any] = []
            group_unchanged: list[Any] = []
            for sl in by_ports.pop(pkey, []):
                kept, changed = [], not meta_ok(sl)
                for ep in sl.endpoints or []:
                    want = remaining.pop(ep.addresses[0], None)
                    if want is None:
                        changed = True
                        continue
                    if want != ep:
                        changed = True
                    kept.append(want)
                if not kept:
                    to_delete.append(sl)
                    continue
                sl.endpoints = kept
                (group_updates if changed else group_unchanged).append(sl)
            new_eps = sorted(remaining.values(), key=_ip_key)
            for sl in sorted(group_updates, key=lambda s: (-len(s.endpoints), s.metadata.name)):
                room = limit - len(sl.endpoints)
                if room > 0 and new_eps:
                    sl.endpoints = sl.endpoints + new_eps[:room]
                    new_eps = new_eps[room:]
            if new_eps:
                fits = [s for s in group_unchanged if len(s.endpoints) + len(new_eps) <= limit]
                if fits:
                    sl = max(fits, key=lambda s: (len(s.endpoints), s.metadata.name))
                    sl.endpoints = sl.endpoints + new_eps
                    new_eps = []
                    group_unchanged.remove(sl)
                    group_updates.append(sl)
            while new_eps:
                chunk, new_eps = new_eps[:limit], new_eps[limit:]
                to_create.append(
                    EndpointSlice(
                        addressType=address_type,
                        endpoints=chunk,
                        ports=[p.model_copy() for p in ports] or None,
                    )
                )
            to_update.extend(group_updates)
        for slices in by_ports.values():  # slices whose port set no endpoint has any more
            to_delete.extend(slices)

        # placeholder: a Service that selects nothing still gets one empty slice
        if placeholder and len(existing) == len(to_delete) and not to_create:
            empty = [s for s in to_delete if not s.endpoints and not s.ports]
            if len(to_delete) == 1 and empty and meta_ok(empty[0]):
                to_delete = []
            else:
                to_create.append(EndpointSlice(addressType=address_type, endpoints=None, ports=None))

        # recycle: a create takes over the name of a slice that would be deleted
        to_delete.sort(key=lambda s: s.metadata.name)
        while to_create and to_delete:
            new = to_create.pop()
            old = to_delete.pop(0)
            old.endpoints, old.ports = new.endpoints, new.ports
            to_update.append(old)

        # reconciler.go finalize: every write is tried; the failures are returned together
        errors: list[str] = []
        service = f"{namespace}/{base}"
        for sl in to_update:
            sl.endpoints = sorted(sl.endpoints, key=_ip_key) if sl.endpoints else None
            sl.metadata.labels = dict(labels)
            sl.metadata.ownerReferences = [owner]
            self._annotate(sl, annotations)
            try:
                self.api.update(sl)
            except K8snetError as err:
                errors.append(
                    f"failed to update {sl.metadata.name} EndpointSlice for Service {service}: {status_message(err)}"
                )
        for sl in to_create:
            sl.metadata.generateName = f"{base}-"
            sl.metadata.namespace = namespace
            sl.metadata.labels = dict(labels)
            sl.metadata.ownerReferences = [owner]
            self._annotate(sl, annotations)
            try:
                self.api.create(sl)
            except K8snetError as err:
                errors.append(f"failed to create EndpointSlice for Service {service}: {status_message(err)}")
        for sl in to_delete:
            try:
                self.api.delete("EndpointSlice", sl.metadata.name, sl.metadata.namespace)
            except K8snetError as err:
                errors.append(
                    f"error deleting {sl.metadata.name} EndpointSlice for Service {service}: {status_message(err)}"
                )
        return errors

    @staticmethod
    def _annotate(sl: Any, annotations: dict[str, str]) -> None:
        ann = dict(sl.metadata.annotations or {})
        ann.pop(LAST_CHANGE_TRIGGER_TIME, None)
        ann.update(annotations)
        sl.metadata.annotations = ann or None


class ReconcileError(K8snetError):
    """The writes of one reconcile that the API server refused (``utilerrors.NewAggregate``: one message as
    is, several as ``[a, b]``)."""

    def __init__(self, messages: list[str]):
        self.messages = list(dict.fromkeys(messages))
        text = self.messages[0] if len(self.messages) == 1 else "[" + ", ".join(self.messages) + "]"
        super().__init__(text)


def _reconcile_error(err: K8snetError) -> str:
    return str(err) if isinstance(err, ReconcileError) else status_message(err)


def owned_by_service(sl: Any, svc: Any) -> bool:
    ref = controller_of(sl)
    return ref is not None and ref.uid == svc.metadata.uid
