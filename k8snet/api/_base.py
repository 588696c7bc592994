"""The one model configuration every Kubernetes object shares, and the resource metadata each kind carries.

Field names are the Kubernetes JSON names verbatim (``clusterIP``, ``externalTrafficPolicy``), unknown fields are
rejected (kubectl's strict field validation) and scalar types are strict, because the API server's JSON decoder
does not turn ``"80"`` into ``80``. Optional fields default to ``None``: filling defaults is the API server's job
(kubernetes/kubernetes ``pkg/apis/core/v1/defaults.go``), so what a reader applied and what the server stored
stay visibly different.

Objects the API server has stored are **read-only** (:func:`freeze`): readers share them without copying, as
client-go's informer caches do, and assigning a field of a frozen object raises :class:`ReadOnlyObjectError`. A
writer takes a copy first: ``obj.model_copy(deep=True)`` for a private deep copy, or
``obj.model_copy(update={...})`` for a new object that shares the unchanged (frozen) parts with the old one
(copy-on-write). Deep copies are done by a fast structural copy (:meth:`K8sModel.__deepcopy__`), not by
``copy.deepcopy`` of every field.

A top-level kind declares what API discovery says about it in an :class:`APIResource` (``api_info``), as
lightkube attaches ``ApiInfo`` to each resource class (gtsystem/lightkube ``src/lightkube/core/resource.py``);
:mod:`k8snet.api.registry` collects them into the one table kubectl, the API server and the manifest loader read.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Any, ClassVar, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, StrictInt, StrictStr
from pydantic_core import PydanticCustomError

from .quantity import canonical

__all__ = [
    "APIResource",
    "Base64Bytes",
    "DECODE_ERROR",
    "K8sModel",
    "Quantity",
    "Resource",
    "Time",
    "IntOrString",
    "RFC3339",
    "go_base64_decode",
    "freeze",
    "is_frozen",
    "ReadOnlyObjectError",
]

RFC3339 = "%Y-%m-%dT%H:%M:%SZ"


def _format_time(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime(RFC3339)


def _time_input(value: Any) -> Any:
    # metav1.Time.UnmarshalJSON takes a string (or null) only; a number is a decode error.
    if not isinstance(value, (str, datetime)):
        raise ValueError("a timestamp must be an RFC 3339 string")
    return value


#: ``metav1.Time``: an aware UTC datetime that serializes as ``2026-01-01T00:00:00Z`` (second precision).
Time = Annotated[
    datetime,
    Field(strict=False),
    BeforeValidator(_time_input),
    PlainSerializer(_format_time, return_type=str),
]

#: ``intstr.IntOrString`` (``targetPort``): ``80`` or ``"http"``; never coerced from one to the other.
IntOrString = Union[StrictInt, StrictStr]

#: The pydantic error type of a value the API server's decoder refuses with a message of its own (a malformed
#: quantity, bad base64): the manifest loader prints ``<Kind> in version "v1" cannot be handled as a <Kind>:
#: <message>``.
DECODE_ERROR = "k8s_decode"


def _quantity_input(value: Any) -> Any:
    # resource.Quantity.UnmarshalJSON takes a JSON string or number; the server stores the canonical form.
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return value  # left to the str check, which reports the Go type
    try:
        return canonical(value)
    except ValueError as err:
        raise PydanticCustomError(DECODE_ERROR, str(err)) from None


#: ``resource.Quantity`` (``1Gi``, ``500m``): a string or a number, stored in canonical form
#: (:mod:`k8snet.api.quantity`).
Quantity = Annotated[StrictStr, Field(strict=False), BeforeValidator(_quantity_input)]

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_INDEX = {c: i for i, c in enumerate(_B64)}


def go_base64_decode(text: str) -> bytes:
    """``base64.StdEncoding.Decode`` as Go's encoding/json applies it to a ``[]byte`` field: padding required,
    CR and LF skipped; a :class:`ValueError` ``illegal base64 data at input byte N`` names the offset Go
    names (``decodeQuantum``).

    >>> go_base64_decode("YWJj"), go_base64_decode("YW\\nJj")
    (b'abc', b'abc')
    >>> go_base64_decode("abc")
    Traceback (most recent call last):
    ...
    ValueError: illegal base64 data at input byte 0
    """
    src = text.encode("utf-8", "surrogatepass")
    out = bytearray()
    si = 0
    n = len(src)
    while si < n:
        dbuf: list[int] = []
        dlen = 4
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return bytes(out)
                # with padding required, a short final quantum is corrupt
                raise ValueError(f"illegal base64 data at input byte {si - j}")
            ch = chr(src[si])
            si += 1
            if ch in _B64_INDEX:
                dbuf.append(_B64_INDEX[ch])
                j += 1
                continue
            if ch in "\r\n":
                continue
            if ch != "=":
                raise ValueError(f"illegal base64 data at input byte {si - 1}")
            if j in (0, 1):
                raise ValueError(f"illegal base64 data at input byte {si - 1}")
            if j == 2:
                while si < n and chr(src[si]) in "\r\n":
                    si += 1
                if si == n:
                    raise ValueError(f"illegal base64 data at input byte {n}")
                if chr(src[si]) != "=":
                    raise ValueError(f"illegal base64 data at input byte {si - 1}")
                si += 1
            while si < n and chr(src[si]) in "\r\n":
                si += 1
            if si < n:
                raise ValueError(f"illegal base64 data at input byte {si}")
            dlen = j
            break
        val = 0
        for k in range(4):
            val = (val << 6) | (dbuf[k] if k < len(dbuf) else 0)
        chunk = val.to_bytes(3, "big")
        out += chunk[: {4: 3, 3: 2, 2: 1}[dlen]]
    return bytes(out)


def _base64_input(value: Any) -> Any:
    # A []byte field: JSON carries base64 text, Go stores the bytes and writes them back as canonical base64.
    if not isinstance(value, str):
        return value
    try:
        raw = go_base64_decode(value)
    except ValueError as err:
        raise PydanticCustomError(DECODE_ERROR, str(err)) from None
    import base64

    return base64.b64encode(raw).decode("ascii")


#: A ``[]byte`` field (Secret ``data``, ConfigMap ``binaryData``): base64 text, validated and re-encoded as Go does.
Base64Bytes = Annotated[StrictStr, BeforeValidator(_base64_input)]


class ReadOnlyObjectError(TypeError):
    """A field of a stored (frozen) object was assigned: copy the object first (see the module docstring)."""


class _FrozenFields(set):
    """The ``__pydantic_fields_set__`` of a frozen model: marks it read-only. Copies (shallow or deep) get a plain
    set, so a copy of a frozen object is writable while the parts it shares stay frozen."""

    __slots__ = ()

    def __copy__(self) -> set:
        return set(self)

    def __deepcopy__(self, memo: Any = None) -> set:
        return set(self)


#: Values a deep copy may share: immutable scalars.
_ATOMIC = frozenset({str, int, float, bool, type(None), datetime, date, time, timedelta, bytes})


def _copy_value(value: Any) -> Any:
    cls = type(value)
    if cls in _ATOMIC:
        return value
    if cls is list:
        return [_copy_value(v) for v in value]
    if cls is dict:
        return {k: _copy_value(v) for k, v in value.items()}
    if isinstance(value, K8sModel):
        return value.__deepcopy__()
    return copy.deepcopy(value)


def _freeze_value(value: Any) -> None:
    cls = type(value)
    if cls in _ATOMIC:
        return
    if cls is list:
        for v in value:
            _freeze_value(v)
    elif cls is dict:
        for v in value.values():
            _freeze_value(v)
    elif isinstance(value, K8sModel):
        freeze(value)


#: One shared ``_FrozenFields`` per distinct set of field names: frozen objects never change theirs, so they can
#: share it (a set per object would cost a few hundred bytes each, kilobytes per Pod).
_FROZEN_FIELDS: dict[frozenset[str], _FrozenFields] = {}


def _frozen_fields(fields: set[str]) -> _FrozenFields:
    key = frozenset(fields)
    shared = _FROZEN_FIELDS.get(key)
    if shared is None:
        shared = _FROZEN_FIELDS[key] = _FrozenFields(key)
    return shared


def freeze(obj: K8sModel) -> K8sModel:
    """Make ``obj`` and every model inside it read-only; parts already frozen (shared with an older stored
    object) are not walked again. Returns ``obj``.

    >>> from k8snet.api.core_v1 import ServicePort
    >>> port = freeze(ServicePort(port=80))
    >>> port.port = 81
    Traceback (most recent call last):
    ...
    k8snet.api._base.ReadOnlyObjectError: ServicePort is a stored object and read-only: change a copy (obj.model_copy(deep=True) or obj.model_copy(update={...}))
    >>> copy_ = port.model_copy(update={"port": 81})
    >>> copy_.port, port.port, is_frozen(copy_)
    (81, 80, False)
    """
    if type(obj.__pydantic_fields_set__) is _FrozenFields:
        return obj
    object.__setattr__(obj, "__pydantic_fields_set__", _frozen_fields(obj.__pydantic_fields_set__))
    for value in obj.__dict__.values():
        _freeze_value(value)
    return obj


def is_frozen(obj: Any) -> bool:
    """Whether ``obj`` is a read-only stored object (see :func:`freeze`).

    >>> from k8snet.api.core_v1 import ServicePort
    >>> is_frozen(ServicePort(port=80)), is_frozen(freeze(ServicePort(port=80)))
    (False, True)
    """
    return type(getattr(obj, "__pydantic_fields_set__", None)) is _FrozenFields


class K8sModel(BaseModel):
    """Base of every API struct: strict, closed to unknown fields, ``None`` for unset."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=False, populate_by_name=True)

    #: Go field types that differ from the default ``int32``/``string`` (used for decode error messages).
    _go_types: ClassVar[dict[str, str]] = {}

    def __setattr__(self, name: str, value: Any) -> None:
        if type(self.__pydantic_fields_set__) is _FrozenFields:
            raise ReadOnlyObjectError(
                f"{type(self).__name__} is a stored object and read-only: change a copy "
                "(obj.model_copy(deep=True) or obj.model_copy(update={...}))"
            )
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if type(self.__pydantic_fields_set__) is _FrozenFields:
            raise ReadOnlyObjectError(f"{type(self).__name__} is a stored object and read-only")
        super().__delattr__(name)

    def __deepcopy__(self, memo: Any = None) -> Any:
        """A writable deep copy: models, lists and dicts are copied, immutable scalars shared (a structural copy,
        about ten times faster than ``copy.deepcopy`` of every field). API objects are trees, so ``memo`` is
        not needed."""
        cls = type(self)
        m = cls.__new__(cls)
        object.__setattr__(m, "__dict__", {k: _copy_value(v) for k, v in self.__dict__.items()})
        object.__setattr__(m, "__pydantic_extra__", None)
        object.__setattr__(m, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        object.__setattr__(m, "__pydantic_private__", None)
        return m

    def to_dict(self) -> dict[str, Any]:
        """The manifest-shaped dict: JSON names, ``None`` dropped, timestamps as RFC 3339 strings.

        >>> from k8snet.api.core_v1 import ServicePort
        >>> ServicePort(port=80, targetPort="http").to_dict()
        {'port': 80, 'targetPort': 'http'}
        """
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


@dataclass(frozen=True)
class APIResource:
    """What API discovery tells kubectl about a kind (``metav1.APIResource`` in k8s.io/apimachinery
    ``pkg/apis/meta/v1/types.go``): its group, version and kind, the REST resource name (``plural``), the
    ``singular`` and ``short_names`` kubectl accepts, whether it lives in a namespace, and its ``categories``
    (``all`` for ``kubectl get all``).

    >>> info = APIResource("apps", "v1", "Deployment", "deployments", "deployment", ("deploy",))
    >>> info.api_version, info.group_resource
    ('apps/v1', 'deployments.apps')
    >>> sorted(info.names)
    ['deploy', 'deployment', 'deployment.apps', 'deployments', 'deployments.apps']
    """

    group: str
    version: str
    kind: str
    plural: str
    singular: str
    short_names: tuple[str, ...] = ()
    namespaced: bool = True
    categories: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        """``apiVersion`` as manifests write it: ``v1`` for the core group, ``group/version`` otherwise."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> str:
        """``schema.GroupResource.String()``, as API errors name a resource: ``services``, ``deployments.apps``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def names(self) -> frozenset[str]:
        """Every name kubectl resolves to this resource: plural, singular, short names, and
        ``plural.group``/``singular.group`` for a named group (all lower case)."""
        names = {self.plural, self.singular, *self.short_names}
        if self.group:
            names |= {f"{n}.{self.group}" for n in (self.plural, self.singular)}
        return frozenset(names)


class Resource(K8sModel):
    """A top-level object: has ``apiVersion``, ``kind`` and ``metadata``.

    Each kind declares ``api_info`` (an :class:`APIResource`); ``namespaced`` is read from it when the class is
    created, and its ``apiVersion``/``kind`` defaults must agree with it.
    """

    api_info: ClassVar[APIResource]
    namespaced: ClassVar[bool] = True

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        info = cls.__dict__.get("api_info")
        if info is None:
            return
        declared = (cls.model_fields["apiVersion"].default, cls.model_fields["kind"].default)
        if declared != (info.api_version, info.kind):
            raise TypeError(f"{cls.__name__}: apiVersion/kind {declared} disagree with api_info {info}")
        cls.namespaced = info.namespaced

    @property
    def key(self) -> tuple[str, str, str]:
        """``(kind, namespace, name)``; namespace is ``""`` for cluster-scoped kinds."""
        md = self.metadata  # type: ignore[attr-defined]
        ns = (md.namespace or "default") if self.namespaced else ""
        return (self.kind, ns, md.name or "")  # type: ignore[attr-defined]
