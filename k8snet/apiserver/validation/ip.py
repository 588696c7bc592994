"""IP addresses and CIDRs in legacy API fields, with ``StrictIPCIDRValidation`` off (the 1.34 default).

A port of k8s.io/apimachinery ``pkg/util/validation/ip.go`` (``IsValidIPForLegacyField``,
``IsValidCIDRForLegacyField``). Parsing is k8s.io/utils/net's sloppy parsing, which lives in
:mod:`k8snet.netutils` because kube-proxy, which must not import the API server, reads addresses the same way:
leading zeros are accepted (``172.30.0.041`` is ``172.30.0.41``), and the API server only warns about them
(:mod:`k8snet.apiserver.warnings`).
"""

from __future__ import annotations

from k8snet.netutils import parse_cidr_sloppy, parse_ip_sloppy

from ..field import FieldError, Path, invalid

__all__ = ["is_valid_ip", "is_valid_cidr"]


def is_valid_ip(path: Path | str, value: str) -> list[FieldError]:
    """``IsValidIPForLegacyField`` with strict validation off (the 1.34 default).

    >>> [e.error() for e in is_valid_ip("spec.clusterIPs[0]", "garbage-ip")]
    ['spec.clusterIPs[0]: Invalid value: "garbage-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']
    """
    if parse_ip_sloppy(value) is None:
        return [invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    return []


def is_valid_cidr(path: Path | str, value: str) -> list[FieldError]:
    """``IsValidCIDRForLegacyField`` with strict validation off (the 1.34 default).

    >>> [e.error() for e in is_valid_cidr("x", "1.2.3.4/33")]
    ['x: Invalid value: "1.2.3.4/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']
    """
    if parse_cidr_sloppy(value) is None:
        return [invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")]
    return []
