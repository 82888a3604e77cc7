"""The project's own base document for Word versions, built from the house style.

python-docx's default template brings Word 2010's look (a 26 pt blue Title, blue
headings, accent-coloured table styles), a blank thumbnail and an app.xml claiming
"Microsoft Macintosh Word". Here its styles and numbering are replaced by ones made
from `HouseStyle`, its page furniture parts are dropped or rewritten truthfully, and
the result is cached as bytes per style: every letter starts from a copy.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import quoteattr

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from jtai_letters import __version__, patches
from jtai_letters.letter.style import LAYOUT, PAGE_NUMBER, HouseStyle
from jtai_letters.spec.vocabulary import DEFAULT_LANGUAGE

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
APPLICATION = f"jtai-letters/{__version__}"

# Word style names -> style ids, for every style the base document defines.
STYLE_IDS = {
    "Normal": "Normal",
    "Title": "Title",
    "Heading 1": "Heading1",
    "Heading 2": "Heading2",
    "Heading 3": "Heading3",
    "List Bullet": "ListBullet",
    "List Bullet 2": "ListBullet2",
    "List Number": "ListNumber",
    "List Number 2": "ListNumber2",
    "Quote": "Quote",
    "Caption": "Caption",
    "Header": "Header",
    "Footer": "Footer",
    "Office Name": "OfficeName",
    "Address": "Address",
    "Date": "Date",
    "Signature": "Signature",
    "Table Text": "TableText",
    "Table Heading": "TableHeading",
    "Table Grid": "TableGrid",
    "Hyperlink": "Hyperlink",
}
# HTML heading -> Word style: the letter's one <h1> is the document's Title.
HEADINGS = {
    "h1": ("Title", "title"),
    "h2": ("Heading 1", "heading1"),
    "h3": ("Heading 2", "heading2"),
    "h4": ("Heading 3", "heading3"),
}
"""HTML heading -> (Word style, the `HouseStyle` field with its size and spacing)."""
BULLETS_NUM_ID = 1  # the one list of bullets every <ul> uses
NUMBERS_ABSTRACT_ID = 1  # every <ol> gets its own w:num over this, so each starts at 1
NUMBERS_NUM_ID = 2  # the numbering the List Number style names, for editors in Word
LIST_LEVELS = 2  # top-level lists and one level nested in them


def twips(points: float) -> int:
    """Points -> twentieths of a point, Word's unit for spacing and indents."""
    return round(points * 20)


def half_points(points: float) -> int:
    """Points -> half points, Word's unit for font sizes."""
    return round(points * 2)


def colour(hex_colour: str) -> str:
    """'#1d4e89' -> '1D4E89', as Word writes colours."""
    return hex_colour.lstrip("#").upper()


def _rpr(style: HouseStyle, size: float, *, bold: bool = False, italic: bool = False, col: str | None = None) -> str:
    font = quoteattr(style.word_font)
    parts = [f"<w:rFonts w:ascii={font} w:hAnsi={font} w:cs={font} w:eastAsia={font}/>"]
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if col:
        parts.append(f'<w:color w:val="{colour(col)}"/>')
    parts.append(f'<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def _spacing(before: float, after: float, size: float, line_height: float) -> str:
    # "At least" the CSS line height: a line as tall as the PDF's, growing for a picture.
    line = twips(size * line_height)
    return f'<w:spacing w:before="{twips(before)}" w:after="{twips(after)}" w:line="{line}" w:lineRule="atLeast"/>'


def _paragraph_style(
    style: HouseStyle,
    name: str,
    *,
    size: float,
    before: float = 0,
    after: float = 0,
    line_height: float | None = None,
    bold: bool = False,
    italic: bool = False,
    col: str | None = None,
    keep_next: bool = False,
    keep_lines: bool = False,
    numbering: str = "",
    indent: str = "",
    right: bool = False,
    based_on: str | None = "Normal",
    outline: int | None = None,
    no_hyphens: bool = False,
) -> str:
    # Word reads a pPr's children only in the schema's order.
    ppr = "".join(
        [
            "<w:keepNext/>" if keep_next else "",
            "<w:keepLines/>" if keep_lines else "",
            numbering,
            "<w:suppressAutoHyphens/>" if no_hyphens else "",
            _spacing(before, after, size, line_height or style.line_height),
            indent,
            '<w:jc w:val="right"/>' if right else "",
            f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "",
        ]
    )
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    default = ' w:default="1"' if name == "Normal" else ""
    return (
        f'<w:style w:type="paragraph"{default} w:styleId="{STYLE_IDS[name]}"><w:name w:val="{_internal(name)}"/>{based}'
        f"<w:qFormat/><w:pPr>{ppr}</w:pPr>{_rpr(style, size, bold=bold, italic=italic, col=col)}</w:style>"
    )


def _internal(name: str) -> str:
    # Word stores its built-in headings, caption, header and footer names in lower case.
    return name.lower() if name.startswith(("Heading", "Caption", "Header", "Footer")) else name


def _list_indent(level: int, style: HouseStyle) -> str:
    left = twips(style.list_indent * (level + 1))
    return f'<w:ind w:left="{left}" w:hanging="{twips(style.list_indent * 2 / 3)}"/>'


def styles_xml(style: HouseStyle, language: str = DEFAULT_LANGUAGE) -> str:
    """styles.xml: Normal, Title, Heading 1-3, lists, Quote, Caption, Header/Footer, table styles;
    `language` (the letter's first) is every run's unless the run says otherwise."""
    body, text = style.body_size, style.text_colour
    heading, signed = LAYOUT["heading"], LAYOUT["sign-off"]
    styles = [
        # Word hyphenates only where the house style does (`Behaviour.hyphenate`): every style suppresses
        # it, from Normal, and those paragraphs turn it back on.
        _paragraph_style(
            style,
            "Normal",
            size=body,
            after=style.paragraph_after,
            col=text,
            based_on=None,
            no_hyphens=any(b.hyphenate for b in LAYOUT.values()),
        ),
    ]
    for level, (name, field) in enumerate(HEADINGS.values()):
        size, before, after = getattr(style, field)
        outline = None if name == "Title" else level - 1
        styles.append(
            _paragraph_style(
                style,
                name,
                size=size,
                before=before,
                after=after,
                outline=outline,
                keep_next=heading.keep_with_next,  # a heading never ends a page, as the PDF's
                keep_lines=heading.keep_together,
                bold=bool(heading.bold),
                col=style.heading_colour,
                line_height=style.heading_line_height,
            )
        )
    for kind, num_id in (("Bullet", BULLETS_NUM_ID), ("Number", NUMBERS_NUM_ID)):
        for level in range(LIST_LEVELS):
            name = f"List {kind}" + (f" {level + 1}" if level else "")
            numbering = f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
            styles.append(
                _paragraph_style(
                    style,
                    name,
                    size=body,
                    after=style.list_item_after,
                    numbering=numbering,
                    indent=_list_indent(level, style),
                )
            )
    styles += [
        _paragraph_style(
            style,
            "Quote",
            size=body,
            after=style.paragraph_after,
            italic=bool(LAYOUT["quote"].italic),
            indent=f'<w:ind w:left="{twips(style.quote_indent)}"/>',
        ),
        _paragraph_style(
            style, "Caption", size=style.table_size, after=style.paragraph_after, italic=bool(LAYOUT["caption"].italic)
        ),
        _paragraph_style(style, "Header", size=body),
        _paragraph_style(
            style, "Footer", size=style.footer_size, col=style.footer_colour, right=PAGE_NUMBER.align == "right"
        ),
        _paragraph_style(
            style,
            "Office Name",
            size=style.office_name_size,
            after=style.office_name_after,
            bold=bool(LAYOUT["office-name"].bold),
        ),
        _paragraph_style(style, "Address", size=style.address_size, italic=bool(LAYOUT["address"].italic)),
        _paragraph_style(style, "Date", size=body, after=style.paragraph_after, right=LAYOUT["date"].align == "right"),
        # The sign-off's last paragraph: kept whole, as the PDF keeps the sign-off (its others keep with the next).
        _paragraph_style(style, "Signature", size=body, before=style.signature_before, keep_lines=signed.keep_together),
        _paragraph_style(style, "Table Text", size=style.table_size),
        _paragraph_style(
            style,
            "Table Heading",
            size=style.table_size,
            bold=bool(LAYOUT["table-heading"].bold),
            based_on="TableText",
        ),
    ]
    line = f'w:sz="{round(style.table_border * 8)}" w:color="{colour(style.table_border_colour)}"'
    border = f'w:val="single" {line} w:space="0"'
    v, h = twips(style.cell_padding_vertical), twips(style.cell_padding_horizontal)
    styles.append(
        f'<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr>'
        f"<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>"
        f"<w:insideH {border}/><w:insideV {border}/></w:tblBorders>"
        f'<w:tblCellMar><w:top w:w="{v}" w:type="dxa"/><w:left w:w="{h}" w:type="dxa"/>'
        f'<w:bottom w:w="{v}" w:type="dxa"/><w:right w:w="{h}" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr></w:style>"
    )
    styles.append(
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        f'<w:rPr><w:color w:val="{colour(style.link_colour)}"/><w:u w:val="single"/></w:rPr></w:style>'
    )
    font = quoteattr(style.word_font)
    defaults = (
        f"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii={font} w:hAnsi={font} w:cs={font} w:eastAsia={font}/>"
        f'<w:sz w:val="{half_points(body)}"/><w:szCs w:val="{half_points(body)}"/>'
        f"<w:lang w:val={quoteattr(language)}/></w:rPr>"
        "</w:rPrDefault><w:pPrDefault/></w:docDefaults>"
    )
    return f'<w:styles xmlns:w="{_W}">{defaults}{"".join(styles)}</w:styles>'


def numbering_xml(style: HouseStyle) -> str:
    """numbering.xml: bullets (• then ◦, as the PDF's) and decimal numbers, two levels each."""

    def levels(formats: list[tuple[str, str]]) -> str:
        return "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
            f'<w:lvlJc w:val="left"/><w:pPr>{_list_indent(i, style)}</w:pPr></w:lvl>'
            for i, (fmt, text) in enumerate(formats)
        )

    bullets = levels([("bullet", "•"), ("bullet", "◦")])
    numbers = levels([("decimal", "%1."), ("decimal", "%2.")])
    return (
        f'<w:numbering xmlns:w="{_W}">'
        f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>{bullets}</w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="{NUMBERS_ABSTRACT_ID}"><w:multiLevelType w:val="hybridMultilevel"/>'
        f"{numbers}</w:abstractNum>"
        f'<w:num w:numId="{BULLETS_NUM_ID}"><w:abstractNumId w:val="0"/></w:num>'
        f'<w:num w:numId="{NUMBERS_NUM_ID}"><w:abstractNumId w:val="{NUMBERS_ABSTRACT_ID}"/></w:num>'
        "</w:numbering>"
    )


def app_xml() -> bytes:
    """docProps/app.xml naming this tool; no page, word or line counts that would be wrong."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity></Properties>"
    ).encode()


_DROPPED = {RT.THUMBNAIL, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects", RT.CUSTOM_XML}


def _drop_parts(document: Document) -> None:
    # The blank thumbnail, a second copy of the default styles, and bibliography data.
    for rels in (document.part.package.rels, document.part.rels):
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype in _DROPPED]:
            rels.pop(r_id)


def _settings(document: Document, language: str) -> None:
    settings = document.settings.element
    for name in ("w:savePreviewPicture", "w:rsids"):
        for el in settings.findall(qn(name)):
            settings.remove(el)
    for compat in settings.iter(qn("w:compatSetting")):
        if compat.get(qn("w:name")) == "compatibilityMode":
            compat.set(qn("w:val"), "15")  # Word 2013+: a table's border, not its text, sits on the margin
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), language)


def _page(document: Document, style: HouseStyle) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(style.page_width_mm), Mm(style.page_height_mm)
    section.left_margin, section.right_margin = Mm(style.margin_left_mm), Mm(style.margin_right_mm)
    section.top_margin, section.bottom_margin = Mm(style.margin_top_mm), Mm(style.margin_bottom_mm)
    # The letterhead starts where the PDF's does, at the top margin; the page number sits
    # in the middle of the bottom margin, as the PDF's margin box centres it.
    section.header_distance = Mm(style.margin_top_mm)
    footer_line = Pt(style.footer_size * style.line_height)
    section.footer_distance = Mm(style.margin_bottom_mm / 2) - footer_line // 2


@lru_cache(maxsize=16)
def base_document(style: HouseStyle, language: str = DEFAULT_LANGUAGE) -> bytes:
    """An empty DOCX in the house style and `language`: styles, numbering, page, settings, truthful app.xml."""
    document = docx.Document()
    _drop_parts(document)
    for reltype, xml in ((RT.STYLES, styles_xml(style, language)), (RT.NUMBERING, numbering_xml(style))):
        part: Any = document.part.part_related_by(reltype)  # an XmlPart: its element is replaced
        patches.set_docx_part_element(part, parse_xml(xml))
    _settings(document, language)
    _page(document, style)
    app = document.part.package.part_related_by(RT.EXTENDED_PROPERTIES)
    patches.set_docx_part_blob(app, app_xml())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def new_document(style: HouseStyle, language: str = DEFAULT_LANGUAGE) -> Document:
    """A fresh document to write a letter into, from the cached base."""
    return docx.Document(io.BytesIO(base_document(style, language)))
