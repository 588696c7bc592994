"""What the translated editions add to the book's build: a clean English build, then each translated edition,
as ``make site`` runs them (every notebook executed once per language, no cache).

Usage (from the repository root)::

    .venv/bin/python benchmarks/editions_build.py            # English, then every translated edition
    .venv/bin/python benchmarks/editions_build.py --json out.json

The build runs in a temporary copy of the repository (the files git tracks, plus untracked ones it does not
ignore), so the working tree's ``_build`` is left alone. Measured per edition: wall clock and CPU seconds of the
build's processes (the notebooks' kernels included); CPU is the stable figure on a shared machine. The issue's
bound: the editions together build in at most twice the English edition's time.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _copy_repository() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="k8snet-editions-"))
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            target = tmp / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return tmp


def _timed(command: list[str], cwd: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from k8snet_i18n import translations

    bin_dir = Path(sys.executable).parent
    tmp = _copy_repository()
    try:
        figures = {"en": _timed([str(bin_dir / "jupyter-book"), "build", ".", "--keep-going"], tmp)}
        for ed in translations():
            command = [sys.executable, "book/_ext/k8snet_i18n.py", "build", ed.language]
            figures[ed.language] = _timed(command, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ratios = {
        f"all_over_english_{key.split('_')[0]}": round(
            sum(f[key] for f in figures.values()) / figures["en"][key], 2
        )
        for key in ("wall_seconds", "cpu_seconds")
    }
    figures.update(ratios)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
