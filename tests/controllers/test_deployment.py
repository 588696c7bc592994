"""Deployment and ReplicaSet controllers.

Texts and names from kubernetes/kubernetes pkg/controller/deployment/sync.go ("Scaled %s replica set %s from
%d to %d"), pkg/controller/replicaset/replica_set.go ("Created pod: %s", "Deleted pod: %s"),
k8s.io/apimachinery/pkg/util/rand (SafeEncodeString alphabet) and the deletion ranking of
pkg/controller/controller_utils.go (ActivePodsWithRanks.Less).
"""

from datetime import timedelta

from k8snet.api.core_v1 import Pod
from k8snet.apiserver.naming import ALPHANUMS
from k8snet.controllers.deployment import compute_hash, deletion_rank, safe_encode
from k8snet.sim.cluster import Cluster

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx}
spec:
  replicas: %d
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: %s, ports: [{containerPort: 80}]}]}
"""


def test_safe_encode_alphabet():
    # SafeEncodeString maps by rune % len(alphanums)
    assert safe_encode("0") == ALPHANUMS[ord("0") % 27]
    assert set(safe_encode("4294967295")) <= set(ALPHANUMS)


def test_names_labels_and_events():
    c = Cluster(preset="minikube")
    c.apply(DEPLOY % (2, "nginx"))
    [rs] = c.replica_sets("default")
    dep = c.get("deploy", "nginx")
    h = compute_hash(dep.spec.template)
    assert rs.metadata.name == f"nginx-{h}"
    assert rs.metadata.labels["pod-template-hash"] == h
    assert rs.spec.selector.matchLabels == {"app": "nginx", "pod-template-hash": h}
    assert rs.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    pods = c.pods("default")
    assert len(pods) == 2
    for p in pods:
        assert p.metadata.name.startswith(rs.metadata.name + "-")
        suffix = p.metadata.name[len(rs.metadata.name) + 1 :]
        assert len(suffix) == 5 and set(suffix) <= set(ALPHANUMS)
        assert p.metadata.labels == {"app": "nginx", "pod-template-hash": h}
        assert p.metadata.ownerReferences[0].uid == rs.metadata.uid
    msgs = [(e.reason, e.message) for e in c.events("default")]
    assert ("ScalingReplicaSet", f"Scaled up replica set {rs.metadata.name} from 0 to 2") in msgs
    assert ("SuccessfulCreate", f"Created pod: {pods[0].metadata.name}") in msgs
    st = c.get("deploy", "nginx").status
    assert (st.replicas, st.readyReplicas, st.availableReplicas, st.updatedReplicas) == (2, 2, 2, 2)


def test_same_seed_same_names():
    names = []
    for _ in range(2):
        c = Cluster(preset="minikube", seed=4)
        c.apply(DEPLOY % (3, "nginx"))
        names.append(sorted(p.metadata.name for p in c.pods("default")))
    assert names[0] == names[1]


def test_scale_down_deletes_not_ready_first():
    c = Cluster(preset="minikube")
    c.apply(DEPLOY % (3, "nginx"))
    victim = c.pods("default")[1].metadata.name
    c.set_pod_ready(victim, False)
    c.scale("deployment", "nginx", 2)
    terminating = [p.metadata.name for p in c.pods("default") if p.metadata.deletionTimestamp is not None]
    assert terminating == [victim]
    rs = c.replica_sets("default")[0]
    msgs = [e.message for e in c.events("default")]
    assert f"Scaled down replica set {rs.metadata.name} from 3 to 2" in msgs
    assert f"Deleted pod: {victim}" in msgs


def test_deletion_rank_order():
    now = Cluster(preset="minikube").clock.now()

    def pod(name, node=None, phase="Running", ready=None, created=0):
        status = {"phase": phase}
        if ready is not None:
            status["conditions"] = [
                {
                    "type": "Ready",
                    "status": "True" if ready else "False",
                    "lastTransitionTime": now + timedelta(seconds=created),
                }
            ]
        return Pod(
            metadata={"name": name, "creationTimestamp": now + timedelta(seconds=created)},
            spec={"containers": [{"name": "c"}], **({"nodeName": node} if node else {})},
            status=status,
        )

    pods = [
        pod("ready-old", "n1", ready=True, created=0),
        pod("unscheduled", phase="Pending"),
        pod("pending", "n1", phase="Pending"),
        pod("not-ready", "n1", ready=False),
        pod("ready-new", "n1", ready=True, created=10),
    ]
    order = [p.metadata.name for p in sorted(pods, key=lambda p: deletion_rank(p, {"n1": 4}))]
    assert order == ["unscheduled", "pending", "not-ready", "ready-new", "ready-old"]


def test_rolling_update_replaces_all_pods():
    c = Cluster(preset="minikube")
    c.apply(DEPLOY % (4, "nginx:1.27"))
    old_rs = c.replica_sets("default")[0].metadata.name
    c.apply(DEPLOY % (4, "nginx:1.28"))
    rss = {r.metadata.name: r for r in c.replica_sets("default")}
    assert len(rss) == 2 and rss[old_rs].spec.replicas == 0
    new_rs = next(n for n in rss if n != old_rs)
    assert rss[new_rs].metadata.annotations["deployment.kubernetes.io/revision"] == "2"
    live = [p for p in c.pods("default") if p.metadata.deletionTimestamp is None]
    assert len(live) == 4 and all(p.metadata.name.startswith(new_rs) for p in live)
    msgs = [e.message for e in c.events("default", involved="nginx")]
    assert any(m.startswith(f"Scaled down replica set {old_rs} from 4 to ") for m in msgs)
    c.clock.advance(30)
    assert len(c.pods("default")) == 4


def test_deployment_conditions_and_revision_annotation():
    # SetDeploymentCondition appends the most recently changed condition last: a settled Deployment lists
    # Available (MinimumReplicasAvailable) then Progressing (NewReplicaSetAvailable), as kubectl describe shows.
    c = Cluster(preset="minikube")
    c.apply(DEPLOY % (2, "nginx"))
    dep = c.get("deploy", "nginx")
    rs = c.replica_sets("default")[0]
    assert [(x.type, x.status, x.reason, x.message) for x in dep.status.conditions] == [
        ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        (
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "{rs.metadata.name}" has successfully progressed.',
        ),
    ]
    assert dep.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
