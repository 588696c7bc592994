"""How the cost of a new connection grows with the number of Services, per proxy mode (KEP-3866's motivation),
a whole cluster at Kubernetes' published scalability thresholds (:func:`threshold_cluster`), and kube-proxy's
syncs on one of its nodes (:func:`proxy_sync_figures`, :func:`first_packet_rules`: the scale lab of the book's
kube-proxy chapter, whose figures ``benchmarks/scale_lab.py`` precomputes into ``k8snet/data/scale/``).

One source for the book's kube-proxy chapter and ``benchmarks/proxy_scaling.py``: ``n`` ClusterIP Services
``bench/svc00000``... (172.30.0.1..., port 80 → 8080), each with ``endpoints`` endpoints on another node, are
rendered for the node ``bench-node`` (192.168.0.2, ``--cluster-cidr 10.0.0.0/8``) by that mode's renderer, and a
pod's first packet is run through that mode's executor, which counts every rule the kernel would test
(``rules_evaluated``). iptables walks ``KUBE-SERVICES`` rule by rule, so the last Service costs about one rule
per Service; nftables looks the destination up in the ``service-ips`` verdict map and IPVS in its table of
virtual servers, one step whatever the number of Services.

Names are zero-padded because the renderers order Services by name: ``svc00000`` is first, the last index last.

>>> first, last = rules_traversed("iptables", 10)
>>> rules_traversed("iptables", 100)[1] - last
90
>>> rules_traversed("nftables", 10) == rules_traversed("nftables", 100)
True
"""

from __future__ import annotations

import ipaddress
from typing import Any

from k8snet.proxy.modes import PROXY_MODES

__all__ = [
    "THRESHOLDS",
    "NAMESPACE_THRESHOLDS",
    "threshold_namespaces",
    "node_proxier",
    "proxy_sync_figures",
    "first_packet_rules",
    "percentiles",
    "threshold_objects",
    "threshold_cluster",
    "scaling_objects",
    "scaling_world",
    "rules_traversed",
    "scaling_table",
    "POD_IP",
    "SERVICE_BASE",
]

SERVICE_BASE = ipaddress.ip_address("172.30.0.0")
POD_BASE = ipaddress.ip_address("10.128.0.0")
#: The client pod the packets come from (inside ``--cluster-cidr``, so not masqueraded).
POD_IP = "10.0.0.2"


def scaling_objects(n: int, endpoints: int = 1) -> tuple[list, list, Any]:
    """``(services, endpoint_slices, node)`` for ``n`` Services with ``endpoints`` endpoints each."""
    from k8snet.api.core_v1 import Node, Service
    from k8snet.api.discovery_v1 import EndpointSlice

    node = Node.model_validate(
        {
            "metadata": {"name": "bench-node"},
            "status": {"addresses": [{"type": "InternalIP", "address": "192.168.0.2"}]},
        }
    )
    services, slices = [], []
    for i in range(n):
        name = f"svc{i:05d}"
        services.append(
            Service.model_validate(
                {
                    "metadata": {"name": name, "namespace": "bench"},
                    "spec": {
                        "clusterIP": str(SERVICE_BASE + 1 + i),
                        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                    },
                }
            )
        )
        slices.append(
            EndpointSlice.model_validate(
                {
                    "metadata": {
                        "name": f"{name}-1",
                        "namespace": "bench",
                        "labels": {"kubernetes.io/service-name": name},
                    },
                    "addressType": "IPv4",
                    "endpoints": [
                        {"addresses": [str(POD_BASE + i * endpoints + j)], "nodeName": "other"}
                        for j in range(endpoints)
                    ],
                    "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                }
            )
        )
    return services, slices, node


def scaling_world(mode: str, n: int, endpoints: int = 1) -> Any:
    """The :class:`~k8snet.sim.trace.World` (rules and executors per node) for :func:`scaling_objects`."""
    from k8snet.sim.trace import World

    services, slices, node = scaling_objects(n, endpoints)
    return World(
        [node], [], services, slices, mode=mode, cluster_cidr="10.0.0.0/8", service_cidrs=["172.30.0.0/16"]
    )


def rules_traversed(mode: str, services: int, endpoints: int = 1) -> tuple[int, int]:
    """Rules tested for the first packet of a new connection from a pod to the *first* and to the *last* of
    ``services`` Services."""
    from k8snet.dataplane.packet import Packet

    host = scaling_world(mode, services, endpoints).host("bench-node")
    out = []
    for ip in (SERVICE_BASE + 1, SERVICE_BASE + services):
        results = host.enumerate(Packet(POD_IP, str(ip), dst_port=80, in_interface="veth0"), record=False)
        out.append(max(r.rules_evaluated for r in results))
    return out[0], out[1]


def scaling_table(
    sizes: tuple[int, ...] = (10, 100, 300, 1000), modes: tuple[str, ...] = tuple(PROXY_MODES)
) -> dict:
    """``{mode: [(services, rules for the first Service, rules for the last Service), ...]}``."""
    return {mode: [(n, *rules_traversed(mode, n)) for n in sizes] for mode in modes}


#: Kubernetes' published scalability thresholds: at most 5,000 nodes, 150,000 Pods and 110 Pods per node
#: (kubernetes.io "Considerations for large clusters", website ``content/en/docs/setup/best-practices/cluster-large.md``)
#: and 10,000 Services (kubernetes/community ``sig-scalability/configs-and-limits/thresholds.md``, scope=cluster).
THRESHOLDS = {"nodes": 5000, "pods": 150_000, "services": 10_000, "pods_per_node": 110}
#: The same table's thresholds for one namespace (scope=namespace): 3,000 Pods, 5,000 Services, 2,000 Deployments.
NAMESPACE_THRESHOLDS = {"pods": 3000, "services": 5000, "deployments": 2000}


def threshold_namespaces(services: int, replicas: int) -> int:
    """How many namespaces ``services`` Deployments of ``replicas`` Pods (and their Services) need to keep within
    :data:`NAMESPACE_THRESHOLDS`.

    >>> threshold_namespaces(10_000, 15), threshold_namespaces(6, 5)
    (50, 1)
    """
    import math

    limits = NAMESPACE_THRESHOLDS
    return max(
        1,
        math.ceil(services * replicas / limits["pods"]),
        math.ceil(services / limits["services"]),
        math.ceil(services / limits["deployments"]),
    )


def threshold_objects(services: int, replicas: int, namespaces: int | None = None) -> list:
    """``services`` Deployments ``app00000``... of ``replicas`` Pods each, and a ClusterIP Service of the same name
    selecting each (port 80 → 80), in that order, spread in blocks over ``namespaces`` namespaces (by default as
    few as :func:`threshold_namespaces` allows): ``default`` when one is enough, else ``apps-00``, ``apps-01``...,
    whose Namespace objects come first.

    >>> [o.kind + "/" + o.metadata.name for o in threshold_objects(2, 3)]
    ['Deployment/app00000', 'Service/app00000', 'Deployment/app00001', 'Service/app00001']
    >>> [f"{o.kind}/{o.metadata.namespace or ''}/{o.metadata.name}" for o in threshold_objects(2, 3, namespaces=2)]
    ['Namespace//apps-0', 'Namespace//apps-1', 'Deployment/apps-0/app00000', 'Service/apps-0/app00000', \
'Deployment/apps-1/app00001', 'Service/apps-1/app00001']
    """
    import math

    from k8snet.api.apps_v1 import Deployment
    from k8snet.api.core_v1 import Namespace, Service

    count = namespaces if namespaces is not None else threshold_namespaces(services, replicas)
    out: list = []
    if count == 1:
        names = ["default"]
    else:
        width = len(str(count - 1))
        names = [f"apps-{k:0{width}d}" for k in range(count)]
        out.extend(Namespace.model_validate({"metadata": {"name": ns}}) for ns in names)
    per_namespace = math.ceil(services / count)
    for i in range(services):
        name = f"app{i:05d}"
        ns = names[i // per_namespace]
        out.append(
            Deployment.model_validate(
                {
                    "metadata": {"name": name, "namespace": ns},
                    "spec": {
                        "replicas": replicas,
                        "selector": {"matchLabels": {"app": name}},
                        "template": {
                            "metadata": {"labels": {"app": name}},
                            "spec": {
                                "containers": [
                                    {"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}
                                ]
                            },
                        },
                    },
                }
            )
        )
        out.append(
            Service.model_validate(
                {
                    "metadata": {"name": name, "namespace": ns},
                    "spec": {"selector": {"app": name}, "ports": [{"port": 80}]},
                }
            )
        )
    return out


def threshold_cluster(
    nodes: int = THRESHOLDS["nodes"],
    services: int = THRESHOLDS["services"],
    replicas: int = THRESHOLDS["pods"] // THRESHOLDS["services"],
    batch: int = 500,
    seed: int = 0,
    progress: Any = None,
    namespaces: int | None = None,
) -> Any:
    """A :class:`~k8snet.sim.cluster.Cluster` at Kubernetes' scalability thresholds, built in memory: ``nodes``
    nodes (kind's layout: one control plane, the rest workers; ``--cluster-cidr 100.64.0.0/10`` so every node gets
    its /24), ``services`` Deployments of ``replicas`` Pods each and a ClusterIP Service selecting each
    (:func:`threshold_objects`): 5,000 nodes, 150,000 Pods and 10,000 Services by default, in 50 namespaces of
    3,000 Pods (the thresholds for one namespace, :data:`NAMESPACE_THRESHOLDS`; a small cluster keeps to
    ``default``; ``namespaces`` sets their number).

    Everything goes through the API server and the controllers, as ``kubectl create`` of ``batch`` objects at a
    time would: the Pods are scheduled (at most ``ceil(pods / workers)`` per node, 31 by default, under the 110
    Pods per node of :data:`THRESHOLDS`), get addresses and are ready; every Service has its EndpointSlice and
    Endpoints. ``progress(done, total)`` is called after each batch. ``benchmarks/control_plane.py`` reports the
    time and peak memory.

    >>> c = threshold_cluster(nodes=3, services=2, replicas=3)
    >>> len(c.nodes()), len(c.pods("default")), len(c.services("default"))
    (3, 6, 3)
    >>> sorted(len(sl.endpoints) for sl in c.endpoint_slices("default") if sl.endpoints)
    [1, 3, 3]
    """
    import math

    from k8snet.errors import ConfigError
    from k8snet.sim.cluster import Cluster

    workers = nodes - 1
    if workers < 1:
        raise ConfigError(f"threshold_cluster(nodes={nodes}): needs a control plane and at least one worker")
    per_node = math.ceil(services * replicas / workers)
    if per_node > THRESHOLDS["pods_per_node"]:
        raise ConfigError(
            f"threshold_cluster: {services * replicas} Pods on {workers} workers is {per_node} per node, over "
            f"the {THRESHOLDS['pods_per_node']} Pods per node a node allows"
        )
    cluster = Cluster(preset="kind", nodes=nodes, cluster_cidr="100.64.0.0/10", seed=seed)
    objs = threshold_objects(services, replicas, namespaces)
    for start in range(0, len(objs), batch):
        cluster.create(objs[start : start + batch])
        if not cluster.settled():  # a batch larger than one request's work budget: let the controllers finish
            cluster.reconcile(budget=math.inf)
        if progress is not None:
            progress(min(start + batch, len(objs)), len(objs))
    return cluster


# --- the scale lab: kube-proxy on one node -------------------------------------------------------------------------


class _DiscardingIPTables:
    """A kernel that takes whatever ``iptables-restore`` payload it is given and keeps nothing (so a sync's time is
    kube-proxy's own work; ``chain_names`` is empty, so no stale chain is ever found)."""

    version = 0

    def ensure_chain(self, *args: Any) -> bool:
        return True

    def ensure_rule(self, *args: Any) -> bool:
        return True

    def chain_names(self, table: str) -> set[str]:
        return set()

    def restore_all(self, text: str, noflush: bool = True) -> None:
        pass


class _DiscardingNFTables:
    """The same for ``nft -f``."""

    version = 0

    def run(self, text: str) -> None:
        pass

    def list(self, *args: Any) -> list[str]:
        return []


def node_proxier(mode: str, settings: Any, service_cidrs: list[str] | None = None) -> Any:
    """One node's kube-proxy in ``mode`` (its :class:`~k8snet.proxy.proxier.Proxier`), programming a kernel that
    keeps nothing: what it writes is in each :class:`~k8snet.proxy.proxier.SyncResult` (IPVS: in its ``state``).

    >>> from k8snet.proxy.config import ProxierSettings
    >>> type(node_proxier("nftables", ProxierSettings(hostname="n", node_ips=["192.168.0.2"]))).__name__
    'NftablesProxier'
    """
    from k8snet.proxy.modes import proxy_mode

    proxy_mode(mode)  # an unknown mode is refused with the usual error
    if mode == "iptables":
        from k8snet.proxy.iptables import IPTablesProxier

        return IPTablesProxier(settings, iptables=_DiscardingIPTables())
    if mode == "nftables":
        from k8snet.proxy.nftables import NftablesProxier

        return NftablesProxier(settings, service_cidrs, nftables=_DiscardingNFTables())
    from k8snet.proxy.ipvs import IPVSProxier

    return IPVSProxier(settings)


def _lines(text: str, *prefixes: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith(prefixes))


def proxy_sync_figures(
    mode: str,
    services: list[Any],
    endpoint_slices: list[Any],
    settings: Any,
    service_cidrs: list[str] | None = None,
    timer: Any = None,
    kernel: bool = False,
) -> dict[str, Any]:
    """What one node's kube-proxy writes, and (with ``timer``) how long it takes, for ``services`` and
    ``endpoint_slices`` fed to it as informer events:

    * ``first``: the first sync (full: everything is new);
    * ``full``: a full sync that works every Service port out again (iptables, nftables:
      ``forget_rendered`` + ``force_sync``, what upstream does on every full sync; IPVS: every sync);
    * ``partial``: the sync after one endpoint left the EndpointSlice in the middle of the list (KEP-3453's
      partial sync for iptables; nftables writes only the changed Service's chains and elements; IPVS has no
      partial syncs and recomputes its whole state).

    Counts: ``rules`` (iptables ``-A`` lines of the full payload; nftables ``add rule`` lines; IPVS: the
    ``-A`` lines of its iptables payload), ``elements`` (nftables map and set elements; IPVS virtual plus real
    servers), ``full_lines``/``partial_lines`` (lines of the payload handed to ``iptables-restore``/``nft -f``;
    for IPVS, of its iptables payload, its virtual servers go over netlink). ``timer`` is a seconds function
    (e.g. ``time.process_time``), read around each sync; k8snet itself reads no clock. With ``kernel`` (and a
    ``timer``), the full and then the partial payload are also applied to k8snet's model of the node's kernel
    (:class:`~k8snet.dataplane.netfilter.IPTables` ``restore_all``, :class:`~k8snet.dataplane.nft.NFTables`
    ``run``) and timed as ``kernel_full`` and ``kernel_partial``: the part of a sync that ``iptables-restore`` and
    ``nft`` do on a real node (not for IPVS, whose proxier sets virtual servers one by one over netlink).

    >>> from k8snet.proxy.config import ProxierSettings
    >>> services, slices, _ = scaling_objects(100, endpoints=2)
    >>> settings = ProxierSettings(hostname="bench-node", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8")
    >>> small = proxy_sync_figures("iptables", services[:10], slices[:10], settings)
    >>> large = proxy_sync_figures("iptables", services, slices, settings)
    >>> # per Service with two endpoints: its KUBE-SERVICES rule, a KUBE-SVC chain of three, two KUBE-SEP of two
    >>> large["rules"] - small["rules"], large["partial_lines"] - small["partial_lines"]
    (720, 90)
    >>> nft = [proxy_sync_figures("nftables", s, e, settings, ["172.30.0.0/16"])
    ...        for s, e in ((services[:10], slices[:10]), (services, slices))]
    >>> nft[1]["elements"] - nft[0]["elements"], nft[1]["partial_lines"] - nft[0]["partial_lines"]
    (180, 0)
    """
    proxier = node_proxier(mode, settings, service_cidrs)
    times: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        if timer is None:
            return fn()
        t0 = timer()
        out = fn()
        times[name] = timer() - t0
        return out

    for svc in services:
        proxier.on_service_add(svc)
    for es in endpoint_slices:
        proxier.on_endpointslice_add(es)
    first = timed("first", proxier.sync)
    if mode == "ipvs":
        full = timed("full", proxier.force_sync)
        state = proxier.state
        elements = len(state.virtual_servers) + sum(len(vs.real_servers) for vs in state.virtual_servers)
    else:
        proxier.forget_rendered()
        full = timed("full", proxier.force_sync)
        elements = _lines(full.payload, "add element ")
    # one endpoint leaves the middle EndpointSlice that has two or more
    slices_with_spare = [es for es in endpoint_slices if len(es.endpoints or []) > 1]
    partial = None
    if slices_with_spare:
        old = slices_with_spare[len(slices_with_spare) // 2]
        proxier.on_endpointslice_update(old, old.model_copy(update={"endpoints": old.endpoints[:-1]}))
        partial = timed("partial", proxier.sync)
    if kernel and timer is not None and mode != "ipvs":
        apply: Any
        if mode == "iptables":
            from k8snet.dataplane.netfilter import IPTables

            iptables = IPTables()
            iptables.ensure_chain("nat", "KUBE-SERVICES")  # kube-proxy's jump rules, made outside the payload
            apply = iptables.restore_all
        else:
            from k8snet.dataplane.nft import NFTables

            apply = NFTables().run
        timed("kernel_full", lambda: apply(full.payload))
        if partial is not None:
            timed("kernel_partial", lambda: apply(partial.payload))
    rule_prefix = "add rule " if mode == "nftables" else "-A "
    out: dict[str, Any] = {
        "mode": mode,
        "services": len(services),
        "endpoints": sum(len(es.endpoints or []) for es in endpoint_slices),
        "rules": _lines(full.payload, rule_prefix),
        "elements": elements if mode != "iptables" else 0,
        "full_lines": full.payload.count("\n"),
        "partial_lines": partial.payload.count("\n") if partial is not None else None,
        "partial_is_full": partial.full if partial is not None else None,
        "first_is_full": first.full,
    }
    if timer is not None:
        out["seconds"] = times
    return out


def first_packet_rules(
    mode: str,
    services: list[Any],
    endpoint_slices: list[Any],
    node: Any,
    pod_ip: str,
    targets: list[tuple[str, int, str]],
    cluster_cidr: str | None = None,
    service_cidrs: list[str] | None = None,
) -> list[int]:
    """Rules the kernel of ``node`` tests for the first packet of a new connection from the local Pod ``pod_ip``
    to each ``(ip, port, protocol)`` of ``targets``, with the rules its kube-proxy programs in ``mode`` for
    ``services`` and ``endpoint_slices`` (the most over the endpoints the packet may reach).

    >>> services, slices, node = scaling_objects(50)
    >>> targets = [(s.spec.clusterIP, 80, "TCP") for s in services]
    >>> counts = first_packet_rules("iptables", services, slices, node, POD_IP, targets, "10.0.0.0/8")
    >>> counts[-1] - counts[0], len(set(first_packet_rules("ipvs", services, slices, node, POD_IP, targets)))
    (49, 1)
    """
    from k8snet.dataplane.packet import Packet
    from k8snet.sim.trace import World

    world = World(
        [node],
        [],
        services,
        endpoint_slices,
        mode=mode,
        cluster_cidr=cluster_cidr,
        service_cidrs=service_cidrs,
    )
    host = world.host(node.metadata.name)
    out = []
    for ip, port, protocol in targets:
        packet = Packet(pod_ip, ip, protocol=protocol, dst_port=port, in_interface="veth0")
        out.append(max(r.rules_evaluated for r in host.enumerate(packet, record=False)))
    return out


def percentiles(values: list[int], points: tuple[int, ...] = (1, 50, 99)) -> dict[str, int]:
    """Nearest-rank percentiles (``p01``, ``p50``, ``p99``) of ``values``, as the blog post's latency charts
    label theirs.

    >>> percentiles(list(range(1, 101)))
    {'p01': 1, 'p50': 50, 'p99': 99}
    """
    import math

    ordered = sorted(values)
    return {f"p{p:02d}": ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] for p in points}
