"""DNS names and the addresses written in them.

Fully qualified names (miekg/dns ``Fqdn``), the reverse names ``dig -x`` asks (``in-addr.arpa``,
``ip6.arpa``) and the address a reverse name stands for (coredns/coredns
``plugin/pkg/dnsutil/reverse.go`` ``ExtractAddressFromReverse``).

>>> fqdn("web.default.svc.cluster.local"), address_from_reverse(reverse_name("10.96.0.1"))
('web.default.svc.cluster.local.', '10.96.0.1')
"""

from __future__ import annotations

import ipaddress

__all__ = ["fqdn", "parse_ip", "reverse_name", "address_from_reverse"]


def parse_ip(s: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``s`` spells (Go's strict ``net.ParseIP``), or ``None``. A zone (``fe80::1%eth0``) is not
    an address to ``net.ParseIP``, though Python's ``ipaddress`` keeps it as a scope.

    >>> parse_ip("10.96.0.1"), parse_ip("web"), parse_ip("fe80::1%eth0")
    (IPv4Address('10.96.0.1'), None, None)
    """
    if not isinstance(s, str) or "%" in s:
        return None
    try:
        return ipaddress.ip_address(s)
    except ValueError:
        return None


def fqdn(name: str) -> str:
    """``name`` with the trailing dot of a fully qualified name.

    >>> fqdn("example.com"), fqdn("example.com.")
    ('example.com.', 'example.com.')
    """
    return name if name.endswith(".") else name + "."


def reverse_name(ip: str) -> str:
    """The ``in-addr.arpa``/``ip6.arpa`` name for an address (what ``dig -x`` asks).

    >>> reverse_name("10.96.0.1")
    '1.0.96.10.in-addr.arpa.'
    >>> reverse_name("fd00::1")[:12], reverse_name("fd00::1")[-10:]
    ('1.0.0.0.0.0.', '.ip6.arpa.')
    """
    return ipaddress.ip_address(ip).reverse_pointer + "."


def address_from_reverse(name: str) -> str:
    """The address a reverse name stands for, ``""`` if ``name`` is not one (``ExtractAddressFromReverse``).

    >>> address_from_reverse("1.0.96.10.in-addr.arpa."), address_from_reverse("web.default.svc.cluster.local")
    ('10.96.0.1', '')
    """
    # plugin/pkg/dnsutil/reverse.go ExtractAddressFromReverse
    name = name.lower()
    if name.endswith(".in-addr.arpa."):
        labels = name[: -len(".in-addr.arpa.")].split(".")
        ip = parse_ip(".".join(reversed(labels)))
        return str(ip) if ip is not None and ip.version == 4 else ""
    if name.endswith(".ip6.arpa."):
        labels = list(reversed(name[: -len(".ip6.arpa.")].split(".")))
        if len(labels) != 32 or any(len(x) != 1 for x in labels):
            return ""
        groups = ["".join(labels[i : i + 4]) for i in range(0, 32, 4)]
        ip = parse_ip(":".join(groups))
        return str(ip) if ip is not None else ""
    return ""
