"""The kube-proxy chapter's scale tables (k8snet.views.scaling): the English layout is the one the chapter
printed with f-strings, and a translated heading widens its column instead of breaking the alignment."""

from __future__ import annotations

import pytest

from k8snet.data import scale_lab
from k8snet.i18n import set_language
from k8snet.views.scaling import (
    columns,
    first_packet_text,
    live_sync_text,
    scale_lab_summary,
    scaling_table_text,
    sync_sizes_text,
    sync_times_text,
)

MODES = ("iptables", "ipvs", "nftables")


@pytest.fixture(scope="module")
def lab():
    return scale_lab()


def test_english_layout_is_the_chapters(lab):
    # the chapter's own f-strings before the tables moved into the library
    expected = [f"{'mode':<9} {'Services':>8} {'p01':>6} {'p50':>6} {'p99':>6} {'last':>6}"]
    for mode in MODES:
        for row in lab["first_packet"][mode]:
            expected.append(
                f"{mode:<9} {row['services']:>8,} {row['p01']:>6} {row['p50']:>6} {row['p99']:>6} {row['last']:>6}"
            )
    assert first_packet_text(lab, MODES) == "\n".join(expected)
    sizes = [
        f"{'mode':<9} {'Services':>8} {'rules':>9} {'elements':>9} {'full sync lines':>16} {'after one change':>17}"
    ]
    for mode in MODES:
        for row in lab["syncs"][mode]:
            sizes.append(
                f"{mode:<9} {row['services']:>8,} {row['rules']:>9,} {row['elements']:>9,} "
                f"{row['full_lines']:>16,} {row['partial_lines']:>17,}"
            )
    assert sync_sizes_text(lab, MODES) == "\n".join(sizes)
    assert scaling_table_text({"iptables": [(10, 5, 14)]}) == (
        "mode      Services  first Service  last Service\niptables        10              5            14"
    )


def test_chinese_tables_stay_aligned(lab):
    try:
        set_language("zh_CN")
        texts = [sync_sizes_text(lab), first_packet_text(lab), sync_times_text(lab).split("\n\n")[0]]
        summary = scale_lab_summary(lab)
        live = live_sync_text(
            {
                ("nftables", 100): {
                    "rules": 1,
                    "elements": 2,
                    "partial_lines": 3,
                    "last": 4,
                    "seconds": {"full": 0.1, "partial": 0.2},
                }
            }
        )
    finally:
        set_language(None)
    for text in [*texts, live]:
        lines = text.splitlines()
        table = [line for line in lines if "：" not in line]  # sync_times_text ends with sentences
        assert "模式" in lines[0] and len(table) > 1
        # the last column is right-aligned: the heading and every row end at the same column
        assert len({columns(line) for line in table}) == 1, text
    assert "个节点" in summary and "GiB" in summary
