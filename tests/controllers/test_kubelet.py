"""Scheduler/kubelet stand-in: placement, pod IPs (host-local IPAM), status, readiness, termination.

Pod IP order follows containernetworking/plugins plugins/ipam/host-local (gateway .1 reserved, sequential
from the last reserved address); condition types and order as kubectl describe pod prints for v1.34.
"""

from k8snet.sim.cluster import Cluster

POD = """
apiVersion: v1
kind: Pod
metadata: {name: %s, labels: {app: web}}
spec: {containers: [{name: web, image: nginx}]}
"""


def test_spread_least_pods_then_name_and_control_plane_taint():
    c = Cluster()
    for i in range(4):
        c.apply(POD % f"p{i}")
    placed = {p.metadata.name: p.spec.nodeName for p in c.pods("default")}
    # the tainted control plane gets none; workers alternate by pod count then name
    assert placed == {"p0": "kind-worker", "p1": "kind-worker2", "p2": "kind-worker", "p3": "kind-worker2"}
    ips = {p.metadata.name: p.status.podIP for p in c.pods("default")}
    assert ips == {"p0": "10.244.1.2", "p1": "10.244.2.2", "p2": "10.244.1.3", "p3": "10.244.2.3"}


def test_status_fields():
    c = Cluster(preset="minikube")
    c.apply(POD % "web")
    p = c.get("pod", "web")
    assert p.status.phase == "Running" and p.status.hostIP == "192.168.49.2"
    assert p.status.podIP == "10.244.0.3"  # .1 gateway, .2 coredns
    assert [x.type for x in p.status.conditions] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    assert all(x.status == "True" for x in p.status.conditions)
    assert p.status.startTime == c.clock.now()
    reasons = [e.reason for e in c.events("default", involved="web")]
    assert reasons == ["Scheduled", "Created", "Started"]
    assert c.events("default", involved="web")[0].message == "Successfully assigned default/web to minikube"


def test_readiness_toggle():
    c = Cluster(preset="minikube")
    c.apply(POD % "web")
    p = c.set_pod_ready("web", False)
    conds = {x.type: x for x in p.status.conditions}
    assert conds["Ready"].status == "False" and conds["ContainersReady"].status == "False"
    assert conds["Ready"].reason == "ContainersNotReady"
    assert c.set_pod_ready("web", True).status.conditions[2].status == "True"


def test_termination_waits_for_grace_period_and_ip_reuse_is_sequential():
    c = Cluster(preset="minikube")
    c.apply(POD % "a")
    c.terminate_pod("a")
    p = c.get("pod", "a")
    assert p.metadata.deletionTimestamp is not None and p.metadata.deletionGracePeriodSeconds == 30
    c.clock.advance(29)
    assert [x.metadata.name for x in c.pods("default")] == ["a"]
    c.clock.advance(terminationGracePeriodSeconds=1)
    assert c.pods("default") == []
    c.apply(POD % "b")
    assert c.get("pod", "b").status.podIP == "10.244.0.4"  # host-local continues after the last one
