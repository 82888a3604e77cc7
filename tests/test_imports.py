"""The package's layers import one way: no module imports one that imports it back, however indirectly."""

from __future__ import annotations

import ast
from pathlib import Path

from .helpers import ROOT

PACKAGE = ROOT / "jtai_letters"


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The package's modules `path` imports anywhere: at its top, inside a function (an import put off
    is still a dependency), or for the type checker only (a cycle hidden from the interpreter is a cycle)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # `from a import b` may name module a.b
    return {m for m in found if m in MODULES}


def _cycles() -> list[list[str]]:
    graph = {name: _imports(path) - {name} for name, path in MODULES.items()}
    for name in list(graph):  # importing a.b.c imports a and a.b first
        parts = name.split(".")
        graph[name] |= {".".join(parts[:i]) for i in range(1, len(parts))} & set(MODULES) - {name}
    found, done = [], set()

    def walk(node: str, stack: list[str]) -> None:
        if node in stack:
            cycle = stack[stack.index(node) :]
            if set(cycle) - {"jtai_letters"} and cycle[0] != "jtai_letters":
                found.append([*cycle, node])
            return
        if node in done:
            return
        for nxt in sorted(graph[node]):
            if nxt != "jtai_letters":  # the package's own __init__ re-exports the API: it imports everything
                walk(nxt, [*stack, node])
        done.add(node)

    for name in sorted(graph):
        walk(name, [])
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert _cycles() == []
