"""Parse nftables text into typed tables, chains, sets, maps and rules.

Two inputs are accepted:

* the ``add ...`` transaction format that kube-proxy feeds to ``nft -f`` and that the knftables fake prints
  from ``Fake.Dump()`` (sigs.k8s.io/knftables ``fake.go``; it is what kubernetes/kubernetes
  ``pkg/proxy/nftables/proxier_test.go`` compares against): ``add table``, ``add chain``, ``add set``,
  ``add map``, ``add rule``, ``add element``, plus ``flush``/``delete`` of chains, sets, maps and elements;
* the block layout printed by ``nft list table`` / ``nft list ruleset`` (``table ip kube-proxy { chain x {
  ... } }``), as far as kube-proxy's objects need (``type``/``hook``/``priority``/``policy``, ``flags``,
  ``timeout``, ``comment``, ``elements = { ... }``).

Rules are kept as text (:attr:`Rule.text`) and also parsed into typed statements (:class:`Match`,
:class:`Lookup`, :class:`VerdictMap`, :class:`Verdict`, :class:`MarkSet`, :class:`Nat`, :class:`SetUpdate`,
...), which is what :mod:`k8snet.dataplane.nft` executes. The grammar covered is the subset of nft syntax that
kube-proxy's nftables proxier writes (kubernetes/kubernetes ``pkg/proxy/nftables/proxier.go``), plus a few
common extras (``counter``, ``accept``, ``log``, ``tcp dport { 80, 443 }``). An unknown word raises
:class:`NftParseError` rather than being skipped.

>>> tables = parse_nftables('''
... add table ip kube-proxy { comment "rules for kube-proxy" ; }
... add chain ip kube-proxy services
... add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }
... add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
... add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-X }
... ''')
>>> t = tables["ip kube-proxy"]
>>> t.maps["service-ips"].elements[0].key, t.maps["service-ips"].elements[0].value
(('172.30.0.41', 'tcp', '80'), ('goto', 'service-X'))
>>> t.chains["services"].rules[0].statements[0]
VerdictMap(key=('ip daddr', 'meta l4proto', 'th dport'), map_name='service-ips', elements=None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from k8snet.errors import K8snetError

__all__ = [
    "NftParseError",
    "Element",
    "NamedSet",
    "Chain",
    "Table",
    "Rule",
    "Match",
    "Lookup",
    "VerdictMap",
    "Verdict",
    "MarkSet",
    "Nat",
    "Masquerade",
    "SetUpdate",
    "Reject",
    "Noop",
    "parse_nftables",
    "parse_rule",
    "written_rule",
    "tokenize",
    "STANDARD_PRIORITIES",
]

#: Named chain priorities for the ip/ip6/inet families (``man nft``, "CHAINS", table of standard priorities).
STANDARD_PRIORITIES: dict[str, int] = {
    "raw": -300,
    "mangle": -150,
    "dstnat": -100,
    "filter": 0,
    "security": 50,
    "srcnat": 100,
}

VERDICT_WORDS = ("accept", "drop", "continue", "return", "jump", "goto")
_BIT_OPS = {"or": "or", "|": "or", "xor": "xor", "^": "xor", "and": "and", "&": "and"}


class NftParseError(K8snetError):
    """Text that is not (kube-proxy's subset of) nft syntax.

    >>> try:
    ...     parse_nftables("add rule ip t nochain accept")
    ... except NftParseError as err:
    ...     print(err)
    line 1: "add rule ip t nochain accept": no table ip t
    """

    def __init__(self, lineno: int, text: str, reason: str):
        self.lineno, self.text, self.reason = lineno, text, reason
        super().__init__(f'line {lineno}: "{text}": {reason}')


# --------------------------------------------------------------------------------------------------------------
# Objects


@dataclass
class Element:
    """One element of a set or map: key parts (concatenation), value parts (maps only), comment."""

    key: tuple[str, ...]
    value: tuple[str, ...] | None = None
    comment: str | None = None

    def key_text(self) -> str:
        return " . ".join(self.key)

    def value_text(self) -> str:
        return " ".join(self.value or ())


@dataclass
class NamedSet:
    """A named set (``is_map`` false) or map: ``type`` text, flags, timeout (seconds), elements."""

    name: str
    type: str
    is_map: bool = False
    flags: list[str] = field(default_factory=list)
    timeout: int | None = None
    comment: str | None = None
    elements: list[Element] = field(default_factory=list)

    @property
    def key_types(self) -> list[str]:
        """The key's data types, e.g. ``['ipv4_addr', 'inet_proto', 'inet_service']``."""
        key = self.type.split(":")[0]
        return [p.strip() for p in key.split(".")]

    @property
    def value_type(self) -> str | None:
        return self.type.split(":", 1)[1].strip() if ":" in self.type else None

    def _positions(self) -> dict[tuple[str, ...], int]:
        """``{key: index in elements}`` (first element with that key), so :meth:`add` is O(1) instead of a
        scan (a sync adds one element per Service port: a scan made it quadratic). Kept beside
        :attr:`elements`, not a field (so ``==``/``repr`` are unchanged), and rebuilt whenever ``elements``
        was replaced or changed length behind our back (``elements.clear()`` on ``flush``)."""
        cached = self.__dict__.get("_index")
        if cached is None or cached[0] is not self.elements or len(cached[1]) != len(self.elements):
            positions: dict[tuple[str, ...], int] = {}
            for i, e in enumerate(self.elements):
                positions.setdefault(e.key, i)
            cached = self.__dict__["_index"] = (self.elements, positions)
        return cached[1]

    def add(self, elem: Element) -> None:
        """Add (or replace, for a map) the element with this key."""
        positions = self._positions()
        i = positions.get(elem.key)
        if i is not None and (i >= len(self.elements) or self.elements[i].key != elem.key):
            self.__dict__.pop("_index", None)  # an element was replaced in place: re-index
            positions = self._positions()
            i = positions.get(elem.key)
        if i is not None:
            self.elements[i] = elem
            return
        positions[elem.key] = len(self.elements)
        self.elements.append(elem)

    def delete(self, key: tuple[str, ...]) -> None:
        self.elements = [e for e in self.elements if e.key != key]


@dataclass
class Chain:
    """A chain; base chains have ``type``, ``hook`` and numeric ``priority``."""

    name: str
    type: str | None = None
    hook: str | None = None
    priority: int | None = None
    policy: str = "accept"
    comment: str | None = None
    rules: list[Rule] = field(default_factory=list)

    @property
    def is_base(self) -> bool:
        return self.hook is not None


@dataclass
class Table:
    """One table (``family`` ``ip``/``ip6``/``inet``) with its chains, sets and maps in creation order."""

    family: str
    name: str
    comment: str | None = None
    chains: dict[str, Chain] = field(default_factory=dict)
    sets: dict[str, NamedSet] = field(default_factory=dict)
    maps: dict[str, NamedSet] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.family} {self.name}"

    def lookup_set(self, name: str) -> NamedSet | None:
        return self.sets.get(name) or self.maps.get(name)

    def base_chains(self, hook: str | None = None) -> list[Chain]:
        """Base chains (of ``hook``), in priority order (stable for equal priorities)."""
        out = [c for c in self.chains.values() if c.is_base and (hook is None or c.hook == hook)]
        return sorted(out, key=lambda c: c.priority or 0)


# --------------------------------------------------------------------------------------------------------------
# Rule statements


@dataclass(frozen=True)
class Match:
    """``<selector> [and MASK] (==|!=) <value>``; ``values`` has one item for a literal, several for ``{ }``.

    ``selector`` is a concatenation of selector names (``('ip daddr',)``, ``('meta l4proto', 'th dport')``).
    """

    selector: tuple[str, ...]
    op: str
    values: tuple[str, ...]
    mask: str | None = None


@dataclass(frozen=True)
class Lookup:
    """``<selector> [!=] @set``: membership in a named set."""

    selector: tuple[str, ...]
    set_name: str
    negated: bool = False


@dataclass(frozen=True)
class VerdictMap:
    """``<selector> vmap @map`` or ``<selector> vmap { key : verdict, ... }`` (``elements`` then set)."""

    key: tuple[str, ...]
    map_name: str | None = None
    elements: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] | None = None


@dataclass(frozen=True)
class Verdict:
    """``accept``, ``drop``, ``continue``, ``return``, ``jump CHAIN``, ``goto CHAIN``."""

    kind: str
    target: str | None = None


@dataclass(frozen=True)
class Reject:
    """``reject [with ...]``."""

    how: str | None = None


@dataclass(frozen=True)
class MarkSet:
    """``mark set mark (or|xor|and) VALUE`` or ``mark set VALUE`` (``op`` ``set``)."""

    op: str
    value: str


@dataclass(frozen=True)
class Nat:
    """``dnat to ADDR[:PORT]`` / ``snat to ...``."""

    kind: str
    address: str
    port: int | None = None


@dataclass(frozen=True)
class Masquerade:
    """``masquerade [fully-random|random|persistent]``."""

    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetUpdate:
    """``update @set { selector }`` / ``add @set { selector }``: add the packet's key to a dynamic set."""

    set_name: str
    selector: tuple[str, ...]
    op: str = "update"


@dataclass(frozen=True)
class Noop:
    """Statements with no effect on the packet's fate (``counter``, ``log``, ``notrack`` ...)."""

    text: str


Statement = Match | Lookup | VerdictMap | Verdict | Reject | MarkSet | Nat | Masquerade | SetUpdate | Noop


@dataclass
class Rule:
    """One rule: its text as written (without the comment), the comment, and the parsed statements."""

    chain: str
    text: str
    comment: str | None = None
    statements: list[Statement] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        """The rule as knftables writes it: text plus ``comment "..."``."""
        return self.text + (f' comment "{self.comment}"' if self.comment is not None else "")


class _WrittenRule(Rule):
    """A rule built from text we wrote ourselves (:func:`written_rule`): ``statements`` are parsed from
    :attr:`full_text` on first use. Rendering a ruleset to text never needs them, and parsing was half the
    time of a kube-proxy sync. Compares, prints and copies as the :class:`Rule` that :func:`parse_rule`
    returns for the same text."""

    @property  # type: ignore[override]
    def statements(self) -> list[Statement]:
        parsed = self.__dict__.get("_statements")
        if parsed is None:
            parsed = self.__dict__["_statements"] = parse_rule(self.full_text, self.chain).statements
        return parsed

    @statements.setter
    def statements(self, value: list[Statement] | None) -> None:
        self.__dict__["_statements"] = value

    def _astuple(self) -> tuple:
        return (self.chain, self.text, self.comment, self.statements)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rule):
            return self._astuple() == (other.chain, other.text, other.comment, other.statements)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as the (unfrozen) Rule dataclass

    def __repr__(self) -> str:
        return (
            f"Rule(chain={self.chain!r}, text={self.text!r}, comment={self.comment!r}, "
            f"statements={self.statements!r})"
        )


def written_rule(text: str, chain: str = "", comment: str | None = None) -> Rule:
    """``parse_rule(text + ' comment "COMMENT"', chain)`` for rule text without a comment of its own, with the
    statements parsed only when first used (see :class:`_WrittenRule`).

    >>> r = written_rule("ip saddr 10.0.0.5 jump mark-for-masquerade", "c", comment="x")
    >>> r == parse_rule('ip saddr 10.0.0.5 jump mark-for-masquerade comment "x"', "c"), r.full_text
    (True, 'ip saddr 10.0.0.5 jump mark-for-masquerade comment "x"')
    """
    return _WrittenRule(chain, text.strip(), comment, None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# Tokenizer

_TOKEN_RE = re.compile(r'"[^"]*"|[{},;]|[^\s{},;"]+')


def tokenize(text: str) -> list[str]:
    """Split nft text into words, keeping quoted strings whole and ``{ } , ;`` as separate tokens.

    >>> tokenize('ip saddr != { 203.0.113.0/25,1.2.3.4 } drop comment "a b"')
    ['ip', 'saddr', '!=', '{', '203.0.113.0/25', ',', '1.2.3.4', '}', 'drop', 'comment', '"a b"']
    """
    return _TOKEN_RE.findall(text)


def _canon_int(tok: str) -> str:
    """Marks and masks in one spelling (``0x4000`` and ``0x00004000`` are the same value)."""
    try:
        return hex(int(tok, 0))
    except ValueError:
        return tok


def _unquote(tok: str) -> str:
    return tok[1:-1] if len(tok) >= 2 and tok[0] == '"' and tok[-1] == '"' else tok


# Selectors: the first word, and how many words it takes (including itself).
_TWO_WORD = {"ip", "ip6", "th", "tcp", "udp", "sctp", "meta", "ct", "ether", "icmp", "icmpv6"}
_ONE_WORD = {"mark", "iif", "oif", "iifname", "oifname", "l4proto"}


class _RuleParser:
    def __init__(self, text: str):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    # token helpers
    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end of rule")
        self.i += 1
        return tok

    def expect(self, word: str) -> None:
        tok = self.next()
        if tok != word:
            raise ValueError(f"expected {word!r}, got {tok!r}")

    def at_end(self) -> bool:
        return self.i >= len(self.toks)

    # grammar
    def selector(self) -> str | None:
        """One selector (``ip daddr``, ``meta l4proto``, ``fib saddr type``, ``numgen random mod 2``)."""
        tok = self.peek()
        if tok is None:
            return None
        if tok in _ONE_WORD:
            self.i += 1
            return "meta " + tok if tok in ("mark", "l4proto", "iif", "oif", "iifname", "oifname") else tok
        if tok == "fib":
            # fib saddr [. iif] type
            self.i += 1
            parts = ["fib"]
            while self.peek() not in (None, "type"):
                parts.append(self.next())
            self.expect("type")
            parts.append("type")
            return " ".join(parts)
        if tok == "numgen":
            self.i += 1
            parts = ["numgen", self.next()]  # random | inc
            self.expect("mod")
            parts += ["mod", self.next()]
            if self.peek() == "offset":
                self.i += 1
                parts += ["offset", self.next()]
            return " ".join(parts)
        if tok in _TWO_WORD and self.peek(1) is not None:
            self.i += 2
            return f"{tok} {self.toks[self.i - 1]}"
        return None

    def concat(self, first: str) -> tuple[str, ...]:
        sel = [first]
        while self.peek() == "." and self.peek(1) is not None:
            self.i += 1
            nxt = self.selector()
            if nxt is None:
                raise ValueError(f"bad concatenation near {self.peek()!r}")
            sel.append(nxt)
        return tuple(sel)

    def anon_set(self) -> tuple[str, ...]:
        """``{ a, b . c }`` → ('a', 'b . c')."""
        self.expect("{")
        items: list[str] = []
        cur: list[str] = []
        while True:
            tok = self.next()
            if tok == "}":
                break
            if tok == ",":
                items.append(" ".join(cur))
                cur = []
            else:
                cur.append(tok)
        if cur:
            items.append(" ".join(cur))
        return tuple(items)

    def anon_vmap(self) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
        out = []
        for item in self.anon_set():
            key, _, verdict = item.partition(" : ")
            out.append((tuple(p.strip() for p in key.split(" . ")), tuple(verdict.split())))
        return tuple(out)

    def value_words(self) -> str:
        # A literal right-hand side: one token; "a-b" ranges and "new,established" lists stay one word.
        return self.next()

    def statement(self) -> Statement | tuple[str, str]:
        tok = self.peek()
        assert tok is not None
        if tok == "comment":
            self.i += 1
            return ("comment", _unquote(self.next()))
        if tok in VERDICT_WORDS:
            self.i += 1
            if tok in ("jump", "goto"):
                return Verdict(tok, self.next())
            return Verdict(tok)
        if tok == "reject":
            self.i += 1
            how = None
            if self.peek() == "with":
                self.i += 1
                how = " ".join([self.next(), self.next()])
            return Reject(how)
        if tok == "counter":
            self.i += 1
            words = ["counter"]
            while self.peek() in ("packets", "bytes"):
                words += [self.next(), self.next()]
            return Noop(" ".join(words))
        if tok in ("log", "notrack"):
            self.i += 1
            words = [tok]
            while self.peek() in ("prefix", "level", "flags", "group"):
                words += [self.next(), self.next()]
            return Noop(" ".join(words))
        if tok in ("masquerade", "snat", "dnat"):
            return self.nat()
        if tok in ("update", "add") and (self.peek(1) or "").startswith("@"):
            self.i += 1
            set_name = self.next()[1:]
            self.expect("{")
            first = self.selector()
            if first is None:
                raise ValueError("bad set update key")
            sel = self.concat(first)
            self.expect("}")
            return SetUpdate(set_name, sel, tok)
        if tok in ("mark", "meta") and (self.peek(1) == "set" or (tok == "meta" and self.peek(2) == "set")):
            if tok == "meta":
                self.i += 1
            self.i += 2  # mark set
            # "mark set mark or 0x4000" (knftables) / "meta mark set meta mark | 0x00004000" (nft list)
            if self.peek() == "meta" and self.peek(1) == "mark":
                self.i += 1
            if self.peek() == "mark" and self.peek(1) in _BIT_OPS:
                self.i += 1
                op = _BIT_OPS[self.next()]
                return MarkSet(op, _canon_int(self.next()))
            return MarkSet("set", _canon_int(self.next()))
        # An expression: selector(s), then an operator, a set, a vmap or a literal.
        first = self.selector()
        if first is None:
            raise ValueError(f"unknown word {tok!r}")
        sel = self.concat(first)
        mask = None
        if self.peek() in ("and", "&"):
            self.i += 1
            mask = _canon_int(self.next())
        if self.peek() == "vmap":
            self.i += 1
            if (self.peek() or "").startswith("@"):
                return VerdictMap(sel, map_name=self.next()[1:])
            return VerdictMap(sel, elements=self.anon_vmap())
        op = "=="
        if self.peek() in ("==", "!=", "eq", "ne"):
            op = {"eq": "==", "ne": "!="}.get(self.next(), self.toks[self.i - 1])
        nxt = self.peek()
        if nxt is None:
            raise ValueError(f"missing value after {' . '.join(sel)}")
        if nxt.startswith("@"):
            self.i += 1
            return Lookup(sel, nxt[1:], negated=(op == "!="))
        if nxt == "{":
            return Match(sel, op, self.anon_set(), mask)
        if sel[0].startswith("fib ") or sel == ("ct state",):
            # "fib saddr type local", "ct state new,established"
            return Match(sel, op, tuple(self.next().split(",")), mask)
        if sel == ("meta mark",):
            return Match(sel, op, (_canon_int(self.next()),), mask)
        return Match(sel, op, (self.value_words(),), mask)

    def nat(self) -> Statement:
        kind = self.next()
        if kind == "masquerade":
            flags = []
            while self.peek() in ("fully-random", "random", "persistent"):
                flags.append(self.next())
            return Masquerade(tuple(flags))
        if self.peek() in ("ip", "ip6"):  # "dnat ip to ..." (inet family)
            self.i += 1
        self.expect("to")
        addr = self.next()
        return Nat(kind, *_split_host_port(addr))

    def parse(self) -> tuple[list[Statement], str | None]:
        out: list[Statement] = []
        comment = None
        while not self.at_end():
            st = self.statement()
            if isinstance(st, tuple):
                comment = st[1]
            else:
                out.append(st)
        return out, comment


def _split_host_port(addr: str) -> tuple[str, int | None]:
    """``10.0.0.1:80`` → ('10.0.0.1', 80); ``[fd00::1]:80`` → ('fd00::1', 80); a bare IP has no port."""
    if addr.startswith("["):
        host, _, rest = addr[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if addr.count(":") == 1:
        host, port = addr.split(":")
        return host, int(port)
    return addr, None


def parse_rule(text: str, chain: str = "") -> Rule:
    """Parse one rule's text (as after ``add rule FAMILY TABLE CHAIN``).

    >>> r = parse_rule('ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade')
    >>> r.statements
    [Match(selector=('ip daddr',), op='==', values=('172.30.0.41',), mask=None), \
Match(selector=('ip saddr',), op='!=', values=('10.0.0.0/8',), mask=None), Verdict(kind='jump', \
target='mark-for-masquerade')]
    >>> parse_rule('numgen random mod 2 vmap { 0 : goto a , 1 : goto b }').statements[0].elements
    ((('0',), ('goto', 'a')), (('1',), ('goto', 'b')))
    >>> r = parse_rule('fib saddr type local goto svc comment "short-circuit local traffic"')
    >>> r.text, r.comment, r.statements[0]
    ('fib saddr type local goto svc', 'short-circuit local traffic', Match(selector=('fib saddr type',), \
op='==', values=('local',), mask=None))
    """
    try:
        statements, comment = _RuleParser(text).parse()
    except (ValueError, IndexError) as err:
        raise NftParseError(0, text, str(err)) from None
    body = text
    if comment is not None:
        body = re.sub(r'\s*comment\s+"[^"]*"\s*$', "", text)
    return Rule(chain, body.strip(), comment, statements)


# --------------------------------------------------------------------------------------------------------------
# Object specs: "{ type filter hook input priority 0 ; comment "x" ; }"


def _parse_priority(words: list[str]) -> int:
    """``-110``, ``dstnat``, ``dstnat - 10``, ``dstnat-10``, ``filter + 10`` → an integer."""
    text = "".join(words)
    m = re.fullmatch(r"([a-z]+)?([+-]?\d+)?", text)
    if not m or not (m.group(1) or m.group(2)):
        raise ValueError(f"bad priority {' '.join(words)!r}")
    base = 0
    if m.group(1):
        if m.group(1) not in STANDARD_PRIORITIES:
            raise ValueError(f"unknown priority name {m.group(1)!r}")
        base = STANDARD_PRIORITIES[m.group(1)]
    return base + int(m.group(2) or 0)


def _spec_clauses(tokens: list[str]) -> list[list[str]]:
    """Split the words inside ``{ ... }`` of an object spec into ``;``-separated clauses."""
    out: list[list[str]] = []
    cur: list[str] = []
    for tok in tokens:
        if tok == ";":
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        out.append(cur)
    return out


def _apply_chain_spec(chain: Chain, clauses: list[list[str]]) -> None:
    for cl in clauses:
        if cl[0] == "type":
            # type filter hook input priority 0
            chain.type = cl[1]
            if "hook" in cl:
                chain.hook = cl[cl.index("hook") + 1]
            if "priority" in cl:
                chain.priority = _parse_priority(cl[cl.index("priority") + 1 :])
            elif chain.hook is not None:
                chain.priority = 0
        elif cl[0] == "policy":
            chain.policy = cl[1]
        elif cl[0] == "comment":
            chain.comment = _unquote(cl[1])
        elif cl[0] in ("device", "devices"):
            continue
        else:
            raise ValueError(f"unknown chain clause {' '.join(cl)!r}")


def _parse_timeout(text: str) -> int:
    """``10800s``, ``3h``, ``1d2h3m4s`` → seconds."""
    total = 0
    for num, unit in re.findall(r"(\d+)(ms|d|h|m|s)", text):
        total += int(num) * {"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0}[unit]
    if not re.fullmatch(r"(\d+(ms|d|h|m|s))+", text):
        raise ValueError(f"bad timeout {text!r}")
    return total


def _apply_set_spec(s: NamedSet, clauses: list[list[str]]) -> list[list[str]]:
    """Apply type/flags/timeout/comment; returns clauses that are ``elements = ...`` (list layout)."""
    rest = []
    for cl in clauses:
        if cl[0] in ("type", "typeof"):
            s.type = " ".join(cl[1:])
        elif cl[0] == "flags":
            s.flags = [f for f in "".join(cl[1:]).split(",") if f]
        elif cl[0] == "timeout":
            s.timeout = _parse_timeout(cl[1])
        elif cl[0] == "comment":
            s.comment = _unquote(cl[1])
        elif cl[0] in ("size", "policy", "gc-interval", "auto-merge"):
            continue
        elif cl[0] == "elements":
            rest.append(cl)
        else:
            raise ValueError(f"unknown set clause {' '.join(cl)!r}")
    return rest


def _parse_element_items(tokens: list[str]) -> list[Element]:
    """Words between ``{`` and ``}`` of ``add element``/``elements =`` → elements.

    An item is ``KEY [timeout T] [expires T] [comment "C"] [: VALUE]``; items are separated by ``,``.
    """
    items: list[list[str]] = []
    cur: list[str] = []
    for tok in tokens:
        if tok == ",":
            items.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        items.append(cur)
    out = []
    for words in items:
        if not words:
            continue
        value = None
        if ":" in words:
            idx = words.index(":")
            value = tuple(words[idx + 1 :])
            words = words[:idx]
        comment = None
        key_words: list[str] = []
        i = 0
        while i < len(words):
            if words[i] == "comment":
                comment = _unquote(words[i + 1])
                i += 2
            elif words[i] in ("timeout", "expires"):
                i += 2
            else:
                key_words.append(words[i])
                i += 1
        key = tuple(p.strip() for p in " ".join(key_words).split(" . "))
        out.append(Element(key, value, comment))
    return out


def _brace_body(tokens: list[str], start: int) -> tuple[list[str], int]:
    """Tokens inside the ``{`` at ``start`` up to its matching ``}``; returns (body, index after ``}``)."""
    if start >= len(tokens) or tokens[start] != "{":
        raise ValueError("expected '{'")
    depth = 0
    for j in range(start, len(tokens)):
        if tokens[j] == "{":
            depth += 1
        elif tokens[j] == "}":
            depth -= 1
            if depth == 0:
                return tokens[start + 1 : j], j + 1
    raise ValueError("unbalanced braces")


# --------------------------------------------------------------------------------------------------------------
# Documents


def parse_nftables(text: str, tables: dict[str, Table] | None = None) -> dict[str, Table]:
    """Parse ``add ...`` transaction text or ``nft list`` output; returns tables keyed ``"FAMILY NAME"``.

    Passing ``tables`` applies the text on top of existing tables (as ``nft -f`` does on a running host).

    >>> t = parse_nftables('''
    ... table ip kube-proxy {
    ...     comment "rules for kube-proxy"
    ...     set cluster-ips {
    ...         type ipv4_addr
    ...         comment "Active ClusterIPs"
    ...         elements = { 172.30.0.41, 172.30.0.42 }
    ...     }
    ...     chain nat-prerouting {
    ...         type nat hook prerouting priority dstnat; policy accept;
    ...         jump services
    ...     }
    ...     chain services {
    ...     }
    ... }
    ... ''')["ip kube-proxy"]
    >>> [e.key for e in t.sets["cluster-ips"].elements], t.chains["nat-prerouting"].priority
    ([('172.30.0.41',), ('172.30.0.42',)], -100)
    """
    tables = {} if tables is None else tables
    lines = text.splitlines()
    stripped = [ln.strip() for ln in lines]
    first = next((s for s in stripped if s and not s.startswith("#")), "")
    if first.startswith("table "):
        _parse_listing(lines, tables)
        return tables
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            _apply_command(line, tables)
        except NftParseError as err:
            raise NftParseError(lineno, line, err.reason) from None
        except (ValueError, IndexError, KeyError) as err:
            raise NftParseError(lineno, line, str(err)) from None
    return tables


def _get_table(tables: dict[str, Table], family: str, name: str) -> Table:
    key = f"{family} {name}"
    if key not in tables:
        raise ValueError(f"no table {key}")
    return tables[key]


def _apply_command(line: str, tables: dict[str, Table]) -> None:
    toks = tokenize(line)
    verb, obj = toks[0], toks[1]
    if verb not in ("add", "create", "insert", "flush", "delete", "destroy", "replace"):
        raise ValueError(f"unknown command {verb!r}")
    if obj == "table":
        family, name = toks[2], toks[3]
        key = f"{family} {name}"
        if verb in ("add", "create"):
            t = tables.setdefault(key, Table(family, name))
            if len(toks) > 4:
                body, _ = _brace_body(toks, 4)
                for cl in _spec_clauses(body):
                    if cl[0] == "comment":
                        t.comment = _unquote(cl[1])
                    elif cl[0] != "flags":
                        raise ValueError(f"unknown table clause {' '.join(cl)!r}")
        elif verb == "flush":
            t = _get_table(tables, family, name)
            for ch in t.chains.values():
                ch.rules.clear()
            for s in list(t.sets.values()) + list(t.maps.values()):
                s.elements.clear()
        else:
            tables.pop(key, None)
        return
    family, tname = toks[2], toks[3]
    table = _get_table(tables, family, tname)
    if obj == "chain":
        name = toks[4]
        if verb in ("add", "create"):
            ch = table.chains.setdefault(name, Chain(name))
            if len(toks) > 5:
                body, _ = _brace_body(toks, 5)
                _apply_chain_spec(ch, _spec_clauses(body))
        elif verb == "flush":
            table.chains[name].rules.clear()
        else:
            table.chains.pop(name, None)
        return
    if obj in ("set", "map"):
        name = toks[4]
        coll = table.sets if obj == "set" else table.maps
        if verb in ("add", "create"):
            s = coll.get(name)
            if s is None:
                s = coll[name] = NamedSet(name, "", is_map=(obj == "map"))
            if len(toks) > 5:
                body, _ = _brace_body(toks, 5)
                _apply_set_spec(s, _spec_clauses(body))
        elif verb == "flush":
            coll[name].elements.clear()
        else:
            coll.pop(name, None)
        return
    if obj == "element":
        name = toks[4]
        s = table.lookup_set(name)
        if s is None:
            raise ValueError(f"no set or map {name}")
        body, _ = _brace_body(toks, 5)
        for elem in _parse_element_items(body):
            if verb in ("add", "create", "replace"):
                s.add(elem)
            else:
                s.delete(elem.key)
        return
    if obj == "rule":
        name = toks[4]
        if name not in table.chains:
            raise ValueError(f"no chain {name}")
        # The rule text is everything after the chain name (kept verbatim, spacing included).
        m = re.match(r"\s*\S+\s+rule\s+\S+\s+\S+\s+\S+\s?(.*)$", line)
        rule_text = m.group(1) if m else ""
        handle = None
        hm = re.match(r"(?:index|handle|position)\s+(\d+)\s+(.*)$", rule_text)
        if hm:
            handle, rule_text = int(hm.group(1)), hm.group(2)
        rule = parse_rule(rule_text, name)
        rules = table.chains[name].rules
        if verb == "insert":
            rules.insert(0 if handle is None else handle, rule)
        elif verb == "add":
            rules.append(rule)
        else:
            raise ValueError(f"{verb} rule is not supported")
        return
    raise ValueError(f"unknown object {obj!r}")


def _parse_listing(lines: list[str], tables: dict[str, Table]) -> None:
    """The ``nft list`` block layout (one statement per line; ``}`` closes a block)."""
    table: Table | None = None
    chain: Chain | None = None
    nset: NamedSet | None = None
    pending_elements: list[str] | None = None
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if pending_elements is not None:
                more = tokenize(line)
                pending_elements += more
                if "}" in more:  # (not in earlier lines: testing only this one keeps a long set linear)
                    body, _ = _brace_body(pending_elements, pending_elements.index("{"))
                    assert nset is not None
                    for elem in _parse_element_items(body):
                        nset.add(elem)
                    pending_elements = None
                continue
            toks = tokenize(line)
            if table is None:
                if toks[0] != "table" or toks[-1] != "{":
                    raise ValueError("expected 'table FAMILY NAME {'")
                family, name = (toks[1], toks[2]) if len(toks) == 4 else ("ip", toks[1])
                table = tables.setdefault(f"{family} {name}", Table(family, name))
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
                if toks[0] == "comment":
                    table.comment = _unquote(toks[1])
                elif toks[0] == "chain" and toks[-1] == "{":
                    chain = table.chains.setdefault(toks[1], Chain(toks[1]))
                elif toks[0] in ("set", "map") and toks[-1] == "{":
                    coll = table.sets if toks[0] == "set" else table.maps
                    nset = coll.setdefault(toks[1], NamedSet(toks[1], "", is_map=(toks[0] == "map")))
                else:
                    raise ValueError(f"unexpected {toks[0]!r} in table")
                continue
            if nset is not None:
                if toks[0] == "elements":
                    pending_elements = toks[2:]
                    if "}" in pending_elements:
                        body, _ = _brace_body(pending_elements, 0)
                        for elem in _parse_element_items(body):
                            nset.add(elem)
                        pending_elements = None
                else:
                    _apply_set_spec(nset, _spec_clauses(toks))
                continue
            assert chain is not None
            if toks[0] in ("type", "policy") or (toks[0] == "comment" and len(toks) == 2):
                # A line that is only a comment is the chain's comment (a rule cannot be only a comment).
                if toks[0] == "comment":
                    chain.comment = _unquote(toks[1])
                else:
                    _apply_chain_spec(chain, _spec_clauses(toks))
                continue
            # "nft -a list" adds "# handle N"
            rule_text = re.sub(r"\s*# handle \d+$", "", line)
            chain.rules.append(parse_rule(rule_text, chain.name))
        except NftParseError as err:
            raise NftParseError(lineno, line, err.reason) from None
        except (ValueError, IndexError, AssertionError) as err:
            raise NftParseError(lineno, line, str(err) or "syntax error") from None


# --------------------------------------------------------------------------------------------------------------
# Writing


def _set_spec(s: NamedSet) -> str:
    # Clause order of knftables' Set/Map writeOperation: type, flags, timeout, comment.
    parts = [f"type {s.type} ;"]
    if s.flags:
        parts.append(f"flags {','.join(s.flags)} ;")
    if s.timeout is not None:
        parts.append(f"timeout {s.timeout}s ;")
    if s.comment is not None:
        parts.append(f'comment "{s.comment}" ;')
    return "{ " + " ".join(parts) + " }"


def _chain_spec(c: Chain) -> str:
    parts = []
    if c.type is not None:
        parts.append(f"type {c.type} hook {c.hook} priority {c.priority} ;")
    if c.comment is not None:
        parts.append(f'comment "{c.comment}" ;')
    return (" { " + " ".join(parts) + " }") if parts else ""


def _element_text(e: Element) -> str:
    text = e.key_text()
    if e.comment is not None:
        text += f' comment "{e.comment}"'
    if e.value is not None:
        text += " : " + e.value_text()
    return "{ " + text + " }"


def dump_table(table: Table) -> str:
    """The table as ``add ...`` lines, in the order of knftables' ``Fake.Dump()``.

    Order: the table; chains, sets and maps (each sorted by name); then every chain's rules (chains by name,
    rules in order); then set elements and map elements (sets/maps by name, elements in insertion order).
    Each line ends in a newline.

    >>> t = parse_nftables('''add table ip k { comment "c" ; }
    ... add chain ip k b
    ... add chain ip k a { type nat hook output priority -100 ; }
    ... add rule ip k b jump a comment "x"
    ... add set ip k s { type ipv4_addr ; }
    ... add element ip k s { 10.0.0.1 }''')["ip k"]
    >>> print(dump_table(t), end="")
    add table ip k { comment "c" ; }
    add chain ip k a { type nat hook output priority -100 ; }
    add chain ip k b
    add set ip k s { type ipv4_addr ; }
    add rule ip k b jump a comment "x"
    add element ip k s { 10.0.0.1 }
    """
    fam = f"{table.family} {table.name}"
    out = []
    if table.comment is not None:
        out.append(f'add table {fam} {{ comment "{table.comment}" ; }}')
    else:
        out.append(f"add table {fam}")
    for name in sorted(table.chains):
        out.append(f"add chain {fam} {name}{_chain_spec(table.chains[name])}")
    for name in sorted(table.sets):
        out.append(f"add set {fam} {name} {_set_spec(table.sets[name])}")
    for name in sorted(table.maps):
        out.append(f"add map {fam} {name} {_set_spec(table.maps[name])}")
    for name in sorted(table.chains):
        for rule in table.chains[name].rules:
            out.append(f"add rule {fam} {name} {rule.full_text}")
    for coll in (table.sets, table.maps):
        for name in sorted(coll):
            for e in coll[name].elements:
                out.append(f"add element {fam} {name} {_element_text(e)}")
    return "\n".join(out) + "\n"


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


# Port of sortNFTablesTransaction in kubernetes/kubernetes pkg/proxy/nftables/helpers_test.go.
_OBJECT_ORDER = {"table": 10, "chain": 9, "rule": 8, "set": 7, "map": 6, "element": 5}


def sort_nftables_transaction(text: str) -> str:
    """Canonical order used by upstream's ``assertNFTablesTransactionEqual``.

    Blank lines and ``#`` comments are dropped; lines are sorted by object type (table, chain, rule, set, map,
    element), then by object name; rules keep their relative order; other lines with equal type and name sort
    by the whole line. Joined with ``\\n`` (no trailing newline).

    >>> print(sort_nftables_transaction('''
    ... add element ip t s { 2 }
    ... # comment
    ... add rule ip t c b
    ... add rule ip t c a
    ... add chain ip t c
    ... add element ip t s { 1 }'''))
    add chain ip t c
    add rule ip t c b
    add rule ip t c a
    add element ip t s { 1 }
    add element ip t s { 2 }
    """
    import functools

    lines = [ln for ln in text.split("\n") if ln != "" and ln[0] != "#"]

    def less(li: str, lj: str) -> bool:
        wi, wj = li.split(" "), lj.split(" ")
        if len(wi) < 5 or len(wj) < 5:
            return False
        if wi[1] != wj[1]:
            return _OBJECT_ORDER.get(wi[1], 0) >= _OBJECT_ORDER.get(wj[1], 0)
        if wi[4] != wj[4]:
            return wi[4] < wj[4]
        if wi[1] == "rule":
            return False
        return li < lj

    # Go's sort.SliceStable with a "less" that may not be a strict order: emulate with a stable insertion
    # sort driven by the same predicate, which is what SliceStable does for small inputs (insertionSort on
    # blocks of 20, then symMerge). For the consistent inputs used here any stable sort gives the same result.
    def cmp(a: str, b: str) -> int:
        if less(a, b) and not less(b, a):
            return -1
        if less(b, a) and not less(a, b):
            return 1
        return 0

    return "\n".join(sorted(lines, key=functools.cmp_to_key(cmp)))
