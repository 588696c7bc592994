"""Service (and friends) validation, transcribed from upstream tests.

Upstream sources (kubernetes/kubernetes):

* ``pkg/apis/core/validation/validation_test.go``: ``TestValidateServiceCreate``,
  ``TestValidateServiceExternalTrafficPolicy``, ``TestValidateServiceUpdate`` (``makeValidService`` is the
  base object; each case is a tweak and the number of errors upstream asserts).  Where the field path is
  knowable from ``validation.go`` we also assert it.
* ``staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go``: ``ErrorBody`` rendering.
* The full kubectl texts below are built from the messages in ``validation.go`` and
  ``k8s.io/apimachinery/pkg/util/validation/validation.go`` (e.g. ``IsDNS1035Label``), and kubectl's
  ``The Service "x" is invalid: ...`` framing.
"""

from __future__ import annotations

import pytest

from k8snet.api.apps_v1 import Deployment
from k8snet.api.core_v1 import Endpoints, Pod, Service, ServicePort, SessionAffinityConfig
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.apiserver import field
from k8snet.apiserver.defaulting import (
    normalize_cluster_ips,
    set_defaults_deployment,
    set_defaults_pod,
    set_defaults_service,
)
from k8snet.apiserver.validation import (
    validate_deployment,
    validate_endpoint_slice,
    validate_endpoints,
    validate_pod,
    validate_service,
    validate_service_status_update,
    validate_service_update,
)
from k8snet.errors import InvalidError

REQUIRE_DUAL = "RequireDualStack"
SINGLE = "SingleStack"
PREFER_DUAL = "PreferDualStack"
LB_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"


def make_valid_service() -> Service:
    """``makeValidService`` in validation_test.go."""
    return Service(
        metadata={
            "name": "valid",
            "namespace": "valid",
            "labels": {},
            "annotations": {},
            "resourceVersion": "1",
        },
        spec={
            "selector": {"key": "val"},
            "sessionAffinity": "None",
            "type": "ClusterIP",
            "ports": [{"name": "p", "protocol": "TCP", "port": 8675, "targetPort": 8675}],
            "internalTrafficPolicy": "Cluster",
        },
    )


def sp(
    name: str, port: int, protocol: str = "TCP", target=None, node_port: int | None = None, **kw
) -> ServicePort:
    return ServicePort(
        name=name,
        port=port,
        protocol=protocol,
        targetPort=port if target is None else target,
        nodePort=node_port,
        **kw,
    )


def upd(obj, **fields) -> None:
    for k, v in fields.items():
        setattr(obj, k, v)


def lb(s, **more) -> None:
    upd(
        s.spec,
        type="LoadBalancer",
        externalTrafficPolicy="Cluster",
        allocateLoadBalancerNodePorts=True,
        **more,
    )


def ips(s, cluster_ip, cluster_ips, families=None, policy=None) -> None:
    upd(s.spec, clusterIP=cluster_ip, clusterIPs=cluster_ips)
    if families is not None:
        s.spec.ipFamilies = families
    if policy is not None:
        s.spec.ipFamilyPolicy = policy


def append(s, *ports) -> None:
    s.spec.ports.extend(ports)


# (name, tweak, numErrs, expected field paths or None when upstream only counts)
CREATE_CASES = [
    ("missing namespace", lambda s: upd(s.metadata, namespace=""), 1, ["metadata.namespace"]),
    ("invalid namespace", lambda s: upd(s.metadata, namespace="-123"), 1, ["metadata.namespace"]),
    ("missing name", lambda s: upd(s.metadata, name=""), 1, ["metadata.name"]),
    ("invalid name", lambda s: upd(s.metadata, name="-123"), 1, ["metadata.name"]),
    ("too long name", lambda s: upd(s.metadata, name="a" * 64), 1, ["metadata.name"]),
    ("invalid generateName", lambda s: upd(s.metadata, generateName="-123"), 1, ["metadata.generateName"]),
    ("too long generateName", lambda s: upd(s.metadata, generateName="a" * 64), 1, ["metadata.generateName"]),
    (
        "invalid label",
        lambda s: s.metadata.labels.update({"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
        1,
        ["metadata.labels"],
    ),
    (
        "invalid annotation",
        lambda s: s.metadata.annotations.update({"NoSpecialCharsLike=Equals": "bar"}),
        1,
        ["metadata.annotations"],
    ),
    ("nil selector", lambda s: upd(s.spec, selector=None), 0, []),
    (
        "invalid selector",
        lambda s: s.spec.selector.update({"NoSpecialCharsLike=Equals": "bar"}),
        1,
        ["spec.selector"],
    ),
    ("missing session affinity", lambda s: upd(s.spec, sessionAffinity=""), 1, ["spec.sessionAffinity"]),
    ("missing type", lambda s: upd(s.spec, type=""), 1, ["spec.type"]),
    ("missing ports", lambda s: upd(s.spec, ports=None), 1, ["spec.ports"]),
    ("missing ports but headless", lambda s: (upd(s.spec, ports=None), ips(s, "None", ["None"])), 0, []),
    ("empty port[0] name", lambda s: upd(s.spec.ports[0], name=""), 0, []),
    ("empty port[1] name", lambda s: append(s, sp("", 12345)), 1, ["spec.ports[1].name"]),
    (
        "empty multi-port port[0] name",
        lambda s: (upd(s.spec.ports[0], name=""), append(s, sp("p", 12345))),
        1,
        ["spec.ports[0].name"],
    ),
    ("invalid port name", lambda s: upd(s.spec.ports[0], name="INVALID"), 1, ["spec.ports[0].name"]),
    ("missing protocol", lambda s: upd(s.spec.ports[0], protocol=""), 1, ["spec.ports[0].protocol"]),
    ("invalid protocol", lambda s: upd(s.spec.ports[0], protocol="INVALID"), 1, ["spec.ports[0].protocol"]),
    ("invalid cluster ip", lambda s: ips(s, "invalid", ["invalid"]), 1, ["spec.clusterIPs[0]"]),
    ("missing port", lambda s: upd(s.spec.ports[0], port=0), 1, ["spec.ports[0].port"]),
    ("invalid port", lambda s: upd(s.spec.ports[0], port=65536), 1, ["spec.ports[0].port"]),
    (
        "invalid TargetPort int",
        lambda s: upd(s.spec.ports[0], targetPort=65536),
        1,
        ["spec.ports[0].targetPort"],
    ),
    (
        "valid port headless",
        lambda s: (upd(s.spec.ports[0], port=11722, targetPort=11722), ips(s, "None", ["None"])),
        0,
        [],
    ),
    # "in the v1 API, targetPorts on headless services were tolerated"
    (
        "invalid port headless 1",
        lambda s: (upd(s.spec.ports[0], port=11722, targetPort=11721), ips(s, "None", ["None"])),
        0,
        [],
    ),
    (
        "invalid port headless 2",
        lambda s: (upd(s.spec.ports[0], port=11722, targetPort="target"), ips(s, "None", ["None"])),
        0,
        [],
    ),
    (
        "invalid publicIPs localhost",
        lambda s: upd(s.spec, externalTrafficPolicy="Cluster", externalIPs=["127.0.0.1"]),
        1,
        ["spec.externalIPs[0]"],
    ),
    (
        "invalid publicIPs unspecified",
        lambda s: upd(s.spec, externalTrafficPolicy="Cluster", externalIPs=["0.0.0.0"]),
        1,
        ["spec.externalIPs[0]"],
    ),
    (
        "invalid publicIPs host",
        lambda s: upd(s.spec, externalTrafficPolicy="Cluster", externalIPs=["myhost.mydomain"]),
        1,
        ["spec.externalIPs[0]"],
    ),
    (
        "valid publicIPs",
        lambda s: upd(s.spec, externalTrafficPolicy="Cluster", externalIPs=["1.2.3.4"]),
        0,
        [],
    ),
    (
        "dup port name",
        lambda s: (upd(s.spec.ports[0], name="p"), append(s, sp("p", 12345))),
        1,
        ["spec.ports[1].name"],
    ),
    ("valid load balancer protocol UDP 1", lambda s: (lb(s), upd(s.spec.ports[0], protocol="UDP")), 0, []),
    (
        "valid load balancer protocol UDP 2",
        lambda s: (lb(s), upd(s.spec, ports=[sp("q", 12345, "UDP")])),
        0,
        [],
    ),
    ("load balancer with mix protocol", lambda s: (lb(s), append(s, sp("q", 12345, "UDP"))), 0, []),
    ("valid 1", lambda s: None, 0, []),
    ("valid 2", lambda s: upd(s.spec.ports[0], protocol="UDP", targetPort=12345), 0, []),
    ("valid 3", lambda s: upd(s.spec.ports[0], targetPort="http"), 0, []),
    ("valid cluster ip - none ", lambda s: ips(s, "None", ["None"]), 0, []),
    (
        "valid cluster ip - empty",
        lambda s: (upd(s.spec, clusterIPs=None), upd(s.spec.ports[0], targetPort="http")),
        0,
        [],
    ),
    ("valid type - clusterIP", lambda s: upd(s.spec, type="ClusterIP"), 0, []),
    ("valid type - loadbalancer", lambda s: lb(s), 0, []),
    (
        "valid type - loadbalancer with allocateLoadBalancerNodePorts=false",
        lambda s: (
            lb(
                s,
            )
            or upd(s.spec, allocateLoadBalancerNodePorts=False)
        ),
        0,
        [],
    ),
    (
        "invalid type - missing AllocateLoadBalancerNodePorts for loadbalancer type",
        lambda s: upd(s.spec, type="LoadBalancer", externalTrafficPolicy="Cluster"),
        1,
        ["allocateLoadBalancerNodePorts"],
    ),  # upstream's path has no "spec." prefix
    ("valid type loadbalancer 2 ports", lambda s: (lb(s), append(s, sp("q", 12345))), 0, []),
    (
        "duplicate nodeports",
        lambda s: (
            upd(s.spec, type="NodePort", externalTrafficPolicy="Cluster"),
            append(s, sp("q", 1, node_port=1), sp("r", 2, node_port=1)),
        ),
        1,
        ["spec.ports[2].nodePort"],
    ),
    (
        "duplicate nodeports (different protocols)",
        lambda s: (
            upd(s.spec, type="NodePort", externalTrafficPolicy="Cluster"),
            append(
                s, sp("q", 1, node_port=1), sp("r", 2, "UDP", node_port=1), sp("s", 3, "SCTP", node_port=1)
            ),
        ),
        0,
        [],
    ),
    (
        "invalid duplicate ports (with same protocol)",
        lambda s: append(s, sp("q", 12345, target=8080), sp("r", 12345, target=80)),
        1,
        ["spec.ports[2]"],
    ),
    (
        "valid duplicate ports (with different protocols)",
        lambda s: append(
            s,
            sp("q", 12345, target=8080),
            sp("r", 12345, "UDP", target=80),
            sp("s", 12345, "SCTP", target=8088),
        ),
        0,
        [],
    ),
    ("valid type - nodeport", lambda s: upd(s.spec, type="NodePort", externalTrafficPolicy="Cluster"), 0, []),
    (
        "valid type loadbalancer with NodePort",
        lambda s: (lb(s), append(s, sp("q", 12345, node_port=12345))),
        0,
        [],
    ),
    (
        "valid type=NodePort service with NodePort",
        lambda s: (
            upd(s.spec, type="NodePort", externalTrafficPolicy="Cluster"),
            append(s, sp("q", 12345, node_port=12345)),
        ),
        0,
        [],
    ),
    ("valid cluster service without NodePort", lambda s: append(s, sp("q", 12345)), 0, []),
    (
        "invalid cluster service with NodePort",
        lambda s: append(s, sp("q", 12345, node_port=12345)),
        1,
        ["spec.ports[1].nodePort"],
    ),
    (
        "invalid public service with duplicate NodePort",
        lambda s: (
            upd(s.spec, type="NodePort", externalTrafficPolicy="Cluster"),
            append(s, sp("p1", 1, node_port=1), sp("p2", 2, node_port=1)),
        ),
        1,
        ["spec.ports[2].nodePort"],
    ),
    ("valid port type=LoadBalancer", lambda s: (lb(s), append(s, sp("kubelet", 10250, target=12345))), 0, []),
    (
        "valid LoadBalancer source range annotation",
        lambda s: (lb(s), s.metadata.annotations.update({LB_RANGES: "1.2.3.0/24,  5.6.0.0/16"})),
        0,
        [],
    ),
    (
        "valid empty LoadBalancer source range annotation",
        lambda s: (lb(s), s.metadata.annotations.update({LB_RANGES: ""})),
        0,
        [],
    ),
    (
        "valid whitespace-only LoadBalancer source range annotation",
        lambda s: (lb(s), s.metadata.annotations.update({LB_RANGES: "  "})),
        0,
        [],
    ),
    (
        "invalid LoadBalancer source range annotation (hostname)",
        lambda s: (lb(s), s.metadata.annotations.update({LB_RANGES: "foo.bar"})),
        1,
        [f"metadata.annotations[{LB_RANGES}]"],
    ),
    (
        "invalid LoadBalancer source range annotation (invalid CIDR)",
        lambda s: (lb(s), s.metadata.annotations.update({LB_RANGES: "1.2.3.4/33"})),
        1,
        None,
    ),
    (
        "invalid LoadBalancer source range annotation for non LoadBalancer type service",
        lambda s: s.metadata.annotations.update({LB_RANGES: "1.2.3.0/24"}),
        1,
        None,
    ),
    (
        "invalid empty-but-set LoadBalancer source range annotation for non LoadBalancer type service",
        lambda s: s.metadata.annotations.update({LB_RANGES: ""}),
        1,
        None,
    ),
    (
        "valid LoadBalancer source range",
        lambda s: lb(s, loadBalancerSourceRanges=["1.2.3.0/24", "5.6.0.0/16"]),
        0,
        [],
    ),
    (
        "valid LoadBalancer source range with whitespace",
        lambda s: lb(s, loadBalancerSourceRanges=["1.2.3.0/24  ", " 5.6.0.0/16"]),
        0,
        [],
    ),
    (
        "invalid empty LoadBalancer source range",
        lambda s: lb(s, loadBalancerSourceRanges=["   "]),
        1,
        ["spec.LoadBalancerSourceRanges[0]"],
    ),  # upstream's capital L
    (
        "invalid LoadBalancer source range (hostname)",
        lambda s: lb(s, loadBalancerSourceRanges=["foo.bar"]),
        1,
        None,
    ),
    (
        "invalid LoadBalancer source range (invalid CIDR)",
        lambda s: lb(s, loadBalancerSourceRanges=["1.2.3.4/33"]),
        1,
        None,
    ),
    (
        "invalid source range for non LoadBalancer type service",
        lambda s: upd(s.spec, loadBalancerSourceRanges=["1.2.3.0/24", "5.6.0.0/16"]),
        1,
        ["spec.LoadBalancerSourceRanges"],
    ),
    (
        "invalid source range annotation ignored with valid source range field",
        lambda s: (
            lb(s, loadBalancerSourceRanges=["1.2.3.0/24", "5.6.0.0/16"]),
            s.metadata.annotations.update({LB_RANGES: "foo.bar"}),
        ),
        0,
        [],
    ),
    (
        "valid ExternalName",
        lambda s: upd(s.spec, type="ExternalName", externalName="foo.bar.example.com"),
        0,
        [],
    ),
    (
        "valid ExternalName (trailing dot)",
        lambda s: upd(s.spec, type="ExternalName", externalName="foo.bar.example.com."),
        0,
        [],
    ),
    (
        "invalid ExternalName clusterIP (valid IP)",
        lambda s: (
            upd(s.spec, type="ExternalName", externalName="foo.bar.example.com"),
            ips(s, "1.2.3.4", ["1.2.3.4"]),
        ),
        1,
        ["spec.clusterIPs"],
    ),
    (
        "invalid ExternalName clusterIP (None)",
        lambda s: (
            upd(s.spec, type="ExternalName", externalName="foo.bar.example.com"),
            ips(s, "None", ["None"]),
        ),
        1,
        ["spec.clusterIPs"],
    ),
    (
        "invalid ExternalName (not a DNS name)",
        lambda s: upd(s.spec, type="ExternalName", externalName="-123"),
        1,
        ["spec.externalName"],
    ),
    (
        "LoadBalancer type cannot have None ClusterIP",
        lambda s: (ips(s, "None", ["None"]), lb(s)),
        1,
        ["spec.clusterIPs[0]"],
    ),
    (
        "invalid node port with clusterIP None",
        lambda s: (
            upd(s.spec, type="NodePort", externalTrafficPolicy="Cluster"),
            append(s, sp("q", 1, node_port=1)),
            ips(s, "None", ["None"]),
        ),
        1,
        ["spec.clusterIPs[0]"],
    ),
    # ESIPP section
    (
        "invalid externalTraffic field",
        lambda s: upd(
            s.spec, type="LoadBalancer", allocateLoadBalancerNodePorts=True, externalTrafficPolicy="invalid"
        ),
        1,
        ["spec.externalTrafficPolicy"],
    ),
    (
        "nil internalTraffic field when feature gate is on",
        lambda s: upd(s.spec, internalTrafficPolicy=None),
        1,
        ["spec.internalTrafficPolicy"],
    ),
    (
        "internalTrafficPolicy field nil when type is ExternalName",
        lambda s: upd(s.spec, internalTrafficPolicy=None, type="ExternalName", externalName="foo.bar.com"),
        0,
        [],
    ),
    (
        "internalTrafficPolicy field is set when type is ExternalName",
        lambda s: upd(
            s.spec, internalTrafficPolicy="Cluster", type="ExternalName", externalName="foo.bar.com"
        ),
        0,
        [],
    ),
    (
        "invalid internalTraffic field",
        lambda s: upd(s.spec, internalTrafficPolicy="invalid"),
        1,
        ["spec.internalTrafficPolicy"],
    ),
    ("internalTrafficPolicy field set to Local", lambda s: upd(s.spec, internalTrafficPolicy="Local"), 0, []),
    (
        "negative healthCheckNodePort field",
        lambda s: upd(
            s.spec,
            type="LoadBalancer",
            allocateLoadBalancerNodePorts=True,
            externalTrafficPolicy="Local",
            healthCheckNodePort=-1,
        ),
        1,
        ["spec.healthCheckNodePort"],
    ),
    (
        "valid healthCheckNodePort field",
        lambda s: upd(
            s.spec,
            type="LoadBalancer",
            allocateLoadBalancerNodePorts=True,
            externalTrafficPolicy="Local",
            healthCheckNodePort=31100,
        ),
        0,
        [],
    ),
    (
        "invalid timeoutSeconds field",
        lambda s: upd(
            s.spec,
            sessionAffinity="ClientIP",
            sessionAffinityConfig=SessionAffinityConfig(clientIP={"timeoutSeconds": -1}),
        ),
        1,
        ["spec.sessionAffinityConfig.clientIP.timeoutSeconds"],
    ),
    (
        "sessionAffinityConfig can't be set when session affinity is None",
        lambda s: lb(
            s,
            sessionAffinity="None",
            sessionAffinityConfig=SessionAffinityConfig(clientIP={"timeoutSeconds": 90}),
        ),
        1,
        ["spec.sessionAffinityConfig"],
    ),
    # ip families
    (
        "invalid, service with invalid ipFamilies",
        lambda s: upd(s.spec, ipFamilies=["not-a-valid-ip-family"]),
        1,
        ["spec.ipFamilies[0]"],
    ),
    (
        "invalid, service with invalid ipFamilies (2nd)",
        lambda s: upd(s.spec, ipFamilyPolicy=REQUIRE_DUAL, ipFamilies=["IPv4", "not-a-valid-ip-family"]),
        1,
        ["spec.ipFamilies[1]"],
    ),
    (
        "IPFamilyPolicy(singleStack) is set for two families",
        lambda s: upd(s.spec, ipFamilyPolicy=SINGLE, ipFamilies=["IPv4", "IPv6"]),
        0,
        [],
    ),  # "validated in alloc code"
    (
        "invalid, service with 2+ ipFamilies",
        lambda s: upd(s.spec, ipFamilyPolicy=REQUIRE_DUAL, ipFamilies=["IPv4", "IPv6", "IPv4"]),
        1,
        ["spec.ipFamilies[2]"],
    ),
    (
        "invalid, service with same ip families",
        lambda s: upd(s.spec, ipFamilyPolicy=REQUIRE_DUAL, ipFamilies=["IPv6", "IPv6"]),
        1,
        ["spec.ipFamilies[1]"],
    ),
    ("valid, service with valid ipFamilies (v6)", lambda s: upd(s.spec, ipFamilies=["IPv6"]), 0, []),
    (
        "valid, service preferred dual stack with single family",
        lambda s: upd(s.spec, ipFamilyPolicy=PREFER_DUAL, ipFamilies=["IPv6"]),
        0,
        [],
    ),
    # cluster IPs
    ("invalid, garbage single ip", lambda s: ips(s, "garbage-ip", ["garbage-ip"]), 1, ["spec.clusterIPs[0]"]),
    (
        "invalid, garbage ips",
        lambda s: ips(s, "garbage-ip", ["garbage-ip", "garbage-second-ip"], policy=REQUIRE_DUAL),
        2,
        ["spec.clusterIPs[0]", "spec.clusterIPs[1]"],
    ),
    (
        "invalid, garbage first ip",
        lambda s: ips(s, "garbage-ip", ["garbage-ip", "2001::1"], policy=REQUIRE_DUAL),
        1,
        None,
    ),
    (
        "invalid, garbage second ip",
        lambda s: ips(s, "2001::1", ["2001::1", "garbage-ip"], policy=REQUIRE_DUAL),
        1,
        None,
    ),
    (
        "invalid, NONE + IP",
        lambda s: ips(s, "None", ["None", "2001::1"], policy=REQUIRE_DUAL),
        1,
        ["spec.clusterIPs"],
    ),
    (
        "invalid, IP + NONE",
        lambda s: ips(s, "2001::1", ["2001::1", "None"], policy=REQUIRE_DUAL),
        1,
        ["spec.clusterIPs[1]"],
    ),
    (
        "invalid, EMPTY STRING + IP",
        lambda s: ips(s, "", ["", "2001::1"], policy=REQUIRE_DUAL),
        2,
        ["spec.clusterIPs", "spec.clusterIPs[0]"],
    ),
    (
        "invalid, IP + EMPTY STRING",
        lambda s: ips(s, "2001::1", ["2001::1", ""], policy=REQUIRE_DUAL),
        1,
        None,
    ),
    (
        "invalid, same ip family (v6)",
        lambda s: ips(s, "2001::1", ["2001::1", "2001::4"], ["IPv4", "IPv6"], REQUIRE_DUAL),
        2,
        ["spec.clusterIPs", "spec.clusterIPs[0]"],
    ),
    (
        "invalid, same ip family (v4)",
        lambda s: ips(s, "10.0.0.1", ["10.0.0.1", "10.0.0.10"], ["IPv4", "IPv6"], REQUIRE_DUAL),
        2,
        None,
    ),
    (
        "invalid, more than two ips",
        lambda s: ips(s, "10.0.0.1", ["10.0.0.1", "2001::1", "10.0.0.10"], ["IPv4", "IPv6"], REQUIRE_DUAL),
        1,
        ["spec.clusterIPs"],
    ),
    (
        " multi ip, dualstack not set (request for downgrade)",
        lambda s: ips(s, "10.0.0.1", ["10.0.0.1", "2001::1"], ["IPv4", "IPv6"], SINGLE),
        0,
        [],
    ),
    (
        "valid, headless-no-selector + multi family + gate off",
        lambda s: (ips(s, "None", ["None"], ["IPv4", "IPv6"], REQUIRE_DUAL), upd(s.spec, selector=None)),
        0,
        [],
    ),
    (
        "valid, multi ip, single ipfamilies preferDualStack",
        lambda s: ips(s, "10.0.0.1", ["10.0.0.1", "2001::1"], ["IPv4"], PREFER_DUAL),
        0,
        [],
    ),
    (
        "invalid, families don't match (v4=>v6)",
        lambda s: ips(s, "10.0.0.1", ["10.0.0.1"], ["IPv6"]),
        1,
        ["spec.clusterIPs[0]"],
    ),
    (
        "invalid, families don't match (v6=>v4)",
        lambda s: ips(s, "2001::1", ["2001::1"], ["IPv4"]),
        1,
        ["spec.clusterIPs[0]"],
    ),
    (
        "valid, multi ips, multi ipfamilies (4,6)",
        lambda s: ips(s, "10.0.0.1", ["10.0.0.1", "2001::1"], ["IPv4", "IPv6"], REQUIRE_DUAL),
        0,
        [],
    ),
    (
        "valid, ips, multi ipfamilies (6,4)",
        lambda s: ips(s, "2001::1", ["2001::1", "10.0.0.1"], ["IPv6", "IPv4"], REQUIRE_DUAL),
        0,
        [],
    ),
    # appProtocol
    (
        "valid appProtocol",
        lambda s: upd(
            s.spec, ports=[ServicePort(port=12345, targetPort=12345, protocol="TCP", appProtocol="HTTP")]
        ),
        0,
        [],
    ),
    (
        "valid custom appProtocol",
        lambda s: upd(
            s.spec,
            ports=[
                ServicePort(port=12345, targetPort=12345, protocol="TCP", appProtocol="example.com/protocol")
            ],
        ),
        0,
        [],
    ),
    (
        "invalid appProtocol",
        lambda s: upd(
            s.spec,
            ports=[
                ServicePort(
                    port=12345,
                    targetPort=12345,
                    protocol="TCP",
                    appProtocol="example.com/protocol_with{invalid}[characters]",
                )
            ],
        ),
        1,
        ["spec.ports[0].appProtocol"],
    ),
    (
        "invalid cluster ip != clusterIP in multi ip service",
        lambda s: ips(s, "10.0.0.10", ["10.0.0.1", "2001::1"], policy=REQUIRE_DUAL),
        1,
        ["spec.clusterIPs"],
    ),
    (
        "invalid cluster ip != clusterIP in single ip service",
        lambda s: ips(s, "10.0.0.10", ["10.0.0.1"]),
        1,
        ["spec.clusterIPs"],
    ),
    (
        "Use AllocateLoadBalancerNodePorts when type is not LoadBalancer",
        lambda s: upd(s.spec, allocateLoadBalancerNodePorts=True),
        1,
        ["spec.allocateLoadBalancerNodePorts"],
    ),
    (
        "valid LoadBalancerClass when type is LoadBalancer",
        lambda s: lb(s, loadBalancerClass="test.com/test-load-balancer-class"),
        0,
        [],
    ),
    (
        "invalid LoadBalancerClass",
        lambda s: lb(s, loadBalancerClass="Bad/LoadBalancerClass"),
        1,
        ["spec.loadBalancerClass"],
    ),
    (
        "invalid: set LoadBalancerClass when type is not LoadBalancer",
        lambda s: upd(s.spec, loadBalancerClass="test.com/test-load-balancer-class"),
        1,
        ["spec.loadBalancerClass"],
    ),
    (
        "topology annotations are mismatched",
        lambda s: s.metadata.annotations.update(
            {
                "service.kubernetes.io/topology-aware-hints": "original",
                "service.kubernetes.io/topology-mode": "different",
            }
        ),
        1,
        ["metadata.annotations[service.kubernetes.io/topology-mode]"],
    ),
    (
        "valid: trafficDistribution field set to PreferClose",
        lambda s: upd(s.spec, trafficDistribution="PreferClose"),
        0,
        [],
    ),
    (
        "invalid: trafficDistribution field set to Random",
        lambda s: upd(s.spec, trafficDistribution="Random"),
        1,
        ["spec.trafficDistribution"],
    ),
    # PreferSameTrafficDistribution is beta (on) in 1.34; upstream runs these with the gate enabled.
    (
        "valid: trafficDistribution field set to PreferSameZone",
        lambda s: upd(s.spec, trafficDistribution="PreferSameZone"),
        0,
        [],
    ),
    (
        "valid: trafficDistribution field set to PreferSameNode",
        lambda s: upd(s.spec, trafficDistribution="PreferSameNode"),
        0,
        [],
    ),
]


@pytest.mark.parametrize("name,tweak,num_errs,paths", CREATE_CASES, ids=[c[0] for c in CREATE_CASES])
def test_validate_service_create(name, tweak, num_errs, paths):
    svc = make_valid_service()
    tweak(svc)
    errs = validate_service(svc)
    assert len(errs) == num_errs, [str(e) for e in errs]
    if paths is not None:
        assert sorted(e.field for e in errs) == sorted(paths)


# TestValidateServiceExternalTrafficPolicy (validateServiceExternalTrafficPolicy alone; we filter to its fields).
ETP_CASES = [
    (
        "valid loadBalancer service with externalTrafficPolicy and healthCheckNodePort set",
        dict(
            type="LoadBalancer",
            allocateLoadBalancerNodePorts=True,
            externalTrafficPolicy="Local",
            healthCheckNodePort=34567,
        ),
        0,
    ),
    (
        "valid nodePort service with externalTrafficPolicy set",
        dict(type="NodePort", externalTrafficPolicy="Local"),
        0,
    ),
    (
        "valid clusterIP service with none of externalTrafficPolicy and healthCheckNodePort set",
        dict(type="ClusterIP"),
        0,
    ),
    (
        "cannot set healthCheckNodePort field on loadBalancer service with externalTrafficPolicy!=Local",
        dict(
            type="LoadBalancer",
            allocateLoadBalancerNodePorts=True,
            externalTrafficPolicy="Cluster",
            healthCheckNodePort=34567,
        ),
        1,
    ),
    (
        "cannot set healthCheckNodePort field on nodePort service",
        dict(type="NodePort", externalTrafficPolicy="Local", healthCheckNodePort=34567),
        1,
    ),
    (
        "cannot set externalTrafficPolicy or healthCheckNodePort fields on clusterIP service",
        dict(type="ClusterIP", externalTrafficPolicy="Local", healthCheckNodePort=34567),
        2,
    ),
    (
        "cannot set externalTrafficPolicy field on ExternalName service",
        dict(type="ExternalName", externalTrafficPolicy="Local"),
        1,
    ),
    ("externalTrafficPolicy is required on NodePort service", dict(type="NodePort"), 1),
    ("externalTrafficPolicy is required on LoadBalancer service", dict(type="LoadBalancer"), 1),
    (
        "externalTrafficPolicy is required on ClusterIP service with externalIPs",
        dict(type="ClusterIP", externalIPs=["1.2.3,4"]),
        1,
    ),
]


@pytest.mark.parametrize("name,spec,num_errs", ETP_CASES, ids=[c[0] for c in ETP_CASES])
def test_validate_service_external_traffic_policy(name, spec, num_errs):
    svc = make_valid_service()
    upd(svc.spec, **spec)
    errs = [
        e
        for e in validate_service(svc)
        if e.field in ("spec.externalTrafficPolicy", "spec.healthCheckNodePort")
    ]
    assert len(errs) == num_errs, [str(e) for e in errs]


def both(old_fields=None, new_fields=None):
    def tweak(old, new):
        upd(old.spec, **(old_fields or {}))
        upd(new.spec, **(new_fields or {}))

    return tweak


LB_NEW = dict(type="LoadBalancer", externalTrafficPolicy="Cluster", allocateLoadBalancerNodePorts=True)
LB_OLD = dict(type="LoadBalancer", allocateLoadBalancerNodePorts=True)
NP_NEW = dict(type="NodePort", externalTrafficPolicy="Cluster")
IP4 = dict(clusterIP="1.2.3.4", clusterIPs=["1.2.3.4"])
IP5 = dict(clusterIP="1.2.3.5", clusterIPs=["1.2.3.5"])
NOIP = dict(clusterIP="", clusterIPs=None)
DUAL_OLD = dict(
    clusterIP="1.2.3.4",
    clusterIPs=["1.2.3.4", "2001::1"],
    ipFamilyPolicy=REQUIRE_DUAL,
    ipFamilies=["IPv4", "IPv6"],
)

UPDATE_CASES = [
    ("no change", both(), 0, []),
    ("change name", lambda o, n: upd(n.metadata, name="newname"), 1, ["metadata.name"]),
    ("change namespace", lambda o, n: upd(n.metadata, namespace="newnamespace"), 1, ["metadata.namespace"]),
    ("change label valid", lambda o, n: n.metadata.labels.update({"key": "other-value"}), 0, []),
    ("add label", lambda o, n: n.metadata.labels.update({"key2": "value2"}), 0, []),
    ("change cluster IP", both(IP4, IP5), 1, ["spec.clusterIPs[0]"]),
    ("remove cluster IP", both(IP4, NOIP), 1, ["spec.clusterIPs[0]"]),
    (
        "change affinity",
        both(
            None,
            dict(
                sessionAffinity="ClientIP",
                sessionAffinityConfig=SessionAffinityConfig(clientIP={"timeoutSeconds": 90}),
            ),
        ),
        0,
        [],
    ),
    ("remove affinity", both(None, dict(sessionAffinity="")), 1, ["spec.sessionAffinity"]),
    ("change type", both(None, LB_NEW), 0, []),
    ("remove type", both(None, dict(type="")), 1, ["spec.type"]),
    ("change type -> nodeport", both(None, NP_NEW), 0, []),
    (
        "add loadBalancerSourceRanges",
        both(LB_OLD, dict(LB_NEW, loadBalancerSourceRanges=["10.0.0.0/8"])),
        0,
        [],
    ),
    (
        "update loadBalancerSourceRanges",
        both(
            dict(LB_OLD, loadBalancerSourceRanges=["10.0.0.0/8"]),
            dict(LB_NEW, loadBalancerSourceRanges=["10.100.0.0/16"]),
        ),
        0,
        [],
    ),
    (
        "LoadBalancer type cannot have None ClusterIP",
        both(None, dict(LB_NEW, clusterIP="None", clusterIPs=["None"])),
        1,
        ["spec.clusterIPs[0]"],
    ),
    ("`None` ClusterIP can NOT be changed", both(dict(clusterIP="None", clusterIPs=["None"]), IP4), 1, None),
    ("`None` ClusterIP can NOT be removed", both(dict(clusterIP="None", clusterIPs=["None"]), NOIP), 1, None),
    ("ClusterIP can NOT be changed to None", both(IP4, dict(clusterIP="None", clusterIPs=["None"])), 1, None),
    ("Service with ClusterIP type cannot change its set ClusterIP", both(IP4, IP5), 1, None),
    ("Service with ClusterIP type can change its empty ClusterIP", both(NOIP, IP5), 0, []),
    (
        "Service with ClusterIP type cannot change its set ClusterIP when changing type to NodePort",
        both(IP4, dict(NP_NEW, **IP5)),
        1,
        None,
    ),
    (
        "Service with ClusterIP type can change its empty ClusterIP when changing type to LoadBalancer",
        both(NOIP, dict(LB_NEW, **IP5)),
        0,
        [],
    ),
    (
        "Service with LoadBalancer type can change its AllocateLoadBalancerNodePorts from true to false",
        both(LB_OLD, dict(LB_NEW, allocateLoadBalancerNodePorts=False)),
        0,
        [],
    ),
    (
        "Service with NodePort type cannot change its set ClusterIP when changing type to ClusterIP",
        both(dict(type="NodePort", **IP4), dict(type="ClusterIP", **IP5)),
        1,
        None,
    ),
    (
        "Service with LoadBalancer type cannot change its set ClusterIP",
        both(dict(LB_OLD, **IP4), dict(LB_NEW, **IP5)),
        1,
        None,
    ),
    (
        "Service with ExternalName type can change its set ClusterIP when changing type to ClusterIP",
        both(dict(type="ExternalName", **IP4), dict(type="ClusterIP", **IP5)),
        0,
        [],
    ),
    (
        "invalid node port with clusterIP None",
        lambda o, n: (
            upd(o.spec, type="NodePort", **NOIP),
            upd(n.spec, clusterIP="None", clusterIPs=["None"], **NP_NEW),
            o.spec.ports.append(sp("q", 1, node_port=1)),
            n.spec.ports.append(sp("q", 1, node_port=1)),
        ),
        1,
        ["spec.clusterIPs[0]"],
    ),
    ("convert from ExternalName", both(dict(type="ExternalName"), dict(type="ClusterIP")), 0, []),
    (
        "invalid: convert to ExternalName",
        both(
            dict(
                type="ClusterIP",
                clusterIP="10.0.0.10",
                clusterIPs=["10.0.0.10"],
                ipFamilies=["IPv4"],
                ipFamilyPolicy=SINGLE,
            ),
            dict(
                type="ExternalName",
                externalName="foo",
                clusterIP="10.0.0.10",
                clusterIPs=["10.0.0.10"],
                ipFamilies=["IPv4"],
                ipFamilyPolicy=SINGLE,
            ),
        ),
        3,
        ["spec.clusterIPs", "spec.ipFamilies", "spec.ipFamilyPolicy"],
    ),
    (
        "valid: convert to ExternalName",
        both(
            dict(
                type="ClusterIP",
                clusterIP="10.0.0.10",
                clusterIPs=["10.0.0.10"],
                ipFamilies=["IPv4"],
                ipFamilyPolicy=SINGLE,
            ),
            dict(type="ExternalName", externalName="foo"),
        ),
        0,
        [],
    ),
    (
        "same ServiceIPFamily, change IPFamilyPolicy to singleStack",
        both(dict(ipFamilies=["IPv4"]), dict(ipFamilyPolicy=SINGLE, ipFamilies=["IPv4"])),
        0,
        [],
    ),
    (
        "add a new ServiceIPFamily",
        both(
            dict(ipFamilyPolicy=REQUIRE_DUAL, ipFamilies=["IPv4"]),
            dict(ipFamilyPolicy=REQUIRE_DUAL, ipFamilies=["IPv4", "IPv6"]),
        ),
        0,
        [],
    ),
    (
        "change primary ServiceIPFamily",
        both(dict(ipFamilies=["IPv4"], **IP4), dict(ipFamilies=["IPv6"], **IP4)),
        2,
        ["spec.clusterIPs[0]", "spec.ipFamilies[0]"],
    ),
    (
        "valid: upgrade to dual stack, with specific secondary ip",
        both(
            dict(ipFamilyPolicy=SINGLE, ipFamilies=["IPv4"], **IP4),
            dict(
                clusterIP="1.2.3.4",
                clusterIPs=["1.2.3.4", "2001::1"],
                ipFamilyPolicy=REQUIRE_DUAL,
                ipFamilies=["IPv4", "IPv6"],
            ),
        ),
        0,
        [],
    ),
    (
        "valid: downgrade from dual to single",
        both(DUAL_OLD, dict(ipFamilyPolicy=SINGLE, ipFamilies=["IPv4"], **IP4)),
        0,
        [],
    ),
    (
        "valid: change families for a headless service",
        both(
            dict(
                clusterIP="None",
                clusterIPs=["None"],
                ipFamilyPolicy=REQUIRE_DUAL,
                ipFamilies=["IPv4", "IPv6"],
            ),
            dict(
                clusterIP="None",
                clusterIPs=["None"],
                ipFamilyPolicy=REQUIRE_DUAL,
                ipFamilies=["IPv6", "IPv4"],
            ),
        ),
        0,
        [],
    ),
    (
        "invalid flip families",
        both(
            dict(DUAL_OLD, clusterIP="1.2.3.40"),
            dict(
                clusterIP="2001::1",
                clusterIPs=["2001::1", "1.2.3.5"],
                ipFamilyPolicy=REQUIRE_DUAL,
                ipFamilies=["IPv6", "IPv4"],
            ),
        ),
        4,
        None,
    ),
    (
        "invalid change first ip, in dualstack service",
        both(DUAL_OLD, dict(DUAL_OLD, clusterIP="1.2.3.5", clusterIPs=["1.2.3.5", "2001::1"])),
        1,
        ["spec.clusterIPs[0]"],
    ),
    (
        "invalid, change second ip in dualstack service",
        both(DUAL_OLD, dict(DUAL_OLD, clusterIPs=["1.2.3.4", "2002::1"])),
        1,
        ["spec.clusterIPs[1]"],
    ),
    (
        "downgrade keeping the families",
        both(DUAL_OLD, dict(DUAL_OLD, clusterIPs=["1.2.3.4"], ipFamilyPolicy=SINGLE)),
        0,
        [],
    ),
    (
        "invalid, downgrade without changing to singleStack",
        both(DUAL_OLD, dict(DUAL_OLD, clusterIPs=["1.2.3.4"], ipFamilies=["IPv4"])),
        2,
        ["spec.ipFamilyPolicy", "spec.ipFamilyPolicy"],
    ),
    (
        "invalid, downgrade and change primary ip",
        both(
            DUAL_OLD,
            dict(clusterIP="1.2.3.5", clusterIPs=["1.2.3.5"], ipFamilyPolicy=SINGLE, ipFamilies=["IPv4"]),
        ),
        1,
        ["spec.clusterIPs[0]"],
    ),
    (
        "update to invalid app protocol",
        both(
            dict(ports=[ServicePort(name="a", port=443, targetPort=3000, protocol="TCP")]),
            dict(
                ports=[ServicePort(name="a", port=443, targetPort=3000, protocol="TCP", appProtocol="~https")]
            ),
        ),
        1,
        ["spec.ports[0].appProtocol"],
    ),
    (
        "Set AllocateLoadBalancerNodePorts when type is not LoadBalancer",
        both(None, dict(allocateLoadBalancerNodePorts=True)),
        1,
        ["spec.allocateLoadBalancerNodePorts"],
    ),
    (
        "update LoadBalancer type of service without change LoadBalancerClass",
        both(
            dict(LB_OLD, loadBalancerClass="test.com/test-old"),
            dict(LB_NEW, loadBalancerClass="test.com/test-old"),
        ),
        0,
        [],
    ),
    (
        "invalid: change LoadBalancerClass when update service",
        both(
            dict(LB_OLD, loadBalancerClass="test.com/test-old"),
            dict(LB_NEW, loadBalancerClass="test.com/test-new"),
        ),
        1,
        ["spec.loadBalancerClass"],
    ),
    (
        "invalid: unset LoadBalancerClass when update service",
        both(dict(LB_OLD, loadBalancerClass="test.com/test-old"), dict(LB_NEW, loadBalancerClass=None)),
        1,
        None,
    ),
    (
        "invalid: set LoadBalancerClass when update service",
        both(LB_OLD, dict(LB_NEW, loadBalancerClass="test.com/test-new")),
        1,
        None,
    ),
    (
        "update to LoadBalancer type of service with valid LoadBalancerClass",
        both(None, dict(LB_NEW, loadBalancerClass="test.com/test-load-balancer-class")),
        0,
        [],
    ),
    (
        "invalid: set invalid LoadBalancerClass when update service to LoadBalancer",
        both(None, dict(LB_NEW, loadBalancerClass="Bad/LoadBalancerclass")),
        2,
        None,
    ),
    (
        "invalid: set LoadBalancerClass when update service to non LoadBalancer type of service (ClusterIP)",
        both(None, dict(loadBalancerClass="test.com/test-load-balancer-class")),
        2,
        None,
    ),
    (
        "invalid: set LoadBalancerClass when update service to non LoadBalancer type of service (ExternalName)",
        both(
            dict(type="ExternalName"),
            dict(type="ExternalName", loadBalancerClass="test.com/test-load-balancer-class"),
        ),
        3,
        None,
    ),
    (
        "invalid: set LoadBalancerClass when update from LoadBalancer service to non LoadBalancer type of service",
        both(
            dict(LB_OLD, loadBalancerClass="test.com/test-load-balancer-class"),
            dict(NP_NEW, loadBalancerClass="test.com/test-load-balancer-class"),
        ),
        2,
        None,
    ),
    (
        "update internalTrafficPolicy from Cluster to Local",
        both(None, dict(internalTrafficPolicy="Local")),
        0,
        [],
    ),
    (
        "topology annotations are mismatched",
        lambda o, n: n.metadata.annotations.update(
            {
                "service.kubernetes.io/topology-aware-hints": "original",
                "service.kubernetes.io/topology-mode": "different",
            }
        ),
        1,
        None,
    ),
]


@pytest.mark.parametrize("name,tweak,num_errs,paths", UPDATE_CASES, ids=[c[0] for c in UPDATE_CASES])
def test_validate_service_update(name, tweak, num_errs, paths):
    old, new = make_valid_service(), make_valid_service()
    tweak(old, new)
    errs = validate_service_update(new, old)
    assert len(errs) == num_errs, [str(e) for e in errs]
    if paths is not None:
        assert sorted(e.field for e in errs) == sorted(paths)


def test_health_check_node_port_is_immutable():
    # validateServiceExternalTrafficFieldsUpdate
    old, new = make_valid_service(), make_valid_service()
    for s, port in ((old, 30001), (new, 30002)):
        upd(
            s.spec,
            type="LoadBalancer",
            allocateLoadBalancerNodePorts=True,
            externalTrafficPolicy="Local",
            healthCheckNodePort=port,
        )
    assert [str(e) for e in validate_service_update(new, old)] == [
        "spec.healthCheckNodePort: Forbidden: field is immutable"
    ]


# ---------------------------------------------------------------------------------------------------------
# Full messages as kubectl prints them (InvalidError built from the causes).
# ---------------------------------------------------------------------------------------------------------


def invalid_text(manifest: dict) -> str:
    svc = Service.model_validate(manifest)
    svc.metadata.namespace = svc.metadata.namespace or "default"
    set_defaults_service(svc)
    normalize_cluster_ips(svc)
    errs = validate_service(svc)
    return str(InvalidError("Service", svc.metadata.name or "", field.to_causes(errs)))


def test_message_headless_node_port():
    text = invalid_text(
        {
            "metadata": {"name": "web"},
            "spec": {
                "type": "NodePort",
                "clusterIP": "None",
                "selector": {"app": "web"},
                "ports": [{"port": 80}],
            },
        }
    )
    assert text == (
        'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "None": '
        "may not be set to 'None' for NodePort services"
    )


def test_message_external_name_missing():
    text = invalid_text({"metadata": {"name": "db"}, "spec": {"type": "ExternalName"}})
    assert text == 'The Service "db" is invalid: spec.externalName: Required value'


def test_message_bad_port_name():
    text = invalid_text({"metadata": {"name": "web"}, "spec": {"ports": [{"name": "HTTP", "port": 80}]}})
    assert text == (
        'The Service "web" is invalid: spec.ports[0].name: Invalid value: "HTTP": a lowercase RFC 1123 label must '
        "consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character "
        "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    )


def test_message_two_unnamed_ports_is_a_list():
    text = invalid_text({"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}, {"port": 443}]}})
    assert text == (
        'The Service "web" is invalid: \n'
        "* spec.ports[0].name: Required value\n"
        "* spec.ports[1].name: Required value"
    )


def test_message_service_name_dns1035():
    text = invalid_text({"metadata": {"name": "my_service"}, "spec": {"ports": [{"port": 80}]}})
    assert text == (
        'The Service "my_service" is invalid: metadata.name: Invalid value: "my_service": a DNS-1035 label must '
        "consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an "
        "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    )


def test_message_duplicate_port_is_json_of_internal_struct():
    text = invalid_text(
        {
            "metadata": {"name": "apollo-router"},
            "spec": {"ports": [{"name": "http", "port": 22216}, {"name": "health", "port": 22216}]},
        }
    )
    assert text == (
        'The Service "apollo-router" is invalid: spec.ports[1]: Duplicate value: '
        '{"Name":"","Protocol":"TCP","AppProtocol":null,"Port":22216,"TargetPort":0,"NodePort":0}'
    )


def test_message_unsupported_type_and_traffic_distribution():
    text = invalid_text(
        {
            "metadata": {"name": "web"},
            "spec": {"type": "Nodeport", "ports": [{"port": 80}], "trafficDistribution": "Random"},
        }
    )
    assert text == (
        'The Service "web" is invalid: \n'
        '* spec.type: Unsupported value: "Nodeport": supported values: "ClusterIP", "ExternalName", "LoadBalancer", '
        '"NodePort"\n'
        '* spec.trafficDistribution: Unsupported value: "Random": supported values: "PreferClose", "PreferSameZone", '
        '"PreferSameNode"'
    )


def test_message_port_out_of_range_and_timeout():
    text = invalid_text(
        {
            "metadata": {"name": "web"},
            "spec": {
                "ports": [{"port": 70000}],
                "sessionAffinity": "ClientIP",
                "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 86401}},
            },
        }
    )
    assert text == (
        'The Service "web" is invalid: \n'
        "* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n"
        "* spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n"
        "* spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: "
        "must be greater than 0 and less than 86400"
    )


# ---------------------------------------------------------------------------------------------------------
# field.Error rendering (errors.go ErrorBody)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "err,text",
    [
        (field.required("spec.ports", ""), "spec.ports: Required value"),
        (field.required("spec.x", "some detail"), "spec.x: Required value: some detail"),
        (field.forbidden("spec.x", "nope"), "spec.x: Forbidden: nope"),
        (field.invalid("spec.x", True, "d"), "spec.x: Invalid value: true: d"),
        (field.invalid("spec.x", None, "d"), "spec.x: Invalid value: null: d"),
        (
            field.invalid("spec.x", ["10.0.0.1", "2001::1"], "d"),
            'spec.x: Invalid value: ["10.0.0.1","2001::1"]: d',
        ),
        (field.invalid("spec.x", {"b": "2", "a": "1"}, "d"), 'spec.x: Invalid value: {"a":"1","b":"2"}: d'),
        (field.invalid("spec.x", 'quo"te', "d"), 'spec.x: Invalid value: "quo\\"te": d'),
        (field.not_supported("spec.x", "v", []), 'spec.x: Unsupported value: "v"'),
        (field.too_many("spec.x", -1, 3), "spec.x: Too many: must have at most 3 items"),
        (field.internal_error("spec.x", "boom"), "spec.x: Internal error: boom"),
    ],
)
def test_error_body(err, text):
    assert err.error() == text


def test_to_causes_carry_reason_and_body():
    causes = field.to_causes([field.not_supported(field.Path("spec", "type"), "X", ["A"])])
    assert [(c.type, c.field, c.detail) for c in causes] == [
        ("FieldValueNotSupported", "spec.type", 'Unsupported value: "X": supported values: "A"')
    ]


# ---------------------------------------------------------------------------------------------------------
# Endpoints, EndpointSlices, Pods, Deployments (minimum)
# ---------------------------------------------------------------------------------------------------------


def test_endpoints_subset_needs_addresses_and_port_names():
    ep = Endpoints(
        metadata={"name": "mysvc", "namespace": "namespace"},
        subsets=[{"ports": [{"port": 8675, "protocol": "TCP"}, {"port": 309, "protocol": "TCP"}]}],
    )
    assert [str(e) for e in validate_endpoints(ep)] == [
        "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`",
        "subsets[0].ports[0].name: Required value",
        "subsets[0].ports[1].name: Required value",
    ]


def test_endpoint_slice_address_type_and_protocol():
    es = EndpointSlice(
        metadata={"name": "web-1", "namespace": "default"},
        addressType="IP",
        endpoints=[{"addresses": []}],
        ports=[{"name": "http", "protocol": "HTTP", "port": 80}],
    )
    assert [str(e) for e in validate_endpoint_slice(es)] == [
        'addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"',
        "endpoints[0].addresses: Required value: must contain at least 1 address",
        'ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]


def test_endpoint_slice_ipv4_address():
    es = EndpointSlice(
        metadata={"name": "web-1", "namespace": "default"},
        addressType="IPv4",
        endpoints=[{"addresses": ["2001::1"]}, {"addresses": ["169.254.169.254"]}],
    )
    assert [str(e) for e in validate_endpoint_slice(es)] == [
        'endpoints[0].addresses[0]: Invalid value: "2001::1": must be a valid IPv4 address',
        'endpoints[1].addresses[0]: Invalid value: "169.254.169.254": may not be in the link-local range '
        "(169.254.0.0/16, fe80::/10)",
    ]


def test_pod_container_port_name_and_duplicate_container():
    pod = Pod(
        metadata={"name": "web", "namespace": "default"},
        spec={
            "containers": [
                {"name": "web", "image": "nginx", "ports": [{"name": "80", "containerPort": 80}]},
                {"name": "web", "image": "nginx"},
            ]
        },
    )
    set_defaults_pod(pod)
    assert [str(e) for e in validate_pod(pod)] == [
        'spec.containers[0].ports[0].name: Invalid value: "80": must contain at least one letter (a-z)',
        'spec.containers[1].name: Duplicate value: "web"',
    ]


def test_deployment_empty_selector_and_strategy():
    d = Deployment(
        metadata={"name": "web", "namespace": "default"},
        spec={
            "selector": {},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    )
    set_defaults_deployment(d)
    assert [str(e) for e in validate_deployment(d)] == [
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment",
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
    ]


def test_load_balancer_status():
    # ValidateLoadBalancerStatus (validation.go)
    def mk(spec_type, ingress):
        return Service(
            metadata={"name": "lb", "namespace": "default", "resourceVersion": "1"},
            spec={"type": spec_type},
            status={"loadBalancer": {"ingress": ingress}},
        )

    old = mk("LoadBalancer", None)
    assert (
        validate_service_status_update(mk("LoadBalancer", [{"ip": "172.18.0.5", "ipMode": "VIP"}]), old) == []
    )
    assert [str(e) for e in validate_service_status_update(mk("ClusterIP", [{"ip": "1.2.3.4"}]), old)] == [
        "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"
    ]
    assert [
        str(e)
        for e in validate_service_status_update(
            mk("LoadBalancer", [{"hostname": "1.2.3.4", "ipMode": "Proxy"}]), old
        )
    ] == [
        "status.loadBalancer.ingress[0].ipMode: Forbidden: may not be specified when `ip` is not set",
        'status.loadBalancer.ingress[0].hostname: Invalid value: "1.2.3.4": must be a DNS name, not an IP address',
    ]
