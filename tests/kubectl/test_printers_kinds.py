"""``kubectl get`` columns of the kinds beyond Pod/Service/Deployment: the cases of kubernetes/kubernetes
``pkg/printers/internalversion/printers_test.go`` (TestPrintSecret, TestPrintServiceAccount, TestPrintPodTemplate,
TestPrintDaemonSet, TestPrintJob, TestPrintHPA, TestPrintPodDisruptionBudget, TestPrintControllerRevision,
TestPrintConfigMap, TestPrintNetworkPolicy, TestPrintRoleBinding, TestPrintClusterRoleBinding,
TestPrintReplicationController, TestPrintPersistentVolume, TestPrintPersistentVolumeClaim, TestPrintCronJob,
TestPrintStorageClass, TestPrintLease, TestPrintPriorityClass, TestPrintRuntimeClass, TestPrintResourceQuota).

Upstream builds times with ``time.Now().Add(1.9e9)`` (1.9 s ahead: "0s"), ``Add(-3e11)`` (5 minutes ago) and
so on; here they are relative to a fixed ``NOW``. Cells upstream holds as ``int64``/``bool`` are compared as
kubectl prints them (``5``, ``false``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from k8snet.api.registry import kind_class
from k8snet.kubectl.printers import get_table, table_rows

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def at(seconds: float) -> str:
    """A timestamp ``seconds`` from NOW (negative: in the past), RFC 3339 to the second as the API has it."""
    return (NOW + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


SOON = at(1.9)  # time.Now().Add(1.9e9): "0s"
FIVE_MIN_AGO = at(-300)  # Add(-3e11): "5m"


def obj(kind: str, body: dict):
    return kind_class(kind).model_validate({"kind": kind, **body})


def rows(kind: str, body: dict, wide: bool = False) -> list[str]:
    return table_rows(obj(kind, body), NOW, wide=wide)


TWO_CONTAINERS = {
    "containers": [
        {"name": "fake-container1", "image": "fake-image1"},
        {"name": "fake-container2", "image": "fake-image2"},
    ]
}
JOB_CONTAINERS = {
    "containers": [
        {"name": "fake-job-container1", "image": "fake-job-image1"},
        {"name": "fake-job-container2", "image": "fake-job-image2"},
    ]
}


def test_secret():
    meta = {"name": "secret1", "creationTimestamp": SOON}
    body = {
        "metadata": meta,
        "type": "kubernetes.io/service-account-token",
        "data": {"token": "c2VjcmV0IGRhdGE="},
    }
    assert rows("Secret", body) == ["secret1", "kubernetes.io/service-account-token", "1", "0s"]
    body = {"metadata": meta, "type": "kubernetes.io/service-account-token"}
    assert rows("Secret", body) == ["secret1", "kubernetes.io/service-account-token", "0", "0s"]


def test_service_account():
    meta = {"name": "sa1", "creationTimestamp": SOON}
    assert rows("ServiceAccount", {"metadata": meta, "secrets": []}) == ["sa1", "0", "0s"]
    two = {"metadata": meta, "secrets": [{"name": "Secret1"}, {"name": "Secret2"}]}
    assert rows("ServiceAccount", two) == ["sa1", "2", "0s"]


@pytest.mark.parametrize(
    "template, expected",
    [
        (
            {"metadata": {"name": "pod-template-1"}, "spec": {"containers": []}},
            ["pod-template-1", "", "", "<none>"],
        ),
        (
            {
                "metadata": {"name": "pod-template-2"},
                "spec": {
                    "containers": [
                        {"name": "fake-container1", "image": "fake-image1"},
                        {"name": "fake-container2", "image": "fake-image2"},
                    ]
                },
            },
            ["pod-template-2", "fake-container1,fake-container2", "fake-image1,fake-image2", "<none>"],
        ),
        (
            {"metadata": {"name": "pod-template-3", "labels": {"foo": "bar"}}, "spec": {"containers": []}},
            ["pod-template-3", "", "", "foo=bar"],
        ),
    ],
)
def test_pod_template(template, expected):
    body = {"metadata": {"name": template["metadata"]["name"]}, "template": template}
    assert rows("PodTemplate", body) == expected


def test_daemon_set():
    body = {
        "metadata": {"name": "test1", "creationTimestamp": SOON},
        "spec": {"template": {"spec": TWO_CONTAINERS}, "selector": {"matchLabels": {"foo": "bar"}}},
        "status": {
            "currentNumberScheduled": 2,
            "desiredNumberScheduled": 3,
            "numberReady": 1,
            "updatedNumberScheduled": 2,
            "numberAvailable": 0,
        },
    }
    assert rows("DaemonSet", body) == ["test1", "3", "2", "1", "2", "0", "<none>", "0s"]
    assert rows("DaemonSet", body, wide=True) == [
        "test1", "3", "2", "1", "2", "0", "<none>", "0s",
        "fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar",
    ]  # fmt: skip


def _job(name, created, spec=None, status=None, deleted=None):
    meta = {"name": name, "creationTimestamp": created}
    if deleted:
        meta["deletionTimestamp"] = deleted
    return {
        "metadata": meta,
        "spec": spec or {"template": {"spec": {"containers": []}}},
        "status": status or {},
    }


JOB_SPEC = {
    "completions": 2,
    "template": {"spec": JOB_CONTAINERS},
    "selector": {"matchLabels": {"job-label": "job-label-value"}},
}


@pytest.mark.parametrize(
    "job, expected",
    [
        (_job("job1", SOON, JOB_SPEC, {"succeeded": 1}), ["job1", "Running", "1/2", "", "0s"]),
        (_job("job2", at(-10 * 365 * 86400 - 3 * 86400)), ["job2", "Running", "0/1", "", "10y"]),
        (
            _job("job3", at(-10 * 365 * 86400), status={"startTime": at(60), "completionTime": at(31 * 60)}),
            ["job3", "Running", "0/1", "30m", "10y"],
        ),
        (
            _job("job4", at(-10 * 365 * 86400), status={"startTime": at(-20 * 60)}),
            ["job4", "Running", "0/1", "20m", "10y"],
        ),
        (
            _job("job5", SOON, status={"conditions": [{"type": "Complete", "status": "True"}]}),
            ["job5", "Complete", "0/1", "", "0s"],
        ),
        (
            _job("job6", SOON, status={"conditions": [{"type": "Failed", "status": "True"}]}),
            ["job6", "Failed", "0/1", "", "0s"],
        ),
        (
            _job("job7", SOON, status={"conditions": [{"type": "Suspended", "status": "True"}]}),
            ["job7", "Suspended", "0/1", "", "0s"],
        ),
        (
            _job("job8", SOON, status={"conditions": [{"type": "FailureTarget", "status": "True"}]}),
            ["job8", "FailureTarget", "0/1", "", "0s"],
        ),
        (_job("job9", SOON, deleted=SOON), ["job9", "Terminating", "0/1", "", "0s"]),
    ],
)
def test_job(job, expected):
    assert rows("Job", job) == expected


def test_job_wide():
    assert rows("Job", _job("job1", SOON, JOB_SPEC, {"succeeded": 1}), wide=True) == [
        "job1", "Running", "1/2", "", "0s",
        "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2", "job-label=job-label-value",
    ]  # fmt: skip


def test_job_list():
    table = get_table(
        [
            obj("Job", _job("job1", SOON, JOB_SPEC, {"succeeded": 1})),
            obj("Job", _job("job2", SOON, JOB_SPEC, {"succeeded": 2, "startTime": at(-20 * 60)})),
        ],
        now=NOW,
    )
    assert table == (
        "NAME   STATUS    COMPLETIONS   DURATION   AGE\n"
        "job1   Running   1/2                      0s\n"
        "job2   Running   2/2           20m        0s\n"
    )


def _hpa(metrics=None, current=None, min_replicas=2):
    spec = {"scaleTargetRef": {"name": "some-rc", "kind": "ReplicationController"}, "maxReplicas": 10}
    if min_replicas is not None:
        spec["minReplicas"] = min_replicas
    if metrics is not None:
        spec["metrics"] = metrics
    status = {"currentReplicas": 4, "desiredReplicas": 5}
    if current is not None:
        status["currentMetrics"] = current
    return {"metadata": {"name": "some-hpa"}, "spec": spec, "status": status}


SELECTOR = {"matchLabels": {"label": "value"}}
EXTERNAL_AVG = [
    {
        "type": "External",
        "external": {
            "metric": {"name": "some-external-metric", "selector": SELECTOR},
            "target": {"type": "AverageValue", "averageValue": "100m"},
        },
    }
]
EXTERNAL_VALUE = [
    {
        "type": "External",
        "external": {
            "metric": {"name": "some-external-metric", "selector": SELECTOR},
            "target": {"type": "Value", "value": "100m"},
        },
    }
]
PODS = {
    "type": "Pods",
    "pods": {
        "metric": {"name": "some-pods-metric"},
        "target": {"type": "AverageValue", "averageValue": "100m"},
    },
}
OBJECT = {
    "type": "Object",
    "object": {
        "describedObject": {"name": "some-service", "kind": "Service"},
        "metric": {"name": "some-service-metric"},
        "target": {"type": "Value", "value": "100m"},
    },
}
CPU_VALUE = {
    "type": "Resource",
    "resource": {"name": "cpu", "target": {"type": "AverageValue", "averageValue": "100m"}},
}
CPU_UTIL = {
    "type": "Resource",
    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
}
CONTAINER_UTIL = {
    "type": "ContainerResource",
    "containerResource": {
        "name": "cpu",
        "container": "application",
        "target": {"type": "Utilization", "averageUtilization": 80},
    },
}


@pytest.mark.parametrize(
    "hpa, targets, min_pods",
    [
        (_hpa(min_replicas=None), "<none>", "<unset>"),
        (_hpa(EXTERNAL_AVG), "<unknown>/100m (avg)", "2"),
        (
            _hpa(
                EXTERNAL_AVG,
                [
                    {
                        "type": "External",
                        "external": {
                            "metric": {"name": "some-external-metric", "selector": SELECTOR},
                            "current": {"averageValue": "50m"},
                        },
                    }
                ],
            ),
            "50m/100m (avg)",
            "2",
        ),
        (_hpa(EXTERNAL_VALUE), "<unknown>/100m", "2"),
        (
            _hpa(
                EXTERNAL_VALUE,
                [
                    {
                        "type": "External",
                        "external": {"metric": {"name": "some-external-metric"}, "current": {"value": "50m"}},
                    }
                ],
            ),
            "50m/100m",
            "2",
        ),
        (_hpa([PODS]), "<unknown>/100m", "2"),
        (
            _hpa(
                [PODS],
                [
                    {
                        "type": "Pods",
                        "pods": {"metric": {"name": "some-pods-metric"}, "current": {"averageValue": "50m"}},
                    }
                ],
            ),
            "50m/100m",
            "2",
        ),
        (_hpa([OBJECT]), "<unknown>/100m", "2"),
        (
            _hpa(
                [OBJECT],
                [
                    {
                        "type": "Object",
                        "object": {
                            "describedObject": {"name": "some-service", "kind": "Service"},
                            "metric": {"name": "some-service-metric"},
                            "current": {"value": "50m"},
                        },
                    }
                ],
            ),
            "50m/100m",
            "2",
        ),
        (_hpa([CPU_VALUE]), "cpu: <unknown>/100m", "2"),
        (
            _hpa(
                [CPU_VALUE],
                [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageValue": "50m"}}}],
            ),
            "cpu: 50m/100m",
            "2",
        ),
        (_hpa([CPU_UTIL]), "cpu: <unknown>/80%", "2"),
        (
            _hpa(
                [CPU_UTIL],
                [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "current": {"averageUtilization": 50, "averageValue": "40m"},
                        },
                    }
                ],
            ),
            "cpu: 50%/80%",
            "2",
        ),
        (_hpa([CONTAINER_UTIL]), "cpu: <unknown>/80%", "2"),
        (
            _hpa(
                [CONTAINER_UTIL],
                [
                    {
                        "type": "ContainerResource",
                        "containerResource": {
                            "name": "cpu",
                            "container": "application",
                            "current": {"averageUtilization": 50, "averageValue": "40m"},
                        },
                    }
                ],
            ),
            "cpu: 50%/80%",
            "2",
        ),
        (
            _hpa(
                [
                    PODS,
                    CPU_UTIL,
                    {
                        "type": "Pods",
                        "pods": {
                            "metric": {"name": "other-pods-metric"},
                            "target": {"type": "AverageValue", "averageValue": "400m"},
                        },
                    },
                ],
                [
                    {
                        "type": "Pods",
                        "pods": {"metric": {"name": "some-pods-metric"}, "current": {"averageValue": "50m"}},
                    },
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "current": {"averageUtilization": 50, "averageValue": "40m"},
                        },
                    },
                ],
            ),
            "50m/100m, cpu: 50%/80% + 1 more...",
            "2",
        ),
    ],
)
def test_hpa(hpa, targets, min_pods):
    assert rows("HorizontalPodAutoscaler", hpa) == [
        "some-hpa", "ReplicationController/some-rc", targets, min_pods, "10", "4", "<unknown>",
    ]  # fmt: skip


def test_pod_disruption_budget():
    min_available = {"metadata": {"namespace": "ns1", "name": "pdb1", "creationTimestamp": SOON},
                     "spec": {"minAvailable": 22}, "status": {"disruptionsAllowed": 5}}  # fmt: skip
    assert rows("PodDisruptionBudget", min_available) == ["pdb1", "22", "N/A", "5", "0s"]
    max_unavailable = {"metadata": {"namespace": "ns2", "name": "pdb2", "creationTimestamp": SOON},
                       "spec": {"maxUnavailable": 11}, "status": {"disruptionsAllowed": 5}}  # fmt: skip
    assert rows("PodDisruptionBudget", max_unavailable) == ["pdb2", "N/A", "11", "5", "0s"]


@pytest.mark.parametrize(
    "owners, controller",
    [
        ([{"controller": True, "apiVersion": "apps/v1", "kind": "DaemonSet", "name": "foo", "uid": "u"}],
         "daemonset.apps/foo"),
        ([{"controller": False, "apiVersion": "v1", "kind": "ABC", "name": "foo", "uid": "u"}], "<none>"),
        ([], "<none>"),
        (None, "<none>"),
    ],
)  # fmt: skip
def test_controller_revision(owners, controller):
    meta = {"name": "test1", "creationTimestamp": SOON}
    if owners is not None:
        meta["ownerReferences"] = owners
    assert rows("ControllerRevision", {"metadata": meta, "revision": 1}) == ["test1", controller, "1", "0s"]


def test_config_map():
    meta = {"name": "configmap1", "creationTimestamp": SOON}
    assert rows("ConfigMap", {"metadata": meta}) == ["configmap1", "0", "0s"]
    assert rows("ConfigMap", {"metadata": meta, "data": {"foo": "bar"}}) == ["configmap1", "1", "0s"]
    both = {"metadata": meta, "data": {"foo": "bar"}, "binaryData": {"bin": "YmluYXJ5IGRhdGE="}}
    assert rows("ConfigMap", both) == ["configmap1", "2", "0s"]


def test_network_policy():
    meta = {"name": "policy1", "creationTimestamp": SOON}
    assert rows("NetworkPolicy", {"metadata": meta, "spec": {}}) == ["policy1", "<none>", "0s"]
    with_selector = {"metadata": meta, "spec": {"podSelector": {"matchLabels": {"foo": "bar"}}}}
    assert rows("NetworkPolicy", with_selector) == ["policy1", "foo=bar", "0s"]


@pytest.mark.parametrize("kind", ["RoleBinding", "ClusterRoleBinding"])
def test_bindings(kind):
    basic = {
        "metadata": {"name": "binding1", "creationTimestamp": SOON},
        "subjects": [{"kind": "User", "name": "system:kube-controller-manager"}],
        "roleRef": {
            "kind": "Role",
            "name": "extension-apiserver-authentication-reader",
            "apiGroup": "rbac.authorization.k8s.io",
        },
    }
    assert rows(kind, basic) == ["binding1", "Role/extension-apiserver-authentication-reader", "0s"]
    wide = {
        "metadata": {"name": "binding2", "creationTimestamp": SOON},
        "subjects": [
            {"kind": "User", "name": "user-name"},
            {"kind": "Group", "name": "group-name"},
            {
                "kind": "ServiceAccount",
                "name": "service-account-name",
                "namespace": "service-account-namespace",
            },
        ],
        "roleRef": {"kind": "Role", "name": "role-name", "apiGroup": "rbac.authorization.k8s.io"},
    }
    assert rows(kind, wide, wide=True) == [
        "binding2", "Role/role-name", "0s", "user-name", "group-name",
        "service-account-namespace/service-account-name",
    ]  # fmt: skip


def _rc(replicas, status=None, name="rc1"):
    return {
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"a": "b"},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "test", "image": "test_image"}]},
            },
        },
        "status": status or {},
    }


def test_replication_controller():
    assert rows("ReplicationController", _rc(0)) == ["rc1", "0", "0", "0", "<unknown>"]
    with_status = _rc(5, {"replicas": 3, "readyReplicas": 1})
    assert rows("ReplicationController", with_status) == ["rc1", "5", "3", "1", "<unknown>"]
    assert rows("ReplicationController", with_status, wide=True) == [
        "rc1", "5", "3", "1", "<unknown>", "test", "test_image", "a=b",
    ]  # fmt: skip


CLAIM = {"namespace": "default", "name": "test"}


@pytest.mark.parametrize(
    "phase, vac, expected_vac",
    [("Pending", None, "<unset>"), ("Pending", "my-vacn", "my-vacn"), ("Available", None, "<unset>"),
     ("Released", None, "<unset>")],
)  # fmt: skip
def test_persistent_volume(phase, vac, expected_vac):
    spec = {
        "claimRef": CLAIM,
        "storageClassName": "my-scn",
        "accessModes": ["ReadWriteOnce"],
        "capacity": {"storage": "10Gi"},
        "hostPath": {"path": "/data"},
    }
    if vac:
        spec["volumeAttributesClassName"] = vac
    pv = {"metadata": {"name": "test4"}, "spec": spec, "status": {"phase": phase}}
    assert rows("PersistentVolume", pv) == [
        "test4", "10Gi", "RWO", "", phase, "default/test", "my-scn", expected_vac, "", "<unknown>",
    ]  # fmt: skip
    assert rows("PersistentVolume", pv, wide=True)[-1] == "<unset>"  # VOLUMEMODE


@pytest.mark.parametrize(
    "spec, status, expected",
    [
        (
            {"volumeName": "my-volume", "volumeMode": "Filesystem"},
            {"phase": "Bound", "accessModes": ["ReadOnlyMany"], "capacity": {"storage": "4Gi"}},
            ["test1", "Bound", "my-volume", "4Gi", "ROX", "", "<unset>", "<unknown>", "Filesystem"],
        ),
        (
            {"volumeMode": "Filesystem"},
            {"phase": "Lost", "accessModes": ["ReadOnlyMany"], "capacity": {"storage": "4Gi"}},
            ["test1", "Lost", "", "", "", "", "<unset>", "<unknown>", "Filesystem"],
        ),
        (
            {"volumeName": "my-volume", "volumeMode": "Filesystem"},
            {"phase": "Pending", "accessModes": ["ReadWriteMany"], "capacity": {"storage": "10Gi"}},
            ["test1", "Pending", "my-volume", "10Gi", "RWX", "", "<unset>", "<unknown>", "Filesystem"],
        ),
        (
            {"volumeName": "my-volume", "storageClassName": "my-scn", "volumeMode": "Filesystem"},
            {"phase": "Pending", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"}},
            ["test1", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "<unset>", "<unknown>", "Filesystem"],
        ),
        (
            {"volumeName": "my-volume", "storageClassName": "my-scn"},
            {"phase": "Pending", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"}},
            ["test1", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "<unset>", "<unknown>", "<unset>"],
        ),
        (
            {"volumeName": "my-volume", "storageClassName": "my-scn", "volumeAttributesClassName": "my-vacn"},
            {"phase": "Pending", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"}},
            ["test1", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "my-vacn", "<unknown>", "<unset>"],
        ),
    ],
)
def test_persistent_volume_claim(spec, status, expected):
    pvc = {"metadata": {"name": "test1"}, "spec": {**spec, "resources": {"requests": {"storage": "1Gi"}}},
           "status": status}  # fmt: skip
    assert rows("PersistentVolumeClaim", pvc, wide=True) == expected


def _cron(name, created, last=None, tz=None, template=True):
    spec: dict = {"schedule": "0/5 * * * ?", "suspend": False,
                  "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}  # fmt: skip
    if tz:
        spec["timeZone"] = tz
    if template:
        spec["jobTemplate"] = {
            "spec": {
                "completions": 2,
                "template": {"spec": JOB_CONTAINERS},
                "selector": {"matchLabels": {"a": "b"}},
            }
        }
    return {
        "metadata": {"name": name, "creationTimestamp": created},
        "spec": spec,
        "status": {"lastScheduleTime": last} if last else {},
    }


def test_cron_job():
    assert rows("CronJob", _cron("cronjob1", SOON, SOON)) == [
        "cronjob1", "0/5 * * * ?", "<none>", "False", "0", "0s", "0s",
    ]  # fmt: skip
    assert rows("CronJob", _cron("cronjob1", SOON, SOON, tz="LOCAL")) == [
        "cronjob1", "0/5 * * * ?", "LOCAL", "False", "0", "0s", "0s",
    ]  # fmt: skip
    assert rows("CronJob", _cron("cronjob1", SOON, SOON), wide=True) == [
        "cronjob1", "0/5 * * * ?", "<none>", "False", "0", "0s", "0s",
        "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2", "a=b",
    ]  # fmt: skip
    assert rows("CronJob", _cron("cronjob2", FIVE_MIN_AGO, at(-30), template=False)) == [
        "cronjob2", "0/5 * * * ?", "<none>", "False", "0", "30s", "5m",
    ]  # fmt: skip
    assert rows("CronJob", _cron("cronjob3", FIVE_MIN_AGO, template=False)) == [
        "cronjob3", "0/5 * * * ?", "<none>", "False", "0", "<none>", "5m",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "extra, created, expected",
    [
        ({"provisioner": "kubernetes.io/glusterfs"}, SOON,
         ["sc1", "kubernetes.io/glusterfs", "Delete", "Immediate", "false", "0s"]),
        ({"provisioner": "kubernetes.io/nfs"}, FIVE_MIN_AGO,
         ["sc1", "kubernetes.io/nfs", "Delete", "Immediate", "false", "5m"]),
        ({"provisioner": "kubernetes.io/nfs", "reclaimPolicy": "Delete"}, FIVE_MIN_AGO,
         ["sc1", "kubernetes.io/nfs", "Delete", "Immediate", "false", "5m"]),
        ({"provisioner": "kubernetes.io/nfs", "reclaimPolicy": "Retain", "volumeBindingMode": "Immediate"},
         FIVE_MIN_AGO, ["sc1", "kubernetes.io/nfs", "Retain", "Immediate", "false", "5m"]),
        ({"provisioner": "kubernetes.io/nfs", "reclaimPolicy": "Retain", "volumeBindingMode": "WaitForFirstConsumer"},
         FIVE_MIN_AGO, ["sc1", "kubernetes.io/nfs", "Retain", "WaitForFirstConsumer", "false", "5m"]),
        ({"provisioner": "kubernetes.io/nfs", "reclaimPolicy": "Retain", "allowVolumeExpansion": True,
          "volumeBindingMode": "WaitForFirstConsumer"},
         FIVE_MIN_AGO, ["sc1", "kubernetes.io/nfs", "Retain", "WaitForFirstConsumer", "true", "5m"]),
    ],
)  # fmt: skip
def test_storage_class(extra, created, expected):
    assert (
        rows("StorageClass", {"metadata": {"name": "sc1", "creationTimestamp": created}, **extra}) == expected
    )


def test_lease():
    lease = {"metadata": {"name": "lease1", "creationTimestamp": SOON}, "spec": {"holderIdentity": "holder1"}}
    assert rows("Lease", lease) == ["lease1", "holder1", "0s"]
    lease = {
        "metadata": {"name": "lease2", "creationTimestamp": FIVE_MIN_AGO},
        "spec": {"holderIdentity": "holder2"},
    }
    assert rows("Lease", lease) == ["lease2", "holder2", "5m"]


def test_priority_class():
    pc1 = {"metadata": {"name": "pc1", "creationTimestamp": SOON}, "value": 1, "preemptionPolicy": "Never"}
    assert rows("PriorityClass", pc1) == ["pc1", "1", "false", "0s"]
    pc2 = {"metadata": {"name": "pc2", "creationTimestamp": FIVE_MIN_AGO}, "value": 1000000000,
           "globalDefault": True, "preemptionPolicy": "PreemptLowerPriority"}  # fmt: skip
    assert rows("PriorityClass", pc2) == ["pc2", "1000000000", "true", "5m"]
    assert rows("PriorityClass", pc2, wide=True) == [
        "pc2",
        "1000000000",
        "true",
        "5m",
        "PreemptLowerPriority",
    ]
    del pc2["preemptionPolicy"]
    assert rows("PriorityClass", pc2, wide=True) == ["pc2", "1000000000", "true", "5m", ""]


def test_runtime_class():
    assert rows("RuntimeClass", {"metadata": {"name": "rc1", "creationTimestamp": SOON}, "handler": "h1"}) == [
        "rc1", "h1", "0s",
    ]  # fmt: skip
    assert rows("RuntimeClass", {"metadata": {"name": "rc2", "creationTimestamp": FIVE_MIN_AGO}, "handler": "h2"}) == [
        "rc2", "h2", "5m",
    ]  # fmt: skip


def test_resource_quota():
    rq = {
        "metadata": {"name": "test-resourcequota", "creationTimestamp": FIVE_MIN_AGO},
        "spec": {},
        "status": {
            "used": {"cpu": "1", "memory": "1Gi", "pods": "1", "services": "1", "replicationcontrollers": "1",
                     "resourcequotas": "1", "limits.cpu": "2", "limits.memory": "2Gi"},
            "hard": {"cpu": "100", "memory": "4Gi", "pods": "10", "services": "10", "replicationcontrollers": "10",
                     "resourcequotas": "1", "limits.cpu": "200", "limits.memory": "8Gi"},
        },
    }  # fmt: skip
    assert rows("ResourceQuota", rq) == [
        "test-resourcequota",
        "cpu: 1/100, memory: 1Gi/4Gi, pods: 1/10, replicationcontrollers: 1/10, resourcequotas: 1/1, services: 1/10",
        "limits.cpu: 2/200, limits.memory: 2Gi/8Gi",
        "5m",
    ]


def test_kinds_without_a_printer_get_name_and_created_at():
    # rest.defaultTableConvertor (k8s.io/apiserver pkg/registry/rest/table.go): NAME and CREATED AT, the
    # creation timestamp in RFC 3339 — what `kubectl get roles` shows
    role = obj("Role", {"metadata": {"name": "reader", "namespace": "default", "creationTimestamp": at(-3600)},
                        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]})  # fmt: skip
    assert get_table([role], now=NOW) == "NAME     CREATED AT\nreader   2026-03-01T11:00:00Z\n"


def test_get_priorityclass_shows_the_preemption_policy():
    # the server generates rows with Wide: true and the column has priority 0
    pc = obj(
        "PriorityClass", {"metadata": {"name": "high", "creationTimestamp": FIVE_MIN_AGO}, "value": 1000}
    )
    assert get_table([pc], now=NOW) == (
        "NAME   VALUE   GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY\nhigh   1000    false            5m    \n"
    )


TEN_YEARS_AGO = at(-10 * 365 * 86400)


def test_ingress():
    ing = {
        "metadata": {"name": "test1", "creationTimestamp": TEN_YEARS_AGO},
        "spec": {
            "ingressClassName": "foo",
            "defaultBackend": {"service": {"name": "default-backend", "port": {"number": 80}}},
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "2.3.4.5", "hostname": "localhost.localdomain"}]}},
    }
    assert rows("Ingress", ing) == ["test1", "foo", "*", "2.3.4.5", "80", "10y"]


@pytest.mark.parametrize(
    "spec, created, expected",
    [
        ({"controller": "example.com/controller", "parameters": {"kind": "customgroup", "name": "example"}},
         TEN_YEARS_AGO, ["test1", "example.com/controller", "customgroup/example", "10y"]),
        ({"controller": "example.com/controller",
          "parameters": {"apiGroup": "example.com", "kind": "customgroup", "name": "example"}},
         TEN_YEARS_AGO, ["test1", "example.com/controller", "customgroup.example.com/example", "10y"]),
        ({"controller": "example.com/controller2"}, at(-11 * 365 * 86400),
         ["test1", "example.com/controller2", "<none>", "11y"]),
    ],
)  # fmt: skip
def test_ingress_class(spec, created, expected):
    assert (
        rows("IngressClass", {"metadata": {"name": "test1", "creationTimestamp": created}, "spec": spec})
        == expected
    )
