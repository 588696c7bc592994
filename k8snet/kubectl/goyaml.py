"""YAML as kubectl writes it for ``-o yaml``: sigs.k8s.io/yaml over the go-yaml v2 emitter.

kubectl prints an object as JSON turned into YAML by sigs.k8s.io/yaml ``JSONToYAML``, which decodes the JSON
and re-encodes it with go-yaml v2 (``gopkg.in/yaml.v2``, vendored today as ``sigs.k8s.io/yaml/goyaml.v2``).
This module emits the same text from a JSON-like mapping, following the pieces of go-yaml v2 that decide it:

* ``sorter.go`` ``keyList.Less``: mapping keys in go-yaml's order (digit runs compare as numbers, a non-letter
  sorts before a letter), not plain string order;
* ``resolve.go`` ``resolve``: a string that would read back as something else (``"80"``, ``"true"``, ``"y"``,
  ``"~"``, a timestamp) is double-quoted;
* ``emitterc.go`` ``yaml_emitter_analyze_scalar`` (libyaml's emitter, ported): when a string may be written
  plain, when it needs single quotes, and when double quotes; multi-line strings become literal ``|``
  blocks;
* block style with a 2-space indent, and block sequences written at their key's column (the ``-`` of an
  item is not indented under the key).

Simplified to what API objects contain: string keys, and scalars that are strings, numbers, booleans or null.

>>> print(go_yaml({"spec": {"ports": [{"port": 80, "name": "http"}]}, "apiVersion": "v1"}), end="")
apiVersion: v1
spec:
  ports:
  - name: http
    port: 80
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from typing import Any

__all__ = ["go_yaml"]


def _go_yaml_key_cmp(a: str, b: str) -> int:
    """go-yaml v2 ``keyList.Less`` for string keys: letters compare as runes, digit runs numerically,
    a non-letter sorts before a letter."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return -1 if ca < cb else 1
        if al or bl:
            return -1 if bl else 1
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return -1 if an < bn else 1
        if ai != bi:
            return -1 if ai < bi else 1
        return -1 if ca < cb else 1
    return (len(a) > len(b)) - (len(a) < len(b))


_YAML_SPECIAL_WORDS = {
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    ".inf",
    ".Inf",
    ".INF",
    "-.inf",
    "-.Inf",
    "-.INF",
    "+.inf",
    "+.Inf",
    "+.INF",
    ".nan",
    ".NaN",
    ".NAN",
    "<<",
}


def _resolves_to_non_string(s: str) -> bool:
    """go-yaml v2 ``resolve``: would this plain scalar read back as something other than a string?"""

    if s in _YAML_SPECIAL_WORDS:
        return True
    if re.fullmatch(r"[-+]?(0|[1-9][0-9_]*|0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+)", s):
        return True
    if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?", s):
        return True
    if re.fullmatch(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?", s):  # base 60
        return True
    if re.fullmatch(r"\d{4}-\d\d?-\d\d?([Tt ]|\s+)\d\d?:\d\d:\d\d(\.\d*)?(\s*(Z|[-+]\d\d?(:\d\d)?))?", s):
        return True
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", s))


def _plain_allowed(s: str) -> bool:
    """libyaml ``yaml_emitter_analyze_scalar``: may ``s`` be written as a block plain scalar?"""
    if not s or s[0] in " \t" or s[-1] in " \t":
        return False
    if s.startswith(("---", "...")):
        return False
    for i, ch in enumerate(s):
        nxt = s[i + 1] if i + 1 < len(s) else ""
        followed_by_space = nxt in ("", " ", "\t", "\n")
        if i == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                return False
            if ch in "?:" and followed_by_space:
                return False
            if ch == "-" and followed_by_space:
                return False
        else:
            if ch == ":" and followed_by_space:
                return False
            if ch == "#" and s[i - 1] in " \t":
                return False
        if ch in "\n\r" or not (ch.isprintable() or ch == "\t") or unicodedata.category(ch) == "Cf":
            return False
    return True


def _double_quote(s: str) -> str:
    out = []
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            out.append(f"\\x{ord(ch):02X}" if ord(ch) < 0x100 else f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    s = str(value)
    if _resolves_to_non_string(s):
        return _double_quote(s)
    if _plain_allowed(s):
        return s
    if "\n" in s or any(not ch.isprintable() for ch in s):
        return _double_quote(s)
    return "'" + s.replace("'", "''") + "'"


def _literal(s: str, indent: int) -> list[str]:
    if s.endswith("\n\n") or s == "\n":
        chomp = "+"
    elif s.endswith("\n"):
        chomp = ""
    else:
        chomp = "-"
    body = s[:-1] if s.endswith("\n") else s
    pad = " " * indent
    lines = [("|" + chomp)]
    for line in body.split("\n"):
        lines.append(pad + line if line else "")
    return lines


def _emit_mapping(d: dict, indent: int, out: list[str], first_prefix: str | None = None) -> None:
    """Keys of ``d`` at column ``indent``; the first one after ``first_prefix`` (a ``"- "`` item marker)."""
    keys = sorted(d, key=functools.cmp_to_key(_go_yaml_key_cmp))
    for i, k in enumerate(keys):
        lead = first_prefix if (i == 0 and first_prefix is not None) else " " * indent
        _emit_value(d[k], indent, out, lead + _scalar(k) + ":")


def _emit_value(v: Any, indent: int, out: list[str], line_prefix: str) -> None:
    """Emit ``v`` as the value of the key written in ``line_prefix`` (the key sits at column ``indent``)."""
    if isinstance(v, dict) and v:
        out.append(line_prefix)
        _emit_mapping(v, indent + 2, out)
    elif isinstance(v, list) and v:
        out.append(line_prefix)
        _emit_sequence(v, indent, out)
    else:
        _emit_scalar_line(v, indent + 2, out, line_prefix)


def _emit_sequence(items: list, indent: int, out: list[str]) -> None:
    """go-yaml v2 writes a block sequence at its key's column: ``- `` items are not indented."""
    marker = " " * indent + "- "
    for item in items:
        if isinstance(item, dict) and item:
            _emit_mapping(item, indent + 2, out, first_prefix=marker)
        elif isinstance(item, list) and item:
            out.append(marker.rstrip())
            _emit_sequence(item, indent + 2, out)
        else:
            _emit_scalar_line(item, indent + 2, out, marker.rstrip())


def _emit_scalar_line(v: Any, child_indent: int, out: list[str], line_prefix: str) -> None:
    if isinstance(v, dict):
        out.append(line_prefix + " {}")
    elif isinstance(v, list):
        out.append(line_prefix + " []")
    elif isinstance(v, str) and "\n" in v:
        lit = _literal(v, child_indent)
        out.append(line_prefix + " " + lit[0])
        out.extend(lit[1:])
    else:
        out.append(line_prefix + " " + _scalar(v))


def go_yaml(data: dict) -> str:
    """Render a JSON-like mapping as sigs.k8s.io/yaml does: block style, 2-space indent, sequences not
    indented under their key, literal ``|`` blocks for multi-line strings.

    >>> print(go_yaml({"b": [{"x": 1, "y": ["a"]}], "a": "", "c": "80", "d": "2026-01-01T00:00:00Z"}), end="")
    a: ""
    b:
    - x: 1
      "y":
      - a
    c: "80"
    d: "2026-01-01T00:00:00Z"
    """
    out: list[str] = []
    _emit_mapping(data, 0, out)
    return "\n".join(out) + "\n"
