"""Connections, not requests: clients that keep connections open, as a node's kernel sees them.

kube-proxy's rules run for the *first packet of a connection* only. That packet is DNATed to an endpoint and
the node's conntrack table remembers the translation; every later packet of the connection, in both
directions, is rewritten from that entry without looking at the rules again. So a client that sends many
requests over one connection (HTTP keep-alive, HTTP/2, gRPC) sends all of them to one Pod, and a Pod added
later gets none of them until the client opens a new connection. This module drives exactly that through the
dataplane: every packet it sends goes through the client node's stateful executor (the rules kube-proxy wrote
for that node, :meth:`k8snet.sim.trace.World.new_host`) and its conntrack table.

* :class:`NodeKernel` is one node's kernel: the executor, its conntrack table, and kube-proxy's work on both
  after each change (:meth:`NodeKernel.program`: load the new rules, then delete stale UDP entries as
  ``pkg/proxy/conntrack/cleanup.go`` does, :mod:`k8snet.proxy.conntrack`). :meth:`NodeKernel.conntrack_list`
  prints the table as ``conntrack -L`` does.
* :class:`PodClient` is a process in a Pod: :meth:`~PodClient.connect` sends a TCP handshake (SYN, SYN/ACK,
  ACK), :meth:`~PodClient.request` sends one request and its response over an open connection,
  :meth:`~PodClient.close` an orderly close; :meth:`~PodClient.datagram` sends one UDP datagram from one
  socket. Each segment is also handed to the conntrack TCP/UDP tracker (:meth:`Conntrack.track
  <k8snet.dataplane.conntrack.Conntrack.track>`) with its flags, so ``conntrack -L`` shows the states and
  timeouts a node shows.
* :func:`record_phases` and :func:`simulate_load` run client groups against a Deployment for a number of
  simulated minutes while it is scaled up and rolled out: per-Pod requests per minute, for long-lived clients
  (a fixed number of connections each) and short-lived ones (a new connection per request).

Simplified, and said so in the book: only the client node's rules are run (for a Pod-to-ClusterIP connection
the other nodes only forward the already translated packets); a request and its response are one segment each;
when a Pod starts terminating its server closes its connections at once (a graceful shutdown: HTTP/2 GOAWAY,
keep-alive connections closed) and the client reconnects at its next request; the simulated client picks
source ports in order from 32768 (Linux picks them from ``ip_local_port_range`` by a hash); ``--proxy-mode``
``iptables`` and ``nftables`` (IPVS keeps its own connection table, listed by ``ipvsadm -Lnc``, which this
module does not model).

Example
-------
>>> from k8snet.sim.cluster import Cluster
>>> c = Cluster()
>>> _ = c.kubectl("create deployment web --image=nginx --replicas=3 --port=8080")
>>> _ = c.kubectl("expose deployment web --port=80 --target-port=8080")
>>> _ = c.kubectl("run client --image=curlimages/curl")
>>> client = PodClient(NodeKernel.for_cluster(c, "kind-worker2"), c.get("Pod", "client"))
>>> conn = client.connect("web:80")
>>> len({client.request(conn) for _ in range(10)})   # ten requests, one connection: one Pod
1
>>> print(client.kernel.conntrack_list(dport=80).stdout, end="")
tcp      6 86400 ESTABLISHED src=10.244.2.3 dst=10.100.48.116 sport=32768 dport=80 src=10.244.2.2 dst=10.244.2.3 sport=8080 dport=32768 [ASSURED] mark=0 use=1
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from k8snet.dataplane.conntrack import ConntrackEntry, ListResult, as_time_source, conntrack_list
from k8snet.dataplane.packet import Packet, format_endpoint
from k8snet.errors import K8snetError
from k8snet.proxy.conntrack import clean_stale_entries, cleanup_required
from k8snet.proxy.endpoints import endpoints_map
from k8snet.proxy.modes import proxy_mode
from k8snet.sim.trace import parse_destination, veth_name, world_for

__all__ = [
    "NodeKernel",
    "PodClient",
    "Connection",
    "Datagram",
    "EPHEMERAL_PORTS",
    "RESTARTED_AT",
    "restart_deployment",
    "ClientGroup",
    "Event",
    "Phase",
    "PodInfo",
    "record_phases",
    "LoadTimeline",
    "simulate_load",
]

#: Linux's default ``net.ipv4.ip_local_port_range``: the client ports of outgoing connections.
EPHEMERAL_PORTS = (32768, 60999)
#: The annotation ``kubectl rollout restart`` sets on the Pod template
#: (``staging/src/k8s.io/kubectl/pkg/polymorphichelpers/objectrestarter.go``).
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"

_MODES = ("iptables", "nftables")


def _check_mode(mode: str) -> None:
    proxy_mode(mode)  # unknown modes get kube-proxy's list
    if mode not in _MODES:
        raise K8snetError(
            f"connections are simulated in iptables and nftables mode; --proxy-mode={mode} keeps its own "
            "connection table (ipvsadm -Lnc), which k8snet does not model"
        )


def _key(pod: Any) -> str:
    return f"{pod.metadata.namespace or 'default'}/{pod.metadata.name}"


# --- one node's kernel ----------------------------------------------------------------------------------------


class NodeKernel:
    """One node's kernel: kube-proxy's rules in a stateful executor, and its conntrack table.

    Parameters
    ----------
    mode : {"iptables", "nftables"}
    node : str
        The node's name.
    local_ips : list of str
        The node's addresses.
    rules : str or parsed rules
        What the node's kube-proxy programmed (:meth:`k8snet.sim.trace.World.rules`), as text or as the mode's
        :meth:`~k8snet.proxy.modes.ProxyMode.parse` returns it.
    services, endpoint_slices : list
        What kube-proxy read, for its conntrack cleanup.
    clock : optional
        Time source (the cluster's clock, a :class:`~k8snet.dataplane.conntrack.ManualClock` or a callable
        returning seconds).
    seed : int
        Seeds the executor's random endpoint choice.
    """

    def __init__(
        self,
        mode: str,
        node: str,
        local_ips: Sequence[str],
        rules: Any,
        services: Iterable[Any],
        endpoint_slices: Iterable[Any],
        clock: Any = None,
        seed: int = 0,
    ):
        _check_mode(mode)
        self.mode = mode
        self.node = node
        self.local_ips = list(local_ips)
        self._now = as_time_source(clock)
        if isinstance(rules, str):
            self.host = proxy_mode(mode).executor(rules, self.local_ips, clock=self._now, seed=seed)
        else:  # already parsed (a recorded phase parses each node's rules once)
            self.host = proxy_mode(mode).executor("", self.local_ips, clock=self._now, seed=seed)
            self.host.load(rules)
        self.services = list(services)
        self.endpoint_slices = list(endpoint_slices)
        self._endpoints = endpoints_map(self.endpoint_slices, node)
        #: The entries kube-proxy deleted at the last :meth:`program` (stale UDP entries).
        self.last_cleaned: list[ConntrackEntry] = []
        self._cluster: Any = None
        self._world: Any = None

    @classmethod
    def for_cluster(cls, cluster: Any, node: str, mode: str = "iptables", seed: int = 0) -> NodeKernel:
        """The kernel of ``node`` in ``cluster``, on the cluster's clock; :meth:`sync` follows the cluster."""
        _check_mode(mode)
        world = world_for(cluster, mode)
        if node not in world.node_by_name:
            raise K8snetError(f'nodes "{node}" not found')
        kernel = cls(
            mode,
            node,
            world.local_ips(node),
            world.rules(node),
            world.services,
            world.endpoint_slices,
            clock=cluster.clock,
            seed=seed,
        )
        kernel._cluster, kernel._world = cluster, world
        return kernel

    @property
    def conntrack(self) -> Any:
        """The node's :class:`~k8snet.dataplane.conntrack.Conntrack` table."""
        return self.host.conntrack

    def now(self) -> float:
        return self._now()

    def program(
        self, rules: str, services: Iterable[Any], endpoint_slices: Iterable[Any]
    ) -> list[ConntrackEntry]:
        """One kube-proxy sync: load ``rules`` (conntrack is kept, as ``iptables-restore`` and ``nft -f`` keep
        it), then, if a UDP Service port's endpoints changed, ``CleanStaleEntries``. Returns the deleted
        entries."""
        self.host.load(rules)
        services, endpoint_slices = list(services), list(endpoint_slices)
        endpoints = endpoints_map(endpoint_slices, self.node)
        cleaned: list[ConntrackEntry] = []
        if cleanup_required(self._endpoints, endpoints):
            cleaned = clean_stale_entries(self.conntrack, services, endpoint_slices, self.node)
        self.services, self.endpoint_slices, self._endpoints = services, endpoint_slices, endpoints
        self.last_cleaned = cleaned
        return cleaned

    def sync(self) -> list[ConntrackEntry]:
        """For a kernel made by :meth:`for_cluster`: program what the cluster's objects now give (nothing if
        nothing changed). Returns the conntrack entries kube-proxy deleted."""
        if self._cluster is None:
            raise K8snetError("sync() follows a cluster; use program() for a kernel built from objects")
        world = world_for(self._cluster, self.mode)
        if world is self._world:
            return []
        self._world = world
        return self.program(world.rules(self.node), world.services, world.endpoint_slices)

    def conntrack_list(
        self, protocol: str | None = None, orig_dst: str | None = None, dport: int | None = None
    ) -> ListResult:
        """``conntrack -L`` on this node (``-p``, ``-d`` and ``--dport`` filters)."""
        return conntrack_list(self.conntrack, protocol, orig_dst, dport)

    # -- sending --
    def send(
        self, packet: Packet, flags: str = "", record: bool = False
    ) -> tuple[Any, ConntrackEntry | None, str]:
        """Send one packet through the executor, then hand it to the conntrack tracker with ``flags``.
        Returns the executor's result (with the rules it met when ``record``), the packet's conntrack entry
        (``None`` if it was dropped before one was made) and the packet's direction in it."""
        result = self.host.send(packet, record=record)
        found = self.conntrack.lookup(
            packet.protocol, (packet.src_ip, packet.src_port, packet.dst_ip, packet.dst_port)
        )
        if found is None:
            return result, None, "original"
        entry, direction = found
        self.conntrack.track(entry, direction, flags)
        return result, entry, direction


# --- a client process in a Pod ---------------------------------------------------------------------------------


@dataclass
class Connection:
    """One TCP connection from a client to a Service address.

    ``endpoint`` is where the client node's rules sent it (``ip:port``), ``pod`` the Pod that address belongs to
    (``namespace/name``), ``status`` ``"open"``, ``"closed"``, ``"refused"`` or ``"timed out"``.
    """

    client: str
    src_ip: str
    src_port: int
    dst_ip: str
    dst_port: int
    endpoint: str | None = None
    pod: str | None = None
    status: str = "open"
    opened_at: float = 0.0
    requests: int = 0
    #: The connection's conntrack entry on the client's node.
    entry: ConntrackEntry | None = field(default=None, repr=False, compare=False)
    #: What the connection's first packet (the SYN) met on the client's node, when recorded.
    first_packet: list[str] = field(default_factory=list, repr=False, compare=False)
    #: What the last recorded request's packet met.
    last_request: list[str] = field(default_factory=list, repr=False, compare=False)

    @property
    def open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Datagram:
    """Where one UDP datagram went: ``endpoint`` and ``pod``, or ``None`` and the verdict."""

    time: float
    src_port: int
    endpoint: str | None
    pod: str | None
    verdict: str
    new: bool


class PodClient:
    """A client process in the Pod ``pod`` whose node's kernel is ``kernel``.

    ``pods_by_ip`` names the Pod behind each endpoint address (default: the Pods of the kernel's cluster,
    looked up when a connection is made).
    """

    def __init__(self, kernel: NodeKernel, pod: Any, pods_by_ip: dict[str, str] | None = None):
        if pod.spec is None or pod.spec.nodeName != kernel.node:
            raise K8snetError(f"pod {_key(pod)} does not run on {kernel.node}")
        if not pod.status or not pod.status.podIP:
            raise K8snetError(f"pod {_key(pod)} has no IP yet (not scheduled or not running)")
        self.kernel = kernel
        self.key = _key(pod)
        self.ip = pod.status.podIP
        self.iface = veth_name(self.key)
        self._next_port = EPHEMERAL_PORTS[0]
        self._pods_by_ip = pods_by_ip
        self.connections: list[Connection] = []

    def _port(self) -> int:
        port = self._next_port
        self._next_port = port + 1 if port < EPHEMERAL_PORTS[1] else EPHEMERAL_PORTS[0]
        return port

    def _pod_of(self, ip: str) -> str | None:
        if self._pods_by_ip is not None:
            return self._pods_by_ip.get(ip)
        cluster = self.kernel._cluster
        if cluster is None:
            return None
        for pod in cluster.pods(None):
            if pod.status and pod.status.podIP == ip and not (pod.spec and pod.spec.hostNetwork):
                return _key(pod)
        return None

    def _address(self, destination: str, protocol: str | None) -> tuple[str, int, str]:
        world = self.kernel._world
        if world is not None:
            ip, port, _, proto = parse_destination(world, destination, protocol)
            return ip, port, proto
        host, _, port_text = destination.rpartition(":")
        if not host or not port_text.isdigit():
            raise K8snetError(
                f"destination {destination!r} needs IP:PORT (no cluster to look Services up in)"
            )
        return host, int(port_text), (protocol or "TCP").upper()

    def _reply_iface(self, backend_ip: str) -> str:
        pod = self._pod_of(backend_ip)
        cluster = self.kernel._cluster
        if pod is not None and cluster is not None:
            ns, _, name = pod.partition("/")
            obj = cluster.get("Pod", name, ns)
            if obj.spec and obj.spec.nodeName == self.kernel.node:
                return veth_name(pod)
        return "eth0"

    def connect(self, destination: str, record: bool = False) -> Connection:
        """Open a TCP connection to ``destination`` (``"web:80"``, ``"ns/svc:port"`` or ``"IP:PORT"``).

        The SYN runs the node's rules (a ``REJECT`` is ``refused``, a ``DROP`` ``timed out``); the SYN/ACK comes
        back from the endpoint and the ACK completes the handshake. With ``record``, the rules the SYN met are
        kept in :attr:`Connection.first_packet`.
        """
        dst_ip, dst_port, proto = self._address(destination, "TCP")
        if proto != "TCP":
            raise K8snetError(f"{destination} is a {proto} port; use datagram()")
        conn = Connection(self.key, self.ip, self._port(), dst_ip, dst_port, opened_at=self.kernel.now())
        syn = Packet(self.ip, dst_ip, "TCP", conn.src_port, dst_port, in_interface=self.iface)
        result, entry, _ = self.kernel.send(syn, "S", record)
        if record:
            conn.first_packet = [str(step) for step in result.steps]
        if result.verdict != "ACCEPT" or entry is None:
            conn.status = "refused" if result.verdict == "REJECT" else "timed out"
            if entry is not None:
                self.kernel.conntrack.delete(entry)
            self.connections.append(conn)
            return conn
        backend_ip, backend_port = entry.reply[0], entry.reply[1]
        conn.endpoint = format_endpoint(backend_ip, backend_port)
        conn.pod = self._pod_of(backend_ip)
        conn.entry = entry
        self._reply(conn, "SA")
        self._send(conn, "A")
        self.connections.append(conn)
        return conn

    def _send(self, conn: Connection, flags: str, record: bool = False) -> Any:
        pkt = Packet(self.ip, conn.dst_ip, "TCP", conn.src_port, conn.dst_port, in_interface=self.iface)
        return self.kernel.send(pkt, flags, record)

    def _reply(self, conn: Connection, flags: str) -> Any:
        ip, _, port = (conn.endpoint or "").rpartition(":")
        pkt = Packet(ip, self.ip, "TCP", int(port), conn.src_port, in_interface=self._reply_iface(ip))
        return self.kernel.send(pkt, flags)

    def request(self, conn: Connection, record: bool = False) -> str | None:
        """Send one request over ``conn`` and receive its response; returns the Pod that served it. The
        request's packet finds the connection's conntrack entry, so the rules are not consulted. With
        ``record``, the rules the request's packet met are kept in :attr:`Connection.last_request`."""
        if not conn.open:
            raise K8snetError(f"connection {conn.src_ip}:{conn.src_port} is {conn.status}")
        result, entry, _ = self._send(conn, "PA", record)
        if record:
            conn.last_request = [str(step) for step in result.steps]
        served = format_endpoint(result.dst_ip, result.dst_port)
        if served != conn.endpoint:  # pragma: no cover - the entry always rewrites to the first choice
            raise K8snetError(f"request went to {served}, not to the connection's endpoint {conn.endpoint}")
        self._reply(conn, "PA")
        conn.requests += 1
        return conn.pod

    def close(self, conn: Connection, by: str = "client") -> None:
        """Close ``conn`` in order: FIN, ACK, FIN, ACK, from the client first (``by="client"``) or from the
        server (``by="server"``, a server shutting down). The entry then waits in ``TIME_WAIT``."""
        if not conn.open:
            return
        first, second = (self._send, self._reply) if by == "client" else (self._reply, self._send)
        first(conn, "FA")
        second(conn, "A")
        second(conn, "FA")
        first(conn, "A")
        conn.status = "closed"

    def datagram(self, destination: str, src_port: int = 40000, reply: bool = False) -> Datagram:
        """Send one UDP datagram from the socket bound to ``src_port`` (``reply``: the server answers it, as a
        DNS server does; a metrics collector such as statsd does not)."""
        dst_ip, dst_port, proto = self._address(destination, "UDP")
        if proto != "UDP":
            raise K8snetError(f"{destination} is a {proto} port; use connect()")
        new = self.kernel.conntrack.lookup("UDP", (self.ip, src_port, dst_ip, dst_port)) is None
        pkt = Packet(self.ip, dst_ip, "UDP", src_port, dst_port, in_interface=self.iface)
        result, entry, _ = self.kernel.send(pkt)
        now = self.kernel.now()
        if result.verdict != "ACCEPT" or entry is None:
            return Datagram(now, src_port, None, None, result.verdict, new)
        backend_ip, backend_port = entry.reply[0], entry.reply[1]
        pod = self._pod_of(backend_ip)
        if reply and pod is not None:
            back = Packet(
                backend_ip, self.ip, "UDP", backend_port, src_port, in_interface=self._reply_iface(backend_ip)
            )
            self.kernel.send(back)
        return Datagram(now, src_port, format_endpoint(backend_ip, backend_port), pod, "ACCEPT", new)


def restart_deployment(cluster: Any, name: str, namespace: str = "default") -> Any:
    """What ``kubectl rollout restart deployment/NAME`` does: set :data:`RESTARTED_AT` on the Pod template to
    the current time (RFC 3339), so the Deployment controller rolls out new Pods. Returns the Deployment.

    The model has no ``rollout`` command yet; this writes the same change through the API server.
    """
    dep = cluster.get("Deployment", name, namespace)
    template = dep.spec.template
    now = cluster.clock.now()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(now, datetime) else str(now)
    annotations = dict((template.metadata.annotations if template.metadata else None) or {})
    annotations[RESTARTED_AT] = stamp
    template.metadata.annotations = annotations
    out = cluster.api.update(dep)
    cluster.reconcile()
    return out


# --- load over time -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientGroup:
    """Client Pods that behave alike.

    ``connections``: how many connections each client keeps open and spreads its requests over (1 for an
    HTTP/2 or gRPC client, a few for an HTTP/1.1 keep-alive pool); ``0`` opens a new connection for every
    request and closes it afterwards. ``requests_per_minute``: per client.
    """

    name: str
    clients: tuple[str, ...]
    connections: int = 1
    requests_per_minute: int = 12

    def __post_init__(self):
        if self.connections < 0 or self.requests_per_minute < 0:
            raise K8snetError("connections and requests_per_minute must not be negative")


@dataclass(frozen=True)
class Event:
    """Something done to the Deployment at the start of ``minute``: ``("scale", replicas)`` or ``("rollout",
    None)`` (what ``kubectl rollout restart`` does, :func:`restart_deployment`)."""

    minute: int
    action: str
    value: int | None = None

    def __post_init__(self):
        if self.action not in ("scale", "rollout"):
            raise K8snetError(f"unknown event {self.action!r}; choose scale or rollout")
        if self.action == "scale" and (self.value is None or self.value < 0):
            raise K8snetError("a scale event needs a replica count")

    def text(self) -> str:
        return f"scale to {self.value}" if self.action == "scale" else "rollout"


@dataclass(frozen=True)
class PodInfo:
    """A Pod as one phase sees it."""

    key: str
    node: str
    ready: bool
    terminating: bool


@dataclass
class Phase:
    """The cluster from ``minute`` on, until the next phase: each client node's rules and the objects kube-proxy
    read, and the Pods by IP."""

    minute: int
    rules: dict[str, str]
    local_ips: dict[str, list[str]]
    services: list[Any]
    endpoint_slices: list[Any]
    pods: dict[str, PodInfo]
    events: list[Event] = field(default_factory=list)
    _parsed: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False, compare=False)

    def parsed_rules(self, node: str, mode: str) -> Any:
        """``node``'s rules parsed for ``mode``'s executor (parsed once, reused by every simulation)."""
        key = (node, mode)
        if key not in self._parsed:
            self._parsed[key] = proxy_mode(mode).parse(self.rules[node])
        return self._parsed[key]


def record_phases(
    cluster: Any,
    deployment: str,
    events: Iterable[Event],
    minutes: int,
    nodes: Iterable[str],
    mode: str = "iptables",
    namespace: str = "default",
) -> list[Phase]:
    """Run ``events`` on ``cluster`` over ``minutes`` simulated minutes and record a :class:`Phase` each time the
    cluster's objects change (the first at minute 0). The cluster's clock advances by ``minutes``.

    Terminating Pods stay in the EndpointSlice (``serving``/``terminating``) for their grace period (30 s),
    then go: a rollout therefore shows as a phase with both ReplicaSets' Pods and, a minute later, one with the
    new Pods only.
    """
    _check_mode(mode)
    nodes = list(nodes)
    pending = sorted(events, key=lambda e: e.minute)
    phases: list[Phase] = []
    last_rv = None
    minute = 0
    while minute < minutes:
        done = [e for e in pending if e.minute == minute]
        for e in done:
            if e.action == "scale":
                cluster.scale("deployment", deployment, e.value, namespace)
            else:
                restart_deployment(cluster, deployment, namespace)
        rv = cluster.store.resource_version
        if rv != last_rv:
            phases.append(_snapshot(cluster, mode, nodes, minute, done))
            last_rv = rv
        elif done:
            phases[-1].events.extend(done)
        # jump to the next event, or to the next minute while Pods are terminating (their grace period ends)
        following = min([e.minute for e in pending if e.minute > minute] + [minutes])
        if any(info.terminating for info in phases[-1].pods.values()):
            following = min(following, minute + 1)
        cluster.clock.advance(seconds=60 * (following - minute))
        minute = following
    return phases


def _snapshot(cluster: Any, mode: str, nodes: list[str], minute: int, events: list[Event]) -> Phase:
    world = world_for(cluster, mode)
    pods = {}
    for p in world.pods:
        ip = p.status.podIP if p.status else None
        if ip and not (p.spec and p.spec.hostNetwork):
            pods[ip] = PodInfo(
                _key(p), p.spec.nodeName or "", p.is_ready(), p.metadata.deletionTimestamp is not None
            )
    return Phase(
        minute,
        {n: world.rules(n) for n in nodes},
        {n: world.local_ips(n) for n in nodes},
        [s.model_copy(deep=True) for s in world.services],
        [s.model_copy(deep=True) for s in world.endpoint_slices],
        pods,
        list(events),
    )


@dataclass
class LoadTimeline:
    """Requests per minute that each Pod served, per client group, over the simulated minutes.

    ``requests[group][pod]`` lists one count per minute; ``pods[pod]`` is ``(first minute, last minute)`` the
    Pod existed; ``connections_opened[group]`` counts new connections per minute (each ran the rules once);
    ``conntrack_entries[node]`` the size of each client node's table at the end of each minute.
    """

    minutes: int
    groups: list[ClientGroup]
    events: list[Event]
    pods: dict[str, tuple[int, int]]
    requests: dict[str, dict[str, list[int]]]
    connections_opened: dict[str, list[int]]
    conntrack_entries: dict[str, list[int]]
    phase_minutes: list[int]

    def series(self, group: str) -> dict[str, list[tuple[int, int]]]:
        """``{pod name: [(minute, requests), ...]}`` over the minutes the Pod existed."""
        out = {}
        for pod, counts in self.requests[group].items():
            first, last = self.pods[pod]
            out[pod.split("/", 1)[-1]] = [(m, counts[m]) for m in range(first, last + 1)]
        return out

    def served(self, group: str, minutes: range) -> dict[str, int]:
        """Requests each Pod served over ``minutes`` (Pods that served none are listed with 0 if they existed)."""
        out = {}
        for pod, counts in self.requests[group].items():
            first, last = self.pods[pod]
            if first <= minutes[-1] and last >= minutes[0]:
                out[pod.split("/", 1)[-1]] = sum(counts[m] for m in minutes if first <= m <= last)
        return out


def simulate_load(
    phases: Sequence[Phase],
    groups: Sequence[ClientGroup],
    minutes: int,
    mode: str = "iptables",
    seed: int = 0,
    client_nodes: dict[str, str] | None = None,
    client_ips: dict[str, str] | None = None,
    destination: tuple[str, int] | None = None,
) -> LoadTimeline:
    """Run ``groups`` against the cluster ``phases`` describe, minute by minute, through each client node's kernel.

    ``client_nodes`` and ``client_ips`` give each client Pod (``namespace/name``) its node and address (default:
    read from the first phase); ``destination`` is the Service address ``(ClusterIP, port)`` the clients connect
    to. A client spreads its requests evenly over the minute; a long-lived client keeps ``connections``
    connections and sends its requests round robin over them, reconnecting when the server closed one; a
    short-lived client opens and closes one connection per request.
    """
    _check_mode(mode)
    if not phases:
        raise K8snetError("simulate_load needs at least one phase")
    if destination is None:
        raise K8snetError("simulate_load needs the destination (ClusterIP, port)")
    first = phases[0]
    all_clients = [c for g in groups for c in g.clients]
    if client_nodes is None or client_ips is None:
        by_key = {info.key: ip for ip, info in first.pods.items()}
        client_ips = client_ips or {c: by_key[c] for c in all_clients if c in by_key}
        client_nodes = client_nodes or {
            c: first.pods[client_ips[c]].node for c in all_clients if c in client_ips
        }
    missing = [c for c in all_clients if c not in client_nodes or c not in client_ips]
    if missing:
        raise K8snetError(f"client pods not found: {', '.join(missing)}")
    now = [0.0]
    clock = lambda: now[0]  # noqa: E731 - the kernels read the simulation's own time
    nodes = sorted(set(client_nodes.values()))
    kernels = {}
    for i, node in enumerate(nodes):
        if node not in first.rules:
            raise K8snetError(f"no rules recorded for node {node}")
        kernels[node] = NodeKernel(
            mode,
            node,
            first.local_ips[node],
            first.parsed_rules(node, mode),
            first.services,
            first.endpoint_slices,
            clock=clock,
            seed=seed + i,
        )
    pods_by_ip: dict[str, str] = {}
    clients: dict[str, _SimClient] = {}
    for c in all_clients:
        clients[c] = _SimClient(kernels[client_nodes[c]], c, client_ips[c], pods_by_ip)
        clients[c].destination = destination
    requests: dict[str, dict[str, list[int]]] = {g.name: {} for g in groups}
    opened = {g.name: [0] * minutes for g in groups}
    entries = {n: [0] * minutes for n in nodes}
    lifetimes: dict[str, list[int]] = {}
    phase_index = -1
    ordered = sorted(phases, key=lambda p: p.minute)
    for minute in range(minutes):
        now[0] = minute * 60.0
        while phase_index + 1 < len(ordered) and ordered[phase_index + 1].minute <= minute:
            phase_index += 1
            phase = ordered[phase_index]
            if phase_index > 0:
                for node, kernel in kernels.items():
                    kernel.program(phase.parsed_rules(node, mode), phase.services, phase.endpoint_slices)
            pods_by_ip.clear()
            pods_by_ip.update({ip: info.key for ip, info in phase.pods.items()})
            gone = {info.key for info in phase.pods.values() if info.terminating}
            alive = set(pods_by_ip.values())
            for client in clients.values():
                for conn in client.open_connections():
                    if conn.pod in gone or conn.pod not in alive:
                        client.close(conn, by="server")
        phase = ordered[phase_index]
        for info in phase.pods.values():
            if info.terminating:
                continue  # a terminating Pod gets no new connection and its server closed the old ones
            life = lifetimes.setdefault(info.key, [minute, minute])
            life[1] = minute
        for group in groups:
            counts = requests[group.name]
            for c_index, c in enumerate(group.clients):
                client = clients[c]
                n = group.requests_per_minute
                # each client starts at its own offset within the minute
                offset = (c_index + 1) / (len(group.clients) + 1) / max(n, 1)
                times = [minute * 60.0 + 60.0 * (offset + i / max(n, 1)) for i in range(n)]
                if group.connections == 0:
                    for t in times:
                        now[0] = t
                        conn = client.connect()
                        opened[group.name][minute] += 1
                        if conn.open:
                            client.request(conn, send=False)
                            _count(counts, conn.pod, minute, minutes)
                            client.close(conn, by="client")
                    continue
                pool = client.pool(group.name)
                for i, t in enumerate(times):
                    now[0] = t
                    slot = i % group.connections
                    while len(pool) <= slot:
                        pool.append(None)
                    current = pool[slot]
                    if current is None or not current.open:
                        current = client.connect()
                        opened[group.name][minute] += 1
                        pool[slot] = current
                    if current.open:
                        client.request(current)
                        _count(counts, current.pod, minute, minutes)
        now[0] = (minute + 1) * 60.0 - 1e-6
        for node, kernel in kernels.items():
            entries[node][minute] = len(kernel.conntrack)
    for group in groups:
        for pod in lifetimes:
            requests[group.name].setdefault(pod, [0] * minutes)
    # only the Pods behind the destination: those that served a request or are endpoints of the Service
    served = {p for g in requests.values() for p, counts in g.items() if any(counts)}
    backends = (served | _backend_pods(ordered, destination)) & set(lifetimes)
    for group in groups:
        requests[group.name] = {
            p: counts
            for p, counts in sorted(requests[group.name].items(), key=lambda kv: lifetimes[kv[0]])
            if p in backends
        }
    return LoadTimeline(
        minutes,
        list(groups),
        [e for p in ordered for e in p.events],
        {p: (lifetimes[p][0], lifetimes[p][1]) for p in sorted(backends, key=lambda p: lifetimes[p])},
        requests,
        opened,
        entries,
        [p.minute for p in ordered],
    )


def _count(counts: dict[str, list[int]], pod: str | None, minute: int, minutes: int) -> None:
    if pod is None:
        return
    counts.setdefault(pod, [0] * minutes)[minute] += 1


def _backend_pods(phases: Sequence[Phase], destination: tuple[str, int]) -> set[str]:
    """Pods that were endpoints of the Service at ``destination`` in any phase."""
    from k8snet.proxy.serviceport import service_port_map

    out = set()
    for phase in phases:
        names = {
            spn
            for spn, info in service_port_map(phase.services).items()
            if info.cluster_ip == destination[0] and info.port == destination[1]
        }
        for spn, eps in endpoints_map(phase.endpoint_slices, "").items():
            if spn in names:
                out |= {phase.pods[e.ip].key for e in eps if e.ip in phase.pods}
    return out


class _SimClient:
    """A :class:`PodClient` for :func:`simulate_load`: fixed destination, Pods looked up in the current phase."""

    def __init__(self, kernel: NodeKernel, key: str, ip: str, pods_by_ip: dict[str, str]):
        self.kernel = kernel
        self.key = key
        self.ip = ip
        self.iface = veth_name(key)
        self.destination: tuple[str, int] = ("", 0)
        self._next_port = EPHEMERAL_PORTS[0]
        self.pods_by_ip = pods_by_ip
        self.pools: dict[str, list[Connection | None]] = {}

    def pool(self, group: str) -> list[Connection | None]:
        return self.pools.setdefault(group, [])

    def open_connections(self) -> list[Connection]:
        return [c for pool in self.pools.values() for c in pool if c is not None and c.open]

    def connect(self) -> Connection:
        port = self._next_port
        self._next_port = port + 1 if port < EPHEMERAL_PORTS[1] else EPHEMERAL_PORTS[0]
        dst_ip, dst_port = self.destination
        conn = Connection(self.key, self.ip, port, dst_ip, dst_port, opened_at=self.kernel.now())
        result, entry, _ = self.kernel.send(
            Packet(self.ip, dst_ip, "TCP", port, dst_port, in_interface=self.iface), "S"
        )
        if result.verdict != "ACCEPT" or entry is None:
            conn.status = "refused" if result.verdict == "REJECT" else "timed out"
            return conn
        conn.endpoint = format_endpoint(entry.reply[0], entry.reply[1])
        conn.pod = self.pods_by_ip.get(entry.reply[0])
        # the rest of the handshake only moves the conntrack entry on (the executor would rewrite it from there)
        ct = self.kernel.conntrack
        ct.track(entry, "reply", "SA")
        ct.track(entry, "original", "A")
        conn.entry = entry
        return conn

    def request(self, conn: Connection, send: bool = True) -> None:
        """One segment each way. With ``send``, the request goes through the executor, which rewrites it from
        the connection's entry; without (the one request of a short-lived connection, right after its
        handshake) only the entry is updated."""
        entry = conn.entry
        if send:
            _, entry, _ = self.kernel.send(
                Packet(self.ip, conn.dst_ip, "TCP", conn.src_port, conn.dst_port, in_interface=self.iface),
                "PA",
            )
        elif entry is not None:
            self.kernel.conntrack.track(entry, "original", "PA")
        if entry is not None:
            self.kernel.conntrack.track(entry, "reply", "PA")
        conn.requests += 1

    def close(self, conn: Connection, by: str) -> None:
        entry = conn.entry
        if entry is not None and conn.open:
            ct = self.kernel.conntrack
            first, second = ("original", "reply") if by == "client" else ("reply", "original")
            for direction, flags in ((first, "FA"), (second, "A"), (second, "FA"), (first, "A")):
                ct.track(entry, direction, flags)
        conn.status = "closed"
