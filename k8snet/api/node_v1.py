"""node.k8s.io/v1: RuntimeClass (kubernetes/kubernetes ``staging/src/k8s.io/api/node/v1/types.go``).

>>> RuntimeClass(metadata={"name": "gvisor"}, handler="runsc").handler
'runsc'
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictStr

from ._base import APIResource, Resource
from .meta_v1 import ObjectMeta

__all__ = ["RuntimeClass"]


class RuntimeClass(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", "runtimeclass", namespaced=False
    )

    apiVersion: Literal["node.k8s.io/v1"] = "node.k8s.io/v1"
    kind: Literal["RuntimeClass"] = "RuntimeClass"
    metadata: ObjectMeta = ObjectMeta()
    handler: StrictStr | None = None
    overhead: dict[str, Any] | None = None
    scheduling: dict[str, Any] | None = None
