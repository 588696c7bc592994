"""Generic string validators: DNS labels and subdomains, qualified names, label values, ports, percents.

A port of k8s.io/apimachinery ``pkg/util/validation/validation.go`` (``IsDNS1123Label``,
``IsDNS1123Subdomain``, ``IsDNS1035Label``, ``IsQualifiedName``, ``IsValidLabelValue``, ``IsValidPortNum``,
``IsValidPortName``, ``IsValidPercent``). Each returns the error messages, empty when the value is valid; the callers put them on a
field path as :class:`~k8snet.api.field.FieldError`. The module sits with the API types (layer 1) because
label selectors (:mod:`k8snet.api.labels`) validate keys and values with it, as ``pkg/labels`` does upstream;
:mod:`k8snet.apiserver.validation.util` re-exports it.

>>> is_dns1123_label("my-port"), is_valid_port_num(0)
([], ['must be between 1 and 65535, inclusive'])
"""

from __future__ import annotations

import re

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
    "go_len",
    "max_len_error",
    "regex_error",
    "DNS1123_SUBDOMAIN_FMT",
]

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
#: ``dns1123SubdomainFmt``: the regular expression of a DNS-1123 subdomain.
DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_LABEL_FMT_US = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT_US = _DNS1123_LABEL_FMT_US + "(\\." + _DNS1123_LABEL_FMT_US + ")*"
_DNS1123_SUBDOMAIN_ERR_US = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', "
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
        "s1123": DNS1123_SUBDOMAIN_FMT,
        "s1123us": _DNS1123_SUBDOMAIN_FMT_US,
        "l1035": _DNS1035_LABEL_FMT,
        "qname": _QNAME_FMT,
        "lvalue": _LABEL_VALUE_FMT,
        "pct": _PERCENT_FMT,
    }.items()
}


def go_len(value: str) -> int:
    """Go's ``len`` of a string: its UTF-8 bytes, which the length limits count.

    >>> go_len("e"), go_len("é")
    (1, 2)
    """
    return len(value.encode("utf-8", "surrogatepass"))


def max_len_error(n: int) -> str:
    """``MaxLenError``: the message for a value longer than ``n``.

    >>> max_len_error(63)
    'must be no more than 63 characters'
    """
    return f"must be no more than {n} characters"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``RegexError``: ``msg``, the examples and the regular expression, as apimachinery words them (the
    double space before ``or`` is upstream's).

    >>> regex_error("must be digits", "[0-9]+", "1", "42")
    "must be digits (e.g. '1',  or '42', regex used for validation is '[0-9]+')"
    """
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
    if go_len(value) > 63:
        errs.append(max_len_error(63))
    if not _re["l1123"].fullmatch(value):
        if _re["s1123"].fullmatch(value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_ERR, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """``IsDNS1123Subdomain``.

    >>> is_dns1123_subdomain("foo.bar.example.com")
    []
    """
    errs = []
    if go_len(value) > 253:
        errs.append(max_len_error(253))
    if not _re["s1123"].fullmatch(value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1123_subdomain_with_underscore(value: str) -> list[str]:
    """``IsDNS1123SubdomainWithUnderscore``: a subdomain whose labels may contain ``_`` and start with one (Pod
    ``dnsConfig.searches`` under ``RelaxedDNSSearchValidation``, on by default since 1.33).

    >>> is_dns1123_subdomain_with_underscore("_sip._tcp.abc_d.example.com"), len(is_dns1123_subdomain_with_underscore("A"))
    ([], 1)
    """
    errs = []
    if go_len(value) > 253:
        errs.append(max_len_error(253))
    if not _re["s1123us"].fullmatch(value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_ERR_US, _DNS1123_SUBDOMAIN_FMT_US, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """``IsDNS1035Label`` (Service names).

    >>> print(is_dns1035_label("1web")[0])
    a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')
    """
    errs = []
    if go_len(value) > 63:
        errs.append(max_len_error(63))
    if not _re["l1035"].fullmatch(value):
        errs.append(regex_error(_DNS1035_LABEL_ERR, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
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
            + regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif go_len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not _re["qname"].fullmatch(name):
        errs.append("name part " + regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """``IsValidLabelValue``.

    >>> is_valid_label_value(""), len(is_valid_label_value("-x"))
    ([], 1)
    """
    errs = []
    if go_len(value) > 63:
        errs.append(max_len_error(63))
    if not _re["lvalue"].fullmatch(value):
        errs.append(regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
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
    if go_len(port) > 15:
        errs.append(max_len_error(15))
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
        return [regex_error(_PERCENT_ERR, _PERCENT_FMT, "1%", "93%")]
    return []
