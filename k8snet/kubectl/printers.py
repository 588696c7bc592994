"""``kubectl get`` output: the human-readable tables, ``-o name``, ``-o yaml`` and ``-o json``.

Upstream sources ported here:

* kubernetes/kubernetes ``pkg/printers/internalversion/printers.go``: column definitions and one row function
  per kind (``printService``, ``printPod``, ``printDeployment``, ``printReplicaSet``, ``printEndpoints``,
  ``printEndpointSlice``, ``printNode``, ``printEvent``) with their cell helpers (``makePortString``,
  ``getServiceExternalIP``, ``formatEndpoints``, ``formatDiscoveryPorts``, ``listWithMoreString``...).
* kubernetes/cli-runtime ``pkg/printers/tableprinter.go``: ``printTable`` (upper-cased headers, columns with
  ``priority != 0`` only with ``-o wide``, no headers and no output for an empty table) and ``decorateTable``
  (``NAMESPACE`` column for ``-A``, ``kind/name`` when several kinds are printed).
* kubernetes/kubectl ``pkg/cmd/get/get.go``: several resource types are separated by an empty line and the
  remembered column widths are reset between them.

``-o yaml`` text comes from the go-yaml emitter in :mod:`k8snet.kubectl.goyaml`.

The API server always renders rows with ``Wide: true`` (server-side printing) and kubectl drops the
priority-1 columns itself, so a LoadBalancer hostname is never clipped to 16 characters by ``kubectl get``.
That is what we do too.

Every function is a pure function of the objects and of ``now`` (the time ages are measured against); they
work on objects from anywhere, e.g. a real cluster's JSON loaded with :func:`k8snet.manifests.load`.

>>> from datetime import datetime, timezone
>>> from k8snet.api.core_v1 import Service
>>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> svc = Service.model_validate({"metadata": {"name": "kubernetes", "namespace": "default",
...     "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {"type": "ClusterIP",
...     "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "ports": [{"name": "https", "port": 443,
...     "protocol": "TCP", "targetPort": 6443}]}})
>>> print(get_table([svc], now=t0.replace(day=2)), end="")
NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   24h
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from ..api import APIResource, kind_class
from ..api.field import go_json_escape
from ..netutils import join_host_port
from .age import parse_time, translate_timestamp_since
from .goyaml import go_yaml
from .tabwriter import kubectl_get_writer

__all__ = [
    "COLUMNS",
    "get_table",
    "table_rows",
    "format_labels",
    "format_label_selector",
    "resource_name",
    "kind_string",
    "to_json",
    "to_yaml",
    "print_names",
]

LOAD_BALANCER_WIDTH = 16
LABEL_NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_LABEL_ROLE = "kubernetes.io/role"

#: Column definitions per kind: (header as upstream spells it, priority). kubectl upper-cases the header.
COLUMNS: dict[str, list[tuple[str, int]]] = {
    "Pod": [
        ("Name", 0),
        ("Ready", 0),
        ("Status", 0),
        ("Restarts", 0),
        ("Age", 0),
        ("IP", 1),
        ("Node", 1),
        ("Nominated Node", 1),
        ("Readiness Gates", 1),
    ],
    "ReplicaSet": [
        ("Name", 0),
        ("Desired", 0),
        ("Current", 0),
        ("Ready", 0),
        ("Age", 0),
        ("Containers", 1),
        ("Images", 1),
        ("Selector", 1),
    ],
    "Service": [
        ("Name", 0),
        ("Type", 0),
        ("Cluster-IP", 0),
        ("External-IP", 0),
        ("Port(s)", 0),
        ("Age", 0),
        ("Selector", 1),
    ],
    "Endpoints": [("Name", 0), ("Endpoints", 0), ("Age", 0)],
    "Node": [
        ("Name", 0),
        ("Status", 0),
        ("Roles", 0),
        ("Age", 0),
        ("Version", 0),
        ("Internal-IP", 1),
        ("External-IP", 1),
        ("OS-Image", 1),
        ("Kernel-Version", 1),
        ("Container-Runtime", 1),
    ],
    "Event": [
        ("Last Seen", 0),
        ("Type", 0),
        ("Reason", 0),
        ("Object", 0),
        ("Subobject", 1),
        ("Source", 1),
        ("Message", 0),
        ("First Seen", 1),
        ("Count", 1),
        ("Name", 1),
    ],
    "Namespace": [("Name", 0), ("Status", 0), ("Age", 0)],
    "Deployment": [
        ("Name", 0),
        ("Ready", 0),
        ("Up-to-date", 0),
        ("Available", 0),
        ("Age", 0),
        ("Containers", 1),
        ("Images", 1),
        ("Selector", 1),
    ],
    "EndpointSlice": [("Name", 0), ("AddressType", 0), ("Ports", 0), ("Endpoints", 0), ("Age", 0)],
    "ConfigMap": [("Name", 0), ("Data", 0), ("Age", 0)],
    "Secret": [("Name", 0), ("Type", 0), ("Data", 0), ("Age", 0)],
    "ServiceAccount": [("Name", 0), ("Secrets", 0), ("Age", 0)],
    "PersistentVolume": [
        ("Name", 0),
        ("Capacity", 0),
        ("Access Modes", 0),
        ("Reclaim Policy", 0),
        ("Status", 0),
        ("Claim", 0),
        ("StorageClass", 0),
        ("VolumeAttributesClass", 0),
        ("Reason", 0),
        ("Age", 0),
        ("VolumeMode", 1),
    ],
    "PersistentVolumeClaim": [
        ("Name", 0),
        ("Status", 0),
        ("Volume", 0),
        ("Capacity", 0),
        ("Access Modes", 0),
        ("StorageClass", 0),
        ("VolumeAttributesClass", 0),
        ("Age", 0),
        ("VolumeMode", 1),
    ],
    "ReplicationController": [
        ("Name", 0),
        ("Desired", 0),
        ("Current", 0),
        ("Ready", 0),
        ("Age", 0),
        ("Containers", 1),
        ("Images", 1),
        ("Selector", 1),
    ],
    "PodTemplate": [("Name", 0), ("Containers", 0), ("Images", 0), ("Pod Labels", 0)],
    "ResourceQuota": [("Name", 0), ("Request", 0), ("Limit", 0), ("Age", 0)],
    "StatefulSet": [("Name", 0), ("Ready", 0), ("Age", 0), ("Containers", 1), ("Images", 1)],
    "DaemonSet": [
        ("Name", 0),
        ("Desired", 0),
        ("Current", 0),
        ("Ready", 0),
        ("Up-to-date", 0),
        ("Available", 0),
        ("Node Selector", 0),
        ("Age", 0),
        ("Containers", 1),
        ("Images", 1),
        ("Selector", 1),
    ],
    "ControllerRevision": [("Name", 0), ("Controller", 0), ("Revision", 0), ("Age", 0)],
    "Job": [
        ("Name", 0),
        ("Status", 0),
        ("Completions", 0),
        ("Duration", 0),
        ("Age", 0),
        ("Containers", 1),
        ("Images", 1),
        ("Selector", 1),
    ],
    "CronJob": [
        ("Name", 0),
        ("Schedule", 0),
        ("Timezone", 0),
        ("Suspend", 0),
        ("Active", 0),
        ("Last Schedule", 0),
        ("Age", 0),
        ("Containers", 1),
        ("Images", 1),
        ("Selector", 1),
    ],
    "HorizontalPodAutoscaler": [
        ("Name", 0),
        ("Reference", 0),
        ("Targets", 0),
        ("MinPods", 0),
        ("MaxPods", 0),
        ("Replicas", 0),
        ("Age", 0),
    ],
    "PodDisruptionBudget": [
        ("Name", 0),
        ("Min Available", 0),
        ("Max Unavailable", 0),
        ("Allowed Disruptions", 0),
        ("Age", 0),
    ],
    "Ingress": [("Name", 0), ("Class", 0), ("Hosts", 0), ("Address", 0), ("Ports", 0), ("Age", 0)],
    "IngressClass": [("Name", 0), ("Controller", 0), ("Parameters", 0), ("Age", 0)],
    "NetworkPolicy": [("Name", 0), ("Pod-Selector", 0), ("Age", 0)],
    "RoleBinding": [
        ("Name", 0),
        ("Role", 0),
        ("Age", 0),
        ("Users", 1),
        ("Groups", 1),
        ("ServiceAccounts", 1),
    ],
    "ClusterRoleBinding": [
        ("Name", 0),
        ("Role", 0),
        ("Age", 0),
        ("Users", 1),
        ("Groups", 1),
        ("ServiceAccounts", 1),
    ],
    "StorageClass": [
        ("Name", 0),
        ("Provisioner", 0),
        ("ReclaimPolicy", 0),
        ("VolumeBindingMode", 0),
        ("AllowVolumeExpansion", 0),
        ("Age", 0),
    ],
    "PriorityClass": [("Name", 0), ("Value", 0), ("Global-Default", 0), ("Age", 0), ("PreemptionPolicy", 0)],
    "Lease": [("Name", 0), ("Holder", 0), ("Age", 0)],
    "RuntimeClass": [("Name", 0), ("Handler", 0), ("Age", 0)],
    "ValidatingWebhookConfiguration": [("Name", 0), ("Webhooks", 0), ("Age", 0)],
    "MutatingWebhookConfiguration": [("Name", 0), ("Webhooks", 0), ("Age", 0)],
    "ServiceCIDR": [("Name", 0), ("CIDRs", 0), ("Age", 0)],
    "IPAddress": [("Name", 0), ("ParentRef", 0)],
}

#: ``rest.NewDefaultTableConvertor`` (k8s.io/apiserver ``pkg/registry/rest/table.go``): the table a resource
#: whose registry has no printer gets: the name and the creation time in RFC 3339 (``kubectl get roles`` prints
#: ``NAME  CREATED AT``). Roles, ClusterRoles, LimitRanges and CRDs are served this way.
DEFAULT_COLUMNS: list[tuple[str, int]] = [("Name", 0), ("Created At", 0)]
for _kind in ("Role", "ClusterRole", "LimitRange", "CustomResourceDefinition"):
    COLUMNS[_kind] = DEFAULT_COLUMNS

#: Index of the column with ``Format: "name"`` (where ``kind/`` is prefixed when several kinds are printed).
_NAME_COLUMN = {kind: [c for c, _ in cols].index("Name") for kind, cols in COLUMNS.items()}


def _api_info(kind: str) -> APIResource | None:
    """The kind's resource metadata from the one registry (``None`` for a kind k8snet does not model)."""
    try:
        return kind_class(kind).api_info
    except KeyError:
        return None


# --- small helpers ------------------------------------------------------------------------------------------


def lookup(obj: Any, *path: str, default: Any = None) -> Any:
    """Follow attribute (or dict key) names; ``default`` when any step is missing or ``None`` (the printers'
    and ``describe``'s way of reading optional fields).

    >>> lookup({"spec": {"ports": None}}, "spec", "ports", default=[]), lookup({"a": {"b": 1}}, "a", "b")
    ([], 1)
    """
    cur = obj
    for p in path:
        if cur is None:
            return default
        cur = cur.get(p) if isinstance(cur, dict) else getattr(cur, p, None)
    return default if cur is None else cur


def kind_string(kind: str) -> str:
    """``kind.group`` lower-cased, as kubectl names a kind in messages (``deployment.apps``, ``service``).

    >>> kind_string("Deployment"), kind_string("Service"), kind_string("EndpointSlice")
    ('deployment.apps', 'service', 'endpointslice.discovery.k8s.io')
    """
    info = _api_info(kind)
    group = info.group if info is not None else ""
    return f"{kind.lower()}.{group}" if group else kind.lower()


def resource_name(obj: Any) -> str:
    """``-o name`` form of an object: ``service/nginx``, ``deployment.apps/nginx``."""
    return f"{kind_string(obj.kind)}/{lookup(obj, 'metadata', 'name', default='')}"


def format_labels(labels: dict[str, str] | None) -> str:
    """``labels.FormatLabels``: sorted ``k=v`` joined by ``,``; ``<none>`` when empty.

    >>> format_labels({"b": "2", "a": "1"}), format_labels(None)
    ('a=1,b=2', '<none>')
    """
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def selector_string(selector: Any) -> str | None:
    """``metav1.LabelSelectorAsSelector(sel).String()``; ``None`` for a nil selector (``labels.Nothing()``).

    matchLabels become ``k=v`` requirements; ``In``/``NotIn`` print as ``k in (a,b)``, ``Exists`` as ``k``,
    ``DoesNotExist`` as ``!k``; requirements are sorted by key (apimachinery ``pkg/labels/selector.go``).
    """
    if selector is None:
        return None
    reqs: list[tuple[str, str]] = []
    for k, v in (lookup(selector, "matchLabels") or {}).items():
        reqs.append((k, f"{k}={v}"))
    for expr in lookup(selector, "matchExpressions") or []:
        key, op = lookup(expr, "key"), lookup(expr, "operator")
        values = sorted(lookup(expr, "values") or [])
        if op == "In":
            reqs.append((key, f"{key} in ({','.join(values)})"))
        elif op == "NotIn":
            reqs.append((key, f"{key} notin ({','.join(values)})"))
        elif op == "Exists":
            reqs.append((key, key))
        elif op == "DoesNotExist":
            reqs.append((key, f"!{key}"))
    reqs.sort(key=lambda r: r[0])
    return ",".join(r for _, r in reqs)


def format_label_selector(selector: Any) -> str:
    """``metav1.FormatLabelSelector``: the selector string, ``<none>`` when it is empty or nil.

    >>> format_label_selector({"matchLabels": {"app": "nginx"}})
    'app=nginx'
    """
    s = selector_string(selector)
    return s if s else "<none>"


def _age(obj: Any, now: datetime | None) -> str:
    return translate_timestamp_since(lookup(obj, "metadata", "creationTimestamp"), now)


def _layout_container_cells(containers: Sequence[Any] | None) -> tuple[str, str]:
    containers = containers or []
    return (
        ",".join(lookup(c, "name", default="") for c in containers),
        ",".join(lookup(c, "image", default="") for c in containers),
    )


def _list_with_more(items: list[str], more: bool, count: int, maximum: int) -> str:
    ret = ",".join(items)
    if more:
        return f"{ret} + {count - maximum} more..."
    return ret if ret else "<unset>"


# --- rows per kind (always the wide set of cells; printTable drops priority columns) ---------------------


def _service_external_ip(svc: Any, wide: bool = True) -> str:
    spec_type = lookup(svc, "spec", "type", default="")
    external_ips = lookup(svc, "spec", "externalIPs") or []
    if spec_type in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) if external_ips else "<none>"
    if spec_type == "LoadBalancer":
        found: set[str] = set()
        for ing in lookup(svc, "status", "loadBalancer", "ingress") or []:
            if lookup(ing, "ip"):
                found.add(ing.ip if not isinstance(ing, dict) else ing["ip"])
            elif lookup(ing, "hostname"):
                found.add(lookup(ing, "hostname"))
        lb_ips = ",".join(sorted(found))  # sets.NewString().List() is sorted
        if not wide and len(lb_ips) > LOAD_BALANCER_WIDTH:
            lb_ips = lb_ips[: LOAD_BALANCER_WIDTH - 3] + "..."
        if external_ips:
            return ",".join(([*lb_ips.split(",")] if lb_ips else []) + list(external_ips))
        return lb_ips if lb_ips else "<pending>"
    if spec_type == "ExternalName":
        return lookup(svc, "spec", "externalName", default="")
    return "<unknown>"


def make_port_string(ports: Sequence[Any] | None) -> str:
    """``makePortString``: ``80/TCP``, ``80:30080/TCP`` joined by ``,``.

    >>> make_port_string([{"port": 80, "protocol": "TCP", "nodePort": 30080}, {"port": 53, "protocol": "UDP"}])
    '80:30080/TCP,53/UDP'
    """
    pieces = []
    for p in ports or []:
        port, proto, node_port = (
            lookup(p, "port", default=0),
            lookup(p, "protocol", default=""),
            lookup(p, "nodePort"),
        )
        pieces.append(f"{port}:{node_port}/{proto}" if node_port and node_port > 0 else f"{port}/{proto}")
    return ",".join(pieces)


def _service_row(svc: Any, now: datetime | None) -> list[str]:
    cluster_ips = lookup(svc, "spec", "clusterIPs") or []
    internal_ip = cluster_ips[0] if cluster_ips else "<none>"
    ports = make_port_string(lookup(svc, "spec", "ports")) or "<none>"
    return [
        lookup(svc, "metadata", "name", default=""),
        lookup(svc, "spec", "type", default=""),
        internal_ip,
        _service_external_ip(svc),
        ports,
        _age(svc, now),
        format_labels(lookup(svc, "spec", "selector")),
    ]


def _state(status: Any, which: str, key: str) -> dict | None:
    st = lookup(status, which) or {}
    return st.get(key) if isinstance(st, dict) else lookup(st, key)


def _is_restartable_init(container: Any) -> bool:
    return container is not None and lookup(container, "restartPolicy") == "Always"


def _pod_row(pod: Any, now: datetime | None) -> list[str]:
    spec = lookup(pod, "spec")
    status = lookup(pod, "status")
    containers = lookup(spec, "containers") or []
    init_containers = lookup(spec, "initContainers") or []
    restarts = 0
    restartable_init_restarts = 0
    total = len(containers)
    ready = 0
    last_restart: datetime | None = None
    last_restartable_init_restart: datetime | None = None

    phase = lookup(status, "phase", default="")
    reason = lookup(status, "reason") or phase
    for cond in lookup(status, "conditions") or []:
        if lookup(cond, "type") == "PodScheduled" and lookup(cond, "reason") == "SchedulingGated":
            reason = "SchedulingGated"

    by_name = {lookup(c, "name"): c for c in init_containers}
    total += sum(1 for c in init_containers if _is_restartable_init(c))

    def later(a: datetime | None, b: Any) -> datetime | None:
        b = parse_time(b)
        if b is None:
            return a
        return b if a is None or a < b else a

    initializing = False
    for i, cs in enumerate(lookup(status, "initContainerStatuses") or []):
        restarts += lookup(cs, "restartCount", default=0)
        term_last = _state(cs, "lastState", "terminated")
        if term_last is not None:
            last_restart = later(last_restart, term_last.get("finishedAt"))
        restartable = _is_restartable_init(by_name.get(lookup(cs, "name")))
        if restartable:
            restartable_init_restarts += lookup(cs, "restartCount", default=0)
            if term_last is not None:
                last_restartable_init_restart = later(
                    last_restartable_init_restart, term_last.get("finishedAt")
                )
        terminated = _state(cs, "state", "terminated")
        waiting = _state(cs, "state", "waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if restartable and lookup(cs, "started"):
            if lookup(cs, "ready"):
                ready += 1
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                if terminated.get("signal"):
                    reason = f"Init:Signal:{terminated['signal']}"
                else:
                    reason = f"Init:ExitCode:{terminated.get('exitCode', 0)}"
            else:
                reason = "Init:" + terminated["reason"]
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_containers)}"
        initializing = True
        break

    initialized = any(
        lookup(c, "type") == "Initialized" and lookup(c, "status") == "True"
        for c in lookup(status, "conditions") or []
    )
    if not initializing or initialized:
        restarts = restartable_init_restarts
        last_restart = last_restartable_init_restart
        has_running = False
        for cs in reversed(lookup(status, "containerStatuses") or []):
            restarts += lookup(cs, "restartCount", default=0)
            term_last = _state(cs, "lastState", "terminated")
            if term_last is not None:
                last_restart = later(last_restart, term_last.get("finishedAt"))
            waiting = _state(cs, "state", "waiting")
            terminated = _state(cs, "state", "terminated")
            running = _state(cs, "state", "running")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if terminated.get("signal"):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{terminated.get('exitCode', 0)}"
            elif lookup(cs, "ready") and running is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(
                lookup(c, "type") == "Ready" and lookup(c, "status") == "True"
                for c in lookup(status, "conditions") or []
            )
            reason = "Running" if pod_ready else "NotReady"

    if lookup(pod, "metadata", "deletionTimestamp") is not None:
        if lookup(status, "reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Failed", "Succeeded"):
            reason = "Terminating"

    restarts_str = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_str = f"{restarts} ({translate_timestamp_since(last_restart, now)} ago)"

    pod_ips = lookup(status, "podIPs") or []
    pod_ip = lookup(pod_ips[0], "ip", default="") if pod_ips else ""
    gates = lookup(spec, "readinessGates") or []
    readiness = "<none>"
    if gates:
        true_count = 0
        for gate in gates:
            ctype = lookup(gate, "conditionType")
            for cond in lookup(status, "conditions") or []:
                if lookup(cond, "type") == ctype:
                    if lookup(cond, "status") == "True":
                        true_count += 1
                    break
        readiness = f"{true_count}/{len(gates)}"
    return [
        lookup(pod, "metadata", "name", default=""),
        f"{ready}/{total}",
        reason,
        restarts_str,
        _age(pod, now),
        pod_ip or "<none>",
        lookup(spec, "nodeName") or "<none>",
        lookup(status, "nominatedNodeName") or "<none>",
        readiness,
    ]


def _deployment_row(d: Any, now: datetime | None) -> list[str]:
    sel = selector_string(lookup(d, "spec", "selector"))
    names, images = _layout_container_cells(lookup(d, "spec", "template", "spec", "containers"))
    return [
        lookup(d, "metadata", "name", default=""),
        f"{lookup(d, 'status', 'readyReplicas', default=0)}/{lookup(d, 'spec', 'replicas', default=0)}",
        str(lookup(d, "status", "updatedReplicas", default=0)),
        str(lookup(d, "status", "availableReplicas", default=0)),
        _age(d, now),
        names,
        images,
        sel if sel is not None else "",
    ]


def _replicaset_row(rs: Any, now: datetime | None) -> list[str]:
    names, images = _layout_container_cells(lookup(rs, "spec", "template", "spec", "containers"))
    return [
        lookup(rs, "metadata", "name", default=""),
        str(lookup(rs, "spec", "replicas", default=0)),
        str(lookup(rs, "status", "replicas", default=0)),
        str(lookup(rs, "status", "readyReplicas", default=0)),
        _age(rs, now),
        names,
        images,
        format_label_selector(lookup(rs, "spec", "selector")),
    ]


def format_endpoints(ep: Any, ports: set[str] | None = None) -> str:
    """``formatEndpoints``: ``ip:port`` for up to three addresses, then ``+ N more...``; ``<none>`` if empty.

    >>> ep = {"subsets": [{"addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 6)], "ports": [{"port": 80}]}]}
    >>> format_endpoints(ep)
    '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...'
    """
    subsets = lookup(ep, "subsets") or []
    if not subsets:
        return "<none>"
    out: list[str] = []
    maximum, more, count = 3, False, 0
    for ss in subsets:
        addresses = lookup(ss, "addresses") or []
        ss_ports = lookup(ss, "ports") or []
        if not ss_ports:
            count += len(addresses)
            for a in addresses:
                if len(out) == maximum:
                    more = True
                    break
                out.append(lookup(a, "ip"))
            continue
        for port in ss_ports:
            if ports is None or (lookup(port, "name", default="") in ports):
                count += len(addresses)
                for a in addresses:
                    if len(out) == maximum:
                        more = True
                        break
                    out.append(join_host_port(lookup(a, "ip"), lookup(port, "port")))
    ret = ",".join(out)
    if more:
        return f"{ret} + {count - maximum} more..."
    return ret


def _endpoints_row(ep: Any, now: datetime | None) -> list[str]:
    return [lookup(ep, "metadata", "name", default=""), format_endpoints(ep), _age(ep, now)]


def format_discovery_ports(ports: Sequence[Any] | None) -> str:
    """``formatDiscoveryPorts``: port numbers (or names, or ``*``), three at most; ``<unset>`` for none."""
    out: list[str] = []
    maximum, more, count = 3, False, 0
    for p in ports or []:
        if len(out) < maximum:
            num = lookup(p, "port")
            out.append(
                str(num) if num is not None else (lookup(p, "name") if lookup(p, "name") is not None else "*")
            )
        elif len(out) == maximum:
            more = True
        count += 1
    return _list_with_more(out, more, count, maximum)


def format_discovery_endpoints(endpoints: Sequence[Any] | None) -> str:
    """``formatDiscoveryEndpoints``: every address of every endpoint, three at most; ``<unset>`` for none."""
    out: list[str] = []
    maximum, more, count = 3, False, 0
    for e in endpoints or []:
        for addr in lookup(e, "addresses") or []:
            if len(out) < maximum:
                out.append(addr)
            elif len(out) == maximum:
                more = True
            count += 1
    return _list_with_more(out, more, count, maximum)


def _endpointslice_row(s: Any, now: datetime | None) -> list[str]:
    return [
        lookup(s, "metadata", "name", default=""),
        lookup(s, "addressType", default=""),
        format_discovery_ports(lookup(s, "ports")),
        format_discovery_endpoints(lookup(s, "endpoints")),
        _age(s, now),
    ]


def _node_roles(node: Any) -> list[str]:
    roles = set()
    for k, v in (lookup(node, "metadata", "labels") or {}).items():
        if k.startswith(LABEL_NODE_ROLE_PREFIX):
            role = k[len(LABEL_NODE_ROLE_PREFIX) :]
            if role:
                roles.add(role)
        elif k == NODE_LABEL_ROLE and v != "":
            roles.add(v)
    return sorted(roles)


def _node_address(node: Any, type_: str) -> str:
    for a in lookup(node, "status", "addresses") or []:
        if lookup(a, "type") == type_:
            return lookup(a, "address")
    return "<none>"


def _node_row(node: Any, now: datetime | None) -> list[str]:
    conds = {lookup(c, "type"): c for c in lookup(node, "status", "conditions") or []}
    status = []
    if "Ready" in conds:
        status.append("Ready" if lookup(conds["Ready"], "status") == "True" else "NotReady")
    if not status:
        status.append("Unknown")
    if lookup(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    info = lookup(node, "status", "nodeInfo")
    return [
        lookup(node, "metadata", "name", default=""),
        ",".join(status),
        ",".join(_node_roles(node)) or "<none>",
        _age(node, now),
        lookup(info, "kubeletVersion", default=""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        lookup(info, "osImage") or "<unknown>",
        lookup(info, "kernelVersion") or "<unknown>",
        lookup(info, "containerRuntimeVersion") or "<unknown>",
    ]


def _event_row(e: Any, now: datetime | None) -> list[str]:
    first = translate_timestamp_since(lookup(e, "firstTimestamp"), now)
    if lookup(e, "firstTimestamp") is None:
        first = translate_timestamp_since(lookup(e, "eventTime"), now)
    last = translate_timestamp_since(lookup(e, "lastTimestamp"), now)
    if lookup(e, "lastTimestamp") is None:
        last = first
    count = lookup(e, "count", default=0)
    series = lookup(e, "series")
    if series is not None:
        last = translate_timestamp_since(lookup(series, "lastObservedTime"), now)
        count = lookup(series, "count", default=0)
    elif count == 0:
        count = 1  # singleton events don't have a count set in the new API
    kind = lookup(e, "involvedObject", "kind", default="").lower()
    name = lookup(e, "involvedObject", "name", default="")
    target = f"{kind}/{name}" if name else kind
    component = lookup(e, "source", "component") or lookup(e, "reportingComponent") or ""
    host = lookup(e, "source", "host") or lookup(e, "reportingInstance") or ""
    source = f"{component}, {host}" if host else component
    return [
        last,
        lookup(e, "type", default=""),
        lookup(e, "reason", default=""),
        target,
        lookup(e, "involvedObject", "fieldPath", default=""),
        source,
        lookup(e, "message", default="").strip(),
        first,
        str(count),
        lookup(e, "metadata", "name", default=""),
    ]


def _namespace_row(ns: Any, now: datetime | None) -> list[str]:
    return [
        lookup(ns, "metadata", "name", default=""),
        lookup(ns, "status", "phase", default=""),
        _age(ns, now),
    ]


# --- the other built-in kinds ----------------------------------------------------------------------------------


def _default_row(obj: Any, now: datetime | None) -> list[str]:
    """``defaultTableConvertor``: name and ``creationTimestamp`` as RFC 3339 (UTC)."""
    ts = parse_time(lookup(obj, "metadata", "creationTimestamp"))
    return [
        lookup(obj, "metadata", "name", default=""),
        ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts else "0001-01-01T00:00:00Z",
    ]


def _go_bool(value: Any) -> str:
    """A Go ``bool`` cell, printed with ``%v``."""
    return "true" if value else "false"


def _print_bool_ptr(value: Any) -> str:
    """``printBoolPtr``: ``True``/``False``, ``<unset>`` for nil."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


def _configmap_row(cm: Any, now: datetime | None) -> list[str]:
    data = len(lookup(cm, "data") or {}) + len(lookup(cm, "binaryData") or {})
    return [lookup(cm, "metadata", "name", default=""), str(data), _age(cm, now)]


def _secret_row(s: Any, now: datetime | None) -> list[str]:
    return [
        lookup(s, "metadata", "name", default=""),
        lookup(s, "type", default=""),
        str(len(lookup(s, "data") or {})),
        _age(s, now),
    ]


def _service_account_row(sa: Any, now: datetime | None) -> list[str]:
    return [lookup(sa, "metadata", "name", default=""), str(len(lookup(sa, "secrets") or [])), _age(sa, now)]


def access_modes_string(modes: Sequence[str] | None) -> str:
    """``helper.GetAccessModesAsString``: ``RWO,ROX,RWX,RWOP`` in that order, duplicates dropped.

    >>> access_modes_string(["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"])
    'RWO,RWX'
    """
    modes = modes or []
    short = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    return ",".join(abbr for mode, abbr in short if mode in modes)


_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


def _pv_row(pv: Any, now: datetime | None) -> list[str]:
    claim = lookup(pv, "spec", "claimRef")
    claim_str = (
        f"{lookup(claim, 'namespace', default='')}/{lookup(claim, 'name', default='')}" if claim else ""
    )
    phase = lookup(pv, "status", "phase", default="")
    if lookup(pv, "metadata", "deletionTimestamp") is not None:
        phase = "Terminating"
    annotations = lookup(pv, "metadata", "annotations") or {}
    cls = annotations.get(_BETA_STORAGE_CLASS) if _BETA_STORAGE_CLASS in annotations else None
    return [
        lookup(pv, "metadata", "name", default=""),
        (lookup(pv, "spec", "capacity") or {}).get("storage", "0"),
        access_modes_string(lookup(pv, "spec", "accessModes")),
        lookup(pv, "spec", "persistentVolumeReclaimPolicy", default=""),
        phase,
        claim_str,
        cls if cls is not None else lookup(pv, "spec", "storageClassName", default=""),
        lookup(pv, "spec", "volumeAttributesClassName", default="<unset>"),
        lookup(pv, "status", "reason", default=""),
        _age(pv, now),
        lookup(pv, "spec", "volumeMode", default="<unset>"),
    ]


def _pvc_row(pvc: Any, now: datetime | None) -> list[str]:
    phase = lookup(pvc, "status", "phase", default="")
    if lookup(pvc, "metadata", "deletionTimestamp") is not None:
        phase = "Terminating"
    volume = lookup(pvc, "spec", "volumeName", default="")
    capacity = access = ""
    if volume:
        access = access_modes_string(lookup(pvc, "status", "accessModes"))
        capacity = (lookup(pvc, "status", "capacity") or {}).get("storage", "0")
    annotations = lookup(pvc, "metadata", "annotations") or {}
    cls = annotations.get(_BETA_STORAGE_CLASS) if _BETA_STORAGE_CLASS in annotations else None
    return [
        lookup(pvc, "metadata", "name", default=""),
        phase,
        volume,
        capacity,
        access,
        cls if cls is not None else lookup(pvc, "spec", "storageClassName", default=""),
        lookup(pvc, "spec", "volumeAttributesClassName", default="<unset>"),
        _age(pvc, now),
        lookup(pvc, "spec", "volumeMode", default="<unset>"),
    ]


def _rc_row(rc: Any, now: datetime | None) -> list[str]:
    names, images = _layout_container_cells(lookup(rc, "spec", "template", "spec", "containers"))
    return [
        lookup(rc, "metadata", "name", default=""),
        str(lookup(rc, "spec", "replicas", default=0)),
        str(lookup(rc, "status", "replicas", default=0)),
        str(lookup(rc, "status", "readyReplicas", default=0)),
        _age(rc, now),
        names,
        images,
        format_labels(lookup(rc, "spec", "selector")),
    ]


def _pod_template_row(pt: Any, now: datetime | None) -> list[str]:
    names, images = _layout_container_cells(lookup(pt, "template", "spec", "containers"))
    return [
        lookup(pt, "metadata", "name", default=""),
        names,
        images,
        format_labels(lookup(pt, "template", "metadata", "labels")),
    ]


def _resource_quota_row(rq: Any, now: datetime | None) -> list[str]:
    hard = lookup(rq, "status", "hard") or {}
    used = lookup(rq, "status", "used") or {}
    request: list[str] = []
    limit: list[str] = []
    for name in sorted(hard):
        target = limit if name.split(".")[0] == "limits" and "." in name else request
        target.append(f"{name}: {used.get(name, '0')}/{hard[name]}")
    return [lookup(rq, "metadata", "name", default=""), ", ".join(request), ", ".join(limit), _age(rq, now)]


def _stateful_set_row(sts: Any, now: datetime | None) -> list[str]:
    names, images = _layout_container_cells(lookup(sts, "spec", "template", "spec", "containers"))
    ready = lookup(sts, "status", "readyReplicas", default=0)
    return [
        lookup(sts, "metadata", "name", default=""),
        f"{ready}/{lookup(sts, 'spec', 'replicas', default=0)}",
        _age(sts, now),
        names,
        images,
    ]


def _daemon_set_row(ds: Any, now: datetime | None) -> list[str]:
    names, images = _layout_container_cells(lookup(ds, "spec", "template", "spec", "containers"))
    return [
        lookup(ds, "metadata", "name", default=""),
        str(lookup(ds, "status", "desiredNumberScheduled", default=0)),
        str(lookup(ds, "status", "currentNumberScheduled", default=0)),
        str(lookup(ds, "status", "numberReady", default=0)),
        str(lookup(ds, "status", "updatedNumberScheduled", default=0)),
        str(lookup(ds, "status", "numberAvailable", default=0)),
        format_labels(lookup(ds, "spec", "template", "spec", "nodeSelector")),
        _age(ds, now),
        names,
        images,
        format_label_selector(lookup(ds, "spec", "selector")),
    ]


def _controller_revision_row(cr: Any, now: datetime | None) -> list[str]:
    controller = "<none>"
    for ref in lookup(cr, "metadata", "ownerReferences") or []:
        if lookup(ref, "controller"):
            group = (lookup(ref, "apiVersion", default="") or "").rpartition("/")[0]
            kind = lookup(ref, "kind", default="")
            qualified = f"{kind}.{group}" if group else kind
            controller = (
                f"{qualified.lower()}/{lookup(ref, 'name', default='')}"
                if kind
                else lookup(ref, "name", default="")
            )
            break
    return [
        lookup(cr, "metadata", "name", default=""),
        controller,
        str(lookup(cr, "revision", default=0)),
        _age(cr, now),
    ]


def _has_condition(conditions: Any, ctype: str) -> bool:
    for c in conditions or []:
        if lookup(c, "type") == ctype:
            return lookup(c, "status") == "True"
    return False


def _job_row(job: Any, now: datetime | None) -> list[str]:
    from .age import human_duration

    succeeded = lookup(job, "status", "succeeded", default=0)
    completions = lookup(job, "spec", "completions")
    if completions is not None:
        done = f"{succeeded}/{completions}"
    else:
        parallelism = lookup(job, "spec", "parallelism", default=0)
        done = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    start = parse_time(lookup(job, "status", "startTime"))
    end = parse_time(lookup(job, "status", "completionTime"))
    duration = ""
    if start is not None and end is None and now is not None:
        duration = human_duration(now - start)
    elif start is not None and end is not None:
        duration = human_duration(end - start)
    conditions = lookup(job, "status", "conditions")
    if _has_condition(conditions, "Complete"):
        status = "Complete"
    elif _has_condition(conditions, "Failed"):
        status = "Failed"
    elif lookup(job, "metadata", "deletionTimestamp") is not None:
        status = "Terminating"
    elif _has_condition(conditions, "Suspended"):
        status = "Suspended"
    elif _has_condition(conditions, "FailureTarget"):
        status = "FailureTarget"
    else:
        status = "Running"
    names, images = _layout_container_cells(lookup(job, "spec", "template", "spec", "containers"))
    return [
        lookup(job, "metadata", "name", default=""),
        status,
        done,
        duration,
        _age(job, now),
        names,
        images,
        format_label_selector(lookup(job, "spec", "selector")),
    ]


def _cron_job_row(cj: Any, now: datetime | None) -> list[str]:
    last = lookup(cj, "status", "lastScheduleTime")
    names, images = _layout_container_cells(
        lookup(cj, "spec", "jobTemplate", "spec", "template", "spec", "containers")
    )
    return [
        lookup(cj, "metadata", "name", default=""),
        lookup(cj, "spec", "schedule", default=""),
        lookup(cj, "spec", "timeZone", default="<none>"),
        _print_bool_ptr(lookup(cj, "spec", "suspend")),
        str(len(lookup(cj, "status", "active") or [])),
        translate_timestamp_since(last, now) if last is not None else "<none>",
        _age(cj, now),
        names,
        images,
        format_label_selector(lookup(cj, "spec", "jobTemplate", "spec", "selector")),
    ]


def format_hpa_metrics(specs: Sequence[Any] | None, statuses: Sequence[Any] | None) -> str:
    """``formatHPAMetrics``: ``<resource>: <current>/<target>`` per metric, two at most; ``<unknown>`` for a
    current value no autoscaler has measured yet.

    >>> format_hpa_metrics([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
    ...     "averageUtilization": 80}}}], None)
    'cpu: <unknown>/80%'
    """
    if not specs:
        return "<none>"
    statuses = list(statuses or [])
    out: list[str] = []
    for i, spec in enumerate(specs):
        status = statuses[i] if i < len(statuses) else None
        mtype = lookup(spec, "type")
        if mtype in ("Resource", "ContainerResource"):
            key = "resource" if mtype == "Resource" else "containerResource"
            src = lookup(spec, key)
            target = lookup(src, "target")
            name = lookup(src, "name", default="")
            current_src = lookup(status, key)
            if lookup(target, "averageValue") is not None:
                current = lookup(current_src, "current", "averageValue", default="<unknown>")
                out.append(f"{name}: {current}/{lookup(target, 'averageValue')}")
            else:
                util = lookup(current_src, "current", "averageUtilization")
                current = f"{util}%" if util is not None else "<unknown>"
                want = lookup(target, "averageUtilization")
                out.append(f"{name}: {current}/{want}%" if want is not None else f"{name}: {current}/<auto>")
        elif mtype == "Pods":
            current = lookup(status, "pods", "current", "averageValue", default="<unknown>")
            out.append(f"{current}/{lookup(spec, 'pods', 'target', 'averageValue', default='')}")
        elif mtype in ("Object", "External"):
            key = mtype.lower()
            target = lookup(spec, key, "target")
            if lookup(target, "averageValue") is not None:
                current = lookup(status, key, "current", "averageValue", default="<unknown>")
                out.append(f"{current}/{lookup(target, 'averageValue')} (avg)")
            else:
                current = lookup(status, key, "current", "value", default="<unknown>")
                out.append(f"{current}/{lookup(target, 'value', default='')}")
        else:
            out.append("<unknown type>")
    if len(out) > 2:
        return f"{', '.join(out[:2])} + {len(out) - 2} more..."
    return ", ".join(out)


def _hpa_row(hpa: Any, now: datetime | None) -> list[str]:
    ref = lookup(hpa, "spec", "scaleTargetRef")
    min_pods = lookup(hpa, "spec", "minReplicas")
    return [
        lookup(hpa, "metadata", "name", default=""),
        f"{lookup(ref, 'kind', default='')}/{lookup(ref, 'name', default='')}",
        format_hpa_metrics(lookup(hpa, "spec", "metrics"), lookup(hpa, "status", "currentMetrics")),
        str(min_pods) if min_pods is not None else "<unset>",
        str(lookup(hpa, "spec", "maxReplicas", default=0)),
        str(lookup(hpa, "status", "currentReplicas", default=0)),
        _age(hpa, now),
    ]


def _pdb_row(pdb: Any, now: datetime | None) -> list[str]:
    min_available = lookup(pdb, "spec", "minAvailable")
    max_unavailable = lookup(pdb, "spec", "maxUnavailable")
    return [
        lookup(pdb, "metadata", "name", default=""),
        str(min_available) if min_available is not None else "N/A",
        str(max_unavailable) if max_unavailable is not None else "N/A",
        str(lookup(pdb, "status", "disruptionsAllowed", default=0)),
        _age(pdb, now),
    ]


def format_ingress_hosts(rules: Sequence[Any] | None) -> str:
    """``formatHosts``: the rules' hosts, three at most, ``*`` when none names one.

    >>> format_ingress_hosts([{"host": "a"}, {"host": "b"}, {}, {"host": "d"}, {"host": "e"}])
    'a,b,d + 2 more...'
    """
    rules = list(rules or [])
    out: list[str] = []
    more = False
    for rule in rules:
        if len(out) == 3:
            more = True
        host = lookup(rule, "host", default="")
        if not more and host:
            out.append(host)
    if not out:
        return "*"
    return f"{','.join(out)} + {len(rules) - 3} more..." if more else ",".join(out)


def _ingress_row(ing: Any, now: datetime | None) -> list[str]:
    found: set[str] = set()
    for entry in lookup(ing, "status", "loadBalancer", "ingress") or []:
        if lookup(entry, "ip"):
            found.add(lookup(entry, "ip"))
        elif lookup(entry, "hostname"):
            found.add(lookup(entry, "hostname"))
    return [
        lookup(ing, "metadata", "name", default=""),
        lookup(ing, "spec", "ingressClassName", default="<none>"),
        format_ingress_hosts(lookup(ing, "spec", "rules")),
        ",".join(sorted(found)),  # ingressLoadBalancerStatusStringer, wide (server-side printing)
        "80, 443" if lookup(ing, "spec", "tls") else "80",
        _age(ing, now),
    ]


def _ingress_class_row(ic: Any, now: datetime | None) -> list[str]:
    params = lookup(ic, "spec", "parameters")
    parameters = "<none>"
    if params is not None:
        parameters = lookup(params, "kind", default="")
        if lookup(params, "apiGroup") is not None:
            parameters += "." + lookup(params, "apiGroup")
        parameters += "/" + lookup(params, "name", default="")
    return [
        lookup(ic, "metadata", "name", default=""),
        lookup(ic, "spec", "controller", default=""),
        parameters,
        _age(ic, now),
    ]


def _network_policy_row(np: Any, now: datetime | None) -> list[str]:
    selector = lookup(np, "spec", "podSelector")
    return [
        lookup(np, "metadata", "name", default=""),
        format_label_selector(selector if selector is not None else {}),
        _age(np, now),
    ]


def _binding_row(b: Any, now: datetime | None) -> list[str]:
    users, groups, sas = [], [], []
    for subject in lookup(b, "subjects") or []:
        kind, name = lookup(subject, "kind", default=""), lookup(subject, "name", default="")
        if kind == "ServiceAccount":
            sas.append(f"{lookup(subject, 'namespace', default='')}/{name}")
        elif kind == "User":
            users.append(name)
        elif kind == "Group":
            groups.append(name)
    ref = lookup(b, "roleRef")
    return [
        lookup(b, "metadata", "name", default=""),
        f"{lookup(ref, 'kind', default='')}/{lookup(ref, 'name', default='')}",
        _age(b, now),
        ", ".join(users),
        ", ".join(groups),
        ", ".join(sas),
    ]


_DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


def _storage_class_row(sc: Any, now: datetime | None) -> list[str]:
    name = lookup(sc, "metadata", "name", default="")
    annotations = lookup(sc, "metadata", "annotations") or {}
    if any(annotations.get(a) == "true" for a in _DEFAULT_CLASS_ANNOTATIONS):
        name += " (default)"
    return [
        name,
        lookup(sc, "provisioner", default=""),
        lookup(sc, "reclaimPolicy", default="Delete"),
        lookup(sc, "volumeBindingMode", default="Immediate"),
        _go_bool(lookup(sc, "allowVolumeExpansion", default=False)),
        _age(sc, now),
    ]


def _priority_class_row(pc: Any, now: datetime | None) -> list[str]:
    return [
        lookup(pc, "metadata", "name", default=""),
        str(lookup(pc, "value", default=0)),
        _go_bool(lookup(pc, "globalDefault", default=False)),
        _age(pc, now),
        lookup(pc, "preemptionPolicy", default=""),
    ]


def _lease_row(lease: Any, now: datetime | None) -> list[str]:
    return [
        lookup(lease, "metadata", "name", default=""),
        lookup(lease, "spec", "holderIdentity", default=""),
        _age(lease, now),
    ]


def _runtime_class_row(rc: Any, now: datetime | None) -> list[str]:
    return [lookup(rc, "metadata", "name", default=""), lookup(rc, "handler", default=""), _age(rc, now)]


def _webhook_row(cfg: Any, now: datetime | None) -> list[str]:
    return [
        lookup(cfg, "metadata", "name", default=""),
        str(len(lookup(cfg, "webhooks") or [])),
        _age(cfg, now),
    ]


def _service_cidr_row(sc: Any, now: datetime | None) -> list[str]:
    # printServiceCIDR: the CIDRs joined with ","
    cidrs = ",".join(lookup(sc, "spec", "cidrs", default=None) or [])
    return [lookup(sc, "metadata", "name", default=""), cidrs, _age(sc, now)]


def _ip_address_row(ip: Any, now: datetime | None) -> list[str]:
    """printIPAddress: ``<resource>[.<group>]/[<namespace>/]<name>`` lower-cased, ``<none>`` without a parent.
    (Upstream appends an age cell too, but the table defines only Name and ParentRef, so none is shown.)"""
    ref = lookup(ip, "spec", "parentRef")
    parent = "<none>"
    if ref is not None:
        group, resource = lookup(ref, "group", default="") or "", lookup(ref, "resource", default="") or ""
        parent = (f"{resource}.{group}" if group else resource).lower()
        if lookup(ref, "namespace", default=""):
            parent += "/" + lookup(ref, "namespace")
        parent += "/" + (lookup(ref, "name", default="") or "")
    return [lookup(ip, "metadata", "name", default=""), parent]


_ROWS: dict[str, Callable[[Any, datetime | None], list[str]]] = {
    "Service": _service_row,
    "Pod": _pod_row,
    "Deployment": _deployment_row,
    "ReplicaSet": _replicaset_row,
    "Endpoints": _endpoints_row,
    "EndpointSlice": _endpointslice_row,
    "Node": _node_row,
    "Event": _event_row,
    "Namespace": _namespace_row,
    "ConfigMap": _configmap_row,
    "Secret": _secret_row,
    "ServiceAccount": _service_account_row,
    "PersistentVolume": _pv_row,
    "PersistentVolumeClaim": _pvc_row,
    "ReplicationController": _rc_row,
    "PodTemplate": _pod_template_row,
    "ResourceQuota": _resource_quota_row,
    "StatefulSet": _stateful_set_row,
    "DaemonSet": _daemon_set_row,
    "ControllerRevision": _controller_revision_row,
    "Job": _job_row,
    "CronJob": _cron_job_row,
    "HorizontalPodAutoscaler": _hpa_row,
    "PodDisruptionBudget": _pdb_row,
    "Ingress": _ingress_row,
    "IngressClass": _ingress_class_row,
    "NetworkPolicy": _network_policy_row,
    "RoleBinding": _binding_row,
    "ClusterRoleBinding": _binding_row,
    "StorageClass": _storage_class_row,
    "PriorityClass": _priority_class_row,
    "Lease": _lease_row,
    "RuntimeClass": _runtime_class_row,
    "ValidatingWebhookConfiguration": _webhook_row,
    "MutatingWebhookConfiguration": _webhook_row,
    "Role": _default_row,
    "ClusterRole": _default_row,
    "LimitRange": _default_row,
    "CustomResourceDefinition": _default_row,
    "ServiceCIDR": _service_cidr_row,
    "IPAddress": _ip_address_row,
}


def table_rows(obj: Any, now: datetime | None = None, wide: bool = True) -> list[str]:
    """The cells upstream's print function produces for one object with ``GenerateOptions{Wide: wide}``.

    kube-apiserver always generates rows with ``Wide: true`` (``pkg/printers/storage/storage.go``), so that is
    the default and what :func:`get_table` uses; ``wide=False`` reproduces the generator's narrow rows
    (priority-1 cells dropped, a LoadBalancer's ingress list clipped to 16 characters).

    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> table_rows(EndpointSlice(addressType="IPv4", metadata={"name": "s"}), None)
    ['s', 'IPv4', '<unset>', '<unset>', '<unknown>']
    """
    try:
        fn = _ROWS[obj.kind]
    except KeyError:
        raise ValueError(f"no table printer for kind {obj.kind!r}") from None
    cells = fn(obj, now)
    if not wide:
        if obj.kind == "Service":
            cells[3] = _service_external_ip(obj, wide=False)
        if obj.kind == "PriorityClass":
            # printPriorityClass adds the PreemptionPolicy cell only for Wide, though its column has priority 0
            # (so kubectl, always handed wide rows, always shows it)
            cells = cells[:-1]
            return cells
        cells = [c for c, (_, prio) in zip(cells, COLUMNS[obj.kind], strict=True) if prio == 0]
    return cells


# --- the table printer ------------------------------------------------------------------------------------


def _groups(objects: Iterable[Any]) -> list[list[Any]]:
    groups: list[list[Any]] = []
    for obj in objects:
        if groups and groups[-1][0].kind == obj.kind:
            groups[-1].append(obj)
        else:
            groups.append([obj])
    return groups


def get_table(
    objects: Iterable[Any],
    wide: bool = False,
    now: datetime | None = None,
    show_kind: bool = False,
    namespace_column: bool = False,
    no_headers: bool = False,
    show_labels: bool = False,
) -> str:
    """The text ``kubectl get`` prints to stdout for ``objects`` (``""`` when there are none).

    Parameters
    ----------
    objects : iterable of API objects
        Printed in the given order; consecutive objects of one kind form one table.
    wide : bool
        ``-o wide``: add the priority-1 columns.
    now : datetime
        The time ages are measured against (required if any object has a ``creationTimestamp``).
    show_kind : bool
        Prefix names with ``kind/`` (kubectl does when the output mixes kinds, e.g. ``get svc,deploy``).
    namespace_column : bool
        ``-A``: add a ``NAMESPACE`` column (never for cluster-scoped kinds).
    no_headers, show_labels : bool
        ``--no-headers`` and ``--show-labels``.

    Example
    -------
    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> s = EndpointSlice.model_validate({"metadata": {"name": "web-abc12", "namespace": "default"},
    ...     "addressType": "IPv4", "ports": [{"port": 80}],
    ...     "endpoints": [{"addresses": ["10.244.1.2"]}, {"addresses": ["10.244.2.3"]}]})
    >>> print(get_table([s], namespace_column=True), end="")
    NAMESPACE   NAME        ADDRESSTYPE   PORTS   ENDPOINTS               AGE
    default     web-abc12   IPv4          80      10.244.1.2,10.244.2.3   <unknown>
    """
    w = kubectl_get_writer()
    out: list[str] = []
    written = False
    for group in _groups(objects):
        kind = group[0].kind
        out.append(w.flush())
        w.set_remembered_widths(None)
        separator = written and not no_headers
        cols = COLUMNS.get(kind)
        if cols is None:
            raise ValueError(f"no table printer for kind {kind!r}")
        keep = [i for i, (_, prio) in enumerate(cols) if wide or prio == 0]
        info = _api_info(kind)
        with_ns = namespace_column and (info is None or info.namespaced)
        lines = []
        if not no_headers:
            headers = [cols[i][0].upper() for i in keep]
            if with_ns:
                headers.insert(0, "NAMESPACE")
            if show_labels:
                headers.append("LABELS")
            lines.append("\t".join(headers) + "\n")
        for obj in group:
            cells = table_rows(obj, now)
            if show_kind:
                ni = _NAME_COLUMN[kind]
                cells[ni] = f"{kind_string(kind)}/{cells[ni]}"
            row = [_sanitize_cell(cells[i]) for i in keep]
            if with_ns:
                row.insert(0, lookup(obj, "metadata", "namespace", default=""))
            if show_labels:
                row.append(format_labels(lookup(obj, "metadata", "labels")))
            lines.append("\t".join(row) + "\n")
        # printTable flushes every 100 rows; with RememberWidths the layout only ever widens.
        for i, line in enumerate(lines):
            if separator:
                out.append(w.flush())
                out.append("\n")
                separator = False
            w.write(line)
            if not no_headers and i > 0 and i % 100 == 0:
                out.append(w.flush())
            elif no_headers and (i + 1) % 100 == 0:
                out.append(w.flush())
        written = written or bool(lines)
    out.append(w.flush())
    return "".join(out)


def _sanitize_cell(value: str) -> str:
    """``appendCellValue``: a cell is cut at the first newline, CR or form feed and ends with ``...``."""
    for i, ch in enumerate(value):
        if ch in "\f\n\r":
            return value[:i] + "..."
    return value


def print_names(objects: Iterable[Any]) -> str:
    """``-o name``: one ``kind.group/name`` per line.

    >>> from k8snet.api.apps_v1 import Deployment
    >>> print_names([Deployment(metadata={"name": "nginx"})])
    'deployment.apps/nginx\\n'
    """
    return "".join(resource_name(o) + "\n" for o in objects)


# --- -o json / -o yaml --------------------------------------------------------------------------------------


def _object_dict(obj: Any) -> dict:
    d = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    return _go_zero_values(d)


def _go_zero_values(d: dict) -> dict:
    """Fields Go's encoding/json always writes although they are empty (struct fields without a pointer).

    kube-apiserver returns them, so kubectl prints them: ``status: {loadBalancer: {}}`` on every Service and
    ``spec: {}``/``status: {}`` on an object that has none. A zero ``metadata.creationTimestamp`` is *not*
    written since v1.34 (kubernetes/kubernetes#130989: "Zero-value metadata.creationTimestamp values are now
    omitted"), so pod templates no longer show ``creationTimestamp: null``. Simplified to the kinds this
    package prints.
    """
    kind = d.get("kind")
    if kind in ("Service", "Pod", "Deployment", "ReplicaSet", "Node"):
        d.setdefault("spec", {})
    if kind in ("Service", "Pod", "Deployment", "ReplicaSet", "Node", "Namespace"):
        d.setdefault("status", {})
    if kind == "Service":
        d["status"].setdefault("loadBalancer", {})
    if kind == "Deployment":
        d["spec"].setdefault("strategy", {})
    pod_spec = d.get("spec") if kind == "Pod" else (d.get("spec", {}).get("template") or {}).get("spec")
    for c in (pod_spec or {}).get("containers") or []:
        c.setdefault("resources", {})  # ResourceRequirements is a struct
    for path, zero in _STRUCT_FIELDS.get(str(kind), ()):
        parent = d
        for part in path[:-1]:
            parent = parent.setdefault(part, {})
            if not isinstance(parent, dict):
                break
        else:
            parent.setdefault(path[-1], zero)
    d.setdefault("metadata", {})
    return d


#: For the other built-in kinds: fields encoding/json always writes (struct fields, and slices or scalars
#: without ``omitempty``), as (path, zero value). Status fields the server always sets are in the models.
_STRUCT_FIELDS: dict[str, tuple[tuple[tuple[str, ...], Any], ...]] = {
    "PersistentVolume": ((("spec",), {}), (("status",), {})),
    "PersistentVolumeClaim": ((("spec",), {}), (("spec", "resources"), {}), (("status",), {})),
    "ReplicationController": ((("spec",), {}), (("status",), {"replicas": 0})),
    "PodTemplate": (
        (("template",), {}),
        (("template", "spec"), {}),
        (("template", "spec", "containers"), None),
    ),
    "LimitRange": ((("spec",), {}), (("spec", "limits"), None)),
    "ResourceQuota": ((("spec",), {}), (("status",), {})),
    "StatefulSet": (
        (("spec",), {}),
        (("spec", "template"), {}),
        (("status",), {"availableReplicas": 0, "replicas": 0}),
    ),
    "DaemonSet": (
        (("spec",), {}),
        (("spec", "template"), {}),
        (("spec", "updateStrategy"), {}),
        (
            ("status",),
            {
                "currentNumberScheduled": 0,
                "desiredNumberScheduled": 0,
                "numberMisscheduled": 0,
                "numberReady": 0,
            },
        ),
    ),
    "ControllerRevision": ((("revision",), 0),),
    "Job": ((("spec",), {}), (("spec", "template"), {}), (("status",), {})),
    "CronJob": (
        (("spec",), {}),
        (("spec", "schedule"), ""),
        (("spec", "jobTemplate"), {}),
        (("status",), {}),
    ),
    "HorizontalPodAutoscaler": (
        (("spec",), {}),
        (("spec", "scaleTargetRef"), {}),
        (("spec", "maxReplicas"), 0),
        (("status",), {"desiredReplicas": 0}),
    ),
    "PodDisruptionBudget": (
        (("spec",), {}),
        (("status",), {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}),
    ),
    "Ingress": ((("spec",), {}), (("status",), {}), (("status", "loadBalancer"), {})),
    "IngressClass": ((("spec",), {}),),
    "NetworkPolicy": ((("spec",), {}), (("spec", "podSelector"), {})),
    "Role": ((("rules",), None),),
    "ClusterRole": ((("rules",), None),),
    "RoleBinding": ((("roleRef",), {}),),
    "ClusterRoleBinding": ((("roleRef",), {}),),
    "StorageClass": ((("provisioner",), ""),),
    "PriorityClass": ((("value",), 0),),
    "Lease": ((("spec",), {}),),
    "RuntimeClass": ((("handler",), ""),),
    "CustomResourceDefinition": ((("spec",), {}), (("status",), {})),
}


def output_object(objects: Sequence[Any], single: bool) -> dict:
    """What ``-o json``/``yaml``/``jsonpath`` print from: the one object asked for by name, else a ``v1 List``.

    >>> from k8snet.api.core_v1 import Namespace
    >>> output_object([Namespace(metadata={"name": "a"})], single=False)["kind"]
    'List'
    """
    if single and len(objects) == 1:
        return _object_dict(objects[0])
    return {
        "apiVersion": "v1",
        "items": [_object_dict(o) for o in objects],
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def to_json(objects: Sequence[Any], single: bool = True) -> str:
    """``-o json``: Go's ``json.MarshalIndent(obj, "", "    ")`` of the object (keys sorted, since kubectl works
    on unstructured maps, and ``<``, ``>``, ``&`` escaped as Go does). Several objects are wrapped in a
    ``kind: List`` whose ``metadata`` is ``{"resourceVersion": ""}`` (``printGeneric`` in kubectl get.go).

    >>> from k8snet.api.core_v1 import Service
    >>> print(to_json([Service(metadata={"name": "a"})]), end="")
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "a"
        },
        "spec": {},
        "status": {
            "loadBalancer": {}
        }
    }
    """
    text = json.dumps(output_object(objects, single), indent=4, sort_keys=True, ensure_ascii=False)
    return go_json_escape(text) + "\n"


def to_yaml(objects: Sequence[Any], single: bool = True) -> str:
    """``-o yaml``: sigs.k8s.io/yaml (go-yaml v2) rendering of the object, keys sorted the go-yaml way.

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service.model_validate({"metadata": {"name": "a", "resourceVersion": "12",
    ...     "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {"ports": [{"port": 80, "targetPort": 80}]}})
    >>> print(to_yaml([svc]), end="")
    apiVersion: v1
    kind: Service
    metadata:
      creationTimestamp: "2026-01-01T00:00:00Z"
      name: a
      resourceVersion: "12"
    spec:
      ports:
      - port: 80
        targetPort: 80
    status:
      loadBalancer: {}
    """
    return go_yaml(output_object(objects, single))
