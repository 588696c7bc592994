"""Explorer factories and small helpers for the chapters that follow the article's sections.

The preface and chapters 1, 2, 5 and 6 of the book (the network model, ClusterIP, ExternalName and headless
Services) each show an explorer built here, so that notebook cells stay one line long and the browser test can rebuild the same
explorer from the page's markers (:mod:`k8snet.views.explorer`).

How the states are computed
---------------------------
Every state comes from a real :class:`~k8snet.sim.cluster.Cluster`: a Deployment is created and scaled up one
replica at a time with :meth:`Cluster.scale`, and a snapshot of the objects is taken after each step (the
controllers have settled by then). Running the control loop once per combination would cost about 100 ms each,
too slow for a page with twenty combinations, so the other knobs are applied to a snapshot with the model's own
functions instead of re-running every controller:

* "one Pod not ready" swaps in the first Pod as the kubelet model writes it after
  :meth:`Cluster.set_pod_ready` ``(name, False)`` (captured once from the same cluster);
* the EndpointSlice's endpoints are then rebuilt with the EndpointSlice controller's ``pod_to_endpoint``
  (``podToEndpoint`` upstream), which also applies ``publishNotReadyAddresses``;
* DNS answers come from :class:`~k8snet.dns.DNS` over the snapshot's objects, ``kubectl get``
  tables from :func:`k8snet.kubectl.printers.get_table`.

``tests/views/test_lessons.py`` checks these derived states against a cluster that really ran the controllers.
Base clusters are built once per process (about a second each) and cached.

Example
-------
>>> ex = clusterip_explorer()
>>> plain_text(ex.outcome(replicas=2, not_ready="one").html)
'Service nginx-svc (ClusterIP 10.100.48.116): 1 of 2 endpoints ready. kube-proxy sends new connections to 10.4.0.4:80.'
"""

from __future__ import annotations

import functools
import html as html_lib
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from k8snet.i18n import N_, _
from k8snet.views.explorer import Explorer, Outcome, register
from k8snet.views.graphviz import COLORS, digraph, to_svg

__all__ = [
    "Snapshot",
    "snapshot",
    "scaled_states",
    "not_ready_copy",
    "endpoint_slices_for",
    "service_endpoints_diagram",
    "headless_dns_diagram",
    "pod_network_diagram",
    "cname_diagram",
    "plain_text",
    "network_explorer",
    "clusterip_explorer",
    "externalname_explorer",
    "headless_explorer",
    "replicas_explorer",
    "SERVICE_NAME_LABEL",
]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"

#: A little more room between ranks than the flow diagrams have: lesson diagrams carry two-line labels.
_RANKSEP = "0.45"
#: Largest drawing in inches (graphviz scales larger ones down, never up): fits the book's text column.
_MAX_SIZE = "6.4,12"
#: Summary paragraphs wrap at the text column even when a wide kubectl table sits below them.
_P = 'style="max-width:38em;white-space:normal"'
#: Words among the explorers' control values, shown translated (:func:`k8snet.views.explorer._option_label`).
_OPTION_WORDS = (N_("none"), N_("one"))

# -- snapshots -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Deep copies of the objects one lesson needs, taken from a settled cluster at one moment."""

    nodes: tuple[Any, ...]
    pods: tuple[Any, ...]
    services: tuple[Any, ...]
    slices: tuple[Any, ...]
    now: datetime

    def service(self, name: str, namespace: str = "default") -> Any:
        """The Service called ``name`` (KeyError if there is none)."""
        for svc in self.services:
            if svc.metadata.name == name and (svc.metadata.namespace or "default") == namespace:
                return svc
        raise KeyError(f"{namespace}/{name}")

    def pods_of(self, selector: dict[str, str], namespace: str = "default") -> list[Any]:
        """Pods in ``namespace`` whose labels contain ``selector``, by Pod IP."""
        out = [
            p
            for p in self.pods
            if (p.metadata.namespace or "default") == namespace
            and all((p.metadata.labels or {}).get(k) == v for k, v in selector.items())
        ]
        return sorted(out, key=_pod_ip_key)

    def slices_of(self, service: str, namespace: str = "default") -> list[Any]:
        """The EndpointSlices labelled for ``service``."""
        return [
            s
            for s in self.slices
            if (s.metadata.namespace or "default") == namespace
            and (s.metadata.labels or {}).get(SERVICE_NAME_LABEL) == service
        ]


def _pod_ip_key(pod: Any) -> tuple:
    ip = pod.status.podIP if pod.status and pod.status.podIP else None
    return (0, int(ipaddress.ip_address(ip))) if ip else (1, pod.metadata.name or "")


def snapshot(cluster: Any) -> Snapshot:
    """Copy the cluster's Nodes, Pods, Services and EndpointSlices (all namespaces) and its clock."""

    def copies(objs: Iterable[Any]) -> tuple[Any, ...]:
        return tuple(o.model_copy(deep=True) for o in objs)

    return Snapshot(
        copies(cluster.nodes()),
        copies(cluster.pods()),
        copies(cluster.services()),
        copies(cluster.endpoint_slices()),
        cluster.clock.now(),
    )


@dataclass(frozen=True)
class _States:
    by_replicas: dict[int, Snapshot]
    #: The first Pod (lowest IP) as the kubelet model writes it once its readiness probe fails.
    first_not_ready: Any


@functools.cache
def scaled_states(scenario: str) -> _States:
    """The snapshots of one lesson scenario, one per replica count (built once per process).

    Scenarios:

    ``"nginx"``
        ``Cluster(preset="article")``; ``kubectl create deployment nginx --image=nginx --port=80``;
        ``kubectl expose deployment nginx --type=ClusterIP --name=nginx-svc``; the article's headless Service
        (its first document); then ``kubectl scale deployment nginx --replicas=N`` for N = 2..5.
    ``"web"``
        ``Cluster()`` (kind, three nodes); ``kubectl create deployment web --image=nginx --port=80``;
        ``kubectl expose deployment web``; scaled to 2..6.
    ``"intro"``
        ``Cluster()`` (kind, three nodes); ``kubectl create deployment web --image=nginx --port=80
        --replicas=0``; ``kubectl expose deployment web``; scaled to 1..8.
    ``"mysql"``
        ``Cluster(preset="article")``; the article's ExternalName Service;
        ``kubectl create deployment mysql --image=mysql --port=3306 --replicas=0``;
        ``kubectl expose deployment mysql``; scaled to 1..3.
    """
    from k8snet.data import article_manifest
    from k8snet.manifests import load
    from k8snet.sim.cluster import Cluster

    if scenario == "nginx":
        cluster = Cluster(preset="article")
        cluster.kubectl("create deployment nginx --image=nginx --port=80")
        cluster.kubectl("expose deployment nginx --type=ClusterIP --name=nginx-svc")
        cluster.apply(load(article_manifest("headless-svc"))[0])  # the Service only, not the Endpoints
        name, counts = "nginx", range(1, 6)
    elif scenario == "web":
        cluster = Cluster()
        cluster.kubectl("create deployment web --image=nginx --port=80")
        cluster.kubectl("expose deployment web")
        name, counts = "web", range(1, 7)
    elif scenario == "intro":
        cluster = Cluster()
        cluster.kubectl("create deployment web --image=nginx --port=80 --replicas=0")
        cluster.kubectl("expose deployment web")
        name, counts = "web", range(0, 9)
    elif scenario == "mysql":
        cluster = Cluster(preset="article")
        cluster.apply(article_manifest("externalname-svc"))
        cluster.kubectl("create deployment mysql --image=mysql --port=3306 --replicas=0")
        cluster.kubectl("expose deployment mysql")
        name, counts = "mysql", range(0, 4)
    else:
        raise ValueError(f"unknown scenario {scenario!r}")
    states: dict[int, Snapshot] = {}
    for n in counts:
        if n != counts[0]:
            cluster.scale("deployment", name, n)
        states[n] = snapshot(cluster)
    first_not_ready = None
    pods = sorted(cluster.pods("default", {"app": name}), key=_pod_ip_key)
    if pods:
        first_not_ready = cluster.set_pod_ready(pods[0].metadata.name, False).model_copy(deep=True)
        cluster.set_pod_ready(pods[0].metadata.name, True)
    return _States(states, first_not_ready)


def not_ready_copy(pods: Sequence[Any], not_ready: Any) -> list[Any]:
    """``pods`` with the Pod named like ``not_ready`` replaced by ``not_ready`` (a Pod whose probe fails)."""
    if not_ready is None:
        return list(pods)
    return [not_ready if p.metadata.name == not_ready.metadata.name else p for p in pods]


def endpoint_slices_for(
    service: Any, pods: Sequence[Any], nodes: Sequence[Any], base: Sequence[Any]
) -> list[Any]:
    """The EndpointSlice the controller keeps for ``service`` over ``pods`` (a copy of ``base[0]`` whose
    endpoints are rebuilt with the controller's ``pod_to_endpoint``, sorted by address as it sorts them).

    Lessons keep at most a handful of Pods, far below the 100 endpoints a slice holds, so one slice suffices.
    """
    from k8snet.controllers.endpointslice import pod_to_endpoint, should_pod_be_in_endpoints

    nodes_by_name = {n.metadata.name: n for n in nodes}
    eps = [
        pod_to_endpoint(p, nodes_by_name.get(p.spec.nodeName or ""), service)
        for p in pods
        if should_pod_be_in_endpoints(p, include_terminating=True)
    ]
    eps.sort(key=lambda e: int(ipaddress.ip_address(e.addresses[0])))
    if not base:
        return []
    out = base[0].model_copy(deep=True)
    out.endpoints = eps or None
    if eps and not out.ports:  # a placeholder slice had no ports; the real one lists the Service's
        from k8snet.controllers.endpointslice import endpoint_ports

        out.ports = endpoint_ports(service, pods[0])
    return [out]


# -- drawing -------------------------------------------------------------------------------------------------


def _gid(*parts: str) -> str:
    # graphviz reads "a:b" in an edge as node a, port b: keep colons out of node ids.
    return "_".join(p.replace(":", "_").replace("/", "_").replace(".", "_").replace("-", "_") for p in parts)


def plain_text(html: str) -> str:
    """The text of a small HTML fragment (tags dropped, entities decoded), for doctests and tests.

    >>> plain_text('<p style="x">a <code>b</code> &lt; c</p>')
    'a b < c'
    """
    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def service_endpoints_diagram(
    service: Any, pods: Sequence[Any], slices: Sequence[Any], client: str | None = None
):
    """A Service, the Pods it selects and its EndpointSlice endpoints.

    Solid green edges go to endpoints with ``ready: true`` (what kube-proxy load-balances to and what DNS
    publishes for a headless Service); dashed grey edges to endpoints with ``ready: false``. Pods are green
    when their ``Ready`` condition is true, red when it is not.

    >>> st = scaled_states("nginx").by_replicas[1]
    >>> g = service_endpoints_diagram(st.service("nginx-svc"), st.pods_of({"app": "nginx"}), st.slices_of("nginx-svc"))
    >>> "10.4.0.3" in g.source
    True
    """
    g = digraph("service_endpoints", ranksep=_RANKSEP, size=_MAX_SIZE)
    spec = service.spec
    headless = spec.clusterIP == "None"
    kind = spec.type or "ClusterIP"
    ip = "clusterIP: None (" + _("headless") + ")" if headless else f"{kind} {spec.clusterIP}"
    sid = _gid("svc", service.metadata.name)
    g.node(sid, f"Service {service.metadata.name}\n{ip}", fillcolor=COLORS["service"], style="filled")
    if client:
        g.node("client", client, fillcolor="white")
        g.edge("client", sid, label=_("DNS query") if headless else _("connect"))
    ready_by_ip: dict[str, bool] = {}
    for sl in slices:
        for ep in sl.endpoints or []:
            ready = ep.conditions is None or ep.conditions.ready is not False
            for a in ep.addresses:
                ready_by_ip[a] = ready
    for pod in pods:
        pip = pod.status.podIP if pod.status else ""
        pid = _gid("pod", pod.metadata.name)
        fill = COLORS["pod"] if pod.is_ready() else COLORS["pod_not_ready"]
        state = "" if pod.is_ready() else "  " + _("(not Ready)")
        g.node(pid, f"{pod.metadata.name}\n{pip}{state}", fillcolor=fill)
        if pip in ready_by_ip:
            if ready_by_ip[pip]:
                g.edge(sid, pid, label="ready: true", color="#2e7d32")
            else:
                g.edge(
                    sid,
                    pid,
                    label="ready: false",
                    style="dashed",
                    color=COLORS["muted"],
                    fontcolor=COLORS["muted"],
                )
    if not any(ready_by_ip.values()):
        what = _("DNS: no A records") if headless else "kube-proxy: REJECT"
        g.node(
            "none",
            _("no ready endpoints") + f"\n{what}",
            shape="octagon",
            color="#bb0000",
            fontcolor="#bb0000",
        )
        g.edge(sid, "none", color="#bb0000")
    return g


def headless_dns_diagram(
    service: Any,
    pods: Sequence[Any],
    slices: Sequence[Any],
    client: str | None = None,
    dns_ip: str = "10.96.0.10",
    cluster_domain: str = "cluster.local",
    hostname: str | None = None,
):
    """What a client of a headless Service does: (1) it asks CoreDNS for the Service's name, (2) CoreDNS
    answers with one A record per ready endpoint (it builds them from the EndpointSlice), (3) the client
    connects to one of those Pod IPs itself. The Service is on no packet's path: kube-proxy writes no rule for
    it, so it is drawn beside CoreDNS, as the source of its records.

    With ``hostname`` (a StatefulSet Pod's name), the client asks for that one Pod's name,
    ``<hostname>.<service>.<namespace>.svc.<domain>``, and CoreDNS answers with the address of the ready endpoint
    carrying that hostname; each Pod is labelled with its own DNS name.

    >>> st = scaled_states("nginx").by_replicas[2]
    >>> g = headless_dns_diagram(st.service("headless-svc"), st.pods_of({"app": "nginx"}), st.slices_of("headless-svc"))
    >>> "3. connect" in g.source and "A 10.4.0.3" in g.source
    True
    """
    g = digraph("headless_dns", ranksep="0.6", size=_MAX_SIZE)
    client = _("client Pod") if client is None else client
    name = f"{service.metadata.name}.{service.metadata.namespace or 'default'}.svc.{cluster_domain}"
    ready = _ready_addresses(slices)
    answered = ready
    if hostname is not None:
        name = f"{hostname}.{name}"
        answered = _ready_addresses(slices, hostname)  # only the endpoint with that hostname
    ports = [p.port for p in service.spec.ports or []] or [80]
    g.node("client", client, fillcolor="white")
    g.node("dns", f"CoreDNS\nkube-dns {dns_ip}", fillcolor=COLORS["dns"])
    sid = _gid("svc", service.metadata.name)
    g.node(
        sid,
        f"Service {service.metadata.name}\nclusterIP: None\n" + _("(no kube-proxy rules)"),
        style="dashed,filled",
        fillcolor=COLORS["service"],
    )
    g.edge("client", "dns", label=f"1. A? {name}")
    answer = "\n".join(f"A {a}" for a in answered) if answered else _("no A records")
    g.edge("dns", "client", label=f"2. {answer}", color="#2e7d32" if answered else _RED_EDGE)
    g.edge(sid, "dns", label=_("records from\nits EndpointSlice"), style="dotted", arrowhead="none")
    with g.subgraph(name="cluster_pods") as sub:
        sub.attr(label=_("Pods (their own IPs)"), style="rounded", color="#99aabb", fontsize="10")
        for pod in pods:
            pip = pod.status.podIP if pod.status else ""
            fill = COLORS["pod"] if pip in ready else COLORS["pod_not_ready"]
            label = f"{pod.metadata.name}\n{pip}"
            if (
                hostname is not None
                and pod.spec
                and pod.spec.hostname
                and pod.spec.subdomain == service.metadata.name
            ):
                label = f"{pod.metadata.name}\n{pod.spec.hostname}.{service.metadata.name}\n{pip}"
            sub.node(_gid("pod", pod.metadata.name), label, fillcolor=fill)
    chosen = next((p for p in pods if p.status and p.status.podIP in answered), None)
    if chosen is not None:
        g.edge(
            "client",
            _gid("pod", chosen.metadata.name),
            label="3. " + _("connect to {address}").format(address=f"{chosen.status.podIP}:{ports[0]}"),
            color="#2e7d32",
            penwidth="1.5",
        )
    return g


_RED_EDGE = "#bb0000"


def pod_network_diagram(nodes: Sequence[Any], pods: Sequence[Any], services: Sequence[Any] = ()):
    """The flat pod network as :class:`k8snet.sim.network.Network` builds it: nodes on one node network, each
    with its pod CIDR and its Pods; Services drawn beside it with their (virtual) ClusterIP.

    >>> st = scaled_states("web").by_replicas[2]
    >>> "10.244.1.0/24" in pod_network_diagram(st.nodes, st.pods_of({"app": "web"})).source
    True
    """
    from k8snet.sim.network import Network

    net = Network.build(nodes, pods)
    gr = net.graph
    g = digraph("pod_network", ranksep=_RANKSEP, size=_MAX_SIZE)
    g.node(
        "nodenet", _("node network\n(one L2 segment)"), shape="box", style="filled", fillcolor=COLORS["node"]
    )
    for v, data in sorted(gr.nodes(data=True)):
        if data.get("kind") != "node":
            continue
        name = v[1]
        with g.subgraph(name=f"cluster_{_gid(name)}") as sub:
            sub.attr(
                label=f"{name}   " + _("pod CIDR {cidr}").format(cidr=data.get("pod_cidr")),
                style="rounded,filled",
                fillcolor=COLORS["node"],
                color="#99aabb",
                fontsize="10",
            )
            nid = _gid("node", name)
            sub.node(
                nid,
                f"eth0 {data.get('ip') or ''}\n" + _("bridge + routes"),
                shape="box",
                style="rounded,dashed",
                fillcolor="white",
            )
            for u, pdata in sorted(gr.nodes(data=True)):
                if pdata.get("kind") == "pod" and pdata.get("node") == name:
                    pid = _gid("pod", u[1])
                    sub.node(pid, f"{u[1].split('/', 1)[1]}\n{pdata['ip']}", fillcolor=COLORS["pod"])
                    sub.edge(nid, pid, label="veth", arrowhead="none")
        g.edge("nodenet", _gid("node", name), arrowhead="none")
    for svc in services:
        if (svc.metadata.namespace or "default") != "default" or svc.metadata.name == "kubernetes":
            continue
        sid = _gid("svc", svc.metadata.name)
        g.node(
            sid,
            f"Service {svc.metadata.name}\nClusterIP {svc.spec.clusterIP}\n"
            + _("(virtual: only in kube-proxy rules)"),
            shape="box",
            style="dashed,filled",
            fillcolor=COLORS["service"],
        )
    return g


def cname_diagram(qname: str, records: Sequence[Any], target: str):
    """An ExternalName lookup: the name asked, the CNAME CoreDNS answers with, and the A records found for
    its target (or none)."""
    g = digraph("cname", ranksep=_RANKSEP, size=_MAX_SIZE)
    g.node("q", qname.rstrip("."), fillcolor=COLORS["dns"])
    g.node("t", target.rstrip("."), fillcolor=COLORS["dns"])
    addrs = [r for r in records if r.type == "A"]
    cname = [r for r in records if r.type == "CNAME"]
    g.edge(
        "q",
        "t",
        label="CNAME" if cname else _("CNAME (dropped: target has no records)"),
        style="solid" if cname else "dashed",
    )
    if addrs:
        for i, r in enumerate(addrs):
            g.node(f"a{i}", r.data, fillcolor=COLORS["pod"])
            g.edge("t", f"a{i}", label="A")
    else:
        g.node(
            "none",
            _("no A records\n(NOERROR, empty answer)"),
            shape="octagon",
            color="#bb0000",
            fontcolor="#bb0000",
        )
        g.edge("t", "none", color="#bb0000")
    return g


# -- explorer helpers ----------------------------------------------------------------------------------------


def _cmd(line: str, out: str) -> str:
    return f"$ {line}\n{out}"


def _apply_knobs(
    states: _States, n: int, not_ready: str, service: Any
) -> tuple[Snapshot, list[Any], list[Any]]:
    st = states.by_replicas[n]
    app = (service.spec.selector or {}).get("app")
    pods = st.pods_of({"app": app})
    if not_ready == "one" and pods:
        pods = not_ready_copy(pods, states.first_not_ready)
    slices = endpoint_slices_for(service, pods, st.nodes, st.slices_of(service.metadata.name))
    return st, pods, slices


def _ready_addresses(slices: Sequence[Any], hostname: str | None = None) -> list[str]:
    return [
        a
        for sl in slices
        for ep in sl.endpoints or []
        if (ep.conditions is None or ep.conditions.ready is not False)
        and (hostname is None or ep.hostname == hostname)
        for a in ep.addresses
    ]


# -- the preface ----------------------------------------------------------------------------------------------


@register("intro-replicas")
def replicas_explorer() -> Explorer:
    """The preface: a Service ``web`` in front of 0-4 replicas (0-8 live), one of which may fail its readiness
    probe, on the three-node kind cluster.

    Every view comes from the model (the ``"intro"`` scenario of :func:`scaled_states`): the Deployment's Pods
    with their generated names and addresses, the Service's allocated ClusterIP, and its EndpointSlice, where a
    Pod that is not ready stays with ``ready: false`` and receives no new connections; with no ready endpoint,
    kube-proxy rejects connections to the ClusterIP.

    >>> ex = replicas_explorer()
    >>> out = ex.outcome(replicas=2, not_ready="one")
    >>> plain_text(out.html)
    'Service web (ClusterIP 10.100.48.116): 1 of 2 endpoints ready. kube-proxy sends new connections to 10.244.2.2:80.'
    >>> print(out.text.splitlines()[-2])
    10.244.1.2     false   kind-worker    web-678b8c8999-f2q8b
    """
    return Explorer(
        "intro-replicas",
        {"replicas": [0, 1, 2, 3, 4], "not_ready": ["none", "one"]},
        _render_replicas,
        labels={"replicas": N_("Replicas"), "not_ready": N_("Pods not ready")},
        live={"replicas": list(range(0, 9))},
        kinds={"replicas": "slider"},
        initial={"replicas": 3},
    )


def _render_replicas(values: dict[str, Any]) -> Outcome:
    from k8snet.kubectl.printers import get_table

    states = scaled_states("intro")
    svc = states.by_replicas[0].service("web")
    st, pods, slices = _apply_knobs(states, values["replicas"], values["not_ready"], svc)
    ready = _ready_addresses(slices)
    targets = ", ".join(f"{a}:80" for a in ready)
    html = (
        f"<p {_P}>" + _endpoints_summary("web", svc.spec.clusterIP, len(ready), len(pods), targets) + "</p>"
    )
    rows = ["ADDRESS        READY   NODE           POD"] + [
        f"{a:<15}{str(ep.conditions is None or ep.conditions.ready is not False).lower():<8}"
        f"{ep.nodeName or '':<15}{ep.targetRef.name if ep.targetRef else ''}"
        for sl in slices
        for ep in sl.endpoints or []
        for a in ep.addresses
    ]
    listing = get_table(sorted(pods, key=lambda p: p.metadata.name), now=st.now)
    text = "\n".join(
        [
            _cmd("kubectl get pods -l app=web", listing or "No resources found in default namespace.\n"),
            f"# the endpoints of EndpointSlice {slices[0].metadata.name if slices else '-'}"
            " (endpoints[].conditions.ready)",
            "\n".join(rows) if len(rows) > 1 else "(none)",
        ]
    )
    return Outcome(
        html=html, svg=to_svg(service_endpoints_diagram(svc, pods, slices, client=_("client Pod"))), text=text
    )


def _endpoints_summary(name: str, cluster_ip: str, ready: int, total: int, targets: str) -> str:
    """The sentence under the preface's and chapter 2's explorers (HTML, in the reader's language)."""
    head = _("Service <code>{name}</code> (ClusterIP {ip}): {ready} of {total} endpoints ready.").format(
        name=name, ip=cluster_ip, ready=ready, total=total
    )
    if targets:
        return head + " " + _("kube-proxy sends new connections to {targets}.").format(targets=targets)
    return head + " " + _("kube-proxy rejects new connections (no ready endpoint).")


# -- chapter 1: the network model ----------------------------------------------------------------------------


@register("network-model-replicas")
def network_explorer() -> Explorer:
    """Chapter 1: a Deployment ``web`` on the three-node kind cluster, scaled from 1 to 6 replicas.

    Each Pod lands on a worker (the control plane is tainted) and takes the next address of that node's pod
    CIDR; the Service ``web`` keeps one ClusterIP whatever the Pods do.

    >>> ex = network_explorer()
    >>> print(ex.outcome(replicas=2).text.splitlines()[0])
    $ kubectl get pods -l app=web -o wide
    """
    return Explorer(
        "network-model-replicas",
        {"replicas": [1, 2, 3, 4, 5, 6]},
        _render_network,
        labels={"replicas": N_("Replicas of web")},
        live=False,
        kinds={"replicas": "slider"},
        initial={"replicas": 3},
    )


def _render_network(values: dict[str, Any]) -> Outcome:
    from k8snet.kubectl.printers import get_table

    st = scaled_states("web").by_replicas[values["replicas"]]
    pods = st.pods_of({"app": "web"})
    svc = st.service("web")
    by_node: dict[str, int] = {}
    for p in pods:
        by_node[p.spec.nodeName] = by_node.get(p.spec.nodeName, 0) + 1
    spread = ", ".join(f"{k}: {v}" for k, v in sorted(by_node.items()))
    text = _cmd(
        "kubectl get pods -l app=web -o wide",
        get_table(sorted(pods, key=lambda p: p.metadata.name), wide=True, now=st.now),
    )
    html = (
        f"<p {_P}>"
        + _("{count} Pods ({spread}); the Service <code>web</code> keeps ClusterIP {ip}.").format(
            count=len(pods), spread=html_lib.escape(spread), ip=svc.spec.clusterIP
        )
        + "</p>"
    )
    return Outcome(html=html, svg=to_svg(pod_network_diagram(st.nodes, pods, [svc])), text=text)


# -- chapter 2: ClusterIP ------------------------------------------------------------------------------------


@register("clusterip-endpoints")
def clusterip_explorer() -> Explorer:
    """Chapter 2: ``nginx-svc`` in front of 1-5 nginx replicas, with the first Pod's readiness probe failing
    or not. Shows the Service→endpoints diagram and ``kubectl get endpointslices``/``get pods``.

    >>> ex = clusterip_explorer()
    >>> ex.outcome(replicas=3, not_ready="none").html.count("3 of 3")
    1
    """
    return Explorer(
        "clusterip-endpoints",
        {"replicas": [1, 2, 3, 4, 5], "not_ready": ["none", "one"]},
        _render_clusterip,
        labels={"replicas": N_("Replicas"), "not_ready": N_("Pods made not ready")},
        live=False,
        kinds={"replicas": "slider"},
        initial={"replicas": 3},
    )


def _render_clusterip(values: dict[str, Any]) -> Outcome:
    from k8snet.kubectl.printers import get_table

    states = scaled_states("nginx")
    svc = states.by_replicas[1].service("nginx-svc")
    st, pods, slices = _apply_knobs(states, values["replicas"], values["not_ready"], svc)
    ready = _ready_addresses(slices)
    port = 80
    targets = ", ".join(f"{a}:{port}" for a in ready)
    html = (
        f"<p {_P}>"
        + _endpoints_summary("nginx-svc", svc.spec.clusterIP, len(ready), len(pods), targets)
        + "</p>"
    )
    text = "\n".join(
        [
            _cmd(
                "kubectl get endpointslices -l kubernetes.io/service-name=nginx-svc",
                get_table(slices, now=st.now),
            ),
            _cmd(
                "kubectl get pods -l app=nginx",
                get_table(sorted(pods, key=lambda p: p.metadata.name), now=st.now),
            ),
        ]
    )
    return Outcome(
        html=html, svg=to_svg(service_endpoints_diagram(svc, pods, slices, client=_("client Pod"))), text=text
    )


# -- chapter 5: ExternalName -----------------------------------------------------------------------------------


@register("externalname-cname")
def externalname_explorer() -> Explorer:
    """Chapter 5: what ``externalname-svc`` (CNAME to ``mysql.default.svc.cluster.local``) resolves to,
    depending on whether a ``mysql`` Service exists (ClusterIP or headless) and how many mysql Pods run.

    >>> ex = externalname_explorer()
    >>> plain_text(ex.outcome(mysql="ClusterIP", replicas=0).html)
    'CNAME to mysql.default.svc.cluster.local plus 1 A record(s).'
    """
    return Explorer(
        "externalname-cname",
        {"mysql": ["none", "ClusterIP", "headless"], "replicas": [0, 1, 2, 3]},
        _render_externalname,
        labels={"mysql": N_("mysql Service"), "replicas": N_("mysql Pods")},
        live=False,
        kinds={"replicas": "buttons"},
        initial={"mysql": "none", "replicas": 1},
    )


def externalname_objects(mysql: str, replicas: int) -> list[Any]:
    """The objects CoreDNS sees in the ExternalName lesson: ``externalname-svc``, the mysql Pods, and (unless
    ``mysql="none"``) a ``mysql`` Service, ClusterIP or headless, with its EndpointSlice.

    The headless variant is the ClusterIP Service of the same cluster with ``clusterIP: None`` (as if it had
    been created that way) and its endpoints rebuilt by the controller's ``pod_to_endpoint``.
    """
    st = scaled_states("mysql").by_replicas[replicas]
    others = [s for s in st.services if s.metadata.name != "mysql"]
    pods = st.pods_of({"app": "mysql"})
    objs: list[Any] = [*others, *pods]
    if mysql == "none":
        return objs
    svc = st.service("mysql").model_copy(deep=True)
    slices = st.slices_of("mysql")
    if mysql == "headless":
        svc.spec.clusterIP = "None"
        svc.spec.clusterIPs = ["None"]
        slices = endpoint_slices_for(svc, pods, st.nodes, slices)
    return [*objs, svc, *slices]


def _render_externalname(values: dict[str, Any]) -> Outcome:
    from k8snet.dns import DNS

    objs = externalname_objects(values["mysql"], values["replicas"])
    dns = DNS.from_objects(objs)
    q = "externalname-svc.default.svc.cluster.local."
    resp = dns.query(q, "A")
    target = "mysql.default.svc.cluster.local."
    if resp.answer:
        what = _("CNAME to {target} plus {count} A record(s)").format(
            target=target.rstrip("."), count=len([r for r in resp.answer if r.type == "A"])
        )
    else:
        what = _("NOERROR with an empty answer: the CNAME target has no records, so CoreDNS drops the CNAME")
    html = f"<p {_P}>{html_lib.escape(what)}.</p>"
    text = _cmd(f"dig +noedns {q} A   # from a Pod; nameserver 10.96.0.10", resp.to_text())
    return Outcome(html=html, svg=to_svg(cname_diagram(q, resp.answer, target)), text=text)


# -- chapter 6: headless -------------------------------------------------------------------------------------


@register("headless-dns")
def headless_explorer() -> Explorer:
    """Chapter 6: the DNS A records of ``headless-svc`` for 1-5 nginx replicas, the first Pod ready or not,
    with ``publishNotReadyAddresses`` off or on (the article's manifest sets it to ``true``).

    >>> ex = headless_explorer()
    >>> plain_text(ex.outcome(replicas=2, not_ready="one", publishNotReadyAddresses=False).html)
    'DNS returns 1 A record(s) for headless-svc.default.svc.cluster.local: 10.4.0.4.'
    """
    return Explorer(
        "headless-dns",
        {
            "replicas": [1, 2, 3, 4, 5],
            "not_ready": ["none", "one"],
            "publishNotReadyAddresses": [False, True],
        },
        _render_headless,
        labels={
            "replicas": N_("Replicas"),
            "not_ready": N_("Pods made not ready"),
            "publishNotReadyAddresses": "publishNotReadyAddresses",
        },
        live=False,
        kinds={"replicas": "slider"},
        initial={"replicas": 3, "not_ready": "one", "publishNotReadyAddresses": True},
    )


def headless_objects(
    replicas: int, not_ready: str, publish: bool
) -> tuple[Snapshot, Any, list[Any], list[Any]]:
    """``(snapshot, service, pods, slices)`` of the headless lesson for one combination of the knobs."""
    states = scaled_states("nginx")
    svc = states.by_replicas[1].service("headless-svc").model_copy(deep=True)
    svc.spec.publishNotReadyAddresses = publish or None
    st, pods, slices = _apply_knobs(states, replicas, not_ready, svc)
    return st, svc, pods, slices


def _render_headless(values: dict[str, Any]) -> Outcome:
    from k8snet.dns import DNS

    st, svc, pods, slices = headless_objects(
        values["replicas"], values["not_ready"], values["publishNotReadyAddresses"]
    )
    dns = DNS.from_objects([svc, *slices, *pods])
    q = "headless-svc.default.svc.cluster.local."
    resp = dns.query(q, "A")
    ips = [r.data for r in resp.answer if r.type == "A"]
    html = (
        f"<p {_P}>"
        + _("DNS returns {count} A record(s) for {name}: {addresses}.").format(
            count=len(ips),
            name=q.rstrip("."),
            addresses=html_lib.escape(", ".join(ips)) if ips else _("none"),
        )
        + "</p>"
    )
    text = _cmd(f"dig +noedns {q} A   # from a Pod", resp.to_text())
    return Outcome(
        html=html, svg=to_svg(service_endpoints_diagram(svc, pods, slices, client=_("client Pod"))), text=text
    )
