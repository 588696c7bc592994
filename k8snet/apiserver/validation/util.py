"""Generic string validators: DNS labels and subdomains, qualified names, label values, ports, percents.

A port of k8s.io/apimachinery ``pkg/util/validation/validation.go`` (``IsDNS1123Label``,
``IsDNS1123Subdomain``, ``IsDNS1035Label``, ``IsQualifiedName``, ``IsValidLabelValue``, ``IsValidPortNum``,
``IsValidPortName``, ``IsValidPercent``, ``IsConfigMapKey``, ``IsWildcardDNS1123Subdomain``,
``IsDomainPrefixedPath``) and ``pkg/api/validation/path`` (``IsValidPathSegmentName``). Each returns the error messages, empty when the value is valid; the callers put them on a
field path as :class:`~k8snet.apiserver.field.FieldError`.

>>> is_dns1123_label("my-port"), is_valid_port_num(0)
([], ['must be between 1 and 65535, inclusive'])
"""

from __future__ import annotations

import re

__all__ = [
    "is_dns1123_label",
    "is_dns1123_subdomain",
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

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_ERR = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character"
)
_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
_LABEL_VALUE_FMT = "(" + _QNAME_FMT + ")?"
_LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_PERCENT_FMT = "[0-9]+%"
_PERCENT_ERR = "a valid percent string must be a numeric string followed by an ending '%'"

_re = {
    k: re.compile(v)
    for k, v in {
        "l1123": _DNS1123_LABEL_FMT,
        "s1123": _DNS1123_SUBDOMAIN_FMT,
        "l1035": _DNS1035_LABEL_FMT,
        "qname": _QNAME_FMT,
        "lvalue": _LABEL_VALUE_FMT,
        "pct": _PERCENT_FMT,
    }.items()
}


def _max_len_error(n: int) -> str:
    return f"must be no more than {n} characters"


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return msg + " (regex used for validation is '" + fmt + "')"
    msg += " (e.g. "
    for i, ex in enumerate(examples):
        if i > 0:
            msg += " or "
        msg += "'" + ex + "', "
    return msg + "regex used for validation is '" + fmt + "')"


def _inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


def is_dns1123_label(value: str) -> list[str]:
    """``IsDNS1123Label``: error messages (empty when valid).

    >>> is_dns1123_label("my-port")
    []
    >>> is_dns1123_label("a.b")
    ['must not contain dots']
    """
    errs = []
    if len(value) > 63:
        errs.append(_max_len_error(63))
    if not _re["l1123"].fullmatch(value):
        if _re["s1123"].fullmatch(value):
            errs.append("must not contain dots")
        else:
            errs.append(_regex_error(_DNS1123_LABEL_ERR, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """``IsDNS1123Subdomain``.

    >>> is_dns1123_subdomain("foo.bar.example.com")
    []
    """
    errs = []
    if len(value) > 253:
        errs.append(_max_len_error(253))
    if not _re["s1123"].fullmatch(value):
        errs.append(_regex_error(_DNS1123_SUBDOMAIN_ERR, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """``IsDNS1035Label`` (Service names).

    >>> print(is_dns1035_label("1web")[0])
    a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')
    """
    errs = []
    if len(value) > 63:
        errs.append(_max_len_error(63))
    if not _re["l1035"].fullmatch(value):
        errs.append(_regex_error(_DNS1035_LABEL_ERR, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """``IsQualifiedName`` (label keys, appProtocol, loadBalancerClass): optional DNS prefix and ``/``.

    >>> is_qualified_name("example.com/protocol"), len(is_qualified_name("Bad/x"))
    ([], 1)
    """
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + _regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + _max_len_error(63))
    if not _re["qname"].fullmatch(name):
        errs.append("name part " + _regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """``IsValidLabelValue``.

    >>> is_valid_label_value(""), len(is_valid_label_value("-x"))
    ([], 1)
    """
    errs = []
    if len(value) > 63:
        errs.append(_max_len_error(63))
    if not _re["lvalue"].fullmatch(value):
        errs.append(_regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def is_valid_port_num(port: int) -> list[str]:
    """``IsValidPortNum``: 1..65535.

    >>> is_valid_port_num(0)
    ['must be between 1 and 65535, inclusive']
    """
    return [] if 1 <= port <= 65535 else [_inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    """``IsValidPortName`` (IANA_SVC_NAME): used for named ``targetPort`` and container port names.

    >>> is_valid_port_name("http"), is_valid_port_name("80")
    ([], ['must contain at least one letter (a-z)'])
    """
    errs = []
    if len(port) > 15:
        errs.append(_max_len_error(15))
    if not re.fullmatch("[-a-z0-9]+", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_percent(value: str) -> list[str]:
    """``IsValidPercent``: a number followed by ``%`` (rolling-update ``maxSurge``/``maxUnavailable``).

    >>> is_valid_percent("25%"), len(is_valid_percent("25"))
    ([], 1)
    """
    if not _re["pct"].fullmatch(value):
        return [_regex_error(_PERCENT_ERR, _PERCENT_FMT, "1%", "93%")]
    return []


_CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_MAP_KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_WILDCARD_DNS1123_SUBDOMAIN_FMT = "\\*\\." + _DNS1123_SUBDOMAIN_FMT
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
    if len(value) > 253:
        errs.append(_max_len_error(253))
    if not re.fullmatch(_CONFIG_MAP_KEY_FMT, value):
        errs.append(
            _regex_error(_CONFIG_MAP_KEY_ERR, _CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name")
        )
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
    if len(value) > 253:
        errs.append(_max_len_error(253))
    if not re.fullmatch(_WILDCARD_DNS1123_SUBDOMAIN_FMT, value):
        errs.append(
            _regex_error(_WILDCARD_DNS1123_SUBDOMAIN_ERR, _WILDCARD_DNS1123_SUBDOMAIN_FMT, "*.example.com")
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
        errs.append((path, _regex_error("must be a valid path", _HTTP_PATH_FMT)))
    return errs
