"""The package's layers import one way: down the layers of docs/architecture.md (and the foundations every
layer reads), and no module imports one that imports it back, however indirectly."""

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


# The folders in the order a spec travels through them (docs/architecture.md): a module imports only
# modules of its own folder, of the folders before it, and the foundations below every folder.
LAYERS = [
    {"spec"},
    {"letter"},
    {"checks"},
    {"outputs"},
    {"pipeline"},
    {"tracking", "report"},
    {"faces"},
    {"cli", "__main__", "limits"},
]
# What every layer reads: a problem and its errors, the one way to write a file, the libraries' patches,
# and knowledge stated once (the vocabulary, the rule registry, the house style and its labels, inline
# text and typography, reading an image). They import only one another.
FOUNDATIONS = {
    "jtai_letters.errors",
    "jtai_letters.files",
    "jtai_letters.patches",
    "jtai_letters.process",
    "jtai_letters.spec.vocabulary",
    "jtai_letters.checks.registry",
    "jtai_letters.letter.assets",
    "jtai_letters.letter.labels",
    "jtai_letters.letter.style",
    "jtai_letters.letter.text",
    "jtai_letters.letter.typography",
}


def _layer(module: str) -> int | None:
    if module in FOUNDATIONS:
        return -1
    folder = module.split(".")[1]
    return next((i for i, names in enumerate(LAYERS) if folder in names), None)


def _upward() -> list[str]:
    """Every import of a module from a later layer than the importer's (the package itself, which
    re-exports the API lazily, aside)."""
    found = []
    for name, path in MODULES.items():
        if name == "jtai_letters":
            continue
        for imported in sorted(_imports(path) - {name, "jtai_letters"}):
            here, there = _layer(name), _layer(imported)
            if here is None or there is None:  # a folder of no layer: the test below names it
                continue
            if there > here or (name in FOUNDATIONS and imported not in FOUNDATIONS):
                found.append(f"{name} -> {imported}")
    return found


def test_every_import_points_down_the_layers() -> None:
    assert _upward() == []


def test_every_module_has_a_layer_or_is_a_foundation() -> None:
    assert [name for name in MODULES if name != "jtai_letters" and _layer(name) is None] == []
