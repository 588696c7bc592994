"""The object store behind the API server: etcd plus the generic registry's bookkeeping.

Objects are kept by ``(kind, namespace, name)`` (namespace ``""`` for cluster-scoped kinds). The store stamps
what the generic registry stamps (k8s.io/apiserver ``pkg/registry/generic/registry/store.go`` and
``pkg/registry/rest/create.go``): a ``resourceVersion`` from one cluster-wide counter, a ``uid``, a
``creationTimestamp`` from the simulation clock, and ``metadata.generation`` for kinds whose strategy tracks it
(bumped when ``spec`` changes).

Stored objects are never handed out: :meth:`Store.get` and :meth:`Store.list` return deep copies and
:meth:`Store.put` stores a deep copy, so a caller cannot change stored state behind the server's back. Since a
stored object is never mutated in place, a transaction only has to remember the previous dict (see
:meth:`Store.transaction`).

Simplification: uids are version-4-shaped UUIDs derived from a seeded counter (upstream uses random UUIDs), so
the same seed and the same sequence of requests give the same uids.

Example
-------
>>> from k8snet.api.core_v1 import Namespace
>>> from k8snet.api.meta_v1 import ObjectMeta
>>> from k8snet.clock import SimClock
>>> store = Store(SimClock(), seed=0)
>>> events = []
>>> _ = store.subscribe(lambda kind, old, new: events.append((kind, new.metadata.name)))
>>> ns = store.put(Namespace(metadata=ObjectMeta(name="demo")))
>>> ns.metadata.resourceVersion, ns.metadata.creationTimestamp.isoformat()
('1', '2026-01-01T00:00:00+00:00')
>>> events
[('ADDED', 'demo')]
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from k8snet.clock import SimClock

__all__ = ["Store", "Key", "GENERATION_KINDS", "WatchCallback"]

Key = tuple[str, str, str]
#: ``(event_type, old, new)`` with event_type ``ADDED``/``MODIFIED``/``DELETED``; old or new may be None.
WatchCallback = Callable[[str, Any, Any], None]

#: Kinds whose registry strategy sets ``metadata.generation`` (Deployment, ReplicaSet, EndpointSlice and, since
#: v1.33, Pod; and the other workload and policy kinds whose strategies do: pkg/registry/*/strategy.go).
GENERATION_KINDS = frozenset(
    {
        "Deployment",
        "ReplicaSet",
        "EndpointSlice",
        "Pod",
        "ReplicationController",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "PodDisruptionBudget",
        "Ingress",
        "IngressClass",
        "NetworkPolicy",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "CustomResourceDefinition",
    }
)


def key_of(obj: Any) -> Key:
    """``(kind, namespace, name)`` of a model object (namespace ``""`` when cluster-scoped)."""
    ns = (obj.metadata.namespace or "default") if getattr(obj, "namespaced", True) else ""
    return (obj.kind, ns, obj.metadata.name or "")


class Store:
    """Versioned, watchable object storage.

    Parameters
    ----------
    clock : SimClock
        Source of ``creationTimestamp``.
    seed : int
        Seeds uid generation.
    """

    def __init__(self, clock: SimClock, seed: int = 0):
        self.clock = clock
        self.seed = seed
        self._objects: dict[Key, Any] = {}
        self._rv = 0
        self._uids = 0
        self._subscribers: list[WatchCallback] = []
        self._pending: list[tuple[str, Any, Any]] | None = None
        self._extra_state: list[Any] = []  # objects with snapshot()/restore() joined to transactions

    # -- bookkeeping -----------------------------------------------------------------------------------
    @property
    def resource_version(self) -> int:
        """The last resourceVersion handed out (a cluster-wide counter, as etcd's revision)."""
        return self._rv

    def new_uid(self) -> str:
        """The next deterministic uid: a version-4-shaped UUID from sha256(seed, counter)."""
        self._uids += 1
        digest = hashlib.sha256(f"k8snet-uid:{self.seed}:{self._uids}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def join(self, stateful: Any) -> None:
        """Make ``stateful`` (with ``snapshot()``/``restore(snap)``) part of every transaction."""
        self._extra_state.append(stateful)

    # -- reads -----------------------------------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str = "default") -> Any | None:
        obj = self._objects.get((kind, namespace, name))
        return obj.model_copy(deep=True) if obj is not None else None

    def exists(self, kind: str, name: str, namespace: str = "default") -> bool:
        return (kind, namespace, name) in self._objects

    def list(self, kind: str, namespace: str | None = None) -> list[Any]:
        """Objects of ``kind`` sorted by namespace then name (the order ``kubectl get`` prints)."""
        keys = sorted(k for k in self._objects if k[0] == kind and (namespace is None or k[1] == namespace))
        return [self._objects[k].model_copy(deep=True) for k in keys]

    def keys(self) -> list[Key]:
        return sorted(self._objects)

    # -- writes ----------------------------------------------------------------------------------------
    def put(self, obj: Any) -> Any:
        """Create or replace ``obj``; stamps resourceVersion (and uid/creationTimestamp/generation on create).

        Returns a copy of what was stored.
        """
        obj = obj.model_copy(deep=True)
        key = key_of(obj)
        old = self._objects.get(key)
        md = obj.metadata
        if getattr(obj, "namespaced", True):
            md.namespace = key[1]
        if old is None:
            md.uid = md.uid or self.new_uid()
            md.creationTimestamp = md.creationTimestamp or self.clock.now()
            if obj.kind in GENERATION_KINDS:
                md.generation = 1
        else:
            md.uid = old.metadata.uid
            md.creationTimestamp = old.metadata.creationTimestamp
            if obj.kind in GENERATION_KINDS:
                gen = old.metadata.generation or 1
                if _spec_of(obj) != _spec_of(old):
                    gen += 1
                md.generation = gen
        if old is not None:
            md.resourceVersion = old.metadata.resourceVersion
            if obj.model_dump() == old.model_dump():
                # a no-op update neither bumps resourceVersion nor sends a watch event (as etcd3 storage)
                return old.model_copy(deep=True)
        self._rv += 1
        md.resourceVersion = str(self._rv)
        self._objects[key] = obj
        self._notify("ADDED" if old is None else "MODIFIED", old, obj)
        return obj.model_copy(deep=True)

    def remove(self, kind: str, name: str, namespace: str = "default") -> Any | None:
        """Delete an object; returns the removed object (a copy) or None."""
        old = self._objects.pop((kind, namespace, name), None)
        if old is not None:
            self._rv += 1
            self._notify("DELETED", old, None)
            return old.model_copy(deep=True)
        return None

    # -- watch -----------------------------------------------------------------------------------------
    def subscribe(self, callback: WatchCallback) -> Callable[[], None]:
        """Call ``callback(event_type, old, new)`` after every committed change; returns an unsubscribe."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def _notify(self, event: str, old: Any, new: Any) -> None:
        if self._pending is not None:
            self._pending.append((event, old, new))
            return
        self._deliver([(event, old, new)])

    def _deliver(self, events: list[tuple[str, Any, Any]]) -> None:
        for event, old, new in events:
            for cb in list(self._subscribers):
                cb(
                    event,
                    old.model_copy(deep=True) if old is not None else None,
                    new.model_copy(deep=True) if new is not None else None,
                )

    # -- transactions ----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: if the block raises, objects, counters and joined allocators are put back and
        no watch event is delivered; otherwise the buffered events are delivered on exit. Nests."""
        if self._pending is not None:  # nested: the outer transaction decides
            yield
            return
        saved = (dict(self._objects), self._rv, self._uids, [s.snapshot() for s in self._extra_state])
        self._pending = []
        try:
            yield
        except BaseException:
            self._objects, self._rv, self._uids = saved[0], saved[1], saved[2]
            for s, snap in zip(self._extra_state, saved[3], strict=False):
                s.restore(snap)
            self._pending = None
            raise
        events, self._pending = self._pending, None
        self._deliver(events)

    def dump(self) -> str:
        """Every object as canonical JSON lines plus the counters: equal dumps mean identical stores."""
        import json

        lines = [f"rv={self._rv} uids={self._uids}"]
        for key in sorted(self._objects):
            lines.append(json.dumps(self._objects[key].to_dict(), sort_keys=True))
        for s in self._extra_state:
            snap = s.snapshot()
            lines.append(repr(sorted(snap[0])))
        return "\n".join(lines)


def _spec_of(obj: Any) -> Any:
    spec = getattr(obj, "spec", None)
    if spec is not None:
        return spec.model_dump()
    # EndpointSlice has no spec: its generation follows endpoints/ports changes.
    if obj.kind == "EndpointSlice":
        return (
            [e.model_dump() for e in (obj.endpoints or [])],
            [p.model_dump() for p in (obj.ports or [])],
        )
    return None
