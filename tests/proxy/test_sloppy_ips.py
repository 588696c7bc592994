"""kube-proxy reads Service and EndpointSlice IPs with netutils.ParseIPSloppy/ParseCIDRSloppy
(k8s.io/utils/net/parse.go): leading zeros are decimal and the rules carry the canonical form.

The nftables case is upstream's TestBadIPs (tests/proxy/test_nftables.py); this checks the shared parsing
and the same objects through the iptables proxier, which has no upstream test of its own for it.
"""

from __future__ import annotations

import pytest

from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.netutils import canonical_ip, ip_family, parse_cidr_sloppy, parse_ip_sloppy
from k8snet.proxy.endpoints import endpoints_map
from k8snet.proxy.serviceport import service_ports


@pytest.mark.parametrize(
    "text, expected",
    [
        ("172.30.0.041", "172.30.0.41"),
        ("010.0.0.1", "10.0.0.1"),
        ("1.2.3.004", "1.2.3.4"),
        ("0000000001.2.3.4", "1.2.3.4"),
        ("::ffff:1.2.3.004", "1.2.3.4"),
        ("FD00::0001", "fd00::1"),
        ("1.2.3.256", None),
        ("1.2.3", None),
        ("1.2.3.4.", None),
        ("", None),
        ("a.b.c.d", None),
        ("fe80::1%eth0", None),
    ],
)
def test_parse_ip_sloppy(text, expected):
    ip = parse_ip_sloppy(text)
    assert (None if ip is None else str(ip)) == expected
    assert canonical_ip(text) == expected


def test_parse_cidr_sloppy():
    assert str(parse_cidr_sloppy("203.0.113.000/025")[1]) == "203.0.113.0/25"
    assert parse_cidr_sloppy("203.0.113.0/33") is None
    assert ip_family("192.168.099.022") == "IPv4"


def test_service_and_endpoint_ips_are_canonicalised():
    svc = Service.model_validate(
        {
            "metadata": {"name": "svc1", "namespace": "ns1"},
            "spec": {
                "type": "LoadBalancer",
                "clusterIP": "172.30.0.041",
                "externalIPs": ["192.168.099.022"],
                "loadBalancerSourceRanges": ["203.0.113.000/025"],
                "ports": [{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001}],
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.004"}]}},
        }
    )
    [info] = service_ports(svc)
    assert (
        info.cluster_ip,
        info.external_ips,
        info.load_balancer_vips,
        info.load_balancer_source_ranges,
    ) == ("172.30.0.41", ("192.168.99.22",), ("1.2.3.4",), ("203.0.113.0/25",))
    es = EndpointSlice.model_validate(
        {
            "metadata": {
                "name": "svc1-abc",
                "namespace": "ns1",
                "labels": {"kubernetes.io/service-name": "svc1"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.180.00.001"]}],
            "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}],
        }
    )
    [eps] = endpoints_map([es], "node1").values()
    assert [e.endpoint for e in eps] == ["10.180.0.1:80"]


def test_iptables_rules_use_canonical_ips():
    from k8snet.proxy.config import ProxierSettings
    from k8snet.proxy.iptables import render_iptables

    svc = Service.model_validate(
        {
            "metadata": {"name": "svc1", "namespace": "ns1"},
            "spec": {"clusterIP": "172.30.0.041", "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]},
        }
    )
    es = EndpointSlice.model_validate(
        {
            "metadata": {
                "name": "svc1-abc",
                "namespace": "ns1",
                "labels": {"kubernetes.io/service-name": "svc1"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.180.00.001"]}],
            "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}],
        }
    )
    text = render_iptables(
        [svc], [es], ProxierSettings(hostname="node1", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8")
    )
    assert "-d 172.30.0.41 --dport 80" in text and "--to-destination 10.180.0.1:80" in text
    assert "041" not in text and "00.001" not in text
