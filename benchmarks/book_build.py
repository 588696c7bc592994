"""Benchmark the book: clean build time, page sizes, and how long an explorer takes to react.

Usage (from the repository root)::

    .venv/bin/python benchmarks/book_build.py              # clean build into a temp dir, then measure
    .venv/bin/python benchmarks/book_build.py --no-build   # measure the existing _build/html
    .venv/bin/python benchmarks/book_build.py --browser    # also time the static explorers in Chromium
    .venv/bin/python benchmarks/book_build.py --json out.json

Measured:

* ``build_seconds``: ``jupyter-book build . --keep-going`` into an empty ``--path-output`` (no execution
  cache, every notebook executed), wall clock.
* ``pages``: bytes of every ``**/*.html`` of the site, largest first; pages over 3 MB are flagged (the
  widget manager, 4 MB of JavaScript, is a separate cached file and not counted).
* ``explorers``: for every explorer the site embeds (found through its ``data-k8snet-*`` markers), the
  live-mode cost of one control change, recompute + redraw in Python (the outcome cache is cleared each
  time, so ``render`` really runs): median and max over all combinations. With ``--browser``, the time
  from a control click/keypress to the new outcome being visible on the static page.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _clear_module_outcome_caches() -> None:
    """Explorer factories keep per-process outcome caches of their own (rendered SVGs, traffic outcomes);
    clear them too so a control change really recomputes and redraws. The clusters behind the explorers
    (built once per kernel, like a reader's session) are kept."""
    from k8snet.views import traffic
    from k8snet.views.graphviz import dot_to_svg

    traffic._OUTCOMES.clear()
    dot_to_svg.cache_clear()


PAGE_LIMIT = 3 * 1024 * 1024
MARKER = re.compile(
    r'data-k8snet-explorer=\\*"(?P<name>[a-z0-9-]+)\\*"'
    r'(?: data-k8snet-factory=\\*"(?P<factory>[^"\\]+)\\*")?'
    r"(?: data-k8snet-args=\\*'(?P<args>[^']*)\\*')?"
)


def clean_build() -> tuple[float, Path, Path]:
    """Build the book from scratch into a temporary directory; return (seconds, html dir, temp dir)."""
    tmp = Path(tempfile.mkdtemp(prefix="k8snet-book-"))
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe), "build", str(ROOT), "--keep-going", "--path-output", str(tmp)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"book build failed ({proc.returncode})")
    return seconds, tmp / "_build" / "html", tmp


def page_sizes(site: Path) -> list[dict]:
    pages = [
        {
            "page": str(p.relative_to(site)),
            "bytes": p.stat().st_size,
            "over_limit": p.stat().st_size > PAGE_LIMIT,
        }
        for p in site.rglob("*.html")
        if "_static" not in p.parts
    ]
    return sorted(pages, key=lambda row: -row["bytes"])


def explorer_markers(site: Path) -> dict[tuple, str]:
    """(name, factory, args) of every explorer embedded in the site -> first page that shows it."""
    found: dict[tuple, str] = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for m in MARKER.finditer(text):
            args = (m["args"] or "{}").replace("&quot;", '"')
            found.setdefault((m["name"], m["factory"], args), str(page.relative_to(site)))
    return found


def time_live_changes(explorer) -> dict:
    """Median/max seconds for one control change in live mode: the explorer's render (recompute the model
    and redraw the diagram, as the live observer does), over all combinations, with every outcome cache
    cleared first so nothing is served from memory. The clusters behind the explorer are built once before
    timing, as they are once per kernel for a reader."""
    combos = explorer.combinations()
    explorer.outcomes()  # warm: build the clusters behind the explorer
    samples = []
    for combo in combos:
        explorer._cache.clear()
        _clear_module_outcome_caches()
        start = time.perf_counter()
        explorer.render(explorer._values(combo))
        samples.append(time.perf_counter() - start)
    return {
        "combinations": len(combos),
        "content_bytes": explorer.content_bytes(),
        "live_change_median_s": statistics.median(samples) if samples else None,
        "live_change_max_s": max(samples) if samples else None,
    }


def time_static_changes(site: Path, page: str, explorer) -> dict:
    """Seconds to set every control of a combination in the static page and see its outcome (Chromium).

    Includes Playwright's input round trips, so it is an upper bound on what a reader waits.
    """
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{page}"
    samples = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            pg = browser.new_page()
            pg.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
            pg.goto(url)
            root = pg.locator(f".k8snet-explorer-{explorer.name}").first
            root.wait_for(timeout=30_000)
            keys = list(explorer.controls)
            for combo, outcome in explorer.outcomes().items():
                start = time.perf_counter()
                for i, (key, value) in enumerate(zip(keys, combo, strict=True)):
                    index = explorer.controls[key].index(value)
                    control = root.locator(f".k8snet-control-{i}")
                    if explorer._kind(key, explorer.controls[key]) == "buttons":
                        control.locator("button").nth(index).click()
                    else:
                        handle = control.locator(".noUi-handle")
                        handle.focus()
                        handle.press("Home")
                        for _ in range(index):
                            handle.press("ArrowRight")
                pg.wait_for_function(
                    "([el, d]) => [...el.querySelectorAll('[data-k8snet-outcome]')]"
                    ".some(e => e.offsetParent !== null && e.dataset.k8snetOutcome === d)",
                    arg=[root.element_handle(), outcome.digest],
                )
                samples.append(time.perf_counter() - start)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {
        "static_change_median_s": statistics.median(samples) if samples else None,
        "static_change_max_s": max(samples) if samples else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="measure the existing _build/html")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--browser", action="store_true", help="also time static explorers in Chromium")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)

    from k8snet.views.explorer import explorer_from_marker

    result: dict = {}
    tmp = None
    site = args.site
    if not args.no_build:
        result["build_seconds"], site, tmp = clean_build()
    try:
        if not (site / "index.html").is_file():
            raise SystemExit(f"{site} has no index.html: build the book first or drop --no-build")
        result["pages"] = page_sizes(site)
        result["explorers"] = []
        for (name, factory, margs), page in explorer_markers(site).items():
            explorer = explorer_from_marker(name, factory, margs)
            row = {"name": name, "page": page, **time_live_changes(explorer)}
            if args.browser:
                row.update(time_static_changes(site, page, explorer_from_marker(name, factory, margs)))
            result["explorers"].append(row)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    if "build_seconds" in result:
        print(f"clean build: {result['build_seconds']:.1f} s")
    print("pages (bytes):")
    for row in result["pages"]:
        flag = "  OVER 3 MB" if row["over_limit"] else ""
        print(f"  {row['bytes']:>10}  {row['page']}{flag}")
    print("explorers:")
    for row in result["explorers"]:
        line = (
            f"  {row['name']} ({row['page']}): {row['combinations']} combinations, "
            f"{row['content_bytes']} bytes; live change median {row['live_change_median_s'] * 1000:.1f} ms, "
            f"max {row['live_change_max_s'] * 1000:.1f} ms"
        )
        if row.get("static_change_median_s") is not None:
            line += f"; static change median {row['static_change_median_s'] * 1000:.1f} ms"
        print(line)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if any(row["over_limit"] for row in result["pages"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
