"""Tests for k8snet.kubectl.describe.

The TestDescribeService cases (full expected text) are transcribed from kubernetes/kubectl
``pkg/describe/describe_test.go`` (the version whose describeService reads EndpointSlices and prints
``Desired LoadBalancer IP`` and ``Traffic Distribution``). Events and annotation layout follow
``DescribeEvents`` and ``printAnnotationsMultiline`` in ``pkg/describe/describe.go``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from k8snet.api.core_v1 import Event, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.kubectl.describe import describe, format_endpoint_slices

NOW = datetime(2026, 1, 1, 1, 0, 0, tzinfo=timezone.utc)

LB_SPEC = {
    "type": "LoadBalancer",
    "selector": {"blah": "heh"},
    "clusterIP": "1.2.3.4",
    "ipFamilies": ["IPv4"],
    "loadBalancerIP": "5.6.7.8",
    "sessionAffinity": "None",
    "externalTrafficPolicy": "Local",
    "healthCheckNodePort": 32222,
}


def service(ports, status=None, **spec):
    d = {"metadata": {"name": "bar", "namespace": "foo"}, "spec": {**LB_SPEC, "ports": ports, **spec}}
    if status:
        d["status"] = status
    return Service.model_validate(d)


def slice_(name, endpoints, protocol="TCP"):
    return EndpointSlice.model_validate(
        {
            "metadata": {"name": name, "namespace": "foo", "labels": {"kubernetes.io/service-name": "bar"}},
            "addressType": "IPv4",
            "endpoints": endpoints,
            "ports": [{"name": "port-tcp", "port": 9527, "protocol": protocol}],
        }
    )


def ep(ip, ready=None):
    d = {"addresses": [ip]}
    if ready is not None:
        d["conditions"] = {"ready": ready}
    return d


PORT_INT = [{"name": "port-tcp", "port": 8080, "protocol": "TCP", "targetPort": 9527, "nodePort": 31111}]
PORT_STR = [
    {"name": "port-tcp", "port": 8080, "protocol": "TCP", "targetPort": "targetPort", "nodePort": 31111}
]

CASES = {
    "test1": (
        service(
            PORT_INT,
            {"loadBalancer": {"ingress": [{"ip": "5.6.7.8", "ipMode": "VIP"}]}},
            internalTrafficPolicy="Cluster",
            trafficDistribution="PreferClose",
        ),
        [slice_("bar-abcde", [ep("10.244.0.1", True), ep("10.244.0.2", True), ep("10.244.0.3", True)])],
        """\
Name:                     bar
Namespace:                foo
Labels:                   <none>
Annotations:              <none>
Selector:                 blah=heh
Type:                     LoadBalancer
IP Families:              IPv4
IP:                       1.2.3.4
IPs:                      <none>
Desired LoadBalancer IP:  5.6.7.8
LoadBalancer Ingress:     5.6.7.8 (VIP)
Port:                     port-tcp  8080/TCP
TargetPort:               9527/TCP
NodePort:                 port-tcp  31111/TCP
Endpoints:                10.244.0.1:9527,10.244.0.2:9527,10.244.0.3:9527
Session Affinity:         None
External Traffic Policy:  Local
Internal Traffic Policy:  Cluster
HealthCheck NodePort:     32222
Traffic Distribution:     PreferClose
Events:                   <none>
""",
    ),
    "test2": (
        service(PORT_STR, {"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}]}}, internalTrafficPolicy="Local"),
        [
            slice_("bar-12345", [ep("10.244.0.1", True), ep("10.244.0.2", True)], "UDP"),
            slice_(
                "bar-54321", [ep("10.244.0.3", False), ep("10.244.0.4", True), ep("10.244.0.5", True)], "UDP"
            ),
        ],
        """\
Name:                     bar
Namespace:                foo
Labels:                   <none>
Annotations:              <none>
Selector:                 blah=heh
Type:                     LoadBalancer
IP Families:              IPv4
IP:                       1.2.3.4
IPs:                      <none>
Desired LoadBalancer IP:  5.6.7.8
LoadBalancer Ingress:     5.6.7.8
Port:                     port-tcp  8080/TCP
TargetPort:               targetPort/TCP
NodePort:                 port-tcp  31111/TCP
Endpoints:                10.244.0.1:9527,10.244.0.2:9527,10.244.0.4:9527 + 1 more...
Session Affinity:         None
External Traffic Policy:  Local
Internal Traffic Policy:  Local
HealthCheck NodePort:     32222
Events:                   <none>
""",
    ),
    "test-ready-field-empty": (
        service(PORT_INT, internalTrafficPolicy="Cluster"),
        [slice_("bar-abcdef", [ep("10.244.0.1")])],
        """\
Name:                     bar
Namespace:                foo
Labels:                   <none>
Annotations:              <none>
Selector:                 blah=heh
Type:                     LoadBalancer
IP Families:              IPv4
IP:                       1.2.3.4
IPs:                      <none>
Desired LoadBalancer IP:  5.6.7.8
Port:                     port-tcp  8080/TCP
TargetPort:               9527/TCP
NodePort:                 port-tcp  31111/TCP
Endpoints:                10.244.0.1:9527
Session Affinity:         None
External Traffic Policy:  Local
Internal Traffic Policy:  Cluster
HealthCheck NodePort:     32222
Events:                   <none>
""",
    ),
    "test-ServiceIPFamily": (
        service(PORT_STR),
        [slice_("bar-123ab", [ep("10.244.0.1", True)])],
        """\
Name:                     bar
Namespace:                foo
Labels:                   <none>
Annotations:              <none>
Selector:                 blah=heh
Type:                     LoadBalancer
IP Families:              IPv4
IP:                       1.2.3.4
IPs:                      <none>
Desired LoadBalancer IP:  5.6.7.8
Port:                     port-tcp  8080/TCP
TargetPort:               targetPort/TCP
NodePort:                 port-tcp  31111/TCP
Endpoints:                10.244.0.1:9527
Session Affinity:         None
External Traffic Policy:  Local
HealthCheck NodePort:     32222
Events:                   <none>
""",
    ),
    "test-ServiceIPFamilyPolicy+ClusterIPs": (
        service(PORT_STR, ipFamilyPolicy="SingleStack", clusterIPs=["1.2.3.4"]),
        [],
        """\
Name:                     bar
Namespace:                foo
Labels:                   <none>
Annotations:              <none>
Selector:                 blah=heh
Type:                     LoadBalancer
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       1.2.3.4
IPs:                      1.2.3.4
Desired LoadBalancer IP:  5.6.7.8
Port:                     port-tcp  8080/TCP
TargetPort:               targetPort/TCP
NodePort:                 port-tcp  31111/TCP
Endpoints:                <none>
Session Affinity:         None
External Traffic Policy:  Local
HealthCheck NodePort:     32222
Events:                   <none>
""",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_describe_service(name):
    svc, slices, expected = CASES[name]
    assert describe(svc, slices, [], NOW) == expected


def test_endpoints_line_when_no_endpoint_is_ready_has_trailing_padding():
    # formatEndpointSlices returns "" and the tab writer still pads the label cell: "Endpoints:" + spaces.
    svc = service(PORT_INT)
    out = describe(svc, [slice_("bar-x", [ep("10.244.0.9", False)])], [], NOW)
    assert "\nEndpoints:                \n" in out


def test_format_endpoint_slices_unnamed_port_and_headless():
    s = EndpointSlice.model_validate(
        {
            "addressType": "IPv4",
            "metadata": {"name": "s"},
            "ports": [{"name": "", "port": 80}],
            "endpoints": [ep("10.0.0.1"), ep("fd00::1")],
        }
    )
    assert format_endpoint_slices([s], {""}) == "10.0.0.1:80,[fd00::1]:80"
    assert format_endpoint_slices([s], {"http"}) == ""
    headless = EndpointSlice.model_validate(
        {
            "addressType": "IPv4",
            "metadata": {"name": "h"},
            "endpoints": [ep("10.0.0.1"), ep("10.0.0.2", False)],
        }
    )
    assert format_endpoint_slices([headless], None) == "10.0.0.1"


def test_labels_annotations_and_events_layout():
    svc = Service.model_validate(
        {
            "metadata": {
                "name": "web",
                "namespace": "default",
                "labels": {"app": "web", "tier": "front"},
                "annotations": {
                    "kubectl.kubernetes.io/last-applied-configuration": "{}\n",
                    "note": "x" * 150,
                    "owner": "team-a",
                },
            },
            "spec": {
                "type": "ClusterIP",
                "clusterIP": "None",
                "clusterIPs": ["None"],
                "sessionAffinity": "None",
                "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
            },
        }
    )
    t0 = NOW - timedelta(minutes=5)
    events = [
        Event.model_validate(
            {
                "metadata": {"name": "b"},
                "type": "Warning",
                "reason": "Late",
                "message": "second ",
                "source": {"component": "x"},
                "firstTimestamp": NOW - timedelta(seconds=30),
                "lastTimestamp": NOW - timedelta(seconds=30),
                "count": 1,
            }
        ),
        Event.model_validate(
            {
                "metadata": {"name": "a"},
                "type": "Normal",
                "reason": "Created",
                "message": "first",
                "source": {"component": "service-controller"},
                "firstTimestamp": t0,
                "lastTimestamp": NOW - timedelta(seconds=90),
                "count": 3,
            }
        ),
    ]
    out = describe(svc, [], events, NOW)
    # Column widths: widest cell + 2 (padding); the event table starts a new block after "Events:".
    assert out == (
        "Name:              web\n"
        "Namespace:         default\n"
        "Labels:            app=web\n"
        "                   tier=front\n"
        "Annotations:       note:\n"
        "                     " + "x" * 138 + "...\n"
        "                   owner: team-a\n"
        "Selector:          <none>\n"
        "Type:              ClusterIP\n"
        "IP Families:       <none>\n"
        "IP:                None\n"
        "IPs:               None\n"
        "Port:              <unset>  80/TCP\n"
        "TargetPort:        80/TCP\n"
        "Endpoints:         <none>\n"
        "Session Affinity:  None\n"
        "Events:\n"
        "  Type     Reason   Age               From                Message\n"
        "  ----     ------   ----              ----                -------\n"
        "  Normal   Created  90s (x3 over 5m)  service-controller  first\n"
        "  Warning  Late     30s               x                   second\n"
    )


def test_show_events_false_prints_no_events_line():
    svc = service(PORT_INT)
    assert "Events" not in describe(svc, [], None, NOW)


def test_describe_pod_like_kubectl():
    # A bare `kubectl run nginx` pod after admission (ServiceAccount, Priority, DefaultTolerationSeconds)
    # and the kubelet have filled it in; layout from describePod/describeContainers/describeVolumes.
    from k8snet.api.core_v1 import Pod

    pod = Pod.model_validate(
        {
            "metadata": {"name": "nginx", "namespace": "default", "labels": {"run": "nginx"}},
            "spec": {
                "priority": 0,
                "serviceAccountName": "default",
                "nodeName": "kind-worker",
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx",
                        "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "volumeMounts": [
                            {
                                "name": "kube-api-access-x",
                                "readOnly": True,
                                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                            }
                        ],
                    }
                ],
                "volumes": [
                    {
                        "name": "kube-api-access-x",
                        "projected": {
                            "sources": [
                                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                                {"configMap": {"name": "kube-root-ca.crt"}},
                                {"downwardAPI": {}},
                            ]
                        },
                    }
                ],
                "tolerations": [
                    {
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists",
                        "effect": "NoExecute",
                        "tolerationSeconds": 300,
                    },
                    {
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "effect": "NoExecute",
                        "tolerationSeconds": 300,
                    },
                ],
            },
            "status": {
                "phase": "Running",
                "hostIP": "172.18.0.3",
                "podIP": "10.244.1.2",
                "podIPs": [{"ip": "10.244.1.2"}],
                "startTime": "2026-01-01T00:00:00Z",
                "qosClass": "BestEffort",
                "conditions": [
                    {"type": t, "status": "True"}
                    for t in (
                        "PodReadyToStartContainers",
                        "Initialized",
                        "Ready",
                        "ContainersReady",
                        "PodScheduled",
                    )
                ],
                "containerStatuses": [
                    {
                        "name": "nginx",
                        "ready": True,
                        "restartCount": 0,
                        "image": "nginx",
                        "containerID": "containerd://abc",
                        "imageID": "docker.io/library/nginx@sha256:def",
                        "state": {"running": {"startedAt": "2026-01-01T00:00:05Z"}},
                    }
                ],
            },
        }
    )
    assert describe(pod, events=[], now=NOW) == (
        "Name:             nginx\n"
        "Namespace:        default\n"
        "Priority:         0\n"
        "Service Account:  default\n"
        "Node:             kind-worker/172.18.0.3\n"
        "Start Time:       Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Labels:           run=nginx\n"
        "Annotations:      <none>\n"
        "Status:           Running\n"
        "IP:               10.244.1.2\n"
        "IPs:\n"
        "  IP:  10.244.1.2\n"
        "Containers:\n"
        "  nginx:\n"
        "    Container ID:   containerd://abc\n"
        "    Image:          nginx\n"
        "    Image ID:       docker.io/library/nginx@sha256:def\n"
        "    Port:           80/TCP\n"
        "    Host Port:      0/TCP\n"
        "    State:          Running\n"
        "      Started:      Thu, 01 Jan 2026 00:00:05 +0000\n"
        "    Ready:          True\n"
        "    Restart Count:  0\n"
        "    Environment:    <none>\n"
        "    Mounts:\n"
        "      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x (ro)\n"
        "Conditions:\n"
        "  Type                        Status\n"
        "  PodReadyToStartContainers   True \n"
        "  Initialized                 True \n"
        "  Ready                       True \n"
        "  ContainersReady             True \n"
        "  PodScheduled                True \n"
        "Volumes:\n"
        "  kube-api-access-x:\n"
        "    Type:                    Projected (a volume that contains injected data from multiple sources)\n"
        "    TokenExpirationSeconds:  3607\n"
        "    ConfigMapName:           kube-root-ca.crt\n"
        # describe.go printProjectedVolumeSource: "ConfigMapOptional:\t%v" of a nil *bool
        "    ConfigMapOptional:       <nil>\n"
        "    DownwardAPI:             true\n"
        "QoS Class:                   BestEffort\n"
        "Node-Selectors:              <none>\n"
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        "Events:                      <none>\n"
    )


def test_describe_deployment_like_kubectl():
    from k8snet.api.apps_v1 import Deployment, ReplicaSet

    tmpl = {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {
            "containers": [
                {"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80, "protocol": "TCP"}]}
            ]
        },
    }
    d = Deployment.model_validate(
        {
            "metadata": {
                "name": "nginx",
                "namespace": "default",
                "uid": "u1",
                "labels": {"app": "nginx"},
                "creationTimestamp": "2026-01-01T00:00:00Z",
            },
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": tmpl,
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
                },
            },
            "status": {
                "replicas": 1,
                "updatedReplicas": 1,
                "availableReplicas": 1,
                "conditions": [
                    {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                    {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
                ],
            },
        }
    )
    owner = [
        {"apiVersion": "apps/v1", "kind": "Deployment", "name": "nginx", "uid": "u1", "controller": True}
    ]
    new_tmpl = {**tmpl, "metadata": {"labels": {"app": "nginx", "pod-template-hash": "5869d7778c"}}}
    rs_new = ReplicaSet.model_validate(
        {
            "metadata": {"name": "nginx-5869d7778c", "ownerReferences": owner},
            "spec": {"replicas": 1, "template": new_tmpl},
            "status": {"replicas": 1},
        }
    )
    old_tmpl = {
        "metadata": {"labels": {"app": "nginx", "pod-template-hash": "aaaa"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]},
    }
    rs_old = ReplicaSet.model_validate(
        {
            "metadata": {"name": "nginx-aaaa", "ownerReferences": owner},
            "spec": {"replicas": 0, "template": old_tmpl},
            "status": {"replicas": 0},
        }
    )
    out = describe(d, events=[], now=NOW, replica_sets=[rs_old, rs_new])
    assert out == (
        "Name:                   nginx\n"
        "Namespace:              default\n"
        "CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Labels:                 app=nginx\n"
        "Annotations:            <none>\n"
        "Selector:               app=nginx\n"
        "Replicas:               1 desired | 1 updated | 1 total | 1 available | 0 unavailable\n"
        "StrategyType:           RollingUpdate\n"
        "MinReadySeconds:        0\n"
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"
        "Pod Template:\n"
        "  Labels:  app=nginx\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:         nginx\n"
        "    Port:          80/TCP\n"
        "    Host Port:     0/TCP\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Conditions:\n"
        "  Type           Status  Reason\n"
        "  ----           ------  ------\n"
        "  Available      True    MinimumReplicasAvailable\n"
        "  Progressing    True    NewReplicaSetAvailable\n"
        "OldReplicaSets:  nginx-aaaa (0/0 replicas created)\n"
        "NewReplicaSet:   nginx-5869d7778c (1/1 replicas created)\n"
        "Events:          <none>\n"
    )
