"""Controllers: deterministic stand-ins for kube-controller-manager, the scheduler and kubelets, built the way
client-go builds controllers.

Each controller reads a **shared informer** cache (:mod:`k8snet.controllers.informers`: the store's immutable
objects, indexed by namespace, labels, owner, node and Service name), registers **event handlers** on the
informers of the kinds it watches, and those handlers put the keys of the objects to reconcile on the
controller's **work queue** (:mod:`k8snet.controllers.workqueue`). A pass of the controller reconciles each
queued key once, from the cache, and writes through the :class:`~k8snet.apiserver.server.APIServer`. So the
cost of a write follows what it changed, not the size of the cluster.

The :class:`~k8snet.sim.cluster.Cluster` keeps the synchronous contract of a lesson: after every write it runs
the controllers' passes in a fixed order, round after round, until every queue is empty; there are no threads
or wall-clock timers, and the same inputs always give the same objects (keys are handed out sorted, see
:mod:`~k8snet.controllers.workqueue`). Delayed work (a pod's grace period, a retry with back-off) waits on the
simulation clock.

A controller never fails the request that woke it: an error of its own writes is recorded as upstream records it
(an Event, a condition) and the key is retried with back-off, so the user's write has succeeded and later writes
are unaffected.

A settle has a :class:`WorkBudget`: a stated number of store writes. A pass stops taking keys once the budget is
spent and leaves the rest queued, so a valid but enormous request (``replicas: 2147483647``) costs a bounded
amount of work before the write returns; the rest continues when the simulation clock advances, as a real
cluster's controllers keep working after ``kubectl`` has returned.

This module holds what the controllers share: :class:`QueueController` (the informer + queue + ``sync(key)``
shape), the event recorder (``k8s.io/client-go/tools/record``), pod readiness (``podutil.IsPodReady``) and the
garbage collector (``pkg/controller/garbagecollector``, reduced to "delete objects whose controller owner is
gone").
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timezone
from typing import Any, Protocol

from k8snet.controllers.informers import (
    OWNER_INDEX,
    SharedIndexInformer,
    SharedInformerFactory,
    index_by_owner,
    object_key,
)
from k8snet.controllers.workqueue import ItemExponentialFailureRateLimiter, RateLimitingQueue
from k8snet.errors import K8snetError

__all__ = [
    "Controller",
    "QueueController",
    "WorkBudget",
    "EventRecorder",
    "GarbageCollector",
    "PodControl",
    "pod_from_template",
    "is_pod_ready",
    "is_pod_terminal",
    "controller_of",
    "owner_reference",
    "format_rfc3339nano",
    "status_message",
]


class Controller(Protocol):
    """What the cluster's reconcile loop expects of a controller (a :class:`QueueController`; an object with
    only ``sync()`` is run as a full pass every round instead)."""

    def sync(self) -> None: ...


def is_pod_ready(pod: Any) -> bool:
    """``podutil.IsPodReady``: the pod's ``Ready`` condition is ``True``."""
    for cond in (pod.status.conditions if pod.status else None) or []:
        if cond.type == "Ready":
            return cond.status == "True"
    return False


def is_pod_terminal(pod: Any) -> bool:
    """``podutil.IsPodTerminal``: phase Succeeded or Failed."""
    return bool(pod.status) and pod.status.phase in ("Succeeded", "Failed")


def controller_of(obj: Any) -> Any | None:
    """The ownerReference with ``controller: true`` (``metav1.GetControllerOf``), or None."""
    for ref in obj.metadata.ownerReferences or []:
        if ref.controller:
            return ref
    return None


def owner_reference(owner: Any) -> Any:
    """A controller ownerReference pointing at ``owner`` (``metav1.NewControllerRef``)."""
    from k8snet.api.meta_v1 import OwnerReference

    return OwnerReference(
        apiVersion=owner.apiVersion,
        kind=owner.kind,
        name=owner.metadata.name,
        uid=owner.metadata.uid,
        controller=True,
        blockOwnerDeletion=True,
    )


def pod_from_template(
    owner: Any, labels: dict[str, str] | None = None, spec: Any = None, name: str | None = None
) -> Any:
    """``GetPodFromTemplate`` (``pkg/controller/controller_utils.go``): a Pod for ``owner``'s
    ``spec.template``: ``generateName: <owner>-``, the template's labels (``labels`` when the controller adds
    its own: give the whole dict) and annotations, a controller ownerReference to ``owner``, and a copy of the
    template's spec (or ``spec``, when the controller has changed a copy). ``name`` is set for controllers that
    name their Pods (StatefulSet); otherwise the API server generates it.

    >>> from types import SimpleNamespace as NS
    >>> from k8snet.api.core_v1 import PodTemplateSpec
    >>> tmpl = PodTemplateSpec.model_validate({"metadata": {"labels": {"app": "web"}},
    ...                                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    >>> owner = NS(apiVersion="apps/v1", kind="ReplicaSet", metadata=NS(name="web-1", namespace="default",
    ...            uid="u1"), spec=NS(template=tmpl))
    >>> pod = pod_from_template(owner)
    >>> pod.metadata.generateName, pod.metadata.labels, pod.metadata.ownerReferences[0].name
    ('web-1-', {'app': 'web'}, 'web-1')
    """
    from k8snet.api.core_v1 import Pod
    from k8snet.api.meta_v1 import ObjectMeta

    tmpl = owner.spec.template
    meta: dict[str, Any] = {
        "generateName": f"{owner.metadata.name}-",
        "namespace": owner.metadata.namespace,
        "labels": dict((tmpl.metadata.labels if tmpl.metadata else None) or {}) if labels is None else labels,
        "ownerReferences": [owner_reference(owner)],
    }
    if name is not None:
        meta = {"name": name, **meta}
    pod = Pod(
        metadata=ObjectMeta.model_validate(meta),
        spec=tmpl.spec.model_copy(deep=True) if spec is None else spec,
    )
    if tmpl.metadata and tmpl.metadata.annotations:
        pod.metadata.annotations = dict(tmpl.metadata.annotations)
    return pod


def status_message(err: Exception) -> str:
    """What a client's ``err.Error()`` prints for an API error: the Status message, without kubectl's
    ``Error from server (Reason):`` prefix or the ``The`` kubectl puts before an Invalid message
    (``StatusError.Error()`` in k8s.io/apimachinery ``pkg/api/errors``).

    >>> from k8snet.errors import Cause, InvalidError, NotFoundError
    >>> status_message(NotFoundError("pods", "web"))
    'pods "web" not found'
    >>> status_message(InvalidError("ReplicaSet", "x", [Cause("FieldValueInvalid", "metadata.name", "Invalid")]))
    'ReplicaSet.apps "x" is invalid: metadata.name: Invalid'
    """
    msg = getattr(err, "status_message", None)
    if msg:
        return str(msg)
    causes = getattr(err, "causes", None)
    if causes is not None and hasattr(err, "kind"):
        from k8snet.api import kind_class

        try:
            group = kind_class(err.kind).api_info.group
        except KeyError:
            group = ""
        qualified = f"{err.kind}.{group}" if group else err.kind
        parts = list(dict.fromkeys(str(c) for c in causes))
        agg = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
        return f'{qualified} "{getattr(err, "name", "")}" is invalid: {agg}'
    text = str(err)
    if text.startswith("Error from server (") and "): " in text:
        return text.split("): ", 1)[1]
    return text


class WorkBudget:
    """How much a settle of the controllers may still write: ``writes`` store writes (resourceVersions) from now.

    The budget is judged between keys, so a sync that has started always finishes (a sync is bounded on its own:
    the ReplicaSet controller creates or deletes at most ``burstReplicas`` Pods per sync) and the store never
    holds half of a sync's work.

    >>> from k8snet.apiserver.store import Store
    >>> from k8snet.clock import SimClock
    >>> from k8snet.api.core_v1 import Namespace
    >>> store = Store(SimClock())
    >>> budget = WorkBudget(store, 2)
    >>> for name in ("a", "b"):
    ...     _ = store.put(Namespace(metadata={"name": name}))
    ...     print(name, budget.spent())
    a False
    b True
    """

    def __init__(self, store: Any, writes: float):
        self.store = store
        self.writes = writes
        self.limit = store.resource_version + writes

    def spent(self) -> bool:
        """Whether the writes the budget allows have been made."""
        return self.store.resource_version >= self.limit


class QueueController:
    """The shape of a client-go controller: informers' event handlers enqueue keys; a pass syncs each key.

    A subclass registers its handlers in :meth:`register` (with :meth:`watch`) and reconciles one key in
    :meth:`sync_key`. A :class:`~k8snet.errors.K8snetError` out of :meth:`sync_key` never escapes: it goes to
    :meth:`handle_err`, which by default re-queues the key with back-off (``queue.AddRateLimited``, as
    ``processNextWorkItem`` does); a success forgets the key's failures.

    Parameters
    ----------
    api : APIServer
    rate_limiter : ItemExponentialFailureRateLimiter, optional
        Back-off for failed keys (default 5 ms doubling up to 1000 s, ``DefaultControllerRateLimiter``).

    Example
    -------
    A controller that counts the Services of each namespace, woken by Service events:

    >>> from k8snet.sim.cluster import Cluster
    >>> class ServiceCounter(QueueController):
    ...     primary_kind = "Service"
    ...     counts = {}
    ...     def register(self, informers):
    ...         self.watch("Service", add=self.queued, delete=self.queued)
    ...     def queued(self, svc):
    ...         self.enqueue(svc.metadata.namespace)
    ...     def sync_key(self, namespace):
    ...         self.counts[namespace] = len(self.informer("Service").list(namespace))
    >>> cluster = Cluster(preset="minikube")
    >>> counter = ServiceCounter(cluster.api)
    >>> cluster.controllers.append(counter)
    >>> cluster.reconcile()
    >>> counter.counts
    {'default': 1, 'kube-system': 1}
    """

    #: The kind whose objects are the queue's keys (:meth:`resync` enqueues all of them).
    primary_kind: str = ""

    def __init__(self, api: Any, rate_limiter: ItemExponentialFailureRateLimiter | None = None):
        self.api = api
        self.clock = api.clock
        self.queue = RateLimitingQueue(api.clock, rate_limiter)
        self.informers: SharedInformerFactory | None = None
        self._registrations: list[tuple[SharedIndexInformer, Any]] = []
        #: The :class:`WorkBudget` of the settle running now (the cluster sets it for the settle's duration).
        self.budget: WorkBudget | None = None
        self._deferred: list[Any] = []  # keys the running pass left for the next one

    # -- wiring ------------------------------------------------------------------------------------------
    def start(self, informers: SharedInformerFactory | None = None) -> None:
        """Register the event handlers on ``informers`` (default: the store's shared factory); the objects
        already cached are replayed as adds, so everything existing is queued once."""
        if self.informers is not None:
            return
        self.informers = informers or SharedInformerFactory.for_store(self.api.store)
        self.register(self.informers)

    def stop(self) -> None:
        """Remove the event handlers (the controller no longer hears about changes)."""
        for informer, reg in self._registrations:
            informer.remove_event_handler(reg)
        self._registrations.clear()
        self.informers = None

    def register(self, informers: SharedInformerFactory) -> None:
        """Add indexers and event handlers (subclasses)."""

    def informer(self, kind: str) -> SharedIndexInformer:
        assert self.informers is not None, "controller not started"
        return self.informers.informer(kind)

    def watch(
        self,
        kind: str,
        add: Callable[[Any], None] | None = None,
        update: Callable[[Any, Any], None] | None = None,
        delete: Callable[[Any], None] | None = None,
    ) -> SharedIndexInformer:
        informer = self.informer(kind)
        reg = informer.add_event_handler(add, update, delete)
        self._registrations.append((informer, reg))
        return informer

    def watch_primary(self) -> SharedIndexInformer:
        """Queue each object of :attr:`primary_kind` by its own key when it is added, updated or deleted (the
        ``add/update/deleteX`` handlers of upstream's workload controllers)."""
        return self.watch(
            self.primary_kind,
            add=self._enqueue_object,
            update=lambda old, new: self._enqueue_object(new),
            delete=self._enqueue_object,
        )

    def watch_owned(self, kind: str) -> SharedIndexInformer:
        """Index ``kind`` by owner (:meth:`owned`) and queue the :attr:`primary_kind` object that controls each
        added, updated (both versions) or deleted object of ``kind`` (``addPod``/``updatePod``/``deletePod``:
        ``resolveControllerRef``)."""
        self.index_owned(kind)
        return self.watch(
            kind,
            add=self.enqueue_controller_of,
            update=self.enqueue_controllers_of,
            delete=self.enqueue_controller_of,
        )

    def index_owned(self, kind: str) -> None:
        """Index ``kind``'s cache by controller owner, for :meth:`owned`."""
        self.informer(kind).add_indexers({OWNER_INDEX: index_by_owner})

    def owned(self, kind: str, owner: Any) -> list[Any]:
        """The cached objects of ``kind`` in ``owner``'s namespace whose controller ownerReference is ``owner``
        (by uid), in the index's order (``kind`` indexed by :meth:`index_owned` or :meth:`watch_owned`)."""
        return [
            o
            for o in self.informer(kind).indexer.by_index(OWNER_INDEX, owner.metadata.uid)
            if o.metadata.namespace == owner.metadata.namespace
            and (ref := controller_of(o)) is not None
            and ref.uid == owner.metadata.uid
        ]

    def _enqueue_object(self, obj: Any) -> None:
        self.enqueue(object_key(obj))

    # -- the queue ---------------------------------------------------------------------------------------
    def enqueue(self, key: Hashable) -> None:
        self.queue.add(key)

    def enqueue_controller_of(self, obj: Any, kind: str | None = None) -> None:
        """Queue the stored object of ``kind`` (default :attr:`primary_kind`) that ``obj``'s controller
        ownerReference points at, found by uid (``resolveControllerRef``); nothing if there is none."""
        kind = kind or self.primary_kind
        ref = controller_of(obj)
        if ref is None or ref.kind != kind:
            return
        key = self.api.store.key_for_uid(ref.uid)
        if key is not None and key[0] == kind:
            self.enqueue((key[1], key[2]))

    def enqueue_controllers_of(self, old: Any, new: Any) -> None:
        """An update handler: the controllers of both versions (an ownerReference may have changed)."""
        self.enqueue_controller_of(old)
        self.enqueue_controller_of(new)

    def pending(self) -> bool:
        """Whether a pass has work (delayed keys whose time has come are queued first)."""
        self.queue.tick()
        return len(self.queue) > 0

    def sort_key(self, key: Any) -> Any:
        """The order a pass handles its keys in (default: the keys themselves, ``(namespace, name)``)."""
        return key

    def process(self) -> None:
        """One pass: every queued key once, in :meth:`sort_key` order (see :meth:`sync_keys`). Under a
        :attr:`budget`, the keys a pass did not reach when the budget was spent stay queued for the next one."""
        self.queue.tick()
        keys = self.queue.drain(self.sort_key)
        self._deferred = []
        try:
            self.sync_keys(keys)
        finally:
            for key in keys:
                self.queue.done(key)
            for key in self._deferred:
                self.queue.add(key)
            self._deferred = []

    def budget_spent(self) -> bool:
        """Whether the settle running now has spent its :attr:`budget` (never, without one)."""
        return self.budget is not None and self.budget.spent()

    def sync_keys(self, keys: list[Any]) -> None:
        """Sync ``keys`` in order; once the pass's budget is spent, the rest wait for the next pass. (Controllers
        that sync a pass's keys together override this; each of their keys costs a bounded amount of work.)"""
        for i, key in enumerate(keys):
            if self.budget_spent():
                self._deferred = keys[i:]
                return
            self.sync_safely(key)

    def sync_safely(self, key: Any) -> None:
        try:
            self.sync_key(key)
        except K8snetError as err:
            self.handle_err(key, err)
        else:
            self.queue.forget(key)

    def sync_key(self, key: Any) -> None:
        """Reconcile one key (subclasses)."""
        raise NotImplementedError

    def handle_err(self, key: Any, err: K8snetError) -> None:
        """A sync failed: try the key again later, with back-off."""
        self.queue.add_rate_limited(key)

    def resync(self) -> None:
        """Queue every object of :attr:`primary_kind` (a full resync)."""
        for obj in self.informer(self.primary_kind).list():
            self.enqueue(object_key(obj))

    def sync(self) -> None:
        """A full pass: start if needed, queue everything, then one pass (the old ``sync()`` contract, for a
        controller used on its own)."""
        self.start()
        self.resync()
        self.process()


class EventRecorder:
    """Writes ``v1.Event`` objects the way client-go's recorder does.

    The event name is ``<involved name>.<hex of the clock's UnixNano>`` (``record/event.go``
    ``makeEvent``); a repeat of the same reason and message for the same object bumps ``count`` and
    ``lastTimestamp`` instead (the correlator's aggregation, simplified: no spam filtering). The repeat is found
    through an index of the Event informer, not by listing events.
    """

    def __init__(self, api: Any, clock: Any):
        self.api = api
        self.clock = clock
        self._events: SharedIndexInformer | None = None
        # (namespace, involved name, UnixNano of the clock) -> the last name suffix taken: events of one object at
        # one instant are numbered on without probing every name taken before (cleared when an event is deleted)
        self._taken: dict[tuple[str, str, int], int] = {}

    def _informer(self) -> SharedIndexInformer:
        if self._events is None:
            self._events = SharedInformerFactory.for_store(self.api.store).informer("Event")
            self._events.add_indexers({_AGGREGATE_INDEX: _index_event_aggregate})
            self._events.add_event_handler(delete=lambda ev: self._taken.clear())
        return self._events

    def event(
        self, obj: Any, type_: str, reason: str, message: str, component: str, host: str | None = None
    ) -> Any:
        from k8snet.api.core_v1 import Event, EventSource, ObjectReference

        now = self.clock.now()
        ns = (obj.metadata.namespace or "default") if getattr(obj, "namespaced", True) else "default"
        same = self._informer().indexer.by_index(
            _AGGREGATE_INDEX, (ns, obj.metadata.uid, reason, message, component)
        )
        if same:
            ev = same[0]
            ev = ev.model_copy(update={"count": (ev.count or 1) + 1, "lastTimestamp": now})
            return self.api.store.put(ev, owned=True)
        base = int(now.timestamp()) * 1_000_000_000 + now.microsecond * 1000
        nanos = base
        hint = (ns, obj.metadata.name, base)
        if hint in self._taken:
            nanos = self._taken[hint] + 1
        name = f"{obj.metadata.name}.{nanos:x}"
        while self.api.store.exists("Event", name, ns):
            nanos += 1
            name = f"{obj.metadata.name}.{nanos:x}"
        if len(name) > _MAX_NAME_LENGTH:
            # events.go ValidateEvent: the name is a DNS subdomain; the API server refuses a longer one and the
            # broadcaster drops the event (an object named with more than 236 characters records none)
            return None
        self._taken[hint] = nanos
        ev = Event(
            metadata={"name": name, "namespace": ns},
            involvedObject=ObjectReference(
                kind=obj.kind,
                namespace=obj.metadata.namespace if getattr(obj, "namespaced", True) else None,
                name=obj.metadata.name,
                uid=obj.metadata.uid,
                apiVersion=obj.apiVersion,
                resourceVersion=obj.metadata.resourceVersion,
            ),
            reason=reason,
            message=message,
            source=EventSource(component=component, host=host),
            firstTimestamp=now,
            lastTimestamp=now,
            count=1,
            type=type_,
            reportingComponent=component,
            reportingInstance=host or "",
        )
        return self.api.store.put(ev, owned=True)


_AGGREGATE_INDEX = "aggregate"
#: ``validation.DNS1123SubdomainMaxLength``
_MAX_NAME_LENGTH = 253


class PodControl:
    """``RealPodControl`` (``pkg/controller/controller_utils.go``): a workload controller's Pod creates and
    deletes, each recorded as an event on the owner by ``component``: ``SuccessfulCreate`` "Created pod: <name>",
    ``SuccessfulDelete`` "Deleted pod: <name>", or the Warnings ``FailedCreate`` "Error creating: <error>" /
    ``FailedDelete`` "Error deleting: <error>". A refusal is returned, never raised (the controller retries with
    back-off); a Pod already gone is no error.

    >>> from k8snet.sim.cluster import Cluster
    >>> from k8snet.api.core_v1 import Pod
    >>> c = Cluster(preset="minikube")
    >>> owner = c.get("deployment", "coredns", "kube-system")
    >>> control = PodControl(c.api, c.recorder, "demo-controller")
    >>> pod = Pod.model_validate({"metadata": {"name": "p", "namespace": "kube-system"},
    ...                           "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    >>> control.create_pod(owner, pod) is None, control.delete_pod(owner, pod) is None
    (True, True)
    >>> [e.message for e in c.events("kube-system", owner)][-2:]
    ['Created pod: p', 'Deleted pod: p']
    """

    def __init__(self, api: Any, events: EventRecorder, component: str):
        self.api = api
        self.events = events
        self.component = component

    def create_pod(self, owner: Any, pod: Any) -> K8snetError | None:
        """Create ``pod`` for ``owner``; the error if the API server refused it."""
        try:
            created = self.api.create(pod, shared=True)
        except K8snetError as err:
            self.events.event(
                owner, "Warning", "FailedCreate", f"Error creating: {status_message(err)}", self.component
            )
            return err
        self.events.event(
            owner, "Normal", "SuccessfulCreate", f"Created pod: {created.metadata.name}", self.component
        )
        return None

    def delete_pod(self, owner: Any, pod: Any) -> K8snetError | None:
        """Delete ``pod`` of ``owner``; the error if the API server refused it."""
        from k8snet.errors import NotFoundError

        try:
            self.api.delete("Pod", pod.metadata.name, pod.metadata.namespace)
        except NotFoundError:
            return None
        except K8snetError as err:
            self.events.event(
                owner, "Warning", "FailedDelete", f"Error deleting: {status_message(err)}", self.component
            )
            return err
        self.events.event(
            owner, "Normal", "SuccessfulDelete", f"Deleted pod: {pod.metadata.name}", self.component
        )
        return None


def _index_event_aggregate(ev: Any) -> list[Hashable]:
    # the correlator's key, reduced: involved object, reason, message, reporting component
    if not ev.source:
        return []
    io = ev.involvedObject
    return [
        (
            ev.metadata.namespace or "default",
            io.uid if io else None,
            ev.reason,
            ev.message,
            ev.source.component,
        )
    ]


class GarbageCollector(QueueController):
    """Deletes dependents whose controller owner no longer exists (background cascading deletion).

    The graph builder of upstream's collector watches every kind; here a handler on every change (the
    factory's ``on_any``) queues the dependents of a deleted object, found through the owner-uid index, and a
    dependent stored with an owner that does not exist. The owner exists when an object with its uid is stored,
    whatever its kind.

    Simplification: only controller ownerReferences are followed and deletion happens in the same pass;
    pods are deleted through the API server, so they still terminate gracefully. A pass judges owners as they
    were when it began (an owner it deletes itself is gone for the next pass).
    """

    KINDS = ("ReplicaSet", "Pod", "EndpointSlice", "Endpoints", "ControllerRevision")

    def __init__(self, api: Any):
        super().__init__(api)
        self._unsubscribe: Callable[[], None] | None = None
        self._removed: set[str] = set()

    def register(self, informers: SharedInformerFactory) -> None:
        for kind in self.KINDS:
            informer = self.informer(kind)
            informer.add_indexers({OWNER_INDEX: index_by_owner})

            def changed(obj: Any, kind: str = kind) -> None:
                ref = controller_of(obj)
                if ref is not None and not self._owner_exists(ref.uid):
                    self.enqueue((kind, *object_key(obj)))

            def changed_update(old: Any, new: Any, changed: Callable[[Any], None] = changed) -> None:
                changed(new)

            self.watch(kind, add=changed, update=changed_update)
        self._unsubscribe = informers.on_any(self._on_any)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().stop()

    def _on_any(self, event: str, old: Any, new: Any) -> None:
        if event != "DELETED" or not old.metadata.uid:
            return
        for kind in self.KINDS:
            for key in self.informer(kind).indexer.index_keys(OWNER_INDEX, old.metadata.uid):
                self.enqueue((kind, *key))

    def _owner_exists(self, uid: str | None) -> bool:
        return self.api.store.key_for_uid(uid) is not None or uid in self._removed

    def resync(self) -> None:
        for kind in self.KINDS:
            for obj in self.informer(kind).list():
                self.enqueue((kind, *object_key(obj)))

    def sort_key(self, key: Any) -> Any:
        return (self.KINDS.index(key[0]), key[1], key[2])

    def sync_keys(self, keys: list[Any]) -> None:
        # owners this pass deletes still count as existing until the next pass
        self._removed = set()
        unsubscribe = self.informers.on_any(self._note_removal) if self.informers else None
        try:
            super().sync_keys(keys)
        finally:
            if unsubscribe is not None:
                unsubscribe()
            self._removed = set()

    def _note_removal(self, event: str, old: Any, new: Any) -> None:
        if event == "DELETED" and old.metadata.uid:
            self._removed.add(old.metadata.uid)

    def sync_key(self, key: Any) -> None:
        kind, ns, name = key
        obj = self.informer(kind).get(ns, name)
        if obj is None:
            return
        ref = controller_of(obj)
        if ref is None or self._owner_exists(ref.uid):
            return
        if kind == "Pod" and obj.metadata.deletionTimestamp is not None:
            return
        self.api.delete(kind, name, ns)


def format_rfc3339nano(t: datetime) -> str:
    """Go's ``time.RFC3339Nano`` in UTC: fractional seconds only when non-zero, trailing zeros trimmed.

    >>> format_rfc3339nano(datetime(2026, 1, 1, tzinfo=timezone.utc))
    '2026-01-01T00:00:00Z'
    >>> format_rfc3339nano(datetime(2026, 1, 1, 0, 0, 0, 250000, tzinfo=timezone.utc))
    '2026-01-01T00:00:00.25Z'
    """
    t = t.astimezone(timezone.utc)
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        base += "." + f"{t.microsecond:06d}".rstrip("0")
    return base + "Z"
