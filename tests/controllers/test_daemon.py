"""DaemonSet controller.

Facts from kubernetes/kubernetes pkg/controller/daemon: daemon_controller.go (``predicates``,
``NodeShouldRunDaemonPod``, ``syncNodes``), util/daemonset_util.go (``AddOrUpdateDaemonPodTolerations``,
``ReplaceDaemonSetPodNodeNameNodeAffinity``, ``GetTargetNodeName``), and daemon_controller_test.go
(TestNodeShouldRunDaemonPod: the predicate cases transcribed below, on a node labelled
``simpleDaemonSetLabel``). The ``externalTrafficPolicy: Local`` shares follow from kube-proxy's local endpoints.
"""

from fractions import Fraction

import pytest

from k8snet.api.core_v1 import Node, Pod
from k8snet.controllers.daemon import (
    add_or_update_daemon_pod_tolerations,
    get_target_node_name,
    node_should_run_daemon_pod,
    replace_daemon_set_pod_node_name_node_affinity,
)
from k8snet.sim.cluster import Cluster
from k8snet.sim.traffic import nodeport_entries

SIMPLE = {"name": "simple-daemon", "type": "production"}
SIMPLE2 = {"name": "simple-daemon", "type": "test"}


def _pod(**spec):
    pod = Pod(
        metadata={"name": "p", "labels": SIMPLE}, spec={"containers": [{"name": "c", "image": "i"}], **spec}
    )
    add_or_update_daemon_pod_tolerations(pod.spec)
    return pod


def _affinity(value):
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "type", "operator": "In", "values": [value]}]}
                ]
            }
        }
    }


@pytest.mark.parametrize(
    ("name", "spec", "unschedulable", "want"),
    [
        ("ShouldRunDaemonPod", {}, False, (True, True)),
        ("ErrPodNotMatchHostName", {"nodeName": "other-node"}, False, (False, False)),
        ("ErrNodeSelectorNotMatch", {"nodeSelector": SIMPLE2}, False, (False, False)),
        ("ShouldRunDaemonPod (nodeSelector)", {"nodeSelector": SIMPLE}, False, (True, True)),
        ("ErrPodAffinityNotMatch", {"affinity": _affinity("test")}, False, (False, False)),
        ("ShouldRunDaemonPod (affinity)", {"affinity": _affinity("production")}, False, (True, True)),
        ("ShouldRunDaemonPodOnUnschedulableNode", {}, True, (True, True)),
    ],
)
def test_node_should_run_daemon_pod(name, spec, unschedulable, want):
    node = Node(metadata={"name": "test-node", "labels": SIMPLE}, spec={"unschedulable": unschedulable})
    assert node_should_run_daemon_pod(_pod(**spec), node) == want, name


@pytest.mark.parametrize(
    ("effect", "tolerated", "want"),
    [
        # an untolerated NoSchedule taint: no new Pod, but one already there keeps running
        ("NoSchedule", False, (False, True)),
        # an untolerated NoExecute taint evicts: neither
        ("NoExecute", False, (False, False)),
        ("NoSchedule", True, (True, True)),
    ],
)
def test_taints(effect, tolerated, want):
    node = Node(metadata={"name": "n"}, spec={"taints": [{"key": "k", "value": "v", "effect": effect}]})
    spec = (
        {"tolerations": [{"key": "k", "operator": "Equal", "value": "v", "effect": effect}]}
        if tolerated
        else {}
    )
    assert node_should_run_daemon_pod(_pod(**spec), node) == want


def test_daemon_tolerations_in_upstream_order():
    pod = _pod()
    assert [(t["key"], t["operator"], t["effect"]) for t in pod.spec.tolerations] == [
        ("node.kubernetes.io/not-ready", "Exists", "NoExecute"),
        ("node.kubernetes.io/unreachable", "Exists", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "Exists", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "Exists", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "Exists", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "Exists", "NoSchedule"),
    ]
    # a toleration the template already has is replaced in place, not added twice
    pod = _pod(
        tolerations=[{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]
    )
    assert [t["key"] for t in pod.spec.tolerations].count("node.kubernetes.io/unreachable") == 1


def test_node_name_affinity_replaces_required_terms_only():
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": []}]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1}],
        }
    }
    out = replace_daemon_set_pod_node_name_node_affinity(affinity, "node-1")
    assert out["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"] == [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-1"]}]}
    ]
    assert out["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] == [{"weight": 1}]
    pod = Pod(metadata={"name": "p"}, spec={"containers": [{"name": "c", "image": "i"}], "affinity": out})
    assert get_target_node_name(pod) == "node-1"


DS = """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: %s, ports: [{containerPort: 80}]}]
%s
"""
LOCAL_SVC = """
apiVersion: v1
kind: Service
metadata: {name: agent}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: agent}
  ports: [{port: 80}]
"""
TOLERATE_CP = """      tolerations:
      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}"""


def test_one_pod_per_worker_not_on_the_tainted_control_plane():
    c = Cluster(preset="kind", nodes=4)
    c.apply(DS % ("nginx", ""))
    pods = c.pods("default")
    assert sorted(p.spec.nodeName for p in pods) == ["kind-worker", "kind-worker2", "kind-worker3"]
    for p in pods:
        assert p.metadata.name.startswith("agent-") and len(p.metadata.name) == len("agent-") + 5
        assert get_target_node_name(p) == p.spec.nodeName
        assert p.metadata.labels["pod-template-generation"] == "1"
    ds = c.get("ds", "agent")
    st = ds.status
    assert (st.desiredNumberScheduled, st.currentNumberScheduled, st.numberReady, st.numberMisscheduled) == (
        3,
        3,
        3,
        0,
    )
    assert (st.updatedNumberScheduled, st.numberAvailable, st.numberUnavailable) == (3, 3, None)
    events = [(e.reason, e.message, e.source.component) for e in c.events(involved=ds)]
    assert sorted(events) == sorted(
        ("SuccessfulCreate", f"Created pod: {p.metadata.name}", "daemonset-controller") for p in pods
    )
    row = c.kubectl("get ds agent").splitlines()[1].split()
    assert row[:6] == ["agent", "3", "3", "3", "3", "3"]


def test_tolerating_the_control_plane_taint_adds_its_node():
    c = Cluster(preset="kind")
    c.apply(DS % ("nginx", TOLERATE_CP))
    assert sorted(p.spec.nodeName for p in c.pods("default")) == [
        "kind-control-plane",
        "kind-worker",
        "kind-worker2",
    ]


def test_nodes_joining_and_labels_changing():
    c = Cluster(preset="kind")
    c.apply((DS % ("nginx", "")).replace("containers:", "nodeSelector: {disk: ssd}\n      containers:"))
    assert c.pods("default") == []
    c.label("node", "kind-worker", {"disk": "ssd"})
    assert [p.spec.nodeName for p in c.pods("default")] == ["kind-worker"]
    c.label("node", "kind-worker", {"disk": None})
    assert [p.metadata.deletionTimestamp is not None for p in c.pods("default")] == [True]
    assert c.get("ds", "agent").status.desiredNumberScheduled == 0


def test_external_traffic_policy_local_each_node_serves_its_own_pod():
    c = Cluster(preset="kind", nodes=4)
    c.apply(DS % ("nginx", "") + "---" + LOCAL_SVC)
    pod_on = {p.spec.nodeName: p.metadata.name for p in c.pods("default")}
    for entry in nodeport_entries(c, "agent"):
        if entry.node == "kind-control-plane":
            # no DaemonSet Pod there: Local policy drops rather than forwarding to another node
            assert entry.shares == {} and entry.dropped == 1 and entry.verdict == "DROP"
        else:
            assert entry.shares == {f"default/{pod_on[entry.node]}": Fraction(1)} and entry.dropped == 0


def test_rolling_update_one_node_at_a_time():
    c = Cluster(preset="kind", nodes=4)
    c.apply(DS % ("nginx", ""))
    old = {p.metadata.name for p in c.pods("default")}
    c.apply(DS % ("nginx:1.27", ""))
    terminating = [p for p in c.pods("default") if p.metadata.deletionTimestamp]
    assert len(terminating) == 1  # maxUnavailable 1
    for _ in range(4):
        c.clock.advance(seconds=31)
    pods = c.pods("default")
    assert len(pods) == 3 and not {p.metadata.name for p in pods} & old
    assert {p.spec.containers[0].image for p in pods} == {"nginx:1.27"}
    assert c.get("ds", "agent").status.updatedNumberScheduled == 3


def test_deterministic_for_a_seed():
    def run():
        c = Cluster(preset="kind", nodes=4, seed=3)
        c.apply(DS % ("nginx", ""))
        return [(p.metadata.name, p.spec.nodeName, p.status.podIP) for p in c.pods("default")]

    assert run() == run()


def test_local_load_balancer_health_checks_follow_the_daemon_pods():
    # kube-proxy's per-Service health server (pkg/proxy/healthcheck/service_health.go): 200 with the number of
    # local endpoints as X-Load-Balancing-Endpoint-Weight, 503 on a node with none
    from k8snet.sim.traffic import health_checks

    c = Cluster(preset="kind", nodes=4)
    c.apply(DS % ("nginx", "") + "---" + LOCAL_SVC.replace("NodePort", "LoadBalancer"))
    lines = health_checks(c, "agent").splitlines()
    by_node = {line.split("(")[-1].rstrip(")"): line.split()[2:5] for line in lines}
    assert by_node["kind-control-plane"] == ["503", "X-Load-Balancing-Endpoint-Weight:", "0"]
    for node in ("kind-worker", "kind-worker2", "kind-worker3"):
        assert by_node[node] == ["200", "X-Load-Balancing-Endpoint-Weight:", "1"]
    # a DaemonSet that also tolerates the control plane's taint makes every node healthy
    c.apply(DS % ("nginx", TOLERATE_CP))
    # (the new template rolls out node by node: a node whose Pod is being replaced has no ready local endpoint)
    assert " 200 " in health_checks(c, "agent").splitlines()[0]
    for _ in range(4):
        c.clock.advance(seconds=31)
    assert all(" 200 " in line for line in health_checks(c, "agent").splitlines())


def test_a_pod_whose_node_affinity_no_node_matches_is_unschedulable():
    # kube-scheduler's NodeAffinity filter counts required node affinity as it counts nodeSelector
    c = Cluster(preset="kind")
    c.apply(
        """
apiVersion: v1
kind: Pod
metadata: {name: pinned}
spec:
  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
    {matchFields: [{key: metadata.name, operator: In, values: [no-such-node]}]}]}}}
  containers: [{name: c, image: nginx}]
"""
    )
    pod = c.get("pod", "pinned")
    assert pod.spec.nodeName is None
    [ev] = [e for e in c.events(involved=pod) if e.reason == "FailedScheduling"]
    assert ev.message == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.."
    )
