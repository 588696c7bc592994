"""External traffic end to end, and a fast what-if API for the book's sliders.

:func:`external_trace` follows new connections from a client outside the cluster to a LoadBalancer Service:

1. client → load balancer: the provider's firewall applies ``loadBalancerSourceRanges``;
2. load balancer → node: each node gets the share the provider gives it
   (:meth:`~k8snet.controllers.cloud.LoadBalancerProvider.backends`: health checks against kube-proxy's
   health servers, MetalLB's single announcing node, ...), with the provider's rewriting (a NodePort-target
   balancer sends to ``NodeIP:nodePort``; a passthrough or MetalLB address arrives unchanged; a proxying
   balancer opens a new connection from its own address);
3. node → pod: the node's kube-proxy rules, *executed* by :func:`k8snet.sim.trace.trace_world` (DNAT,
   masquerade, the hop to another node, ``externalTrafficPolicy: Local`` drops), with every endpoint's exact
   probability.

The probability of a path is the product of the balancer's share and kube-proxy's; a pod's share is the sum
over paths. :func:`what_if` builds a small cluster once per (replicas, placement, nodes, provider) and patches
copies of the Service and EndpointSlices between calls, so a slider move costs a few milliseconds plus drawing.

Example
-------
>>> w = what_if(replicas=3, placement=["kind-worker", "kind-worker", "kind-worker2"],
...             external_traffic_policy="Local")
>>> {p: str(s) for p, s in w.per_pod.items()}
{'web-0': '1/4', 'web-1': '1/4', 'web-2': '1/2'}
>>> w.sources_seen["web-2"]
['198.51.100.7']
>>> c = what_if(replicas=3, placement=["kind-worker", "kind-worker", "kind-worker2"])
>>> {p: round(float(s), 6) for p, s in c.per_pod.items()}, sorted(set(sum(c.sources_seen.values(), [])))
({'web-0': 0.333333, 'web-1': 0.333333, 'web-2': 0.333333}, ['172.18.0.3', '172.18.0.4'])

Shares are exact products of the rules' probabilities: iptables writes ``--probability 0.3333333333`` (ten
decimals), so "a third" is ``3333333333/10000000000``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from k8snet.errors import K8snetError
from k8snet.i18n import N_, Message, _, translate

__all__ = [
    "Path",
    "ExternalTrace",
    "external_trace",
    "external_trace_world",
    "simulate_lb",
    "WhatIf",
    "what_if",
    "CLIENT_IP",
]

#: The default external client (TEST-NET-2, a documentation address).
CLIENT_IP = "198.51.100.7"


@dataclass
class Path:
    """One way a new connection can go: via ``node`` (the balancer's share ``lb_share``) to ``pod``."""

    node: str | None
    lb_share: Fraction
    probability: Fraction
    verdict: str
    reason: str = ""
    pod: str | None = None
    pod_node: str | None = None
    endpoint: str | None = None
    source_seen: str | None = None
    hops: list[str] = field(default_factory=list)


@dataclass
class ExternalTrace:
    """The result of :func:`external_trace`."""

    client: str
    service: str
    port: int
    protocol: str
    provider: str
    lb_address: str | None
    ip_mode: str | None
    backends: list[Any]
    paths: list[Path]

    @property
    def per_pod(self) -> dict[str, Fraction]:
        """Share of new connections per pod (``namespace/name``), in name order."""
        out: dict[str, Fraction] = {}
        for p in self.paths:
            if p.verdict == "delivered" and p.pod:
                out[p.pod] = out.get(p.pod, Fraction(0)) + p.probability
        return dict(sorted(out.items()))

    @property
    def per_node(self) -> dict[str, Fraction]:
        """Share of new connections the balancer sends to each node."""
        return {b.node: b.share for b in self.backends}

    @property
    def dropped(self) -> Fraction:
        return sum((p.probability for p in self.paths if p.verdict != "delivered"), Fraction(0))

    @property
    def sources_seen(self) -> dict[str, list[str]]:
        """The source addresses each pod sees."""
        out: dict[str, set[str]] = {}
        for p in self.paths:
            if p.verdict == "delivered" and p.pod and p.source_seen:
                out.setdefault(p.pod, set()).add(p.source_seen)
        return {k: sorted(v) for k, v in sorted(out.items())}

    def text(self) -> str:
        """A readable report of every path: the model's words in the reader's language; the health checks'
        HTTP lines, the executor's effects (``DNAT to ...``), kube-proxy's comments, names and addresses as
        they are.

        >>> from k8snet.i18n import set_language
        >>> w = what_if(replicas=1, placement=["kind-worker"], external_traffic_policy="Local")
        >>> print(w.trace.text().splitlines()[0])
        TCP 198.51.100.7 -> default/web via generic load balancer 203.0.113.1:80 (ipMode VIP)
        >>> set_language("zh_CN"); print(w.trace.text().splitlines()[0]); set_language(None)
        TCP 198.51.100.7 -> default/web，经 generic 负载均衡器 203.0.113.1:80（ipMode VIP）
        """
        head = _("{protocol} {client} -> {service} via {provider} load balancer {address}:{port}").format(
            protocol=self.protocol,
            client=self.client,
            service=self.service,
            provider=self.provider,
            address=self.lb_address or "<pending>",
            port=self.port,
        )
        if self.ip_mode:
            head += _(" (ipMode {ip_mode})").format(ip_mode=self.ip_mode)
        lines = [head]
        for b in self.backends:
            lines.append(
                _("  node {node:<20} share {share:>5}  {check}").format(
                    node=b.node, share=str(b.share), check=translate(b.check)
                )
            )
        for p in self.paths:
            if p.pod:
                where = _("pod {pod} on {node}").format(pod=p.pod, node=p.pod_node)
            elif p.reason:
                where = translate(p.reason)
            else:
                where = translate(_VERDICT_WORDS.get(p.verdict, p.verdict))
            line = f"{float(p.probability):7.2%}  {where}"
            if p.source_seen:
                line += _("  (sees {source})").format(source=p.source_seen)
            lines.append(line)
            for h in p.hops:
                lines.append(f"           {translate(h)}")
        return "\n".join(lines)


#: Verdicts that are the model's words (``DROP`` and ``REJECT`` are iptables' and stay as printed).
_VERDICT_WORDS = {"no route": Message(N_("no route")), "delivered": Message(N_("delivered"))}


def _hop_summary(outcome: Any) -> list[str]:
    out: list[str] = []
    for s in outcome.steps:
        e = s.effect
        if s.hook in ("route", "deliver"):
            # the model's routing sentence (translated where shown); a rule's effect is the executor's notation
            out.append(Message(N_("[{node}] {effect}"), node=s.node, effect=e))
        elif e.startswith(("DNAT", "SNAT", "MASQUERADE", "DROP", "REJECT")):
            out.append(f"[{s.node}] {e}")
    return out


def _services_key(svc: Any) -> str:
    return f"{svc.metadata.namespace or 'default'}/{svc.metadata.name}"


def external_trace(
    cluster: Any,
    service: str,
    client: str = CLIENT_IP,
    port: int | None = None,
    protocol: str = "TCP",
    mode: str = "iptables",
    namespace: str = "default",
    provider: Any = None,
    settings: Any = None,
) -> ExternalTrace:
    """Every path of a new connection from ``client`` to the load balancer of ``service``.

    Parameters
    ----------
    cluster : Cluster
        With a load-balancer controller installed (:func:`k8snet.controllers.servicelb.install`).
    service : str
        The Service name (in ``namespace``).
    client : str
        The client's IP address (outside the cluster).
    port : int, optional
        The Service port (default: the first port of ``protocol``).
    provider : LoadBalancerProvider, optional
        Default ``cluster.cloud_provider``.

    Raises
    ------
    K8snetError
        If the Service has no load balancer (``EXTERNAL-IP <pending>``).

    Example
    -------
    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> _ = c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
    ...     "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
    >>> external_trace(c, "web")
    Traceback (most recent call last):
    ...
    k8snet.errors.K8snetError: service default/web has no load balancer (EXTERNAL-IP <pending>): no controller provisions it
    """
    from k8snet.sim.trace import world_for

    provider = provider if provider is not None else cluster.cloud_provider
    svc = cluster.get("Service", service, namespace)
    world = world_for(cluster, mode, settings)
    return external_trace_world(world, svc, provider, client, port, protocol, now=cluster.clock.now)


def external_trace_world(
    world: Any,
    svc: Any,
    provider: Any,
    client: str = CLIENT_IP,
    port: int | None = None,
    protocol: str = "TCP",
    now: Any = None,
) -> ExternalTrace:
    """:func:`external_trace` on a :class:`~k8snet.sim.trace.World` holding ``svc``."""
    from k8snet.proxy.healthcheck import health_probe
    from k8snet.sim.trace import trace_world

    key = _services_key(svc)
    namespace = svc.metadata.namespace or "default"
    ingress = (svc.status.loadBalancer.ingress if svc.status and svc.status.loadBalancer else None) or []
    if provider is None or not ingress or not hasattr(provider, "backends"):
        raise K8snetError(
            f"service {key} has no load balancer (EXTERNAL-IP <pending>): no controller "
            "provisions it" + ("" if provider is None else " yet")
        )
    protocol = protocol.upper()
    ports = [p for p in svc.spec.ports or [] if (p.protocol or "TCP") == protocol]
    if port is not None:
        ports = [p for p in ports if p.port == port]
    if not ports:
        raise K8snetError(f"service {key} has no {protocol} port {port}")
    port = ports[0].port
    lb_address = ingress[0].ip or ingress[0].hostname
    b = provider.balancer_for_ip(ingress[0].ip) if ingress[0].ip else None
    result = ExternalTrace(client, key, port, protocol, provider.name, lb_address, ingress[0].ipMode, [], [])
    if b is not None and not provider.allows(b, client):
        result.paths.append(
            Path(
                None,
                Fraction(0),
                Fraction(1),
                "DROP",
                Message(
                    N_("blocked by the load balancer's firewall (client not in loadBalancerSourceRanges)")
                ),
                hops=[
                    Message(
                        N_("client {client} -> LB {address}:{port}: not allowed"),
                        client=client,
                        address=lb_address,
                        port=port,
                    )
                ],
            )
        )
        return result
    # the balancer's health checks are answered by each node's kube-proxy, as synced to this world
    probe = health_probe(world.nodes, world.services, world.endpoint_slices, now=now)
    backends = provider.backends(svc, port, protocol, world.nodes, world.endpoint_slices, probe)
    result.backends = backends
    live = [bk for bk in backends if bk.share > 0]
    if not live:
        result.paths.append(
            Path(
                None,
                Fraction(0),
                Fraction(1),
                "DROP",
                Message(N_("no healthy backend: the load balancer has nowhere to send the connection")),
                hops=[
                    Message(
                        N_("client {client} -> LB {address}:{port}: every health check fails"),
                        client=client,
                        address=lb_address,
                        port=port,
                    )
                ],
            )
        )
        return result
    for bk in live:
        src = bk.src_ip or client
        rewrite = (
            Message(N_("source kept"))
            if bk.src_ip is None
            else Message(N_("new connection from {source}"), source=bk.src_ip)
        )
        first: list[str] = [
            Message(
                N_("client {client} -> LB {address}:{port}"), client=client, address=lb_address, port=port
            ),
            Message(
                N_("LB -> {node} as {address}:{port} ({rewrite})"),
                node=bk.node,
                address=bk.dst_ip,
                port=bk.dst_port,
                rewrite=rewrite,
            ),
        ]
        t = trace_world(world, src, f"{bk.dst_ip}:{bk.dst_port}", protocol, entry_node=bk.node)
        for o in t.outcomes:
            pod = o.pod.split("/", 1)[1] if o.pod and o.pod.startswith(f"{namespace}/") else o.pod
            pod_node = o.node if o.pod else None
            result.paths.append(
                Path(
                    bk.node,
                    bk.share,
                    bk.share * o.probability,
                    o.verdict,
                    o.reason,
                    pod,
                    pod_node,
                    o.endpoint,
                    o.source_seen if o.verdict == "delivered" else None,
                    first + _hop_summary(o),
                )
            )
    return result


def simulate_lb(
    cluster: Any,
    service: str,
    clients: Any = 100,
    connections: int = 10_000,
    seed: int = 0,
    namespace: str = "default",
    port: int | None = None,
    protocol: str = "TCP",
    mode: str = "iptables",
    duration: float = 3600.0,
    provider: Any = None,
    settings: Any = None,
) -> Any:
    """Many connections from many external clients through the Service's load balancer
    (:func:`k8snet.sim.simulate.simulate_world` with the balancer's per-node shares as entry weights).

    Session affinity runs in each node's kernel state, so behind a balancer that spreads one client over several
    nodes the client is sticky *per node* (:attr:`SimulationResult.stickiness` stays 1.0, yet
    ``repeat_same_endpoint`` drops). A proxying balancer (``ipMode: Proxy``) connects from its own address, so all
    clients collapse into that one address as far as the nodes can tell.

    Returns
    -------
    SimulationResult
        ``drops`` includes ``"no healthy backend"`` when the balancer has nowhere to send a connection.
    """
    from k8snet.sim.simulate import SimulationResult, simulate_world
    from k8snet.sim.trace import world_for

    provider = provider if provider is not None else cluster.cloud_provider
    first = external_trace(
        cluster,
        service,
        port=port,
        protocol=protocol,
        mode=mode,
        namespace=namespace,
        provider=provider,
        settings=settings,
    )
    live = [b for b in first.backends if b.share > 0]
    if not live:
        return SimulationResult(
            first.service,
            mode,
            connections,
            0,
            {},
            {},
            {},
            {},
            0.0,
            {Message(N_("no healthy backend")): connections},
            {},
        )
    spread = {b.node: float(b.share) for b in live}
    dst = f"{live[0].dst_ip}:{live[0].dst_port}"
    if live[0].src_ip is not None:  # the balancer connects from its own address
        clients = [live[0].src_ip]
    world = world_for(cluster, mode, settings)
    return simulate_world(world, clients, dst, connections, seed, protocol, spread, duration)


# --- what-if ----------------------------------------------------------------------------------------------------


@dataclass
class WhatIf:
    """The answer of :func:`what_if`: shares as exact fractions (``float()`` them for display).

    :func:`k8snet.views.flow.whatif_diagram` draws it; a notebook that imports :mod:`k8snet.views` shows it
    as that diagram."""

    params: dict[str, Any]
    trace: ExternalTrace
    pod_nodes: dict[str, str]
    pod_ready: dict[str, bool]
    nodes: list[str]

    @property
    def per_pod(self) -> dict[str, Fraction]:
        """Every pod (also those getting nothing) with its share of new connections."""
        got = self.trace.per_pod
        return {p: got.get(p, Fraction(0)) for p in self.pod_nodes}

    @property
    def per_node(self) -> dict[str, Fraction]:
        """The balancer's share per node (nodes it never sends to get 0)."""
        got = self.trace.per_node
        return {n: got.get(n, Fraction(0)) for n in self.nodes}

    @property
    def dropped(self) -> Fraction:
        return self.trace.dropped

    @property
    def sources_seen(self) -> dict[str, list[str]]:
        return self.trace.sources_seen

    @property
    def client_ip_preserved(self) -> bool:
        """Every pod that gets traffic sees the client's own address."""
        seen = self.sources_seen
        return bool(seen) and all(s == [self.trace.client] for s in seen.values())

    def summary(self) -> str:
        """Each node's and each pod's share, the source address each pod sees, and what is dropped, in the
        reader's language.

        >>> from k8snet.i18n import set_language
        >>> w = what_if(replicas=1, placement=["kind-worker"], external_traffic_policy="Local")
        >>> print(w.summary().splitlines()[-1])
          pod  web-0      on kind-worker      100.0%  sees 198.51.100.7
        >>> set_language("zh_CN"); print(w.summary().splitlines()[-1]); set_language(None)
          Pod  web-0      位于 kind-worker      100.0%  看到源地址 198.51.100.7
        """
        lines = [
            _("{provider} LB {address}, externalTrafficPolicy {policy}").format(
                provider=self.trace.provider,
                address=self.trace.lb_address,
                policy=self.params["external_traffic_policy"],
            )
        ]
        for n, s in self.per_node.items():
            lines.append(_("  node {node:<20} {share:6.1%}").format(node=n, share=float(s)))
        for p, s in self.per_pod.items():
            seen = ", ".join(self.sources_seen.get(p, [])) or "-"
            lines.append(
                _("  pod  {pod:<10} on {node:<14} {share:6.1%}  sees {source}").format(
                    pod=p, node=self.pod_nodes[p], share=float(s), source=seen
                )
            )
        if self.dropped:
            lines.append(_("  dropped {share:6.1%}").format(share=float(self.dropped)))
        return "\n".join(lines)


class _Base:
    """A cluster with the ``web`` LoadBalancer Service and its pods, built once per shape.

    The cluster's controllers run once for each variant a slider can produce (the Service with
    ``externalTrafficPolicy: Local`` and its allocated ``healthCheckNodePort``, the EndpointSlice conditions of
    a not-ready pod); a call then only copies those objects, so it never waits for a reconcile.
    """

    def __init__(
        self, replicas: int, placement: tuple[str, ...] | None, nodes: int, provider: str, seed: int
    ):
        from k8snet.controllers.cloud import PROVIDERS
        from k8snet.controllers.servicelb import install
        from k8snet.sim.cluster import Cluster

        if provider not in PROVIDERS:
            raise K8snetError(f"unknown provider {provider!r}; choose one of {', '.join(sorted(PROVIDERS))}")
        c = self.cluster = Cluster(nodes=nodes, seed=seed)
        self.provider = PROVIDERS[provider]()
        install(c, self.provider)
        node_names = [n.metadata.name for n in c.nodes()]
        if placement is not None:
            if len(placement) != replicas:
                raise K8snetError(f"placement names {len(placement)} nodes for {replicas} replicas")
            unknown = sorted(set(placement) - set(node_names))
            if unknown:
                raise K8snetError(f'nodes "{unknown[0]}" not found')
        docs: list[dict[str, Any]] = [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web"},
                "spec": {
                    "type": "LoadBalancer",
                    "selector": {"app": "web"},
                    "ports": [{"name": "http", "port": 80, "targetPort": 8080}],
                },
            }
        ]
        for i in range(replicas):
            spec: dict[str, Any] = {
                "containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 8080}]}]
            }
            if placement is not None:
                spec["nodeName"] = placement[i]
            docs.append(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"web-{i}", "labels": {"app": "web"}},
                    "spec": spec,
                }
            )
        c.apply(docs)
        self.nodes = node_names
        self.node_objs = c.nodes()
        self.pods = c.pods(None)
        self.pod_nodes = {p.metadata.name: p.spec.nodeName for p in c.pods("default")}
        self.pod_ips = {p.metadata.name: p.status.podIP for p in c.pods("default")}
        self.slices = c.endpoint_slices(None)
        self.others = [
            s for s in c.services(None) if s.metadata.name != "web" or s.metadata.namespace != "default"
        ]
        self.svc = {"Cluster": c.get("Service", "web")}
        self.unready = None
        if replicas:
            # the conditions the EndpointSlice controller writes for a pod that is not ready
            c.set_pod_ready("web-0", False)
            for es in c.endpoint_slices("default", "web"):
                for ep in es.endpoints or []:
                    if ep.targetRef is not None and ep.targetRef.name == "web-0":
                        self.unready = ep.conditions
            c.set_pod_ready("web-0", True)
        svc = c.get("Service", "web")
        svc.spec.externalTrafficPolicy = "Local"
        c.api.update(svc)
        c.reconcile()
        self.svc["Local"] = c.get("Service", "web")
        self.now = c.clock.now

    def world(
        self, etp: str, affinity: str, timeout: int, ready: dict[str, bool], mode: str
    ) -> tuple[Any, Any]:
        from k8snet.api.core_v1 import SessionAffinityConfig
        from k8snet.sim.trace import World

        svc = self.svc[etp].model_copy(deep=True)
        svc.spec.sessionAffinity = affinity
        svc.spec.sessionAffinityConfig = (
            SessionAffinityConfig.model_validate({"clientIP": {"timeoutSeconds": timeout}})
            if affinity == "ClientIP"
            else None
        )
        slices = self.slices
        not_ready = {self.pod_ips[p] for p, r in ready.items() if not r}
        if not_ready and self.unready is not None:
            slices = []
            for es in self.slices:
                if any(a in not_ready for ep in es.endpoints or [] for a in ep.addresses):
                    es = es.model_copy(deep=True)
                    for ep in es.endpoints or []:
                        if ep.addresses[0] in not_ready:
                            ep.conditions = self.unready.model_copy()
                slices.append(es)
        c = self.cluster
        world = World(
            self.node_objs,
            self.pods,
            self.others + [svc],
            slices,
            mode=mode,
            cluster_cidr=c.cluster_cidr,
            service_cidrs=[c.service_cidr],
        )
        return world, svc


_BASES: OrderedDict[tuple, _Base] = OrderedDict()
_RESULTS: OrderedDict[tuple, WhatIf] = OrderedDict()
_MAX_BASES = 16
_MAX_RESULTS = 256


def _base(key: tuple) -> _Base:
    base = _BASES.get(key)
    if base is None:
        base = _Base(*key)
        _BASES[key] = base
        while len(_BASES) > _MAX_BASES:
            _BASES.popitem(last=False)
    else:
        _BASES.move_to_end(key)
    return base


def what_if(
    replicas: int = 3,
    placement: list[str] | None = None,
    external_traffic_policy: str = "Cluster",
    session_affinity: str = "None",
    affinity_timeout: int = 10800,
    provider: str = "generic",
    ready: list[bool] | dict[str, bool] | None = None,
    mode: str = "iptables",
    nodes: int = 3,
    seed: int = 0,
    client: str = CLIENT_IP,
) -> WhatIf:
    """Shares, drops and the source IPs pods see for one setting of the book's sliders.

    A kind-like cluster of ``nodes`` nodes runs ``replicas`` pods ``web-0``... (on ``placement``'s nodes, or
    where the scheduler puts them) behind the LoadBalancer Service ``web`` (port 80 → 8080) provisioned by
    ``provider`` (``"generic"``, ``"metallb"`` or ``"proxy"``, see :mod:`k8snet.controllers.cloud`). ``ready``
    gives each pod's readiness (a list in pod order or a dict by name). Results are cached per setting.

    Parameters
    ----------
    external_traffic_policy : {"Cluster", "Local"}
    session_affinity : {"None", "ClientIP"}
        Affinity does not change the shares of *new clients*; it pins each client, per node, to the pod its
        first connection reached (kube-proxy's ``recent`` state is per node).
    mode : {"iptables", "nftables", "ipvs"}
        kube-proxy's mode on every node.

    Returns
    -------
    WhatIf
    """
    if external_traffic_policy not in ("Cluster", "Local"):
        raise K8snetError(
            f'Unsupported value: "{external_traffic_policy}": supported values: "Cluster", "Local"'
        )
    if session_affinity not in ("None", "ClientIP"):
        raise K8snetError(f'Unsupported value: "{session_affinity}": supported values: "ClientIP", "None"')
    shape = (replicas, tuple(placement) if placement is not None else None, nodes, provider, seed)
    if isinstance(ready, dict):
        ready_map = {f"web-{i}": bool(ready.get(f"web-{i}", True)) for i in range(replicas)}
    else:
        flags = list(ready) if ready is not None else []
        ready_map = {f"web-{i}": bool(flags[i]) if i < len(flags) else True for i in range(replicas)}
    key = shape + (
        external_traffic_policy,
        session_affinity,
        affinity_timeout,
        tuple(sorted(ready_map.items())),
        mode,
        client,
    )
    cached = _RESULTS.get(key)
    if cached is not None:
        _RESULTS.move_to_end(key)
        return cached
    base = _base(shape)
    world, svc = base.world(external_traffic_policy, session_affinity, affinity_timeout, ready_map, mode)
    tr = external_trace_world(world, svc, base.provider, client, now=base.now)
    params = dict(
        replicas=replicas,
        placement=placement,
        external_traffic_policy=external_traffic_policy,
        session_affinity=session_affinity,
        affinity_timeout=affinity_timeout,
        provider=provider,
        ready=ready_map,
        mode=mode,
        nodes=nodes,
        seed=seed,
        client=client,
    )
    result = WhatIf(params, tr, dict(base.pod_nodes), dict(ready_map), list(base.nodes))
    _RESULTS[key] = result
    while len(_RESULTS) > _MAX_RESULTS:
        _RESULTS.popitem(last=False)
    return result
