"""Shared informers and indexers (k8snet.controllers.informers).

Behaviour follows client-go tools/cache: thread_safe_store.go (indices kept in step with every add, update and
delete; the cases of thread_safe_store_test.go are transcribed below) and shared_informer.go (AddEventHandler
replays what is cached as adds).
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet.api import is_frozen
from k8snet.api.core_v1 import Namespace, Pod, Service
from k8snet.api.labels import selector_matches
from k8snet.apiserver.store import Store
from k8snet.clock import SimClock
from k8snet.controllers.informers import (
    LABELS_INDEX,
    NODE_NAME_INDEX,
    OWNER_INDEX,
    SELECTOR_INDEX,
    Indexer,
    SharedInformerFactory,
    index_by_labels,
    index_by_node_name,
    index_by_owner,
    index_by_selector,
)


def pod(name, labels=None, node=None, ns="default", owner=None):
    md = {"name": name, "namespace": ns, "labels": labels or {}}
    if owner:
        md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": owner}]
    return Pod(metadata=md, spec={"containers": [{"name": "c"}], **({"nodeName": node} if node else {})})


def _store(indexer):
    def put(key, obj):
        indexer.update(key, indexer.get(key), obj)

    return put


def test_delete_removes_empty_sets_from_index():
    # thread_safe_store_test.go TestThreadSafeStoreDeleteRemovesEmptySetsFromIndex
    idx = Indexer({"testIndexer": lambda obj: [obj]})
    _store(idx)("testKey", "testKey")
    assert len(idx.indices["testIndexer"]["testKey"]) == 1
    idx.update("testKey", "testKey", None)
    assert "testKey" not in idx.indices["testIndexer"]


def test_add_keeps_non_empty_set_post_delete_from_index():
    # thread_safe_store_test.go TestThreadSafeStoreAddKeepsNonEmptySetPostDeleteFromIndex
    idx = Indexer({"testIndexer": lambda obj: ["testIndex"]})
    put = _store(idx)
    put("retain", "retain")
    put("delete", "delete")
    assert len(idx.indices["testIndexer"]["testIndex"]) == 2
    idx.update("delete", "delete", None)
    assert idx.indices["testIndexer"]["testIndex"] == {"retain"}


def test_indexing_functions_with_multiple_values():
    # thread_safe_store_test.go TestThreadSafeStoreIndexingFunctionsWithMultipleValues
    idx = Indexer({"testIndexer": lambda obj: obj.split(",")})
    put = _store(idx)

    def keys(value):
        return idx.index_keys("testIndexer", value)

    put("key1", "foo")
    put("key2", "bar")
    assert (keys("foo"), keys("bar")) == (["key1"], ["key2"])
    put("key2", "foo,bar")
    assert (keys("foo"), keys("bar")) == (["key1", "key2"], ["key2"])
    put("key1", "foo,bar")
    assert (keys("foo"), keys("bar")) == (["key1", "key2"], ["key1", "key2"])
    put("key3", "foo,bar,baz")
    assert (keys("foo"), keys("bar"), keys("baz")) == (
        ["key1", "key2", "key3"],
        ["key1", "key2", "key3"],
        ["key3"],
    )
    put("key1", "foo")
    assert (keys("foo"), keys("bar"), keys("baz")) == (["key1", "key2", "key3"], ["key2", "key3"], ["key3"])
    put("key2", "bar")
    assert (keys("foo"), keys("bar"), keys("baz")) == (["key1", "key3"], ["key2", "key3"], ["key3"])
    idx.update("key1", idx.get("key1"), None)
    assert (keys("foo"), keys("bar"), keys("baz")) == (["key3"], ["key2", "key3"], ["key3"])
    idx.update("key3", idx.get("key3"), None)
    assert (keys("foo"), keys("bar"), keys("baz")) == ([], ["key2"], [])


def test_index_follows_updates_and_deletes():
    idx = Indexer({NODE_NAME_INDEX: index_by_node_name})
    a, b = pod("a", node="n1"), pod("b", node="n1")
    idx.update(("default", "a"), None, a)
    idx.update(("default", "b"), None, b)
    assert idx.index_keys(NODE_NAME_INDEX, "n1") == [("default", "a"), ("default", "b")]
    moved = pod("a", node="n2")
    idx.update(("default", "a"), a, moved)  # the object moves from one value to the other
    assert idx.index_keys(NODE_NAME_INDEX, "n1") == [("default", "b")]
    assert idx.by_index(NODE_NAME_INDEX, "n2") == [moved]
    idx.update(("default", "b"), b, None)
    assert "n1" not in idx.indices[NODE_NAME_INDEX]  # empty values disappear
    assert len(idx) == 1


def test_add_indexers_indexes_what_is_cached():
    idx = Indexer()
    idx.update(("default", "a"), None, pod("a", owner="uid-1"))
    idx.add_indexers({OWNER_INDEX: index_by_owner})
    assert idx.index_keys(OWNER_INDEX, "uid-1") == [("default", "a")]
    idx.add_indexers({OWNER_INDEX: index_by_owner})  # the same function again: kept


def test_informer_replays_cache_and_sees_every_change():
    store = Store(SimClock())
    store.put(Namespace(metadata={"name": "default"}))
    store.put(pod("b", {"app": "web"}))
    factory = SharedInformerFactory.for_store(store)
    assert SharedInformerFactory.for_store(store) is factory  # one factory per store
    pods = factory.informer("Pod")
    seen = []
    pods.add_event_handler(
        add=lambda o: seen.append(("add", o.metadata.name)),
        update=lambda o, n: seen.append(("update", n.metadata.name)),
        delete=lambda o: seen.append(("delete", o.metadata.name)),
    )
    store.put(pod("a", {"app": "web"}))
    store.put(pod("a", {"app": "db"}))
    store.remove("Pod", "b")
    assert seen == [("add", "b"), ("add", "a"), ("update", "a"), ("delete", "b")]
    # the cache holds the store's own (read-only) objects
    cached = pods.get("default", "a")
    assert cached is store.read("Pod", "a") and is_frozen(cached)


def test_no_event_for_a_rolled_back_transaction():
    store = Store(SimClock())
    factory = SharedInformerFactory(store)
    pods = factory.informer("Pod")
    try:
        with store.transaction():
            store.put(pod("a"))
            raise RuntimeError("refused")
    except RuntimeError:
        pass
    assert pods.list() == [] and store.read("Pod", "a") is None


labels = st.dictionaries(st.sampled_from(["app", "tier", "env"]), st.sampled_from(["a", "b"]), max_size=3)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["x", "y"]), labels), max_size=12), labels)
def test_label_index_agrees_with_selector_matching(pod_labels, selector):
    idx = Indexer({LABELS_INDEX: index_by_labels})
    for i, (ns, lbls) in enumerate(pod_labels):
        idx.update((ns, f"p{i}"), None, pod(f"p{i}", lbls, ns=ns))
    for ns in ("x", "y"):
        got = [p.metadata.name for p in idx.select(ns, selector)]
        want = sorted(
            f"p{i}"
            for i, (pns, lbls) in enumerate(pod_labels)
            if pns == ns and selector_matches(selector or "", lbls)
        )
        assert got == want


@settings(max_examples=80, deadline=None)
@given(st.lists(labels, max_size=8), labels)
def test_selector_index_finds_the_services_selecting_a_pod(selectors, pod_labels):
    idx = Indexer({SELECTOR_INDEX: index_by_selector})
    for i, sel in enumerate(selectors):
        svc = Service(metadata={"name": f"s{i}"}, spec={"selector": sel or None, "ports": [{"port": 80}]})
        idx.update(("default", f"s{i}"), None, svc)
    got = [s.metadata.name for s in idx.selecting("default", pod_labels)]
    # a Service without a selector selects nothing (its endpoints are written by hand)
    want = sorted(
        f"s{i}"
        for i, sel in enumerate(selectors)
        if sel and all(pod_labels.get(k) == v for k, v in sel.items())
    )
    assert got == want
