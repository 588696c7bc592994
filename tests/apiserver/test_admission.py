"""Pod admission: ServiceAccount, DefaultTolerationSeconds and Priority, as a v1.34 kube-apiserver applies them.

Cases transcribed from kubernetes/kubernetes ``plugin/pkg/admission/serviceaccount/admission_test.go``
(TestAssignsDefaultServiceAccountAndRejectsMissingAPIToken/TestAutomountsAPIToken, TestRespectsExistingMount,
TestAutomountServiceAccountToken...), ``plugin/pkg/admission/defaulttolerationseconds/admission_test.go``
(TestForgivenessAdmission) and ``plugin/pkg/admission/priority/admission_test.go`` (TestPodAdmission); the
``kubectl describe pod`` lines follow ``describePod``/``printProjectedVolumeSource``/
``printTolerationsMultilineWithIndent`` in kubernetes/kubectl ``pkg/describe/describe.go``.
"""

from __future__ import annotations

import random
import re

import pytest

from k8snet.api.core_v1 import Pod
from k8snet.apiserver.admission import ForbiddenError, admit_pod
from k8snet.errors import KubectlError
from k8snet.sim.cluster import Cluster

MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
NOT_READY = {
    "key": "node.kubernetes.io/not-ready",
    "operator": "Exists",
    "effect": "NoExecute",
    "tolerationSeconds": 300,
}
UNREACHABLE = {
    "key": "node.kubernetes.io/unreachable",
    "operator": "Exists",
    "effect": "NoExecute",
    "tolerationSeconds": 300,
}


def pod(**spec):
    spec.setdefault("containers", [{"name": "c", "image": "nginx"}])
    p = Pod.model_validate({"metadata": {"name": "p", "namespace": "default"}, "spec": spec})
    return p


def admitted(**spec):
    p = pod(**spec)
    admit_pod(p, random.Random(0))
    return p


# -- ServiceAccount ---------------------------------------------------------------------------------------
def test_default_service_account_and_token_volume():
    p = admitted()
    assert p.spec.serviceAccountName == "default" and p.spec.serviceAccount == "default"
    [vol] = p.spec.volumes
    assert re.fullmatch(r"kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}", vol["name"])
    assert vol["projected"] == {
        "defaultMode": 420,
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {
                "downwardAPI": {
                    "items": [
                        {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                            "path": "namespace",
                        }
                    ]
                }
            },
        ],
    }
    assert p.spec.containers[0].volumeMounts == [{"mountPath": MOUNT, "name": vol["name"], "readOnly": True}]


def test_init_containers_get_the_mount_too():
    p = admitted(initContainers=[{"name": "init", "image": "busybox"}])
    name = p.spec.volumes[0]["name"]
    assert p.spec.initContainers[0].volumeMounts == [{"mountPath": MOUNT, "name": name, "readOnly": True}]


def test_respects_existing_mount():
    # TestRespectsExistingMount: a mount at the token path already there: no volume, no second mount
    mounts = [{"name": "my-token", "mountPath": MOUNT, "readOnly": True}]
    p = admitted(
        containers=[{"name": "c", "image": "nginx", "volumeMounts": mounts}],
        volumes=[{"name": "my-token", "emptyDir": {}}],
    )
    assert p.spec.containers[0].volumeMounts == mounts
    assert [v["name"] for v in p.spec.volumes] == ["my-token"]


@pytest.mark.parametrize("automount", [False])
def test_automount_false_adds_no_volume(automount):
    p = admitted(automountServiceAccountToken=automount)
    assert p.spec.volumes is None and p.spec.containers[0].volumeMounts is None
    assert p.spec.serviceAccountName == "default"


def test_deprecated_service_account_field_is_an_alias():
    p = admitted(serviceAccount="builder")
    assert p.spec.serviceAccountName == "builder" and p.spec.serviceAccount == "builder"
    p = admitted(serviceAccountName="web", serviceAccount="builder")  # the new field wins
    assert p.spec.serviceAccount == "web"


# -- DefaultTolerationSeconds (TestForgivenessAdmission) -----------------------------------------------------
@pytest.mark.parametrize(
    "given, expected",
    [
        ([], [NOT_READY, UNREACHABLE]),
        (
            [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 700,
                }
            ],
            [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 700,
                },
                UNREACHABLE,
            ],
        ),
        (
            [
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 700,
                }
            ],
            [
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 700,
                },
                NOT_READY,
            ],
        ),
        ([{"operator": "Exists"}], [{"operator": "Exists"}]),  # tolerates everything
        (
            [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists"}
            ],  # empty effect matches all effects
            [{"key": "node.kubernetes.io/not-ready", "operator": "Exists"}, UNREACHABLE],
        ),
        (
            [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"}],
            [
                {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
                NOT_READY,
                UNREACHABLE,
            ],
        ),
    ],
)
def test_default_toleration_seconds(given, expected):
    assert admitted(tolerations=given).spec.tolerations == expected


# -- Priority (TestPodAdmission) ---------------------------------------------------------------------------
def test_priority_defaults_to_zero_without_a_default_class():
    p = admitted()
    assert (p.spec.priority, p.spec.preemptionPolicy, p.spec.priorityClassName) == (
        0,
        "PreemptLowerPriority",
        None,
    )


def test_system_priority_classes():
    assert admitted(priorityClassName="system-node-critical").spec.priority == 2000001000
    assert admitted(priorityClassName="system-cluster-critical").spec.priority == 2000000000


def test_priority_integer_must_match_the_class():
    with pytest.raises(ForbiddenError) as err:
        admitted(priority=5)
    assert str(err.value) == (
        'Error from server (Forbidden): pods "p" is forbidden: the integer value of priority (5) must not be '
        "provided in pod spec; priority admission controller computed 0 from the given PriorityClass name"
    )


def test_unknown_priority_class():
    with pytest.raises(ForbiddenError) as err:
        admitted(priorityClassName="gold")
    assert str(err.value).endswith('pods "p" is forbidden: no PriorityClass with name gold was found')


# -- through the API server ---------------------------------------------------------------------------------
def test_failed_create_changes_nothing_and_names_are_deterministic():
    a, b = Cluster(preset="minikube", seed=3), Cluster(preset="minikube", seed=3)
    before = a.store.dump()
    with pytest.raises(KubectlError):
        a.apply(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "x"},
                "spec": {"priority": 7, "containers": [{"name": "c", "image": "nginx"}]},
            }
        )
    assert a.store.dump() == before
    for c in (a, b):
        c.kubectl("run web --image=nginx")
    va, vb = (c.get("pod", "web").spec.volumes[0]["name"] for c in (a, b))
    assert va == vb


def test_deployment_pods_are_admitted_but_templates_are_not():
    c = Cluster(preset="minikube")
    c.kubectl("create deployment web --image=nginx --replicas=2")
    assert c.get("deployment", "web").spec.template.spec.volumes is None
    names = {p.spec.volumes[0]["name"] for p in c.pods() if p.metadata.name.startswith("web-")}
    assert len(names) == 2  # each pod draws its own suffix


def test_describe_pod_sections():
    c = Cluster()
    c.kubectl("run nginx --image=nginx")
    out = c.kubectl("describe pod nginx")
    vol = c.get("pod", "nginx").spec.volumes[0]["name"]
    assert "Priority:         0\nService Account:  default\n" in out
    assert f"    Mounts:\n      {MOUNT} from {vol} (ro)\n" in out
    assert out.split("Volumes:\n", 1)[1].split("Events:")[0] == (
        f"  {vol}:\n"
        "    Type:                    Projected (a volume that contains injected data from multiple sources)\n"
        "    TokenExpirationSeconds:  3607\n"
        "    ConfigMapName:           kube-root-ca.crt\n"
        "    ConfigMapOptional:       <nil>\n"
        "    DownwardAPI:             true\n"
        "QoS Class:                   BestEffort\n"
        "Node-Selectors:              <none>\n"
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
    )


def test_kubelet_container_status_ids():
    c = Cluster()
    c.kubectl("run nginx --image=nginx")
    [cs] = c.get("pod", "nginx").status.containerStatuses
    assert re.fullmatch(r"containerd://[0-9a-f]{64}", cs.containerID)
    assert re.fullmatch(r"docker\.io/library/nginx@sha256:[0-9a-f]{64}", cs.imageID)
    assert cs.image == "docker.io/library/nginx:latest" and cs.lastState == {}
    out = c.kubectl("describe pod nginx")
    assert (
        f"    Container ID:   {cs.containerID}\n    Image:          nginx\n    Image ID:       {cs.imageID}\n"
        in out
    )


def test_get_nodes_wide_node_info():
    out = Cluster().kubectl("get nodes -o wide").splitlines()
    assert out[0].split() == [
        "NAME",
        "STATUS",
        "ROLES",
        "AGE",
        "VERSION",
        "INTERNAL-IP",
        "EXTERNAL-IP",
        "OS-IMAGE",
        "KERNEL-VERSION",
        "CONTAINER-RUNTIME",
    ]
    assert out[1].endswith("Debian GNU/Linux 12 (bookworm)   6.8.0-85-generic   containerd://2.1.3")


def test_replicaset_reports_forbidden_pods_as_failed_create():
    # found by tests/test_bad_input_fuzz.py: a Deployment whose pods admission rejects made reconcile raise.
    # replica_set.go/controller_utils.go: Warning FailedCreate "Error creating: <status error>", and the
    # Forbidden name is the generateName (admission.extractResourceName)
    c = Cluster(preset="minikube")
    c.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"priorityClassName": "gold", "containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        }
    )
    assert c.pods("default", label_selector={"app": "web"}) == []
    [rs] = c.replica_sets("default")
    failed = [e for e in c.events() if e.reason == "FailedCreate"]
    assert [e.message for e in failed] == [
        f'Error creating: pods "{rs.metadata.name}-" is forbidden: no PriorityClass with name gold was found'
    ]
