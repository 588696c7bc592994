"""Where a chapter's traffic goes: the numbers behind the NodePort, LoadBalancer and kube-proxy chapters.

Nothing here decides where a packet goes. Every share, drop and source address comes from
:func:`k8snet.sim.trace.trace` (the rules each node's kube-proxy writes, run by the dataplane executors),
:func:`k8snet.sim.whatif.what_if` (a cloud or MetalLB balancer in front of those rules) or a stateful
executor from :meth:`k8snet.sim.trace.World.new_host` driven on a simulated clock. This module arranges those
calls the way the chapters ask their questions; :mod:`k8snet.views.flow` draws the answers and
:mod:`k8snet.views.traffic` builds the explorers on top of them.

* :func:`nodeport_entries` / :func:`nodeport_text`: a client outside the cluster connects to
  ``NodeIP:nodePort`` of *every* node in turn;
* :func:`lb_what_if` / :func:`cluster_what_if`: a load balancer's shares per node and per Pod, for a named
  placement of the replicas or for a Service of a running cluster; :func:`health_checks`: what the balancer's
  health checker gets from every node (kube-proxy's health servers, ``pkg/proxy/healthcheck``);
  :func:`kube_proxy_health`: kube-proxy's own ``/healthz`` and ``/livez`` on every node;
* :func:`rules_excerpt` / :func:`affinity_rules` / :func:`source_range_rules`: what kube-proxy programs for one
  Service in iptables, IPVS and nftables mode, on one node (all of it, its session affinity, its
  ``loadBalancerSourceRanges``);
* :func:`affinity_timeline`: one client's connections at given times, sent through a node's stateful
  executor (``-m recent`` lists, nftables ``affinity-`` sets, IPVS persistence templates).

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

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from k8snet.dataplane.packet import Packet
from k8snet.errors import K8snetError
from k8snet.i18n import _, display_width, ljust
from k8snet.proxy.healthcheck import HEALTHZ_PORT, node_health_servers, probe
from k8snet.proxy.modes import PROXY_MODES as _REGISTERED_MODES
from k8snet.proxy.modes import proxy_mode
from k8snet.sim.trace import parse_destination, trace_world, world_for
from k8snet.sim.whatif import CLIENT_IP, WhatIf, external_trace, what_if

__all__ = [
    "PLACEMENTS",
    "MAX_REPLICAS",
    "PROXY_MODES",
    "placement_nodes",
    "percent",
    "pod_name",
    "EntryResult",
    "nodeport_entries",
    "entries_for_world",
    "nodeport_text",
    "lb_what_if",
    "cluster_what_if",
    "HealthCheckResult",
    "health_check_results",
    "health_checks",
    "KubeProxyHealth",
    "kube_proxy_health_rows",
    "kube_proxy_health",
    "source_range_rules",
    "kube_proxy_probe",
    "rules_excerpt",
    "rules_by_family",
    "affinity_rules",
    "AffinityStep",
    "affinity_timeline",
]

#: Pod placements over kind's two workers (the control-plane node is tainted ``NoSchedule``).
PLACEMENTS = {
    # round robin over the workers: 3 replicas give the 2+1 split of the LoadBalancer chapter
    "spread": ("kind-worker", "kind-worker2"),
    # every replica on kind-worker
    "packed": ("kind-worker",),
}
#: The most replicas the chapters' sliders offer (the explorers place this many Pods and make the rest not ready).
MAX_REPLICAS = 5
#: kube-proxy's modes in the order the chapters show them.
PROXY_MODES = tuple(_REGISTERED_MODES)


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


def percent(x: Fraction | float) -> str:
    """A share as the chapters print it: whole percents when exact (to 1e-6), else one decimal.

    >>> percent(Fraction(1, 4)), percent(Fraction(1, 3))
    ('25%', '33.3%')
    """
    v = float(x) * 100
    return f"{v:.0f}%" if abs(v - round(v)) < 1e-6 else f"{v:.1f}%"


def pod_name(pod: str | None) -> str:
    """The name part of a Pod's ``namespace/name`` key.

    >>> pod_name("default/web-0")
    'web-0'
    """
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
    return entries_for_world(world_for(cluster, mode), service, client, namespace, port)


def entries_for_world(
    world: Any, service: str, client: str = CLIENT_IP, namespace: str = "default", port: int | None = None
) -> list[EntryResult]:
    """:func:`nodeport_entries` on a :class:`~k8snet.sim.trace.World` (objects given directly)."""
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
    """A plain-text table of :func:`nodeport_entries`: per entry node, where the connection ends, in the reader's
    language (:mod:`k8snet.i18n`); names, addresses, shares and the drop's reason (the verdict and the comment
    of the rule that dropped it, as kube-proxy writes it) are printed as they are. Code that needs the facts
    reads the :class:`EntryResult` objects.

    >>> e = EntryResult("n1", "192.168.0.2", 30000, "DROP", "DROP: no local endpoints", dropped=Fraction(1))
    >>> print(nodeport_text([e]))
    client -> n1 192.168.0.2:30000
      dropped 100%  (DROP: no local endpoints)
    """
    lines = []
    for e in entries:
        lines.append(_("client -> {node} {address}").format(node=e.node, address=f"{e.node_ip}:{e.port}"))
        for pod, share in e.shares.items():
            seen = ", ".join(e.sources.get(pod, [])) or "-"
            lines.append(
                f"  {percent(share):>6}  "
                + _("pod {pod} on {node}, sees source {source}").format(
                    pod=pod_name(pod), node=e.pod_nodes.get(pod, "?"), source=seen
                )
            )
        if e.dropped:
            lines.append(
                "  " + _("dropped {share}  ({reason})").format(share=percent(e.dropped), reason=e.reason)
            )
    return "\n".join(lines)


# --- LoadBalancer: what_if for the chapters' placements -----------------------------------------------------------


def lb_what_if(
    policy: str = "Cluster",
    replicas: int = 3,
    placement: str = "spread",
    provider: str = "generic",
    mode: str = "iptables",
) -> WhatIf:
    """:func:`k8snet.sim.whatif.what_if` for ``replicas`` Pods ``web-0``... on a named placement.

    :data:`MAX_REPLICAS` Pods are placed and Pods ``replicas..4`` are made not ready; the returned
    :class:`~k8snet.sim.whatif.WhatIf` lists only the ready ones. That is exactly the traffic of ``replicas``
    Pods: a not-ready Pod stays in the EndpointSlice with ``ready: false``, kube-proxy writes no endpoint for
    it, the ``healthCheckNodePort`` does not count it and MetalLB does not announce for it. One cluster per
    placement then serves every replica count (building a cluster costs about 0.2 s).

    >>> w = lb_what_if("Local", 3, "spread")
    >>> {p: str(s) for p, s in w.per_pod.items()}
    {'web-0': '1/4', 'web-1': '1/2', 'web-2': '1/4'}
    """
    if not 1 <= replicas <= MAX_REPLICAS:
        raise K8snetError(f"replicas must be 1..{MAX_REPLICAS}, not {replicas}")
    ready = [i < replicas for i in range(MAX_REPLICAS)]
    w = what_if(
        replicas=MAX_REPLICAS,
        placement=placement_nodes(placement, MAX_REPLICAS),
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


def cluster_what_if(
    cluster: Any, service: str, namespace: str = "default", client: str = CLIENT_IP, mode: str = "iptables"
) -> WhatIf:
    """The :class:`~k8snet.sim.whatif.WhatIf` of a provisioned LoadBalancer Service of ``cluster``:
    :func:`k8snet.sim.whatif.external_trace` with the Pods the Service selects and every node.

    >>> from k8snet.controllers.cloud import GenericCloud
    >>> from k8snet.controllers.servicelb import install
    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster()
    >>> _ = install(c, GenericCloud())
    >>> _ = c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "labels": {"app": "web"}},
    ...              "spec": {"nodeName": "kind-worker", "containers": [{"name": "web", "image": "nginx"}]}})
    >>> _ = c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
    ...              "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
    >>> {p: str(s) for p, s in cluster_what_if(c, "web").per_pod.items()}
    {'web-0': '1'}
    """
    svc = cluster.get("Service", service, namespace)
    t = external_trace(cluster, service, client=client, namespace=namespace, mode=mode)
    selector = (svc.spec.selector or {}) if svc.spec else {}
    pods = cluster.pods(namespace, selector) if selector else []
    pod_nodes = {p.metadata.name: p.spec.nodeName for p in pods if p.spec and p.spec.nodeName}
    ready = {p.metadata.name: p.is_ready() for p in pods}
    params = {"external_traffic_policy": svc.spec.externalTrafficPolicy}
    return WhatIf(params, t, pod_nodes, ready, sorted(n.metadata.name for n in cluster.nodes()))


@dataclass(frozen=True)
class HealthCheckResult:
    """What one node answers a load balancer's health check: ``status`` is ``None`` when nothing listens on
    the port (connection refused); ``weight`` is the ``X-Load-Balancing-Endpoint-Weight`` header (the number
    of local ready endpoints), ``None`` when the answer has none."""

    node: str
    url: str
    status: int | None
    weight: str | None = None


def health_check_results(cluster: Any, service: str, namespace: str = "default") -> list[HealthCheckResult]:
    """What a load balancer's health checker gets from every node for ``service``, in node-name order.

    For ``externalTrafficPolicy: Local`` it probes ``http://NodeIP:healthCheckNodePort/healthz`` (kube-proxy's
    per-Service health server, ``pkg/proxy/healthcheck/service_health.go``: 200 with the number of local ready
    endpoints, or 503); for ``Cluster`` it probes kube-proxy's own ``:10256/healthz``.

    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> _ = c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
    ...              "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
    >>> health_check_results(c, "web")
    [HealthCheckResult(node='minikube', url='http://192.168.49.2:10256/healthz', status=200, weight=None)]
    """
    svc = cluster.get("Service", service, namespace)
    port = svc.spec.healthCheckNodePort or HEALTHZ_PORT
    servers = node_health_servers(
        cluster.nodes(), cluster.services(), cluster.endpoint_slices(), now=cluster.clock.now
    )
    out = []
    for node in sorted(servers):
        r = probe(servers[node], port)
        url = f"http://{cluster.node_ip(node)}:{port}/healthz"
        if r is None:
            out.append(HealthCheckResult(node, url, None))
        else:
            out.append(
                HealthCheckResult(node, url, r.status, r.headers.get("X-Load-Balancing-Endpoint-Weight"))
            )
    return out


def health_checks(cluster: Any, service: str, namespace: str = "default") -> str:
    """:func:`health_check_results` as text, one request per line: the URL, the status code and the weight
    header as HTTP has them, the words around them in the reader's language.

    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> _ = c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
    ...              "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
    >>> print(health_checks(c, "web"))
    GET http://192.168.49.2:10256/healthz     200   (minikube)
    """
    lines = []
    for r in health_check_results(cluster, service, namespace):
        if r.status is None:
            lines.append(f"GET {r.url:<36} " + _("connection refused"))
            continue
        extra = f"  X-Load-Balancing-Endpoint-Weight: {r.weight}" if r.weight is not None else ""
        lines.append(f"GET {r.url:<36} {r.status}{extra}   " + _("({node})").format(node=r.node))
    return "\n".join(lines)


def kube_proxy_probe(cluster: Any, node: str, path: str = "/healthz") -> Any:
    """``GET http://<node IP>:10256<path>`` on ``node``'s kube-proxy: the
    :class:`~k8snet.proxy.healthcheck.HTTPResponse` (status, headers, body), as synced to the cluster now."""
    servers = node_health_servers(
        cluster.nodes(), cluster.services(), cluster.endpoint_slices(), now=cluster.clock.now
    )
    if node not in servers:
        raise K8snetError(f"no node {node!r} in the cluster")
    return probe(servers[node], HEALTHZ_PORT, path)


@dataclass(frozen=True)
class KubeProxyHealth:
    """One node's kube-proxy health server (port 10256): the status codes of ``/healthz`` and ``/livez`` and
    the ``nodeEligible`` field of the ``/healthz`` body."""

    node: str
    healthz: int
    livez: int
    node_eligible: bool


def kube_proxy_health_rows(cluster: Any) -> list[KubeProxyHealth]:
    """kube-proxy's node-wide health server on every node, in node-name order (what :func:`kube_proxy_health`
    prints).

    >>> from k8snet.sim.cluster import Cluster
    >>> kube_proxy_health_rows(Cluster(preset="minikube"))
    [KubeProxyHealth(node='minikube', healthz=200, livez=200, node_eligible=True)]
    """
    rows = []
    for node in sorted(n.metadata.name for n in cluster.nodes()):
        healthz = kube_proxy_probe(cluster, node, "/healthz")
        livez = kube_proxy_probe(cluster, node, "/livez")
        rows.append(KubeProxyHealth(node, healthz.status, livez.status, bool(healthz.json()["nodeEligible"])))
    return rows


def kube_proxy_health(cluster: Any) -> str:
    """kube-proxy's node-wide health server (port 10256) on every node: the status of ``/healthz`` (what a load
    balancer checks for ``externalTrafficPolicy: Cluster``; 503 once the node is being deleted or carries the
    cluster autoscaler's ``ToBeDeletedByClusterAutoscaler`` taint), of ``/livez`` (kube-proxy's own liveness,
    which ignores the node's state), and the ``nodeEligible`` field of the ``/healthz`` body
    (``pkg/proxy/healthcheck/proxy_health.go``). The first column's heading is in the reader's language; the
    others are HTTP paths and a field name.

    >>> from k8snet.sim.cluster import Cluster
    >>> print(kube_proxy_health(Cluster(preset="minikube")))
    NODE       /healthz   /livez   nodeEligible
    minikube   200        200      true
    """
    rows = [[_("NODE"), "/healthz", "/livez", "nodeEligible"]]
    for h in kube_proxy_health_rows(cluster):
        rows.append([h.node, str(h.healthz), str(h.livez), str(h.node_eligible).lower()])
    widths = [max(display_width(r[i]) for r in rows) + 3 for i in range(3)]
    return "\n".join("".join(ljust(c, w) for c, w in zip(r[:-1], widths, strict=True)) + r[-1] for r in rows)


# --- kube-proxy: rules per mode -------------------------------------------------------------------------------------


def rules_excerpt(
    cluster: Any,
    service: str,
    mode: str,
    node: str | None = None,
    namespace: str = "default",
    family: str | None = None,
) -> str:
    """What ``node``'s kube-proxy programs for ``service`` in ``mode``: the Service's own rules, in the
    tool's own format (those of the node's ``family`` proxier; default: the cluster's primary family).

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
    return world.proxy_mode.service_rules(world.rules(node, family), svc)


def rules_by_family(
    cluster: Any, service: str, mode: str, node: str | None = None, namespace: str = "default"
) -> dict[str, str]:
    """:func:`rules_excerpt` for each IP family of ``service`` (``spec.ipFamilies``, in order): a dual-stack
    Service's IPv4 rules (``iptables``, ``ip kube-proxy``) and IPv6 rules (``ip6tables``, ``ip6 kube-proxy``),
    side by side, as the node's two proxiers write them (:mod:`k8snet.proxy.metaproxier`).

    >>> from k8snet.sim.cluster import Cluster
    >>> rules = rules_by_family(Cluster(preset="minikube"), "kube-dns", "nftables", namespace="kube-system")
    >>> list(rules), [line for line in rules["IPv4"].splitlines() if "service-ips" in line][0]
    (['IPv4'], 'add element ip kube-proxy service-ips { 10.96.0.10 . udp . 53 : goto service-FY5PMXPG-kube-system/kube-dns/udp/dns }')
    """
    from k8snet.sim.trace import ip_family_of

    svc = cluster.get("Service", service, namespace)
    families = list(svc.spec.ipFamilies or []) or [ip_family_of(svc.spec.clusterIP or "")]
    return {f: rules_excerpt(cluster, service, mode, node, namespace, f) for f in families}


def source_range_rules(
    cluster: Any, service: str, mode: str, node: str | None = None, namespace: str = "default"
) -> str:
    """What ``node``'s kube-proxy programs in ``mode`` to enforce the Service's ``loadBalancerSourceRanges`` on
    traffic to its load-balancer IP (kube-proxy writes them only when the Service has a load-balancer IP of
    ``ipMode: VIP`` and endpoints; NodePorts are never filtered):

    * ``iptables``: the ``KUBE-FW-`` chain (``nat``: allowed sources jump on to ``KUBE-EXT-``) and the
      ``KUBE-PROXY-FIREWALL`` rule (``filter``) that drops the rest (``pkg/proxy/iptables/proxier.go``);
    * ``nftables``: the ``firewall-ips`` map element for the load-balancer IP and port, and the Service's
      ``firewall-`` chain, which drops other sources before DNAT (``pkg/proxy/nftables/proxier.go``);
    * ``ipvs``: the ipsets ``KUBE-LOAD-BALANCER-FW`` (IP and port) and ``KUBE-LOAD-BALANCER-SOURCE-CIDR``
      (IP, port and allowed range) as ``ipset list`` shows them, and the ``filter`` rules that use them
      (``pkg/proxy/ipvs/proxier.go``).
    """
    from k8snet.rules.ipvs import ipset_list

    svc = cluster.get("Service", service, namespace)
    world = world_for(cluster, mode)
    node = node or world.nodes[-1].metadata.name
    rules = world.rules(node)
    key = f"{namespace}/{service}"
    if mode == "iptables":
        nat = [line for line in world.proxy_mode.service_rules(rules, svc).splitlines() if "KUBE-FW-" in line]
        filt, table = [], ""
        for line in rules.splitlines():
            if line.startswith("*"):
                table = line[1:]
            if table == "filter" and line.startswith("-A KUBE-PROXY-FIREWALL") and f'"{key} ' in line:
                filt.append(line)
        return "\n".join(["*nat", *nat, "*filter", *filt])
    if mode == "nftables":
        return "\n".join(
            line for line in world.proxy_mode.service_rules(rules, svc).splitlines() if "firewall" in line
        )
    if mode == "ipvs":
        sets = ipset_list(rules, ["KUBE-LOAD-BALANCER-FW", "KUBE-LOAD-BALANCER-SOURCE-CIDR"])
        filt = [
            line
            for line in rules.iptables.splitlines()
            if line.startswith("-A ") and ("SOURCE-RANGES-FIREWALL" in line or "LOAD-BALANCER-FW" in line)
        ]
        return sets + "\n" + "\n".join(filt)
    raise K8snetError(f"unknown proxy mode {mode!r}")


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
    world = world_for(cluster, mode)
    ns, _, name = source.rpartition("/")
    pod = cluster.get("Pod", name, ns or "default")
    dst_ip, dst_port, _, protocol = parse_destination(world, destination, None)
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
