"""k8snet: Kubernetes Service networking (v1.34), executed.

An API server with defaulting, validation and allocation; the controllers that turn Deployments into Pods and
Services into EndpointSlices; kube-proxy's rule tables in iptables, IPVS and nftables modes; a dataplane that runs
those rules packet by packet; kubectl-identical output; diagrams and explorers for the book.

>>> import k8snet
>>> k8snet.KUBERNETES_VERSION
'v1.34'

Nothing heavy is imported until it is used: ``k8snet.Cluster`` loads the control plane on first access.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import AlreadyExistsError, InvalidError, K8snetError, KubectlError, ManifestError, NotFoundError

__version__ = "0.1.0"

#: The Kubernetes release k8snet models: kube-apiserver, kube-proxy and kubectl behaviour and text.
KUBERNETES_VERSION = "v1.34"

__all__ = [
    "KUBERNETES_VERSION",
    "Cluster",
    "load",
    "dump",
    "K8snetError",
    "KubectlError",
    "InvalidError",
    "ManifestError",
    "NotFoundError",
    "AlreadyExistsError",
    "set_language",
    "get_language",
]

_LAZY = {
    "Cluster": ("k8snet.sim.cluster", "Cluster"),
    "load": ("k8snet.manifests", "load"),
    "dump": ("k8snet.manifests", "dump"),
    # the language of the library's prose (explorers, diagrams, summaries): k8snet.set_language("zh_CN")
    "set_language": ("k8snet.i18n", "set_language"),
    "get_language": ("k8snet.i18n", "get_language"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'k8snet' has no attribute {name!r}")
