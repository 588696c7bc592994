"""The built site works offline: every page in the toc renders without console errors, widgets render
from their saved state (no kernel, no CDN), and every explorer shows, for each combination of its controls,
exactly the outcome Python computes for that combination. In every edition: the Chinese one (``zh-cn/``) is
checked against what Python computes with the library's language set to ``zh_CN``.

Needs `_build/html` (`make site`); run with `pytest -o addopts="" -m browser tests/browser`.
"""

from __future__ import annotations

import pytest
from helpers.site import library_language, open_page, site_pages

from k8snet.i18n import _ as translate
from k8snet.views.explorer import STATIC_NOTE, explorer_from_marker

pytestmark = pytest.mark.browser

MAX_COMBINATIONS_DRIVEN = 48


PAGES = site_pages()


PAGE_LIMIT_BYTES = 3 * 1024 * 1024


@pytest.mark.parametrize("path", PAGES)
def test_page_is_small_enough(site_dir, path):
    # Explorers embed every precomputed outcome in the page's widget state; keep pages light to load.
    size = (site_dir / path).stat().st_size
    assert size < PAGE_LIMIT_BYTES, (
        f"{path} is {size} bytes (limit {PAGE_LIMIT_BYTES}); narrow explorer ranges"
    )


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_errors(page_and_log, base_url, path):
    page, log = page_and_log
    open_page(page, base_url, path)
    assert page.locator("main h1").count() >= 1, f"{path}: no heading rendered"
    assert log.problems() == [], f"{path}: " + "\n".join(log.problems())


@pytest.mark.parametrize("path", PAGES)
def test_widgets_render_from_saved_state(page_and_log, base_url, path):
    page, log = page_and_log
    open_page(page, base_url, path)
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]')
    if views.count() == 0:
        pytest.skip(f"{path} has no widgets")
    assert page.locator(".widget-box, .widget-container").count() > 0
    body = page.locator("main").inner_text()
    assert "kernel required" not in body.lower()
    with library_language(path):
        note = translate(STATIC_NOTE)
    for explorer in page.locator(".k8snet-explorer").all():
        assert explorer.is_visible()
        assert explorer.get_by_text(note).is_visible()
        svg = explorer.locator(".k8snet-svg svg")
        if svg.count():
            assert svg.first.is_visible()
    assert log.problems() == [], f"{path}: " + "\n".join(log.problems())


#: Resolves after two animation frames: Lumino delivers the resize message a Stack posts to the child view it
#: just created on the next frame. Two changes inside one frame (faster than any reader can click) make the
#: widget manager (html-manager 1.0.x, ``JupyterLuminoWidget.processMessage``) deliver that message to a view it
#: has already disposed and log "Cannot read properties of null (reading 'processLuminoMessage')". The vendored
#: copy is patched against that (book/_assets/README.md); the test still changes a control at most once per
#: frame, as a reader does.
_NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _set_control(control, kind: str, index: int, label: str) -> None:
    def settle() -> None:
        control.page.evaluate(_NEXT_FRAMES)

    if kind == "buttons":
        control.locator("button").nth(index).click()
        settle()
        return
    handle = control.locator(".noUi-handle")
    handle.focus()
    handle.press("Home")
    settle()
    for _ in range(index):
        handle.press("ArrowRight")
        settle()
    readout = control.locator(".widget-readout")
    assert readout.inner_text().strip() == label


def combinations_to_drive(explorer) -> list[tuple]:
    """All combinations when there are few; otherwise every value of every control at least once (the
    others at their initial values) plus an evenly spaced sample, so a page test stays under a minute."""
    combos = explorer.combinations()
    if len(combos) <= MAX_COMBINATIONS_DRIVEN:
        return combos
    keys = list(explorer.controls)
    base = [(explorer.initial or {}).get(k, explorer.controls[k][0]) for k in keys]
    chosen = []
    for i, key in enumerate(keys):
        for value in explorer.controls[key]:
            chosen.append((*base[:i], value, *base[i + 1 :]))
    step = max(1, len(combos) // MAX_COMBINATIONS_DRIVEN)
    chosen += combos[::step]
    return list(dict.fromkeys(chosen))


def _visible_outcomes(explorer) -> list[str]:
    return [
        el.get_attribute("data-k8snet-outcome")
        for el in explorer.locator("[data-k8snet-outcome]").all()
        if el.is_visible()
    ]


#: pydata-sphinx-theme makes scrollable <pre> elements focusable at load time (adds ``tabindex``); that is the
#: theme's doing, not part of the outcome, so it is removed before comparing.
_OUTER_HTML_WITHOUT_THEME_ATTRS = """e => {
    const c = e.cloneNode(true);
    for (const n of [c, ...c.querySelectorAll('[tabindex]')]) n.removeAttribute('tabindex');
    return c.outerHTML;
}"""


def _visible_html(explorer, selector: str) -> list[str]:
    return [
        el.evaluate(_OUTER_HTML_WITHOUT_THEME_ATTRS)
        for el in explorer.locator(selector).all()
        if el.is_visible()
    ]


def _as_browser_serializes(page, html: str) -> str:
    """Parse and re-serialize HTML in the page, so it compares equal to what the page shows."""
    return page.evaluate(
        "h => { const d = document.createElement('div'); d.innerHTML = h; return d.innerHTML; }", html
    )


@pytest.mark.parametrize("path", PAGES)
def test_explorers_show_what_python_computes(page_and_log, base_url, path):
    page, log = page_and_log
    open_page(page, base_url, path)
    explorers = page.locator(".k8snet-explorer").all()
    if not explorers:
        pytest.skip(f"{path} has no explorers")
    for element in explorers:
        note = element.locator("[data-k8snet-explorer]").first
        with library_language(path):
            explorer = explorer_from_marker(
                note.get_attribute("data-k8snet-explorer"),
                note.get_attribute("data-k8snet-factory"),
                note.get_attribute("data-k8snet-args"),
            )
            expected = explorer.outcomes()
        keys = list(explorer.controls)
        controls = [element.locator(f".k8snet-control-{i}") for i in range(len(keys))]
        kinds = [explorer._kind(k, explorer.controls[k]) for k in keys]
        for combo in combinations_to_drive(explorer):
            outcome = expected[combo]
            for i, value in enumerate(combo):
                index = explorer.controls[keys[i]].index(value)
                _set_control(controls[i], kinds[i], index, str(value))
            where = f"{explorer.name} {dict(zip(keys, combo, strict=True))}"
            shown = _visible_outcomes(element)
            assert shown == [outcome.digest], f"{where}: showed {shown}"
            # Not only the marker: the visible content is exactly what Python renders for this combination.
            assert _visible_html(element, "[data-k8snet-outcome]") == [
                _as_browser_serializes(page, outcome.fragment())
            ], where
            expected_svg = (
                []
                if outcome.svg is None
                else [_as_browser_serializes(page, f'<div class="k8snet-svg">{outcome.svg}</div>')]
            )
            assert _visible_html(element, ".k8snet-svg") == expected_svg, where
    assert log.problems() == [], f"{path}: " + "\n".join(log.problems())


def _changing_start(explorer, key: str) -> dict | None:
    """The page's default combination, or the default with one other control moved, from which every value of
    ``key`` shows a different view (``None`` if there is none: the control changes nothing)."""
    keys = list(explorer.controls)
    initial = {k: (explorer.initial or {}).get(k, explorer.controls[k][0]) for k in keys}
    starts = [dict(initial)] + [
        dict(initial, **{other: v}) for other in keys if other != key for v in explorer.controls[other]
    ]
    for start in starts:
        digests = {explorer.outcome(**dict(start, **{key: v})).digest for v in explorer.controls[key]}
        if len(digests) == len(explorer.controls[key]):
            return start
    return None


@pytest.mark.parametrize("path", PAGES)
def test_every_control_changes_the_view(page_and_log, base_url, path):
    """Each control of each explorer changes what the page shows: from the page's default, or after one other
    control is moved, every value of the control shows its own view (issue 14)."""
    page, log = page_and_log
    open_page(page, base_url, path)
    explorers = page.locator(".k8snet-explorer").all()
    if not explorers:
        pytest.skip(f"{path} has no explorers")
    for element in explorers:
        note = element.locator("[data-k8snet-explorer]").first
        explorer = explorer_from_marker(
            note.get_attribute("data-k8snet-explorer"),
            note.get_attribute("data-k8snet-factory"),
            note.get_attribute("data-k8snet-args"),
        )
        keys = list(explorer.controls)
        controls = [element.locator(f".k8snet-control-{i}") for i in range(len(keys))]
        kinds = [explorer._kind(k, explorer.controls[k]) for k in keys]
        for key in keys:
            start = _changing_start(explorer, key)
            assert start is not None, f"{explorer.name}: the control {key!r} never changes the view"
            shown = set()
            for value in explorer.controls[key]:
                combo = dict(start, **{key: value})
                for j, k in enumerate(keys):
                    _set_control(controls[j], kinds[j], explorer.controls[k].index(combo[k]), str(combo[k]))
                (marker,) = _visible_outcomes(element)
                shown.add(marker)
            assert len(shown) == len(explorer.controls[key]), f"{explorer.name}: {key!r} showed {shown}"
    assert log.problems() == [], f"{path}: " + "\n".join(log.problems())
