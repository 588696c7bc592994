"""Where external and in-cluster traffic goes: helpers and explorers for the NodePort, LoadBalancer and
kube-proxy chapters.

Nothing here decides where a packet goes. Every share, drop and source address comes from
:func:`k8snet.sim.trace.trace` (the rules each node's kube-proxy writes, run by the dataplane executors),
:func:`k8snet.sim.whatif.what_if` (a cloud or MetalLB balancer in front of those rules) or a stateful
executor from :meth:`k8snet.sim.trace.World.new_host` driven on a simulated clock. This module only arranges
clusters, calls those functions and draws the answers.

Helpers used directly by the chapters:

* :func:`nodeport_entries` / :func:`nodeport_diagram` / :func:`nodeport_text`: a client outside the cluster
  connects to ``NodeIP:nodePort`` of *every* node in turn;
* :func:`rules_excerpt` / :func:`rules_side_by_side`: what kube-proxy programs for one Service in iptables,
  IPVS and nftables mode, on one node;
* :func:`affinity_timeline`: one client's connections at given times, sent through a node's stateful
  executor (``-m recent`` lists, nftables ``affinity-`` sets, IPVS persistence templates);
* :func:`line_chart_svg`: a small dependency-free SVG line chart (the book has no matplotlib).

Explorers (registered with :func:`k8snet.views.explorer.register`): ``nodeport-traffic``, ``lb-traffic``,
``lb-providers``, ``session-affinity`` and ``proxy-modes``.

How replica counts are modelled
-------------------------------
The traffic explorers build one cluster per *placement* with five Pods and make Pods ``k..4`` not ready to show
``k`` replicas. A not-ready Pod stays in the EndpointSlice with ``ready: false``; kube-proxy writes no
endpoint for it, the ``healthCheckNodePort`` does not count it and MetalLB does not announce for it, so the
traffic is exactly that of ``k`` replicas; the diagrams and tables leave such Pods out. This keeps every
outcome within a few tens of milliseconds (building a cluster costs about 0.2 s).

Example
-------
>>> from k8snet.sim.cluster import Cluster
>>> c = Cluster()
>>> _ = c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "labels": {"app": "web"}},
...              "spec": {"nodeName": "kind-worker", "containers": [{"name": "web", "image": "nginx"}]}})
>>> _ = c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
...              "spec": {"type": "NodePort", "selector": {"app": "web"},
...                       "ports": [{"port": 80, "nodePort": 30080}], "externalTrafficPolicy": "Local"}})
>>> [(e.node, e.verdict) for e in nodeport_entries(c, "web")]
[('kind-control-plane', 'DROP'), ('kind-worker', 'delivered'), ('kind-worker2', 'DROP')]
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from k8snet.errors import K8snetError
from k8snet.proxy.modes import PROXY_MODES, proxy_mode
from k8snet.views.explorer import Explorer, Outcome, register

__all__ = [
    "CLIENT_IP",
    "PLACEMENTS",
    "EntryResult",
    "nodeport_entries",
    "entries_for_world",
    "nodeport_diagram",
    "nodeport_text",
    "rules_excerpt",
    "rules_side_by_side",
    "affinity_timeline",
    "AffinityStep",
    "affinity_rules",
    "line_chart_svg",
    "placement_nodes",
    "lb_what_if",
    "nodeport_traffic_explorer",
    "lb_traffic_explorer",
    "lb_providers_explorer",
    "session_affinity_explorer",
    "proxy_modes_explorer",
    "modes_cluster",
    "AFFINITY_TIMES",
    "show",
    "responsive_svg",
    "lb_diagram",
    "health_checks",
    "rules_traversed",
    "scaling_table",
]

#: The external client of every example (TEST-NET-2, a documentation address; the same as :mod:`k8snet.sim.whatif`).
CLIENT_IP = "198.51.100.7"

#: Pod placements over kind's two workers (the control-plane node is tainted ``NoSchedule``).
PLACEMENTS = {
    # round robin over the workers: 3 replicas give the 2+1 split of the LoadBalancer chapter
    "spread": ("kind-worker", "kind-worker2"),
    # every replica on kind-worker
    "packed": ("kind-worker",),
}
_MAX_REPLICAS = 5
_MODES = tuple(PROXY_MODES)


def placement_nodes(placement: str, replicas: int) -> list[str]:
    """The node of each of ``replicas`` Pods for a named placement (see :data:`PLACEMENTS`).

    >>> placement_nodes("spread", 3)
    ['kind-worker', 'kind-worker2', 'kind-worker']
    >>> placement_nodes("packed", 2)
    ['kind-worker', 'kind-worker']
    """
    if placement not in PLACEMENTS:
        raise K8snetError(f"unknown placement {placement!r}; choose one of {', '.join(PLACEMENTS)}")
    nodes = PLACEMENTS[placement]
    return [nodes[i % len(nodes)] for i in range(replicas)]


def show(graph: Any):
    """Display a graphviz Digraph in a notebook as inline SVG (an HTML output, so the page embeds the SVG
    itself rather than an image file)."""
    from IPython.display import HTML

    return HTML(responsive_svg(graph))


def responsive_svg(graph: Any) -> str:
    """Inline SVG of a Digraph that shrinks to the width of the page column (graphviz sets a fixed width in
    points; the ``viewBox`` it also writes keeps the proportions).

    >>> import graphviz
    >>> responsive_svg(graphviz.Digraph()).startswith('<svg style="max-width:100%;height:auto"')
    True
    """
    from k8snet.views.graphviz import to_svg

    return re.sub(r"^<svg\b", '<svg style="max-width:100%;height:auto"', to_svg(graph), count=1)


def _pct(x: Fraction | float) -> str:
    v = float(x) * 100
    return f"{v:.0f}%" if abs(v - round(v)) < 1e-6 else f"{v:.1f}%"


def _short(pod: str | None) -> str:
    return (pod or "").split("/", 1)[-1]


# --- NodePort: every node listens ---------------------------------------------------------------------------------


@dataclass
class EntryResult:
    """What happens to a new connection from the client to ``node_ip:port`` (the client chose ``node``).

    ``shares`` maps each Pod (``namespace/name``) to the probability that the connection ends there;
    ``dropped`` is the probability that it is dropped or rejected (``reason`` says why);
    ``sources`` maps each Pod to the source address it sees.
    """

    node: str
    node_ip: str
    port: int
    verdict: str
    reason: str = ""
    shares: dict[str, Fraction] = field(default_factory=dict)
    pod_nodes: dict[str, str] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)
    dropped: Fraction = Fraction(0)
    masquerade: bool = False
    rules_evaluated: int = 0


def _node_port(svc: Any, port: int | None) -> int:
    ports = [p for p in (svc.spec.ports or []) if p.nodePort]
    if port is not None:
        ports = [p for p in ports if p.port == port]
    if not ports:
        raise K8snetError(
            f"service {svc.metadata.name} has no nodePort" + (f" for port {port}" if port else "")
        )
    return ports[0].nodePort


def nodeport_entries(
    cluster: Any,
    service: str,
    client: str = CLIENT_IP,
    namespace: str = "default",
    port: int | None = None,
    mode: str = "iptables",
) -> list[EntryResult]:
    """Trace a new connection from ``client`` to ``NodeIP:nodePort`` of every node of ``cluster``.

    Parameters
    ----------
    cluster : Cluster
    service : str
        A NodePort or LoadBalancer Service in ``namespace``.
    client : str
        An address outside the cluster.
    port : int, optional
        The Service port whose nodePort is used (default: the first port with one).
    mode : {"iptables", "ipvs", "nftables"}

    Returns
    -------
    list of EntryResult
        One per node, in node-name order.
    """
    from k8snet.sim.trace import world_for

    return entries_for_world(world_for(cluster, mode), service, client, namespace, port)


def entries_for_world(
    world: Any, service: str, client: str = CLIENT_IP, namespace: str = "default", port: int | None = None
) -> list[EntryResult]:
    """:func:`nodeport_entries` on a :class:`~k8snet.sim.trace.World` (objects given directly)."""
    from k8snet.sim.trace import trace_world

    svc = next(
        (
            x
            for x in world.services
            if x.metadata.name == service and (x.metadata.namespace or "default") == namespace
        ),
        None,
    )
    if svc is None:
        raise K8snetError(f'services "{service}" not found')
    node_port = _node_port(svc, port)
    out = []
    for node in sorted(world.node_by_name):
        ip = world.local_ips(node)[0]
        t = trace_world(world, client, f"{ip}:{node_port}")
        res = EntryResult(node, ip, node_port, "delivered" if t.candidates else t.verdict)
        for o in t.outcomes:
            if o.verdict == "delivered" and o.pod:
                res.shares[o.pod] = res.shares.get(o.pod, Fraction(0)) + o.probability
                res.pod_nodes[o.pod] = o.node or ""
                seen = res.sources.setdefault(o.pod, [])
                if o.source_seen and o.source_seen not in seen:
                    seen.append(o.source_seen)
                res.masquerade = res.masquerade or o.masquerade
            elif o.verdict != "delivered":
                res.dropped += o.probability
                res.reason = res.reason or f"{o.verdict}: {o.reason}"
        res.shares = dict(sorted(res.shares.items()))
        res.rules_evaluated = sum(h.result.rules_evaluated for h in t.chosen.hops)
        out.append(res)
    return out


def nodeport_text(entries: list[EntryResult]) -> str:
    """A plain-text table of :func:`nodeport_entries`: per entry node, where the connection ends.

    >>> e = EntryResult("n1", "192.168.0.2", 30000, "DROP", "DROP: no local endpoints", dropped=Fraction(1))
    >>> print(nodeport_text([e]))
    client -> n1 192.168.0.2:30000
      dropped 100%  (DROP: no local endpoints)
    """
    lines = []
    for e in entries:
        lines.append(f"client -> {e.node} {e.node_ip}:{e.port}")
        for pod, share in e.shares.items():
            seen = ", ".join(e.sources.get(pod, [])) or "-"
            lines.append(
                f"  {_pct(share):>6}  pod {_short(pod)} on {e.pod_nodes.get(pod, '?')}, sees source {seen}"
            )
        if e.dropped:
            lines.append(f"  dropped {_pct(e.dropped)}  ({e.reason})")
    return "\n".join(lines)


def nodeport_diagram(entries: list[EntryResult], client: str = CLIENT_IP, pods: dict[str, str] | None = None):
    """client → every node's ``IP:nodePort`` → Pods, each edge labelled with its share *given that entry node*.

    ``pods`` (``namespace/name`` → node) adds Pods that receive nothing from any node (drawn without edges).
    Red dashed edges end in a drop.
    """
    from k8snet.views.graphviz import COLORS, _digraph

    g = _digraph("nodeport")
    g.node("client", f"client\n{client}", fillcolor=COLORS["external"])
    all_pods: dict[str, str] = dict(pods or {})
    seen: dict[str, set[str]] = {}
    for e in entries:
        all_pods.update(e.pod_nodes)
        for pod, srcs in e.sources.items():
            seen.setdefault(pod, set()).update(srcs)
    for e in entries:
        with g.subgraph(name=f"cluster_{e.node}") as sub:
            sub.attr(
                label=e.node, style="rounded,filled", fillcolor=COLORS["node"], color="#9999aa", fontsize="10"
            )
            sub.node(f"node_{e.node}", f"{e.node_ip}:{e.port}\nkube-proxy", fillcolor="white")
            for pod, node in sorted(all_pods.items()):
                if node == e.node:
                    src = ", ".join(sorted(seen.get(pod, []))) or "-"
                    sub.node(f"pod_{pod}", f"{_short(pod)}\nsees {src}", fillcolor=COLORS["pod"])
        g.edge("client", f"node_{e.node}")
    for e in entries:
        for pod, share in e.shares.items():
            g.edge(f"node_{e.node}", f"pod_{pod}", label=_pct(share))
        if e.dropped:
            g.node(f"drop_{e.node}", "dropped", shape="plaintext", fontcolor=COLORS["highlight"], style="")
            g.edge(
                f"node_{e.node}",
                f"drop_{e.node}",
                label=_pct(e.dropped),
                color=COLORS["highlight"],
                style="dashed",
            )
    return g


class _NodePortBase:
    """A kind cluster running the article's ``nodeport-svc`` in front of five ready nginx Pods on ``placement``,
    with a snapshot of its objects for each ``externalTrafficPolicy``.

    ``k`` replicas are the snapshot with the Pods ``nginx-k`` .. ``nginx-4`` and their endpoints left out, which
    is what the EndpointSlice controller writes when those Pods do not exist (tests check it against a cluster
    that really has ``k`` Pods). The rules are then rendered and run on those objects
    (:class:`~k8snet.sim.trace.World`), with no control loop to run per slider move.
    """

    def __init__(self, placement: str, node_port: int = 30000):
        from k8snet.sim.cluster import Cluster

        self.cluster = c = Cluster()
        docs: list[dict[str, Any]] = [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "nodeport-svc"},
                "spec": {
                    "type": "NodePort",
                    "selector": {"app": "nginx"},
                    "ports": [{"port": 80, "targetPort": 80, "protocol": "TCP", "nodePort": node_port}],
                    "externalTrafficPolicy": "Local",
                },
            }
        ]
        for i, node in enumerate(placement_nodes(placement, _MAX_REPLICAS)):
            docs.append(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"nginx-{i}", "labels": {"app": "nginx"}},
                    "spec": {
                        "nodeName": node,
                        "containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}]}],
                    },
                }
            )
        c.apply(docs)
        self.snapshots = {"Local": self._snapshot()}
        svc = c.get("Service", "nodeport-svc")
        svc.spec.externalTrafficPolicy = "Cluster"
        c.api.update(svc)
        c.reconcile()
        self.snapshots["Cluster"] = self._snapshot()

    def _snapshot(self) -> tuple:
        c = self.cluster
        return c.nodes(), c.pods(None), c.services(None), c.endpoint_slices(None)

    def world(self, policy: str, replicas: int, mode: str = "iptables") -> Any:
        """The :class:`~k8snet.sim.trace.World` of ``replicas`` Pods under ``policy``."""
        from k8snet.sim.trace import World

        nodes, pods, services, slices = self.snapshots[policy]
        keep = {f"nginx-{i}" for i in range(replicas)}
        pods = [p for p in pods if not _is_nginx(p.metadata.name) or p.metadata.name in keep]
        kept_slices = []
        for es in slices:
            es = es.model_copy(deep=True)
            es.endpoints = [
                e
                for e in es.endpoints or []
                if e.targetRef is None or not _is_nginx(e.targetRef.name) or e.targetRef.name in keep
            ] or None
            kept_slices.append(es)
        return World(
            nodes,
            pods,
            services,
            kept_slices,
            mode=mode,
            cluster_cidr=self.cluster.cluster_cidr,
            service_cidrs=[self.cluster.service_cidr],
        )


def _is_nginx(name: str | None) -> bool:
    return bool(name) and re.fullmatch(r"nginx-\d", name) is not None


_NP_BASES: dict[str, _NodePortBase] = {}
#: Outcomes already computed, shared by every explorer instance (they are deterministic).
_OUTCOMES: dict[tuple, Outcome] = {}


def _np_base(placement: str) -> _NodePortBase:
    if placement not in _NP_BASES:
        _NP_BASES[placement] = _NodePortBase(placement)
    return _NP_BASES[placement]


def _memo(render):
    """Cache a render function's outcomes by explorer values (outcomes are deterministic)."""

    def wrapped(values: dict[str, Any]) -> Outcome:
        key = (render.__name__, *sorted(values.items()))
        if key not in _OUTCOMES:
            _OUTCOMES[key] = render(values)
        return _OUTCOMES[key]

    wrapped.__name__ = render.__name__
    return wrapped


def _source_sentence(seen: set[str], client: str) -> str:
    if not seen:
        return "No Pod receives the connection."
    if seen == {client}:
        return f"Every Pod that gets the connection sees the client's own address {client}."
    if client in seen:
        return (
            f"Pods see {', '.join(sorted(seen))}: the client's address when the entry node has the Pod, "
            "a node address when the connection was masqueraded."
        )
    return (
        f"Pods see {', '.join(sorted(seen))}: a node address, never the client's {client} "
        "(kube-proxy masquerades the connection)."
    )


@_memo
def _render_nodeport(values: dict[str, Any]) -> Outcome:

    policy, replicas, placement = values["policy"], values["replicas"], values["placement"]
    world = _np_base(placement).world(policy, replicas)
    entries = entries_for_world(world, "nodeport-svc")
    pods = {f"default/{p.metadata.name}": p.spec.nodeName for p in world.pods if _is_nginx(p.metadata.name)}
    seen = {s for e in entries for srcs in e.sources.values() for s in srcs}
    drops = [e.node for e in entries if e.dropped]
    parts = [
        f"<p><code>externalTrafficPolicy: {policy}</code>, {replicas} nginx Pod"
        f"{'s' if replicas > 1 else ''} ({placement}). "
    ]
    if drops:
        parts.append(f"Connections to {', '.join(drops)} are dropped: no local endpoint there. ")
    else:
        parts.append("Every node forwards the connection. ")
    parts.append(html_lib.escape(_source_sentence(seen, CLIENT_IP)) + "</p>")
    return Outcome(
        html="".join(parts),
        svg=responsive_svg(nodeport_diagram(entries, pods=pods)),
        text=nodeport_text(entries),
    )


@register("nodeport-traffic")
def nodeport_traffic_explorer() -> Explorer:
    """The article's NodePort Service: what a client gets from each node's ``IP:30000``.

    Controls: ``externalTrafficPolicy`` (Cluster/Local), replicas (1–5), placement (``spread`` round robin over
    the two workers, or ``packed`` on ``kind-worker``).

    >>> ex = nodeport_traffic_explorer()
    >>> print(ex.outcome(policy="Local", replicas=1, placement="packed").text)
    client -> kind-control-plane 172.18.0.2:30000
      dropped 100%  (DROP: default/nodeport-svc has no local endpoints)
    client -> kind-worker 172.18.0.3:30000
        100%  pod nginx-0 on kind-worker, sees source 198.51.100.7
    client -> kind-worker2 172.18.0.4:30000
      dropped 100%  (DROP: default/nodeport-svc has no local endpoints)
    """
    return Explorer(
        "nodeport-traffic",
        {"policy": ["Cluster", "Local"], "placement": list(PLACEMENTS), "replicas": [1, 2, 3, 4, 5]},
        _render_nodeport,
        labels={"policy": "externalTrafficPolicy", "placement": "Placement", "replicas": "Replicas"},
        kinds={"replicas": "slider"},
        initial={"replicas": 3, "policy": "Local"},
        live=False,
    )


# --- LoadBalancer: what_if with a replica slider ------------------------------------------------------------------


def lb_what_if(
    policy: str = "Cluster",
    replicas: int = 3,
    placement: str = "spread",
    provider: str = "generic",
    mode: str = "iptables",
) -> Any:
    """:func:`k8snet.sim.whatif.what_if` for ``replicas`` Pods ``web-0``... on a named placement.

    Five Pods are placed and Pods ``replicas..4`` are made not ready (see the module docstring); the returned
    :class:`~k8snet.sim.whatif.WhatIf` lists only the ready ones.

    >>> w = lb_what_if("Local", 3, "spread")
    >>> {p: str(s) for p, s in w.per_pod.items()}
    {'web-0': '1/4', 'web-1': '1/2', 'web-2': '1/4'}
    """
    from k8snet.sim.whatif import WhatIf, what_if

    if not 1 <= replicas <= _MAX_REPLICAS:
        raise K8snetError(f"replicas must be 1..{_MAX_REPLICAS}, not {replicas}")
    ready = [i < replicas for i in range(_MAX_REPLICAS)]
    w = what_if(
        replicas=_MAX_REPLICAS,
        placement=placement_nodes(placement, _MAX_REPLICAS),
        external_traffic_policy=policy,
        provider=provider,
        ready=ready,
        mode=mode,
    )
    keep = [f"web-{i}" for i in range(replicas)]
    params = dict(
        w.params,
        replicas=replicas,
        placement=placement_nodes(placement, replicas),
        ready={p: True for p in keep},
    )
    return WhatIf(params, w.trace, {p: w.pod_nodes[p] for p in keep}, {p: True for p in keep}, list(w.nodes))


def lb_diagram(
    cluster: Any, service: str, namespace: str = "default", client: str = CLIENT_IP, mode: str = "iptables"
):
    """client → load balancer → nodes → Pods for a provisioned LoadBalancer Service of ``cluster``
    (:func:`k8snet.sim.whatif.external_trace` drawn by :func:`k8snet.sim.whatif.whatif_diagram`)."""
    from k8snet.sim.whatif import WhatIf, external_trace, whatif_diagram

    svc = cluster.get("Service", service, namespace)
    t = external_trace(cluster, service, client=client, namespace=namespace, mode=mode)
    selector = (svc.spec.selector or {}) if svc.spec else {}
    pods = cluster.pods(namespace, selector) if selector else []
    pod_nodes = {p.metadata.name: p.spec.nodeName for p in pods if p.spec and p.spec.nodeName}
    ready = {p.metadata.name: p.is_ready() for p in pods}
    params = {"external_traffic_policy": svc.spec.externalTrafficPolicy}
    return whatif_diagram(
        WhatIf(params, t, pod_nodes, ready, sorted(n.metadata.name for n in cluster.nodes()))
    )


def health_checks(cluster: Any, service: str, namespace: str = "default") -> str:
    """What a load balancer's health checker gets from every node for ``service``.

    For ``externalTrafficPolicy: Local`` it probes ``http://NodeIP:healthCheckNodePort/healthz`` (kube-proxy's
    per-Service health server: 200 with the number of local ready endpoints, or 503); for ``Cluster`` it
    probes kube-proxy's own ``:10256/healthz``.
    """
    from k8snet.proxy.healthcheck import HEALTHZ_PORT, node_health_servers, probe

    svc = cluster.get("Service", service, namespace)
    port = svc.spec.healthCheckNodePort or HEALTHZ_PORT
    servers = node_health_servers(
        cluster.nodes(), cluster.services(), cluster.endpoint_slices(), now=cluster.clock.now
    )
    lines = []
    for node in sorted(servers):
        r = probe(servers[node], port)
        url = f"http://{cluster.node_ip(node)}:{port}/healthz"
        if r is None:
            lines.append(f"GET {url:<36} connection refused")
            continue
        weight = r.headers.get("X-Load-Balancing-Endpoint-Weight")
        extra = f"  X-Load-Balancing-Endpoint-Weight: {weight}" if weight is not None else ""
        lines.append(f"GET {url:<36} {r.status}{extra}   ({node})")
    return "\n".join(lines)


def _lb_summary(w: Any) -> str:
    lines = [
        f"{w.trace.provider} load balancer {w.trace.lb_address}:{w.trace.port}, "
        f"externalTrafficPolicy {w.params['external_traffic_policy']}"
    ]
    for b in w.trace.backends:
        lines.append(f"  node {b.node:<19} share {_pct(b.share):>6}  {b.check}")
    for p, s in w.per_pod.items():
        seen = ", ".join(w.sources_seen.get(p, [])) or "-"
        lines.append(f"  pod  {p:<7} on {w.pod_nodes[p]:<13} {_pct(s):>6}  sees {seen}")
    if w.dropped:
        lines.append(f"  dropped {_pct(w.dropped)}")
    return "\n".join(lines)


def _lb_outcome(w: Any) -> Outcome:
    shares = w.per_pod
    lo, hi = min(shares.values()), max(shares.values())
    even = lo == hi
    seen = {s for v in w.sources_seen.values() for s in v}
    html = (
        f"<p>New connections per Pod: {', '.join(f'{p} {_pct(s)}' for p, s in shares.items())}"
        f"{' (even)' if even else f' (uneven: {_pct(hi)} vs {_pct(lo)})'}. "
        f"{html_lib.escape(_source_sentence(seen, w.trace.client))}</p>"
    )
    return Outcome(html=html, svg=responsive_svg(w.diagram()), text=_lb_summary(w))


@_memo
def _render_lb(values: dict[str, Any]) -> Outcome:
    return _lb_outcome(lb_what_if(values["policy"], values["replicas"], values["placement"]))


@register("lb-traffic")
def lb_traffic_explorer() -> Explorer:
    """A LoadBalancer Service behind a cloud L4 balancer (:class:`~k8snet.controllers.cloud.GenericCloud`):
    per-Pod share of new connections and the source address each Pod sees.

    Controls: placement, replicas (1–5), ``externalTrafficPolicy``.

    >>> ex = lb_traffic_explorer()
    >>> "web-1 50%" in ex.outcome(placement="spread", replicas=3, policy="Local").html
    True
    """
    return Explorer(
        "lb-traffic",
        {"placement": list(PLACEMENTS), "replicas": [1, 2, 3, 4, 5], "policy": ["Cluster", "Local"]},
        _render_lb,
        labels={"placement": "Placement", "replicas": "Replicas", "policy": "externalTrafficPolicy"},
        kinds={"replicas": "slider"},
        initial={"replicas": 3, "policy": "Local"},
        live=False,
    )


_PROVIDER_LABELS = {
    "generic": "cloud L4 (GenericCloud)",
    "metallb": "MetalLB L2",
    "proxy": "proxying LB (ipMode Proxy)",
}


@_memo
def _render_providers(values: dict[str, Any]) -> Outcome:
    w = lb_what_if(values["policy"], 3, "spread", provider=values["provider"])
    out = _lb_outcome(w)
    ip_mode = w.trace.ip_mode or "VIP"
    note = f"<p><code>status.loadBalancer.ingress[0].ipMode: {ip_mode}</code>.</p>"
    return Outcome(html=out.html + note, svg=out.svg, text=out.text)


@register("lb-providers")
def lb_providers_explorer() -> Explorer:
    """Three kinds of load balancer in front of the same three Pods (2 on ``kind-worker``, 1 on ``kind-worker2``).

    >>> ex = lb_providers_explorer()
    >>> "198.51.100.10" in ex.outcome(provider="proxy", policy="Local").text
    True
    """
    return Explorer(
        "lb-providers",
        {"provider": ["generic", "metallb", "proxy"], "policy": ["Cluster", "Local"]},
        _render_providers,
        labels={"provider": "Load balancer", "policy": "externalTrafficPolicy"},
        initial={"policy": "Local"},
        live=False,
    )


# --- kube-proxy: rules per mode -------------------------------------------------------------------------------------


def rules_excerpt(
    cluster: Any, service: str, mode: str, node: str | None = None, namespace: str = "default"
) -> str:
    """What ``node``'s kube-proxy programs for ``service`` in ``mode``: the Service's own rules, in the
    tool's own format.

    * ``iptables``: the ``nat`` table lines (``iptables-save`` format) of the chains owned by the Service
      (``KUBE-SVC-``/``KUBE-SVL-``/``KUBE-EXT-``/``KUBE-SEP-``...) and the ``KUBE-SERVICES``/``KUBE-NODEPORTS``
      lines that jump to them;
    * ``nftables``: the lines of the kube-proxy table (``nft -f`` format) that name the Service's chains, or
      are map elements for it;
    * ``ipvs``: ``ipvsadm -Ln`` restricted to the Service's virtual servers, and its address on
      ``kube-ipvs0``.

    The rules are those :func:`k8snet.sim.trace.trace` executes (:meth:`k8snet.sim.trace.World.rules`); each
    mode picks its Service's part (:meth:`k8snet.proxy.modes.ProxyMode.service_rules`).
    """
    from k8snet.sim.trace import world_for

    svc = cluster.get("Service", service, namespace)
    world = world_for(cluster, mode)
    node = node or world.nodes[-1].metadata.name
    return world.proxy_mode.service_rules(world.rules(node), svc)


def rules_side_by_side(
    cluster: Any,
    service: str,
    node: str | None = None,
    namespace: str = "default",
    modes: tuple[str, ...] = _MODES,
) -> str:
    """HTML: :func:`rules_excerpt` of ``service`` in each mode, in columns."""
    cells = []
    for mode in modes:
        text = html_lib.escape(rules_excerpt(cluster, service, mode, node, namespace))
        cells.append(
            f'<td style="vertical-align:top;padding:0 0.5em"><strong>{mode}</strong>'
            f'<pre style="font-size:70%;white-space:pre-wrap;word-break:break-all">{text}</pre></td>'
        )
    return (
        '<table class="k8snet-side-by-side" style="table-layout:fixed;width:100%"><tr>'
        + "".join(cells)
        + "</tr></table>"
    )


def affinity_rules(
    cluster: Any, service: str, mode: str, node: str | None = None, namespace: str = "default"
) -> str:
    """The lines of :func:`rules_excerpt` that implement ``sessionAffinity: ClientIP`` in ``mode``:
    ``-m recent`` (iptables), ``affinity-`` sets (nftables), ``persistent`` virtual servers (IPVS)."""
    text = rules_excerpt(cluster, service, mode, node, namespace)
    pattern = proxy_mode(mode).affinity_marker
    return "\n".join(line for line in text.splitlines() if pattern in line)


@dataclass(frozen=True)
class AffinityStep:
    """One connection of :func:`affinity_timeline`."""

    time: float
    gap: float | None
    endpoint: str
    same_as_previous: bool | None


def affinity_timeline(
    cluster: Any, source: str, destination: str, times: list[float], mode: str = "iptables", seed: int = 0
) -> list[AffinityStep]:
    """Send one new connection from the Pod ``source`` to ``destination`` at each of ``times`` (seconds).

    The connections go through one stateful executor of the source's node
    (:meth:`k8snet.sim.trace.World.new_host`) whose clock reads the connection's time, so the
    ``-m recent`` list (iptables), the ``affinity-`` set (nftables) or the persistence template (IPVS)
    remembers the client exactly as long as the rules say. Each connection uses a new source port.
    """
    from k8snet.dataplane.packet import Packet
    from k8snet.sim.trace import _parse_destination, world_for

    world = world_for(cluster, mode)
    ns, _, name = source.rpartition("/")
    pod = cluster.get("Pod", name, ns or "default")
    dst_ip, dst_port, _, protocol = _parse_destination(world, destination, None)
    now = [0.0]
    host = world.new_host(pod.spec.nodeName, clock=lambda: now[0], seed=seed)
    steps: list[AffinityStep] = []
    prev_t: float | None = None
    prev_ep: str | None = None
    for i, t in enumerate(times):
        now[0] = float(t)
        res = host.send(
            Packet(
                pod.status.podIP,
                dst_ip,
                protocol=protocol,
                src_port=40000 + i,
                dst_port=dst_port,
                in_interface="veth0",
            ),
            record=False,
        )
        ep = res.destination if res.verdict == "ACCEPT" else res.verdict
        steps.append(
            AffinityStep(
                float(t),
                None if prev_t is None else float(t) - prev_t,
                ep,
                None if prev_ep is None else ep == prev_ep,
            )
        )
        prev_t, prev_ep = float(t), ep
    return steps


#: Connection times of the session-affinity explorer: bursts separated by growing pauses.
AFFINITY_TIMES = [0, 4, 8, 30, 34, 38, 100, 104, 300, 304]


class _AffinityBase:
    """kind cluster: Service ``web`` (ClusterIP, port 80) over web-0..2 (2 on kind-worker, 1 on kind-worker2),
    and a client Pod on kind-worker."""

    def __init__(self):
        from k8snet.sim.cluster import Cluster

        self.cluster = Cluster()
        docs: list[dict[str, Any]] = [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
            },
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "client"},
                "spec": {
                    "nodeName": "kind-worker",
                    "containers": [{"name": "curl", "image": "curlimages/curl"}],
                },
            },
        ]
        for i, node in enumerate(placement_nodes("spread", 3)):
            docs.append(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"web-{i}", "labels": {"app": "web"}},
                    "spec": {
                        "nodeName": node,
                        "containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 8080}]}],
                    },
                }
            )
        self.cluster.apply(docs)

    def set(self, affinity: str, timeout: int) -> None:
        from k8snet.api.core_v1 import SessionAffinityConfig

        c = self.cluster
        svc = c.get("Service", "web")
        cfg = {"clientIP": {"timeoutSeconds": timeout}} if affinity == "ClientIP" else None
        have = (
            svc.spec.sessionAffinityConfig.model_dump(exclude_none=True)
            if svc.spec.sessionAffinityConfig
            else None
        )
        if svc.spec.sessionAffinity != affinity or have != cfg:
            svc.spec.sessionAffinity = affinity
            svc.spec.sessionAffinityConfig = SessionAffinityConfig.model_validate(cfg) if cfg else None
            c.api.update(svc)
            c.reconcile()


_AFF: list[_AffinityBase] = []


def _aff_base() -> _AffinityBase:
    if not _AFF:
        _AFF.append(_AffinityBase())
    return _AFF[0]


def _pod_of_endpoint(cluster: Any) -> dict[str, str]:
    return {
        f"{p.status.podIP}:8080": p.metadata.name
        for p in cluster.pods("default")
        if p.status and p.status.podIP
    }


@_memo
def _render_affinity(values: dict[str, Any]) -> Outcome:
    mode, affinity, timeout = values["mode"], values["affinity"], values["timeout"]
    base = _aff_base()
    base.set(affinity, timeout)
    c = base.cluster
    steps = affinity_timeline(c, "default/client", "web:80", AFFINITY_TIMES, mode=mode)
    names = _pod_of_endpoint(c)
    lines = ["  time    gap  endpoint            pod     same as previous"]
    for s in steps:
        gap = "" if s.gap is None else f"{s.gap:.0f}s"
        same = "" if s.same_as_previous is None else ("yes" if s.same_as_previous else "no")
        lines.append(f"{s.time:5.0f}s {gap:>6}  {s.endpoint:<19} {names.get(s.endpoint, '?'):<7} {same}")
    rule = affinity_rules(c, "web", mode, node="kind-worker") if affinity == "ClientIP" else ""
    switches = sum(1 for s in steps if s.same_as_previous is False)
    repeats = sum(1 for s in steps if s.same_as_previous is not None)
    if affinity == "None":
        how = proxy_mode(mode).endpoint_choice + " for every new connection"
    else:
        how = f"the same Pod while the gap between connections is at most {timeout} s"
    html = (
        f"<p>{mode}, <code>sessionAffinity: {affinity}</code>"
        + (f", <code>timeoutSeconds: {timeout}</code>" if affinity == "ClientIP" else "")
        + f": {how}. The client changed Pod on {switches} of {repeats} later connections.</p>"
    )
    if rule:
        html += "<p>The rules that remember the client on kind-worker:</p>" + _pre(rule)
    return Outcome(html=html, text="\n".join(lines))


@register("session-affinity")
def session_affinity_explorer() -> Explorer:
    """One client Pod opens ten connections to a ClusterIP Service over five simulated minutes.

    Controls: proxy mode, ``sessionAffinity`` (None/ClientIP), ``sessionAffinityConfig.clientIP.timeoutSeconds``.

    >>> ex = session_affinity_explorer()
    >>> "changed Pod on 0 of 9" in ex.outcome(mode="iptables", affinity="ClientIP", timeout=10800).html
    True
    """
    return Explorer(
        "session-affinity",
        {"mode": list(_MODES), "affinity": ["None", "ClientIP"], "timeout": [10, 60, 10800]},
        _render_affinity,
        labels={"mode": "Proxy mode", "affinity": "sessionAffinity", "timeout": "timeoutSeconds"},
        kinds={"timeout": "buttons"},
        initial={"affinity": "ClientIP", "timeout": 10},
        live=False,
    )


_MODES_BASE: list[Any] = []


def modes_cluster() -> Any:
    """The cluster the ``proxy-modes`` explorer shows: Service ``web`` (ClusterIP 80 → 8080) over ``web-0``,
    ``web-1``, ``web-2`` (two on ``kind-worker``, one on ``kind-worker2``) and a Pod ``client`` on
    ``kind-worker``."""
    if not _MODES_BASE:
        _MODES_BASE.append(_AffinityBase().cluster)  # its own cluster: no affinity is ever set on it
    return _MODES_BASE[0]


@_memo
def _render_modes(values: dict[str, Any]) -> Outcome:
    from k8snet.sim.trace import trace

    mode = values["mode"]
    c = modes_cluster()
    t = trace(c, "default/client", "web:80", mode=mode)
    evaluated = t.chosen.hops[0].result.rules_evaluated  # on the client's node, where the Service is matched
    cands = ", ".join(f"{_short(o.pod)} {_pct(o.probability)}" for o in t.candidates)
    html = (
        f"<p>{mode}: a new connection from <code>client</code> to <code>web:80</code> reaches {cands}; "
        f"the first packet is tested against {evaluated} rules on kind-worker.</p>"
    )
    html += "<p>The Service's rules on kind-worker:</p>" + _pre(
        rules_excerpt(c, "web", mode, node="kind-worker")
    )
    return Outcome(html=html, svg=responsive_svg(_trace_diagram(t)))


def _pre(text: str) -> str:
    """Rule text as wrapped preformatted HTML (rule lines are long; the explorer's own text block does not wrap)."""
    return (
        '<pre class="k8snet-rules" style="white-space:pre-wrap;word-break:break-all;font-size:75%">'
        f"{html_lib.escape(text)}</pre>"
    )


def _trace_diagram(t: Any):
    from k8snet.views.flow import trace_diagram

    return trace_diagram(t)


@register("proxy-modes")
def proxy_modes_explorer() -> Explorer:
    """The same Service in kube-proxy's three modes: the rules ``kind-worker`` gets and a traced connection.

    >>> ex = proxy_modes_explorer()
    >>> "KUBE-SVC-" in ex.outcome(mode="iptables").html, "persistent" in ex.outcome(mode="ipvs").html
    (True, False)
    """
    return Explorer(
        "proxy-modes",
        {"mode": list(_MODES)},
        _render_modes,
        labels={"mode": "kube-proxy mode"},
        live=False,
    )


# --- cost per new connection as Services grow ---------------------------------------------------------------------


from k8snet.sim.scaling import rules_traversed, scaling_table  # noqa: E402  (re-exported for the chapter)

# --- a small SVG line chart -----------------------------------------------------------------------------------------


def line_chart_svg(
    series: dict[str, list[tuple[float, float]]],
    x_label: str = "",
    y_label: str = "",
    width: int = 560,
    height: int = 300,
    log_x: bool = True,
) -> str:
    """An inline SVG line chart of ``{name: [(x, y), ...]}`` (log-scale x by default), deterministic text.

    >>> svg = line_chart_svg({"a": [(10, 1), (100, 2)]}, "services", "rules")
    >>> svg.startswith("<svg") and "services" in svg
    True
    """
    import math

    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
    left, right, top, bottom = 60, 130, 15, 45
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts]
    fx = (lambda v: math.log10(v)) if log_x else (lambda v: v)
    x0, x1 = fx(min(xs)), fx(max(xs))
    y1 = max(ys) * 1.05 or 1
    pw, ph = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (fx(x) - x0) / ((x1 - x0) or 1) * pw

    def py(y: float) -> float:
        return top + ph - y / y1 * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica,Arial,sans-serif" font-size="11">',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>',
    ]
    for x in sorted(set(xs)):
        out.append(
            f'<line x1="{px(x):.1f}" y1="{top + ph}" x2="{px(x):.1f}" y2="{top + ph + 4}" stroke="#999"/>'
        )
        out.append(f'<text x="{px(x):.1f}" y="{top + ph + 16}" text-anchor="middle">{x:g}</text>')
    step = 10 ** max(0, math.floor(math.log10(y1)) - (0 if y1 / 10 ** math.floor(math.log10(y1)) > 3 else 1))
    v = 0.0
    while v <= y1:
        out.append(f'<text x="{left - 5}" y="{py(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
        out.append(f'<line x1="{left}" y1="{py(v):.1f}" x2="{left + pw}" y2="{py(v):.1f}" stroke="#eee"/>')
        v += step
    for i, (name, pts) in enumerate(series.items()):
        color = colors[i % len(colors)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>')
        out.append(
            f'<text x="{left + pw + 8}" y="{top + 14 + 16 * i}" fill="{color}">{html_lib.escape(name)}</text>'
        )
    out.append(
        f'<text x="{left + pw / 2:.0f}" y="{height - 8}" text-anchor="middle">{html_lib.escape(x_label)}</text>'
    )
    out.append(
        f'<text x="14" y="{top + ph / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + ph / 2:.0f})">{html_lib.escape(y_label)}</text>'
    )
    out.append("</svg>")
    return "".join(out)
