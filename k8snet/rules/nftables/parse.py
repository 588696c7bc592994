"""Parse nftables text into typed tables, chains, sets, maps and rules.

Two inputs are accepted:

* the ``add ...`` transaction format that kube-proxy feeds to ``nft -f`` and that the knftables fake prints
  from ``Fake.Dump()`` (sigs.k8s.io/knftables ``fake.go``; it is what kubernetes/kubernetes
  ``pkg/proxy/nftables/proxier_test.go`` compares against): ``add table``, ``add chain``, ``add set``,
  ``add map``, ``add rule``, ``add element``, plus ``flush``/``delete`` of chains, sets, maps and elements;
* the block layout printed by ``nft list table`` / ``nft list ruleset`` (``table ip kube-proxy { chain x {
  ... } }``), as far as kube-proxy's objects need (``type``/``hook``/``priority``/``policy``, ``flags``,
  ``timeout``, ``comment``, ``elements = { ... }``).

Each rule's text goes through :func:`~k8snet.rules.nftables.rule.parse_rule`.

>>> tables = parse_nftables('''
... add table ip kube-proxy { comment "rules for kube-proxy" ; }
... add chain ip kube-proxy services
... add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }
... add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
... add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-X }
... ''')
>>> t = tables["ip kube-proxy"]
>>> t.maps["service-ips"].elements[0].key, t.maps["service-ips"].elements[0].value
(('172.30.0.41', 'tcp', '80'), ('goto', 'service-X'))
>>> t.chains["services"].rules[0].statements[0]
VerdictMap(key=('ip daddr', 'meta l4proto', 'th dport'), map_name='service-ips', elements=None)
"""

from __future__ import annotations

import re

from .objects import STANDARD_PRIORITIES, Chain, Element, NamedSet, Table
from .rule import NftParseError, parse_rule, tokenize, unquote

__all__ = [
    "parse_nftables",
    "spec_clauses",
    "apply_chain_spec",
    "apply_set_spec",
    "parse_element_items",
    "brace_body",
]


# --------------------------------------------------------------------------------------------------------------
# Object specs: "{ type filter hook input priority 0 ; comment "x" ; }"


def _parse_priority(words: list[str]) -> int:
    """``-110``, ``dstnat``, ``dstnat - 10``, ``dstnat-10``, ``filter + 10`` → an integer."""
    text = "".join(words)
    m = re.fullmatch(r"([a-z]+)?([+-]?\d+)?", text)
    if not m or not (m.group(1) or m.group(2)):
        raise ValueError(f"bad priority {' '.join(words)!r}")
    base = 0
    if m.group(1):
        if m.group(1) not in STANDARD_PRIORITIES:
            raise ValueError(f"unknown priority name {m.group(1)!r}")
        base = STANDARD_PRIORITIES[m.group(1)]
    return base + int(m.group(2) or 0)


def spec_clauses(tokens: list[str]) -> list[list[str]]:
    """Split the words inside ``{ ... }`` of an object spec into ``;``-separated clauses.

    >>> spec_clauses(["type", "ipv4_addr", ";", "flags", "timeout", ";"])
    [['type', 'ipv4_addr'], ['flags', 'timeout']]
    """
    out: list[list[str]] = []
    cur: list[str] = []
    for tok in tokens:
        if tok == ";":
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        out.append(cur)
    return out


def apply_chain_spec(chain: Chain, clauses: list[list[str]]) -> None:
    """Set a chain's ``type``/``hook``/``priority``, ``policy`` and ``comment`` from its spec's clauses (a
    ``ValueError`` for a clause nft would not take).

    >>> chain = Chain("filter-input")
    >>> apply_chain_spec(chain, spec_clauses(tokenize("type filter hook input priority -110 ;")))
    >>> chain.type, chain.hook, chain.priority
    ('filter', 'input', -110)
    """
    for cl in clauses:
        if cl[0] == "type":
            # type filter hook input priority 0
            chain.type = cl[1]
            if "hook" in cl:
                chain.hook = cl[cl.index("hook") + 1]
            if "priority" in cl:
                chain.priority = _parse_priority(cl[cl.index("priority") + 1 :])
            elif chain.hook is not None:
                chain.priority = 0
        elif cl[0] == "policy":
            chain.policy = cl[1]
        elif cl[0] == "comment":
            chain.comment = unquote(cl[1])
        elif cl[0] in ("device", "devices"):
            continue
        else:
            raise ValueError(f"unknown chain clause {' '.join(cl)!r}")


def _parse_timeout(text: str) -> int:
    """``10800s``, ``3h``, ``1d2h3m4s`` → seconds."""
    total = 0
    for num, unit in re.findall(r"(\d+)(ms|d|h|m|s)", text):
        total += int(num) * {"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0}[unit]
    if not re.fullmatch(r"(\d+(ms|d|h|m|s))+", text):
        raise ValueError(f"bad timeout {text!r}")
    return total


def apply_set_spec(s: NamedSet, clauses: list[list[str]]) -> list[list[str]]:
    """Apply type/flags/timeout/comment; returns clauses that are ``elements = ...`` (list layout).

    >>> s = NamedSet("affinity", "")
    >>> apply_set_spec(s, spec_clauses(tokenize("type ipv4_addr ; flags timeout ; timeout 3h ;"))), s.timeout
    ([], 10800)
    """
    rest = []
    for cl in clauses:
        if cl[0] in ("type", "typeof"):
            s.type = " ".join(cl[1:])
        elif cl[0] == "flags":
            s.flags = [f for f in "".join(cl[1:]).split(",") if f]
        elif cl[0] == "timeout":
            s.timeout = _parse_timeout(cl[1])
        elif cl[0] == "comment":
            s.comment = unquote(cl[1])
        elif cl[0] in ("size", "policy", "gc-interval", "auto-merge"):
            continue
        elif cl[0] == "elements":
            rest.append(cl)
        else:
            raise ValueError(f"unknown set clause {' '.join(cl)!r}")
    return rest


def parse_element_items(tokens: list[str]) -> list[Element]:
    """Words between ``{`` and ``}`` of ``add element``/``elements =`` → elements.

    An item is ``KEY [timeout T] [expires T] [comment "C"] [: VALUE]``; items are separated by ``,``.

    >>> [(e.key, e.value) for e in parse_element_items(tokenize("10.96.0.1 . tcp . 80 : goto svc , 10.0.0.1"))]
    [(('10.96.0.1', 'tcp', '80'), ('goto', 'svc')), (('10.0.0.1',), None)]
    """
    items: list[list[str]] = []
    cur: list[str] = []
    for tok in tokens:
        if tok == ",":
            items.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        items.append(cur)
    out = []
    for words in items:
        if not words:
            continue
        value = None
        if ":" in words:
            idx = words.index(":")
            value = tuple(words[idx + 1 :])
            words = words[:idx]
        comment = None
        key_words: list[str] = []
        i = 0
        while i < len(words):
            if words[i] == "comment":
                comment = unquote(words[i + 1])
                i += 2
            elif words[i] in ("timeout", "expires"):
                i += 2
            else:
                key_words.append(words[i])
                i += 1
        key = tuple(p.strip() for p in " ".join(key_words).split(" . "))
        out.append(Element(key, value, comment))
    return out


def brace_body(tokens: list[str], start: int) -> tuple[list[str], int]:
    """Tokens inside the ``{`` at ``start`` up to its matching ``}``; returns (body, index after ``}``).

    >>> brace_body(["x", "{", "a", "{", "b", "}", "}", "y"], 1)
    (['a', '{', 'b', '}'], 7)
    """
    if start >= len(tokens) or tokens[start] != "{":
        raise ValueError("expected '{'")
    depth = 0
    for j in range(start, len(tokens)):
        if tokens[j] == "{":
            depth += 1
        elif tokens[j] == "}":
            depth -= 1
            if depth == 0:
                return tokens[start + 1 : j], j + 1
    raise ValueError("unbalanced braces")


# --------------------------------------------------------------------------------------------------------------
# Documents


def parse_nftables(text: str, tables: dict[str, Table] | None = None) -> dict[str, Table]:
    """Parse ``add ...`` transaction text or ``nft list`` output; returns tables keyed ``"FAMILY NAME"``.

    Passing ``tables`` applies the text on top of existing tables (as ``nft -f`` does on a running host).

    >>> t = parse_nftables('''
    ... table ip kube-proxy {
    ...     comment "rules for kube-proxy"
    ...     set cluster-ips {
    ...         type ipv4_addr
    ...         comment "Active ClusterIPs"
    ...         elements = { 172.30.0.41, 172.30.0.42 }
    ...     }
    ...     chain nat-prerouting {
    ...         type nat hook prerouting priority dstnat; policy accept;
    ...         jump services
    ...     }
    ...     chain services {
    ...     }
    ... }
    ... ''')["ip kube-proxy"]
    >>> [e.key for e in t.sets["cluster-ips"].elements], t.chains["nat-prerouting"].priority
    ([('172.30.0.41',), ('172.30.0.42',)], -100)
    """
    tables = {} if tables is None else tables
    lines = text.splitlines()
    stripped = [ln.strip() for ln in lines]
    first = next((s for s in stripped if s and not s.startswith("#")), "")
    if first.startswith("table "):
        _parse_listing(lines, tables)
        return tables
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            _apply_command(line, tables)
        except NftParseError as err:
            raise NftParseError(lineno, line, err.reason) from None
        except (ValueError, IndexError, KeyError) as err:
            raise NftParseError(lineno, line, str(err)) from None
    return tables


def _get_table(tables: dict[str, Table], family: str, name: str) -> Table:
    key = f"{family} {name}"
    if key not in tables:
        raise ValueError(f"no table {key}")
    return tables[key]


def _apply_command(line: str, tables: dict[str, Table]) -> None:
    toks = tokenize(line)
    verb, obj = toks[0], toks[1]
    if verb not in ("add", "create", "insert", "flush", "delete", "destroy", "replace"):
        raise ValueError(f"unknown command {verb!r}")
    if obj == "table":
        family, name = toks[2], toks[3]
        key = f"{family} {name}"
        if verb in ("add", "create"):
            t = tables.setdefault(key, Table(family, name))
            if len(toks) > 4:
                body, _ = brace_body(toks, 4)
                for cl in spec_clauses(body):
                    if cl[0] == "comment":
                        t.comment = unquote(cl[1])
                    elif cl[0] != "flags":
                        raise ValueError(f"unknown table clause {' '.join(cl)!r}")
        elif verb == "flush":
            t = _get_table(tables, family, name)
            for ch in t.chains.values():
                ch.rules.clear()
            for s in list(t.sets.values()) + list(t.maps.values()):
                s.elements.clear()
        else:
            tables.pop(key, None)
        return
    family, tname = toks[2], toks[3]
    table = _get_table(tables, family, tname)
    if obj == "chain":
        name = toks[4]
        if verb in ("add", "create"):
            ch = table.chains.setdefault(name, Chain(name))
            if len(toks) > 5:
                body, _ = brace_body(toks, 5)
                apply_chain_spec(ch, spec_clauses(body))
        elif verb == "flush":
            table.chains[name].rules.clear()
        else:
            table.chains.pop(name, None)
        return
    if obj in ("set", "map"):
        name = toks[4]
        coll = table.sets if obj == "set" else table.maps
        if verb in ("add", "create"):
            s = coll.get(name)
            if s is None:
                s = coll[name] = NamedSet(name, "", is_map=(obj == "map"))
            if len(toks) > 5:
                body, _ = brace_body(toks, 5)
                apply_set_spec(s, spec_clauses(body))
        elif verb == "flush":
            coll[name].elements.clear()
        else:
            coll.pop(name, None)
        return
    if obj == "element":
        name = toks[4]
        s = table.lookup_set(name)
        if s is None:
            raise ValueError(f"no set or map {name}")
        body, _ = brace_body(toks, 5)
        for elem in parse_element_items(body):
            if verb in ("add", "create", "replace"):
                s.add(elem)
            else:
                s.delete(elem.key)
        return
    if obj == "rule":
        name = toks[4]
        if name not in table.chains:
            raise ValueError(f"no chain {name}")
        # The rule text is everything after the chain name (kept verbatim, spacing included).
        m = re.match(r"\s*\S+\s+rule\s+\S+\s+\S+\s+\S+\s?(.*)$", line)
        rule_text = m.group(1) if m else ""
        handle = None
        hm = re.match(r"(?:index|handle|position)\s+(\d+)\s+(.*)$", rule_text)
        if hm:
            handle, rule_text = int(hm.group(1)), hm.group(2)
        rule = parse_rule(rule_text, name)
        rules = table.chains[name].rules
        if verb == "insert":
            rules.insert(0 if handle is None else handle, rule)
        elif verb == "add":
            rules.append(rule)
        else:
            raise ValueError(f"{verb} rule is not supported")
        return
    raise ValueError(f"unknown object {obj!r}")


def _parse_listing(lines: list[str], tables: dict[str, Table]) -> None:
    """The ``nft list`` block layout (one statement per line; ``}`` closes a block)."""
    table: Table | None = None
    chain: Chain | None = None
    nset: NamedSet | None = None
    pending_elements: list[str] | None = None
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if pending_elements is not None:
                more = tokenize(line)
                pending_elements += more
                if "}" in more:  # (not in earlier lines: testing only this one keeps a long set linear)
                    body, _ = brace_body(pending_elements, pending_elements.index("{"))
                    assert nset is not None
                    for elem in parse_element_items(body):
                        nset.add(elem)
                    pending_elements = None
                continue
            toks = tokenize(line)
            if table is None:
                if toks[0] != "table" or toks[-1] != "{":
                    raise ValueError("expected 'table FAMILY NAME {'")
                family, name = (toks[1], toks[2]) if len(toks) == 4 else ("ip", toks[1])
                table = tables.setdefault(f"{family} {name}", Table(family, name))
                continue
            if line == "}":
                if chain is not None:
                    chain = None
                elif nset is not None:
                    nset = None
                else:
                    table = None
                continue
            if chain is None and nset is None:
                if toks[0] == "comment":
                    table.comment = unquote(toks[1])
                elif toks[0] == "chain" and toks[-1] == "{":
                    chain = table.chains.setdefault(toks[1], Chain(toks[1]))
                elif toks[0] in ("set", "map") and toks[-1] == "{":
                    coll = table.sets if toks[0] == "set" else table.maps
                    nset = coll.setdefault(toks[1], NamedSet(toks[1], "", is_map=(toks[0] == "map")))
                else:
                    raise ValueError(f"unexpected {toks[0]!r} in table")
                continue
            if nset is not None:
                if toks[0] == "elements":
                    pending_elements = toks[2:]
                    if "}" in pending_elements:
                        body, _ = brace_body(pending_elements, 0)
                        for elem in parse_element_items(body):
                            nset.add(elem)
                        pending_elements = None
                else:
                    apply_set_spec(nset, spec_clauses(toks))
                continue
            assert chain is not None
            if toks[0] in ("type", "policy") or (toks[0] == "comment" and len(toks) == 2):
                # A line that is only a comment is the chain's comment (a rule cannot be only a comment).
                if toks[0] == "comment":
                    chain.comment = unquote(toks[1])
                else:
                    apply_chain_spec(chain, spec_clauses(toks))
                continue
            # "nft -a list" adds "# handle N"
            rule_text = re.sub(r"\s*# handle \d+$", "", line)
            chain.rules.append(parse_rule(rule_text, chain.name))
        except NftParseError as err:
            raise NftParseError(lineno, line, err.reason) from None
        except (ValueError, IndexError, AssertionError) as err:
            raise NftParseError(lineno, line, str(err) or "syntax error") from None
