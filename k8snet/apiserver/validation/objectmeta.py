"""``metadata`` on create and on update: name, generateName, namespace, generation, labels, annotations.

A port of k8s.io/apimachinery ``pkg/api/validation/objectmeta.go`` (``ValidateObjectMeta``,
``ValidateObjectMetaUpdate``, ``ValidateAnnotations``, ``FieldImmutableErrorMsg``). Simplified:
ownerReferences, finalizers and managedFields are not checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..field import FieldError, Path, forbidden, invalid, required, too_long
from .generic import IS_NEGATIVE_ERROR_MSG, NameFunc, name_is_dns_label
from .meta_v1 import validate_labels
from .util import is_qualified_name

__all__ = [
    "FIELD_IMMUTABLE_ERROR_MSG",
    "validate_annotations",
    "validate_object_meta",
    "validate_object_meta_update",
]

FIELD_IMMUTABLE_ERROR_MSG = "field is immutable"
_TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)


def validate_annotations(annotations: Mapping[str, str] | None, path: Path) -> list[FieldError]:
    """``ValidateAnnotations``: every key a qualified name (in any case), at most 256 kB in all.

    >>> [str(e) for e in validate_annotations({"a/b/c": "x"}, Path("metadata", "annotations"))][0][:50]
    'metadata.annotations: Invalid value: "a/b/c": a qu'
    """
    errs: list[FieldError] = []
    total = 0
    for k, v in (annotations or {}).items():
        # "The rule is QualifiedName except that case doesn't matter" (objectmeta.go)
        errs += [invalid(path, k, m) for m in is_qualified_name(k.lower())]
        total += len(k) + len(v)
    if total > _TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(too_long(path, "", _TOTAL_ANNOTATION_SIZE_LIMIT))
    return errs


def validate_object_meta(
    meta: Any, requires_namespace: bool, name_fn: NameFunc, path: Path | None = None
) -> list[FieldError]:
    """``ValidateObjectMeta``: generateName, name, namespace, generation, labels, annotations.

    Simplified: ownerReferences, finalizers and managedFields are not checked.

    >>> from k8snet.api.meta_v1 import ObjectMeta
    >>> from k8snet.apiserver.validation.generic import name_is_dns1035_label
    >>> [str(e) for e in validate_object_meta(ObjectMeta(namespace="default"), True, name_is_dns1035_label)]
    ['metadata.name: Required value: name or generateName is required']
    """
    path = path or Path("metadata")
    errs: list[FieldError] = []
    gen = meta.generateName or ""
    if gen:
        errs += [invalid(path.child("generateName"), gen, m) for m in name_fn(gen, True)]
    name = meta.name or ""
    if not name:
        errs.append(required(path.child("name"), "name or generateName is required"))
    else:
        errs += [invalid(path.child("name"), name, m) for m in name_fn(name, False)]
    ns = meta.namespace or ""
    if requires_namespace:
        if not ns:
            errs.append(required(path.child("namespace")))
        else:
            errs += [invalid(path.child("namespace"), ns, m) for m in name_is_dns_label(ns, False)]
    elif ns:
        errs.append(forbidden(path.child("namespace"), "not allowed on this type"))
    if (meta.generation or 0) < 0:
        errs.append(invalid(path.child("generation"), meta.generation, IS_NEGATIVE_ERROR_MSG))
    errs += validate_labels(meta.labels, path.child("labels"))
    errs += validate_annotations(meta.annotations, path.child("annotations"))
    return errs


def _immutable(new: Any, old: Any, path: Path) -> list[FieldError]:
    if new != old:
        return [invalid(path, new, FIELD_IMMUTABLE_ERROR_MSG)]
    return []


def validate_object_meta_update(new: Any, old: Any, path: Path | None = None) -> list[FieldError]:
    """``ValidateObjectMetaUpdate``: name, namespace, uid, creationTimestamp are immutable; resourceVersion
    must be set (the real server copies the stored one into an unconditional update before validating).

    >>> from k8snet.api.meta_v1 import ObjectMeta
    >>> old = ObjectMeta(name="a", namespace="default", resourceVersion="1")
    >>> [str(e) for e in validate_object_meta_update(ObjectMeta(name="b", namespace="default", resourceVersion="1"), old)]
    ['metadata.name: Invalid value: "b": field is immutable']
    """
    path = path or Path("metadata")
    errs: list[FieldError] = []
    if not new.resourceVersion:
        errs.append(
            invalid(
                path.child("resourceVersion"), new.resourceVersion or "", "must be specified for an update"
            )
        )
    if (new.generation or 0) < (old.generation or 0):
        errs.append(invalid(path.child("generation"), new.generation or 0, "must not be decremented"))
    errs += _immutable(new.name or "", old.name or "", path.child("name"))
    errs += _immutable(new.namespace or "", old.namespace or "", path.child("namespace"))
    errs += _immutable(new.uid or "", old.uid or "", path.child("uid"))
    if new.creationTimestamp != old.creationTimestamp:
        ts = new.creationTimestamp
        errs.append(
            invalid(
                path.child("creationTimestamp"),
                ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts else None,
                FIELD_IMMUTABLE_ERROR_MSG,
            )
        )
    errs += validate_labels(new.labels, path.child("labels"))
    errs += validate_annotations(new.annotations, path.child("annotations"))
    return errs
