"""Tests for k8snet.views.traffic and k8snet.sim.traffic: the NodePort / LoadBalancer / kube-proxy chapter
helpers and explorers.

Expected behaviour comes from upstream, not from the code under test:

* kubernetes/kubernetes ``pkg/proxy/iptables/proxier.go``: ``computeProbability`` (``1/(n-i)`` with ten
  decimals), the ``KUBE-EXTERNAL-SERVICES`` DROP commented "<svc> has no local endpoints" for
  ``externalTrafficPolicy: Local`` on a node without local endpoints, masquerading of external traffic to a
  ``Cluster`` Service (``KUBE-EXT-`` chains jump to ``KUBE-MARK-MASQ``), ``-m recent`` session affinity;
* ``pkg/proxy/healthcheck/service_health.go``: 200 with ``localEndpoints`` on nodes with ready local endpoints,
  503 otherwise;
* ``pkg/proxy/nftables/proxier.go``: ``service-ips`` verdict map, ``numgen random mod n``, ``affinity-`` sets;
* ``pkg/proxy/ipvs/proxier.go``: ``persistent`` virtual servers for ClientIP affinity, ``rr`` scheduler;
* the Kubernetes documentation (Service, "Virtual IPs and Service Proxies") and KEP-3866 for the shape of the
  scaling result (iptables linear in the number of Services, nftables/IPVS flat).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from k8snet.sim import scaling
from k8snet.sim import traffic as sim_traffic
from k8snet.sim.whatif import CLIENT_IP
from k8snet.views import flow, traffic
from k8snet.views.explorer import REGISTRY, explorer_from_marker

EXPLORERS = ["nodeport-traffic", "lb-traffic", "lb-providers", "session-affinity", "proxy-modes"]


def test_placement_nodes():
    assert sim_traffic.placement_nodes("spread", 3) == ["kind-worker", "kind-worker2", "kind-worker"]
    assert sim_traffic.placement_nodes("packed", 2) == ["kind-worker"] * 2


# --- LoadBalancer ---------------------------------------------------------------------------------------------------


def test_local_policy_with_2_plus_1_placement_gives_25_25_50():
    w = sim_traffic.lb_what_if("Local", 3, "spread")
    nodes = w.pod_nodes
    assert sorted(nodes.values()) == ["kind-worker", "kind-worker", "kind-worker2"]
    shares = {nodes[p] + "/" + p: s for p, s in w.per_pod.items()}
    assert sorted(w.per_pod.values()) == [Fraction(1, 4), Fraction(1, 4), Fraction(1, 2)]
    # the lone Pod is the one on kind-worker2
    assert [s for k, s in shares.items() if k.startswith("kind-worker2/")] == [Fraction(1, 2)]
    # Local keeps the client's address
    assert all(v == [CLIENT_IP] for v in w.sources_seen.values())
    assert w.dropped == 0


def test_cluster_policy_evens_shares_and_hides_client():
    w = sim_traffic.lb_what_if("Cluster", 3, "spread")
    for share in w.per_pod.values():
        assert abs(float(share) - 1 / 3) < 1e-9
    seen = {s for v in w.sources_seen.values() for s in v}
    assert CLIENT_IP not in seen
    assert seen <= {"172.18.0.3", "172.18.0.4"}  # the workers' addresses (masquerade)


def test_local_even_when_nodes_hold_equal_pods():
    w = sim_traffic.lb_what_if("Local", 4, "spread")
    assert set(w.per_pod.values()) == {Fraction(1, 4)}


def test_lb_explorer_outcome_mentions_uneven_shares():
    ex = traffic.lb_traffic_explorer()
    out = ex.outcome(placement="spread", replicas=3, policy="Local")
    assert "uneven: 50% vs 25%" in out.html
    assert out.svg and out.svg.startswith("<svg")
    assert "web-1 50%" in out.html


def test_providers_metallb_local_single_node_and_proxy_loses_client():
    ex = traffic.lb_providers_explorer()
    metallb = sim_traffic.lb_what_if("Local", 3, "spread", provider="metallb")
    entering = [n for n, s in metallb.per_node.items() if s]
    assert len(entering) == 1  # one speaker answers ARP for the address
    got = {p for p, s in metallb.per_pod.items() if s}
    assert {metallb.pod_nodes[p] for p in got} == set(entering)
    proxy = sim_traffic.lb_what_if("Local", 3, "spread", provider="proxy")
    assert CLIENT_IP not in {s for v in proxy.sources_seen.values() for s in v}
    assert "ipMode: Proxy" in ex.outcome(provider="proxy", policy="Cluster").html


def test_health_checks_only_nodes_with_local_endpoints_pass():
    from k8snet.controllers.cloud import GenericCloud
    from k8snet.controllers.servicelb import install
    from k8snet.sim.cluster import Cluster

    c = Cluster()
    install(c, GenericCloud())
    c.apply(
        [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "a", "labels": {"app": "a"}},
                "spec": {"nodeName": "kind-worker", "containers": [{"name": "a", "image": "nginx"}]},
            },
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "a"},
                "spec": {
                    "type": "LoadBalancer",
                    "selector": {"app": "a"},
                    "ports": [{"port": 80}],
                    "externalTrafficPolicy": "Local",
                },
            },
        ]
    )
    text = sim_traffic.health_checks(c, "a")
    lines = {line.rsplit("(", 1)[1].rstrip(")"): line for line in text.splitlines()}
    assert " 200 " in lines["kind-worker"] and "Weight: 1" in lines["kind-worker"]
    assert " 503 " in lines["kind-worker2"]
    assert " 503 " in lines["kind-control-plane"]


# --- NodePort -------------------------------------------------------------------------------------------------------


def test_nodeport_every_node_listens_local_drops_without_endpoint():
    ex = traffic.nodeport_traffic_explorer()
    world = traffic._np_base("spread").world("Local", 1)  # one Pod, on kind-worker
    entries = {e.node: e for e in sim_traffic.entries_for_world(world, "nodeport-svc")}
    assert set(entries) == {"kind-control-plane", "kind-worker", "kind-worker2"}
    assert entries["kind-worker"].verdict == "delivered"
    assert entries["kind-worker"].sources == {"default/nginx-0": [CLIENT_IP]}
    for node in ("kind-control-plane", "kind-worker2"):
        assert entries[node].dropped == 1
        assert "default/nodeport-svc has no local endpoints" in entries[node].reason
    assert "dropped 100%" in ex.outcome(placement="spread", replicas=1, policy="Local").text


def test_nodeport_cluster_policy_forwards_from_every_node_with_snat():
    world = traffic._np_base("spread").world("Cluster", 3)
    for e in sim_traffic.entries_for_world(world, "nodeport-svc"):
        assert e.verdict == "delivered" and e.dropped == 0
        assert sum(e.shares.values()) == 1
        assert len(e.shares) == 3
        # every Pod sees the address of the node the client connected to
        assert {s for v in e.sources.values() for s in v} == {e.node_ip}
        assert e.masquerade


def test_nodeport_text_and_diagram():
    entries = sim_traffic.entries_for_world(traffic._np_base("packed").world("Local", 2), "nodeport-svc")
    text = sim_traffic.nodeport_text(entries)
    assert "client -> kind-worker 172.18.0.3:30000" in text
    assert text.count("50%") == 2
    src = flow.nodeport_diagram(entries).source
    assert "dropped" in src and "172.18.0.4:30000" in src


@pytest.mark.parametrize(("policy", "replicas"), [("Local", 3), ("Cluster", 2)])
def test_nodeport_snapshot_matches_a_cluster_that_has_only_those_pods(policy, replicas):
    """The explorer's k-replica state (Pods left out of a 5-Pod snapshot) gives the same traffic as a cluster
    where only k Pods were ever created and the controllers wrote the EndpointSlice."""
    from k8snet.data import article_manifest
    from k8snet.sim.cluster import Cluster

    c = Cluster()
    docs = [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"nginx-{i}", "labels": {"app": "nginx"}},
            "spec": {"nodeName": node, "containers": [{"name": "nginx", "image": "nginx"}]},
        }
        for i, node in enumerate(sim_traffic.placement_nodes("spread", replicas))
    ]
    c.apply(docs)
    c.apply(
        article_manifest("nodeport-svc").replace(
            "externalTrafficPolicy: Local", f"externalTrafficPolicy: {policy}"
        )
    )

    def key(entries):
        return [(e.node, e.verdict, e.shares, e.sources, e.dropped) for e in entries]

    real = sim_traffic.nodeport_entries(c, "nodeport-svc")
    derived = sim_traffic.entries_for_world(
        traffic._np_base("spread").world(policy, replicas), "nodeport-svc"
    )
    assert key(real) == key(derived)


# --- kube-proxy -----------------------------------------------------------------------------------------------------


def test_rules_excerpt_in_three_modes():
    c = traffic.modes_cluster()
    ipt = sim_traffic.rules_excerpt(c, "web", "iptables", node="kind-worker")
    svc_rules = [line for line in ipt.splitlines() if line.startswith("-A KUBE-SVC-") and "KUBE-SEP-" in line]
    assert len(svc_rules) == 3
    assert "--probability 0.3333333333" in svc_rules[0]
    assert "--probability 0.5000000000" in svc_rules[1]
    assert "--probability" not in svc_rules[2]
    assert any(line.startswith("-A KUBE-SERVICES") and "web" in line for line in ipt.splitlines())
    nft = sim_traffic.rules_excerpt(c, "web", "nftables", node="kind-worker")
    assert "numgen random mod 3" in nft and "service-ips" in nft
    ipvs = sim_traffic.rules_excerpt(c, "web", "ipvs", node="kind-worker")
    assert " rr" in ipvs and ipvs.count("Masq") == 3
    # the IPVS excerpt ends with `ip -brief addr show kube-ipvs0` in iproute2's brief format (ip/ipaddress.c)
    brief = ipvs.splitlines()[ipvs.splitlines().index("$ ip -brief addr show kube-ipvs0") + 1]
    web_ip = c.get("Service", "web").spec.clusterIP
    assert brief.startswith("kube-ipvs0       DOWN           ") and f" {web_ip}/32" in brief
    # issue 13: the modes are stacked, one block per rule line (wrapping between words only), so every rule
    # of every mode reads whole
    html = traffic.rules_side_by_side(c, "web", node="kind-worker")
    assert html.count('class="k8snet-mode"') == 3 and "<td" not in html
    import html as html_lib

    blocks = [html_lib.unescape(b.split("</div>")[0]) for b in html.split('<div class="k8snet-rule">')[1:]]
    assert [b for b in blocks if b != "\xa0"] == [
        line for text in (ipt, ipvs, nft) for line in text.splitlines() if line
    ]


def test_rules_side_by_side_one_block_per_family_of_a_dual_stack_service():
    """Each family's proxier programs its own tables (``NewDualStackProxier`` in ``pkg/proxy/iptables`` and
    ``pkg/proxy/nftables``: ``ipt[1]`` is ip6tables, the IPv6 proxier's table is ``ip6 kube-proxy``), and gets the
    EndpointSlices of its address type only (``pkg/proxy/metaproxier/meta_proxier.go``)."""
    import html as html_lib
    import re

    from k8snet.sim.cluster import Cluster

    c = Cluster(preset="kind-dual")
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=80")
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {
                "ipFamilyPolicy": "PreferDualStack",
                "selector": {"app": "web"},
                "ports": [{"port": 80}],
            },
        }
    )
    html = traffic.rules_side_by_side(
        c, "web", node="kind-worker", modes=("iptables", "nftables"), by_family=True
    )
    assert re.findall(r"<strong>(.*?)</strong>", html) == [
        "iptables (IPv4)",
        "ip6tables (IPv6)",
        "nftables, table ip kube-proxy (IPv4)",
        "nftables, table ip6 kube-proxy (IPv6)",
    ]
    sections = [
        [html_lib.unescape(b.split("</div>")[0]) for b in part.split('<div class="k8snet-rule">')[1:]]
        for part in html.split('<div class="k8snet-mode">')[1:]
    ]
    expected = [
        text.splitlines()
        for mode in ("iptables", "nftables")
        for text in sim_traffic.rules_by_family(c, "web", mode, node="kind-worker").values()
    ]
    assert sections == expected
    pod_ips = {
        family: sorted(
            ip.ip
            for pod in c.pods("default", {"app": "web"})
            for ip in pod.status.podIPs
            if (":" in ip.ip) == (family == "IPv6")
        )
        for family in ("IPv4", "IPv6")
    }
    ipt4, ipt6, nft4, nft6 = ("\n".join(lines) for lines in sections)
    assert sorted(re.findall(r"--to-destination (\S+):80", ipt4)) == pod_ips["IPv4"]
    assert sorted(re.findall(r"--to-destination \[(\S+)\]:80", ipt6)) == pod_ips["IPv6"]
    assert sorted(re.findall(r"dnat to (\S+):80", nft4)) == pod_ips["IPv4"]
    assert sorted(re.findall(r"dnat to \[(\S+)\]:80", nft6)) == pod_ips["IPv6"]
    assert all(line.split()[2] == "ip" for line in nft4.splitlines())
    assert all(line.split()[2] == "ip6" for line in nft6.splitlines())


def test_affinity_rules_per_mode():
    base = traffic._aff_base()
    base.set("ClientIP", 60)
    c = base.cluster
    assert "--rcheck --seconds 60 --reap" in sim_traffic.affinity_rules(
        c, "web", "iptables", node="kind-worker"
    )
    assert "persistent 60" in sim_traffic.affinity_rules(c, "web", "ipvs", node="kind-worker")
    assert "timeout 60s" in sim_traffic.affinity_rules(c, "web", "nftables", node="kind-worker")


@pytest.mark.parametrize("mode", ["iptables", "ipvs", "nftables"])
def test_affinity_timeline_sticky_within_timeout(mode):
    base = traffic._aff_base()
    base.set("ClientIP", 10)
    steps = sim_traffic.affinity_timeline(
        base.cluster, "default/client", "web:80", [0, 4, 8, 12, 30, 34], mode=mode
    )
    # gaps of 4 s stay within the 10 s timeout (each connection refreshes the entry)
    assert [s.same_as_previous for s in steps[1:4]] == [True, True, True]
    assert steps[5].same_as_previous is True
    base.set("ClientIP", 10800)
    steps = sim_traffic.affinity_timeline(
        base.cluster, "default/client", "web:80", [0, 100, 1000, 5000], mode=mode
    )
    assert len({s.endpoint for s in steps}) == 1


def test_no_affinity_ipvs_round_robin_cycles():
    base = traffic._aff_base()
    base.set("None", 10800)
    steps = sim_traffic.affinity_timeline(
        base.cluster, "default/client", "web:80", [0, 1, 2, 3, 4, 5], mode="ipvs"
    )
    eps = [s.endpoint for s in steps]
    assert len(set(eps[:3])) == 3 and eps[3:] == eps[:3]


def test_rules_traversed_linear_for_iptables_flat_for_maps():
    f10, l10 = scaling.rules_traversed("iptables", 10)
    f100, l100 = scaling.rules_traversed("iptables", 100)
    assert f10 == f100  # the first Service costs the same at any size
    assert l100 - l10 == 90  # one KUBE-SERVICES rule per Service before the match
    for mode in ("nftables", "ipvs"):
        assert scaling.rules_traversed(mode, 10) == scaling.rules_traversed(mode, 100)


def test_line_chart_svg_deterministic():
    a = traffic.line_chart_svg({"x": [(10, 1), (100, 5)]}, "n", "rules")
    assert a == traffic.line_chart_svg({"x": [(10, 1), (100, 5)]}, "n", "rules")
    assert a.startswith("<svg") and a.endswith("</svg>")


# --- explorers: registered, deterministic, fast ------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_registered_and_rebuilt_from_marker(name):
    reg = REGISTRY[name]
    assert reg.path.startswith("k8snet.views.traffic:")
    ex = explorer_from_marker(name, reg.path, "{}")
    assert ex.name == name and ex.spec["factory"] == reg.path


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_all_combinations_deterministic(name):
    # speed is measured by benchmarks/book_build.py, not asserted here
    factory = REGISTRY[name].factory
    ex = factory()
    outs = ex.outcomes()
    assert not any(o.error for o in outs.values())
    traffic._OUTCOMES.clear()  # recompute on the same (mutated) clusters: no dependence on the visiting order
    again = {combo: factory().outcome(*combo) for combo in reversed(ex.combinations())}
    assert {k: o.digest for k, o in outs.items()} == {k: o.digest for k, o in again.items()}
    assert ex.content_bytes() < 2_000_000
