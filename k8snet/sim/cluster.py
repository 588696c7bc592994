"""The :class:`Cluster` facade: an API server, its controllers and a clock, wired like a small real cluster.

Presets (keyword arguments override any of them):

``"kind"`` (default)
    Three nodes as ``kind create cluster`` with two workers makes them: ``kind-control-plane`` (172.18.0.2,
    pod CIDR 10.244.0.0/24, tainted ``node-role.kubernetes.io/control-plane:NoSchedule``), ``kind-worker``
    (172.18.0.3, 10.244.1.0/24) and ``kind-worker2`` (172.18.0.4, 10.244.2.0/24); Service CIDR 10.96.0.0/12
    (kubeadm's default; kind itself defaults to 10.96.0.0/16, so book/09-real-cluster.ipynb's kind config sets
    ``serviceSubnet: 10.96.0.0/12`` to match), cluster CIDR 10.244.0.0/16. The nodes carry ``topology.kubernetes.io/zone`` labels ``zone-a``/``zone-b``/
    ``zone-c`` (real kind sets none; they are here so topology-aware routing can be shown; ``zones=[]`` drops
    them). CoreDNS runs 2 replicas on the control-plane node (kubeadm installs it before the workers join).
``"minikube"``
    One node ``minikube`` (192.168.49.2, pod CIDR 10.244.0.0/24); CoreDNS scaled to 1 replica as minikube
    does, so it gets 10.244.0.2 and the first user pod 10.244.0.3.
``"article"``
    The article's minikube: the same single node with cluster CIDR 10.4.0.0/16 and node CIDR 10.4.0.0/24,
    so CoreDNS takes 10.4.0.2 and the first nginx pod gets **10.4.0.3**, the address the article prints (pod
    IPs come from host-local IPAM: ``.1`` is the bridge gateway, see :mod:`k8snet.controllers.kubelet`).

At construction the cluster holds what ``kubeadm init`` leaves behind: Namespaces ``default``,
``kube-system``, ``kube-public``, ``kube-node-lease``; the Nodes; the ``kubernetes`` Service (first address of
the Service CIDR, port ``https`` 443/TCP → 6443) with the Endpoints and EndpointSlice the API server itself
maintains (pkg/controlplane/reconcilers), pointing at the control-plane node's IP:6443; the ``kube-dns``
Service at the tenth address (10.96.0.10; ports ``dns`` 53/UDP, ``dns-tcp`` 53/TCP, ``metrics`` 9153/TCP) and
the ``coredns`` Deployment with its pods. Static pods (etcd, kube-apiserver, ...), kube-proxy and the CNI
DaemonSet are host-network pods and are not modelled as objects.

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

import ipaddress
import json
from datetime import timedelta
from typing import Any

from k8snet.apiserver.server import APIServer
from k8snet.apiserver.store import Store
from k8snet.clock import DEFAULT_START, SimClock
from k8snet.controllers import EventRecorder, GarbageCollector
from k8snet.controllers.deployment import DeploymentController, ReplicaSetController
from k8snet.controllers.endpoints import EndpointsController, EndpointSliceMirroringController
from k8snet.controllers.endpointslice import EndpointSliceController
from k8snet.controllers.kubelet import Kubelet
from k8snet.errors import ConfigError, K8snetError

__all__ = ["Cluster", "PRESETS", "COREDNS_IMAGE", "KUBERNETES_VERSION"]

KUBERNETES_VERSION = "v1.34.0"
#: ``status.nodeInfo.kernelVersion``: kind and minikube (docker driver) nodes report the host's kernel.
HOST_KERNEL_VERSION = "6.8.0-85-generic"
#: kubeadm v1.34's CoreDNS (cmd/kubeadm/app/constants: CoreDNSVersion).
COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.12.1"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

PRESETS: dict[str, dict[str, Any]] = {
    "kind": {
        "node_names": ["kind-control-plane", "kind-worker", "kind-worker2"],
        "node_ip_base": "172.18.0.2",
        "service_cidr": "10.96.0.0/12",
        "cluster_cidr": "10.244.0.0/16",
        "node_port_range": "30000-32767",
        "zones": ["zone-a", "zone-b", "zone-c"],
        "coredns_replicas": 2,
    },
    "minikube": {
        "node_names": ["minikube"],
        "node_ip_base": "192.168.49.2",
        "service_cidr": "10.96.0.0/12",
        "cluster_cidr": "10.244.0.0/16",
        "node_port_range": "30000-32767",
        "zones": [],
        "coredns_replicas": 1,
    },
    "article": {
        "node_names": ["minikube"],
        "node_ip_base": "192.168.49.2",
        "service_cidr": "10.96.0.0/12",
        "cluster_cidr": "10.4.0.0/16",
        "node_port_range": "30000-32767",
        "zones": [],
        "coredns_replicas": 1,
    },
}


def _node_names(preset: str, n: int) -> list[str]:
    if preset == "kind":
        return ["kind-control-plane"] + [f"kind-worker{'' if i == 1 else i}" for i in range(1, n)]
    return ["minikube"] + [f"minikube-m{i + 1:02d}" for i in range(1, n)]


def _uuid(seed: int, name: str, what: str) -> str:
    import hashlib
    import uuid

    return str(uuid.UUID(bytes=hashlib.sha256(f"{seed}:{name}:{what}".encode()).digest()[:16], version=4))


def _check_node_names(nodes: Any) -> list[str]:
    """Node names must be DNS-1123 subdomains (``ValidateNodeName``), unique, and at least one."""
    from k8snet.apiserver.validation import name_is_dns_subdomain

    if isinstance(nodes, (str, bytes)) or not hasattr(nodes, "__iter__"):
        raise ConfigError(f"Cluster(nodes={nodes!r}): give a number of nodes or a list of node names")
    names = list(nodes)
    if not names:
        raise ConfigError("Cluster(nodes=[]): a cluster needs at least one node")
    for name in names:
        problems = (
            name_is_dns_subdomain(name, False) if isinstance(name, str) and name else ["must not be empty"]
        )
        if problems:
            raise ConfigError(f"Cluster(nodes=...): node name {name!r} is invalid: {problems[0]}")
    dup = next((n for i, n in enumerate(names) if n in names[:i]), None)
    if dup is not None:
        raise ConfigError(f"Cluster(nodes=...): node name {dup!r} appears twice")
    return names


def _check_cidr(arg: str, value: Any) -> str:
    """An IPv4 CIDR (the simulated cluster is single-stack IPv4). For ``service_cidr`` kube-apiserver also
    refuses ranges wider than 20 bits (cmd/kube-apiserver/app/options/validation.go)."""
    try:
        net = ipaddress.ip_network(value, strict=False)
    except (TypeError, ValueError):
        raise ConfigError(f"Cluster({arg}={value!r}): not a valid CIDR (e.g. 10.96.0.0/12)") from None
    if net.version != 4:
        raise ConfigError(f"Cluster({arg}={value!r}): only IPv4 (single-stack) clusters are modelled")
    if arg == "service_cidr":
        if net.max_prefixlen - net.prefixlen > 20:
            raise ConfigError(
                f"Cluster(service_cidr={value!r}): specified --service-cluster-ip-range is too "
                "large; for 32-bit addresses, the mask must be >= 12"
            )
        if net.num_addresses < 8:
            raise ConfigError(
                f"Cluster(service_cidr={value!r}): the range is too small to allocate ClusterIPs "
                "(the simulation needs at least a /29)"
            )
    return value


def _check_port_range(value: Any) -> str:
    """``--service-node-port-range``: ``base-max`` (utilnet.ParsePortRange), within 1-65535."""
    text = str(value)
    parts = text.split("-")
    ok = len(parts) == 2 and all(p.strip().isdigit() for p in parts)
    if ok:
        lo, hi = int(parts[0]), int(parts[1])
        ok = 1 <= lo <= hi <= 65535
    if not ok:
        raise ConfigError(f"Cluster(node_port_range={value!r}): not a port range like 30000-32767 (1-65535)")
    return text


def _check_pod_cidr_room(cluster_cidr: str, n_nodes: int) -> None:
    net = ipaddress.ip_network(cluster_cidr, strict=False)
    room = 2 ** (24 - net.prefixlen) if net.prefixlen <= 24 else 1
    if n_nodes > room:
        raise ConfigError(
            f"Cluster(cluster_cidr={cluster_cidr!r}): room for {room} node /24 pod CIDR(s), "
            f"but the cluster has {n_nodes} nodes"
        )


def _three_way(live: Any, last: Any, new: Any) -> Any:
    """kubectl apply's three-way merge, simplified: keys removed since the last apply are dropped, maps
    merge recursively, lists and scalars from the manifest replace the live value."""
    if not isinstance(new, dict) or not isinstance(live, dict):
        return new
    out = dict(live)
    last = last if isinstance(last, dict) else {}
    for k in last:
        if k not in new:
            out.pop(k, None)
    for k, v in new.items():
        out[k] = _three_way(out.get(k), last.get(k), v) if isinstance(v, dict) else v
    return out


def _last_applied(obj: Any) -> str:
    """The ``kubectl.kubernetes.io/last-applied-configuration`` value kubectl writes: the manifest as compact
    JSON with sorted keys, ``metadata.namespace`` filled in and an ``annotations`` map, plus a newline."""
    d = obj.to_dict()
    md = d.setdefault("metadata", {})
    ann = dict(md.get("annotations") or {})
    ann.pop(LAST_APPLIED, None)
    md["annotations"] = ann
    if getattr(obj, "namespaced", True):
        md["namespace"] = md.get("namespace") or "default"
    return json.dumps(d, sort_keys=True, separators=(",", ":")) + "\n"


class Cluster:
    """A simulated Kubernetes v1.34 cluster.

    Parameters
    ----------
    preset : {"kind", "minikube", "article"}
    nodes : int or list of str, optional
        Number of nodes (or their names); the first is the control plane.
    service_cidr, cluster_cidr, node_port_range : str, optional
        Override the preset's ``--service-cluster-ip-range``, ``--cluster-cidr`` (each node gets the next /24)
        and ``--service-node-port-range``.
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
    ):
        if not isinstance(preset, str) or preset not in PRESETS:
            raise ConfigError(f"Cluster(preset={preset!r}): unknown preset; choose one of {sorted(PRESETS)}")
        cfg = dict(PRESETS[preset])
        self.preset = preset
        if isinstance(nodes, int) and not isinstance(nodes, bool):
            if nodes < 1:
                raise ConfigError(f"Cluster(nodes={nodes!r}): a cluster needs at least one node")
            cfg["node_names"] = _node_names(preset, nodes)
        elif nodes is not None:
            cfg["node_names"] = _check_node_names(nodes)
        self.service_cidr = _check_cidr("service_cidr", service_cidr or cfg["service_cidr"])
        self.cluster_cidr = _check_cidr("cluster_cidr", cluster_cidr or cfg["cluster_cidr"])
        self.node_port_range = _check_port_range(node_port_range or cfg["node_port_range"])
        _check_pod_cidr_room(self.cluster_cidr, len(cfg["node_names"]))
        self.zones = list(cfg["zones"] if zones is None else zones)
        self.seed = seed
        self.cloud_provider = cloud_provider
        self.clock = SimClock(start - timedelta(days=1))
        self.store = Store(self.clock, seed=seed)
        self.api = APIServer(self.store, self.clock, self.service_cidr, self.node_port_range, seed=seed)
        self.recorder = EventRecorder(self.api, self.clock)
        self.kubelet = Kubelet(self.api, self.recorder)
        #: Controllers run in this order each round; append to add one (e.g. a load-balancer controller).
        self.controllers: list[Any] = [
            GarbageCollector(self.api),
            DeploymentController(self.api, self.recorder),
            ReplicaSetController(self.api, self.recorder),
            self.kubelet,
            EndpointsController(self.api),
            EndpointSliceController(self.api),
            EndpointSliceMirroringController(self.api),
        ]
        self._dns = None
        #: ``Warning:`` texts the API server returned for the last :meth:`apply` or :meth:`create`.
        self.last_warnings: list[str] = []
        self._bootstrap(cfg)
        if cloud_provider is None and preset == "kind":
            from k8snet.controllers.cloud import GenericCloud

            cloud_provider = GenericCloud()
        if cloud_provider:  # cloud_provider=False: none (LoadBalancer Services stay <pending>)
            from k8snet.controllers.servicelb import ServiceLBController

            self.controllers.append(ServiceLBController(self.api, self.recorder, cloud_provider))
        self.cloud_provider = cloud_provider or None
        self.clock.on_advance.append(self.reconcile)
        self.clock.advance(days=1)

    # -- construction ------------------------------------------------------------------------------------
    def _node(
        self, name: str, ip: str, cidr: str, zone: str | None, control_plane: bool, tainted: bool
    ) -> Any:
        from k8snet.api.core_v1 import Node

        labels = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
        }
        if control_plane:
            labels["node-role.kubernetes.io/control-plane"] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        if zone:
            labels["topology.kubernetes.io/zone"] = zone
        now = self.clock.now()
        spec: dict[str, Any] = {"podCIDR": cidr, "podCIDRs": [cidr]}
        if self.preset == "kind":
            spec["providerID"] = f"kind://docker/kind/{name}"
        if tainted:
            spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
        conditions = [
            (
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ]
        return Node(
            metadata={"name": name, "labels": labels},
            spec=spec,
            status={
                "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                "conditions": [
                    {
                        "type": t,
                        "status": s,
                        "reason": r,
                        "message": m,
                        "lastHeartbeatTime": now,
                        "lastTransitionTime": now,
                    }
                    for t, s, r, m in conditions
                ],
                "capacity": {
                    "cpu": "8",
                    "ephemeral-storage": "102626232Ki",
                    "hugepages-1Gi": "0",
                    "hugepages-2Mi": "0",
                    "memory": "16369080Ki",
                    "pods": "110",
                },
                "allocatable": {
                    "cpu": "8",
                    "ephemeral-storage": "102626232Ki",
                    "hugepages-1Gi": "0",
                    "hugepages-2Mi": "0",
                    "memory": "16369080Ki",
                    "pods": "110",
                },
                # kindest/node:v1.34.0 (kind v0.30.0) is Debian 12 and ships containerd 2.1.3 (kind issue
                # #4032: the release notes said 2.1.4, the image has 2.1.3). kind nodes share the host's kernel;
                # we use an Ubuntu 24.04 host's. The IDs are derived from the seed and the node name.
                "nodeInfo": {
                    "architecture": "amd64",
                    "bootID": _uuid(self.seed, name, "boot"),
                    "containerRuntimeVersion": "containerd://2.1.3",
                    "kernelVersion": HOST_KERNEL_VERSION,
                    "kubeletVersion": KUBERNETES_VERSION,
                    "machineID": _uuid(self.seed, name, "machine").replace("-", ""),
                    "operatingSystem": "linux",
                    "osImage": "Debian GNU/Linux 12 (bookworm)",
                    "systemUUID": _uuid(self.seed, name, "system"),
                },
            },
        )

    def _bootstrap(self, cfg: dict[str, Any]) -> None:
        from k8snet.api.apps_v1 import Deployment
        from k8snet.api.core_v1 import Endpoints, Namespace, Service
        from k8snet.api.discovery_v1 import EndpointSlice

        for ns in ("default", "kube-node-lease", "kube-public", "kube-system"):
            self.api.create(Namespace(metadata={"name": ns}))
        names = cfg["node_names"]
        base_ip = ipaddress.IPv4Address(cfg["node_ip_base"])
        pod_net = ipaddress.ip_network(self.cluster_cidr, strict=False)
        subnets = pod_net.subnets(new_prefix=24) if pod_net.prefixlen <= 24 else iter([pod_net])
        node_objs = []
        for i, name in enumerate(names):
            zone = self.zones[i % len(self.zones)] if self.zones else None
            node_objs.append(
                self._node(
                    name,
                    str(base_ip + i),
                    str(next(subnets)),
                    zone,
                    control_plane=i == 0,
                    # kind taints the control plane only when it has workers
                    tainted=i == 0 and len(names) > 1 and self.preset == "kind",
                )
            )
        self.api.create(node_objs[0])
        cp_ip = str(base_ip)

        # the kubernetes Service and its API-server-maintained Endpoints/EndpointSlice
        # (pkg/controlplane/controller/kubernetesservice, pkg/controlplane/reconcilers/endpointsadapter.go)
        self.api.create(
            Service(
                metadata={
                    "name": "kubernetes",
                    "namespace": "default",
                    "labels": {"component": "apiserver", "provider": "kubernetes"},
                },
                spec={
                    "clusterIP": self.api.ips.nth(1),
                    "type": "ClusterIP",
                    "sessionAffinity": "None",
                    "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                },
            )
        )
        self.api.create(
            Endpoints(
                metadata={
                    "name": "kubernetes",
                    "namespace": "default",
                    "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
                },
                subsets=[
                    {
                        "addresses": [{"ip": cp_ip}],
                        "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
                    }
                ],
            )
        )
        self.api.create(
            EndpointSlice(
                metadata={
                    "name": "kubernetes",
                    "namespace": "default",
                    "labels": {"kubernetes.io/service-name": "kubernetes"},
                },
                addressType="IPv4",
                endpoints=[{"addresses": [cp_ip], "conditions": {"ready": True}}],
                ports=[{"name": "https", "port": 6443, "protocol": "TCP"}],
            )
        )
        # kube-dns + CoreDNS as kubeadm's addon manifests (cmd/kubeadm/app/phases/addons/dns/manifests.go)
        self.api.create(
            Service(
                metadata={
                    "name": "kube-dns",
                    "namespace": "kube-system",
                    "labels": {
                        "k8s-app": "kube-dns",
                        "kubernetes.io/cluster-service": "true",
                        "kubernetes.io/name": "CoreDNS",
                    },
                    "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
                },
                spec={
                    "clusterIP": self.api.ips.nth(10),
                    "selector": {"k8s-app": "kube-dns"},
                    "ports": [
                        {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                        {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
                    ],
                },
            )
        )
        self.api.create(
            Deployment(
                metadata={"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
                spec={
                    "replicas": cfg["coredns_replicas"],
                    "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
                    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
                    "template": {
                        "metadata": {"labels": {"k8s-app": "kube-dns"}},
                        "spec": {
                            "priorityClassName": "system-cluster-critical",
                            "serviceAccountName": "coredns",
                            "dnsPolicy": "Default",
                            "nodeSelector": {"kubernetes.io/os": "linux"},
                            "tolerations": [
                                {"key": "CriticalAddonsOnly", "operator": "Exists"},
                                {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
                            ],
                            "containers": [
                                {
                                    "name": "coredns",
                                    "image": COREDNS_IMAGE,
                                    "imagePullPolicy": "IfNotPresent",
                                    "args": ["-conf", "/etc/coredns/Corefile"],
                                    "ports": [
                                        {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                        {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                        {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                                    ],
                                    "readinessProbe": {
                                        "httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}
                                    },
                                    "livenessProbe": {
                                        "httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"},
                                        "initialDelaySeconds": 60,
                                        "timeoutSeconds": 5,
                                        "successThreshold": 1,
                                        "failureThreshold": 5,
                                    },
                                }
                            ],
                        },
                    },
                },
            )
        )
        self.reconcile()
        for node in node_objs[1:]:  # workers join after kubeadm init
            self.api.create(node)
        self.reconcile()

    # -- the control loop ----------------------------------------------------------------------------------
    def reconcile(self, max_rounds: int = 100) -> None:
        """Run every controller until a whole round writes nothing."""
        for _ in range(max_rounds):
            before = self.store.resource_version
            for controller in self.controllers:
                controller.sync()
            if self.store.resource_version == before:
                return
        raise K8snetError(f"controllers did not settle after {max_rounds} rounds")

    # -- writes ------------------------------------------------------------------------------------------
    def apply(self, manifest: Any) -> list[Any]:
        """``kubectl apply``: create what is missing, three-way-merge what exists; returns the stored objects.

        All documents are applied in one transaction: if any is rejected nothing changes (real kubectl
        applies documents one by one and keeps the ones before the failure).
        """
        from k8snet.manifests import load

        objs = load(manifest)
        out = []
        warnings: list[str] = []
        with self.store.transaction():
            for obj in objs:
                out.append(self._apply_one(obj))
                # every request resets the API server's warnings, the controllers' ones included
                warnings.extend(w for w in self.api.last_warnings if w not in warnings)
        self.last_warnings = warnings
        self.reconcile()
        return out

    def _apply_one(self, obj: Any) -> Any:
        obj = obj.model_copy(deep=True)
        kind = obj.kind
        ns = (obj.metadata.namespace or "default") if obj.namespaced else ""
        if obj.namespaced:
            obj.metadata.namespace = ns
        applied = _last_applied(obj)
        live = self.store.get(kind, obj.metadata.name or "", ns) if obj.metadata.name else None
        if live is None:
            obj.metadata.annotations = {**(obj.metadata.annotations or {}), LAST_APPLIED: applied}
            return self.api.create(obj)
        live_d = live.to_dict()
        last_raw = (live.metadata.annotations or {}).get(LAST_APPLIED)
        last = json.loads(last_raw) if last_raw else {}
        new_d = obj.to_dict()
        new_d.setdefault("metadata", {})
        new_d["metadata"]["annotations"] = {
            **(new_d["metadata"].get("annotations") or {}),
            LAST_APPLIED: applied,
        }
        merged = _three_way(live_d, last, new_d)
        merged.pop("status", None)
        merged["status"] = live_d.get("status")
        if merged["status"] is None:
            merged.pop("status")
        if kind == "Service":
            # the allocated fields come back through the API server's patchAllocatedValues
            merged_spec = merged.get("spec", {})
            if "clusterIP" not in (new_d.get("spec") or {}):
                merged_spec.pop("clusterIP", None)
                merged_spec.pop("clusterIPs", None)
        updated = type(live).model_validate(merged)
        return self.api.update(updated)

    def create(self, manifest: Any) -> list[Any]:
        """``kubectl create``: create every document (all-or-nothing); existing objects are an error."""
        from k8snet.manifests import load

        objs = load(manifest)
        out = []
        warnings: list[str] = []
        with self.store.transaction():
            for obj in objs:
                out.append(self.api.create(obj))
                warnings.extend(w for w in self.api.last_warnings if w not in warnings)
        self.last_warnings = warnings
        self.reconcile()
        return out

    def delete(
        self, kind: str, name: str, namespace: str = "default", grace_period_seconds: int | None = None
    ) -> Any:
        """``kubectl delete``; pods terminate gracefully (see :meth:`terminate_pod`)."""
        out = self.api.delete(_kind(kind), name, namespace, grace_period_seconds=grace_period_seconds)
        self.reconcile()
        return out

    def set_pod_ready(self, name: str, ready: bool = True, namespace: str = "default") -> Any:
        """Make a pod's readiness probe pass or fail; returns the pod as it then is."""
        self.api.get("Pod", name, namespace)
        self.kubelet.set_ready(name, ready, namespace)
        self.reconcile()
        return self.api.get("Pod", name, namespace)

    def terminate_pod(
        self, name: str, namespace: str = "default", grace_period_seconds: int | None = None
    ) -> Any:
        """Delete a pod gracefully: it stays (``Terminating``, its endpoint ``serving``/``terminating``) until
        ``clock.advance`` passes its grace period (``terminationGracePeriodSeconds``, 30 s by default)."""
        pod = self.api.delete("Pod", name, namespace, grace_period_seconds=grace_period_seconds)
        self.reconcile()
        return pod

    def scale(self, kind: str, name: str, replicas: int, namespace: str = "default") -> Any:
        """``kubectl scale``: set ``spec.replicas`` of a Deployment or ReplicaSet."""
        obj = self.api.get(_kind(kind), name, namespace)
        obj.spec.replicas = replicas
        out = self.api.update(obj)
        self.reconcile()
        return out

    def label(
        self,
        kind: str,
        name: str,
        labels: dict[str, str | None],
        namespace: str = "default",
        overwrite: bool = True,
    ) -> Any:
        """``kubectl label``: set labels (a value of None removes the key)."""
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
        return self.api.get(_kind(kind), name, namespace)

    def services(self, namespace: str | None = None) -> list[Any]:
        return self.api.list("Service", namespace)

    def pods(self, namespace: str | None = None, label_selector: str | dict | None = None) -> list[Any]:
        """Pods of one namespace, or of all (the default, like :meth:`services`)."""
        return self.api.list("Pod", namespace, label_selector)

    def nodes(self) -> list[Any]:
        return self.api.list("Node")

    def endpoint_slices(self, namespace: str | None = None, service: str | None = None) -> list[Any]:
        sel = {"kubernetes.io/service-name": service} if service else None
        return self.api.list("EndpointSlice", namespace, sel)

    def endpoints(self, namespace: str | None = None) -> list[Any]:
        return self.api.list("Endpoints", namespace)

    def deployments(self, namespace: str | None = None) -> list[Any]:
        return self.api.list("Deployment", namespace)

    def replica_sets(self, namespace: str | None = None) -> list[Any]:
        return self.api.list("ReplicaSet", namespace)

    def namespaces(self) -> list[Any]:
        return self.api.list("Namespace")

    def events(self, namespace: str | None = None, involved: Any = None) -> list[Any]:
        """Events, oldest first; ``involved`` filters by object (or object name)."""
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

    def node_ip(self, name: str) -> str:
        """A node's InternalIP."""
        node = self.api.get("Node", name)
        return next(a.address for a in node.status.addresses if a.type == "InternalIP")

    # -- other components ----------------------------------------------------------------------------------
    def kubectl(self, line: str, stdin: str | None = None) -> str:
        """Run a kubectl command line against this cluster; returns stdout (see :mod:`k8snet.kubectl`).

        ``stdin`` is what ``-f -`` reads. The result is a ``str`` whose ``.stderr`` holds kubectl's
        ``Warning:`` lines.
        """
        from k8snet.kubectl.command import run

        return run(self, line, stdin=stdin)

    @property
    def dns(self) -> Any:
        """The cluster DNS view (:class:`k8snet.controllers.dns.DNS`), created on first use."""
        if self._dns is None:
            try:
                from k8snet.controllers.dns import DNS
            except ImportError as exc:  # pragma: no cover - depends on the tree state
                raise K8snetError("the DNS model (k8snet.controllers.dns) is not available") from exc
            self._dns = DNS(self)
        return self._dns


_KIND_ALIASES = {
    "svc": "Service",
    "service": "Service",
    "services": "Service",
    "po": "Pod",
    "pod": "Pod",
    "pods": "Pod",
    "deploy": "Deployment",
    "deployment": "Deployment",
    "deployments": "Deployment",
    "rs": "ReplicaSet",
    "replicaset": "ReplicaSet",
    "replicasets": "ReplicaSet",
    "ep": "Endpoints",
    "endpoints": "Endpoints",
    "endpointslice": "EndpointSlice",
    "endpointslices": "EndpointSlice",
    "no": "Node",
    "node": "Node",
    "nodes": "Node",
    "ns": "Namespace",
    "namespace": "Namespace",
    "namespaces": "Namespace",
    "ev": "Event",
    "event": "Event",
    "events": "Event",
}


def _kind(kind: str) -> str:
    return _KIND_ALIASES.get(kind.lower(), kind)
