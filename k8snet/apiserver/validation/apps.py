"""Validation of apps/v1 Deployments, ReplicaSets, StatefulSets and DaemonSets.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/apps/validation/validation.go``: ``ValidateDeployment``,
``ValidateDeploymentSpec`` (replicas, selector vs template labels, strategy, minReadySeconds,
revisionHistoryLimit, progressDeadlineSeconds), ``ValidateDeploymentUpdate``, ``ValidateReplicaSet``; plus the
apps/v1 update strategy's rule that ``spec.selector`` is immutable; ``ValidateStatefulSet``/``ValidateStatefulSetUpdate``
and ``ValidateDaemonSet``/``ValidateDaemonSetUpdate``. The Pod template is checked by the core
validation's ``ValidatePodTemplateSpecForReplicaSet``
(:func:`~k8snet.apiserver.validation.core.validate_pod_template_spec_for_replica_set`).
"""

from __future__ import annotations

from typing import Any

from ..field import FieldError, GoStruct, Path, forbidden, invalid, not_supported, required
from .core import validate_pod_spec, validate_pod_template_spec_for_replica_set
from .generic import IS_NEGATIVE_ERROR_MSG, name_is_dns_subdomain
from .meta_v1 import validate_label_selector, validate_labels
from .objectmeta import (
    FIELD_IMMUTABLE_ERROR_MSG,
    validate_annotations,
    validate_object_meta,
    validate_object_meta_update,
)
from .util import is_valid_percent

__all__ = [
    "validate_deployment",
    "validate_deployment_update",
    "validate_replica_set",
    "validate_stateful_set",
    "validate_stateful_set_update",
    "validate_daemon_set",
    "validate_daemon_set_update",
]


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


# --- StatefulSet, DaemonSet -----------------------------------------------------------------------------------


def _template_labels_match(template: Any, selector: Any, path: Path) -> list[FieldError]:
    """The template's labels must satisfy the selector; a nil selector selects nothing (``labels.Nothing()``)."""
    labels = (template.metadata.labels if template is not None and template.metadata else None) or {}
    if selector is None or not selector.matches(labels):
        return [
            invalid(
                path.child("metadata", "labels"), dict(labels), "`selector` does not match template `labels`"
            )
        ]
    return []


def _restart_always(template: Any, path: Path, what: str) -> list[FieldError]:
    errs: list[FieldError] = []
    spec = template.spec if template is not None else None
    rp = (spec.restartPolicy if spec else None) or ""
    if rp != "Always":
        errs.append(not_supported(path.child("spec", "restartPolicy"), rp, ["Always"]))
    if spec is not None and spec.activeDeadlineSeconds is not None:
        errs.append(
            forbidden(
                path.child("spec", "activeDeadlineSeconds"),
                f"activeDeadlineSeconds in {what} is not Supported",
            )
        )
    return errs


def validate_stateful_set(sts: Any) -> list[FieldError]:
    """``ValidateStatefulSet``: name; ``podManagementPolicy``, ``updateStrategy`` and the PVC retention policy;
    replicas, minReadySeconds and ordinals non-negative; a non-empty selector matching the template labels;
    ``restartPolicy: Always``. As upstream (``ValidatePodTemplateSpecForStatefulSet``, "TODO: Add validation for
    PodSpec"), the template's Pod spec itself is not validated; ``volumeClaimTemplates`` are not either.

    >>> from k8snet.api.apps_v1 import StatefulSet
    >>> from k8snet.apiserver.defaulting import set_defaults_stateful_set
    >>> sts = StatefulSet(metadata={"name": "web", "namespace": "default"}, spec={"serviceName": "nginx",
    ...     "selector": {"matchLabels": {"app": "nginx"}},
    ...     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}})
    >>> set_defaults_stateful_set(sts)
    >>> [str(e) for e in validate_stateful_set(sts)]
    ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']
    """
    errs = validate_object_meta(sts.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + _validate_stateful_set_spec(sts.spec)


def _validate_stateful_set_spec(spec: Any) -> list[FieldError]:
    errs: list[FieldError] = []
    path = Path("spec")
    if spec is None:
        return [required(path.child("selector"))]
    policy = spec.podManagementPolicy or ""
    if not policy:
        errs.append(required(path.child("podManagementPolicy")))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(
            invalid(path.child("podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'")
        )
    strategy = spec.updateStrategy
    stype = (strategy.type if strategy else None) or ""
    if not stype:
        errs.append(required(path.child("updateStrategy")))
    elif stype == "OnDelete":
        if strategy is not None and strategy.rollingUpdate is not None:
            errs.append(
                invalid(
                    path.child("updateStrategy", "rollingUpdate"),
                    strategy.rollingUpdate.to_dict(),
                    "only allowed for updateStrategy 'RollingUpdate'",
                )
            )
    elif stype == "RollingUpdate":
        ru = strategy.rollingUpdate if strategy else None
        if ru is not None and (ru.partition or 0) < 0:
            errs.append(
                invalid(
                    path.child("updateStrategy", "rollingUpdate", "partition"),
                    ru.partition,
                    IS_NEGATIVE_ERROR_MSG,
                )
            )
    else:
        errs.append(
            invalid(
                path.child("updateStrategy"),
                strategy.to_dict() if strategy else None,
                "must be 'RollingUpdate' or 'OnDelete'",
            )
        )
    retention = spec.persistentVolumeClaimRetentionPolicy
    if retention is not None:
        rpath = path.child("persistentVolumeClaimRetentionPolicy")
        for name in ("whenDeleted", "whenScaled"):
            value = getattr(retention, name) or ""
            if value not in ("Retain", "Delete"):
                errs.append(not_supported(rpath.child(name), value, ["Retain", "Delete"]))
    if (spec.replicas or 0) < 0:
        errs.append(invalid(path.child("replicas"), spec.replicas, IS_NEGATIVE_ERROR_MSG))
    if (spec.minReadySeconds or 0) < 0:
        errs.append(invalid(path.child("minReadySeconds"), spec.minReadySeconds, IS_NEGATIVE_ERROR_MSG))
    if spec.ordinals is not None and (spec.ordinals.start or 0) < 0:
        errs.append(invalid(path.child("ordinals.start"), spec.ordinals.start, IS_NEGATIVE_ERROR_MSG))
    if spec.selector is None:
        errs.append(required(path.child("selector")))
    else:
        errs += validate_label_selector(spec.selector, path.child("selector"))
        if not spec.selector.matchLabels and not spec.selector.matchExpressions:
            errs.append(
                invalid(
                    path.child("selector"),
                    _selector_value(spec.selector),
                    "empty selector is invalid for statefulset",
                )
            )
    tpath = path.child("template")
    if spec.template is None:
        errs.append(required(tpath))
    else:
        if spec.selector is not None and (spec.selector.matchLabels or spec.selector.matchExpressions):
            errs += _template_labels_match(spec.template, spec.selector, tpath)
        meta = spec.template.metadata
        if meta is not None:
            errs += validate_labels(meta.labels, tpath.child("labels"))
            errs += validate_annotations(meta.annotations, tpath.child("annotations"))
    errs += _restart_always(spec.template, tpath, "StatefulSet")
    return errs


def validate_stateful_set_update(sts: Any, old: Any) -> list[FieldError]:
    """``ValidateStatefulSetUpdate``: only replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
    persistentVolumeClaimRetentionPolicy and minReadySeconds may change."""
    errs = validate_object_meta_update(sts.metadata, old.metadata, Path("metadata"))
    errs += _validate_stateful_set_spec(sts.spec)
    mutable = (
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
    )
    new_spec = {k: v for k, v in (sts.spec.to_dict() if sts.spec else {}).items() if k not in mutable}
    old_spec = {k: v for k, v in (old.spec.to_dict() if old.spec else {}).items() if k not in mutable}
    if new_spec != old_spec:
        errs.append(
            forbidden(
                Path("spec"),
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
                "'minReadySeconds' are forbidden",
            )
        )
    return errs


def validate_daemon_set(ds: Any) -> list[FieldError]:
    """``ValidateDaemonSet``: name; the selector (which must match the template's labels and may not be empty);
    the Pod template; ``restartPolicy: Always``; minReadySeconds, the update strategy, revisionHistoryLimit.

    >>> from k8snet.api.apps_v1 import DaemonSet
    >>> from k8snet.apiserver.defaulting import set_defaults_daemon_set
    >>> ds = DaemonSet(metadata={"name": "agent", "namespace": "default"}, spec={
    ...     "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "a", "image": "busybox"}]}}})
    >>> set_defaults_daemon_set(ds)
    >>> [str(e) for e in validate_daemon_set(ds)]
    ['spec.template.metadata.labels: Invalid value: {"app":"agent"}: `selector` does not match template `labels`']
    """
    errs = validate_object_meta(ds.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + _validate_daemon_set_spec(ds.spec)


def _validate_daemon_set_spec(spec: Any) -> list[FieldError]:
    errs: list[FieldError] = []
    path = Path("spec")
    selector = spec.selector if spec else None
    template = spec.template if spec else None
    errs += validate_label_selector(selector, path.child("selector"))
    errs += _template_labels_match(template, selector, path.child("template"))
    if selector is not None and not selector.matchLabels and not selector.matchExpressions:
        errs.append(
            invalid(
                path.child("selector"), _selector_value(selector), "empty selector is invalid for daemonset"
            )
        )
    tpath = path.child("template")
    meta = template.metadata if template is not None else None
    if meta is not None:
        errs += validate_labels(meta.labels, tpath.child("labels"))
        errs += validate_annotations(meta.annotations, tpath.child("annotations"))
    errs += validate_pod_spec(template.spec if template is not None else None, tpath.child("spec"))
    errs += _restart_always(template, tpath, "DaemonSet")
    if spec is not None and (spec.minReadySeconds or 0) < 0:
        errs.append(invalid(path.child("minReadySeconds"), spec.minReadySeconds, IS_NEGATIVE_ERROR_MSG))
    strategy = spec.updateStrategy if spec else None
    stype = (strategy.type if strategy else None) or ""
    if stype == "RollingUpdate":
        ru = strategy.rollingUpdate if strategy else None
        rpath = path.child("updateStrategy", "rollingUpdate")
        if ru is None:
            errs.append(required(rpath))
        else:
            errs += _validate_positive_int_or_percent(ru.maxUnavailable, rpath.child("maxUnavailable"))
            errs += _validate_positive_int_or_percent(ru.maxSurge, rpath.child("maxSurge"))
            if (
                _int_or_percent_value(ru.maxUnavailable)[0] == 0
                and _int_or_percent_value(ru.maxSurge)[0] == 0
            ):
                errs.append(
                    invalid(
                        rpath.child("maxUnavailable"), ru.maxUnavailable, "may not be 0 when `maxSurge` is 0"
                    )
                )
    elif stype != "OnDelete":
        bad = GoStruct(Type=stype, RollingUpdate=None)
        errs.append(not_supported(path.child("updateStrategy"), bad, ["RollingUpdate", "OnDelete"]))
    if spec is not None and spec.revisionHistoryLimit is not None and spec.revisionHistoryLimit < 0:
        errs.append(
            invalid(path.child("revisionHistoryLimit"), spec.revisionHistoryLimit, IS_NEGATIVE_ERROR_MSG)
        )
    return errs


def validate_daemon_set_update(ds: Any, old: Any) -> list[FieldError]:
    """``ValidateDaemonSetUpdate``: the spec as on create, and ``spec.selector`` is immutable."""
    errs = validate_object_meta_update(ds.metadata, old.metadata, Path("metadata"))
    new_sel = ds.spec.selector if ds.spec else None
    old_sel = old.spec.selector if old.spec else None
    if _selector_value(new_sel) != _selector_value(old_sel):
        errs.append(invalid(Path("spec", "selector"), _selector_value(new_sel), FIELD_IMMUTABLE_ERROR_MSG))
    return errs + _validate_daemon_set_spec(ds.spec)
