"""Connection tracking: the table that makes NAT apply once per connection.

Netfilter's nat table is consulted only for the first packet of a connection; the NAT binding is
stored in the conntrack entry and every later packet (both directions) is rewritten from it. A
connection is ``NEW`` until a packet has been seen in the reply direction, then ``ESTABLISHED``.

Simplified on purpose (stated so the book does not over-claim): no TCP state machine (no SYN/FIN/RST
tracking, no CLOSE_WAIT), no RELATED (ICMP errors, helpers), no port clash resolution for SNAT (the
source port is kept). Timeouts: TCP 120 s before a reply (``nf_conntrack_tcp_timeout_syn_sent``) and
86400 s once established (kube-proxy's ``--conntrack-tcp-timeout-established`` default of 24h,
``pkg/proxy/apis/config/v1alpha1/defaults.go``); UDP 30 s before a reply and 120 s after
(``nf_conntrack_udp_timeout`` / ``_stream``); SCTP uses the TCP values.

**Protocol tracking and** ``conntrack -L``. The executors above only tell a packet's direction. A caller that
knows more (the connection simulation of :mod:`k8snet.sim.connections` knows each TCP segment's flags) passes
every packet through :meth:`Conntrack.track` after the executor has handled it: that applies the kernel's
per-protocol tracker, reduced to what a normal connection does:

* TCP (``net/netfilter/nf_conntrack_proto_tcp.c``, table ``tcp_conntracks``): SYN → ``SYN_SENT``, SYN/ACK
  reply → ``SYN_RECV``, the client's ACK → ``ESTABLISHED`` and ``[ASSURED]``; a FIN → ``FIN_WAIT``, the other
  side's ACK → ``CLOSE_WAIT``, its FIN → ``LAST_ACK``, the last ACK → ``TIME_WAIT``; an RST → ``CLOSE``. No
  window tracking, no retransmissions, no simultaneous open. Each state's timeout is the kernel default
  (:data:`KERNEL_TCP_TIMEOUTS`, from ``Documentation/networking/nf_conntrack-sysctl.rst``) except the two that
  kube-proxy writes on every node at start-up (:data:`KUBE_PROXY_TCP_TIMEOUTS`: ``ESTABLISHED`` 86400 s,
  ``CLOSE_WAIT`` 3600 s).
* UDP (``nf_conntrack_proto_udp.c``, ``nf_conntrack_udp_packet``): 30 s (``nf_conntrack_udp_timeout``) until
  a reply has been seen *and* a packet arrives more than 2 s after the first one; from then on 120 s
  (``nf_conntrack_udp_timeout_stream``) and ``[ASSURED]``.

:func:`conntrack_list` prints the table as ``conntrack -L`` (conntrack-tools) does: one line per entry in
libnetfilter_conntrack's default format (``src/conntrack/snprintf_default.c``), then the summary line that
conntrack-tools writes on stderr (``src/conntrack.c``, ``exit_msg``). Entries are listed in the order they were
created (the kernel dumps them in hash-table order).

>>> clock = ManualClock()
>>> ct = Conntrack(clock)
>>> e = ct.add("TCP", ("10.0.0.2", 40000, "172.30.0.41", 80), ("10.180.0.1", 80, "10.0.0.2", 40000))
>>> ct.lookup("TCP", ("10.0.0.2", 40000, "172.30.0.41", 80))[1]
'original'
>>> clock.advance(121)
>>> ct.lookup("TCP", ("10.0.0.2", 40000, "172.30.0.41", 80)) is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "ManualClock",
    "as_time_source",
    "ConntrackEntry",
    "Conntrack",
    "DEFAULT_TIMEOUTS",
    "KERNEL_TCP_TIMEOUTS",
    "KUBE_PROXY_TCP_TIMEOUTS",
    "TCP_STATE_TIMEOUTS",
    "UDP_TIMEOUTS",
    "CONNTRACK_TOOLS_VERSION",
    "ListResult",
    "format_entry",
    "conntrack_list",
]

Tuple4 = tuple  # (src_ip, src_port, dst_ip, dst_port)

#: (unreplied, replied) timeouts in seconds per protocol; see the module docstring.
DEFAULT_TIMEOUTS: dict[str, tuple[float, float]] = {
    "TCP": (120.0, 86400.0),
    "UDP": (30.0, 120.0),
    "SCTP": (120.0, 86400.0),
    "ICMP": (30.0, 30.0),
}


#: The kernel's default timeout of each TCP conntrack state, in seconds (Linux
#: ``Documentation/networking/nf_conntrack-sysctl.rst``: ``nf_conntrack_tcp_timeout_<state>``).
KERNEL_TCP_TIMEOUTS: dict[str, int] = {
    "SYN_SENT": 120,
    "SYN_RECV": 60,
    "ESTABLISHED": 432000,
    "FIN_WAIT": 120,
    "CLOSE_WAIT": 60,
    "LAST_ACK": 30,
    "TIME_WAIT": 120,
    "CLOSE": 10,
}
#: What kube-proxy sets over them at start-up (``pkg/proxy/apis/config/v1alpha1/defaults.go``:
#: ``conntrack.tcpEstablishedTimeout`` 24h "1 day (1/5 default)", ``conntrack.tcpCloseWaitTimeout`` 1h).
KUBE_PROXY_TCP_TIMEOUTS: dict[str, int] = {"ESTABLISHED": 86400, "CLOSE_WAIT": 3600}
#: The timeouts a node running kube-proxy has.
TCP_STATE_TIMEOUTS: dict[str, int] = {**KERNEL_TCP_TIMEOUTS, **KUBE_PROXY_TCP_TIMEOUTS}
#: ``(nf_conntrack_udp_timeout, nf_conntrack_udp_timeout_stream)``; kube-proxy leaves both alone by default
#: (``conntrack.udpTimeout`` and ``udpStreamTimeout`` are 0).
UDP_TIMEOUTS: tuple[int, int] = (30, 120)
#: A UDP flow becomes a stream when it is still active this long after its first packet
#: (``nf_conntrack_proto_udp.c``: ``stream_ts = jiffies + 2 * HZ``).
UDP_STREAM_AFTER = 2.0
#: The conntrack-tools release of kind's node image (Debian 12 ships 1.4.7).
CONNTRACK_TOOLS_VERSION = "1.4.7"
#: IP protocol numbers (``/etc/protocols``), printed after the name.
_PROTO_NUMBERS = {"TCP": 6, "UDP": 17, "SCTP": 132, "ICMP": 1}


class ManualClock:
    """A clock that only moves when told to: ``now()`` in seconds, ``advance(seconds)``."""

    def __init__(self, start: float = 0.0):
        self._t = float(start)

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> None:
        self._t += float(seconds)


def as_time_source(clock) -> Callable[[], float]:
    """Turn a clock into a zero-argument function returning seconds.

    Accepts a :class:`ManualClock`, the simulation clock (``.now()`` returning an aware
    ``datetime``), or a plain callable returning seconds.

    >>> as_time_source(lambda: 5.0)()
    5.0
    """
    if clock is None:
        clock = ManualClock()
    if callable(clock) and not hasattr(clock, "now"):
        return clock
    now = clock.now

    def seconds() -> float:
        t = now()
        return t.timestamp() if isinstance(t, datetime) else float(t)

    return seconds


@dataclass
class ConntrackEntry:
    """One tracked connection: the original and the expected reply tuple.

    ``reply`` differs from the swapped ``original`` exactly when NAT applies: a DNAT changes the
    reply's source, an SNAT/MASQUERADE its destination.
    """

    protocol: str
    original: Tuple4
    reply: Tuple4
    expires: float
    seen_reply: bool = False
    #: The TCP tracker's state once :meth:`Conntrack.track` has seen a segment (``None``: not tracked).
    tcp_state: str | None = None
    #: ``[ASSURED]``: set by :meth:`Conntrack.track` (TCP handshake done, UDP stream).
    assured: bool = False
    #: When the entry was created (seconds on the table's clock).
    created: float = 0.0
    #: The direction of the first FIN the TCP tracker saw (which side closed first).
    last_fin_direction: str | None = None

    @property
    def dnat(self) -> bool:
        return (self.reply[0], self.reply[1]) != (self.original[2], self.original[3])

    @property
    def snat(self) -> bool:
        return (self.reply[2], self.reply[3]) != (self.original[0], self.original[1])

    @property
    def state(self) -> str:
        return "ESTABLISHED" if self.seen_reply else "NEW"

    @property
    def tcp_state_shown(self) -> str:
        """The TCP state ``conntrack -L`` prints: the tracked one, else ``ESTABLISHED`` once a reply was seen and
        ``SYN_SENT`` before."""
        if self.tcp_state is not None:
            return self.tcp_state
        return "ESTABLISHED" if self.seen_reply else "SYN_SENT"

    def __str__(self) -> str:
        o, r = self.original, self.reply
        flags = "" if self.seen_reply else " [UNREPLIED]"
        return (
            f"{self.protocol.lower()} src={o[0]} dst={o[2]} sport={o[1]} dport={o[3]}{flags} "
            f"src={r[0]} dst={r[2]} sport={r[1]} dport={r[3]}"
        )


class Conntrack:
    """The conntrack table of one host, with timeouts from an injected clock."""

    def __init__(self, clock=None, timeouts: dict[str, tuple[float, float]] | None = None):
        self._now = as_time_source(clock)
        self.timeouts = dict(DEFAULT_TIMEOUTS)
        if timeouts:
            self.timeouts.update(timeouts)
        self._orig: dict[tuple, ConntrackEntry] = {}
        self._reply: dict[tuple, ConntrackEntry] = {}
        #: TCP state timeouts :meth:`track` applies (a node running kube-proxy: :data:`TCP_STATE_TIMEOUTS`).
        self.tcp_state_timeouts: dict[str, int] = dict(TCP_STATE_TIMEOUTS)

    def __len__(self) -> int:
        self.expire()
        return len(self._orig)

    def entries(self) -> list[ConntrackEntry]:
        """Live entries (like ``conntrack -L``)."""
        self.expire()
        return list(self._orig.values())

    def lookup(self, protocol: str, tup: Tuple4) -> tuple[ConntrackEntry, str] | None:
        """Find the entry a packet with 4-tuple ``tup`` belongs to: ``(entry, "original"|"reply")``."""
        key = (protocol, tup)
        entry = self._orig.get(key)
        direction = "original"
        if entry is None:
            entry = self._reply.get(key)
            direction = "reply"
        if entry is None:
            return None
        if entry.expires <= self._now():
            self._delete(entry)
            return None
        return entry, direction

    def add(self, protocol: str, original: Tuple4, reply: Tuple4) -> ConntrackEntry:
        """Confirm a new connection (done when its first packet leaves the host or is delivered)."""
        now = self._now()
        entry = ConntrackEntry(
            protocol, tuple(original), tuple(reply), now + self.timeouts[protocol][0], created=now
        )
        self._orig[(protocol, entry.original)] = entry
        self._reply[(protocol, entry.reply)] = entry
        return entry

    def refresh(self, entry: ConntrackEntry, direction: str) -> None:
        """Account a packet of ``entry``: a reply-direction packet makes it ESTABLISHED."""
        if direction == "reply":
            entry.seen_reply = True
        entry.expires = self._now() + self.timeouts[entry.protocol][1 if entry.seen_reply else 0]

    def track(self, entry: ConntrackEntry, direction: str, flags: str = "") -> None:
        """The kernel's protocol tracker for one packet of ``entry`` that the executor has just handled.

        ``direction`` is ``"original"`` or ``"reply"``; ``flags`` the TCP flags of the segment, any of ``S``
        (SYN), ``A`` (ACK), ``F`` (FIN), ``R`` (RST), as ``tcpdump`` prints them. See the module docstring for
        the transitions. Sets the state, ``[ASSURED]`` and the timeout that state has.

        >>> clock = ManualClock()
        >>> ct = Conntrack(clock)
        >>> e = ct.add("TCP", ("10.0.0.2", 40000, "172.30.0.41", 80), ("10.180.0.1", 80, "10.0.0.2", 40000))
        >>> for direction, flags in [("original", "S"), ("reply", "SA"), ("original", "A")]:
        ...     ct.track(e, direction, flags)
        >>> e.tcp_state, e.assured, e.expires
        ('ESTABLISHED', True, 86400.0)
        """
        now = self._now()
        if direction == "reply":
            entry.seen_reply = True
        if entry.protocol == "UDP":
            stream = entry.seen_reply and now > entry.created + UDP_STREAM_AFTER
            entry.assured = entry.assured or stream
            entry.expires = now + UDP_TIMEOUTS[1 if entry.assured else 0]
            return
        if entry.protocol != "TCP":
            return
        flags = flags.upper()
        state = _tcp_next(entry.tcp_state, entry.last_fin_direction, direction, flags)
        if "F" in flags and entry.tcp_state in (None, "ESTABLISHED", "SYN_RECV"):
            entry.last_fin_direction = direction
        if state == "ESTABLISHED" and entry.tcp_state == "SYN_RECV":
            entry.assured = True  # "valid ack in ESTABLISHED after SYN_RECV"
        entry.tcp_state = state
        entry.expires = now + self.tcp_state_timeouts[state]

    def delete(self, entry: ConntrackEntry) -> None:
        """Remove one entry (``conntrack -D``)."""
        self._delete(entry)

    def flush(self) -> None:
        """Remove every entry (``conntrack -F``)."""
        self._orig.clear()
        self._reply.clear()

    def expire(self) -> None:
        """Drop entries whose timeout has passed."""
        now = self._now()
        for entry in [e for e in self._orig.values() if e.expires <= now]:
            self._delete(entry)

    def _delete(self, entry: ConntrackEntry) -> None:
        self._orig.pop((entry.protocol, entry.original), None)
        self._reply.pop((entry.protocol, entry.reply), None)

    def now(self) -> float:
        """The table's clock, in seconds."""
        return self._now()


def _tcp_next(state: str | None, fin_from: str | None, direction: str, flags: str) -> str:
    """The next state of the reduced ``tcp_conntracks`` table (see the module docstring)."""
    if "R" in flags:
        return "CLOSE"
    if "S" in flags and "A" not in flags:
        return "SYN_SENT" if state in (None, "SYN_SENT", "TIME_WAIT", "CLOSE") else state
    if "S" in flags and "A" in flags:
        return "SYN_RECV" if state == "SYN_SENT" and direction == "reply" else (state or "SYN_SENT")
    if state is None:
        return "SYN_SENT"
    if "F" in flags:
        if state in ("SYN_RECV", "ESTABLISHED"):
            return "FIN_WAIT"
        if state in ("FIN_WAIT", "CLOSE_WAIT") and direction != fin_from:
            return "LAST_ACK"
        return state
    if "A" in flags:
        if state == "SYN_RECV" and direction == "original":
            return "ESTABLISHED"
        if state == "FIN_WAIT" and direction != fin_from:
            return "CLOSE_WAIT"
        if state == "LAST_ACK" and direction == fin_from:
            return "TIME_WAIT"
    return state


def format_entry(entry: ConntrackEntry, now: float) -> str:
    """One line of ``conntrack -L``: libnetfilter_conntrack's ``__snprintf_conntrack_default``.

    ``"%-8s %u "`` protocol name and number, the seconds left (rounded down, as ctnetlink reports them), the TCP
    state, the original tuple, ``[UNREPLIED]`` if no reply was seen, the reply tuple, ``[ASSURED]``, then
    ``mark=0 use=1`` (kube-proxy marks packets, not connections).

    >>> e = ConntrackEntry("UDP", ("10.244.1.3", 41000, "10.96.0.10", 53), ("10.244.0.2", 53, "10.244.1.3", 41000),
    ...                    expires=30.0)
    >>> format_entry(e, 1.5)
    'udp      17 28 src=10.244.1.3 dst=10.96.0.10 sport=41000 dport=53 [UNREPLIED] src=10.244.0.2 dst=10.244.1.3 sport=53 dport=41000 mark=0 use=1'
    """
    o, r = entry.original, entry.reply
    proto = entry.protocol.upper()
    parts = [f"{proto.lower():<8} {_PROTO_NUMBERS.get(proto, 0)} {max(0, int(entry.expires - now))}"]
    if proto == "TCP":
        parts.append(entry.tcp_state_shown)
    parts.append(f"src={o[0]} dst={o[2]} sport={o[1]} dport={o[3]}")
    if not entry.seen_reply:
        parts.append("[UNREPLIED]")
    parts.append(f"src={r[0]} dst={r[2]} sport={r[1]} dport={r[3]}")
    if entry.assured or (proto == "TCP" and entry.tcp_state is None and entry.seen_reply):
        parts.append("[ASSURED]")
    parts.append("mark=0 use=1")
    return " ".join(parts)


@dataclass(frozen=True)
class ListResult:
    """What ``conntrack -L`` printed: ``stdout`` (the entries) and ``stderr`` (the summary line)."""

    stdout: str
    stderr: str
    count: int

    def __str__(self) -> str:
        return self.stdout


def conntrack_list(
    ct: Conntrack, protocol: str | None = None, orig_dst: str | None = None, dport: int | None = None
) -> ListResult:
    """``conntrack -L [-p PROTO] [-d ADDRESS] [--dport PORT]`` on a node whose table is ``ct``.

    Expired entries are removed first, as the kernel's garbage collector would have. ``-d`` matches the
    original direction's destination, ``--dport`` its destination port.

    >>> clock = ManualClock()
    >>> ct = Conntrack(clock)
    >>> _ = ct.add("TCP", ("10.0.0.2", 40000, "172.30.0.41", 80), ("10.180.0.1", 80, "10.0.0.2", 40000))
    >>> out = conntrack_list(ct)
    >>> print(out.stdout, end="")
    tcp      6 120 SYN_SENT src=10.0.0.2 dst=172.30.0.41 sport=40000 dport=80 [UNREPLIED] src=10.180.0.1 dst=10.0.0.2 sport=80 dport=40000 mark=0 use=1
    >>> print(out.stderr, end="")
    conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.
    """
    now = ct.now()
    shown = []
    for e in ct.entries():
        if protocol is not None and e.protocol != protocol.upper():
            continue
        if orig_dst is not None and e.original[2] != orig_dst:
            continue
        if dport is not None and e.original[3] != dport:
            continue
        shown.append(format_entry(e, now))
    stdout = "".join(line + "\n" for line in shown)
    stderr = f"conntrack v{CONNTRACK_TOOLS_VERSION} (conntrack-tools): {len(shown)} flow entries have been shown.\n"
    return ListResult(stdout, stderr, len(shown))
