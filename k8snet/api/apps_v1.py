"""apps/v1: Deployment and the ReplicaSet behind it, StatefulSet, DaemonSet, ControllerRevision (kubernetes/kubernetes
``staging/src/k8s.io/api/apps/v1/types.go``)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import APIResource, K8sModel, Resource, Time
from .core_v1 import PersistentVolumeClaimTemplate, PodTemplateSpec
from .meta_v1 import LabelSelector, ObjectMeta

__all__ = [
    "Deployment",
    "DeploymentSpec",
    "DeploymentStatus",
    "DeploymentStrategy",
    "RollingUpdateDeployment",
    "DeploymentCondition",
    "ReplicaSet",
    "ReplicaSetSpec",
    "ReplicaSetStatus",
    "ReplicaSetCondition",
    "StatefulSet",
    "StatefulSetSpec",
    "StatefulSetStatus",
    "StatefulSetUpdateStrategy",
    "RollingUpdateStatefulSetStrategy",
    "StatefulSetPersistentVolumeClaimRetentionPolicy",
    "StatefulSetOrdinals",
    "DaemonSet",
    "DaemonSetSpec",
    "DaemonSetStatus",
    "DaemonSetUpdateStrategy",
    "RollingUpdateDaemonSet",
    "ControllerRevision",
]


class RollingUpdateDeployment(K8sModel):
    maxUnavailable: StrictInt | StrictStr | None = None
    maxSurge: StrictInt | StrictStr | None = None


class DeploymentStrategy(K8sModel):
    type: StrictStr | None = None
    rollingUpdate: RollingUpdateDeployment | None = None


class DeploymentSpec(K8sModel):
    replicas: StrictInt | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None
    strategy: DeploymentStrategy | None = None
    minReadySeconds: StrictInt | None = None
    revisionHistoryLimit: StrictInt | None = None
    paused: StrictBool | None = None
    progressDeadlineSeconds: StrictInt | None = None


class DeploymentCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    lastUpdateTime: Time | None = None
    lastTransitionTime: Time | None = None
    reason: StrictStr | None = None
    message: StrictStr | None = None


class DeploymentStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    observedGeneration: StrictInt | None = None
    replicas: StrictInt | None = None
    updatedReplicas: StrictInt | None = None
    readyReplicas: StrictInt | None = None
    availableReplicas: StrictInt | None = None
    unavailableReplicas: StrictInt | None = None
    terminatingReplicas: StrictInt | None = None
    conditions: list[DeploymentCondition] | None = None
    collisionCount: StrictInt | None = None


class Deployment(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "apps", "v1", "Deployment", "deployments", "deployment", short_names=("deploy",), categories=("all",)
    )

    apiVersion: Literal["apps/v1"] = "apps/v1"
    kind: Literal["Deployment"] = "Deployment"
    metadata: ObjectMeta = ObjectMeta()
    spec: DeploymentSpec | None = None
    status: DeploymentStatus | None = None


class ReplicaSetSpec(K8sModel):
    replicas: StrictInt | None = None
    minReadySeconds: StrictInt | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None


class ReplicaSetCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    lastTransitionTime: Time | None = None
    reason: StrictStr | None = None
    message: StrictStr | None = None


class ReplicaSetStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    replicas: StrictInt = 0
    fullyLabeledReplicas: StrictInt | None = None
    readyReplicas: StrictInt | None = None
    availableReplicas: StrictInt | None = None
    terminatingReplicas: StrictInt | None = None
    observedGeneration: StrictInt | None = None
    conditions: list[ReplicaSetCondition] | None = None


class ReplicaSet(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "apps", "v1", "ReplicaSet", "replicasets", "replicaset", short_names=("rs",), categories=("all",)
    )

    apiVersion: Literal["apps/v1"] = "apps/v1"
    kind: Literal["ReplicaSet"] = "ReplicaSet"
    metadata: ObjectMeta = ObjectMeta()
    spec: ReplicaSetSpec | None = None
    status: ReplicaSetStatus | None = None


# --- StatefulSet -----------------------------------------------------------------------------------------------


class RollingUpdateStatefulSetStrategy(K8sModel):
    partition: StrictInt | None = None
    maxUnavailable: StrictInt | StrictStr | None = None


class StatefulSetUpdateStrategy(K8sModel):
    type: StrictStr | None = None
    rollingUpdate: RollingUpdateStatefulSetStrategy | None = None


class StatefulSetPersistentVolumeClaimRetentionPolicy(K8sModel):
    whenDeleted: StrictStr | None = None
    whenScaled: StrictStr | None = None


class StatefulSetOrdinals(K8sModel):
    start: StrictInt | None = None


class StatefulSetSpec(K8sModel):
    replicas: StrictInt | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None
    volumeClaimTemplates: list[PersistentVolumeClaimTemplate] | None = None
    serviceName: StrictStr | None = None
    podManagementPolicy: StrictStr | None = None
    updateStrategy: StatefulSetUpdateStrategy | None = None
    revisionHistoryLimit: StrictInt | None = None
    minReadySeconds: StrictInt | None = None
    persistentVolumeClaimRetentionPolicy: StatefulSetPersistentVolumeClaimRetentionPolicy | None = None
    ordinals: StatefulSetOrdinals | None = None


class StatefulSetStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    observedGeneration: StrictInt | None = None
    replicas: StrictInt = 0
    readyReplicas: StrictInt | None = None
    currentReplicas: StrictInt | None = None
    updatedReplicas: StrictInt | None = None
    currentRevision: StrictStr | None = None
    updateRevision: StrictStr | None = None
    collisionCount: StrictInt | None = None
    conditions: list[ReplicaSetCondition] | None = None
    availableReplicas: StrictInt = 0


class StatefulSet(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "apps", "v1", "StatefulSet", "statefulsets", "statefulset", short_names=("sts",), categories=("all",)
    )

    apiVersion: Literal["apps/v1"] = "apps/v1"
    kind: Literal["StatefulSet"] = "StatefulSet"
    metadata: ObjectMeta = ObjectMeta()
    spec: StatefulSetSpec | None = None
    status: StatefulSetStatus | None = None


# --- DaemonSet -------------------------------------------------------------------------------------------------


class RollingUpdateDaemonSet(K8sModel):
    maxUnavailable: StrictInt | StrictStr | None = None
    maxSurge: StrictInt | StrictStr | None = None


class DaemonSetUpdateStrategy(K8sModel):
    type: StrictStr | None = None
    rollingUpdate: RollingUpdateDaemonSet | None = None


class DaemonSetSpec(K8sModel):
    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None
    updateStrategy: DaemonSetUpdateStrategy | None = None
    minReadySeconds: StrictInt | None = None
    revisionHistoryLimit: StrictInt | None = None


class DaemonSetStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    currentNumberScheduled: StrictInt = 0
    numberMisscheduled: StrictInt = 0
    desiredNumberScheduled: StrictInt = 0
    numberReady: StrictInt = 0
    observedGeneration: StrictInt | None = None
    updatedNumberScheduled: StrictInt | None = None
    numberAvailable: StrictInt | None = None
    numberUnavailable: StrictInt | None = None
    collisionCount: StrictInt | None = None
    conditions: list[ReplicaSetCondition] | None = None


class DaemonSet(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "apps", "v1", "DaemonSet", "daemonsets", "daemonset", short_names=("ds",), categories=("all",)
    )

    apiVersion: Literal["apps/v1"] = "apps/v1"
    kind: Literal["DaemonSet"] = "DaemonSet"
    metadata: ObjectMeta = ObjectMeta()
    spec: DaemonSetSpec | None = None
    status: DaemonSetStatus | None = None


# --- ControllerRevision ----------------------------------------------------------------------------------------


class ControllerRevision(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision"
    )
    _go_types = {"revision": "int64"}

    apiVersion: Literal["apps/v1"] = "apps/v1"
    kind: Literal["ControllerRevision"] = "ControllerRevision"
    metadata: ObjectMeta = ObjectMeta()
    data: Any | None = None
    revision: StrictInt = 0
