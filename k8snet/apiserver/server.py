"""A synchronous kube-apiserver: defaulting, allocation, validation and storage, all-or-nothing.

Each write follows the order of the generic registry (k8s.io/apiserver ``pkg/registry/generic/registry/store.go``)
and the Service REST storage (kubernetes/kubernetes ``pkg/registry/core/service/storage/storage.go``):

1. defaults (``pkg/apis/core/v1/defaults.go``; decoding applies them before anything else),
2. for Services, ``beginCreate``/``beginUpdate``: ``patchAllocatedValues`` and ``normalizeClusterIPs`` on
   update, IP-family initialisation and **allocation** of ClusterIPs and NodePorts,
3. strategy preparation (``dropTypeDependentFields`` on Service updates; for the other kinds their strategy's
   ``PrepareForCreate``/``PrepareForUpdate``: status reset, generation, a Job's generated selector...) and
   **validation** (:data:`~k8snet.apiserver.validation.VALIDATE`, one function per kind),
4. storage.

A request that fails at any step changes nothing: allocations are rolled back and the store is left exactly as
it was (the whole request runs inside :meth:`~k8snet.apiserver.store.Store.transaction`).

Warnings (``Warning: ...`` lines kubectl prints on stderr) of the last request are in
:attr:`APIServer.last_warnings`; every call resets it.

Example
-------
>>> from k8snet.api.core_v1 import Namespace, Service
>>> from k8snet.clock import SimClock
>>> from k8snet.apiserver.store import Store
>>> clock = SimClock()
>>> api = APIServer(Store(clock), clock)
>>> _ = api.create(Namespace(metadata={"name": "default"}))
>>> svc = api.create(Service(metadata={"name": "web"}, spec={"ports": [{"port": 80}], "clusterIP": "10.96.0.20"}))
>>> svc.spec.clusterIPs, svc.spec.type, svc.spec.ports[0].targetPort
(['10.96.0.20'], 'ClusterIP', 80)
>>> api.get("Service", "nope")
Traceback (most recent call last):
...
k8snet.errors.NotFoundError: Error from server (NotFound): services "nope" not found
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from k8snet.api import kind_class
from k8snet.api.labels import selector_matches
from k8snet.apiserver import admission as _admission
from k8snet.apiserver import defaulting as _defaulting
from k8snet.apiserver import field as _field
from k8snet.apiserver import validation as _validation
from k8snet.apiserver import warnings as _warnings
from k8snet.apiserver.allocation import (
    AllocationError,
    ClusterIPAllocator,
    NodePortAllocator,
    cluster_ip_cause,
    node_port_cause,
)
from k8snet.apiserver.naming import generate_name
from k8snet.apiserver.store import Store, key_of
from k8snet.apiserver.validation import externally_accessible as _externally_accessible
from k8snet.apiserver.validation import needs_health_check
from k8snet.errors import AlreadyExistsError, Cause, InvalidError, KubectlError, NotFoundError

__all__ = ["APIServer", "ConflictError"]


class ConflictError(KubectlError):
    """HTTP 409 on a stale resourceVersion."""

    def __init__(self, resource: str, name: str):
        super().__init__(
            f'Error from server (Conflict): Operation cannot be fulfilled on {resource} "{name}": the object has '
            "been modified; please apply your changes to the latest version and try again"
        )


# --------------------------------------------------------------------------------------------------------
# Service helpers (pkg/registry/core/service/storage/storage.go and strategy.go)
# --------------------------------------------------------------------------------------------------------
def _needs_cluster_ip(svc) -> bool:
    return svc.spec.type != "ExternalName"


def _needs_node_port(svc) -> bool:
    return svc.spec.type in ("NodePort", "LoadBalancer")


def _should_allocate_node_ports(svc) -> bool:
    if svc.spec.type == "NodePort":
        return True
    if svc.spec.type == "LoadBalancer":
        return svc.spec.allocateLoadBalancerNodePorts is not False
    return False


def _drop_type_dependent_fields(new, old) -> None:
    """strategy.go ``dropTypeDependentFields``: wipe values that no longer apply, unless the user changed them."""
    if _needs_cluster_ip(old) and not _needs_cluster_ip(new):
        if new.spec.clusterIP == old.spec.clusterIP and (new.spec.clusterIPs or []) == (
            old.spec.clusterIPs or []
        ):
            new.spec.clusterIP = None
            new.spec.clusterIPs = None
        if (new.spec.ipFamilies or []) == (old.spec.ipFamilies or []):
            new.spec.ipFamilies = None
        if new.spec.ipFamilyPolicy == old.spec.ipFamilyPolicy:
            new.spec.ipFamilyPolicy = None
    if _needs_node_port(old) and not _needs_node_port(new):
        same = [p.nodePort or 0 for p in old.spec.ports or []] == [
            p.nodePort or 0 for p in new.spec.ports or []
        ]
        if same:
            for p in new.spec.ports or []:
                p.nodePort = None
    if needs_health_check(old) and not needs_health_check(new):
        if new.spec.healthCheckNodePort == old.spec.healthCheckNodePort:
            new.spec.healthCheckNodePort = None
    if old.spec.type == "LoadBalancer" and new.spec.type != "LoadBalancer":
        if (
            new.spec.allocateLoadBalancerNodePorts is not None
            and new.spec.allocateLoadBalancerNodePorts == old.spec.allocateLoadBalancerNodePorts
        ):
            new.spec.allocateLoadBalancerNodePorts = None
        if new.spec.loadBalancerClass == old.spec.loadBalancerClass:
            new.spec.loadBalancerClass = None
    if _externally_accessible(old) and not _externally_accessible(new):
        if new.spec.externalTrafficPolicy == old.spec.externalTrafficPolicy:
            new.spec.externalTrafficPolicy = None
    if new.spec.type != "LoadBalancer" and new.status is not None:
        from k8snet.api.core_v1 import LoadBalancerStatus

        new.status.loadBalancer = LoadBalancerStatus()


# --------------------------------------------------------------------------------------------------------
# Pod / Deployment defaults (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go)
# --------------------------------------------------------------------------------------------------------
def qos_class(spec) -> str:
    """``qos.GetPodQOS`` (pkg/apis/core/helper/qos), for cpu and memory: no requests or limits anywhere →
    BestEffort; every container with cpu and memory limits equal to its requests → Guaranteed; else Burstable.

    >>> from k8snet.api.core_v1 import PodSpec
    >>> qos_class(PodSpec(containers=[{"name": "c"}]))
    'BestEffort'
    >>> qos_class(PodSpec(containers=[{"name": "c", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]))
    'Guaranteed'
    """
    containers = list(spec.containers or []) + list(spec.initContainers or []) if spec else []
    any_set, guaranteed = False, True
    for c in containers:
        res = c.resources or {}
        requests = {k: v for k, v in (res.get("requests") or {}).items() if k in ("cpu", "memory")}
        limits = {k: v for k, v in (res.get("limits") or {}).items() if k in ("cpu", "memory")}
        if requests or limits:
            any_set = True
        # requests default to limits when only limits are given
        effective = {**limits, **requests}
        if set(limits) != {"cpu", "memory"} or any(effective[k] != limits[k] for k in limits):
            guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _incoming(obj: Any) -> Any:
    """A private copy of a request's object with its namespace settled: ``default`` when unset for namespaced
    kinds; cleared, not rejected, for cluster-scoped ones (rest.BeforeCreate/BeforeUpdate)."""
    obj = obj.model_copy(deep=True)
    obj.metadata.namespace = (obj.metadata.namespace or "default") if obj.namespaced else None
    return obj


def _causes(errs: Any) -> list[Cause]:
    return list(_field.to_causes(errs)) if errs else []


# Defaulting per kind is k8snet.apiserver.defaulting.DEFAULTS; validation per kind (create, and update where
# upstream has a separate function) is k8snet.apiserver.validation.VALIDATE / VALIDATE_UPDATE.


def _prepare_for_create(obj, now) -> None:
    """What the registry strategies' ``PrepareForCreate`` do for the kinds beyond Services, Pods and
    Namespaces: a client cannot set ``status`` on create (it starts at its zero value); a PersistentVolume or
    claim starts ``Pending`` (``PersistentVolumeLastPhaseTransitionTime`` is GA); an apps/v1 DaemonSet carries its
    template generation in the ``deprecated.daemonset.template.generation`` annotation; a Job gets its
    generated selector (pkg/registry/*/strategy.go)."""
    kind = obj.kind
    status_field = type(obj).model_fields.get("status")
    if kind in _STATUS_RESET and status_field is not None:
        annotation = status_field.annotation
        cls = next(a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None))
        obj.status = cls()
    if kind == "PersistentVolume":
        obj.status.phase = "Pending"
        obj.status.lastPhaseTransitionTime = now
    elif kind == "PersistentVolumeClaim":
        obj.status.phase = "Pending"
    elif kind == "DaemonSet":
        annotations = dict(obj.metadata.annotations or {})
        annotations["deprecated.daemonset.template.generation"] = "1"
        obj.metadata.annotations = annotations
    elif kind == "Job":
        _defaulting.generate_job_selector(obj)


#: Kinds whose create strategy resets ``status`` (Services, Pods and Namespaces are handled in ``create``).
_STATUS_RESET = frozenset(
    {
        "PersistentVolume",
        "PersistentVolumeClaim",
        "ReplicationController",
        "ResourceQuota",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
    }
)


def _prepare_for_update(obj, old) -> None:
    """``PrepareForUpdate`` of the same strategies: ``status`` is written only through the status subresource,
    and a DaemonSet's template generation goes up when its template changes."""
    if obj.kind in _STATUS_RESET:
        obj.status = old.status
    if obj.kind == "DaemonSet":
        key = "deprecated.daemonset.template.generation"
        generation = int((old.metadata.annotations or {}).get(key, "1") or "1")
        old_template = old.spec.template.to_dict() if old.spec and old.spec.template else None
        new_template = obj.spec.template.to_dict() if obj.spec and obj.spec.template else None
        if old_template != new_template:
            generation += 1
        obj.metadata.annotations = {**(obj.metadata.annotations or {}), key: str(generation)}


class APIServer:
    """The API server: typed create/update/delete/get/list over a :class:`Store`.

    Parameters
    ----------
    store : Store
    clock : SimClock
    service_cidr : str
        ``--service-cluster-ip-range`` (IPv4 only).
    node_port_range : str
        ``--service-node-port-range``.
    seed : int
        Seeds ``generateName`` suffixes and allocator start positions.
    """

    def __init__(
        self,
        store: Store,
        clock,
        service_cidr: str = "10.96.0.0/12",
        node_port_range: str = "30000-32767",
        seed: int = 0,
    ):
        self.store = store
        self.clock = clock
        self.service_cidr = service_cidr
        self.node_port_range = node_port_range
        self.ips = ClusterIPAllocator(service_cidr, seed=seed)
        self.ports = NodePortAllocator(node_port_range, seed=seed)
        self.rng = random.Random(f"apiserver:{seed}")
        self.last_warnings: list[str] = []
        store.join(self.ips)
        store.join(self.ports)
        store.join(_RngState(self.rng))
        # kube-api-access-<suffix> volume names: their own stream, so pod names do not shift with admission
        self.admission_rng = random.Random(f"admission:{seed}")
        store.join(_RngState(self.admission_rng))

    # -- helpers -----------------------------------------------------------------------------------------
    @staticmethod
    def _plural(kind: str) -> str:
        # schema.GroupResource.String(): "services", "deployments.apps", "endpointslices.discovery.k8s.io"
        try:
            return kind_class(kind).api_info.group_resource
        except KeyError:
            return kind.lower() + "s"

    def _ns_of(self, obj) -> str:
        return key_of(obj)[1]

    def _check_namespace(self, obj) -> None:
        if getattr(obj, "namespaced", True):
            ns = obj.metadata.namespace or "default"
            if not self.store.exists("Namespace", ns, ""):
                raise NotFoundError("namespaces", ns)

    def _ensure_name(self, obj) -> None:
        md = obj.metadata
        if not md.name and md.generateName:
            for _ in range(100):
                name = generate_name(md.generateName, self.rng)
                if not self.store.exists(obj.kind, name, self._ns_of(obj) if obj.namespaced else ""):
                    md.name = name
                    break
        if not md.name:
            raise InvalidError(
                obj.kind,
                "",
                [
                    Cause(
                        "FieldValueRequired",
                        "metadata.name",
                        "Required value: name or generateName is required",
                    )
                ],
            )

    def _validate(self, obj, old=None) -> None:
        kind = obj.kind
        if old is not None and kind in _validation.VALIDATE_UPDATE:
            errs = _validation.VALIDATE_UPDATE[kind](obj, old)
        elif kind in _validation.VALIDATE:
            errs = _validation.VALIDATE[kind](obj)
        else:
            errs = []
        causes = _causes(errs)
        if causes:
            raise InvalidError(kind, obj.metadata.name or "", causes)

    def _warn(self, obj, old=None) -> None:
        if obj.kind == "Service":
            self.last_warnings = list(_warnings.warnings_for_service(obj, old))

    def _defaults(self, obj) -> None:
        setter = _defaulting.DEFAULTS.get(obj.kind)
        if setter is not None:
            setter(obj)

    def _ip_families(self, svc, old=None) -> None:
        errs = _defaulting.set_defaults_ip_families(svc, old, cluster_families=("IPv4",))
        if errs:
            raise InvalidError("Service", svc.metadata.name or "", _causes(errs))

    # -- Service allocation (alloc.go) ----------------------------------------------------------------------
    def _alloc_cluster_ips(self, svc) -> None:
        s = svc.spec
        if s.type == "ExternalName":
            return
        if s.clusterIPs and s.clusterIPs[0] == "None":
            return
        if s.clusterIP == "None":
            return
        requested = s.clusterIPs[0] if s.clusterIPs else (s.clusterIP or "")
        if requested:
            try:
                self.ips.allocate(requested)
            except AllocationError as err:
                raise InvalidError(
                    "Service",
                    svc.metadata.name,
                    [cluster_ip_cause(list(s.clusterIPs or [requested]), requested, err)],
                ) from None
            ip = requested
        else:
            try:
                ip = self.ips.allocate_next()
            except AllocationError as err:
                raise KubectlError(
                    f"Error from server (InternalError): Internal error occurred: failed to allocate a serviceIP: {err}"
                ) from None
        s.clusterIP = ip
        s.clusterIPs = [ip] + list((s.clusterIPs or [])[1:])

    def _alloc_node_ports_create(self, svc) -> None:
        s = svc.spec
        if _needs_node_port(svc):
            by_port: dict[int, int] = {}
            for i, p in enumerate(s.ports or []):
                if not p.nodePort and not _should_allocate_node_ports(svc):
                    continue
                allocated = by_port.get(p.port or 0, 0)
                if not allocated:
                    # findRequestedNodePort: a later port with the same number may carry the request
                    np = next((q.nodePort for q in (s.ports or []) if q.port == p.port and q.nodePort), 0)
                    if np:
                        self._allocate_port(svc, i, np)
                        p.nodePort = np
                    else:
                        p.nodePort = self._next_port("failed to allocate a nodePort")
                    by_port[p.port or 0] = p.nodePort
                elif (p.nodePort or 0) != allocated:
                    if not p.nodePort:
                        p.nodePort = allocated
                    else:
                        self._allocate_port(svc, i, p.nodePort)
        if needs_health_check(svc):
            self._alloc_health_check(svc)

    def _allocate_port(self, svc, index: int, port: int) -> None:
        try:
            self.ports.allocate(port)
        except AllocationError as err:
            raise InvalidError("Service", svc.metadata.name, [node_port_cause(index, port, err)]) from None

    def _next_port(self, what: str) -> int:
        try:
            return self.ports.allocate_next()
        except AllocationError as err:
            raise KubectlError(
                f"Error from server (InternalError): Internal error occurred: {what}: {err}"
            ) from None

    def _alloc_health_check(self, svc) -> None:
        hc = svc.spec.healthCheckNodePort
        if hc:
            try:
                self.ports.allocate(hc)
            except AllocationError as err:
                raise KubectlError(
                    "Error from server (InternalError): Internal error occurred: failed to allocate requested "
                    f"HealthCheck NodePort {hc}: {err}"
                ) from None
        else:
            svc.spec.healthCheckNodePort = self._next_port("failed to allocate a HealthCheck NodePort 0")

    def _release_service(self, svc) -> None:
        s = svc.spec
        for ip in s.clusterIPs or ([s.clusterIP] if s.clusterIP else []):
            if ip and ip != "None":
                self.ips.release(ip)
        for p in s.ports or []:
            if p.nodePort:
                self.ports.release(p.nodePort)
        if s.healthCheckNodePort:
            self.ports.release(s.healthCheckNodePort)

    def _alloc_update(self, new, old) -> None:
        s, o = new.spec, old.spec
        # ClusterIPs: case A (ExternalName -> other) allocates, case B (other -> ExternalName) releases.
        if o.type == "ExternalName" and s.type != "ExternalName":
            self._alloc_cluster_ips(new)
        elif (
            o.type != "ExternalName"
            and s.type == "ExternalName"
            and not (o.clusterIPs and o.clusterIPs[0] == "None")
        ):
            for ip in o.clusterIPs or []:
                self.ips.release(ip)
        # NodePorts
        old_ports = [p.nodePort for p in o.ports or [] if p.nodePort]
        if _needs_node_port(old) and s.type in ("ExternalName", "ClusterIP"):
            for np in old_ports:
                self.ports.release(np)
        if _needs_node_port(new):
            new_used: set[int] = set()
            for i, p in enumerate(s.ports or []):
                if not p.nodePort and not _should_allocate_node_ports(new):
                    continue
                if p.nodePort:
                    if p.nodePort not in old_ports and p.nodePort not in new_used:
                        self._allocate_port(new, i, p.nodePort)
                        new_used.add(p.nodePort)
                else:
                    p.nodePort = self._next_port("failed to allocate a nodePort")
            kept = {p.nodePort for p in s.ports or [] if p.nodePort}
            for np in old_ports:
                if np not in kept:
                    self.ports.release(np)
        # healthCheckNodePort (updateHealthCheckNodePort)
        needed, needs = needs_health_check(old), needs_health_check(new)
        if not needed and needs:
            self._alloc_health_check(new)
        elif needed and not needs:
            if o.healthCheckNodePort:
                self.ports.release(o.healthCheckNodePort)
        elif needed and needs and s.healthCheckNodePort != o.healthCheckNodePort:
            if not s.healthCheckNodePort:
                s.healthCheckNodePort = o.healthCheckNodePort

    # -- verbs ---------------------------------------------------------------------------------------------
    def create(self, obj) -> Any:
        """Create ``obj``; returns the stored object (with uid, resourceVersion, allocations, defaults).

        Raises :class:`~k8snet.errors.AlreadyExistsError`, :class:`~k8snet.errors.InvalidError`,
        :class:`~k8snet.errors.NotFoundError` (missing namespace); nothing changes on failure.
        """
        self.last_warnings = []
        obj = _incoming(obj)
        with self.store.transaction():
            self._check_namespace(obj)
            if obj.kind == "Pod":
                # mutating admission runs before the registry generates a name (admission.go, then BeforeCreate)
                _admission.admit_pod(obj, self.admission_rng)
            self._ensure_name(obj)
            kind, ns, name = key_of(obj)
            if self.store.exists(kind, name, ns):
                raise AlreadyExistsError(self._plural(kind), name)
            md = obj.metadata
            md.uid = md.resourceVersion = None
            md.creationTimestamp = md.deletionTimestamp = None
            md.generation = None
            self._defaults(obj)
            if kind == "Service":
                from k8snet.api.core_v1 import LoadBalancerStatus, ServiceStatus

                _defaulting.normalize_cluster_ips(obj, None)
                self._ip_families(obj)
                self._alloc_cluster_ips(obj)
                self._alloc_node_ports_create(obj)
                # strategy.go PrepareForCreate: a client cannot set status on create
                obj.status = ServiceStatus(loadBalancer=LoadBalancerStatus())
            if kind == "Namespace":
                from k8snet.api.core_v1 import NamespaceSpec, NamespaceStatus

                md.labels = {**(md.labels or {}), "kubernetes.io/metadata.name": name}
                obj.spec = obj.spec or NamespaceSpec(finalizers=["kubernetes"])
                obj.status = obj.status or NamespaceStatus(phase="Active")
            if kind == "Pod" and obj.status is None:
                from k8snet.api.core_v1 import PodStatus

                obj.status = PodStatus(phase="Pending", qosClass=qos_class(obj.spec))
            if kind == "Job":
                md.uid = self.store.new_uid()  # FillObjectMetaSystemFields runs before PrepareForCreate
            _prepare_for_create(obj, self.clock.now())
            self._validate(obj)
            self._warn(obj)
            return self.store.put(obj)

    def update(self, obj) -> Any:
        """Replace an existing object (PUT). ``metadata.resourceVersion``, when given, must match."""
        self.last_warnings = []
        obj = _incoming(obj)
        kind, ns, name = key_of(obj)
        with self.store.transaction():
            old = self.store.get(kind, name, ns)
            if old is None:
                raise NotFoundError(self._plural(kind), name)
            if obj.metadata.resourceVersion and obj.metadata.resourceVersion != old.metadata.resourceVersion:
                raise ConflictError(self._plural(kind), name)
            # metadata the client cannot change; an update without a resourceVersion gets the stored one
            obj.metadata.uid = old.metadata.uid
            obj.metadata.resourceVersion = obj.metadata.resourceVersion or old.metadata.resourceVersion
            obj.metadata.creationTimestamp = old.metadata.creationTimestamp
            if old.metadata.deletionTimestamp is not None:
                obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp
                obj.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds
            self._defaults(obj)
            if kind == "Service":
                _defaulting.patch_allocated_values(obj, old)
                _defaulting.normalize_cluster_ips(obj, old)
                _drop_type_dependent_fields(obj, old)
                self._ip_families(obj, old)
                self._alloc_update(obj, old)
                # strategy.go PrepareForUpdate: status is only written through the status subresource
                obj.status = old.status
            _prepare_for_update(obj, old)
            self._validate(obj, old)
            self._warn(obj, old)
            if kind != "Pod" and obj.metadata.deletionTimestamp is not None and not obj.metadata.finalizers:
                # the last finalizer is gone: the pending deletion completes (registry/generic Store.Update)
                if kind == "Service":
                    self._release_service(obj)
                self.store.remove(kind, name, ns)
                return obj
            return self.store.put(obj)

    def update_status(self, obj) -> Any:
        """Write only ``status`` (the ``/status`` subresource, as controllers do): the stored spec and metadata
        are kept (``serviceStatusStrategy.PrepareForUpdate``), the new status is defaulted and validated."""
        self.last_warnings = []
        obj = _incoming(obj)
        kind, ns, name = key_of(obj)
        with self.store.transaction():
            old = self.store.get(kind, name, ns)
            if old is None:
                raise NotFoundError(self._plural(kind), name)
            new = old.model_copy(deep=True)
            new.status = obj.status
            self._defaults(new)
            if kind == "Service":
                errs = _validation.validate_service_status_update(new, old)
                if errs:
                    raise InvalidError(kind, name, _causes(errs))
            return self.store.put(new)

    def delete(
        self, kind: str, name: str, namespace: str = "default", grace_period_seconds: int | None = None
    ) -> Any:
        """Delete an object; returns the object as last stored.

        Pods are deleted gracefully, as upstream: the API server sets ``deletionTimestamp`` to *now + grace
        period* (``terminationGracePeriodSeconds`` unless ``grace_period_seconds`` is given) and the kubelet
        removes the pod once that time has passed. A pod never scheduled, or a grace period of 0, is removed
        at once. Deleting a Service releases its ClusterIPs and NodePorts. Deleting a Namespace removes
        everything in it at once (simplification: no ``Terminating`` phase).
        """
        self.last_warnings = []
        ns = namespace if kind_class_namespaced(kind) else ""
        with self.store.transaction():
            old = self.store.get(kind, name, ns)
            if old is None:
                raise NotFoundError(self._plural(kind), name)
            if kind == "Pod":
                grace = grace_period_seconds
                if grace is None:
                    grace = old.spec.terminationGracePeriodSeconds if old.spec else 30
                    grace = 30 if grace is None else grace
                if old.metadata.deletionTimestamp is not None and grace_period_seconds is None:
                    return old  # already terminating
                if grace > 0 and old.spec is not None and old.spec.nodeName:
                    old.metadata.deletionTimestamp = self.clock.now() + timedelta(seconds=grace)
                    old.metadata.deletionGracePeriodSeconds = grace
                    return self.store.put(old)
            if kind != "Pod" and old.metadata.finalizers:
                # finalizers pending: mark for deletion and wait for their controllers to remove them
                if old.metadata.deletionTimestamp is None:
                    old.metadata.deletionTimestamp = self.clock.now()
                    old.metadata.deletionGracePeriodSeconds = 0
                    return self.store.put(old)
                return old
            if kind == "Service":
                self._release_service(old)
            if kind == "Namespace":
                for key in self.store.keys():
                    if key[1] == name and key[0] != "Namespace":
                        if key[0] == "Service":
                            self._release_service(self.store.get(*_kns(key)))
                        self.store.remove(key[0], key[2], key[1])
            self.store.remove(kind, name, ns)
            return old

    def get(self, kind: str, name: str, namespace: str = "default") -> Any:
        """Return a copy of the stored object or raise :class:`~k8snet.errors.NotFoundError`."""
        ns = namespace if kind_class_namespaced(kind) else ""
        obj = self.store.get(kind, name, ns)
        if obj is None:
            raise NotFoundError(self._plural(kind), name)
        return obj

    def list(self, kind: str, namespace: str | None = None, label_selector: str | dict | None = None) -> list:
        """Objects of a kind, sorted by namespace and name, optionally filtered by a label selector."""
        if not kind_class_namespaced(kind):
            namespace = None
        objs = self.store.list(kind, namespace)
        if label_selector:
            objs = [o for o in objs if selector_matches(label_selector, o.metadata.labels)]
        return objs


def _kns(key):
    return (key[0], key[2], key[1])


def kind_class_namespaced(kind: str) -> bool:
    try:
        return kind_class(kind).namespaced
    except KeyError:
        return True


class _RngState:
    """Lets the store's transactions roll back the name generator too."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def snapshot(self):
        return (frozenset(), self.rng.getstate())

    def restore(self, snap) -> None:
        self.rng.setstate(snap[1])
