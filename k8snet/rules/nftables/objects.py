"""The nftables objects kube-proxy programs: tables, chains, sets and maps, elements, rules and statements.

The object model follows sigs.k8s.io/knftables ``types.go`` (``Table``, ``Chain``, ``Set``/``Map`` as one
:class:`NamedSet`, ``Element``, ``Rule``). A :class:`Rule` keeps its text as written and its typed statements
(:class:`Match`, :class:`Lookup`, :class:`VerdictMap`, :class:`Verdict`, :class:`MarkSet`, :class:`Nat`,
:class:`SetUpdate`, ...), which :mod:`k8snet.dataplane.nft` executes; :mod:`~k8snet.rules.nftables.rule`
parses rule text into them.

>>> t = Table("ip", "kube-proxy")
>>> t.chains["nat-prerouting"] = Chain("nat-prerouting", type="nat", hook="prerouting", priority=-100)
>>> t.chains["services"] = Chain("services")
>>> t.key, [c.name for c in t.base_chains("prerouting")]
('ip kube-proxy', ['nat-prerouting'])
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "STANDARD_PRIORITIES",
    "Element",
    "NamedSet",
    "Chain",
    "Table",
    "Rule",
    "Statement",
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
]

#: Named chain priorities for the ip/ip6/inet families (``man nft``, "CHAINS", table of standard priorities).
STANDARD_PRIORITIES: dict[str, int] = {
    "raw": -300,
    "mangle": -150,
    "dstnat": -100,
    "filter": 0,
    "security": 50,
    "srcnat": 100,
}


# --------------------------------------------------------------------------------------------------------------
# Objects


@dataclass
class Element:
    """One element of a set or map: key parts (concatenation), value parts (maps only), comment."""

    key: tuple[str, ...]
    value: tuple[str, ...] | None = None
    comment: str | None = None

    def key_text(self) -> str:
        return " . ".join(self.key)

    def value_text(self) -> str:
        return " ".join(self.value or ())


@dataclass
class NamedSet:
    """A named set (``is_map`` false) or map: ``type`` text, flags, timeout (seconds), elements."""

    name: str
    type: str
    is_map: bool = False
    flags: list[str] = field(default_factory=list)
    timeout: int | None = None
    comment: str | None = None
    elements: list[Element] = field(default_factory=list)

    @property
    def key_types(self) -> list[str]:
        """The key's data types, e.g. ``['ipv4_addr', 'inet_proto', 'inet_service']``."""
        key = self.type.split(":")[0]
        return [p.strip() for p in key.split(".")]

    @property
    def value_type(self) -> str | None:
        return self.type.split(":", 1)[1].strip() if ":" in self.type else None

    def _positions(self) -> dict[tuple[str, ...], int]:
        """``{key: index in elements}`` (first element with that key), so :meth:`add` is O(1) instead of a
        scan (a sync adds one element per Service port: a scan made it quadratic). Kept beside
        :attr:`elements`, not a field (so ``==``/``repr`` are unchanged), and rebuilt whenever ``elements``
        was replaced or changed length behind our back (``elements.clear()`` on ``flush``)."""
        cached = self.__dict__.get("_index")
        if cached is None or cached[0] is not self.elements or len(cached[1]) != len(self.elements):
            positions: dict[tuple[str, ...], int] = {}
            for i, e in enumerate(self.elements):
                positions.setdefault(e.key, i)
            cached = self.__dict__["_index"] = (self.elements, positions)
        return cached[1]

    def add(self, elem: Element) -> None:
        """Add (or replace, for a map) the element with this key."""
        positions = self._positions()
        i = positions.get(elem.key)
        if i is not None and (i >= len(self.elements) or self.elements[i].key != elem.key):
            self.__dict__.pop("_index", None)  # an element was replaced in place: re-index
            positions = self._positions()
            i = positions.get(elem.key)
        if i is not None:
            self.elements[i] = elem
            return
        positions[elem.key] = len(self.elements)
        self.elements.append(elem)

    def delete(self, key: tuple[str, ...]) -> None:
        self.elements = [e for e in self.elements if e.key != key]


@dataclass
class Chain:
    """A chain; base chains have ``type``, ``hook`` and numeric ``priority``."""

    name: str
    type: str | None = None
    hook: str | None = None
    priority: int | None = None
    policy: str = "accept"
    comment: str | None = None
    rules: list[Rule] = field(default_factory=list)

    @property
    def is_base(self) -> bool:
        return self.hook is not None


@dataclass
class Table:
    """One table (``family`` ``ip``/``ip6``/``inet``) with its chains, sets and maps in creation order."""

    family: str
    name: str
    comment: str | None = None
    chains: dict[str, Chain] = field(default_factory=dict)
    sets: dict[str, NamedSet] = field(default_factory=dict)
    maps: dict[str, NamedSet] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.family} {self.name}"

    def lookup_set(self, name: str) -> NamedSet | None:
        return self.sets.get(name) or self.maps.get(name)

    def base_chains(self, hook: str | None = None) -> list[Chain]:
        """Base chains (of ``hook``), in priority order (stable for equal priorities)."""
        out = [c for c in self.chains.values() if c.is_base and (hook is None or c.hook == hook)]
        return sorted(out, key=lambda c: c.priority or 0)


# --------------------------------------------------------------------------------------------------------------
# Rule statements


@dataclass(frozen=True)
class Match:
    """``<selector> [and MASK] (==|!=) <value>``; ``values`` has one item for a literal, several for ``{ }``.

    ``selector`` is a concatenation of selector names (``('ip daddr',)``, ``('meta l4proto', 'th dport')``).
    """

    selector: tuple[str, ...]
    op: str
    values: tuple[str, ...]
    mask: str | None = None


@dataclass(frozen=True)
class Lookup:
    """``<selector> [!=] @set``: membership in a named set."""

    selector: tuple[str, ...]
    set_name: str
    negated: bool = False


@dataclass(frozen=True)
class VerdictMap:
    """``<selector> vmap @map`` or ``<selector> vmap { key : verdict, ... }`` (``elements`` then set)."""

    key: tuple[str, ...]
    map_name: str | None = None
    elements: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] | None = None


@dataclass(frozen=True)
class Verdict:
    """``accept``, ``drop``, ``continue``, ``return``, ``jump CHAIN``, ``goto CHAIN``."""

    kind: str
    target: str | None = None


@dataclass(frozen=True)
class Reject:
    """``reject [with ...]``."""

    how: str | None = None


@dataclass(frozen=True)
class MarkSet:
    """``mark set mark (or|xor|and) VALUE`` or ``mark set VALUE`` (``op`` ``set``)."""

    op: str
    value: str


@dataclass(frozen=True)
class Nat:
    """``dnat to ADDR[:PORT]`` / ``snat to ...``."""

    kind: str
    address: str
    port: int | None = None


@dataclass(frozen=True)
class Masquerade:
    """``masquerade [fully-random|random|persistent]``."""

    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetUpdate:
    """``update @set { selector }`` / ``add @set { selector }``: add the packet's key to a dynamic set."""

    set_name: str
    selector: tuple[str, ...]
    op: str = "update"


@dataclass(frozen=True)
class Noop:
    """Statements with no effect on the packet's fate (``counter``, ``log``, ``notrack`` ...)."""

    text: str


Statement = Match | Lookup | VerdictMap | Verdict | Reject | MarkSet | Nat | Masquerade | SetUpdate | Noop


@dataclass
class Rule:
    """One rule: its text as written (without the comment), the comment, and the parsed statements."""

    chain: str
    text: str
    comment: str | None = None
    statements: list[Statement] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        """The rule as knftables writes it: text plus ``comment "..."``."""
        return self.text + (f' comment "{self.comment}"' if self.comment is not None else "")
