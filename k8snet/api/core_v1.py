"""core/v1: Service, Endpoints, Pod, Node, Namespace, Event (kubernetes/kubernetes ``staging/src/k8s.io/api/core/v1/types.go``).

Only the fields a lesson on Service networking touches are typed in detail; other fields of Pods and containers
that real manifests carry (volumes, env, resources, securityContext, ...) are accepted as opaque values so a real
manifest still loads, and are kept verbatim.

>>> svc = Service(metadata={"name": "web"}, spec={"selector": {"app": "web"}, "ports": [{"port": 80}]})
>>> svc.spec.ports[0].port, svc.spec.type is None
(80, True)
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Optional

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import IntOrString, K8sModel, Resource, Time
from .meta_v1 import LabelSelector, ObjectMeta

__all__ = [
    "Service", "ServiceSpec", "ServicePort", "ServiceStatus", "LoadBalancerStatus", "LoadBalancerIngress",
    "PortStatus", "SessionAffinityConfig", "ClientIPConfig",
    "Pod", "PodSpec", "PodTemplateSpec", "Container", "ContainerPort", "Probe", "PodStatus", "PodCondition", "PodIP",
    "ContainerStatus", "HostIP",
    "Node", "NodeSpec", "NodeStatus", "NodeAddress", "NodeCondition", "NodeSystemInfo", "Taint",
    "Endpoints", "EndpointSubset", "EndpointAddress", "EndpointPort", "ObjectReference",
    "Namespace", "NamespaceSpec", "NamespaceStatus", "Event", "EventSource",
]


class ObjectReference(K8sModel):
    kind: Optional[StrictStr] = None
    namespace: Optional[StrictStr] = None
    name: Optional[StrictStr] = None
    uid: Optional[StrictStr] = None
    apiVersion: Optional[StrictStr] = None
    resourceVersion: Optional[StrictStr] = None
    fieldPath: Optional[StrictStr] = None


# --- Service ---------------------------------------------------------------------------------------------------


class ServicePort(K8sModel):
    name: Optional[StrictStr] = None
    protocol: Optional[StrictStr] = None
    appProtocol: Optional[StrictStr] = None
    port: Optional[StrictInt] = None
    targetPort: Optional[IntOrString] = None
    nodePort: Optional[StrictInt] = None


class ClientIPConfig(K8sModel):
    timeoutSeconds: Optional[StrictInt] = None


class SessionAffinityConfig(K8sModel):
    clientIP: Optional[ClientIPConfig] = None


class ServiceSpec(K8sModel):
    ports: Optional[list[ServicePort]] = None
    selector: Optional[dict[StrictStr, StrictStr]] = None
    clusterIP: Optional[StrictStr] = None
    clusterIPs: Optional[list[StrictStr]] = None
    type: Optional[StrictStr] = None
    externalIPs: Optional[list[StrictStr]] = None
    sessionAffinity: Optional[StrictStr] = None
    loadBalancerIP: Optional[StrictStr] = None
    loadBalancerSourceRanges: Optional[list[StrictStr]] = None
    externalName: Optional[StrictStr] = None
    externalTrafficPolicy: Optional[StrictStr] = None
    healthCheckNodePort: Optional[StrictInt] = None
    publishNotReadyAddresses: Optional[StrictBool] = None
    sessionAffinityConfig: Optional[SessionAffinityConfig] = None
    ipFamilies: Optional[list[StrictStr]] = None
    ipFamilyPolicy: Optional[StrictStr] = None
    allocateLoadBalancerNodePorts: Optional[StrictBool] = None
    loadBalancerClass: Optional[StrictStr] = None
    internalTrafficPolicy: Optional[StrictStr] = None
    trafficDistribution: Optional[StrictStr] = None


class PortStatus(K8sModel):
    port: StrictInt
    protocol: StrictStr
    error: Optional[StrictStr] = None


class LoadBalancerIngress(K8sModel):
    ip: Optional[StrictStr] = None
    hostname: Optional[StrictStr] = None
    ipMode: Optional[StrictStr] = None
    ports: Optional[list[PortStatus]] = None


class LoadBalancerStatus(K8sModel):
    ingress: Optional[list[LoadBalancerIngress]] = None


class Condition(K8sModel):
    """``metav1.Condition`` as Service status carries it."""

    _go_types = {"observedGeneration": "int64"}

    type: StrictStr
    status: StrictStr
    observedGeneration: Optional[StrictInt] = None
    lastTransitionTime: Optional[Time] = None
    reason: Optional[StrictStr] = None
    message: Optional[StrictStr] = None


class ServiceStatus(K8sModel):
    loadBalancer: Optional[LoadBalancerStatus] = None
    conditions: Optional[list[Condition]] = None


class Service(Resource):
    plural: ClassVar[str] = "services"

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Service"] = "Service"
    metadata: ObjectMeta = ObjectMeta()
    spec: Optional[ServiceSpec] = None
    status: Optional[ServiceStatus] = None


# --- Endpoints (legacy) ----------------------------------------------------------------------------------------


class EndpointAddress(K8sModel):
    ip: StrictStr
    hostname: Optional[StrictStr] = None
    nodeName: Optional[StrictStr] = None
    targetRef: Optional[ObjectReference] = None


class EndpointPort(K8sModel):
    name: Optional[StrictStr] = None
    port: StrictInt
    protocol: Optional[StrictStr] = None
    appProtocol: Optional[StrictStr] = None


class EndpointSubset(K8sModel):
    addresses: Optional[list[EndpointAddress]] = None
    notReadyAddresses: Optional[list[EndpointAddress]] = None
    ports: Optional[list[EndpointPort]] = None


class Endpoints(Resource):
    plural: ClassVar[str] = "endpoints"

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Endpoints"] = "Endpoints"
    metadata: ObjectMeta = ObjectMeta()
    subsets: Optional[list[EndpointSubset]] = None


# --- Pod -------------------------------------------------------------------------------------------------------


class ContainerPort(K8sModel):
    name: Optional[StrictStr] = None
    hostPort: Optional[StrictInt] = None
    containerPort: StrictInt
    protocol: Optional[StrictStr] = None
    hostIP: Optional[StrictStr] = None


class Probe(K8sModel):
    exec: Optional[dict[str, Any]] = None
    httpGet: Optional[dict[str, Any]] = None
    tcpSocket: Optional[dict[str, Any]] = None
    grpc: Optional[dict[str, Any]] = None
    initialDelaySeconds: Optional[StrictInt] = None
    timeoutSeconds: Optional[StrictInt] = None
    periodSeconds: Optional[StrictInt] = None
    successThreshold: Optional[StrictInt] = None
    failureThreshold: Optional[StrictInt] = None
    terminationGracePeriodSeconds: Optional[StrictInt] = None


class Container(K8sModel):
    name: StrictStr
    image: Optional[StrictStr] = None
    command: Optional[list[StrictStr]] = None
    args: Optional[list[StrictStr]] = None
    workingDir: Optional[StrictStr] = None
    ports: Optional[list[ContainerPort]] = None
    envFrom: Optional[list[Any]] = None
    env: Optional[list[Any]] = None
    resources: Optional[dict[str, Any]] = None
    resizePolicy: Optional[list[Any]] = None
    restartPolicy: Optional[StrictStr] = None
    volumeMounts: Optional[list[Any]] = None
    volumeDevices: Optional[list[Any]] = None
    livenessProbe: Optional[Probe] = None
    readinessProbe: Optional[Probe] = None
    startupProbe: Optional[Probe] = None
    lifecycle: Optional[dict[str, Any]] = None
    terminationMessagePath: Optional[StrictStr] = None
    terminationMessagePolicy: Optional[StrictStr] = None
    imagePullPolicy: Optional[StrictStr] = None
    securityContext: Optional[dict[str, Any]] = None
    stdin: Optional[StrictBool] = None
    stdinOnce: Optional[StrictBool] = None
    tty: Optional[StrictBool] = None


class PodSpec(K8sModel):
    _go_types = {"terminationGracePeriodSeconds": "int64", "activeDeadlineSeconds": "int64"}

    containers: list[Container]
    initContainers: Optional[list[Container]] = None
    volumes: Optional[list[Any]] = None
    restartPolicy: Optional[StrictStr] = None
    terminationGracePeriodSeconds: Optional[StrictInt] = None
    activeDeadlineSeconds: Optional[StrictInt] = None
    dnsPolicy: Optional[StrictStr] = None
    nodeSelector: Optional[dict[StrictStr, StrictStr]] = None
    serviceAccountName: Optional[StrictStr] = None
    serviceAccount: Optional[StrictStr] = None
    automountServiceAccountToken: Optional[StrictBool] = None
    nodeName: Optional[StrictStr] = None
    hostNetwork: Optional[StrictBool] = None
    hostPID: Optional[StrictBool] = None
    hostIPC: Optional[StrictBool] = None
    securityContext: Optional[dict[str, Any]] = None
    imagePullSecrets: Optional[list[Any]] = None
    hostname: Optional[StrictStr] = None
    subdomain: Optional[StrictStr] = None
    affinity: Optional[dict[str, Any]] = None
    schedulerName: Optional[StrictStr] = None
    tolerations: Optional[list[Any]] = None
    hostAliases: Optional[list[Any]] = None
    priorityClassName: Optional[StrictStr] = None
    priority: Optional[StrictInt] = None
    dnsConfig: Optional[dict[str, Any]] = None
    readinessGates: Optional[list[Any]] = None
    runtimeClassName: Optional[StrictStr] = None
    enableServiceLinks: Optional[StrictBool] = None
    preemptionPolicy: Optional[StrictStr] = None
    topologySpreadConstraints: Optional[list[Any]] = None
    setHostnameAsFQDN: Optional[StrictBool] = None
    shareProcessNamespace: Optional[StrictBool] = None


class PodCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    observedGeneration: Optional[StrictInt] = None
    lastProbeTime: Optional[Time] = None
    lastTransitionTime: Optional[Time] = None
    reason: Optional[StrictStr] = None
    message: Optional[StrictStr] = None


class PodIP(K8sModel):
    ip: StrictStr


class HostIP(K8sModel):
    ip: StrictStr


class ContainerStatus(K8sModel):
    name: StrictStr
    state: Optional[dict[str, Any]] = None
    lastState: Optional[dict[str, Any]] = None
    ready: StrictBool = False
    restartCount: StrictInt = 0
    image: Optional[StrictStr] = None
    imageID: Optional[StrictStr] = None
    containerID: Optional[StrictStr] = None
    started: Optional[StrictBool] = None


class PodStatus(K8sModel):
    phase: Optional[StrictStr] = None
    conditions: Optional[list[PodCondition]] = None
    message: Optional[StrictStr] = None
    reason: Optional[StrictStr] = None
    hostIP: Optional[StrictStr] = None
    hostIPs: Optional[list[HostIP]] = None
    podIP: Optional[StrictStr] = None
    podIPs: Optional[list[PodIP]] = None
    startTime: Optional[Time] = None
    containerStatuses: Optional[list[ContainerStatus]] = None
    initContainerStatuses: Optional[list[ContainerStatus]] = None
    qosClass: Optional[StrictStr] = None
    observedGeneration: Optional[StrictInt] = None


class PodTemplateSpec(K8sModel):
    metadata: Optional[ObjectMeta] = None
    spec: Optional[PodSpec] = None


class Pod(Resource):
    plural: ClassVar[str] = "pods"

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Pod"] = "Pod"
    metadata: ObjectMeta = ObjectMeta()
    spec: Optional[PodSpec] = None
    status: Optional[PodStatus] = None

    def is_ready(self) -> bool:
        """The ``Ready`` condition is ``True`` (``podutil.IsPodReady``)."""
        for c in (self.status.conditions if self.status else None) or []:
            if c.type == "Ready":
                return c.status == "True"
        return False


# --- Node ------------------------------------------------------------------------------------------------------


class Taint(K8sModel):
    key: StrictStr
    value: Optional[StrictStr] = None
    effect: StrictStr
    timeAdded: Optional[Time] = None


class NodeSpec(K8sModel):
    podCIDR: Optional[StrictStr] = None
    podCIDRs: Optional[list[StrictStr]] = None
    providerID: Optional[StrictStr] = None
    unschedulable: Optional[StrictBool] = None
    taints: Optional[list[Taint]] = None


class NodeAddress(K8sModel):
    type: StrictStr
    address: StrictStr


class NodeCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    lastHeartbeatTime: Optional[Time] = None
    lastTransitionTime: Optional[Time] = None
    reason: Optional[StrictStr] = None
    message: Optional[StrictStr] = None


class NodeSystemInfo(K8sModel):
    machineID: StrictStr = ""
    systemUUID: StrictStr = ""
    bootID: StrictStr = ""
    kernelVersion: StrictStr = ""
    osImage: StrictStr = ""
    containerRuntimeVersion: StrictStr = ""
    kubeletVersion: StrictStr = ""
    kubeProxyVersion: Optional[StrictStr] = None
    operatingSystem: StrictStr = ""
    architecture: StrictStr = ""
    swap: Optional[dict[str, Any]] = None


class NodeStatus(K8sModel):
    capacity: Optional[dict[StrictStr, StrictStr]] = None
    allocatable: Optional[dict[StrictStr, StrictStr]] = None
    phase: Optional[StrictStr] = None
    conditions: Optional[list[NodeCondition]] = None
    addresses: Optional[list[NodeAddress]] = None
    daemonEndpoints: Optional[dict[str, Any]] = None
    nodeInfo: Optional[NodeSystemInfo] = None
    images: Optional[list[Any]] = None
    volumesInUse: Optional[list[StrictStr]] = None
    volumesAttached: Optional[list[Any]] = None
    config: Optional[dict[str, Any]] = None
    runtimeHandlers: Optional[list[Any]] = None
    features: Optional[dict[str, Any]] = None


class Node(Resource):
    namespaced: ClassVar[bool] = False
    plural: ClassVar[str] = "nodes"

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Node"] = "Node"
    metadata: ObjectMeta = ObjectMeta()
    spec: Optional[NodeSpec] = None
    status: Optional[NodeStatus] = None

    def address(self, type_: str = "InternalIP") -> Optional[str]:
        """The first ``status.addresses`` entry of ``type_`` (``InternalIP``, ``ExternalIP``, ``Hostname``)."""
        for a in (self.status.addresses if self.status else None) or []:
            if a.type == type_:
                return a.address
        return None

    def is_ready(self) -> bool:
        for c in (self.status.conditions if self.status else None) or []:
            if c.type == "Ready":
                return c.status == "True"
        return False


# --- Namespace, Event ------------------------------------------------------------------------------------------


class NamespaceSpec(K8sModel):
    finalizers: Optional[list[StrictStr]] = None


class NamespaceStatus(K8sModel):
    phase: Optional[StrictStr] = None
    conditions: Optional[list[Any]] = None


class Namespace(Resource):
    namespaced: ClassVar[bool] = False
    plural: ClassVar[str] = "namespaces"

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Namespace"] = "Namespace"
    metadata: ObjectMeta = ObjectMeta()
    spec: Optional[NamespaceSpec] = None
    status: Optional[NamespaceStatus] = None


class EventSource(K8sModel):
    component: Optional[StrictStr] = None
    host: Optional[StrictStr] = None


class Event(Resource):
    plural: ClassVar[str] = "events"

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Event"] = "Event"
    metadata: ObjectMeta = ObjectMeta()
    involvedObject: ObjectReference = ObjectReference()
    reason: Optional[StrictStr] = None
    message: Optional[StrictStr] = None
    source: Optional[EventSource] = None
    firstTimestamp: Optional[Time] = None
    lastTimestamp: Optional[Time] = None
    count: Optional[StrictInt] = None
    type: Optional[StrictStr] = None
    eventTime: Optional[Any] = None
    series: Optional[dict[str, Any]] = None
    action: Optional[StrictStr] = None
    related: Optional[ObjectReference] = None
    reportingComponent: Optional[StrictStr] = None
    reportingInstance: Optional[StrictStr] = None
