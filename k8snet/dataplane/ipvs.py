"""Run a packet through a node in kube-proxy's IPVS mode: netfilter hooks, IPVS, masquerade.

:class:`IPVSHost` takes an :class:`~k8snet.rules.ipvs.IPVSState` (or the text of ``ipvsadm-save -n``,
``ipset save`` and ``iptables-save``) and sends :class:`~k8snet.dataplane.packet.Packet` objects through the
hooks in kernel order, with IPVS (``net/netfilter/ipvs/ip_vs_core.c``) hooked in where the kernel hooks it:

* arriving from outside: ``PREROUTING`` (raw, mangle, nat) -> routing: a destination bound to
  ``kube-ipvs0`` (or a node address) is local -> ``INPUT`` (mangle, filter) -> **IPVS at LOCAL_IN**
  (``ip_vs_remote_request4``, priority ``NF_IP_PRI_NAT_SRC - 1``, after the filter table): a virtual server
  ``(protocol, address, port)`` schedules a real server and rewrites the destination; the packet leaves
  through ``OUTPUT`` (raw, mangle, filter) and ``POSTROUTING`` (mangle, nat: ``KUBE-POSTROUTING``
  masquerades marked packets and hairpin traffic). No virtual server: the packet is delivered locally
  (``INPUT`` nat). Not local: ``FORWARD``, ``POSTROUTING``;
* locally generated: ``OUTPUT`` raw, mangle, nat -> **IPVS at LOCAL_OUT** (``ip_vs_local_request4``,
  ``NF_IP_PRI_NAT_DST + 2``) -> ``OUTPUT`` filter -> ``POSTROUTING`` (-> ``INPUT`` via ``lo`` if the
  destination is the node itself).

The iptables part runs on :class:`~k8snet.dataplane.netfilter.NetfilterHost` (subclassed here so that
``-m set`` knows each set's type: ``bitmap:port`` holds ports, ``hash:ip,port,net`` a CIDR in its third
dimension). A virtual server with no real server of weight > 0 answers ICMP port unreachable
(``ip_vs_leave``): verdict ``REJECT``.

Scheduling: :meth:`IPVSHost.enumerate` lists every real server of weight > 0 with probability ``1/N``
(``rr``; the weighted schedulers ``wrr``/``wlc``/... are given ``weight/sum``, their long-run share);
:meth:`IPVSHost.send` follows a round-robin pointer per virtual server whose starting point is drawn from
the seeded RNG (in the kernel it depends on the order kube-proxy added the destinations, a Go map order).
Persistence (``persistent N``, ClientIP affinity): a template ``(protocol, client IP, VIP, port) -> real
server`` lasts ``N`` seconds after its last use; with ``expire_quiescent_template=1`` (kube-proxy sets it)
a template whose real server has weight 0 is dropped. Established connections keep their real server
(even with weight 0: graceful termination); if the real server was deleted the packet is dropped
(``expire_nodest_conn=1``). Connections expire after the IPVS timeouts (TCP 900 s, UDP 300 s).

Simplifications: no TCP state machine (a connection is active until it expires); MASQUERADE uses the first
node address of the family; ``-m physdev`` and ``-m ipvs`` matches are not evaluated (assumed to match, as
upstream's ``tracePacket`` does for unknown matches); the only rr order is the sorted destination list.

>>> from k8snet.rules.ipvs import IPSet, IPVSState, RealServer, VirtualServer
>>> vs = VirtualServer("TCP", "10.96.0.10", 80, real_servers=[RealServer("10.244.1.2", 8080),
...                                                            RealServer("10.244.2.2", 8080)])
>>> host = IPVSHost(IPVSState(virtual_servers=[vs], bound_addresses=["10.96.0.10"]),
...                 local_ips=["192.168.0.2"], seed=1)
>>> for r in host.enumerate(Packet("10.244.3.5", "10.96.0.10", dst_port=80, in_interface="cni0")):
...     print(r.destination, r.probability, r.verdict)
10.244.1.2:8080 1/2 ACCEPT
10.244.2.2:8080 1/2 ACCEPT
>>> [host.send(Packet("10.244.3.5", "10.96.0.10", src_port=p, dst_port=80, in_interface="cni0")).destination
...  for p in (1001, 1002, 1003)]
['10.244.1.2:8080', '10.244.2.2:8080', '10.244.1.2:8080']
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass, field, replace
from fractions import Fraction

from k8snet.dataplane.conntrack import as_time_source
from k8snet.dataplane.netfilter import (
    HOOK_TABLES,
    DataplaneError,
    NetfilterHost,
    PacketContext,
    Step,
    TraceResult,
)
from k8snet.dataplane.packet import Packet, format_endpoint
from k8snet.rules.ipvs import (
    IPSet,
    IPVSState,
    RealServer,
    VirtualServer,
    ipset_entry_matches,
    parse_ipset_save,
    parse_ipvsadm_save,
)

__all__ = ["IPVSHost", "IPVSTraceResult", "IPVSConnection", "IPVS_TIMEOUTS", "Packet"]

#: ``ipvsadm --set`` defaults (tcp, tcpfin, udp); kube-proxy keeps them unless ``--ipvs-tcp-timeout`` etc.
IPVS_TIMEOUTS = {"TCP": 900.0, "UDP": 300.0, "SCTP": 900.0}
_WEIGHTED = {"wrr", "wlc", "lc", "sed", "nq", "lblc", "lblcr", "dh", "sh", "mh", "fo", "ovf", "twos"}


@dataclass
class IPVSTraceResult(TraceResult):
    """:class:`~k8snet.dataplane.netfilter.TraceResult` plus what IPVS did: the virtual server that matched
    (``"10.96.0.10:80/TCP"``), the real server chosen, and whether a persistence template or an existing
    connection decided it."""

    virtual_server: str | None = None
    real_server: str | None = None
    scheduler: str | None = None
    reason: str = ""


@dataclass
class IPVSConnection:
    """An entry of the IPVS connection table (``ipvsadm -Lnc``)."""

    protocol: str
    client: tuple[str, int]
    virtual: tuple[str, int]
    destination: tuple[str, int]
    snat: tuple[str, int] | None
    expires: float
    vs_key: tuple[str, str, int] = field(default=("", "", 0))


class IPSetIndex:
    """The entries of one ipset as a hash, as the kernel's ``hash:*``/``bitmap:*`` sets are: membership of a
    packet is one dict lookup instead of :func:`~k8snet.rules.ipvs.ipset_entry_matches` on every entry (a
    scan made a packet cost O(#Services) in ``KUBE-CLUSTER-IP``).

    Each entry becomes the tuple that ``ipset_entry_matches`` compares, per dimension: ``ip`` the parsed address,
    ``port`` the entry's text (``bitmap:port``) or ``(protocol, port text)`` (``hash:...,port``). Entries with a
    ``net`` dimension (``hash:ip,port,net``, few: one per loadBalancerSourceRanges CIDR) are kept as text and
    tested one by one; entries that ``ipset_entry_matches`` can never accept (wrong number of parts,
    unparsable address, unknown dimension) are left out.
    """

    __slots__ = ("entries", "size", "dims", "bitmap", "exact", "scan")

    def __init__(self, s: IPSet):
        self.entries, self.size = s.entries, len(s.entries)
        self.dims = s.set_type.split(":", 1)[1].split(",")
        self.bitmap = s.set_type.startswith("bitmap:")
        self.exact: set[tuple] = set()
        self.scan: list[str] = []
        for e in s.entries:
            parts = e.split(",")
            if len(parts) != len(self.dims):
                continue
            if "net" in self.dims:
                self.scan.append(e)
                continue
            key = []
            for dim, part in zip(self.dims, parts, strict=True):
                if dim == "port":
                    key.append(part if self.bitmap else part.partition(":")[::2])
                elif dim == "ip":
                    try:
                        key.append(ipaddress.ip_address(part))
                    except ValueError:
                        break
                else:
                    break
            else:
                self.exact.add(tuple(key))

    def contains(self, set_type: str, values: list[tuple[str, int | None]], proto: str) -> bool:
        if len(values) < len(self.dims):
            return False
        if self.exact:
            key = []
            for dim, (ip, port) in zip(self.dims, values, strict=False):
                if dim == "port":
                    if port is None:
                        key = None
                        break
                    key.append(str(port) if self.bitmap else (proto, str(port)))
                else:
                    try:
                        key.append(ipaddress.ip_address(ip))
                    except ValueError:
                        key = None
                        break
            if key is not None and tuple(key) in self.exact:
                return True
        return any(ipset_entry_matches(set_type, e, values, proto) for e in self.scan)


class _SetAwareNetfilter(NetfilterHost):
    """NetfilterHost whose ``-m set`` knows the set types (the base class compares entry strings)."""

    def __init__(self, tables, typed_sets: dict[str, IPSet], **kw):
        self.typed_sets = typed_sets
        self._set_index: dict[str, IPSetIndex] = {}
        super().__init__(tables, **kw)

    def _in_ipset(self, ms, c) -> bool:
        s = self.typed_sets.get(ms.name)
        if s is None:
            raise DataplaneError(f"ipset {ms.name} does not exist")
        values = [(c.src_ip, c.sport) if flag == "src" else (c.dst_ip, c.dport) for flag in ms.flags]
        if ":" not in s.set_type:  # not an ipset type the index understands: the general matcher decides
            return any(ipset_entry_matches(s.set_type, e, values, c.proto) for e in s.entries)
        index = self._set_index.get(ms.name)
        # Rebuilt when the set object or its size changes (entries are only added while rules are rendered).
        if index is None or index.entries is not s.entries or index.size != len(s.entries):
            index = self._set_index[ms.name] = IPSetIndex(s)
        return index.contains(s.set_type, values, c.proto)


def _no_statistic(p):  # IPVS mode writes no -m statistic rules
    raise DataplaneError("-m statistic is not expected in IPVS-mode rules")


class IPVSHost:
    """One node in IPVS mode: iptables + ipsets + IPVS virtual servers + connection table.

    Parameters
    ----------
    state : IPVSState
        What kube-proxy programmed (:func:`k8snet.proxy.ipvs.render_ipvs`, or :meth:`from_text`).
    local_ips : list of str
        The node's own addresses (the first of each family is the MASQUERADE source); the addresses bound to
        ``kube-ipvs0`` are added to them (they are local to the kernel).
    clock : optional
        Time source for persistence templates and connection timeouts (``ManualClock``, the simulation
        clock or a callable returning seconds).
    seed : int
        Seeds the starting point of each round-robin pointer (and weighted choices).
    interface : str
        The node's egress interface.
    """

    def __init__(self, state: IPVSState, local_ips=(), clock=None, seed: int = 0, interface: str = "eth0"):
        self._now = as_time_source(clock)
        self.rng = random.Random(seed)
        self.state = state
        self.virtual_servers: dict[tuple[str, str, int], VirtualServer] = {}
        self.local_ips = list(local_ips)
        self.interface = interface
        self.connections: dict[tuple, IPVSConnection] = {}
        self.templates: dict[tuple, tuple[tuple[str, int], float]] = {}
        self._rr: dict[tuple[str, str, int], int] = {}
        self.load(state)

    @classmethod
    def from_text(cls, ipvsadm_save: str, ipset_save: str, iptables_save: str, bound_addresses=(), **kw):
        """Build a host from the text the node's tools print (``ipvsadm-save -n``, ``ipset save``,
        ``iptables-save``) and the addresses of ``kube-ipvs0``."""
        state = IPVSState(
            virtual_servers=parse_ipvsadm_save(ipvsadm_save),
            ipsets=parse_ipset_save(ipset_save),
            bound_addresses=list(bound_addresses),
            iptables=iptables_save,
        )
        return cls(state, **kw)

    def load(self, state: IPVSState) -> None:
        """Replace the programmed state (a new sync); connections and templates are kept."""
        self.state = state
        self.virtual_servers = {vs.key: vs for vs in state.virtual_servers}
        local = list(dict.fromkeys(self.local_ips + list(state.bound_addresses)))
        text = state.iptables_save() if state.iptables else "*filter\nCOMMIT\n"
        self.netfilter = _SetAwareNetfilter(
            text,
            {s.name: s for s in state.ipsets.values()},
            local_ips=local,
            clock=self._now,
            strict=False,
            interface=self.interface,
        )

    # -- scheduling --------------------------------------------------------------------------
    @staticmethod
    def candidates(vs: VirtualServer) -> list[tuple[RealServer, Fraction]]:
        """Real servers a new connection can go to, with their probability (``1/N`` for ``rr``)."""
        live = [
            rs
            for rs in sorted(vs.real_servers, key=lambda r: (ipaddress.ip_address(r.address), r.port))
            if rs.weight > 0
        ]
        if not live:
            return []
        if vs.scheduler in _WEIGHTED:
            total = sum(rs.weight for rs in live)
            return [(rs, Fraction(rs.weight, total)) for rs in live]
        return [(rs, Fraction(1, len(live))) for rs in live]

    def _next_rr(self, vs: VirtualServer, live: list[RealServer], dry_run: bool) -> RealServer:
        if vs.scheduler in _WEIGHTED:
            return self.rng.choices(live, weights=[rs.weight for rs in live])[0]
        pos = self._rr.get(vs.key)
        if pos is None:
            pos = self.rng.randrange(len(live))
        rs = live[pos % len(live)]
        if not dry_run:
            self._rr[vs.key] = (pos + 1) % len(live)
        return rs

    # -- the IPVS hook ---------------------------------------------------------------------------
    def _ipvs(self, c: PacketContext, hook: str, pick, dry_run: bool, info: dict) -> str | None:
        """IPVS for one packet: ``None`` when no virtual server matches, else the verdict."""
        key = (c.proto.upper(), c.dst_ip, c.dport)
        vs = self.virtual_servers.get(key)
        if vs is None:
            return None
        info.update(virtual_server=str(vs), scheduler=vs.scheduler, vs=vs)
        now = c.now
        conn = info.get("conn")
        line = f"{vs.protocol}  {format_endpoint(vs.address, vs.port)} {vs.scheduler}" + (
            f" persistent {vs.timeout}" if vs.persistent else ""
        )
        dest: tuple[str, int] | None = None
        if conn is not None and conn.vs_key == key:
            dest = conn.destination
            if not any((rs.address, rs.port) == dest for rs in vs.real_servers):
                # expire_nodest_conn=1: the real server was deleted; drop and forget the connection.
                info["reason"] = "connection to a deleted real server (expire_nodest_conn)"
                info["expire"] = True
                if c.record:
                    c.steps.append(Step(hook, "ipvs", str(vs), 0, line, "DROP (real server deleted)"))
                return "DROP"
            info["reason"] = "existing connection"
        if dest is None and vs.persistent:
            tpl = self.templates.get((vs.protocol, c.src_ip, vs.address, vs.port))
            if tpl is not None and tpl[1] > now:
                rs = next((r for r in vs.real_servers if (r.address, r.port) == tpl[0]), None)
                if rs is not None and rs.weight > 0:  # expire_quiescent_template=1
                    dest = tpl[0]
                    info["reason"] = "persistence template"
        if dest is None:
            cands = self.candidates(vs)
            if not cands:
                info["reason"] = "no real server: ICMP port unreachable (ip_vs_leave)"
                if c.record:
                    c.steps.append(Step(hook, "ipvs", str(vs), 0, line, "REJECT (no destination)"))
                info["reject_step"] = Step(hook, "ipvs", str(vs), 0, line, "REJECT")
                return "REJECT"
            rs, prob = pick(vs, cands)
            info["probability"] = prob
            info["reason"] = info.get("reason") or f"scheduled ({vs.scheduler})"
            dest = (rs.address, rs.port)
        c.set_dst(dest[0], dest[1])
        c.dnat = True
        c.ctstates = c.ctstates | {"DNAT"}
        info["real_server"] = format_endpoint(*dest)
        info["dest"] = dest
        if c.record:
            c.steps.append(
                Step(hook, "ipvs", str(vs), 0, line, f"Masq to {format_endpoint(*dest)} ({info['reason']})")
            )
        return "ACCEPT"

    # -- netfilter plumbing ---------------------------------------------------------------------
    def _run_tables(self, c: PacketContext, hook: str, tables: tuple[str, ...], nat: bool) -> str:
        nf = self.netfilter
        c.hook = hook
        for tname in HOOK_TABLES[hook]:
            if tname not in tables or (tname == "nat" and not nat):
                continue
            table = nf._compiled.get(tname)
            if table is None or hook not in table.chains:
                continue
            v = nf._run_chain(c, table, hook)
            if v is None:
                v = table.policies.get(hook, "ACCEPT")
                if c.record:
                    c.steps.append(Step(hook, tname, hook, 0, "", f"policy {v}"))
            if v != "ACCEPT":
                return v
        return "ACCEPT"

    def _process(self, packet: Packet, pick, dry_run: bool, record: bool) -> IPVSTraceResult:
        nf = self.netfilter
        c = PacketContext.for_packet(nf, packet, _no_statistic, dry_run, record, self._now())
        info: dict = {}

        ckey = (packet.protocol, packet.src_ip, packet.src_port, packet.dst_ip, packet.dst_port)
        conn = self.connections.get(ckey)
        if conn is not None and conn.expires <= c.now:
            conn = None
        reply = None if conn is not None else self._reply_of(packet, c.now)
        if reply is not None:
            return self._process_reply(packet, reply, c, dry_run)
        info["conn"] = conn
        new = conn is None
        c.ctstates = frozenset({"NEW"}) if new else frozenset({"ESTABLISHED"})
        local_origin = packet.in_interface is None and nf._is_local_n(c.src_v, c.src_n)
        verdict = "ACCEPT"
        ipvs_v = None
        if local_origin:
            path = "output"
            c.in_iface = None
            c.out_iface = "lo" if nf._is_local_n(c.dst_v, c.dst_n) else self.interface
            verdict = self._run_tables(c, "OUTPUT", ("raw", "mangle", "nat"), new)
            if verdict == "ACCEPT":
                ipvs_v = self._ipvs(c, "OUTPUT", pick, dry_run, info)
                if ipvs_v is not None:
                    verdict = ipvs_v
                    path = "output+ipvs"
            if verdict == "ACCEPT":
                verdict = self._run_tables(c, "OUTPUT", ("filter",), False)
            if verdict == "ACCEPT":
                to_self = nf._is_local_n(c.dst_v, c.dst_n)
                c.out_iface = "lo" if to_self else self.interface
                verdict = self._run_tables(c, "POSTROUTING", ("mangle", "nat"), new)
                self._apply_snat(c, conn)
                if verdict == "ACCEPT" and to_self and ipvs_v is None:
                    path = "output+input"
                    c.in_iface = "lo"
                    verdict = self._run_tables(c, "INPUT", ("mangle", "filter", "nat"), new)
        else:
            c.in_iface = packet.in_interface or self.interface
            c.out_iface = None
            path = "prerouting"
            verdict = self._run_tables(c, "PREROUTING", ("raw", "mangle", "nat"), new)
            if verdict == "ACCEPT":
                if nf._is_local_n(c.dst_v, c.dst_n):
                    path = "input"
                    verdict = self._run_tables(c, "INPUT", ("mangle", "filter"), False)
                    if verdict == "ACCEPT":
                        ipvs_v = self._ipvs(c, "INPUT", pick, dry_run, info)
                        if ipvs_v is None:
                            verdict = self._run_tables(c, "INPUT", ("nat",), new)
                        else:
                            path = "input+ipvs"
                            verdict = ipvs_v
                            if verdict == "ACCEPT":
                                # ip_vs_nat_xmit sends the rewritten packet through LOCAL_OUT (nat already
                                # bound for this connection) and POSTROUTING.
                                c.out_iface = self.interface
                                verdict = self._run_tables(c, "OUTPUT", ("raw", "mangle", "filter"), False)
                                if verdict == "ACCEPT":
                                    verdict = self._run_tables(c, "POSTROUTING", ("mangle", "nat"), new)
                                    self._apply_snat(c, conn)
                else:
                    path = "forward"
                    c.out_iface = self.interface
                    verdict = self._run_tables(c, "FORWARD", ("mangle", "filter"), False)
                    if verdict == "ACCEPT":
                        verdict = self._run_tables(c, "POSTROUTING", ("mangle", "nat"), new)
                        self._apply_snat(c, conn)

        if not dry_run:
            self._commit(packet, c, info, verdict, ckey, conn)
        vr = None
        if info.get("reject_step") is not None and verdict == "REJECT":
            vr = info["reject_step"]
        elif c.explicit is not None:
            cr, chain = c.explicit
            vr = Step("", "filter", chain, cr.number, cr.rule.text, cr.kind.upper())
        return IPVSTraceResult(
            packet=packet,
            path=path,
            ctstate="NEW" if new else "ESTABLISHED",
            direction="original",
            verdict=verdict,
            verdict_rule=vr,
            src_ip=c.src_ip,
            src_port=c.sport,
            dst_ip=c.dst_ip,
            dst_port=c.dport,
            dnat=c.dnat,
            masquerade=c.masquerade,
            snat=(c.src_ip, c.sport) != (packet.src_ip, packet.src_port),
            steps=c.steps,
            rules_evaluated=c.evaluated,
            probability=info.get("probability", Fraction(1)),
            mark=c.mark,
            virtual_server=info.get("virtual_server"),
            real_server=info.get("real_server"),
            scheduler=info.get("scheduler"),
            reason=info.get("reason", ""),
        )

    def _apply_snat(self, c: PacketContext, conn: IPVSConnection | None) -> None:
        if conn is not None:
            if conn.snat is not None:
                c.set_src(*conn.snat)
                c.masquerade = True
        elif c.snat_to is not None:
            c.set_src(c.snat_to[0], c.snat_to[1] if c.snat_to[1] is not None else c.sport)

    def _commit(
        self,
        packet: Packet,
        c: PacketContext,
        info: dict,
        verdict: str,
        ckey: tuple,
        conn: IPVSConnection | None,
    ) -> None:
        vs: VirtualServer | None = info.get("vs")
        if info.get("expire"):
            self.connections.pop(ckey, None)
            return
        if verdict != "ACCEPT" or vs is None or "dest" not in info:
            return
        timeout = IPVS_TIMEOUTS.get(packet.protocol, 300.0)
        if conn is None:
            snat = (c.src_ip, c.sport) if (c.src_ip, c.sport) != (packet.src_ip, packet.src_port) else None
            self.connections[ckey] = IPVSConnection(
                packet.protocol,
                (packet.src_ip, packet.src_port),
                (packet.dst_ip, packet.dst_port),
                info["dest"],
                snat,
                c.now + timeout,
                vs.key,
            )
        else:
            conn.expires = c.now + timeout
        if vs.persistent:
            self.templates[(vs.protocol, packet.src_ip, vs.address, vs.port)] = (
                info["dest"],
                c.now + vs.timeout,
            )

    # -- replies ----------------------------------------------------------------------------------
    def _reply_of(self, packet: Packet, now: float) -> IPVSConnection | None:
        for conn in self.connections.values():
            if conn.expires <= now or conn.protocol != packet.protocol:
                continue
            src = conn.snat or conn.client
            if (packet.src_ip, packet.src_port) == conn.destination and (
                packet.dst_ip,
                packet.dst_port,
            ) == src:
                return conn
        return None

    def _process_reply(
        self, packet: Packet, conn: IPVSConnection, c: PacketContext, dry_run: bool
    ) -> IPVSTraceResult:
        # ip_vs_out / ip_vs_reply4: un-NAT the reply: source back to the VIP, destination back to the client.
        c.set_src(*conn.virtual)
        c.set_dst(*conn.client)
        step = Step(
            "FORWARD",
            "ipvs",
            f"{format_endpoint(*conn.virtual)}/{conn.protocol}",
            0,
            "",
            f"reply: source back to {format_endpoint(*conn.virtual)}",
        )
        if not dry_run:
            conn.expires = c.now + IPVS_TIMEOUTS.get(conn.protocol, 300.0)
        return IPVSTraceResult(
            packet=packet,
            path="reply",
            ctstate="ESTABLISHED",
            direction="reply",
            verdict="ACCEPT",
            verdict_rule=None,
            src_ip=c.src_ip,
            src_port=c.sport,
            dst_ip=c.dst_ip,
            dst_port=c.dport,
            dnat=False,
            masquerade=False,
            snat=False,
            steps=[step] if c.record else [],
            rules_evaluated=0,
            virtual_server=f"{format_endpoint(*conn.virtual)}/{conn.protocol}",
            real_server=format_endpoint(*conn.destination),
            reason="reply of an IPVS connection",
        )

    # -- public API ---------------------------------------------------------------------------------
    def send(self, packet: Packet, record: bool = True) -> IPVSTraceResult:
        """Send one packet: schedule (round robin from a seeded start), update connections and templates."""

        def pick(vs, cands):
            live = [rs for rs, _ in cands]
            rs = self._next_rr(vs, live, dry_run=False)
            return rs, next(p for r, p in cands if r is rs)

        return self._process(packet, pick, dry_run=False, record=record)

    trace = send

    def enumerate(self, packet: Packet, record: bool = True) -> list[IPVSTraceResult]:
        """Every outcome of ``packet`` with its probability, without changing any state.

        One outcome per schedulable real server (``1/N`` for ``rr``), or a single one when an existing
        connection or a persistence template decides, or when no virtual server matches.
        """
        choices: list = []

        def first(vs, cands):
            choices.extend(cands)
            return cands[0]

        result = self._process(packet, first, dry_run=True, record=record)
        if len(choices) <= 1:
            return [result]
        out = []
        for rs, prob in choices:
            out.append(
                self._process(
                    packet, lambda vs, cands, rs=rs, prob=prob: (rs, prob), dry_run=True, record=record
                )
            )
        return out

    def outcomes(self, packet: Packet) -> list[tuple[str, Fraction, bool]]:
        """``(output, probability, masquerade)`` per outcome, as :meth:`NetfilterHost.outcomes` gives them."""
        return [(r.output, r.probability, r.masquerade) for r in self.enumerate(packet, record=False)]

    def ipvsadm_lnc(self) -> str:
        """``ipvsadm -Lnc``: the connection table and persistence templates (``list_conn`` in ipvsadm.c:
        ``"%-3s %-6s %-11s %-18s %-18s %s\\n"``; expiry as ``mm:ss``). Templates show client port 0 and state
        ``NONE``; our connections are ``ESTABLISHED`` (TCP, SCTP) or ``UDP`` until they expire. Sorted by
        client address (the kernel prints its hash table order).

        >>> from k8snet.rules.ipvs import IPVSState, RealServer, VirtualServer
        >>> vs = VirtualServer("TCP", "10.96.0.1", 443, real_servers=[RealServer("172.18.0.2", 6443)])
        >>> h = IPVSHost(IPVSState(virtual_servers=[vs], bound_addresses=["10.96.0.1"]), local_ips=["172.18.0.3"])
        >>> _ = h.send(Packet("10.244.1.5", "10.96.0.1", src_port=51000, dst_port=443, in_interface="cni0"))
        >>> print(h.ipvsadm_lnc(), end="")
        IPVS connection entries
        pro expire state       source             virtual            destination
        TCP 15:00  ESTABLISHED 10.244.1.5:51000   10.96.0.1:443      172.18.0.2:6443
        """
        now = self._now()

        def expire(t: float) -> str:
            left = max(0, int(t - now))
            return f"{left // 60:02d}:{left % 60:02d}"

        rows = []
        for conn in self.connections.values():
            if conn.expires > now:
                state = "UDP" if conn.protocol == "UDP" else "ESTABLISHED"
                rows.append(
                    (
                        conn.client,
                        conn.protocol,
                        expire(conn.expires),
                        state,
                        format_endpoint(*conn.client),
                        format_endpoint(*conn.virtual),
                        format_endpoint(*conn.destination),
                    )
                )
        for (proto, cip, vip, vport), (dest, until) in self.templates.items():
            if until > now:
                rows.append(
                    (
                        (cip, 0),
                        proto,
                        expire(until),
                        "NONE",
                        format_endpoint(cip, 0),
                        format_endpoint(vip, vport),
                        format_endpoint(*dest),
                    )
                )
        rows.sort(key=lambda r: (ipaddress.ip_address(r[0][0]), r[0][1], r[1]))
        lines = [
            "IPVS connection entries",
            "pro expire {:<11} {:<18} {:<18} {}".format("state", "source", "virtual", "destination"),
        ]
        lines += [f"{p:<3} {e:<6} {s:<11} {c:<18} {v:<18} {d}" for _, p, e, s, c, v, d in rows]
        return "\n".join(lines) + "\n"

    def observed_state(self) -> IPVSState:
        """The programmed state with each real server's live connection count as ``ActiveConn`` (what
        ``ipvsadm -Ln`` shows now; pass it to ``render_ipvs(previous=...)`` for graceful termination)."""
        now = self._now()
        counts: dict[tuple, int] = {}
        for conn in self.connections.values():
            if conn.expires > now:
                k = (conn.vs_key, conn.destination)
                counts[k] = counts.get(k, 0) + 1
        servers = []
        for vs in self.state.virtual_servers:
            rss = [
                replace(rs, active_conn=counts.get((vs.key, (rs.address, rs.port)), 0))
                for rs in vs.real_servers
            ]
            servers.append(replace(vs, real_servers=rss))
        return replace(self.state, virtual_servers=servers)
