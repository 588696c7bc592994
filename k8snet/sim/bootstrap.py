"""Bootstrap: the cluster presets, their checks, and the objects ``kubeadm init``/``kind create cluster`` leave behind.

Presets (keyword arguments of :class:`~k8snet.sim.cluster.Cluster` override any of them):

``"kind"`` (default)
    Three nodes as ``kind create cluster`` with two workers makes them: ``kind-control-plane`` (172.18.0.2,
    pod CIDR 10.244.0.0/24, tainted ``node-role.kubernetes.io/control-plane:NoSchedule``), ``kind-worker``
    (172.18.0.3, 10.244.1.0/24) and ``kind-worker2`` (172.18.0.4, 10.244.2.0/24); Service CIDR 10.96.0.0/12
    (kubeadm's default; kind itself defaults to 10.96.0.0/16, so book/09-real-cluster.ipynb's kind config sets
    ``serviceSubnet: 10.96.0.0/12`` to match), cluster CIDR 10.244.0.0/16. The nodes carry
    ``topology.kubernetes.io/zone`` labels ``zone-a``/``zone-b``/``zone-c`` (real kind sets none; they are here
    so topology-aware routing can be shown; ``zones=[]`` drops them). CoreDNS runs 2 replicas on the
    control-plane node (kubeadm installs it before the workers join).
``"minikube"``
    One node ``minikube`` as ``minikube start`` (v1.37.0, docker driver, Kubernetes v1.34.0) makes it:
    192.168.49.2 (the first address of the ``192.168.49.0/24`` network minikube creates, kubernetes/minikube
    ``pkg/drivers/kic/oci/network_create.go`` ``firstSubnetAddr``), pod CIDR 10.244.0.0/24 (``DefaultPodCIDR``
    10.244.0.0/16, ``pkg/minikube/cni``), Service CIDR 10.96.0.0/12 (``constants.DefaultServiceCIDR``), and the
    API server on port **8443** (``constants.APIServerPort``), so the ``kubernetes`` Endpoints read
    ``192.168.49.2:8443``. CoreDNS is scaled to 1 replica as minikube does, so it gets 10.244.0.2 and the first
    user pod 10.244.0.3. The node reports the kicbase image's OS, ``Ubuntu 22.04.5 LTS``, and the docker
    runtime, ``docker://28.4.0`` (real ``kubectl get nodes -o wide`` captures of minikube v1.37.0).
    Simplified: minikube's ``minikube.k8s.io/*`` node labels (version, commit, start time) are left out.
``"article"``
    The article's minikube: the same single node with cluster CIDR 10.4.0.0/16 and node CIDR 10.4.0.0/24,
    so CoreDNS takes 10.4.0.2 and the first nginx pod gets **10.4.0.3**, the address the article prints (pod
    IPs come from host-local IPAM: ``.1`` is the bridge gateway, see :mod:`k8snet.controllers.kubelet`). Everything
    else is the ``"minikube"`` preset's, the API server's port 8443 included.

:func:`kubeadm_init` creates what ``kubeadm init`` leaves behind: Namespaces ``default``, ``kube-system``,
``kube-public``, ``kube-node-lease``; the control-plane Node; the ``kubernetes`` Service (first address of the
Service CIDR, port ``https`` 443/TCP → the API server's port: kubeadm's 6443, minikube's 8443) with the Endpoints
and EndpointSlice the API server itself maintains (pkg/controlplane/reconcilers), pointing at the control-plane
node's IP and that port; the ``kube-dns`` Service at the
tenth address (10.96.0.10; ports ``dns`` 53/UDP, ``dns-tcp`` 53/TCP, ``metrics`` 9153/TCP) and the ``coredns``
Deployment (cmd/kubeadm/app/phases/addons/dns/manifests.go). The workers join afterwards (``kubeadm join``).
Static pods (etcd, kube-apiserver, ...), kube-proxy and the CNI DaemonSet are host-network pods and are not
modelled as objects.

>>> config = cluster_config("kind", nodes=2, zones=[])
>>> config.node_names, config.service_cidr
(['kind-control-plane', 'kind-worker'], '10.96.0.0/12')
>>> cluster_config("kind", service_cidr="10.0.0.0/8")
Traceback (most recent call last):
...
k8snet.errors.ConfigError: Cluster(service_cidr='10.0.0.0/8'): specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12
"""

from __future__ import annotations

import hashlib
import ipaddress
import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from k8snet.api.apps_v1 import Deployment
from k8snet.api.core_v1 import Endpoints, Namespace, Node, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.apiserver.server import APIServer
from k8snet.apiserver.validation import name_is_dns_subdomain
from k8snet.controllers.cloud import LoadBalancerProvider
from k8snet.errors import ConfigError

__all__ = [
    "check_cloud_provider",
    "check_start",
    "COREDNS_IMAGE",
    "ClusterConfig",
    "HOST_KERNEL_VERSION",
    "KUBERNETES_VERSION",
    "MAX_NODES",
    "PRESETS",
    "cluster_config",
    "kubeadm_init",
    "node",
    "nodes",
]

KUBERNETES_VERSION = "v1.34.0"
#: ``status.nodeInfo.kernelVersion``: kind and minikube (docker driver) nodes report the host's kernel.
HOST_KERNEL_VERSION = "6.8.0-85-generic"
#: kubeadm v1.34's CoreDNS (cmd/kubeadm/app/constants: CoreDNSVersion).
COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.12.1"

PRESETS: dict[str, dict[str, Any]] = {
    "kind": {
        "node_names": ["kind-control-plane", "kind-worker", "kind-worker2"],
        "node_ip_base": "172.18.0.2",
        "service_cidr": "10.96.0.0/12",
        "cluster_cidr": "10.244.0.0/16",
        "node_port_range": "30000-32767",
        "zones": ["zone-a", "zone-b", "zone-c"],
        "coredns_replicas": 2,
        "apiserver_port": 6443,
        "os_image": "Debian GNU/Linux 12 (bookworm)",
        "container_runtime": "containerd://2.1.3",
    },
    "minikube": {
        "node_names": ["minikube"],
        "node_ip_base": "192.168.49.2",
        "service_cidr": "10.96.0.0/12",
        "cluster_cidr": "10.244.0.0/16",
        "node_port_range": "30000-32767",
        "zones": [],
        "coredns_replicas": 1,
        "apiserver_port": 8443,
        "os_image": "Ubuntu 22.04.5 LTS",
        "container_runtime": "docker://28.4.0",
    },
    "article": {
        "node_names": ["minikube"],
        "node_ip_base": "192.168.49.2",
        "service_cidr": "10.96.0.0/12",
        "cluster_cidr": "10.4.0.0/16",
        "node_port_range": "30000-32767",
        "zones": [],
        "coredns_replicas": 1,
        "apiserver_port": 8443,
        "os_image": "Ubuntu 22.04.5 LTS",
        "container_runtime": "docker://28.4.0",
    },
}


@dataclass(frozen=True)
class ClusterConfig:
    """A preset with its overrides applied and checked (see :func:`cluster_config`)."""

    preset: str
    node_names: list[str]
    #: The control-plane node's InternalIP; the workers take the next addresses.
    node_ip_base: str
    service_cidr: str
    cluster_cidr: str
    node_port_range: str
    zones: list[str]
    coredns_replicas: int
    #: kube-apiserver's ``--secure-port``: kubeadm's 6443, minikube's 8443 (``constants.APIServerPort``).
    apiserver_port: int = 6443
    #: ``status.nodeInfo.osImage`` and ``containerRuntimeVersion`` of the preset's node image.
    os_image: str = "Debian GNU/Linux 12 (bookworm)"
    container_runtime: str = "containerd://2.1.3"


# --- the configuration checks ---------------------------------------------------------------------------------


def _node_names(preset: str, n: int) -> list[str]:
    if preset == "kind":
        return ["kind-control-plane"] + [f"kind-worker{'' if i == 1 else i}" for i in range(1, n)]
    return ["minikube"] + [f"minikube-m{i + 1:02d}" for i in range(1, n)]


def _check_node_names(nodes: Any) -> list[str]:
    """Node names must be DNS-1123 subdomains (``ValidateNodeName``), unique, and at least one."""
    if isinstance(nodes, (str, bytes)) or not hasattr(nodes, "__iter__"):
        raise ConfigError(f"Cluster(nodes={nodes!r}): give a number of nodes or a list of node names")
    names = list(itertools.islice(nodes, MAX_NODES + 1))
    _check_node_count(len(names))
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
        # kubeadm GetDNSIP: CoreDNS's Service takes the tenth address (netutils.GetIndexedIP(cidr, 10))
        if net.num_addresses <= 10:
            raise ConfigError(
                f"Cluster(service_cidr={value!r}): unable to get internal Kubernetes Service IP from the given "
                f'service CIDR: can\'t generate IP with index 10 from subnet. subnet too small. subnet: "{net}"'
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


#: Kubernetes' documented scale limit ("Considerations for large clusters", kubernetes.io: no more than 5,000
#: nodes); the simulation refuses more before it builds anything.
MAX_NODES = 5000


def _check_node_count(n_nodes: int) -> None:
    if n_nodes > MAX_NODES:
        raise ConfigError(
            f"Cluster(nodes={n_nodes}): Kubernetes supports at most {MAX_NODES} nodes in a cluster, and so "
            "does the simulation"
        )


def _check_pod_cidr_room(cluster_cidr: str, n_nodes: int) -> None:
    _check_node_count(n_nodes)
    net = ipaddress.ip_network(cluster_cidr, strict=False)
    room = 2 ** (24 - net.prefixlen) if net.prefixlen <= 24 else 1
    if n_nodes > room:
        raise ConfigError(
            f"Cluster(cluster_cidr={cluster_cidr!r}): room for {room} node /24 pod CIDR(s), "
            f"but the cluster has {n_nodes} nodes"
        )


def cluster_config(
    preset: str = "kind",
    nodes: int | list[str] | None = None,
    service_cidr: str | None = None,
    cluster_cidr: str | None = None,
    node_port_range: str | None = None,
    zones: list[str] | None = None,
) -> ClusterConfig:
    """``preset`` with the given overrides (the arguments of :class:`~k8snet.sim.cluster.Cluster`), checked.

    Raises
    ------
    ConfigError
        naming the argument, for an unknown preset, no or invalid node names, a CIDR that is not IPv4 (or a
        Service CIDR kube-apiserver refuses), a bad port range, or too few /24 pod CIDRs for the nodes.
    """
    if not isinstance(preset, str) or preset not in PRESETS:
        raise ConfigError(f"Cluster(preset={preset!r}): unknown preset; choose one of {sorted(PRESETS)}")
    cfg = dict(PRESETS[preset])
    service_cidr = _check_cidr("service_cidr", service_cidr or cfg["service_cidr"])
    cluster_cidr = _check_cidr("cluster_cidr", cluster_cidr or cfg["cluster_cidr"])
    node_port_range = _check_port_range(node_port_range or cfg["node_port_range"])
    if isinstance(nodes, int) and not isinstance(nodes, bool):
        if nodes < 1:
            raise ConfigError(f"Cluster(nodes={nodes!r}): a cluster needs at least one node")
        # checked before the names are built: Cluster(nodes=10**9) must not build a billion names first
        _check_pod_cidr_room(cluster_cidr, nodes)
        cfg["node_names"] = _node_names(preset, nodes)
    elif nodes is not None:
        cfg["node_names"] = _check_node_names(nodes)
    _check_pod_cidr_room(cluster_cidr, len(cfg["node_names"]))
    return ClusterConfig(
        preset=preset,
        node_names=list(cfg["node_names"]),
        node_ip_base=cfg["node_ip_base"],
        service_cidr=service_cidr,
        cluster_cidr=cluster_cidr,
        node_port_range=node_port_range,
        zones=list(cfg["zones"] if zones is None else zones),
        coredns_replicas=cfg["coredns_replicas"],
        apiserver_port=cfg["apiserver_port"],
        os_image=cfg["os_image"],
        container_runtime=cfg["container_runtime"],
    )


def check_start(start: Any) -> datetime:
    """``Cluster(start=...)``: an aware datetime (a naive one is UTC) at least a day after the first instant a
    timestamp holds, since the system objects are created one day before it.

    >>> check_start("yesterday")
    Traceback (most recent call last):
    ...
    k8snet.errors.ConfigError: Cluster(start='yesterday'): give a datetime, e.g. datetime(2026, 1, 1, tzinfo=timezone.utc)
    """
    if not isinstance(start, datetime):
        raise ConfigError(
            f"Cluster(start={start!r}): give a datetime, e.g. datetime(2026, 1, 1, tzinfo=timezone.utc)"
        )
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    try:
        start.astimezone(timezone.utc) - timedelta(days=1)
        start.astimezone(timezone.utc) + timedelta(days=1)
    except OverflowError:
        raise ConfigError(
            f"Cluster(start={start!r}): the lesson must start between 0001-01-02 and 9999-12-30"
        ) from None
    return start


def check_cloud_provider(cloud_provider: Any) -> Any:
    """``Cluster(cloud_provider=...)``: ``None`` (the preset's default), ``False`` (none) or a
    :class:`~k8snet.controllers.cloud.LoadBalancerProvider`.

    >>> check_cloud_provider("aws")
    Traceback (most recent call last):
    ...
    k8snet.errors.ConfigError: Cluster(cloud_provider='aws'): give a LoadBalancerProvider (e.g. GenericCloud()), or False for none
    """
    if cloud_provider is None or cloud_provider is False or isinstance(cloud_provider, LoadBalancerProvider):
        return cloud_provider
    raise ConfigError(
        f"Cluster(cloud_provider={cloud_provider!r}): give a LoadBalancerProvider (e.g. GenericCloud()), "
        "or False for none"
    )


# --- the objects ----------------------------------------------------------------------------------------------


def _uuid(seed: int, name: str, what: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(f"{seed}:{name}:{what}".encode()).digest()[:16], version=4))


def node(
    name: str,
    ip: str,
    cidr: str,
    zone: str | None,
    *,
    control_plane: bool,
    tainted: bool,
    kind_provider: bool,
    seed: int,
    now: datetime,
    os_image: str = "Debian GNU/Linux 12 (bookworm)",
    container_runtime: str = "containerd://2.1.3",
) -> Node:
    """A Ready Node as the kubelet registers it: kubelet's well-known labels, ``spec.podCIDR``, the
    control-plane role label and taint, a kind ``providerID`` (``kind_provider``), and a ``nodeInfo`` with the
    node image's OS and runtime (kindest/node's by default) and IDs derived from ``seed`` and the name.

    >>> from datetime import datetime, timezone
    >>> n = node("kind-worker", "172.18.0.3", "10.244.1.0/24", None, control_plane=False, tainted=False,
    ...          kind_provider=True, seed=0, now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> n.spec.providerID, n.address(), n.is_ready()
    ('kind://docker/kind/kind-worker', '172.18.0.3', True)
    """
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
    spec: dict[str, Any] = {"podCIDR": cidr, "podCIDRs": [cidr]}
    if kind_provider:
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
            # #4032: the release notes said 2.1.4, the image has 2.1.3); minikube v1.37.0's kicbase is
            # Ubuntu 22.04.5 with docker 28.4.0. Both share the host's kernel; we use an Ubuntu 24.04 host's.
            # The IDs are derived from the seed and the node name.
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": _uuid(seed, name, "boot"),
                "containerRuntimeVersion": container_runtime,
                "kernelVersion": HOST_KERNEL_VERSION,
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": _uuid(seed, name, "machine").replace("-", ""),
                "operatingSystem": "linux",
                "osImage": os_image,
                "systemUUID": _uuid(seed, name, "system"),
            },
        },
    )


def nodes(config: ClusterConfig, *, seed: int, now: datetime) -> list[Node]:
    """The cluster's Nodes, control plane first: consecutive InternalIPs from ``node_ip_base``, the next /24 of
    the cluster CIDR each, zones given in turn."""
    names = config.node_names
    base_ip = ipaddress.IPv4Address(config.node_ip_base)
    pod_net = ipaddress.ip_network(config.cluster_cidr, strict=False)
    subnets = pod_net.subnets(new_prefix=24) if pod_net.prefixlen <= 24 else iter([pod_net])
    out = []
    for i, name in enumerate(names):
        zone = config.zones[i % len(config.zones)] if config.zones else None
        out.append(
            node(
                name,
                str(base_ip + i),
                str(next(subnets)),
                zone,
                control_plane=i == 0,
                # kind taints the control plane only when it has workers
                tainted=i == 0 and len(names) > 1 and config.preset == "kind",
                kind_provider=config.preset == "kind",
                seed=seed,
                now=now,
                os_image=config.os_image,
                container_runtime=config.container_runtime,
            )
        )
    return out


def kubeadm_init(api: APIServer, config: ClusterConfig, control_plane: Node) -> None:
    """Create what ``kubeadm init`` leaves behind (see the module docstring), with ``control_plane`` as the
    first Node. The controllers have not run yet: the caller reconciles, then joins the workers."""
    for ns in ("default", "kube-node-lease", "kube-public", "kube-system"):
        api.create(Namespace(metadata={"name": ns}))
    # kube-apiserver's default-ServiceCIDR controller: the ServiceCIDR "kubernetes" for the Service range
    api.ensure_default_service_cidr()
    api.create(control_plane)
    cp_ip = control_plane.address()

    # the kubernetes Service and its API-server-maintained Endpoints/EndpointSlice
    # (pkg/controlplane/controller/kubernetesservice, pkg/controlplane/reconcilers/endpointsadapter.go)
    api.create(
        Service(
            metadata={
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            spec={
                "clusterIP": api.ips.nth(1),
                "type": "ClusterIP",
                "sessionAffinity": "None",
                "ports": [
                    {"name": "https", "port": 443, "protocol": "TCP", "targetPort": config.apiserver_port}
                ],
            },
        )
    )
    api.create(
        Endpoints(
            metadata={
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
            },
            subsets=[
                {
                    "addresses": [{"ip": cp_ip}],
                    "ports": [{"name": "https", "port": config.apiserver_port, "protocol": "TCP"}],
                }
            ],
        )
    )
    api.create(
        EndpointSlice(
            metadata={
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "kubernetes"},
            },
            addressType="IPv4",
            endpoints=[{"addresses": [cp_ip], "conditions": {"ready": True}}],
            ports=[{"name": "https", "port": config.apiserver_port, "protocol": "TCP"}],
        )
    )
    # kube-dns + CoreDNS as kubeadm's addon manifests (cmd/kubeadm/app/phases/addons/dns/manifests.go)
    api.create(
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
                "clusterIP": api.ips.nth(10),
                "selector": {"k8s-app": "kube-dns"},
                "ports": [
                    {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                    {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                    {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
                ],
            },
        )
    )
    api.create(
        Deployment(
            metadata={"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
            spec={
                "replicas": config.coredns_replicas,
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
