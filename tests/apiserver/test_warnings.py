"""Service warnings (what kubectl prints after ``Warning: ``).

Upstream sources (kubernetes/kubernetes):

* ``pkg/api/service/warnings_test.go``: ``TestGetWarningsForService``, ``TestGetWarningsForServiceClusterIPs``,
  ``Test_getWarningsForIP``, ``Test_getWarningsForCIDR``: the inputs are transcribed from there.  The expected
  texts are those of ``GetWarningsForIP``/``GetWarningsForCIDR`` in k8s.io/apimachinery
  ``pkg/util/validation/ip.go``, which ``warnings.go`` calls since the KEP-4858 IP/CIDR validation work
  (1.33, the release that added the ``StrictIPCIDRValidation`` gate); the older test file still carries the
  pre-1.33 wording ("IP address was accepted, but will be invalid ...").
* ``pkg/api/service/warnings.go``: headless/ExternalName "is ignored" warnings.
"""

from __future__ import annotations

import pytest

from k8snet.api.core_v1 import Service
from k8snet.apiserver.warnings import warnings_for_cidr, warnings_for_ip, warnings_for_service


def cluster_ip_service(cluster_ips: list[str]) -> Service:
    spec = {"type": "ClusterIP"}
    if cluster_ips:
        spec.update(clusterIP=cluster_ips[0], clusterIPs=cluster_ips)
    return Service(metadata={"name": "svc-test", "namespace": "ns"}, spec=spec)


def leading_zero(path: str, value: str, fixed: str) -> str:
    return (
        f'{path}: non-standard IP address "{value}" will be considered invalid in a future Kubernetes release: '
        f'use "{fixed}"'
    )


def non_canonical(path: str, value: str, fixed: str) -> str:
    return f'{path}: IPv6 address "{value}" should be in RFC 5952 canonical format ("{fixed}")'


@pytest.mark.parametrize(
    "annotations,count",
    [
        ({"service.kubernetes.io/topology-mode": "foo"}, 0),
        ({"service.kubernetes.io/topology-aware-hints": "foo"}, 1),
    ],
    ids=["new topology mode set", "deprecated hints annotation set"],
)
def test_get_warnings_for_service(annotations, count):
    svc = Service(metadata={"annotations": annotations}, spec={})
    warnings = warnings_for_service(svc, svc)
    assert len(warnings) == count
    if count:
        assert warnings == [
            "annotation service.kubernetes.io/topology-aware-hints is deprecated, "
            "please use service.kubernetes.io/topology-mode instead"
        ]


P0, P1 = "spec.clusterIPs[0]", "spec.clusterIPs[1]"


@pytest.mark.parametrize(
    "ips,want",
    [
        (["192.12.2.2"], []),
        (["2001:db8::2"], []),
        (["192.012.2.2"], [leading_zero(P0, "192.012.2.2", "192.12.2.2")]),
        (["192.012.2.2", "2001:db8::2"], [leading_zero(P0, "192.012.2.2", "192.12.2.2")]),
        (["2001:db8::2", "192.012.2.2"], [leading_zero(P1, "192.012.2.2", "192.12.2.2")]),
        (["2001:db8:0:0::2"], [non_canonical(P0, "2001:db8:0:0::2", "2001:db8::2")]),
        (["192.12.2.2", "2001:db8:0:0::2"], [non_canonical(P1, "2001:db8:0:0::2", "2001:db8::2")]),
        (["2001:db8:0:0::2", "192.12.2.2"], [non_canonical(P0, "2001:db8:0:0::2", "2001:db8::2")]),
        (
            ["192.012.2.2", "2001:db8:0:0::2"],
            [
                leading_zero(P0, "192.012.2.2", "192.12.2.2"),
                non_canonical(P1, "2001:db8:0:0::2", "2001:db8::2"),
            ],
        ),
        (
            ["2001:db8:0:0::2", "192.012.2.2"],
            [
                non_canonical(P0, "2001:db8:0:0::2", "2001:db8::2"),
                leading_zero(P1, "192.012.2.2", "192.12.2.2"),
            ],
        ),
    ],
)
def test_get_warnings_for_service_cluster_ips(ips, want):
    assert warnings_for_service(cluster_ip_service(ips)) == want


def test_service_with_all_ip_fields_with_errors():
    svc = Service(
        metadata={"name": "svc-test", "namespace": "ns"},
        spec={
            "clusterIP": "2001:db8:0:0::2",
            "clusterIPs": ["2001:db8:0:0::2", "192.012.2.2"],
            "externalIPs": ["2001:db8:1:0::2", "10.012.2.2"],
            "loadBalancerIP": "10.001.1.1",
            "loadBalancerSourceRanges": ["2001:db8:1:0::/64", "10.012.2.0/24"],
            "type": "ClusterIP",
        },
    )
    assert warnings_for_service(svc) == [
        non_canonical(P0, "2001:db8:0:0::2", "2001:db8::2"),
        leading_zero(P1, "192.012.2.2", "192.12.2.2"),
        non_canonical("spec.externalIPs[0]", "2001:db8:1:0::2", "2001:db8:1::2"),
        leading_zero("spec.externalIPs[1]", "10.012.2.2", "10.12.2.2"),
        leading_zero("spec.loadBalancerIP", "10.001.1.1", "10.1.1.1"),
        'spec.loadBalancerSourceRanges[0]: IPv6 CIDR value "2001:db8:1:0::/64" should be in RFC 5952 canonical '
        'format ("2001:db8:1::/64")',
        'spec.loadBalancerSourceRanges[1]: non-standard CIDR value "10.012.2.0/24" will be considered invalid in a '
        'future Kubernetes release: use "10.12.2.0/24"',
    ]


@pytest.mark.parametrize(
    "path,address,want",
    [
        (P0, "192.12.2.2", []),
        (P0, "2001:db8::2", []),
        (P0, "192.012.2.2", [leading_zero(P0, "192.012.2.2", "192.12.2.2")]),
        (
            "spec.loadBalancerIP",
            "2001:db8:0:0::2",
            [non_canonical("spec.loadBalancerIP", "2001:db8:0:0::2", "2001:db8::2")],
        ),
    ],
)
def test_get_warnings_for_ip(path, address, want):
    assert warnings_for_ip(path, address) == want


R0 = "spec.loadBalancerSourceRanges[0]"


@pytest.mark.parametrize(
    "cidr,want",
    [
        ("192.12.2.0/24", []),
        ("2001:db8::/64", []),
        (
            "192.012.2.0/24",
            [
                f'{R0}: non-standard CIDR value "192.012.2.0/24" will be considered invalid in a future '
                'Kubernetes release: use "192.12.2.0/24"'
            ],
        ),
        (
            "2001:db8:0:0::/64",
            [
                f'{R0}: IPv6 CIDR value "2001:db8:0:0::/64" should be in RFC 5952 canonical format '
                '("2001:db8::/64")'
            ],
        ),
        (
            "192.12.2.8/24",
            [
                f'{R0}: CIDR value "192.12.2.8/24" is ambiguous in this context (should be "192.12.2.0/24" '
                'or "192.12.2.8/32"?)'
            ],
        ),
    ],
)
def test_get_warnings_for_cidr(cidr, want):
    assert warnings_for_cidr(R0, cidr) == want


def test_headless_ignores():
    svc = Service(
        metadata={"name": "h"},
        spec={
            "type": "ClusterIP",
            "clusterIP": "None",
            "clusterIPs": ["None"],
            "loadBalancerIP": "1.2.3.4",
            "externalIPs": ["1.2.3.5"],
            "sessionAffinity": "ClientIP",
        },
    )
    assert warnings_for_service(svc) == [
        "spec.loadBalancerIP is ignored for headless services",
        "spec.externalIPs is ignored for headless services",
        "spec.SessionAffinity is ignored for headless services",
    ]


def test_external_name_ignores():
    svc = Service(
        metadata={"name": "e"},
        spec={"type": "ExternalName", "externalName": "example.com", "externalIPs": ["1.2.3.4"]},
    )
    assert warnings_for_service(svc) == ['spec.externalIPs is ignored when spec.type is "ExternalName"']
    cip = Service(metadata={"name": "c"}, spec={"type": "ClusterIP", "externalName": "example.com"})
    assert warnings_for_service(cip) == ['spec.externalName is ignored when spec.type is not "ExternalName"']


def test_no_1_35_warnings_in_1_34():
    # PreferClose is deprecated only from 1.35, externalIPs only from 1.36.
    svc = Service(
        metadata={"name": "w"},
        spec={
            "type": "ClusterIP",
            "trafficDistribution": "PreferClose",
            "externalIPs": ["1.2.3.4"],
            "clusterIP": "10.96.0.5",
            "clusterIPs": ["10.96.0.5"],
        },
    )
    assert warnings_for_service(svc) == []


# k8s.io/apiserver pkg/endpoints/installer.go wraps every handler of a deprecated resource with the
# deprecation.WarningMessage of its type; core/v1 Endpoints is deprecated since v1.33 (KEP-4974), with
# discovery.k8s.io/v1 EndpointSlice as its replacement.
ENDPOINTS_WARNING = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"


def test_every_write_of_endpoints_carries_the_deprecation_warning():
    from k8snet import Cluster

    cluster = Cluster(preset="article")
    endpoints = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "db"},
        "subsets": [{"addresses": [{"ip": "10.4.0.3"}], "ports": [{"port": 80}]}],
    }
    cluster.api.create(cluster_load(endpoints))
    assert cluster.api.last_warnings == [ENDPOINTS_WARNING]
    cluster.api.update(cluster_load(endpoints))
    assert cluster.api.last_warnings == [ENDPOINTS_WARNING]
    cluster.api.create(
        Service(metadata={"name": "db", "namespace": "default"}, spec={"ports": [{"port": 80}]})
    )
    assert cluster.api.last_warnings == []  # a Service request carries no deprecation warning


def test_kubectl_apply_of_endpoints_prints_the_warning_once():
    from k8snet import Cluster

    cluster = Cluster(preset="article")
    manifest = """\
apiVersion: v1
kind: Endpoints
metadata: {name: db}
subsets: [{addresses: [{ip: 10.4.0.3}], ports: [{port: 80}]}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: db2}
subsets: [{addresses: [{ip: 10.4.0.4}], ports: [{port: 80}]}]
"""
    out = cluster.kubectl("apply -f -", stdin=manifest)
    assert str(out) == "endpoints/db created\nendpoints/db2 created\n"
    # kubectl's warning writer deduplicates (rest.WarningWriterOptions{Deduplicate: true} in kubectl's cmd.go)
    assert out.stderr == f"Warning: {ENDPOINTS_WARNING}\n"
    assert (
        cluster.kubectl("apply -f -", stdin=manifest.split("---")[0]).stderr
        == f"Warning: {ENDPOINTS_WARNING}\n"
    )


def cluster_load(obj):
    from k8snet.manifests import load

    return load(obj)[0]
