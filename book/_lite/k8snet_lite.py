"""Build the JupyterLite edition of the book into the built site (``make lite``; README in this folder).

    python book/_lite/k8snet_lite.py [--output _build/html/lite] [--work _build/lite]

Steps: k8snet's wheel (``pip wheel --no-deps`` of a copy of the package); the chapters staged as JupyterLite
contents under ``book/`` (so ``?path=book/02-clusterip.ipynb`` opens a chapter, the paths the book's buttons
use); a Pyodide distribution of the site's own (npm's runtime, wheels from PyPI, a lock listing exactly them:
:func:`vendor_pyodide`) and PyPI switched off for piplite; ``jupyter lite build`` with k8snet's wheel in the
piplite index; then the in-browser Graphviz (``graphviz/``) copied to ``<output>/k8snet/`` and
``dot-render.js`` added to every application page (``lab/``, ``notebooks/``, ...). The build downloads from
npm and PyPI only (cached in ``<work>/cache``); a reader's browser then fetches nothing from another host.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BOOK = ROOT / "book"
#: jupyter-lite.json of the lite site (merged into the one JupyterLite writes).
LITE_CONFIG = {
    "jupyter-lite-schema-version": 0,
    "jupyter-config-data": {
        "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": {"disablePyPIFallback": True}}
    },
}
#: Where the site copies the in-browser Graphviz, relative to the lite site's root.
ASSETS = "k8snet"
RENDER_SCRIPT = "dot-render.js"
_SCRIPT_TAG = '<script src="../{assets}/{script}"></script>'


#: The Pyodide the installed jupyterlite-pyodide-kernel is made for (its constants.PYODIDE_VERSION); npm's
#: ``pyodide`` package is that runtime, without any package.
PYODIDE_NPM_VERSION = "314.0.6"
#: What the vendored Pyodide serves from the site, with everything these require there (its
#: ``pyodide-lock.json`` lists exactly that closure): micropip, what the Pyodide kernel installs at start (comm,
#: jedi, ipython; ipykernel's shim comes with the kernel) and k8snet's dependencies. Versions are the book's
#: (.ci/constraints.txt, what the chapters run with on CPython), or PINS for what the book does not install.
PYODIDE_ROOTS = [
    "micropip",
    "comm",
    "jedi",
    "ipython",
    "pydantic",
    "PyYAML",
    "networkx",
    "graphviz",
    "ipywidgets",
]
PINS = {"micropip": "0.11.1"}
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"
#: Provided by the Pyodide kernel's own piplite index (a shim), not by the lock.
KERNEL_PROVIDED = {"widgetsnbextension", "ipykernel", "pyodide-kernel", "piplite"}
#: Where Requires-Dist markers are evaluated: Pyodide 314 (CPython 3.14 on emscripten/wasm32).
PYODIDE_MARKERS = {
    "python_version": "3.14",
    "python_full_version": "3.14.2",
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "platform_machine": "wasm32",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}
#: The runtime's files in npm's package (no maps, typings, demo pages).
_RUNTIME_SUFFIXES = (".mjs", ".js", ".wasm", ".zip", ".json")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def fetch_pyodide_runtime(cache: Path) -> Path:
    """npm's ``pyodide`` tarball, packed into ``cache`` once (``npm pack`` from the npm registry)."""
    tarball = cache / f"pyodide-{PYODIDE_NPM_VERSION}.tgz"
    if not tarball.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "pack", "--silent", f"pyodide@{PYODIDE_NPM_VERSION}", "--pack-destination", str(cache)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return tarball


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_canonical(name)] = version.strip()
    return {**pins, **{_canonical(k): v for k, v in PINS.items()}}


def _download(names: list[str], pins: dict[str, str], wheels: Path) -> list[Path]:
    missing = [n for n in names if _canonical(n) not in pins]
    if missing:
        raise RuntimeError(f"no version for {missing}: add them to PINS in {__file__}")
    subprocess.run(
        [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
            "--platform", f"pyemscripten_{_pyodide_abi()}_wasm32", "--python-version", "3.14",
            "--implementation", "cp", "--abi", "cp314", "--abi", "abi3", "--abi", "none",
            "--dest", str(wheels), *(f"{n}=={pins[_canonical(n)]}" for n in names),
        ],
        check=True,
    )  # fmt: skip
    found = []
    for name in names:
        version = pins[_canonical(name)]
        (wheel,) = [
            w
            for w in wheels.glob("*.whl")
            if _canonical(w.name.split("-")[0]) == _canonical(name) and w.name.split("-")[1] == version
        ]
        found.append(wheel)
    return found


def fetch_wheels(cache: Path) -> list[Path]:
    """The wheels of :data:`PYODIDE_ROOTS` and of all they require on Pyodide, for Pyodide's platform: from
    PyPI into ``cache``, except PyYAML (:func:`pyyaml_wheel`)."""
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pins = _pins()
    found: dict[str, Path] = {"pyyaml": pyyaml_wheel(cache, pins["pyyaml"])}
    todo = [n for n in PYODIDE_ROOTS if _canonical(n) not in found]
    while todo:
        for wheel in _download(todo, pins, wheels):
            found[_canonical(wheel.name.split("-")[0])] = wheel
        todo = sorted({d for w in found.values() for d in _requirements(w)} - found.keys())
    return sorted(found.values())


def _pyodide_abi() -> str:
    return "2026_0"


def pyyaml_wheel(cache: Path, version: str) -> Path:
    """PyYAML as a pure-Python wheel, packed from the ``lib/yaml`` of its sdist on PyPI: PyPI has no Pyodide
    build of PyYAML, and its C extension (``_yaml``, for libyaml) is optional: ``yaml`` falls back to its pure
    loader and dumper without it, as on any machine without libyaml."""
    out = cache / f"PyYAML-{version}-py3-none-any.whl"
    if out.exists():
        return out
    sdists = cache / "sdist"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary=PyYAML",
            "--dest", str(sdists), f"PyYAML=={version}",
        ],
        check=True,
    )  # fmt: skip
    (sdist,) = sdists.glob(f"[Pp][Yy][Yy][Aa][Mm][Ll]-{version}.tar.gz")
    files: dict[str, bytes] = {}
    with tarfile.open(sdist) as tf:
        for member in tf.getmembers():
            parts = Path(member.name).parts
            if member.isfile() and parts[1:3] == ("lib", "yaml") and member.name.endswith(".py"):
                files["yaml/" + "/".join(parts[3:])] = tf.extractfile(member).read()  # type: ignore[union-attr]
            elif member.isfile() and parts[1:] == ("LICENSE",):
                files[f"PyYAML-{version}.dist-info/licenses/LICENSE"] = tf.extractfile(member).read()  # type: ignore[union-attr]
    dist_info = f"PyYAML-{version}.dist-info"
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: PyYAML\nVersion: {version}\nLicense: MIT\n"
        "Summary: YAML parser and emitter for Python (pure-Python part of the sdist, for Pyodide)\n"
    ).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: k8snet-lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{dist_info}/top_level.txt"] = b"yaml\n"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in sorted(files.items()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([name, f"sha256={digest}", len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    files[f"{dist_info}/RECORD"] = record.getvalue().encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return out


def _metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        (meta,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(zf.read(meta).decode())


def _requirements(wheel: Path) -> list[str]:
    """The (canonical) names ``wheel`` requires on Pyodide: markers evaluated for emscripten/CPython 3.14,
    without the packages the Pyodide kernel provides itself."""
    from packaging.requirements import Requirement

    names = []
    for spec in _metadata(wheel).get_all("Requires-Dist") or []:
        req = Requirement(spec)
        if req.marker is not None and not req.marker.evaluate(PYODIDE_MARKERS):
            continue
        if _canonical(req.name) not in KERNEL_PROVIDED:
            names.append(_canonical(req.name))
    return sorted(set(names))


def _lock_entry(wheel: Path, vendored: set[str]) -> dict:
    """``pyodide-lock.json``'s entry for ``wheel``: its import names, and the dependencies it requires on
    Pyodide, each of which must be vendored too."""
    metadata = _metadata(wheel)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    imports = sorted(
        {
            n.split("/")[0].removesuffix(".py")
            for n in names
            if not n.split("/")[0].endswith((".dist-info", ".data"))
            and (n.endswith("/__init__.py") and n.count("/") == 1 or ("/" not in n and n.endswith(".py")))
        }
    )
    depends = _requirements(wheel)
    if not set(depends) <= vendored:
        raise RuntimeError(f"{wheel.name} requires {sorted(set(depends) - vendored)}, which are not vendored")
    name = _canonical(metadata["Name"])
    return {
        "name": name,
        "version": metadata["Version"],
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "package_type": "package",
        "imports": imports,
        "depends": depends,
        "unvendored_tests": False,
    }


def vendor_pyodide(lite_dir: Path, cache: Path) -> Path:
    """A Pyodide distribution in ``lite_dir/static/pyodide`` (where jupyterlite-pyodide-kernel looks for one
    and, finding it, points the kernel at it): npm's runtime plus the wheels of :func:`fetch_wheels`, with a
    ``pyodide-lock.json`` that lists exactly those wheels, so nothing is fetched from a CDN."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    if PYODIDE_VERSION != PYODIDE_NPM_VERSION:
        raise RuntimeError(
            f"jupyterlite-pyodide-kernel wants Pyodide {PYODIDE_VERSION}, not {PYODIDE_NPM_VERSION}"
        )
    dist = lite_dir / "static" / "pyodide"
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    with tarfile.open(fetch_pyodide_runtime(cache)) as tf:
        for member in tf.getmembers():
            name = Path(member.name)
            if member.isfile() and len(name.parts) == 2 and name.suffix in _RUNTIME_SUFFIXES:
                if name.name != "package.json":
                    (dist / name.name).write_bytes(tf.extractfile(member).read())  # type: ignore[union-attr]
    npm_lock = json.loads((dist / "pyodide-lock.json").read_text())
    wheels = fetch_wheels(cache)
    vendored = {_canonical(w.name.split("-")[0]) for w in wheels}
    packages = {}
    for wheel in wheels:
        entry = _lock_entry(wheel, vendored)
        packages[entry["name"]] = entry
        shutil.copy2(wheel, dist / wheel.name)
    lock = {"info": npm_lock["info"], "packages": dict(sorted(packages.items()))}
    (dist / "pyodide-lock.json").write_text(json.dumps(lock, indent=1) + "\n")
    return dist


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
    # JupyterLite keeps its doit database here, not in the source tree; anew each time, or doit skips the steps
    # it ran before (patching jupyter-lite.json among them) while the output folder is new
    lite_dir = work / "lite-dir"
    shutil.rmtree(lite_dir, ignore_errors=True)
    lite_dir.mkdir()
    vendor_pyodide(lite_dir, work / "cache")
    # no PyPI from the reader's browser either: every package comes from the vendored Pyodide or piplite
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(LITE_CONFIG, indent=1) + "\n")
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
