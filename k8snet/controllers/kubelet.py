"""Scheduler and kubelet stand-ins: bind pods to nodes, give them IPs, run them, end them.

**Scheduling** (kube-scheduler, reduced): a pending pod goes to a Ready, schedulable node whose taints it
tolerates (``NoSchedule``/``NoExecute``), whose labels match its ``nodeSelector`` and which satisfies its required
node affinity (:func:`node_affinity_matches`; a DaemonSet Pod names its node that way); among those, the node
running the fewest pods wins, ties broken by node name. Upstream scores with many plugins (spreading,
resources, affinity); "least pods, then name" is a deterministic stand-in for its default spreading. A node
holds at most ``status.allocatable.pods`` pods (kubelet's ``maxPods``, 110 by default; NodeResourcesFit counts
the node's non-terminal pods). A pod no node fits stays ``Pending`` with ``PodScheduled=False`` (``Unschedulable``)
and a ``FailedScheduling`` event in kube-scheduler's words (:func:`fit_error_message`); it is tried again when a
node changes or a pod leaves a node.

**Pod IPs** follow the CNI IPAM kind and minikube use: host-local over the node's ``podCIDR``
(containernetworking/plugins ``plugins/ipam/host-local``): the network address is skipped, the first host
address (``.1``) is the gateway on the node's bridge, so the first pod on a node gets ``.2`` and later pods the
next free address after the last one handed out (host-local remembers the last reserved IP and wraps around).
That is why the ``coredns`` pod of a one-node minikube has ``10.244.0.2`` and the first user pod ``.3``.
On a dual-stack node the CNI config has one host-local range per pod CIDR (kindnet writes one per
``spec.podCIDRs`` entry), so a pod gets one address per family, in the node's order: ``status.podIPs`` lists
both and ``status.podIP`` is the first. IPv6 ranges follow the same rules (``::1`` is the gateway, the first pod
gets ``::2``; host-local keeps the last address of an IPv6 range, having no broadcast to skip).
``hostNetwork`` pods get the node's IPs (one per family), and every pod's ``status.hostIPs`` lists the node's
InternalIPs of each family (KEP-2681).

**Running**: a bound pod becomes ``Running`` at once with conditions ``PodReadyToStartContainers``,
``Initialized``, ``Ready``, ``ContainersReady``, ``PodScheduled`` (the order kubectl describe shows in
v1.34), ``hostIP``/``hostIPs``, ``podIP``/``podIPs``, ``startTime`` and a running container status. Image pulls
and probes are not simulated (every readiness probe passes) unless a lesson flips readiness with
:meth:`Kubelet.set_ready`.

**Termination**: a deleted pod keeps running, ``Ready`` as before, until ``deletionTimestamp`` (now + grace
period, set by the API server) has passed on the simulation clock; then the kubelet removes it.

Events: ``Scheduled`` (default-scheduler), ``Created``/``Started`` and ``Killing`` (kubelet), with upstream's
texts; pull events are omitted.

**Environment** (``kubelet_pods.go`` ``makeEnvironmentVariables`` and ``pkg/kubelet/envvars/envvars.go``): when
a container starts, the kubelet gives it the variables the container declares and, for every Service it sees
*at that moment*, ``{SVC}_SERVICE_HOST``/``{SVC}_SERVICE_PORT`` plus the Docker-link variables
(:func:`from_services`): the Services of the Pod's namespace when ``enableServiceLinks`` is true (the default),
and ``kubernetes`` of ``default`` always (:func:`service_env_map`). A Service created later never shows up in a
running container; the kubelet notes, "use DNS instead of env vars ... (recommended)". The kubelet hands both groups
over from Go maps, so their order differs from one container start to the next; the model shuffles each group
with a seed of the Pod's uid. :meth:`Kubelet.exec` runs ``env`` and ``printenv`` in a container (what
``kubectl exec`` reaches).

Simplified environment: the image's own variables are not modelled except ``PATH`` (busybox's and the official
images' ``/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin``); containerd adds ``HOSTNAME`` (the Pod's
hostname) and runc ``HOME`` (``/root``, as for images that run as root); ``envFrom`` and ``valueFrom`` other than
the ``fieldRef`` paths of :func:`container_environment` are not modelled (such a variable is left out).
"""

from __future__ import annotations

import hashlib
import heapq
import ipaddress
import random
from dataclasses import dataclass
from typing import Any

from k8snet.api import freeze
from k8snet.controllers import EventRecorder, QueueController, is_pod_terminal
from k8snet.controllers.informers import NODE_NAME_INDEX, index_by_node_name, object_key
from k8snet.errors import K8snetError
from k8snet.netutils import join_host_port

__all__ = [
    "Kubelet",
    "ExecResult",
    "tolerates",
    "node_affinity_matches",
    "from_services",
    "service_env_map",
    "expand",
    "container_environment",
    "MASTER_SERVICES",
    "DEFAULT_MAX_PODS",
    "allowed_pod_number",
    "fit_error_message",
]


def tolerates(tolerations: list[Any] | None, taint: Any) -> bool:
    """``v1helper.TolerationsTolerateTaint`` for one taint (tolerations as dicts, as the model stores them)."""
    for t in tolerations or []:
        t = t if isinstance(t, dict) else t.model_dump()
        effect = t.get("effect") or ""
        if effect and effect != taint.effect:
            continue
        op = t.get("operator") or "Equal"
        key = t.get("key") or ""
        if op == "Exists" and (not key or key == taint.key):
            return True
        if op == "Equal" and key == taint.key and (t.get("value") or "") == (taint.value or ""):
            return True
    return False


def node_affinity_matches(affinity: dict | None, node: Any) -> bool:
    """Whether ``node`` satisfies a Pod's required node affinity (``requiredDuringSchedulingIgnoredDuringExecution``,
    as ``component-helpers/scheduling/corev1/nodeaffinity`` matches it): the terms are ORed, the requirements of
    a term ANDed; ``matchExpressions`` test the node's labels (``In``, ``NotIn``, ``Exists``, ``DoesNotExist``,
    ``Gt``, ``Lt``), ``matchFields`` its ``metadata.name``; a term with no requirement matches nothing. No
    required affinity matches every node.

    >>> from k8snet.api.core_v1 import Node
    >>> node = Node(metadata={"name": "kind-worker", "labels": {"zone": "a"}})
    >>> term = lambda **r: {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
    ...     {"nodeSelectorTerms": [r]}}}
    >>> node_affinity_matches(None, node)
    True
    >>> node_affinity_matches(term(matchFields=[{"key": "metadata.name", "operator": "In", "values": ["kind-worker"]}]), node)
    True
    >>> node_affinity_matches(term(matchExpressions=[{"key": "zone", "operator": "NotIn", "values": ["a"]}]), node)
    False
    """
    required = ((affinity or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    )
    if not required:
        return True
    labels = node.metadata.labels or {}
    fields = {"metadata.name": node.metadata.name}
    for term in required.get("nodeSelectorTerms") or []:
        exprs = term.get("matchExpressions") or []
        match_fields = term.get("matchFields") or []
        if not exprs and not match_fields:
            continue
        if all(_requirement_matches(r, labels) for r in exprs) and all(
            _requirement_matches(r, fields) for r in match_fields
        ):
            return True
    return False


def _requirement_matches(req: dict, values: dict[str, str]) -> bool:
    key, op, want = req.get("key"), req.get("operator"), req.get("values") or []
    have = values.get(key) if key is not None else None
    if op == "In":
        return have is not None and have in want
    if op == "NotIn":
        return have is None or have not in want
    if op == "Exists":
        return have is not None
    if op == "DoesNotExist":
        return have is None
    if op in ("Gt", "Lt") and have is not None and len(want) == 1:
        try:
            a, b = int(have), int(want[0])
        except ValueError:
            return False
        return a > b if op == "Gt" else a < b
    return False


# -- environment variables ---------------------------------------------------------------------------------------

#: ``masterServices`` in kubelet_pods.go: Services of ``--master-service-namespace`` (``default``) every Pod sees.
MASTER_SERVICES = frozenset({"kubernetes"})
MASTER_SERVICE_NAMESPACE = "default"
#: ``PATH`` of busybox's and the official images' configs (and containerd's default spec).
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _is_service_ip_set(svc: Any) -> bool:
    # v1helper.IsServiceIPSet: not headless ("None") and not empty (ExternalName)
    ip = svc.spec.clusterIP if svc.spec else None
    return bool(ip) and ip != "None"


def _env_name(name: str) -> str:
    # envvars.go makeEnvVariableName: Service and port names are DNS labels, so "-" is the only character to map
    return name.replace("-", "_").upper()


def from_services(services: list[Any]) -> list[tuple[str, str]]:
    """``envvars.FromServices``: the variables a container gets for ``services``, in upstream's order.

    For each Service with a ClusterIP: ``{SVC}_SERVICE_HOST``, ``{SVC}_SERVICE_PORT`` (the first port),
    ``{SVC}_SERVICE_PORT_{NAME}`` per named port, then the Docker-link variables: ``{SVC}_PORT`` (the first
    port as ``tcp://IP:PORT``) and per port ``{SVC}_PORT_{PORT}_{PROTO}`` with ``_PROTO``, ``_PORT``, ``_ADDR``.
    Headless and ExternalName Services get none.

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service(metadata={"name": "web-api"}, spec={"clusterIP": "10.96.5.6",
    ...     "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]})
    >>> for name, value in from_services([svc]):
    ...     print(f"{name}={value}")
    WEB_API_SERVICE_HOST=10.96.5.6
    WEB_API_SERVICE_PORT=80
    WEB_API_SERVICE_PORT_HTTP=80
    WEB_API_PORT=tcp://10.96.5.6:80
    WEB_API_PORT_80_TCP=tcp://10.96.5.6:80
    WEB_API_PORT_80_TCP_PROTO=tcp
    WEB_API_PORT_80_TCP_PORT=80
    WEB_API_PORT_80_TCP_ADDR=10.96.5.6
    """
    out: list[tuple[str, str]] = []
    for svc in services:
        if not _is_service_ip_set(svc) or not svc.spec.ports:
            continue
        ip = svc.spec.clusterIP
        prefix = _env_name(svc.metadata.name)
        out.append((prefix + "_SERVICE_HOST", ip))
        out.append((prefix + "_SERVICE_PORT", str(svc.spec.ports[0].port)))
        for sp in svc.spec.ports:
            if sp.name:
                out.append((f"{prefix}_SERVICE_PORT_{_env_name(sp.name)}", str(sp.port)))
        # makeLinkVariables: Docker-compatible variables
        for i, sp in enumerate(svc.spec.ports):
            protocol = sp.protocol or "TCP"
            url = f"{protocol.lower()}://{join_host_port(ip, sp.port)}"
            if i == 0:
                out.append((prefix + "_PORT", url))  # Docker special-cases the first port
            port_prefix = f"{prefix}_PORT_{sp.port}_{protocol.upper()}"
            out += [
                (port_prefix, url),
                (port_prefix + "_PROTO", protocol.lower()),
                (port_prefix + "_PORT", str(sp.port)),
                (port_prefix + "_ADDR", ip),
            ]
    return out


def service_env_map(services: list[Any], namespace: str, enable_service_links: bool = True) -> dict[str, str]:
    """``getServiceEnvVarMap``: the Service variables for a Pod in ``namespace``.

    ``kubernetes`` in ``default`` always counts (even with ``enableServiceLinks: false``); the other Services of
    the Pod's own namespace count only with ``enableServiceLinks``; Services without a ClusterIP never.

    >>> from k8snet.api.core_v1 import Service
    >>> k = Service(metadata={"name": "kubernetes", "namespace": "default"},
    ...             spec={"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443}]})
    >>> web = Service(metadata={"name": "web", "namespace": "shop"}, spec={"clusterIP": "10.96.7.7",
    ...               "ports": [{"port": 80}]})
    >>> sorted(service_env_map([k, web], "shop"))[:3]
    ['KUBERNETES_PORT', 'KUBERNETES_PORT_443_TCP', 'KUBERNETES_PORT_443_TCP_ADDR']
    >>> "WEB_SERVICE_HOST" in service_env_map([k, web], "shop", enable_service_links=False)
    False
    """
    chosen: dict[str, Any] = {}
    for svc in services:
        if not _is_service_ip_set(svc):
            continue
        ns, name = svc.metadata.namespace or "default", svc.metadata.name
        if ns == MASTER_SERVICE_NAMESPACE and name in MASTER_SERVICES:
            chosen.setdefault(name, svc)
        elif ns == namespace and enable_service_links:
            chosen[name] = svc
    return dict(from_services(list(chosen.values())))


def expand(value: str, *contexts: dict[str, str]) -> str:
    """``expansion.Expand`` with ``MappingFuncFor(contexts...)`` (third_party/forked/golang/expansion): ``$(VAR)``
    becomes the first context's value for ``VAR``, an unknown ``$(VAR)`` stays as written, ``$$`` is a ``$``.

    >>> expand("http://$(WEB_SERVICE_HOST):$(PORT)/$$(x) $(NOPE) $", {"WEB_SERVICE_HOST": "10.96.7.7"}, {"PORT": "80"})
    'http://10.96.7.7:80/$(x) $(NOPE) $'
    """

    def mapping(name: str) -> str:
        for ctx in contexts:
            if name in ctx:
                return ctx[name]
        return f"$({name})"

    out: list[str] = []
    checkpoint = cursor = 0
    while cursor < len(value):
        if value[cursor] == "$" and cursor + 1 < len(value):
            out.append(value[checkpoint:cursor])
            rest = value[cursor + 1 :]
            if rest[0] == "$":  # escaped operator
                read, advance = "$", 1
            elif rest[0] == "(":
                close = rest.find(")", 1)
                if close == -1:  # incomplete reference: the opener is kept
                    read, advance = "$(", 1
                else:
                    read, advance = mapping(rest[1:close]), close + 1
            else:  # an operator that starts no expression
                read, advance = "$" + rest[0], 1
            out.append(read)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + value[checkpoint:]


_FIELD_REFS = {
    "metadata.name": lambda pod: pod.metadata.name,
    "metadata.namespace": lambda pod: pod.metadata.namespace or "default",
    "metadata.uid": lambda pod: pod.metadata.uid,
    "spec.nodeName": lambda pod: pod.spec.nodeName,
    "spec.serviceAccountName": lambda pod: pod.spec.serviceAccountName,
    "status.hostIP": lambda pod: pod.status.hostIP,
    "status.podIP": lambda pod: pod.status.podIP,
    "status.podIPs": lambda pod: ",".join(p.ip for p in pod.status.podIPs or []),
}


def _hostname(pod: Any) -> str:
    # kubelet GeneratePodHostNameAndDomain: spec.hostname, else the Pod's name cut to 63 characters
    name = (pod.spec.hostname if pod.spec else None) or pod.metadata.name
    return name[:63].rstrip("-.") if len(name) > 63 else name


def container_environment(pod: Any, container: Any, services: list[Any]) -> list[tuple[str, str]]:
    """The environment the container's process starts with, as ``env`` lists it.

    ``PATH`` and ``HOSTNAME`` (containerd), the container's declared variables (``value`` with ``$(VAR)``
    references expanded against the earlier ones and the Service variables; ``valueFrom.fieldRef`` for
    ``metadata.name``/``namespace``/``uid``, ``spec.nodeName``/``serviceAccountName``, ``status.hostIP``/
    ``podIP``/``podIPs``), then the Service variables of :func:`service_env_map` not declared by the container,
    then ``HOME`` (runc). The two middle groups come out of Go maps in kubelet, so each is shuffled with a seed
    of the Pod's uid and the container's name.
    """
    env_links = pod.spec.enableServiceLinks is not False
    service_env = service_env_map(services, pod.metadata.namespace or "default", env_links)
    declared: dict[str, str] = {}
    for var in container.env or []:
        var = var if isinstance(var, dict) else var.model_dump()
        name = var.get("name")
        if not name:
            continue
        value_from = var.get("valueFrom")
        if var.get("value"):
            value = expand(var["value"], declared, service_env)
        elif value_from and (value_from.get("fieldRef") or {}).get("fieldPath") in _FIELD_REFS:
            value = _FIELD_REFS[value_from["fieldRef"]["fieldPath"]](pod) or ""
        elif value_from:
            continue  # not modelled (ConfigMaps, Secrets, resources): left out
        else:
            value = ""
        service_env.pop(name, None)
        declared[name] = value
    rng = random.Random(f"env:{pod.metadata.uid}:{container.name}")
    first, second = list(declared.items()), [(k, v) for k, v in service_env.items() if k not in declared]
    rng.shuffle(first)
    rng.shuffle(second)
    head = [("PATH", DEFAULT_PATH), ("HOSTNAME", _hostname(pod))]
    return [kv for kv in head if kv[0] not in declared] + first + second + [("HOME", "/root")]


@dataclass(frozen=True)
class ExecResult:
    """What a command run in a container printed, and its exit status."""

    stdout: str
    exit_code: int


class _LeastPods:
    """The scheduler's choice, "fewest pods, then name", kept incrementally: pods per node (non-terminal pods
    with a ``spec.nodeName``) and, per set of feasible nodes, a heap of ``(pods, name)`` whose stale entries are
    skipped, so a choice costs about ``log(nodes)`` instead of counting every pod on every node."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._heaps: dict[tuple[str, ...], tuple[frozenset[str], list[tuple[int, str]]]] = {}

    @staticmethod
    def weight(pod: Any) -> tuple[str, int]:
        node = pod.spec.nodeName if pod.spec else None
        return (node or "", 1 if node and not is_pod_terminal(pod) else 0)

    def change(self, old: Any, new: Any) -> None:
        before = self.weight(old) if old is not None else ("", 0)
        after = self.weight(new) if new is not None else ("", 0)
        if before == after:
            return
        for node, delta in ((before[0], -before[1]), (after[0], after[1])):
            if delta:
                n = self.counts.get(node, 0) + delta
                self.counts[node] = n
                for members, heap in self._heaps.values():
                    if node in members:
                        heapq.heappush(heap, (n, node))

    def choose(self, feasible: list[str]) -> str:
        key = tuple(feasible)
        entry = self._heaps.get(key)
        if entry is None:
            heap = [(self.counts.get(n, 0), n) for n in feasible]
            heapq.heapify(heap)
            entry = self._heaps[key] = (frozenset(feasible), heap)
        heap = entry[1]
        while heap[0][0] != self.counts.get(heap[0][1], 0):
            heapq.heappop(heap)
        return heap[0][1]

    def nodes_changed(self) -> None:
        self._heaps.clear()


class Kubelet(QueueController):
    """One object standing in for kube-scheduler and every node's kubelet.

    Watches Pods (each change queues the pod) and Nodes (a change queues the pods bound to the node and the
    pods waiting to be scheduled); a pod's grace period is a delayed key on the simulation clock. A pass
    handles its pods in three steps, as the full pass did: remove the pods whose grace period is over, then
    report ``Killing`` for terminating pods or schedule pending ones, then run the bound ones.

    Example
    -------
    >>> from k8snet.sim.cluster import Cluster
    >>> cluster = Cluster()
    >>> _ = cluster.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
    ...                    "spec": {"containers": [{"name": "web", "image": "nginx"}]}})
    >>> pod = cluster.get("pod", "web")
    >>> pod.spec.nodeName, pod.status.podIP, pod.status.phase
    ('kind-worker', '10.244.1.2', 'Running')
    """

    primary_kind = "Pod"

    def __init__(self, api: Any, events: EventRecorder):
        super().__init__(api)
        self.events = events
        self.ready_overrides: dict[tuple[str, str], bool] = {}
        self._last_ip: dict[str, int] = {}
        self._killed: set[tuple[str, str, str]] = set()
        self._least = _LeastPods()
        self._feasible_cache: dict[Any, list[str]] = {}
        self._ips: dict[str, dict[str, int]] = {}  # node -> pod IP -> pods on the node using it
        # stored objects are immutable, so pods whose conditions are equal share one condition object
        self._conditions: dict[tuple, Any] = {}
        #: what each running Pod's containers started with: (namespace, pod, uid) -> (the Pod as started, the
        #: Services the kubelet saw then); the environment itself is computed from these when first asked for
        self.started: dict[tuple[str, str, str], tuple[Any, tuple[Any, ...]]] = {}
        self._env: dict[tuple[str, str, str], dict[str, list[tuple[str, str]]]] = {}
        # the Services a namespace's Pods see, shared by every Pod started while none of them changes
        self._service_snapshots: dict[str, tuple[Any, ...]] = {}
        #: Simulated seconds after which a running Job Pod's containers exit with code 0 (None: they run until
        #: :meth:`finish` ends them). A Job's Pods have no natural end in the model; this gives them one.
        self.job_pod_seconds: float | None = None
        self._finish_at: dict[tuple[str, str, str], Any] = {}  # (ns, name, uid) -> when the Job Pod finishes

    # -- lesson hooks ------------------------------------------------------------------------------------
    def set_ready(self, name: str, ready: bool, namespace: str = "default") -> None:
        """Make a pod's readiness probe pass (True) or fail (False) from now on."""
        self.ready_overrides[(namespace, name)] = ready
        self.enqueue((namespace, name))

    def finish(self, name: str, exit_code: int = 0, namespace: str = "default") -> Any:
        """End a running Pod's containers with ``exit_code``, as when its program exits (the model runs no
        program, so a Job's Pod ends only this way or after :attr:`job_pod_seconds`). Exit code 0: the Pod is
        ``Succeeded`` (kubectl shows ``Completed``); otherwise ``Failed`` (``Error``). Only a Pod whose
        ``restartPolicy`` is ``Never`` or ``OnFailure`` ends for good; with ``Always`` (or ``OnFailure`` and a
        non-zero code) the kubelet would restart the container, which is not modelled, so it is refused.

        Raises :class:`~k8snet.errors.NotFoundError` for a missing Pod and
        :class:`~k8snet.errors.K8snetError` for a Pod that is not running or would restart."""
        from k8snet.errors import NotFoundError

        pod = self.api.store.read("Pod", name, namespace)
        if pod is None:
            raise NotFoundError("pods", name)
        if not (pod.status and pod.status.phase == "Running"):
            phase = pod.status.phase if pod.status else "Pending"
            raise K8snetError(f'pod "{name}" is not running (phase {phase}): only a running Pod can finish')
        policy = (pod.spec.restartPolicy if pod.spec else None) or "Always"
        if policy == "Always" or (policy == "OnFailure" and exit_code != 0):
            raise K8snetError(
                f'pod "{name}" has restartPolicy {policy}: the kubelet would restart its container '
                "(restarts are not modelled), so it does not finish"
            )
        return self._finish(pod, exit_code)

    def _finish(self, pod: Any, exit_code: int) -> Any:
        """The status a kubelet reports for a Pod whose containers have all terminated
        (``generateAPIPodStatus``: phase Succeeded/Failed, ``Ready``/``ContainersReady`` False with reason
        ``PodCompleted``, each container ``terminated`` with reason ``Completed`` or ``Error``)."""
        from k8snet.api.core_v1 import PodCondition

        now = self.clock.now()
        st = pod.status.model_copy()
        st.phase = "Succeeded" if exit_code == 0 else "Failed"
        old = {c.type: c for c in st.conditions or []}

        def cond(type_: str, status: str, reason: str | None) -> Any:
            prev = old.get(type_)
            ltt = prev.lastTransitionTime if prev is not None and prev.status == status else now
            return PodCondition(type=type_, status=status, lastTransitionTime=ltt, reason=reason)

        st.conditions = [
            cond("PodReadyToStartContainers", "False", None),
            cond("Initialized", "True", "PodCompleted"),
            cond("Ready", "False", "PodCompleted"),
            cond("ContainersReady", "False", "PodCompleted"),
            old.get("PodScheduled") or cond("PodScheduled", "True", None),
        ]
        st.containerStatuses = [
            cs.model_copy(
                update={
                    "ready": False,
                    "started": False,
                    "state": {
                        "terminated": {
                            "containerID": cs.containerID,
                            "exitCode": exit_code,
                            "finishedAt": _fmt(now),
                            "reason": "Completed" if exit_code == 0 else "Error",
                            "startedAt": ((cs.state or {}).get("running") or {}).get("startedAt"),
                        }
                    },
                }
            )
            for cs in st.containerStatuses or []
        ] or st.containerStatuses
        self._finish_at.pop((pod.metadata.namespace, pod.metadata.name, pod.metadata.uid), None)
        stored = self.api.store.put(pod.model_copy(update={"status": st}), owned=True)
        self.started.pop((pod.metadata.namespace, pod.metadata.name, pod.metadata.uid), None)
        return stored

    # -- informers ---------------------------------------------------------------------------------------
    def register(self, informers: Any) -> None:
        self.informer("Pod").add_indexers({NODE_NAME_INDEX: index_by_node_name})
        self.watch("Pod", add=self._pod_added, update=self._pod_updated, delete=self._pod_deleted)
        self.watch(
            "Node",
            add=self._node_changed,
            update=lambda old, new: self._node_changed(new),
            delete=self._node_changed,
        )
        self.watch(
            "Service",
            add=self._service_changed,
            update=lambda old, new: self._service_changed(new),
            delete=self._service_changed,
        )

    def _service_changed(self, svc: Any) -> None:
        ns = svc.metadata.namespace or "default"
        if ns == MASTER_SERVICE_NAMESPACE and svc.metadata.name in MASTER_SERVICES:
            self._service_snapshots.clear()  # every namespace sees the master Services
        else:
            self._service_snapshots.pop(ns, None)

    def _services_seen(self, namespace: str) -> tuple[Any, ...]:
        """The Services ``getServiceEnvVarMap`` looks at for a Pod in ``namespace``, now: the namespace's own and
        the master Services of ``default`` (stored objects are immutable, so a snapshot is a tuple of them)."""
        snapshot = self._service_snapshots.get(namespace)
        if snapshot is None:
            services = self.informer("Service")
            seen = list(services.list(namespace))
            if namespace != MASTER_SERVICE_NAMESPACE:
                seen += [
                    s for n in sorted(MASTER_SERVICES) if (s := services.get(MASTER_SERVICE_NAMESPACE, n))
                ]
            snapshot = self._service_snapshots[namespace] = tuple(seen)
        return snapshot

    def _pod_added(self, pod: Any) -> None:
        self._least.change(None, pod)
        self._track_ip(pod, 1)
        self._queue_pod(pod)

    def _pod_updated(self, old: Any, new: Any) -> None:
        self._least.change(old, new)
        self._track_ip(old, -1)
        self._track_ip(new, 1)
        self._queue_pod(new)
        if _LeastPods.weight(old)[1] > _LeastPods.weight(new)[1]:
            self._room_freed()

    def _room_freed(self) -> None:
        """A pod left a node (deleted, or terminal): the pods no node had room for may fit now (the
        scheduler's queueing hint for NodeResourcesFit on a Pod delete)."""
        for key in self.informer("Pod").indexer.index_keys(NODE_NAME_INDEX, ""):
            self.enqueue(key)

    def _track_ip(self, pod: Any, delta: int) -> None:
        # the addresses host-local has handed out on a node: the pod IPs (of every family) of the pods bound to it;
        # a finished Pod's sandbox is torn down (CNI DEL) and its address is free again, though its status keeps it
        node = pod.spec.nodeName if pod.spec else None
        status = pod.status
        if not (node and status and status.podIP) or is_pod_terminal(pod):
            return
        ips = self._ips.setdefault(node, {})
        for ip in [p.ip for p in status.podIPs or []] or [status.podIP]:
            n = ips.get(ip, 0) + delta
            if n > 0:
                ips[ip] = n
            else:
                ips.pop(ip, None)

    def _pod_deleted(self, pod: Any) -> None:
        self._least.change(pod, None)
        self._track_ip(pod, -1)
        if _LeastPods.weight(pod)[1]:
            self._room_freed()
        node = pod.spec.nodeName if pod.spec else None
        if node and pod.status and pod.status.podIP:
            # its address is free again: pods on the node still waiting for one may get it
            for key in self.informer("Pod").indexer.index_keys(NODE_NAME_INDEX, node):
                other = self.informer("Pod").get(*key)
                if other is not None and not (other.status and other.status.podIP):
                    self.enqueue(key)

    def _queue_pod(self, pod: Any) -> None:
        key = object_key(pod)
        self.enqueue(key)
        ts = pod.metadata.deletionTimestamp
        if ts is not None:
            self.queue.add_after(key, (ts - self.clock.now()).total_seconds())

    def _node_changed(self, node: Any) -> None:
        self._least.nodes_changed()
        self._feasible_cache.clear()
        index = self.informer("Pod").indexer
        for key in index.index_keys(NODE_NAME_INDEX, node.metadata.name):
            self.enqueue(key)
        for key in index.index_keys(NODE_NAME_INDEX, ""):
            self.enqueue(key)

    def exec(self, namespace: str, name: str, container: str, command: list[str]) -> ExecResult:
        """Run ``command`` in a running container: ``env`` or ``printenv [NAME...]`` (busybox's:
        ``coreutils/printenv.c`` prints each variable found and exits 1 if one is missing).

        Raises :class:`~k8snet.errors.K8snetError` for a container that is not running and for other commands
        (not modelled).
        """
        env = self.container_environment(namespace, name, container)
        if env is None:
            raise K8snetError(f'error: unable to upgrade connection: container not found ("{container}")')
        if command == ["env"]:
            return ExecResult("".join(f"{k}={v}\n" for k, v in env), 0)
        if command and command[0] == "printenv":
            if len(command) == 1:
                return ExecResult("".join(f"{k}={v}\n" for k, v in env), 0)
            values = dict(env)
            found = [values[n] for n in command[1:] if n in values]
            return ExecResult("".join(f"{v}\n" for v in found), 0 if len(found) == len(command) - 1 else 1)
        raise K8snetError(
            f"error: k8snet does not model running {command[0]!r} in a container (only env and printenv)"
        )

    def container_environment(
        self, namespace: str, name: str, container: str
    ) -> list[tuple[str, str]] | None:
        """The environment a running container started with (:func:`container_environment`), or None when the
        Pod or container does not run."""
        pod = self.api.store.read("Pod", name, namespace)
        started = self.started.get((namespace, name, pod.metadata.uid)) if pod is not None else None
        if started is None:
            return None
        computed = self._env.setdefault((namespace, name, pod.metadata.uid), {})
        env = computed.get(container)
        if env is None:
            spec = next((c for c in started[0].spec.containers if c.name == container), None)
            if spec is None:
                return None
            env = computed[container] = container_environment(started[0], spec, list(started[1]))
        return env

    # -- reconcile ---------------------------------------------------------------------------------------
    def sync_keys(self, keys: list[Any]) -> None:
        pods = self.informer("Pod")
        nodes = {n.metadata.name: n for n in self.informer("Node").list()}
        now = self.clock.now()
        for key in keys:
            pod = pods.get(*key)
            if (
                pod is not None
                and pod.metadata.deletionTimestamp is not None
                and pod.metadata.deletionTimestamp <= now
            ):
                self.api.store.remove("Pod", pod.metadata.name, pod.metadata.namespace)
                self.ready_overrides.pop((pod.metadata.namespace, pod.metadata.name), None)
                self.started.pop((pod.metadata.namespace, pod.metadata.name, pod.metadata.uid), None)
                self._env.pop((pod.metadata.namespace, pod.metadata.name, pod.metadata.uid), None)
        to_run = set(keys)
        for key in keys:
            pod = pods.get(*key)
            if pod is None:
                continue
            if pod.metadata.deletionTimestamp is not None or is_pod_terminal(pod):
                self._kill_event(pod)
                continue
            if not (pod.spec and pod.spec.nodeName):
                if self._schedule(pod, nodes):
                    to_run.add(key)
        for key in sorted(to_run):
            pod = pods.get(*key)
            if pod is None:
                continue
            if pod.spec and pod.spec.nodeName and pod.spec.nodeName in nodes and not is_pod_terminal(pod):
                self._run(pod, nodes[pod.spec.nodeName])
                self._finish_job_pod(pods.get(*key), now)

    def _finish_job_pod(self, pod: Any, now: Any) -> None:
        """With :attr:`job_pod_seconds`, a running Pod a Job owns exits with code 0 that long after it started."""
        if self.job_pod_seconds is None or pod is None or not (pod.status and pod.status.phase == "Running"):
            return
        if pod.metadata.deletionTimestamp is not None or not any(
            ref.kind == "Job" and ref.controller for ref in pod.metadata.ownerReferences or []
        ):
            return
        key = (pod.metadata.namespace, pod.metadata.name, pod.metadata.uid)
        at = self._finish_at.get(key)
        if at is None:
            from datetime import timedelta

            at = self._finish_at[key] = pod.status.startTime + timedelta(seconds=self.job_pod_seconds)
        if at <= now:
            self._finish(pod, 0)
        else:
            self.queue.add_after(object_key(pod), (at - now).total_seconds())

    def _feasible(self, pod: Any, nodes: dict[str, Any]) -> list[str]:
        spec = pod.spec
        tolerations = [t if isinstance(t, dict) else t.model_dump() for t in spec.tolerations or []]
        signature = (
            repr(tolerations),
            tuple(sorted((spec.nodeSelector or {}).items())),
            repr(spec.affinity) if spec.affinity else "",
        )
        feasible = self._feasible_cache.get(signature)
        if feasible is not None:
            return feasible
        feasible = []
        for name, node in sorted(nodes.items()):
            if not _node_ready(node):
                continue
            # the NodeUnschedulable plugin: a cordoned node takes only Pods tolerating its taint (DaemonSet Pods)
            if node.spec and node.spec.unschedulable and not tolerates(spec.tolerations, _UNSCHEDULABLE):
                continue
            taints = [
                t
                for t in ((node.spec.taints if node.spec else None) or [])
                if t.effect in ("NoSchedule", "NoExecute")
            ]
            if any(not tolerates(spec.tolerations, t) for t in taints):
                continue
            labels = node.metadata.labels or {}
            if any(labels.get(k) != v for k, v in (spec.nodeSelector or {}).items()):
                continue
            if not node_affinity_matches(spec.affinity, node):
                continue
            feasible.append(name)
        self._feasible_cache[signature] = feasible
        return feasible

    def _schedule(self, pod: Any, nodes: dict[str, Any]) -> bool:
        from k8snet.api.core_v1 import PodCondition

        feasible = self._feasible(pod, nodes)
        target = self._least.choose(feasible) if feasible else None
        if target is not None and self._least.counts.get(target, 0) >= allowed_pod_number(nodes[target]):
            # the least-loaded node is full (NodeResourcesFit): another feasible node may still have room
            target = min(
                (
                    (self._least.counts.get(n, 0), n)
                    for n in feasible
                    if self._least.counts.get(n, 0) < allowed_pod_number(nodes[n])
                ),
                default=(0, None),
            )[1]
        now = self.clock.now()
        if target is None:
            message = fit_error_message(pod, nodes, self._least.counts)
            condition = PodCondition(
                type="PodScheduled",
                status="False",
                reason="Unschedulable",
                message=message,
                lastTransitionTime=now,
            )
            old = next((c for c in pod.status.conditions or [] if c.type == "PodScheduled"), None)
            if old is None or old.message != message:
                # handleSchedulingFailure: the PodScheduled=False condition and a FailedScheduling event.
                # Simplified: an attempt whose message is unchanged records nothing again (upstream retries
                # with back-off and counts the repeats)
                if old is not None and old.status == "False":
                    condition = condition.model_copy(update={"lastTransitionTime": old.lastTransitionTime})
                status = pod.status.model_copy(update={"conditions": [condition]})
                pod = self.api.store.put(pod.model_copy(update={"status": status}), owned=True)
                self.events.event(pod, "Warning", "FailedScheduling", message, "default-scheduler")
            return False
        status = pod.status.model_copy(
            update={"conditions": [PodCondition(type="PodScheduled", status="True", lastTransitionTime=now)]}
        )
        pod = pod.model_copy(
            update={"spec": pod.spec.model_copy(update={"nodeName": target}), "status": status}
        )
        pod = self.api.store.put(pod, owned=True, keep_generation=True)  # the binding subresource
        self.events.event(
            pod,
            "Normal",
            "Scheduled",
            f"Successfully assigned {pod.metadata.namespace}/{pod.metadata.name} to {target}",
            "default-scheduler",
        )
        return True

    def _allocate_ips(self, node: Any) -> list[str] | None:
        """host-local over each of the node's pod CIDRs: one address per range, or None when a range is full
        (the CNI ADD fails as a whole, and no range keeps a reservation)."""
        spec = node.spec
        cidrs = list((spec.podCIDRs or ([spec.podCIDR] if spec.podCIDR else [])) if spec else [])
        if not cidrs:
            return None
        picked = []
        for cidr in cidrs:
            found = self._allocate_in(node.metadata.name, cidr)
            if found is None:
                return None
            picked.append(found)
        for key, cand, _ in picked:
            self._last_ip[key] = cand
        return [ip for (_, _, ip) in picked]

    def _allocate_in(self, node_name: str, cidr: str) -> tuple[Any, int, str] | None:
        net = ipaddress.ip_network(cidr, strict=False)
        used = self._ips.get(node_name, {})
        first = int(net.network_address) + 2  # network address, then .1 / ::1 the gateway
        # host-local's lastIP: the broadcast address is skipped for IPv4 only
        last = int(net.broadcast_address) - (1 if net.version == 4 else 0)
        size = last - first + 1
        if size <= 0:
            return None
        # the IPv4 range keeps the key it always had (the node's name), so IPv4 addresses do not depend on
        # whether the node also has an IPv6 range
        key: Any = node_name if net.version == 4 else (node_name, cidr)
        start = self._last_ip.get(key, first - 1) + 1
        make = ipaddress.IPv4Address if net.version == 4 else ipaddress.IPv6Address
        for i in range(min(size, len(used) + 1)):
            cand = first + (start - first + i) % size
            ip = str(make(cand))
            if ip not in used:
                return key, cand, ip
        return None

    def _run(self, pod: Any, node: Any) -> None:
        from k8snet.api.core_v1 import ContainerStatus, HostIP, PodCondition, PodIP

        now = self.clock.now()
        st = pod.status.model_copy()
        node_ips = _node_ips(node)
        node_ip = node_ips[0] if node_ips else None
        if not st.podIP:
            ips = node_ips if pod.spec.hostNetwork else self._allocate_ips(node)
            if not ips:
                return
            st.podIP = ips[0]
            st.podIPs = [PodIP(ip=ip) for ip in ips]
            st.hostIP = node_ip
            st.hostIPs = [HostIP(ip=ip) for ip in node_ips] or None
            st.startTime = now
            st.phase = "Running"
            st.containerStatuses = [
                ContainerStatus(
                    name=c.name,
                    image=normalize_image(c.image or ""),
                    imageID=image_id(c.image or ""),
                    containerID=container_id(pod, c.name),
                    lastState={},
                    ready=False,
                    restartCount=0,
                    started=True,
                    state={"running": {"startedAt": _fmt(now)}},
                )
                for c in pod.spec.containers
            ]
            # the environment is fixed when the containers start: Services created later are not in it
            self.started[(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid)] = (
                pod.model_copy(update={"status": st}),
                self._services_seen(pod.metadata.namespace or "default"),
            )
            for c in pod.spec.containers:
                self.events.event(
                    pod, "Normal", "Created", f"Created container: {c.name}", "kubelet", pod.spec.nodeName
                )
                self.events.event(
                    pod, "Normal", "Started", f"Started container {c.name}", "kubelet", pod.spec.nodeName
                )
        ready = self.ready_overrides.get((pod.metadata.namespace, pod.metadata.name), True)
        old = {c.type: c for c in st.conditions or []}

        def cond(type_: str, status: bool) -> Any:
            s = "True" if status else "False"
            prev = old.get(type_)
            if prev is not None and prev.status == s:
                return prev
            message = (
                None
                if status
                else f"containers with unready status: [{' '.join(c.name for c in pod.spec.containers)}]"
            )
            key = (type_, s, now, message)
            shared = self._conditions.get(key)
            if shared is None:
                if len(self._conditions) > 4096:
                    self._conditions.clear()
                shared = self._conditions[key] = freeze(
                    PodCondition(
                        type=type_,
                        status=s,
                        lastTransitionTime=now,
                        reason=None if status else "ContainersNotReady",
                        message=message,
                    )
                )
            return shared

        st.conditions = [
            cond("PodReadyToStartContainers", True),
            cond("Initialized", True),
            cond("Ready", ready),
            cond("ContainersReady", ready),
            old.get("PodScheduled")
            or PodCondition(type="PodScheduled", status="True", lastTransitionTime=now),
        ]
        st.containerStatuses = [
            cs if cs.ready == ready else cs.model_copy(update={"ready": ready})
            for cs in st.containerStatuses or []
        ] or st.containerStatuses
        if st != pod.status:
            self.api.store.put(pod.model_copy(update={"status": st}), owned=True)

    def _kill_event(self, pod: Any) -> None:
        if pod.spec and pod.spec.nodeName:
            # Remember (outside the object) that Killing was reported, so the event is written once.
            key = (pod.metadata.namespace, pod.metadata.name, pod.metadata.uid)
            if key in self._killed:
                return
            self._killed.add(key)
            for c in pod.spec.containers:
                self.events.event(
                    pod, "Normal", "Killing", f"Stopping container {c.name}", "kubelet", pod.spec.nodeName
                )


def normalize_image(image: str) -> str:
    """The image reference containerd reports (docker/distribution ``ParseNormalizedNamed`` plus the
    ``latest`` tag): ``nginx`` -> ``docker.io/library/nginx:latest``, ``registry.k8s.io/pause:3.10`` unchanged.

    >>> normalize_image("nginx"), normalize_image("bitnami/redis:7"), normalize_image("localhost:5000/app")
    ('docker.io/library/nginx:latest', 'docker.io/bitnami/redis:7', 'localhost:5000/app:latest')
    """
    if not image:
        return image
    first, sep, rest = image.partition("/")
    if not sep or ("." not in first and ":" not in first and first != "localhost"):
        image = "docker.io/" + (image if sep else "library/" + image)
    name = image.split("@", 1)[0]
    if "@" not in image and ":" not in name.rsplit("/", 1)[-1]:
        image += ":latest"
    return image


def image_id(image: str) -> str:
    """``repo@sha256:<digest>`` as containerd reports it. The digest is a stand-in (sha256 of the reference):
    deterministic, the same for every pod running the image, but not the registry's real digest.

    >>> image_id("nginx").split("@")[0], len(image_id("nginx").split(":")[-1])
    ('docker.io/library/nginx', 64)
    """
    ref = normalize_image(image)
    if "@" in ref:  # pinned by digest: that digest is the image ID
        return ref
    repo = ref.split("@", 1)[0]
    last = repo.rsplit("/", 1)
    if ":" in last[-1]:
        repo = repo[: len(repo) - len(last[-1]) + last[-1].index(":")]
    return f"{repo}@sha256:{hashlib.sha256(ref.encode()).hexdigest()}"


def container_id(pod: Any, container: str) -> str:
    """``containerd://<64 hex>``: derived from the pod's (seeded) uid and the container name."""
    key = f"{pod.metadata.uid}/{container}".encode()
    return "containerd://" + hashlib.sha256(key).hexdigest()


#: kubelet's ``--max-pods`` default (``KubeletConfiguration.maxPods``), what a node reports as
#: ``status.allocatable.pods`` unless configured otherwise.
DEFAULT_MAX_PODS = 110


def allowed_pod_number(node: Any) -> int:
    """How many pods the scheduler lets a node hold: ``status.allocatable.pods`` (``NodeInfo.Allocatable.
    AllowedPodNumber``). Simplified: a node that reports no allocatable pods (a Node object applied by hand,
    which no kubelet has updated) gets kubelet's default, :data:`DEFAULT_MAX_PODS`.

    >>> from k8snet.api.core_v1 import Node
    >>> allowed_pod_number(Node.model_validate({"metadata": {"name": "n"}, "status": {"allocatable": {"pods": "3"}}}))
    3
    >>> allowed_pod_number(Node.model_validate({"metadata": {"name": "n"}}))
    110
    """
    allocatable = (node.status.allocatable if node.status else None) or {}
    value = allocatable.get("pods")
    if value is None:
        return DEFAULT_MAX_PODS
    if isinstance(value, str) and value.isdigit():
        return int(value)  # what kubelet writes ("110"); any other quantity form is parsed as such
    from k8snet.api.quantity import parse_quantity

    return int(parse_quantity(str(value))[0])


def _filter_reason(pod: Any, node: Any, pods_on_node: int) -> tuple[str, bool]:
    """The first filter plugin that rejects ``pod`` on ``node``, in the default profile's order, as
    ``(reason, resolvable by preemption)``: NodeUnschedulable (``node(s) were unschedulable``), TaintToleration
    (``node(s) had untolerated taint {key: value}``, the first such taint; a NotReady node carries
    ``node.kubernetes.io/not-ready:NoSchedule``), NodeAffinity (``node(s) didn't match Pod's node
    affinity/selector``), NodeResourcesFit (``Too many pods``, the only one preemption could resolve). ``("",
    True)`` when the node fits."""
    # as Kubelet._feasible decides (which takes no toleration for NotReady nodes; a cordoned node takes Pods that
    # tolerate node.kubernetes.io/unschedulable, as the NodeUnschedulable plugin does)
    spec = node.spec
    if spec and spec.unschedulable and not tolerates(pod.spec.tolerations, _UNSCHEDULABLE):
        return "node(s) were unschedulable", False
    if not _node_ready(node):
        return "node(s) had untolerated taint {node.kubernetes.io/not-ready: }", False
    taints = [t for t in ((spec.taints if spec else None) or []) if t.effect in ("NoSchedule", "NoExecute")]
    for taint in taints:
        if not tolerates(pod.spec.tolerations, taint):
            return f"node(s) had untolerated taint {{{taint.key}: {taint.value or ''}}}", False
    labels = node.metadata.labels or {}
    if any(labels.get(k) != v for k, v in (pod.spec.nodeSelector or {}).items()) or not node_affinity_matches(
        pod.spec.affinity, node
    ):
        return "node(s) didn't match Pod's node affinity/selector", False
    if pods_on_node + 1 > allowed_pod_number(node):
        return "Too many pods", True
    return "", True


def fit_error_message(pod: Any, nodes: dict[str, Any], pods_per_node: dict[str, int]) -> str:
    """The ``FailedScheduling`` message for a pod no node fits (kube-scheduler ``framework.FitError.Error``):
    ``0/N nodes are available:``, then each filter reason with the number of nodes giving it, sorted as strings,
    then DefaultPreemption's PostFilter message (``preemption: `` and its own FitError: nodes whose reason
    preemption cannot resolve are ``Preemption is not helpful for scheduling``, the others ``No preemption victims
    found for incoming pod``), each part ending in ``.`` (hence the final ``..``). With no nodes at all:
    ``no nodes available to schedule pods`` (``ErrNoNodesAvailable`` in ``schedule_one.go``).

    Simplified: pod priority is not modelled, so no pod is ever a preemption victim.

    >>> from k8snet.api.core_v1 import Node, Pod
    >>> full = {"status": {"allocatable": {"pods": "1"}, "conditions": [{"type": "Ready", "status": "True"}]}}
    >>> nodes = {n: Node.model_validate({"metadata": {"name": n}, **full}) for n in ("a", "b")}
    >>> pod = Pod.model_validate({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}})
    >>> print(fit_error_message(pod, nodes, {"a": 1, "b": 1}))
    0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..
    """
    reasons: dict[str, int] = {}
    preemption: dict[str, int] = {}
    for name, node in nodes.items():
        reason, resolvable = _filter_reason(pod, node, pods_per_node.get(name, 0))
        reason = reason or "Too many pods"  # fits now: only a race could get here; say what it was short of
        reasons[reason] = reasons.get(reason, 0) + 1
        after = (
            "No preemption victims found for incoming pod"
            if resolvable
            else "Preemption is not helpful for scheduling"
        )
        preemption[after] = preemption.get(after, 0) + 1

    def histogram(counts: dict[str, int]) -> str:
        return ", ".join(sorted(f"{n} {reason}" for reason, n in counts.items()))

    if not nodes:
        return "no nodes available to schedule pods"  # schedulePod's ErrNoNodesAvailable, before any filter
    total = len(nodes)
    post = f"preemption: 0/{total} nodes are available: {histogram(preemption)}."
    return f"0/{total} nodes are available: {histogram(reasons)}. {post}."


def _node_ips(node: Any) -> list[str]:
    """The node's InternalIPs, at most one per family, primary first (kubelet's ``getHostIPsAnyWay``)."""
    out: list[str] = []
    seen: set[int] = set()
    for a in (node.status.addresses if node.status else None) or []:
        if a.type == "InternalIP":
            version = 6 if ":" in a.address else 4
            if version not in seen:
                seen.add(version)
                out.append(a.address)
    return out


@dataclass(frozen=True)
class _Taint:
    key: str
    effect: str
    value: str | None = None


#: ``node.kubernetes.io/unschedulable:NoSchedule``, what the NodeUnschedulable plugin checks a cordoned node with
_UNSCHEDULABLE = _Taint("node.kubernetes.io/unschedulable", "NoSchedule")


def _node_ready(node: Any) -> bool:
    for c in (node.status.conditions if node.status else None) or []:
        if c.type == "Ready":
            return c.status == "True"
    return False


def _fmt(t: Any) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
