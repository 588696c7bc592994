"""The structure of any nftables text, without understanding its rules: tables, chains with their rule lines,
sets and maps with their elements.

:func:`~k8snet.rules.nftables.parse_nftables` parses kube-proxy's own rules statement by statement and refuses
what it does not know, as the dataplane must. ``nft list ruleset`` on a real node also holds other tables
(firewalld's, Docker's, iptables-nft's ``xt`` compatibility rules) in any syntax nft prints. This reader only
follows the layout nft prints (``table_print``/``chain_print``/``set_print`` in nftables ``src/rule.c``: one
statement per line, ``}`` closing a block, ``elements = { ... }`` continued over lines) or the ``add ...``
commands of an ``nft -f`` transaction, keeps each rule's text, and never raises: lines it cannot place are
returned in ``unparsed``.

>>> rs = read_nftables('''table ip kube-proxy {
... \tmap service-ips {
... \t\ttype ipv4_addr . inet_proto . inet_service : verdict
... \t\telements = { 10.96.0.10 . udp . 53 : goto service-ABC-kube-system/kube-dns/udp/dns,
... \t\t\t     10.96.0.1 . tcp . 443 : goto service-DEF-default/kubernetes/tcp/https }
... \t}
... \tchain service-ABC-kube-system/kube-dns/udp/dns {
... \t\tnumgen random mod 2 vmap { 0 : goto endpoint-A, 1 : goto endpoint-B }
... \t}
... }
... table inet firewalld {
... }'''.splitlines())
>>> rs.format, [t.key for t in rs.tables]
('nft list ruleset', ['ip kube-proxy', 'inet firewalld'])
>>> t = rs.tables[0]
>>> [text for _, text in t.sets["service-ips"].elements]
['10.96.0.10 . udp . 53 : goto service-ABC-kube-system/kube-dns/udp/dns', '10.96.0.1 . tcp . 443 : goto service-DEF-default/kubernetes/tcp/https']
>>> t.chains["service-ABC-kube-system/kube-dns/udp/dns"].rules
[(8, 'numgen random mod 2 vmap { 0 : goto endpoint-A, 1 : goto endpoint-B }')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from k8snet.i18n import N_, message

__all__ = ["NftChainBlock", "NftSetBlock", "NftTableBlock", "NftRuleset", "read_nftables", "split_items"]

FAMILIES = ("ip", "ip6", "inet", "arp", "bridge", "netdev")


@dataclass
class NftChainBlock:
    """A chain: its rule lines as ``(lineno, text)``; ``hook`` for base chains; ``comment``."""

    name: str
    lineno: int
    rules: list[tuple[int, str]] = field(default_factory=list)
    hook: str | None = None
    comment: str | None = None


@dataclass
class NftSetBlock:
    """A set or map: ``type``, ``flags``, ``timeout`` (as printed), ``comment`` and element texts."""

    name: str
    is_map: bool
    lineno: int
    type: str = ""
    flags: str = ""
    timeout: str | None = None
    comment: str | None = None
    elements: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class NftTableBlock:
    family: str
    name: str
    lineno: int
    comment: str | None = None
    chains: dict[str, NftChainBlock] = field(default_factory=dict)
    sets: dict[str, NftSetBlock] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.family} {self.name}"


@dataclass
class NftRuleset:
    """Tables in input order, the form read (``nft list table``, ``nft list ruleset``, ``nft -f transaction``)
    and the lines that could not be placed, as ``(lineno, text, reason)``."""

    tables: list[NftTableBlock]
    format: str
    unparsed: list[tuple[int, str, str]] = field(default_factory=list)


def split_items(text: str) -> list[str]:
    """Split the inside of ``{ ... }`` at top-level commas (not inside quotes or nested braces).

    >>> split_items('0 : goto a, 1 : goto b')
    ['0 : goto a', '1 : goto b']
    >>> split_items('1.2.3.4 . tcp . 80 comment "a, b" : drop')
    ['1.2.3.4 . tcp . 80 comment "a, b" : drop']
    """
    out: list[str] = []
    cur: list[str] = []
    depth, quoted = 0, False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "{[":
            depth += 1
        elif not quoted and ch in "}]":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            item = "".join(cur).strip()
            if item:
                out.append(item)
            cur = []
            continue
        cur.append(ch)
    item = "".join(cur).strip()
    if item:
        out.append(item)
    return out


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


_HANDLE = re.compile(r"\s*# handle \d+\s*$")
_OPEN = re.compile(
    r"^(chain|set|map|flowtable|counter|quota|limit|ct\s+\w+(?:\s+\w+)?|secmark|synproxy)\s+(.*?)\s*\{$"
)
_TABLE = re.compile(r"^table\s+(?:(\w+)\s+)?(\S+)\s*\{$")
_CMD = re.compile(
    r"^(add|create|insert|replace|flush|delete|destroy)\s+(table|chain|rule|set|map|element)\s+(.*)$"
)


def read_nftables(lines: Sequence[str | tuple[int, str]]) -> NftRuleset:
    """Read ``nft list table``/``nft list ruleset`` output or ``add ...`` commands (``str`` or ``(lineno, str)``)."""
    numbered = [(i, ln) if isinstance(ln, str) else ln for i, ln in enumerate(lines, 1)]
    first = next((ln.strip() for _, ln in numbered if ln.strip() and not ln.strip().startswith("#")), "")
    if _CMD.match(first):
        return _read_commands(numbered)
    return _read_listing(numbered)


def _read_listing(numbered: list[tuple[int, str]]) -> NftRuleset:
    tables: list[NftTableBlock] = []
    unparsed: list[tuple[int, str, str]] = []
    table: NftTableBlock | None = None
    chain: NftChainBlock | None = None
    nset: NftSetBlock | None = None
    skip_depth = 0  # inside a block we do not model (flowtable, counter ...)
    elements: list[str] | None = None  # pending "elements = { ..." text
    elements_line = 0
    for lineno, raw in numbered:
        line = _HANDLE.sub("", raw).strip()
        if not line or line.startswith("#"):
            continue
        if elements is not None:
            elements.append(line)
            if line.endswith("}"):
                assert nset is not None
                body = " ".join(elements)
                body = body[body.index("{") + 1 : body.rindex("}")]
                nset.elements.extend((elements_line, item) for item in split_items(body))
                elements = None
            continue
        if skip_depth:
            skip_depth += line.count("{") - line.count("}")
            continue
        if table is None:
            m = _TABLE.match(line)
            if m:
                table = NftTableBlock(m.group(1) or "ip", m.group(2), lineno)
                tables.append(table)
            else:
                unparsed.append((lineno, line, message(N_("outside any table"))))
            continue
        if line == "}":
            if chain is not None:
                chain = None
            elif nset is not None:
                nset = None
            else:
                table = None
            continue
        if chain is None and nset is None:
            m = _OPEN.match(line)
            if m and m.group(1) == "chain":
                chain = table.chains.setdefault(m.group(2), NftChainBlock(m.group(2), lineno))
            elif m and m.group(1) in ("set", "map"):
                nset = table.sets.setdefault(m.group(2), NftSetBlock(m.group(2), m.group(1) == "map", lineno))
            elif m or line.endswith("{"):
                skip_depth = 1
            elif line.startswith("comment "):
                table.comment = _unquote(line[8:])
            elif line.startswith("flags "):
                pass
            else:
                unparsed.append(
                    (lineno, line, message(N_("unexpected line in table {table}"), table=table.key))
                )
            continue
        if nset is not None:
            key, _, value = line.partition(" ")
            if key == "elements":
                text = value.lstrip("= ").strip()
                if text.endswith("}"):
                    nset.elements.extend((lineno, item) for item in split_items(text.strip("{} ")))
                else:
                    elements, elements_line = [text], lineno
            elif key in ("type", "typeof"):
                nset.type = value
            elif key == "flags":
                nset.flags = value
            elif key == "timeout":
                nset.timeout = value
            elif key == "comment":
                nset.comment = _unquote(value)
            # size, policy, counter, gc-interval, auto-merge: nothing to explain
            continue
        assert chain is not None
        if line.startswith("type ") and " hook " in line:
            chain.hook = line.split(" hook ", 1)[1].split()[0]
        elif line.startswith("policy "):
            continue
        elif line.startswith("comment ") and line.count('"') == 2 and line.endswith('"'):
            chain.comment = _unquote(line[8:])
        else:
            chain.rules.append((lineno, line))
    if elements is not None:
        unparsed.append(
            (elements_line, "elements = " + " ".join(elements), message(N_("element list not closed")))
        )
    fmt = "nft list table" if len(tables) == 1 else "nft list ruleset"
    return NftRuleset(tables, fmt, unparsed)


def _read_commands(numbered: list[tuple[int, str]]) -> NftRuleset:
    tables: dict[str, NftTableBlock] = {}
    unparsed: list[tuple[int, str, str]] = []

    def table_of(words: list[str], lineno: int) -> tuple[NftTableBlock, list[str]]:
        if words and words[0] in FAMILIES:
            family, rest = words[0], words[1:]
        else:
            family, rest = "ip", words
        if not rest:
            raise ValueError("missing table name")
        key = f"{family} {rest[0]}"
        if key not in tables:
            tables[key] = NftTableBlock(family, rest[0], lineno)
        return tables[key], rest[1:]

    for lineno, raw in numbered:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _CMD.match(line)
        if not m:
            unparsed.append((lineno, line, message(N_("not an nft command"))))
            continue
        verb, obj, rest = m.groups()
        try:
            words = rest.split()
            table, after = table_of(words, lineno)
            if obj == "table":
                cm = re.search(r'comment\s+("[^"]*")', rest)
                if cm:
                    table.comment = _unquote(cm.group(1))
                continue
            if not after:
                raise ValueError(f"missing {obj} name")
            name = after[0]
            if obj == "chain":
                ch = table.chains.setdefault(name, NftChainBlock(name, lineno))
                hm = re.search(r"\bhook\s+(\w+)", rest)
                if hm:
                    ch.hook = hm.group(1)
            elif obj in ("set", "map"):
                s = table.sets.setdefault(name, NftSetBlock(name, obj == "map", lineno))
                for clause in rest[rest.find("{") + 1 : rest.rfind("}")].split(";") if "{" in rest else []:
                    k, _, v = clause.strip().partition(" ")
                    if k in ("type", "typeof"):
                        s.type = v
                    elif k == "flags":
                        s.flags = v
                    elif k == "timeout":
                        s.timeout = v
                    elif k == "comment":
                        s.comment = _unquote(v)
            elif obj == "element":
                if "{" not in rest or not rest.rstrip().endswith("}"):
                    raise ValueError("expected { elements }")
                s = table.sets.setdefault(name, NftSetBlock(name, ":" in rest, lineno))
                if verb in ("add", "create", "insert", "replace"):
                    body = rest[rest.index("{") + 1 : rest.rindex("}")]
                    s.elements.extend((lineno, item) for item in split_items(body))
            elif obj == "rule":
                ch = table.chains.setdefault(name, NftChainBlock(name, lineno))
                text = rest.split(None, len(words) - len(after) + 1)[-1] if len(after) > 1 else ""
                text = re.sub(r"^(?:index|handle|position)\s+\d+\s+", "", text)
                if verb in ("add", "insert", "create"):
                    ch.rules.append((lineno, text))
        except ValueError as exc:
            unparsed.append((lineno, line, str(exc)))
    return NftRuleset(list(tables.values()), "nft -f transaction", unparsed)
