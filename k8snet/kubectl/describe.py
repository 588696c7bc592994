"""``kubectl describe`` text for Service, Endpoints, EndpointSlice, Pod and Deployment (kubectl v1.34).

Ported from kubernetes/kubectl ``pkg/describe/describe.go``: ``describeService`` (which, since v1.33, lists
endpoints from the Service's EndpointSlices, not from its Endpoints object), ``describeEndpoints``,
``describeEndpointSliceV1``, ``describePod`` (with ``describeContainers``, ``describeStatus``,
``describeVolumes``, ``DescribeProbe``), ``describeDeployment`` (with ``DescribePodTemplate``),
``formatEndpointSlices``, ``printLabelsMultiline``,
``printAnnotationsMultiline`` (``kubectl.kubernetes.io/last-applied-configuration`` is skipped, values longer
than 140 characters are folded), ``DescribeEvents`` and ``tabbedString`` (Go ``text/tabwriter`` with
minwidth 0, tabwidth 8, padding 2). Each line is written through the same tab-terminated cells as upstream,
so label columns line up exactly as kubectl aligns them.

Simplified: terminal escape sequences in values are not escaped (``printers.WriteEscaped``).

>>> from k8snet.api.core_v1 import Service
>>> svc = Service.model_validate({"metadata": {"name": "web", "namespace": "default"},
...     "spec": {"type": "ClusterIP", "selector": {"app": "web"}, "clusterIP": "10.96.0.10",
...     "clusterIPs": ["10.96.0.10"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
...     "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}], "sessionAffinity": "None",
...     "internalTrafficPolicy": "Cluster"}})
>>> print(describe(svc), end="")
Name:                     web
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=web
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.0.10
IPs:                      10.96.0.10
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
Endpoints:                <none>
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from ..netutils import join_host_port
from .age import parse_time, translate_timestamp_since
from .printers import format_labels, lookup
from .tabwriter import TabWriter, describe_writer

__all__ = [
    "describe",
    "describe_service",
    "describe_endpoints",
    "describe_endpoint_slice",
    "describe_pod",
    "describe_deployment",
    "describe_pod_template",
    "format_endpoint_slices",
]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140


class _PrefixWriter:
    """``prefixWriter``: two spaces per level, then the text into the tab writer."""

    def __init__(self, tw: TabWriter):
        self.tw = tw
        self.out: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.tw.write("  " * level + text)

    def write_line(self, text: str) -> None:
        self.tw.write(text + "\n")

    def flush(self) -> None:
        self.out.append(self.tw.flush())

    def text(self) -> str:
        self.flush()
        return "".join(self.out)


def _print_labels_multiline(
    w: _PrefixWriter, title: str, labels: dict | None, initial_indent: str = "", inner_indent: str = "\t"
) -> None:
    w.write(0, f"{initial_indent}{title}:{inner_indent}")
    if not labels:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i != 0:
            w.write(0, initial_indent)
            w.write(0, inner_indent)
        w.write(0, f"{key}={labels[key]}\n")


def _shorten(s: str, max_length: int) -> str:
    return s[:max_length] + "..." if len(s) > max_length else s


def _print_annotations_multiline(w: _PrefixWriter, title: str, annotations: dict | None) -> None:
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.write_line("<none>")
        return
    indent = "\t"
    for i, key in enumerate(keys):
        if i != 0:
            w.write(0, indent)
        value = annotations[key]
        if value.endswith("\n"):
            value = value[:-1]
        # Go measures len() in bytes
        if len(value.encode()) + len(key.encode()) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for s in value.split("\n"):
                w.write(0, f"{indent}  {_shorten(s, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _event_time(e: Any) -> datetime | None:
    return parse_time(lookup(e, "lastTimestamp")) or parse_time(lookup(e, "eventTime"))


def _describe_events(events: Sequence[Any] | None, w: _PrefixWriter, now: datetime | None) -> None:
    if events is None:
        return
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    ordered = sorted(events, key=lambda e: (_event_time(e) is not None, _event_time(e) or datetime.min))
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in ordered:
        first = translate_timestamp_since(lookup(e, "eventTime"), now)
        if lookup(e, "eventTime") is None:
            first = translate_timestamp_since(lookup(e, "firstTimestamp"), now)
        series = lookup(e, "series")
        count = lookup(e, "count", default=0)
        if series is not None:
            interval = (
                f"{translate_timestamp_since(lookup(series, 'lastObservedTime'), now)} "
                f"(x{lookup(series, 'count', default=0)} over {first})"
            )
        elif count > 1:
            interval = f"{translate_timestamp_since(lookup(e, 'lastTimestamp'), now)} (x{count} over {first})"
        else:
            interval = first
        source = lookup(e, "source", "component") or lookup(e, "reportingComponent") or ""
        w.write(
            1,
            f"{lookup(e, 'type', default='')}\t{lookup(e, 'reason', default='')}\t{interval}\t{source}\t"
            f"{lookup(e, 'message', default='').strip()}\n",
        )


def format_endpoint_slices(slices: Sequence[Any], ports: set[str] | None) -> str:
    """``formatEndpointSlices``: ready endpoints as ``ip:port`` for the named Service port (3 at most, then
    ``+ N more...``); ``<none>`` when there is no slice at all, ``""`` when no endpoint is ready.

    An endpoint whose ``ready`` condition is unset counts as ready.

    >>> s = {"ports": [{"name": "", "port": 80}], "endpoints": [{"addresses": ["10.0.0.1"]},
    ...      {"addresses": ["10.0.0.2"], "conditions": {"ready": False}}]}
    >>> format_endpoint_slices([s], {""}), format_endpoint_slices([], None)
    ('10.0.0.1:80', '<none>')
    """
    if not slices:
        return "<none>"
    out: list[str] = []
    maximum, more, count = 3, False, 0
    for s in slices:
        endpoints = lookup(s, "endpoints") or []
        s_ports = lookup(s, "ports") or []

        def is_ready(ep: Any) -> bool:
            ready = lookup(ep, "conditions", "ready")
            return ready is None or ready is True

        if not s_ports:
            for ep in endpoints:
                if len(out) == maximum:
                    more = True
                if not is_ready(ep):
                    continue
                if not more:
                    out.append(lookup(ep, "addresses")[0])
                count += 1
        else:
            for port in s_ports:
                if ports is None or (lookup(port, "name", default="") in ports):
                    for ep in endpoints:
                        if len(out) == maximum:
                            more = True
                        if not is_ready(ep):
                            continue
                        if not more:
                            out.append(join_host_port(lookup(ep, "addresses")[0], lookup(port, "port")))
                        count += 1
    ret = ",".join(out)
    if more:
        return f"{ret} + {count - maximum} more..."
    return ret


def _ingress_string(ingress: Sequence[Any]) -> str:
    parts = []
    for ing in ingress:
        if lookup(ing, "ip"):
            mode = lookup(ing, "ipMode")
            parts.append(lookup(ing, "ip") + (f" ({mode})" if mode is not None else ""))
        else:
            parts.append(lookup(ing, "hostname", default=""))
    return ", ".join(parts)


def describe_service(
    svc: Any,
    endpoint_slices: Sequence[Any] = (),
    events: Sequence[Any] | None = (),
    now: datetime | None = None,
) -> str:
    """``describeService``. ``endpoint_slices`` are the slices labelled ``kubernetes.io/service-name=<name>``."""
    w = _PrefixWriter(describe_writer())
    spec = lookup(svc, "spec")
    w.write(0, f"Name:\t{lookup(svc, 'metadata', 'name', default='')}\n")
    w.write(0, f"Namespace:\t{lookup(svc, 'metadata', 'namespace', default='')}\n")
    _print_labels_multiline(w, "Labels", lookup(svc, "metadata", "labels"))
    _print_annotations_multiline(w, "Annotations", lookup(svc, "metadata", "annotations"))
    w.write(0, f"Selector:\t{format_labels(lookup(spec, 'selector'))}\n")
    w.write(0, f"Type:\t{lookup(spec, 'type', default='')}\n")
    if lookup(spec, "ipFamilyPolicy") is not None:
        w.write(0, f"IP Family Policy:\t{lookup(spec, 'ipFamilyPolicy')}\n")
    families = lookup(spec, "ipFamilies") or []
    w.write(0, f"IP Families:\t{','.join(families) if families else '<none>'}\n")
    w.write(0, f"IP:\t{lookup(spec, 'clusterIP', default='')}\n")
    ips = lookup(spec, "clusterIPs") or []
    w.write(0, f"IPs:\t{','.join(ips) if ips else '<none>'}\n")
    if lookup(spec, "externalIPs"):
        w.write(0, f"External IPs:\t{','.join(lookup(spec, 'externalIPs'))}\n")
    if lookup(spec, "loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{lookup(spec, 'loadBalancerIP')}\n")
    if lookup(spec, "externalName"):
        w.write(0, f"External Name:\t{lookup(spec, 'externalName')}\n")
    ingress = lookup(svc, "status", "loadBalancer", "ingress") or []
    if ingress:
        w.write(0, f"LoadBalancer Ingress:\t{_ingress_string(ingress)}\n")
    for sp in lookup(spec, "ports") or []:
        name = lookup(sp, "name") or "<unset>"
        proto = lookup(sp, "protocol", default="")
        w.write(0, f"Port:\t{name}\t{lookup(sp, 'port', default=0)}/{proto}\n")
        target = lookup(sp, "targetPort")
        # an unset IntOrString prints as its int zero value
        w.write(0, f"TargetPort:\t{target if target is not None else 0}/{proto}\n")
        if lookup(sp, "nodePort"):
            w.write(0, f"NodePort:\t{name}\t{lookup(sp, 'nodePort')}/{proto}\n")
        w.write(
            0, f"Endpoints:\t{format_endpoint_slices(endpoint_slices, {lookup(sp, 'name', default='')})}\n"
        )
    w.write(0, f"Session Affinity:\t{lookup(spec, 'sessionAffinity', default='')}\n")
    if lookup(spec, "externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{lookup(spec, 'externalTrafficPolicy')}\n")
    if lookup(spec, "internalTrafficPolicy") is not None:
        w.write(0, f"Internal Traffic Policy:\t{lookup(spec, 'internalTrafficPolicy')}\n")
    if lookup(spec, "healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{lookup(spec, 'healthCheckNodePort')}\n")
    if lookup(spec, "loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(lookup(spec, 'loadBalancerSourceRanges'))}\n")
    if lookup(spec, "trafficDistribution"):
        w.write(0, f"Traffic Distribution:\t{lookup(spec, 'trafficDistribution')}\n")
    _describe_events(events, w, now)
    return w.text()


def describe_endpoints(ep: Any, events: Sequence[Any] | None = (), now: datetime | None = None) -> str:
    """``describeEndpoints``: one ``Addresses``/``NotReadyAddresses``/``Ports`` block per subset.

    >>> from k8snet.api.core_v1 import Endpoints
    >>> ep = Endpoints.model_validate({"metadata": {"name": "web", "namespace": "default"}, "subsets": [
    ...     {"addresses": [{"ip": "10.244.1.5"}], "ports": [{"port": 80, "protocol": "TCP"}]}]})
    >>> print(describe_endpoints(ep), end="")
    Name:         web
    Namespace:    default
    Labels:       <none>
    Annotations:  <none>
    Subsets:
      Addresses:          10.244.1.5
      NotReadyAddresses:  <none>
      Ports:
        Name     Port  Protocol
        ----     ----  --------
        <unset>  80    TCP
    <BLANKLINE>
    Events:  <none>
    """
    w = _PrefixWriter(describe_writer())
    w.write(0, f"Name:\t{lookup(ep, 'metadata', 'name', default='')}\n")
    w.write(0, f"Namespace:\t{lookup(ep, 'metadata', 'namespace', default='')}\n")
    _print_labels_multiline(w, "Labels", lookup(ep, "metadata", "labels"))
    _print_annotations_multiline(w, "Annotations", lookup(ep, "metadata", "annotations"))
    w.write(0, "Subsets:\n")
    for subset in lookup(ep, "subsets") or []:
        addrs = ",".join(lookup(a, "ip") for a in lookup(subset, "addresses") or [])
        w.write(1, f"Addresses:\t{addrs or '<none>'}\n")
        not_ready = ",".join(lookup(a, "ip") for a in lookup(subset, "notReadyAddresses") or [])
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        ports = lookup(subset, "ports") or []
        if ports:
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for p in ports:
                w.write(
                    2,
                    f"{lookup(p, 'name') or '<unset>'}\t{lookup(p, 'port')}\t{lookup(p, 'protocol', default='')}\n",
                )
        w.write(0, "\n")
    _describe_events(events, w, now)
    return w.text()


def describe_endpoint_slice(eps: Any, events: Sequence[Any] | None = (), now: datetime | None = None) -> str:
    """``describeEndpointSliceV1``.

    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> s = EndpointSlice.model_validate({"metadata": {"name": "web-x", "namespace": "default"},
    ...     "addressType": "IPv4", "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
    ...     "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}, "nodeName": "kind-worker",
    ...     "targetRef": {"kind": "Pod", "name": "web-1"}}]})
    >>> print(describe_endpoint_slice(s), end="")
    Name:         web-x
    Namespace:    default
    Labels:       <none>
    Annotations:  <none>
    AddressType:  IPv4
    Ports:
      Name     Port  Protocol
      ----     ----  --------
      <unset>  80    TCP
    Endpoints:
      - Addresses:  10.244.1.5
        Conditions:
          Ready:    true
        Hostname:   <unset>
        TargetRef:  Pod/web-1
        NodeName:   kind-worker
        Zone:       <unset>
    Events:         <none>
    """
    w = _PrefixWriter(describe_writer())
    w.write(0, f"Name:\t{lookup(eps, 'metadata', 'name', default='')}\n")
    w.write(0, f"Namespace:\t{lookup(eps, 'metadata', 'namespace', default='')}\n")
    _print_labels_multiline(w, "Labels", lookup(eps, "metadata", "labels"))
    _print_annotations_multiline(w, "Annotations", lookup(eps, "metadata", "annotations"))
    w.write(0, f"AddressType:\t{lookup(eps, 'addressType', default='')}\n")
    ports = lookup(eps, "ports") or []
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for p in ports:
            pname = lookup(p, "name") or "<unset>"
            pnum = str(lookup(p, "port")) if lookup(p, "port") is not None else "<unset>"
            w.write(1, f"{pname}\t{pnum}\t{lookup(p, 'protocol', default='')}\n")
    endpoints = lookup(eps, "endpoints") or []
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for ep in endpoints:
            addrs = ", ".join(lookup(ep, "addresses") or [])
            w.write(1, f"- Addresses:\t{addrs or '<none>'}\n")
            w.write(2, "Conditions:\n")
            ready = lookup(ep, "conditions", "ready")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
            w.write(
                2,
                f"Hostname:\t{lookup(ep, 'hostname') if lookup(ep, 'hostname') is not None else '<unset>'}\n",
            )
            if lookup(ep, "targetRef") is not None:
                w.write(
                    2,
                    f"TargetRef:\t{lookup(ep, 'targetRef', 'kind', default='')}/"
                    f"{lookup(ep, 'targetRef', 'name', default='')}\n",
                )
            node = lookup(ep, "nodeName")
            w.write(2, f"NodeName:\t{node if node is not None else '<unset>'}\n")
            zone = lookup(ep, "zone")
            w.write(2, f"Zone:\t{zone if zone is not None else '<unset>'}\n")
    _describe_events(events, w, now)
    return w.text()


def _rfc1123z(value: Any) -> str:
    """Go ``time.RFC1123Z``: ``Thu, 01 Jan 2026 00:00:00 +0000``; the zero time when unset."""
    t = parse_time(value)
    if t is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{days[t.weekday()]}, {t.day:02d} {months[t.month - 1]} {t.year} {t:%H:%M:%S} +0000"


def _port_string(ports: Sequence[Any], host: bool) -> str:
    return ", ".join(
        f"{(lookup(p, 'hostPort', default=0) if host else lookup(p, 'containerPort', default=0))}/"
        f"{lookup(p, 'protocol', default='')}"
        for p in ports
    )


def _describe_probe(probe: Any) -> str:
    """``DescribeProbe``."""
    attrs = (
        f"delay={lookup(probe, 'initialDelaySeconds', default=0)}s timeout={lookup(probe, 'timeoutSeconds', default=0)}s "
        f"period={lookup(probe, 'periodSeconds', default=0)}s #success={lookup(probe, 'successThreshold', default=0)} "
        f"#failure={lookup(probe, 'failureThreshold', default=0)}"
    )
    if lookup(probe, "exec") is not None:
        return f"exec [{' '.join(lookup(probe, 'exec', 'command') or [])}] {attrs}"
    if lookup(probe, "httpGet") is not None:
        h = lookup(probe, "httpGet")
        scheme = str(h.get("scheme", "")).lower()
        port = str(h.get("port", ""))
        host = h.get("host", "")
        netloc = join_host_port(host, port) if port else host
        url = (f"{scheme}:" if scheme else "") + "//" + netloc + h.get("path", "")
        return f"http-get {url} {attrs}"
    if lookup(probe, "tcpSocket") is not None:
        t = lookup(probe, "tcpSocket")
        return f"tcp-socket {t.get('host', '')}:{t.get('port', '')} {attrs}"
    if lookup(probe, "grpc") is not None:
        g = lookup(probe, "grpc")
        return f"grpc <pod>:{g.get('port', 0)} {g.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _describe_state(w: _PrefixWriter, name: str, state: dict | None) -> None:
    state = state or {}
    if "running" in state:
        w.write(2, f"{name}:\tRunning\n")
        w.write(3, f"Started:\t{_rfc1123z((state['running'] or {}).get('startedAt'))}\n")
    elif "waiting" in state:
        w.write(2, f"{name}:\tWaiting\n")
        if (state["waiting"] or {}).get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif "terminated" in state:
        t = state["terminated"] or {}
        w.write(2, f"{name}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal", 0) > 0:
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{_rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{_rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{name}:\tWaiting\n")


def _describe_containers(
    w: _PrefixWriter, label: str, containers: Sequence[Any], statuses: Sequence[Any] | None, space: str = ""
) -> None:
    by_name = {lookup(s, "name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{' <none>' if not containers else ''}\n")
    for c in containers:
        status = by_name.get(lookup(c, "name"))
        ok = status is not None
        w.write(1, f"{' ' if space else ''}{lookup(c, 'name', default='')}:\n")
        if ok:
            w.write(2, f"Container ID:\t{lookup(status, 'containerID', default='')}\n")
        w.write(2, f"Image:\t{lookup(c, 'image', default='')}\n")
        if ok:
            w.write(2, f"Image ID:\t{lookup(status, 'imageID', default='')}\n")
        ports = lookup(c, "ports") or []
        ps = _port_string(ports, host=False)
        w.write(2, f"Ports:\t{ps}\n" if "," in ps else f"Port:\t{ps or '<none>'}\n")
        hps = _port_string(ports, host=True)
        w.write(2, f"Host Ports:\t{hps}\n" if "," in hps else f"Host Port:\t{hps or '<none>'}\n")
        for title, items in (("Command", lookup(c, "command")), ("Args", lookup(c, "args"))):
            if items:
                w.write(2, f"{title}:\n")
                for item in items:
                    for line in item.split("\n"):
                        w.write(3, f"{line}\n")
        if ok:
            _describe_state(w, "State", lookup(status, "state"))
            last = lookup(status, "lastState") or {}
            if "terminated" in last:
                _describe_state(w, "Last State", last)
            w.write(2, f"Ready:\t{'True' if lookup(status, 'ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{lookup(status, 'restartCount', default=0)}\n")
        resources = lookup(c, "resources") or {}
        for title in ("limits", "requests"):
            values = resources.get(title) or {}
            if values:
                w.write(2, f"{title.capitalize()}:\n")
            for name in sorted(values):
                w.write(3, f"{name}:\t{values[name]}\n")
        for title, attr in (
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ):
            if lookup(c, attr) is not None:
                w.write(2, f"{title}:\t{_describe_probe(lookup(c, attr))}\n")
        env = lookup(c, "env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for e in env:
            if e.get("valueFrom") is None:
                for i, line in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name')}:\t{line}\n" if i == 0 else f"\t{line}\n")
            else:
                w.write(3, f"{e.get('name')}:\t<set from valueFrom (not shown by k8snet)>\n")
        mounts = sorted(lookup(c, "volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")


def _describe_volumes(w: _PrefixWriter, volumes: Sequence[Any] | None, space: str = "") -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{' ' if space else ''}{v.get('name')}:\n")
        if "emptyDir" in v:
            ed = v["emptyDir"] or {}
            w.write(
                2,
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                f"    Medium:\t{ed.get('medium', '')}\n    SizeLimit:\t{ed.get('sizeLimit', '<unset>')}\n",
            )
        elif "hostPath" in v:
            hp = v["hostPath"] or {}
            w.write(
                2,
                "Type:\tHostPath (bare host directory volume)\n"
                f"    Path:\t{hp.get('path', '')}\n    HostPathType:\t{hp.get('type', '<none>')}\n",
            )
        elif "configMap" in v:
            cm = v["configMap"] or {}
            w.write(
                2,
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                f"    Name:\t{cm.get('name', '')}\n    Optional:\t{str(bool(cm.get('optional'))).lower()}\n",
            )
        elif "secret" in v:
            sc = v["secret"] or {}
            w.write(
                2,
                "Type:\tSecret (a volume populated by a Secret)\n"
                f"    SecretName:\t{sc.get('secretName', '')}\n"
                f"    Optional:\t{str(bool(sc.get('optional'))).lower()}\n",
            )
        elif "projected" in v:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            for src in (v["projected"] or {}).get("sources") or []:
                # printProjectedVolumeSource prints the *bool Optional with %v: "<nil>" when unset (Go would
                # print a pointer address when set; we print the value)
                if "secret" in src:
                    w.write(
                        2,
                        f"SecretName:\t{src['secret'].get('name', '')}\n"
                        f"    SecretOptionalName:\t{_go_ptr_bool(src['secret'].get('optional'))}\n",
                    )
                elif "downwardAPI" in src:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif "configMap" in src:
                    w.write(
                        2,
                        f"ConfigMapName:\t{src['configMap'].get('name', '')}\n"
                        f"    ConfigMapOptional:\t{_go_ptr_bool(src['configMap'].get('optional'))}\n",
                    )
                elif "serviceAccountToken" in src:
                    w.write(
                        2, f"TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds')}\n"
                    )
        else:
            w.write(1, "<unknown>\n")


def _go_ptr_bool(value: Any) -> str:
    return "<nil>" if value is None else str(bool(value)).lower()


def _print_tolerations(w: _PrefixWriter, title: str, tolerations: Sequence[Any] | None) -> None:
    """``printTolerationsMultilineWithIndent``."""
    w.write(0, f"{title}:\t")
    if not tolerations:
        w.write_line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i != 0:
            w.write(0, "\t")
        text = t.get("key", "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def _qos_class(pod: Any) -> str:
    """``qos.GetPodQOS``: the status field when set (v1.34), else a simplified ComputePodQOS."""
    if lookup(pod, "status", "qosClass"):
        return lookup(pod, "status", "qosClass")
    containers = lookup(pod, "spec", "containers") or []
    res = [(lookup(c, "resources") or {}) for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in res):
        return "BestEffort"
    guaranteed = all(
        r.get("limits", {}).get(k) and r.get("requests", {}).get(k, r["limits"][k]) == r["limits"][k]
        for r in res
        for k in ("cpu", "memory")
    )
    return "Guaranteed" if guaranteed else "Burstable"


def describe_pod(pod: Any, events: Sequence[Any] | None = (), now: datetime | None = None) -> str:
    """``describePod`` (Name ... Containers, Conditions, Volumes, QoS Class, Node-Selectors, Tolerations, Events).

    Simplified: ``valueFrom`` environment variables are not resolved, and only emptyDir, hostPath, configMap,
    secret and projected volumes are detailed (others print ``<unknown>``).
    """
    w = _PrefixWriter(describe_writer())
    spec, status, md = lookup(pod, "spec"), lookup(pod, "status"), lookup(pod, "metadata")
    w.write(0, f"Name:\t{lookup(md, 'name', default='')}\n")
    w.write(0, f"Namespace:\t{lookup(md, 'namespace', default='')}\n")
    if lookup(spec, "priority") is not None:
        w.write(0, f"Priority:\t{lookup(spec, 'priority')}\n")
    if lookup(spec, "priorityClassName"):
        w.write(0, f"Priority Class Name:\t{lookup(spec, 'priorityClassName')}\n")
    if lookup(spec, "runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{lookup(spec, 'runtimeClassName')}\n")
    if lookup(spec, "serviceAccountName"):
        w.write(0, f"Service Account:\t{lookup(spec, 'serviceAccountName')}\n")
    if not lookup(spec, "nodeName"):
        w.write(0, "Node:\t<none>\n")
    else:
        w.write(0, f"Node:\t{lookup(spec, 'nodeName')}/{lookup(status, 'hostIP', default='')}\n")
    if lookup(status, "startTime") is not None:
        w.write(0, f"Start Time:\t{_rfc1123z(lookup(status, 'startTime'))}\n")
    _print_labels_multiline(w, "Labels", lookup(md, "labels"))
    _print_annotations_multiline(w, "Annotations", lookup(md, "annotations"))
    phase = lookup(status, "phase", default="")
    if lookup(md, "deletionTimestamp") is not None and phase not in ("Failed", "Succeeded"):
        w.write(
            0,
            f"Status:\tTerminating (lasts {translate_timestamp_since(lookup(md, 'deletionTimestamp'), now)})\n",
        )
        w.write(0, f"Termination Grace Period:\t{lookup(md, 'deletionGracePeriodSeconds', default=0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if lookup(status, "reason"):
        w.write(0, f"Reason:\t{lookup(status, 'reason')}\n")
    if lookup(status, "message"):
        w.write(0, f"Message:\t{lookup(status, 'message')}\n")
    w.write(0, f"IP:\t{lookup(status, 'podIP', default='')}\n")
    pod_ips = lookup(status, "podIPs") or []
    if not pod_ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in pod_ips:
            w.write(1, f"IP:\t{lookup(ip, 'ip')}\n")
    owner = next((o for o in lookup(md, "ownerReferences") or [] if lookup(o, "controller")), None)
    if owner is not None:
        w.write(0, f"Controlled By:\t{lookup(owner, 'kind')}/{lookup(owner, 'name')}\n")
    if lookup(status, "nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{lookup(status, 'nominatedNodeName')}\n")
    if lookup(spec, "initContainers"):
        _describe_containers(
            w, "Init Containers", lookup(spec, "initContainers"), lookup(status, "initContainerStatuses")
        )
    _describe_containers(
        w, "Containers", lookup(spec, "containers") or [], lookup(status, "containerStatuses")
    )
    gates = lookup(spec, "readinessGates") or []
    conditions = lookup(status, "conditions") or []
    if gates:
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for g in gates:
            st = next(
                (lookup(c, "status") for c in conditions if lookup(c, "type") == g.get("conditionType")),
                "<none>",
            )
            w.write(1, f"{g.get('conditionType')} \t{st} \n")
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in conditions:
            w.write(1, f"{lookup(c, 'type')} \t{lookup(c, 'status')} \n")
    _describe_volumes(w, lookup(spec, "volumes"))
    w.write(0, f"QoS Class:\t{_qos_class(pod)}\n")
    _print_labels_multiline(w, "Node-Selectors", lookup(spec, "nodeSelector"))
    _print_tolerations(w, "Tolerations", lookup(spec, "tolerations"))
    _describe_events(events, w, now)
    return w.text()


def _describe_pod_template(w: _PrefixWriter, template: Any) -> None:
    """``DescribePodTemplate``."""
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    _print_labels_multiline(w, "  Labels", lookup(template, "metadata", "labels"))
    if lookup(template, "metadata", "annotations"):
        _print_annotations_multiline(w, "  Annotations", lookup(template, "metadata", "annotations"))
    spec = lookup(template, "spec")
    if lookup(spec, "serviceAccountName"):
        w.write(1, f"Service Account:\t{lookup(spec, 'serviceAccountName')}\n")
    if lookup(spec, "initContainers"):
        _describe_containers(w, "Init Containers", lookup(spec, "initContainers"), None, "  ")
    _describe_containers(w, "Containers", lookup(spec, "containers") or [], None, "  ")
    _describe_volumes(w, lookup(spec, "volumes"), "  ")
    if lookup(spec, "priorityClassName"):
        w.write(1, f"Priority Class Name:\t{lookup(spec, 'priorityClassName')}\n")
    _print_labels_multiline(w, "  Node-Selectors", lookup(spec, "nodeSelector"))
    _print_tolerations(w, "  Tolerations", lookup(spec, "tolerations"))


def describe_pod_template(template: Any) -> str:
    """``DescribePodTemplate`` alone, as ``kubectl rollout history --revision=N`` prints a revision's template
    (``polymorphichelpers/history.go`` ``printTemplate``).

    >>> from k8snet.api.core_v1 import PodTemplateSpec
    >>> t = PodTemplateSpec.model_validate({"metadata": {"labels": {"app": "web"}},
    ...     "spec": {"containers": [{"name": "web", "image": "nginx"}]}})
    >>> print(describe_pod_template(t).splitlines()[1])
      Labels:  app=web
    """
    w = _PrefixWriter(describe_writer())
    _describe_pod_template(w, template)
    return w.text()


def _replica_sets_by_labels(rss: Sequence[Any]) -> str:
    """``printReplicaSetsByLabels``."""
    text = ", ".join(
        f"{lookup(rs, 'metadata', 'name')} ({lookup(rs, 'status', 'replicas', default=0)}/"
        f"{lookup(rs, 'spec', 'replicas', default=0)} replicas created)"
        for rs in rss
    )
    return text or "<none>"


def _template_without_hash(template: Any) -> dict:
    d = template.to_dict() if hasattr(template, "to_dict") else dict(template or {})
    labels = dict(d.get("metadata", {}).get("labels") or {})
    labels.pop("pod-template-hash", None)
    d.setdefault("metadata", {})["labels"] = labels
    d["metadata"].pop("creationTimestamp", None)
    return d


def split_replica_sets(deployment: Any, replica_sets: Iterable[Any]) -> tuple[list, list]:
    """``deploymentutil.GetAllReplicaSets``: (old, new) among the ReplicaSets the Deployment controls; the new
    one has the Deployment's pod template (ignoring the ``pod-template-hash`` label)."""
    uid = lookup(deployment, "metadata", "uid")
    owned = [
        rs
        for rs in replica_sets
        if any(
            lookup(o, "controller")
            and (lookup(o, "uid") == uid or uid is None)
            and lookup(o, "name") == lookup(deployment, "metadata", "name")
            for o in lookup(rs, "metadata", "ownerReferences") or []
        )
    ]
    want = _template_without_hash(lookup(deployment, "spec", "template"))
    new = [rs for rs in owned if _template_without_hash(lookup(rs, "spec", "template")) == want][:1]
    old = [rs for rs in owned if rs not in new]
    return old, new


def describe_deployment(
    d: Any, replica_sets: Sequence[Any] = (), events: Sequence[Any] | None = (), now: datetime | None = None
) -> str:
    """``describeDeployment``; ``replica_sets`` are the namespace's ReplicaSets (old/new are picked here)."""
    from .printers import selector_string

    w = _PrefixWriter(describe_writer())
    spec, status = lookup(d, "spec"), lookup(d, "status")
    w.write(0, f"Name:\t{lookup(d, 'metadata', 'name', default='')}\n")
    w.write(0, f"Namespace:\t{lookup(d, 'metadata', 'namespace', default='')}\n")
    w.write(0, f"CreationTimestamp:\t{_rfc1123z(lookup(d, 'metadata', 'creationTimestamp'))}\n")
    _print_labels_multiline(w, "Labels", lookup(d, "metadata", "labels"))
    _print_annotations_multiline(w, "Annotations", lookup(d, "metadata", "annotations"))
    w.write(0, f"Selector:\t{selector_string(lookup(spec, 'selector')) or ''}\n")
    w.write(
        0,
        f"Replicas:\t{lookup(spec, 'replicas', default=0)} desired | {lookup(status, 'updatedReplicas', default=0)} "
        f"updated | {lookup(status, 'replicas', default=0)} total | {lookup(status, 'availableReplicas', default=0)} "
        f"available | {lookup(status, 'unavailableReplicas', default=0)} unavailable\n",
    )
    w.write(0, f"StrategyType:\t{lookup(spec, 'strategy', 'type', default='')}\n")
    w.write(0, f"MinReadySeconds:\t{lookup(spec, 'minReadySeconds', default=0)}\n")
    ru = lookup(spec, "strategy", "rollingUpdate")
    if ru is not None:
        w.write(
            0,
            f"RollingUpdateStrategy:\t{lookup(ru, 'maxUnavailable', default=0)} max unavailable, "
            f"{lookup(ru, 'maxSurge', default=0)} max surge\n",
        )
    _describe_pod_template(w, lookup(spec, "template"))
    conditions = lookup(status, "conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{lookup(c, 'type')} \t{lookup(c, 'status')}\t{lookup(c, 'reason', default='')}\n")
    old, new = split_replica_sets(d, replica_sets)
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_replica_sets_by_labels(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replica_sets_by_labels(new)}\n")
    _describe_events(events, w, now)
    return w.text()


def describe(
    obj: Any,
    endpoint_slices: Iterable[Any] = (),
    events: Iterable[Any] | None = (),
    now: datetime | None = None,
    replica_sets: Iterable[Any] = (),
) -> str:
    """The text ``kubectl describe`` prints for ``obj``.

    Parameters
    ----------
    obj : Service, Endpoints, EndpointSlice, Pod or Deployment
    endpoint_slices : EndpointSlices of a Service (those labelled ``kubernetes.io/service-name``)
    replica_sets : for a Deployment, the ReplicaSets of its namespace (OldReplicaSets/NewReplicaSet lines)
    events : the Events whose ``involvedObject`` is ``obj``; ``None`` is ``--show-events=false``
    now : the time ages are measured against

    >>> from k8snet.api.core_v1 import Node
    >>> describe(Node(metadata={"name": "n"}))
    Traceback (most recent call last):
    ...
    ValueError: describe is implemented for Service, Endpoints, EndpointSlice, Pod and Deployment, not Node
    """
    ev = None if events is None else list(events)
    if obj.kind == "Service":
        return describe_service(obj, list(endpoint_slices), ev, now)
    if obj.kind == "Endpoints":
        return describe_endpoints(obj, ev, now)
    if obj.kind == "EndpointSlice":
        return describe_endpoint_slice(obj, ev, now)
    if obj.kind == "Pod":
        return describe_pod(obj, ev, now)
    if obj.kind == "Deployment":
        return describe_deployment(obj, list(replica_sets), ev, now)
    raise ValueError(
        f"describe is implemented for Service, Endpoints, EndpointSlice, Pod and Deployment, not {obj.kind}"
    )
