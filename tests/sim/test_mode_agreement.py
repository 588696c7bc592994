"""Property: kube-proxy's proxy modes agree on where a packet can go and whether it is masqueraded.

For generated Services (ClusterIP / NodePort / LoadBalancer, externalIPs, both traffic policies, ClientIP
affinity) and EndpointSlices (ready / serving-terminating / not-serving endpoints, local, remote or without a
node), every packet a pod, the node or an external client sends to one of the Service's addresses is traced in
every available mode (the rules each renderer writes, run by that mode's executor), and the modes must give the
same set of endpoints, the same masquerade decision per endpoint, and the same "delivered or not".

Documented differences that are excluded (upstream behaviour, not bugs of ours):

* IPVS has no "short-circuit" for internal traffic to external addresses: with ``externalTrafficPolicy: Local``
  the IPVS virtual servers of NodePorts, externalIPs and LB IPs hold only the node-local endpoints for every
  client (kubernetes/kubernetes ``pkg/proxy/ipvs/proxier.go`` ``syncEndpoint``: ``onlyNodeLocalEndpoints``
  for external virtual servers), while iptables and nftables send pod and node traffic to all endpoints
  (``KUBE-EXT-`` "pod traffic for ... external destinations", KEP-1860's short-circuit). Those packets are
  compared between iptables and nftables only.
* IPVS with a Local policy and no usable local endpoint falls back to all cluster endpoints ("Allow access from
  local PODs even if no local endpoints exist. Traffic from an external source will be routed but the reply will
  have the POD address and will be discarded", ``syncEndpoint``, kubernetes/kubernetes PR 97081), where
  iptables and nftables drop ("has no local endpoints"). Such packets are compared between iptables and
  nftables only.
* DROP versus REJECT is not compared (IPVS answers "no real server" with an ICMP unreachable where the others
  may drop), nor what happens to a packet that reaches no endpoint: iptables mode hooks ``KUBE-EXTERNAL-SERVICES``
  (which rejects traffic to externalIPs of Services without endpoints) on INPUT and FORWARD only, so the node's
  own packet to such an externalIP is routed out unchanged, while nftables rejects it in ``filter-output``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet.api.core_v1 import Node, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.proxy.modes import available_modes
from k8snet.sim.trace import World, trace_world

MODES = [m for m, why in available_modes().items() if why is None]
SKIPPED = {m: why for m, why in available_modes().items() if why is not None}
NODE_IP = "192.168.0.2"
NODE = Node.model_validate(
    {"metadata": {"name": "test-node"}, "status": {"addresses": [{"type": "InternalIP", "address": NODE_IP}]}}
)
POD_SRC, EXT_SRC = "10.0.0.2", "203.0.113.2"

pytestmark = pytest.mark.skipif(len(MODES) < 2, reason=f"fewer than two proxy modes can be traced: {SKIPPED}")


@st.composite
def scenarios(draw):
    n_eps = draw(st.integers(0, 4))
    endpoints = []
    for i in range(n_eps):
        state = draw(st.sampled_from(["ready", "ready", "terminating-serving", "terminating"]))
        cond = {
            "ready": {"ready": True, "serving": True, "terminating": False},
            "terminating-serving": {"ready": False, "serving": True, "terminating": True},
            "terminating": {"ready": False, "serving": False, "terminating": True},
        }[state]
        node = draw(st.sampled_from(["test-node", "other-node", None]))
        ep = {"addresses": [f"10.180.{i}.1"], "conditions": cond}
        if node:
            ep["nodeName"] = node
        endpoints.append(ep)
    svc_type = draw(st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer"]))
    protocol = draw(st.sampled_from(["TCP", "UDP"]))
    spec = {
        "type": svc_type,
        "clusterIP": "172.30.0.41",
        "ports": [{"name": "p80", "port": 80, "protocol": protocol, "targetPort": 8080}],
        "internalTrafficPolicy": draw(st.sampled_from(["Cluster", "Local"])),
        "sessionAffinity": draw(st.sampled_from(["None", "ClientIP"])),
    }
    if spec["sessionAffinity"] == "ClientIP":
        spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    if draw(st.booleans()):
        spec["externalIPs"] = ["192.168.99.11"]
    status = None
    if svc_type != "ClusterIP":
        spec["ports"][0]["nodePort"] = 3001
        spec["externalTrafficPolicy"] = draw(st.sampled_from(["Cluster", "Local"]))
        if spec["externalTrafficPolicy"] == "Local":
            spec["healthCheckNodePort"] = 30000
    if svc_type == "LoadBalancer":
        status = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    svc = Service.model_validate(
        {
            "metadata": {"name": "svc1", "namespace": "ns1"},
            "spec": spec,
            **({"status": status} if status else {}),
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
            "endpoints": endpoints or None,
            "ports": [{"name": "p80", "port": 8080, "protocol": protocol}],
        }
    )
    dests = [("172.30.0.41", 80, False)]
    dests += [("192.168.99.11", 80, True)] if spec.get("externalIPs") else []
    dests += [(NODE_IP, 3001, True)] if svc_type != "ClusterIP" else []
    dests += [("1.2.3.4", 80, True)] if svc_type == "LoadBalancer" else []
    dest = draw(st.sampled_from(dests))
    # hairpin: an endpoint pod sends to its own Service; it lives on the node it enters (IPVS's KUBE-LOOP-BACK set
    # holds only local endpoints, as hairpin traffic can only come from them)
    local = [e["addresses"][0] for e in endpoints if e.get("nodeName") == "test-node"]
    sources = [POD_SRC, NODE_IP, EXT_SRC] + local[:1]
    source = draw(st.sampled_from(sources))
    return svc, es, protocol, dest, source


def _summary(t):
    """``{endpoint: masqueraded}`` over the paths that reach a Service endpoint (a packet that leaves the node
    unchanged reaches no endpoint)."""
    return {
        c.endpoint: c.masquerade for c in t.candidates if c.delivered_to and c.delivered_to[0] != "external"
    }


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_modes_agree_on_endpoints_and_masquerade(scenario):
    svc, es, protocol, (dst_ip, dst_port, external), source = scenario
    results = {}
    for mode in MODES:
        world = World(
            [NODE], [], [svc], [es], mode=mode, cluster_cidr="10.0.0.0/8", service_cidrs=["172.30.0.0/16"]
        )
        # external clients to a ClusterIP: model a router sending it to the node anyway
        t = trace_world(world, source, f"{dst_ip}:{dst_port}", protocol, entry_node="test-node")
        results[mode] = _summary(t)
    internal_source = source != EXT_SRC
    etp_local = svc.spec.externalTrafficPolicy == "Local"
    itp_local = svc.spec.internalTrafficPolicy == "Local"
    local_usable = any(e.nodeName == "test-node" and e.conditions.serving for e in es.endpoints or [])
    ipvs_differs = (external and etp_local and (internal_source or not local_usable)) or (
        not external and itp_local and not local_usable
    )
    compared = {m: r for m, r in results.items() if not (m == "ipvs" and ipvs_differs)}
    first = next(iter(compared.values()))
    assert all(r == first for r in compared.values()), results


# --- IPv6 and dual-stack ------------------------------------------------------------------------------------------

#: The IPv4 scenario's addresses and their IPv6 counterparts (upstream's IPv6 test conventions where it has them:
#: ClusterIP fd00:172:30::41, endpoints fd00:10:180::..., pod fd00:10::2, external client 2600:5200::1, node
#: 2001:db8::1).
V6 = {
    "172.30.0.41": "fd00:172:30::41",
    "192.168.99.11": "2001:db8:99::11",
    NODE_IP: "2001:db8::1",
    "1.2.3.4": "2001:db8:ff::4",
    POD_SRC: "fd00:10::2",
    EXT_SRC: "2600:5200::1",
    **{f"10.180.{i}.1": f"fd00:10:180::{i + 1}:1" for i in range(4)},
}
NODE_DUAL = Node.model_validate(
    {
        "metadata": {"name": "test-node"},
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": NODE_IP},
                {"type": "InternalIP", "address": V6[NODE_IP]},
            ]
        },
    }
)
NODE_V6 = Node.model_validate(
    {
        "metadata": {"name": "test-node"},
        "status": {"addresses": [{"type": "InternalIP", "address": V6[NODE_IP]}]},
    }
)


def _move(value):
    if isinstance(value, dict):
        return {k: _move(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_move(v) for v in value]
    return V6.get(value, "IPv6" if value == "IPv4" else value) if isinstance(value, str) else value


@st.composite
def dual_stack_scenarios(draw):
    """The IPv4 scenario made dual-stack (the Service gets an IPv6 ClusterIP and IPv6 externalIP / load-balancer
    IP, the endpoints an IPv6 slice with the same conditions and nodes) or IPv6-only; the packet goes to one family's
    address."""
    svc, es, protocol, (dst_ip, dst_port, external), source = draw(scenarios())
    dual = draw(st.booleans())
    v6_svc = _move(svc.to_dict())
    v6_es = EndpointSlice.model_validate(
        {**_move(es.to_dict()), "metadata": {**es.to_dict()["metadata"], "name": "svc1-v6"}}
    )
    spec = v6_svc["spec"]
    if dual:
        spec["clusterIP"] = svc.spec.clusterIP
        spec["clusterIPs"] = [svc.spec.clusterIP, V6[svc.spec.clusterIP]]
        spec["ipFamilies"], spec["ipFamilyPolicy"] = ["IPv4", "IPv6"], "RequireDualStack"
        spec["externalIPs"] = [*(svc.spec.externalIPs or []), *(spec.get("externalIPs") or [])]
        if svc.status and svc.status.loadBalancer and svc.status.loadBalancer.ingress:
            v6_svc["status"]["loadBalancer"]["ingress"] = [{"ip": "1.2.3.4"}, {"ip": V6["1.2.3.4"]}]
        slices = [es, v6_es]
    else:
        spec["clusterIPs"], spec["ipFamilies"], spec["ipFamilyPolicy"] = (
            [spec["clusterIP"]],
            ["IPv6"],
            "SingleStack",
        )
        slices = [v6_es]
    to_ipv6 = not dual or draw(st.booleans())
    if to_ipv6:
        dst_ip, source = V6[dst_ip], V6[source]
    return Service.model_validate(v6_svc), slices, protocol, (dst_ip, dst_port, external), source, dual


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(dual_stack_scenarios())
def test_modes_agree_in_ipv6_and_dual_stack(scenario):
    svc, slices, protocol, (dst_ip, dst_port, external), source, dual = scenario
    dest = f"[{dst_ip}]:{dst_port}" if ":" in dst_ip else f"{dst_ip}:{dst_port}"
    results = {}
    for mode in MODES:
        world = World(
            [NODE_DUAL if dual else NODE_V6],
            [],
            [svc],
            slices,
            mode=mode,
            cluster_cidr="10.0.0.0/8,fd00:10::/64",
            service_cidrs=["172.30.0.0/16", "fd00:172:30::/112"],
        )
        t = trace_world(world, source, dest, protocol, entry_node="test-node")
        results[mode] = _summary(t)
        # the packet's family decides which rules and which endpoints: never the other family's
        assert all(ep.startswith("[") == (":" in dst_ip) for ep in results[mode]), (mode, results[mode])
    internal_source = source not in (EXT_SRC, V6[EXT_SRC])
    es = slices[-1]
    etp_local = svc.spec.externalTrafficPolicy == "Local"
    itp_local = svc.spec.internalTrafficPolicy == "Local"
    local_usable = any(e.nodeName == "test-node" and e.conditions.serving for e in es.endpoints or [])
    ipvs_differs = (external and etp_local and (internal_source or not local_usable)) or (
        not external and itp_local and not local_usable
    )
    compared = {m: r for m, r in results.items() if not (m == "ipvs" and ipvs_differs)}
    first = next(iter(compared.values()))
    assert all(r == first for r in compared.values()), results
