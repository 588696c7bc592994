"""kube-proxy's iptables mode: the ``iptables-restore`` input its ``syncProxyRules`` writes.

Port of kubernetes/kubernetes ``pkg/proxy/iptables/proxier.go`` (v1.34): chain names (``portProtoHash``:
sha256 of ``ns/svc:port`` + lower-case protocol, base32, first 16 characters; ``KUBE-SEP-`` also hashes the
endpoint ``ip:port``), the ``filter`` and ``nat`` tables with their top-level chains, every rule and comment,
``--probability`` as ``%0.10f`` of ``1/n``, large-cluster mode (no per-endpoint comments above 1000
endpoints).

Two ways in: :func:`render_iptables` is one full sync from scratch of the objects given (no ``-X`` lines:
there is nothing stale to delete); :class:`IPTablesProxier` is kube-proxy over time -- informer events in,
full syncs and then partial syncs (``MinimizeIPTablesRestore``) that rewrite only the changed Services'
chains and delete stale ones, restored into the node's :class:`k8snet.dataplane.netfilter.IPTables`. Its
full syncs write exactly what :func:`render_iptables` writes. Both:

- the jump rules kube-proxy installs outside the restore (``PREROUTING -j KUBE-SERVICES``...) are not part of
  the payload; :data:`JUMP_CHAINS` lists them and :func:`base_jump_rules` adds them, as a node's
  ``iptables-save`` shows them;
- Service ports are written in ``ns/name:port`` order (upstream walks a Go map, so its order varies from
  sync to sync; ``sortIPTablesRules`` in ``proxier_test.go`` compares modulo that order).

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.api.discovery_v1 import EndpointSlice
>>> svc = Service.model_validate({"metadata": {"name": "svc1", "namespace": "ns1"},
...     "spec": {"clusterIP": "172.30.0.41", "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]}})
>>> es = EndpointSlice.model_validate({"metadata": {"name": "svc1-1", "namespace": "ns1",
...     "labels": {"kubernetes.io/service-name": "svc1"}}, "addressType": "IPv4",
...     "endpoints": [{"addresses": ["10.180.0.1"]}], "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]})
>>> s = ProxierSettings(hostname="test-node", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8")
>>> text = render_iptables([svc], [es], s)
>>> print("\\n".join(line for line in text.splitlines() if "XPGD46QRK7WJZT7O" in line))
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
>>> chain_owners([svc], [es], s)["KUBE-SEP-SXIVWICOYRO3J4NJ"]
'ns1/svc1:p80 -> 10.180.0.1:80'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.endpoints import endpoints_map
from k8snet.proxy.proxier import Proxier, SyncResult
from k8snet.proxy.serviceport import ServicePortInfo, ServicePortName, service_port_map
from k8snet.proxy.topology import categorize_endpoints, policy_targets
from k8snet.rules.linebuffer import make_chain_line

__all__ = [
    "IPTablesProxier",
    "IPTablesMetrics",
    "render_iptables",
    "chain_owners",
    "sync_proxy_rules",
    "IPTablesSync",
    "port_proto_hash",
    "service_port_endpoint_chain_name",
    "compute_probability",
    "JUMP_CHAINS",
    "base_jump_rules",
    "is_service_chain_name",
    "SERVICE_CHAIN_PREFIXES",
]

KUBE_SERVICES = "KUBE-SERVICES"
KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES"
KUBE_NODEPORTS = "KUBE-NODEPORTS"
KUBE_POSTROUTING = "KUBE-POSTROUTING"
KUBE_MARK_MASQ = "KUBE-MARK-MASQ"
KUBE_FORWARD = "KUBE-FORWARD"
KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL"
KUBE_PROXY_CANARY = "KUBE-PROXY-CANARY"
#: A duplicate of kubelet's firewall chain holding the anti-martian-packet rule (issue 90259).
KUBELET_FIREWALL = "KUBE-FIREWALL"
#: Above this many endpoints kube-proxy drops per-endpoint comments ("optimize for iptables performance").
LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000

CT_STATE_INVALID_DROPPED_COUNTER = "ct_state_invalid_dropped_pkts"
LOCALHOST_NODEPORT_ACCEPTED_COUNTER = "localhost_nps_accepted_pkts"

#: ``iptablesJumpChains``: (table, dst chain, src chain, comment, extra args), ensured with ``-I`` outside the
#: restore payload on every full sync, plus kubelet's ``KUBE-FIREWALL`` jumps (``iptablesKubeletJumpChains``).
JUMP_CHAINS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "filter",
        KUBE_EXTERNAL_SERVICES,
        "INPUT",
        "kubernetes externally-visible service portals",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    (
        "filter",
        KUBE_EXTERNAL_SERVICES,
        "FORWARD",
        "kubernetes externally-visible service portals",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    ("filter", KUBE_NODEPORTS, "INPUT", "kubernetes health check service ports", ()),
    (
        "filter",
        KUBE_SERVICES,
        "FORWARD",
        "kubernetes service portals",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    (
        "filter",
        KUBE_SERVICES,
        "OUTPUT",
        "kubernetes service portals",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    ("filter", KUBE_FORWARD, "FORWARD", "kubernetes forwarding rules", ()),
    (
        "filter",
        KUBE_PROXY_FIREWALL,
        "INPUT",
        "kubernetes load balancer firewall",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    (
        "filter",
        KUBE_PROXY_FIREWALL,
        "OUTPUT",
        "kubernetes load balancer firewall",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    (
        "filter",
        KUBE_PROXY_FIREWALL,
        "FORWARD",
        "kubernetes load balancer firewall",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    ("nat", KUBE_SERVICES, "OUTPUT", "kubernetes service portals", ()),
    ("nat", KUBE_SERVICES, "PREROUTING", "kubernetes service portals", ()),
    ("nat", KUBE_POSTROUTING, "POSTROUTING", "kubernetes postrouting rules", ()),
    ("filter", KUBELET_FIREWALL, "INPUT", "", ()),
    ("filter", KUBELET_FIREWALL, "OUTPUT", "", ()),
)


#: The built-in chains the jumps start from, per table.
_BUILTIN = {"filter": ("INPUT", "FORWARD", "OUTPUT"), "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")}


def base_jump_rules(restore_text: str) -> str:
    """Add the jumps kube-proxy (and kubelet) put in the built-in chains to an ``iptables-restore`` payload.

    kube-proxy ensures them outside the restore with ``EnsureRule(Prepend, ...)`` in the order of
    ``iptablesJumpChains`` (``pkg/proxy/iptables/proxier.go``), so the last one ensured ends up first; kubelet's
    ``-j KUBE-FIREWALL`` jumps were inserted before kube-proxy started, so they come after kube-proxy's. The
    kubelet jumps are only added when the payload defines ``KUBE-FIREWALL``.

    >>> text = base_jump_rules("*nat\\n:KUBE-SERVICES - [0:0]\\n:KUBE-POSTROUTING - [0:0]\\nCOMMIT\\n")
    >>> print(text.splitlines()[5])
    -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
    """
    per_table: dict[str, dict[str, list[str]]] = {
        t: {c: [] for c in chains} for t, chains in _BUILTIN.items()
    }
    kubelet: dict[str, dict[str, list[str]]] = {t: {c: [] for c in chains} for t, chains in _BUILTIN.items()}
    for table, dst, src, comment, extra in JUMP_CHAINS:
        if not comment:  # kubelet's KUBE-FIREWALL jumps
            if f":{dst} " in restore_text.split(f"*{table}\n", 1)[-1].split("COMMIT", 1)[0]:
                kubelet[table][src].append(f"-A {src} -j {dst}")
            continue
        words = [f"-A {src}", *extra, f'-m comment --comment "{comment}"', f"-j {dst}"]
        per_table[table][src].insert(0, " ".join(words))
    out = []
    for line in restore_text.splitlines():
        out.append(line)
        table = line[1:] if line.startswith("*") else None
        if table in per_table:
            out.extend(f":{c} ACCEPT [0:0]" for c in _BUILTIN[table])
            for c in _BUILTIN[table]:
                out.extend(per_table[table][c] + kubelet[table][c])
    return "\n".join(out) + "\n"


# base32 of the first 10 bytes of the digest is exactly the first 16 characters of base32 of the whole digest;
# encoding it with a table of character pairs is five times faster than base64.b32encode (pure Python), which
# was the largest part of a sync with 100,000 endpoints.
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_PAIRS = tuple(a + b for a in _B32 for b in _B32)
_sha256 = hashlib.sha256


def _hash16(data: str) -> str:
    x = int.from_bytes(_sha256(data.encode()).digest()[:10], "big")
    t = _B32_PAIRS
    return (
        t[x >> 70]
        + t[(x >> 60) & 1023]
        + t[(x >> 50) & 1023]
        + t[(x >> 40) & 1023]
        + t[(x >> 30) & 1023]
        + t[(x >> 20) & 1023]
        + t[(x >> 10) & 1023]
        + t[x & 1023]
    )


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """``portProtoHash``: sha256 of ``ns/svc:port`` + lower-case protocol, base32, first 16 characters.

    >>> "KUBE-SVC-" + port_proto_hash("ns1/svc1:p80", "tcp")
    'KUBE-SVC-XPGD46QRK7WJZT7O'
    >>> import base64, hashlib
    >>> port_proto_hash("a", "b") == base64.b32encode(hashlib.sha256(b"ab").digest()).decode()[:16]
    True
    """
    return _hash16(service_port_name + protocol)


def service_port_endpoint_chain_name(service_port_name: str, protocol: str, endpoint: str) -> str:
    """``servicePortEndpointChainName``: the ``KUBE-SEP-`` chain of one endpoint.

    >>> service_port_endpoint_chain_name("ns1/svc1:p80", "tcp", "10.180.0.1:80")
    'KUBE-SEP-SXIVWICOYRO3J4NJ'
    """
    return "KUBE-SEP-" + _hash16(service_port_name + protocol + endpoint)


def compute_probability(n: int) -> str:
    """``computeProbability``: ``fmt.Sprintf("%0.10f", 1.0/float64(n))``.

    >>> compute_probability(3), compute_probability(100001)
    ('0.3333333333', '0.0000099999')
    """
    return "%0.10f" % (1.0 / n)


# precomputeProbabilities: "converting probabilities (floats) to strings is expensive and we are using only
# probabilities in the format of 1/n"; shared by every proxier of the process.
_PROBABILITIES: list[str] = ["<bad value>"]


def _probability(n: int) -> str:
    probs = _PROBABILITIES
    if n >= len(probs):
        probs.extend(compute_probability(i) for i in range(len(probs), n + 1))
    return probs[n]


#: Chain-name prefixes of the per-Service chains (``isServiceChainName``): kube-proxy deletes stale chains
#: with these prefixes and leaves every other chain alone.
SERVICE_CHAIN_PREFIXES = ("KUBE-SVC-", "KUBE-SVL-", "KUBE-SEP-", "KUBE-FW-", "KUBE-EXT-")


def is_service_chain_name(chain: str) -> bool:
    """``isServiceChainName``.

    >>> is_service_chain_name("KUBE-SEP-SXIVWICOYRO3J4NJ"), is_service_chain_name("KUBE-SERVICES")
    (True, False)
    """
    return chain.startswith(SERVICE_CHAIN_PREFIXES)


@dataclass
class IPTablesSync:
    """The result of one full sync: the restore text and who owns each chain."""

    text: str
    #: chain -> ``ns/svc:port`` (SVC/SVL/EXT/FW chains) or ``ns/svc:port -> ip:port`` (SEP chains)
    owners: dict[str, str] = field(default_factory=dict)
    filter_rules: int = 0
    nat_rules: int = 0


class _Fragment:
    """Everything one Service port contributes to a sync, as text: its ``filter`` rules, its ``nat`` rules in
    the top-level chains (``KUBE-SERVICES``/``KUBE-NODEPORTS``), and its own chains (``nat_chains`` lines
    and ``nat_own`` rules), which a partial sync leaves out when the Service did not change.

    ``svc``, ``eps``, ``large`` and ``epoch`` are what it was built from; a proxier reuses it while they are
    the same objects (a change to a Service or its endpoints makes new ones)."""

    __slots__ = (
        "svc",
        "eps",
        "large",
        "epoch",
        "filter",
        "nat_top",
        "nat_chains",
        "nat_own",
        "chains",
        "owners",
        "n_filter",
        "n_nat_top",
        "n_nat_own",
        "no_local_internal",
        "no_local_external",
    )
    svc: ServicePortInfo
    eps: Any
    large: bool
    epoch: int
    filter: str
    nat_top: str
    nat_chains: str
    nat_own: str
    chains: tuple[str, ...]
    owners: tuple[tuple[str, str], ...]
    n_filter: int
    n_nat_top: int
    n_nat_own: int
    no_local_internal: bool
    no_local_external: bool


class _Writer:
    """Writes the rules of one Service port (the body of ``syncProxyRules``'s loop) as text.

    The lines are formatted directly (one f-string each) rather than assembled word by word: at 10,000
    Services x 10 endpoints a sync writes 430,000 lines, and per-word joins were most of its cost.
    """

    def __init__(self, settings: ProxierSettings, node_labels: dict[str, str] | None):
        self.hostname = settings.hostname
        self.node_labels = node_labels
        self.prefer_same_traffic_distribution = settings.prefer_same_traffic_distribution
        self.masquerade_all = settings.masquerade_all
        local_cidr = settings.local_detector_cidr
        self.detect_local = local_cidr is not None
        self.if_local = f"-s {local_cidr}"
        self.if_not_local = f"! -s {local_cidr}"
        self.node_ip = settings.node_ip
        # The nfacct rule for localhost NodePorts (IPv4 only, as localhostNodePorts is).
        self.localhost_nfacct = (
            settings.effective_localhost_nodeports and settings.ip_family == "IPv4" and settings.nfacct
        )

    def fragment(self, svc: ServicePortInfo, all_eps: Any, large: bool) -> _Fragment:
        name = svc.name_string
        protocol = svc.protocol.lower()
        h = _hash16(name + protocol)
        cluster_chain = "KUBE-SVC-" + h
        local_chain = "KUBE-SVL-" + h
        fw_chain = "KUBE-FW-" + h
        ext_chain = "KUBE-EXT-" + h
        cluster_eps, local_eps, reachable, has_endpoints = categorize_endpoints(
            all_eps, svc, self.hostname, self.node_labels, self.prefer_same_traffic_distribution
        )
        uses_cluster_chain = bool(cluster_eps) and svc.uses_cluster_endpoints
        uses_local_chain = bool(local_eps) and svc.uses_local_endpoints

        targets = policy_targets(svc, local_eps, has_endpoints)
        internal_chain = local_chain if targets.internal_local else cluster_chain
        has_internal = targets.has_internal
        external_policy_chain = local_chain if targets.external_local else cluster_chain
        has_external = targets.has_external
        # Based on has_endpoints, not has_external: the short-circuit rules are needed even then.
        uses_ext_chain = has_endpoints and svc.externally_accessible
        lb_vips = svc.load_balancer_vips
        uses_fw_chain = has_endpoints and bool(lb_vips) and bool(svc.load_balancer_source_ranges)
        lb_chain = fw_chain if uses_fw_chain else ext_chain

        int_target = int_comment = ext_target = ext_comment = ""
        if not has_endpoints:
            int_target = ext_target = "REJECT"
            int_comment = ext_comment = f'"{name} has no endpoints"'
        else:
            if not has_internal:
                int_target, int_comment = "DROP", f'"{name} has no local endpoints"'
            if not has_external:
                ext_target, ext_comment = "DROP", f'"{name} has no local endpoints"'

        mp = f"-m {protocol} -p {protocol}"
        port = svc.port
        cip = svc.cluster_ip
        filt: list[str] = []
        top: list[str] = []

        # Capture the clusterIP.
        if has_internal:
            top.append(
                f'-A KUBE-SERVICES -m comment --comment "{name} cluster IP" {mp} -d {cip} --dport {port} '
                f"-j {internal_chain}"
            )
        else:
            filt.append(
                f"-A KUBE-SERVICES -m comment --comment {int_comment} {mp} -d {cip} --dport {port} -j {int_target}"
            )
        # Capture externalIPs.
        for ext_ip in svc.external_ips:
            if has_endpoints:
                top.append(
                    f'-A KUBE-SERVICES -m comment --comment "{name} external IP" {mp} -d {ext_ip} --dport {port} '
                    f"-j {ext_chain}"
                )
            if not has_external:
                filt.append(
                    f"-A KUBE-EXTERNAL-SERVICES -m comment --comment {ext_comment} {mp} -d {ext_ip} "
                    f"--dport {port} -j {ext_target}"
                )
        # Capture load-balancer ingress.
        for lb_ip in lb_vips:
            if has_endpoints:
                top.append(
                    f'-A KUBE-SERVICES -m comment --comment "{name} loadbalancer IP" {mp} -d {lb_ip} '
                    f"--dport {port} -j {lb_chain}"
                )
            if uses_fw_chain:
                filt.append(
                    f'-A KUBE-PROXY-FIREWALL -m comment --comment "{name} traffic not accepted by {fw_chain}" '
                    f"{mp} -d {lb_ip} --dport {port} -j DROP"
                )
        if not has_external:
            for lb_ip in lb_vips:
                filt.append(
                    f"-A KUBE-EXTERNAL-SERVICES -m comment --comment {ext_comment} {mp} -d {lb_ip} "
                    f"--dport {port} -j {ext_target}"
                )
        # Capture nodeports. (NodePorts are not subject to loadBalancerSourceRanges, "and we can't change that".)
        node_port = svc.node_port
        if node_port:
            if has_endpoints:
                if self.localhost_nfacct:
                    top.append(
                        f"-A KUBE-NODEPORTS -m comment --comment {name} {mp} -d 127.0.0.0/8 --dport {node_port} "
                        f"-m nfacct --nfacct-name {LOCALHOST_NODEPORT_ACCEPTED_COUNTER} -j {ext_chain}"
                    )
                top.append(
                    f"-A KUBE-NODEPORTS -m comment --comment {name} {mp} --dport {node_port} -j {ext_chain}"
                )
            if not has_external:
                filt.append(
                    f"-A KUBE-EXTERNAL-SERVICES -m comment --comment {ext_comment} -m addrtype --dst-type LOCAL "
                    f"{mp} --dport {node_port} -j {ext_target}"
                )
        # Capture healthCheckNodePorts, whether or not this node has local endpoints.
        if svc.health_check_node_port:
            filt.append(
                f'-A KUBE-NODEPORTS -m comment --comment "{name} health check node port" -m tcp -p tcp '
                f"--dport {svc.health_check_node_port} -j ACCEPT"
            )

        chains: list[str] = []
        owners: list[tuple[str, str]] = []
        own: list[str] = []
        # Internal traffic: masquerade off-cluster traffic to the ClusterIP (or all with --masquerade-all).
        if has_internal:
            if self.masquerade_all:
                own.append(
                    f'-A {internal_chain} -m comment --comment "{name} cluster IP" {mp} -d {cip} --dport {port} '
                    f"-j KUBE-MARK-MASQ"
                )
            elif self.detect_local:
                own.append(
                    f'-A {internal_chain} -m comment --comment "{name} cluster IP" {mp} -d {cip} --dport {port} '
                    f"{self.if_not_local} -j KUBE-MARK-MASQ"
                )
        # External traffic: everything captured for external destinations goes through the EXT chain.
        if uses_ext_chain:
            chains.append(ext_chain)
            owners.append((ext_chain, name))
            if not svc.external_policy_local:
                own.append(
                    f'-A {ext_chain} -m comment --comment "masquerade traffic for {name} external destinations" '
                    f"-j KUBE-MARK-MASQ"
                )
            else:
                if self.detect_local:
                    # Pod -> external destination is subject to neither policy ("up-and-out and back in").
                    own.append(
                        f'-A {ext_chain} -m comment --comment "pod traffic for {name} external destinations" '
                        f"{self.if_local} -j {cluster_chain}"
                    )
                own.append(
                    f'-A {ext_chain} -m comment --comment "masquerade LOCAL traffic for {name} external '
                    f'destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ'
                )
                own.append(
                    f'-A {ext_chain} -m comment --comment "route LOCAL traffic for {name} external destinations" '
                    f"-m addrtype --src-type LOCAL -j {cluster_chain}"
                )
            if has_external:
                own.append(f"-A {ext_chain} -j {external_policy_chain}")
        # Firewall chain for loadBalancerSourceRanges (VIP-like load balancers that keep the client IP).
        if uses_fw_chain:
            chains.append(fw_chain)
            owners.append((fw_chain, name))
            fw_args = f'-A {fw_chain} -m comment --comment "{name} loadbalancer IP"'
            allow_from_node = False
            node_ip = self.node_ip
            for cidr in svc.load_balancer_source_ranges:
                own.append(f"{fw_args} -s {cidr} -j {ext_chain}")
                if node_ip is not None and _cidr_contains(cidr, node_ip):
                    allow_from_node = True
            # A node talking to a VIP it hosts locally loops back with the VIP as source.
            if allow_from_node:
                for lb_ip in lb_vips:
                    own.append(f"{fw_args} -s {lb_ip} -j {ext_chain}")
            own.append(
                f'-A {fw_chain} -m comment --comment "other traffic to {name} will be dropped by '
                f'KUBE-PROXY-FIREWALL"'
            )

        # The endpoint chains: named when the endpoint was created (a proxier's EndpointSliceCache does it, as
        # upstream's newEndpointInfo), else here, once per endpoint.
        sep: dict[str, str] = {}
        prefix = name + protocol
        for ep in reachable or ():
            text = ep.endpoint
            sep[text] = ep.chain_name or "KUBE-SEP-" + _hash16(prefix + text)
        affinity = svc.session_affinity == "ClientIP"
        if uses_cluster_chain:
            chains.append(cluster_chain)
            owners.append((cluster_chain, name))
            self._service_to_endpoints(own, name, svc, cluster_chain, cluster_eps or [], sep, large, affinity)
        if uses_local_chain:
            chains.append(local_chain)
            owners.append((local_chain, name))
            self._service_to_endpoints(own, name, svc, local_chain, local_eps or [], sep, large, affinity)
        for ep in reachable or ():
            text = ep.endpoint
            ep_chain = sep[text]
            chains.append(ep_chain)
            owners.append((ep_chain, f"{name} -> {text}"))
            args = f"-A {ep_chain}" if large else f"-A {ep_chain} -m comment --comment {name}"
            # Handle traffic that loops back to the originator with SNAT.
            own.append(f"{args} -s {ep.ip} -j KUBE-MARK-MASQ")
            if affinity:
                own.append(f"{args} -m recent --name {ep_chain} --set {mp} -j DNAT --to-destination {text}")
            else:
                own.append(f"{args} {mp} -j DNAT --to-destination {text}")

        f = _Fragment()
        f.svc, f.eps, f.large, f.epoch = svc, all_eps, large, 0
        f.filter = "\n".join(filt) + "\n" if filt else ""
        f.nat_top = "\n".join(top) + "\n" if top else ""
        f.nat_chains = ":" + " - [0:0]\n:".join(chains) + " - [0:0]\n" if chains else ""
        f.nat_own = "\n".join(own) + "\n" if own else ""
        f.chains = tuple(chains)
        f.owners = tuple(owners)
        f.n_filter, f.n_nat_top, f.n_nat_own = len(filt), len(top), len(own)
        f.no_local_internal = has_endpoints and not has_internal
        f.no_local_external = has_endpoints and not has_external
        return f

    @staticmethod
    def _service_to_endpoints(
        own: list[str],
        name: str,
        svc: ServicePortInfo,
        chain: str,
        endpoints: list[Any],
        sep: dict[str, str],
        large: bool,
        affinity: bool,
    ) -> None:
        """``writeServiceToEndpointRules``: affinity checks first, then the probabilistic spread."""
        if affinity:
            seconds = svc.sticky_max_age_seconds
            for ep in endpoints:
                text = ep.endpoint
                ep_chain = sep[text]
                head = f"-A {chain}" if large else f'-A {chain} -m comment --comment "{name} -> {text}"'
                own.append(
                    f"{head} -m recent --name {ep_chain} --rcheck --seconds {seconds} --reap -j {ep_chain}"
                )
        n = len(endpoints)
        last = n - 1
        probs = _PROBABILITIES
        if n >= len(probs):
            _probability(n)
        for i, ep in enumerate(endpoints):
            text = ep.endpoint
            head = f"-A {chain}" if large else f'-A {chain} -m comment --comment "{name} -> {text}"'
            if i < last:
                own.append(f"{head} -m statistic --mode random --probability {probs[n - i]} -j {sep[text]}")
            else:
                own.append(f"{head} -j {sep[text]}")


def _cidr_contains(cidr: str, ip: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except (ValueError, TypeError):
        return False


def _service_order(svc_map: dict[ServicePortName, Any]) -> list[ServicePortName]:
    # Service ports in ns/name:port order (upstream walks a Go map, so its order varies from sync to sync).
    return sorted(svc_map, key=lambda k: (str(k), k.protocol))


class _Tables:
    """The four buffers of ``syncProxyRules`` (``filterChains``, ``filterRules``, ``natChains``,
    ``natRules``), filled around the per-Service fragments."""

    def __init__(self, settings: ProxierSettings):
        self.settings = settings
        mark = settings.mark
        self.filter_head_chains = [
            make_chain_line(c)
            for c in (
                KUBE_SERVICES,
                KUBE_EXTERNAL_SERVICES,
                KUBE_FORWARD,
                KUBE_NODEPORTS,
                KUBE_PROXY_FIREWALL,
            )
        ]
        self.filter_head_rules: list[str] = []
        if not settings.is_ipv6 and settings.effective_localhost_nodeports:
            # route_localnet (for localhost NodePorts) opens a hole, https://issue.k8s.io/90259; kubelet writes
            # an identical rule.
            self.filter_head_chains.append(make_chain_line(KUBELET_FIREWALL))
            self.filter_head_rules.append(
                f'-A {KUBELET_FIREWALL} -m comment --comment "block incoming localnet connections" '
                "-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP"
            )
        self.nat_head_chains = [
            make_chain_line(c) for c in (KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ)
        ]
        masq = f'-A {KUBE_POSTROUTING} -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE'
        if settings.random_fully:
            masq += " --random-fully"
        self.nat_head_rules = [
            f"-A {KUBE_POSTROUTING} -m mark ! --mark {mark}/{mark} -j RETURN",
            # Clear the mark to avoid re-masquerading if the packet re-traverses the network stack.
            f"-A {KUBE_POSTROUTING} -j MARK --xor-mark {mark}",
            masq,
            f"-A {KUBE_MARK_MASQ} -j MARK --or-mark {mark}",
        ]
        # Finally, tail-call to the nodePorts chain; this must be the last rule of KUBE-SERVICES.
        nodeports_comment = '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"'
        self.nat_tail_rules: list[str] = []
        if settings.nodeport_match_all:
            destinations = "-m addrtype --dst-type LOCAL"
            if settings.is_ipv6:
                destinations += " ! -d ::1/128"
            elif not settings.effective_localhost_nodeports:
                destinations += " ! -d 127.0.0.0/8"
            self.nat_tail_rules.append(
                f"-A {KUBE_SERVICES} -m comment --comment {nodeports_comment} {destinations} -j {KUBE_NODEPORTS}"
            )
        else:
            for ip in settings.nodeport_ips():
                if ip == "::1" or ip.startswith("127."):
                    if settings.is_ipv6 or not settings.effective_localhost_nodeports:
                        continue
                self.nat_tail_rules.append(
                    f"-A {KUBE_SERVICES} -m comment --comment {nodeports_comment} -d {ip} -j {KUBE_NODEPORTS}"
                )
        self.filter_tail_rules: list[str] = []
        # Drop INVALID packets (https://github.com/kubernetes/kubernetes/issues/74839, issue 117924).
        if not settings.conntrack_tcp_liberal:
            rule = f"-A {KUBE_FORWARD} -m conntrack --ctstate INVALID"
            if settings.nfacct:
                rule += f" -m nfacct --nfacct-name {CT_STATE_INVALID_DROPPED_COUNTER}"
            self.filter_tail_rules.append(rule + " -j DROP")
        # Forward masquerade-marked traffic even if the FORWARD policy is not ACCEPT, and its replies.
        self.filter_tail_rules.append(
            f'-A {KUBE_FORWARD} -m comment --comment "kubernetes forwarding rules" -m mark --mark {mark}/{mark} '
            "-j ACCEPT"
        )
        self.filter_tail_rules.append(
            f'-A {KUBE_FORWARD} -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack '
            "--ctstate RELATED,ESTABLISHED -j ACCEPT"
        )

    def text(
        self,
        filter_parts: list[str],
        nat_chain_parts: list[str],
        nat_rule_parts: list[str],
        deleted: list[str] = (),  # type: ignore[assignment]
    ) -> str:
        """The restore payload: ``*filter`` then ``*nat``, stale chains flushed and ``-X``-deleted last."""
        nl = "\n"
        out = ["*filter\n"]
        out.extend(line + nl for line in self.filter_head_chains)
        out.extend(line + nl for line in self.filter_head_rules)
        out.extend(filter_parts)
        out.extend(line + nl for line in self.filter_tail_rules)
        out.append("COMMIT\n*nat\n")
        out.extend(line + nl for line in self.nat_head_chains)
        out.extend(nat_chain_parts)
        out.extend(f":{c} - [0:0]\n" for c in deleted)
        out.extend(line + nl for line in self.nat_head_rules)
        out.extend(nat_rule_parts)
        out.extend(f"-X {c}\n" for c in deleted)
        out.extend(line + nl for line in self.nat_tail_rules)
        out.append("COMMIT\n")
        return "".join(out)


def _total_endpoints(svc_map: dict[ServicePortName, Any], eps_map: dict[ServicePortName, Any]) -> int:
    get = eps_map.get
    return sum(len(get(spn, ())) for spn in svc_map)


def sync_proxy_rules(
    services: Iterable[Any], endpoint_slices: Iterable[Any], settings: ProxierSettings
) -> IPTablesSync:
    """Run one full ``syncProxyRules`` and return the payload with the chain-owner map."""
    family = settings.ip_family
    svc_map = service_port_map(services, family)
    eps_map = endpoints_map(
        endpoint_slices, settings.hostname, family, settings.prefer_same_traffic_distribution
    )
    large = _total_endpoints(svc_map, eps_map) > LARGE_CLUSTER_ENDPOINTS_THRESHOLD
    writer = _Writer(settings, settings.topology_labels)
    tables = _Tables(settings)
    filter_parts: list[str] = []
    nat_chain_parts: list[str] = []
    nat_rule_parts: list[str] = []
    owners: dict[str, str] = {}
    n_filter = n_nat = 0
    for spn in _service_order(svc_map):
        f = writer.fragment(svc_map[spn], eps_map.get(spn, []), large)
        filter_parts.append(f.filter)
        nat_chain_parts.append(f.nat_chains)
        nat_rule_parts.append(f.nat_top)
        nat_rule_parts.append(f.nat_own)
        owners.update(f.owners)
        n_filter += f.n_filter
        n_nat += f.n_nat_top + f.n_nat_own
    text = tables.text(filter_parts, nat_chain_parts, nat_rule_parts)
    n_filter += len(tables.filter_head_rules) + len(tables.filter_tail_rules)
    n_nat += len(tables.nat_head_rules) + len(tables.nat_tail_rules)
    return IPTablesSync(text, owners, n_filter, n_nat)


def render_iptables(
    services: Iterable[Any], endpoint_slices: Iterable[Any], settings: ProxierSettings
) -> str:
    """The ``iptables-restore`` text of one full sync (``*filter`` then ``*nat``), byte for byte.

    ``services`` and ``endpoint_slices`` may be any iterables of model objects; other kinds are ignored, so
    the output of ``k8snet.manifests.load`` can be passed for both.
    """
    services = list(services)
    endpoint_slices = list(endpoint_slices)
    return sync_proxy_rules(services, endpoint_slices, settings).text


def chain_owners(
    services: Iterable[Any], endpoint_slices: Iterable[Any], settings: ProxierSettings
) -> dict[str, str]:
    """Map each per-service chain of the rendered rules to its owner.

    ``KUBE-SVC-``/``KUBE-SVL-``/``KUBE-EXT-``/``KUBE-FW-`` chains map to ``ns/svc:port``; ``KUBE-SEP-`` chains map
    to ``ns/svc:port -> ip:port``.
    """
    return sync_proxy_rules(list(services), list(endpoint_slices), settings).owners


def _sep_chain_name(spn: ServicePortName, ip: str, port: int, endpoint: str) -> str:
    # newEndpointInfo: "ChainName: servicePortEndpointChainName(svcPortName.String(), protocol, baseInfo.String())"
    return "KUBE-SEP-" + _hash16(f"{spn}{spn.protocol.lower()}{endpoint}")


@dataclass
class IPTablesMetrics:
    """The proxier's metrics (``pkg/proxy/metrics``) that say what its syncs wrote.

    ``rules_total`` is the number of rules per table after the last sync (``sync_proxy_rules_iptables_total``)
    and ``rules_last_sync`` the number that sync wrote (``sync_proxy_rules_iptables_last``): equal after a full
    sync, smaller after a partial one. Failures count restores the kernel refused
    (``sync_proxy_rules_iptables_restore_failures_total``), partial ones separately
    (``sync_proxy_rules_iptables_partial_restore_failures_total``). ``no_local_endpoints`` counts the Service
    ports with a Local policy and no local endpoint, ``internal``/``external``
    (``sync_proxy_rules_no_local_endpoints_total``).
    """

    rules_total: dict[str, int] = field(default_factory=lambda: {"filter": 0, "nat": 0})
    rules_last_sync: dict[str, int] = field(default_factory=lambda: {"filter": 0, "nat": 0})
    restore_failures_total: int = 0
    partial_restore_failures_total: int = 0
    no_local_endpoints: dict[str, int] = field(default_factory=lambda: {"internal": 0, "external": 0})
    full_syncs: int = 0
    partial_syncs: int = 0


_NO_ENDPOINTS: tuple = ()


class IPTablesProxier(Proxier):
    """kube-proxy's iptables proxier over time: full syncs, then partial syncs of the Services that changed.

    Port of ``Proxier.syncProxyRules`` in kubernetes/kubernetes ``pkg/proxy/iptables/proxier.go`` (v1.34)
    with ``MinimizeIPTablesRestore`` (KEP-3453, on by default since v1.27, locked on since v1.28):

    - a **full** sync (see :class:`~k8snet.proxy.proxier.Proxier` for when) first ensures the jump rules from
      the built-in chains (``EnsureChain``/``EnsureRule(Prepend, ...)``, :data:`JUMP_CHAINS`), then writes
      every chain: its payload is what :func:`render_iptables` writes for the same objects;
    - a **partial** sync writes the ``filter`` table, ``KUBE-SERVICES``, ``KUBE-NODEPORTS``,
      ``KUBE-POSTROUTING`` and ``KUBE-MARK-MASQ`` as always, but the ``KUBE-SVC-``/``KUBE-SVL-``/``KUBE-EXT-``/
      ``KUBE-FW-``/``KUBE-SEP-`` chains only of the Services that changed since the last sync ("If the
      SVC/SVL/EXT/FW/SEP chains have not changed since the last sync then we can omit them from the restore
      input"); the others stay as the kernel holds them;
    - chains no longer in use are flushed and deleted (``:CHAIN`` + ``-X CHAIN``), found by listing the ``nat``
      table (``iptables-save``), and "we don't bother to do this on every sync in large clusters" (over
      1,000 endpoints): then only when the last cleanup is ``sync_period`` old (``--iptables-sync-period``,
      30 s);
    - the payload is restored with ``--noflush``; if the kernel refuses it, the sync failed and the next one
      is full.

    Crossing the large-cluster threshold does not force a full sync (so unchanged Services keep their
    comments until the next full one), as upstream.

    Each Service port's text is built once and reused while the Service and its endpoints are the same objects
    (a change makes new ones), so a sync costs in proportion to what changed plus copying the unchanged text.

    Parameters
    ----------
    settings : ProxierSettings
    iptables : IPTables, optional
        The node's tables (:class:`k8snet.dataplane.netfilter.IPTables`); a new empty one by default.
        A :class:`~k8snet.dataplane.netfilter.NetfilterHost` built on the same object runs what the proxier
        writes.
    clock : optional
        Simulated time (``now()`` or a callable returning seconds); without one time stands still.
    sync_period : float
        ``--iptables-sync-period`` in seconds (stale-chain cleanup in large clusters).

    Examples
    --------
    >>> from k8snet.api.core_v1 import Service
    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> def es(ip):
    ...     return EndpointSlice.model_validate({"metadata": {"name": "web-1", "namespace": "ns",
    ...         "labels": {"kubernetes.io/service-name": "web"}}, "addressType": "IPv4",
    ...         "endpoints": [{"addresses": [ip]}], "ports": [{"name": "http", "port": 8080}]})
    >>> web = Service.model_validate({"metadata": {"name": "web", "namespace": "ns"},
    ...     "spec": {"clusterIP": "10.96.0.10", "ports": [{"name": "http", "port": 80}]}})
    >>> proxier = IPTablesProxier(ProxierSettings(hostname="node-1", node_ips=["192.168.0.2"]))
    >>> proxier.on_service_add(web), proxier.on_endpointslice_add(es("10.0.0.5"))
    (True, True)
    >>> r = proxier.sync(); (r.full, r.success, r.payload.count("\\n"))
    (True, True, 29)
    >>> _ = proxier.on_endpointslice_update(es("10.0.0.5"), es("10.0.0.6"))
    >>> r = proxier.sync(); r.full, sorted(r.updated_services)
    (False, [('ns', 'web')])
    >>> print("\\n".join(line for line in r.payload.splitlines() if "KUBE-SEP" in line))
    :KUBE-SEP-UOYBKF2A7PUMGDV5 - [0:0]
    :KUBE-SEP-4VSQD24OQQX2GFPQ - [0:0]
    -A KUBE-SVC-HMALVVKA6APKJPPY -m comment --comment "ns/web:http -> 10.0.0.6:8080" -j KUBE-SEP-UOYBKF2A7PUMGDV5
    -A KUBE-SEP-UOYBKF2A7PUMGDV5 -m comment --comment ns/web:http -s 10.0.0.6 -j KUBE-MARK-MASQ
    -A KUBE-SEP-UOYBKF2A7PUMGDV5 -m comment --comment ns/web:http -m tcp -p tcp -j DNAT --to-destination 10.0.0.6:8080
    -X KUBE-SEP-4VSQD24OQQX2GFPQ
    """

    def __init__(
        self,
        settings: ProxierSettings,
        iptables: Any = None,
        clock: Any = None,
        sync_period: float = 30.0,
    ):
        super().__init__(settings, clock)
        if iptables is None:
            from k8snet.dataplane.netfilter import IPTables

            iptables = IPTables()
        self.iptables = iptables
        self.sync_period = sync_period
        # newEndpointInfo names each endpoint's chain when the endpoint is created
        self.endpoints_changes.cache.chain_namer = _sep_chain_name
        #: The last payload written (upstream's ``iptablesData``).
        self.iptables_data = ""
        self.large_cluster_mode = False
        self.last_iptables_cleanup: float | None = None
        self.metrics = IPTablesMetrics()
        self._tables = _Tables(settings)
        self._fragments: dict[ServicePortName, _Fragment] = {}
        self._order: list[ServicePortName] = []
        self._order_keys: set[ServicePortName] = set()
        self._epoch = 0
        self._epoch_labels: dict[str, str] | None = None
        self._writer: _Writer | None = None
        self._large: bool | None = None
        self._index: dict[ServicePortName, int] = {}
        self._by_service: dict[tuple[str, str], list[ServicePortName]] = {}
        self._frag_list: list[_Fragment] = []

    def forget_rendered(self) -> None:
        """Drop the text kept per Service port: the next sync writes every Service port anew from the Service
        and endpoint maps (what upstream's proxier does on every sync; benchmarks use it)."""
        self._fragments.clear()
        self._order_keys = set()

    def _ensure_jump_rules(self) -> None:
        # "We can't do this as part of the iptables-restore because we don't want to specify/replace *all* of
        # the rules in PREROUTING, etc." Ensured in order with Prepend, so the last one ends up first.
        for table, dst, src, comment, extra in JUMP_CHAINS:
            self.iptables.ensure_chain(table, dst)
            args = [*extra, *(("-m", "comment", "--comment", comment) if comment else ()), "-j", dst]
            self.iptables.ensure_rule("prepend", table, src, *args)

    def sync(self) -> SyncResult:
        """``syncProxyRules``: apply the pending changes and restore the resulting payload."""
        start = self._now()
        full = self.full_sync_due(start)
        changed, _ = self._apply_changes()
        if full:
            self._ensure_jump_rules()

        svc_map, eps_map = self.svc_port_map, self.endpoints_map
        frags = self._fragments
        recheck_all = False
        if svc_map.keys() != self._order_keys:
            self._order = _service_order(svc_map)
            self._order_keys = set(svc_map)
            self._index = {spn: i for i, spn in enumerate(self._order)}
            self._by_service = {}
            for spn in self._order:
                self._by_service.setdefault((spn.namespace, spn.name), []).append(spn)
            for spn in [k for k in frags if k not in svc_map]:
                del frags[spn]
            recheck_all = True
        if self.node_labels != self._epoch_labels or self._writer is None:
            self._epoch += 1
            self._epoch_labels = dict(self.node_labels)
            self._writer = _Writer(self.settings, self.node_labels)
            recheck_all = True
        writer, epoch = self._writer, self._epoch
        large = self.large_cluster_mode = (
            _total_endpoints(svc_map, eps_map) > LARGE_CLUSTER_ENDPOINTS_THRESHOLD
        )
        if large is not self._large:
            self._large = large
            recheck_all = True

        # A Service port's text changes only when its Service or its endpoints do (or the mode it is written
        # in): check the changed Services' ports, or all of them when the order, labels or mode changed.
        get_eps = eps_map.get
        order = self._order
        if recheck_all:
            candidates: list[ServicePortName] = order
        else:
            candidates = [spn for key in changed for spn in self._by_service.get(key, ())]
        for spn in candidates:
            svc = svc_map[spn]
            eps = get_eps(spn, _NO_ENDPOINTS)
            f = frags.get(spn)
            if f is None or f.svc is not svc or f.eps is not eps or f.large is not large or f.epoch != epoch:
                f = frags[spn] = writer.fragment(svc, eps, large)
                f.epoch = epoch
        if recheck_all:
            self._frag_list = [frags[spn] for spn in order]
        else:
            index = self._index
            for spn in candidates:
                self._frag_list[index[spn]] = frags[spn]
        fl = self._frag_list

        filter_parts = [f.filter for f in fl]
        n_filter = sum(f.n_filter for f in fl)
        n_nat = sum(f.n_nat_top for f in fl)
        n_own = sum(f.n_nat_own for f in fl)
        if full:
            nat_chain_parts = [f.nat_chains for f in fl]
            nat_rule_parts = [part for f in fl for part in (f.nat_top, f.nat_own)]
            n_nat += n_own
            n_skipped = 0
        else:
            # "If the SVC/SVL/EXT/FW/SEP chains have not changed since the last sync then we can omit them"
            rewrite = sorted({self._index[spn] for key in changed for spn in self._by_service.get(key, ())})
            nat_chain_parts = [fl[i].nat_chains for i in rewrite]
            nat_rule_parts = [f.nat_top for f in fl]
            for i in reversed(rewrite):
                nat_rule_parts.insert(i + 1, fl[i].nat_own)
            n_rewritten = sum(fl[i].n_nat_own for i in rewrite)
            n_nat += n_rewritten
            n_skipped = n_own - n_rewritten
        no_local = {
            "internal": sum(f.no_local_internal for f in fl),
            "external": sum(f.no_local_external for f in fl),
        }

        # Delete chains no longer in use; "since iptables-save can take several seconds to run on hosts with
        # lots of iptables rules, we don't bother to do this on every sync in large clusters".
        deleted: list[str] = []
        if (
            not large
            or self.last_iptables_cleanup is None
            or start - self.last_iptables_cleanup > self.sync_period
        ):
            active: set[str] = set()
            for f in fl:
                active.update(f.chains)
            existing = self.iptables.chain_names("nat")
            deleted = sorted(c for c in existing - active if is_service_chain_name(c))
            self.last_iptables_cleanup = start

        tables = self._tables
        payload = tables.text(filter_parts, nat_chain_parts, nat_rule_parts, deleted)
        self.iptables_data = payload
        n_filter += len(tables.filter_head_rules) + len(tables.filter_tail_rules)
        n_nat += len(tables.nat_head_rules) + len(tables.nat_tail_rules)
        try:
            self.iptables.restore_all(payload, noflush=True)
        except Exception as err:  # the kernel refused it: IptablesRestoreError (or another backend's error)
            self.metrics.restore_failures_total += 1
            if not full:
                self.metrics.partial_restore_failures_total += 1
            # "proxier.serviceChanges and proxier.endpointChanges have already been flushed, so we've lost the
            # state needed to be able to do a partial sync."
            self.need_full_sync = True
            return SyncResult(full, False, payload, changed, str(err))
        m = self.metrics
        m.rules_total = {"filter": n_filter, "nat": n_nat + n_skipped}
        m.rules_last_sync = {"filter": n_filter, "nat": n_nat}
        m.no_local_endpoints = no_local
        if full:
            m.full_syncs += 1
            self.last_full_sync = start
        else:
            m.partial_syncs += 1
        self.need_full_sync = False
        return SyncResult(full, True, payload, changed)
