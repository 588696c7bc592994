"""Reading the built site (``_build/html``) in the browser tests: the pages of ``_toc.yml`` and opening one until
its widgets have rendered."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# Generous bounds: they only say how long a page may take to settle on a busy 2-core machine (a slow page is not
# a failure; a page that never renders its widgets, or never stops loading, is).
WIDGET_TIMEOUT_MS = 120_000
SETTLE_TIMEOUT_MS = 120_000


def toc_pages() -> list[str]:
    """Every page in _toc.yml as a path relative to the site root (``book/intro.html``)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    return [str(Path(p).with_suffix("")) + ".html" for p in pages]


def open_page(page, base_url: str, path: str):
    response = page.goto(base_url + path, wait_until="load")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    if page.locator('script[type="application/vnd.jupyter.widget-state+json"]').count():
        # embed-amd.js renders every widget-view script; wait until each one has a rendered widget.
        page.wait_for_function(
            """() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
                   .every(s => s.parentElement.querySelector('[class*="widget-"]'))""",
            timeout=WIDGET_TIMEOUT_MS,
        )
    page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)
