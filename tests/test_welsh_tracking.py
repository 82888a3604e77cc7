"""The register, progress report and calendar of a Welsh office: in its languages, every fixed word Welsh."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import lxml.html
import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from jtai_letters.tracking.register import SHEET_COLUMNS

from .helpers import ROOT, docx_paragraphs, english_in, pdf_text, run, welsh_text

EXAMPLE = ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml"
AS_OF = "2026-02-10"  # the example's action is overdue by then: the overdue words print too


def _made(tmp_path: Path, name: str, *language: str) -> Path:
    verb = {"xlsx": "register", "html": "register", "pdf": "progress", "docx": "progress", "ics": "deadlines"}
    target = tmp_path / name
    code, out, err = run(verb[name.split(".")[1]], EXAMPLE, "-o", target, "--as-of", AS_OF, *language)
    assert (code, err) == (0, ""), out
    return target


def _sheets(path: Path) -> dict[str, str]:
    """Each sheet's name and every text it holds, the spec's own texts (its names and quotations) left out."""
    book = load_workbook(path)
    found = {}
    for sheet in book.worksheets:
        own = _SUMMARY_OWN if sheet.max_column != len(SHEET_COLUMNS) else _REGISTER_OWN
        texts = [sheet.title]
        for row in sheet.iter_rows():
            texts += [str(c.value) for c in row if isinstance(c.value, str) and (c.row == 1 or c.column not in own)]
        found[sheet.title] = "\n".join(texts)
    return found


# The columns holding the spec's own words: the office, report, item, answer, action, owner, notes and file
_SPEC_TEXT = ("office", "report_title", "item_id", "item_text", "addressed_to", "answer", "action", "owner")
_REGISTER_OWN = {
    i
    for i, name in enumerate(SHEET_COLUMNS, 1)
    if name in (*_SPEC_TEXT, "note", "updated_by", "evidence", "superseded_by", "spec")
}
_SUMMARY_OWN = {1, 2}  # the report's title, the office


def _calendar_text(path: Path) -> str:
    calendar = Calendar.from_ical(path.read_bytes())
    texts = [str(calendar["X-WR-CALNAME"])]
    for event in calendar.walk("VEVENT"):
        texts += [str(event["SUMMARY"]), str(event["DESCRIPTION"])]
    return "\n".join(texts)


def test_the_welsh_register_progress_report_and_calendar_print_no_word_of_the_english_catalogue(
    tmp_path: Path,
) -> None:
    welsh = ("--language", "cy-GB")
    sheets = _sheets(_made(tmp_path, "register.xlsx", *welsh))
    assert list(sheets) == ["Crynodeb", "Cofrestr", "Arolygiad o ymateb Heddlu Tir"]
    for text in sheets.values():
        assert english_in(text) == []
    assert (
        "Statws" in sheets["Cofrestr"] and "Ar y gweill" in sheets["Cofrestr"] and "argymhelliad" in sheets["Cofrestr"]
    )
    page = _made(tmp_path, "register.html", *welsh).read_text(encoding="utf-8")
    assert lxml.html.document_fromstring(page).get("lang") == "cy-GB"
    said, spans = welsh_text(page)
    assert "Cofrestr ymatebion i adroddiadau arolygu" in said and spans == []
    assert english_in(said) == []
    pdf = pdf_text(_made(tmp_path, "progress.pdf", *welsh))
    word = "\n".join(docx_paragraphs(_made(tmp_path, "progress.docx", *welsh)))
    for text in (pdf, word):
        assert "Camau gweithredu hwyr" in text and "Argymhelliad R1" in text
        assert english_in(text) == []
    calendar = _calendar_text(_made(tmp_path, "deadlines.ics", *welsh))
    assert "Dyddiad cau adran 55: ymateb Tir Llechen" in calendar
    assert english_in(calendar) == []


def test_the_register_of_a_bilingual_office_is_in_both_languages_welsh_first(tmp_path: Path) -> None:
    book = load_workbook(_made(tmp_path, "register.xlsx"))  # the office's own language: cy-GB+en-GB
    assert book.sheetnames == [
        "Crynodeb",
        "Cofrestr",
        "Summary",
        "Register",
        "Arolygiad o ymateb Heddlu Tir",  # then a sheet per report in each language, Welsh first
        "An inspection of Tir Llechen",
    ]
    assert (
        book.properties.title
        == "Cofrestr ymatebion i adroddiadau arolygu / Register of responses to inspection reports"
    )
    welsh, english = book["Cofrestr"], book["Register"]
    assert [c.value for c in welsh[1]][:3] == ["Swyddfa", "Adroddiad", "Math o adroddiad"]
    assert [c.value for c in english[1]][:3] == ["Office", "Report", "Kind of report"]
    # each sheet's texts in its own language, from the spec's text in that language
    assert welsh["B2"].value == "Arolygiad o ymateb Heddlu Tir Llechen i gam-drin domestig"
    assert english["B2"].value == "An inspection of Tir Llechen Police’s response to domestic abuse"
    assert [t.displayName for s in (welsh, english) for t in s.tables.values()] == ["Register", "Register_en"]
    page = lxml.html.document_fromstring(_made(tmp_path, "register.html").read_text(encoding="utf-8"))
    parts = page.xpath('/html/body/div[@class="language-part"]')
    assert [p.get("lang") for p in parts] == ["cy-GB", "en-GB"]
    assert parts[0].findtext("main/h1") == "Cofrestr ymatebion i adroddiadau arolygu"
    assert parts[1].findtext("main/h1") == "Register of responses to inspection reports"
    document = docx.Document(str(_made(tmp_path, "progress.docx")))
    texts = [p.text for p in document.paragraphs]
    assert texts.index("Cynnydd ar adroddiadau arolygu") < texts.index("Progress on inspection reports")
    assert texts.index("Camau gweithredu hwyr") < texts.index("Overdue actions")
    [event, *_] = Calendar.from_ical(_made(tmp_path, "deadlines.ics").read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Dyddiad cau adran 55: ymateb Tir Llechen i Arolygiad")
    assert " / s55 deadline: Tir Llechen response to An inspection" in str(event["SUMMARY"])


@pytest.mark.parametrize(("language", "first"), [("en-GB", "Summary"), ("en-GB+cy-GB", "Summary")])
def test_language_names_the_run_s_language_whatever_the_office(tmp_path: Path, language: str, first: str) -> None:
    book = load_workbook(_made(tmp_path, "register.xlsx", "--language", language))
    # a summary and a register in each language, and a sheet per report (the example has one) in each
    assert book.sheetnames[0] == first and len(book.sheetnames) == 3 * len(language.split("+"))


# -- `new` for a Welsh office -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["cy-GB", "cy-GB+en-GB"])
@pytest.mark.parametrize(
    ("layout", "extra"), [("letter", ()), ("letter", ("--kind", "peel")), ("narrative", ("--body",))]
)
def test_new_for_a_welsh_office_comments_in_its_languages_and_validates_once_filled(
    tmp_path: Path, language: str, layout: str, extra: tuple[str, ...]
) -> None:
    new = ("new", "--layout", layout, "--area", "Tir Llechen", "--published", "2025-10-14", "--language", language)
    code, text, _ = run(*new, *extra)
    assert code == 0
    comments = "\n".join(line.split("#", 1)[1] for line in text.splitlines() if "#" in line)
    assert "Ymateb i’w lenwi ar gyfer jtai-letters" in comments
    # Welsh first; English only beside it, for an office writing in both
    assert ("Replace every TODO" in comments) == ("+" in language)
    if "+" not in language:  # file names, the spec's keys and its examples ({id: R1, response: "..."}) aside
        assert english_in(re.sub(r"\S+\.\w\S*|\{[^}]*\}", "", comments)) == []
    assert f"  language: {language}\n" in text
    spec = tmp_path / "new.yaml"
    filled = text.replace("TODO.invalid", "www.example.gov.uk").replace("TODO: ", "")
    filled = filled.replace("date: TODO", "date: 2025-12-01").replace('grade: "its grade"', "grade: good")
    filled = filled.replace('grade: "ei radd"', "grade: good")
    spec.write_text(filled, encoding="utf-8")
    code, out, _ = run("validate", spec, "--as-of", "2025-12-01")
    assert (code, out.splitlines()[-1]) == (0, f"{spec}: valid"), out


# -- the preview's own words ------------------------------------------------------------------------------


def test_the_preview_of_a_welsh_letter_speaks_welsh_and_an_english_one_english(tmp_path: Path) -> None:
    from jtai_letters.faces.preview import Preview, _shell, problems_html

    welsh = Preview(EXAMPLE)
    welsh.refresh()
    page = _shell(welsh)
    root = lxml.html.document_fromstring(page)
    assert root.get("lang") == "cy-GB"
    assert root.findtext("head/title") == "Golwg ar y llythyr: tir-llechen-2025-domestic-abuse.yaml"
    assert [a.text for a in root.xpath("//nav/a")] == ["Lawrlwytho DOCX", "Lawrlwytho PDF"]
    shown = " ".join(root.xpath("//header//text() | //section//text() | //iframe/@title | //nav/@aria-label"))
    assert "Dim problemau" in shown and "Y llythyr" in shown
    assert english_in(shown.replace("tir-llechen-2025-domestic-abuse.yaml", "")) == []
    english = Preview(ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml")
    state = english.refresh()
    assert lxml.html.document_fromstring(_shell(english)).get("lang") == "en-GB"
    assert problems_html(state).startswith(
        '<h2 id="problems-heading">No problems found</h2>'
    ) or "warning" in problems_html(state)
