"""The command line: one thin verb per library call, errors caught in one place."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

from jtai_letters.errors import JtaiError, Problem, SpecError, UsageError
from jtai_letters.faces.skeleton import skeleton
from jtai_letters.letter import layouts
from jtai_letters.letter.folders import office_files
from jtai_letters.letter.templates import DEFAULT_TEMPLATES
from jtai_letters.pipeline.build import (
    MEMORY_MB,
    TIMEOUT_SECONDS,
    Options,
    SpecFailure,
    build_many,
    expand,
    expand_named,
    lines,
    stale_outputs,
    validate_many,
)
from jtai_letters.spec import dates
from jtai_letters.spec import schema as reference
from jtai_letters.spec.models import Profile, ResponseSpec
from jtai_letters.spec.vocabulary import (
    DEFAULT_FORMATS,
    DEFAULT_LANGUAGE,
    DEFAULT_REPORT_KIND,
    FORMATS,
    LETTER_LANGUAGES,
    REPORT_KINDS,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _formats(value: str) -> list[str]:
    chosen = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [v for v in chosen if v not in FORMATS]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(FORMATS)} (comma-separated), not '{value}'")
    return chosen


class _Version(argparse.Action):
    """`--version`, as argparse's own prints it, the version looked up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from jtai_letters import __version__

        print(f"{parser.prog} {__version__}")  # on standard output, as argparse's own `version` action
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jtai-letters",
        description="Turn response specs (YAML) into s55 response letters (DOCX, PDF and web page).",
    )
    parser.add_argument("--version", action=_Version)
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    r = verbs.add_parser("render", help="render spec files to DOCX, PDF and web page (--format)")
    b = verbs.add_parser("batch", help="render many specs in parallel, skipping letters that are up to date")
    for p in (r, b):
        p.add_argument("specs", nargs="+", type=Path, help="spec files or folders of them")
        p.add_argument("-o", "--out", type=Path, default=Path("out"), help="output folder (default: out/)")
        p.add_argument(
            "--format",
            type=_formats,
            default=list(DEFAULT_FORMATS),
            help=f"every format to write, by commas: {','.join(FORMATS)} (default: {','.join(DEFAULT_FORMATS)}); "
            "html alone writes the web page only",
        )
        p.add_argument("--archive", action="store_true", help="PDF/A-3b with the spec attached")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors: no letter with a warning")
        p.add_argument(
            "--timeout",
            type=_seconds,
            default=TIMEOUT_SECONDS,
            help=f"seconds a letter may take (default: {TIMEOUT_SECONDS:g})",
        )
        p.add_argument("--debug", action="store_true", help="show the traceback of an unexpected fault")
        _common(p)
    r.add_argument(
        "--memory",
        type=_positive,
        default=None,
        help="megabytes a letter may use: each is made in a process of its own (default: in this one, unbounded)",
    )
    b.add_argument("--jobs", type=_positive, default=None, help="worker processes (default: one per core)")
    b.add_argument("--force", action="store_true", help="render every spec, even those up to date")
    b.add_argument(
        "--memory", type=_positive, default=MEMORY_MB, help=f"megabytes a worker may use (default: {MEMORY_MB})"
    )
    b.add_argument("--prune", action="store_true", help="remove letters whose spec is gone from the output folder")

    v = verbs.add_parser("validate", help="check spec files without rendering")
    v.add_argument("specs", nargs="+", type=Path, help="spec files or folders of them")
    v.add_argument("--format", dest="report", choices=("text", "json"), default="text", help="report format")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors")
    v.add_argument("--jobs", type=_positive, default=None, help="processes for large folders (default: one per core)")
    v.add_argument("--as-of", type=_date, default=None, help="progress dated after this is a warning (default: today)")
    _common(v)

    for verb, what, formats, as_of in TRACKING:
        t = verbs.add_parser(verb, help=what)
        t.add_argument("specs", nargs="+", type=Path, help="spec files or folders of them")
        t.add_argument("-o", "--out", type=Path, required=True, help=f"the file to write: {formats}")
        t.add_argument("--as-of", type=_date, default=None, help=f"{as_of} (default: today)")
        t.add_argument(
            "--language",
            choices=LETTER_LANGUAGES,
            default=None,
            help="the language(s) it is written in, the first first (default: the first spec's office's)",
        )
        if verb == "progress":
            t.add_argument("--title", default=None, help="the report's title (default: Progress on inspection reports)")
            t.add_argument(
                "--since", type=_date, default=None, help="the last report's date: what was completed and updated since"
            )
            t.add_argument(
                "--timeout",
                type=_seconds,
                default=TIMEOUT_SECONDS,
                help=f"seconds the report may take (default: {TIMEOUT_SECONDS:g})",
            )
            t.add_argument(
                "--memory",
                type=_positive,
                default=MEMORY_MB,
                help=f"megabytes making the report may use (default: {MEMORY_MB})",
            )
        if verb == "deadlines":
            t.add_argument(
                "--drafts", action="store_true", help="a spec not yet valid adds its s55 deadline instead of failing"
            )
        _common(t)

    u = verbs.add_parser(
        "update",
        help="record progress on an action (or many, from a CSV of the register's rows) without editing YAML",
    )
    u.add_argument("spec", type=Path, nargs="?", help="the spec file to change (not with --from)")
    u.add_argument(
        "item", nargs="?", help="the item as the register names it: R1, AFI2, C1, or local for the letter's own"
    )
    u.add_argument(
        "--action", type=_positive, default=None, help="which of the item's actions, from 1 (default: its only one)"
    )
    u.add_argument("--status", default=None, help="where it stands now: planned, in progress, complete, superseded ...")
    u.add_argument("--note", default=None, help="what was done or what holds it up; for not applicable, why")
    u.add_argument("--date", type=_date, default=None, help="when it was recorded (default: today)")
    u.add_argument("--by", default=None, help="who recorded it, or who signed it off")
    u.add_argument("--evidence", default=None, help="what shows it (a document, a report to a board)")
    u.add_argument("--superseded-by", default=None, help="for superseded: the later item, as 'AFI3 of <report title>'")
    u.add_argument(
        "--from", dest="table", type=Path, default=None, help="a CSV of register rows: apply every row that changed"
    )
    _common(u)

    x = verbs.add_parser("extract-spec", help="print the spec embedded in a letter made with --archive")
    x.add_argument("pdf", type=Path, help="an archival PDF letter")
    x.add_argument("--to", type=Path, help="write the spec, its profile and images into this folder")
    x.add_argument("--force", action="store_true", help="with --to: overwrite files that exist")

    a = verbs.add_parser("absorb", help="bring the edits made in a letter's Word version back into its spec")
    a.add_argument("docx", type=Path, help="the edited DOCX (one this tool made)")
    a.add_argument("--into", type=Path, required=True, help="the spec the letter was made from")
    a.add_argument("--write", action="store_true", help="change the spec (default: only show the changes)")
    changes = a.add_mutually_exclusive_group()
    changes.add_argument("--accept-changes", action="store_true", help="take every tracked change as accepted")
    changes.add_argument("--reject-changes", action="store_true", help="take every tracked change as rejected")
    a.add_argument("--notes", type=Path, help="write the comments and what was not mapped to this review file")
    _common(a)

    lay = verbs.add_parser("layouts", help="list the layouts and when to use each")
    lay.add_argument("--templates", type=_templates, default=DEFAULT_TEMPLATES, help="folder of layout templates")

    w = verbs.add_parser("preview", help="show a spec's letter in the browser, made again each time it is saved")
    w.add_argument("spec", type=Path, help="the spec file")
    w.add_argument("--port", type=_port, default=8055, help="port on 127.0.0.1 (default: 8055; 0: any free port)")
    w.add_argument("--no-browser", action="store_true", help="print the address only; do not open a browser")
    _common(w)

    e = verbs.add_parser("edit", help="write a spec in the browser: a form beside its live letter, saved as YAML")
    e.add_argument("spec", type=Path, help="the spec file (with --new: the file to start)")
    e.add_argument("--new", action="store_true", help="start the spec file first, as `new` would write it")
    e.add_argument("--layout", default="letter", help="with --new: the layout to use (default: letter)")
    e.add_argument("--kind", choices=REPORT_KINDS, default=DEFAULT_REPORT_KIND, help="with --new: the kind of report")
    e.add_argument("--port", type=_port, default=8055, help="port on 127.0.0.1 (default: 8055; 0: any free port)")
    e.add_argument("--no-browser", action="store_true", help="print the address only; do not open a browser")
    _common(e)

    pub = verbs.add_parser(
        "publish", help="the publication set of an approved spec: PDF, Word, web page, CMS fragment, e-mails"
    )
    pub.add_argument("spec", type=Path, help="the spec file (its response.sign_off_steps must record `approved`)")
    pub.add_argument("-o", "--out", type=Path, required=True, help="the folder for the set (new, empty or its own)")
    pub.add_argument("--archive", action="store_true", help="the PDF as PDF/A-3b with the spec attached")
    pub.add_argument("--strict", action="store_true", help="treat warnings as errors")
    pub.add_argument(
        "--heading-level", type=int, default=None, help="the CMS fragment's first heading level, 1-6 (default: 2)"
    )
    pub.add_argument("--record", action="store_true", help="record the step `published` in the spec (needs --url)")
    pub.add_argument("--url", default=None, help="with --record: where the response is published")
    pub.add_argument("--date", type=_date, default=None, help="the day of publishing (default: today)")
    _common(pub)

    s = verbs.add_parser("schema", help="print the JSON Schema of a spec (for editors)")
    s.add_argument("--markdown", action="store_true", help="print the field reference as Markdown instead")
    s.add_argument("--profile", action="store_true", help="print the schema of an office profile instead")

    d = verbs.add_parser("draft", help="read an HMICFRS report (saved web page or PDF) into a draft spec")
    d.add_argument("report", type=Path, help="the report: a saved web page (.html, .htm) or a PDF")
    d.add_argument("--profile", type=_profile, default=None, help="the office profile the draft names")
    d.add_argument("--layout", default="letter", help="layout to use (default: letter; see `layouts`)")
    d.add_argument("-o", "--out", type=Path, default=None, help="write the draft here (default: standard output)")
    d.add_argument("--force", action="store_true", help="with -o: replace a file that exists")
    d.add_argument("--templates", type=_templates, default=DEFAULT_TEMPLATES, help="folder of layout templates")

    n = verbs.add_parser("new", help="print a commented spec to fill in")
    n.add_argument("--layout", required=True, help="layout to use (see `layouts`)")
    n.add_argument("--report-title", help="the report's title")
    # Checked as --url is, not by argparse: a value the spec would refuse exits 1 with validate's words.
    n.add_argument("--published", help="the report's publication date, YYYY-MM-DD")
    n.add_argument("--kind", choices=REPORT_KINDS, default=DEFAULT_REPORT_KIND, help="the kind of report")
    n.add_argument("--area", help="the police area")
    n.add_argument("--commissioner", help="the commissioner's name")
    n.add_argument("--role", default="Police and Crime Commissioner", help="the commissioner's role title")
    n.add_argument("--url", help="where the report is published")
    n.add_argument("--templates", type=_templates, default=DEFAULT_TEMPLATES, help="folder of layout templates")
    n.add_argument("--body", action="store_true", help="start the letter as a body in your own order and headings")
    n.add_argument(
        "--language",
        choices=LETTER_LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help="the office's language(s), the first first: the comments and the text to fill in",
    )
    return parser


# (verb, what it makes, the files it writes, what its --as-of date decides)
TRACKING = (
    (
        "register",
        "one row per promised action across specs, as .xlsx, .csv, .json or .html",
        ".xlsx, .csv, .json, .html",
        "actions due before this date and still open are overdue; progress dated after it is left out, with a warning",
    ),
    (
        "progress",
        "a progress report on the actions, for a panel or board, as PDF, DOCX or a web page",
        ".pdf, .docx or .html",
        "the report's date: actions due before it and still open are overdue; progress dated after it is left out",
    ),
    (
        "deadlines",
        "s55 deadlines (drafts too), chief constables' comment dates and open actions' due dates as an iCalendar file",
        ".ics",
        "progress dated after this date is left out, with a warning (the calendar holds every open action, "
        "whatever its date, and each draft's s55 deadline)",
    ),
)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--templates", type=_templates, default=DEFAULT_TEMPLATES, help="folder of layout templates")
    parser.add_argument("--profile", type=_profile, default=None, help="office profile to use for every spec")
    parser.add_argument("--profiles", type=_folder, default=None, help="folder of office profiles specs may name")


def _options(args: argparse.Namespace) -> Options:
    formats = tuple(getattr(args, "format", DEFAULT_FORMATS))  # validate has no output formats
    archive = getattr(args, "archive", False)
    return Options(
        formats=formats, templates_dir=args.templates, profile=args.profile, archive=archive, profiles=args.profiles
    )


def _profile(value: str) -> Path:
    path = Path(value)
    if not os.path.isfile(path):  # not Path.is_file, which raises for a name too long
        raise argparse.ArgumentTypeError(
            f"no such profile: '{value}' (looked for {path.name} in {path.parent.resolve()})"
        )
    return path


def _folder(value: str) -> Path:
    path = Path(value)
    if not os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"no such folder: '{value}'")
    return path


def _templates(value: str) -> Path:
    path = Path(value)
    if not os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"no such templates folder: '{value}'")
    if not office_files(path):
        raise argparse.ArgumentTypeError(
            f"'{value}' holds no templates (*.j2), stylesheets (*.css), layouts.yaml, locale/ or tracking/ "
            "to put in front of ours"
        )
    return path


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not 0 < seconds < 86400:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got '{value}'")
    return seconds


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{value}'")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got '{value}'")
    return int(value)


def _date(value: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(dates.not_a_date(value)) from None
    if date.year > 9000:  # deadlines and due dates are counted from it, past the calendar's end
        raise argparse.ArgumentTypeError(f"expected a date before the year 9000, got '{value}'")
    return date


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting, so tests call it in-process.

    Run as the program (`__main__.run`), the process is jtai-letters' own (`process.own_process`);
    called here (a test, a host), it changes nothing in the process.
    """
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
        if args.verb == "render":
            return _render(args, out, err)
        if args.verb == "batch":
            return _batch(args, out)
        if args.verb == "validate":
            return _validate(args, out)
        if args.verb in {verb for verb, *_ in TRACKING}:
            return _tracking(args, out, err)
        if args.verb == "update":
            return _update(args, out, err)
        if args.verb == "schema":
            model = Profile if args.profile else ResponseSpec
            out.write(reference.markdown() if args.markdown else reference.json_schema_text(model))
            return EXIT_OK
        if args.verb == "new":
            return _new(args, out)
        if args.verb == "draft":
            return _draft(args, out, err)
        if args.verb == "publish":
            return _publish(args, out, err)
        if args.verb == "preview":
            from jtai_letters.faces.preview import serve  # a web server: only the preview needs one

            serve(args.spec, _options(args), port=args.port, open_browser=not args.no_browser, out=out)
            return EXIT_OK
        if args.verb == "absorb":
            return _absorb(args, out)
        if args.verb == "edit":
            return _edit(args, out)
        if args.verb == "extract-spec":
            from jtai_letters.pipeline.archive import extract_all, extract_spec

            if args.to:
                skipped: list[str] = []
                print(extract_all(args.pdf, args.to, force=args.force, skipped=skipped), file=out)
                for name in skipped:
                    print(f"{args.pdf}: not written: '{name}' is attached, but the spec does not name it", file=err)
            else:
                out.write(_shown(extract_spec(args.pdf)))
            return EXIT_OK
        for line in layouts.describe(args.templates):
            print(line, file=out)
        return EXIT_OK
    except UsageError as e:
        print(f"error: {e}", file=err)
        return EXIT_USAGE
    except JtaiError as e:
        print(e, file=err)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return 130
    except BrokenPipeError:  # the reader went away (`validate ... | head`): stop without a traceback
        if out is sys.stdout:  # and let Python's final flush of stdout write nowhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_INVALID


def _absorb(args: argparse.Namespace, out: TextIO) -> int:
    from jtai_letters.pipeline.absorb import absorb, report  # lxml reading: only absorb needs it

    for given in (args.docx, args.into):
        if not given.is_file():
            raise UsageError(f"no such file: {given}")
    mode: Literal["accept", "reject"] | None = (
        "accept" if args.accept_changes else "reject" if args.reject_changes else None
    )
    found = absorb(args.docx, args.into, mode=mode, write=args.write, notes=args.notes, options=_options(args))
    for line in report(found):
        print(line, file=out)
    said = f"{_count(len(found.changes), 'change')}, {_count(len(found.comments), 'comment')}, "
    said += f"{_count(len(found.unmapped), 'thing')} not mapped"
    if found.pending:
        said += f", {_count(len(found.pending), 'tracked change')} pending"
    if found.written:
        print(f"{said}: {args.into} written", file=out)
        for problem in found.checked:
            print(problem, file=out)
        return EXIT_INVALID if any(p.severity == "error" for p in found.checked) else EXIT_OK
    where = "" if not found.changes else " (--write to change the spec)"
    print(f"{said}: the spec is unchanged{where}", file=out)
    if args.notes:
        print(f"review notes: {args.notes}", file=out)
    return EXIT_OK


def _new(args: argparse.Namespace, out: TextIO) -> int:
    available = layouts.available(args.templates)
    if args.layout not in available:
        raise UsageError(f"unknown layout '{args.layout}'; choose from {', '.join(available)}")
    out.write(
        skeleton(
            available[args.layout],
            report_title=args.report_title,
            published=_published(args.published),
            kind=args.kind,
            area=args.area,
            commissioner=args.commissioner,
            role=args.role,
            url=args.url,
            body=args.body,
            language=args.language,
            templates_dir=args.templates,
        )
    )
    return EXIT_OK


_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0, 9), 11, 12, *range(14, 32), 127)} | {
    c: f"\\u{c:04x}" for c in (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def _shown(text: str) -> str:
    """Text from a file of unknown origin as it may be printed to a terminal: control characters and
    bidirectional overrides escaped (`\\x1b`, `\\u202e`), so it cannot move the cursor or reorder lines."""
    return text.translate(_CONTROLS)


def _draft(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from jtai_letters.report.draft import draft, save  # the report readers: only draft needs them

    made = draft(
        args.report, profile=args.profile, layout=args.layout, spec_path=args.out, templates_dir=args.templates
    )
    if args.out is not None:
        save(made.text, args.out, force=args.force)
    else:
        out.write(made.text)
    for line in made.summary():
        print(line, file=err)
    if args.out is not None:
        print(f"{args.out}: written; answer each item, replace every TODO, then validate it", file=err)
    return EXIT_OK


def _edit(args: argparse.Namespace, out: TextIO) -> int:
    from jtai_letters.faces import editor  # a web server: only the editor and the preview need one

    if args.new:
        available = layouts.available(args.templates)
        if args.layout not in available:
            raise UsageError(f"unknown layout '{args.layout}'; choose from {', '.join(available)}")
        # The form starts from the standard skeleton; the PEEL parts `new --kind peel` writes are not in it yet.
        editor.new_spec(args.spec, skeleton(available[args.layout], kind=args.kind, peel_parts=False))
    elif not args.spec.is_file():
        raise UsageError(f"{args.spec}: no such file (start one with --new)")
    editor.serve(args.spec, _options(args), port=args.port, open_browser=not args.no_browser, out=out)
    return EXIT_OK


def _published(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return _date(value)
    except argparse.ArgumentTypeError as e:
        raise SpecError(Problem(str(e), Path("--published"), field="report.published")) from None


def _batch(args: argparse.Namespace, out: TextIO) -> int:
    from jtai_letters.pipeline import batch  # worker processes and hashing: only batches need them

    specs = expand_named(args.specs)
    options = {
        "options": _options(args),
        "jobs": args.jobs,
        "force": args.force,
        "strict": args.strict,
        "prune": args.prune,
        "timeout": args.timeout,
        "memory_mb": args.memory,
        "debug": args.debug,
    }
    if out.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(file=out)) as progress:
            task = progress.add_task("letters", total=len(specs))
            report = batch.run(specs, args.out, **options, on_done=lambda s: progress.advance(task))
    else:
        report = batch.run(specs, args.out, **options, on_done=lambda s: print(f"{s.status:<8} {s.spec}", file=out))
    for status in report.letters:
        for line in status.errors + status.warnings:
            print(line, file=out)
        for path in status.stale:
            print(f"{path}: out of date: an older letter of {status.spec}, which failed this time", file=out)
    for key in report.gone:
        print(f"{args.out / key}: its spec is gone; its letters stay in {args.out} (--prune removes them)", file=out)
    for path in report.pruned:
        print(f"{path}: removed (its spec is gone)", file=out)
    for line in report.kept:
        print(line, file=out)
    if report.manifest_error:
        print(f"{report.manifest_error} (the manifest was not updated: the next run checks every letter)", file=out)
    print(f"{report.summary()} in {report.seconds:.1f} s", file=out)
    return EXIT_INVALID if report.count("failed") else EXIT_OK


def _render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    named = expand_named(args.specs)
    options = _options(args)
    failed = 0
    made = build_many(named, args.out, options, strict=args.strict, timeout=args.timeout, memory_mb=args.memory)
    for result in made:
        if isinstance(result, SpecFailure):
            failed += 1
            for line in lines(result.error.problems):
                print(line, file=err)
            if args.debug and result.fault is not None:
                traceback.print_exception(result.fault, file=err)
            for path in stale_outputs(args.out, dict(named)[result.source], options.formats):
                print(f"{path}: out of date: an older letter of {result.source}, which failed this time", file=err)
            continue
        for line in lines(result.warnings):
            print(line, file=err)
        print(f"{result.source} -> {', '.join(map(str, result.outputs))}", file=out)
    print(f"{len(named) - failed} rendered, {failed} failed", file=out)  # render never skips a letter
    return EXIT_INVALID if failed else EXIT_OK


def _publish(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from jtai_letters.pipeline.publish import publish

    if args.record != bool(args.url):
        raise UsageError("--record and --url go together: --record --url https://... records where it is published")
    made = publish(
        args.spec,
        args.out,
        _options(args),
        strict=args.strict,
        heading_level=args.heading_level,
        record_url=args.url if args.record else None,
        today=args.date,
    )
    for line in lines(made.warnings):
        print(line, file=err)
    for path in made.files:
        print(path, file=out)
    recorded = f"; recorded as published in {args.spec}" if made.recorded else ""
    print(f"{made.folder}: {_count(len(made.files), 'file')}{recorded}", file=out)
    return EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    reports = validate_many(expand(args.specs), _options(args), strict=args.strict, jobs=args.jobs, as_of=args.as_of)
    if args.report == "json":
        json.dump([r.as_json() for r in reports], out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for r in reports:
            for line in lines(r.errors + r.warnings):
                print(line, file=out)
            n = len(r.warnings)
            extra = f" ({n} warning{'s' * (n != 1)})" if n else ""
            print(f"{r.path}: {'valid' if r.valid else 'invalid'}{extra}", file=out)
    return EXIT_OK if all(r.valid for r in reports) else EXIT_INVALID


def _tracking(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from jtai_letters.tracking import deadlines, progress, register

    export = {"register": register.export, "progress": progress.export, "deadlines": deadlines.export}[args.verb]
    extra: dict[str, Any] = {}
    if args.verb == "progress":
        extra = {"title": args.title, "since": args.since, "timeout": args.timeout, "memory_mb": args.memory}
    if args.verb == "deadlines":
        extra = {"drafts": args.drafts}
    made = export(
        expand(args.specs), args.out, args.as_of or dt.date.today(), _options(args), language=args.language, **extra
    )
    for line in lines(made.warnings):
        print(line, file=err)
    specs = len(made.specs)
    if args.verb == "deadlines":
        kept, comments, due = deadlines.counts(made)
        asked = f", {_count(comments, 'date')} the chief constable's comments are due" if comments else ""
        what = f"{_count(kept, 's55 deadline')}{asked}, {_count(due, 'open action due date')}"
    else:
        what = _count(len(made.rows), "register row")
    print(f"{args.out}: {_count(specs, 'spec')}, {what}", file=out)
    return EXIT_OK


def _update(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from jtai_letters.tracking import update

    options = _options(args)
    unchanged = 0
    if args.table is not None:
        given = [
            f"--{name.replace('_', '-')}"
            for name in ("action", "status", "note", "by", "evidence", "superseded_by")
            if getattr(args, name) is not None
        ]
        if args.spec is not None or given:
            raise UsageError(
                "update --from takes its specs, items and statuses from the CSV: give it alone (and --date)"
            )
        changes, unchanged = update.from_csv(args.table, options, date=args.date)
    else:
        if args.spec is None or args.item is None or args.status is None:
            raise UsageError("update needs SPEC ITEM --status S (or --from updates.csv)")
        status = update.recordable(args.status)
        changes = [
            update.Change(
                args.spec,
                args.item,
                args.action,
                status,
                args.note,
                args.date,
                args.by,
                args.evidence,
                args.superseded_by,
            )
        ]
    done = update.apply(changes, options)
    for line in lines(done.warnings):
        print(line, file=err)
    for line in done.lines:
        print(line, file=out)
    same = f"; {_count(unchanged, 'row')} unchanged" if args.table is not None else ""
    print(f"{_count(len(done.lines), 'update')} recorded in {_count(len(done.written), 'spec')}{same}", file=out)
    return EXIT_OK


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' * (n != 1)}"
