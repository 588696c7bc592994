"""ClusterIP and NodePort allocation, as kube-apiserver v1.34 does it.

Two allocators share one shape (KEP-3070, "reserve Service IP ranges for dynamic and static allocation"):
the range is split at an *offset* into a lower **static band**, preferred by nobody and kept for addresses a
user asks for, and an upper **dynamic band** where automatic allocation starts at a random position and scans
forward (wrapping); only when the upper band is full does it scan the lower band from a random position.

* ClusterIPs: kubernetes/kubernetes ``pkg/registry/core/service/ipallocator/ipallocator.go``
  (``allocateNextService``, ``ipIterator``, ``hostsPerNetwork``) and ``bitmap.go`` (``calculateRangeOffset``:
  offset = ``min(max(16, cidrSize/16), 256)``). The network address is never allocatable and neither is the IPv4
  broadcast address, so for ``10.96.0.0/12`` the static band is ``10.96.0.1``-``10.96.1.0`` and the dynamic
  band ``10.96.1.1``-``10.111.255.254``. IPv6 ranges keep their last (all-ones) address, since IPv6 has no
  broadcast (``hostsPerNetwork``: 2^x - 1 addresses); for kind's ``fd00:10:96::/112`` the static band is
  ``fd00:10:96::1``-``fd00:10:96::100`` and the dynamic band ``fd00:10:96::101``-``fd00:10:96::ffff``. One
  allocator serves one family; a dual-stack API server has one per family (``alloc.go``
  ``serviceIPAllocatorsByFamily``).
* NodePorts: ``pkg/registry/core/service/portallocator/allocator.go`` (``calculateRangeOffset``: offset =
  ``min(max(16, size/32), 128)``) over ``allocator/bitmap.go``'s ``randomScanStrategyWithOffset``; for
  30000-32767 the static band is 30000-30085.

Simplification: upstream draws the random start from Go's ``math/rand`` seeded with the wall clock; we draw it
from a :class:`random.Random` seeded by the cluster, so the same seed gives the same addresses, but not the
ones a real cluster would pick. A requested address or port is honoured exactly as upstream.

Error texts (``str(err)`` of the exceptions below) are upstream's allocator errors; the API server wraps them
into field errors the way ``pkg/registry/core/service/storage/alloc.go`` does (see :func:`cluster_ip_cause`).
"""

from __future__ import annotations

import ipaddress
import random

from k8snet.api.field import go_json
from k8snet.apiserver.store import TransactionalRandom
from k8snet.errors import Cause

__all__ = [
    "AllocationError",
    "RangeFullError",
    "AlreadyAllocatedError",
    "NotInRangeError",
    "MismatchedNetworkError",
    "ClusterIPAllocator",
    "NodePortAllocator",
    "cluster_ip_cause",
    "node_port_cause",
    "parse_port_range",
]


class AllocationError(Exception):
    """Base of allocator failures; ``str()`` is upstream's error text."""


class RangeFullError(AllocationError):
    def __init__(self) -> None:
        super().__init__("range is full")


class AlreadyAllocatedError(AllocationError):
    def __init__(self, what: str = "IP") -> None:
        # ipallocator.ErrAllocated / portallocator.ErrAllocated
        super().__init__(f"provided {what} is already allocated")


class MismatchedNetworkError(AllocationError):
    """An IP outside every Service CIDR (``cidrallocator.go`` ``getAllocator`` returns ErrMismatchedNetwork)."""

    def __init__(self) -> None:
        super().__init__("the provided network does not match the current range")


class NotInRangeError(AllocationError):
    """A NodePort outside ``--service-node-port-range`` (portallocator ``ErrNotInRange``)."""

    def __init__(self, valid: str) -> None:
        super().__init__(f"provided port is not in the valid range. The range of valid ports is {valid}")


class _BandedRange:
    """Offsets ``0..size-1`` split at ``offset``: dynamic picks scan the upper band first, then the lower."""

    def __init__(self, size: int, offset: int, rng: random.Random):
        self.size = size
        self.offset = offset
        self.rng = rng
        self.used: set[int] = set()
        self._shared = False  # ``used`` is also held by a snapshot: copy it before the next change

    # snapshot/restore let the API server make a request all-or-nothing. Copy-on-write: a snapshot shares the
    # set, and only a request that allocates or releases copies it, so requests that do not touch Services
    # cost nothing here however many addresses are in use.
    def snapshot(self) -> tuple:
        self._shared = True
        rng = self.rng
        return (self.used, rng.snapshot() if isinstance(rng, TransactionalRandom) else rng.getstate())

    def restore(self, snap: tuple) -> None:
        self.used = snap[0]
        self._shared = True
        if isinstance(self.rng, TransactionalRandom):
            self.rng.restore(snap[1])
        else:
            self.rng.setstate(snap[1])

    def add(self, offset: int) -> None:
        if self._shared:
            self.used, self._shared = set(self.used), False
        self.used.add(offset)

    def discard(self, offset: int) -> None:
        if self._shared:
            self.used, self._shared = set(self.used), False
        self.used.discard(offset)

    def allocate_next(self) -> int:
        if len(self.used) >= self.size:
            raise RangeFullError()
        upper = self.size - self.offset
        if upper > 0:
            start = self.rng.randrange(upper)
            for i in range(upper):
                at = self.offset + (start + i) % upper
                if at not in self.used:
                    self.add(at)
                    return at
        if self.offset > 0:
            start = self.rng.randrange(self.offset)
            for i in range(self.offset):
                at = (start + i) % self.offset
                if at not in self.used:
                    self.add(at)
                    return at
        raise RangeFullError()


class ClusterIPAllocator:
    """Allocates Service ClusterIPs from one Service CIDR (IPv4 or IPv6: :attr:`family`).

    Examples
    --------
    >>> alloc = ClusterIPAllocator("10.96.0.0/12", seed=0)
    >>> alloc.allocate("10.96.0.1"); alloc.allocate("10.96.0.10")
    >>> alloc.static_band, alloc.dynamic_band
    (('10.96.0.1', '10.96.1.0'), ('10.96.1.1', '10.111.255.254'))
    >>> ip = alloc.allocate_next()
    >>> ipaddress.ip_address(ip) >= ipaddress.ip_address("10.96.1.1")
    True
    >>> try:
    ...     alloc.allocate("10.96.0.10")
    ... except AllocationError as err:
    ...     print(err)
    provided IP is already allocated
    >>> alloc.release("10.96.0.10"); alloc.has("10.96.0.10")
    False
    >>> v6 = ClusterIPAllocator("fd00:10:96::/112")
    >>> v6.family, v6.nth(1), v6.nth(10), v6.static_band, v6.dynamic_band
    ('IPv6', 'fd00:10:96::1', 'fd00:10:96::a', ('fd00:10:96::1', 'fd00:10:96::100'), ('fd00:10:96::101', 'fd00:10:96::ffff'))
    """

    def __init__(self, cidr: str, seed: int = 0):
        self.network = ipaddress.ip_network(cidr, strict=False)
        #: ``"IPv4"`` or ``"IPv6"``.
        self.family = "IPv6" if self.network.version == 6 else "IPv4"
        self.cidr = str(self.network)
        total = self.network.num_addresses
        # ipallocator.go: first = network+1; last = broadcast-1 for IPv4, the last address for IPv6
        # (hostsPerNetwork: 2^x - 2 for IPv4, 2^x - 1 for IPv6).
        self._first = int(self.network.network_address) + 1
        self.size = max(total - (2 if self.family == "IPv4" else 1), 0)
        self.offset = self._range_offset(total)
        # each family draws from its own stream: an IPv4 range picks the same addresses with or without an
        # IPv6 range next to it
        stream = f"clusterip:{seed}" if self.family == "IPv4" else f"clusterip6:{seed}"
        self._band = _BandedRange(self.size, self.offset, TransactionalRandom(stream))

    @staticmethod
    def _range_offset(cidr_size: int) -> int:
        # bitmap.go calculateRangeOffset: min(max($min, cidrSize/$step), $max), 0 for tiny ranges.
        lo, hi, step = 16, 256, 16
        if cidr_size <= lo:
            return 0
        return min(max(lo, cidr_size // step), hi)

    def _ip(self, off: int) -> str:
        return str(
            ipaddress.ip_address(self._first + off)
            if self.family == "IPv4"
            else ipaddress.IPv6Address(self._first + off)
        )

    def _offset_of(self, ip: str) -> int:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError as exc:
            raise MismatchedNetworkError() from exc
        off = int(addr) - self._first
        # servicecidr.PrefixContainsIP excludes the network and (IPv4) broadcast address.
        if addr.version != self.network.version or addr not in self.network or off < 0 or off >= self.size:
            raise MismatchedNetworkError()
        return off

    @property
    def static_band(self) -> tuple[str, str]:
        """First and last address of the band reserved for requested (static) ClusterIPs."""
        return (self._ip(0), self._ip(self.offset - 1)) if self.offset else ("", "")

    @property
    def dynamic_band(self) -> tuple[str, str]:
        """First and last address of the band automatic allocation prefers."""
        return (self._ip(self.offset), self._ip(self.size - 1))

    def nth(self, n: int) -> str:
        """The ``n``-th address of the range, 1-based (``nth(1)`` is the ``kubernetes`` Service's IP)."""
        return self._ip(n - 1)

    def allocate(self, ip: str) -> None:
        """Reserve a requested address; raises :class:`MismatchedNetworkError` or
        :class:`AlreadyAllocatedError`."""
        off = self._offset_of(ip)
        if off in self._band.used:
            raise AlreadyAllocatedError("IP")
        self._band.add(off)

    def allocate_next(self) -> str:
        """Pick a free address: the dynamic band first, from a seeded random start; then the static band."""
        return self._ip(self._band.allocate_next())

    def release(self, ip: str) -> None:
        """Free an address; releasing an unallocated or foreign address is a no-op (as upstream)."""
        try:
            self._band.discard(self._offset_of(ip))
        except MismatchedNetworkError:
            pass

    def has(self, ip: str) -> bool:
        try:
            return self._offset_of(ip) in self._band.used
        except MismatchedNetworkError:
            return False

    def allocated(self) -> list[str]:
        """Every allocated address, in address order."""
        return [self._ip(o) for o in sorted(self._band.used)]

    def free(self) -> int:
        return self.size - len(self._band.used)

    def snapshot(self) -> tuple:
        return self._band.snapshot()

    def dump_state(self) -> set[int]:
        """The offsets in use (what :meth:`k8snet.apiserver.store.Store.dump` prints)."""
        return self._band.used

    def restore(self, snap: tuple) -> None:
        self._band.restore(snap)


def parse_port_range(spec: str | tuple[int, int]) -> tuple[int, int]:
    """``"30000-32767"`` (or ``"30000+2768"``, ``net.ParsePortRange``) → ``(30000, 32767)``.

    >>> parse_port_range("30000-32767"), parse_port_range("30000+10")
    ((30000, 32767), (30000, 30009))
    """
    if isinstance(spec, tuple):
        return spec
    if "+" in spec:
        base, size = spec.split("+", 1)
        return int(base), int(base) + int(size) - 1
    if "-" in spec:
        lo, hi = spec.split("-", 1)
        return int(lo), int(hi)
    return int(spec), int(spec)


class NodePortAllocator:
    """Allocates NodePorts (and healthCheckNodePorts) from ``--service-node-port-range``.

    Examples
    --------
    >>> ports = NodePortAllocator("30000-32767", seed=0)
    >>> ports.offset, ports.static_band
    (86, (30000, 30085))
    >>> ports.allocate(30000)
    >>> 30086 <= ports.allocate_next() <= 32767
    True
    >>> try:
    ...     ports.allocate(80)
    ... except AllocationError as err:
    ...     print(err)
    provided port is not in the valid range. The range of valid ports is 30000-32767
    """

    def __init__(self, port_range: str | tuple[int, int] = "30000-32767", seed: int = 0):
        self.base, self.last = parse_port_range(port_range)
        self.size = self.last - self.base + 1
        self.range_spec = f"{self.base}-{self.last}"
        self.offset = self._range_offset(self.size)
        self._band = _BandedRange(self.size, self.offset, TransactionalRandom(f"nodeport:{seed}"))

    @staticmethod
    def _range_offset(size: int) -> int:
        # portallocator/allocator.go calculateRangeOffset: min(max(16, size/32), 128); 0 if size <= 16.
        lo, hi, step = 16, 128, 32
        if size <= lo:
            return 0
        return min(max(lo, size // step), hi)

    @property
    def static_band(self) -> tuple[int, int]:
        return (self.base, self.base + self.offset - 1)

    def allocate(self, port: int) -> None:
        if not self.base <= port <= self.last:
            raise NotInRangeError(self.range_spec)
        if port - self.base in self._band.used:
            raise AlreadyAllocatedError("port")
        self._band.add(port - self.base)

    def allocate_next(self) -> int:
        return self.base + self._band.allocate_next()

    def release(self, port: int) -> None:
        self._band.discard(port - self.base)

    def has(self, port: int) -> bool:
        return port - self.base in self._band.used

    def allocated(self) -> list[int]:
        return [self.base + o for o in sorted(self._band.used)]

    def free(self) -> int:
        return self.size - len(self._band.used)

    def snapshot(self) -> tuple:
        return self._band.snapshot()

    def dump_state(self) -> set[int]:
        """The offsets in use (what :meth:`k8snet.apiserver.store.Store.dump` prints)."""
        return self._band.used

    def restore(self, snap: tuple) -> None:
        self._band.restore(snap)


def cluster_ip_cause(cluster_ips: list[str], ip: str, err: AllocationError) -> Cause:
    """The field error ``alloc.go`` ``allocIPs`` returns for a requested ClusterIP that cannot be had.

    >>> print(cluster_ip_cause(["10.96.0.10"], "10.96.0.10", AlreadyAllocatedError()))
    spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated
    """
    # since v1.33 field.Error prints a non-scalar bad value as JSON (``["10.96.0.10"]``), older releases as Go
    # syntax (``[]string{"10.96.0.10"}``)
    return Cause(
        "FieldValueInvalid",
        "spec.clusterIPs",
        f"Invalid value: {go_json(cluster_ips)}: failed to allocate IP {ip}: {err}",
    )


def node_port_cause(index: int, port: int, err: AllocationError) -> Cause:
    """The field error ``alloc.go`` ``initNodePorts``/``updateNodePorts`` returns for a requested NodePort.

    >>> print(node_port_cause(0, 80, NotInRangeError("30000-32767")))
    spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767
    """
    return Cause("FieldValueInvalid", f"spec.ports[{index}].nodePort", f"Invalid value: {port}: {err}")
