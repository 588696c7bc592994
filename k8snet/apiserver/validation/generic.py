"""Validators for ``metadata.name`` by kind, and the message for a negative number.

A port of k8s.io/apimachinery ``pkg/api/validation/generic.go``: ``ValidateNameFunc`` (here :data:`NameFunc`),
``NameIsDNSSubdomain``, ``NameIsDNSLabel``, ``NameIsDNS1035Label`` (a ``generateName`` prefix may end in
``-``, so ``maskTrailingDash`` replaces it before checking) and ``IsNegativeErrorMsg``.

>>> name_is_dns1035_label("web-", True), len(name_is_dns1035_label("web-", False))
([], 1)
"""

from __future__ import annotations

from collections.abc import Callable

from .util import is_dns1035_label, is_dns1123_label, is_dns1123_subdomain

__all__ = [
    "NameFunc",
    "IS_NEGATIVE_ERROR_MSG",
    "name_is_dns_subdomain",
    "name_is_dns_label",
    "name_is_dns1035_label",
]

#: ``ValidateNameFunc``: ``(name, prefix) -> error messages``; ``prefix`` is true for a ``generateName``.
NameFunc = Callable[[str, bool], list[str]]
IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0"


def _mask_trailing_dash(name: str) -> str:
    # apimachinery maskTrailingDash (a generateName prefix may end in '-'); yes, it drops two characters.
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    """``NameIsDNSSubdomain``: Pods, Deployments, Endpoints, EndpointSlices."""
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    """``NameIsDNSLabel``: Namespaces."""
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    """``NameIsDNS1035Label``: Services (``ValidateServiceName``)."""
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)
