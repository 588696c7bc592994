"""discovery/v1: EndpointSlice (kubernetes/kubernetes ``staging/src/k8s.io/api/discovery/v1/types.go``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import APIResource, K8sModel, Resource
from .core_v1 import ObjectReference
from .meta_v1 import ObjectMeta

__all__ = [
    "EndpointSlice",
    "Endpoint",
    "EndpointConditions",
    "EndpointHints",
    "ForZone",
    "ForNode",
    "EndpointPort",
]


class EndpointConditions(K8sModel):
    ready: StrictBool | None = None
    serving: StrictBool | None = None
    terminating: StrictBool | None = None


class ForZone(K8sModel):
    name: StrictStr


class ForNode(K8sModel):
    name: StrictStr


class EndpointHints(K8sModel):
    forZones: list[ForZone] | None = None
    forNodes: list[ForNode] | None = None


class Endpoint(K8sModel):
    addresses: list[StrictStr]
    conditions: EndpointConditions | None = None
    hostname: StrictStr | None = None
    targetRef: ObjectReference | None = None
    deprecatedTopology: dict[StrictStr, StrictStr] | None = None
    nodeName: StrictStr | None = None
    zone: StrictStr | None = None
    hints: EndpointHints | None = None


class EndpointPort(K8sModel):
    name: StrictStr | None = None
    protocol: StrictStr | None = None
    port: StrictInt | None = None
    appProtocol: StrictStr | None = None


class EndpointSlice(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice"
    )

    apiVersion: Literal["discovery.k8s.io/v1"] = "discovery.k8s.io/v1"
    kind: Literal["EndpointSlice"] = "EndpointSlice"
    metadata: ObjectMeta = ObjectMeta()
    addressType: StrictStr
    endpoints: list[Endpoint] | None = None
    ports: list[EndpointPort] | None = None
