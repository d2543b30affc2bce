"""The house's shape, read from the source: every import counts, at the top of a module,
inside a function or under TYPE_CHECKING, since a lazy import is a dependency all the same.

import-linter (`lint-imports`, in .ci/run) checks the layering contracts in pyproject.toml;
this test checks what the contracts cannot say: that there is no cycle at all between
drill's modules, and that the bottom of the house (domains, protocol) imports nothing above
it. docs/architecture.md draws the same house.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "drill"

HOUSE = (
    ("drill.cli", "drill.__main__"),
    ("drill.commands",),
    ("drill.tui", "drill.web"),
    ("drill.app",),
    ("drill.store",),
    ("drill.report", "drill.reference"),
    ("drill.protocol",),
    ("drill.decks",),
    ("drill.domains",),
    ("drill.clock", "drill.hashing", "drill.errors", "drill.files", "drill.names", "drill.text",
     "drill.resources", "drill.docs", "drill"),
)  # fmt: skip
"""The layers, top first, as docs/architecture.md draws them (`drill` is the package's
own __init__, which holds only the version)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_names(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module name `name` imports, anywhere in its body, with the line: relative
    imports resolved, `from drill.tui import app` as the module drill.tui.app."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                yield (target if target in MODULES else base), node.lineno


def imported(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every drill module `name` imports, anywhere in its body, with the line."""
    for target, line in imported_names(name, path):
        yield from _known(target, line)


def _known(target: str, line: int) -> Iterator[tuple[str, int]]:
    """The drill module `target` names (the longest prefix that is one), if any."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    if target.startswith("drill"):
        yield target, line


GRAPH = {
    name: sorted({t for t, _ in imported(name, path) if t != name})
    for name, path in MODULES.items()
}


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def layer(name: str) -> int:
    """The module's layer, 0 at the top; a module in no layer fails the test that asks."""
    for depth, members in enumerate(HOUSE):
        if any(name == m or name.startswith(f"{m}.") for m in members if m != "drill"):
            return depth
    assert name == "drill", f"{name} is in no layer of the house (docs/architecture.md)"
    return len(HOUSE) - 1


def test_the_import_graph_has_no_cycle() -> None:
    """No drill module reaches itself through its imports, lazy ones included."""
    assert cycles(GRAPH) == []


def test_an_import_inside_a_function_is_seen_and_closes_a_cycle(tmp_path: Path) -> None:
    """The walk counts an import inside a function, and a lazy import back up is a cycle."""
    source = tmp_path / "summary.py"
    source.write_text("def leave() -> None:\n    from drill.tui.app import DrillApp\n")
    seen = [target for target, _ in imported("drill.tui.screens.summary", source)]
    assert seen == ["drill.tui.app"]
    graph = {**GRAPH, "drill.tui.screens.summary": [*GRAPH["drill.tui.screens.summary"], *seen]}
    assert any("drill.tui.app" in c and "drill.tui.screens.summary" in c for c in cycles(graph))


def test_every_module_has_a_place_in_the_house() -> None:
    """A new module is put in a layer on purpose: the map and the contracts name it."""
    for name in MODULES:
        layer(name)


def test_the_domains_and_the_protocol_import_nothing_above_them() -> None:
    """The bottom of the house stands alone: a domain imports only domains and the low
    modules; the protocol adds the decks, never the store, the app or a screen."""
    upward = [
        f"{name} -> {target} (l.{line})"
        for name, path in MODULES.items()
        if name.startswith(("drill.domains", "drill.protocol"))
        for target, line in imported(name, path)
        if layer(target) < layer(name)
    ]
    assert upward == []


def test_no_screen_imports_the_app() -> None:
    """Screens and widgets move on by posting messages; only the app knows the way."""
    reaching = [
        name
        for name in MODULES
        if name.startswith(("drill.tui.screens", "drill.tui.widgets"))
        and "drill.tui.app" in GRAPH[name]
    ]
    assert reaching == []


def test_the_contracts_name_the_same_layers_as_this_test() -> None:
    """pyproject.toml's layers contract and HOUSE agree, so the map has one shape."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    named = [tuple(m.strip() for m in entry.replace(":", "|").split("|")) for entry in layers]
    expected = [
        tuple(m for m in members if m not in ("drill", "drill.__main__")) for members in HOUSE
    ]
    assert named == expected


def test_the_map_names_every_layer() -> None:
    """docs/architecture.md names every part of the house the contracts check."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for members in HOUSE:
        for name in members:
            if name == "drill":
                continue
            part = name.removeprefix("drill.")
            as_folder = f"drill/{part}/"
            assert as_folder in page or f"drill/{part}.py" in page or f"`{part}`" in page, name
