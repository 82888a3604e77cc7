"""Reading a DOCX back: the edited Word version of a letter, as text per anchor, in the spec's Markdown.

python-docx cannot read revisions, so the package is read with lxml directly: every paragraph of
the body in document order, its runs with the formatting Markdown can say (bold, italic, code,
links) and what it cannot (colour, font, size, ...), tracked changes (`w:ins`, `w:del`, moves,
paragraph marks, table rows) with author and date, comment ranges, and the bookmarks the DOCX
writer placed around each spec field (`docx.anchor_name`). A document that Word, LibreOffice or a
hostile hand made is read within fixed bounds (`LIMITS`): size, ratio, parts, nesting, anchors.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from lxml import etree

from jtai_letters.errors import OutputError, Problem

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an encrypted DOCX, or an old .doc
ANCHOR_PREFIXES = ("_jtb_", "_jti_")  # whole paragraphs, a value inside a line (docx.anchor_name)
MACRO_TYPES = ("application/vnd.ms-word.document.macroEnabled.main+xml", "application/vnd.ms-office.vbaProject")


@dataclass(frozen=True)
class Limits:
    """What an edited letter may be: far above any real letter, far below what would hurt."""

    file_bytes: int = 50 * 1024 * 1024  # the .docx file itself
    unpacked_bytes: int = 100 * 1024 * 1024  # every part read, uncompressed
    part_bytes: int = 40 * 1024 * 1024  # one XML part, uncompressed
    ratio: int = 200  # uncompressed / compressed, per part (text compresses ~5-20x)
    parts: int = 2000  # entries in the package
    anchors: int = 20000  # bookmarks in the body
    paragraphs: int = 100000


LIMITS = Limits()


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


Kind = Literal["insertion", "deletion", "paragraph inserted", "paragraph deleted", "row inserted", "row deleted"]


@dataclass(frozen=True)
class Revision:
    """One tracked change as Word records it."""

    kind: str  # insertion, deletion, formatting, paragraph inserted/deleted, row inserted/deleted
    author: str
    date: str
    key: int  # which revision element: the runs of one w:ins are one change


@dataclass
class Piece:
    """A run's text (or a line break, '\\n') with its formatting, or a marker (bookmark, comment)."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    extra: tuple[str, ...] = ()  # formatting Markdown cannot say: 'colour', 'font', 'size', ...
    change: Revision | None = None  # inserted or deleted text
    old_format: tuple[bool, bool] | None = None  # (bold, italic) before a tracked formatting change
    marker: tuple[str, str] | None = None  # ('bookmark-start'|'bookmark-end'|'comment-start'|'comment-end', name)


@dataclass
class Para:
    """One paragraph: its pieces in order and what Word says about the paragraph itself."""

    pieces: list[Piece] = field(default_factory=list)
    style: str = ""
    list_kind: str | None = None  # 'bullet' or 'number'
    level: int = 0
    mark: Revision | None = None  # the paragraph mark inserted or deleted (paragraphs split or joined)
    cell: tuple[int, int, int] | None = None  # (table, row, cell) of the innermost table it sits in
    row_change: Revision | None = None
    header_row: bool = False
    extra: tuple[str, ...] = ()  # what the paragraph holds that Markdown cannot: 'image', ...

    def text(self) -> str:
        return "".join(p.text for p in self.pieces if p.marker is None)


@dataclass(frozen=True)
class Comment:
    """A comment from word/comments.xml."""

    id: str
    author: str
    date: str
    text: str


@dataclass
class Package:
    """A DOCX read: the body's paragraphs (revisions still pending), comments, what was refused."""

    path: Path
    paragraphs: list[Para]
    comments: dict[str, Comment]
    fonts: set[str]
    problems: list[Problem] = field(default_factory=list)


def _fail(path: Path, message: str) -> OutputError:
    return OutputError(Problem(message, path, rule="absorb", kind="error"))


def _xml(data: bytes, path: Path, part: str) -> etree._Element:
    # No DTDs, no entities, no network; libxml2's nesting limit (256 levels) holds without huge_tree.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise _fail(path, f"{part} is not well-formed XML ({e.msg}): the document is damaged") from None
    if root is None:
        raise _fail(path, f"{part} is empty: the document is damaged")
    return root


class _Parts:
    """The package's parts, read within `Limits`."""

    def __init__(self, data: bytes, path: Path, limits: Limits) -> None:
        self.path, self.limits, self.read_bytes = path, limits, 0
        if data[:8] == OLE_MAGIC:
            raise _fail(
                path,
                "this is not a .docx package but a compound file: a password-protected (encrypted) document "
                "or an old .doc; remove the password (Word: File > Info > Protect Document) and save as .docx",
            )
        if len(data) > limits.file_bytes:
            raise _fail(path, f"the file is {len(data) // 2**20} MB; a letter's DOCX is far smaller")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as e:
            raise _fail(path, f"not a DOCX (a Word document is a zip package): {e}") from None
        if len(infos) > limits.parts:
            raise _fail(path, f"the package has {len(infos)} parts; a letter has a few dozen")
        self.infos = {i.filename: i for i in infos}
        declared = sum(i.file_size for i in infos)
        if declared > limits.unpacked_bytes:
            raise _fail(path, f"the package unpacks to {declared // 2**20} MB: refused as a zip bomb")

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        info = self.infos[name]
        if info.compress_size and info.file_size / info.compress_size > self.limits.ratio and info.file_size > 2**20:
            ratio = info.file_size // info.compress_size
            raise _fail(self.path, f"{name} unpacks {ratio} times its packed size: refused as a zip bomb")
        if info.file_size > self.limits.part_bytes:
            raise _fail(self.path, f"{name} unpacks to {info.file_size // 2**20} MB: refused as a zip bomb")
        out = bytearray()
        try:
            with self.zip.open(info) as stream:  # the sizes in the header are not trusted: count what comes
                while chunk := stream.read(1 << 16):
                    out += chunk
                    if len(out) > self.limits.part_bytes or self.read_bytes + len(out) > self.limits.unpacked_bytes:
                        raise _fail(self.path, f"{name} unpacks to more than its header says: refused as a zip bomb")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as e:
            raise _fail(self.path, f"{name} cannot be unpacked ({e}): the document is damaged") from None
        except Exception as e:  # zlib.error, NotImplementedError (an unknown compression) and the like
            raise _fail(self.path, f"{name} cannot be unpacked ({type(e).__name__}): the document is damaged") from None
        self.read_bytes += len(out)
        return bytes(out)

    def xml(self, name: str) -> etree._Element:
        return _xml(self.read(name), self.path, name)


def read(data: bytes, path: Path, limits: Limits = LIMITS) -> Package:
    """The body of a DOCX (bytes) as paragraphs, refusing what is not a plain Word document."""
    parts = _Parts(data, path, limits)
    if not parts.has("[Content_Types].xml"):
        raise _fail(path, "not a Word document: the package has no [Content_Types].xml")
    types = parts.xml("[Content_Types].xml")
    declared = {el.get("ContentType", "") for el in types}
    if any(t in declared for t in MACRO_TYPES) or any(n.lower().endswith("vbaproject.bin") for n in parts.infos):
        raise _fail(
            path,
            "a macro-enabled document (.docm) is refused: save it as a Word Document (.docx) without macros",
        )
    main = _main_part(parts, types)
    rels = _relationships(parts, main)
    reader = _BodyReader(path, limits, _numbering(parts, main, rels), _styles(parts, main, rels), rels)
    body = parts.xml(main).find(_w("body"))
    if body is None:
        raise _fail(path, f"{main} has no body: the document is damaged")
    reader.container(body)
    comments = _comments(parts, main, rels)
    return Package(path, reader.paragraphs, comments, reader.fonts, reader.problems)


def _main_part(parts: _Parts, types: etree._Element) -> str:
    for el in types:
        if el.tag == f"{{{CT}}}Override" and el.get("ContentType", "").endswith(".document.main+xml"):
            name = str(el.get("PartName", "")).lstrip("/")
            if parts.has(name):
                return name
    if parts.has("word/document.xml"):
        return "word/document.xml"
    raise _fail(parts.path, "not a Word document: the package has no main document part")


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _relationships(parts: _Parts, main: str) -> dict[str, tuple[str, str]]:
    """rId -> (type, target) of the main part's relationships."""
    name = _rels_name(main)
    if not parts.has(name):
        return {}
    return {
        el.get("Id", ""): (el.get("Type", ""), el.get("Target", ""))
        for el in parts.xml(name)
        if el.tag == f"{{{PR}}}Relationship"
    }


def _related(parts: _Parts, main: str, rels: dict[str, tuple[str, str]], suffix: str) -> etree._Element | None:
    folder = main.rpartition("/")[0]
    for kind, target in rels.values():
        if kind.endswith("/" + suffix):
            name = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}" if folder else target
            if parts.has(name):
                return parts.xml(name)
    return None


def _numbering(parts: _Parts, main: str, rels: dict[str, tuple[str, str]]) -> dict[tuple[str, int], str]:
    """(numId, level) -> 'bullet' or 'number', from numbering.xml (LibreOffice renumbers the lists)."""
    root = _related(parts, main, rels, "numbering")
    if root is None:
        return {}
    abstract: dict[str, dict[int, str]] = {}
    for a in root.iter(_w("abstractNum")):
        levels = abstract.setdefault(a.get(_w("abstractNumId"), ""), {})
        for lvl in a.iter(_w("lvl")):
            fmt = lvl.find(_w("numFmt"))
            value = fmt.get(_w("val"), "decimal") if fmt is not None else "decimal"
            levels[_int(lvl.get(_w("ilvl")))] = "bullet" if value == "bullet" else "number"
    found: dict[tuple[str, int], str] = {}
    for num in root.iter(_w("num")):
        ref = num.find(_w("abstractNumId"))
        levels = abstract.get(ref.get(_w("val"), "") if ref is not None else "", {})
        for level, kind in levels.items():
            found[(num.get(_w("numId"), ""), level)] = kind
    return found


def _styles(parts: _Parts, main: str, rels: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str | None, int]]:
    """styleId -> (name, numId, level) of paragraph styles; a list style numbers its paragraphs."""
    root = _related(parts, main, rels, "styles")
    found: dict[str, tuple[str, str | None, int]] = {}
    if root is None:
        return found
    for style in root.iter(_w("style")):
        name_el = style.find(_w("name"))
        num = style.find(f"{_w('pPr')}/{_w('numPr')}")
        num_id = level = None
        if num is not None:
            num_el, lvl_el = num.find(_w("numId")), num.find(_w("ilvl"))
            num_id = num_el.get(_w("val")) if num_el is not None else None
            level = _int(lvl_el.get(_w("val"))) if lvl_el is not None else 0
        name = name_el.get(_w("val"), "") if name_el is not None else ""
        found[style.get(_w("styleId"), "")] = (name, num_id, level or 0)
        if style.get(_w("type")) == "paragraph" and style.get(_w("default")) in ("1", "true", "on"):
            found[""] = found[style.get(_w("styleId"), "")]
    return found


def _comments(parts: _Parts, main: str, rels: dict[str, tuple[str, str]]) -> dict[str, Comment]:
    root = _related(parts, main, rels, "comments")
    if root is None:
        return {}
    found: dict[str, Comment] = {}
    for c in root.iter(_w("comment")):
        paragraphs = ["".join(t.text or "" for t in p.iter(_w("t"))) for p in c.iter(_w("p"))]
        found[c.get(_w("id"), "")] = Comment(
            c.get(_w("id"), ""), c.get(_w("author"), ""), c.get(_w("date"), ""), "\n".join(paragraphs).strip()
        )
    return found


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _on(el: etree._Element | None) -> bool:
    """A toggle property (w:b, w:i): on unless its w:val says off."""
    return el is not None and el.get(_w("val"), "true") not in ("0", "false", "off", "none")


_MONOSPACE = ("courier new", "courier", "consolas", "liberation mono", "dejavu sans mono")
_LINK = re.compile(r'^\s*HYPERLINK\s+(?:\\[a-z]\s+"[^"]*"\s+)*"([^"]+)"', re.I)
_IGNORED = {
    _w(n)
    for n in (
        "proofErr",
        "permStart",
        "permEnd",
        "lastRenderedPageBreak",
        "rPr",
        "pPr",
        "sdtPr",
        "sdtEndPr",
        "bookmarkEnd",
        "commentRangeStart",
        "commentRangeEnd",
        "softHyphen",
        "annotationRef",
        "commentReference",
    )
}


class _BodyReader:
    """Walks the body in document order into `Para`s."""

    def __init__(
        self,
        path: Path,
        limits: Limits,
        numbering: dict[tuple[str, int], str],
        styles: dict[str, tuple[str, str | None, int]],
        rels: dict[str, tuple[str, str]],
    ) -> None:
        self.path, self.limits = path, limits
        self.numbering, self.styles, self.rels = numbering, styles, rels
        self.default_style = ""  # a paragraph without w:pStyle has the default style ("" in `styles`)
        self.paragraphs: list[Para] = []
        self.pending: list[Piece] = []  # markers between paragraphs: they open the next one
        self.problems: list[Problem] = []
        self.fonts: set[str] = set()
        self.tables = 0
        self.cell: list[tuple[int, int, int]] = []
        self.row: list[tuple[Revision | None, bool]] = []
        self.revisions = 0
        self.anchors = 0
        self.field: list[dict[str, str | None]] = []  # complex fields open: their instruction, link

    def revision(self, el: etree._Element, kind: str) -> Revision:
        self.revisions += 1
        return Revision(kind, el.get(_w("author"), ""), el.get(_w("date"), ""), self.revisions)

    def container(self, parent: etree._Element) -> None:
        for el in parent:
            tag = el.tag
            if tag == _w("p"):
                self.paragraph(el)
            elif tag == _w("tbl"):
                self.table(el)
            elif tag in (_w("sdt"),):
                content = el.find(_w("sdtContent"))
                if content is not None:
                    self.container(content)
            elif tag in (_w("customXml"), _w("ins"), _w("del"), _w("moveTo"), _w("moveFrom"), _w("smartTag")):
                self.container(el)
            elif tag in (_w("bookmarkStart"), _w("bookmarkEnd"), _w("commentRangeStart"), _w("commentRangeEnd")):
                marker = self.marker(el)
                if marker is not None:
                    if marker.marker and marker.marker[0].endswith("end") and self.paragraphs:
                        self.paragraphs[-1].pieces.append(marker)
                    else:
                        self.pending.append(marker)

    def marker(self, el: etree._Element) -> Piece | None:
        tag = etree.QName(el).localname
        if tag == "bookmarkStart":
            self.anchors += 1
            if self.anchors > self.limits.anchors:
                raise _fail(self.path, f"more than {self.limits.anchors} bookmarks: not a letter this tool made")
            return Piece(marker=("bookmark-start", f"{el.get(_w('id'), '')}\t{el.get(_w('name'), '')}"))
        if tag == "bookmarkEnd":
            return Piece(marker=("bookmark-end", el.get(_w("id"), "")))
        if tag == "commentRangeStart":
            return Piece(marker=("comment-start", el.get(_w("id"), "")))
        if tag == "commentRangeEnd":
            return Piece(marker=("comment-end", el.get(_w("id"), "")))
        return None

    def table(self, tbl: etree._Element) -> None:
        self.tables += 1
        number = self.tables
        rows = [r for r in self._rows(tbl)]
        for row_index, tr in enumerate(rows):
            tr_pr = tr.find(_w("trPr"))
            change = None
            header = False
            if tr_pr is not None:
                header = _on(tr_pr.find(_w("tblHeader")))
                for kind, name in (("row inserted", "ins"), ("row deleted", "del")):
                    found = tr_pr.find(_w(name))
                    if found is not None:
                        change = self.revision(found, kind)
            self.row.append((change, header))
            for cell_index, tc in enumerate(self._cells(tr)):
                self.cell.append((number, row_index, cell_index))
                self.container(tc)
                self.cell.pop()
            self.row.pop()

    def _rows(self, tbl: etree._Element) -> Iterator[etree._Element]:
        for el in tbl:
            if el.tag == _w("tr"):
                yield el
            elif el.tag in (_w("sdt"), _w("customXml")):
                content = el.find(_w("sdtContent")) if el.tag == _w("sdt") else el
                if content is not None:
                    yield from self._rows(content)

    def _cells(self, tr: etree._Element) -> Iterator[etree._Element]:
        for el in tr:
            if el.tag == _w("tc"):
                yield el
            elif el.tag in (_w("sdt"), _w("customXml")):
                content = el.find(_w("sdtContent")) if el.tag == _w("sdt") else el
                if content is not None:
                    yield from self._cells(content)

    def paragraph(self, p: etree._Element) -> None:
        if len(self.paragraphs) >= self.limits.paragraphs:
            raise _fail(self.path, f"more than {self.limits.paragraphs} paragraphs: not a letter")
        para = Para(pieces=self.pending)
        self.pending = []
        p_pr = p.find(_w("pPr"))
        style_id = ""
        num_id: str | None = None
        level = 0
        if p_pr is not None:
            style_el = p_pr.find(_w("pStyle"))
            style_id = style_el.get(_w("val"), "") if style_el is not None else ""
            num = p_pr.find(_w("numPr"))
            if num is not None:
                num_el, lvl_el = num.find(_w("numId")), num.find(_w("ilvl"))
                num_id = num_el.get(_w("val")) if num_el is not None else None
                level = _int(lvl_el.get(_w("val"))) if lvl_el is not None else 0
            mark = p_pr.find(_w("rPr"))
            if mark is not None:
                for kind, name in (("paragraph inserted", "ins"), ("paragraph deleted", "del")):
                    found = mark.find(_w(name))
                    if found is not None:
                        para.mark = self.revision(found, kind)
        name, style_num, style_level = self.styles.get(style_id or self.default_style, (style_id, None, 0))
        para.style = name
        if num_id is None and style_num is not None:
            num_id, level = style_num, style_level
        if num_id not in (None, "0"):
            para.list_kind = self.numbering.get((num_id or "", level), "number")
            para.level = level
        if self.cell:
            para.cell = self.cell[-1]
            para.row_change, para.header_row = self.row[-1]
        self.content(p, para, Piece(), None)
        self.paragraphs.append(para)

    def content(self, parent: etree._Element, para: Para, fmt: Piece, change: Revision | None) -> None:
        """The runs inside a paragraph, or inside a link, a change, a smart tag, a field, a control."""
        for el in parent:
            tag = el.tag
            if tag == _w("r"):
                self.run(el, para, fmt, change)
            elif tag == _w("hyperlink"):
                target = self.rels.get(el.get(f"{{{R}}}id", ""), ("", ""))[1]
                href = target if re.match(r"(?i)^(https?|mailto):", target) else None
                if href is None and el.get(_w("anchor")):
                    para.extra += ("a link inside the document",)
                self.content(el, para, replace(fmt, href=href or fmt.href), change)
            elif tag in (_w("ins"), _w("moveTo")):
                self.content(el, para, fmt, self.revision(el, "insertion"))
            elif tag in (_w("del"), _w("moveFrom")):
                self.content(el, para, fmt, self.revision(el, "deletion"))
            elif tag == _w("fldSimple"):
                link = _LINK.match(el.get(_w("instr"), ""))
                self.content(el, para, replace(fmt, href=link.group(1)) if link else fmt, change)
            elif tag in (_w("smartTag"), _w("customXml"), _w("dir"), _w("bdo")):
                self.content(el, para, fmt, change)
            elif tag == _w("sdt"):
                inner = el.find(_w("sdtContent"))
                if inner is not None:
                    self.content(inner, para, fmt, change)
            elif tag in (_w("bookmarkStart"), _w("bookmarkEnd"), _w("commentRangeStart"), _w("commentRangeEnd")):
                marker = self.marker(el)
                if marker is not None:
                    para.pieces.append(marker)
            elif tag in (_w("oMath"), _w("oMathPara")):
                para.extra += ("an equation",)

    def run(self, r: etree._Element, para: Para, fmt: Piece, change: Revision | None) -> None:
        r_pr = r.find(_w("rPr"))
        piece = self.formatted(r_pr, fmt, para)
        for el in r:
            tag = el.tag
            if tag in (_w("t"), _w("delText")):
                self.text(para, piece, el.text or "", change)
            elif tag in (_w("br"), _w("cr")):
                if el.get(_w("type")) == "page":
                    para.extra += ("a page break",)
                else:
                    self.text(para, piece, "\n", change)
            elif tag == _w("tab"):
                self.text(para, piece, "\t", change)
            elif tag == _w("noBreakHyphen"):
                self.text(para, piece, "\u2011", change)
            elif tag == _w("sym"):
                para.extra += ("a symbol",)
            elif tag in (_w("drawing"), _w("pict"), _w("object")):
                para.extra += ("an image or drawing",)
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                para.extra += ("a footnote",)
            elif tag == _w("fldChar"):
                kind = el.get(_w("fldCharType"))
                if kind == "begin":
                    self.field.append({"instr": "", "href": None})
                elif kind == "separate" and self.field:
                    link = _LINK.match(self.field[-1]["instr"] or "")
                    self.field[-1]["href"] = link.group(1) if link else None
                elif kind == "end" and self.field:
                    self.field.pop()
            elif tag in (_w("instrText"), _w("delInstrText")) and self.field:
                self.field[-1]["instr"] = (self.field[-1]["instr"] or "") + (el.text or "")

    def text(self, para: Para, piece: Piece, text: str, change: Revision | None) -> None:
        if self.field:
            href = self.field[-1]["href"]
            if href is not None:
                piece = replace(piece, href=href)
        para.pieces.append(replace(piece, text=text, change=change))

    def formatted(self, r_pr: etree._Element | None, fmt: Piece, para: Para) -> Piece:
        if r_pr is None:
            return fmt
        bold = _on(r_pr.find(_w("b"))) if r_pr.find(_w("b")) is not None else fmt.bold
        italic = _on(r_pr.find(_w("i"))) if r_pr.find(_w("i")) is not None else fmt.italic
        code = fmt.code
        extra = list(fmt.extra)
        fonts = r_pr.find(_w("rFonts"))
        if fonts is not None:
            name = fonts.get(_w("ascii")) or fonts.get(_w("hAnsi")) or ""
            if name.lower() in _MONOSPACE:
                code = True
            elif name:
                self.fonts.add(name)
        style = r_pr.find(_w("rStyle"))
        linked = style is not None and "hyperlink" in style.get(_w("val"), "").lower()
        colour = r_pr.find(_w("color"))
        if colour is not None and colour.get(_w("val"), "auto") not in ("auto", "000000") and not linked:
            extra.append("colour")
        if r_pr.find(_w("highlight")) is not None or _shaded(r_pr):
            extra.append("highlighting")
        underline = r_pr.find(_w("u"))
        if underline is not None and underline.get(_w("val"), "single") != "none" and not linked and not fmt.href:
            extra.append("underline")
        if _on(r_pr.find(_w("strike"))) or _on(r_pr.find(_w("dstrike"))):
            extra.append("strikethrough")
        if r_pr.find(_w("sz")) is not None:
            extra.append("font size")
        vert = r_pr.find(_w("vertAlign"))
        if vert is not None and vert.get(_w("val")) in ("superscript", "subscript"):
            extra.append(vert.get(_w("val"), ""))
        if _on(r_pr.find(_w("caps"))) or _on(r_pr.find(_w("smallCaps"))):
            extra.append("capitals")
        old = None
        change = r_pr.find(_w("rPrChange"))
        if change is not None:
            before = change.find(_w("rPr"))
            old = (_on(before.find(_w("b"))), _on(before.find(_w("i")))) if before is not None else (False, False)
        return replace(fmt, bold=bold, italic=italic, code=code, extra=tuple(dict.fromkeys(extra)), old_format=old)


def _shaded(r_pr: etree._Element) -> bool:
    shading = r_pr.find(_w("shd"))
    return shading is not None and shading.get(_w("fill"), "auto") not in ("auto", "FFFFFF")


# -- resolving tracked changes ----------------------------------------------------------------------

Mode = Literal["accept", "reject"]


def resolved(paragraphs: Iterable[Para], mode: Mode) -> list[Para]:
    """The paragraphs as Word shows them once every tracked change is accepted (or rejected): text
    inserted kept (dropped), deleted dropped (kept), paragraphs whose mark was deleted (inserted)
    joined to the next, rows deleted (inserted) gone, formatting as changed (as before)."""
    out: list[Para] = []
    carry: list[Piece] = []  # the pieces of a paragraph joined to the next
    for para in paragraphs:
        gone = "row deleted" if mode == "accept" else "row inserted"
        if para.row_change is not None and para.row_change.kind == gone:
            carry += [p for p in para.pieces if p.marker is not None]  # markers survive, text does not
            continue
        pieces = carry + [_resolve(p, mode) for p in para.pieces if _kept(p, mode)]
        carry = []
        joined = para.mark is not None and para.mark.kind == (
            "paragraph deleted" if mode == "accept" else "paragraph inserted"
        )
        if joined:
            carry = pieces
            continue
        out.append(replace(para, pieces=pieces, mark=None, row_change=None))
    if carry:
        out.append(Para(pieces=carry))
    return out


def _kept(piece: Piece, mode: Mode) -> bool:
    if piece.change is None or piece.marker is not None:
        return True
    return piece.change.kind == ("insertion" if mode == "accept" else "deletion")


def _resolve(piece: Piece, mode: Mode) -> Piece:
    if mode == "reject" and piece.old_format is not None:
        return replace(piece, bold=piece.old_format[0], italic=piece.old_format[1], old_format=None, change=None)
    return replace(piece, change=None, old_format=None)


def body_text(package: Package, mode: Mode = "accept") -> list[str]:
    """The text of the body's paragraphs as Word shows them with every change accepted (or rejected),
    spaces collapsed, empty paragraphs left out: what two versions of a letter are compared by."""
    texts = (re.sub(r"\s+", " ", p.text()).strip() for p in resolved(package.paragraphs, mode))
    return [t for t in texts if t]


def changes(paragraphs: Iterable[Para]) -> list[tuple[Revision, str, int]]:
    """Each pending tracked change once, with the text it inserts or deletes and its paragraph's index."""
    found: dict[int, tuple[Revision, list[str], int]] = {}
    for index, para in enumerate(paragraphs):
        for rev in (para.mark, para.row_change):
            if rev is not None and rev.key not in found:
                found[rev.key] = (rev, [para.text()[:60]], index)
        for piece in para.pieces:
            if piece.change is not None:
                found.setdefault(piece.change.key, (piece.change, [], index))[1].append(piece.text)
            elif piece.old_format is not None and piece.marker is None:
                key = -index - 1  # a paragraph's formatting changes, once
                found.setdefault(key, (Revision("formatting", "", "", key), [], index))[1].append(piece.text)
    return [(rev, "".join(words), index) for rev, words, index in found.values()]


# -- Markdown ---------------------------------------------------------------------------------------

_ESCAPE = re.compile(r"([\\`*_\[\]<>'\"])")
_LINE_START = re.compile(r"^(\s*)([-+*#>]|\d+[.)]|=+\s*$)")


def escape_markdown(text: str) -> str:
    """`text` as Markdown that prints exactly `text` (a straight quote stays straight)."""
    out = _ESCAPE.sub(r"\\\1", text)
    out = re.sub(r"^(\d+)([.)])", r"\1\\\2", out)
    return re.sub(r"^([-+#>=])", r"\\\1", out)


def inline_markdown(pieces: Iterable[Piece], *, plain: bool = False) -> str:
    """Runs as one line of inline Markdown: bold, italic, code, links; `plain` gives the text alone."""
    items = [p for p in pieces if p.marker is None and p.text]
    if plain:
        return _tidy("".join(" " if p.text in ("\n", "\t") else p.text for p in items))
    out: list[str] = []
    i = 0
    while i < len(items):
        href = items[i].href
        j = i
        while j < len(items) and items[j].href == href:
            j += 1
        inner = _formatted(items[i:j])
        if href and inner.strip():
            lead, core, trail = _spaces(inner)
            out.append(f"{lead}[{core}]({href.replace(')', '%29').replace(' ', '%20')}){trail}")
        else:
            out.append(inner)
        i = j
    return _tidy("".join(out))


def _formatted(items: list[Piece]) -> str:
    out: list[str] = []
    groups: list[tuple[tuple[bool, bool, bool], str]] = []
    for p in items:
        key = (p.bold, p.italic, p.code)
        text = "\\\n" if p.text == "\n" else " " if p.text == "\t" else p.text
        if groups and groups[-1][0] == key:
            groups[-1] = (key, groups[-1][1] + text)
        else:
            groups.append((key, text))
    for (bold, italic, code), text in groups:
        if code:
            lead, core, trail = _spaces(text)
            ticks = "``" if "`" in core else "`"
            out.append(f"{lead}{ticks}{core}{ticks}{trail}" if core else text)
            continue
        escaped = "\\\n".join(_ESCAPE.sub(r"\\\1", part) for part in text.split("\\\n"))
        lead, core, trail = _spaces(escaped)
        mark = "***" if bold and italic else "**" if bold else "*" if italic else ""
        out.append(f"{lead}{mark}{core}{mark}{trail}" if mark and core else escaped)
    return "".join(out)


def _spaces(text: str) -> tuple[str, str, str]:
    core = text.strip(" ")
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _tidy(text: str) -> str:
    return re.sub(r"[ \u00a0]{2,}", " ", text).strip()


def block_markdown(paragraphs: list[list[Piece]], kinds: list[tuple[str | None, int]]) -> str:
    """Paragraphs (their pieces) and their list kinds as block Markdown: paragraphs, `- ` and `1. ` lists."""
    out: list[str] = []
    previous: str | None = None
    numbers: dict[int, int] = {}
    parent_width = 2
    for pieces, (kind, level) in zip(paragraphs, kinds, strict=True):
        text = inline_markdown(pieces)
        if not text:
            continue
        if kind is None:
            line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)
            out.append(("\n\n" if out else "") + line)
            previous, numbers = None, {}
            continue
        level = min(level, 1)
        if level == 0:
            numbers = {0: numbers.get(0, 0)} if previous == kind else {}
        key = level
        numbers[key] = numbers.get(key, 0) + 1
        marker = "-" if kind == "bullet" else f"{numbers[key]}."
        if level == 0:
            parent_width = len(marker) + 1
        indent = " " * parent_width if level else ""
        separator = "\n\n" if out and (previous is None or (level == 0 and previous != kind)) else "\n" if out else ""
        out.append(f"{separator}{indent}{marker} {text}")
        if level == 0:
            previous = kind
    return "".join(out)
