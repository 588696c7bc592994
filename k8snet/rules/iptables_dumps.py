"""iptables rules in every form people copy from a node: ``iptables-save``, ``iptables -S``, fragments, ``-L``.

:func:`~k8snet.rules.iptables.parse_iptables` reads what ``iptables-restore`` accepts and refuses anything else, as
the dataplane must. A person explaining a node's rules pastes more than that, and this module reads it best effort
into the same :class:`~k8snet.rules.iptables.Tables`, recording what it had to infer and what it could not read:

* ``iptables-save`` with or without counters (``[12:720] -A ...``), any table, any extension (option arity from
  :mod:`k8snet.rules.xtables`);
* ``iptables -S [-v]`` (``-P CHAIN POLICY``, ``-N CHAIN``, ``-A ...``; ``-v`` adds ``-c PKTS BYTES``, printed after
  the matches by ``save_matches_and_target`` in iptables' ``iptables/nft-shared.c``);
* fragments: ``iptables-save | grep KUBE`` (chain declarations and rules without ``*table``/``COMMIT``) and rule
  lines copied out of an issue, even as whole commands (``iptables -t nat -A ...``); the table of each chain is
  inferred (see :func:`infer_table`) and the chains a rule names are created;
* ``iptables [-t TABLE] -L [-n] [-v] [--line-numbers] [-x]`` listings, whose columns (``target prot opt source
  destination``, with ``-v`` also ``pkts bytes ... in out``) and match texts (``/* comment */``, ``tcp dpt:80``,
  ``statistic mode random probability 0.50000000000``, ``recent: CHECK seconds: 10800 reap name: ...``,
  ``to:10.244.1.3:80``) are those printed by iptables' ``print_firewall`` and the extensions' ``print`` functions
  (``libxt_comment.c``, ``libxt_tcp.c``, ``libxt_statistic.c``, ``libxt_recent.c``, ``libxt_DNAT.c``). Without
  ``-n`` addresses and ports are names (``anywhere``, ``dpt:https``); they are kept as printed.

>>> dump = read_iptables(['-A KUBE-SEP-AAA -p tcp -m comment --comment "ns/web:http" -m tcp '
...                       '-j DNAT --to-destination 10.244.1.3:8080'])
>>> dump.format, dump.tables["nat"].chains["KUBE-SEP-AAA"].rules[0].to_destination
('rule lines', '10.244.1.3:8080')
>>> dump.notes
['table inferred for chains without a "*table" line: KUBE-SEP-AAA in nat']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from k8snet.i18n import N_, joined, message
from k8snet.rules.iptables import (
    BUILTIN_CHAINS,
    Chain,
    Recent,
    Rule,
    Statistic,
    Table,
    Tables,
    Value,
    parse_rule,
)

__all__ = ["Unparsed", "IptablesDump", "read_iptables", "read_iptables_listing", "infer_table"]


@dataclass(frozen=True)
class Unparsed:
    """A line that could not be read: its number in the input, its text and why."""

    lineno: int
    text: str
    reason: str


@dataclass
class IptablesDump:
    """What :func:`read_iptables` / :func:`read_iptables_listing` made of the lines.

    ``format`` names the form (``iptables-save``, ``iptables -S``, ``iptables-save | grep`` fragment,
    ``rule lines``, ``iptables -L``); ``notes`` say what was inferred; ``unparsed`` lists lines not read.
    """

    tables: Tables
    format: str
    notes: list[str] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    rule_count: int = 0


_NAT_CHAIN_PREFIXES = ("KUBE-SVC-", "KUBE-SEP-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-XLB-")
_NAT_CHAINS = {"KUBE-MARK-MASQ", "KUBE-POSTROUTING", "KUBE-MARK-DROP", "PREROUTING", "POSTROUTING"}
_FILTER_CHAINS = {
    "KUBE-FORWARD",
    "KUBE-FIREWALL",
    "KUBE-PROXY-FIREWALL",
    "KUBE-EXTERNAL-SERVICES",
    "INPUT",
    "FORWARD",
}
_NAT_TARGETS = {"DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP", "KUBE-MARK-MASQ", "KUBE-POSTROUTING"}
_FILTER_TARGETS = {"REJECT", "DROP", "ACCEPT", "KUBE-FORWARD", "KUBE-FIREWALL", "KUBE-PROXY-FIREWALL"}
_FILTER_TARGETS |= {"KUBE-EXTERNAL-SERVICES"}


def infer_table(chain: str, targets: Iterable[str] = (), default: str = "nat") -> str:
    """The table a chain most likely belongs to, from its name and its rules' targets.

    kube-proxy's per-service chains and MASQUERADE/DNAT live in ``nat``; its ``KUBE-FORWARD``, firewall and
    REJECT rules in ``filter``. ``KUBE-SERVICES`` and ``KUBE-NODEPORTS`` exist in both and are told apart by what
    their rules jump to (``KUBE-SVC-``/``KUBE-EXT-`` in nat, ``REJECT``/``DROP``/``ACCEPT`` in filter). Anything
    else gets ``default``.

    >>> infer_table("KUBE-SERVICES", ["REJECT"]), infer_table("KUBE-SERVICES", ["KUBE-SVC-X"]), infer_table("FORWARD")
    ('filter', 'nat', 'filter')
    """
    if chain.startswith(_NAT_CHAIN_PREFIXES) or chain in _NAT_CHAINS:
        return "nat"
    if chain in _FILTER_CHAINS:
        return "filter"
    targets = [t for t in targets if t]
    if any(t in _NAT_TARGETS or t.startswith(_NAT_CHAIN_PREFIXES) for t in targets):
        return "nat"
    if any(t in _FILTER_TARGETS for t in targets):
        return "filter"
    return default


# --- iptables-save, -S, fragments --------------------------------------------------------------------------

_TABLE = re.compile(r"^\*([A-Za-z_][\w-]*)$")
_DECL = re.compile(r"^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?$")
_SAVE_COUNTERS = re.compile(r"^\[\d+:\d+\]\s+")
_S_COUNTERS = re.compile(r"\s-c\s+\d+\s+\d+(?=\s|$)")
_COMMAND = re.compile(
    r"^(?:sudo\s+)?(?:ip6?tables(?:-legacy|-nft)?)\s+((?:(?:-w\s*\d*|--wait(?:\s+\d+)?|-t\s+\S+|--table[= ]\S+)\s+)*)"
    r"(-[AINPX]\s.*|-[NX]\s*\S+)$"
)
_TABLE_FLAG = re.compile(r"(?:-t\s+|--table[= ])(\S+)")


@dataclass
class _Builder:
    tables: Tables = field(default_factory=Tables)
    inferred: dict[str, str] = field(default_factory=dict)  # chain -> table, where no "*table" said it

    def table(self, name: str) -> Table:
        t = self.tables.get(name)
        if t is None:
            t = self.tables[name] = Table(name)
        return t

    def chain(self, table: str, name: str, declared: bool = False) -> Chain:
        t = self.table(table)
        c = t.chains.get(name)
        if c is None:
            builtin = name in BUILTIN_CHAINS.get(table, ())
            c = t.chains[name] = Chain(name, "ACCEPT" if builtin else None, declared=declared)
        return c


def read_iptables(lines: Sequence[str | tuple[int, str]], table: str | None = None) -> IptablesDump:
    """Read ``iptables-save`` / ``iptables -S`` / fragment lines (each ``str`` or ``(lineno, str)``).

    ``table`` is the table to assume where the text does not say (``iptables -t nat -S``); without it each
    chain's table is inferred with :func:`infer_table`. Never raises: unreadable lines go to ``unparsed``.

    >>> d = read_iptables(["-P INPUT ACCEPT -c 10 600", "-N KUBE-FORWARD",
    ...                    "-A KUBE-FORWARD -m conntrack --ctstate INVALID -c 0 0 -j DROP"])
    >>> d.format, d.tables["filter"].chains["KUBE-FORWARD"].rules[0].ctstate
    ('iptables -S', Value(value='INVALID', negated=False))
    """
    numbered = [(i, ln) if isinstance(ln, str) else ln for i, ln in enumerate(lines, 1)]
    b = _Builder()
    unparsed: list[Unparsed] = []
    notes: list[str] = []
    current: str | None = None  # table from "*table" (iptables-save)
    seen_table_line = seen_commit = seen_decl = seen_s = False
    # Rules whose table is not known yet: their chain's table is decided once every rule of it has been read.
    pending: list[Rule] = []
    pending_decls: list[tuple[str, str, int, int]] = []
    policies: list[tuple[str, str]] = []
    rule_count = 0
    for lineno, raw in numbered:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        explicit = None
        m = _COMMAND.match(line)
        if m:
            tm = _TABLE_FLAG.search(m.group(1))
            explicit = tm.group(1) if tm else "filter"
            line = m.group(2)
        try:
            tm2 = _TABLE.match(line)
            if tm2:
                current = tm2.group(1)
                seen_table_line = True
                b.table(current)
                continue
            if line == "COMMIT":
                current = None
                seen_commit = True
                continue
            dm = _DECL.match(line)
            if dm:
                seen_decl = True
                name, policy = dm.group(1), dm.group(2)
                where = current or explicit or table
                if where is None:
                    pending_decls.append((name, policy, int(dm.group(3) or 0), int(dm.group(4) or 0)))
                    continue
                c = b.chain(where, name, declared=True)
                _set_policy(c, policy, int(dm.group(3) or 0), int(dm.group(4) or 0))
                continue
            line = _SAVE_COUNTERS.sub("", line)
            if line.startswith(("-A ", "-I ", "-N ", "-P ", "-X ", "-F", "-Z", "-D ", "-R ")):
                seen_s = seen_s or line.startswith(("-N ", "-P "))
                line = _S_COUNTERS.sub("", line)
            word = line.split(None, 1)[0]
            if word in ("-N", "-P", "-X"):
                parts = line.split()
                if len(parts) < 2:
                    raise ValueError(f'"{word}" needs a chain name')
                where = current or explicit or table
                if word == "-X":
                    continue
                if word == "-N":
                    if where is None:
                        pending_decls.append((parts[1], "-", 0, 0))
                    else:
                        b.chain(where, parts[1], declared=True)
                    continue
                if len(parts) < 3:
                    raise ValueError('"-P" needs a chain and a policy')
                if where is None:
                    policies.append((parts[1], parts[2]))
                else:
                    _set_policy(b.chain(where, parts[1], declared=True), parts[2], 0, 0)
                continue
            if word in ("-I", "-R", "-D"):
                parts = line.split()
                # -I CHAIN [rulenum] rule: read as -A (the position only orders rules within the chain)
                if len(parts) > 2 and parts[2].isdigit():
                    del parts[2]
                line = " ".join(["-A"] + parts[1:]) if len(parts) > 1 else line
                word = "-A"
            if word != "-A":
                raise ValueError("not an iptables rule (expected *table, :CHAIN, -A, -N, -P or COMMIT)")
            rule = parse_rule(line, lineno)
            rule_count += 1
            where = current or explicit or table
            if where is None:
                pending.append(rule)
                continue
            b.chain(where, rule.chain).rules.append(rule)
        except (ValueError, IndexError) as exc:
            unparsed.append(Unparsed(lineno, raw.strip(), str(exc) or "unreadable"))
    # Tables for chains the text never placed: from each chain's name and the targets of its rules.
    if pending or pending_decls or policies:
        targets: dict[str, list[str]] = {}
        for r in pending:
            targets.setdefault(r.chain, []).append(r.jump or "")
        placed: dict[str, str] = {}
        known = {c: t for t, tab in b.tables.items() for c in tab.chains}
        for name in list(dict.fromkeys([r.chain for r in pending] + [d[0] for d in pending_decls])):
            placed[name] = known.get(name) or infer_table(name, targets.get(name, ()))
        # A chain jumped to from a placed chain follows it (KUBE-SEP-... from KUBE-SVC-... is nat).
        for r in pending:
            if r.jump and r.jump in placed and r.jump not in known and placed[r.chain] != placed[r.jump]:
                if not targets.get(r.jump):
                    placed[r.jump] = placed[r.chain]
        for name, policy, p, by in pending_decls:
            _set_policy(b.chain(placed[name], name, declared=True), policy, p, by)
        for name, policy in policies:
            where = placed.get(name) or infer_table(name)
            _set_policy(b.chain(where, name, declared=True), policy, 0, 0)
        for r in pending:
            b.chain(placed[r.chain], r.chain).rules.append(r)
        by_table: dict[str, list[str]] = {}
        for name, t in placed.items():
            by_table.setdefault(t, []).append(name)
        notes.append(
            message(
                N_('table inferred for chains without a "*table" line: {chains}'), chains=_placed(by_table)
            )
        )
    if seen_table_line and seen_commit:
        fmt = "iptables-save"
    elif seen_s:
        fmt = "iptables -S"
    elif seen_decl or seen_table_line:
        fmt = "iptables-save | grep fragment"
    else:
        fmt = "rule lines"
    return IptablesDump(b.tables, fmt, notes, unparsed, rule_count)


def _abbrev(names: list[str], limit: int = 6) -> list[str]:
    return (
        names if len(names) <= limit else names[:limit] + [message(N_("and {n} more"), n=len(names) - limit)]
    )


def _placed(by_table: dict[str, list[str]]) -> str:
    # a note's words are Messages (k8snet.i18n): English data that explain's report shows in the reader's language
    return joined(
        "; ",
        [
            message(N_("{chains} in {table}"), chains=joined(", ", _abbrev(names)), table=t)
            for t, names in by_table.items()
        ],
    )


def _set_policy(chain: Chain, policy: str, packets: int, nbytes: int) -> None:
    chain.declared = True
    chain.packets, chain.bytes = packets, nbytes
    if policy in ("ACCEPT", "DROP"):
        chain.policy = policy
    chain.policy_text = policy


# --- iptables -L ------------------------------------------------------------------------------------------

_L_CHAIN = re.compile(
    r"^Chain\s+(\S+)\s+\((?:policy\s+(\w+)(?:\s+(\d+)\s+packets,\s+(\d+)\s+bytes)?|(\d+)\s+references?)\)"
)
_L_HEADER = re.compile(r"^(?:num\s+)?(?:pkts\s+bytes\s+)?target\s+prot\s+opt\s")
_OPT = re.compile(r"^(?:--|-f|!f|!-)$")
_ANY_ADDR = {"0.0.0.0/0", "anywhere", "::/0"}
_NO_PROTO = {"all", "0"}
_PROTO_NUM = {"6": "tcp", "17": "udp", "132": "sctp", "1": "icmp", "58": "ipv6-icmp"}


def read_iptables_listing(lines: Sequence[str | tuple[int, str]], table: str | None = None) -> IptablesDump:
    """Read ``iptables -L`` output (``-n``, ``-v``, ``--line-numbers``, ``-x`` in any combination).

    Each listed rule becomes a :class:`~k8snet.rules.iptables.Rule` with what the listing shows (target,
    protocol, addresses, comment, ports, ``statistic``, ``recent``, the DNAT destination); the rest of its match
    text is kept in ``unknown``. ``table`` is the ``-t`` of the command when known, else inferred per chain.

    >>> d = read_iptables_listing('''Chain KUBE-SVC-X (1 references)
    ... target     prot opt source               destination
    ... KUBE-SEP-A  all  --  0.0.0.0/0            0.0.0.0/0            /* ns/web -> 10.244.1.3:80 */ statistic mode random probability 0.50000000000
    ... KUBE-SEP-B  all  --  0.0.0.0/0            0.0.0.0/0            /* ns/web -> 10.244.2.4:80 */'''.splitlines())
    >>> [(r.jump, r.comment, r.statistic and r.statistic.probability) for r in d.tables["nat"].chains["KUBE-SVC-X"].rules]
    [('KUBE-SEP-A', 'ns/web -> 10.244.1.3:80', Fraction(1, 2)), ('KUBE-SEP-B', 'ns/web -> 10.244.2.4:80', None)]
    """
    numbered = [(i, ln) if isinstance(ln, str) else ln for i, ln in enumerate(lines, 1)]
    chains: list[tuple[str, tuple[str | None, int, int], list[Rule]]] = []
    unparsed: list[Unparsed] = []
    cols: list[str] | None = None
    current: list[Rule] | None = None
    for lineno, raw in numbered:
        line = raw.strip()
        if not line:
            continue
        m = _L_CHAIN.match(line)
        if m:
            current = []
            cols = None
            chains.append((m.group(1), (m.group(2), int(m.group(3) or 0), int(m.group(4) or 0)), current))
            continue
        if _L_HEADER.match(line):
            cols = line.split()
            continue
        if current is None or cols is None:
            unparsed.append(
                Unparsed(lineno, line, 'not in a listed chain (no "Chain NAME (...)" line above)')
            )
            continue
        try:
            current.append(_listing_rule(chains[-1][0], line, cols, lineno))
        except (ValueError, IndexError) as exc:
            unparsed.append(Unparsed(lineno, line, str(exc) or "unreadable"))
    b = _Builder()
    placed: dict[str, str] = {}
    for name, _policy, rules in chains:
        placed[name] = table or infer_table(name, [r.jump or "" for r in rules])
    # Chains only jumped to (KUBE-SEP- from KUBE-SVC-) follow the chain that jumps.
    for name, (policy, packets, nbytes), rules in chains:
        c = b.chain(placed[name], name, declared=True)
        if policy:
            _set_policy(c, policy, packets, nbytes)
        c.rules.extend(rules)
    notes: list[str] = []
    if table is None and chains:
        by_table: dict[str, list[str]] = {}
        for name, t in placed.items():
            by_table.setdefault(t, []).append(name)
        notes.append(
            message(
                N_("table inferred for each listed chain (-L does not print it): {chains}"),
                chains=_placed(by_table),
            )
        )
    count = sum(len(r) for _n, _p, r in chains)
    return IptablesDump(b.tables, "iptables -L", notes, unparsed, count)


_COMMENT = re.compile(r"/\*\s?(.*?)\s?\*/")
_PORT = re.compile(r"\b(tcp|udp|sctp)\s+(?:spts?:(\S+)\s+)?dpts?:(\S+)")
_SPORT = re.compile(r"\b(tcp|udp|sctp)\s+spts?:(\S+)")
_MULTIPORT = re.compile(r"\bmultiport\s+dports\s+(\S+)")
_STAT_RANDOM = re.compile(r"\bstatistic\s+mode\s+random\s+(!\s*)?probability\s+([0-9.]+)")
_STAT_NTH = re.compile(r"\bstatistic\s+mode\s+nth\s+(!\s*)?every\s+(\d+)(?:\s+packet\s+(\d+))?")
_RECENT = re.compile(
    r"(!\s*)?\brecent:\s+(SET|CHECK|UPDATE|REMOVE)(?:\s+seconds:\s+(\d+))?(\s+reap)?(?:\s+hit_count:\s+\d+)?"
    r"(?:\s+TTL-Match)?\s+name:\s+(\S+)(?:\s+side:\s+(source|dest))?"
)
_TO = re.compile(r"\bto:(\S+)")
_MARK_MATCH = re.compile(r"\bmark\s+match\s+(!\s*)?(\S+)")
_CTSTATE = re.compile(r"\bctstate\s+(\S+)")
_ADDRTYPE = re.compile(r"\bADDRTYPE\s+match\s+(src|dst)-type\s+(!\s*)?(\S+)")


def _listing_rule(chain: str, line: str, cols: list[str], lineno: int) -> Rule:
    spans = [(m.group(0), m.end()) for m in re.finditer(r"\S+", line)]
    words = [w for w, _ in spans]
    i = 0
    if cols[0] == "num":
        if not words[0].isdigit():
            raise ValueError("expected a rule number in the num column")
        i += 1
    if "pkts" in cols:
        i += 2
    if i + 1 >= len(words):
        raise ValueError("too few columns for a listed rule")
    if _OPT.match(words[i + 1]):
        target, prot, i = "", words[i], i + 2  # no target: the rule only counts
    else:
        if i + 2 >= len(words) or not _OPT.match(words[i + 2]):
            raise ValueError("expected the columns target, prot, opt")
        target, prot, i = words[i], words[i + 1], i + 3
    in_if = out_if = None
    if "in" in cols:
        in_if, out_if, i = words[i], words[i + 1], i + 2
    if i + 1 >= len(words):
        raise ValueError("expected the source and destination columns")
    source, dest = words[i], words[i + 1]
    rest = line[spans[i + 1][1] :].strip()
    rule = Rule(chain=chain, text=line, lineno=lineno)
    rule.jump = target or None
    proto = _PROTO_NUM.get(prot.lstrip("!"), prot.lstrip("!"))
    if proto not in _NO_PROTO:
        rule.protocol = Value(proto, prot.startswith("!"))
    if source not in _ANY_ADDR:
        rule.source = Value(source.lstrip("!"), source.startswith("!"))
    if dest not in _ANY_ADDR:
        rule.destination = Value(dest.lstrip("!"), dest.startswith("!"))
    if in_if not in (None, "*", "any"):
        rule.in_interface = Value(in_if.lstrip("!"), in_if.startswith("!"))
    if out_if not in (None, "*", "any"):
        rule.out_interface = Value(out_if.lstrip("!"), out_if.startswith("!"))
    cm = _COMMENT.search(rest)
    if cm:
        rule.comment = cm.group(1)
        rest = (rest[: cm.start()] + rest[cm.end() :]).strip()
    pm = _PORT.search(rest)
    if pm:
        rule.dport = Value(pm.group(3))
    else:
        mm = _MULTIPORT.search(rest)
        if mm:
            rule.dport = Value(mm.group(1))
    sp = _SPORT.search(rest)
    if sp:
        rule.sport = Value(sp.group(2))
    st = _STAT_RANDOM.search(rest)
    if st:
        prob = Fraction(st.group(2))
        if not 0 <= prob <= 1:
            raise ValueError(f"statistic probability {st.group(2)} is not between 0 and 1")
        rule.statistic = Statistic("random", prob, negated=bool(st.group(1)))
    else:
        nth = _STAT_NTH.search(rest)
        if nth:
            rule.statistic = Statistic(
                "nth", None, int(nth.group(2)), int(nth.group(3) or 0), bool(nth.group(1))
            )
    rc = _RECENT.search(rest)
    if rc:
        action = {"SET": "set", "CHECK": "rcheck", "UPDATE": "update", "REMOVE": "remove"}[rc.group(2)]
        rule.recent = Recent(
            name=rc.group(5),
            action=action,
            seconds=int(rc.group(3)) if rc.group(3) else None,
            reap=bool(rc.group(4)),
            rdest=rc.group(6) == "dest",
            negated=bool(rc.group(1)),
        )
    mk = _MARK_MATCH.search(rest)
    if mk:
        rule.mark = Value(mk.group(2), bool(mk.group(1)))
    cs = _CTSTATE.search(rest)
    if cs:
        rule.ctstate = Value(cs.group(1))
    at = _ADDRTYPE.search(rest)
    if at:
        val = Value(at.group(3), bool(at.group(2)))
        if at.group(1) == "src":
            rule.src_type = val
        else:
            rule.dst_type = val
    if target == "DNAT":
        to = _TO.search(rest)
        if to:
            rule.target_options["--to-destination"] = to.group(1)
    if rest:
        rule.module_options["listing"] = rest
    return rule
