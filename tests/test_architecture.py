"""The layers of SIEX import only downward, and no two modules import each other.

From the ground up: ``siex.core`` → ``siex.accounts`` → ``siex.audit`` → ``monitoring`` →
``interventions`` (``catalogue`` → ``register`` → ``followup`` → ``exchange``, then the app's
own wiring: ``interventions.models``, ``apps``, ``admin``, ``audit`` and the commands) →
``calculation``.
A module may import from its own layer and the layers below it; where a lower layer must reach a
higher one it offers a registry that the higher layer fills in its ``AppConfig.ready`` (the start
page's sections, the household page's expected return, the worker's counts). The root URLs, the
settings, the Celery app and wsgi/asgi compose every layer and may import any of them.

Every import counts, also one inside a function (a lazy import is still a dependency), and
``from . import x`` counts as an import of the module ``x``. Migrations and tests are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("siex", "monitoring", "interventions", "calculation")

#: From the ground up; a module belongs to the layer of the longest prefix that names it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("siex.core", "siex.formats"),
    ("siex.accounts",),
    ("siex.audit",),
    ("monitoring",),
    ("interventions.catalogue",),
    ("interventions.register",),
    ("interventions.followup",),
    ("interventions.exchange",),
    ("interventions",),
    ("calculation",),
)
#: They compose the application and may import every layer.
COMPOSITION = ("siex", "siex.urls", "siex.settings", "siex.celery", "siex.wsgi", "siex.asgi")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.relative_to(ROOT).parts:
                found[_module_name(path)] = path
    return found


def _known(name: str, modules) -> str | None:
    """The module ``name`` stands for: itself, or the nearest package or module that holds it."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of SIEX it imports (anywhere in its code)."""
    sources = _sources()
    graph: dict[str, set[str]] = {}
    for module, path in sources.items():
        is_package = path.name == "__init__.py"
        package = module if is_package else module.rpartition(".")[0]
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join([*base, node.module] if node.module else base)
                else:
                    source = node.module or ""
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    imported.add(submodule if submodule in sources else source)
        graph[module] = {
            target
            for name in imported
            if name.split(".")[0] in PACKAGES
            and (target := _known(name, sources)) is not None
            and target != module
        }
    return graph


def _layer(module: str) -> int | None:
    if any(module == root or module.startswith(f"{root}.") for root in COMPOSITION[1:]):
        return None
    if module == "siex":
        return None
    best, rank = "", None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(f"{prefix}.")) and len(prefix) > len(best):
                best, rank = prefix, index
    return rank


def _layer_name(rank: int) -> str:
    return " / ".join(LAYERS[rank])


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        rank = _layer(module)
        if rank is None:
            continue
        for target in sorted(targets):
            target_rank = _layer(target)
            if target_rank is not None and target_rank > rank:
                found.append(
                    f"{module} ({_layer_name(rank)}) imports {target} ({_layer_name(target_rank)})"
                )
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import each other (directly or round about), as one cycle
    through them (Tarjan's strongly connected components, then a shortest way round)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(start: str) -> None:
        # Iterative depth-first search: the graph has hundreds of modules.
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_way_round(group, graph) for group in groups]


def _way_round(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, within the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return sorted(group)  # pragma: no cover - a strongly connected group always has a way round


def test_the_import_graph_is_read_from_every_module():
    graph = import_graph()
    assert len(graph) > 100
    # Imports of every kind are seen: absolute, relative, of a module, inside a function.
    assert "interventions.catalogue.file" in graph["calculation.services"]
    assert "interventions.register.services" in graph["interventions.register.views"]
    assert "interventions.exchange.checking" in graph["interventions.exchange.tasks"]
    assert "siex.core.tasks" in graph["siex.core.selectors"]


def test_no_module_imports_from_a_higher_layer():
    found = upward_imports(import_graph())
    assert not found, "Imports from a higher layer:\n  " + "\n  ".join(found)


def test_no_modules_import_each_other():
    found = cycles(import_graph())
    assert not found, "Modules that import each other:\n  " + "\n  ".join(
        " -> ".join(cycle) for cycle in found
    )


def test_the_checks_recognise_an_upward_import_and_a_cycle():
    graph = {
        "siex.core.a": {"interventions.register.b"},
        "interventions.register.b": {"interventions.register.c"},
        "interventions.register.c": {"interventions.register.b"},
        "siex.urls": {"calculation.d"},
        "calculation.d": set(),
    }
    assert upward_imports(graph) == [
        "siex.core.a (siex.core / siex.formats) imports interventions.register.b "
        "(interventions.register)"
    ]
    assert cycles(graph) == [
        ["interventions.register.b", "interventions.register.c", "interventions.register.b"]
    ]


#: A module does one thing in a few hundred lines. The calculation (engine, scenario, results) is
#: being divided on its own, so its modules and tests are not held to this here yet.
MAX_LINES = 800
SIZE_CHECKED = ("siex", "monitoring", "interventions", "calculation", "tests", "bench")
#: The engine is one pure, vectorised module on purpose (DESIGN §2): its formulas read together.
SIZE_EXEMPT = ("calculation/engine.py",)


def test_no_module_is_longer_than_a_few_hundred_lines():
    too_long = []
    for root in SIZE_CHECKED:
        for path in sorted((ROOT / root).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or str(relative) in SIZE_EXEMPT:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long.append(f"{relative}: {lines} lines")
    assert not too_long, f"Modules over {MAX_LINES} lines:\n  " + "\n  ".join(too_long)


def test_every_service_and_selector_module_is_type_checked():
    """mypy (bin/test) checks calculation/ and the business logic of every app: a new services or
    selectors module must be added to its files in pyproject.toml."""
    import tomllib

    files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    checked = [ROOT / name for name in files]
    missing = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if (path.stem in {"services", "selectors"} or path.parent.name in {"services", "selectors"})
        and "migrations" not in path.parts
        and not any(path == c or (c.is_dir() and c in path.parents) for c in checked)
    ]
    assert not missing, f"Not type-checked (add to [tool.mypy] files): {missing}"
