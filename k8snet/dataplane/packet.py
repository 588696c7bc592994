"""Packets as the dataplane sees them: a 5-tuple plus the interface it arrived on.

A packet is IPv4 or IPv6 (both addresses of one family); IPv6 addresses are kept in their canonical spelling.

>>> p = Packet("10.0.0.2", "172.30.0.41", dst_port=80)
>>> p
Packet(TCP 10.0.0.2:40000 -> 172.30.0.41:80)
>>> p.reply()
Packet(TCP 172.30.0.41:80 -> 10.0.0.2:40000)
>>> Packet("10.0.0.2", "10.0.0.300")
Traceback (most recent call last):
...
k8snet.errors.ConfigError: Packet(dst_ip='10.0.0.300'): not an IP address
>>> Packet("FD00:10::0002", "fd00:10:96::a", dst_port=53)
Packet(TCP [fd00:10::2]:40000 -> [fd00:10:96::a]:53)
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from k8snet.errors import ConfigError

__all__ = ["Packet", "format_endpoint", "ip_to_int"]

_PROTOCOLS = {"TCP", "UDP", "SCTP", "ICMP"}


def ip_to_int(text: str) -> tuple[int, int]:
    """``(version, integer)`` of an IP address; raises ``ValueError`` if it is not one.

    IPv4 is parsed by hand because every packet needs it (``ipaddress`` is ~10x slower).

    >>> ip_to_int("10.0.0.1"), ip_to_int("::1")
    ((4, 167772161), (6, 1))
    """
    cached = _IP_CACHE.get(text)
    if cached is not None:
        return cached
    parts = text.split(".")
    result = None
    if len(parts) == 4 and text.replace(".", "").isdigit() and max(len(p) for p in parts) <= 3:
        a, b, c, d = int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3])
        if a <= 255 and b <= 255 and c <= 255 and d <= 255 and min(len(p) for p in parts) > 0:
            result = (4, (a << 24) | (b << 16) | (c << 8) | d)
    if result is None:
        addr = ipaddress.ip_address(text)
        result = (addr.version, int(addr))
    if len(_IP_CACHE) > 100000:
        _IP_CACHE.clear()
    _IP_CACHE[text] = result
    return result


_IP_CACHE: dict[str, tuple[int, int]] = {}


def format_endpoint(ip: str, port: int | None) -> str:
    """``ip:port`` (``[ip]:port`` for IPv6), as ``net.JoinHostPort`` writes it.

    >>> format_endpoint("10.180.0.1", 80), format_endpoint("fd00::1", 80)
    ('10.180.0.1:80', '[fd00::1]:80')
    """
    if port is None:
        return ip
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


@dataclass(frozen=True)
class Packet:
    """One packet: addresses, protocol (``TCP``/``UDP``/``SCTP``, Kubernetes spelling) and ports.

    ``in_interface`` is the interface an incoming packet arrived on (``None`` for locally generated
    packets); ``mark`` is the initial packet mark (normally 0).
    """

    src_ip: str
    dst_ip: str
    protocol: str = "TCP"
    src_port: int = 40000
    dst_port: int = 80
    in_interface: str | None = None
    mark: int = 0

    def __post_init__(self):
        proto = self.protocol.upper() if isinstance(self.protocol, str) else None
        if proto not in _PROTOCOLS:
            raise ConfigError(
                f"Packet(protocol={self.protocol!r}): unsupported protocol; "
                f"choose one of {sorted(_PROTOCOLS)}"
            )
        object.__setattr__(self, "protocol", proto)
        versions = []
        for arg in ("src_ip", "dst_ip"):
            value = getattr(self, arg)
            try:
                versions.append(ip_to_int(value)[0])
            except (TypeError, ValueError, AttributeError):
                raise ConfigError(f"Packet({arg}={value!r}): not an IP address") from None
            if versions[-1] == 6:
                # one spelling per address (conntrack tuples, rule matches and traces compare text):
                # what inet_ntop and Go's net.IP.String() print
                object.__setattr__(self, arg, str(ipaddress.ip_address(value)))
        if versions[0] != versions[1]:
            raise ConfigError(
                f"Packet(src_ip={self.src_ip!r}, dst_ip={self.dst_ip!r}): the addresses are of different IP "
                "families (an IPv4 packet has IPv4 addresses, an IPv6 packet IPv6 ones)"
            )
        for arg in ("src_port", "dst_port"):
            value = getattr(self, arg)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535
            ):
                raise ConfigError(f"Packet({arg}={value!r}): a port is an integer from 0 to 65535")

    @property
    def proto(self) -> str:
        """Lower-case protocol name as iptables writes it (``tcp``)."""
        return self.protocol.lower()

    def reply(self) -> Packet:
        """The packet the destination would send back (addresses and ports swapped)."""
        return replace(
            self,
            src_ip=self.dst_ip,
            dst_ip=self.src_ip,
            src_port=self.dst_port,
            dst_port=self.src_port,
            in_interface=None,
            mark=0,
        )

    def __repr__(self) -> str:
        return (
            f"Packet({self.protocol} {format_endpoint(self.src_ip, self.src_port)} -> "
            f"{format_endpoint(self.dst_ip, self.dst_port)})"
        )
