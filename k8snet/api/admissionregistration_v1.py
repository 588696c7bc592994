"""admissionregistration.k8s.io/v1: ValidatingWebhookConfiguration and MutatingWebhookConfiguration
(kubernetes/kubernetes ``staging/src/k8s.io/api/admissionregistration/v1/types.go``), which rendered Helm charts
carry.

Stored and printed; the webhooks are never called (simplification), and each webhook is kept as written.

>>> ValidatingWebhookConfiguration(metadata={"name": "v"}, webhooks=[{"name": "a.example.com"}]).webhooks[0]["name"]
'a.example.com'
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from ._base import APIResource, Resource
from .meta_v1 import ObjectMeta

__all__ = ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"]

_GROUP = "admissionregistration.k8s.io"


class ValidatingWebhookConfiguration(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        _GROUP,
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        namespaced=False,
    )

    apiVersion: Literal["admissionregistration.k8s.io/v1"] = "admissionregistration.k8s.io/v1"
    kind: Literal["ValidatingWebhookConfiguration"] = "ValidatingWebhookConfiguration"
    metadata: ObjectMeta = ObjectMeta()
    webhooks: list[dict[str, Any]] | None = None


class MutatingWebhookConfiguration(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        _GROUP,
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        namespaced=False,
    )

    apiVersion: Literal["admissionregistration.k8s.io/v1"] = "admissionregistration.k8s.io/v1"
    kind: Literal["MutatingWebhookConfiguration"] = "MutatingWebhookConfiguration"
    metadata: ObjectMeta = ObjectMeta()
    webhooks: list[dict[str, Any]] | None = None
