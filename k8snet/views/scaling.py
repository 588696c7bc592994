"""The kube-proxy chapter's scale figures as a reader sees them: text tables and charts of what a new connection
and a sync cost as Services grow, per proxy mode.

The numbers come from :mod:`k8snet.sim.scaling` (:func:`~k8snet.sim.scaling.scaling_table`,
:func:`~k8snet.sim.scaling.proxy_sync_figures`) and from the scale lab's precomputed figures
(:func:`k8snet.data.scale_lab`); this module only lays them out. Column headings, axis labels and sentences are
in the reader's language (:mod:`k8snet.i18n`); mode names, ``p01``/``p50``/``p99`` and the numbers are not.

* :func:`text_table`: columns padded by display width (a CJK character takes two columns), first column
  left-aligned;
* :func:`scaling_table_text`, :func:`scaling_chart_svg`: rules a first packet tests, first and last Service;
* :func:`scale_lab_summary`: the threshold cluster the scale lab built;
* :func:`sync_sizes_text`, :func:`first_packet_text`, :func:`first_packet_chart_svg`, :func:`sync_times_text`,
  :func:`partial_lines_chart_svg`: the scale lab's tables and charts;
* :func:`live_sync_text`: the figures of syncs measured in the reader's kernel.

Example
-------
>>> print(text_table(["mode", "Services"], [["iptables", "10"]], [9, 8]))
mode      Services
iptables        10
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from k8snet.i18n import _
from k8snet.views.traffic import line_chart_svg

__all__ = [
    "columns",
    "text_table",
    "scaling_table_text",
    "scaling_chart_svg",
    "scale_lab_summary",
    "sync_sizes_text",
    "first_packet_text",
    "first_packet_chart_svg",
    "sync_times_text",
    "partial_lines_chart_svg",
    "live_sync_text",
]

MODES = ("iptables", "ipvs", "nftables")


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a CJK character (and full-width punctuation), one
    otherwise.

    >>> columns("rules"), columns("规则")
    (5, 4)
    """
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, left: bool) -> str:
    fill = " " * max(width - columns(text), 0)
    return text + fill if left else fill + text


def text_table(header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]) -> str:
    """Lines of cells separated by one space: the first column left-aligned in ``widths[0]`` columns, the others
    right-aligned in theirs, widened to fit the heading (a translated heading may be wider); a wider data cell is
    not cut. No newline after the last line.

    >>> print(text_table(["模式", "Service 数"], [["nftables", "32"]], [9, 8]))
    模式      Service 数
    nftables          32
    """
    widths = [max(w, columns(h)) for w, h in zip(widths, header, strict=True)]
    lines = []
    for cells in [header, *rows]:
        lines.append(" ".join(_pad(c, w, i == 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True))))
    return "\n".join(lines)


def scaling_table_text(table: dict[str, list[tuple[int, int, int]]]) -> str:
    """Per mode and number of Services, the rules the first packet tests for the first and the last Service
    (:func:`k8snet.sim.scaling.scaling_table`).

    >>> print(scaling_table_text({"nftables": [(10, 4, 4)]}))
    mode      Services  first Service  last Service
    nftables        10              4             4
    """
    header = [_("mode"), _("Services"), _("first Service"), _("last Service")]
    rows = [[mode, str(n), str(first), str(last)] for mode, rs in table.items() for n, first, last in rs]
    return text_table(header, rows, [9, 8, 14, 13])


def scaling_chart_svg(table: dict[str, list[tuple[int, int, int]]]) -> str:
    """The rules the first packet to the last Service tests, per mode, against the number of Services (log x)."""
    return line_chart_svg(
        {mode: [(n, last) for n, _first, last in rows] for mode, rows in table.items()},
        x_label=_("ClusterIP Services (log scale)"),
        y_label=_("rules tested, last Service"),
    )


def scale_lab_summary(lab: dict[str, Any]) -> str:
    """Two lines: what the threshold cluster holds, and what building it cost (the scale lab's ``cluster``).

    >>> built = {"nodes": 5000, "pods": 150002, "max_pods_per_node": 110, "services": 10002,
    ...          "endpointslices": 10002, "objects": 190000, "build_wall_seconds": 600,
    ...          "build_cpu_seconds": 540, "peak_rss_gib": 3.25}
    >>> print(scale_lab_summary({"cluster": built}))
    5,000 nodes, 150,002 Pods (at most 110 on a node), 10,002 Services, 10,002 EndpointSlices; 190,000 objects
    built in 10 minutes (9 of CPU), peak memory 3.2 GiB
    """
    b = lab["cluster"]
    holds = _(
        "{nodes} nodes, {pods} Pods (at most {per_node} on a node), {services} Services, {slices} "
        "EndpointSlices; {objects} objects"
    ).format(
        nodes=f"{b['nodes']:,}",
        pods=f"{b['pods']:,}",
        per_node=b["max_pods_per_node"],
        services=f"{b['services']:,}",
        slices=f"{b['endpointslices']:,}",
        objects=f"{b['objects']:,}",
    )
    cost = _("built in {minutes} minutes ({cpu} of CPU), peak memory {memory} GiB").format(
        minutes=f"{b['build_wall_seconds'] / 60:.0f}",
        cpu=f"{b['build_cpu_seconds'] / 60:.0f}",
        memory=f"{b['peak_rss_gib']:.1f}",
    )
    return f"{holds}\n{cost}"


def sync_sizes_text(lab: dict[str, Any], modes: Sequence[str] = MODES) -> str:
    """Per mode and number of Services: rules, map/set elements (IPVS: servers), the lines of a full sync and of
    the sync after one change (the scale lab's ``syncs``)."""
    header = [
        _("mode"),
        _("Services"),
        _("rules"),
        _("elements"),
        _("full sync lines"),
        _("after one change"),
    ]
    rows = [
        [
            mode,
            f"{r['services']:,}",
            f"{r['rules']:,}",
            f"{r['elements']:,}",
            f"{r['full_lines']:,}",
            f"{r['partial_lines']:,}",
        ]
        for mode in modes
        for r in lab["syncs"][mode]
    ]
    return text_table(header, rows, [9, 8, 9, 9, 16, 17])


def first_packet_text(lab: dict[str, Any], modes: Sequence[str] = MODES) -> str:
    """Per mode and number of Services: the rules a first packet tests, at the 1st, 50th and 99th percentile of
    the Services and for the last one (the scale lab's ``first_packet``)."""
    header = [_("mode"), _("Services"), "p01", "p50", "p99", _("last")]
    rows = [
        [mode, f"{r['services']:,}", str(r["p01"]), str(r["p50"]), str(r["p99"]), str(r["last"])]
        for mode in modes
        for r in lab["first_packet"][mode]
    ]
    return text_table(header, rows, [9, 8, 6, 6, 6, 6])


def first_packet_chart_svg(lab: dict[str, Any], modes: Sequence[str] = MODES) -> str:
    """The rules a first packet tests against the Services on the node: iptables' percentiles, the other modes'
    median (log x)."""
    return line_chart_svg(
        {
            f"{mode} {p}": [(r["services"], r[p]) for r in lab["first_packet"][mode]]
            for mode in modes
            for p in (("p01", "p50", "p99") if mode == "iptables" else ("p50",))
        },
        x_label=_("Services on the node (log scale)"),
        y_label=_("rules tested by the first packet"),
    )


def sync_times_text(lab: dict[str, Any], modes: Sequence[str] = MODES) -> str:
    """The seconds of a full sync and of a sync after one change, with the lines the latter writes (IPVS: all
    of it), then one line per mode on how both grew from the fewest to the most Services."""
    header = [_("mode"), _("Services"), _("full sync (s)"), _("after one change (s)"), _("it writes")]
    rows = [
        [
            mode,
            f"{r['services']:,}",
            f"{r['seconds']['full']:.3f}",
            f"{r['seconds']['partial']:.4f}",
            f"{r['partial_lines']:,}" if mode != "ipvs" else _("all"),
        ]
        for mode in modes
        for r in lab["syncs"][mode]
    ]
    lines = [text_table(header, rows, [9, 8, 14, 21, 10])]
    for mode in modes:
        first, last = lab["syncs"][mode][0], lab["syncs"][mode][-1]
        grew = {kind: last["seconds"][kind] / first["seconds"][kind] for kind in ("full", "partial")}
        share = last["seconds"]["partial"] / last["seconds"]["full"]
        lines.append(
            _(
                "{mode}: {services}x the Services, a full sync {full}x the time, a sync after one change "
                "{partial}x ({share} of a full sync at {last})"
            ).format(
                mode=mode,
                services=f"{last['services'] / first['services']:.0f}",
                full=f"{grew['full']:.1f}",
                partial=f"{grew['partial']:.1f}",
                share=f"{share:.0%}",
                last=f"{last['services']:,}",
            )
        )
    return "\n".join(lines)


def partial_lines_chart_svg(lab: dict[str, Any], modes: Sequence[str] = ("iptables", "nftables")) -> str:
    """The lines a sync after one change writes, against the Services on the node (log x)."""
    return line_chart_svg(
        {mode: [(r["services"], r["partial_lines"]) for r in lab["syncs"][mode]] for mode in modes},
        x_label=_("Services on the node (log scale)"),
        y_label=_("lines written after one change"),
    )


def live_sync_text(live: dict[tuple[str, int], dict[str, Any]]) -> str:
    """The figures of :func:`k8snet.sim.scaling.proxy_sync_figures` measured here, one line per ``(mode,
    services)`` key in the order given: rules, elements, the lines after one change, the rules the first packet
    to the last Service tests (``last``), and the milliseconds of a full and a partial sync.

    >>> f = {"rules": 3200, "elements": 200, "partial_lines": 40, "last": 1,
    ...      "seconds": {"full": 0.0123, "partial": 0.00045}}
    >>> print(live_sync_text({("nftables", 100): f}))  # doctest: +NORMALIZE_WHITESPACE
    mode      Services   rules elements  after one change  last Service  full ms partial ms
    nftables       100   3,200      200                40             1     12.3       0.45
    """
    header = [
        _("mode"),
        _("Services"),
        _("rules"),
        _("elements"),
        _("after one change"),
        _("last Service"),
        _("full ms"),
        _("partial ms"),
    ]
    rows = []
    for (mode, n), f in live.items():
        ms = {kind: seconds * 1000 for kind, seconds in f["seconds"].items()}
        rows.append(
            [
                mode,
                f"{n:,}",
                f"{f['rules']:,}",
                f"{f['elements']:,}",
                f"{f['partial_lines']:,}",
                str(f["last"]),
                f"{ms['full']:.1f}",
                f"{ms['partial']:.2f}",
            ]
        )
    return text_table(header, rows, [9, 8, 7, 8, 17, 13, 8, 10])
