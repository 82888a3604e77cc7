"""Spec files -> letters on disk: `build` one, `build_many` in turn, `validate` without writing.

Each is a thin step over `inspect` (the one checking path, which also renders and
writes in memory) and `files.write_atomic` (the only way a file reaches the disk).
The names other modules imported from here before the pipeline was split by job
(options, discovery, files, capture, faults, pool) are kept importable from here.
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from jtai_letters.errors import JtaiError, OutputError, Problem, SpecError, TemplateError, UsageError
from jtai_letters.files import write_atomic
from jtai_letters.pipeline.discovery import SPEC_SUFFIXES, expand, expand_named
from jtai_letters.pipeline.faults import (
    MEMORY_MB,
    TIMEOUT_SECONDS,
    Overran,
    limit_memory,
    overran,
    time_limit,
    unexpected,
)
from jtai_letters.pipeline.files import output_path, stale_outputs
from jtai_letters.pipeline.inspect import Inspection, inspect, lines
from jtai_letters.pipeline.options import DEFAULT_FORMATS, DEFAULTS, FORMATS, Options
from jtai_letters.pipeline.pool import each_spec
from jtai_letters.process import one_job

__all__ = [
    "DEFAULTS",
    "DEFAULT_FORMATS",
    "FORMATS",
    "MEMORY_MB",
    "SPEC_SUFFIXES",
    "TIMEOUT_SECONDS",
    "BuildResult",
    "Options",
    "SpecFailure",
    "Validation",
    "build",
    "build_many",
    "each_spec",
    "expand",
    "expand_named",
    "lines",
    "output_path",
    "stale_outputs",
    "unexpected",
    "validate",
    "validate_many",
    "write_atomic",
]

T = TypeVar("T")

Validation = Inspection
"""What `validate` says about one spec file (an `Inspection` without its model)."""


@dataclass
class BuildResult:
    """What building one spec produced."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # spec, layout files and images it was made from


@dataclass(frozen=True)
class SpecFailure:
    """A spec that could not be built, and why."""

    source: Path
    error: JtaiError
    fault: BaseException | None = None  # an unexpected exception behind `error`, for --debug


def validate(
    path: Path, options: Options = DEFAULTS, *, strict: bool = False, as_of: dt.date | None = None
) -> Validation:
    """Check one spec file and report every problem; never raises for a bad spec.

    Progress dated after `as_of` (default today) is a warning (an error with `strict`).
    A spec without errors is also rendered to HTML (a dry run: no PDF, no Word), so a
    template that would fail in `render` fails here, at the same place.
    """
    return inspect(path, options, strict=strict, as_of=as_of or dt.date.today()).lean()


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
    found = inspect(source, options, until="write", strict=strict)
    found.raise_errors()
    assert found.letter is not None
    targets = {output_path(out, name or source.stem, fmt, source): data for fmt, data in found.outputs.items()}
    made_from = {os.path.realpath(p) for p in (source, *found.letter.inputs)}
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
    return BuildResult(source, list(targets), found.warnings, list(found.letter.inputs))


def bounded(make: Callable[[], T], *, timeout: float | None, memory_mb: int, source: Path | None = None) -> T:
    """`make()` in a process of its own, within `timeout` seconds and `memory_mb` megabytes: what it
    returned, or the `JtaiError` it raised, or an `OutputError` saying which limit it met. (A progress
    report of thousands of rows took minutes and gigabytes before it had any bound; `render --memory`
    makes each letter so.) Without `fork`, in this process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return make()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def work() -> None:
        limit_memory(memory_mb)
        one_job()
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
        return value  # type: ignore[no-any-return]  # what `make` returned, through the pipe
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
    memory_mb: int | None = None,
) -> Iterator[BuildResult | SpecFailure]:
    """Build each spec in turn, yielding its result or its failure; one failure never stops the rest.

    Takes specs, or (spec, name) pairs from `expand_named`. With `timeout`, a letter
    that takes longer fails alone (nothing of it is written). With `memory_mb`, each
    letter is made in a process of its own within both (`bounded`, as a progress
    report is), so one that needs more fails alone too.
    """
    for item in named:
        path, name = item if isinstance(item, tuple) else (item, item.stem)
        try:
            if memory_mb is None:
                with time_limit(timeout):
                    result = build(path, out_dir, options, name=name, strict=strict)
            else:
                result = bounded(
                    functools.partial(build, path, out_dir, options, name=name, strict=strict),
                    timeout=timeout,
                    memory_mb=memory_mb,
                    source=path,
                )
        except UsageError:
            raise
        except JtaiError as e:
            yield SpecFailure(path, e)
        except Overran:
            yield SpecFailure(path, overran(path, timeout or 0))
        except Exception as e:  # a library's fault on odd input costs one letter, not the run
            yield SpecFailure(path, unexpected(path, e), e)
        else:
            yield result
