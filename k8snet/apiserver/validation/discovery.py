"""Validation of discovery.k8s.io/v1 EndpointSlices.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/discovery/validation/validation.go``
(``ValidateEndpointSlice`` with ``validateAddressType``, ``validateEndpoints`` and ``validatePorts``), which
borrows ``ValidateNonSpecialIP`` and ``ValidateDNS1123Label`` from the core validation
(:mod:`k8snet.apiserver.validation.core`).
"""

from __future__ import annotations

from typing import Any

from k8snet.netutils import parse_ip_sloppy

from ..field import FieldError, Path, duplicate, invalid, not_supported, required, too_many
from .core import validate_dns1123_label, validate_non_special_ip, validate_qualified_name
from .generic import name_is_dns_subdomain
from .meta_v1 import validate_labels
from .objectmeta import validate_object_meta
from .util import is_dns1123_subdomain

__all__ = ["validate_endpoint_slice"]

_ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"]
# supportedPortProtocols: the discovery package keeps its own set (sorted, as sets.List gives it).
_PROTOCOLS = ["SCTP", "TCP", "UDP"]


def validate_endpoint_slice(es: Any) -> list[FieldError]:
    """``ValidateEndpointSlice``: metadata, addressType, endpoints (addresses per type, nodeName, hostname,
    deprecatedTopology) and ports (names, duplicates, protocol, appProtocol).

    Simplified: ``hints`` are not validated (only our own controller writes them).

    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> es = EndpointSlice(metadata={"name": "web-abc", "namespace": "default"}, addressType="IPv4",
    ...                    endpoints=[{"addresses": ["10.244.1.5"]}], ports=[{"name": "", "protocol": "TCP", "port": 80}])
    >>> validate_endpoint_slice(es)
    []
    """
    errs = validate_object_meta(es.metadata, True, name_is_dns_subdomain, Path("metadata"))
    at = es.addressType or ""
    if not at:
        errs.append(required(Path("addressType")))
    elif at not in _ADDRESS_TYPES:
        errs.append(not_supported(Path("addressType"), at, _ADDRESS_TYPES))
    epath = Path("endpoints")
    endpoints = es.endpoints or []
    if len(endpoints) > 1000:
        errs.append(too_many(epath, len(endpoints), 1000))
    else:
        for i, ep in enumerate(endpoints):
            ipath = epath.index(i)
            apath = ipath.child("addresses")
            if not ep.addresses:
                errs.append(required(apath, "must contain at least 1 address"))
            elif len(ep.addresses) > 100:
                errs.append(too_many(apath, len(ep.addresses), 100))
            for j, address in enumerate(ep.addresses or []):
                if at == "IPv4":
                    ip = parse_ip_sloppy(address)
                    if ip is None or ip.version != 4:
                        errs.append(invalid(apath.index(j), address, "must be a valid IPv4 address"))
                    else:
                        errs += validate_non_special_ip(address, apath.index(j))
                elif at == "IPv6":
                    ip = parse_ip_sloppy(address)
                    if ip is None or ip.version != 6:
                        errs.append(invalid(apath.index(j), address, "must be a valid IPv6 address"))
                    else:
                        errs += validate_non_special_ip(address, apath.index(j))
                elif at == "FQDN":
                    name = address.removesuffix(".")
                    msgs = is_dns1123_subdomain(name)
                    if msgs:
                        errs.append(invalid(apath.index(j), name, ",".join(msgs)))
            if ep.nodeName is not None:
                errs += [
                    invalid(ipath.child("nodeName"), ep.nodeName, m)
                    for m in name_is_dns_subdomain(ep.nodeName, False)
                ]
            tpath = ipath.child("deprecatedTopology")
            if ep.deprecatedTopology and len(ep.deprecatedTopology) > 16:
                errs.append(too_many(tpath, len(ep.deprecatedTopology), 16))
            errs += validate_labels(ep.deprecatedTopology, tpath)
            if ep.hostname is not None:
                errs += validate_dns1123_label(ep.hostname, ipath.child("hostname"))
    ppath = Path("ports")
    names: set[str] = set()
    for i, p in enumerate(es.ports or []):
        ipath = ppath.index(i)
        name = p.name or ""
        if name:
            errs += validate_dns1123_label(name, ipath.child("name"))
        if name in names:
            errs.append(duplicate(ipath.child("name"), name))
        else:
            names.add(name)
        if p.protocol is None:
            errs.append(required(ipath.child("protocol")))
        elif p.protocol not in _PROTOCOLS:
            errs.append(not_supported(ipath.child("protocol"), p.protocol, _PROTOCOLS))
        if p.appProtocol is not None:
            errs += validate_qualified_name(p.appProtocol, ipath.child("appProtocol"))
    return errs
