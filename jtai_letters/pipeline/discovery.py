"""Which spec files a command line names, and the name each one's letters are written under."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from jtai_letters.errors import Problem, UsageError

SPEC_SUFFIXES = (".yaml", ".yml")


def expand_named(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Each spec with the name its letters are written under: the spec files named directly,
    plus every *.yaml / *.yml under named folders, sorted.

    A spec found in a folder keeps its place under that folder (`a/letter.yaml` in
    `specs/` -> `a/letter`), so two specs of the same name in different folders never
    write the same file; two that would still collide are a usage error naming both.
    A folder holding no spec at all is a usage error too: a mistyped folder must not
    pass for a batch that was checked.
    """
    found: dict[Path, str] = {}
    for raw in paths:
        path = Path(raw)
        if os.path.isdir(path):  # os.path: a name too long or holding NUL is no folder, not a traceback
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SPEC_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                raise UsageError(Problem("holds no spec files (*.yaml, *.yml)", path, rule="usage"))
            for spec in inside:
                found.setdefault(spec, spec.relative_to(path).with_suffix("").as_posix())
        elif os.path.exists(path):
            found.setdefault(path, path.stem)
        else:
            raise UsageError(Problem("no such file or folder", path, rule="usage"))
    # A spec named twice (file and folder) is built once; the same file by another spelling too.
    by_file: dict[str, Path] = {}
    by_name: dict[str, Path] = {}
    named: list[tuple[Path, str]] = []
    for spec, name in found.items():
        real = os.path.realpath(spec)
        if real in by_file:
            continue
        by_file[real] = spec
        if name in by_name:
            raise UsageError(
                Problem(
                    f"and {by_name[name]} would both be written as {name}.*; "
                    "give their folder instead, so each keeps its place under the output folder",
                    spec,
                    rule="usage",
                )
            )
        by_name[name] = spec
        named.append((spec, name))
    return named


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """The spec files named directly, plus every *.yaml / *.yml under named folders (see `expand_named`)."""
    return [spec for spec, _ in expand_named(paths)]
