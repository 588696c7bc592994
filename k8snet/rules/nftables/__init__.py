"""nftables as kube-proxy's nftables mode uses it: the objects, their text, and parsing that text back.

==============  ==========================================================================================
``objects``     tables, chains, sets and maps, elements, rules and their typed statements (after
                sigs.k8s.io/knftables ``types.go``)
``rule``        one rule's text: words, the statement grammar kube-proxy's rules use, :class:`NftParseError`
``parse``       whole documents: ``add ...`` transactions (``nft -f`` input) and ``nft list`` output
``dump``        tables as ``add ...`` transactions in knftables' ``Fake.Dump()`` order, and the order
                upstream's tests compare transactions in
``listing``     tables as ``nft list table`` prints them
==============  ==========================================================================================

kube-proxy (:mod:`k8snet.proxy.nftables`) builds the objects and writes them with :func:`dump_table` and
:func:`list_table`; the dataplane (:mod:`k8snet.dataplane.nft`) reads text with :func:`parse_nftables` and
executes the statements. The names below are re-exported here, so callers import them from
``k8snet.rules.nftables``.

>>> t = parse_nftables('''add table ip k
... add chain ip k services
... add rule ip k services ip daddr 172.30.0.41 tcp dport 80 goto service-X''')["ip k"]
>>> t.chains["services"].rules[0].statements[-1]
Verdict(kind='goto', target='service-X')
>>> print(dump_table(t), end="")
add table ip k
add chain ip k services
add rule ip k services ip daddr 172.30.0.41 tcp dport 80 goto service-X
"""

from .dump import dump_table, sort_nftables_transaction
from .listing import list_table
from .objects import (
    STANDARD_PRIORITIES,
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
)
from .parse import parse_nftables
from .rule import NftParseError, parse_rule, tokenize, written_rule

__all__ = [
    "NftParseError",
    "Element",
    "NamedSet",
    "Chain",
    "Table",
    "Rule",
    "Match",
    "Lookup",
    "VerdictMap",
    "Verdict",
    "MarkSet",
    "Nat",
    "Masquerade",
    "SetUpdate",
    "Reject",
    "Noop",
    "parse_nftables",
    "parse_rule",
    "written_rule",
    "tokenize",
    "dump_table",
    "list_table",
    "sort_nftables_transaction",
    "STANDARD_PRIORITIES",
]
