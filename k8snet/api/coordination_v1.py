"""coordination.k8s.io/v1: Lease (kubernetes/kubernetes ``staging/src/k8s.io/api/coordination/v1/types.go``).

Simplified: ``acquireTime``/``renewTime`` (``metav1.MicroTime``) are kept as the strings written.

>>> Lease(metadata={"name": "kube-scheduler"}, spec={"holderIdentity": "cp_1"}).spec.holderIdentity
'cp_1'
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import StrictInt, StrictStr

from ._base import APIResource, K8sModel, Resource
from .meta_v1 import ObjectMeta

__all__ = ["Lease", "LeaseSpec"]


class LeaseSpec(K8sModel):
    holderIdentity: StrictStr | None = None
    leaseDurationSeconds: StrictInt | None = None
    acquireTime: StrictStr | None = None
    renewTime: StrictStr | None = None
    leaseTransitions: StrictInt | None = None
    strategy: StrictStr | None = None
    preferredHolder: StrictStr | None = None


class Lease(Resource):
    api_info: ClassVar[APIResource] = APIResource("coordination.k8s.io", "v1", "Lease", "leases", "lease")

    apiVersion: Literal["coordination.k8s.io/v1"] = "coordination.k8s.io/v1"
    kind: Literal["Lease"] = "Lease"
    metadata: ObjectMeta = ObjectMeta()
    spec: LeaseSpec | None = None
