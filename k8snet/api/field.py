"""Field-level validation errors, as kube-apiserver reports them.

It sits with the API types (layer 1), as ``field`` sits in k8s.io/apimachinery beside ``pkg/labels``, whose
parse errors are field errors too; :mod:`k8snet.apiserver.field` re-exports it for the validators.

A port of k8s.io/apimachinery ``pkg/util/validation/field`` (``errors.go``, ``path.go``): a
:class:`FieldError` has a type (``FieldValueInvalid`` ...), a field path (``spec.ports[0].port``), the
offending value and a detail; :meth:`FieldError.error_body` renders the value the way Go's
``(*Error).ErrorBody`` does, so ``kubectl`` text comes out byte for byte:

>>> err = invalid(Path("spec", "ports").index(0).child("port"), 0, "must be between 1 and 65535, inclusive")
>>> print(err)
spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive
>>> print(not_supported(Path("spec", "type"), "Foo", ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]))
spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"

:func:`to_causes` turns a list of errors into the ``StatusCause`` list of an Invalid status
(:class:`k8snet.errors.InvalidError`), which is what ``kubectl`` prints:

>>> from k8snet.errors import InvalidError
>>> print(InvalidError("Service", "web", to_causes([required(Path("spec", "externalName"))])))
The Service "web" is invalid: spec.externalName: Required value

Value rendering (``ErrorBody``): Required, Forbidden, Too long and Internal error never show the value; ints,
floats and bools print bare (``true``); strings are quoted like Go's ``%q``; ``None`` prints ``null``;
anything else (lists, maps, structs) is JSON-marshalled as Go's ``json.Marshal`` does (maps with sorted
keys, :class:`GoStruct` in field order, ``<``, ``>``, ``&`` escaped).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from k8snet.errors import Cause

__all__ = [
    "ErrorType",
    "Path",
    "FieldError",
    "GoStruct",
    "OMIT_VALUE",
    "go_quote",
    "go_json",
    "go_json_float",
    "go_json_escape",
    "not_found",
    "required",
    "duplicate",
    "invalid",
    "not_supported",
    "forbidden",
    "too_long",
    "too_many",
    "internal_error",
    "to_causes",
    "error_list_text",
]


class ErrorType:
    """``field.ErrorType`` values (the ``StatusCause.reason`` a client sees) and their messages."""

    NOT_FOUND = "FieldValueNotFound"
    REQUIRED = "FieldValueRequired"
    DUPLICATE = "FieldValueDuplicate"
    INVALID = "FieldValueInvalid"
    NOT_SUPPORTED = "FieldValueNotSupported"
    FORBIDDEN = "FieldValueForbidden"
    TOO_LONG = "FieldValueTooLong"
    TOO_MANY = "FieldValueTooMany"
    INTERNAL = "InternalError"
    TYPE_INVALID = "FieldValueTypeInvalid"

    #: ``ErrorType.String()`` in errors.go.
    MESSAGES = {
        NOT_FOUND: "Not found",
        REQUIRED: "Required value",
        DUPLICATE: "Duplicate value",
        INVALID: "Invalid value",
        NOT_SUPPORTED: "Unsupported value",
        FORBIDDEN: "Forbidden",
        TOO_LONG: "Too long",
        TOO_MANY: "Too many",
        INTERNAL: "Internal error",
        TYPE_INVALID: "Invalid value",
    }

    @classmethod
    def message(cls, error_type: str) -> str:
        """The human text of an error type.

        >>> ErrorType.message("FieldValueNotSupported")
        'Unsupported value'
        """
        return cls.MESSAGES[error_type]


class Path:
    """A field path (``field.Path``): ``Path("spec", "ports").index(0).child("name")`` is ``spec.ports[0].name``.

    >>> str(Path("metadata", "annotations").key("service.beta.kubernetes.io/x"))
    'metadata.annotations[service.beta.kubernetes.io/x]'
    >>> str(Path("spec").child("clusterIPs").index(1))
    'spec.clusterIPs[1]'
    """

    __slots__ = ("_parent", "_name", "_index")

    def __init__(self, name: str = "", *more: str, _parent: Path | None = None, _index: str | None = None):
        if more:
            # NewPath(name, more...): the root is `name`, this object is the last element.
            parent: Path = Path(name, _parent=_parent)
            for m in more[:-1]:
                parent = Path(m, _parent=parent)
            _parent, name = parent, more[-1]
        self._parent = _parent
        self._name = name
        self._index = _index

    def child(self, name: str, *more: str) -> Path:
        """A sub-field: ``.name``."""
        p = Path(name, _parent=self)
        for m in more:
            p = Path(m, _parent=p)
        return p

    def index(self, i: int) -> Path:
        """A list element: ``[i]``."""
        return Path("", _parent=self, _index=str(i))

    def key(self, k: str) -> Path:
        """A map entry: ``[k]`` (the key is not quoted)."""
        return Path("", _parent=self, _index=k)

    def __str__(self) -> str:
        elems: list[Path] = []
        p: Path | None = self
        while p is not None:
            elems.append(p)
            p = p._parent
        out = []
        for e in reversed(elems):
            if e._parent is not None and e._name:
                out.append(".")
            if e._name:
                out.append(e._name)
            elif e._index is not None:
                out.append(f"[{e._index}]")
        return "".join(out)

    def __repr__(self) -> str:
        return f"Path({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Path, str)):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))


class _Omit:
    def __repr__(self) -> str:
        return "OMIT_VALUE"


#: ``field.omitValue``: the body shows only the error type (``Too many: must have at most ...`` style).
OMIT_VALUE = _Omit()


class GoStruct(dict):
    """A bad value that is a Go struct: JSON-marshalled in field (insertion) order, not sorted like a map.

    >>> print(duplicate(Path("spec", "ports").index(1), GoStruct(Name="", Protocol="TCP", Port=80)))
    spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","Port":80}
    """


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote`` (used by ``%q``): double quotes, backslash escapes, printable Unicode kept.

    >>> print(go_quote('a"b\\\\c\\n'))
    "a\\"b\\\\c\\n"
    """
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif o < 0x80:
            out.append(f"\\x{o:02x}")
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_json(value: Any) -> str:
    """Go's ``json.Marshal``: compact, map keys sorted, structs (:class:`GoStruct`) in field order, API objects
    as their JSON, floats as Go writes them (:func:`go_json_float`), ``<``, ``>``, ``&``, U+2028 and U+2029
    escaped (encoding/json ``encodeState.string``). A NaN or infinite float is a ``ValueError`` with Go's text.

    >>> print(go_json({"b": "<a&b>", "a": [1, None, 1.0, True]}))
    {"a":[1,null,1,true],"b":"\\u003ca\\u0026b\\u003e"}
    """
    if isinstance(value, GoStruct):
        return "{" + ",".join(f"{go_json(str(k))}:{go_json(x)}" for k, x in value.items()) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(f"{go_json(str(k))}:{go_json(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_json_float(value)
    if hasattr(value, "to_dict"):
        return go_json(value.to_dict())
    return go_json_escape(json.dumps(str(value), ensure_ascii=False))


def go_json_escape(text: str) -> str:
    """What encoding/json escapes that Python's ``json.dumps(..., ensure_ascii=False)`` does not: ``<``, ``>``,
    ``&`` (HTML-safe output) and U+2028, U+2029; ``text`` is JSON text.

    >>> print(go_json_escape('{"a":"<b>"}'))
    {"a":"\\u003cb\\u003e"}
    """
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def go_json_float(f: float) -> str:
    """encoding/json's float64: the shortest digits, fixed notation unless ``|f| < 1e-6`` or ``|f| >= 1e21``
    (then ``1e-07`` is cleaned up to ``1e-7``); NaN and infinities are ``json: unsupported value: NaN``.

    >>> [go_json_float(x) for x in (1.0, 2.2, 1e-05, 1e-07, 1e21, 123456789.5)]
    ['1', '2.2', '0.00001', '1e-7', '1e+21', '123456789.5']
    """
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError("json: unsupported value: " + ("NaN" if f != f else "+Inf" if f > 0 else "-Inf"))
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        mant, exp = repr(f).split("e")
        sign, digits = (exp[0], exp[1:]) if exp[0] in "+-" else ("+", exp)
        return f"{mant}e{sign}{digits.lstrip('0') or '0'}"
    text = format(Decimal(repr(f)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _render_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return go_quote(value)
    return go_json(value)


@dataclass(frozen=True)
class FieldError:
    """One ``field.Error``: ``type`` (an :class:`ErrorType` value), ``field`` (path text), ``bad_value``,
    ``detail``.

    >>> e = FieldError(ErrorType.INVALID, "spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services")
    >>> e.error()
    'spec.clusterIPs[0]: Invalid value: "None": may not be set to \\'None\\' for NodePort services'
    """

    type: str
    field: str
    bad_value: Any = ""
    detail: str = ""

    def error_body(self) -> str:
        """The message without the field path (``ErrorBody``), e.g. ``Required value``."""
        name = ErrorType.message(self.type)
        if self.type in (ErrorType.REQUIRED, ErrorType.FORBIDDEN, ErrorType.TOO_LONG, ErrorType.INTERNAL):
            s = name
        elif self.bad_value is OMIT_VALUE:
            s = name
        else:
            s = f"{name}: {_render_value(self.bad_value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def error(self) -> str:
        """``field: body``, as ``(*Error).Error()``."""
        return f"{self.field}: {self.error_body()}"

    def __str__(self) -> str:
        return self.error()

    def to_cause(self) -> Cause:
        """The ``metav1.StatusCause`` of this error."""
        return Cause(self.type, self.field, self.error_body())


PathLike = Path | str


def _p(field: PathLike) -> str:
    return str(field)


def not_found(field: PathLike, value: Any) -> FieldError:
    """``field.NotFound``.

    >>> print(not_found("spec.x", "y"))
    spec.x: Not found: "y"
    """
    return FieldError(ErrorType.NOT_FOUND, _p(field), value, "")


def required(field: PathLike, detail: str = "") -> FieldError:
    """``field.Required``: the value never shows.

    >>> print(required(Path("spec", "ports")))
    spec.ports: Required value
    """
    return FieldError(ErrorType.REQUIRED, _p(field), "", detail)


def duplicate(field: PathLike, value: Any) -> FieldError:
    """``field.Duplicate``.

    >>> print(duplicate("spec.ports[1].name", "http"))
    spec.ports[1].name: Duplicate value: "http"
    """
    return FieldError(ErrorType.DUPLICATE, _p(field), value, "")


def invalid(field: PathLike, value: Any, detail: str) -> FieldError:
    """``field.Invalid``.

    >>> print(invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", -1, "must be greater than 0 and less than 86400"))
    spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: -1: must be greater than 0 and less than 86400
    """
    return FieldError(ErrorType.INVALID, _p(field), value, detail)


def not_supported(field: PathLike, value: Any, valid_values: Sequence[str] | None) -> FieldError:
    """``field.NotSupported``: detail lists the supported values, each ``%q``-quoted.

    >>> print(not_supported("spec.sessionAffinity", "Sticky", ["ClientIP", "None"]))
    spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"
    """
    detail = ""
    if valid_values:
        detail = "supported values: " + ", ".join(go_quote(v) for v in valid_values)
    return FieldError(ErrorType.NOT_SUPPORTED, _p(field), value, detail)


def forbidden(field: PathLike, detail: str) -> FieldError:
    """``field.Forbidden``: the value never shows.

    >>> print(forbidden("spec.ports[0].nodePort", "may not be used when `type` is 'ClusterIP'"))
    spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'
    """
    return FieldError(ErrorType.FORBIDDEN, _p(field), "", detail)


def too_long(field: PathLike, value: Any, max_length: int) -> FieldError:
    """``field.TooLong`` (apimachinery >= 1.32 wording): the value never shows.

    >>> print(too_long("metadata.annotations", "x", 262144))
    metadata.annotations: Too long: may not be more than 262144 bytes
    """
    if max_length >= 0:
        unit = "byte" if max_length == 1 else "bytes"
        msg = f"may not be more than {max_length} {unit}"
    else:
        msg = "value is too long"
    return FieldError(ErrorType.TOO_LONG, _p(field), value, msg)


def too_many(field: PathLike, actual_quantity: int, max_quantity: int) -> FieldError:
    """``field.TooMany``: a negative ``actual_quantity`` omits the value.

    >>> print(too_many("endpoints", 1001, 1000))
    endpoints: Too many: 1001: must have at most 1000 items
    """
    msg = f"must have at most {max_quantity} items" if max_quantity >= 0 else "has too many items"
    actual: Any = actual_quantity if actual_quantity >= 0 else OMIT_VALUE
    return FieldError(ErrorType.TOO_MANY, _p(field), actual, msg)


def internal_error(field: PathLike, err: str | Exception) -> FieldError:
    """``field.InternalError``.

    >>> print(internal_error("spec", "boom"))
    spec: Internal error: boom
    """
    return FieldError(ErrorType.INTERNAL, _p(field), None, str(err))


def to_causes(errors: Iterable[FieldError]) -> list[Cause]:
    """The ``StatusCause`` list of ``errors.NewInvalid``, with exact duplicates dropped.

    ``NewInvalid`` keeps one cause per error; kubectl (``statusCausesToAggrError`` in kubectl
    ``pkg/cmd/util/helpers.go``) then skips causes whose ``field: message`` text it has already printed, so
    dropping them here gives the same text.

    >>> [c.detail for c in to_causes([required("spec.type"), required("spec.type")])]
    ['Required value']
    """
    seen: set[str] = set()
    out: list[Cause] = []
    for e in errors:
        text = e.error()
        if text in seen:
            continue
        seen.add(text)
        out.append(e.to_cause())
    return out


def error_list_text(errors: Iterable[FieldError]) -> str:
    """``ErrorList.ToAggregate().Error()``: one error bare, several as ``[a, b]``.

    >>> error_list_text([required("a"), required("b")])
    '[a: Required value, b: Required value]'
    """
    msgs: list[str] = []
    for e in errors:
        t = e.error()
        if t not in msgs:
            msgs.append(t)
    if len(msgs) == 1:
        return msgs[0]
    return "[" + ", ".join(msgs) + "]"
