"""Whole-cluster packet traces (k8snet.sim.trace).

Upstream: kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go -- the packetFlowTest cases of
TestTracePacket / TestOverallIPTablesRules (same Services), TestExternalTrafficPolicyLocal,
TestExternalTrafficPolicyCluster and TestNonLocalExternalIPs (name, sourceIP, destIP, destPort, output, masq),
run here through :func:`trace_objects` on the same objects and one Node ``test-node`` (192.168.0.2),
``--cluster-cidr`` 10.0.0.0/8, the proxier settings of ``NewFakeProxier``; TestTracePacket's flows also run
through :func:`trace` on an equivalent :class:`Cluster` (the objects created through the API server). ``output`` is compared as upstream's
``tracePacket`` prints it: the DNAT destinations of all outcomes on the entry node joined with ", ", or the
explicit ACCEPT/DROP/REJECT; ``masq`` is "masqueraded on any outcome".

The cluster-level cases build a kind cluster (3 nodes) and check what a reader of the book is told: a pod reaching
a ClusterIP is not SNATed and the backend sees the pod IP; a NodePort with ``externalTrafficPolicy: Cluster`` is
SNATed to the entry node's IP; with ``Local`` it is not, and a node without a local endpoint drops it.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from k8snet import manifests
from k8snet.api.core_v1 import Node, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.proxy.modes import available_modes
from k8snet.sim.cluster import Cluster
from k8snet.sim.trace import trace, trace_objects, world_for

PROXY_FIXTURES = Path(__file__).parents[1] / "proxy" / "fixtures"
NODE = "192.168.0.2"
EXT = "203.0.113.2"  # testExternalClient
# NewFakeProxier's settings (tests/proxy/test_iptables.py FAKE_SETTINGS), minus hostname / node IPs (from the Node).
FAKE = {"masquerade_mark": "0x4000", "random_fully": False, "nfacct": True}
TEST_NODE = Node.model_validate(
    {"metadata": {"name": "test-node"}, "status": {"addresses": [{"type": "InternalIP", "address": NODE}]}}
)


def _upstream(trace_result):
    """(output, masq) as runPacketFlowTests compares them."""
    outs = [o.hops[0].result.output for o in trace_result.outcomes if o.hops]
    return ", ".join(x for x in outs if x), trace_result.masquerade


def _objects_trace(objs, source, dest_ip, dest_port, protocol="TCP"):
    services = [o for o in objs if o.kind == "Service"]
    slices = [o for o in objs if o.kind == "EndpointSlice"]
    return trace_objects(
        [TEST_NODE],
        [],
        services,
        slices,
        source,
        f"{dest_ip}:{dest_port}",
        protocol,
        settings=FAKE,
        cluster_cidr="10.0.0.0/8",
    )


# --- upstream packet flows --------------------------------------------------------------------------------------

# TestTracePacket's flows (also asserted against TestOverallIPTablesRules' rules, which cover the same Services).
TRACE_PACKET_FLOWS = [
    ("no match", "10.0.0.2", "10.0.0.3", 80, "", False),
    ("single endpoint", "10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", False),
    ("multiple endpoints", "10.0.0.2", "172.30.0.44", 80, "10.180.0.4:80, 10.180.0.5:80", False),
    ("LOCAL, KUBE-MARK-MASQ", NODE, "192.168.99.22", 80, "10.180.0.2:80", True),
    ("DROP", EXT, "192.168.99.22", 80, "DROP", False),
    ("ACCEPT (NodePortHealthCheck)", NODE, NODE, 30000, "ACCEPT", False),
    ("REJECT", "10.0.0.2", "172.30.0.46", 80, "REJECT", False),
]


@pytest.fixture(scope="module")
def overall():
    return manifests.load(PROXY_FIXTURES / "overall.yaml")


@pytest.mark.parametrize("flow", TRACE_PACKET_FLOWS, ids=[f[0] for f in TRACE_PACKET_FLOWS])
def test_trace_packet_flows(overall, flow):
    name, source, dest, port, output, masq = flow
    assert _upstream(_objects_trace(overall, source, dest, port)) == (output, masq)


@pytest.fixture(scope="module")
def upstream_cluster(overall):
    """TestOverallIPTablesRules' objects in a one-node Cluster: node test-node, Service CIDR 172.30.0.0/16,
    cluster CIDR 10.0.0.0/8 (so CoreDNS gets 10.0.0.2, upstream's pod source), NodePorts from 3000. svc5 loses
    its healthCheckNodePort, which the API server rejects for a Cluster-policy Service (the upstream unit test
    feeds the proxier directly)."""
    from k8snet.api.core_v1 import Namespace

    c = Cluster(
        preset="minikube",
        nodes=["test-node"],
        service_cidr="172.30.0.0/16",
        cluster_cidr="10.0.0.0/8",
        node_port_range="3000-32767",
    )
    for ns in sorted({o.metadata.namespace for o in overall}):
        c.api.create(Namespace(metadata={"name": ns}))
    objs = [o.model_copy(deep=True) for o in overall]
    for o in objs:
        if o.kind == "Service" and o.metadata.name == "svc5":
            o.spec.healthCheckNodePort = None
    c.create(objs)
    return c


@pytest.mark.parametrize("flow", TRACE_PACKET_FLOWS, ids=[f[0] for f in TRACE_PACKET_FLOWS])
def test_trace_packet_flows_on_an_equivalent_cluster(upstream_cluster, flow):
    node_ip = upstream_cluster.node_ip("test-node")
    name, source, dest, port, output, masq = (
        x.replace(NODE, node_ip) if isinstance(x, str) else x for x in flow
    )
    t = trace(upstream_cluster, source, f"{dest}:{port}")
    assert _upstream(t) == (output, masq)
    if source == "10.0.0.2":  # CoreDNS's pod: the packet enters test-node from its veth
        assert t.source_kind == "pod" and t.steps[0].hook == "PREROUTING"


def _etp_objects(policy: str):
    """TestExternalTrafficPolicyLocal / ...Cluster: a LoadBalancer Service with an externalIP, one remote
    endpoint (no nodeName) and one on test-node."""
    svc = Service.model_validate(
        {
            "metadata": {"name": "svc1", "namespace": "ns1"},
            "spec": {
                "type": "LoadBalancer",
                "externalTrafficPolicy": policy,
                "clusterIP": "172.30.0.41",
                "externalIPs": ["192.168.99.11"],
                "healthCheckNodePort": 30000 if policy == "Local" else None,
                "ports": [{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001, "targetPort": 80}],
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}},
        }
    )
    es = EndpointSlice.model_validate(
        {
            "metadata": {
                "name": "svc1-1",
                "namespace": "ns1",
                "labels": {"kubernetes.io/service-name": "svc1"},
            },
            "addressType": "IPv4",
            "endpoints": [
                {"addresses": ["10.180.0.1"]},
                {"addresses": ["10.180.2.1"], "nodeName": "test-node"},
            ],
            "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}],
        }
    )
    return [svc, es]


BOTH = "10.180.0.1:80, 10.180.2.1:80"
LOCAL_ONLY = "10.180.2.1:80"
ETP_FLOWS = {
    "Local": [
        ("pod to cluster IP hits both endpoints, unmasqueraded", "10.0.0.2", "172.30.0.41", 80, BOTH, False),
        (
            "pod to external IP hits both endpoints, unmasqueraded",
            "10.0.0.2",
            "192.168.99.11",
            80,
            BOTH,
            False,
        ),
        (
            "external to external IP hits only local endpoint, unmasqueraded",
            EXT,
            "192.168.99.11",
            80,
            LOCAL_ONLY,
            False,
        ),
        ("pod to LB IP hits only both endpoints, unmasqueraded", "10.0.0.2", "1.2.3.4", 80, BOTH, False),
        ("external to LB IP hits only local endpoint, unmasqueraded", EXT, "1.2.3.4", 80, LOCAL_ONLY, False),
        ("pod to NodePort hits both endpoints, unmasqueraded", "10.0.0.2", NODE, 3001, BOTH, False),
        ("external to NodePort hits only local endpoint, unmasqueraded", EXT, NODE, 3001, LOCAL_ONLY, False),
    ],
    "Cluster": [
        ("pod to cluster IP hits both endpoints, unmasqueraded", "10.0.0.2", "172.30.0.41", 80, BOTH, False),
        ("pod to external IP hits both endpoints, masqueraded", "10.0.0.2", "192.168.99.11", 80, BOTH, True),
        ("external to external IP hits both endpoints, masqueraded", EXT, "192.168.99.11", 80, BOTH, True),
        ("pod to LB IP hits both endpoints, masqueraded", "10.0.0.2", "1.2.3.4", 80, BOTH, True),
        ("external to LB IP hits both endpoints, masqueraded", EXT, "1.2.3.4", 80, BOTH, True),
        ("pod to NodePort hits both endpoints, masqueraded", "10.0.0.2", NODE, 3001, BOTH, True),
        ("external to NodePort hits both endpoints, masqueraded", EXT, NODE, 3001, BOTH, True),
    ],
}
ETP_CASES = [(policy, f) for policy, flows in ETP_FLOWS.items() for f in flows]


@pytest.mark.parametrize("policy,flow", ETP_CASES, ids=[f"{p}: {f[0]}" for p, f in ETP_CASES])
def test_external_traffic_policy_flows(policy, flow):
    name, source, dest, port, output, masq = flow
    assert _upstream(_objects_trace(_etp_objects(policy), source, dest, port)) == (output, masq)


def test_non_local_external_ips():
    """TestNonLocalExternalIPs: a ClusterIP Service with an externalIP, Cluster policy."""
    svc, es = _etp_objects("Cluster")
    svc.spec.type = "ClusterIP"
    svc.spec.ports[0].nodePort = None
    svc.status = None
    assert _upstream(_objects_trace([svc, es], "10.0.0.2", "172.30.0.41", 80)) == (BOTH, False)
    assert _upstream(_objects_trace([svc, es], EXT, "192.168.99.11", 80)) == (BOTH, True)


def test_probabilities_are_exact(overall):
    t = _objects_trace(overall, "10.0.0.2", "172.30.0.44", 80)
    assert [(c.endpoint, c.probability) for c in t.candidates] == [
        ("10.180.0.4:80", Fraction(1, 2)),
        ("10.180.0.5:80", Fraction(1, 2)),
    ]


def test_drop_reason_is_kube_proxys_comment(overall):
    t = _objects_trace(overall, EXT, "192.168.99.22", 80)
    # pkg/proxy/iptables/proxier.go: "%s has no local endpoints" on the KUBE-EXTERNAL-SERVICES DROP rule
    assert (t.verdict, t.reason) == ("DROP", "ns2/svc2:p80 has no local endpoints")
    assert t.candidates == [] and "DROP: ns2/svc2:p80 has no local endpoints" in t.text()


# --- a kind cluster ---------------------------------------------------------------------------------------------


def _web_pods(cluster):
    return {p.status.podIP: p for p in cluster.pods(label_selector={"app": "web"})}


def test_cluster_ip_from_a_pod_is_not_snatted(kind):
    client = kind.get("Pod", "client")
    t = trace(kind, "default/client", "web:http")
    web = _web_pods(kind)
    assert sorted(c.endpoint for c in t.candidates) == sorted(f"{ip}:8080" for ip in web)
    # iptables' --probability is the decimal text "%0.10f" of 1/n, so not exactly 1/3
    # iptables' --probability is the decimal text "%0.10f" of 1/(n-i): 0.3333333333, then 0.5000000000
    first = Fraction(3333333333, 10**10)
    assert [c.probability for c in t.candidates] == [first, (1 - first) / 2, (1 - first) / 2]
    assert sum(c.probability for c in t.candidates) == 1
    assert t.verdict == "delivered" and not t.masquerade and not t.snat
    assert t.source_seen == client.status.podIP
    assert {c.pod for c in t.candidates} == {f"default/{p.metadata.name}" for p in web.values()}
    assert {c.node for c in t.candidates} == {p.spec.nodeName for p in web.values()}
    # the packet enters the client's node from its veth: nat PREROUTING first
    assert t.steps[0].node == client.spec.nodeName and t.steps[0].hook == "PREROUTING"
    assert "no SNAT: the backend sees source " + client.status.podIP in t.text()


def test_cross_node_path_runs_the_second_node(kind):
    client = kind.get("Pod", "client")
    for seed in range(12):
        t = trace(kind, "default/client", "web:80", seed=seed)
        if t.chosen.node != client.spec.nodeName:
            break
    else:  # pragma: no cover - three endpoints on two nodes, twelve draws
        pytest.fail("no cross-node outcome drawn")
    nodes = [h.node for h in t.chosen.hops]
    assert nodes == [client.spec.nodeName, t.chosen.node]
    second = [s for s in t.steps if s.node == t.chosen.node and s.hook not in ("route", "deliver")]
    assert {s.hook for s in second} == {"PREROUTING", "FORWARD", "POSTROUTING"}
    assert not any("DNAT" in s.effect for s in second)  # no Service matches a pod IP


def test_nodeport_cluster_policy_from_outside_is_masqueraded(kind):
    worker_ip = kind.node_ip("kind-worker")
    t = trace(kind, "203.0.113.7", f"{worker_ip}:30080")
    assert t.entry_node == "kind-worker"
    assert len(t.candidates) == 3 and all(c.masquerade for c in t.candidates)
    assert t.snat and t.source_seen == worker_ip
    assert "MASQUERADE: the backend sees source 172.18.0.3 (node kind-worker)" in t.text()


def test_nodeport_local_policy_keeps_the_client_ip_and_drops_without_local_endpoint(kind):
    by_node: dict[str, list[str]] = {}
    for ip, p in _web_pods(kind).items():
        by_node.setdefault(p.spec.nodeName, []).append(f"{ip}:8080")
    for node in ("kind-control-plane", "kind-worker", "kind-worker2"):
        t = trace(kind, "203.0.113.7", f"{kind.node_ip(node)}:30081")
        if node in by_node:
            assert sorted(c.endpoint for c in t.candidates) == sorted(by_node[node])
            assert not t.masquerade and t.source_seen == "203.0.113.7"
        else:
            assert t.verdict == "DROP" and t.reason == "default/web-local has no local endpoints"
            assert t.candidates == []


def test_load_balancer_sends_to_a_node_that_passes_the_health_check(kind, lb_ip):
    nodes_with = {p.spec.nodeName for p in kind.pods(label_selector={"app": "web"})}
    t = trace(kind, "203.0.113.7", f"{lb_ip}:80")
    # externalTrafficPolicy Local: the LB's healthCheckNodePort probe only passes where a local endpoint runs;
    # kind-control-plane is also excluded (node.kubernetes.io/exclude-from-external-load-balancers)
    assert t.entry_node in nodes_with and t.entry_node != "kind-control-plane"
    assert t.verdict == "delivered" and {c.node for c in t.candidates} == {t.entry_node}
    assert not t.masquerade and t.source_seen == "203.0.113.7"


def test_external_client_cannot_reach_a_cluster_ip(kind):
    t = trace(kind, "203.0.113.7", "web:80")
    assert t.verdict == "no route" and "ClusterIPs exist only in kube-proxy's rules" in t.reason
    # a router that sends it to a node anyway: kube-proxy DNATs and masquerades off-cluster traffic
    t = trace(kind, "203.0.113.7", "web:80", entry_node="kind-worker")
    assert t.verdict == "delivered" and t.masquerade


def test_hairpin_is_masqueraded_only_towards_itself(kind):
    ip, pod = sorted(_web_pods(kind).items())[0]
    t = trace(kind, f"default/{pod.metadata.name}", "web:80")
    masq = {c.endpoint: c.masquerade for c in t.candidates}
    assert masq.pop(f"{ip}:8080") is True
    assert not any(masq.values())


def test_to_dict_is_json(kind):
    d = json.loads(json.dumps(trace(kind, "default/client", "web:80").to_dict()))
    assert d["verdict"] == "delivered" and d["masquerade"] is False
    assert sum(c["probability"] for c in d["candidates"]) == pytest.approx(1.0)
    assert {"node", "hook", "table", "chain", "rule", "effect"} <= set(d["steps"][0])


def test_world_is_cached_by_resource_version():
    c = Cluster(preset="minikube")
    w = world_for(c)
    assert world_for(c) is w
    c.apply("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 1}]}\n")
    assert world_for(c) is not w


def test_flow_diagram_marks_drops_red(kind):
    from k8snet.views.flow import trace_diagram
    from k8snet.views.graphviz import COLORS

    t = trace(kind, "203.0.113.7", f"{kind.node_ip('kind-control-plane')}:30081")
    src = trace_diagram(t).source
    assert "DROP" in src and COLORS["highlight"] in src
    ok = trace_diagram(trace(kind, "default/client", "web:80")).source
    assert COLORS["highlight"] not in ok and "DNAT" in ok


@pytest.mark.skipif(available_modes()["nftables"] is not None, reason=str(available_modes()["nftables"]))
def test_nftables_mode_gives_the_same_candidates(kind):
    for src, dst in (("default/client", "web:80"), ("203.0.113.7", "172.18.0.3:30080")):
        a, b = trace(kind, src, dst), trace(kind, src, dst, mode="nftables")
        assert [(c.endpoint, c.masquerade) for c in a.candidates] == [
            (c.endpoint, c.masquerade) for c in b.candidates
        ]
        # numgen gives exactly 1/n; iptables' "%0.10f" probabilities differ from it by less than 1e-10
        assert [float(c.probability) for c in a.candidates] == pytest.approx(
            [float(c.probability) for c in b.candidates], abs=1e-9
        )
