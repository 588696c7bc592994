"""Validation of the kinds a lesson only stores: coordination.k8s.io Leases, node.k8s.io RuntimeClasses,
admissionregistration.k8s.io webhook configurations and apiextensions.k8s.io CustomResourceDefinitions.

Ports of the parts users meet of kubernetes/kubernetes v1.34 ``pkg/apis/coordination/validation``
(``ValidateLease``), ``pkg/apis/node/validation`` (``ValidateRuntimeClass``: the handler is a DNS-1123 label),
``pkg/apis/admissionregistration/validation`` (``validateWebhook``: a fully qualified, unique webhook name;
``admissionReviewVersions`` and ``sideEffects`` required) and apiextensions-apiserver
``pkg/apis/apiextensions/validation`` (``ValidateCustomResourceDefinition``: the name is
``<plural>.<group>``, group, names and scope required). Simplified: rules, client configs, versions and schemas
are not checked inside.

>>> from k8snet.api.apiextensions_v1 import CustomResourceDefinition
>>> crd = CustomResourceDefinition(metadata={"name": "widgets.example.com"}, spec={"group": "example.org",
...     "names": {"plural": "widgets", "kind": "Widget"}, "scope": "Namespaced", "versions": [{"name": "v1"}]})
>>> [str(e) for e in validate_custom_resource_definition(crd)]
['metadata.name: Invalid value: "widgets.example.com": must be spec.names.plural+"."+spec.group']
"""

from __future__ import annotations

from typing import Any

from ..field import FieldError, Path, duplicate, invalid, not_supported, required
from .generic import name_is_dns_label, name_is_dns_subdomain
from .objectmeta import validate_object_meta
from .util import is_dns1123_subdomain

__all__ = [
    "validate_lease",
    "validate_runtime_class",
    "validate_validating_webhook_configuration",
    "validate_mutating_webhook_configuration",
    "validate_custom_resource_definition",
]


def validate_lease(lease: Any) -> list[FieldError]:
    """``ValidateLease``: name; ``leaseDurationSeconds`` > 0; ``leaseTransitions`` ≥ 0."""
    errs = validate_object_meta(lease.metadata, True, name_is_dns_subdomain, Path("metadata"))
    spec = lease.spec
    if spec is not None:
        if spec.leaseDurationSeconds is not None and spec.leaseDurationSeconds <= 0:
            errs.append(
                invalid(
                    Path("spec", "leaseDurationSeconds"), spec.leaseDurationSeconds, "must be greater than 0"
                )
            )
        if spec.leaseTransitions is not None and spec.leaseTransitions < 0:
            errs.append(
                invalid(
                    Path("spec", "leaseTransitions"),
                    spec.leaseTransitions,
                    "must be greater than or equal to 0",
                )
            )
    return errs


def validate_runtime_class(rc: Any) -> list[FieldError]:
    """``ValidateRuntimeClass``: name; ``handler`` a DNS-1123 label."""
    errs = validate_object_meta(rc.metadata, False, name_is_dns_subdomain, Path("metadata"))
    handler = rc.handler or ""
    return errs + [invalid(Path("handler"), handler, m) for m in name_is_dns_label(handler, False)]


def _webhooks(cfg: Any, mutating: bool) -> list[FieldError]:
    errs = validate_object_meta(cfg.metadata, False, name_is_dns_subdomain, Path("metadata"))
    seen: set[str] = set()
    for i, hook in enumerate(cfg.webhooks or []):
        path = Path("webhooks").index(i)
        name = hook.get("name") or ""
        if name in seen:
            errs.append(duplicate(path.child("name"), name))
        seen.add(name)
        # IsFullyQualifiedName
        if not name:
            errs.append(required(path.child("name")))
        elif is_dns1123_subdomain(name):
            errs.append(invalid(path.child("name"), name, ",".join(is_dns1123_subdomain(name))))
        elif name.count(".") < 2:
            errs.append(
                invalid(
                    path.child("name"),
                    name,
                    "should be a domain with at least three segments separated by dots",
                )
            )
        if not hook.get("admissionReviewVersions"):
            errs.append(required(path.child("admissionReviewVersions"), "must specify one of v1, v1beta1"))
        side = hook.get("sideEffects")
        if side is None:
            errs.append(required(path.child("sideEffects"), "must specify one of None, NoneOnDryRun"))
        elif side not in ("None", "NoneOnDryRun"):
            errs.append(not_supported(path.child("sideEffects"), side, ["None", "NoneOnDryRun"]))
    return errs


def validate_validating_webhook_configuration(cfg: Any) -> list[FieldError]:
    """``ValidateValidatingWebhookConfiguration``."""
    return _webhooks(cfg, False)


def validate_mutating_webhook_configuration(cfg: Any) -> list[FieldError]:
    """``ValidateMutatingWebhookConfiguration``."""
    return _webhooks(cfg, True)


def validate_custom_resource_definition(crd: Any) -> list[FieldError]:
    """``ValidateCustomResourceDefinition`` (name, group, names, scope, versions)."""
    errs = validate_object_meta(crd.metadata, False, name_is_dns_subdomain, Path("metadata"))
    spec = crd.spec
    names = spec.names if spec else None
    group = (spec.group if spec else None) or ""
    plural = (names.plural if names else None) or ""
    if crd.metadata.name != f"{plural}.{group}":
        errs.append(
            invalid(Path("metadata", "name"), crd.metadata.name, 'must be spec.names.plural+"."+spec.group')
        )
    if not group:
        errs.append(required(Path("spec", "group")))
    elif len(group.split(".")) < 2:
        errs.append(invalid(Path("spec", "group"), group, "should be a domain with at least one dot"))
    scope = (spec.scope if spec else None) or ""
    if not scope:
        errs.append(required(Path("spec", "scope")))
    elif scope not in ("Cluster", "Namespaced"):
        errs.append(not_supported(Path("spec", "scope"), scope, ["Cluster", "Namespaced"]))
    if not plural:
        errs.append(required(Path("spec", "names", "plural")))
    if not (names.kind if names else None):
        errs.append(required(Path("spec", "names", "kind")))
    return errs
