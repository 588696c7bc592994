"""Tests for k8snet.kubectl.printers, age and tabwriter.

Expected values are transcribed from upstream tests:

* kubernetes/apimachinery ``pkg/util/duration/duration_test.go`` (TestHumanDuration,
  TestHumanDurationBoundaries, TestShortHumanDurationBoundaries);
* kubernetes/kubernetes ``pkg/printers/internalversion/printers_test.go`` (TestPrintServiceLoadBalancer,
  TestPrintService, TestPrintPod, TestPrintNodeStatus/ExternalIP/InternalIP, TestPrintEndpointSlice — the
  latter is a full-printer test: ``NewTablePrinter(PrintOptions{NoHeaders: true})``, so it also checks the
  tab writer layout);
* Go ``text/tabwriter`` semantics (``example_test.go``: cells are tab-terminated, trailing text is not padded).

Rows that upstream builds with ``time.Now().Add(x)`` are built here with a fixed ``now``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from k8snet.api.apps_v1 import Deployment, ReplicaSet
from k8snet.api.core_v1 import Endpoints, Event, Node, Pod, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.kubectl.age import human_duration, short_human_duration, translate_timestamp_since
from k8snet.kubectl.goyaml import go_yaml
from k8snet.kubectl.printers import get_table, table_rows, to_json, to_yaml
from k8snet.kubectl.tabwriter import TabWriter, describe_writer, kubectl_get_writer

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
MS = 0.001
H = 3600
D = 24 * H
Y = 365 * D


def ago(seconds: float) -> str:
    return (NOW - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- duration_test.go ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds,want",
    [
        (1, "1s"),
        (70, "70s"),
        (190, "3m10s"),
        (70 * 60, "70m"),
        (47 * H, "47h"),
        (49 * H, "2d1h"),
        ((8 * 24 + 2) * H, "8d"),
        (367 * D, "367d"),
        ((365 * 2 * 24 + 25) * H, "2y1d"),
        ((365 * 8 * 24 + 2) * H, "8y"),
    ],
)
def test_human_duration(seconds, want):
    assert human_duration(seconds) == want


# Go's ``-2*time.Second + 1`` is one nanosecond; timedelta resolves microseconds.
@pytest.mark.parametrize(
    "seconds,want",
    [
        (-2, "<invalid>"),
        (-2 + 1e-6, "0s"),
        (0, "0s"),
        (1 - MS, "0s"),
        (120 - MS, "119s"),
        (120, "2m"),
        (121, "2m1s"),
        (600 - MS, "9m59s"),
        (600, "10m"),
        (601, "10m"),
        (3 * H - MS, "179m"),
        (3 * H, "3h"),
        (3 * H + 60, "3h1m"),
        (8 * H - MS, "7h59m"),
        (8 * H, "8h"),
        (8 * H + 59 * 60, "8h"),
        (2 * D - MS, "47h"),
        (2 * D, "2d"),
        (2 * D + H, "2d1h"),
        (8 * D - MS, "7d23h"),
        (8 * D, "8d"),
        (8 * D + 23 * H, "8d"),
        (2 * Y - MS, "729d"),
        (2 * Y, "2y"),
        (2 * Y + 23 * H, "2y"),
        (2 * Y + 23 * H + 59 * 60, "2y"),
        (2 * Y + D - MS, "2y"),
        (2 * Y + D, "2y1d"),
        (3 * Y, "3y"),
        (4 * Y, "4y"),
        (5 * Y, "5y"),
        (6 * Y, "6y"),
        (7 * Y, "7y"),
        (8 * Y - MS, "7y364d"),
        (8 * Y, "8y"),
        (8 * Y + 364 * D, "8y"),
        (9 * Y, "9y"),
    ],
)
def test_human_duration_boundaries(seconds, want):
    assert human_duration(timedelta(seconds=seconds)) == want


@pytest.mark.parametrize(
    "seconds,want",
    [
        (-2, "<invalid>"),
        (-2 + 1e-9, "0s"),
        (0, "0s"),
        (1 - MS, "0s"),
        (1, "1s"),
        (2 - MS, "1s"),
        (60 - MS, "59s"),
        (60, "1m"),
        (120 - MS, "1m"),
        (H - MS, "59m"),
        (H, "1h"),
        (2 * H - MS, "1h"),
        (D - MS, "23h"),
        (D, "1d"),
        (2 * D - MS, "1d"),
        (Y - MS, "364d"),
        (Y, "1y"),
        (2 * Y - MS, "1y"),
        (2 * Y, "2y"),
    ],
)
def test_short_human_duration_boundaries(seconds, want):
    assert short_human_duration(seconds) == want


def test_unknown_age_without_timestamp():
    assert translate_timestamp_since(None, NOW) == "<unknown>"


# --- tabwriter ---------------------------------------------------------------------------------------------


def test_tabwriter_cells_are_terminated_not_separated():
    # Go text/tabwriter doc: "aaaa|bbb|d / aa|b|dd / a| / aa|cccc|eee": b and c are distinct columns.
    w = TabWriter(minwidth=0, tabwidth=8, padding=1)
    w.write("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n")
    assert w.flush() == "aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n"


def test_tabwriter_line_without_tab_splits_blocks():
    w = describe_writer()
    w.write("Name:\tx\nEvents:\n  Type\tReason\n  ----\t------\n")
    assert w.flush() == "Name:  x\nEvents:\n  Type  Reason\n  ----  ------\n"


def test_tabwriter_minwidth_and_remembered_widths():
    w = kubectl_get_writer()
    w.write("A\tB\n")
    first = w.flush()
    w.write("x\ty\n")
    assert first == "A     B\n"  # minwidth 6 includes the padding
    assert w.flush() == "x     y\n"
    w.write("longername\tz\n")
    w.flush()
    w.write("x\ty\n")
    assert w.flush() == "x            y\n"  # RememberWidths: never narrower after a flush


# --- printers_test.go: Service -----------------------------------------------------------------------------


def svc(name, spec, status=None):
    d = {"metadata": {"name": name}, "spec": spec}
    if status:
        d["status"] = status
    return Service.model_validate(d)


LB_PORTS3 = [
    {"port": 80, "protocol": "TCP"},
    {"port": 8090, "protocol": "UDP"},
    {"port": 8000, "protocol": "TCP"},
]
LB_INGRESS3 = {
    "loadBalancer": {
        "ingress": [{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}, {"ip": "5.6.7.8", "hostname": "host5678"}]
    }
}


@pytest.mark.parametrize(
    "service,wide,expected",
    [
        (
            svc(
                "service1",
                {
                    "clusterIPs": ["1.2.3.4"],
                    "type": "LoadBalancer",
                    "ports": [{"port": 80, "protocol": "TCP"}],
                },
                {"loadBalancer": {"ingress": [{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}]}},
            ),
            False,
            ["service1", "LoadBalancer", "1.2.3.4", "2.3.4.5,3.4.5.6", "80/TCP", "<unknown>"],
        ),
        (
            svc(
                "service2",
                {
                    "clusterIPs": ["1.3.4.5"],
                    "type": "LoadBalancer",
                    "ports": LB_PORTS3 + [{"port": 7777, "protocol": "SCTP"}],
                },
            ),
            False,
            [
                "service2",
                "LoadBalancer",
                "1.3.4.5",
                "<pending>",
                "80/TCP,8090/UDP,8000/TCP,7777/SCTP",
                "<unknown>",
            ],
        ),
        (
            svc(
                "service3",
                {"clusterIPs": ["1.4.5.6"], "type": "LoadBalancer", "ports": LB_PORTS3},
                {"loadBalancer": {"ingress": [{"ip": "2.3.4.5"}]}},
            ),
            False,
            ["service3", "LoadBalancer", "1.4.5.6", "2.3.4.5", "80/TCP,8090/UDP,8000/TCP", "<unknown>"],
        ),
        (
            svc(
                "service4",
                {"clusterIPs": ["1.5.6.7"], "type": "LoadBalancer", "ports": LB_PORTS3},
                LB_INGRESS3,
            ),
            False,
            [
                "service4",
                "LoadBalancer",
                "1.5.6.7",
                "2.3.4.5,3.4.5...",
                "80/TCP,8090/UDP,8000/TCP",
                "<unknown>",
            ],
        ),
        (
            svc(
                "service4",
                {
                    "clusterIPs": ["1.5.6.7"],
                    "type": "LoadBalancer",
                    "ports": LB_PORTS3,
                    "selector": {"foo": "bar"},
                },
                LB_INGRESS3,
            ),
            True,
            [
                "service4",
                "LoadBalancer",
                "1.5.6.7",
                "2.3.4.5,3.4.5.6,5.6.7.8",
                "80/TCP,8090/UDP,8000/TCP",
                "<unknown>",
                "foo=bar",
            ],
        ),
    ],
)
def test_print_service_load_balancer(service, wide, expected):
    assert table_rows(service, NOW, wide=wide) == expected


def test_print_service_rows():
    # TestPrintService (ClusterIP without ClusterIPs prints <none>; nodePort shown as port:nodePort)
    s1 = svc(
        "test1",
        {
            "type": "ClusterIP",
            "ports": [{"protocol": "tcp", "port": 2233}],
            "clusterIPs": ["10.9.8.7"],
            "selector": {"foo": "bar"},
        },
    )
    assert table_rows(s1, NOW, wide=False) == [
        "test1",
        "ClusterIP",
        "10.9.8.7",
        "<none>",
        "2233/tcp",
        "<unknown>",
    ]
    s2 = svc(
        "test2",
        {
            "type": "NodePort",
            "ports": [{"protocol": "tcp", "port": 8888, "nodePort": 9999}],
            "clusterIPs": ["10.9.8.7"],
        },
    )
    assert table_rows(s2, NOW, wide=False)[4] == "8888:9999/tcp"
    s3 = svc(
        "test3",
        {
            "type": "ClusterIP",
            "ports": [{"protocol": "tcp", "port": 80}],
            "externalIPs": ["80.11.12.10", "80.11.12.11"],
        },
    )
    assert table_rows(s3, NOW, wide=False)[2:4] == ["<none>", "80.11.12.10,80.11.12.11"]
    s4 = svc("test4", {"type": "ExternalName", "externalName": "my.database.example.com"})
    assert table_rows(s4, NOW, wide=False)[3:5] == ["my.database.example.com", "<none>"]


def test_kubectl_get_never_clips_load_balancer_addresses():
    # kube-apiserver renders rows with Wide: true (pkg/printers/storage/storage.go); kubectl drops columns.
    s = svc("lb", {"clusterIPs": ["1.5.6.7"], "type": "LoadBalancer", "ports": LB_PORTS3}, LB_INGRESS3)
    assert "2.3.4.5,3.4.5.6,5.6.7.8" in get_table([s], now=NOW)


# --- printers_test.go: Pod ---------------------------------------------------------------------------------


def pod(name, status, n_containers=1, n_init=0):
    return Pod.model_validate(
        {
            "metadata": {"name": name},
            "spec": {
                "containers": [{"name": ""} for _ in range(n_containers)],
                **({"initContainers": [{"name": ""} for _ in range(n_init)]} if n_init else {}),
            },
            "status": status,
        }
    )


def cs(ready=False, restarts=0, state=None, last=None):
    d = {"name": "", "ready": ready, "restartCount": restarts}
    if state is not None:
        d["state"] = state
    if last is not None:
        d["lastState"] = last
    return d


RUNNING = {"running": {}}


def finished(seconds_ago):
    return {"terminated": {"finishedAt": ago(seconds_ago), "exitCode": 0}}


@pytest.mark.parametrize(
    "p,expected",
    [
        (
            pod("test1", {"phase": "podPhase", "containerStatuses": [cs(True, 3, RUNNING), cs(False, 3)]}, 2),
            ["test1", "1/2", "podPhase", "6", "<unknown>"],
        ),
        (
            pod(
                "test2",
                {
                    "phase": "podPhase",
                    "containerStatuses": [
                        cs(True, 3, RUNNING),
                        cs(False, 3, {"waiting": {"reason": "ContainerWaitingReason"}}),
                    ],
                },
                2,
            ),
            ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"],
        ),
        (
            pod(
                "test3",
                {
                    "phase": "podPhase",
                    "containerStatuses": [
                        cs(False, 3, {"waiting": {"reason": "ContainerWaitingReason"}}),
                        cs(False, 3, {"terminated": {"reason": "ContainerTerminatedReason"}}),
                    ],
                },
                2,
            ),
            ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"],
        ),
        (
            pod("test4", {"phase": "podPhase", "containerStatuses": [cs(True, 3, RUNNING), cs(True, 3)]}, 2),
            ["test4", "1/2", "podPhase", "6", "<unknown>"],
        ),
        (
            pod(
                "test5",
                {
                    "reason": "podReason",
                    "phase": "podPhase",
                    "containerStatuses": [cs(True, 3, RUNNING), cs(True, 3)],
                },
                2,
            ),
            ["test5", "1/2", "podReason", "6", "<unknown>"],
        ),
        (
            pod(
                "test6",
                {
                    "phase": "Running",
                    "containerStatuses": [
                        cs(True, 3, {"terminated": {"reason": "Completed", "exitCode": 0}}),
                        cs(True, 3, RUNNING),
                    ],
                },
                2,
            ),
            ["test6", "1/2", "NotReady", "6", "<unknown>"],
        ),
        (
            pod(
                "test6",
                {
                    "phase": "Running",
                    "conditions": [{"type": "Ready", "status": "True"}],
                    "containerStatuses": [
                        cs(True, 3, {"terminated": {"reason": "Completed", "exitCode": 0}}),
                        cs(True, 3, RUNNING),
                    ],
                },
                2,
            ),
            ["test6", "1/2", "Running", "6", "<unknown>"],
        ),
        (
            pod(
                "test7",
                {
                    "phase": "podPhase",
                    "initContainerStatuses": [cs(False, 3, RUNNING, finished(10))],
                    "containerStatuses": [cs(False, 0, {"waiting": {}})],
                },
                1,
                1,
            ),
            ["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"],
        ),
        (
            pod(
                "test8",
                {
                    "phase": "podPhase",
                    "initContainerStatuses": [
                        cs(False, 3, RUNNING, finished(10)),
                        cs(False, 0, {"waiting": {}}),
                    ],
                    "containerStatuses": [cs(False, 0, {"waiting": {}})],
                },
                1,
                2,
            ),
            ["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"],
        ),
        (
            pod(
                "test9",
                {
                    "phase": "podPhase",
                    "initContainerStatuses": [
                        cs(False, 0, {"terminated": {}}),
                        cs(False, 3, RUNNING, finished(10)),
                    ],
                    "containerStatuses": [cs(False, 0, {"waiting": {}})],
                },
                1,
                2,
            ),
            ["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"],
        ),
        (
            pod(
                "test10",
                {
                    "phase": "podPhase",
                    "initContainerStatuses": [
                        cs(False, 2, {"terminated": {}}, finished(120)),
                        cs(False, 3, RUNNING, finished(10)),
                    ],
                    "containerStatuses": [cs(False, 0, {"waiting": {}})],
                },
                1,
                2,
            ),
            ["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"],
        ),
        (
            pod(
                "test11",
                {
                    "phase": "Running",
                    "initContainerStatuses": [cs(False, 2, {"terminated": {}}, finished(120))],
                    "containerStatuses": [cs(False, 4, RUNNING, finished(20))],
                },
                1,
                1,
            ),
            ["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"],
        ),
        (
            pod("test12", {"phase": "Running", "containerStatuses": [cs(True, 3, RUNNING, finished(5 * D))]}),
            ["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"],
        ),
        (
            pod(
                "test13",
                {
                    "phase": "Running",
                    "containerStatuses": [cs(True, 0, RUNNING), cs(True, 3, RUNNING, finished(10 * D))],
                },
                2,
            ),
            ["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"],
        ),
    ],
)
def test_print_pod(p, expected):
    assert table_rows(p, NOW, wide=False) == expected


def test_print_pod_wide_and_terminating():
    p = Pod.model_validate(
        {
            "metadata": {"name": "p", "deletionTimestamp": ago(10)},
            "spec": {"containers": [{"name": "c"}], "nodeName": "kind-worker"},
            "status": {
                "phase": "Running",
                "podIPs": [{"ip": "10.244.1.2"}],
                "containerStatuses": [cs(True, 0, RUNNING)],
            },
        }
    )
    assert table_rows(p, NOW) == [
        "p",
        "1/1",
        "Terminating",
        "0",
        "<unknown>",
        "10.244.1.2",
        "kind-worker",
        "<none>",
        "<none>",
    ]


# --- printers_test.go: Node --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "addresses,internal,external",
    [
        ([{"type": "ExternalIP", "address": "1.1.1.1"}], "<none>", "1.1.1.1"),
        ([{"type": "InternalIP", "address": "1.1.1.1"}], "1.1.1.1", "<none>"),
        (
            [
                {"type": "ExternalIP", "address": "2.2.2.2"},
                {"type": "InternalIP", "address": "3.3.3.3"},
                {"type": "ExternalIP", "address": "4.4.4.4"},
            ],
            "3.3.3.3",
            "2.2.2.2",
        ),
    ],
)
def test_print_node_addresses(addresses, internal, external):
    n = Node.model_validate({"metadata": {"name": "foo"}, "status": {"addresses": addresses}})
    assert table_rows(n, NOW) == [
        "foo",
        "Unknown",
        "<none>",
        "<unknown>",
        "",
        internal,
        external,
        "<unknown>",
        "<unknown>",
        "<unknown>",
    ]


def test_print_node_status_roles():
    n = Node.model_validate(
        {
            "metadata": {
                "name": "kind-control-plane",
                "labels": {"node-role.kubernetes.io/control-plane": ""},
            },
            "spec": {"unschedulable": True},
            "status": {
                "conditions": [{"type": "Ready", "status": "False"}],
                "nodeInfo": {"kubeletVersion": "v1.34.0"},
            },
        }
    )
    assert table_rows(n, NOW, wide=False) == [
        "kind-control-plane",
        "NotReady,SchedulingDisabled",
        "control-plane",
        "<unknown>",
        "v1.34.0",
    ]


# --- printers_test.go: EndpointSlice (full printer, NoHeaders) -------------------------------------------


def eps(name, created, ports, endpoints):
    return EndpointSlice.model_validate(
        {
            "metadata": {"name": name, "creationTimestamp": created},
            "addressType": "IP",
            "ports": ports,
            "endpoints": endpoints,
        }
    )


HTTP = {"name": "http", "port": 80, "protocol": "TCP"}
HTTPS = {"name": "https", "port": 443, "protocol": "TCP"}
EP1 = {"addresses": ["10.1.2.3", "2001:db8::1234:5678"]}
EP2 = {"addresses": ["10.2.3.4", "2001:db8::2345:6789"]}


@pytest.mark.parametrize(
    "s,expect",
    [
        (
            eps("abcslice.123", (NOW + timedelta(seconds=1.9)).isoformat(), [HTTP], [EP1]),
            "abcslice.123   IP    80    10.1.2.3,2001:db8::1234:5678   0s\n",
        ),
        (
            eps("longerslicename.123", ago(300), [HTTP, HTTPS], [EP1, EP2]),
            "longerslicename.123   IP    80,443   10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...   5m\n",
        ),
        (
            eps(
                "multiportslice.123",
                ago(300),
                [
                    HTTP,
                    HTTPS,
                    {"name": "extra1", "port": 3000, "protocol": "TCP"},
                    {"name": "extra2", "port": 3001, "protocol": "TCP"},
                ],
                [EP1, EP2],
            ),
            "multiportslice.123   IP    80,443,3000 + 1 more...   10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...   5m\n",
        ),
    ],
)
def test_print_endpoint_slice(s, expect):
    assert get_table([s], now=NOW, no_headers=True) == expect


# --- Endpoints / Deployment / ReplicaSet / Event ------------------------------------------------------------


def test_print_endpoints_more():
    ep = Endpoints.model_validate(
        {
            "metadata": {"name": "web"},
            "subsets": [
                {
                    "addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 5)],
                    "ports": [{"port": 80}, {"port": 443}],
                }
            ],
        }
    )
    # formatEndpoints counts every address of every port: 8 entries, 3 printed
    assert table_rows(ep, NOW)[1] == "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more..."
    assert table_rows(Endpoints(metadata={"name": "e"}), NOW)[1] == "<none>"


def test_print_deployment_and_replicaset():
    d = Deployment.model_validate(
        {
            "metadata": {"name": "nginx", "creationTimestamp": ago(7)},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {
                        "containers": [
                            {"name": "nginx", "image": "nginx:1.27"},
                            {"name": "side", "image": "busybox"},
                        ]
                    },
                },
            },
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
        }
    )
    assert table_rows(d, NOW) == [
        "nginx",
        "2/3",
        "3",
        "2",
        "7s",
        "nginx,side",
        "nginx:1.27,busybox",
        "app=nginx",
    ]
    rs = ReplicaSet.model_validate(
        {
            "metadata": {"name": "nginx-5d9c"},
            "spec": {
                "replicas": 3,
                "selector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]}]},
            },
        }
    )
    assert table_rows(rs, NOW) == ["nginx-5d9c", "3", "0", "0", "<unknown>", "", "", "tier in (a,b)"]


def test_print_event():
    e = Event.model_validate(
        {
            "metadata": {"name": "nginx.1"},
            "involvedObject": {"kind": "Pod", "name": "nginx"},
            "reason": "Scheduled",
            "type": "Normal",
            "message": "Successfully assigned\n",
            "source": {"component": "default-scheduler"},
            "firstTimestamp": ago(65),
            "lastTimestamp": ago(65),
        }
    )
    assert table_rows(e, NOW, wide=False) == [
        "65s",
        "Normal",
        "Scheduled",
        "pod/nginx",
        "Successfully assigned",
    ]
    assert table_rows(e, NOW)[4:] == ["", "default-scheduler", "Successfully assigned", "65s", "1", "nginx.1"]


# --- whole tables ------------------------------------------------------------------------------------------


def test_article_style_table():
    # The layout of the article's `kubectl get svc` (columns padded to the widest cell + 3).
    k = svc(
        "kubernetes",
        {"type": "ClusterIP", "clusterIPs": ["10.96.0.1"], "ports": [{"port": 443, "protocol": "TCP"}]},
    )
    k.metadata.creationTimestamp = NOW - timedelta(days=1)
    n = svc(
        "nginx-svc",
        {"type": "ClusterIP", "clusterIPs": ["10.96.45.12"], "ports": [{"port": 80, "protocol": "TCP"}]},
    )
    n.metadata.creationTimestamp = NOW - timedelta(seconds=7)
    assert get_table([k, n], now=NOW) == (
        "NAME         TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE\n"
        "kubernetes   ClusterIP   10.96.0.1     <none>        443/TCP   24h\n"
        "nginx-svc    ClusterIP   10.96.45.12   <none>        80/TCP    7s\n"
    )


def test_several_kinds_blank_line_kind_prefix_and_reset_widths():
    s = svc(
        "a-rather-long-service-name",
        {"type": "ClusterIP", "clusterIPs": ["10.96.0.9"], "ports": [{"port": 80, "protocol": "TCP"}]},
    )
    d = Deployment.model_validate({"metadata": {"name": "web"}, "spec": {"replicas": 1}})
    out = get_table([s, d], now=NOW, show_kind=True)
    assert out == (
        "NAME                                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/a-rather-long-service-name   ClusterIP   10.96.0.9    <none>        80/TCP    <unknown>\n"
        "\n"
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web   0/1     0            0           <unknown>\n"
    )


def test_namespace_column_and_empty():
    s = svc("x", {"type": "ClusterIP", "clusterIPs": ["None"], "ports": []})
    s.metadata.namespace = "kube-system"
    assert get_table([s], namespace_column=True) == (
        "NAMESPACE     NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "kube-system   x      ClusterIP   None         <none>        <none>    <unknown>\n"
    )
    assert get_table([]) == ""


# --- -o yaml / -o json ---------------------------------------------------------------------------------------


def test_yaml_literal_block_for_last_applied():
    s = svc("web", {"type": "ClusterIP"})
    s.metadata.annotations = {"kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"v1"}\n'}
    text = to_yaml([s])
    assert (
        "metadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n"
        '      {"apiVersion":"v1"}\n  name: web\n'
    ) in text


def test_yaml_list_wrapper_and_quoting():
    a, b = svc("a", {"type": "ClusterIP"}), svc("b", {"type": "ClusterIP"})
    text = to_yaml([a, b], single=False)
    assert text.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n")
    assert text.endswith('kind: List\nmetadata:\n  resourceVersion: ""\n')
    assert go_yaml({"a": "true", "b": "*", "c": "1.5", "d": "app=web", "e": "has: colon"}) == (
        "a: \"true\"\nb: '*'\nc: \"1.5\"\nd: app=web\ne: 'has: colon'\n"
    )


def test_json_is_go_marshal_indent():
    s = svc("a", {"selector": {"app": "<x>"}})
    assert to_json([s]).splitlines()[8] == '            "app": "\\u003cx\\u003e"'
