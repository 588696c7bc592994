"""meta/v1: the metadata every object carries (k8s.io/apimachinery ``pkg/apis/meta/v1/types.go``)."""

from __future__ import annotations

from typing import Any

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import K8sModel, Time

__all__ = ["ObjectMeta", "OwnerReference", "LabelSelector", "LabelSelectorRequirement", "ManagedFieldsEntry"]


class OwnerReference(K8sModel):
    apiVersion: StrictStr
    kind: StrictStr
    name: StrictStr
    uid: StrictStr
    controller: StrictBool | None = None
    blockOwnerDeletion: StrictBool | None = None


class ManagedFieldsEntry(K8sModel):
    manager: StrictStr | None = None
    operation: StrictStr | None = None
    apiVersion: StrictStr | None = None
    time: Time | None = None
    fieldsType: StrictStr | None = None
    fieldsV1: dict[str, Any] | None = None
    subresource: StrictStr | None = None


class ObjectMeta(K8sModel):
    """``metadata``. ``generation`` and ``deletionGracePeriodSeconds`` are int64 upstream."""

    _go_types = {"generation": "int64", "deletionGracePeriodSeconds": "int64"}

    name: StrictStr | None = None
    generateName: StrictStr | None = None
    namespace: StrictStr | None = None
    uid: StrictStr | None = None
    resourceVersion: StrictStr | None = None
    generation: StrictInt | None = None
    creationTimestamp: Time | None = None
    deletionTimestamp: Time | None = None
    deletionGracePeriodSeconds: StrictInt | None = None
    labels: dict[StrictStr, StrictStr] | None = None
    annotations: dict[StrictStr, StrictStr] | None = None
    ownerReferences: list[OwnerReference] | None = None
    finalizers: list[StrictStr] | None = None
    managedFields: list[ManagedFieldsEntry] | None = None
    selfLink: StrictStr | None = None


class LabelSelectorRequirement(K8sModel):
    key: StrictStr
    operator: StrictStr
    values: list[StrictStr] | None = None


class LabelSelector(K8sModel):
    """``metav1.LabelSelector`` (Deployments, ReplicaSets). Services use a plain map instead.

    >>> sel = LabelSelector(matchLabels={"app": "nginx"})
    >>> sel.matches({"app": "nginx", "pod-template-hash": "abc"}), sel.matches({"run": "nginx"})
    (True, False)
    """

    matchLabels: dict[StrictStr, StrictStr] | None = None
    matchExpressions: list[LabelSelectorRequirement] | None = None

    def matches(self, labels: dict[str, str] | None) -> bool:
        """Whether ``labels`` satisfy this selector (``metav1.LabelSelectorAsSelector`` semantics)."""
        labels = labels or {}
        for k, v in (self.matchLabels or {}).items():
            if labels.get(k) != v:
                return False
        for req in self.matchExpressions or []:
            present = req.key in labels
            values = req.values or []
            if req.operator == "In" and not (present and labels[req.key] in values):
                return False
            if req.operator == "NotIn" and present and labels[req.key] in values:
                return False
            if req.operator == "Exists" and not present:
                return False
            if req.operator == "DoesNotExist" and present:
                return False
        return True
