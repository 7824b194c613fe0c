"""No import circles between the modules of zenml-core.

A static check (no module is imported): every module under ``src/zenml`` is
parsed with :mod:`ast`; every ``import`` and ``from ... import`` statement
counts, at module level or inside a function, relative or absolute, except
those under ``if TYPE_CHECKING:`` (which never run). Lazy references held as
strings (``"module:Class"``) are not imports and do not count. A circle is
reported with the line of each import on it.

Importing ``a.b.c`` also imports the packages ``a`` and ``a.b``; that counts
too, except for the importer's own packages: Python initialises those before
the importer, so ``a/b/__init__.py`` re-exporting from ``a.b.c`` while
``a.b.c`` imports ``a.b.d`` is no circle (``from a.b import x`` inside
``a.b.c`` names the package itself, and is one).
"""

from __future__ import annotations

import ast
import itertools
import textwrap
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"

# importer -> imported -> line of the first such import
Graph = dict[str, dict[str, int]]


def module_names(root: Path) -> dict[str, Path]:
    """Every module under ``root`` (a ``src`` directory), dotted name -> file."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: ``if TYPE_CHECKING:`` bodies are skipped (their ``else`` is not)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found


def _with_parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: index + 1]) for index in range(len(parts))]


def import_graph(root: Path) -> Graph:
    """The imports between the modules under ``root``; imports of anything else are left out."""
    modules = module_names(root)
    graph: Graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        edges: dict[str, int] = {}
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    origin = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    origin = node.module or ""
                targets = [origin, *(f"{origin}.{alias.name}" for alias in node.names)]
            own_packages = set(_with_parents(name))
            for target in targets:
                implicit = [parent for parent in _with_parents(target)[:-1] if parent not in own_packages]
                for imported in [*implicit, target]:
                    if imported in modules and imported != name:
                        edges.setdefault(imported, node.lineno)
        graph[name] = edges
    return graph


def circular_groups(graph: Graph) -> list[set[str]]:
    """The groups of modules that import each other, directly or not (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def shortest_circle(graph: Graph, group: set[str]) -> list[str]:
    """A shortest circle inside ``group`` through its first module (breadth first)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        targets = sorted(graph[node])
        if start in targets:
            return paths[node]
        for target in targets:
            if target in group and target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"{sorted(group)} is not a circular group")  # pragma: no cover


def cycles(graph: Graph) -> list[list[str]]:
    """One shortest circle per circular group, sorted."""
    return sorted(shortest_circle(graph, group) for group in circular_groups(graph))


def describe(graph: Graph, group: set[str]) -> str:
    """The group's modules, then one circle in it with the line of each import."""
    circle = shortest_circle(graph, group)
    steps = [*circle, circle[0]]
    return "\n".join(
        [f"modules importing each other: {', '.join(sorted(group))}", "  e.g. " + " -> ".join(steps)]
        + [f"    {a} imports {b} (line {graph[a][b]})" for a, b in itertools.pairwise(steps)]
    )


def test_zenml_core_has_no_import_circles() -> None:
    graph = import_graph(SOURCE)
    assert "zenml.stack.config" in graph, f"no zenml-core modules found under {SOURCE}"
    groups = circular_groups(graph)
    assert not groups, "import circles between zenml-core modules (move the shared piece into its own module):\n" + (
        "\n".join(describe(graph, group) for group in groups)
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_finds_a_circle_through_relative_and_function_level_imports(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/a.py": "from .sub import b\n",
            "pkg/sub/b.py": "def later():\n    from ..c import thing\n",
            "pkg/c.py": "import pkg.a as a\nthing = 1\n",
        },
    )
    graph = import_graph(tmp_path)
    assert cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.c"]]
    assert "pkg.sub.b imports pkg.c (line 2)" in describe(graph, {"pkg.a", "pkg.sub.b", "pkg.c"})


def test_type_checking_imports_are_no_circle_but_their_else_branch_is(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "import pkg.b\n",
            "pkg/b.py": """\
                TYPE_CHECKING = False
                if TYPE_CHECKING:
                    from pkg.a import x
                """,
            "pkg/c.py": "import typing\nif typing.TYPE_CHECKING:\n    pass\nelse:\n    from pkg import d\n",
            "pkg/d.py": "from pkg.c import y\n",
        },
    )
    assert cycles(import_graph(tmp_path)) == [["pkg.c", "pkg.d"]]


def test_importing_a_submodule_imports_its_package(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.sub.b import x\n",
            "pkg/sub/__init__.py": "def f():\n    from pkg import a\n",
            "pkg/sub/b.py": "x = 1\n",
        },
    )
    assert cycles(import_graph(tmp_path)) == [["pkg.a", "pkg.sub"]]


def test_a_package_re_exporting_its_modules_is_no_circle(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "from pkg.io import load\n",
        "pkg/errors.py": "class Error(Exception): ...\n",
        "pkg/io.py": "from pkg.errors import Error\ndef load(): ...\n",
    }
    _write(tmp_path, files)
    assert cycles(import_graph(tmp_path)) == []
    _write(tmp_path, {"pkg/errors.py": "from pkg import load\n"})  # names the package itself: a circle
    assert cycles(import_graph(tmp_path)) == [["pkg", "pkg.io", "pkg.errors"]]
