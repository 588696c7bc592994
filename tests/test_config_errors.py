"""Bad arguments to k8snet constructors raise ConfigError (a K8snetError and a ValueError) naming the argument.

Where kube-apiserver or kube-proxy validate the same setting at start-up, the detail is theirs
(cmd/kube-apiserver/app/options/validation.go, pkg/proxy/apis/config/validation/validation.go).
"""

from __future__ import annotations

import pytest

from k8snet.dataplane.packet import Packet
from k8snet.errors import ConfigError, K8snetError
from k8snet.proxy.config import ProxierSettings
from k8snet.rules.ipvs import IPVSParseError
from k8snet.sim.cluster import Cluster


def test_config_error_is_both():
    assert issubclass(ConfigError, K8snetError) and issubclass(ConfigError, ValueError)
    assert issubclass(IPVSParseError, K8snetError) and issubclass(IPVSParseError, ValueError)


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"preset": "nope"}, "Cluster(preset='nope'): unknown preset"),
        ({"nodes": 0}, "Cluster(nodes=0): a cluster needs at least one node"),
        ({"nodes": []}, "Cluster(nodes=[]): a cluster needs at least one node"),
        ({"nodes": ["a", "a"]}, "node name 'a' appears twice"),
        ({"nodes": ["Node_1"]}, "node name 'Node_1' is invalid"),
        ({"service_cidr": "10.96.0.0/33"}, "Cluster(service_cidr='10.96.0.0/33'): not a valid CIDR"),
        (
            {"service_cidr": "10.0.0.0/8"},
            "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12",
        ),
        # IPv6 and dual-stack clusters are modelled since issue 17: what stays refused is families that disagree
        # and what kube-apiserver refuses of a second range
        (
            {"service_cidr": "fd00::/108", "cluster_cidr": "10.244.0.0/16"},
            "Cluster(cluster_cidr='10.244.0.0/16'): gives the families ('IPv4',), but the Service CIDRs are "
            "('IPv6',)",
        ),
        (
            {"service_cidr": "10.96.0.0/12,10.97.0.0/16"},
            "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family",
        ),
        (
            {"service_cidr": "10.96.0.0/12,fd00::/64"},
            "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108",
        ),
        ({"service_cidr": "10.96.0.0/12,fd00::/112,fd01::/112"}, "must not contain more than two entries"),
        ({"preset": "minikube", "ip_families": ("IPv4", "IPv6")}, "the minikube preset is IPv4 only"),
        ({"ip_families": ("IPv6", "IPv6")}, "give one or two different families"),
        (
            {"cluster_cidr": "fd00:10:244::/63", "ip_families": "IPv6", "nodes": 3},
            "room for 2 node /64 pod CIDR",
        ),
        ({"cluster_cidr": "nope"}, "Cluster(cluster_cidr='nope'): not a valid CIDR"),
        (
            {"cluster_cidr": "10.244.0.0/25", "nodes": 2},
            "room for 1 node /24 pod CIDR(s), but the cluster has 2",
        ),
        ({"node_port_range": "32767-30000"}, "Cluster(node_port_range='32767-30000'): not a port range"),
        ({"node_port_range": "30000"}, "not a port range like 30000-32767"),
    ],
)
def test_cluster_arguments(kwargs, text):
    with pytest.raises(ConfigError) as err:
        Cluster(**kwargs)
    assert text in str(err.value)


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"protocol": "ICMPv7"}, "Packet(protocol='ICMPv7'): unsupported protocol"),
        ({"dst_ip": "10.0.0.256"}, "Packet(dst_ip='10.0.0.256'): not an IP address"),
        ({"src_ip": None}, "Packet(src_ip=None): not an IP address"),
        ({"dst_port": 70000}, "Packet(dst_port=70000): a port is an integer from 0 to 65535"),
        ({"dst_port": "80"}, "Packet(dst_port='80')"),
    ],
)
def test_packet_arguments(kwargs, text):
    args = {"src_ip": "10.0.0.2", "dst_ip": "10.96.0.10", **kwargs}
    with pytest.raises(ConfigError) as err:
        Packet(**args)
    assert text in str(err.value)


@pytest.mark.parametrize(
    "kwargs, text",
    [
        (
            {"cluster_cidr": "10.0.0.0/33"},
            "must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)",
        ),
        ({"nodeport_addresses": ["primary", "10.0.0.0/8"]}, "can't use both 'primary' and CIDRs"),
        ({"nodeport_addresses": ["10.0.0.0"]}, "'10.0.0.0' must be a valid CIDR"),
        ({"node_ips": ["192.168.0.300"]}, "'192.168.0.300' is not a valid IP address"),
        ({"masquerade_bit": 32}, "must be within the range [0, 31]"),
        ({"ip_family": "IPv5"}, 'ProxierSettings(ip_family=\'IPv5\'): must be "IPv4" or "IPv6"'),
    ],
)
def test_proxier_settings(kwargs, text):
    with pytest.raises(ConfigError) as err:
        ProxierSettings(hostname="n", **kwargs)
    assert text in str(err.value)


def test_proxier_settings_accept_sloppy_cidrs():
    # ParseCIDRSloppy: leading zeros are decimal
    s = ProxierSettings(
        hostname="n",
        node_ips=["192.168.0.2"],
        cluster_cidr="010.0.0.0/08",
        nodeport_addresses=["192.168.000.000/016"],
    )
    assert s.nodeport_cidrs == ["192.168.0.0/16"]


def test_except_value_error_still_works():
    with pytest.raises(ValueError):
        Cluster(preset="nope")
