"""The one resource registry (k8snet.api.registry): each kind's metadata is declared once, on its class, and
kubectl, the API server and the manifest loader all read it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from k8snet.api import KINDS, RESOURCES, APIResource, Resource, category, kind_class, resource_class
from k8snet.api.meta_v1 import ObjectMeta
from k8snet.kubectl.command import resolve_resource
from k8snet.kubectl.printers import COLUMNS, kind_string, table_rows

#: ``kubectl api-resources`` on a v1.34 cluster, for the kinds k8snet models:
#: NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND.
API_RESOURCES = [
    ("configmaps", "cm", "v1", True, "ConfigMap"),
    ("endpoints", "ep", "v1", True, "Endpoints"),
    ("events", "ev", "v1", True, "Event"),
    ("limitranges", "limits", "v1", True, "LimitRange"),
    ("namespaces", "ns", "v1", False, "Namespace"),
    ("nodes", "no", "v1", False, "Node"),
    ("persistentvolumeclaims", "pvc", "v1", True, "PersistentVolumeClaim"),
    ("persistentvolumes", "pv", "v1", False, "PersistentVolume"),
    ("pods", "po", "v1", True, "Pod"),
    ("podtemplates", "", "v1", True, "PodTemplate"),
    ("replicationcontrollers", "rc", "v1", True, "ReplicationController"),
    ("resourcequotas", "quota", "v1", True, "ResourceQuota"),
    ("secrets", "", "v1", True, "Secret"),
    ("serviceaccounts", "sa", "v1", True, "ServiceAccount"),
    ("services", "svc", "v1", True, "Service"),
    (
        "mutatingwebhookconfigurations",
        "",
        "admissionregistration.k8s.io/v1",
        False,
        "MutatingWebhookConfiguration",
    ),
    (
        "validatingwebhookconfigurations",
        "",
        "admissionregistration.k8s.io/v1",
        False,
        "ValidatingWebhookConfiguration",
    ),
    ("customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", False, "CustomResourceDefinition"),
    ("controllerrevisions", "", "apps/v1", True, "ControllerRevision"),
    ("daemonsets", "ds", "apps/v1", True, "DaemonSet"),
    ("deployments", "deploy", "apps/v1", True, "Deployment"),
    ("replicasets", "rs", "apps/v1", True, "ReplicaSet"),
    ("statefulsets", "sts", "apps/v1", True, "StatefulSet"),
    ("horizontalpodautoscalers", "hpa", "autoscaling/v2", True, "HorizontalPodAutoscaler"),
    ("cronjobs", "cj", "batch/v1", True, "CronJob"),
    ("jobs", "", "batch/v1", True, "Job"),
    ("leases", "", "coordination.k8s.io/v1", True, "Lease"),
    ("endpointslices", "", "discovery.k8s.io/v1", True, "EndpointSlice"),
    ("ingressclasses", "", "networking.k8s.io/v1", False, "IngressClass"),
    ("ingresses", "ing", "networking.k8s.io/v1", True, "Ingress"),
    ("ipaddresses", "ip", "networking.k8s.io/v1", False, "IPAddress"),
    ("networkpolicies", "netpol", "networking.k8s.io/v1", True, "NetworkPolicy"),
    ("servicecidrs", "", "networking.k8s.io/v1", False, "ServiceCIDR"),
    ("runtimeclasses", "", "node.k8s.io/v1", False, "RuntimeClass"),
    ("poddisruptionbudgets", "pdb", "policy/v1", True, "PodDisruptionBudget"),
    ("clusterrolebindings", "", "rbac.authorization.k8s.io/v1", False, "ClusterRoleBinding"),
    ("clusterroles", "", "rbac.authorization.k8s.io/v1", False, "ClusterRole"),
    ("rolebindings", "", "rbac.authorization.k8s.io/v1", True, "RoleBinding"),
    ("roles", "", "rbac.authorization.k8s.io/v1", True, "Role"),
    ("priorityclasses", "pc", "scheduling.k8s.io/v1", False, "PriorityClass"),
    ("storageclasses", "sc", "storage.k8s.io/v1", False, "StorageClass"),
]


def test_registry_matches_api_resources():
    rows = [
        (i.plural, ",".join(i.short_names), i.api_version, i.namespaced, i.kind)
        for i in (c.api_info for c in RESOURCES)
    ]
    assert rows == API_RESOURCES


@pytest.mark.parametrize("cls", RESOURCES, ids=lambda c: c.__name__)
def test_every_kind_is_found_every_way(cls):
    info = cls.api_info
    assert kind_class(info.kind) is cls
    assert KINDS[(info.api_version, info.kind)] is cls
    assert cls.namespaced is info.namespaced
    for name in info.names | {info.kind, info.plural.upper()}:
        assert resource_class(name) is cls
        assert resolve_resource(name) is info


@pytest.mark.parametrize("cls", RESOURCES, ids=lambda c: c.__name__)
def test_every_kind_has_a_printer(cls):
    # adding a kind is one class with its api_info, plus its kubectl table printer
    assert cls.api_info.kind in COLUMNS
    obj = cls.model_construct(metadata=ObjectMeta(name="x"))
    assert len(table_rows(obj, None)) == len(COLUMNS[cls.api_info.kind])


def test_group_qualified_names_and_kind_strings():
    assert resource_class("deployments.apps") is resource_class("deploy") is kind_class("Deployment")
    assert resource_class("endpointslices.discovery.k8s.io") is kind_class("EndpointSlice")
    assert resource_class("svc.apps") is None and resource_class("deploy.apps") is None
    # kubectl get all: the kinds whose storage lists the "all" category, in discovery order
    assert [kind_string(c.api_info.kind) for c in category("all")] == [
        "pod",
        "replicationcontroller",
        "service",
        "daemonset.apps",
        "deployment.apps",
        "replicaset.apps",
        "statefulset.apps",
        "horizontalpodautoscaler.autoscaling",
        "cronjob.batch",
        "job.batch",
    ]


def test_unknown_names_keep_their_errors():
    with pytest.raises(KeyError):
        kind_class("Servic")
    assert resource_class("Servic") is None


def test_declared_identity_must_agree_with_api_info():
    from typing import ClassVar, Literal

    with pytest.raises(TypeError, match="disagree with api_info"):

        class Widget(Resource):  # noqa: F841 - defining it is the test
            api_info: ClassVar[APIResource] = APIResource("example.com", "v1", "Widget", "widgets", "widget")
            apiVersion: Literal["example.com/v2"] = "example.com/v2"
            kind: Literal["Widget"] = "Widget"
            metadata: ObjectMeta = ObjectMeta()


def test_kinds_are_strict_about_their_identity():
    with pytest.raises(ValidationError):
        kind_class("Service").model_validate({"apiVersion": "apps/v1", "kind": "Service"})
