"""The one model configuration every Kubernetes object shares.

Field names are the Kubernetes JSON names verbatim (``clusterIP``, ``externalTrafficPolicy``), unknown fields are
rejected (kubectl's strict field validation) and scalar types are strict, because the API server's JSON decoder
does not turn ``"80"`` into ``80``. Optional fields default to ``None``: filling defaults is the API server's job
(kubernetes/kubernetes ``pkg/apis/core/v1/defaults.go``), so what a reader applied and what the server stored
stay visibly different.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, ClassVar, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, StrictInt, StrictStr

__all__ = ["K8sModel", "Resource", "Time", "IntOrString", "RFC3339"]

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


class K8sModel(BaseModel):
    """Base of every API struct: strict, closed to unknown fields, ``None`` for unset."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=False, populate_by_name=True)

    #: Go field types that differ from the default ``int32``/``string`` (used for decode error messages).
    _go_types: ClassVar[dict[str, str]] = {}

    def to_dict(self) -> dict[str, Any]:
        """The manifest-shaped dict: JSON names, ``None`` dropped, timestamps as RFC 3339 strings.

        >>> from k8snet.api.core_v1 import ServicePort
        >>> ServicePort(port=80, targetPort="http").to_dict()
        {'port': 80, 'targetPort': 'http'}
        """
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class Resource(K8sModel):
    """A top-level object: has ``apiVersion``, ``kind`` and ``metadata``.

    ``namespaced`` says whether the kind lives in a namespace; ``plural`` is its REST resource name, which
    kubectl prints in messages such as ``services "x" not found``; ``group`` is the API group (``""`` for core).
    """

    namespaced: ClassVar[bool] = True
    plural: ClassVar[str] = ""
    group: ClassVar[str] = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """``(kind, namespace, name)``; namespace is ``""`` for cluster-scoped kinds."""
        md = self.metadata  # type: ignore[attr-defined]
        ns = (md.namespace or "default") if self.namespaced else ""
        return (self.kind, ns, md.name or "")  # type: ignore[attr-defined]
