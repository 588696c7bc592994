"""Run nftables tables packet by packet: base chains on netfilter hooks, verdict maps, numgen, NAT.

:class:`NftHost` is one node's nftables dataplane as kube-proxy's nftables mode uses it. It takes parsed
:class:`~k8snet.rules.nftables.Table` objects (or ``nft -f`` / ``nft list`` text) and the node's addresses, and
sends :class:`~k8snet.dataplane.packet.Packet` objects through the hooks in kernel order:

* arriving from outside: ``prerouting`` -> routing decision -> ``input`` when the (DNATed) destination is a
  local address, else ``forward`` -> ``postrouting``;
* locally generated (``in_interface`` is ``None`` and the source is a node address): ``output`` -> routing ->
  ``postrouting`` -> ``input`` if addressed to the node itself.

On each hook, the base chains of every loaded table of the packet's family run in priority order (lowest first):
an ``ip`` table sees IPv4 packets, an ``ip6`` table IPv6 ones, an ``inet`` table both, so a dual-stack node's
``ip kube-proxy`` and ``ip6 kube-proxy`` tables can be loaded together; ``accept`` ends only
the current base chain, ``drop``/``reject`` end the packet. ``type nat`` chains run only for the first packet
of a connection; ``dnat to``/``masquerade`` end their base chain with accept, and the rewritten destination is
seen by later base chains of the same hook (so ``filter-output`` at priority 0 sees the endpoint, while
``filter-output-pre-dnat`` at -110 saw the service IP). Later packets are rewritten from conntrack
(:mod:`k8snet.dataplane.conntrack`), as in :mod:`k8snet.dataplane.netfilter`.

``numgen random mod N`` is a branch: :meth:`NftHost.enumerate` follows every value 0..N-1, each with exact
probability 1/N, like ``tracePacket`` in kubernetes/kubernetes ``pkg/proxy/nftables/helpers_test.go``
follows every ``goto endpoint-...``; :meth:`NftHost.send` draws one value with a seeded RNG and commits state:
conntrack entries and the elements that ``update @set { ip saddr }`` adds to dynamic sets (kube-proxy's
``affinity-...`` sets), which expire after the set's ``timeout`` on the injected clock.

Results are :class:`~k8snet.dataplane.netfilter.TraceResult` objects, the same type the iptables executor
returns, so modes can be compared: ``verdict``, final ``destination``, ``masquerade``, ``probability``,
``steps`` (``Step.table`` is ``"ip kube-proxy"``, ``Step.chain`` the nft chain, ``Step.rule_number`` 1-based)
and ``rules_evaluated``.

>>> host = NftHost('''
... add table ip kube-proxy
... add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
... add chain ip kube-proxy svc
... add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }
... add rule ip kube-proxy nat-prerouting ip daddr . meta l4proto . th dport vmap @service-ips
... add rule ip kube-proxy svc numgen random mod 2 vmap { 0 : goto ep1 , 1 : goto ep2 }
... add chain ip kube-proxy ep1
... add rule ip kube-proxy ep1 meta l4proto tcp dnat to 10.180.0.4:80
... add chain ip kube-proxy ep2
... add rule ip kube-proxy ep2 meta l4proto tcp dnat to 10.180.0.5:80
... add element ip kube-proxy service-ips { 172.30.0.44 . tcp . 80 : goto svc }
... ''', local_ips=["192.168.0.2"], seed=1)
>>> for o in host.enumerate(Packet("10.0.0.2", "172.30.0.44", dst_port=80)):
...     print(o.destination, o.probability)
10.180.0.4:80 1/2
10.180.0.5:80 1/2

Simplifications (as in :mod:`k8snet.dataplane.netfilter`): one egress interface whose address is the first
node IP of the packet's family (the ``masquerade`` source; the source port is kept, ``fully-random`` is
ignored); locally generated packets to the node itself skip the ``prerouting`` pass on ``lo``; only the
expressions kube-proxy writes (plus a few common ones) are implemented, anything else raises
:class:`~k8snet.dataplane.netfilter.DataplaneError`. Coexistence with iptables (``iptables-nft`` tables on the
same hooks) is not modelled: only the nft tables given here run.
"""

from __future__ import annotations

import ipaddress
import random
import re
from collections.abc import Callable
from fractions import Fraction

from k8snet.dataplane.conntrack import Conntrack, ConntrackEntry, as_time_source
from k8snet.dataplane.netfilter import DataplaneError, Step, TraceResult
from k8snet.dataplane.packet import Packet, format_endpoint
from k8snet.rules.nftables import (
    Chain,
    Element,
    Lookup,
    MarkSet,
    Masquerade,
    Match,
    NamedSet,
    Nat,
    Noop,
    Reject,
    Rule,
    SetUpdate,
    Table,
    Verdict,
    VerdictMap,
    dump_table,
    parse_nftables,
    tokenize,
    written_rule,
)
from k8snet.rules.nftables.parse import (
    apply_chain_spec,
    apply_set_spec,
    brace_body,
    parse_element_items,
    spec_clauses,
)
from k8snet.rules.nftables.rule import NftParseError

KUBE_PROXY_TABLE = "kube-proxy"

#: The IP version whose packets a table of the family sees (families not listed see both).
_FAMILY_VERSION = {"ip": 4, "ip6": 6}

__all__ = ["NftHost", "HOOK_ORDER", "NFTables", "NftTransactionError"]

HOOK_ORDER = ("prerouting", "input", "forward", "output", "postrouting")

_PROTO_NUMBERS = {"icmp": 1, "tcp": 6, "udp": 17, "sctp": 132, "icmpv6": 58}


# --- indexed set/map lookups -------------------------------------------------------------------------------
#
# A kube-proxy table has one ``service-ips``/``no-endpoint-services``/``cluster-ips`` element per Service port,
# and every new connection looks its destination up in them: a scan of the elements made a packet cost O(#Services).
# The kernel hashes exact keys (and keeps interval sets in a tree), so a lookup is one step; ``rules_evaluated``
# counts the rule that does the lookup, whatever the index.
#
# The index reproduces ``NftHost._literal_matches`` exactly. What a literal means depends on the type of the
# packet value it is compared with, so elements are indexed per *signature* (the kinds of the packet values):
#   ip    IPv4Address/IPv6Address: "A" -> the address; "A/N" -> (version, N) and the masked network;
#         "A-B" -> scanned; unparsable -> never matches;
#   int   "N" (any base int(x, 0) takes) -> N; "A-B" -> scanned; unparsable -> never matches;
#   proto a protocol name ("tcp"): "6" and "tcp" both -> its number; another name -> never matches;
#   str   any other string: the literal without quotes.
# Elements are grouped by *shape* (which key parts are exact and which are prefixes of which length); a lookup
# probes one dict per shape (exact: one; with CIDRs: one per prefix length) and scans only the elements with a
# range or an odd literal, keeping the first match in element order, as the scan did.

_NEVER = object()  # this literal can never match a value of this kind
_SCAN = object()  # this literal needs the general matcher (ranges, digits that int() refuses)
_IP_TYPES = (ipaddress.IPv4Address, ipaddress.IPv6Address)


def _kind(value) -> str | None:
    """The index kind of a packet value; ``None`` for values the index does not handle (scan instead)."""
    if isinstance(value, _IP_TYPES):
        return "ip"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        # a digit string that is not a protocol name compares as a string with "6" but int() with nothing:
        # rare enough (nothing kube-proxy writes) to leave to the scan.
        return "proto" if value in _PROTO_NUMBERS else (None if value.isdigit() else "str")
    return None


def _probe_value(kind: str, value):
    return ("p", _PROTO_NUMBERS[value]) if kind == "proto" else value


def _literal_part(kind: str, literal: str):
    """``("x", key)``, ``("net", version, prefixlen, mask, network)``, ``_NEVER`` or ``_SCAN`` for one literal."""
    literal = literal.strip()
    if kind == "ip":
        if "/" in literal:
            try:
                net = ipaddress.ip_network(literal, strict=False)
            except (ValueError, TypeError):
                return _NEVER
            return ("net", net.version, net.prefixlen, int(net.netmask), int(net.network_address))
        if "-" in literal:
            return _SCAN
        try:
            return ("x", ipaddress.ip_address(literal))
        except (ValueError, TypeError):
            return _NEVER
    if kind == "int":
        if "-" in literal:
            return _SCAN
        try:
            return ("x", int(literal, 0))
        except ValueError:
            return _NEVER
    if kind == "proto":
        if literal.isdigit():
            return ("x", ("p", int(literal))) if literal.isascii() else _SCAN
        name = literal.strip('"')
        return ("x", ("p", _PROTO_NUMBERS[name])) if name in _PROTO_NUMBERS else _NEVER
    return ("x", literal.strip('"'))


class _ElementIndex:
    """Lookup structure for the elements of one named set or map, for one signature of packet value kinds."""

    __slots__ = ("shapes", "scan")

    def __init__(self, elements, kinds: tuple[str, ...]):
        #: shape (per key part: None for exact, (version, prefixlen, mask) for a prefix) -> {key: position}
        self.shapes: dict[tuple, dict[tuple, int]] = {}
        #: (position, element) of elements that need the general matcher, in element order
        self.scan: list = []
        for pos, e in enumerate(elements):
            if len(e.key) != len(kinds):
                continue
            parts = [_literal_part(k, lit) for k, lit in zip(kinds, e.key, strict=True)]
            if any(p is _NEVER for p in parts):
                continue
            if any(p is _SCAN for p in parts):
                self.scan.append((pos, e))
                continue
            shape = tuple(None if p[0] == "x" else p[1:4] for p in parts)
            key = tuple(p[1] if p[0] == "x" else p[4] for p in parts)
            self.shapes.setdefault(shape, {}).setdefault(key, pos)

    def first(self, values: tuple, kinds: tuple[str, ...], matches) -> int | None:
        """Position of the first element matching ``values`` (``matches(values, key)`` for scanned ones)."""
        best = None
        for shape, table in self.shapes.items():
            probe = []
            for part, kind, v in zip(shape, kinds, values, strict=True):
                if part is None:
                    probe.append(_probe_value(kind, v))
                elif v.version != part[0]:
                    break
                else:
                    probe.append(int(v) & part[2])
            else:
                pos = table.get(tuple(probe))
                if pos is not None and (best is None or pos < best):
                    best = pos
        for pos, e in self.scan:
            if best is not None and pos >= best:
                break
            if matches(values, e.key):
                return pos
        return best


class _TerminalVerdict(Exception):  # noqa: N818 - control flow, not an error
    """Raised inside a base chain for a verdict that ends it (accept/drop/reject, NAT)."""

    def __init__(self, verdict: str):
        self.verdict = verdict


class _Ctx:
    """Per-packet state while one outcome is computed."""

    def __init__(self, packet: Packet, choose: Callable[[int], int], now: float, record: bool):
        self.proto = packet.proto
        self.src = ipaddress.ip_address(packet.src_ip)
        self.sport = packet.src_port
        self.dst = ipaddress.ip_address(packet.dst_ip)
        self.dport = packet.dst_port
        self.mark = packet.mark
        self.choose = choose
        self.now = now
        self.record = record
        self.steps: list[Step] = []
        self.evaluated = 0
        self.set_updates: list[tuple[str, str, tuple]] = []
        self.dnat = False
        self.masquerade = False
        self.snat_to: str | None = None
        self.verdict_rule: Step | None = None
        self.hook = ""
        self.new = True  # conntrack state NEW (what "ct state new" tests)
        self.run_nat = True  # first packet of a connection: nat chains run
        self.in_iface: str | None = None
        self.out_iface: str | None = None


class NftHost:
    """One node's nftables ruleset + conntrack + dynamic-set contents.

    Parameters
    ----------
    tables : dict of Table, Table, str or NFTables
        Parsed tables (``parse_nftables`` result), one table, nft text, or a live :class:`NFTables` ruleset
        (the host then follows every transaction run on it).
    local_ips : list of str
        The node's addresses (``fib ... type local``; 127.0.0.0/8 and ::1 are always local). The first of
        each family is the masquerade source.
    clock : optional
        Time source for conntrack and set timeouts (``ManualClock``, the simulation clock, or a callable
        returning seconds).
    seed : int
        Seed of the RNG that :meth:`send` uses for ``numgen random``.
    interface : str
        Name of the node's one interface (``iifname``/``oifname``).
    """

    def __init__(
        self,
        tables: dict[str, Table] | Table | str,
        local_ips=(),
        clock=None,
        seed: int = 0,
        interface: str = "eth0",
        conntrack: Conntrack | None = None,
    ):
        self._now = as_time_source(clock)
        self.conntrack = conntrack if conntrack is not None else Conntrack(self._now)
        self.local_ips = list(local_ips)
        self._local = {ipaddress.ip_address(ip) for ip in self.local_ips}
        self.interface = interface
        self.rng = random.Random(seed)
        #: Elements added by ``update @set``: (table key, set name) -> {key tuple: expiry time}.
        self.dynamic: dict[tuple[str, str], dict[tuple, float]] = {}
        self.load(tables)

    def load(self, tables: dict[str, Table] | Table | str | NFTables) -> None:
        """Replace the ruleset (like ``nft -f`` of a whole table); conntrack and dynamic sets are kept
        for sets that still exist.

        Given :class:`NFTables`, the host runs whatever that ruleset holds when each packet arrives: the
        transactions of kube-proxy's :class:`~k8snet.proxy.nftables.NftablesProxier` change what the next
        packet meets."""
        if isinstance(tables, NFTables):
            self.nftables: NFTables | None = tables
            self._loaded_version = tables.version
            self._load_tables(tables.tables)
        else:
            self.nftables = None
            self._load_tables(tables)

    def _load_tables(self, tables: dict[str, Table] | Table | str) -> None:
        if isinstance(tables, str):
            tables = parse_nftables(tables)
        elif isinstance(tables, Table):
            tables = {tables.key: tables}
        self.tables = tables
        #: (id(set), value kinds) -> (set, its element list, its length, _ElementIndex); see _set_contains
        self._set_index: dict[tuple[int, tuple[str, ...]], tuple] = {}
        self.dynamic = {
            k: v
            for k, v in self.dynamic.items()
            if k[0] in tables and tables[k[0]].lookup_set(k[1]) is not None
        }
        # Per IP version, the base chains each hook runs: an "ip" table sees only IPv4 packets and an "ip6"
        # table only IPv6 ones (nft(8), ADDRESS FAMILIES); "inet" and the others see both.
        self._hooks_by_version: dict[int, dict[str, list[tuple[Table, Chain]]]] = {}
        for version in (4, 6):
            hooks = self._hooks_by_version[version] = {}
            for hook in HOOK_ORDER:
                chains = [
                    (t, c)
                    for t in tables.values()
                    if _FAMILY_VERSION.get(t.family, version) == version
                    for c in t.chains.values()
                    if c.hook == hook
                ]
                hooks[hook] = sorted(chains, key=lambda tc: tc[1].priority or 0)

    # -- address helpers --
    def is_local(self, ip) -> bool:
        """Whether ``ip`` is an address of this node (what ``fib daddr type local`` tests)."""
        a = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
        return a in self._local or a.is_loopback

    def _egress_ip(self, c: _Ctx) -> str:
        if c.out_iface == "lo":
            return "127.0.0.1" if c.dst.version == 4 else "::1"
        for ip in self.local_ips:
            a = ipaddress.ip_address(ip)
            if a.version == c.dst.version and not a.is_loopback:
                return str(a)
        raise DataplaneError(f"no IPv{c.dst.version} address to masquerade to (local_ips={self.local_ips})")

    # -- expression evaluation --
    def _selector_value(self, c: _Ctx, sel: str):
        if sel in ("ip daddr", "ip6 daddr"):
            return c.dst if (c.dst.version == 6) == (sel == "ip6 daddr") else None
        if sel in ("ip saddr", "ip6 saddr"):
            return c.src if (c.src.version == 6) == (sel == "ip6 saddr") else None
        if sel in ("meta l4proto", "ip protocol", "ip6 nexthdr"):
            return c.proto
        if sel in ("th dport", "th sport"):
            return c.dport if sel.endswith("dport") else c.sport
        if sel.split()[0] in ("tcp", "udp", "sctp"):
            proto, field_ = sel.split()
            if proto != c.proto:
                return None
            return c.dport if field_ == "dport" else c.sport
        if sel == "meta mark":
            return c.mark
        if sel == "ct state":
            return frozenset({"new"} if c.new else {"established"})
        if sel == "fib saddr type":
            return "local" if self.is_local(c.src) else "unicast"
        if sel == "fib daddr type":
            return "local" if self.is_local(c.dst) else "unicast"
        if sel == "meta iifname":
            return c.in_iface
        if sel == "meta oifname":
            return c.out_iface
        if sel == "meta nfproto":
            return "ipv6" if c.dst.version == 6 else "ipv4"
        raise DataplaneError(f"unsupported selector {sel!r}")

    @staticmethod
    def _literal_matches(actual, literal: str) -> bool:
        """Does the packet value ``actual`` match one literal (IP, CIDR, range, number, name)?"""
        if actual is None:
            return False
        literal = literal.strip()
        if isinstance(actual, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
            try:
                if "/" in literal:
                    return actual in ipaddress.ip_network(literal, strict=False)
                if "-" in literal:
                    lo, hi = (ipaddress.ip_address(x) for x in literal.split("-", 1))
                    return lo <= actual <= hi
                return actual == ipaddress.ip_address(literal)
            except (ValueError, TypeError):
                return False
        if isinstance(actual, frozenset):
            return literal in actual
        if isinstance(actual, int):
            if "-" in literal:
                lo, hi = literal.split("-", 1)
                return int(lo, 0) <= actual <= int(hi, 0)
            try:
                return actual == int(literal, 0)
            except ValueError:
                return False
        if isinstance(actual, str) and actual in _PROTO_NUMBERS and literal.isdigit():
            return _PROTO_NUMBERS[actual] == int(literal)
        return str(actual) == literal.strip('"')

    def _key_matches(self, actuals: tuple, key: tuple[str, ...]) -> bool:
        return len(actuals) == len(key) and all(
            self._literal_matches(a, k) for a, k in zip(actuals, key, strict=True)
        )

    def _values(self, c: _Ctx, selector: tuple[str, ...]) -> tuple:
        out = []
        for sel in selector:
            if sel.startswith("numgen "):
                words = sel.split()
                n = int(words[3])
                offset = int(words[5]) if len(words) > 5 else 0
                out.append(c.choose(n) + offset)
            else:
                out.append(self._selector_value(c, sel))
        return tuple(out)

    def _dynamic_has(self, table: Table, name: str, key: tuple, now: float) -> bool:
        d = self.dynamic.get((table.key, name))
        if not d:
            return False
        # ``update @set`` stores str() of the packet values, so a member is usually found by that key at once.
        probe = tuple(str(a) for a in key)
        expires = d.get(probe)
        if expires is not None and expires > now and self._key_matches(key, probe):
            return True
        for k, expires in d.items():
            if expires > now and self._key_matches(key, k):
                return True
        return False

    def _set_contains(self, c: _Ctx, table: Table, s: NamedSet, actuals: tuple):
        """The first element of ``s`` (in element order) whose key matches ``actuals``, or None.

        Looked up in an :class:`_ElementIndex` (built on first use per set and kinds of values, and rebuilt
        when the set's element list is replaced or changes length); values of kinds the index does not
        handle are matched element by element, as nft's semantics are defined here."""
        if any(a is None for a in actuals):
            return None  # _literal_matches(None, ...) is always false
        kinds = tuple(_kind(a) for a in actuals)
        if None in kinds:
            return self._scan_set(s, actuals)
        elements = s.elements
        cached = self._set_index.get((id(s), kinds))
        if cached is None or cached[0] is not s or cached[1] is not elements or cached[2] != len(elements):
            cached = (s, elements, len(elements), _ElementIndex(elements, kinds))
            self._set_index[id(s), kinds] = cached
        pos = cached[3].first(actuals, kinds, self._key_matches)
        return None if pos is None else elements[pos]

    def _scan_set(self, s: NamedSet, actuals: tuple):
        """The first element of ``s`` matching ``actuals``, testing every element (what the index replaces)."""
        for e in s.elements:
            if self._key_matches(actuals, e.key):
                return e
        return None

    # -- chain traversal --
    def _step(self, c: _Ctx, table: Table, chain: str, num: int, rule: Rule | None, effect: str) -> None:
        if c.record:
            c.steps.append(Step(c.hook, table.key, chain, num, rule.full_text if rule else "", effect))

    def _verdict(
        self, c: _Ctx, table: Table, chain: str, num: int, rule: Rule, verdict: tuple[str, ...], depth: int
    ) -> str | None:
        """Execute a verdict; returns "end" when the current chain must stop (return/goto), None to go on."""
        kind = verdict[0]
        if kind in ("accept", "drop"):
            if kind == "drop":
                c.verdict_rule = Step(c.hook, table.key, chain, num, rule.full_text, "DROP")
            raise _TerminalVerdict(kind.upper())
        if kind == "continue":
            return None
        if kind == "return":
            return "end"
        if kind in ("jump", "goto"):
            target = verdict[1]
            if target not in table.chains:
                raise DataplaneError(f"{kind} to missing chain {target!r} in {table.key}")
            self._run_chain(c, table, target, depth + 1)
            return "end" if kind == "goto" else None
        raise DataplaneError(f"unsupported verdict {' '.join(verdict)!r}")

    def _run_chain(self, c: _Ctx, table: Table, name: str, depth: int = 0) -> None:
        """Run ``name``; returns normally at its end or on ``return``; raises _Terminal on a final verdict."""
        if depth > 64:
            raise DataplaneError("chain recursion too deep")
        chain = table.chains[name]
        for num, rule in enumerate(chain.rules, 1):
            c.evaluated += 1
            if self._run_rule(c, table, name, num, rule, depth) == "end":
                return

    def _run_rule(self, c: _Ctx, table: Table, chain: str, num: int, rule: Rule, depth: int) -> str | None:
        for st in rule.statements:
            if isinstance(st, Match):
                actual = self._values(c, st.selector)
                if st.mask is not None:
                    actual = tuple(a & int(st.mask, 0) if isinstance(a, int) else a for a in actual)
                if len(st.selector) == 1:
                    hit = any(self._literal_matches(actual[0], v) for v in st.values)
                else:
                    hit = any(
                        self._key_matches(actual, tuple(p.strip() for p in v.split(" . "))) for v in st.values
                    )
                if hit != (st.op == "=="):
                    return None
            elif isinstance(st, Lookup):
                actual = self._values(c, st.selector)
                s = table.lookup_set(st.set_name)
                if s is None:
                    raise DataplaneError(f"no set {st.set_name!r} in {table.key}")
                hit = self._set_contains(c, table, s, actual) is not None or self._dynamic_has(
                    table, st.set_name, actual, c.now
                )
                if hit == st.negated:
                    return None
            elif isinstance(st, VerdictMap):
                actual = self._values(c, st.key)
                if st.map_name is not None:
                    m = table.lookup_set(st.map_name)
                    if m is None:
                        raise DataplaneError(f"no map {st.map_name!r} in {table.key}")
                    elem = self._set_contains(c, table, m, actual)
                    if elem is None:
                        return None
                    value, where = elem.value or (), f"@{st.map_name}"
                else:
                    found = [v for k, v in (st.elements or ()) if self._key_matches(actual, k)]
                    if not found:
                        return None
                    value, where = found[0], "{ ... }"
                shown = " . ".join(
                    f"{sel} = {a}" if sel.startswith("numgen") else str(a)
                    for sel, a in zip(st.key, actual, strict=True)
                )
                self._step(c, table, chain, num, rule, f"{shown} in {where}: {' '.join(value)}")
                return self._verdict(c, table, chain, num, rule, value, depth)
            elif isinstance(st, Verdict):
                self._step(c, table, chain, num, rule, " ".join(filter(None, (st.kind, st.target))))
                return self._verdict(
                    c, table, chain, num, rule, (st.kind,) + ((st.target,) if st.target else ()), depth
                )
            elif isinstance(st, Reject):
                self._step(c, table, chain, num, rule, "reject")
                c.verdict_rule = Step(c.hook, table.key, chain, num, rule.full_text, "REJECT")
                raise _TerminalVerdict("REJECT")
            elif isinstance(st, MarkSet):
                v = int(st.value, 0)
                c.mark = {"or": c.mark | v, "xor": c.mark ^ v, "and": c.mark & v, "set": v}[st.op]
                self._step(c, table, chain, num, rule, f"mark = {c.mark:#x}")
            elif isinstance(st, SetUpdate):
                key = self._values(c, st.selector)
                c.set_updates.append((table.key, st.set_name, tuple(str(k) for k in key)))
                self._step(c, table, chain, num, rule, f"add {' . '.join(map(str, key))} to @{st.set_name}")
            elif isinstance(st, Nat):
                if st.kind == "dnat":
                    c.dst = ipaddress.ip_address(st.address)
                    if st.port is not None:
                        c.dport = st.port
                    c.dnat = True
                    self._step(
                        c,
                        table,
                        chain,
                        num,
                        rule,
                        f"DNAT to {format_endpoint(st.address, st.port)}",
                    )
                else:
                    c.snat_to = st.address
                    self._step(c, table, chain, num, rule, f"SNAT to {st.address}")
                raise _TerminalVerdict("ACCEPT")
            elif isinstance(st, Masquerade):
                c.masquerade = True
                c.snat_to = self._egress_ip(c)
                self._step(c, table, chain, num, rule, f"masquerade to {c.snat_to}")
                raise _TerminalVerdict("ACCEPT")
            elif isinstance(st, Noop):
                continue
            else:  # pragma: no cover - parser produces nothing else
                raise DataplaneError(f"unsupported statement {st!r}")
        return None

    def _run_hook(self, c: _Ctx, hook: str) -> str:
        c.hook = hook
        for table, chain in self._hooks_by_version[c.dst.version][hook]:
            if chain.type == "nat" and not c.run_nat:
                continue
            try:
                self._run_chain(c, table, chain.name)
                verdict = chain.policy.upper()
                self._step(c, table, chain.name, 0, None, f"policy {chain.policy}")
            except _TerminalVerdict as t:
                verdict = t.verdict
            if verdict != "ACCEPT":
                return verdict
        return "ACCEPT"

    # -- packet processing --
    def _process(
        self, packet: Packet, choose: Callable[[int], int], dry_run: bool, record: bool
    ) -> TraceResult:
        if self.nftables is not None and self.nftables.version != self._loaded_version:
            self._loaded_version = self.nftables.version
            self._load_tables(self.nftables.tables)
        now = self._now()
        c = _Ctx(packet, choose, now, record)
        orig = (packet.src_ip, packet.src_port, packet.dst_ip, packet.dst_port)
        found = self.conntrack.lookup(packet.protocol, orig)
        entry: ConntrackEntry | None = None
        direction = "original"
        if found is not None:
            entry, direction = found
            # nat base chains run only for the first packet of a connection; later packets (either
            # direction) are rewritten from the conntrack entry.
            c.run_nat = False
            c.new = direction == "original" and not entry.seen_reply
            if direction == "original" and entry.dnat:
                c.dst, c.dport, c.dnat = ipaddress.ip_address(entry.reply[0]), entry.reply[1], True
            elif direction == "reply" and entry.snat:
                c.dst, c.dport = ipaddress.ip_address(entry.original[0]), entry.original[1]
        ctstate = "NEW" if c.new else "ESTABLISHED"

        local_origin = packet.in_interface is None and self.is_local(c.src)
        if local_origin:
            path = "output"
            c.out_iface = "lo" if self.is_local(c.dst) else self.interface
            verdict = self._run_hook(c, "output")
            if verdict == "ACCEPT":
                to_self = self.is_local(c.dst)
                c.out_iface = "lo" if to_self else self.interface
                verdict = self._run_hook(c, "postrouting")
                if verdict == "ACCEPT" and to_self:
                    path = "output+input"
                    c.in_iface = "lo"
                    verdict = self._run_hook(c, "input")
        else:
            c.in_iface = packet.in_interface or self.interface
            verdict = self._run_hook(c, "prerouting")
            path = "prerouting"
            if verdict == "ACCEPT":
                if self.is_local(c.dst):
                    path = "input"
                    verdict = self._run_hook(c, "input")
                else:
                    path = "forward"
                    c.out_iface = self.interface
                    verdict = self._run_hook(c, "forward")
                    if verdict == "ACCEPT":
                        verdict = self._run_hook(c, "postrouting")
        src_ip, src_port = packet.src_ip, packet.src_port
        if c.snat_to is not None:
            src_ip = c.snat_to
        elif entry is not None and direction == "original" and entry.snat:
            src_ip, src_port = entry.reply[2], entry.reply[3]
        elif entry is not None and direction == "reply" and entry.dnat:
            src_ip, src_port = entry.original[2], entry.original[3]
        if not dry_run:
            for tkey, name, key in c.set_updates:
                s = self.tables[tkey].lookup_set(name)
                timeout = s.timeout if s is not None and s.timeout is not None else float("inf")
                self.dynamic.setdefault((tkey, name), {})[key] = now + timeout
            if verdict == "ACCEPT":
                if entry is None:
                    self.conntrack.add(packet.protocol, orig, (str(c.dst), c.dport, src_ip, src_port))
                else:
                    self.conntrack.refresh(entry, direction)
        return TraceResult(
            packet=packet,
            path=path,
            ctstate=ctstate,
            direction=direction,
            verdict=verdict,
            verdict_rule=c.verdict_rule if verdict != "ACCEPT" else None,
            src_ip=src_ip,
            src_port=src_port,
            dst_ip=str(c.dst),
            dst_port=c.dport,
            dnat=c.dnat,
            masquerade=c.masquerade,
            snat=(src_ip, src_port) != (packet.src_ip, packet.src_port) if direction == "original" else False,
            steps=c.steps,
            rules_evaluated=c.evaluated,
            mark=c.mark,
        )

    # -- public API --
    def send(self, packet: Packet, record: bool = True) -> TraceResult:
        """Send one packet: draw ``numgen random`` values with the seeded RNG, then commit conntrack (on
        accept) and dynamic-set updates (affinity). Returns what happened.

        >>> host = NftHost('''add table ip t
        ... add chain ip t out { type nat hook output priority -100 ; }
        ... add set ip t aff { type ipv4_addr ; flags dynamic,timeout ; timeout 10s ; }
        ... add rule ip t out ip saddr @aff dnat to 10.0.0.9
        ... add rule ip t out update @aff { ip saddr } dnat to 10.0.0.1''', local_ips=["192.168.0.2"])
        >>> host.send(Packet("192.168.0.2", "172.30.0.1", src_port=1)).dst_ip
        '10.0.0.1'
        >>> host.send(Packet("192.168.0.2", "172.30.0.1", src_port=2)).dst_ip   # remembered for 10 s
        '10.0.0.9'
        """
        decisions: list[int] = []
        prob = [Fraction(1)]

        def choose(n: int) -> int:
            v = self.rng.randrange(n)
            decisions.append(v)
            prob[0] *= Fraction(1, n)
            return v

        result = self._process(packet, choose, dry_run=False, record=record)
        result.probability = prob[0]
        result.decisions = tuple(decisions)
        return result

    trace = send

    def enumerate(self, packet: Packet, record: bool = True) -> list[TraceResult]:
        """Every outcome of ``packet`` with its exact probability, in ``numgen`` order; no state changes."""
        results = []
        pending: list[list[int]] = [[]]
        while pending:
            prefix = pending.pop()
            decisions: list[int] = []
            prob = [Fraction(1)]
            alternatives: list[list[int]] = []

            def choose(
                n: int, prefix=prefix, decisions=decisions, prob=prob, alternatives=alternatives
            ) -> int:
                i = len(decisions)
                if i < len(prefix):
                    v = prefix[i]
                else:
                    v = 0
                    alternatives.extend(decisions + [k] for k in range(1, n))
                decisions.append(v)
                prob[0] *= Fraction(1, n)
                return v

            result = self._process(packet, choose, dry_run=True, record=record)
            result.probability = prob[0]
            result.decisions = tuple(decisions)
            results.append(result)
            pending.extend(reversed(alternatives))
        return results

    def outcomes(self, packet: Packet) -> list[tuple[str, Fraction, bool]]:
        """``(output, probability, masquerade)`` per outcome (``output`` as :attr:`TraceResult.output`)."""
        return [(r.output, r.probability, r.masquerade) for r in self.enumerate(packet, record=False)]

    def trace_output(self, packet: Packet) -> tuple[str, bool]:
        """The result in the shape of upstream's ``tracePacket``: the endpoints of all outcomes joined with
        ``", "`` (or ``DROP``/``REJECT``/``""``) and whether the packet is masqueraded on any outcome."""
        outs = self.enumerate(packet, record=False)
        return ", ".join(r.output for r in outs), any(r.masquerade for r in outs)


# --- nft -f: how the kernel applies a transaction -----------------------------------------------------------

_TARGETS = re.compile(r"(?:\bjump|\bgoto) ([^\s,{}]+)")
_SET_REFS = re.compile(r"@([^\s,{}]+)")
_TRAILING_COMMENT = re.compile(r'^(.*?)\s+comment "([^"]*)"$')


class NftTransactionError(DataplaneError):
    """``nft -f`` refused a transaction: nothing of it was applied (transactions are atomic).

    ``lineno``/``line`` point at the operation the kernel refused and ``reason`` is its ``strerror``
    (``No such file or directory``, ``Device or resource busy``, ``File exists``), as nft prints
    ``Error: Could not process rule: REASON``.
    """

    def __init__(self, lineno: int, line: str, reason: str):
        self.lineno, self.line, self.reason = lineno, line, reason
        super().__init__(
            f"/dev/stdin:{lineno}:1-{len(line)}: Error: Could not process rule: {reason}\n{line}"
        )


class _Refused(Exception):  # noqa: N818 - internal: the reason a single operation fails
    pass


class _Shadow:
    """A table being changed by a transaction: copies of what the transaction touches, shared objects for
    the rest; committed at the end only if every operation succeeded."""

    def __init__(self, family: str, name: str, table: Table | None, refs: dict[str, int] | None):
        self.family, self.name = family, name
        self.comment = table.comment if table is not None else None
        self.chains: dict[str, Chain] = dict(table.chains) if table is not None else {}
        self.sets: dict[str, NamedSet] = dict(table.sets) if table is not None else {}
        self.maps: dict[str, NamedSet] = dict(table.maps) if table is not None else {}
        #: chain name -> rules and verdict elements that jump/goto to it; "@set" -> rules that use the set
        self.refs: dict[str, int] = dict(refs or {})
        self._own: set[int] = set()

    def chain(self, name: str) -> Chain:
        c = self.chains.get(name)
        if c is None:
            raise _Refused("No such file or directory")
        if id(c) not in self._own:
            c = Chain(c.name, c.type, c.hook, c.priority, c.policy, c.comment, list(c.rules))
            self.chains[name] = c
            self._own.add(id(c))
        return c

    def collection(self, name: str) -> NamedSet:
        for coll in (self.sets, self.maps):
            s = coll.get(name)
            if s is not None:
                if id(s) not in self._own:
                    s = NamedSet(
                        s.name, s.type, s.is_map, list(s.flags), s.timeout, s.comment, list(s.elements)
                    )
                    coll[name] = s
                    self._own.add(id(s))
                return s
        raise _Refused("No such file or directory")

    def ref(self, name: str, delta: int) -> None:
        self.refs[name] = self.refs.get(name, 0) + delta

    def rule_refs(self, rule: Rule, delta: int) -> None:
        text = rule.full_text
        for target in _TARGETS.findall(text):
            self.ref(target, delta)
        for s in _SET_REFS.findall(text):
            self.ref("@" + s, delta)

    def element_refs(self, elem: Element, delta: int) -> None:
        if elem.value and elem.value[0] in ("goto", "jump") and len(elem.value) > 1:
            self.ref(elem.value[1], delta)

    def commit(self) -> Table:
        return Table(self.family, self.name, self.comment, self.chains, self.sets, self.maps)


class NFTables:
    """The node's nftables ruleset as ``nft -f`` and ``nft list`` see it (knftables' ``Interface``).

    :meth:`run` applies a transaction -- the ``add``/``flush``/``delete`` lines a knftables ``Transaction``
    writes -- atomically, with the checks the kernel makes: a chain, set or map must exist to be flushed,
    deleted, added to or jumped to (``No such file or directory``); a chain that a rule or a verdict-map
    element still jumps to, or a set a rule still uses, cannot be deleted (``Device or resource busy``);
    deleting a chain deletes its rules; an element added under a key that exists with another value is
    refused (``File exists``: kube-proxy deletes and re-adds it), one added again with the same value is a
    no-op; a deleted element must exist. One refused operation refuses the whole transaction
    (:class:`NftTransactionError`) and leaves the ruleset as it was.

    Simplifications: only the objects and operations kube-proxy's transactions contain (``add``, ``flush``,
    ``delete`` of tables, chains, sets, maps, rules and elements); rule text is stored as written and parsed
    when executed; a chain's base-chain properties are not checked on re-add; no delayed release of chain
    references (the pre-6.2 kernels kube-proxy works around).

    >>> nft = NFTables()
    >>> nft.run('''add table ip kube-proxy
    ... add chain ip kube-proxy services
    ... add chain ip kube-proxy service-X
    ... add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }
    ... add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-X }''')
    >>> nft.run("delete chain ip kube-proxy service-X")
    Traceback (most recent call last):
    ...
    k8snet.dataplane.nft.NftTransactionError: /dev/stdin:1:1-36: Error: Could not process rule: Device or resource busy
    delete chain ip kube-proxy service-X
    >>> nft.run('''delete element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 }
    ... delete chain ip kube-proxy service-X''')
    >>> nft.list("ip", "kube-proxy", "chains")
    ['services']
    """

    def __init__(self, text: str | None = None):
        self.tables: dict[str, Table] = {}
        self._refs: dict[str, dict[str, int]] = {}
        #: bumped by every transaction that changed something
        self.version = 0
        self.transactions = 0
        if text:
            self.run(text)

    def list(self, family: str, table: str, what: str = "chains") -> list[str]:
        """``nft list chains|sets|maps``: the names in the table (``knftables.List``); a missing table has
        none (upstream treats ``IsNotFound`` as empty)."""
        t = self.tables.get(f"{family} {table}")
        if t is None:
            return []
        if what == "chains":
            return [*t.chains]
        return [*(t.sets if what == "sets" else t.maps)]

    def dump(self, family: str = "ip", table: str = KUBE_PROXY_TABLE) -> str:
        """The table as knftables' ``Fake.Dump()`` prints it."""
        t = self.tables.get(f"{family} {table}")
        return dump_table(t) if t is not None else ""

    def run(self, transaction: str) -> None:
        """``nft -f -`` with ``transaction``; atomic (see the class docstring)."""
        self.transactions += 1
        work: dict[str, _Shadow | None] = {}
        changed = False
        for lineno, raw in enumerate(transaction.split("\n"), 1):
            line = raw.strip()
            if not line or line[0] == "#":
                continue
            try:
                self._apply(work, line)
                changed = True
            except _Refused as err:
                raise NftTransactionError(lineno, line, str(err)) from None
            except (ValueError, IndexError, KeyError, NftParseError) as err:
                raise NftTransactionError(lineno, line, f"syntax error ({err})") from None
        for key, shadow in work.items():
            if shadow is None:
                self.tables.pop(key, None)
                self._refs.pop(key, None)
            else:
                self.tables[key] = shadow.commit()
                self._refs[key] = shadow.refs
        if changed:
            self.version += 1

    def _shadow(self, work: dict[str, _Shadow | None], family: str, name: str, create: bool) -> _Shadow:
        key = f"{family} {name}"
        if key in work:
            shadow = work[key]
            if shadow is None:
                if not create:
                    raise _Refused("No such file or directory")
                shadow = work[key] = _Shadow(family, name, None, None)
            return shadow
        table = self.tables.get(key)
        if table is None and not create:
            raise _Refused("No such file or directory")
        shadow = work[key] = _Shadow(family, name, table, self._refs.get(key))
        return shadow

    def _apply(self, work: dict[str, _Shadow | None], line: str) -> None:
        head = line.split(None, 5)
        verb, obj = head[0], head[1]
        if verb not in ("add", "flush", "delete"):
            raise _Refused(f"Operation not supported ({verb})")
        family, tname = head[2], head[3]
        if obj == "table":
            if verb == "add":
                shadow = self._shadow(work, family, tname, create=True)
                m = re.search(r'comment "([^"]*)"', line)
                if m:
                    shadow.comment = m.group(1)
            elif verb == "delete":
                self._shadow(work, family, tname, create=False)
                work[f"{family} {tname}"] = None
            else:
                shadow = self._shadow(work, family, tname, create=False)
                for name in list(shadow.chains):
                    shadow.chain(name).rules.clear()
                for name in [*shadow.sets, *shadow.maps]:
                    shadow.collection(name).elements.clear()
                shadow.refs = {}
            return
        shadow = self._shadow(work, family, tname, create=False)
        name = head[4]
        if obj == "chain":
            if verb == "add":
                if name not in shadow.chains:
                    c = Chain(name)
                    if len(head) > 5:
                        body, _ = brace_body(tokenize(head[5]), 0)
                        apply_chain_spec(c, spec_clauses(body))
                    shadow.chains[name] = c
                    shadow._own.add(id(c))
            elif verb == "flush":
                c = shadow.chain(name)
                for r in c.rules:
                    shadow.rule_refs(r, -1)
                c.rules.clear()
            else:
                c = shadow.chain(name)
                for r in c.rules:
                    shadow.rule_refs(r, -1)
                if shadow.refs.get(name):
                    raise _Refused("Device or resource busy")
                del shadow.chains[name]
                shadow.refs.pop(name, None)
            return
        if obj in ("set", "map"):
            coll = shadow.sets if obj == "set" else shadow.maps
            if verb == "add":
                if name not in coll:
                    s = NamedSet(name, "", is_map=(obj == "map"))
                    if len(head) > 5:
                        body, _ = brace_body(tokenize(head[5]), 0)
                        apply_set_spec(s, spec_clauses(body))
                    coll[name] = s
                    shadow._own.add(id(s))
            elif name not in coll:
                raise _Refused("No such file or directory")
            elif verb == "flush":
                s = shadow.collection(name)
                for e in s.elements:
                    shadow.element_refs(e, -1)
                s.elements = []
            else:
                if shadow.refs.get("@" + name):
                    raise _Refused("Device or resource busy")
                for e in coll[name].elements:
                    shadow.element_refs(e, -1)
                del coll[name]
            return
        if obj == "element":
            s = shadow.collection(name)
            body, _ = brace_body(tokenize(head[5] if len(head) > 5 else ""), 0)
            for elem in parse_element_items(body):
                pos = s._positions().get(elem.key)
                existing = s.elements[pos] if pos is not None else None
                if verb == "add":
                    if existing is not None:
                        if existing.value != elem.value:
                            raise _Refused("File exists")
                        continue
                    if (
                        elem.value
                        and elem.value[0] in ("goto", "jump")
                        and elem.value[1] not in shadow.chains
                    ):
                        raise _Refused("No such file or directory")
                    s.add(elem)
                    shadow.element_refs(elem, +1)
                elif verb == "delete":
                    if existing is None:
                        raise _Refused("No such file or directory")
                    s.delete(elem.key)
                    shadow.element_refs(existing, -1)
                else:
                    raise _Refused("Operation not supported")
            return
        if obj == "rule":
            if verb != "add":
                raise _Refused("Operation not supported")
            c = shadow.chain(name)
            text = head[5] if len(head) > 5 else ""
            m = _TRAILING_COMMENT.match(text)
            rule = written_rule(m.group(1), name, m.group(2)) if m else written_rule(text, name)
            for target in _TARGETS.findall(text):
                if target not in shadow.chains:
                    raise _Refused("No such file or directory")
            for set_name in _SET_REFS.findall(text):
                if set_name not in shadow.sets and set_name not in shadow.maps:
                    raise _Refused("No such file or directory")
            c.rules.append(rule)
            shadow.rule_refs(rule, +1)
            return
        raise _Refused(f"Operation not supported ({obj})")
