"""kube-proxy's stale UDP conntrack cleanup (k8snet.proxy.conntrack).

The cases are kubernetes/kubernetes ``pkg/proxy/conntrack/cleanup_test.go`` (v1.34): ``TestCleanStaleEntries``
(the 6 + 63 + 6 flow entries and which of them survive) and ``TestServiceWithoutEndpoints``, transcribed onto
the model's conntrack table. Each entry gets its own client source port so the table can hold them all
(upstream's fake table is a plain list); the NodePort entries, which upstream builds with no original
destination address, are addressed to a node IP.
"""

from __future__ import annotations

from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.dataplane.conntrack import Conntrack, ManualClock
from k8snet.proxy.conntrack import clean_stale_entries, cleanup_required, stale_entries
from k8snet.proxy.endpoints import EndpointInfo, endpoints_map
from k8snet.proxy.serviceport import ServicePortName

NAME, NAMESPACE = "cleanup-test", "test"
CLUSTER_IP, EXTERNAL_IP, LB_IP = "172.30.1.1", "192.168.99.100", "1.2.3.4"
SERVING, NON_SERVING, DELETED = "10.240.0.4", "10.240.1.5", "10.240.2.6"
OLD_ENDPOINT_PORT, ENDPOINT_PORT, SERVICE_PORT, NODE_PORT = 8080, 9090, 8000, 32000
NON_SERVICE_PORT = 3000
NODE_IP = "192.168.0.2"
CLIENT = "10.0.0.2"


def _service(ports):
    return Service.model_validate(
        {
            "metadata": {"name": NAME, "namespace": NAMESPACE},
            "spec": {"clusterIP": CLUSTER_IP, "externalIPs": [EXTERNAL_IP], "ports": ports},
            "status": {"loadBalancer": {"ingress": [{"ip": LB_IP}]}},
        }
    )


def _slice(port_names, service_name=NAME):
    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": f"{NAME}-0",
                "namespace": NAMESPACE,
                "labels": {"kubernetes.io/service-name": service_name},
            },
            "addressType": "IPv4",
            "endpoints": [
                {"addresses": [SERVING], "conditions": {"serving": True}},
                {"addresses": [NON_SERVING], "conditions": {"serving": False}},
            ],
            "ports": [{"name": n, "port": ENDPOINT_PORT, "protocol": p} for n, p in port_names],
        }
    )


class _Table:
    """A conntrack table and the entries added to it, each from a new client port."""

    def __init__(self):
        self.ct = Conntrack(ManualClock())
        self.port = 40000

    def add(self, proto, orig_dst, orig_dport, reply_src, reply_sport):
        self.port += 1
        return self.ct.add(
            proto, (CLIENT, self.port, orig_dst, orig_dport), (reply_src, reply_sport, CLIENT, self.port)
        )


def test_clean_stale_entries():
    svc = _service(
        [
            {"name": "test-tcp", "port": SERVICE_PORT, "protocol": "TCP"},
            {"name": "test-udp", "port": SERVICE_PORT, "nodePort": NODE_PORT, "protocol": "UDP"},
            {"name": "test-sctp", "port": SERVICE_PORT, "nodePort": NODE_PORT, "protocol": "SCTP"},
        ]
    )
    es = _slice([("test-tcp", "TCP"), ("test-udp", "UDP"), ("test-sctp", "SCTP")])
    table = _Table()
    before, after = [], []
    # the endpoint changed port, not IP: these are stale
    for dst in (CLUSTER_IP, LB_IP, EXTERNAL_IP):
        before.append(table.add("UDP", dst, SERVICE_PORT, SERVING, OLD_ENDPOINT_PORT))
    # 3 endpoints x 3 protocols x (3 Service IPs x 2 ports + 1 NodePort) = 63
    for dnat in (SERVING, NON_SERVING, DELETED):
        for proto in ("TCP", "UDP", "SCTP"):
            for dst in (CLUSTER_IP, LB_IP, EXTERNAL_IP):
                for port in (SERVICE_PORT, NON_SERVICE_PORT):
                    e = table.add(proto, dst, port, dnat, ENDPOINT_PORT)
                    before.append(e)
                    if not (proto == "UDP" and port == SERVICE_PORT and dnat != SERVING):
                        after.append(e)
            e = table.add(proto, NODE_IP, NODE_PORT, dnat, ENDPOINT_PORT)
            before.append(e)
            if not (proto == "UDP" and dnat != SERVING):
                after.append(e)
    # not DNATed (no rule matched yet): --orig-dst equals --reply-src
    for ip in (CLUSTER_IP, LB_IP, EXTERNAL_IP):
        for port in (SERVICE_PORT, NON_SERVICE_PORT):
            e = table.add("UDP", ip, port, ip, 0)
            before.append(e)
            if port != SERVICE_PORT:
                after.append(e)
    assert len(before) == 3 + 63 + 6
    deleted = clean_stale_entries(table.ct, [svc], [es], "test-worker")
    assert len(deleted) == len(before) - len(after) == 3 + 2 * 3 + 2 + 3
    assert table.ct.entries() == after


def test_service_without_endpoints_is_left_alone():
    svc = _service([{"name": "test-udp", "port": SERVICE_PORT, "protocol": "UDP"}])
    es = _slice([("test-udp", "UDP")], service_name="non-existing-service")
    table = _Table()
    table.add("UDP", EXTERNAL_IP, SERVICE_PORT, SERVING, ENDPOINT_PORT)
    table.add("UDP", EXTERNAL_IP, SERVICE_PORT, DELETED, ENDPOINT_PORT)
    assert clean_stale_entries(table.ct, [svc], [es], "test-worker") == []
    assert len(table.ct.entries()) == 2


def test_stale_entries_only_lists():
    svc = _service([{"name": "test-udp", "port": SERVICE_PORT, "protocol": "UDP"}])
    es = _slice([("test-udp", "UDP")])
    table = _Table()
    table.add("UDP", CLUSTER_IP, SERVICE_PORT, DELETED, ENDPOINT_PORT)
    assert len(stale_entries(table.ct, [svc], [es], "n")) == 1
    assert len(table.ct.entries()) == 1  # nothing deleted


def test_cleanup_required_only_for_udp_changes():
    # endpointschangetracker.go: ConntrackCleanupRequired only when a UDP Service port changed endpoints
    udp, tcp = ServicePortName("ns", "s", "u", "UDP"), ServicePortName("ns", "s", "t", "TCP")
    a, b = EndpointInfo("10.0.0.1", 53), EndpointInfo("10.0.0.2", 53)
    assert not cleanup_required({tcp: [a]}, {tcp: [b]})
    assert cleanup_required({udp: [a]}, {})
    assert cleanup_required({}, {udp: [a]})
    assert not cleanup_required({udp: [a], tcp: [a]}, {udp: [a], tcp: [b]})


def test_uses_kube_proxys_view_of_the_slices():
    # a not-serving endpoint is not a reason to keep an entry; endpoints_map reads the conditions
    es = _slice([("test-udp", "UDP")])
    eps = endpoints_map([es], "n")[ServicePortName(NAMESPACE, NAME, "test-udp", "UDP")]
    assert [(e.ip, e.serving) for e in eps] == [(SERVING, True), (NON_SERVING, False)]
