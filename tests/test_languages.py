"""The language marked in every output, so screen readers switch voice and Word checks spelling
in the right language: `lang` in the web page, `/Lang` on the PDF's structure elements, `w:lang`
on the Word runs; and the two bilingual structures (parts, side-by-side columns) in each format."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import lxml.html
import pikepdf
import pytest
from docx.oxml.ns import qn
from lxml import etree

from jtai_letters import build
from jtai_letters.pipeline.build import Options

from .helpers import ROOT, templates_leaving_english

EXAMPLE = ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml"
ENGLISH = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def variant(tmp_path: Path, **office: str) -> Path:
    """The bilingual example with its office's language and layout set, beside its profile."""
    (tmp_path / "profiles").mkdir(exist_ok=True)
    (tmp_path / "profiles" / "tir-llechen.yaml").write_bytes((ROOT / "profiles" / "tir-llechen.yaml").read_bytes())
    (tmp_path / "responses").mkdir(exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    for name, value in office.items():
        text = re.sub(rf"^  {name}: .*\n", "", text, flags=re.M)
        text = text.replace("office:\n", f"office:\n  {name}: {value}\n", 1)
    path = tmp_path / "responses" / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# Every word has its Welsh now; these tests leave three in English to see them marked.
LEFT_IN_ENGLISH = ("Recommendation %(id)s", "Action", "Owner")


def outputs(path: Path, out: Path, templates: Path | None = None) -> dict[str, Path]:
    options = Options(formats=("docx", "pdf", "html"))
    if templates is not None:
        options = Options(formats=options.formats, templates_dir=templates)
    result = build(path, out, options)
    return {p.suffix: p for p in result.outputs}


def marked(html: Path) -> list[tuple[str, str]]:
    """(PDF role, language) of every element of the page whose `lang` differs from the element's around
    it (the page's own is the catalog's /Lang), in document order."""
    root = lxml.html.document_fromstring(html.read_text(encoding="utf-8"))
    return [
        ("/" + el.tag.capitalize(), el.get("lang"))
        for el in root.iter()
        if el.tag != "html"
        and el.get("lang")
        and el.get("lang") != next((a.get("lang") for a in el.iterancestors() if a.get("lang")), None)
    ]


def in_order(wanted: list[tuple[str, str]], found: list[tuple[str, str]]) -> bool:
    """Whether `wanted` appears in `found` in the same order (an element split across pages
    has a structure element on each)."""
    rest = iter(found)
    return all(any(item == seen for seen in rest) for item in wanted)


# -- PDF -------------------------------------------------------------------------------------------


def structure(pdf: Path) -> tuple[str, list[tuple[str, str | None, int]]]:
    """The catalog's /Lang, and (role, /Lang, depth) of every structure element in reading order."""
    with pikepdf.open(pdf) as document:
        found: list[tuple[str, str | None, int]] = []

        def walk(node: object, depth: int) -> None:
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child, depth)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                lang = node.get("/Lang")
                found.append((str(node["/S"]), None if lang is None else str(lang), depth))
                walk(node.get("/K"), depth + 1)

        walk(document.Root.StructTreeRoot.get("/K"), 0)
        return str(document.Root.Lang), found


def test_weasyprint_still_builds_its_structure_tree_where_the_language_hook_wraps_it() -> None:
    import weasyprint
    from weasyprint.pdf import tags

    import jtai_letters.outputs.pdf  # noqa: F401  # installs the hook

    assert weasyprint.__version__ == "70.0"  # the hook wraps a private function of this version
    assert tags._build_box_tree.__name__ == "build_with_language"


def test_the_pdf_marks_each_column_and_each_word_left_in_english_with_its_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = outputs(EXAMPLE, tmp_path, templates_leaving_english(tmp_path, monkeypatch, *LEFT_IN_ENGLISH))
    document_lang, elements = structure(files[".pdf"])
    assert document_lang == "cy-GB"
    html_marks = marked(files[".html"])
    pdf_marks = [(role, lang) for role, lang, _depth in elements if lang]
    # Every element the page marks is marked in the PDF, in the same order, and nothing else is.
    assert in_order(html_marks, pdf_marks)
    # Welsh is the page's language: only the English columns and the words left in English differ.
    assert set(pdf_marks) == set(html_marks) == {("/Div", "en-GB"), ("/Span", "en-GB")}
    assert pdf_marks[0] == ("/Div", "en-GB")  # the English letterhead, beside the Welsh one
    assert pdf_marks.count(("/Span", "en-GB")) >= len([m for m in html_marks if m[0] == "/Span"]) > 0


def test_an_english_letter_has_one_language_in_its_pdf(tmp_path: Path) -> None:
    files = outputs(ENGLISH, tmp_path)
    document_lang, elements = structure(files[".pdf"])
    assert document_lang == "en-GB"
    assert not [e for e in elements if e[1]]


def test_parts_start_the_second_language_on_a_new_page_in_both_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = templates_leaving_english(tmp_path, monkeypatch, *LEFT_IN_ENGLISH)
    files = outputs(variant(tmp_path, language="en-GB+cy-GB", bilingual="parts"), tmp_path / "out", templates)
    document_lang, elements = structure(files[".pdf"])
    assert document_lang == "en-GB"
    # The English part is the page's language; the Welsh part (a structure element on each of its
    # pages) is marked, and in it the words left in English.
    assert {(role, lang) for role, lang, _depth in elements if lang} == {("/Div", "cy-GB"), ("/Span", "en-GB")}
    printed = subprocess.run(["pdftotext", "-raw", files[".pdf"], "-"], capture_output=True, check=True, text=True)
    pages = printed.stdout.split("\f")
    welsh_starts = [i for i, page in enumerate(pages) if page.lstrip().startswith("Swyddfa Comisiynydd")]
    assert len(welsh_starts) == 1 and welsh_starts[0] > 0
    body = docx.Document(str(files[".docx"])).paragraphs
    breaks = [p.text for p in body if p.paragraph_format.page_break_before]
    assert breaks == ["Swyddfa Comisiynydd Heddlu a Throseddu Tir Llechen"]


# -- DOCX ------------------------------------------------------------------------------------------


def docx_xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def run_languages(cell: etree._Element) -> list[tuple[str | None, str]]:
    out = []
    for run in cell.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if text.strip():
            lang = run.find(f"{W}rPr/{W}lang")
            out.append((None if lang is None else lang.get(f"{W}val"), text))
    return out


@pytest.mark.parametrize(("language", "other"), [("cy-GB+en-GB", "en-GB"), ("en-GB+cy-GB", "cy-GB")])
def test_word_marks_every_run_of_the_other_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, other: str
) -> None:
    templates = templates_leaving_english(tmp_path, monkeypatch, *LEFT_IN_ENGLISH)
    files = outputs(variant(tmp_path, language=language, bilingual="columns"), tmp_path / "out", templates)
    first = language.split("+")[0]
    styles = docx_xml(files[".docx"], "word/styles.xml")
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == first
    settings = docx_xml(files[".docx"], "word/settings.xml")
    assert settings.find(f"{W}themeFontLang").get(f"{W}val") == first
    assert docx.Document(str(files[".docx"])).core_properties.language == first
    body = docx_xml(files[".docx"], "word/document.xml").find(f"{W}body")
    columns = body.find(f"{W}tbl")  # the side-by-side table: a row per section
    rows = columns.findall(f"{W}tr")
    assert len(rows) >= 4
    for row in rows:
        first_cell, other_cell = row.findall(f"{W}tc")
        # The other language's column: every run marked.
        assert run_languages(other_cell)
        for lang, text in run_languages(other_cell):  # but for words left in English in a Welsh one
            assert lang == other or (other == "cy-GB" and lang is None), text
        # The first language's column: unmarked, but for words left in English in a Welsh column.
        for lang, text in run_languages(first_cell):
            assert lang is None or (first == "cy-GB" and lang == "en-GB"), text
    if first == "cy-GB":
        english_in_welsh = [t for row in rows for lang, t in run_languages(row.findall(f"{W}tc")[0]) if lang]
        # The words only, never the values put into them: "R1" is the same in both languages.
        assert english_in_welsh[:3] == ["Recommendation ", "Action", "Owner"]


def test_a_welsh_letter_is_welsh_throughout_its_word_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = templates_leaving_english(tmp_path, monkeypatch, *LEFT_IN_ENGLISH)
    files = outputs(variant(tmp_path, language="cy-GB"), tmp_path / "out", templates)
    styles = docx_xml(files[".docx"], "word/styles.xml")
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == "cy-GB"
    body = docx_xml(files[".docx"], "word/document.xml")
    marks = {lang for lang, _ in run_languages(body)}
    assert marks == {None, "en-GB"}  # Welsh by default; only the words left in English are marked
    assert structure(files[".pdf"])[0] == "cy-GB"


def test_columns_are_a_borderless_table_of_equal_halves_with_no_header_row(tmp_path: Path) -> None:
    files = outputs(EXAMPLE, tmp_path)
    document = docx.Document(str(files[".docx"]))
    table = document.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(grid) == 2 and abs(grid[0] - grid[1]) <= 1
    assert table._tbl.tblPr.style is None  # no borders: a table that only places text
    assert not table._tbl.xpath("./w:tr/w:trPr/w:tblHeader")
    assert not [tr for tr in table._tbl.findall(qn("w:tr")) if tr.xpath("./w:trPr/w:cantSplit")]
    texts = [[cell.paragraphs[0].text if cell.paragraphs else "" for cell in row.cells] for row in table.rows]
    assert texts[0] == [
        "Swyddfa Comisiynydd Heddlu a Throseddu Tir Llechen",
        "Office of the Police and Crime Commissioner for Tir Llechen",
    ]


def test_the_web_page_marks_the_other_language_and_only_valid_tags(tmp_path: Path) -> None:
    files = outputs(EXAMPLE, tmp_path)
    root = lxml.html.document_fromstring(files[".html"].read_bytes())
    assert root.get("lang") == "cy-GB"
    assert root.findtext(".//title", "").startswith("Ymateb")
    tags = {el.get("lang") for el in root.iter() if el.get("lang")}
    assert tags == {"cy-GB", "en-GB"}
    english = [el for el in root.iter() if el.get("class") == "language-column" and el.get("lang") == "en-GB"]
    assert english and all("Recommendations" in el.text_content() or el.text_content() for el in english)


def test_marking_the_language_changes_no_byte_of_a_rerender(tmp_path: Path) -> None:
    first = outputs(EXAMPLE, tmp_path / "a")
    second = outputs(EXAMPLE, tmp_path / "b")
    for suffix in (".pdf", ".docx", ".html"):
        assert first[suffix].read_bytes() == second[suffix].read_bytes()
    assert io.BytesIO(first[".pdf"].read_bytes()).getbuffer().nbytes > 0


def test_the_copies_list_stays_on_the_page_of_the_signature_in_both_formats(tmp_path: Path) -> None:
    files = outputs(variant(tmp_path, language="en-GB+cy-GB", bilingual="parts"), tmp_path / "out")
    printed = subprocess.run(["pdftotext", "-raw", files[".pdf"], "-"], capture_output=True, check=True, text=True)
    pages = [page for page in printed.stdout.split("\f") if "\ncc " in "\n" + page]
    assert len(pages) == 2 and all("Elin Tegwedd" in page for page in pages)  # one per language part
    paragraphs = docx.Document(str(files[".docx"])).paragraphs
    for i, paragraph in enumerate(paragraphs):
        if paragraph.text.startswith("cc "):
            assert paragraphs[i - 1].paragraph_format.keep_with_next, paragraphs[i - 1].text


# -- hyphenation where a word must break ----------------------------------------------------------

LONG_OWNER = "Cyfarwyddwr Gwasanaethau Cymorth i Ddioddefwyr"  # Director of Victim Support Services


def test_a_long_welsh_word_in_a_narrow_cell_breaks_at_a_dictionary_point_with_a_hyphen(tmp_path: Path) -> None:
    import pyphen

    from jtai_letters.letter import hyphenation

    path = variant(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "owner: {cy: Pennaeth yr Ystafell Reoli, en: Head of the Control Room}",
            f"owner: {{cy: {LONG_OWNER}, en: Director of Victim Support Services}}",
        ),
        encoding="utf-8",
    )
    files = outputs(path, tmp_path / "out")
    # The Welsh column (the left half of each page), line by line, as printed.
    left = ["-x", "0", "-y", "0", "-W", "298", "-H", "842"]
    printed = subprocess.run(
        ["pdftotext", "-raw", *left, files[".pdf"], "-"], capture_output=True, check=True, text=True
    )
    lines = [line.split() for line in printed.stdout.replace("\f", "\n").splitlines() if line.split()]
    welsh = pyphen.Pyphen(filename=hyphenation.WELSH)
    words = set(LONG_OWNER.split())
    splits = []
    for line, following in itertools.pairwise(lines):
        end, start = line[-1], following[0]
        if end.rstrip("‐") + start in words and end.rstrip("‐") not in words:
            splits.append((end, start))
    assert splits, printed.stdout  # half a page is too narrow for these words whole
    for end, start in splits:
        assert end.endswith("‐"), (end, start)  # never mid-word without a hyphen
        word = end[:-1] + start
        assert len(end) - 1 in welsh.positions(word), (end, start)  # where the Welsh dictionary allows
    # Word is asked to hyphenate the same cells (by their w:lang), and nothing else.
    document = docx.Document(str(files[".docx"]))
    assert document.settings.element.xpath("./w:autoHyphenation/@w:val") == ["true"]
    normal = document.styles["Normal"].element
    assert normal.xpath("./w:pPr/w:suppressAutoHyphens") and not normal.xpath("./w:pPr/w:suppressAutoHyphens/@w:val")
    [layout] = [t for t in document.tables if t._tbl.tblPr.style is None]
    hyphenated = layout._tbl.xpath(".//w:tbl//w:p[w:pPr/w:suppressAutoHyphens/@w:val='0']")
    assert len(hyphenated) == len(layout._tbl.xpath(".//w:tbl//w:p")) > 0
    assert not document.element.body.xpath("./w:p[w:pPr/w:suppressAutoHyphens]")
