"""The one checking path: every problem of one spec, errors and warnings together, for the stages asked.

Every verb asks here and nowhere else (`validate`, `render`, `batch`, `preview`,
`register`, `progress`, `deadlines`), so two verbs given the same spec say the same
problems in the same words, and `render --strict` refuses exactly what
`validate --strict` refuses.

The stages, in order; each runs only if the ones before found no error:

1. `"check"`: the schema (with what `salvage` still finds in a spec that fails it),
   the layout (`layouts.yaml`'s requirements), the registered rules over every
   language, the glyphs every language's text needs, the layout's CSS, the images;
   with `as_of`, progress dated after that day (the clock: letters never read it).
2. `"render"`: a dry render to HTML (a template that would fail in `render` fails
   here, at the same place), then the post-render checks: the layout's sentences
   left in English in a Welsh letter (rule `translation`).
3. `"write"`: every format of `options.formats` written in memory, with what the
   printing libraries log while writing (`while printing: ...`) as warnings.
   Nothing touches the disk: `build` writes what this returns.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from jtai_letters import outputs
from jtai_letters.checks import css as css_check
from jtai_letters.checks import fonts, rules, sign_off  # sign_off: its checks register with rules on import
from jtai_letters.checks import salvage as partial_spec
from jtai_letters.errors import JtaiError, Problem, SpecError, TemplateError, UsageError, split
from jtai_letters.letter import layouts
from jtai_letters.letter.folders import find
from jtai_letters.letter.render import RenderedLetter, image_paths, render
from jtai_letters.letter.templates import stylesheets
from jtai_letters.pipeline.capture import writer_warnings
from jtai_letters.pipeline.options import DEFAULTS, FORMATS, Options
from jtai_letters.spec.load import InvalidSpec, LoadedSpec, load_spec

Stage = Literal["check", "render", "write"]
STAGES: tuple[Stage, ...] = ("check", "render", "write")


@dataclass(frozen=True)
class Inspection:
    """Everything found in one spec, errors and warnings together (mkdocs' `(errors, warnings)`:
    an error never hides a warning), and what the stages made.

    `problems` keeps each problem's own severity; `errors` and `warnings` apply `strict`.
    """

    path: Path
    problems: tuple[Problem, ...] = ()
    strict: bool = False
    spec: LoadedSpec | None = None  # None when the file could not be read as a spec at all
    partial: LoadedSpec | None = None  # else its report and response alone, if they make a model
    letter: RenderedLetter | None = None  # from the "render" stage, when it ran and succeeded
    outputs: dict[str, bytes] = field(default_factory=dict)  # from the "write" stage: format -> bytes
    failure: type[JtaiError] = SpecError  # what `raise_errors` raises: the kind of the first stage that failed
    deadline: dt.date | None = None  # last day for the response under s55, when the report date is known
    deadline_note: str | None = None  # why there is no deadline, for reports before s55(5A)

    @property
    def errors(self) -> list[Problem]:
        return split(list(self.problems), strict=self.strict)[0]

    @property
    def warnings(self) -> list[Problem]:
        return split(list(self.problems), strict=self.strict)[1]

    @property
    def valid(self) -> bool:
        return not self.errors

    def raise_errors(self) -> LoadedSpec:
        """The spec, if nothing is an error; else the stage's `JtaiError`, listing every error, then every warning."""
        if self.errors or self.spec is None:
            raise self.failure(self.errors + self.warnings)
        return self.spec

    def lean(self) -> Inspection:
        """Only what a report needs (no model, letter or bytes): cheap to send back from a worker process."""
        return replace(self, spec=None, partial=None, letter=None, outputs={})

    def written(self, formats: Iterable[str]) -> Inspection:
        """This inspection's letter written as `formats` too (the "write" stage, later: the preview's downloads)."""
        if self.letter is None or self.errors:
            return self
        return _write(self, tuple(formats))

    def as_json(self) -> dict[str, object]:
        """The JSON object `validate --format json` prints (documented in the README)."""

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


def inspect(
    path: str | os.PathLike[str],
    options: Options = DEFAULTS,
    *,
    until: Stage = "render",
    strict: bool = False,
    as_of: dt.date | None = None,
    text: str | None = None,
) -> Inspection:
    """Every problem of the spec at `path`, for the stages up to `until`; never raises for a bad spec.

    How to call it (every verb does one of these):

        found = inspect(path, options)                    # validate, preview: check + dry render
        found = inspect(path, options, as_of=today)       # ... and progress dated after `today` (validate)
        found = inspect(path, options, until="check", as_of=today)   # register, progress, deadlines
        found = inspect(path, options, until="write", strict=strict) # render, batch: bytes of options.formats
        spec = found.raise_errors()                       # the spec, or the JtaiError listing everything
        for line in lines(found.problems): ...            # errors first, then warnings, as every verb prints

    `found.errors` / `found.warnings` apply `strict` (every warning an error); `found.problems`
    keeps each one's own severity. A later stage runs only when the stages before found no
    error of their own (a warning, even under `strict`, does not stop them: the verbs report
    the same problems whether strict or not); "write" runs only when nothing at all is an error.
    `found.letter` is the rendered letter, `found.outputs` the written bytes (nothing on disk).
    With `text`, that text is checked as the file's contents (an editor's unsaved state).
    """
    if until not in STAGES:
        raise ValueError(f"unknown stage {until!r}; choose from {', '.join(STAGES)}")
    source = Path(path)
    found = _check(source, options, strict, as_of, text)
    if until == "check" or _has_errors(found.problems) or found.spec is None:
        return found
    found = _render(found, options)
    if until == "render" or found.errors:
        return found
    return _write(found, options.formats, options)


def lines(problems: Iterable[Problem], *, strict: bool = False) -> list[str]:
    """How every verb prints problems: one line each, errors first, then warnings."""
    errors, warnings = split(list(problems), strict=strict)
    return [str(p) for p in errors + warnings]


def _has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _check(path: Path, options: Options, strict: bool, as_of: dt.date | None, text: str | None) -> Inspection:
    try:
        loaded = load_spec(path, options.profile, options.profiles, text=text)  # read and parsed here, once
    except SpecError as e:
        # Every problem at once: what the rules still find beside the schema's faults.
        published = _published_from_tree(e)  # before salvage puts a stand-in for one that is not a date
        found, more = partial_spec.salvage(e)
        problems = e.problems + more
        if found is not None and as_of is not None:
            problems += rules.updates_after(found, as_of) + sign_off.recorded_after(found, as_of)
        # The partial model may hold a stand-in for the publication date (salvage): say only what the file gives.
        return Inspection(
            path,
            tuple(problems),
            strict,
            None,
            found,
            deadline=rules.publication_deadline(published) if published else None,
            deadline_note=rules.deadline_note(published) if published else None,
        )
    spec = loaded.spec
    problems = layouts.problems(loaded, options.templates_dir) + rules.check(loaded) + fonts.missing_glyphs(loaded)
    if find(options.templates_dir, f"{spec.layout}.html.j2") is not None:
        try:
            problems += css_check.problems(stylesheets(options.templates_dir, spec.layout))
        except TemplateError as e:  # a sheet linked out of the folder, or one that is a folder: this spec's problem
            problems += e.problems
    try:
        image_paths(loaded)
    except SpecError as e:
        problems += e.problems
    if as_of is not None:
        problems += rules.updates_after(loaded, as_of) + sign_off.recorded_after(loaded, as_of)
    published = spec.report.published
    return Inspection(
        path,
        tuple(problems),
        strict,
        loaded,
        deadline=rules.publication_deadline(published),
        deadline_note=rules.deadline_note(published),
    )


def _render(found: Inspection, options: Options) -> Inspection:
    assert found.spec is not None
    try:
        letter = render(found.spec, options.templates_dir)
    except UsageError:
        raise
    except JtaiError as e:
        return replace(found, problems=found.problems + _new(found.problems, e.problems), failure=type(e))
    # Sentences of the layout left in English in a Welsh letter.
    more = rules.untranslated(found.spec, letter.untranslated, options.templates_dir)
    return replace(found, problems=found.problems + tuple(more), letter=letter)


def _write(found: Inspection, formats: tuple[str, ...], options: Options | None = None) -> Inspection:
    assert found.letter is not None and found.spec is not None
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}'; choose from {', '.join(FORMATS)}")
    letter = found.letter
    if options is not None and options.archive:
        from jtai_letters.pipeline import archive  # pikepdf's attachments: only archival letters need them

        letter = replace(letter, attachments=archive.sources(found.spec))
    for fmt in formats:
        outputs.writer(fmt)  # imported before the capture: its loggers exist, so their records are caught
    blobs = dict(found.outputs)
    try:
        with writer_warnings(found.path) as printed:
            for fmt in formats:
                blobs[fmt] = outputs.write(fmt, letter)
    except UsageError:
        raise
    except JtaiError as e:
        problems = found.problems + _new(found.problems, e.problems) + _new(found.problems, printed)
        return replace(found, problems=problems, failure=type(e), outputs={})
    said = _new(found.problems, printed)
    # A warning while printing is about the layout (its CSS, its images), not the spec.
    failure = TemplateError if said and found.failure is SpecError else found.failure
    return replace(found, problems=found.problems + said, outputs=blobs, failure=failure)


def _new(old: tuple[Problem, ...], more: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(p for p in dict.fromkeys(more) if p not in old)


def _published_from_tree(error: SpecError) -> dt.date | None:
    # An invalid spec may still say when its report was published (in the tree its error carries).
    root = error.source.root if isinstance(error, InvalidSpec) else None
    try:
        published = root["report"]["published"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    is_date = isinstance(published, dt.date) and not isinstance(published, dt.datetime)
    return published if is_date else None
