"""discovery/v1: EndpointSlice (kubernetes/kubernetes ``staging/src/k8s.io/api/discovery/v1/types.go``)."""

from __future__ import annotations

from typing import ClassVar, Literal, Optional

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import K8sModel, Resource
from .core_v1 import ObjectReference
from .meta_v1 import ObjectMeta

__all__ = ["EndpointSlice", "Endpoint", "EndpointConditions", "EndpointHints", "ForZone", "ForNode", "EndpointPort"]


class EndpointConditions(K8sModel):
    ready: Optional[StrictBool] = None
    serving: Optional[StrictBool] = None
    terminating: Optional[StrictBool] = None


class ForZone(K8sModel):
    name: StrictStr


class ForNode(K8sModel):
    name: StrictStr


class EndpointHints(K8sModel):
    forZones: Optional[list[ForZone]] = None
    forNodes: Optional[list[ForNode]] = None


class Endpoint(K8sModel):
    addresses: list[StrictStr]
    conditions: Optional[EndpointConditions] = None
    hostname: Optional[StrictStr] = None
    targetRef: Optional[ObjectReference] = None
    deprecatedTopology: Optional[dict[StrictStr, StrictStr]] = None
    nodeName: Optional[StrictStr] = None
    zone: Optional[StrictStr] = None
    hints: Optional[EndpointHints] = None


class EndpointPort(K8sModel):
    name: Optional[StrictStr] = None
    protocol: Optional[StrictStr] = None
    port: Optional[StrictInt] = None
    appProtocol: Optional[StrictStr] = None


class EndpointSlice(Resource):
    plural: ClassVar[str] = "endpointslices"
    group: ClassVar[str] = "discovery.k8s.io"

    apiVersion: Literal["discovery.k8s.io/v1"] = "discovery.k8s.io/v1"
    kind: Literal["EndpointSlice"] = "EndpointSlice"
    metadata: ObjectMeta = ObjectMeta()
    addressType: StrictStr
    endpoints: Optional[list[Endpoint]] = None
    ports: Optional[list[EndpointPort]] = None
