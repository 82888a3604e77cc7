"""Spec files -> letters on disk (every file written through `jtai_letters.files.write_atomic`).

Everything is rendered in memory first; files are then written atomically
(temporary file in the same folder, then rename), so a failure never leaves a
half-written letter or replaces a good one.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import logging
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from jtai_letters import outputs
from jtai_letters.checks import css as css_check
from jtai_letters.checks import fonts, rules, sign_off
from jtai_letters.checks import salvage as partial
from jtai_letters.errors import JtaiError, OutputError, Problem, SpecError, TemplateError, UsageError, split
from jtai_letters.files import write_atomic
from jtai_letters.letter import layouts
from jtai_letters.letter.folders import find
from jtai_letters.letter.render import image_paths, render
from jtai_letters.letter.templates import DEFAULT_TEMPLATES, environment, stylesheets
from jtai_letters.pipeline import archive
from jtai_letters.spec.load import load_spec, parse_yaml, read_text
from jtai_letters.spec.models import ResponseSpec
from jtai_letters.spec.vocabulary import DEFAULT_FORMATS, FORMATS

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
    # When `parsed` is None: its report, response (and office) alone, if they make a model (see `partial`)
    partial: ResponseSpec | None = None

    @property
    def spec(self) -> ResponseSpec:
        """The spec, if it passed every error rule; else `SpecError` listing every error, then every warning."""
        if self.errors or self.parsed is None:
            raise SpecError(self.errors + self.warnings)
        return self.parsed


@dataclass
class BuildResult:
    """What building one spec produced."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # spec, layout files and images it was made from


def check(path: Path, options: Options = DEFAULTS, *, strict: bool = False, text: str | None = None) -> Checked:
    """Load `path` and apply every rule; never raises for a bad spec. With `strict`, warnings are errors.

    With `text`, that text is checked as the file's contents (an editor's unsaved state)."""
    try:
        spec = load_spec(path, options.profile, options.profiles, text=text)
    except SpecError as e:
        # Every problem at once: what the rules still find beside the schema's faults.
        found, more = partial.salvage(path, e.problems, options.profile, options.profiles, text=text)
        errors, warnings = split(e.problems + more, strict=strict)
        return Checked(path, None, errors, warnings, found)
    problems = layouts.problems(spec, options.templates_dir) + rules.check(spec) + list(fonts.missing_glyphs(spec))
    if find(options.templates_dir, f"{spec.layout}.html.j2") is not None:
        try:
            problems += css_check.problems(stylesheets(options.templates_dir, spec.layout))
        except TemplateError as e:  # a sheet linked out of the folder, or one that is a folder: this spec's problem
            problems += e.problems
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
    fault: BaseException | None = None  # an unexpected exception behind `error`, for --debug


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
        """The JSON object documented in docs/commands.md."""

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
    model = checked.parsed or checked.partial
    if model is None:
        return Validation(path, errors, checked.warnings, _deadline_from_raw(path))
    day = as_of or dt.date.today()
    late_errors, late_warnings = split(
        [*rules.updates_after(model, day), *sign_off.recorded_after(model, day)], strict=strict
    )
    errors += late_errors
    warnings = checked.warnings + late_warnings
    if not errors and checked.parsed is not None:
        try:
            letter = render(checked.parsed, options.templates_dir)
        except JtaiError as e:
            errors += e.problems
        else:  # sentences of the layout left in English in a Welsh letter
            more_errors, more_warnings = split(
                rules.untranslated(checked.parsed, letter, options.templates_dir), strict=strict
            )
            errors += more_errors
            warnings += more_warnings
    # A spec that failed may hold a stand-in for its publication date (salvage): say only what it gives.
    published = model.report.published if checked.parsed is not None else _published_from_raw(path)
    if published is None:
        return Validation(path, errors, warnings, None)
    return Validation(path, errors, warnings, rules.publication_deadline(published), rules.deadline_note(published))


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
    one = functools.partial(validate, options=options, strict=strict, as_of=as_of)
    return each_spec(one, paths, options, pool_from=POOL_FROM, jobs=jobs)


T = TypeVar("T")


def each_spec(
    fn: Callable[[Path], T], paths: list[Path], options: Options, *, pool_from: int, jobs: int | None = None
) -> list[T]:
    """`fn` of each spec, in order; from `pool_from` specs on, shared among processes, one per core
    (`jobs` to choose). The one process pool of validate and the register."""
    workers = min(jobs or os.cpu_count() or 1, len(paths) // (pool_from // 2) or 1)
    if len(paths) < pool_from or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(path) for path in paths]
    for name in layouts.available(options.templates_dir):  # compiled once here, not once per worker
        environment(options.templates_dir).get_template(f"{name}.html.j2")
    # fork: the workers start with everything already imported and compiled; frozen, the collector
    # leaves those objects alone, so their pages are not copied into every worker.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(paths) // (workers * 4))
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(pool.map(fn, paths, chunksize=chunk))
    finally:
        gc.unfreeze()


def _deadline_from_raw(path: Path) -> dt.date | None:
    published = _published_from_raw(path)
    return rules.publication_deadline(published) if published else None


def _published_from_raw(path: Path) -> dt.date | None:
    # An invalid spec may still say when its report was published.
    try:
        root = parse_yaml(read_text(path), path)
        published = root["report"]["published"]
    except (JtaiError, KeyError, TypeError):
        return None
    is_date = isinstance(published, dt.date) and not isinstance(published, dt.datetime)
    return published if is_date else None


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


def output_path(out_dir: Path, name: str, fmt: str, source: Path | None = None) -> Path:
    """Where the `fmt` letter named `name` (a spec's stem, or its path under the folder given) goes;
    `source`, the spec, is where a refusal is reported."""
    target = out_dir / f"{name}.{fmt}"
    if target.is_symlink():
        raise OutputError(
            Problem(
                f"{target} is a symbolic link (to {os.readlink(target)}); remove it: letters are not written on links",
                source or target,
            )
        )
    if not target.resolve().is_relative_to(out_dir.resolve()):
        raise OutputError(Problem(f"output name '{name}' would leave the output folder", source or target))
    return target


def stale_outputs(out_dir: Path, name: str, formats: Iterable[str]) -> list[Path]:
    """Letters of a spec that failed which are still in the output folder: older, and now out of date."""
    return [p for fmt in formats if (p := out_dir / f"{name}.{fmt}").is_file()]


# Libraries whose warnings while writing a letter are the letter's problems, never lost on stderr.
_WRITER_LOGGERS = ("weasyprint", "fontTools")


@contextmanager
def _writer_warnings(source: Path) -> Iterator[list[Problem]]:
    """Collect what WeasyPrint (and the font subsetter) log while the letter is written, as problems.

    A CSS mistake in an office's layout (`colr: red`), an image that does not load: the
    letter is printed without what WeasyPrint skipped, so the officer is told, and
    `--strict` refuses the letter.
    """
    found: list[Problem] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage().strip().splitlines()[0] if record.getMessage().strip() else ""
            found.append(Problem(f"while printing: {message}", source, rule="template", severity="warning"))

    handler = _Collect(logging.WARNING)
    saved = []
    for name in _WRITER_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate))
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield found
    finally:
        for logger, propagate in saved:
            logger.removeHandler(handler)
            logger.propagate = propagate


def build(
    path: str | Path,
    out_dir: str | Path = "out",
    options: Options = DEFAULTS,
    *,
    name: str | None = None,
    strict: bool = False,
) -> BuildResult:
    """Validate, render and write one spec's letters; nothing is written unless all succeed.

    `name` is where the letters go under `out_dir` (default: the spec's stem); with
    `strict`, a warning (the spec's, or WeasyPrint's while printing) stops the letter.
    """
    source, out = Path(path), Path(out_dir)
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}'; choose from {', '.join(FORMATS)}")
    checked = check(source, options, strict=strict)
    spec = checked.spec
    with _reporting(checked.warnings):
        letter = render(spec, options.templates_dir)
        if options.archive:
            letter = replace(letter, attachments=archive.sources(spec))
        with _writer_warnings(source) as printed:
            blobs = {fmt: outputs.write(fmt, letter) for fmt in options.formats}
        errors, warnings = split(list(dict.fromkeys(printed)), strict=strict)
        if errors:
            raise TemplateError(errors + warnings)
    targets = {output_path(out, name or source.stem, fmt, source): data for fmt, data in blobs.items()}
    made_from = {os.path.realpath(p) for p in (source, *letter.inputs)}
    for target in targets:
        if os.path.realpath(target) in made_from:  # `render letter.html --format html -o .`
            message = f"{target} is a file this letter is made from; it is never written over: choose another -o"
            raise OutputError(Problem(message, source, rule="usage"))
    try:
        for parent in {t.parent for t in targets}:
            parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(Problem(f"cannot create the output folder: {e.strerror}", out)) from e
    write_atomic(targets)
    return BuildResult(source, list(targets), checked.warnings + warnings, list(letter.inputs))


@contextmanager
def _reporting(warnings: list[Problem]) -> Iterator[None]:
    """A letter that fails after its spec was checked still reports the spec's warnings, as validate does."""
    try:
        yield
    except UsageError:
        raise
    except JtaiError as e:
        if not warnings:
            raise
        raise type(e)(e.problems + [w for w in warnings if w not in e.problems]) from e


def lines(problems: Iterable[Problem]) -> list[str]:
    """How validate, render and batch all print problems: one line each, errors first, then warnings."""
    errors, warnings = split(list(problems))
    return [str(p) for p in errors + warnings]


def unexpected(source: Path, error: BaseException) -> JtaiError:
    """A fault no rule foresaw, as a one-line problem about its spec (the traceback is for --debug)."""
    return JtaiError(
        Problem(f"could not be rendered ({type(error).__name__}: {error}); please report this", source, rule="internal")
    )


TIMEOUT_SECONDS = 120.0  # a letter's wall-clock limit; a long letter takes about a second
MEMORY_MB = 2048  # a batch worker's memory limit; one peaks near 120 MB on the examples


class _Overran(BaseException):
    # BaseException: no library's `except Exception` may swallow the time limit.
    pass


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `_Overran` in this thread after `seconds` (main thread only, where signals arrive)."""
    if not seconds or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def overran(signum: int, frame: object) -> None:
        raise _Overran

    previous = signal.signal(signal.SIGALRM, overran)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bounded(make: Callable[[], bytes], *, timeout: float, memory_mb: int, source: Path | None = None) -> bytes:
    """`make()` in a process of its own, within `timeout` seconds and `memory_mb` megabytes: its bytes, or
    the `JtaiError` it raised, or an `OutputError` saying which limit it met. (A progress report of
    thousands of rows took minutes and gigabytes before it had any bound.) Without `fork`, in this process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return make()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def work() -> None:
        limit = memory_mb * 1024 * 1024
        with suppress(ValueError, OSError):  # a hard limit already lower: keep it
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        answer: tuple[str, object]
        try:
            answer = ("made", make())
        except JtaiError as e:
            answer = (type(e).__name__, e.problems)
        except MemoryError:
            answer = ("memory", None)
        except Exception as e:  # a library's fault on odd input: reported, as render reports it
            answer = ("fault", f"{type(e).__name__}: {e}")
        sender.send(answer)

    process = context.Process(target=work, daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            message = f"took longer than {timeout:g} s and was stopped (see --timeout); nothing was written"
            raise OutputError(Problem(message, source, rule="internal"))
        try:
            kind, value = receiver.recv()
        except (EOFError, OSError):
            kind, value = "memory", None  # killed: the kernel's answer to a process past its memory
    finally:
        process.kill()
        process.join()
        receiver.close()
    if kind == "made":
        assert isinstance(value, bytes)
        return value
    if kind == "memory":
        message = f"needed more than {memory_mb:,} MB and was stopped (see --memory); nothing was written"
        raise OutputError(Problem(message, source, rule="internal"))
    if kind == "fault":
        raise OutputError(Problem(f"could not be made ({value}); please report this", source, rule="internal"))
    error = {c.__name__: c for c in (JtaiError, SpecError, TemplateError, OutputError, UsageError)}.get(kind, JtaiError)
    problems: list[Problem] = value if isinstance(value, list) else [Problem(str(value), source)]
    raise error(problems)


def build_many(
    named: Iterable[tuple[Path, str]] | Iterable[Path],
    out_dir: str | Path = "out",
    options: Options = DEFAULTS,
    *,
    strict: bool = False,
    timeout: float | None = None,
) -> Iterator[BuildResult | SpecFailure]:
    """Build each spec in turn, yielding its result or its failure; one failure never stops the rest.

    Takes specs, or (spec, name) pairs from `expand_named`. With `timeout`, a letter
    that takes longer fails alone (nothing of it is written).
    """
    for item in named:
        path, name = item if isinstance(item, tuple) else (item, item.stem)
        try:
            with _time_limit(timeout):
                result = build(path, out_dir, options, name=name, strict=strict)
        except UsageError:
            raise
        except JtaiError as e:
            yield SpecFailure(path, e)
        except _Overran:
            message = f"took longer than {timeout:g} s and was stopped (see --timeout); nothing was written"
            yield SpecFailure(path, JtaiError(Problem(message, path, rule="internal")))
        except Exception as e:  # a library's fault on odd input costs one letter, not the run
            yield SpecFailure(path, unexpected(path, e), e)
        else:
            yield result
