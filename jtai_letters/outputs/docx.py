"""Rendered HTML letter -> DOCX bytes, element by element onto the house style's Word styles.

The vocabulary the writer understands is the registry below: one handler per element
and class (`@block("p", "date")`), as WeasyPrint's `HTML_HANDLERS`. An element, or a
class on it, that no handler claims is an error rather than text silently missing or
misprinted in the Word version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import lxml.html
from docx.document import Document
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.text.paragraph import Paragraph
from lxml.html import HtmlElement

from jtai_letters import patches
from jtai_letters.errors import OutputError, Problem
from jtai_letters.letter.assets import read_asset
from jtai_letters.letter.labels import pieces
from jtai_letters.letter.render import RenderedLetter
from jtai_letters.letter.style import LAYOUT, PAGE_NUMBER_ON_FIRST_PAGE, HouseStyle
from jtai_letters.letter.templates import ANCHOR_ATTRIBUTE
from jtai_letters.outputs import ZIP_DATE, columns
from jtai_letters.outputs.docx_base import (
    BULLETS_NUM_ID,
    HEADINGS,
    LIST_LEVELS,
    NUMBERS_ABSTRACT_ID,
    STYLE_IDS,
    colour,
    half_points,
    new_document,
    twips,
)
from jtai_letters.spec.vocabulary import DEFAULT_LANGUAGE

CORE_PROPERTY_LIMIT = 255  # characters Word allows in a document property
_SPACE = re.compile(r"[ \t\n\r\f]+")
_FIELDS = {"page": "PAGE", "pages": "NUMPAGES"}

Container = Any  # the document body, a table cell or a header: anything with add_paragraph()
BlockHandler = Callable[["_Writer", HtmlElement, Container], None]
InlineHandler = Callable[["_Writer", HtmlElement, "_Fmt"], Iterator["_Segment"]]

BLOCKS: dict[tuple[str, str | None], BlockHandler] = {}
"""(element, class or None) -> the handler writing it as Word blocks."""
INLINES: dict[tuple[str, str | None], InlineHandler] = {}
"""(element, class or None) -> the handler turning it into runs."""
H = TypeVar("H")


def _registrar(registry: dict[tuple[str, str | None], H]) -> Callable[..., Callable[[H], H]]:
    def register_for(tag: str, *classes: str | None) -> Callable[[H], H]:
        def register(fn: H) -> H:
            for cls in classes or (None,):
                registry[(tag, cls)] = fn
            return fn

        return register

    return register_for


block = _registrar(BLOCKS)
"""`@block("p", "date")`: register a block handler for `tag` without a class, or with each of `classes`."""
inline = _registrar(INLINES)
"""`@inline("em")`: register an inline handler, likewise."""


@dataclass
class _Segment:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    image: tuple[str, str, float] | None = None  # (src, alt, height in mm)
    lang: str | None = None  # the language of an element with `lang` around it
    anchor: str | None = None  # the spec field of a value inside a line (a bookmark around its runs)


@dataclass(frozen=True)
class _Fmt:
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    lang: str | None = None
    anchor: str | None = None

    def segment(self, text: str) -> _Segment:
        return _Segment(text, self.bold, self.italic, self.code, self.href, lang=self.lang, anchor=self.anchor)


def write(letter: RenderedLetter) -> bytes:
    """The letter as a DOCX file (bytes). Deterministic: same letter, same bytes."""
    root = lxml.html.document_fromstring(letter.html)
    style = letter.style
    language = root.get("lang") or DEFAULT_LANGUAGE
    document = new_document(style, language)
    _properties(document, root)
    body = root.find("body")
    if body is None:
        raise OutputError(Problem("the rendered letter has no <body>", letter.source, rule="docx"))
    section = document.sections[0]
    # The letterhead on page 1, in its own header; page numbers after, unless the house style numbers page 1.
    section.different_first_page_header_footer = True
    writer = _Writer(document, letter, style, language)
    writer.blocks(body, document)
    writer.anchor_blocks()
    _page_numbers(section.footer.paragraphs[0], style, letter.page_label)
    if PAGE_NUMBER_ON_FIRST_PAGE:
        _page_numbers(section.first_page_footer.paragraphs[0], style, letter.page_label)
    out = io.BytesIO()
    document.save(out)
    return _normalise_zip(out.getvalue())


def _meta(root: HtmlElement, name: str) -> str:
    found = root.xpath(f"//head/meta[@name='{name}']/@content")
    return str(found[0]) if found else ""


def fit_property(text: str) -> str:
    """`text` shortened with an ellipsis to what Word allows in a document property.

    >>> fit_property("x" * 300)[-3:], len(fit_property("x" * 300))
    ('xx…', 255)
    """
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[: CORE_PROPERTY_LIMIT - 1].rstrip() + "…"


def _properties(document: Document, root: HtmlElement) -> None:
    props = document.core_properties
    props.title = fit_property(root.findtext(".//head/title") or "")
    props.author = fit_property(_meta(root, "author"))
    props.subject = fit_property(_meta(root, "description"))
    props.keywords = fit_property(_meta(root, "keywords"))
    props.language = root.get("lang") or DEFAULT_LANGUAGE  # the first language of a bilingual letter
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
    """Walks the HTML body, adding one Word block per HTML block through the registry."""

    def __init__(self, document: Document, letter: RenderedLetter, style: HouseStyle, language: str) -> None:
        self.doc = document
        self.letter = letter
        self.style = style
        self.after_table: Container | None = None  # the container whose last block is a table
        # Languages: the document's (every run's unless marked), and that of the block being written.
        # A run of another language carries `w:lang`, so Word checks its spelling and a screen
        # reader switches voice, as `lang` does in the HTML and `/Lang` in the PDF.
        self.language = self.lang = language
        self.width = twips(columns.text_points(style))  # of the container being written
        self.columns: tuple[Container, Any] | None = None  # (container, table) of side-by-side columns
        self.letterhead_placed = False  # the first goes into the first page's header
        # Anchors (docs/word-round-trip.md): the spec field of the block being written, and the
        # paragraphs written for each block field, bookmarked once the document is complete.
        self.anchor: str | None = None
        self.anchored: list[tuple[str, Any]] = []  # (bookmark name, w:p), in the order written
        self.bookmarks: dict[str, int] = {}  # bookmark names given, for unique names

    def fail(self, message: str) -> OutputError:
        return OutputError(Problem(message, self.letter.source, rule="docx"))

    def handler(self, registry: dict[tuple[str, str | None], Any], el: HtmlElement, kind: str) -> Any:
        classes = sorted(el.classes) or [None]
        if not any(tag == el.tag for tag, _ in registry):
            raise self.fail(f"the DOCX writer does not know the {kind}element <{el.tag}>")
        if len(classes) > 1:
            raise self.fail(f"the DOCX writer takes one class on <{el.tag}>, not {' '.join(map(str, classes))}")
        found = registry.get((el.tag, classes[0]))
        if found is None:
            what = f'class="{classes[0]}"' if classes[0] else "without a class"
            raise self.fail(f"the DOCX writer does not know <{el.tag}> {what}")
        return found

    # -- blocks -------------------------------------------------------------------------------

    def blocks(self, parent: HtmlElement, container: Container) -> None:
        for el in parent:
            if isinstance(el.tag, str):  # not a comment
                outer, self.lang = self.lang, el.get("lang") or self.lang
                outer_anchor = self.anchor
                if container is self.doc and el.get("class") != "language-columns":
                    self.columns = None  # side-by-side columns continue only from one pair to the next
                try:
                    self.anchor = self.block_anchor(el)
                    self.handler(BLOCKS, el, "")(self, el, container)
                finally:
                    self.lang, self.anchor = outer, outer_anchor

    # -- anchors: bookmarks naming the spec field of each block and value ----------------------

    def block_anchor(self, el: HtmlElement) -> str | None:
        """The bookmark name for the paragraphs `el` makes: its own field's, or the one around it."""
        path = el.get(ANCHOR_ATTRIBUTE)
        return anchor_name(path, self.anchor_language(), block=True) if path else self.anchor

    def anchor_language(self) -> str:
        """The language key an anchor names in a bilingual letter ('' in a letter of one language)."""
        return self.lang.split("-")[0] if len(self.letter.languages) > 1 else ""

    def bookmark(self, name: str) -> tuple[Any, Any]:
        """A bookmark's start and end elements, its name made unique (a field printed twice)."""
        seen = self.bookmarks.get(name, 0)
        self.bookmarks[name] = seen + 1
        unique = name if not seen else f"{name}_{seen + 1}"
        number = str(sum(self.bookmarks.values()))
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), number)
        start.set(qn("w:name"), unique)
        end.set(qn("w:id"), number)
        return start, end

    def anchor_blocks(self) -> None:
        """Each block field's paragraphs in one bookmark: from the start of its first paragraph's
        text to the end of its last one's, so a paragraph added inside the block falls inside."""
        groups: list[tuple[str, list[Any]]] = []
        for name, p in self.anchored:
            if groups and groups[-1][0] == name and groups[-1][1][-1].getnext() is p:
                groups[-1][1].append(p)
            else:
                groups.append((name, [p]))
        for name, paragraphs in groups:
            start, end = self.bookmark(name)
            first = paragraphs[0]
            first.insert(1 if first.pPr is not None else 0, start)
            paragraphs[-1].append(end)

    def fmt(self) -> _Fmt:
        """Plain text in the language of the block being written."""
        return _Fmt(lang=self.lang)

    def paragraph(self, el: HtmlElement, style: str, container: Container) -> Paragraph:
        outer, self.anchor = self.anchor, self.block_anchor(el)
        try:
            return self.paragraph_of(list(self.inline(el, self.fmt())), style, container)
        finally:
            self.anchor = outer

    def paragraph_of(self, segments: list[_Segment], style: str, container: Container) -> Paragraph:
        para: Paragraph = container.add_paragraph()
        if self.anchor:
            self.anchored.append((self.anchor, para._p))
        if style != "Normal":
            para._p.get_or_add_pPr().style = STYLE_IDS[style]
        if self.after_table is container:
            # A table's margin below it: Word tables have none, so the next paragraph takes it
            # (Word, like CSS, keeps the larger of two spaces that meet).
            para.paragraph_format.space_before = Pt(max(self.style.table_after, self.css_before(style)))
            self.after_table = None
        try:
            self.runs(para, _collapse(segments))
        except ValueError as e:  # python-docx refuses XML-illegal characters
            raise self.fail(f"text cannot be stored in a Word document: {e}") from None
        if self.lang != self.language:  # the paragraph mark, as its text
            mark = OxmlElement("w:rPr")
            mark.append(_language(self.lang))
            para._p.get_or_add_pPr().append(mark)
        return para

    def css_before(self, style: str) -> float:
        for name, field in HEADINGS.values():
            if name == style:
                return float(getattr(self.style, field)[1])
        return 0.0

    # -- inline -------------------------------------------------------------------------------

    def inline(self, el: HtmlElement, fmt: _Fmt) -> Iterator[_Segment]:
        if el.text:
            yield fmt.segment(el.text)
        for child in el:
            if isinstance(child.tag, str):
                inner = replace(fmt, lang=child.get("lang")) if child.get("lang") else fmt
                yield from self.handler(INLINES, child, "inline ")(self, child, inner)
            if child.tail:
                yield fmt.segment(child.tail)

    def runs(self, para: Paragraph, segments: list[_Segment]) -> None:
        link: tuple[str, Any] | None = None  # (href, w:hyperlink element) being filled
        marked: tuple[str, Any] | None = None  # (anchor, bookmark end) of the value being written
        last: Any = para._p  # where the last run went: a value's bookmark ends there
        for seg in segments:
            if marked is not None and seg.anchor != marked[0]:
                last.append(marked[1])
                marked = None
            if seg.image is not None:
                self.picture(para, *seg.image)
                continue
            if seg.text == "\n":
                para.add_run().add_break()
                link, last = None, para._p
                continue
            run = para.add_run(seg.text)
            if seg.lang and seg.lang != self.language:
                run._r.get_or_add_rPr().append(_language(seg.lang))
            run.bold = seg.bold or None
            run.italic = seg.italic or None
            if seg.code:
                run.font.name = "Courier New"
            if seg.href:
                if link is None or link[0] != seg.href:
                    link = (seg.href, _hyperlink(para, seg.href))
                run._r.style = STYLE_IDS["Hyperlink"]
                link[1].append(run._r)
            else:
                link = None
            last = run._r.getparent()
            if seg.anchor and marked is None:
                start, end = self.bookmark(anchor_name(seg.anchor, self.anchor_language(), block=False))
                (run._r if run._r.getprevious() is not None or last is para._p else last).addprevious(start)
                marked = (seg.anchor, end)
        if marked is not None:
            last.append(marked[1])

    def picture(self, para: Paragraph, src: str, alt: str, height_mm: float) -> None:
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
        shape = para.add_run().add_picture(io.BytesIO(_word_image(data)), height=Mm(height_mm))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt)


# -- the vocabulary: block elements -------------------------------------------------------------


@block("div")
@block("section")
@block("main")
@block("article")
@block("aside")
@block("nav")
@block("header")
@block("footer")
def _container(w: _Writer, el: HtmlElement, container: Container) -> None:
    w.blocks(el, container)


@block("div", "language-part")
def _language_part(w: _Writer, el: HtmlElement, container: Container) -> None:
    """One language's whole letter; the second starts a new page, as the PDF's does (`LAYOUT`)."""
    body = w.doc.element.body
    start = len(body.xpath("./w:p|./w:tbl"))  # the blocks before this part (the first has none)
    w.blocks(el, container)
    if start and container is w.doc and LAYOUT["language-part"].new_page:
        first = next(iter(body.xpath("./w:p|./w:tbl")[start:]), None)
        if first is not None and first.tag == qn("w:p"):
            Paragraph(first, container).paragraph_format.page_break_before = True


@block("div", "language-columns")
def _language_columns(w: _Writer, el: HtmlElement, container: Container) -> None:
    """A section in both languages side by side: a row of a borderless two-column table, the first
    language on the left (its cells read in order, as the PDF's columns). Word has no layout-table
    flag: no header row and no borders tell it and its users that this table only places text."""
    columns = [c for c in el if isinstance(c.tag, str)]
    if len(columns) != 2 or any(c.get("class") != "language-column" for c in columns):
        raise w.fail('<div class="language-columns"> holds two <div class="language-column">')
    if container is not w.doc:
        raise w.fail("side-by-side columns must be at the top level of the letter")
    if w.columns is None or w.columns[0] is not container:
        half = w.width // 2
        table = w.doc.add_table(rows=0, cols=2)
        _table_layout(table._tbl, w.width, [half, w.width - half])
        w.columns = (container, table)
    table = w.columns[1]
    row = table.add_row()
    outer, gap = w.width, twips(w.style.column_gap)
    w.width = w.width // 2 - gap
    try:
        for side, (cell, column) in enumerate(zip(row.cells, columns, strict=True)):
            cell.width = Twips(outer // 2 if side == 0 else outer - outer // 2)
            _cell_margins(cell, left=gap if side else 0, right=0 if side else gap)
            cell._tc.remove(cell.paragraphs[0]._p)
            outer_lang, w.lang = w.lang, column.get("lang") or w.lang
            try:
                w.blocks(column, cell)
            finally:
                w.lang = outer_lang
            _row_may_break(cell)
            if not cell.paragraphs and not cell.tables:
                cell.add_paragraph()  # a cell must end with a paragraph
            elif cell._tc[-1].tag != qn("w:p"):
                cell.add_paragraph()
    finally:
        w.width = outer
    w.columns = (container, table)


_HEADING_STYLES = frozenset(STYLE_IDS[name] for name, _ in HEADINGS.values())


def _row_may_break(cell: Any) -> None:
    """Lets a side-by-side section's row break across pages, so both its languages start on the page
    where the section starts and flow on together (as the PDF's columns do).

    Word and LibreOffice read "keep with next" on a paragraph in a table row as "keep this row with
    the next row": a heading's (from its style) would move the whole section, both languages, to the
    next page, leaving the page before mostly empty. A heading in a column therefore drops it; the
    row itself is free to break (no w:cantSplit), and the action tables in it keep theirs. The
    sign-off's own keeps stay: that row is kept whole, as the PDF keeps the sign-off.
    """
    for paragraph in cell.paragraphs:
        heading = paragraph.style is not None and paragraph.style.style_id in _HEADING_STYLES
        if heading and paragraph.paragraph_format.keep_with_next is None:
            paragraph.paragraph_format.keep_with_next = False


@block(
    "p",
    None,
    "closing",
    "attribution",
    "response-from",
    "report-link",
    "salutation",
    "welsh-language-statement",
)
def _plain(w: _Writer, el: HtmlElement, container: Container) -> None:
    w.paragraph(el, "Normal", container)


@block("p", "copies")
def _copies(w: _Writer, el: HtmlElement, container: Container) -> None:
    """The copies list, kept on the page of the signature it follows (as the PDF's, from `LAYOUT`)."""
    previous = el.getprevious()
    if previous is not None and previous.get("class") == "sign-off" and LAYOUT["copies"].keep_with_previous:
        body = patches.docx_container_element(container) if container is not w.doc else w.doc.element.body
        signed = body.findall(qn("w:p"))
        if signed:
            Paragraph(signed[-1], container).paragraph_format.keep_with_next = True
        # The PDF leaves a paragraph's space between the signature and the cc lines; so does Word.
        w.paragraph(el, "Normal", container).paragraph_format.space_before = Pt(w.style.paragraph_after)
        return
    w.paragraph(el, "Normal", container)


@block("p", "reference")
def _reference(w: _Writer, el: HtmlElement, container: Container) -> None:
    """The letter's reference: in the addressee's size, a paragraph's space below it (as the PDF's)."""
    w.paragraph(el, "Address", container)


@block("p", "date")
def _date(w: _Writer, el: HtmlElement, container: Container) -> None:
    w.paragraph(el, "Date", container)


@block("p", "office-name")
def _office_name(w: _Writer, el: HtmlElement, container: Container) -> None:
    w.paragraph(el, "Office Name", container)


@block("p", "signature")
def _signature(w: _Writer, el: HtmlElement, container: Container) -> None:
    para = w.paragraph(el, "Signature", container)
    previous = el.getprevious()
    if previous is not None and "signature-image" in previous.classes:
        para.paragraph_format.space_before = Pt(w.style.signature_under_image)


@block("address", None, "contact", "addressee")
def _address(w: _Writer, el: HtmlElement, container: Container) -> None:
    w.paragraph(el, "Address", container)


@block("h1")
@block("h2")
@block("h3")
@block("h4")
def _heading(w: _Writer, el: HtmlElement, container: Container) -> None:
    w.paragraph(el, HEADINGS[el.tag][0], container)


@block("blockquote", None, "quote")
def _quote(w: _Writer, el: HtmlElement, container: Container) -> None:
    # A quotation's paragraphs in the Quote style; its lists as lists; its attribution as written.
    start = len(_paragraphs(w, container))
    for child in el:
        if child.tag in ("ul", "ol"):
            _list(w, child, container)
        elif child.tag == "p" and "attribution" in child.classes:
            w.paragraph(child, "Normal", container)
        elif child.tag == "p" and not child.classes:
            w.paragraph(child, "Quote", container)
        else:
            raise w.fail(f"<blockquote> may hold only <p>, <ul> and <ol>, not <{child.tag}>")
    if "quote" not in el.classes and LAYOUT["item-text"].keep_with_next:  # the report's words, as the PDF's
        for p in _paragraphs(w, container)[start:]:
            Paragraph(p, container).paragraph_format.keep_with_next = True


def _paragraphs(w: _Writer, container: Container) -> list[Any]:
    """The Word paragraphs written so far in `container`, in order."""
    body = patches.docx_container_element(container) if container is not w.doc else w.doc.element.body
    return list(body.findall(qn("w:p")))


@block("ul", None, "causes-of-concern")
@block("ol")
def _list(w: _Writer, el: HtmlElement, container: Container) -> None:
    previous = el.getprevious()
    if previous is not None and previous.tag == "p" and LAYOUT["lead-in"].keep_with_next:
        written = _paragraphs(w, container)  # the paragraph leading into the list keeps with it, as the PDF's
        if written:
            Paragraph(written[-1], container).paragraph_format.keep_with_next = True
    outer, w.anchor = w.anchor, w.block_anchor(el)
    try:
        paragraphs = _list_items(w, el, container, level=0)
    finally:
        w.anchor = outer
    if paragraphs:  # the list's own margin below it, as the PDF's
        paragraphs[-1].paragraph_format.space_after = Pt(w.style.paragraph_after)


def _list_items(w: _Writer, el: HtmlElement, container: Container, level: int) -> list[Paragraph]:
    """Each <li> as a numbered or bulleted paragraph; nested lists one level down."""
    if level >= LIST_LEVELS:
        raise w.fail(f"lists nest at most {LIST_LEVELS - 1} level deep in a letter")
    kind = "Bullet" if el.tag == "ul" else "Number"
    style = f"List {kind}" + (f" {level + 1}" if level else "")
    num_id = BULLETS_NUM_ID if el.tag == "ul" else _restarted_numbering(w.doc)
    written: list[Paragraph] = []
    starts: list[int] = []  # where each item's paragraphs start in `written`
    for li in el:
        if li.tag != "li":
            raise w.fail(f"<{el.tag}> may hold only <li>, not <{li.tag}>")
        start = len(written)
        segments: list[_Segment] = [w.fmt().segment(li.text or "")]

        def flush(segments: list[_Segment], start: int = start) -> None:
            if _collapse(list(segments)):  # whitespace between blocks makes no paragraph
                para = w.paragraph_of(segments, style, container)
                # The item's first paragraph carries its number; later ones (numId 0) none.
                _number(para, level, num_id if len(written) == start else 0)
                written.append(para)

        for child in li:
            if child.tag in ("ul", "ol", "p"):
                flush(segments)
                segments = []
                if child.tag == "p":
                    segments = list(w.inline(child, w.fmt()))
                else:
                    written.extend(_list_items(w, child, container, level + 1))
            elif isinstance(child.tag, str):
                segments.extend(w.handler(INLINES, child, "inline ")(w, child, w.fmt()))
            if child.tail:
                segments.append(w.fmt().segment(child.tail))
        flush(segments)
        starts.append(start)
    # The first item keeps with the second, the last but one with the last (as the PDF's `LAYOUT`).
    if len(starts) > 1:
        ends = [*starts[1:], len(written)]
        kept = written[: ends[0]] if LAYOUT["list-start"].keep_with_next else []
        kept += written[starts[-2] : ends[-2]] if LAYOUT["list-end"].keep_with_next else []
        for para in kept:
            para.paragraph_format.keep_with_next = True
    return written


def _number(para: Paragraph, level: int, num_id: int) -> None:
    num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def _restarted_numbering(document: Document) -> int:
    """A new Word list over the numbers' definition, starting at 1: each <ol> counts from 1."""
    numbering = document.part.numbering_part.element
    num = numbering.add_num(NUMBERS_ABSTRACT_ID)
    for level in range(LIST_LEVELS):
        num.add_lvlOverride(ilvl=level).add_startOverride(1)
    return int(num.numId)


@block("img", None, "logo")
def _logo(w: _Writer, el: HtmlElement, container: Container) -> None:
    para = w.paragraph_of([_image(el, w.style.logo_height_mm)], "Normal", container)
    para.paragraph_format.space_after = Pt(w.style.logo_after)


@block("img", "signature-image")
def _signature_image(w: _Writer, el: HtmlElement, container: Container) -> None:
    para = w.paragraph_of([_image(el, w.style.signature_height_mm)], "Normal", container)
    para.paragraph_format.space_before = Pt(w.style.signature_image_before)
    para.paragraph_format.space_after = Pt(0)


@block("header", "letterhead")
def _letterhead(w: _Writer, el: HtmlElement, container: Container) -> None:
    """The letterhead goes into the first page's header, where Word keeps page furniture,
    with the rule under it in the office's colour. A bilingual letter's other letterheads (the
    second part's, or both side by side) stand in the text where the PDF has them."""
    header = w.doc.sections[0].first_page_header
    target: Any = container
    if container is w.doc and not w.letterhead_placed:
        header.is_linked_to_previous = False
        for para in header.paragraphs:  # the empty paragraph a new header starts with
            para._p.getparent().remove(para._p)
        target = header
    w.letterhead_placed = True
    before = len(target.paragraphs)
    w.blocks(el, target)
    if len(target.paragraphs) == before:
        return
    last = target.paragraphs[-1]
    last.paragraph_format.space_after = Pt(w.style.letterhead_after)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(round(w.style.letterhead_rule * 8)))  # eighths of a point
    bottom.set(qn("w:space"), str(round(w.style.letterhead_padding)))  # points
    bottom.set(qn("w:color"), colour(w.style.rule_colour))
    border.append(bottom)
    p_pr = last._p.get_or_add_pPr()
    p_pr.insert_element_before(border, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


@block("div", "sign-off")
def _sign_off(w: _Writer, el: HtmlElement, container: Container) -> None:
    """The sign-off, kept on one page with the paragraph before it (as the PDF does, from `LAYOUT`)."""
    behaviour = LAYOUT["sign-off"]
    body = patches.docx_container_element(container) if container is not w.doc else w.doc.element.body
    start = len(body.findall(qn("w:p")))
    w.blocks(el, container)
    paragraphs = body.findall(qn("w:p"))
    if len(paragraphs) == start:
        return
    first = Paragraph(paragraphs[start], container)
    if first.paragraph_format.space_before is None:
        first.paragraph_format.space_before = Pt(w.style.sign_off_before)
    kept = paragraphs[start:-1] if behaviour.keep_together else []  # its last keeps its lines (the Signature style)
    if behaviour.keep_with_previous and start:
        kept.insert(0, paragraphs[start - 1])
    for p in kept:
        Paragraph(p, container).paragraph_format.keep_with_next = True


@block("table", None, "actions", "judgements", "counts", "by-content")
def _table(w: _Writer, el: HtmlElement, container: Container) -> None:
    in_column = w.columns is not None and container is not w.doc
    if container is not w.doc and not in_column:
        raise w.fail("a table inside a table cannot be written to DOCX")
    rows: list[tuple[bool, HtmlElement]] = []
    for part in el:
        if part.tag in ("thead", "tbody"):
            rows += [(part.tag == "thead", tr) for tr in part if tr.tag == "tr"]
        elif part.tag == "tr":
            rows.append((False, part))
        elif part.tag == "caption":
            w.paragraph(part, "Caption", container)
        else:
            raise w.fail(f"<table> may not hold <{part.tag}>")
    if not rows:
        return
    width = max(len(tr) for _, tr in rows)
    text_width = w.width
    shares = columns.shares(w.style, el.get("class"), [tr for _, tr in rows], text_width / 20, half_page=in_column)
    widths = [round(text_width * share) for share in shares]
    widths[-1] = text_width - sum(widths[:-1])  # exactly the text width, whatever the rounding
    table = container.add_table(rows=0, cols=width) if in_column else w.doc.add_table(rows=0, cols=width)
    table._tbl.tblPr.style = STYLE_IDS["Table Grid"]
    _table_layout(table._tbl, text_width, widths)
    for is_head, tr in rows:
        row = table.add_row()
        tr_pr = row._tr.get_or_add_trPr()
        if LAYOUT["table-row"].keep_together:
            tr_pr.append(_on("w:cantSplit"))  # a row never breaks across pages, as the PDF's
        if is_head and LAYOUT["table-header"].repeat:
            tr_pr.append(_on("w:tblHeader"))
        for cell, td, cell_width in zip(row.cells, tr, widths, strict=False):
            if td.tag not in ("td", "th"):
                raise w.fail(f"<tr> may hold only <th> and <td>, not <{td.tag}>")
            cell.width = Twips(cell_width)
            cell._tc.remove(cell.paragraphs[0]._p)  # the cell's text is its only paragraph
            written = w.paragraph(td, "Table Heading" if td.tag == "th" else "Table Text", cell)
            if in_column and LAYOUT["column-table-cell"].hyphenate:
                _hyphenated(w.doc, written)
            if td.tag == "th":
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), colour(w.style.header_fill))
                cell._tc.get_or_add_tcPr().append(shading)
    if el.get("class") == "judgements":  # kept whole on a page where it fits, as the PDF's
        for row in table.rows[:-1]:
            for cell in row.cells:
                for para in cell.paragraphs:
                    para.paragraph_format.keep_with_next = True
    w.after_table = container


def _hyphenated(doc: Document, paragraph: Paragraph) -> None:
    """Word hyphenates `paragraph` by its runs' `w:lang`, as the PDF does the cell it comes from
    (`LAYOUT`'s `hyphenate`): the document's automatic hyphenation on, the paragraph's suppression
    (every style's, from Normal) off."""
    p_pr = paragraph._p.get_or_add_pPr()
    if p_pr.find(qn("w:suppressAutoHyphens")) is None:
        off = OxmlElement("w:suppressAutoHyphens")
        off.set(qn("w:val"), "0")
        p_pr.insert_element_before(off, *_AFTER_SUPPRESS_AUTO_HYPHENS)
    settings = doc.settings.element
    if settings.find(qn("w:autoHyphenation")) is None:
        on = OxmlElement("w:autoHyphenation")
        on.set(qn("w:val"), "true")
        settings.insert_element_before(on, *_AFTER_AUTO_HYPHENATION)


# What follows each element in the schema's order (Word reads children only in that order).
_AFTER_SUPPRESS_AUTO_HYPHENS = (
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_AUTO_HYPHENATION = (
    "w:consecutiveHyphenLimit",
    "w:hyphenationZone",
    "w:doNotHyphenateCaps",
    "w:showEnvelope",
    "w:summaryLength",
    "w:clickAndTypeStyle",
    "w:defaultTableStyle",
    "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting",
    "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData",
    "w:noPunctuationKerning",
    "w:characterSpacingControl",
    "w:printTwoOnOne",
    "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter",
    "w:noLineBreaksBefore",
    "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml",
    "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving",
    "w:saveThroughXslt",
    "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace",
    "w:updateFields",
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


def _table_layout(tbl: Any, text_width: int, widths: list[int]) -> None:
    """Fixed column widths summing to the text width, the table's border on the margins."""
    tbl_pr = tbl.tblPr
    tbl_pr.autofit = False  # w:tblLayout fixed
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:w"), str(text_width))
    tbl_w.set(qn("w:type"), "dxa")
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), "0")
    indent.set(qn("w:type"), "dxa")
    tbl_pr.insert_element_before(indent, "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))


def _cell_margins(cell: Any, *, left: int, right: int) -> None:
    margins = OxmlElement("w:tcMar")
    for side, value in (("w:top", 0), ("w:left", left), ("w:bottom", 0), ("w:right", right)):
        margin = OxmlElement(side)
        margin.set(qn("w:w"), str(value))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    cell._tc.get_or_add_tcPr().append(margins)


def _language(lang: str) -> Any:
    """`<w:lang w:val=lang/>`: a run's or a paragraph mark's language."""
    mark = OxmlElement("w:lang")
    mark.set(qn("w:val"), lang)
    return mark


# -- the vocabulary: inline elements ------------------------------------------------------------


@inline("strong")
@inline("b")
@inline("em")
@inline("i")
@inline("code")
@inline("span")
@inline("a")
def _formatted(w: _Writer, el: HtmlElement, fmt: _Fmt) -> Iterator[_Segment]:
    tag = el.tag
    yield from w.inline(
        el,
        _Fmt(
            bold=fmt.bold or tag in ("strong", "b"),
            italic=fmt.italic or tag in ("em", "i"),
            code=fmt.code or tag == "code",
            href=el.get("href") if tag == "a" else fmt.href,
            lang=fmt.lang,
            anchor=el.get(ANCHOR_ATTRIBUTE) or fmt.anchor,
        ),
    )


@inline("br")
def _break(w: _Writer, el: HtmlElement, fmt: _Fmt) -> Iterator[_Segment]:
    yield _Segment("\n")


@inline("q")
def _inline_quote(w: _Writer, el: HtmlElement, fmt: _Fmt) -> Iterator[_Segment]:
    yield fmt.segment("“")
    yield from w.inline(el, fmt)
    yield fmt.segment("”")


@inline("img", None, "logo")
def _inline_logo(w: _Writer, el: HtmlElement, fmt: _Fmt) -> Iterator[_Segment]:
    yield _image(el, w.style.logo_height_mm)


@inline("img", "signature-image")
def _inline_signature(w: _Writer, el: HtmlElement, fmt: _Fmt) -> Iterator[_Segment]:
    yield _image(el, w.style.signature_height_mm)


# -- helpers ------------------------------------------------------------------------------------


def _image(el: HtmlElement, height_mm: float) -> _Segment:
    return _Segment("", image=(el.get("src", ""), el.get("alt", ""), height_mm))


def _word_image(data: bytes) -> bytes:
    """Image bytes python-docx can place: as given, or re-encoded as PNG when it cannot read
    them (a CMYK JPEG from Adobe software carries no JFIF or Exif header)."""
    try:
        Image.from_blob(data)
        return data
    except UnrecognizedImageError:
        from PIL import Image as Pillow  # only for the rare image python-docx cannot read

        with Pillow.open(io.BytesIO(data)) as img:
            out = io.BytesIO()
            img.convert("RGB").save(out, format="PNG")
            return out.getvalue()


def _on(name: str) -> Any:
    el = OxmlElement(name)
    el.set(qn("w:val"), "true")
    return el


def _field(para: Paragraph, instruction: str, style: HouseStyle) -> None:
    """A Word field (PAGE, NUMPAGES), marked dirty so Word recomputes it on opening."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    field.set(qn("w:dirty"), "true")
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(half_points(style.footer_size)))
    props.append(size)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    para._p.append(field)


def _page_numbers(para: Paragraph, style: HouseStyle, label: str) -> None:
    """'Page X of Y' (the letter's label, in its language) in the footer, as the PDF has from page 2 on."""
    para._p.get_or_add_pPr().style = STYLE_IDS["Footer"]
    for kind, piece in pieces(label):
        if kind == "field":
            _field(para, _FIELDS[piece], style)
        else:
            para.add_run(piece)


def _hyperlink(para: Paragraph, href: str) -> Any:
    r_id = para.part.relate_to(href, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    para._p.append(link)
    return link


def anchor_name(path: str, language: str = "", *, block: bool) -> str:
    """The bookmark name of a spec field's anchor: `_jtb_` (whole paragraphs) or `_jti_` (a value inside
    a line) and a digest of the field path and language key. Word allows 40 letters, digits and
    underscores; a leading underscore makes the bookmark hidden in Word's Bookmark dialog.

    >>> anchor_name("response.recommendations[1].response", block=True)
    '_jtb_f3268d41e522e49e'
    """
    digest = hashlib.sha256(f"{path}|{language}".encode()).hexdigest()[:16]
    return f"{'_jtb_' if block else '_jti_'}{digest}"


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
        seg = replace(seg, text=text)
        out.append(seg)
        at_line_start = False
    while out and out[-1].image is None and out[-1].text.strip(" ") == "" and out[-1].text != "\n":
        out.pop()
    if out and out[-1].image is None and out[-1].text != "\n":
        out[-1].text = out[-1].text.rstrip(" ")
    while out and out[-1].text == "\n":
        out.pop()
    return out
