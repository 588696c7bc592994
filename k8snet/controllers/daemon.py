"""The DaemonSet controller (kubernetes/kubernetes ``pkg/controller/daemon``: ``daemon_controller.go``,
``update.go``, ``util/daemonset_util.go``).

A DaemonSet runs one Pod on every node its Pods fit: ``NodeShouldRunDaemonPod`` builds the Pod the node would get
(``NewPod``: the template with the daemon tolerations of ``AddOrUpdateDaemonPodTolerations``) and checks
``predicates``: the node name, the required node affinity (``spec.nodeSelector`` and
``affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution``, as
``component-helpers/scheduling/corev1/nodeaffinity`` matches them) and the node's ``NoSchedule``/``NoExecute``
taints (``FindMatchingUntoleratedTaint``). So a kubeadm control-plane node, tainted
``node-role.kubernetes.io/control-plane:NoSchedule``, gets no Pod unless the template tolerates that taint.

Each Pod is created from the template with ``generateName: <ds>-`` (five characters from the API server's seeded
generator), the labels ``controller-revision-hash`` (the template's hash) and ``pod-template-generation`` (the
DaemonSet's generation), the daemon tolerations, and ``spec.affinity.nodeAffinity`` replaced by a
``matchFields`` term on ``metadata.name`` for its node (``ReplaceDaemonSetPodNodeNameNodeAffinity``): the default
scheduler binds it there. A node that should no longer run the Pod (its labels or taints changed) has it deleted;
extra Pods on a node are deleted, the oldest kept.

Rolling update (``update.go`` ``rollingUpdate``, ``maxSurge: 0``): once the template changes, old Pods are
deleted while the unavailable Pods stay within ``maxUnavailable`` (rounded up), and each node gets a new Pod.
``OnDelete``: old Pods stay until someone deletes them.

Status (``updateDaemonSetStatus``): ``desiredNumberScheduled`` (nodes that should run the Pod),
``currentNumberScheduled`` (those that do), ``numberMisscheduled`` (nodes running it that should not),
``numberReady``, ``updatedNumberScheduled``, ``numberAvailable`` (ready for ``minReadySeconds``),
``numberUnavailable``, ``observedGeneration``.

Events (``RealPodControl``, component ``daemonset-controller``): ``SuccessfulCreate`` "Created pod: <name>",
``SuccessfulDelete`` "Deleted pod: <name>", and the Warnings ``FailedCreate`` "Error creating: <error>" /
``FailedDelete`` "Error deleting: <error>" (the DaemonSet is then retried with back-off).

A Pod that is terminating still holds its node: the new Pod is created once the old one is gone.

Simplifications, stated: failed daemon Pods are deleted and created again without back-off;
the template hash is :func:`~k8snet.controllers.deployment.compute_hash` (upstream's shape, not its value, see
there); no ControllerRevision history is pruned; ``maxSurge`` is not modelled (treated as 0).
"""

from __future__ import annotations

import math
from typing import Any

from k8snet.controllers import (
    EventRecorder,
    PodControl,
    QueueController,
    is_pod_ready,
    is_pod_terminal,
    owner_reference,
    pod_from_template,
)
from k8snet.controllers.deployment import compute_hash, slow_start_batch
from k8snet.controllers.informers import object_key
from k8snet.controllers.kubelet import node_affinity_matches, tolerates
from k8snet.errors import AlreadyExistsError, K8snetError

__all__ = [
    "DaemonSetController",
    "add_or_update_daemon_pod_tolerations",
    "replace_daemon_set_pod_node_name_node_affinity",
    "get_target_node_name",
    "predicates",
    "node_should_run_daemon_pod",
    "BURST_REPLICAS",
]

#: ``daemon.BurstReplicas``: at most this many creates or deletes per sync
BURST_REPLICAS = 250
COMPONENT = "daemonset-controller"
#: ``apps.DefaultDaemonSetUniqueLabelKey`` and ``extensions.DaemonSetTemplateGenerationKey``
REVISION_LABEL = "controller-revision-hash"
TEMPLATE_GENERATION_LABEL = "pod-template-generation"

#: The tolerations ``AddOrUpdateDaemonPodTolerations`` gives every daemon Pod, in upstream's order (the last
#: only with ``hostNetwork``).
DAEMON_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
NETWORK_UNAVAILABLE = ("node.kubernetes.io/network-unavailable", "NoSchedule")


def add_or_update_daemon_pod_tolerations(spec: Any) -> None:
    """``AddOrUpdateDaemonPodTolerations``: add the daemon tolerations (``operator: Exists``) to a PodSpec;
    ``v1helper.AddOrUpdateTolerationInPodSpec`` replaces a toleration with the same key, operator, value and
    effect in place and appends the others.

    >>> from k8snet.api.core_v1 import PodSpec
    >>> spec = PodSpec(containers=[{"name": "a", "image": "busybox"}], hostNetwork=True)
    >>> add_or_update_daemon_pod_tolerations(spec)
    >>> [(t["key"], t["effect"]) for t in spec.tolerations][-2:]
    [('node.kubernetes.io/unschedulable', 'NoSchedule'), ('node.kubernetes.io/network-unavailable', 'NoSchedule')]
    """
    tolerations = [
        t if isinstance(t, dict) else t.model_dump(exclude_none=True) for t in spec.tolerations or []
    ]
    wanted = list(DAEMON_TOLERATIONS) + ([NETWORK_UNAVAILABLE] if spec.hostNetwork else [])
    for key, effect in wanted:
        new = {"key": key, "operator": "Exists", "effect": effect}
        for i, t in enumerate(tolerations):
            if (
                t.get("key") == key
                and (t.get("operator") or "Equal") == "Exists"
                and not t.get("value")
                and t.get("effect") == effect
            ):
                tolerations[i] = new
                break
        else:
            tolerations.append(new)
    spec.tolerations = tolerations


def replace_daemon_set_pod_node_name_node_affinity(affinity: dict | None, node_name: str) -> dict:
    """``ReplaceDaemonSetPodNodeNameNodeAffinity``: the required node affinity becomes one term matching the field
    ``metadata.name`` to ``node_name``; preferred terms and pod (anti-)affinity are kept.

    >>> replace_daemon_set_pod_node_name_node_affinity(None, "kind-worker")
    {'nodeAffinity': {'requiredDuringSchedulingIgnoredDuringExecution': {'nodeSelectorTerms': [{'matchFields': [{'key': 'metadata.name', 'operator': 'In', 'values': ['kind-worker']}]}]}}}
    """
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
    out = dict(affinity or {})
    node_affinity = dict(out.get("nodeAffinity") or {})
    required = dict(node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    required["nodeSelectorTerms"] = [term]
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = required
    out["nodeAffinity"] = node_affinity
    return out


def get_target_node_name(pod: Any) -> str | None:
    """``GetTargetNodeName``: ``spec.nodeName``, else the node named by the ``metadata.name`` matchFields term of
    the required node affinity (a Pod not yet scheduled), else None."""
    if pod.spec and pod.spec.nodeName:
        return pod.spec.nodeName
    affinity = (pod.spec.affinity if pod.spec else None) or {}
    required = (affinity.get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for req in term.get("matchFields") or []:
            if req.get("key") == "metadata.name" and req.get("operator") == "In":
                values = req.get("values") or []
                return values[0] if len(values) == 1 else None
    return None


def predicates(pod: Any, node: Any) -> tuple[bool, bool, bool]:
    """``predicates``: (fits the node name, fits the required node affinity and nodeSelector, tolerates every
    ``NoSchedule``/``NoExecute`` taint of the node).

    >>> from k8snet.api.core_v1 import Node, Pod
    >>> cp = Node(metadata={"name": "cp", "labels": {"kubernetes.io/os": "linux"}},
    ...           spec={"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]})
    >>> pod = Pod(metadata={"name": "agent"}, spec={"containers": [{"name": "a", "image": "busybox"}],
    ...           "nodeSelector": {"kubernetes.io/os": "linux"}})
    >>> predicates(pod, cp)
    (True, True, False)
    >>> pod.spec.tolerations = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
    ...                          "effect": "NoSchedule"}]
    >>> predicates(pod, cp)
    (True, True, True)
    """
    spec = pod.spec
    fits_node_name = not spec.nodeName or spec.nodeName == node.metadata.name
    labels = node.metadata.labels or {}
    fits_affinity = all(labels.get(k) == v for k, v in (spec.nodeSelector or {}).items())
    fits_affinity = fits_affinity and node_affinity_matches(spec.affinity, node)
    taints = [
        t
        for t in ((node.spec.taints if node.spec else None) or [])
        if t.effect in ("NoSchedule", "NoExecute")
    ]
    fits_taints = all(tolerates(spec.tolerations, t) for t in taints)
    return fits_node_name, fits_affinity, fits_taints


def node_should_run_daemon_pod(pod: Any, node: Any) -> tuple[bool, bool]:
    """``NodeShouldRunDaemonPod``: (should run a daemon Pod, should keep running one already there). A node whose
    only untolerated taints are ``NoSchedule`` keeps a Pod it already runs."""
    fits_name, fits_affinity, fits_taints = predicates(pod, node)
    if not fits_name or not fits_affinity:
        return False, False
    if not fits_taints:
        no_execute = [t for t in ((node.spec.taints if node.spec else None) or []) if t.effect == "NoExecute"]
        return False, all(tolerates(pod.spec.tolerations, t) for t in no_execute)
    return True, True


class DaemonSetController(QueueController):
    """One Pod per eligible node for every DaemonSet (see the module notes).

    Watches DaemonSets, their Pods (a Pod's event queues its DaemonSet) and Nodes (a node's change queues every
    DaemonSet, as ``addNode``/``updateNode`` do for the ones the node affects).

    Example
    -------
    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="kind")
    >>> _ = c.apply('''
    ... apiVersion: apps/v1
    ... kind: DaemonSet
    ... metadata: {name: agent}
    ... spec:
    ...   selector: {matchLabels: {app: agent}}
    ...   template:
    ...     metadata: {labels: {app: agent}}
    ...     spec: {containers: [{name: agent, image: busybox}]}
    ... ''')
    >>> sorted(p.spec.nodeName for p in c.pods("default"))
    ['kind-worker', 'kind-worker2']
    >>> print(c.kubectl("get ds"), end="")
    NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE
    agent   2         2         2       2            2           <none>          0s
    """

    primary_kind = "DaemonSet"

    def __init__(self, api: Any, events: EventRecorder, burst_replicas: int = BURST_REPLICAS):
        super().__init__(api)
        self.events = events
        self.pod_control = PodControl(api, events, COMPONENT)
        self.burst_replicas = burst_replicas

    def register(self, informers: Any) -> None:
        self.index_owned("ControllerRevision")
        self.watch_primary()
        self.watch_owned("Pod")
        self.watch(
            "Node",
            add=self._node_changed,
            update=lambda old, new: self._node_changed(new),
            delete=self._node_changed,
        )

    def _node_changed(self, node: Any) -> None:
        for ds in self.informer("DaemonSet").list():
            self.enqueue(object_key(ds))

    def sync_key(self, key: Any) -> None:
        ds = self.informer("DaemonSet").get(*key)
        if ds is not None:
            self.sync_one(ds)

    def _hash(self, ds: Any) -> str:
        return compute_hash(ds.spec.template, ds.status.collisionCount if ds.status else None)

    def _ensure_revision(self, ds: Any, hash_: str) -> None:
        """``constructHistory``: the ControllerRevision ``<ds>-<hash>`` of the current template exists."""
        from k8snet.api.apps_v1 import ControllerRevision
        from k8snet.api.meta_v1 import ObjectMeta

        revisions = self.owned("ControllerRevision", ds)
        name = f"{ds.metadata.name}-{hash_}"
        if any(r.metadata.name == name for r in revisions):
            return
        template = ds.spec.template.to_dict()
        template["$patch"] = "replace"
        labels = dict((ds.spec.template.metadata.labels if ds.spec.template.metadata else None) or {})
        labels[REVISION_LABEL] = hash_
        cr = ControllerRevision(
            metadata=ObjectMeta.model_validate(
                {
                    "name": name,
                    "namespace": ds.metadata.namespace,
                    "labels": labels,
                    "annotations": dict(ds.metadata.annotations) if ds.metadata.annotations else None,
                    "ownerReferences": [owner_reference(ds)],
                }
            ),
            data={"spec": {"template": template}},
            revision=1 + max((r.revision for r in revisions), default=0),
        )
        try:
            self.api.create(cr, shared=True)
        except AlreadyExistsError:
            pass

    def _template_pod(self, ds: Any, hash_: str) -> Any:
        """``NewPod`` plus ``CreatePodTemplate``: the Pod a node would get, before its node affinity."""

        tmpl = ds.spec.template
        labels = dict((tmpl.metadata.labels if tmpl.metadata else None) or {})
        labels[REVISION_LABEL] = hash_
        labels[TEMPLATE_GENERATION_LABEL] = str(ds.metadata.generation or 1)
        spec = tmpl.spec.model_copy(deep=True)
        add_or_update_daemon_pod_tolerations(spec)
        pod = pod_from_template(ds, labels=labels, spec=spec)
        return pod

    def sync_one(self, ds: Any) -> None:
        """``syncDaemonSet``: ``manage`` (create and delete per node), the rolling update, then the status."""
        if ds.metadata.deletionTimestamp is not None:
            return
        hash_ = self._hash(ds)
        self._ensure_revision(ds, hash_)
        template_pod = self._template_pod(ds, hash_)
        nodes = sorted(self.informer("Node").list(), key=lambda n: n.metadata.name)
        by_node: dict[str, list[Any]] = {}
        for pod in self.owned("Pod", ds):
            by_node.setdefault(get_target_node_name(pod) or "", []).append(pod)
        create_on: list[str] = []
        delete: list[Any] = []
        for node in nodes:
            name = node.metadata.name
            should_run, should_continue = node_should_run_daemon_pod(template_pod, node)
            # a Pod still terminating holds its node: the new one comes once it is gone (getNodesToDaemonPods
            # leaves out only Pods that are both deleted and finished)
            holding = [p for p in by_node.get(name, []) if not _deleted_and_finished(p)]
            pods = [p for p in holding if p.metadata.deletionTimestamp is None]
            if should_run and not holding:
                create_on.append(name)
            elif should_continue:
                failed = [p for p in pods if p.status and p.status.phase == "Failed"]
                delete += failed
                running = sorted(
                    (p for p in pods if p not in failed),
                    key=lambda p: (p.metadata.creationTimestamp, p.metadata.name),
                )
                if not running and should_run and failed:
                    create_on.append(name)
                delete += running[1:]  # more than one daemon Pod on the node: keep the oldest
            else:
                delete += pods
        known = {n.metadata.name for n in nodes}
        for name, pods in by_node.items():
            if name not in known:  # the node is gone: its Pods go too (podsShouldBeOnNode of a deleted node)
                delete += [p for p in pods if p.metadata.deletionTimestamp is None]
        err = self._sync_nodes(
            ds, template_pod, create_on[: self.burst_replicas], delete[: self.burst_replicas]
        )
        if err is None and (ds.spec.updateStrategy is None or ds.spec.updateStrategy.type != "OnDelete"):
            err = self._rolling_update(ds, hash_, nodes, template_pod)
        self._update_status(ds, hash_, template_pod)
        if err is not None:
            raise err

    def _sync_nodes(
        self, ds: Any, template_pod: Any, create_on: list[str], delete: list[Any]
    ) -> K8snetError | None:
        """``syncNodes``: delete the Pods, then create one Pod per node in slow-start batches."""
        first_err: K8snetError | None = None
        for pod in delete:
            err = self._delete_pod(ds, pod)
            first_err = first_err or err
        targets = iter(create_on)

        def create() -> K8snetError | None:
            return self._create_pod(ds, template_pod, next(targets))

        _, err = slow_start_batch(len(create_on), 1, create)
        return first_err or err

    def _create_pod(self, ds: Any, template_pod: Any, node_name: str) -> K8snetError | None:
        pod = template_pod.model_copy(deep=True)
        pod.spec.affinity = replace_daemon_set_pod_node_name_node_affinity(pod.spec.affinity, node_name)
        return self.pod_control.create_pod(ds, pod)

    def _delete_pod(self, ds: Any, pod: Any) -> K8snetError | None:
        return self.pod_control.delete_pod(ds, pod)

    def _max_unavailable(self, ds: Any, desired: int) -> int:
        """``UnavailableCount``: ``maxUnavailable`` scaled to the desired number, rounded up."""
        ru = ds.spec.updateStrategy.rollingUpdate if ds.spec.updateStrategy else None
        value = ru.maxUnavailable if ru is not None and ru.maxUnavailable is not None else 1
        if isinstance(value, int):
            return value
        return math.ceil(int(str(value).rstrip("%")) * desired / 100)

    def _rolling_update(self, ds: Any, hash_: str, nodes: list[Any], template_pod: Any) -> K8snetError | None:
        """``rollingUpdate`` with ``maxSurge: 0``: delete old Pods while unavailable ones stay within
        ``maxUnavailable``; unavailable old Pods go first."""
        now = self.clock.now()
        min_ready = ds.spec.minReadySeconds or 0
        desired = [n for n in nodes if node_should_run_daemon_pod(template_pod, n)[0]]
        pods = {
            get_target_node_name(p): p for p in self.owned("Pod", ds) if p.metadata.deletionTimestamp is None
        }
        budget = self._max_unavailable(ds, len(desired))
        unavailable = 0
        old_available: list[Any] = []
        old_unavailable: list[Any] = []
        for node in desired:
            pod = pods.get(node.metadata.name)
            if pod is None or not _available(pod, min_ready, now):
                unavailable += 1
            if pod is not None and (pod.metadata.labels or {}).get(REVISION_LABEL) != hash_:
                (old_available if _available(pod, min_ready, now) else old_unavailable).append(pod)
        victims = old_unavailable + old_available[: max(0, budget - unavailable)]
        first_err = None
        for pod in victims:
            first_err = first_err or self._delete_pod(ds, pod)
        return first_err

    def _update_status(self, ds: Any, hash_: str, template_pod: Any) -> None:
        from k8snet.api.apps_v1 import DaemonSetStatus

        live = self.api.store.read("DaemonSet", ds.metadata.name, ds.metadata.namespace)
        if live is None:
            return
        now = self.clock.now()
        min_ready = live.spec.minReadySeconds or 0
        pods: dict[str, list[Any]] = {}
        for p in self.owned("Pod", live):
            if not _deleted_and_finished(p):
                pods.setdefault(get_target_node_name(p) or "", []).append(p)
        desired = current = misscheduled = ready = updated = available = 0
        for node in self.informer("Node").list():
            should_run, _ = node_should_run_daemon_pod(template_pod, node)
            on_node = pods.get(node.metadata.name, [])
            if should_run:
                desired += 1
                if on_node:
                    current += 1
                    oldest = min(on_node, key=lambda p: (p.metadata.creationTimestamp, p.metadata.name))
                    if is_pod_ready(oldest):
                        ready += 1
                        if _available(oldest, min_ready, now):
                            available += 1
                    if any((p.metadata.labels or {}).get(REVISION_LABEL) == hash_ for p in on_node):
                        updated += 1
            elif on_node:
                misscheduled += 1
        status = DaemonSetStatus(
            currentNumberScheduled=current,
            numberMisscheduled=misscheduled,
            desiredNumberScheduled=desired,
            numberReady=ready,
            observedGeneration=live.metadata.generation,
            updatedNumberScheduled=updated or None,  # omitempty, like numberAvailable/numberUnavailable
            numberAvailable=available or None,
            numberUnavailable=(desired - available) or None,
            collisionCount=live.status.collisionCount if live.status else None,
        )
        if live.status is None or live.status != status:
            self.api.store.put(live.model_copy(update={"status": status}), owned=True)
        if min_ready and available != ready:
            self.queue.add_after(object_key(live), float(min_ready))


def _deleted_and_finished(pod: Any) -> bool:
    return pod.metadata.deletionTimestamp is not None and is_pod_terminal(pod)


def _available(pod: Any, min_ready_seconds: int, now: Any) -> bool:
    """``podutil.IsPodAvailable``."""
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    for c in (pod.status.conditions if pod.status else None) or []:
        if c.type == "Ready" and c.lastTransitionTime is not None:
            return (now - c.lastTransitionTime).total_seconds() >= min_ready_seconds
    return False
