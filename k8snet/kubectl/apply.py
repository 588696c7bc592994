"""``kubectl apply`` (client-side): the last-applied-configuration annotation and the three-way merge.

Follows kubernetes/kubectl ``pkg/cmd/apply/apply.go`` (``applyOneObject``: create the object if the server has
none, patch it otherwise), ``pkg/cmd/apply/patcher.go`` (the patch is computed from three versions: the
configuration applied last time, read back from the annotation; the new configuration; the live object) and
``pkg/util/apply.go`` (``GetModifiedConfiguration``: the annotation holds the manifest as JSON).

Simplified: the strategic merge patch is a plain three-way merge (keys removed from the manifest since the last
apply are dropped, maps merge recursively, lists and scalars from the manifest replace the live value; no merge
keys for lists), and the patch is applied here and sent as an update.

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.sim.cluster import Cluster
>>> api = Cluster(preset="minikube").api
>>> svc = Service(metadata={"name": "web", "labels": {"tier": "a"}}, spec={"ports": [{"port": 80}]})
>>> stored = apply_one_object(api, svc)
>>> stored.metadata.annotations[LAST_APPLIED]
'{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"labels":{"tier":"a"},"name":"web","namespace":"default"},"spec":{"ports":[{"port":80}]}}\\n'
>>> svc.metadata.labels = None  # removed from the manifest: apply removes it from the live object
>>> apply_one_object(api, svc).metadata.labels is None
True
"""

from __future__ import annotations

import json
from typing import Any

from ..api import Resource
from ..apiserver.server import APIServer
from ..errors import NotFoundError

__all__ = ["LAST_APPLIED", "apply_one_object", "last_applied_configuration"]

#: The annotation client-side apply keeps the applied manifest in (``corev1.LastAppliedConfigAnnotation``).
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _three_way(live: Any, last: Any, new: Any) -> Any:
    """The merge of ``new`` into ``live`` given ``last`` (see the module docstring for what is simplified)."""
    if not isinstance(new, dict) or not isinstance(live, dict):
        return new
    out = dict(live)
    last = last if isinstance(last, dict) else {}
    for k in last:
        if k not in new:
            out.pop(k, None)
    for k, v in new.items():
        out[k] = _three_way(out.get(k), last.get(k), v) if isinstance(v, dict) else v
    return out


def last_applied_configuration(obj: Resource) -> str:
    """The ``kubectl.kubernetes.io/last-applied-configuration`` value kubectl writes: the manifest as compact
    JSON with sorted keys, ``metadata.namespace`` filled in and an ``annotations`` map, plus a newline.

    >>> from k8snet.api.core_v1 import Namespace
    >>> last_applied_configuration(Namespace(metadata={"name": "shop"}))
    '{"apiVersion":"v1","kind":"Namespace","metadata":{"annotations":{},"name":"shop"}}\\n'
    """
    d = obj.to_dict()
    md = d.setdefault("metadata", {})
    ann = dict(md.get("annotations") or {})
    ann.pop(LAST_APPLIED, None)
    md["annotations"] = ann
    if obj.namespaced:
        md["namespace"] = md.get("namespace") or "default"
    return json.dumps(d, sort_keys=True, separators=(",", ":")) + "\n"


def apply_one_object(api: APIServer, obj: Resource) -> Any:
    """Apply one object: create it (annotated) if the server has none, else three-way-merge it into the live
    object and update that; returns the object as stored. ``obj`` itself is not changed.

    An unset namespace means ``default`` (kubectl's ``-n`` is the caller's to fill in).
    """
    obj = obj.model_copy(deep=True)
    kind = obj.kind  # type: ignore[attr-defined]
    md = obj.metadata  # type: ignore[attr-defined]
    ns = (md.namespace or "default") if obj.namespaced else ""
    if obj.namespaced:
        md.namespace = ns
    applied = last_applied_configuration(obj)
    live = None
    if md.name:
        try:
            live = api.get(kind, md.name, ns)
        except NotFoundError:
            live = None
    if live is None:
        md.annotations = {**(md.annotations or {}), LAST_APPLIED: applied}
        return api.create(obj)
    live_d = live.to_dict()
    last_raw = (live.metadata.annotations or {}).get(LAST_APPLIED)
    last = json.loads(last_raw) if last_raw else {}
    new_d = obj.to_dict()
    new_d.setdefault("metadata", {})
    new_d["metadata"]["annotations"] = {
        **(new_d["metadata"].get("annotations") or {}),
        LAST_APPLIED: applied,
    }
    merged = _three_way(live_d, last, new_d)
    merged.pop("status", None)
    merged["status"] = live_d.get("status")
    if merged["status"] is None:
        merged.pop("status")
    if kind == "Service":
        # the allocated fields come back through the API server's patchAllocatedValues
        merged_spec = merged.get("spec", {})
        if "clusterIP" not in (new_d.get("spec") or {}):
            merged_spec.pop("clusterIP", None)
            merged_spec.pop("clusterIPs", None)
    updated = type(live).model_validate(merged)
    return api.update(updated)
