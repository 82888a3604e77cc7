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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from jtai_letters import patches
from jtai_letters.checks import rules, sign_off
from jtai_letters.errors import JtaiError, OutputError, Problem, SpecError, TemplateError, UsageError
from jtai_letters.files import write_atomic
from jtai_letters.letter import bilingual, catalogue
from jtai_letters.letter import style as house
from jtai_letters.letter.folders import find
from jtai_letters.letter.labels import TRACKING_LABELS
from jtai_letters.letter.templates import DEFAULT_TEMPLATES, environment
from jtai_letters.outputs import ZIP_DATE
from jtai_letters.pipeline.inspect import inspect
from jtai_letters.pipeline.options import DEFAULTS, Options
from jtai_letters.pipeline.pool import each_spec
from jtai_letters.spec import language as spec_language
from jtai_letters.spec.load import LoadedSpec, parse_yaml, read_text
from jtai_letters.spec.models import Action, Answer, Due, Item, ResponseSpec, Update
from jtai_letters.spec.vocabulary import (
    ANSWERED,
    CLOSED,
    DEFAULT_LANGUAGE,
    ITEM_FIELDS,
    ITEM_KINDS,
    ITEM_LABELS,
    ITEM_TYPE_LABELS,
    LOCAL_ACTION,
    NO_ACTION,
    NO_STATUS,
    NOT_ANSWERED,
    NOT_APPLICABLE,
    ROW_STATUSES,
    STATUS,
    STATUS_TABLE,
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
    "action_number",
    "note",
    "updated_by",
    "evidence",
    "superseded_by",
    "spec",
)
"""The register's columns, in order: the header of the CSV, the JSON keys and the register sheet.
These machine names stay as they are (scripts read them); the spreadsheet and the web page head
them with `TRACKING_LABELS`."""
_LATER = ("action_number", "note", "updated_by", "evidence", "superseded_by")
SHEET_COLUMNS = (
    *COLUMNS[: COLUMNS.index("action")],
    "action_number",
    *COLUMNS[COLUMNS.index("action") : COLUMNS.index("last_update") + 1],
    "note",
    "updated_by",
    "evidence",
    "superseded_by",
    *(c for c in COLUMNS[COLUMNS.index("last_update") + 1 :] if c not in _LATER),
)
"""The register sheet's columns: the CSV's, with each action's number beside it and the latest
update's note, author and evidence beside its date, as a panel reads them."""
HEADINGS: dict[str, str] = {name: TRACKING_LABELS[name] for name in COLUMNS}
"""Each column's heading, as a msgid of the catalogue."""

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
    action_number: int | None  # 1-based within the item (or the letter's own actions); none for an item without
    action: str
    owner: str
    due: dt.date | None
    status: str
    last_update: dt.date | None
    note: str  # the latest update's note
    updated_by: str
    evidence: str
    superseded_by: str
    overdue: bool
    spec: str  # the spec file, as the register was asked for it: `update --from` finds it again
    response_date: dt.date = dt.date(1970, 1, 1)
    loc: tuple[str | int, ...] = ()  # the field path of the action (or answer) in its spec: `update` writes there
    source: Path | None = None  # the spec file the row comes from, for messages and calendar UIDs

    def cells(self) -> tuple[Any, ...]:
        """The values of `COLUMNS`, typed (dates, booleans)."""
        return tuple(getattr(self, name) for name in COLUMNS)

    @property
    def open(self) -> bool:
        """Whether the row still needs following up."""
        return self.status not in CLOSED

    @property
    def item_label(self) -> str:
        """The item as the register names it: `recommendation R1`, `local action`."""
        return f"{self.item_type} {self.item_id}".strip()


@dataclass(frozen=True)
class Wording:
    """The tracking outputs' fixed words in one language, from the templates' catalogue of it.

    English prints the register's own values (statuses, item types, stages) as they are, as the
    CSV does; another language prints each value's label in its words."""

    tag: str  # BCP 47, as the documents mark it
    words: catalogue.Catalogue

    @property
    def english(self) -> bool:
        return self.words.language == catalogue.ENGLISH

    def __call__(self, message: str, **variables: Any) -> str:
        """`message` in this language, as plain text with `variables` put in."""
        text = self.words.plain(message)
        return text % variables if variables else text

    def heading(self, name: str) -> str:
        """A column's heading."""
        return self(TRACKING_LABELS[name])

    def status(self, value: str) -> str:
        """A status as a cell prints it: the value in English, its label's words otherwise."""
        return value if self.english or value not in STATUS else self(STATUS[value].label)

    def status_label(self, value: str) -> str:
        """A status as a heading prints it (`In progress`)."""
        return self(STATUS[value].label) if value in STATUS else value

    def value(self, value: str) -> str:
        """A stage, a next step or an item type (msgids of the vocabulary) as a cell prints it."""
        if self.english or not value:
            return value
        return self(ITEM_TYPE_LABELS.get(value, value))

    def yes_no(self, value: bool) -> str:
        return self(TRACKING_LABELS["yes" if value else "no"])

    def item(self, row: Row) -> str:
        """The item a row belongs to, as a heading names it: `Recommendation R1`, `Local action`."""
        return self(ITEM_LABELS[row.item_type], id=row.item_id) if row.item_type in ITEM_LABELS else row.item_label


def wording(templates: Path, tag: str) -> Wording:
    """The tracking words of `tag`'s language from the catalogue of `templates` (an office's in front of ours)."""
    return Wording(tag, catalogue.load(templates, spec_language.key(tag)))


@dataclass(frozen=True)
class Register:
    """The rows of a set of specs as of a date, with the warnings reading them raised."""

    rows: list[Row]  # in the register's first language: each spec's texts in it, where the spec has them
    as_of: dt.date
    warnings: list[Problem]
    specs: list[LoadedSpec]  # as loaded (without their YAML trees): the office, images and file of each
    templates: Path = DEFAULT_TEMPLATES  # the folder given with --templates: in front of ours
    drafts: list[tuple[Path, dt.date]] = dataclasses.field(default_factory=list)  # (spec, s55 deadline): invalid yet
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)  # what the register, progress report and calendar print in

    def rows_in(self, tag: str) -> list[Row]:
        """The rows with each spec's texts in `tag`'s language (a spec not written in it: its first
        language's); in the register's first language, `rows` itself."""
        if tag == self.languages[0]:
            return self.rows
        return [row for loaded in self.specs for row in rows(in_language(loaded, tag), self.as_of, loaded.source.path)]

    def wording(self, tag: str) -> Wording:
        return wording(self.templates, tag)

    def page(self, name: str, tag: str = DEFAULT_LANGUAGE, **context: Any) -> str:
        """`tracking/<name>` rendered in `tag`'s language with `context`: the office's, when its
        templates folder carries one, else ours (each file from the first folder holding it, as the
        letters' are); `TemplateError` (located) when it fails."""
        where = find(self.templates, f"{TRACKING}/{name}") or DEFAULT_TEMPLATES / TRACKING / name
        words = self.wording(tag)
        context.setdefault("headings", {k: words(v) for k, v in HEADINGS.items()})
        context.setdefault("status_labels", {s.value: words(s.label) for s in STATUS_TABLE})
        # the statuses inside a sentence: the values themselves in English, their labels' words otherwise
        context.setdefault("status_words", {s.value: words.status(s.value).lower() for s in STATUS_TABLE})
        context.setdefault("status_colours", {s.value: s.colour for s in STATUS_TABLE})
        context.setdefault("item_name", words.item)
        context.setdefault("office", _ACROSS_OFFICES)  # dates as plain "4 February 2020" unless an office's style
        try:
            page = environment(self.templates, words.words.language).get_template(f"{TRACKING}/{name}")
            return page.render(**{"style": house.HOUSE_STYLE, **context}, vocabulary=WORDS, lang=tag)
        except jinja2.TemplateSyntaxError as e:
            problem = Problem(f"template error: {e.message}", Path(e.filename or where), e.lineno, rule="template")
            raise TemplateError(problem) from None
        except (jinja2.TemplateError, SecurityError) as e:
            raise TemplateError(Problem(f"template error: {e}", where, rule="template")) from None

    def pages(self, name: str, make: Callable[[str, list[Row]], dict[str, Any]]) -> str:
        """`page(name)` once per language of the register, each with `make(tag, rows)` as its context;
        two languages as one document, a part per language, the first language first (as a
        bilingual letter's `parts`)."""
        made = [(tag, self.page(name, tag, **make(tag, self.rows_in(tag)))) for tag in self.languages]
        if len(made) == 1:
            return made[0][1]
        where = find(self.templates, f"{TRACKING}/{name}") or DEFAULT_TEMPLATES / TRACKING / name
        return bilingual.combine(made, "parts", where)


@dataclass(frozen=True)
class _AnyOffice:
    date_style: str = "plain"


_ACROSS_OFFICES = _AnyOffice()

TRACKING = "tracking"
"""The folder of the register's and progress report's templates, inside a templates folder."""


def read(
    paths: Iterable[Path],
    as_of: dt.date,
    options: Options = DEFAULTS,
    *,
    drafts: bool = False,
    language: str | None = None,
) -> Register:
    """Check every spec and make the register; `SpecError` lists the problems of every invalid spec.

    `language` (an `office.language` value) is what the outputs print in; by default, the
    language of the first spec's office (`run_language`).

    Nothing is left out silently: one invalid spec fails the register, with every spec's errors.
    With `drafts` (the calendar), an invalid spec whose report's date can be read is kept as a
    draft, its s55 deadline only, with a warning saying so.
    """
    specs: list[LoadedSpec] = []
    problems: list[Problem] = []
    kept: list[tuple[Path, dt.date]] = []
    failed = False
    named = list(paths)
    for path, (spec, found) in zip(named, _checked(named, as_of, options), strict=True):
        if spec is not None:
            problems += found
            specs.append(spec)
            continue
        deadline = _draft_deadline(path) if drafts else None
        if deadline is None:
            problems += found
            failed = True
        else:
            kept.append((path, deadline))
            errors = sum(p.severity == "error" for p in found)
            message = (
                f"a draft, not yet valid ({errors} error{'s' * (errors != 1)}: validate lists them): "
                f"on the calendar with its s55 deadline, {deadline.isoformat()}, only"
            )
            problems.append(Problem(message, path, rule="draft"))
    if failed:
        raise SpecError(problems)
    tags = spec_language.tags(language or run_language(specs))
    every = [row for loaded in specs for row in rows(in_language(loaded, tags[0]), as_of, loaded.source.path)]
    return Register(every, as_of, problems, specs, options.templates_dir, kept, tags)


def in_language(loaded: LoadedSpec, tag: str) -> ResponseSpec:
    """The spec's model in `tag`'s language; a spec not written in it, its first language's."""
    return loaded.letters().get(tag, loaded).spec


def run_language(specs: Sequence[LoadedSpec]) -> str:
    """The language a register, progress report or calendar prints in unless told (`--language`):
    the first spec's office's, so a Welsh office's run is in its languages; English without specs."""
    return specs[0].spec.office.language if specs else DEFAULT_LANGUAGE


PARALLEL_FROM = 100  # specs; below this, starting worker processes costs more than it saves


def _checked(paths: list[Path], as_of: dt.date, options: Options) -> list[tuple[LoadedSpec | None, list[Problem]]]:
    # Reading and checking a spec is nearly all of a register's time: share it among the cores.
    one = functools.partial(_check_one, as_of=as_of, options=options)
    return each_spec(one, paths, options, pool_from=PARALLEL_FROM)


def _check_one(path: Path, *, as_of: dt.date, options: Options) -> tuple[LoadedSpec | None, list[Problem]]:
    found = inspect(path, options, until="check", as_of=as_of)
    if found.errors or found.spec is None:
        return None, found.errors + found.warnings
    # Its problems are located: the YAML trees can stay behind (a worker need not send them back).
    return found.spec.without_trees(), [p for p in found.warnings if p.rule in OWN_WARNINGS]


OWN_WARNINGS = ("update-future",)
"""The warnings a valid spec's rows are shown with: about the register's own data (progress dated
later than the register). The letter's other warnings are for `validate` and `render` to say."""


def _draft_deadline(path: Path) -> dt.date | None:
    # An invalid spec (a draft) may still say when its report was published.
    try:
        root = parse_yaml(read_text(path), path)
        published = root["report"]["published"]
    except (JtaiError, KeyError, TypeError):
        return None
    if not isinstance(published, dt.date) or isinstance(published, dt.datetime):
        return None
    return rules.publication_deadline(published)


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


def _answer_locs(spec: ResponseSpec) -> dict[int, tuple[str | int, ...]]:
    # Where each answer sits in the spec, by identity: rows point there for `update`.
    return {
        id(answer): ("response", field, i)
        for field in ITEM_FIELDS
        for i, answer in enumerate(getattr(spec.response, field))
    }


def last_day(due: Due | None) -> dt.date | None:
    """The day an action is due by: the day, or the last day of a month or quarter."""
    return due.last_day if due else None


LOCAL = LOCAL_ACTION
"""The item type of the letter's own actions (`response.local_actions`, and the `actions:` blocks of
a body), tied to no item: item columns empty."""


def own_actions(spec: ResponseSpec) -> Iterator[tuple[tuple[str | int, ...], Action]]:
    """The letter's own actions, tied to no item, with their field paths: `local_actions`, then each
    `actions:` block of the body, in order. The register numbers them on from one."""
    for i, action in enumerate(spec.response.local_actions):
        yield ("response", "local_actions", i), action
    for i, block in enumerate(spec.response.body or ()):
        for j, action in enumerate(block.actions or ()):
            yield ("response", "body", i, "actions", j), action


def known(updates: Iterable[Update], as_of: dt.date) -> list[Update]:
    """The updates recorded by `as_of`: what was known that day (later ones are left out, and warned about)."""
    return [u for u in updates if u.date <= as_of]


def rows(spec: ResponseSpec, as_of: dt.date, source: Path | None = None) -> Iterator[Row]:
    """The register rows of one spec, in the order its letter answers the items, then its own actions."""
    report, response = spec.report, spec.response
    deadline = rules.publication_deadline(report.published)
    standing = sign_off.stage(spec)
    every: dict[str, Any] = {
        "office": spec.office.name,
        "report_title": report.title,
        "report_kind": report.kind,
        "report_published": report.published,
        "s55_deadline": deadline,
        "deadline_met": response.date <= deadline if deadline else None,  # none before s55(5A)
        "stage": standing.label,
        "next_due": standing.next_due,
        "next_due_date": standing.next_due_date,
        "response_date": response.date,
        "spec": _shown_path(source) if source else "",
        "source": source,
    }
    where = _answer_locs(spec)
    for kind, item, addressed_to, answer, applies in _items(spec):
        common: dict[str, Any] = {
            **every,
            "item_type": kind,
            "item_id": item.id,
            "item_text": item.text,
            "addressed_to": addressed_to,
            "answer": answer.response if answer else "",
        }
        if answer is not None and answer.actions:
            loc = where[id(answer)]
            placed = [((*loc, "actions", j), a) for j, a in enumerate(answer.actions)]
            yield from _action_rows(common, placed, as_of)
            continue
        updates = known(answer.updates, as_of) if answer else []
        latest = updates[-1] if updates else None
        status: str
        if latest is not None:
            status = latest.status
        elif answer is None:
            status = NOT_ANSWERED
        else:
            status = NOT_APPLICABLE if not applies else NO_ACTION if not answer.accepted else ANSWERED
        yield Row(
            **common,
            action_number=None,
            action="",
            owner="",
            due=None,
            status=status,
            overdue=False,
            loc=where[id(answer)] if answer else (),
            **_latest(latest),
        )
    local = {**every, "item_type": LOCAL, "item_id": "", "item_text": "", "addressed_to": "", "answer": ""}
    yield from _action_rows(local, own_actions(spec), as_of)


def _shown_path(path: Path) -> str:
    # Relative to the working folder where it lies inside it: the CSV reads the same on every machine.
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _latest(update: Update | None) -> dict[str, Any]:
    if update is None:
        return {"last_update": None, "note": "", "updated_by": "", "evidence": "", "superseded_by": ""}
    return {
        "last_update": update.date,
        "note": update.note or "",
        "updated_by": update.by or "",
        "evidence": update.evidence or "",
        "superseded_by": str(update.superseded_by) if update.superseded_by else "",
    }


def _action_rows(
    common: dict[str, Any], actions: Iterable[tuple[tuple[str | int, ...], Action]], as_of: dt.date
) -> Iterator[Row]:
    for number, (loc, action) in enumerate(actions, 1):
        updates = known(action.updates, as_of)
        latest = updates[-1] if updates else None  # validated oldest first
        status = latest.status if latest else action.status or NO_STATUS
        due = last_day(action.due)
        yield Row(
            **common,
            action_number=number,
            action=action.text,
            owner=action.owner or "",
            due=due,
            status=status,
            overdue=due is not None and due < as_of and status not in CLOSED,
            loc=loc,
            **_latest(latest),
        )


def by_report(register: Register) -> dict[str, list[Row]]:
    """The rows of each response, in the register's order, under the report's title
    (and the office's name, when the register holds more than one office)."""
    return group_by_report(register.rows)


def group_by_report(every: list[Row]) -> dict[str, list[Row]]:
    """`every` row under its report's title, as `by_report` groups the register's."""
    offices = {row.office for row in every}
    groups: dict[str, list[Row]] = {}
    for row in every:
        label = row.report_title if len(offices) == 1 else f"{row.report_title} ({row.office})"
        groups.setdefault(label, []).append(row)
    return groups


def counts(register: Register) -> dict[str, dict[str, int]]:
    """Rows by report (as `by_report` names them) and status; only the statuses that occur, in `STATUSES` order."""
    return count_by_status(by_report(register))


def count_by_status(groups: dict[str, list[Row]]) -> dict[str, dict[str, int]]:
    """Each group's rows by status, as `counts` counts the register's."""
    found: dict[str, dict[str, int]] = {}
    for label, group in groups.items():
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


# The spreadsheet's column widths (in characters) are set by content, between these bounds; the long
# texts wrap at a readable width. The columns that repeat the report on every row are grouped and
# folded away (the Summary sheet has them once per report; a click on + shows them), so the sheet
# prints legibly on landscape A4, fitted to the page's width.
_WIDEST = {"item_text": 32, "answer": 32, "action": 30, "note": 26, "evidence": 16, "report_title": 22, "office": 30}
_NARROWEST = 4
_WIDEST_OTHER = 13
_LINE_POINTS = 15.0  # the height of one line of the sheet's 11-point text
_FOLDED = (
    "office",
    "report_kind",
    "report_published",
    "s55_deadline",
    "deadline_met",
    "addressed_to",
    "stage",
    "next_due",
    "next_due_date",
    "spec",
)
_WRAPPED = (
    "report_title",
    "item_type",
    "status",
    "item_text",
    "answer",
    "action",
    "owner",
    "note",
    "updated_by",
    "evidence",
    "superseded_by",
)
_WORDED = ("item_type", "status", "stage", "next_due")  # the register's own words: each language's
_SAMPLE = 2000  # rows measured for the widths: enough to see the longest texts, quick at any size


def _width(name: str, heading: str, values: Iterable[Any]) -> float:
    longest = max((len(_text(v)) for v in values), default=0)
    widest = _WIDEST.get(name, _WIDEST_OTHER)
    words = max((len(w) for w in heading.split()), default=0)  # a heading wraps, never mid-word
    return float(min(max(longest, words, _NARROWEST), widest) + 2)


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
                found.append(Problem(message, row.source, rule="register"))
    return found


def to_xlsx(register: Register) -> bytes:
    """An Excel workbook a panel reads: a Summary sheet (one row per report: counts by status,
    overdue, total), then the Register (one row per action) as an Excel table with filters, human
    headings, widths by content, wrapped text, a frozen header, and print set-up (landscape A4,
    fitted to the width, the header repeated on every page); then a sheet per report, named after
    it (`sheet_names`), with its dates and its counts by status. Dates typed as dates. Same
    register, same bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.table import Table, TableStyleInfo
    from openpyxl.worksheet.worksheet import Worksheet
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook(write_only=True)  # streamed: half the time of a workbook held cell by cell
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)

    def printed(sheet: Any) -> None:
        sheet.freeze_panes = "A2"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_title_rows = "1:1"
        sheet.print_options.gridLines = True

    def heading_row(sheet: Any, headings: list[str]) -> list[Any]:
        cells = []
        for text in headings:
            cell = WriteOnlyCell(sheet, text)
            cell.font, cell.alignment = bold, wrap
            cells.append(cell)
        return cells

    names: set[str] = set()

    streamed: list[tuple[Any, _SheetRows]] = []

    def sheet_named(name: str, key: str) -> Any:
        # Each language's sheets under its own names (a name left in English: the language beside it)
        name = name if name not in names else f"{name} ({key})"
        names.add(name)
        return book.create_sheet(name)

    for n, tag in enumerate(register.languages):
        words = register.wording(tag)
        key = spec_language.key(tag)
        every = register.rows_in(tag)
        yes_no = {True: words.yes_no(True), False: words.yes_no(False)}

        # -- the summary, one row per report
        summary = sheet_named(words(TRACKING_LABELS["summary"]), key)
        groups = group_by_report(every)
        tally = count_by_status(groups)
        statuses = [s for s in STATUSES if any(s in t for t in tally.values())]
        head = [
            words.heading("report_title"),
            words.heading("office"),
            words.heading("report_published"),
            words.heading("s55_deadline"),
            words.heading("deadline_met"),
            *(words.status_label(s) for s in statuses),
            words.heading("overdue"),
            words(TRACKING_LABELS["total"]),
        ]
        body: list[list[Any]] = []
        for label, group in groups.items():
            top = group[0]
            body.append(
                [
                    top.report_title,
                    top.office,
                    top.report_published,
                    top.s55_deadline,
                    yes_no[top.deadline_met] if top.deadline_met is not None else "",
                    *(tally[label].get(s, 0) for s in statuses),
                    sum(r.overdue for r in group),
                    len(group),
                ]
            )
        for i, text in enumerate(head, 1):
            values = [line[i - 1] for line in body[:_SAMPLE]]
            name = ("report_title", "office")[i - 1] if i <= 2 else ""
            summary.column_dimensions[get_column_letter(i)].width = _width(name, text, values)
        printed(summary)
        columns = [summary.column_dimensions[get_column_letter(i)].width for i in range(1, len(head) + 1)]
        summary.row_dimensions[1].height = _LINE_POINTS * max(2, _lines(head, columns, range(len(head))))
        summary.append(heading_row(summary, head))
        for number, line in enumerate(body, 2):
            summary.row_dimensions[number].height = _LINE_POINTS * _lines(line, columns, (0, 1))
            summary.append([_cell(summary, v, wrap if i < 2 else None) for i, v in enumerate(line)])

        # -- the register, one row per action
        sheet = sheet_named(words(TRACKING_LABELS["register"]), key)
        headings = [words.heading(name) for name in SHEET_COLUMNS]
        sample = every[:_SAMPLE]
        for i, name in enumerate(SHEET_COLUMNS, 1):
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = _width(name, headings[i - 1], (getattr(r, name) for r in sample))
            if name in _FOLDED:
                sheet.column_dimensions[letter].outlineLevel = 1
                sheet.column_dimensions[letter].hidden = True
        printed(sheet)
        widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(SHEET_COLUMNS) + 1)]
        sheet.row_dimensions[1].height = _LINE_POINTS * max(2, _lines(headings, widths, range(len(SHEET_COLUMNS))))
        sheet.append(heading_row(sheet, headings))
        wrapped = {SHEET_COLUMNS.index(name) for name in _WRAPPED}
        worded: dict[int, Callable[[str], str]] = {
            SHEET_COLUMNS.index(name): words.status if name == "status" else words.value for name in _WORDED
        }

        def value(
            i: int, value: Any, worded: dict[int, Callable[[str], str]] = worded, yes_no: dict[bool, str] = yes_no
        ) -> Any:
            if isinstance(value, bool):
                return yes_no[value]
            return worded[i](value) if i in worded and value else value

        # The rows are written as the sheet's XML directly (`_SheetRows`), cell for cell as openpyxl
        # would write them: its cell objects cost four fifths of the workbook's time.
        rows_xml = _SheetRows(book, sheet, wrap)
        for number, row in enumerate(every, 2):
            cells = tuple(value(i, v) for i, v in enumerate(getattr(row, name) for name in SHEET_COLUMNS))
            # Rows as tall as their longest wrapped text (spreadsheets do not grow a streamed row themselves).
            sheet.row_dimensions[number].height = _LINE_POINTS * _lines(cells, widths, wrapped)
            rows_xml.add(number, cells, wrapped)
        streamed.append((sheet, rows_xml))
        last_row = max(len(every), 1) + 1  # a table has at least one row below its header, if empty
        # the first language's table is "Register"; another's carries its language (names are unique in a book)
        table_name = "Register" if n == 0 else f"Register_{key}"
        table = Table(displayName=table_name, ref=f"A1:{get_column_letter(len(SHEET_COLUMNS))}{last_row}")
        patches.openpyxl_initialise_columns(table)  # a streamed sheet cannot read its header back: name them here
        for column, name in zip(table.tableColumns, headings, strict=True):
            column.name = name
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        with warnings.catch_warnings():  # openpyxl warns on every streamed table; its columns are named above
            warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
            sheet.add_table(table)  # an Excel table carries its own filter buttons

    # -- then a sheet per report in each language, after the registers (the first sheets are the whole picture)
    for tag in register.languages:
        words = register.wording(tag)
        yes_no = {True: words.yes_no(True), False: words.yes_no(False)}
        groups = group_by_report(register.rows_in(tag))
        tally = count_by_status(groups)
        for (label, group), title in zip(groups.items(), sheet_names(groups, taken=names), strict=True):
            names.add(title)
            first = group[0]
            lines: list[tuple[str, Any]] = [
                (words.heading("report_title"), first.report_title),
                (words.heading("office"), first.office),
                (words.heading("report_published"), first.report_published),
                (words.heading("s55_deadline"), first.s55_deadline),
                (words.heading("deadline_met"), yes_no[first.deadline_met] if first.deadline_met is not None else ""),
                *((words.status_label(s), n) for s, n in tally[label].items()),
                (words.heading("overdue"), sum(r.overdue for r in group)),
                (words(TRACKING_LABELS["total"]), len(group)),
            ]
            report = book.create_sheet(title)
            keys = [key for key, _ in lines]
            pair = (_width("", "", keys), _width("report_title", "", (value for _, value in lines)))
            report.column_dimensions["A"].width, report.column_dimensions["B"].width = pair
            printed(report)
            for number, (key, (_, value)) in enumerate(zip(keys, lines, strict=True), 1):
                report.row_dimensions[number].height = _LINE_POINTS * _lines((key, value), pair, (0, 1))
                heading = WriteOnlyCell(report, key)
                heading.font, heading.alignment = bold, wrap
                report.append([heading, _cell(report, value, wrap)])
    when = dt.datetime.combine(register.as_of, dt.time())
    book.properties.creator = "jtai-letters"
    book.properties.title = " / ".join(
        register.wording(t)(TRACKING_LABELS["register_title"]) for t in register.languages
    )
    book.properties.created = book.properties.modified = when
    out = io.BytesIO()
    archive = _UndatedZip(out, "w", zipfile.ZIP_DEFLATED)
    archive.rows = {
        f"xl/worksheets/sheet{book.worksheets.index(sheet) + 1}.xml": rows.xml() for sheet, rows in streamed
    }
    ExcelWriter(book, archive).save()  # save_workbook would stamp the clock
    return out.getvalue()


SHEET_NAME_CHARACTERS = 31
"""Excel's longest sheet name."""
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")  # Excel refuses these in a sheet's name


def sheet_names(labels: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    """A sheet name for each report's label, as Excel allows them: at most 31 characters (cut at a
    word where one is near), none of `[]:*?/\\`, not starting or ending with an apostrophe, and each
    different from the others and from `taken` (Excel compares names without regard to case),
    numbered ` (2)`, ` (3)` where two would be the same.

    >>> sheet_names(["PEEL 2025: Loamshire [draft]", "An inspection of how well the police tackle fraud"])
    ['PEEL 2025 Loamshire draft', 'An inspection of how well the']
    >>> sheet_names(["Summary", "summary?"], taken=["Summary"])
    ['Summary (2)', 'summary (3)']
    """
    used = {name.casefold() for name in (*taken, "History")}  # "History" is Excel's own

    def fitted(text: str, room: int) -> str:
        if len(text) > room:
            cut = text[: room + 1].rsplit(" ", 1)[0] if " " in text[: room + 1] else ""
            text = cut if len(cut) >= room * 2 // 3 else text[:room]  # at a word, if one ends in the last third
        return text.strip(" '")

    names = []
    for label in labels:
        base = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", label).split()).strip(" '") or "Report"
        name, n = fitted(base, SHEET_NAME_CHARACTERS) or "Report", 2
        while name.casefold() in used:
            suffix = f" ({n})"
            name, n = (fitted(base, SHEET_NAME_CHARACTERS - len(suffix)) or "Report") + suffix, n + 1
        used.add(name.casefold())
        names.append(name)
    return names


def _lines(values: Sequence[Any], widths: Sequence[float], columns: Iterable[int]) -> int:
    """How many lines the tallest of `columns` wraps to at its width (a word-wrap's estimate)."""
    most = 1
    for i in columns:
        value = values[i]
        if isinstance(value, str) and len(value) > widths[i] - 2:
            per_line = max(int((widths[i] - 2) * 1.1), 1)  # text's letters are narrower than the width's digits
            most = max(most, sum(-(-len(part) // per_line) or 1 for part in value.split("\n")))
    return min(most, 409 // int(_LINE_POINTS))  # Excel's tallest row is 409 points


def _cell(sheet: Any, value: Any, alignment: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        return value
    styled = WriteOnlyCell(sheet, value)
    styled.data_type = "s"  # never a formula, whatever the text starts with
    if alignment is not None:
        styled.alignment = alignment
    return styled


def _top_aligned(styles: str | bytes) -> bytes:
    """The workbook's cell formats, each reading from the top of its row like the wrapped texts beside it.

    Styling every cell of a streamed sheet would double its time; the formats are few, so they are
    aligned once here, where the workbook's styles are written.
    """
    from lxml import etree

    root = etree.fromstring(styles.encode() if isinstance(styles, str) else styles)
    ns = root.nsmap[None]
    for xf in (*root.iterfind(f"{{{ns}}}cellStyleXfs/{{{ns}}}xf"), *root.iterfind(f"{{{ns}}}cellXfs/{{{ns}}}xf")):
        if xf.find(f"{{{ns}}}alignment") is None:
            xf.set("applyAlignment", "1")
            etree.SubElement(xf, f"{{{ns}}}alignment", vertical="top")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # as lxml escapes text


class _SheetRows:
    """A streamed sheet's rows as its XML, written as openpyxl's streamed cells would write them, byte
    for byte (`tests/test_register.py` compares the two), for the values a register row holds: text,
    whole numbers, dates and blanks. Text is never a formula; text in the `wrapped` columns wraps."""

    def __init__(self, book: Any, sheet: Any, wrap: Any) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.datetime import to_excel

        self.book, self.sheet, self.to_excel = book, sheet, to_excel
        self.letters = [get_column_letter(i) for i in range(1, 703)]  # A to ZZ: far more than the columns
        self.parts: list[str] = []
        self.cell, self.wrap = WriteOnlyCell, wrap
        self.ids: dict[str, str] = {}  # style ids, taken in the order cells first use them, as openpyxl takes them

    def _style(self, name: str) -> str:
        if name not in self.ids:  # made at first use: a date's number format is the workbook's only if a date is
            cell = self.cell(self.sheet, dt.date(2000, 1, 1) if name == "date" else "")
            if name == "wrap":
                cell.alignment = self.wrap
            self.ids[name] = str(cell.style_id)
        return self.ids[name]

    def add(self, number: int, values: Sequence[Any], wrapped: set[int]) -> None:
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
        from openpyxl.utils.exceptions import IllegalCharacterError

        attrs = {"r": f"{number}"}
        attrs.update(self.sheet.row_dimensions.get(number, {}))
        out = self.parts
        out.append("<row " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + ">")
        for i, value in enumerate(values):
            ref = f"{self.letters[i]}{number}"
            if isinstance(value, str):
                value = value[:XLSX_CELL_CHARACTERS]
                if ILLEGAL_CHARACTERS_RE.search(value):
                    raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
                styled = i in wrapped
                if not styled and not value.startswith("=") and value in ERROR_CODES:
                    out.append(f'<c r="{ref}" t="e"><v>{value.translate(_XML_TEXT)}</v></c>')
                    continue
                style = f' s="{self._style("wrap")}"' if styled else ""
                if not value:
                    out.append(f'<c r="{ref}"{style} t="inlineStr"></c>')
                    continue
                space = ' xml:space="preserve"' if value != value.strip() else ""
                out.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value.translate(_XML_TEXT)}</t></is></c>')
            elif value is None:
                continue
            elif isinstance(value, dt.date):
                serial = self.to_excel(value, self.book.epoch)
                out.append(f'<c r="{ref}" s="{self._style("date")}" t="n"><v>{serial:.16g}</v></c>')
            elif isinstance(value, int):
                out.append(f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>')
            else:
                raise TypeError(f"a register cell cannot hold {type(value).__name__}")
        out.append("</row>")

    def xml(self) -> bytes:
        return "".join(self.parts).encode("ascii", "xmlcharrefreplace")  # as lxml writes the sheet: ASCII


class _UndatedZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one fixed date, not the time they were written; `rows`
    (entry name -> XML) are written at the end of those sheets' data."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: dict[str, bytes] = {}

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        if name == "xl/styles.xml":
            data = _top_aligned(data)
        if name in self.rows:
            data = data.replace(b"</sheetData>", self.rows[name] + b"</sheetData>", 1)
        info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(info, data)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        self.writestr(str(arcname or filename), Path(filename).read_bytes())


def to_html(register: Register) -> bytes:
    """An accessible web page, readable from 320 px wide: a table per report, a row group per item
    (its words and the answer heading the group), one row per action with its latest update; a part
    per language when the register prints in two."""

    def context(tag: str, every: list[Row]) -> dict[str, Any]:
        groups = {label: _by_item(group) for label, group in group_by_report(every).items()}
        # `rows` and `columns` too, for an office's own page
        return {"reports": groups, "register": register, "rows": every, "columns": COLUMNS}

    page = register.pages("register.html.j2", context)
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


def _by_item(rows: list[Row]) -> list[list[Row]]:
    """A report's rows in groups, one per item (the letter's own actions are one group)."""
    items: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        items.setdefault((row.item_type, row.item_id), []).append(row)
    return list(items.values())


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


def export(
    paths: Iterable[Path], target: Path, as_of: dt.date, options: Options = DEFAULTS, *, language: str | None = None
) -> Register:
    """Write the register of the specs at `paths` to `target`, in the format its extension names, its
    words in `language` (default: the first spec's office's, `run_language`)."""
    make = writer(target)
    register = read(not_an_input(target, paths), as_of, options, language=language)
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
