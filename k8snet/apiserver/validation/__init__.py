"""kube-apiserver validation for Services (and the minimum for Endpoints, EndpointSlices, Pods, Deployments).

One module per upstream file, lowest first (each imports only from those above it):

=================  ===========================================================================================
``util``           k8s.io/apimachinery ``pkg/util/validation/validation.go``: DNS names, qualified names,
                   label values, ports, percents
``ip``             k8s.io/apimachinery ``pkg/util/validation/ip.go``: IPs and CIDRs, with
                   ``StrictIPCIDRValidation`` off as in 1.34 (leading zeros are accepted)
``generic``        k8s.io/apimachinery ``pkg/api/validation/generic.go``: ``metadata.name`` rules per kind
``meta_v1``        k8s.io/apimachinery ``pkg/apis/meta/v1/validation/validation.go``: labels, label selectors
``objectmeta``     k8s.io/apimachinery ``pkg/api/validation/objectmeta.go``: ``ValidateObjectMeta`` and its
                   update rules, annotations
``core``           kubernetes/kubernetes ``pkg/apis/core/validation/validation.go``: Services, Endpoints,
                   Pods and Pod templates, Namespaces, Nodes
``discovery``      kubernetes/kubernetes ``pkg/apis/discovery/validation/validation.go``: EndpointSlices
``apps``           kubernetes/kubernetes ``pkg/apis/apps/validation/validation.go``: Deployments, ReplicaSets
=================  ===========================================================================================

The functions take the (already defaulted) API model objects, because the API server validates after
defaulting, and return a list of :class:`~k8snet.apiserver.field.FieldError` in upstream order.
``None`` is read as Go's zero value (``""``, ``0``, empty list). The names below are re-exported here, so
callers write ``validation.validate_service`` wherever the function lives.

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.apiserver.defaulting import set_defaults_service
>>> svc = Service(metadata={"name": "db", "namespace": "default"}, spec={"type": "ExternalName"})
>>> set_defaults_service(svc)
>>> [str(e) for e in validate_service(svc)]
['spec.externalName: Required value']
"""

from k8snet.netutils import parse_cidr_sloppy, parse_ip_sloppy

from .apps import validate_deployment, validate_deployment_update, validate_replica_set
from .core import (
    externally_accessible,
    is_headless_service,
    needs_health_check,
    validate_endpoints,
    validate_namespace,
    validate_node,
    validate_non_special_ip,
    validate_pod,
    validate_service,
    validate_service_cluster_ips_related_fields,
    validate_service_create,
    validate_service_status_update,
    validate_service_update,
)
from .discovery import validate_endpoint_slice
from .generic import name_is_dns1035_label, name_is_dns_label, name_is_dns_subdomain
from .ip import is_valid_cidr, is_valid_ip
from .meta_v1 import validate_label_selector, validate_labels
from .objectmeta import validate_object_meta, validate_object_meta_update
from .util import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    is_valid_port_name,
    is_valid_port_num,
)

__all__ = [
    # generic helpers (apimachinery)
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_dns1035_label",
    "is_qualified_name",
    "is_valid_label_value",
    "is_valid_port_num",
    "is_valid_port_name",
    "parse_ip_sloppy",
    "parse_cidr_sloppy",
    "is_valid_ip",
    "is_valid_cidr",
    "validate_non_special_ip",
    "name_is_dns_subdomain",
    "name_is_dns_label",
    "name_is_dns1035_label",
    "validate_labels",
    "validate_label_selector",
    "validate_object_meta",
    "validate_object_meta_update",
    # Services
    "validate_service",
    "validate_service_create",
    "validate_service_update",
    "validate_service_status_update",
    "validate_service_cluster_ips_related_fields",
    "is_headless_service",
    "externally_accessible",
    "needs_health_check",
    # other kinds
    "validate_endpoints",
    "validate_endpoint_slice",
    "validate_pod",
    "validate_deployment",
    "validate_deployment_update",
    "validate_replica_set",
    "validate_namespace",
    "validate_node",
]
