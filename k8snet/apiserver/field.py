"""Field-level validation errors: :mod:`k8snet.api.field`, re-exported where the API server's validators import it.

>>> print(required(Path("spec", "ports")))
spec.ports: Required value
"""

from k8snet.api.field import (
    OMIT_VALUE,
    ErrorType,
    FieldError,
    GoStruct,
    Path,
    PathLike,
    duplicate,
    error_list_text,
    forbidden,
    go_quote,
    internal_error,
    invalid,
    not_found,
    not_supported,
    required,
    to_causes,
    too_long,
    too_many,
)

__all__ = [
    "ErrorType",
    "Path",
    "PathLike",
    "FieldError",
    "GoStruct",
    "OMIT_VALUE",
    "go_quote",
    "not_found",
    "required",
    "duplicate",
    "invalid",
    "not_supported",
    "forbidden",
    "too_long",
    "too_many",
    "internal_error",
    "to_causes",
    "error_list_text",
]
