"""The service (load-balancer) controller.

Cases transcribed from k8s.io/cloud-provider ``controllers/service/controller_test.go``
(``TestSyncLoadBalancerIfNeeded``, ``TestNeedsCleanup``, ``TestNeedsUpdate``, ``TestProcessServiceDeletion``,
``TestUpdateNodesInExternalLoadBalancer``); event reasons and texts from ``controller.go``
(``syncLoadBalancerIfNeeded``, ``processLoadBalancerDelete``, ``needsUpdate``, ``lockedUpdateLoadBalancerHosts``);
MetalLB's event texts from metallb/metallb ``controller/service.go`` ("Assigned IP %q") and ``speaker/main.go``
("announcing from node %q with protocol %q").
"""

from __future__ import annotations

import pytest

from k8snet.api.core_v1 import Service
from k8snet.controllers.cloud import GenericCloud, MetalLBL2
from k8snet.controllers.servicelb import LB_FINALIZER, ServiceLBController, install, needs_cleanup
from k8snet.sim.cluster import Cluster


def lb(name="web", type_="LoadBalancer", **spec):
    s = {
        "type": type_,
        "selector": {"app": name},
        "ports": [{"port": 80, "protocol": spec.pop("protocol", "TCP")}],
    }
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": s}


def events(cluster, name):
    return [
        (e.type, e.reason, e.message, e.source.component, e.count) for e in cluster.events("default", name)
    ]


@pytest.fixture
def kind():
    c = Cluster()
    ctl = install(c, GenericCloud())
    return c, ctl, ctl.provider


# -- TestNeedsCleanup ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta,spec,want",
    [
        ({}, {}, False),
        ({"finalizers": [LB_FINALIZER]}, {"type": "NodePort"}, True),
        ({"finalizers": [LB_FINALIZER]}, {"type": "LoadBalancer"}, False),
        ({"finalizers": [LB_FINALIZER], "deletionTimestamp": "2026-01-01T00:00:00Z"}, {}, True),
    ],
)
def test_needs_cleanup(meta, spec, want):
    assert needs_cleanup(Service.model_validate({"metadata": meta, "spec": spec})) is want


# -- TestNeedsUpdate -------------------------------------------------------------------------------------------


def _svc(**spec):
    base = {"type": "LoadBalancer", "ports": [{"port": 80, "protocol": "TCP"}]}
    base.update(spec)
    return Service.model_validate(
        {"metadata": {"name": "external-balancer", "namespace": "default", "uid": "u"}, "spec": base}
    )


@pytest.mark.parametrize(
    "old,new,want",
    [
        (_svc(), _svc(type="ClusterIP"), True),
        (
            _svc(ports=[{"port": 8000}, {"port": 9000}, {"port": 10000}]),
            _svc(ports=[{"port": 8001}, {"port": 9001}, {"port": 10001}]),
            True,
        ),
        (_svc(externalIPs=["old.IP.1"]), _svc(externalIPs=["new.IP.1", "new.IP.2"]), True),
        (_svc(externalIPs=["old.IP.1", "old.IP.2"]), _svc(externalIPs=["new.IP.1", "new.IP.2"]), True),
        (_svc(), _svc(externalTrafficPolicy="Local"), True),
        (_svc(), _svc(healthCheckNodePort=30123), True),
        (
            _svc(ports=[{"port": 80, "protocol": "TCP", "targetPort": 20}]),
            _svc(ports=[{"port": 80, "protocol": "TCP", "targetPort": 21}]),
            True,
        ),
        (
            _svc(ports=[{"port": 80, "protocol": "TCP", "targetPort": 22}]),
            _svc(ports=[{"port": 80, "protocol": "TCP", "targetPort": "dns"}]),
            True,
        ),
        (_svc(), _svc(), False),
        (_svc(ipFamilies=["IPv4"]), _svc(ipFamilies=["IPv4", "IPv6"]), True),
        (_svc(ipFamilies=["IPv4", "IPv6"]), _svc(ipFamilies=["IPv4"]), True),
        (_svc(ipFamilies=["IPv4"]), _svc(ipFamilies=["IPv4"]), False),
        (_svc(), _svc(ports=[{"port": 80, "protocol": "TCP", "appProtocol": "http"}]), True),
        (
            _svc(ports=[{"port": 80, "protocol": "TCP", "appProtocol": "http"}]),
            _svc(ports=[{"port": 80, "protocol": "TCP", "appProtocol": "tcp"}]),
            True,
        ),
    ],
)
def test_needs_update(kind, old, new, want):
    _, ctl, _ = kind
    assert ctl._needs_update(old, new) is want


def test_needs_update_uid_event(kind):
    c, ctl, _ = kind
    old, new = _svc(), _svc()
    old.metadata.uid, new.metadata.uid = "UID old", "UID new"
    assert ctl._needs_update(old, new)
    assert events(c, "external-balancer")[-1][1:3] == ("UID", "UID old -> UID new")


# -- TestSyncLoadBalancerIfNeeded (end state instead of patch counts) -------------------------------------------


def test_service_that_does_not_want_a_lb_is_ignored(kind):
    c, _, p = kind
    c.apply(lb("no-external-balancer", "ClusterIP"))
    assert p.calls == [] and events(c, "no-external-balancer") == []


@pytest.mark.parametrize("protocol", ["TCP", "UDP", "SCTP"])
def test_service_that_wants_a_lb(kind, protocol):
    c, _, p = kind
    c.apply(lb("basic-service1", protocol=protocol))
    svc = c.get("Service", "basic-service1")
    assert "create" in p.calls
    assert svc.metadata.finalizers == [LB_FINALIZER]
    assert [(i.ip, i.ipMode) for i in svc.status.loadBalancer.ingress] == [("203.0.113.1", "VIP")]
    assert events(c, "basic-service1") == [
        ("Normal", "EnsuringLoadBalancer", "Ensuring load balancer", "service-controller", 1),
        ("Normal", "EnsuredLoadBalancer", "Ensured load balancer", "service-controller", 1),
    ]
    (b,) = p.balancers.values()
    assert b.name == p.get_load_balancer_name(svc) and b.ports[0][:2] == (80, protocol)
    # kind's control-plane node carries node.kubernetes.io/exclude-from-external-load-balancers
    assert b.hosts == ["kind-worker", "kind-worker2"]
    assert "203.0.113.1" in c.kubectl("get svc basic-service1")


def test_service_with_a_load_balancer_class_stays_pending(kind):
    c, _, p = kind
    c.apply(lb("with-external-balancer", loadBalancerClass="custom-loadbalancer"))
    assert p.calls == [] and events(c, "with-external-balancer") == []
    svc = c.get("Service", "with-external-balancer")
    assert not svc.metadata.finalizers and not svc.status.loadBalancer.ingress
    assert "<pending>" in c.kubectl("get svc with-external-balancer")


def test_service_with_finalizer_that_no_longer_wants_a_lb(kind):
    c, _, p = kind
    doc = lb("no-external-balancer", "ClusterIP")
    doc["metadata"]["finalizers"] = [LB_FINALIZER]
    c.api.create(Service.model_validate(doc))
    c.reconcile()
    svc = c.get("Service", "no-external-balancer")
    assert p.calls == ["get"]  # nothing to delete
    assert not svc.metadata.finalizers
    assert events(c, "no-external-balancer") == [
        ("Normal", "DeletedLoadBalancer", "Deleted load balancer", "service-controller", 1)
    ]


def test_type_change_tears_down(kind):
    c, _, p = kind
    c.apply(lb())
    c.apply(lb(type_="ClusterIP"))
    svc = c.get("Service", "web")
    assert p.balancers == {} and not svc.metadata.finalizers
    assert [e[1:3] for e in events(c, "web")][2:] == [
        ("Type", "LoadBalancer -> ClusterIP"),
        ("DeletingLoadBalancer", "Deleting load balancer"),
        ("DeletedLoadBalancer", "Deleted load balancer"),
    ]


def test_delete_tears_down(kind):
    c, ctl, p = kind
    c.apply(lb())
    c.delete("Service", "web")
    assert p.balancers == {} and ctl.cache == {}
    assert [e[1] for e in events(c, "web")][-2:] == ["DeletingLoadBalancer", "DeletedLoadBalancer"]


def test_update_that_needs_a_sync_ensures_again(kind):
    c, _, _ = kind
    c.apply(lb())
    c.apply(lb(loadBalancerSourceRanges=["198.51.100.0/24"]))
    assert (
        "Normal",
        "LoadBalancerSourceRanges",
        "[] -> [198.51.100.0/24]",
        "service-controller",
        1,
    ) in events(c, "web")
    (ensuring, ensured) = [e for e in events(c, "web") if e[1].startswith("Ensur")]
    assert ensuring[4] == 2 and ensured[4] == 2  # the same event again: count 2


def test_load_balancer_ip_and_failure_with_backoff(kind):
    c, _, p = kind
    c.apply(lb("a", loadBalancerIP="203.0.113.50"))
    assert c.get("Service", "a").status.loadBalancer.ingress[0].ip == "203.0.113.50"
    c.apply(lb("b", loadBalancerIP="203.0.113.50"))
    failed = [e for e in events(c, "b") if e[1] == "SyncLoadBalancerFailed"]
    assert failed == [
        (
            "Warning",
            "SyncLoadBalancerFailed",
            "Error syncing load balancer: failed to ensure load balancer: requested IP 203.0.113.50 is "
            "already in use by load balancer of service default/a",
            "service-controller",
            1,
        )
    ]
    assert "<pending>" in c.kubectl("get svc b")
    c.clock.advance(seconds=4)
    assert [e for e in events(c, "b") if e[1] == "SyncLoadBalancerFailed"][0][4] == 1
    c.clock.advance(seconds=1)  # minRetryDelay 5 s
    assert [e for e in events(c, "b") if e[1] == "SyncLoadBalancerFailed"][0][4] == 2
    c.delete("Service", "a")
    c.clock.advance(seconds=10)  # the next retry, 10 s later, succeeds
    assert c.get("Service", "b").status.loadBalancer.ingress[0].ip == "203.0.113.50"


def test_allocate_load_balancer_node_ports_false(kind):
    c, _, _ = kind
    c.apply(lb(allocateLoadBalancerNodePorts=False))
    assert events(c, "web")[-1][1] == "SyncLoadBalancerFailed"
    m = Cluster()
    install(m, MetalLBL2())
    m.apply(lb(allocateLoadBalancerNodePorts=False))
    assert m.get("Service", "web").status.loadBalancer.ingress[0].ip == "172.18.255.200"


# -- TestUpdateNodesInExternalLoadBalancer ------------------------------------------------------------------------


def test_new_node_updates_hosts(kind):
    c, _, p = kind
    c.apply([lb("s0"), lb("s1", "NodePort"), lb("s2")])
    node = c.get("Node", "kind-worker2").model_copy(deep=True)
    node.metadata.name = "kind-worker3"
    node.metadata.resourceVersion = node.metadata.uid = None
    node.spec.providerID = "kind://docker/kind/kind-worker3"
    node.status.addresses[0].address = "172.18.0.5"
    c.api.create(node)
    c.reconcile()
    assert [b.hosts for b in p.balancers.values()] == [["kind-worker", "kind-worker2", "kind-worker3"]] * 2
    assert p.calls.count("update") == 2
    for name in ("s0", "s2"):
        assert events(c, name)[-1][1:3] == ("UpdatedLoadBalancer", "Updated load balancer with new hosts")
    assert [e[1] for e in events(c, "s1")] == []


def test_no_eligible_nodes_warns():
    c = Cluster(preset="minikube")  # minikube nodes have no spec.providerID
    install(c, GenericCloud())
    c.apply(lb())
    assert (
        "Warning",
        "UnAvailableLoadBalancer",
        "There are no available nodes for LoadBalancer",
        "service-controller",
        1,
    ) in events(c, "web")


def test_without_a_provider_external_ip_stays_pending():
    c = Cluster(preset="minikube")  # minikube without `minikube tunnel`
    c.apply(lb())
    assert c.get("Service", "web").status.loadBalancer.ingress is None
    assert "<pending>" in c.kubectl("get svc web")
    assert not any(isinstance(x, ServiceLBController) for x in c.controllers)


def test_metallb_events():
    c = Cluster()
    install(c, MetalLBL2())
    c.apply(lb())
    svc = c.get("Service", "web")
    assert not svc.metadata.finalizers
    evs = events(c, "web")
    assert evs[0] == ("Normal", "IPAllocated", 'Assigned IP ["172.18.255.200"]', "metallb-controller", 1)
    typ, reason, msg, comp, _ = evs[1]
    assert (reason, comp) == ("nodeAssigned", "metallb-speaker")
    assert msg in (
        'announcing from node "kind-worker" with protocol "layer2"',
        'announcing from node "kind-worker2" with protocol "layer2"',
    )
