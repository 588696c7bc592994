"""kube-proxy's health servers, which cloud load balancers probe.

Port of kubernetes/kubernetes ``pkg/proxy/healthcheck`` (v1.34):

* ``proxier_health.go``: the node-wide server on ``--healthz-bind-address`` (``0.0.0.0:10256``). ``/healthz``
  answers 200 while the proxier is in sync (no queued update older than ``healthTimeout``, which
  ``cmd/kube-proxy`` sets to 2 × ``syncPeriod`` = 60 s; the simulated proxier is always in sync unless a test
  calls :meth:`ProxyHealthServer.queued_update`) *and* the node is eligible
  (not being deleted, no ``ToBeDeletedByClusterAutoscaler`` taint); else 503. Body:
  ``{"lastUpdated": "<time>","currentTime": "<time>", "nodeEligible": true}`` with Go's ``time.Time`` String
  format. ``/livez`` ignores node eligibility.
* ``service_health.go``: one HTTP server per Service that ``NeedsHealthCheck`` (``type: LoadBalancer`` with
  ``externalTrafficPolicy: Local``), on its ``healthCheckNodePort``. It answers 200 if the node has at least one
  *ready* local endpoint for the Service and kube-proxy is healthy, else 503, with the headers
  ``Content-Type: application/json``, ``X-Content-Type-Options: nosniff`` and
  ``X-Load-Balancing-Endpoint-Weight: <n>`` and the tab-indented JSON body kube-proxy writes.
* the count is ``EndpointsMap.LocalReadyEndpoints`` (``endpointschangetracker.go``): distinct local *ready*
  endpoint IPs per Service (a pod serving two ports counts once; terminating endpoints do not count, "the health
  check signal should fail if there are only terminating endpoints on a node").

Simplification: real kube-proxy prints ``time.Now()`` with its monotonic reading (``m=+12.345678901``); our
clock has none, so the suffix is absent.

>>> hs = ServiceHealthServer("kind-worker")
>>> hs.sync_services({("default", "web"): 31234})
>>> hs.sync_endpoints({("default", "web"): 2})
>>> r = hs.serve(31234)
>>> r.status, r.headers["X-Load-Balancing-Endpoint-Weight"]
(200, '2')
>>> print(r.body)
{
        "service": {
                "namespace": "default",
                "name": "web"
        },
        "localEndpoints": 2,
        "serviceProxyHealthy": true
}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = [
    "HTTPResponse",
    "ProxyHealthServer",
    "ServiceHealthServer",
    "NodeHealth",
    "node_health_servers",
    "local_ready_endpoints",
    "probe",
    "health_probe",
    "go_time_string",
    "HEALTHZ_PORT",
    "TO_BE_DELETED_TAINT",
]

HEALTHZ_PORT = 10256
TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler"
_ZERO = datetime(1, 1, 1, tzinfo=timezone.utc)


def go_time_string(t: datetime) -> str:
    """Go's ``time.Time.String()`` for a UTC time (no monotonic suffix).

    >>> go_time_string(datetime(2026, 1, 1, 0, 0, 1, 250000, tzinfo=timezone.utc))
    '2026-01-01 00:00:01.25 +0000 UTC'
    >>> go_time_string(datetime(1, 1, 1, tzinfo=timezone.utc))
    '0001-01-01 00:00:00 +0000 UTC'
    """
    t = t.astimezone(timezone.utc)
    frac = f".{t.microsecond:06d}".rstrip("0") if t.microsecond else ""
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t:%H:%M:%S}{frac} +0000 UTC"


@dataclass(frozen=True)
class HTTPResponse:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


_JSON_HEADERS = {"Content-Type": "application/json", "X-Content-Type-Options": "nosniff"}


@dataclass
class ProxyHealthServer:
    """``proxierHealthServer``: ``/healthz`` and ``/livez`` on port 10256.

    ``queued``/``updated`` mirror ``QueuedUpdate()``/``Updated()``; :meth:`sync_node` is ``SyncNode``.

    >>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> hs = ProxyHealthServer(now=lambda: t0)
    >>> hs.updated()
    >>> r = hs.serve("/healthz")
    >>> r.status, r.body
    (200, '{"lastUpdated": "2026-01-01 00:00:00 +0000 UTC","currentTime": "2026-01-01 00:00:00 +0000 UTC", "nodeEligible": true}')
    """

    now: Any = None
    health_timeout: timedelta = timedelta(seconds=60)
    last_updated: datetime = _ZERO
    oldest_pending_queued: datetime = _ZERO
    node_eligible: bool = True

    def _now(self) -> datetime:
        return self.now() if self.now else datetime.now(timezone.utc)

    def queued_update(self) -> None:
        if self.oldest_pending_queued == _ZERO:
            self.oldest_pending_queued = self._now()

    def updated(self) -> None:
        self.oldest_pending_queued = _ZERO
        self.last_updated = self._now()

    def is_healthy(self) -> bool:
        """``IsHealthy``: in sync (or not late yet), ignoring the node."""
        if self.oldest_pending_queued == _ZERO:
            return True
        return self._now() - self.oldest_pending_queued < self.health_timeout

    def sync_node(self, node: Any) -> None:
        """``SyncNode``: ineligible when being deleted or tainted ``ToBeDeletedByClusterAutoscaler``."""
        if node.metadata.deletionTimestamp is not None:
            self.node_eligible = False
            return
        taints = (node.spec.taints if node.spec else None) or []
        self.node_eligible = not any(t.key == TO_BE_DELETED_TAINT for t in taints)

    def serve(self, path: str = "/healthz") -> HTTPResponse:
        current = self._now()
        healthy = self.is_healthy()
        last = self.last_updated
        if path == "/healthz":
            healthy = healthy and self.node_eligible
        if healthy:
            last = current  # "the returned lastUpdated value is 'recent' if the server is healthy"
        body = f'{{"lastUpdated": {json.dumps(go_time_string(last))},"currentTime": {json.dumps(go_time_string(current))}'
        if path == "/healthz":
            body += f', "nodeEligible": {str(self.node_eligible).lower()}}}'
        elif path == "/livez":
            body += "}"
        else:
            return HTTPResponse(
                404,
                {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"},
                "404 page not found\n",
            )
        return HTTPResponse(200 if healthy else 503, dict(_JSON_HEADERS), body)


@dataclass
class ServiceHealthServer:
    """``ServiceHealthServer``: ``sync_services({(ns, name): port})`` opens/closes per-Service servers,
    ``sync_endpoints({(ns, name): count})`` sets local endpoint counts (missing services drop to 0)."""

    hostname: str
    proxy: ProxyHealthServer = field(default_factory=ProxyHealthServer)
    services: dict[tuple[str, str], int] = field(default_factory=dict)  # nsn -> port
    endpoints: dict[tuple[str, str], int] = field(default_factory=dict)  # nsn -> local ready count

    def sync_services(self, new: dict[tuple[str, str], int] | None) -> None:
        new = new or {}
        for nsn, port in list(self.services.items()):
            if new.get(nsn) != port:  # closed (a changed port is closed and reopened with 0 endpoints)
                del self.services[nsn]
                self.endpoints.pop(nsn, None)
        for nsn, port in new.items():
            if nsn not in self.services:
                self.services[nsn] = port
                self.endpoints[nsn] = 0

    def sync_endpoints(self, new: dict[tuple[str, str], int] | None) -> None:
        new = new or {}
        for nsn in self.services:
            self.endpoints[nsn] = new.get(nsn, 0)

    def port_of(self, nsn: tuple[str, str]) -> int | None:
        return self.services.get(nsn)

    def serve(self, port: int) -> HTTPResponse | None:
        """The answer on ``port`` (any path), or ``None`` if nothing listens there."""
        nsn = next((k for k, p in self.services.items() if p == port), None)
        if nsn is None:
            return None
        count = self.endpoints.get(nsn, 0)
        healthy = self.proxy.is_healthy()
        headers = dict(_JSON_HEADERS)
        headers["X-Load-Balancing-Endpoint-Weight"] = str(count)
        # service_health.go: dedent'ed Sprintf with tab indentation, trimmed of newlines
        body = (
            "{\n"
            '\t"service": {\n'
            f'\t\t"namespace": {json.dumps(nsn[0])},\n'
            f'\t\t"name": {json.dumps(nsn[1])}\n'
            "\t},\n"
            f'\t"localEndpoints": {count},\n'
            f'\t"serviceProxyHealthy": {str(healthy).lower()}\n'
            "}"
        )
        return HTTPResponse(200 if count != 0 and healthy else 503, headers, body)


@dataclass
class NodeHealth:
    """Both health servers of one node's kube-proxy."""

    node: str
    proxy: ProxyHealthServer
    services: ServiceHealthServer


def local_ready_endpoints(endpoint_slices: list[Any], hostname: str) -> dict[tuple[str, str], int]:
    """``EndpointsMap.LocalReadyEndpoints``: distinct ready local endpoint IPs per Service."""
    from k8snet.proxy.endpoints import endpoints_map

    ips: dict[tuple[str, str], set[str]] = {}
    for spn, eps in endpoints_map(endpoint_slices, hostname).items():
        for ep in eps:
            if ep.ready and ep.is_local:
                ips.setdefault((spn.namespace, spn.name), set()).add(ep.ip)
    return {nsn: len(v) for nsn, v in ips.items()}


def node_health_servers(
    nodes: list[Any], services: list[Any], endpoint_slices: list[Any], now: Any = None
) -> dict[str, NodeHealth]:
    """The health servers every node's kube-proxy runs, synced to ``services`` and ``endpoint_slices``.

    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> hs = node_health_servers(c.nodes(), c.services(), c.endpoint_slices(), now=c.clock.now)
    >>> probe(hs["minikube"], 10256).status
    200
    """
    from k8snet.proxy.serviceport import service_port_map

    hc_ports: dict[tuple[str, str], int] = {}
    for spn, info in service_port_map(services).items():
        if info.health_check_node_port:
            hc_ports[(spn.namespace, spn.name)] = info.health_check_node_port
    out = {}
    for node in nodes:
        name = node.metadata.name
        proxy = ProxyHealthServer(now=now)
        proxy.sync_node(node)
        proxy.updated()
        svc = ServiceHealthServer(name, proxy)
        svc.sync_services(hc_ports)
        svc.sync_endpoints(local_ready_endpoints(endpoint_slices, name))
        out[name] = NodeHealth(name, proxy, svc)
    return out


def probe(health: NodeHealth | None, port: int, path: str = "/healthz") -> HTTPResponse | None:
    """An HTTP GET on ``node:port/path``; ``None`` when the connection is refused (or there is no node)."""
    if health is None:
        return None
    if port == HEALTHZ_PORT:
        return health.proxy.serve(path)
    return health.services.serve(port)


def health_probe(
    nodes: list[Any], services: list[Any], endpoint_slices: list[Any], now: Any = None
) -> Callable[[str, int, str], int | None]:
    """What a load balancer's health checker gets from the nodes: ``probe(node, port, path)`` is the status of
    ``GET <node>:<port><path>`` on the health servers of :func:`node_health_servers`, or ``None`` when the
    connection is refused (a :data:`k8snet.controllers.cloud.HealthProbe`).

    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> check = health_probe(c.nodes(), c.services(), c.endpoint_slices(), now=c.clock.now)
    >>> check("minikube", 10256, "/healthz"), check("minikube", 31000, "/healthz"), check("other", 10256, "/")
    (200, None, None)
    """
    servers = node_health_servers(nodes, services, endpoint_slices, now=now)

    def status(node: str, port: int, path: str = "/healthz") -> int | None:
        response = probe(servers.get(node), port, path)
        return None if response is None else response.status

    return status
