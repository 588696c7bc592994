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

from dataclasses import dataclass
from datetime import datetime

__all__ = ["ManualClock", "as_time_source", "ConntrackEntry", "Conntrack", "DEFAULT_TIMEOUTS"]

Tuple4 = tuple  # (src_ip, src_port, dst_ip, dst_port)

#: (unreplied, replied) timeouts in seconds per protocol; see the module docstring.
DEFAULT_TIMEOUTS: dict[str, tuple[float, float]] = {
    "TCP": (120.0, 86400.0),
    "UDP": (30.0, 120.0),
    "SCTP": (120.0, 86400.0),
    "ICMP": (30.0, 30.0),
}


class ManualClock:
    """A clock that only moves when told to: ``now()`` in seconds, ``advance(seconds)``."""

    def __init__(self, start: float = 0.0):
        self._t = float(start)

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> None:
        self._t += float(seconds)


def as_time_source(clock) -> callable:
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

    @property
    def dnat(self) -> bool:
        return (self.reply[0], self.reply[1]) != (self.original[2], self.original[3])

    @property
    def snat(self) -> bool:
        return (self.reply[2], self.reply[3]) != (self.original[0], self.original[1])

    @property
    def state(self) -> str:
        return "ESTABLISHED" if self.seen_reply else "NEW"

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
        entry = ConntrackEntry(
            protocol, tuple(original), tuple(reply), self._now() + self.timeouts[protocol][0]
        )
        self._orig[(protocol, entry.original)] = entry
        self._reply[(protocol, entry.reply)] = entry
        return entry

    def refresh(self, entry: ConntrackEntry, direction: str) -> None:
        """Account a packet of ``entry``: a reply-direction packet makes it ESTABLISHED."""
        if direction == "reply":
            entry.seen_reply = True
        entry.expires = self._now() + self.timeouts[entry.protocol][1 if entry.seen_reply else 0]

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
