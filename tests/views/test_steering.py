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


@pytest.fixture
def chinese():
    from k8snet.i18n import set_language

    set_language("zh_CN")
    yield
    set_language(None)


def test_outcome_speaks_the_readers_language_and_caches_each(chinese):
    from k8snet.i18n import set_language
    from k8snet.views.steering import steering_outcome

    zh = steering_outcome(2, 0, "Local", None)
    set_language("en")
    en = steering_outcome(2, 0, "Local", None)
    assert steering_outcome(2, 0, "Local", None) is en  # cached for the language in effect
    set_language("zh_CN")
    assert steering_outcome(2, 0, "Local", None) is zh
    assert "<th>from zone-a</th>" in en.html and "<th>来自 zone-a</th>" in zh.html
    assert "2 zones" in en.html and "2 个区域" in zh.html and "（未设置）" not in zh.html
    assert "未设置" in zh.html  # trafficDistribution unset
    # what kube-proxy's rules say stays as a real node's rules say it, in both editions
    for out in (en, zh):
        assert "kind-worker2 (zone-a): DROP: default/web has no local endpoints" in out.text
    assert "iptables 模式" in zh.text and "\non kind-worker" not in zh.svg
    assert "被丢弃" in zh.svg and "dropped" in en.svg


def test_explorer_controls_are_translated(chinese):
    from k8snet.i18n import _
    from k8snet.views.steering import NO_DISTRIBUTION

    assert _(NO_DISTRIBUTION) == "（未设置）"
    assert _("Replicas in zone-a") == "zone-a 中的副本数"  # the label keeps the zone's name


def test_printed_lines_in_both_languages():
    from k8snet.i18n import set_language
    from k8snet.views.steering import nodeport_zones_text, seconds_later, terminating_text

    c = zonal_cluster(
        zones=2,
        replicas=(1, 1),
        traffic_distribution="PreferClose",
        service_type="NodePort",
        external_traffic_policy="Cluster",
    )
    text = nodeport_zones_text(c)
    assert text.splitlines() == [
        "  kind-worker   (zone-b): zone-b 100.0%",
        "  kind-worker2  (zone-a): zone-a 100.0%",
        "  kind-worker3  (zone-b): zone-b 100.0%",
        "  kind-worker4  (zone-a): zone-a 100.0%",
    ]
    c.kubectl("scale deployment web-zone-a --replicas=0")
    try:
        set_language("zh_CN")
        zh = terminating_text(c, {"zone": "zone-a"}), seconds_later(20)
    finally:
        set_language(None)
    (line,) = terminating_text(c, {"zone": "zone-a"}).splitlines()
    assert line.endswith(": removed in 30 s") and " on kind-worker" in line
    assert zh[0].endswith("：30 秒后被移除\n") and zh[1] == "20 秒之后"
