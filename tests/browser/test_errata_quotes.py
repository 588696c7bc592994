"""Every passage the errata page quotes from the article renders as written (issue 13: a quote containing
``<ClusterIP>`` was once swallowed as an HTML tag and rendered empty).

The quotes are read from the notebook's Markdown source (blockquotes), with Markdown's own escapes and emphasis
removed, and looked up in the text of the built page with whitespace normalized. Needs `_build/html`
(`make site`).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "book" / "08-errata.ipynb"
PAGE = ROOT / "_build" / "html" / "book" / "08-errata.html"


def _norm(text: str) -> str:
    # Sphinx's smartquotes turn the translations' straight quotes into curly ones; compare the words, not the glyphs
    text = text.translate(str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}))
    return re.sub(r"\s+", " ", text).strip()


def quotes() -> list[str]:
    """Each quoted paragraph and each quoted code line of the errata page, as the reader should read it."""
    out: list[str] = []
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        paragraph: list[str] = []
        in_code = False
        for line in "".join(cell["source"]).splitlines() + [""]:
            if not line.startswith(">"):
                if paragraph:
                    out.append(" ".join(paragraph))
                paragraph = []
                continue
            body = line[1:].removeprefix(" ")
            if body.startswith("```"):
                in_code = not in_code
                continue
            if in_code:
                if body.strip():
                    out.append(body.strip())
                continue
            if not body.strip():
                if paragraph:
                    out.append(" ".join(paragraph))
                paragraph = []
                continue
            text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>])", r"\1", body)  # Markdown backslash escapes
            paragraph.append(text.replace("*", "").strip())
    return [_norm(q) for q in out if q.strip()]


def page_text() -> str:
    if not PAGE.is_file():
        pytest.skip(f"{PAGE} is missing: build the book first (`make site`)")
    raw = PAGE.read_text(encoding="utf-8")
    main = raw[raw.find("<main") :]
    return _norm(html.unescape(re.sub(r"<[^>]+>", " ", main)))


def test_quotes_are_found():
    qs = quotes()
    assert len(qs) > 30 and any("<ClusterIP>:<NodePort>" in q for q in qs)


@pytest.mark.parametrize("quote", quotes())
def test_each_quote_renders_verbatim(quote):
    text = page_text()
    # tags are replaced by spaces above, so compare with the spaces between words squeezed the same way
    assert _norm(quote) in text or quote.replace(" ", "") in text.replace(" ", ""), quote
