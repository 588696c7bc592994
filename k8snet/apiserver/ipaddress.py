"""The ServiceCIDR and IPAddress objects a v1.34 API server keeps for ClusterIP allocation (KEP-1880).

Since v1.33 (``MultiCIDRServiceAllocator`` GA) the API server does not keep ClusterIP allocations in a private
bitmap any more: every allocated ClusterIP is an ``IPAddress`` object (``networking.k8s.io/v1``) named after the
address, and the ranges are ``ServiceCIDR`` objects.

* :func:`default_service_cidr`: the ServiceCIDR ``kubernetes`` that kube-apiserver's default-ServiceCIDR
  controller creates from ``--service-cluster-ip-range``
  (``pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go``: ``spec.cidrs`` from the
  flag, then the status condition ``Ready`` ``True`` with the message "Kubernetes default Service CIDR is
  ready" and no reason), with the finalizer ``networking.k8s.io/service-cidr-finalizer`` that
  kube-controller-manager's ServiceCIDR controller adds (``pkg/controller/servicecidrs``).
* :func:`ip_address_for`: the IPAddress the allocator creates for a Service's ClusterIP
  (``pkg/registry/core/service/ipallocator/ipallocator.go`` ``createIPAddress``): labels
  ``ipaddress.kubernetes.io/ip-family`` and ``ipaddress.kubernetes.io/managed-by: ipallocator.k8s.io``,
  ``spec.parentRef`` ``{resource: services, namespace, name}`` (``serviceToRef``; the core group ``""`` is omitted). Releasing the
  ClusterIP deletes the object.

Simplified: the model allocates from the one ServiceCIDR ``kubernetes`` (the band logic is
:mod:`k8snet.apiserver.allocation`); a second ServiceCIDR, IPAddress objects written by users, and the repair
loop that recreates a deleted IPAddress are not modelled (the API server refuses such writes). The finalizer and
the ``Ready`` condition are set when the object is created, where upstream's controllers add them a moment
later. uids of these objects come from their own seeded stream, so adding them does not shift the uids of the
other objects.

>>> from datetime import datetime, timezone
>>> cidr = default_service_cidr(["10.96.0.0/12"], datetime(2026, 1, 1, tzinfo=timezone.utc))
>>> cidr.spec.cidrs, cidr.metadata.finalizers, cidr.status.conditions[0].message
(['10.96.0.0/12'], ['networking.k8s.io/service-cidr-finalizer'], 'Kubernetes default Service CIDR is ready')
>>> ip = ip_address_for("10.96.0.10", "kube-system", "kube-dns")
>>> ip.metadata.name, ip.metadata.labels["ipaddress.kubernetes.io/managed-by"], ip.spec.parentRef.resource
('10.96.0.10', 'ipallocator.k8s.io', 'services')
"""

from __future__ import annotations

import hashlib
import ipaddress
import uuid
from datetime import datetime

from k8snet.api.core_v1 import Condition
from k8snet.api.networking_v1 import (
    LABEL_IP_ADDRESS_FAMILY,
    LABEL_MANAGED_BY,
    IPAddress,
    ServiceCIDR,
)

__all__ = [
    "DEFAULT_SERVICE_CIDR_NAME",
    "SERVICE_CIDR_FINALIZER",
    "IP_ALLOCATOR_CONTROLLER_NAME",
    "default_service_cidr",
    "ip_address_for",
    "object_uid",
]

#: ``defaultservicecidr.DefaultServiceCIDRName``.
DEFAULT_SERVICE_CIDR_NAME = "kubernetes"
#: ``servicecidrs.ServiceCIDRProtectionFinalizer`` (pkg/controller/servicecidrs/servicecidrs_controller.go).
SERVICE_CIDR_FINALIZER = "networking.k8s.io/service-cidr-finalizer"
#: ``ipallocator.ControllerName``: the ``managed-by`` label of the IPAddresses the allocator creates.
IP_ALLOCATOR_CONTROLLER_NAME = "ipallocator.k8s.io"


def object_uid(seed: int, kind: str, name: str, version: int) -> str:
    """A deterministic uid for an object the API server writes for itself, from a stream of its own.

    >>> object_uid(0, "IPAddress", "10.96.0.1", 1) == object_uid(0, "IPAddress", "10.96.0.1", 1)
    True
    >>> object_uid(0, "IPAddress", "10.96.0.1", 1) != object_uid(0, "IPAddress", "10.96.0.1", 2)
    True
    """
    digest = hashlib.sha256(f"k8snet-uid:{seed}:{kind}/{name}:{version}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def default_service_cidr(cidrs: list[str], now: datetime) -> ServiceCIDR:
    """The ServiceCIDR ``kubernetes`` for ``--service-cluster-ip-range`` (see the module docstring)."""
    ready = Condition(
        type="Ready",
        status="True",
        lastTransitionTime=now,
        reason="",
        message="Kubernetes default Service CIDR is ready",
    )
    return ServiceCIDR.model_validate(
        {
            "metadata": {"name": DEFAULT_SERVICE_CIDR_NAME, "finalizers": [SERVICE_CIDR_FINALIZER]},
            "spec": {"cidrs": list(cidrs)},
            "status": {"conditions": [ready]},
        }
    )


def ip_address_for(ip: str, namespace: str, service: str) -> IPAddress:
    """The IPAddress object for ClusterIP ``ip`` of Service ``namespace/service`` (see the module docstring)."""
    family = "IPv4" if ipaddress.ip_address(ip).version == 4 else "IPv6"
    return IPAddress.model_validate(
        {
            "metadata": {
                "name": ip,
                "labels": {LABEL_IP_ADDRESS_FAMILY: family, LABEL_MANAGED_BY: IP_ALLOCATOR_CONTROLLER_NAME},
            },
            # serviceToRef: the core group is "" and, as json:"group,omitempty", not written at all
            "spec": {"parentRef": {"resource": "services", "namespace": namespace, "name": service}},
        }
    )
