"""Colab runs each chapter top to bottom: the chapter alone, in a runtime without k8snet and without ``dot``.

Colab opens a notebook straight from GitHub and runs it in a kernel that has neither k8snet nor graphviz's
``dot``; the chapter's first code cell (``book/_ext/k8snet_launch.py``) installs both. The test gives each
chapter such a runtime: a fresh virtual environment with only ipykernel, k8snet uninstalled before every
chapter, ``K8SNET_PIP_SOURCE`` pointing the install cell at a copy of the checkout, a stand-in
``google.colab`` module (imported at start-up, as Colab's kernel does), and a ``PATH`` with no ``dot`` whose
``apt-get`` records its arguments and then provides the machine's ``dot``, as Colab's apt-get would. It
fails when a chapter's install cell does not install k8snet and ``dot`` there, or a chapter cannot run after it.

Cost on the project's 2-core machine with a warm pip cache: about 100 s (k8snet and its
dependencies are installed by the first chapter, then k8snet alone, built from the checkout, by each other
one); ``-s`` prints the timings.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from helpers.launch_env import IPYKERNEL, FreshEnv, code_chapters, copy_checkout, run_notebook

CHAPTERS = code_chapters()
DOT = Path("/usr/bin/dot")

APT_GET = """#!/bin/sh
# stand-in for Colab's apt-get: record the call, then "install" graphviz by linking the machine's dot here
echo "$@" >> "{log}"
/bin/ln -sf "{dot}" "{bin}/dot"
"""


def _colab_runtime(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A directory with ``google/colab`` and a ``sitecustomize`` that imports it; a bin directory holding only
    the stand-in ``apt-get``; the kernel's environment variables."""
    site = tmp_path / "colab-site"
    (site / "google" / "colab").mkdir(parents=True)
    (site / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab\'s runtime module."""\n')
    (site / "sitecustomize.py").write_text("import google.colab  # noqa: F401 (Colab's kernel imports it)\n")
    fake_bin = tmp_path / "colab-bin"
    fake_bin.mkdir()
    log = tmp_path / "apt-get.log"
    apt_get = fake_bin / "apt-get"
    apt_get.write_text(APT_GET.format(log=log, dot=DOT, bin=fake_bin))
    apt_get.chmod(apt_get.stat().st_mode | stat.S_IXUSR)
    return site, fake_bin, {"PYTHONPATH": str(site)}


@pytest.mark.launch
def test_every_chapter_installs_k8snet_and_dot_then_runs(tmp_path: Path):
    if not DOT.exists():
        pytest.skip(f"{DOT} is missing (`make system-graphviz`)")
    repo = copy_checkout(tmp_path / "repo")
    env = FreshEnv(tmp_path / "colab-env")
    env.pip("install", "--quiet", IPYKERNEL, step="ipykernel (Colab's runtime has one)")
    site, fake_bin, kernel_env = _colab_runtime(tmp_path)
    kernel_env.update(
        K8SNET_PIP_SOURCE=str(repo),
        # no /usr/bin: `dot` is missing until the install cell's apt-get provides it
        PATH=f"{fake_bin}:{env.path / 'bin'}",
    )
    env.kernelspec(tmp_path / "kernels", "colab", env=kernel_env)
    log = tmp_path / "apt-get.log"
    timings = {}
    for n, chapter in enumerate(CHAPTERS, start=1):
        if env.has("k8snet"):
            env.pip("uninstall", "--quiet", "--yes", "k8snet", step=f"uninstall before {chapter.name}")
        (fake_bin / "dot").unlink(missing_ok=True)
        start = time.monotonic()
        # the chapter as Colab opens it: the copy from the repository, run where there is no checkout
        run_notebook(repo / "book" / chapter.name, tmp_path / "kernels", "colab")
        timings[chapter.name] = round(time.monotonic() - start, 1)
        assert env.has("k8snet"), f"{chapter.name}: the install cell did not install k8snet"
        calls = log.read_text().splitlines()
        assert len(calls) == n and "graphviz" in calls[-1].split(), calls
    print(f"colab timings (s): {timings}, env: { {k: round(v, 1) for k, v in env.timings.items()} }")
