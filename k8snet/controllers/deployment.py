"""Deployment and ReplicaSet controllers (kubernetes/kubernetes ``pkg/controller/deployment``,
``pkg/controller/replicaset``).

A Deployment owns ReplicaSets named ``<deployment>-<pod-template-hash>``; a ReplicaSet owns Pods named
``<replicaset>-<5 characters>`` (``generateName``, so the suffix comes from the API server's seeded generator
and the alphabet ``bcdfghjklmnpqrstvwxz2456789``). Both carry the label ``pod-template-hash``.

Both controllers read shared informers and work on queued keys (:class:`~k8snet.controllers.QueueController`): a
Deployment is synced when it or one of its ReplicaSets changes, a ReplicaSet when it or one of its Pods changes;
the owned objects come from the informers' owner-uid index. A write the API server refuses is reported as
upstream reports it (events and conditions, see the classes) and retried with back-off; it never fails the
request that caused the sync.

Simplifications, stated:

* ``pod-template-hash``: upstream is ``rand.SafeEncodeString(fmt.Sprint(fnv32a(spew dump of the template)))``
  (``controller.ComputeHash``). We hash the template's canonical JSON with the same FNV-32a and encode it the
  same way, so the hash has upstream's shape and changes exactly when the template does, but it is not the
  value a real cluster prints.
* A Pod is available once Ready for ``minReadySeconds`` (:func:`is_pod_available`; the ReplicaSet resyncs after
  ``minReadySeconds`` on the simulated clock, as ``syncReplicaSet`` does).
* Rolling updates follow ``rolling.go`` (``maxSurge`` rounded up, ``maxUnavailable`` rounded down, new RS scaled
  up within the surge, old ones scaled down while availability stays above ``replicas - maxUnavailable``);
  ``Recreate`` is treated the same way, old ReplicaSets are never pruned and pause/rollback are not modelled.
* Which pods a scale-down deletes: ``controller.ActivePodsWithRanks`` order (see :func:`deletion_rank`),
  without the logarithmic time buckets (``LogarithmicScaleDown``): exact times are compared.
* No expectations (``controller.ControllerExpectations``): the cache is never stale, so a sync sees its own
  writes. A ReplicaSet creates or deletes at most :data:`BURST_REPLICAS` Pods per sync, creating them in
  ``slowStartBatch`` batches (:func:`slow_start_batch`); the events of those Pods queue it again, so a huge
  ``replicas`` is reached sync after sync, as far as the settle's :class:`~k8snet.controllers.WorkBudget` goes
  (the rest when the simulation clock advances).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from k8snet.api.strconv import int32
from k8snet.apiserver.naming import ALPHANUMS
from k8snet.controllers import (
    EventRecorder,
    PodControl,
    QueueController,
    controller_of,
    is_pod_ready,
    is_pod_terminal,
    owner_reference,
    pod_from_template,
    status_message,
)
from k8snet.controllers.informers import object_key
from k8snet.errors import K8snetError

__all__ = [
    "DeploymentController",
    "ReplicaSetController",
    "ReplicationManager",
    "compute_hash",
    "safe_encode",
    "deletion_rank",
    "slow_start_batch",
    "BURST_REPLICAS",
    "max_revision",
    "set_new_replica_set_annotations",
]

POD_TEMPLATE_HASH = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
#: sync.go: the longest ``revision-history`` annotation the controller writes.
MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000
#: deployment_util.go ``annotationsToSkip``: what a Deployment's annotations never give its ReplicaSets.
ANNOTATIONS_TO_SKIP = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        REVISION_HISTORY,
        DESIRED_REPLICAS,
        MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    }
)
#: ``replicaset.BurstReplicas`` (``pkg/controller/replicaset/replica_set.go``): "A ReplicaSet is temporarily
#: suspended after creating/deleting these many replicas"; kube-controller-manager passes it to the controller.
BURST_REPLICAS = 500
#: ``controller.SlowStartInitialBatchSize`` (``pkg/controller/controller_utils.go``).
SLOW_START_INITIAL_BATCH_SIZE = 1


def slow_start_batch(
    count: int,
    initial_batch_size: int,
    fn: Callable[[], K8snetError | None],
    max_batch: int | None = None,
) -> tuple[int, K8snetError | None]:
    """``slowStartBatch`` (``replica_set.go``): call ``fn`` ``count`` times in batches of ``initial_batch_size``,
    then twice as many, and so on; after a batch with a failure the remaining batches are skipped. Returns the
    number of successes and the first error. (Upstream runs a batch's calls concurrently; here in turn, and every
    call of a batch is made, as upstream's goroutines all run.)

    Ten creates of which the fourth fails: batches of 1 and 2 succeed, the batch of 4 is tried whole, the rest
    skipped:

    >>> calls = []
    >>> def create():
    ...     calls.append(len(calls) + 1)
    ...     return None if len(calls) != 4 else K8snetError("quota")
    >>> slow_start_batch(10, 1, create), calls
    ((6, K8snetError('quota')), [1, 2, 3, 4, 5, 6, 7])
    """
    remaining, successes = count, 0
    batch = min(remaining, initial_batch_size)
    while batch > 0:
        errors = [err for err in (fn() for _ in range(batch)) if err is not None]
        successes += batch - len(errors)
        if errors:
            return successes, errors[0]
        remaining -= batch
        batch = min(2 * batch, remaining)
        if max_batch is not None:
            batch = min(batch, max_batch)  # the StatefulSet's slowStartBatch caps a batch at MaxBatchSize
    return successes, None


def safe_encode(s: str) -> str:
    """``rand.SafeEncodeString``: map each character to the vowel-free alphabet.

    >>> safe_encode("1234567890")
    '56789bcdf4'
    """
    return "".join(ALPHANUMS[ord(c) % len(ALPHANUMS)] for c in s)


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def compute_hash(template: Any, collision_count: int | None = None) -> str:
    """The ``pod-template-hash`` of a pod template (see the module notes on how it differs from upstream).

    >>> from k8snet.api.core_v1 import PodTemplateSpec
    >>> t = PodTemplateSpec(metadata={"labels": {"app": "nginx"}}, spec={"containers": [{"name": "nginx", "image": "nginx"}]})
    >>> h = compute_hash(t)
    >>> h == compute_hash(t.model_copy(deep=True)), set(h) <= set(ALPHANUMS), len(h) <= 10
    (True, True, True)
    """
    data = json.dumps(template.to_dict(), sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += str(collision_count).encode()
    return safe_encode(str(fnv32a(data)))


def _scaled(value: Any, total: int, round_up: bool) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    pct = int(str(value).rstrip("%"))
    v = pct * total / 100
    return math.ceil(v) if round_up else math.floor(v)


def max_revision(replica_sets: list[Any]) -> int:
    """deployment_util.go ``MaxRevision``: the highest ``deployment.kubernetes.io/revision`` (unparsable: 0).

    >>> from types import SimpleNamespace as NS
    >>> max_revision([NS(metadata=NS(annotations={REVISION: "2"})), NS(metadata=NS(annotations=None))])
    2
    """
    best = 0
    for rs in replica_sets:
        try:
            best = max(best, int((rs.metadata.annotations or {}).get(REVISION, "0")))
        except ValueError:
            pass
    return best


def set_new_replica_set_annotations(
    dep: Any, annotations: dict[str, str], new_revision: int, exists: bool, max_surge: int
) -> bool:
    """deployment_util.go ``SetNewReplicaSetAnnotations``, on the new ReplicaSet's ``annotations`` (changed in
    place): the Deployment's annotations except :data:`ANNOTATIONS_TO_SKIP` (``copyDeploymentAnnotationsToReplicaSet``:
    so ``kubernetes.io/change-cause`` reaches ``kubectl rollout history``), the revision raised to ``new_revision``
    (max of the old ReplicaSets' + 1) with the old one kept in ``revision-history`` when an existing ReplicaSet
    becomes the new one again (a rollback), and, for a ReplicaSet about to be created, the desired and max replicas.
    Returns whether anything changed.

    >>> from types import SimpleNamespace as NS
    >>> dep = NS(metadata=NS(annotations={"kubernetes.io/change-cause": "v2", "deployment.kubernetes.io/revision": "9"}),
    ...          spec=NS(replicas=3))
    >>> ann = {"deployment.kubernetes.io/revision": "1"}
    >>> set_new_replica_set_annotations(dep, ann, 3, True, 1)
    True
    >>> sorted(ann.items())  # doctest: +NORMALIZE_WHITESPACE
    [('deployment.kubernetes.io/revision', '3'), ('deployment.kubernetes.io/revision-history', '1'),
     ('kubernetes.io/change-cause', 'v2')]
    """
    changed = False
    for k, v in (dep.metadata.annotations or {}).items():
        if k in ANNOTATIONS_TO_SKIP or annotations.get(k) == v:
            continue
        annotations[k] = v
        changed = True
    old_text = annotations.get(REVISION)
    if old_text is None:
        old = 0
    else:
        try:
            old = int(old_text)
        except ValueError:
            return False  # "Updating replica set revision OldRevision not int"
    if old < new_revision:
        annotations[REVISION] = str(new_revision)
        changed = True
        if old_text is not None:
            history = annotations.get(REVISION_HISTORY, "")
            olds = history.split(",")
            if not olds[0]:
                annotations[REVISION_HISTORY] = old_text
            else:
                total = len(history) + len(old_text) + 1
                start = 0
                while total > MAX_REV_HISTORY_LENGTH_IN_CHARS and start < len(olds):
                    total -= len(olds[start]) + 1
                    start += 1
                if total <= MAX_REV_HISTORY_LENGTH_IN_CHARS:
                    annotations[REVISION_HISTORY] = ",".join([*olds[start:], old_text])
    if not exists:
        replicas = dep.spec.replicas or 0
        for key, value in (
            (DESIRED_REPLICAS, str(replicas)),
            (MAX_REPLICAS, str(int32(replicas + max_surge))),
        ):
            if annotations.get(key) != value:
                annotations[key] = value
                changed = True
    return changed


def resolve_fenceposts(dep: Any) -> tuple[int, int]:
    """``deploymentutil.ResolveFenceposts``: (maxSurge, maxUnavailable); both 0 becomes unavailable 1."""
    replicas = dep.spec.replicas or 0
    ru = dep.spec.strategy.rollingUpdate if dep.spec.strategy else None
    surge = _scaled(ru.maxSurge if ru else "25%", replicas, True)
    unavailable = _scaled(ru.maxUnavailable if ru else "25%", replicas, False)
    if dep.spec.strategy and dep.spec.strategy.type == "Recreate":
        surge, unavailable = 0, replicas
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _template_without_hash(template: Any) -> dict:
    d = template.to_dict()
    labels = d.get("metadata", {}).get("labels", {})
    labels.pop(POD_TEMPLATE_HASH, None)
    return d


def deletion_rank(pod: Any, pods_on_node: dict[str, int]) -> tuple:
    """Sort key: pods that sort first are deleted first (``ActivePodsWithRanks.Less``).

    1. not yet scheduled before scheduled; 2. Pending before Unknown before Running; 3. not ready before ready;
    4. lower ``controller.kubernetes.io/pod-deletion-cost`` first; 5. pods sharing their node with more of the
    ReplicaSet's pods first; 6. ready for a shorter time first; 7. more container restarts first;
    8. newer pods first; then by name, for determinism.
    """
    spec, status = pod.spec, pod.status
    node = spec.nodeName if spec else None
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(status.phase if status else "Pending", 0)
    ready = is_pod_ready(pod)
    cost = int((pod.metadata.annotations or {}).get("controller.kubernetes.io/pod-deletion-cost", "0"))
    colocated = pods_on_node.get(node or "", 0)
    ready_since = None
    for c in (status.conditions if status else None) or []:
        if c.type == "Ready" and c.status == "True":
            ready_since = c.lastTransitionTime
    restarts = sum(cs.restartCount for cs in (status.containerStatuses if status else None) or [])
    created = pod.metadata.creationTimestamp
    return (
        1 if node else 0,
        phase_rank,
        1 if ready else 0,
        cost,
        -colocated,
        # ready longer ago sorts later: negate the timestamp (None = not ready, already ordered above)
        -(ready_since.timestamp() if ready_since else 0.0),
        -restarts,
        -(created.timestamp() if created else 0.0),
        pod.metadata.name,
    )


def is_pod_available(pod: Any, min_ready_seconds: int, now: Any) -> bool:
    """``podutil.IsPodAvailable``: Ready, and Ready for at least ``min_ready_seconds`` (its ``Ready`` condition's
    ``lastTransitionTime``). Upstream asks for the time to be strictly *after* ready + minReadySeconds; the
    ReplicaSet's resync then runs a few milliseconds later on a real clock, but exactly then on the simulated one,
    so the model takes "at or after" (a pod is available at the resync, not one resync later).

    >>> from datetime import datetime, timedelta, timezone
    >>> from k8snet.api.core_v1 import Pod
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> pod = Pod.model_validate({"metadata": {"name": "p"}, "status": {"conditions": [
    ...     {"type": "Ready", "status": "True", "lastTransitionTime": t}]}})
    >>> is_pod_available(pod, 0, t), is_pod_available(pod, 10, t + timedelta(seconds=9)), is_pod_available(pod, 10, t + timedelta(seconds=10))
    (True, False, True)
    """
    if not is_pod_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    cond = next((c for c in (pod.status.conditions or []) if c.type == "Ready"), None)
    since = cond.lastTransitionTime if cond is not None else None
    if since is None:
        return False
    from datetime import timedelta

    return since + timedelta(seconds=min_ready_seconds) <= now


def _owner_key(store: Any, obj: Any, kind: str) -> tuple[str, str] | None:
    """``(namespace, name)`` of the ``kind`` object ``obj``'s controller ownerReference points at (by uid), if
    it is stored (``resolveControllerRef``)."""
    ref = controller_of(obj)
    if ref is None:
        return None
    key = store.key_for_uid(ref.uid)
    if key is None or key[0] != kind:
        return None
    return (key[1], key[2])


def set_replica_set_condition(
    conditions: list[Any], type_: str, status: str, reason: str, message: str, now: Any, cls: Any = None
) -> list[Any]:
    """``SetCondition`` (``replica_set_utils.go``): an existing condition with the same status and reason is
    kept; otherwise the new one replaces it at the end. Returns the new list.

    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> conds = set_replica_set_condition([], "ReplicaFailure", "True", "FailedCreate", "quota", t)
    >>> set_replica_set_condition(conds, "ReplicaFailure", "True", "FailedCreate", "other", t) is conds
    True
    """
    from k8snet.api.apps_v1 import ReplicaSetCondition

    prev = next((c for c in conditions if c.type == type_), None)
    if prev is not None and prev.status == status and prev.reason == reason:
        return conditions
    cond = (cls or ReplicaSetCondition)(
        type=type_, status=status, lastTransitionTime=now, reason=reason, message=message
    )
    return [c for c in conditions if c.type != type_] + [cond]


def set_deployment_condition(
    conditions: list[Any],
    type_: str,
    status: str,
    reason: str,
    message: str,
    now: Any,
    transition: Any = None,
) -> list[Any]:
    """``deploymentutil.SetDeploymentCondition``: an unchanged status+reason is left alone; otherwise the
    condition is removed and appended at the end (so the most recently changed one comes last), keeping its
    ``lastTransitionTime`` when only the reason changed. Returns the new list.

    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> c = set_deployment_condition([], "Progressing", "True", "NewReplicaSetCreated", "created", t0)
    >>> c = set_deployment_condition(c, "Progressing", "True", "ReplicaSetUpdated", "progressing", t0 + timedelta(1))
    >>> c[0].reason, c[0].lastTransitionTime == t0, c[0].lastUpdateTime == t0 + timedelta(1)
    ('ReplicaSetUpdated', True, True)
    """
    from k8snet.api.apps_v1 import DeploymentCondition

    prev = next((c for c in conditions if c.type == type_), None)
    if prev is not None and prev.status == status and prev.reason == reason:
        return conditions
    ltt = prev.lastTransitionTime if prev is not None and prev.status == status else (transition or now)
    cond = DeploymentCondition(
        type=type_, status=status, lastUpdateTime=now, lastTransitionTime=ltt, reason=reason, message=message
    )
    return [c for c in conditions if c.type != type_] + [cond]


class ReplicaSetController(QueueController):
    """Keeps ``spec.replicas`` active pods for every ReplicaSet (``pkg/controller/replicaset``).

    Watches ReplicaSets and Pods (a Pod's event queues the ReplicaSet its controller ownerReference names); the
    pods of a ReplicaSet come from the Pod informer's owner index. Active pods exclude terminating and terminal
    ones (``controller.FilterActivePods``), so a pod being deleted is replaced at once while it is still
    terminating.

    ``manageReplicas`` (``replica_set.go``): a sync creates or deletes at most ``burst_replicas`` Pods (500,
    ``BurstReplicas``); creates go in slow-start batches of 1, 2, 4, ... and stop after a batch with a failure.
    A pod the API server refuses is reported as upstream reports it: the Warning ``FailedCreate`` "Error
    creating: <error>" (``controller_utils.go``), the ReplicaSet condition ``ReplicaFailure`` (reason
    ``FailedCreate``, the error as message; ``calculateStatus`` in ``replica_set_utils.go``), and the ReplicaSet
    is retried with back-off (5 ms doubling, on the simulation clock).
    """

    primary_kind = "ReplicaSet"
    #: The event source (``replicaset-controller``; the ReplicationController's is ``replication-controller``).
    component = "replicaset-controller"

    def __init__(self, api: Any, events: EventRecorder, burst_replicas: int = BURST_REPLICAS):
        super().__init__(api)
        self.events = events
        self.pod_control = PodControl(api, events, self.component)
        #: At most this many Pods are created or deleted per sync (kube-controller-manager passes
        #: ``replicaset.BurstReplicas``).
        self.burst_replicas = burst_replicas

    def register(self, informers: Any) -> None:
        self.watch_primary()
        self.watch_owned("Pod")

    def _status(self, **fields: Any) -> Any:
        from k8snet.api.apps_v1 import ReplicaSetStatus

        return ReplicaSetStatus(**fields)

    def _condition_class(self) -> Any:
        from k8snet.api.apps_v1 import ReplicaSetCondition

        return ReplicaSetCondition

    def sync_key(self, key: Any) -> None:
        rs = self.informer(self.primary_kind).get(*key)
        if rs is not None:
            self.sync_one(rs)

    def sync_one(self, rs: Any) -> None:
        owned = self.owned("Pod", rs)
        active = [p for p in owned if p.metadata.deletionTimestamp is None and not is_pod_terminal(p)]
        want = rs.spec.replicas or 0 if rs.metadata.deletionTimestamp is None else 0
        diff = want - len(active)
        manage_err: K8snetError | None = None
        if diff > 0:
            # manageReplicas: at most burstReplicas creates per sync, in slow-start batches; the Pods' add events
            # queue the ReplicaSet again for the rest
            _, manage_err = slow_start_batch(
                min(diff, self.burst_replicas), SLOW_START_INITIAL_BATCH_SIZE, lambda: self._create_pod(rs)
            )
        elif diff < 0:
            manage_err = self._delete_pods(rs, active, min(-diff, self.burst_replicas))
        self._update_status(rs, len(active), manage_err)
        if manage_err is not None:
            raise manage_err  # syncReplicaSet returns manageReplicasErr: the key is retried with back-off
        # syncReplicaSet: "Resync the ReplicaSet after MinReadySeconds as a last line of defense to guard against
        # clock-skew": every replica Ready but not all available yet
        live = self.api.store.read(self.primary_kind, rs.metadata.name, rs.metadata.namespace)
        min_ready = (live.spec.minReadySeconds or 0) if live is not None else 0
        if min_ready > 0 and live.status is not None:
            want = live.spec.replicas or 0
            if live.status.readyReplicas == want and live.status.availableReplicas != want:
                self.queue.add_after(object_key(live), min_ready)

    def _create_pod(self, rs: Any) -> K8snetError | None:
        """``RealPodControl.CreatePods``: one Pod from the template (:func:`pod_from_template`), owned by
        ``rs``, with its event (:class:`PodControl`)."""
        return self.pod_control.create_pod(rs, pod_from_template(rs))

    def _delete_pods(self, rs: Any, active: list[Any], count: int) -> K8snetError | None:
        """The ``count`` active Pods that rank first for deletion (:func:`deletion_rank`), each deleted
        (``RealPodControl.DeletePod``: ``SuccessfulDelete``, or the Warning ``FailedDelete`` "Error deleting:
        <error>"; a Pod already gone is no error). Upstream deletes them concurrently and returns the first
        error; here they are deleted in rank order and every one is attempted."""
        on_node: dict[str, int] = {}
        for p in active:
            if p.spec and p.spec.nodeName:
                on_node[p.spec.nodeName] = on_node.get(p.spec.nodeName, 0) + 1
        victims = sorted(active, key=lambda p: deletion_rank(p, on_node))[:count]
        first_err: K8snetError | None = None
        for p in victims:
            first_err = first_err or self.pod_control.delete_pod(rs, p)
        return first_err

    def _update_status(self, rs: Any, active_before: int = 0, manage_err: Exception | None = None) -> None:
        rs = self.api.store.read(self.primary_kind, rs.metadata.name, rs.metadata.namespace)
        if rs is None:
            return
        owned = self.owned("Pod", rs)
        active = [p for p in owned if p.metadata.deletionTimestamp is None and not is_pod_terminal(p)]
        terminating = [p for p in owned if p.metadata.deletionTimestamp is not None]
        ready = sum(1 for p in active if is_pod_ready(p))
        available = sum(
            1 for p in active if is_pod_available(p, rs.spec.minReadySeconds or 0, self.clock.now())
        )
        sel = rs.spec.template.metadata.labels if rs.spec.template and rs.spec.template.metadata else {}
        fully = sum(
            1 for p in active if all((p.metadata.labels or {}).get(k) == v for k, v in (sel or {}).items())
        )
        # calculateStatus: a failed create/delete adds ReplicaFailure (once); a clean sync removes it
        conditions = list((rs.status.conditions if rs.status else None) or [])
        failure = next((c for c in conditions if c.type == "ReplicaFailure"), None)
        if manage_err is not None and failure is None:
            diff = active_before - (rs.spec.replicas or 0)
            reason = "FailedCreate" if diff < 0 else "FailedDelete" if diff > 0 else ""
            conditions = set_replica_set_condition(
                conditions,
                "ReplicaFailure",
                "True",
                reason,
                status_message(manage_err),
                self.clock.now(),
                self._condition_class(),
            )
        elif manage_err is None and failure is not None:
            conditions = [c for c in conditions if c.type != "ReplicaFailure"]
        status = self._status(
            replicas=len(active),
            fullyLabeledReplicas=fully,
            readyReplicas=ready,
            availableReplicas=available,
            terminatingReplicas=len(terminating),
            observedGeneration=rs.metadata.generation,
            conditions=conditions or None,
        )
        if rs.status is None or rs.status != status:
            self.api.store.put(rs.model_copy(update={"status": status}), owned=True)


class ReplicationManager(ReplicaSetController):
    """The ReplicationController's controller (``pkg/controller/replication``): upstream runs the ReplicaSet
    controller's code on ReplicationControllers converted to ReplicaSets (``replication_controller.go``), so here
    it is the same class with the core/v1 kind, its status type (no ``terminatingReplicas``) and the event source
    ``replication-controller``. Pods are ``<rc>-<5 characters>``; the events are the ReplicaSet's
    (``SuccessfulCreate`` "Created pod: <name>").

    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> _ = c.apply('''
    ... apiVersion: v1
    ... kind: ReplicationController
    ... metadata: {name: nginx}
    ... spec:
    ...   replicas: 2
    ...   template:
    ...     metadata: {labels: {app: nginx}}
    ...     spec: {containers: [{name: nginx, image: nginx}]}
    ... ''')
    >>> print(c.kubectl("get rc"), end="")
    NAME    DESIRED   CURRENT   READY   AGE
    nginx   2         2         2       0s
    """

    primary_kind = "ReplicationController"
    component = "replication-controller"

    def _status(self, **fields: Any) -> Any:
        from k8snet.api.core_v1 import ReplicationControllerStatus

        fields.pop("terminatingReplicas", None)
        return ReplicationControllerStatus(**fields)

    def _condition_class(self) -> Any:
        from k8snet.api.core_v1 import ReplicationControllerCondition

        return ReplicationControllerCondition


class DeploymentController(QueueController):
    """Rolls Deployments out onto ReplicaSets (``pkg/controller/deployment``: ``sync.go``, ``rolling.go``).

    Watches Deployments and ReplicaSets (a ReplicaSet's event queues the Deployment that controls it); a
    Deployment's ReplicaSets come from the ReplicaSet informer's owner index.

    A new ReplicaSet the API server refuses (for instance a name over 253 characters, from a Deployment name of
    243 or more) is reported as ``getNewReplicaSet`` reports it: the condition ``Progressing`` ``False`` with
    reason ``ReplicaSetCreateError`` and message ``Failed to create new replica set "<name>": <error>`` (the
    Deployment has a progress deadline, 600 s by default), the Warning event ``ReplicaSetCreateError`` with the
    same message, and a retry with back-off. The Deployment itself stays as the user wrote it.
    """

    primary_kind = "Deployment"

    def __init__(self, api: Any, events: EventRecorder):
        super().__init__(api)
        self.events = events

    def register(self, informers: Any) -> None:
        self.index_owned("ReplicaSet")
        self.watch_primary()
        self.watch("ReplicaSet", add=self._rs_changed, update=self._rs_updated, delete=self._rs_changed)

    def _rs_changed(self, rs: Any) -> None:
        key = _owner_key(self.api.store, rs, "Deployment")
        if key is not None:
            self.enqueue(key)

    def _rs_updated(self, old: Any, new: Any) -> None:
        self._rs_changed(old)
        self._rs_changed(new)

    def sync_key(self, key: Any) -> None:
        dep = self.informer("Deployment").get(*key)
        if dep is not None and dep.metadata.deletionTimestamp is None:
            self.sync_one(dep)

    def _owned(self, dep: Any) -> list[Any]:
        return sorted(
            self.owned("ReplicaSet", dep), key=lambda r: (r.metadata.creationTimestamp, r.metadata.name)
        )

    def _scale(self, dep: Any, rs: Any, new_scale: int) -> Any:
        old_scale = rs.spec.replicas or 0
        surge, _ = resolve_fenceposts(dep)
        ann = dict(rs.metadata.annotations or {})
        ann["deployment.kubernetes.io/desired-replicas"] = str(dep.spec.replicas)
        # *(deployment.Spec.Replicas)+MaxSurge(*deployment) is an int32 sum in sync.go: it wraps
        ann["deployment.kubernetes.io/max-replicas"] = str(int32((dep.spec.replicas or 0) + surge))
        if old_scale == new_scale and ann == (rs.metadata.annotations or {}):
            return rs
        rs = rs.model_copy(deep=True)
        rs.spec.replicas = new_scale
        rs.metadata.annotations = ann
        rs = self.api.update(rs, shared=True)
        if old_scale != new_scale:
            op = "up" if old_scale < new_scale else "down"
            self.events.event(
                dep,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled {op} replica set {rs.metadata.name} from {old_scale} to {new_scale}",
                "deployment-controller",
            )
        return rs

    def _create_replica_set(self, dep: Any, rs: Any) -> Any:
        try:
            return self.api.create(rs, shared=True)
        except K8snetError as err:
            # sync.go getNewReplicaSet: Progressing=False ReplicaSetCreateError (with a progress deadline), then
            # the Warning event, then the error (the Deployment is retried with back-off)
            msg = f'Failed to create new replica set "{rs.metadata.name}": {status_message(err)}'
            deadline = dep.spec.progressDeadlineSeconds
            if deadline is not None and deadline != 2**31 - 1:
                from k8snet.api.apps_v1 import DeploymentStatus

                live = self.api.store.read("Deployment", dep.metadata.name, dep.metadata.namespace)
                if live is not None:
                    status = live.status.model_copy(deep=True) if live.status else DeploymentStatus()
                    status.conditions = set_deployment_condition(
                        list(status.conditions or []),
                        "Progressing",
                        "False",
                        "ReplicaSetCreateError",
                        msg,
                        self.clock.now(),
                    )
                    self.api.store.put(live.model_copy(update={"status": status}), owned=True)
            self.events.event(dep, "Warning", "ReplicaSetCreateError", msg, "deployment-controller")
            raise

    def sync_one(self, dep: Any) -> None:
        from k8snet.api.apps_v1 import ReplicaSet

        rss = self._owned(dep)
        tmpl = dep.spec.template
        want = _template_without_hash(tmpl)
        new_rs = next((r for r in rss if _template_without_hash(r.spec.template) == want), None)
        old_rss = [r for r in rss if r is not new_rs]
        surge, unavailable = resolve_fenceposts(dep)
        replicas = dep.spec.replicas or 0

        if new_rs is None:
            h = compute_hash(tmpl, dep.status.collisionCount if dep.status else None)
            revision = 1 + max_revision(old_rss)
            new_annotations: dict[str, str] = {}
            set_new_replica_set_annotations(dep, new_annotations, revision, False, surge)
            current = sum(r.spec.replicas or 0 for r in old_rss)
            if current == 0:
                initial = replicas
            else:
                initial = max(0, min(replicas + surge - current, replicas))
            new_tmpl = tmpl.model_copy(deep=True)
            new_tmpl.metadata.labels = {**(new_tmpl.metadata.labels or {}), POD_TEMPLATE_HASH: h}
            selector = dep.spec.selector.model_copy(deep=True)
            selector.matchLabels = {**(selector.matchLabels or {}), POD_TEMPLATE_HASH: h}
            rs = ReplicaSet(
                metadata={
                    "name": f"{dep.metadata.name}-{h}",
                    "namespace": dep.metadata.namespace,
                    "labels": dict(new_tmpl.metadata.labels),
                    "annotations": new_annotations,
                    "ownerReferences": [owner_reference(dep)],
                },
                spec={
                    "replicas": initial,
                    "minReadySeconds": dep.spec.minReadySeconds or 0,
                    "selector": selector,
                    "template": new_tmpl,
                },
            )
            new_rs = self._create_replica_set(dep, rs)
            if initial > 0:
                self.events.event(
                    dep,
                    "Normal",
                    "ScalingReplicaSet",
                    f"Scaled up replica set {new_rs.metadata.name} from 0 to {initial}",
                    "deployment-controller",
                )
        else:
            # getNewReplicaSet, existing new ReplicaSet: its annotations synced (a rollback raises its revision)
            ann = dict(new_rs.metadata.annotations or {})
            min_ready = dep.spec.minReadySeconds or 0
            if set_new_replica_set_annotations(dep, ann, 1 + max_revision(old_rss), True, surge) or (
                (new_rs.spec.minReadySeconds or 0) != min_ready
            ):
                updated = new_rs.model_copy(deep=True)
                updated.metadata.annotations = ann
                updated.spec.minReadySeconds = min_ready
                new_rs = self.api.update(updated, shared=True)
            # reconcileNewReplicaSet
            cur = new_rs.spec.replicas or 0
            if cur > replicas:
                new_rs = self._scale(dep, new_rs, replicas)
            elif cur < replicas:
                total = sum(r.spec.replicas or 0 for r in rss)
                max_total = replicas + surge
                if total < max_total:
                    new_rs = self._scale(dep, new_rs, cur + min(max_total - total, replicas - cur))
            else:
                new_rs = self._scale(dep, new_rs, cur)

        # SetDeploymentRevision: the Deployment carries its new ReplicaSet's revision
        rev = (new_rs.metadata.annotations or {}).get(REVISION)
        live = self.api.store.read("Deployment", dep.metadata.name, dep.metadata.namespace)
        if rev and (live.metadata.annotations or {}).get(REVISION) != rev:
            md = live.metadata.model_copy(
                update={"annotations": {**(live.metadata.annotations or {}), REVISION: rev}}
            )
            self.api.store.put(live.model_copy(update={"metadata": md}), owned=True)

        # reconcileOldReplicaSets / scaleDownOldReplicaSetsForRollingUpdate
        old_rss = [r for r in self._owned(dep) if r.metadata.uid != new_rs.metadata.uid]
        if sum(r.spec.replicas or 0 for r in old_rss):
            all_rss = old_rss + [new_rs]
            min_available = replicas - unavailable
            available = sum((r.status.availableReplicas or 0) if r.status else 0 for r in all_rss)
            all_pods = sum(r.spec.replicas or 0 for r in all_rss)
            new_unavailable = (new_rs.spec.replicas or 0) - (
                (new_rs.status.availableReplicas or 0) if new_rs.status else 0
            )
            budget = min(available - min_available, all_pods - min_available - new_unavailable)
            for r in old_rss:  # oldest first
                if budget <= 0:
                    break
                take = min(r.spec.replicas or 0, budget)
                if take:
                    self._scale(dep, r, (r.spec.replicas or 0) - take)
                    budget -= take
        self._update_status(dep)

    def _update_status(self, dep: Any) -> None:
        from k8snet.api.apps_v1 import DeploymentStatus

        dep = self.api.store.read("Deployment", dep.metadata.name, dep.metadata.namespace)
        rss = self._owned(dep)
        want = _template_without_hash(dep.spec.template)
        new_rs = next((r for r in rss if _template_without_hash(r.spec.template) == want), None)

        def st(r: Any, f: str) -> int:
            return (getattr(r.status, f) or 0) if r.status else 0

        replicas = sum(st(r, "replicas") for r in rss)
        available = sum(st(r, "availableReplicas") for r in rss)
        _, unavailable_budget = resolve_fenceposts(dep)
        now = self.clock.now()
        conditions = list((dep.status.conditions if dep.status else None) or [])

        def set_condition(type_: str, status: str, reason: str, message: str) -> None:
            conditions[:] = set_deployment_condition(conditions, type_, status, reason, message, now)

        # calculateStatus: Available
        if available >= (dep.spec.replicas or 0) - unavailable_budget:
            set_condition(
                "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."
            )
        else:
            set_condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        # syncRolloutStatus: Progressing
        if new_rs is not None:
            want_n = dep.spec.replicas or 0
            done = (
                st(new_rs, "availableReplicas") == want_n
                and replicas == want_n
                and st(new_rs, "replicas") == want_n
            )
            has_progressing = any(c.type == "Progressing" for c in conditions)
            if done:
                set_condition(
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    f'ReplicaSet "{new_rs.metadata.name}" has successfully progressed.',
                )
            elif not has_progressing:
                set_condition(
                    "Progressing",
                    "True",
                    "NewReplicaSetCreated",
                    f'Created new replica set "{new_rs.metadata.name}"',
                )
            else:
                set_condition(
                    "Progressing",
                    "True",
                    "ReplicaSetUpdated",
                    f'ReplicaSet "{new_rs.metadata.name}" is progressing.',
                )
        # syncRolloutStatus: ReplicaFailure conditions of the ReplicaSets (the new one's first) move to the
        # Deployment (getReplicaFailures, ReplicaSetToDeploymentCondition); none left removes it
        failures = [
            c
            for r in ([new_rs] if new_rs is not None else []) + [r for r in rss if r is not new_rs]
            for c in ((r.status.conditions if r.status else None) or [])
            if c.type == "ReplicaFailure"
        ]
        if failures:
            f = failures[0]
            conditions[:] = set_deployment_condition(
                conditions,
                "ReplicaFailure",
                f.status,
                f.reason or "",
                f.message or "",
                f.lastTransitionTime,
                transition=f.lastTransitionTime,
            )
        else:
            conditions[:] = [c for c in conditions if c.type != "ReplicaFailure"]
        status = DeploymentStatus(
            observedGeneration=dep.metadata.generation,
            replicas=replicas,
            updatedReplicas=st(new_rs, "replicas") if new_rs is not None else 0,
            readyReplicas=sum(st(r, "readyReplicas") for r in rss),
            availableReplicas=available,
            unavailableReplicas=max((dep.spec.replicas or 0) - available, 0) or None,
            terminatingReplicas=None,
            conditions=conditions,
            collisionCount=dep.status.collisionCount if dep.status else None,
        )
        if dep.status is None or dep.status != status:
            self.api.store.put(dep.model_copy(update={"status": status}), owned=True)
