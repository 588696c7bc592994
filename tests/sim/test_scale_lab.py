"""The scale lab's parts (issue 10 part 5): the threshold cluster within every published threshold, and what one
node's kube-proxy programs and tests per mode, checked against the structure of upstream's rules.

Per ClusterIP Service port with ``e`` endpoints (none local to the node), upstream writes:

* iptables (``pkg/proxy/iptables/proxier.go``): one ``KUBE-SERVICES`` rule, a ``KUBE-SVC-`` chain with the
  masquerade rule (``--cluster-cidr`` is set) and one jump per endpoint, and a ``KUBE-SEP-`` chain of two rules
  (masquerade a hairpin, DNAT) per endpoint: ``2 + 3e`` rules. A partial sync still rewrites ``KUBE-SERVICES``
  whole (KEP-3453: only the unchanged ``KUBE-SVC-``/``KUBE-SEP-`` chains are left out);
* nftables (``pkg/proxy/nftables/proxier.go``): a service chain of two rules (masquerade, ``numgen`` verdict map)
  and an endpoint chain of two rules per endpoint, ``2 + 2e`` rules, and two elements (``cluster-ips``,
  ``service-ips``); a partial sync writes the changed Service's chains only;
* IPVS (``pkg/proxy/ipvs/proxier.go``): one virtual server and ``e`` real servers; the iptables rules match ipsets,
  so their number does not grow.
"""

from __future__ import annotations

import pytest

from k8snet.proxy.config import ProxierSettings
from k8snet.sim.scaling import (
    NAMESPACE_THRESHOLDS,
    POD_IP,
    first_packet_rules,
    percentiles,
    proxy_sync_figures,
    scaling_objects,
    threshold_cluster,
    threshold_namespaces,
    threshold_objects,
)

SETTINGS = ProxierSettings(hostname="bench-node", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8")
CIDRS = ["172.30.0.0/16"]
E = 4  # endpoints per Service


@pytest.fixture(scope="module")
def objects():
    return scaling_objects(120, endpoints=E)


def figures(mode, objects, n):
    services, slices, _ = objects
    return proxy_sync_figures(mode, services[:n], slices[:n], SETTINGS, CIDRS)


def test_the_threshold_objects_keep_to_the_thresholds_of_a_namespace():
    objs = threshold_objects(10_000, 15)
    namespaces = [o.metadata.name for o in objs if o.kind == "Namespace"]
    assert len(namespaces) == threshold_namespaces(10_000, 15) == 50
    per_ns: dict[str, dict[str, int]] = {}
    for o in objs:
        if o.kind in ("Deployment", "Service"):
            counts = per_ns.setdefault(o.metadata.namespace, {"Deployment": 0, "Service": 0, "Pod": 0})
            counts[o.kind] += 1
            if o.kind == "Deployment":
                counts["Pod"] += o.spec.replicas
    assert sorted(per_ns) == sorted(namespaces)
    assert max(c["Pod"] for c in per_ns.values()) <= NAMESPACE_THRESHOLDS["pods"]
    assert max(c["Service"] for c in per_ns.values()) <= NAMESPACE_THRESHOLDS["services"]
    assert max(c["Deployment"] for c in per_ns.values()) <= NAMESPACE_THRESHOLDS["deployments"]
    assert sum(c["Pod"] for c in per_ns.values()) == 150_000


def test_a_threshold_cluster_over_namespaces_is_built_through_the_controllers():
    c = threshold_cluster(nodes=4, services=4, replicas=3, namespaces=2, batch=3)
    assert [n.metadata.name for n in c.namespaces() if n.metadata.name.startswith("apps")] == [
        "apps-0",
        "apps-1",
    ]
    for ns, apps in (("apps-0", ["app00000", "app00001"]), ("apps-1", ["app00002", "app00003"])):
        assert [s.metadata.name for s in c.services(ns)] == apps
        pods = c.pods(ns)
        assert len(pods) == 6 and all(p.status.phase == "Running" for p in pods)
        assert sorted(len(sl.endpoints) for sl in c.endpoint_slices(ns)) == [3, 3]
    assert c.settled()


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_what_kube_proxy_programs_grows_per_service_as_upstreams_rules_do(objects, mode):
    small, large = figures(mode, objects, 20), figures(mode, objects, 120)
    added = 100
    assert (small["services"], large["services"]) == (20, 120)
    assert large["endpoints"] - small["endpoints"] == added * E
    if mode == "iptables":
        assert large["rules"] - small["rules"] == added * (2 + 3 * E)
        assert large["elements"] == small["elements"] == 0
    elif mode == "nftables":
        assert large["rules"] - small["rules"] == added * (2 + 2 * E)
        assert large["elements"] - small["elements"] == added * 2
    else:
        assert large["rules"] == small["rules"]  # ipset-based iptables rules
        assert large["elements"] - small["elements"] == added * (1 + E)
    assert small["first_is_full"] and large["first_is_full"]


def test_a_partial_sync_is_o_of_services_in_iptables_and_o_of_changes_in_nftables(objects):
    ipt = [figures("iptables", objects, n) for n in (20, 120)]
    nft = [figures("nftables", objects, n) for n in (20, 120)]
    ipvs = [figures("ipvs", objects, n) for n in (20, 120)]
    # iptables-restore: KUBE-SERVICES is rewritten whole, one line per Service more
    assert ipt[1]["partial_lines"] - ipt[0]["partial_lines"] == 100
    assert not ipt[0]["partial_is_full"] and ipt[1]["partial_lines"] < ipt[1]["full_lines"] / 10
    # nftables: the changed Service's chains and elements only, whatever the number of Services
    assert nft[0]["partial_lines"] == nft[1]["partial_lines"] and not nft[1]["partial_is_full"]
    # IPVS has no partial syncs: every sync recomputes the whole state
    assert ipvs[1]["partial_is_full"]


def test_the_first_packet_walks_kube_services_in_iptables_and_looks_up_a_map_otherwise(objects):
    services, slices, node = objects
    targets = [(s.spec.clusterIP, 80, "TCP") for s in services]
    ipt = first_packet_rules("iptables", services, slices, node, POD_IP, targets, "10.0.0.0/8", CIDRS)
    # one KUBE-SERVICES rule more for each Service before the destination's
    assert [b - a for a, b in zip(ipt, ipt[1:], strict=False)] == [1] * (len(services) - 1)
    for mode in ("nftables", "ipvs"):
        counts = first_packet_rules(mode, services, slices, node, POD_IP, targets, "10.0.0.0/8", CIDRS)
        assert len(set(counts)) == 1
        assert counts[0] < ipt[0]  # fewer than iptables' best case


def test_percentiles_are_nearest_rank():
    assert percentiles([5]) == {"p01": 5, "p50": 5, "p99": 5}
    assert percentiles(list(range(200, 0, -1))) == {"p01": 2, "p50": 100, "p99": 198}
