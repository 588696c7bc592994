"""Tests for k8snet.views.flow: the model is drawn through IPython display formatters, not through hooks in sim."""

from __future__ import annotations

from types import SimpleNamespace

from IPython.core.formatters import SVGFormatter

from k8snet.sim.cluster import Cluster
from k8snet.sim.trace import Trace, trace
from k8snet.sim.whatif import WhatIf, what_if
from k8snet.views.flow import register_display_formatters, trace_svg, whatif_svg


def _shell() -> tuple[SimpleNamespace, SVGFormatter]:
    svg = SVGFormatter()
    return SimpleNamespace(display_formatter=SimpleNamespace(formatters={"image/svg+xml": svg})), svg


def test_model_objects_carry_no_drawing_hooks():
    # drawing lives in views: the model's classes do not reach up to it
    assert not hasattr(Trace, "_repr_svg_")
    assert not any(hasattr(WhatIf, name) for name in ("_repr_svg_", "svg", "diagram"))


def test_formatters_draw_traces_and_what_ifs():
    shell, svg = _shell()
    assert register_display_formatters(shell) is True
    t = trace(Cluster(preset="minikube"), "minikube", "kube-system/kube-dns:dns")
    assert svg(t) == trace_svg(t) and svg(t).startswith("<svg")
    w = what_if(replicas=2, placement=["kind-worker", "kind-worker2"])
    assert svg(w) == whatif_svg(w)
    assert svg(object()) is None  # other objects are left to IPython's own formatters
