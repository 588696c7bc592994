"""The built site's ways in lead somewhere real: no link points at a placeholder repository, the repository and
launch buttons exist exactly when the build was given a repository (``K8SNET_REPOSITORY``; the build records
it in ``_static/k8snet-launch.json``) and then lead to that repository's files, every chapter's JupyterLite
button opens a chapter the lite edition ships, and only pages showing widgets load the widget manager.

Reads the HTML of ``_build/html`` (after ``make site``); needs no browser, so the Pages workflow runs it too,
on the site it publishes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
#: Jupyter Book's own repository (its default ``repository.url``) and the placeholder this book once had.
PLACEHOLDERS = ("github.com/executablebooks/jupyter-book", "github.com/k8snet/k8snet")
LAUNCH_HOSTS = ("mybinder.org", "colab.research.google.com")
WIDGET_MANAGER = "_static/widgets/embed.js"


def _pages() -> list[Path]:
    if not (SITE / "index.html").is_file():
        pytest.skip(f"{SITE} is missing: build the book first (`make site`)")
    return [p for p in SITE.rglob("*.html") if "lite" not in p.relative_to(SITE).parts[:1]]


@pytest.fixture(scope="module")
def settings() -> dict:
    _pages()
    return json.loads((SITE / "_static" / "k8snet-launch.json").read_text())


def _links(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for a in soup.find_all("a", href=True)]


def _chapter_pages() -> list[Path]:
    # both editions (the Chinese one under zh-cn/): the same chapters, the same launch targets
    return [
        p
        for folder in ("book", "zh-cn/book")
        for p in (SITE / folder).glob("*.html")
        if (ROOT / "book" / p.with_suffix(".ipynb").name).exists()
    ]


def test_no_link_points_at_a_placeholder_repository(settings):
    configured = settings["repository"]
    for page in _pages():
        for href in _links(page):
            for placeholder in PLACEHOLDERS:
                if placeholder in href and placeholder != f"github.com/{configured}":
                    pytest.fail(f"{page.relative_to(SITE)} links to {href}")


def test_repository_and_launch_buttons_follow_the_build_setting(settings):
    repository, branch = settings["repository"], settings["branch"]
    chapters = _chapter_pages()
    assert chapters
    for page in _pages():
        rel = page.relative_to(SITE)
        launch = [h for h in _links(page) if urlsplit(h).hostname in LAUNCH_HOSTS]
        ours = [h for h in _links(page) if repository and h.startswith(f"https://github.com/{repository}")]
        if repository is None:
            assert launch == [], f"{rel}: launch buttons without a repository: {launch}"
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            for label in ("repository-button", "issues-button", "edit-button"):
                assert not soup.select(f'[class*="btn-source-{label}"]'), f"{rel}: {label} shown"
            continue
        if page not in chapters:
            continue
        notebook = f"book/{page.stem}.ipynb"
        assert (ROOT / notebook).exists()
        expected = [f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath=lab/tree/{notebook}"]
        if settings["colab"]:  # only when the chapters' install cell names a repository to install from
            expected.append(f"https://colab.research.google.com/github/{repository}/blob/{branch}/{notebook}")
        assert launch == expected, rel
        assert f"https://github.com/{repository}" in ours, rel
        assert f"https://github.com/{repository}/edit/{branch}/{notebook}" in ours, rel


def test_every_chapter_opens_in_the_jupyterlite_edition(settings):
    if not settings["jupyterlite"]:
        pytest.skip("built with K8SNET_JUPYTERLITE=0")
    for page in _chapter_pages():
        lite = [h for h in _links(page) if "/lab/index.html?" in h]
        assert len(lite) == 1, f"{page.name}: {lite}"
        url = urlsplit(urljoin(page.relative_to(SITE).as_posix(), lite[0]))
        assert (SITE / url.path).is_file(), f"{page.name}: {url.path} is missing (`make lite`)"
        (path,) = parse_qs(url.query)["path"]
        assert path == f"book/{page.stem}.ipynb"
        shipped = SITE / Path(url.path).parents[1] / "files" / path
        assert shipped.read_bytes() == (ROOT / path).read_bytes(), f"{shipped} is not the chapter"
    # the kernel's Python comes from the site itself, not from a CDN (book/_lite/README.md)
    config = json.loads((SITE / "lite" / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs" and kernel["disablePyPIFallback"] is True
    assert (SITE / "lite" / "static" / "pyodide" / "pyodide.mjs").is_file()


def test_only_pages_that_show_widgets_load_the_widget_manager():
    loading = []
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        views = "application/vnd.jupyter.widget-view+json" in text
        loads = re.search(r'<script[^>]+src="[^"]*' + re.escape(WIDGET_MANAGER), text) is not None
        assert views == loads, f"{page.relative_to(SITE)}: shows widgets {views}, loads the manager {loads}"
        loading += [page] if loads else []
    assert loading, "no page shows a widget: the explorers are gone?"
    assert (SITE / WIDGET_MANAGER).is_file()
