"""Go's ``strconv`` number parsing, as kubectl's flags and arguments read numbers.

pflag's ``int``/``int32`` flags call ``strconv.ParseInt(s, 0, 64)``/``ParseInt(s, 0, 32)``: base prefixes
(``0x``, ``0o``, ``0b``, a leading ``0`` for octal) and ``_`` between digits are accepted, anything else that is
not an ASCII digit is a syntax error, and a number outside the type is a range error. kubectl's own arguments
(``expose --port``, ``--target-port``) use ``strconv.Atoi``: base 10 only. Python's ``int()`` differs on all of
these (it accepts ``"٣"`` and surrounding spaces, it refuses ``0x10``, and ``"²".isdigit()`` is true), so
kubectl's parsing is ported here (go/src/strconv/atoi.go: ``ParseUint``, ``ParseInt``, ``Atoi``, ``underscoreOK``; ``NumError``).

:func:`int32` is Go's ``int32(x)`` conversion, which wraps rather than fails (``int32(2147483648)`` is
``-2147483648``): kubectl converts with it before it sends a number (``scale``'s ``int32(newSize)``,
``intstr.FromInt``).

>>> parse_int("0x1F", 0, 64), atoi("-80"), int32(2**32 + 80)
(31, -80, 80)
>>> parse_int("99999999999", 0, 32)
Traceback (most recent call last):
...
k8snet.api.strconv.NumError: strconv.ParseInt: parsing "99999999999": value out of range
"""

from __future__ import annotations

from ..errors import K8snetError
from .field import go_quote

__all__ = ["NumError", "atoi", "int32", "parse_int", "parse_uint"]

_SYNTAX, _RANGE = "invalid syntax", "value out of range"
_MAX_UINT64 = 2**64 - 1


class NumError(K8snetError, ValueError):
    """``strconv.NumError``: ``strconv.<func>: parsing "<num>": <err>``."""

    def __init__(self, func: str, num: str, err: str):
        self.func, self.num, self.err = func, num, err
        super().__init__(f"strconv.{func}: parsing {go_quote(num)}: {err}")


def _underscore_ok(s: str) -> bool:
    """``underscoreOK``: underscores only between digits, or between a base prefix and a digit."""
    saw = "^"
    if s[:1] in ("+", "-"):
        s = s[1:]
    i, hexadecimal = 0, False
    if len(s) >= 2 and s[0] == "0" and s[1].lower() in "bxo":
        i, saw, hexadecimal = 2, "0", s[1].lower() == "x"
    for c in s[i:]:
        if "0" <= c <= "9" or hexadecimal and "a" <= c.lower() <= "f":
            saw = "0"
            continue
        if c == "_":
            if saw != "0":
                return False
            saw = "_"
            continue
        if saw == "_":
            return False
        saw = "!"
    return saw != "_"


def _digit(c: str) -> int:
    if "0" <= c <= "9":
        return ord(c) - ord("0")
    lower = c.lower()
    if "a" <= lower <= "z" and c.isascii():
        return ord(lower) - ord("a") + 10
    return 99  # not a digit in any base


def parse_uint(s: str, base: int = 0, bits: int = 64, *, _func: str = "ParseUint") -> int:
    """``strconv.ParseUint``.

    >>> parse_uint("0b101"), parse_uint("1_000")
    (5, 1000)
    """
    s0 = s
    if s == "":
        raise NumError(_func, s0, _SYNTAX)
    base0 = base == 0
    if base0:
        base = 10
        if s[0] == "0":
            if len(s) >= 3 and s[1].lower() == "b":
                base, s = 2, s[2:]
            elif len(s) >= 3 and s[1].lower() == "o":
                base, s = 8, s[2:]
            elif len(s) >= 3 and s[1].lower() == "x":
                base, s = 16, s[2:]
            else:
                base, s = 8, s[1:]
    max_val = (1 << bits) - 1
    cutoff = _MAX_UINT64 // base + 1
    n, underscores = 0, False
    for c in s:
        if c == "_" and base0:
            underscores = True
            continue
        d = _digit(c)
        if d >= base:
            raise NumError(_func, s0, _SYNTAX)
        if n >= cutoff:
            raise NumError(_func, s0, _RANGE)
        n = n * base + d
        if n > max_val:
            raise NumError(_func, s0, _RANGE)
    if underscores and not _underscore_ok(s0):
        raise NumError(_func, s0, _SYNTAX)
    return n


def parse_int(s: str, base: int = 0, bits: int = 64, *, _func: str = "ParseInt") -> int:
    """``strconv.ParseInt``: an optional sign, then :func:`parse_uint`'s syntax, within a ``bits``-bit int.

    >>> parse_int("-9223372036854775808")
    -9223372036854775808
    >>> parse_int("abc")
    Traceback (most recent call last):
    ...
    k8snet.api.strconv.NumError: strconv.ParseInt: parsing "abc": invalid syntax
    """
    if s == "":
        raise NumError(_func, s, _SYNTAX)
    s0, neg = s, False
    if s[0] in "+-":
        neg, s = s[0] == "-", s[1:]
    try:
        un = parse_uint(s, base, bits)
    except NumError as err:
        if err.err != _RANGE:
            raise NumError(_func, s0, err.err) from None
        un = (1 << bits) - 1
    cutoff = 1 << (bits - 1)
    if (not neg and un >= cutoff) or (neg and un > cutoff):
        raise NumError(_func, s0, _RANGE)
    return -un if neg else un


def atoi(s: str) -> int:
    """``strconv.Atoi``: ``ParseInt(s, 10, 0)`` on a 64-bit platform, reported as ``Atoi``.

    >>> atoi("²")
    Traceback (most recent call last):
    ...
    k8snet.api.strconv.NumError: strconv.Atoi: parsing "²": invalid syntax
    """
    return parse_int(s, 10, 64, _func="Atoi")


def int32(value: int) -> int:
    """Go's ``int32(value)`` conversion: the low 32 bits, two's complement.

    >>> int32(2147483648), int32(-1)
    (-2147483648, -1)
    """
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value
