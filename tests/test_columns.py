"""The progress report's measured tables (`counts`, `by-content`) have the same columns in the PDF as
in the Word version: the widths `outputs.columns` computes, which the PDF writer hands WeasyPrint
under `table-layout: fixed` (so WeasyPrint no longer measures every cell), while the web page keeps
the browser's automatic layout."""

from __future__ import annotations

import datetime as dt
import html as html_text
import re
import subprocess
from pathlib import Path

import docx
import lxml.html
import pytest

from jtai_letters import outputs
from jtai_letters.letter.style import HOUSE_STYLE
from jtai_letters.outputs import columns
from jtai_letters.tracking import progress, register

from .helpers import SPECS

AS_OF, SINCE = dt.date(2026, 2, 1), dt.date(2026, 1, 1)
HALF_BORDER = HOUSE_STYLE.table_border / 2  # WeasyPrint's collapsed borders: half outside the table's width


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The examples' progress report as PDF, DOCX and web page."""
    folder = tmp_path_factory.mktemp("columns")
    made = register.read(SPECS, AS_OF)
    paths = {}
    for fmt in ("pdf", "docx", "html"):
        letter = progress.render(made, since=SINCE, chart=fmt not in progress.NO_SVG)
        paths[fmt] = folder / f"progress.{fmt}"
        paths[fmt].write_bytes(outputs.write(fmt, letter))
    return paths


def _word_table(path: Path) -> list[tuple[list[str], list[int]]]:
    """Each table of a DOCX: the first word of each header cell, and the columns' widths in twips."""
    tables = []
    for table in docx.Document(str(path)).tables:
        heads = [cell.text.split()[0] for cell in table.rows[0].cells]
        grid = [
            int(col.get(docx.oxml.ns.qn("w:w"))) for col in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))
        ]
        tables.append((heads, grid))
    return tables


def _pdf_lines(path: Path) -> list[list[tuple[float, str]]]:
    """The PDF's lines of words (the words at one height of one page), each word with its left edge."""
    found = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines: list[list[tuple[float, str]]] = []
    for page in found.split("<page ")[1:]:
        at: dict[str, list[tuple[float, str]]] = {}
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page):
            at.setdefault(y, []).append((float(x), html_text.unescape(word)))
        lines += [sorted(words) for words in at.values()]
    return lines


def _starts(line: list[tuple[float, str]], heads: list[str]) -> list[float] | None:
    """Where each of `heads` begins on `line`, in order, or None if the line is not that header row."""
    xs, words = [], iter(line)
    for head in heads:
        x = next((x for x, word in words if word == head), None)
        if x is None:
            return None
        xs.append(x)
    return xs


def test_the_pdfs_measured_tables_have_the_word_versions_columns(report: dict[str, Path]) -> None:
    lines = _pdf_lines(report["pdf"])
    tables = _word_table(report["docx"])
    first = {tuple(heads): (heads, grid) for heads, grid in reversed(tables)}  # the first table of each header
    assert len(first) == 3  # the summary (counts), the overdue actions and an item's actions (by content)
    for heads, grid in first.values():
        text_pt = sum(grid) / 20
        xs = next((xs for line in lines if (xs := _starts(line, heads))), None)
        assert xs, f"no header row {heads} in the PDF"
        # A column's text starts at its left edge, plus half the border and the padding: the same
        # for every column, so each column's start, from the first's, is the Word grid's.
        table_pt = text_pt - 2 * HALF_BORDER
        expected = [table_pt * sum(grid[:i]) / sum(grid) for i in range(len(grid))]
        got = [x - xs[0] for x in xs]
        assert got == pytest.approx(expected, abs=0.5), heads


def test_the_html_weasyprint_prints_fixes_the_measured_tables_widths() -> None:
    letter = progress.render(register.read(SPECS, AS_OF), since=SINCE)
    printed = columns.fixed_widths(letter.html, letter.style)
    before, after = lxml.html.document_fromstring(letter.html), lxml.html.document_fromstring(printed)
    measured = [t for t in after.iter("table") if t.get("class") in columns.MEASURED]
    assert len(measured) == len(list(before.iter("table"))) >= 3
    for table, original in zip(measured, before.iter("table"), strict=True):
        assert table.get("style") == "table-layout: fixed"
        widths = [float(col.get("style").removeprefix("width: ").removesuffix("%")) for col in table.iter("col")]
        rows = [tr for tr in original.iter("tr")]
        shares = columns.shares(letter.style, table.get("class"), rows, columns.text_points(letter.style))
        assert widths == pytest.approx([100 * s for s in shares], abs=1e-3)
        assert sum(widths) == pytest.approx(100, abs=1e-6)
    # Nothing else moved: without the widths it is the HTML it was, byte for byte.
    unfixed = re.sub(r' style="table-layout: fixed"|<colgroup>.*?</colgroup>', "", printed)
    assert unfixed == letter.html


def test_the_web_page_keeps_the_automatic_layout(report: dict[str, Path]) -> None:
    page = report["html"].read_text(encoding="utf-8")
    assert "<col" not in page and "table-layout: fixed" not in page.split("</style>")[-1]


TABLE = '<table class="counts"><tr><th>Report</th><th>Total</th></tr><tr><td>A long title</td><td>12</td></tr></table>'
STYLED = TABLE.replace("<table ", '<table style="margin: 0" ')
MERGED = TABLE.replace("<th>Total", '<th colspan="2">Total')
IN_HALF_A_PAGE = f'<div class="language-columns"><div class="language-column">{TABLE}</div></div>'


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>No table to size.</p><table><tr><td>1</td></tr></table></body></html>",
        f"<html><body>{IN_HALF_A_PAGE}</body></html>",
        f"<html><body>{STYLED}</body></html>",
        f"<html><head><style>/* <table> */</style></head><body>{TABLE}</body></html>",
        f"<html><body>{MERGED}</body></html>",
    ],
    ids=["no-measured-table", "in-half-a-page", "own-style", "table-in-a-style", "merged-cells"],
)
def test_a_table_the_writer_cannot_pair_or_should_not_fix_is_left_as_it_was(html: str) -> None:
    assert columns.fixed_widths(html, HOUSE_STYLE) == html


def test_a_comment_holding_a_table_does_not_shift_the_widths_onto_another_table() -> None:
    html = f"<html><body><!-- <table class='old'> -->{TABLE}</body></html>"
    printed = columns.fixed_widths(html, HOUSE_STYLE)
    assert printed.startswith("<html><body><!-- <table class='old'> --><table style=\"table-layout: fixed\" class=")
    assert printed.count("<col ") == 2
