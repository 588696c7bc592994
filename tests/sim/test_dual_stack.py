"""Traces and simulations in IPv6 and on dual-stack nodes, through each node's proxier of the packet's family.

A two-node dual-stack cluster written by hand (what kind's ``ipFamily: dual`` gives a node: an InternalIP and a pod
CIDR per family, pods with one address per family in ``status.podIPs``, EndpointSlices per address family, a
``RequireDualStack`` Service with a ClusterIP per family): a packet to an IPv6 address runs through the nodes'
``ip6tables`` rules / ``ip6 kube-proxy`` table / IPv6 virtual servers and reaches the pods' IPv6 addresses; to an
IPv4 address, the IPv4 rules and addresses.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from k8snet.api.core_v1 import Node, Pod, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.errors import K8snetError
from k8snet.proxy.modes import available_modes
from k8snet.sim import cli
from k8snet.sim.simulate import simulate_world
from k8snet.sim.trace import World, trace_world

MODES = [m for m, why in available_modes().items() if why is None]
CLUSTER_CIDR = "10.244.0.0/16,fd00:10:244::/56"
SERVICE_CIDRS = ["10.96.0.0/16", "fd00:10:96::/112"]
NODES = {
    "node-1": ("172.18.0.2", "fc00:f853:ccd:e793::2", "10.244.1.0/24", "fd00:10:244:1::/64"),
    "node-2": ("172.18.0.3", "fc00:f853:ccd:e793::3", "10.244.2.0/24", "fd00:10:244:2::/64"),
}
# pod -> (node, IPv4, IPv6, app label)
PODS = {
    "web-a": ("node-1", "10.244.1.5", "fd00:10:244:1::5", "web"),
    "web-b": ("node-2", "10.244.2.6", "fd00:10:244:2::6", "web"),
    "client": ("node-1", "10.244.1.9", "fd00:10:244:1::9", "client"),
}
LB = {"IPv4": "198.51.100.10", "IPv6": "2001:db8:100::10"}
EXTERNAL = {"IPv4": "192.0.2.50", "IPv6": "2001:db8:200::50"}


def _node(name: str) -> Node:
    v4, v6, cidr4, cidr6 = NODES[name]
    return Node.model_validate(
        {
            "metadata": {"name": name},
            "spec": {"podCIDR": cidr4, "podCIDRs": [cidr4, cidr6]},
            "status": {
                "addresses": [{"type": "InternalIP", "address": v4}, {"type": "InternalIP", "address": v6}]
            },
        }
    )


def _pod(name: str) -> Pod:
    node, v4, v6, app = PODS[name]
    return Pod.model_validate(
        {
            "metadata": {"name": name, "namespace": "default", "labels": {"app": app}},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}]},
            "status": {"phase": "Running", "podIP": v4, "podIPs": [{"ip": v4}, {"ip": v6}]},
        }
    )


def _service(name: str, families=("IPv4", "IPv6"), **spec) -> Service:
    ips = {"web": ("10.96.0.20", "fd00:10:96::20"), "sticky": ("10.96.0.30", "fd00:10:96::30")}[name]
    by_family = dict(zip(("IPv4", "IPv6"), ips, strict=True))
    status = spec.pop("status", None)
    return Service.model_validate(
        {
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "clusterIP": by_family[families[0]],
                "clusterIPs": [by_family[f] for f in families],
                "ipFamilies": list(families),
                "ipFamilyPolicy": "RequireDualStack" if len(families) == 2 else "SingleStack",
                "selector": {"app": "web"},
                **spec,
            },
            **({"status": status} if status else {}),
        }
    )


def _slices(service: str, port: int = 8080) -> list[EndpointSlice]:
    out = []
    for family, index in (("IPv4", 1), ("IPv6", 2)):
        out.append(
            EndpointSlice.model_validate(
                {
                    "metadata": {
                        "name": f"{service}-{family.lower()}",
                        "namespace": "default",
                        "labels": {"kubernetes.io/service-name": service},
                    },
                    "addressType": family,
                    "endpoints": [
                        {
                            "addresses": [PODS[p][index]],
                            "nodeName": PODS[p][0],
                            "targetRef": {"kind": "Pod", "name": p},
                        }
                        for p in ("web-a", "web-b")
                    ],
                    "ports": [{"name": "http", "port": port, "protocol": "TCP"}],
                }
            )
        )
    return out


def _world(mode: str, cluster_cidr: str | None = CLUSTER_CIDR) -> World:
    web = _service(
        "web",
        type="LoadBalancer",
        externalIPs=["192.0.2.100", "2001:db8:300::100"],
        ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP", "nodePort": 30080}],
        status={"loadBalancer": {"ingress": [{"ip": LB["IPv4"]}, {"ip": LB["IPv6"]}]}},
    )
    sticky = _service(
        "sticky",
        sessionAffinity="ClientIP",
        sessionAffinityConfig={"clientIP": {"timeoutSeconds": 60}},
        ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
    )
    return World(
        [_node(n) for n in NODES],
        [_pod(p) for p in PODS],
        [web, sticky],
        [*_slices("web"), *_slices("sticky")],
        mode=mode,
        cluster_cidr=cluster_cidr,
        service_cidrs=SERVICE_CIDRS,
    )


def _candidates(t):
    return {(c.endpoint, c.pod, c.node, c.masquerade, c.source_seen) for c in t.candidates}


WEB_V6 = {
    ("[fd00:10:244:1::5]:8080", "default/web-a", "node-1"),
    ("[fd00:10:244:2::6]:8080", "default/web-b", "node-2"),
}
WEB_V4 = {("10.244.1.5:8080", "default/web-a", "node-1"), ("10.244.2.6:8080", "default/web-b", "node-2")}


@pytest.mark.parametrize("mode", MODES)
def test_pod_to_each_cluster_ip_of_a_dual_stack_service(mode):
    world = _world(mode)
    assert world.families == ["IPv4", "IPv6"]
    v6 = trace_world(world, "default/client", "[fd00:10:96::20]:80")
    # the pod sends from its IPv6 address; the backend sees it (no SNAT for pod -> ClusterIP)
    assert v6.source_ip == "fd00:10:244:1::9"
    assert {c[:3] for c in _candidates(v6)} == WEB_V6
    assert {c[3:] for c in _candidates(v6)} == {(False, "fd00:10:244:1::9")}
    assert sum(c.probability for c in v6.candidates) == 1
    v4 = trace_world(world, "default/client", "10.96.0.20:80")
    assert v4.source_ip == "10.244.1.9" and {c[:3] for c in _candidates(v4)} == WEB_V4
    # a Service by name means its primary ClusterIP (spec.clusterIP)
    assert {c[:3] for c in _candidates(trace_world(world, "default/client", "web:80"))} == WEB_V4


@pytest.mark.parametrize("mode", MODES)
def test_an_ipv6_packet_meets_only_the_ipv6_rules(mode):
    world = _world(mode)
    t = trace_world(world, "default/client", "[fd00:10:96::20]:80")
    rule_texts = " ".join(f"{s.rule} {s.effect}" for s in t.steps)
    assert "fd00:10:96::20" in rule_texts
    assert re.search(r"(?<![\w.])(\d{1,3}\.){3}\d{1,3}(?![\w.])", rule_texts) is None  # no IPv4 address
    if mode == "nftables":
        assert {s.table for s in t.steps if s.table} == {"ip6 kube-proxy"}
        assert world.rules("node-1", "IPv6").startswith("add table ip6 kube-proxy")
        assert world.rules("node-1").startswith("add table ip kube-proxy")
    elif mode == "iptables":
        assert "[fd00:10:244:1::5]:8080" in world.rules("node-1", "IPv6")
        assert "fd00:10:244" not in world.rules("node-1", "IPv4")
    else:
        assert {vs.address for vs in world.rules("node-1", "IPv6").virtual_servers} >= {"fd00:10:96::20"}
        assert "KUBE-6-CLUSTER-IP" in world.rules("node-1", "IPv6").ipsets


@pytest.mark.parametrize("mode", MODES)
def test_external_ipv6_client_to_a_node_port_is_masqueraded_to_the_entry_nodes_ipv6(mode):
    world = _world(mode)
    t = trace_world(world, EXTERNAL["IPv6"], "[fc00:f853:ccd:e793::2]:30080")
    assert t.entry_node == "node-1"
    assert {c[:3] for c in _candidates(t)} == WEB_V6
    # externalTrafficPolicy Cluster: SNAT to the entry node's address of the packet's family
    assert {c.source_seen for c in t.candidates} == {"fc00:f853:ccd:e793::2"}
    assert all(c.masquerade for c in t.candidates)
    remote = next(o for o in t.outcomes if o.pod == "default/web-b")
    assert any("via node-2 (fc00:f853:ccd:e793::3)" in s.effect for s in remote.steps)


@pytest.mark.parametrize("mode", MODES)
def test_load_balancer_and_external_ipv6_addresses(mode):
    world = _world(mode)
    for dest in (f"[{LB['IPv6']}]:80", "[2001:db8:300::100]:80"):
        t = trace_world(world, EXTERNAL["IPv6"], dest)
        assert {c[:3] for c in _candidates(t)} == WEB_V6, (mode, dest)


def test_packets_have_one_family():
    world = _world("iptables")
    with pytest.raises(
        K8snetError, match="source 192.0.2.50 is an IPv4 address and the destination an IPv6 one"
    ):
        trace_world(world, EXTERNAL["IPv4"], "[fd00:10:96::20]:80")
    with pytest.raises(K8snetError, match=r"write an IPv6 address and its port as \[IP\]:PORT"):
        trace_world(world, "default/client", "fd00:10:96::20:80")
    single = World(
        [
            Node.model_validate(
                {
                    "metadata": {"name": "v4"},
                    "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.9"}]},
                }
            )
        ],
        [],
        [],
        [],
    )
    with pytest.raises(K8snetError, match=r"node v4 has no IPv6 address \(InternalIPs: 172.18.0.9\)"):
        trace_world(single, "v4", "[fd00::1]:80")


def test_single_stack_ipv6_cluster():
    # an IPv6-only cluster: the primary family is IPv6 and rules(node) are the IPv6 proxier's
    node = Node.model_validate(
        {
            "metadata": {"name": "n1"},
            "spec": {"podCIDR": "fd00:10:244:1::/64", "podCIDRs": ["fd00:10:244:1::/64"]},
            "status": {"addresses": [{"type": "InternalIP", "address": "fd00::2"}]},
        }
    )
    svc = _service("web", families=("IPv6",), ports=[{"name": "http", "port": 80, "targetPort": 8080}])
    world = World([node], [], [svc], [_slices("web")[1]], mode="nftables", cluster_cidr="fd00:10:244::/56")
    assert world.families == ["IPv6"] and world.primary_family == "IPv6"
    assert world.rules("n1").startswith("add table ip6 kube-proxy")
    t = trace_world(world, "fd00:10:244:1::77", "web:80")
    assert {c.endpoint for c in t.candidates} == {"[fd00:10:244:1::5]:8080", "[fd00:10:244:2::6]:8080"}
    # fd00:10:244:1::77 is inside --cluster-cidr: no masquerade (the detector of the IPv6 proxier)
    assert not t.masquerade


@pytest.mark.parametrize("mode", MODES)
def test_off_cluster_ipv6_source_to_a_cluster_ip_is_masqueraded(mode):
    # the node itself (outside the IPv6 cluster CIDR) sends to the IPv6 ClusterIP: "! -s fd00:10:244::/56"
    # marks it in iptables and nftables; IPVS masquerades node traffic too
    t = trace_world(_world(mode), "node-2", "[fd00:10:96::20]:80")
    assert t.source_ip == "fc00:f853:ccd:e793::3" and t.masquerade
    assert {c.source_seen for c in t.candidates if c.pod == "default/web-a"} == {"fc00:f853:ccd:e793::3"}


@pytest.mark.parametrize("mode", MODES)
def test_simulation_of_ipv6_clients(mode):
    world = _world(mode)
    r = simulate_world(world, 50, f"[{LB['IPv6']}]:80", connections=4000, seed=7)
    assert r.delivered == 4000 and r.drops == {}
    assert set(r.per_pod) == {"default/web-a", "default/web-b"}
    assert all(0.4 < share < 0.6 for share in r.per_pod.values())
    assert set(r.per_endpoint) == {"[fd00:10:244:1::5]:8080", "[fd00:10:244:2::6]:8080"}
    # the clients are IPv6 (2001:2::/48), masqueraded to the entry node's IPv6 address
    assert set(r.source_seen) <= {"fc00:f853:ccd:e793::2", "fc00:f853:ccd:e793::3"} and r.snat_fraction == 1.0
    again = simulate_world(world, 50, f"[{LB['IPv6']}]:80", connections=4000, seed=7)
    assert again.to_dict() == r.to_dict()


@pytest.mark.parametrize("mode", MODES)
def test_session_affinity_for_ipv6_clients_sticks(mode):
    # nftables: "update @affinity-... { ip6 saddr }" / "ip6 saddr @affinity-..."; iptables: -m recent in
    # ip6tables; IPVS: a persistent IPv6 virtual server
    world = _world(mode)
    # one connection every 100 s on average: some within the 60 s timeout (sticky), some after it (rules rerun)
    r = simulate_world(
        world, ["default/client"], "[fd00:10:96::30]:80", connections=300, seed=3, duration=30000
    )
    assert r.affinity_timeout == 60
    assert r.stickiness == 1.0 and r.reassigned > 0
    assert set(r.source_seen) == {"fd00:10:244:1::9"}


def test_cli_trace_to_a_bracketed_ipv6_destination(tmp_path):
    path = tmp_path / "cluster.yaml"
    objs = [
        *(_node(n) for n in NODES),
        *(_pod(p) for p in PODS),
        *_world("iptables").services,
        *_slices("web"),
    ]
    path.write_text("\n---\n".join(json.dumps(o.to_dict()) for o in objs) + "\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = cli.main(
            [
                "trace",
                "-f",
                str(path),
                "--from",
                "default/client",
                "--to",
                "[fd00:10:96::20]:80",
                "--json",
                "--cluster-cidr",
                CLUSTER_CIDR,
                "--proxy-mode",
                "nftables",
            ]
        )
    assert rc == 0
    d = json.loads(out.getvalue())
    assert d["source_ip"] == "fd00:10:244:1::9" and d["destination"] == "[fd00:10:96::20]:80"
    assert {c["endpoint"] for c in d["candidates"]} == {"[fd00:10:244:1::5]:8080", "[fd00:10:244:2::6]:8080"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = cli.main(
            [
                "simulate",
                "-f",
                str(path),
                "--clients",
                "5",
                "--to",
                f"[{LB['IPv6']}]:80",
                "--connections",
                "200",
                "--json",
                "--cluster-cidr",
                CLUSTER_CIDR,
            ]
        )
    assert rc == 0 and json.loads(out.getvalue())["delivered"] == 200


KIND_DUAL_APP = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ipFamilyPolicy: PreferDualStack
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: busybox}]}
"""


@pytest.fixture(scope="module")
def kind_dual():
    from k8snet.sim.cluster import Cluster

    c = Cluster(preset="kind-dual")
    c.apply(KIND_DUAL_APP)
    return c


@pytest.mark.parametrize("mode", MODES)
def test_a_kind_dual_cluster_traced_in_each_family(kind_dual, mode):
    from k8snet.sim.trace import trace, world_for

    world = world_for(kind_dual, mode)
    assert world.cluster_cidrs == list(kind_dual.cluster_cidrs) and world.families == ["IPv4", "IPv6"]
    svc = kind_dual.get("Service", "web")
    pods = {p.metadata.name: p for p in kind_dual.pods("default") if p.metadata.name.startswith("web-")}
    for family, (cluster_ip, dest) in zip(
        ("IPv4", "IPv6"),
        ((ip, f"[{ip}]:80" if ":" in ip else f"{ip}:80") for ip in svc.spec.clusterIPs),
        strict=True,
    ):
        t = trace(kind_dual, "default/client", dest, mode=mode)
        index = 0 if family == "IPv4" else 1
        client = kind_dual.get("Pod", "client")
        assert t.source_ip == client.status.podIPs[index].ip, (family, cluster_ip)
        expected = {
            (
                f"[{p.status.podIPs[index].ip}]:8080"
                if family == "IPv6"
                else f"{p.status.podIPs[index].ip}:8080"
            )
            for p in pods.values()
        }
        assert {c.endpoint for c in t.candidates} == expected
        assert {c.pod for c in t.candidates} == {f"default/{name}" for name in pods}
        assert not t.masquerade


def test_rules_by_family_on_a_kind_dual_cluster(kind_dual):
    from k8snet.sim.traffic import rules_by_family

    v4_ip, v6_ip = kind_dual.get("Service", "web").spec.clusterIPs
    rules = rules_by_family(kind_dual, "web", "nftables", node="kind-worker")
    assert list(rules) == ["IPv4", "IPv6"]
    assert f"add element ip kube-proxy service-ips {{ {v4_ip} . tcp . 80" in rules["IPv4"]
    assert f"add element ip6 kube-proxy service-ips {{ {v6_ip} . tcp . 80" in rules["IPv6"]
    assert v6_ip not in rules["IPv4"] and v4_ip not in rules["IPv6"]
    # each proxier's local-traffic detector is its family's cluster CIDR
    ipt = rules_by_family(kind_dual, "web", "iptables", node="kind-worker")
    assert "! -s fd00:10:244::/56 -j KUBE-MARK-MASQ" in ipt["IPv6"] and "! -s 10.244.0.0/16" in ipt["IPv4"]


def test_simulation_on_a_kind_dual_cluster_node_port_in_ipv6(kind_dual):
    from k8snet.sim.simulate import simulate

    node = next(n for n in kind_dual.nodes() if n.metadata.name == "kind-worker")
    v6 = next(a.address for a in node.status.addresses if a.type == "InternalIP" and ":" in a.address)
    port = kind_dual.get("Service", "web").spec.ports[0].nodePort
    r = simulate(kind_dual, 20, f"[{v6}]:{port}", connections=3000, mode="nftables", seed=2)
    assert r.delivered == 3000 and len(r.per_pod) == 3
    assert all(0.25 < share < 0.42 for share in r.per_pod.values())
    assert r.source_seen == {v6: 1.0}  # externalTrafficPolicy Cluster: SNAT to the node's IPv6 address
