"""Each erratum of book/08-errata.ipynb as a unit test, independent of the notebook.

Expected texts come from upstream v1.34 sources:
kubernetes/kubectl ``pkg/cmd/run/run.go`` (a Pod labelled ``run=<name>``, ``pod/<name> created``),
``pkg/cmd/expose/expose.go`` (selector and labels from the exposed object, one unnamed port),
kubernetes/apimachinery ``pkg/api/errors/errors.go`` (``NewNotFound``: ``deployments.apps "nginx" not found``),
kubernetes/kubernetes ``pkg/apis/core/validation/validation.go`` (``spec.type`` supported values,
``may not be set to 'None' for NodePort services``), ``pkg/registry/core/service/ipallocator/cidrallocator.go``
(``ErrMismatchedNetwork``), ``pkg/api/service/warnings.go`` (no warning for a well-formed ``loadBalancerIP``),
``pkg/controller/endpointslice`` (``publishNotReadyAddresses`` → ``ready: true``) and coredns/coredns
``plugin/backend_lookup.go`` (an in-zone CNAME target that does not resolve drops the CNAME).
"""

from __future__ import annotations

import ipaddress

import pytest

import k8snet
from k8snet.api.core_v1 import Service
from k8snet.data import article_manifest
from k8snet.errors import InvalidError, KubectlError


def _svc(name: str, **spec) -> dict:
    spec.setdefault("ports", [{"port": 80}])
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def _describe_fields(text: str) -> dict[str, str]:
    return {
        k.strip(): v.strip()
        for k, _, v in (line.partition(":") for line in text.splitlines())
        if not k.startswith(" ") and _
    }


@pytest.fixture
def article() -> k8snet.Cluster:
    return k8snet.Cluster(preset="article")


@pytest.fixture
def exposed(article) -> k8snet.Cluster:
    """The article's section 1.1.1, done the way v1.34 allows: run a Pod, expose the Pod."""
    article.kubectl("run nginx --image=nginx --port=80")
    article.kubectl("expose pod nginx --type=ClusterIP --name=nginx-svc")
    return article


# 1 -----------------------------------------------------------------------------------------------------------
def test_01_clusterip_is_the_default_type_and_nodeport_lb_also_get_a_cluster_ip(article):
    article.apply([_svc("plain"), _svc("np", type="NodePort"), _svc("lb", type="LoadBalancer")])
    plain, np, lb = (article.get("Service", n) for n in ("plain", "np", "lb"))
    assert plain.spec.type == "ClusterIP"
    for svc in (plain, np, lb):
        assert ipaddress.ip_address(svc.spec.clusterIP) in ipaddress.ip_network(article.service_cidr)
    assert plain.spec.ports[0].nodePort is None
    assert np.spec.ports[0].nodePort and lb.spec.ports[0].nodePort


def test_01_only_four_types_exist(article):
    with pytest.raises(InvalidError) as err:
        article.apply(_svc("internal", type="Internal"))
    assert str(err.value) == (
        'The Service "internal" is invalid: spec.type: Unsupported value: "Internal": '
        'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'
    )


# 2 -----------------------------------------------------------------------------------------------------------
def test_02_the_api_server_allocates_the_cluster_ip_and_no_port(article):
    svc = article.api.create(
        Service(
            metadata={"name": "s", "namespace": "default"},
            spec={"selector": {"app": "nginx"}, "ports": [{"port": 80}]},
        )
    )
    assert ipaddress.ip_address(svc.spec.clusterIP) in ipaddress.ip_network(article.service_cidr)
    assert svc.spec.ports[0].nodePort is None and svc.spec.ports[0].port == 80


def test_02_a_cluster_ip_outside_the_range_is_refused_by_the_api_server(article):
    with pytest.raises(InvalidError) as err:
        article.api.create(
            Service(
                metadata={"name": "o", "namespace": "default"},
                spec={"clusterIP": "10.0.0.5", "ports": [{"port": 80}]},
            )
        )
    assert str(err.value) == (
        'The Service "o" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.5"]: '
        "failed to allocate IP 10.0.0.5: the provided network does not match the current range"
    )


def test_02_kube_proxy_only_renders_what_the_api_server_stored(article):
    from k8snet.proxy import ProxierSettings, render_iptables

    svc = article.api.create(
        Service(metadata={"name": "s", "namespace": "default"}, spec={"ports": [{"port": 80}]})
    )
    before = article.get("Service", "s").model_dump()
    rules = render_iptables(
        article.services(),
        article.endpoint_slices(),
        ProxierSettings(hostname="minikube", node_ips=["192.168.49.2"]),
    )
    assert f"-d {svc.spec.clusterIP} --dport 80" in rules
    assert article.get("Service", "s").model_dump() == before  # rendering changed nothing


# 3 -----------------------------------------------------------------------------------------------------------
def test_03_kubectl_run_creates_a_pod(article):
    assert article.kubectl("run nginx --image=nginx --port=80") == "pod/nginx created\n"
    assert [p.metadata.labels for p in article.pods("default")] == [{"run": "nginx"}]
    out = article.kubectl("get deployments")
    assert (str(out), out.stderr) == ("", "No resources found in default namespace.\n")


def test_03_exposing_the_missing_deployment_fails(article):
    article.kubectl("run nginx --image=nginx --port=80")
    with pytest.raises(KubectlError) as err:
        article.kubectl("expose deployment nginx --type=ClusterIP --name=nginx-svc")
    assert str(err.value) == 'Error from server (NotFound): deployments.apps "nginx" not found'
    assert (
        article.kubectl("expose pod nginx --type=ClusterIP --name=nginx-svc") == "service/nginx-svc exposed\n"
    )


# 4 -----------------------------------------------------------------------------------------------------------
def test_04_get_svc_shows_the_allocated_cluster_ip(exposed):
    from k8snet.compare import split_table

    headers, rows = split_table(exposed.kubectl("get svc"))[0]
    column = {row[0]: row[headers.index("CLUSTER-IP")] for row in rows}
    assert column["nginx-svc"] == exposed.get("Service", "nginx-svc").spec.clusterIP != "None"


# 5 -----------------------------------------------------------------------------------------------------------
def test_05_describe_of_the_exposed_service(exposed):
    fields = _describe_fields(exposed.kubectl("describe service nginx-svc"))
    assert fields["Labels"] == fields["Selector"] == "run=nginx"
    assert fields["IP"] == exposed.get("Service", "nginx-svc").spec.clusterIP
    assert fields["Port"].split() == ["<unset>", "80/TCP"]
    assert fields["Session Affinity"] == "None"
    assert fields["Endpoints"] == "10.4.0.3:80"


def test_05_selector_app_nginx_selects_no_pod_labelled_run_nginx(exposed):
    exposed.apply(
        _svc(
            "as-printed",
            selector={"app": "nginx"},
            sessionAffinity="ClientIP",
            ports=[{"name": "http", "port": 80, "targetPort": 80}],
        )
    )
    fields = _describe_fields(exposed.kubectl("describe service as-printed"))
    assert fields["Endpoints"] == ""
    assert fields["Session Affinity"] == "ClientIP"
    assert fields["Port"].split() == ["http", "80/TCP"]


# 6 -----------------------------------------------------------------------------------------------------------
def test_06_cluster_ip_is_unreachable_from_outside_and_reachable_inside(exposed):
    from k8snet.sim.trace import trace

    ip = exposed.get("Service", "nginx-svc").spec.clusterIP
    assert trace(exposed, "203.0.113.9", f"{ip}:80").verdict == "no route"
    exposed.kubectl("run client --image=busybox")
    assert trace(exposed, "default/client", f"{ip}:80").chosen.endpoint == "10.4.0.3:80"


def test_06_node_port_is_on_the_node_address_not_the_cluster_ip(exposed):
    from k8snet.sim.trace import trace

    exposed.kubectl("expose pod nginx --name=nginx-np --type=NodePort")
    np = exposed.get("Service", "nginx-np")
    port = np.spec.ports[0].nodePort
    assert trace(exposed, "203.0.113.9", f"{exposed.node_ip('minikube')}:{port}").verdict == "delivered"
    assert trace(exposed, "203.0.113.9", f"{np.spec.clusterIP}:{port}").verdict == "no route"


# 7 -----------------------------------------------------------------------------------------------------------
def test_07_target_port_is_the_pods_port(article):
    from k8snet.sim.trace import trace

    article.kubectl("run nginx --image=nginx --port=80")
    article.kubectl("run client --image=busybox")
    article.kubectl("expose pod nginx --name=web --port=8080 --target-port=80")
    ip = article.get("Service", "web").spec.clusterIP
    assert trace(article, "default/client", f"{ip}:8080").chosen.endpoint == "10.4.0.3:80"
    assert trace(article, "default/client", f"{ip}:80").chosen.pod is None


# 8 -----------------------------------------------------------------------------------------------------------
def test_08_local_keeps_the_client_ip_and_drops_on_nodes_without_endpoints():
    from k8snet.sim.trace import trace

    cluster = k8snet.Cluster()
    cluster.kubectl("create deployment nginx --image=nginx --port=80")
    cluster.apply(article_manifest("nodeport-svc"))
    (pod,) = cluster.pods("default")
    other = next(n for n in ("kind-worker", "kind-worker2") if n != pod.spec.nodeName)
    here = trace(cluster, "203.0.113.9", f"{cluster.node_ip(pod.spec.nodeName)}:30000")
    there = trace(cluster, "203.0.113.9", f"{cluster.node_ip(other)}:30000")
    assert here.verdict == "delivered" and here.source_seen == "203.0.113.9"
    assert there.verdict == "DROP"
    cluster.apply(
        article_manifest("nodeport-svc").replace(
            "externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster"
        )
    )
    there = trace(cluster, "203.0.113.9", f"{cluster.node_ip(other)}:30000")
    assert there.verdict == "delivered" and there.source_seen == cluster.node_ip(other)


def test_08_local_balances_per_node_not_per_pod():
    from k8snet.sim.whatif import what_if

    placement = ["kind-worker", "kind-worker", "kind-worker2"]
    local = what_if(replicas=3, placement=placement, external_traffic_policy="Local")
    spread = what_if(replicas=3, placement=placement, external_traffic_policy="Cluster")
    assert [str(s) for s in local.per_pod.values()] == ["1/4", "1/4", "1/2"]
    assert local.client_ip_preserved and not spread.client_ip_preserved


# 9 -----------------------------------------------------------------------------------------------------------
def test_09_no_api_warning_for_a_well_formed_load_balancer_ip():
    cluster = k8snet.Cluster(cloud_provider=False)
    cluster.api.create(k8snet.load(article_manifest("loadbalancer-svc"))[0])
    assert cluster.api.last_warnings == []
    odd = k8snet.load(article_manifest("loadbalancer-svc").replace("192.168.1.100", "192.168.001.100"))[0]
    odd.metadata.name = "odd"
    cluster.api.create(odd)
    assert cluster.api.last_warnings == [
        'spec.loadBalancerIP: non-standard IP address "192.168.001.100" will be considered invalid in a future '
        'Kubernetes release: use "192.168.1.100"'
    ]


def test_09_the_address_depends_on_the_provider():
    from k8snet.controllers.cloud import GenericCloud
    from k8snet.controllers.servicelb import install

    cluster = k8snet.Cluster(cloud_provider=False)
    cluster.apply(article_manifest("loadbalancer-svc"))
    assert not (cluster.get("Service", "loadbalancer-svc").status.loadBalancer.ingress or [])
    install(cluster, GenericCloud())
    assert cluster.get("Service", "loadbalancer-svc").status.loadBalancer.ingress[0].ip == "192.168.1.100"


# 10 ----------------------------------------------------------------------------------------------------------
def test_10_external_name_is_a_cname_that_needs_its_in_cluster_target(article):
    article.apply(article_manifest("externalname-svc"))
    assert article.get("Service", "externalname-svc").spec.clusterIP is None
    name = "externalname-svc.default.svc.cluster.local"
    assert article.dns.resolve(name).answers == []
    article.apply(_svc("mysql", selector={"app": "mysql"}, ports=[{"port": 3306}]))
    answers = [(r.type, r.data) for r in article.dns.resolve(name).answers]
    assert answers == [
        ("CNAME", "mysql.default.svc.cluster.local."),
        ("A", article.get("Service", "mysql").spec.clusterIP),
    ]


# 11 ----------------------------------------------------------------------------------------------------------
def test_11_headless_is_not_a_type(article):
    with pytest.raises(InvalidError, match='spec.type: Unsupported value: "Headless"'):
        article.apply(_svc("h", type="Headless"))


def test_11_headless_is_a_cluster_ip_service_without_an_ip_or_rules(article):
    from k8snet.proxy import ProxierSettings, render_iptables

    article.kubectl("create deployment nginx --image=nginx --port=80 --replicas=2")
    article.apply(article_manifest("headless-svc").split("---")[0])
    svc = article.get("Service", "headless-svc")
    assert (svc.spec.type, svc.spec.clusterIP) == ("ClusterIP", "None")
    answers = article.dns.resolve("headless-svc.default.svc.cluster.local").answers
    assert sorted(r.data for r in answers) == sorted(p.status.podIP for p in article.pods("default"))
    rules = render_iptables(
        article.services(),
        article.endpoint_slices(),
        ProxierSettings(hostname="minikube", node_ips=["192.168.49.2"]),
    )
    assert "headless-svc" not in rules


def test_11_cluster_ip_none_is_validated_like_any_value(article):
    with pytest.raises(InvalidError) as err:
        article.apply(_svc("np-headless", type="NodePort", clusterIP="None"))
    assert str(err.value) == (
        'The Service "np-headless" is invalid: spec.clusterIPs[0]: Invalid value: "None": '
        "may not be set to 'None' for NodePort services"
    )


# 12 ----------------------------------------------------------------------------------------------------------
def _endpoints(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": name},
        "subsets": [{"addresses": [{"ip": "10.4.0.3"}], "ports": [{"port": 80}]}],
    }


def test_12_endpoints_belong_to_the_service_of_the_same_name(article):
    article.apply(_svc("db"))
    article.apply(_endpoints("db-endpoints"))
    assert _describe_fields(article.kubectl("describe service db"))["Endpoints"] == "<none>"
    assert article.endpoint_slices("default", service="db") == []
    article.apply(_endpoints("db"))
    assert _describe_fields(article.kubectl("describe service db"))["Endpoints"] == "10.4.0.3:80"


def test_12_the_controller_overwrites_endpoints_of_a_service_with_a_selector(article):
    article.kubectl("run nginx --image=nginx --port=80")
    article.apply(article_manifest("headless-svc"))
    assert not article.get("Endpoints", "headless-svc").subsets
    assert article.kubectl("get endpoints").stderr == (
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    )


# 13 ----------------------------------------------------------------------------------------------------------
def test_13_publish_not_ready_addresses_publishes_not_ready_pods(article):
    article.kubectl("create deployment nginx --image=nginx --port=80 --replicas=2")
    for name, publish in [("publish", True), ("plain", False)]:
        article.apply(
            _svc(name, clusterIP="None", publishNotReadyAddresses=publish, selector={"app": "nginx"})
        )
    sick = article.pods("default")[0]
    article.set_pod_ready(sick.metadata.name, False)

    def a_records(name: str) -> list[str]:
        return [
            r.data for r in article.dns.resolve(f"{name}.default.svc.cluster.local").answers if r.type == "A"
        ]

    assert sick.status.podIP in a_records("publish")
    assert sick.status.podIP not in a_records("plain")
    (slice_,) = article.endpoint_slices("default", service="publish")
    ready = {e.addresses[0]: e.conditions.ready for e in slice_.endpoints}
    assert ready[sick.status.podIP] is True  # publishNotReadyAddresses: ready regardless of the Pod


# issue 13: corrections of the corrections, and the article's mistakes the errata page had left out ----------
def test_07_an_unserved_port_leaves_the_node_only_in_iptables_mode(article):
    from k8snet.sim.trace import trace

    article.kubectl("run nginx --image=nginx --port=80")
    article.kubectl("run client --image=busybox")
    article.kubectl("expose pod nginx --name=web --port=8080 --target-port=80")
    ip = article.get("Service", "web").spec.clusterIP
    # iptables: no rule for ClusterIP:80, the node routes the packet out; nothing answers there
    assert trace(article, "default/client", f"{ip}:80").chosen.delivered_to == ("external", ip)
    # nftables: "Reject traffic to invalid ports of ClusterIPs" (pkg/proxy/nftables/proxier.go); ipvs:
    # KUBE-IPVS-FILTER rejects new connections to Service addresses on other ports (pkg/proxy/ipvs/proxier.go)
    for mode in ("nftables", "ipvs"):
        assert trace(article, "default/client", f"{ip}:80", mode=mode).verdict == "REJECT"


def test_08_cluster_policy_masquerades_local_deliveries_too():
    # pkg/proxy/iptables/proxier.go: with externalTrafficPolicy Cluster, KUBE-EXT-<hash> jumps to KUBE-MARK-MASQ
    # for every external packet, before an endpoint (local or not) is chosen
    from k8snet.sim.trace import trace

    cluster = k8snet.Cluster()
    cluster.kubectl("create deployment nginx --image=nginx --port=80")
    cluster.apply(
        article_manifest("nodeport-svc").replace(
            "externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster"
        )
    )
    (pod,) = cluster.pods("default")
    here = trace(cluster, "203.0.113.9", f"{cluster.node_ip(pod.spec.nodeName)}:30000")
    assert here.chosen.pod == f"default/{pod.metadata.name}"  # delivered on the entry node itself...
    assert here.masquerade and here.source_seen == cluster.node_ip(pod.spec.nodeName)  # ...and masqueraded


def test_13_not_ready_pods_are_in_the_slice_either_way(article):
    article.kubectl("create deployment nginx --image=nginx --port=80 --replicas=2")
    for name, publish in [("publish", True), ("plain", False)]:
        article.apply(
            _svc(name, clusterIP="None", publishNotReadyAddresses=publish, selector={"app": "nginx"})
        )
    sick = article.pods("default")[0]
    article.set_pod_ready(sick.metadata.name, False)
    ready = {
        name: {
            ep.addresses[0]: ep.conditions.ready
            for ep in article.endpoint_slices("default", name)[0].endpoints
        }
        for name in ("publish", "plain")
    }
    # the field does not add the Pod: it is there with ready: false; the field makes it count as ready
    assert ready["plain"][sick.status.podIP] is False and ready["publish"][sick.status.podIP] is True


def test_14_a_service_isolates_nothing(article):
    from k8snet.sim.trace import trace

    article.kubectl("create deployment nginx --image=nginx --port=80")
    article.kubectl("expose deployment nginx --name=nginx-svc")
    article.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "elsewhere"}})
    article.kubectl("run client --image=busybox -n elsewhere")
    assert trace(article, "elsewhere/client", "default/nginx-svc:80").verdict == "delivered"


def test_15_a_nodeport_service_is_a_cluster_ip_service_plus_node_ports(article):
    article.kubectl("create deployment nginx --image=nginx --port=80")
    article.kubectl("expose deployment nginx --name=nginx-np --type=NodePort")
    np = article.get("Service", "nginx-np")
    assert ipaddress.ip_address(np.spec.clusterIP) in ipaddress.ip_network(article.service_cidr)
    assert 30000 <= np.spec.ports[0].nodePort <= 32767


def test_16_the_balancer_sends_to_nodes_and_kube_proxy_to_pods():
    from k8snet.controllers.cloud import GenericCloud
    from k8snet.controllers.servicelb import install
    from k8snet.sim.whatif import external_trace

    cluster = k8snet.Cluster(cloud_provider=False)
    cluster.kubectl("create deployment nginx --image=nginx --port=80 --replicas=2")
    cluster.apply(article_manifest("loadbalancer-svc"))
    install(cluster, GenericCloud())
    lb = external_trace(cluster, "loadbalancer-svc")
    assert {b.node for b in lb.backends} <= {n.metadata.name for n in cluster.nodes()}
    assert set(lb.per_pod) == {p.metadata.name for p in cluster.pods("default")}  # kube-proxy picked them


def test_17_a_cluster_ip_service_does_not_stop_its_pods_reaching_out(article):
    from k8snet.sim.trace import trace

    article.kubectl("create deployment nginx --image=nginx --port=80")
    article.kubectl("expose deployment nginx --name=nginx-svc")
    pod = article.pods("default", {"app": "nginx"})[0]
    t = trace(article, f"default/{pod.metadata.name}", "203.0.113.10:443")
    assert t.chosen.delivered_to == ("external", "203.0.113.10")
