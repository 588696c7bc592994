"""Go's lenient IP and CIDR parsing, as ``k8s.io/utils/net`` (``netutils``) does it.

Kubernetes kept Go 1.16's ``net.ParseIP``/``net.ParseCIDR`` as ``netutils.ParseIPSloppy`` and
``ParseCIDRSloppy`` (``k8s.io/utils/net/parse.go``) because objects stored before Go 1.17 may hold IPv4
addresses with leading zeros (``172.30.0.041``): those octets are read as *decimal* (``041`` is 41, not 33).
kube-apiserver validates with these functions (and warns, see :mod:`k8snet.apiserver.warnings`) and
kube-proxy reads ClusterIPs, externalIPs, load-balancer IPs, ``loadBalancerSourceRanges`` and endpoint
addresses with them, so both need the same code.

This module sits at the top of the package (next to :mod:`k8snet.errors`) because the API server and
kube-proxy both use it and ``proxy`` must not import ``apiserver``; it is a Kubernetes-wide utility rather
than a rule-text format, so it does not belong in :mod:`k8snet.rules`.

>>> parse_ip_sloppy("172.30.0.041"), parse_ip_sloppy("myhost")
(IPv4Address('172.30.0.41'), None)
>>> parse_cidr_sloppy("203.0.113.000/025")
(IPv4Address('203.0.113.0'), IPv4Network('203.0.113.0/25'))
"""

from __future__ import annotations

import ipaddress

__all__ = ["IPAddress", "parse_ip_sloppy", "parse_cidr_sloppy", "ip_family", "canonical_ip"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse_ipv4_sloppy(s: str) -> ipaddress.IPv4Address | None:
    # parse.go parseIPv4 (Go 1.16): four decimal octets separated by dots, leading zeros ignored.
    parts = s.split(".")
    if len(parts) != 4:
        return None
    octets = []
    for p in parts:
        if not p or not p.isascii() or not p.isdigit():
            return None
        n = int(p)
        if n > 255:
            return None
        octets.append(n)
    return ipaddress.IPv4Address(".".join(map(str, octets)))


def parse_ip_sloppy(s: str) -> IPAddress | None:
    """``netutils.ParseIPSloppy``: an IP or ``None``; IPv4 octets may have leading zeros.

    IPv4-mapped IPv6 addresses (``::ffff:1.2.3.4``) come back as IPv4, as Go's ``net.IP.To4()`` treats them.

    >>> parse_ip_sloppy("010.0.0.1"), parse_ip_sloppy("myhost.mydomain"), parse_ip_sloppy("fd00::0001")
    (IPv4Address('10.0.0.1'), None, IPv6Address('fd00::1'))
    """
    if not s or not isinstance(s, str):
        return None
    if ":" not in s:
        return _parse_ipv4_sloppy(s)
    if "%" in s:
        return None
    head, sep, last = s.rpartition(":")
    if "." in last:
        v4 = _parse_ipv4_sloppy(last)
        if v4 is None:
            return None
        s = head + sep + str(v4)
    try:
        ip6 = ipaddress.IPv6Address(s)
    except ValueError:
        return None
    if ip6.ipv4_mapped is not None:
        return ip6.ipv4_mapped
    return ip6


def parse_cidr_sloppy(s: str) -> tuple[IPAddress, ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """``netutils.ParseCIDRSloppy``: ``(ip, network)`` or ``None``; octets and prefix may have leading zeros.

    >>> parse_cidr_sloppy("1.2.3.4/8")
    (IPv4Address('1.2.3.4'), IPv4Network('1.0.0.0/8'))
    >>> parse_cidr_sloppy("1.2.3.4/33") is None, parse_cidr_sloppy("1.2.3.4") is None
    (True, True)
    """
    if not isinstance(s, str):
        return None
    addr, sep, plen = s.partition("/")
    if not sep or not plen or not plen.isascii() or not plen.isdigit():
        return None
    ip = parse_ip_sloppy(addr)
    if ip is None:
        return None
    bits = int(plen)
    # An IPv4-mapped address keeps its 128-bit prefix length in Go; map it back to 32 bits.
    if ip.version == 4 and ":" in addr:
        if bits < 96:
            return None
        bits -= 96
    if bits > ip.max_prefixlen:
        return None
    return ip, ipaddress.ip_network(f"{ip}/{bits}", strict=False)


def ip_family(s: str) -> str | None:
    """``"IPv4"``, ``"IPv6"`` or ``None`` (not an IP), as ``netutils.IsIPv6String`` sees it (sloppily).

    >>> ip_family("10.0.0.010"), ip_family("fd00::1"), ip_family("nope")
    ('IPv4', 'IPv6', None)
    """
    ip = parse_ip_sloppy(s)
    if ip is None:
        return None
    return "IPv6" if ip.version == 6 else "IPv4"


def canonical_ip(s: str) -> str | None:
    """The address as Go's ``net.IP.String()`` prints a sloppily parsed IP (``"10.180.0.1"`` for
    ``"10.180.00.001"``); ``None`` if it is not an IP.

    >>> canonical_ip("10.180.00.001"), canonical_ip("FD00:0::1")
    ('10.180.0.1', 'fd00::1')
    """
    ip = parse_ip_sloppy(s)
    return None if ip is None else str(ip)


def join_host_port(host: str, port: object) -> str:
    """Go's ``net.JoinHostPort``: ``host:port``, an IPv6 address in brackets.

    >>> join_host_port("10.0.0.1", 80), join_host_port("fd00::1", 80)
    ('10.0.0.1:80', '[fd00::1]:80')
    """
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
