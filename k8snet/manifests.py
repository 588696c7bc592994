"""Load Kubernetes manifests into typed objects, and dump them back.

``load`` accepts YAML or JSON text, a path, a dict, a model object, or a list of any of these; multi-document
streams and ``kind: List`` (or ``ServiceList``…) are flattened; empty documents are skipped. Decoding is strict
like kube-apiserver's with kubectl's default ``--validate=strict``: an unknown field, a wrong type or an unknown
kind raises :class:`~k8snet.errors.ManifestError` with the message the real tools print.

YAML is read as kubectl reads it: the stream is split into documents at ``---`` lines (k8s.io/apimachinery
``pkg/util/yaml`` ``YAMLReader``), and each document becomes JSON as sigs.k8s.io/yaml makes it over go-yaml v2
(YAML 1.1: ``y``/``on`` are booleans, ``0x1F`` an int, ``1e3`` a float; a date stays a string; ``1``, ``true``
and ``1.5`` keys become strings; an unknown tag is ignored; an explicit tag the value does not fit fails, e.g.
``cannot decode !!str `abc` as a !!int``). Alias expansion is limited as go-yaml limits it, by the share of
decodes that come from aliases, so a billion laughs is refused while a large document without aliases is not;
this limit and the nesting limit apply to each document.
Simplified: nesting deeper than :data:`MAX_NESTING_DEPTH` is refused (Go allows 10000 levels).

Size: kubectl sends every object as a request of its own, so kube-apiserver's request-body limit,
:data:`MAX_MANIFEST_BYTES` (``MaxRequestBodyBytes``, 3 MiB), applies to each object, not to the file: a 5 MB file
of many objects loads, and one object whose JSON is over the limit gets the API server's answer, ``Request entity
too large: limit is 3145728`` (:class:`~k8snet.errors.RequestEntityTooLargeError`). The object is measured as the
JSON body ``kubectl create`` sends for it (see :func:`request_body_bytes`). Simplified: ``kubectl apply`` also
sends its last-applied annotation, about doubling the body; that annotation is refused over 256 KiB anyway (the
API server's annotation limit), so k8snet reports that error for objects between about 1.5 and 3 MiB where a real
server answers 413 first. Apart from that, k8snet reads at most :data:`MAX_STREAM_BYTES` of manifests in one call,
a bound on memory of its own (kubectl has none).

>>> objs = load('''
... apiVersion: v1
... kind: Service
... metadata: {name: web}
... spec: {selector: {app: web}, ports: [{port: 80}]}
... ''')
>>> objs[0].kind, objs[0].metadata.name
('Service', 'web')
>>> load({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"foo": 1}})
Traceback (most recent call last):
...
k8snet.errors.ManifestError: Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"
"""

from __future__ import annotations

import base64
import binascii
import calendar
import codecs
import json
import math
import os
import re
import struct
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import yaml
import yaml.scanner
from pydantic import BaseModel, ValidationError

from .api import KINDS, K8sModel, Resource
from .api._base import DECODE_ERROR
from .api.autoscaling_v2 import HorizontalPodAutoscalerV1
from .api.field import go_quote
from .api.strconv import NumError, parse_int, parse_uint
from .errors import Cause, InvalidError, K8snetError, ManifestError, RequestEntityTooLargeError

__all__ = [
    "load",
    "load_one",
    "load_documents",
    "Document",
    "NoKindMatchError",
    "REMOVED_API_VERSIONS",
    "dump",
    "dump_all",
    "check_int_ranges",
    "MAX_MANIFEST_BYTES",
    "MAX_STREAM_BYTES",
    "MAX_NESTING_DEPTH",
    "nesting_depth_ok",
    "request_body_bytes",
]

#: kube-apiserver refuses a request body over 3 MiB (``MaxRequestBodyBytes: int64(3 * 1024 * 1024)`` in
#: k8s.io/apiserver ``pkg/server/config.go``: "2x as the largest request body size" etcd recommends, 1.5 MB); kubectl
#: sends each object of a file as a request of its own, so this is the most one object may be.
MAX_MANIFEST_BYTES = 3 * 1024 * 1024
#: The most k8snet reads of a manifest stream in one call: a bound on memory of k8snet's own (kubectl reads a file
#: of any size), as ``k8snet explain`` reads at most 64 MiB.
MAX_STREAM_BYTES = 64 * 1024 * 1024
#: Nesting deeper than this is refused. Simplified: Go's decoders allow 10000 levels (encoding/json's
#: ``maxNestingDepth``); Python's stack does not, and no object k8snet models nests beyond ~15.
MAX_NESTING_DEPTH = 100

Source = Union[str, os.PathLike, dict, K8sModel, Iterable]

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _TAG + "str", _TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"
_TIMESTAMP, _BINARY, _MERGE = _TAG + "timestamp", _TAG + "binary", _TAG + "merge"
_RESOLVABLE = frozenset(("", _STR, _BOOL, _INT, _FLOAT, _NULL, _TIMESTAMP))


def _too_deep() -> ManifestError:
    return ManifestError(
        f"the manifest nests more than {MAX_NESTING_DEPTH} levels deep, the most k8snet accepts "
        "(kube-apiserver's JSON decoder allows 10000)"
    )


# --- YAML as sigs.k8s.io/yaml reads it (go-yaml v2 under YAMLToJSON) ------------------------------------------------


class _Alias:
    """An alias as go-yaml's decoder sees it (PyYAML's composer would hand back the anchored node itself)."""

    __slots__ = ("anchor", "target", "start_mark")

    def __init__(self, anchor: str, target: Any, start_mark: Any):
        self.anchor, self.target, self.start_mark = anchor, target, start_mark


class _Scalar:
    """A scalar with its tag as written: ``""`` for a plain untagged one (go-yaml resolves it), ``!!str`` for an
    untagged quoted one, else the tag itself."""

    __slots__ = ("tag", "value")

    def __init__(self, tag: str, value: str):
        self.tag, self.value = tag, value


class _Sequence(list):
    """A sequence node: its children."""


class _Mapping(list):
    """A mapping node: its (key, value) pairs, in order."""


if getattr(yaml, "__with_libyaml__", False):
    _Parser: Any = yaml.cyaml.CParser
else:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader


def _compose(text: str) -> Any:
    """The first document of ``text`` as a node graph (``yaml.Unmarshal`` reads one document), composed
    iteratively from the parser's events with a nesting limit; a later anchor of a name replaces an earlier one,
    as in go-yaml. The events come from libyaml when PyYAML has it (go-yaml is a port of libyaml, so the syntax
    errors read the same), else from PyYAML's pure-Python port of it."""
    parser = _Parser(text)
    try:
        get = parser.get_event
        get()  # StreamStart
        if isinstance(parser.peek_event(), yaml.StreamEndEvent):
            return None
        get()  # DocumentStart
        anchors: dict[str, Any] = {}
        stack: list[Any] = []  # open collections; a mapping's half-built pair in `pending`
        pending: list[Any] = []
        while True:
            event = get()
            node: Any
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node = stack.pop()
                pending.pop()
            elif isinstance(event, yaml.ScalarEvent):
                if event.tag is None:
                    tag = "" if event.implicit[0] else _STR
                else:
                    tag = event.tag
                node = _Scalar(tag, event.value)
                if event.anchor is not None:
                    anchors[event.anchor] = node
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:  # parser.go alias(): failf, without a line
                    raise _yaml_fail(f"unknown anchor '{event.anchor}' referenced")
                node = _Alias(event.anchor, anchors[event.anchor], event.start_mark)
            else:  # a sequence or mapping starts
                collection = _Sequence() if isinstance(event, yaml.SequenceStartEvent) else _Mapping()
                if event.anchor is not None:
                    anchors[event.anchor] = collection
                stack.append(collection)
                pending.append(None)
                if len(stack) > MAX_NESTING_DEPTH:
                    raise _too_deep()
                continue
            if not stack:
                return node
            parent = stack[-1]
            if isinstance(parent, _Sequence):
                parent.append(node)
            elif pending[-1] is None:
                pending[-1] = (node,)
            else:
                parent.append((pending[-1][0], node))
                pending[-1] = None
    finally:
        parser.dispose()


def _split_documents(text: str) -> list[str]:
    """k8s.io/apimachinery ``pkg/util/yaml`` ``YAMLReader.Read``: a line starting with ``---`` ends a document;
    only spaces or a comment may follow it on that line. Empty documents are dropped without parsing."""
    docs: list[str] = []
    buf: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                raise ManifestError(f"invalid Yaml document separator: {rest}")
            if buf:
                docs.append("".join(buf))
                buf = []
            continue
        buf.append(line)
    if buf:
        docs.append("".join(buf))
    return [d for d in docs if not _blank(d)]


def _blank(doc: str) -> bool:
    """Only blank lines and comments: YAML ``null``, which kubectl skips."""
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in doc.splitlines())


def _yaml_error(exc: yaml.YAMLError) -> ManifestError:
    """A parse error as go-yaml v2 reports it (decode.go ``parser.fail``): the problem mark's line, plus one for a
    scanner error ("scanner errors don't iterate line before returning error"), else the context mark's line;
    no ``line N:`` at all when that is 0. libyaml's marks and messages are go-yaml's (a port of it); PyYAML's
    pure-Python parser words a few messages differently."""
    line = 0
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    if mark is not None and mark.line != 0:
        line = mark.line + (1 if isinstance(exc, yaml.scanner.ScannerError) else 0)
    elif context is not None and context.line != 0:
        line = context.line
    problem = getattr(exc, "problem", None) or str(exc)
    # PyYAML's pure-Python scanner says "here" where libyaml and go-yaml say "in this context"
    problem = problem.replace("are not allowed here", "are not allowed in this context")
    return _yaml_fail(f"line {line}: {problem}" if line else problem)


def _yaml_fail(message: str) -> ManifestError:
    return ManifestError(f"error converting YAML to JSON: yaml: {message}")


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


# resolve.go: the first character hints at what a plain scalar may be
_HINT = {c: "D" for c in "0123456789"} | {"+": "S", "-": "S", ".": "."} | {c: "M" for c in "yYnNtTfFoO~"}
_RESOLVE_MAP: dict[str, tuple[str, Any]] = {}
for _value, _tag, _words in (
    (True, _BOOL, "y Y yes Yes YES true True TRUE on On ON"),
    (False, _BOOL, "n N no No NO false False FALSE off Off OFF"),
    (None, _NULL, "~ null Null NULL"),
    (math.nan, _FLOAT, ".nan .NaN .NAN"),
    (math.inf, _FLOAT, ".inf .Inf .INF +.inf +.Inf +.INF"),
    (-math.inf, _FLOAT, "-.inf -.Inf -.INF"),
    ("<<", _MERGE, "<<"),
):
    for _word in _words.split():
        _RESOLVE_MAP[_word] = (_tag, _value)
_RESOLVE_MAP[""] = (_NULL, None)
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
_TIMESTAMP_RE = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:([Tt])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})"
    r"|( )([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?)?"
)


def _is_timestamp(value: str) -> bool:
    """``parseTimestamp``: one of go-yaml's four ``time.Parse`` layouts (date only, RFC 3339 with ``T``/``t``, or
    space-separated without a zone), with Go's range checks on each field."""
    m = _TIMESTAMP_RE.fullmatch(value)
    if m is None:
        return False
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        return False
    clock = m.group(5, 6, 7) if m[4] else m.group(11, 12, 13) if m[10] else None
    return clock is None or (int(clock[0]) < 24 and int(clock[1]) < 60 and int(clock[2]) < 60)


def _go_resolve(tag: str, value: str) -> tuple[str, Any]:
    """go-yaml v2 ``resolve`` (sigs.k8s.io/yaml ``goyaml.v2/resolve.go``) for a scalar decoded into
    ``interface{}``: YAML 1.1 booleans (``y``, ``on``...), ints with Go's base prefixes, floats, nulls; a
    timestamp stays the string it is (decode.go keeps it a string "for backward compatibility"). An explicit tag
    the value does not fit fails as go-yaml does: ``cannot decode !!str `abc` as a !!int``."""
    if tag not in _RESOLVABLE:
        return tag, value
    rtag, out = _resolve_plain(tag, value)
    if tag in ("", rtag, _STR):
        return rtag, out
    if tag == _FLOAT and rtag == _INT:
        return _FLOAT, float(out)
    raise _yaml_fail(f"cannot decode {_short_tag(rtag)} `{value}` as a {_short_tag(tag)}")


def _resolve_plain(tag: str, value: str) -> tuple[str, Any]:
    hint = _HINT.get(value[0], "") if value else "N"
    if not hint or tag == _STR:
        return _STR, value
    if value in _RESOLVE_MAP:
        return _RESOLVE_MAP[value]
    if hint == "." and _DOT_FLOAT.fullmatch(value):
        return _FLOAT, float(value)
    if hint in "DS":
        if tag in ("", _TIMESTAMP) and _is_timestamp(value):
            return _TIMESTAMP, value
        plain = value.replace("_", "")
        try:
            return _INT, parse_int(plain, 0, 64)
        except NumError:
            pass
        uint_error = ""
        try:
            return _INT, parse_uint(plain, 0, 64)
        except NumError as err:
            uint_error = err.err
        if _YAML_STYLE_FLOAT.fullmatch(plain):
            f = float(plain)
            if not math.isinf(f):  # ParseFloat's ErrRange
                return _FLOAT, f
        if plain.startswith("0b"):
            for parse in (parse_int, parse_uint):
                try:
                    return _INT, parse(plain[2:], 2, 64)
                except NumError:
                    pass
        elif plain.startswith("-0b"):
            try:
                return _INT, parse_int("-" + plain[3:], 2, 64)
            except NumError:
                pass
        if uint_error == "value out of range":  # big.Int SetString(plain, 0)
            try:
                return _INT, _big_int(plain)
            except NumError:
                pass
    return _STR, value


def _big_int(text: str) -> int:
    """``big.Int.SetString(s, 0)``: a sign, a base prefix, digits (and ``_`` between them after a prefix)."""
    neg = text.startswith("-")
    body = text[1:] if text[:1] in "+-" else text
    n = parse_uint(body, 0, 4096)
    return -n if neg else n


def _alias_ratio(decode_count: int) -> float:
    """go-yaml v2 ``allowedAliasRatio``: 99% of decodes may come from aliases up to 400,000 decodes, 10% from
    4,000,000, scaled in between."""
    if decode_count <= 400_000:
        return 0.99
    if decode_count >= 4_000_000:
        return 0.10
    return 0.99 - 0.89 * ((decode_count - 400_000) / 3_600_000)


class _Decoder:
    """go-yaml v2's decoder into ``interface{}`` plus sigs.k8s.io/yaml's ``convertToJSONableObject``: the JSON a
    document becomes. Counts decodes as go-yaml does and refuses "excessive aliasing" (billion laughs) by the
    ratio of alias-driven decodes, so a large document without aliases is never refused for its size."""

    def __init__(self) -> None:
        self.decode_count = 0
        self.alias_count = 0
        self.alias_depth = 0
        self.active: set[int] = set()
        self.depth = 0

    def unmarshal(self, node: Any) -> Any:
        self.decode_count += 1
        if self.alias_depth > 0:
            self.alias_count += 1
        if (
            self.alias_count > 100
            and self.decode_count > 1000
            and self.alias_count / self.decode_count > _alias_ratio(self.decode_count)
        ):
            raise _yaml_fail("document contains excessive aliasing")
        if isinstance(node, _Alias):
            return self.alias(node)
        if isinstance(node, _Scalar):
            return self.scalar(node)
        self.depth += 1
        if self.depth > MAX_NESTING_DEPTH:
            raise _too_deep()
        try:
            if isinstance(node, _Sequence):
                return [self.unmarshal(child) for child in node]
            out: dict[str, Any] = {}
            self.mapping(node, out)
            return out
        finally:
            self.depth -= 1

    def alias(self, node: _Alias) -> Any:
        if id(node.target) in self.active:
            raise _yaml_fail(f"anchor '{node.anchor}' value contains itself")
        self.active.add(id(node.target))
        self.alias_depth += 1
        try:
            return self.unmarshal(node.target)
        finally:
            self.alias_depth -= 1
            self.active.discard(id(node.target))

    def scalar(self, node: Any) -> Any:
        tag, out = _go_resolve(node.tag, node.value)
        if tag == _BINARY:
            try:
                data = base64.b64decode(node.value.replace("\n", "").replace(" ", ""), validate=True)
            except (binascii.Error, ValueError):
                raise _yaml_fail("!!binary value contains invalid base64 data") from None
            return data.decode("utf-8", "replace")  # json.Marshal writes invalid UTF-8 as U+FFFD
        if isinstance(out, float):
            if math.isnan(out) or math.isinf(out):
                text = "NaN" if math.isnan(out) else ("+Inf" if out > 0 else "-Inf")
                raise ManifestError(f"error converting YAML to JSON: json: unsupported value: {text}")
            if out == int(out) and abs(out) < 1e21:
                # json.Marshal writes 1000.0 as 1000 (the 'f' format below 1e21), which an int field accepts
                return int(out)
        return out

    def mapping(self, node: Any, out: dict[str, Any]) -> None:
        for key_node, value_node in node:
            if isinstance(key_node, _Scalar) and key_node.value == "<<" and key_node.tag in ("", _MERGE):
                self.merge(value_node, out)
                continue
            key = self.unmarshal(key_node)
            if isinstance(key, (list, dict)):
                raise _yaml_fail(f"invalid map key: {_go_repr(key)}")
            value = self.unmarshal(value_node)
            out[_json_key(key, value)] = value

    def merge(self, node: Any, out: dict[str, Any]) -> None:
        """decode.go ``merge``: a map, an alias of one, or a sequence of them (earlier ones win)."""
        target = node.target if isinstance(node, _Alias) else node
        if isinstance(target, _Mapping):
            merged = self.unmarshal(node)
            out.update(merged)
            return
        if isinstance(node, _Sequence):
            for child in reversed(node):
                inner = child.target if isinstance(child, _Alias) else child
                if not isinstance(inner, _Mapping):
                    break
                out.update(self.unmarshal(child))
            else:
                return
        raise _yaml_fail("map merge requires map or sequence of maps as the value")


def _json_key(key: Any, value: Any) -> str:
    """sigs.k8s.io/yaml: a YAML key becomes a JSON key: ints in decimal, floats as go-yaml writes them, bools as
    ``true``/``false``; a null key cannot be converted."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        if math.isnan(key):
            return ".nan"
        if math.isinf(key):
            return ".inf" if key > 0 else "-.inf"
        return _format_float32(key)
    raise ManifestError(
        "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: "
        + _go_repr(value)
    )


def _format_float32(value: float) -> str:
    """``strconv.FormatFloat(f, 'g', -1, 32)``: the shortest digits that read back as the same float32, in
    exponent form when the exponent is below -4 or at least 6 (``eprec = 6`` for the shortest format).

    >>> _format_float32(1.5), _format_float32(0.1), _format_float32(1e6), _format_float32(123456.0)
    ('1.5', '0.1', '1e+06', '123456')
    """
    f32 = struct.unpack("f", struct.pack("f", value))[0]
    sign = "-" if math.copysign(1.0, f32) < 0 else ""
    if f32 == 0:
        return sign + "0"
    text = f"{f32:.8e}"
    for digits in range(1, 10):
        text = f"{abs(f32):.{digits - 1}e}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == abs(f32):
            break
    mantissa, _, exp_text = text.partition("e")
    digits_ = mantissa.replace(".", "").rstrip("0") or "0"
    exp = int(exp_text)
    if exp < -4 or exp >= 6:
        body = digits_[0] + ("." + digits_[1:] if len(digits_) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    point = exp + 1
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits_}"
    if point >= len(digits_):
        return sign + digits_ + "0" * (point - len(digits_))
    return f"{sign}{digits_[:point]}.{digits_[point:]}"


def _go_repr(value: Any) -> str:
    """Roughly Go's ``%#v`` of a decoded YAML value, for error texts."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_repr(v) for v in value) + "}"
    if isinstance(value, dict):
        items = ", ".join(f"{_go_repr(k)}:{_go_repr(v)}" for k, v in sorted(value.items()))
        return "map[interface {}]interface {}{" + items + "}"
    return go_quote(str(value))


def _yaml_documents(text: str) -> list[Any]:
    """Each YAML document of ``text`` as the JSON kubectl sends (``yaml.NewYAMLOrJSONDecoder``)."""
    out = []
    for doc in _split_documents(text):
        try:
            root = _compose(doc)
        except yaml.YAMLError as exc:
            raise _yaml_error(exc) from None
        if root is None:
            continue
        decoder = _Decoder()
        decoder.decode_count = 1  # the document node
        out.append(decoder.unmarshal(root))
    return out


def nesting_depth_ok(value: Any) -> bool:
    """Whether ``value`` (JSON-like, or a model) nests at most :data:`MAX_NESTING_DEPTH` levels; iterative, so
    any depth is measured without recursion.

    >>> deep: list = []
    >>> for _ in range(MAX_NESTING_DEPTH):
    ...     deep = [deep]
    >>> nesting_depth_ok(deep[0]), nesting_depth_ok(deep)
    (True, False)
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, BaseModel):
            item = item.__dict__
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth >= MAX_NESTING_DEPTH:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def _stream_too_large(what: str) -> ManifestError:
    return ManifestError(
        f"{what} is larger than {MAX_STREAM_BYTES} bytes, the most k8snet reads at once (kube-apiserver's limit is "
        f"per object: {MAX_MANIFEST_BYTES} bytes)"
    )


def request_body_bytes(doc: Any) -> int:
    """The size of the JSON body kubectl sends for the decoded object ``doc``: encoding/json's output (compact,
    ``<``, ``>`` and ``&`` written as ``\\u003c``..., U+2028 and U+2029 escaped) and the newline its encoder ends
    with (the unstructured JSON scheme's ``json.NewEncoder(w).Encode``).

    >>> request_body_bytes({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a&b"}})
    70
    """
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False, default=str)
    size = len(text.encode("utf-8", "surrogatepass")) + 1
    size += 5 * (text.count("<") + text.count(">") + text.count("&"))  # 1 byte becomes 6
    size += 3 * (text.count("\u2028") + text.count("\u2029"))  # 3 bytes become 6
    return size


def _check_request_size(doc: dict) -> None:
    """kube-apiserver's ``limitedReadBody``: a body over ``MaxRequestBodyBytes`` is refused before it is decoded."""
    if request_body_bytes(doc) > MAX_MANIFEST_BYTES:
        e = RequestEntityTooLargeError(f"limit is {MAX_MANIFEST_BYTES}")
        e.kind, e.name = str(doc.get("kind", "")), _name_of(doc)
        raise e


def _parse_text(text: str) -> list[Any]:
    if len(text) > MAX_STREAM_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_STREAM_BYTES:
        raise _stream_too_large("the manifest")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except (json.JSONDecodeError, ValueError):
            pass
        except RecursionError:
            raise _too_deep() from None
        else:
            if not nesting_depth_ok(data):
                raise _too_deep()
            return data if isinstance(data, list) else [data]
    return _yaml_documents(text)


def _reject_constant(name: str) -> Any:
    # Go's encoding/json has no NaN or Infinity literals
    raise ValueError(name)


def _go_type(model: type[BaseModel], field: str) -> str:
    override = getattr(model, "_go_types", {}).get(field) if hasattr(model, "_go_types") else None
    if isinstance(override, str):
        return override
    ann = model.model_fields[field].annotation
    return _go_type_of(ann)


def _go_type_of(ann: Any) -> str:
    origin = typing.get_origin(ann)
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if _is_union(ann):
        if len(args) == 1:
            return _go_type_of(args[0])
        return "intstr.IntOrString"
    if origin is typing.Annotated:
        return _go_type_of(args[0])
    if origin is list:
        return "[]" + _go_type_of(args[0])
    if origin is dict:
        return f"map[{_go_type_of(args[0])}]{_go_type_of(args[1])}"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "v1." + ann.__name__
    name = getattr(ann, "__name__", str(ann))
    if "datetime" in name:
        return "v1.Time"
    return {"int": "int32", "str": "string", "bool": "bool", "Any": "interface {}"}.get(name, name)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number" if isinstance(value, int) else f"number {value}"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    return "object"


def _is_union(ann: Any) -> bool:
    return typing.get_origin(ann) in (Union, types.UnionType)


def _unwrap(ann: Any) -> Any:
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if _is_union(ann) and len(args) == 1:
        return _unwrap(args[0])
    return ann


def _walk(model: type[BaseModel], loc: tuple) -> tuple[type[BaseModel], str, str, str]:
    """Follow a pydantic error location; return (parent model, last field, json path with [i], go path)."""
    parent: Any = model
    path = ""
    gopath = ""
    last = ""
    cur: Any = model
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
            continue
        if isinstance(cur, type) and issubclass(cur, BaseModel) and part in cur.model_fields:
            parent = cur
            last = part
            path = f"{path}.{part}" if path else part
            gopath = f"{gopath}.{part}" if gopath else part
            ann = _unwrap(cur.model_fields[part].annotation)
            while typing.get_origin(ann) in (list, dict):
                ann = _unwrap(typing.get_args(ann)[-1])
            cur = ann
        else:
            # a union member name or a map key: keep the path readable
            if isinstance(cur, type) and issubclass(cur, BaseModel):
                path = f"{path}.{part}" if path else str(part)
                last = str(part)
            elif typing.get_origin(cur) is None and not isinstance(part, str):
                pass
    return parent, last, path, gopath


def _decode_error(cls: type[Resource], doc: dict, exc: ValidationError) -> ManifestError | InvalidError:
    kind, version = cls.model_fields["kind"].default, cls.model_fields["apiVersion"].default
    version_short = version.split("/")[-1]
    prefix = f'{kind} in version "{version_short}" cannot be handled as a {kind}: '
    unknown: list[str] = []
    missing: list[Cause] = []
    for err in exc.errors():
        if err["type"] == DECODE_ERROR:
            # a value the decoder refuses with its own message (resource.Quantity, base64 of a []byte)
            return _with_origin(ManifestError(prefix + err["msg"]), kind, _name_of(doc), err["loc"])
        loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-plain"))
        # drop union-branch names pydantic inserts (e.g. 'int', 'str')
        loc = tuple(
            p
            for p in loc
            if not (
                isinstance(p, str)
                and p.startswith(("int", "str", "bool", "function"))
                and p not in _all_field_names()
            )
        )
        parent, last, path, gopath = _walk(cls, loc)
        if err["type"] == "extra_forbidden":
            unknown.append(path)
        elif err["type"] == "missing":
            missing.append(Cause("FieldValueRequired", path, "Required value"))
        else:
            value = err.get("input")
            if last and last in getattr(parent, "model_fields", {}):
                gotype = _go_type(parent, last)
                # an element of a list or a value of a map: Go names the element type
                tail = loc[len(loc) - 1 - list(reversed(loc)).index(last) + 1 :] if last in loc else ()
                for _ in tail:
                    if gotype.startswith("[]"):
                        gotype = gotype[2:]
                    elif gotype.startswith("map["):
                        gotype = gotype[gotype.index("]") + 1 :]
            else:
                gotype = "string"
            sname = parent.__name__ if parent is not cls else cls.__name__
            msg = (
                f"{prefix}json: cannot unmarshal {_json_kind(value)} into Go struct field "
                f"{sname}.{gopath} of type {gotype}"
            )
            e = ManifestError(msg)
            e.kind, e.name, e.field = kind, _name_of(doc), path
            return e
    if unknown:
        if len(unknown) == 1:
            detail = f'unknown field "{unknown[0]}"'
        else:
            detail = ", ".join(f'unknown field "{u}"' for u in unknown)
        e = ManifestError(f"{prefix}strict decoding error: {detail}")
        e.kind, e.name, e.field = kind, _name_of(doc), unknown[0]
        return e
    return InvalidError(kind, _name_of(doc), missing)


def _with_origin(e: ManifestError, kind: str, name: str, loc: tuple) -> ManifestError:
    """Attach the object and field an error is about (read by callers that point at the bad field)."""
    e.kind, e.name, e.field = kind, name, ".".join(str(p) for p in loc)
    return e


_FIELD_NAMES: set[str] = set()


def _all_field_names() -> set[str]:
    if not _FIELD_NAMES:
        seen: set[type] = set()

        def visit(m: type[BaseModel]) -> None:
            if m in seen:
                return
            seen.add(m)
            for name, f in m.model_fields.items():
                _FIELD_NAMES.add(name)
                for a in _flatten_types(f.annotation):
                    if isinstance(a, type) and issubclass(a, BaseModel):
                        visit(a)

        for cls in KINDS.values():
            visit(cls)
    return _FIELD_NAMES


def _flatten_types(ann: Any) -> list[Any]:
    out = [ann]
    for a in typing.get_args(ann):
        out.extend(_flatten_types(a))
    return out


def _name_of(doc: Any) -> str:
    if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict):
        name = doc["metadata"].get("name")
        return name if isinstance(name, str) else ""
    return ""


def _from_dict(doc: Any) -> list[Resource]:
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise ManifestError(f"error validating data: the manifest must be an object, not {_json_kind(doc)}")
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    # kubectl pkg/validation/schema.go getObjectKind: set, a string, a parseable group/version
    problems = []
    if api_version is None or api_version == "":
        problems.append("apiVersion not set")
    elif not isinstance(api_version, str):
        problems.append("apiVersion isn't string type")
    elif api_version.count("/") > 1:
        problems.append(f"unexpected GroupVersion string: {api_version}")
    if kind is None or kind == "":
        problems.append("kind not set")
    elif not isinstance(kind, str):
        problems.append("kind isn't string type")
    if problems:
        text = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
        raise ManifestError(f"error validating data: {text}")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list):
        out: list[Resource] = []
        for item in doc["items"]:
            out.extend(_from_dict(item))
        return out
    assert isinstance(api_version, str) and isinstance(kind, str)  # checked above
    cls = KINDS.get((api_version, kind))
    converted = _CONVERTED.get((api_version, kind))
    if converted is not None:
        # a version the server also serves: decode it as written, then convert to the stored version
        _check_request_size(doc)
        try:
            older = converted.model_validate(_go_nulls(doc, converted))
        except ValidationError as exc:
            raise _decode_error(converted, doc, exc) from None
        _check_int_ranges(older, converted, doc)
        return [older.to_v2()]
    if cls is None:
        namespace = (
            doc.get("metadata", {}).get("namespace", "") if isinstance(doc.get("metadata"), dict) else ""
        )
        raise NoKindMatchError(str(kind), str(api_version), _name_of(doc), str(namespace or ""))
    _check_request_size(doc)
    doc = _go_nulls(doc, cls)
    try:
        obj = cls.model_validate(doc)
    except ValidationError as exc:
        raise _decode_error(cls, doc, exc) from None
    _check_int_ranges(obj, cls, doc, check_types=False)  # pydantic has just checked every type
    return [obj]


#: Versions a v1.34 API server also serves for a kind, decoded as written and converted to the stored version
#: (the model's ``to_v2()``), as the server's conversion functions do.
_CONVERTED: dict[tuple[str, str], Any] = {
    ("autoscaling/v1", "HorizontalPodAutoscaler"): HorizontalPodAutoscalerV1
}

#: API versions real manifests still carry that a v1.34 server no longer serves: ``(apiVersion, kind)`` → (the
#: release that stopped serving it, what to write instead), from the Kubernetes deprecated API migration guide.
#: kubectl has no special message for them: its RESTMapper finds no such kind in that version, exactly as for a
#: custom kind whose CRD is missing, so the text is ``NoKindMatchError``'s (kubectl v1.26+ transcripts show
#: ``no matches for kind "Deployment" in version "apps/v1beta2"`` followed by ``ensure CRDs are installed first``).
REMOVED_API_VERSIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("extensions/v1beta1", "Deployment"): ("v1.16", "apps/v1"),
    ("extensions/v1beta1", "DaemonSet"): ("v1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet"): ("v1.16", "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy"): ("v1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ("v1.16", "policy/v1beta1, itself removed in v1.25"),
    ("extensions/v1beta1", "Ingress"): ("v1.22", "networking.k8s.io/v1"),
    ("apps/v1beta1", "Deployment"): ("v1.16", "apps/v1"),
    ("apps/v1beta1", "StatefulSet"): ("v1.16", "apps/v1"),
    ("apps/v1beta2", "Deployment"): ("v1.16", "apps/v1"),
    ("apps/v1beta2", "StatefulSet"): ("v1.16", "apps/v1"),
    ("apps/v1beta2", "DaemonSet"): ("v1.16", "apps/v1"),
    ("apps/v1beta2", "ReplicaSet"): ("v1.16", "apps/v1"),
    ("networking.k8s.io/v1beta1", "Ingress"): ("v1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass"): ("v1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "Role"): ("v1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): ("v1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): ("v1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): ("v1.22", "rbac.authorization.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): ("v1.22", "apiextensions.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): (
        "v1.22",
        "admissionregistration.k8s.io/v1",
    ),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): (
        "v1.22",
        "admissionregistration.k8s.io/v1",
    ),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): ("v1.22", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass"): ("v1.22", "storage.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "Lease"): ("v1.22", "coordination.k8s.io/v1"),
    ("batch/v1beta1", "CronJob"): ("v1.25", "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("v1.25", "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("v1.25", "Pod Security Admission"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): ("v1.25", "discovery.k8s.io/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): ("v1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ("v1.26", "autoscaling/v2"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"): ("v1.29", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"): ("v1.32", "flowcontrol.apiserver.k8s.io/v1"),
}


class NoKindMatchError(ManifestError):
    """kubectl's RESTMapper knows no such kind in that version: a custom kind whose CRD is not installed, a
    misspelt kind, or an API version the server no longer serves (:data:`REMOVED_API_VERSIONS`). The text is
    cli-runtime's ``resource mapping not found`` (``pkg/resource/mapper.go``, ``infoForData``).

    >>> print(NoKindMatchError("Deployment", "extensions/v1beta1", "web", ""))
    resource mapping not found for name: "web" namespace: "" from "STDIN": no matches for kind "Deployment" in version "extensions/v1beta1"
    ensure CRDs are installed first
    """

    def __init__(self, kind: str, api_version: str, name: str, namespace: str, source: str = "STDIN"):
        self.api_version, self.namespace, self.source = api_version, namespace, source
        super().__init__(
            f'resource mapping not found for name: "{name}" namespace: "{namespace}" from "{source}": '
            f'no matches for kind "{kind}" in version "{api_version}"\nensure CRDs are installed first'
        )
        self.kind, self.name, self.field = kind, name, "kind"

    def from_source(self, source: str) -> NoKindMatchError:
        """The same error for objects read from ``source`` (a path, or ``STDIN``)."""
        return NoKindMatchError(self.kind, self.api_version, self.name, self.namespace, source)


def _zero(ann: Any) -> Any:
    """The JSON form of a Go zero value: what a ``null`` list element or map value decodes to."""
    ann = _unwrap(ann)
    if typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return {}
    if _is_union(ann):  # IntOrString
        return 0
    return {int: 0, str: "", bool: False, float: 0.0}.get(ann)


def _go_nulls(value: Any, ann: Any) -> Any:
    """Apply ``encoding/json``'s rules for ``null``: a null struct field is left at its zero value (here: the
    key is dropped), a null list element or map value becomes the element type's zero value.

    Go: "unmarshaling a JSON null into any other Go type has no effect on the value". So ``labels: {a: null}``
    is the label ``a: ""`` and ``containers: [null]`` is one empty container for validation to reject.
    """
    ann = _unwrap(ann)
    origin = typing.get_origin(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel) and isinstance(value, dict):
        out = {}
        for k, v in value.items():
            f = ann.model_fields.get(k) if isinstance(k, str) else None
            if v is None and f is not None:
                continue
            out[k] = _go_nulls(v, f.annotation) if f is not None else v
        return out
    if origin is list and isinstance(value, list):
        elem = typing.get_args(ann)[0]
        zero = _zero(elem)
        return [_go_null_item(v, elem, zero) for v in value]
    if origin is dict and isinstance(value, dict):
        elem = typing.get_args(ann)[1]
        zero = _zero(elem)
        return {k: _go_null_item(v, elem, zero) for k, v in value.items()}
    return value


def _go_null_item(value: Any, elem: Any, zero: Any) -> Any:
    if value is None:
        return zero if zero is not None else None
    # only containers can hold nulls further down
    return _go_nulls(value, elem) if isinstance(value, (dict, list)) else value


_INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "intstr.IntOrString": (-(2**31), 2**31 - 1),
}


def check_int_ranges(obj: Any) -> Any:
    """The object a request body would decode to: refuse one whose integers do not fit their Go fields, or that
    nests beyond ``MAX_NESTING_DEPTH``, as kube-apiserver's JSON decoder would; a field holding a value of the
    wrong type (a Python caller's ``spec.replicas = "3"``) is decoded again from the object's JSON form, so it
    fails as the decoder fails. Returns ``obj`` (or its re-decoded copy). The API server calls this on every
    write.

    >>> from k8snet.api.apps_v1 import Deployment
    >>> d = Deployment(metadata={"name": "d"}, spec={"replicas": 2**31, "selector": {}, "template": {}})
    >>> check_int_ranges(d)
    Traceback (most recent call last):
    ...
    k8snet.errors.ManifestError: Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32
    >>> d.spec.replicas = "3"
    >>> check_int_ranges(d)
    Traceback (most recent call last):
    ...
    k8snet.errors.ManifestError: Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
    """
    if not isinstance(obj, Resource):
        return obj
    metadata = getattr(obj, "metadata", None)
    doc = {"metadata": {"name": metadata.name if metadata is not None else None}}
    try:
        _check_int_ranges(obj, type(obj), doc)
    except _WrongTypeError:
        obj = _redecode(obj)
        _check_int_ranges(obj, type(obj), doc)
    return obj


class _WrongTypeError(Exception):
    """A field holds a value its annotation does not allow (set by assignment, which pydantic does not check)."""


def _redecode(obj: Any) -> Any:
    """Decode ``obj`` again from its JSON form, as kube-apiserver decodes a request body."""
    cls = type(obj)
    data = obj.model_dump(by_alias=True, exclude_none=True, warnings=False)
    doc = _go_nulls(data, cls)
    try:
        return cls.model_validate(doc)
    except ValidationError as exc:
        raise _decode_error(cls, doc, exc) from None


_EXPECTED_CACHE: dict[Any, Any] = {}


def _expected_types(ann: Any) -> tuple[type, ...] | None:
    """The Python types a field's annotation allows (``None``: anything)."""
    if ann in _EXPECTED_CACHE:
        return _EXPECTED_CACHE[ann]
    out: tuple[type, ...] | None
    origin = typing.get_origin(ann)
    if _is_union(ann):
        parts = [_expected_types(a) for a in typing.get_args(ann)]
        out = None if any(p is None for p in parts) else tuple(t for p in parts for t in p or ())
    elif origin is typing.Annotated:
        out = _expected_types(typing.get_args(ann)[0])
    elif origin is typing.Literal:
        out = (str,)
    elif origin is list:
        out = (list,)
    elif origin is dict:
        out = (dict,)
    elif ann is type(None):
        out = (type(None),)
    elif ann is float:
        out = (int, float)
    elif isinstance(ann, type) and ann is not typing.Any:
        out = (ann,)
    else:
        out = None
    _EXPECTED_CACHE[ann] = out
    return out


_CHECKERS: dict[Any, typing.Callable[[Any], bool]] = {}


def _value_ok(value: Any, ann: Any) -> bool:
    """Whether ``value`` fits ``ann``, list elements and map keys and values included (nested models are
    checked when the walk reaches them). The check for each annotation is built once."""
    checker = _CHECKERS.get(ann)
    if checker is None:
        checker = _CHECKERS[ann] = _make_checker(ann)
    return checker(value)


def _make_checker(ann: Any) -> typing.Callable[[Any], bool]:
    expected = _expected_types(ann)

    def type_ok(value: Any) -> bool:
        if expected is None:
            return True
        if isinstance(value, bool) and bool not in expected:
            return False
        return isinstance(value, expected)

    base = _unwrap(ann)
    if typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    origin = typing.get_origin(base)
    if origin is list:
        (element,) = typing.get_args(base)
        return lambda v: type_ok(v) and (not isinstance(v, list) or all(_value_ok(x, element) for x in v))
    if origin is dict:
        key_ann, value_ann = typing.get_args(base)
        return lambda v: (
            type_ok(v)
            and (
                not isinstance(v, dict)
                or all(_value_ok(k, key_ann) and _value_ok(x, value_ann) for k, x in v.items())
            )
        )
    return type_ok


def _check_int_ranges(obj: BaseModel, cls: type[Resource], doc: dict, check_types: bool = True) -> None:
    """Go cannot store 2**40 in an int32 field: ``json: cannot unmarshal number 1099511627776 into Go struct
    field ServicePort.spec.ports.port of type int32`` (encoding/json ``literalStore``, ``OverflowInt``).
    Nesting beyond ``MAX_NESTING_DEPTH`` is refused first, so the walk stays within Python's stack."""
    if not nesting_depth_ok(obj):
        raise _too_deep()
    kind, version = cls.model_fields["kind"].default, cls.model_fields["apiVersion"].default.split("/")[-1]

    def visit(m: Any, gopath: str) -> None:
        if isinstance(m, (list, dict)):
            for item in m.values() if isinstance(m, dict) else m:
                if isinstance(item, (BaseModel, list, dict)):  # scalars in a list or map hold no model
                    visit(item, gopath)
            return
        if not isinstance(m, BaseModel):
            return
        fields = type(m).model_fields
        for name in fields:
            v = getattr(m, name)
            path = f"{gopath}.{name}" if gopath else name
            ann = fields[name].annotation
            if check_types and not _value_ok(v, ann):
                raise _WrongTypeError(path)
            ints = (
                [v]
                if isinstance(v, int)
                else [x for x in v if isinstance(x, int)]
                if isinstance(v, list)
                else []
            )
            for n in ints:
                if isinstance(n, bool):
                    continue
                gotype = _go_type(type(m), name).removeprefix("[]")
                lo, hi = _INT_RANGES.get(gotype, _INT_RANGES["int32"])
                if not lo <= n <= hi:
                    gotype = "int32" if gotype == "intstr.IntOrString" else gotype
                    e = ManifestError(
                        f'{kind} in version "{version}" cannot be handled as a {kind}: json: cannot unmarshal '
                        f"number {n} into Go struct field {type(m).__name__}.{path} of type {gotype}"
                    )
                    e.kind, e.name, e.field = kind, _name_of(doc), path
                    raise e
            if isinstance(v, (BaseModel, list, dict)):
                visit(v, path)

    visit(obj, "")


def load(source: Source) -> list[Resource]:
    """Decode ``source`` into model objects (see the module docstring for what ``source`` may be).

    >>> [o.kind for o in load("kind: List\\napiVersion: v1\\nitems:\\n- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\\n---\\n")]
    ['Namespace']
    """
    if isinstance(source, K8sModel):
        return [source.model_copy(deep=True)]  # type: ignore[list-item]
    if isinstance(source, dict):
        if not nesting_depth_ok(source):
            raise _too_deep()
        return _from_dict(source)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        try:
            if path.stat().st_size > MAX_STREAM_BYTES:
                raise _stream_too_large(f'error when reading "{path}": the file')
            source = path.read_bytes()
        except OSError as err:
            raise ManifestError(f'error when reading "{path}": {err.strerror or err}') from None
    if isinstance(source, (bytes, bytearray)):
        source = _decode_bytes(bytes(source))
    if isinstance(source, str):
        out: list[Resource] = []
        for doc in _parse_text(source):
            out.extend(_from_dict(doc))
        return out
    if isinstance(source, Iterable):
        out = []
        for item in source:
            out.extend(load(item))
        return out
    raise ManifestError(f"cannot load a manifest from {type(source).__name__}")


def _decode_bytes(data: bytes) -> str:
    """Bytes as go-yaml's reader takes them (yaml.v2 ``readerc.go``): a UTF-16 byte-order mark selects UTF-16, a
    UTF-8 one is skipped, and anything else must be UTF-8, else the reader's own error.

    >>> _decode_bytes(b"\\xff\\xfea\\x00"), _decode_bytes(b"\\xef\\xbb\\xbfa: 1")
    ('a', 'a: 1')
    >>> _decode_bytes(b"\\x89PNG")
    Traceback (most recent call last):
    ...
    k8snet.errors.ManifestError: error converting YAML to JSON: yaml: invalid leading UTF-8 octet
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _yaml_fail("incomplete UTF-16 character") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        problem = {
            "invalid start byte": "invalid leading UTF-8 octet",
            "invalid continuation byte": "invalid trailing UTF-8 octet",
            "unexpected end of data": "incomplete UTF-8 octet sequence",
        }.get(err.reason, "invalid leading UTF-8 octet")
        raise _yaml_fail(problem) from None


def _looks_like_path(text: str) -> bool:
    if (
        "\n" in text
        or len(text) > 4096
        or ":" in text.split("/")[-1]
        and not text.endswith((".yaml", ".yml", ".json"))
    ):
        return False
    return text.endswith((".yaml", ".yml", ".json")) and Path(text).exists()


@dataclass
class Document:
    """One object of a manifest stream as kubectl's resource builder meets it: the decoded ``obj``, or the
    ``error`` its document raised, with the ``source`` it came from (a path, or ``STDIN``) and the ``stage`` that
    raised it:

    ``"parse"``
        the stream could not be read (YAML syntax, client-side schema validation such as ``apiVersion not
        set``); kubectl's StreamVisitor stops reading that source there.
    ``"mapping"``
        no such kind in that version (:class:`NoKindMatchError`); kubectl reports it and goes on.
    ``"server"``
        the API server's decoder refuses the object (an unknown field, a wrong type, a required field missing):
        kubectl sends it, and the error comes back when that object is applied.
    """

    obj: Resource | None
    error: K8snetError | None = None
    source: str = "STDIN"
    stage: str = ""


def _split_yaml_documents(text: str) -> list[str]:
    """k8s.io/apimachinery ``pkg/util/yaml`` ``YAMLReader.Read``: a line starting with ``---`` ends a document
    (only spaces or a comment may follow the separator)."""
    docs: list[str] = []
    buf: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                # YAMLReader: "invalid Yaml document separator"; left to the YAML parser's own error here
                buf.append(line)
                continue
            if "".join(buf).strip():
                docs.append("".join(buf))
            buf = []
            continue
        buf.append(line)
    if "".join(buf).strip():
        docs.append("".join(buf))
    return docs


def _documents_of_value(value: Any, name: str) -> tuple[list[Document], bool]:
    """The objects one decoded document holds (several for a ``List``), or its error; the flag says the error
    ends the stream (a document that is not an object, or lacks ``apiVersion``/``kind``)."""
    if value is None:
        return [], False
    if not isinstance(value, dict) or not value.get("apiVersion") or not value.get("kind"):
        try:
            _from_dict(value)
        except ManifestError as err:
            return [Document(None, err, name, "parse")], True
    try:
        objs = _from_dict(value)
    except NoKindMatchError as err:
        return [Document(None, err.from_source(name), name, "mapping")], False
    except K8snetError as err:
        return [Document(None, err, name, "server")], False
    return [Document(obj, None, name) for obj in objs], False


def load_documents(source: Source | bytes, name: str = "STDIN") -> list[Document]:
    """Decode a manifest stream object by object, as kubectl's resource builder with ``ContinueOnError`` does
    (k8s.io/cli-runtime ``pkg/resource/visitor.go`` ``StreamVisitor``): each document is read on its own, a
    document that cannot be read ends the stream (the objects before it are kept), a kind the server does not
    serve is reported and the rest go on. ``name`` is what kubectl names the source in its messages (``STDIN``;
    a path read here is named by the path). ``source`` is anything :func:`load` takes.

    >>> docs = load_documents('''
    ... apiVersion: v1
    ... kind: ConfigMap
    ... metadata: {name: a}
    ... ---
    ... apiVersion: extensions/v1beta1
    ... kind: Ingress
    ... metadata: {name: old}
    ... ---
    ... apiVersion: v1
    ... kind: Service
    ... metadata: {name: b}
    ... spec: {ports: [{port: 80}], foo: 1}
    ... ''')
    >>> [(d.obj.kind if d.obj else None, d.stage) for d in docs]
    [('ConfigMap', ''), (None, 'mapping'), (None, 'server')]
    """
    if isinstance(source, K8sModel):
        return [Document(source.model_copy(deep=True), None, name)]  # type: ignore[arg-type]
    if isinstance(source, dict):
        return _documents_of_value(source, name)[0]
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        if path.stat().st_size > MAX_STREAM_BYTES:
            return [Document(None, _stream_too_large(f'"{path}"'), str(path), "parse")]
        return load_documents(path.read_bytes(), str(path) if name == "STDIN" else name)
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            err = ManifestError("error converting YAML to JSON: yaml: invalid leading UTF-8 octet")
            return [Document(None, err, name, "parse")]
    if not isinstance(source, str):
        if isinstance(source, Iterable):
            out: list[Document] = []
            item: Any
            for item in source:
                out.extend(load_documents(item, name))
            return out
        return [
            Document(
                None, ManifestError(f"cannot load a manifest from {type(source).__name__}"), name, "parse"
            )
        ]
    if len(source) > MAX_STREAM_BYTES or len(source.encode("utf-8", "surrogatepass")) > MAX_STREAM_BYTES:
        return [Document(None, _stream_too_large("the manifest"), name, "parse")]
    stripped = source.lstrip()
    chunks = [source] if stripped.startswith(("{", "[")) else _split_yaml_documents(source)
    docs: list[Document] = []
    for chunk in chunks:
        try:
            values = _parse_text(chunk)
        except ManifestError as err:
            docs.append(Document(None, err, name, "parse"))
            return docs
        for value in values:
            found, stop = _documents_of_value(value, name)
            docs.extend(found)
            if stop:
                return docs
    return docs


def load_one(source: Source) -> Resource:
    """Like :func:`load` but the source must hold exactly one object."""
    objs = load(source)
    if len(objs) != 1:
        raise ManifestError(f"expected one object, found {len(objs)}")
    return objs[0]


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def dump(obj: K8sModel | dict, sort_keys: bool = False) -> str:
    """YAML text of one object, fields in API order (``sort_keys=True`` gives ``kubectl get -o yaml`` order).

    >>> from k8snet.api.core_v1 import Service
    >>> print(dump(Service(metadata={"name": "web"}, spec={"ports": [{"port": 80}]})), end="")
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports:
      - port: 80
    """
    data = obj.to_dict() if isinstance(obj, K8sModel) else obj
    return yaml.dump(data, Dumper=_Dumper, sort_keys=sort_keys, default_flow_style=False, allow_unicode=True)


def dump_all(objs: Iterable[K8sModel | dict], sort_keys: bool = False) -> str:
    """Several objects as one multi-document YAML stream."""
    return "---\n".join(dump(o, sort_keys=sort_keys) for o in objs)
