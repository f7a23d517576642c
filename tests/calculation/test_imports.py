"""The modules of ``calculation`` import each other in one direction: no cycle, also not through
an import inside a function (the tasks call the services; the services send a job by its name)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "calculation"


def modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Every module of the package outside its migrations: dotted name → (file, is a package)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imported(
    module: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: dict
) -> set[str]:
    """The modules an import statement reads: ``from . import jobs`` reads the module ``jobs``
    (not its package's ``__init__``), ``from .jobs import send`` the module ``jobs``."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    names = {f"{target}.{alias.name}" for alias in node.names}
    return {name if name in known else target for name in names}


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module → the modules of the package it imports anywhere in its text."""
    known = modules(root, package)
    graph: dict[str, set[str]] = {}
    for module, (path, is_package) in known.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name in imported(module, is_package, node, known):
                    while name and name not in known:
                        name = name.rpartition(".")[0]
                    if name and name != module:
                        targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other in a circle (strongly connected)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for target in graph[module]:
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in order:
            visit(module)
    return found


def test_the_walk_sees_a_circle_through_an_import_inside_a_function(tmp_path):
    package = tmp_path / "app"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from .jobs import send\n")
    (package / "sub" / "jobs.py").write_text("def send():\n    from ..services import start\n")
    (package / "services.py").write_text("from app.sub import send\n\ndef start():\n    send()\n")
    (package / "tasks.py").write_text("from . import services\n")
    graph = import_graph(tmp_path, "app")
    assert graph["app.sub.jobs"] == {"app.services"}
    assert graph["app.tasks"] == {"app.services"}
    assert cycles(graph) == [["app.services", "app.sub", "app.sub.jobs"]]


def test_no_module_of_the_calculation_imports_itself_in_a_circle():
    assert cycles(import_graph()) == []
