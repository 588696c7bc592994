"""policy/v1: PodDisruptionBudget (kubernetes/kubernetes ``staging/src/k8s.io/api/policy/v1/types.go``).

``policy/v1beta1`` (and PodSecurityPolicy with it) is not served since v1.25; no disruption controller runs here
(simplification), so ``status`` keeps its zero values.

>>> PodDisruptionBudget(metadata={"name": "zk"}, spec={"minAvailable": 2}).spec.minAvailable
2
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictInt, StrictStr

from ._base import APIResource, IntOrString, K8sModel, Resource
from .meta_v1 import LabelSelector, ObjectMeta

__all__ = ["PodDisruptionBudget", "PodDisruptionBudgetSpec", "PodDisruptionBudgetStatus"]


class PodDisruptionBudgetSpec(K8sModel):
    minAvailable: IntOrString | None = None
    selector: LabelSelector | None = None
    maxUnavailable: IntOrString | None = None
    unhealthyPodEvictionPolicy: StrictStr | None = None


class PodDisruptionBudgetStatus(K8sModel):
    _go_types = {"observedGeneration": "int64"}

    observedGeneration: StrictInt | None = None
    disruptedPods: dict[str, Any] | None = None
    disruptionsAllowed: StrictInt = 0
    currentHealthy: StrictInt = 0
    desiredHealthy: StrictInt = 0
    expectedPods: StrictInt = 0
    conditions: list[Any] | None = None


class PodDisruptionBudget(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        short_names=("pdb",),
    )

    apiVersion: Literal["policy/v1"] = "policy/v1"
    kind: Literal["PodDisruptionBudget"] = "PodDisruptionBudget"
    metadata: ObjectMeta = ObjectMeta()
    spec: PodDisruptionBudgetSpec | None = None
    status: PodDisruptionBudgetStatus | None = None
