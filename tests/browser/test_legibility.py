"""Legibility of the built pages (issue 13), in headless Chromium:

- **Diagrams.** Every visible SVG diagram is screenshotted (into ``_build/browser/``) and no two of its
  ``<text>`` elements overlap: their bounding boxes, as the browser lays them out, may touch but not intersect by
  more than :data:`OVERLAP_TOLERANCE_PX`.
- **Code blocks.** At a :data:`VIEWPORT` wide window (a common laptop), no code block or output block needs
  sideways scrolling: its content is at most as wide as the block (long output lines wrap between words, see
  ``book/_assets/k8snet.css``).
- **Chinese text.** The article's Chinese, quoted on the preface and the errata page, is drawn with a CJK font
  (Chromium reports the platform font it used for the node), and a screenshot of it is saved.
- **Exercises.** A solution's code and output are collapsed until the reader opens them.

Needs `_build/html` (`make site`); run with `make browser`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.site import open_page, site_pages

pytestmark = pytest.mark.browser

PAGES = site_pages()  # both editions: Chinese labels are wider than English ones

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "_build" / "browser"
VIEWPORT = {"width": 1366, "height": 900}
OVERLAP_TOLERANCE_PX = 1.0

#: Each <text> with its box and the graphviz object (<g class="node|edge|cluster">) it labels: the lines of one
#: label are stacked by graphviz itself and may touch; labels of different objects must not.
_TEXT_BOXES = """svg => { const groups = new Map();
    return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
        const g = t.closest('g.node, g.edge, g.cluster') || t.parentNode;
        if (!groups.has(g)) groups.set(g, groups.size);
        const r = t.getBoundingClientRect();
        return {text: t.textContent.trim(), group: groups.get(g), x: r.x, y: r.y, w: r.width, h: r.height}; }); }"""


def overlaps(boxes: list[dict], tolerance: float = OVERLAP_TOLERANCE_PX) -> list[tuple[str, str]]:
    """Pairs of text boxes of different labels (``group``) that intersect by more than ``tolerance`` pixels both
    ways.

    >>> a = {"text": "a", "group": 0, "x": 0, "y": 0, "w": 10, "h": 10}
    >>> overlaps([a, {"text": "b", "group": 1, "x": 5, "y": 5, "w": 10, "h": 10}])
    [('a', 'b')]
    >>> overlaps([a, {"text": "b", "group": 1, "x": 10, "y": 0, "w": 10, "h": 10}])
    []
    >>> overlaps([a, {"text": "second line", "group": 0, "x": 0, "y": 8, "w": 10, "h": 10}])
    []
    """
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a.get("group") == b.get("group"):
                continue
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > tolerance and dy > tolerance:
                out.append((a["text"], b["text"]))
    return out


@pytest.fixture
def page(page_and_log):
    page, log = page_and_log
    page.set_viewport_size(VIEWPORT)
    return page


@pytest.mark.parametrize("path", PAGES)
def test_diagram_labels_do_not_overlap(page, base_url, path):
    open_page(page, base_url, path)
    svgs = [s for s in page.locator("main svg").all() if s.is_visible() and s.locator("text").count()]
    if not svgs:
        pytest.skip(f"{path} has no diagram")
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for i, svg in enumerate(svgs):
        svg.scroll_into_view_if_needed()
        svg.screenshot(path=str(SHOTS / f"{path.replace('/', '_')[:-5]}-diagram-{i}.png"))
        clash = overlaps(svg.evaluate(_TEXT_BOXES))
        if clash:
            problems.append(f"diagram {i}: {clash[:5]}")
    assert problems == [], f"{path}: overlapping labels\n" + "\n".join(problems)


@pytest.mark.parametrize("path", PAGES)
def test_code_blocks_need_no_sideways_scrolling(page, base_url, path):
    open_page(page, base_url, path)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main pre')]
            .filter(p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 1)
            .map(p => ({first: p.textContent.split('\\n').find(l => l.length > 60) || p.textContent.slice(0, 80),
                        over: p.scrollWidth - p.clientWidth}))"""
    )
    assert wide == [], f"{path}: code blocks wider than the text column at {VIEWPORT['width']} px: {wide[:5]}"


def _platform_fonts(page, selector: str) -> list[str]:
    """The fonts Chromium actually drew the first node matching ``selector`` with (DevTools ``CSS`` domain)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [f["familyName"] for f in fonts if f["glyphCount"]]


@pytest.mark.parametrize(
    "path, text",
    [
        ("book/intro.html", "禅与计算机程序设计艺术"),
        ("book/08-errata.html", "两类网络组件"),
        # the Chinese edition: its prose, not only the article's quotes
        ("zh-cn/book/02-clusterip.html", "本章对应文章的"),
        ("zh-cn/book/08-errata.html", "每一节先逐字引用文章原文"),
    ],
)
def test_chinese_renders_with_a_cjk_font(page, base_url, path, text):
    open_page(page, base_url, path)
    element = page.locator("main p").filter(has_text=text).first
    element.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    element.screenshot(path=str(SHOTS / f"{path.replace('/', '_')[:-5]}-chinese.png"))
    marker = "k8snet-cjk-probe"
    element.evaluate(f"e => e.classList.add('{marker}')")
    fonts = _platform_fonts(page, f".{marker}")
    # glyphs drawn with a CJK font, not the .notdef boxes of a Latin-only one (fonts-noto-cjk in `make browser`)
    assert any("CJK" in f or "Han" in f or "YaHei" in f or "PingFang" in f for f in fonts), fonts


def test_exercise_solutions_start_collapsed(page, base_url):
    open_page(page, base_url, "book/01-network-model.html")
    hidden = page.locator(".tag_hide-output .cell_output")
    assert hidden.count() >= 2
    for i in range(hidden.count()):
        assert not hidden.nth(i).is_visible(), "a solution's output shows before the reader opens it"
