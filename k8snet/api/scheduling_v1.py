"""scheduling.k8s.io/v1: PriorityClass (kubernetes/kubernetes ``staging/src/k8s.io/api/scheduling/v1/types.go``).

>>> PriorityClass(metadata={"name": "high"}, value=1000).value
1000
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import APIResource, Resource
from .meta_v1 import ObjectMeta

__all__ = ["PriorityClass"]


class PriorityClass(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        "priorityclass",
        short_names=("pc",),
        namespaced=False,
    )

    apiVersion: Literal["scheduling.k8s.io/v1"] = "scheduling.k8s.io/v1"
    kind: Literal["PriorityClass"] = "PriorityClass"
    metadata: ObjectMeta = ObjectMeta()
    value: StrictInt = 0
    globalDefault: StrictBool | None = None
    description: StrictStr | None = None
    preemptionPolicy: StrictStr | None = None
