"""Tables as the ``add ...`` transaction text kube-proxy feeds to ``nft -f``, in knftables' dump order.

:func:`dump_table` writes a table as sigs.k8s.io/knftables ``Fake.Dump()`` does (``fake.go``; each object's
text as its ``writeOperation`` in ``objects.go`` writes it), which is what kubernetes/kubernetes
``pkg/proxy/nftables/proxier_test.go`` compares against; :func:`sort_nftables_transaction` is the canonical
order upstream's tests compare transactions in.
"""

from __future__ import annotations

from .objects import Chain, Element, NamedSet, Table

__all__ = ["dump_table", "sort_nftables_transaction"]


def _set_spec(s: NamedSet) -> str:
    # Clause order of knftables' Set/Map writeOperation: type, flags, timeout, comment.
    parts = [f"type {s.type} ;"]
    if s.flags:
        parts.append(f"flags {','.join(s.flags)} ;")
    if s.timeout is not None:
        parts.append(f"timeout {s.timeout}s ;")
    if s.comment is not None:
        parts.append(f'comment "{s.comment}" ;')
    return "{ " + " ".join(parts) + " }"


def _chain_spec(c: Chain) -> str:
    parts = []
    if c.type is not None:
        parts.append(f"type {c.type} hook {c.hook} priority {c.priority} ;")
    if c.comment is not None:
        parts.append(f'comment "{c.comment}" ;')
    return (" { " + " ".join(parts) + " }") if parts else ""


def _element_text(e: Element) -> str:
    text = e.key_text()
    if e.comment is not None:
        text += f' comment "{e.comment}"'
    if e.value is not None:
        text += " : " + e.value_text()
    return "{ " + text + " }"


def dump_table(table: Table) -> str:
    """The table as ``add ...`` lines, in the order of knftables' ``Fake.Dump()``.

    Order: the table; chains, sets and maps (each sorted by name); then every chain's rules (chains by name,
    rules in order); then set elements and map elements (sets/maps by name, elements in insertion order).
    Each line ends in a newline.

    >>> from k8snet.rules.nftables import parse_nftables
    >>> t = parse_nftables('''add table ip k { comment "c" ; }
    ... add chain ip k b
    ... add chain ip k a { type nat hook output priority -100 ; }
    ... add rule ip k b jump a comment "x"
    ... add set ip k s { type ipv4_addr ; }
    ... add element ip k s { 10.0.0.1 }''')["ip k"]
    >>> print(dump_table(t), end="")
    add table ip k { comment "c" ; }
    add chain ip k a { type nat hook output priority -100 ; }
    add chain ip k b
    add set ip k s { type ipv4_addr ; }
    add rule ip k b jump a comment "x"
    add element ip k s { 10.0.0.1 }
    """
    fam = f"{table.family} {table.name}"
    out = []
    if table.comment is not None:
        out.append(f'add table {fam} {{ comment "{table.comment}" ; }}')
    else:
        out.append(f"add table {fam}")
    for name in sorted(table.chains):
        out.append(f"add chain {fam} {name}{_chain_spec(table.chains[name])}")
    for name in sorted(table.sets):
        out.append(f"add set {fam} {name} {_set_spec(table.sets[name])}")
    for name in sorted(table.maps):
        out.append(f"add map {fam} {name} {_set_spec(table.maps[name])}")
    for name in sorted(table.chains):
        for rule in table.chains[name].rules:
            out.append(f"add rule {fam} {name} {rule.full_text}")
    for coll in (table.sets, table.maps):
        for name in sorted(coll):
            for e in coll[name].elements:
                out.append(f"add element {fam} {name} {_element_text(e)}")
    return "\n".join(out) + "\n"


# Port of sortNFTablesTransaction in kubernetes/kubernetes pkg/proxy/nftables/helpers_test.go.
_OBJECT_ORDER = {"table": 10, "chain": 9, "rule": 8, "set": 7, "map": 6, "element": 5}


def sort_nftables_transaction(text: str) -> str:
    """Canonical order used by upstream's ``assertNFTablesTransactionEqual``.

    Blank lines and ``#`` comments are dropped; lines are sorted by object type (table, chain, rule, set, map,
    element), then by object name; rules keep their relative order; other lines with equal type and name sort
    by the whole line. Joined with ``\\n`` (no trailing newline).

    >>> print(sort_nftables_transaction('''
    ... add element ip t s { 2 }
    ... # comment
    ... add rule ip t c b
    ... add rule ip t c a
    ... add chain ip t c
    ... add element ip t s { 1 }'''))
    add chain ip t c
    add rule ip t c b
    add rule ip t c a
    add element ip t s { 1 }
    add element ip t s { 2 }
    """
    import functools

    lines = [ln for ln in text.split("\n") if ln != "" and ln[0] != "#"]

    def less(li: str, lj: str) -> bool:
        wi, wj = li.split(" "), lj.split(" ")
        if len(wi) < 5 or len(wj) < 5:
            return False
        if wi[1] != wj[1]:
            return _OBJECT_ORDER.get(wi[1], 0) >= _OBJECT_ORDER.get(wj[1], 0)
        if wi[4] != wj[4]:
            return wi[4] < wj[4]
        if wi[1] == "rule":
            return False
        return li < lj

    # Go's sort.SliceStable with a "less" that may not be a strict order: emulate with a stable insertion
    # sort driven by the same predicate, which is what SliceStable does for small inputs (insertionSort on
    # blocks of 20, then symMerge). For the consistent inputs used here any stable sort gives the same result.
    def cmp(a: str, b: str) -> int:
        if less(a, b) and not less(b, a):
            return -1
        if less(b, a) and not less(a, b):
            return 1
        return 0

    return "\n".join(sorted(lines, key=functools.cmp_to_key(cmp)))
