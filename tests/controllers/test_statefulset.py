"""StatefulSet controller.

Facts from kubernetes/kubernetes pkg/controller/statefulset: stateful_set_utils.go (``getPodName``,
``initIdentity``: hostname, subdomain, the ``statefulset.kubernetes.io/pod-name`` and ``apps.kubernetes.io/pod-index``
labels; ``identityMatches``), stateful_set_utils_test.go (TestGetParentNameAndOrdinal, TestIsMemberOf,
TestIdentityMatches, transcribed below), stateful_set_control.go (``updateStatefulSet``: OrderedReady waits for
each Pod to be Running and Ready, condemned Pods go from the highest ordinal, a rolling update replaces the highest
ordinal first) and stateful_pod_control.go (``recordPodEvent``: "create Pod web-0 in StatefulSet web successful").
"""

import pytest

from k8snet.api.apps_v1 import StatefulSet
from k8snet.controllers.statefulset import (
    POD_INDEX_LABEL,
    POD_NAME_LABEL,
    REVISION_LABEL,
    get_parent_name_and_ordinal,
    identity_matches,
    is_member_of,
    new_stateful_set_pod,
)
from k8snet.sim.cluster import Cluster

HEADLESS = """
apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{name: web, port: 80}]
"""

STS = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: %d
  podManagementPolicy: %s
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: %s, ports: [{containerPort: 80, name: web}]}]}
"""


def sts_yaml(replicas=3, policy="OrderedReady", image="nginx"):
    return STS % (replicas, policy, image)


def new_stateful_set(replicas=3):
    # newStatefulSet in stateful_set_test.go: "foo" in the default namespace
    return StatefulSet(
        metadata={"name": "foo", "namespace": "default", "uid": "test"},
        spec={
            "replicas": replicas,
            "serviceName": "governingsvc",
            "selector": {"matchLabels": {"foo": "bar"}},
            "template": {
                "metadata": {"labels": {"foo": "bar"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
            },
        },
    )


# -- transcribed from stateful_set_utils_test.go ----------------------------------------------------------------


def test_get_parent_name_and_ordinal():
    sts = new_stateful_set(3)
    pod = new_stateful_set_pod(sts, 1, "rev")
    assert get_parent_name_and_ordinal(pod) == ("foo", 1)
    pod.metadata.name = "1-bar"
    assert get_parent_name_and_ordinal(pod) == ("", -1)


def test_is_member_of():
    sts, sts2 = new_stateful_set(3), new_stateful_set(3)
    sts2.metadata.name = "foo2"
    pod = new_stateful_set_pod(sts, 1, "rev")
    assert is_member_of(sts, pod)
    assert not is_member_of(sts2, pod)


def test_identity_matches():
    sts = new_stateful_set(3)
    pod = new_stateful_set_pod(sts, 1, "rev")
    assert identity_matches(sts, pod), "Newly created Pod has a bad identity"
    pod.metadata.name = "foo"
    assert not identity_matches(sts, pod), "identity matches for a Pod with the wrong name"
    pod = new_stateful_set_pod(sts, 1, "rev")
    pod.metadata.namespace = ""
    assert not identity_matches(sts, pod), "identity matches for a Pod with the wrong namespace"
    pod = new_stateful_set_pod(sts, 1, "rev")
    del pod.metadata.labels[POD_NAME_LABEL]
    assert not identity_matches(sts, pod), "identity matches for a Pod with the wrong statefulSetPodNameLabel"


def test_new_pod_identity():
    sts = new_stateful_set(3)
    pod = new_stateful_set_pod(sts, 2, "foo-abc")
    assert (pod.metadata.name, pod.spec.hostname, pod.spec.subdomain) == ("foo-2", "foo-2", "governingsvc")
    assert pod.metadata.labels[POD_NAME_LABEL] == "foo-2"
    assert pod.metadata.labels[POD_INDEX_LABEL] == "2"
    assert pod.metadata.labels[REVISION_LABEL] == "foo-abc"
    [ref] = pod.metadata.ownerReferences
    assert (ref.kind, ref.name, ref.controller, ref.blockOwnerDeletion) == ("StatefulSet", "foo", True, True)


# -- the controller in a cluster ----------------------------------------------------------------------------------


def test_ordinal_pods_labels_events_and_status():
    c = Cluster(preset="kind")
    c.apply(HEADLESS + "---" + sts_yaml(3))
    pods = c.pods("default")
    assert [p.metadata.name for p in pods] == ["web-0", "web-1", "web-2"]
    sts = c.get("sts", "web")
    for i, p in enumerate(pods):
        assert p.spec.hostname == f"web-{i}" and p.spec.subdomain == "nginx"
        assert p.metadata.labels[POD_INDEX_LABEL] == str(i)
        assert p.metadata.labels[REVISION_LABEL] == sts.status.updateRevision
    [cr] = c.api.list("ControllerRevision", "default")
    assert cr.metadata.name == sts.status.updateRevision and cr.metadata.name.startswith("web-")
    assert cr.metadata.labels["controller.kubernetes.io/hash"] == cr.metadata.name[len("web-") :]
    st = sts.status
    assert (st.replicas, st.readyReplicas, st.currentReplicas, st.updatedReplicas, st.availableReplicas) == (
        3,
        3,
        3,
        3,
        3,
    )
    assert st.currentRevision == st.updateRevision and st.observedGeneration == 1 and st.collisionCount == 0
    msgs = [(e.reason, e.message, e.source.component) for e in c.events(involved=sts)]
    assert msgs == [
        ("SuccessfulCreate", f"create Pod web-{i} in StatefulSet web successful", "statefulset-controller")
        for i in range(3)
    ]
    assert c.kubectl("get sts web").splitlines()[1].split()[:2] == ["web", "3/3"]


def test_ordered_ready_waits_for_each_pod():
    c = Cluster(preset="kind")
    c.apply(sts_yaml(2))
    c.set_pod_ready("web-1", False)
    c.scale("sts", "web", 4)
    # web-2 waits for web-1 to be Running and Ready
    assert [p.metadata.name for p in c.pods("default")] == ["web-0", "web-1"]
    assert c.get("sts", "web").status.readyReplicas == 1
    c.set_pod_ready("web-1", True)
    assert [p.metadata.name for p in c.pods("default")] == ["web-0", "web-1", "web-2", "web-3"]


def test_parallel_creates_all_at_once():
    c = Cluster(preset="kind")
    c.apply(sts_yaml(2, "Parallel"))
    c.set_pod_ready("web-1", False)
    c.scale("sts", "web", 4)
    assert [p.metadata.name for p in c.pods("default")] == ["web-0", "web-1", "web-2", "web-3"]


def test_scale_down_from_highest_ordinal_one_at_a_time():
    c = Cluster(preset="kind")
    c.apply(sts_yaml(3))
    c.scale("sts", "web", 1)
    terminating = [p.metadata.name for p in c.pods("default") if p.metadata.deletionTimestamp]
    assert terminating == ["web-2"]  # web-1 waits until web-2 is gone
    c.clock.advance(seconds=31)
    assert [p.metadata.name for p in c.pods("default") if p.metadata.deletionTimestamp] == ["web-1"]
    c.clock.advance(seconds=31)
    assert [p.metadata.name for p in c.pods("default")] == ["web-0"]
    deletes = [e.message for e in c.events(involved="web") if e.reason == "SuccessfulDelete"]
    assert deletes == [
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful",
    ]


def test_deleted_pod_comes_back_with_same_name_and_new_ip():
    c = Cluster(preset="kind")
    c.apply(HEADLESS + "---" + sts_yaml(2))
    before = c.get("pod", "web-0")
    c.delete("pod", "web-0")
    # while web-0 terminates, OrderedReady waits; then the same name comes back
    assert c.get("pod", "web-0").metadata.deletionTimestamp is not None
    c.clock.advance(seconds=31)
    after = c.get("pod", "web-0")
    assert after.metadata.uid != before.metadata.uid
    assert after.spec.hostname == "web-0"
    assert after.status.podIP != before.status.podIP
    answer = c.dns.query("web-0.nginx.default.svc.cluster.local", "A").answer
    assert [a.data for a in answer] == [after.status.podIP]


def test_headless_dns_per_pod_a_and_srv():
    c = Cluster(preset="kind")
    c.apply(HEADLESS + "---" + sts_yaml(3))
    ips = {p.metadata.name: p.status.podIP for p in c.pods("default")}
    for name, ip in ips.items():
        r = c.dns.query(f"{name}.nginx.default.svc.cluster.local", "A")
        assert r.rcode == "NOERROR" and [a.data for a in r.answer] == [ip]
    # the SRV record of the named port lists one target per pod, port 80 (dns spec: _<port>._<proto>.<svc>...)
    r = c.dns.query("_web._tcp.nginx.default.svc.cluster.local", "SRV")
    assert sorted(a.data.split()[2:] for a in r.answer) == [
        ["80", f"web-{i}.nginx.default.svc.cluster.local."] for i in range(3)
    ]
    assert c.dns.query("web-3.nginx.default.svc.cluster.local", "A").rcode == "NXDOMAIN"


def test_publish_not_ready_addresses_names_an_unready_pod():
    c = Cluster(preset="kind")
    c.apply(HEADLESS + "---" + sts_yaml(2))
    c.set_pod_ready("web-1", False)
    assert c.dns.query("web-1.nginx.default.svc.cluster.local", "A").rcode == "NXDOMAIN"
    svc = c.get("svc", "nginx")
    svc.spec.publishNotReadyAddresses = True
    c.api.update(svc)
    c.reconcile()
    r = c.dns.query("web-1.nginx.default.svc.cluster.local", "A")
    assert [a.data for a in r.answer] == [c.get("pod", "web-1").status.podIP]


def test_rolling_update_replaces_highest_ordinal_first():
    c = Cluster(preset="kind")
    c.apply(sts_yaml(3))
    old = c.get("sts", "web").status.currentRevision
    c.apply(sts_yaml(3, image="nginx:1.27"))
    sts = c.get("sts", "web")
    assert sts.status.updateRevision != old
    deleted = [e.message for e in c.events(involved="web") if e.reason == "SuccessfulDelete"]
    assert deleted == ["delete Pod web-2 in StatefulSet web successful"]
    for _ in range(3):
        c.clock.advance(seconds=31)
    sts = c.get("sts", "web")
    images = {p.metadata.name: p.spec.containers[0].image for p in c.pods("default")}
    assert images == {"web-0": "nginx:1.27", "web-1": "nginx:1.27", "web-2": "nginx:1.27"}
    assert sts.status.currentRevision == sts.status.updateRevision
    assert (sts.status.currentReplicas, sts.status.updatedReplicas) == (3, 3)
    deleted = [e.message.split()[2] for e in c.events(involved="web") if e.reason == "SuccessfulDelete"]
    assert deleted == ["web-2", "web-1", "web-0"]
    assert len(c.api.list("ControllerRevision", "default")) == 2


def test_deleting_the_statefulset_removes_its_pods():
    c = Cluster(preset="kind")
    c.apply(sts_yaml(2))
    c.delete("sts", "web")
    c.clock.advance(seconds=31)
    assert c.pods("default") == [] and c.api.list("ControllerRevision", "default") == []


def test_refused_pod_becomes_a_warning_event_not_an_error():
    c = Cluster(preset="kind")
    long_name = "w" * 62  # web pods named w...w-0 exceed the 63-character hostname label
    c.apply((sts_yaml(1)).replace("name: web", f"name: {long_name}", 1))
    assert c.pods("default") == []
    [ev] = [e for e in c.events(involved=long_name) if e.reason == "FailedCreate"]
    assert ev.type == "Warning"
    assert ev.message.startswith(f"create Pod {long_name}-0 in StatefulSet {long_name} failed error: ")


@pytest.mark.parametrize("seed", [0, 7])
def test_deterministic_for_a_seed(seed):
    def run():
        c = Cluster(preset="kind", seed=seed)
        c.apply(HEADLESS + "---" + sts_yaml(3))
        c.delete("pod", "web-1")
        c.clock.advance(seconds=31)
        return [(p.metadata.name, p.metadata.uid, p.status.podIP, p.spec.nodeName) for p in c.pods("default")]

    assert run() == run()


def test_huge_replicas_cost_bounded_work():
    # a valid but enormous replicas: the write returns once the settle's work budget is spent, with the Pods made
    # so far (batches of at most 500 in Parallel mode), and nothing allocated per ordinal
    c = Cluster(preset="kind")
    c.work_budget = 3000
    c.apply(sts_yaml(2147483647, "Parallel"))
    assert not c.settled()
    ordinals = sorted(int(p.metadata.name.rsplit("-", 1)[1]) for p in c.pods("default"))
    assert 0 < len(ordinals) <= 1000 and ordinals == list(range(len(ordinals)))  # the lowest ordinals first


def test_ordered_ready_stops_at_the_first_pod_that_cannot_run():
    # kind's two workers take 110 Pods each (maxPods): web-220 stays Pending, so OrderedReady creates no more
    c = Cluster(preset="kind")
    c.apply(sts_yaml(2147483647))
    assert c.settled()
    pods = c.pods("default")
    assert len(pods) == 221
    assert (
        c.get("pod", "web-220").status.phase == "Pending" and c.get("sts", "web").status.readyReplicas == 220
    )


def test_failed_pod_is_deleted_and_recreated_with_its_name():
    # processReplica: "if isFailed(replicas[i]) || isSucceeded(replicas[i])": delete, recreate on a later sync
    c = Cluster(preset="kind")
    c.apply(sts_yaml(2))
    pod = c.get("pod", "web-1")
    pod.status.phase = "Failed"
    c.api.update_status(pod)
    c.reconcile()
    new = c.get("pod", "web-1")
    assert new.metadata.uid != pod.metadata.uid and new.status.phase == "Running"
    msgs = [e.message for e in c.events(involved="web")]
    assert msgs[-2:] == [
        "delete Pod web-1 in StatefulSet web successful",
        "create Pod web-1 in StatefulSet web successful",
    ]


def test_rolling_update_with_partition_keeps_lower_ordinals():
    # updateStatefulSet: only ordinals >= partition are replaced; newVersionedStatefulSetPod recreates an ordinal
    # below the partition at the current revision (stateful_set_control_test.go: TestStatefulSetControlRollingUpdateWithPartition)
    c = Cluster(preset="kind")
    c.apply(sts_yaml(4))
    manifest = sts_yaml(4, image="nginx:1.27").replace(
        "podManagementPolicy: OrderedReady",
        "podManagementPolicy: OrderedReady\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}",
    )
    c.apply(manifest)
    for _ in range(3):
        c.clock.advance(seconds=31)
    images = {p.metadata.name: p.spec.containers[0].image for p in c.pods("default")}
    assert images == {"web-0": "nginx", "web-1": "nginx", "web-2": "nginx:1.27", "web-3": "nginx:1.27"}
    sts = c.get("sts", "web")
    assert (sts.status.currentReplicas, sts.status.updatedReplicas) == (2, 2)
    assert sts.status.currentRevision != sts.status.updateRevision
    # a deleted Pod below the partition comes back at the current revision
    c.delete("pod", "web-0")
    c.clock.advance(seconds=31)
    assert c.get("pod", "web-0").spec.containers[0].image == "nginx"


def test_on_delete_replaces_only_deleted_pods():
    on_delete = "podManagementPolicy: OrderedReady\n  updateStrategy: {type: OnDelete}"
    c = Cluster(preset="kind")
    c.apply(sts_yaml(2).replace("podManagementPolicy: OrderedReady", on_delete))
    c.apply(sts_yaml(2, image="nginx:1.27").replace("podManagementPolicy: OrderedReady", on_delete))
    c.clock.advance(seconds=31)
    assert {p.spec.containers[0].image for p in c.pods("default")} == {"nginx"}
    c.delete("pod", "web-1")
    c.clock.advance(seconds=31)
    images = {p.metadata.name: p.spec.containers[0].image for p in c.pods("default")}
    assert images == {"web-0": "nginx", "web-1": "nginx:1.27"}


def test_headless_dns_diagram_for_one_pod_name():
    from k8snet.views.lessons import COLORS, headless_dns_diagram

    c = Cluster(preset="kind")
    c.apply(HEADLESS + "---" + sts_yaml(3))
    pods = c.pods("default")
    g = headless_dns_diagram(
        c.get("svc", "nginx"), pods, c.endpoint_slices("default", "nginx"), hostname="web-1"
    )
    ip1 = c.get("pod", "web-1").status.podIP
    assert "1. A? web-1.nginx.default.svc.cluster.local" in g.source and f'"2. A {ip1}"' in g.source
    assert [line.split()[2] for line in g.body if line.strip().startswith("client -> pod_")] == ["pod_web_1"]
    # every Pod is ready: none is drawn as not ready, though only one is the answer
    assert COLORS["pod_not_ready"] not in g.source and "web-0.nginx" in g.source
