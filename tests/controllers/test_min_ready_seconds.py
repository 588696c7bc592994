"""``minReadySeconds``: a Pod counts as available once it has been Ready that long (``podutil.IsPodAvailable``),
and the ReplicaSet resyncs after ``minReadySeconds`` (``syncReplicaSet`` in
kubernetes/kubernetes ``pkg/controller/replicaset/replica_set.go``), on the simulated clock."""

from __future__ import annotations

from k8snet.sim.cluster import Cluster

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  minReadySeconds: 10
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""


def _available(c):
    rs = c.replica_sets("default")[0]
    return (
        rs.status.readyReplicas,
        rs.status.availableReplicas,
        c.get("Deployment", "web").status.availableReplicas,
    )


def test_pods_become_available_after_min_ready_seconds():
    c = Cluster()
    c.apply(DEPLOYMENT)
    assert _available(c) == (2, 0, 0)
    c.clock.advance(9)
    assert _available(c) == (2, 0, 0)
    c.clock.advance(1)  # the ReplicaSet's resync after minReadySeconds
    assert _available(c) == (2, 2, 2)
    assert c.next_wakeup() is None


def test_min_ready_seconds_zero_is_available_at_once():
    c = Cluster()
    c.apply(DEPLOYMENT.replace("minReadySeconds: 10", "minReadySeconds: 0"))
    assert _available(c) == (2, 2, 2)
