"""Validation of the core/v1 kinds: Services, Endpoints, Pods (and Pod templates), Namespaces, Nodes.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/core/validation/validation.go``: ``ValidateService``,
``validateServicePort``, ``validateServiceExternalTrafficPolicy``, ``ValidateServiceClusterIPsRelatedFields``,
``validateUpgradeDowngradeClusterIPs``/``IPFamilies``, ``validateLoadBalancerClassField``,
``ValidateServiceUpdate``, ``ValidateServiceStatusUpdate``, ``ValidateEndpoints``, ``ValidateNonSpecialIP``,
``ValidatePodCreate`` (reduced to names, containers and container ports),
``ValidatePodTemplateSpecForReplicaSet``, ``ValidateNamespace`` and ``ValidateNode``; with the Service helpers
it calls from ``pkg/api/service/util.go`` (``ExternallyAccessible``, ``NeedsHealthCheck``).

Not here, on purpose: errors that the Service *registry* raises while allocating (``provided port is not in
the valid range. The range of valid ports is 30000-32767``, ``provided port is already allocated``,
``failed to allocate IP ...``, ``this cluster is not configured for dual-stack services``) come from
``pkg/registry/core/service/storage/alloc.go`` and the allocators; see ``k8snet.apiserver.allocation`` and
:func:`k8snet.apiserver.defaulting.set_defaults_ip_families`.

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.apiserver.defaulting import normalize_cluster_ips, set_defaults_service
>>> svc = Service(metadata={"name": "web", "namespace": "default"},
...               spec={"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]})
>>> set_defaults_service(svc); normalize_cluster_ips(svc)
>>> for e in validate_service(svc):
...     print(e)
spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from k8snet.netutils import IPAddress, parse_ip_sloppy

from ..field import (
    FieldError,
    GoStruct,
    Path,
    duplicate,
    forbidden,
    internal_error,
    invalid,
    not_supported,
    required,
)
from .generic import name_is_dns1035_label, name_is_dns_label, name_is_dns_subdomain
from .ip import is_valid_cidr, is_valid_ip
from .meta_v1 import validate_labels
from .objectmeta import validate_annotations, validate_object_meta, validate_object_meta_update
from .util import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_dns1123_subdomain_with_underscore,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
)

__all__ = [
    "validate_pod_spec",
    "validate_non_special_ip",
    "validate_qualified_name",
    "validate_pod_dns_config",
    "validate_dns1123_label",
    # Services
    "validate_service",
    "validate_service_create",
    "validate_service_update",
    "validate_service_status_update",
    "validate_service_cluster_ips_related_fields",
    "is_headless_service",
    "externally_accessible",
    "needs_health_check",
    # Endpoints, Pods, Namespaces, Nodes
    "validate_endpoints",
    "validate_pod",
    "validate_pod_template_spec_for_replica_set",
    "validate_namespace",
    "validate_node",
]


def _is_ipv6(ip: IPAddress) -> bool:
    return ip.version == 6


def validate_non_special_ip(ip_address: str, path: Path | str) -> list[FieldError]:
    """``ValidateNonSpecialIP`` (externalIPs, Endpoints): no unspecified, loopback or link-local addresses.

    >>> print(validate_non_special_ip("127.0.0.1", "spec.externalIPs[0]")[0])
    spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)
    """
    ip = parse_ip_sloppy(ip_address)
    if ip is None:
        return [invalid(path, ip_address, "must be a valid IP address")]
    errs = []
    if ip.is_unspecified:
        errs.append(invalid(path, ip_address, f"may not be unspecified ({ip_address})"))
    if ip.is_loopback:
        errs.append(invalid(path, ip_address, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip in ipaddress.ip_network("169.254.0.0/16") or ip in ipaddress.ip_network("fe80::/10"):
        errs.append(
            invalid(path, ip_address, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")
        )
    # Go's IsLinkLocalMulticast: 224.0.0.0/24, or ff?2::/16 (any flags nibble, scope 2).
    if (ip.version == 4 and ip in ipaddress.ip_network("224.0.0.0/24")) or (
        ip.version == 6 and ip.packed[0] == 0xFF and ip.packed[1] & 0x0F == 0x02
    ):
        errs.append(
            invalid(
                path, ip_address, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
            )
        )
    return errs


# --------------------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------------------

_PROTOCOLS = ["SCTP", "TCP", "UDP"]  # sets.List(supportedPortProtocols): sorted
_SESSION_AFFINITIES = ["ClientIP", "None"]
_SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
_EXTERNAL_TRAFFIC_POLICIES = ["Cluster", "Local"]
_INTERNAL_TRAFFIC_POLICIES = ["Cluster", "Local"]
_IP_FAMILIES = ["IPv4", "IPv6"]
_IP_FAMILY_POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"]
# PreferSameTrafficDistribution is beta and on by default in 1.34 (pkg/features/kube_features.go), so
# validateServiceTrafficDistribution offers all three values, in this order.
_TRAFFIC_DISTRIBUTIONS = ["PreferClose", "PreferSameZone", "PreferSameNode"]
_MAX_CLIENT_IP_AFFINITY_SECONDS = 86400
_ANN_LB_SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"
_ANN_TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
_ANN_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"


def _spec(svc: Any) -> Any:
    from k8snet.api.core_v1 import ServiceSpec

    return svc.spec if svc.spec is not None else ServiceSpec()


def is_headless_service(svc: Any) -> bool:
    """``isHeadlessService`` in validation.go: ``clusterIPs == ["None"]``.

    >>> from k8snet.api.core_v1 import Service
    >>> is_headless_service(Service(spec={"clusterIPs": ["None"]}))
    True
    """
    ips = _spec(svc).clusterIPs or []
    return len(ips) == 1 and ips[0] == "None"


def externally_accessible(svc: Any) -> bool:
    """``service.ExternallyAccessible`` (pkg/api/service/util.go): NodePort, LoadBalancer, or ClusterIP with
    externalIPs.

    >>> from k8snet.api.core_v1 import Service
    >>> externally_accessible(Service(spec={"type": "ClusterIP", "externalIPs": ["1.2.3.4"]}))
    True
    """
    s = _spec(svc)
    return s.type in ("LoadBalancer", "NodePort") or (s.type == "ClusterIP" and bool(s.externalIPs))


def needs_health_check(svc: Any) -> bool:
    """``service.NeedsHealthCheck``: a LoadBalancer with ``externalTrafficPolicy: Local``.

    >>> from k8snet.api.core_v1 import Service
    >>> needs_health_check(Service(spec={"type": "LoadBalancer", "externalTrafficPolicy": "Local"}))
    True
    """
    s = _spec(svc)
    return s.type == "LoadBalancer" and s.externalTrafficPolicy == "Local"


def validate_qualified_name(value: str, path: Path) -> list[FieldError]:
    """``ValidateQualifiedName``: :func:`~k8snet.apiserver.validation.util.is_qualified_name` on a path.

    >>> [e.field for e in validate_qualified_name("a/b/c", Path("spec", "loadBalancerClass"))]
    ['spec.loadBalancerClass']
    """
    return [invalid(path, value, m) for m in is_qualified_name(value)]


def validate_dns1123_label(value: str, path: Path) -> list[FieldError]:
    """``ValidateDNS1123Label``: :func:`~k8snet.apiserver.validation.util.is_dns1123_label` on a path.

    >>> [e.field for e in validate_dns1123_label("http.alt", Path("spec", "ports").index(0).child("name"))]
    ['spec.ports[0].name']
    """
    return [invalid(path, value, m) for m in is_dns1123_label(value)]


def _validate_port_num_or_name(port: int | str | None, path: Path) -> list[FieldError]:
    # ValidatePortNumOrName; a missing IntOrString is Go's zero value (Int 0).
    if port is None:
        port = 0
    if isinstance(port, int):
        return [invalid(path, port, m) for m in is_valid_port_num(port)]
    return [invalid(path, port, m) for m in is_valid_port_name(port)]


def _validate_service_port(sp: Any, require_name: bool, all_names: set[str], path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    name = sp.name or ""
    if require_name and not name:
        errs.append(required(path.child("name")))
    elif name:
        errs += validate_dns1123_label(name, path.child("name"))
        if name in all_names:
            errs.append(duplicate(path.child("name"), name))
        else:
            all_names.add(name)
    port = sp.port or 0
    errs += [invalid(path.child("port"), port, m) for m in is_valid_port_num(port)]
    proto = sp.protocol or ""
    if not proto:
        errs.append(required(path.child("protocol")))
    elif proto not in _PROTOCOLS:
        errs.append(not_supported(path.child("protocol"), proto, _PROTOCOLS))
    errs += _validate_port_num_or_name(sp.targetPort, path.child("targetPort"))
    if sp.appProtocol is not None:
        errs += validate_qualified_name(sp.appProtocol, path.child("appProtocol"))
    # "in the v1 API, targetPorts on headless services were tolerated" (upstream keeps this commented out).
    return errs


def _validate_client_ip_affinity_config(cfg: Any, path: Path) -> list[FieldError]:
    when = "when session affinity type is ClientIP"
    if cfg is None:
        return [required(path, when)]
    if cfg.clientIP is None:
        return [required(path.child("clientIP"), when)]
    timeout = cfg.clientIP.timeoutSeconds
    tpath = path.child("clientIP", "timeoutSeconds")
    if timeout is None:
        return [required(tpath, when)]
    if timeout <= 0 or timeout > _MAX_CLIENT_IP_AFFINITY_SECONDS:
        return [
            invalid(tpath, timeout, f"must be greater than 0 and less than {_MAX_CLIENT_IP_AFFINITY_SECONDS}")
        ]
    return []


def _validate_external_traffic_policy(svc: Any) -> list[FieldError]:
    s = _spec(svc)
    path = Path("spec")
    errs: list[FieldError] = []
    etp = s.externalTrafficPolicy or ""
    if not externally_accessible(svc):
        if etp:
            errs.append(
                invalid(
                    path.child("externalTrafficPolicy"),
                    etp,
                    "may only be set for externally-accessible services",
                )
            )
    elif not etp:
        errs.append(required(path.child("externalTrafficPolicy")))
    elif etp not in _EXTERNAL_TRAFFIC_POLICIES:
        errs.append(not_supported(path.child("externalTrafficPolicy"), etp, _EXTERNAL_TRAFFIC_POLICIES))
    hc = s.healthCheckNodePort or 0
    if not needs_health_check(svc):
        if hc != 0:
            errs.append(
                invalid(
                    path.child("healthCheckNodePort"),
                    hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
                )
            )
    elif hc == 0:
        errs.append(required(path.child("healthCheckNodePort")))
    else:
        errs += [invalid(path.child("healthCheckNodePort"), hc, m) for m in is_valid_port_num(hc)]
    return errs


def _validate_internal_traffic_policy(svc: Any) -> list[FieldError]:
    s = _spec(svc)
    path = Path("spec", "internalTrafficPolicy")
    if s.internalTrafficPolicy is None:
        # "We do not forbid internalTrafficPolicy on other Service types because of historical reasons."
        if s.type in ("NodePort", "LoadBalancer", "ClusterIP"):
            return [required(path)]
        return []
    if s.internalTrafficPolicy not in _INTERNAL_TRAFFIC_POLICIES:
        return [not_supported(path, s.internalTrafficPolicy, _INTERNAL_TRAFFIC_POLICIES)]
    return []


def _validate_traffic_distribution(svc: Any) -> list[FieldError]:
    td = _spec(svc).trafficDistribution
    if td is None or td in _TRAFFIC_DISTRIBUTIONS:
        return []
    return [not_supported(Path("spec", "trafficDistribution"), td, _TRAFFIC_DISTRIBUTIONS)]


def _validate_load_balancer_class(old: Any, svc: Any) -> list[FieldError]:
    s = _spec(svc)
    path = Path("spec", "loadBalancerClass")
    errs: list[FieldError] = []
    if old is not None and _spec(old).type == "LoadBalancer" and s.type == "LoadBalancer":
        if _spec(old).loadBalancerClass != s.loadBalancerClass:
            errs.append(invalid(path, s.loadBalancerClass, "may not change once set"))
    if s.type == "LoadBalancer":
        if s.loadBalancerClass is not None:
            errs += validate_qualified_name(s.loadBalancerClass, path)
    elif s.loadBalancerClass is not None:
        errs.append(forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
    return errs


def validate_service_cluster_ips_related_fields(svc: Any) -> list[FieldError]:
    """``ValidateServiceClusterIPsRelatedFields``: clusterIP/clusterIPs sync, ``None``, families, policy.

    Exported because allocation calls it too ("loose pre-validation" in ``initIPFamilyFields``).

    >>> from k8snet.api.core_v1 import Service
    >>> [str(e) for e in validate_service_cluster_ips_related_fields(Service(spec={"clusterIP": "10.0.0.10",
    ...     "clusterIPs": ["10.0.0.1"]}))]
    ['spec.clusterIPs: Invalid value: ["10.0.0.1"]: first value must match `clusterIP`']
    """
    s = _spec(svc)
    if s.type == "ExternalName":
        return []
    errs: list[FieldError] = []
    has_invalid_ips = False
    ips_path = Path("spec", "clusterIPs")
    fam_path = Path("spec", "ipFamilies")
    cluster_ip = s.clusterIP or ""
    cluster_ips = list(s.clusterIPs or [])
    families = list(s.ipFamilies or [])
    if cluster_ip:
        if not cluster_ips:
            errs.append(required(ips_path))
        elif cluster_ips[0] != cluster_ip:
            errs.append(invalid(ips_path, cluster_ips, "first value must match `clusterIP`"))
    elif cluster_ips:
        errs.append(invalid(ips_path, cluster_ips, "must be empty when `clusterIP` is not specified"))

    seen: set[str] = set()
    for i, fam in enumerate(families):
        if fam not in _IP_FAMILIES:
            errs.append(not_supported(fam_path.index(i), fam, _IP_FAMILIES))
        if fam in seen:
            errs.append(duplicate(fam_path.index(i), fam))
        seen.add(fam)

    if s.ipFamilyPolicy is not None and s.ipFamilyPolicy not in _IP_FAMILY_POLICIES:
        errs.append(not_supported(Path("spec", "ipFamilyPolicy"), s.ipFamilyPolicy, _IP_FAMILY_POLICIES))

    for i, ip in enumerate(cluster_ips):
        if i == 0 and ip == "None":
            if len(cluster_ips) > 1:
                has_invalid_ips = True
                errs.append(invalid(ips_path, cluster_ips, "'None' must be the first and only value"))
            continue
        ip_errs = is_valid_ip(ips_path.index(i), ip)
        has_invalid_ips = has_invalid_ips or bool(ip_errs)
        errs += ip_errs

    if len(cluster_ips) > 2:
        errs.append(invalid(ips_path, cluster_ips, "may only hold up to 2 values"))
    if has_invalid_ips:
        return errs

    if len(cluster_ips) > 1:
        parsed = [parse_ip_sloppy(ip) for ip in cluster_ips]
        if any(p is None for p in parsed):  # "safe > sorry" upstream
            errs.append(internal_error(ips_path, "failed to check for dual stack"))
        else:
            v6 = any(_is_ipv6(p) for p in parsed)  # type: ignore[arg-type]
            v4 = any(not _is_ipv6(p) for p in parsed)  # type: ignore[arg-type]
            if not (v4 and v6):
                errs.append(
                    invalid(ips_path, cluster_ips, "may specify no more than one IP for each IP family")
                )

    if not is_headless_service(svc) and cluster_ips and families:
        for i, ip in enumerate(cluster_ips):
            if i > len(families) - 1:
                break
            p = parse_ip_sloppy(ip)
            is6 = p is not None and _is_ipv6(p)
            if families[i] == "IPv4" and is6:
                errs.append(
                    invalid(
                        ips_path.index(i), ip, f"expected an IPv4 value as indicated by `ipFamilies[{i}]`"
                    )
                )
            if families[i] == "IPv6" and not is6:
                errs.append(
                    invalid(
                        ips_path.index(i), ip, f"expected an IPv6 value as indicated by `ipFamilies[{i}]`"
                    )
                )
    return errs


def validate_service(svc: Any) -> list[FieldError]:
    """``ValidateService``: every rule of a Service object on its own (create and update both run it).

    ``svc`` must already be defaulted (:func:`k8snet.apiserver.defaulting.set_defaults_service`) and carry
    its namespace, as the API server fills both before validating.

    >>> from k8snet.api.core_v1 import Service
    >>> from k8snet.apiserver.defaulting import set_defaults_service
    >>> svc = Service(metadata={"name": "db", "namespace": "default"}, spec={"type": "ExternalName"})
    >>> set_defaults_service(svc)
    >>> [str(e) for e in validate_service(svc)]
    ['spec.externalName: Required value']
    """
    meta_path = Path("metadata")
    errs = validate_object_meta(svc.metadata, True, name_is_dns1035_label, meta_path)
    annotations = svc.metadata.annotations or {}
    if _ANN_TOPOLOGY_MODE in annotations and _ANN_TOPOLOGY_HINTS in annotations:
        if annotations[_ANN_TOPOLOGY_MODE] != annotations[_ANN_TOPOLOGY_HINTS]:
            errs.append(
                invalid(
                    meta_path.child("annotations").key(_ANN_TOPOLOGY_MODE),
                    annotations[_ANN_TOPOLOGY_MODE],
                    f"must match annotations[{_ANN_TOPOLOGY_HINTS}] when both are specified",
                )
            )

    s = _spec(svc)
    spec_path = Path("spec")
    ports = list(s.ports or [])
    cluster_ips = list(s.clusterIPs or [])
    headless = is_headless_service(svc)
    if not ports and not headless and s.type != "ExternalName":
        errs.append(required(spec_path.child("ports")))
    if s.type == "LoadBalancer":
        if headless:
            errs.append(
                invalid(
                    spec_path.child("clusterIPs").index(0),
                    cluster_ips[0],
                    "may not be set to 'None' for LoadBalancer services",
                )
            )
    elif s.type == "NodePort":
        if headless:
            errs.append(
                invalid(
                    spec_path.child("clusterIPs").index(0),
                    cluster_ips[0],
                    "may not be set to 'None' for NodePort services",
                )
            )
    elif s.type == "ExternalName":
        # "must have len(.spec.ClusterIPs) == 0 // note: strategy sets ClusterIPs based on ClusterIP"
        if cluster_ips:
            errs.append(forbidden(spec_path.child("clusterIPs"), "may not be set for ExternalName services"))
        if s.ipFamilies:
            errs.append(forbidden(spec_path.child("ipFamilies"), "may not be set for ExternalName services"))
        if s.ipFamilyPolicy is not None:
            errs.append(
                forbidden(spec_path.child("ipFamilyPolicy"), "may not be set for ExternalName services")
            )
        # "The value (a CNAME) may have a trailing dot to denote it as fully qualified"
        cname = (s.externalName or "").removesuffix(".")
        if cname:
            errs += [invalid(spec_path.child("externalName"), cname, m) for m in is_dns1123_subdomain(cname)]
        else:
            errs.append(required(spec_path.child("externalName")))

    all_names: set[str] = set()
    ports_path = spec_path.child("ports")
    for i, sp in enumerate(ports):
        errs += _validate_service_port(sp, len(ports) > 1, all_names, ports_path.index(i))

    if s.selector is not None:
        errs += validate_labels(s.selector, spec_path.child("selector"))

    affinity = s.sessionAffinity or ""
    if not affinity:
        errs.append(required(spec_path.child("sessionAffinity")))
    elif affinity not in _SESSION_AFFINITIES:
        errs.append(not_supported(spec_path.child("sessionAffinity"), affinity, _SESSION_AFFINITIES))
    if affinity == "ClientIP":
        errs += _validate_client_ip_affinity_config(
            s.sessionAffinityConfig, spec_path.child("sessionAffinityConfig")
        )
    elif affinity == "None" and s.sessionAffinityConfig is not None:
        errs.append(
            forbidden(
                spec_path.child("sessionAffinityConfig"), "must not be set when session affinity is None"
            )
        )

    errs += validate_service_cluster_ips_related_fields(svc)

    ip_path = spec_path.child("externalIPs")
    for i, ip in enumerate(s.externalIPs or []):
        ip_errs = is_valid_ip(ip_path.index(i), ip)
        errs += ip_errs if ip_errs else validate_non_special_ip(ip, ip_path.index(i))

    stype = s.type or ""
    if not stype:
        errs.append(required(spec_path.child("type")))
    elif stype not in _SERVICE_TYPES:
        errs.append(not_supported(spec_path.child("type"), stype, _SERVICE_TYPES))

    if stype == "ClusterIP":
        for i, sp in enumerate(ports):
            if sp.nodePort:
                errs.append(
                    forbidden(
                        ports_path.index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"
                    )
                )

    # Duplicate NodePorts and ports, considering (protocol, port) pairs.
    node_ports: set[tuple[str, int]] = set()
    for i, sp in enumerate(ports):
        if not sp.nodePort:
            continue
        key = (sp.protocol or "", sp.nodePort)
        if key in node_ports:
            errs.append(duplicate(ports_path.index(i).child("nodePort"), sp.nodePort))
        node_ports.add(key)
    seen_ports: set[tuple[str, int]] = set()
    for i, sp in enumerate(ports):
        key = (sp.protocol or "", sp.port or 0)
        if key in seen_ports:
            # The bad value is an internal core.ServicePort; it has no json tags, so Go field names show.
            errs.append(
                duplicate(
                    ports_path.index(i),
                    GoStruct(
                        Name="", Protocol=key[0], AppProtocol=None, Port=key[1], TargetPort=0, NodePort=0
                    ),
                )
            )
        seen_ports.add(key)

    if s.loadBalancerSourceRanges:
        # Upstream names this path with a capital L.
        fpath = spec_path.child("LoadBalancerSourceRanges")
        if stype != "LoadBalancer":
            errs.append(forbidden(fpath, "may only be used when `type` is 'LoadBalancer'"))
        for idx, value in enumerate(s.loadBalancerSourceRanges):
            # "due to a historical accident ... these values are allowed to be space-padded"
            errs += is_valid_cidr(fpath.index(idx), value.strip())
    elif _ANN_LB_SOURCE_RANGES in annotations:
        fpath = Path("metadata", "annotations").key(_ANN_LB_SOURCE_RANGES)
        if stype != "LoadBalancer":
            errs.append(forbidden(fpath, "may only be used when `type` is 'LoadBalancer'"))
        val = annotations[_ANN_LB_SOURCE_RANGES].strip()
        if val:
            for value in val.split(","):
                errs += is_valid_cidr(fpath, value.strip())

    if s.allocateLoadBalancerNodePorts is not None and stype != "LoadBalancer":
        errs.append(
            forbidden(
                spec_path.child("allocateLoadBalancerNodePorts"),
                "may only be used when `type` is 'LoadBalancer'",
            )
        )
    if stype == "LoadBalancer" and s.allocateLoadBalancerNodePorts is None:
        # Upstream uses field.NewPath("allocateLoadBalancerNodePorts") here, without "spec.".
        errs.append(required(Path("allocateLoadBalancerNodePorts")))

    errs += _validate_load_balancer_class(None, svc)
    errs += _validate_external_traffic_policy(svc)
    errs += _validate_internal_traffic_policy(svc)
    errs += _validate_traffic_distribution(svc)
    return errs


def validate_service_create(svc: Any) -> list[FieldError]:
    """``ValidateServiceCreate`` (= :func:`validate_service`)."""
    return validate_service(svc)


def _validate_upgrade_downgrade_cluster_ips(old: Any, svc: Any) -> list[FieldError]:
    o, n = _spec(old), _spec(svc)
    if n.type == "ExternalName" or o.type == "ExternalName":
        return []
    if is_headless_service(old) and is_headless_service(svc):
        return []
    errs: list[FieldError] = []
    old_ips, new_ips = list(o.clusterIPs or []), list(n.clusterIPs or [])
    ips_path = Path("spec", "clusterIPs")
    if len(old_ips) == len(new_ips):
        for i, ip in enumerate(old_ips):
            if ip != new_ips[i]:
                errs.append(invalid(ips_path.index(i), new_ips, "may not change once set"))
    elif len(old_ips) > len(new_ips):
        if not new_ips:
            errs.append(invalid(ips_path.index(0), new_ips, "primary clusterIP can not be unset"))
        if old_ips and new_ips and new_ips[0] != old_ips[0]:
            errs.append(invalid(ips_path.index(0), new_ips, "may not change once set"))
        if len(new_ips) == 1 and n.ipFamilyPolicy != "SingleStack":
            errs.append(
                invalid(
                    Path("spec", "ipFamilyPolicy"),
                    n.ipFamilyPolicy,
                    "must be set to 'SingleStack' when releasing the secondary clusterIP",
                )
            )
    else:
        if old_ips and new_ips[0] != old_ips[0]:
            errs.append(invalid(ips_path.index(0), new_ips, "may not change once set"))
    return errs


def _validate_upgrade_downgrade_ip_families(old: Any, svc: Any) -> list[FieldError]:
    o, n = _spec(old), _spec(svc)
    if n.type == "ExternalName" or o.type == "ExternalName":
        return []
    if is_headless_service(old) != is_headless_service(svc) or is_headless_service(svc):
        return []
    errs: list[FieldError] = []
    old_f, new_f = list(o.ipFamilies or []), list(n.ipFamilies or [])
    fam0 = Path("spec", "ipFamilies").index(0)
    if len(old_f) == len(new_f):
        for i, fam in enumerate(old_f):
            if fam != new_f[i]:
                errs.append(invalid(fam0, new_f, "may not change once set"))
    elif len(old_f) > len(new_f):
        if not (n.clusterIPs or []):
            errs.append(invalid(fam0, new_f, "primary ipFamily can not be unset"))
        if new_f and new_f[0] != old_f[0]:
            # Upstream reports ClusterIPs as the bad value here.
            errs.append(invalid(fam0, list(n.clusterIPs or []), "may not change once set"))
        if len(new_f) == 1 and n.ipFamilyPolicy != "SingleStack":
            errs.append(
                invalid(
                    Path("spec", "ipFamilyPolicy"),
                    n.ipFamilyPolicy,
                    "must be set to 'SingleStack' when releasing the secondary ipFamily",
                )
            )
    else:
        if old_f and new_f and new_f[0] != old_f[0]:
            errs.append(invalid(fam0, list(n.clusterIPs or []), "may not change once set"))
    return errs


def validate_service_update(svc: Any, old: Any) -> list[FieldError]:
    """``ValidateServiceUpdate(new, old)``: metadata update rules, clusterIPs/ipFamilies immutability (with the
    dual-stack upgrade/downgrade exceptions), loadBalancerClass immutability, healthCheckNodePort immutability,
    then :func:`validate_service` on the new object.

    >>> from k8snet.api.core_v1 import Service
    >>> from k8snet.apiserver.defaulting import set_defaults_service
    >>> def mk(ip):
    ...     s = Service(metadata={"name": "web", "namespace": "default", "resourceVersion": "1"},
    ...                 spec={"clusterIP": ip, "clusterIPs": [ip], "ports": [{"port": 80}]})
    ...     set_defaults_service(s)
    ...     return s
    >>> [str(e) for e in validate_service_update(mk("10.96.0.11"), mk("10.96.0.10"))]
    ['spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set']
    """
    errs = validate_object_meta_update(svc.metadata, old.metadata, Path("metadata"))
    errs += _validate_upgrade_downgrade_cluster_ips(old, svc)
    errs += _validate_upgrade_downgrade_ip_families(old, svc)
    errs += _validate_load_balancer_class(old, svc)
    if needs_health_check(old) and needs_health_check(svc):
        if (_spec(svc).healthCheckNodePort or 0) != (_spec(old).healthCheckNodePort or 0):
            errs.append(forbidden(Path("spec", "healthCheckNodePort"), "field is immutable"))
    return errs + validate_service(svc)


def validate_service_status_update(svc: Any, old: Any) -> list[FieldError]:
    """``ValidateServiceStatusUpdate``: metadata update rules and ``ValidateLoadBalancerStatus`` (what a cloud
    or servicelb controller may write into ``status.loadBalancer``). ``AllowServiceLBStatusOnNonLB`` is off.

    >>> from k8snet.api.core_v1 import Service
    >>> def mk(ingress):
    ...     return Service(metadata={"name": "lb", "namespace": "default", "resourceVersion": "1"},
    ...                    spec={"type": "LoadBalancer"}, status={"loadBalancer": {"ingress": ingress}})
    >>> [str(e) for e in validate_service_status_update(mk([{"ip": "172.18.0.5"}]), mk(None))]
    ['status.loadBalancer.ingress[0].ipMode: Required value: must be specified when `ip` is set']
    """
    errs = validate_object_meta_update(svc.metadata, old.metadata, Path("metadata"))
    ingress_path = Path("status", "loadBalancer", "ingress")
    lb = svc.status.loadBalancer if svc.status is not None else None
    ingress = list((lb.ingress or []) if lb is not None else [])
    if _spec(svc).type != "LoadBalancer" and ingress:
        return errs + [forbidden(ingress_path, "may only be used when `spec.type` is 'LoadBalancer'")]
    for i, ing in enumerate(ingress):
        ipath = ingress_path.index(i)
        if ing.ip:
            errs += is_valid_ip(ipath.child("ip"), ing.ip)
        if ing.ipMode is None and ing.ip:
            errs.append(required(ipath.child("ipMode"), "must be specified when `ip` is set"))
        elif ing.ipMode is not None and not ing.ip:
            errs.append(forbidden(ipath.child("ipMode"), "may not be specified when `ip` is not set"))
        elif ing.ipMode is not None and ing.ipMode not in ("Proxy", "VIP"):
            errs.append(not_supported(ipath.child("ipMode"), ing.ipMode, ["Proxy", "VIP"]))
        if ing.hostname:
            errs += [
                invalid(ipath.child("hostname"), ing.hostname, m) for m in is_dns1123_subdomain(ing.hostname)
            ]
            if parse_ip_sloppy(ing.hostname) is not None:
                errs.append(
                    invalid(ipath.child("hostname"), ing.hostname, "must be a DNS name, not an IP address")
                )
    return errs


# --------------------------------------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------------------------------------


def _validate_endpoint_address(addr: Any, path: Path) -> list[FieldError]:
    errs = is_valid_ip(path.child("ip"), addr.ip)
    if addr.hostname:
        errs += validate_dns1123_label(addr.hostname, path.child("hostname"))
    if addr.nodeName is not None:
        errs += [
            invalid(path.child("nodeName"), addr.nodeName, m)
            for m in name_is_dns_subdomain(addr.nodeName, False)
        ]
    errs += validate_non_special_ip(addr.ip, path.child("ip"))
    return errs


def _validate_endpoint_port(port: Any, require_name: bool, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    name = port.name or ""
    if require_name and not name:
        errs.append(required(path.child("name")))
    elif name:
        errs += validate_dns1123_label(name, path.child("name"))
    p = port.port or 0
    errs += [invalid(path.child("port"), p, m) for m in is_valid_port_num(p)]
    proto = port.protocol or ""
    if not proto:
        errs.append(required(path.child("protocol")))
    elif proto not in _PROTOCOLS:
        errs.append(not_supported(path.child("protocol"), proto, _PROTOCOLS))
    if port.appProtocol is not None:
        errs += validate_qualified_name(port.appProtocol, path.child("appProtocol"))
    return errs


def validate_endpoints(ep: Any) -> list[FieldError]:
    """``ValidateEndpoints`` (create/update): metadata, and each subset's addresses and ports.

    >>> from k8snet.api.core_v1 import Endpoints
    >>> ep = Endpoints(metadata={"name": "web", "namespace": "default"},
    ...                subsets=[{"addresses": [{"ip": "127.0.0.1"}], "ports": [{"port": 80, "protocol": "TCP"}]}])
    >>> [str(e) for e in validate_endpoints(ep)]
    ['subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']
    """
    errs = validate_object_meta(ep.metadata, True, name_is_dns_subdomain, Path("metadata"))
    spath = Path("subsets")
    for i, ss in enumerate(ep.subsets or []):
        ipath = spath.index(i)
        if not ss.addresses and not ss.notReadyAddresses:
            errs.append(required(ipath, "must specify `addresses` or `notReadyAddresses`"))
        for j, a in enumerate(ss.addresses or []):
            errs += _validate_endpoint_address(a, ipath.child("addresses").index(j))
        for j, a in enumerate(ss.notReadyAddresses or []):
            errs += _validate_endpoint_address(a, ipath.child("notReadyAddresses").index(j))
        ports = ss.ports or []
        for j, p in enumerate(ports):
            errs += _validate_endpoint_port(p, len(ports) > 1, ipath.child("ports").index(j))
    return errs


# --------------------------------------------------------------------------------------------------------
# Pods and Pod templates, Namespaces, Nodes
# --------------------------------------------------------------------------------------------------------

_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_PULL_POLICIES = ["Always", "IfNotPresent", "Never"]  # sets.List(supportedPullPolicies): sorted
_TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
#: validation.go: MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars (ExpandedDNSConfig limits)
MAX_DNS_NAMESERVERS, MAX_DNS_SEARCH_PATHS, MAX_DNS_SEARCH_LIST_CHARS = 3, 32, 2048


def _validate_container_ports(ports: Iterable[Any], path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        ipath = path.index(i)
        name = port.name or ""
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(ipath.child("name"), name, m) for m in msgs]
            elif name in names:
                errs.append(duplicate(ipath.child("name"), name))
            else:
                names.add(name)
        if not port.containerPort:
            errs.append(required(ipath.child("containerPort")))
        else:
            errs += [
                invalid(ipath.child("containerPort"), port.containerPort, m)
                for m in is_valid_port_num(port.containerPort)
            ]
        if port.hostPort:
            errs += [
                invalid(ipath.child("hostPort"), port.hostPort, m) for m in is_valid_port_num(port.hostPort)
            ]
        proto = port.protocol or ""
        if not proto:
            errs.append(required(ipath.child("protocol")))
        elif proto not in _PROTOCOLS:
            errs.append(not_supported(ipath.child("protocol"), proto, _PROTOCOLS))
    return errs


def _validate_container_common(c: Any, path: Path) -> list[FieldError]:
    """``validateContainerCommon``, the parts k8snet models: name, image, terminationMessagePolicy, ports,
    imagePullPolicy."""
    errs: list[FieldError] = []
    if not c.name:
        errs.append(required(path.child("name")))
    else:
        errs += validate_dns1123_label(c.name, path.child("name"))
    if not c.image:
        errs.append(required(path.child("image")))
    elif c.image != c.image.strip():
        errs.append(invalid(path.child("image"), c.image, "must not have leading or trailing whitespace"))
    tmp = c.terminationMessagePolicy or ""
    if not tmp:
        errs.append(required(path.child("terminationMessagePolicy")))
    elif tmp not in _TERMINATION_MESSAGE_POLICIES:
        errs.append(not_supported(path.child("terminationMessagePolicy"), tmp, _TERMINATION_MESSAGE_POLICIES))
    errs += _validate_container_ports(c.ports or [], path.child("ports"))
    pull = c.imagePullPolicy or ""
    if not pull:
        errs.append(required(path.child("imagePullPolicy")))
    elif pull not in _PULL_POLICIES:
        errs.append(not_supported(path.child("imagePullPolicy"), pull, _PULL_POLICIES))
    return errs


def _check_host_port_conflicts(containers: Iterable[Any], path: Path) -> list[FieldError]:
    """``AccumulateUniqueHostPorts``: one ``protocol/hostIP/hostPort`` per Pod."""
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, c in enumerate(containers):
        for j, port in enumerate(c.ports or []):
            if not port.hostPort:
                continue
            key = f"{port.protocol or ''}/{port.hostIP or ''}/{port.hostPort}"
            if key in seen:
                errs.append(duplicate(path.index(i).child("ports").index(j).child("hostPort"), key))
            else:
                seen.add(key)
    return errs


def _validate_pod_host_network_deps(spec: Any, path: Path, is_pod: bool) -> list[FieldError]:
    """``validatePodHostNetworkDeps``: with ``hostNetwork`` a container's hostPort must equal its
    containerPort (in a Pod template 0 is allowed too: it is defaulted when the Pod is created)."""
    errs: list[FieldError] = []
    if not spec.hostNetwork:
        return errs
    for i, c in enumerate(spec.containers or []):
        for j, port in enumerate(c.ports or []):
            hp, cp = port.hostPort or 0, port.containerPort or 0
            if (is_pod or hp != 0) and hp != cp:
                errs.append(
                    invalid(
                        path.child("containers").index(i).child("ports").index(j).child("hostPort"),
                        hp,
                        "must match `containerPort` when `hostNetwork` is true",
                    )
                )
    return errs


def validate_pod_dns_config(config: Any, dns_policy: str, path: Path) -> list[FieldError]:
    """``validatePodDNSConfig``: ``dnsPolicy: None`` needs a config with a nameserver; at most 3 nameservers,
    each an IP; at most 32 search domains and 2048 characters of them, each a DNS subdomain (``_`` allowed, one
    trailing dot ignored, ``.`` alone accepted: ``RelaxedDNSSearchValidation``); every option named.

    >>> from k8snet.api.core_v1 import PodDNSConfig
    >>> [str(e) for e in validate_pod_dns_config(None, "None", Path("spec", "dnsConfig"))]
    ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']
    >>> cfg = PodDNSConfig(nameservers=["1.1.1.1", "bad"], options=[{"value": "2"}])
    >>> [str(e) for e in validate_pod_dns_config(cfg, "ClusterFirst", Path("spec", "dnsConfig"))]
    ['spec.dnsConfig.nameservers[1]: Invalid value: "bad": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)', 'spec.dnsConfig.options[0]: Required value: must not be empty']
    """
    errs: list[FieldError] = []
    if dns_policy == "None":
        if config is None:
            return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not config.nameservers:
            return [
                required(
                    path.child("nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            ]
    if config is None:
        return errs
    nameservers = list(config.nameservers or [])
    if len(nameservers) > MAX_DNS_NAMESERVERS:
        errs.append(
            invalid(
                path.child("nameservers"),
                nameservers,
                f"must not have more than {MAX_DNS_NAMESERVERS} nameservers",
            )
        )
    for i, ns in enumerate(nameservers):
        errs += is_valid_ip(path.child("nameservers").index(i), ns)
    searches = list(config.searches or [])
    if len(searches) > MAX_DNS_SEARCH_PATHS:
        errs.append(
            invalid(
                path.child("searches"),
                searches,
                f"must not have more than {MAX_DNS_SEARCH_PATHS} search paths",
            )
        )
    if len(" ".join(searches).encode()) > MAX_DNS_SEARCH_LIST_CHARS:
        errs.append(
            invalid(
                path.child("searches"),
                searches,
                f"must not have more than {MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list",
            )
        )
    for i, search in enumerate(searches):
        if search != ".":
            trimmed = search[:-1] if search.endswith(".") else search
            errs += [
                invalid(path.child("searches").index(i), trimmed, m)
                for m in is_dns1123_subdomain_with_underscore(trimmed)
            ]
    for i, option in enumerate(config.options or []):
        if not option.name:
            errs.append(required(path.child("options").index(i), "must not be empty"))
    return errs


def validate_pod_spec(spec: Any, path: Path, is_pod: bool = True) -> list[FieldError]:
    """``ValidatePodSpec``, reduced to what touches networking, in upstream order: containers (and init
    containers) with their ports and host-port conflicts, hostNetwork's ports, restartPolicy, dnsPolicy,
    dnsConfig, nodeName, activeDeadlineSeconds, hostname, subdomain. Shared by the validation of Pods and of
    every kind with a Pod template; ``is_pod`` is false for a template.

    >>> [str(e) for e in validate_pod_spec(None, Path("spec"))]
    ['spec.containers: Required value']
    """
    errs: list[FieldError] = []
    if spec is None:
        return [required(path.child("containers"))]
    containers = spec.containers or []
    cpath = path.child("containers")
    if not containers:
        errs.append(required(cpath))
    names: set[str] = set()
    for i, c in enumerate(containers):
        ipath = cpath.index(i)
        errs += _validate_container_common(c, ipath)
        if (c.name or "") in names:
            errs.append(duplicate(ipath.child("name"), c.name or ""))
        else:
            names.add(c.name or "")
    errs += _check_host_port_conflicts(containers, cpath)
    ipath_root = path.child("initContainers")
    for i, c in enumerate(spec.initContainers or []):
        ipath = ipath_root.index(i)
        errs += _validate_container_common(c, ipath)
        if c.name in names:
            errs.append(duplicate(ipath.child("name"), c.name))
        elif c.name:
            names.add(c.name)
        errs += _check_host_port_conflicts([c], ipath_root)
    errs += _validate_pod_host_network_deps(spec, path, is_pod)
    rp = spec.restartPolicy or ""
    if not rp:
        errs.append(required(path.child("restartPolicy")))
    elif rp not in _RESTART_POLICIES:
        errs.append(not_supported(path.child("restartPolicy"), rp, _RESTART_POLICIES))
    dp = spec.dnsPolicy or ""
    if not dp:
        errs.append(required(path.child("dnsPolicy")))
    elif dp not in _DNS_POLICIES:
        errs.append(not_supported(path.child("dnsPolicy"), dp, _DNS_POLICIES))
    errs += validate_pod_dns_config(spec.dnsConfig, dp, path.child("dnsConfig"))
    if spec.nodeName:
        errs += [
            invalid(path.child("nodeName"), spec.nodeName, m) for m in is_dns1123_subdomain(spec.nodeName)
        ]
    if spec.activeDeadlineSeconds is not None and not 1 <= spec.activeDeadlineSeconds <= 2**31 - 1:
        errs.append(
            invalid(
                path.child("activeDeadlineSeconds"),
                spec.activeDeadlineSeconds,
                "must be between 1 and 2147483647, inclusive",
            )
        )
    if spec.hostname:
        errs += validate_dns1123_label(spec.hostname, path.child("hostname"))
    if spec.subdomain:
        errs += validate_dns1123_label(spec.subdomain, path.child("subdomain"))
    return errs


def validate_pod(pod: Any) -> list[FieldError]:
    """``ValidatePodCreate``, reduced to what a networking lesson exercises: metadata, containers (names,
    image, ports), restartPolicy, dnsPolicy, hostname/subdomain.

    >>> from k8snet.api.core_v1 import Pod
    >>> from k8snet.apiserver.defaulting import set_defaults_pod
    >>> pod = Pod(metadata={"name": "web", "namespace": "default"},
    ...           spec={"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 0}]}]})
    >>> set_defaults_pod(pod)
    >>> [str(e) for e in validate_pod(pod)]
    ['spec.containers[0].ports[0].containerPort: Required value']
    """
    errs = validate_object_meta(pod.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + validate_pod_spec(pod.spec, Path("spec"))


def validate_pod_template_spec_for_replica_set(template: Any, selector: Any, path: Path) -> list[FieldError]:
    """``ValidatePodTemplateSpecForReplicaSet``: the selector must match the template's labels; labels,
    annotations and the Pod spec are checked as for a Pod, ``restartPolicy`` must be ``Always`` and
    ``activeDeadlineSeconds`` unset. Deployments and ReplicaSets (:mod:`k8snet.apiserver.validation.apps`)
    check their template with it.

    >>> from k8snet.api.core_v1 import PodTemplateSpec
    >>> from k8snet.api.meta_v1 import LabelSelector
    >>> template = PodTemplateSpec(metadata={"labels": {"app": "api"}}, spec={"restartPolicy": "Always",
    ...     "dnsPolicy": "ClusterFirst", "containers": [{"name": "c", "image": "nginx"}]})
    >>> from k8snet.apiserver.defaulting import set_defaults_pod_spec
    >>> set_defaults_pod_spec(template.spec)  # validation runs on the defaulted object
    >>> selector = LabelSelector(matchLabels={"app": "web"})
    >>> errs = validate_pod_template_spec_for_replica_set(template, selector, Path("spec", "template"))
    >>> [str(e) for e in errs]
    ['spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`']
    """
    if template is None:
        return [required(path)]
    errs: list[FieldError] = []
    labels = (template.metadata.labels if template.metadata else None) or {}
    if selector is not None and (selector.matchLabels or selector.matchExpressions):
        if not selector.matches(labels):
            errs.append(
                invalid(
                    path.child("metadata", "labels"),
                    dict(labels),
                    "`selector` does not match template `labels`",
                )
            )
    if template.metadata is not None:
        errs += validate_labels(template.metadata.labels, path.child("labels"))
        errs += validate_annotations(template.metadata.annotations, path.child("annotations"))
    errs += validate_pod_spec(template.spec, path.child("spec"), is_pod=False)
    rp = (template.spec.restartPolicy if template.spec else None) or ""
    if rp != "Always":
        errs.append(not_supported(path.child("spec", "restartPolicy"), rp, ["Always"]))
    if template.spec is not None and template.spec.activeDeadlineSeconds is not None:
        errs.append(
            forbidden(
                path.child("spec", "activeDeadlineSeconds"),
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            )
        )
    return errs


def validate_namespace(ns: Any) -> list[FieldError]:
    """``ValidateNamespace`` (pkg/apis/core/validation/validation.go): metadata with ``ValidateNamespaceName``
    (a DNS-1123 label), cluster-scoped. Simplified: ``spec.finalizers`` names are not checked.

    >>> from k8snet.api.core_v1 import Namespace
    >>> [str(e) for e in validate_namespace(Namespace(metadata={"name": "Dev"}))][0][:60]
    'metadata.name: Invalid value: "Dev": a lowercase RFC 1123 la'
    """
    return validate_object_meta(ns.metadata, False, name_is_dns_label, Path("metadata"))


def validate_node(node: Any) -> list[FieldError]:
    """``ValidateNode``: metadata with ``ValidateNodeName`` (a DNS-1123 subdomain), cluster-scoped; and
    ``spec.podCIDRs`` must be CIDRs. Simplified: taints and the status are not checked.

    >>> from k8snet.api.core_v1 import Node
    >>> [str(e) for e in validate_node(Node(metadata={"name": "n1"}, spec={"podCIDRs": ["10.244.0.0/24"]}))]
    []
    """
    errs = validate_object_meta(node.metadata, False, name_is_dns_subdomain, Path("metadata"))
    spec = node.spec
    for i, cidr in enumerate((spec.podCIDRs if spec is not None else None) or []):
        errs += is_valid_cidr(Path("spec", "podCIDRs").index(i), cidr)
    return errs
