"""The one registry of resources: every kind k8snet models, found by kind, by ``(apiVersion, kind)`` or by any name
kubectl accepts.

The table is read from the model classes themselves: each top-level kind declares its
:class:`~k8snet.api._base.APIResource` as ``api_info``, as lightkube attaches ``ApiInfo`` to its resource classes
(gtsystem/lightkube ``src/lightkube/core/resource.py``, looked up by ``src/lightkube/core/resource_registry.py``).
kubectl resolves ``svc`` or ``deployments.apps`` here (the RESTMapper's job in k8s.io/client-go ``restmapper``),
the API server names a resource in its errors (``deployments.apps "x" not found``) and the manifest loader maps
``apiVersion``/``kind`` to a class (a scheme's GroupVersionKind → type). Adding a kind is adding one class with its
``api_info`` to a module imported below.

Kinds are kept in the order discovery lists them: the core group first, then the named groups (by name), and by
resource name within a group. ``kubectl get all`` prints a category's kinds in that order; for the groups of the
``all`` category (``apps``, ``autoscaling``, ``batch``) the order by name is also the order of the aggregator's
group priorities, so ``get all`` lists pods, replication controllers, services, daemon sets ... cron jobs, jobs as a
real cluster does.

>>> kind_class("Service").api_info.group_resource, resource_class("deploy").api_info.kind
('services', 'Deployment')
>>> KINDS[("discovery.k8s.io/v1", "EndpointSlice")].__name__
'EndpointSlice'
>>> [c.api_info.kind for c in category("all")]  # doctest: +NORMALIZE_WHITESPACE
['Pod', 'ReplicationController', 'Service', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet',
 'HorizontalPodAutoscaler', 'CronJob', 'Job']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# every model module is imported before the table is read, so every kind is declared
from . import (  # noqa: F401
    admissionregistration_v1,
    apiextensions_v1,
    apps_v1,
    autoscaling_v2,
    batch_v1,
    coordination_v1,
    core_v1,
    discovery_v1,
    networking_v1,
    node_v1,
    policy_v1,
    rbac_v1,
    scheduling_v1,
    storage_v1,
)
from ._base import APIResource, Resource

__all__ = ["KINDS", "RESOURCES", "kind_class", "resource_class", "category"]


def _declared(base: type[Resource]) -> list[type[Resource]]:
    """Every subclass of ``base`` that declares its own ``api_info``, depth first."""
    out = []
    for cls in base.__subclasses__():
        if "api_info" in cls.__dict__:
            out.append(cls)
        out.extend(_declared(cls))
    return out


def _discovery_order(cls: type[Resource]) -> tuple[bool, str, str]:
    info = cls.api_info
    return (info.group != "", info.group, info.plural)


#: Every kind modelled, in discovery order.
RESOURCES: tuple[type[Resource], ...] = tuple(sorted(_declared(Resource), key=_discovery_order))

#: ``(apiVersion, kind)`` → model class, the way a scheme maps a GroupVersionKind to a Go type.
KINDS: dict[tuple[str, str], type[Resource]] = {
    (c.api_info.api_version, c.api_info.kind): c for c in RESOURCES
}


def _index(key: str, values: Callable[[APIResource], Iterable[str]]) -> dict[str, type[Resource]]:
    """``value → class`` for every value a kind declares; two kinds declaring one value is a bug in the models."""
    out: dict[str, type[Resource]] = {}
    for cls in RESOURCES:
        for value in values(cls.api_info):
            if value in out:
                raise TypeError(f"{key} {value!r} is declared by {out[value].__name__} and {cls.__name__}")
            out[value] = cls
    return out


_BY_KIND = _index("kind", lambda info: [info.kind])
_BY_NAME = _index("resource name", lambda info: info.names)


def kind_class(kind: str) -> type[Resource]:
    """The model class for a kind name (``"Service"``), whatever its group; :class:`KeyError` if unknown.

    >>> kind_class("EndpointSlice").model_fields["apiVersion"].default
    'discovery.k8s.io/v1'
    """
    return _BY_KIND[kind]


def resource_class(name: str) -> type[Resource] | None:
    """The model class for any name kubectl accepts for a resource type, case-insensitively: plural, singular,
    short name, or ``plural.group``/``singular.group``; ``None`` if no kind answers to it.

    >>> [resource_class(n).__name__ for n in ("svc", "Pods", "deployments.apps", "endpointslice")]
    ['Service', 'Pod', 'Deployment', 'EndpointSlice']
    >>> resource_class("foo") is None
    True
    """
    return _BY_NAME.get(name.lower())


def category(name: str) -> list[type[Resource]]:
    """The kinds in a category (``all``: what ``kubectl get all`` lists), in discovery order."""
    return [c for c in RESOURCES if name in c.api_info.categories]
