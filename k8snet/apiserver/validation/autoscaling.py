"""Validation of autoscaling/v2 HorizontalPodAutoscalers.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/autoscaling/validation/validation.go``:
``validateHorizontalPodAutoscalerSpec`` (``minReplicas`` ≥ 1 — ``HPAScaleToZero`` is alpha and off — ,
``maxReplicas`` > 0 and ≥ ``minReplicas``, ``ValidateCrossVersionObjectReference`` for ``scaleTargetRef``) and
``validateMetrics`` (a known source type; for ``Resource`` metrics ``validateResourceSource`` and
``validateMetricTarget``). Simplified: the other metric sources and ``behavior`` are not checked inside.

>>> from k8snet.api.autoscaling_v2 import HorizontalPodAutoscaler
>>> hpa = HorizontalPodAutoscaler(metadata={"name": "web", "namespace": "default"},
...     spec={"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 3, "maxReplicas": 2})
>>> [str(e) for e in validate_horizontal_pod_autoscaler(hpa)]
['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']
"""

from __future__ import annotations

from typing import Any

from k8snet.api.quantity import parse_quantity

from ..field import FieldError, Path, forbidden, invalid, not_supported, required
from .generic import name_is_dns_subdomain
from .objectmeta import validate_object_meta, validate_object_meta_update
from .util import is_valid_path_segment_name

__all__ = ["validate_horizontal_pod_autoscaler", "validate_horizontal_pod_autoscaler_update"]

_SOURCE_TYPES = ["Object", "Pods", "Resource", "External", "ContainerResource"]


def _target(target: Any, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    ttype = (target.type if target else None) or ""
    if not ttype:
        errs.append(required(path.child("type"), "must specify a metric target type"))
    if ttype not in ("Utilization", "Value", "AverageValue"):
        errs.append(invalid(path.child("type"), ttype, "must be either Utilization, Value, or AverageValue"))
    if target is not None:
        for name in ("value", "averageValue"):
            q = getattr(target, name)
            if q is not None and parse_quantity(q)[0] <= 0:
                errs.append(invalid(path.child(name), q, "must be positive"))
        if target.averageUtilization is not None and target.averageUtilization < 1:
            errs.append(
                invalid(path.child("averageUtilization"), target.averageUtilization, "must be greater than 0")
            )
    return errs


def _metric(metric: Any, path: Path) -> list[FieldError]:
    mtype = metric.type or ""
    if not mtype:
        return [required(path.child("type"), "must specify a metric source type")]
    if mtype not in _SOURCE_TYPES:
        return [not_supported(path.child("type"), mtype, _SOURCE_TYPES)]
    if mtype != "Resource":
        field_name = {"Object": "object", "Pods": "pods", "External": "external"}.get(
            mtype, "containerResource"
        )
        if getattr(metric, field_name) is None:
            return [required(path.child(field_name), "must populate information for the given metric source")]
        return []
    src = metric.resource
    if src is None:
        return [required(path.child("resource"), "must populate information for the given metric source")]
    errs: list[FieldError] = []
    rpath = path.child("resource")
    if not src.name:
        errs.append(required(rpath.child("name"), "must specify a resource name"))
    errs += _target(src.target, rpath.child("target"))
    t = src.target
    if t is None or (t.averageUtilization is None and t.averageValue is None):
        errs.append(
            required(
                rpath.child("target").child("averageUtilization"),
                "must set either a target raw value or a target utilization",
            )
        )
    if t is not None and t.averageUtilization is not None and t.averageValue is not None:
        errs.append(
            forbidden(
                rpath.child("target").child("averageValue"),
                "may not set both a target raw value and a target utilization",
            )
        )
    return errs


def _spec(spec: Any, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    min_r = spec.minReplicas if spec else None
    max_r = (spec.maxReplicas if spec else None) or 0
    if min_r is not None and min_r < 1:
        errs.append(invalid(path.child("minReplicas"), min_r, "must be greater than or equal to 1"))
    if max_r < 1:
        errs.append(invalid(path.child("maxReplicas"), max_r, "must be greater than 0"))
    if min_r is not None and max_r < min_r:
        errs.append(
            invalid(path.child("maxReplicas"), max_r, "must be greater than or equal to `minReplicas`")
        )
    ref = spec.scaleTargetRef if spec else None
    rpath = path.child("scaleTargetRef")
    for name in ("kind", "name"):
        value = (getattr(ref, name) if ref else None) or ""
        if not value:
            errs.append(required(rpath.child(name)))
        else:
            errs += [invalid(rpath.child(name), value, m) for m in is_valid_path_segment_name(value)]
    for i, metric in enumerate((spec.metrics if spec else None) or []):
        errs += _metric(metric, path.child("metrics").index(i))
    return errs


def validate_horizontal_pod_autoscaler(hpa: Any) -> list[FieldError]:
    """``ValidateHorizontalPodAutoscaler``: a DNS-1123 subdomain name and the spec."""
    errs = validate_object_meta(hpa.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + _spec(hpa.spec, Path("spec"))


def validate_horizontal_pod_autoscaler_update(hpa: Any, old: Any) -> list[FieldError]:
    """``ValidateHorizontalPodAutoscalerUpdate``."""
    errs = validate_object_meta_update(hpa.metadata, old.metadata, Path("metadata"))
    return errs + _spec(hpa.spec, Path("spec"))
