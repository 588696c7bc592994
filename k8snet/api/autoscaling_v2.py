"""autoscaling/v2: HorizontalPodAutoscaler (kubernetes/kubernetes ``staging/src/k8s.io/api/autoscaling/v2/types.go``).

A v1.34 API server serves HorizontalPodAutoscalers in two versions, ``autoscaling/v2`` (preferred, what kubectl
reads back) and ``autoscaling/v1``; :class:`HorizontalPodAutoscalerV1` is the older form, which the manifest
loader converts to v2 the way the API server's conversion does (``targetCPUUtilizationPercentage`` becomes a
``Resource`` metric on ``cpu``; ``pkg/apis/autoscaling/v1/conversion.go``). No autoscaler controller runs
(simplification): ``status`` stays as the server first stores it.

>>> hpa = HorizontalPodAutoscalerV1(metadata={"name": "web"}, spec={"maxReplicas": 5,
...     "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
...     "targetCPUUtilizationPercentage": 50}).to_v2()
>>> hpa.apiVersion, hpa.spec.metrics[0].to_dict()
('autoscaling/v2', {'type': 'Resource', 'resource': {'name': 'cpu', 'target': {'type': 'Utilization', 'averageUtilization': 50}}})
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictInt, StrictStr

from ._base import APIResource, K8sModel, Quantity, Resource, Time
from .meta_v1 import ObjectMeta

__all__ = [
    "HorizontalPodAutoscaler",
    "HorizontalPodAutoscalerSpec",
    "HorizontalPodAutoscalerStatus",
    "HorizontalPodAutoscalerV1",
    "CrossVersionObjectReference",
    "MetricSpec",
    "MetricTarget",
    "ResourceMetricSource",
]


class CrossVersionObjectReference(K8sModel):
    kind: StrictStr | None = None
    name: StrictStr | None = None
    apiVersion: StrictStr | None = None


class MetricTarget(K8sModel):
    type: StrictStr | None = None
    value: Quantity | None = None
    averageValue: Quantity | None = None
    averageUtilization: StrictInt | None = None


class ResourceMetricSource(K8sModel):
    name: StrictStr | None = None
    target: MetricTarget | None = None


class ContainerResourceMetricSource(K8sModel):
    name: StrictStr | None = None
    target: MetricTarget | None = None
    container: StrictStr | None = None


class MetricIdentifier(K8sModel):
    name: StrictStr | None = None
    selector: dict[str, Any] | None = None


class PodsMetricSource(K8sModel):
    metric: MetricIdentifier | None = None
    target: MetricTarget | None = None


class ObjectMetricSource(K8sModel):
    describedObject: CrossVersionObjectReference | None = None
    target: MetricTarget | None = None
    metric: MetricIdentifier | None = None


class ExternalMetricSource(K8sModel):
    metric: MetricIdentifier | None = None
    target: MetricTarget | None = None


class MetricSpec(K8sModel):
    type: StrictStr | None = None
    object: ObjectMetricSource | None = None
    pods: PodsMetricSource | None = None
    resource: ResourceMetricSource | None = None
    containerResource: ContainerResourceMetricSource | None = None
    external: ExternalMetricSource | None = None


class HorizontalPodAutoscalerSpec(K8sModel):
    scaleTargetRef: CrossVersionObjectReference | None = None
    minReplicas: StrictInt | None = None
    maxReplicas: StrictInt | None = None
    metrics: list[MetricSpec] | None = None
    behavior: dict[str, Any] | None = None


class HorizontalPodAutoscalerStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    observedGeneration: StrictInt | None = None
    lastScaleTime: Time | None = None
    currentReplicas: StrictInt | None = None
    desiredReplicas: StrictInt = 0
    currentMetrics: list[Any] | None = None
    conditions: list[Any] | None = None


class HorizontalPodAutoscaler(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        short_names=("hpa",),
        categories=("all",),
    )

    apiVersion: Literal["autoscaling/v2"] = "autoscaling/v2"
    kind: Literal["HorizontalPodAutoscaler"] = "HorizontalPodAutoscaler"
    metadata: ObjectMeta = ObjectMeta()
    spec: HorizontalPodAutoscalerSpec | None = None
    status: HorizontalPodAutoscalerStatus | None = None


class HorizontalPodAutoscalerSpecV1(K8sModel):
    scaleTargetRef: CrossVersionObjectReference | None = None
    minReplicas: StrictInt | None = None
    maxReplicas: StrictInt | None = None
    targetCPUUtilizationPercentage: StrictInt | None = None


class HorizontalPodAutoscalerStatusV1(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    observedGeneration: StrictInt | None = None
    lastScaleTime: Time | None = None
    currentReplicas: StrictInt | None = None
    desiredReplicas: StrictInt | None = None
    currentCPUUtilizationPercentage: StrictInt | None = None


class HorizontalPodAutoscalerV1(K8sModel):
    """``autoscaling/v1`` HorizontalPodAutoscaler, as manifests write it; :meth:`to_v2` converts it."""

    apiVersion: Literal["autoscaling/v1"] = "autoscaling/v1"
    kind: Literal["HorizontalPodAutoscaler"] = "HorizontalPodAutoscaler"
    metadata: ObjectMeta = ObjectMeta()
    spec: HorizontalPodAutoscalerSpecV1 | None = None
    status: HorizontalPodAutoscalerStatusV1 | None = None

    def to_v2(self) -> HorizontalPodAutoscaler:
        """The same object in ``autoscaling/v2`` (``Convert_v1_HorizontalPodAutoscaler_To_autoscaling_...``)."""
        spec: dict[str, Any] | None = None
        if self.spec is not None:
            spec = self.spec.to_dict()
            cpu = spec.pop("targetCPUUtilizationPercentage", None)
            if cpu is not None:
                spec["metrics"] = [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": cpu},
                        },
                    }
                ]
        status: dict[str, Any] | None = None
        if self.status is not None:
            status = self.status.to_dict()
            status.pop("currentCPUUtilizationPercentage", None)
        return HorizontalPodAutoscaler.model_validate(
            {"metadata": self.metadata.to_dict(), "spec": spec, "status": status}
        )
