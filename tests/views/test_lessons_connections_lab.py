"""The explorers of the connections chapter and of the troubleshooting lab (k8snet.views.connections,
k8snet.views.troubleshooting): every control changes the view (from the page's default, or after one other
control is moved), the views say what the model computed, and each explorer rebuilds from its page markers.
"""

from __future__ import annotations

import itertools
import re

import pytest

from k8snet.errors import K8snetError
from k8snet.sim.troubleshooting import load_lab
from k8snet.views.connections import (
    REUSE,
    connection_reuse_explorer,
    load_base,
    window_table,
    windows,
)
from k8snet.views.explorer import explorer_from_marker
from k8snet.views.troubleshooting import (
    NO_ANSWER,
    cause_letters,
    causes_html,
    lab_answer_explorer,
    lab_steps_explorer,
)


def every_control_changes_the_view(ex) -> list[str]:
    """Controls that change nothing, neither from the initial combination nor after moving one other control."""
    keys = list(ex.controls)
    initial = {k: (ex.initial or {}).get(k, ex.controls[k][0]) for k in keys}
    bad = []
    for key in keys:
        starts = [dict(initial)]
        for other in keys:
            if other != key:
                starts += [dict(initial, **{other: v}) for v in ex.controls[other]]
        changed = False
        for start in starts:
            digests = {ex.outcome(**dict(start, **{key: v})).digest for v in ex.controls[key]}
            if len(digests) == len(ex.controls[key]):
                changed = True
                break
        if not changed:
            bad.append(key)
    return bad


@pytest.fixture(scope="module")
def reuse():
    return connection_reuse_explorer()


def test_connection_reuse_controls_change_the_view(reuse):
    assert every_control_changes_the_view(reuse) == []


def test_connection_reuse_says_what_the_simulation_found(reuse):
    http2 = reuse.outcome(reuse="HTTP/2, 1 connection each", replicas=6)
    assert "the 3 new Pods served 0 requests (0% of them)" in http2.html
    short = reuse.outcome(reuse="a new connection per request", replicas=6)
    m = re.search(r"the 3 new Pods served (\d+) requests \((\d+)% of them\)", short.html)
    assert m and int(m.group(1)) > 0 and 30 <= int(m.group(2)) <= 70  # 3 of 6 endpoints: about half
    # the chart marks both events and has a line per Pod
    assert http2.svg.count("stroke-dasharray") == 2 and "scale to 6" in http2.svg and "rollout" in http2.svg
    assert reuse.outcome(reuse="HTTP/2, 1 connection each", replicas=3).svg.count("stroke-dasharray") == 1


def test_connection_reuse_rebuilds_from_its_markers(reuse):
    again = explorer_from_marker(reuse.name, reuse.factory, "{}")
    assert (
        again.outcome(reuse="keep-alive, 2 connections each", replicas=4).digest
        == reuse.outcome(reuse="keep-alive, 2 connections each", replicas=4).digest
    )


def test_window_table_averages_between_events():
    from k8snet.sim.connections import ClientGroup, simulate_load

    base = load_base(6)
    tl = simulate_load(base.phases, [ClientGroup("g", base.clients, 1, 10)], 20, destination=base.destination)
    assert [list(w) for w in windows(tl)] == [list(range(0, 7)), list(range(7, 14)), list(range(14, 20))]
    rows = window_table(tl, "g").splitlines()
    assert rows[0].split()[0] == "Pod" and len(rows) == 1 + len(tl.requests["g"])
    # 4 clients x 10 requests a minute, all served in every window
    totals = [sum(float(r.split()[1 + i]) for r in rows[1:] if r.split()[1 + i] != "-") for i in range(3)]
    assert totals == [40.0, 40.0, 40.0]
    assert set(REUSE.values()) == {0, 1, 2}


@pytest.mark.parametrize("sid", list(load_lab().scenarios))
def test_lab_explorers(sid):
    steps = lab_steps_explorer(scenario=sid)
    answer = lab_answer_explorer(scenario=sid)
    assert every_control_changes_the_view(steps) == []
    assert every_control_changes_the_view(answer) == []
    scenario = load_lab().scenarios[sid]
    right = [k for k, c in cause_letters().items() if c == scenario.cause]
    assert len(right) == 1
    assert "k8snet-lab-right" in answer.outcome(answer=right[0]).html
    assert all("k8snet-lab-wrong" in answer.outcome(answer=k).html for k in cause_letters() if k != right[0])
    assert "Choose the letter" in answer.outcome(answer=NO_ANSWER).html
    for label, command in scenario.commands.items():
        text = steps.outcome(step=label).text
        assert text.startswith("$ ") and "{" not in text.splitlines()[0], (label, command)


def test_lab_steps_follow_the_language_of_the_moment():
    """A step's command output is kept per language: `k8snet trace` reports in the reader's language (a page's
    static outcome is computed in its edition's), what kubectl prints is the same in both."""
    from k8snet.i18n import set_language

    def shown() -> dict[str, str]:  # a page's explorer is built in its edition's language
        steps = lab_steps_explorer(scenario="orders")
        return {label: steps.outcome(step=label).text for label in steps.controls["step"]}

    en = shown()
    try:
        set_language("zh_CN")
        zh = shown()
    finally:
        set_language(None)
    assert en["kube-proxy"].startswith("$ k8snet trace ") and "verdict: " in en["kube-proxy"]
    assert "判定：" in zh["kube-proxy"] and "verdict" not in zh["kube-proxy"]
    kubectl_steps = [label for label, text in en.items() if text.startswith("$ kubectl ")]
    assert kubectl_steps and all(zh[label] == en[label] for label in kubectl_steps)


_FRESH_ZH_STEPS = """
import json
from k8snet.i18n import set_language
from k8snet.views.troubleshooting import lab_steps_explorer
set_language("zh_CN")
print(json.dumps({s: {str(list(k)): o.digest for k, o in lab_steps_explorer(scenario=s).outcomes().items()}
                  for s in ("orders", "payments")}))
"""


def test_lab_steps_show_the_same_whatever_was_shown_before():
    """A page's steps are computed in its edition's process (nothing shown before); the browser test recomputes
    them in one process after the other edition's: both must agree (a lab's random choices follow the commands
    run before, so each language has its own lab)."""
    import json
    import subprocess
    import sys

    from k8snet.i18n import set_language

    for scenario in ("orders", "payments"):
        lab_steps_explorer(scenario=scenario).outcomes()  # the English page first
    try:
        set_language("zh_CN")
        after_english = {
            s: {str(list(k)): o.digest for k, o in lab_steps_explorer(scenario=s).outcomes().items()}
            for s in ("orders", "payments")
        }
    finally:
        set_language(None)
    fresh = subprocess.run(
        [sys.executable, "-c", _FRESH_ZH_STEPS],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(fresh.stdout) == after_english


def test_cause_letters_cover_every_cause():
    letters = cause_letters()
    assert list(letters.values()) == list(load_lab().causes)
    html = causes_html()
    assert all(f"<strong>{k}</strong>" in html for k in letters)


def test_lab_explorer_for_an_unknown_scenario():
    from k8snet.errors import K8snetError

    with pytest.raises(K8snetError, match="no scenario"):
        lab_answer_explorer(scenario="nope")


def test_combinations_are_small():
    for ex in itertools.chain([connection_reuse_explorer()], [lab_steps_explorer(scenario="orders")]):
        assert len(ex.combinations()) <= 48


def test_chapter_lines_follow_the_language():
    from types import SimpleNamespace

    from k8snet.i18n import set_language
    from k8snet.sim.connections import ClientGroup, simulate_load
    from k8snet.views.connections import (
        datagram_text,
        deleted_text,
        load_charts_html,
        phases_text,
        spread_text,
        window_tables_text,
    )

    base = load_base(4)
    groups = [
        ClientGroup("HTTP/2", base.clients[:2], 1, 4),
        ClientGroup("short-lived", base.clients[2:], 0, 4),
    ]
    tl = simulate_load(base.phases, groups, 20, destination=base.destination)
    stale = SimpleNamespace(new=False, endpoint="10.244.1.5:8125", pod=None)
    en = (
        load_charts_html(tl),
        window_tables_text(tl),
        phases_text(base.phases),
        spread_text(["a"], ["b", "b"]),
    )
    try:
        set_language("zh_CN")
        zh = (
            load_charts_html(tl),
            window_tables_text(tl),
            phases_text(base.phases),
            spread_text(["a"], ["b", "b"]),
        )
        zh_datagram, zh_deleted = datagram_text(stale, "stale"), deleted_text([], cleaned=True)
    finally:
        set_language(None)
    assert en[0].startswith("<p><strong>HTTP/2 clients</strong> (one connection each)</p><svg")
    assert zh[0].startswith("<p><strong>HTTP/2 客户端</strong>（每个一个连接）</p><svg")
    assert "<strong>短连接客户端</strong>" in zh[0]
    # the group's name heads its table; an empty line after each table
    assert en[1].startswith("HTTP/2\nPod") and "\n\nshort-lived\nPod" in en[1] and en[1].endswith("\n\n")
    assert "\n\n短连接\nPod" in zh[1]
    assert en[2].splitlines()[0] == "from minute  0: 3 web Pods, 0 terminating  "
    # one-digit minutes keep the column of two-digit ones, without a double space inside the Chinese phrase
    assert zh[2].splitlines()[0] == " 从第 0 分钟起：3 个 web Pod，0 个正在终止  "
    assert "\n从第 14 分钟起：" in zh[2]
    assert "scale to 4" in en[2] and "扩容到 4" in zh[2] and "滚动更新" in zh[2]
    assert en[3] == "open connection: ['a']\n2 new connections:\n    2  b"
    assert zh[3] == "已打开的连接：['a']\n2 个新连接：\n    2  b"
    assert (
        zh_datagram == "数据报发往 10.244.1.5:8125；那里的 Pod：None"
        and zh_deleted == "kube-proxy 清理的条目：[]"
    )
    with pytest.raises(K8snetError):
        datagram_text(stale, "later")
