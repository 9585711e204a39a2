"""The export tool's modules import each other at module level, without cycles: an import hidden inside a
function is how a cycle survives unnoticed. Only the command-line entry points defer their imports, so
`--help` and argument errors answer before torch loads."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "export"
ENTRY_POINTS = {"cli", "__main__"}


def _modules() -> list[str]:
    return sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__")


def _sibling_imports(module: str) -> list[tuple[str, int, bool]]:
    """(sibling, line, at module level) for every relative import in `module`."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(), filename=f"{module}.py")
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level != 1:
            continue
        # `from .x import y` names module x; `from . import x` names module x itself
        names = [node.module] if node.module else [alias.name for alias in node.names]
        found += [(name.split(".")[0], node.lineno, id(node) in top_level) for name in names]
    return found


def _graph() -> dict[str, set[str]]:
    return {module: {sibling for sibling, _, _ in _sibling_imports(module)} for module in _modules()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> list[str] | None:
        if module in visiting:
            return visiting[visiting.index(module) :] + [module]
        if module in done or module not in graph:
            return None
        visiting.append(module)
        for sibling in sorted(graph[module]):
            if (cycle := visit(sibling)) is not None:
                return cycle
        visiting.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        if (cycle := visit(module)) is not None:
            return cycle
    return None


def test_sibling_modules_are_imported_at_module_level():
    hidden = [
        f"{module}.py:{line} imports .{sibling} inside a function"
        for module in _modules()
        if module not in ENTRY_POINTS
        for sibling, line, top in _sibling_imports(module)
        if not top
    ]
    assert hidden == []


def test_the_import_graph_has_no_cycle():
    assert _cycle(_graph()) is None, " → ".join(_cycle(_graph()) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_every_module_imports_on_its_own():
    for module in _modules():
        if module != "__main__":  # runs the command line
            importlib.import_module(f"export.{module}")
