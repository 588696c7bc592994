"""rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding (kubernetes/kubernetes
``staging/src/k8s.io/api/rbac/v1/types.go``).

Stored, validated and printed; no authorizer consults them (simplification: every request is allowed).

>>> rb = RoleBinding(metadata={"name": "read"}, roleRef={"apiGroup": "rbac.authorization.k8s.io",
...     "kind": "Role", "name": "reader"}, subjects=[{"kind": "ServiceAccount", "name": "default"}])
>>> rb.roleRef.kind, rb.api_info.group_resource
('Role', 'rolebindings.rbac.authorization.k8s.io')
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import StrictStr

from ._base import APIResource, K8sModel, Resource
from .meta_v1 import LabelSelector, ObjectMeta

__all__ = [
    "PolicyRule",
    "Role",
    "ClusterRole",
    "AggregationRule",
    "Subject",
    "RoleRef",
    "RoleBinding",
    "ClusterRoleBinding",
]

_GROUP = "rbac.authorization.k8s.io"


class PolicyRule(K8sModel):
    verbs: list[StrictStr] | None = None
    apiGroups: list[StrictStr] | None = None
    resources: list[StrictStr] | None = None
    resourceNames: list[StrictStr] | None = None
    nonResourceURLs: list[StrictStr] | None = None


class Role(Resource):
    api_info: ClassVar[APIResource] = APIResource(_GROUP, "v1", "Role", "roles", "role")

    apiVersion: Literal["rbac.authorization.k8s.io/v1"] = "rbac.authorization.k8s.io/v1"
    kind: Literal["Role"] = "Role"
    metadata: ObjectMeta = ObjectMeta()
    rules: list[PolicyRule] | None = None


class AggregationRule(K8sModel):
    clusterRoleSelectors: list[LabelSelector] | None = None


class ClusterRole(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        _GROUP, "v1", "ClusterRole", "clusterroles", "clusterrole", namespaced=False
    )

    apiVersion: Literal["rbac.authorization.k8s.io/v1"] = "rbac.authorization.k8s.io/v1"
    kind: Literal["ClusterRole"] = "ClusterRole"
    metadata: ObjectMeta = ObjectMeta()
    rules: list[PolicyRule] | None = None
    aggregationRule: AggregationRule | None = None


class Subject(K8sModel):
    kind: StrictStr | None = None
    apiGroup: StrictStr | None = None
    name: StrictStr | None = None
    namespace: StrictStr | None = None


class RoleRef(K8sModel):
    apiGroup: StrictStr | None = None
    kind: StrictStr | None = None
    name: StrictStr | None = None


class RoleBinding(Resource):
    api_info: ClassVar[APIResource] = APIResource(_GROUP, "v1", "RoleBinding", "rolebindings", "rolebinding")

    apiVersion: Literal["rbac.authorization.k8s.io/v1"] = "rbac.authorization.k8s.io/v1"
    kind: Literal["RoleBinding"] = "RoleBinding"
    metadata: ObjectMeta = ObjectMeta()
    subjects: list[Subject] | None = None
    roleRef: RoleRef | None = None


class ClusterRoleBinding(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        _GROUP, "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", namespaced=False
    )

    apiVersion: Literal["rbac.authorization.k8s.io/v1"] = "rbac.authorization.k8s.io/v1"
    kind: Literal["ClusterRoleBinding"] = "ClusterRoleBinding"
    metadata: ObjectMeta = ObjectMeta()
    subjects: list[Subject] | None = None
    roleRef: RoleRef | None = None
