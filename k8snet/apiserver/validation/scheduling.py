"""Validation of scheduling.k8s.io/v1 PriorityClasses.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/scheduling/validation/validation.go`` (``ValidatePriorityClass``:
names starting ``system-`` are reserved for the two built-in classes; a user-defined value is at most one
billion; ``preemptionPolicy`` is ``PreemptLowerPriority`` or ``Never``) and ``ValidatePriorityClassUpdate``
(``value`` and ``preemptionPolicy`` are immutable).

>>> from k8snet.api.scheduling_v1 import PriorityClass
>>> [str(e) for e in validate_priority_class(PriorityClass(metadata={"name": "high"}, value=2000000000))]
['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']
"""

from __future__ import annotations

from typing import Any

from ..field import FieldError, Path, forbidden, invalid, not_supported
from .generic import name_is_dns_subdomain
from .objectmeta import FIELD_IMMUTABLE_ERROR_MSG, validate_object_meta, validate_object_meta_update

__all__ = ["validate_priority_class", "validate_priority_class_update"]

HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000
#: The classes the API server creates itself (``scheduling.SystemPriorityClasses``): name → value.
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2_000_001_000, "system-cluster-critical": 2_000_000_000}


def validate_priority_class(pc: Any) -> list[FieldError]:
    """``ValidatePriorityClass``."""
    errs = validate_object_meta(pc.metadata, False, name_is_dns_subdomain, Path("metadata"))
    name = pc.metadata.name or ""
    if name.startswith("system-"):
        problem = None
        if name not in SYSTEM_PRIORITY_CLASSES:
            problem = f"{name} is not a known system priority class"
        elif pc.value != SYSTEM_PRIORITY_CLASSES[name] or pc.globalDefault:
            problem = f"value of {name} PriorityClass must be {SYSTEM_PRIORITY_CLASSES[name]}"
        if problem:
            errs.append(
                forbidden(
                    Path("metadata", "name"),
                    f"priority class names with 'system-' prefix are reserved for system use only. error: {problem}",
                )
            )
    elif pc.value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.append(
            forbidden(
                Path("value"),
                f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}",
            )
        )
    if pc.preemptionPolicy is not None and pc.preemptionPolicy not in ("PreemptLowerPriority", "Never"):
        errs.append(
            not_supported(Path("preemptionPolicy"), pc.preemptionPolicy, ["PreemptLowerPriority", "Never"])
        )
    return errs


def validate_priority_class_update(pc: Any, old: Any) -> list[FieldError]:
    """``ValidatePriorityClassUpdate``."""
    errs = validate_object_meta_update(pc.metadata, old.metadata, Path("metadata"))
    if pc.value != old.value:
        errs.append(forbidden(Path("value"), "may not be changed in an update."))
    if pc.preemptionPolicy != old.preemptionPolicy:
        errs.append(invalid(Path("preemptionPolicy"), pc.preemptionPolicy, FIELD_IMMUTABLE_ERROR_MSG))
    return errs
