"""Cluster DNS on dual-stack and IPv6 clusters.

What the Kubernetes DNS specification (kubernetes/dns ``docs/specification.md``, 2.4.1 and 2.4.2: an ``A``
record per IPv4 ClusterIP and an ``AAAA`` record per IPv6 one; headless Services answer with each ready
endpoint's address, ``A`` or ``AAAA`` by its family; ``PTR`` records under ``in-addr.arpa`` and ``ip6.arpa``)
and CoreDNS's kubernetes plugin (``kubernetes.go`` ``findServices``/``endpointHostname``, ``reverse.go``,
``parse.go`` for ``<a-b-c-d>.<ns>.pod`` names, IPv6 with ``-`` for ``:``) answer, over objects the API server
and controllers made for the ``kind-dual`` and ``kind-ipv6`` presets.
"""

from __future__ import annotations

import pytest

from k8snet.dns.names import reverse_name
from k8snet.sim.cluster import Cluster

HEADLESS = """
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec: {clusterIP: None, ipFamilyPolicy: RequireDualStack, selector: {app: web}, ports: [{name: http, port: 80}]}
"""
DUAL = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ipFamilyPolicy: PreferDualStack, selector: {app: web}, ports: [{name: http, port: 80}]}
"""


@pytest.fixture(scope="module")
def dual():
    c = Cluster(preset="kind-dual")
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=80")
    c.apply(DUAL + "---" + HEADLESS)
    return c


def _answers(c, name, qtype):
    pod = c.pods("default")[0].metadata.name
    return [(r.type, r.data) for r in c.dns.resolve(name, qtype, pod=pod).response.answer]


def test_dual_stack_service_has_a_and_aaaa(dual):
    v4, v6 = dual.get("Service", "web").spec.clusterIPs
    assert _answers(dual, "web", "A") == [("A", v4)]
    assert _answers(dual, "web", "AAAA") == [("AAAA", v6)]


def test_single_stack_service_has_no_aaaa(dual):
    # the kubernetes Service stays IPv4 single-stack on a dual-stack cluster: NOERROR, no data
    pod = dual.pods("default")[0].metadata.name
    resp = dual.dns.resolve("kubernetes.default.svc.cluster.local.", "AAAA", pod=pod).response
    assert (resp.rcode, resp.answer, [r.type for r in resp.authority]) == ("NOERROR", [], ["SOA"])


def test_headless_answers_per_family(dual):
    v4 = sorted(p.status.podIPs[0].ip for p in dual.pods("default"))
    v6 = sorted(p.status.podIPs[1].ip for p in dual.pods("default"))
    assert sorted(_answers(dual, "web-headless", "A")) == [("A", ip) for ip in v4]
    assert sorted(_answers(dual, "web-headless", "AAAA")) == [("AAAA", ip) for ip in v6]


def test_headless_srv_targets_each_address_with_its_record(dual):
    pod = dual.pods("default")[0].metadata.name
    resp = dual.dns.resolve("_http._tcp.web-headless.default.svc.cluster.local.", "SRV", pod=pod).response
    targets = sorted(r.data.split()[-1] for r in resp.answer)
    assert targets == [
        "10-244-1-2.web-headless.default.svc.cluster.local.",
        "10-244-2-2.web-headless.default.svc.cluster.local.",
        "fd00-10-244-1--2.web-headless.default.svc.cluster.local.",
        "fd00-10-244-2--2.web-headless.default.svc.cluster.local.",
    ]
    assert sorted((r.name, r.type, r.data) for r in resp.additional) == [
        ("10-244-1-2.web-headless.default.svc.cluster.local.", "A", "10.244.1.2"),
        ("10-244-2-2.web-headless.default.svc.cluster.local.", "A", "10.244.2.2"),
        ("fd00-10-244-1--2.web-headless.default.svc.cluster.local.", "AAAA", "fd00:10:244:1::2"),
        ("fd00-10-244-2--2.web-headless.default.svc.cluster.local.", "AAAA", "fd00:10:244:2::2"),
    ]


def test_ptr_under_ip6_arpa(dual):
    v6 = dual.get("Service", "web").spec.clusterIPs[1]
    name = reverse_name(v6)
    assert name.endswith(".ip6.arpa.") and len(name.split(".")) == 32 + 3
    assert _answers(dual, name, "PTR") == [("PTR", "web.default.svc.cluster.local.")]
    # an endpoint address: one PTR per Service whose slices hold it (reverse.go serviceRecordForIP)
    assert _answers(dual, reverse_name("fd00:10:244:1::2"), "PTR") == [
        ("PTR", "fd00-10-244-1--2.web.default.svc.cluster.local."),
        ("PTR", "fd00-10-244-1--2.web-headless.default.svc.cluster.local."),
    ]


def test_ipv6_pod_names(dual):
    assert _answers(dual, "fd00-10-244-1--2.default.pod.cluster.local", "AAAA") == [
        ("AAAA", "fd00:10:244:1::2")
    ]


def test_ipv6_only_cluster():
    c = Cluster(preset="kind-ipv6")
    c.kubectl("create deployment web --image=nginx --port=80")
    c.kubectl("expose deployment web")
    pod = c.pods("default")[0].metadata.name
    assert c.dns.resolv_conf(pod).splitlines()[1] == "nameserver fd00:10:96::a"
    [ip] = c.get("Service", "web").spec.clusterIPs
    assert _answers(c, "web", "AAAA") == [("AAAA", ip)]
    resp = c.dns.resolve("web.default.svc.cluster.local.", "A", pod=pod).response
    assert (resp.rcode, resp.answer) == ("NOERROR", [])  # the name exists, with no A record
    out = c.dns.nslookup("web.default.svc.cluster.local", pod=pod)
    # busybox prints an IPv6 server as [addr]:53 (libbb xconnect.c sockaddr2str)
    assert out.splitlines()[:2] == ["Server:\t\tfd00:10:96::a", "Address:\t[fd00:10:96::a]:53"]
    assert f"Address: {ip}" in out
    assert _answers(c, reverse_name("fd00:10:96::a"), "PTR") == [
        ("PTR", "kube-dns.kube-system.svc.cluster.local.")
    ]
