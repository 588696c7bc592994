"""Scheduler and kubelet stand-ins: bind pods to nodes, give them IPs, run them, end them.

**Scheduling** (kube-scheduler, reduced): a pending pod goes to a Ready, schedulable node whose taints it
tolerates (``NoSchedule``/``NoExecute``) and whose labels match its ``nodeSelector``; among those, the node
running the fewest pods wins, ties broken by node name. Upstream scores with many plugins (spreading,
resources, affinity); "least pods, then name" is a deterministic stand-in for its default spreading.

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
"""

from __future__ import annotations

import hashlib
import heapq
import ipaddress
from typing import Any

from k8snet.api import freeze
from k8snet.controllers import EventRecorder, QueueController, is_pod_terminal
from k8snet.controllers.informers import NODE_NAME_INDEX, index_by_node_name, object_key

__all__ = ["Kubelet", "tolerates"]


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

    # -- lesson hooks ------------------------------------------------------------------------------------
    def set_ready(self, name: str, ready: bool, namespace: str = "default") -> None:
        """Make a pod's readiness probe pass (True) or fail (False) from now on."""
        self.ready_overrides[(namespace, name)] = ready
        self.enqueue((namespace, name))

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

    def _pod_added(self, pod: Any) -> None:
        self._least.change(None, pod)
        self._track_ip(pod, 1)
        self._queue_pod(pod)

    def _pod_updated(self, old: Any, new: Any) -> None:
        self._least.change(old, new)
        self._track_ip(old, -1)
        self._track_ip(new, 1)
        self._queue_pod(new)

    def _track_ip(self, pod: Any, delta: int) -> None:
        # the addresses host-local has handed out on a node: the pod IPs (of every family) of the pods bound to it
        node = pod.spec.nodeName if pod.spec else None
        status = pod.status
        if not (node and status and status.podIP):
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

    def _feasible(self, pod: Any, nodes: dict[str, Any]) -> list[str]:
        spec = pod.spec
        tolerations = [t if isinstance(t, dict) else t.model_dump() for t in spec.tolerations or []]
        signature = (repr(tolerations), tuple(sorted((spec.nodeSelector or {}).items())))
        feasible = self._feasible_cache.get(signature)
        if feasible is not None:
            return feasible
        feasible = []
        for name, node in sorted(nodes.items()):
            if not _node_ready(node) or (node.spec and node.spec.unschedulable):
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
            feasible.append(name)
        self._feasible_cache[signature] = feasible
        return feasible

    def _schedule(self, pod: Any, nodes: dict[str, Any]) -> bool:
        from k8snet.api.core_v1 import PodCondition

        feasible = self._feasible(pod, nodes)
        if not feasible:
            return False
        target = self._least.choose(feasible)
        now = self.clock.now()
        status = pod.status.model_copy(
            update={"conditions": [PodCondition(type="PodScheduled", status="True", lastTransitionTime=now)]}
        )
        pod = pod.model_copy(
            update={"spec": pod.spec.model_copy(update={"nodeName": target}), "status": status}
        )
        pod = self.api.store.put(pod, owned=True)
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


def _node_ready(node: Any) -> bool:
    for c in (node.status.conditions if node.status else None) or []:
        if c.type == "Ready":
            return c.status == "True"
    return False


def _fmt(t: Any) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
