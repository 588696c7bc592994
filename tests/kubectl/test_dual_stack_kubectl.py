"""kubectl's tables and ``describe`` for dual-stack and IPv6 objects.

kubernetes/kubectl ``pkg/describe/describe.go``: ``describeService`` prints ``IP Family Policy``, ``IP Families``
(comma-joined), ``IP`` (``spec.clusterIP``) and ``IPs`` (``spec.clusterIPs`` comma-joined), and each port's
``Endpoints`` from every EndpointSlice of the Service, both address types, ``net.JoinHostPort`` putting IPv6
addresses in brackets (``formatEndpointSlices``); ``describePod`` lists ``IPs`` one per line.
kubernetes/kubernetes ``pkg/printers/internalversion/printers.go``: ``CLUSTER-IP`` is ``spec.clusterIPs[0]``,
the Endpoints table joins host and port the same way, EndpointSlices show their ``ADDRESSTYPE``.
"""

from __future__ import annotations

import pytest

from k8snet.sim.cluster import Cluster

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ipFamilyPolicy: PreferDualStack, selector: {app: web}, ports: [{port: 80}]}
"""


@pytest.fixture(scope="module")
def dual():
    c = Cluster(preset="kind-dual")
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=80")
    c.apply(SERVICE)
    return c


def test_describe_dual_stack_service(dual):
    svc = dual.get("Service", "web")
    v4, v6 = svc.spec.clusterIPs
    slices = sorted(dual.endpoint_slices("default", service="web"), key=lambda s: s.metadata.name)
    # formatEndpointSlices: slices in the order the API lists them (by name), at most 3 endpoints, then "+ N more..."
    eps = [
        f"[{e.addresses[0]}]:80" if ":" in e.addresses[0] else f"{e.addresses[0]}:80"
        for s in slices
        for e in s.endpoints
    ]
    assert dual.kubectl("describe svc web") == (
        "Name:                     web\n"
        "Namespace:                default\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 app=web\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         PreferDualStack\n"
        "IP Families:              IPv4,IPv6\n"
        f"IP:                       {v4}\n"
        f"IPs:                      {v4},{v6}\n"
        "Port:                     <unset>  80/TCP\n"
        "TargetPort:               80/TCP\n"
        f"Endpoints:                {','.join(eps[:3])} + 1 more...\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n"
    )


def test_get_service_shows_the_primary_cluster_ip(dual):
    v4 = dual.get("Service", "web").spec.clusterIPs[0]
    assert dual.kubectl("get svc web").splitlines()[1].split()[:3] == ["web", "ClusterIP", v4]


def test_get_endpointslices_one_per_address_type(dual):
    rows = [line.split() for line in dual.kubectl("get endpointslices").splitlines()[1:]]
    web = sorted((r[1], r[3]) for r in rows if r[0].startswith("web-"))
    assert web == [("IPv4", "10.244.1.2,10.244.2.2"), ("IPv6", "fd00:10:244:1::2,fd00:10:244:2::2")]


def test_describe_pod_lists_both_ips(dual):
    name = dual.pods("default")[0].metadata.name
    lines = dual.kubectl(f"describe pod {name}").splitlines()
    i = lines.index("IPs:")
    pod = dual.get("Pod", name)
    assert lines[i - 1].split() == ["IP:", pod.status.podIP]
    # one "IP:" line per family, indented one level (the tab-aligned column is shared with the lines below)
    assert [line.split() for line in lines[i + 1 : i + 3]] == [["IP:", p.ip] for p in pod.status.podIPs]
    assert all(line.startswith("  IP:") for line in lines[i + 1 : i + 3])


def test_ipv6_endpoints_table_brackets_the_address():
    c = Cluster(preset="kind-ipv6")
    c.kubectl("create deployment web --image=nginx --port=80")
    c.kubectl("expose deployment web")
    ip = c.pods("default")[0].status.podIP
    assert c.kubectl("get endpoints web").splitlines()[1].split()[:2] == ["web", f"[{ip}]:80"]
    describe = c.kubectl("describe svc web")
    assert (
        "IP Families:              IPv6\n" in describe
        and f"Endpoints:                [{ip}]:80\n" in describe
    )
