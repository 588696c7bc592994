"""Valid but enormous counts cost bounded work per request (issue 10 part 5, issue 11 item 3).

The ReplicaSet controller creates or deletes at most ``burstReplicas`` (500) Pods per sync, creating them in
``slowStartBatch`` batches (kubernetes/kubernetes ``pkg/controller/replicaset/replica_set.go``), and every settle
of the controllers stops once its work budget (store writes) is spent; the rest goes on as the clock advances.
"""

from __future__ import annotations

import math

import pytest

from k8snet.controllers.deployment import BURST_REPLICAS, ReplicaSetController, slow_start_batch
from k8snet.errors import K8snetError
from k8snet.sim.cluster import WORK_BUDGET, Cluster

MAX_INT32 = 2**31 - 1
# the writes one Pod's creation makes before its scheduling (the create and its SuccessfulCreate event), and the
# most one ReplicaSet sync can make beyond the budget it started under: its creates and their events, the status
SYNC_OVERSHOOT = 2 * BURST_REPLICAS + 2


def replica_set_controller(cluster):
    return next(c for c in cluster.controllers if isinstance(c, ReplicaSetController))


def web(cluster, replicas=1):
    cluster.kubectl(f"create deployment web --image=nginx --replicas={replicas}")
    (rs,) = cluster.replica_sets("default")
    return rs.metadata.name


def active_pods(cluster):
    return [p for p in cluster.pods("default") if p.metadata.deletionTimestamp is None]


def created_events(cluster, rs_name):
    return [e for e in cluster.events("default", involved=rs_name) if e.reason == "SuccessfulCreate"]


# -- slowStartBatch ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "call_limit", "successes", "failed", "calls"),
    [
        # pkg/controller/replicaset/replica_set_test.go TestSlowStartBatch, its three cases
        (10, 0, 0, True, 1),  # "callLimit = 0 (all fail)": the function is called at least once
        (10, 10, 10, False, 10),  # "callLimit = count (all succeed)": 1 + 2 + 4 + 3
        (10, 5, 5, True, 7),  # "callLimit < count (some succeed)": 1 + 2 + 4
    ],
)
def test_slow_start_batch_upstream_cases(count, call_limit, successes, failed, calls):
    fake = K8snetError("fake error")
    made = []

    def fn():
        made.append(1)
        return fake if len(made) > call_limit else None

    got, err = slow_start_batch(count, 1, fn)
    assert (got, err is fake if failed else err is None, len(made)) == (successes, True, calls)


# -- burstReplicas ----------------------------------------------------------------------------------------------


def _pods_per_sync(cluster, monkeypatch):
    """The change in the number of active Pods each ReplicaSet sync makes."""
    changes = []
    original = ReplicaSetController.sync_one

    def recording(self, rs):
        before = len(active_pods(cluster))
        original(self, rs)
        after = len(active_pods(cluster))
        if after != before:
            changes.append(after - before)

    monkeypatch.setattr(ReplicaSetController, "sync_one", recording)
    return changes


@pytest.mark.parametrize(
    ("burst", "replicas", "creates", "deletes"),
    [
        # the burst sizes and counts of replica_set_test.go TestControllerBurstReplicas
        # (doTestControllerBurstReplicas(t, 5, 30), (t, 5, 12), (t, 3, 2)): scale up to the count, then to 0
        (5, 30, [5] * 6, [-5] * 6),
        (5, 12, [5, 5, 2], [-5, -5, -2]),
        (3, 2, [2], [-2]),
    ],
)
def test_a_replicaset_creates_and_deletes_at_most_burst_replicas_per_sync(
    monkeypatch, burst, replicas, creates, deletes
):
    c = Cluster(preset="minikube")
    replica_set_controller(c).burst_replicas = burst
    web(c, replicas=0)
    changes = _pods_per_sync(c, monkeypatch)
    c.kubectl(f"scale deployment web --replicas={replicas}")
    assert changes == creates  # every burst in a sync of its own, all within one write
    assert c.settled() and len(active_pods(c)) == replicas
    changes.clear()
    c.kubectl("scale deployment web --replicas=0")
    assert changes == deletes
    assert active_pods(c) == []


def test_default_burst_is_upstreams_and_a_thousand_replicas_still_settle_in_one_write():
    assert BURST_REPLICAS == 500  # replica_set.go BurstReplicas
    assert WORK_BUDGET >= 7 * 1000  # about seven writes per Pod: far above a 1,000-replica scale
    c = Cluster(nodes=12)
    rs_name = web(c, replicas=3)
    assert c.kubectl("scale deployment web --replicas=1000") == "deployment.apps/web scaled\n"
    assert c.settled()
    assert sum(1 for p in c.pods("default") if p.status.phase == "Running") == 1000
    assert c.get("rs", rs_name).status.readyReplicas == 1000


# -- the work budget ---------------------------------------------------------------------------------------------


def test_scale_to_max_int32_returns_after_bounded_work_and_continues_with_the_clock():
    c = Cluster()
    c.work_budget = 3000
    rs_name = web(c)
    rv = c.store.resource_version
    assert c.kubectl(f"scale deployment web --replicas={MAX_INT32}") == "deployment.apps/web scaled\n"
    # the write is applied whole; the controllers stopped once the budget was spent, a sync past it at most
    assert c.get("deploy", "web").spec.replicas == MAX_INT32
    assert c.get("rs", rs_name).spec.replicas == MAX_INT32
    written = c.store.resource_version - rv
    assert c.work_budget <= written <= c.work_budget + SYNC_OVERSHOOT
    assert not c.settled()
    first = len(c.pods("default"))
    assert 1 < first <= 1 + written // 2
    # every Pod came with its SuccessfulCreate event: no sync stopped half-way
    assert len(created_events(c, rs_name)) == first
    # kubectl shows what a real cluster shows mid-way: fewer current and ready than desired
    row = c.kubectl("get rs").splitlines()[1].split()
    desired, current, ready = int(row[1]), int(row[2]), int(row[3])
    assert desired == MAX_INT32 and current == c.get("rs", rs_name).status.replicas
    assert ready <= current < desired
    # sync.go: *(deployment.Spec.Replicas)+MaxSurge(*deployment) is an int32 sum, so the annotation wraps
    surge = math.ceil(MAX_INT32 * 25 / 100)
    max_replicas = (MAX_INT32 + surge) - 2**32
    assert c.get("rs", rs_name).metadata.annotations["deployment.kubernetes.io/max-replicas"] == str(
        max_replicas
    )

    # each advance of the clock settles again, with a budget of its own
    rv = c.store.resource_version
    c.clock.advance(1)
    written = c.store.resource_version - rv
    second = len(c.pods("default"))
    assert c.work_budget <= written <= c.work_budget + SYNC_OVERSHOOT
    assert first < second <= first + written // 2
    assert len(created_events(c, rs_name)) == second
    assert {p.metadata.ownerReferences[0].name for p in c.pods("default")} == {rs_name}

    # a later request is bounded likewise, and the cluster keeps answering
    assert c.kubectl("run p --image=nginx") == "pod/p created\n"
    assert c.get("pod", "p").metadata.name == "p"


def test_scaling_down_is_bounded_likewise():
    c = Cluster(nodes=4)
    replica_set_controller(c).burst_replicas = 50
    web(c)
    c.kubectl("scale deployment web --replicas=600")
    assert len(active_pods(c)) == 600
    c.work_budget = 1000
    rv = c.store.resource_version
    c.kubectl("scale deployment web --replicas=0")
    written = c.store.resource_version - rv
    deleted = 600 - len(active_pods(c))
    # a deletion is a write and an event; the kubelet's Killing events and the endpoint updates follow
    assert 0 < deleted < 600 and written <= c.work_budget + 2 * 50 + 2
    assert not c.settled()
    c.clock.advance(1)
    assert deleted < 600 - len(active_pods(c))
    while not c.settled():
        c.clock.advance(1)
    assert active_pods(c) == []
    c.clock.advance(30)  # the grace periods are over
    assert c.pods("default") == []


def test_a_budget_spent_mid_way_is_deterministic():
    def run():
        c = Cluster(seed=3)
        c.work_budget = 1500
        web(c)
        c.kubectl("scale deployment web --replicas=100000")
        c.clock.advance(1)
        return c.store.dump()

    assert run() == run()


def test_reconcile_without_a_bound_finishes_the_work():
    c = Cluster(preset="minikube")
    c.work_budget = 100
    replica_set_controller(c).burst_replicas = 20
    web(c, replicas=150)
    assert not c.settled() and len(c.pods("default")) < 150
    c.reconcile(budget=math.inf)
    assert c.settled() and len(active_pods(c)) == 150
    # one node holds at most 110 pods (kubelet's maxPods, status.allocatable.pods): the rest stay Pending
    system = sum(1 for p in c.pods() if p.metadata.namespace != "default")
    phases = [p.status.phase for p in c.pods("default")]
    assert (phases.count("Running"), phases.count("Pending")) == (110 - system, 150 - (110 - system))
