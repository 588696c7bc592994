"""Tests for k8snet.views.lessons: the chapters' explorers show what the cluster model computes.

The derived states (a not-ready Pod swapped in, EndpointSlices rebuilt with ``pod_to_endpoint``, a headless
variant of a Service) are compared with a cluster that really ran its controllers, so a change in the controllers
or in CoreDNS's model shows up here. Expected behaviour: kubernetes/kubernetes
``staging/src/k8s.io/endpointslice/utils.go`` (``podToEndpoint``: ``publishNotReadyAddresses`` forces ``ready``),
coredns/coredns ``plugin/kubernetes/object/endpoint.go`` (only ready endpoints are published) and
``plugin/backend_lookup.go`` (an in-zone CNAME whose target has no records is dropped).
"""

from __future__ import annotations

import ipaddress

import pytest

from k8snet.data import article_manifest
from k8snet.manifests import load
from k8snet.sim.cluster import Cluster
from k8snet.views import lessons
from k8snet.views.explorer import REGISTRY, explorer_from_marker
from k8snet.views.graphviz import dot_to_svg

FACTORIES = {
    "network-model-replicas": lessons.network_explorer,
    "clusterip-endpoints": lessons.clusterip_explorer,
    "externalname-cname": lessons.externalname_explorer,
    "headless-dns": lessons.headless_explorer,
}


def ready_ips(slices):
    return [a for s in slices for ep in s.endpoints or [] if ep.conditions.ready for a in ep.addresses]


def endpoint_view(slices):
    return sorted(
        (
            ep.addresses[0],
            ep.conditions.ready,
            ep.conditions.serving,
            ep.conditions.terminating,
            ep.targetRef.name,
            ep.nodeName,
        )
        for s in slices
        for ep in s.endpoints or []
    )


@pytest.fixture(scope="module")
def real_nginx():
    """The "nginx" scenario run for real: 3 replicas, the first Pod (10.4.0.3) not ready."""
    c = Cluster(preset="article")
    c.kubectl("create deployment nginx --image=nginx --port=80")
    c.kubectl("expose deployment nginx --type=ClusterIP --name=nginx-svc")
    c.apply(load(article_manifest("headless-svc"))[0])
    for n in (2, 3):  # one replica at a time, as the lesson states are built
        c.scale("deployment", "nginx", n)
    first = next(p for p in c.pods("default", {"app": "nginx"}) if p.status.podIP == "10.4.0.3")
    c.set_pod_ready(first.metadata.name, False)
    return c


def test_factories_are_registered_and_rebuildable():
    for name, factory in FACTORIES.items():
        assert name in REGISTRY
        ex = factory()
        assert ex.spec == {"name": name, "factory": f"k8snet.views.lessons:{factory.__name__}", "args": {}}
        again = explorer_from_marker(name, ex.factory, "{}")
        first = ex.combinations()[0]
        assert again.outcome(*first).digest == ex.outcome(*first).digest


@pytest.mark.parametrize("replicas", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("not_ready", ["none", "one"])
def test_clusterip_endpoints_equal_ready_replicas(replicas, not_ready):
    states = lessons.scaled_states("nginx")
    svc = states.by_replicas[1].service("nginx-svc")
    _, pods, slices = lessons._apply_knobs(states, replicas, not_ready, svc)
    assert len(pods) == replicas
    expected_ready = replicas - (1 if not_ready == "one" else 0)
    assert len(ready_ips(slices)) == expected_ready
    out = lessons.clusterip_explorer().outcome(replicas=replicas, not_ready=not_ready)
    assert f"{expected_ready} of {replicas} endpoints ready" in out.html
    # kubectl get endpointslices lists every address, ready or not (the slice keeps not-ready endpoints)
    table = out.text.split("\n\n")[0]
    assert table.count("10.4.0.") == min(replicas, 3)  # kubectl shows 3 addresses then "+ N more..."
    if replicas > 3:
        assert f"+ {replicas - 3} more..." in table
    if not_ready == "one":
        assert "0/1     Running" in out.text
    if expected_ready == 0:
        assert "rejects new connections" in out.html


def test_derived_slices_match_the_controllers(real_nginx):
    states = lessons.scaled_states("nginx")
    for name in ("nginx-svc", "headless-svc"):
        svc = real_nginx.get("Service", name)
        _, _, slices = lessons._apply_knobs(states, 3, "one", svc)
        assert endpoint_view(slices) == endpoint_view(real_nginx.endpoint_slices("default", name))
    # the not-ready Pod the lessons swap in is the one the kubelet model writes
    nr = states.first_not_ready
    real = real_nginx.get("Pod", nr.metadata.name)
    assert [(c.type, c.status) for c in nr.status.conditions] == [
        (c.type, c.status) for c in real.status.conditions
    ]


def test_headless_dns_matches_cluster_dns(real_nginx):
    q = "headless-svc.default.svc.cluster.local"
    ex = lessons.headless_explorer()
    # publishNotReadyAddresses: true (the article's manifest): every Pod is published
    real = sorted(r.data for r in real_nginx.dns.query(q).answer)
    assert real == ["10.4.0.3", "10.4.0.4", "10.4.0.5"]
    out = ex.outcome(replicas=3, not_ready="one", publishNotReadyAddresses=True)
    assert all(f"A\t{ip}" in out.text for ip in real)
    # publishNotReadyAddresses off: the not-ready Pod leaves the answer, in the cluster and in the explorer
    c = Cluster(preset="article")
    c.kubectl("create deployment nginx --image=nginx --port=80")
    c.kubectl("expose deployment nginx --type=ClusterIP --name=nginx-svc")
    svc = load(article_manifest("headless-svc"))[0]
    svc.spec.publishNotReadyAddresses = False
    c.apply(svc)
    c.scale("deployment", "nginx", 3)
    first = next(p for p in c.pods("default", {"app": "nginx"}) if p.status.podIP == "10.4.0.3")
    c.set_pod_ready(first.metadata.name, False)
    real = sorted(r.data for r in c.dns.query(q).answer)
    assert real == ["10.4.0.4", "10.4.0.5"]
    out = ex.outcome(replicas=3, not_ready="one", publishNotReadyAddresses=False)
    assert "10.4.0.3" not in out.text.split("ANSWER SECTION")[1]
    assert all(f"A\t{ip}" in out.text for ip in real)


@pytest.mark.parametrize("replicas", [1, 2, 3, 4, 5])
def test_headless_answer_counts(replicas):
    ex = lessons.headless_explorer()
    for not_ready in ("none", "one"):
        for publish in (False, True):
            _, _, _, slices = lessons.headless_objects(replicas, not_ready, publish)
            expected = replicas if (publish or not_ready == "none") else replicas - 1
            assert len(ready_ips(slices)) == expected
            html = ex.outcome(replicas=replicas, not_ready=not_ready, publishNotReadyAddresses=publish).html
            assert f"DNS returns {expected} A record(s)" in html


def test_externalname_answers():
    ex = lessons.externalname_explorer()
    for n in (0, 1, 2, 3):
        none = ex.outcome(mysql="none", replicas=n)
        assert "status: NOERROR" in none.text and "ANSWER: 0" in none.text
        clusterip = ex.outcome(mysql="ClusterIP", replicas=n)
        assert "CNAME\tmysql.default.svc.cluster.local." in clusterip.text and "ANSWER: 2" in clusterip.text
        headless = ex.outcome(mysql="headless", replicas=n)
        assert f"ANSWER: {n + 1 if n else 0}" in headless.text


def test_externalname_headless_variant_matches_a_real_headless_service():
    c = Cluster(preset="article")
    c.apply(article_manifest("externalname-svc"))
    c.kubectl("create deployment mysql --image=mysql --port=3306 --replicas=0")
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "mysql", "labels": {"app": "mysql"}},
            "spec": {"clusterIP": "None", "selector": {"app": "mysql"}, "ports": [{"port": 3306}]},
        }
    )
    c.scale("deployment", "mysql", 2)
    real = [(r.type, r.data) for r in c.dns.query("externalname-svc.default.svc.cluster.local").answer]
    from k8snet.dns import DNS

    derived = DNS.from_objects(lessons.externalname_objects("headless", 2))
    assert [
        (r.type, r.data) for r in derived.query("externalname-svc.default.svc.cluster.local").answer
    ] == real
    assert [t for t, _ in real] == ["CNAME", "A", "A"]


def test_network_explorer_places_pods_in_node_cidrs():
    states = lessons.scaled_states("web")
    cluster_ips = set()
    for n in range(1, 7):
        st = states.by_replicas[n]
        pods = st.pods_of({"app": "web"})
        assert len(pods) == n
        cidrs = {node.metadata.name: ipaddress.ip_network(node.spec.podCIDR) for node in st.nodes}
        for p in pods:
            assert p.spec.nodeName != "kind-control-plane"  # tainted NoSchedule
            assert ipaddress.ip_address(p.status.podIP) in cidrs[p.spec.nodeName]
        assert len({p.status.podIP for p in pods}) == n
        cluster_ips.add(st.service("web").spec.clusterIP)
        out = lessons.network_explorer().outcome(replicas=n)
        assert out.text.count("web-") == n
    assert len(cluster_ips) == 1  # the Service keeps its ClusterIP while Pods come and go


def test_outcomes_svg_is_clean():
    # speed is measured by benchmarks/book_build.py, not asserted here
    for factory in FACTORIES.values():
        ex = factory()
        for combo in ex.combinations():
            out = ex.outcome(*combo)
            assert not out.error
            assert out.svg.startswith("<svg") and "<!--" not in out.svg


def test_outcomes_are_deterministic_across_rebuilds():
    before = {k: v.digest for k, v in lessons.clusterip_explorer().outcomes().items()}
    lessons.scaled_states.cache_clear()
    dot_to_svg.cache_clear()
    after = {k: v.digest for k, v in lessons.clusterip_explorer().outcomes().items()}
    assert before == after
