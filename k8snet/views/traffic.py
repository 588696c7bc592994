"""Explorers for the NodePort, LoadBalancer and kube-proxy chapters, and a small SVG line chart.

Nothing here decides where a packet goes: the numbers come from :mod:`k8snet.sim.traffic` (which runs
:func:`k8snet.sim.trace.trace`, :func:`k8snet.sim.whatif.what_if` and the nodes' stateful executors) and the
diagrams from :mod:`k8snet.views.flow`. This module builds the explorers' clusters, calls those functions and
lays the answers out.

* :func:`rules_side_by_side`: :func:`k8snet.sim.traffic.rules_excerpt` of one Service in iptables, IPVS and
  nftables mode, one mode under the other (and, for a dual-stack Service, one family under the other);
* :func:`line_chart_svg`: a small dependency-free SVG line chart (the book has no matplotlib);
* :func:`affinity_timeout_text`: one line on what a session-affinity timeout did to a client's connections.

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
>>> ex = nodeport_traffic_explorer()
>>> print(ex.outcome(policy="Local", replicas=1, placement="packed").text.splitlines()[0])
client -> kind-control-plane 172.18.0.2:30000
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from k8snet.i18n import N_, _, get_language, ljust, rjust, translate
from k8snet.proxy.modes import proxy_mode
from k8snet.sim.traffic import (
    MAX_REPLICAS,
    PLACEMENTS,
    PROXY_MODES,
    affinity_rules,
    affinity_timeline,
    entries_for_world,
    lb_what_if,
    nodeport_text,
    percent,
    placement_nodes,
    pod_name,
    rules_by_family,
    rules_excerpt,
)
from k8snet.sim.whatif import CLIENT_IP
from k8snet.views.explorer import Explorer, Outcome, register
from k8snet.views.flow import nodeport_diagram, trace_diagram, whatif_diagram
from k8snet.views.graphviz import responsive_svg

__all__ = [
    "rules_side_by_side",
    "family_rules_label",
    "line_chart_svg",
    "nodeport_traffic_explorer",
    "nodeport_explorer_entries",
    "lb_summary",
    "lb_traffic_explorer",
    "lb_providers_explorer",
    "session_affinity_explorer",
    "proxy_modes_explorer",
    "modes_cluster",
    "AFFINITY_TIMES",
    "affinity_timeout_text",
]


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
        for i, node in enumerate(placement_nodes(placement, MAX_REPLICAS)):
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


#: Words the explorers show that are defined elsewhere, marked here for the catalog: control values (placements,
#: load balancer kinds) and each proxy mode's ``endpoint_choice`` (k8snet.proxy.modes).
_WORDS = (
    N_("spread"),
    N_("packed"),
    N_("generic"),
    N_("proxy"),
    N_("a random choice"),
    N_("IPVS round robin"),
)


def _memo(render):
    """Cache a render function's outcomes by explorer values (outcomes are deterministic)."""

    def wrapped(values: dict[str, Any]) -> Outcome:
        # the language too: summaries are in the reader's language (k8snet.i18n)
        key = (render.__name__, get_language(), *sorted(values.items()))
        if key not in _OUTCOMES:
            _OUTCOMES[key] = render(values)
        return _OUTCOMES[key]

    wrapped.__name__ = render.__name__
    return wrapped


def _source_sentence(seen: set[str], client: str) -> str:
    if not seen:
        return _("No Pod receives the connection.")
    if seen == {client}:
        return _("Every Pod that gets the connection sees the client's own address {client}.").format(
            client=client
        )
    if client in seen:
        return _(
            "Pods see {addresses}: the client's address when the entry node has the Pod, "
            "a node address when the connection was masqueraded."
        ).format(addresses=", ".join(sorted(seen)))
    return _(
        "Pods see {addresses}: a node address, never the client's {client} (kube-proxy masquerades the connection)."
    ).format(addresses=", ".join(sorted(seen)), client=client)


def nodeport_explorer_entries(policy: str, replicas: int, placement: str) -> list[Any]:
    """The :class:`~k8snet.sim.traffic.EntryResult` objects the ``nodeport-traffic`` explorer shows for these
    control values (its text is :func:`~k8snet.sim.traffic.nodeport_text` of them): the facts to check, in any
    language.

    >>> [(e.node, e.dropped) for e in nodeport_explorer_entries("Local", 1, "packed")][0]
    ('kind-control-plane', Fraction(1, 1))
    """
    return entries_for_world(_np_base(placement).world(policy, replicas), "nodeport-svc")


@_memo
def _render_nodeport(values: dict[str, Any]) -> Outcome:

    policy, replicas, placement = values["policy"], values["replicas"], values["placement"]
    world = _np_base(placement).world(policy, replicas)
    entries = entries_for_world(world, "nodeport-svc")
    pods = {f"default/{p.metadata.name}": p.spec.nodeName for p in world.pods if _is_nginx(p.metadata.name)}
    seen = {s for e in entries for srcs in e.sources.values() for s in srcs}
    drops = [e.node for e in entries if e.dropped]
    pods_text = (
        _("{count} nginx Pods ({placement})") if replicas > 1 else _("{count} nginx Pod ({placement})")
    )
    parts = [
        f"<p><code>externalTrafficPolicy: {policy}</code>, "
        + pods_text.format(count=replicas, placement=_(placement))
        + ". "
    ]
    if drops:
        parts.append(
            _("Connections to {nodes} are dropped: no local endpoint there.").format(nodes=", ".join(drops))
            + " "
        )
    else:
        parts.append(_("Every node forwards the connection.") + " ")
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
        labels={"policy": "externalTrafficPolicy", "placement": N_("Placement"), "replicas": N_("Replicas")},
        kinds={"replicas": "slider"},
        initial={"replicas": 3, "policy": "Local"},
        live=False,
    )


# --- LoadBalancer: what_if with a replica slider ------------------------------------------------------------------


def lb_summary(w: Any) -> str:
    """The ``lb-traffic`` and ``lb-providers`` explorers' text for a :class:`~k8snet.sim.whatif.WhatIf`: the
    balancer, each node's share and health check, each Pod's share and the source it sees (the words in the
    reader's language; names, addresses and shares as they are, padded here so a translation cannot break the
    columns). Code that checks the facts reads ``w`` itself (``per_pod``, ``sources_seen``, ``trace.backends``).

    >>> from k8snet.sim.traffic import lb_what_if
    >>> print(lb_summary(lb_what_if("Local", 1, "packed")).splitlines()[-1])
      pod  web-0   on kind-worker     100%  sees 198.51.100.7
    """
    lines = [
        _("{provider} load balancer {address}, externalTrafficPolicy {policy}").format(
            provider=w.trace.provider,
            address=f"{w.trace.lb_address}:{w.trace.port}",
            policy=w.params["external_traffic_policy"],
        )
    ]
    for b in w.trace.backends:
        lines.append(
            "  "
            + _("node {node} share {share}  {check}").format(
                node=f"{b.node:<19}", share=f"{percent(b.share):>6}", check=translate(b.check)
            )
        )
    for p, s in w.per_pod.items():
        seen = ", ".join(w.sources_seen.get(p, [])) or "-"
        lines.append(
            "  "
            + _("pod  {pod} on {node} {share}  sees {source}").format(
                pod=f"{p:<7}", node=f"{w.pod_nodes[p]:<13}", share=f"{percent(s):>6}", source=seen
            )
        )
    if w.dropped:
        lines.append("  " + _("dropped {share}").format(share=percent(w.dropped)))
    return "\n".join(lines)


def _lb_outcome(w: Any) -> Outcome:
    shares = w.per_pod
    lo, hi = min(shares.values()), max(shares.values())
    even = lo == hi
    seen = {s for v in w.sources_seen.values() for s in v}
    html = (
        "<p>"
        + _("New connections per Pod: {shares}").format(
            shares=", ".join(f"{p} {percent(s)}" for p, s in shares.items())
        )
        + (
            " " + _("(even)")
            if even
            else " " + _("(uneven: {high} vs {low})").format(high=percent(hi), low=percent(lo))
        )
        + f". {html_lib.escape(_source_sentence(seen, w.trace.client))}</p>"
    )
    return Outcome(html=html, svg=responsive_svg(whatif_diagram(w)), text=lb_summary(w))


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
        labels={"placement": N_("Placement"), "replicas": N_("Replicas"), "policy": "externalTrafficPolicy"},
        kinds={"replicas": "slider"},
        initial={"replicas": 3, "policy": "Local"},
        live=False,
    )


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
        labels={"provider": N_("Load balancer"), "policy": "externalTrafficPolicy"},
        initial={"policy": "Local"},
        live=False,
    )


# --- kube-proxy: rules per mode -------------------------------------------------------------------------------------


def family_rules_label(mode: str, family: str) -> str:
    """What holds ``family``'s rules of kube-proxy in ``mode`` on a node, as a heading for them: each family has its
    own proxier (``NewDualStackProxier`` in ``pkg/proxy/{iptables,ipvs,nftables}/proxier.go``, joined by
    ``pkg/proxy/metaproxier``), which programs its family's kernel tables: ``iptables`` or ``ip6tables``, the
    nftables table ``kube-proxy`` of the ``ip`` or ``ip6`` family; the IPVS proxiers share the one IPVS table.

    >>> family_rules_label("iptables", "IPv6"), family_rules_label("nftables", "IPv4")
    ('ip6tables (IPv6)', 'nftables, table ip kube-proxy (IPv4)')
    """
    v6 = family == "IPv6"
    if mode == "iptables":
        return f"{'ip6tables' if v6 else 'iptables'} ({family})"
    if mode == "nftables":
        return f"nftables, table {'ip6' if v6 else 'ip'} kube-proxy ({family})"
    return f"{mode} ({family})"


def rules_side_by_side(
    cluster: Any,
    service: str,
    node: str | None = None,
    namespace: str = "default",
    modes: tuple[str, ...] = PROXY_MODES,
    by_family: bool = False,
) -> str:
    """HTML: :func:`k8snet.sim.traffic.rules_excerpt` of ``service`` in each mode, one mode under the other.

    Each rule is one block that wraps only between words, with the continuation indented, so no rule is ever cut
    inside a token (an address, a chain name, a probability) and nothing needs scrolling sideways.

    With ``by_family``, each mode shows the rules of each of the Service's IP families
    (:func:`k8snet.sim.traffic.rules_by_family`, in the order of ``spec.ipFamilies``), one family under the
    other, each headed by what holds it (:func:`family_rules_label`).

    >>> html = rules_side_by_side(modes_cluster(), "web", node="kind-worker")
    >>> html.count('class="k8snet-mode"'), "KUBE-SVC-" in html, "numgen random mod 3" in html
    (3, True, True)
    >>> from k8snet.sim.cluster import Cluster
    >>> dual = Cluster(preset="kind-dual")
    >>> html = rules_side_by_side(dual, "kube-dns", modes=("nftables",), namespace="kube-system", by_family=True)
    >>> html.count('class="k8snet-mode"'), "table ip kube-proxy (IPv4)" in html, "ip6 kube-proxy" in html
    (1, True, False)
    """
    sections = []
    for mode in modes:
        if by_family:
            parts = [
                (family_rules_label(mode, family), text)
                for family, text in rules_by_family(cluster, service, mode, node, namespace).items()
            ]
        else:
            parts = [(mode, rules_excerpt(cluster, service, mode, node, namespace))]
        for label, text in parts:
            body = "".join(
                f'<div class="k8snet-rule">{html_lib.escape(line) or "&#160;"}</div>'
                for line in text.splitlines()
            )
            aria = _("{label} rules").format(label=label)
            sections.append(
                f'<div class="k8snet-mode"><p><strong>{html_lib.escape(label)}</strong></p>'
                f'<div class="k8snet-rules" role="group" aria-label="{html_lib.escape(aria)}">{body}</div></div>'
            )
    return '<div class="k8snet-side-by-side">' + "".join(sections) + "</div>"


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
    # the column headings in the reader's language, padded by display width (a CJK character takes two columns)
    time, gap, endpoint, pod = _("time"), _("gap"), _("endpoint"), _("pod")
    lines = [
        f"{rjust(time, 6)} {rjust(gap, 6)}  {ljust(endpoint, 19)} {ljust(pod, 7)} " + _("same as previous")
    ]
    for s in steps:
        gap = "" if s.gap is None else f"{s.gap:.0f}s"
        same = "" if s.same_as_previous is None else (_("yes") if s.same_as_previous else _("no"))
        lines.append(f"{s.time:5.0f}s {gap:>6}  {s.endpoint:<19} {names.get(s.endpoint, '?'):<7} {same}")
    rule = affinity_rules(c, "web", mode, node="kind-worker") if affinity == "ClientIP" else ""
    switches = sum(1 for s in steps if s.same_as_previous is False)
    repeats = sum(1 for s in steps if s.same_as_previous is not None)
    if affinity == "None":
        how = _("{choice} for every new connection").format(choice=_(proxy_mode(mode).endpoint_choice))
    else:
        how = _("the same Pod while the gap between connections is at most {timeout} s").format(
            timeout=timeout
        )
    html = (
        f"<p>{mode}, <code>sessionAffinity: {affinity}</code>"
        + (f", <code>timeoutSeconds: {timeout}</code>" if affinity == "ClientIP" else "")
        + f": {how}. "
        + _("The client changed Pod on {switches} of {repeats} later connections.").format(
            switches=switches, repeats=repeats
        )
        + "</p>"
    )
    if rule:
        html += "<p>" + _("The rules that remember the client on kind-worker:") + "</p>" + _pre(rule)
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
        {"mode": list(PROXY_MODES), "affinity": ["None", "ClientIP"], "timeout": [10, 60, 10800]},
        _render_affinity,
        labels={"mode": N_("Proxy mode"), "affinity": "sessionAffinity", "timeout": "timeoutSeconds"},
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
    cands = ", ".join(f"{pod_name(o.pod)} {percent(o.probability)}" for o in t.candidates)
    html = (
        f"<p>{mode}: "
        + _(
            "a new connection from <code>client</code> to <code>web:80</code> reaches {candidates}; "
            "the first packet is tested against {count} rules on kind-worker."
        ).format(candidates=cands, count=evaluated)
        + "</p>"
    )
    html += (
        "<p>"
        + _("The Service's rules on kind-worker:")
        + "</p>"
        + _pre(rules_excerpt(c, "web", mode, node="kind-worker"))
    )
    return Outcome(html=html, svg=responsive_svg(trace_diagram(t)))


def _pre(text: str) -> str:
    """Rule text as wrapped preformatted HTML (rule lines are long; the explorer's own text block does not wrap)."""
    return (
        '<pre class="k8snet-rules" style="white-space:pre-wrap;word-break:break-all;font-size:75%">'
        f"{html_lib.escape(text)}</pre>"
    )


@register("proxy-modes")
def proxy_modes_explorer() -> Explorer:
    """The same Service in kube-proxy's three modes: the rules ``kind-worker`` gets and a traced connection.

    >>> ex = proxy_modes_explorer()
    >>> "KUBE-SVC-" in ex.outcome(mode="iptables").html, "persistent" in ex.outcome(mode="ipvs").html
    (True, False)
    """
    return Explorer(
        "proxy-modes",
        {"mode": list(PROXY_MODES)},
        _render_modes,
        labels={"mode": N_("kube-proxy mode")},
        live=False,
    )


# --- a small SVG line chart -----------------------------------------------------------------------------------------


def line_chart_svg(
    series: dict[str, list[tuple[float, float]]],
    x_label: str = "",
    y_label: str = "",
    width: int = 560,
    height: int = 300,
    log_x: bool = True,
    x_ticks: list[float] | None = None,
    markers: list[tuple[float, str]] | None = None,
    colors: list[str] | None = None,
    points: bool = True,
    legend_width: int = 130,
    y_step: float | None = None,
) -> str:
    """An inline SVG line chart of ``{name: [(x, y), ...]}`` (log-scale x by default), deterministic text.

    ``x_ticks`` labels only those x values (default: every x of the data); ``markers`` draws a dashed vertical
    line with a label at each ``(x, label)``; ``colors`` replaces the five-colour palette; ``points=False``
    leaves out the dots; ``legend_width`` is the room right of the plot for the names; ``y_step`` the distance
    between the labels of the y axis (default: chosen from the largest value).

    >>> svg = line_chart_svg({"a": [(10, 1), (100, 2)]}, "services", "rules")
    >>> svg.startswith("<svg") and "services" in svg
    True
    >>> "stroke-dasharray" in line_chart_svg({"a": [(0, 1), (5, 2)]}, log_x=False, markers=[(3, "scale")])
    True
    """
    import math

    colors = colors or ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
    left, right, top, bottom = 60, legend_width, 15, 45
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
    for x in sorted(set(xs) if x_ticks is None else set(x_ticks)):
        out.append(
            f'<line x1="{px(x):.1f}" y1="{top + ph}" x2="{px(x):.1f}" y2="{top + ph + 4}" stroke="#999"/>'
        )
        out.append(f'<text x="{px(x):.1f}" y="{top + ph + 16}" text-anchor="middle">{x:g}</text>')
    step = y_step or 10 ** max(
        0, math.floor(math.log10(y1)) - (0 if y1 / 10 ** math.floor(math.log10(y1)) > 3 else 1)
    )
    v = 0.0
    while v <= y1:
        out.append(f'<text x="{left - 5}" y="{py(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
        out.append(f'<line x1="{left}" y1="{py(v):.1f}" x2="{left + pw}" y2="{py(v):.1f}" stroke="#eee"/>')
        v += step
    for x, label in markers or []:
        out.append(
            f'<line x1="{px(x):.1f}" y1="{top}" x2="{px(x):.1f}" y2="{top + ph}" stroke="#555" '
            'stroke-dasharray="4 3"/>'
        )
        out.append(f'<text x="{px(x) + 3:.1f}" y="{top + 11}" fill="#555">{html_lib.escape(label)}</text>')
    for i, (name, pts) in enumerate(series.items()):
        color = colors[i % len(colors)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts if points else []:
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


def affinity_timeout_text(timeout: int, result: Any) -> str:
    """One line on what ``timeoutSeconds: timeout`` did to a client's connections: how many chose an endpoint
    again because the affinity entry had expired, and how many reached the Pod the connection before reached
    (``result``: :func:`k8snet.sim.simulate.simulate`'s ``reassigned`` and ``repeat_same_endpoint``).

    >>> from types import SimpleNamespace
    >>> affinity_timeout_text(10, SimpleNamespace(reassigned=42, repeat_same_endpoint=0.5))
    'timeoutSeconds  10:  42 connections chose again after a timeout; 50% reached the same Pod as the connection before'
    """
    return _(
        "timeoutSeconds {timeout}: {reassigned} connections chose again after a timeout; {share} reached the "
        "same Pod as the connection before"
    ).format(
        timeout=f"{timeout:>3}",
        reassigned=f"{result.reassigned:>3}",
        share=f"{result.repeat_same_endpoint:.0%}",
    )
