"""The text dig and nslookup print for DNS replies and lookups.

dig's layout follows isc-projects/bind9 ``bin/dig/dig.c``
(``dns_master_stylecreate(..., 24, 32, 40, 48, ...)``) and ``lib/dns/masterdump.c`` (``indent``: tabs up to
the column, at least one space), as with ``dig +noedns``. Two nslookups print differently:
:func:`nslookup_text` is bind9 dnsutils' (``Address: 10.96.0.10#53``, one lookup through the resolver's search),
:func:`busybox_nslookup_text` is busybox's (``Address: 10.96.0.10:53``, every search domain asked at once for A
and AAAA), which is what ``kubectl exec <pod> -- nslookup`` prints in a ``busybox`` Pod.
:meth:`k8snet.dns.server.Record.dig_line`, :meth:`k8snet.dns.server.DNSResponse.to_text`,
:meth:`k8snet.dns.resolver.DNSResult.dig` and :meth:`~k8snet.dns.resolver.DNSResult.nslookup` print through
these functions.

>>> from k8snet.dns.server import Record
>>> dig_record_line(Record("kubernetes.default.svc.cluster.local.", "A", 30, "10.96.0.1"))
'kubernetes.default.svc.cluster.local. 30 IN A\\t10.96.0.1'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

# What the printers read of a record, a reply and a lookup. The concrete types (server.Record,
# server.DNSResponse, resolver.DNSResult) print through this module, so it names their shapes, not the classes.


class Record(Protocol):
    name: str
    ttl: int
    type: str
    data: str

    def dig_line(self) -> str: ...


class DNSResponse(Protocol):
    qname: str
    qtype: str
    rcode: str
    answer: Sequence[Record]
    authority: Sequence[Record]
    additional: Sequence[Record]
    authoritative: bool
    recursion_available: bool
    server: str

    def flags(self) -> str: ...


class DNSResult(Protocol):
    name: str
    nameserver: str
    rcode: str
    response: DNSResponse


__all__ = ["dig_record_line", "dig_text", "nslookup_text", "busybox_nslookup_text", "NslookupOutput"]


def _indent(current: int, to: int, tabwidth: int = 8) -> tuple[str, int]:
    # lib/dns/masterdump.c indent(): move to column `to` (at least one character), tabs first, then spaces.
    if to < current + 1:
        to = current + 1
    ntabs = max(to // tabwidth - current // tabwidth, 0)
    pad = "\t" * ntabs
    if ntabs:
        current = (to // tabwidth) * tabwidth
    pad += " " * (to - current)
    return pad, to


def dig_record_line(record: Record) -> str:
    """The record as dig prints it: BIND's ``dns_master_style`` columns 24/32/40/48 with 8-wide tabs."""
    out = record.name
    col = len(out)
    for text, to in ((str(record.ttl), 24), ("IN", 32), (record.type, 40), (record.data, 48)):
        pad, col = _indent(col, to)
        out += pad + text
        col += len(text)
    return out


def dig_text(response: DNSResponse) -> str:
    """dig's text for one reply, as with ``dig +noedns`` (no OPT pseudo-section).

    The message id is printed as 0; dig's banner, ``Query time``, ``WHEN`` and ``MSG SIZE`` lines are left out
    because they change on every run.
    """
    lines = [
        ";; Got answer:",
        f";; ->>HEADER<<- opcode: QUERY, status: {response.rcode}, id: 0",
        f";; flags: {response.flags()}; QUERY: 1, ANSWER: {len(response.answer)}, "
        f"AUTHORITY: {len(response.authority)}, ADDITIONAL: {len(response.additional)}",
    ]
    if not response.recursion_available:
        lines.append(";; WARNING: recursion requested but not available")
    # dig prints the question without a TTL: class at column 32, type at column 40
    q = ";" + response.qname
    pad, col = _indent(len(q), 32)
    q += pad + "IN"
    q += _indent(col + 2, 40)[0] + response.qtype
    lines += ["", ";; QUESTION SECTION:", q]
    for title, records in (
        ("ANSWER", response.answer),
        ("AUTHORITY", response.authority),
        ("ADDITIONAL", response.additional),
    ):
        if records:
            lines += ["", f";; {title} SECTION:"] + [r.dig_line() for r in records]
    if response.server:
        lines += ["", f";; SERVER: {response.server}#53({response.server}) (UDP)"]
    return "\n".join(lines) + "\n"


def nslookup_text(result: DNSResult) -> str:
    """nslookup's (bind9 dnsutils) text for an A/AAAA/PTR/CNAME lookup of a name.

    Simplified: one record type only (bind9 9.16+ nslookup also asks AAAA after A); busybox's nslookup
    prints a different layout.
    """
    ns = result.nameserver
    lines = [f"Server:\t\t{ns}", f"Address:\t{ns}#53", ""]
    resp = result.response
    if not (resp.answer and resp.rcode == "NOERROR"):
        status = (
            "NXDOMAIN" if result.rcode == "NXDOMAIN" else ("SERVFAIL" if result.rcode == "SERVFAIL" else "")
        )
        if status:
            lines.append(f"** server can't find {result.name}: {status}")
        else:
            lines.append(f"*** Can't find {result.name}: No answer")
        return "\n".join(lines) + "\n\n"
    if not resp.authoritative:
        lines.append("Non-authoritative answer:")
    for r in resp.answer:
        if r.type == "CNAME":
            lines.append(f"{r.name[:-1]}\tcanonical name = {r.data}")
        elif r.type in ("A", "AAAA"):
            lines += [f"Name:\t{r.name[:-1]}", f"Address: {r.data}"]
        elif r.type == "PTR":
            lines.append(f"{r.name[:-1]}\tname = {r.data}")
        else:
            lines.append(f"{r.name[:-1]}\t{r.type.lower()} = {r.data}")
    return "\n".join(lines) + "\n\n"  # bind9 nslookup ends with an empty line


class NslookupOutput(str):
    """What an ``nslookup`` printed (the ``str``), with its exit status and the queries it sent, in order."""

    exit_code: int
    queries: list[tuple[str, str]]

    def __new__(cls, text: str, exit_code: int, queries: list[tuple[str, str]]) -> NslookupOutput:
        obj = super().__new__(cls, text)
        obj.exit_code = exit_code
        obj.queries = list(queries)
        return obj


def _bare(name: str) -> str:
    # dn_expand() prints names without the root's trailing dot; the root itself is "."
    return name[:-1] if name.endswith(".") and len(name) > 1 else name


def busybox_nslookup_text(server: str, replies: Sequence[tuple[str, DNSResponse]]) -> NslookupOutput:
    """busybox's ``nslookup`` (1.28 and later, ``FEATURE_NSLOOKUP_BIG``; the ``busybox`` image ships 1.37) for
    ``replies``, each ``(name asked, reply)`` in the order they arrived.

    Transcribed from busybox ``networking/nslookup.c``: the header ``Server:\t\t<ns>`` /
    ``Address:\t<ns>:53`` (``[<ns>]:53`` for an IPv6 server, as ``libbb/xconnect.c`` ``sockaddr2str`` writes it)
    and an empty line before the first reply (``send_queries``); per reply, a non-zero
    rcode prints ``** server can't find <name>: <RCODE>`` and sets the exit status to 1, otherwise
    ``parse_reply`` prints ``Non-authoritative answer:`` unless the reply is authoritative, then each answer
    record (``Name:\t<name>`` / ``Address: <ip>`` for A and AAAA, ``<name>\tcanonical name = <target>`` for
    CNAME, ``<name>\tname = <target>`` for PTR); every reply ends with an empty line, so an empty NOERROR reply
    (an AAAA query for an IPv4-only Service) shows as a lone empty line.

    >>> from k8snet.dns.server import DNSResponse, Record
    >>> a = DNSResponse("web.default.svc.cluster.local.", "A", "NOERROR",
    ...                 [Record("web.default.svc.cluster.local.", "A", 30, "10.96.0.20")], authoritative=True)
    >>> nx = DNSResponse("web.svc.cluster.local.", "A", "NXDOMAIN", authoritative=True)
    >>> out = busybox_nslookup_text("10.96.0.10", [("web.default.svc.cluster.local", a), ("web.svc.cluster.local", nx)])
    >>> print(out, end="")
    Server:		10.96.0.10
    Address:	10.96.0.10:53
    <BLANKLINE>
    Name:	web.default.svc.cluster.local
    Address: 10.96.0.20
    <BLANKLINE>
    ** server can't find web.svc.cluster.local: NXDOMAIN
    <BLANKLINE>
    >>> out.exit_code
    1
    """
    # libbb xconnect.c sockaddr2str: "[host]:port" for an IPv6 address, "host:port" otherwise
    address = f"[{server}]:53" if ":" in server else f"{server}:53"
    lines = [f"Server:\t\t{server}", f"Address:\t{address}", ""]
    exit_code = 0
    for name, resp in replies:
        if resp.rcode != "NOERROR":
            lines.append(f"** server can't find {name}: {resp.rcode}")
            exit_code = 1
        else:
            if not resp.authoritative:
                lines.append("Non-authoritative answer:")
            for r in resp.answer:
                if r.type in ("A", "AAAA"):
                    lines += [f"Name:\t{_bare(r.name)}", f"Address: {r.data}"]
                elif r.type == "CNAME":
                    lines.append(f"{_bare(r.name)}\tcanonical name = {_bare(r.data)}")
                elif r.type == "PTR":
                    lines.append(f"{_bare(r.name)}\tname = {_bare(r.data)}")
                elif r.type == "NS":
                    lines.append(f"{_bare(r.name)}\tnameserver = {_bare(r.data)}")
        lines.append("")
    return NslookupOutput("\n".join(lines) + "\n", exit_code, [(name, resp.qtype) for name, resp in replies])
