"""storage.k8s.io/v1: StorageClass (kubernetes/kubernetes ``staging/src/k8s.io/api/storage/v1/types.go``).

No provisioner runs (simplification): a PersistentVolumeClaim naming a class stays ``Pending``.

>>> StorageClass(metadata={"name": "standard"}, provisioner="rancher.io/local-path").provisioner
'rancher.io/local-path'
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictBool, StrictStr

from ._base import APIResource, Resource
from .meta_v1 import ObjectMeta

__all__ = ["StorageClass"]


class StorageClass(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        "storageclass",
        short_names=("sc",),
        namespaced=False,
    )

    apiVersion: Literal["storage.k8s.io/v1"] = "storage.k8s.io/v1"
    kind: Literal["StorageClass"] = "StorageClass"
    metadata: ObjectMeta = ObjectMeta()
    provisioner: StrictStr | None = None
    parameters: dict[StrictStr, StrictStr] | None = None
    reclaimPolicy: StrictStr | None = None
    mountOptions: list[StrictStr] | None = None
    allowVolumeExpansion: StrictBool | None = None
    volumeBindingMode: StrictStr | None = None
    allowedTopologies: list[Any] | None = None
