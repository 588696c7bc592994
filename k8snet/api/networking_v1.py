"""networking.k8s.io/v1 (kubernetes/kubernetes ``staging/src/k8s.io/api/networking/v1/types.go``).

Ingress, IngressClass, NetworkPolicy: stored, validated and printed as a v1.34 API server does. Simplified: no
ingress controller and no network policy enforcement run, so an Ingress never gets an address and a NetworkPolicy
does not change what the dataplane lets through. ``extensions/v1beta1`` and ``networking.k8s.io/v1beta1``
Ingresses are not served since v1.22.

ServiceCIDR and IPAddress, the objects behind ClusterIP allocation since v1.33 (KEP-1880, GA in v1.33): a
ServiceCIDR is a range the API server allocates ClusterIPs from; the one named ``kubernetes`` mirrors
``--service-cluster-ip-range``. Each allocated ClusterIP is an IPAddress object named after the address, whose
``parentRef`` names the Service holding it. The API server writes both (see :mod:`k8snet.apiserver.ipaddress`).

>>> ing = Ingress(metadata={"name": "web"}, spec={"rules": [{"host": "a.example.com", "http": {"paths": [
...     {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]})
>>> ing.spec.rules[0].http.paths[0].backend.service.port.number
80

>>> ip = IPAddress(metadata={"name": "10.96.0.10"}, spec={"parentRef": {"group": "", "resource": "services",
...     "namespace": "kube-system", "name": "kube-dns"}})
>>> ip.spec.parentRef.name, IPAddress.namespaced, ServiceCIDR.api_info.group_resource
('kube-dns', False, 'servicecidrs.networking.k8s.io')
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import ConfigDict, Field, StrictInt, StrictStr

from ._base import APIResource, IntOrString, K8sModel, Resource
from .core_v1 import Condition, PortStatus
from .meta_v1 import LabelSelector, ObjectMeta

__all__ = [
    "Ingress",
    "IngressSpec",
    "IngressStatus",
    "IngressRule",
    "HTTPIngressPath",
    "IngressBackend",
    "IngressServiceBackend",
    "ServiceBackendPort",
    "IngressTLS",
    "IngressClass",
    "IngressClassSpec",
    "NetworkPolicy",
    "NetworkPolicySpec",
    "NetworkPolicyIngressRule",
    "NetworkPolicyEgressRule",
    "NetworkPolicyPeer",
    "NetworkPolicyPort",
    "IPBlock",
    "ServiceCIDR",
    "ServiceCIDRSpec",
    "ServiceCIDRStatus",
    "IPAddress",
    "IPAddressSpec",
    "ParentReference",
    "LABEL_IP_ADDRESS_FAMILY",
    "LABEL_MANAGED_BY",
]


class ServiceBackendPort(K8sModel):
    name: StrictStr | None = None
    number: StrictInt | None = None


class IngressServiceBackend(K8sModel):
    name: StrictStr | None = None
    port: ServiceBackendPort | None = None


class TypedLocalObjectReference(K8sModel):
    apiGroup: StrictStr | None = None
    kind: StrictStr | None = None
    name: StrictStr | None = None


class IngressBackend(K8sModel):
    service: IngressServiceBackend | None = None
    resource: TypedLocalObjectReference | None = None


class HTTPIngressPath(K8sModel):
    path: StrictStr | None = None
    pathType: StrictStr | None = None
    backend: IngressBackend | None = None


class HTTPIngressRuleValue(K8sModel):
    paths: list[HTTPIngressPath] | None = None


class IngressRule(K8sModel):
    host: StrictStr | None = None
    http: HTTPIngressRuleValue | None = None


class IngressTLS(K8sModel):
    hosts: list[StrictStr] | None = None
    secretName: StrictStr | None = None


class IngressSpec(K8sModel):
    ingressClassName: StrictStr | None = None
    defaultBackend: IngressBackend | None = None
    tls: list[IngressTLS] | None = None
    rules: list[IngressRule] | None = None


class IngressLoadBalancerIngress(K8sModel):
    ip: StrictStr | None = None
    hostname: StrictStr | None = None
    ports: list[PortStatus] | None = None


class IngressLoadBalancerStatus(K8sModel):
    ingress: list[IngressLoadBalancerIngress] | None = None


class IngressStatus(K8sModel):
    loadBalancer: IngressLoadBalancerStatus | None = None


class Ingress(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", short_names=("ing",)
    )

    apiVersion: Literal["networking.k8s.io/v1"] = "networking.k8s.io/v1"
    kind: Literal["Ingress"] = "Ingress"
    metadata: ObjectMeta = ObjectMeta()
    spec: IngressSpec | None = None
    status: IngressStatus | None = None


class IngressClassParametersReference(K8sModel):
    apiGroup: StrictStr | None = None
    kind: StrictStr | None = None
    name: StrictStr | None = None
    scope: StrictStr | None = None
    namespace: StrictStr | None = None


class IngressClassSpec(K8sModel):
    controller: StrictStr | None = None
    parameters: IngressClassParametersReference | None = None


class IngressClass(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", namespaced=False
    )

    apiVersion: Literal["networking.k8s.io/v1"] = "networking.k8s.io/v1"
    kind: Literal["IngressClass"] = "IngressClass"
    metadata: ObjectMeta = ObjectMeta()
    spec: IngressClassSpec | None = None


#: ``from`` and ``except`` are Python keywords: the fields are named ``from_``/``except_`` and answer only to the
#: JSON name in manifests (a manifest writing ``from_`` has an unknown field, as on a real server).
_KEYWORD_FIELDS = ConfigDict(extra="forbid", strict=True, populate_by_name=False)


class IPBlock(K8sModel):
    model_config = _KEYWORD_FIELDS

    cidr: StrictStr | None = None
    except_: list[StrictStr] | None = Field(default=None, alias="except")


class NetworkPolicyPeer(K8sModel):
    podSelector: LabelSelector | None = None
    namespaceSelector: LabelSelector | None = None
    ipBlock: IPBlock | None = None


class NetworkPolicyPort(K8sModel):
    protocol: StrictStr | None = None
    port: IntOrString | None = None
    endPort: StrictInt | None = None


class NetworkPolicyIngressRule(K8sModel):
    model_config = _KEYWORD_FIELDS

    ports: list[NetworkPolicyPort] | None = None
    from_: list[NetworkPolicyPeer] | None = Field(default=None, alias="from")


class NetworkPolicyEgressRule(K8sModel):
    ports: list[NetworkPolicyPort] | None = None
    to: list[NetworkPolicyPeer] | None = None


class NetworkPolicySpec(K8sModel):
    podSelector: LabelSelector | None = None
    ingress: list[NetworkPolicyIngressRule] | None = None
    egress: list[NetworkPolicyEgressRule] | None = None
    policyTypes: list[StrictStr] | None = None


class NetworkPolicy(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        "networkpolicy",
        short_names=("netpol",),
    )

    apiVersion: Literal["networking.k8s.io/v1"] = "networking.k8s.io/v1"
    kind: Literal["NetworkPolicy"] = "NetworkPolicy"
    metadata: ObjectMeta = ObjectMeta()
    spec: NetworkPolicySpec | None = None


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
