"""The per-node, read-only view of one Service port.

Port of kubernetes/kubernetes ``pkg/proxy/serviceport.go`` (``newBaseServiceInfo``, v1.34), the skip rules of
``pkg/proxy/servicechangetracker.go`` (``serviceToServiceMap``) and ``pkg/proxy/util`` helpers
(``ShouldSkipService``, ``GetClusterIPByFamily``, ``IsVIPMode``), and ``pkg/api/v1/service`` (``ExternalPolicyLocal``,
``InternalPolicyLocal``, ``NeedsHealthCheck``). Renderers never read the raw Service again.

Objects are taken as given, without API-server defaulting. Where kube-proxy relies on a default the API
server always fills in, we apply that default instead of failing: an unset port ``protocol`` is ``TCP`` and a
ClientIP affinity without ``sessionAffinityConfig`` uses 10800 seconds (kube-proxy itself would dereference nil).

>>> from k8snet.api.core_v1 import Service
>>> svc = Service.model_validate({"metadata": {"name": "web", "namespace": "default"},
...     "spec": {"clusterIP": "10.96.0.10", "type": "NodePort", "externalTrafficPolicy": "Local",
...              "ports": [{"name": "http", "port": 80, "nodePort": 30080}]}})
>>> [(str(p.service_port_name), p.protocol, p.node_port, p.external_policy_local) for p in service_ports(svc)]
[('default/web:http', 'TCP', 30080, True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from k8snet.netutils import canonical_ip, ip_family, parse_cidr_sloppy

__all__ = ["ServicePortName", "ServicePortInfo", "service_ports", "service_port_map"]

DEFAULT_CLIENT_IP_TIMEOUT = 10800  # v1.DefaultClientIPServiceAffinitySeconds


class ServicePortName(NamedTuple):
    """``proxy.ServicePortName``: namespace, name, port name and protocol.

    ``str()`` is ``ServicePortName.String()``: ``ns/name:port`` (``:port`` only if the port has a name);
    the protocol is not part of it. A named tuple, so hashing and ordering (the keys of every map a sync walks)
    run at C speed.

    >>> str(ServicePortName("ns1", "svc1", "p80", "TCP")), str(ServicePortName("ns1", "svc1", "", "UDP"))
    ('ns1/svc1:p80', 'ns1/svc1')
    """

    namespace: str
    name: str
    port: str
    protocol: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" + (f":{self.port}" if self.port else "")


# An IPv4 address already in canonical form (no leading zeros) is its own ParseIPSloppy(ip).String(): most are,
# and this test is an order of magnitude cheaper than parsing.
_CANONICAL_IPV4 = re.compile(
    r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}"
)


def _ip_family(ip: str) -> str | None:
    # proxyutil.MapIPsByIPFamily: netutils.IsIPv6String, i.e. ParseIPSloppy (leading zeros allowed)
    if isinstance(ip, str) and _CANONICAL_IPV4.fullmatch(ip):
        return "IPv4"
    return ip_family(ip.strip()) if isinstance(ip, str) else None


def _canon_ip(ip: str) -> str:
    # netutils.ParseIPSloppy(ip).String(): "172.30.0.041" becomes "172.30.0.41"
    if isinstance(ip, str) and _CANONICAL_IPV4.fullmatch(ip):
        return ip
    return (canonical_ip(ip.strip()) if isinstance(ip, str) else None) or ip


@dataclass(frozen=True)
class ServicePortInfo:
    """``BaseServicePortInfo``: everything a proxier needs about one port of one Service, for one IP family."""

    service_port_name: ServicePortName
    cluster_ip: str
    port: int
    protocol: str
    node_port: int = 0
    session_affinity: str = "None"
    sticky_max_age_seconds: int = 0
    external_ips: tuple[str, ...] = ()
    load_balancer_vips: tuple[str, ...] = ()
    load_balancer_source_ranges: tuple[str, ...] = ()
    health_check_node_port: int = 0
    external_policy_local: bool = False
    internal_policy_local: bool = False
    target_port: Any = field(default=None, compare=False)

    @property
    def name_string(self) -> str:
        """``ServicePortName.String()``, used in comments and chain-name hashes."""
        return str(self.service_port_name)

    @property
    def externally_accessible(self) -> bool:
        """NodePort, LoadBalancer VIPs or externalIPs make a port reachable from outside."""
        return self.node_port != 0 or bool(self.load_balancer_vips) or bool(self.external_ips)

    @property
    def uses_cluster_endpoints(self) -> bool:
        """Cluster endpoints are needed for iTP Cluster, or for any external traffic (short-circuiting)."""
        return not self.internal_policy_local or self.externally_accessible

    @property
    def uses_local_endpoints(self) -> bool:
        return self.internal_policy_local or (self.external_policy_local and self.externally_accessible)


def _spec(svc: Any) -> Any:
    from k8snet.api.core_v1 import ServiceSpec

    return svc.spec or ServiceSpec()


def _external_policy_local(spec: Any) -> bool:
    # pkg/api/v1/service/util.go ExternalPolicyLocal
    if spec.type not in ("LoadBalancer", "NodePort") and not spec.externalIPs:
        return False
    return spec.externalTrafficPolicy == "Local"


def _cluster_ip_by_family(spec: Any, family: str) -> str:
    # pkg/proxy/util GetClusterIPByFamily ("allowing skew" for objects without ipFamilies)
    if not spec.ipFamilies:
        if not spec.clusterIP or spec.clusterIP == "None":
            return ""
        if _ip_family(spec.clusterIP) == family or (_ip_family(spec.clusterIP) is None and family == "IPv4"):
            return spec.clusterIP
        return ""
    for idx, fam in enumerate(spec.ipFamilies):
        if fam == family and idx < len(spec.clusterIPs or []):
            return spec.clusterIPs[idx]
    return ""


def should_skip_service(svc: Any) -> bool:
    """``ShouldSkipService``: headless (clusterIP None/empty) and ExternalName Services are not proxied."""
    spec = _spec(svc)
    if not spec.clusterIP or spec.clusterIP == "None":
        return True
    return spec.type == "ExternalName"


def service_ports(svc: Any, ip_family: str = "IPv4") -> list[ServicePortInfo]:
    """The :class:`ServicePortInfo` of each port of ``svc`` (``serviceToServiceMap``), in spec order."""
    if should_skip_service(svc):
        return []
    spec = _spec(svc)
    cluster_ip = _cluster_ip_by_family(spec, ip_family)
    if cluster_ip == "":
        return []
    md = svc.metadata
    ext_local = _external_policy_local(spec)
    int_local = spec.internalTrafficPolicy == "Local"
    sticky = 0
    if spec.sessionAffinity == "ClientIP":
        cfg = spec.sessionAffinityConfig
        timeout = cfg.clientIP.timeoutSeconds if cfg and cfg.clientIP else None
        sticky = DEFAULT_CLIENT_IP_TIMEOUT if timeout is None else timeout
    external_ips = tuple(_canon_ip(ip) for ip in (spec.externalIPs or []) if _ip_family(ip) == ip_family)
    # "LoadBalancerSourceRanges validation mistakenly allows whitespace padding" (serviceport.go)
    ranges: list[str] = []
    for r in spec.loadBalancerSourceRanges or []:
        # proxyutil.MapCIDRsByIPFamily: netutils.ParseCIDRSloppy ("203.0.113.000/025" is 203.0.113.0/25)
        parsed = parse_cidr_sloppy(r.strip()) if isinstance(r, str) else None
        if parsed is None:
            continue
        net = parsed[1]
        if ("IPv6" if net.version == 6 else "IPv4") == ip_family:
            ranges.append(str(net))
    # A zero-masked CIDR means "allow any", the same as no ranges at all.
    if any(r.endswith("/0") for r in ranges):
        ranges = []
    vips: list[str] = []
    status = svc.status
    for ing in (status.loadBalancer.ingress or []) if status and status.loadBalancer else []:
        # IsVIPMode: ipMode unset or "VIP"; "Proxy" load balancers get no rules.
        if not ing.ip or (ing.ipMode is not None and ing.ipMode != "VIP"):
            continue
        if _ip_family(ing.ip) == ip_family:
            vips.append(_canon_ip(ing.ip))
    health = 0
    if spec.type == "LoadBalancer" and ext_local:  # NeedsHealthCheck
        health = spec.healthCheckNodePort or 0
    out = []
    for p in spec.ports or []:
        out.append(
            ServicePortInfo(
                service_port_name=ServicePortName(
                    md.namespace or "default", md.name or "", p.name or "", p.protocol or "TCP"
                ),
                cluster_ip=_canon_ip(cluster_ip),
                port=p.port or 0,
                protocol=p.protocol or "TCP",
                node_port=p.nodePort or 0,
                session_affinity=spec.sessionAffinity or "None",
                sticky_max_age_seconds=sticky,
                external_ips=external_ips,
                load_balancer_vips=tuple(vips),
                load_balancer_source_ranges=tuple(ranges),
                health_check_node_port=health,
                external_policy_local=ext_local,
                internal_policy_local=int_local,
                target_port=p.targetPort,
            )
        )
    return out


def service_port_map(services: Any, ip_family: str = "IPv4") -> dict[ServicePortName, ServicePortInfo]:
    """``ServicePortMap`` for a list of Services (later duplicates of a port name win, as in a Go map)."""
    out: dict[ServicePortName, ServicePortInfo] = {}
    for svc in services:
        if getattr(svc, "kind", None) != "Service":
            continue
        for info in service_ports(svc, ip_family):
            out[info.service_port_name] = info
    return out
