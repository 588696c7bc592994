"""What ``explain`` finds in a node's rules: per Service port, its entry points, chains and endpoints with their
shares; per chain, its kind and owner; the lines it could not attribute; what it inferred or could not check.

Every class has ``to_dict()`` for ``k8snet explain --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k8snet.errors import K8snetError

__all__ = [
    "ExplainInputError",
    "ChainInfo",
    "EndpointShare",
    "ServicePortReport",
    "Unattributed",
    "Explanation",
]


class ExplainInputError(K8snetError):
    """Input that is not node output at all (or binary, or too large): kubectl-style ``error: ...`` text.

    >>> print(ExplainInputError("the input is binary"))
    error: the input is binary
    """

    def __init__(self, message: str):
        super().__init__(f"error: {message}")


@dataclass
class ChainInfo:
    """One chain: ``chain``, ``kind``, ``owner`` (Service port name or ``None``) unpack as a tuple;
    ``table``, ``endpoint`` (``ip:port`` for KUBE-SEP-/endpoint- chains), ``entries`` (how traffic reaches a
    per-service chain), ``targets`` (chains it jumps to), ``shares`` (the fraction of new connections each
    endpoint chain gets) and ``affinity_seconds`` are extra attributes."""

    chain: str
    kind: str
    owner: str | None
    table: str = "nat"
    endpoint: str | None = None
    description: str | None = None
    entries: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    shares: dict[str, float] = field(default_factory=dict)
    affinity_seconds: int | None = None
    rule_count: int = 0

    def __iter__(self):
        return iter((self.chain, self.kind, self.owner))

    def to_dict(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "table": self.table,
            "kind": self.kind,
            "owner": self.owner,
            "endpoint": self.endpoint,
            "description": self.description,
            "entries": list(self.entries),
            "targets": list(self.targets),
            "shares": dict(self.shares),
            "affinity_seconds": self.affinity_seconds,
            "rules": self.rule_count,
        }


@dataclass
class EndpointShare:
    """An endpoint of a Service port: ``endpoint`` (``ip:port``, ``None`` when the input does not show it),
    ``share`` of new connections through ``via`` (``None`` when unknown), its own ``chain`` if any."""

    endpoint: str | None
    share: float | None
    via: str | None = None
    chain: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "share": self.share,
            "via": self.via,
            "chain": self.chain,
            "note": self.note,
        }


@dataclass
class ServicePortReport:
    """Everything attributed to one Service port (``ns/name:port``; for IPVS, which carries no names, the virtual
    server ``TCP 10.96.0.1:443``)."""

    name: str
    entries: list[str] = field(default_factory=list)
    chains: list[str] = field(default_factory=list)
    endpoints: list[EndpointShare] = field(default_factory=list)
    affinity_seconds: int | None = None
    notes: list[str] = field(default_factory=list)
    #: The nftables table the report's chains are in, when the input holds more than one kube-proxy table (a
    #: dual-stack node's ``ip kube-proxy`` and ``ip6 kube-proxy``, whose chains have the same names).
    table: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "entries": list(self.entries),
            "chains": list(self.chains),
            "endpoints": [e.to_dict() for e in self.endpoints],
            "affinity_seconds": self.affinity_seconds,
            "notes": list(self.notes),
        }
        if self.table is not None:
            out["table"] = self.table
        return out


@dataclass(frozen=True)
class Unattributed:
    """A line ``explain`` could not attribute to a Service port or to kube-proxy, and why."""

    lineno: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.lineno, "text": self.text, "reason": self.reason}


@dataclass
class Explanation:
    """The result of :func:`~k8snet.dataplane.explain.explain`.

    ``format`` names the form(s) read (``iptables-save``, ``nft list table`` ...); ``services`` the Service
    ports found (sorted by name); ``chains`` every chain (iptables and nftables); ``unattributed`` the lines
    not attributed; ``other`` rule counts of chains or tables kube-proxy does not write (Docker, CNI, firewalld
    ...); ``notes`` what was inferred or not resolved; ``warnings`` why the input looks partial.
    """

    format: str
    services: list[ServicePortReport] = field(default_factory=list)
    chains: list[ChainInfo] = field(default_factory=list)
    unattributed: list[Unattributed] = field(default_factory=list)
    other: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lines: int = 0

    def service(self, name: str) -> ServicePortReport | None:
        """The report for Service port ``name``, or ``None``."""
        return next((s for s in self.services if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "services": [s.to_dict() for s in self.services],
            "chains": [c.to_dict() for c in self.chains],
            "unattributed": [u.to_dict() for u in self.unattributed],
            "other": dict(self.other),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }

    def text(self) -> str:
        """The human-readable report (see :func:`~k8snet.dataplane.explain.render.render_text`)."""
        from k8snet.dataplane.explain.render import render_text

        return render_text(self)

    def warnings_text(self) -> str:
        """:attr:`warnings`, one per line, in the reader's language (the list itself stays English data)."""
        from k8snet.dataplane.explain.render import warnings_text

        return warnings_text(self)
