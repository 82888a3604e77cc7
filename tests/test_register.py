"""Tracking what was promised: progress updates, the register, the progress report and the deadlines calendar."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docx
import lxml.html
import pikepdf
import pytest
from docx.oxml.ns import qn
from icalendar import Calendar
from openpyxl import load_workbook

from jtai_letters import SpecError, build
from jtai_letters.letter.style import HOUSE_STYLE
from jtai_letters.letter.templates import layouts
from jtai_letters.outputs import measure
from jtai_letters.spec.load import load_spec
from jtai_letters.spec.models import ResponseSpec
from jtai_letters.tracking import deadlines, register
from jtai_letters.tracking import progress as prog

from .helpers import ROOT, pdf_text, run
from .helpers import SPECS as ALL_SPECS
from .test_publication import structure

# The counts below are those of the five examples that have been in responses/ since the register began.
SPECS = [
    p
    for p in ALL_SPECS
    if "peel" not in p.stem and "2014" not in p.stem and "national-note" not in p.stem and "tir-llechen" not in p.stem
]
AS_OF = dt.date(2026, 2, 1)
LOAMSHIRE = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"
# The first action of Loamshire's R1, as the letter states it, and progress recorded since.
R1_FIRST_ACTION = (
    "          owner: Head of Force Control Room\n          due: 2026-01-31\n          status: in progress\n"
)
UPDATES = """          updates:
            - {date: 2025-12-01, status: in progress, note: Half of the call handlers trained.}
            - {date: 2026-01-20, status: complete, note: All 212 call handlers trained.}
"""


def loamshire(folder: Path, updates: str = "") -> Path:
    """A copy of the Loamshire example (with its profile beside it), optionally with progress on R1's first action."""
    shutil.copytree(ROOT / "profiles", folder / "profiles", dirs_exist_ok=True)
    (folder / "responses").mkdir(parents=True, exist_ok=True)
    text = LOAMSHIRE.read_text(encoding="utf-8")
    assert text.count(R1_FIRST_ACTION) == 1
    spec = folder / "responses" / LOAMSHIRE.name
    spec.write_text(text.replace(R1_FIRST_ACTION, R1_FIRST_ACTION + updates), encoding="utf-8")
    return spec


def expected_rows(spec: ResponseSpec) -> list[tuple[str, str, int]]:
    """(item type, id, action number) straight from the spec: one per action, or one for an item without;
    then one per action of the letter's own (`local_actions`), with no item."""
    found = []
    for kind, made, given in (
        ("recommendation", spec.report.recommendations, spec.response.recommendations),
        ("area for improvement", spec.report.areas_for_improvement, spec.response.areas_for_improvement),
        ("cause of concern", spec.report.causes_of_concern, spec.response.causes_of_concern),
    ):
        for item in made:
            actions = next(a.actions for a in given if item.id in a.answered_ids)
            found += [(kind, item.id, n) for n in range(1, len(actions) + 1)] or [(kind, item.id, None)]
    own = len(spec.response.local_actions) + sum(len(b.actions or ()) for b in spec.response.body or ())
    return found + [("local action", "", n) for n in range(1, own + 1)]


# -- the register ------------------------------------------------------------------------------------


def test_one_row_per_action_and_per_item_without_actions() -> None:
    made = register.read(SPECS, AS_OF)
    expected = [row for path in SPECS for row in expected_rows(load_spec(path).spec)]
    assert [(r.item_type, r.item_id, r.action_number) for r in made.rows] == expected
    # the examples: Borsetshire 2 actions; Loamshire 6 actions, one AFI without and 2 local actions; local
    # actions only in Devon and Cornwall (5), Hampshire (1) and Nottinghamshire (2)
    assert len(expected) == 19
    afi1 = next(r for r in made.rows if r.item_id == "AFI1")
    # accepted, with what is being done in the answer's words: not "no action"
    assert (afi1.action, afi1.status, afi1.due, afi1.overdue) == ("", "answered, no separate action", None, False)
    assert afi1.answer.startswith("Body-worn video guidance now requires officers")


def test_overdue_means_due_before_the_date_and_not_complete() -> None:
    def overdue(as_of: dt.date) -> list[tuple[str, int]]:
        return [(r.item_id, r.action_number) for r in register.read(SPECS, as_of).rows if r.overdue]

    # R2 and R3's past actions are complete; ("", 1): Loamshire's first local action
    assert overdue(AS_OF) == [("R4", 1), ("R1", 1), ("", 1)]
    assert overdue(dt.date(2026, 1, 31)) == [("R4", 1)]  # due on the day is not yet overdue
    assert overdue(dt.date(2026, 7, 1)) == [
        ("R4", 1),
        ("R5", 1),
        ("R1", 1),
        ("R1", 2),
        ("R2", 2),
        ("AFI2", 1),
        ("", 1),
        ("", 2),
    ]


def test_report_columns_and_the_s55_deadline() -> None:
    r1 = register.read([LOAMSHIRE], AS_OF).rows[0]
    assert r1.cells()[:9] == (
        "Office of the Police and Crime Commissioner for Loamshire",
        "An inspection of Loamshire Police’s response to domestic abuse",
        "force-specific",
        dt.date(2025, 9, 18),
        dt.date(2025, 11, 12),
        True,
        "recommendation",
        "R1",
        r1.item_text,
    )
    assert r1.answer.startswith("Accepted. The force will introduce")
    assert (r1.action, r1.owner, r1.due, r1.status, r1.last_update) == (
        "Train all call handlers in the structured risk assessment tool.",
        "Head of Force Control Room",
        dt.date(2026, 1, 31),
        "in progress",
        None,
    )


def test_csv_json_and_html_carry_the_columns_in_order(tmp_path: Path) -> None:
    for suffix in ("csv", "json", "html"):
        code, out, err = run("register", *SPECS, "-o", tmp_path / f"r.{suffix}", "--as-of", AS_OF)
        assert (code, err) == (0, "")
        assert out == f"{tmp_path / f'r.{suffix}'}: 5 specs, 19 register rows\n"
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(table[0]) == register.COLUMNS
    assert len(table) == 20
    assert table[9][register.COLUMNS.index("overdue")] == "yes"  # Loamshire's R1, after Devon and Cornwall's
    assert table[9][register.COLUMNS.index("due")] == "2026-01-31"
    records = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [tuple(r) for r in records] == [register.COLUMNS] * 19
    assert records[8]["overdue"] is True and records[8]["due"] == "2026-01-31"
    assert records[13]["due"] is None and records[13]["status"] == "answered, no separate action"
    local = records[2]  # Devon and Cornwall's first action of its own: no item
    assert (local["item_type"], local["item_id"], local["item_text"]) == ("local action", None, None)
    page = lxml.html.parse(str(tmp_path / "r.html")).getroot()
    assert page.get("lang") == "en-GB"
    assert page.findtext(".//title").startswith("Register of responses")
    assert len(page.findall(".//main")) == 1 and len(page.findall(".//h1")) == 1
    # a table per report, headed in words; a row group per item, its words heading the group
    assert [th.text for th in page.findall(".//thead")[0].findall(".//th")] == [
        "Item",
        "No.",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Last update",
    ]
    assert {th.get("scope") for th in page.findall(".//thead//th")} == {"col"}
    assert {th.get("scope") for th in page.findall(".//tbody//th")} == {"rowgroup"}
    assert page.find(".//caption") is None  # the heading says what the table is
    assert len(page.findall(".//tbody/tr")) == 19
    assert len(page.findall(".//table")) == len(page.findall(".//h2")) == 5


def test_spreadsheet_text_is_never_a_formula(tmp_path: Path) -> None:
    spec = loamshire(tmp_path)
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "owner: Head of Force Control Room", 'owner: \'=HYPERLINK("https://evil.example","x")\''
        ),
        encoding="utf-8",
    )
    run("register", spec, "-o", tmp_path / "r.csv")
    run("register", spec, "-o", tmp_path / "r.xlsx")
    assert "'=HYPERLINK" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    sheet = load_workbook(tmp_path / "r.xlsx")["Register"]
    owner = sheet.cell(row=2, column=register.SHEET_COLUMNS.index("owner") + 1)
    assert owner.data_type == "s" and owner.value == '=HYPERLINK("https://evil.example","x")'


def test_xlsx_is_an_excel_table_with_a_frozen_header_and_typed_dates(tmp_path: Path) -> None:
    target = tmp_path / "register.xlsx"
    assert run("register", *SPECS, "-o", target, "--as-of", AS_OF)[0] == 0
    book = load_workbook(target)
    assert book.sheetnames == [
        "Summary",
        "Register",
        "Tackling violence against women",
        "The Multi-Agency Response to",  # Devon and Cornwall's: cut at a word, within Excel's 31 characters
        "The multi-agency response (2)",  # Hampshire's: the same words (Excel ignores case), numbered
        "An inspection of Loamshire",
        "The multi-agency response (3)",  # Nottinghamshire's
    ]  # a sheet per report after the register
    sheet = book["Register"]
    assert sheet.freeze_panes == "A2"
    assert tuple(c.value for c in sheet[1]) == tuple(
        register.HEADINGS[c] for c in register.SHEET_COLUMNS
    )  # in words, not field names
    assert [t.ref for t in sheet.tables.values()] == ["A1:Z20"]  # a table: filters on every column
    due = sheet.cell(row=10, column=register.SHEET_COLUMNS.index("due") + 1)  # Loamshire's R1
    assert isinstance(due.value, dt.datetime) and due.value.date() == dt.date(2026, 1, 31)
    assert due.is_date
    assert all(sheet.column_dimensions[col].width for col in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert sheet.column_dimensions["I"].width == 34  # item_text wraps at a readable width
    assert book.properties.modified == book.properties.created == dt.datetime(2026, 2, 1)
    again = tmp_path / "again.xlsx"
    run("register", *SPECS, "-o", again, "--as-of", AS_OF)
    assert again.read_bytes() == target.read_bytes()  # nothing from the clock
    assert {info.date_time for info in zipfile.ZipFile(target).infolist()} == {(1980, 1, 1, 0, 0, 0)}

    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by scripts/setup"
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path / "lo"),
            str(target),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=env,
    )
    converted = list(csv.reader(io.StringIO((tmp_path / "lo" / "register.csv").read_text(encoding="utf-8"))))
    assert converted[0] == [
        "Report",
        "Office",
        "Published",
        "s55 deadline",
        "Response by the deadline",
        "Planned",
        "In progress",
        "Ongoing",
        "Complete",
        "Not set",
        "Answered, no separate action",
        "Overdue",
        "Total",
    ]  # the first sheet: the summary, one row per report
    assert len(converted) == 6


def test_the_register_rows_are_written_as_openpyxl_writes_its_own_cells() -> None:
    # The register sheet's rows are written as XML directly (for speed); openpyxl's streamed cells,
    # given the same values, write the same bytes: text (wrapped or not, padded, escaped, non-ASCII,
    # an error code, formula-like), whole numbers, dates, blanks.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    texts = [" lead", "trail ", "a & b < c > d", "cr\r\nlf", "#N/A", "=SUM(A1)", "", "=", "tab\there", "é ŵ 💡", "x"]
    values = [*texts, 3, dt.date(2026, 1, 31), None]
    wrapped = {0, 2, 4, 6}

    def sheet_xml(fast: bool) -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Register")
        wrap = Alignment(wrap_text=True, vertical="top")
        rows = register._SheetRows(book, sheet, wrap)
        sheet.append(["heading"] * len(values))  # the header row, always streamed by openpyxl
        for number in range(2, 5):
            line = values[number:] + values[:number]
            sheet.row_dimensions[number].height = 15.0 * number
            if fast:
                rows.add(number, line, wrapped)
                continue
            cells: list[Any] = []
            for i, value in enumerate(line):
                if isinstance(value, str) and (i in wrapped or value.startswith("=")):
                    cell = WriteOnlyCell(sheet, value)
                    cell.data_type = "s"
                    if i in wrapped:
                        cell.alignment = wrap
                    value = cell
                cells.append(value)
            sheet.append(cells)
        out = io.BytesIO()
        archive = register._UndatedZip(out, "w")
        archive.rows = {"xl/worksheets/sheet1.xml": rows.xml()} if fast else {}
        from openpyxl.writer.excel import ExcelWriter

        ExcelWriter(book, archive).save()
        with zipfile.ZipFile(out) as made:
            return made.read("xl/worksheets/sheet1.xml") + made.read("xl/styles.xml")

    assert sheet_xml(fast=True) == sheet_xml(fast=False)


def test_each_report_has_its_own_summary_sheet(tmp_path: Path) -> None:
    target = tmp_path / "register.xlsx"
    assert run("register", *SPECS, "-o", target, "--as-of", AS_OF)[0] == 0
    book = load_workbook(target)
    loamshire = book["An inspection of Loamshire"]
    assert [tuple(c.value for c in row) for row in loamshire.iter_rows()] == [
        ("Report", "An inspection of Loamshire Police’s response to domestic abuse"),
        ("Office", "Office of the Police and Crime Commissioner for Loamshire"),
        ("Published", dt.datetime(2025, 9, 18)),
        ("s55 deadline", dt.datetime(2025, 11, 12)),  # 55 days on
        ("Response by the deadline", "yes"),
        ("Planned", 3),
        ("In progress", 2),
        ("Ongoing", 1),
        ("Complete", 2),
        ("Answered, no separate action", 1),
        ("Overdue", 2),
        ("Total", 9),
    ]
    assert loamshire["A1"].font.bold and loamshire["B1"].alignment.wrap_text
    assert (loamshire.page_setup.orientation, loamshire.print_title_rows) == ("landscape", "$1:$1")
    # each report's sheet says what its row of the Summary says
    summary = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    for row, name in zip(summary[1:], book.sheetnames[2:], strict=True):
        sheet = {r[0].value: r[1].value for r in book[name].iter_rows()}
        assert sheet["Report"] == row[0] and sheet["Total"] == row[-1] and sheet["Overdue"] == row[-2]
        assert {k: v for k, v in zip(summary[0][5:-2], row[5:-2], strict=True) if v} == {
            k: v for k, v in sheet.items() if k in summary[0][5:-2]
        }


@pytest.mark.parametrize(
    ("labels", "taken", "names"),
    [
        (["PEEL 2025/27: [draft] *Loamshire*?"], [], ["PEEL 2025 27 draft Loamshire"]),  # no []:*?/\\
        (["'Quoted'", "C:\\path\\x"], [], ["Quoted", "C path x"]),  # no apostrophe at either end
        (["A" * 40, "A" * 40, "a" * 40], [], ["A" * 31, "A" * 27 + " (2)", "a" * 27 + " (3)"]),
        (["Register", "History", "???"], ["Summary", "Register"], ["Register (2)", "History (2)", "Report"]),
        (["An inspection of the effectiveness of the police"], [], ["An inspection of the"]),
    ],
)
def test_sheet_names_are_ones_excel_accepts(labels: list[str], taken: list[str], names: list[str]) -> None:
    made = register.sheet_names(labels, taken=taken)
    assert made == names
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in made)
    assert len({n.casefold() for n in (*made, *taken)}) == len(made) + len(taken)


def test_an_invalid_spec_fails_the_register_with_its_located_error(tmp_path: Path) -> None:
    target = tmp_path / "register.csv"
    code, out, err = run("register", LOAMSHIRE, ROOT / "tests" / "bad" / "unanswered-recommendation.yaml", "-o", target)
    assert (code, out) == (1, "")
    assert "unanswered-recommendation.yaml:17:7: report.recommendations[0]: recommendation 'R1' has no response" in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("verb", "name"), [("register", "r.txt"), ("register", "r.ics"), ("progress", "p.txt"), ("deadlines", "d.csv")]
)
def test_an_output_name_the_verb_cannot_write_is_a_usage_error(verb: str, name: str, tmp_path: Path) -> None:
    code, _, err = run(verb, LOAMSHIRE, "-o", tmp_path / name)
    assert code == 2 and err.startswith("error: cannot write a ")
    assert not (tmp_path / name).exists()


def test_items_from_newer_specs_are_read_through_one_adapter() -> None:
    # Causes of concern, answers naming several ids, answers that do not apply, items addressed to others.
    concern = SimpleNamespace(id="C1", text="Concern", addressed_to="Chief constables")
    spec: Any = SimpleNamespace(
        report=SimpleNamespace(recommendations=[], areas_for_improvement=[], causes_of_concern=[concern]),
        response=SimpleNamespace(
            recommendations=[],
            areas_for_improvement=[],
            causes_of_concern=[
                SimpleNamespace(id=None, answered_ids=("C1",), applies=False, response="No", actions=[])
            ],
        ),
    )
    [(kind, item, addressed_to, answer, applies)] = register._items(spec)
    assert (kind, item, addressed_to, answer.response, applies) == (
        "cause of concern",
        concern,
        "Chief constables",
        "No",
        False,
    )
    assert register.last_day(SimpleNamespace(last_day=dt.date(2026, 3, 31))) == dt.date(2026, 3, 31)


# -- progress updates ----------------------------------------------------------------------------------


def test_recording_progress_changes_the_register_but_not_one_byte_of_the_letter(tmp_path: Path) -> None:
    spec = loamshire(tmp_path)
    old_row = register.read([spec], AS_OF).rows[0]
    before = {p.name: p.read_bytes() for p in build(spec, tmp_path / "before").outputs}
    loamshire(tmp_path, UPDATES)
    new_row = register.read([spec], AS_OF).rows[0]
    after = build(spec, tmp_path / "after")
    assert {p.name: p.read_bytes() for p in after.outputs} == before
    assert not after.warnings  # the letter never reads the clock, nor the updates
    assert (old_row.status, old_row.overdue, old_row.last_update) == ("in progress", True, None)
    assert (new_row.status, new_row.overdue, new_row.last_update) == ("complete", False, dt.date(2026, 1, 20))
    assert new_row.note == "All 212 call handlers trained."


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        (
            "          updates:\n            - {date: 2025-10-01, status: complete}\n",
            "response.recommendations[0].actions[0].updates[0].date: the update is dated before the response (2025-10-30)",
        ),
        (
            "          updates:\n            - {date: 2026-01-20, status: complete}\n            - {date: 2025-12-01, status: ongoing}\n",
            "response.recommendations[0].actions[0].updates[1].date: the update is dated before the one above it "
            "(2026-01-20); list updates oldest first",
        ),
    ],
)
def test_updates_come_after_the_response_and_in_date_order(updates: str, message: str, tmp_path: Path) -> None:
    spec = loamshire(tmp_path, updates)
    code, out, _ = run("validate", "--format", "json", spec)
    [report] = json.loads(out)
    assert code == 1
    assert [(e["rule"], f"{e['loc']}: {e['message']}") for e in report["errors"]] == [("update-order", message)]


LEFT_OUT = (
    "updates[1].date: the update is dated 2026-01-20, after 2026-01-10: left out of the register, progress report "
    "and calendar as of 2026-01-10 (is the date right?)"
)


def test_progress_dated_after_the_as_of_date_is_left_out_and_named(tmp_path: Path) -> None:
    # Issue 25 item 4: as-of means as-of, so a report re-run for a past meeting says what was known then.
    spec = loamshire(tmp_path, UPDATES)
    code, out, _ = run("validate", spec, "--as-of", "2026-01-10")
    assert code == 0
    assert LEFT_OUT in out and "warning" in out
    assert "is dated" not in run("validate", spec, "--as-of", "2026-01-20")[1]
    code, _, err = run("register", spec, "-o", tmp_path / "r.json", "--as-of", "2026-01-10")
    assert code == 0 and LEFT_OUT in err
    r1 = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))[0]
    assert (r1["status"], r1["last_update"], r1["note"]) == (
        "in progress",
        "2025-12-01",
        "Half of the call handlers trained.",
    )
    assert r1["overdue"] is False  # due 31 January: not yet
    later = register.read([spec], dt.date(2026, 2, 1)).rows[0]
    assert (later.status, later.last_update) == ("complete", dt.date(2026, 1, 20))
    code, _, err = run("progress", spec, "-o", tmp_path / "p.docx", "--as-of", "2026-01-10")
    assert code == 0 and LEFT_OUT in err
    cells = [c.text for t in docx.Document(str(tmp_path / "p.docx")).tables for row in t.rows for c in row.cells]
    assert "1 December 2025: Half of the call handlers trained." in cells
    assert not any("All 212" in c for c in cells)
    assert "update-future" not in {p.rule for p in build(spec, tmp_path / "out").warnings}


# -- progress report ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def progress(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("progress")
    made = {}
    for fmt in ("pdf", "docx"):
        target = out / f"progress.{fmt}"
        code, _, err = run("progress", *SPECS, "-o", target, "--as-of", AS_OF, "--title", "Report to the panel")
        assert (code, err) == (0, "")
        made[fmt] = target
    return made


def register_counts() -> dict[str, Counter[str]]:
    # By report and office: three offices answer the same joint inspection.
    found: dict[str, Counter[str]] = {}
    for row in register.read(SPECS, AS_OF).rows:
        found.setdefault(f"{row.report_title} ({row.office})", Counter())[row.status] += 1
    return found


def test_progress_pdf_is_tagged_and_its_chart_states_the_counts(progress: dict[str, Path]) -> None:
    with pikepdf.open(progress["pdf"]) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]) == "Report to the panel"
        elements = structure(pdf)
        headings = [int(str(e.S)[2:]) for e in elements if str(e.S)[:2] == "/H" and str(e.S)[2:].isdigit()]
        assert headings[0] == 1 and headings.count(1) == 1
        assert all(b <= a + 1 for a, b in pairwise(headings)), headings
        [chart] = [str(e.Alt) for e in elements if str(e.S) == "/Figure"]
    assert chart.startswith(
        "Chart of actions by status. All reports: 4 planned, 3 in progress, 1 ongoing, 2 complete, 8 not set, "
        "1 answered, no separate action."
    )
    for title, tally in register_counts().items():
        assert title in chart
        for status, n in tally.items():
            assert f"{n} {status}" in chart


def test_progress_docx_has_the_same_numbers_as_the_register(progress: dict[str, Path]) -> None:
    document = docx.Document(str(progress["docx"]))
    assert document.core_properties.title == "Report to the panel"
    assert document.core_properties.language == "en-GB"
    assert not document.inline_shapes  # the chart is PDF only; this table carries its numbers
    summary = document.tables[0]
    header = [c.text for c in summary.rows[0].cells]
    assert header[0] == "Report" and header[-1] == "Total"
    table = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in summary.rows[1:]}
    expected = register_counts()
    for title, tally in expected.items():
        [label] = [k for k in table if k == title]
        by_status = zip(header[1:-2], table[label][:-2], strict=True)  # then Overdue and Total
        found = {status.lower(): int(n) for status, n in by_status if n != "0"}
        assert found == dict(tally)
        assert int(table[label][-1]) == sum(tally.values())
    assert header[-2] == "Overdue" and int(table["All reports"][-2]) == 3
    assert int(table["All reports"][-1]) == 19
    texts = [p.text for p in document.paragraphs]
    assert texts.index("Overdue actions") < texts.index("Recommendation R1")
    overdue = [[c.text for c in row.cells] for row in document.tables[1].rows[1:]]
    # the longest overdue first, each with its latest update (none recorded in these examples)
    assert [row[1] for row in overdue] == [
        "Recommendation R4, action 1",
        "Recommendation R1, action 1",
        "Local action, action 1",
    ]
    assert [row[-1] for row in overdue] == ["–", "–", "–"]
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape: the tables need the width


def test_progress_summary_columns_are_as_wide_as_their_content(progress: dict[str, Path]) -> None:
    # The report's title takes the room; each count is as narrow as its longest word allows.
    summary = docx.Document(str(progress["docx"])).tables[0]
    grid = [int(c.get(qn("w:w"))) for c in summary._tbl.tblGrid.findall(qn("w:gridCol"))]
    header = [c.text for c in summary.rows[0].cells]
    assert grid[0] > max(grid[1:])
    padding = 2 * HOUSE_STYLE.cell_padding_horizontal
    size = HOUSE_STYLE.small_table_size  # the report's tables, in Word as in the PDF
    table_text = docx.Document(str(progress["docx"])).styles["Table Text"]
    assert table_text.font.size is not None and table_text.font.size.pt == size
    for width, words in zip(grid[1:], header[1:], strict=True):  # a heading's words print bold
        longest = max(measure.word_width(w, HOUSE_STYLE.font, size, bold=True) for w in words.split())
        assert width / 20 >= longest + padding
    # No word of a report's title broken across lines in the PDF
    lines = pdf_text(progress["pdf"]).splitlines()
    printed = {word for line in lines for word in line.split()}
    titles = " ".join(register_counts())
    assert [w for w in titles.split() if w not in printed] == []


def test_progress_chart_is_in_the_house_font(progress: dict[str, Path]) -> None:
    page = lxml.html.fromstring(prog.render(register.read(SPECS, AS_OF)).html)
    [svg] = page.xpath("//svg")
    assert svg.get("font-family") == HOUSE_STYLE.font  # the specs come from two offices: the house's own
    with pikepdf.open(progress["pdf"]) as pdf:
        fonts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]
        names = {str(f.get("/BaseFont")).lstrip("/").split("+")[-1] for f in fonts}  # subset prefix aside
    assert names == {"Liberation-Sans", "Liberation-Sans-Bold", "Liberation-Sans-Italic"}  # the chart's text too


def test_recorded_progress_reaches_the_progress_report(tmp_path: Path) -> None:
    spec = loamshire(tmp_path, UPDATES)
    target = tmp_path / "progress.docx"
    assert run("progress", spec, "-o", target, "--as-of", AS_OF)[0] == 0
    document = docx.Document(str(target))
    # planned, in progress (a local action), ongoing, complete, answered without actions; overdue, total
    assert [c.text for c in document.tables[0].rows[1].cells][1:] == ["3", "1", "1", "3", "1", "1", "9"]
    overdue = [[c.text for c in row.cells] for row in document.tables[1].rows[1:]]
    assert [row[1] for row in overdue] == ["Local action, action 1"]  # R1's first action, complete now, is not
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "20 January 2026: All 212 call handlers trained." in cells


def test_the_progress_template_is_not_offered_as_a_letter_layout() -> None:
    assert list(layouts()) == ["letter", "narrative", "statement"]


# -- deadlines calendar ----------------------------------------------------------------------------------


def test_calendar_has_one_event_per_deadline_and_open_action_with_stable_uids(tmp_path: Path) -> None:
    first, second = tmp_path / "one.ics", tmp_path / "two.ics"
    assert run("deadlines", *SPECS, "-o", first, "--as-of", AS_OF)[:2] == (
        0,
        f"{first}: 5 specs, 5 s55 deadlines, 8 open action due dates\n",  # what the calendar holds, counted below
    )
    assert run("deadlines", *SPECS, "-o", second, "--as-of", "2027-01-01")[0] == 0
    events = Calendar.from_ical(first.read_bytes()).walk("VEVENT")
    rows = register.read(SPECS, AS_OF).rows
    open_due = [r for r in rows if r.due and r.status != "complete"]
    assert len(events) == len(SPECS) + len(open_due) == 5 + 8  # Loamshire's two local actions among them
    deadlines_ = [e for e in events if str(e["SUMMARY"]).startswith("s55 deadline")]
    assert sorted(e.decoded("DTSTART") for e in deadlines_)[-1] == dt.date(2025, 11, 12)
    due = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert due["Due: Train all call handlers in the structured risk assessment tool."] == dt.date(2026, 1, 31)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert uids == [str(e["UID"]) for e in Calendar.from_ical(second.read_bytes()).walk("VEVENT")]
    assert first.read_bytes() == second.read_bytes()


def test_a_completed_action_leaves_the_calendar(tmp_path: Path) -> None:
    before = register.read([loamshire(tmp_path / "a")], AS_OF)
    after = register.read([loamshire(tmp_path / "b", UPDATES)], AS_OF)
    count = [len(Calendar.from_ical(deadlines.to_ics(r)).walk("VEVENT")) for r in (before, after)]
    assert count == [7, 6]  # the deadline, four actions and two local actions; then R1's first is complete


def test_many_specs_are_read_in_parallel_with_the_same_rows_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    serial = register.read(SPECS * 2, AS_OF)
    monkeypatch.setattr(register, "PARALLEL_FROM", 4)  # two worker processes for ten specs
    assert register.read(SPECS * 2, AS_OF).rows == serial.rows
    bad = ROOT / "tests" / "bad" / "unanswered-recommendation.yaml"
    with pytest.raises(SpecError) as failure:
        register.read([*SPECS, bad, *SPECS], AS_OF)
    [problem] = failure.value.problems
    assert (problem.path, problem.line, problem.rule) == (bad, 17, "s55-unanswered")


def test_specs_without_items_make_empty_but_valid_files(tmp_path: Path) -> None:
    # The report makes no recommendations; without the letter's own actions, nothing is promised.
    text = (ROOT / "responses" / "nottinghamshire-2020-csa-family.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "nottinghamshire.yaml"
    spec.write_text(re.sub(r"\n  local_actions:\n(?:    .*\n|\n)*", "\n", text), encoding="utf-8")
    assert register.read([spec], AS_OF).specs[0].spec.response.local_actions == []
    for name in ("progress.pdf", "progress.docx", "register.xlsx", "deadlines.ics"):
        verb = name.split(".")[0]
        # the calendar speaks of what it holds: the response's deadline, and no action's due date
        made = "1 s55 deadline, 0 open action due dates" if verb == "deadlines" else "0 register rows"
        assert run(verb, spec, "-o", tmp_path / name, "--as-of", AS_OF) == (
            0,
            f"{tmp_path / name}: 1 spec, {made}\n",
            "",
        )
    texts = [p.text for p in docx.Document(str(tmp_path / "progress.docx")).paragraphs]
    assert "No action is overdue." in texts
    assert load_workbook(tmp_path / "register.xlsx").worksheets[0].max_row == 1
    assert len(Calendar.from_ical((tmp_path / "deadlines.ics").read_bytes()).walk("VEVENT")) == 1


def test_spec_text_is_data_in_the_register_page_and_the_progress_report(tmp_path: Path) -> None:
    spec = loamshire(tmp_path)
    hostile = "<script>alert(1)</script> {{ 7*7 }}"
    text = spec.read_text(encoding="utf-8").replace(
        "Train all call handlers in the structured risk assessment tool.", f"'Train {hostile}'"
    )  # inside a sentence: raw HTML opening a text is refused as a block (issue 10), inside one it is text
    spec.write_text(text, encoding="utf-8")
    assert run("register", spec, "-o", tmp_path / "r.html")[0] == 0
    assert run("progress", spec, "-o", tmp_path / "p.docx")[0] == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in page
    cells = [c.text for t in docx.Document(str(tmp_path / "p.docx")).tables for row in t.rows for c in row.cells]
    assert f"Train {hostile}" in cells


def test_progress_docx_headings_start_at_one_title_and_skip_no_level(progress: dict[str, Path]) -> None:
    levels = {"Title": 1, "Heading 1": 2, "Heading 2": 3}
    found = [levels[p.style.name] for p in docx.Document(str(progress["docx"])).paragraphs if p.style.name in levels]
    assert found[0] == 1 and found.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(found)), found


# -- an office's own tracking templates -------------------------------------------------------------


def _office_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "office-templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


def test_an_office_templates_folder_may_carry_its_own_tracking_templates(tmp_path: Path) -> None:
    office = _office_templates(tmp_path)
    for name in ("register.html.j2", "progress.html.j2"):
        page = office / "tracking" / name
        page.write_text(page.read_text().replace("</body>", "<p>Loamshire own edition</p>\n</body>"))
    assert run("register", LOAMSHIRE, "-o", tmp_path / "r.html", "--templates", office)[0] == 0
    assert "Loamshire own edition" in (tmp_path / "r.html").read_text()
    assert run("progress", LOAMSHIRE, "-o", tmp_path / "p.html", "--templates", office)[0] == 0
    assert "Loamshire own edition" in (tmp_path / "p.html").read_text()
    # A folder without tracking/ keeps ours
    shutil.rmtree(office / "tracking")
    assert run("register", LOAMSHIRE, "-o", tmp_path / "ours.html", "--templates", office)[0] == 0
    assert "own edition" not in (tmp_path / "ours.html").read_text()


def test_an_office_tracking_template_is_confined_to_its_folder(tmp_path: Path) -> None:
    office = _office_templates(tmp_path)
    outside = tmp_path / "elsewhere.html.j2"
    outside.write_text("{{ columns }}")
    (office / "tracking" / "register.html.j2").unlink()
    (office / "tracking" / "register.html.j2").symlink_to(outside)
    code, out, err = run("register", LOAMSHIRE, "-o", tmp_path / "r.html", "--templates", office)
    assert (code, out) == (1, "")
    assert err == (
        f"{office / 'tracking' / 'register.html.j2'}: template error: refused to load 'tracking/register.html.j2': "
        f"it leads outside the templates folder {office}\n"
    )
    assert not (tmp_path / "r.html").exists()
