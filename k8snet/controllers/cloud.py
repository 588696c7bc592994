"""Load-balancer providers: what a cloud (or MetalLB) does when a Service asks for ``type: LoadBalancer``.

The control-plane half is the ``cloudprovider.LoadBalancer`` interface of k8s.io/cloud-provider ``cloud.go``
(``GetLoadBalancer``, ``GetLoadBalancerName``, ``EnsureLoadBalancer``, ``UpdateLoadBalancer``,
``EnsureLoadBalancerDeleted``), called by :class:`~k8snet.controllers.servicelb.ServiceLBController`. Each
provider keeps its balancers in :attr:`LoadBalancerProvider.balancers` and logs its calls in
:attr:`~LoadBalancerProvider.calls` (``"get"``, ``"create"``, ``"update"``, ``"delete"``), as
k8s.io/cloud-provider ``fake/fake.go`` does.

The data-path half is ours: :meth:`LoadBalancerProvider.backends` says where the balancer sends a new
connection (each node with its share, the address the packet then carries, and the health check that decided).
A balancer health-checks the nodes over HTTP, and what answers is each node's kube-proxy; this package does not
model kube-proxy, so the caller hands in a :data:`HealthProbe` (the simulator builds one from kube-proxy's
health servers, :func:`k8snet.proxy.healthcheck.health_probe`).

Three providers, each a deliberately small model:

:class:`GenericCloud`
    An L4 load balancer with its own address from a pool (default the documentation range ``203.0.113.0/24``,
    or ``spec.loadBalancerIP`` when given). Its targets are the nodes the service controller hands it; it
    forwards to each target's ``NodeIP:nodePort`` (``target="nodePort"``, as instance-target NLBs do) or to the
    node with the destination left as the LB address (``target="vip"``, passthrough balancers such as GCE's),
    keeping the client's source address either way. It health-checks every target the way clouds are told to
    by Kubernetes: ``GET /healthz`` on kube-proxy's port 10256 for ``externalTrafficPolicy: Cluster``, and
    ``GET /healthz`` on the Service's ``healthCheckNodePort`` for ``Local`` (only nodes with a ready local
    endpoint answer 200; see :mod:`k8snet.proxy.healthcheck`). New connections are split evenly over the
    healthy targets (per node, not per pod). With no healthy target it drops (``fail_open=True`` sends to
    every target instead, as some clouds do).
:class:`MetalLBL2`
    MetalLB in layer-2 mode: one speaker answers ARP for the address, so *all* traffic for that IP enters one
    node. The node is chosen as MetalLB's ``layer2_controller.go`` ``ShouldAnnounce`` does: candidates are
    the nodes with a speaker (every node not labelled ``node.kubernetes.io/exclude-from-external-load-balancers``;
    simplification: memberlist liveness is not modelled, every speaker is alive) or, for ``Local`` policy, the
    nodes with an endpoint that can serve (``ready`` unset/true or ``serving`` true, MetalLB's
    ``EndpointCanServe``); they are sorted by ``sha256(node + "#" + ip)`` and the first wins. MetalLB is not a
    cloud-controller-manager: its events are ``IPAllocated`` (``metallb-controller``) and ``nodeAssigned``
    (``metallb-speaker``), it adds no finalizer, and it needs no NodePorts (the packet keeps the LB address and
    kube-proxy's LB-VIP rules catch it). Default pool: ``172.18.255.200-172.18.255.250`` (inside kind's docker
    network, as MetalLB's kind instructions suggest).
:class:`ProxyModeLB`
    A proxying balancer (``ipMode: Proxy``, KEP-1860): it terminates the client's connection and opens a new
    one to a node's NodePort from its *own* address, so the pod never sees the client IP (unless the balancer
    speaks the PROXY protocol and the application reads it, which is not modelled). kube-proxy writes no
    LB-VIP rules for ``ipMode: Proxy`` (``IsVIPMode``), so in-cluster clients of the LB address also go out to
    the balancer.

>>> p = GenericCloud()
>>> p.pool_addresses()[:2]
['203.0.113.1', '203.0.113.2']
>>> MetalLBL2.leader(["kind-worker", "kind-worker2"], "172.18.255.200") in ("kind-worker", "kind-worker2")
True
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from k8snet.errors import K8snetError
from k8snet.i18n import N_, Message

__all__ = [
    "CloudError",
    "IPAllocationError",
    "Balancer",
    "Backend",
    "LoadBalancerProvider",
    "GenericCloud",
    "MetalLBL2",
    "ProxyModeLB",
    "PROVIDERS",
    "default_load_balancer_name",
    "EXCLUDE_LB_LABEL",
    "KUBE_PROXY_HEALTHZ_PORT",
    "HealthProbe",
]

EXCLUDE_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"
#: kube-proxy's ``--healthz-bind-address`` default port (``0.0.0.0:10256``).
KUBE_PROXY_HEALTHZ_PORT = 10256

#: A health checker's request: ``probe(node, port, path)`` is the HTTP status of ``GET <node>:<port><path>``, or
#: ``None`` when the connection is refused.
HealthProbe = Callable[[str, int, str], int | None]


class CloudError(K8snetError):
    """An error returned by a provider call; the service controller wraps it into its event text."""


class IPAllocationError(CloudError):
    """The provider cannot give the Service an address: ``spec.loadBalancerIP`` is not an IP address, is taken,
    or the pool is empty."""


def default_load_balancer_name(svc: Any) -> str:
    """``cloudprovider.DefaultLoadBalancerName``: ``"a"`` + the uid without dashes, cut to 32 characters.

    >>> from k8snet.api.core_v1 import Service
    >>> default_load_balancer_name(Service(metadata={"name": "x", "uid": "6f1c3b2a-0d4e-4b8f-9a41-1e2d3c4b5a69"}))
    'a6f1c3b2a0d4e4b8f9a411e2d3c4b5a6'
    """
    ret = "a" + (svc.metadata.uid or "").replace("-", "")
    return ret[:32]


def _key(svc: Any) -> str:
    return f"{svc.metadata.namespace or 'default'}/{svc.metadata.name}"


def _node_ip(node: Any) -> str | None:
    for a in (node.status.addresses if node.status else None) or []:
        if a.type == "InternalIP":
            return a.address
    return None


@dataclass
class Balancer:
    """One provisioned load balancer (what the cloud's API would show)."""

    name: str
    service: str
    ips: list[str]
    ports: list[tuple[int, str, int]]  # (port, protocol, nodePort)
    hosts: list[str]
    source_ranges: list[str] = field(default_factory=list)
    external_policy_local: bool = False
    health_check_node_port: int = 0
    announcer: str | None = None  # MetalLB: the node answering ARP


@dataclass(frozen=True)
class Backend:
    """Where a balancer sends new connections for one Service port: a node, its share, and the address the
    packet carries to it (``dst_ip:dst_port``) with the source the node sees (``src_ip``; ``None`` = the
    client's own address)."""

    node: str
    share: Fraction
    dst_ip: str
    dst_port: int
    src_ip: str | None
    healthy: bool
    check: str


class LoadBalancerProvider:
    """Base class: the ``cloudprovider.LoadBalancer`` calls plus :meth:`backends`.

    Parameters
    ----------
    pool : str
        A CIDR (``203.0.113.0/24``) or a range (``172.18.255.200-172.18.255.250``) of addresses to hand out.
    """

    #: Shown in the book and the what-if API.
    name = "base"
    #: ``status.loadBalancer.ingress[].ipMode`` written by this provider.
    ip_mode = "VIP"
    #: Whether the pod can see the client's address (given kube-proxy does not masquerade).
    preserves_client_ip = True
    #: ``"ccm"``: events and finalizer as k8s.io/cloud-provider's service controller; ``"metallb"``: MetalLB's.
    style = "ccm"
    #: Needs ``spec.ports[].nodePort`` to send traffic (fails when allocateLoadBalancerNodePorts is false).
    needs_node_ports = True

    def __init__(self, pool: str = "203.0.113.0/24"):
        self.pool = pool
        self.balancers: dict[str, Balancer] = {}
        self.calls: list[str] = []

    # -- addresses ---------------------------------------------------------------------------------------
    def pool_addresses(self) -> list[str]:
        """Every address of the pool, in order (network and broadcast addresses of a CIDR skipped)."""
        if "-" in self.pool:
            lo, hi = (ipaddress.ip_address(x.strip()) for x in self.pool.split("-", 1))
            return [str(ipaddress.ip_address(i)) for i in range(int(lo), int(hi) + 1)]
        return [str(ip) for ip in ipaddress.ip_network(self.pool, strict=False).hosts()]

    def _in_use(self, except_name: str) -> dict[str, str]:
        return {ip: b.service for n, b in self.balancers.items() if n != except_name for ip in b.ips}

    def _choose_ip(self, svc: Any, name: str) -> str:
        current = self.balancers.get(name)
        requested = (svc.spec.loadBalancerIP or "").strip()
        in_use = self._in_use(name)
        if requested:
            try:
                ipaddress.ip_address(requested)
            except ValueError:
                # the API server does not validate spec.loadBalancerIP (pkg/apis/core/validation ValidateService;
                # only warnings for non-canonical addresses): the implementation refuses it, in MetalLB's words
                # (controller/service.go: invalid spec.loadBalancerIP %q)
                raise IPAllocationError(
                    f"invalid spec.loadBalancerIP {json.dumps(requested, ensure_ascii=False)}"
                ) from None
            if requested in in_use:
                raise IPAllocationError(
                    f"requested IP {requested} is already in use by load balancer of service "
                    f"{in_use[requested]}"
                )
            return requested
        if current and current.ips:
            return current.ips[0]
        for ip in self.pool_addresses():
            if ip not in in_use:
                return ip
        raise IPAllocationError(f"no available IP in pool {self.pool}")

    # -- cloudprovider.LoadBalancer ---------------------------------------------------------------------
    def get_load_balancer_name(self, svc: Any) -> str:
        return default_load_balancer_name(svc)

    def get_load_balancer(self, cluster_name: str, svc: Any) -> tuple[Any, bool]:
        """``(status, exists)``."""
        self.calls.append("get")
        b = self.balancers.get(self.get_load_balancer_name(svc))
        return (self._status(b) if b else None), b is not None

    def ensure_load_balancer(self, cluster_name: str, svc: Any, nodes: list[Any]) -> Any:
        """Create or update the balancer; returns the ``LoadBalancerStatus`` to write."""
        self.calls.append("create")
        name = self.get_load_balancer_name(svc)
        spec = svc.spec
        if self.needs_node_ports and any(not p.nodePort for p in spec.ports or []):
            raise CloudError(
                f"{self.name} load balancers send traffic to NodePorts, but service {_key(svc)} has "
                "none (spec.allocateLoadBalancerNodePorts is false)"
            )
        ip = self._choose_ip(svc, name)
        self.balancers[name] = Balancer(
            name=name,
            service=_key(svc),
            ips=[ip],
            ports=[(p.port, p.protocol or "TCP", p.nodePort or 0) for p in spec.ports or []],
            hosts=sorted(n.metadata.name for n in nodes),
            source_ranges=list(spec.loadBalancerSourceRanges or []),
            external_policy_local=spec.externalTrafficPolicy == "Local",
            health_check_node_port=spec.healthCheckNodePort or 0,
        )
        return self._status(self.balancers[name])

    def update_load_balancer(self, cluster_name: str, svc: Any, nodes: list[Any]) -> None:
        """Point an existing balancer at a new set of nodes."""
        self.calls.append("update")
        b = self.balancers.get(self.get_load_balancer_name(svc))
        if b is None:
            raise CloudError(f"load balancer for service {_key(svc)} does not exist")
        b.hosts = sorted(n.metadata.name for n in nodes)

    def ensure_load_balancer_deleted(self, cluster_name: str, svc: Any) -> None:
        self.calls.append("delete")
        self.balancers.pop(self.get_load_balancer_name(svc), None)

    def _status(self, b: Balancer) -> Any:
        from k8snet.api.core_v1 import LoadBalancerIngress, LoadBalancerStatus

        return LoadBalancerStatus(ingress=[LoadBalancerIngress(ip=ip, ipMode=self.ip_mode) for ip in b.ips])

    # -- data path ------------------------------------------------------------------------------------------
    def balancer_for_ip(self, ip: str) -> Balancer | None:
        return next((b for b in self.balancers.values() if ip in b.ips), None)

    def allows(self, b: Balancer, client_ip: str) -> bool:
        """``loadBalancerSourceRanges`` enforced by the cloud's firewall (kube-proxy enforces them again for
        VIP-mode traffic in ``KUBE-PROXY-FIREWALL``)."""
        if not b.source_ranges:
            return True
        addr = ipaddress.ip_address(client_ip)
        return any(addr in ipaddress.ip_network(r.strip(), strict=False) for r in b.source_ranges)

    def health(self, svc: Any, node: str, probe: HealthProbe) -> tuple[bool, str]:
        """Probe one target as the cloud's health checker would; ``(healthy, description)``.

        The check follows the Service as last synced (the controller re-ensures the balancer whenever
        ``externalTrafficPolicy`` or ``healthCheckNodePort`` change).

        >>> from k8snet.api.core_v1 import Service
        >>> svc = Service.model_validate({"spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local",
        ...                                        "healthCheckNodePort": 32000}})
        >>> GenericCloud().health(svc, "node-1", lambda node, port, path: 503)
        (False, 'GET :32000/healthz -> 503')
        """
        local = svc.spec.externalTrafficPolicy == "Local" and svc.spec.type == "LoadBalancer"
        port = (svc.spec.healthCheckNodePort or 0) if local else KUBE_PROXY_HEALTHZ_PORT
        status = probe(node, port, "/healthz")
        if status is None:
            # the model's words (shown in the reader's language); the probe's own line below is HTTP's
            return False, Message(N_("GET :{port}/healthz: connection refused"), port=port)
        return status == 200, f"GET :{port}/healthz -> {status}"

    def backends(
        self,
        svc: Any,
        port: int,
        protocol: str,
        nodes: list[Any],
        endpoint_slices: list[Any],
        probe: HealthProbe | None = None,
        fail_open: bool = False,
    ) -> list[Backend]:
        """Where new connections to the balancer's ``port`` go; empty if the balancer does not exist.

        ``probe`` answers the balancer's health checks of the nodes (required by balancers that check them).
        """
        raise NotImplementedError


class GenericCloud(LoadBalancerProvider):
    """A cloud L4 balancer spreading connections evenly over healthy nodes (see the module docstring).

    >>> from k8snet.api.core_v1 import Service
    >>> p = GenericCloud()
    >>> svc = Service.model_validate({"metadata": {"name": "web", "namespace": "default", "uid": "u-1"},
    ...     "spec": {"type": "LoadBalancer", "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30080}]}})
    >>> p.ensure_load_balancer("kubernetes", svc, []).ingress[0].ip
    '203.0.113.1'
    """

    name = "generic"

    def __init__(self, pool: str = "203.0.113.0/24", target: str = "nodePort", fail_open: bool = False):
        super().__init__(pool)
        if target not in ("nodePort", "vip"):
            raise ValueError("target must be 'nodePort' or 'vip'")
        self.target = target
        self.fail_open = fail_open
        self.needs_node_ports = target == "nodePort"

    def _dst(self, b: Balancer, node_ip: str, port: int, protocol: str) -> tuple[str, int]:
        if self.target == "vip":
            return b.ips[0], port
        node_port = next((np for p, proto, np in b.ports if p == port and proto == protocol), 0)
        return node_ip, node_port

    def _src(self, b: Balancer) -> str | None:
        return None

    def backends(
        self,
        svc: Any,
        port: int,
        protocol: str,
        nodes: list[Any],
        endpoint_slices: list[Any],
        probe: HealthProbe | None = None,
        fail_open: bool | None = None,
    ) -> list[Backend]:
        b = self.balancers.get(self.get_load_balancer_name(svc))
        if b is None:
            return []
        if probe is None:
            raise TypeError(f"{self.name} load balancers health-check their targets: pass a probe")
        by_name = {n.metadata.name: n for n in nodes}
        checks = []
        for host in b.hosts:
            if host not in by_name:
                continue
            ok, how = self.health(svc, host, probe)
            checks.append((host, ok, how))
        healthy = [h for h, ok, _ in checks if ok]
        fail_open = self.fail_open if fail_open is None else fail_open
        chosen = healthy or ([h for h, _, _ in checks] if fail_open else [])
        out = []
        for host, ok, how in checks:
            share = Fraction(1, len(chosen)) if host in chosen else Fraction(0)
            dst_ip, dst_port = self._dst(b, _node_ip(by_name[host]) or "", port, protocol)
            out.append(Backend(host, share, dst_ip, dst_port, self._src(b), ok, how))
        return out


class ProxyModeLB(GenericCloud):
    """A proxying balancer: ``ipMode: Proxy``; the pod sees the balancer's address, never the client's.

    The balancer's own (source) address is the first address of its pool after the ones it hands out as
    frontends; :attr:`proxy_source` can be set explicitly.
    """

    name = "proxy"
    ip_mode = "Proxy"
    preserves_client_ip = False

    def __init__(
        self, pool: str = "203.0.113.0/24", proxy_source: str = "198.51.100.10", fail_open: bool = False
    ):
        super().__init__(pool, target="nodePort", fail_open=fail_open)
        self.proxy_source = proxy_source

    def _src(self, b: Balancer) -> str | None:
        return self.proxy_source


class MetalLBL2(LoadBalancerProvider):
    """MetalLB layer-2 mode: one node announces each address (see the module docstring).

    >>> MetalLBL2.leader([], "172.18.255.200") is None
    True
    """

    name = "metallb-l2"
    style = "metallb"
    needs_node_ports = False

    def __init__(self, pool: str = "172.18.255.200-172.18.255.250"):
        super().__init__(pool)

    @staticmethod
    def leader(candidates: list[str], ip: str) -> str | None:
        """MetalLB's election: sort candidates by ``sha256(node + "#" + ip)``, the first announces."""
        if not candidates:
            return None
        return min(candidates, key=lambda n: hashlib.sha256(f"{n}#{ip}".encode()).digest())

    def candidates(self, svc: Any, nodes: list[Any], endpoint_slices: list[Any]) -> list[str]:
        speakers = [n.metadata.name for n in nodes if EXCLUDE_LB_LABEL not in (n.metadata.labels or {})]
        if svc.spec.externalTrafficPolicy != "Local":
            return speakers
        usable = set()
        for es in endpoint_slices:
            if (es.metadata.labels or {}).get("kubernetes.io/service-name") != svc.metadata.name or (
                es.metadata.namespace or "default"
            ) != (svc.metadata.namespace or "default"):
                continue
            for ep in es.endpoints or []:
                c = ep.conditions
                can_serve = c is None or c.ready is None or c.ready or bool(c.serving)
                if can_serve and ep.nodeName in speakers:
                    usable.add(ep.nodeName)
        return sorted(usable)

    def announcer(self, svc: Any, nodes: list[Any], endpoint_slices: list[Any]) -> str | None:
        b = self.balancers.get(self.get_load_balancer_name(svc))
        if b is None:
            return None
        return self.leader(self.candidates(svc, nodes, endpoint_slices), b.ips[0])

    def backends(
        self,
        svc: Any,
        port: int,
        protocol: str,
        nodes: list[Any],
        endpoint_slices: list[Any],
        probe: HealthProbe | None = None,
        fail_open: bool | None = None,
    ) -> list[Backend]:
        b = self.balancers.get(self.get_load_balancer_name(svc))
        if b is None:
            return []
        node = self.announcer(svc, nodes, endpoint_slices)
        if node is None:
            return []
        return [
            Backend(
                node,
                Fraction(1),
                b.ips[0],
                port,
                None,
                True,
                Message(N_("announces {ip} (ARP)"), ip=b.ips[0]),
            )
        ]


#: Provider classes by the short names the what-if API takes.
PROVIDERS = {"generic": GenericCloud, "metallb": MetalLBL2, "metallb-l2": MetalLBL2, "proxy": ProxyModeLB}
