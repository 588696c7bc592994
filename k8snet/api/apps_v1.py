"""apps/v1: Deployment and the ReplicaSet behind it (kubernetes/kubernetes ``staging/src/k8s.io/api/apps/v1/types.go``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import APIResource, K8sModel, Resource, Time
from .core_v1 import PodTemplateSpec
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
