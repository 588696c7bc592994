"""Where the book's launch paths come from: the repository setting, and each chapter's install cell.

**The repository is a setting, never a constant.** The site's repository, issue, edit, Binder and Colab buttons
point at ``K8SNET_REPOSITORY`` (``owner/name`` on GitHub) and ``K8SNET_BRANCH`` (default ``main``); the Pages
workflow sets them from ``github.repository`` and ``github.ref_name``, so a fork publishes buttons that lead to
the fork. A build without ``K8SNET_REPOSITORY`` (``make book`` on a laptop) shows none of those buttons, only
the JupyterLite one, which leads into the site itself.

**The install cell.** Colab opens a chapter straight from GitHub: the notebook alone, no checkout. Its first code
cell (tagged ``remove-cell``: it never shows on the site) installs k8snet when it is missing:

* in JupyterLite (Pyodide, ``sys.platform == "emscripten"``) with ``%pip``, which there is piplite installing
  the k8snet wheel that ships inside the site;
* elsewhere with pip, from ``K8SNET_PIP_SOURCE`` if that is set (the launch tests point it at the checkout),
  else from the GitHub repository written into the cell;
* on Colab it also installs graphviz (``dot``) with apt-get when ``dot`` is missing.

Where k8snet is installed (Binder, ``make book``, nbval) the cell does nothing. Only the repository in the cell
varies, and :func:`write_install_cells` writes the same text into every chapter: ``make install-cell
REPOSITORY=owner/name`` (default: the ``origin`` remote). A fork runs that once and commits, so that its Colab
readers install the fork's k8snet; until then they install the repository the cell names, and the Pages
workflow says so in a warning (``make install-cell-check``). The cell can name no repository at all
(:data:`UNSET`, as committed until the book's home is known): the site then shows no Colab button, and the
cell, run elsewhere without k8snet, says what to set instead of failing in pip.

>>> print(install_source("alice/k8snet"))
k8snet @ git+https://github.com/alice/k8snet
>>> Repository.from_environ({"K8SNET_REPOSITORY": "alice/k8snet"}).url
'https://github.com/alice/k8snet'
>>> Repository.from_environ({}) is None
True
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"

#: ``owner/name`` of a GitHub repository (GitHub's rules for both parts, loosely).
_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
#: The value written into the cell while no repository has been chosen.
UNSET = ""


@dataclass(frozen=True)
class Repository:
    """A GitHub repository and branch the site's buttons lead to.

    >>> Repository("alice/k8snet", "dev").binder_url("book/intro.ipynb")
    'https://mybinder.org/v2/gh/alice/k8snet/dev?urlpath=lab/tree/book/intro.ipynb'
    """

    name: str
    branch: str = "main"

    def __post_init__(self) -> None:
        if not _REPOSITORY.fullmatch(self.name):
            raise ValueError(f"repository {self.name!r} is not owner/name")
        if not self.branch or any(c.isspace() for c in self.branch):
            raise ValueError(f"branch {self.branch!r} is not a branch name")

    @property
    def url(self) -> str:
        return f"https://github.com/{self.name}"

    def binder_url(self, path: str) -> str:
        """The link the site's Binder button opens (sphinx-book-theme's form, JupyterLab on ``path``)."""
        return f"https://mybinder.org/v2/gh/{self.name}/{self.branch}?urlpath=lab/tree/{path}"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Repository | None:
        """``K8SNET_REPOSITORY`` and ``K8SNET_BRANCH`` (default ``main``), or ``None`` when unset or empty."""
        env = os.environ if environ is None else environ
        name = env.get("K8SNET_REPOSITORY", "").strip()
        if not name:
            return None
        return cls(name, env.get("K8SNET_BRANCH", "").strip() or "main")


def install_source(repository: str) -> str:
    """What pip installs on Colab when ``K8SNET_PIP_SOURCE`` is not set: the default branch of ``repository``."""
    return f"k8snet @ git+https://github.com/{repository}"


#: The install cell, with ``{repository}`` for the one part that varies. Plain Python except ``%pip``, which
#: only JupyterLite reaches (there pyodide-kernel turns it into piplite's install, awaited).
INSTALL_CELL = """\
# Installs k8snet where it is missing (Colab, JupyterLite, a plain Jupyter), and graphviz's `dot` on Colab.
# Does nothing where k8snet is installed (Binder, `make book`). pip installs K8SNET_PIP_SOURCE if it is set,
# else this repository (`make install-cell REPOSITORY=owner/name` writes it into every chapter).
import importlib.util
import os
import shutil
import subprocess
import sys

K8SNET_REPOSITORY = "{repository}"
if importlib.util.find_spec("k8snet") is None:
    if sys.platform == "emscripten":  # JupyterLite: piplite installs the k8snet wheel shipped with the site
        %pip install k8snet
    elif K8SNET_REPOSITORY or os.environ.get("K8SNET_PIP_SOURCE"):
        _url = f"git+https://github.com/{{K8SNET_REPOSITORY}}"
        _source = os.environ.get("K8SNET_PIP_SOURCE", f"k8snet @ {{_url}}")
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", _source])
        importlib.invalidate_caches()
    else:
        raise RuntimeError(
            "k8snet is not installed: pip install it (see the book's README), "
            "or set K8SNET_PIP_SOURCE to what pip should install"
        )
if "google.colab" in sys.modules and shutil.which("dot") is None:
    subprocess.check_call(["apt-get", "install", "--yes", "--quiet", "graphviz"], stdout=subprocess.DEVNULL)"""

#: The install cell the chapters had before this one (pip from a placeholder repository); a chapter written from
#: an old template still has it, and ``make install-cell`` replaces it.
LEGACY_INSTALL_CELL = """\
# On Colab (or anywhere k8snet is not installed yet), install it from the repository first.
try:
    import k8snet  # noqa: F401
except ImportError:
    %pip install --quiet "k8snet @ git+https://github.com/k8snet/k8snet\""""

#: The first and last lines of the install cell: how it is found in a notebook, and where it ends.
INSTALL_CELL_FIRST_LINE = INSTALL_CELL.split("\n", 1)[0]
INSTALL_CELL_LAST_LINE = INSTALL_CELL.rsplit("\n", 1)[1]
_REPOSITORY_LINE = re.compile(r'^K8SNET_REPOSITORY = "([^"]*)"$', re.M)


def install_cell(repository: str = UNSET) -> str:
    """The install cell's source for ``repository`` (``owner/name``, or :data:`UNSET`).

    >>> 'K8SNET_REPOSITORY = "alice/k8snet"' in install_cell("alice/k8snet")
    True
    >>> install_cell("not a repository")
    Traceback (most recent call last):
    ...
    ValueError: repository 'not a repository' is not owner/name
    """
    if repository != UNSET and not _REPOSITORY.fullmatch(repository):
        raise ValueError(f"repository {repository!r} is not owner/name")
    return INSTALL_CELL.format(repository=repository)


def chapters() -> list[Path]:
    """Every notebook of the book that runs code (a page of prose only needs no install cell)."""
    return [
        path
        for path in sorted(BOOK.glob("*.ipynb"))
        if any(c["cell_type"] == "code" for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
    ]


def find_install_cell(nb: dict) -> tuple[int, str, str]:
    """``(index, install part, rest)`` of the notebook's install cell: its first code cell tagged ``remove-cell``
    that starts with the install cell's first line (or is :data:`LEGACY_INSTALL_CELL`). ``rest`` is what
    follows the install part in the same cell (``%xmode Minimal`` in some chapters), kept as it is."""
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "remove-cell" not in cell.get("metadata", {}).get("tags", []):
            continue
        source = "".join(cell["source"])
        if source.startswith(LEGACY_INSTALL_CELL):
            return i, LEGACY_INSTALL_CELL, source[len(LEGACY_INSTALL_CELL) :]
        if not source.startswith(INSTALL_CELL_FIRST_LINE):
            continue
        end = source.find("\n" + INSTALL_CELL_LAST_LINE)
        if end < 0:
            return i, source, ""
        end += 1 + len(INSTALL_CELL_LAST_LINE)
        return i, source[:end], source[end:]
    raise LookupError("no install cell (a code cell tagged remove-cell starting with the install comment)")


def installed_repository(path: Path) -> str:
    """The repository a chapter's install cell names (:data:`UNSET` if none); ``ValueError`` if its install
    cell is not the one :func:`install_cell` writes."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    _, part, _ = find_install_cell(nb)
    match = _REPOSITORY_LINE.search(part)
    repository = match.group(1) if match else UNSET
    if part != install_cell(repository):
        raise ValueError(f"{path.name}: the install cell differs from the one `make install-cell` writes")
    return repository


def _source_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def write_install_cells(repository: str, paths: list[Path] | None = None) -> list[Path]:
    """Write :func:`install_cell` for ``repository`` into each chapter (keeping what follows it in the cell, the
    cell's id and tags, and the file's JSON form); returns the files that changed."""
    text = install_cell(repository)
    changed = []
    for path in paths or chapters():
        raw = path.read_text(encoding="utf-8")
        nb = json.loads(raw)
        i, _, rest = find_install_cell(nb)
        nb["cells"][i]["source"] = _source_lines(text + rest)
        new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if new != raw:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def current_repository() -> str | None:
    """What the chapters' current install cells name (:data:`UNSET` included), when they agree; ``None`` if
    none has the current cell or they disagree. ``make install-cell`` without ``REPOSITORY`` keeps it, so it
    brings a new chapter (or one written from an old template) in line with the others."""
    found = set()
    for path in chapters():
        try:
            found.add(installed_repository(path))
        except (LookupError, ValueError):
            continue
    return found.pop() if len(found) == 1 else None


def origin_repository(cwd: Path = ROOT) -> str | None:
    """``owner/name`` of the ``origin`` remote when it is on GitHub, else ``None``."""
    try:
        url = subprocess.run(
            ["git", "remote", "get-url", "origin"], cwd=cwd, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return parse_github_url(url)


def parse_github_url(url: str) -> str | None:
    """``owner/name`` of a GitHub remote URL.

    >>> parse_github_url("git@github.com:alice/k8snet.git"), parse_github_url("https://github.com/alice/k8snet")
    ('alice/k8snet', 'alice/k8snet')
    >>> parse_github_url("https://example.org/alice/k8snet") is None
    True
    """
    match = re.fullmatch(r"(?:https://|ssh://git@|git@)github\.com[:/]([^/]+/[^/]+?)(?:\.git)?/?", url)
    return match.group(1) if match and _REPOSITORY.fullmatch(match.group(1)) else None


def notebooks_repository() -> str:
    """The repository every chapter's install cell names; :data:`UNSET` if none, or if they disagree or a
    chapter's cell is not :func:`install_cell`'s (``install-cell-check`` reports those)."""
    try:
        names = {installed_repository(path) for path in chapters()}
    except (LookupError, ValueError):
        return UNSET
    return names.pop() if len(names) == 1 else UNSET


def check(expected: str | None) -> int:
    """Exit status for ``install-cell-check``: 1 when chapters disagree (a bug: run ``make install-cell``).
    A warning, status 0, when they name no repository (the site then shows no Colab button, since Colab
    readers could not install k8snet) or another repository than ``expected`` (a fork that has not run
    ``make install-cell`` yet: its Colab readers get the k8snet of the repository the cells name)."""
    found = {path.name: installed_repository(path) for path in chapters()}
    names = set(found.values())
    if len(names) != 1:
        print(f"install cells disagree: {found}; run `make install-cell`", file=sys.stderr)
        return 1
    (name,) = names
    if name == UNSET:
        print(
            "::warning::the chapters' install cells name no repository, so the site has no Colab button; "
            "run `make install-cell REPOSITORY=owner/name` and commit to add it"
        )
        return 0
    if expected and name != expected:
        print(
            f"::warning::the chapters install k8snet from {name} on Colab, not from {expected}; "
            f"run `make install-cell REPOSITORY={expected}` and commit to install this repository's k8snet"
        )
    else:
        print(f"{len(found)} chapters install k8snet from {name} on Colab")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("install-cell", help="write the install cell into every chapter")
    write.add_argument(
        "--repository", help="owner/name on GitHub (default: what the chapters name, else the origin remote)"
    )
    chk = sub.add_parser("install-cell-check", help="check the install cells (Pages workflow)")
    chk.add_argument("--expected", help="owner/name the site is built from (GITHUB_REPOSITORY)")
    args = parser.parse_args(argv)
    if args.command == "install-cell":
        repository = args.repository or current_repository()
        if repository is None:
            repository = origin_repository()
        if repository is None:
            parser.error("no --repository, no chapter naming one yet, and no GitHub `origin` remote")
        changed = write_install_cells(repository)
        named = repository or "no repository (no Colab button)"
        print(f"install cell names {named} in {len(chapters())} chapters ({len(changed)} changed)")
        return 0
    return check(args.expected)


if __name__ == "__main__":
    sys.exit(main())
