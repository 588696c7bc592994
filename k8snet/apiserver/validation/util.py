"""Generic string validators: :mod:`k8snet.api.validation` (k8s.io/apimachinery ``pkg/util/validation``),
re-exported for the API server's validators.

>>> is_dns1123_label("my-port")
[]
"""

from k8snet.api.validation import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_dns1123_subdomain_with_underscore,
    is_qualified_name,
    is_valid_label_value,
    is_valid_percent,
    is_valid_port_name,
    is_valid_port_num,
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
]
