"""The Cluster facade: presets, system objects, apply semantics, clock."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet.errors import InvalidError, K8snetError, NotFoundError
from k8snet.sim.cluster import Cluster

SVC = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
"""


def test_kind_preset():
    c = Cluster()
    nodes = c.nodes()
    assert [n.metadata.name for n in nodes] == ["kind-control-plane", "kind-worker", "kind-worker2"]
    assert [c.node_ip(n.metadata.name) for n in nodes] == ["172.18.0.2", "172.18.0.3", "172.18.0.4"]
    assert [n.spec.podCIDR for n in nodes] == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]
    assert [n.metadata.labels["topology.kubernetes.io/zone"] for n in nodes] == ["zone-a", "zone-b", "zone-c"]
    assert nodes[0].spec.taints[0].key == "node-role.kubernetes.io/control-plane"
    assert (c.service_cidr, c.cluster_cidr, c.node_port_range) == (
        "10.96.0.0/12",
        "10.244.0.0/16",
        "30000-32767",
    )
    assert [n.metadata.name for n in c.namespaces()] == [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
    ]
    k = c.get("svc", "kubernetes")
    assert (k.spec.clusterIP, k.spec.ports[0].port, k.spec.ports[0].targetPort) == ("10.96.0.1", 443, 6443)
    assert k.spec.selector is None
    dns = c.get("svc", "kube-dns", "kube-system")
    assert dns.spec.clusterIP == "10.96.0.10"
    assert [(p.name, p.port, p.protocol) for p in dns.spec.ports] == [
        ("dns", 53, "UDP"),
        ("dns-tcp", 53, "TCP"),
        ("metrics", 9153, "TCP"),
    ]
    coredns = c.pods("kube-system")
    assert len(coredns) == 2 and {p.spec.nodeName for p in coredns} == {"kind-control-plane"}


def test_minikube_and_article_presets():
    m = Cluster(preset="minikube")
    assert [n.metadata.name for n in m.nodes()] == ["minikube"] and m.node_ip("minikube") == "192.168.49.2"
    assert [p.status.podIP for p in m.pods("kube-system")] == ["10.244.0.2"]
    a = Cluster(preset="article")
    assert a.cluster_cidr == "10.4.0.0/16" and a.nodes()[0].spec.podCIDR == "10.4.0.0/24"
    assert [p.status.podIP for p in a.pods("kube-system")] == ["10.4.0.2"]


def test_minikube_presets_match_real_minikube():
    # minikube v1.37.0 (docker driver, Kubernetes v1.34.0): the API server listens on 8443
    # (pkg/minikube/constants APIServerPort), so `kubectl get endpoints kubernetes` reads 192.168.49.2:8443;
    # `kubectl get nodes -o wide` shows the kicbase image's OS and the docker runtime (real captures).
    for preset in ("minikube", "article"):
        c = Cluster(preset=preset)
        k = c.get("svc", "kubernetes")
        assert (k.spec.ports[0].port, k.spec.ports[0].targetPort) == (443, 8443)
        ep = c.get("Endpoints", "kubernetes")
        assert [(a.ip, p.port) for s in ep.subsets for a in s.addresses for p in s.ports] == [
            ("192.168.49.2", 8443)
        ]
        (eps,) = c.endpoint_slices("default", "kubernetes")
        assert [p.port for p in eps.ports] == [8443]
        row = c.kubectl("get nodes -o wide").splitlines()[1].split()
        assert row[:3] == ["minikube", "Ready", "control-plane"] and row[5] == "192.168.49.2"
        assert "Ubuntu 22.04.5 LTS" in c.kubectl("get nodes -o wide") and row[-1] == "docker://28.4.0"
    # kind (kubeadm's default --secure-port) keeps 6443 and kindest/node's containerd
    kind = Cluster()
    assert kind.get("svc", "kubernetes").spec.ports[0].targetPort == 6443
    assert kind.kubectl("get nodes -o wide").splitlines()[1].split()[-1] == "containerd://2.1.3"


def test_overrides():
    c = Cluster(nodes=5, service_cidr="10.3.0.0/16", zones=[])
    assert [n.metadata.name for n in c.nodes()][-1] == "kind-worker4"
    assert c.get("svc", "kubernetes").spec.clusterIP == "10.3.0.1"
    assert c.get("svc", "kube-dns", "kube-system").spec.clusterIP == "10.3.0.10"
    assert all("topology.kubernetes.io/zone" not in n.metadata.labels for n in c.nodes())


def test_clock_system_objects_are_a_day_old():
    c = Cluster()
    assert c.clock.now().isoformat() == "2026-01-01T00:00:00+00:00"
    assert c.get("svc", "kubernetes").metadata.creationTimestamp.isoformat() == "2025-12-31T00:00:00+00:00"


def test_apply_create_then_update_keeps_allocations_and_is_idempotent():
    c = Cluster()
    [s1] = c.apply(SVC)
    assert (
        '"name":"web","namespace":"default"'
        in s1.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]
    )
    [s2] = c.apply(SVC)
    assert s2.metadata.resourceVersion == s1.metadata.resourceVersion  # nothing changed
    [s3] = c.apply(SVC.replace("targetPort: 8080", "targetPort: 9090"))
    assert s3.spec.clusterIP == s1.spec.clusterIP and s3.spec.ports[0].nodePort == s1.spec.ports[0].nodePort
    assert s3.spec.ports[0].targetPort == 9090


BAD_SECOND = """
apiVersion: v1
kind: Service
metadata: {name: other}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: clash}
spec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}
"""


def test_apply_is_per_object_as_kubectl():
    # kubectl apply.go Run: each object on its own; the failure is reported after the others were applied
    c = Cluster()
    c.apply(SVC)
    with pytest.raises(InvalidError, match="provided IP is already allocated") as err:
        c.apply(BAD_SECOND)
    assert err.value.stdout == "service/other created\n"
    assert [o.metadata.name for o in err.value.applied] == ["other"]
    assert c.get("svc", "other").spec.ports[0].port == 80
    with pytest.raises(NotFoundError):
        c.get("svc", "clash")


def test_atomic_apply_changes_nothing_on_failure():
    c = Cluster()
    c.apply(SVC)
    before = c.store.dump()
    with pytest.raises(InvalidError, match="provided IP is already allocated"):
        c.apply(BAD_SECOND, atomic=True)
    assert c.store.dump() == before
    with pytest.raises(NotFoundError):
        c.get("svc", "other")


def test_scale_label_delete_and_events():
    c = Cluster(preset="minikube")
    c.apply("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
""")
    c.scale("deploy", "web", 3)
    assert len(c.pods("default")) == 3
    c.label("deploy", "web", {"tier": "front"})
    assert c.get("deploy", "web").metadata.labels == {"tier": "front"}
    c.delete("deploy", "web")
    assert c.replica_sets("default") == []
    assert all(p.metadata.deletionTimestamp is not None for p in c.pods("default"))
    c.clock.advance(30)
    assert c.pods("default") == []
    scaled = [e.message for e in c.events("default") if e.reason == "ScalingReplicaSet"]
    assert scaled[0].startswith("Scaled up replica set web-") and scaled[0].endswith(" from 0 to 1")


def test_controllers_hook_runs_added_controller():
    c = Cluster(preset="minikube")
    calls = []

    class Probe:
        def sync(self):
            calls.append(1)

    c.controllers.append(Probe())
    c.apply(SVC)
    assert calls


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from([None, "10.96.0.10", "10.96.0.50", "10.96.0.51", "10.0.0.1"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_multi_document_apply_per_object_and_atomic(docs):
    docs_text = []
    for name, ip in docs:
        cluster_ip = f"clusterIP: {ip}, " if ip else ""
        docs_text.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n"
            f"spec: {{{cluster_ip}ports: [{{port: 80}}]}}"
        )
    text = "\n---\n".join(docs_text)
    names = {name for name, _ in docs}
    # atomic=True: all or nothing
    c = Cluster(preset="minikube")
    before = c.store.dump()
    try:
        c.apply(text, atomic=True)
    except K8snetError:
        assert c.store.dump() == before
    else:
        assert {s.metadata.name for s in c.services("default")} == names | {"kubernetes"}
    # the default, as kubectl: every object that the server accepted is stored, the others left no trace
    c = Cluster(preset="minikube")
    try:
        applied = c.apply(text)
        failed = []
    except K8snetError as err:
        applied = err.applied
        failed = getattr(err, "errors", [err])
    assert len(failed) + len(applied) == len(docs)
    stored = {s.metadata.name for s in c.services("default")} - {"kubernetes"}
    assert stored == {o.metadata.name for o in applied}
    ips = [s.spec.clusterIP for s in c.services()]
    assert len(ips) == len(set(ips))
