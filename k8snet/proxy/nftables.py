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

:func:`render_nftables` (and :func:`build_nftables_table`) is the table a full sync leaves in an empty ruleset;
:class:`NftablesProxier` is kube-proxy over time: each sync one knftables :class:`Transaction` (full, or
partial: only the changed Services' chains, only new, changed or leftover elements), run on the node's
:class:`k8snet.dataplane.nft.NFTables`, with stale chains flushed and deleted a second later.

Where upstream iterates Go maps (random order), Service ports are visited in ``ServicePortName`` order; the
knftables fake's ``Dump()`` sorts chains/sets/maps by name anyway. When two Service ports claim the same map
element with different values, the last in that order wins (upstream: whichever its map order puts last), and a
partial sync revisits only the changed Services' elements. Not modelled: the ``--nodeport-addresses`` interface lookup
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

import hashlib
import ipaddress
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.endpoints import EndpointInfo, endpoints_map
from k8snet.proxy.proxier import Proxier, SyncResult
from k8snet.proxy.serviceport import ServicePortInfo, ServicePortName, service_port_map
from k8snet.proxy.topology import categorize_endpoints, policy_targets
from k8snet.rules.nftables import Chain, Element, NamedSet, Table, list_table, written_rule

__all__ = [
    "NftablesProxier",
    "NftablesMetrics",
    "Transaction",
    "is_service_chain_name",
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


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_PAIRS = tuple(a + b for a in _B32 for b in _B32)
_sha256 = hashlib.sha256


def hash_and_truncate(name: str) -> str:
    """``hashAndTruncate``: base32(sha256(name))[:8] + "-" + name, cut to 240 characters with ``...``.

    >>> hash_and_truncate("ns1/svc1/tcp/p80")
    'ULMVA6XW-ns1/svc1/tcp/p80'
    """
    # The first 8 base32 characters encode exactly the first 5 bytes of the digest (base64.b32encode is pure
    # Python and was a large part of a sync with 100,000 endpoints; a table of character pairs is not).
    x = int.from_bytes(_sha256(name.encode()).digest()[:5], "big")
    t = _B32_PAIRS
    out = t[x >> 30] + t[(x >> 20) & 1023] + t[(x >> 10) & 1023] + t[x & 1023] + "-" + name
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


def _endpoint_base_of(spn: ServicePortName, ip: str, port: int) -> str:
    # servicePortEndpointChainNameBase: IPv6 colons become dots; "__" separates service and endpoint.
    ip = ip.replace(":", ".")
    return hash_and_truncate(f"{spn.namespace}/{spn.name}/{spn.protocol.lower()}/{spn.port}__{ip}/{port}")


def _endpoint_base(spn: ServicePortName, ep: EndpointInfo) -> str:
    return ep.chain_name or _endpoint_base_of(spn, ep.ip, ep.port)


def endpoint_chain_name(spn: ServicePortName, ep: EndpointInfo, prefix: str = "endpoint") -> str:
    """``endpoint-`` (or ``affinity-``) + ``servicePortEndpointChainNameBase``.

    >>> endpoint_chain_name(ServicePortName("ns1", "svc1", "p80", "TCP"), EndpointInfo("10.180.0.1", 80))
    'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80'
    """
    return f"{prefix}-{_endpoint_base(spn, ep)}"


def is_service_chain_name(chain: str) -> bool:
    """``isServiceChainName``: the per-Service chains all have a ``/`` in their name, the fixed ones none.

    >>> is_service_chain_name("service-ULMVA6XW-ns1/svc1/tcp/p80"), is_service_chain_name("services")
    (True, False)
    """
    return "/" in chain


def is_affinity_set_name(name: str) -> bool:
    """``isAffinitySetName``."""
    return name.startswith("affinity-")


# --------------------------------------------------------------------------------------------------------------
# Transactions


class Transaction:
    """A knftables ``Transaction``: the operations of one ``nft -f`` run, in order.

    Each operation is a tuple (verb, object, arguments...); :meth:`text` writes them as knftables does
    (``Transaction.String()``: one ``add``/``flush``/``delete`` line per operation), and :attr:`num_operations`
    is ``NumOperations()``, which upstream's tests count.

    >>> tx = Transaction("ip")
    >>> tx.add_chain("services"); tx.flush_chain("services")
    >>> tx.add_rule("services", "ip daddr . meta l4proto . th dport vmap @service-ips")
    >>> tx.add_element("service-ips", ("172.30.0.41", "tcp", "80"), ("goto", "service-X"))
    >>> print(tx.text(), end="")
    add chain ip kube-proxy services
    flush chain ip kube-proxy services
    add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
    add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-X }
    >>> tx.num_operations
    4
    """

    def __init__(self, family: str, table: str = KUBE_PROXY_TABLE):
        self.family = family
        self.table = table
        self.ops: list[tuple] = []
        self._raw_ops = 0

    @property
    def num_operations(self) -> int:
        return len(self.ops) + self._raw_ops

    def add_text(self, text: str, operations: int) -> None:
        """Operations already written as text (``operations`` of them, in order): a full sync reuses each
        Service port's lines. Such a transaction is only written (:meth:`text`), not applied structurally."""
        self.ops.append(("raw", text))
        self._raw_ops += operations - 1

    def add_table(self, comment: str | None = None) -> None:
        self.ops.append(("add", "table", comment))

    def add_chain(
        self,
        name: str,
        type: str | None = None,
        hook: str | None = None,
        priority: int | None = None,
        comment: str | None = None,
    ) -> None:
        self.ops.append(("add", "chain", name, type, hook, priority, comment))

    def flush_chain(self, name: str) -> None:
        self.ops.append(("flush", "chain", name))

    def delete_chain(self, name: str) -> None:
        self.ops.append(("delete", "chain", name))

    def add_rule(self, chain: str, text: str, comment: str | None = None) -> None:
        self.ops.append(("add", "rule", chain, text, comment))

    def add_set(
        self,
        name: str,
        type: str,
        comment: str | None = None,
        flags: Sequence[str] = (),
        timeout: int | None = None,
    ) -> None:
        self.ops.append(("add", "set", name, type, comment, tuple(flags), timeout))

    def add_map(self, name: str, type: str, comment: str | None = None) -> None:
        self.ops.append(("add", "map", name, type, comment, (), None))

    def flush_set(self, name: str, is_map: bool = False) -> None:
        self.ops.append(("flush", "map" if is_map else "set", name))

    def delete_set(self, name: str, is_map: bool = False) -> None:
        self.ops.append(("delete", "map" if is_map else "set", name))

    def add_element(
        self,
        name: str,
        key: tuple[str, ...],
        value: tuple[str, ...] | None = None,
        comment: str | None = None,
    ) -> None:
        self.ops.append(("add", "element", name, key, value, comment))

    def delete_element(self, name: str, key: tuple[str, ...]) -> None:
        self.ops.append(("delete", "element", name, key, None, None))

    def lines(self) -> list[str]:
        fam = f"{self.family} {self.table}"
        out = []
        for op in self.ops:
            verb, obj = op[0], op[1]
            if verb == "raw":
                out.append(obj)
            elif obj == "rule":
                _, _, chain, text, comment = op
                out.append(
                    f"add rule {fam} {chain} {text}"
                    + (f' comment "{comment}"' if comment is not None else "")
                )
            elif obj == "element":
                _, _, name, key, value, comment = op
                body = " . ".join(key)
                if comment is not None:
                    body += f' comment "{comment}"'
                if value is not None:
                    body += " : " + " ".join(value)
                out.append(f"{verb} element {fam} {name} {{ {body} }}")
            elif obj == "chain":
                name = op[2]
                spec = ""
                if verb == "add":
                    _, _, _, ctype, hook, priority, comment = op
                    parts = []
                    if ctype is not None:
                        parts.append(f"type {ctype} hook {hook} priority {priority} ;")
                    if comment is not None:
                        parts.append(f'comment "{comment}" ;')
                    spec = (" { " + " ".join(parts) + " }") if parts else ""
                out.append(f"{verb} chain {fam} {name}{spec}")
            elif obj in ("set", "map"):
                name = op[2]
                spec = ""
                if verb == "add":
                    _, _, _, stype, comment, flags, timeout = op
                    parts = [f"type {stype} ;"]
                    if flags:
                        parts.append(f"flags {','.join(flags)} ;")
                    if timeout is not None:
                        parts.append(f"timeout {timeout}s ;")
                    if comment is not None:
                        parts.append(f'comment "{comment}" ;')
                    spec = " { " + " ".join(parts) + " }"
                out.append(f"{verb} {obj} {fam} {name}{spec}")
            elif obj == "table":
                comment = op[2]
                out.append(
                    f"{verb} table {fam}" + (f' {{ comment "{comment}" ; }}' if comment is not None else "")
                )
        return out

    def text(self) -> str:
        """The transaction as ``nft -f`` input (``Transaction.String()``)."""
        lines = self.lines()
        if not lines:
            return ""
        lines.append("")
        return "\n".join(lines)

    def apply_to(self, table: Table) -> Table:
        """Apply the operations to ``table`` with nothing to check (what a full sync leaves in an empty table);
        :class:`k8snet.dataplane.nft.NFTables` applies transactions with the kernel's checks."""
        chains, sets, maps = table.chains, table.sets, table.maps
        for op in self.ops:
            verb, obj = op[0], op[1]
            if verb == "raw":
                raise ValueError("a transaction with pre-written text can only be written, not applied")
            if obj == "rule":
                chains[op[2]].rules.append(written_rule(op[3], op[2], op[4]))
            elif obj == "element":
                s = sets.get(op[2]) or maps[op[2]]
                if verb == "add":
                    s.add(Element(op[3], op[4], op[5]))
                else:
                    s.delete(op[3])
            elif obj == "chain":
                name = op[2]
                if verb == "add":
                    ch = chains.get(name)
                    if ch is None:
                        ch = chains[name] = Chain(name, op[3], op[4], op[5], comment=op[6])
                elif verb == "flush":
                    chains[name].rules.clear()
                else:
                    chains.pop(name, None)
            elif obj in ("set", "map"):
                coll = sets if obj == "set" else maps
                name = op[2]
                if verb == "add":
                    if name not in coll:
                        coll[name] = NamedSet(name, op[3], obj == "map", list(op[5]), op[6], op[4])
                elif verb == "flush":
                    coll[name].elements.clear()
                else:
                    coll.pop(name, None)
            elif obj == "table" and op[2] is not None:
                table.comment = op[2]
        return table


# --------------------------------------------------------------------------------------------------------------
# One Service port's part of a sync


class _ServiceOps:
    """What one Service port contributes to a sync (the body of ``syncProxyRules``' loop): the chains it
    uses, its affinity sets, its set/map elements and its rules. Reused while the Service and its endpoints
    are the same objects."""

    __slots__ = (
        "svc",
        "eps",
        "epoch",
        "chains",
        "affinity_sets",
        "elements",
        "keys",
        "rules",
        "no_local",
        "text",
    )
    svc: ServicePortInfo
    eps: Any
    epoch: int
    chains: tuple[str, ...]
    affinity_sets: tuple[tuple[str, int], ...]
    elements: tuple[tuple[str, tuple[str, ...], tuple[str, ...] | None, str | None], ...]
    #: the element keys, per set or map
    keys: tuple[tuple[str, frozenset[tuple[str, ...]]], ...]
    rules: tuple[tuple[str, str, str | None], ...]
    no_local: tuple[bool, bool]
    #: (text, operations) of everything a full sync writes for it, once written
    text: tuple[str, int] | None


class _Context:
    """The proxier's constants that a Service port's rules depend on."""

    def __init__(self, settings: ProxierSettings, node_labels: dict[str, str] | None):
        self.settings = settings
        self.node_labels = node_labels
        v6 = settings.is_ipv6
        self.ipx = "ip6" if v6 else "ip"
        self.addr_type = "ipv6_addr" if v6 else "ipv4_addr"
        self.mark = settings.mark
        local_cidr = settings.local_detector_cidr
        self.if_not_local = f"{self.ipx} saddr != {local_cidr}" if local_cidr else None
        self.if_local = f"{self.ipx} saddr {local_cidr}" if local_cidr else None


def _service_ops(svc: ServicePortInfo, all_eps: Any, ctx: _Context) -> _ServiceOps:
    settings = ctx.settings
    ipx = ctx.ipx
    spn = svc.service_port_name
    protocol = svc.protocol.lower()
    name_string = svc.name_string
    cluster_eps, local_eps, reachable, has_endpoints = categorize_endpoints(
        all_eps, svc, settings.hostname, ctx.node_labels, settings.prefer_same_traffic_distribution
    )
    cluster_eps = cluster_eps or []
    local_eps = local_eps or []
    reachable = reachable or []
    affinity = svc.session_affinity == "ClientIP"
    chains: list[str] = []
    elements: list[tuple[str, tuple[str, ...], tuple[str, ...] | None, str | None]] = []
    rules: list[tuple[str, str, str | None]] = []
    affinity_sets: list[tuple[str, int]] = []

    # Each endpoint's chain name is used up to four times (chain, vmap element, affinity rule, its rules):
    # named once (when the endpoint was created, or here).
    bases: dict[tuple[str, int], str] = {}
    for ep in (*reachable, *cluster_eps, *local_eps):
        if (ep.ip, ep.port) not in bases:
            bases[ep.ip, ep.port] = _endpoint_base(spn, ep)
    for ep in reachable:
        chains.append("endpoint-" + bases[ep.ip, ep.port])
        if affinity:
            affinity_sets.append(("affinity-" + bases[ep.ip, ep.port], svc.sticky_max_age_seconds))

    base = _chain_base(spn)
    cluster_chain = "service-" + base
    uses_cluster_chain = len(cluster_eps) > 0 and svc.uses_cluster_endpoints
    if uses_cluster_chain:
        chains.append(cluster_chain)
    local_chain = "local-" + base
    uses_local_chain = len(local_eps) > 0 and svc.uses_local_endpoints
    if uses_local_chain:
        chains.append(local_chain)

    targets = policy_targets(svc, local_eps, has_endpoints)
    internal_chain = local_chain if targets.internal_local else cluster_chain
    has_internal = targets.has_internal
    external_policy_chain = local_chain if targets.external_local else cluster_chain
    has_external = targets.has_external
    external_chain = "external-" + base
    uses_external_chain = has_endpoints and svc.externally_accessible
    if uses_external_chain:
        chains.append(external_chain)

    internal_verdict: tuple[str, ...] = ()
    external_verdict: tuple[str, ...] = ()
    if not has_endpoints:
        internal_verdict = external_verdict = ("goto", "reject-chain")
    else:
        if not has_internal:
            internal_verdict = ("drop",)
        if not has_external:
            external_verdict = ("drop",)

    port = str(svc.port)
    elements.append(("cluster-ips", (svc.cluster_ip,), None, None))
    if has_internal:
        elements.append(("service-ips", (svc.cluster_ip, protocol, port), ("goto", internal_chain), None))
    else:
        elements.append(
            ("no-endpoint-services", (svc.cluster_ip, protocol, port), internal_verdict, name_string)
        )

    for ext_ip in svc.external_ips:
        if has_endpoints:
            elements.append(("service-ips", (ext_ip, protocol, port), ("goto", external_chain), None))
        if not has_external:
            elements.append(("no-endpoint-services", (ext_ip, protocol, port), external_verdict, name_string))

    uses_fw_chain = bool(svc.load_balancer_vips) and bool(svc.load_balancer_source_ranges)
    fw_chain = "firewall-" + base
    if uses_fw_chain:
        chains.append(fw_chain)
    for lbip in svc.load_balancer_vips:
        if has_endpoints:
            elements.append(("service-ips", (lbip, protocol, port), ("goto", external_chain), None))
        if uses_fw_chain:
            elements.append(("firewall-ips", (lbip, protocol, port), ("goto", fw_chain), None))
    if not has_external:
        for lbip in svc.load_balancer_vips:
            elements.append(("no-endpoint-services", (lbip, protocol, port), external_verdict, name_string))

    if svc.node_port:
        if has_endpoints:
            elements.append(
                ("service-nodeports", (protocol, str(svc.node_port)), ("goto", external_chain), None)
            )
        if not has_external:
            elements.append(
                ("no-endpoint-nodeports", (protocol, str(svc.node_port)), external_verdict, name_string)
            )

    # Internal traffic: masquerade off-cluster traffic to the ClusterIP (or everything with --masquerade-all).
    if has_internal:
        if settings.masquerade_all:
            rules.append((internal_chain, f"{ipx} daddr {svc.cluster_ip} jump mark-for-masquerade", None))
        elif ctx.if_not_local is not None:
            rules.append(
                (
                    internal_chain,
                    f"{ipx} daddr {svc.cluster_ip} {ctx.if_not_local} jump mark-for-masquerade",
                    None,
                )
            )

    if uses_external_chain:
        if not svc.external_policy_local:
            rules.append((external_chain, "jump mark-for-masquerade", None))
        else:
            if ctx.if_local is not None:
                rules.append(
                    (external_chain, f"{ctx.if_local} goto {cluster_chain}", "short-circuit pod traffic")
                )
            rules.append(
                (external_chain, "fib saddr type local jump mark-for-masquerade", "masquerade local traffic")
            )
            rules.append(
                (external_chain, f"fib saddr type local goto {cluster_chain}", "short-circuit local traffic")
            )
        if has_external:
            rules.append((external_chain, f"goto {external_policy_chain}", None))

    if uses_fw_chain:
        sources = list(svc.load_balancer_source_ranges)
        node_ip = settings.node_ip
        allow_from_node = node_ip is not None and any(
            ipaddress.ip_address(node_ip) in ipaddress.ip_network(c, strict=False) for c in sources
        )
        if allow_from_node:
            sources += list(svc.load_balancer_vips)
        rules.append((fw_chain, f"{ipx} saddr != {{ {' , '.join(sources)} }} drop", None))

    if uses_cluster_chain:
        _service_to_endpoint_rules(rules, svc, cluster_chain, cluster_eps, ipx, bases, affinity)
    if uses_local_chain:
        _service_to_endpoint_rules(rules, svc, local_chain, local_eps, ipx, bases, affinity)

    dnat_prefix = f"meta l4proto {protocol} dnat to "
    for ep in reachable:
        b = bases[ep.ip, ep.port]
        chain = "endpoint-" + b
        rules.append((chain, f"{ipx} saddr {ep.ip} jump mark-for-masquerade", None))
        if affinity:
            rules.append((chain, f"update @affinity-{b} {{ {ipx} saddr }}", None))
        rules.append((chain, dnat_prefix + ep.endpoint, None))

    ops = _ServiceOps()
    ops.svc, ops.eps, ops.epoch, ops.text = svc, all_eps, 0, None
    ops.chains, ops.affinity_sets = tuple(chains), tuple(affinity_sets)
    ops.elements, ops.rules = tuple(elements), tuple(rules)
    by_set: dict[str, set[tuple[str, ...]]] = {}
    for set_name, key, _, _ in elements:
        by_set.setdefault(set_name, set()).add(key)
    ops.keys = tuple((name, frozenset(keys)) for name, keys in by_set.items())
    ops.no_local = (has_endpoints and not has_internal, has_endpoints and not has_external)
    return ops


def _service_to_endpoint_rules(
    rules: list[tuple[str, str, str | None]],
    svc: ServicePortInfo,
    chain: str,
    eps: list[EndpointInfo],
    ipx: str,
    bases: dict[tuple[str, int], str],
    affinity: bool,
) -> None:
    """``writeServiceToEndpointRules``: affinity lookups first, then one ``numgen`` verdict map."""
    if affinity:
        for ep in eps:
            b = bases[ep.ip, ep.port]
            rules.append((chain, f"{ipx} saddr @affinity-{b} goto endpoint-{b}", None))
    elements = " , ".join(f"{i} : goto endpoint-{bases[ep.ip, ep.port]}" for i, ep in enumerate(eps))
    rules.append((chain, f"numgen random mod {len(eps)} vmap {{ {elements} }}", None))


def _service_text(ops: _ServiceOps, family: str, addr_type: str) -> tuple[str, int]:
    """What a full sync writes for one Service port, as transaction lines (the lines :class:`Transaction`
    writes, in the order of the structured path): chains added and flushed, elements added, affinity sets,
    rules; and the number of operations."""
    fam = f"{family} {KUBE_PROXY_TABLE}"
    out = []
    for chain in ops.chains:
        out.append(f"add chain {fam} {chain}\nflush chain {fam} {chain}")
    for set_name, key, value, comment in ops.elements:
        body = " . ".join(key)
        if comment is not None:
            body += f' comment "{comment}"'
        if value is not None:
            body += " : " + " ".join(value)
        out.append(f"add element {fam} {set_name} {{ {body} }}")
    for name, timeout in ops.affinity_sets:
        out.append(
            f"add set {fam} {name} {{ type {addr_type} ; flags dynamic,timeout ; timeout {timeout}s ; }}"
        )
    for chain, text, comment in ops.rules:
        if comment is None:
            out.append(f"add rule {fam} {chain} {text}")
        else:
            out.append(f'add rule {fam} {chain} {text} comment "{comment}"')
    n = 2 * len(ops.chains) + len(ops.elements) + len(ops.affinity_sets) + len(ops.rules)
    return "\n".join(out), n


# --------------------------------------------------------------------------------------------------------------
# setupNFTables and the element bookkeeping of a sync

#: The maps and sets whose elements kube-proxy keeps up to date element by element (``nftElementStorage``).
_STORAGES: tuple[tuple[str, bool], ...] = (
    ("cluster-ips", False),
    ("service-ips", True),
    ("firewall-ips", True),
    ("no-endpoint-services", True),
    ("no-endpoint-nodeports", True),
    ("service-nodeports", True),
)


class _ElementStorage:
    """``nftElementStorage``: the elements kube-proxy believes a set or map holds, so a sync adds only new or
    changed elements and deletes the ones no Service claimed ("leftover")."""

    __slots__ = ("name", "is_map", "elements", "leftover")

    def __init__(self, name: str, is_map: bool):
        self.name, self.is_map = name, is_map
        self.elements: dict[tuple[str, ...], tuple[str, ...] | None] = {}
        self.leftover: set[tuple[str, ...]] = set()

    def reset(self, tx: Transaction) -> None:
        self.elements.clear()
        tx.flush_set(self.name, self.is_map)
        self.leftover = set()

    def ensure(
        self, tx: Transaction, key: tuple[str, ...], value: tuple[str, ...] | None, comment: str | None
    ) -> None:
        """``ensureElem``."""
        elements = self.elements
        if key in elements:
            if elements[key] != value:
                # value is different, delete and re-add
                tx.delete_element(self.name, key)
                tx.add_element(self.name, key, value, comment)
                elements[key] = value
            self.leftover.discard(key)
        else:
            tx.add_element(self.name, key, value, comment)
            elements[key] = value

    def cleanup_leftover(self, tx: Transaction) -> None:
        """``cleanupLeftoverKeys``."""
        for key in sorted(self.leftover):
            tx.delete_element(self.name, key)
            del self.elements[key]
        self.leftover = set(self.elements)


class _Syncer:
    """Builds the transactions of ``syncProxyRules``: ``setupNFTables`` on a full sync, then each Service
    port's chains (added and flushed), elements (only new or changed ones) and rules -- all of them on a full
    sync, only the changed Services' chains and rules on a partial one."""

    def __init__(self, settings: ProxierSettings, service_cidrs: Sequence[str]):
        self.settings = settings
        self.service_cidrs = list(service_cidrs)
        self.family = "ip6" if settings.is_ipv6 else "ip"
        self.storages = {name: _ElementStorage(name, is_map) for name, is_map in _STORAGES}
        #: upstream's ``flushed``: the first full sync also deletes (and re-adds) the base chains
        self.flushed = False
        self.ops_cache: dict[ServicePortName, _ServiceOps] = {}
        self.epoch = 0
        # What the last sync left in use, kept up to date by partial syncs.
        self.active_chains: set[str] = set()
        self.active_affinity: set[str] = set()
        #: per set or map, element key -> number of Service ports that claim it
        self.claims: dict[str, dict[tuple[str, ...], int]] = {name: {} for name, _ in _STORAGES}
        #: the ports each Service had at the last sync, and has now
        self.by_service: dict[tuple[str, str], list[ServicePortName]] = {}
        self.ports_by_service: dict[tuple[str, str], list[ServicePortName]] = {}
        self.no_local = [0, 0]
        self._tail: tuple[list[str], list[tuple[str, tuple[str, ...]]] | None] = ([], None)

    def setup(self, tx: Transaction) -> None:
        """``setupNFTables``."""
        settings = self.settings
        v6 = settings.is_ipv6
        ipx = "ip6" if v6 else "ip"
        addr_type = "ipv6_addr" if v6 else "ipv4_addr"
        no_localhost = "ip6 daddr != ::1" if v6 else "ip daddr != 127.0.0.0/8"
        mark = settings.mark
        tx.add_table("rules for kube-proxy")
        # "Do an extra "add+delete" once to ensure all previous base chains in the table will be recreated.
        # Otherwise, altering properties (e.g. priority) of these chains would fail the transaction."
        if not self.flushed:
            for name, _, _, _ in BASE_CHAINS:
                tx.add_chain(name)
                tx.delete_chain(name)
            self.flushed = True
        for name, ctype, hook, prio in BASE_CHAINS:
            tx.add_chain(name, ctype, hook, prio)
            tx.flush_chain(name)
        created: set[str] = set()

        def ensure_chain(name: str, comment: str | None = None) -> None:
            if name not in created:
                created.add(name)
                tx.add_chain(name, comment=comment)
                tx.flush_chain(name)

        for dst, src, extra in JUMP_CHAINS:
            ensure_chain(dst)
            tx.add_rule(src, (extra + " " if extra else "") + f"jump {dst}")
        for name in ("services", "cluster-ips-check", "masquerading", "mark-for-masquerade"):
            ensure_chain(name)
        tx.add_rule("mark-for-masquerade", f"mark set mark or {mark}")
        tx.add_rule("masquerading", f"mark and {mark} == 0 return")
        tx.add_rule("masquerading", f"mark set mark xor {mark}")
        tx.add_rule("masquerading", "masquerade fully-random")
        tx.add_set("cluster-ips", addr_type, comment="Active ClusterIPs")
        tx.add_rule(
            "cluster-ips-check",
            f"{ipx} daddr @cluster-ips reject",
            "Reject traffic to invalid ports of ClusterIPs",
        )
        cidrs = [
            c for c in self.service_cidrs if ipaddress.ip_network(c, strict=False).version == (6 if v6 else 4)
        ]
        if cidrs:
            tx.add_rule(
                "cluster-ips-check",
                f"{ipx} daddr {{ {','.join(cidrs)} }} drop",
                "Drop traffic to unallocated ClusterIPs",
            )
        # "We do "add+delete" rather than just "delete" when we want to ensure the set doesn't exist"
        tx.add_set("nodeport-ips", addr_type, comment="IPs that accept NodePort traffic")
        match_all = settings.nodeport_match_all
        if match_all:
            tx.delete_set("nodeport-ips")
        else:
            tx.flush_set("nodeport-ips")
            for ip in _nodeport_ips(settings):
                tx.add_element("nodeport-ips", (ip,))
        verdict_map_3 = f"{addr_type} . inet_proto . inet_service : verdict"
        tx.add_map(
            "no-endpoint-services",
            verdict_map_3,
            "vmap to drop or reject packets to services with no endpoints",
        )
        tx.add_map(
            "no-endpoint-nodeports",
            "inet_proto . inet_service : verdict",
            "vmap to drop or reject packets to service nodeports with no endpoints",
        )
        tx.add_chain("reject-chain", comment="helper for @no-endpoint-services / @no-endpoint-nodeports")
        tx.flush_chain("reject-chain")
        tx.add_rule("reject-chain", "reject")
        tx.add_rule(
            "service-endpoints-check", f"{ipx} daddr . meta l4proto . th dport vmap @no-endpoint-services"
        )
        if match_all:
            tx.add_rule(
                "nodeport-endpoints-check",
                f"{no_localhost} meta l4proto . th dport vmap @no-endpoint-nodeports",
            )
        else:
            tx.add_rule(
                "nodeport-endpoints-check",
                f"{ipx} daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports",
            )
        tx.add_map("firewall-ips", verdict_map_3, "destinations that are subject to LoadBalancerSourceRanges")
        ensure_chain("firewall-check")
        tx.add_rule("firewall-check", f"{ipx} daddr . meta l4proto . th dport vmap @firewall-ips")
        tx.add_map("service-ips", verdict_map_3, "ClusterIP, ExternalIP and LoadBalancer IP traffic")
        tx.add_map("service-nodeports", "inet_proto . inet_service : verdict", "NodePort traffic")
        tx.add_rule("services", f"{ipx} daddr . meta l4proto . th dport vmap @service-ips")
        if match_all:
            tx.add_rule(
                "services",
                f"fib daddr type local {no_localhost} meta l4proto . th dport vmap @service-nodeports",
            )
        else:
            tx.add_rule(
                "services", f"{ipx} daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports"
            )
        # flush containers
        for storage in self.storages.values():
            storage.reset(tx)

    def transaction(
        self,
        svc_map: dict[ServicePortName, ServicePortInfo],
        eps_map: dict[ServicePortName, list[EndpointInfo]],
        ctx: _Context,
        order: list[ServicePortName],
        full: bool,
        changed: set[tuple[str, str]],
        existing: Callable[[str], list[str]],
        raw: bool = False,
    ) -> tuple[Transaction, list[str], tuple[int, int]]:
        """The sync's transaction up to the stale chains: ``setupNFTables`` (full syncs), each Service port's
        chains, elements, affinity sets and rules, the stale affinity sets deleted and the leftover elements;
        plus the per-Service chains no longer in use (to flush) and the no-local-endpoints counts.

        ``existing(what)`` lists the kernel's ``chains`` or ``sets`` (``nft list``). A full sync visits every
        Service port and compares with that listing, as upstream does on every sync; a partial sync visits only
        the changed Services' ports and keeps the rest of the bookkeeping (chains and sets in use, which Service
        ports claim each element) up to date from the difference, which gives the same transaction: an
        unchanged Service's elements are already there with the same values, its chains in use."""
        tx = Transaction(self.family)
        if full:
            return self._full(tx, svc_map, eps_map, ctx, order, existing, raw)
        cache, storages, claims = self.ops_cache, self.storages, self.claims
        visit: set[ServicePortName] = set()
        for svc_key in changed:
            visit.update(self.by_service.pop(svc_key, ()))
            ports = self._ports_of(svc_key, svc_map)
            if ports:
                self.by_service[svc_key] = ports
            visit.update(ports)
        released: list[tuple[str, tuple[str, ...]]] = []
        unused_chains: set[str] = set()
        unused_affinity: set[str] = set()
        get_eps = eps_map.get
        for spn in sorted(visit):
            old = cache.pop(spn, None)
            if old is not None:
                self.active_chains.difference_update(old.chains)
                unused_chains.update(old.chains)
                for name, _ in old.affinity_sets:
                    self.active_affinity.discard(name)
                    unused_affinity.add(name)
                for set_name, keys in old.keys:
                    counts = claims[set_name]
                    for k in keys:
                        counts[k] -= 1
                        if not counts[k]:
                            released.append((set_name, k))
                self.no_local[0] -= old.no_local[0]
                self.no_local[1] -= old.no_local[1]
            svc = svc_map.get(spn)
            if svc is None:
                continue
            eps = get_eps(spn, _NO_ENDPOINTS)
            ops = old
            if ops is None or ops.svc is not svc or ops.eps is not eps or ops.epoch != self.epoch:
                ops = _service_ops(svc, eps, ctx)
                ops.epoch = self.epoch
            cache[spn] = ops
            for chain in ops.chains:
                self.active_chains.add(chain)
                unused_chains.discard(chain)
                tx.add_chain(chain)
                tx.flush_chain(chain)
            for name, _ in ops.affinity_sets:
                self.active_affinity.add(name)
                unused_affinity.discard(name)
            for set_name, key, value, comment in ops.elements:
                storages[set_name].ensure(tx, key, value, comment)
            for set_name, keys in ops.keys:
                counts = claims[set_name]
                for k in keys:
                    counts[k] = counts.get(k, 0) + 1
            self.no_local[0] += ops.no_local[0]
            self.no_local[1] += ops.no_local[1]
            for name, timeout in ops.affinity_sets:
                tx.add_set(name, ctx.addr_type, flags=("dynamic", "timeout"), timeout=timeout)
            for chain, text, comment in ops.rules:
                tx.add_rule(chain, text, comment)
        self._tail = (sorted(unused_affinity - self.active_affinity), released)
        return tx, sorted(unused_chains - self.active_chains), (self.no_local[0], self.no_local[1])

    def finish(self, tx: Transaction) -> None:
        """The end of the transaction, after the stale chains were flushed (a chain must stop using an affinity
        set before the set can go): "we can immediately delete any stale affinity sets", then the elements no
        Service port claims any more (``cleanupLeftoverKeys``)."""
        stale_sets, released = self._tail
        for name in stale_sets:
            tx.delete_set(name)
        if released is None:
            for storage in self.storages.values():
                storage.cleanup_leftover(tx)
            return
        claims, storages = self.claims, self.storages
        for set_name, k in sorted(released):
            if not claims[set_name].get(k):
                claims[set_name].pop(k, None)
                if k in storages[set_name].elements:
                    tx.delete_element(set_name, k)
                    del storages[set_name].elements[k]

    def _ports_of(
        self, key: tuple[str, str], svc_map: dict[ServicePortName, ServicePortInfo]
    ) -> list[ServicePortName]:
        ports = self.ports_by_service.get(key)
        return [spn for spn in (ports or ()) if spn in svc_map]

    def index_ports(self, order: list[ServicePortName]) -> None:
        """Remember which ports each Service has (after the set of Service ports changed)."""
        self.ports_by_service = {}
        for spn in order:
            self.ports_by_service.setdefault((spn.namespace, spn.name), []).append(spn)

    def _full(
        self,
        tx: Transaction,
        svc_map: dict[ServicePortName, ServicePortInfo],
        eps_map: dict[ServicePortName, list[EndpointInfo]],
        ctx: _Context,
        order: list[ServicePortName],
        existing: Callable[[str], list[str]],
        raw: bool,
    ) -> tuple[Transaction, list[str], tuple[int, int]]:
        self.setup(tx)
        cache, storages = self.ops_cache, self.storages
        epoch = self.epoch
        get_eps = eps_map.get
        active_chains: set[str] = set()
        active_affinity: set[str] = set()
        claims: dict[str, Counter[tuple[str, ...]]] = {name: Counter() for name, _ in _STORAGES}
        by_service: dict[tuple[str, str], list[ServicePortName]] = {}
        no_internal = no_external = 0
        for spn in order:
            svc = svc_map[spn]
            eps = get_eps(spn, _NO_ENDPOINTS)
            ops = cache.get(spn)
            if ops is None or ops.svc is not svc or ops.eps is not eps or ops.epoch != epoch:
                ops = cache[spn] = _service_ops(svc, eps, ctx)
                ops.epoch = epoch
            by_service.setdefault((spn.namespace, spn.name), []).append(spn)
            if raw and all(storages[n].elements.keys().isdisjoint(keys) for n, keys in ops.keys):
                # Every element is new (as after the sets were flushed): write this port's lines as one text.
                if ops.text is None:
                    ops.text = _service_text(ops, self.family, ctx.addr_type)
                tx.add_text(*ops.text)
                active_chains.update(ops.chains)
                for name, _ in ops.affinity_sets:
                    active_affinity.add(name)
                for set_name, key, value, _ in ops.elements:
                    storages[set_name].elements[key] = value
                for set_name, keys in ops.keys:
                    claims[set_name].update(keys)
                no_internal += ops.no_local[0]
                no_external += ops.no_local[1]
                continue
            for chain in ops.chains:
                if chain not in active_chains:
                    active_chains.add(chain)
                    tx.add_chain(chain)
                    tx.flush_chain(chain)
            for name, _ in ops.affinity_sets:
                active_affinity.add(name)
            for set_name, key, value, comment in ops.elements:
                storages[set_name].ensure(tx, key, value, comment)
            for set_name, keys in ops.keys:
                claims[set_name].update(keys)
            no_internal += ops.no_local[0]
            no_external += ops.no_local[1]
            for name, timeout in ops.affinity_sets:
                tx.add_set(name, ctx.addr_type, flags=("dynamic", "timeout"), timeout=timeout)
            for chain, text, comment in ops.rules:
                tx.add_rule(chain, text, comment)
        if len(cache) != len(svc_map):
            for spn in [k for k in cache if k not in svc_map]:
                del cache[spn]
        self.active_chains, self.active_affinity = active_chains, active_affinity
        self.claims = claims  # type: ignore[assignment]
        # (partial syncs replace these lists, never change them)
        self.ports_by_service = by_service
        self.by_service = dict(by_service)
        self.no_local = [no_internal, no_external]
        unused = [
            c for c in sorted(existing("chains")) if is_service_chain_name(c) and c not in active_chains
        ]
        stale_sets = [
            n for n in sorted(existing("sets")) if is_affinity_set_name(n) and n not in active_affinity
        ]
        self._tail = (stale_sets, None)
        return tx, unused, (no_internal, no_external)


_NO_ENDPOINTS: tuple = ()


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


def full_sync_transaction(
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    service_cidrs: Sequence[str] | None,
) -> Transaction:
    """The structured transaction (:class:`~k8snet.rules.nftables.Transaction`) kube-proxy's nftables proxier
    writes for a full sync of these objects on a fresh node: what :func:`build_nftables_table` applies and the
    proxier's per-Service text must equal.

    >>> from k8snet.proxy.config import ProxierSettings
    >>> tx = full_sync_transaction([], [], ProxierSettings(hostname="n", node_ips=["192.168.0.2"]), None)
    >>> type(tx).__name__
    'Transaction'
    """
    settings = _effective_settings(settings)
    family = settings.ip_family
    svc_map = service_port_map(list(services), family)
    eps_map = endpoints_map(
        list(endpoint_slices), settings.hostname, family, settings.prefer_same_traffic_distribution
    )
    syncer = _Syncer(settings, service_cidrs or [])
    ctx = _Context(settings, settings.topology_labels)
    tx, _, _ = syncer.transaction(svc_map, eps_map, ctx, sorted(svc_map), True, set(), lambda what: [])
    syncer.finish(tx)
    return tx


def build_nftables_table(
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    service_cidrs: Sequence[str] | None = None,
) -> Table:
    """The :class:`~k8snet.rules.nftables.Table` kube-proxy's nftables proxier leaves after a full sync: its
    first (full) sync's transaction applied to an empty table.

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
    tx = full_sync_transaction(services, endpoint_slices, settings, service_cidrs)
    return tx.apply_to(Table(tx.family, KUBE_PROXY_TABLE))


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
    return _transaction_dump(full_sync_transaction(services, endpoint_slices, settings, service_cidrs))


def _transaction_dump(tx: Transaction) -> str:
    """``dump_table(tx.apply_to(empty table))``, written straight from the operations (no rule objects): the
    table line, chains, sets and maps by name, every chain's rules (chains by name), then the elements of each
    set and map (by name, in the order they were added)."""
    fam = f"{tx.family} {tx.table}"
    comment = None
    chains: dict[str, str] = {}
    rules: dict[str, list[str]] = {}
    colls: dict[str, dict[str, str]] = {"set": {}, "map": {}}
    elements: dict[str, dict[tuple[str, ...], str]] = {}
    lines = tx.lines()
    for op, line in zip(tx.ops, lines, strict=True):
        verb, obj = op[0], op[1]
        if obj == "rule":
            rules[op[2]].append(line)
        elif obj == "element":
            if verb == "add":
                elements[op[2]][op[3]] = line
            else:
                elements[op[2]].pop(op[3], None)
        elif obj == "chain":
            name = op[2]
            if verb == "add":
                if name not in chains:
                    chains[name] = line
                    rules[name] = []
            elif verb == "flush":
                rules[name] = []
            else:
                chains.pop(name, None)
                rules.pop(name, None)
        elif obj in ("set", "map"):
            name = op[2]
            if verb == "add":
                if name not in colls[obj]:
                    colls[obj][name] = line
                    elements[name] = {}
            elif verb == "flush":
                elements[name] = {}
            else:
                colls[obj].pop(name, None)
                elements.pop(name, None)
        elif obj == "table" and op[2] is not None:
            comment = op[2]
        elif verb == "raw":
            raise ValueError("a transaction with pre-written text cannot be dumped")
    out = [f'add table {fam} {{ comment "{comment}" ; }}' if comment is not None else f"add table {fam}"]
    out.extend(chains[name] for name in sorted(chains))
    out.extend(colls["set"][name] for name in sorted(colls["set"]))
    out.extend(colls["map"][name] for name in sorted(colls["map"]))
    for name in sorted(chains):
        out.extend(rules[name])
    for kind in ("set", "map"):
        for name in sorted(colls[kind]):
            out.extend(elements[name].values())
    out.append("")
    return "\n".join(out)


def render_nftables_listing(
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    service_cidrs: Sequence[str] | None = None,
) -> str:
    """The same table as ``nft list table ip kube-proxy`` would show it (best-effort layout, see
    :func:`k8snet.rules.nftables.list_table`)."""
    return list_table(build_nftables_table(services, endpoint_slices, settings, service_cidrs))


def _endpoint_chain_base(spn: ServicePortName, ip: str, port: int, endpoint: str) -> str:
    # newEndpointInfo: chainNameBase := servicePortEndpointChainNameBase(svcPortName, protocol, baseInfo.String())
    return _endpoint_base_of(spn, ip, port)


@dataclass
class NftablesMetrics:
    """What the proxier's syncs did (``pkg/proxy/metrics``): transactions the kernel refused
    (``sync_proxy_rules_nftables_sync_failures_total``), failed stale-chain deletions
    (``sync_proxy_rules_nftables_cleanup_failures_total``), and the Service ports with a Local policy and no
    local endpoint (``sync_proxy_rules_no_local_endpoints_total``)."""

    sync_failures_total: int = 0
    cleanup_failures_total: int = 0
    no_local_endpoints: dict[str, int] = field(default_factory=lambda: {"internal": 0, "external": 0})
    full_syncs: int = 0
    partial_syncs: int = 0


class NftablesProxier(Proxier):
    """kube-proxy's nftables proxier over time: each sync is one knftables transaction run on the node's ruleset.

    Port of ``syncProxyRules`` in kubernetes/kubernetes ``pkg/proxy/nftables/proxier.go`` (v1.34):

    - a **full** sync (at start-up, after a failed sync, on a node-label change, or ``FullSyncPeriod`` after the
      last one) starts with ``setupNFTables``: the table, the base chains (the very first time also deleted and
      re-added, "to ensure all previous base chains in the table will be recreated"), the fixed chains, sets
      and maps, and flushes the six sets/maps kube-proxy fills element by element;
    - every Service port's chains are added and flushed and its rules written, except on a **partial** sync,
      where only the Services that changed are ("skipServiceUpdate");
    - set and map elements are kept element by element (``nftElementStorage``): an element is added if it is
      new, deleted and re-added if its value changed, deleted if no Service port claims it any more;
    - a per-Service chain no longer used is flushed and remembered in :attr:`stale_chains`; it is deleted, in
      a transaction of its own, at the start of the first sync that runs more than one second after it was
      (last) found stale ("with kernels before 6.2, if there is a map element pointing to a chain, and you
      delete that map element, the kernel doesn't notice until a short amount of time later that the chain is
      now unreferenced"); a stale affinity set is deleted at once;
    - if the kernel refuses the transaction, nothing of it applies; the next sync is full.

    The transaction of the last sync is :attr:`last_transaction` (its ``num_operations`` is what upstream's
    ``TestSyncProxyRulesRepeated`` counts); the ruleset is :attr:`nftables`
    (:class:`k8snet.dataplane.nft.NFTables`, a new empty one by default), which a
    :class:`~k8snet.dataplane.nft.NftHost` can run. A full sync of an empty ruleset leaves exactly
    :func:`build_nftables_table`.

    Parameters
    ----------
    settings : ProxierSettings
        ``nodeport_addresses=None`` means nftables mode's default ``["primary"]``.
    service_cidrs : list of str, optional
    clock : optional
        The simulation clock (``now()`` returning a datetime), a ``ManualClock``-like object, or a callable
        returning seconds. Without one, time never passes and stale chains are never deleted.
    nftables : NFTables, optional

    Examples
    --------
    >>> from k8snet.api.core_v1 import Service
    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> from k8snet.proxy.config import ProxierSettings
    >>> t = [0.0]
    >>> proxier = NftablesProxier(ProxierSettings(hostname="n", node_ips=["192.168.0.2"]), clock=lambda: t[0])
    >>> svc = Service.model_validate({"metadata": {"name": "a", "namespace": "ns"},
    ...     "spec": {"clusterIP": "172.30.0.9", "ports": [{"name": "p", "port": 80, "protocol": "TCP"}]}})
    >>> es = EndpointSlice.model_validate({"metadata": {"name": "a-1", "namespace": "ns",
    ...     "labels": {"kubernetes.io/service-name": "a"}}, "addressType": "IPv4",
    ...     "endpoints": [{"addresses": ["10.0.0.5"]}], "ports": [{"name": "p", "port": 80, "protocol": "TCP"}]})
    >>> _ = proxier.on_service_add(svc), proxier.on_endpointslice_add(es)
    >>> proxier.sync().full
    True
    >>> _ = proxier.on_service_delete(svc)
    >>> print(proxier.sync().payload, end="")    # Service deleted: its chains are flushed, kept for now
    flush chain ip kube-proxy endpoint-WFEQQCGZ-ns/a/tcp/p__10.0.0.5/80
    flush chain ip kube-proxy service-R5ZPL7J4-ns/a/tcp/p
    delete element ip kube-proxy cluster-ips { 172.30.0.9 }
    delete element ip kube-proxy service-ips { 172.30.0.9 . tcp . 80 }
    >>> sorted(proxier.stale_chains)
    ['endpoint-WFEQQCGZ-ns/a/tcp/p__10.0.0.5/80', 'service-R5ZPL7J4-ns/a/tcp/p']
    >>> t[0] += 2
    >>> _ = proxier.sync()         # more than a second later: deleted
    >>> proxier.stale_chains, [c for c in proxier.table.chains if "/" in c]
    ({}, [])
    """

    def __init__(
        self,
        settings: ProxierSettings,
        service_cidrs: Sequence[str] | None = None,
        clock: Any = None,
        nftables: Any = None,
    ):
        settings = _effective_settings(settings)
        super().__init__(settings, clock)
        self.endpoints_changes.cache.chain_namer = _endpoint_chain_base
        self.service_cidrs = list(service_cidrs or [])
        if nftables is None:
            from k8snet.dataplane.nft import NFTables

            nftables = NFTables()
        self.nftables = nftables
        self.family = "ip6" if settings.is_ipv6 else "ip"
        #: chain name -> time it was (last) found stale
        self.stale_chains: dict[str, float] = {}
        self.metrics = NftablesMetrics()
        self.last_transaction: Transaction | None = None
        self._syncer = _Syncer(settings, self.service_cidrs)
        self._order: list[ServicePortName] = []
        self._order_keys: set[ServicePortName] = set()
        self._ctx: _Context | None = None
        self._objects: dict[tuple[str, str, str], Any] = {}

    def forget_rendered(self) -> None:
        """Drop what is kept per Service port: the next sync works out every Service port's chains, elements
        and rules anew from the Service and endpoint maps (what upstream does on every sync; benchmarks use it)."""
        self._syncer.ops_cache.clear()

    @property
    def table(self) -> Table | None:
        """The kube-proxy table as the kernel holds it."""
        return self.nftables.tables.get(f"{self.family} {KUBE_PROXY_TABLE}")

    def dump(self) -> str:
        """The current table in knftables ``Fake.Dump()`` format."""
        return self.nftables.dump(self.family, KUBE_PROXY_TABLE)

    def on_service_cidrs_changed(self, cidrs: Sequence[str]) -> None:
        """``OnServiceCIDRsChanged``: the ServiceCIDRs of the proxier's family are used from the next full sync."""
        self.service_cidrs = list(cidrs)
        self._syncer.service_cidrs = list(cidrs)

    def _replace_objects(self, services: Iterable[Any], endpoint_slices: Iterable[Any]) -> None:
        # The events that turn the objects last given into these ones.
        new: dict[tuple[str, str, str], Any] = {}
        for obj in (*services, *endpoint_slices):
            if getattr(obj, "kind", None) in ("Service", "EndpointSlice"):
                new[obj.kind, obj.metadata.namespace or "default", obj.metadata.name or ""] = obj
        for key, obj in new.items():
            old = self._objects.get(key)
            if old is obj:
                continue
            if key[0] == "Service":
                self.on_service_update(old, obj)
            else:
                self.on_endpointslice_update(old, obj)
        for key, old in self._objects.items():
            if key not in new:
                if key[0] == "Service":
                    self.on_service_delete(old)
                else:
                    self.on_endpointslice_delete(old)
        self._objects = new

    def sync(
        self, services: Iterable[Any] | None = None, endpoint_slices: Iterable[Any] | None = None
    ) -> SyncResult:
        """``syncProxyRules``. Passing ``services`` and ``endpoint_slices`` first turns the difference from the
        objects passed last time into events (a convenience for callers that hold whole lists)."""
        if services is not None or endpoint_slices is not None:
            self._replace_objects(services or (), endpoint_slices or ())
        start = self._now()
        full = self.full_sync_due(start)
        changed, _ = self._apply_changes()
        fam = self.family

        # "If there are sufficiently-stale chains left over from previous transactions, try to delete them now."
        if self.stale_chains:
            cleanup = Transaction(fam)
            for chain, when in sorted(self.stale_chains.items()):
                if when < start - 1:
                    cleanup.delete_chain(chain)
                    del self.stale_chains[chain]
            if cleanup.ops:
                try:
                    self.nftables.run(cleanup.text())
                except Exception:  # NftTransactionError: the chains will be found stale again and retried
                    self.metrics.cleanup_failures_total += 1

        svc_map, eps_map = self.svc_port_map, self.endpoints_map
        syncer = self._syncer
        if svc_map.keys() != self._order_keys:
            self._order = sorted(svc_map)
            self._order_keys = set(svc_map)
            syncer.index_ports(self._order)
        if self._ctx is None or self._ctx.node_labels != self.node_labels:
            self._ctx = _Context(self.settings, dict(self.node_labels))
            syncer.epoch += 1
            full = True  # (the node labels changed: need_full_sync was set)

        def existing(what: str) -> list[str]:
            return self.nftables.list(fam, KUBE_PROXY_TABLE, what)

        tx, unused, no_local = syncer.transaction(
            svc_map, eps_map, self._ctx, self._order, full, changed, existing, raw=True
        )
        # Chains no longer used are flushed now and deleted later (see above); a stale chain found stale again is
        # flushed again and its time renewed, and one used again is no longer stale.
        if full:
            # the kernel's listing decides: what is not there is not stale any more
            for chain in list(self.stale_chains):
                if chain not in unused:
                    del self.stale_chains[chain]
        else:
            for chain in list(self.stale_chains):
                if chain in syncer.active_chains:
                    del self.stale_chains[chain]
        for chain in sorted({*unused, *self.stale_chains}):
            tx.flush_chain(chain)
            self.stale_chains[chain] = start
        syncer.finish(tx)
        self.last_transaction = tx
        text = tx.text()
        try:
            self.nftables.run(text)
        except Exception as err:  # NftTransactionError: nothing of the transaction was applied
            self.metrics.sync_failures_total += 1
            # "staleChains is now incorrect since we didn't actually flush the chains in it."
            self.stale_chains.clear()
            self.need_full_sync = True
            return SyncResult(full, False, text, changed, str(err))
        self.need_full_sync = False
        m = self.metrics
        m.no_local_endpoints = {"internal": no_local[0], "external": no_local[1]}
        if full:
            m.full_syncs += 1
            self.last_full_sync = start
        else:
            m.partial_syncs += 1
        return SyncResult(full, True, text, changed)
