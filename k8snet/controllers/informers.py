"""Shared informers and indexers: the controllers' read path (client-go ``tools/cache``).

A controller in Kubernetes never lists objects from the API server on every pass. It reads a local cache that a
**shared informer** keeps in step with the API server's watch stream, through **indexers** that answer "which
objects have this label / owner / node" without scanning, and it reacts to the informer's **events** (add, update,
delete) by putting keys on a work queue (:mod:`k8snet.controllers.workqueue`). This module is that read path:

* :class:`Indexer` is ``cache.Indexer`` (``thread_safe_store.go``, ``index.go``): objects by key plus named
  indices (index name -> indexed value -> keys), kept up to date on every change;
* :class:`SharedIndexInformer` is ``cache.SharedIndexInformer`` (``shared_informer.go``) for one kind: its
  indexer, and the event handlers registered on it (``AddEventHandler`` replays the objects already cached as
  adds, as upstream does);
* :class:`SharedInformerFactory` is ``informers.SharedInformerFactory``: one informer per kind, shared by every
  controller, fed by the store's watch (:meth:`k8snet.apiserver.store.Store.subscribe`);
* index functions for what the controllers look up: namespace (``cache.MetaNamespaceIndexFunc``), labels (an
  inverted label index: one entry per ``(namespace, key, value)``), the Services whose selector uses a label,
  owner uids, ``spec.nodeName`` and an EndpointSlice's ``kubernetes.io/service-name``.

The cached objects are the store's own immutable objects (:func:`k8snet.api.freeze`): nothing is copied on the
way in or out, so a reader must not change them (change a copy).

Simplifications: there is no network between the store and the cache, so the cache is never stale (an event is
delivered when the write commits) and there are no resyncs or tombstones (``DeletedFinalStateUnknown``). Keys are
``(namespace, name)`` tuples instead of ``"namespace/name"`` strings; both sort the same way.

Example
-------
>>> from k8snet.api.core_v1 import Namespace, Pod
>>> from k8snet.apiserver.store import Store
>>> from k8snet.clock import SimClock
>>> store = Store(SimClock())
>>> factory = SharedInformerFactory(store)
>>> pods = factory.informer("Pod")
>>> pods.add_indexers({LABELS_INDEX: index_by_labels})
>>> seen = []
>>> _ = pods.add_event_handler(add=lambda obj: seen.append(obj.metadata.name))
>>> for name, app in (("a", "web"), ("b", "db"), ("c", "web")):
...     _ = store.put(Pod(metadata={"name": name, "labels": {"app": app}}))
>>> seen, [p.metadata.name for p in pods.indexer.select("default", {"app": "web"})]
(['a', 'b', 'c'], ['a', 'c'])
"""

from __future__ import annotations

import builtins
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Indexer",
    "SharedIndexInformer",
    "SharedInformerFactory",
    "ResourceEventHandler",
    "IndexFunc",
    "object_key",
    "NAMESPACE_INDEX",
    "LABELS_INDEX",
    "SELECTOR_INDEX",
    "OWNER_INDEX",
    "NODE_NAME_INDEX",
    "SERVICE_NAME_INDEX",
    "index_by_namespace",
    "index_by_labels",
    "index_by_selector",
    "index_by_owner",
    "index_by_node_name",
    "index_by_service_name",
]

#: ``(namespace, name)``; namespace ``""`` for cluster-scoped kinds.
ObjectKey = tuple[str, str]
#: ``cache.IndexFunc``: the values an object is indexed under.
IndexFunc = Callable[[Any], Iterable[Hashable]]

NAMESPACE_INDEX = "namespace"
LABELS_INDEX = "labels"
SELECTOR_INDEX = "selector"
OWNER_INDEX = "owner"
NODE_NAME_INDEX = "spec.nodeName"
SERVICE_NAME_INDEX = "kubernetes.io/service-name"


def object_key(obj: Any) -> ObjectKey:
    """``cache.MetaNamespaceKeyFunc`` as a tuple: ``(namespace, name)``, namespace ``""`` when cluster-scoped.

    >>> from k8snet.api.core_v1 import Node, Pod
    >>> object_key(Pod(metadata={"name": "web"})), object_key(Node(metadata={"name": "n1"}))
    (('default', 'web'), ('', 'n1'))
    """
    md = obj.metadata
    ns = (md.namespace or "default") if getattr(obj, "namespaced", True) else ""
    return (ns, md.name or "")


def index_by_namespace(obj: Any) -> builtins.list[Hashable]:
    """``cache.MetaNamespaceIndexFunc``: the object's namespace.

    >>> from k8snet.api.core_v1 import Pod
    >>> index_by_namespace(Pod(metadata={"name": "p", "namespace": "shop"}))
    ['shop']
    """
    return [object_key(obj)[0]]


def index_by_labels(obj: Any) -> builtins.list[Hashable]:
    """An inverted label index: ``(namespace, key, value)`` for every label, so the objects a set of labels
    selects are the intersection of a few index entries (:meth:`Indexer.select`).

    >>> from k8snet.api.core_v1 import Pod
    >>> index_by_labels(Pod(metadata={"name": "p", "labels": {"app": "web"}}))
    [('default', 'app', 'web')]
    """
    ns = object_key(obj)[0]
    return [(ns, k, v) for k, v in (obj.metadata.labels or {}).items()]


def index_by_selector(obj: Any) -> builtins.list[Hashable]:
    """A Service indexed under every ``(namespace, key, value)`` of its ``spec.selector``, so the Services that
    may select a Pod are found from the Pod's labels (:meth:`Indexer.selecting`).

    >>> from k8snet.api.core_v1 import Service
    >>> index_by_selector(Service(metadata={"name": "s"}, spec={"selector": {"app": "web"}}))
    [('default', 'app', 'web')]
    """
    spec = getattr(obj, "spec", None)
    selector = getattr(spec, "selector", None) if spec is not None else None
    if not isinstance(selector, dict) or not selector:
        return []
    ns = object_key(obj)[0]
    return [(ns, k, v) for k, v in selector.items()]


def index_by_owner(obj: Any) -> builtins.list[Hashable]:
    """The uid of every ownerReference (what the garbage collector and the owning controllers look up).

    >>> from k8snet.api.core_v1 import Pod
    >>> ref = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "u-1", "controller": True}
    >>> index_by_owner(Pod(metadata={"name": "p", "ownerReferences": [ref]}))
    ['u-1']
    """
    return [ref.uid for ref in obj.metadata.ownerReferences or [] if ref.uid]


def index_by_node_name(obj: Any) -> builtins.list[Hashable]:
    """A Pod's ``spec.nodeName`` (``""`` while unscheduled), as kubelet's and the scheduler's field selector.

    >>> from k8snet.api.core_v1 import Pod
    >>> index_by_node_name(Pod(metadata={"name": "p"}, spec={"containers": [], "nodeName": "n1"}))
    ['n1']
    """
    spec = getattr(obj, "spec", None)
    return [(getattr(spec, "nodeName", None) or "") if spec is not None else ""]


def index_by_service_name(obj: Any) -> builtins.list[Hashable]:
    """An EndpointSlice's ``(namespace, kubernetes.io/service-name)`` label, if it has one.

    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> sl = EndpointSlice(metadata={"name": "web-abcde", "labels": {"kubernetes.io/service-name": "web"}},
    ...                    addressType="IPv4")
    >>> index_by_service_name(sl)
    [('default', 'web')]
    """
    name = (obj.metadata.labels or {}).get("kubernetes.io/service-name")
    return [(object_key(obj)[0], name)] if name else []


class Indexer:
    """Objects by key plus named indices (client-go ``cache.Indexer``).

    >>> from k8snet.api.core_v1 import Pod
    >>> idx = Indexer({NODE_NAME_INDEX: index_by_node_name})
    >>> idx.update(("default", "a"), None, Pod(metadata={"name": "a"}, spec={"containers": [], "nodeName": "n1"}))
    >>> idx.index_keys(NODE_NAME_INDEX, "n1"), len(idx)
    ([('default', 'a')], 1)
    """

    def __init__(self, indexers: dict[str, IndexFunc] | None = None):
        self.items: dict[ObjectKey, Any] = {}
        self.indexers: dict[str, IndexFunc] = {}
        self.indices: dict[str, dict[Hashable, set[ObjectKey]]] = {}
        if indexers:
            self.add_indexers(indexers)

    def __len__(self) -> int:
        return len(self.items)

    def add_indexers(self, indexers: dict[str, IndexFunc]) -> None:
        """``AddIndexers``: new indices are built over the objects already cached; an index already present
        under the same name with the same function is kept."""
        for name, fn in indexers.items():
            if name in self.indexers:
                if self.indexers[name] is not fn:
                    raise ValueError(f"indexer conflict: {name}")
                continue
            self.indexers[name] = fn
            index: dict[Hashable, set[ObjectKey]] = {}
            for key, obj in self.items.items():
                for value in fn(obj):
                    index.setdefault(value, set()).add(key)
            self.indices[name] = index

    def update(self, key: ObjectKey, old: Any, new: Any) -> None:
        """Replace ``old`` (None when added) by ``new`` (None when deleted) under ``key``, indices included."""
        if new is None:
            self.items.pop(key, None)
        else:
            self.items[key] = new
        for name, fn in self.indexers.items():
            before = set(fn(old)) if old is not None else set()
            after = set(fn(new)) if new is not None else set()
            if before == after:
                continue
            index = self.indices[name]
            for value in before - after:
                keys = index.get(value)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del index[value]
            for value in after - before:
                index.setdefault(value, set()).add(key)

    # -- reads -------------------------------------------------------------------------------------------
    def get(self, key: ObjectKey) -> Any | None:
        """``GetByKey``: the cached object, or None."""
        return self.items.get(key)

    def list(self) -> builtins.list[Any]:
        """Every cached object, sorted by key."""
        return [self.items[k] for k in sorted(self.items)]

    def index_keys(self, index_name: str, value: Hashable) -> builtins.list[ObjectKey]:
        """``IndexKeys``: the keys indexed under ``value``, sorted."""
        return sorted(self.indices[index_name].get(value, ()))

    def by_index(self, index_name: str, value: Hashable) -> builtins.list[Any]:
        """``ByIndex``: the objects indexed under ``value``, sorted by key."""
        return [self.items[k] for k in self.index_keys(index_name, value)]

    def select(self, namespace: str, match_labels: dict[str, str] | None) -> builtins.list[Any]:
        """The objects of ``namespace`` whose labels include every pair of ``match_labels`` (an equality-based
        selector), sorted by key; needs the :data:`LABELS_INDEX`. An empty selector selects every object of the
        namespace (``labels.Everything()``)."""
        if not match_labels:
            if NAMESPACE_INDEX in self.indices:
                return self.by_index(NAMESPACE_INDEX, namespace)
            return [o for k, o in sorted(self.items.items()) if k[0] == namespace]
        index = self.indices[LABELS_INDEX]
        sets = []
        for k, v in match_labels.items():
            keys = index.get((namespace, k, v))
            if not keys:
                return []
            sets.append(keys)
        sets.sort(key=len)
        first, rest = sets[0], sets[1:]
        return [self.items[key] for key in sorted(first) if all(key in s for s in rest)]

    def selecting(self, namespace: str, labels: dict[str, str] | None) -> builtins.list[Any]:
        """The objects of ``namespace`` whose ``spec.selector`` (a map, as a Service's) is a non-empty subset of
        ``labels``, sorted by key; needs the :data:`SELECTOR_INDEX`."""
        if not labels:
            return []
        index = self.indices[SELECTOR_INDEX]
        candidates: set[ObjectKey] = set()
        for k, v in labels.items():
            candidates |= index.get((namespace, k, v), set())
        out = []
        for key in sorted(candidates):
            obj = self.items[key]
            selector = obj.spec.selector or {}
            if all(labels.get(k) == v for k, v in selector.items()):
                out.append(obj)
        return out


@dataclass
class ResourceEventHandler:
    """``cache.ResourceEventHandlerFuncs``: any of the three may be None."""

    add: Callable[[Any], None] | None = None
    update: Callable[[Any, Any], None] | None = None
    delete: Callable[[Any], None] | None = None


class SharedIndexInformer:
    """The cache of one kind and the handlers that react to its changes (``cache.SharedIndexInformer``).

    Parameters
    ----------
    kind : str
    objects : iterable
        What the store holds when the informer starts (its initial list).
    """

    def __init__(self, kind: str, objects: Iterable[Any] = ()):
        self.kind = kind
        self.indexer = Indexer({NAMESPACE_INDEX: index_by_namespace})
        self.handlers: builtins.list[ResourceEventHandler] = []
        for obj in objects:
            self.indexer.update(object_key(obj), None, obj)

    def add_indexers(self, indexers: dict[str, IndexFunc]) -> None:
        self.indexer.add_indexers(indexers)

    def add_event_handler(
        self,
        add: Callable[[Any], None] | None = None,
        update: Callable[[Any, Any], None] | None = None,
        delete: Callable[[Any], None] | None = None,
    ) -> ResourceEventHandler:
        """``AddEventHandler``: the objects already cached are replayed to ``add`` (in key order); returns the
        registration for :meth:`remove_event_handler`."""
        handler = ResourceEventHandler(add, update, delete)
        self.handlers.append(handler)
        if add is not None:
            for obj in self.indexer.list():
                add(obj)
        return handler

    def remove_event_handler(self, handler: ResourceEventHandler) -> None:
        with_handler = [h for h in self.handlers if h is not handler]
        self.handlers[:] = with_handler

    # -- the lister ----------------------------------------------------------------------------------------
    def get(self, namespace: str, name: str) -> Any | None:
        """The cached object ``namespace/name`` (namespace ``""`` when cluster-scoped), or None."""
        return self.indexer.get((namespace, name))

    def list(self, namespace: str | None = None) -> builtins.list[Any]:
        """The cached objects (of one namespace), sorted by key."""
        if namespace is None:
            return self.indexer.list()
        return self.indexer.by_index(NAMESPACE_INDEX, namespace)

    # -- the watch ----------------------------------------------------------------------------------------
    def on_event(self, event: str, old: Any, new: Any) -> None:
        """Apply one watch event to the cache, then tell every handler."""
        key = object_key(new if new is not None else old)
        if event == "ADDED":
            self.indexer.update(key, None, new)
            for h in list(self.handlers):
                if h.add is not None:
                    h.add(new)
        elif event == "MODIFIED":
            self.indexer.update(key, old, new)
            for h in list(self.handlers):
                if h.update is not None:
                    h.update(old, new)
        else:
            self.indexer.update(key, old, None)
            for h in list(self.handlers):
                if h.delete is not None:
                    h.delete(old)


class SharedInformerFactory:
    """One informer per kind over a store's watch, shared by every controller (``informers.NewSharedInformerFactory``).

    :meth:`for_store` gives the one factory of a store, so controllers started separately share their caches.
    Handlers given to :meth:`on_any` see every event of every kind (what the garbage collector's graph builder
    watches).
    """

    def __init__(self, store: Any):
        # weakly: the store holds the factory (its watch callback); a cluster dropped is collected as a whole
        self._store = weakref.ref(store)
        self.informers: dict[str, SharedIndexInformer] = {}
        self._any: builtins.list[Callable[[str, Any, Any], None]] = []
        self._unsubscribe = store.subscribe(self._dispatch)

    @property
    def store(self) -> Any:
        store = self._store()
        if store is None:  # pragma: no cover - the store is gone only when nobody can call us
            raise ReferenceError("the store of this informer factory no longer exists")
        return store

    @classmethod
    def for_store(cls, store: Any) -> SharedInformerFactory:
        """The shared factory of ``store`` (created on first use; the store keeps it)."""
        factory = getattr(store, "informer_factory", None)
        if factory is None:
            factory = store.informer_factory = cls(store)
        return factory

    def informer(self, kind: str) -> SharedIndexInformer:
        """The informer of ``kind``, started from the store's current objects on first use."""
        informer = self.informers.get(kind)
        if informer is None:
            informer = self.informers[kind] = SharedIndexInformer(kind, self.store.list(kind))
        return informer

    def on_any(self, handler: Callable[[str, Any, Any], None]) -> Callable[[], None]:
        """Call ``handler(event, old, new)`` for every change of every kind; returns a function that removes it."""
        self._any.append(handler)
        return lambda: self._any.remove(handler) if handler in self._any else None

    def _dispatch(self, event: str, old: Any, new: Any) -> None:
        obj = new if new is not None else old
        informer = self.informers.get(obj.kind)
        if informer is not None:
            informer.on_event(event, old, new)
        for handler in list(self._any):
            handler(event, old, new)
