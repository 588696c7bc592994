"""Generic string validators: :mod:`k8snet.api.validation` (k8s.io/apimachinery ``pkg/util/validation``),
re-exported for the API server's validators, and the ones only the API server needs: ``IsConfigMapKey``,
``IsWildcardDNS1123Subdomain``, ``IsDomainPrefixedPath`` (the same file) and ``pkg/api/validation/path``
(``IsValidPathSegmentName``). Each returns the error messages, empty when the value is valid; the callers put
them on a field path as :class:`~k8snet.apiserver.field.FieldError`.

>>> is_dns1123_label("my-port")
[]
"""

from __future__ import annotations

import re

from k8snet.api.validation import (
    DNS1123_SUBDOMAIN_FMT,
    go_len,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_dns1123_subdomain_with_underscore,
    is_qualified_name,
    is_valid_label_value,
    is_valid_percent,
    is_valid_port_name,
    is_valid_port_num,
    max_len_error,
    regex_error,
)

__all__ = [
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_dns1123_subdomain_with_underscore",
    "is_dns1035_label",
    "is_qualified_name",
    "is_valid_label_value",
    "is_valid_port_num",
    "is_valid_port_name",
    "is_valid_percent",
    "is_config_map_key",
    "is_wildcard_dns1123_subdomain",
    "is_valid_path_segment_name",
    "is_domain_prefixed_path",
]


_CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_MAP_KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_WILDCARD_DNS1123_SUBDOMAIN_FMT = "\\*\\." + DNS1123_SUBDOMAIN_FMT
_WILDCARD_DNS1123_SUBDOMAIN_ERR = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of "
    "lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character"
)
_HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"


def is_config_map_key(value: str) -> list[str]:
    """``IsConfigMapKey``: the keys of ConfigMap and Secret ``data``: ``[-._a-zA-Z0-9]+``, at most 253
    characters, not ``.``/``..`` nor starting with ``..`` (``hasChDirPrefix``).

    >>> is_config_map_key("app.properties"), is_config_map_key("..data")
    ([], ["must not start with '..'"])
    """
    errs = []
    if go_len(value) > 253:
        errs.append(max_len_error(253))
    if not re.fullmatch(_CONFIG_MAP_KEY_FMT, value):
        errs.append(regex_error(_CONFIG_MAP_KEY_ERR, _CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """``IsWildcardDNS1123Subdomain`` (Ingress hosts such as ``*.example.com``).

    >>> is_wildcard_dns1123_subdomain("*.example.com"), len(is_wildcard_dns1123_subdomain("*example.com"))
    ([], 1)
    """
    errs = []
    if go_len(value) > 253:
        errs.append(max_len_error(253))
    if not re.fullmatch(_WILDCARD_DNS1123_SUBDOMAIN_FMT, value):
        errs.append(
            regex_error(_WILDCARD_DNS1123_SUBDOMAIN_ERR, _WILDCARD_DNS1123_SUBDOMAIN_FMT, "*.example.com")
        )
    return errs


def is_valid_path_segment_name(name: str) -> list[str]:
    """``path.IsValidPathSegmentName`` (k8s.io/apimachinery ``pkg/api/validation/path``): the names of RBAC
    objects may be anything that fits in one URL path segment.

    >>> is_valid_path_segment_name("system:controller:job-controller"), is_valid_path_segment_name("a/b%")
    ([], ["may not contain '/'", "may not contain '%'"])
    """
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def is_domain_prefixed_path(value: str) -> list[tuple[str, str]]:
    """``IsDomainPrefixedPath`` (an IngressClass ``controller``): ``(bad value, message)`` pairs; an empty value
    is ``("", "")`` (the caller reports it as required).

    >>> is_domain_prefixed_path("k8s.io/ingress-nginx"), is_domain_prefixed_path("nginx")
    ([], [('nginx', 'must be a domain-prefixed path (such as "acme.io/foo")')])
    """
    if not value:
        return [("", "")]
    host, sep, path = value.partition("/")
    if not sep or not host or not path:
        return [(value, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    errs = [(host, m) for m in is_dns1123_subdomain(host)]
    if not re.fullmatch(_HTTP_PATH_FMT, path):
        errs.append((path, regex_error("must be a valid path", _HTTP_PATH_FMT)))
    return errs
