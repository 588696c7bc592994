"""Tests for k8snet.dns: CoreDNS's kubernetes plugin under kubeadm 1.34, and a Pod's resolver.

Expected answers are transcribed from:

- kubernetes/dns ``docs/specification.md`` (the question/answer examples of sections 2.2-2.6; the spec's TTLs are
  examples, CoreDNS under kubeadm answers with ``ttl 30``; the spec writes SRV RDATA as "<weight> <priority>"
  although RFC 2782 order, and CoreDNS's, is priority then weight);
- coredns/coredns ``plugin/kubernetes/handler_test.go`` (``dnsTestCases`` over the ``APIConnServeTest``
  fixture; TTL 5 there, so those tests build ``DNS(..., ttl=5)``), ``handler_pod_insecure_test.go`` and
  ``reverse_test.go``;
- kubernetes/kubernetes ``pkg/kubelet/network/dns/dns.go`` (search list, ``ndots:5``) and containerd's resolv.conf
  writer (``search``, ``nameserver``, ``options`` order);
- glibc ``resolv/res_query.c`` ``__res_context_search`` for the order of search-list queries.
"""

from __future__ import annotations

import pytest

from k8snet.api.core_v1 import Namespace, Pod, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.dns import DNS, Record, reverse_name

# --- model helpers -------------------------------------------------------------------------------------------------


def svc(name, ns, cluster_ips=None, ports=None, type_=None, external_name=None, headless=False):
    spec = {}
    if headless:
        spec["clusterIP"] = "None"
        spec["clusterIPs"] = ["None"]
    elif cluster_ips:
        spec["clusterIP"] = cluster_ips[0]
        spec["clusterIPs"] = list(cluster_ips)
    if ports:
        spec["ports"] = [{"name": n, "protocol": proto, "port": p} for n, proto, p in ports]
    if type_:
        spec["type"] = type_
    if external_name:
        spec["externalName"] = external_name
    return Service(metadata={"name": name, "namespace": ns}, spec=spec)


def eps(name, ns, service, endpoints, ports=None, address_type="IPv4"):
    """endpoints: list of (ip, hostname or None, ready or None)."""
    return EndpointSlice(
        metadata={"name": name, "namespace": ns, "labels": {"kubernetes.io/service-name": service}},
        addressType=address_type,
        endpoints=[
            {
                "addresses": [ip],
                **({"hostname": h} if h else {}),
                **({"conditions": {"ready": ready}} if ready is not None else {}),
            }
            for ip, h, ready in endpoints
        ],
        ports=[{"name": n, "protocol": proto, "port": p} for n, proto, p in (ports or [])] or None,
    )


def answers(resp):
    return sorted(str(r) for r in resp.answer)


def rr(*lines):
    """Records written as CoreDNS tests write them (whitespace-separated), normalised to tab-separated."""
    out = []
    for line in lines:
        name, ttl, cls, typ, data = line.split(None, 4)
        assert cls == "IN"
        out.append(str(Record(name, typ, int(ttl), " ".join(data.split()))))
    return sorted(out)


# --- the APIConnServeTest fixture of coredns plugin/kubernetes/handler_test.go, as API objects ------------------

HTTP = [("http", "tcp", 80)]

COREDNS_FIXTURE = [
    Namespace(metadata={"name": "testns"}),
    svc("kubedns", "kube-system", ["10.0.0.10"], [("dns", "udp", 53)]),
    svc("svc1", "testns", ["10.0.0.1"], HTTP),
    svc("svcempty", "testns", ["10.0.0.1"], HTTP),
    svc("svc6", "testns", ["1234:abcd::1"], HTTP),
    svc("hdls1", "testns", headless=True),
    svc("external", "testns", type_="ExternalName", external_name="ext.interwebs.test", ports=HTTP),
    svc(
        "external-to-service",
        "testns",
        type_="ExternalName",
        external_name="svc1.testns.svc.cluster.local.",
        ports=HTTP,
    ),
    svc("hdlsprtls", "testns", headless=True),
    svc("svc-dual-stack", "testns", ["10.0.0.3", "10::3"], HTTP),
    eps("kubedns-x", "kube-system", "kubedns", [("172.0.0.100", None, None)], [("dns", "udp", 53)]),
    eps("svc1-slice1", "testns", "svc1", [("172.0.0.1", "ep1a", None)], HTTP),
    eps("svcempty-slice1", "testns", "svcempty", [], HTTP),
    # upstream keeps v4 and v6 addresses in one object; EndpointSlices split them by address family
    eps(
        "hdls1-slice1",
        "testns",
        "hdls1",
        [
            ("172.0.0.2", None, None),
            ("172.0.0.3", None, None),
            ("172.0.0.4", "dup-name", None),
            ("172.0.0.5", "dup-name", None),
        ],
        HTTP,
    ),
    eps(
        "hdls1-slice2",
        "testns",
        "hdls1",
        [("5678:abcd::1", None, None), ("5678:abcd::2", None, None)],
        HTTP,
        address_type="IPv6",
    ),
    eps("hdlsprtls-slice1", "testns", "hdlsprtls", [("172.0.0.20", None, None)]),
]


@pytest.fixture
def coredns():
    return DNS.from_objects(
        COREDNS_FIXTURE, ttl=5, external={"ext.interwebs.test": ["1.2.3.4"]}, external_ttl=5
    )


# (qname, qtype, rcode, answer, extra) from handler_test.go dnsTestCases; negative answers carry a SOA
HANDLER_CASES = [
    (
        "svc1.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
        [],
    ),
    (
        "svcempty.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        ["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
        [],
    ),
    (
        "svc1.testns.svc.cluster.local.",
        "SRV",
        "NOERROR",
        ["svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."],
        ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
    ),
    (
        "svcempty.testns.svc.cluster.local.",
        "SRV",
        "NOERROR",
        ["svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local."],
        ["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
    ),
    (
        "svc6.testns.svc.cluster.local.",
        "SRV",
        "NOERROR",
        ["svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local."],
        ["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"],
    ),
    (
        "_http._tcp.svc1.testns.svc.cluster.local.",
        "SRV",
        "NOERROR",
        ["_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."],
        ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
    ),
    (
        "_http._tcp.svcempty.testns.svc.cluster.local.",
        "SRV",
        "NOERROR",
        [
            "_http._tcp.svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local."
        ],
        ["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
    ),
    (
        "hdls1.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        [f"hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.{i}" for i in (2, 3, 4, 5)],
        [],
    ),
    (
        "hdlsprtls.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        ["hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"],
        [],
    ),
    (
        "172-0-0-20.hdlsprtls.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        ["172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"],
        [],
    ),
    (
        "172-0-0-2.hdls1.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        ["172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"],
        [],
    ),
    (
        "172-0-0-3.hdls1.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        ["172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3"],
        [],
    ),
    (
        "dup-name.hdls1.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        [
            "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
        ],
        [],
    ),
    (
        "_http._tcp.hdls1.testns.svc.cluster.local.",
        "SRV",
        "NOERROR",
        [
            f"_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 {t}.hdls1.testns.svc.cluster.local."
            for t in ("172-0-0-2", "172-0-0-3", "5678-abcd--1", "5678-abcd--2", "dup-name")
        ],
        [
            "172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
            "172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
            "5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1",
            "5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2",
            "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
        ],
    ),
    (
        "5678-abcd--2.hdls1.testns.svc.cluster.local",
        "AAAA",
        "NOERROR",
        ["5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2"],
        [],
    ),
    (
        "external.testns.svc.cluster.local.",
        "CNAME",
        "NOERROR",
        ["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."],
        [],
    ),
    # "CNAME External Truncated Lookup": the upstream answer follows the CNAME
    (
        "external.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        [
            "ext.interwebs.test. 5 IN A 1.2.3.4",
            "external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.",
        ],
        [],
    ),
    (
        "external-to-service.testns.svc.cluster.local",
        "A",
        "NOERROR",
        [
            "external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.",
            "svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1",
        ],
        [],
    ),
    ("svc1.testns.svc.cluster.local.", "AAAA", "NOERROR", [], []),
    ("svc0.testns.svc.cluster.local.", "AAAA", "NXDOMAIN", [], []),
    ("svc0.testns.svc.cluster.local.", "A", "NXDOMAIN", [], []),
    ("svc0.svc-nons.svc.cluster.local.", "A", "NXDOMAIN", [], []),
    ("dns-version.cluster.local.", "TXT", "NOERROR", ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'], []),
    ("bogusendpoint.hdls1.testns.svc.cluster.local.", "A", "NXDOMAIN", [], []),
    ("bogusendpoint.svc0.testns.svc.cluster.local.", "A", "NXDOMAIN", [], []),
    (
        "svc6.testns.svc.cluster.local.",
        "AAAA",
        "NOERROR",
        ["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"],
        [],
    ),
    (
        "_http._tcp.svc6.testns.svc.cluster.local.",
        "SRV",
        "NOERROR",
        ["_http._tcp.svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local."],
        ["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"],
    ),
    (
        "hdls1.testns.svc.cluster.local.",
        "AAAA",
        "NOERROR",
        [
            "hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1",
            "hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2",
        ],
        [],
    ),
    (
        "5678-abcd--1.hdls1.testns.svc.cluster.local.",
        "AAAA",
        "NOERROR",
        ["5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1"],
        [],
    ),
    ("svc.cluster.local.", "A", "NOERROR", [], []),
    ("pod.cluster.local.", "A", "NOERROR", [], []),
    ("testns.svc.cluster.local.", "A", "NOERROR", [], []),
    ("svc.cluster.local.", "NS", "NOERROR", [], []),
    ("testns.svc.cluster.local.", "NS", "NOERROR", [], []),
    ("foo.cluster.local.", "NS", "NXDOMAIN", [], []),
    ("foo.svc.cluster.local.", "NS", "NXDOMAIN", [], []),
    (
        "svc-dual-stack.testns.svc.cluster.local.",
        "A",
        "NOERROR",
        ["svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3"],
        [],
    ),
    (
        "svc-dual-stack.testns.svc.cluster.local.",
        "AAAA",
        "NOERROR",
        ["svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3"],
        [],
    ),
    (
        "svc-dual-stack.testns.svc.cluster.local.",
        "SRV",
        "NOERROR",
        [
            "svc-dual-stack.testns.svc.cluster.local. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local."
        ],
        [
            "svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3",
            "svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3",
        ],
    ),
    ("svc1.testns.svc.cluster.local.", "SOA", "NOERROR", [], []),
    ("endpoint.external.testns.svc.cluster.local.", "CNAME", "NXDOMAIN", [], []),
    ("*._not-udp-or-tcp.svc1.testns.svc.cluster.local.", "SRV", "NXDOMAIN", [], []),
]


@pytest.mark.parametrize(
    "qname,qtype,rcode,answer,extra", HANDLER_CASES, ids=[f"{c[1]} {c[0]}" for c in HANDLER_CASES]
)
def test_coredns_handler_cases(coredns, qname, qtype, rcode, answer, extra):
    resp = coredns.query(qname, qtype)
    assert resp.rcode == rcode
    assert answers(resp) == rr(*answer)
    assert sorted(str(r) for r in resp.additional) == rr(*extra)
    if not answer:  # NXDOMAIN and NODATA carry the zone's SOA in the authority section
        assert [(r.name, r.type) for r in resp.authority] == [("cluster.local.", "SOA")]
        assert resp.authority[0].data.startswith("ns.dns.cluster.local. hostmaster.cluster.local. ")
        assert resp.authority[0].data.endswith(" 7200 1800 86400 5")


def test_cname_is_answered_before_its_target(coredns):
    # handler_test.go checks test.CNAMEOrder: a CNAME never follows the records of its target
    resp = coredns.query("external-to-service.testns.svc.cluster.local.", "A")
    assert [r.type for r in resp.answer] == ["CNAME", "A"]


def test_namespace_that_does_not_exist_is_nxdomain():
    # handler_test.go nsTestCases: "A service for an exposed namespace that doesn't exist"
    dns = DNS.from_objects([svc("svc1", "testns", ["10.0.0.1"], HTTP)])
    assert answers(dns.query("svc1.testns.svc.cluster.local.")) == rr(
        "svc1.testns.svc.cluster.local. 30 IN A 10.0.0.1"
    )
    assert dns.query("svc1.nsnoexist.svc.cluster.local.").rcode == "NXDOMAIN"
    soa = dns.query("svc1.nsnoexist.svc.cluster.local.").authority[0]
    assert (soa.name, soa.ttl, soa.data.split()[-4:]) == (
        "cluster.local.",
        30,
        ["7200", "1800", "86400", "30"],
    )


# handler_pod_insecure_test.go podModeInsecureCases (kubeadm's Corefile has `pods insecure`)
@pytest.mark.parametrize(
    "qname,qtype,rcode,answer",
    [
        (
            "10-240-0-1.podns.pod.cluster.local.",
            "A",
            "NOERROR",
            ["10-240-0-1.podns.pod.cluster.local. 30 IN A 10.240.0.1"],
        ),
        (
            "172-0-0-2.podns.pod.cluster.local.",
            "A",
            "NOERROR",
            ["172-0-0-2.podns.pod.cluster.local. 30 IN A 172.0.0.2"],
        ),
        ("blah.podns.pod.cluster.local.", "A", "NXDOMAIN", []),
        ("blah.podns.pod.cluster.local.", "AAAA", "NXDOMAIN", []),
        ("blah.podns.pod.cluster.local.", "MX", "NXDOMAIN", []),  # upstream asks HINFO: any other type
        ("blah.pod-nons.pod.cluster.local.", "A", "NXDOMAIN", []),
    ],
)
def test_pod_records_insecure(qname, qtype, rcode, answer):
    dns = DNS.from_objects([Namespace(metadata={"name": "podns"})])
    resp = dns.query(qname, qtype)
    assert resp.rcode == rcode
    assert answers(resp) == rr(*answer)


def test_pod_record_ipv6_and_wrong_family():
    dns = DNS.from_objects([])
    assert answers(dns.query("fd00-10-244--5.default.pod.cluster.local.", "AAAA")) == rr(
        "fd00-10-244--5.default.pod.cluster.local. 30 IN AAAA fd00:10:244::5"
    )
    nodata = dns.query("10-244-1-5.default.pod.cluster.local.", "AAAA")
    assert (nodata.rcode, nodata.answer) == ("NOERROR", [])


# reverse_test.go TestReverse (the answerable cases), over EndpointSlices instead of Endpoints
REVERSE_FIXTURE = [
    Namespace(metadata={"name": "testns"}),
    svc("svc1", "testns", ["192.168.1.100"], HTTP),
    eps("svc1-v4", "testns", "svc1", [("10.0.0.100", "ep1a", None)], HTTP),
    eps(
        "svc1-v6",
        "testns",
        "svc1",
        [
            ("1234:abcd::1", "ep1b", None),
            ("fd00:77:30::a", "ip6svc1ex", None),
            ("fd00:77:30::2:9ba6", "ip6svc1in", None),
        ],
        HTTP,
        address_type="IPv6",
    ),
]


@pytest.mark.parametrize(
    "qname,answer",
    [
        (
            "100.0.0.10.in-addr.arpa.",
            "100.0.0.10.in-addr.arpa. 30 IN PTR ep1a.svc1.testns.svc.cluster.local.",
        ),
        (
            "100.1.168.192.in-addr.arpa.",
            "100.1.168.192.in-addr.arpa. 30 IN PTR svc1.testns.svc.cluster.local.",
        ),
        (
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.",
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 30 IN PTR "
            "ep1b.svc1.testns.svc.cluster.local.",
        ),
        (
            "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.",
            "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. 30 IN PTR "
            "ip6svc1ex.svc1.testns.svc.cluster.local.",
        ),
        (
            "6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.",
            "6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. 30 IN PTR "
            "ip6svc1in.svc1.testns.svc.cluster.local.",
        ),
    ],
)
def test_reverse(qname, answer):
    resp = DNS.from_objects(REVERSE_FIXTURE).query(qname, "PTR")
    assert (resp.rcode, answers(resp)) == ("NOERROR", rr(answer))


def test_reverse_unknown_address_falls_through_to_upstream():
    # kubeadm: `fallthrough in-addr.arpa ip6.arpa`, then `forward . /etc/resolv.conf`
    dns = DNS.from_objects(REVERSE_FIXTURE, external={"101.0.0.10.in-addr.arpa.": ["host.example.net"]})
    up = dns.query("101.0.0.10.in-addr.arpa.", "PTR")
    assert (up.rcode, answers(up), up.authoritative) == (
        "NOERROR",
        rr("101.0.0.10.in-addr.arpa. 300 IN PTR host.example.net."),
        False,
    )
    assert dns.query("102.0.0.10.in-addr.arpa.", "PTR").rcode == "NXDOMAIN"


# --- the specification's examples (kubernetes/dns docs/specification.md) ------------------------------------------

SPEC_FIXTURE = [
    svc("kubernetes", "default", ["10.3.0.1"], [("https", "TCP", 443)]),
    svc("headless", "default", headless=True, ports=[("https", "TCP", 443)]),
    eps(
        "headless-abc",
        "default",
        "headless",
        [("10.3.0.100", "my-pet", None), ("10.3.0.2", "my-pet-2", None), ("10.3.0.3", None, None)],
        [("https", "TCP", 443)],
    ),
    svc("foo", "default", type_="ExternalName", external_name="www.example.com"),
]


@pytest.fixture
def spec_dns():
    return DNS.from_objects(SPEC_FIXTURE, external={"www.example.com": ["192.0.2.53"]}, external_ttl=28715)


def test_spec_2_2_schema_version(spec_dns):
    assert answers(spec_dns.query("dns-version.cluster.local.", "TXT")) == rr(
        'dns-version.cluster.local. 28800 IN TXT "1.1.0"'
    )  # the spec copy shows 1.0.0; CoreDNS serves 1.1.0


def test_spec_2_3_cluster_ip_service(spec_dns):
    assert answers(spec_dns.query("kubernetes.default.svc.cluster.local.")) == rr(
        "kubernetes.default.svc.cluster.local. 30 IN A 10.3.0.1"
    )
    assert answers(spec_dns.query("_https._tcp.kubernetes.default.svc.cluster.local.", "SRV")) == rr(
        "_https._tcp.kubernetes.default.svc.cluster.local. 30 IN SRV 0 100 443 kubernetes.default.svc.cluster.local."
    )
    assert answers(spec_dns.query("1.0.3.10.in-addr.arpa.", "PTR")) == rr(
        "1.0.3.10.in-addr.arpa. 30 IN PTR kubernetes.default.svc.cluster.local."
    )


def test_spec_2_4_headless_service(spec_dns):
    assert answers(spec_dns.query("headless.default.svc.cluster.local.")) == rr(
        *[f"headless.default.svc.cluster.local. 30 IN A 10.3.0.{i}" for i in (100, 2, 3)]
    )
    assert answers(spec_dns.query("my-pet.headless.default.svc.cluster.local.")) == rr(
        "my-pet.headless.default.svc.cluster.local. 30 IN A 10.3.0.100"
    )
    # three endpoints: weight floor(100/3); the endpoint without hostname is named by its address
    assert answers(spec_dns.query("_https._tcp.headless.default.svc.cluster.local.", "SRV")) == rr(
        *[
            f"_https._tcp.headless.default.svc.cluster.local. 30 IN SRV 0 33 443 {h}.headless.default.svc.cluster.local."
            for h in ("my-pet", "my-pet-2", "10-3-0-3")
        ]
    )
    assert answers(spec_dns.query("100.0.3.10.in-addr.arpa.", "PTR")) == rr(
        "100.0.3.10.in-addr.arpa. 30 IN PTR my-pet.headless.default.svc.cluster.local."
    )


def test_spec_2_4_headless_without_ready_endpoints_is_nxdomain():
    dns = DNS.from_objects(
        [
            svc("headless", "default", headless=True),
            eps("headless-abc", "default", "headless", [("10.3.0.1", None, False)]),
        ]
    )
    assert dns.query("headless.default.svc.cluster.local.").rcode == "NXDOMAIN"


def test_spec_2_5_external_name(spec_dns):
    resp = spec_dns.query("foo.default.svc.cluster.local.")
    assert [str(r) for r in resp.answer] == [
        "foo.default.svc.cluster.local.\t30\tIN\tCNAME\twww.example.com.",
        "www.example.com.\t28715\tIN\tA\t192.0.2.53",
    ]


def test_spec_2_6_pod_a_record(spec_dns):
    assert answers(spec_dns.query("1-2-3-4.default.pod.cluster.local.")) == rr(
        "1-2-3-4.default.pod.cluster.local. 30 IN A 1.2.3.4"
    )


# --- readiness, as CoreDNS reads EndpointSlices (object/endpoint.go) ----------------------------------------------


def test_only_ready_condition_counts_and_nil_means_ready():
    dns = DNS.from_objects(
        [
            svc("web", "default", headless=True),
            EndpointSlice(
                metadata={
                    "name": "web-1",
                    "namespace": "default",
                    "labels": {"kubernetes.io/service-name": "web"},
                },
                addressType="IPv4",
                endpoints=[
                    {"addresses": ["10.244.1.2"], "conditions": {"ready": True}},
                    {"addresses": ["10.244.1.3"]},  # no conditions: unknown, counted as ready
                    {
                        "addresses": ["10.244.1.4"],
                        "conditions": {"ready": False, "serving": True, "terminating": True},
                    },
                    {"addresses": ["10.244.1.5"], "conditions": {"ready": False}},
                ],
            ),
        ]
    )
    assert [r.data for r in dns.query("web.default.svc.cluster.local.").answer] == [
        "10.244.1.2",
        "10.244.1.3",
    ]
    # a terminating-but-serving endpoint gets no name and no PTR either
    assert dns.query("10-244-1-4.web.default.svc.cluster.local.").rcode == "NXDOMAIN"


def test_publish_not_ready_addresses_is_read_from_the_slice_not_the_service():
    # CoreDNS never reads spec.publishNotReadyAddresses: the EndpointSlice controller expresses it by writing
    # ready=true for not-ready Pods (staging/src/k8s.io/endpointslice/utils.go podToEndpoint)
    svc_pnra = svc("db", "default", headless=True)
    svc_pnra.spec.publishNotReadyAddresses = True
    dns = DNS.from_objects(
        [
            svc_pnra,
            eps("db-1", "default", "db", [("10.244.2.9", "db-0", False), ("10.244.2.10", "db-1", True)]),
        ]
    )
    assert [r.data for r in dns.query("db.default.svc.cluster.local.").answer] == ["10.244.2.10"]


def test_external_table_accepts_a_single_value():
    dns = DNS.from_objects([], external={"one.example": "198.51.100.1"})
    assert [r.data for r in dns.query("one.example.").answer] == ["198.51.100.1"]


def test_cluster_ip_service_endpoint_names_and_pod_ptr():
    # endpoint names are answered for ClusterIP Services too ("Endpoint query or headless service")
    dns = DNS.from_objects(
        [
            svc("web", "default", ["10.96.5.5"], [("http", "TCP", 80)]),
            eps("web-1", "default", "web", [("10.244.1.7", None, True)], [("http", "TCP", 8080)]),
        ]
    )
    assert answers(dns.query("10-244-1-7.web.default.svc.cluster.local.")) == rr(
        "10-244-1-7.web.default.svc.cluster.local. 30 IN A 10.244.1.7"
    )
    assert answers(dns.query(reverse_name("10.244.1.7"), "PTR")) == rr(
        "7.1.244.10.in-addr.arpa. 30 IN PTR 10-244-1-7.web.default.svc.cluster.local."
    )
    # the ClusterIP SRV uses the Service port, the endpoint SRV the EndpointSlice (target) port
    assert [r.data for r in dns.query("_http._tcp.web.default.svc.cluster.local.", "SRV").answer] == [
        "0 100 80 web.default.svc.cluster.local."
    ]


def test_external_name_to_missing_in_zone_target_is_nodata():
    dns = DNS.from_objects(
        [
            svc(
                "externalname-svc",
                "default",
                type_="ExternalName",
                external_name="mysql.default.svc.cluster.local",
            )
        ]
    )
    resp = dns.query("externalname-svc.default.svc.cluster.local.")
    assert (resp.rcode, resp.answer, resp.authority[0].type) == ("NOERROR", [], "SOA")
    # the CNAME itself is still there for a CNAME question
    assert answers(dns.query("externalname-svc.default.svc.cluster.local.", "CNAME")) == rr(
        "externalname-svc.default.svc.cluster.local. 30 IN CNAME mysql.default.svc.cluster.local."
    )


def test_external_name_to_existing_in_zone_target_is_chased():
    dns = DNS.from_objects(
        [
            svc(
                "externalname-svc",
                "default",
                type_="ExternalName",
                external_name="mysql.default.svc.cluster.local",
            ),
            svc("mysql", "default", ["10.96.100.7"], [("mysql", "TCP", 3306)]),
        ]
    )
    assert [str(r) for r in dns.query("externalname-svc.default.svc.cluster.local.").answer] == [
        "externalname-svc.default.svc.cluster.local.\t30\tIN\tCNAME\tmysql.default.svc.cluster.local.",
        "mysql.default.svc.cluster.local.\t30\tIN\tA\t10.96.100.7",
    ]


def test_external_name_to_unknown_outside_name_keeps_cname():
    # backend_lookup.go A(): the upstream reply's answers (none for NXDOMAIN) follow the CNAME, rcode stays NOERROR
    dns = DNS.from_objects([svc("ext", "default", type_="ExternalName", external_name="nowhere.example")])
    resp = dns.query("ext.default.svc.cluster.local.")
    assert (resp.rcode, [r.type for r in resp.answer]) == ("NOERROR", ["CNAME"])


def test_apex_soa_and_ns():
    dns = DNS.from_objects([svc("kube-dns", "kube-system", ["10.96.0.10"], [("dns", "UDP", 53)])])
    soa = dns.query("cluster.local.", "SOA")
    assert [(r.name, r.type, r.ttl) for r in soa.answer] == [("cluster.local.", "SOA", 30)]
    ns = dns.query("cluster.local.", "NS")
    assert answers(ns) == rr("cluster.local. 30 IN NS kube-dns.kube-system.svc.cluster.local.")
    assert [str(r) for r in ns.additional] == [
        "kube-dns.kube-system.svc.cluster.local.\t30\tIN\tA\t10.96.0.10"
    ]
    assert answers(dns.query("ns.dns.cluster.local.")) == rr("ns.dns.cluster.local. 30 IN A 10.96.0.10")


def test_names_are_case_insensitive_and_answers_keep_the_question_case():
    dns = DNS.from_objects(SPEC_FIXTURE)
    assert answers(dns.query("KUBERNETES.Default.svc.cluster.local.")) == rr(
        "KUBERNETES.Default.svc.cluster.local. 30 IN A 10.3.0.1"
    )


# --- the Pod side -----------------------------------------------------------------------------------------------


def pod(name, ns="default", **spec):
    return Pod(metadata={"name": name, "namespace": ns}, spec={"containers": [{"name": "c"}], **spec})


KUBE_DNS = svc("kube-dns", "kube-system", ["10.96.0.10"], [("dns", "UDP", 53), ("dns-tcp", "TCP", 53)])


def test_resolv_conf_cluster_first():
    dns = DNS.from_objects([KUBE_DNS, pod("client", "shop")])
    assert dns.resolv_conf("shop/client") == (
        "search shop.svc.cluster.local svc.cluster.local cluster.local\n"
        "nameserver 10.96.0.10\n"
        "options ndots:5\n"
    )


def test_resolv_conf_node_search_domains_are_appended():
    dns = DNS.from_objects([KUBE_DNS], host_search=["example.internal", "cluster.local"])
    assert dns.resolv_conf().splitlines()[0] == (
        "search default.svc.cluster.local svc.cluster.local cluster.local example.internal"
    )


def test_resolv_conf_policies():
    dns = DNS.from_objects([KUBE_DNS], host_nameservers=["192.0.2.53"])
    assert dns.resolv_conf(pod("h", hostNetwork=True)) == "nameserver 192.0.2.53\n"
    assert dns.resolv_conf(pod("hw", hostNetwork=True, dnsPolicy="ClusterFirstWithHostNet")).startswith(
        "search default.svc.cluster.local"
    )
    assert dns.resolv_conf(pod("d", dnsPolicy="Default")) == "nameserver 192.0.2.53\n"
    custom = pod(
        "n",
        dnsPolicy="None",
        dnsConfig={
            "nameservers": ["1.1.1.1"],
            "searches": ["a.example"],
            "options": [{"name": "ndots", "value": "2"}],
        },
    )
    assert dns.resolv_conf(custom) == "search a.example\nnameserver 1.1.1.1\noptions ndots:2\n"


def test_nameserver_falls_back_to_tenth_address_of_service_cidr():
    class Source:
        service_cidr = "10.3.0.0/16"

        def services(self, namespace=None):
            return []

        endpoint_slices = pods = services

    assert DNS(Source()).nameserver == "10.3.0.10"


def test_search_order_short_name():
    dns = DNS.from_objects([KUBE_DNS, svc("web", "default", ["10.96.1.1"], [("http", "TCP", 80)])])
    r = dns.resolve("web")
    assert r.tried == ["web.default.svc.cluster.local."]
    assert (r.rcode, [a.data for a in r.answers], r.nameserver) == ("NOERROR", ["10.96.1.1"], "10.96.0.10")


def test_search_order_service_in_other_namespace():
    dns = DNS.from_objects([KUBE_DNS, svc("db", "data", ["10.96.2.2"], [("pg", "TCP", 5432)])])
    r = dns.resolve("db.data", pod=pod("client", "shop"))
    assert r.tried == ["db.data.shop.svc.cluster.local.", "db.data.svc.cluster.local."]
    assert [a.data for a in r.answers] == ["10.96.2.2"]


def test_search_order_external_name_with_few_dots_tries_every_domain_first():
    dns = DNS.from_objects([KUBE_DNS], external={"mysql.example.com.": ["203.0.113.10"]})
    r = dns.resolve("mysql.example.com")
    assert r.tried == [
        "mysql.example.com.default.svc.cluster.local.",
        "mysql.example.com.svc.cluster.local.",
        "mysql.example.com.cluster.local.",
        "mysql.example.com.",
    ]
    assert [str(a) for a in r.answers] == ["mysql.example.com.\t300\tIN\tA\t203.0.113.10"]
    assert not r.response.authoritative


def test_absolute_name_and_many_dots():
    dns = DNS.from_objects([KUBE_DNS, svc("web", "default", ["10.96.1.1"])])
    assert dns.resolve("web.default.svc.cluster.local.").tried == ["web.default.svc.cluster.local."]
    # 5 dots >= ndots: as is first
    r = dns.resolve("a.b.c.d.e.f")
    assert r.tried[0] == "a.b.c.d.e.f." and len(r.tried) == 4 and r.rcode == "NXDOMAIN"


def test_nodata_keeps_searching_and_is_reported():
    # glibc: NO_DATA keeps trying; if nothing answers, NO_DATA (NOERROR, no answers) wins over NXDOMAIN
    dns = DNS.from_objects([KUBE_DNS, svc("web", "default", ["10.96.1.1"])])
    r = dns.resolve("web", "AAAA")
    assert len(r.tried) == 4 and r.rcode == "NOERROR" and r.answers == []


def test_ptr_from_address_and_dig_text():
    dns = DNS.from_objects([KUBE_DNS, svc("kubernetes", "default", ["10.96.0.1"], [("https", "TCP", 443)])])
    r = dns.resolve("10.96.0.1", "PTR")
    assert r.tried == ["1.0.96.10.in-addr.arpa."]
    text = dns.resolve("kubernetes.default").dig()
    assert ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 0" in text
    assert ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0" in text
    assert ";kubernetes.default.svc.cluster.local. IN A" in text
    assert ";; ANSWER SECTION:\nkubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n" in text
    assert ";; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)" in text


def test_dig_column_layout_short_names():
    # BIND masterdump.c columns: owner padded with tabs to 24, TTL to 32, class to 40, type to 48
    assert Record("a.example.", "A", 300, "192.0.2.1").dig_line() == "a.example.\t\t300\tIN\tA\t192.0.2.1"


def test_nslookup_text():
    dns = DNS.from_objects([KUBE_DNS, svc("kubernetes", "default", ["10.96.0.1"])])
    assert dns.resolve("kubernetes.default").nslookup() == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
        "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n"
    )
    assert dns.resolve("nosuch").nslookup().endswith("** server can't find nosuch: NXDOMAIN\n\n")


def test_busybox_nslookup_asks_every_search_domain_for_a_and_aaaa():
    # busybox networking/nslookup.c: a name without a dot goes to every search domain at once, A then AAAA;
    # "Address:\t<ns>:53" (xmalloc_sockaddr2dotted), one empty line after each reply, exit status 1 on any
    # NXDOMAIN. Real `kubectl exec <busybox pod> -- nslookup web` captures have exactly these lines (in
    # arrival order, which varies).
    dns = DNS.from_objects([KUBE_DNS, svc("web", "default", ["10.96.1.1"])])
    out = dns.nslookup("web")
    assert out.queries == [
        (f"web.{d}", t)
        for t in ("A", "AAAA")
        for d in ("default.svc.cluster.local", "svc.cluster.local", "cluster.local")
    ]
    assert str(out) == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        "Name:\tweb.default.svc.cluster.local\nAddress: 10.96.1.1\n\n"
        "** server can't find web.svc.cluster.local: NXDOMAIN\n\n"
        "** server can't find web.cluster.local: NXDOMAIN\n\n"
        "\n"  # the AAAA reply for the Service: NOERROR, no records (CoreDNS has no AAAA for an IPv4 Service)
        "** server can't find web.svc.cluster.local: NXDOMAIN\n\n"
        "** server can't find web.cluster.local: NXDOMAIN\n\n"
    )
    assert out.exit_code == 1
    # a name with a dot is asked as written: no search list, so the short "web.default" is not found
    dotted = dns.nslookup("web.default")
    assert dotted.queries == [("web.default", "A"), ("web.default", "AAAA")] and dotted.exit_code == 1
    full = dns.nslookup("web.default.svc.cluster.local")
    assert full.exit_code == 0 and full.endswith("Address: 10.96.1.1\n\n\n")


def test_pod_with_default_policy_cannot_see_cluster_names():
    dns = DNS.from_objects([KUBE_DNS, svc("web", "default", ["10.96.1.1"])], host_nameservers=["192.0.2.53"])
    r = dns.resolve("web.default.svc.cluster.local", pod=pod("d", dnsPolicy="Default"))
    assert (r.nameserver, r.rcode) == ("192.0.2.53", "NXDOMAIN")


# --- with the Cluster (the lead removes the guard once sim/cluster.py lands) ---------------------------------------


def test_with_cluster():
    cluster_mod = pytest.importorskip("k8snet.sim.cluster")
    Cluster = getattr(cluster_mod, "Cluster", None)
    if Cluster is None:
        pytest.skip("Cluster not implemented yet")
    try:
        cluster = Cluster()
        cluster.apply(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]},
            }
        )
    except NotImplementedError:
        pytest.skip("Cluster not ready yet")
    dns = DNS(cluster)
    web = next(s for s in cluster.services("default") if s.metadata.name == "web")
    r = dns.resolve("web")
    assert r.tried[0] == "web.default.svc.cluster.local."
    assert [a.data for a in r.answers] == [web.spec.clusterIP]
    assert (
        dns.resolve("kubernetes.default").answers[0].data
        == next(s for s in cluster.services("default") if s.metadata.name == "kubernetes").spec.clusterIP
    )
