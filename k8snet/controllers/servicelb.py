"""The service controller of cloud-controller-manager: load balancers for ``type: LoadBalancer`` Services.

Port of k8s.io/cloud-provider ``controllers/service/controller.go`` (as shipped with v1.34), on informers and a
work queue as upstream (:class:`~k8snet.controllers.QueueController`):

* a Service is handled when it is added and ``wantsLoadBalancer`` (type LoadBalancer **and no**
  ``spec.loadBalancerClass``: a Service of another class is left to its own controller and stays
  ``<pending>`` if there is none) or ``needsCleanup`` (it carries the finalizer
  ``service.kubernetes.io/load-balancer-cleanup`` and is being deleted or is no longer type LoadBalancer), and
  when an update ``needsUpdate`` (type, source ranges, ports, affinity, loadBalancerIP, externalIPs,
  annotations, UID, externalTrafficPolicy, healthCheckNodePort, IP families), recording the same ``Type``,
  ``LoadBalancerSourceRanges``, ``LoadbalancerIP``, ``ExternalIP``, ``UID``, ``ExternalTrafficPolicy``,
  ``HealthCheckNodePort``, ``IPFamilies`` events upstream records there;
* ensuring: ``EnsuringLoadBalancer`` "Ensuring load balancer", add the finalizer, call the provider with the
  eligible nodes (``UnAvailableLoadBalancer`` "There are no available nodes for LoadBalancer" if none),
  ``EnsuredLoadBalancer`` "Ensured load balancer", then write ``status.loadBalancer``;
* deleting (type changed, or deletion with the finalizer): ``DeletingLoadBalancer`` "Deleting load balancer"
  if the balancer exists, remove the finalizer, ``DeletedLoadBalancer`` "Deleted load balancer", clear the
  status; a Service that vanished without the finalizer is cleaned up from the controller's cache, as upstream's
  ``processServiceDeletion`` does;
* a provider error, or a write of the controller's own the API server refuses (the finalizer, the status:
  "failed to update load balancer status: <error>"), becomes the Warning ``SyncLoadBalancerFailed`` "Error
  syncing load balancer: <error>" and is retried with upstream's back-off (5 s doubling up to 300 s of simulated
  time: it is retried when the clock passes it; one clock jump past several retry times retries once);
* when the set of eligible nodes changes, every balancer gets ``UpdateLoadBalancer`` and the event
  ``UpdatedLoadBalancer`` "Updated load balancer with new hosts". Eligible nodes are those of
  ``stableNodeSetPredicates`` (``StableLoadBalancerNodeSet`` is GA): not being deleted, not labelled
  ``node.kubernetes.io/exclude-from-external-load-balancers`` (kind labels its control-plane node so), with a
  ``spec.providerID``, without the ``ToBeDeletedByClusterAutoscaler`` taint. Node readiness is left to the
  balancer's health checks.

A provider whose ``style`` is ``"metallb"`` (:class:`~k8snet.controllers.cloud.MetalLBL2`) is driven the way
MetalLB's own controller and speaker behave instead: no finalizer, events ``IPAllocated`` "Assigned IP
["<ip>"]" (source ``metallb-controller``), ``AllocationFailed`` "Failed to allocate IP for "<ns>/<name>":
<error>" when it has no address to give (``spec.loadBalancerIP`` invalid or taken, pool empty) and
``nodeAssigned`` "announcing from node "<node>" with protocol "layer2"" (source ``metallb-speaker``, whenever
the announcing node changes).

``spec.loadBalancerIP`` (deprecated since v1.24) is honoured by the providers here. The API server does not
validate it (``ValidateService`` has no rule for it; ``pkg/api/service/warnings.go`` only warns about
non-canonical addresses), so ``loadBalancerIP: bad`` is stored as written and the implementation refuses it: the
Service stays ``<pending>`` with the Warning ``SyncLoadBalancerFailed`` "Error syncing load balancer: failed to
ensure load balancer: invalid spec.loadBalancerIP "bad"" (MetalLB: ``AllocationFailed``), retried with back-off.

Simplification: the finalizer makes deletion wait only if the API server implements finalizers (graceful
deletion of objects with ``metadata.finalizers``); otherwise the cache path cleans up.

Example
-------
>>> from k8snet.sim.cluster import Cluster
>>> from k8snet.controllers.cloud import GenericCloud
>>> cluster = Cluster()
>>> ctl = install(cluster, GenericCloud())
>>> _ = cluster.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
...     "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
>>> svc = cluster.get("Service", "web")
>>> svc.status.loadBalancer.ingress[0].ip, svc.metadata.finalizers
('203.0.113.1', ['service.kubernetes.io/load-balancer-cleanup'])
>>> [(e.reason, e.message) for e in cluster.events(involved=svc)]
[('EnsuringLoadBalancer', 'Ensuring load balancer'), ('EnsuredLoadBalancer', 'Ensured load balancer')]
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from k8snet.controllers import QueueController, status_message
from k8snet.controllers.cloud import EXCLUDE_LB_LABEL, CloudError, IPAllocationError, LoadBalancerProvider
from k8snet.controllers.informers import SERVICE_NAME_INDEX, index_by_service_name
from k8snet.controllers.workqueue import ItemExponentialFailureRateLimiter
from k8snet.errors import K8snetError, NotFoundError

__all__ = [
    "ServiceLBController",
    "install",
    "LB_FINALIZER",
    "wants_load_balancer",
    "needs_cleanup",
    "eligible_nodes",
    "TO_BE_DELETED_TAINT",
]

LB_FINALIZER = "service.kubernetes.io/load-balancer-cleanup"
TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler"
COMPONENT = "service-controller"
MIN_RETRY = 5.0
MAX_RETRY = 300.0
#: The queue key that stands for "the nodes (or a MetalLB Service's endpoints) changed".
_NODES = "\x00nodes"


def wants_load_balancer(svc: Any) -> bool:
    """``wantsLoadBalancer``: type LoadBalancer and no ``loadBalancerClass``."""
    return bool(svc.spec) and svc.spec.type == "LoadBalancer" and svc.spec.loadBalancerClass is None


def has_lb_finalizer(svc: Any) -> bool:
    return LB_FINALIZER in (svc.metadata.finalizers or [])


def needs_cleanup(svc: Any) -> bool:
    """``needsCleanup``: has the finalizer and is being deleted or no longer type LoadBalancer."""
    if not has_lb_finalizer(svc):
        return False
    if svc.metadata.deletionTimestamp is not None:
        return True
    return svc.spec is None or svc.spec.type != "LoadBalancer"


def eligible_nodes(nodes: list[Any]) -> list[Any]:
    """``stableNodeSetPredicates``: not deleted, not excluded, has a providerID, not tainted for deletion."""
    out = []
    for n in nodes:
        if n.metadata.deletionTimestamp is not None:
            continue
        if EXCLUDE_LB_LABEL in (n.metadata.labels or {}):
            continue
        if not (n.spec and n.spec.providerID):
            continue
        if any(t.key == TO_BE_DELETED_TAINT for t in (n.spec.taints or [])):
            continue
        out.append(n)
    return out


def _key(svc: Any) -> str:
    return f"{svc.metadata.namespace or 'default'}/{svc.metadata.name}"


def _go_list(values: Any) -> str:
    """``%v`` of a Go string slice: ``[a b]`` (``[]`` for nil)."""
    return "[" + " ".join(values or []) + "]"


def _ports_for_lb(svc: Any) -> list[tuple]:
    return [
        (p.name, p.protocol, p.port, p.nodePort, p.targetPort, p.appProtocol) for p in svc.spec.ports or []
    ]


def _status_dict(status: Any) -> list:
    """The ingress list as compared by ``LoadBalancerStatusEqual`` (nil and empty are equal)."""
    if status is None:
        return []
    return [i.model_dump(exclude_none=True) for i in status.ingress or []]


class ServiceLBController(QueueController):
    """Keeps one provider's load balancers in sync with the Services (see the module docstring).

    Watches Services (each change queues the Service), Nodes (the set of eligible nodes is compared again) and,
    for a MetalLB provider, EndpointSlices (the announcing node may move). A provider error is retried with the
    service controller's back-off (``NewTypedItemExponentialFailureRateLimiter(5 s, 300 s)``) on the simulation
    clock.

    Parameters
    ----------
    api : APIServer
    recorder : EventRecorder
    provider : LoadBalancerProvider
    cluster_name : str
        ``--cluster-name`` passed to the provider (kube-controller-manager's default ``kubernetes``).
    """

    primary_kind = "Service"

    def __init__(
        self, api: Any, recorder: Any, provider: LoadBalancerProvider, cluster_name: str = "kubernetes"
    ):
        super().__init__(api, ItemExponentialFailureRateLimiter(MIN_RETRY, MAX_RETRY))
        self.recorder = recorder
        self.provider = provider
        self.cluster_name = cluster_name
        self._seen: dict[str, Any] = {}  # the informer's last copy of each Service ("old" in UpdateFunc)
        self._seen_order: dict[
            str, int
        ] = {}  # when each key was first seen (deletions are handled in that order)
        self._seq = 0
        self.cache: dict[str, Any] = {}  # upstream's serviceCache: Services whose balancer we handled
        self._retry: dict[str, tuple[Any, float]] = {}  # key -> (not before, current delay)
        self._last_nodes: list[str] = []
        self._announced: dict[str, str | None] = {}  # MetalLB: key -> announcing node
        self._nodes_dirty = True
        self._announce_dirty: set[str] = set()

    # -- informers ---------------------------------------------------------------------------------------
    def register(self, informers: Any) -> None:
        self.watch(
            "Service",
            add=self._service_changed,
            update=lambda old, new: self._service_changed(new),
            delete=self._service_changed,
        )
        self.watch(
            "Node",
            add=self._node_changed,
            update=lambda old, new: self._node_changed(new),
            delete=self._node_changed,
        )
        if self.provider.style == "metallb":
            self.informer("EndpointSlice").add_indexers({SERVICE_NAME_INDEX: index_by_service_name})
            self.watch(
                "EndpointSlice",
                add=self._slice_changed,
                update=self._slice_updated,
                delete=self._slice_changed,
            )

    def _service_changed(self, svc: Any) -> None:
        key = _key(svc)
        self.enqueue(key)
        self._announce_dirty.add(key)

    def _node_changed(self, node: Any) -> None:
        self._nodes_dirty = True
        self.enqueue(_NODES)
        self._announce_dirty.update(self.cache)

    def _slice_changed(self, sl: Any) -> None:
        name = (sl.metadata.labels or {}).get("kubernetes.io/service-name")
        if name:
            self._announce_dirty.add(f"{sl.metadata.namespace or 'default'}/{name}")
            self.enqueue(_NODES)

    def _slice_updated(self, old: Any, new: Any) -> None:
        self._slice_changed(old)
        self._slice_changed(new)

    def resync(self) -> None:
        for svc in self.informer("Service").list():
            self._service_changed(svc)
        self._node_changed(None)

    def sort_key(self, key: Any) -> Any:
        return (key == _NODES, key)

    # -- the loop -----------------------------------------------------------------------------------------
    def sync_keys(self, keys: list[Any]) -> None:
        services = self.informer("Service")
        now = self.clock.now()
        gone = []
        for key in keys:
            if key == _NODES:
                continue
            ns, name = key.split("/", 1)
            svc = services.get(ns, name)
            if svc is None:
                if key in self._seen:
                    gone.append(key)
                continue
            old = self._seen.get(key)
            self._seen[key] = svc
            if old is None:
                self._seq += 1
                self._seen_order[key] = self._seq
                enqueue = wants_load_balancer(svc) or needs_cleanup(svc)
            elif old.metadata.resourceVersion == svc.metadata.resourceVersion:
                enqueue = False
            else:
                enqueue = self._needs_update(old, svc) or needs_cleanup(svc)
            retry = self._retry.get(key)
            if retry is not None and now >= retry[0]:
                enqueue = True
            if enqueue:
                self._sync_service(key)
        for key in sorted(gone, key=lambda k: self._seen_order[k]):
            del self._seen[key]
            del self._seen_order[key]
            self._process_service_deletion(key)
        if self._nodes_dirty:
            self._nodes_dirty = False
            self._sync_nodes()
        if self.provider.style == "metallb":
            dirty, self._announce_dirty = self._announce_dirty, set()
            self._metallb_announce(dirty)
        else:
            self._announce_dirty.clear()

    def _sync_service(self, key: str) -> None:
        ns, name = key.split("/", 1)
        svc = self.informer("Service").get(ns, name)
        if svc is None:
            self._process_service_deletion(key)
            return
        try:
            self._process_create_or_update(svc.model_copy(deep=True), key)
        except (CloudError, K8snetError):
            prev = self._retry.get(key)
            delay = MIN_RETRY if prev is None else min(prev[1] * 2, MAX_RETRY)
            self._retry[key] = (self.clock.now() + timedelta(seconds=delay), delay)
            self.queue.add_after(key, delay)
        else:
            self._retry.pop(key, None)

    # -- upstream's functions --------------------------------------------------------------------------------
    def _event(self, svc: Any, type_: str, reason: str, message: str, component: str = COMPONENT) -> None:
        self.recorder.event(svc, type_, reason, message, component)

    def _needs_update(self, old: Any, new: Any) -> bool:
        """``needsUpdate``, with its events."""
        ow, nw = wants_load_balancer(old), wants_load_balancer(new)
        if not ow and not nw:
            return False
        o, n = old.spec, new.spec
        if ow != nw:
            self._event(new, "Normal", "Type", f"{o.type} -> {n.type}")
            return True
        if nw and (o.loadBalancerSourceRanges or []) != (n.loadBalancerSourceRanges or []):
            self._event(
                new,
                "Normal",
                "LoadBalancerSourceRanges",
                f"{_go_list(o.loadBalancerSourceRanges)} -> {_go_list(n.loadBalancerSourceRanges)}",
            )
            return True
        if _ports_for_lb(old) != _ports_for_lb(new) or o.sessionAffinity != n.sessionAffinity:
            return True
        if o.sessionAffinityConfig != n.sessionAffinityConfig:
            return True
        if (o.loadBalancerIP or "") != (n.loadBalancerIP or ""):
            self._event(
                new, "Normal", "LoadbalancerIP", f"{o.loadBalancerIP or ''} -> {n.loadBalancerIP or ''}"
            )
            return True
        oe, ne = o.externalIPs or [], n.externalIPs or []
        if len(oe) != len(ne):
            self._event(new, "Normal", "ExternalIP", f"Count: {len(oe)} -> {len(ne)}")
            return True
        for a, b in zip(oe, ne, strict=True):
            if a != b:
                self._event(new, "Normal", "ExternalIP", f"Added: {b}")
                return True
        if (old.metadata.annotations or {}) != (new.metadata.annotations or {}):
            return True
        if old.metadata.uid != new.metadata.uid:
            self._event(new, "Normal", "UID", f"{old.metadata.uid} -> {new.metadata.uid}")
            return True
        if o.externalTrafficPolicy != n.externalTrafficPolicy:
            self._event(
                new,
                "Normal",
                "ExternalTrafficPolicy",
                f"{o.externalTrafficPolicy or ''} -> {n.externalTrafficPolicy or ''}",
            )
            return True
        if (o.healthCheckNodePort or 0) != (n.healthCheckNodePort or 0):
            self._event(
                new,
                "Normal",
                "HealthCheckNodePort",
                f"{o.healthCheckNodePort or 0} -> {n.healthCheckNodePort or 0}",
            )
            return True
        if len(o.ipFamilies or []) != len(n.ipFamilies or []):
            self._event(
                new, "Normal", "IPFamilies", f"Count: {len(o.ipFamilies or [])} -> {len(n.ipFamilies or [])}"
            )
            return True
        return False

    def _process_create_or_update(self, svc: Any, key: str) -> None:
        cached = self.cache.get(key)
        if cached is not None and cached.metadata.uid != svc.metadata.uid:
            self._process_lb_delete(cached)
        self.cache[key] = svc
        try:
            op = self._sync_load_balancer_if_needed(svc)
        except (CloudError, K8snetError) as err:
            if self.provider.style == "metallb" and isinstance(err, IPAllocationError):
                # MetalLB's controller (service.go): Warning AllocationFailed, "Failed to allocate IP for %q: %s"
                self._event(
                    svc,
                    "Warning",
                    "AllocationFailed",
                    f'Failed to allocate IP for "{key}": {err}',
                    "metallb-controller",
                )
                raise
            text = str(err) if isinstance(err, CloudError) else status_message(err)
            self._event(svc, "Warning", "SyncLoadBalancerFailed", f"Error syncing load balancer: {text}")
            raise
        if op == "delete":
            self.cache.pop(key, None)
            self._announced.pop(key, None)

    def _sync_load_balancer_if_needed(self, svc: Any) -> str:
        from k8snet.api.core_v1 import LoadBalancerStatus

        metallb = self.provider.style == "metallb"
        previous = svc.status.loadBalancer if svc.status else None
        if not wants_load_balancer(svc) or needs_cleanup(svc):
            op = "delete"
            new_status = LoadBalancerStatus()
            _, exists = self.provider.get_load_balancer(self.cluster_name, svc)
            if exists:
                if not metallb:
                    self._event(svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer")
                try:
                    self.provider.ensure_load_balancer_deleted(self.cluster_name, svc)
                except CloudError as err:
                    raise CloudError(f"failed to delete load balancer: {err}") from None
            if metallb:
                if not exists:
                    return op
            else:
                self._remove_finalizer(svc)
                self._event(svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer")
        else:
            op = "ensure"
            if not metallb:
                self._event(svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer")
                svc = self._add_finalizer(svc)
            nodes = eligible_nodes(self.informer("Node").list())
            if not nodes and not metallb:
                self._event(
                    svc, "Warning", "UnAvailableLoadBalancer", "There are no available nodes for LoadBalancer"
                )
            _, existed = self.provider.get_load_balancer(self.cluster_name, svc) if metallb else (None, True)
            try:
                new_status = self.provider.ensure_load_balancer(self.cluster_name, svc, nodes)
            except IPAllocationError as err:
                if metallb:
                    raise
                raise CloudError(f"failed to ensure load balancer: {err}") from None
            except CloudError as err:
                raise CloudError(f"failed to ensure load balancer: {err}") from None
            if metallb:
                if not existed or _status_dict(previous) != _status_dict(new_status):
                    ips = ", ".join(f'"{i.ip}"' for i in new_status.ingress or [])
                    self._event(svc, "Normal", "IPAllocated", f"Assigned IP [{ips}]", "metallb-controller")
            else:
                self._event(svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer")
        self._patch_status(svc, previous, new_status)
        return op

    def _process_service_deletion(self, key: str) -> None:
        cached = self.cache.pop(key, None)
        self._retry.pop(key, None)
        self._announced.pop(key, None)
        if cached is not None:
            self._process_lb_delete(cached)

    def _process_lb_delete(self, svc: Any) -> None:
        if not wants_load_balancer(svc):
            return
        metallb = self.provider.style == "metallb"
        if not metallb:
            self._event(svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer")
        try:
            self.provider.ensure_load_balancer_deleted(self.cluster_name, svc)
        except CloudError as err:
            self._event(svc, "Warning", "DeleteLoadBalancerFailed", f"Error deleting load balancer: {err}")
            return
        if not metallb:
            self._event(svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer")

    def _fresh(self, svc: Any) -> Any:
        return self.api.get("Service", svc.metadata.name, svc.metadata.namespace or "default")

    def _add_finalizer(self, svc: Any) -> Any:
        if has_lb_finalizer(svc):
            return svc
        live = self._fresh(svc)
        live.metadata.finalizers = list(live.metadata.finalizers or []) + [LB_FINALIZER]
        try:
            return self.api.update(live)
        except NotFoundError:
            raise
        except K8snetError as err:
            raise CloudError(
                f"failed to add load balancer cleanup finalizer: {status_message(err)}"
            ) from None

    def _remove_finalizer(self, svc: Any) -> None:
        if not has_lb_finalizer(svc):
            return
        try:
            live = self._fresh(svc)
        except NotFoundError:
            return
        rest = [f for f in live.metadata.finalizers or [] if f != LB_FINALIZER]
        live.metadata.finalizers = rest or None
        try:
            self.api.update(live)
        except NotFoundError:
            return
        except K8snetError as err:
            raise CloudError(
                f"failed to remove load balancer cleanup finalizer: {status_message(err)}"
            ) from None

    def _patch_status(self, svc: Any, previous: Any, new: Any) -> None:
        from k8snet.api.core_v1 import ServiceStatus

        if _status_dict(previous) == _status_dict(new):
            return
        try:
            live = self._fresh(svc)
        except NotFoundError:
            return
        live.status = live.status or ServiceStatus()
        live.status.loadBalancer = new
        try:
            self.api.update_status(live)
        except NotFoundError:
            pass
        except K8snetError as err:
            # syncLoadBalancerIfNeeded: the status write failed; the balancer stays and the sync is retried
            raise CloudError(f"failed to update load balancer status: {status_message(err)}") from None

    # -- nodes ----------------------------------------------------------------------------------------------
    def _sync_nodes(self) -> None:
        nodes = eligible_nodes(self.informer("Node").list())
        names = sorted(n.metadata.name for n in nodes)
        if names == self._last_nodes:
            return
        first = not self._last_nodes and not self.cache
        self._last_nodes = names
        if first:
            return
        for _, svc in sorted(self.cache.items()):
            if not wants_load_balancer(svc):
                continue
            try:
                self.provider.update_load_balancer(self.cluster_name, svc, nodes)
            except CloudError as err:
                _, exists = self.provider.get_load_balancer(self.cluster_name, svc)
                if exists:
                    self._event(
                        svc,
                        "Warning",
                        "UpdateLoadBalancerFailed",
                        f"Error updating load balancer with new hosts {_go_list(names)}: {err}",
                    )
                continue
            if self.provider.style == "metallb":
                continue
            if not nodes:
                self._event(
                    svc, "Warning", "UnAvailableLoadBalancer", "There are no available nodes for LoadBalancer"
                )
            else:
                self._event(svc, "Normal", "UpdatedLoadBalancer", "Updated load balancer with new hosts")

    # -- MetalLB speaker ---------------------------------------------------------------------------------------
    def _metallb_announce(self, keys: set[str]) -> None:
        nodes = self.informer("Node").list()
        slices = self.informer("EndpointSlice").indexer
        for key in sorted(keys):
            if key not in self.cache:
                continue
            ns, name = key.split("/", 1)
            live = self.informer("Service").get(ns, name)
            if live is None:
                continue
            own = slices.by_index(SERVICE_NAME_INDEX, (ns, name))
            node = self.provider.announcer(live, nodes, own)  # type: ignore[attr-defined]
            if node is not None and self._announced.get(key) != node:
                self._event(
                    live,
                    "Normal",
                    "nodeAssigned",
                    f'announcing from node "{node}" with protocol "layer2"',
                    "metallb-speaker",
                )
            self._announced[key] = node


def install(
    cluster: Any, provider: LoadBalancerProvider | None = None, cluster_name: str = "kubernetes"
) -> ServiceLBController:
    """Add a :class:`ServiceLBController` for ``provider`` (default: ``cluster.cloud_provider``, else a
    :class:`~k8snet.controllers.cloud.GenericCloud`) to ``cluster`` and reconcile; returns the controller.

    The provider is kept as ``cluster.cloud_provider``. Installing a second one replaces the first.
    """
    from k8snet.controllers.cloud import GenericCloud

    if provider is None:
        provider = (
            cluster.cloud_provider
            if isinstance(cluster.cloud_provider, LoadBalancerProvider)
            else GenericCloud()
        )
    if not isinstance(provider, LoadBalancerProvider):
        raise K8snetError(f"not a load-balancer provider: {provider!r}")
    cluster.controllers[:] = [c for c in cluster.controllers if not isinstance(c, ServiceLBController)]
    ctl = ServiceLBController(cluster.api, cluster.recorder, provider, cluster_name)
    cluster.controllers.append(ctl)
    cluster.cloud_provider = provider
    cluster.reconcile()
    return ctl
