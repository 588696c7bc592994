"""Packets through a node in IPVS mode (k8snet.dataplane.ipvs) on rules rendered by k8snet.proxy.ipvs.

Expected behaviour comes from kube-proxy v1.34 ``pkg/proxy/ipvs/proxier.go`` (which ipsets mark for masquerade,
which endpoints each virtual server gets, ``KUBE-IPVS-FILTER``, ``KUBE-SOURCE-RANGES-FIREWALL``) and from the kernel's
IPVS (``net/netfilter/ipvs``: ``ip_vs_leave`` rejects when no destination is available; round robin; persistence
templates; ``expire_nodest_conn``/``expire_quiescent_template`` as kube-proxy sets them). The comparison with
the iptables mode uses :class:`k8snet.dataplane.netfilter.NetfilterHost` on ``render_iptables`` output.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from helpers.dataplane import with_base_chains

from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.dataplane.conntrack import ManualClock
from k8snet.dataplane.ipvs import IPVSHost
from k8snet.dataplane.netfilter import NetfilterHost
from k8snet.dataplane.packet import Packet
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.iptables import render_iptables
from k8snet.proxy.ipvs import render_ipvs
from k8snet.rules.ipvs import ip_addr_show, ipset_save, ipvsadm_save

NODE = "kind-worker"
NODE_IP = "172.18.0.3"
SETTINGS = ProxierSettings(hostname=NODE, node_ips=[NODE_IP], cluster_cidr="10.244.0.0/16")
LOCAL_POD, REMOTE_POD_1, REMOTE_POD_2 = "10.244.1.5", "10.244.2.5", "10.244.3.5"
OUTSIDE = "203.0.113.7"


def service(name, **spec):
    lb = spec.pop("lb_ingress", None)
    obj = {"metadata": {"name": name, "namespace": "default"}, "spec": spec}
    if lb:
        obj["status"] = {"loadBalancer": {"ingress": [{"ip": ip} for ip in lb]}}
    return Service.model_validate(obj)


def endpoints(name, eps, port=8080, protocol="TCP"):
    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": f"{name}-abc",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": name},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": [ip], "nodeName": node} for ip, node in eps],
            "ports": [{"name": "http", "port": port, "protocol": protocol}],
        }
    )


def http(port, node_port=None, protocol="TCP"):
    d = {"name": "http", "port": port, "targetPort": 8080, "protocol": protocol}
    if node_port:
        d["nodePort"] = node_port
    return [d]


ALL_EPS = [(LOCAL_POD, NODE), (REMOTE_POD_1, "kind-worker2"), (REMOTE_POD_2, "kind-worker3")]


def host_for(services, slices, settings=SETTINGS, **kw) -> IPVSHost:
    return IPVSHost(render_ipvs(services, slices, settings), local_ips=[NODE_IP], **kw)


def outcomes(host, packet):
    return sorted((r.destination, r.probability, r.masquerade, r.verdict) for r in host.enumerate(packet))


@pytest.fixture
def web():
    return host_for(
        [service("web", type="NodePort", clusterIP="10.96.0.100", ports=http(80, 30080))],
        [endpoints("web", ALL_EPS)],
    )


def test_cluster_ip_from_a_pod_is_spread_evenly_without_masquerade(web):
    pkt = Packet(REMOTE_POD_1, "10.96.0.100", dst_port=80, in_interface="eth0")
    third = Fraction(1, 3)
    assert outcomes(web, pkt) == [
        (f"{LOCAL_POD}:8080", third, False, "ACCEPT"),
        (f"{REMOTE_POD_1}:8080", third, False, "ACCEPT"),
        (f"{REMOTE_POD_2}:8080", third, False, "ACCEPT"),
    ]
    r = web.enumerate(pkt)[0]
    assert r.path == "input+ipvs" and r.virtual_server == "10.96.0.100:80/TCP" and r.scheduler == "rr"
    assert any(s.table == "ipvs" for s in r.steps)


def test_cluster_ip_from_outside_the_cluster_cidr_is_masqueraded(web):
    # KUBE-SERVICES: -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
    for r in web.enumerate(Packet(OUTSIDE, "10.96.0.100", dst_port=80, in_interface="eth0")):
        assert r.masquerade and r.src_ip == NODE_IP and r.mark == 0


def test_node_port_is_masqueraded_and_probabilities_sum_to_one(web):
    results = web.enumerate(Packet(OUTSIDE, NODE_IP, dst_port=30080, in_interface="eth0"))
    assert len(results) == 3 and sum(r.probability for r in results) == 1
    assert all(r.masquerade and r.virtual_server == f"{NODE_IP}:30080/TCP" for r in results)


def test_node_port_local_policy_keeps_client_ip_and_uses_local_endpoints():
    host = host_for(
        [
            service(
                "web",
                type="NodePort",
                clusterIP="10.96.0.100",
                externalTrafficPolicy="Local",
                ports=http(80, 30080),
            )
        ],
        [endpoints("web", ALL_EPS)],
    )
    # KUBE-NODE-PORT: -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN (no KUBE-MARK-MASQ)
    assert outcomes(host, Packet(OUTSIDE, NODE_IP, dst_port=30080, in_interface="eth0")) == [
        (f"{LOCAL_POD}:8080", 1, False, "ACCEPT")
    ]


def test_node_port_local_policy_without_local_endpoint_falls_back_to_cluster_endpoints():
    # syncEndpoint (kubernetes PR 97081): unlike iptables mode, IPVS keeps the remote endpoints, and the client IP
    # is kept (no SNAT), so the reply from the remote pod does not come back through this node.
    host = host_for(
        [
            service(
                "web",
                type="NodePort",
                clusterIP="10.96.0.100",
                externalTrafficPolicy="Local",
                ports=http(80, 30080),
            )
        ],
        [endpoints("web", ALL_EPS[1:])],
    )
    res = outcomes(host, Packet(OUTSIDE, NODE_IP, dst_port=30080, in_interface="eth0"))
    assert res == [
        (f"{REMOTE_POD_1}:8080", Fraction(1, 2), False, "ACCEPT"),
        (f"{REMOTE_POD_2}:8080", Fraction(1, 2), False, "ACCEPT"),
    ]


def test_no_endpoints_icmp_port_unreachable():
    host = host_for([service("web", clusterIP="10.96.0.100", ports=http(80))], [])
    [r] = host.enumerate(Packet(REMOTE_POD_1, "10.96.0.100", dst_port=80, in_interface="eth0"))
    assert (r.verdict, r.output) == ("REJECT", "REJECT")
    assert "ip_vs_leave" in r.reason and r.verdict_rule.table == "ipvs"


def test_other_port_on_a_vip_is_rejected_by_kube_ipvs_filter(web):
    [r] = web.enumerate(Packet(OUTSIDE, "10.96.0.100", dst_port=22, in_interface="eth0"))
    assert r.verdict == "REJECT" and r.verdict_rule.chain == "KUBE-IPVS-FILTER"
    assert r.virtual_server is None


def test_hairpin_traffic_is_masqueraded():
    # KUBE-POSTROUTING: -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE
    host = host_for(
        [service("web", clusterIP="10.96.0.100", ports=http(80))], [endpoints("web", ALL_EPS[:1])]
    )
    [r] = host.enumerate(Packet(LOCAL_POD, "10.96.0.100", dst_port=80, in_interface="cni0"))
    assert r.destination == f"{LOCAL_POD}:8080" and r.masquerade and r.src_ip == NODE_IP


def test_load_balancer_source_ranges():
    host = host_for(
        [
            service(
                "lb",
                type="LoadBalancer",
                clusterIP="10.96.0.50",
                ports=http(80, 30050),
                loadBalancerSourceRanges=["198.51.100.0/24"],
                lb_ingress=["192.0.2.10"],
            )
        ],
        [endpoints("lb", ALL_EPS[1:2])],
    )
    [denied] = host.enumerate(Packet(OUTSIDE, "192.0.2.10", dst_port=80, in_interface="eth0"))
    assert denied.verdict == "DROP" and denied.verdict_rule.chain == "KUBE-SOURCE-RANGES-FIREWALL"
    [allowed] = host.enumerate(Packet("198.51.100.9", "192.0.2.10", dst_port=80, in_interface="eth0"))
    assert allowed.verdict == "ACCEPT" and allowed.destination == f"{REMOTE_POD_1}:8080"
    assert allowed.masquerade  # KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ (policy Cluster)


def test_node_to_cluster_ip_goes_through_local_out(web):
    results = web.enumerate(Packet(NODE_IP, "10.96.0.100", dst_port=80))
    assert {r.path for r in results} == {"output+ipvs"} and len(results) == 3
    assert all(r.steps[0].hook == "OUTPUT" for r in results)


def test_round_robin_sequence_is_seeded_and_cycles():
    def run(seed):
        host = host_for(
            [service("web", clusterIP="10.96.0.100", ports=http(80))], [endpoints("web", ALL_EPS)], seed=seed
        )
        return [
            host.send(
                Packet(REMOTE_POD_1, "10.96.0.100", src_port=40000 + i, dst_port=80, in_interface="eth0")
            ).destination
            for i in range(6)
        ]

    seq = run(7)
    assert seq == run(7)
    assert seq[:3] == seq[3:] and len(set(seq[:3])) == 3


def test_session_affinity_persistence_template_and_timeout():
    clock = ManualClock()
    svc = service(
        "web",
        clusterIP="10.96.0.100",
        ports=http(80),
        sessionAffinity="ClientIP",
        sessionAffinityConfig={"clientIP": {"timeoutSeconds": 60}},
    )
    host = host_for([svc], [endpoints("web", ALL_EPS)], clock=clock, seed=3)
    first = host.send(Packet(REMOTE_POD_1, "10.96.0.100", src_port=1000, dst_port=80, in_interface="eth0"))
    for p in range(1001, 1006):
        clock.advance(30)  # each new connection refreshes the template
        r = host.send(Packet(REMOTE_POD_1, "10.96.0.100", src_port=p, dst_port=80, in_interface="eth0"))
        assert r.destination == first.destination and r.reason == "persistence template"
    [only] = host.enumerate(
        Packet(REMOTE_POD_1, "10.96.0.100", src_port=2000, dst_port=80, in_interface="eth0")
    )
    assert only.destination == first.destination
    clock.advance(61)
    assert (
        len(
            host.enumerate(
                Packet(REMOTE_POD_1, "10.96.0.100", src_port=2001, dst_port=80, in_interface="eth0")
            )
        )
        == 3
    )


def test_established_connection_survives_weight_zero_but_not_deletion():
    svc = service("web", clusterIP="10.96.0.100", ports=http(80))
    host = host_for([svc], [endpoints("web", ALL_EPS[1:2])])
    pkt = Packet(OUTSIDE, "10.96.0.100", src_port=5555, dst_port=80, in_interface="eth0")
    assert host.send(pkt).destination == f"{REMOTE_POD_1}:8080"
    # The endpoint goes away: kube-proxy keeps the TCP real server with weight 0 while it has connections.
    after = render_ipvs([svc], [endpoints("web", ALL_EPS[2:])], SETTINGS, previous=host.observed_state())
    weights = {str(rs): rs.weight for rs in after.virtual_server("TCP", "10.96.0.100", 80).real_servers}
    assert weights == {f"{REMOTE_POD_1}:8080": 0, f"{REMOTE_POD_2}:8080": 1}
    host.load(after)
    again = host.send(pkt)
    assert again.destination == f"{REMOTE_POD_1}:8080" and again.reason == "existing connection"
    assert again.ctstate == "ESTABLISHED"
    assert [
        r.destination
        for r in host.enumerate(
            Packet(OUTSIDE, "10.96.0.100", src_port=5556, dst_port=80, in_interface="eth0")
        )
    ] == [f"{REMOTE_POD_2}:8080"]
    # Deleted for good: expire_nodest_conn drops the next packet of the old connection.
    host.load(render_ipvs([svc], [endpoints("web", ALL_EPS[2:])], SETTINGS))
    assert host.send(pkt).verdict == "DROP"
    assert host.send(pkt).destination == f"{REMOTE_POD_2}:8080"


def test_reply_is_un_natted(web):
    r = web.send(Packet(OUTSIDE, NODE_IP, src_port=5555, dst_port=30080, in_interface="eth0"))
    back = web.send(Packet(r.dst_ip, NODE_IP, src_port=r.dst_port, dst_port=r.src_port, in_interface="cni0"))
    assert back.direction == "reply" and (back.src_ip, back.src_port) == (NODE_IP, 30080)
    assert (back.dst_ip, back.dst_port) == (OUTSIDE, 5555)


def test_from_text_matches_the_rendered_state():
    svcs = [
        service("web", type="NodePort", clusterIP="10.96.0.100", ports=http(80, 30080)),
        service(
            "lb",
            type="LoadBalancer",
            clusterIP="10.96.0.50",
            ports=http(80, 30050),
            loadBalancerSourceRanges=["198.51.100.0/24"],
            lb_ingress=["192.0.2.10"],
        ),
    ]
    slices = [endpoints("web", ALL_EPS), endpoints("lb", ALL_EPS[1:2])]
    state = render_ipvs(svcs, slices, SETTINGS)
    bound = [line.split()[1].split("/")[0] for line in ip_addr_show(state).splitlines() if "inet " in line]
    text_host = IPVSHost.from_text(
        ipvsadm_save(state), ipset_save(state), state.iptables_save(), bound, local_ips=[NODE_IP]
    )
    obj_host = IPVSHost(state, local_ips=[NODE_IP])
    for pkt in (
        Packet(OUTSIDE, NODE_IP, dst_port=30080, in_interface="eth0"),
        Packet(OUTSIDE, "192.0.2.10", dst_port=80, in_interface="eth0"),
        Packet("198.51.100.9", "192.0.2.10", dst_port=80, in_interface="eth0"),
        Packet(REMOTE_POD_1, "10.96.0.100", dst_port=80, in_interface="eth0"),
    ):
        assert outcomes(text_host, pkt) == outcomes(obj_host, pkt)


def test_same_destinations_as_iptables_mode():
    svcs = [service("web", type="NodePort", clusterIP="10.96.0.100", ports=http(80, 30080))]
    slices = [endpoints("web", ALL_EPS)]
    ipt = NetfilterHost(with_base_chains(render_iptables(svcs, slices, SETTINGS)), local_ips=[NODE_IP])
    ipvs = host_for(svcs, slices)
    # (A pod of this node that is not an endpoint: hairpin masquerade differs between the modes -- iptables
    # masquerades any endpoint talking to itself, IPVS only local ones through KUBE-LOOP-BACK.)
    for pkt in (
        Packet("10.244.1.9", "10.96.0.100", dst_port=80, in_interface="cni0"),
        Packet(OUTSIDE, NODE_IP, dst_port=30080, in_interface="eth0"),
    ):
        a = sorted((r.destination, r.masquerade, r.probability) for r in ipt.enumerate(pkt))
        b = sorted((r.destination, r.masquerade, r.probability) for r in ipvs.enumerate(pkt))
        assert [x[:2] for x in a] == [x[:2] for x in b]
        # iptables writes --probability 0.3333333333 (a decimal), IPVS round robin is exactly 1/3.
        assert all(abs(x[2] - y[2]) < Fraction(1, 10**9) for x, y in zip(a, b, strict=True))
        assert b[0][2] == Fraction(1, 3) and a[0][2] == Fraction(3333333333, 10**10)


def test_ipv6_node_port_and_udp_cluster_ip():
    settings6 = ProxierSettings(
        hostname=NODE, node_ips=["fd00::3"], cluster_cidr="fd00:10:244::/56", ip_family="IPv6"
    )
    svc = service(
        "web6",
        type="NodePort",
        clusterIP="fd00:10:96::100",
        ipFamilies=["IPv6"],
        clusterIPs=["fd00:10:96::100"],
        ports=http(80, 30080),
    )
    es = EndpointSlice.model_validate(
        {
            "metadata": {
                "name": "web6-abc",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "web6"},
            },
            "addressType": "IPv6",
            "endpoints": [{"addresses": ["fd00:10:244:1::5"], "nodeName": NODE}],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        }
    )
    state = render_ipvs([svc], [es], settings6)
    assert "KUBE-6-CLUSTER-IP" in state.ipsets and state.bound_addresses == ["fd00:10:96::100"]
    host = IPVSHost(state, local_ips=["fd00::3"])
    [r] = host.enumerate(Packet("2001:db8::7", "fd00::3", dst_port=30080, in_interface="eth0"))
    assert r.destination == "[fd00:10:244:1::5]:8080" and r.masquerade and r.src_ip == "fd00::3"

    dns = host_for(
        [service("dns", clusterIP="10.96.0.10", ports=http(53, protocol="UDP"))],
        [endpoints("dns", ALL_EPS[1:], protocol="UDP")],
    )
    res = dns.enumerate(Packet(LOCAL_POD, "10.96.0.10", protocol="UDP", dst_port=53, in_interface="cni0"))
    assert sorted(r.destination for r in res) == [f"{REMOTE_POD_1}:8080", f"{REMOTE_POD_2}:8080"]
    assert {r.virtual_server for r in res} == {"10.96.0.10:53/UDP"}


def test_localhost_node_port_is_not_served(web):
    # NodePort virtual servers exist only on non-loopback node addresses, and KUBE-SERVICES starts with
    # "-s 127.0.0.0/8 -j RETURN": 127.0.0.1:30080 reaches no virtual server (unlike iptables mode's
    # --iptables-localhost-nodeports).
    [r] = web.enumerate(Packet("127.0.0.1", "127.0.0.1", dst_port=30080))
    assert r.virtual_server is None and not r.dnat and r.path == "output+input"
    assert r.steps[1].rule == "-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN"
