"""Validation of policy/v1 PodDisruptionBudgets.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/policy/validation/validation.go``
(``ValidatePodDisruptionBudgetSpec``: not both ``minAvailable`` and ``maxUnavailable``; each a non-negative
integer or a percentage of at most 100 %; the selector; the eviction policy). The name is checked by the generic
registry as a path segment name (``rest.BeforeCreate``).

>>> from k8snet.api.policy_v1 import PodDisruptionBudget
>>> pdb = PodDisruptionBudget(metadata={"name": "zk", "namespace": "default"},
...     spec={"minAvailable": "150%", "selector": {"matchLabels": {"app": "zk"}}})
>>> [str(e) for e in validate_pod_disruption_budget(pdb)]
['spec.minAvailable: Invalid value: "150%": must not be greater than 100%']
"""

from __future__ import annotations

from typing import Any

from ..field import FieldError, GoStruct, Path, invalid, not_supported
from .generic import IS_NEGATIVE_ERROR_MSG
from .meta_v1 import validate_label_selector
from .objectmeta import validate_object_meta, validate_object_meta_update
from .util import is_valid_path_segment_name, is_valid_percent

__all__ = ["validate_pod_disruption_budget", "validate_pod_disruption_budget_update"]


def _path_segment(name: str, prefix: bool) -> list[str]:
    return is_valid_path_segment_name(name)


def _int_or_percent(value: Any, path: Path) -> list[FieldError]:
    if isinstance(value, str):
        errs = [invalid(path, value, m) for m in is_valid_percent(value)]
        if not errs and int(value[:-1]) > 100:
            errs.append(invalid(path, value, "must not be greater than 100%"))
        return errs
    return [invalid(path, value, IS_NEGATIVE_ERROR_MSG)] if value < 0 else []


def _spec(spec: Any, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    if spec is None:
        return errs
    if spec.minAvailable is not None and spec.maxUnavailable is not None:
        # the bad value is the internal PodDisruptionBudgetSpec, a struct without json tags
        selector = spec.selector.to_dict() if spec.selector is not None else None
        value = GoStruct(
            MinAvailable=spec.minAvailable,
            Selector=selector,
            MaxUnavailable=spec.maxUnavailable,
            UnhealthyPodEvictionPolicy=spec.unhealthyPodEvictionPolicy,
        )
        errs.append(invalid(path, value, "minAvailable and maxUnavailable cannot be both set"))
    if spec.minAvailable is not None:
        errs += _int_or_percent(spec.minAvailable, path.child("minAvailable"))
    if spec.maxUnavailable is not None:
        errs += _int_or_percent(spec.maxUnavailable, path.child("maxUnavailable"))
    errs += validate_label_selector(spec.selector, path.child("selector"))
    policy = spec.unhealthyPodEvictionPolicy
    if policy is not None and policy not in ("AlwaysAllow", "IfHealthyBudget"):
        errs.append(
            not_supported(
                path.child("unhealthyPodEvictionPolicy"), policy, ["AlwaysAllow", "IfHealthyBudget"]
            )
        )
    return errs


def validate_pod_disruption_budget(pdb: Any) -> list[FieldError]:
    """``ValidatePodDisruptionBudget`` (with the registry's name check)."""
    return _spec(pdb.spec, Path("spec")) + validate_object_meta(
        pdb.metadata, True, _path_segment, Path("metadata")
    )


def validate_pod_disruption_budget_update(pdb: Any, old: Any) -> list[FieldError]:
    """``ValidatePodDisruptionBudget`` on update."""
    return _spec(pdb.spec, Path("spec")) + validate_object_meta_update(
        pdb.metadata, old.metadata, Path("metadata")
    )
