"""Rendered HTML letter -> DOCX bytes, element by element onto real Word styles.

The writer knows a fixed set of elements; anything else in a template's output
is an error rather than text silently missing from the Word version.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import docx
import lxml.html
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml.html import HtmlElement

from ..assets import read_asset
from ..errors import OutputError, Problem
from ..render import RenderedLetter

# Word versions use the metric-compatible font every Windows PC has, so lines break alike.
WORD_FONTS = {"Liberation Sans": "Arial", "Liberation Serif": "Times New Roman", "DejaVu Sans": "Verdana"}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same letter gives the same bytes

HEADING_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
USED_STYLES = {
    *HEADING_STYLES.values(),
    "Normal",
    "List Bullet",
    "List Number",
    "Quote",
    "Caption",
    "Table Grid",
    "Hyperlink",
}
CONTAINERS = {"body", "header", "footer", "div", "section", "main", "article", "aside", "nav"}
INLINE = {"strong", "b", "em", "i", "a", "br", "code", "span", "q", "img"}
_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass
class _Segment:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    image: tuple[str, str] | None = None  # (src, alt)


@dataclass(frozen=True)
class _Fmt:
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


def write(letter: RenderedLetter) -> bytes:
    """The letter as a DOCX file (bytes). Deterministic: same letter, same bytes."""
    root = lxml.html.document_fromstring(letter.html)
    document = docx.Document()
    _setup(document, letter)
    _properties(document, root)
    body = root.find("body")
    if body is None:
        raise OutputError(Problem("the rendered letter has no <body>", letter.source, rule="docx"))
    section = document.sections[0]
    section.different_first_page_header_footer = True  # letterhead on page 1, page numbers after
    writer = _Writer(document, letter)
    writer.blocks(body)
    _page_numbers(section.footer.paragraphs[0])
    out = io.BytesIO()
    document.save(out)
    return _normalise_zip(out.getvalue())


def _setup(document: Document, letter: RenderedLetter) -> None:
    font = WORD_FONTS[letter.font]
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(12)
    # East Asian and complex-script fonts too, or Word substitutes its own.
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), font)
    _set_language(document)
    normal.paragraph_format.space_after = Pt(9)  # as the PDF's paragraphs
    for name in ("List Bullet", "List Number"):
        styles[name].paragraph_format.space_after = Pt(3)
    styles["Quote"].paragraph_format.left_indent = Pt(18)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Quote"):
        styles[name].font.name = font
        # The template's headings name theme fonts, which would override ours.
        rfonts = styles[name].element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        if letter.brand_colour and name != "Quote":
            styles[name].font.color.rgb = RGBColor.from_string(letter.brand_colour[1:].upper())
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x0B, 0x3D, 0x91)
    link.font.underline = True


def _set_language(document: Document) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-GB")


def _meta(root: HtmlElement, name: str) -> str:
    found = root.xpath(f"//head/meta[@name='{name}']/@content")
    return str(found[0]) if found else ""


def _properties(document: Document, root: HtmlElement) -> None:
    props = document.core_properties
    props.title = root.findtext(".//head/title") or ""
    props.author = _meta(root, "author")
    props.subject = _meta(root, "description")
    props.keywords = _meta(root, "keywords")
    props.language = root.get("lang") or "en-GB"
    props.last_modified_by = props.author
    props.revision = 1
    props.comments = ""
    created = _meta(root, "dcterms.created")
    when = dt.datetime.combine(dt.date.fromisoformat(created), dt.time(), dt.UTC) if created else None
    if when is not None:
        props.created = props.modified = when


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


class _Writer:
    """Walks the HTML body, adding one Word block per HTML block."""

    def __init__(self, document: Document, letter: RenderedLetter) -> None:
        self.doc = document
        self.letter = letter
        # Setting a style through python-docx scans styles.xml twice per paragraph
        # (by name, then for the default style): most of the writer's time. Letters
        # use a handful of styles, so look their ids up once and set them directly.
        self.styles = {s.name: s for s in document.styles if s.name in USED_STYLES}
        self.style_ids = {name: s.style_id for name, s in self.styles.items()}

    def fail(self, message: str) -> OutputError:
        return OutputError(Problem(message, self.letter.source, rule="docx"))

    # -- blocks -------------------------------------------------------------------------------

    def blocks(self, parent: HtmlElement, container: _Cell | None = None) -> None:
        for el in parent:
            if not isinstance(el.tag, str):
                continue  # comments
            self.block(el, container)

    def block(self, el: HtmlElement, container: _Cell | None) -> None:
        tag = el.tag
        if tag == "header" and "letterhead" in el.classes and container is None:
            self.letterhead(el)
        elif tag == "div" and "sign-off" in el.classes and container is None:
            self.kept_together(el)
        elif tag in CONTAINERS:
            self.blocks(el, container)
        elif tag in HEADING_STYLES:
            self.paragraph(el, HEADING_STYLES[tag], container)
        elif tag == "p":
            para = self.paragraph(el, "Normal", container)
            if "date" in el.classes:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if "office-name" in el.classes:
                for run in para.runs:
                    run.bold = True
        elif tag == "address":
            self.paragraph(el, "Normal", container)
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for li in el:
                if li.tag != "li":
                    raise self.fail(f"<{tag}> may hold only <li>, not <{li.tag}>")
                self.paragraph(li, style, container)
        elif tag == "blockquote":
            for child in el:
                if child.tag != "p":
                    raise self.fail(f"<blockquote> may hold only <p>, not <{child.tag}>")
                self.paragraph(child, "Quote", container)
        elif tag == "table":
            if container is not None:
                raise self.fail("a table inside a table cannot be written to DOCX")
            self.table(el)
        elif tag == "img":
            self.paragraph_of([_Segment("", image=(el.get("src", ""), el.get("alt", "")))], "Normal", container)
        else:
            raise self.fail(f"the DOCX writer does not know the element <{tag}>")

    def kept_together(self, el: HtmlElement) -> None:
        """The sign-off, kept on one page with the paragraph before it (as the PDF does)."""
        body = self.doc.element.body
        start = len(body.findall(qn("w:p")))
        self.blocks(el, None)
        paragraphs = body.findall(qn("w:p"))
        for p in paragraphs[max(start - 1, 0) : -1]:
            keep = OxmlElement("w:keepNext")
            p.get_or_add_pPr().insert(0, keep)

    def letterhead(self, el: HtmlElement) -> None:
        """The letterhead goes into the first page's header, where Word keeps page furniture."""
        header = self.doc.sections[0].first_page_header
        header.is_linked_to_previous = False
        for para in header.paragraphs:  # the empty paragraph a new header starts with
            para._p.getparent().remove(para._p)
        self.blocks(el, header)  # type: ignore[arg-type]

    def paragraph(self, el: HtmlElement, style: str, container: _Cell | None) -> Paragraph:
        return self.paragraph_of(list(self.inline(el, _Fmt())), style, container)

    def paragraph_of(self, segments: list[_Segment], style: str, container: _Cell | None) -> Paragraph:
        para = (container or self.doc).add_paragraph()
        if style != "Normal":
            para._p.get_or_add_pPr().style = self.style_ids[style]
        try:
            self.runs(para, _collapse(segments))
        except ValueError as e:  # python-docx refuses XML-illegal characters
            raise self.fail(f"text cannot be stored in a Word document: {e}") from None
        return para

    def table(self, el: HtmlElement) -> None:
        rows: list[tuple[bool, HtmlElement]] = []
        for part in el:
            if part.tag in ("thead", "tbody"):
                rows += [(part.tag == "thead", tr) for tr in part if tr.tag == "tr"]
            elif part.tag == "tr":
                rows.append((False, part))
            elif part.tag == "caption":
                self.paragraph(part, "Caption", None)
            else:
                raise self.fail(f"<table> may not hold <{part.tag}>")
        if not rows:
            return
        width = max(len(tr) for _, tr in rows)
        table = self.doc.add_table(rows=0, cols=width)
        table.style = self.styles["Table Grid"]
        for is_head, tr in rows:
            row = table.add_row()
            if is_head:
                _repeat_header(row._tr)
            for cell, td in zip(row.cells, tr, strict=False):
                if td.tag not in ("td", "th"):
                    raise self.fail(f"<tr> may hold only <th> and <td>, not <{td.tag}>")
                cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
                para = self.paragraph(td, "Normal", cell)
                if td.tag == "th":
                    for run in para.runs:
                        run.bold = True
                    shading = OxmlElement("w:shd")
                    shading.set(qn("w:val"), "clear")
                    shading.set(qn("w:fill"), "E8E8E8")  # the PDF's header grey
                    cell._tc.get_or_add_tcPr().append(shading)

    # -- inline -------------------------------------------------------------------------------

    def inline(self, el: HtmlElement, fmt: _Fmt) -> Iterator[_Segment]:
        if el.text:
            yield _Segment(el.text, fmt.bold, fmt.italic, fmt.code, fmt.href)
        for child in el:
            if isinstance(child.tag, str):
                yield from self.inline_element(child, fmt)
            if child.tail:
                yield _Segment(child.tail, fmt.bold, fmt.italic, fmt.code, fmt.href)

    def inline_element(self, el: HtmlElement, fmt: _Fmt) -> Iterator[_Segment]:
        tag = el.tag
        if tag not in INLINE:
            raise self.fail(f"the DOCX writer does not know the inline element <{tag}>")
        if tag == "br":
            yield _Segment("\n")
        elif tag == "img":
            yield _Segment("", image=(el.get("src", ""), el.get("alt", "")))
        elif tag == "q":
            yield _Segment("“", fmt.bold, fmt.italic, fmt.code, fmt.href)
            yield from self.inline(el, fmt)
            yield _Segment("”", fmt.bold, fmt.italic, fmt.code, fmt.href)
        else:
            yield from self.inline(
                el,
                _Fmt(
                    bold=fmt.bold or tag in ("strong", "b"),
                    italic=fmt.italic or tag in ("em", "i"),
                    code=fmt.code or tag == "code",
                    href=el.get("href") if tag == "a" else fmt.href,
                ),
            )

    def runs(self, para: Paragraph, segments: list[_Segment]) -> None:
        link: tuple[str, object] | None = None  # (href, w:hyperlink element) being filled
        for seg in segments:
            if seg.image is not None:
                self.picture(para, *seg.image)
                continue
            if seg.text == "\n":
                para.add_run().add_break()
                link = None
                continue
            run = para.add_run(seg.text)
            run.bold = seg.bold or None
            run.italic = seg.italic or None
            if seg.code:
                run.font.name = "Courier New"
            if seg.href:
                if link is None or link[0] != seg.href:
                    link = (seg.href, _hyperlink(para, seg.href))
                run._r.style = self.style_ids["Hyperlink"]
                link[1].append(run._r)  # type: ignore[attr-defined]
            else:
                link = None

    def picture(self, para: Paragraph, src: str, alt: str) -> None:
        try:
            data, _mime = read_asset(src, self.letter.asset_roots)
        except OutputError as e:
            problem = e.problems[0]
            raise OutputError(
                Problem(
                    f"DOCX not written: {problem.message}",
                    self.letter.source,
                    field=self.letter.field_of(src),
                    rule="asset",
                )
            ) from None
        run = para.add_run()
        shape = run.add_picture(io.BytesIO(data), height=Mm(18))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt)


def _field(para: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES), marked dirty so Word recomputes it on opening."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    field.set(qn("w:dirty"), "true")
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "20")  # 10 pt, as the words around it
    props.append(size)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    para._p.append(field)


def _page_numbers(para: Paragraph) -> None:
    """'Page X of Y' in the footer, as the PDF has from page 2 on."""
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    para.add_run("Page ")
    _field(para, "PAGE")
    para.add_run(" of ")
    _field(para, "NUMPAGES")
    for run in para.runs:
        run.font.size = Pt(10)


def _hyperlink(para: Paragraph, href: str) -> object:
    r_id = para.part.relate_to(href, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    para._p.append(link)
    return link


def _repeat_header(tr: object) -> None:
    tr_pr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _collapse(segments: list[_Segment]) -> list[_Segment]:
    """HTML whitespace rules: runs of spaces become one; none at line starts or ends."""
    out: list[_Segment] = []
    at_line_start = True
    for seg in segments:
        if seg.image is not None or seg.text == "\n":
            if out and seg.text == "\n" and out[-1].text.endswith(" "):
                out[-1].text = out[-1].text.rstrip(" ")
            out.append(seg)
            at_line_start = seg.text == "\n"
            continue
        text = _SPACE.sub(" ", seg.text)
        if at_line_start:
            text = text.lstrip(" ")
        if not text:
            continue
        if out and out[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
            if not text:
                continue
        seg.text = text
        out.append(seg)
        at_line_start = False
    while out and out[-1].image is None and out[-1].text.strip(" ") == "" and out[-1].text != "\n":
        out.pop()
    if out and out[-1].image is None and out[-1].text != "\n":
        out[-1].text = out[-1].text.rstrip(" ")
    while out and out[-1].text == "\n":
        out.pop()
    return out
