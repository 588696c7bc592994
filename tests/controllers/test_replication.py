"""ReplicaSet without a Deployment, and ReplicationController (pkg/controller/replicaset, pkg/controller/replication:
the same controller code on core/v1; events "Created pod: <name>" from ``replicaset-controller`` and
``replication-controller``)."""

from k8snet.sim.cluster import Cluster

RS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: frontend}
spec:
  replicas: 3
  selector: {matchLabels: {tier: frontend}}
  template:
    metadata: {labels: {tier: frontend}}
    spec: {containers: [{name: php, image: php}]}
"""
RC = """
apiVersion: v1
kind: ReplicationController
metadata: {name: nginx}
spec:
  replicas: 3
  selector: {app: nginx}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
"""


def test_standalone_replica_set():
    c = Cluster(preset="kind")
    c.apply(RS)
    pods = c.pods("default")
    assert len(pods) == 3 and all(p.metadata.name.startswith("frontend-") for p in pods)
    rs = c.get("rs", "frontend")
    assert (rs.status.replicas, rs.status.readyReplicas, rs.status.availableReplicas) == (3, 3, 3)
    assert {e.source.component for e in c.events(involved=rs)} == {"replicaset-controller"}
    assert c.kubectl("get rs frontend").splitlines()[1].split()[:4] == ["frontend", "3", "3", "3"]


def test_replication_controller_pods_status_events_and_scale():
    c = Cluster(preset="kind")
    c.apply(RC)
    pods = c.pods("default")
    assert len(pods) == 3 and all(p.metadata.name.startswith("nginx-") for p in pods)
    assert all(p.metadata.ownerReferences[0].kind == "ReplicationController" for p in pods)
    rc = c.get("rc", "nginx")
    assert (rc.status.replicas, rc.status.readyReplicas, rc.status.availableReplicas) == (3, 3, 3)
    assert rc.status.fullyLabeledReplicas == 3 and rc.status.observedGeneration == 1
    events = [(e.reason, e.message, e.source.component) for e in c.events(involved=rc)]
    assert sorted(events) == sorted(
        ("SuccessfulCreate", f"Created pod: {p.metadata.name}", "replication-controller") for p in pods
    )
    assert c.kubectl("get rc nginx").splitlines()[1].split()[:4] == ["nginx", "3", "3", "3"]
    c.scale("rc", "nginx", 1)
    assert sum(1 for p in c.pods("default") if p.metadata.deletionTimestamp is None) == 1
    # deleting the RC garbage-collects its Pods
    c.delete("rc", "nginx")
    assert all(p.metadata.deletionTimestamp is not None for p in c.pods("default"))


def test_replication_controller_availability_waits_for_min_ready_seconds():
    # the ReplicaSet controller's code, so minReadySeconds applies to an RC as to a ReplicaSet (IsPodAvailable)
    c = Cluster(preset="kind")
    c.apply(RC.replace("replicas: 3", "replicas: 3\n  minReadySeconds: 10"))
    rc = c.get("rc", "nginx")
    assert (rc.status.readyReplicas, rc.status.availableReplicas) == (3, 0)
    c.clock.advance(seconds=10)
    assert c.get("rc", "nginx").status.availableReplicas == 3
