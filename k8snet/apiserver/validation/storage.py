"""Validation of storage.k8s.io/v1 StorageClasses.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/storage/validation/validation.go``: ``ValidateStorageClass``
(a provisioner that is a qualified name, parameters, the reclaim policy, the volume binding mode) and
``ValidateStorageClassUpdate`` (parameters, provisioner, reclaim policy and binding mode cannot change).

>>> from k8snet.api.storage_v1 import StorageClass
>>> sc = StorageClass(metadata={"name": "fast"}, reclaimPolicy="Delete", volumeBindingMode="Immediate")
>>> [str(e) for e in validate_storage_class(sc)]
['provisioner: Required value']
"""

from __future__ import annotations

from typing import Any

from ..field import FieldError, Path, forbidden, invalid, not_supported, required, too_long
from .generic import name_is_dns_subdomain
from .objectmeta import FIELD_IMMUTABLE_ERROR_MSG, validate_object_meta, validate_object_meta_update
from .util import is_qualified_name

__all__ = ["validate_storage_class", "validate_storage_class_update"]

_MAX_PARAMETERS_SIZE = 256 * 1024
_MAX_PROVISIONER_PARAMETERS = 512


def validate_storage_class(sc: Any) -> list[FieldError]:
    """``ValidateStorageClass``."""
    errs = validate_object_meta(sc.metadata, False, name_is_dns_subdomain, Path("metadata"))
    provisioner = sc.provisioner or ""
    if not provisioner:
        errs.append(required(Path("provisioner"), provisioner))
    else:
        errs += [
            invalid(Path("provisioner"), provisioner.lower(), m)
            for m in is_qualified_name(provisioner.lower())
        ]
    params = sc.parameters or {}
    if len(params) > _MAX_PROVISIONER_PARAMETERS:
        errs.append(too_long(Path("parameters"), "", _MAX_PROVISIONER_PARAMETERS))
    size = 0
    for k in sorted(params):
        if not k:
            errs.append(invalid(Path("parameters"), k, "field can not be empty."))
        size += len(k) + len(params[k])
    if size > _MAX_PARAMETERS_SIZE:
        errs.append(too_long(Path("parameters"), "", _MAX_PARAMETERS_SIZE))
    if sc.reclaimPolicy is not None and sc.reclaimPolicy not in ("Delete", "Retain"):
        errs.append(not_supported(Path("reclaimPolicy"), sc.reclaimPolicy, ["Delete", "Retain"]))
    if sc.volumeBindingMode is None:
        errs.append(required(Path("volumeBindingMode")))
    elif sc.volumeBindingMode not in ("Immediate", "WaitForFirstConsumer"):
        errs.append(
            not_supported(
                Path("volumeBindingMode"), sc.volumeBindingMode, ["Immediate", "WaitForFirstConsumer"]
            )
        )
    return errs


def validate_storage_class_update(sc: Any, old: Any) -> list[FieldError]:
    """``ValidateStorageClassUpdate``."""
    errs = validate_object_meta_update(sc.metadata, old.metadata, Path("metadata"))
    if (sc.parameters or {}) != (old.parameters or {}):
        errs.append(forbidden(Path("parameters"), "updates to parameters are forbidden."))
    if (sc.provisioner or "") != (old.provisioner or ""):
        errs.append(forbidden(Path("provisioner"), "updates to provisioner are forbidden."))
    if sc.reclaimPolicy != old.reclaimPolicy:
        errs.append(forbidden(Path("reclaimPolicy"), "updates to reclaimPolicy are forbidden."))
    if sc.volumeBindingMode != old.volumeBindingMode:
        errs.append(invalid(Path("volumeBindingMode"), sc.volumeBindingMode, FIELD_IMMUTABLE_ERROR_MSG))
    return errs + validate_storage_class(sc)
