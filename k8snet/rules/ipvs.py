"""IPVS and ipset state as typed objects, and the text the node's tools print for it.

What kube-proxy's IPVS mode leaves on a node, and how an operator sees it:

- virtual servers with their real servers (``ipvsadm -Ln``, ``ipvsadm-save -n``);
- ipsets (``ipset list``, ``ipset save``);
- addresses bound to the dummy interface ``kube-ipvs0`` (``ip addr show kube-ipvs0``);
- a small ``iptables-restore`` payload (kept as text in :attr:`IPVSState.iptables`).

The proxy package (:mod:`k8snet.proxy.ipvs`) builds an :class:`IPVSState`; the dataplane
(:mod:`k8snet.dataplane.ipvs`) runs one. Neither imports the other; this module imports nothing
from k8snet.

``ipvsadm -Ln`` follows ipvsadm's ``print_title``/``print_service_entry``/``list_all``
(``ipvsadm.c``; read in the ipvsadm sources as mirrored in forks of ``lvs/ipvsadm``):

- header ``IP Virtual Server version 1.2.1 (size=4096)`` (``NVERSION(ipvs_info.version)``, the
  connection table size, 4096 with the default ``CONFIG_IP_VS_TAB_BITS=12``);
- a service line ``"%s  %s"`` (protocol, ``addr:port``) then ``" %s"`` scheduler, then
  ``" persistent %u"`` for persistent services;
- a destination line ``"  -> %-28s %-7s %-6d %-10u %-10u\\n"`` (address, forwarding method,
  weight, active and inactive connections) -- note the trailing blanks of the last column;
- services and destinations are sorted (``ipvs_sort_services``/``ipvs_sort_dests`` in
  ``libipvs.c``) by fwmark, address family, protocol number, address, port, where the address
  comparison is ``r = ntohl(a) - ntohl(b)`` stored in a C ``int``: the unsigned difference
  wraps, so ``192.168.0.2`` sorts *before* ``10.96.0.1`` (their difference exceeds 2^31).
  :func:`ipvs_cmp` reproduces that arithmetic; ``qsort`` with such a comparator is only
  well-defined when it is consistent, which it is for the address sets of a cluster (we sort with
  Python's stable sort).

``ipset list``/``ipset save`` follow ipset 7.x output. Revisions are those of a Linux 6.x kernel
(``IPSET_TYPE_REV_MAX`` in ``net/netfilter/ipset/ip_set_hash_*.c``: hash:ip 6, hash:ip,port 7,
hash:ip,port,ip 6, hash:ip,port,net 8; bitmap:port 3). Simplifications: members are printed
sorted (the kernel prints hash buckets in hash order; ``ipset list -sorted`` sorts as we do),
``initval`` (random per set in the kernel) is derived from the set name, and ``Size in memory``
is an estimate, not the kernel's number.

>>> vs = VirtualServer("TCP", "10.96.0.1", 443, real_servers=[RealServer("172.18.0.2", 6443)])
>>> state = IPVSState(virtual_servers=[vs])
>>> print(ipvsadm_ln(state), end="")  # doctest: +NORMALIZE_WHITESPACE
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 172.18.0.2:6443              Masq    1      0          0
>>> parse_ipvsadm_ln(ipvsadm_ln(state)) == [vs]
True
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from k8snet.errors import K8snetError
from k8snet.i18n import N_, message

__all__ = [
    "RealServer",
    "VirtualServer",
    "IPSet",
    "IPVSState",
    "IPVSParseError",
    "SET_TYPES",
    "ipvs_cmp",
    "sorted_virtual_servers",
    "ipvsadm_ln",
    "ipvsadm_save",
    "parse_ipvsadm_ln",
    "parse_ipvsadm_save",
    "read_ipvsadm",
    "IpvsadmListing",
    "ListedService",
    "ListedDestination",
    "ipset_list",
    "ipset_save",
    "parse_ipset_list",
    "parse_ipset_save",
    "ip_addr_show",
    "format_addr_port",
    "ipset_entry_matches",
    "with_weight",
    "FORWARD_METHODS",
]

#: ``IPSET_TYPE_REV_MAX`` of each set type kube-proxy uses, on a Linux 6.x kernel.
SET_TYPES: dict[str, int] = {
    "hash:ip": 6,
    "hash:ip,port": 7,
    "hash:ip,port,ip": 6,
    "hash:ip,port,net": 8,
    "bitmap:port": 3,
}

_PROTO_NUMBER = {"TCP": 6, "UDP": 17, "SCTP": 132}
#: ``fwd_name`` in ipvsadm.c: the connection-flag names of the forwarding methods.
FORWARD_METHODS = ("Masq", "Local", "Tunnel", "Route")
_FWD_SWITCH = {"Masq": "-m", "Tunnel": "-i", "Local": "-g", "Route": "-g"}
_SWITCH_FWD = {"-m": "Masq", "-i": "Tunnel", "-g": "Route"}
_SAVE_PROTO = {"TCP": "-t", "UDP": "-u", "SCTP": "--sctp-service"}
_SAVE_PROTO_REV = {v: k for k, v in _SAVE_PROTO.items()}


class IPVSParseError(K8snetError, ValueError):
    """Text that is not ``ipvsadm``/``ipset`` output; names the line."""

    def __init__(self, lineno: int, text: str, reason: str):
        self.lineno, self.text, self.reason = lineno, text, reason
        super().__init__(f'line {lineno}: "{text}": {reason}')


def format_addr_port(address: str, port: int) -> str:
    """``addr:port`` as ipvsadm prints it (``[addr]:port`` for IPv6).

    >>> format_addr_port("10.96.0.1", 443), format_addr_port("fd00::1", 80)
    ('10.96.0.1:443', '[fd00::1]:80')
    """
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _split_addr_port(text: str) -> tuple[str, int]:
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return str(ipaddress.ip_address(host)), int(rest[1:])
    host, _, port = text.rpartition(":")
    return str(ipaddress.ip_address(host)), int(port)


@dataclass(frozen=True)
class RealServer:
    """An IPVS destination (``utilipvs.RealServer``): kube-proxy always adds Masq (NAT) with weight 1."""

    address: str
    port: int
    weight: int = 1
    forward: str = "Masq"
    active_conn: int = 0
    inactive_conn: int = 0

    def __str__(self) -> str:
        # RealServer.String() in pkg/proxy/ipvs/util/ipvs.go: net.JoinHostPort.
        return format_addr_port(self.address, self.port)


@dataclass(frozen=True)
class VirtualServer:
    """An IPVS service (``utilipvs.VirtualServer``) with its destinations.

    ``timeout`` is the persistence timeout (``persistent N``), 0 when the service is not
    persistent. ``flags`` holds scheduler flags other than persistence (kube-proxy sets
    ``"sh-port"``-style source hashing only for the ``mh`` scheduler).
    """

    protocol: str
    address: str
    port: int
    scheduler: str = "rr"
    timeout: int = 0
    real_servers: list[RealServer] = field(default_factory=list, compare=True, hash=False)
    flags: tuple[str, ...] = ()

    @property
    def persistent(self) -> bool:
        return self.timeout > 0

    @property
    def key(self) -> tuple[str, str, int]:
        """``(protocol, address, port)``: what IPVS looks a packet up by."""
        return (self.protocol, self.address, self.port)

    def __str__(self) -> str:
        # VirtualServer.String(): net.JoinHostPort(address, port) + "/" + protocol
        return f"{format_addr_port(self.address, self.port)}/{self.protocol}"


@dataclass
class IPSet:
    """One ipset as kube-proxy creates it (``pkg/proxy/ipvs/ipset/ipset.go``: ``createSet``).

    Hash sets get ``family``, ``hashsize 1024`` and ``maxelem 65536``; bitmap:port sets
    ``range 0-65535``. ``comment`` is kube-proxy's description of the set: it is used in the
    iptables rules' ``--comment``, not given to ipset. ``entries`` are ipset entry strings
    (``10.96.0.1,tcp:443``, ``30080``, ``1.2.3.4,tcp:80,10.0.0.0/8``).
    """

    name: str
    set_type: str
    comment: str = ""
    family: str = "inet"
    hashsize: int = 1024
    maxelem: int = 65536
    port_range: str = "0-65535"
    entries: set[str] = field(default_factory=set)

    @property
    def is_bitmap(self) -> bool:
        return self.set_type.startswith("bitmap:")

    def header(self, kernel_fields: bool = True) -> str:
        """The ``Header:`` text of ``ipset list`` (also the create options of ``ipset save``)."""
        if self.is_bitmap:
            return f"range {self.port_range}"
        text = f"family {self.family} hashsize {self.hashsize} maxelem {self.maxelem}"
        if kernel_fields:
            text += f" bucketsize 12 initval {_initval(self.name)}"
        return text

    def sorted_entries(self) -> list[str]:
        return sorted(self.entries, key=_entry_sort_key)

    def __contains__(self, entry: str) -> bool:
        return entry in self.entries


def _initval(name: str) -> str:
    # The kernel draws initval at random when the set is created; we derive it from the name.
    return "0x" + hashlib.sha256(name.encode()).hexdigest()[:8]


def _entry_sort_key(entry: str):
    parts = entry.split(",")
    key = []
    for p in parts:
        if p.isdigit():
            key.append((0, int(p), ""))
            continue
        proto, sep, port = p.partition(":")
        if sep and port.isdigit() and proto.isalpha():
            key.append((1, int(port), proto))
            continue
        try:
            net = ipaddress.ip_network(p, strict=False)
            key.append((2, int(net.network_address), str(net.prefixlen)))
        except ValueError:
            key.append((3, 0, p))
    return key


@dataclass
class IPVSState:
    """Everything kube-proxy's IPVS mode programs on one node after one sync.

    ``bound_addresses`` are the addresses on ``kube-ipvs0``; ``node_addresses`` the node's other
    local addresses (kube-proxy's ``GetAllLocalAddressesExcept("kube-ipvs0")``, loopback excluded);
    ``iptables`` the ``iptables-restore`` payload; ``jump_rules`` the rules kube-proxy ensures in the
    built-in chains outside that payload, as ``(table, chain, rule text)``.
    """

    virtual_servers: list[VirtualServer] = field(default_factory=list)
    ipsets: dict[str, IPSet] = field(default_factory=dict)
    bound_addresses: list[str] = field(default_factory=list)
    node_addresses: list[str] = field(default_factory=list)
    iptables: str = ""
    jump_rules: list[tuple[str, str, str]] = field(default_factory=list)
    dummy_device: str = "kube-ipvs0"

    def virtual_server(self, protocol: str, address: str, port: int) -> VirtualServer | None:
        """The virtual server for ``(protocol, address, port)``, or ``None``."""
        want = (protocol.upper(), str(ipaddress.ip_address(address)), int(port))
        for vs in self.virtual_servers:
            if vs.key == want:
                return vs
        return None

    def iptables_save(self) -> str:
        """The payload plus the built-in chains' jump rules (placed before the table's own rules, as
        ``EnsureRule(Prepend)`` leaves them): the whole of what the iptables executor needs.
        """
        result: list[str] = []
        table = None
        done: set[str] = set()
        for line in self.iptables.splitlines():
            if line.startswith("*"):
                table = line[1:]
            elif table is not None and table not in done and not line.startswith(":"):
                result.extend(rule for t, _chain, rule in self.jump_rules if t == table)
                done.add(table)
            result.append(line)
        return "\n".join(result) + "\n"


# --- ipvsadm ------------------------------------------------------------------------------


def _c_int(value: int) -> int:
    """``value`` stored in a 32-bit C ``int`` (two's complement wrap)."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _addr_words(address: str) -> tuple[int, list[int]]:
    a = ipaddress.ip_address(address)
    if a.version == 4:
        return 2, [int(a)]  # AF_INET = 2
    n = int(a)
    return 10, [(n >> (96 - 32 * i)) & 0xFFFFFFFF for i in range(4)]  # AF_INET6 = 10


def ipvs_cmp(a: tuple[str, str, int], b: tuple[str, str, int]) -> int:
    """``ipvs_cmp_services`` of libipvs.c for ``(protocol, address, port)`` keys (fwmark 0).

    Address words are compared as ``int r = ntohl(x) - ntohl(y)``, so large differences wrap:

    >>> ipvs_cmp(("TCP", "192.168.0.2", 30080), ("TCP", "10.96.0.1", 443)) < 0
    True
    >>> ipvs_cmp(("TCP", "10.96.0.10", 53), ("UDP", "10.96.0.10", 53)) < 0
    True
    """
    af_a, wa = _addr_words(a[1])
    af_b, wb = _addr_words(b[1])
    if af_a != af_b:
        return af_a - af_b
    r = _PROTO_NUMBER.get(a[0], 0) - _PROTO_NUMBER.get(b[0], 0)
    if r:
        return r
    for x, y in zip(wa, wb, strict=True):
        r = _c_int(x - y)
        if r:
            return r
    return a[2] - b[2]


def _dest_cmp(a: RealServer, b: RealServer) -> int:
    # ipvs_cmp_dests: address words then port (same wrapping subtraction)
    _, wa = _addr_words(a.address)
    _, wb = _addr_words(b.address)
    for x, y in zip(wa, wb, strict=False):
        r = _c_int(x - y)
        if r:
            return r
    return a.port - b.port


def sorted_virtual_servers(servers: list[VirtualServer]) -> list[VirtualServer]:
    """Virtual servers in ``ipvsadm -L`` order (see :func:`ipvs_cmp`)."""
    return sorted(servers, key=functools.cmp_to_key(lambda x, y: ipvs_cmp(x.key, y.key)))


def _sorted_dests(dests: list[RealServer]) -> list[RealServer]:
    return sorted(dests, key=functools.cmp_to_key(_dest_cmp))


def ipvsadm_ln(state: IPVSState | list[VirtualServer], size: int = 4096) -> str:
    """``ipvsadm -Ln`` output, byte for byte (including the trailing blanks of each destination line).

    >>> vs = VirtualServer("UDP", "10.96.0.10", 53, timeout=10800,
    ...                    real_servers=[RealServer("10.244.0.3", 53), RealServer("10.244.0.2", 53)])
    >>> for line in ipvsadm_ln([vs]).splitlines()[3:]:
    ...     print(repr(line))
    'UDP  10.96.0.10:53 rr persistent 10800'
    '  -> 10.244.0.2:53                 Masq    1      0          0         '
    '  -> 10.244.0.3:53                 Masq    1      0          0         '
    """
    servers = state.virtual_servers if isinstance(state, IPVSState) else state
    lines = [
        f"IP Virtual Server version 1.2.1 (size={size})",
        "Prot LocalAddress:Port Scheduler Flags",
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
    ]
    for vs in sorted_virtual_servers(list(servers)):
        name = f"{vs.protocol}  {format_addr_port(vs.address, vs.port)}"
        if ":" not in vs.address:
            name = name[:33]  # svc_name[33] = '\0'
        line = f"{name} {vs.scheduler}"
        if vs.flags:
            line += " (" + ",".join(vs.flags) + ")"
        if vs.persistent:
            line += f" persistent {vs.timeout}"
        lines.append(line)
        for rs in _sorted_dests(vs.real_servers):
            dname = format_addr_port(rs.address, rs.port)
            if ":" not in rs.address:
                dname = dname[:28]  # dname[28] = '\0'
            # printf("  -> %-28s %-7s %-6d %-10u %-10u\n", dname, fwd_name(...), weight, activeconns, inactconns)
            lines.append(
                f"  -> {dname:<28} {rs.forward:<7} {rs.weight:<6d} {rs.active_conn:<10d} "
                f"{rs.inactive_conn:<10d}"
            )
    return "\n".join(lines) + "\n"


_SVC_LINE = re.compile(r"^(TCP|UDP|SCTP)  (\S+) (\S+)(?: \((\S+)\))?(?: persistent (\d+))?\s*$")
_DEST_LINE = re.compile(r"^  -> (\S+)\s+(\S+)\s+(-?\d+)\s+(\d+)\s+(\d+)\s*$")


def _numeric_addr_port(lineno: int, line: str, text: str) -> tuple[str, int]:
    """``_split_addr_port`` that names the line instead of raising a bare ``ValueError``."""
    try:
        return _split_addr_port(text)
    except ValueError:
        reason = f'"{text}" is not a numeric address:port (ipvsadm -L prints names; use ipvsadm -Ln)'
        raise IPVSParseError(lineno, line, reason) from None


def parse_ipvsadm_ln(text: str) -> list[VirtualServer]:
    """Parse ``ipvsadm -Ln`` output back into virtual servers (in the printed order).

    Lines may carry extra indentation (as pasted into an issue); anything else that is not ``ipvsadm -Ln``
    output raises :class:`IPVSParseError` (never a bare ``ValueError``), for instance the host and port names
    of ``ipvsadm -L`` (:func:`read_ipvsadm` reads those, keeping the names).

    >>> parse_ipvsadm_ln("TCP  10.0.0.1:80 rr persistent 60\\n  -> 10.1.0.1:8080  Masq 1 2 3\\n")
    [VirtualServer(protocol='TCP', address='10.0.0.1', port=80, scheduler='rr', timeout=60, \
real_servers=[RealServer(address='10.1.0.1', port=8080, weight=1, forward='Masq', active_conn=2, \
inactive_conn=3)], flags=())]
    >>> parse_ipvsadm_ln("    TCP  10.0.0.1:80 rr\\n      -> 10.1.0.1:8080  Masq 1 0 0\\n")[0].real_servers[0].port
    8080
    >>> parse_ipvsadm_ln("TCP  kubernetes.default.svc.cluster.local:https rr\\n")
    Traceback (most recent call last):
    ...
    k8snet.rules.ipvs.IPVSParseError: line 1: "TCP  kubernetes.default.svc.cluster.local:https rr": \
"kubernetes.default.svc.cluster.local:https" is not a numeric address:port (ipvsadm -L prints names; use ipvsadm -Ln)
    """
    servers: list[VirtualServer] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("IP Virtual Server", "Prot LocalAddress", "-> RemoteAddress")):
            continue
        m = _SVC_LINE.match(line)
        if m:
            address, port = _numeric_addr_port(lineno, raw, m.group(2))
            flags = tuple(m.group(4).split(",")) if m.group(4) else ()
            servers.append(
                VirtualServer(m.group(1), address, port, m.group(3), int(m.group(5) or 0), [], flags)
            )
            continue
        m = _DEST_LINE.match("  " + line)
        if m:
            if not servers:
                raise IPVSParseError(lineno, raw, "destination before any service")
            address, port = _numeric_addr_port(lineno, raw, m.group(1))
            servers[-1].real_servers.append(
                RealServer(address, port, int(m.group(3)), m.group(2), int(m.group(4)), int(m.group(5)))
            )
            continue
        raise IPVSParseError(lineno, raw, "not an ipvsadm -Ln line")
    return servers


@dataclass
class ListedDestination:
    """A destination as ``ipvsadm`` printed it: ``host`` and ``port`` as text (names under ``ipvsadm -L``);
    ``weight`` is ``None`` when the listing does not show it (``--stats``, ``--rate``)."""

    host: str
    port: str
    forward: str | None = None
    weight: int | None = None
    active_conn: int | None = None
    inactive_conn: int | None = None
    lineno: int = 0


@dataclass
class ListedService:
    """A virtual service as printed: ``protocol`` ``TCP``/``UDP``/``SCTP`` or ``FWM`` (then ``host`` is the
    firewall mark and ``port`` empty); ``timeout`` is the persistence timeout (0 when not persistent)."""

    protocol: str
    host: str
    port: str
    scheduler: str | None = None
    timeout: int = 0
    flags: tuple[str, ...] = ()
    lineno: int = 0
    destinations: list[ListedDestination] = field(default_factory=list)


@dataclass
class IpvsadmListing:
    """What :func:`read_ipvsadm` made of the text: ``format`` (``ipvsadm -Ln``, ``ipvsadm -L``,
    ``ipvsadm -Ln --stats``, ``ipvsadm -Ln --rate``, ``ipvsadm-save``), whether host or port ``names`` were
    printed (not resolved here), and the lines not read as ``(lineno, text, reason)``."""

    services: list[ListedService]
    format: str
    names: bool = False
    unparsed: list[tuple[int, str, str]] = field(default_factory=list)


# print_service_entry in ipvsadm.c: "%s  %s" protocol and address, " %s" scheduler, then optional
# " (flags)", " persistent %u", " mask %s", " ops", " pe %s"; firewall-mark services print "FWM  %d".
_L_SVC = re.compile(
    r"^(TCP|UDP|SCTP)\s+(\S+)\s+(\S+)(?:\s+\((\S+)\))?(?:\s+persistent\s+(\d+))?(?:\s+mask\s+\S+)?"
    r"(?:\s+ops)?(?:\s+pe\s+\S+)?\s*$"
)
_L_FWM = re.compile(r"^FWM\s+(\d+)\s+(\S+)(?:\s+\((\S+)\))?(?:\s+persistent\s+(\d+))?.*$")
_L_DEST = re.compile(r"^->\s+(\S+)\s+(\S+)\s+(-?\d+)\s+(\d+)\s+(\d+)\s*$")
# --stats / --rate: five counters (with K/M/G suffixes) instead of the scheduler, weights and connections
_L_STATS_SVC = re.compile(r"^(TCP|UDP|SCTP|FWM)\s+(\S+)(?:\s+[\d.]+[KMGT]?){5}\s*$")
_L_STATS_DEST = re.compile(r"^->\s+(\S+)(?:\s+[\d.]+[KMGT]?){5}\s*$")
_SAVE_PROTOS = {"-t": "TCP", "-u": "UDP", "-f": "FWM", "--sctp-service": "SCTP"}


def _host_port(text: str) -> tuple[str, str]:
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, rest.lstrip(":")
    host, sep, port = text.rpartition(":")
    return (host, port) if sep else (text, "")


def _is_numeric(host: str, port: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return port.isdigit() or port == ""


def _option(words: list[str], flag: str) -> str | None:
    if flag in words:
        i = words.index(flag)
        if i + 1 < len(words):
            return words[i + 1]
    return None


def read_ipvsadm(lines: Sequence[str | tuple[int, str]]) -> IpvsadmListing:
    """Read ``ipvsadm -L``/``-Ln`` (also ``--stats``/``--rate``) or ``ipvsadm-save`` text, best effort.

    Host and port names (``ipvsadm -L`` without ``-n``) are kept as printed and reported through ``names``:
    nothing is resolved. Never raises; lines it cannot read go to ``unparsed``.

    >>> listing = read_ipvsadm('''IP Virtual Server version 1.2.1 (size=4096)
    ... Prot LocalAddress:Port Scheduler Flags
    ...   -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
    ... TCP  kubernetes.default.svc.cluster.local:https rr
    ...   -> kind-control-plane:6443      Masq    1      0          0'''.splitlines())
    >>> listing.format, listing.names, listing.services[0].host, listing.services[0].destinations[0].host
    ('ipvsadm -L', True, 'kubernetes.default.svc.cluster.local', 'kind-control-plane')
    """
    numbered: list[tuple[int, str]] = [
        (i, ln) if isinstance(ln, str) else (int(ln[0]), str(ln[1])) for i, ln in enumerate(lines, 1)
    ]
    services: list[ListedService] = []
    unparsed: list[tuple[int, str, str]] = []
    saved = stats = rate = names = False
    by_key: dict[tuple[str, str], ListedService] = {}
    for lineno, raw in numbered:
        line = raw.strip()
        if not line or line.startswith(("IP Virtual Server", "-> RemoteAddress")):
            continue
        if line.startswith("Prot LocalAddress"):
            stats = stats or "Conns" in line
            rate = rate or "CPS" in line
            continue
        words = line.split()
        if words[0] in ("-A", "-a", "-E", "-e") and len(words) >= 3 and words[1] in _SAVE_PROTOS:
            saved = True
            proto = _SAVE_PROTOS[words[1]]
            host, port = (words[2], "") if proto == "FWM" else _host_port(words[2])
            names = names or (proto != "FWM" and not _is_numeric(host, port))
            if words[0] in ("-A", "-E"):
                persistent = _option(words, "-p")
                sched_flags = _option(words, "-b")
                svc = ListedService(
                    proto,
                    host,
                    port,
                    _option(words, "-s") or "wlc",
                    int(persistent) if persistent and persistent.isdigit() else 0,
                    tuple(sched_flags.split(",")) if sched_flags else (),
                    lineno,
                )
                by_key[(proto, words[2])] = svc
                services.append(svc)
                continue
            target = by_key.get((proto, words[2]))
            real = _option(words, "-r")
            if target is None or real is None:
                unparsed.append((lineno, line, message(N_("destination of a service not in the input"))))
                continue
            rhost, rport = _host_port(real)
            names = names or not _is_numeric(rhost, rport)
            fwd = next((_SWITCH_FWD[w] for w in words[3:] if w in _SWITCH_FWD), "Route")
            w = _option(words, "-w")
            weight = int(w) if w is not None and w.lstrip("-").isdigit() else 1
            target.destinations.append(ListedDestination(rhost, rport, fwd, weight, lineno=lineno))
            continue
        counters = stats or rate
        m = None if counters else _L_SVC.match(line)
        if m:
            host, port = _host_port(m.group(2))
            names = names or not _is_numeric(host, port)
            flags = tuple(m.group(4).split(",")) if m.group(4) else ()
            services.append(
                ListedService(m.group(1), host, port, m.group(3), int(m.group(5) or 0), flags, lineno)
            )
            continue
        m = None if counters else _L_FWM.match(line)
        if m:
            flags = tuple(m.group(3).split(",")) if m.group(3) else ()
            services.append(
                ListedService("FWM", m.group(1), "", m.group(2), int(m.group(4) or 0), flags, lineno)
            )
            continue
        m = _L_STATS_SVC.match(line) if counters else None
        if m:
            host, port = (m.group(2), "") if m.group(1) == "FWM" else _host_port(m.group(2))
            names = names or (m.group(1) != "FWM" and not _is_numeric(host, port))
            services.append(ListedService(m.group(1), host, port, None, 0, (), lineno))
            continue
        m = (_L_STATS_DEST if counters else _L_DEST).match(line)
        if m:
            if not services:
                unparsed.append((lineno, line, message(N_("destination before any service"))))
                continue
            host, port = _host_port(m.group(1))
            names = names or not _is_numeric(host, port)
            if counters:
                dest = ListedDestination(host, port, lineno=lineno)
            else:
                dest = ListedDestination(
                    host, port, m.group(2), int(m.group(3)), int(m.group(4)), int(m.group(5)), lineno
                )
            services[-1].destinations.append(dest)
            continue
        unparsed.append((lineno, line, message(N_("not an ipvsadm line"))))
    if saved:
        fmt = "ipvsadm-save"
    else:
        fmt = "ipvsadm -L" if names else "ipvsadm -Ln"
        fmt += " --stats" if stats else " --rate" if rate else ""
    return IpvsadmListing(services, fmt, names, unparsed)


def ipvsadm_save(state: IPVSState | list[VirtualServer]) -> str:
    """``ipvsadm-save -n`` (``ipvsadm -Sn``) output: the rules that recreate the table.

    >>> vs = VirtualServer("TCP", "10.96.0.1", 443, real_servers=[RealServer("172.18.0.2", 6443)])
    >>> print(ipvsadm_save([vs]), end="")
    -A -t 10.96.0.1:443 -s rr
    -a -t 10.96.0.1:443 -r 172.18.0.2:6443 -m -w 1
    """
    servers = state.virtual_servers if isinstance(state, IPVSState) else state
    lines = []
    for vs in sorted_virtual_servers(list(servers)):
        svc = f"{_SAVE_PROTO[vs.protocol]} {format_addr_port(vs.address, vs.port)}"
        line = f"-A {svc} -s {vs.scheduler}"
        if vs.flags:
            line += " -b " + ",".join(vs.flags)
        if vs.persistent:
            line += f" -p {vs.timeout}"
        lines.append(line)
        for rs in _sorted_dests(vs.real_servers):
            lines.append(
                f"-a {svc} -r {format_addr_port(rs.address, rs.port)} "
                f"{_FWD_SWITCH.get(rs.forward, '-m')} -w {rs.weight}"
            )
    return "".join(line + "\n" for line in lines)


def parse_ipvsadm_save(text: str) -> list[VirtualServer]:
    """Parse ``ipvsadm-save`` text (``-A``/``-a`` lines) into virtual servers.

    >>> [str(v) for v in parse_ipvsadm_save("-A -u 10.96.0.10:53 -s rr\\n")]
    ['10.96.0.10:53/UDP']
    """
    servers: dict[tuple[str, str, int], VirtualServer] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        if words[0] not in ("-A", "-a") or len(words) < 3 or words[1] not in _SAVE_PROTO_REV:
            raise IPVSParseError(lineno, line, "not an ipvsadm-save rule")
        proto = _SAVE_PROTO_REV[words[1]]
        address, port = _split_addr_port(words[2])
        opts = dict(zip(words[3::2], words[4::2], strict=False))
        key = (proto, address, port)
        if words[0] == "-A":
            flags = tuple(opts["-b"].split(",")) if "-b" in opts else ()
            servers[key] = VirtualServer(
                proto, address, port, opts.get("-s", "wlc"), int(opts.get("-p", 0)), [], flags
            )
        else:
            if key not in servers:
                raise IPVSParseError(lineno, line, "destination of an unknown service")
            raddr, rport = _split_addr_port(opts["-r"])
            fwd = next((_SWITCH_FWD[w] for w in words[3:] if w in _SWITCH_FWD), "Route")
            servers[key].real_servers.append(RealServer(raddr, rport, int(opts.get("-w", 1)), fwd))
    return list(servers.values())


# --- ipset --------------------------------------------------------------------------------


def _references(name: str, iptables: str) -> int:
    # Each iptables rule with "-m set --match-set NAME" holds one reference to the set.
    return len(re.findall(r"--match-set " + re.escape(name) + r" ", iptables))


def _size_in_memory(s: IPSet) -> int:
    # An estimate (the kernel's number depends on its allocator): bitmap of the range, or the
    # hash table's fixed part plus 16 bytes per member.
    if s.is_bitmap:
        lo, _, hi = s.port_range.partition("-")
        return (int(hi) - int(lo) + 1) // 8 + 76
    return 216 + 16 * len(s.entries)


def ipset_list(state: IPVSState | dict[str, IPSet], names: list[str] | None = None) -> str:
    """``ipset list`` output for the sets (all of them, in creation order, or ``names``).

    >>> s = IPSet("KUBE-NODE-PORT-TCP", "bitmap:port", entries={"30080"})
    >>> print(ipset_list({s.name: s}), end="")
    Name: KUBE-NODE-PORT-TCP
    Type: bitmap:port
    Revision: 3
    Header: range 0-65535
    Size in memory: 8268
    References: 0
    Number of entries: 1
    Members:
    30080
    """
    sets = state.ipsets if isinstance(state, IPVSState) else state
    iptables = state.iptables if isinstance(state, IPVSState) else ""
    blocks = []
    for name in names if names is not None else list(sets):
        s = sets[name]
        block = [
            f"Name: {s.name}",
            f"Type: {s.set_type}",
            f"Revision: {SET_TYPES.get(s.set_type, 0)}",
            f"Header: {s.header()}",
            f"Size in memory: {_size_in_memory(s)}",
            f"References: {_references(s.name, iptables)}",
            f"Number of entries: {len(s.entries)}",
            "Members:",
        ]
        block.extend(s.sorted_entries())
        blocks.append("\n".join(block) + "\n")
    return "\n".join(blocks)


def ipset_save(state: IPVSState | dict[str, IPSet]) -> str:
    """``ipset save`` output: ``create`` then ``add`` lines per set.

    >>> s = IPSet("KUBE-CLUSTER-IP", "hash:ip,port", entries={"10.96.0.1,tcp:443"})
    >>> print(ipset_save({s.name: s}), end="")
    create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x...
    add KUBE-CLUSTER-IP 10.96.0.1,tcp:443
    """
    sets = state.ipsets if isinstance(state, IPVSState) else state
    lines = []
    for s in sets.values():
        lines.append(f"create {s.name} {s.set_type} {s.header()}")
        lines.extend(f"add {s.name} {e}" for e in s.sorted_entries())
    return "".join(line + "\n" for line in lines)


_HEADER_KV = re.compile(r"(\w+) (\S+)")


def _set_from_header(name: str, set_type: str, header: str) -> IPSet:
    opts = dict(_HEADER_KV.findall(header))
    s = IPSet(name, set_type)
    if "family" in opts:
        s.family = opts["family"]
    if "hashsize" in opts:
        s.hashsize = int(opts["hashsize"])
    if "maxelem" in opts:
        s.maxelem = int(opts["maxelem"])
    if "range" in opts:
        s.port_range = opts["range"]
    return s


def parse_ipset_list(text: str) -> dict[str, IPSet]:
    """Parse ``ipset list`` output into sets (by name).

    >>> sets = parse_ipset_list(ipset_list({"A": IPSet("A", "hash:ip", entries={"10.96.0.1"})}))
    >>> sets["A"].set_type, sets["A"].entries
    ('hash:ip', {'10.96.0.1'})
    """
    sets: dict[str, IPSet] = {}
    cur: IPSet | None = None
    name = set_type = None
    in_members = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            in_members = False
            continue
        if line.startswith("Name: "):
            name, set_type, cur, in_members = line[6:].strip(), None, None, False
        elif line.startswith("Type: "):
            set_type = line[6:].strip()
        elif line.startswith("Header: "):
            if name is None or set_type is None:
                raise IPVSParseError(lineno, line, "Header before Name/Type")
            cur = _set_from_header(name, set_type, line[8:])
            sets[name] = cur
        elif line.startswith(("Revision: ", "Size in memory: ", "References: ", "Number of entries: ")):
            continue
        elif line.startswith("Members:"):
            if cur is None:
                raise IPVSParseError(lineno, line, "Members before Header")
            in_members = True
        elif in_members and cur is not None:
            cur.entries.add(line.strip().split(" ")[0])
        else:
            raise IPVSParseError(lineno, line, "not an ipset list line")
    return sets


def parse_ipset_save(text: str) -> dict[str, IPSet]:
    """Parse ``ipset save``/``ipset restore`` text (``create``/``add`` lines).

    >>> parse_ipset_save("create S bitmap:port range 0-65535\\nadd S 30080\\n")["S"].entries
    {'30080'}
    """
    sets: dict[str, IPSet] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        if words[0] == "create" and len(words) >= 3:
            sets[words[1]] = _set_from_header(words[1], words[2], " ".join(words[3:]))
        elif words[0] == "add" and len(words) >= 3:
            if words[1] not in sets:
                raise IPVSParseError(lineno, line, f"set {words[1]} was not created")
            sets[words[1]].entries.add(words[2])
        else:
            raise IPVSParseError(lineno, line, "not an ipset save line")
    return sets


def ipset_entry_matches(set_type: str, entry: str, values: list[tuple[str, int | None]], proto: str) -> bool:
    """Whether a packet's ``values`` (one ``(ip, port)`` per set dimension, picked by the
    ``--match-set`` flags ``src``/``dst``) match ``entry`` of a set of ``set_type``.

    For ``hash:ip,port`` the second dimension is the port (with the packet's protocol); for
    ``bitmap:port`` the only dimension is the port; ``hash:ip,port,net`` matches a CIDR in the third.

    >>> ipset_entry_matches("bitmap:port", "30080", [("192.168.0.2", 30080)], "tcp")
    True
    >>> ipset_entry_matches("hash:ip,port,net", "1.2.3.4,tcp:80,10.0.0.0/8",
    ...                     [("1.2.3.4", 80), ("1.2.3.4", 80), ("10.1.2.3", 5555)], "tcp")
    True
    >>> ipset_entry_matches("hash:ip,port,ip", "10.0.0.5,tcp:80,10.0.0.5",
    ...                     [("10.0.0.5", 80), ("10.0.0.5", 80), ("10.0.0.6", 4000)], "tcp")
    False
    """
    dims = set_type.split(":", 1)[1].split(",")
    parts = entry.split(",")
    if len(parts) != len(dims) or len(values) < len(dims):
        return False
    for dim, part, (ip, port) in zip(dims, parts, values, strict=False):
        if dim == "port":
            if set_type.startswith("bitmap:"):
                if port is None or str(port) != part:
                    return False
            else:
                p_proto, _, p_port = part.partition(":")
                if p_proto != proto or port is None or str(port) != p_port:
                    return False
        elif dim == "ip":
            try:
                if ipaddress.ip_address(ip) != ipaddress.ip_address(part):
                    return False
            except ValueError:
                return False
        elif dim == "net":
            try:
                if ipaddress.ip_address(ip) not in ipaddress.ip_network(part, strict=False):
                    return False
            except (ValueError, TypeError):
                return False
        else:
            return False
    return True


# --- ip addr --------------------------------------------------------------------------------


def _mac(name: str) -> str:
    # Dummy devices get a random locally administered MAC; we derive one from the node name.
    b = bytearray(hashlib.sha256(name.encode()).digest()[:6])
    b[0] = (b[0] & 0xFE) | 0x02
    return ":".join(f"{x:02x}" for x in b)


def ip_addr_show(
    state: IPVSState | list[str], ifindex: int = 5, seed: str = "kube-ipvs0", device: str = "kube-ipvs0"
) -> str:
    """``ip addr show kube-ipvs0``: the dummy device (created DOWN; IPVS does not need it up) with one
    ``/32`` (``/128``) per bound address (``EnsureAddressBind`` in ``pkg/proxy/ipvs/netlink_linux.go``).

    The interface index and MAC address are host facts (parameters here); addresses are listed
    sorted (the kernel lists them in the order kube-proxy added them, which follows a Go map).

    >>> print(ip_addr_show(["10.96.0.10", "10.96.0.1"], seed="n1"), end="")  # doctest: +NORMALIZE_WHITESPACE
    5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
        link/ether ... brd ff:ff:ff:ff:ff:ff
        inet 10.96.0.1/32 scope global kube-ipvs0
           valid_lft forever preferred_lft forever
        inet 10.96.0.10/32 scope global kube-ipvs0
           valid_lft forever preferred_lft forever
    """
    if isinstance(state, IPVSState):
        addrs, device = list(state.bound_addresses), state.dummy_device
    else:
        addrs = list(state)
    parsed = sorted((ipaddress.ip_address(a) for a in addrs), key=lambda a: (a.version, int(a)))
    lines = [
        f"{ifindex}: {device}: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default ",
        f"    link/ether {_mac(seed)} brd ff:ff:ff:ff:ff:ff",
    ]
    for a in parsed:
        if a.version == 4:
            lines.append(f"    inet {a}/32 scope global {device}")
        else:
            lines.append(f"    inet6 {a}/128 scope global ")
        lines.append("       valid_lft forever preferred_lft forever")
    return "\n".join(lines) + "\n"


def ip_brief_addr_show(state: IPVSState | list[str], device: str = "kube-ipvs0") -> str:
    """``ip -brief addr show kube-ipvs0``: one line, the device, its operational state and every address.

    iproute2 ``ip/ipaddress.c``: ``print_linkinfo_brief`` prints the name as ``"%-16s "`` and
    ``print_operstate`` the state as ``"%-14s "`` (a dummy device that was never set up is ``DOWN``);
    ``print_addrinfo`` then prints each address as ``"%s/%d "`` (note the space after the last one). Addresses
    are sorted, as :func:`ip_addr_show` sorts them.

    >>> ip_brief_addr_show(["10.96.0.10", "10.96.0.1"])
    'kube-ipvs0       DOWN           10.96.0.1/32 10.96.0.10/32 \\n'
    """
    if isinstance(state, IPVSState):
        addrs, device = list(state.bound_addresses), state.dummy_device
    else:
        addrs = list(state)
    parsed = sorted((ipaddress.ip_address(a) for a in addrs), key=lambda a: (a.version, int(a)))
    return f"{device:<16} {'DOWN':<14} " + "".join(f"{a}/{a.max_prefixlen} " for a in parsed) + "\n"


def with_weight(vs: VirtualServer, address: str, port: int, weight: int) -> VirtualServer:
    """A copy of ``vs`` with one destination's weight changed (what ``UpdateRealServer`` does).

    >>> vs = VirtualServer("TCP", "10.0.0.1", 80, real_servers=[RealServer("10.1.0.1", 80)])
    >>> with_weight(vs, "10.1.0.1", 80, 0).real_servers[0].weight
    0
    """
    rss = [
        replace(rs, weight=weight) if (rs.address, rs.port) == (address, port) else rs
        for rs in vs.real_servers
    ]
    return replace(vs, real_servers=rss)
