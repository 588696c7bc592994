"""Kubernetes API objects as pydantic v2 models, by group and version (``core_v1``, ``apps_v1``, ``discovery_v1``,
``meta_v1``), with the Kubernetes field names verbatim.

``KINDS`` maps ``(apiVersion, kind)`` to the model class, the way a scheme maps a GroupVersionKind to a Go type.
:mod:`k8snet.api.labels` holds label selectors (k8s.io/apimachinery ``pkg/labels``).

>>> KINDS[("v1", "Service")].__name__
'Service'
"""

from . import apps_v1, core_v1, discovery_v1, meta_v1
from ._base import K8sModel, Resource

__all__ = ["KINDS", "K8sModel", "Resource", "apps_v1", "core_v1", "discovery_v1", "meta_v1", "kind_class"]

KINDS: dict[tuple[str, str], type[Resource]] = {
    ("v1", "Service"): core_v1.Service,
    ("v1", "Endpoints"): core_v1.Endpoints,
    ("v1", "Pod"): core_v1.Pod,
    ("v1", "Node"): core_v1.Node,
    ("v1", "Namespace"): core_v1.Namespace,
    ("v1", "Event"): core_v1.Event,
    ("apps/v1", "Deployment"): apps_v1.Deployment,
    ("apps/v1", "ReplicaSet"): apps_v1.ReplicaSet,
    ("discovery.k8s.io/v1", "EndpointSlice"): discovery_v1.EndpointSlice,
}


def kind_class(kind: str) -> type[Resource]:
    """The model class for a kind name (``"Service"``), whatever its group.

    >>> kind_class("EndpointSlice").model_fields["apiVersion"].default
    'discovery.k8s.io/v1'
    """
    for (_, k), cls in KINDS.items():
        if k == kind:
            return cls
    raise KeyError(kind)
