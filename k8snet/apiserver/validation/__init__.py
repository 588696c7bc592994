"""kube-apiserver validation for Services (and the minimum for Endpoints, EndpointSlices, Pods, Deployments), and
for every other built-in kind what a user meets most (names, required fields, enums).

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
``core_config``    the rest of ``pkg/apis/core/validation/validation.go``: ConfigMaps, Secrets,
                   ServiceAccounts, PersistentVolume(Claim)s, ReplicationControllers, PodTemplates,
                   LimitRanges, ResourceQuotas
``apps``           kubernetes/kubernetes ``pkg/apis/apps/validation/validation.go``: Deployments, ReplicaSets,
                   StatefulSets, DaemonSets
``batch``          ``pkg/apis/batch/validation/validation.go``: Jobs, CronJobs (and robfig/cron's schedule
                   parser)
``autoscaling``    ``pkg/apis/autoscaling/validation/validation.go``: HorizontalPodAutoscalers
``policy``         ``pkg/apis/policy/validation/validation.go``: PodDisruptionBudgets
``networking``     ``pkg/apis/networking/validation/validation.go``: Ingresses, IngressClasses,
                   NetworkPolicies
``rbac``           ``pkg/apis/rbac/validation/validation.go``: Roles, ClusterRoles and their bindings
``storage``        ``pkg/apis/storage/validation/validation.go``: StorageClasses
``scheduling``     ``pkg/apis/scheduling/validation/validation.go``: PriorityClasses
``small``          Leases, RuntimeClasses, webhook configurations, CustomResourceDefinitions
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

from .apps import (
    validate_daemon_set,
    validate_daemon_set_update,
    validate_deployment,
    validate_deployment_update,
    validate_replica_set,
    validate_stateful_set,
    validate_stateful_set_update,
)
from .autoscaling import validate_horizontal_pod_autoscaler, validate_horizontal_pod_autoscaler_update
from .batch import validate_cron_job, validate_cron_job_update, validate_job, validate_job_update
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
from .core_config import (
    validate_config_map,
    validate_config_map_update,
    validate_limit_range,
    validate_persistent_volume,
    validate_persistent_volume_claim,
    validate_pod_template,
    validate_replication_controller,
    validate_resource_quota,
    validate_secret,
    validate_secret_update,
    validate_service_account,
)
from .discovery import validate_endpoint_slice
from .generic import name_is_dns1035_label, name_is_dns_label, name_is_dns_subdomain
from .ip import is_valid_cidr, is_valid_ip
from .meta_v1 import validate_label_selector, validate_labels
from .networking import (
    validate_ingress,
    validate_ingress_class,
    validate_ingress_class_update,
    validate_ingress_update,
    validate_network_policy,
)
from .objectmeta import validate_object_meta, validate_object_meta_update
from .policy import validate_pod_disruption_budget, validate_pod_disruption_budget_update
from .rbac import (
    validate_cluster_role,
    validate_cluster_role_binding,
    validate_cluster_role_binding_update,
    validate_cluster_role_update,
    validate_role,
    validate_role_binding,
    validate_role_binding_update,
    validate_role_update,
)
from .scheduling import validate_priority_class, validate_priority_class_update
from .small import (
    validate_custom_resource_definition,
    validate_lease,
    validate_mutating_webhook_configuration,
    validate_runtime_class,
    validate_validating_webhook_configuration,
)
from .storage import validate_storage_class, validate_storage_class_update
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
    # the other built-in kinds
    "VALIDATE",
    "VALIDATE_UPDATE",
]

#: Validation per kind on create (``strategy.Validate``): kind → function of the object.
VALIDATE = {
    "Service": validate_service,
    "Endpoints": validate_endpoints,
    "EndpointSlice": validate_endpoint_slice,
    "Pod": validate_pod,
    "Deployment": validate_deployment,
    "ReplicaSet": validate_replica_set,
    "Namespace": validate_namespace,
    "Node": validate_node,
    "ConfigMap": validate_config_map,
    "Secret": validate_secret,
    "ServiceAccount": validate_service_account,
    "PersistentVolume": validate_persistent_volume,
    "PersistentVolumeClaim": validate_persistent_volume_claim,
    "ReplicationController": validate_replication_controller,
    "PodTemplate": validate_pod_template,
    "LimitRange": validate_limit_range,
    "ResourceQuota": validate_resource_quota,
    "StatefulSet": validate_stateful_set,
    "DaemonSet": validate_daemon_set,
    "Job": validate_job,
    "CronJob": validate_cron_job,
    "HorizontalPodAutoscaler": validate_horizontal_pod_autoscaler,
    "PodDisruptionBudget": validate_pod_disruption_budget,
    "Ingress": validate_ingress,
    "IngressClass": validate_ingress_class,
    "NetworkPolicy": validate_network_policy,
    "Role": validate_role,
    "ClusterRole": validate_cluster_role,
    "RoleBinding": validate_role_binding,
    "ClusterRoleBinding": validate_cluster_role_binding,
    "StorageClass": validate_storage_class,
    "PriorityClass": validate_priority_class,
    "Lease": validate_lease,
    "RuntimeClass": validate_runtime_class,
    "ValidatingWebhookConfiguration": validate_validating_webhook_configuration,
    "MutatingWebhookConfiguration": validate_mutating_webhook_configuration,
    "CustomResourceDefinition": validate_custom_resource_definition,
}
#: Validation on update where upstream has a separate function (``strategy.ValidateUpdate``): kind → function of
#: the new and the old object. Kinds not listed are validated as on create.
VALIDATE_UPDATE = {
    "Service": validate_service_update,
    "Deployment": validate_deployment_update,
    "ConfigMap": validate_config_map_update,
    "Secret": validate_secret_update,
    "StatefulSet": validate_stateful_set_update,
    "DaemonSet": validate_daemon_set_update,
    "Job": validate_job_update,
    "CronJob": validate_cron_job_update,
    "HorizontalPodAutoscaler": validate_horizontal_pod_autoscaler_update,
    "PodDisruptionBudget": validate_pod_disruption_budget_update,
    "Ingress": validate_ingress_update,
    "IngressClass": validate_ingress_class_update,
    "Role": validate_role_update,
    "ClusterRole": validate_cluster_role_update,
    "RoleBinding": validate_role_binding_update,
    "ClusterRoleBinding": validate_cluster_role_binding_update,
    "StorageClass": validate_storage_class_update,
    "PriorityClass": validate_priority_class_update,
}
