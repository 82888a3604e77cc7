"""The Word version is as finished as the PDF: the house style in both, its own base document,
tables that read well, lists as real Word lists, the letterhead and sign-off as in the PDF."""

from __future__ import annotations

import collections
import dataclasses
import doctest
import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pikepdf
import pytest
import yaml
from docx.document import Document as DocxDocument
from docx.shared import Mm, Twips
from docx.table import Table

from jtai_letters import Options, OutputError, load_spec, render
from jtai_letters.letter import labels, style, typography
from jtai_letters.letter.render import RenderedLetter
from jtai_letters.letter.text import to_html
from jtai_letters.outputs import docx as docx_writer
from jtai_letters.outputs import docx_base, measure
from jtai_letters.outputs import pdf as pdf_writer
from jtai_letters.spec.models import _contrast_on_white

from .helpers import ROOT, SPECS, docx_paragraphs

STEMS = [s.stem for s in SPECS]
MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DEFAULT_TEMPLATE_COLOURS = ("17365D", "365F91", "4F81BD", "4BACC6")
TEXT_WIDTH = round(style.HOUSE_STYLE.text_width_mm / 25.4 * 1440)  # twips


def letter_of(body: str, *, roots: tuple[Path, ...] = (), title: str = "A letter") -> RenderedLetter:
    html = f'<html lang="en-GB"><head><title>{title}</title></head><body>{body}</body></html>'
    return RenderedLetter(html=html, stylesheets=(), asset_roots=(ROOT / "templates", *roots), source=Path("t.yaml"))


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def pdf_colours_and_sizes(path: Path | bytes) -> tuple[set[str], collections.Counter[float]]:
    """Fill colours (#RRGGBB) and font sizes in points (weighted by text runs) drawn in a PDF."""
    colours: set[str] = set()
    sizes: collections.Counter[float] = collections.Counter()
    with pikepdf.open(io.BytesIO(path) if isinstance(path, bytes) else path) as pdf:
        for page in pdf.pages:
            size = 0.0
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "rg":
                    colours.add("".join(f"{round(float(c) * 255):02X}" for c in operands))
                elif str(op) == "Tf":
                    size = round(float(operands[1]) * 0.75, 2)  # WeasyPrint draws in CSS px
                elif str(op) in ("Tj", "TJ"):
                    sizes[size] += 1
    return colours, sizes


# -- every example --------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_every_example_is_on_the_projects_own_base_document(letters: dict[str, dict[str, Path]], stem: str) -> None:
    with zipfile.ZipFile(letters[stem]["docx"]) as z:
        names = z.namelist()
        styles = z.read("word/styles.xml").decode()
        app = z.read("docProps/app.xml").decode()
    assert not [n for n in names if "thumbnail" in n or "stylesWithEffects" in n or n.startswith("customXml")]
    assert not [c for c in DEFAULT_TEMPLATE_COLOURS if c in styles]
    assert "<Application>jtai-letters/" in app
    assert "<Pages>" not in app and "<Words>" not in app
    document = docx.Document(str(letters[stem]["docx"]))
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _contrast_on_white(f"#{document.styles[name].font.color.rgb}")  # raises below 4.5:1


@pytest.mark.parametrize("stem", STEMS)
def test_every_table_is_proportioned_unsplittable_and_repeats_its_header(
    letters: dict[str, dict[str, Path]], stem: str
) -> None:
    document = docx.Document(str(letters[stem]["docx"]))
    for table, width in _data_tables(document):
        tbl = table._tbl
        grid = [int(c.get(f"{W}w")) for c in tbl.tblGrid.findall(f"{W}gridCol")]
        assert sum(grid) == width  # inside the margins, or inside its column
        if width == TEXT_WIDTH:  # the house's shares; in half a page, by content (as the PDF's)
            assert len(set(grid)) == len(grid) and grid[0] == max(grid)  # the action's words get the room
        assert tbl.xpath("./w:tblPr/w:tblLayout/@w:type") == ["fixed"]
        assert tbl.xpath("./w:tblPr/w:tblInd/@w:w") == ["0"]
        for row in table.rows:
            assert row._tr.xpath("./w:trPr/w:cantSplit")
            for cell in row.cells:
                [paragraph] = cell.paragraphs  # no empty line at the end of a cell
                assert paragraph.text.strip()
                assert paragraph.style.name in ("Table Text", "Table Heading")
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
        fills = table.rows[0]._tr.xpath(".//w:tcPr/w:shd/@w:fill")
        assert fills == [style.HOUSE_STYLE.header_fill.lstrip("#")] * len(grid)
    if stem.startswith("loamshire-2025"):
        assert document.tables


def _data_tables(document: DocxDocument) -> Iterator[tuple[Table, int]]:
    """Every table of data with the width it fills: the text width, or the width of its column in
    a bilingual letter's side-by-side layout table (a table with no style: no borders, no header)."""
    for table in document.tables:
        if table._tbl.tblPr.style is not None:
            yield table, TEXT_WIDTH
            continue
        column = TEXT_WIDTH // 2 - docx_base.twips(style.HOUSE_STYLE.column_gap)
        for row in table.rows:
            for cell in row.cells:
                yield from ((inner, column) for inner in cell.tables)


@pytest.mark.parametrize("stem", STEMS)
def test_the_docx_as_opened_has_the_pdfs_page_count(
    letters: dict[str, dict[str, Path]], libreoffice_pdfs: Path, stem: str
) -> None:
    with pikepdf.open(libreoffice_pdfs / f"{stem}.pdf") as word, pikepdf.open(letters[stem]["pdf"]) as pdf:
        assert len(word.pages) == len(pdf.pages)


def _section_starts(path: Path) -> list[tuple[str, str]]:
    """The first words of each section of a side-by-side letter, (left column, right column)."""
    [layout] = [t for t in docx.Document(str(path)).tables if t._tbl.tblPr.style is None]
    starts = []
    for row in layout.rows:
        left, right = (
            " ".join(next(p.text for p in cell.paragraphs if p.text.strip()).split()[:3]) for cell in row.cells
        )
        starts.append((left, right))
    return starts


def _pages_of(pdf: Path, half: int) -> list[str]:
    """Each page's text in the left (0) or right (1) half of the page, whitespace made single spaces."""
    crop = ["-x", str(half * 298), "-y", "0", "-W", "298", "-H", "842"]
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", *crop, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def _start_pages(pdf: Path, starts: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """The page (from 1) on which each section's left and right column start, in order."""
    halves = _pages_of(pdf, 0), _pages_of(pdf, 1)
    found, after = [], [0, 0]
    for section in starts:
        pages = []
        for side, words in enumerate(section):
            page = next(i for i, text in enumerate(halves[side]) if i >= after[side] and words in text)
            after[side] = page
            pages.append(page + 1)
        found.append((pages[0], pages[1]))
    return found


def test_side_by_side_sections_start_on_one_page_in_both_languages_and_in_both_formats(
    letters: dict[str, dict[str, Path]], libreoffice_pdfs: Path
) -> None:
    # Issue 26: a heading's keep-with-next in a column made Word (and LibreOffice) keep the whole
    # row with the next, so the Recommendations section moved, both languages, to page 2.
    stem = "tir-llechen-2025-domestic-abuse"
    starts = _section_starts(letters[stem]["docx"])
    assert [s[0] for s in starts] == [
        "Swyddfa Comisiynydd Heddlu",
        "30 Hydref 2025",
        "Argymhellion",
        "Meysydd i’w gwella",
        "Yn gywir",
    ]
    assert [s[1] for s in starts][2:] == ["Recommendations", "Areas for improvement", "Yours sincerely"]
    pdf = _start_pages(letters[stem]["pdf"], starts)
    word = _start_pages(libreoffice_pdfs / f"{stem}.pdf", starts)
    assert all(welsh == english for welsh, english in pdf + word), (pdf, word)
    assert pdf == word == [(1, 1), (1, 1), (1, 1), (2, 2), (2, 2)]
    # The columns' rows may break (the action tables' rows may not), and no heading in them keeps
    # its row with the next.
    [layout] = [t for t in docx.Document(str(letters[stem]["docx"])).tables if t._tbl.tblPr.style is None]
    for row in layout.rows:
        assert not row._tr.xpath("./w:trPr/w:cantSplit")
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                if paragraph.style.name.startswith("Heading"):
                    assert paragraph.paragraph_format.keep_with_next is False, paragraph.text


# -- one house style ------------------------------------------------------------------------------


def test_a_profiles_brand_colour_and_font_show_identically_in_both_formats(
    letters: dict[str, dict[str, Path]],
) -> None:
    stem = "borsetshire-2025-vawg-thematic"
    brand = load_spec(ROOT / "responses" / f"{stem}.yaml").spec.office.brand_colour
    assert brand == "#1E5631"
    document = docx.Document(str(letters[stem]["docx"]))
    for name in ("Title", "Heading 1", "Heading 2"):
        assert f"#{document.styles[name].font.color.rgb}" == brand
    assert document.styles["Normal"].font.name == "Times New Roman"  # the metric twin of...
    fonts = subprocess.run(["pdffonts", str(letters[stem]["pdf"])], capture_output=True, text=True, check=True)
    assert "Liberation-Serif" in fonts.stdout and "Liberation-Sans" not in fonts.stdout  # ...the PDF's font
    colours, _ = pdf_colours_and_sizes(letters[stem]["pdf"])
    assert brand[1:] in colours
    rule = document.sections[0].first_page_header._element.xpath(".//w:pBdr/w:bottom/@w:color")
    assert rule == [brand[1:]]  # the letterhead rule too


def test_changing_the_house_style_changes_both_formats() -> None:
    letter = render(load_spec(MINIMAL))
    changed = dataclasses.replace(style.HOUSE_STYLE, body_size=14, heading_colour="#7A1F1F")
    before = open_docx(docx_writer.write(letter)), pdf_colours_and_sizes(pdf_writer.write(letter))
    other = dataclasses.replace(letter, house=changed)  # a style per letter: nothing process-wide is swapped
    after = open_docx(docx_writer.write(other)), pdf_colours_and_sizes(pdf_writer.write(other))
    for (document, (colours, sizes)), expected in ((before, style.HouseStyle()), (after, changed)):
        assert document.styles["Normal"].font.size.pt == expected.body_size
        assert sizes.most_common(1)[0][0] == expected.body_size
        assert f"#{document.styles['Heading 1'].font.color.rgb}" == expected.heading_colour
        assert expected.heading_colour[1:] in colours


def test_the_css_takes_every_value_from_the_house_style() -> None:
    css = (ROOT / "templates" / "letter.css").read_text(encoding="utf-8")
    declarations = re.findall(r"[{;]\s*([a-z-]+)\s*:\s*([^;{}]+)", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    hard = [(p, v) for p, v in declarations if re.search(r"#[0-9a-fA-F]{3}|\d(pt|mm)", v) and "var(" not in v]
    assert hard == []
    sheet = style.stylesheet(style.HOUSE_STYLE)
    for name in set(re.findall(r"var\((--[a-z0-9-]+)\)", css)):
        assert f"{name}:" in sheet, name
    assert 'content: "Page " counter(page) " of " counter(pages)' in sheet


def test_page_numbers_in_word_use_the_same_label(letters: dict[str, dict[str, Path]]) -> None:
    footer = docx.Document(str(letters[STEMS[0]]["docx"])).sections[0].footer
    assert footer.paragraphs[0].style.name == "Footer"
    assert "".join(footer._element.xpath(".//w:t/text()")) == "Page 1 of 1"


def test_fonts_people_name_map_to_their_open_twins(tmp_path: Path) -> None:
    tree = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    for word, open_font in (
        ("Arial", "Liberation Sans"),
        ("Times New Roman", "Liberation Serif"),
        ("Verdana", "DejaVu Sans"),
    ):
        tree["office"]["font"] = word
        spec = tmp_path / "spec.yaml"
        spec.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
        assert load_spec(spec).spec.office.font == open_font
        assert style.HouseStyle(font=open_font).word_font == word


# -- the writer's vocabulary ------------------------------------------------------------------------


def test_nested_lists_are_real_word_lists_and_each_numbered_list_starts_at_one() -> None:
    body = (
        "<ul><li>apples<ul><li>green</li><li>red</li></ul></li><li>pears</li></ul>"
        "<ol><li>first<ol><li>inner</li></ol></li><li>second</li></ol>"
        "<ol><li>again</li></ol>"
    )
    document = open_docx(docx_writer.write(letter_of(body)))
    items = [
        (p.text, p.style.name, p._p.pPr.numPr.ilvl.val, p._p.pPr.numPr.numId.val) for p in document.paragraphs if p.text
    ]
    bullets, first, inner, again = items[0][3], items[4][3], items[5][3], items[7][3]
    assert items == [
        ("apples", "List Bullet", 0, bullets),
        ("green", "List Bullet 2", 1, bullets),
        ("red", "List Bullet 2", 1, bullets),
        ("pears", "List Bullet", 0, bullets),
        ("first", "List Number", 0, first),
        ("inner", "List Number 2", 1, inner),
        ("second", "List Number", 0, first),
        ("again", "List Number", 0, again),
    ]
    assert len({first, inner, again, bullets}) == 4
    numbering = document.part.numbering_part.element
    for num_id in (first, inner, again):
        [num] = numbering.xpath(f"./w:num[@w:numId='{num_id}']")
        assert num.xpath("./w:lvlOverride/w:startOverride/@w:val") == ["1"] * docx_base.LIST_LEVELS
    # The list's own space below its last item, as the PDF's.
    pears = next(p for p in document.paragraphs if p.text == "pears")
    assert pears.paragraph_format.space_after.pt == style.HOUSE_STYLE.paragraph_after


def test_an_action_tables_column_is_widened_to_its_longest_word_the_others_giving_the_room() -> None:
    house = style.HOUSE_STYLE
    word = "Ymgynghoriadau"  # 14 letters: wider than the status column's 15% of the text width
    body = (
        '<table class="actions"><thead><tr><th>Action</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead>'
        f"<tbody><tr><td>Train every call handler.</td><td>Head of the Control Room</td><td>31 January 2026</td>"
        f"<td>{word}</td></tr></tbody></table>"
    )
    [table] = open_docx(docx_writer.write(letter_of(body))).tables
    grid = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
    need = measure.word_width(word, house.font, house.table_size) + 2 * house.cell_padding_horizontal
    assert grid[3] / 20 >= need > house.action_columns[3] * TEXT_WIDTH / 20
    assert sum(grid) == TEXT_WIDTH
    shares = [g / TEXT_WIDTH for g in grid[:3]]  # the others give the room, the action still the widest
    assert all(s < h for s, h in zip(shares, house.action_columns, strict=False)) and shares[0] == max(shares)
    assert [cell.width for cell in table.rows[1].cells] == [Twips(g) for g in grid]  # each cell's w:tcW too


def test_list_items_as_markdown_writes_them_make_no_empty_paragraphs() -> None:
    body = "<ol>\n<li>\n<p>one</p>\n<p>more of one</p>\n</li>\n<li>two\n<ul>\n<li>under two</li>\n</ul>\n</li>\n</ol>\n"
    document = open_docx(docx_writer.write(letter_of(body)))
    items = [
        (p.text, p._p.pPr.numPr.ilvl.val, p._p.pPr.numPr.numId.val) for p in document.paragraphs if p._p.pPr is not None
    ]
    numbers, bullets = items[0][2], items[3][2]
    assert items == [("one", 0, numbers), ("more of one", 0, 0), ("two", 0, numbers), ("under two", 1, bullets)]


def test_a_list_nested_deeper_than_the_styles_is_refused() -> None:
    with pytest.raises(OutputError, match="lists nest at most 1 level deep"):
        docx_writer.write(letter_of("<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<p class="shout">x</p>', 'the DOCX writer does not know <p> class="shout"'),
        ("<video>x</video>", "the DOCX writer does not know the element <video>"),
        ('<p>a <em class="loud">b</em></p>', 'the DOCX writer does not know <em> class="loud"'),
        ("<p>a <blink>b</blink></p>", "the DOCX writer does not know the inline element <blink>"),
        ('<p class="date closing">x</p>', "the DOCX writer takes one class on <p>, not closing date"),
    ],
)
def test_an_unknown_element_or_class_is_refused(body: str, message: str) -> None:
    with pytest.raises(OutputError) as e:
        docx_writer.write(letter_of(body))
    assert str(e.value.problems[0].message) == message


def test_the_registry_lists_the_vocabulary() -> None:
    assert ("p", "date") in docx_writer.BLOCKS and ("table", "actions") in docx_writer.BLOCKS
    assert ("a", None) in docx_writer.INLINES


def test_logo_and_signature_at_the_pdfs_sizes_and_the_signature_kept_with_the_lines_before(
    letters: dict[str, dict[str, Path]],
) -> None:
    document = docx.Document(str(letters["loamshire-2025-domestic-abuse"]["docx"]))
    [signature] = document.inline_shapes
    assert signature.height == Mm(style.HOUSE_STYLE.signature_height_mm)
    header = document.sections[0].first_page_header._element
    assert [int(h) for h in header.xpath(".//wp:extent/@cy")] == [Mm(style.HOUSE_STYLE.logo_height_mm)]
    picture = next(p for p in document.paragraphs if p._p.xpath(".//wp:inline"))
    assert picture._p.xpath("./w:pPr/w:keepNext")
    assert header.xpath(".//w:pBdr/w:bottom/@w:sz") == [str(round(style.HOUSE_STYLE.letterhead_rule * 8))]


def test_a_cmyk_jpeg_logo_is_placed_not_crashed_on(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.jpg"
    Image.new("CMYK", (60, 30), (0, 80, 160, 0)).save(logo, "JPEG")  # an Adobe JPEG: no JFIF header
    letter = letter_of(f'<img class="logo" src="{logo.as_uri()}" alt="Logo">', roots=(logo,))
    document = open_docx(docx_writer.write(letter))
    [shape] = document.inline_shapes
    assert shape.height == Mm(style.HOUSE_STYLE.logo_height_mm)
    assert shape.width == Mm(style.HOUSE_STYLE.logo_height_mm * 2)


def test_a_report_title_longer_than_word_allows_is_shortened_in_the_properties(tmp_path: Path) -> None:
    tree = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    tree["report"]["title"] = ("An inspection of how well the police respond " * 6)[:225].strip()
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    props = open_docx(docx_writer.write(render(load_spec(spec)))).core_properties
    assert len(props.subject) == docx_writer.CORE_PROPERTY_LIMIT and props.subject.endswith("…")
    assert tree["report"]["title"][:100] in props.subject
    assert docx_writer.fit_property("short") == "short"


# -- typography -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("the force's \"plan\" and 'its' aims", "the force’s “plan” and ‘its’ aims"),
        ('a straight \\\' kept, and \\"these\\"', "a straight ' kept, and &quot;these&quot;"),
        ("`code's` stays", "<code>code's</code> stays"),
    ],
)
def test_straight_quotes_become_typographic_unless_escaped(typed: str, printed: str) -> None:
    assert to_html(typed) == printed


def test_the_examples_print_typographic_apostrophes_in_both_formats(letters: dict[str, dict[str, Path]]) -> None:
    stem = "devon-and-cornwall-2020-csa-family"
    text = "\n".join(p.text for p in docx.Document(str(letters[stem]["docx"])).paragraphs)
    assert "children’s social care" in text and "children's" not in text
    pdf = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(letters[stem]["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "children’s social care" in pdf


@pytest.mark.parametrize("module", [style, labels, typography, docx_writer])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_an_offices_own_stylesheet_keeps_reading_the_brand_colour() -> None:
    # Office layouts written before the house style used `var(--brand, fallback)`.
    from jtai_letters.letter.style import office_style, stylesheet

    assert "--brand: #1E5631;" in stylesheet(office_style("Liberation Sans", "#1e5631"))
    assert "--brand" not in stylesheet(office_style("Liberation Sans", None))


def test_plain_fields_get_the_same_quotes_as_markdown_text_but_addresses_never(tmp_path: Path) -> None:
    from jtai_letters import build

    text = (ROOT / "tests" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("title: An inspection of Loamshire Police", "title: \"The force's 'plan'\"")
    text = text.replace("area: Loamshire\n", "area: Loamshire\n  email: o'brien@loamshire-pcc.example\n", 1)
    spec = tmp_path / "quotes.yaml"
    spec.write_text(text, encoding="utf-8")
    result = build(spec, tmp_path / "out", Options(formats=("docx", "html")))
    page = (tmp_path / "out" / "quotes.html").read_text(encoding="utf-8")
    assert "The force’s ‘plan’" in page
    assert "href=\"mailto:o'brien@loamshire-pcc.example\">o'brien@loamshire-pcc.example</a>" in page
    assert "The force’s ‘plan’" in "\n".join(docx_paragraphs(result.outputs[0]))
