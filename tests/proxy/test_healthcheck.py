"""kube-proxy health servers.

Cases transcribed from kubernetes/kubernetes ``pkg/proxy/healthcheck/healthcheck_test.go`` (``TestServer``,
``TestHealthzServer``, ``TestLivezServer``, ``testProxyHealthUpdater``); the body format from
``service_health.go`` and ``proxier_health.go``; the local endpoint count from ``endpointschangetracker.go``
(``LocalReadyEndpoints``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from k8snet.api.core_v1 import Node
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.proxy.healthcheck import (
    ProxyHealthServer,
    ServiceHealthServer,
    local_ready_endpoints,
    node_health_servers,
    probe,
)


class FakeClock:
    def __init__(self):
        self.t = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def now(self):
        return self.t

    def step(self, seconds):
        self.t += timedelta(seconds=seconds)


def check(hs, nsn, status, endpoints, healthy=True):
    r = hs.serve(hs.port_of(nsn))
    assert r.status == status
    payload = r.json()
    assert payload == {
        "service": {"namespace": nsn[0], "name": nsn[1]},
        "localEndpoints": endpoints,
        "serviceProxyHealthy": healthy,
    }
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Load-Balancing-Endpoint-Weight"] == str(endpoints)


def test_server():
    hs = ServiceHealthServer("hostname")
    hs.sync_services(None)
    hs.sync_endpoints(None)
    assert hs.services == {}
    hs.sync_endpoints({("a", "b"): 93})  # unknown endpoints are dropped
    assert hs.services == {}
    nsn = ("a", "b")
    hs.sync_services({nsn: 9376})
    assert hs.endpoints[nsn] == 0
    check(hs, nsn, 503, 0)
    hs.sync_endpoints({nsn: 18})
    check(hs, nsn, 200, 18)
    hs.sync_endpoints({nsn: 0})
    check(hs, nsn, 503, 0)
    hs.sync_endpoints({nsn: 11})
    hs.sync_endpoints(None)
    check(hs, nsn, 503, 0)
    hs.sync_endpoints({nsn: 18})
    hs.sync_services(None)
    assert hs.services == {}
    assert hs.serve(9376) is None  # closed: connection refused

    n1, n2, n3, n4 = ("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")
    hs.sync_services({n1: 9376, n2: 12909, n3: 11113})
    for n in (n1, n2, n3):
        check(hs, n, 503, 0)
    hs.sync_endpoints({n1: 9, n2: 3, n3: 7})
    check(hs, n1, 200, 9)
    check(hs, n2, 200, 3)
    check(hs, n3, 200, 7)
    hs.sync_services({n2: 12909, n3: 11114, n4: 11878})  # remove n1, keep n2, change n3, add n4
    assert len(hs.services) == 3
    check(hs, n2, 200, 3)
    check(hs, n3, 503, 0)
    check(hs, n4, 503, 0)
    hs.sync_endpoints({n1: 9, n2: 3, n3: 7, n4: 6})
    check(hs, n2, 200, 3)
    check(hs, n3, 200, 7)
    check(hs, n4, 200, 6)
    hs.sync_endpoints({n3: 7, n4: 6})  # n2 missing
    check(hs, n2, 503, 0)
    check(hs, n3, 200, 7)
    # a kube-proxy that is late with an update fails every service check
    clock = FakeClock()
    hs.proxy = ProxyHealthServer(now=clock.now, health_timeout=timedelta(seconds=10))
    hs.proxy.queued_update()
    clock.step(25)
    check(hs, n2, 503, 0, healthy=False)
    check(hs, n3, 503, 7, healthy=False)
    hs.proxy.updated()
    check(hs, n3, 200, 7, healthy=True)


def test_service_body_is_kube_proxys_tab_indented_json():
    hs = ServiceHealthServer("n")
    hs.sync_services({("default", "web"): 30000})
    hs.sync_endpoints({("default", "web"): 1})
    assert hs.serve(30000).body == (
        '{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "web"\n\t},\n'
        '\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}'
    )


def _node(**spec_md):
    return Node.model_validate(
        {"metadata": {"name": "n1", **spec_md.get("md", {})}, "spec": spec_md.get("spec", {})}
    )


def _proxy_updater_cases(hs, clock, url):
    assert hs.serve(url).status == 200
    hs.updated()
    assert hs.serve(url).status == 200
    clock.step(25)
    assert hs.serve(url).status == 200
    hs.queued_update()
    clock.step(25)
    assert hs.serve(url).status == 503
    hs.updated()
    clock.step(5)
    assert hs.serve(url).status == 200


def test_healthz_server():
    clock = FakeClock()
    hs = ProxyHealthServer(now=clock.now, health_timeout=timedelta(seconds=10))
    _proxy_updater_cases(hs, clock, "/healthz")
    hs.sync_node(_node(spec={"taints": [{"key": "other", "effect": "NoSchedule"}]}))
    assert hs.serve("/healthz").status == 200
    hs.sync_node(_node(spec={"taints": [{"key": "ToBeDeletedByClusterAutoscaler", "effect": "NoSchedule"}]}))
    r = hs.serve("/healthz")
    assert r.status == 503 and r.json()["nodeEligible"] is False
    hs.sync_node(_node(spec={"taints": [{"key": "other", "effect": "NoSchedule"}]}))
    assert hs.serve("/healthz").status == 200
    hs.sync_node(_node(md={"deletionTimestamp": "2026-01-01T00:00:00Z"}))
    assert hs.serve("/healthz").status == 503


def test_livez_ignores_the_node():
    clock = FakeClock()
    hs = ProxyHealthServer(now=clock.now, health_timeout=timedelta(seconds=10))
    _proxy_updater_cases(hs, clock, "/livez")
    hs.sync_node(_node(spec={"taints": [{"key": "ToBeDeletedByClusterAutoscaler", "effect": "NoSchedule"}]}))
    assert hs.serve("/livez").status == 200
    assert set(hs.serve("/livez").json()) == {"lastUpdated", "currentTime"}


def test_healthz_body_format():
    clock = FakeClock()
    hs = ProxyHealthServer(now=clock.now)
    assert hs.serve("/healthz").body == (
        '{"lastUpdated": "2026-01-01 00:00:00 +0000 UTC",'
        '"currentTime": "2026-01-01 00:00:00 +0000 UTC", "nodeEligible": true}'
    )
    hs.sync_node(_node(md={"deletionTimestamp": "2026-01-01T00:00:00Z"}))
    # unhealthy: lastUpdated is the real last update, the zero time before any
    assert hs.serve("/healthz").body.startswith('{"lastUpdated": "0001-01-01 00:00:00 +0000 UTC"')


def _slice(endpoints, ports):
    return EndpointSlice.model_validate(
        {
            "metadata": {"name": "web-x", "namespace": "ns", "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": "IPv4",
            "endpoints": endpoints,
            "ports": ports,
        }
    )


def test_local_ready_endpoints_counts_ips_once_and_skips_terminating():
    es = _slice(
        [
            {"addresses": ["10.0.0.1"], "nodeName": "n1", "conditions": {"ready": True}},
            {
                "addresses": ["10.0.0.2"],
                "nodeName": "n1",
                "conditions": {"ready": False, "serving": True, "terminating": True},
            },
            {"addresses": ["10.0.0.3"], "nodeName": "n2", "conditions": {"ready": True}},
        ],
        [{"name": "http", "port": 80}, {"name": "https", "port": 443}],
    )
    assert local_ready_endpoints([es], "n1") == {("ns", "web"): 1}
    assert local_ready_endpoints([es], "n3") == {}


def test_node_health_servers_from_a_cluster():
    from k8snet.sim.cluster import Cluster

    c = Cluster()
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {
                "type": "LoadBalancer",
                "externalTrafficPolicy": "Local",
                "selector": {"app": "web"},
                "ports": [{"port": 80}],
            },
        }
    )
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "w", "labels": {"app": "web"}},
            "spec": {"nodeName": "kind-worker2", "containers": [{"name": "c", "image": "nginx"}]},
        }
    )
    hc = c.get("Service", "web").spec.healthCheckNodePort
    hs = node_health_servers(c.nodes(), c.services(), c.endpoint_slices(), now=c.clock.now)
    assert probe(hs["kind-worker2"], hc).status == 200
    assert probe(hs["kind-worker"], hc).status == 503
    assert probe(hs["kind-worker"], 10256).status == 200
    assert probe(hs["kind-worker"], 31999) is None
