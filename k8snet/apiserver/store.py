"""The object store behind the API server: etcd plus the generic registry's bookkeeping.

Objects are kept by ``(kind, namespace, name)`` (namespace ``""`` for cluster-scoped kinds). The store stamps
what the generic registry stamps (k8s.io/apiserver ``pkg/registry/generic/registry/store.go`` and
``pkg/registry/rest/create.go``): a ``resourceVersion`` from one cluster-wide counter, a ``uid``, a
``creationTimestamp`` from the simulation clock, and ``metadata.generation`` for kinds whose strategy tracks it
(bumped when ``spec`` changes).

**Stored objects are immutable.** :meth:`Store.put` freezes what it stores (:func:`k8snet.api.freeze`: assigning a
field of it raises), and a write replaces the stored object instead of changing it. So readers share stored
objects without copying, as client-go's informer caches do: :meth:`Store.read`, :meth:`Store.list` and the watch
events hand out the stored objects themselves. :meth:`Store.get` is the writer's read (a GET before a PUT): it
returns a private deep copy the caller may change and write back.

Transactions keep an undo log (the previous object of each key a write touches), so a rolled-back request costs
what it wrote, not the size of the store.

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
>>> store.read("Namespace", "demo", "") is ns, store.get("Namespace", "demo", "") is ns
(True, False)
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import os
import random
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from k8snet.api import freeze, is_frozen
from k8snet.clock import SimClock

__all__ = [
    "Store",
    "Key",
    "GENERATION_KINDS",
    "WatchCallback",
    "key_of",
    "MutationDetectedError",
    "TransactionalRandom",
]

Key = tuple[str, str, str]
#: ``(event_type, old, new)`` with event_type ``ADDED``/``MODIFIED``/``DELETED``; old or new may be None.
WatchCallback = Callable[[str, Any, Any], None]

#: Kinds whose registry strategy sets ``metadata.generation`` (Deployment, ReplicaSet, EndpointSlice and, since
#: v1.33, Pod; and the other workload and policy kinds whose strategies do: ``pkg/registry/*/strategy.go``).
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

_MISSING = object()


class MutationDetectedError(AssertionError):
    """A stored object changed in place (client-go's cache mutation detector found a caller that wrote into a
    shared object instead of a copy)."""


class TransactionalRandom(random.Random):
    """A seeded :class:`random.Random` that a store transaction can roll back (:meth:`Store.join` it).

    Its state is saved only when a transaction draws from it, so requests that never use it (most of them) do
    not pay for copying the generator's 625-word state. The numbers drawn are those of :class:`random.Random`
    with the same seed.

    >>> rng = TransactionalRandom("seed")
    >>> token = rng.snapshot()
    >>> first = rng.getrandbits(32)
    >>> rng.restore(token)
    >>> rng.getrandbits(32) == first == random.Random("seed").getrandbits(32)
    True
    """

    def __init__(self, x: Any = None):
        self._armed = False
        self._saved: Any = None
        super().__init__(x)

    def _touch(self) -> None:
        if self._armed:
            self._armed = False
            self._saved = super().getstate()

    def random(self) -> float:
        self._touch()
        return super().random()

    def getrandbits(self, k: int) -> int:
        self._touch()
        return super().getrandbits(k)

    def setstate(self, state: Any) -> None:
        self._touch()
        super().setstate(state)

    # the Store.join protocol
    def snapshot(self) -> tuple[frozenset, Any]:
        """Start remembering: the state is saved before the next draw."""
        self._armed = True
        self._saved = None
        return (frozenset(), self)

    def dump_state(self) -> frozenset:
        """What :meth:`Store.dump` prints for the generator: nothing (its draws show in the objects)."""
        return frozenset()

    def restore(self, snap: Any) -> None:
        """Go back to the state at the last :meth:`snapshot` (nothing to do if nothing was drawn since)."""
        if self._saved is not None:
            saved, self._saved = self._saved, None
            self._armed = False
            super().setstate(saved)


def key_of(obj: Any) -> Key:
    """``(kind, namespace, name)`` of a model object (namespace ``""`` when cluster-scoped)."""
    ns = (obj.metadata.namespace or "default") if getattr(obj, "namespaced", True) else ""
    return (obj.kind, ns, obj.metadata.name or "")


class Store:
    """Versioned, watchable object storage of immutable objects.

    Parameters
    ----------
    clock : SimClock
        Source of ``creationTimestamp``.
    seed : int
        Seeds uid generation.
    mutation_detector : bool, optional
        Keep a private copy of every stored object and let :meth:`check_mutations` compare them, as client-go's
        ``cache_mutation_detector.go`` does when ``KUBE_CACHE_MUTATION_DETECTOR`` is set; the default is that
        environment variable (the test suite sets it). Freezing catches assignments to fields; the detector also
        catches in-place changes of lists and maps inside stored objects.
    """

    def __init__(self, clock: SimClock, seed: int = 0, mutation_detector: bool | None = None):
        self.clock = clock
        self.seed = seed
        self._kinds: dict[str, dict[tuple[str, str], Any]] = {}
        self._sorted: dict[str, list[tuple[str, str]]] = {}  # kind -> sorted keys (dropped on add/remove)
        self._by_uid: dict[str, Key] = {}
        self._rv = 0
        self._uids = 0
        self._subscribers: builtins.list[WatchCallback] = []
        self._pending: builtins.list[tuple[str, Any, Any]] | None = None
        self._undo: dict[Key, Any] | None = None
        self._extra_state: builtins.list[Any] = []  # objects with snapshot()/restore() joined to transactions
        if mutation_detector is None:
            mutation_detector = os.environ.get("KUBE_CACHE_MUTATION_DETECTOR", "") in ("1", "true")
        self._pristine: dict[Key, Any] | None = {} if mutation_detector else None
        #: The shared informer factory reading this store (set by ``SharedInformerFactory.for_store``).
        self.informer_factory: Any = None

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
    def read(self, kind: str, name: str, namespace: str = "default") -> Any | None:
        """The stored object itself (read-only, shared), or None."""
        objs = self._kinds.get(kind)
        return objs.get((namespace, name)) if objs else None

    def get(self, kind: str, name: str, namespace: str = "default") -> Any | None:
        """A private, writable deep copy of the stored object (the read before a write), or None."""
        obj = self.read(kind, name, namespace)
        return obj.model_copy(deep=True) if obj is not None else None

    def exists(self, kind: str, name: str, namespace: str = "default") -> bool:
        objs = self._kinds.get(kind)
        return bool(objs) and (namespace, name) in objs  # type: ignore[operator]

    def key_for_uid(self, uid: str | None) -> Key | None:
        """``(kind, namespace, name)`` of the stored object with this uid, or None (what an ownerReference
        resolves to)."""
        return self._by_uid.get(uid) if uid else None

    def list(self, kind: str, namespace: str | None = None) -> builtins.list[Any]:
        """The stored objects of ``kind`` (read-only, shared) sorted by namespace then name (the order
        ``kubectl get`` prints)."""
        objs = self._kinds.get(kind)
        if not objs:
            return []
        keys = self._sorted.get(kind)
        if keys is None:
            keys = self._sorted[kind] = sorted(objs)
        if namespace is None:
            return [objs[k] for k in keys]
        return [objs[k] for k in keys if k[0] == namespace]

    def count(self, kind: str) -> int:
        """How many objects of ``kind`` are stored."""
        return len(self._kinds.get(kind) or ())

    def kinds(self) -> builtins.list[str]:
        """The kinds with at least one stored object, sorted."""
        return sorted(k for k, objs in self._kinds.items() if objs)

    def keys(self) -> builtins.list[Key]:
        return sorted((kind, ns, name) for kind, objs in self._kinds.items() for ns, name in objs)

    # -- writes ----------------------------------------------------------------------------------------
    def put(self, obj: Any, owned: bool = False, keep_generation: bool = False) -> Any:
        """Create or replace ``obj``; stamps resourceVersion (and uid/creationTimestamp/generation on create).

        Returns the stored object (read-only). The store keeps a copy of ``obj`` unless ``owned`` is true: then
        the caller hands ``obj`` over (it becomes the stored, frozen object) and must not change it afterwards.
        ``keep_generation`` is for a write that goes to storage without the registry strategy, which is what
        raises the generation: a Pod's binding (``BindingREST.setPodNodeAndMetadata`` in
        ``pkg/registry/core/pod/storage/storage.go`` uses ``GuaranteedUpdate`` directly), so binding a Pod
        to its node leaves ``metadata.generation`` at 1.
        """
        if not owned:
            obj = obj.model_copy(deep=True)
        elif is_frozen(obj):
            obj = obj.model_copy()
        md = obj.metadata
        if is_frozen(md):
            md = obj.metadata = md.model_copy()
        key = key_of(obj)
        old = self.read(key[0], key[2], key[1])
        if getattr(obj, "namespaced", True):
            md.namespace = key[1]
        if old is None:
            md.uid = md.uid or self.new_uid()
            md.creationTimestamp = md.creationTimestamp or self.clock.now()
            if obj.kind in GENERATION_KINDS:
                md.generation = 1
        else:
            omd = old.metadata
            md.uid = omd.uid
            md.creationTimestamp = omd.creationTimestamp
            if obj.kind in GENERATION_KINDS:
                gen = omd.generation or 1
                if not keep_generation and _spec_of(obj) != _spec_of(old):
                    gen += 1
                md.generation = gen
            md.resourceVersion = omd.resourceVersion
            if obj == old:
                # a no-op update neither bumps resourceVersion nor sends a watch event (as etcd3 storage)
                return old
        self._rv += 1
        md.resourceVersion = str(self._rv)
        freeze(obj)
        self._set(key, old, obj)
        self._notify("ADDED" if old is None else "MODIFIED", old, obj)
        return obj

    def remove(self, kind: str, name: str, namespace: str = "default") -> Any | None:
        """Delete an object; returns the removed (read-only) object, or None."""
        old = self.read(kind, name, namespace)
        if old is None:
            return None
        self._rv += 1
        self._set((kind, namespace, name), old, None)
        self._notify("DELETED", old, None)
        return old

    def _set(self, key: Key, old: Any, new: Any) -> None:
        kind, ns, name = key
        if self._undo is not None and key not in self._undo:
            self._undo[key] = old if old is not None else _MISSING
        objs = self._kinds.setdefault(kind, {})
        if new is None:
            del objs[(ns, name)]
            self._sorted.pop(kind, None)
        else:
            if old is None:
                self._sorted.pop(kind, None)
            objs[(ns, name)] = new
        if old is not None and old.metadata.uid and (new is None or new.metadata.uid != old.metadata.uid):
            self._by_uid.pop(old.metadata.uid, None)
        if new is not None and new.metadata.uid:
            self._by_uid[new.metadata.uid] = key
        if self._pristine is not None:
            if new is None:
                self._pristine.pop(key, None)
            else:
                self._pristine[key] = new.model_copy(deep=True)

    # -- watch -----------------------------------------------------------------------------------------
    def subscribe(self, callback: WatchCallback) -> Callable[[], None]:
        """Call ``callback(event_type, old, new)`` after every committed change; returns an unsubscribe.

        ``old`` and ``new`` are the stored (read-only) objects.
        """
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def _notify(self, event: str, old: Any, new: Any) -> None:
        if self._pending is not None:
            self._pending.append((event, old, new))
            return
        self._deliver([(event, old, new)])

    def _deliver(self, events: builtins.list[tuple[str, Any, Any]]) -> None:
        for event, old, new in events:
            for cb in list(self._subscribers):
                cb(event, old, new)

    # -- transactions ----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: if the block raises, objects, counters and joined allocators are put back and
        no watch event is delivered; otherwise the buffered events are delivered on exit. Nests."""
        if self._pending is not None:  # nested: the outer transaction decides
            yield
            return
        saved = (self._rv, self._uids, [s.snapshot() for s in self._extra_state])
        self._pending = []
        self._undo = {}
        try:
            yield
        except BaseException:
            undo, self._undo = self._undo, None
            for key, old in undo.items():
                current = self.read(key[0], key[2], key[1])
                self._set(key, current, None if old is _MISSING else old)
            self._rv, self._uids = saved[0], saved[1]
            for s, snap in zip(self._extra_state, saved[2], strict=False):
                s.restore(snap)
            self._pending = None
            raise
        self._undo = None
        events, self._pending = self._pending, None
        self._deliver(events)

    def _restore(self, key: Key, obj: Any) -> None:  # pragma: no cover - kept for subclasses
        self._set(key, self.read(key[0], key[2], key[1]), obj)

    # -- checks ----------------------------------------------------------------------------------------
    def check_mutations(self) -> None:
        """Raise :class:`MutationDetectedError` if a stored object differs from the copy taken when it was
        written (only with the mutation detector on; see the class parameters)."""
        if self._pristine is None:
            return
        for (kind, ns, name), pristine in self._pristine.items():
            obj = self.read(kind, name, ns)
            if obj != pristine:
                raise MutationDetectedError(f"{kind} {ns}/{name} was changed in place after it was stored")

    def dump(self) -> str:
        """Every object as canonical JSON lines plus the counters: equal dumps mean identical stores."""
        import json

        lines = [f"rv={self._rv} uids={self._uids}"]
        for kind, ns, name in self.keys():
            lines.append(json.dumps(self._kinds[kind][(ns, name)].to_dict(), sort_keys=True))
        for s in self._extra_state:
            state = s.dump_state() if hasattr(s, "dump_state") else s.snapshot()[0]
            lines.append(repr(sorted(state)))
        return "\n".join(lines)


def _spec_of(obj: Any) -> Any:
    spec = getattr(obj, "spec", None)
    if spec is not None:
        return spec
    # EndpointSlice has no spec: its generation follows endpoints/ports changes.
    if obj.kind == "EndpointSlice":
        return (obj.endpoints or [], obj.ports or [])
    return None
