"""``kubectl rollout restart|status|history`` (k8snet.kubectl.rollout).

The status viewers' cases are transcribed from kubernetes/kubernetes
``staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status_test.go`` (TestDeploymentStatusViewerStatus,
TestDaemonSetStatusViewerStatus, TestStatefulSetStatusViewerStatus,
TestDaemonSetStatusViewerStatusWithWrongUpdateStrategyType). The command texts follow ``pkg/cmd/rollout`` and
``polymorphichelpers/objectrestarter.go``, ``history.go``; kubectl's ``apps.GroupKindElement.Accept`` for the
history errors.
"""

from __future__ import annotations

import pytest

from k8snet.api.apps_v1 import DaemonSet, Deployment, StatefulSet
from k8snet.errors import KubectlError
from k8snet.kubectl.rollout import (
    RESTARTED_AT,
    daemon_set_status,
    deployment_status,
    parse_go_duration,
    stateful_set_status,
)
from k8snet.sim.cluster import Cluster

# --- rollout_status_test.go -----------------------------------------------------------------------------------

DEPLOYMENT_CASES = [
    # name, generation, specReplicas, (observedGeneration, replicas, updated, available, unavailable), msg, done
    ("test1", 0, 1, (1, 1, 0, 1, 0), 'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...\n', False),
    ("test2", 1, 1, (1, 2, 1, 2, 0), 'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...\n', False),
    ("test3", 1, 2, (1, 2, 2, 1, 1), 'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...\n', False),
    ("test4", 1, 2, (1, 2, 2, 2, 0), 'deployment "foo" successfully rolled out\n', True),
    ("test5", 2, 2, (1, 2, 2, 2, 0), "Waiting for deployment spec update to be observed...\n", False),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,generation,spec,status,msg,done", DEPLOYMENT_CASES, ids=[c[0] for c in DEPLOYMENT_CASES]
)
def test_deployment_status_viewer(name, generation, spec, status, msg, done):
    observed, replicas, updated, available, unavailable = status
    d = Deployment.model_validate(
        {
            "metadata": {"namespace": "bar", "name": "foo", "generation": generation},
            "spec": {"replicas": spec},
            "status": {
                "observedGeneration": observed,
                "replicas": replicas,
                "updatedReplicas": updated,
                "availableReplicas": available,
                "unavailableReplicas": unavailable,
            },
        }
    )
    assert deployment_status(d, 0) == (msg, done)


DAEMON_SET_CASES = [
    ("test1", 0, (1, 0, 1, 0), 'Waiting for daemon set "foo" rollout to finish: 0 out of 1 new pods have been updated...\n', False),
    ("test2", 1, (1, 2, 2, 1), 'Waiting for daemon set "foo" rollout to finish: 1 of 2 updated pods are available...\n', False),
    ("test3", 1, (1, 2, 2, 2), 'daemon set "foo" successfully rolled out\n', True),
    ("test4", 2, (1, 2, 2, 2), "Waiting for daemon set spec update to be observed...\n", False),
]  # fmt: skip


def _daemon_set(generation, status, strategy="RollingUpdate"):
    observed, updated, desired, available = status
    return DaemonSet.model_validate(
        {
            "metadata": {"namespace": "bar", "name": "foo", "generation": generation},
            "spec": {"updateStrategy": {"type": strategy}},
            "status": {
                "observedGeneration": observed,
                "updatedNumberScheduled": updated,
                "desiredNumberScheduled": desired,
                "numberAvailable": available,
                "currentNumberScheduled": 0,
                "numberMisscheduled": 0,
                "numberReady": 0,
            },
        }
    )


@pytest.mark.parametrize(
    "name,generation,status,msg,done", DAEMON_SET_CASES, ids=[c[0] for c in DAEMON_SET_CASES]
)
def test_daemon_set_status_viewer(name, generation, status, msg, done):
    assert daemon_set_status(_daemon_set(generation, status), 0) == (msg, done)


def test_daemon_set_status_viewer_with_wrong_update_strategy_type():
    with pytest.raises(KubectlError) as err:
        daemon_set_status(_daemon_set(0, (0, 0, 0, 0), strategy="OnDelete"), 0)
    assert str(err.value) == "error: rollout status is only available for RollingUpdate strategy type"


STATEFUL_SET_CASES = [
    # name, generation, strategy, (observedGeneration, replicas, ready, current, updated, currentRev, updateRev),
    # msg (None: an error), done
    ("on delete returns an error", 1, {"type": "OnDelete"}, (1, 0, 1, 0, 0, "", ""), None, True),
    ("unobserved update is not complete", 2, {"type": "RollingUpdate"}, (1, 3, 3, 3, 0, "", ""),
     "Waiting for statefulset spec update to be observed...\n", False),
    ("if all pods are not ready the update is not complete", 1, {"type": "RollingUpdate"}, (2, 3, 2, 3, 0, "", ""),
     "Waiting for 1 pods to be ready...\n", False),
    ("partition update completes when all replicas above the partition are updated", 1,
     {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}, (2, 3, 3, 2, 1, "", ""),
     "partitioned roll out complete: 1 new pods have been updated...\n", True),
    ("partition update is in progress if all pods above the partition have not been updated", 1,
     {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}, (2, 3, 3, 3, 0, "", ""),
     "Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...\n", False),
    ("update completes when all replicas are current", 1, {"type": "RollingUpdate"}, (2, 3, 3, 3, 3, "foo", "foo"),
     "statefulset rolling update complete 3 pods at revision foo...\n", True),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,generation,strategy,status,msg,done", STATEFUL_SET_CASES, ids=[c[0] for c in STATEFUL_SET_CASES]
)
def test_stateful_set_status_viewer(name, generation, strategy, status, msg, done):
    observed, replicas, ready, current, updated, current_rev, update_rev = status
    s = StatefulSet.model_validate(
        {
            "metadata": {
                "namespace": "default",
                "name": "foo",
                "labels": {"a": "b"},
                "generation": generation,
            },
            "spec": {"replicas": 3, "selector": {"matchLabels": {"a": "b"}}, "updateStrategy": strategy},
            "status": {
                "observedGeneration": observed,
                "replicas": replicas,
                "readyReplicas": ready,
                "currentReplicas": current,
                "updatedReplicas": updated,
                "currentRevision": current_rev,
                "updateRevision": update_rev,
            },
        }
    )
    if msg is None:
        with pytest.raises(KubectlError, match="only available for RollingUpdate strategy type"):
            stateful_set_status(s, 0)
    else:
        got_msg, got_done = stateful_set_status(s, 0)
        assert got_msg == msg
        assert not (got_done and not done)  # upstream checks only that done is not reported too early


# --- the commands on a cluster --------------------------------------------------------------------------------


@pytest.fixture
def cluster():
    c = Cluster()
    c.kubectl("create deployment web --image=nginx --replicas=3 --port=8080")
    c.kubectl("expose deployment web --port=80 --target-port=8080")
    return c


def _conditions(c):
    out = {}
    for s in c.endpoint_slices("default", "web"):
        for e in s.endpoints or []:
            cond = e.conditions
            out[e.targetRef.name] = (cond.ready, cond.serving, cond.terminating)
    return out


def test_restart_sets_restarted_at_from_the_simulated_clock(cluster):
    cluster.clock.advance(seconds=42)
    assert cluster.kubectl("rollout restart deployment/web") == "deployment.apps/web restarted\n"
    template = cluster.get("Deployment", "web").spec.template
    # time.Now().Format(time.RFC3339) of the clock (UTC): 2026-01-01T00:00:42Z
    assert template.metadata.annotations == {RESTARTED_AT: "2026-01-01T00:00:42Z"}
    assert cluster.get("Deployment", "web").metadata.annotations["deployment.kubernetes.io/revision"] == "2"


def test_restart_twice_in_one_second_is_an_empty_patch(cluster):
    cluster.kubectl("rollout restart deployment web")
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout restart deployment web")
    # rollout_restart.go: the empty patch is reported, still sent, and the object printed
    assert err.value.stdout == "deployment.apps/web restarted\n"
    assert str(err.value) == "error: failed to create patch for web: empty patch"
    cluster.clock.advance(1)
    assert cluster.kubectl("rollout restart deployment web") == "deployment.apps/web restarted\n"


def test_restart_of_a_type_restarts_every_object_of_it(cluster):
    cluster.kubectl("create deployment api --image=nginx")
    assert cluster.kubectl("rollout restart deployment") == (
        "deployment.apps/api restarted\ndeployment.apps/web restarted\n"
    )


def test_restart_refuses_paused_deployments_and_other_kinds(cluster):
    dep = cluster.get("Deployment", "web").model_copy(deep=True)
    dep.spec.paused = True
    cluster.api.update(dep)
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout restart deployment/web")
    assert str(err.value) == (
        'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)'
    )
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout restart svc/web")
    assert str(err.value) == 'error: services "web" restarting is not supported'
    with pytest.raises(
        KubectlError, match=r"^Error from server \(NotFound\): deployments.apps \"nope\" not found$"
    ):
        cluster.kubectl("rollout restart deployment/nope")
    with pytest.raises(KubectlError, match="^error: required resource not specified$"):
        cluster.kubectl("rollout restart")


def test_a_rollout_keeps_the_old_endpoints_serving_and_terminating_for_the_grace_period(cluster):
    old = {p.metadata.name for p in cluster.pods("default", {"app": "web"})}
    cluster.kubectl("rollout restart deployment/web")
    conditions = _conditions(cluster)
    new = set(conditions) - old
    assert len(new) == 3 and old <= set(conditions)
    # podToEndpoint (staging/src/k8s.io/endpointslice/utils.go): a deleted pod that is still Ready is
    # ready=false, serving=true, terminating=true until the kubelet removes it
    assert {conditions[n] for n in old} == {(False, True, True)}
    assert {conditions[n] for n in new} == {(True, True, False)}
    cluster.clock.advance(29)
    assert {_conditions(cluster)[n] for n in old} == {(False, True, True)}
    cluster.clock.advance(1)  # terminationGracePeriodSeconds 30: the kubelet removes the pods
    assert set(_conditions(cluster)) == new


def test_status_prints_kubectls_lines(cluster):
    cluster.kubectl("rollout restart deployment/web")
    assert cluster.kubectl("rollout status deployment/web") == 'deployment "web" successfully rolled out\n'
    new = sorted(
        p.metadata.name
        for p in cluster.pods("default", {"app": "web"})
        if p.metadata.deletionTimestamp is None
    )
    cluster.set_pod_ready(new[0], False)
    line = 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n'
    assert cluster.kubectl("rollout status deployment/web --watch=false") == line
    before = cluster.clock.now()
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout status deployment/web --timeout=45s")
    # the old pods' grace period ends on the way (one more event), then nothing changes until the deadline
    assert err.value.stdout == line and str(err.value) == "error: timed out waiting for the condition"
    assert (cluster.clock.now() - before).total_seconds() == 45
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout status deployment/web")
    assert err.value.stdout == line and "kubectl would wait here forever" in str(err.value)


def test_status_waits_on_the_simulated_clock_until_the_rollout_is_done(cluster):
    cluster.kubectl("scale deployment web --replicas=2")  # one pod terminating for 30 s
    cluster.kubectl("rollout restart deployment/web")
    dep = cluster.get("Deployment", "web")
    assert (dep.status.replicas, dep.status.updatedReplicas) == (2, 2)
    assert cluster.kubectl("rollout status deploy/web") == 'deployment "web" successfully rolled out\n'


def test_status_errors_in_kubectls_words(cluster):
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout status svc/web")
    assert str(err.value) == "error: no status viewer has been implemented for Service"
    cluster.kubectl("create deployment api --image=nginx")
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout status deployment")
    assert str(err.value) == (
        "error: rollout status is only supported on individual resources and resource collections - "
        "2 resources were found"
    )
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout status deployment/web --revision=5")
    assert str(err.value) == "error: desired revision (5) is different from the running revision (1)"
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout status deployment/web --timeout=30")
    assert str(err.value) == (
        'error: invalid argument "30" for "--timeout" flag: time: missing unit in duration "30"\n'
        "See 'kubectl rollout status --help' for usage."
    )
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout frobnicate deployment/web")
    assert str(err.value) == (
        "error: unknown command \"frobnicate deployment/web\"\nSee 'kubectl rollout -h' for help and examples"
    )


def test_history_table_and_revision(cluster):
    cluster.kubectl("rollout restart deployment/web")
    assert cluster.kubectl("rollout history deployment/web") == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    )
    detail = cluster.kubectl("rollout history deployment/web --revision=2")
    assert detail.startswith("deployment.apps/web with revision #2\nPod Template:\n")
    assert f"{RESTARTED_AT}: 2026-01-01T00:00:00Z" in detail
    with pytest.raises(KubectlError, match="^error: unable to find the specified revision$"):
        cluster.kubectl("rollout history deployment/web --revision=3")


def test_history_errors_for_kinds_without_a_viewer(cluster):
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("rollout history svc/web")
    assert (
        str(err.value)
        == 'error: error retrieving history for "Service", no visitor method exists for { Service}'
    )
    rs = cluster.replica_sets("default")[0].metadata.name
    with pytest.raises(KubectlError) as err:
        cluster.kubectl(f"rollout history rs/{rs}")
    assert str(err.value) == 'error: no history viewer has been implemented for "ReplicaSet.apps"'


@pytest.mark.parametrize(
    "text,seconds",
    [("0", 0.0), ("30s", 30.0), ("1m30s", 90.0), ("1.5h", 5400.0), ("500ms", 0.5), ("-2s", -2.0)],
)
def test_go_durations(text, seconds):
    assert parse_go_duration(text) == seconds


@pytest.mark.parametrize(
    "text,error",
    [
        ("", 'time: invalid duration ""'),
        ("abc", 'time: invalid duration "abc"'),
        ("30", 'time: missing unit in duration "30"'),
        ("3x", 'time: unknown unit "x" in duration "3x"'),
    ],
)
def test_go_duration_errors(text, error):
    with pytest.raises(ValueError) as err:
        parse_go_duration(text)
    assert str(err.value) == error


SLOW_WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  minReadySeconds: 10
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
"""


def test_status_follows_a_rollout_with_min_ready_seconds_on_the_simulated_clock():
    c = Cluster()
    c.apply(SLOW_WEB)
    # podutil.IsPodAvailable: Ready for minReadySeconds before a Pod counts as available
    assert c.get("Deployment", "web").status.availableReplicas == 0
    assert c.kubectl("rollout status deployment/web") == (
        'Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...\n'
        'deployment "web" successfully rolled out\n'
    )
    start = c.clock.now()
    c.kubectl("rollout restart deployment/web")
    # rolling.go with 3 replicas: maxSurge 1, maxUnavailable 0, so one new Pod at a time, each available 10 s
    # after it is Ready, then one old Pod scaled down
    assert c.kubectl("rollout status deployment/web") == (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n'
        'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...\n'
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n'
        'deployment "web" successfully rolled out\n'
    )
    assert (c.clock.now() - start).total_seconds() == 30
    old = sorted(
        (p.metadata.deletionTimestamp - start).total_seconds()
        for p in c.pods("default", {"app": "web"})
        if p.metadata.deletionTimestamp is not None
    )
    assert old == [40.0, 50.0, 60.0]  # scaled down at 10, 20 and 30 s, each with a 30 s grace period


def test_status_watch_false_during_a_slow_rollout():
    c = Cluster()
    c.apply(SLOW_WEB)
    c.clock.advance(10)
    c.kubectl("rollout restart deployment/web")
    assert c.kubectl("rollout status deployment/web -w=false") == (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n'
    )
    with pytest.raises(KubectlError) as err:
        c.kubectl("rollout status deployment/web --timeout=15s")
    assert err.value.stdout == (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n'
        'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...\n'
    )
    assert str(err.value) == "error: timed out waiting for the condition"


def test_rollout_in_another_namespace():
    c = Cluster()
    c.kubectl("create namespace shop")
    c.kubectl("create deployment web --image=nginx -n shop")
    assert c.kubectl("-n shop rollout restart deployment/web") == "deployment.apps/web restarted\n"
    assert c.kubectl("rollout status deployment/web -n shop") == 'deployment "web" successfully rolled out\n'
    with pytest.raises(KubectlError, match='deployments.apps "web" not found'):
        c.kubectl("rollout status deployment/web")


def _web(image: str, cause: str) -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {{kubernetes.io/change-cause: "{cause}"}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: web, image: "{image}"}}]}}
"""


def test_history_shows_the_change_cause_each_replica_set_was_created_with():
    # deployment_util.go copyDeploymentAnnotationsToReplicaSet: the Deployment's annotations (but the skipped
    # ones: last-applied, revision, revision-history, desired/max replicas) go to its new ReplicaSet, and
    # kubectl's history viewer reads kubernetes.io/change-cause from each ReplicaSet
    c = Cluster()
    c.kubectl("apply -f -", stdin=_web("nginx:1.27", "first"))
    c.kubectl("apply -f -", stdin=_web("nginx:1.28", "upgrade to 1.28"))
    assert c.kubectl("rollout history deployment/web") == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         first\n2         upgrade to 1.28\n\n"
    )
    for rs in c.replica_sets("default"):
        ann = rs.metadata.annotations
        assert "kubectl.kubernetes.io/last-applied-configuration" not in ann
        assert ann["deployment.kubernetes.io/revision"] in ("1", "2")


def test_going_back_to_an_old_template_raises_its_replica_sets_revision_and_keeps_the_old_one_in_history():
    # getNewReplicaSet + SetNewReplicaSetAnnotations: the existing ReplicaSet of the template becomes the new one
    # with revision max(old)+1, its former revision in deployment.kubernetes.io/revision-history
    c = Cluster()
    c.kubectl("apply -f -", stdin=_web("nginx:1.27", "one"))
    c.kubectl("apply -f -", stdin=_web("nginx:1.28", "two"))
    c.kubectl("apply -f -", stdin=_web("nginx:1.27", "back to one"))
    by_image = {rs.spec.template.spec.containers[0].image: rs.metadata.annotations for rs in c.replica_sets()}
    assert by_image["nginx:1.27"]["deployment.kubernetes.io/revision"] == "3"
    assert by_image["nginx:1.27"]["deployment.kubernetes.io/revision-history"] == "1"
    assert by_image["nginx:1.27"]["kubernetes.io/change-cause"] == "back to one"
    assert by_image["nginx:1.28"]["deployment.kubernetes.io/revision"] == "2"
    assert c.get("deployment", "web").metadata.annotations["deployment.kubernetes.io/revision"] == "3"
    assert c.kubectl("rollout history deployment/web") == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         two\n3         back to one\n\n"
    )
