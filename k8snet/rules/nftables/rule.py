"""One rule's text: nft's words, and the statements kube-proxy's rules are made of.

The grammar covered is the subset of nft syntax that kube-proxy's nftables proxier writes
(kubernetes/kubernetes ``pkg/proxy/nftables/proxier.go``), in knftables' spelling and in ``nft list``'s
(``meta mark set meta mark | 0x00004000``), plus a few common extras (``counter``, ``accept``, ``log``,
``tcp dport { 80, 443 }``). An unknown word raises :class:`NftParseError` rather than being skipped.

>>> parse_rule("ip daddr 172.30.0.41 tcp dport 80 goto service-X").statements[-1]
Verdict(kind='goto', target='service-X')
"""

from __future__ import annotations

import re

from k8snet.errors import K8snetError

from .objects import (
    Lookup,
    MarkSet,
    Masquerade,
    Match,
    Nat,
    Noop,
    Reject,
    Rule,
    SetUpdate,
    Statement,
    Verdict,
    VerdictMap,
)

__all__ = ["NftParseError", "VERDICT_WORDS", "parse_rule", "written_rule", "tokenize", "unquote"]

VERDICT_WORDS = ("accept", "drop", "continue", "return", "jump", "goto")
_BIT_OPS = {"or": "or", "|": "or", "xor": "xor", "^": "xor", "and": "and", "&": "and"}


class NftParseError(K8snetError):
    """Text that is not (kube-proxy's subset of) nft syntax.

    >>> from k8snet.rules.nftables import parse_nftables
    >>> try:
    ...     parse_nftables("add rule ip t nochain accept")
    ... except NftParseError as err:
    ...     print(err)
    line 1: "add rule ip t nochain accept": no table ip t
    """

    def __init__(self, lineno: int, text: str, reason: str):
        self.lineno, self.text, self.reason = lineno, text, reason
        super().__init__(f'line {lineno}: "{text}": {reason}')


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


def unquote(tok: str) -> str:
    """A quoted word without its quotes (``"a b"`` → ``a b``); any other word as it is.

    >>> unquote('"rules for kube-proxy"'), unquote("services")
    ('rules for kube-proxy', 'services')
    """
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
            return ("comment", unquote(self.next()))
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
