"""networking.k8s.io/v1: ServiceCIDR and IPAddress, the objects behind ClusterIP allocation since v1.33
(kubernetes/kubernetes ``staging/src/k8s.io/api/networking/v1/types.go``; KEP-1880, GA in v1.33).

A ServiceCIDR is a range the API server allocates ClusterIPs from; the one named ``kubernetes`` mirrors
``--service-cluster-ip-range``. Each allocated ClusterIP is an IPAddress object named after the address, whose
``parentRef`` names the Service holding it. The API server writes both (see :mod:`k8snet.apiserver.ipaddress`).

>>> ip = IPAddress(metadata={"name": "10.96.0.10"}, spec={"parentRef": {"group": "", "resource": "services",
...     "namespace": "kube-system", "name": "kube-dns"}})
>>> ip.spec.parentRef.name, IPAddress.namespaced, ServiceCIDR.api_info.group_resource
('kube-dns', False, 'servicecidrs.networking.k8s.io')
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import StrictStr

from ._base import APIResource, K8sModel, Resource
from .core_v1 import Condition
from .meta_v1 import ObjectMeta

__all__ = [
    "ServiceCIDR",
    "ServiceCIDRSpec",
    "ServiceCIDRStatus",
    "IPAddress",
    "IPAddressSpec",
    "ParentReference",
    "LABEL_IP_ADDRESS_FAMILY",
    "LABEL_MANAGED_BY",
]

#: ``networkingv1.LabelIPAddressFamily`` (``well_known_labels.go``).
LABEL_IP_ADDRESS_FAMILY = "ipaddress.kubernetes.io/ip-family"
#: ``networkingv1.LabelManagedBy``.
LABEL_MANAGED_BY = "ipaddress.kubernetes.io/managed-by"


class ServiceCIDRSpec(K8sModel):
    cidrs: list[StrictStr] | None = None


class ServiceCIDRStatus(K8sModel):
    conditions: list[Condition] | None = None


class ServiceCIDR(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "networking.k8s.io", "v1", "ServiceCIDR", "servicecidrs", "servicecidr", namespaced=False
    )

    apiVersion: Literal["networking.k8s.io/v1"] = "networking.k8s.io/v1"
    kind: Literal["ServiceCIDR"] = "ServiceCIDR"
    metadata: ObjectMeta = ObjectMeta()
    spec: ServiceCIDRSpec | None = None
    status: ServiceCIDRStatus | None = None


class ParentReference(K8sModel):
    group: StrictStr | None = None
    resource: StrictStr | None = None
    namespace: StrictStr | None = None
    name: StrictStr | None = None


class IPAddressSpec(K8sModel):
    parentRef: ParentReference | None = None


class IPAddress(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "networking.k8s.io",
        "v1",
        "IPAddress",
        "ipaddresses",
        "ipaddress",
        short_names=("ip",),
        namespaced=False,
    )

    apiVersion: Literal["networking.k8s.io/v1"] = "networking.k8s.io/v1"
    kind: Literal["IPAddress"] = "IPAddress"
    metadata: ObjectMeta = ObjectMeta()
    spec: IPAddressSpec | None = None
