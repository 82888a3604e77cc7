"""The command line: one thin verb per library call, errors caught in one place."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__, reference
from .errors import JtaiError, UsageError
from .models import Profile, Report, ResponseSpec
from .pipeline import FORMATS, Options, SpecFailure, build_many, expand, validate
from .skeleton import skeleton
from .templates import DEFAULT_TEMPLATES, layouts

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
REPORT_KINDS = typing.get_args(Report.model_fields["kind"].annotation)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _formats(value: str) -> list[str]:
    chosen = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [v for v in chosen if v not in FORMATS]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(FORMATS)} (comma-separated), not '{value}'")
    return chosen


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jtai-letters", description="Turn response specs (YAML) into s55 response letters (DOCX and PDF)."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    r = verbs.add_parser("render", help="render spec files to DOCX and PDF")
    b = verbs.add_parser("batch", help="render many specs in parallel, skipping letters that are up to date")
    for p in (r, b):
        p.add_argument("specs", nargs="+", type=Path, help="spec files or folders of them")
        p.add_argument("-o", "--out", type=Path, default=Path("out"), help="output folder (default: out/)")
        p.add_argument("--format", type=_formats, default=list(FORMATS), help="docx,pdf (default: both)")
        p.add_argument("--archive", action="store_true", help="PDF/A-3b with the spec attached")
        _common(p)
    b.add_argument("--jobs", type=_positive, default=None, help="worker processes (default: one per core)")
    b.add_argument("--force", action="store_true", help="render every spec, even those up to date")

    v = verbs.add_parser("validate", help="check spec files without rendering")
    v.add_argument("specs", nargs="+", type=Path, help="spec files or folders of them")
    v.add_argument("--format", dest="report", choices=("text", "json"), default="text", help="report format")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _common(v)

    x = verbs.add_parser("extract-spec", help="print the spec embedded in a letter made with --archive")
    x.add_argument("pdf", type=Path, help="an archival PDF letter")
    x.add_argument("--to", type=Path, help="write the spec, its profile and images into this folder")

    verbs.add_parser("layouts", help="list the layouts and when to use each")

    s = verbs.add_parser("schema", help="print the JSON Schema of a spec (for editors)")
    s.add_argument("--markdown", action="store_true", help="print the field reference as Markdown instead")
    s.add_argument("--profile", action="store_true", help="print the schema of an office profile instead")

    n = verbs.add_parser("new", help="print a commented spec to fill in")
    n.add_argument("--layout", required=True, help="layout to use (see `layouts`)")
    n.add_argument("--report-title", help="the report's title")
    n.add_argument("--published", type=_date, help="the report's publication date, YYYY-MM-DD")
    n.add_argument("--kind", choices=REPORT_KINDS, default="force-specific", help="the kind of report")
    n.add_argument("--area", help="the police area")
    n.add_argument("--commissioner", help="the commissioner's name")
    n.add_argument("--role", default="Police and Crime Commissioner", help="the commissioner's role title")
    n.add_argument("--url", help="where the report is published")
    n.add_argument("--body", action="store_true", help="start the letter as a body in your own order and headings")
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--templates", type=_templates, default=DEFAULT_TEMPLATES, help="folder of layout templates")
    parser.add_argument("--profile", type=_profile, default=None, help="office profile to use for every spec")


def _options(args: argparse.Namespace) -> Options:
    formats = tuple(getattr(args, "format", FORMATS))  # validate has no output formats
    archive = getattr(args, "archive", False)
    return Options(formats=formats, templates_dir=args.templates, profile=args.profile, archive=archive)


def _profile(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such profile: '{value}'")
    return path


def _templates(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no such templates folder: '{value}'")
    if not layouts(path):
        raise argparse.ArgumentTypeError(f"'{value}' holds no layouts (*.html.j2)")
    return path


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{value}'")
    return int(value)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2020-03-30, got '{value}'") from None


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting, so tests call it in-process."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
        if args.verb == "render":
            return _render(args, out, err)
        if args.verb == "batch":
            return _batch(args, out)
        if args.verb == "validate":
            return _validate(args, out)
        if args.verb == "schema":
            model = Profile if args.profile else ResponseSpec
            out.write(reference.markdown() if args.markdown else reference.json_schema_text(model))
            return EXIT_OK
        if args.verb == "new":
            return _new(args, out)
        if args.verb == "extract-spec":
            from .archive import extract_all, extract_spec

            if args.to:
                print(extract_all(args.pdf, args.to), file=out)
            else:
                out.write(extract_spec(args.pdf))
            return EXIT_OK
        for name, description in layouts().items():
            print(f"{name:<12} {description}", file=out)
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


def _new(args: argparse.Namespace, out: TextIO) -> int:
    available = layouts()
    if args.layout not in available:
        raise UsageError(f"unknown layout '{args.layout}'; choose from {', '.join(available)}")
    out.write(
        skeleton(
            args.layout,
            report_title=args.report_title,
            published=args.published,
            kind=args.kind,
            area=args.area,
            commissioner=args.commissioner,
            role=args.role,
            url=args.url,
            body=args.body,
        )
    )
    return EXIT_OK


def _batch(args: argparse.Namespace, out: TextIO) -> int:
    from . import batch  # worker pools and hashing: only batches need them

    specs = expand(args.specs)
    options = {"options": _options(args), "jobs": args.jobs, "force": args.force}
    if out.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(file=out)) as progress:
            task = progress.add_task("letters", total=len(specs))
            report = batch.run(specs, args.out, **options, on_done=lambda s: progress.advance(task))
    else:
        report = batch.run(specs, args.out, **options, on_done=lambda s: print(f"{s.status:<8} {s.spec}", file=out))
    failed = [s for s in report.letters if s.status == "failed"]
    for status in failed:
        for line in status.errors:
            print(line, file=out)
    print(
        f"{report.count('rendered')} rendered, {report.count('skipped')} skipped (unchanged), "
        f"{len(failed)} failed in {report.seconds:.1f} s",
        file=out,
    )
    return EXIT_INVALID if failed else EXIT_OK


def _render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    specs = expand(args.specs)
    failed = 0
    for result in build_many(specs, args.out, _options(args)):
        if isinstance(result, SpecFailure):
            failed += 1
            print(result.error, file=err)
            continue
        for warning in result.warnings:
            print(warning, file=err)
        print(f"{result.source} -> {', '.join(map(str, result.outputs))}", file=out)
    if len(specs) > 1:
        print(f"{len(specs) - failed} rendered, {failed} failed", file=out)
    return EXIT_INVALID if failed else EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    reports = [validate(path, _options(args), strict=args.strict) for path in expand(args.specs)]
    if args.report == "json":
        json.dump([r.as_json() for r in reports], out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for r in reports:
            for problem in r.errors + r.warnings:
                print(problem, file=out)
            n = len(r.warnings)
            extra = f" ({n} warning{'s' * (n != 1)})" if n else ""
            print(f"{r.path}: {'valid' if r.valid else 'invalid'}{extra}", file=out)
    return EXIT_OK if all(r.valid for r in reports) else EXIT_INVALID
