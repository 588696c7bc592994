"""Label selectors: k8s.io/apimachinery ``pkg/labels`` (``selector.go``: the lexer and parser behind ``Parse``,
``NewRequirement``, ``Requirement.Matches``, ``Selector.String``), what ``kubectl get -l`` sends and the API server
parses, and lists with.

A selector is either a map (``{"app": "web"}``, a ``Service``'s ``spec.selector``: every pair must match,
``SelectorFromSet``, not validated) or the string syntax of ``-l``/``labelSelector``: comma-separated requirements
``key=value`` (or ``==``), ``key!=value``, ``key in (a,b)``, ``key notin (a,b)``, ``key`` (exists), ``!key`` (does
not exist), ``key>1``/``key<1`` (``gt``/``lt``). Requirements are ANDed. A malformed string raises
:class:`LabelSelectorError` whose text is ``labels.Parse``'s error, byte for byte; the API server answers it
with HTTP 400 (``BadRequest``) and kubectl prints it after ``Unable to find ... that match label selector``.

Keys are checked with ``IsQualifiedName`` and values with ``IsValidLabelValue`` (:mod:`k8snet.api.validation`),
as ``NewRequirement`` does. Upstream lexes bytes; here the lexer walks characters, which groups and reports
identically (every special character is ASCII), and lengths are counted in UTF-8 bytes as Go counts them.

>>> selector_matches("app=web,env in (prod, staging)", {"app": "web", "env": "prod"})
True
>>> parse("app in (web")
Traceback (most recent call last):
...
k8snet.api.labels.LabelSelectorError: unable to parse requirement: found '', expected: ',' or ')'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import K8snetError
from .field import Path, error_list_text, go_quote, invalid
from .validation import is_qualified_name, is_valid_label_value

__all__ = [
    "LabelSelectorError",
    "Requirement",
    "Selector",
    "label_selector_as_selector",
    "parse",
    "parse_label_selector",
    "selector_from_set",
    "selector_matches",
]


class LabelSelectorError(K8snetError, ValueError):
    """A selector ``labels.Parse`` rejects; ``str()`` is its error text (the API server's 400 message)."""


# selection.Operator values (k8s.io/apimachinery pkg/selection/operator.go)
IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS = "in", "notin", "=", "==", "!="
GREATER_THAN, LESS_THAN, EXISTS, DOES_NOT_EXIST = "gt", "lt", "exists", "!"
#: ``binaryOperators``, in the order the parser's error lists them.
_BINARY_OPERATORS = [IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN]


@dataclass(frozen=True)
class Requirement:
    """One requirement: a key, an operator and its values (``labels.Requirement``).

    >>> r = Requirement("env", IN, ("b", "a"))
    >>> str(r), r.matches({"env": "a"}), r.matches({})
    ('env in (a,b)', True, False)
    """

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        """``Requirement.Matches``: In/Equals need the key with one of the values; NotIn/NotEquals hold when the
        key is absent; Gt/Lt compare integers (a value that is not one never matches)."""
        op = self.operator
        if op in (IN, EQUALS, DOUBLE_EQUALS):
            return self.key in labels and labels[self.key] in self.values
        if op in (NOT_IN, NOT_EQUALS):
            return self.key not in labels or labels[self.key] not in self.values
        if op == EXISTS:
            return self.key in labels
        if op == DOES_NOT_EXIST:
            return self.key not in labels
        if op in (GREATER_THAN, LESS_THAN):
            if self.key not in labels or len(self.values) != 1:
                return False
            have, want = _parse_int64(labels[self.key]), _parse_int64(self.values[0])
            if have is None or want is None:
                return False
            return have > want if op == GREATER_THAN else have < want
        return False

    def __str__(self) -> str:
        # Requirement.String: values sorted (safeSort), "in"/"notin" in parentheses
        op = self.operator
        if op == DOES_NOT_EXIST:
            return "!" + self.key
        if op == EXISTS:
            return self.key
        sign = {IN: " in ", NOT_IN: " notin ", GREATER_THAN: ">", LESS_THAN: "<"}.get(op, op)
        values = ",".join(sorted(self.values))
        if op in (IN, NOT_IN):
            values = f"({values})"
        return f"{self.key}{sign}{values}"


@dataclass(frozen=True)
class Selector:
    """Requirements, all of which must match (``internalSelector``). ``str()`` is ``Selector.String()``: the
    requirements sorted by key, joined by commas.

    >>> s = parse("tier!=db,app=web")
    >>> str(s), s.matches({"app": "web"}), s.matches({"app": "web", "tier": "db"})
    ('app=web,tier!=db', True, False)
    """

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def empty(self) -> bool:
        return not self.requirements

    def __str__(self) -> str:
        return ",".join(str(r) for r in sorted(self.requirements, key=lambda r: r.key))


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """``SelectorFromSet``: one ``=`` requirement per pair, not validated (the API server checks the map).

    >>> str(selector_from_set({"tier": "web", "app": "x"}))
    'app=x,tier=web'
    """
    return Selector(tuple(Requirement(k, EQUALS, (v,)) for k, v in (labels or {}).items()))


_EXPRESSION_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}


def label_selector_as_selector(selector: object) -> Selector:
    """``metav1.LabelSelectorAsSelector`` for anything with ``matchLabels``/``matchExpressions`` (a
    ``LabelSelector``): its ``str()`` is what a Scale's ``status.selector`` shows. ``None`` or an empty selector
    gives the empty selector (upstream: ``Nothing()``/``Everything()``, both printed ``""``).

    >>> from k8snet.api.meta_v1 import LabelSelector
    >>> str(label_selector_as_selector(LabelSelector(matchLabels={"app": "web"},
    ...     matchExpressions=[{"key": "tier", "operator": "In", "values": ["b", "a"]}])))
    'app=web,tier in (a,b)'
    """
    if selector is None:
        return Selector()
    reqs = [Requirement(k, EQUALS, (v,)) for k, v in (getattr(selector, "matchLabels", None) or {}).items()]
    for expr in getattr(selector, "matchExpressions", None) or []:
        op = _EXPRESSION_OPERATORS.get(expr.operator)
        if op is None:
            raise LabelSelectorError(f"{go_quote(expr.operator)} is not a valid label selector operator")
        reqs.append(Requirement(expr.key, op, tuple(expr.values or ())))
    return Selector(tuple(reqs))


# --- the lexer (selector.go Lexer) ------------------------------------------------------------------------------

_ERROR, _EOS, _CLOSED_PAR, _COMMA, _NOT, _DOUBLE_EQUALS, _EQUALS = range(7)
_GREATER, _IDENTIFIER, _IN, _LESS, _NOT_EQUALS, _NOT_IN, _OPEN_PAR = range(7, 14)
_STRING_TO_TOKEN = {
    ")": _CLOSED_PAR,
    ",": _COMMA,
    "!": _NOT,
    "==": _DOUBLE_EQUALS,
    "=": _EQUALS,
    ">": _GREATER,
    "in": _IN,
    "<": _LESS,
    "!=": _NOT_EQUALS,
    "notin": _NOT_IN,
    "(": _OPEN_PAR,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")


def _scan(text: str) -> list[tuple[int, str]]:
    """Every token up to the end (a NUL, as Go's ``read`` returns 0 for it, also ends the string)."""
    items: list[tuple[int, str]] = []
    pos, n = 0, len(text)

    def read() -> str:
        nonlocal pos
        if pos < n:
            pos += 1
            return text[pos - 1]
        return "\0"

    while True:
        ch = read()
        while ch in _WHITESPACE:
            ch = read()
        if ch == "\0":
            items.append((_EOS, ""))
            return items
        pos -= 1
        buf = ""
        if ch in _SPECIAL:  # scanSpecialSymbol: the longest run that is still an operator
            last: tuple[int, str] | None = None
            while True:
                c = read()
                if c == "\0":
                    break
                if c in _SPECIAL:
                    buf += c
                    if buf in _STRING_TO_TOKEN:
                        last = (_STRING_TO_TOKEN[buf], buf)
                    elif last is not None:
                        pos -= 1
                        break
                else:
                    pos -= 1
                    break
            items.append(last if last is not None else (_ERROR, f"error expected: keyword found '{buf}'"))
        else:  # scanIDOrKeyword
            while True:
                c = read()
                if c == "\0":
                    break
                if c in _SPECIAL or c in _WHITESPACE:
                    pos -= 1
                    break
                buf += c
            items.append((_STRING_TO_TOKEN.get(buf, _IDENTIFIER), buf))


# --- the parser (selector.go Parser) ----------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str):
        self.items = _scan(text)
        self.position = 0

    def lookahead(self, values: bool) -> tuple[int, str]:
        tok, lit = self.items[self.position]
        if values and tok in (_IN, _NOT_IN):  # "value in (in)": keywords are identifiers among values
            tok = _IDENTIFIER
        return tok, lit

    def consume(self, values: bool) -> tuple[int, str]:
        tok, lit = self.lookahead(values)
        self.position += 1
        return tok, lit

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(True)
            if tok in (_IDENTIFIER, _NOT):
                try:
                    requirements.append(self.parse_requirement())
                except LabelSelectorError as err:
                    raise LabelSelectorError(f"unable to parse requirement: {err}") from None
                t, lit = self.consume(True)
                if t == _EOS:
                    return requirements
                if t == _COMMA:
                    t2, lit2 = self.lookahead(True)
                    if t2 not in (_IDENTIFIER, _NOT):
                        raise LabelSelectorError(f"found '{lit2}', expected: identifier after ','")
                else:
                    raise LabelSelectorError(f"found '{lit}', expected: ',' or 'end of string'")
            elif tok == _EOS:
                return requirements
            else:
                raise LabelSelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def parse_requirement(self) -> Requirement:
        key, operator = self.parse_key_and_infer_operator()
        if operator in (EXISTS, DOES_NOT_EXIST):
            return _new_requirement(key, operator, [])
        operator = self.parse_operator()
        values = self.parse_values() if operator in (IN, NOT_IN) else self.parse_exact_value()
        return _new_requirement(key, operator, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        operator = ""
        tok, lit = self.consume(True)
        if tok == _NOT:
            operator = DOES_NOT_EXIST
            tok, lit = self.consume(True)
        if tok != _IDENTIFIER:
            raise LabelSelectorError(f"found '{lit}', expected: identifier")
        # validateLabelKey with the parser's (nil) path: the field shows as "<nil>"
        problems = is_qualified_name(lit)
        if problems:
            raise LabelSelectorError(str(invalid("<nil>", lit, "; ".join(problems))))
        t, _ = self.lookahead(True)
        if t in (_EOS, _COMMA) and operator != DOES_NOT_EXIST:
            operator = EXISTS
        return lit, operator

    def parse_operator(self) -> str:
        tok, lit = self.consume(False)
        op = {
            _IN: IN,
            _EQUALS: EQUALS,
            _DOUBLE_EQUALS: DOUBLE_EQUALS,
            _GREATER: GREATER_THAN,
            _LESS: LESS_THAN,
            _NOT_IN: NOT_IN,
            _NOT_EQUALS: NOT_EQUALS,
        }.get(tok)
        if op is None:
            raise LabelSelectorError(f"found '{lit}', expected: {', '.join(_BINARY_OPERATORS)}")
        return op

    def parse_values(self) -> set[str]:
        tok, lit = self.consume(True)
        if tok != _OPEN_PAR:
            raise LabelSelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(True)
        if tok in (_IDENTIFIER, _COMMA):
            values = self.parse_identifiers_list()
            if self.consume(True)[0] != _CLOSED_PAR:
                raise LabelSelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok == _CLOSED_PAR:  # "()"
            self.consume(True)
            return {""}
        raise LabelSelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume(True)
            if tok == _IDENTIFIER:
                values.add(lit)
                tok2, lit2 = self.lookahead(True)
                if tok2 == _COMMA:
                    continue
                if tok2 == _CLOSED_PAR:
                    return values
                raise LabelSelectorError(f"found '{lit2}', expected: ',' or ')'")
            if tok == _COMMA:  # "(," ",," ",)" stand for empty values
                if not values:
                    values.add("")
                tok2, _ = self.lookahead(True)
                if tok2 == _CLOSED_PAR:
                    values.add("")
                    return values
                if tok2 == _COMMA:
                    self.consume(True)
                    values.add("")
            else:
                raise LabelSelectorError(f"found '{lit}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        tok, _ = self.lookahead(True)
        if tok in (_EOS, _COMMA):
            return {""}
        tok, lit = self.consume(True)
        if tok == _IDENTIFIER:
            return {lit}
        raise LabelSelectorError(f"found '{lit}', expected: identifier")


def _parse_int64(text: str) -> int | None:
    """``strconv.ParseInt(s, 10, 64)``: an optional sign and ASCII digits, within int64."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def _new_requirement(key: str, operator: str, values: list[str]) -> Requirement:
    """``NewRequirement``'s checks on the operator's values and ``IsValidLabelValue`` on each value."""
    errs = []
    path = Path("values")
    if operator in (IN, NOT_IN) and not values:
        errs.append(invalid(path, values, "for 'in', 'notin' operators, values set can't be empty"))
    elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS) and len(values) != 1:
        errs.append(invalid(path, values, "exact-match compatibility requires one single value"))
    elif operator in (GREATER_THAN, LESS_THAN):
        if len(values) != 1:
            errs.append(invalid(path, values, "for 'Gt', 'Lt' operators, exactly one value is required"))
        for i, v in enumerate(values):
            if _parse_int64(v) is None:
                errs.append(
                    invalid(path.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer")
                )
    for i, v in enumerate(values):
        problems = is_valid_label_value(v)
        if problems:
            errs.append(invalid(path.index(i).key(key), v, "; ".join(problems)))
    if errs:
        raise LabelSelectorError(error_list_text(errs))
    return Requirement(key, operator, tuple(values))


def parse(selector: str) -> Selector:
    """``labels.Parse``: the selector, or :class:`LabelSelectorError` with upstream's message.

    >>> str(parse("x in (foo,,baz),y,z notin ()"))
    'x in (,baz,foo),y,z notin ()'
    >>> parse("app=a=b")
    Traceback (most recent call last):
    ...
    k8snet.api.labels.LabelSelectorError: found '=', expected: ',' or 'end of string'
    """
    if not isinstance(selector, str):
        raise LabelSelectorError(f"a label selector is a string, not {type(selector).__name__}")
    return Selector(tuple(_Parser(selector).parse()))


def parse_label_selector(selector: str | dict | None) -> list[tuple[str, str, list[str]]]:
    """The requirements of a ``kubectl -l`` string (validated by :func:`parse`) or a map, as ``(key, op,
    values)`` in the order written; ``==`` reads as ``=``, exists as ``"exists"``, does-not-exist as ``"!"``.

    >>> parse_label_selector("app=web,tier!=db,env in (a, b),!legacy")
    [('app', '=', ['web']), ('tier', '!=', ['db']), ('env', 'in', ['a', 'b']), ('legacy', '!', [])]
    """
    if not selector:
        return []
    if isinstance(selector, dict):
        return [(k, "=", [v]) for k, v in selector.items()]
    out = []
    for r in parse(selector).requirements:
        op = EQUALS if r.operator == DOUBLE_EQUALS else r.operator
        out.append((r.key, op, list(r.values)))
    return out


def selector_matches(selector: str | dict | None, labels: Mapping[str, str] | None) -> bool:
    """Whether ``labels`` satisfy a selector string (:func:`parse`; an empty one matches everything) or a map.

    >>> selector_matches({"app": "web"}, {"app": "web", "x": "y"}), selector_matches("app!=web", {})
    (True, True)
    """
    if not selector:
        return True
    if isinstance(selector, dict):
        return selector_from_set(selector).matches(labels)
    return parse(selector).matches(labels)
