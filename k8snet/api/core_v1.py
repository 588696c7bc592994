"""core/v1: Service, Endpoints, Pod, Node, Namespace, Event, and the other kinds of the core group a v1.34 API server
serves: ConfigMap, Secret, ServiceAccount, PersistentVolume(Claim), ReplicationController, PodTemplate, LimitRange,
ResourceQuota (kubernetes/kubernetes ``staging/src/k8s.io/api/core/v1/types.go``).

Only the fields a lesson on Service networking touches are typed in detail; other fields of Pods and containers
that real manifests carry (volumes, env, resources, securityContext, ...) are accepted as opaque values so a real
manifest still loads, and are kept verbatim.

>>> svc = Service(metadata={"name": "web"}, spec={"selector": {"app": "web"}, "ports": [{"port": 80}]})
>>> svc.spec.ports[0].port, svc.spec.type is None
(80, True)
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import APIResource, Base64Bytes, IntOrString, K8sModel, Quantity, Resource, Time
from .meta_v1 import LabelSelector, ObjectMeta

__all__ = [
    "Service",
    "ServiceSpec",
    "ServicePort",
    "ServiceStatus",
    "LoadBalancerStatus",
    "LoadBalancerIngress",
    "PortStatus",
    "SessionAffinityConfig",
    "ClientIPConfig",
    "Pod",
    "PodSpec",
    "PodDNSConfig",
    "PodDNSConfigOption",
    "PodTemplateSpec",
    "Container",
    "ContainerPort",
    "Probe",
    "PodStatus",
    "PodCondition",
    "PodIP",
    "ContainerStatus",
    "HostIP",
    "Node",
    "NodeSpec",
    "NodeStatus",
    "NodeAddress",
    "NodeCondition",
    "NodeSystemInfo",
    "Taint",
    "Endpoints",
    "EndpointSubset",
    "EndpointAddress",
    "EndpointPort",
    "ObjectReference",
    "Namespace",
    "NamespaceSpec",
    "NamespaceStatus",
    "Event",
    "EventSource",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "LocalObjectReference",
    "PV_SOURCES",
    "PersistentVolume",
    "PersistentVolumeSpec",
    "PersistentVolumeStatus",
    "PersistentVolumeClaim",
    "PersistentVolumeClaimSpec",
    "PersistentVolumeClaimStatus",
    "PersistentVolumeClaimTemplate",
    "VolumeResourceRequirements",
    "ReplicationController",
    "ReplicationControllerSpec",
    "ReplicationControllerStatus",
    "ReplicationControllerCondition",
    "PodTemplate",
    "LimitRange",
    "LimitRangeSpec",
    "LimitRangeItem",
    "ResourceQuota",
    "ResourceQuotaSpec",
    "ResourceQuotaStatus",
]


class ObjectReference(K8sModel):
    kind: StrictStr | None = None
    namespace: StrictStr | None = None
    name: StrictStr | None = None
    uid: StrictStr | None = None
    apiVersion: StrictStr | None = None
    resourceVersion: StrictStr | None = None
    fieldPath: StrictStr | None = None


# --- Service ---------------------------------------------------------------------------------------------------


class ServicePort(K8sModel):
    name: StrictStr | None = None
    protocol: StrictStr | None = None
    appProtocol: StrictStr | None = None
    port: StrictInt | None = None
    targetPort: IntOrString | None = None
    nodePort: StrictInt | None = None


class ClientIPConfig(K8sModel):
    timeoutSeconds: StrictInt | None = None


class SessionAffinityConfig(K8sModel):
    clientIP: ClientIPConfig | None = None


class ServiceSpec(K8sModel):
    ports: list[ServicePort] | None = None
    selector: dict[StrictStr, StrictStr] | None = None
    clusterIP: StrictStr | None = None
    clusterIPs: list[StrictStr] | None = None
    type: StrictStr | None = None
    externalIPs: list[StrictStr] | None = None
    sessionAffinity: StrictStr | None = None
    loadBalancerIP: StrictStr | None = None
    loadBalancerSourceRanges: list[StrictStr] | None = None
    externalName: StrictStr | None = None
    externalTrafficPolicy: StrictStr | None = None
    healthCheckNodePort: StrictInt | None = None
    publishNotReadyAddresses: StrictBool | None = None
    sessionAffinityConfig: SessionAffinityConfig | None = None
    ipFamilies: list[StrictStr] | None = None
    ipFamilyPolicy: StrictStr | None = None
    allocateLoadBalancerNodePorts: StrictBool | None = None
    loadBalancerClass: StrictStr | None = None
    internalTrafficPolicy: StrictStr | None = None
    trafficDistribution: StrictStr | None = None


class PortStatus(K8sModel):
    port: StrictInt
    protocol: StrictStr
    error: StrictStr | None = None


class LoadBalancerIngress(K8sModel):
    ip: StrictStr | None = None
    hostname: StrictStr | None = None
    ipMode: StrictStr | None = None
    ports: list[PortStatus] | None = None


class LoadBalancerStatus(K8sModel):
    ingress: list[LoadBalancerIngress] | None = None


class Condition(K8sModel):
    """``metav1.Condition`` as Service status carries it."""

    _go_types = {"observedGeneration": "int64"}

    type: StrictStr
    status: StrictStr
    observedGeneration: StrictInt | None = None
    lastTransitionTime: Time | None = None
    reason: StrictStr | None = None
    message: StrictStr | None = None


class ServiceStatus(K8sModel):
    loadBalancer: LoadBalancerStatus | None = None
    conditions: list[Condition] | None = None


class Service(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "Service", "services", "service", short_names=("svc",), categories=("all",)
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Service"] = "Service"
    metadata: ObjectMeta = ObjectMeta()
    spec: ServiceSpec | None = None
    status: ServiceStatus | None = None


# --- Endpoints (legacy) ----------------------------------------------------------------------------------------


class EndpointAddress(K8sModel):
    ip: StrictStr
    hostname: StrictStr | None = None
    nodeName: StrictStr | None = None
    targetRef: ObjectReference | None = None


class EndpointPort(K8sModel):
    name: StrictStr | None = None
    port: StrictInt
    protocol: StrictStr | None = None
    appProtocol: StrictStr | None = None


class EndpointSubset(K8sModel):
    addresses: list[EndpointAddress] | None = None
    notReadyAddresses: list[EndpointAddress] | None = None
    ports: list[EndpointPort] | None = None


class Endpoints(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "Endpoints", "endpoints", "endpoints", short_names=("ep",)
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Endpoints"] = "Endpoints"
    metadata: ObjectMeta = ObjectMeta()
    subsets: list[EndpointSubset] | None = None


# --- Pod -------------------------------------------------------------------------------------------------------


class ContainerPort(K8sModel):
    name: StrictStr | None = None
    hostPort: StrictInt | None = None
    containerPort: StrictInt
    protocol: StrictStr | None = None
    hostIP: StrictStr | None = None


class Probe(K8sModel):
    exec: dict[str, Any] | None = None
    httpGet: dict[str, Any] | None = None
    tcpSocket: dict[str, Any] | None = None
    grpc: dict[str, Any] | None = None
    initialDelaySeconds: StrictInt | None = None
    timeoutSeconds: StrictInt | None = None
    periodSeconds: StrictInt | None = None
    successThreshold: StrictInt | None = None
    failureThreshold: StrictInt | None = None
    terminationGracePeriodSeconds: StrictInt | None = None


class Container(K8sModel):
    name: StrictStr
    image: StrictStr | None = None
    command: list[StrictStr] | None = None
    args: list[StrictStr] | None = None
    workingDir: StrictStr | None = None
    ports: list[ContainerPort] | None = None
    envFrom: list[Any] | None = None
    env: list[Any] | None = None
    resources: dict[str, Any] | None = None
    resizePolicy: list[Any] | None = None
    restartPolicy: StrictStr | None = None
    volumeMounts: list[Any] | None = None
    volumeDevices: list[Any] | None = None
    livenessProbe: Probe | None = None
    readinessProbe: Probe | None = None
    startupProbe: Probe | None = None
    lifecycle: dict[str, Any] | None = None
    terminationMessagePath: StrictStr | None = None
    terminationMessagePolicy: StrictStr | None = None
    imagePullPolicy: StrictStr | None = None
    securityContext: dict[str, Any] | None = None
    stdin: StrictBool | None = None
    stdinOnce: StrictBool | None = None
    tty: StrictBool | None = None


class PodDNSConfigOption(K8sModel):
    """One resolver option of ``spec.dnsConfig.options`` (``ndots``, ``timeout``...)."""

    name: StrictStr | None = None
    value: StrictStr | None = None


class PodDNSConfig(K8sModel):
    """``spec.dnsConfig``: nameservers, search domains and options merged into the Pod's resolv.conf."""

    nameservers: list[StrictStr] | None = None
    searches: list[StrictStr] | None = None
    options: list[PodDNSConfigOption] | None = None


class PodSpec(K8sModel):
    _go_types = {"terminationGracePeriodSeconds": "int64", "activeDeadlineSeconds": "int64"}

    containers: list[Container]
    initContainers: list[Container] | None = None
    volumes: list[Any] | None = None
    restartPolicy: StrictStr | None = None
    terminationGracePeriodSeconds: StrictInt | None = None
    activeDeadlineSeconds: StrictInt | None = None
    dnsPolicy: StrictStr | None = None
    nodeSelector: dict[StrictStr, StrictStr] | None = None
    serviceAccountName: StrictStr | None = None
    serviceAccount: StrictStr | None = None
    automountServiceAccountToken: StrictBool | None = None
    nodeName: StrictStr | None = None
    hostNetwork: StrictBool | None = None
    hostPID: StrictBool | None = None
    hostIPC: StrictBool | None = None
    securityContext: dict[str, Any] | None = None
    imagePullSecrets: list[Any] | None = None
    hostname: StrictStr | None = None
    subdomain: StrictStr | None = None
    affinity: dict[str, Any] | None = None
    schedulerName: StrictStr | None = None
    tolerations: list[Any] | None = None
    hostAliases: list[Any] | None = None
    priorityClassName: StrictStr | None = None
    priority: StrictInt | None = None
    dnsConfig: PodDNSConfig | None = None
    readinessGates: list[Any] | None = None
    runtimeClassName: StrictStr | None = None
    enableServiceLinks: StrictBool | None = None
    preemptionPolicy: StrictStr | None = None
    topologySpreadConstraints: list[Any] | None = None
    setHostnameAsFQDN: StrictBool | None = None
    shareProcessNamespace: StrictBool | None = None


class PodCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    observedGeneration: StrictInt | None = None
    lastProbeTime: Time | None = None
    lastTransitionTime: Time | None = None
    reason: StrictStr | None = None
    message: StrictStr | None = None


class PodIP(K8sModel):
    ip: StrictStr


class HostIP(K8sModel):
    ip: StrictStr


class ContainerStatus(K8sModel):
    name: StrictStr
    state: dict[str, Any] | None = None
    lastState: dict[str, Any] | None = None
    ready: StrictBool = False
    restartCount: StrictInt = 0
    image: StrictStr | None = None
    imageID: StrictStr | None = None
    containerID: StrictStr | None = None
    started: StrictBool | None = None


class PodStatus(K8sModel):
    phase: StrictStr | None = None
    conditions: list[PodCondition] | None = None
    message: StrictStr | None = None
    reason: StrictStr | None = None
    hostIP: StrictStr | None = None
    hostIPs: list[HostIP] | None = None
    podIP: StrictStr | None = None
    podIPs: list[PodIP] | None = None
    startTime: Time | None = None
    containerStatuses: list[ContainerStatus] | None = None
    initContainerStatuses: list[ContainerStatus] | None = None
    qosClass: StrictStr | None = None
    observedGeneration: StrictInt | None = None


class PodTemplateSpec(K8sModel):
    metadata: ObjectMeta | None = None
    spec: PodSpec | None = None


class Pod(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "Pod", "pods", "pod", short_names=("po",), categories=("all",)
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Pod"] = "Pod"
    metadata: ObjectMeta = ObjectMeta()
    spec: PodSpec | None = None
    status: PodStatus | None = None

    def is_ready(self) -> bool:
        """The ``Ready`` condition is ``True`` (``podutil.IsPodReady``)."""
        for c in (self.status.conditions if self.status else None) or []:
            if c.type == "Ready":
                return c.status == "True"
        return False


# --- Node ------------------------------------------------------------------------------------------------------


class Taint(K8sModel):
    key: StrictStr
    value: StrictStr | None = None
    effect: StrictStr
    timeAdded: Time | None = None


class NodeSpec(K8sModel):
    podCIDR: StrictStr | None = None
    podCIDRs: list[StrictStr] | None = None
    providerID: StrictStr | None = None
    unschedulable: StrictBool | None = None
    taints: list[Taint] | None = None


class NodeAddress(K8sModel):
    type: StrictStr
    address: StrictStr


class NodeCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    lastHeartbeatTime: Time | None = None
    lastTransitionTime: Time | None = None
    reason: StrictStr | None = None
    message: StrictStr | None = None


class NodeSystemInfo(K8sModel):
    machineID: StrictStr = ""
    systemUUID: StrictStr = ""
    bootID: StrictStr = ""
    kernelVersion: StrictStr = ""
    osImage: StrictStr = ""
    containerRuntimeVersion: StrictStr = ""
    kubeletVersion: StrictStr = ""
    kubeProxyVersion: StrictStr | None = None
    operatingSystem: StrictStr = ""
    architecture: StrictStr = ""
    swap: dict[str, Any] | None = None


class NodeStatus(K8sModel):
    capacity: dict[StrictStr, StrictStr] | None = None
    allocatable: dict[StrictStr, StrictStr] | None = None
    phase: StrictStr | None = None
    conditions: list[NodeCondition] | None = None
    addresses: list[NodeAddress] | None = None
    daemonEndpoints: dict[str, Any] | None = None
    nodeInfo: NodeSystemInfo | None = None
    images: list[Any] | None = None
    volumesInUse: list[StrictStr] | None = None
    volumesAttached: list[Any] | None = None
    config: dict[str, Any] | None = None
    runtimeHandlers: list[Any] | None = None
    features: dict[str, Any] | None = None


class Node(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "Node", "nodes", "node", short_names=("no",), namespaced=False
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Node"] = "Node"
    metadata: ObjectMeta = ObjectMeta()
    spec: NodeSpec | None = None
    status: NodeStatus | None = None

    def address(self, type_: str = "InternalIP") -> str | None:
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
    finalizers: list[StrictStr] | None = None


class NamespaceStatus(K8sModel):
    phase: StrictStr | None = None
    conditions: list[Any] | None = None


class Namespace(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "Namespace", "namespaces", "namespace", short_names=("ns",), namespaced=False
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Namespace"] = "Namespace"
    metadata: ObjectMeta = ObjectMeta()
    spec: NamespaceSpec | None = None
    status: NamespaceStatus | None = None


class EventSource(K8sModel):
    component: StrictStr | None = None
    host: StrictStr | None = None


class Event(Resource):
    api_info: ClassVar[APIResource] = APIResource("", "v1", "Event", "events", "event", short_names=("ev",))

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Event"] = "Event"
    metadata: ObjectMeta = ObjectMeta()
    involvedObject: ObjectReference = ObjectReference()
    reason: StrictStr | None = None
    message: StrictStr | None = None
    source: EventSource | None = None
    firstTimestamp: Time | None = None
    lastTimestamp: Time | None = None
    count: StrictInt | None = None
    type: StrictStr | None = None
    eventTime: Any | None = None
    series: dict[str, Any] | None = None
    action: StrictStr | None = None
    related: ObjectReference | None = None
    reportingComponent: StrictStr | None = None
    reportingInstance: StrictStr | None = None


# --- configuration: ConfigMap, Secret, ServiceAccount --------------------------------------------------------


class ConfigMap(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "ConfigMap", "configmaps", "configmap", short_names=("cm",)
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["ConfigMap"] = "ConfigMap"
    metadata: ObjectMeta = ObjectMeta()
    immutable: StrictBool | None = None
    data: dict[StrictStr, StrictStr] | None = None
    binaryData: dict[StrictStr, Base64Bytes] | None = None


class Secret(Resource):
    """``stringData`` is write-only: the API server merges it into ``data`` (base64) and never stores it."""

    api_info: ClassVar[APIResource] = APIResource("", "v1", "Secret", "secrets", "secret")

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["Secret"] = "Secret"
    metadata: ObjectMeta = ObjectMeta()
    immutable: StrictBool | None = None
    data: dict[StrictStr, Base64Bytes] | None = None
    stringData: dict[StrictStr, StrictStr] | None = None
    type: StrictStr | None = None


class LocalObjectReference(K8sModel):
    name: StrictStr | None = None


class ServiceAccount(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", short_names=("sa",)
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["ServiceAccount"] = "ServiceAccount"
    metadata: ObjectMeta = ObjectMeta()
    secrets: list[ObjectReference] | None = None
    imagePullSecrets: list[LocalObjectReference] | None = None
    automountServiceAccountToken: StrictBool | None = None


# --- storage: PersistentVolume, PersistentVolumeClaim -------------------------------------------------------

#: The volume sources a PersistentVolume may name (``PersistentVolumeSource``), kept as opaque values.
PV_SOURCES = (
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "hostPath",
    "glusterfs",
    "nfs",
    "rbd",
    "iscsi",
    "cinder",
    "cephfs",
    "fc",
    "flocker",
    "flexVolume",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "local",
    "storageos",
    "csi",
)


class PersistentVolumeSpec(K8sModel):
    capacity: dict[StrictStr, Quantity] | None = None
    accessModes: list[StrictStr] | None = None
    claimRef: ObjectReference | None = None
    persistentVolumeReclaimPolicy: StrictStr | None = None
    storageClassName: StrictStr | None = None
    mountOptions: list[StrictStr] | None = None
    volumeMode: StrictStr | None = None
    nodeAffinity: dict[str, Any] | None = None
    volumeAttributesClassName: StrictStr | None = None
    gcePersistentDisk: dict[str, Any] | None = None
    awsElasticBlockStore: dict[str, Any] | None = None
    hostPath: dict[str, Any] | None = None
    glusterfs: dict[str, Any] | None = None
    nfs: dict[str, Any] | None = None
    rbd: dict[str, Any] | None = None
    iscsi: dict[str, Any] | None = None
    cinder: dict[str, Any] | None = None
    cephfs: dict[str, Any] | None = None
    fc: dict[str, Any] | None = None
    flocker: dict[str, Any] | None = None
    flexVolume: dict[str, Any] | None = None
    azureFile: dict[str, Any] | None = None
    vsphereVolume: dict[str, Any] | None = None
    quobyte: dict[str, Any] | None = None
    azureDisk: dict[str, Any] | None = None
    photonPersistentDisk: dict[str, Any] | None = None
    portworxVolume: dict[str, Any] | None = None
    scaleIO: dict[str, Any] | None = None
    local: dict[str, Any] | None = None
    storageos: dict[str, Any] | None = None
    csi: dict[str, Any] | None = None


class PersistentVolumeStatus(K8sModel):
    phase: StrictStr | None = None
    message: StrictStr | None = None
    reason: StrictStr | None = None
    lastPhaseTransitionTime: Time | None = None


class PersistentVolume(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "",
        "v1",
        "PersistentVolume",
        "persistentvolumes",
        "persistentvolume",
        short_names=("pv",),
        namespaced=False,
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["PersistentVolume"] = "PersistentVolume"
    metadata: ObjectMeta = ObjectMeta()
    spec: PersistentVolumeSpec | None = None
    status: PersistentVolumeStatus | None = None


class VolumeResourceRequirements(K8sModel):
    limits: dict[StrictStr, Quantity] | None = None
    requests: dict[StrictStr, Quantity] | None = None


class PersistentVolumeClaimSpec(K8sModel):
    accessModes: list[StrictStr] | None = None
    selector: LabelSelector | None = None
    resources: VolumeResourceRequirements | None = None
    volumeName: StrictStr | None = None
    storageClassName: StrictStr | None = None
    volumeMode: StrictStr | None = None
    dataSource: dict[str, Any] | None = None
    dataSourceRef: dict[str, Any] | None = None
    volumeAttributesClassName: StrictStr | None = None


class PersistentVolumeClaimStatus(K8sModel):
    phase: StrictStr | None = None
    accessModes: list[StrictStr] | None = None
    capacity: dict[StrictStr, Quantity] | None = None
    conditions: list[Any] | None = None
    allocatedResources: dict[StrictStr, Quantity] | None = None
    allocatedResourceStatuses: dict[StrictStr, StrictStr] | None = None
    currentVolumeAttributesClassName: StrictStr | None = None
    modifyVolumeStatus: dict[str, Any] | None = None


class PersistentVolumeClaim(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        short_names=("pvc",),
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["PersistentVolumeClaim"] = "PersistentVolumeClaim"
    metadata: ObjectMeta = ObjectMeta()
    spec: PersistentVolumeClaimSpec | None = None
    status: PersistentVolumeClaimStatus | None = None


class PersistentVolumeClaimTemplate(K8sModel):
    """A claim embedded in a StatefulSet's ``volumeClaimTemplates``: ``apiVersion``/``kind`` may be written."""

    apiVersion: StrictStr | None = None
    kind: StrictStr | None = None
    metadata: ObjectMeta | None = None
    spec: PersistentVolumeClaimSpec | None = None
    status: PersistentVolumeClaimStatus | None = None


# --- ReplicationController, PodTemplate ----------------------------------------------------------------------


class ReplicationControllerSpec(K8sModel):
    replicas: StrictInt | None = None
    minReadySeconds: StrictInt | None = None
    selector: dict[StrictStr, StrictStr] | None = None
    template: PodTemplateSpec | None = None


class ReplicationControllerCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    lastTransitionTime: Time | None = None
    reason: StrictStr | None = None
    message: StrictStr | None = None


class ReplicationControllerStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    replicas: StrictInt = 0
    fullyLabeledReplicas: StrictInt | None = None
    readyReplicas: StrictInt | None = None
    availableReplicas: StrictInt | None = None
    observedGeneration: StrictInt | None = None
    conditions: list[ReplicationControllerCondition] | None = None


class ReplicationController(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        "replicationcontroller",
        short_names=("rc",),
        categories=("all",),
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["ReplicationController"] = "ReplicationController"
    metadata: ObjectMeta = ObjectMeta()
    spec: ReplicationControllerSpec | None = None
    status: ReplicationControllerStatus | None = None


class PodTemplate(Resource):
    api_info: ClassVar[APIResource] = APIResource("", "v1", "PodTemplate", "podtemplates", "podtemplate")

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["PodTemplate"] = "PodTemplate"
    metadata: ObjectMeta = ObjectMeta()
    template: PodTemplateSpec | None = None


# --- policy: LimitRange, ResourceQuota -----------------------------------------------------------------------


class LimitRangeItem(K8sModel):
    type: StrictStr
    max: dict[StrictStr, Quantity] | None = None
    min: dict[StrictStr, Quantity] | None = None
    default: dict[StrictStr, Quantity] | None = None
    defaultRequest: dict[StrictStr, Quantity] | None = None
    maxLimitRequestRatio: dict[StrictStr, Quantity] | None = None


class LimitRangeSpec(K8sModel):
    limits: list[LimitRangeItem] | None = None


class LimitRange(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "LimitRange", "limitranges", "limitrange", short_names=("limits",)
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["LimitRange"] = "LimitRange"
    metadata: ObjectMeta = ObjectMeta()
    spec: LimitRangeSpec | None = None


class ResourceQuotaSpec(K8sModel):
    hard: dict[StrictStr, Quantity] | None = None
    scopes: list[StrictStr] | None = None
    scopeSelector: dict[str, Any] | None = None


class ResourceQuotaStatus(K8sModel):
    hard: dict[StrictStr, Quantity] | None = None
    used: dict[StrictStr, Quantity] | None = None


class ResourceQuota(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "", "v1", "ResourceQuota", "resourcequotas", "resourcequota", short_names=("quota",)
    )

    apiVersion: Literal["v1"] = "v1"
    kind: Literal["ResourceQuota"] = "ResourceQuota"
    metadata: ObjectMeta = ObjectMeta()
    spec: ResourceQuotaSpec | None = None
    status: ResourceQuotaStatus | None = None
