"""Spec files -> letters on disk: the only code that writes files.

Everything is rendered in memory first; files are then written atomically
(temporary file in the same folder, then rename), so a failure never leaves a
half-written letter or replaces a good one.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import multiprocessing
import os
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import archive, fonts, layouts, outputs, rules
from .errors import JtaiError, OutputError, Problem, SpecError, UsageError, split
from .models import ResponseSpec
from .render import image_paths, render
from .spec import load_spec, parse_yaml, read_text
from .templates import DEFAULT_TEMPLATES, environment

FORMATS = outputs.FORMATS
DEFAULT_FORMATS = outputs.DEFAULT_FORMATS
SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Options:
    """How letters are made; the same for render, batch and validate."""

    formats: tuple[str, ...] = DEFAULT_FORMATS
    templates_dir: Path = DEFAULT_TEMPLATES
    profile: Path | None = None  # replaces the office profile every spec names
    archive: bool = False  # PDF/A-3b with the spec and its files attached, to regenerate the letter from it
    profiles: Path | None = None  # a folder specs' office.profile may name files in, besides their own tree


DEFAULTS = Options()


@dataclass(frozen=True)
class Checked:
    """Everything the rules found in one spec: errors and warnings together, always.

    (mkdocs' `validate() -> (errors, warnings)`: an error never hides a warning.)
    """

    path: Path
    parsed: ResponseSpec | None  # None when the file could not be read as a spec at all
    errors: list[Problem]
    warnings: list[Problem]

    @property
    def spec(self) -> ResponseSpec:
        """The spec, if it passed every error rule; else `SpecError` listing every error (`warnings` stay here)."""
        if self.errors or self.parsed is None:
            raise SpecError(self.errors)
        return self.parsed


@dataclass
class BuildResult:
    """What building one spec produced."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # spec, layout files and images it was made from


def check(path: Path, options: Options = DEFAULTS, *, strict: bool = False) -> Checked:
    """Load `path` and apply every rule; never raises for a bad spec. With `strict`, warnings are errors."""
    try:
        spec = load_spec(path, options.profile, options.profiles)
    except SpecError as e:
        errors, warnings = split(e.problems, strict=strict)
        return Checked(path, None, errors, warnings)
    problems = layouts.problems(spec, options.templates_dir) + rules.check(spec) + list(fonts.missing_glyphs(spec))
    try:
        image_paths(spec)
    except SpecError as e:
        problems += e.problems
    errors, warnings = split(problems, strict=strict)
    return Checked(path, spec, errors, warnings)


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
        }


def validate(
    path: Path, options: Options = DEFAULTS, *, strict: bool = False, as_of: dt.date | None = None
) -> Validation:
    """Check one spec file and report every problem; never raises for a bad spec.

    Progress dated after `as_of` (default today) is a warning (an error with `strict`).

    A spec without errors is also rendered to HTML (a dry run: no PDF, no Word),
    so a template that would fail in `render` fails here, at the same place.
    """
    checked = check(path, options, strict=strict)
    errors = list(checked.errors)
    if checked.parsed is None:
        return Validation(path, errors, checked.warnings, _deadline_from_raw(path))
    late_errors, late_warnings = split(
        list(rules.updates_after(checked.parsed, as_of or dt.date.today())), strict=strict
    )
    errors += late_errors
    warnings = checked.warnings + late_warnings
    if not errors:
        try:
            render(checked.parsed, options.templates_dir)
        except JtaiError as e:
            errors += e.problems
    return Validation(path, errors, warnings, rules.publication_deadline(checked.parsed.report.published))


POOL_FROM = 300  # specs; a worker's share (150+, ~0.3 s) should outweigh its start. A judgment, not measured


def validate_many(
    paths: list[Path],
    options: Options = DEFAULTS,
    *,
    strict: bool = False,
    jobs: int | None = None,
    as_of: dt.date | None = None,
) -> list[Validation]:
    """`validate` each spec, in order; a large folder is shared among processes, one per core."""
    workers = min(jobs or os.cpu_count() or 1, len(paths) // (POOL_FROM // 2) or 1)
    if len(paths) < POOL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [validate(path, options, strict=strict, as_of=as_of) for path in paths]
    for name in layouts.available(options.templates_dir):  # compiled once here, not once per worker
        environment(options.templates_dir).get_template(f"{name}.html.j2")
    # fork: the workers start with everything already imported and compiled; frozen, the collector
    # leaves those objects alone, so their pages are not copied into every worker.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(paths) // (workers * 4))
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(
                pool.map(
                    functools.partial(validate, options=options, strict=strict, as_of=as_of), paths, chunksize=chunk
                )
            )
    finally:
        gc.unfreeze()


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
            found += inside
        elif os.path.exists(path):
            found.append(path)
        else:
            raise UsageError(Problem("no such file or folder", path, rule="usage"))
    return list(dict.fromkeys(found))  # a spec named twice (file and folder) is built once


def output_path(out_dir: Path, source: Path, fmt: str) -> Path:
    """Where the `fmt` letter for `source` goes: its stem, inside `out_dir`."""
    target = out_dir / f"{source.stem}.{fmt}"
    if target.is_symlink():
        raise OutputError(
            Problem(
                f"{target} is a symbolic link (to {os.readlink(target)}); remove it: letters are not written on links",
                source,
            )
        )
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
    target = Path(".")
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
        # A full disk reports no file name: name the letter being written.
        raise OutputError(Problem(f"cannot write: {e.strerror}", Path(e.filename) if e.filename else target)) from e
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
