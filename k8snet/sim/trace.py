"""Trace one packet through the whole cluster by executing the rules each node's kube-proxy writes.

Nothing here decides where a packet goes by itself: per node, the proxy renderer writes the rules that node's
kube-proxy would program (its own ``--hostname-override``, ``--node-ip``, ``--cluster-cidr`` from the cluster's pod
range), the dataplane executor runs them (:class:`~k8snet.dataplane.netfilter.NetfilterHost` for iptables,
:class:`~k8snet.dataplane.nft.NftHost` for nftables, :class:`~k8snet.dataplane.ipvs.IPVSHost` for IPVS; both
picked by name from :data:`k8snet.proxy.modes.PROXY_MODES`), and :class:`~k8snet.sim.network.Network` routes the
packet between nodes. ``-m statistic``/``numgen`` branches are followed exhaustively (every endpoint with its exact
probability, as upstream's ``tracePacket`` in kubernetes/kubernetes ``pkg/proxy/iptables/proxier_test.go``
does); one outcome is then drawn with ``seed``.

Hops, as the kernel sees them:

* a pod's packet enters its node from the pod's veth: ``PREROUTING`` (nat: DNAT), then ``FORWARD`` and
  ``POSTROUTING`` (nat: MASQUERADE if marked);
* a node's own packet (or a ``hostNetwork`` pod's) starts in ``OUTPUT``;
* an external packet enters the node it is addressed to (a NodePort on the node IP), the node a load balancer
  sends it to (LB IP), or the node an external router sends an ``externalIP`` to;
* after DNAT the packet is routed: to a pod on the same node over its veth, or over the node network to the
  node that owns the pod CIDR, whose ``PREROUTING``/``FORWARD``/``POSTROUTING`` run again (no Service matches
  there: the destination is already a pod IP).

Example
-------
>>> from k8snet.sim.cluster import Cluster
>>> cluster = Cluster(preset="minikube")
>>> t = trace(cluster, "minikube", "kube-system/kube-dns:dns-tcp")
>>> t.verdict, [c.endpoint for c in t.candidates], t.masquerade
('delivered', ['10.244.0.2:53'], True)
>>> print(t.snat_text())  # the node is outside --cluster-cidr: kube-proxy masquerades it
MASQUERADE: the backend sees source 192.168.49.2 (node minikube)

IPv4 and IPv6: a trace runs in the family of its destination address, through each node's proxier of that
family (``ip6tables``, the ``ip6 kube-proxy`` table, IPv6 virtual servers; :mod:`k8snet.proxy.metaproxier`); a
dual-stack pod or node sends from its address of that family, and an address of the other family as the source
is an error (a packet has one family).

Simplifications: the default entry node for an ``externalIP`` is the first node
(an external router's choice; pass ``entry_node``); a packet for a load-balancer IP enters the first node that
would pass the balancer's health check (any node for ``externalTrafficPolicy: Cluster``, nodes with a ready local
endpoint for ``Local``; nodes labelled ``node.kubernetes.io/exclude-from-external-load-balancers`` are skipped),
addressed to the LB IP (a passthrough balancer); the balancers of :mod:`k8snet.controllers.cloud`, with their
shares and address rewrites, are traced by :mod:`k8snet.sim.whatif` on top of :func:`trace_world`. No
NetworkPolicy, no reply path, no MTU; the CNI's own rules (kindnet's masquerade of pod traffic leaving the
cluster) are not run. A trace is the *first* packet of a new connection with empty conntrack and
affinity state (see :mod:`k8snet.sim.simulate` for affinity over time).
"""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import random
import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from k8snet.dataplane.packet import Packet, format_endpoint
from k8snet.errors import K8snetError
from k8snet.i18n import N_, Message, _, translate
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.metaproxier import node_families
from k8snet.proxy.modes import proxy_mode
from k8snet.sim.network import Network

__all__ = [
    "ip_family_of",
    "trace",
    "trace_objects",
    "parse_source",
    "source_for_family",
    "parse_destination",
    "default_entry",
    "veth_name",
    "Trace",
    "TraceStep",
    "Outcome",
    "Hop",
    "World",
    "world_for",
    "verdict_message",
]

EXCLUDE_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"


# --- the world: objects + network + per-node rules ---------------------------------------------------------------


def _ip_in(ip: str, cidr: str | None) -> bool:
    if not cidr:
        return False
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def ip_family_of(ip: str) -> str:
    """``"IPv4"`` or ``"IPv6"``: the family of an address, which decides whose rules a packet meets.

    >>> ip_family_of("10.96.0.10"), ip_family_of("fd00:10:96::a")
    ('IPv4', 'IPv6')
    """
    return "IPv6" if ":" in ip else "IPv4"


def _canon(ip: Any) -> Any:
    # IPv6 addresses in one spelling (what Packet keeps and the executors write); IPv4 text as given
    if isinstance(ip, str) and ":" in ip:
        try:
            return str(ipaddress.ip_address(ip))
        except ValueError:
            return ip
    return ip


def _node_ips(node: Any) -> list[str]:
    addrs = (node.status.addresses if node.status else None) or []
    ips = [_canon(a.address) for a in addrs if a.type == "InternalIP"]
    ips += [_canon(a.address) for a in addrs if a.type == "ExternalIP" and _canon(a.address) not in ips]
    return ips


def _pod_ips(pod: Any) -> list[str]:
    """``status.podIP`` and, for a dual-stack pod, the other family's address from ``status.podIPs``."""
    status = pod.status
    if status is None:
        return []
    ips = [_canon(status.podIP)] if status.podIP else []
    for p in status.podIPs or []:
        if p.ip and _canon(p.ip) not in ips:
            ips.append(_canon(p.ip))
    return ips


class World:
    """The objects a trace runs on, the network between the nodes, and each node's rules (rendered lazily).

    Build it with :func:`world_for` (a :class:`~k8snet.sim.cluster.Cluster`, cached by the store's resource
    version) or directly from objects. ``settings`` adjusts every node's :class:`ProxierSettings`: a dict of field
    overrides, or a ``ProxierSettings`` whose fields (other than hostname, node IPs and topology labels, which
    come from each Node) apply to every node.

    Each node runs one proxier per IP family (:mod:`k8snet.proxy.metaproxier`): :meth:`rules`, :meth:`host` and
    :meth:`settings_for` take the ``family`` (default :attr:`primary_family`), and a trace uses the family of its
    destination address, so an IPv6 packet meets the node's ``ip6tables`` rules (``ip6 kube-proxy`` table, IPv6
    virtual servers). ``cluster_cidr`` is kube-proxy's ``--cluster-cidr``: one CIDR, or a dual-stack pair
    (``"10.244.0.0/16,fd00:10:244::/56"`` or a list); the ``ip_family`` of ``settings`` is ignored (the packet
    decides).
    """

    def __init__(
        self,
        nodes: Iterable[Any],
        pods: Iterable[Any],
        services: Iterable[Any],
        endpoint_slices: Iterable[Any],
        mode: str = "iptables",
        cluster_cidr: str | list[str] | None = None,
        service_cidrs: list[str] | None = None,
        settings: Any = None,
    ):
        self.nodes = sorted(nodes, key=lambda n: n.metadata.name or "")
        if not self.nodes:
            raise K8snetError("a trace needs at least one Node")
        self.pods = list(pods)
        self.services = list(services)
        self.endpoint_slices = list(endpoint_slices)
        self.mode = mode
        if isinstance(cluster_cidr, (list, tuple)):
            cluster_cidr = ",".join(cluster_cidr) or None
        #: ``--cluster-cidr`` as kube-proxy takes it (comma-separated for dual-stack).
        self.cluster_cidr = cluster_cidr
        #: Its CIDRs.
        self.cluster_cidrs = [c.strip() for c in (cluster_cidr or "").split(",") if c.strip()]
        self.service_cidrs = service_cidrs
        self.settings = settings
        #: The :class:`~k8snet.proxy.modes.ProxyMode` every node's kube-proxy runs in.
        self.proxy_mode = proxy_mode(mode)
        self.node_by_name = {n.metadata.name: n for n in self.nodes}
        self.network = Network.build(self.nodes, self.pods, load_balancers=self._lb_vips())
        self._texts: dict[tuple[str, str], Any] = {}
        self._hosts: dict[tuple[str, str], Any] = {}
        self._service_addresses: dict[str, set[str]] | None = None
        self.node_of_ip: dict[str, str] = {}
        for n in self.nodes:
            for ip in _node_ips(n):
                self.node_of_ip.setdefault(ip, n.metadata.name)
        self.pod_by_key = {f"{p.metadata.namespace or 'default'}/{p.metadata.name}": p for p in self.pods}
        self.pod_by_ip: dict[str, str] = {}
        for key, p in self.pod_by_key.items():
            if not (p.spec and p.spec.hostNetwork):
                ips = _pod_ips(p)
                if ips:
                    self.pod_by_ip[ips[0]] = (
                        key  # status.podIP (a later pod with the same IP wins, as before)
                    )
                for ip in ips[1:]:
                    self.pod_by_ip.setdefault(ip, key)
        self.endpoint_node: dict[str, str] = {}
        for es in self.endpoint_slices:
            for ep in es.endpoints or []:
                for a in ep.addresses or []:
                    if ep.nodeName:
                        self.endpoint_node.setdefault(_canon(a), ep.nodeName)
        #: The families the cluster uses, the primary first (that of the first node's first address, else of
        #: ``cluster_cidr``, else of the objects: :func:`~k8snet.proxy.metaproxier.node_families`).
        self.families = node_families(
            _node_ips(self.nodes[0]), self.cluster_cidr, [*self.services, *self.endpoint_slices]
        )
        for f in node_families([], self.cluster_cidr, [*self.services, *self.endpoint_slices]):
            if f not in self.families:
                self.families.append(f)

    def _lb_vips(self) -> list[tuple[str, str]]:
        out = []
        for svc in self.services:
            ingress = (
                svc.status.loadBalancer.ingress if svc.status and svc.status.loadBalancer else None
            ) or []
            for i, ing in enumerate(ingress):
                if ing.ip:
                    out.append((f"{svc.metadata.namespace or 'default'}/{svc.metadata.name}#{i}", ing.ip))
        return out

    @property
    def primary_family(self) -> str:
        """The family whose rules :meth:`rules` and :meth:`host` give by default."""
        return self.families[0]

    # -- settings and hosts --
    def settings_for(self, node_name: str, family: str | None = None) -> ProxierSettings:
        """The kube-proxy settings of ``node_name``'s proxier for ``family`` (default :attr:`primary_family`)."""
        node = self.node_by_name[node_name]
        base = dict(
            hostname=node_name,
            node_ips=_node_ips(node),
            cluster_cidr=self.cluster_cidr,
            topology_labels=dict(node.metadata.labels or {}) or None,
        )
        s = self.settings
        if isinstance(s, ProxierSettings):
            fields = {f.name: getattr(s, f.name) for f in dataclasses.fields(s)}
            for k in ("hostname", "node_ips", "topology_labels"):
                fields.pop(k)
            if s.hostname == node_name:
                fields["node_ips"] = list(s.node_ips) or base["node_ips"]
            base.update(fields)
        elif isinstance(s, Mapping):
            base.update(s)
        base["ip_family"] = family or self.primary_family
        return ProxierSettings(**base)

    def rules(self, node_name: str, family: str | None = None) -> Any:
        """What ``node_name``'s ``family`` proxier programs: iptables (``ip6tables``) text including the built-in
        chain jumps, nft text, or an :class:`~k8snet.rules.ipvs.IPVSState`."""
        key = (node_name, family or self.primary_family)
        if key not in self._texts:
            payload = self.proxy_mode.render(
                self.services, self.endpoint_slices, self.settings_for(*key), self.service_cidrs
            )
            self._texts[key] = self.proxy_mode.base_jump_rules(payload)
        return self._texts[key]

    def local_ips(self, node_name: str, family: str | None = None) -> list[str]:
        """The node's addresses (those of ``family`` only, when given)."""
        s = self.settings_for(node_name)
        ips = list(s.node_ips) or _node_ips(self.node_by_name[node_name])
        if family is not None:
            ips = [ip for ip in ips if ip_family_of(ip) == family]
        return ips

    def host(self, node_name: str, family: str | None = None) -> Any:
        """The (stateless, shared) executor of ``node_name``'s ``family`` rules; used only through ``enumerate``."""
        key = (node_name, family or self.primary_family)
        if key not in self._hosts:
            self._hosts[key] = self.new_host(node_name, family=key[1])
        return self._hosts[key]

    def new_host(self, node_name: str, clock: Any = None, seed: int = 0, family: str | None = None) -> Any:
        """A fresh executor of ``node_name``'s ``family`` rules (default :attr:`primary_family`) with its own
        conntrack and recent/affinity state (for simulations)."""
        return self.proxy_mode.executor(self.rules(node_name, family), self.local_ips(node_name), clock, seed)

    # -- addresses --
    def service_addresses(self) -> dict[str, set[str]]:
        """``{"cluster": ..., "external": ..., "lb": ...}`` IPs of every Service."""
        if self._service_addresses is not None:
            return self._service_addresses
        out: dict[str, set[str]] = {"cluster": set(), "external": set(), "lb": set()}
        for svc in self.services:
            spec = svc.spec
            if spec is None:
                continue
            for ip in (spec.clusterIPs or []) + ([spec.clusterIP] if spec.clusterIP else []):
                if ip and ip != "None":
                    out["cluster"].add(_canon(ip))
            out["external"].update(_canon(ip) for ip in spec.externalIPs or [])
        out["lb"].update(_canon(ip) for _, ip in self._lb_vips())
        self._service_addresses = out
        return out

    def locate(self, ip: str) -> tuple[str, str, str | None]:
        """``(kind, name, node)`` of the owner of ``ip``: ``pod``, ``node``, ``pod-network`` (an address in a pod
        range with no known pod; ``node`` is where the route leads, if known) or ``external``."""
        if ip in self.pod_by_ip:
            key = self.pod_by_ip[ip]
            return "pod", key, self.pod_by_key[key].spec.nodeName
        if ip in self.node_of_ip:
            return "node", self.node_of_ip[ip], self.node_of_ip[ip]
        node = self.network.node_for_pod_ip(ip) or self.endpoint_node.get(ip)
        if node is not None or any(_ip_in(ip, c) for c in self.cluster_cidrs):
            return "pod-network", ip, node
        return "external", ip, None

    def lb_entry_nodes(self, vip: str, port: int, protocol: str) -> list[str]:
        """Nodes a cloud load balancer for ``vip`` sends to: all (``Cluster`` policy) or those with a ready
        local endpoint (``Local``: the ``healthCheckNodePort`` check), minus excluded nodes."""
        from k8snet.proxy.endpoints import endpoints_map
        from k8snet.proxy.serviceport import service_port_map

        names = [n.metadata.name for n in self.nodes if EXCLUDE_LB_LABEL not in (n.metadata.labels or {})]
        names = names or [n.metadata.name for n in self.nodes]
        family = ip_family_of(vip)
        for spn, info in service_port_map(self.services, family).items():
            if vip in info.load_balancer_vips and info.port == port and info.protocol == protocol:
                if not info.external_policy_local:
                    return names
                healthy = []
                for name in names:
                    eps = endpoints_map(self.endpoint_slices, name, family).get(spn, [])
                    if any(e.is_local and e.ready for e in eps):
                        healthy.append(name)
                return healthy or names
        return names


_WORLDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _settings_key(settings: Any) -> Any:
    if settings is None or isinstance(settings, ProxierSettings):
        return repr(settings)
    if isinstance(settings, Mapping):
        return repr(sorted(settings.items()))
    return id(settings)


def world_for(cluster: Any, mode: str = "iptables", settings: Any = None) -> World:
    """The :class:`World` of a :class:`~k8snet.sim.cluster.Cluster`, rendered once per node and cached until the
    store's resource version changes."""
    rv = cluster.store.resource_version
    per_cluster = _WORLDS.setdefault(cluster, {})
    key = (rv, mode, _settings_key(settings))
    world = per_cluster.get(key)
    if world is None:
        for k in [k for k in per_cluster if k[0] != rv]:
            del per_cluster[k]
        # a dual-stack Cluster's CIDRs of both families, when it lists them
        cluster_cidrs = getattr(cluster, "cluster_cidrs", None) or cluster.cluster_cidr
        service_cidrs = list(getattr(cluster, "service_cidrs", None) or [cluster.service_cidr])
        world = World(
            cluster.nodes(),
            cluster.pods(None),
            cluster.services(None),
            cluster.endpoint_slices(None),
            mode=mode,
            cluster_cidr=cluster_cidrs,
            service_cidrs=service_cidrs,
            settings=settings,
        )
        per_cluster[key] = world
    return world


# --- results ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceStep:
    """One step on one node: a matched rule (``hook``/``table``/``chain``/``rule`` text and ``effect``), or a
    routing/delivery step (``hook`` is ``"route"`` or ``"deliver"``)."""

    node: str
    hook: str
    table: str
    chain: str
    rule: str
    effect: str
    rule_number: int = 0

    def __str__(self) -> str:
        # a routing or delivery step is the model's sentence (in the reader's language); a rule step is
        # notation: the hook, table and chain kube-proxy's rules name, and what the executor did
        if self.hook == "route":
            return _("[{node}] route: {effect}").format(node=self.node, effect=translate(self.effect))
        if self.hook == "deliver":
            return _("[{node}] deliver: {effect}").format(node=self.node, effect=translate(self.effect))
        where = f"{self.table}/{self.chain}" + (f"#{self.rule_number}" if self.rule_number else "")
        return f"[{self.node}] {self.hook} {where}: {self.effect}"

    def to_dict(self) -> dict[str, Any]:
        # plain strings: the English sentence, as before
        return {k: str(v) if isinstance(v, str) else v for k, v in dataclasses.asdict(self).items()}


@dataclass
class Hop:
    """What the executor did to the packet on one node."""

    node: str
    packet: Packet
    result: Any  # TraceResult


@dataclass
class Outcome:
    """One complete path of the packet with its probability.

    ``verdict`` is ``"delivered"``, ``"DROP"``, ``"REJECT"`` or ``"no route"``; ``delivered_to`` is
    ``(kind, name)`` (``pod``, ``node``, ``pod-network``, ``external``); ``endpoint`` the final ``ip:port``;
    ``source_seen`` the source address the receiver sees; ``masquerade`` whether any hop masqueraded.
    """

    probability: Fraction
    hops: list[Hop]
    steps: list[TraceStep]
    verdict: str
    reason: str = ""
    endpoint: str | None = None
    delivered_to: tuple[str, str] | None = None
    node: str | None = None
    source_seen: str | None = None
    masquerade: bool = False
    snat: bool = False

    @property
    def pod(self) -> str | None:
        return self.delivered_to[1] if self.delivered_to and self.delivered_to[0] == "pod" else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "probability": float(self.probability),
            "pod": self.pod,
            "node": self.node,
            "masquerade": self.masquerade,
            "source_seen": self.source_seen,
        }


@dataclass
class Trace:
    """The result of :func:`trace`: every possible path (``outcomes``), the one drawn with ``seed`` (``chosen``),
    and the steps of that one.

    :func:`k8snet.views.flow.trace_diagram` draws it; a notebook that imports :mod:`k8snet.views` shows it as
    that diagram."""

    source: str
    source_kind: str
    source_ip: str
    destination: str
    protocol: str
    mode: str
    entry_node: str | None
    outcomes: list[Outcome]
    chosen: Outcome
    seed: int = 0
    note: str = ""
    #: ``(kind, name, node)`` of the address the receiver sees as the source (see :meth:`World.locate`).
    seen_owner: tuple[str, str, str | None] | None = None

    @property
    def verdict(self) -> str:
        return self.chosen.verdict

    @property
    def reason(self) -> str:
        return self.chosen.reason

    @property
    def steps(self) -> list[TraceStep]:
        return self.chosen.steps

    @property
    def candidates(self) -> list[Outcome]:
        """The outcomes that reach a destination, each with its probability (one per endpoint)."""
        return [o for o in self.outcomes if o.verdict == "delivered"]

    @property
    def masquerade(self) -> bool:
        """Whether the packet is masqueraded on any path (upstream ``runPacketFlowTests``' ``masq``)."""
        return any(o.masquerade for o in self.outcomes)

    @property
    def snat(self) -> bool:
        return self.chosen.snat

    @property
    def source_seen(self) -> str | None:
        """The source address the receiving pod (or node) sees on the chosen path."""
        return self.chosen.source_seen

    def verdict_text(self) -> str:
        """Where the packet ended, in the reader's language (iptables verdicts, kube-proxy's comments, names
        and addresses as they are).

        >>> from k8snet.sim.cluster import Cluster
        >>> t = trace(Cluster(preset="minikube"), "minikube", "kube-system/kube-dns:dns-tcp")
        >>> print(t.verdict_text())  # doctest: +ELLIPSIS
        delivered to pod kube-system/coredns-... (10.244.0.2:53) on minikube
        """
        return _outcome_text(self.chosen)

    def snat_text(self) -> str:
        """Whether the packet was source-NATed, and the source address the backend sees."""
        o = self.chosen
        if o.verdict != "delivered":
            return _("no SNAT decision (the packet is not delivered)")
        if o.masquerade or o.snat:
            kind, name, _node = self.seen_owner or ("", "", None)
            if kind == "node":
                return _("MASQUERADE: the backend sees source {source} (node {node})").format(
                    source=o.source_seen, node=name
                )
            return _("MASQUERADE: the backend sees source {source}").format(source=o.source_seen)
        if self.source_kind == "pod":
            return _("no SNAT: the backend sees source {source} (the client pod)").format(
                source=o.source_seen
            )
        if self.source_kind == "node":
            return _("no SNAT: the backend sees source {source} (the node)").format(source=o.source_seen)
        return _("no SNAT: the backend sees source {source} (the client)").format(source=o.source_seen)

    def text(self) -> str:
        """A human-readable report: the model's words in the reader's language; the rules, the executor's
        effects (``DNAT to ...``, ``jump to ...``), names and addresses as they are."""
        head = _("trace {protocol} {source} ({source_ip}) -> {destination} [{mode}]").format(
            protocol=self.protocol,
            source=self.source,
            source_ip=self.source_ip,
            destination=self.destination,
            mode=self.mode,
        )
        if self.entry_node:
            head += _(", enters {node}").format(node=self.entry_node)
        lines = [head]
        if self.note:
            lines.append(_("  note: {note}").format(note=translate(self.note)))
        for s in self.steps:
            lines.append(f"  {s}")
            if s.rule:
                lines.append(f"      {s.rule}")
        if self.candidates:
            lines.append(_("candidates:"))
            # an IPv4 ip:port fits in 22 columns; [IPv6]:port may not
            width = max([22] + [len(c.endpoint or "-") for c in self.candidates])
            for c in self.candidates:
                where = c.pod or (c.delivered_to[1] if c.delivered_to else "?")
                lines.append(
                    f"  {c.endpoint or '-':<{width}} {float(c.probability):7.2%}  {where}"
                    + (_(" on {node}").format(node=c.node) if c.node and c.pod else "")
                    + (_("  (masqueraded)") if c.masquerade else "")
                )
            lines.append(
                _("chosen (seed {seed}): {endpoint}").format(
                    seed=self.seed, endpoint=self.chosen.endpoint or "-"
                )
            )
        lines.append(self.snat_text())
        lines.append(_("verdict: {verdict}").format(verdict=self.verdict_text()))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: verdict, candidates (endpoint + probability), masquerade, steps."""
        return {
            "source": self.source,
            "source_ip": self.source_ip,
            "destination": self.destination,
            "protocol": self.protocol,
            "mode": self.mode,
            "entry_node": self.entry_node,
            "verdict": self.verdict,
            "reason": str(self.reason),
            "verdict_text": _outcome_text(self.chosen, english=True),
            "candidates": [c.to_dict() for c in self.candidates],
            "chosen": self.chosen.endpoint,
            "masquerade": self.masquerade,
            "snat": self.snat,
            "source_seen": self.source_seen,
            "steps": [s.to_dict() for s in self.steps],
        }


#: The model's verdict that is no iptables target (``DROP`` and ``REJECT`` are notation and stay as printed).
_NO_ROUTE = N_("no route")


def _outcome_text(o: Outcome, english: bool = False) -> str:
    """:meth:`Trace.verdict_text` of an outcome (in English for ``english``: the value ``to_dict()`` keeps)."""
    tr = (lambda m: m) if english else _
    say = str if english else translate
    if o.verdict == "delivered":
        kind, name = o.delivered_to or ("", "")
        if kind == "pod":
            if o.node:
                return tr(N_("delivered to pod {pod} ({endpoint}) on {node}")).format(
                    pod=name, endpoint=o.endpoint, node=o.node
                )
            return tr(N_("delivered to pod {pod} ({endpoint})")).format(pod=name, endpoint=o.endpoint)
        template = {
            "node": N_("delivered to node {name} (a local process)"),
            "pod-network": N_("delivered to {name} (pod network; no such pod known)"),
            "external": N_("delivered to {name} outside the cluster, via the gateway"),
        }.get(kind, N_("delivered to {name}"))
        return tr(template).format(name=name)
    return say(verdict_message(o))


def verdict_message(o: Outcome) -> str:
    """Why an outcome was not delivered, as :meth:`Trace.verdict_text` writes it: ``DROP``/``REJECT`` as
    iptables names them with kube-proxy's comment (or the model's reason), or the model's ``no route``. A
    :class:`Message` where the model words it (:func:`~k8snet.i18n.translate` shows it in the reader's language).

    >>> o = Outcome(Fraction(1), [], [], "DROP", "default/web has no local endpoints")
    >>> verdict_message(o)
    'DROP: default/web has no local endpoints'
    """
    if o.verdict == "no route":
        return Message(N_("no route: {reason}"), reason=o.reason) if o.reason else Message(_NO_ROUTE)
    # the kernel's verdict as iptables names it is notation: this template is not translated, its reason may be
    return Message("{verdict}: {reason}", verdict=o.verdict, reason=o.reason) if o.reason else o.verdict


# --- endpoints of the walk --------------------------------------------------------------------------------------

_COMMENT = re.compile(r'--comment "([^"]*)"|--comment (\S+)|comment "([^"]*)"')


def _reason(result: Any, host: Any = None, mode: Any = None) -> str:
    """Why a packet was dropped or rejected: the comment kube-proxy put on the rule (or, in nftables, on the
    verdict-map element that matched), what the proxy ``mode`` says about a verdict no rule explains, else the
    rule text."""
    vr = result.verdict_rule
    if vr is None:
        return Message(N_("{verdict} by chain policy"), verdict=result.verdict)
    text = getattr(vr, "rule", "") or ""
    m = _COMMENT.search(text)
    comment: str = next((g for g in m.groups() if g), "") if m else ""
    template = mode.verdict_reasons.get(getattr(vr, "table", "")) if mode is not None else None
    if not comment and template:
        comment = Message(template, chain=vr.chain)
    for step in reversed(result.steps if not comment else []):
        em = re.match(r"(.+) in @([\w.-]+): ", step.effect)
        if em is None:
            continue
        for table in (getattr(host, "tables", None) or {}).values():
            lookup = getattr(table, "lookup_set", None)
            found = lookup(em.group(2)) if lookup else None
            for el in getattr(found, "elements", None) or []:
                if el.key_text() == em.group(1) and el.comment:
                    comment = Message(
                        N_("{comment} (element of @{set})"), comment=el.comment, set=em.group(2)
                    )
        if not comment:
            comment = Message(N_("{element} is in @{set}"), element=em.group(1), set=em.group(2))
        break
    return comment or text or result.verdict


def veth_name(pod_key: str) -> str:
    """The host side of a pod's veth pair, as a CNI names it: ``veth`` and a hash of the pod
    (``namespace/name``), so that a pod keeps its interface name across traces.

    >>> veth_name("default/client")
    'veth6844d090'
    """
    return "veth" + hashlib.sha256(pod_key.encode()).hexdigest()[:8]


def _steps(node: str, result: Any) -> list[TraceStep]:
    return [TraceStep(node, s.hook, s.table, s.chain, s.rule, s.effect, s.rule_number) for s in result.steps]


def _walk(world: World, packet: Packet, entry: str, max_hops: int = 4) -> list[Outcome]:
    """Every path of ``packet`` entering ``entry``: executor outcomes on each node, routed by the Network."""
    outcomes: list[Outcome] = []

    def visit(
        node: str, pkt: Packet, prob: Fraction, hops: list[Hop], steps: list[TraceStep], masq: bool
    ) -> None:
        # depth first, so outcomes stay in the order of the rules that chose them; the packet's family decides
        # which proxier's rules it meets (iptables or ip6tables, the ip or ip6 table)
        family = ip_family_of(pkt.dst_ip)
        host = world.host(node, family)
        for r in host.enumerate(pkt):
            p = prob * r.probability
            h = hops + [Hop(node, pkt, r)]
            st = steps + _steps(node, r)
            m = masq or r.masquerade
            if r.verdict != "ACCEPT":
                outcomes.append(
                    Outcome(
                        p,
                        h,
                        st,
                        r.verdict,
                        _reason(r, host, world.proxy_mode),
                        masquerade=m,
                        node=node,
                    )
                )
                continue
            dst = r.destination
            if r.path in ("input", "output+input"):
                st = st + [
                    TraceStep(
                        node,
                        "deliver",
                        "",
                        "",
                        "",
                        Message(N_("to a local process on {node} ({endpoint})"), node=node, endpoint=dst),
                    )
                ]
                outcomes.append(
                    Outcome(
                        p,
                        h,
                        st,
                        "delivered",
                        endpoint=dst,
                        delivered_to=("node", node),
                        node=node,
                        source_seen=r.src_ip,
                        masquerade=m,
                        snat=r.snat,
                    )
                )
                continue
            kind, name, owner_node = world.locate(r.dst_ip)
            snat = any(x.result.snat for x in h)
            if kind in ("pod", "pod-network") and owner_node == node:
                st = st + [
                    TraceStep(
                        node,
                        "deliver",
                        "",
                        "",
                        "",
                        Message(
                            N_("over {veth} to pod {pod} ({endpoint})")
                            if kind == "pod"
                            else N_("over {veth} to {address} ({endpoint})"),
                            veth=veth_name(name),
                            **({"pod": name} if kind == "pod" else {"address": name}),
                            endpoint=dst,
                        ),
                    )
                ]
                outcomes.append(
                    Outcome(
                        p,
                        h,
                        st,
                        "delivered",
                        endpoint=dst,
                        delivered_to=(kind, name),
                        node=node,
                        source_seen=r.src_ip,
                        masquerade=m,
                        snat=snat,
                    )
                )
            elif owner_node is not None and owner_node in world.node_by_name and len(h) < max_hops:
                via = world.settings_for(owner_node, family).node_ip
                st = st + [
                    TraceStep(
                        node,
                        "route",
                        "",
                        "",
                        "",
                        Message(
                            N_("{address} via {node} ({node_ip}) over eth0"),
                            address=r.dst_ip,
                            node=owner_node,
                            node_ip=via,
                        ),
                    )
                ]
                nxt = Packet(
                    r.src_ip,
                    r.dst_ip,
                    protocol=pkt.protocol,
                    src_port=r.src_port,
                    dst_port=r.dst_port,
                    in_interface="eth0",
                )
                visit(owner_node, nxt, p, h, st, m)
            elif kind == "pod-network":
                st = st + [
                    TraceStep(
                        node,
                        "route",
                        "",
                        "",
                        "",
                        Message(
                            N_("{address} is in the pod network; its node is not known, delivered as is"),
                            address=r.dst_ip,
                        ),
                    )
                ]
                outcomes.append(
                    Outcome(
                        p,
                        h,
                        st,
                        "delivered",
                        endpoint=dst,
                        delivered_to=(kind, name),
                        node=owner_node,
                        source_seen=r.src_ip,
                        masquerade=m,
                        snat=snat,
                    )
                )
            else:
                st = st + [
                    TraceStep(
                        node,
                        "route",
                        "",
                        "",
                        "",
                        Message(N_("{address} leaves the cluster via the gateway"), address=r.dst_ip),
                    )
                ]
                outcomes.append(
                    Outcome(
                        p,
                        h,
                        st,
                        "delivered",
                        endpoint=dst,
                        delivered_to=("external", name),
                        source_seen=r.src_ip,
                        masquerade=m,
                        snat=snat,
                    )
                )

    visit(entry, packet, Fraction(1), [], [], False)
    return outcomes


# --- source / destination parsing -------------------------------------------------------------------------------


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def parse_source(world: World, source: Any, family: str | None = None) -> tuple[str, str, str, str | None]:
    """Who sends: ``(kind, label, ip, node)`` with kind ``pod``, ``node`` or ``external``.

    ``source`` is a pod (``"namespace/name"``, a bare name in ``default``, or a Pod), a node name (or a Node),
    or an IP address (a pod's, a node's, or one outside the cluster). A pod or node sends from its address of
    ``family`` when given (a dual-stack pod has one per family, ``status.podIPs``), else from its first one.

    >>> from k8snet.sim.cluster import Cluster
    >>> world = world_for(Cluster(preset="minikube"))
    >>> parse_source(world, "minikube"), parse_source(world, "203.0.113.9")
    (('node', 'minikube', '192.168.49.2', 'minikube'), ('external', '203.0.113.9', '203.0.113.9', None))
    >>> parse_source(world, "minikube", "IPv6")
    Traceback (most recent call last):
    ...
    k8snet.errors.K8snetError: node minikube has no IPv6 address (InternalIPs: 192.168.49.2)
    """
    if hasattr(source, "kind") and getattr(source, "kind", None) == "Pod":
        key = f"{source.metadata.namespace or 'default'}/{source.metadata.name}"
        source = key
    if hasattr(source, "kind") and getattr(source, "kind", None) == "Node":
        source = source.metadata.name
    text = str(source)
    if text in world.node_by_name:
        ips = world.local_ips(text)
        if not ips:
            raise K8snetError(f"node {text} has no InternalIP")
        if family is not None:
            of_family = [ip for ip in ips if ip_family_of(ip) == family]
            if not of_family:
                raise K8snetError(f"node {text} has no {family} address (InternalIPs: {', '.join(ips)})")
            ips = of_family
        return "node", text, ips[0], text
    if (
        "/" in text
        and not _is_ip(text.split("/")[0])
        or (text in {k.split("/", 1)[1] for k in world.pod_by_key})
    ):
        key = text if "/" in text else f"default/{text}"
        pod = world.pod_by_key.get(key)
        if pod is None:
            raise K8snetError(f'pods "{key.split("/", 1)[1]}" not found')
        node = pod.spec.nodeName if pod.spec else None
        ips = _pod_ips(pod)
        if not ips or not node:
            raise K8snetError(f"pod {key} has no IP yet (not scheduled or not running)")
        ip = ips[0]
        if family is not None:
            of_family = [a for a in ips if ip_family_of(a) == family]
            if not of_family:
                raise K8snetError(f"pod {key} has no {family} address (podIPs: {', '.join(ips)})")
            ip = of_family[0]
        if pod.spec.hostNetwork:
            return "node", key, ip, node
        return "pod", key, ip, node
    if not _is_ip(text):
        raise K8snetError(f"unknown source {text!r}: give a pod (namespace/name), a node name or an IP")
    text = _canon(text)
    kind, name, node = world.locate(text)
    if kind == "pod":
        return "pod", name, text, node
    if kind == "node":
        return "node", name, text, node
    if kind == "pod-network":
        return "pod", text, text, node
    return "external", text, text, None


def source_for_family(world: World, source: Any, family: str) -> tuple[str, str, str, str | None]:
    """:func:`parse_source` for a packet of ``family``: a pod or node sends from its address of that family; an
    address of the other family is an error (a packet's addresses are of one family).

    >>> from k8snet.sim.cluster import Cluster
    >>> world = world_for(Cluster(preset="minikube"))
    >>> source_for_family(world, "203.0.113.9", "IPv6")
    Traceback (most recent call last):
    ...
    k8snet.errors.K8snetError: source 203.0.113.9 is an IPv4 address and the destination an IPv6 one: a packet's addresses are of one family
    """  # noqa: E501
    parsed = parse_source(world, source)
    src_family = ip_family_of(parsed[2])
    if src_family == family:
        return parsed
    if _is_ip(str(source)):
        raise K8snetError(
            f"source {parsed[2]} is an {src_family} address and the destination an {family} one: a packet's "
            "addresses are of one family"
        )
    return parse_source(world, source, family)


def parse_destination(
    world: World, destination: str, protocol: str | None
) -> tuple[str, int, str | None, str]:
    """``(ip, port, service, protocol)`` from ``IP:PORT``, ``[v6]:PORT`` or ``[ns/]service[:port]``.

    ``protocol`` ``None`` means TCP, or the protocol of the named Service port; a Service means its (primary)
    ClusterIP, ``spec.clusterIP``. An IPv6 destination is written ``[IP]:PORT``, as ``net.JoinHostPort`` does.

    >>> from k8snet.sim.cluster import Cluster
    >>> world = world_for(Cluster(preset="minikube"))
    >>> parse_destination(world, "kube-system/kube-dns:dns", None)
    ('10.96.0.10', 53, 'kube-system/kube-dns', 'UDP')
    >>> parse_destination(world, "10.96.0.10:53", None)
    ('10.96.0.10', 53, None, 'TCP')
    >>> parse_destination(world, "[FD00:10:96::A]:53", "UDP")
    ('fd00:10:96::a', 53, None, 'UDP')
    """
    text = destination.strip()
    m = re.fullmatch(r"\[([0-9a-fA-F:.]+)\]:(\d+)", text)
    if m:
        if not _is_ip(m.group(1)):
            raise K8snetError(f"destination {text!r}: {m.group(1)!r} is not an IP address")
        return _canon(m.group(1)), int(m.group(2)), None, protocol or "TCP"
    host, _, port = text.rpartition(":")
    if ":" in host and ("[" not in text and (_is_ip(host) or _is_ip(text))):
        # net.SplitHostPort: "too many colons in address"; an IPv6 address takes its port in brackets
        raise K8snetError(
            f"destination {text!r}: write an IPv6 address and its port as [IP]:PORT (e.g. [fd00:10:96::a]:80)"
        )
    if host and _is_ip(host) and port.isdigit():
        return host, int(port), None, protocol or "TCP"
    if _is_ip(text):
        raise K8snetError(f"destination {text!r} needs a port (IP:PORT)")
    name, _, port_s = text.partition(":")
    ns, _, svc_name = name.rpartition("/")
    ns = ns or "default"
    for svc in world.services:
        if svc.metadata.name == svc_name and (svc.metadata.namespace or "default") == ns:
            spec = svc.spec
            if not spec or not spec.clusterIP or spec.clusterIP == "None":
                raise K8snetError(
                    f"service {ns}/{svc_name} has no ClusterIP to send to (headless or "
                    "ExternalName: DNS answers with other addresses)"
                )
            ports = [p for p in spec.ports or [] if protocol is None or (p.protocol or "TCP") == protocol]
            if port_s:
                ports = [p for p in ports if p.name == port_s or str(p.port) == port_s]
            if not ports:
                raise K8snetError(
                    f"service {ns}/{svc_name} has no {protocol or ''} port {port_s!r}".replace("  ", " ")
                )
            return spec.clusterIP, ports[0].port, f"{ns}/{svc_name}", protocol or ports[0].protocol or "TCP"
    raise K8snetError(f'services "{svc_name}" not found')


def default_entry(
    world: World, kind: str, src_node: str | None, dst_ip: str, dst_port: int, protocol: str
) -> tuple[str | None, str]:
    """The node the packet enters (``None`` if there is none) and, if none, why.

    ``kind`` and ``src_node`` are those :func:`parse_source` gives; the rules are in the module docstring.

    >>> from k8snet.sim.cluster import Cluster
    >>> world = world_for(Cluster(preset="minikube"))
    >>> default_entry(world, "external", None, "192.168.49.2", 30000, "TCP")  # a NodePort on the node's IP
    ('minikube', '')
    >>> print(default_entry(world, "external", None, "10.96.0.10", 53, "UDP")[1])  # doctest: +ELLIPSIS
    nothing outside the cluster routes 10.96.0.10 to a node: ClusterIPs exist only in kube-proxy's rules...
    """
    if kind in ("pod", "node"):
        return src_node or world.nodes[0].metadata.name, ""
    if dst_ip in world.node_of_ip:
        return world.node_of_ip[dst_ip], ""
    addrs = world.service_addresses()
    if dst_ip in addrs["lb"]:
        nodes = world.lb_entry_nodes(dst_ip, dst_port, protocol)
        return nodes[0], ""
    if dst_ip in addrs["external"]:
        return world.nodes[0].metadata.name, ""
    if dst_ip in addrs["cluster"]:
        return None, Message(
            N_(
                "nothing outside the cluster routes {address} to a node: ClusterIPs exist only in "
                "kube-proxy's rules on the nodes (use a NodePort, a LoadBalancer or an externalIP, or pass "
                "entry_node to model a router that sends it to a node)"
            ),
            address=dst_ip,
        )
    kind_dst, _, _ = world.locate(dst_ip)
    if kind_dst in ("pod", "pod-network"):
        return None, Message(
            N_(
                "nothing outside the cluster routes {address} to a node: pod IPs are routed only between "
                "the nodes (pass entry_node to model a router that sends it to a node)"
            ),
            address=dst_ip,
        )
    return None, Message(
        N_("{address} is outside the cluster: the packet never reaches a node"), address=dst_ip
    )


# --- public entry points ----------------------------------------------------------------------------------------


def trace_world(
    world: World,
    source: Any,
    destination: str,
    protocol: str | None = None,
    entry_node: str | None = None,
    seed: int = 0,
) -> Trace:
    """:func:`trace` on an already built :class:`World`."""
    protocol = protocol.upper() if protocol else None
    kind, label, src_ip, src_node = parse_source(world, source)
    dst_ip, dst_port, service, protocol = parse_destination(world, destination, protocol)
    kind, label, src_ip, src_node = source_for_family(world, source, ip_family_of(dst_ip))
    dest_text = format_endpoint(dst_ip, dst_port) + (f" ({service})" if service else "")
    note = ""
    if entry_node is not None and entry_node not in world.node_by_name:
        raise K8snetError(f'nodes "{entry_node}" not found')
    if entry_node is not None and kind in ("pod", "node") and src_node and src_node != entry_node:
        note = Message(
            N_("the source lives on {node}; tracing as if it entered {entry_node}"),
            node=src_node,
            entry_node=entry_node,
        )
    if src_node is not None and src_node not in world.node_by_name:
        raise K8snetError(f"{label} is on node {src_node}, which is not among the nodes traced")
    entry = entry_node
    if entry is None:
        entry, why = default_entry(world, kind, src_node, dst_ip, dst_port, protocol)
        if entry is None:
            o = Outcome(Fraction(1), [], [], "no route", why, source_seen=None)
            return Trace(label, kind, src_ip, dest_text, protocol, world.mode, None, [o], o, seed)
    if kind == "pod" and (src_node is None or src_node == entry):
        iface = veth_name(label) if label in world.pod_by_key else "veth0"
        pkt = Packet(src_ip, dst_ip, protocol=protocol, dst_port=dst_port, in_interface=iface)
    elif kind == "node" and entry == src_node:
        pkt = Packet(src_ip, dst_ip, protocol=protocol, dst_port=dst_port)
    else:
        pkt = Packet(src_ip, dst_ip, protocol=protocol, dst_port=dst_port, in_interface="eth0")
    outcomes = _walk(world, pkt, entry)
    rng = random.Random(seed)
    x = rng.random()
    acc = 0.0
    chosen = outcomes[-1]
    for o in outcomes:
        acc += float(o.probability)
        if x < acc:
            chosen = o
            break
    seen = world.locate(chosen.source_seen) if chosen.source_seen else None
    return Trace(
        label, kind, src_ip, dest_text, protocol, world.mode, entry, outcomes, chosen, seed, note, seen
    )


def trace(
    cluster: Any,
    source: Any,
    destination: str,
    protocol: str | None = None,
    mode: str = "iptables",
    entry_node: str | None = None,
    settings: Any = None,
    seed: int = 0,
) -> Trace:
    """Trace one new connection from ``source`` to ``destination`` through ``cluster``.

    Parameters
    ----------
    cluster : Cluster
    source : str or Pod or Node
        A pod (``"default/client"``, or a Pod), a node name, or an IP (a pod's, a node's, or an external one).
    destination : str
        ``"IP:PORT"`` or a Service with a port (``"web:80"``, ``"kube-system/kube-dns:dns"``; a Service name means
        its ClusterIP).
    protocol : {"TCP", "UDP", "SCTP"}, optional
        Default TCP, or the protocol of the named Service port (``"kube-dns:dns"`` is UDP).
    mode : {"iptables", "nftables", "ipvs"}
    entry_node : str, optional
        The node the packet enters (default: the source's node, the node it is addressed to, or the load
        balancer's choice; see the module docstring).
    settings : dict or ProxierSettings, optional
        kube-proxy settings applied on every node (e.g. ``{"masquerade_all": True}``).
    seed : int
        Draws the ``chosen`` outcome.

    Returns
    -------
    Trace

    Example
    -------
    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> t = trace(c, "203.0.113.9", "10.96.0.10:53", protocol="UDP")
    >>> print(t.verdict_text())  # doctest: +ELLIPSIS
    no route: nothing outside the cluster routes 10.96.0.10 to a node: ClusterIPs exist only in kube-proxy's...
    """
    world = world_for(cluster, mode, settings)
    return trace_world(world, source, destination, protocol, entry_node, seed)


def trace_objects(
    nodes: Iterable[Any],
    pods: Iterable[Any],
    services: Iterable[Any],
    endpoint_slices: Iterable[Any],
    source: Any,
    destination: str,
    protocol: str | None = None,
    mode: str = "iptables",
    entry_node: str | None = None,
    settings: Any = None,
    seed: int = 0,
    cluster_cidr: str | None = None,
    service_cidrs: list[str] | None = None,
) -> Trace:
    """:func:`trace` without a Cluster: objects as given (no defaulting, no controllers).

    ``cluster_cidr`` is kube-proxy's ``--cluster-cidr`` on every node (``None``: no local-traffic detector).

    >>> from k8snet.api.core_v1 import Node, Service
    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> node = Node.model_validate({"metadata": {"name": "test-node"},
    ...     "status": {"addresses": [{"type": "InternalIP", "address": "192.168.0.2"}]}})
    >>> svc = Service.model_validate({"metadata": {"name": "svc1", "namespace": "ns1"},
    ...     "spec": {"clusterIP": "172.30.0.41", "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]}})
    >>> es = EndpointSlice.model_validate({"metadata": {"name": "svc1-1", "namespace": "ns1",
    ...     "labels": {"kubernetes.io/service-name": "svc1"}}, "addressType": "IPv4",
    ...     "endpoints": [{"addresses": ["10.180.0.1"]}], "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]})
    >>> t = trace_objects([node], [], [svc], [es], "10.0.0.2", "172.30.0.41:80", cluster_cidr="10.0.0.0/8")
    >>> [(c.endpoint, c.probability, c.masquerade) for c in t.candidates]
    [('10.180.0.1:80', Fraction(1, 1), False)]
    """
    world = World(
        nodes,
        pods,
        services,
        endpoint_slices,
        mode=mode,
        cluster_cidr=cluster_cidr,
        service_cidrs=service_cidrs,
        settings=settings,
    )
    return trace_world(world, source, destination, protocol, entry_node, seed)
