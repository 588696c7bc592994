"""Tests for k8snet.kubectl.apply: client-side apply of one object (kubernetes/kubectl ``pkg/cmd/apply``)."""

from __future__ import annotations

import json

import pytest

from k8snet.api.core_v1 import Node, Service
from k8snet.errors import InvalidError
from k8snet.kubectl.apply import LAST_APPLIED, apply_one_object, last_applied_configuration
from k8snet.sim.cluster import Cluster


@pytest.fixture
def api():
    return Cluster(preset="minikube", cloud_provider=False).api


def _svc(**metadata):
    return Service.model_validate(
        {
            "metadata": {"name": "web", **metadata},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
        }
    )


def test_create_annotates_with_the_manifest(api):
    stored = apply_one_object(api, _svc(labels={"a": "1"}))
    last = json.loads(stored.metadata.annotations[LAST_APPLIED])
    assert last["metadata"] == {
        "annotations": {},
        "labels": {"a": "1"},
        "name": "web",
        "namespace": "default",
    }
    assert "clusterIP" not in last["spec"]  # the manifest, not what the server filled in
    assert stored.spec.clusterIP


def test_the_argument_is_not_changed(api):
    svc = _svc()
    apply_one_object(api, svc)
    assert svc.metadata.namespace is None and svc.metadata.annotations is None


def test_keys_removed_from_the_manifest_are_removed_live_others_kept(api):
    apply_one_object(api, _svc(labels={"a": "1", "b": "2"}))
    live = api.get("Service", "web")
    live.metadata.labels = {**live.metadata.labels, "added-by-someone-else": "x"}
    api.update(live)
    stored = apply_one_object(api, _svc(labels={"a": "1"}))
    assert stored.metadata.labels == {"a": "1", "added-by-someone-else": "x"}


def test_update_keeps_allocated_fields_and_status(api):
    first = apply_one_object(api, _svc())
    svc = _svc()
    svc.spec.type = "NodePort"
    second = apply_one_object(api, svc)
    assert second.spec.clusterIP == first.spec.clusterIP
    assert second.spec.ports[0].nodePort is not None


def test_rejected_update_changes_nothing(api):
    apply_one_object(api, _svc())
    before = api.get("Service", "web")
    bad = _svc()
    bad.spec.ports[0].port = 0
    with pytest.raises(InvalidError):
        apply_one_object(api, bad)
    assert api.get("Service", "web") == before


def test_last_applied_configuration_fills_namespace_only_for_namespaced_kinds():
    assert '"namespace":"default"' in last_applied_configuration(_svc())
    assert "namespace" not in last_applied_configuration(Node(metadata={"name": "n"}))
