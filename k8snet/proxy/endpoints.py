"""Endpoints per Service port, merged from EndpointSlices.

Port of kubernetes/kubernetes ``pkg/proxy/endpointslicecache.go`` (v1.34, ``endpointInfoByServicePort``,
``addEndpoints``, ``endpointsMapFromEndpointInfo``) and ``pkg/proxy/endpoint.go`` (``BaseEndpointInfo``):

- a slice belongs to the Service named by its ``kubernetes.io/service-name`` label (slices without it are
  ignored), and only slices of the proxier's address type count;
- a slice port with no ``name`` or no (or zero) ``port`` is ignored; endpoints with no address are ignored;
- conditions: ``ready`` and ``serving`` default to true when unset, ``terminating`` to false;
- endpoints are deduplicated by ``ip:port`` (a local copy wins) and sorted by that string "to simplify
  diffing" (so ``10.1.1.11:11`` sorts before ``10.1.1.1:11``).

Slices are visited in name order (upstream walks a Go map). An unset port ``protocol`` is taken as ``TCP``, the
API server's default (kube-proxy would dereference nil).

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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from k8snet.netutils import parse_ip_sloppy
from k8snet.proxy.serviceport import ServicePortName

__all__ = ["EndpointInfo", "endpoints_map", "join_host_port", "LABEL_SERVICE_NAME"]

LABEL_SERVICE_NAME = "kubernetes.io/service-name"


def join_host_port(ip: str, port: int) -> str:
    """``net.JoinHostPort``: IPv6 addresses get brackets.

    >>> join_host_port("10.0.0.1", 80), join_host_port("fd00::1", 80)
    ('10.0.0.1:80', '[fd00::1]:80')
    """
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


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

    @property
    def endpoint(self) -> str:
        return join_host_port(self.ip, self.port)

    def __str__(self) -> str:
        return self.endpoint


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
        svc_name = (es.metadata.labels or {}).get(LABEL_SERVICE_NAME, "")
        if not svc_name:
            continue
        ns = es.metadata.namespace or "default"
        # newEndpointSliceInfo sorts the ports (byPort) before use.
        ports = sorted(es.ports or [], key=lambda p: (p.port or 0, p.name or "", p.protocol or ""))
        for port in ports:
            if port.name is None or not port.port:
                continue
            spn = ServicePortName(ns, svc_name, port.name, port.protocol or "TCP")
            eps = by_sp.setdefault(spn, {})
            for ep in es.endpoints or []:
                if not ep.addresses:
                    continue
                addr = ep.addresses[0]
                # endpointslicecache.go: utilnet.IsIPv6String, i.e. ParseIPSloppy; parsed once, used twice
                parsed = parse_ip_sloppy(addr)
                if parsed is None or ("IPv6" if parsed.version == 6 else "IPv4") != ip_family:
                    continue
                ip = str(parsed)  # ParseIPSloppy(addr).String(): 10.180.00.001 -> 10.180.0.1
                cond = ep.conditions
                ready = cond is None or cond.ready is None or cond.ready
                serving = cond is None or cond.serving is None or cond.serving
                terminating = cond is not None and cond.terminating is not None and cond.terminating
                zone_hints = node_hints = None
                if ep.hints is not None:
                    if ep.hints.forZones:
                        zone_hints = frozenset(z.name for z in ep.hints.forZones)
                    if ep.hints.forNodes and prefer_same_traffic_distribution:
                        node_hints = frozenset(n.name for n in ep.hints.forNodes)
                is_local = ep.nodeName is not None and ep.nodeName == hostname
                info = EndpointInfo(
                    ip,
                    port.port,
                    is_local,
                    bool(ready),
                    bool(serving),
                    bool(terminating),
                    zone_hints,
                    node_hints,
                    ep.nodeName,
                )
                # "isLocal should not vary between matching endpoints, but if it does, we favor a true value"
                if info.endpoint not in eps or is_local:
                    eps[info.endpoint] = info
    return {spn: sorted(eps.values(), key=str) for spn, eps in sorted(by_sp.items()) if eps}
