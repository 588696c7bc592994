"""The object store: versions, uids, timestamps, generation, copies, watch, transactions."""

import pytest

from k8snet.api.apps_v1 import Deployment
from k8snet.api.core_v1 import Namespace, Service
from k8snet.apiserver.store import Store
from k8snet.clock import SimClock


def _dep(replicas=1):
    return Deployment(
        metadata={"name": "d", "namespace": "default"},
        spec={
            "replicas": replicas,
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    )


def test_resource_version_uid_and_timestamps():
    clock = SimClock()
    s = Store(clock, seed=1)
    a = s.put(Namespace(metadata={"name": "a"}))
    clock.advance(5)
    b = s.put(Namespace(metadata={"name": "b"}))
    assert (a.metadata.resourceVersion, b.metadata.resourceVersion) == ("1", "2")
    assert a.metadata.uid != b.metadata.uid
    assert b.metadata.creationTimestamp == clock.now()
    # updates keep uid and creationTimestamp, bump resourceVersion
    a2 = s.put(Namespace(metadata={"name": "a", "labels": {"x": "y"}}))
    assert a2.metadata.uid == a.metadata.uid and a2.metadata.creationTimestamp == a.metadata.creationTimestamp
    assert a2.metadata.resourceVersion == "3"


def test_uids_are_deterministic_per_seed():
    uids = [Store(SimClock(), seed=5).put(Namespace(metadata={"name": "x"})).metadata.uid for _ in range(2)]
    assert uids[0] == uids[1]
    assert Store(SimClock(), seed=6).put(Namespace(metadata={"name": "x"})).metadata.uid != uids[0]
    assert uids[0][14] == "4"  # version-4 shaped


def test_generation_bumps_on_spec_change_only():
    s = Store(SimClock())
    assert s.put(_dep(1)).metadata.generation == 1
    d = s.get("Deployment", "d")
    d.metadata.labels = {"new": "label"}
    assert s.put(d).metadata.generation == 1
    assert s.put(_dep(3)).metadata.generation == 2
    svc = s.put(Service(metadata={"name": "s"}, spec={"ports": [{"port": 80}]}))
    assert svc.metadata.generation is None


def test_binding_a_pod_leaves_its_generation_and_a_spec_update_raises_it():
    # the Pod strategy's PrepareForUpdate raises generation on a spec change (v1.33+), but the scheduler's
    # binding writes spec.nodeName through storage directly (BindingREST.setPodNodeAndMetadata,
    # pkg/registry/core/pod/storage/storage.go): a scheduled Pod still has generation 1
    from k8snet.sim.cluster import Cluster

    c = Cluster(preset="minikube")
    c.kubectl("run p --image=nginx")
    pod = c.get("pod", "p")
    assert pod.spec.nodeName == "minikube"
    assert pod.metadata.generation == 1
    changed = pod.model_copy(deep=True)
    changed.spec.activeDeadlineSeconds = 30
    assert c.api.update(changed).metadata.generation == 2


def test_copies_in_and_out():
    s = Store(SimClock())
    ns = Namespace(metadata={"name": "a", "labels": {"k": "v"}})
    s.put(ns)
    ns.metadata.labels["k"] = "changed"
    got = s.get("Namespace", "a", "")
    got.metadata.labels["k"] = "mutated"
    assert s.get("Namespace", "a", "").metadata.labels == {"k": "v"}


def test_watch_events():
    s = Store(SimClock())
    seen = []
    s.subscribe(lambda ev, old, new: seen.append((ev, old and old.metadata.name, new and new.metadata.name)))
    s.put(Namespace(metadata={"name": "a"}))
    s.put(Namespace(metadata={"name": "a", "labels": {"x": "1"}}))
    s.remove("Namespace", "a", "")
    assert seen == [("ADDED", None, "a"), ("MODIFIED", "a", "a"), ("DELETED", "a", None)]


def test_transaction_rolls_back_and_suppresses_events():
    s = Store(SimClock())
    s.put(Namespace(metadata={"name": "keep"}))
    seen = []
    s.subscribe(lambda *a: seen.append(a))
    before = s.dump()
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.put(Namespace(metadata={"name": "gone"}))
            s.remove("Namespace", "keep", "")
            raise RuntimeError("boom")
    assert s.dump() == before and seen == []
    with s.transaction():
        s.put(Namespace(metadata={"name": "new"}))
        assert seen == []  # delivered on commit
    assert len(seen) == 1


def test_stored_objects_are_read_only_and_shared():
    from k8snet.api import ReadOnlyObjectError, is_frozen

    s = Store(SimClock())
    stored = s.put(Namespace(metadata={"name": "a", "labels": {"k": "v"}}))
    assert is_frozen(stored) and is_frozen(stored.metadata)
    # readers share the stored object; nobody can assign its fields
    assert s.read("Namespace", "a", "") is stored and s.list("Namespace") == [stored]
    assert s.list("Namespace")[0] is stored
    with pytest.raises(ReadOnlyObjectError):
        stored.metadata.labels = {}
    # a writer's copy (get, or copy-on-write) is writable and leaves the stored object alone
    mine = s.get("Namespace", "a", "")
    mine.metadata.labels = {"k": "w"}
    cow = stored.model_copy(update={"metadata": stored.metadata.model_copy(update={"labels": {"k": "x"}})})
    assert not is_frozen(cow) and not is_frozen(cow.metadata) and cow.metadata.labels == {"k": "x"}
    assert s.read("Namespace", "a", "").metadata.labels == {"k": "v"}


def test_watch_hands_out_the_stored_objects():
    s = Store(SimClock())
    seen = []
    s.subscribe(lambda ev, old, new: seen.append(new))
    stored = s.put(Namespace(metadata={"name": "a"}))
    assert seen == [stored] and seen[0] is stored


def test_rollback_restores_replaced_objects_and_the_uid_index():
    s = Store(SimClock())
    a = s.put(Namespace(metadata={"name": "a"}))
    before = s.dump()
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.put(Namespace(metadata={"name": "a", "labels": {"x": "1"}}))
            s.remove("Namespace", "a", "")
            s.put(Namespace(metadata={"name": "b"}))
            raise RuntimeError("boom")
    assert s.dump() == before and s.read("Namespace", "a", "") is a
    assert s.key_for_uid(a.metadata.uid) == ("Namespace", "", "a")
    assert [k for k in s.keys()] == [("Namespace", "", "a")]


def test_mutation_detector_finds_in_place_changes():
    from k8snet.apiserver.store import MutationDetectedError

    s = Store(SimClock(), mutation_detector=True)
    stored = s.put(Namespace(metadata={"name": "a", "labels": {"k": "v"}}))
    s.check_mutations()
    stored.metadata.labels["k"] = "changed"  # a map inside a stored object: freezing cannot stop this
    with pytest.raises(MutationDetectedError, match="Namespace /a was changed in place"):
        s.check_mutations()


def test_transactional_random_draws_like_random_and_rolls_back():
    import random

    from k8snet.apiserver.store import TransactionalRandom

    rng, plain = TransactionalRandom("apiserver:0"), random.Random("apiserver:0")
    assert [rng.randrange(1000) for _ in range(5)] == [plain.randrange(1000) for _ in range(5)]
    s = Store(SimClock())
    s.join(rng)
    with pytest.raises(RuntimeError):
        with s.transaction():
            rng.getrandbits(63)
            raise RuntimeError("boom")
    assert rng.getrandbits(63) == plain.getrandbits(63)  # the draw inside the failed request was undone
    with s.transaction():
        pass  # nothing drawn: nothing saved
    assert rng._saved is None
