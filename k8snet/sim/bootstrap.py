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
``"kind-dual"`` and ``"kind-ipv6"``
    kind's ``networking.ipFamily: dual`` and ``ipv6`` (kubernetes-sigs/kind ``pkg/apis/config/v1alpha4/default.go``),
    the same three nodes as ``"kind"``. IPv6 values are kind's: pod subnet ``fd00:10:244::/56`` (each node gets
    the next /64, kube-controller-manager's default ``--node-cidr-mask-size-ipv6``), Service subnet
    ``fd00:10:96::/112``, and node addresses from the ``kind`` docker network's IPv6 subnet
    ``fc00:f853:ccd:e793::/64`` (``fc00:f853:ccd:e793::2`` for the control plane, ``::3`` and ``::4`` for the
    workers). The IPv4 Service CIDR stays 10.96.0.0/12 as in ``"kind"`` (a real kind cluster needs
    ``serviceSubnet: "10.96.0.0/12,fd00:10:96::/112"`` to match). ``Cluster(preset="kind", ip_families=...)``
    gives the same clusters; ``("IPv6", "IPv4")`` makes IPv6 the primary family.

**Families.** The first family is the primary one: the first Service CIDR (``--service-cluster-ip-range[0]``),
the one ``SingleStack`` Services, the ``kubernetes`` and ``kube-dns`` Services get, each Node's first InternalIP
and ``spec.podCIDR``, each Pod's ``status.podIP``. A dual-stack node has an InternalIP and a pod CIDR per family
(``spec.podCIDRs``), and a dual-stack Pod an IP per family (``status.podIPs``). The minikube presets are IPv4
only (the docker driver gives its node no IPv6 address).

:func:`kubeadm_init` creates what ``kubeadm init`` leaves behind: Namespaces ``default``, ``kube-system``,
``kube-public``, ``kube-node-lease``; the control-plane Node; the ``kubernetes`` Service (first address of the
primary Service CIDR, port ``https`` 443/TCP → the API server's port: kubeadm's 6443, minikube's 8443) with the
Endpoints and EndpointSlice the API server itself maintains (pkg/controlplane/reconcilers), pointing at the
control-plane node's primary IP and that port; the ``kube-dns`` Service at the
tenth address (10.96.0.10; ports ``dns`` 53/UDP, ``dns-tcp`` 53/TCP, ``metrics`` 9153/TCP) and the ``coredns``
Deployment (cmd/kubeadm/app/phases/addons/dns/manifests.go). On a dual-stack cluster both Services stay
single-stack on the primary family, as on a real one: neither the API server's Service controller
(pkg/controlplane/controller/kubernetesservice) nor kubeadm's kube-dns manifest sets ``ipFamilyPolicy``, so both
are defaulted to ``SingleStack``; on an IPv6 cluster they are ``fd00:10:96::1`` and ``fd00:10:96::a``. The workers join afterwards (``kubeadm join``).
Static pods (etcd, kube-apiserver, ...), kube-proxy and the CNI DaemonSet are host-network pods and are not
modelled as objects.

>>> config = cluster_config("kind", nodes=2, zones=[])
>>> config.node_names, config.service_cidr
(['kind-control-plane', 'kind-worker'], '10.96.0.0/12')
>>> dual = cluster_config("kind-dual")
>>> dual.ip_families, dual.service_cidrs
(('IPv4', 'IPv6'), ('10.96.0.0/12', 'fd00:10:96::/112'))
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
from collections.abc import Sequence
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
PRESETS["kind-dual"] = {**PRESETS["kind"], "ip_families": ("IPv4", "IPv6")}
PRESETS["kind-ipv6"] = {**PRESETS["kind"], "ip_families": ("IPv6",)}

#: Each family's defaults for the kind presets: ``(service CIDR, cluster CIDR, first node IP)`` (kind's
#: ``networking`` defaults and its docker network; the IPv4 Service CIDR is kubeadm's, as in ``"kind"``).
KIND_FAMILY_DEFAULTS: dict[str, tuple[str, str, str]] = {
    "IPv4": ("10.96.0.0/12", "10.244.0.0/16", "172.18.0.2"),
    "IPv6": ("fd00:10:96::/112", "fd00:10:244::/56", "fc00:f853:ccd:e793::2"),
}
#: Per-node pod CIDR sizes (kube-controller-manager ``--node-cidr-mask-size-ipv4``/``-ipv6`` defaults).
NODE_CIDR_MASK_SIZE = {"IPv4": 24, "IPv6": 64}


@dataclass(frozen=True)
class ClusterConfig:
    """A preset with its overrides applied and checked (see :func:`cluster_config`)."""

    preset: str
    node_names: list[str]
    #: The control-plane node's InternalIP (of the primary family); the workers take the next addresses.
    node_ip_base: str
    #: The primary family's Service CIDR and cluster CIDR (all families: :attr:`service_cidrs`, ...).
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
    #: The cluster's IP families, primary first, and per family (same order) the Service CIDR
    #: (``--service-cluster-ip-range``), the cluster CIDR (``--cluster-cidr``) and the control plane's address.
    ip_families: tuple[str, ...] = ("IPv4",)
    service_cidrs: tuple[str, ...] = ()
    cluster_cidrs: tuple[str, ...] = ()
    node_ip_bases: tuple[str, ...] = ()


# --- the configuration checks ---------------------------------------------------------------------------------


def _node_names(preset: str, n: int) -> list[str]:
    if preset.startswith("kind"):
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


def _family(net: Any) -> str:
    return "IPv6" if net.version == 6 else "IPv4"


def _check_cidr(arg: str, value: Any, index: int = 0, whole: Any = None) -> str:
    """One CIDR of a ``Cluster`` argument. For ``service_cidr`` kube-apiserver also refuses ranges wider than 20
    bits (cmd/kube-apiserver/app/options/validation.go ``validateMaxCIDRRange``; the secondary range is
    ``--service-cluster-ip-range[1]`` in its message), and kubeadm needs a tenth address for CoreDNS in the
    primary range. ``whole`` is the argument as given (for the message)."""
    whole = value if whole is None else whole
    try:
        net = ipaddress.ip_network(value, strict=False)
    except (TypeError, ValueError):
        raise ConfigError(f"Cluster({arg}={whole!r}): not a valid CIDR (e.g. 10.96.0.0/12)") from None
    if arg == "service_cidr":
        if net.max_prefixlen - net.prefixlen > 20:
            flag = "--service-cluster-ip-range" if index == 0 else "--service-cluster-ip-range[1]"
            raise ConfigError(
                f"Cluster(service_cidr={whole!r}): specified {flag} is too large; for {net.max_prefixlen}-bit "
                f"addresses, the mask must be >= {net.max_prefixlen - 20}"
            )
        # kubeadm GetDNSIP: CoreDNS's Service takes the tenth address (netutils.GetIndexedIP(cidr, 10))
        if index == 0 and net.num_addresses <= 10:
            raise ConfigError(
                f"Cluster(service_cidr={whole!r}): unable to get internal Kubernetes Service IP from the given "
                f'service CIDR: can\'t generate IP with index 10 from subnet. subnet too small. subnet: "{net}"'
            )
    return value


def _check_cidrs(arg: str, value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A CIDR argument in flag syntax (``"10.96.0.0/12,fd00:10:96::/112"``) or as a list: ``(cidrs, families)``.
    At most two, of different families (kube-apiserver's and kube-controller-manager's dual-stack rules)."""
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
    if isinstance(items, (bytes, dict)) or not hasattr(items, "__iter__"):
        raise ConfigError(f"Cluster({arg}={value!r}): not a valid CIDR (e.g. 10.96.0.0/12)")
    items = list(itertools.islice(items, 3))
    flag = {"service_cidr": "--service-cluster-ip-range", "cluster_cidr": "--cluster-cidr"}[arg]
    if not items:
        raise ConfigError(f"Cluster({arg}={value!r}): not a valid CIDR (e.g. 10.96.0.0/12)")
    if len(items) > 2:
        raise ConfigError(f"Cluster({arg}={value!r}): {flag} must not contain more than two entries")
    cidrs = tuple(_check_cidr(arg, v, i, value) for i, v in enumerate(items))
    families = tuple(_family(ipaddress.ip_network(c, strict=False)) for c in cidrs)
    if len(families) == 2 and families[0] == families[1]:
        raise ConfigError(f"Cluster({arg}={value!r}): {flag}[0] and {flag}[1] must be of different IP family")
    return tuple(str(c) for c in cidrs), families


def _check_ip_families(value: Any) -> tuple[str, ...]:
    """``Cluster(ip_families=...)``: ``("IPv4",)``, ``("IPv6",)``, ``("IPv4", "IPv6")`` or ``("IPv6", "IPv4")``.

    >>> _check_ip_families("IPv6")
    ('IPv6',)
    >>> _check_ip_families(("IPv4", "IPv4"))
    Traceback (most recent call last):
    ...
    k8snet.errors.ConfigError: Cluster(ip_families=('IPv4', 'IPv4')): give one or two different families of "IPv4" and "IPv6", the primary first
    """
    items = (value,) if isinstance(value, str) else value
    ok = hasattr(items, "__iter__") and not isinstance(items, (bytes, dict))
    families = tuple(itertools.islice(items, 3)) if ok else ()
    if not (
        1 <= len(families) <= 2 and set(families) <= {"IPv4", "IPv6"} and len(set(families)) == len(families)
    ):
        raise ConfigError(
            f'Cluster(ip_families={value!r}): give one or two different families of "IPv4" and "IPv6", the '
            "primary first"
        )
    return families


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


def _node_subnets(cluster_cidr: str) -> Any:
    """The per-node pod CIDRs of a cluster CIDR, in order: its /24s (IPv4) or /64s (IPv6), or the CIDR itself
    when it is smaller than one."""
    net = ipaddress.ip_network(cluster_cidr, strict=False)
    size = NODE_CIDR_MASK_SIZE[_family(net)]
    return net.subnets(new_prefix=size) if net.prefixlen <= size else iter([net])


def _check_pod_cidr_room(cluster_cidr: str, n_nodes: int) -> None:
    _check_node_count(n_nodes)
    net = ipaddress.ip_network(cluster_cidr, strict=False)
    size = NODE_CIDR_MASK_SIZE[_family(net)]
    room = 2 ** (size - net.prefixlen) if net.prefixlen <= size else 1
    if n_nodes > room:
        raise ConfigError(
            f"Cluster(cluster_cidr={cluster_cidr!r}): room for {room} node /{size} pod CIDR(s), "
            f"but the cluster has {n_nodes} nodes"
        )


def cluster_config(
    preset: str = "kind",
    nodes: int | list[str] | None = None,
    service_cidr: str | list[str] | None = None,
    cluster_cidr: str | list[str] | None = None,
    node_port_range: str | None = None,
    zones: list[str] | None = None,
    ip_families: Any = None,
) -> ClusterConfig:
    """``preset`` with the given overrides (the arguments of :class:`~k8snet.sim.cluster.Cluster`), checked.

    The families come from ``ip_families``, else from ``service_cidr``, else from the preset; a CIDR argument
    (flag syntax ``"a,b"`` or a list) must name the same families in the same order. Families the preset has no
    defaults for (IPv6 on the minikube presets) need both CIDRs given, and still have no node addresses: refused.

    Raises
    ------
    ConfigError
        naming the argument, for an unknown preset, no or invalid node names, an invalid CIDR (or a Service CIDR
        kube-apiserver refuses), CIDRs whose families do not match, a bad port range, or too few pod CIDRs for
        the nodes.

    >>> cluster_config("kind", ip_families=("IPv6", "IPv4")).cluster_cidrs
    ('fd00:10:244::/56', '10.244.0.0/16')
    >>> cluster_config("kind", ip_families="IPv4", service_cidr="fd00:10:96::/112")
    Traceback (most recent call last):
    ...
    k8snet.errors.ConfigError: Cluster(service_cidr='fd00:10:96::/112'): gives the families ('IPv6',), but ip_families is ('IPv4',)
    """
    if not isinstance(preset, str) or preset not in PRESETS:
        raise ConfigError(f"Cluster(preset={preset!r}): unknown preset; choose one of {sorted(PRESETS)}")
    cfg = dict(PRESETS[preset])
    kind_like = preset.startswith("kind")
    families = _check_ip_families(ip_families) if ip_families is not None else None
    service_cidrs: tuple[str, ...] | None = None
    cluster_cidrs: tuple[str, ...] | None = None
    if service_cidr:
        service_cidrs, svc_families = _check_cidrs("service_cidr", service_cidr)
        if families is not None and svc_families != families:
            raise ConfigError(
                f"Cluster(service_cidr={service_cidr!r}): gives the families {svc_families}, but ip_families is "
                f"{families}"
            )
        families = svc_families
    if families is None:
        families = tuple(cfg.get("ip_families", ("IPv4",)))
    if cluster_cidr:
        cluster_cidrs, pod_families = _check_cidrs("cluster_cidr", cluster_cidr)
        if pod_families != families:
            raise ConfigError(
                f"Cluster(cluster_cidr={cluster_cidr!r}): gives the families {pod_families}, but the Service "
                f"CIDRs are {families}"
            )

    def default(i: int, family: str) -> str:
        if family == "IPv4" and "ip_families" not in cfg:
            return (cfg["service_cidr"], cfg["cluster_cidr"], cfg["node_ip_base"])[i]
        if kind_like:
            return KIND_FAMILY_DEFAULTS[family][i]
        raise ConfigError(
            f"Cluster(preset={preset!r}, ip_families={families}): the {preset} preset is IPv4 only (minikube's "
            'docker driver gives its node no IPv6 address); use preset="kind" for IPv6 or dual-stack'
        )

    if service_cidrs is None:
        service_cidrs, _ = _check_cidrs("service_cidr", [default(0, f) for f in families])
    if cluster_cidrs is None:
        cluster_cidrs, _ = _check_cidrs("cluster_cidr", [default(1, f) for f in families])
    node_ip_bases = tuple(default(2, f) for f in families)
    node_port_range = _check_port_range(node_port_range or cfg["node_port_range"])
    if isinstance(nodes, int) and not isinstance(nodes, bool):
        if nodes < 1:
            raise ConfigError(f"Cluster(nodes={nodes!r}): a cluster needs at least one node")
        # checked before the names are built: Cluster(nodes=10**9) must not build a billion names first
        for cidr in cluster_cidrs:
            _check_pod_cidr_room(cidr, nodes)
        cfg["node_names"] = _node_names(preset, nodes)
    elif nodes is not None:
        cfg["node_names"] = _check_node_names(nodes)
    for cidr in cluster_cidrs:
        _check_pod_cidr_room(cidr, len(cfg["node_names"]))
    return ClusterConfig(
        preset=preset,
        node_names=list(cfg["node_names"]),
        node_ip_base=node_ip_bases[0],
        service_cidr=service_cidrs[0],
        cluster_cidr=cluster_cidrs[0],
        node_port_range=node_port_range,
        zones=list(cfg["zones"] if zones is None else zones),
        coredns_replicas=cfg["coredns_replicas"],
        apiserver_port=cfg["apiserver_port"],
        os_image=cfg["os_image"],
        container_runtime=cfg["container_runtime"],
        ip_families=families,
        service_cidrs=service_cidrs,
        cluster_cidrs=cluster_cidrs,
        node_ip_bases=node_ip_bases,
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
    ip: str | Sequence[str],
    cidr: str | Sequence[str],
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
    """A Ready Node as the kubelet registers it: kubelet's well-known labels, ``spec.podCIDR``/``podCIDRs``, the
    control-plane role label and taint, a kind ``providerID`` (``kind_provider``), and a ``nodeInfo`` with the
    node image's OS and runtime (kindest/node's by default) and IDs derived from ``seed`` and the name.

    ``ip`` and ``cidr`` are one address and pod CIDR, or one per family (primary first): a dual-stack node has
    an InternalIP per family (kubelet ``--node-ip=<v4>,<v6>``, as kind sets it) and a pod CIDR per family.

    >>> from datetime import datetime, timezone
    >>> n = node("kind-worker", "172.18.0.3", "10.244.1.0/24", None, control_plane=False, tainted=False,
    ...          kind_provider=True, seed=0, now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> n.spec.providerID, n.address(), n.is_ready()
    ('kind://docker/kind/kind-worker', '172.18.0.3', True)
    >>> d = node("kind-worker", ["172.18.0.3", "fc00:f853:ccd:e793::3"], ["10.244.1.0/24", "fd00:10:244:1::/64"],
    ...          None, control_plane=False, tainted=False, kind_provider=True, seed=0,
    ...          now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> d.spec.podCIDR, d.spec.podCIDRs, [a.address for a in d.status.addresses]
    ('10.244.1.0/24', ['10.244.1.0/24', 'fd00:10:244:1::/64'], ['172.18.0.3', 'fc00:f853:ccd:e793::3', 'kind-worker'])
    """
    ips = [ip] if isinstance(ip, str) else list(ip)
    cidrs = [cidr] if isinstance(cidr, str) else list(cidr)
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
    spec: dict[str, Any] = {"podCIDR": cidrs[0], "podCIDRs": cidrs}
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
            "addresses": [{"type": "InternalIP", "address": a} for a in ips]
            + [{"type": "Hostname", "address": name}],
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
    """The cluster's Nodes, control plane first: consecutive InternalIPs from each family's first node address,
    the next pod CIDR of each cluster CIDR (a /24 for IPv4, a /64 for IPv6), zones given in turn."""
    names = config.node_names
    bases = config.node_ip_bases or (config.node_ip_base,)
    cluster_cidrs = config.cluster_cidrs or (config.cluster_cidr,)
    subnets = [_node_subnets(c) for c in cluster_cidrs]
    kind = config.preset.startswith("kind")
    out = []
    for i, name in enumerate(names):
        zone = config.zones[i % len(config.zones)] if config.zones else None
        out.append(
            node(
                name,
                [str(ipaddress.ip_address(base) + i) for base in bases],
                [str(next(sub)) for sub in subnets],
                zone,
                control_plane=i == 0,
                # kind taints the control plane only when it has workers
                tainted=i == 0 and len(names) > 1 and kind,
                kind_provider=kind,
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
    cp_ip = control_plane.address() or ""

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
            # endpointsadapter.go: the address type of the API server's advertise address
            addressType="IPv6" if ":" in cp_ip else "IPv4",
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
