"""Simulate many connections from many clients to one destination, through the rules kube-proxy writes.

How it stays both faithful and fast (100,000 connections in about a second):

1. **The executor decides, once per kind of connection.** For every distinct *(client class, entry node)* the
   packet is traced with :func:`k8snet.sim.trace.trace_world`, which runs each node's rules in the dataplane
   executor and follows every ``-m statistic`` / ``numgen`` branch: the result is the exact outcome distribution
   (endpoint, pod, node, masquerade, drop reason, the source address the backend sees). No endpoint is ever
   computed by a shortcut around the rules. A *client class* is the client itself for pods and nodes (their
   address decides hairpin masquerade and the ``--cluster-cidr`` test); external clients share a class when they
   fall in the same ``loadBalancerSourceRanges`` and ``--cluster-cidr`` (the only source matches kube-proxy writes
   for them), and the class representative's address in an outcome is replaced by each client's own.
2. **Connections are sampled.** Arrival times are uniform over ``duration`` seconds; each connection picks a
   client (``clients`` weights), an entry node (``spread``), then an outcome from that distribution with a seeded
   :class:`random.Random`. The same ``seed`` gives the same result.
3. **Session affinity runs the executor's own state.** When the destination is a Service port with
   ``sessionAffinity: ClientIP``, a client's first connection through an entry node (and its first connection
   after the affinity expired) is *sent* through a stateful executor of that node
   (:meth:`NetfilterHost.send <k8snet.dataplane.netfilter.NetfilterHost.send>` /
   :meth:`NftHost.send <k8snet.dataplane.nft.NftHost.send>`) on the simulated clock, which records the client in
   the ``-m recent`` list (iptables) or the ``affinity-...`` set (nftables). Later connections within
   ``timeoutSeconds`` of the client's previous one keep that endpoint, as the ``--rcheck --seconds`` / set
   timeout would (kube-proxy's endpoint chain refreshes the entry on every new connection), without re-running the
   rules; after the timeout the rules run again and may pick another endpoint. Affinity state lives in each node's
   kernel, so a client spread over several entry nodes is sticky per node, as in a real cluster.

Example
-------
>>> from k8snet.sim.cluster import Cluster
>>> c = Cluster(preset="minikube")
>>> r = simulate(c, ["minikube"], "kube-system/kube-dns:dns-tcp", connections=1000)
>>> r.per_pod  # doctest: +ELLIPSIS
{'kube-system/coredns-...': 1.0}
>>> r.snat_fraction
1.0

Simplifications: every connection is a new connection (no reuse of an established one); the conntrack table is
not filled by the non-affinity connections; the cluster does not change during the simulation.
"""

from __future__ import annotations

import ipaddress
import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from k8snet.dataplane.packet import Packet, format_endpoint
from k8snet.errors import K8snetError
from k8snet.i18n import N_, Message, _, ljust, translate
from k8snet.sim.trace import (
    Outcome,
    World,
    ip_family_of,
    parse_destination,
    source_for_family,
    trace_world,
    verdict_message,
    veth_name,
    world_for,
)

__all__ = ["simulate", "simulate_world", "SimulationResult", "external_clients", "CLIENT_BASES"]


#: The first external client address per family: the benchmarking ranges 198.18.0.0/15 (RFC 2544) and
#: 2001:2::/48 (RFC 5180).
CLIENT_BASES = {"IPv4": "198.18.0.1", "IPv6": "2001:2::1"}


def external_clients(n: int, base: str | None = None, family: str = "IPv4") -> list[str]:
    """``n`` external client addresses from the benchmarking range of ``family`` (or from ``base`` on).

    >>> external_clients(2), external_clients(2, family="IPv6")
    (['198.18.0.1', '198.18.0.2'], ['2001:2::1', '2001:2::2'])
    """
    start = ipaddress.ip_address(base or CLIENT_BASES[family])
    return [str(start + i) for i in range(n)]


@dataclass
class SimulationResult:
    """Shares are fractions of the *delivered* connections; ``drops`` counts the others by reason."""

    destination: str
    mode: str
    connections: int
    delivered: int
    per_pod: dict[str, float]
    per_node: dict[str, float]
    per_endpoint: dict[str, float]
    per_entry_node: dict[str, float]
    snat_fraction: float
    drops: dict[str, int]
    source_seen: dict[str, float]
    affinity_timeout: int | None = None
    #: Of the connections that follow a client's previous one (same entry node) within the affinity timeout,
    #: the fraction that reached the same endpoint; ``None`` without session affinity.
    stickiness: float | None = None
    #: Connections that came after the affinity had expired and ran the rules again.
    reassigned: int = 0
    repeat_same_endpoint: float | None = None
    executor_runs: int = 0
    distributions: dict[tuple, list[Outcome]] = field(default_factory=dict, repr=False)

    @property
    def dropped(self) -> int:
        return self.connections - self.delivered

    def to_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "mode": self.mode,
            "connections": self.connections,
            "delivered": self.delivered,
            "dropped": self.dropped,
            "drops": {str(k): v for k, v in self.drops.items()},
            "per_pod": {str(k): v for k, v in self.per_pod.items()},
            "per_node": {str(k): v for k, v in self.per_node.items()},
            "per_endpoint": {str(k): v for k, v in self.per_endpoint.items()},
            "per_entry_node": {str(k): v for k, v in self.per_entry_node.items()},
            "snat_fraction": self.snat_fraction,
            "source_seen": self.source_seen,
            "affinity_timeout": self.affinity_timeout,
            "stickiness": self.stickiness,
            "reassigned": self.reassigned,
            "repeat_same_endpoint": self.repeat_same_endpoint,
            "executor_runs": self.executor_runs,
        }

    def text(self) -> str:
        """A readable report, in the reader's language (kube-proxy's drop comments, names and addresses as
        they are).

        >>> from k8snet.i18n import set_language
        >>> from k8snet.sim.cluster import Cluster
        >>> r = simulate(Cluster(preset="minikube"), ["minikube"], "kube-system/kube-dns:dns-tcp", connections=10)
        >>> print(r.text().splitlines()[0])
        10 connections to kube-system/kube-dns:dns-tcp [iptables]: 10 delivered, 0 dropped
        >>> set_language("zh_CN"); print(r.text().splitlines()[0]); set_language(None)
        发往 kube-system/kube-dns:dns-tcp 的 10 个连接 [iptables]：10 个送达，0 个被丢弃
        """
        lines = [
            _(
                "{connections} connections to {destination} [{mode}]: {delivered} delivered, {dropped} dropped"
            ).format(
                connections=self.connections,
                destination=self.destination,
                mode=self.mode,
                delivered=self.delivered,
                dropped=self.dropped,
            )
        ]
        for title, shares in (
            (N_("pod:"), self.per_pod),
            (N_("node:"), self.per_node),
            (N_("entry node:"), self.per_entry_node),
        ):
            if shares:
                lines.append(_(title))
                lines.extend(f"  {ljust(translate(k), 44)} {v:7.2%}" for k, v in shares.items())
        for reason, n in self.drops.items():
            lines.append(_("dropped ({reason}): {count}").format(reason=translate(reason), count=n))
        lines.append(_("SNATed: {share:.2%} of delivered connections").format(share=self.snat_fraction))
        if self.repeat_same_endpoint is not None:
            lines.append(
                _("a client's next connection reached the same endpoint: {share:.2%}").format(
                    share=self.repeat_same_endpoint
                )
            )
        if self.affinity_timeout is not None:
            lines.append(
                _(
                    "session affinity ClientIP, timeout {timeout}s: stickiness {stickiness}, {count} connections "
                    "re-ran the rules after the timeout"
                ).format(
                    timeout=self.affinity_timeout,
                    stickiness=self.stickiness if self.stickiness is None else format(self.stickiness, ".2%"),
                    count=self.reassigned,
                )
            )
        return "\n".join(lines)


#: Keys of the shares for a connection that entered no node / ended on no known node (shown translated).
_NONE = Message(N_("(none)"))
_UNKNOWN = Message(N_("(unknown)"))


def _shares(counter: Counter, total: int) -> dict[str, float]:
    if not total:
        return {}
    return {k: v / total for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))}


def _affinity_timeout(world: World, dst_ip: str, dst_port: int, protocol: str) -> int | None:
    """``timeoutSeconds`` of the ClientIP-affinity Service port ``dst_ip:dst_port`` is an address of, if any."""
    from k8snet.proxy.serviceport import service_port_map

    for info in service_port_map(world.services, ip_family_of(dst_ip)).values():
        if info.protocol != protocol or info.session_affinity != "ClientIP":
            continue
        vips = {info.cluster_ip, *info.external_ips, *info.load_balancer_vips}
        if (dst_ip in vips and dst_port == info.port) or (
            info.node_port and dst_port == info.node_port and dst_ip in world.node_of_ip
        ):
            return info.sticky_max_age_seconds
    return None


def _source_cidrs(world: World, family: str = "IPv4") -> list[str]:
    """The source CIDRs (of ``family``) kube-proxy's rules can test an external client against."""
    from k8snet.proxy.serviceport import service_port_map

    cidrs = sorted(
        {
            c
            for info in service_port_map(world.services, family).values()
            for c in info.load_balancer_source_ranges
        }
    )
    return cidrs


def _class_key(world: World, kind: str, ip: str, cidrs: list[str]) -> tuple:
    if kind != "external":
        return (kind, ip)
    addr = ipaddress.ip_address(ip)
    member = []
    for c in cidrs + world.cluster_cidrs:
        try:
            member.append(addr in ipaddress.ip_network(c, strict=False))
        except ValueError:
            member.append(False)
    lb_vips = world.service_addresses()["lb"]
    return ("external", tuple(member), ip in lb_vips)


def _entry_nodes(
    world: World, kind: str, src_node: str | None, dst_ip: str, dst_port: int, protocol: str, spread: Any
) -> list[tuple[str | None, float]]:
    from k8snet.sim.trace import default_entry

    if kind in ("pod", "node"):
        return [(src_node or world.nodes[0].metadata.name, 1.0)]
    names = [n.metadata.name for n in world.nodes]
    if spread is None:
        if dst_ip in world.service_addresses()["lb"]:
            return [(n, 1.0) for n in world.lb_entry_nodes(dst_ip, dst_port, protocol)]
        return [(default_entry(world, kind, src_node, dst_ip, dst_port, protocol)[0], 1.0)]
    if spread == "nodes":
        return [(n, 1.0) for n in names]
    if isinstance(spread, str):
        spread = [spread]
    if isinstance(spread, Mapping):
        items = list(spread.items())
    else:
        items = [(n, 1.0) for n in spread]
    for n, _weight in items:
        if n not in world.node_by_name:
            raise K8snetError(f'nodes "{n}" not found')
    return items


def _cum(weights: Sequence[float]) -> list[float]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


def simulate_world(
    world: World,
    clients: Any,
    destination: str,
    connections: int = 100_000,
    seed: int = 0,
    protocol: str | None = None,
    spread: Any = None,
    duration: float = 3600.0,
) -> SimulationResult:
    """:func:`simulate` on a :class:`~k8snet.sim.trace.World` (see :func:`simulate` for the parameters)."""
    protocol = protocol.upper() if protocol else None
    dst_ip, dst_port, _, protocol = parse_destination(world, destination, protocol)
    family = ip_family_of(dst_ip)
    if isinstance(clients, int):
        clients = external_clients(clients, family=family)
    if isinstance(clients, Mapping):
        client_list, client_weights = list(clients), [float(w) for w in clients.values()]
    else:
        client_list = list(clients)
        client_weights = [1.0] * len(client_list)
    if not client_list:
        raise K8snetError("simulate needs at least one client")
    rng = random.Random(seed)

    # each client sends from its address of the destination's family
    parsed = [source_for_family(world, c, family) for c in client_list]
    entries = [
        _entry_nodes(world, kind, node, dst_ip, dst_port, protocol, spread) for kind, _, _, node in parsed
    ]
    entry_cum = [_cum([w for _, w in e]) for e in entries]

    # 1. exact outcome distributions from the executor, once per (client class, entry node)
    dists: dict[tuple, list[Outcome]] = {}
    reps: dict[tuple, str] = {}
    group_of: dict[tuple[int, str | None], tuple] = {}
    cidrs = _source_cidrs(world, family)
    for ci, (kind, label, ip, _node) in enumerate(parsed):
        cls = _class_key(world, kind, ip, cidrs)
        reps.setdefault(cls, label if kind != "external" else ip)
        for entry, _ in entries[ci]:
            key = (cls, entry)
            if key not in dists:
                src = reps[cls]
                t = trace_world(
                    world,
                    src,
                    _dest_for(world, entry, dst_ip, dst_port, destination),
                    protocol,
                    entry_node=entry,
                    seed=0,
                )
                dists[key] = t.outcomes
            group_of[(ci, entry)] = key
    cums = {k: _cum([float(o.probability) for o in v]) for k, v in dists.items()}
    rep_ip = {cls: (source_for_family(world, src, family)[2]) for cls, src in reps.items()}

    # 2. sample connections in time order
    timeout = _affinity_timeout(world, dst_ip, dst_port, protocol)
    times = sorted(rng.uniform(0.0, duration) for _ in range(connections))
    client_cum = _cum(client_weights)
    total_w = client_cum[-1]
    now = [0.0]
    hosts: dict[str, Any] = {}
    sticky: dict[tuple[int, str | None], int] = {}
    previous: dict[tuple[int, str | None], tuple[float, str | None]] = {}
    counts: Counter = Counter()  # (ci, entry, outcome index) -> n
    repeats = same = window_repeats = window_same = reassigned = runs = 0
    sport = 1024
    rand = rng.random
    for t in times:
        ci = min(bisect_right(client_cum, rand() * total_w), len(client_list) - 1)
        ec = entry_cum[ci]
        ei = 0 if len(ec) == 1 else min(bisect_right(ec, rand() * ec[-1]), len(ec) - 1)
        entry = entries[ci][ei][0]
        key = (ci, entry)
        gkey = group_of[key]
        outs = dists[gkey]
        prev = previous.get(key)
        if timeout is not None and entry is not None:
            if prev is not None and t - prev[0] <= timeout:
                oi = sticky[key]
            else:
                if prev is not None:
                    reassigned += 1
                # run the rules on the node's stateful executor: it consults and updates the recent/affinity state
                now[0] = t
                host = hosts.get(entry)
                if host is None:
                    host = hosts[entry] = world.new_host(
                        entry, clock=lambda: now[0], seed=seed, family=family
                    )
                kind, label, ip, node = parsed[ci]
                if kind == "pod" and entry == node:
                    iface = veth_name(label)
                elif kind == "node" and entry == node:
                    iface = None
                else:
                    iface = "eth0"
                sport = sport + 1 if sport < 65535 else 1024
                target = _dest_for(world, entry, dst_ip, dst_port, None) or dst_ip
                res = host.send(
                    Packet(
                        ip, target, protocol=protocol, src_port=sport, dst_port=dst_port, in_interface=iface
                    ),
                    record=False,
                )
                runs += 1
                oi = _match_outcome(outs, res)
                sticky[key] = oi
        else:
            cum = cums[gkey]
            oi = min(bisect_right(cum, rand() * cum[-1]), len(outs) - 1)
        counts[(ci, entry, oi)] += 1
        ep = outs[oi].endpoint if outs[oi].verdict == "delivered" else None
        if prev is not None and prev[1] is not None and ep is not None:
            repeats += 1
            same += prev[1] == ep
            if timeout is not None and t - prev[0] <= timeout:
                window_repeats += 1
                window_same += prev[1] == ep
        previous[key] = (t, ep)

    # 3. aggregate
    per_pod: Counter = Counter()
    per_node: Counter = Counter()
    per_ep: Counter = Counter()
    per_entry: Counter = Counter()
    seen: Counter = Counter()
    drops: Counter = Counter()
    delivered = snat = 0
    for (ci, entry, oi), n in counts.items():
        o = dists[group_of[(ci, entry)]][oi]
        per_entry[entry or _NONE] += n
        if o.verdict != "delivered":
            # the key reads as before ("DROP: <kube-proxy's comment>"); as a Message it is shown translated
            drops[verdict_message(o)] += n
            continue
        delivered += n
        kind = o.delivered_to[0] if o.delivered_to else ""
        per_pod[o.pod or f"({kind} {o.delivered_to[1] if o.delivered_to else '?'})"] += n
        per_node[o.node or _UNKNOWN] += n
        per_ep[o.endpoint or "?"] += n
        if o.masquerade or o.snat:
            snat += n
        cls = group_of[(ci, entry)][0]
        src = o.source_seen
        if src == rep_ip[cls]:
            src = parsed[ci][2]
        seen[src] += n
    stick = None
    if timeout is not None and window_repeats:
        stick = window_same / window_repeats
    return SimulationResult(
        destination=destination,
        mode=world.mode,
        connections=connections,
        delivered=delivered,
        per_pod=_shares(per_pod, delivered),
        per_node=_shares(per_node, delivered),
        per_endpoint=_shares(per_ep, delivered),
        per_entry_node=_shares(per_entry, connections),
        snat_fraction=snat / delivered if delivered else 0.0,
        drops=dict(drops),
        source_seen=_shares(seen, delivered),
        affinity_timeout=timeout,
        stickiness=stick,
        reassigned=reassigned,
        repeat_same_endpoint=same / repeats if repeats else None,
        executor_runs=runs + len(dists),
        distributions=dists,
    )


def _dest_for(world: World, entry: str | None, dst_ip: str, dst_port: int, destination: str | None) -> Any:
    """A NodePort destination (a node IP) is addressed at each entry node's own IP: that is what a load balancer
    in front of the NodePorts, or a client picking any node, does."""
    if entry is not None and dst_ip in world.node_of_ip and world.node_of_ip[dst_ip] != entry:
        ip = (world.local_ips(entry, ip_family_of(dst_ip)) or world.local_ips(entry))[0]
        return format_endpoint(ip, dst_port) if destination is not None else ip
    return destination if destination is not None else dst_ip


def _match_outcome(outcomes: list[Outcome], result: Any) -> int:
    """The outcome of the enumerated distribution that a sent packet took (same first-hop verdict, destination
    and masquerade)."""
    for i, o in enumerate(outcomes):
        first = o.hops[0].result if o.hops else None
        if first is None:
            continue
        if (first.verdict, first.destination, first.masquerade) == (
            result.verdict,
            result.destination,
            result.masquerade,
        ):
            return i
    raise K8snetError(
        f"the executor sent the packet somewhere the enumeration did not find: {result.destination}"
    )


def simulate(
    cluster: Any,
    clients: Any,
    destination: str,
    connections: int = 100_000,
    seed: int = 0,
    mode: str = "iptables",
    spread: Any = None,
    protocol: str | None = None,
    duration: float = 3600.0,
    settings: Any = None,
) -> SimulationResult:
    """Simulate ``connections`` new connections from ``clients`` to ``destination``.

    Parameters
    ----------
    cluster : Cluster
    clients : list, dict or int
        Sources as :func:`~k8snet.sim.trace.trace` takes them (pods, node names, IPs); a dict maps each to a
        weight; an int ``n`` means ``n`` external clients (:func:`external_clients`).
    destination : str
        ``"IP:PORT"`` or ``"[ns/]service:port"``.
    connections : int
    seed : int
    mode : {"iptables", "nftables", "ipvs"}
    spread : None, "nodes", str, list or dict
        Entry nodes of *external* clients: ``None`` = the load balancer's healthy nodes for an LB IP, else the
        node the packet is addressed to; ``"nodes"`` = every node equally; a node name, a list of names, or a dict
        of weights. Pods and nodes always enter their own node. When ``destination`` is a node IP (a NodePort),
        each entry node is addressed at its own IP, as a load balancer in front of the NodePorts does.
    protocol : str
    duration : float
        Seconds over which the connections arrive (matters for session-affinity timeouts).
    settings : dict or ProxierSettings, optional
        kube-proxy settings for every node, as in :func:`~k8snet.sim.trace.trace`.

    Returns
    -------
    SimulationResult
    """
    return simulate_world(
        world_for(cluster, mode, settings),
        clients,
        destination,
        connections,
        seed,
        protocol,
        spread,
        duration,
    )
