"""Validation of the other core/v1 kinds real manifests carry: ConfigMap, Secret, ServiceAccount, PersistentVolume,
PersistentVolumeClaim, ReplicationController, PodTemplate, LimitRange, ResourceQuota.

A port of the parts of kubernetes/kubernetes v1.34 ``pkg/apis/core/validation/validation.go`` that a user meets
most: ``ValidateConfigMap``/``ValidateConfigMapUpdate``, ``ValidateSecret``/``ValidateSecretUpdate``,
``ValidateServiceAccount``, ``ValidatePersistentVolume`` (access modes, capacity, one volume source, reclaim
policy, class name, volume mode), ``ValidatePersistentVolumeClaim`` (access modes, ``resources[storage]``),
``ValidateReplicationController`` (``ValidateNonEmptySelector``, ``ValidatePodTemplateSpecForRC``),
``ValidatePodTemplate``, ``ValidateLimitRange`` (types, min ≤ default request ≤ default ≤ max) and
``ValidateResourceQuota`` (names, non-negative hard limits). The same file as :mod:`.core`; kept apart only so
that module stays about Service networking.

Simplified: map keys are checked in sorted order (Go's map order is random, so upstream's order of several
errors on one map is not stable either); volume sources are not validated inside; quota resource names are not
checked against the standard list.

>>> from k8snet.api.core_v1 import ConfigMap
>>> for e in validate_config_map(ConfigMap(metadata={"name": "c", "namespace": "default"}, data={"..cfg": "x"})):
...     print(e)
data[..cfg]: Invalid value: "..cfg": must not start with '..'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from k8snet.api.core_v1 import PV_SOURCES
from k8snet.api.quantity import parse_quantity

from ..field import (
    FieldError,
    Path,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
    too_long,
)
from .core import validate_pod_spec
from .generic import IS_NEGATIVE_ERROR_MSG, name_is_dns_subdomain
from .meta_v1 import validate_label_selector, validate_labels
from .objectmeta import (
    FIELD_IMMUTABLE_ERROR_MSG,
    validate_annotations,
    validate_object_meta,
    validate_object_meta_update,
)
from .util import is_config_map_key, is_qualified_name

__all__ = [
    "validate_config_map",
    "validate_config_map_update",
    "validate_secret",
    "validate_secret_update",
    "validate_service_account",
    "validate_persistent_volume",
    "validate_persistent_volume_claim",
    "validate_replication_controller",
    "validate_pod_template",
    "validate_pod_template_spec",
    "validate_limit_range",
    "validate_resource_quota",
    "SUPPORTED_ACCESS_MODES",
]

#: ``core.MaxSecretSize``: 1 MiB of data per ConfigMap or Secret.
MAX_SECRET_SIZE = 1 * 1024 * 1024
#: ``supportedAccessModes``, sorted as ``sets.List`` prints them.
SUPPORTED_ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
_SUPPORTED_RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"]
_SUPPORTED_VOLUME_MODES = ["Block", "Filesystem"]
_IS_NOT_POSITIVE = "must be greater than zero"
_STANDARD_LIMIT_TYPES = ("Pod", "Container", "PersistentVolumeClaim")


def _immutable(new: Any, old: Any, path: Path) -> list[FieldError]:
    return [invalid(path, new, FIELD_IMMUTABLE_ERROR_MSG)] if new != old else []


def _data_keys(data: Mapping[str, str] | None, path: Path) -> tuple[list[FieldError], int]:
    errs: list[FieldError] = []
    size = 0
    for key in sorted(data or {}):
        errs += [invalid(path.key(key), key, m) for m in is_config_map_key(key)]
        size += len((data or {})[key])
    return errs, size


# --- ConfigMap, Secret, ServiceAccount -----------------------------------------------------------------------


def validate_config_map(cm: Any) -> list[FieldError]:
    """``ValidateConfigMap``: a DNS-1123 subdomain name, valid keys, no key in both ``data`` and ``binaryData``,
    1 MiB in all."""
    errs = validate_object_meta(cm.metadata, True, name_is_dns_subdomain, Path("metadata"))
    binary = cm.binaryData or {}
    size = 0
    for key in sorted(cm.data or {}):
        errs += [invalid(Path("data").key(key), key, m) for m in is_config_map_key(key)]
        if key in binary:
            errs.append(invalid(Path("data").key(key), key, "duplicate of key present in binaryData"))
        size += len(cm.data[key])
    more, binary_size = _data_keys(binary, Path("binaryData"))
    errs += more
    if size + binary_size > MAX_SECRET_SIZE:
        errs.append(too_long(Path(""), "", MAX_SECRET_SIZE))
    return errs


def validate_config_map_update(cm: Any, old: Any) -> list[FieldError]:
    """``ValidateConfigMapUpdate``: an ``immutable`` ConfigMap keeps its data."""
    errs = validate_object_meta_update(cm.metadata, old.metadata, Path("metadata"))
    if old.immutable:
        if not cm.immutable:
            errs.append(forbidden(Path("immutable"), "field is immutable when `immutable` is set"))
        if (cm.data or {}) != (old.data or {}):
            errs.append(forbidden(Path("data"), "field is immutable when `immutable` is set"))
        if (cm.binaryData or {}) != (old.binaryData or {}):
            errs.append(forbidden(Path("binaryData"), "field is immutable when `immutable` is set"))
    return errs + validate_config_map(cm)


def validate_secret(secret: Any) -> list[FieldError]:
    """``ValidateSecret``: name, data keys, size, and the keys each built-in ``type`` requires.

    >>> from k8snet.api.core_v1 import Secret
    >>> s = Secret(metadata={"name": "tls", "namespace": "default"}, type="kubernetes.io/tls", data={})
    >>> [str(e) for e in validate_secret(s)]
    ['data[tls.crt]: Required value', 'data[tls.key]: Required value']
    """
    errs = validate_object_meta(secret.metadata, True, name_is_dns_subdomain, Path("metadata"))
    data = secret.data or {}
    more, size = _data_keys(data, Path("data"))
    errs += more
    if size > MAX_SECRET_SIZE:
        errs.append(too_long(Path("data"), "", MAX_SECRET_SIZE))
    stype = secret.type or ""
    annotations = secret.metadata.annotations or {}
    if stype == "kubernetes.io/service-account-token":
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.append(required(Path("metadata", "annotations").key("kubernetes.io/service-account.name")))
    elif stype == "kubernetes.io/dockercfg":
        if ".dockercfg" not in data:
            errs.append(required(Path("data").key(".dockercfg")))
    elif stype == "kubernetes.io/dockerconfigjson":
        if ".dockerconfigjson" not in data:
            errs.append(required(Path("data").key(".dockerconfigjson")))
    elif stype == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            # upstream builds these paths from the literal "data[%s]": the printed field is data[%s][username]
            errs.append(required(Path("data[%s]").key("username")))
            errs.append(required(Path("data[%s]").key("password")))
    elif stype == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            errs.append(required(Path("data[%s]").key("ssh-privatekey")))
    elif stype == "kubernetes.io/tls":
        if "tls.crt" not in data:
            errs.append(required(Path("data").key("tls.crt")))
        if "tls.key" not in data:
            errs.append(required(Path("data").key("tls.key")))
    return errs


def validate_secret_update(secret: Any, old: Any) -> list[FieldError]:
    """``ValidateSecretUpdate``: ``type`` is immutable; an ``immutable`` Secret keeps its data."""
    errs = validate_object_meta_update(secret.metadata, old.metadata, Path("metadata"))
    errs += _immutable(secret.type or "", old.type or "", Path("type"))
    if old.immutable:
        if not secret.immutable:
            errs.append(forbidden(Path("immutable"), "field is immutable when `immutable` is set"))
        if (secret.data or {}) != (old.data or {}):
            errs.append(forbidden(Path("data"), "field is immutable when `immutable` is set"))
    return errs + validate_secret(secret)


def validate_service_account(sa: Any) -> list[FieldError]:
    """``ValidateServiceAccount``: a DNS-1123 subdomain name."""
    return validate_object_meta(sa.metadata, True, name_is_dns_subdomain, Path("metadata"))


# --- PersistentVolume, PersistentVolumeClaim -----------------------------------------------------------------


def _positive_quantity(value: str, path: Path) -> list[FieldError]:
    number, _ = parse_quantity(value)
    return [invalid(path, value, _IS_NOT_POSITIVE)] if number <= 0 else []


def _access_modes(modes: list[str], path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    rwop = other = False
    for mode in modes:
        if mode not in SUPPORTED_ACCESS_MODES:
            errs.append(not_supported(path, mode, SUPPORTED_ACCESS_MODES))
        elif mode == "ReadWriteOncePod":
            rwop = True
        else:
            other = True
    if rwop and other:
        errs.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def validate_persistent_volume(pv: Any) -> list[FieldError]:
    """``ValidatePersistentVolume``: name; ``accessModes`` and ``capacity`` (exactly ``storage``, positive)
    required; class name; volume mode; exactly one volume source; reclaim policy.

    >>> from k8snet.api.core_v1 import PersistentVolume
    >>> pv = PersistentVolume(metadata={"name": "pv0"}, spec={"capacity": {"storage": "1Gi"},
    ...     "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain"})
    >>> [str(e) for e in validate_persistent_volume(pv)]
    ['spec: Required value: must specify a volume type']
    """
    errs = validate_object_meta(pv.metadata, False, name_is_dns_subdomain, Path("metadata"))
    spec = pv.spec
    path = Path("spec")
    modes = (spec.accessModes if spec else None) or []
    if not modes:
        errs.append(required(path.child("accessModes")))
    errs += _access_modes(modes, path.child("accessModes"))
    capacity = (spec.capacity if spec else None) or {}
    if not capacity:
        errs.append(required(path.child("capacity")))
    if "storage" not in capacity or len(capacity) > 1:
        errs.append(not_supported(path.child("capacity"), dict(capacity), ["storage"]))
    for name in sorted(capacity):
        errs += _positive_quantity(capacity[name], path.child("capacity").key(name))
    if spec is not None and spec.storageClassName:
        errs += [
            invalid(path.child("storageClassName"), spec.storageClassName, m)
            for m in name_is_dns_subdomain(spec.storageClassName, False)
        ]
    if spec is not None and spec.volumeMode is not None and spec.volumeMode not in _SUPPORTED_VOLUME_MODES:
        errs.append(not_supported(path.child("volumeMode"), spec.volumeMode, _SUPPORTED_VOLUME_MODES))
    sources = [s for s in PV_SOURCES if spec is not None and getattr(spec, s) is not None]
    if not sources:
        errs.append(required(path, "must specify a volume type"))
    for extra in sources[1:]:
        errs.append(forbidden(path.child(extra), "may not specify more than 1 volume type"))
    policy = (spec.persistentVolumeReclaimPolicy if spec else None) or ""
    if policy not in _SUPPORTED_RECLAIM_POLICIES:
        errs.append(
            not_supported(path.child("persistentVolumeReclaimPolicy"), policy, _SUPPORTED_RECLAIM_POLICIES)
        )
    return errs


def validate_persistent_volume_claim_spec(spec: Any, path: Path) -> list[FieldError]:
    """``ValidatePersistentVolumeClaimSpec`` (claims and StatefulSet ``volumeClaimTemplates``)."""
    errs: list[FieldError] = []
    modes = (spec.accessModes if spec else None) or []
    if not modes:
        errs.append(required(path.child("accessModes"), "at least 1 access mode is required"))
    if spec is not None and spec.selector is not None:
        errs += validate_label_selector(spec.selector, path.child("selector"))
    errs += _access_modes(modes, path.child("accessModes"))
    requests = ((spec.resources.requests if spec and spec.resources else None) or {}).copy()
    storage_path = path.child("resources").key("storage")
    if "storage" not in requests:
        errs.append(required(storage_path))
    else:
        errs += _positive_quantity(requests["storage"], storage_path)
    if spec is not None and spec.storageClassName:
        errs += [
            invalid(path.child("storageClassName"), spec.storageClassName, m)
            for m in name_is_dns_subdomain(spec.storageClassName, False)
        ]
    if spec is not None and spec.volumeMode is not None and spec.volumeMode not in _SUPPORTED_VOLUME_MODES:
        errs.append(not_supported(path.child("volumeMode"), spec.volumeMode, _SUPPORTED_VOLUME_MODES))
    return errs


def validate_persistent_volume_claim(pvc: Any) -> list[FieldError]:
    """``ValidatePersistentVolumeClaim``: name and spec.

    >>> from k8snet.api.core_v1 import PersistentVolumeClaim
    >>> pvc = PersistentVolumeClaim(metadata={"name": "data", "namespace": "default"},
    ...     spec={"accessModes": ["ReadWriteOnce"]})
    >>> [str(e) for e in validate_persistent_volume_claim(pvc)]
    ['spec.resources[storage]: Required value']
    """
    errs = validate_object_meta(pvc.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + validate_persistent_volume_claim_spec(pvc.spec, Path("spec"))


# --- Pod templates, ReplicationController --------------------------------------------------------------------


def validate_pod_template_spec(template: Any, path: Path) -> list[FieldError]:
    """``ValidatePodTemplateSpec``: the template's labels and annotations (on ``<path>.labels``, as upstream
    names them) and its Pod spec."""
    errs: list[FieldError] = []
    meta = template.metadata if template is not None else None
    if meta is not None:
        errs += validate_labels(meta.labels, path.child("labels"))
        errs += validate_annotations(meta.annotations, path.child("annotations"))
    return errs + validate_pod_spec(template.spec if template is not None else None, path.child("spec"))


def validate_pod_template(pt: Any) -> list[FieldError]:
    """``ValidatePodTemplate``: name and template."""
    errs = validate_object_meta(pt.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + validate_pod_template_spec(pt.template, Path("template"))


def validate_replication_controller(rc: Any) -> list[FieldError]:
    """``ValidateReplicationController``: name; ``minReadySeconds`` and ``replicas`` non-negative; a non-empty
    ``selector`` that matches the template's labels; a template whose ``restartPolicy`` is ``Always``.

    >>> from k8snet.api.core_v1 import ReplicationController
    >>> rc = ReplicationController(metadata={"name": "nginx", "namespace": "default"}, spec={"replicas": 1})
    >>> [str(e) for e in validate_replication_controller(rc)]
    ['spec.selector: Required value', 'spec.template: Required value']
    """
    errs = validate_object_meta(rc.metadata, True, name_is_dns_subdomain, Path("metadata"))
    spec = rc.spec
    path = Path("spec")
    if spec is not None and (spec.minReadySeconds or 0) < 0:
        errs.append(invalid(path.child("minReadySeconds"), spec.minReadySeconds, IS_NEGATIVE_ERROR_MSG))
    selector = (spec.selector if spec else None) or {}
    if not selector:
        errs.append(required(path.child("selector")))
    if spec is not None and (spec.replicas or 0) < 0:
        errs.append(invalid(path.child("replicas"), spec.replicas, IS_NEGATIVE_ERROR_MSG))
    template = spec.template if spec else None
    tpath = path.child("template")
    if template is None:
        errs.append(required(tpath))
        return errs
    labels = (template.metadata.labels if template.metadata else None) or {}
    if selector and any(labels.get(k) != v for k, v in selector.items()):
        errs.append(
            invalid(
                tpath.child("metadata", "labels"), dict(labels), "`selector` does not match template `labels`"
            )
        )
    errs += validate_pod_template_spec(template, tpath)
    rp = (template.spec.restartPolicy if template.spec else None) or ""
    if rp != "Always":
        errs.append(not_supported(tpath.child("spec", "restartPolicy"), rp, ["Always"]))
    if template.spec is not None and template.spec.activeDeadlineSeconds is not None:
        errs.append(
            forbidden(
                tpath.child("spec", "activeDeadlineSeconds"),
                "activeDeadlineSeconds in ReplicationController is not Supported",
            )
        )
    return errs


# --- LimitRange, ResourceQuota -------------------------------------------------------------------------------


def validate_limit_range(lr: Any) -> list[FieldError]:
    """``ValidateLimitRange``: each limit's ``type`` (a standard type or a qualified name), no type twice, and
    per resource min ≤ default request ≤ default ≤ max (after defaulting filled the defaults from max/min).

    >>> from k8snet.api.core_v1 import LimitRange
    >>> lr = LimitRange(metadata={"name": "mem", "namespace": "default"}, spec={"limits": [
    ...     {"type": "Container", "max": {"memory": "1Gi"}, "min": {"memory": "2Gi"}}]})
    >>> [str(e) for e in validate_limit_range(lr)][0]
    'spec.limits[0].min[memory]: Invalid value: "2Gi": min value 2Gi is greater than max value 1Gi'
    """
    errs = validate_object_meta(lr.metadata, True, name_is_dns_subdomain, Path("metadata"))
    seen: set[str] = set()
    for i, item in enumerate((lr.spec.limits if lr.spec else None) or []):
        ip = Path("spec", "limits").index(i)
        ltype = item.type
        if "/" not in ltype and ltype not in _STANDARD_LIMIT_TYPES:
            errs.append(invalid(ip.child("type"), ltype, "must be a standard limit type or fully qualified"))
        else:
            errs += [invalid(ip.child("type"), ltype, m) for m in is_qualified_name(ltype)]
        if ltype in seen:
            errs.append(duplicate(ip.child("type"), ltype))
        seen.add(ltype)
        maxs, mins = item.max or {}, item.min or {}
        defaults, requests = item.default or {}, item.defaultRequest or {}
        keys = sorted(set(maxs) | set(mins) | set(defaults) | set(requests))
        for k in keys:
            mx, mn, df, dr = (_quantity_of(m, k) for m in (maxs, mins, defaults, requests))
            if mn is not None and mx is not None and mn > mx:
                errs.append(
                    invalid(
                        ip.child("min").key(k),
                        mins[k],
                        f"min value {mins[k]} is greater than max value {maxs[k]}",
                    )
                )
            if dr is not None and mn is not None and mn > dr:
                msg = f"min value {mins[k]} is greater than default request value {requests[k]}"
                errs.append(invalid(ip.child("defaultRequest").key(k), requests[k], msg))
            if dr is not None and mx is not None and dr > mx:
                msg = f"default request value {requests[k]} is greater than max value {maxs[k]}"
                errs.append(invalid(ip.child("defaultRequest").key(k), requests[k], msg))
            if dr is not None and df is not None and dr > df:
                msg = f"default request value {requests[k]} is greater than default limit value {defaults[k]}"
                errs.append(invalid(ip.child("defaultRequest").key(k), requests[k], msg))
            if df is not None and mn is not None and mn > df:
                msg = f"min value {mins[k]} is greater than default value {defaults[k]}"
                errs.append(invalid(ip.child("default").key(k), mins[k], msg))
            if df is not None and mx is not None and df > mx:
                msg = f"default value {defaults[k]} is greater than max value {maxs[k]}"
                errs.append(invalid(ip.child("default").key(k), maxs[k], msg))
    return errs


def _quantity_of(values: Mapping[str, str], key: str) -> Any:
    return parse_quantity(values[key])[0] if key in values else None


def validate_resource_quota(rq: Any) -> list[FieldError]:
    """``ValidateResourceQuota``: name; every ``spec.hard`` name a qualified name and every value
    non-negative."""
    errs = validate_object_meta(rq.metadata, True, name_is_dns_subdomain, Path("metadata"))
    hard = (rq.spec.hard if rq.spec else None) or {}
    for k in sorted(hard):
        kp = Path("spec", "hard").key(k)
        errs += [invalid(kp, k, m) for m in is_qualified_name(k)]
        if parse_quantity(hard[k])[0] < 0:
            errs.append(invalid(kp, hard[k], IS_NEGATIVE_ERROR_MSG))
    return errs
