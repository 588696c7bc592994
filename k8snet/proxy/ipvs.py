"""kube-proxy's IPVS mode: the virtual servers, ipsets, ``kube-ipvs0`` addresses and iptables rules of one sync.

Port of kubernetes/kubernetes ``pkg/proxy/ipvs/proxier.go`` (v1.34: ``syncProxyRules``, ``syncService``,
``syncEndpoint``, ``writeIptablesRules``, ``acceptIPVSTraffic``, ``createAndLinkKubeChain``), ``ipset.go`` (set
names, types and comments) and ``graceful_termination.go``. For each Service port (one IP family):

- a virtual server on the ClusterIP, on each externalIP, on each LoadBalancer ingress IP (``ipMode`` VIP or
  unset) and, for NodePorts, on each node address: every local address except those on ``kube-ipvs0`` and
  loopback when ``--nodeport-addresses`` is unset (``GetAllLocalAddressesExcept``), else the local addresses
  inside those CIDRs (loopback excluded);
- scheduler ``rr`` unless ``--ipvs-scheduler``; ``persistent <timeoutSeconds>`` for ClientIP affinity;
  ``mh`` also gets the source-hash flag;
- real servers: the Cluster endpoints of :func:`~k8snet.proxy.topology.categorize_endpoints`, or for
  ``Local`` policy (internal for the ClusterIP, external for the others) the local ones -- and, unlike the
  iptables mode, *the Cluster endpoints when there is no local one* (kubernetes PR 97081: pods on the node
  can still reach the service), all Masq with weight 1;
- the ClusterIP, LoadBalancer IPs and externalIPs that are not already node addresses are bound to
  ``kube-ipvs0`` so the kernel accepts packets for them.

The iptables payload is ``writeIptablesRules``: ``*nat`` then ``*filter`` (the reverse of the iptables
mode), matching ipsets instead of listing services. :data:`JUMP_CHAINS` are the rules kube-proxy prepends to
the built-in chains outside the payload.

Graceful termination: a real server that disappears from a TCP virtual server is kept with weight 0 while
it still has connections (``GracefulDeleteRS``); UDP and SCTP ones are deleted at once. Pass ``previous``
(the state of the last sync, with connection counts, e.g. from the dataplane) to get that behaviour;
without it the render is a first sync.

:func:`render_ipvs` is one sync from scratch; :class:`IPVSProxier` takes informer events and recomputes the
whole state on every sync, as upstream (the IPVS proxier has no partial syncs). Simplifications: Go-map orders
become sorted orders.

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.api.discovery_v1 import EndpointSlice
>>> svc = Service.model_validate({"metadata": {"name": "svc1", "namespace": "ns1"},
...     "spec": {"clusterIP": "10.20.30.41", "type": "NodePort",
...              "ports": [{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001}]}})
>>> es = EndpointSlice.model_validate({"metadata": {"name": "svc1-1", "namespace": "ns1",
...     "labels": {"kubernetes.io/service-name": "svc1"}}, "addressType": "IPv4",
...     "endpoints": [{"addresses": ["10.180.0.1"]}], "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]})
>>> s = ProxierSettings(hostname="test-node", node_ips=["100.101.102.103"])
>>> state = render_ipvs([svc], [es], s)
>>> print(ipvsadm_ln(state), end="")  # doctest: +NORMALIZE_WHITESPACE
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.20.30.41:80 rr
  -> 10.180.0.1:80                Masq    1      0          0
TCP  100.101.102.103:3001 rr
  -> 10.180.0.1:80                Masq    1      0          0
>>> state.bound_addresses, sorted(state.ipsets["KUBE-NODE-PORT-TCP"].entries)
(['10.20.30.41'], ['3001'])
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.endpoints import endpoints_map
from k8snet.proxy.proxier import Proxier, SyncResult
from k8snet.proxy.serviceport import ServicePortInfo, ServicePortName, service_port_map
from k8snet.proxy.topology import categorize_endpoints
from k8snet.rules.ipvs import (
    IPSet,
    IPVSState,
    RealServer,
    VirtualServer,
    ip_addr_show,
    ipset_list,
    ipset_save,
    ipvsadm_ln,
    ipvsadm_save,
)
from k8snet.rules.linebuffer import LineBuffer, make_chain_line

__all__ = [
    "IPVSProxier",
    "render_ipvs",
    "IPSET_INFO",
    "JUMP_CHAINS",
    "ipset_name",
    "ipvsadm_ln",
    "ipvsadm_save",
    "ipset_list",
    "ipset_save",
    "ip_addr_show",
    "DEFAULT_SCHEDULER",
    "DUMMY_DEVICE",
]

DEFAULT_SCHEDULER = "rr"
DUMMY_DEVICE = "kube-ipvs0"

KUBE_SERVICES = "KUBE-SERVICES"
KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL"
KUBE_SOURCE_RANGES_FIREWALL = "KUBE-SOURCE-RANGES-FIREWALL"
KUBE_POSTROUTING = "KUBE-POSTROUTING"
KUBE_MARK_MASQ = "KUBE-MARK-MASQ"
KUBE_NODE_PORT = "KUBE-NODE-PORT"
KUBE_FORWARD = "KUBE-FORWARD"
KUBE_LOAD_BALANCER = "KUBE-LOAD-BALANCER"
#: filters external access to the main netns through VIPs (https://github.com/kubernetes/kubernetes/issues/72236)
KUBE_IPVS_FILTER = "KUBE-IPVS-FILTER"
#: filters node access to LoadBalancer IPs outside loadBalancerSourceRanges (issue 119656)
KUBE_IPVS_OUT_FILTER = "KUBE-IPVS-OUT-FILTER"

# ipset.go: names and comments
LOOP_BACK = "KUBE-LOOP-BACK"
CLUSTER_IP = "KUBE-CLUSTER-IP"
EXTERNAL_IP = "KUBE-EXTERNAL-IP"
EXTERNAL_IP_LOCAL = "KUBE-EXTERNAL-IP-LOCAL"
LOAD_BALANCER = "KUBE-LOAD-BALANCER"
LOAD_BALANCER_FW = "KUBE-LOAD-BALANCER-FW"
LOAD_BALANCER_LOCAL = "KUBE-LOAD-BALANCER-LOCAL"
LOAD_BALANCER_SOURCE_IP = "KUBE-LOAD-BALANCER-SOURCE-IP"
LOAD_BALANCER_SOURCE_CIDR = "KUBE-LOAD-BALANCER-SOURCE-CIDR"
NODE_PORT_TCP = "KUBE-NODE-PORT-TCP"
NODE_PORT_LOCAL_TCP = "KUBE-NODE-PORT-LOCAL-TCP"
NODE_PORT_UDP = "KUBE-NODE-PORT-UDP"
NODE_PORT_LOCAL_UDP = "KUBE-NODE-PORT-LOCAL-UDP"
NODE_PORT_SCTP = "KUBE-NODE-PORT-SCTP-HASH"
NODE_PORT_LOCAL_SCTP = "KUBE-NODE-PORT-LOCAL-SCTP-HASH"
HEALTH_CHECK_NODE_PORT = "KUBE-HEALTH-CHECK-NODE-PORT"
IPVS_IPS = "KUBE-IPVS-IPS"

#: ``ipsetInfo``: (name, type, comment) in creation order.
IPSET_INFO: tuple[tuple[str, str, str], ...] = (
    (LOOP_BACK, "hash:ip,port,ip", "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
    (CLUSTER_IP, "hash:ip,port", "Kubernetes service cluster ip + port for masquerade purpose"),
    (EXTERNAL_IP, "hash:ip,port", "Kubernetes service external ip + port for masquerade and filter purpose"),
    (
        EXTERNAL_IP_LOCAL,
        "hash:ip,port",
        "Kubernetes service external ip + port with externalTrafficPolicy=local",
    ),
    (LOAD_BALANCER, "hash:ip,port", "Kubernetes service lb portal"),
    (
        LOAD_BALANCER_FW,
        "hash:ip,port",
        "Kubernetes service load balancer ip + port for load balancer with sourceRange",
    ),
    (
        LOAD_BALANCER_LOCAL,
        "hash:ip,port",
        "Kubernetes service load balancer ip + port with externalTrafficPolicy=local",
    ),
    (
        LOAD_BALANCER_SOURCE_IP,
        "hash:ip,port,ip",
        "Kubernetes service load balancer ip + port + source IP for packet filter purpose",
    ),
    (
        LOAD_BALANCER_SOURCE_CIDR,
        "hash:ip,port,net",
        "Kubernetes service load balancer ip + port + source cidr for packet filter purpose",
    ),
    (NODE_PORT_TCP, "bitmap:port", "Kubernetes nodeport TCP port for masquerade purpose"),
    (NODE_PORT_LOCAL_TCP, "bitmap:port", "Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
    (NODE_PORT_UDP, "bitmap:port", "Kubernetes nodeport UDP port for masquerade purpose"),
    (NODE_PORT_LOCAL_UDP, "bitmap:port", "Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
    (
        NODE_PORT_SCTP,
        "hash:ip,port",
        "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'",
    ),
    (
        NODE_PORT_LOCAL_SCTP,
        "hash:ip,port",
        "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'",
    ),
    (HEALTH_CHECK_NODE_PORT, "bitmap:port", "Kubernetes health check node port"),
    (IPVS_IPS, "hash:ip", "Addresses on the ipvs interface"),
)

#: ``ipsetWithIptablesChain``: (set, table, from chain, target, match flags, ``-p`` protocol), in order.
#: KUBE-NODE-PORT-LOCAL-* must come before KUBE-NODE-PORT-* (RETURN before KUBE-MARK-MASQ).
IPSET_WITH_IPTABLES_CHAIN: tuple[tuple[str, str, str, str, str, str], ...] = (
    (LOOP_BACK, "nat", KUBE_POSTROUTING, "MASQUERADE", "dst,dst,src", ""),
    (LOAD_BALANCER, "nat", KUBE_SERVICES, KUBE_LOAD_BALANCER, "dst,dst", ""),
    (LOAD_BALANCER_LOCAL, "nat", KUBE_LOAD_BALANCER, "RETURN", "dst,dst", ""),
    (NODE_PORT_LOCAL_TCP, "nat", KUBE_NODE_PORT, "RETURN", "dst", "tcp"),
    (NODE_PORT_TCP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst", "tcp"),
    (NODE_PORT_LOCAL_UDP, "nat", KUBE_NODE_PORT, "RETURN", "dst", "udp"),
    (NODE_PORT_UDP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst", "udp"),
    (NODE_PORT_LOCAL_SCTP, "nat", KUBE_NODE_PORT, "RETURN", "dst,dst", "sctp"),
    (NODE_PORT_SCTP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst,dst", "sctp"),
    (LOAD_BALANCER_FW, "filter", KUBE_PROXY_FIREWALL, KUBE_SOURCE_RANGES_FIREWALL, "dst,dst", ""),
    (LOAD_BALANCER_SOURCE_CIDR, "filter", KUBE_SOURCE_RANGES_FIREWALL, "RETURN", "dst,dst,src", ""),
    (LOAD_BALANCER_SOURCE_IP, "filter", KUBE_SOURCE_RANGES_FIREWALL, "RETURN", "dst,dst,src", ""),
)

#: ``iptablesChains``: the chains kube-proxy creates, per table, in order.
NAT_CHAINS = (KUBE_SERVICES, KUBE_POSTROUTING, KUBE_NODE_PORT, KUBE_LOAD_BALANCER, KUBE_MARK_MASQ)
FILTER_CHAINS = (
    KUBE_FORWARD,
    KUBE_NODE_PORT,
    KUBE_PROXY_FIREWALL,
    KUBE_SOURCE_RANGES_FIREWALL,
    KUBE_IPVS_FILTER,
    KUBE_IPVS_OUT_FILTER,
)

#: ``iptablesJumpChain``: (table, from, to, comment), each ensured with ``EnsureRule(Prepend, ...)``.
JUMP_CHAINS: tuple[tuple[str, str, str, str], ...] = (
    ("nat", "OUTPUT", KUBE_SERVICES, "kubernetes service portals"),
    ("nat", "PREROUTING", KUBE_SERVICES, "kubernetes service portals"),
    ("nat", "POSTROUTING", KUBE_POSTROUTING, "kubernetes postrouting rules"),
    ("filter", "FORWARD", KUBE_FORWARD, "kubernetes forwarding rules"),
    ("filter", "INPUT", KUBE_NODE_PORT, "kubernetes health check rules"),
    ("filter", "INPUT", KUBE_PROXY_FIREWALL, "kube-proxy firewall rules"),
    ("filter", "FORWARD", KUBE_PROXY_FIREWALL, "kube-proxy firewall rules"),
    ("filter", "INPUT", KUBE_IPVS_FILTER, "kubernetes ipvs access filter"),
    ("filter", "OUTPUT", KUBE_IPVS_OUT_FILTER, "kubernetes ipvs access filter"),
)


def ipset_name(name: str, ip_family: str = "IPv4") -> str:
    """The set name for a family: IPv6 sets are ``KUBE-6-...``, cut to ipset's 31 characters (``NewIPSet``).

    >>> ipset_name("KUBE-CLUSTER-IP", "IPv6"), ipset_name("KUBE-NODE-PORT-LOCAL-SCTP-HASH", "IPv6")
    ('KUBE-6-CLUSTER-IP', 'KUBE-6-NODE-PORT-LOCAL-SCTP-HAS')
    """
    if ip_family == "IPv6" and name.startswith("KUBE-"):
        name = name.replace("KUBE-", "KUBE-6-", 1)[:31]
    return name


def _jump_rules() -> list[tuple[str, str, str]]:
    # EnsureRule(Prepend) in list order: a later jump in the same chain ends up above an earlier one.
    out: list[tuple[str, str, str]] = []
    for table, src, dst, comment in JUMP_CHAINS:
        out.insert(0, (table, src, f'-A {src} -m comment --comment "{comment}" -j {dst}'))
    order = {name: i for i, name in enumerate(("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"))}
    return sorted(out, key=lambda r: (r[0], order[r[1]]))


def _family(ip: str) -> str:
    return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"


def _node_addresses(settings: ProxierSettings) -> list[str]:
    """``GetAllLocalAddressesExcept("kube-ipvs0")`` filtered by ``isValidForSet``: this family, not loopback,
    not IPv6 link-local."""
    addrs = settings.interface_addresses if settings.interface_addresses is not None else settings.node_ips
    out = []
    for a in addrs:
        try:
            ip = ipaddress.ip_address(a)
        except ValueError:
            continue
        if _family(a) != settings.ip_family or ip.is_loopback:
            continue
        if ip.version == 6 and ip.is_link_local:
            continue
        if str(ip) not in out:
            out.append(str(ip))
    return sorted(out, key=lambda s: int(ipaddress.ip_address(s)))


def _nodeport_ips(settings: ProxierSettings, node_addresses: list[str]) -> list[str]:
    if settings.nodeport_match_all:
        return list(node_addresses)
    return [ip for ip in settings.nodeport_ips() if not ipaddress.ip_address(ip).is_loopback]


@dataclass
class _Sets:
    sets: dict[str, IPSet]
    family: str

    def add(self, name: str, entry: str) -> None:
        self.sets[name].entries.add(entry)

    def __getitem__(self, name: str) -> IPSet:
        return self.sets[name]


def render_ipvs(
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    *,
    scheduler: str = DEFAULT_SCHEDULER,
    previous: IPVSState | None = None,
) -> IPVSState:
    """One full ``syncProxyRules`` of the IPVS proxier: see the module docstring.

    Parameters
    ----------
    services, endpoint_slices : iterables of model objects (other kinds are ignored).
    settings : ProxierSettings
        ``hostname``, ``node_ips`` (the first of the family is ``nodeIP``, used for
        ``loadBalancerSourceRanges``), ``interface_addresses`` (the node's local addresses; default
        ``node_ips``), ``nodeport_addresses``, ``cluster_cidr`` (local-traffic detector),
        ``masquerade_all``, ``masquerade_bit``, ``random_fully``, ``ip_family``, ``topology_labels``.
    scheduler : str
        ``--ipvs-scheduler`` (``rr`` by default; ``mh`` also sets the source-hash flag).
    previous : IPVSState, optional
        The state before this sync, for graceful termination of removed TCP real servers.

    Returns
    -------
    IPVSState
    """
    family = settings.ip_family
    svc_map = service_port_map(services, family)
    eps_map = endpoints_map(
        endpoint_slices, settings.hostname, family, settings.prefer_same_traffic_distribution
    )
    return _ipvs_state(svc_map, eps_map, settings, settings.topology_labels, scheduler, previous)


def _ipvs_state(
    svc_map: dict[ServicePortName, ServicePortInfo],
    eps_map: dict[ServicePortName, list[Any]],
    settings: ProxierSettings,
    node_labels: dict[str, str] | None,
    scheduler: str,
    previous: IPVSState | None,
) -> IPVSState:
    family = settings.ip_family
    sets = _Sets(
        {
            name: IPSet(
                ipset_name(name, family), set_type, comment, family="inet6" if family == "IPv6" else "inet"
            )
            for name, set_type, comment in IPSET_INFO
        },
        family,
    )
    node_addresses = _node_addresses(settings)
    has_node_port = any(s.node_port for s in svc_map.values())
    node_ips = _nodeport_ips(settings, node_addresses) if has_node_port else []
    flags = ("mh-port",) if scheduler == "mh" else ()  # utilipvs.FlagSourceHash for "mh"

    servers: dict[tuple[str, str, int], VirtualServer] = {}
    bound: list[str] = []
    lb_no_node_access: list[tuple[str, str, int]] = []

    def make_vs(address: str, port: int, svc: ServicePortInfo) -> VirtualServer:
        timeout = svc.sticky_max_age_seconds if svc.session_affinity == "ClientIP" else 0
        return VirtualServer(svc.protocol, address, port, scheduler, timeout, [], flags)

    for spn in sorted(svc_map, key=lambda k: (str(k), k.protocol)):
        svc = svc_map[spn]
        proto = svc.protocol.lower()
        endpoints = eps_map.get(spn, [])
        cat = categorize_endpoints(
            endpoints,
            svc,
            settings.hostname,
            node_labels,
            settings.prefer_same_traffic_distribution,
        )

        def real_servers(only_local: bool, cat=cat) -> list[RealServer]:
            # syncEndpoint: Local policy uses local endpoints, or all Cluster ones when there is none
            eps = cat.cluster
            if only_local and cat.local:
                eps = cat.local
            return [RealServer(ep.ip, ep.port) for ep in sorted(eps or [], key=_endpoint_text)]

        # Handle traffic that loops back to the originator with SNAT.
        for ep in endpoints:
            if ep.is_local and ep.ip and ep.port:
                sets.add(LOOP_BACK, f"{ep.ip},{proto}:{ep.port},{ep.ip}")

        # Capture the clusterIP.
        sets.add(CLUSTER_IP, f"{svc.cluster_ip},{proto}:{svc.port}")
        vs = make_vs(svc.cluster_ip, svc.port, svc)
        vs.real_servers.extend(real_servers(svc.internal_policy_local))
        servers[vs.key] = vs
        bound.append(svc.cluster_ip)

        # Capture externalIPs.
        for ext_ip in svc.external_ips:
            sets.add(
                EXTERNAL_IP_LOCAL if svc.external_policy_local else EXTERNAL_IP,
                f"{ext_ip},{proto}:{svc.port}",
            )
            vs = make_vs(ext_ip, svc.port, svc)
            vs.real_servers.extend(real_servers(svc.external_policy_local))
            servers[vs.key] = vs
            # We must not add the address to the dummy device if it exists on another interface.
            if ext_ip not in node_addresses:
                bound.append(ext_ip)

        # Capture load-balancer ingress.
        for lb_ip in svc.load_balancer_vips:
            entry = f"{lb_ip},{proto}:{svc.port}"
            sets.add(LOAD_BALANCER, entry)
            if svc.external_policy_local:
                sets.add(LOAD_BALANCER_LOCAL, entry)
            if svc.load_balancer_source_ranges:
                # Works for load balancers that preserve the client IP; NodePort-based ones are not filtered.
                sets.add(LOAD_BALANCER_FW, entry)
                allow_from_node = False
                node_ip = settings.node_ip
                for cidr in svc.load_balancer_source_ranges:
                    sets.add(LOAD_BALANCER_SOURCE_CIDR, f"{entry},{cidr}")
                    if node_ip is not None and ipaddress.ip_address(node_ip) in ipaddress.ip_network(cidr):
                        allow_from_node = True
                if allow_from_node:
                    # A request to the VIP from the VIP's own backend host loops back with the VIP as source.
                    sets.add(LOAD_BALANCER_SOURCE_IP, f"{entry},{lb_ip}")
                else:
                    lb_no_node_access.append((lb_ip, proto, svc.port))
            vs = make_vs(lb_ip, svc.port, svc)
            vs.real_servers.extend(real_servers(svc.external_policy_local))
            servers[vs.key] = vs
            if lb_ip not in node_addresses:
                bound.append(lb_ip)

        if svc.node_port and node_ips:
            if proto == "sctp":
                entries = [f"{ip},sctp:{svc.node_port}" for ip in node_ips]
                np_set, np_local = NODE_PORT_SCTP, NODE_PORT_LOCAL_SCTP
            else:
                entries = [str(svc.node_port)]
                np_set = NODE_PORT_TCP if proto == "tcp" else NODE_PORT_UDP
                np_local = NODE_PORT_LOCAL_TCP if proto == "tcp" else NODE_PORT_LOCAL_UDP
            for e in entries:
                sets.add(np_set, e)
                if svc.external_policy_local:
                    sets.add(np_local, e)
            for ip in node_ips:
                vs = make_vs(ip, svc.node_port, svc)
                vs.real_servers.extend(real_servers(svc.external_policy_local))
                servers[vs.key] = vs  # node IPs are not bound to kube-ipvs0

        if svc.health_check_node_port:
            sets.add(HEALTH_CHECK_NODE_PORT, str(svc.health_check_node_port))

    bound_addresses = sorted(set(bound), key=lambda a: int(ipaddress.ip_address(a)))
    for a in bound_addresses:
        sets.add(IPVS_IPS, a)

    if previous is not None:
        _graceful_termination(servers, previous)

    iptables = _write_iptables_rules(sets, settings, lb_no_node_access)
    return IPVSState(
        virtual_servers=list(servers.values()),
        ipsets={s.name: s for s in sets.sets.values()},
        bound_addresses=bound_addresses,
        node_addresses=node_addresses,
        iptables=iptables,
        jump_rules=_jump_rules(),
        dummy_device=DUMMY_DEVICE,
    )


def _endpoint_text(ep: Any) -> str:
    return ep.endpoint


class IPVSProxier(Proxier):
    """kube-proxy's IPVS proxier over time, fed by Service and EndpointSlice events.

    Upstream's IPVS proxier (``pkg/proxy/ipvs/proxier.go``) has no partial syncs: every ``syncProxyRules``
    computes every virtual server, ipset entry and ``kube-ipvs0`` address from its Service and endpoint maps
    and applies the difference to the kernel. Here each :meth:`sync` applies the pending changes to those maps
    and returns the whole :class:`~k8snet.rules.ipvs.IPVSState` (:attr:`state`); the previous state feeds
    graceful termination, as the kernel's connection counts do upstream. ``SyncResult.full`` is always true.

    >>> from k8snet.api.core_v1 import Service
    >>> proxier = IPVSProxier(ProxierSettings(hostname="test-node", node_ips=["100.101.102.103"]))
    >>> _ = proxier.on_service_add(Service.model_validate({"metadata": {"name": "svc1", "namespace": "ns1"},
    ...     "spec": {"clusterIP": "10.20.30.41", "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]}}))
    >>> result = proxier.sync()
    >>> [vs.key for vs in proxier.state.virtual_servers]
    [('TCP', '10.20.30.41', 80)]
    """

    def __init__(self, settings: ProxierSettings, clock: Any = None, scheduler: str = DEFAULT_SCHEDULER):
        super().__init__(settings, clock)
        self.scheduler = scheduler
        self.state: IPVSState | None = None

    def sync(self) -> SyncResult:
        """``syncProxyRules``: apply the pending changes; the new state is :attr:`state`."""
        start = self._now()
        changed, _ = self._apply_changes()
        self.state = _ipvs_state(
            self.svc_port_map, self.endpoints_map, self.settings, self.node_labels, self.scheduler, self.state
        )
        self.need_full_sync = False
        self.last_full_sync = start
        return SyncResult(True, True, self.state.iptables, changed)


def _graceful_termination(servers: dict[tuple[str, str, int], VirtualServer], previous: IPVSState) -> None:
    """``GracefulDeleteRS``: a removed real server of a still-active virtual server is deleted at once if
    it has no connections (or the service is UDP/SCTP), else kept with weight 0 until its connections end.
    A real server that comes back is re-added with weight 1 (``MoveRSOutofGracefulDeleteList``)."""
    for old in previous.virtual_servers:
        vs = servers.get(old.key)
        if vs is None:
            continue  # cleanLegacyService deletes the whole virtual server
        current = {(rs.address, rs.port) for rs in vs.real_servers}
        for rs in old.real_servers:
            if (rs.address, rs.port) in current:
                continue
            if vs.protocol in ("UDP", "SCTP") or rs.active_conn + rs.inactive_conn == 0:
                continue
            vs.real_servers.append(
                RealServer(rs.address, rs.port, 0, rs.forward, rs.active_conn, rs.inactive_conn)
            )


def _write_iptables_rules(
    sets: _Sets, settings: ProxierSettings, lb_no_node_access: list[tuple[str, str, int]]
) -> str:
    """``createAndLinkKubeChain`` (chain lines) + ``writeIptablesRules``; returns the restore payload."""
    mark = settings.mark
    nat_chains, nat_rules = LineBuffer(), LineBuffer()
    filter_chains, filter_rules = LineBuffer(), LineBuffer()
    filter_chains.write("*filter")
    nat_chains.write("*nat")
    for chain in NAT_CHAINS:
        nat_chains.write(make_chain_line(chain))
    for chain in FILTER_CHAINS:
        filter_chains.write(make_chain_line(chain))

    def comment(name: str) -> str:
        return f'"{sets[name].comment}"'

    def empty(name: str) -> bool:
        return not sets[name].entries

    # Dismiss connects to localhost early in the service chain.
    lo_addr = "::1/128" if settings.is_ipv6 else "127.0.0.0/8"
    nat_rules.write("-A", KUBE_SERVICES, "-s", lo_addr, "-j", "RETURN")

    for name, table, src, dst, match_type, proto in IPSET_WITH_IPTABLES_CHAIN:
        if empty(name):
            continue
        args = ["-A", src]
        if proto:
            args += ["-p", proto]
        args += [
            "-m",
            "comment",
            "--comment",
            comment(name),
            "-m",
            "set",
            "--match-set",
            sets[name].name,
            match_type,
        ]
        (filter_rules if table == "filter" else nat_rules).write(args, "-j", dst)

    if not empty(CLUSTER_IP):
        args = [
            "-A",
            KUBE_SERVICES,
            "-m",
            "comment",
            "--comment",
            comment(CLUSTER_IP),
            "-m",
            "set",
            "--match-set",
            sets[CLUSTER_IP].name,
        ]
        if settings.masquerade_all:
            nat_rules.write(args, "dst,dst", "-j", KUBE_MARK_MASQ)
        elif settings.local_detector_cidr is not None:
            # Masquerade off-cluster traffic to a service VIP (it may be bridged in through a static route).
            nat_rules.write(args, "dst,dst", ["!", "-s", settings.local_detector_cidr], "-j", KUBE_MARK_MASQ)
        else:
            # No local-traffic detector: masquerade node traffic whose source is a VIP on kube-ipvs0.
            nat_rules.write(args, "src,dst", "-j", KUBE_MARK_MASQ)

    def external_ip_rules(args: list[str]) -> None:
        # Accept traffic to external IPs from off the machine (not from a bridge nor a local process),
        # and traffic to external IPs that happen to be local addresses.
        nat_rules.write(
            args + ["-m", "physdev", "!", "--physdev-is-in", "-m", "addrtype", "!", "--src-type", "LOCAL"],
            "-j",
            "ACCEPT",
        )
        nat_rules.write(args + ["-m", "addrtype", "--dst-type", "LOCAL"], "-j", "ACCEPT")

    if not empty(EXTERNAL_IP):
        args = [
            "-A",
            KUBE_SERVICES,
            "-m",
            "comment",
            "--comment",
            comment(EXTERNAL_IP),
            "-m",
            "set",
            "--match-set",
            sets[EXTERNAL_IP].name,
            "dst,dst",
        ]
        nat_rules.write(args, "-j", KUBE_MARK_MASQ)
        external_ip_rules(args)
    if not empty(EXTERNAL_IP_LOCAL):
        args = [
            "-A",
            KUBE_SERVICES,
            "-m",
            "comment",
            "--comment",
            comment(EXTERNAL_IP_LOCAL),
            "-m",
            "set",
            "--match-set",
            sets[EXTERNAL_IP_LOCAL].name,
            "dst,dst",
        ]
        external_ip_rules(args)

    nat_rules.write("-A", KUBE_SERVICES, "-m", "addrtype", "--dst-type", "LOCAL", "-j", KUBE_NODE_PORT)
    # Mark for masquerading for KUBE-LOAD-BALANCER.
    nat_rules.write("-A", KUBE_LOAD_BALANCER, "-j", KUBE_MARK_MASQ)
    # Drop packets filtered by KUBE-SOURCE-RANGES-FIREWALL.
    filter_rules.write("-A", KUBE_SOURCE_RANGES_FIREWALL, "-j", "DROP")
    # Disable LB access from the node (for IPVS, source and destination would both be the LB IP).
    for ip, proto, port in lb_no_node_access:
        filter_rules.write(
            "-A",
            KUBE_IPVS_OUT_FILTER,
            "-s",
            ip,
            "-m",
            "ipvs",
            "--vaddr",
            ip,
            "--vproto",
            proto,
            "--vport",
            str(port),
            "-j",
            "DROP",
        )
    # acceptIPVSTraffic: these must be at the end of KUBE-SERVICES.
    for name in (CLUSTER_IP, LOAD_BALANCER):
        if not empty(name):
            nat_rules.write(
                "-A", KUBE_SERVICES, "-m", "set", "--match-set", sets[name].name, "dst,dst", "-j", "ACCEPT"
            )
    # Forward masquerade-marked traffic even if the FORWARD policy is not ACCEPT, and its replies.
    filter_rules.write(
        "-A",
        KUBE_FORWARD,
        "-m",
        "comment",
        "--comment",
        '"kubernetes forwarding rules"',
        "-m",
        "mark",
        "--mark",
        f"{mark}/{mark}",
        "-j",
        "ACCEPT",
    )
    filter_rules.write(
        "-A",
        KUBE_FORWARD,
        "-m",
        "comment",
        "--comment",
        '"kubernetes forwarding conntrack rule"',
        "-m",
        "conntrack",
        "--ctstate",
        "RELATED,ESTABLISHED",
        "-j",
        "ACCEPT",
    )
    filter_rules.write(
        "-A",
        KUBE_NODE_PORT,
        "-m",
        "comment",
        "--comment",
        comment(HEALTH_CHECK_NODE_PORT),
        "-m",
        "set",
        "--match-set",
        sets[HEALTH_CHECK_NODE_PORT].name,
        "dst",
        "-j",
        "ACCEPT",
    )
    # KUBE-IPVS-FILTER: no access to host ports through VIP addresses (issue 72236).
    for name, match in (
        (LOAD_BALANCER, "dst,dst"),
        (CLUSTER_IP, "dst,dst"),
        (EXTERNAL_IP, "dst,dst"),
        (EXTERNAL_IP_LOCAL, "dst,dst"),
        (HEALTH_CHECK_NODE_PORT, "dst"),
    ):
        filter_rules.write(
            "-A", KUBE_IPVS_FILTER, "-m", "set", "--match-set", sets[name].name, match, "-j", "RETURN"
        )
    filter_rules.write(
        "-A",
        KUBE_IPVS_FILTER,
        "-m",
        "conntrack",
        "--ctstate",
        "NEW",
        "-m",
        "set",
        "--match-set",
        sets[IPVS_IPS].name,
        "dst",
        "-j",
        "REJECT",
    )
    # KUBE-POSTROUTING: masquerade marked packets, clearing the mark so a re-traversal is not masqueraded again.
    nat_rules.write("-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", f"{mark}/{mark}", "-j", "RETURN")
    nat_rules.write("-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark)
    masq = [
        "-A",
        KUBE_POSTROUTING,
        "-m",
        "comment",
        "--comment",
        '"kubernetes service traffic requiring SNAT"',
        "-j",
        "MASQUERADE",
    ]
    if settings.random_fully:
        masq.append("--random-fully")
    nat_rules.write(masq)
    nat_rules.write("-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark)
    filter_rules.write("COMMIT")
    nat_rules.write("COMMIT")
    return str(nat_chains) + str(nat_rules) + str(filter_chains) + str(filter_rules)
