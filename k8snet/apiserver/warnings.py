"""The warnings kube-apiserver returns with a Service create or update; kubectl prints each as ``Warning: <text>``.

A port of kubernetes/kubernetes v1.34 ``pkg/api/service/warnings.go`` (``GetWarningsForService``) and of
``GetWarningsForIP``/``GetWarningsForCIDR`` in k8s.io/apimachinery ``pkg/util/validation/ip.go``.
Later releases add more (1.35 deprecates ``trafficDistribution: PreferClose``, 1.36 deprecates
``spec.externalIPs``); those are not 1.34 behaviour and are not here.

>>> from k8snet.api.core_v1 import Service
>>> svc = Service(metadata={"name": "web"}, spec={"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"],
...     "externalIPs": ["010.0.0.1"], "sessionAffinity": "None"})
>>> for w in warnings_for_service(svc):
...     print("Warning: " + w)
Warning: spec.externalIPs is ignored for headless services
Warning: spec.externalIPs[0]: non-standard IP address "010.0.0.1" will be considered invalid in a future Kubernetes release: use "10.0.0.1"
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from .field import go_quote
from .validation import parse_cidr_sloppy, parse_ip_sloppy

__all__ = [
    "warnings_for_service",
    "warnings_for_ip",
    "warnings_for_cidr",
    "warnings_for_request",
    "ENDPOINTS_DEPRECATION_WARNING",
]

#: Since v1.33 every request on core/v1 Endpoints (get, list, watch, create, update, patch, delete) carries this
#: warning; ``kubectl get endpoints`` prints it as ``Warning: v1 Endpoints is deprecated in v1.33+; use
#: discovery.k8s.io/v1 EndpointSlice`` above the table (seen in real 1.33/1.34 terminal output). The text is
#: k8s.io/apiserver ``pkg/endpoints/deprecation/deprecation.go`` ``WarningMessage``: ``"%s %s is deprecated in
#: v%d.%d+"`` plus ``"; use %s %s"`` for the replacement that ``k8s.io/api/core/v1`` declares for Endpoints.
ENDPOINTS_DEPRECATION_WARNING = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"

#: Kinds whose API version v1.34 serves as deprecated, with the warning every request on them carries.
_DEPRECATED_KINDS = {"Endpoints": ENDPOINTS_DEPRECATION_WARNING}


def warnings_for_request(kind: str) -> list[str]:
    """The warnings the API server adds to *every* request on ``kind``, before the handler runs.

    k8s.io/apiserver ``pkg/endpoints/installer.go`` checks each resource's type with
    ``deprecation.IsDeprecated`` when it installs the REST routes, and wraps every handler of a deprecated one
    (GET, LIST, WATCH, POST, PUT, PATCH, DELETE) so that the response carries ``deprecation.WarningMessage``.
    So ``kubectl apply`` of an Endpoints object prints the warning too (once: kubectl deduplicates warnings,
    ``rest.WarningWriterOptions{Deduplicate: true}``).

    >>> warnings_for_request("Endpoints")
    ['v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice']
    >>> warnings_for_request("EndpointSlice")
    []
    """
    warning = _DEPRECATED_KINDS.get(kind)
    return [warning] if warning else []


_ANN_TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
_ANN_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
_STRICT_V4 = re.compile(r"(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}")


def _parse_addr_strict(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Go's ``netip.ParseAddr`` for the inputs ``ParseIPSloppy`` accepts: no leading zeros in IPv4 octets."""
    if ":" not in value:
        if not _STRICT_V4.fullmatch(value):
            return None
        try:
            return ipaddress.IPv4Address(value)
        except ValueError:
            return None
    last = value.rsplit(":", 1)[1]
    if "." in last and not _STRICT_V4.fullmatch(last):
        return None
    try:
        return ipaddress.IPv6Address(value)
    except ValueError:
        return None


def _go_ip_string(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """``net.IP.String()``: IPv4 (and IPv4-mapped) dotted, IPv6 in RFC 5952 form."""
    return str(ip)


def _netip_string(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """``netip.Addr.String()``: like net.IP, except an IPv4-mapped IPv6 address keeps its ``::ffff:`` form."""
    if addr.version == 6 and addr.ipv4_mapped is not None:
        return f"::ffff:{addr.ipv4_mapped}"
    return str(addr)


def warnings_for_ip(path: str, value: str) -> list[str]:
    """``GetWarningsForIP``: non-standard (leading zeros, IPv4-mapped IPv6) or non-canonical IPv6 values.

    >>> warnings_for_ip("spec.clusterIPs[0]", "2001:DB8::1")
    ['spec.clusterIPs[0]: IPv6 address "2001:DB8::1" should be in RFC 5952 canonical format ("2001:db8::1")']
    >>> warnings_for_ip("spec.externalIPs[0]", "::ffff:1.2.3.4")
    ['spec.externalIPs[0]: non-standard IP address "::ffff:1.2.3.4" will be considered invalid in a future Kubernetes release: use "1.2.3.4"']
    """
    ip = parse_ip_sloppy(value)
    if ip is None:
        return []
    addr = _parse_addr_strict(value)
    if addr is None or (addr.version == 6 and addr.ipv4_mapped is not None):
        return [
            f"{path}: non-standard IP address {go_quote(value)} will be considered invalid in a future "
            f"Kubernetes release: use {go_quote(_go_ip_string(ip))}"
        ]
    if addr.version == 6 and _netip_string(addr) != value:
        return [
            f"{path}: IPv6 address {go_quote(value)} should be in RFC 5952 canonical format "
            f"({go_quote(_netip_string(addr))})"
        ]
    return []


def warnings_for_cidr(path: str, value: str) -> list[str]:
    """``GetWarningsForCIDR``: host bits set after the prefix, non-standard or non-canonical forms.

    >>> warnings_for_cidr("spec.loadBalancerSourceRanges[0]", "1.2.3.4/8")
    ['spec.loadBalancerSourceRanges[0]: CIDR value "1.2.3.4/8" is ambiguous in this context (should be "1.0.0.0/8" or "1.2.3.4/32"?)']
    """
    parsed = parse_cidr_sloppy(value)
    if parsed is None:
        return []
    ip, net = parsed
    warnings: list[str] = []
    if ip != net.network_address:
        single = f"{_go_ip_string(ip)}/{ip.max_prefixlen}"
        warnings.append(
            f"{path}: CIDR value {go_quote(value)} is ambiguous in this context "
            f"(should be {go_quote(str(net))} or {go_quote(single)}?)"
        )
    addr_part, _, bits = value.partition("/")
    addr = _parse_addr_strict(addr_part)
    prefix_ok = addr is not None and bits.isdigit() and (bits == "0" or not bits.startswith("0"))
    if not prefix_ok or (addr is not None and addr.version == 6 and addr.ipv4_mapped is not None):
        warnings.append(
            f"{path}: non-standard CIDR value {go_quote(value)} will be considered invalid in a future "
            f"Kubernetes release: use {go_quote(str(net))}"
        )
    if not warnings and addr is not None and addr.version == 6:
        canonical = f"{_netip_string(addr)}/{int(bits)}"
        if canonical != value:
            warnings.append(
                f"{path}: IPv6 CIDR value {go_quote(value)} should be in RFC 5952 canonical format "
                f"({go_quote(canonical)})"
            )
    return warnings


def warnings_for_service(svc: Any, old: Any = None) -> list[str]:
    """``GetWarningsForService(service, oldService)``: the texts kubectl prints after ``Warning:``.

    ``old`` is accepted for symmetry with upstream, which ignores it too.

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service(metadata={"name": "web"}, spec={"type": "ClusterIP", "externalName": "example.com"})
    >>> warnings_for_service(svc)
    ['spec.externalName is ignored when spec.type is not "ExternalName"']
    """
    if svc is None:
        return []
    s = svc.spec
    if s is None:
        return []
    warnings: list[str] = []
    if _ANN_TOPOLOGY_HINTS in (svc.metadata.annotations or {}):
        warnings.append(
            f"annotation {_ANN_TOPOLOGY_HINTS} is deprecated, please use {_ANN_TOPOLOGY_MODE} instead"
        )
    # helper.IsServiceIPSet: clusterIP neither "" nor "None"
    if s.clusterIP and s.clusterIP != "None":
        for i, ip in enumerate(s.clusterIPs or []):
            warnings += warnings_for_ip(f"spec.clusterIPs[{i}]", ip)
    # warnings.go's own isHeadlessService: type ClusterIP and clusterIP "None"
    headless = s.type == "ClusterIP" and s.clusterIP == "None"
    if headless:
        if s.loadBalancerIP:
            warnings.append("spec.loadBalancerIP is ignored for headless services")
        if s.externalIPs:
            warnings.append("spec.externalIPs is ignored for headless services")
        if (s.sessionAffinity or "") != "None":
            warnings.append("spec.SessionAffinity is ignored for headless services")
    for i, ip in enumerate(s.externalIPs or []):
        warnings += warnings_for_ip(f"spec.externalIPs[{i}]", ip)
    if s.loadBalancerIP:
        warnings += warnings_for_ip("spec.loadBalancerIP", s.loadBalancerIP)
    for i, cidr in enumerate(s.loadBalancerSourceRanges or []):
        warnings += warnings_for_cidr(f"spec.loadBalancerSourceRanges[{i}]", cidr)
    if s.type == "ExternalName" and s.externalIPs:
        warnings.append('spec.externalIPs is ignored when spec.type is "ExternalName"')
    if s.type != "ExternalName" and s.externalName:
        warnings.append('spec.externalName is ignored when spec.type is not "ExternalName"')
    return warnings
