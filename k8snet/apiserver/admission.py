"""Mutating admission for Pods: what a v1.34 kube-apiserver's default plugins add on create.

A Pod read back from a real cluster carries fields nobody wrote in the manifest; they come from admission
plugins enabled by default (``kube-apiserver --enable-admission-plugins`` defaults):

- **ServiceAccount** (kubernetes/kubernetes ``plugin/pkg/admission/serviceaccount/admission.go``):
  ``serviceAccountName: default`` when unset, and, unless ``automountServiceAccountToken: false``, a projected
  volume ``kube-api-access-<5 random characters>`` (token with ``expirationSeconds: 3607``, the
  ``kube-root-ca.crt`` ConfigMap's ``ca.crt``, the namespace from the downward API; ``defaultMode: 420``)
  mounted read-only at ``/var/run/secrets/kubernetes.io/serviceaccount`` in every container that has no mount
  there. The deprecated ``serviceAccount`` field mirrors ``serviceAccountName`` (set by the v1 conversion,
  ``pkg/apis/core/v1/conversion.go``), so ``kubectl get pod -o yaml`` shows both.
- **DefaultTolerationSeconds** (``plugin/pkg/admission/defaulttolerationseconds/admission.go``):
  ``node.kubernetes.io/not-ready`` and ``node.kubernetes.io/unreachable``, ``Exists``, ``NoExecute``,
  ``tolerationSeconds: 300``, each unless the pod already tolerates that taint.
- **Priority** (``plugin/pkg/admission/priority/admission.go``): with no default PriorityClass, ``priority: 0``
  and ``preemptionPolicy: PreemptLowerPriority``; the two system classes resolve to their values; a priority
  integer that disagrees with the class, or an unknown class, is Forbidden.

Simplified: ServiceAccount objects are not modelled (every namespace is taken to have ``default``, which the
ServiceAccount controller creates, with automount on); no user-defined PriorityClasses.

Example
-------
>>> import random
>>> from k8snet.api.core_v1 import Pod
>>> pod = Pod(metadata={"name": "p", "namespace": "default"}, spec={"containers": [{"name": "c", "image": "nginx"}]})
>>> admit_pod(pod, random.Random(0))
>>> pod.spec.serviceAccountName, pod.spec.priority, pod.spec.volumes[0]["name"]
('default', 0, 'kube-api-access-rc7dq')
>>> [t["key"] for t in pod.spec.tolerations]
['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']
"""

from __future__ import annotations

import random
from typing import Any

from k8snet.apiserver.naming import random_suffix
from k8snet.errors import KubectlError

__all__ = ["admit_pod", "ForbiddenError", "SERVICE_ACCOUNT_MOUNT_PATH", "SYSTEM_PRIORITY_CLASSES"]

#: ``DefaultAPITokenMountPath``.
SERVICE_ACCOUNT_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
#: ``ServiceAccountVolumeName``; the volume is this plus ``-`` and 5 random characters.
SERVICE_ACCOUNT_VOLUME_NAME = "kube-api-access"
#: ``serviceaccount.WarnOnlyBoundTokenExpirationSeconds`` (1 h + 7 s).
TOKEN_EXPIRATION_SECONDS = 3607
#: ``corev1.ProjectedVolumeSourceDefaultMode`` (0644).
PROJECTED_DEFAULT_MODE = 420
#: ``defaultNotReadyTolerationSeconds`` / ``defaultUnreachableTolerationSeconds``.
DEFAULT_TOLERATION_SECONDS = 300
#: pkg/apis/scheduling: ``SystemNodeCritical``/``SystemClusterCritical`` (both ``PreemptLowerPriority``).
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


class ForbiddenError(KubectlError):
    """HTTP 403 from an admission plugin: ``Error from server (Forbidden): pods "x" is forbidden: ...``."""

    def __init__(self, resource: str, name: str, message: str):
        self.resource, self.name, self.message = resource, name, message
        #: ``StatusError.Error()``, what controllers put in their events (without kubectl's prefix)
        self.status_message = f'{resource} "{name}" is forbidden: {message}'
        super().__init__(f"Error from server (Forbidden): {self.status_message}")


def token_volume_source() -> dict[str, Any]:
    """``TokenVolumeSource()`` as the v1 JSON a client reads back."""
    return {
        "defaultMode": PROJECTED_DEFAULT_MODE,
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {
                "downwardAPI": {
                    "items": [
                        {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                            "path": "namespace",
                        }
                    ]
                }
            },
        ],
    }


def _admit_priority(pod: Any) -> None:
    spec = pod.spec
    # admission.extractResourceName: the name, else generateName (names are generated after admission)
    name = pod.metadata.name or pod.metadata.generateName or "Unknown"
    if not spec.priorityClassName:
        priority = 0  # DefaultPriorityWhenNoDefaultClassExists
    elif spec.priorityClassName in SYSTEM_PRIORITY_CLASSES:
        priority = SYSTEM_PRIORITY_CLASSES[spec.priorityClassName]
    else:
        raise ForbiddenError("pods", name, f"no PriorityClass with name {spec.priorityClassName} was found")
    if spec.priority is not None and spec.priority != priority:
        raise ForbiddenError(
            "pods",
            name,
            f"the integer value of priority ({spec.priority}) must not be provided in "
            f"pod spec; priority admission controller computed {priority} from the given "
            "PriorityClass name",
        )
    spec.priority = priority
    if spec.preemptionPolicy is not None and spec.preemptionPolicy != "PreemptLowerPriority":
        raise ForbiddenError(
            "pods",
            name,
            "the string value of PreemptionPolicy "
            f"({spec.preemptionPolicy}) must not be provided in pod spec; priority admission "
            "controller computed PreemptLowerPriority from the given PriorityClass name",
        )
    spec.preemptionPolicy = "PreemptLowerPriority"


def _admit_tolerations(spec: Any) -> None:
    tolerations = list(spec.tolerations or [])
    need = []
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        tolerated = any(
            isinstance(t, dict) and t.get("key", "") in (key, "") and t.get("effect", "") in ("NoExecute", "")
            for t in tolerations
        )
        if not tolerated:
            need.append(
                {
                    "key": key,
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
                }
            )
    if need:
        spec.tolerations = tolerations + need


def _admit_service_account(pod: Any, rng: random.Random) -> None:
    spec = pod.spec
    if not spec.serviceAccountName:
        spec.serviceAccountName = spec.serviceAccount or "default"
    # pkg/apis/core/v1 conversion: the deprecated field always mirrors serviceAccountName on output
    spec.serviceAccount = spec.serviceAccountName
    if spec.automountServiceAccountToken is False:
        return
    volumes = list(spec.volumes or [])
    token_volume = next(
        (
            v.get("name")
            for v in volumes
            if isinstance(v, dict) and str(v.get("name", "")).startswith(SERVICE_ACCOUNT_VOLUME_NAME + "-")
        ),
        None,
    )
    name = token_volume or f"{SERVICE_ACCOUNT_VOLUME_NAME}-{random_suffix(rng)}"
    needs_volume = False
    for c in list(spec.initContainers or []) + list(spec.containers or []):
        mounts = list(c.volumeMounts or [])
        if any(isinstance(m, dict) and m.get("mountPath") == SERVICE_ACCOUNT_MOUNT_PATH for m in mounts):
            continue
        c.volumeMounts = mounts + [{"mountPath": SERVICE_ACCOUNT_MOUNT_PATH, "name": name, "readOnly": True}]
        needs_volume = True
    if token_volume is None and needs_volume:
        spec.volumes = volumes + [{"name": name, "projected": token_volume_source()}]


def admit_pod(pod: Any, rng: random.Random) -> None:
    """Run the mutating admission plugins on a Pod being created, in kube-apiserver's plugin order
    (ServiceAccount, DefaultTolerationSeconds, Priority). Mutates ``pod``; raises :class:`ForbiddenError`.

    Mirror pods (annotation ``kubernetes.io/config.mirror``) are left alone by the ServiceAccount plugin.
    """
    if pod.spec is None:
        return
    if "kubernetes.io/config.mirror" not in (pod.metadata.annotations or {}):
        _admit_service_account(pod, rng)
    _admit_tolerations(pod.spec)
    _admit_priority(pod)
