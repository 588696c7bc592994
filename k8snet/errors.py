"""The k8snet exception tree.

Every failure a reader can cause (bad YAML, an invalid object, a kubectl command that a real kubectl
rejects) raises a subclass of :class:`K8snetError` whose ``str()`` is the text the real component prints,
so notebooks and the command line can show it without a traceback.

>>> err = InvalidError("Service", "x", [Cause("FieldValueInvalid", "spec.ports[0].nodePort",
...     "Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767")])
>>> print(err)
The Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "K8snetError",
    "ManifestError",
    "KubectlError",
    "Cause",
    "InvalidError",
    "NotFoundError",
    "AlreadyExistsError",
    "BadRequestError",
    "ForbiddenError",
    "RequestEntityTooLargeError",
    "ConfigError",
]


class K8snetError(Exception):
    """Base of every error k8snet raises on purpose."""


class ConfigError(K8snetError, ValueError):
    """A bad argument to a k8snet constructor or function (an unknown preset, a malformed CIDR, an
    unsupported protocol). It is also a ``ValueError`` so that ``except ValueError`` keeps working.

    >>> raise ConfigError("Cluster(preset='nope'): unknown preset; choose one of ['kind', 'minikube']")
    Traceback (most recent call last):
    ...
    k8snet.errors.ConfigError: Cluster(preset='nope'): unknown preset; choose one of ['kind', 'minikube']
    """


class KubectlError(K8snetError):
    """A failure as kubectl reports it: ``str(err)`` is kubectl's stderr text (without the final newline)."""


class ManifestError(KubectlError):
    """A manifest that cannot be decoded: malformed YAML, an unknown kind, an unknown field, a wrong type.
    ``kind``, ``name`` and ``field`` say where, when the decoder knows."""

    kind: str = ""
    name: str = ""
    field: str = ""


class RequestEntityTooLargeError(ManifestError):
    """HTTP 413 (``errors.NewRequestEntityTooLargeError``, k8s.io/apimachinery ``pkg/api/errors/errors.go``):
    kube-apiserver reads at most ``MaxRequestBodyBytes`` of a request body (3 MiB by default, k8s.io/apiserver
    ``pkg/server/config.go``) and answers a longer one with this (``limitedReadBody``, k8s.io/apiserver
    ``pkg/endpoints/handlers/rest.go``). ``message`` is the Status message, without kubectl's prefix.

    >>> print(RequestEntityTooLargeError("limit is 3145728"))
    Error from server (RequestEntityTooLarge): Request entity too large: limit is 3145728
    """

    def __init__(self, detail: str):
        self.message = f"Request entity too large: {detail}"
        super().__init__(f"Error from server (RequestEntityTooLarge): {self.message}")


@dataclass(frozen=True)
class Cause:
    """One cause of an Invalid status, as ``metav1.StatusCause``: reason (e.g. ``FieldValueInvalid``),
    field path (``spec.ports[0].port``) and message (the field.Error body, e.g. ``Required value``)."""

    type: str
    field: str
    detail: str

    def __str__(self) -> str:
        return f"{self.field}: {self.detail}" if self.field else self.detail


class InvalidError(KubectlError):
    """kube-apiserver rejected an object (HTTP 422). ``causes`` lists each field error.

    The message follows kubectl's ``StandardErrorMessage``/``MultilineError``
    (kubernetes/kubectl ``pkg/cmd/util/helpers.go``): one cause on the same line, several as lines
    starting with ``*``.
    """

    def __init__(self, kind: str, name: str, causes: list[Cause]):
        self.kind = kind
        self.name = name
        self.causes = list(causes)
        prefix = f'The {kind} "{name}" is invalid: '
        if len(self.causes) == 1:
            msg = prefix + str(self.causes[0])
        else:
            msg = prefix + "\n" + "\n".join(f"* {c}" for c in self.causes)
        super().__init__(msg)


class NotFoundError(KubectlError):
    """``Error from server (NotFound): services "x" not found``."""

    def __init__(self, resource: str, name: str):
        self.resource = resource
        self.name = name
        super().__init__(f'Error from server (NotFound): {resource} "{name}" not found')


class AlreadyExistsError(KubectlError):
    """``Error from server (AlreadyExists): services "x" already exists``."""

    def __init__(self, resource: str, name: str):
        self.resource = resource
        self.name = name
        super().__init__(f'Error from server (AlreadyExists): {resource} "{name}" already exists')


class ForbiddenError(KubectlError):
    """HTTP 403 as kubectl prints it (``errors.NewForbidden``): ``Error from server (Forbidden): namespaces
    "default" is forbidden: this namespace may not be deleted``.

    >>> print(ForbiddenError("namespaces", "default", "this namespace may not be deleted"))
    Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted
    """

    def __init__(self, resource: str, name: str, reason: str):
        self.resource = resource
        self.name = name
        self.reason = reason
        super().__init__(f'Error from server (Forbidden): {resource} "{name}" is forbidden: {reason}')


class BadRequestError(KubectlError):
    """HTTP 400 (``errors.NewBadRequest``): ``Error from server (BadRequest): <message>``; ``message`` is the
    server's text without the prefix (kubectl sometimes adds context to it, e.g. for a list's label selector).

    >>> print(BadRequestError("unable to parse requirement: found '', expected: identifier"))
    Error from server (BadRequest): unable to parse requirement: found '', expected: identifier
    """

    def __init__(self, message: str):
        self.message = message
        super().__init__(f"Error from server (BadRequest): {message}")
