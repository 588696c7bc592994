"""What a reader's browser transfers on a first visit (empty cache) to a page of the built site.

Usage (from the repository root, after ``make site``)::

    .venv/bin/python benchmarks/first_visit.py                       # intro, an explorer chapter, errata
    .venv/bin/python benchmarks/first_visit.py book/03-nodeport.html --json out.json

The site is served from ``_build/html`` on 127.0.0.1 and opened in headless Chromium with a fresh context
(nothing cached) and every other host blocked; the page is left until the widgets have rendered and the
network is idle. Every response is counted once:

* ``raw``: bytes of the files as they sit in the site;
* ``transfer``: what GitHub Pages sends, which compresses text responses on the fly (gzip) and sends binary
  ones (fonts, images) as they are: text types are counted gzip-compressed (level 6, as a CDN does), others raw.
  A precompressed ``.gz``/``.br`` beside a file changes nothing there: Pages does not serve them.

Figures are printed per page, with the largest files; nothing is asserted (tests assert behaviour, this file
measures).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
DEFAULT_PAGES = ["book/intro.html", "book/02-clusterip.html", "book/08-errata.html"]
TEXT_SUFFIXES = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".xml", ".map"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
WIDGETS_RENDERED = """() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
    .every(s => s.parentElement.querySelector('[class*="widget-"]'))"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _chromium() -> str:
    return (
        os.environ.get("K8SNET_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("google-chrome")
        or "/usr/bin/chromium"
    )


def transfer_size(path: Path) -> int:
    """Bytes GitHub Pages sends for ``path``: gzip-compressed for text types, raw otherwise."""
    data = path.read_bytes()
    if path.suffix in TEXT_SUFFIXES:
        return len(gzip.compress(data, compresslevel=6, mtime=0))
    return len(data)


def measure(pages: list[str]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results: dict[str, dict] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
            for page_path in pages:
                context = browser.new_context()
                urls: list[str] = []
                blocked: list[str] = []

                def route(r, blocked=blocked):
                    if urlsplit(r.request.url).hostname == "127.0.0.1":
                        r.continue_()
                    else:
                        blocked.append(r.request.url)
                        r.abort()

                context.route("**/*", route)
                page = context.new_page()
                page.on("response", lambda resp, urls=urls: urls.append(resp.url))
                page.goto(base + page_path, wait_until="load")
                page.wait_for_function(WIDGETS_RENDERED, timeout=60_000)
                page.wait_for_load_state("networkidle")
                context.close()
                files = {}
                for url in dict.fromkeys(urls):
                    rel = unquote(urlsplit(url).path).lstrip("/")
                    f = SITE / rel
                    if f.is_file():
                        files[rel] = (f.stat().st_size, transfer_size(f))
                results[page_path] = {
                    "requests": len(files),
                    "raw": sum(r for r, _ in files.values()),
                    "transfer": sum(t for _, t in files.values()),
                    "files": dict(sorted(files.items(), key=lambda kv: -kv[1][1])),
                    "blocked": blocked,
                }
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("pages", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if not (SITE / "index.html").is_file():
        raise SystemExit(f"{SITE} is missing: run `make site` first")
    results = measure(args.pages)
    for page_path, r in results.items():
        print(
            f"{page_path}: {r['requests']} files, {r['raw'] / 1e6:.2f} MB raw, "
            f"{r['transfer'] / 1e6:.2f} MB transferred"
            + (f", {len(r['blocked'])} blocked requests to other hosts" if r["blocked"] else "")
        )
        for rel, (raw, transfer) in list(r["files"].items())[:6]:
            print(f"    {transfer / 1e3:9.1f} kB  ({raw / 1e3:9.1f} kB raw)  {rel}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
