"""Endpoints controller and EndpointSlice mirroring.

Behaviour from kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller.go (syncService,
addEndpointSubset; cases like TestSyncEndpointsItemsPreserveNoSelector, TestSyncEndpointsProtocolTCP,
TestSyncEndpointsHeadlessService), pkg/api/v1/endpoints/util.go (RepackSubsets) and
pkg/controller/endpointslicemirroring (reconciler_test.go: mirrored slices carry only the ready condition).
"""

from k8snet.sim.cluster import Cluster

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx}
spec:
  replicas: 2
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
"""

HEADLESS = """
apiVersion: v1
kind: Service
metadata: {name: headless-svc}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  ports: [{port: 80, targetPort: 80, protocol: TCP}]
  selector: {app: nginx}
---
apiVersion: v1
kind: Endpoints
metadata: {name: headless-svc}
subsets:
  - addresses:
      - ip: 10.4.0.3
        nodeName: minikube
    ports:
      - port: 80
"""


def test_hand_written_endpoints_of_selector_service_are_replaced():
    c = Cluster(preset="article")
    c.apply(DEPLOY)
    c.apply(HEADLESS)
    ep = c.get("endpoints", "headless-svc")
    pods = {p.status.podIP: p for p in c.pods("default")}
    [subset] = ep.subsets
    assert [a.ip for a in subset.addresses] == ["10.4.0.3", "10.4.0.4"]
    assert subset.addresses[0].targetRef.name == pods["10.4.0.3"].metadata.name
    assert [p.to_dict() for p in subset.ports] == [{"port": 80, "protocol": "TCP"}]
    # labels become the Service's (none) plus the headless label; other annotations are kept
    assert ep.metadata.labels == {"service.kubernetes.io/headless": ""}
    assert "kubectl.kubernetes.io/last-applied-configuration" in ep.metadata.annotations
    assert (
        ep.metadata.annotations["endpoints.kubernetes.io/last-change-trigger-time"] == "2026-01-01T00:00:00Z"
    )
    # and it is not mirrored: the only slice is the EndpointSlice controller's
    slices = c.endpoint_slices("default", service="headless-svc")
    assert [s.metadata.labels["endpointslice.kubernetes.io/managed-by"] for s in slices] == [
        "endpointslice-controller.k8s.io"
    ]


def test_not_ready_addresses_and_terminating():
    c = Cluster(preset="minikube")
    c.apply(DEPLOY)
    c.apply("""
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: nginx}, ports: [{port: 80}]}
""")
    a, b = c.pods("default")
    c.set_pod_ready(a.metadata.name, False)
    [subset] = c.get("endpoints", "web").subsets
    assert [x.ip for x in subset.addresses] == [b.status.podIP]
    assert [x.ip for x in subset.notReadyAddresses] == [a.status.podIP]
    c.terminate_pod(b.metadata.name)  # terminating pods leave Endpoints at once (no publishNotReadyAddresses)
    ips = [
        x.ip
        for s in c.get("endpoints", "web").subsets
        for x in (s.addresses or []) + (s.notReadyAddresses or [])
    ]
    assert b.status.podIP not in ips


def test_selectorless_service_is_mirrored():
    c = Cluster(preset="minikube")
    c.apply("""
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {ports: [{port: 5432}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: db, labels: {team: x}}
subsets:
  - addresses: [{ip: 192.168.10.5}]
    notReadyAddresses: [{ip: 192.168.10.6}]
    ports: [{port: 5432}]
""")
    [sl] = c.endpoint_slices("default", service="db")
    assert sl.metadata.name.startswith("db-") and len(sl.metadata.name) == 8
    assert sl.metadata.labels == {
        "team": "x",
        "kubernetes.io/service-name": "db",
        "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io",
    }
    assert [e.to_dict() for e in sl.endpoints] == [
        {"addresses": ["192.168.10.5"], "conditions": {"ready": True}},
        {"addresses": ["192.168.10.6"], "conditions": {"ready": False}},
    ]
    assert [p.to_dict() for p in sl.ports] == [{"name": "", "port": 5432, "protocol": "TCP"}]
    assert c.get("endpoints", "db").metadata.labels == {"team": "x"}  # the controller leaves it alone
    c.delete("svc", "db")
    assert c.endpoint_slices("default", service="db") == []


def test_kubernetes_service_endpoints():
    c = Cluster()
    ep = c.get("endpoints", "kubernetes")
    assert ep.to_dict()["subsets"] == [
        {"addresses": [{"ip": "172.18.0.2"}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}
    ]
    [sl] = c.endpoint_slices("default", service="kubernetes")
    assert sl.metadata.name == "kubernetes"


def test_truncation_over_1000_addresses():
    from k8snet.api.core_v1 import EndpointAddress, Endpoints, EndpointSubset
    from k8snet.controllers.endpoints import truncate_endpoints

    ep = Endpoints(
        metadata={"name": "x"},
        subsets=[
            EndpointSubset(
                addresses=[EndpointAddress(ip=f"10.0.{i // 250}.{i % 250}") for i in range(900)],
                notReadyAddresses=[EndpointAddress(ip=f"10.1.{i // 250}.{i % 250}") for i in range(300)],
            ),
        ],
    )
    assert truncate_endpoints(ep)
    assert len(ep.subsets[0].addresses) == 900 and len(ep.subsets[0].notReadyAddresses) == 100
