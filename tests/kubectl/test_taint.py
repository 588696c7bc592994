"""kubectl taint (nodes), as kubectl v1.34 ``pkg/cmd/taint/taint.go`` and ``utils.go`` do it."""

from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.errors import KubectlError

CA_TAINT = "ToBeDeletedByClusterAutoscaler=1767225600:NoSchedule"


@pytest.fixture
def cluster():
    return Cluster()


def _taints(c, node="kind-worker2"):
    return [(t.key, t.value, t.effect) for t in c.get("Node", node).spec.taints or []]


def test_add_overwrite_remove(cluster):
    assert cluster.kubectl(f"taint nodes kind-worker2 {CA_TAINT}") == "node/kind-worker2 tainted\n"
    assert _taints(cluster) == [("ToBeDeletedByClusterAutoscaler", "1767225600", "NoSchedule")]
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("taint node kind-worker2 ToBeDeletedByClusterAutoscaler=1:NoSchedule")
    assert str(err.value) == (
        "error: node kind-worker2 already has ToBeDeletedByClusterAutoscaler taint(s) with same effect(s) and "
        "--overwrite is false"
    )
    # reorganizeTaints: --overwrite reports "modified"
    out = cluster.kubectl("taint node kind-worker2 ToBeDeletedByClusterAutoscaler=1:NoSchedule --overwrite")
    assert out == "node/kind-worker2 modified\n" and _taints(cluster)[0][1] == "1"
    assert (
        cluster.kubectl("taint node kind-worker2 ToBeDeletedByClusterAutoscaler-")
        == "node/kind-worker2 untainted\n"
    )
    assert _taints(cluster) == []
    with pytest.raises(KubectlError, match='^error: taint "ToBeDeletedByClusterAutoscaler" not found$'):
        cluster.kubectl("taint node kind-worker2 ToBeDeletedByClusterAutoscaler-")


def test_new_taints_come_first_and_others_are_kept(cluster):
    cluster.kubectl("taint node kind-control-plane dedicated=infra:PreferNoSchedule")
    assert _taints(cluster, "kind-control-plane") == [
        ("dedicated", "infra", "PreferNoSchedule"),
        ("node-role.kubernetes.io/control-plane", None, "NoSchedule"),
    ]
    # removing by key and effect keeps a taint of the same key with another effect
    cluster.kubectl("taint node kind-control-plane dedicated=infra:NoExecute")
    cluster.kubectl("taint node kind-control-plane dedicated:PreferNoSchedule-")
    assert [(k, e) for k, _, e in _taints(cluster, "kind-control-plane")] == [
        ("dedicated", "NoExecute"),
        ("node-role.kubernetes.io/control-plane", "NoSchedule"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "taint node kind-worker2 a=b:Sometimes",
            "error: invalid taint effect: Sometimes, unsupported taint effect\nSee 'kubectl taint -h' for help and examples",
        ),
        # parseTaint: without ":" the whole word is the key, and "a=b" is no qualified name
        (
            "taint node kind-worker2 a=b",
            "error: invalid taint spec: a=b, name part must consist of alphanumeric characters, '-', '_' or '.', and "
            "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
            "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\nSee 'kubectl taint -h' for help "
            "and examples",
        ),
        (
            "taint node kind-worker2 a=b=c:NoSchedule",
            "error: invalid taint spec: a=b=c:NoSchedule\nSee 'kubectl taint -h' for help and examples",
        ),
        ("taint node kind-worker2", "error: at least one taint update is required"),
        ("taint a=b:NoSchedule", "error: one or more resources must be specified as <resource> <name>"),
        ("taint pods x a=b:NoSchedule", "error: invalid resource type pods, only node types are supported"),
        (
            "taint node a=b:NoSchedule kind-worker2",
            "error: all resources must be specified before taint changes: kind-worker2",
        ),
        (
            "taint node kind-worker2 a=b:NoSchedule a-",
            'error: can not both modify and remove the following taint(s) in the same command: {"a":""}',
        ),
        ("taint node nope a=b:NoSchedule", 'Error from server (NotFound): nodes "nope" not found'),
    ],
)
def test_errors(cluster, line, message):
    with pytest.raises(KubectlError) as err:
        cluster.kubectl(line)
    assert str(err.value) == message
    assert _taints(cluster) == []
