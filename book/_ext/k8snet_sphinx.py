"""Small fixes to the Jupyter Book 1 stack so built pages log no console errors (checked in headless Chromium).

- sphinx-thebe 0.3.1 registers its inline configuration script twice under Jupyter Book 1.0.4, so every
  page fails with "Identifier 'THEBE_JS_URL' has already been declared". Drop repeated scripts per page.
- Explorer outputs get ``k8snet.css`` (from ``book/_assets``, copied to ``_static``): wide tables scroll.
- pydata-sphinx-theme 0.17 logs "Got invalid theme mode: ." when no ``default_mode`` is set; use "light"
  (widgets and diagrams are drawn for a light page; readers can still switch).
"""

from __future__ import annotations


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
    app.add_css_file("k8snet.css")
    app.connect("html-page-context", _dedupe_scripts, priority=1000)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
