"""Labels and label selectors: every key a qualified name, every value a label value, valid operators.

A port of k8s.io/apimachinery ``pkg/apis/meta/v1/validation/validation.go`` (``ValidateLabelName``,
``ValidateLabels``, ``ValidateLabelSelector`` and its requirements).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..field import FieldError, Path, forbidden, invalid, required
from .util import is_qualified_name, is_valid_label_value

__all__ = ["validate_labels", "validate_label_selector"]


def _validate_label_name(key: str, path: Path) -> list[FieldError]:
    return [invalid(path, key, m) for m in is_qualified_name(key)]


def validate_labels(labels: Mapping[str, str] | None, path: Path) -> list[FieldError]:
    """``ValidateLabels``: every key a qualified name, every value a label value; errors sit on the map's path.

    >>> print(validate_labels({"NoUppercaseOrSpecialCharsLike=Equals": "bar"}, Path("spec", "selector"))[0].field)
    spec.selector
    """
    errs: list[FieldError] = []
    for k, v in (labels or {}).items():
        errs += _validate_label_name(k, path)
        errs += [invalid(path, v, m) for m in is_valid_label_value(v)]
    return errs


def validate_label_selector(selector: Any, path: Path) -> list[FieldError]:
    """``ValidateLabelSelector`` for a ``metav1.LabelSelector`` (Deployments, ReplicaSets)."""
    if selector is None:
        return []
    errs = validate_labels(selector.matchLabels, path.child("matchLabels"))
    for i, req in enumerate(selector.matchExpressions or []):
        rp = path.child("matchExpressions").index(i)
        if req.operator in ("In", "NotIn"):
            if not req.values:
                errs.append(
                    required(rp.child("values"), "must be specified when `operator` is 'In' or 'NotIn'")
                )
        elif req.operator in ("Exists", "DoesNotExist"):
            if req.values:
                errs.append(
                    forbidden(
                        rp.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(invalid(rp.child("operator"), req.operator, "not a valid selector operator"))
        errs += _validate_label_name(req.key, rp.child("key"))
    return errs
