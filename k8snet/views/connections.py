"""The connections chapter's chart and explorer: requests per Pod over time, for clients that reuse connections
or not, while a Deployment is scaled up and rolled out.

The numbers come from :func:`k8snet.sim.connections.simulate_load` (every new connection's first packet runs
the client node's rules in the dataplane executor; later packets follow its conntrack entry); this module lays
them out.

* :func:`load_chart_svg`: one line per Pod, requests per minute, with the events marked
  (:func:`k8snet.views.traffic.line_chart_svg`);
* :func:`window_table`: the same as text, averaged over the windows between the events;
* explorer ``connection-reuse`` (:func:`connection_reuse_explorer`): how the clients reuse connections ×
  how many replicas the Deployment is scaled up to;
* the chapter's printed lines, in the reader's language: :func:`connection_text`, :func:`served_text`,
  :func:`source_port_text`, :func:`spread_text`, :func:`phases_text`, :func:`load_charts_html`,
  :func:`window_tables_text`, :func:`datagrams_text`, :func:`deleted_text`, :func:`datagram_text`.
  Addresses, Pod names, conntrack entries and ``True``/``False`` are printed as the model holds them.

Example
-------
>>> ex = connection_reuse_explorer()
>>> "served 0 requests" in ex.outcome(reuse="HTTP/2, 1 connection each", replicas=6).html
True
"""

from __future__ import annotations

import html as html_lib
from typing import Any

from k8snet.errors import K8snetError
from k8snet.i18n import N_, _, get_language, ngettext
from k8snet.sim.connections import ClientGroup, Event, LoadTimeline, record_phases, simulate_load
from k8snet.views.explorer import Explorer, Outcome, register
from k8snet.views.traffic import line_chart_svg

__all__ = [
    "PALETTE",
    "load_chart_svg",
    "window_table",
    "windows",
    "REUSE",
    "LOAD_MINUTES",
    "SCALE_MINUTE",
    "ROLLOUT_MINUTE",
    "load_base",
    "connection_reuse_explorer",
    "GROUP_HEADINGS",
    "connection_text",
    "served_text",
    "source_port_text",
    "spread_text",
    "phases_text",
    "load_charts_html",
    "window_tables_text",
    "datagrams_text",
    "deleted_text",
    "datagram_text",
]

#: Enough distinct colours for the Pods of two ReplicaSets.
PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#ad494a",
    "#637939",
    "#843c39",
    "#7b4173",
    "#3182bd",
]


def windows(timeline: LoadTimeline) -> list[range]:
    """The minutes between the events: ``[0, first event)``, ..., ``[last event, end)``.

    >>> tl = LoadTimeline(10, [], [Event(4, "rollout")], {}, {}, {}, {}, [0, 4])
    >>> windows(tl)
    [range(0, 4), range(4, 10)]
    """
    cuts = sorted({e.minute for e in timeline.events if 0 < e.minute < timeline.minutes})
    bounds = [0, *cuts, timeline.minutes]
    return [range(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def load_chart_svg(timeline: LoadTimeline, group: str, width: int = 620, height: int = 320) -> str:
    """Requests per minute each Pod served for ``group``, one line per Pod over the minutes it existed; the
    events are dashed lines."""
    series = {name: [(float(m), float(v)) for m, v in pts] for name, pts in timeline.series(group).items()}
    if not series:
        series = {_("(no Pod served)"): [(0.0, 0.0), (timeline.minutes - 1.0, 0.0)]}
    step = 5 if timeline.minutes > 12 else 1
    top = max((v for pts in series.values() for _, v in pts), default=0.0)
    return line_chart_svg(
        series,
        x_label=_("minute"),
        y_label=_("requests per minute"),
        width=width,
        height=height,
        log_x=False,
        x_ticks=list(range(0, timeline.minutes, step)),
        markers=[(e.minute, _event_text(e)) for e in timeline.events],
        colors=PALETTE,
        points=False,
        legend_width=10 + 7 * max(len(n) for n in series),
        y_step=5 if top > 12 else None,
    )


def _event_text(event: Event) -> str:
    # Event.text() in the reader's language
    if event.action == "scale":
        return _("scale to {replicas}").format(replicas=event.value)
    return _("rollout")


def window_table(timeline: LoadTimeline, group: str) -> str:
    """Average requests per minute per Pod in each window between events (``-``: the Pod did not exist)."""
    wins = windows(timeline)
    heads = [_("min {first}-{last}").format(first=w[0], last=w[-1]) for w in wins]
    names = list(timeline.series(group))
    width = max([len(n) for n in names] + [4])
    lines = ["Pod".ljust(width) + "".join(_rjust(h, 14) for h in heads)]
    for pod, counts in timeline.requests[group].items():
        first, last = timeline.pods[pod]
        cells = []
        for w in wins:
            mins = [m for m in w if first <= m <= last]
            cells.append(f"{sum(counts[m] for m in mins) / len(mins):>14.1f}" if mins else f"{'-':>14}")
        lines.append(pod.split("/", 1)[-1].ljust(width) + "".join(cells))
    return "\n".join(lines)


def _rjust(text: str, width: int) -> str:
    # a CJK character takes two columns in a terminal font
    columns = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return " " * max(width - columns, 0) + text


# --- the explorer ---------------------------------------------------------------------------------------------

#: How the explorer's clients reuse connections: label -> connections each keeps (0: one per request).
REUSE = {
    N_("a new connection per request"): 0,
    N_("keep-alive, 2 connections each"): 2,
    N_("HTTP/2, 1 connection each"): 1,
}
LOAD_MINUTES = 20
SCALE_MINUTE = 7
ROLLOUT_MINUTE = 14
CLIENTS = 4
REQUESTS_PER_MINUTE = 8

_BASES: dict[int, Any] = {}
_OUTCOMES: dict[tuple, Outcome] = {}
_TIMELINES: dict[tuple[str, int], LoadTimeline] = {}


class _LoadBase:
    """A kind cluster with Deployment ``web`` (3 replicas, port 8080) behind Service ``web`` (80 → 8080) and four
    client Pods; the phases of scaling ``web`` to ``replicas`` at :data:`SCALE_MINUTE` and rolling it out at
    :data:`ROLLOUT_MINUTE` (recorded once; every client behaviour then runs on them)."""

    def __init__(self, replicas: int):
        from k8snet.sim.cluster import Cluster

        c = Cluster()
        c.kubectl("create deployment web --image=nginx --replicas=3 --port=8080")
        c.kubectl("expose deployment web --port=80 --target-port=8080")
        for i in range(CLIENTS):
            c.kubectl(f"run client-{i} --image=curlimages/curl")
        self.clients = tuple(f"default/client-{i}" for i in range(CLIENTS))
        nodes = sorted({p.spec.nodeName for p in c.pods("default") if p.metadata.name.startswith("client-")})
        events = [Event(ROLLOUT_MINUTE, "rollout")]
        if replicas != 3:
            events.insert(0, Event(SCALE_MINUTE, "scale", replicas))
        svc = c.get("Service", "web")
        self.destination = (svc.spec.clusterIP, 80)
        self.phases = record_phases(c, "web", events, LOAD_MINUTES, nodes)


def load_base(replicas: int) -> _LoadBase:
    """The recorded phases for ``replicas`` (built once per value)."""
    if replicas not in _BASES:
        _BASES[replicas] = _LoadBase(replicas)
    return _BASES[replicas]


def _summary(tl: LoadTimeline, group: str, reuse: str, replicas: int) -> str:
    wins = windows(tl)
    pods = tl.pods
    if replicas != 3:
        scaled = wins[1]
        new = [p for p, (first, _) in pods.items() if first == SCALE_MINUTE]
        served_new = sum(sum(tl.requests[group][p][m] for m in scaled) for p in new)
        total = sum(sum(c[m] for m in scaled) for c in tl.requests[group].values())
        scale_text = ngettext(
            "After the scale-up to {replicas} replicas, the {n} new Pod served {served} requests ({share} of them) "
            "until the rollout. ",
            "After the scale-up to {replicas} replicas, the {n} new Pods served {served} requests ({share} of them) "
            "until the rollout. ",
            len(new),
        ).format(replicas=replicas, n=len(new), served=served_new, share=f"{served_new / total:.0%}")
    else:
        scale_text = _("No scale-up: the Deployment keeps 3 replicas. ")
    last = wins[-1]
    after = {
        p: sum(tl.requests[group][p][m] for m in last) for p, (first, _) in pods.items() if first >= last[0]
    }
    busy = sum(1 for v in after.values() if v)
    rates = [v / len(last) for v in after.values()]
    rollout_text = _(
        "After the rollout, {busy} of the {total} new Pods serve requests: the busiest {most} a minute, the "
        "idlest {least}."
    ).format(busy=busy, total=len(after), most=f"{max(rates):.1f}", least=f"{min(rates):.1f}")
    opened = sum(tl.connections_opened[group])
    counts = _(
        "{clients} clients × {rate} requests a minute: {opened} new connections in {minutes} minutes, each one a "
        "new choice by kube-proxy's rules. "
    ).format(clients=CLIENTS, rate=REQUESTS_PER_MINUTE, opened=opened, minutes=tl.minutes)
    return f"<p><strong>{html_lib.escape(_(reuse))}</strong>, {counts}{scale_text}{rollout_text}</p>"


def _render_reuse(values: dict[str, Any]) -> Outcome:
    key = (values["reuse"], values["replicas"], get_language())
    if key in _OUTCOMES:
        return _OUTCOMES[key]
    reuse, replicas, _language = key
    if (reuse, replicas) not in _TIMELINES:  # the simulation is the same in every language
        base = load_base(replicas)
        group = ClientGroup(reuse, base.clients, REUSE[reuse], REQUESTS_PER_MINUTE)
        _TIMELINES[reuse, replicas] = simulate_load(
            base.phases, [group], LOAD_MINUTES, destination=base.destination
        )
    tl = _TIMELINES[reuse, replicas]
    out = Outcome(
        html=_summary(tl, reuse, reuse, replicas),
        svg=load_chart_svg(tl, reuse),
        text=window_table(tl, reuse),
    )
    _OUTCOMES[key] = out
    return out


@register("connection-reuse")
def connection_reuse_explorer() -> Explorer:
    """Four clients send eight requests a minute each to Service ``web`` for twenty simulated minutes; ``web`` is
    scaled up from 3 replicas at minute 7 and rolled out at minute 14.

    Controls: how the clients reuse connections (a new connection per request, a keep-alive pool of two, one
    HTTP/2 connection), and the replicas after the scale-up (3–6).
    """
    return Explorer(
        "connection-reuse",
        {"reuse": list(REUSE), "replicas": [3, 4, 5, 6]},
        _render_reuse,
        labels={"reuse": N_("Clients"), "replicas": N_("Replicas after the scale-up")},
        kinds={"replicas": "slider"},
        initial={"reuse": "HTTP/2, 1 connection each", "replicas": 6},
        live=False,
    )


# --- the chapter's printed lines ------------------------------------------------------------------------------

#: The chapter's client groups: a heading for each group's chart (HTML) and the group's name in the reader's
#: language (the group's own name, :class:`k8snet.sim.connections.ClientGroup`, is the key).
GROUP_HEADINGS = {
    "HTTP/2": N_("<strong>HTTP/2 clients</strong> (one connection each)"),
    "short-lived": N_("<strong>Short-lived clients</strong> (a new connection per request)"),
}
_GROUP_NAMES = {"short-lived": N_("short-lived")}


def connection_text(conn: Any) -> str:
    """A TCP connection: its addresses and the endpoint the client node's rules sent it to.

    >>> from types import SimpleNamespace as NS
    >>> connection_text(NS(src_ip="10.244.1.3", src_port=40000, dst_ip="10.96.0.10", dst_port=80,
    ...                    endpoint="10.244.2.2:8080"))
    'connection 10.244.1.3:40000 -> 10.96.0.10:80, sent to 10.244.2.2:8080'
    """
    return _("connection {source} -> {destination}, sent to {endpoint}").format(
        source=f"{conn.src_ip}:{conn.src_port}",
        destination=f"{conn.dst_ip}:{conn.dst_port}",
        endpoint=conn.endpoint,
    )


def served_text(served: list[str]) -> str:
    """Which Pods served ``served`` (one Pod per request), each named once.

    >>> served_text(["default/web-1", "default/web-1"])
    'the 2 requests were served by: default/web-1'
    """
    return ngettext(
        "the {n} request was served by: {pods}", "the {n} requests were served by: {pods}", len(served)
    ).format(n=len(served), pods=", ".join(sorted(set(served))))


def source_port_text(conn: Any, pod: str) -> str:
    """One short connection: its source port, the endpoint its first packet was sent to, the Pod there.

    >>> from types import SimpleNamespace as NS
    >>> source_port_text(NS(src_port=40001, endpoint="10.244.2.2:8080"), "default/web-1")
    'source port 40001: 10.244.2.2:8080  default/web-1'
    """
    return _("source port {port}: {endpoint}  {pod}").format(
        port=conn.src_port, endpoint=conn.endpoint, pod=pod
    )


def spread_text(open_pods: list[str], new_pods: list[str]) -> str:
    """Where the requests of the open connection went (each Pod once), then how many of the new connections
    each Pod got.

    >>> print(spread_text(["default/web-1"], ["default/web-2", "default/web-1", "default/web-2"]))
    open connection: ['default/web-1']
    3 new connections:
        1  default/web-1
        2  default/web-2
    """
    lines = [
        _("open connection: {pods}").format(pods=sorted(set(open_pods))),
        ngettext("{n} new connection:", "{n} new connections:", len(new_pods)).format(n=len(new_pods)),
    ]
    lines += [f"  {new_pods.count(name):>3}  {name}" for name in sorted(set(new_pods))]
    return "\n".join(lines)


def phases_text(phases: list[Any], deployment: str = "web", namespace: str = "default") -> str:
    """One line per phase of :func:`k8snet.sim.connections.record_phases`: from which minute, how many Pods of
    ``deployment`` exist and how many of them are terminating, and the events that started the phase."""
    prefix = f"{namespace}/{deployment}-"
    lines = []
    for p in phases:
        pods = [i for i in p.pods.values() if i.key.startswith(prefix)]
        lines.append(
            # {pad} keeps one-digit minutes in column with two-digit ones, wherever a language puts the number
            _(
                "from minute {pad}{minute}: {pods} {deployment} Pods, {terminating} terminating  {events}"
            ).format(
                pad=" " if p.minute < 10 else "",
                minute=p.minute,
                pods=len(pods),
                deployment=deployment,
                terminating=sum(i.terminating for i in pods),
                events=", ".join(_event_text(e) for e in p.events),
            )
        )
    return "\n".join(lines)


def load_charts_html(timeline: LoadTimeline, groups: list[str] | None = None) -> str:
    """For each client group (default: all of ``timeline``'s, in order), a heading and :func:`load_chart_svg`."""
    parts = []
    for group in groups or list(timeline.requests):
        heading = _(GROUP_HEADINGS[group]) if group in GROUP_HEADINGS else html_lib.escape(group)
        parts.append(f"<p>{heading}</p>" + load_chart_svg(timeline, group))
    return "".join(parts)


def window_tables_text(timeline: LoadTimeline, groups: list[str] | None = None) -> str:
    """For each client group (default: all of ``timeline``'s), its name and :func:`window_table`, each followed
    by an empty line."""
    out = []
    for group in groups or list(timeline.requests):
        name = _(_GROUP_NAMES[group]) if group in _GROUP_NAMES else group
        out.append(f"{name}\n{window_table(timeline, group)}\n\n")
    return "".join(out)


def datagrams_text(first: Any, second: Any, seconds: float) -> str:
    """Where a first UDP datagram went and where the next one, ``seconds`` later, went.

    >>> from types import SimpleNamespace as NS
    >>> d = NS(endpoint="10.244.1.5:8125", pod="default/metrics-1")
    >>> datagrams_text(d, d, 10)
    'first datagram to 10.244.1.5:8125 (default/metrics-1); the second, 10 s later, to 10.244.1.5:8125'
    """
    return _("first datagram to {endpoint} ({pod}); the second, {seconds} s later, to {second}").format(
        endpoint=first.endpoint, pod=first.pod, seconds=f"{seconds:g}", second=second.endpoint
    )


def deleted_text(entries: Any, cleaned: bool = False) -> str:
    """What kube-proxy's sync deleted from conntrack (``entries``: a list, or one entry), as the model prints
    it; ``cleaned`` words it as a cleanup.

    >>> deleted_text([]), deleted_text([], cleaned=True)
    ('kube-proxy deleted: []', 'cleaned by kube-proxy: []')
    """
    message = _("cleaned by kube-proxy: {entries}") if cleaned else _("kube-proxy deleted: {entries}")
    return message.format(entries=entries)


def datagram_text(datagram: Any, when: str) -> str:
    """Where a UDP datagram went. ``when``: ``"grace"`` (during the Pod's grace period: the Pod), ``"next"`` (a
    new conntrack entry or not, the endpoint and the Pod) or ``"stale"`` (the endpoint, and the Pod there if
    any).

    >>> from types import SimpleNamespace as NS
    >>> datagram_text(NS(new=False, endpoint="10.244.1.5:8125", pod=None), "stale")
    'datagram sent to 10.244.1.5:8125; a Pod there: None'
    """
    messages = {
        "grace": N_("during the grace period the datagrams go to {pod}"),
        "next": N_("next datagram: a new entry ({new}), to {endpoint} ({pod})"),
        "stale": N_("datagram sent to {endpoint}; a Pod there: {pod}"),
    }
    if when not in messages:
        raise K8snetError(f"datagram_text: when must be one of {sorted(messages)}, got {when!r}")
    return _(messages[when]).format(new=datagram.new, endpoint=datagram.endpoint, pod=datagram.pod)
