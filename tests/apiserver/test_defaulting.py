"""API-server defaulting, transcribed from upstream tests.

Upstream sources (kubernetes/kubernetes):

* ``pkg/apis/core/v1/defaults_test.go``: ``TestSetDefaultService``, ``TestSetDefaultServiceSessionAffinityConfig``,
  ``TestSetDefaultServiceTargetPort``, ``TestSetDefaultServicePort``, ``TestSetDefaultServiceExternalTraffic``,
  ``TestSetDefaultServiceLoadbalancerIPMode``, ``TestSetDefaultEndpointsProtocol``,
  ``TestSetDefaultPodSpecHostNetwork``; internalTrafficPolicy and allocateLoadBalancerNodePorts follow
  ``SetDefaults_Service`` in ``defaults.go``.
* ``pkg/apis/apps/v1/defaults_test.go``: ``TestSetDefaultDeployment`` (replicas 1, RollingUpdate 25%/25%,
  revisionHistoryLimit 10, progressDeadlineSeconds 600; Recreate gets no rollingUpdate).
* ``pkg/registry/core/service/storage/alloc.go`` ``initIPFamilyFields`` and ``storage.go``
  ``normalizeClusterIPs``/``patchAllocatedValues`` for the registry defaults.
"""

from __future__ import annotations

import pytest

from k8snet.api.apps_v1 import Deployment
from k8snet.api.core_v1 import Endpoints, Pod, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.apiserver.defaulting import (
    normalize_cluster_ips,
    patch_allocated_values,
    set_defaults_deployment,
    set_defaults_endpoint_slice,
    set_defaults_endpoints,
    set_defaults_ip_families,
    set_defaults_pod,
    set_defaults_service,
)


def defaulted(spec: dict, status: dict | None = None) -> Service:
    svc = Service(metadata={"name": "s"}, spec=spec, status=status)
    set_defaults_service(svc)
    return svc


def test_set_default_service():
    s = defaulted({}).spec
    assert (s.sessionAffinity, s.sessionAffinityConfig, s.type) == ("None", None, "ClusterIP")


@pytest.mark.parametrize(
    "cfg",
    [None, {}, {"clientIP": {}}],
    ids=["SessionAffinityConfig is empty", "ClientIP is empty", "TimeoutSeconds is empty"],
)
def test_set_default_service_session_affinity_config(cfg):
    s = defaulted({"sessionAffinity": "ClientIP", "sessionAffinityConfig": cfg}).spec
    assert s.sessionAffinityConfig.clientIP.timeoutSeconds == 10800


def test_session_affinity_none_drops_config():
    s = defaulted(
        {"sessionAffinity": "None", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}
    ).spec
    assert s.sessionAffinityConfig is None


def test_set_default_service_target_port():
    assert defaulted({"ports": [{"port": 1234}]}).spec.ports[0].targetPort == 1234
    assert defaulted({"ports": [{"port": 1234, "targetPort": 5678}]}).spec.ports[0].targetPort == 5678


def test_set_default_service_port():
    unchanged = defaulted(
        {
            "ports": [
                {"protocol": "UDP", "port": 9376, "targetPort": "p"},
                {"protocol": "UDP", "port": 8675, "targetPort": 309},
            ]
        }
    ).spec.ports
    assert [(p.protocol, p.targetPort) for p in unchanged] == [("UDP", "p"), ("UDP", 309)]
    filled = defaulted(
        {
            "ports": [
                {"protocol": "", "port": 9376, "targetPort": ""},
                {"protocol": "", "port": 8675, "targetPort": 0},
            ]
        }
    ).spec.ports
    assert [(p.protocol, p.targetPort) for p in filled] == [("TCP", 9376), ("TCP", 8675)]


@pytest.mark.parametrize(
    "spec,expected",
    [
        ({}, None),
        ({"type": "NodePort"}, "Cluster"),
        ({"type": "LoadBalancer"}, "Cluster"),
        ({"type": "ClusterIP", "externalIPs": ["1.2.3.4"]}, "Cluster"),
        ({"type": "ClusterIP"}, None),
        ({"type": "ExternalName"}, None),
    ],
)
def test_set_default_service_external_traffic(spec, expected):
    assert defaulted(spec).spec.externalTrafficPolicy == expected


@pytest.mark.parametrize(
    "spec,expected",
    [
        ({"type": "ClusterIP"}, "Cluster"),
        ({"type": "NodePort"}, "Cluster"),
        ({"type": "LoadBalancer"}, "Cluster"),
        ({"type": "ExternalName"}, None),
        ({"type": "ClusterIP", "internalTrafficPolicy": "Local"}, "Local"),
    ],
)
def test_internal_traffic_policy(spec, expected):
    assert defaulted(spec).spec.internalTrafficPolicy == expected


def test_allocate_load_balancer_node_ports_only_for_lb():
    assert defaulted({"type": "LoadBalancer"}).spec.allocateLoadBalancerNodePorts is True
    assert (
        defaulted(
            {"type": "LoadBalancer", "allocateLoadBalancerNodePorts": False}
        ).spec.allocateLoadBalancerNodePorts
        is False
    )
    assert defaulted({"type": "NodePort"}).spec.allocateLoadBalancerNodePorts is None


@pytest.mark.parametrize(
    "ingress,expected",
    [
        ({"ip": "1.2.3.4"}, "VIP"),  # LoadBalancerIPMode is on (GA) in 1.34
        ({"ip": "1.2.3.4", "ipMode": "Proxy"}, "Proxy"),
    ],
)
def test_set_default_service_load_balancer_ip_mode(ingress, expected):
    svc = defaulted({"type": "LoadBalancer"}, {"loadBalancer": {"ingress": [ingress]}})
    assert svc.status.loadBalancer.ingress[0].ipMode == expected


def test_defaulted_service_dump_matches_kubectl_shape():
    svc = Service(
        metadata={"name": "web"},
        spec={"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
    )
    set_defaults_service(svc)
    assert svc.spec.to_dict() == {
        "ports": [{"protocol": "TCP", "port": 80, "targetPort": 8080}],
        "selector": {"app": "web"},
        "type": "NodePort",
        "sessionAffinity": "None",
        "externalTrafficPolicy": "Cluster",
        "internalTrafficPolicy": "Cluster",
    }


# -- registry defaults ------------------------------------------------------------------------------------


def test_normalize_cluster_ips_create_and_update():
    svc = Service(spec={"clusterIP": "10.96.0.10"})
    normalize_cluster_ips(svc)
    assert svc.spec.clusterIPs == ["10.96.0.10"]
    both = Service(spec={"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.11"]})
    normalize_cluster_ips(both)  # both given: left for validation to reject
    assert both.spec.clusterIPs == ["10.96.0.11"]


@pytest.mark.parametrize(
    "spec,families,policy,expected_families",
    [
        ({"type": "ClusterIP", "selector": {"a": "b"}}, ("IPv4",), "SingleStack", ["IPv4"]),
        ({"type": "NodePort", "selector": {"a": "b"}}, ("IPv6", "IPv4"), "SingleStack", ["IPv6"]),
        (
            {"type": "ClusterIP", "clusterIP": "2001::1", "clusterIPs": ["2001::1"]},
            ("IPv4", "IPv6"),
            "SingleStack",
            ["IPv6"],
        ),
        ({"type": "ClusterIP", "ipFamilyPolicy": "PreferDualStack"}, ("IPv4",), "PreferDualStack", ["IPv4"]),
        (
            {"type": "ClusterIP", "ipFamilyPolicy": "PreferDualStack"},
            ("IPv4", "IPv6"),
            "PreferDualStack",
            ["IPv4", "IPv6"],
        ),
        # headless + selectorless defaults to RequireDualStack, with both families even on a single-stack cluster
        (
            {"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"]},
            ("IPv4",),
            "RequireDualStack",
            ["IPv4", "IPv6"],
        ),
        (
            {"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"], "selector": {"a": "b"}},
            ("IPv4",),
            "SingleStack",
            ["IPv4"],
        ),
    ],
)
def test_set_defaults_ip_families(spec, families, policy, expected_families):
    svc = Service(spec=spec)
    assert set_defaults_ip_families(svc, cluster_families=families) == []
    assert (svc.spec.ipFamilyPolicy, svc.spec.ipFamilies) == (policy, expected_families)


def test_ip_families_external_name_untouched():
    svc = Service(spec={"type": "ExternalName", "externalName": "example.com"})
    assert set_defaults_ip_families(svc) == []
    assert (svc.spec.ipFamilyPolicy, svc.spec.ipFamilies) == (None, None)


def test_ip_families_errors():
    svc = Service(spec={"type": "ClusterIP", "ipFamilies": ["IPv6"]})
    assert [str(e) for e in set_defaults_ip_families(svc)] == [
        'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'
    ]
    two = Service(
        spec={
            "type": "ClusterIP",
            "ipFamilyPolicy": "SingleStack",
            "clusterIP": "10.0.0.1",
            "clusterIPs": ["10.0.0.1", "2001::1"],
        }
    )
    assert [str(e) for e in set_defaults_ip_families(two, cluster_families=("IPv4", "IPv6"))] == [
        "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' "
        "when multiple cluster IPs are specified"
    ]


def test_ip_families_update_keeps_old_policy():
    old = Service(
        spec={
            "type": "ClusterIP",
            "ipFamilyPolicy": "PreferDualStack",
            "ipFamilies": ["IPv4"],
            "clusterIP": "10.0.0.1",
            "clusterIPs": ["10.0.0.1"],
        }
    )
    new = Service(spec={"type": "ClusterIP", "clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"]})
    assert set_defaults_ip_families(new, old) == []
    assert new.spec.ipFamilyPolicy == "PreferDualStack"


def test_patch_allocated_values_health_check():
    old = Service(
        spec={"type": "LoadBalancer", "externalTrafficPolicy": "Local", "healthCheckNodePort": 31000}
    )
    new = Service(spec={"type": "LoadBalancer", "externalTrafficPolicy": "Local"})
    patch_allocated_values(new, old)
    assert new.spec.healthCheckNodePort == 31000


def test_patch_allocated_values_not_for_external_name():
    old = Service(spec={"type": "ClusterIP", "clusterIP": "10.96.0.5", "clusterIPs": ["10.96.0.5"]})
    new = Service(spec={"type": "ExternalName", "externalName": "example.com"})
    patch_allocated_values(new, old)
    assert new.spec.clusterIP is None


# -- Pods, Deployments, Endpoints, EndpointSlices -------------------------------------------------------


def test_set_default_endpoints_protocol():
    ep = Endpoints(
        metadata={"name": "e"},
        subsets=[{"ports": [{"port": 1}, {"port": 2, "protocol": "UDP"}, {"port": 3}]}],
    )
    set_defaults_endpoints(ep)
    assert [p.protocol for p in ep.subsets[0].ports] == ["TCP", "UDP", "TCP"]


def test_set_default_endpoint_slice_port():
    es = EndpointSlice(
        metadata={"name": "e"}, addressType="IPv4", ports=[{"port": 80}, {"name": "dns", "protocol": "UDP"}]
    )
    set_defaults_endpoint_slice(es)
    assert [(p.name, p.protocol) for p in es.ports] == [("", "TCP"), ("dns", "UDP")]


def test_set_default_pod_spec_host_network():
    pod = Pod(
        metadata={"name": "p"},
        spec={
            "hostNetwork": True,
            "containers": [{"name": "c", "image": "x", "ports": [{"containerPort": 8080}]}],
            "initContainers": [{"name": "i", "image": "x", "ports": [{"containerPort": 8080}]}],
        },
    )
    set_defaults_pod(pod)
    assert pod.spec.containers[0].ports[0].hostPort == 8080
    assert pod.spec.initContainers[0].ports[0].hostPort == 8080


@pytest.mark.parametrize(
    "image,policy",
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry.k8s.io:5000/pause", "Always"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
    ],
)
def test_image_pull_policy(image, policy):
    pod = Pod(metadata={"name": "p"}, spec={"containers": [{"name": "c", "image": image}]})
    set_defaults_pod(pod)
    assert pod.spec.containers[0].imagePullPolicy == policy


def test_pod_probe_defaults():
    pod = Pod(
        metadata={"name": "p"},
        spec={"containers": [{"name": "c", "image": "x:1", "readinessProbe": {"httpGet": {"port": 80}}}]},
    )
    set_defaults_pod(pod)
    assert pod.spec.containers[0].readinessProbe.to_dict() == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def _deployment(strategy=None) -> Deployment:
    spec = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        },
    }
    if strategy is not None:
        spec["strategy"] = strategy
    return Deployment(metadata={"name": "web"}, spec=spec)


def test_set_default_deployment():
    d = _deployment()
    set_defaults_deployment(d)
    s = d.spec
    assert (s.replicas, s.revisionHistoryLimit, s.progressDeadlineSeconds) == (1, 10, 600)
    assert s.strategy.to_dict() == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    t = s.template.spec
    assert (
        t.restartPolicy,
        t.dnsPolicy,
        t.schedulerName,
        t.terminationGracePeriodSeconds,
        t.securityContext,
    ) == ("Always", "ClusterFirst", "default-scheduler", 30, {})
    assert t.enableServiceLinks is None  # a Pod default, not a template one
    c = t.containers[0]
    assert (c.imagePullPolicy, c.terminationMessagePath, c.terminationMessagePolicy, c.resources) == (
        "Always",
        "/dev/termination-log",
        "File",
        {},
    )


def test_set_default_deployment_recreate_has_no_rolling_update():
    d = _deployment({"type": "Recreate"})
    set_defaults_deployment(d)
    assert d.spec.strategy.to_dict() == {"type": "Recreate"}


def test_set_default_deployment_keeps_explicit_values():
    d = _deployment({"rollingUpdate": {"maxSurge": 1}})
    d.spec.replicas = 0
    set_defaults_deployment(d)
    assert d.spec.replicas == 0
    assert d.spec.strategy.rollingUpdate.to_dict() == {"maxUnavailable": "25%", "maxSurge": 1}


def test_ip_families_pre_validation_errors_come_alone():
    # alloc.go initIPFamilyFields returns ValidateServiceClusterIPsRelatedFields errors before anything else
    svc = Service(
        spec={
            "type": "ClusterIP",
            "clusterIP": "garbage-ip",
            "clusterIPs": ["garbage-ip"],
            "ipFamilies": ["IPv6"],
        }
    )
    assert [str(e) for e in set_defaults_ip_families(svc)] == [
        'spec.clusterIPs[0]: Invalid value: "garbage-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'
    ]
