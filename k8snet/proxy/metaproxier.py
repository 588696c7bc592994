"""Dual-stack kube-proxy: one proxier per IP family behind a "meta proxier", and a node's rules per family.

Port of kubernetes/kubernetes ``pkg/proxy/metaproxier/meta_proxier.go`` (v1.34) and of the dual-stack parts of
``cmd/kube-proxy/app`` (``server.go``: ``detectNodeIPs``; ``server_linux.go``: ``createProxier``, which builds the
mode's ``NewDualStackProxier``, and ``getLocalDetectors``):

- each mode's ``NewDualStackProxier`` creates an IPv4 and an IPv6 proxier with the same flags; each keeps what is
  of its own family (:meth:`ProxierSettings.for_family <k8snet.proxy.config.ProxierSettings.for_family>`): the
  Services' ClusterIP of its family (``GetClusterIPByFamily``), externalIPs, load-balancer IPs and source ranges
  of its family, the ``--nodeport-addresses`` CIDRs of its family, the ``--cluster-cidr`` of its family for the
  local-traffic detector; the IPv6 proxier never accepts NodePorts on localhost (``localhostNodePorts`` is passed
  as ``false``);
- :class:`MetaProxier` hands every Service and Node event to both proxiers, and each EndpointSlice to the proxier
  of its ``addressType`` (an ``FQDN`` slice to neither: "EndpointSlice address type not supported"); a sync syncs
  the IPv4 proxier, then the IPv6 one;
- :func:`detect_node_ips` is ``detectNodeIPs``: the node's first address decides the primary family, a second
  one (of the other family) is the other proxier's node IP, and a family without an address gets its loopback
  address.

Upstream kube-proxy runs dual-stack whenever the node's kernel supports both families, "regardless of whether the
node is *actually* configured as dual-stack"; an IPv6 proxier on an IPv4-only cluster writes its base chains and
nothing else. k8snet renders the families a node has (:func:`node_families`): those of its addresses, then of
``--cluster-cidr``, then of the objects given; so a single-stack IPv4 node prints exactly what it always did.

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.api.discovery_v1 import EndpointSlice
>>> from k8snet.proxy.config import ProxierSettings
>>> svc = Service.model_validate({"metadata": {"name": "web", "namespace": "default"}, "spec": {
...     "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10", "fd00:10:96::a"], "ipFamilies": ["IPv4", "IPv6"],
...     "ipFamilyPolicy": "PreferDualStack", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}})
>>> def es(name, family, ip):
...     return EndpointSlice.model_validate({"metadata": {"name": name, "namespace": "default",
...         "labels": {"kubernetes.io/service-name": "web"}}, "addressType": family,
...         "endpoints": [{"addresses": [ip]}], "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]})
>>> settings = ProxierSettings(hostname="node-1", node_ips=["192.168.0.2", "fd00::2"])
>>> rules = render_families("iptables", [svc], [es("web-v4", "IPv4", "10.244.1.5"),
...     es("web-v6", "IPv6", "fd00:10:244:1::5")], settings)
>>> for family, text in rules.items():
...     print(family, [line.split(" -j ")[-1] for line in text.splitlines() if "-j DNAT" in line])
IPv4 ['DNAT --to-destination 10.244.1.5:8080']
IPv6 ['DNAT --to-destination [fd00:10:244:1::5]:8080']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from k8snet.netutils import parse_cidr_sloppy, parse_ip_sloppy
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.modes import ProxyMode, proxy_mode
from k8snet.proxy.proxier import Proxier, SyncResult

__all__ = [
    "IP_FAMILIES",
    "MetaProxier",
    "new_dual_stack_proxier",
    "detect_node_ips",
    "node_families",
    "render_families",
    "service_rules_by_family",
]

#: The two families, in the order kube-proxy creates (and syncs) their proxiers.
IP_FAMILIES = ("IPv4", "IPv6")

_LOOPBACK = {"IPv4": "127.0.0.1", "IPv6": "::1"}


def _family_of_ip(ip: Any) -> str | None:
    parsed = parse_ip_sloppy(ip) if isinstance(ip, str) else None
    if parsed is None:
        return None
    return "IPv6" if parsed.version == 6 else "IPv4"


def detect_node_ips(raw_node_ips: Sequence[str]) -> tuple[str, dict[str, str]]:
    """``detectNodeIPs`` (``cmd/kube-proxy/app/server.go``): the primary family and each family's node IP.

    The first address decides the primary family; a second one (of the other family, as the Node's addresses
    guarantee) is the other family's node IP; "otherwise the node IPs are 127.0.0.1 and ::1".

    >>> detect_node_ips(["fd00::2", "192.168.0.2"])
    ('IPv6', {'IPv4': '192.168.0.2', 'IPv6': 'fd00::2'})
    >>> detect_node_ips([])
    ('IPv4', {'IPv4': '127.0.0.1', 'IPv6': '::1'})
    """
    primary = "IPv4"
    node_ips = dict(_LOOPBACK)
    raw = [ip for ip in raw_node_ips if _family_of_ip(ip) is not None]
    if raw:
        primary = _family_of_ip(raw[0]) or "IPv4"
        node_ips[primary] = str(parse_ip_sloppy(raw[0]))
        if len(raw) > 1:
            family = _family_of_ip(raw[1]) or "IPv4"
            node_ips[family] = str(parse_ip_sloppy(raw[1]))
    return primary, node_ips


def _object_families(objects: Iterable[Any]) -> list[str]:
    """The families the Services' ClusterIPs and the EndpointSlices' address types use, in order of appearance."""
    seen: list[str] = []
    for obj in objects:
        kind = getattr(obj, "kind", None)
        found: list[str | None] = []
        if kind == "Service" and obj.spec is not None:
            if obj.spec.ipFamilies:
                found = list(obj.spec.ipFamilies)
            else:
                found = [_family_of_ip(ip) for ip in (obj.spec.clusterIPs or [obj.spec.clusterIP])]
        elif kind == "EndpointSlice":
            found = [obj.addressType]
        for f in found:
            if f in IP_FAMILIES and f not in seen:
                seen.append(f)
    return seen


def node_families(
    node_ips: Sequence[str] = (), cluster_cidr: str | None = None, objects: Iterable[Any] = ()
) -> list[str]:
    """The IP families k8snet runs a proxier for on a node, the primary first.

    The families of the node's addresses (the first address's family is the primary one, as in
    :func:`detect_node_ips`), then those of ``--cluster-cidr``; a node with neither takes the families its Services
    and EndpointSlices use, and IPv4 when there is nothing to go by. (Upstream runs both proxiers on any node
    whose kernel supports IPv6: see the module docstring.)

    >>> node_families(["192.168.0.2"]), node_families(["fd00::2", "192.168.0.2"])
    (['IPv4'], ['IPv6', 'IPv4'])
    >>> node_families([], "10.244.0.0/16,fd00:10:244::/56"), node_families()
    (['IPv4', 'IPv6'], ['IPv4'])
    """
    families: list[str] = []
    for ip in node_ips:
        f = _family_of_ip(ip)
        if f is not None and f not in families:
            families.append(f)
    for cidr in (cluster_cidr or "").split(","):
        parsed = parse_cidr_sloppy(cidr.strip()) if cidr.strip() else None
        f = None if parsed is None else ("IPv6" if parsed[1].version == 6 else "IPv4")
        if f is not None and f not in families:
            families.append(f)
    if not families:
        families = _object_families(objects)
    return families or ["IPv4"]


def render_families(
    mode: str | ProxyMode,
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    families: Sequence[str] | None = None,
    service_cidrs: list[str] | None = None,
) -> dict[str, Any]:
    """The rules each of a node's proxiers writes in a full sync: ``{family: rules}`` in ``families`` order
    (default: :func:`node_families` of ``settings`` and the objects), each :meth:`ProxyMode.render
    <k8snet.proxy.modes.ProxyMode.render>` of ``settings.for_family(family)``.

    ``mode.dump_families(...)`` prints the result as the node's tools would.
    """
    m = proxy_mode(mode) if isinstance(mode, str) else mode
    services, endpoint_slices = list(services), list(endpoint_slices)
    if families is None:
        families = node_families(settings.node_ips, settings.cluster_cidr, [*services, *endpoint_slices])
    for f in families:
        if f not in IP_FAMILIES:
            raise ValueError(f'families: {f!r} is not "IPv4" or "IPv6"')
    return {
        f: m.render(services, endpoint_slices, settings.for_family(f), service_cidrs)
        for f in dict.fromkeys(families)
    }


def service_rules_by_family(
    svc: Any,
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    settings: ProxierSettings,
    mode: str = "iptables",
    service_cidrs: list[str] | None = None,
) -> dict[str, str]:
    """One Service's rules in each family the Service has, as the node's tools print them: ``{family: text}``.

    The families are the Service's ``spec.ipFamilies`` (else that of its ClusterIP); each text is
    :meth:`ProxyMode.service_rules <k8snet.proxy.modes.ProxyMode.service_rules>` of that family's proxier, so a
    dual-stack Service shows its IPv4 rules (``iptables``) next to its IPv6 rules (``ip6tables``).

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service.model_validate({"metadata": {"name": "web", "namespace": "default"}, "spec": {
    ...     "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10", "fd00:10:96::a"],
    ...     "ipFamilies": ["IPv4", "IPv6"], "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}})
    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> es = EndpointSlice.model_validate({"metadata": {"name": "web-v6", "namespace": "default",
    ...     "labels": {"kubernetes.io/service-name": "web"}}, "addressType": "IPv6",
    ...     "endpoints": [{"addresses": ["fd00:10:244:1::5"]}], "ports": [{"name": "http", "port": 8080}]})
    >>> rules = service_rules_by_family(svc, [svc], [es], ProxierSettings(hostname="n1"))
    >>> print(rules["IPv6"])
    -A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d fd00:10:96::a --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL
    -A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> [fd00:10:244:1::5]:8080" -j KUBE-SEP-VQWBXALWTGJK2BTN
    -A KUBE-SEP-VQWBXALWTGJK2BTN -m comment --comment default/web:http -s fd00:10:244:1::5 -j KUBE-MARK-MASQ
    -A KUBE-SEP-VQWBXALWTGJK2BTN -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination [fd00:10:244:1::5]:8080
    >>> rules["IPv4"].count("KUBE-SEP-")   # no IPv4 endpoints: the IPv4 ClusterIP rejects (filter table)
    0
    """  # noqa: E501
    m = proxy_mode(mode)
    families = _object_families([svc]) or ["IPv4"]
    rendered = render_families(m, services, endpoint_slices, settings, families, service_cidrs)
    return {f: m.service_rules(m.base_jump_rules(rules), svc) for f, rules in rendered.items()}


class MetaProxier:
    """``metaProxier``: a dual-stack kube-proxy made of one proxier per family.

    Every handler returns whether the event left something to sync (in either proxier). :meth:`sync` syncs the
    IPv4 proxier, then the IPv6 one, and returns each one's :class:`~k8snet.proxy.proxier.SyncResult`.

    >>> from k8snet.api.core_v1 import Service
    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> meta = new_dual_stack_proxier("nftables", ProxierSettings(hostname="n1", node_ips=["192.168.0.2", "fd00::2"]))
    >>> svc = Service.model_validate({"metadata": {"name": "web", "namespace": "ns"}, "spec": {
    ...     "clusterIP": "fd00:10:96::a", "clusterIPs": ["fd00:10:96::a"], "ipFamilies": ["IPv6"],
    ...     "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}})
    >>> meta.on_service_add(svc)
    True
    >>> sorted(meta.ipv4_proxier.pending()), sorted(meta.ipv6_proxier.pending())   # only the IPv6 proxier has it
    ([], [('ns', 'web')])
    >>> fqdn = EndpointSlice.model_validate({"metadata": {"name": "x", "namespace": "ns",
    ...     "labels": {"kubernetes.io/service-name": "web"}}, "addressType": "FQDN", "endpoints": []})
    >>> meta.on_endpointslice_add(fqdn)   # "EndpointSlice address type not supported"
    False
    >>> results = meta.sync()
    >>> [(family, r.full, r.success) for family, r in results.items()]
    [('IPv4', True, True), ('IPv6', True, True)]
    >>> sorted(meta.ipv4_proxier.nftables.tables)   # one ruleset, both tables
    ['ip kube-proxy', 'ip6 kube-proxy']
    """

    def __init__(self, ipv4_proxier: Proxier, ipv6_proxier: Proxier):
        self.ipv4_proxier = ipv4_proxier
        self.ipv6_proxier = ipv6_proxier

    @property
    def proxiers(self) -> dict[str, Proxier]:
        """``{"IPv4": ..., "IPv6": ...}``."""
        return {"IPv4": self.ipv4_proxier, "IPv6": self.ipv6_proxier}

    def _both(self, method: str, *args: Any) -> bool:
        a = getattr(self.ipv4_proxier, method)(*args)
        b = getattr(self.ipv6_proxier, method)(*args)
        return bool(a) or bool(b)

    def _by_address_type(self, endpoint_slice: Any) -> Proxier | None:
        if endpoint_slice.addressType == "IPv4":
            return self.ipv4_proxier
        if endpoint_slice.addressType == "IPv6":
            return self.ipv6_proxier
        return None  # klog.ErrorS(nil, "EndpointSlice address type not supported", ...)

    # -- Services: both proxiers (each keeps its family's ClusterIP) --
    def on_service_add(self, service: Any) -> bool:
        """``OnServiceAdd``."""
        return self._both("on_service_add", service)

    def on_service_update(self, old: Any, service: Any) -> bool:
        """``OnServiceUpdate``."""
        return self._both("on_service_update", old, service)

    def on_service_delete(self, service: Any) -> bool:
        """``OnServiceDelete``."""
        return self._both("on_service_delete", service)

    # -- EndpointSlices: by address type --
    def on_endpointslice_add(self, endpoint_slice: Any) -> bool:
        """``OnEndpointSliceAdd``."""
        p = self._by_address_type(endpoint_slice)
        return p.on_endpointslice_add(endpoint_slice) if p is not None else False

    def on_endpointslice_update(self, old: Any, endpoint_slice: Any) -> bool:
        """``OnEndpointSliceUpdate`` (dispatched on the new slice's address type)."""
        p = self._by_address_type(endpoint_slice)
        return p.on_endpointslice_update(old, endpoint_slice) if p is not None else False

    def on_endpointslice_delete(self, endpoint_slice: Any) -> bool:
        """``OnEndpointSliceDelete``."""
        p = self._by_address_type(endpoint_slice)
        return p.on_endpointslice_delete(endpoint_slice) if p is not None else False

    # -- this node, ServiceCIDRs: both --
    def on_node_add(self, node: Any) -> bool:
        """``OnNodeAdd``."""
        return self._both("on_node_add", node)

    def on_node_update(self, old: Any, node: Any) -> bool:
        """``OnNodeUpdate``."""
        return self._both("on_node_update", old, node)

    def on_node_delete(self, node: Any) -> bool:
        """``OnNodeDelete``."""
        return self._both("on_node_delete", node)

    def on_service_cidrs_changed(self, cidrs: Sequence[str]) -> None:
        """``OnServiceCIDRsChanged`` (each proxier keeps its family's CIDRs; only nftables mode uses them)."""
        for p in (self.ipv4_proxier, self.ipv6_proxier):
            handler = getattr(p, "on_service_cidrs_changed", None)
            if handler is not None:
                handler(cidrs)

    # -- syncing --
    def pending(self) -> set[tuple[str, str]]:
        """The Services with changes either proxier's next sync applies."""
        return self.ipv4_proxier.pending() | self.ipv6_proxier.pending()

    def sync(self) -> dict[str, SyncResult]:
        """``Sync``: the IPv4 proxier, then the IPv6 one."""
        return {"IPv4": self.ipv4_proxier.sync(), "IPv6": self.ipv6_proxier.sync()}

    def force_sync(self) -> dict[str, SyncResult]:
        """A full sync of both proxiers."""
        return {"IPv4": self.ipv4_proxier.force_sync(), "IPv6": self.ipv6_proxier.force_sync()}


def new_dual_stack_proxier(
    mode: str | ProxyMode,
    settings: ProxierSettings,
    clock: Any = None,
    service_cidrs: list[str] | None = None,
) -> MetaProxier:
    """``NewDualStackProxier`` of ``mode``: an IPv4 and an IPv6 proxier with the same settings, in a
    :class:`MetaProxier`.

    The IPv4 proxier programs ``iptables``/the ``ip kube-proxy`` table, the IPv6 one ``ip6tables``/the
    ``ip6 kube-proxy`` table; in nftables mode both tables live in one ruleset (the IPv6 proxier is given the
    IPv4 proxier's :class:`~k8snet.dataplane.nft.NFTables`).
    """
    m = proxy_mode(mode) if isinstance(mode, str) else mode
    v4 = m.proxier(settings.for_family("IPv4"), clock, service_cidrs)
    v6 = m.proxier(settings.for_family("IPv6"), clock, service_cidrs)
    if m.name == "nftables":
        v6.nftables = v4.nftables  # one kernel ruleset, two tables
    return MetaProxier(v4, v6)
