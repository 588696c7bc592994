"""Controllers: synchronous, deterministic stand-ins for kube-controller-manager, the scheduler and kubelets.

Every controller has one method, ``sync()``, that reconciles *everything* it owns once, reading and writing
through the :class:`~k8snet.apiserver.server.APIServer` only. The :class:`~k8snet.sim.cluster.Cluster` calls
each controller's ``sync()`` in turn after every write, until a whole round writes nothing (a fixed point), so
there are no threads, queues or wall-clock timers, and the same inputs always give the same objects.

This module holds what the controllers share: the event recorder (``k8s.io/client-go/tools/record``), pod
readiness (``podutil.IsPodReady``), and the garbage collector (``pkg/controller/garbagecollector``, reduced to
"delete objects whose controller owner is gone").
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Protocol

__all__ = [
    "Controller",
    "EventRecorder",
    "GarbageCollector",
    "is_pod_ready",
    "is_pod_terminal",
    "controller_of",
    "owner_reference",
    "format_rfc3339nano",
]


class Controller(Protocol):
    """What the cluster's reconcile loop expects of a controller."""

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


class EventRecorder:
    """Writes ``v1.Event`` objects the way client-go's recorder does.

    The event name is ``<involved name>.<hex of the clock's UnixNano>`` (``record/event.go``
    ``makeEvent``); a repeat of the same reason and message for the same object bumps ``count`` and
    ``lastTimestamp`` instead (the correlator's aggregation, simplified: no spam filtering).
    """

    def __init__(self, api: Any, clock: Any):
        self.api = api
        self.clock = clock

    def event(
        self, obj: Any, type_: str, reason: str, message: str, component: str, host: str | None = None
    ) -> Any:
        from k8snet.api.core_v1 import Event, EventSource, ObjectReference

        now = self.clock.now()
        ns = (obj.metadata.namespace or "default") if getattr(obj, "namespaced", True) else "default"
        for ev in self.api.store.list("Event", ns):
            io = ev.involvedObject
            if (
                io.uid == obj.metadata.uid
                and ev.reason == reason
                and ev.message == message
                and ev.source
                and ev.source.component == component
            ):
                ev.count = (ev.count or 1) + 1
                ev.lastTimestamp = now
                return self.api.store.put(ev)
        nanos = int(now.timestamp()) * 1_000_000_000 + now.microsecond * 1000
        name = f"{obj.metadata.name}.{nanos:x}"
        while self.api.store.exists("Event", name, ns):
            nanos += 1
            name = f"{obj.metadata.name}.{nanos:x}"
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
        return self.api.store.put(ev)


class GarbageCollector:
    """Deletes dependents whose controller owner no longer exists (background cascading deletion).

    Simplification: only controller ownerReferences are followed and deletion happens in the same sync;
    pods are deleted through the API server, so they still terminate gracefully.
    """

    KINDS = ("ReplicaSet", "Pod", "EndpointSlice", "Endpoints")

    def __init__(self, api: Any):
        self.api = api

    def sync(self) -> None:
        store = self.api.store
        uids = {
            o.metadata.uid
            for kind in ("Deployment", "ReplicaSet", "Service", "Node", "Endpoints")
            for o in store.list(kind)
        }
        for kind in self.KINDS:
            for obj in store.list(kind):
                ref = controller_of(obj)
                if ref is None or ref.uid in uids:
                    continue
                if kind == "Pod" and obj.metadata.deletionTimestamp is not None:
                    continue
                self.api.delete(kind, obj.metadata.name, obj.metadata.namespace or "default")


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
