"""Fresh virtual environments and notebook runs for the launch tests (tests/launch): what Binder and Colab do,
without Docker or a network beyond the package registries.

A :class:`FreshEnv` is ``python -m venv`` of the interpreter running the tests, with pip's cache shared with the
rest of the machine (no ``--no-cache-dir``: repo2docker passes it, but a warm cache keeps the tests' cost to
what they check). :func:`run_notebook` executes a chapter with nbclient, the driver in the test process and
the kernel in the fresh environment (a kernelspec in a temporary directory whose ``argv`` is that
environment's Python), so the kernel sees only what the environment has: a missing dependency fails the run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"


def code_chapters() -> list[Path]:
    """The chapters a reader runs: notebooks with at least one code cell (a prose-only page has no install cell)."""
    return [
        nb
        for nb in sorted(BOOK.glob("*.ipynb"))
        if any(c.get("cell_type") == "code" for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])
    ]


#: the ipykernel the book builds with (pyproject.toml, extra `book`): repo2docker's kernel environment and
#: Colab's runtime come with an ipykernel of their own; this one stands in for it.
IPYKERNEL = "ipykernel==7.4.0"
CELL_TIMEOUT_SECONDS = 600


#: What a clone does not have: local environments, build outputs, caches.
_NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "_build",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".ipynb_checkpoints",
    "node_modules",
)


def copy_checkout(dest: Path) -> Path:
    """The checkout as a clone has it (with uncommitted changes, without local environments and build
    outputs), copied to ``dest``: pip builds a local project in its tree (``build/``, ``*.egg-info``), which
    must not happen in the working copy, and repo2docker also builds from a copy of the repository."""
    shutil.copytree(ROOT, dest, ignore=_NOT_IN_A_CLONE)
    return dest


@dataclass
class FreshEnv:
    """A new virtual environment in ``path``; :attr:`timings` collects how long each step took."""

    path: Path
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        start = time.monotonic()
        # the base interpreter, not the test venv's: a venv of a venv still sees only its own site-packages
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(self.path)], check=True)
        self.timings["venv"] = time.monotonic() - start

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    def pip(self, *args: str, cwd: Path = ROOT, step: str | None = None) -> None:
        """Run ``pip`` of this environment in ``cwd``; pip's output is shown only when it fails."""
        start = time.monotonic()
        result = subprocess.run(
            [str(self.python), "-m", "pip", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
        self.timings[step or " ".join(args[:2])] = time.monotonic() - start
        if result.returncode:
            raise AssertionError(f"pip {' '.join(args)} failed in {cwd}:\n{result.stdout}\n{result.stderr}")

    def has(self, distribution: str) -> bool:
        """Whether ``distribution`` is installed in this environment."""
        check = f"import importlib.metadata as m; m.version({distribution!r})"  # PackageNotFoundError: exit 1
        # -I: not the working directory (the checkout has k8snet.egg-info), nor PYTHONPATH
        run = subprocess.run([str(self.python), "-I", "-c", check], capture_output=True, check=False)
        return run.returncode == 0

    def kernelspec(self, directory: Path, name: str, env: dict[str, str] | None = None) -> Path:
        """Write a kernelspec for this environment's ipykernel into ``directory/name``."""
        spec = directory / name
        spec.mkdir(parents=True, exist_ok=True)
        kernel = {
            "argv": [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": name,
            "language": "python",
            "env": env or {},
        }
        (spec / "kernel.json").write_text(json.dumps(kernel))
        return spec


def run_notebook(path: Path, kernel_dir: Path, kernel_name: str):
    """Execute the notebook at ``path`` top to bottom, ``book/`` as the working directory, with the kernel
    ``kernel_name`` from ``kernel_dir`` (its environment variables are the test process's plus the
    kernelspec's ``env``); cells tagged ``raises-exception`` may raise, any other error raises ``nbclient``'s
    ``CellExecutionError``. Returns the executed notebook."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    ksm = KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    km = KernelManager(kernel_name=kernel_name, kernel_spec_manager=ksm)
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT_SECONDS,
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    finally:
        # nbclient shuts down only the kernels it started itself
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb
