"""The site's two editions (book/_ext/k8snet_i18n.py): English at the root, Chinese under ``zh-cn/``.

Every page of each edition carries a language switch that leads to the *same* page of the other edition, the
right ``lang`` on ``<html>`` (a BCP 47 tag: ``zh-CN``, which browsers use to pick CJK fonts), and
``<link rel="alternate" hreflang>``; following the switch lands on that chapter, in the other language.

Needs `_build/html` with `_build/html/zh-cn` (`make site`); run with `make browser`.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest
from helpers.site import EDITIONS, edition_of, open_page, site_pages, toc_pages

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]

PAGES = site_pages()
TAGS = {"en": "en", "zh_CN": "zh-CN"}


def _counterparts(path: str) -> dict[str, str]:
    """The same page in each other edition, as site paths."""
    prefix, _language = edition_of(path)
    page = path[len(prefix) :]
    return {language: other + page for other, language in EDITIONS.items() if other != prefix}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_to_itself_in_the_other_edition(site_dir, path):
    html = (site_dir / path).read_text(encoding="utf-8")
    _prefix, language = edition_of(path)
    assert re.search(rf'<html lang="{TAGS[language]}"', html), f"{path}: <html lang> is not {TAGS[language]}"
    for other_language, target in _counterparts(path).items():
        tag = TAGS[other_language]
        switch = re.search(
            rf'<a href="([^"]+)" hreflang="{tag}" lang="{tag}"\s+class="[^"]*k8snet-language-switch', html
        )
        assert switch, f"{path}: no language switch to {tag}"
        resolved = urljoin(f"http://site/{path}", switch.group(1))
        assert resolved == f"http://site/{target}", f"{path}: the switch leads to {resolved}"
        assert (site_dir / target).is_file(), f"{path}: {target} is not built"
        assert f'<link rel="alternate" hreflang="{tag}" href="{switch.group(1)}" />' in html


@pytest.mark.parametrize("page", ["book/02-clusterip.html", "book/08-errata.html"])
def test_the_switch_lands_on_the_same_chapter(page_and_log, base_url, page):
    browser_page, log = page_and_log
    open_page(browser_page, base_url, page)
    english_title = browser_page.locator("main h1").first.inner_text()
    browser_page.locator("a.k8snet-language-switch").first.click()
    browser_page.wait_for_load_state("load")
    assert browser_page.url == base_url + "zh-cn/" + page
    assert browser_page.locator("html").get_attribute("lang") == "zh-CN"
    chinese_title = browser_page.locator("main h1").first.inner_text()
    # the same chapter: its title is the catalog's translation of the English one (a title may keep only API
    # names, "ClusterIP Service"), and its prose is Chinese
    assert _heading(chinese_title) == _translation(page, _heading(english_title)), (
        f"{page}: {chinese_title!r}"
    )
    assert re.search(r"[\u4e00-\u9fff]", browser_page.locator("main p").first.inner_text())
    browser_page.locator("a.k8snet-language-switch").first.click()
    browser_page.wait_for_load_state("load")
    assert browser_page.url == base_url + page
    assert browser_page.locator("html").get_attribute("lang") == "en"
    assert log.problems() == [], "\n".join(log.problems())


def _heading(text: str) -> str:
    return text.strip().rstrip("#¶").strip()  # without Sphinx's permalink sign


def _translation(page: str, msgid: str) -> str:
    polib = pytest.importorskip("polib")
    catalog = ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / page.replace(".html", ".po")
    (entry,) = [e for e in polib.pofile(str(catalog)) if e.msgid == msgid]
    return entry.msgstr


def test_both_editions_have_every_page(site_dir):
    missing = [p for p in PAGES if not (site_dir / p).is_file()]
    assert not missing, f"not built: {missing} (`make book` builds both editions)"
    assert len(PAGES) == len(EDITIONS) * len(toc_pages())


def test_translated_api_page_links_to_the_english_reference(site_dir):
    """The library's docstrings and source are English in every edition, so the English edition renders the API
    reference and its highlighted source pages (``_modules/``) once: a translated API page keeps its translated
    headings and links each module the English page documents to that module there; the source pages carry no
    switch to a translated copy that does not exist."""
    english_page = (site_dir / "book/api.html").read_text(encoding="utf-8")
    modules = re.findall(r'<\w+ id="module-([\w.]+)"', english_page)
    assert len(modules) > 50, modules
    for prefix in EDITIONS:
        if not prefix:
            continue
        api = f"{prefix}book/api.html"
        html = (site_dir / api).read_text(encoding="utf-8")
        links = re.findall(r'<p class="k8snet-api-link"><a href="([^"]+)"', html)
        targets = [urljoin(f"http://site/{api}", link).removeprefix("http://site/") for link in links]
        assert targets == [f"book/api.html#module-{m}" for m in modules], f"{api}: {targets[:3]}"
        assert "viewcode-link" not in html and not (site_dir / prefix / "_modules").exists()
    source_links = re.findall(r'href="\.\./(_modules/[^"#]+)', english_page)
    assert source_links
    source_page = (site_dir / source_links[0]).read_text(encoding="utf-8")
    assert "k8snet-language-switch" not in source_page
    assert 'rel="alternate" hreflang' not in source_page


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        # whole glossary terms: jieba alone would cut them into 负载/均衡器 and 会话/亲和性
        ("zh-cn/search.html", "负载均衡器", "zh-cn/book/04-loadbalancer.html"),
        ("zh-cn/search.html", "会话亲和性", "zh-cn/book/07-kube-proxy.html"),
        ("zh-cn/search.html", "命名空间", "zh-cn/book/glossary.html"),
        ("search.html", "masquerade", "book/08-errata.html"),
    ],
)
def test_search_finds_the_chapter(page_and_log, base_url, path, query, expected):
    """Each edition's search box finds a chapter by a term in the edition's language (Sphinx indexes Chinese
    text word by word with jieba; the glossary's terms are indexed whole)."""
    browser_page, log = page_and_log
    open_page(browser_page, base_url, f"{path}?q={quote(query)}")
    results = browser_page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=60_000)
    found = {
        urljoin(browser_page.url, href).split("?")[0].split("#")[0]
        for href in results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    }
    assert base_url + expected in found, f"{query!r}: {sorted(found)}"
    assert log.problems() == [], "\n".join(log.problems())
