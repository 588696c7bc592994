"""apps/v1: Deployment and the ReplicaSet behind it (kubernetes/kubernetes ``staging/src/k8s.io/api/apps/v1/types.go``)."""

from __future__ import annotations

from typing import ClassVar, Literal, Optional

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import K8sModel, Resource, Time
from .core_v1 import PodTemplateSpec
from .meta_v1 import LabelSelector, ObjectMeta

__all__ = [
    "Deployment", "DeploymentSpec", "DeploymentStatus", "DeploymentStrategy", "RollingUpdateDeployment",
    "DeploymentCondition", "ReplicaSet", "ReplicaSetSpec", "ReplicaSetStatus", "ReplicaSetCondition",
]


class RollingUpdateDeployment(K8sModel):
    maxUnavailable: Optional[StrictInt | StrictStr] = None
    maxSurge: Optional[StrictInt | StrictStr] = None


class DeploymentStrategy(K8sModel):
    type: Optional[StrictStr] = None
    rollingUpdate: Optional[RollingUpdateDeployment] = None


class DeploymentSpec(K8sModel):
    replicas: Optional[StrictInt] = None
    selector: Optional[LabelSelector] = None
    template: Optional[PodTemplateSpec] = None
    strategy: Optional[DeploymentStrategy] = None
    minReadySeconds: Optional[StrictInt] = None
    revisionHistoryLimit: Optional[StrictInt] = None
    paused: Optional[StrictBool] = None
    progressDeadlineSeconds: Optional[StrictInt] = None


class DeploymentCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    lastUpdateTime: Optional[Time] = None
    lastTransitionTime: Optional[Time] = None
    reason: Optional[StrictStr] = None
    message: Optional[StrictStr] = None


class DeploymentStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    observedGeneration: Optional[StrictInt] = None
    replicas: Optional[StrictInt] = None
    updatedReplicas: Optional[StrictInt] = None
    readyReplicas: Optional[StrictInt] = None
    availableReplicas: Optional[StrictInt] = None
    unavailableReplicas: Optional[StrictInt] = None
    terminatingReplicas: Optional[StrictInt] = None
    conditions: Optional[list[DeploymentCondition]] = None
    collisionCount: Optional[StrictInt] = None


class Deployment(Resource):
    plural: ClassVar[str] = "deployments"
    group: ClassVar[str] = "apps"

    apiVersion: Literal["apps/v1"] = "apps/v1"
    kind: Literal["Deployment"] = "Deployment"
    metadata: ObjectMeta = ObjectMeta()
    spec: Optional[DeploymentSpec] = None
    status: Optional[DeploymentStatus] = None


class ReplicaSetSpec(K8sModel):
    replicas: Optional[StrictInt] = None
    minReadySeconds: Optional[StrictInt] = None
    selector: Optional[LabelSelector] = None
    template: Optional[PodTemplateSpec] = None


class ReplicaSetCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    lastTransitionTime: Optional[Time] = None
    reason: Optional[StrictStr] = None
    message: Optional[StrictStr] = None


class ReplicaSetStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    replicas: StrictInt = 0
    fullyLabeledReplicas: Optional[StrictInt] = None
    readyReplicas: Optional[StrictInt] = None
    availableReplicas: Optional[StrictInt] = None
    terminatingReplicas: Optional[StrictInt] = None
    observedGeneration: Optional[StrictInt] = None
    conditions: Optional[list[ReplicaSetCondition]] = None


class ReplicaSet(Resource):
    plural: ClassVar[str] = "replicasets"
    group: ClassVar[str] = "apps"

    apiVersion: Literal["apps/v1"] = "apps/v1"
    kind: Literal["ReplicaSet"] = "ReplicaSet"
    metadata: ObjectMeta = ObjectMeta()
    spec: Optional[ReplicaSetSpec] = None
    status: Optional[ReplicaSetStatus] = None


