"""Spec files -> letters on disk: the only code that writes files.

Everything is rendered in memory first; files are then written atomically
(temporary file in the same folder, then rename), so a failure never leaves a
half-written letter or replaces a good one.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import archive, outputs, rules
from .errors import JtaiError, OutputError, Problem, SpecError, UsageError
from .models import ResponseSpec
from .render import image_paths, layout_problem, render
from .spec import load_spec, parse_yaml, read_text
from .templates import DEFAULT_TEMPLATES

FORMATS = outputs.FORMATS
SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Options:
    """How letters are made; the same for render, batch and validate."""

    formats: tuple[str, ...] = FORMATS
    templates_dir: Path = DEFAULT_TEMPLATES
    profile: Path | None = None  # replaces the office profile every spec names
    archive: bool = False  # PDF/A-3b with the spec and its files attached, to regenerate the letter from it


DEFAULTS = Options()


@dataclass(frozen=True)
class Checked:
    """A spec that passed every error rule, with the warnings it still carries."""

    spec: ResponseSpec
    warnings: list[Problem]


@dataclass
class BuildResult:
    """What building one spec produced."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # spec, layout files and images it was made from


def check(path: Path, options: Options = DEFAULTS, *, strict: bool = False) -> Checked:
    """Load `path` and apply every rule; `SpecError` lists all errors (and, if `strict`, warnings)."""
    spec = load_spec(path, options.profile)
    problems = rules.check(spec)
    unknown = layout_problem(spec, options.templates_dir)
    if unknown:
        problems.insert(0, unknown)
    try:
        image_paths(spec)
    except SpecError as e:
        problems += e.problems
    errors = [p for p in problems if p.severity == "error" or strict]
    if errors:
        raise SpecError(errors)
    return Checked(spec, [p for p in problems if p.severity == "warning"])


@dataclass(frozen=True)
class SpecFailure:
    """A spec that could not be built, and why."""

    source: Path
    error: JtaiError


@dataclass
class Validation:
    """Everything `validate` says about one spec file."""

    path: Path
    errors: list[Problem]
    warnings: list[Problem]
    deadline: dt.date | None  # last day for the response under s55, when the report date is known
    deadline_note: str | None = None  # why there is no deadline, for reports before s55(5A)

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, object]:
        """The JSON object documented in the README."""

        def item(p: Problem) -> dict[str, object]:
            where = str(p.path) if p.path is not None else str(self.path)  # a profile's fault is in the profile
            return {
                "file": where,
                "rule": p.rule,
                "loc": p.field,
                "line": p.line,
                "column": p.column,
                "message": p.message,
            }

        return {
            "path": str(self.path),
            "valid": self.valid,
            "errors": [item(p) for p in self.errors],
            "warnings": [item(p) for p in self.warnings],
            "publication_deadline": self.deadline.isoformat() if self.deadline else None,
            **({"publication_deadline_note": self.deadline_note} if self.deadline_note else {}),
        }


def validate(path: Path, options: Options = DEFAULTS, *, strict: bool = False) -> Validation:
    """Check one spec file and report every problem; never raises for a bad spec."""
    try:
        checked = check(path, options)
    except SpecError as e:
        return Validation(path, e.problems, [], _deadline_from_raw(path))
    deadline = rules.publication_deadline(checked.spec.report.published)
    note = rules.deadline_note(checked.spec.report.published)
    if strict:
        return Validation(path, checked.warnings, [], deadline, note)
    return Validation(path, [], checked.warnings, deadline, note)


def _deadline_from_raw(path: Path) -> dt.date | None:
    # An invalid spec may still say when its report was published.
    try:
        root = parse_yaml(read_text(path), path)
        published = root["report"]["published"]
    except (JtaiError, KeyError, TypeError):
        return None
    is_date = isinstance(published, dt.date) and not isinstance(published, dt.datetime)
    return rules.publication_deadline(published) if is_date else None


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Spec files named directly, plus every *.yaml / *.yml under named folders, sorted.

    A folder holding no spec at all is a usage error: a mistyped folder must not
    pass for a batch that was checked.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in SPEC_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                raise UsageError(Problem("holds no spec files (*.yaml, *.yml)", path, rule="usage"))
            found += inside
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(Problem("no such file or folder", path, rule="usage"))
    return list(dict.fromkeys(found))  # a spec named twice (file and folder) is built once


def output_path(out_dir: Path, source: Path, fmt: str) -> Path:
    """Where the `fmt` letter for `source` goes: its stem, inside `out_dir`."""
    target = out_dir / f"{source.stem}.{fmt}"
    if target.resolve().parent != out_dir.resolve():
        raise OutputError(Problem(f"output name '{source.stem}' would leave the output folder", source))
    return target


def build(path: str | Path, out_dir: str | Path = "out", options: Options = DEFAULTS) -> BuildResult:
    """Validate, render and write one spec's letters; nothing is written unless all succeed."""
    source, out = Path(path), Path(out_dir)
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}'; choose from {', '.join(FORMATS)}")
    checked = check(source, options)
    letter = render(checked.spec, options.templates_dir)
    if options.archive:
        letter = replace(letter, attachments=archive.sources(checked.spec))
    blobs = {fmt: outputs.write(fmt, letter) for fmt in options.formats}
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(Problem(f"cannot create the output folder: {e.strerror}", out)) from e
    targets = {output_path(out, source, fmt): data for fmt, data in blobs.items()}
    write_atomic(targets)
    return BuildResult(source, list(targets), checked.warnings, list(letter.inputs))


def build_many(
    paths: Iterable[Path], out_dir: str | Path = "out", options: Options = DEFAULTS
) -> Iterator[BuildResult | SpecFailure]:
    """Build each spec in turn, yielding its result or its failure; one failure never stops the rest."""
    for path in paths:
        try:
            yield build(path, out_dir, options)
        except UsageError:
            raise
        except JtaiError as e:
            yield SpecFailure(path, e)


def write_atomic(targets: dict[Path, bytes]) -> None:
    """Write each file so readers see the old one or the new one, never a part.

    Every file is written and synced under a temporary name first; only then are
    they renamed into place, so a failure while writing leaves all old files.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for target, data in targets.items():
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
        while staged:
            tmp, target = staged[0]
            os.replace(tmp, target)
            staged.pop(0)
    except OSError as e:
        raise OutputError(Problem(f"cannot write: {e.strerror}", Path(e.filename or ""))) from e
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
