"""Upstream's iptables golden-test helpers, shared by the renderer tests and the ``k8snet kube-proxy`` CLI tests.

Ported from kubernetes/kubernetes (v1.34):

- ``pkg/util/iptables/testing/parse.go``: ``ParseIPTablesDump`` and ``String``, the parts
  ``sortIPTablesRules`` needs (:func:`parse_iptables_dump`, :func:`dump_string`, :func:`get_chain`);
- ``pkg/proxy/iptables/proxier_test.go``: ``sortIPTablesRules``, ``orderByCommentServiceName``,
  ``assertIPTablesRulesEqual``, ``assertIPTablesChainEqual`` and ``checkIPTablesRuleJumps``.
"""

from __future__ import annotations

import dataclasses
import re

KUBE_NODEPORTS = "KUBE-NODEPORTS"
KUBE_SERVICES = "KUBE-SERVICES"


# --- pkg/util/iptables/testing/parse.go (the parts sortIPTablesRules needs) -------------------------------


@dataclasses.dataclass
class Rule:
    raw: str
    comment: str | None


@dataclasses.dataclass
class Chain:
    name: str
    rules: list[Rule] = dataclasses.field(default_factory=list)
    deleted: bool = False


@dataclasses.dataclass
class Table:
    name: str
    chains: list[Chain] = dataclasses.field(default_factory=list)


_COMMENT = re.compile(r'--comment (?:"([^"]*)"|(\S+))')


def parse_iptables_dump(data: str) -> list[Table]:
    tables: list[Table] = []
    table: Table | None = None
    for line in data.split("\n"):
        if not line or line.startswith("#"):
            continue
        if table is None:
            if not line.startswith("*"):
                raise ValueError(f"error parsing table declaration {line!r}")
            table = Table(line[1:])
            tables.append(table)
        elif line.startswith(":"):
            table.chains.append(Chain(line[1:].split(" ")[0]))
        elif line.startswith("-A "):
            name = line.split(" ")[1]
            chain = next((c for c in table.chains if c.name == name), None)
            if chain is None:
                raise ValueError(f"error parsing rule {line!r}: no such chain {name!r}")
            m = _COMMENT.search(line)
            chain.rules.append(
                Rule(line, None if m is None else (m.group(1) if m.group(1) is not None else m.group(2)))
            )
        elif line.startswith("-X "):
            chain = next(c for c in table.chains if c.name == line.split(" ")[1])
            chain.deleted = True
        elif line == "COMMIT":
            table = None
        else:
            raise ValueError(f"error parsing rule {line!r}")
    if table is not None:
        raise ValueError("could not parse iptables data (no COMMIT line?)")
    return tables


def dump_string(tables: list[Table]) -> str:
    out = []
    for t in tables:
        out.append(f"*{t.name}\n")
        out.extend(f":{c.name} - [0:0]\n" for c in t.chains)
        out.extend(f"{r.raw}\n" for c in t.chains for r in c.rules)
        out.extend(f"-X {c.name}\n" for c in t.chains if c.deleted)
        out.append("COMMIT\n")
    return "".join(out)


def get_chain(tables: list[Table], table: str, chain: str) -> Chain | None:
    for t in tables:
        if t.name == table:
            return next((c for c in t.chains if c.name == chain), None)
    return None


# --- proxier_test.go helpers ---------------------------------------------------------------------------


def _comment_service_name(rule: Rule) -> str | None:
    # orderByCommentServiceName: "the service name is the comment up to the first space or colon"
    if rule.comment is None:
        return None
    return re.split(r"[ :]", rule.comment, maxsplit=1)[0]


def _stable_sort(rules: list[Rule], less) -> list[Rule]:
    # sort.SliceStable with a "less" function: an insertion sort is stable and uses only less().
    out: list[Rule] = []
    for r in rules:
        i = len(out)
        while i > 0 and less(r, out[i - 1]):
            i -= 1
        out.insert(i, r)
    return out


def _order_by_comment(r1: Rule, r2: Rule) -> bool:
    n1, n2 = _comment_service_name(r1), _comment_service_name(r2)
    if n1 is None or n2 is None:
        return False
    return n1 < n2


def sort_iptables_rules(data: str) -> str:
    """``sortIPTablesRules``: order independent of Service processing order, related rules kept together."""
    tables = parse_iptables_dump(data)
    tables.sort(key=lambda t: t.name)

    def chain_key(c: Chain):
        if c.name == KUBE_NODEPORTS:
            return (0, "")
        if c.name == KUBE_SERVICES:
            return (1, "")
        return (2 if c.name.startswith("KUBE-") else 3, c.name)

    for t in tables:
        t.chains.sort(key=chain_key)
    for table in ("filter", "nat"):
        for name in (KUBE_NODEPORTS,):
            c = get_chain(tables, table, name)
            if c is not None:
                c.rules = _stable_sort(c.rules, _order_by_comment)
    c = get_chain(tables, "filter", KUBE_SERVICES)
    if c is not None:
        c.rules = _stable_sort(c.rules, _order_by_comment)
    c = get_chain(tables, "nat", KUBE_SERVICES)
    if c is not None:

        def last_rule_less(r1: Rule, r2: Rule) -> bool:
            if r1.comment is not None and "must be the last rule" in r1.comment:
                return False
            if r2.comment is not None and "must be the last rule" in r2.comment:
                return True
            return _order_by_comment(r1, r2)

        c.rules = _stable_sort(c.rules, last_rule_less)
    return dump_string(tables)


def check_iptables_rule_jumps(data: str) -> None:
    """``checkIPTablesRuleJumps``: every jump target exists and is filled, every created chain is used."""
    for t in parse_iptables_dump(data):
        lines = [f":{c.name} - [0:0]" for c in t.chains] + [r.raw for c in t.chains for r in c.rules]
        created = {c.name for c in t.chains if not c.deleted}
        filled = {m.group(1) for ln in lines if (m := re.search(r"-A ([^ ]*)", ln))}
        jumped = {m.group(1) for ln in lines if (m := re.search(r"-j ([^ ]*)", ln))}
        jumped -= {"ACCEPT", "REJECT", "DROP", "MARK", "RETURN", "DNAT", "SNAT", "MASQUERADE"}
        missing = (jumped - created) | (filled - created)
        assert not missing, f"some chains in {t.name} are used but were not created: {sorted(missing)}"
        empty = jumped - filled - {KUBE_NODEPORTS}
        assert not empty, f"some chains in {t.name} are jumped to but have no rules: {sorted(empty)}"
        extra = (
            created
            - jumped
            - {
                KUBE_SERVICES,
                "KUBE-EXTERNAL-SERVICES",
                KUBE_NODEPORTS,
                "KUBE-POSTROUTING",
                "KUBE-FORWARD",
                "KUBE-MARK-MASQ",
                "KUBE-PROXY-FIREWALL",
                "KUBE-FIREWALL",
            }
        )
        assert not extra, f"some chains in {t.name} are created but not used: {sorted(extra)}"


def assert_iptables_rules_equal(check_consistency: bool, expected: str, result: str) -> None:
    expected = expected.lstrip(" \t\n")
    result = sort_iptables_rules(result.lstrip(" \t\n"))
    assert result == expected
    if check_consistency:
        check_iptables_rule_jumps(expected)


def assert_iptables_chain_equal(table: str, chain: str, expected: str, result: str) -> None:
    c = get_chain(parse_iptables_dump(result.lstrip(" \t\n")), table, chain)
    got = "".join(r.raw + "\n" for r in c.rules) if c is not None else ""
    assert got == expected.lstrip(" \t\n")
