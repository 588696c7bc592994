"""The JupyterLite edition (book/_lite/k8snet_lite.py), checked offline: it builds, k8snet's wheel and every chapter
are in it, JupyterLite opens a chapter with the network off, and the in-browser Graphviz draws k8snet's own
diagrams, the ones its views emit where there is no ``dot``, in headless Chromium.

The lite site serves its own Pyodide (npm's runtime and the wheels from PyPI, book/_lite/README.md), so a
chapter runs there with every other host blocked: the last test runs the preface. Building takes about 25 s
with warm caches (the first build downloads about 20 MB from npm and PyPI); the browser checks about a minute.
"""

from __future__ import annotations

import doctest
import functools
import html
import http.server
import json
import os
import re
import shutil
import threading
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import k8snet_launch
import k8snet_lite as lite_build
import pytest

import k8snet
from k8snet.views import graphviz as views_graphviz

pytestmark = pytest.mark.launch

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
CHROMIUM = (
    os.environ.get("K8SNET_CHROMIUM")
    or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    or shutil.which("chromium")
    or shutil.which("google-chrome")
    or "/usr/bin/chromium"
)


def test_launch_helpers_doctests():
    assert doctest.testmod(k8snet_launch, optionflags=doctest.ELLIPSIS).failed == 0


@pytest.fixture(scope="module")
def lite(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("lite")
    lite_build.build(work / "site" / "lite", work / "work")
    return work / "site" / "lite"


def test_the_wheel_is_this_checkouts_k8snet(lite: Path):
    (wheel,) = (lite / "pypi").glob("k8snet-*.whl")
    index = json.loads((lite / "pypi" / "all.json").read_text())
    assert "k8snet" in index and any(
        f["filename"] == wheel.name for files in index["k8snet"]["releases"].values() for f in files
    )
    package = Path(k8snet.__file__).parent
    in_checkout = {
        p.relative_to(package.parent).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = {n for n in zf.namelist() if n.startswith("k8snet/")}
        assert in_wheel == in_checkout
        assert zf.read("k8snet/views/graphviz.py") == (package / "views" / "graphviz.py").read_bytes()


def test_every_chapter_is_in_it_unchanged(lite: Path):
    listing = json.loads((lite / "api" / "contents" / "book" / "all.json").read_text())
    assert {c["name"] for c in listing["content"]} >= {p.name for p in CHAPTERS}
    for chapter in CHAPTERS:
        assert (lite / "files" / "book" / chapter.name).read_bytes() == chapter.read_bytes()


def test_the_app_has_the_widgets_and_pyodide_kernel_and_the_dot_renderer(lite: Path):
    config = json.loads((lite / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs" and kernel["disablePyPIFallback"] is True
    lock = json.loads((lite / "static" / "pyodide" / "pyodide-lock.json").read_text())
    for entry in lock["packages"].values():  # every package the lock lists is served by the site
        assert (lite / "static" / "pyodide" / entry["file_name"]).is_file(), entry["file_name"]
    assert {"pydantic-core", "pyyaml", "networkx", "ipywidgets", "micropip"} <= lock["packages"].keys()
    names = {e["name"] for e in config["federated_extensions"]}
    assert {"@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension"} <= names
    for app in ("lab", "notebooks"):
        page = (lite / app / "index.html").read_text()
        assert '<script src="../k8snet/dot-render.js"></script>' in page
    assert (lite / "k8snet" / "wasm-graphviz.js").stat().st_size > 500_000


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (`make system-chromium`, or set K8SNET_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield b
        b.close()


def _serve(directory: Path):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _offline_page(browser):
    """A page whose requests to any host but 127.0.0.1 are aborted and recorded; and its console errors."""
    context = browser.new_context()
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, blocked, errors


def _titles(svg: str, kind: str) -> list[str]:
    """The ``<title>`` of every node or edge group of a graphviz SVG (as the browser serializes it)."""
    found = re.findall(rf'<g id="[^"]*" class="{kind}">\s*<title>(.*?)</title>', svg, flags=re.S)
    return sorted(html.unescape(t) for t in found)


def _diagrams_without_dot(monkeypatch) -> dict[str, tuple[str, str]]:
    """k8snet's diagrams as its views emit them where ``dot`` cannot run (through ``to_svg`` and an explorer's
    outcome, the paths the chapters use), with the SVG the real ``dot`` draws for each."""
    from k8snet import Cluster
    from k8snet.views.lessons import replicas_explorer

    cluster = Cluster(preset="minikube")
    cluster.kubectl("create deployment web --image=nginx --replicas=2")
    cluster.kubectl("expose deployment web --port=80")
    graphs = {
        "service types": views_graphviz.service_types_diagram(),
        "cluster": views_graphviz.cluster_diagram(
            cluster.store.list("Node"),
            cluster.store.list("Pod"),
            cluster.store.list("Service"),
            cluster.store.list("EndpointSlice"),
        ),
    }
    with_dot = {name: views_graphviz.to_svg(g) for name, g in graphs.items()}
    explorer = replicas_explorer()
    combo = explorer.combinations()[-1]
    with_dot["explorer outcome"] = explorer.outcome(*combo).svg
    views_graphviz.dot_to_svg.cache_clear()
    monkeypatch.setattr(views_graphviz, "dot_available", lambda: False)
    without = {name: views_graphviz.to_svg(g) for name, g in graphs.items()}
    fresh = replicas_explorer()  # a new explorer: its outcome cache holds nothing drawn with dot
    without["explorer outcome"] = fresh.outcome(*combo).svg
    views_graphviz.dot_to_svg.cache_clear()
    return {name: (without[name], with_dot[name]) for name in graphs.keys() | {"explorer outcome"}}


def test_k8snets_diagrams_are_drawn_in_the_browser_without_dot(lite: Path, browser, monkeypatch, tmp_path):
    diagrams = _diagrams_without_dot(monkeypatch)
    for name, (placeholder, _) in diagrams.items():
        assert placeholder.startswith('<div class="k8snet-dot">'), f"{name}: {placeholder[:80]}"
    site = tmp_path / "site"
    shutil.copytree(lite / "k8snet", site / "k8snet")
    names = sorted(diagrams)
    first, late = names[:-1], names[-1]
    body = "\n".join(f'<section id="d{i}">{diagrams[n][0]}</section>' for i, n in enumerate(first))
    # the last one arrives after load, as a widget's view or a cell's output does
    late_html = json.dumps(diagrams[late][0])
    (site / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><script src="k8snet/dot-render.js"></script></head>'
        f'<body>{body}<section id="late"></section><script>setTimeout(() => {{'
        f"document.getElementById('late').innerHTML = {late_html}; }}, 200);</script></body></html>"
    )
    server, base = _serve(site)
    context, page, blocked, errors = _offline_page(browser)
    try:
        page.goto(base + "index.html", wait_until="load")
        page.wait_for_function(
            """n => { const d = [...document.querySelectorAll('.k8snet-dot')];
                      return d.length === n && d.every(e => e.dataset.k8snetRendered === 'svg'); }""",
            arg=len(names),
            timeout=30_000,
        )
        for i, name in enumerate(first + [late]):
            section = f"#d{i}" if name != late else "#late"
            drawn = page.locator(f"{section} .k8snet-dot").evaluate("e => e.innerHTML")
            assert drawn.startswith("<svg"), name
            expected = diagrams[name][1]
            assert _titles(drawn, "node") == _titles(expected, "node") != [], name
            assert _titles(drawn, "edge") == _titles(expected, "edge"), name
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert blocked == [] and errors == [], (blocked, errors)


def test_a_chapter_runs_in_jupyterlite_with_the_network_off(lite: Path, browser):
    """The preface, run top to bottom in JupyterLite with every other host blocked: the Pyodide runtime and
    packages come from the site (the vendored distribution), the install cell installs the site's k8snet wheel
    with piplite, the explorer widget renders and its diagram is drawn by the in-browser Graphviz."""
    server, base = _serve(lite.parent)
    context, page, blocked, errors = _offline_page(browser)
    try:
        page.goto(base + "lite/lab/index.html?path=book/intro.ipynb", wait_until="load")
        # the chapter's first heading, rendered by JupyterLab from the file the site ships
        page.locator(".jp-Notebook h1", has_text="Preface").first.wait_for(timeout=60_000)
        page.get_by_text("Run", exact=True).first.click()
        page.get_by_text("Run All Cells", exact=True).first.click()
        code_cells = page.locator(".jp-Notebook .jp-CodeCell").count()
        assert code_cells == 2
        page.wait_for_function(
            """n => { const p = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                                .map(e => e.innerText.trim());
                      return p.length === n && p.every(t => /^\\[\\d+\\]:$/.test(t)); }""",
            arg=code_cells,
            timeout=300_000,
            polling=1000,
        )
        page.locator(".jp-Notebook .k8snet-explorer").first.wait_for(timeout=60_000)
        page.locator('.jp-Notebook .k8snet-dot[data-k8snet-rendered="svg"] svg').first.wait_for(
            timeout=60_000
        )
        failures = page.evaluate(
            """() => [...document.querySelectorAll('.jp-OutputArea-output')].map(e => e.innerText)
                     .filter(t => /Error|Traceback/.test(t))"""
        )
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert failures == []
    assert blocked == [], f"asked other hosts: {blocked}"
