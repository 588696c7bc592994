"""Validation of apps/v1 Deployments and ReplicaSets.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/apps/validation/validation.go``: ``ValidateDeployment``,
``ValidateDeploymentSpec`` (replicas, selector vs template labels, strategy, minReadySeconds,
revisionHistoryLimit, progressDeadlineSeconds), ``ValidateDeploymentUpdate``, ``ValidateReplicaSet``; plus the
apps/v1 update strategy's rule that ``spec.selector`` is immutable. The Pod template is checked by the core
validation's ``ValidatePodTemplateSpecForReplicaSet``
(:func:`~k8snet.apiserver.validation.core.validate_pod_template_spec_for_replica_set`).
"""

from __future__ import annotations

from typing import Any

from ..field import FieldError, GoStruct, Path, forbidden, invalid, not_supported, required
from .core import validate_pod_template_spec_for_replica_set
from .generic import IS_NEGATIVE_ERROR_MSG, name_is_dns_subdomain
from .meta_v1 import validate_label_selector
from .objectmeta import FIELD_IMMUTABLE_ERROR_MSG, validate_object_meta, validate_object_meta_update
from .util import is_valid_percent

__all__ = ["validate_deployment", "validate_deployment_update", "validate_replica_set"]


def _int_or_percent_value(v: int | str | None) -> tuple[int, bool]:
    if isinstance(v, str):
        if v.endswith("%") and v[:-1].isdigit():
            return int(v[:-1]), True
        return 0, False
    return (v or 0), False


def _validate_positive_int_or_percent(v: int | str | None, path: Path) -> list[FieldError]:
    if isinstance(v, str):
        return [invalid(path, v, m) for m in is_valid_percent(v)]
    if (v or 0) < 0:
        return [invalid(path, v, IS_NEGATIVE_ERROR_MSG)]
    return []


def _validate_strategy(strategy: Any, path: Path) -> list[FieldError]:
    stype = (strategy.type if strategy else None) or ""
    ru = strategy.rollingUpdate if strategy else None
    if stype == "Recreate":
        if ru is not None:
            return [
                forbidden(
                    path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"
                )
            ]
        return []
    if stype == "RollingUpdate":
        if ru is None:
            return [required(path.child("rollingUpdate"), "this should be defaulted and never be nil")]
        rpath = path.child("rollingUpdate")
        errs = _validate_positive_int_or_percent(ru.maxUnavailable, rpath.child("maxUnavailable"))
        errs += _validate_positive_int_or_percent(ru.maxSurge, rpath.child("maxSurge"))
        if _int_or_percent_value(ru.maxUnavailable)[0] == 0 and _int_or_percent_value(ru.maxSurge)[0] == 0:
            errs.append(
                invalid(rpath.child("maxUnavailable"), ru.maxUnavailable, "may not be 0 when `maxSurge` is 0")
            )
        value, is_pct = _int_or_percent_value(ru.maxUnavailable)
        if is_pct and value > 100:
            errs.append(
                invalid(rpath.child("maxUnavailable"), ru.maxUnavailable, "must not be greater than 100%")
            )
        return errs
    # The bad value is the whole internal DeploymentStrategy struct (no json tags).
    bad = GoStruct(
        Type=stype,
        RollingUpdate=(
            GoStruct(MaxUnavailable=ru.maxUnavailable, MaxSurge=ru.maxSurge) if ru is not None else None
        ),
    )
    return [not_supported(path, bad, ["Recreate", "RollingUpdate"])]


def _selector_value(selector: Any) -> Any:
    return selector.to_dict() if selector is not None else None


def validate_deployment(dep: Any) -> list[FieldError]:
    """``ValidateDeployment``: metadata and ``ValidateDeploymentSpec`` (replicas, selector vs template labels,
    template, strategy, minReadySeconds, revisionHistoryLimit, progressDeadlineSeconds).

    >>> from k8snet.api.apps_v1 import Deployment
    >>> from k8snet.apiserver.defaulting import set_defaults_deployment
    >>> d = Deployment(metadata={"name": "web", "namespace": "default"}, spec={
    ...     "selector": {"matchLabels": {"app": "web"}},
    ...     "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}})
    >>> set_defaults_deployment(d)
    >>> [str(e) for e in validate_deployment(d)]
    ['spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`']
    """
    errs = validate_object_meta(dep.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + _validate_rs_like_spec(dep.spec, Path("spec"), "deployment", deployment=True)


def _validate_rs_like_spec(spec: Any, path: Path, what: str, deployment: bool) -> list[FieldError]:
    errs: list[FieldError] = []
    if spec is None:
        return [required(path.child("selector")), required(path.child("template"))]
    if (spec.replicas or 0) < 0:
        errs.append(invalid(path.child("replicas"), spec.replicas, IS_NEGATIVE_ERROR_MSG))
    if spec.selector is None:
        errs.append(required(path.child("selector")))
    else:
        errs += validate_label_selector(spec.selector, path.child("selector"))
        if not spec.selector.matchLabels and not spec.selector.matchExpressions:
            errs.append(
                invalid(
                    path.child("selector"),
                    _selector_value(spec.selector),
                    f"empty selector is invalid for {what}",
                )
            )
    errs += validate_pod_template_spec_for_replica_set(spec.template, spec.selector, path.child("template"))
    if deployment:
        errs += _validate_strategy(spec.strategy, path.child("strategy"))
    if (spec.minReadySeconds or 0) < 0:
        errs.append(invalid(path.child("minReadySeconds"), spec.minReadySeconds, IS_NEGATIVE_ERROR_MSG))
    if deployment:
        if spec.revisionHistoryLimit is not None and spec.revisionHistoryLimit < 0:
            errs.append(
                invalid(path.child("revisionHistoryLimit"), spec.revisionHistoryLimit, IS_NEGATIVE_ERROR_MSG)
            )
        if spec.progressDeadlineSeconds is not None:
            if spec.progressDeadlineSeconds < 0:
                errs.append(
                    invalid(
                        path.child("progressDeadlineSeconds"),
                        spec.progressDeadlineSeconds,
                        IS_NEGATIVE_ERROR_MSG,
                    )
                )
            if spec.progressDeadlineSeconds <= (spec.minReadySeconds or 0):
                errs.append(
                    invalid(
                        path.child("progressDeadlineSeconds"),
                        spec.progressDeadlineSeconds,
                        "must be greater than minReadySeconds",
                    )
                )
    return errs


def validate_deployment_update(dep: Any, old: Any) -> list[FieldError]:
    """``ValidateDeploymentUpdate`` plus the apps/v1 strategy rule that ``spec.selector`` is immutable.

    >>> from k8snet.api.apps_v1 import Deployment
    >>> from k8snet.apiserver.defaulting import set_defaults_deployment
    >>> def mk(app):
    ...     d = Deployment(metadata={"name": "web", "namespace": "default", "resourceVersion": "1"}, spec={
    ...         "selector": {"matchLabels": {"app": app}},
    ...         "template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}})
    ...     set_defaults_deployment(d)
    ...     return d
    >>> [str(e) for e in validate_deployment_update(mk("b"), mk("a"))]
    ['spec.selector: Invalid value: {"matchLabels":{"app":"b"}}: field is immutable']
    """
    errs = validate_object_meta_update(dep.metadata, old.metadata, Path("metadata"))
    errs += _validate_rs_like_spec(dep.spec, Path("spec"), "deployment", deployment=True)
    new_sel = dep.spec.selector if dep.spec else None
    old_sel = old.spec.selector if old.spec else None
    if _selector_value(new_sel) != _selector_value(old_sel):
        errs.append(invalid(Path("spec", "selector"), _selector_value(new_sel), FIELD_IMMUTABLE_ERROR_MSG))
    return errs


def validate_replica_set(rs: Any) -> list[FieldError]:
    """``ValidateReplicaSet``: metadata and the spec rules shared with Deployments (no strategy).

    >>> from k8snet.api.apps_v1 import ReplicaSet
    >>> rs = ReplicaSet(metadata={"name": "web-1", "namespace": "default"}, spec={"replicas": 1,
    ...     "selector": {"matchLabels": {"app": "web"}},
    ...     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"restartPolicy": "Always",
    ...      "dnsPolicy": "ClusterFirst", "containers": [{"name": "c", "image": "nginx"}]}}})
    >>> from k8snet.apiserver.defaulting import set_defaults_replica_set
    >>> set_defaults_replica_set(rs)  # validation runs on the defaulted object
    >>> validate_replica_set(rs)
    []
    """
    errs = validate_object_meta(rs.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + _validate_rs_like_spec(rs.spec, Path("spec"), "replicaset", deployment=False)
