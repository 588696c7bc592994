"""The translated editions' catalogs: complete where they say they are, faithful to every literal, in sync.

* **Book catalogs** (``locale/<lang>/LC_MESSAGES/<page>.po``, one per page). For every page listed in
  ``locale/<lang>/translated.txt``: every message the page has *now* (extracted from the notebooks by Sphinx's
  gettext builder, as ``make catalogs`` does) is in its catalog, translated and not fuzzy. For every page: a
  translated message keeps each inline literal of its source (``tests/helpers/literals.py``), and a catalog that is complete
  is listed (so the list cannot fall behind the translators).
* **The library's catalog** (``k8snet/locale/<lang>/LC_MESSAGES/k8snet.po``): every ``_()`` message of the
  package is in it, translated, not fuzzy, with the same ``{placeholders}`` and HTML tags, and its compiled
  ``.mo`` says the same as the ``.po``.
"""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.literals import missing_literals

import k8snet.i18n

polib = pytest.importorskip("polib")

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
LANGUAGES = sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES").is_dir())


def _translated_pages(language: str) -> list[str]:
    path = LOCALE / language / "translated.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _catalog(language: str, page: str):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{page}.po"))


def _pages(language: str) -> list[str]:
    base = LOCALE / language / "LC_MESSAGES"
    return sorted(p.relative_to(base).with_suffix("").as_posix() for p in base.glob("book/*.po"))


def _live(po) -> list:
    return [e for e in po if not e.obsolete]


CASES = [(lang, page) for lang in LANGUAGES for page in _translated_pages(lang)]


@pytest.fixture(scope="session")
def extracted(tmp_path_factory) -> Path:
    """The book's messages as the current notebooks have them (Sphinx's gettext builder, nothing executed)."""
    pytest.importorskip("jupyter_book")
    out = tmp_path_factory.mktemp("gettext")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "book" / "_ext" / "k8snet_i18n.py"), "gettext", "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_some_pages_are_listed_as_translated():
    assert CASES, "locale/<lang>/translated.txt lists no page"


@pytest.mark.parametrize(("language", "page"), CASES)
def test_listed_page_is_fully_translated(language, page):
    po = _catalog(language, page)
    untranslated = [e.msgid for e in _live(po) if not e.msgstr]
    fuzzy = [e.msgid for e in _live(po) if e.fuzzy]
    assert not untranslated, f"{language} {page}: untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{language} {page}: fuzzy (the source changed; check and clear the flag): {fuzzy[:5]}"


@pytest.mark.parametrize(("language", "page"), CASES)
def test_listed_page_catalog_has_every_current_message(extracted, language, page):
    pot = polib.pofile(str(extracted / f"{page}.pot"))
    po_ids = {e.msgid for e in _live(_catalog(language, page)) if e.msgstr and not e.fuzzy}
    missing = [e.msgid for e in pot if e.msgid not in po_ids]
    assert not missing, (
        f"{language} {page}: the page has messages its catalog does not translate (run `make catalogs` and "
        f"translate them): {missing[:5]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_inline_literals(language):
    bad = []
    for page in [*_pages(language), "_config"]:
        for e in _live(_catalog(language, page)):
            if e.msgstr and not e.fuzzy:
                missing = missing_literals(e.msgid, e.msgstr)
                if missing:
                    bad.append(f"{page}: {missing} in {e.msgid[:80]!r}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("language", LANGUAGES)
def test_complete_catalogs_are_listed(language):
    listed = set(_translated_pages(language))
    complete = [
        page
        for page in _pages(language)
        if page not in listed
        and (entries := _live(_catalog(language, page)))
        and all(e.msgstr and not e.fuzzy for e in entries)
    ]
    assert not complete, f"complete but not in locale/{language}/translated.txt: {complete}"


def test_the_literal_check_catches_what_it_must():
    # a dropped code span, a changed number, a changed role target, a changed link: each is reported
    assert missing_literals("Use `kubectl get svc` now", "现在使用 kubectl get svc") == ["`kubectl get svc`"]
    assert missing_literals("port 30000", "端口 30001") == ["number 30000"]
    assert missing_literals("{doc}`chapter 3 <03-nodeport>`", "{doc}`第 3 章 <04-loadbalancer>`") == [
        "role {doc} 03-nodeport"
    ]
    assert missing_literals("[docs](https://kubernetes.io/a)", "[文档](https://kubernetes.io/b)") == [
        "https://kubernetes.io/a"
    ]
    assert missing_literals("{cite:p}`k8s-docs-service`", "{cite:p}`k8s-docs-service`") == []


# -- the library's catalog --------------------------------------------------------------------------------------

LIBRARY_LANGUAGES = sorted(p.name for p in k8snet.i18n.LOCALE_DIR.iterdir() if p.is_dir())
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def _library(language: str):
    return polib.pofile(str(k8snet.i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{k8snet.i18n.DOMAIN}.po"))


def test_library_ships_a_zh_cn_catalog():
    assert "zh_CN" in LIBRARY_LANGUAGES


@pytest.mark.parametrize("language", LIBRARY_LANGUAGES)
def test_library_catalog_is_complete_and_faithful(language):
    bad = []
    for e in _live(_library(language)):
        # an ngettext message has one translation per plural form of the language
        translations = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        if not all(translations) or e.fuzzy:
            bad.append(f"untranslated or fuzzy: {e.msgid!r}")
            continue
        for msgstr in translations:
            for pattern in (PLACEHOLDER, TAG):
                if sorted(pattern.findall(e.msgid)) != sorted(pattern.findall(msgstr)):
                    bad.append(f"{pattern.pattern} differ: {e.msgid!r} -> {msgstr!r}")
            if e.msgid.count("\n") != msgstr.count("\n"):
                bad.append(f"line count differs (diagram labels): {e.msgid!r}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("language", LIBRARY_LANGUAGES)
def test_library_mo_matches_po(language):
    po = {e.msgid: e.msgstr for e in _live(_library(language)) if e.msgstr and not e.fuzzy}
    with (k8snet.i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{k8snet.i18n.DOMAIN}.mo").open("rb") as f:
        mo = gettext.GNUTranslations(f)
    stale = {k: v for k, v in po.items() if mo.gettext(k) != v}
    assert not stale, f"the .mo is stale (`make catalogs`): {list(stale)[:5]}"


@pytest.mark.parametrize("language", LIBRARY_LANGUAGES)
def test_library_catalog_has_every_message_of_the_code(language):
    pytest.importorskip("babel")
    from babel.messages.extract import extract_from_dir

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        from k8snet_i18n import LIBRARY_KEYWORDS, library_data_messages
    finally:
        sys.path.pop(0)
    in_code = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(k8snet.i18n.LOCALE_DIR.parent), method_map=[("**.py", "python")], keywords=LIBRARY_KEYWORDS
        )
    }
    in_code |= set(
        library_data_messages()
    )  # the troubleshooting lab's prose (k8snet/data/troubleshooting.yaml)
    in_catalog = {e.msgid for e in _live(_library(language))}
    assert in_code - in_catalog == set(), "run `make catalogs` and translate the new messages"


# -- the library's prose follows the language, and caches keep the languages apart ------------------------------


def test_lab_prose_follows_the_language_and_the_file_stays_the_source():
    from k8snet.sim.troubleshooting import Lab, load_lab
    from k8snet.views.troubleshooting import lab_answer_explorer

    lab = Lab("orders")
    raw = load_lab().scenarios["orders"]
    right = load_lab().causes["selector-matches-nothing"].text
    try:
        k8snet.i18n.set_language("zh_CN")
        story, verdict = lab.scenario.story, lab.check("selector-matches-nothing").message
        chosen_zh = lab_answer_explorer(scenario="orders").outcome(answer="?").html
        # a reader may answer with the cause's sentence in either language
        assert lab.check(k8snet.i18n._(right)).correct and lab.check(right).correct
    finally:
        k8snet.i18n.set_language("en")
    chosen_en = lab_answer_explorer(scenario="orders").outcome(answer="?").html
    k8snet.i18n.set_language(None)
    assert story != raw.story and re.search(r"[\u4e00-\u9fff]", story)
    assert "http://orders" in story  # the literal survives translation
    assert lab.scenario.story == raw.story  # back in English: the file's own words
    assert verdict.startswith("正确") and "app=order" in verdict
    assert "Choose the letter" in chosen_en and "Choose the letter" not in chosen_zh
    # what the client printed is the program's output, the same in both languages
    assert "Couldn't connect to server" in lab.symptom_text()
