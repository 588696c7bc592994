"""``resource.Quantity`` (k8s.io/apimachinery ``pkg/api/resource/quantity.go``): parse a quantity the way the
API server decodes one, and print it in canonical form as ``Quantity.String()`` does.

A quantity is a decimal number with a suffix: binary (``Ki`` ... ``Ei``), decimal SI (``n``, ``u``, ``m``, ``k``,
``M`` ... ``E``) or a decimal exponent (``e3``). JSON may carry it as a string or as a number. The server keeps the
*format* of what was written and stores the canonical form: the largest suffix of that format that keeps the
number an integer (``1024Mi`` → ``1Gi``, ``0.5`` → ``500m``, ``1.5Gi`` → ``1536Mi``); a binary quantity that is
not a whole number, or lies strictly between -1024 and 1024, is shown as decimal SI. Values are rounded up to
nanounits, as ``ParseQuantity`` does.

>>> canonical("1024Mi"), canonical("0.5"), canonical("1.5Gi"), canonical(2), canonical("1e3"), canonical("2000m")
('1Gi', '500m', '1536Mi', '2', '1e3', '2')
>>> canonical("1mi")  # suffix characters that make no suffix
Traceback (most recent call last):
...
ValueError: unable to parse quantity's suffix
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

__all__ = ["ERR_FORMAT_WRONG", "ERR_SUFFIX", "canonical", "parse_quantity"]

#: ``resource.ErrFormatWrong`` and ``resource.ErrSuffix``: the texts a decode error carries.
ERR_FORMAT_WRONG = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
ERR_SUFFIX = "unable to parse quantity's suffix"

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {v: k for k, v in _DECIMAL.items()}
_BINARY_SUFFIX = {v: k for k, v in _BINARY.items()}
_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)\Z", re.S)
_EXPONENT = re.compile(r"[eE]([+-]?[0-9]+)\Z")


def parse_quantity(value: str | int | float) -> tuple[Fraction, str]:
    """The exact value (rounded up to nanounits) and the format (``BinarySI``, ``DecimalSI``,
    ``DecimalExponent``) of a quantity; :class:`ValueError` with upstream's message if malformed.

    >>> parse_quantity("1Ki")
    (Fraction(1024, 1), 'BinarySI')
    """
    if isinstance(value, bool):
        raise ValueError(ERR_FORMAT_WRONG)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(ERR_FORMAT_WRONG)
        # Go sees the JSON number's text: 0.5, 1e+16 (a number with an exponent is a DecimalExponent)
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = value.strip()
    if not text:
        raise ValueError(ERR_FORMAT_WRONG)
    m = _NUMBER.match(text)
    if m is None:
        raise ValueError(ERR_FORMAT_WRONG)
    sign, whole, frac, suffix = m.groups()
    if not whole and not frac:
        raise ValueError(ERR_FORMAT_WRONG)
    number = Fraction(int(whole or "0")) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
    if sign == "-":
        number = -number
    if suffix in _BINARY:
        return _round_nano(number * 2 ** _BINARY[suffix]), "BinarySI"
    if suffix in _DECIMAL:
        return _round_nano(number * Fraction(10) ** _DECIMAL[suffix]), "DecimalSI"
    e = _EXPONENT.match(suffix)
    if e is not None:
        return _round_nano(number * Fraction(10) ** int(e.group(1))), "DecimalExponent"
    # parseQuantityString accepts any suffix made of these characters; the suffixer then refuses it
    if re.fullmatch(r"[eEinumkKMGTP]*[-+]?[0-9]*", suffix):
        raise ValueError(ERR_SUFFIX)
    raise ValueError(ERR_FORMAT_WRONG)


def _round_nano(value: Fraction) -> Fraction:
    scaled = value * 10**9
    return Fraction(math.ceil(scaled), 10**9)


def _decimal(value: Fraction, exponent_form: bool) -> str:
    if value == 0:
        return "0"
    exp = -9
    mantissa = int(value * 10**9)  # an integer after _round_nano
    while exp < 18 and mantissa % 1000 == 0:
        mantissa //= 1000
        exp += 3
    if exponent_form:
        return f"{int(mantissa)}" + (f"e{exp}" if exp else "")
    return f"{int(mantissa)}{_DECIMAL_SUFFIX[exp]}"


def canonical(value: str | int | float) -> str:
    """``Quantity.String()`` of a parsed quantity (see the module docstring)."""
    number, fmt = parse_quantity(value)
    if fmt == "BinarySI":
        if -1024 < number < 1024 or number.denominator != 1:
            fmt = "DecimalSI"
        else:
            n, exp = int(number), 0
            while exp < 60 and n != 0 and n % 1024 == 0:
                n //= 1024
                exp += 10
            return f"{n}{_BINARY_SUFFIX.get(exp, '')}"
    return _decimal(number, fmt == "DecimalExponent")
