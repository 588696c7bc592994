"""meta/v1: the metadata every object carries (k8s.io/apimachinery ``pkg/apis/meta/v1/types.go``)."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import K8sModel, Time

__all__ = ["ObjectMeta", "OwnerReference", "LabelSelector", "LabelSelectorRequirement", "ManagedFieldsEntry"]


class OwnerReference(K8sModel):
    apiVersion: StrictStr
    kind: StrictStr
    name: StrictStr
    uid: StrictStr
    controller: Optional[StrictBool] = None
    blockOwnerDeletion: Optional[StrictBool] = None


class ManagedFieldsEntry(K8sModel):
    manager: Optional[StrictStr] = None
    operation: Optional[StrictStr] = None
    apiVersion: Optional[StrictStr] = None
    time: Optional[Time] = None
    fieldsType: Optional[StrictStr] = None
    fieldsV1: Optional[dict[str, Any]] = None
    subresource: Optional[StrictStr] = None


class ObjectMeta(K8sModel):
    """``metadata``. ``generation`` and ``deletionGracePeriodSeconds`` are int64 upstream."""

    _go_types = {"generation": "int64", "deletionGracePeriodSeconds": "int64"}

    name: Optional[StrictStr] = None
    generateName: Optional[StrictStr] = None
    namespace: Optional[StrictStr] = None
    uid: Optional[StrictStr] = None
    resourceVersion: Optional[StrictStr] = None
    generation: Optional[StrictInt] = None
    creationTimestamp: Optional[Time] = None
    deletionTimestamp: Optional[Time] = None
    deletionGracePeriodSeconds: Optional[StrictInt] = None
    labels: Optional[dict[StrictStr, StrictStr]] = None
    annotations: Optional[dict[StrictStr, StrictStr]] = None
    ownerReferences: Optional[list[OwnerReference]] = None
    finalizers: Optional[list[StrictStr]] = None
    managedFields: Optional[list[ManagedFieldsEntry]] = None
    selfLink: Optional[StrictStr] = None


class LabelSelectorRequirement(K8sModel):
    key: StrictStr
    operator: StrictStr
    values: Optional[list[StrictStr]] = None


class LabelSelector(K8sModel):
    """``metav1.LabelSelector`` (Deployments, ReplicaSets). Services use a plain map instead.

    >>> sel = LabelSelector(matchLabels={"app": "nginx"})
    >>> sel.matches({"app": "nginx", "pod-template-hash": "abc"}), sel.matches({"run": "nginx"})
    (True, False)
    """

    matchLabels: Optional[dict[StrictStr, StrictStr]] = None
    matchExpressions: Optional[list[LabelSelectorRequirement]] = None

    def matches(self, labels: Optional[dict[str, str]]) -> bool:
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
