"""Validation of rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/rbac/validation/validation.go``: names are anything that fits in
one URL path segment (``ValidateRBACName``: ``path.IsValidPathSegmentName``, so ``system:controller:x`` is
fine); ``ValidatePolicyRule`` (verbs required; resource rules name API groups and resources;
``nonResourceURLs`` only in ClusterRoles); ``ValidateRoleBinding``/``ValidateClusterRoleBinding`` (``roleRef``
in the RBAC group, of kind Role or ClusterRole, named; each subject's kind, name and API group) and the update
rule that ``roleRef`` cannot change.

>>> from k8snet.api.rbac_v1 import Role
>>> [str(e) for e in validate_role(Role(metadata={"name": "r", "namespace": "default"},
...     rules=[{"apiGroups": [""], "resources": ["pods"]}]))]
['rules[0].verbs: Required value: verbs must contain at least one value']
"""

from __future__ import annotations

from typing import Any

from ..field import FieldError, GoStruct, Path, invalid, not_supported, required
from .generic import name_is_dns_subdomain
from .meta_v1 import validate_label_selector
from .objectmeta import validate_object_meta, validate_object_meta_update
from .util import is_valid_path_segment_name

__all__ = [
    "validate_role",
    "validate_role_update",
    "validate_cluster_role",
    "validate_cluster_role_update",
    "validate_role_binding",
    "validate_role_binding_update",
    "validate_cluster_role_binding",
    "validate_cluster_role_binding_update",
]

GROUP = "rbac.authorization.k8s.io"


def _rbac_name(name: str, prefix: bool) -> list[str]:
    return is_valid_path_segment_name(name)


def _policy_rule(rule: Any, namespaced: bool, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    if not rule.verbs:
        errs.append(required(path.child("verbs"), "verbs must contain at least one value"))
    if rule.nonResourceURLs:
        if namespaced:
            errs.append(
                invalid(
                    path.child("nonResourceURLs"),
                    rule.nonResourceURLs,
                    "namespaced rules cannot apply to non-resource URLs",
                )
            )
        if rule.apiGroups or rule.resources or rule.resourceNames:
            errs.append(
                invalid(
                    path.child("nonResourceURLs"),
                    rule.nonResourceURLs,
                    "rules cannot apply to both regular resources and non-resource URLs",
                )
            )
        return errs
    if not rule.apiGroups:
        errs.append(required(path.child("apiGroups"), "resource rules must supply at least one api group"))
    if not rule.resources:
        errs.append(required(path.child("resources"), "resource rules must supply at least one resource"))
    return errs


def validate_role(role: Any) -> list[FieldError]:
    """``ValidateRole``."""
    errs = validate_object_meta(role.metadata, True, _rbac_name, Path("metadata"))
    for i, rule in enumerate(role.rules or []):
        errs += _policy_rule(rule, True, Path("rules").index(i))
    return errs


def validate_role_update(role: Any, old: Any) -> list[FieldError]:
    """``ValidateRoleUpdate``."""
    return validate_role(role) + validate_object_meta_update(role.metadata, old.metadata, Path("metadata"))


def validate_cluster_role(role: Any) -> list[FieldError]:
    """``ValidateClusterRole``: rules as for a Role (non-resource URLs allowed) and the aggregation rule's
    selectors."""
    errs = validate_object_meta(role.metadata, False, _rbac_name, Path("metadata"))
    for i, rule in enumerate(role.rules or []):
        errs += _policy_rule(rule, False, Path("rules").index(i))
    agg = role.aggregationRule
    if agg is not None:
        apath = Path("aggregationRule", "clusterRoleSelectors")
        if not agg.clusterRoleSelectors:
            errs.append(required(apath))
        for i, sel in enumerate(agg.clusterRoleSelectors or []):
            errs += validate_label_selector(sel, apath.index(i))
    return errs


def validate_cluster_role_update(role: Any, old: Any) -> list[FieldError]:
    """``ValidateClusterRoleUpdate``."""
    return validate_cluster_role(role) + validate_object_meta_update(
        role.metadata, old.metadata, Path("metadata")
    )


def _subject(subject: Any, namespaced: bool, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    name = subject.name or ""
    if not name:
        errs.append(required(path.child("name")))
    kind, group = subject.kind or "", subject.apiGroup or ""
    if kind == "ServiceAccount":
        if name:
            errs += [invalid(path.child("name"), name, m) for m in name_is_dns_subdomain(name, False)]
        if group:
            errs.append(not_supported(path.child("apiGroup"), group, [""]))
        if not namespaced and not subject.namespace:
            errs.append(required(path.child("namespace")))
    elif kind in ("User", "Group"):
        if group != GROUP:
            errs.append(not_supported(path.child("apiGroup"), group, [GROUP]))
    else:
        errs.append(not_supported(path.child("kind"), kind, ["ServiceAccount", "User", "Group"]))
    return errs


def _binding(binding: Any, namespaced: bool) -> list[FieldError]:
    errs = validate_object_meta(binding.metadata, namespaced, _rbac_name, Path("metadata"))
    ref = binding.roleRef
    group = (ref.apiGroup if ref else None) or ""
    kind = (ref.kind if ref else None) or ""
    name = (ref.name if ref else None) or ""
    if group != GROUP:
        errs.append(not_supported(Path("roleRef", "apiGroup"), group, [GROUP]))
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    if kind not in kinds:
        errs.append(not_supported(Path("roleRef", "kind"), kind, kinds))
    if not name:
        errs.append(required(Path("roleRef", "name")))
    else:
        errs += [invalid(Path("roleRef", "name"), name, m) for m in _rbac_name(name, False)]
    for i, subject in enumerate(binding.subjects or []):
        errs += _subject(subject, namespaced, Path("subjects").index(i))
    return errs


def _role_ref_value(ref: Any) -> GoStruct:
    return GoStruct(
        APIGroup=(ref.apiGroup if ref else None) or "",
        Kind=(ref.kind if ref else None) or "",
        Name=(ref.name if ref else None) or "",
    )


def _binding_update(binding: Any, old: Any, namespaced: bool) -> list[FieldError]:
    errs = _binding(binding, namespaced)
    errs += validate_object_meta_update(binding.metadata, old.metadata, Path("metadata"))
    if _role_ref_value(binding.roleRef) != _role_ref_value(old.roleRef):
        errs.append(invalid(Path("roleRef"), _role_ref_value(binding.roleRef), "cannot change roleRef"))
    return errs


def validate_role_binding(binding: Any) -> list[FieldError]:
    """``ValidateRoleBinding``.

    >>> from k8snet.api.rbac_v1 import RoleBinding
    >>> rb = RoleBinding(metadata={"name": "b", "namespace": "default"},
    ...     roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "Roel", "name": "r"})
    >>> [str(e) for e in validate_role_binding(rb)]
    ['roleRef.kind: Unsupported value: "Roel": supported values: "Role", "ClusterRole"']
    """
    return _binding(binding, True)


def validate_role_binding_update(binding: Any, old: Any) -> list[FieldError]:
    """``ValidateRoleBindingUpdate``: as on create, and ``roleRef`` cannot change."""
    return _binding_update(binding, old, True)


def validate_cluster_role_binding(binding: Any) -> list[FieldError]:
    """``ValidateClusterRoleBinding``: a ClusterRole only; ServiceAccount subjects name their namespace."""
    return _binding(binding, False)


def validate_cluster_role_binding_update(binding: Any, old: Any) -> list[FieldError]:
    """``ValidateClusterRoleBindingUpdate``."""
    return _binding_update(binding, old, False)
