"""What kube-proxy does to the node's conntrack table: delete stale UDP entries.

Port of kubernetes/kubernetes ``pkg/proxy/conntrack/cleanup.go`` (v1.34, ``CleanStaleEntries``) and of the test
that defines it (``cleanup_test.go``, ``TestCleanStaleEntries``). TCP needs no help: a connection to an endpoint
that went away fails and the client opens a new one, which runs the rules again. A UDP "connection" is only a
conntrack entry, refreshed by every packet, so a client that keeps sending would keep being sent to an endpoint
that no longer exists. So at the end of a sync in which a UDP Service's endpoints changed (the proxiers'
``endpointUpdateResult.ConntrackCleanupRequired``; :func:`cleanup_required` compares the endpoints of the UDP
Service ports before and after), kube-proxy lists the table and deletes:

* every UDP entry whose original destination is a Service IP and port (ClusterIP, load-balancer IPs,
  externalIPs) and whose reply source (the endpoint the entry was DNATed to, IP *and* port) is not one of that
  Service port's **serving** endpoints;
* every UDP entry whose original destination port is the Service's NodePort, by the same test.

A Service port with no serving endpoint at all is skipped ("a Service without endpoints does not require to
clean the conntrack entries associated"): its entries stay until they time out. Later releases clear them too
(kubernetes/kubernetes pull request 139629); v1.34 does not.

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.api.discovery_v1 import EndpointSlice
>>> from k8snet.dataplane.conntrack import Conntrack, ManualClock
>>> svc = Service.model_validate({"metadata": {"name": "dns", "namespace": "ns"},
...     "spec": {"clusterIP": "172.30.1.1", "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}})
>>> es = EndpointSlice.model_validate({"metadata": {"name": "dns-1", "namespace": "ns",
...     "labels": {"kubernetes.io/service-name": "dns"}}, "addressType": "IPv4",
...     "endpoints": [{"addresses": ["10.240.0.4"]}], "ports": [{"name": "dns", "port": 5353, "protocol": "UDP"}]})
>>> ct = Conntrack(ManualClock())
>>> live = ct.add("UDP", ("10.0.0.2", 40000, "172.30.1.1", 53), ("10.240.0.4", 5353, "10.0.0.2", 40000))
>>> gone = ct.add("UDP", ("10.0.0.2", 40001, "172.30.1.1", 53), ("10.240.2.6", 5353, "10.0.0.2", 40001))
>>> [e.reply[0] for e in clean_stale_entries(ct, [svc], [es], "node-1")]
['10.240.2.6']
>>> [e.reply[0] for e in ct.entries()]
['10.240.0.4']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from k8snet.dataplane.conntrack import Conntrack, ConntrackEntry
from k8snet.proxy.endpoints import EndpointInfo, endpoints_map, join_host_port
from k8snet.proxy.serviceport import ServicePortName, service_port_map

__all__ = ["clean_stale_entries", "stale_entries", "cleanup_required"]


def _serving_frontends(
    services: Iterable[Any], endpoint_slices: Iterable[Any], node: str
) -> tuple[dict[str, set[str]], dict[int, set[str]]]:
    """``serviceIPEndpoints`` (``ip:port`` of a Service IP -> serving ``ip:port`` endpoints) and
    ``serviceNodePortEndpoints`` (NodePort -> the same), for the UDP Service ports that have a serving
    endpoint."""
    ports = service_port_map(list(services))
    eps = endpoints_map(list(endpoint_slices), node)
    by_ip: dict[str, set[str]] = {}
    by_node_port: dict[int, set[str]] = {}
    for spn, info in ports.items():
        if info.protocol != "UDP":
            continue
        serving = {e.endpoint for e in eps.get(spn, []) if e.serving}
        if not serving:
            continue  # "a Service without endpoints does not require to clean the conntrack entries"
        for ip in (info.cluster_ip, *info.load_balancer_vips, *info.external_ips):
            if ip:
                by_ip[join_host_port(ip, info.port)] = serving
        if info.node_port:
            by_node_port[info.node_port] = serving
    return by_ip, by_node_port


def stale_entries(
    ct: Conntrack, services: Iterable[Any], endpoint_slices: Iterable[Any], node: str
) -> list[ConntrackEntry]:
    """The entries :func:`clean_stale_entries` would delete, without deleting them."""
    by_ip, by_node_port = _serving_frontends(services, endpoint_slices, node)
    out = []
    for entry in ct.entries():
        if entry.protocol != "UDP":
            continue
        _, _, orig_dst, orig_dport = entry.original
        reply_src = join_host_port(entry.reply[0], entry.reply[1])
        serving = by_ip.get(join_host_port(orig_dst, orig_dport))
        if serving is not None and reply_src not in serving:
            out.append(entry)
            continue
        serving = by_node_port.get(orig_dport)
        if serving is not None and reply_src not in serving:
            out.append(entry)
    return out


def clean_stale_entries(
    ct: Conntrack, services: Iterable[Any], endpoint_slices: Iterable[Any], node: str
) -> list[ConntrackEntry]:
    """``CleanStaleEntries`` on ``node``: delete the stale UDP entries of ``ct``; returns them.

    ``services`` and ``endpoint_slices`` are what the node's kube-proxy has (the EndpointSlices are read as
    kube-proxy reads them, :func:`k8snet.proxy.endpoints.endpoints_map`).
    """
    stale = stale_entries(ct, services, endpoint_slices, node)
    for entry in stale:
        ct.delete(entry)
    return stale


def cleanup_required(
    before: Mapping[ServicePortName, list[EndpointInfo]], after: Mapping[ServicePortName, list[EndpointInfo]]
) -> bool:
    """``UpdateEndpointsMapResult.ConntrackCleanupRequired``: whether a UDP Service port's endpoints changed
    between two :func:`~k8snet.proxy.endpoints.endpoints_map` results (``pkg/proxy/endpointschangetracker.go``).

    >>> spn = ServicePortName("ns", "dns", "dns", "UDP")
    >>> cleanup_required({spn: [EndpointInfo("10.0.0.1", 53)]}, {spn: [EndpointInfo("10.0.0.2", 53)]})
    True
    >>> cleanup_required({spn: [EndpointInfo("10.0.0.1", 53)]}, {spn: [EndpointInfo("10.0.0.1", 53)]})
    False
    """
    for spn in set(before) | set(after):
        if spn.protocol == "UDP" and before.get(spn, []) != after.get(spn, []):
            return True
    return False
