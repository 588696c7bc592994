"""Reading the built site (``_build/html``) in the browser tests: the pages of ``_toc.yml`` and opening one until
its widgets have rendered."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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


#: The site's editions: the folder each is published in (relative to the site root) and the k8snet language its
#: explorers were computed in (book/_ext/k8snet_i18n.py EDITIONS).
EDITIONS: dict[str, str] = {"": "en", "zh-cn/": "zh_CN"}


def site_pages() -> list[str]:
    """Every page of every edition: ``book/intro.html``, ``zh-cn/book/intro.html``, ..."""
    return [prefix + page for prefix in EDITIONS for page in toc_pages()]


def edition_of(path: str) -> tuple[str, str]:
    """``(folder, language)`` of the edition a site path belongs to.

    >>> edition_of("zh-cn/book/02-clusterip.html")
    ('zh-cn/', 'zh_CN')
    >>> edition_of("book/02-clusterip.html")
    ('', 'en')
    """
    for prefix, language in sorted(EDITIONS.items(), key=lambda kv: -len(kv[0])):
        if path.startswith(prefix):
            return prefix, language
    raise ValueError(path)


@contextlib.contextmanager
def library_language(path: str) -> Iterator[str]:
    """Compute in Python what a page of this edition shows: the library's language set for the block."""
    from k8snet.i18n import set_language

    language = edition_of(path)[1]
    set_language(language)
    try:
        yield language
    finally:
        set_language(None)


def open_page(page, base_url: str, path: str, attempts: int = 2):
    """Open ``path`` and wait until it has settled: loaded, every widget rendered, the network idle. A page
    that does not settle within the bounds is opened once more (a stalled load on a busy machine, seen a few
    times in a thousand page loads, passes on a second load; a page that never settles still fails)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    for attempt in range(attempts):
        response = page.goto(base_url + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        try:
            if page.locator('script[type="application/vnd.jupyter.widget-state+json"]').count():
                # embed-amd.js renders every widget-view script; wait until each one has a rendered widget.
                page.wait_for_function(
                    """() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
                           .every(s => s.parentElement.querySelector('[class*="widget-"]'))""",
                    timeout=WIDGET_TIMEOUT_MS,
                )
            page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
