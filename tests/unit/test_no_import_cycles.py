"""No import circles: the import graph of every project package has no cycle.

The graph is built from source (``ast``), so it counts every import: module level, inside
functions (a "lazy" import only hides a circle from the interpreter, it does not remove it)
and under ``if TYPE_CHECKING:``. A node is a module; ``from a.b import c`` is an edge to
``a.b.c`` when that is a module, else to ``a.b`` (whose ``__init__`` defines ``c``). The
packages are those ``pyproject.toml`` ships.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def project_packages(root: Path = ROOT) -> list[str]:
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted(pattern.rstrip("*") for pattern in patterns)


def modules_of(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Module name → source file, for every ``.py`` file under the packages."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """Candidate module names one import statement refers to (most specific first)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            candidates = _imported(node, name, is_package)
            if isinstance(node, ast.ImportFrom):
                named = [c for c in candidates[:-1] if c in modules]
                targets = named or ([candidates[-1]] if candidates[-1] in modules else [])
            else:
                targets = [c for c in candidates if c in modules]
            graph[name].update(t for t in targets if t != name)
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
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


def test_the_project_has_no_import_cycles() -> None:
    packages = project_packages()
    assert {"issuer", "wallet", "verifier", "web_common", "credentials"} <= set(packages)
    modules = modules_of(ROOT, packages)
    graph = import_graph(modules)
    assert len(modules) > 200
    assert sum(len(targets) for targets in graph.values()) > 1000  # the imports were read
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_scan_sees_lazy_relative_and_type_checking_imports(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from .b import thing\n",
            "pkg/b.py": "def thing():\n    from pkg import c\n",
            "pkg/c.py": "import typing\nif typing.TYPE_CHECKING:\n    from . import a\n",
            "pkg/sub/__init__.py": "from ..d import value\n",
            "pkg/d.py": "import os\nvalue = 1\n",
            "pkg/sub/e.py": "from . import f\nfrom pkg.sub import value\n",
            "pkg/sub/f.py": "from .e import nothing\n",
        },
    )
    graph = import_graph(modules_of(tmp_path, ["pkg"]))
    assert graph["pkg.a"] == {"pkg.b"}
    assert graph["pkg.b"] == {"pkg.c"}
    assert graph["pkg.c"] == {"pkg.a"}
    assert graph["pkg.sub"] == {"pkg.d"}
    assert graph["pkg.d"] == set()  # outside modules are not nodes
    assert graph["pkg.sub.e"] == {"pkg.sub.f", "pkg.sub"}
    assert sorted(cycles(graph)) == [["pkg.a", "pkg.b", "pkg.c"], ["pkg.sub.e", "pkg.sub.f"]]


def test_a_graph_without_circles_has_none() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) == []
