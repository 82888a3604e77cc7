"""What was promised, across letters: one row per action of every item a report makes.

The register reads the spec models, never the rendered letters (pelican's
generators read content objects). `progress` and `deadlines` are made from the
same rows, so their counts and dates cannot disagree with it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import json
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from jtai_letters.checks import rules, sign_off
from jtai_letters.errors import OutputError, Problem, SpecError, TemplateError, UsageError
from jtai_letters.files import write_atomic
from jtai_letters.letter import style as house
from jtai_letters.letter.folders import find
from jtai_letters.letter.templates import DEFAULT_TEMPLATES, environment
from jtai_letters.outputs import ZIP_DATE
from jtai_letters.pipeline.build import DEFAULTS, Options, check, each_spec
from jtai_letters.spec.load import source_of
from jtai_letters.spec.models import Action, Answer, Due, Item, ResponseSpec
from jtai_letters.spec.vocabulary import (
    CLOSED,
    DEFAULT_LANGUAGE,
    ITEM_KINDS,
    NO_ACTION,
    NO_STATUS,
    NOT_ANSWERED,
    NOT_APPLICABLE,
    ROW_STATUSES,
    WORDS,
)

COLUMNS = (
    "office",
    "report_title",
    "report_kind",
    "report_published",
    "s55_deadline",
    "deadline_met",
    "item_type",
    "item_id",
    "item_text",
    "addressed_to",
    "answer",
    "action",
    "owner",
    "due",
    "status",
    "last_update",
    "overdue",
    "stage",
    "next_due",
    "next_due_date",
)
"""The register's columns, in order: the header of the CSV, the JSON keys and the first sheet."""

STATUSES = ROW_STATUSES
"""Every value of the status column, in the order reports count them."""


@dataclass(frozen=True)
class Row:
    """One action (or one item without actions): the `COLUMNS`, then what progress reports also need."""

    office: str
    report_title: str
    report_kind: str
    report_published: dt.date
    s55_deadline: dt.date | None  # none for reports published before s55(5A) came into force
    deadline_met: bool | None
    stage: str  # where the response stands (its furthest sign-off step, or draft)
    next_due: str  # what the response waits for next, in words ("" when nothing)
    next_due_date: dt.date | None
    item_type: str
    item_id: str
    item_text: str
    addressed_to: str
    answer: str
    action: str
    owner: str
    due: dt.date | None
    status: str
    last_update: dt.date | None
    overdue: bool
    note: str = ""  # the latest update's note
    action_number: int = 0  # 1-based within the item; 0 for an item without actions
    response_date: dt.date = dt.date(1970, 1, 1)
    source: Path | None = None  # the spec file the row comes from, for messages and calendar UIDs

    def cells(self) -> tuple[Any, ...]:
        """The values of `COLUMNS`, typed (dates, booleans)."""
        return tuple(getattr(self, name) for name in COLUMNS)

    @property
    def open(self) -> bool:
        """Whether the row still needs following up."""
        return self.status not in CLOSED


@dataclass(frozen=True)
class Register:
    """The rows of a set of specs as of a date, with the warnings reading them raised."""

    rows: list[Row]
    as_of: dt.date
    warnings: list[Problem]
    specs: list[ResponseSpec]
    templates: Path = DEFAULT_TEMPLATES  # the folder given with --templates, in front of ours

    def page(self, name: str, **context: Any) -> str:
        """`tracking/<name>` rendered with `context`: the office's, when its templates folder carries
        one, else ours (each file from the first folder holding it, as the letters' are);
        `TemplateError` (located) when it fails."""
        where = find(self.templates, f"{TRACKING}/{name}") or DEFAULT_TEMPLATES / TRACKING / name
        try:
            page = environment(self.templates).get_template(f"{TRACKING}/{name}")
            return page.render(**{"style": house.HOUSE_STYLE, **context}, vocabulary=WORDS, lang=DEFAULT_LANGUAGE)
        except jinja2.TemplateSyntaxError as e:
            problem = Problem(f"template error: {e.message}", Path(e.filename or where), e.lineno, rule="template")
            raise TemplateError(problem) from None
        except (jinja2.TemplateError, SecurityError) as e:
            raise TemplateError(Problem(f"template error: {e}", where, rule="template")) from None


TRACKING = "tracking"
"""The folder of the register's and progress report's templates, inside a templates folder."""


def read(paths: Iterable[Path], as_of: dt.date, options: Options = DEFAULTS) -> Register:
    """Check every spec and make the register; `SpecError` lists the problems of every invalid spec.

    Nothing is left out silently: one invalid spec fails the register, with every spec's errors.
    """
    specs: list[ResponseSpec] = []
    problems: list[Problem] = []
    failed = False
    for spec, found in _checked(list(paths), as_of, options):
        problems += found
        if spec is None:
            failed = True
        else:
            specs.append(spec)
    if failed:
        raise SpecError(problems)
    every = [row for spec in specs for row in rows(spec, as_of)]
    return Register(every, as_of, problems, specs, options.templates_dir)


PARALLEL_FROM = 100  # specs; below this, starting worker processes costs more than it saves


def _checked(paths: list[Path], as_of: dt.date, options: Options) -> list[tuple[ResponseSpec | None, list[Problem]]]:
    # Reading and checking a spec is nearly all of a register's time: share it among the cores.
    one = functools.partial(_check_one, as_of=as_of, options=options)
    return each_spec(one, paths, options, pool_from=PARALLEL_FROM)


def _check_one(path: Path, *, as_of: dt.date, options: Options) -> tuple[ResponseSpec | None, list[Problem]]:
    try:
        spec = check(path, options).spec
    except SpecError as e:
        return None, e.problems
    warnings = rules.updates_after(spec, as_of)
    # Its problems are located: the YAML tree can stay behind (a worker need not send it back).
    spec._source = dataclasses.replace(source_of(spec), root=None)
    return spec, warnings


def _items(spec: ResponseSpec) -> Iterator[tuple[str, Item, str, Answer | None, bool]]:
    """(kind, item, addressed to, answer or None, whether the answer applies) for every item the report makes."""
    for kind in ITEM_KINDS:
        answers: dict[str, Answer] = {}
        for answer in getattr(spec.response, kind.field):
            for item_id in answer.answered_ids:
                answers.setdefault(item_id, answer)
        for item in getattr(spec.report, kind.field):
            answer = answers.get(item.id)
            yield kind.name, item, item.addressed_to or "", answer, answer.applies if answer else True


def last_day(due: Due | None) -> dt.date | None:
    """The day an action is due by: the day, or the last day of a month or quarter."""
    return due.last_day if due else None


LOCAL = "local action"
"""The item type of the letter's own actions (`response.local_actions`), tied to no item: item columns empty."""


def rows(spec: ResponseSpec, as_of: dt.date) -> Iterator[Row]:
    """The register rows of one spec, in the order its letter answers the items, then its own actions."""
    report, response = spec.report, spec.response
    deadline = rules.publication_deadline(report.published)
    where = sign_off.stage(spec)
    every: dict[str, Any] = {
        "office": spec.office.name,
        "report_title": report.title,
        "report_kind": report.kind,
        "report_published": report.published,
        "s55_deadline": deadline,
        "deadline_met": response.date <= deadline if deadline else None,  # none before s55(5A)
        "stage": where.label,
        "next_due": where.next_due,
        "next_due_date": where.next_due_date,
        "response_date": response.date,
        "source": source_of(spec).path,
    }
    for kind, item, addressed_to, answer, applies in _items(spec):
        common: dict[str, Any] = {
            **every,
            "item_type": kind,
            "item_id": item.id,
            "item_text": item.text,
            "addressed_to": addressed_to,
            "answer": answer.response if answer else "",
        }
        actions: list[Action] = list(answer.actions) if answer else []
        if not actions:
            status = NOT_ANSWERED if answer is None else NO_ACTION if applies else NOT_APPLICABLE
            yield Row(**common, action="", owner="", due=None, status=status, last_update=None, overdue=False)
        yield from _action_rows(common, actions, as_of)
    local = {**every, "item_type": LOCAL, "item_id": "", "item_text": "", "addressed_to": "", "answer": ""}
    yield from _action_rows(local, response.local_actions, as_of)


def _action_rows(common: dict[str, Any], actions: Iterable[Action], as_of: dt.date) -> Iterator[Row]:
    for number, action in enumerate(actions, 1):
        latest = action.updates[-1] if action.updates else None  # validated oldest first
        status = latest.status if latest else action.status or NO_STATUS
        due = last_day(action.due)
        yield Row(
            **common,
            action=action.text,
            owner=action.owner or "",
            due=due,
            status=status,
            last_update=latest.date if latest else None,
            overdue=due is not None and due < as_of and status not in CLOSED,
            note=(latest.note or "") if latest else "",
            action_number=number,
        )


def by_report(register: Register) -> dict[str, list[Row]]:
    """The rows of each response, in the register's order, under the report's title
    (and the office's name, when the register holds more than one office)."""
    offices = {row.office for row in register.rows}
    groups: dict[str, list[Row]] = {}
    for row in register.rows:
        label = row.report_title if len(offices) == 1 else f"{row.report_title} ({row.office})"
        groups.setdefault(label, []).append(row)
    return groups


def counts(register: Register) -> dict[str, dict[str, int]]:
    """Rows by report (as `by_report` names them) and status; only the statuses that occur, in `STATUSES` order."""
    found: dict[str, dict[str, int]] = {}
    for label, group in by_report(register).items():
        tally = {status: sum(row.status == status for row in group) for status in STATUSES}
        found[label] = {status: n for status, n in tally.items() if n}
    return found


# -- formats ---------------------------------------------------------------------------------------

YES_NO = {True: "yes", False: "no"}
# A spreadsheet runs a cell starting with these as a formula: spec text is data, so CSV quotes it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def to_csv(register: Register) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads the characters right; booleans as yes/no."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in register.rows:
        cells = [_text(v) for v in row.cells()]
        writer.writerow(["'" + c if c.startswith(_FORMULA_START) else c for c in cells])
    return out.getvalue().encode("utf-8-sig")


def to_json(register: Register) -> bytes:
    """A list of objects with the `COLUMNS` as keys; dates ISO, booleans true/false, blanks null."""
    records = [
        {
            k: (v.isoformat() if isinstance(v, dt.date) else v if v != "" else None)
            for k, v in zip(COLUMNS, row.cells(), strict=True)
        }
        for row in register.rows
    ]
    return (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode()


# Excel column widths in characters: long text columns wrap at a readable width.
_WIDTHS = {"item_text": 60, "answer": 60, "action": 50, "report_title": 40, "office": 30, "owner": 25}
_WRAPPED = ("item_text", "answer", "action")


XLSX_CELL_CHARACTERS = 32_767
"""Excel's limit on one cell's text: the xlsx register holds the first this many characters of a longer one."""


def cut_cells(register: Register, target: Path) -> list[Problem]:
    """A warning for each cell of the xlsx register longer than Excel holds: which text, and where it is whole."""
    found = []
    for row in register.rows:
        for name, value in zip(COLUMNS, row.cells(), strict=True):
            if isinstance(value, str) and len(value) > XLSX_CELL_CHARACTERS:
                what = f"{row.item_type} {row.item_id}".strip() if row.item_type else "a row"
                message = (
                    f"{target.name}: the {name} of {what} is {len(value):,} characters; Excel holds "
                    f"{XLSX_CELL_CHARACTERS:,} in a cell, so the spreadsheet has only its start: the whole text "
                    "is in the .csv and .json registers"
                )
                found.append(Problem(message, row.source, severity="warning", rule="register"))
    return found


def to_xlsx(register: Register) -> bytes:
    """An Excel table with filters and a frozen header; dates typed as dates. Same register, same bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook(write_only=True)  # streamed: half the time of a workbook held cell by cell
    sheet = book.create_sheet("Register")
    sheet.freeze_panes = "A2"
    for i, name in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(name, max(len(name) + 4, 12))
    sheet.append(COLUMNS)
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped = {COLUMNS.index(name) for name in _WRAPPED}

    def cell(i: int, value: Any) -> Any:
        if isinstance(value, bool):
            return YES_NO[value]
        if not isinstance(value, str) or not (i in wrapped or value.startswith("=")):
            return value  # most cells: plain values, far quicker than styled cells
        styled = WriteOnlyCell(sheet, value)
        styled.data_type = "s"  # never a formula, whatever the text starts with
        if i in wrapped:
            styled.alignment = wrap
        return styled

    for row in register.rows:
        sheet.append([cell(i, value) for i, value in enumerate(row.cells())])
    last_row = max(len(register.rows), 1) + 1  # a table has at least one row below its header, if empty
    table = Table(displayName="Register", ref=f"A1:{get_column_letter(len(COLUMNS))}{last_row}")
    table._initialise_columns()  # a streamed sheet cannot read its header back: name the columns here
    for column, name in zip(table.tableColumns, COLUMNS, strict=True):
        column.name = name
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():  # openpyxl warns on every streamed table; its columns are named above
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
        sheet.add_table(table)  # an Excel table carries its own filter buttons
    when = dt.datetime.combine(register.as_of, dt.time())
    book.properties.creator = "jtai-letters"
    book.properties.title = "Register of responses to inspection reports"
    book.properties.created = book.properties.modified = when
    out = io.BytesIO()
    ExcelWriter(book, _UndatedZip(out, "w", zipfile.ZIP_DEFLATED)).save()  # save_workbook would stamp the clock
    return out.getvalue()


class _UndatedZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one fixed date, not the time they were written."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(info, data)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        self.writestr(str(arcname or filename), Path(filename).read_bytes())


def to_html(register: Register) -> bytes:
    """An accessible web page: language, title, main landmark, a table with header scopes."""
    page = register.page(
        "register.html.j2",
        columns=COLUMNS,
        rows=[[_text(v) for v in r.cells()] for r in register.rows],
        register=register,
    )
    where = (
        find(register.templates, f"{TRACKING}/register.html.j2") or DEFAULT_TEMPLATES / TRACKING / "register.html.j2"
    )
    return with_policy(page, where).encode()


REGISTER_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
"""The register page's Content-Security-Policy: it stands alone, as a letter's page does, and runs nothing."""
_HEAD = re.compile(r"<head\b[^>]*>(\s*<meta\s+charset=[^>]*>)?", re.I)
_HTML = re.compile(r"^\s*(?:<!doctype[^>]*>\s*)?(?:<html\b[^>]*>)?", re.I)


def with_policy(page: str, template: Path) -> str:
    """The register page with its Content-Security-Policy first in its head, after refusing what a template
    may not put in it (scripts, frames, forms, `<meta http-equiv>`, `target`: see `outputs.html`)."""
    import lxml.etree
    import lxml.html

    from jtai_letters.outputs.html import refuse_active_content

    try:
        refuse_active_content(lxml.html.document_fromstring(page), template, "register page")
    except lxml.etree.ParserError as e:
        raise TemplateError(Problem(f"the register page is not a document ({e})", template, rule="template")) from None
    meta = f'<meta http-equiv="Content-Security-Policy" content="{REGISTER_POLICY}">'
    head = _HEAD.search(page)
    if head is not None:
        return page[: head.end()] + "\n" + meta + page[head.end() :]
    # An office's page without a <head>: one made for the policy, where the browser would put it.
    start = _HTML.search(page)
    at = start.end() if start else 0
    return page[:at] + f"<head>{meta}</head>" + page[at:]


WRITERS: dict[str, Callable[[Register], bytes]] = {
    ".xlsx": to_xlsx,
    ".csv": to_csv,
    ".json": to_json,
    ".html": to_html,
}
"""The register's formats, by the output file's extension."""


def writer(target: Path) -> Callable[[Register], bytes]:
    """The writer for `target`'s extension; `UsageError` for any other."""
    try:
        return WRITERS[target.suffix.lower()]
    except KeyError:
        raise UsageError(f"cannot write a register as '{target.name}'; name it .xlsx, .csv, .json or .html") from None


def export(paths: Iterable[Path], target: Path, as_of: dt.date, options: Options = DEFAULTS) -> Register:
    """Write the register of the specs at `paths` to `target`, in the format its extension names."""
    make = writer(target)
    register = read(not_an_input(target, paths), as_of, options)
    if make is to_xlsx:
        register.warnings.extend(cut_cells(register, target))
    save(target, make(register))
    return register


def not_an_input(target: Path, paths: Iterable[Path]) -> list[Path]:
    """`paths` as a list; `UsageError` when `target` is one of them: a register never replaces a spec."""
    given = list(paths)
    real = os.path.realpath(target)
    if any(os.path.realpath(p) == real for p in given):
        raise UsageError(Problem("is one of the specs read; name another file to write (-o)", target, rule="usage"))
    return given


def save(target: Path, data: bytes) -> None:
    """Write one file atomically, making its folder if needed."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(Problem(f"cannot create the output folder: {e.strerror}", target.parent)) from e
    write_atomic({target: data})
