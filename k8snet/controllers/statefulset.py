"""The StatefulSet controller (kubernetes/kubernetes ``pkg/controller/statefulset``: ``stateful_set.go``,
``stateful_set_control.go``, ``stateful_set_utils.go``, ``stateful_pod_control.go``).

A StatefulSet ``web`` with ``replicas: 3`` owns Pods named ``web-0``, ``web-1``, ``web-2`` (``getPodName``): each
Pod's identity is its ordinal. ``initIdentity`` gives every Pod ``spec.hostname`` = its name and
``spec.subdomain`` = ``spec.serviceName``, and the labels ``statefulset.kubernetes.io/pod-name`` (its name) and
``apps.kubernetes.io/pod-index`` (its ordinal, the ``PodIndexLabel`` gate, on by default since v1.28);
``setPodRevision`` adds ``controller-revision-hash`` = the name of the ControllerRevision its template came from.
With a headless Service named ``serviceName`` selecting the Pods, the EndpointSlice controller copies the hostname
into each endpoint and CoreDNS answers ``web-0.nginx.default.svc.cluster.local`` (see
:mod:`k8snet.controllers.endpointslice` and :mod:`k8snet.dns`).

``updateStatefulSet`` in ``stateful_set_control.go``, as here:

* Pods whose ordinal is in ``[start, start + replicas)`` are *replicas*; other ordinals are *condemned*. Missing
  replicas are created; a Failed or Succeeded replica is deleted (and created again on a later sync, with the same
  name).
* ``podManagementPolicy: OrderedReady`` (the default, "monotonic"): the replicas are processed in ordinal order
  and the sync stops at the first one that was just created, is terminating, or is not Running and Ready (and
  available after ``minReadySeconds``): ``web-1`` is created only once ``web-0`` is Running and Ready. Condemned
  Pods are deleted from the highest ordinal down, one at a time, only while every replica is healthy.
  ``Parallel``: every missing replica is created and every condemned Pod deleted at once (in slow-start
  batches); here a sync creates at most ``MaxBatchSize`` (500) Pods, the rest on the syncs their events cause,
  so a sync's work is bounded whatever ``replicas`` says.
* Rolling update (``updateStrategy: RollingUpdate``): after the invariants hold, the replica with the highest
  ordinal at or above ``partition`` whose revision is not the update revision is deleted (it comes back from the
  new template); the update waits for each replaced Pod to be healthy. ``OnDelete`` leaves Pods alone until they
  are deleted.
* Status (``computeReplicaStatus``): ``replicas`` (created Pods), ``readyReplicas`` (Running and Ready),
  ``availableReplicas`` (ready for ``minReadySeconds``), ``currentReplicas`` / ``updatedReplicas`` (Pods at the
  current / update revision), ``currentRevision``, ``updateRevision``, ``collisionCount``, and
  ``observedGeneration``; ``completeRollingUpdate`` makes the update revision current once every replica is
  updated and ready.

Events (``recordPodEvent``, component ``statefulset-controller``): ``SuccessfulCreate`` "create Pod web-0 in
StatefulSet web successful", ``SuccessfulDelete`` "delete Pod web-2 in StatefulSet web successful", and the
Warnings ``FailedCreate`` / ``FailedDelete`` "... failed error: <error>" (the StatefulSet is then retried with
back-off; the user's request has succeeded).

Simplifications, stated:

* Revisions: the ControllerRevision holds the template as upstream's ``getPatch`` does (``{"spec": {"template":
  ..., "$patch": "replace"}}``) and is named ``<set>-<hash>``, the hash being FNV-32 of that JSON and the collision
  count, encoded as ``rand.SafeEncodeString`` does (``history.HashControllerRevision``); our JSON is not Go's
  byte for byte (defaulted fields), so the hash has upstream's shape, changes exactly when the template does, but
  is not the value a real cluster prints. Old revisions are kept up to ``revisionHistoryLimit``.
* ``volumeClaimTemplates`` are not turned into PersistentVolumeClaims (no storage in the model) and
  ``persistentVolumeClaimRetentionPolicy`` has no effect; ``maxUnavailable`` (the alpha
  ``MaxUnavailableStatefulSet`` gate) is ignored, as v1.34 does by default.
* Orphan Pods matching the selector are not adopted (``ClaimPods``); the Pods of a StatefulSet are those whose
  controller ownerReference names it. The cache is never stale, so there are no expectations.
"""

from __future__ import annotations

import json
import re
from typing import Any

from k8snet.controllers import (
    EventRecorder,
    QueueController,
    is_pod_ready,
    owner_reference,
    pod_from_template,
    status_message,
)
from k8snet.controllers.deployment import safe_encode, slow_start_batch
from k8snet.controllers.informers import object_key
from k8snet.errors import AlreadyExistsError, K8snetError, NotFoundError

__all__ = [
    "StatefulSetController",
    "get_parent_name_and_ordinal",
    "get_pod_name",
    "identity_matches",
    "pod_in_ordinal_range",
    "new_stateful_set_pod",
    "hash_controller_revision",
    "POD_NAME_LABEL",
    "POD_INDEX_LABEL",
    "REVISION_LABEL",
]

#: ``apps.StatefulSetPodNameLabel``
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
#: ``apps.PodIndexLabel`` (``PodIndexLabel`` gate: beta, on by default since v1.28)
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
#: ``apps.StatefulSetRevisionLabel`` (= ``ControllerRevisionHashLabelKey``)
REVISION_LABEL = "controller-revision-hash"
#: ``history.ControllerRevisionHashLabel``: the hash label of every ControllerRevision
CONTROLLER_REVISION_HASH_LABEL = "controller.kubernetes.io/hash"
#: ``MaxBatchSize`` in ``stateful_set_control.go``: the largest slow-start batch in Parallel mode
MAX_BATCH_SIZE = 500
COMPONENT = "statefulset-controller"

# statefulPodRegex: the parent name and the ordinal of a Pod's name
_STATEFUL_POD_RE = re.compile(r"^(.*)-([0-9]+)$", re.DOTALL)


def get_parent_name_and_ordinal(pod: Any) -> tuple[str, int]:
    """``getParentNameAndOrdinal``: the StatefulSet name and ordinal encoded in a Pod's name; ``("", -1)`` when
    the name has no ``-<digits>`` suffix, ordinal -1 when the digits do not fit an int32.

    >>> from k8snet.api.core_v1 import Pod
    >>> [get_parent_name_and_ordinal(Pod(metadata={"name": n})) for n in ("web-0", "my-db-12", "web", "web-99999999999")]
    [('web', 0), ('my-db', 12), ('', -1), ('web', -1)]
    """
    m = _STATEFUL_POD_RE.match(pod.metadata.name or "")
    if m is None:
        return "", -1
    digits = m.group(2)
    ordinal = int(digits)
    # strconv.ParseInt(s, 10, 32): out of range is an error, and the ordinal stays -1
    return m.group(1), ordinal if ordinal <= 2**31 - 1 else -1


def get_ordinal(pod: Any) -> int:
    """``getOrdinal``: the Pod's ordinal, -1 if it has none."""
    return get_parent_name_and_ordinal(pod)[1]


def get_start_ordinal(sts: Any) -> int:
    """``getStartOrdinal``: ``spec.ordinals.start`` if set, else 0."""
    ordinals = sts.spec.ordinals if sts.spec else None
    return (ordinals.start or 0) if ordinals is not None else 0


def get_end_ordinal(sts: Any) -> int:
    """``getEndOrdinal``: the last ordinal of the replicas (inclusive)."""
    return get_start_ordinal(sts) + (sts.spec.replicas or 0) - 1


def pod_in_ordinal_range(pod: Any, sts: Any) -> bool:
    """``podInOrdinalRange``: whether the Pod's ordinal is one the StatefulSet keeps."""
    ordinal = get_ordinal(pod)
    return get_start_ordinal(sts) <= ordinal <= get_end_ordinal(sts)


def get_pod_name(sts: Any, ordinal: int) -> str:
    """``getPodName``: ``<set>-<ordinal>``.

    >>> from k8snet.api.apps_v1 import StatefulSet
    >>> get_pod_name(StatefulSet(metadata={"name": "web"}), 2)
    'web-2'
    """
    return f"{sts.metadata.name}-{ordinal}"


def is_member_of(sts: Any, pod: Any) -> bool:
    """``isMemberOf``: the Pod's name says it belongs to the set."""
    return get_parent_name_and_ordinal(pod)[0] == sts.metadata.name


def identity_matches(sts: Any, pod: Any) -> bool:
    """``identityMatches``: the Pod's name, namespace and pod-name label are those of a member of the set."""
    parent, ordinal = get_parent_name_and_ordinal(pod)
    return (
        ordinal >= 0
        and sts.metadata.name == parent
        and pod.metadata.name == get_pod_name(sts, ordinal)
        and pod.metadata.namespace == sts.metadata.namespace
        and (pod.metadata.labels or {}).get(POD_NAME_LABEL) == pod.metadata.name
    )


def is_created(pod: Any) -> bool:
    """``isCreated``: the Pod has a phase (the API server has it)."""
    return bool(pod.status and pod.status.phase)


def is_running_and_ready(pod: Any) -> bool:
    """``isRunningAndReady``: phase Running and the Ready condition True."""
    return bool(pod.status) and pod.status.phase == "Running" and is_pod_ready(pod)


def is_terminating(pod: Any) -> bool:
    """``isTerminating``: the Pod has a deletionTimestamp."""
    return pod.metadata.deletionTimestamp is not None


def is_running_and_available(pod: Any, min_ready_seconds: int, now: Any) -> bool:
    """``podutil.IsPodAvailable``: ready, and ready for at least ``minReadySeconds``."""
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    for c in (pod.status.conditions if pod.status else None) or []:
        if c.type == "Ready" and c.lastTransitionTime is not None:
            return (now - c.lastTransitionTime).total_seconds() >= min_ready_seconds
    return False


def is_unavailable(pod: Any, min_ready_seconds: int, now: Any) -> bool:
    """``isUnavailable``: terminating, or not Running and available."""
    return is_terminating(pod) or not (
        is_running_and_ready(pod) and is_running_and_available(pod, min_ready_seconds, now)
    )


def fnv32(data: bytes) -> int:
    """FNV-1 32 (Go's ``hash/fnv.New32``, which ``HashControllerRevision`` uses; FNV-1a is ``New32a``)."""
    h = 0x811C9DC5
    for b in data:
        h = (h * 0x01000193) & 0xFFFFFFFF
        h ^= b
    return h


def revision_data(sts: Any) -> dict:
    """``getPatch``: what a StatefulSet's ControllerRevision stores, the pod template marked ``$patch: replace``."""
    template = sts.spec.template.to_dict() if sts.spec and sts.spec.template else {}
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def hash_controller_revision(data: dict, collision_count: int | None = None) -> str:
    """``history.HashControllerRevision``: FNV-32 of the revision's JSON, then of the collision count, encoded
    with ``rand.SafeEncodeString`` (see the module notes on how our JSON differs from Go's).

    >>> h = hash_controller_revision({"spec": {"template": {"$patch": "replace"}}})
    >>> h == hash_controller_revision({"spec": {"template": {"$patch": "replace"}}}), h != hash_controller_revision({}, 1)
    (True, True)
    """
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    if collision_count is not None:
        raw += str(collision_count).encode()
    return safe_encode(str(fnv32(raw)))


def new_stateful_set_pod(sts: Any, ordinal: int, revision: str) -> Any:
    """``newVersionedStatefulSetPod`` / ``newStatefulSetPod``: the Pod of ``ordinal`` from the set's template
    (``controller.GetPodFromTemplate``: the template's labels, annotations and spec, a controller
    ownerReference), with ``initIdentity`` (name, hostname, subdomain, the pod-name and pod-index labels) and
    ``setPodRevision``.

    >>> from k8snet.api.apps_v1 import StatefulSet
    >>> sts = StatefulSet(metadata={"name": "web", "namespace": "default", "uid": "u1"}, spec={
    ...     "serviceName": "nginx", "replicas": 2, "selector": {"matchLabels": {"app": "nginx"}},
    ...     "template": {"metadata": {"labels": {"app": "nginx"}},
    ...                  "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}})
    >>> pod = new_stateful_set_pod(sts, 1, "web-6b5c8f7d9")
    >>> pod.metadata.name, pod.spec.hostname, pod.spec.subdomain
    ('web-1', 'web-1', 'nginx')
    >>> sorted(pod.metadata.labels.items())
    [('app', 'nginx'), ('apps.kubernetes.io/pod-index', '1'), ('controller-revision-hash', 'web-6b5c8f7d9'), ('statefulset.kubernetes.io/pod-name', 'web-1')]
    >>> identity_matches(sts, pod)
    True
    """

    tmpl = sts.spec.template
    name = get_pod_name(sts, ordinal)
    labels = dict((tmpl.metadata.labels if tmpl.metadata else None) or {})
    labels[POD_NAME_LABEL] = name
    labels[POD_INDEX_LABEL] = str(ordinal)
    labels[REVISION_LABEL] = revision
    spec = tmpl.spec.model_copy(deep=True)
    spec.hostname = name
    spec.subdomain = sts.spec.serviceName or None
    # GetPodFromTemplate sets generateName "<set>-" too; the name given wins
    pod = pod_from_template(sts, labels=labels, spec=spec, name=name)
    return pod


class StatefulSetController(QueueController):
    """Keeps every StatefulSet's ordinal Pods (see the module notes for the algorithm and what is simplified).

    Watches StatefulSets, their Pods (a Pod's event queues the StatefulSet its controller ownerReference names)
    and their ControllerRevisions; the owned objects come from the informers' owner-uid index.

    Example
    -------
    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> _ = c.apply('''
    ... apiVersion: apps/v1
    ... kind: StatefulSet
    ... metadata: {name: web}
    ... spec:
    ...   serviceName: nginx
    ...   replicas: 3
    ...   selector: {matchLabels: {app: nginx}}
    ...   template:
    ...     metadata: {labels: {app: nginx}}
    ...     spec: {containers: [{name: nginx, image: nginx}]}
    ... ''')
    >>> [(p.metadata.name, p.spec.hostname, p.spec.subdomain) for p in c.pods("default")]
    [('web-0', 'web-0', 'nginx'), ('web-1', 'web-1', 'nginx'), ('web-2', 'web-2', 'nginx')]
    >>> print(c.kubectl("get sts web"), end="")
    NAME   READY   AGE
    web    3/3     0s
    """

    primary_kind = "StatefulSet"

    def __init__(self, api: Any, events: EventRecorder):
        super().__init__(api)
        self.events = events

    def register(self, informers: Any) -> None:
        self.index_owned("ControllerRevision")
        self.watch_primary()
        self.watch_owned("Pod")

    def sync_key(self, key: Any) -> None:
        sts = self.informer("StatefulSet").get(*key)
        if sts is not None:
            self.sync_one(sts)

    # -- revisions ---------------------------------------------------------------------------------------
    def _revisions(self, sts: Any) -> tuple[Any, Any, int]:
        """``getStatefulSetRevisions``: (current revision, update revision, collision count); creates the update
        revision when the template has none yet, or bumps an older equal one's ``revision`` (a rollback)."""
        from k8snet.api.apps_v1 import ControllerRevision
        from k8snet.api.meta_v1 import ObjectMeta

        revisions = sorted(self.owned("ControllerRevision", sts), key=lambda r: (r.revision, r.metadata.name))
        collision = (sts.status.collisionCount if sts.status else None) or 0
        data = revision_data(sts)
        next_number = revisions[-1].revision + 1 if revisions else 1
        equal = [r for r in revisions if r.data == data]
        if equal and equal[-1] is revisions[-1]:
            update = revisions[-1]
        elif equal:
            update = self.api.update(equal[-1].model_copy(update={"revision": next_number}), shared=True)
        else:
            while True:
                h = hash_controller_revision(data, collision)
                labels = dict(
                    (sts.spec.template.metadata.labels if sts.spec.template.metadata else None) or {}
                )
                labels[CONTROLLER_REVISION_HASH_LABEL] = h
                cr = ControllerRevision(
                    metadata=ObjectMeta.model_validate(
                        {
                            "name": f"{sts.metadata.name}-{h}",
                            "namespace": sts.metadata.namespace,
                            "labels": labels,
                            "annotations": dict(sts.metadata.annotations)
                            if sts.metadata.annotations
                            else None,
                            "ownerReferences": [owner_reference(sts)],
                        }
                    ),
                    data=data,
                    revision=next_number,
                )
                try:
                    update = self.api.create(cr, shared=True)
                    break
                except AlreadyExistsError:
                    # history.CreateControllerRevision: a name taken by different data is a collision
                    existing = self.api.store.read(
                        "ControllerRevision", cr.metadata.name, sts.metadata.namespace
                    )
                    if existing is not None and existing.data == data:
                        update = existing
                        break
                    collision += 1
        current = next(
            (r for r in revisions if sts.status and r.metadata.name == sts.status.currentRevision), None
        )
        return current or update, update, collision

    def _truncate_history(self, sts: Any, pods: list[Any], current: Any, update: Any) -> None:
        """``truncateHistory``: delete the oldest revisions no Pod uses beyond ``revisionHistoryLimit``."""
        live = {current.metadata.name, update.metadata.name}
        live |= {(p.metadata.labels or {}).get(REVISION_LABEL) for p in pods}
        history = sorted(
            (r for r in self.owned("ControllerRevision", sts) if r.metadata.name not in live),
            key=lambda r: (r.revision, r.metadata.name),
        )
        limit = sts.spec.revisionHistoryLimit if sts.spec.revisionHistoryLimit is not None else 10
        if limit < 0 or len(history) <= limit:
            return
        for r in history[: len(history) - limit]:
            try:
                self.api.delete("ControllerRevision", r.metadata.name, r.metadata.namespace)
            except NotFoundError:
                pass

    # -- pods --------------------------------------------------------------------------------------------
    def _create_pod(self, sts: Any, pod: Any) -> K8snetError | None:
        """``CreateStatefulPod`` and ``recordPodEvent("create", ...)``."""
        try:
            self.api.create(pod, shared=True)
        except AlreadyExistsError as err:
            return err  # no event for an existing Pod (stateful_pod_control.go)
        except K8snetError as err:
            self.events.event(
                sts,
                "Warning",
                "FailedCreate",
                f"create Pod {pod.metadata.name} in StatefulSet {sts.metadata.name} failed error: "
                f"{status_message(err)}",
                COMPONENT,
            )
            return err
        self.events.event(
            sts,
            "Normal",
            "SuccessfulCreate",
            f"create Pod {pod.metadata.name} in StatefulSet {sts.metadata.name} successful",
            COMPONENT,
        )
        return None

    def _delete_pod(self, sts: Any, pod: Any) -> K8snetError | None:
        """``DeleteStatefulPod`` and ``recordPodEvent("delete", ...)``."""
        try:
            self.api.delete("Pod", pod.metadata.name, pod.metadata.namespace)
        except K8snetError as err:
            self.events.event(
                sts,
                "Warning",
                "FailedDelete",
                f"delete Pod {pod.metadata.name} in StatefulSet {sts.metadata.name} failed error: "
                f"{status_message(err)}",
                COMPONENT,
            )
            return None if isinstance(err, NotFoundError) else err
        self.events.event(
            sts,
            "Normal",
            "SuccessfulDelete",
            f"delete Pod {pod.metadata.name} in StatefulSet {sts.metadata.name} successful",
            COMPONENT,
        )
        return None

    def sync_one(self, sts: Any) -> None:
        """``syncStatefulSet`` → ``UpdateStatefulSet``: reconcile the Pods, write the status, trim history."""
        current, update, collision = self._revisions(sts)
        pods = self.owned("Pod", sts)
        err = self._update_stateful_set(sts, current, update, pods)
        pods = self.owned("Pod", sts)
        self._update_status(sts, current, update, collision, pods)
        self._truncate_history(sts, pods, current, update)
        if err is not None:
            raise err

    def _update_stateful_set(
        self, sts: Any, current: Any, update: Any, pods: list[Any]
    ) -> K8snetError | None:
        """``updateStatefulSet``: create, delete and replace Pods toward the target state; returns the error
        that stopped it, if any."""
        now = self.clock.now()
        min_ready = sts.spec.minReadySeconds or 0
        start, end = get_start_ordinal(sts), get_end_ordinal(sts)
        existing: dict[int, Any] = {}
        condemned: list[Any] = []
        for pod in pods:
            if pod_in_ordinal_range(pod, sts):
                existing[get_ordinal(pod)] = pod
            elif get_ordinal(pod) >= 0:
                condemned.append(pod)
        partition = 0
        strategy = sts.spec.updateStrategy
        if strategy is not None and strategy.rollingUpdate is not None:
            partition = strategy.rollingUpdate.partition or 0
        rolling = strategy is None or strategy.type in (None, "RollingUpdate")
        current_replicas = (sts.status.currentReplicas or 0) if sts.status else 0

        def new_pod(ordinal: int) -> Any:
            # newVersionedStatefulSetPod: ordinals below the partition keep the current revision
            # Go's `A && B || C`: (RollingUpdate without rollingUpdate, below the current replicas) or (below the
            # partition)
            has_rolling_update = strategy is not None and strategy.rollingUpdate is not None
            keep_current = (rolling and not has_rolling_update and ordinal < start + current_replicas) or (
                has_rolling_update and ordinal < start + partition
            )
            revision = current if keep_current else update
            tmpl_set = _set_at_revision(sts, revision)
            return new_stateful_set_pod(tmpl_set, ordinal, revision.metadata.name)

        # The replica slots in ordinal order: every existing Pod, and the missing ordinals up to MAX_BATCH_SIZE of
        # them. Upstream holds one slot per ordinal; the bound keeps one sync's work finite whatever `replicas`
        # says (monotonic mode creates one Pod per sync anyway; Parallel mode creates the rest on later syncs,
        # woken by the new Pods' events).
        replicas: list[Any] = []
        missing = 0
        previous = start - 1
        for ordinal in [*sorted(existing), end + 1]:
            gap = previous + 1
            while gap < ordinal and missing < MAX_BATCH_SIZE:
                replicas.append(_NewPod(gap))
                missing, gap = missing + 1, gap + 1
            if ordinal <= end:
                replicas.append(existing[ordinal])
            previous = ordinal
        condemned.sort(key=get_ordinal, reverse=True)
        # the first unavailable replica (a Pod still to create is unavailable), else condemned Pod
        first_unavailable = next(
            (
                p
                for p in replicas + condemned[::-1]
                if isinstance(p, _NewPod) or is_unavailable(p, min_ready, now)
            ),
            None,
        )
        if sts.metadata.deletionTimestamp is not None:
            return None
        monotonic = sts.spec.podManagementPolicy != "Parallel"

        def process_replica(i: int) -> tuple[bool, K8snetError | None]:
            pod = replicas[i]
            if isinstance(pod, _NewPod):
                err = self._create_pod(sts, new_pod(pod.ordinal))
                if err is not None and not isinstance(err, AlreadyExistsError):
                    return True, err
                return monotonic, None
            phase = pod.status.phase if pod.status else None
            if phase in ("Failed", "Succeeded"):
                # the Pod is deleted; a new one with the same name comes on a later sync
                if pod.metadata.deletionTimestamp is None:
                    err = self._delete_pod(sts, pod)
                    if err is not None:
                        return True, err
                return True, None
            if monotonic and (
                is_terminating(pod)
                or not is_running_and_ready(pod)
                or not is_running_and_available(pod, min_ready, now)
            ):
                return True, None
            return False, None

        def process_condemned(i: int) -> tuple[bool, K8snetError | None]:
            pod = condemned[i]
            if is_terminating(pod):
                return monotonic, None
            if monotonic and pod is not first_unavailable and is_unavailable(pod, min_ready, now):
                return True, None
            err = self._delete_pod(sts, pod)
            return True, err

        stop, err = _run_for_all(len(replicas), process_replica, monotonic)
        if stop or err is not None:
            return err
        stop, err = _run_for_all(len(condemned), process_condemned, monotonic)
        if stop or err is not None:
            return err
        if not rolling:
            return None  # OnDelete: Pods are replaced only when someone deletes them
        for ordinal in range(end, start + partition - 1, -1):
            pod = existing.get(ordinal)
            if pod is None:
                return None  # just created (or still to create) at the update revision: wait for it
            if (pod.metadata.labels or {}).get(REVISION_LABEL) != update.metadata.name and not is_terminating(
                pod
            ):
                return self._delete_pod(sts, pod)
            if is_unavailable(pod, min_ready, now):
                return None
        return None

    def _update_status(self, sts: Any, current: Any, update: Any, collision: int, pods: list[Any]) -> None:
        """``updateStatus`` / ``completeRollingUpdate`` / ``updateStatefulSetStatus``: count the Pods and write
        the status when it changed; with ``minReadySeconds``, sync again when a ready Pod becomes available."""
        from k8snet.api.apps_v1 import StatefulSetStatus

        live = self.api.store.read("StatefulSet", sts.metadata.name, sts.metadata.namespace)
        if live is None:
            return
        now = self.clock.now()
        min_ready = live.spec.minReadySeconds or 0
        counted = [p for p in pods if get_ordinal(p) >= 0]
        replicas = sum(1 for p in counted if is_created(p))
        ready = [p for p in counted if is_running_and_ready(p)]
        available = sum(1 for p in ready if is_running_and_available(p, min_ready, now))
        alive = [p for p in counted if is_created(p) and not is_terminating(p)]
        current_n = sum(
            1 for p in alive if (p.metadata.labels or {}).get(REVISION_LABEL) == current.metadata.name
        )
        updated_n = sum(
            1 for p in alive if (p.metadata.labels or {}).get(REVISION_LABEL) == update.metadata.name
        )
        current_revision = current.metadata.name
        want = live.spec.replicas or 0
        strategy = live.spec.updateStrategy
        if (
            (strategy is None or strategy.type in (None, "RollingUpdate"))
            and updated_n == want
            and len(ready) == want
            and replicas == want
        ):
            current_n, current_revision = updated_n, update.metadata.name
        # the int32 fields marked omitempty in apps/v1 types.go are left out when 0, as Go's encoder leaves them
        status = StatefulSetStatus(
            observedGeneration=live.metadata.generation,
            replicas=replicas,
            readyReplicas=len(ready) or None,
            currentReplicas=current_n or None,
            updatedReplicas=updated_n or None,
            currentRevision=current_revision,
            updateRevision=update.metadata.name,
            collisionCount=collision,
            availableReplicas=available,
        )
        if live.status is None or live.status != status:
            self.api.store.put(live.model_copy(update={"status": status}), owned=True)
        if min_ready and available != len(ready):
            # stateful_set.go: "requeue after minReadySeconds" so the Pods' availability is seen
            self.queue.add_after(object_key(live), float(min_ready))


class _NewPod:
    """A replica slot with no Pod yet (``isCreated`` is false for it): the ordinal of the Pod to create, which is
    built only when it is created."""

    __slots__ = ("ordinal",)

    def __init__(self, ordinal: int):
        self.ordinal = ordinal


def _set_at_revision(sts: Any, revision: Any) -> Any:
    """``ApplyRevision``: the set with the revision's template."""
    from k8snet.api.core_v1 import PodTemplateSpec

    template = dict((revision.data or {}).get("spec", {}).get("template", {}))
    template.pop("$patch", None)
    if sts.spec.template is not None and template == sts.spec.template.to_dict():
        return sts
    return sts.model_copy(
        update={"spec": sts.spec.model_copy(update={"template": PodTemplateSpec.model_validate(template)})}
    )


def _run_for_all(n: int, fn: Any, monotonic: bool) -> tuple[bool, K8snetError | None]:
    """``runForAll``: in monotonic mode call ``fn`` for each index in turn and stop at the first that asks to
    (or fails); otherwise call it for all of them in slow-start batches."""
    if monotonic:
        for i in range(n):
            stop, err = fn(i)
            if stop or err is not None:
                return True, err
        return False, None
    index = iter(range(n))

    def one() -> K8snetError | None:
        return fn(next(index))[1]

    _, err = slow_start_batch(n, 1, one, max_batch=MAX_BATCH_SIZE)
    return err is not None, err
