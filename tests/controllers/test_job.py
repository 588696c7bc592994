"""Job controller (NonIndexed) and the kubelet's way of ending a Pod.

Facts from kubernetes/kubernetes pkg/controller/job/job_controller.go (Pods ``<job>-<5 chars>`` from the template,
which carries the ``batch.kubernetes.io/job-name``/``controller-uid`` labels ``generateSelectorIfNeeded`` added;
at most ``parallelism`` active, ``completions`` successes; ``SuccessCriteriaMet`` then ``Complete`` with reason
``CompletionsReached`` and message "Reached expected number of succeeded pods"; the event ``Completed`` "Job
completed"; ``BackoffLimitExceeded`` "Job has reached the specified backoff limit"), and the kubelet's status of a
finished Pod (phase Succeeded/Failed, Ready False with reason ``PodCompleted``; kubectl prints ``Completed``).
"""

import pytest

from k8snet.errors import K8snetError, NotFoundError
from k8snet.sim.cluster import Cluster

JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: %s
  parallelism: %d
  backoffLimit: 1
  template:
    spec: {restartPolicy: Never, containers: [{name: pi, image: perl}]}
"""


def running(c):
    return sorted(p.metadata.name for p in c.pods("default") if p.status.phase == "Running")


def test_pods_labels_parallelism_and_completion():
    c = Cluster(preset="minikube")
    c.apply(JOB % (3, 2))
    job = c.get("job", "pi")
    pods = c.pods("default")
    assert len(pods) == 2
    for p in pods:
        assert p.metadata.name.startswith("pi-") and len(p.metadata.name) == 8
        labels = p.metadata.labels
        assert labels["batch.kubernetes.io/job-name"] == "pi" and labels["job-name"] == "pi"
        assert labels["batch.kubernetes.io/controller-uid"] == job.metadata.uid == labels["controller-uid"]
    assert (job.status.active, job.status.succeeded, job.status.ready) == (2, None, 2)
    c.finish_pod(running(c)[0])
    # one succeeded: a third Pod starts, still 2 active (min(parallelism, completions - succeeded))
    assert len(running(c)) == 2 and c.get("job", "pi").status.succeeded == 1
    c.finish_pod(running(c)[0])
    # 2 succeeded, 1 left to do: only one active
    assert len(running(c)) == 1
    c.clock.advance(seconds=10)
    c.finish_pod(running(c)[0])
    job = c.get("job", "pi")
    assert [(x.type, x.reason, x.message) for x in job.status.conditions] == [
        ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "CompletionsReached", "Reached expected number of succeeded pods"),
    ]
    assert (job.status.succeeded, job.status.active) == (3, None)
    assert job.status.completionTime is not None
    row = c.kubectl("get job pi").splitlines()[1].split()
    assert row[:4] == ["pi", "Complete", "3/3", "10s"]
    reasons = [(e.reason, e.message) for e in c.events(involved=job)]
    assert reasons[-1] == ("Completed", "Job completed")
    assert sum(1 for r, _ in reasons if r == "SuccessfulCreate") == 3
    pods = c.kubectl("get pods").splitlines()[1:]
    assert all(line.split()[1:3] == ["0/1", "Completed"] for line in pods)


def test_finished_pod_status_as_the_kubelet_reports_it():
    c = Cluster(preset="minikube")
    c.apply(JOB % (1, 1))
    [name] = running(c)
    pod = c.finish_pod(name)
    assert pod.status.phase == "Succeeded"
    conds = {x.type: (x.status, x.reason) for x in pod.status.conditions}
    assert conds["Ready"] == ("False", "PodCompleted") and conds["ContainersReady"] == (
        "False",
        "PodCompleted",
    )
    [cs] = pod.status.containerStatuses
    assert cs.state["terminated"]["reason"] == "Completed" and cs.state["terminated"]["exitCode"] == 0
    assert not cs.ready


def test_backoff_limit_fails_the_job():
    c = Cluster(preset="minikube")
    c.apply(JOB % (1, 1))
    c.finish_pod(running(c)[0], exit_code=1)
    # a failed Pod is replaced after the Pod failure back-off, 10 s (DefaultJobPodFailureBackOff)
    assert running(c) == []
    c.clock.advance(seconds=9)
    assert running(c) == []
    c.clock.advance(seconds=1)
    assert len(running(c)) == 1
    c.finish_pod(running(c)[0], exit_code=2)
    job = c.get("job", "pi")
    assert [(x.type, x.reason) for x in job.status.conditions] == [
        ("FailureTarget", "BackoffLimitExceeded"),
        ("Failed", "BackoffLimitExceeded"),
    ]
    assert job.status.failed == 2 and running(c) == []
    assert c.kubectl("get job pi").splitlines()[1].split()[1] == "Failed"
    assert ("BackoffLimitExceeded", "Job has reached the specified backoff limit") in [
        (e.reason, e.message) for e in c.events(involved=job)
    ]


def test_job_pod_seconds_ends_pods_on_the_clock():
    c = Cluster(preset="minikube")
    c.kubelet.job_pod_seconds = 30
    c.apply(JOB % (2, 1))
    c.clock.advance(seconds=29)
    assert c.get("job", "pi").status.succeeded is None
    c.clock.advance(seconds=1)
    assert c.get("job", "pi").status.succeeded == 1
    c.clock.advance(seconds=30)
    assert c.kubectl("get job pi").splitlines()[1].split()[1:4] == ["Complete", "2/2", "60s"]


def test_suspend_deletes_active_pods():
    c = Cluster(preset="minikube")
    c.apply(JOB % (1, 1))
    c.apply((JOB % (1, 1)).replace("backoffLimit: 1", "backoffLimit: 1\n  suspend: true"))
    assert all(p.metadata.deletionTimestamp is not None for p in c.pods("default"))


def test_finish_refuses_what_would_restart():
    c = Cluster(preset="minikube")
    c.kubectl("run web --image=nginx")
    with pytest.raises(K8snetError, match="restartPolicy Always"):
        c.finish_pod("web")
    with pytest.raises(NotFoundError):
        c.finish_pod("nope")


def test_a_finished_pod_is_deleted_at_once():
    # pkg/registry/core/pod/strategy.go CheckGracefulDelete: "if the pod is already terminated, delete immediately"
    c = Cluster(preset="minikube")
    c.apply(JOB % (1, 1))
    [name] = running(c)
    c.finish_pod(name)
    c.delete("pod", name)
    assert name not in [p.metadata.name for p in c.pods("default")]


def test_a_finished_pod_frees_its_address():
    # the kubelet tears a finished Pod's sandbox down (CNI DEL): host-local can hand its address out again
    c = Cluster(preset="minikube")
    c.apply(JOB % (2, 1))
    [first] = running(c)
    ip = c.get("pod", first).status.podIP
    c.finish_pod(first)
    assert c.get("pod", first).status.podIP == ip  # the status keeps it
    used = c.kubelet._ips["minikube"]
    assert ip not in used


@pytest.mark.parametrize("args", [("x", "0"), ("x", True), (1,), ("x", 0, None)])
def test_finish_pod_refuses_wrong_types_before_anything_changes(args):
    from k8snet.errors import ConfigError

    c = Cluster(preset="minikube")
    c.apply(JOB % (1, 1))
    before = c.store.resource_version
    with pytest.raises(ConfigError, match=r"Cluster\.finish_pod\("):
        c.finish_pod(*args)
    assert c.store.resource_version == before
