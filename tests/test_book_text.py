"""The book's pages as a reader sees them (issue 13), checked on the notebooks' source:

- no developer jargon in the text (test file names, tag names, the library's internal function names used as
  explanations);
- every reference to another chapter is a MyST ``{doc}`` reference, which the ``-W`` book build refuses when the
  target does not exist (so no "topology chapters" that were never written);
- exercise solutions are hidden until the reader opens them: the code cell that runs a solution is tagged
  ``hide-input`` and ``hide-output``;
- no chapter shows a Python traceback on purpose: no cell is tagged ``raises-exception``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))

#: Words that belong to the code base, not to a reader's page.
JARGON = [
    "raises-exception",
    "remove-cell",
    "nbval",
    "tests/",
    "test_errata",
    "Proved in",
    "proved in",
    "split_table",
    "cluster.api.create",
    "render_iptables",
    "last_warnings",
]


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def markdown(path: Path) -> str:
    return "\n".join("".join(c["source"]) for c in cells(path) if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_developer_jargon_in_the_text(path):
    text = markdown(path)
    found = [word for word in JARGON if word in text]
    assert found == [], f"{path.name}: {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_references_are_checked_references(path):
    text = markdown(path)
    # a bare "chapter 5" is not checked by the build; {doc}`chapter 5 <05-externalname>` is
    bare = re.findall(r"(?<!`)\b[Cc]hapters? \d\b(?![^`\n]*<[^>]+>`)", text)
    assert bare == [], f"{path.name}: {bare}"
    assert "topology chapter" not in text
    for target in re.findall(r"\{doc\}`[^`<]*<([^>]+)>`", text) + re.findall(r"\]\(([\w.-]+\.ipynb)\)", text):
        assert (BOOK / (target if target.endswith(".ipynb") else f"{target}.ipynb")).is_file(), target


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercise_solutions_are_hidden_until_opened(path):
    cs = cells(path)
    for i, cell in enumerate(cs):
        src = "".join(cell["source"])
        if cell["cell_type"] != "markdown" or ":class: dropdown" not in src or "Exercise" not in src:
            continue
        # the first visible code cell after an exercise runs its solution
        run = next(
            c
            for c in cs[i + 1 :]
            if c["cell_type"] == "code" and "remove-cell" not in c["metadata"].get("tags", [])
        )
        tags = run["metadata"].get("tags", [])
        assert {"hide-input", "hide-output"} <= set(tags), f"{path.name}: {run['id']} shows its solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_shows_a_traceback_on_purpose(path):
    tagged = [c["id"] for c in cells(path) if "raises-exception" in c["metadata"].get("tags", [])]
    assert tagged == [], f"{path.name}: {tagged}"
