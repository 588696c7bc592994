"""Validation of networking.k8s.io/v1 Ingresses, IngressClasses and NetworkPolicies.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/networking/validation/validation.go``: ``ValidateIngressCreate``
(``defaultBackend`` or ``rules``; hosts DNS-1123 subdomains or wildcards, not IPs; each path with a ``pathType``
— the error every pre-v1 Ingress manifest meets — an absolute path, a Service backend named as a Service and one
port name or number; TLS hosts and secret names; the class annotation agreeing with ``ingressClassName``),
``ValidateIngressClass`` (a domain-prefixed ``controller``, the ``parameters`` reference) and
``ValidateNetworkPolicy`` (selectors, ports, one kind of peer each, ``ipBlock`` CIDRs, ``policyTypes``).
``RelaxedServiceNameValidation`` is alpha (off) in v1.34, so backend Service names are DNS-1035 labels.

>>> from k8snet.api.networking_v1 import Ingress
>>> ing = Ingress(metadata={"name": "web", "namespace": "default"}, spec={"rules": [{"http": {"paths": [
...     {"path": "/", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]})
>>> [str(e) for e in validate_ingress(ing)]
['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']
"""

from __future__ import annotations

from typing import Any

from k8snet.netutils import parse_cidr_sloppy, parse_ip_sloppy

from ..field import FieldError, Path, forbidden, invalid, not_supported, required, too_long, too_many
from .generic import name_is_dns1035_label, name_is_dns_label, name_is_dns_subdomain
from .ip import is_valid_cidr
from .meta_v1 import validate_label_selector
from .objectmeta import FIELD_IMMUTABLE_ERROR_MSG, validate_object_meta, validate_object_meta_update
from .util import (
    is_dns1123_subdomain,
    is_domain_prefixed_path,
    is_valid_path_segment_name,
    is_valid_port_name,
    is_valid_port_num,
    is_wildcard_dns1123_subdomain,
)

__all__ = [
    "validate_ingress",
    "validate_ingress_update",
    "validate_ingress_class",
    "validate_ingress_class_update",
    "validate_network_policy",
]

_PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]  # sets.NewString(...).List(): sorted
_INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"]
_INVALID_PATH_SUFFIXES = ["/..", "/."]
_CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def _validate_backend(backend: Any, path: Path) -> list[FieldError]:
    if backend is None:
        return [invalid(path, "", "resource or service backend is required")]
    has_resource, has_service = backend.resource is not None, backend.service is not None
    if has_resource and has_service:
        return [invalid(path, "", "cannot set both resource and service backends")]
    errs: list[FieldError] = []
    if has_resource:
        ref = backend.resource
        rpath = path.child("resource")
        if ref.apiGroup is not None:
            errs += [
                invalid(rpath.child("apiGroup"), ref.apiGroup, m) for m in is_dns1123_subdomain(ref.apiGroup)
            ]
        for name in ("kind", "name"):
            value = getattr(ref, name) or ""
            if not value:
                errs.append(required(rpath.child(name)))
            else:
                errs += [invalid(rpath.child(name), value, m) for m in is_valid_path_segment_name(value)]
        return errs
    if not has_service:
        return [invalid(path, "", "resource or service backend is required")]
    svc = backend.service
    name = svc.name or ""
    if not name:
        errs.append(required(path.child("service", "name")))
    else:
        errs += [invalid(path.child("service", "name"), name, m) for m in name_is_dns1035_label(name, False)]
    port_name = (svc.port.name if svc.port else None) or ""
    port_number = (svc.port.number if svc.port else None) or 0
    if port_name and port_number:
        errs.append(invalid(path, "", "cannot set both port name & port number"))
    elif port_name:
        errs += [
            invalid(path.child("service", "port", "name"), port_name, m)
            for m in is_valid_port_name(port_name)
        ]
    elif port_number:
        errs += [
            invalid(path.child("service", "port", "number"), port_number, m)
            for m in is_valid_port_num(port_number)
        ]
    else:
        errs.append(required(path, "port name or number is required"))
    return errs


def _validate_http_path(p: Any, path: Path) -> list[FieldError]:
    if p.pathType is None:
        return [required(path.child("pathType"), "pathType must be specified")]
    errs: list[FieldError] = []
    value = p.path or ""
    if p.pathType in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(invalid(path.child("path"), value, "must be an absolute path"))
        if value:
            errs += [
                invalid(path.child("path"), value, f"must not contain '{seq}'")
                for seq in _INVALID_PATH_SEQUENCES
                if seq in value
            ]
            errs += [
                invalid(path.child("path"), value, f"cannot end with '{suf}'")
                for suf in _INVALID_PATH_SUFFIXES
                if value.endswith(suf)
            ]
    elif p.pathType == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(invalid(path.child("path"), value, "must be an absolute path"))
    else:
        errs.append(not_supported(path.child("pathType"), p.pathType, _PATH_TYPES))
    return errs + _validate_backend(p.backend, path.child("backend"))


def _validate_host(host: str, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    if parse_ip_sloppy(host) is not None:
        errs.append(invalid(path, host, "must be a DNS name, not an IP address"))
    if "*" in host:
        errs += [invalid(path, host, m) for m in is_wildcard_dns1123_subdomain(host)]
    else:
        errs += [invalid(path, host, m) for m in is_dns1123_subdomain(host)]
    return errs


def _validate_ingress_spec(spec: Any, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    rules = (spec.rules if spec else None) or []
    default = spec.defaultBackend if spec else None
    if not rules and default is None:
        errs.append(
            invalid(
                path,
                [r.to_dict() for r in rules] or None,
                "either `defaultBackend` or `rules` must be specified",
            )
        )
    if default is not None:
        errs += _validate_backend(default, path.child("defaultBackend"))
    for i, rule in enumerate(rules):
        rpath = path.child("rules").index(i)
        if rule.host:
            errs += _validate_host(rule.host, rpath.child("host"))
        if rule.http is not None:
            hpath = rpath.child("http")
            paths = rule.http.paths or []
            if not paths:
                errs.append(required(hpath.child("paths")))
            for j, p in enumerate(paths):
                errs += _validate_http_path(p, hpath.child("paths").index(j))
    for i, tls in enumerate((spec.tls if spec else None) or []):
        tpath = path.child("tls").index(i)
        for j, host in enumerate(tls.hosts or []):
            hp = tpath.child("hosts").index(j)
            checker = is_wildcard_dns1123_subdomain if "*" in host else is_dns1123_subdomain
            errs += [invalid(hp, host, m) for m in checker(host)]
        if tls.secretName:
            errs += [
                invalid(tpath.child("secretName"), tls.secretName, m)
                for m in name_is_dns_subdomain(tls.secretName, False)
            ]
    if spec is not None and spec.ingressClassName is not None:
        errs += [
            invalid(path.child("ingressClassName"), spec.ingressClassName, m)
            for m in name_is_dns_subdomain(spec.ingressClassName, False)
        ]
    return errs


def validate_ingress(ing: Any) -> list[FieldError]:
    """``ValidateIngressCreate``: name, spec, and the ``kubernetes.io/ingress.class`` annotation agreeing with
    ``spec.ingressClassName``."""
    errs = validate_object_meta(ing.metadata, True, name_is_dns_subdomain, Path("metadata"))
    errs += _validate_ingress_spec(ing.spec, Path("spec"))
    annotation = (ing.metadata.annotations or {}).get(_CLASS_ANNOTATION)
    cls = ing.spec.ingressClassName if ing.spec else None
    if annotation is not None and cls is not None and annotation != cls:
        errs.append(
            invalid(
                Path("annotations").child(_CLASS_ANNOTATION),
                annotation,
                "must match `ingressClassName` when both are specified",
            )
        )
    return errs


def validate_ingress_update(ing: Any, old: Any) -> list[FieldError]:
    """``ValidateIngressUpdate``."""
    errs = validate_object_meta_update(ing.metadata, old.metadata, Path("metadata"))
    errs += validate_object_meta(ing.metadata, True, name_is_dns_subdomain, Path("metadata"))
    return errs + _validate_ingress_spec(ing.spec, Path("spec"))


def validate_ingress_class(ic: Any) -> list[FieldError]:
    """``ValidateIngressClass``: name; ``controller`` a domain-prefixed path of at most 250 characters; the
    ``parameters`` reference (scope ``Cluster`` or ``Namespace``).

    >>> from k8snet.api.networking_v1 import IngressClass
    >>> [str(e) for e in validate_ingress_class(IngressClass(metadata={"name": "nginx"}, spec={}))]
    ['spec.controller: Required value']
    """
    errs = validate_object_meta(ic.metadata, False, name_is_dns_subdomain, Path("metadata"))
    spec = ic.spec
    path = Path("spec")
    controller = (spec.controller if spec else None) or ""
    if len(controller) > 250:
        errs.append(too_long(path.child("controller"), "", 250))
    for bad, msg in is_domain_prefixed_path(controller):
        errs.append(
            required(path.child("controller")) if not msg else invalid(path.child("controller"), bad, msg)
        )
    params = spec.parameters if spec else None
    if params is not None:
        ppath = path.child("parameters")
        if params.apiGroup is not None:
            errs += [
                invalid(ppath.child("apiGroup"), params.apiGroup, m)
                for m in is_dns1123_subdomain(params.apiGroup)
            ]
        for name in ("kind", "name"):
            value = getattr(params, name) or ""
            if not value:
                errs.append(required(ppath.child(name)))
            else:
                errs += [invalid(ppath.child(name), value, m) for m in is_valid_path_segment_name(value)]
        if params.scope is None:
            errs.append(required(ppath.child("scope")))
        elif params.scope not in ("Cluster", "Namespace"):
            errs.append(not_supported(ppath.child("scope"), params.scope, ["Cluster", "Namespace"]))
        elif params.scope == "Namespace":
            if params.namespace is None:
                errs.append(required(ppath.child("namespace"), "`parameters.scope` is set to 'Namespace'"))
            else:
                errs += [
                    invalid(ppath.child("namespace"), params.namespace, m)
                    for m in name_is_dns_label(params.namespace, False)
                ]
        elif params.namespace is not None:
            errs.append(forbidden(ppath.child("namespace"), "`parameters.scope` is set to 'Cluster'"))
    return errs


def validate_ingress_class_update(ic: Any, old: Any) -> list[FieldError]:
    """``ValidateIngressClassUpdate``: ``spec.controller`` is immutable."""
    errs = validate_object_meta_update(ic.metadata, old.metadata, Path("metadata"))
    new_c = (ic.spec.controller if ic.spec else None) or ""
    old_c = (old.spec.controller if old.spec else None) or ""
    if new_c != old_c:
        errs.append(invalid(Path("spec", "controller"), new_c, FIELD_IMMUTABLE_ERROR_MSG))
    return errs + validate_ingress_class(ic)


def _validate_np_port(port: Any, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    if port.protocol is not None and port.protocol not in ("TCP", "UDP", "SCTP"):
        errs.append(not_supported(path.child("protocol"), port.protocol, ["TCP", "UDP", "SCTP"]))
    if port.port is not None:
        if isinstance(port.port, int):
            errs += [invalid(path.child("port"), port.port, m) for m in is_valid_port_num(port.port)]
            if port.endPort is not None:
                if port.endPort < port.port:
                    errs.append(
                        invalid(path.child("endPort"), port.port, "must be greater than or equal to `port`")
                    )
                if port.endPort < 1:
                    errs.append(
                        invalid(path.child("endPort"), port.endPort, "must be greater than or equal to 1")
                    )
                if port.endPort > 65535:
                    errs.append(
                        invalid(path.child("endPort"), port.endPort, "must be less than or equal to 65535")
                    )
        else:
            if port.endPort is not None:
                errs.append(
                    invalid(
                        path.child("endPort"), port.endPort, "may not be specified when `port` is non-numeric"
                    )
                )
            errs += [invalid(path.child("port"), port.port, m) for m in is_valid_port_name(port.port)]
    elif port.endPort is not None:
        errs.append(
            invalid(path.child("endPort"), port.endPort, "may not be specified when `port` is not specified")
        )
    return errs


def _validate_ip_block(block: Any, path: Path) -> list[FieldError]:
    if not block.cidr:
        return [required(path.child("cidr"))]
    errs = list(is_valid_cidr(path.child("cidr"), block.cidr))
    parsed = parse_cidr_sloppy(block.cidr)
    if parsed is None:
        return errs
    outer = parsed[1]
    for i, text in enumerate(block.except_ or []):
        epath = path.child("except").index(i)
        errs += is_valid_cidr(epath, text)
        parsed_inner = parse_cidr_sloppy(text)
        if parsed_inner is None:
            continue
        inner = parsed_inner[1]
        if (
            inner.version != outer.version
            or inner.network_address not in outer
            or outer.prefixlen >= inner.prefixlen
        ):
            errs.append(invalid(epath, text, "must be a strict subset of `cidr`"))
    return errs


def _validate_peer(peer: Any, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    count = 0
    if peer.podSelector is not None:
        count += 1
        errs += validate_label_selector(peer.podSelector, path.child("podSelector"))
    if peer.namespaceSelector is not None:
        count += 1
        errs += validate_label_selector(peer.namespaceSelector, path.child("namespaceSelector"))
    if peer.ipBlock is not None:
        count += 1
        errs += _validate_ip_block(peer.ipBlock, path.child("ipBlock"))
    if count == 0:
        errs.append(required(path, "must specify a peer"))
    elif count > 1 and peer.ipBlock is not None:
        errs.append(forbidden(path, "may not specify both ipBlock and another peer"))
    return errs


def validate_network_policy(np: Any) -> list[FieldError]:
    """``ValidateNetworkPolicy``: name, ``podSelector``, each rule's ports and peers, ``policyTypes``.

    >>> from k8snet.api.networking_v1 import NetworkPolicy
    >>> np = NetworkPolicy.model_validate({"metadata": {"name": "db", "namespace": "default"},
    ...     "spec": {"podSelector": {}, "ingress": [{"from": [{}]}], "policyTypes": ["Ingress"]}})
    >>> [str(e) for e in validate_network_policy(np)]
    ['spec.ingress[0].from[0]: Required value: must specify a peer']
    """
    errs = validate_object_meta(np.metadata, True, name_is_dns_subdomain, Path("metadata"))
    spec = np.spec
    path = Path("spec")
    if spec is None:
        return errs
    errs += validate_label_selector(spec.podSelector, path.child("podSelector"))
    for i, rule in enumerate(spec.ingress or []):
        rpath = path.child("ingress").index(i)
        for j, port in enumerate(rule.ports or []):
            errs += _validate_np_port(port, rpath.child("ports").index(j))
        for j, peer in enumerate(rule.from_ or []):
            errs += _validate_peer(peer, rpath.child("from").index(j))
    for i, rule in enumerate(spec.egress or []):
        rpath = path.child("egress").index(i)
        for j, port in enumerate(rule.ports or []):
            errs += _validate_np_port(port, rpath.child("ports").index(j))
        for j, peer in enumerate(rule.to or []):
            errs += _validate_peer(peer, rpath.child("to").index(j))
    types = spec.policyTypes or []
    if len(types) > 2:
        errs.append(too_many(path.child("policyTypes"), len(types), 2))
        return errs
    for i, t in enumerate(types):
        if t not in ("Ingress", "Egress"):
            errs.append(not_supported(path.child("policyTypes").index(i), t, ["Ingress", "Egress"]))
    return errs
