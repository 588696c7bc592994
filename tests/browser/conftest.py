"""Fixtures for driving the built site (_build/html) in headless Chromium with the network blocked.

Playwright (Python, sync API) drives Debian's /usr/bin/chromium (shared/TOOLCHAIN.md: Playwright's own
browser download does not work here). The site is served from a local HTTP server thread on 127.0.0.1;
every request to another host is aborted and recorded, so a page that needs a CDN fails the test.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
# Debian's chromium here; elsewhere (e.g. GitHub's Ubuntu runners) K8SNET_CHROMIUM or whatever is on PATH.
CHROMIUM = (
    os.environ.get("K8SNET_CHROMIUM")
    or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    or shutil.which("chromium")
    or shutil.which("google-chrome")
    or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.skip(f"{SITE} is missing: build the book first (`make book` or `make site`)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site_dir: Path):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (`make system-chromium`, or set K8SNET_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageLog:
    """What went wrong while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed_requests]
            + [f"blocked request (network is off): {m}" for m in self.blocked_requests]
        )


@pytest.fixture
def page_and_log(browser, base_url):
    context = browser.new_context()
    log = PageLog()

    def route(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            log.blocked_requests.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and log.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on(
        "requestfailed",
        lambda req: (
            urlsplit(req.url).hostname == "127.0.0.1"
            and log.failed_requests.append(f"{req.url} ({req.failure})")
        ),
    )
    page.on(
        "response",
        lambda resp: resp.status >= 400 and log.failed_requests.append(f"{resp.url} (HTTP {resp.status})"),
    )
    yield page, log
    context.close()
