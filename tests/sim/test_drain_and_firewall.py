"""A node leaving a load balancer, and loadBalancerSourceRanges per proxy mode.

Facts: kube-proxy ``pkg/proxy/healthcheck/proxy_health.go`` (``/healthz`` fails for a node being deleted or
tainted ``ToBeDeletedByClusterAutoscaler``, ``/livez`` does not; KEP-3836), ``service_health.go`` (the per-Service
check counts ready local endpoints only), k8s.io/cloud-provider ``controllers/service/controller.go``
(``stableNodeSetPredicates``), the Virtual IPs page ("Traffic to terminating endpoints"), and the firewall rules of
``pkg/proxy/{iptables,nftables,ipvs}/proxier.go``.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from k8snet import Cluster
from k8snet.controllers.cloud import GenericCloud
from k8snet.controllers.servicelb import install
from k8snet.data import article_manifest
from k8snet.sim.trace import trace
from k8snet.sim.traffic import health_checks, kube_proxy_health, kube_proxy_probe, source_range_rules
from k8snet.sim.whatif import CLIENT_IP, external_trace


@pytest.fixture
def lb_cluster():
    c = Cluster(cloud_provider=False)
    c.kubectl("create deployment nginx --image=nginx --replicas=3 --port=80")
    c.kubectl("apply -f -", stdin=article_manifest("loadbalancer-svc"))
    install(c, GenericCloud())
    return c


def _rows(text):
    return {line.split()[0]: line.split()[1:] for line in text.splitlines()[1:]}


def test_autoscaler_taint_fails_healthz_but_not_livez(lb_cluster):
    assert {n: r for n, r in _rows(kube_proxy_health(lb_cluster)).items()} == {
        n: ["200", "200", "true"] for n in ("kind-control-plane", "kind-worker", "kind-worker2")
    }
    lb_cluster.kubectl("taint nodes kind-worker2 ToBeDeletedByClusterAutoscaler=1767225600:NoSchedule")
    rows = _rows(kube_proxy_health(lb_cluster))
    assert rows["kind-worker2"] == ["503", "200", "false"] and rows["kind-worker"] == ["200", "200", "true"]
    body = kube_proxy_probe(lb_cluster, "kind-worker2", "/healthz").json()
    assert body["nodeEligible"] is False
    assert "nodeEligible" not in kube_proxy_probe(lb_cluster, "kind-worker2", "/livez").json()
    # the service controller drops the node from the balancer; all new connections enter kind-worker
    (b,) = lb_cluster.cloud_provider.balancers.values()
    assert b.hosts == ["kind-worker"]
    t = external_trace(lb_cluster, "loadbalancer-svc")
    assert t.per_node == {"kind-worker": Fraction(1)}


def test_terminating_pods_fail_the_service_check_but_still_get_late_connections(lb_cluster):
    lb_cluster.kubectl("taint nodes kind-worker2 ToBeDeletedByClusterAutoscaler=1767225600:NoSchedule")
    (pod,) = [p for p in lb_cluster.pods("default", {"app": "nginx"}) if p.spec.nodeName == "kind-worker2"]
    lb_cluster.kubectl(f"delete pod {pod.metadata.name}")
    checks = {
        line.split()[-1].strip("()"): line.split()
        for line in health_checks(lb_cluster, "loadbalancer-svc").splitlines()
    }
    # the replacement went to kind-worker (kind-worker2 is tainted NoSchedule): 3 local endpoints there, 0 ready ones
    # on kind-worker2 although its Pod still runs
    assert (checks["kind-worker"][2], checks["kind-worker"][4]) == ("200", "3")
    assert (checks["kind-worker2"][2], checks["kind-worker2"][4]) == ("503", "0")
    node_port = lb_cluster.get("Service", "loadbalancer-svc").spec.ports[0].nodePort
    late = trace(lb_cluster, CLIENT_IP, f"{lb_cluster.node_ip('kind-worker2')}:{node_port}")
    assert late.verdict == "delivered" and late.chosen.pod == f"default/{pod.metadata.name}"
    lb_cluster.clock.advance(30)  # terminationGracePeriodSeconds
    gone = trace(lb_cluster, CLIENT_IP, f"{lb_cluster.node_ip('kind-worker2')}:{node_port}")
    assert gone.verdict == "DROP"


@pytest.fixture(scope="module")
def firewall_cluster():
    c = Cluster(cloud_provider=GenericCloud(target="vip"))
    c.kubectl("create deployment nginx --image=nginx --replicas=2 --port=80")
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {
                "type": "LoadBalancer",
                "selector": {"app": "nginx"},
                "ports": [{"port": 80}],
                "loadBalancerSourceRanges": ["203.0.113.0/24"],
            },
        }
    )
    return c


def test_source_range_rules_per_mode(firewall_cluster):
    ip = firewall_cluster.get("Service", "web").status.loadBalancer.ingress[0].ip
    ipt = source_range_rules(firewall_cluster, "web", "iptables", "kind-worker").splitlines()
    assert ipt[0] == "*nat" and "*filter" in ipt
    assert any("-s 203.0.113.0/24 -j KUBE-EXT-" in line for line in ipt)
    assert ipt[-1].startswith("-A KUBE-PROXY-FIREWALL") and f"-d {ip} --dport 80 -j DROP" in ipt[-1]
    nft = source_range_rules(firewall_cluster, "web", "nftables", "kind-worker")
    assert "ip saddr != { 203.0.113.0/24 } drop" in nft and f"firewall-ips {{ {ip} . tcp . 80 :" in nft
    ipvs = source_range_rules(firewall_cluster, "web", "ipvs", "kind-worker")
    assert f"{ip},tcp:80,203.0.113.0/24" in ipvs.splitlines() and ipvs.rstrip().endswith(
        "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP"
    )


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_every_mode_drops_other_sources_and_passes_allowed_ones(firewall_cluster, mode):
    from k8snet.sim.trace import trace_world, world_for

    ip = firewall_cluster.get("Service", "web").status.loadBalancer.ingress[0].ip
    world = world_for(firewall_cluster, mode)
    denied = trace_world(world, "198.51.100.7", f"{ip}:80", "TCP", entry_node="kind-worker")
    allowed = trace_world(world, "203.0.113.50", f"{ip}:80", "TCP", entry_node="kind-worker")
    assert denied.verdict == "DROP" and allowed.verdict == "delivered"
    # NodePorts are not subject to loadBalancerSourceRanges (the proxiers' comments say so)
    node_port = firewall_cluster.get("Service", "web").spec.ports[0].nodePort
    via_node_port = trace_world(
        world,
        "198.51.100.7",
        f"{firewall_cluster.node_ip('kind-worker')}:{node_port}",
        "TCP",
        entry_node="kind-worker",
    )
    assert via_node_port.verdict == "delivered"
