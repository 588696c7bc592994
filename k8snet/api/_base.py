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

__all__ = [
    "APIResource",
    "K8sModel",
    "Resource",
    "Time",
    "IntOrString",
    "RFC3339",
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
