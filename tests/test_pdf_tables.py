"""Table header cells in the PDF say what they head (/Scope), as the HTML's scope attributes do."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pdfua
import pikepdf
import pytest
from weasyprint import HTML

from jtai_letters import load_spec, render
from jtai_letters.outputs import pdf as pdf_writer
from jtai_letters.outputs.pdf import PDF_VARIANT, scope_table_headers
from jtai_letters.pipeline import archive

from .helpers import ROOT, SPECS
from .test_publication import structure

STEMS = [s.stem for s in SPECS]


def header_cells(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [element for element in structure(pdf) if element.S == "/TH"]


def table_attributes(cell: pikepdf.Dictionary) -> pikepdf.Dictionary:
    attributes = cell.A
    [table] = [a for a in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]) if a.O == "/Table"]
    return table


def test_every_header_cell_of_every_example_heads_its_column(letters: dict[str, dict[str, Path]]) -> None:
    counts = {}
    for stem in STEMS:
        with pikepdf.open(letters[stem]["pdf"]) as pdf:
            cells = header_cells(pdf)
            assert {table_attributes(c).get("/Scope") for c in cells} <= {"/Column"}, stem
            counts[stem] = len(cells)
    # The action tables: four column headers each (Action, Owner, Due, Status); judgements: two.
    assert counts == {
        "borsetshire-2025-national-note": 0,
        "borsetshire-2025-vawg-thematic": 8,
        "devon-and-cornwall-2020-csa-family": 0,
        "hampshire-2020-csa-family": 0,
        "loamshire-2014-statement": 0,
        "loamshire-2025-domestic-abuse": 28,
        "loamshire-2025-peel": 10,
        "nottinghamshire-2020-csa-family": 0,
        "tir-llechen-2025-domestic-abuse": 8,  # one action table in each language
    }


@pytest.mark.parametrize("stem", STEMS)
def test_an_independent_pdfua_checker_finds_every_example_clean(letters: dict[str, dict[str, Path]], stem: str) -> None:
    report = pdfua.validate(str(letters[stem]["pdf"]))
    assert [f.rule_id for f in report.findings] == []


def test_a_header_cell_beginning_a_body_row_heads_the_row() -> None:
    html = """<html lang="en-GB"><head><title>t</title></head><body><table>
        <thead><tr><th scope="col">Force</th><th scope="col">Calls</th></tr></thead>
        <tbody><tr><th scope="row">Loamshire</th><td>12</td></tr></tbody>
        <tr><th>Total</th><th>12</th></tr></table></body></html>"""
    raw = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
    with pikepdf.open(io.BytesIO(scope_table_headers(raw))) as pdf:
        scopes = [table_attributes(c).Scope for c in header_cells(pdf)]
    assert scopes == ["/Column", "/Column", "/Row", "/Column", "/Column"]


def test_scoping_changes_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    """Identification (PDF/A-3b in the XMP), attachments and text stay exactly as WeasyPrint wrote them."""
    spec = load_spec(ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml")
    letter = replace(render(spec), attachments=archive.sources(spec))
    scoped = pdf_writer.write(letter)
    monkeypatch.setattr(pdf_writer, "scope_table_headers", lambda pdf: pdf)
    raw = pdf_writer.write(letter)
    with pikepdf.open(io.BytesIO(raw)) as before, pikepdf.open(io.BytesIO(scoped)) as after:
        assert after.Root.Metadata.read_bytes() == before.Root.Metadata.read_bytes()
        meta = after.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "B")
        assert sorted(after.attachments) == sorted(name for name, _ in letter.attachments)
        assert {n: after.attachments[n].get_file().read_bytes() for n in after.attachments} == dict(letter.attachments)
        assert [p.Contents.read_bytes() for p in after.pages] == [p.Contents.read_bytes() for p in before.pages]
        assert len(after.trailer.ID) == 2  # derived from the content: same letter, same bytes
        assert {table_attributes(c).Scope for c in header_cells(after)} == {"/Column"}


def test_a_pdf_without_tables_is_returned_untouched() -> None:
    raw = HTML(string="<html lang='en-GB'><title>t</title><p>No table.</p></html>").write_pdf(pdf_variant=PDF_VARIANT)
    assert scope_table_headers(raw) is raw
