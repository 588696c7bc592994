"""The traffic-steering explorer and its views (k8snet.views.steering)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from k8snet.sim.steering import NodeTraffic, node_traffic, zonal_cluster
from k8snet.views.steering import (
    node_rules_text,
    traffic_steering_explorer,
    zone_shares_html,
    zone_traffic_diagram,
)


@pytest.fixture(scope="module")
def explorer():
    ex = traffic_steering_explorer()
    ex.outcomes()
    return ex


def test_every_control_changes_the_view(explorer):
    # what the browser test drives: from the default, or after moving one other control
    keys = list(explorer.controls)
    initial = {k: (explorer.initial or {}).get(k, explorer.controls[k][0]) for k in keys}
    for key in keys:
        starts = [initial] + [dict(initial, **{o: v}) for o in keys if o != key for v in explorer.controls[o]]
        assert any(
            len({explorer.outcome(**dict(s, **{key: v})).digest for v in explorer.controls[key]}) > 1
            for s in starts
        ), key


def test_outcomes_are_the_models(explorer):
    out = explorer.outcome(zones=2, replicas_a=0, policy="Local", distribution="(unset)")
    # zone-a has no Pod: with Local every zone-a worker drops, zone-b's worker without the Pod too
    assert out.html.count("<td>100.0%</td>") == 1  # from zone-a: all dropped
    assert "kind-worker2 (zone-a): DROP: default/web has no local endpoints" in out.text
    assert out.svg.startswith("<svg")


def test_page_stays_light(explorer):
    assert explorer.content_bytes() < 600_000


def test_views_read_the_traces():
    c = zonal_cluster(zones=2, replicas=(1, 1), traffic_distribution="PreferSameNode")
    rows = node_traffic(c)
    text = node_rules_text(rows)
    assert len(text.splitlines()) == 4 and all("100.0%" in line for line in text.splitlines())
    html = zone_shares_html(rows)
    assert html.count("<tr>") == 3  # the header and one row per client zone
    src = zone_traffic_diagram(c, rows).source
    assert src.count('label="100.0%"') == 4


def test_shares_table_shows_drops():
    rows = [NodeTraffic("n1", "zone-a", "DROP", "x", dropped=Fraction(1))]
    assert "<th>from zone-a</th><td>0.0%</td><td>100.0%</td>" in zone_shares_html(rows, ["zone-a"])
