"""Run iptables rules packet by packet: netfilter hooks, tables, chains, conntrack and NAT.

:class:`NetfilterHost` is one node's network stack as far as kube-proxy's iptables mode cares. It
takes parsed :class:`~k8snet.rules.iptables.Tables` (any ``iptables-save`` dump) and the node's
own addresses, and sends :class:`~k8snet.dataplane.packet.Packet` objects through the hooks in
kernel order:

* locally generated: ``OUTPUT`` (raw, mangle, nat, filter) -> routing -> ``POSTROUTING`` (mangle,
  nat) -> if addressed to the node itself: ``INPUT`` (mangle, filter, nat);
* arriving from outside: ``PREROUTING`` (raw, mangle, nat) -> routing decision -> ``INPUT``
  (mangle, filter, nat) when the (DNATed) destination is a local address, else ``FORWARD``
  (mangle, filter) -> ``POSTROUTING`` (mangle, nat).

The nat table is consulted only for the first packet of a connection; later packets (and replies)
are rewritten from the conntrack entry (:mod:`k8snet.dataplane.conntrack`).

``-m statistic --mode random`` is a *branch*: :meth:`NetfilterHost.enumerate` follows every
outcome and returns each with its exact probability (a :class:`~fractions.Fraction` built from
the decimal text in the rule), like ``tracePacket`` in kubernetes/kubernetes
``pkg/proxy/iptables/proxier_test.go`` follows every ``KUBE-SEP-`` chain; :meth:`NetfilterHost.send`
draws one outcome with a seeded RNG and updates conntrack and ``-m recent`` state.

>>> from k8snet.rules.iptables import parse_iptables
>>> host = NetfilterHost(parse_iptables('''*nat
... :KUBE-SERVICES - [0:0]
... :KUBE-SVC-A - [0:0]
... -A PREROUTING -j KUBE-SERVICES
... -A KUBE-SERVICES -d 172.30.0.44/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-A
... -A KUBE-SVC-A -m statistic --mode random --probability 0.3333333333 -j DNAT --to-destination 10.180.0.4:80
... -A KUBE-SVC-A -j DNAT --to-destination 10.180.0.5:80
... COMMIT
... '''), local_ips=["192.168.0.2"], seed=1)
>>> for o in host.enumerate(Packet("10.0.0.2", "172.30.0.44", dst_port=80)):
...     print(o.destination, o.probability)
10.180.0.4:80 3333333333/10000000000
10.180.0.5:80 6666666667/10000000000
>>> host.send(Packet("10.0.0.2", "172.30.0.44", dst_port=80)).destination
'10.180.0.4:80'

Simplifications: one egress interface (``interface``, default ``eth0``) whose address is the
first node IP of the packet's family; MASQUERADE keeps the source port; locally generated packets
addressed to the node itself skip the nat ``PREROUTING`` pass on ``lo``; only the matches and
targets kube-proxy writes are implemented, anything else raises :class:`DataplaneError` (or is
assumed to match with ``strict=False``, which is what upstream's tracer does).
"""

from __future__ import annotations

import ipaddress
import random
from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from k8snet.dataplane.conntrack import Conntrack, ConntrackEntry, as_time_source
from k8snet.dataplane.packet import Packet, format_endpoint, ip_to_int
from k8snet.errors import K8snetError
from k8snet.rules.iptables import (
    BUILTIN_CHAINS,
    Rule,
    Table,
    Tables,
    parse_iptables,
    parse_rule,
    tokenize_rule,
)
from k8snet.rules.iptables import Chain as RulesChain

__all__ = [
    "DataplaneError",
    "Step",
    "TraceResult",
    "NetfilterHost",
    "compile_table",
    "IPTables",
    "IptablesRestoreError",
]


class DataplaneError(K8snetError):
    """Rules the executor cannot run (unknown match or target, jump to a missing chain)."""


@dataclass(frozen=True)
class Step:
    """One thing that happened to the packet: a matched rule (``rule_number`` is 1-based, as in
    ``iptables -L --line-numbers``) or a built-in chain policy (``rule_number`` 0)."""

    hook: str
    table: str
    chain: str
    rule_number: int
    rule: str
    effect: str

    def __str__(self) -> str:
        where = f"{self.table}/{self.chain}" + (f"#{self.rule_number}" if self.rule_number else "")
        return f"[{self.hook}] {where}: {self.effect}"


@dataclass
class TraceResult:
    """What happened to one packet (one outcome when enumerating).

    ``verdict`` is ``ACCEPT``, ``DROP`` or ``REJECT``; ``verdict_rule`` the explicit filter-table
    rule that accepted/dropped/rejected it (``None`` if only policies decided). ``dst_ip``/``dst_port``
    are the final destination after DNAT, ``src_ip``/``src_port`` the source after SNAT/MASQUERADE.
    ``probability`` is the exact probability of this outcome (1 for a deterministic path).
    ``rules_evaluated`` counts every rule whose matches were tested, in every table.
    """

    packet: Packet
    path: str
    ctstate: str
    direction: str
    verdict: str
    verdict_rule: Step | None
    src_ip: str
    src_port: int
    dst_ip: str
    dst_port: int
    dnat: bool
    masquerade: bool
    snat: bool
    steps: list[Step]
    rules_evaluated: int
    probability: Fraction | None = Fraction(1)
    decisions: tuple = ()
    mark: int = 0

    @property
    def destination(self) -> str:
        """Final destination ``ip:port``."""
        return format_endpoint(self.dst_ip, self.dst_port)

    @property
    def snat_source(self) -> str | None:
        """The source address after SNAT/MASQUERADE, or ``None`` when the source was kept."""
        return self.src_ip if self.snat else None

    @property
    def output(self) -> str:
        """The result as upstream's ``tracePacket`` prints it: the DNAT destination, else the
        explicit ``ACCEPT``/``DROP``/``REJECT`` rule target, else ``""``."""
        if self.verdict in ("DROP", "REJECT") and self.verdict_rule is not None:
            return self.verdict
        if self.dnat:
            return self.destination
        if self.verdict_rule is not None:
            return self.verdict
        return ""

    def explain(self) -> str:
        """The steps, one per line."""
        return "\n".join(str(s) for s in self.steps)


# --- address helpers --------------------------------------------------------------------


def _ip(text: str) -> tuple[int, int]:
    try:
        return ip_to_int(text)
    except ValueError:
        raise DataplaneError(f"invalid IP address {text!r}") from None


@lru_cache(maxsize=8192)
def _net(text: str) -> tuple[int, int, int]:
    n = ipaddress.ip_network(text.strip(), strict=False)
    return n.version, int(n.network_address), int(n.netmask)


def _is_loopback(v: int, n: int) -> bool:
    return (v == 4 and n >> 24 == 127) or (v == 6 and n == 1)


# --- per-packet context -----------------------------------------------------------------


class PacketContext:
    """One packet's state as it passes the hooks (addresses, ports, marks, conntrack entry, the steps so far);
    shared with the IPVS dataplane (:mod:`k8snet.dataplane.ipvs`), which runs the same hooks around its virtual
    servers."""

    __slots__ = (
        "host",
        "proto",
        "src_ip",
        "src_v",
        "src_n",
        "sport",
        "dst_ip",
        "dst_v",
        "dst_n",
        "dport",
        "mark",
        "in_iface",
        "out_iface",
        "ctstates",
        "choose",
        "record",
        "steps",
        "evaluated",
        "recent_ops",
        "dnat",
        "snat_to",
        "masquerade",
        "explicit",
        "now",
        "dry_run",
        "hook",
    )

    @classmethod
    def for_packet(
        cls, host: Any, packet: Packet, choose: Any, dry_run: bool, record: bool, now: float
    ) -> PacketContext:
        """A fresh context for ``packet`` entering ``host`` (no NAT done yet, nothing evaluated)."""
        c = cls()
        c.host = host
        c.proto = packet.proto
        c.set_src(packet.src_ip, packet.src_port)
        c.set_dst(packet.dst_ip, packet.dst_port)
        c.mark = packet.mark
        c.choose = choose
        c.record = record
        c.steps = []
        c.evaluated = 0
        c.recent_ops = []
        c.dnat = False
        c.snat_to = None
        c.masquerade = False
        c.explicit = None
        c.now = now
        c.dry_run = dry_run
        c.hook = ""
        return c

    def set_dst(self, ip: str, port: int | None) -> None:
        self.dst_ip = ip
        self.dst_v, self.dst_n = _ip(ip)
        if port is not None:
            self.dport = port

    def set_src(self, ip: str, port: int | None) -> None:
        self.src_ip = ip
        self.src_v, self.src_n = _ip(ip)
        if port is not None:
            self.sport = port


# --- compiling rules to closures --------------------------------------------------------

_KNOWN_MODULES = {
    "comment",
    "tcp",
    "udp",
    "sctp",
    "addrtype",
    "statistic",
    "recent",
    "mark",
    "conntrack",
    "state",
    "set",
    "nfacct",
    "multiport",
    "icmp",
    "icmp6",
}
_BUILTIN_TARGETS = {"ACCEPT", "DROP", "REJECT", "RETURN", "DNAT", "SNAT", "MASQUERADE", "MARK", "LOG"}


class _CRule:
    __slots__ = ("match", "kind", "arg", "number", "rule", "run")

    def __init__(self, match, kind, arg, number, rule):
        self.match, self.kind, self.arg, self.number, self.rule = match, kind, arg, number, rule
        self.run = None


class _Run:
    """A stretch of rules that only test ``-p P -d IP --dport N`` (kube-proxy's KUBE-SERVICES and
    KUBE-NODEPORTS): looked up in a dict instead of tested one by one. ``rules_evaluated`` still counts
    every rule the kernel would test, so the cost model is unchanged."""

    __slots__ = ("end", "index")

    def __init__(self, end: int, index: dict):
        self.end, self.index = end, index


_RUN_MODULES = {"comment", "tcp", "udp", "sctp"}
_MIN_RUN = 8


def _dispatch_key(rule: Rule):
    """(proto, version, address, port) when the rule is a pure exact-match rule, else None."""
    if (
        rule.protocol is None
        or rule.protocol.negated
        or rule.protocol.value == "all"
        or rule.destination is None
        or rule.destination.negated
        or rule.dport is None
        or rule.dport.negated
        or not rule.dport.value.isdigit()
        or rule.source
        or rule.in_interface
        or rule.out_interface
        or rule.sport
        or rule.src_type
        or rule.dst_type
        or rule.statistic
        or rule.recent
        or rule.mark
        or rule.ctstate
        or rule.match_set
        or rule.unknown
        or not set(rule.modules) <= _RUN_MODULES
    ):
        return None
    v, net, mask = _net(rule.destination.value)
    if mask != (1 << (32 if v == 4 else 128)) - 1:
        return None
    return rule.protocol.value, v, net, int(rule.dport.value)


def _index_runs(compiled: list) -> None:
    i, n = 0, len(compiled)
    while i < n:
        if _dispatch_key(compiled[i].rule) is None:
            i += 1
            continue
        j = i
        keys = []
        while j < n:
            k = _dispatch_key(compiled[j].rule)
            if k is None:
                break
            keys.append(k)
            j += 1
        if j - i >= _MIN_RUN:
            index: dict = {}
            for pos, k in enumerate(keys, start=i):
                index.setdefault(k, []).append(pos)
            run = _Run(j, index)
            for pos in range(i, j):
                compiled[pos].run = run
        i = j


class _CompiledTable:
    def __init__(self, name: str, chains: dict[str, list[_CRule]], policies: dict[str, str]):
        self.name = name
        self.chains = chains
        self.policies = policies


def _addr_pred(which: str, spec):
    v, net, mask = _net(spec.value)
    neg = spec.negated
    if which == "src":
        return lambda c: (c.src_v == v and (c.src_n & mask) == net) != neg
    return lambda c: (c.dst_v == v and (c.dst_n & mask) == net) != neg


def _port_pred(which: str, spec):
    ranges = []
    for part in spec.value.split(","):
        lo, _, hi = part.partition(":")
        ranges.append((int(lo or 0), int(hi or 65535) if _ else int(lo)))
    neg = spec.negated
    if len(ranges) == 1:
        lo, hi = ranges[0]
        if lo == hi:
            if which == "dport":
                return lambda c: (c.dport == lo) != neg
            return lambda c: (c.sport == lo) != neg
    attr = which

    def p(c):
        port = c.dport if attr == "dport" else c.sport
        return any(a <= port <= b for a, b in ranges) != neg

    return p


def _iface_pred(which: str, spec):
    name = spec.value
    neg = spec.negated
    prefix = name.endswith("+")
    stem = name[:-1] if prefix else name

    def p(c):
        iface = (c.in_iface if which == "in" else c.out_iface) or ""
        ok = iface.startswith(stem) if prefix else iface == name
        return ok != neg

    return p


def _parse_mark(text: str) -> tuple[int, int]:
    value, _, mask = text.partition("/")
    return int(value, 0), int(mask, 0) if mask else 0xFFFFFFFF


def _compile_matches(rule: Rule, strict: bool, rule_id: tuple):
    preds = []
    problems = []
    if rule.protocol is not None:
        proto, neg = rule.protocol.value, rule.protocol.negated
        if proto == "all":
            preds.append(lambda c: not neg)
        else:
            preds.append(lambda c: (c.proto == proto) != neg)
    if rule.source is not None:
        preds.append(_addr_pred("src", rule.source))
    if rule.destination is not None:
        preds.append(_addr_pred("dst", rule.destination))
    if rule.in_interface is not None:
        preds.append(_iface_pred("in", rule.in_interface))
    if rule.out_interface is not None:
        preds.append(_iface_pred("out", rule.out_interface))
    if rule.dport is not None:
        preds.append(_port_pred("dport", rule.dport))
    if rule.sport is not None:
        preds.append(_port_pred("sport", rule.sport))
    for spec, which in ((rule.src_type, "src"), (rule.dst_type, "dst")):
        if spec is None:
            continue
        if spec.value != "LOCAL":
            problems.append(f"addrtype {spec.value}")
            continue
        neg = spec.negated
        if which == "src":
            preds.append(lambda c, neg=neg: c.host._is_local_n(c.src_v, c.src_n) != neg)
        else:
            preds.append(lambda c, neg=neg: c.host._is_local_n(c.dst_v, c.dst_n) != neg)
    if rule.mark is not None:
        value, mask = _parse_mark(rule.mark.value)
        neg = rule.mark.negated
        preds.append(lambda c: ((c.mark & mask) == value) != neg)
    if rule.ctstate is not None:
        states = frozenset(rule.ctstate.value.split(","))
        neg = rule.ctstate.negated
        preds.append(lambda c: bool(states & c.ctstates) != neg)
    if rule.match_set is not None:
        ms = rule.match_set
        preds.append(lambda c: c.host._in_ipset(ms, c) != ms.negated)
    if rule.recent is not None and rule.recent.action in ("rcheck", "update", "remove"):
        rc = rule.recent
        preds.append(lambda c: c.host._recent_check(rc, c))
    if rule.statistic is not None:
        st = rule.statistic
        if st.mode == "random":
            prob, pf, neg = st.probability, float(st.probability), st.negated
            preds.append(lambda c: c.choose(prob, pf) != neg)
        elif st.mode == "nth" and st.every:
            preds.append(lambda c: c.host._nth(rule_id, st, c) != st.negated)
        else:
            problems.append(f"statistic --mode {st.mode}")
    if rule.recent is not None and rule.recent.action == "set":
        rc = rule.recent

        def set_recent(c, rc=rc):
            c.recent_ops.append(("set", rc, c.dst_ip if rc.rdest else c.src_ip))
            return not rc.negated

        preds.append(set_recent)
    for m in rule.modules:
        if m not in _KNOWN_MODULES:
            problems.append(f"-m {m}")
    if rule.unknown:
        problems.append(" ".join(rule.unknown))
    if problems and strict:
        raise DataplaneError(
            f"line {rule.lineno}: cannot run {rule.text!r}: unsupported " + ", ".join(problems)
        )
    if not preds:
        return None
    if len(preds) == 1:
        return preds[0]
    preds = tuple(preds)
    if len(preds) == 2:
        a, b = preds
        return lambda c: a(c) and b(c)
    if len(preds) == 3:
        a, b, d = preds
        return lambda c: a(c) and b(c) and d(c)

    def match(c):
        for p in preds:
            if not p(c):
                return False
        return True

    return match


def _split_hostport(text: str) -> tuple[str, int | None]:
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, int(port)
    return text, None


def _compile_target(rule: Rule, table: Table, strict: bool):
    target = rule.jump
    if target is None:
        return "none", None
    if target in table.chains and target not in _BUILTIN_TARGETS:
        if table.chains[target].builtin:
            raise DataplaneError(f"line {rule.lineno}: {rule.text!r}: cannot jump to built-in chain {target}")
        return ("goto" if rule.goto else "jump"), target
    opts = rule.target_options
    if target in ("ACCEPT", "DROP", "RETURN"):
        return target.lower(), None
    if target == "REJECT":
        return "reject", opts.get("--reject-with")
    if target == "LOG":
        return "none", None
    if target == "DNAT":
        dest = opts.get("--to-destination")
        if not dest or "-" in dest:
            raise DataplaneError(f"line {rule.lineno}: {rule.text!r}: DNAT needs one --to-destination")
        return "dnat", _split_hostport(dest)
    if target == "SNAT":
        src = opts.get("--to-source")
        if not src or "-" in src:
            raise DataplaneError(f"line {rule.lineno}: {rule.text!r}: SNAT needs one --to-source")
        return "snat", _split_hostport(src)
    if target == "MASQUERADE":
        return "masquerade", None
    if target == "MARK":
        if "--set-xmark" in opts or "--set-mark" in opts:
            v, m = _parse_mark(opts.get("--set-xmark") or opts["--set-mark"])
            return "mark", ("set", v, m)
        for op in ("--or-mark", "--xor-mark", "--and-mark"):
            if op in opts:
                return "mark", (op[2:-5], int(opts[op], 0), 0)
        raise DataplaneError(f"line {rule.lineno}: {rule.text!r}: MARK without a mark option")
    if strict:
        raise DataplaneError(f"line {rule.lineno}: {rule.text!r}: jump to unknown chain or target {target}")
    return "none", None


_COMPILE_CACHE: dict[tuple, _CompiledTable] = {}


def compile_table(table: Table, strict: bool = True) -> _CompiledTable:
    """Compile a table's rules to Python closures (cached by the table's text).

    >>> t = parse_iptables("*filter\\n-A INPUT -p tcp --dport 22 -j DROP\\nCOMMIT\\n")["filter"]
    >>> ct = compile_table(t)
    >>> sorted(ct.chains), ct.policies["INPUT"]
    (['INPUT'], 'ACCEPT')
    """
    key = (
        table.name,
        strict,
        tuple((c.name, c.policy, c.deleted, tuple(r.text for r in c.rules)) for c in table.chains.values()),
    )
    cached = _COMPILE_CACHE.get(key)
    if cached is not None:
        return cached
    result = _compile_chains(table, strict, None)
    if len(_COMPILE_CACHE) > 256:
        _COMPILE_CACHE.clear()
    _COMPILE_CACHE[key] = result
    return result


def _compile_chains(
    table: Table, strict: bool, reuse: dict[int, tuple[Any, list[_CRule]]] | None
) -> _CompiledTable:
    """Compile every chain of ``table``. With ``reuse`` (chain id -> (chain, its compiled rules), for this
    table), a chain that is the very object compiled last time is not compiled again -- an
    ``iptables-restore --noflush`` replaces only the chains it names -- and ``reuse`` is refilled with this
    table's chains."""
    chains: dict[str, list[_CRule]] = {}
    policies: dict[str, str] = {}
    kept: dict[int, tuple[Any, list[_CRule]]] = {}
    for chain in table.chains.values():
        if chain.deleted:
            continue
        hit = reuse.get(id(chain)) if reuse is not None else None
        if hit is not None and hit[0] is chain:
            compiled = hit[1]
        else:
            compiled = []
            for i, rule in enumerate(chain.rules, start=1):
                kind, arg = _compile_target(rule, table, strict)
                match = _compile_matches(rule, strict, (table.name, chain.name, i))
                compiled.append(_CRule(match, kind, arg, i, rule))
            _index_runs(compiled)
        kept[id(chain)] = (chain, compiled)
        chains[chain.name] = compiled
        if chain.builtin:
            policies[chain.name] = chain.policy
    if reuse is not None:
        reuse.clear()
        reuse.update(kept)
    return _CompiledTable(table.name, chains, policies)


# --- the host ----------------------------------------------------------------------------

#: Each netfilter hook's tables in priority order (the IPVS dataplane walks the same hooks).
HOOK_TABLES = {
    # (hook, tables in priority order); nat runs only for the first packet of a connection.
    "PREROUTING": ("raw", "mangle", "nat"),
    "OUTPUT": ("raw", "mangle", "nat", "filter"),
    "INPUT": ("mangle", "filter", "nat"),
    "FORWARD": ("mangle", "filter"),
    "POSTROUTING": ("mangle", "nat"),
}


class NetfilterHost:
    """One node's netfilter: iptables tables + conntrack + ``-m recent`` lists.

    Parameters
    ----------
    tables : Tables, str or IPTables
        Parsed rules, ``iptables-save`` text, or live :class:`IPTables` (the host then follows every
        restore into them).
    local_ips : list of str
        The node's own addresses (``-m addrtype --dst-type LOCAL``; 127.0.0.0/8 and ::1 are always
        local). The first address of each family is the MASQUERADE source.
    clock : optional
        Time source for conntrack and ``-m recent`` (:class:`~k8snet.dataplane.conntrack.ManualClock`,
        the simulation clock, or a callable returning seconds).
    seed : int
        Seed of the RNG used by :meth:`send` for ``-m statistic --mode random``.
    ipsets : dict, optional
        ``name -> set of entries`` for ``-m set --match-set`` (entries ``"10.0.0.1"``,
        ``"10.0.0.1,tcp:80"`` or ``"10.0.0.0/8"``).
    strict : bool
        Raise :class:`DataplaneError` for options the executor does not implement (default).
    """

    def __init__(
        self,
        tables: Tables | str,
        local_ips=(),
        clock=None,
        seed: int = 0,
        ipsets: dict | None = None,
        interface: str = "eth0",
        strict: bool = True,
        conntrack: Conntrack | None = None,
    ):
        self._now = as_time_source(clock)
        self.conntrack = conntrack if conntrack is not None else Conntrack(self._now)
        self.local_ips = list(local_ips)
        self._local = {_ip(ip) for ip in self.local_ips}
        self.interface = interface
        self.ipsets = {k: set(v) for k, v in (ipsets or {}).items()}
        self._ipset_cidrs: dict[
            str, tuple
        ] = {}  # set name -> (entries, size, entries with a CIDR first part)
        self.rng = random.Random(seed)
        self.strict = strict
        self.recent: dict[str, dict[str, list[float]]] = {}
        self._nth_counters: dict[tuple, int] = {}
        self.load(tables)

    def load(self, tables: Tables | str | IPTables) -> None:
        """Replace the rules (like ``iptables-restore``); conntrack and recent lists are kept.

        Given an :class:`IPTables`, the host runs whatever those tables hold at the time of each packet:
        whoever restores into them (kube-proxy's :class:`~k8snet.proxy.iptables.IPTablesProxier`) changes
        what the next packet meets, and only the chains a restore replaced are compiled again.
        """
        if isinstance(tables, IPTables):
            self.iptables: IPTables | None = tables
            self._reuse: dict[str, dict[int, tuple[Any, list[_CRule]]]] = {}
            self._refresh()
            return
        self.iptables = None
        if isinstance(tables, str):
            tables = parse_iptables(tables)
        self._set_tables(tables, {name: compile_table(t, self.strict) for name, t in tables.items()})

    def _refresh(self) -> None:
        assert self.iptables is not None
        self._loaded_version = self.iptables.version
        tables = self.iptables.tables
        compiled = {
            name: _compile_chains(t, self.strict, self._reuse.setdefault(name, {}))
            for name, t in tables.items()
        }
        self._set_tables(tables, compiled)

    def _set_tables(self, tables: Tables, compiled: dict[str, _CompiledTable]) -> None:
        self.tables = tables
        self._compiled = compiled
        # Per hook: the (table, compiled table, policy) to run, in priority order.
        self._plan = {
            hook: tuple(
                (tname, self._compiled[tname], self._compiled[tname].policies.get(hook, "ACCEPT"))
                for tname in tnames
                if tname in self._compiled and hook in self._compiled[tname].chains
            )
            for hook, tnames in HOOK_TABLES.items()
        }

    # -- helpers used by compiled matches --
    def _is_local_n(self, v: int, n: int) -> bool:
        return (v, n) in self._local or _is_loopback(v, n)

    def is_local(self, ip: str) -> bool:
        """Whether ``ip`` is an address of this node (what ``--dst-type LOCAL`` tests)."""
        return self._is_local_n(*_ip(ip))

    def _recent_check(self, rc, c: PacketContext) -> bool:
        addr = c.dst_ip if rc.rdest else c.src_ip
        stamps = self.recent.get(rc.name, {}).get(addr)
        found = False
        if stamps:
            if rc.seconds is not None:
                recent = [t for t in stamps if t > c.now - rc.seconds]
                if rc.reap and not c.dry_run:
                    stamps[:] = recent
            else:
                recent = stamps
            found = len(recent) >= (rc.hitcount or 1)
        if found and rc.action == "update":
            c.recent_ops.append(("set", rc, addr))
        elif found and rc.action == "remove":
            c.recent_ops.append(("remove", rc, addr))
        return found != rc.negated

    def _nth(self, rule_id: tuple, st, c: PacketContext) -> bool:
        n = self._nth_counters.get(rule_id, 0)
        if not c.dry_run:
            self._nth_counters[rule_id] = (n + 1) % st.every
        return n == st.packet

    def _in_ipset(self, ms, c: PacketContext) -> bool:
        entries = self.ipsets.get(ms.name)
        if entries is None:
            raise DataplaneError(f"ipset {ms.name} does not exist")
        parts = []
        for i, flag in enumerate(ms.flags):
            ip, port = (c.src_ip, c.sport) if flag == "src" else (c.dst_ip, c.dport)
            parts.append(ip if i == 0 else f"{c.proto}:{port}")
        if ",".join(parts) in entries:
            return True
        # Only entries whose first part is a CIDR need the prefix test: remember them per set, so a miss costs
        # the number of CIDR entries, not of all entries (kept until the set changes size or is replaced).
        cached = self._ipset_cidrs.get(ms.name)
        if cached is None or cached[0] is not entries or cached[1] != len(entries):
            cached = (entries, len(entries), [e for e in entries if "/" in e.partition(",")[0]])
            self._ipset_cidrs[ms.name] = cached
        ver, n = _ip(parts[0])
        for e in cached[2]:
            head, _, tail = e.partition(",")
            if "/" in head and (len(parts) == 1 or tail == parts[1]):
                v, net, mask = _net(head)
                if v == ver and n & mask == net:
                    return True
        return False

    def _egress_ip(self, c: PacketContext) -> str:
        if c.out_iface == "lo":
            return "127.0.0.1" if c.dst_v == 4 else "::1"
        for ip in self.local_ips:
            if _ip(ip)[0] == c.dst_v and not _is_loopback(*_ip(ip)):
                return ip
        raise DataplaneError(f"no IPv{c.dst_v} address to MASQUERADE to (local_ips={self.local_ips})")

    # -- chain traversal --
    def _run_chain(self, c: PacketContext, table: _CompiledTable, chain: str):
        """Returns "ACCEPT"/"DROP"/"REJECT" for a terminal verdict, None when the chain ends/RETURNs."""
        rules = table.chains[chain]
        i = 0
        n = len(rules)
        while True:
            if i >= n:
                return None
            cr = rules[i]
            run = cr.run
            if run is not None:
                found = run.end
                positions = run.index.get((c.proto, c.dst_v, c.dst_n, c.dport))
                if positions:
                    k = bisect_left(positions, i)
                    if k < len(positions):
                        found = positions[k]
                if found >= run.end:
                    c.evaluated += run.end - i
                    i = run.end
                    continue
                c.evaluated += found - i + 1
                cr = rules[found]
                i = found + 1
            else:
                i += 1
                c.evaluated += 1
                if cr.match is not None and not cr.match(c):
                    continue
            kind = cr.kind
            if kind == "jump":
                if c.record:
                    self._step(c, table, chain, cr, f"jump to {cr.arg}")
                v = self._run_chain(c, table, cr.arg)
                if v is not None:
                    return v
            elif kind == "goto":
                if c.record:
                    self._step(c, table, chain, cr, f"goto {cr.arg}")
                chain = cr.arg
                rules = table.chains[chain]
                i = 0
                n = len(rules)
            elif kind == "none":
                if c.record:
                    self._step(c, table, chain, cr, "match (no target)")
            elif kind == "mark":
                op, v, m = cr.arg
                if op == "set":
                    c.mark = (c.mark & ~m & 0xFFFFFFFF) ^ v
                elif op == "or":
                    c.mark |= v
                elif op == "xor":
                    c.mark ^= v
                else:
                    c.mark &= v
                if c.record:
                    self._step(c, table, chain, cr, f"MARK -> {c.mark:#x}")
            elif kind == "return":
                if c.record:
                    self._step(c, table, chain, cr, "RETURN")
                return None
            elif kind == "accept":
                if c.record:
                    self._step(c, table, chain, cr, "ACCEPT")
                if table.name == "filter" and c.explicit is None:
                    c.explicit = (cr, chain)
                return "ACCEPT"
            elif kind == "drop" or kind == "reject":
                verdict = "DROP" if kind == "drop" else "REJECT"
                if c.record:
                    self._step(c, table, chain, cr, verdict)
                c.explicit = (cr, chain)
                return verdict
            elif kind == "dnat":
                ip, port = cr.arg
                c.dst_ip = ip
                c.dst_v, c.dst_n = _ip(ip)
                c.dport = port if port is not None else c.dport
                c.dnat = True
                c.ctstates = c.ctstates | {"DNAT"}
                if c.record:
                    self._step(c, table, chain, cr, f"DNAT to {format_endpoint(c.dst_ip, c.dport)}")
                return "ACCEPT"
            elif kind == "snat" or kind == "masquerade":
                if kind == "snat":
                    c.snat_to = cr.arg
                else:
                    c.snat_to = (self._egress_ip(c), None)
                    c.masquerade = True
                c.ctstates = c.ctstates | {"SNAT"}
                if c.record:
                    self._step(
                        c,
                        table,
                        chain,
                        cr,
                        f"{'MASQUERADE' if kind == 'masquerade' else 'SNAT'} to {c.snat_to[0]}",
                    )
                return "ACCEPT"

    def _step(
        self, c: PacketContext, table: _CompiledTable, chain: str, cr: _CRule | None, effect: str
    ) -> None:
        c.steps.append(
            Step(c.hook, table.name, chain, cr.number if cr else 0, cr.rule.text if cr else "", effect)
        )

    def _run_hook(self, c: PacketContext, hook: str, nat: bool) -> str:
        c.hook = hook
        for tname, table, policy in self._plan[hook]:
            if not nat and tname == "nat":
                continue
            v = self._run_chain(c, table, hook)
            if v is None:
                v = policy
                if c.record:
                    c.steps.append(Step(hook, tname, hook, 0, "", f"policy {v}"))
            if v != "ACCEPT":
                return v
        return "ACCEPT"

    # -- packet processing --
    def _process(self, packet: Packet, choose, dry_run: bool, record: bool) -> TraceResult:
        if self.iptables is not None and self.iptables.version != self._loaded_version:
            self._refresh()
        c = PacketContext.for_packet(self, packet, choose, dry_run, record, self._now())
        orig = (packet.src_ip, packet.src_port, packet.dst_ip, packet.dst_port)
        found = self.conntrack.lookup(packet.protocol, orig)
        entry: ConntrackEntry | None = None
        direction = "original"
        if found is None:
            c.ctstates = frozenset({"NEW"})
        else:
            entry, direction = found
            established = direction == "reply" or entry.seen_reply
            states = {"ESTABLISHED" if established else "NEW"}
            if entry.dnat:
                states.add("DNAT")
            if entry.snat:
                states.add("SNAT")
            c.ctstates = frozenset(states)
        ctstate = "ESTABLISHED" if "ESTABLISHED" in c.ctstates else "NEW"
        new = entry is None

        def dst_nat_from_ct():
            if entry is None:
                return
            if direction == "original" and entry.dnat:
                c.set_dst(entry.reply[0], entry.reply[1])
                c.dnat = True
            elif direction == "reply" and entry.snat:
                c.set_dst(entry.original[0], entry.original[1])

        def src_nat_from_ct():
            if entry is None:
                return
            if direction == "original" and entry.snat:
                c.set_src(entry.reply[2], entry.reply[3])
            elif direction == "reply" and entry.dnat:
                c.set_src(entry.original[2], entry.original[3])

        def apply_snat():
            if c.snat_to is not None:
                c.set_src(c.snat_to[0], c.snat_to[1])

        local_origin = packet.in_interface is None and self._is_local_n(c.src_v, c.src_n)
        verdict = "ACCEPT"
        if local_origin:
            path = "output"
            c.in_iface = None
            c.out_iface = "lo" if self._is_local_n(c.dst_v, c.dst_n) else self.interface
            verdict = self._run_hook(c, "OUTPUT", new)
            if not new:
                dst_nat_from_ct()
            if verdict == "ACCEPT":
                to_self = self._is_local_n(c.dst_v, c.dst_n)
                c.out_iface = "lo" if to_self else self.interface
                verdict = self._run_hook(c, "POSTROUTING", new)
                apply_snat() if new else src_nat_from_ct()
                if verdict == "ACCEPT" and to_self:
                    path = "output+input"
                    c.in_iface = "lo"
                    verdict = self._run_hook(c, "INPUT", new)
        else:
            c.in_iface = packet.in_interface or self.interface
            c.out_iface = None
            if not new:
                dst_nat_from_ct()
            verdict = self._run_hook(c, "PREROUTING", new)
            if verdict == "ACCEPT":
                if self._is_local_n(c.dst_v, c.dst_n):
                    path = "input"
                    verdict = self._run_hook(c, "INPUT", new)
                    apply_snat() if new else src_nat_from_ct()
                else:
                    path = "forward"
                    c.out_iface = self.interface
                    verdict = self._run_hook(c, "FORWARD", False)
                    if verdict == "ACCEPT":
                        verdict = self._run_hook(c, "POSTROUTING", new)
                        apply_snat() if new else src_nat_from_ct()
            else:
                path = "prerouting"
        if not dry_run:
            for op, rc, addr in c.recent_ops:
                lst = self.recent.setdefault(rc.name, {})
                if op == "set":
                    stamps = lst.setdefault(addr, [])
                    stamps.append(c.now)
                    del stamps[:-20]  # xt_recent ip_pkt_list_tot default
                else:
                    lst.pop(addr, None)
            if verdict == "ACCEPT":
                if entry is None:
                    self.conntrack.add(packet.protocol, orig, (c.dst_ip, c.dport, c.src_ip, c.sport))
                else:
                    self.conntrack.refresh(entry, direction)
        vr = None
        if c.explicit is not None:
            cr, chain = c.explicit
            vr = Step("", "filter", chain, cr.number, cr.rule.text, cr.kind.upper())
        return TraceResult(
            packet=packet,
            path=path,
            ctstate=ctstate,
            direction=direction,
            verdict=verdict,
            verdict_rule=vr,
            src_ip=c.src_ip,
            src_port=c.sport,
            dst_ip=c.dst_ip,
            dst_port=c.dport,
            dnat=c.dnat,
            masquerade=c.masquerade,
            snat=(c.src_ip, c.sport) != (packet.src_ip, packet.src_port)
            if direction == "original"
            else False,
            steps=c.steps,
            rules_evaluated=c.evaluated,
            mark=c.mark,
        )

    # -- public API --
    def send(self, packet: Packet, record: bool = True) -> TraceResult:
        """Send one packet: sample ``-m statistic`` with the host's seeded RNG, update conntrack
        (on ACCEPT) and ``-m recent`` lists. Returns what happened.

        ``record=False`` is the fast path for bulk simulation: no steps are kept and
        ``probability`` is ``None`` (``decisions`` and ``rules_evaluated`` are still filled in).
        """
        decisions: list = []
        rnd = self.rng.random

        def choose(p: Fraction, pf: float) -> bool:
            v = rnd() < pf
            decisions.append((p, v))
            return v

        result = self._process(packet, choose, dry_run=False, record=record)
        result.decisions = tuple(v for _, v in decisions)
        if record:
            prob = Fraction(1)
            for p, v in decisions:
                prob *= p if v else 1 - p
            result.probability = prob
        else:
            result.probability = None
        return result

    trace = send

    def enumerate(self, packet: Packet, record: bool = True) -> list[TraceResult]:
        """Every outcome of ``packet`` with its exact probability, in rule order; no state changes.

        Outcomes of probability 0 (``--probability 0``/``1`` edges) are not listed; the
        probabilities of the listed outcomes sum to exactly 1.
        """
        results = []
        pending: list[list[bool]] = [[]]
        while pending:
            prefix = pending.pop()
            decisions: list[bool] = []
            prob = [Fraction(1)]
            alternatives: list[list[bool]] = []

            def choose(
                p: Fraction,
                pf: float = 0.0,
                prefix=prefix,
                decisions=decisions,
                prob=prob,
                alternatives=alternatives,
            ):
                i = len(decisions)
                if i < len(prefix):
                    v = prefix[i]
                elif p == 0 or p == 1:
                    v = p == 1
                else:
                    v = True
                    alternatives.append(decisions + [False])
                decisions.append(v)
                prob[0] *= p if v else 1 - p
                return v

            result = self._process(packet, choose, dry_run=True, record=record)
            result.probability = prob[0]
            result.decisions = tuple(decisions)
            if result.probability:
                results.append(result)
            pending.extend(reversed(alternatives))
        return results

    def outcomes(self, packet: Packet) -> list[tuple[str, Fraction, bool]]:
        """``(output, probability, masquerade)`` per outcome, ``output`` as in :attr:`TraceResult.output`."""
        return [(r.output, r.probability, r.masquerade) for r in self.enumerate(packet, record=False)]


# --- iptables-restore / iptables-save: how the kernel's tables change -------------------------------------

#: Targets provided by extensions (``-j NAME`` that is not a chain); anything else must name a chain.
_EXTENSION_TARGETS = frozenset(
    {
        "ACCEPT",
        "DROP",
        "RETURN",
        "QUEUE",
        "REJECT",
        "LOG",
        "NFLOG",
        "DNAT",
        "SNAT",
        "MASQUERADE",
        "REDIRECT",
        "MARK",
        "CONNMARK",
        "CT",
        "NOTRACK",
        "TRACE",
        "TPROXY",
        "CLASSIFY",
        "DSCP",
        "TCPMSS",
    }
)


class IptablesRestoreError(DataplaneError):
    """``iptables-restore`` refused its input: the table being restored is unchanged.

    ``lineno`` and ``line`` point at the offending input line (kube-proxy reads the number back from
    ``iptables-restore: line N failed``, ``utiliptables.ParseError``); ``reason`` says why.
    """

    def __init__(self, lineno: int, line: str, reason: str):
        self.lineno, self.line, self.reason = lineno, line, reason
        super().__init__(f"iptables-restore: line {lineno} failed: {reason}: {line}")


_MISS = object()
_SPACE = (" ", "\t", "\r")


class _KChain:
    """One chain as the kernel holds it: its policy (built-in chains) and its rules as ``-A`` lines.

    A restore never changes a chain in place: it builds a new one, so unchanged chains keep their identity
    (the executor reuses what it compiled for them)."""

    __slots__ = ("name", "policy", "rules", "targets")

    def __init__(self, name: str, policy: str | None, rules: list[str], targets: list[str | None]):
        self.name, self.policy, self.rules, self.targets = name, policy, rules, targets


def _rule_words(line: str) -> list[str]:
    return line.split() if '"' not in line and "\\" not in line else tokenize_rule(line)


def _jump_target(words: list[str]) -> str | None:
    for i in range(2, len(words) - 1):
        if words[i] in ("-j", "--jump", "-g", "--goto"):
            return words[i + 1]
    return None


class IPTables:
    """The node's iptables tables as ``iptables-save``, ``iptables-restore`` and ``iptables -N/-C/-I`` see them.

    The in-memory counterpart of kube-proxy's ``utiliptables.Interface`` (kubernetes/kubernetes
    ``pkg/util/iptables/iptables.go``; its fake is ``pkg/util/iptables/testing/fake.go``). :meth:`restore_all`
    applies a payload as ``iptables-restore`` does, table by table, each committed at its ``COMMIT``:

    - ``*TABLE``: without ``--noflush`` (``noflush=False``) the table is emptied first (user chains deleted,
      built-in chains flushed); with it, everything not named in the payload is kept;
    - ``:CHAIN POLICY [p:b]``: creates the chain, or *flushes* it if it exists; a built-in chain takes the
      policy (``-`` keeps it);
    - ``-A CHAIN ...``: appends to an existing (or just declared) chain; a ``-j``/``-g`` target must be a
      chain of the table or an extension target (``Couldn't load target``);
    - ``-X CHAIN``: deletes a user chain, which must exist, be empty (declare it first to flush it) and not be
      the target of any rule (``Too many links``: a rule elsewhere still jumps to it);
    - ``COMMIT``: the table's changes take effect at once; an error anywhere before it discards all of that
      table's changes (tables committed earlier keep theirs) and raises :class:`IptablesRestoreError`.

    Rules are kept as the text written (``iptables-save`` prints what was restored); their options are parsed
    when the executor needs them (:attr:`tables`), so a bad option surfaces there, not here. The error
    messages follow iptables-legacy's wording ("No chain/target/match by that name", "Too many links"); only
    the structure above is checked.

    >>> ipt = IPTables()
    >>> ipt.restore_all('''*nat
    ... :KUBE-SERVICES - [0:0]
    ... :KUBE-SVC-A - [0:0]
    ... -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp --dport 80 -j KUBE-SVC-A
    ... -A KUBE-SVC-A -j DNAT --to-destination 10.0.0.5:80
    ... COMMIT
    ... ''')
    >>> ipt.restore_all("*nat\\n:KUBE-SERVICES - [0:0]\\n:KUBE-SVC-A - [0:0]\\n-X KUBE-SVC-A\\nCOMMIT\\n")
    >>> sorted(ipt.chain_names("nat"))
    ['INPUT', 'KUBE-SERVICES', 'OUTPUT', 'POSTROUTING', 'PREROUTING']
    >>> ipt.restore_all("*nat\\n:KUBE-X - [0:0]\\n-A KUBE-SERVICES -j KUBE-X\\n-X KUBE-X\\nCOMMIT\\n")
    Traceback (most recent call last):
    ...
    k8snet.dataplane.netfilter.IptablesRestoreError: iptables-restore: line 4 failed: Too many links: -X KUBE-X
    >>> "KUBE-X" in ipt.chain_names("nat")   # the failed table is unchanged
    False
    """

    def __init__(self, dump: str | None = None):
        self._tables: dict[str, dict[str, _KChain]] = {}
        #: per table: chain -> number of rules whose target it is
        self._refs: dict[str, dict[str, int]] = {}
        #: bumped by every change, so readers (the executor) know when to look again
        self.version = 0
        self.restores = 0
        self._view: tuple[int, Tables] | None = None
        self._parsed: dict[int, tuple[_KChain, Any]] = {}
        if dump:
            self.restore_all(dump, noflush=False)

    # -- reading --
    def chain_names(self, table: str) -> set[str]:
        """The chains of ``table`` (``GetChainsFromTable`` over ``iptables-save -t TABLE``)."""
        return set(self._tables.get(table, {}))

    def chain_exists(self, table: str, chain: str) -> bool:
        return chain in self._tables.get(table, {})

    def rules(self, table: str, chain: str) -> list[str]:
        """The ``-A`` lines of one chain, in order."""
        return list(self._tables[table][chain].rules)

    def save(self) -> str:
        """``iptables-save`` (counters zero): chain lines, then each chain's rules, per table."""
        out = []
        for tname, chains in self._tables.items():
            out.append(f"*{tname}")
            for c in chains.values():
                out.append(f":{c.name} {c.policy or '-'} [0:0]")
            for c in chains.values():
                out.extend(c.rules)
            out.append("COMMIT")
        return "\n".join(out) + "\n" if out else ""

    @property
    def tables(self) -> Tables:
        """The tables parsed into typed rules (:class:`~k8snet.rules.iptables.Tables`), as the executor runs
        them; a chain is parsed again only when a restore replaced it."""
        if self._view is not None and self._view[0] == self.version:
            return self._view[1]
        out = Tables()
        parsed: dict[int, tuple[_KChain, Any]] = {}
        for tname, chains in self._tables.items():
            t = Table(tname)
            for c in chains.values():
                hit = self._parsed.get(id(c))
                if hit is not None and hit[0] is c:
                    rc = hit[1]
                else:
                    rc = RulesChain(c.name, c.policy, rules=[parse_rule(line) for line in c.rules])
                parsed[id(c)] = (c, rc)
                t.chains[c.name] = rc
            out[tname] = t
        self._parsed = parsed
        self._view = (self.version, out)
        return out

    # -- iptables -N / -C / -A / -I --
    def _table(self, table: str) -> dict[str, _KChain]:
        chains = self._tables.get(table)
        if chains is None:
            if table not in BUILTIN_CHAINS:
                raise DataplaneError(f"iptables: can't initialize table '{table}': Table does not exist")
            chains = self._tables[table] = {c: _KChain(c, "ACCEPT", [], []) for c in BUILTIN_CHAINS[table]}
            self._refs[table] = {}
        return chains

    def ensure_chain(self, table: str, chain: str) -> bool:
        """``EnsureChain``: create the chain if missing; whether it existed."""
        chains = self._table(table)
        if chain in chains:
            return True
        chains[chain] = _KChain(chain, None, [], [])
        self.version += 1
        return False

    def ensure_rule(self, position: str, table: str, chain: str, *args: str) -> bool:
        """``EnsureRule(Prepend|Append, ...)``: add the rule unless ``iptables -C`` finds it; whether it was
        there. ``args`` are the words after the chain, as kube-proxy passes them (a comment with spaces is one
        word, written quoted)."""
        chains = self._table(table)
        if chain not in chains:
            raise DataplaneError(f"iptables: No chain/target/match by that name. (chain {chain})")
        words = [f'"{a}"' if (" " in a or not a) else a for a in args]
        line = " ".join(["-A", chain, *words])
        old = chains[chain]
        if line in old.rules:
            return True
        target = _jump_target(_rule_words(line))
        ref = target if target is not None and target in chains else None
        if target is not None and ref is None and target not in _EXTENSION_TARGETS:
            raise DataplaneError(
                f"iptables v1.8.9: Couldn't load target `{target}':No such file or directory"
            )
        if position == "prepend":
            new = _KChain(chain, old.policy, [line, *old.rules], [ref, *old.targets])
        else:
            new = _KChain(chain, old.policy, [*old.rules, line], [*old.targets, ref])
        chains[chain] = new
        if ref is not None:
            refs = self._refs[table]
            refs[ref] = refs.get(ref, 0) + 1
        self.version += 1
        return False

    # -- iptables-restore --
    def restore_all(self, text: str, noflush: bool = True) -> None:
        """``iptables-restore [--noflush]`` of ``text`` (see the class docstring); raises
        :class:`IptablesRestoreError` for the first table it cannot restore."""
        self.restores += 1
        table: str | None = None
        chains: dict[str, _KChain] = {}
        refs: dict[str, int] = {}
        touched: set[str] = set()  # chains copied (declared or appended to) in this table's transaction
        # the chains this payload flushed, as they were: a line written again is not tokenized again, and a chain
        # rewritten with the same rules keeps its identity (the executor does not compile it again)
        before: dict[str, _KChain] = {}
        known: dict[str, str | None] = {}
        start = 0
        lineno = 0
        miss = _MISS
        # the chain the last rule went to (rules come in runs per chain); reset when chains are replaced
        cur_prefix, cur = "\0", None
        for lineno, raw in enumerate(text.split("\n"), 1):
            if table is not None and raw[:3] == "-A " and raw[-1:] not in _SPACE:
                # the common line first: a rule the flushed chains already held (kube-proxy rewrites
                # KUBE-SERVICES and KUBE-NODEPORTS on every sync, mostly with the same rules)
                ref = known.get(raw, miss)
                if ref is not miss and (ref is None or ref in chains):
                    if not raw.startswith(cur_prefix):
                        name = raw.split(" ", 2)[1]
                        cur = chains.get(name)
                        if cur is not None and name not in touched:
                            cur = chains[name] = _KChain(name, cur.policy, list(cur.rules), list(cur.targets))
                            touched.add(name)
                        cur_prefix = f"-A {name} " if cur is not None else "\0"
                    if cur is not None:
                        cur.rules.append(raw)
                        cur.targets.append(ref)
                        if ref is not None:
                            refs[ref] = refs.get(ref, 0) + 1
                        continue
            line = raw.strip()
            if not line or line[0] == "#":
                continue
            if table is None:
                if line[0] != "*":
                    raise IptablesRestoreError(lineno, line, "expected a table (*filter, *nat, ...)")
                table = line[1:].strip()
                if table not in BUILTIN_CHAINS:
                    raise IptablesRestoreError(lineno, line, f"unable to initialize table '{table}'")
                start = lineno
                before, known = {}, {}
                cur_prefix = "\0"
                old = self._tables.get(table)
                if old is None or not noflush:
                    policies = {c.name: c.policy for c in (old or {}).values() if c.policy is not None}
                    chains = {c: _KChain(c, policies.get(c, "ACCEPT"), [], []) for c in BUILTIN_CHAINS[table]}
                    refs = {}
                    touched = set(chains)
                else:
                    chains = dict(old)
                    refs = dict(self._refs.get(table, {}))
                    touched = set()
                continue
            if line == "COMMIT":
                for name, old_chain in before.items():
                    new_chain = chains.get(name)
                    if (
                        new_chain is not None
                        and new_chain.rules == old_chain.rules
                        and new_chain.policy == old_chain.policy
                    ):
                        chains[name] = old_chain
                self._tables[table] = chains
                self._refs[table] = refs
                self.version += 1
                table = None
                continue
            c0 = line[0]
            if c0 == ":":
                parts = line[1:].split()
                if not parts:
                    raise IptablesRestoreError(lineno, line, "bad chain declaration")
                name = parts[0]
                policy = parts[1] if len(parts) > 1 else "-"
                builtin = name in BUILTIN_CHAINS[table]
                if builtin and policy not in ("-", "ACCEPT", "DROP"):
                    raise IptablesRestoreError(lineno, line, f"Bad built-in chain policy {policy}")
                if not builtin and policy != "-":
                    raise IptablesRestoreError(lineno, line, "Can't set policy on a user-defined chain")
                existing = chains.get(name)
                if existing is not None:
                    # an existing chain is flushed: its rules no longer hold references
                    for target in existing.targets:
                        if target is not None:
                            refs[target] -= 1
                    if name not in before and name not in touched:
                        before[name] = existing
                        known.update(zip(existing.rules, existing.targets, strict=True))
                keep = existing.policy if existing is not None else "ACCEPT"
                chains[name] = _KChain(name, (keep if policy == "-" else policy) if builtin else None, [], [])
                touched.add(name)
                cur_prefix = "\0"
                continue
            if line.startswith("-A "):
                words = _rule_words(line)
                if len(words) < 2 or words[1] not in chains:
                    reason = "No chain/target/match by that name" if len(words) >= 2 else "Bad argument"
                    raise IptablesRestoreError(lineno, line, reason)
                name = words[1]
                target = _jump_target(words)
                ref = target if target is not None and target in chains else None
                if target is not None and ref is None and target not in _EXTENSION_TARGETS:
                    raise IptablesRestoreError(
                        lineno, line, f"Couldn't load target `{target}':No such file or directory"
                    )
                if ref is not None and chains[ref].policy is not None:
                    raise IptablesRestoreError(lineno, line, f"cannot jump to built-in chain {ref}")
                chain = chains[name]
                if name not in touched:
                    chain = chains[name] = _KChain(name, chain.policy, list(chain.rules), list(chain.targets))
                    touched.add(name)
                chain.rules.append(line)
                chain.targets.append(ref)
                if ref is not None:
                    refs[ref] = refs.get(ref, 0) + 1
                continue
            if line.startswith("-X "):
                name = line[3:].strip()
                victim = chains.get(name)
                if victim is None:
                    raise IptablesRestoreError(lineno, line, "No chain/target/match by that name")
                if victim.policy is not None:
                    raise IptablesRestoreError(lineno, line, "Invalid argument (a built-in chain)")
                if victim.rules:
                    raise IptablesRestoreError(lineno, line, "Directory not empty")
                if refs.get(name):
                    raise IptablesRestoreError(lineno, line, "Too many links")
                del chains[name]
                refs.pop(name, None)
                cur_prefix = "\0"
                continue
            raise IptablesRestoreError(
                lineno, line, "unexpected line (kube-proxy writes :CHAIN, -A, -X, COMMIT)"
            )
        if table is not None:
            raise IptablesRestoreError(start, f"*{table}", f"COMMIT expected at line {lineno + 1}")
