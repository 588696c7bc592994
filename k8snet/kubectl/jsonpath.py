"""kubectl's JSONPath: the template language of ``-o jsonpath=...`` and ``-o custom-columns=...``.

A port of k8s.io/client-go ``util/jsonpath`` (``parser.go``: the template grammar — text, ``{...}`` actions with
fields, ``[i]``/``[a:b:c]`` slices, ``[*]``, unions ``[a,b]``, ``['key']``, filters ``[?(@.x == 'y')]``,
recursive descent ``..``, ``range``/``end``, quoted text such as ``{"\\n"}``; ``jsonpath.go``: evaluation with
``AllowMissingKeys``, ``FindResults``/``PrintResults``) and of kubectl's two printers built on it:
cli-runtime ``printers/jsonpath.go`` (``JSONPathPrinter``) and kubectl ``pkg/cmd/get/customcolumn.go``
(``RelaxedJSONPathExpression``, ``NewCustomColumnsPrinterFromSpec``, ``CustomColumnsPrinter``).

Values are the object's JSON (as kubectl's unstructured objects hold it: integers stay integers), printed as Go
prints them: a map or a list as compact JSON in a jsonpath template, with ``%v`` (``map[k:v]``, ``[a b]``) in a
custom column.

>>> obj = {"kind": "List", "items": [{"metadata": {"name": "a", "labels": {"app": "web"}}},
...                                  {"metadata": {"name": "b"}}]}
>>> jsonpath_print("{.items[*].metadata.name}", obj)
'a b'
>>> jsonpath_print('{range .items[*]}{.metadata.name}{"\\\\n"}{end}', obj)
'a\\nb\\n'
>>> print(custom_columns_print("NAME:.metadata.name,APP:.metadata.labels.app", obj), end="")
NAME   APP
a      web
b      <none>
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..api.field import go_json
from ..errors import KubectlError
from .tabwriter import kubectl_get_writer

__all__ = [
    "JSONPathError",
    "parse",
    "find_results",
    "execute",
    "jsonpath_print",
    "relaxed_jsonpath_expression",
    "custom_columns_print",
]


class JSONPathError(KubectlError):
    """A template that does not parse, or fails on the object (the text is client-go's)."""


# --- nodes (client-go util/jsonpath/node.go) ------------------------------------------------------------------


@dataclass
class Node:
    kind: str  # List, Text, Field, Identifier, Array, Filter, Int, Float, Wildcard, Recursive, Union, Bool
    value: Any = None
    nodes: list[Any] = field(default_factory=list)  # List: children; Union: lists; Filter: [left, right]
    op: str = ""


def _list() -> Node:
    return Node("List")


# --- the parser (parser.go) -------------------------------------------------------------------------------------

_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?\d*)(:-?\d*)?(:-?\d*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.S)
_EOF = ""


def _is_alnum(r: str) -> bool:
    return r == "_" or r.isalpha() or r.isdigit()


def _is_terminator(r: str) -> bool:
    return r in (_EOF, ".", ",", "[", "]", "$", "@", "{", "}", " ", "\t", "\r", "\n")


class _Parser:
    def __init__(self, text: str):
        self.input = text
        self.pos = 0
        self.start = 0
        self.width = 0
        self.root = _list()

    def consume(self) -> str:
        value = self.input[self.start : self.pos]
        self.start = self.pos
        return value

    def next(self) -> str:
        if self.pos >= len(self.input):
            self.width = 0
            return _EOF
        r = self.input[self.pos]
        self.width = 1
        self.pos += 1
        return r

    def peek(self) -> str:
        r = self.next()
        self.backup()
        return r

    def backup(self) -> None:
        self.pos -= self.width

    def parse(self) -> Node:
        self.parse_text(self.root)
        return self.root

    def parse_text(self, cur: Node) -> None:
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    cur.nodes.append(Node("Text", self.consume()))
                return self.parse_left_delim(cur)
            if self.next() == _EOF:
                break
        if self.pos > self.start:
            cur.nodes.append(Node("Text", self.consume()))

    def parse_left_delim(self, cur: Node) -> None:
        self.pos += 1
        self.consume()
        new = _list()
        cur.nodes.append(new)
        return self.parse_inside_action(new)

    def parse_inside_action(self, cur: Node) -> None:
        while True:
            rest = self.input[self.pos :]
            if rest.startswith("}"):
                self.pos += 1
                self.consume()
                return self.parse_text(self.root)
            if rest.startswith("[?("):
                self.parse_filter(cur)
                continue
            if rest.startswith(".."):
                self.parse_recursive(cur)
                continue
            r = self.next()
            if r == _EOF or r in "\r\n":
                raise JSONPathError("unclosed action")
            if r == " " or r in "@$":
                self.consume()
            elif r == "[":
                self.parse_array(cur)
            elif r in "\"'":
                self.parse_quote(cur, r)
            elif r == ".":
                self.parse_field(cur)
            elif r in "+-" or r.isdigit():
                self.backup()
                self.parse_number(cur)
            elif _is_alnum(r):
                self.backup()
                self.parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: {_go_unicode(r)}")

    def parse_identifier(self, cur: Node) -> None:
        while True:
            r = self.next()
            if _is_terminator(r):
                self.backup()
                break
        value = self.consume()
        if value in ("true", "false"):
            cur.nodes.append(Node("Bool", value == "true"))
        else:
            cur.nodes.append(Node("Identifier", value))

    def parse_recursive(self, cur: Node) -> None:
        if cur.nodes and cur.nodes[-1].kind == "Recursive":
            raise JSONPathError("invalid multiple recursive descent")
        self.pos += 2
        self.consume()
        cur.nodes.append(Node("Recursive"))
        if _is_alnum(self.peek()):
            self.parse_field(cur)

    def parse_number(self, cur: Node) -> None:
        r = self.peek()
        if r in "+-" and r:
            self.next()
        while True:
            r = self.next()
            if r != "." and not r.isdigit():
                self.backup()
                break
        value = self.consume()
        if re.fullmatch(r"[+-]?\d+", value):
            cur.nodes.append(Node("Int", int(value)))
            return
        try:
            cur.nodes.append(Node("Float", float(value)))
        except ValueError:
            raise JSONPathError(f"cannot parse number {value}") from None

    def parse_array(self, cur: Node) -> None:
        while True:
            r = self.next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated array")
            if r == "]":
                break
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            union = [_parse_action(f"[{p.strip(' ')}]") for p in parts]
            cur.nodes.append(Node("Union", nodes=union))
            return
        m = _DICT_KEY.match(text)
        if m is not None:
            cur.nodes.extend(_parse_action(f".{m.group(1)}").nodes)
            return
        m = _SLICE.match(text)
        if m is None:
            raise JSONPathError(f"invalid array index {text}")
        values = list(m.groups())
        params: list[list[Any]] = [
            [False, 0, False],
            [False, 0, False],
            [False, 0, False],
        ]  # known, value, derived
        for i in range(3):
            v = values[i] or ""
            if v:
                if i > 0:
                    v = v[1:]
                if i > 0 and v == "":
                    params[i][0] = False
                else:
                    if not re.fullmatch(r"-?\d+", v):
                        raise JSONPathError(f"array index {v} is not a number")
                    params[i][0], params[i][1] = True, int(v)
            elif i == 1:
                params[i] = [True, params[0][1] + 1, True]
            else:
                params[i] = [False, 0, False]
        cur.nodes.append(Node("Array", params))

    def parse_filter(self, cur: Node) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = ""
        while True:
            r = self.next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin, pair = True, r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")":
                if begin == end:
                    break
        if self.next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self.consume()[:-2]
        m = _FILTER.match(text)
        if m is None:
            cur.nodes.append(Node("Filter", nodes=[_parse_action(text), _list()], op="exists"))
        else:
            cur.nodes.append(
                Node("Filter", nodes=[_parse_action(m.group(1)), _parse_action(m.group(3))], op=m.group(2))
            )

    def parse_quote(self, cur: Node, end: str) -> None:
        while True:
            r = self.next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        try:
            text = _unquote_extend(value)
        except ValueError as err:
            raise JSONPathError(f"unquote string {value} error {err}") from None
        cur.nodes.append(Node("Text", text))

    def parse_field(self, cur: Node) -> None:
        self.consume()
        while True:
            r = self.next()
            if r == "\\":
                self.next()
            elif _is_terminator(r):
                self.backup()
                break
        value = self.consume()
        if value == "*":
            cur.nodes.append(Node("Wildcard"))
        else:
            cur.nodes.append(Node("Field", value.replace("\\", "")))


def _go_unicode(r: str) -> str:
    """Go's ``%#U``: ``U+0021 '!'``."""
    return f"U+{ord(r):04X} '{r}'"


def _unquote_extend(s: str) -> str:
    """``UnquoteExtend``: ``strconv.Unquote`` that also takes single quotes."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise ValueError("invalid syntax")
    body = s[1:-1]
    if "\\" not in body and s[0] not in body:
        return body
    out = []
    i = 0
    escapes = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    while i < len(body):
        c = body[i]
        if c == s[0]:
            raise ValueError("invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError("invalid syntax")
        e = body[i + 1]
        if e in escapes:
            out.append(escapes[e])
            i += 2
        elif e in "\"'":
            out.append(e)
            i += 2
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2 : i + 2 + n]
            if len(digits) != n or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 16)))
            i += 2 + n
        elif e in "01234567":
            digits = body[i + 1 : i + 4]
            if not re.fullmatch(r"[0-7]{3}", digits):
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            raise ValueError("invalid syntax")
    return "".join(out)


def _parse_action(text: str) -> Node:
    """``parseAction``: ``text`` parsed as the inside of one ``{...}``."""
    return _Parser("{" + text + "}").parse().nodes[0]


def parse(template: str) -> Node:
    """``jsonpath.Parse``: the template's node tree; :class:`JSONPathError` with client-go's text.

    >>> parse("{.items[").kind
    Traceback (most recent call last):
    ...
    k8snet.kubectl.jsonpath.JSONPathError: unterminated array
    """
    return _Parser(template).parse()


# --- evaluation (jsonpath.go) ---------------------------------------------------------------------------------

_MISSING = object()


class _Evaluator:
    """``JSONPath`` of client-go as it is since the nested-range fix (``lastEndNode``; the ``TestNestedRanges``
    cases): a ``range`` runs the nodes after it once per value (once on nothing when there is none) and the
    evaluation then resumes after its ``end``."""

    def __init__(self, root: Node, allow_missing_keys: bool = True):
        self.root_nodes = list(root.nodes)
        self.allow_missing = allow_missing_keys
        self.begin_range = self.in_range = self.end_range = 0
        self.last_end_node: Node | None = None

    def find_results(self, data: Any, nodes: list[Node] | None = None) -> list[list[Any]]:
        nodes = self.root_nodes if nodes is None else nodes
        cur = [data]
        full: list[list[Any]] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            results = self.walk(cur, node)
            # an end node: break the current block
            if self.end_range > 0 and self.end_range <= self.in_range:
                self.end_range -= 1
                self.last_end_node = node
                break
            # a range node: run the rest once per value
            if self.begin_range > 0:
                self.begin_range -= 1
                self.in_range += 1
                if results:
                    for value in results:
                        full.extend(self.find_results(value, nodes[i + 1 :]))
                else:
                    # no values: the nodes within the range still run, so the position reaches the end node
                    self.find_results(None, nodes[i + 1 :])
                self.in_range -= 1
                # resume after the most recent end node
                for k in range(i + 1, len(nodes)):
                    if nodes[k] is self.last_end_node:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def walk(self, values: list[Any], node: Node) -> list[Any]:
        kind = node.kind
        if kind == "List":
            for child in node.nodes:
                values = self.walk(values, child)
            return values
        if kind == "Text":
            return [node.value]
        if kind in ("Int", "Float", "Bool"):
            return [node.value for _ in values]
        if kind == "Field":
            return self.eval_field(values, node)
        if kind == "Array":
            return self.eval_array(values, node)
        if kind == "Filter":
            return self.eval_filter(values, node)
        if kind == "Wildcard":
            return [v for value in values for v in _children(value)]
        if kind == "Recursive":
            return self.eval_recursive(values)
        if kind == "Union":
            out: list[Any] = []
            for lst in node.nodes:
                out.extend(self.walk(values, lst))
            return out
        if kind == "Identifier":
            return self.eval_identifier(values, node)
        raise JSONPathError(f"unexpected Node {node}")

    def eval_identifier(self, values: list[Any], node: Node) -> list[Any]:
        if node.value == "range":
            self.begin_range += 1
            return values
        if node.value == "end":
            if self.in_range > 0:
                self.end_range += 1
                return []
            raise JSONPathError("not in range, nothing to end")
        raise JSONPathError(f"unrecognized identifier {node.value}")

    def eval_field(self, values: list[Any], node: Node) -> list[Any]:
        results: list[Any] = []
        if not values:
            return results
        for value in values:
            if isinstance(value, dict) and node.value in value:
                results.append(value[node.value])
        if not results:
            if self.allow_missing:
                return results
            raise JSONPathError(f"{node.value} is not found")
        return results

    def eval_array(self, values: list[Any], node: Node) -> list[Any]:
        out: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{_go_type(value)} is not array or slice")
            (k0, v0, _), (k1, v1, derived1), (k2, v2, _) = node.value
            length = len(value)
            start = v0 if k0 else 0
            if start < 0:
                start += length
            stop = v1 if k1 else length
            if stop < 0 or (stop == 0 and derived1):  # [-1]: the end derived from the start wraps too
                stop += length
            if stop == start:
                return out  # zero elements requested: allowed, and the rest of the input is not read
            if start >= length or start < 0:
                raise JSONPathError(f"array index out of bounds: index {start}, length {length}")
            if stop > length or stop < 0:
                raise JSONPathError(f"array index out of bounds: index {stop - 1}, length {length}")
            if start > stop:
                raise JSONPathError(f"starting index {start} is greater than ending index {stop}")
            step = 1
            if k2:
                if v2 <= 0:
                    raise JSONPathError("step must be > 0")
                step = v2
            out.extend(value[start:stop:step])
        return out

    def eval_recursive(self, values: list[Any]) -> list[Any]:
        out: list[Any] = []
        for value in values:
            if value is None:
                continue
            children = _children(value)
            if children:
                out.append(value)
                out.extend(self.eval_recursive(children))
        return out

    def eval_filter(self, values: list[Any], node: Node) -> list[Any]:
        out: list[Any] = []
        left_node, right_node = node.nodes
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(f"{_go_repr(value)} is not array or slice and cannot be filtered")
            for item in value:
                try:
                    lefts = self.walk([item], left_node)
                except JSONPathError:
                    if node.op == "exists":
                        continue
                    raise
                if node.op == "exists":
                    if lefts:
                        out.append(item)
                    continue
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self.walk([item], right_node)
                if len(rights) != 1:
                    raise JSONPathError("can only compare one element at a time")
                if _compare(lefts[0], rights[0], node.op):
                    out.append(item)
        return out


def _children(value: Any) -> list[Any]:
    """What ``*`` and ``..`` descend into: a map's values, a list's items, a string's bytes (Go indexes a
    string by byte: ``uint8`` values, which have no children)."""
    if isinstance(value, dict):
        return [value[k] for k in value]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return list(value.encode("utf-8"))
    return []


def _basic_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return "other"


def _compare(left: Any, right: Any, op: str) -> bool:
    """The forked text/template comparisons (``eq``, ``lt``...): same basic kinds only."""
    lk, rk = _basic_kind(left), _basic_kind(right)
    if op in ("==", "!="):
        if lk != rk or lk == "other":
            raise JSONPathError("incompatible types for comparison")
        return (left == right) == (op == "==")
    if op not in ("<", ">", "<=", ">="):
        raise JSONPathError(f"unrecognized filter operator {op}")
    if lk != rk or lk in ("bool", "other"):
        raise JSONPathError(
            "incompatible types for comparison" if lk != rk else "invalid type for comparison"
        )
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


def _go_type(value: Any) -> str:
    return {
        "bool": "bool",
        "int": "int64",
        "float": "float64",
        "string": "string",
    }.get(_basic_kind(value), "map[string]interface {}" if isinstance(value, dict) else "interface {}")


def _go_repr(value: Any) -> str:
    """Go's ``%v`` of an unstructured value: ``map[k:v]``, ``[a b]``, ``<nil>``."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_repr(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_repr(v) for v in value) + "]"
    if isinstance(value, float):
        return _go_float(value)
    return str(value)


def _go_float(f: float) -> str:
    """``%v`` of a float64 (``strconv.FormatFloat(f, 'g', -1, 64)`` with Go's exponent form)."""
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    text = repr(f)
    if "e" in text:
        mant, exp = text.split("e")
        sign = exp[0] if exp[0] in "+-" else "+"
        digits = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{sign}{digits.zfill(2)}"
    return text


def find_results(template: str | Node, data: Any, allow_missing_keys: bool = True) -> list[list[Any]]:
    """``JSONPath.FindResults``: for each top-level node of the template, the values it yields."""
    root = parse(template) if isinstance(template, str) else template
    return _Evaluator(root, allow_missing_keys).find_results(data)


def execute(template: str, data: Any, allow_missing_keys: bool = False) -> str:
    """``JSONPath.Execute``: the template's text with the values it finds, each result's values separated by a
    space (client-go's default does not allow missing keys; kubectl's printer does, see :func:`jsonpath_print`).

    >>> execute("{.items[-1]}", {"items": [1, 2.5, {"a": True}]})
    '{"a":true}'
    """
    results = find_results(template, data, allow_missing_keys)
    return "".join(" ".join(_text_of(v) for v in values) for values in results)


def _text_of(value: Any) -> str:
    """``PrintResults`` for one value: maps and lists as compact JSON, scalars as ``fmt.Fprint`` prints them."""
    if isinstance(value, (dict, list)):
        try:
            return go_json(value)
        except ValueError as err:  # a NaN or infinity
            raise JSONPathError(str(err)) from None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    return str(value)


def jsonpath_print(template: str, obj: Any) -> str:
    """``-o jsonpath=<template>``: the template applied to ``obj`` (the object's JSON, or the ``List`` kubectl
    builds for several), as cli-runtime's ``JSONPathPrinter`` writes it (missing keys allowed). Values of one
    result are separated by spaces; nothing is added at the end.

    >>> jsonpath_print("{.spec.ports[0].port}:{.spec.ports[0].targetPort}", {"spec": {"ports": [{"port": 80, "targetPort": 8080}]}})
    '80:8080'
    """
    try:
        root = parse(template)
    except JSONPathError as err:
        raise JSONPathError(f"error: error parsing jsonpath {template}, {err}") from None
    try:
        results = _Evaluator(root).find_results(obj)
    except JSONPathError as err:
        raise JSONPathError(
            f'error: error executing jsonpath "{template}": Error executing template: {err}. Printing more '
            f"information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath "
            f"engine was:\n\t\t{_go_sharp_v(obj)}\n\n"
        ) from None
    return "".join(" ".join(_text_of(v) for v in values) for values in results)


def _go_sharp_v(value: Any) -> str:
    """Go's ``%#v`` of an unstructured value (as kubectl's jsonpath error shows the object)."""
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)}:{_go_sharp_v(value[k])}" for k in sorted(value))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_sharp_v(v) for v in value) + "}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    return "interface {}(nil)"


# --- custom columns (kubectl pkg/cmd/get/customcolumn.go) -------------------------------------------------------

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


def relaxed_jsonpath_expression(expression: str) -> str:
    """``RelaxedJSONPathExpression``: ``metadata.name``, ``.metadata.name``, ``{metadata.name}`` and
    ``{.metadata.name}`` all mean ``{.metadata.name}``.

    >>> relaxed_jsonpath_expression("metadata.name"), relaxed_jsonpath_expression("{.spec.ports[*].port}")
    ('{.metadata.name}', '{.spec.ports[*].port}')
    """
    if not expression:
        return expression
    m = _RELAXED.match(expression)
    if m is None:
        raise KubectlError(
            "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
            "'{.name1.name2}'"
        )
    return "{." + (m.group(1) or m.group(2)) + "}"


def custom_columns_print(spec: str, obj: Any, no_headers: bool = False) -> str:
    """``-o custom-columns=<HEADER>:<path>,...``: one column per pair, one row per object (the items of a
    ``List``), ``<none>`` where a path finds nothing, several values joined by ``,``, each printed with
    ``%v``; laid out by kubectl's tabwriter.

    >>> print(custom_columns_print("NAME:metadata.name,PORTS:spec.ports[*].port",
    ...     {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}, {"port": 443}]}}), end="")
    NAME   PORTS
    web    80,443
    """
    if not spec:
        raise KubectlError("error: custom-columns format specified but no custom columns given")
    columns: list[tuple[str, Node]] = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise KubectlError(
                f"error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        expression = relaxed_jsonpath_expression(path)
        try:
            columns.append((header, parse(expression)))
        except JSONPathError as err:
            raise KubectlError(f"error: {err}") from None
    items = obj.get("items", []) if isinstance(obj, dict) and obj.get("kind") == "List" else [obj]
    w = kubectl_get_writer()
    lines = [] if no_headers else ["\t".join(h for h, _ in columns) + "\n"]
    for item in items:
        cells = []
        for _, root in columns:
            try:
                results = _Evaluator(root).find_results(item)
            except JSONPathError as err:
                raise KubectlError(f"error: {err}") from None
            values = [_go_repr(v) for group in results for v in group]
            if not results or not results[0]:
                values.insert(0, "<none>")
            cells.append(",".join(values))
        lines.append("\t".join(cells) + "\n")
    for line in lines:
        w.write(line)
    return w.flush()
