"""The control plane on informers and work queues: controllers never fail a user's request, work follows what
changed, and the incremental reconcile ends where a full resync ends.

Regressions of issue 11, defects 1 and 2: a Deployment whose ReplicaSet name is too long (upstream
``pkg/controller/deployment/sync.go`` getNewReplicaSet: condition ``Progressing=False`` with reason
``ReplicaSetCreateError``, the Warning event of that reason, a retry) and a LoadBalancer Service with
``loadBalancerIP: bad`` (the API server stores it, ``ValidateService`` has no rule for the field; the provider
refuses it and the service controller records ``SyncLoadBalancerFailed``). Pod creation failures follow
``replica_set_utils.go`` ``calculateStatus`` (``ReplicaFailure``, reason ``FailedCreate``) and the Deployment
copies the condition (``progress.go`` ``getReplicaFailures``).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet.controllers import QueueController
from k8snet.controllers.cloud import MetalLBL2
from k8snet.controllers.servicelb import LB_FINALIZER, install
from k8snet.errors import InvalidError, K8snetError
from k8snet.sim.cluster import Cluster


def deployment(name, replicas=1, app="web", **spec):
    pod = {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "name": "http"}]}]}
    pod.update(spec)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": app}},
            "template": {"metadata": {"labels": {"app": app}}, "spec": pod},
        },
    }


def service(name, app="web", type_="ClusterIP", **spec):
    s = {"type": type_, "selector": {"app": app}, "ports": [{"port": 80, "targetPort": "http"}]}
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": s}


def condition(obj, type_):
    return next((c for c in (obj.status.conditions if obj.status else None) or [] if c.type == type_), None)


# -- defect 1: the wedge ---------------------------------------------------------------------------------------


def test_deployment_whose_replicaset_name_is_too_long_does_not_wedge_the_cluster():
    c = Cluster()
    name = ".".join(["a" * 62] * 4)  # 251 characters: a valid Deployment name, too long with "-<hash>"
    [dep] = c.apply(deployment(name))  # the user's write succeeds
    assert dep.metadata.name == name
    live = c.get("deploy", name)
    cond = condition(live, "Progressing")
    [rs_name] = [part.split('"')[1] for part in cond.message.split(": ", 1)[:1]]
    assert len(rs_name) > 253 and rs_name.startswith(name + "-")
    assert (cond.status, cond.reason) == ("False", "ReplicaSetCreateError")
    assert cond.message == (
        f'Failed to create new replica set "{rs_name}": ReplicaSet.apps "{rs_name}" is invalid: metadata.name: '
        f'Invalid value: "{rs_name}": must be no more than 253 characters'
    )
    assert c.replica_sets("default") == []
    # the Deployment's events are named "<name>.<hex>": over 253 characters the API server refuses them and the
    # recorder drops them, as a real cluster does
    assert c.events(involved=live) == []
    # everything else is unaffected: the next writes succeed and settle
    assert c.kubectl("run p --image=nginx") == "pod/p created\n"
    assert c.get("pod", "p").status.phase == "Running"
    assert c.kubectl("get deploy").splitlines()[1].split()[1:4] == ["0/1", "0", "0"]
    # the controller retries with back-off on the simulated clock; nothing changes, nothing escapes
    c.clock.advance(60)
    assert condition(c.get("deploy", name), "Progressing").reason == "ReplicaSetCreateError"


def test_replicaset_create_error_event_and_retry(monkeypatch):
    # With a name short enough for events (at most 236 characters) the ReplicaSet name is never too long, so
    # the API server's refusal is injected: the event, the condition and the retry are what is tested.
    from k8snet.apiserver.server import APIServer
    from k8snet.errors import Cause

    c = Cluster()
    create = APIServer.create

    def refuse_replica_sets(self, obj, **kw):
        if obj.kind == "ReplicaSet":
            raise InvalidError(
                "ReplicaSet", obj.metadata.name, [Cause("FieldValueInvalid", "spec", "refused")]
            )
        return create(self, obj, **kw)

    monkeypatch.setattr(APIServer, "create", refuse_replica_sets)
    c.apply(deployment("web"))
    live = c.get("deploy", "web")
    cond = condition(live, "Progressing")
    rs_name = cond.message.split('"')[1]
    msg = (
        f'Failed to create new replica set "{rs_name}": ReplicaSet.apps "{rs_name}" is invalid: spec: refused'
    )
    assert (cond.status, cond.reason, cond.message) == ("False", "ReplicaSetCreateError", msg)
    [ev] = c.events(involved=live)
    # the status write is itself a Deployment update, so the key is synced once more at once (the write is then a
    # no-op and wakes nobody): two attempts, one event counted twice
    assert (ev.type, ev.reason, ev.message, ev.source.component, ev.count) == (
        "Warning",
        "ReplicaSetCreateError",
        msg,
        "deployment-controller",
        2,
    )
    c.clock.advance(1)  # retried (5 ms back-off, doubling): the same event, counted again
    [ev] = c.events(involved=live)
    assert ev.count == 3
    monkeypatch.setattr(APIServer, "create", create)
    c.clock.advance(1)  # the next retry succeeds
    assert [rs.metadata.name for rs in c.replica_sets("default")] == [rs_name]
    cond = condition(c.get("deploy", "web"), "Progressing")
    assert cond.status == "True" and cond.reason != "ReplicaSetCreateError"


def test_pods_the_api_server_refuses_become_replica_failure():
    c = Cluster(preset="minikube")
    c.apply(deployment("web", replicas=2, priorityClassName="gold"))
    [rs] = c.replica_sets("default")
    msg = f'pods "{rs.metadata.name}-" is forbidden: no PriorityClass with name gold was found'
    cond = condition(rs, "ReplicaFailure")
    assert (cond.status, cond.reason, cond.message) == ("True", "FailedCreate", msg)
    dep_cond = condition(c.get("deploy", "web"), "ReplicaFailure")
    assert (dep_cond.status, dep_cond.reason, dep_cond.message) == ("True", "FailedCreate", msg)
    # the ReplicaSet's status write wakes it once more (a second attempt); then it waits for its back-off
    [failed] = [e for e in c.events() if e.reason == "FailedCreate"]
    assert failed.message == f"Error creating: {msg}" and failed.count == 2
    c.clock.advance(1)  # retried with back-off: the event is counted again, nothing else changes
    [failed] = [e for e in c.events() if e.reason == "FailedCreate"]
    assert failed.count == 3
    # a sync without a failure removes the condition, from the ReplicaSet and then the Deployment
    c.scale("deployment", "web", 0)
    assert condition(c.replica_sets("default")[0], "ReplicaFailure") is None
    assert condition(c.get("deploy", "web"), "ReplicaFailure") is None


# -- defect 2: loadBalancerIP that is not an IP ------------------------------------------------------------------


def test_load_balancer_ip_that_is_not_an_ip_is_refused_by_the_provider_not_half_applied():
    c = Cluster()  # kind: a cloud provider is installed
    [svc] = c.apply(service("lb", type_="LoadBalancer", loadBalancerIP="bad"))
    assert svc.spec.loadBalancerIP == "bad"  # stored as written: the API server does not validate the field
    live = c.get("svc", "lb")
    assert live.metadata.finalizers == [LB_FINALIZER] and not live.status.loadBalancer.ingress
    assert "<pending>" in c.kubectl("get svc lb")
    events = [(e.type, e.reason, e.message, e.count) for e in c.events(involved=live)]
    assert events == [
        ("Normal", "EnsuringLoadBalancer", "Ensuring load balancer", 1),
        (
            "Warning",
            "SyncLoadBalancerFailed",
            'Error syncing load balancer: failed to ensure load balancer: invalid spec.loadBalancerIP "bad"',
            1,
        ),
    ]
    # later writes are unaffected
    assert c.kubectl("run p --image=nginx") == "pod/p created\n"
    c.clock.advance(5)  # the service controller's back-off: 5 s, then 10 s ...
    assert [e.count for e in c.events(involved=live)] == [2, 2]
    # fixing the field gives the Service its address; deleting it removes the finalizer
    c.apply(service("lb", type_="LoadBalancer", loadBalancerIP="203.0.113.9"))
    assert c.get("svc", "lb").status.loadBalancer.ingress[0].ip == "203.0.113.9"
    c.delete("svc", "lb")
    assert not c.store.exists("Service", "lb")


def test_metallb_reports_an_invalid_load_balancer_ip_as_allocation_failed():
    c = Cluster()
    install(c, MetalLBL2())
    c.apply(service("lb", type_="LoadBalancer", loadBalancerIP="bad"))
    live = c.get("svc", "lb")
    assert [(e.reason, e.message, e.source.component) for e in c.events(involved=live)] == [
        (
            "AllocationFailed",
            'Failed to allocate IP for "default/lb": invalid spec.loadBalancerIP "bad"',
            "metallb-controller",
        )
    ]
    assert not live.metadata.finalizers and not live.status.loadBalancer.ingress


def test_a_refused_request_changes_nothing():
    c = Cluster()
    c.apply([deployment("web", 2), service("web")])
    before = c.store.dump()
    # atomic: one transaction for both (kubectl's per-object apply would create "ok"; see test_cluster.py)
    with pytest.raises(InvalidError):
        c.apply(
            [service("ok"), service("bad", type_="NodePort", ports=[{"port": 80, "nodePort": 80}])],
            atomic=True,
        )
    assert c.store.dump() == before


# -- cost follows what changed ------------------------------------------------------------------------------------


def _count_synced_keys(monkeypatch):
    # every key a controller's pass takes off its queue
    synced: list[tuple[str, object]] = []
    original = QueueController.process

    def recording(self):
        drain = self.queue.drain

        def drain_and_record(key=None):
            keys = drain(key)
            synced.extend((type(self).__name__, k) for k in keys)
            return keys

        self.queue.drain = drain_and_record
        try:
            return original(self)
        finally:
            del self.queue.drain

    monkeypatch.setattr(QueueController, "process", recording)
    return synced


@pytest.mark.parametrize("apps", [3, 30])
def test_a_readiness_flip_syncs_only_what_it_touches(monkeypatch, apps):
    c = Cluster(preset="minikube")
    c.apply(
        [
            doc
            for i in range(apps)
            for doc in (deployment(f"app{i}", 2, app=f"app{i}"), service(f"app{i}", app=f"app{i}"))
        ]
    )
    pod = c.pods("default", label_selector={"app": "app0"})[0].metadata.name
    synced = _count_synced_keys(monkeypatch)
    c.set_pod_ready(pod, False)
    # the pod (kubelet), its ReplicaSet, its Deployment, its Service's Endpoints and EndpointSlices: the same
    # keys whatever the number of other apps
    assert sorted({(ctl, key) for ctl, key in synced}) == sorted(
        {
            ("Kubelet", ("default", pod)),
            (
                "ReplicaSetController",
                (
                    "default",
                    c.pods("default", label_selector={"app": "app0"})[0].metadata.ownerReferences[0].name,
                ),
            ),
            ("DeploymentController", ("default", "app0")),
            ("EndpointsController", ("default", "app0")),
            ("EndpointSliceController", ("default", "app0")),
            ("EndpointSliceMirroringController", ("default", "app0")),
        }
    )


# -- state sequences ------------------------------------------------------------------------------------------------

APPS = ["web", "db"]
steps = st.one_of(
    st.tuples(
        st.just("deploy"),
        st.sampled_from(APPS),
        st.integers(0, 3),
        st.sampled_from(APPS),
        st.sampled_from(["nginx", "nginx:2"]),
    ),
    st.tuples(
        st.just("service"),
        st.sampled_from(APPS),
        st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer"]),
        st.sampled_from(APPS),
    ),
    st.tuples(st.just("scale"), st.sampled_from(APPS), st.integers(-1, 4)),
    st.tuples(st.just("delete"), st.sampled_from(["deployment", "svc", "pod"]), st.integers(0, 3)),
    st.tuples(st.just("ready"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("terminate"), st.integers(0, 5)),
    st.tuples(st.just("advance"), st.sampled_from([1, 5, 31])),
    st.tuples(st.just("label"), st.integers(0, 5), st.sampled_from(APPS)),
    st.tuples(st.just("bad"), st.sampled_from(["nodeport", "lbip"])),
)


def _pod_name(c, i):
    pods = c.pods("default")
    return pods[i % len(pods)].metadata.name if pods else "nope"


def _run(c, step):
    op = step[0]
    if op == "deploy":
        _, name, replicas, app, image = step
        c.apply(
            deployment(
                name,
                replicas,
                app=app,
                containers=[{"name": "c", "image": image, "ports": [{"containerPort": 80, "name": "http"}]}],
            )
        )
    elif op == "service":
        _, name, type_, app = step
        c.apply(service(name, app=app, type_=type_))
    elif op == "scale":
        c.scale("deployment", step[1], step[2])
    elif op == "delete":
        name = step[2] if step[1] == "pod" else APPS[step[2] % len(APPS)]
        c.delete(step[1], _pod_name(c, name) if step[1] == "pod" else name)
    elif op == "ready":
        c.set_pod_ready(_pod_name(c, step[1]), step[2])
    elif op == "terminate":
        c.terminate_pod(_pod_name(c, step[1]))
    elif op == "advance":
        c.clock.advance(step[1])
    elif op == "label":
        c.label("pod", _pod_name(c, step[1]), {"app": step[2]})
    elif op == "bad":
        if step[1] == "nodeport":
            c.apply(service("bad", type_="NodePort", ports=[{"port": 80, "nodePort": 80}]))
        else:
            c.apply(service("badlb", type_="LoadBalancer", loadBalancerIP="not-an-ip"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=10))
def test_state_sequences_settle_where_a_full_resync_settles(sequence):
    from k8snet.dns.server import ServiceView

    c = Cluster(preset="minikube", nodes=2)
    dns = c.dns
    for step in sequence:
        before = c.store.dump()
        try:
            _run(c, step)
        except K8snetError:
            # a refused request leaves the store byte-identical
            assert c.store.dump() == before
        # every queue is empty, and a full resync of every controller (what a resync period would do) finds
        # nothing to write: the incremental reconcile reached the same fixed point as a from-scratch pass
        assert not any(ctl.pending() for ctl in c.controllers)
        settled = c.store.dump()
        c.resync()
        assert c.store.dump() == settled
        # CoreDNS's informer-fed view is the view a from-scratch read of the objects gives
        view = dns._view()
        scratch = ServiceView(c.services(), c.endpoint_slices(), dns._namespaces())
        assert (view.services, view.endpoints, view.serial, view.namespaces) == (
            scratch.services,
            scratch.endpoints,
            scratch.serial,
            scratch.namespaces,
        )
        assert list(view.services) == list(scratch.services)


# -- wiring ---------------------------------------------------------------------------------------------------------


def test_an_appended_controller_is_started_and_sees_what_exists():
    class PodCounter(QueueController):
        primary_kind = "Pod"

        def __init__(self, api):
            super().__init__(api)
            self.synced = []

        def register(self, informers):
            self.watch(
                "Pod",
                add=lambda p: (
                    self.enqueue(("default", p.metadata.name)) if p.metadata.namespace == "default" else None
                ),
            )

        def sync_key(self, key):
            self.synced.append(key)

    c = Cluster(preset="minikube")
    c.apply(deployment("web", 2))
    counter = PodCounter(c.api)
    c.controllers.append(counter)
    c.reconcile()  # started: the Pods already cached are replayed as adds
    assert sorted(k[1] for k in counter.synced) == sorted(p.metadata.name for p in c.pods("default"))
    c.controllers.remove(counter)
    c.scale("deployment", "web", 3)  # removed: stopped, hears nothing more
    assert len(counter.synced) == 2


def test_a_controller_with_only_sync_runs_every_round_until_nothing_changes():
    class Labeller:
        def __init__(self, api):
            self.api, self.calls = api, 0

        def sync(self):
            self.calls += 1
            for pod in self.api.list("Pod", "default"):
                if not (pod.metadata.labels or {}).get("seen"):
                    mine = self.api.get("Pod", pod.metadata.name)
                    mine.metadata.labels = {**(mine.metadata.labels or {}), "seen": "yes"}
                    self.api.update(mine)

    c = Cluster(preset="minikube")
    labeller = Labeller(c.api)
    c.controllers.append(labeller)
    c.apply(deployment("web", 2))
    assert all(p.metadata.labels["seen"] == "yes" for p in c.pods("default"))
    assert labeller.calls >= 2  # a round that wrote, then one that wrote nothing


def test_threshold_cluster_keeps_to_the_pods_per_node_limit():
    from k8snet.errors import ConfigError
    from k8snet.sim.scaling import threshold_cluster

    with pytest.raises(ConfigError, match="is 200 per node, over the 110 Pods per node"):
        threshold_cluster(nodes=2, services=10, replicas=20)
    c = threshold_cluster(nodes=4, services=6, replicas=5)
    per_node = {}
    for pod in c.pods("default"):
        per_node[pod.spec.nodeName] = per_node.get(pod.spec.nodeName, 0) + 1
    assert sorted(per_node.values()) == [10, 10, 10]
    assert all(
        len(sl.endpoints or []) == 5
        for sl in c.endpoint_slices("default")
        if sl.metadata.name.startswith("app")
    )
