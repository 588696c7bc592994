"""Kubernetes API objects as pydantic v2 models, by group and version (``core_v1``, ``apps_v1``, ``discovery_v1``,
``meta_v1``, ``batch_v1``, ``autoscaling_v2``, ``policy_v1``, ``networking_v1``, ``rbac_v1``, ``storage_v1``,
``scheduling_v1``, ``coordination_v1``, ``admissionregistration_v1``, ``apiextensions_v1``, ``node_v1``: every
kind a user meets in real manifests), with the Kubernetes field names verbatim. :mod:`k8snet.api.quantity` parses
and prints ``resource.Quantity`` values.

Each top-level kind carries its resource metadata (:class:`APIResource`: group, version, kind, plural, singular,
short names, namespaced); :mod:`k8snet.api.registry` is the one table of them: ``KINDS`` maps ``(apiVersion, kind)``
to the model class, the way a scheme maps a GroupVersionKind to a Go type, :func:`kind_class` finds a class by kind
and :func:`resource_class` by any name kubectl accepts.
:mod:`k8snet.api.labels` holds label selectors (k8s.io/apimachinery ``pkg/labels``). Stored objects are read-only
(:func:`freeze`, :func:`is_frozen`): change a copy.

>>> KINDS[("v1", "Service")].__name__
'Service'
>>> resource_class("svc") is kind_class("Service") is core_v1.Service
True
"""

from . import (
    admissionregistration_v1,
    apiextensions_v1,
    apps_v1,
    autoscaling_v2,
    batch_v1,
    coordination_v1,
    core_v1,
    discovery_v1,
    meta_v1,
    networking_v1,
    node_v1,
    policy_v1,
    rbac_v1,
    scheduling_v1,
    storage_v1,
)
from ._base import APIResource, K8sModel, ReadOnlyObjectError, Resource, freeze, is_frozen
from .registry import KINDS, RESOURCES, category, kind_class, resource_class

__all__ = [
    "APIResource",
    "KINDS",
    "K8sModel",
    "RESOURCES",
    "ReadOnlyObjectError",
    "Resource",
    "admissionregistration_v1",
    "apiextensions_v1",
    "apps_v1",
    "autoscaling_v2",
    "batch_v1",
    "category",
    "coordination_v1",
    "core_v1",
    "discovery_v1",
    "freeze",
    "is_frozen",
    "kind_class",
    "meta_v1",
    "networking_v1",
    "node_v1",
    "policy_v1",
    "rbac_v1",
    "resource_class",
    "scheduling_v1",
    "storage_v1",
]
