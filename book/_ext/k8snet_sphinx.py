"""Small fixes to the Jupyter Book 1 stack so built pages log no console errors (checked in headless Chromium).

- sphinx-thebe 0.3.1 registers its inline configuration script twice under Jupyter Book 1.0.4, so every
  page fails with "Identifier 'THEBE_JS_URL' has already been declared". Drop repeated scripts per page.
- Explorer outputs get ``k8snet.css`` (from ``book/_assets``, copied to ``_static``): wide tables scroll.
- pydata-sphinx-theme 0.17 logs "Got invalid theme mode: ." when no ``default_mode`` is set; use "light"
  (widgets and diagrams are drawn for a light page; readers can still switch).
- Launch and repository buttons come from the build's environment, never from a constant
  (:mod:`k8snet_launch`): with ``K8SNET_REPOSITORY=owner/name`` (the Pages workflow sets it) the repository,
  issues, edit, Binder and Colab buttons lead there; without it they are not shown at all. The Colab button
  also needs the chapters' install cell to name a repository (``make install-cell``), or Colab readers could
  not install k8snet.
- Every chapter gets a "JupyterLite" launch button into the in-browser edition that ``make lite`` builds into
  ``_build/html/lite`` (``lite/lab/index.html?path=book/<chapter>.ipynb``), relative to the page, so it works
  wherever the site is served. ``K8SNET_JUPYTERLITE=0`` leaves it out (a build without the lite site).
- Editions (:mod:`k8snet_i18n`): ``language`` (``en`` in ``_config.yml``; a translated edition's build
  overrides it) is passed to the notebooks' kernels as ``K8SNET_LANGUAGE``, so the library's explorers,
  diagrams and summaries speak the edition's language (:mod:`k8snet.i18n`). Every page gets a language switch
  to the same page in each other edition (``book/_templates/k8snet-language-switch.html`` before the header
  buttons), ``<link rel="alternate" hreflang>`` tags, and ``lang`` as a BCP 47 tag (``zh-CN``, not Sphinx's
  ``zh_CN``). The book's title comes from the edition's catalog (``locale/<lang>/LC_MESSAGES/_config.po``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from k8snet_i18n import EDITIONS, LOCALE, edition
from k8snet_launch import UNSET, Repository, notebooks_repository

#: Where ``make lite`` puts the JupyterLite site, relative to the HTML output, and the page it opens notebooks in.
LITE_DIR = "lite"
LITE_APP = f"{LITE_DIR}/lab/index.html"
BINDERHUB_URL = "https://mybinder.org"
COLAB_URL = "https://colab.research.google.com"


def _configure_repository(app, config) -> None:
    """Repository, issues, edit, Binder and Colab buttons from ``K8SNET_REPOSITORY``/``K8SNET_BRANCH``."""
    options = dict(config.html_theme_options or {})
    repository = Repository.from_environ()
    if repository is None:
        # Jupyter Book fills repository_url with its own project's URL by default: blank it, so that nothing
        # (buttons, thebe, the theme's source links) can point at a repository that is not this book's.
        options.update(
            repository_url="",
            use_repository_button=False,
            use_issues_button=False,
            use_edit_page_button=False,
            launch_buttons={},
        )
    else:
        options.update(
            repository_url=repository.url,
            repository_branch=repository.branch,
            path_to_docs="",
            use_repository_button=True,
            use_issues_button=True,
            use_edit_page_button=True,
            launch_buttons={
                "notebook_interface": "jupyterlab",
                "binderhub_url": BINDERHUB_URL,
                # Colab opens the chapter alone: only if its install cell knows where to install k8snet from
                "colab_url": COLAB_URL if notebooks_repository() != UNSET else "",
            },
        )
    config.html_theme_options = options


def _record_launch_settings(app, exception) -> None:
    """Write what the buttons were built from to ``_static/k8snet-launch.json``, for the built-site tests."""
    if exception is not None or app.builder.format != "html":
        return
    repository = Repository.from_environ()
    settings = {
        "repository": repository and repository.name,
        "branch": repository and repository.branch,
        "colab": bool(repository) and notebooks_repository() != UNSET,
        "jupyterlite": os.environ.get("K8SNET_JUPYTERLITE", "1") != "0",
    }
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "k8snet-launch.json").write_text(json.dumps(settings, indent=1) + "\n")


def _add_jupyterlite_button(app, pagename, templatename, context, doctree) -> None:
    """A "JupyterLite" entry in the page's launch menu (created if Binder/Colab are off), for chapters only."""
    if os.environ.get("K8SNET_JUPYTERLITE", "1") == "0" or context.get("page_source_suffix") != ".ipynb":
        return
    buttons = context.setdefault("header_buttons", [])
    group = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if group is None:
        group = {
            "type": "group",
            "tooltip": "Launch interactive content",
            "icon": "fas fa-rocket",
            "buttons": [],
            "label": "launch-buttons",
        }
        buttons.append(group)
    group["buttons"].append(
        {
            "type": "link",
            "text": "JupyterLite",
            "tooltip": "Run this chapter in your browser (JupyterLite: no install, no server)",
            "icon": "_static/images/logo_jupyterlite.svg",
            # the lite site is shared by the editions, at the site's root: a translated edition climbs out of its folder
            "url": f"{'../' * edition(app.config.language).prefix_from_root.count('/')}"
            f"{context['pathto'](LITE_APP, 1)}?path={pagename}.ipynb",
            "label": "jupyterlite-button",
        }
    )


def _configure_language(app, config) -> None:
    """The edition's language for the notebooks' kernels, and its translation of the book's title."""
    ed = edition(config.language)
    # nbclient starts kernels with this process's environment: the library reads it (k8snet.i18n)
    os.environ["K8SNET_LANGUAGE"] = ed.language
    if ed.folder:
        title = _config_catalog(ed.language).get(config.html_title)
        if title:
            config.html_title = title
            config.project = title
    options = dict(config.html_theme_options or {})
    options.setdefault("article_header_end", ["k8snet-language-switch.html", "article-header-buttons.html"])
    config.html_theme_options = options
    templates = list(config.templates_path or [])
    if str(Path(__file__).parent.parent / "_templates") not in templates:
        templates.append(str(Path(__file__).parent.parent / "_templates"))
    config.templates_path = templates


def _config_catalog(language: str) -> dict[str, str]:
    """Translations of ``_config.yml``'s words (the title) from ``locale/<lang>/LC_MESSAGES/_config.po``."""
    path = LOCALE / language / "LC_MESSAGES" / "_config.po"
    if not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def _language_switch(app, pagename, templatename, context, doctree) -> None:
    """Links to this page in every other edition, for the switch and for ``<link rel="alternate">``."""
    here = edition(app.config.language)
    # from this page up to its edition's root, then up to the site's root
    to_site_root = "../" * pagename.count("/") + "../" * here.prefix_from_root.count("/")
    suffix = app.builder.out_suffix if hasattr(app.builder, "out_suffix") else ".html"
    others = []
    for ed in EDITIONS:
        # the highlighted source pages exist once, in the English edition (translated_extensions)
        if ed is here or pagename.startswith("_modules/"):
            continue
        others.append(
            {
                "href": f"{to_site_root}{ed.prefix_from_root}{pagename}{suffix}",
                "tag": ed.tag,
                "name": ed.name,
                "title": f"{ed.name}: {pagename.rsplit('/', 1)[-1]}",
            }
        )
    context["k8snet_languages"] = others
    context["language"] = here.tag  # the theme writes it into <html lang="...">
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{o["tag"]}" href="{o["href"]}" />' for o in others
    )


def _set_default_mode(app, config) -> None:
    # pydata-sphinx-theme reads ``default_mode`` from the HTML context, not from the theme options.
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "light")
    config.html_context = context


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        # Same file and attributes (inline body included) is the same script; the duplicate has filename ""
        # where the original has None.
        key = (
            getattr(script, "filename", str(script)) or "",
            repr(sorted(getattr(script, "attributes", {}).items())),
        )
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("config-inited", _set_default_mode)
    app.connect("config-inited", _configure_language)
    app.connect("html-page-context", _language_switch)
    app.connect("config-inited", _configure_repository)
    # after sphinx-book-theme's own launch buttons (priority 501)
    app.connect("html-page-context", _add_jupyterlite_button, priority=502)
    app.connect("build-finished", _record_launch_settings)
    app.add_css_file("k8snet.css")
    app.connect("html-page-context", _dedupe_scripts, priority=1000)
    if edition(app.config.language).folder:
        app.connect("source-read", _english_api_page)
        if edition(app.config.language).language.startswith("zh"):
            app.connect("config-inited", _chinese_search)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- translated editions: the English edition's source pages, and a linear Chinese search index ---------------


#: The page whose content is the library's docstrings (English in every edition).
API_PAGE = "book/api"


def english_api_reference(source: str, up: str) -> str:
    """A translated edition's API page: its own (translated) headings and prose, each ``automodule`` block
    replaced by a link to that module in the English edition's reference (``up``: from the page to the site's
    root). The docstrings are the library's source, English in every edition, so the reference is rendered once,
    like the highlighted source pages; a copy per edition was an eighth of a translated edition's build.

    >>> print(english_api_reference("## Errors\\n\\n```{eval-rst}\\n.. automodule:: k8snet.errors\\n   :members:\\n```\\n", "../../"))
    ## Errors
    <BLANKLINE>
    ```{raw} html
    <p class="k8snet-api-link"><a href="../../book/api.html#module-k8snet.errors" hreflang="en"><code>k8snet.errors</code> (English)</a></p>
    ```
    <BLANKLINE>
    """
    import re

    def links(block: re.Match) -> str:
        modules = re.findall(r"^\.\. automodule:: (\S+)", block.group(1), flags=re.M)
        items = "\n".join(
            f'<p class="k8snet-api-link"><a href="{up}{API_PAGE}.html#module-{m}" hreflang="en">'
            f"<code>{m}</code> ({EDITIONS[0].name})</a></p>"
            for m in modules
        )
        return f"```{{raw}} html\n{items}\n```\n" if modules else block.group(0)

    return re.sub(r"```\{eval-rst\}\n(.*?)```\n", links, source, flags=re.S)


def _english_api_page(app, docname, source) -> None:
    if docname == API_PAGE:
        ed = edition(app.config.language)
        up = "../" * (docname.count("/") + ed.prefix_from_root.count("/"))
        source[0] = english_api_reference(source[0], up)


def glossary_terms(markdown: str) -> list[str]:
    """The Chinese terms of the glossary page's table (its kubernetes.io and article columns), each whole:
    ``负载均衡器``, ``会话亲和性``. A Chinese page has no spaces between words, so Sphinx's Chinese search splits
    its text with jieba's dictionary, which would cut these terms into smaller words a reader does not type;
    given as jieba's user dictionary (``html_search_options["dict"]``), each is indexed whole as well.

    >>> glossary_terms("| Kubernetes | zh | article | where |\\n|---|---|---|---|\\n"
    ...                "| LoadBalancer | LoadBalancer；负载均衡器 | 负载均衡设备 | x |")
    ['负载均衡器', '负载均衡设备']
    """
    import re

    terms: list[str] = []
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not line.lstrip().startswith("|"):
            continue
        for cell in cells[1:3]:
            for term in re.findall(r"[\u4e00-\u9fff]{2,}", cell):
                if term not in terms:
                    terms.append(term)
    return terms


def _chinese_search(app, config) -> None:
    """The Chinese edition's search: every word of its pages indexed (jieba, in the ``book`` extra) with the
    glossary's terms whole (:func:`glossary_terms`), in linear time.

    Sphinx 7.4's Chinese index keeps every Latin word of every page in a list and looks each word up in it
    (``sphinx/search/zh.py``: ``word in self.latin_terms``), so indexing grew with the square of the book's words
    (9 s of the Chinese edition's build); the same membership test over a set builds the same index."""
    import logging

    from sphinx import search
    from sphinx.search.zh import SearchChinese

    class LinearSearchChinese(SearchChinese):
        def init(self, options: dict[str, str]) -> None:
            super().init(options)
            self.latin_terms = _TermSet()

    search.languages["zh"] = LinearSearchChinese
    try:
        import jieba
    except ImportError:  # Sphinx then indexes only the Latin words of a Chinese page
        return
    jieba.setLogLevel(logging.WARNING)
    glossary = Path(app.srcdir) / "book" / "glossary.md"
    terms = Path(app.doctreedir) / "k8snet-search-terms.txt"
    terms.parent.mkdir(parents=True, exist_ok=True)
    # a high frequency, so that jieba keeps the whole term besides the words inside it
    terms.write_text("".join(f"{t} 100000\n" for t in glossary_terms(glossary.read_text(encoding="utf-8"))))
    config.html_search_options = {**(config.html_search_options or {}), "dict": str(terms)}


class _TermSet(set):
    """A set that takes ``extend`` (what ``SearchChinese.split`` calls on its list of Latin terms)."""

    def extend(self, terms) -> None:
        self.update(terms)
