"""Tests for k8snet.views.explorer: precomputed outcomes, the widget tree, dedupe, errors, live mode."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from k8snet.errors import InvalidError, K8snetError
from k8snet.views.explorer import (
    REGISTRY,
    STATIC_NOTE,
    Explorer,
    Outcome,
    explorer_from_marker,
)
from k8snet.views.graphviz import inline_svg
from k8snet.views.lessons import replicas_explorer


def parity(values):
    return Outcome(html=f"<i>{values['n'] % 2}</i>", text=values["mode"])


def make(**kw):
    return Explorer("t-parity", {"n": [1, 2, 3, 4], "mode": ["a", "b"]}, parity, **kw)


def leaves(widget):
    """Every outcome leaf reachable from a widget, by walking Stack/Box children."""
    if "k8snet-outcome-box" in widget._dom_classes:
        return [widget]
    return [leaf for child in getattr(widget, "children", ()) for leaf in leaves(child)]


def shown(box):
    """The outcome digest the Stacks select, following each Stack's selected_index (what jslink drives)."""
    node = box.children[-2].children[0]
    while isinstance(node, widgets.Stack):
        node = node.children[node.selected_index]
    html = node.children[-1].value
    return html.split('data-k8snet-outcome="')[1].split('"')[0]


def test_outcomes_cover_every_combination_in_order():
    ex = make()
    assert list(ex.outcomes()) == [(n, m) for n in (1, 2, 3, 4) for m in ("a", "b")]
    assert ex.outcome(n=3, mode="b") == ex.outcome(3, "b") == Outcome(html="<i>1</i>", text="b")


def test_precomputed_stacks_select_the_python_outcome_for_each_combination():
    ex = make(live=False)
    box = ex.widget()
    controls = box.children[:2]
    for (n, mode), outcome in ex.outcomes().items():
        controls[0].value, controls[1].value = n, mode
        # jslink runs in the browser; do its job here: each Stack follows its control's index.
        for level, stack in enumerate(_stacks_by_level(box)):
            for s in stack:
                s.selected_index = controls[level].index
        assert shown(box) == outcome.digest


def _stacks_by_level(box):
    levels, frontier = [], [box.children[-2].children[0]]
    while frontier and isinstance(frontier[0], widgets.Stack):
        levels.append(frontier)
        frontier = list({id(c): c for s in frontier for c in s.children}.values())
    return levels


def test_jslinks_connect_each_control_index_to_every_stack_of_its_level():
    ex = make(live=False)
    box = ex.widget()
    from ipywidgets.widgets.widget import _instances
    from ipywidgets.widgets.widget_link import Link

    links = [w for w in _instances.values() if isinstance(w, Link) and w.source[0] in box.children[:2]]
    levels = _stacks_by_level(box)
    for level, control in enumerate(box.children[:2]):
        targets = {id(link.target[0]) for link in links if link.source[0] is control}
        assert all(link.source[1] == "index" for link in links)
        assert targets == {id(s) for s in levels[level]}


def test_identical_outcomes_share_one_widget_model():
    ex = make(live=False)
    box = ex.widget()
    distinct = {id(leaf) for leaf in leaves(box)}
    assert len(distinct) == len({o.digest for o in ex.outcomes().values()}) == 4


def test_slider_for_many_numbers_buttons_otherwise_and_initial_value():
    ex = make(initial={"n": 3}, live=False)
    slider, buttons = ex.widget().children[:2]
    assert isinstance(slider, widgets.SelectionSlider) and slider.value == 3 and slider.index == 2
    assert isinstance(buttons, widgets.ToggleButtons)
    assert "k8snet-control-0" in slider._dom_classes and "k8snet-control-1" in buttons._dom_classes


def test_note_is_shown_with_markers():
    box = replicas_explorer().widget()
    note = box.children[-1].value
    assert STATIC_NOTE in note
    assert 'data-k8snet-explorer="intro-replicas"' in note
    assert 'data-k8snet-factory="k8snet.views.lessons:replicas_explorer"' in note


def test_k8snet_error_is_shown_in_place():
    def render(values):
        if values["n"] == 2:
            raise InvalidError("Service", "web", [])
        return Outcome(html="ok")

    ex = Explorer("t-err", {"n": [1, 2]}, render, live=False)
    bad = ex.outcome(n=2)
    assert (
        bad.error
        and "The Service &quot;web&quot; is invalid" in bad.html
        and 'class="k8snet-error"' in bad.html
    )
    ex.widget()  # builds fine with an error outcome inside


def test_unexpected_error_fails_precompute_but_not_live():
    def render(values):
        if values["n"] == 5:
            raise ZeroDivisionError("boom")
        return Outcome(html=str(values["n"]))

    ex = Explorer("t-bug", {"n": [1, 2]}, render, live={"n": [1, 2, 5]})
    box = ex.widget()
    box.children[0].value = 2  # a kernel answered: live mode
    box.children[0].value = 5
    view = box.children[-2].children[0]
    assert "Unexpected error (ZeroDivisionError)" in view.value
    with pytest.raises(ZeroDivisionError):
        Explorer("t-bug2", {"n": [5]}, render).outcomes()


def test_live_mode_widens_ranges_and_recomputes():
    ex = replicas_explorer()
    box = ex.widget()
    slider = box.children[0]
    assert list(slider.options)[-1] == ("4", 4)
    slider.value = 4
    assert list(slider.options)[-1] == ("8", 8)
    slider.value = 8
    view = box.children[-2].children[0]
    assert isinstance(view, widgets.HTML) and "k8snet-live-view" in view._dom_classes
    expected = ex.outcome(8, "none", _strict=False)
    assert view.value == expected._repr_html_()
    assert "8 of 8 endpoints ready" in view.value
    assert "Live:" in box.children[-1].value


def test_without_stack_widget_the_explorer_is_live_only(monkeypatch):
    monkeypatch.delattr(widgets, "Stack")  # ipywidgets 7
    ex = replicas_explorer()
    box = ex.widget()
    view = box.children[-2].children[0]
    assert view.value == ex.outcome(3, "none")._repr_html_()
    box.children[1].value = "one"
    assert view.value == ex.outcome(3, "one")._repr_html_()


def test_live_false_never_observes():
    ex = make(live=False)
    box = ex.widget()
    box.children[0].value = 4
    assert isinstance(box.children[-2].children[0], widgets.Stack)


def test_registry_and_marker_round_trip():
    assert REGISTRY["intro-replicas"].path == "k8snet.views.lessons:replicas_explorer"
    ex = explorer_from_marker("intro-replicas", None, "{}")
    assert ex.outcomes() == replicas_explorer().outcomes()


def test_budget_and_validation():
    big = Explorer("t-big", {"n": [1, 2]}, lambda v: Outcome(html="x" * 600 * v["n"]), budget_bytes=1000)
    with pytest.raises(ValueError, match="budget"):
        big.widget()
    with pytest.raises(ValueError):
        Explorer("Bad Name", {"n": [1]}, parity)
    with pytest.raises(ValueError):
        Explorer("t-dup", {"n": [1, 1]}, parity)
    with pytest.raises(ValueError):
        Explorer("t-live", {"n": [1, 2]}, parity, live={"n": [1]})


def test_inline_svg_strips_version_comments():
    svg = replicas_explorer().outcome(replicas=1, not_ready="none").svg
    assert svg.startswith("<svg") and "<!--" not in svg and "<?xml" not in svg
    assert inline_svg(b"<?xml version='1.0'?><!-- x --><svg/>") == "<svg/>"


def test_replicas_explorer_shows_what_the_cluster_computes():
    # issue 13: the preface's explorer is computed from the model, not drawn from constants. Build the same
    # cluster with every controller running and compare.
    from k8snet import Cluster

    c = Cluster()
    c.kubectl("create deployment web --image=nginx --port=80 --replicas=0")
    c.kubectl("expose deployment web")
    for n in (1, 2, 3):  # kubectl scale one replica at a time, as the explorer's recipe does
        c.scale("deployment", "web", n)
    pods = sorted(c.pods("default", {"app": "web"}), key=lambda p: tuple(map(int, p.status.podIP.split("."))))
    c.set_pod_ready(pods[0].metadata.name, False)
    cluster_ip = c.get("Service", "web").spec.clusterIP
    out = replicas_explorer().outcome(replicas=3, not_ready="one")
    assert f"ClusterIP {cluster_ip}" in out.html and "10.96.0.10" not in out.html + out.svg  # not kube-dns's
    assert "2 of 3 endpoints ready" in out.html
    rows = [line.split() for line in out.text.split("(endpoints[].conditions.ready)\n")[1].splitlines()[1:]]
    slice_ = c.endpoint_slices("default", "web")[0]
    assert rows == [
        [ep.addresses[0], str(ep.conditions.ready).lower(), ep.nodeName, ep.targetRef.name]
        for ep in slice_.endpoints
    ]
    # Deployment-style names, as kubectl create deployment gives them
    assert all(r[3].startswith("web-") and len(r[3].split("-")) == 3 for r in rows)
    assert "kube-proxy rejects" in replicas_explorer().outcome(replicas=1, not_ready="one").html


def test_error_outcome_text_is_escaped():
    out = Outcome.from_error(K8snetError("<b>x</b>"))
    assert "&lt;b&gt;x&lt;/b&gt;" in out.html
