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

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from k8snet.api import is_frozen, kind_class
from k8snet.api.labels import LabelSelectorError, parse, selector_from_set
from k8snet.apiserver import admission as _admission
from k8snet.apiserver import defaulting as _defaulting
from k8snet.apiserver import field as _field
from k8snet.apiserver import ipaddress as _ipaddress
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
from k8snet.apiserver.store import Store, TransactionalRandom, key_of
from k8snet.apiserver.validation import externally_accessible as _externally_accessible
from k8snet.apiserver.validation import needs_health_check
from k8snet.errors import (
    AlreadyExistsError,
    BadRequestError,
    Cause,
    ForbiddenError,
    InvalidError,
    KubectlError,
    NotFoundError,
)
from k8snet.manifests import check_int_ranges

__all__ = ["APIServer", "ConflictError", "IMMORTAL_NAMESPACES"]

#: The NamespaceLifecycle admission plugin refuses to delete these (plugin/pkg/admission/namespace/lifecycle).
IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")


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


def _incoming(obj: Any, shared: bool = False) -> Any:
    """A private copy of a request's object (the object itself when the caller hands it over, ``shared``) with
    its namespace settled: ``default`` when unset for namespaced kinds; cleared, not rejected, for
    cluster-scoped ones (rest.BeforeCreate/BeforeUpdate)."""
    if not shared or is_frozen(obj) or is_frozen(obj.metadata):
        obj = obj.model_copy(deep=True)
    obj.metadata.namespace = (obj.metadata.namespace or "default") if obj.namespaced else None
    return obj


def _deletion_timestamp(now: datetime, grace_seconds: int) -> datetime:
    """``now.Add(time.Second * time.Duration(grace))`` as rest.BeforeDelete computes ``deletionTimestamp``: the
    product is an int64 count of nanoseconds and wraps silently, so a grace period beyond ~292 years lands
    somewhere within ±292 years of now (never outside what a timestamp can hold): 10**12 s is 10**21 ns, which
    wraps to 10**21 - 54 * 2**64 = 3875820019684212736 ns, about 122.8 years.

    >>> from datetime import timezone
    >>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> _deletion_timestamp(t0, 30).isoformat(), _deletion_timestamp(t0, 10**12).year
    ('2026-01-01T00:00:30+00:00', 2148)
    """
    ns = (grace_seconds * 1_000_000_000) & 0xFFFFFFFFFFFFFFFF
    if ns >= 1 << 63:
        ns -= 1 << 64
    return now + timedelta(microseconds=ns // 1000)


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
    service_cidr : str or sequence of str
        ``--service-cluster-ip-range``: one CIDR, or two of different families (``"10.96.0.0/12,fd00:10:96::/112"``
        or a list), the primary first. Each family gets its own allocator (:attr:`ip_allocators`); the first is
        also :attr:`ips`.
    node_port_range : str
        ``--service-node-port-range``.
    seed : int
        Seeds ``generateName`` suffixes and allocator start positions.

    Example
    -------
    >>> from k8snet.clock import SimClock
    >>> api = APIServer(Store(SimClock()), SimClock(), "fd00:10:96::/112,10.96.0.0/12")
    >>> api.ip_families, api.ips.cidr
    (('IPv6', 'IPv4'), 'fd00:10:96::/112')
    """

    def __init__(
        self,
        store: Store,
        clock,
        service_cidr: str | Sequence[str] = "10.96.0.0/12",
        node_port_range: str = "30000-32767",
        seed: int = 0,
    ):
        self.store = store
        self.clock = clock
        self.service_cidr = service_cidr
        self.node_port_range = node_port_range
        cidrs = service_cidr.split(",") if isinstance(service_cidr, str) else list(service_cidr)
        #: One allocator per family, primary first (alloc.go ``serviceIPAllocatorsByFamily``).
        self.ip_allocators: dict[str, ClusterIPAllocator] = {}
        for cidr in cidrs:
            alloc = ClusterIPAllocator(cidr.strip(), seed=seed)
            if alloc.family in self.ip_allocators:
                raise ValueError(
                    "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family"
                )
            self.ip_allocators[alloc.family] = alloc
        #: The families Services can have here, primary (``--service-cluster-ip-range[0]``) first.
        self.ip_families: tuple[str, ...] = tuple(self.ip_allocators)
        self.ips = self.ip_allocators[self.ip_families[0]]
        self.ports = NodePortAllocator(node_port_range, seed=seed)
        self.rng = TransactionalRandom(f"apiserver:{seed}")
        self.seed = seed
        self.last_warnings: list[str] = []
        store.join(self.ips)
        for alloc in list(self.ip_allocators.values())[1:]:
            store.join(alloc)
        store.join(self.ports)
        store.join(self.rng)
        # kube-api-access-<suffix> volume names: their own stream, so pod names do not shift with admission
        self.admission_rng = TransactionalRandom(f"admission:{seed}")
        store.join(self.admission_rng)

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
        # the deprecated-API warning of the request comes first (installer.go adds it before the handler runs),
        # then the strategy's own warnings (WarningsOnCreate/WarningsOnUpdate)
        self.last_warnings = _warnings.warnings_for_request(obj.kind)
        if obj.kind == "Service":
            self.last_warnings += _warnings.warnings_for_service(obj, old)

    def _defaults(self, obj) -> None:
        setter = _defaulting.DEFAULTS.get(obj.kind)
        if setter is not None:
            setter(obj)

    def _ip_families(self, svc, old=None) -> None:
        errs = _defaulting.set_defaults_ip_families(svc, old, cluster_families=self.ip_families)
        if errs:
            raise InvalidError("Service", svc.metadata.name or "", _causes(errs))

    # -- Service allocation (alloc.go) ----------------------------------------------------------------------
    def _alloc_cluster_ips(self, svc) -> dict[str, str]:
        """``allocClusterIPs``: one ClusterIP per family in ``ipFamilies``, requested ones honoured."""
        s = svc.spec
        if s.type == "ExternalName":  # "external name don't get ClusterIPs"
            return {}
        if s.clusterIPs and s.clusterIPs[0] == "None":  # "headless don't get ClusterIPs"
            return {}
        ips = list(s.clusterIPs or [])
        to_alloc: dict[str, str] = {}
        for i, family in enumerate(s.ipFamilies or []):
            if i > len(ips) - 1:
                ips.append("")  # "just a marker"
            to_alloc[family] = ips[i]
        s.clusterIPs = ips
        allocated = self._alloc_ips(svc, to_alloc)
        families = list(s.ipFamilies or [])
        for family, ip in allocated.items():
            i = families.index(family)
            s.clusterIPs[i] = ip
            if i == 0:
                s.clusterIP = ip
        return allocated

    def _alloc_ips(self, svc, to_alloc: dict[str, str]) -> dict[str, str]:
        """``allocIPs``: each family from its own allocator. Upstream walks a Go map (no fixed order); we go in
        ``ipFamilies`` order, which changes nothing since the families' allocators are independent."""
        allocated: dict[str, str] = {}
        for family, ip in to_alloc.items():
            alloc = self.ip_allocators[family]  # "should always be there, as we pre validate"
            if ip == "":
                try:
                    allocated[family] = alloc.allocate_next()
                except AllocationError as err:
                    raise KubectlError(
                        "Error from server (InternalError): Internal error occurred: failed to allocate a "
                        f"serviceIP: {err}"
                    ) from None
                self._put_ip_address(allocated[family], svc)
                continue
            if _validation.parse_ip_sloppy(ip) is None:
                raise KubectlError(
                    f'Error from server (InternalError): Internal error occurred: failed to parse service IP "{ip}"'
                )
            try:
                alloc.allocate(ip)
            except AllocationError as err:
                raise InvalidError(
                    "Service", svc.metadata.name, [cluster_ip_cause(list(svc.spec.clusterIPs or []), ip, err)]
                ) from None
            allocated[family] = ip
            self._put_ip_address(ip, svc)
        return allocated

    def _release_ips(self, to_release: dict[str, str]) -> None:
        """``releaseIPs``: a family the cluster no longer has is skipped ("Maybe the cluster was previously
        configured for dual-stack, then switched to single-stack?")."""
        for family, ip in to_release.items():
            alloc = self.ip_allocators.get(family)
            if alloc is not None and ip and ip != "None":
                self._release_ip(alloc, ip)

    def _update_cluster_ips(self, new, old) -> dict[str, str]:
        """``updateClusterIPs``: (A) ExternalName to a type with ClusterIPs allocates them all, (B) the reverse
        releases them, (C) an upgrade to dual-stack allocates the secondary, (D) a downgrade releases it. Returns
        what to release once the update is accepted."""
        s, o = new.spec, old.spec
        if _defaulting.is_matching_prefer_dual_stack_cluster_ip_fields(new, old):
            return {}
        if o.type == "ExternalName" and s.type != "ExternalName":  # case A
            self._alloc_cluster_ips(new)
            return {}
        if o.clusterIPs and o.clusterIPs[0] == "None":  # "headless service then we bail out early"
            return {}
        old_ips, old_families = list(o.clusterIPs or []), list(o.ipFamilies or [])
        if o.type != "ExternalName" and s.type == "ExternalName":  # case B
            return {family: old_ips[i] for i, family in enumerate(old_families) if i < len(old_ips)}
        families = list(s.ipFamilies or [])
        if len(old_families) == 1 and len(families) == 2:  # case C: upgraded
            ips = list(s.clusterIPs or [])
            if len(ips) < 2:
                ips.append("")  # "if secondary ip was named, just get it. if not add a marker"
            s.clusterIPs = ips
            allocated = self._alloc_ips(new, {families[1]: ips[1]})
            s.clusterIPs[1] = allocated[families[1]]
            return {}
        if len(old_families) == 2 and len(families) == 1:  # case D: downgraded
            return {old_families[1]: old_ips[1]} if len(old_ips) > 1 else {}
        return {}

    # -- IPAddress and ServiceCIDR objects (ipallocator.go createIPAddress, Release; see apiserver/ipaddress.py) --
    def _system_put(self, obj) -> Any:
        # objects the API server writes for itself take their uid from a stream of their own (keyed by the
        # resourceVersion they get, which a failed request rolls back with everything else)
        rv = self.store.resource_version + 1
        obj.metadata.uid = _ipaddress.object_uid(self.seed, obj.kind, obj.metadata.name, rv)
        return self.store.put(obj)

    def _put_ip_address(self, ip: str, svc) -> None:
        self._system_put(_ipaddress.ip_address_for(_canonical_ip(ip), self._ns_of(svc), svc.metadata.name))

    def _release_ip(self, alloc: ClusterIPAllocator, ip: str) -> None:
        alloc.release(ip)
        self.store.remove("IPAddress", _canonical_ip(ip), "")

    def _refuse_allocator_objects(self, kind: str) -> None:
        if kind in ("ServiceCIDR", "IPAddress"):
            raise KubectlError(
                f"error: k8snet does not model writing {self._plural(kind)}: the API server keeps the "
                'ServiceCIDR "kubernetes" and one IPAddress per ClusterIP itself (see k8snet.apiserver.ipaddress)'
            )

    def ensure_default_service_cidr(self) -> Any:
        """Create the ServiceCIDR ``kubernetes`` for ``--service-cluster-ip-range`` if it is missing, as
        kube-apiserver's default-ServiceCIDR controller does when the API server starts; returns it."""
        existing = self.store.get("ServiceCIDR", _ipaddress.DEFAULT_SERVICE_CIDR_NAME, "")
        if existing is not None:
            return existing
        with self.store.transaction():
            cidrs = [alloc.cidr for alloc in self.ip_allocators.values()]  # one per family, primary first
            return self._system_put(_ipaddress.default_service_cidr(cidrs, self.clock.now()))

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
        # releaseClusterIPs: ExternalName and headless Services hold none; each IP goes back to its family's range
        if s.type != "ExternalName" and not (s.clusterIPs and s.clusterIPs[0] == "None"):
            to_release: dict[str, str] = {}
            for ip in s.clusterIPs or ([s.clusterIP] if s.clusterIP else []):
                parsed = _validation.parse_ip_sloppy(ip) if ip else None
                if parsed is not None:
                    to_release["IPv6" if parsed.version == 6 else "IPv4"] = ip
            self._release_ips(to_release)
        for p in s.ports or []:
            if p.nodePort:
                self.ports.release(p.nodePort)
        if s.healthCheckNodePort:
            self.ports.release(s.healthCheckNodePort)

    def _alloc_update(self, new, old) -> None:
        s, o = new.spec, old.spec
        # ClusterIPs (txnUpdateClusterIPs): released ones go back when the update is accepted; the request runs in
        # a store transaction, so releasing now is undone with everything else if a later step refuses it
        self._release_ips(self._update_cluster_ips(new, old))
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
    def create(self, obj, *, shared: bool = False) -> Any:
        """Create ``obj``; returns the stored object (with uid, resourceVersion, allocations, defaults).

        Raises :class:`~k8snet.errors.AlreadyExistsError`, :class:`~k8snet.errors.InvalidError`,
        :class:`~k8snet.errors.NotFoundError` (missing namespace); nothing changes on failure.

        ``obj`` is not changed and the result is the caller's own copy, as a REST client's request and response
        are. ``shared=True`` is what a controller does with an object it has just built: it hands ``obj`` over
        (and must not use it again) and gets the stored, read-only object back, with no copies either way.
        """
        self.last_warnings = []
        obj = _incoming(obj if shared else check_int_ranges(obj), shared)
        self._refuse_allocator_objects(obj.kind)
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
            return _reply(self.store.put(obj, owned=True), shared)

    def update(self, obj, *, shared: bool = False) -> Any:
        """Replace an existing object (PUT). ``metadata.resourceVersion``, when given, must match.

        ``shared`` as for :meth:`create`."""
        self.last_warnings = []
        obj = _incoming(obj if shared else check_int_ranges(obj), shared)
        self._refuse_allocator_objects(obj.kind)
        kind, ns, name = key_of(obj)
        with self.store.transaction():
            # Service updates copy allocated values from the old object, so they work on a private copy
            old = self.store.get(kind, name, ns) if kind == "Service" else self.store.read(kind, name, ns)
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
            return _reply(self.store.put(obj, owned=True), shared)

    def update_status(self, obj, *, shared: bool = False) -> Any:
        """Write only ``status`` (the ``/status`` subresource, as controllers do): the stored spec and metadata
        are kept (``serviceStatusStrategy.PrepareForUpdate``), the new status is defaulted and validated.
        ``shared`` as for :meth:`create`."""
        self.last_warnings = []
        obj = _incoming(obj if shared else check_int_ranges(obj), shared)
        self._refuse_allocator_objects(obj.kind)
        kind, ns, name = key_of(obj)
        with self.store.transaction():
            old = self.store.read(kind, name, ns)
            if old is None:
                raise NotFoundError(self._plural(kind), name)
            new = old.model_copy(deep=True)
            new.status = obj.status
            self._defaults(new)
            if kind == "Service":
                errs = _validation.validate_service_status_update(new, old)
                if errs:
                    raise InvalidError(kind, name, _causes(errs))
            return _reply(self.store.put(new, owned=True), shared)

    def delete(
        self, kind: str, name: str, namespace: str = "default", grace_period_seconds: int | None = None
    ) -> Any:
        """Delete an object; returns the object as last stored.

        Pods are deleted gracefully, as upstream: the API server sets ``deletionTimestamp`` to *now + grace
        period* (``terminationGracePeriodSeconds`` unless ``grace_period_seconds`` is given) and the kubelet
        removes the pod once that time has passed. A pod never scheduled, a pod that has finished (Succeeded or
        Failed), or a grace period of 0, is removed at once. Deleting a Service releases its ClusterIPs and NodePorts. Deleting a Namespace removes
        everything in it at once (simplification: no ``Terminating`` phase); ``default``, ``kube-system`` and
        ``kube-public`` may not be deleted (:class:`~k8snet.errors.ForbiddenError`, as NamespaceLifecycle
        admission answers).
        """
        self.last_warnings = []
        self._refuse_allocator_objects(kind)
        if kind == "Namespace" and name in IMMORTAL_NAMESPACES:
            # NamespaceLifecycle admission, before the registry looks the object up
            raise ForbiddenError("namespaces", name, "this namespace may not be deleted")
        if grace_period_seconds is not None:
            # DeleteOptions.gracePeriodSeconds is an *int64 in the request body
            if isinstance(grace_period_seconds, bool) or not isinstance(grace_period_seconds, int):
                raise BadRequestError(
                    f"json: cannot unmarshal {type(grace_period_seconds).__name__} into Go struct field "
                    "DeleteOptions.gracePeriodSeconds of type int64"
                )
            if not -(2**63) <= grace_period_seconds < 2**63:
                raise BadRequestError(
                    f"json: cannot unmarshal number {grace_period_seconds} into Go struct field "
                    "DeleteOptions.gracePeriodSeconds of type int64"
                )
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
                if old.status is not None and old.status.phase in ("Succeeded", "Failed"):
                    grace = 0  # CheckGracefulDelete: "if the pod is already terminated, delete immediately"
                if grace < 0:  # podStrategy.CheckGracefulDelete: "if period < 0 { period = 1 }"
                    grace = 1
                if grace > 0 and old.spec is not None and old.spec.nodeName:
                    old.metadata.deletionTimestamp = _deletion_timestamp(self.clock.now(), grace)
                    old.metadata.deletionGracePeriodSeconds = grace
                    return _reply(self.store.put(old, owned=True))
            if kind != "Pod" and old.metadata.finalizers:
                # finalizers pending: mark for deletion and wait for their controllers to remove them
                if old.metadata.deletionTimestamp is None:
                    old.metadata.deletionTimestamp = self.clock.now()
                    old.metadata.deletionGracePeriodSeconds = 0
                    return _reply(self.store.put(old, owned=True))
                return old
            if kind == "Service":
                self._release_service(old)
            if kind == "Namespace":
                for key in self.store.keys():
                    if key[1] == name and key[0] != "Namespace":
                        if key[0] == "Service":
                            self._release_service(self.store.read(*_kns(key)))
                        self.store.remove(key[0], key[2], key[1])
            self.store.remove(kind, name, ns)
            return old

    def get(self, kind: str, name: str, namespace: str = "default") -> Any:
        """Return a private, writable copy of the stored object (a GET before a PUT), or raise
        :class:`~k8snet.errors.NotFoundError`."""
        ns = namespace if kind_class_namespaced(kind) else ""
        obj = self.store.get(kind, name, ns)
        if obj is None:
            raise NotFoundError(self._plural(kind), name)
        return obj

    def list(self, kind: str, namespace: str | None = None, label_selector: str | dict | None = None) -> list:
        """Objects of a kind, sorted by namespace and name, optionally filtered by a label selector (a map, or
        the ``labelSelector`` string, which ``labels.Parse`` must accept: else HTTP 400, as the list handler
        answers a query parameter it cannot decode).

        The objects are the stored ones, shared and read-only (as an informer's lister hands them out): change a
        copy (:meth:`get`, or ``obj.model_copy(deep=True)``).

        >>> from k8snet.apiserver.store import Store
        >>> from k8snet.clock import SimClock
        >>> APIServer(Store(SimClock()), SimClock()).list("Pod", label_selector="app in (web")
        Traceback (most recent call last):
        ...
        k8snet.errors.BadRequestError: Error from server (BadRequest): unable to parse requirement: found '', expected: ',' or ')'
        """
        if not kind_class_namespaced(kind):
            namespace = None
        selector = None
        if isinstance(label_selector, dict):
            selector = selector_from_set(label_selector)
        elif label_selector:
            try:
                selector = parse(label_selector)
            except LabelSelectorError as err:
                raise BadRequestError(str(err)) from None
        objs = self.store.list(kind, namespace)
        if selector is not None and not selector.empty():
            objs = [o for o in objs if selector.matches(o.metadata.labels)]
        return objs


def _reply(obj: Any, shared: bool = False) -> Any:
    """What a write returns: the object as stored, as the client's own (writable) copy, the way a REST client
    decodes the response into a new object; with ``shared``, the stored (read-only) object itself."""
    return obj if shared else obj.model_copy(deep=True)


def _canonical_ip(ip: str) -> str:
    # IPAddress objects are named after the address in its canonical form (ipallocator.go: ip.String())
    parsed = _validation.parse_ip_sloppy(ip)
    return str(parsed) if parsed is not None else ip


def _kns(key):
    return (key[0], key[2], key[1])


def kind_class_namespaced(kind: str) -> bool:
    try:
        return kind_class(kind).namespaced
    except KeyError:
        return True
