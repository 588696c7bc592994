"""The book's translated editions: Sphinx's gettext catalogs under ``locale/``, built from the same notebooks.

    python book/_ext/k8snet_i18n.py build zh_CN [-W]   # the zh_CN edition into _build/html/zh-cn
    python book/_ext/k8snet_i18n.py update [zh_CN]     # catalogs after a chapter changed (`make catalogs`)
    python book/_ext/k8snet_i18n.py status [zh_CN]     # per page: translated / fuzzy / untranslated messages
    python book/_ext/k8snet_i18n.py gettext [--output DIR]   # only extract the messages (.pot per page)

How it works (Sphinx's own i18n, as large documentation projects translate):

* ``update`` runs Sphinx's ``gettext`` builder over the book with notebook execution off (outputs are not
  text to translate: what code prints comes from the library's own catalog, :mod:`k8snet.i18n`), one ``.pot``
  per page (``gettext_compact: false`` in ``_config.yml``), then ``sphinx-intl update`` merges them into
  ``locale/<lang>/LC_MESSAGES/<page>.po``: new messages appear untranslated, changed ones are marked fuzzy with
  the old translation kept as a suggestion, removed ones become obsolete. It also refreshes the library's
  catalog (``k8snet/locale/<lang>/LC_MESSAGES/k8snet.po`` from the ``_()`` calls in ``k8snet/``) and compiles
  its ``.mo``.
* ``build`` builds one translated edition with Jupyter Book's Sphinx from the same ``_config.yml`` and
  ``_toc.yml``, overriding ``language`` only, into ``_build/<lang>/html`` (its own doctrees, executed
  notebooks and jupyter-cache beside it), then copies it to ``_build/html/<folder>`` next to the English
  edition. The notebooks execute with ``K8SNET_LANGUAGE=<lang>`` (set by ``k8snet_sphinx`` from ``language``),
  so explorers, diagrams and summaries speak the edition's language; the execution cache is per language, so
  a rebuild executes only the notebooks whose code changed, as the English build does. The library's
  docstrings and source are English in every edition, so the API reference and its highlighted source pages
  (``_modules/``) are rendered once, by the English edition: a translated API page keeps its translated headings
  and prose and links each module to the English reference (``k8snet_sphinx.english_api_reference``).

Every language of the site is listed in :data:`EDITIONS`; :func:`edition` finds one.

>>> edition("zh_CN").folder
'zh-cn'
>>> edition("en").prefix_from_root
''
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
BUILD = ROOT / "_build"


@dataclass(frozen=True)
class Edition:
    """One language of the site: its Sphinx ``language``, its folder under the site root, its own name."""

    language: str
    folder: str
    name: str
    #: BCP 47 tag for ``lang`` attributes.
    tag: str

    @property
    def prefix_from_root(self) -> str:
        """Path of this edition's root relative to the site's root (``""`` for the English edition)."""
        return f"{self.folder}/" if self.folder else ""


#: The site's editions; the first is the original, at the site's root. A new language: one line here, its
#: ``locale/<lang>/`` catalogs (``make catalogs EDITIONS=<lang>``), and the language in the Makefile's ``EDITIONS``.
EDITIONS: tuple[Edition, ...] = (
    Edition("en", "", "English", "en"),
    Edition("zh_CN", "zh-cn", "中文", "zh-CN"),
)


def edition(language: str | None) -> Edition:
    """The edition of Sphinx ``language`` (``None`` or ``"en"``: the English one).

    >>> edition(None).name
    'English'
    """
    language = language or "en"
    for ed in EDITIONS:
        if ed.language == language:
            return ed
    raise SystemExit(f"no edition for language {language!r}; known: {[e.language for e in EDITIONS]}")


def translations() -> tuple[Edition, ...]:
    """The translated editions (all but the first)."""
    return EDITIONS[1:]


def _sphinx_build(
    builder: str,
    outdir: Path,
    overrides: dict,
    warningiserror: bool,
    keep_going: bool,
    doctreedir: Path | None = None,
) -> int:
    """Jupyter Book 1's own Sphinx build (as ``jupyter-book build .``), with config overrides; the doctrees go
    beside ``outdir`` (``<parent>/.doctrees``) unless ``doctreedir`` says where."""
    from jupyter_book.sphinx import build_sphinx

    overrides = {
        "external_toc_path": (ROOT / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        **overrides,
    }
    result = build_sphinx(
        ROOT,
        outdir,
        use_external_toc=True,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=overrides,
        builder=builder,
        doctreedir=str(doctreedir) if doctreedir else None,
        warningiserror=warningiserror,
        keep_going=keep_going,
    )
    if isinstance(result, BaseException):
        print(f"{builder} build failed: {result}", file=sys.stderr)
        return 1
    return int(result or 0)


def translated_extensions() -> list[str]:
    """The English edition's Sphinx extensions (as Jupyter Book 1 computes them from ``_config.yml``) but
    ``sphinx.ext.viewcode``: the highlighted source pages are rendered once, by the English edition (a translated
    API page links to the English reference, ``k8snet_sphinx.english_api_reference``).

    >>> "sphinx.ext.viewcode" in translated_extensions(), "sphinx.ext.autodoc" in translated_extensions()
    (False, True)
    """
    from jupyter_book.config import get_final_config

    config, _meta = get_final_config(
        user_yaml=ROOT / "_config.yml",
        cli_config={"latex_individualpages": False},
        sourcedir=ROOT,
        use_external_toc=True,
    )
    return [e for e in config["extensions"] if e != "sphinx.ext.viewcode"]


def build(language: str, warningiserror: bool = False, keep_going: bool = True) -> int:
    """Build the ``language`` edition and copy it to ``_build/html/<folder>``."""
    ed = edition(language)
    if not ed.folder:
        raise SystemExit("the English edition is `jupyter-book build .`")
    work = BUILD / ed.language
    outdir = work / "html"
    status = _sphinx_build(
        "html",
        outdir,
        {
            "language": ed.language,
            "nb_execution_cache_path": str(work / ".jupyter_cache"),
            "extensions": translated_extensions(),
        },
        warningiserror,
        keep_going,
    )
    if status == 0:
        target = BUILD / "html" / ed.folder
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(outdir, target, ignore=shutil.ignore_patterns(".buildinfo", "reports"))
        print(f"The {ed.name} edition is built: file://{target}/index.html")
    return status


def gettext(outdir: Path = BUILD / "gettext") -> int:
    """Extract the book's messages: one ``.pot`` per page under ``outdir``, notebooks not executed."""
    if outdir.exists():
        shutil.rmtree(outdir)
    status = _sphinx_build(
        "gettext",
        outdir,
        # locations only to tell the API page's own words from autodoc's docstrings (_strip_pots)
        {"nb_execution_mode": "off", "language": "en", "gettext_location": True},
        warningiserror=True,
        keep_going=True,
        # its own doctrees: _build/gettext's default (_build/.doctrees) is the English html build's, and Sphinx
        # refuses an environment another builder wrote
        doctreedir=outdir.with_name(outdir.name + ".doctrees"),
    )
    if status == 0:
        _strip_pots(outdir)
    return status


#: Pages whose messages come mostly from elsewhere: only the messages written in the page itself are kept (the
#: API reference's docstrings stay English: they are the library's source).
_OWN_MESSAGES_ONLY = {"book/api": "book/api.md"}


def _strip_pots(outdir: Path) -> None:
    """Drop source locations (they change whenever a cell moves; the message is the key) and the API
    reference's docstrings from the extracted ``.pot`` files."""
    import polib

    for pot_path in sorted(outdir.rglob("*.pot")):
        pot = polib.pofile(str(pot_path), wrapwidth=0)
        page = pot_path.relative_to(outdir).with_suffix("").as_posix()
        own = _OWN_MESSAGES_ONLY.get(page)
        for entry in list(pot):
            if own and entry.occurrences and not any(own in path for path, _ in entry.occurrences):
                pot.remove(entry)
            entry.occurrences = []
        pot.save(str(pot_path))


#: The library's translatable calls (k8snet.i18n): ``_``, ``N_`` (marked only), ``ngettext`` and
#: ``plural_message`` (singular, plural).
LIBRARY_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "plural_message": (1, 2)}


def library_data_messages() -> list[str]:
    """The prose of the library's data files that readers see: the troubleshooting lab's causes, stories,
    explanations and step labels (:func:`k8snet.sim.troubleshooting.lab_messages`; the YAML stays the single
    source, the catalog holds the translations)."""
    from k8snet.sim.troubleshooting import lab_messages

    return lab_messages()


def update_library(languages: list[str]) -> None:
    """Refresh ``k8snet/locale/<lang>/LC_MESSAGES/k8snet.po`` from the package's ``_()`` calls (and
    :func:`library_data_messages`) and compile it.

    New messages come in untranslated, changed ones fuzzy (with the old translation as a suggestion); messages
    no longer in the code are dropped.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po, write_po

    from k8snet.i18n import DOMAIN, LOCALE_DIR

    template = Catalog(project="k8snet", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(LOCALE_DIR.parent), method_map=[("**.py", "python")], keywords=LIBRARY_KEYWORDS
    ):
        template.add(message, None, [(f"k8snet/{filename}", lineno)], auto_comments=comments, context=context)
    for message in library_data_messages():
        template.add(message, None, [("k8snet/data/troubleshooting.yaml", 0)])
    for language in languages:
        po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        if po_path.exists():
            with po_path.open("rb") as f:
                catalog = read_po(f, locale=language)
        else:
            catalog = Catalog(locale=language, project="k8snet", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=False)
        catalog.obsolete.clear()
        with po_path.open("wb") as f:
            write_po(f, catalog, width=0, no_location=True, omit_header=False, sort_output=True)
        compile_library(language)


def compile_library(language: str) -> Path:
    """Compile the library's ``.po`` for ``language`` into the ``.mo`` Python's gettext reads."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from k8snet.i18n import DOMAIN, LOCALE_DIR

    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=language)
    mo_path = po_path.with_suffix(".mo")
    with mo_path.open("wb") as f:
        write_mo(f, catalog, use_fuzzy=False)
    return mo_path


def update(languages: list[str]) -> int:
    """Refresh the book's and the library's catalogs for ``languages`` from the current sources."""
    pot = BUILD / "gettext"
    status = gettext(pot)
    if status:
        return status
    before = _catalog_texts(languages)
    for language in languages:
        edition(language)
        subprocess.run(
            [
                str(Path(sys.executable).with_name("sphinx-intl")),
                "update",
                "--pot-dir",
                str(pot),
                "--locale-dir",
                str(LOCALE),
                "--language",
                language,
                "--line-width",
                "-1",
            ],
            check=True,
        )
    update_library(languages)
    _keep_unchanged(before)
    for (
        language
    ) in languages:  # again, from the .po as kept: an unchanged catalog leaves its .mo byte-identical
        compile_library(language)
    return 0


def _catalog_texts(languages: list[str]) -> dict[Path, str]:
    from k8snet.i18n import LOCALE_DIR

    paths = [
        p for lang in languages for base in (LOCALE / lang, LOCALE_DIR / lang) for p in base.rglob("*.po")
    ]
    return {p: p.read_text(encoding="utf-8") for p in paths}


def _keep_unchanged(before: dict[Path, str]) -> None:
    """Put back catalogs whose only change is the header's dates and generator details, so that a refresh
    touches only the pages whose messages changed."""
    volatile = ("POT-Creation-Date:", "PO-Revision-Date:", "Project-Id-Version:")

    def stable(text: str) -> list[str]:
        lines = [line for line in text.splitlines() if not line.startswith(tuple('"' + v for v in volatile))]
        return sorted(lines)  # the header's fields may come back in another order

    for path, old in before.items():
        if path.exists() and stable(path.read_text(encoding="utf-8")) == stable(old):
            path.write_text(old, encoding="utf-8")


def status(languages: list[str]) -> int:
    """Print, per page, how many of its messages are translated (untranslated and fuzzy ones count against)."""
    import polib

    for language in languages:
        base = LOCALE / language / "LC_MESSAGES"
        print(f"{language}: {'page':<28} {'done':>5} {'fuzzy':>6} {'todo':>5}")
        for po_path in sorted(base.rglob("*.po")):
            po = polib.pofile(str(po_path))
            page = po_path.relative_to(base).with_suffix("").as_posix()
            entries = [e for e in po if not e.obsolete]
            fuzzy = sum(1 for e in entries if e.fuzzy)
            todo = sum(1 for e in entries if not e.msgstr)
            print(
                f"{'':{len(language) + 1}} {page:<28} {len(entries) - fuzzy - todo:>5} {fuzzy:>6} {todo:>5}"
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build one translated edition into _build/html/<folder>")
    b.add_argument("language")
    b.add_argument("-W", dest="warningiserror", action="store_true", help="warnings are errors")
    g = sub.add_parser("gettext", help="extract the book's messages (.pot per page) into a folder")
    g.add_argument("--output", type=Path, default=BUILD / "gettext")
    for name in ("update", "status"):
        p = sub.add_parser(name)
        p.add_argument("languages", nargs="*", default=[e.language for e in translations()])
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.command == "build":
        return build(args.language, warningiserror=args.warningiserror)
    if args.command == "gettext":
        return gettext(args.output.resolve())
    if args.command == "update":
        return update(args.languages)
    return status(args.languages)


if __name__ == "__main__":
    sys.exit(main())
