"""Tables as ``nft list table`` prints them: tab-indented blocks in nft's own spelling.

See :func:`list_table` for the layout and where it comes from (nftables ``src/rule.c``,
``src/expression.c``).
"""

from __future__ import annotations

import re

from .objects import STANDARD_PRIORITIES, NamedSet, Rule, Table

__all__ = ["list_table"]


def _priority_text(prio: int, hook: str | None) -> str:
    # nft prints a standard priority by name when it is valid for the hook, with an offset of up to 10
    # ("dstnat - 10"); otherwise the number. Names valid per hook (ip family): man nft, "CHAINS".
    names = {
        "prerouting": ("raw", "mangle", "dstnat", "filter", "security"),
        "input": ("raw", "mangle", "filter", "security"),
        "forward": ("raw", "mangle", "filter", "security"),
        "output": ("raw", "mangle", "filter", "security"),
        "postrouting": ("raw", "mangle", "filter", "security", "srcnat"),
    }.get(hook or "", ())
    for name in names:
        base = STANDARD_PRIORITIES[name]
        off = prio - base
        if off == 0:
            return name
        if -10 <= off <= 10:
            return f"{name} {'+' if off > 0 else '-'} {abs(off)}"
    return str(prio)


def list_table(table: Table) -> str:
    """A ``nft list table FAMILY NAME``-style rendering (tab-indented blocks).

    Layout as nft prints it (``table_print``/``chain_print``/``set_print`` in nftables ``src/rule.c``, checked
    against a real ``nft list table ip kube-proxy`` listing): the table comment, a blank line, then sets and
    maps, then chains, blocks separated by blank lines; base chains start with ``type ... hook ... priority
    ...; policy accept;`` (standard priority names when valid for the hook, ``dstnat - 10``); elements
    ``elements = { ... }`` with continuation lines indented by three tabs and five spaces, two addresses per
    line and one concatenation per line; rules in nft's normalised spelling (``meta mark set meta mark |
    0x00004000``, ``meta mark & 0x00004000 == 0x00000000``, one-element anonymous sets printed bare).

    Best effort, not byte-checked against every nft version: objects are listed in creation order, whereas
    the kernel lists elements of hashed sets in hash order and some nft versions interleave sets and chains.

    >>> from k8snet.rules.nftables import parse_nftables
    >>> t = parse_nftables('''add table ip k
    ... add chain ip k c { type filter hook input priority 0 ; }
    ... add rule ip k c ct state new jump d
    ... add chain ip k d
    ... add rule ip k d mark and 0x4000 == 0 return
    ... add rule ip k d ip daddr { 172.30.0.0/16 } drop''')["ip k"]
    >>> print(list_table(t).expandtabs(4), end="")
    table ip k {
        chain c {
            type filter hook input priority filter; policy accept;
            ct state new jump d
        }
    <BLANKLINE>
        chain d {
            meta mark & 0x00004000 == 0x00000000 return
            ip daddr 172.30.0.0/16 drop
        }
    }
    """
    out = [f"table {table.family} {table.name} {{"]
    if table.comment is not None:
        out.append(f'\tcomment "{table.comment}"')
        out.append("")
    blocks: list[list[str]] = []
    for s in list(table.sets.values()) + list(table.maps.values()):
        b = [f"\t{'map' if s.is_map else 'set'} {s.name} {{", f"\t\ttype {s.type}"]
        if s.flags:
            b.append(f"\t\tflags {','.join(s.flags)}")
        if s.timeout is not None:
            b.append(f"\t\ttimeout {_duration(s.timeout)}")
        if s.comment is not None:
            b.append(f'\t\tcomment "{s.comment}"')
        if s.elements:
            b.append("\t\telements = { " + _elements_text(s) + " }")
        b.append("\t}")
        blocks.append(b)
    for c in table.chains.values():
        b = [f"\tchain {c.name} {{"]
        if c.comment is not None:
            b.append(f'\t\tcomment "{c.comment}"')
        if c.is_base:
            b.append(
                f"\t\ttype {c.type} hook {c.hook} priority {_priority_text(c.priority or 0, c.hook)}; "
                f"policy {c.policy};"
            )
        for r in c.rules:
            b.append("\t\t" + _listing_rule(r))
        b.append("\t}")
        blocks.append(b)
    for i, b in enumerate(blocks):
        if i:
            out.append("")
        out.extend(b)
    out.append("}")
    return "\n".join(out) + "\n"


def _elements_text(s: NamedSet) -> str:
    # calculate_delim in nftables src/expression.c: addresses two per line, integer-like types ten per line,
    # anything else (concatenations, maps) one per line.
    types = s.key_types
    per_line = 0
    if len(types) == 1 and not s.is_map:
        if types[0] in ("ipv4_addr", "ipv6_addr", "ct_state", "ct_status", "pkttype"):
            per_line = 2
        elif types[0] in ("inet_service", "inet_proto", "mark", "integer", "nf_proto", "ifindex"):
            per_line = 10
    out = []
    for i, e in enumerate(s.elements):
        item = e.key_text()
        if e.comment is not None:
            item += f' comment "{e.comment}"'
        if e.value is not None:
            item += " : " + e.value_text()
        if i:
            out.append(", " if per_line and i % per_line else ",\n\t\t\t     ")
        out.append(item)
    return "".join(out)


def _hex32(text: str) -> str:
    return f"0x{int(text, 0):08x}"


_MARK_OPS = {"or": "|", "xor": "^", "and": "&"}


def _listing_rule(rule: Rule) -> str:
    """knftables' rule text in nft's listing spelling (see :func:`list_table`)."""
    text = rule.full_text
    text = re.sub(
        r"(?<!meta )\bmark set mark (or|xor|and) (\S+)",
        lambda m: f"meta mark set meta mark {_MARK_OPS[m.group(1)]} {_hex32(m.group(2))}",
        text,
    )
    text = re.sub(
        r"(?<!meta )\bmark and (\S+) (==|!=) (\S+)",
        lambda m: f"meta mark & {_hex32(m.group(1))} {m.group(2)} {_hex32(m.group(3))}",
        text,
    )
    # One-element anonymous sets in a match are printed as the bare value.
    text = re.sub(r"\b(ip6? [sd]addr (?:!= )?)\{ ([^{},]+?) \}", r"\1\2", text)
    return text.replace(" , ", ", ")


def _duration(seconds: int) -> str:
    """nft's duration format: ``10800`` → ``3h``, ``90`` → ``1m30s``."""
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"
