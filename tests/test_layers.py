"""The package's imports run one way: a module imports only from its own layer or lower ones.

Every module of ``k8snet`` is parsed with :mod:`ast` (nothing is imported), and every ``import`` statement in it
counts: at module level, inside functions and under ``if TYPE_CHECKING:``; relative imports are resolved
against the module's package, and a name imported from a package that serves it lazily (a module-level
``_LAZY`` table, as ``k8snet.Cluster``) counts as an import of the module that defines it. Docstring examples
are not imports. Each module belongs to the layer of the longest entry of :data:`LAYERS` that contains it (the
same table as the README's layout); a module in no layer fails the test, so a new package must be placed.

The module graph must also be free of cycles (two modules that import each other, directly or through
others, at any level): an import cycle is two layers that should be one, or a helper in the wrong module.
"""

from __future__ import annotations

import ast
import pathlib
from dataclasses import dataclass

import pytest

import k8snet

PACKAGE = pathlib.Path(k8snet.__file__).parent
ROOT = PACKAGE.parent

#: The layers, lowest first: a module may import only from its own layer or a lower one.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # the root package imports only k8snet.errors; its other names (Cluster, load, dump) are served lazily
    ("ground", ("k8snet", "k8snet.errors", "k8snet.netutils", "k8snet.clock", "k8snet.data", "k8snet.i18n")),
    ("api, rules", ("k8snet.api", "k8snet.rules")),
    ("manifests, dataplane", ("k8snet.manifests", "k8snet.dataplane")),
    ("apiserver", ("k8snet.apiserver",)),
    ("controllers", ("k8snet.controllers",)),
    ("dns", ("k8snet.dns",)),
    ("proxy", ("k8snet.proxy",)),
    ("kubectl", ("k8snet.kubectl",)),
    ("sim, compare", ("k8snet.sim", "k8snet.compare")),
    ("views", ("k8snet.views",)),
    ("notebook, cli", ("k8snet.notebook", "k8snet.cli")),
)


@dataclass(frozen=True)
class Import:
    file: str  # relative to the repository, with forward slashes
    line: int
    importer: str
    imported: str


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, pathlib.Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _lazy_names(tree: ast.Module) -> dict[str, str]:
    """A package's module-level ``_LAZY`` table: name -> defining module (values are a module or a
    ``(module, attribute)`` pair)."""
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "_LAZY" for t in targets) and node.value is not None:
                table = ast.literal_eval(node.value)
                return {name: v if isinstance(v, str) else v[0] for name, v in table.items()}
    return {}


def _imports_in(
    tree: ast.Module,
    name: str,
    file: str,
    is_package: bool,
    modules: set[str],
    lazy: dict[str, dict[str, str]],
) -> list[Import]:
    """The ``k8snet`` imports anywhere in one module's ``tree`` (``name`` is the module, ``modules`` every
    module of the package, ``lazy`` each package's lazily served names)."""
    package = name if is_package else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    targets.append(submodule)
                else:
                    targets.append(lazy.get(source, {}).get(alias.name, source))
        for target in targets:
            if target == "k8snet" or target.startswith("k8snet."):
                out.append(Import(file, node.lineno, name, target))
    return out


def _imports(modules: dict[str, pathlib.Path]) -> list[Import]:
    trees = {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in modules.items()}
    lazy = {name: _lazy_names(tree) for name, tree in trees.items() if modules[name].name == "__init__.py"}
    out = []
    for name, tree in trees.items():
        path = modules[name]
        file = path.relative_to(ROOT).as_posix()
        out += _imports_in(tree, name, file, path.name == "__init__.py", set(modules), lazy)
    return out


def layer_of(module: str) -> int | None:
    """Index in :data:`LAYERS` of the longest entry that is ``module`` or a package containing it."""
    best: tuple[int, int] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (index, len(prefix))
    return None if best is None else best[0]


def _describe(index: int) -> str:
    return f"layer {index}: {LAYERS[index][0]}"


MODULES = _modules()
IMPORTS = _imports(MODULES)


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if layer_of(m) is None)
    assert not missing, f"modules in no layer (add them to LAYERS and the README's layout table): {missing}"


def test_imports_run_down_the_layers():
    violations = set()
    for imp in IMPORTS:
        low, high = layer_of(imp.importer), layer_of(imp.imported)
        if low is None or high is None:
            continue  # reported by test_every_module_has_a_layer
        if high > low:
            violations.add(
                (
                    imp.file,
                    imp.line,
                    f"{imp.file}:{imp.line}: {imp.importer} [{_describe(low)}] imports {imp.imported} "
                    f"[{_describe(high)}]",
                )
            )
    assert not violations, "imports from a higher layer:\n" + "\n".join(v[2] for v in sorted(violations))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    lines: dict[tuple[str, str], str] = {}
    for imp in IMPORTS:
        if imp.imported in MODULES and imp.imported != imp.importer:
            graph[imp.importer].add(imp.imported)
            lines.setdefault((imp.importer, imp.imported), f"{imp.file}:{imp.line}")
    cycles = _cycles(graph)
    report = [
        " <-> ".join(cycle)
        + ": "
        + ", ".join(f"{lines[(a, b)]} imports {b}" for a in cycle for b in sorted(graph[a]) if b in cycle)
        for cycle in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(report)


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("k8snet.clock", 0),
        ("k8snet.api.labels", 1),
        ("k8snet.apiserver.naming", 3),
        ("k8snet.proxy.modes", 6),
    ],
)
def test_the_new_rooms_sit_on_their_floors(module, layer):
    assert module in MODULES and layer_of(module) == layer


def test_the_walk_sees_function_level_relative_and_lazy_imports():
    source = """
from . import sibling
from ...errors import K8snetError
from k8snet import Cluster

def f():
    from ...clock import SimClock
    import k8snet.views.graphviz
"""
    modules = {"k8snet", "k8snet.errors", "k8snet.clock", "k8snet.a", "k8snet.a.b", "k8snet.a.b.sibling"}
    lazy = {"k8snet": {"Cluster": "k8snet.sim.cluster"}}
    found = _imports_in(ast.parse(source), "k8snet.a.b.mod", "k8snet/a/b/mod.py", False, modules, lazy)
    assert [(i.line, i.imported) for i in found] == [
        (2, "k8snet.a.b.sibling"),
        (3, "k8snet.errors"),
        (4, "k8snet.sim.cluster"),
        (7, "k8snet.clock"),
        (8, "k8snet.views.graphviz"),
    ]
    assert _lazy_names(
        ast.parse("_LAZY = {'Cluster': ('k8snet.sim.cluster', 'Cluster'), 'x': 'k8snet.y'}")
    ) == {
        "Cluster": "k8snet.sim.cluster",
        "x": "k8snet.y",
    }


# --- private names stay in their module (issue 9) ---------------------------------------------------------------


#: Names that start with an underscore and are public all the same: gettext's ``_`` (``k8snet.i18n.__all__``,
#: documented there), imported by every module that has words for a reader, as gettext's convention has it.
PUBLIC_BY_CONVENTION = {("k8snet.i18n", "_")}


def private_imports(path: pathlib.Path, module: str) -> set[tuple[str, str, str]]:
    """``(importer, source module, name)`` for every ``from <k8snet module> import _name`` in ``path`` (relative
    and function-level imports included) whose source is another module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            parts = package.split(".")
            source = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        if source.split(".")[0] != "k8snet" or source == module:
            continue
        for alias in node.names:
            if alias.name.startswith("_") and not alias.name.startswith("__"):
                if (source, alias.name) not in PUBLIC_BY_CONVENTION:
                    found.add((module, source, alias.name))
    return found


def test_private_names_are_not_imported_across_modules():
    found = set()
    for module, path in _modules().items():
        found |= private_imports(path, module)
    # a name shared between modules is public (with a docstring) or moves to the module that uses it
    assert sorted(found) == []


def test_tests_import_only_public_names_of_k8snet():
    tests = pathlib.Path(__file__).parent
    found = set()
    for path in sorted(tests.rglob("*.py")):
        found |= private_imports(path, "tests." + ".".join(path.relative_to(tests).with_suffix("").parts))
    assert sorted(found) == []


def test_the_private_import_walk_sees_relative_imports(tmp_path):
    path = tmp_path / "describe.py"
    path.write_text("def f():\n    from .printers import _get, lookup\nfrom ..netutils import _x\n")
    assert private_imports(path, "k8snet.kubectl.describe") == {
        ("k8snet.kubectl.describe", "k8snet.kubectl.printers", "_get"),
        ("k8snet.kubectl.describe", "k8snet.netutils", "_x"),
    }
