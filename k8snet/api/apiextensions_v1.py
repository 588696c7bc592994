"""apiextensions.k8s.io/v1: CustomResourceDefinition (kubernetes/kubernetes
``staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/types.go``).

A CRD is stored and listed like any object. Simplified: storing one does not make the API server serve its custom
resources; a manifest of a custom kind keeps kubectl's "no matches for kind ... ensure CRDs are installed first"
(which is also what a real kubectl prints when the CRD and its objects are applied from the same file).

>>> crd = CustomResourceDefinition(metadata={"name": "widgets.example.com"}, spec={"group": "example.com",
...     "names": {"plural": "widgets", "kind": "Widget"}, "scope": "Namespaced", "versions": []})
>>> crd.spec.names.kind
'Widget'
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictBool, StrictStr

from ._base import APIResource, K8sModel, Resource
from .meta_v1 import ObjectMeta

__all__ = ["CustomResourceDefinition", "CustomResourceDefinitionSpec", "CustomResourceDefinitionNames"]


class CustomResourceDefinitionNames(K8sModel):
    plural: StrictStr | None = None
    singular: StrictStr | None = None
    shortNames: list[StrictStr] | None = None
    kind: StrictStr | None = None
    listKind: StrictStr | None = None
    categories: list[StrictStr] | None = None


class CustomResourceDefinitionSpec(K8sModel):
    group: StrictStr | None = None
    names: CustomResourceDefinitionNames | None = None
    scope: StrictStr | None = None
    versions: list[dict[str, Any]] | None = None
    conversion: dict[str, Any] | None = None
    preserveUnknownFields: StrictBool | None = None


class CustomResourceDefinition(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        "customresourcedefinition",
        short_names=("crd", "crds"),
        namespaced=False,
    )

    apiVersion: Literal["apiextensions.k8s.io/v1"] = "apiextensions.k8s.io/v1"
    kind: Literal["CustomResourceDefinition"] = "CustomResourceDefinition"
    metadata: ObjectMeta = ObjectMeta()
    spec: CustomResourceDefinitionSpec | None = None
    status: dict[str, Any] | None = None
