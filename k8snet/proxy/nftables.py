"""kube-proxy v1.34 nftables mode: the ``ip kube-proxy`` (or ``ip6 kube-proxy``) table it programs.

Port of ``setupNFTables`` and ``syncProxyRules`` in kubernetes/kubernetes ``pkg/proxy/nftables/proxier.go`` as
of v1.34, i.e. including #132456 (filter chains ``filter-prerouting-pre-dnat``/``filter-output-pre-dnat`` at
``dstnat-10`` and ``filter-input``/``filter-forward``/``filter-output`` at ``filter`` priority, "Kube-proxy
nftables now reject/drop traffic to service with no endpoints from filter chains at priority 0", in
CHANGELOG-1.34 for v1.34.0-beta.0) and #131492 (the ClusterIP masquerade rule matches only ``ip daddr`` and
``ip saddr``). The expected output of ``TestOverallNFTablesRules`` in ``pkg/proxy/nftables/proxier_test.go``
is reproduced byte for byte (after the test's own canonical sort) in ``tests/proxy/test_nftables.py``.

Table layout (see ``pkg/proxy/nftables/README.md``):

- base chains ``filter-prerouting-pre-dnat`` (prerouting, -110) and ``filter-output-pre-dnat`` (output, -110)
  jump to ``firewall-check`` (loadBalancerSourceRanges, matched on the pre-DNAT destination);
  ``nat-prerouting``/``nat-output`` (-100) jump to ``services`` (DNAT); ``filter-input``/``filter-forward``/
  ``filter-output`` (0, after DNAT) jump to ``service-endpoints-check``/``nodeport-endpoints-check`` (reject or
  drop traffic to services without endpoints) and ``cluster-ips-check`` (reject unknown ports of ClusterIPs,
  drop unallocated ClusterIPs); ``nat-postrouting`` (100) jumps to ``masquerading``;
- verdict maps ``service-ips`` (``ip daddr . meta l4proto . th dport``) and ``service-nodeports``
  (``meta l4proto . th dport``) dispatch to per-service chains ``service-HASH-ns/svc/proto/port`` (Cluster
  policy), ``local-...`` (Local policy), ``external-...`` (NodePort/LB/externalIP traffic) and
  ``firewall-...``; ``numgen random mod N vmap { i : goto endpoint-... }`` picks one endpoint chain, which
  DNATs; ClientIP affinity uses one dynamic ``affinity-...`` set per endpoint.

Where upstream iterates Go maps (random order), Service ports are visited in ``ServicePortName`` order; the
knftables fake's ``Dump()`` sorts chains/sets/maps by name anyway. Not modelled: partial syncs and stale chain
cleanup (we always render the state after a full sync), the ``--nodeport-addresses`` interface lookup
(addresses come from :meth:`ProxierSettings.nodeport_ips`), detect-local modes other than ClusterCIDR. With
``masquerade_all`` the ClusterIP rule is rendered as ``ip daddr CIP jump mark-for-masquerade``, by analogy with
#131492 (not checked against an upstream test).

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.api.discovery_v1 import EndpointSlice
>>> from k8snet.proxy.config import ProxierSettings
>>> svc = Service.model_validate({"metadata": {"name": "svc1", "namespace": "ns1"},
...     "spec": {"clusterIP": "172.30.0.41", "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]}})
>>> es = EndpointSlice.model_validate({"metadata": {"name": "svc1-1", "namespace": "ns1",
...     "labels": {"kubernetes.io/service-name": "svc1"}}, "addressType": "IPv4",
...     "endpoints": [{"addresses": ["10.180.0.1"]}], "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]})
>>> settings = ProxierSettings(hostname="test-node", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8",
...                            masquerade_mark="0x4000")
>>> text = render_nftables([svc], [es], settings, service_cidrs=["172.30.0.0/16"])
>>> print("\\n".join(line for line in text.splitlines() if "ns1/svc1" in line))
add chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80
add chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80
add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 ip saddr 10.180.0.1 jump mark-for-masquerade
add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 meta l4proto tcp dnat to 10.180.0.1:80
add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }
add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }
"""  # noqa: E501

from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.endpoints import EndpointInfo, endpoints_map
from k8snet.proxy.serviceport import ServicePortInfo, ServicePortName, service_port_map
from k8snet.proxy.topology import categorize_endpoints, policy_targets
from k8snet.rules.nftables import Chain, Element, NamedSet, Table, dump_table, list_table, written_rule

__all__ = [
    "NftablesProxier",
    "build_nftables_table",
    "render_nftables",
    "render_nftables_listing",
    "service_chain_name",
    "endpoint_chain_name",
    "hash_and_truncate",
    "KUBE_PROXY_TABLE",
]

KUBE_PROXY_TABLE = "kube-proxy"

# knftables.NameLengthMax (256) minus chainNamePrefixLengthMax (16)
_CHAIN_NAME_BASE_LENGTH_MAX = 256 - 16

# Base chains: name, type, hook, priority (knftables DNATPriority = -100, FilterPriority = 0, SNATPriority = 100).
BASE_CHAINS: tuple[tuple[str, str, str, int], ...] = (
    ("filter-prerouting-pre-dnat", "filter", "prerouting", -110),
    ("filter-output-pre-dnat", "filter", "output", -110),
    ("filter-input", "filter", "input", 0),
    ("filter-forward", "filter", "forward", 0),
    ("filter-output", "filter", "output", 0),
    ("nat-prerouting", "nat", "prerouting", -100),
    ("nat-output", "nat", "output", -100),
    ("nat-postrouting", "nat", "postrouting", 100),
)

# nftablesJumpChains: (destination chain, source chain, extra match), in upstream order. The rule order inside
# each base chain follows this list (e.g. filter-forward: service-endpoints-check, then cluster-ips-check).
JUMP_CHAINS: tuple[tuple[str, str, str], ...] = (
    ("nodeport-endpoints-check", "filter-input", "ct state new"),
    ("service-endpoints-check", "filter-input", "ct state new"),
    ("service-endpoints-check", "filter-forward", "ct state new"),
    ("service-endpoints-check", "filter-output", "ct state new"),
    ("firewall-check", "filter-prerouting-pre-dnat", "ct state new"),
    ("firewall-check", "filter-output-pre-dnat", "ct state new"),
    ("services", "nat-output", ""),
    ("services", "nat-prerouting", ""),
    ("masquerading", "nat-postrouting", ""),
    ("cluster-ips-check", "filter-forward", "ct state new"),
    ("cluster-ips-check", "filter-output", "ct state new"),
)


def hash_and_truncate(name: str) -> str:
    """``hashAndTruncate``: base32(sha256(name))[:8] + "-" + name, cut to 240 characters with ``...``.

    >>> hash_and_truncate("ns1/svc1/tcp/p80")
    'ULMVA6XW-ns1/svc1/tcp/p80'
    """
    # The first 8 base32 characters encode exactly the first 5 bytes of the digest, so only those are encoded
    # (base64.b32encode is pure Python and was a large part of a sync with 100,000 endpoints).
    out = base64.b32encode(hashlib.sha256(name.encode()).digest()[:5]).decode() + "-" + name
    if len(out) > _CHAIN_NAME_BASE_LENGTH_MAX:
        out = out[: _CHAIN_NAME_BASE_LENGTH_MAX - 3] + "..."
    return out


def _chain_base(spn: ServicePortName) -> str:
    return hash_and_truncate(f"{spn.namespace}/{spn.name}/{spn.protocol.lower()}/{spn.port}")


def service_chain_name(prefix: str, spn: ServicePortName) -> str:
    """``service-``/``local-``/``external-``/``firewall-`` + ``servicePortChainNameBase``.

    >>> service_chain_name("external", ServicePortName("ns2", "svc2", "p80", "TCP"))
    'external-42NFTM6N-ns2/svc2/tcp/p80'
    """
    return f"{prefix}-{_chain_base(spn)}"


def _endpoint_base(spn: ServicePortName, ep: EndpointInfo) -> str:
    # servicePortEndpointChainNameBase: IPv6 colons become dots; "__" separates service and endpoint.
    ip = ep.ip.replace(":", ".")
    return hash_and_truncate(f"{spn.namespace}/{spn.name}/{spn.protocol.lower()}/{spn.port}__{ip}/{ep.port}")


def endpoint_chain_name(spn: ServicePortName, ep: EndpointInfo, prefix: str = "endpoint") -> str:
    """``endpoint-`` (or ``affinity-``) + ``servicePortEndpointChainNameBase``.

    >>> endpoint_chain_name(ServicePortName("ns1", "svc1", "p80", "TCP"), EndpointInfo("10.180.0.1", 80))
    'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80'
    """
    return f"{prefix}-{_endpoint_base(spn, ep)}"


class _Tx:
    """Collects objects like a knftables transaction applied to an empty table."""

    def __init__(self, family: str):
        self.table = Table(family, KUBE_PROXY_TABLE, comment="rules for kube-proxy")

    def chain(self, name: str, comment: str | None = None) -> Chain:
        ch = self.table.chains.get(name)
        if ch is None:
            ch = self.table.chains[name] = Chain(name, comment=comment)
        return ch

    def rule(self, chain: str, text: str, comment: str | None = None) -> None:
        # Parsed when first used (the rendered text does not need it); tests/proxy check it equals parse_rule.
        self.table.chains[chain].rules.append(written_rule(text, chain, comment))

    def set(
        self,
        name: str,
        type_: str,
        comment: str | None = None,
        flags: Sequence[str] = (),
        timeout: int | None = None,
    ) -> None:
        if name not in self.table.sets:
            self.table.sets[name] = NamedSet(name, type_, False, list(flags), timeout, comment)

    def map(self, name: str, type_: str, comment: str | None = None) -> None:
        if name not in self.table.maps:
            self.table.maps[name] = NamedSet(name, type_, True, [], None, comment)

    def element(
        self, name: str, key: Sequence[str], value: Sequence[str] | None = None, comment: str | None = None
    ) -> None:
        s = self.table.lookup_set(name)
        assert s is not None
        s.add(Element(tuple(key), None if value is None else tuple(value), comment))


def _nodeport_ips(settings: ProxierSettings) -> list[str]:
    # setupNFTables skips loopback addresses ("localhost NodePorts are not supported").
    return [ip for ip in settings.nodeport_ips() if not ipaddress.ip_address(ip).is_loopback]


def _effective_settings(settings: ProxierSettings) -> ProxierSettings:
    # cmd/kube-proxy/app/server_linux.go platformApplyDefaults: nftables mode defaults --nodeport-addresses to
    # "primary" (the iptables default is "all addresses").
    if settings.nodeport_addresses is None:
        from dataclasses import replace

        return replace(settings, nodeport_addresses=["primary"])
    return settings


def build_nftables_table(
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    service_cidrs: Sequence[str] | None = None,
) -> Table:
    """The :class:`~k8snet.rules.nftables.Table` kube-proxy's nftables proxier leaves after a full sync.

    Parameters
    ----------
    services, endpoint_slices : iterables of API objects
        Other kinds are ignored, so a list of loaded manifests can be passed for both.
    settings : ProxierSettings
        ``nodeport_addresses=None`` means nftables mode's default ``["primary"]``.
    service_cidrs : list of str, optional
        The cluster's ServiceCIDRs (``OnServiceCIDRsChanged``); those of the proxier's family give the
        ``cluster-ips-check`` "Drop traffic to unallocated ClusterIPs" rule.
    """
    services = list(services)
    endpoint_slices = list(endpoint_slices)
    settings = _effective_settings(settings)
    v6 = settings.is_ipv6
    ipx = "ip6" if v6 else "ip"
    addr_type = "ipv6_addr" if v6 else "ipv4_addr"
    no_localhost = "ip6 daddr != ::1" if v6 else "ip daddr != 127.0.0.0/8"
    mark = settings.mark
    tx = _Tx(ipx)

    # ---- setupNFTables
    for name, ctype, hook, prio in BASE_CHAINS:
        ch = tx.chain(name)
        ch.type, ch.hook, ch.priority = ctype, hook, prio
    for dst, src, extra in JUMP_CHAINS:
        tx.chain(dst)
        tx.rule(src, (extra + " " if extra else "") + f"jump {dst}")
    for name in ("services", "cluster-ips-check", "masquerading", "mark-for-masquerade"):
        tx.chain(name)
    tx.rule("mark-for-masquerade", f"mark set mark or {mark}")
    tx.rule("masquerading", f"mark and {mark} == 0 return")
    tx.rule("masquerading", f"mark set mark xor {mark}")
    tx.rule("masquerading", "masquerade fully-random")

    tx.set("cluster-ips", addr_type, comment="Active ClusterIPs")
    tx.rule(
        "cluster-ips-check",
        f"{ipx} daddr @cluster-ips reject",
        comment="Reject traffic to invalid ports of ClusterIPs",
    )
    cidrs = [
        c for c in (service_cidrs or []) if ipaddress.ip_network(c, strict=False).version == (6 if v6 else 4)
    ]
    if cidrs:
        tx.rule(
            "cluster-ips-check",
            f"{ipx} daddr {{ {','.join(cidrs)} }} drop",
            comment="Drop traffic to unallocated ClusterIPs",
        )

    match_all = settings.nodeport_match_all
    if not match_all:
        tx.set("nodeport-ips", addr_type, comment="IPs that accept NodePort traffic")
        for ip in _nodeport_ips(settings):
            tx.element("nodeport-ips", [ip])

    verdict_map_3 = f"{addr_type} . inet_proto . inet_service : verdict"
    tx.map(
        "no-endpoint-services",
        verdict_map_3,
        comment="vmap to drop or reject packets to services with no endpoints",
    )
    tx.map(
        "no-endpoint-nodeports",
        "inet_proto . inet_service : verdict",
        comment="vmap to drop or reject packets to service nodeports with no endpoints",
    )
    tx.chain("reject-chain", comment="helper for @no-endpoint-services / @no-endpoint-nodeports")
    tx.rule("reject-chain", "reject")
    tx.rule("service-endpoints-check", f"{ipx} daddr . meta l4proto . th dport vmap @no-endpoint-services")
    if match_all:
        tx.rule(
            "nodeport-endpoints-check", f"{no_localhost} meta l4proto . th dport vmap @no-endpoint-nodeports"
        )
    else:
        tx.rule(
            "nodeport-endpoints-check",
            f"{ipx} daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports",
        )

    tx.map("firewall-ips", verdict_map_3, comment="destinations that are subject to LoadBalancerSourceRanges")
    tx.rule("firewall-check", f"{ipx} daddr . meta l4proto . th dport vmap @firewall-ips")

    tx.map("service-ips", verdict_map_3, comment="ClusterIP, ExternalIP and LoadBalancer IP traffic")
    tx.map("service-nodeports", "inet_proto . inet_service : verdict", comment="NodePort traffic")
    tx.rule("services", f"{ipx} daddr . meta l4proto . th dport vmap @service-ips")
    if match_all:
        tx.rule(
            "services", f"fib daddr type local {no_localhost} meta l4proto . th dport vmap @service-nodeports"
        )
    else:
        tx.rule("services", f"{ipx} daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports")

    # ---- syncProxyRules
    family = settings.ip_family
    svc_map = service_port_map(services, family)
    ep_map = endpoints_map(
        endpoint_slices, settings.hostname, family, settings.prefer_same_traffic_distribution
    )
    local_cidr = settings.cluster_cidr
    if local_cidr is not None and ipaddress.ip_network(local_cidr, strict=False).version != (6 if v6 else 4):
        local_cidr = None
    if_not_local = f"{ipx} saddr != {local_cidr}" if local_cidr else None
    if_local = f"{ipx} saddr {local_cidr}" if local_cidr else None

    for spn in sorted(svc_map):
        svc = svc_map[spn]
        _sync_service(tx, svc, ep_map.get(spn, []), settings, ipx, addr_type, mark, if_local, if_not_local)
    return tx.table


def _sync_service(
    tx: _Tx,
    svc: ServicePortInfo,
    all_eps: list[EndpointInfo],
    settings: ProxierSettings,
    ipx: str,
    addr_type: str,
    mark: str,
    if_local: str | None,
    if_not_local: str | None,
) -> None:
    spn = svc.service_port_name
    protocol = svc.protocol.lower()
    name_string = svc.name_string
    cat = categorize_endpoints(
        all_eps, svc, settings.hostname, settings.topology_labels, settings.prefer_same_traffic_distribution
    )
    cluster_eps = cat.cluster or []
    local_eps = cat.local or []
    reachable = cat.all_reachable or []
    has_endpoints = cat.has_any
    affinity = svc.session_affinity == "ClientIP"

    # Each endpoint's chain name is used up to four times (chain, vmap element, affinity rule, its rules):
    # hash it once.
    ep_chains: dict[tuple[str, int], str] = {}
    for ep in (*reachable, *cluster_eps, *local_eps):
        if (ep.ip, ep.port) not in ep_chains:
            ep_chains[ep.ip, ep.port] = endpoint_chain_name(spn, ep)
    for ep in reachable:
        tx.chain(ep_chains[ep.ip, ep.port])

    cluster_chain = service_chain_name("service", spn)
    uses_cluster_chain = len(cluster_eps) > 0 and svc.uses_cluster_endpoints
    if uses_cluster_chain:
        tx.chain(cluster_chain)
    local_chain = service_chain_name("local", spn)
    uses_local_chain = len(local_eps) > 0 and svc.uses_local_endpoints
    if uses_local_chain:
        tx.chain(local_chain)

    targets = policy_targets(svc, local_eps, has_endpoints)
    internal_chain = local_chain if targets.internal_local else cluster_chain
    has_internal = targets.has_internal
    external_policy_chain = local_chain if targets.external_local else cluster_chain
    has_external = targets.has_external
    external_chain = service_chain_name("external", spn)
    uses_external_chain = has_endpoints and svc.externally_accessible
    if uses_external_chain:
        tx.chain(external_chain)

    internal_verdict = external_verdict = ""
    if not has_endpoints:
        internal_verdict = external_verdict = "goto reject-chain"
    else:
        if not has_internal:
            internal_verdict = "drop"
        if not has_external:
            external_verdict = "drop"

    port = str(svc.port)
    tx.element("cluster-ips", [svc.cluster_ip])
    if has_internal:
        tx.element("service-ips", [svc.cluster_ip, protocol, port], ["goto", internal_chain])
    else:
        tx.element(
            "no-endpoint-services",
            [svc.cluster_ip, protocol, port],
            internal_verdict.split(),
            comment=name_string,
        )

    for ext_ip in svc.external_ips:
        if has_endpoints:
            tx.element("service-ips", [ext_ip, protocol, port], ["goto", external_chain])
        if not has_external:
            tx.element(
                "no-endpoint-services",
                [ext_ip, protocol, port],
                external_verdict.split(),
                comment=name_string,
            )

    uses_fw_chain = bool(svc.load_balancer_vips) and bool(svc.load_balancer_source_ranges)
    fw_chain = service_chain_name("firewall", spn)
    if uses_fw_chain:
        tx.chain(fw_chain)
    for lbip in svc.load_balancer_vips:
        if has_endpoints:
            tx.element("service-ips", [lbip, protocol, port], ["goto", external_chain])
        if uses_fw_chain:
            tx.element("firewall-ips", [lbip, protocol, port], ["goto", fw_chain])
    if not has_external:
        for lbip in svc.load_balancer_vips:
            tx.element(
                "no-endpoint-services", [lbip, protocol, port], external_verdict.split(), comment=name_string
            )

    if svc.node_port:
        if has_endpoints:
            tx.element("service-nodeports", [protocol, str(svc.node_port)], ["goto", external_chain])
        if not has_external:
            tx.element(
                "no-endpoint-nodeports",
                [protocol, str(svc.node_port)],
                external_verdict.split(),
                comment=name_string,
            )

    # Internal traffic: masquerade off-cluster traffic to the ClusterIP (or everything with --masquerade-all).
    if has_internal:
        if settings.masquerade_all:
            tx.rule(internal_chain, f"{ipx} daddr {svc.cluster_ip} jump mark-for-masquerade")
        elif if_not_local is not None:
            tx.rule(internal_chain, f"{ipx} daddr {svc.cluster_ip} {if_not_local} jump mark-for-masquerade")

    if uses_external_chain:
        if not svc.external_policy_local:
            tx.rule(external_chain, "jump mark-for-masquerade")
        else:
            if if_local is not None:
                tx.rule(
                    external_chain, f"{if_local} goto {cluster_chain}", comment="short-circuit pod traffic"
                )
            tx.rule(
                external_chain,
                "fib saddr type local jump mark-for-masquerade",
                comment="masquerade local traffic",
            )
            tx.rule(
                external_chain,
                f"fib saddr type local goto {cluster_chain}",
                comment="short-circuit local traffic",
            )
        if has_external:
            tx.rule(external_chain, f"goto {external_policy_chain}")

    if uses_fw_chain:
        sources = list(svc.load_balancer_source_ranges)
        node_ip = settings.node_ip
        allow_from_node = node_ip is not None and any(
            ipaddress.ip_address(node_ip) in ipaddress.ip_network(c, strict=False) for c in sources
        )
        if allow_from_node:
            sources += list(svc.load_balancer_vips)
        tx.rule(fw_chain, f"{ipx} saddr != {{ {' , '.join(sources)} }} drop")

    if affinity:
        for ep in reachable:
            tx.set(
                endpoint_chain_name(spn, ep, "affinity"),
                addr_type,
                flags=("dynamic", "timeout"),
                timeout=svc.sticky_max_age_seconds,
            )

    if uses_cluster_chain:
        _write_service_to_endpoint_rules(tx, svc, cluster_chain, cluster_eps, ipx, ep_chains)
    if uses_local_chain:
        _write_service_to_endpoint_rules(tx, svc, local_chain, local_eps, ipx, ep_chains)

    for ep in reachable:
        chain = ep_chains[ep.ip, ep.port]
        tx.rule(chain, f"{ipx} saddr {ep.ip} jump mark-for-masquerade")
        if affinity:
            tx.rule(chain, f"update @{endpoint_chain_name(spn, ep, 'affinity')} {{ {ipx} saddr }}")
        tx.rule(chain, f"meta l4proto {protocol} dnat to {ep.endpoint}")


def _write_service_to_endpoint_rules(
    tx: _Tx,
    svc: ServicePortInfo,
    chain: str,
    eps: list[EndpointInfo],
    ipx: str,
    ep_chains: dict[tuple[str, int], str],
) -> None:
    spn = svc.service_port_name
    if svc.session_affinity == "ClientIP":
        for ep in eps:
            tx.rule(
                chain,
                f"{ipx} saddr @{endpoint_chain_name(spn, ep, 'affinity')} goto {ep_chains[ep.ip, ep.port]}",
            )
    elements = " , ".join(f"{i} : goto {ep_chains[ep.ip, ep.port]}" for i, ep in enumerate(eps))
    tx.rule(chain, f"numgen random mod {len(eps)} vmap {{ {elements} }}")


def render_nftables(
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    service_cidrs: Sequence[str] | None = None,
) -> str:
    """The kube-proxy table as knftables' ``Fake.Dump()`` prints it (``add table``/``chain``/``rule`` ... lines).

    This is the text upstream's ``TestOverallNFTablesRules`` compares (after ``sortNFTablesTransaction``,
    available as :func:`k8snet.rules.nftables.sort_nftables_transaction`), and valid ``nft -f`` input.
    See :func:`build_nftables_table` for the parameters.
    """
    return dump_table(build_nftables_table(services, endpoint_slices, settings, service_cidrs))


def render_nftables_listing(
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    service_cidrs: Sequence[str] | None = None,
) -> str:
    """The same table as ``nft list table ip kube-proxy`` would show it (best-effort layout, see
    :func:`k8snet.rules.nftables.list_table`)."""
    return list_table(build_nftables_table(services, endpoint_slices, settings, service_cidrs))


def _seconds(clock) -> Callable[[], float]:
    """A zero-argument seconds function from a clock with ``now()`` (datetime or number) or a callable."""
    if clock is None:
        return lambda: 0.0
    if callable(clock) and not hasattr(clock, "now"):
        return clock

    def now() -> float:
        t = clock.now()
        return t.timestamp() if isinstance(t, datetime) else float(t)

    return now


class NftablesProxier:
    """One kube-proxy over time: the table as the kernel holds it after each :meth:`sync`.

    :func:`build_nftables_table` is the state a full sync writes. Between syncs upstream also keeps *stale*
    chains: a per-service chain (name containing ``/``) that is no longer used is flushed but not deleted, and
    is deleted at the start of the first sync that runs more than one second after it was last found stale
    ("with kernels before 6.2, if there is a map element pointing to a chain, and you delete that map element,
    the kernel doesn't notice until a short amount of time later that the chain is now unreferenced",
    ``syncProxyRules`` in ``pkg/proxy/nftables/proxier.go``). Stale affinity sets are deleted at once. Partial
    syncs write only changed services, but leave the same final state, so they are not modelled separately.

    Parameters
    ----------
    settings : ProxierSettings
    service_cidrs : list of str, optional
    clock : optional
        The simulation clock (``now()`` returning a datetime), a ``ManualClock``-like object, or a callable
        returning seconds. Without one, time never passes and stale chains are never deleted.

    Examples
    --------
    >>> from k8snet.api.core_v1 import Service
    >>> from k8snet.proxy.config import ProxierSettings
    >>> t = [0.0]
    >>> proxier = NftablesProxier(ProxierSettings(hostname="n", node_ips=["192.168.0.2"]), clock=lambda: t[0])
    >>> svc = Service.model_validate({"metadata": {"name": "a", "namespace": "ns"},
    ...     "spec": {"clusterIP": "172.30.0.9", "ports": [{"name": "p", "port": 80, "protocol": "TCP"}]}})
    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> es = EndpointSlice.model_validate({"metadata": {"name": "a-1", "namespace": "ns",
    ...     "labels": {"kubernetes.io/service-name": "a"}}, "addressType": "IPv4",
    ...     "endpoints": [{"addresses": ["10.0.0.5"]}], "ports": [{"name": "p", "port": 80, "protocol": "TCP"}]})
    >>> _ = proxier.sync([svc], [es])
    >>> _ = proxier.sync([], [])         # Service deleted: its chains are flushed, kept for now
    >>> sorted(proxier.stale_chains)
    ['endpoint-WFEQQCGZ-ns/a/tcp/p__10.0.0.5/80', 'service-R5ZPL7J4-ns/a/tcp/p']
    >>> t[0] += 2
    >>> _ = proxier.sync([], [])         # more than a second later: deleted
    >>> proxier.stale_chains, [c for c in proxier.table.chains if "/" in c]
    ({}, [])
    """

    def __init__(self, settings: ProxierSettings, service_cidrs: Sequence[str] | None = None, clock=None):
        self.settings = settings
        self.service_cidrs = list(service_cidrs or [])
        self._now = _seconds(clock)
        self.table: Table | None = None
        #: chain name -> time it was (last) found stale
        self.stale_chains: dict[str, float] = {}

    def sync(self, services: Iterable[Any], endpoint_slices: Iterable[Any]) -> Table:
        """Apply the current Services/EndpointSlices; returns the resulting table (also :attr:`table`)."""
        start = self._now()
        existing = dict(self.table.chains) if self.table is not None else {}
        for chain, when in list(self.stale_chains.items()):
            if when < start - 1:
                existing.pop(chain, None)
                del self.stale_chains[chain]
        desired = build_nftables_table(services, endpoint_slices, self.settings, self.service_cidrs)
        for name in existing:
            if "/" not in name:
                continue
            if name in desired.chains:
                self.stale_chains.pop(name, None)
            else:
                desired.chains[name] = Chain(name)  # flushed, not yet deleted
                self.stale_chains[name] = start
        self.table = desired
        return desired

    def dump(self) -> str:
        """The current table in knftables ``Fake.Dump()`` format."""
        if self.table is None:
            return ""
        return dump_table(self.table)
