"""Tracking a scrutiny panel can trust (issue 25): every promise in the register, statuses that say
what is true, as-of meaning as-of, `update` instead of editing YAML, outputs a panel reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import docx
import lxml.html
import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext

from jtai_letters.checks import rules
from jtai_letters.spec.load import load_spec
from jtai_letters.tracking import register
from jtai_letters.tracking import update as updating

from .browser import axe_violations, horizontal_overflow
from .helpers import ROOT, SPECS, pdf_text, run

HERE = ROOT / "tests" / "tracking"
WESSEX = HERE / "wessex-body.yaml"
AS_OF = dt.date(2026, 12, 2)


def copied(tmp_path: Path, *specs: Path) -> list[Path]:
    """Copies of specs (with the office profiles they name) in `tmp_path`, for changing."""
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles", dirs_exist_ok=True)
    (tmp_path / "responses").mkdir(exist_ok=True)
    made = []
    for spec in specs:
        shutil.copy(spec, tmp_path / "responses" / spec.name)
        made.append(tmp_path / "responses" / spec.name)
    return made


# -- 1. every promise tracked wherever it is written ---------------------------------------------


@pytest.mark.parametrize("spec", [*SPECS, WESSEX], ids=lambda p: p.stem)
def test_every_action_of_every_spec_is_a_register_row(spec: Path) -> None:
    model = load_spec(spec).spec
    rows = list(register.rows(model, AS_OF))
    places = [r.loc for r in rows if r.action_number]
    answered_by = {
        ("response", key, i): len(answer.answered_ids)
        for key in rules.ANSWER_KEYS
        for i, answer in enumerate(getattr(model.response, key))
    }
    for loc, _action in rules.actions(model):
        # once, or once per item of an answer given to several items together
        assert places.count(loc) == answered_by.get(loc[:3], 1), loc
    assert len(places) == sum(answered_by.get(loc[:3], 1) for loc, _ in rules.actions(model))


def test_actions_in_a_body_and_shown_local_actions_stay_in_the_register() -> None:
    rows = register.read([WESSEX], AS_OF).rows
    assert [(r.item_label, r.action_number, r.action) for r in rows if r.action_number] == [
        ("recommendation R2", 1, "Publish the vetting decisions each quarter."),
        ("local action", 1, "Fund two more vetting officers."),
        ("local action", 2, "Report on the review of investigations to the panel."),
    ]
    # `show: local_actions` places them: the letter prints them and validate says nothing
    assert run("validate", WESSEX, "--as-of", AS_OF) == (0, f"{WESSEX}: valid\n", "")


def test_local_actions_a_body_does_not_place_are_named_with_both_ways_to_keep_them(tmp_path: Path) -> None:
    [spec] = copied(tmp_path, WESSEX)
    spec.write_text(spec.read_text(encoding="utf-8").replace("    - show: local_actions\n", ""), encoding="utf-8")
    _, out, _ = run("validate", spec, "--as-of", AS_OF)
    assert (
        "response.local_actions: not printed: with response.body, the letter holds only what the body places; "
        "move it into the body (or add `- show: local_actions`)"
    ) in out


# -- 2. and 3. the notes, and statuses that say what is true ------------------------------------------


def test_every_format_carries_the_latest_note_and_the_answers_words(tmp_path: Path) -> None:
    note = "Delayed: the new rota needs Federation agreement"
    for fmt in ("csv", "json", "xlsx", "html"):
        assert run("register", WESSEX, "-o", tmp_path / f"r.{fmt}", "--as-of", AS_OF)[0] == 0
    table = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    records = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    sheet = load_workbook(tmp_path / "r.xlsx")["Register"]
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    r2 = next(i for i, r in enumerate(records) if r["item_id"] == "R2")
    assert table[r2]["note"] == records[r2]["note"] == cells[r2][register.SHEET_COLUMNS.index("note")] == note
    assert note in page
    statuses = {r["item_id"]: r["status"] for r in records if r["item_id"]}
    assert statuses == {
        "R1": "answered, no separate action",  # accepted, what is done is in the answer
        "R2": "in progress",
        "AFI1": "no action",  # declined, the answer says why
        "AFI2": "not applicable",
    }
    r1 = next(r for r in records if r["item_id"] == "R1")
    assert r1["answer"] == "Accepted. Supervisors now review every open investigation each month."
    assert "Accepted. Supervisors now review every open investigation each month." in page
    assert "Not accepted. The force already records" in page


def test_the_progress_report_shows_the_answer_of_an_item_without_actions(tmp_path: Path) -> None:
    assert run("progress", WESSEX, "-o", tmp_path / "p.docx", "--as-of", AS_OF)[0] == 0
    texts = [p.text for p in docx.Document(str(tmp_path / "p.docx")).paragraphs]
    r1 = texts.index("Recommendation R1")
    assert [t for t in texts[r1 + 2 : r1 + 5] if t] == [
        "Accepted. Supervisors now review every open investigation each month.",
        "Status: answered, no separate action.",
    ]
    assert "Status: no action." in texts and "Status: no action" != "Status: answered, no separate action."


# -- 7. the inspectorate's and panels' vocabulary -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "superseded-without-successor",
            "response.recommendations[1].actions[0].updates[0].superseded_by: a superseded update names what "
            "supersedes it: add superseded_by: {report: ..., item: ...}",
        ),
        (
            "not-applicable-without-reason",
            "response.recommendations[1].actions[0].updates[0].note: say why it does not apply: add a note",
        ),
        (
            "successor-on-another-status",
            "response.recommendations[1].actions[0].updates[0].superseded_by: superseded_by is for the status "
            "superseded, not complete: remove it or change the status",
        ),
    ],
)
def test_a_status_that_needs_its_reason_or_successor_says_so(name: str, message: str) -> None:
    code, out, _ = run("validate", "--format", "json", HERE / f"{name}.yaml", "--as-of", AS_OF)
    [report] = json.loads(out)
    assert code == 1
    assert [(e["rule"], f"{e['loc']}: {e['message']}") for e in report["errors"]] == [("update-status", message)]


def test_the_inspectorates_words_are_statuses_and_closure_is_recorded(tmp_path: Path) -> None:
    [spec] = copied(tmp_path, WESSEX)
    text = spec.read_text(encoding="utf-8").replace(
        '              note: "Delayed: the new rota needs Federation agreement"\n',
        '              note: "Delayed: the new rota needs Federation agreement"\n'
        "            - date: 2026-11-25\n"
        "              status: Being progressed\n"
        "            - date: 2026-11-26\n"
        "              status: Pending sign off\n"
        "            - date: 2026-11-27\n"
        "              status: superseded\n"
        "              by: Police and Crime Panel\n"
        "              evidence: Panel minutes, 27 November 2026\n"
        "              superseded_by: {report: 'PEEL 2027-29: Wessex Police', item: AFI3}\n",
    )
    spec.write_text(text, encoding="utf-8")
    seen = [(r.status, r.updated_by, r.evidence, r.superseded_by) for r in register.read([spec], AS_OF).rows]
    assert (
        "superseded",
        "Police and Crime Panel",
        "Panel minutes, 27 November 2026",
        "AFI3 of PEEL 2027-29: Wessex Police",
    ) in seen
    mid = register.read([spec], dt.date(2026, 11, 26)).rows
    assert "pending sign-off" in {r.status for r in mid}
    assert "in progress" in {r.status for r in register.read([spec], dt.date(2026, 11, 25)).rows}
    superseded = next(r for r in register.read([spec], AS_OF).rows if r.status == "superseded")
    assert not superseded.open  # closed: never overdue


# -- 8. update without editing YAML --------------------------------------------------------------------


def test_update_appends_to_the_named_action_keeping_the_rest_of_the_file(tmp_path: Path) -> None:
    [spec] = copied(tmp_path, WESSEX)
    before = spec.read_text(encoding="utf-8")
    code, out, err = run(
        "update", spec, "local", "--action", "2", "--status", "complete", "--note", "Reported in November.",
        "--date", "2026-11-30", "--by", "Chief Executive", "--evidence", "Panel paper 14",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"{spec}: local action, action 2: complete (2026-11-30)\n1 update recorded in 1 spec\n"
    after = spec.read_text(encoding="utf-8")
    added = (
        "          updates:\n"
        "            - date: 2026-11-30\n"
        "              status: complete\n"
        "              note: Reported in November.\n"
        "              by: Chief Executive\n"
        "              evidence: Panel paper 14\n"
    )
    anchor = "          status: planned\n"  # the body's action, the register's local action 2
    assert after == before.replace(anchor, anchor + added, 1)
    assert "# recorded at the panel's November meeting" in after  # comments kept
    row = register.read([spec], AS_OF).rows[-1]
    assert (row.status, row.note, row.updated_by, row.evidence) == (
        "complete",
        "Reported in November.",
        "Chief Executive",
        "Panel paper 14",
    )


def test_update_of_an_item_without_actions_records_the_items_own_progress(tmp_path: Path) -> None:
    [spec] = copied(tmp_path, WESSEX)
    code, _, err = run(
        "update", spec, "R1", "--status", "superseded", "--superseded-by", "AFI3 of PEEL 2027-29: Wessex Police",
        "--date", "2026-11-28",
    )  # fmt: skip
    assert (code, err) == (0, "")
    r1 = next(r for r in register.read([spec], AS_OF).rows if r.item_id == "R1")
    assert (r1.status, r1.superseded_by, r1.loc) == (
        "superseded",
        "AFI3 of PEEL 2027-29: Wessex Police",
        ("response", "recommendations", 0),
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["R9", "--status", "complete"], "no item 'R9' in this spec; its items are R1, R2, AFI1, AFI2, local"),
        (
            ["local", "--status", "complete"],
            "local action has 2 actions: say which with --action (1: Fund two more vetting officers.; "
            "2: Report on the review of investigations to the pan…)",
        ),
        (
            ["R2", "--action", "2", "--status", "complete"],
            "recommendation R2 has no action 2; its actions are 1: Publish the vetting decisions each quarter.",
        ),
        (
            ["R1", "--action", "1", "--status", "complete"],
            "recommendation R1 has no actions: leave out --action to record progress on the item itself",
        ),
    ],
)
def test_update_of_an_unknown_item_or_action_names_those_that_exist(
    args: list[str], message: str, tmp_path: Path
) -> None:
    [spec] = copied(tmp_path, WESSEX)
    before = spec.read_bytes()
    code, out, err = run("update", spec, *args)
    assert (code, out) == (1, "")
    assert err == f"{spec}: {message}\nnothing was written: fix these and run it again\n"
    assert spec.read_bytes() == before


def test_update_refuses_a_status_that_is_not_one_to_record(tmp_path: Path) -> None:
    [spec] = copied(tmp_path, WESSEX)
    code, _, err = run("update", spec, "R2", "--status", "not set")
    assert code == 2
    assert err.startswith("error: 'not set' is the register's own word, not a status to record; choose from planned,")


def test_an_update_that_would_make_the_spec_invalid_is_not_written(tmp_path: Path) -> None:
    [spec] = copied(tmp_path, WESSEX)
    before = spec.read_bytes()
    code, _, err = run("update", spec, "R2", "--status", "complete", "--date", "2026-11-01")
    assert code == 1
    assert (
        "response.recommendations[1].actions[0].updates[1].date: the update is dated before the one above it "
        "(2026-11-20); list updates oldest first (not written)"
    ) in err
    assert spec.read_bytes() == before


def test_update_checks_the_spec_as_validate_does_and_says_what_validate_says(tmp_path: Path) -> None:
    # update checks through the one checking path, as validate (today's date included): an update
    # dated after today is recorded, with validate's own warning that reports leave it out till then.
    [spec] = copied(tmp_path, WESSEX)
    code, out, err = run("update", spec, "R2", "--status", "complete", "--date", "2099-01-01", "--note", "Done.")
    assert (code, out) == (
        0,
        f"{spec}: recommendation R2, action 1: complete (2099-01-01)\n1 update recorded in 1 spec\n",
    )
    said = run("validate", spec)
    assert said[0] == 0
    warnings = [line for line in said[1].splitlines() + said[2].splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and "the update is dated 2099-01-01, after " in warnings[0]
    assert err.splitlines() == warnings


def _register_csv(tmp_path: Path, specs: list[Path]) -> list[dict[str, str]]:
    assert run("register", *specs, "-o", tmp_path / "updates.csv", "--as-of", AS_OF)[0] == 0
    return list(csv.DictReader(io.StringIO((tmp_path / "updates.csv").read_text(encoding="utf-8-sig"))))


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8-sig"))  # as a spreadsheet saves "CSV UTF-8"


def test_a_csv_of_updates_is_applied_in_one_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    specs = copied(tmp_path, WESSEX, ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml")
    relative = [Path("responses") / p.name for p in specs]
    rows = _register_csv(tmp_path, relative)
    assert rows[0]["spec"] == "responses/wessex-body.yaml"
    r2 = next(r for r in rows if r["item_id"] == "R2" and r["spec"].endswith("wessex-body.yaml"))
    r2.update(status="complete", note="Published on the force's website.", last_update="30/11/2026")
    r2["updated_by"], r2["evidence"] = "Panel secretary", "Website, 30 November 2026"
    loam = next(r for r in rows if r["item_id"] == "R1" and r["action_number"] == "1" and "loamshire" in r["spec"])
    loam.update(status="being progressed", note="Rota agreed with the Federation.")
    _write_csv(tmp_path / "updates.csv", rows)
    code, out, err = run("update", "--from", "updates.csv", "--date", "2026-12-01")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "responses/wessex-body.yaml: recommendation R2, action 1: complete (2026-11-30)",
        "responses/loamshire-2025-domestic-abuse.yaml: recommendation R1, action 1: in progress (2026-12-01)",
        f"2 updates recorded in 2 specs; {len(rows) - 2} rows unchanged",
    ]
    after = {r.item_label + r.spec: r for r in register.read(relative, AS_OF).rows}
    done = after["recommendation R2responses/wessex-body.yaml"]
    assert (done.status, done.last_update, done.updated_by) == ("complete", dt.date(2026, 11, 30), "Panel secretary")
    # Applied again: nothing new to record
    assert run("update", "--from", "updates.csv")[1].endswith(
        f"0 updates recorded in 0 specs; {len(rows)} rows unchanged\n"
    )


def test_a_csv_with_one_bad_row_changes_no_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    specs = copied(tmp_path, WESSEX, ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml")
    before = [p.read_bytes() for p in specs]
    rows = _register_csv(tmp_path, [Path("responses") / p.name for p in specs])
    rows[0]["status"] = "complete"  # good: the first spec
    bad = next(i for i, r in enumerate(rows) if "loamshire" in r["spec"])
    rows[bad]["status"] = "finished"  # bad: the second
    _write_csv(tmp_path / "updates.csv", rows)
    code, out, err = run("update", "--from", "updates.csv")
    assert (code, out) == (1, "")
    assert err.startswith(
        f"updates.csv:{bad + 2}: updates.csv:{bad + 2}: unknown status 'finished'; choose from planned,"
    )
    assert err.endswith("nothing was written: fix these and run it again\n")
    assert [p.read_bytes() for p in specs] == before


def test_a_csv_may_not_name_a_spec_outside_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inside = tmp_path / "panel"
    inside.mkdir()
    monkeypatch.chdir(inside)
    [spec] = copied(tmp_path, WESSEX)  # in tmp_path/responses: outside the folder update runs in
    rows = _register_csv(inside, [spec])
    rows[0]["status"] = "complete"
    _write_csv(inside / "updates.csv", rows)
    code, _, err = run("update", "--from", "updates.csv")
    assert code == 1
    assert f"updates.csv:2: the spec '{spec}' lies outside {inside.resolve()}" in err


def test_the_successor_spelling_reads_back() -> None:
    assert updating.successor("AFI3 of PEEL 2027-29: Wessex Police") == {
        "report": "PEEL 2027-29: Wessex Police",
        "item": "AFI3",
    }


# -- 5. outputs a panel reads ------------------------------------------------------------------------


def test_the_spreadsheet_is_headed_in_words_and_set_up_to_print(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    assert run("register", *SPECS, "-o", target, "--as-of", "2026-02-01")[0] == 0
    book = load_workbook(target)
    summary, sheet = book["Summary"], book["Register"]
    headings = [c.value for c in sheet[1]]
    assert "report_title" not in headings and "s55_deadline" not in headings and "last_update" not in headings
    assert headings[:3] == ["Office", "Report", "Kind of report"]
    for ws in (summary, sheet):
        assert ws.freeze_panes == "A2"
        assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)  # A4
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$1:$1"  # the header on every page
    assert sheet.cell(row=2, column=register.SHEET_COLUMNS.index("action") + 1).alignment.wrap_text
    # the columns that repeat the report are folded (the summary has them once per report)
    assert sheet.column_dimensions["A"].hidden and sheet.column_dimensions["A"].outlineLevel == 1
    groups = register.by_report(register.read(SPECS, dt.date(2026, 2, 1)))
    assert [c.value for c in summary["A"]][1:] == [rows[0].report_title for rows in groups.values()]


@pytest.fixture(scope="module")
def register_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("register") / "register.html"
    assert run("register", *SPECS, WESSEX, "-o", target, "--as-of", AS_OF)[0] == 0
    return target


def test_the_register_page_is_headed_in_words(register_page: Path) -> None:
    page = lxml.html.parse(str(register_page)).getroot()
    text = page.text_content()
    for field in ("report_title", "s55_deadline", "item_type", "last_update"):
        assert field not in text
    assert [h.text for h in page.findall(".//h2")][-1] == (
        "An inspection of Wessex Police (Office of the Police and Crime Commissioner for Wessex)"
    )


def test_the_register_page_reads_at_1280_and_320_pixels_with_no_wcag_violation(
    browser: BrowserContext, register_page: Path
) -> None:
    page = browser.new_page()
    try:
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(register_page.as_uri())
            assert horizontal_overflow(page) == 0, width
            assert axe_violations(page) == [], width
    finally:
        page.close()


# -- 6. a progress report a panel reads --------------------------------------------------------------------


def test_the_progress_report_leads_with_the_overdue_and_says_what_moved_since(tmp_path: Path) -> None:
    target = tmp_path / "p.pdf"
    code, _, err = run("progress", WESSEX, "-o", target, "--as-of", AS_OF, "--since", "2026-11-01")
    assert (code, err) == (0, "")
    text = " ".join(pdf_text(target).split())
    assert text.index("Overdue actions") < text.index("Recommendation R1")
    # the overdue action with its latest note beside it: why it is late
    assert "Recommendation R2, action 1" in text
    assert "20 November 2026: Delayed: the new rota needs Federation agreement" in text
    assert "Since 1 November 2026: 1 updated, 0 completed." in text
    # no word of an action, owner or note broken across lines
    words = set(pdf_text(target).split())
    for row in register.read([WESSEX], AS_OF).rows:
        for value in (row.action, row.owner, row.note):
            assert [w for w in value.split() if w not in words] == [], value
    code, _, err = run("progress", WESSEX, "-o", tmp_path / "x.pdf", "--as-of", AS_OF, "--since", "2027-01-01")
    assert code == 2 and err == "error: --since 2027-01-01 is after the report's date, 2026-12-02\n"


def test_the_chart_names_every_bar_in_words(tmp_path: Path) -> None:
    from jtai_letters.tracking import progress

    page = lxml.html.fromstring(progress.render(register.read([WESSEX], AS_OF)).html)
    [svg] = page.xpath("//svg")
    lines = [t.text_content() for t in svg.iter("{*}text", "text")]
    assert "1 planned · 2 in progress · 1 not applicable · 1 answered, no separate action · 1 no action" in lines


# -- deadlines ---------------------------------------------------------------------------------------------


def test_the_calendar_holds_the_chief_constables_date_and_each_drafts_deadline(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(WESSEX.read_text(encoding="utf-8").replace("I welcome the report and accept", "TODO"))
    target = tmp_path / "d.ics"
    assert run("deadlines", WESSEX, draft, "-o", target, "--as-of", AS_OF)[0] == 1  # a draft fails, unless asked
    code, out, err = run("deadlines", WESSEX, draft, "-o", target, "--as-of", AS_OF, "--drafts")
    assert code == 0
    assert out == (
        f"{target}: 1 spec, 2 s55 deadlines, 1 date the chief constable's comments are due, 3 open action due dates\n"
    )
    assert err == (
        f"{draft}: warning: a draft, not yet valid (1 error: validate lists them): on the calendar with its s55 "
        "deadline, 2026-10-26, only\n"
    )
    events = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT")}
    assert events["Chief constable's comments due: Wessex response to An inspection of Wessex Police"] == dt.date(
        2026, 10, 6
    )
    assert events["s55 deadline (draft): draft"] == dt.date(2026, 10, 26)
