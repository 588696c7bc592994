"""Build the JupyterLite edition of the book into the built site (``make lite``; README in this folder).

    python book/_lite/k8snet_lite.py [--output _build/html/lite] [--work _build/lite]

Steps: k8snet's wheel (``pip wheel --no-deps`` of the checkout); the chapters staged as JupyterLite contents
under ``book/`` (so ``?path=book/02-clusterip.ipynb`` opens a chapter, the paths the book's buttons use);
``jupyter lite build`` with that wheel in the piplite index and the Pyodide kernel; then the in-browser
Graphviz (``graphviz/``) copied to ``<output>/k8snet/`` and ``dot-render.js`` added to every application page
(``lab/``, ``notebooks/``, ...). Nothing is downloaded: the app comes from the installed ``jupyterlite-core``
and ``jupyterlite-pyodide-kernel``, the widgets' extension from ``jupyterlab_widgets``; the Pyodide runtime and
its packages are left on the Pyodide CDN, where readers' browsers fetch them (see README.md).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BOOK = ROOT / "book"
#: Where the site copies the in-browser Graphviz, relative to the lite site's root.
ASSETS = "k8snet"
RENDER_SCRIPT = "dot-render.js"
_SCRIPT_TAG = '<script src="../{assets}/{script}"></script>'


def build_wheel(work: Path) -> Path:
    """k8snet's wheel from the checkout, in ``work/wheels`` (the only wheel there). Built from a copy of the
    package's files: pip builds a local project in its tree, and a stale ``build/`` there could end up in it."""
    wheels = work / "wheels"
    source = work / "source"
    for path in (wheels, source):
        shutil.rmtree(path, ignore_errors=True)
    wheels.mkdir(parents=True)
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "k8snet", source / "k8snet", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(wheels),
            str(source),
        ],
        check=True,
    )
    (wheel,) = wheels.glob("k8snet-*.whl")
    return wheel


def stage_contents(work: Path) -> Path:
    """The chapters, as the lite site's files: ``contents/book/*.ipynb`` (committed without outputs)."""
    contents = work / "contents"
    shutil.rmtree(contents, ignore_errors=True)
    (contents / "book").mkdir(parents=True)
    for nb in sorted(BOOK.glob("*.ipynb")):
        shutil.copy2(nb, contents / "book" / nb.name)
    return contents


def add_dot_renderer(output: Path) -> list[Path]:
    """Copy ``graphviz/`` to ``output/k8snet`` and load ``dot-render.js`` in every application page; returns
    the pages changed."""
    shutil.copytree(HERE / "graphviz", output / ASSETS, dirs_exist_ok=True)
    tag = _SCRIPT_TAG.format(assets=ASSETS, script=RENDER_SCRIPT)
    pages = []
    for page in sorted(output.glob("*/index.html")):
        if page.parent.name == ASSETS:
            continue
        text = page.read_text(encoding="utf-8")
        if tag not in text:
            # before </head>: the script only registers an observer and loads Graphviz on the first diagram
            text, n = re.subn(r"</head>", tag + "\n</head>", text, count=1)
            if n != 1:
                raise RuntimeError(f"{page}: no </head> to add {RENDER_SCRIPT} to")
            page.write_text(text, encoding="utf-8")
        pages.append(page)
    return pages


def build(output: Path, work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(work)
    contents = stage_contents(work)
    lite_dir = work / "lite-dir"  # JupyterLite keeps its doit database and cache here, not in the source tree
    lite_dir.mkdir(exist_ok=True)
    shutil.rmtree(output, ignore_errors=True)
    jupyter = Path(sys.executable).with_name("jupyter")
    subprocess.run(
        [
            str(jupyter),
            "lite",
            "build",
            "--lite-dir",
            str(lite_dir),
            "--contents",
            str(contents),
            "--piplite-wheels",
            str(wheel),
            "--output-dir",
            str(output),
            "--no-sourcemaps",
        ],
        check=True,
        cwd=lite_dir,
    )
    pages = add_dot_renderer(output)
    print(f"JupyterLite edition in {output}: {wheel.name}, {len(list(contents.rglob('*.ipynb')))} chapters,")
    print(f"  {RENDER_SCRIPT} in {', '.join(p.parent.name for p in pages)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--output", type=Path, default=ROOT / "_build" / "html" / "lite")
    parser.add_argument("--work", type=Path, default=ROOT / "_build" / "lite")
    args = parser.parse_args(argv)
    build(args.output.resolve(), args.work.resolve())


if __name__ == "__main__":
    main()
