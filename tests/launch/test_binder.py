"""Binder builds and runs the book: repo2docker's Python steps, reproduced without Docker.

repo2docker (jupyterhub/repo2docker, ``repo2docker/buildpacks/python/__init__.py``) reads ``binder/`` when it
exists and then installs nothing from the root by itself: its one Python step for this repository is
``${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"`` run in the repository
root, into a kernel environment that already has ipykernel. The test does the same in a fresh virtual
environment (ipykernel first, then that command from the root; pip's cache is shared, hence no
``--no-cache-dir``), then executes every chapter with nbclient in a kernel of that environment, so it fails
when the Binder image would fail to build or a chapter would fail in it. ``apt.txt`` (graphviz's ``dot``) is
checked as a file; ``dot`` itself is the machine's here, as it is the image's there.

Cost on the project's 2-core machine with a warm pip cache: about 65 s (venv 4 s, ipykernel 10 s, the
requirements 12 s, the ten chapters about 38 s); ``-s`` prints the steps' timings.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest
from helpers.launch_env import IPYKERNEL, ROOT, FreshEnv, code_chapters, copy_checkout, run_notebook

BINDER = ROOT / "binder"
CHAPTERS = code_chapters()


def _requirements() -> list[str]:
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def test_binder_configuration_files():
    # runtime.txt: repo2docker reads "python-X.Y" (without it the kernel is Python 3.10, older than the pins
    # were resolved for); apt.txt: the pip `graphviz` package is bindings only, `dot` comes from apt.
    assert re.fullmatch(r"python-3\.1[1-9]", (BINDER / "runtime.txt").read_text().strip())
    apt = [line.strip() for line in (BINDER / "apt.txt").read_text().splitlines() if line.strip()]
    assert "graphviz" in apt
    post_build = BINDER / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert post_build.read_text().splitlines()[:1] == ["#!/bin/bash"]
    assert "set -e" in post_build.read_text()


def test_binder_requirements_install_this_repository_with_the_books_pins():
    reqs = _requirements()
    # pip resolves a path in a requirements file from the directory pip runs in, the repository root here:
    # `-e ..` there is the root's parent ("not a Python project"), `.` is the repository.
    assert reqs[0] == ".", reqs
    # the installed k8snet's metadata is this checkout's pyproject.toml (editable install)
    metadata = importlib.metadata.requires("k8snet") or []
    book = [r.split(";")[0].strip() for r in metadata if 'extra == "book"' in r]
    pins = {r.split("==")[0].lower(): r for r in book if "==" in r}
    for req in reqs[1:]:
        name = req.split("==")[0].lower()
        assert pins.get(name) == req, f"{req}: the book builds with {pins.get(name)}"
    deps = {re.split(r"[<>=!~ ;\[]", r)[0].lower() for r in metadata if "extra ==" not in r}
    assert deps <= {r.split("==")[0].lower() for r in reqs[1:]}, "pin every runtime dependency"


@pytest.mark.launch
def test_binder_build_steps_and_every_chapter_run(tmp_path: Path):
    repo = copy_checkout(tmp_path / "repo")  # repo2docker too builds in its copy of the repository
    env = FreshEnv(tmp_path / "binder-env")
    env.pip("install", "--quiet", IPYKERNEL, step="ipykernel (the image's kernel env)")
    assert not env.has("k8snet")
    # repo2docker's command, from the repository root
    env.pip("install", "--quiet", "-r", "binder/requirements.txt", cwd=repo, step="pip install -r binder/...")
    assert env.has("k8snet")
    env.kernelspec(tmp_path / "kernels", "binder")
    for chapter in CHAPTERS:
        nb = run_notebook(repo / "book" / chapter.name, tmp_path / "kernels", "binder")
        # the install cell saw k8snet installed and did nothing: no pip output, no error
        install = next(c for c in nb.cells if c.cell_type == "code")
        assert not any(o.get("output_type") == "error" for o in install.outputs), chapter.name
    print(f"binder env timings (s): { {k: round(v, 1) for k, v in env.timings.items()} }")
