"""The :class:`Cluster` facade: an API server, its controllers and a clock, wired like a small real cluster.

``Cluster`` wires the components and offers verbs; the logic of each verb lives with the component that owns it.
The controllers read the store through shared informers (:attr:`Cluster.informers`) and work from queues of keys
(:mod:`k8snet.controllers`); every write returns once they have settled (:meth:`Cluster.reconcile`), so a lesson
sees the result of its ``kubectl`` command at once.
The presets, their checks and the objects ``kubeadm init`` leaves behind (Namespaces, Nodes, the ``kubernetes``
and ``kube-dns`` Services, CoreDNS) are in :mod:`k8snet.sim.bootstrap`; ``apply``'s per-object semantics,
three-way merge and last-applied annotation are kubectl's, in :mod:`k8snet.kubectl.apply`. ``Cluster`` implements
:class:`k8snet.kubectl.command.KubectlCluster`, what kubectl needs of a cluster.

Time: the system objects are created one day before the lesson starts (``2025-12-31T00:00:00Z`` by default),
so ``kubectl get svc`` shows ``kubernetes`` with ``AGE 24h`` (the article prints ``1d``, but kubectl's
``duration.HumanDuration`` shows hours up to 48 h); ``cluster.clock`` then reads
the lesson start (``2026-01-01T00:00:00Z``).

Example
-------
>>> cluster = Cluster(preset="article")
>>> [n.metadata.name for n in cluster.nodes()]
['minikube']
>>> objs = cluster.apply('''
... apiVersion: apps/v1
... kind: Deployment
... metadata: {name: nginx}
... spec:
...   selector: {matchLabels: {app: nginx}}
...   template:
...     metadata: {labels: {app: nginx}}
...     spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
... ''')
>>> [p.status.podIP for p in cluster.pods("default")]
['10.4.0.3']
>>> cluster.get("Service", "kubernetes").spec.clusterIP
'10.96.0.1'
"""

from __future__ import annotations

import contextlib
import gc
import ipaddress
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from k8snet.api import Resource, resource_class
from k8snet.apiserver.server import APIServer
from k8snet.apiserver.store import Store
from k8snet.clock import DEFAULT_START, SimClock
from k8snet.controllers import EventRecorder, GarbageCollector, QueueController, WorkBudget
from k8snet.controllers.daemon import DaemonSetController
from k8snet.controllers.deployment import DeploymentController, ReplicaSetController, ReplicationManager
from k8snet.controllers.endpoints import EndpointsController, EndpointSliceMirroringController
from k8snet.controllers.endpointslice import EndpointSliceController
from k8snet.controllers.informers import SharedInformerFactory
from k8snet.controllers.job import JobController
from k8snet.controllers.kubelet import Kubelet
from k8snet.controllers.statefulset import StatefulSetController
from k8snet.errors import ConfigError, K8snetError
from k8snet.kubectl.apply import apply_documents, apply_one_object, create_documents
from k8snet.kubectl.command import KubectlCluster, KubectlOutput, run
from k8snet.kubectl.command import scale as kubectl_scale
from k8snet.manifests import load, load_documents
from k8snet.sim import bootstrap

__all__ = ["Cluster", "WORK_BUDGET"]

#: Store writes the controllers may make in one settle before the request that started it returns (see
#: :meth:`Cluster.reconcile`). A Pod costs about seven (create, scheduling, running, their events), so this is
#: some 7,000 Pods: far above what a lesson does (``kubectl scale --replicas=1000`` takes about 7,000 writes), and
#: a bound on what one request can cost whatever the numbers in it.
WORK_BUDGET = 50_000


class Cluster(KubectlCluster):
    """A simulated Kubernetes v1.34 cluster.

    Parameters
    ----------
    preset : {"kind", "minikube", "article"}
        What the cluster looks like (nodes, addresses, CIDRs; see :mod:`k8snet.sim.bootstrap`); the other
        arguments override it.
    nodes : int or list of str, optional
        Number of nodes (or their names); the first is the control plane.
    service_cidr, cluster_cidr, node_port_range : str, optional
        Override the preset's ``--service-cluster-ip-range``, ``--cluster-cidr`` (each node gets the next /24,
        or /64 for IPv6) and ``--service-node-port-range``. The CIDRs take the flags' syntax: one CIDR, or two of
        different families, the primary first (``"10.96.0.0/12,fd00:10:96::/112"``).
    ip_families : sequence of str, optional
        ``("IPv4",)`` (the default of every preset but ``"kind-dual"``/``"kind-ipv6"``), ``("IPv6",)``, or two
        families, the primary first, for a dual-stack cluster like kind's ``ipFamily: dual``
        (see :mod:`k8snet.sim.bootstrap`).
    seed : int
        Seeds every random choice (uids, generated names, allocator start points).
    zones : list of str, optional
        Zone labels given to nodes in turn; ``[]`` for none.
    cloud_provider : LoadBalancerProvider or False, optional
        The load-balancer provider a :class:`~k8snet.controllers.servicelb.ServiceLBController` drives (kept as
        :attr:`cloud_provider`). Default: a :class:`~k8snet.controllers.cloud.GenericCloud` for ``"kind"`` (real
        kind needs ``cloud-provider-kind`` for this), none for ``"minikube"``/``"article"`` (no ``minikube
        tunnel``: EXTERNAL-IP stays ``<pending>``); ``False`` for none.
    start : datetime
        When the lesson starts (:attr:`clock` reads this after construction).
    """

    def __init__(
        self,
        preset: str = "kind",
        nodes: int | list[str] | None = None,
        service_cidr: str | None = None,
        cluster_cidr: str | None = None,
        node_port_range: str | None = None,
        seed: int = 0,
        zones: list[str] | None = None,
        cloud_provider: Any = None,
        start=DEFAULT_START,
        ip_families: Any = None,
    ):
        config = bootstrap.cluster_config(
            preset, nodes, service_cidr, cluster_cidr, node_port_range, zones, ip_families
        )
        start, cloud_provider = bootstrap.check_start(start), bootstrap.check_cloud_provider(cloud_provider)
        self.preset = preset
        #: The cluster's IP families, primary first.
        self.ip_families: tuple[str, ...] = config.ip_families
        #: Each family's Service CIDR and cluster CIDR; :attr:`service_cidr` and :attr:`cluster_cidr` are the
        #: primary family's.
        self.service_cidrs: tuple[str, ...] = config.service_cidrs
        self.cluster_cidrs: tuple[str, ...] = config.cluster_cidrs
        self.service_cidr = config.service_cidr
        self.cluster_cidr = config.cluster_cidr
        self.node_port_range = config.node_port_range
        self.zones = list(config.zones)
        self.seed = seed
        self.cloud_provider = cloud_provider
        self.clock = SimClock(start - timedelta(days=1))
        self.store = Store(self.clock, seed=seed)
        self.api = APIServer(
            self.store, self.clock, list(self.service_cidrs), self.node_port_range, seed=seed
        )
        #: The shared informers every controller (and the DNS view) reads.
        self.informers = SharedInformerFactory.for_store(self.store)
        self.recorder = EventRecorder(self.api, self.clock)
        self.kubelet = Kubelet(self.api, self.recorder)
        #: Controllers run in this order each round; append to add one (e.g. a load-balancer controller).
        self.controllers: list[Any] = [
            GarbageCollector(self.api),
            DeploymentController(self.api, self.recorder),
            ReplicaSetController(self.api, self.recorder),
            ReplicationManager(self.api, self.recorder),
            StatefulSetController(self.api, self.recorder),
            DaemonSetController(self.api, self.recorder),
            JobController(self.api, self.recorder),
            self.kubelet,
            EndpointsController(self.api, self.recorder),
            EndpointSliceController(self.api, recorder=self.recorder),
            EndpointSliceMirroringController(self.api),
        ]
        self._started: list[Any] = []
        self._dns = None
        #: ``Warning:`` texts the API server returned for the last :meth:`apply` or :meth:`create`.
        self.last_warnings: list[str] = []
        control_plane, *workers = bootstrap.nodes(config, seed=seed, now=self.clock.now())
        bootstrap.kubeadm_init(self.api, config, control_plane)
        self.reconcile()
        for node in workers:  # workers join after kubeadm init
            self.api.create(node)
        self.reconcile()
        if cloud_provider is None and preset.startswith("kind"):
            from k8snet.controllers.cloud import GenericCloud

            cloud_provider = GenericCloud()
        if cloud_provider:  # cloud_provider=False: none (LoadBalancer Services stay <pending>)
            from k8snet.controllers.servicelb import ServiceLBController

            self.controllers.append(ServiceLBController(self.api, self.recorder, cloud_provider))
        self.cloud_provider = cloud_provider or None
        self.clock.on_advance.append(self.reconcile)
        self.clock.advance(days=1)

    # -- the control loop ----------------------------------------------------------------------------------
    #: Store writes one settle may make (:data:`WORK_BUDGET` unless changed; see :meth:`reconcile`).
    work_budget: float = WORK_BUDGET

    def reconcile(self, max_rounds: int = 1000, budget: float | None = None) -> None:
        """Let the controllers react until every work queue is empty, or until they have made ``budget`` store
        writes (:attr:`work_budget` by default; ``float("inf")`` for no bound).

        Each round runs one pass of every controller in :attr:`controllers` order; a pass handles the keys its
        informers' events queued (delayed keys whose time has come on :attr:`clock` included). A controller
        without a queue (only ``sync()``) runs a full pass every round, and then the loop also waits for a round
        that writes nothing. A newly appended controller is started first (its informers replay what exists).

        Every write and every ``clock.advance`` settles this way, so one request costs a bounded amount of work
        whatever the numbers in it: once the budget is spent, the keys not yet synced stay queued (a sync that
        has started finishes) and the next settle goes on from there, as a real cluster's controllers go on after
        ``kubectl`` has returned. :meth:`settled` says whether work is left.

        A ReplicaSet creates at most 500 Pods per sync; with a budget of 1,000 writes the first 500 Pods are
        created (one sync finishes) and nothing more, not even their scheduling:

        >>> c = Cluster(preset="minikube")
        >>> c.work_budget = 1000
        >>> print(c.kubectl("create deployment web --image=nginx --replicas=600"), end="")
        deployment.apps/web created
        >>> pods = c.pods("default")
        >>> c.settled(), len(pods), sum(1 for p in pods if p.status.phase == "Running")
        (False, 500, 0)
        >>> c.reconcile(budget=float("inf"))
        >>> c.settled(), len(c.pods("default"))
        (True, 600)
        """
        _check_arg("reconcile", "max_rounds", max_rounds, int)
        if budget is not None:
            _check_arg("reconcile", "budget", budget, (int, float))
            if budget != budget or budget < 0:  # NaN or negative: no bound would ever be reached or kept
                raise ConfigError(
                    f"Cluster.reconcile(budget={budget!r}): a number of store writes, at least 0"
                )
        self._wire()
        work = WorkBudget(self.store, self.work_budget if budget is None else budget)
        queued = [c for c in self.controllers if isinstance(c, QueueController)]
        legacy = [c for c in self.controllers if not isinstance(c, QueueController)]
        with _gc_paused(), _budgeted(queued, work):
            for _ in range(max_rounds):
                if (not legacy and not any(c.pending() for c in queued)) or work.spent():
                    self.store.check_mutations()
                    return
                before = self.store.resource_version
                for controller in self.controllers:
                    if work.spent():
                        break
                    if isinstance(controller, QueueController):
                        controller.process()
                    else:
                        controller.sync()
                if legacy and self.store.resource_version == before and not any(c.pending() for c in queued):
                    self.store.check_mutations()
                    return
        raise K8snetError(f"controllers did not settle after {max_rounds} rounds")

    def settled(self) -> bool:
        """Whether no controller has work queued: the last settle ended with every queue empty (work waiting on
        the clock, such as a grace period or a retry's back-off, does not count until its time comes).

        >>> Cluster(preset="minikube").settled()
        True
        """
        self._wire()
        return not any(c.pending() for c in self.controllers if isinstance(c, QueueController))

    def next_wakeup(self) -> Any:
        """When the controllers next have work waiting on the clock (a grace period ending, a retry's back-off),
        or None; ``kubectl rollout status`` advances the clock to it while it waits.

        >>> c = Cluster(preset="minikube")
        >>> _ = c.kubectl("run web --image=nginx")
        >>> c.next_wakeup() is None
        True
        >>> _ = c.kubectl("delete pod web")
        >>> (c.next_wakeup() - c.clock.now()).total_seconds()
        30.0
        """
        self._wire()
        times = [
            t
            for c in self.controllers
            if isinstance(c, QueueController) and (t := c.queue.when_next()) is not None
        ]
        return min(times, default=None)

    def resync(self) -> None:
        """Queue every object for every controller (a full resync, as an informer's resync period does) and
        reconcile: a cluster whose controllers are settled writes nothing.

        >>> c = Cluster(preset="minikube")
        >>> before = c.store.resource_version
        >>> c.resync()
        >>> c.store.resource_version == before
        True
        """
        self._wire()
        for controller in self.controllers:
            if isinstance(controller, QueueController):
                controller.resync()
        self.reconcile()

    def _wire(self) -> None:
        """Start the controllers added to :attr:`controllers` and stop the ones removed from it."""
        current = {id(c) for c in self.controllers}
        for controller in [c for c in self._started if id(c) not in current]:
            controller.stop()
            self._started.remove(controller)
        started = {id(c) for c in self._started}
        for controller in self.controllers:
            if isinstance(controller, QueueController) and id(controller) not in started:
                controller.start(self.informers)
                self._started.append(controller)

    # -- writes ------------------------------------------------------------------------------------------
    def apply(self, manifest: Any, atomic: bool = False) -> list[Any]:
        """``kubectl apply -f``: create what is missing, three-way-merge what exists; returns the stored objects.

        As kubectl does (:func:`k8snet.kubectl.apply.apply_documents`), each object is applied on its own and is
        all-or-nothing in the store; a document that cannot be decoded, a kind the server does not serve or an
        object the server rejects is reported and the others are still applied. Then the controllers react. If
        any failed, the error kubectl exits with is raised after the others were applied: the one error itself
        (an :class:`~k8snet.errors.InvalidError`, ...) or a :class:`~k8snet.kubectl.apply.ApplyError` for
        several; either has ``applied`` (the objects stored) and ``stdout`` (what kubectl printed for them).

        ``atomic=True`` applies everything in one transaction instead: if any object is rejected nothing
        changes (no kubectl does this; for a lesson that wants all or nothing).

        >>> c = Cluster(preset="minikube")
        >>> try:
        ...     c.apply('''
        ... apiVersion: v1
        ... kind: ConfigMap
        ... metadata: {name: web-config}
        ... ---
        ... apiVersion: extensions/v1beta1
        ... kind: Ingress
        ... metadata: {name: web}
        ... ''')
        ... except Exception as err:
        ...     print(err.stdout + str(err))
        configmap/web-config created
        error: resource mapping not found for name: "web" namespace: "" from "STDIN": no matches for kind "Ingress" in version "extensions/v1beta1"
        ensure CRDs are installed first
        >>> c.get("configmap", "web-config").metadata.name
        'web-config'
        """
        _check_arg("apply", "atomic", atomic, bool)
        if atomic:
            return self._write_all(load(manifest), lambda obj: apply_one_object(self.api, obj))
        return self._write_each(manifest, apply_documents)

    def create(self, manifest: Any, atomic: bool = False) -> list[Any]:
        """``kubectl create -f``: create every object on its own (:func:`k8snet.kubectl.apply.create_documents`);
        an existing object is an error (``AlreadyExists``) and the rest go on; errors are raised as
        :meth:`apply` raises them. ``atomic=True``: all or nothing, in one transaction."""
        _check_arg("create", "atomic", atomic, bool)
        if atomic:
            return self._write_all(load(manifest), self.api.create)
        return self._write_each(manifest, create_documents)

    def _write_each(self, manifest: Any, write: Callable[..., Any]) -> list[Any]:
        """Write each object of ``manifest`` on its own, reconcile once after all, raise what kubectl exits with."""
        report = write(self.api, load_documents(manifest))
        self.last_warnings = report.warning_texts
        self.reconcile()
        report.raise_for_errors()
        return report.applied

    def _write_all(self, objs: Sequence[Resource], write: Callable[[Resource], Any]) -> list[Any]:
        """``write`` each object in one transaction (``atomic=True``), keep the API server's warnings, then
        reconcile."""
        out = []
        warnings: list[str] = []
        with _gc_paused(), self.store.transaction():
            for obj in objs:
                out.append(write(obj))
                # every request resets the API server's warnings, the controllers' ones included
                warnings.extend(w for w in self.api.last_warnings if w not in warnings)
        self.last_warnings = warnings
        self.reconcile()
        return out

    def delete(
        self, kind: str, name: str, namespace: str = "default", grace_period_seconds: int | None = None
    ) -> Any:
        """``kubectl delete``; pods terminate gracefully (see :meth:`terminate_pod`)."""
        _check_args("delete", kind=kind, name=name, namespace=namespace)
        _check_grace("delete", grace_period_seconds)
        out = self.api.delete(_kind(kind), name, namespace, grace_period_seconds=grace_period_seconds)
        self.reconcile()
        return out

    def set_pod_ready(self, name: str, ready: bool = True, namespace: str = "default") -> Any:
        """Make a pod's readiness probe pass or fail; returns the pod as it then is."""
        _check_args("set_pod_ready", name=name, namespace=namespace)
        _check_arg("set_pod_ready", "ready", ready, bool)
        self.api.get("Pod", name, namespace)
        self.kubelet.set_ready(name, ready, namespace)
        self.reconcile()
        return self.api.get("Pod", name, namespace)

    def finish_pod(self, name: str, exit_code: int = 0, namespace: str = "default") -> Any:
        """End a running Pod's containers with ``exit_code`` (0: ``Succeeded``), as when its program exits; the
        way a Job's Pod ends in the model (:meth:`k8snet.controllers.kubelet.Kubelet.finish`). Returns the Pod."""
        _check_args("finish_pod", name=name, namespace=namespace)
        _check_arg("finish_pod", "exit_code", exit_code, int)
        self.kubelet.finish(name, exit_code, namespace)
        self.reconcile()
        return self.api.get("Pod", name, namespace)

    def terminate_pod(
        self, name: str, namespace: str = "default", grace_period_seconds: int | None = None
    ) -> Any:
        """Delete a pod gracefully: it stays (``Terminating``, its endpoint ``serving``/``terminating``) until
        ``clock.advance`` passes its grace period (``terminationGracePeriodSeconds``, 30 s by default)."""
        _check_args("terminate_pod", name=name, namespace=namespace)
        _check_grace("terminate_pod", grace_period_seconds)
        pod = self.api.delete("Pod", name, namespace, grace_period_seconds=grace_period_seconds)
        self.reconcile()
        return pod

    def scale(self, kind: str, name: str, replicas: int, namespace: str = "default") -> Any:
        """``kubectl scale``: set ``spec.replicas`` of a Deployment or ReplicaSet through its scale subresource
        (:func:`k8snet.kubectl.command.scale`: kubectl's checks and the server's answers, such as its 404 for a
        kind without one).

        >>> c = Cluster(preset="minikube")
        >>> _ = c.kubectl("create deployment web --image=nginx")
        >>> c.scale("deployment", "web", 3).spec.replicas
        3
        >>> c.scale("service", "kubernetes", 2)
        Traceback (most recent call last):
        ...
        k8snet.errors.KubectlError: Error from server (NotFound): the server could not find the requested resource
        """
        _check_args("scale", kind=kind, name=name, namespace=namespace)
        _check_arg("scale", "replicas", replicas, int)
        kubectl_scale(self, kind, name, replicas, namespace)
        return self.api.get(_kind(kind), name, namespace)

    def label(
        self,
        kind: str,
        name: str,
        labels: dict[str, str | None],
        namespace: str = "default",
        overwrite: bool = True,
    ) -> Any:
        """``kubectl label``: set labels (a value of None removes the key). A value that is not a string reaches
        the API server as JSON does and is refused as its decoder refuses it.

        >>> c = Cluster(preset="minikube")
        >>> c.label("service", "kubernetes", {"tier": 1})
        Traceback (most recent call last):
        ...
        k8snet.errors.ManifestError: Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string
        """
        _check_args("label", kind=kind, name=name, namespace=namespace)
        _check_arg("label", "labels", labels, dict)
        _check_arg("label", "overwrite", overwrite, bool)
        obj = self.api.get(_kind(kind), name, namespace)
        current = dict(obj.metadata.labels or {})
        for k, v in labels.items():
            if v is None:
                current.pop(k, None)
            else:
                if not overwrite and k in current and current[k] != v:
                    raise K8snetError(
                        f"error: '{k}' already has a value ({current[k]}), and --overwrite is false"
                    )
                current[k] = v
        obj.metadata.labels = current or None
        out = self.api.update(obj)
        self.reconcile()
        return out

    # -- reads -------------------------------------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str = "default") -> Any:
        """``kubectl get <kind> <name>``: the stored object.

        >>> Cluster(preset="minikube").get(1, 2)
        Traceback (most recent call last):
        ...
        k8snet.errors.ConfigError: Cluster.get(kind=1): kind must be a str (kubectl's command line holds only strings)
        """
        _check_args("get", kind=kind, name=name, namespace=namespace)
        return self.api.get(_kind(kind), name, namespace)

    def services(self, namespace: str | None = None) -> list[Any]:
        _check_args("services", namespace=namespace, optional=True)
        return self.api.list("Service", namespace)

    def pods(self, namespace: str | None = None, label_selector: str | dict | None = None) -> list[Any]:
        """Pods of one namespace, or of all (the default, like :meth:`services`)."""
        _check_args("pods", namespace=namespace, optional=True)
        if label_selector is not None:
            _check_arg("pods", "label_selector", label_selector, (str, dict))
        return self.api.list("Pod", namespace, label_selector)

    def nodes(self) -> list[Any]:
        return self.api.list("Node")

    def endpoint_slices(self, namespace: str | None = None, service: str | None = None) -> list[Any]:
        _check_args("endpoint_slices", namespace=namespace, service=service, optional=True)
        sel = {"kubernetes.io/service-name": service} if service else None
        return self.api.list("EndpointSlice", namespace, sel)

    def endpoints(self, namespace: str | None = None) -> list[Any]:
        _check_args("endpoints", namespace=namespace, optional=True)
        return self.api.list("Endpoints", namespace)

    def deployments(self, namespace: str | None = None) -> list[Any]:
        _check_args("deployments", namespace=namespace, optional=True)
        return self.api.list("Deployment", namespace)

    def replica_sets(self, namespace: str | None = None) -> list[Any]:
        _check_args("replica_sets", namespace=namespace, optional=True)
        return self.api.list("ReplicaSet", namespace)

    def namespaces(self) -> list[Any]:
        return self.api.list("Namespace")

    def events(self, namespace: str | None = None, involved: Any = None) -> list[Any]:
        """Events, oldest first; ``involved`` filters by object (or object name)."""
        _check_args("events", namespace=namespace, optional=True)
        if involved is not None and not isinstance(involved, str):
            uid = getattr(getattr(involved, "metadata", None), "uid", None)
            if not isinstance(uid, str):
                raise ConfigError(
                    f"Cluster.events(involved={_short(involved)}): involved must be an object's name or a stored "
                    "object (one with metadata.uid)"
                )
        evs = self.api.list("Event", namespace)
        if involved is not None:
            if isinstance(involved, str):
                evs = [e for e in evs if e.involvedObject.name == involved]
            else:
                evs = [e for e in evs if e.involvedObject.uid == involved.metadata.uid]
        return sorted(
            evs,
            key=lambda e: (
                e.lastTimestamp or e.firstTimestamp,
                e.metadata.resourceVersion and int(e.metadata.resourceVersion),
            ),
        )

    def node_ip(self, name: str, family: str | None = None) -> str:
        """A node's InternalIP: the first one, or the one of ``family`` (``"IPv4"``/``"IPv6"``)."""
        _check_args("node_ip", name=name)
        if family is not None and family not in ("IPv4", "IPv6"):
            raise ConfigError(f'Cluster.node_ip(family={_short(family)}): family is "IPv4" or "IPv6"')
        node = self.api.get("Node", name)
        ips = [a.address for a in node.status.addresses if a.type == "InternalIP"]
        if family is None:
            return ips[0]
        want = 6 if family == "IPv6" else 4
        found = next((ip for ip in ips if ipaddress.ip_address(ip).version == want), None)
        if found is None:
            raise K8snetError(f"node {name} has no {family} InternalIP (its addresses: {', '.join(ips)})")
        return found

    # -- other components ----------------------------------------------------------------------------------
    def kubectl(self, line: str, stdin: str | None = None) -> KubectlOutput:
        """Run a kubectl command line against this cluster; returns stdout (see :mod:`k8snet.kubectl`).

        ``stdin`` is what ``-f -`` reads. The result is a ``str`` whose ``.stderr`` holds kubectl's
        ``Warning:`` lines.
        """
        _check_args("kubectl", line=line)
        if stdin is not None:
            _check_arg("kubectl", "stdin", stdin, str)
        return run(self, line, stdin=stdin)

    @property
    def dns(self) -> Any:
        """The cluster DNS view (:class:`k8snet.dns.DNS`), created on first use."""
        if self._dns is None:
            try:
                from k8snet.dns import DNS
            except ImportError as exc:  # pragma: no cover - depends on the tree state
                raise K8snetError("the DNS model (k8snet.dns) is not available") from exc
            self._dns = DNS(self)
        return self._dns


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the controllers run. What they allocate is acyclic (API
    objects, index entries) and reference counting frees it; without the pause, full collections would scan
    every stored object again and again as a large cluster is built (a third of the time at a few thousand
    pods). The collector runs again as before afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextlib.contextmanager
def _budgeted(controllers: list[Any], budget: WorkBudget) -> Iterator[None]:
    """Give ``controllers`` the settle's budget for its duration (a settle started by ``clock.advance`` inside
    another one gets its own, and the outer one's is given back after it)."""
    saved = [c.budget for c in controllers]
    for c in controllers:
        c.budget = budget
    try:
        yield
    finally:
        for c, b in zip(controllers, saved, strict=True):
            c.budget = b


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_arg(method: str, param: str, value: Any, types: type | tuple[type, ...]) -> None:
    """Refuse an argument of a type the verb cannot take, before anything is read or written. kubectl's command
    line holds only strings, so there are no kubectl words for this: a :class:`~k8snet.errors.ConfigError` names
    the argument (``bool`` is not taken for ``int``, as JSON tells ``true`` from ``1``).

    >>> _check_arg("scale", "replicas", True, int)
    Traceback (most recent call last):
    ...
    k8snet.errors.ConfigError: Cluster.scale(replicas=True): replicas must be an int
    """
    ok = isinstance(value, types) and (
        types is bool or bool in _as_tuple(types) or not isinstance(value, bool)
    )
    if not ok:
        names = " or ".join(t.__name__ for t in _as_tuple(types))
        article = "an" if names[0] in "aeiou" else "a"
        why = " (kubectl's command line holds only strings)" if str in _as_tuple(types) else ""
        raise ConfigError(
            f"Cluster.{method}({param}={_short(value)}): {param} must be {article} {names}{why}"
        )


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _check_args(method: str, optional: bool = False, **strings: Any) -> None:
    """:func:`_check_arg` for string arguments (kinds, names, namespaces); ``optional``: ``None`` is allowed."""
    for param, value in strings.items():
        if not (optional and value is None):
            _check_arg(method, param, value, str)


def _check_grace(method: str, grace_period_seconds: Any) -> None:
    if grace_period_seconds is not None:
        _check_arg(method, "grace_period_seconds", grace_period_seconds, int)


def _kind(name: str) -> str:
    """The kind for any name kubectl accepts (``svc``, ``deployments``, ``Service``); other names are passed on
    unchanged (the API server answers them with NotFound)."""
    cls = resource_class(name)
    return cls.api_info.kind if cls is not None else name
