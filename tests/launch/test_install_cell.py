"""The chapters' install cell and the repository setting (book/_ext/k8snet_launch.py), without a network:
the cell is the same in every chapter, and each of its branches does what it says (its source, turned into
Python by IPython's own input transformer, runs with pip, apt-get and ``%pip`` recorded, not run)."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import k8snet_launch
import k8snet_sphinx
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from k8snet_launch import UNSET, Repository, install_cell

BOOK = Path(k8snet_launch.__file__).resolve().parents[1]
CHAPTERS = k8snet_launch.chapters()


def test_every_chapter_has_the_same_install_cell_as_its_first_code_cell():
    assert len(CHAPTERS) >= 10
    prose = set(BOOK.glob("*.ipynb")) - set(CHAPTERS)
    assert all(not any(c["cell_type"] == "code" for c in json.loads(p.read_text())["cells"]) for p in prose)
    repositories = {k8snet_launch.installed_repository(path) for path in CHAPTERS}
    assert len(repositories) == 1, repositories
    for path in CHAPTERS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        index, _, _ = k8snet_launch.find_install_cell(nb)
        code = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
        # before any cell that imports k8snet; hidden from the site
        assert not any("k8snet" in "".join(nb["cells"][i]["source"]) for i in code if i < index), path.name
        assert "remove-cell" in nb["cells"][index]["metadata"]["tags"]


def test_write_install_cells_keeps_what_follows_and_the_json_form(tmp_path: Path):
    src = BOOK / "08-errata.ipynb"
    copy = tmp_path / src.name
    copy.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    before = json.loads(copy.read_text(encoding="utf-8"))
    _, _, rest = k8snet_launch.find_install_cell(before)
    assert "%xmode Minimal" in rest
    assert k8snet_launch.write_install_cells("alice/k8snet", [copy]) == [copy]
    assert k8snet_launch.installed_repository(copy) == "alice/k8snet"
    after = json.loads(copy.read_text(encoding="utf-8"))
    i, part, rest_after = k8snet_launch.find_install_cell(after)
    assert part == install_cell("alice/k8snet") and rest_after == rest
    assert after["cells"][i]["id"] == before["cells"][i]["id"]
    assert [c["source"] for j, c in enumerate(after["cells"]) if j != i] == [
        c["source"] for j, c in enumerate(before["cells"]) if j != i
    ]
    assert copy.read_text(encoding="utf-8").endswith("}\n")
    # written back unchanged
    assert k8snet_launch.write_install_cells("alice/k8snet", [copy]) == []


class _Recorder:
    def __init__(self):
        self.calls: list[list[str]] = []
        self.magics: list[tuple[str, str]] = []

    def check_call(self, args, **kwargs):
        self.calls.append(list(args))
        return 0

    def run_line_magic(self, name, line):
        self.magics.append((name, line))


def _run_cell(
    monkeypatch, repository: str, *, installed: bool, platform="linux", colab=False, dot=True, env=None
):
    """Run the install cell's Python with every effect recorded; returns the recorder."""
    rec = _Recorder()
    code = TransformerManager().transform_cell(install_cell(repository))
    monkeypatch.setattr(subprocess, "check_call", rec.check_call)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr("importlib.util.find_spec", lambda name: object() if installed else None)
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/dot" if dot else None)
    for key in ("K8SNET_PIP_SOURCE",):
        monkeypatch.delenv(key, raising=False)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(code, "<install cell>", "exec"), {"get_ipython": lambda: rec})
    return rec


def test_install_cell_does_nothing_where_k8snet_is_installed(monkeypatch):
    rec = _run_cell(monkeypatch, "alice/k8snet", installed=True)
    assert rec.calls == [] and rec.magics == []


def test_install_cell_installs_from_the_repository_it_names(monkeypatch):
    rec = _run_cell(monkeypatch, "alice/k8snet", installed=False)
    assert rec.calls == [
        [sys.executable, "-m", "pip", "install", "--quiet", "k8snet @ git+https://github.com/alice/k8snet"]
    ]
    assert k8snet_launch.install_source("alice/k8snet") == rec.calls[0][-1]


def test_install_cell_prefers_k8snet_pip_source(monkeypatch):
    rec = _run_cell(monkeypatch, UNSET, installed=False, env={"K8SNET_PIP_SOURCE": "/src/k8snet"})
    assert rec.calls == [[sys.executable, "-m", "pip", "install", "--quiet", "/src/k8snet"]]


def test_install_cell_names_what_to_set_when_it_knows_no_source(monkeypatch):
    with pytest.raises(RuntimeError, match="K8SNET_PIP_SOURCE"):
        _run_cell(monkeypatch, UNSET, installed=False)


def test_install_cell_in_jupyterlite_uses_piplite(monkeypatch):
    # in Pyodide `%pip` is pyodide-kernel's piplite; here IPython's transformer turns it into run_line_magic
    rec = _run_cell(monkeypatch, UNSET, installed=False, platform="emscripten")
    assert rec.magics == [("pip", "install k8snet")] and rec.calls == []


def test_install_cell_on_colab_installs_dot_only_when_missing(monkeypatch):
    rec = _run_cell(monkeypatch, "alice/k8snet", installed=True, colab=True, dot=False)
    assert rec.calls == [["apt-get", "install", "--yes", "--quiet", "graphviz"]]
    assert _run_cell(monkeypatch, "alice/k8snet", installed=True, colab=True, dot=True).calls == []
    assert _run_cell(monkeypatch, "alice/k8snet", installed=True, colab=False, dot=False).calls == []


def test_check_fails_when_chapters_disagree_and_warns_for_no_repository_or_a_fork(monkeypatch, capsys):
    monkeypatch.setattr(k8snet_launch, "installed_repository", lambda path: path.stem)
    assert k8snet_launch.check("alice/k8snet") == 1
    assert k8snet_launch.notebooks_repository() == UNSET
    monkeypatch.setattr(k8snet_launch, "installed_repository", lambda path: UNSET)
    assert k8snet_launch.check("alice/k8snet") == 0
    assert "no Colab button" in capsys.readouterr().out
    monkeypatch.setattr(k8snet_launch, "installed_repository", lambda path: "alice/k8snet")
    assert k8snet_launch.notebooks_repository() == "alice/k8snet"
    assert k8snet_launch.check("bob/k8snet") == 0
    assert "::warning::" in capsys.readouterr().out
    assert k8snet_launch.check("alice/k8snet") == 0
    assert "::warning::" not in capsys.readouterr().out


def test_repository_setting_is_validated():
    assert Repository.from_environ({"K8SNET_REPOSITORY": " ", "K8SNET_BRANCH": "dev"}) is None
    assert Repository.from_environ({"K8SNET_REPOSITORY": "a/b", "K8SNET_BRANCH": ""}).branch == "main"
    with pytest.raises(ValueError, match="owner/name"):
        Repository.from_environ({"K8SNET_REPOSITORY": "https://github.com/a/b"})


class _Config:
    def __init__(self, options):
        self.html_theme_options = options


def test_site_buttons_follow_the_repository_setting(monkeypatch):
    # Jupyter Book's default repository URL is its own project: without a setting nothing may point there
    default = {
        "repository_url": "https://github.com/executablebooks/jupyter-book",
        "launch_buttons": {"x": 1},
    }
    monkeypatch.delenv("K8SNET_REPOSITORY", raising=False)
    config = _Config(dict(default))
    k8snet_sphinx._configure_repository(None, config)
    opts = config.html_theme_options
    assert opts["repository_url"] == "" and opts["launch_buttons"] == {}
    assert not any(opts[k] for k in ("use_repository_button", "use_issues_button", "use_edit_page_button"))

    monkeypatch.setenv("K8SNET_REPOSITORY", "alice/k8snet")
    monkeypatch.setenv("K8SNET_BRANCH", "dev")
    for cells, colab in ((UNSET, ""), ("alice/k8snet", "https://colab.research.google.com")):
        monkeypatch.setattr(k8snet_sphinx, "notebooks_repository", lambda cells=cells: cells)
        config = _Config(dict(default))
        k8snet_sphinx._configure_repository(None, config)
        opts = config.html_theme_options
        assert (opts["repository_url"], opts["repository_branch"]) == (
            "https://github.com/alice/k8snet",
            "dev",
        )
        assert opts["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
        # no Colab button while the install cell cannot install k8snet there
        assert opts["launch_buttons"]["colab_url"] == colab
        assert all(opts[k] for k in ("use_repository_button", "use_issues_button", "use_edit_page_button"))


def test_install_cell_replaces_the_old_placeholder_cell(tmp_path: Path):
    src = BOOK / "intro.ipynb"
    nb = json.loads(src.read_text(encoding="utf-8"))
    i, _, rest = k8snet_launch.find_install_cell(nb)
    nb["cells"][i]["source"] = k8snet_launch._source_lines(k8snet_launch.LEGACY_INSTALL_CELL + rest)
    old = tmp_path / "intro.ipynb"
    old.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="make install-cell"):
        k8snet_launch.installed_repository(old)
    assert k8snet_launch.write_install_cells("alice/k8snet", [old]) == [old]
    assert k8snet_launch.installed_repository(old) == "alice/k8snet"
