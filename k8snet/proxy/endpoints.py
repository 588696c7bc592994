"""Endpoints per Service port, merged from EndpointSlices, and the cache kube-proxy keeps of them.

Port of kubernetes/kubernetes ``pkg/proxy/endpointslicecache.go`` (v1.34: ``EndpointSliceCache``,
``updatePending``, ``checkoutChanges``, ``esDataChanged``, ``endpointInfoByServicePort``, ``addEndpoints``,
``endpointsMapFromEndpointInfo``) and ``pkg/proxy/endpoint.go`` (``BaseEndpointInfo``):

- a slice belongs to the Service named by its ``kubernetes.io/service-name`` label (slices without it are
  ignored), and only slices of the proxier's address type count;
- a slice port with no ``name`` or no (or zero) ``port`` is ignored; endpoints with no address are ignored;
- conditions: ``ready`` and ``serving`` default to true when unset, ``terminating`` to false;
- endpoints are deduplicated by ``ip:port`` (a local copy wins) and sorted by that string "to simplify
  diffing" (so ``10.1.1.11:11`` sorts before ``10.1.1.1:11``).

Slices are visited in name order (upstream walks a Go map). An unset port ``protocol`` is taken as ``TCP``, the
API server's default (kube-proxy would dereference nil).

:func:`endpoints_map` computes the endpoints of a whole list of slices at once (what a full sync from scratch
sees); :class:`EndpointSliceCache` keeps, per Service, the slices a proxier has *applied* and those *pending*
("since endpoints can move between slices, we require slice specific caching"), so a sync recomputes only
the Services whose slices changed.

>>> from k8snet.api.discovery_v1 import EndpointSlice
>>> es = EndpointSlice.model_validate({"metadata": {"name": "web-abc", "namespace": "default",
...     "labels": {"kubernetes.io/service-name": "web"}}, "addressType": "IPv4",
...     "endpoints": [{"addresses": ["10.0.0.2"], "nodeName": "n1"}, {"addresses": ["10.0.0.11"]}],
...     "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]})
>>> m = endpoints_map([es], hostname="n1")
>>> [(str(k), [(str(e), e.is_local) for e in v]) for k, v in m.items()]
[('default/web:http', [('10.0.0.11:8080', False), ('10.0.0.2:8080', True)])]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from k8snet.netutils import join_host_port, parse_ip_sloppy
from k8snet.proxy.serviceport import ServicePortName

__all__ = [
    "EndpointInfo",
    "EndpointSliceCache",
    "endpoints_map",
    "join_host_port",
    "LABEL_SERVICE_NAME",
]

LABEL_SERVICE_NAME = "kubernetes.io/service-name"

# An IPv4 address already in canonical form (no leading zeros): ParseIPSloppy(addr).String() == addr, so the
# common case skips the parser (which was a third of a 100,000-endpoint sync).
_CANONICAL_IPV4 = re.compile(
    r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}"
)


@dataclass(frozen=True)
class EndpointInfo:
    """``BaseEndpointInfo``: one ``ip:port`` backend of one Service port, as seen from one node."""

    ip: str
    port: int
    is_local: bool = False
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    zone_hints: frozenset[str] | None = None
    node_hints: frozenset[str] | None = None
    node_name: str | None = None

    #: The name of this endpoint's chain in the proxier that made it (upstream's mode-specific
    #: ``endpointInfo.ChainName``, computed once when the endpoint is created), or ``None`` when the endpoint
    #: came from :func:`endpoints_map` and the renderer names the chain itself. Not compared.
    chain_name: ClassVar[str | None] = None

    @cached_property
    def endpoint(self) -> str:
        """``ip:port`` (``[ip]:port`` for IPv6), as ``BaseEndpointInfo.String()``."""
        return join_host_port(self.ip, self.port)

    def __str__(self) -> str:
        return self.endpoint


_new = object.__new__


def _endpoint_info(
    ip: str,
    port: int,
    is_local: bool,
    ready: bool,
    serving: bool,
    terminating: bool,
    zone_hints: frozenset[str] | None,
    node_hints: frozenset[str] | None,
    node_name: str | None,
    endpoint: str,
) -> EndpointInfo:
    # The frozen dataclass's __init__ sets each field through object.__setattr__; filling the instance dict
    # directly builds the same object (equal, same hash and repr) in half the time, which matters at 100,000
    # endpoints. ``endpoint`` (a cached property) is filled in too.
    ep = _new(EndpointInfo)
    ep.__dict__.update(
        ip=ip,
        port=port,
        is_local=is_local,
        ready=ready,
        serving=serving,
        terminating=terminating,
        zone_hints=zone_hints,
        node_hints=node_hints,
        node_name=node_name,
        endpoint=endpoint,
    )
    return ep


def _slice_service(es: Any) -> str:
    return (es.metadata.labels or {}).get(LABEL_SERVICE_NAME, "")


def _add_slice(
    by_sp: dict[ServicePortName, dict[str, EndpointInfo]],
    es: Any,
    ns: str,
    svc_name: str,
    hostname: str,
    ip_family: str,
    prefer_same_traffic_distribution: bool,
    chain_namer: Callable[[ServicePortName, str, int, str], str] | None = None,
) -> None:
    """``endpointInfoByServicePort`` + ``addEndpoints`` for one slice of the Service ``ns/svc_name``."""
    # newEndpointSliceInfo sorts the ports (byPort) before use.
    ports = sorted(es.ports or [], key=lambda p: (p.port or 0, p.name or "", p.protocol or ""))
    want_v6 = ip_family == "IPv6"
    # Parse each endpoint once, whatever the number of ports.
    parsed: list[tuple] = []
    for ep in es.endpoints or []:
        if not ep.addresses:
            continue
        addr = ep.addresses[0]
        if not want_v6 and _CANONICAL_IPV4.fullmatch(addr):
            ip = addr
        else:
            # endpointslicecache.go: utilnet.IsIPv6String, i.e. ParseIPSloppy; parsed once, used twice
            p = parse_ip_sloppy(addr)
            if p is None or (p.version == 6) != want_v6:
                continue
            ip = str(p)  # ParseIPSloppy(addr).String(): 10.180.00.001 -> 10.180.0.1
        cond = ep.conditions
        if cond is None:
            ready = serving = True
            terminating = False
        else:
            ready = cond.ready is None or bool(cond.ready)
            serving = cond.serving is None or bool(cond.serving)
            terminating = cond.terminating is not None and bool(cond.terminating)
        zone_hints = node_hints = None
        hints = ep.hints
        if hints is not None:
            if hints.forZones:
                zone_hints = frozenset(z.name for z in hints.forZones)
            if hints.forNodes and prefer_same_traffic_distribution:
                node_hints = frozenset(n.name for n in hints.forNodes)
        node_name = ep.nodeName
        is_local = node_name is not None and node_name == hostname
        parsed.append((ip, is_local, ready, serving, terminating, zone_hints, node_hints, node_name))
    for port in ports:
        if port.name is None or not port.port:
            continue
        spn = ServicePortName(ns, svc_name, port.name, port.protocol or "TCP")
        eps = by_sp.setdefault(spn, {})
        num = port.port
        v6 = want_v6
        for ip, is_local, ready, serving, terminating, zone_hints, node_hints, node_name in parsed:
            key = f"[{ip}]:{num}" if v6 else f"{ip}:{num}"
            # "isLocal should not vary between matching endpoints, but if it does, we favor a true value"
            if key not in eps or is_local:
                ep = eps[key] = _endpoint_info(
                    ip, num, is_local, ready, serving, terminating, zone_hints, node_hints, node_name, key
                )
                if chain_namer is not None:
                    ep.__dict__["chain_name"] = chain_namer(spn, ip, num, key)


def _sorted_map(
    by_sp: dict[ServicePortName, dict[str, EndpointInfo]],
) -> dict[ServicePortName, list[EndpointInfo]]:
    # endpointsMapFromEndpointInfo: "Ensure endpoints are always returned in the same order to simplify
    # diffing" (sorted by ip:port string); ports without endpoints are left out.
    return {spn: [eps[k] for k in sorted(eps)] for spn, eps in sorted(by_sp.items()) if eps}


def endpoints_map(
    endpoint_slices: Iterable[Any],
    hostname: str,
    ip_family: str = "IPv4",
    prefer_same_traffic_distribution: bool = True,
) -> dict[ServicePortName, list[EndpointInfo]]:
    """``EndpointsMap``: the sorted, deduplicated endpoints of every Service port found in the slices.

    Parameters
    ----------
    endpoint_slices : iterable of EndpointSlice
        Other kinds are skipped, so a mixed list of loaded manifests can be passed.
    hostname : str
        This node's name; endpoints whose ``nodeName`` equals it are local.
    ip_family : str
        ``"IPv4"`` or ``"IPv6"``: slices of the other address type (and FQDN slices) are ignored.
    prefer_same_traffic_distribution : bool
        Feature gate ``PreferSameTrafficDistribution``: only then are ``hints.forNodes`` read.
    """
    slices = [s for s in endpoint_slices if getattr(s, "kind", None) == "EndpointSlice"]
    slices.sort(key=lambda s: (s.metadata.namespace or "default", s.metadata.name or ""))
    by_sp: dict[ServicePortName, dict[str, EndpointInfo]] = {}
    for es in slices:
        if es.addressType != ip_family:
            continue
        svc_name = _slice_service(es)
        if not svc_name:
            continue
        _add_slice(
            by_sp,
            es,
            es.metadata.namespace or "default",
            svc_name,
            hostname,
            ip_family,
            prefer_same_traffic_distribution,
        )
    return _sorted_map(by_sp)


@dataclass
class _SliceTracker:
    """``endpointSliceTracker``: slices (by name) as the proxier last applied them, and pending updates."""

    applied: dict[str, Any]
    pending: dict[str, tuple[Any, bool]]


class EndpointSliceCache:
    """``EndpointSliceCache``: the EndpointSlices of each Service, as applied by the proxier and pending.

    :meth:`update_pending` records a slice (or its removal) and says whether that changes anything (an
    update equal to what is already pending or applied does not: ``esDataChanged`` compares whole objects,
    so a new ``resourceVersion`` alone counts as a change, as ``reflect.DeepEqual`` does upstream);
    :meth:`checkout_changes` applies the pending slices and returns, per changed Service, its endpoints
    before and after.

    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> def es(ips):
    ...     return EndpointSlice.model_validate({"metadata": {"name": "web-1", "namespace": "ns",
    ...         "labels": {"kubernetes.io/service-name": "web"}}, "addressType": "IPv4",
    ...         "endpoints": [{"addresses": [ip]} for ip in ips], "ports": [{"name": "", "port": 80}]})
    >>> cache = EndpointSliceCache("node-1")
    >>> cache.update_pending(es(["10.0.0.1"]), False)
    True
    >>> cache.update_pending(es(["10.0.0.1"]), False)   # equal to what is pending: nothing new
    False
    >>> for svc, (previous, current) in cache.checkout_changes().items():
    ...     print(svc, {str(spn): [str(e) for e in eps] for spn, eps in current.items()})
    ('ns', 'web') {'ns/web': ['10.0.0.1:80']}
    >>> cache.update_pending(es(["10.0.0.1"]), False)   # equal to what was applied
    False
    >>> cache.update_pending(es(["10.0.0.2"]), False)
    True
    """

    def __init__(
        self,
        hostname: str,
        ip_family: str = "IPv4",
        prefer_same_traffic_distribution: bool = True,
        chain_namer: Callable[[ServicePortName, str, int, str], str] | None = None,
    ):
        self.hostname = hostname
        self.ip_family = ip_family
        self.prefer_same_traffic_distribution = prefer_same_traffic_distribution
        #: ``(service port, ip, port, "ip:port") -> chain name``: the proxier's ``makeEndpointInfo``, which names
        #: each endpoint's chain once, when the endpoint is created (stored as :attr:`EndpointInfo.chain_name`).
        self.chain_namer = chain_namer
        self._trackers: dict[tuple[str, str], _SliceTracker] = {}

    @staticmethod
    def keys(endpoint_slice: Any) -> tuple[tuple[str, str], str] | None:
        """``endpointSliceCacheKeys``: ``((namespace, service), slice name)``, or ``None`` for a slice without
        the ``kubernetes.io/service-name`` label or without a name (upstream logs an error and ignores it)."""
        svc_name = _slice_service(endpoint_slice)
        md = endpoint_slice.metadata
        if not svc_name or not md.name:
            return None
        return (md.namespace or "default", svc_name), md.name

    def update_pending(self, endpoint_slice: Any, remove: bool) -> bool:
        """``updatePending``: record the slice (``remove``: its deletion); whether this is a change."""
        keys = self.keys(endpoint_slice)
        if keys is None:
            return False
        service_key, slice_key = keys
        tracker = self._trackers.get(service_key)
        if tracker is None:
            tracker = self._trackers[service_key] = _SliceTracker({}, {})
        # esDataChanged: compared with the pending value if there is one, else with the applied one.
        if slice_key in tracker.pending:
            old, old_remove = tracker.pending[slice_key]
            changed = old_remove != remove or not _same(old, endpoint_slice)
        elif slice_key in tracker.applied:
            changed = remove or not _same(tracker.applied[slice_key], endpoint_slice)
        else:
            # Removing what is not in the cache changes nothing; anything else is new.
            changed = not remove
        if changed:
            tracker.pending[slice_key] = (endpoint_slice, remove)
        elif not tracker.applied and not tracker.pending:
            del self._trackers[service_key]
        return changed

    def pending_services(self) -> set[tuple[str, str]]:
        """The Services with pending slice updates (``PendingChanges``)."""
        return {k for k, t in self._trackers.items() if t.pending}

    def checkout_changes(
        self,
    ) -> dict[
        tuple[str, str],
        tuple[dict[ServicePortName, list[EndpointInfo]], dict[ServicePortName, list[EndpointInfo]]],
    ]:
        """``checkoutChanges``: ``{(namespace, service): (previous endpoints, current endpoints)}`` for every
        Service with pending slices; the pending slices become applied."""
        changes = {}
        for service_key in sorted(k for k, t in self._trackers.items() if t.pending):
            tracker = self._trackers[service_key]
            previous = self._endpoints(service_key, tracker.applied)
            for name, (es, remove) in tracker.pending.items():
                if remove:
                    tracker.applied.pop(name, None)
                else:
                    tracker.applied[name] = es
            tracker.pending.clear()
            if not tracker.applied:
                del self._trackers[service_key]
            changes[service_key] = (previous, self._endpoints(service_key, tracker.applied))
        return changes

    def _endpoints(
        self, service_key: tuple[str, str], slices: dict[str, Any]
    ) -> dict[ServicePortName, list[EndpointInfo]]:
        by_sp: dict[ServicePortName, dict[str, EndpointInfo]] = {}
        ns, svc_name = service_key
        for name in sorted(slices):
            _add_slice(
                by_sp,
                slices[name],
                ns,
                svc_name,
                self.hostname,
                self.ip_family,
                self.prefer_same_traffic_distribution,
                self.chain_namer,
            )
        return _sorted_map(by_sp)


def _same(a: Any, b: Any) -> bool:
    # reflect.DeepEqual of the two slices (the same object is trivially equal, and cheap to check).
    return a is b or a == b
