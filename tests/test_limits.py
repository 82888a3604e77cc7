"""docs/limits.md is made from the constants (`jtai_letters.limits`), and names every bound the package keeps."""

from __future__ import annotations

import ast

from jtai_letters import limits

from .helpers import ROOT

# Module-level numbers that bound an input (a size, a count, a depth, a time, a year), by their names.
BOUND = ("MAX_", "LAST_YEAR", "_SECONDS", "MEMORY_MB", "PLURALS_TRIED", "XLSX_CELL", "CORE_PROPERTY_LIMIT")


def test_the_committed_page_is_the_one_the_constants_make() -> None:
    page = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    assert page == limits.markdown(), "run: python -m jtai_letters.limits > docs/limits.md"


def test_every_bound_in_the_package_is_on_the_page() -> None:
    page = limits.markdown()
    found = []
    for source in sorted((ROOT / "jtai_letters").rglob("*.py")):
        for node in ast.parse(source.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Name) and any(part in target.id for part in BOUND):
                    found.append(target.id)
    assert len(found) > 30
    assert [name for name in found if f"`{name}`" not in page] == []
