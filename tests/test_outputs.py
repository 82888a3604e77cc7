"""Every example spec: DOCX and PDF say the same thing, match the golden text, and are reproducible."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from jtai_letters import build, load_spec, render
from jtai_letters.outputs import docx as docx_writer
from jtai_letters.outputs import pdf as pdf_writer

from .helpers import (
    GOLDEN,
    SPECS,
    docx_columns,
    docx_header_rows,
    docx_paragraphs,
    docx_styles,
    first_language,
    pdf_text,
    side_by_side,
    squashed,
)

STEMS = [s.stem for s in SPECS]


@pytest.mark.parametrize("stem", STEMS)
def test_docx_matches_golden_text(
    letters: dict[str, dict[str, Path]], stem: str, request: pytest.FixtureRequest
) -> None:
    text = "\n".join(docx_paragraphs(letters[stem]["docx"])) + "\n"
    golden = GOLDEN / f"{stem}.txt"
    if request.config.getoption("--update-golden"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_carries_the_docx_paragraphs_in_order_and_nothing_else(
    letters: dict[str, dict[str, Path]], stem: str
) -> None:
    # A table's header row repeats at the top of each page it runs onto: page furniture.
    repeated = [squashed("".join(row)) for row in docx_header_rows(letters[stem]["docx"])]
    if side_by_side(stem):  # each language's column, read down the pages, against its Word column
        for half, paragraphs in enumerate(docx_columns(letters[stem]["docx"])):
            _in_order(squashed(pdf_text(letters[stem]["pdf"], half)), paragraphs, repeated)
    else:
        _in_order(squashed(pdf_text(letters[stem]["pdf"])), docx_paragraphs(letters[stem]["docx"]), repeated)


def _in_order(pdf: str, paragraphs: list[str], repeated: list[str]) -> None:
    position = 0
    for paragraph in paragraphs:
        expected = squashed(paragraph)
        while not pdf.startswith(expected, position):
            header = next((h for h in repeated if pdf.startswith(h, position)), None)
            assert header, f"not next in the PDF: {paragraph!r}, found {pdf[position : position + 80]!r}"
            position += len(header)
        position += len(expected)
    assert pdf[position:] == ""


@pytest.mark.parametrize("spec", SPECS, ids=STEMS)
def test_rendering_twice_gives_identical_bytes(spec: Path, letters: dict[str, dict[str, Path]]) -> None:
    letter = render(load_spec(spec))
    assert docx_writer.write(letter) == letters[spec.stem]["docx"].read_bytes()
    assert pdf_writer.write(letter) == letters[spec.stem]["pdf"].read_bytes()


def test_docx_zip_entries_have_fixed_timestamps(letters: dict[str, dict[str, Path]]) -> None:
    import zipfile

    with zipfile.ZipFile(letters[STEMS[0]]["docx"]) as z:
        assert {info.date_time for info in z.infolist()} == {docx_writer.ZIP_DATE}


def test_docx_uses_real_heading_and_list_styles(letters: dict[str, dict[str, Path]]) -> None:
    styles = docx_styles(letters["loamshire-2025-domestic-abuse"]["docx"])
    by_style: dict[str, list[str]] = {}
    for style, text in styles:
        by_style.setdefault(style, []).append(text)
    assert by_style["Title"] == [
        "Police and Crime Commissioner’s response to ‘An inspection of Loamshire Police’s response to domestic abuse’"
    ]
    assert by_style["Heading 1"] == [
        "Local actions",
        "The Chief Constable’s comments",
        "Recommendations",
        "Areas for improvement",
    ]
    assert by_style["Heading 2"] == [
        "Recommendation R1",
        "Recommendation R2",
        "Recommendation R3",
        "Area for improvement AFI1",
        "Area for improvement AFI2",
    ]
    assert by_style["Quote"][:3] == [
        "‘the force answers emergency calls about domestic abuse quickly’",
        "‘too many investigations are not supervised closely enough’",
        "By 31 March 2026, Loamshire Police should make sure that every domestic abuse call is risk-assessed "
        "with a structured tool before the attending officer arrives.",
    ]
    notts = dict((t, s) for s, t in docx_styles(letters["nottinghamshire-2020-csa-family"]["docx"]))
    assert notts["Poor-quality criminal investigations"] == "List Bullet"
    assert notts["A focus on prevalence"] == "List Bullet"


def test_docx_action_tables_repeat_their_header_row(letters: dict[str, dict[str, Path]]) -> None:
    document = docx.Document(str(letters["loamshire-2025-domestic-abuse"]["docx"]))
    assert len(document.tables) == 5
    for table in document.tables:
        assert table.style.name == "Table Grid"
        assert [c.text for c in table.rows[0].cells] == ["Action", "Owner", "Due", "Status"]
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")


def test_docx_link_and_logo(letters: dict[str, dict[str, Path]]) -> None:
    document = docx.Document(str(letters["loamshire-2025-domestic-abuse"]["docx"]))
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert "https://hmicfrs.justiceinspectorates.gov.uk/publications/loamshire-domestic-abuse-2025/" in links
    [signature] = document.inline_shapes  # in the body; the logo is in the first-page header
    assert signature._inline.docPr.get("descr") == "Signature of Priya Marsh"
    header = document.sections[0].first_page_header
    assert header._element.xpath(".//wp:docPr/@descr") == ["Loamshire Police and Crime Commissioner"]


def test_docx_letterhead_is_the_first_page_header_and_pages_are_numbered_after_it(
    letters: dict[str, dict[str, Path]],
) -> None:
    section = docx.Document(str(letters["loamshire-2025-domestic-abuse"]["docx"])).sections[0]
    assert section.different_first_page_header_footer
    assert [p.text for p in section.first_page_header.paragraphs if p.text][:2] == [
        "Office of the Police and Crime Commissioner for Loamshire",
        "Shire Hall, Market Square\nBorchester LM1 2AB\nTelephone: 01632 960 123\nEmail: enquiries@loamshire-pcc.example\nWebsite: https://www.loamshire-pcc.example",
    ]
    footer = section.footer._element
    assert footer.xpath(".//w:fldSimple/@w:instr") == ["PAGE", "NUMPAGES"]
    assert footer.xpath(".//w:fldSimple/@w:dirty") == ["true", "true"]
    assert "".join(footer.xpath(".//w:t/text()")) == "Page 1 of 1"
    assert not "".join(section.first_page_footer._element.xpath(".//w:t/text()"))


def test_profile_branding_reaches_both_formats(letters: dict[str, dict[str, Path]]) -> None:
    document = docx.Document(str(letters["borsetshire-2025-vawg-thematic"]["docx"]))
    assert document.styles["Normal"].font.name == "Times New Roman"  # Liberation Serif's metric twin
    assert str(document.styles["Heading 1"].font.color.rgb) == "1E5631"
    fonts = subprocess.run(
        ["pdffonts", str(letters["borsetshire-2025-vawg-thematic"]["pdf"])], capture_output=True, text=True, check=True
    ).stdout
    assert "+Liberation-Serif " in fonts
    assert "Liberation-Sans" not in fonts


def test_docx_properties_come_from_the_spec(letters: dict[str, dict[str, Path]]) -> None:
    props = docx.Document(str(letters["nottinghamshire-2020-csa-family"]["docx"])).core_properties
    assert props.author == "Paddy Tipping, Police and Crime Commissioner"
    assert props.language == "en-GB"
    assert props.created.isoformat() == "2020-03-23T00:00:00+00:00"
    assert props.title.startswith("The Nottinghamshire Police and Crime Commissioner’s response")


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_is_tagged_titled_and_in_british_english(letters: dict[str, dict[str, Path]], stem: str) -> None:
    reader = PdfReader(str(letters[stem]["pdf"]))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == first_language(stem)
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root
    assert reader.metadata is not None
    assert reader.metadata.title == docx.Document(str(letters[stem]["docx"])).core_properties.title
    assert reader.metadata["/CreationDate"] == "D:" + load_spec(f"responses/{stem}.yaml").spec.response.date.strftime(
        "%Y%m%d"
    )


def test_a_second_build_replaces_the_first(tmp_path: Path) -> None:
    spec = SPECS[0]
    first = build(spec, tmp_path)
    before = {p: p.read_bytes() for p in first.outputs}
    second = build(spec, tmp_path)
    assert {p: p.read_bytes() for p in second.outputs} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in first.outputs)
