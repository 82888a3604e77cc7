"""The house style: every size, colour, font, spacing, margin and image size, stated once,
and how each element sits on the page (`LAYOUT`: what keeps with the next, repeats, never
splits, starts a page, is aligned or emphasised).

Both formats read it. The PDF gets it as CSS custom properties (`stylesheet()`), which
`templates/letter.css` uses through `var()`, and as rules (`behaviour_css()`); the DOCX writer
builds its Word styles, page set-up, pictures and page breaks from the same `HouseStyle` and
`LAYOUT`. An office profile's font and brand colour arrive through `for_office()`, so they
change both formats alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from types import MappingProxyType

from jtai_letters.letter.labels import LABELS, pieces

# The open fonts the PDF is set in, each with the font every Windows PC has in the same
# metrics (Word versions use it, so lines break in the same places).
WORD_FONTS = {"Liberation Sans": "Arial", "Liberation Serif": "Times New Roman", "DejaVu Sans": "Verdana"}
# The names people write in `font:`, mapped to the open font the PDF uses.
FONT_ALIASES = {word: open_font for open_font, word in WORD_FONTS.items()}


def open_font(name: str) -> str:
    """The open font for a name an office may write (`Arial` -> `Liberation Sans`).

    >>> open_font("Times New Roman")
    'Liberation Serif'
    >>> open_font("DejaVu Sans")
    'DejaVu Sans'
    """
    return FONT_ALIASES.get(name, name)


@dataclass(frozen=True)
class HouseStyle:
    """The letter's look. Sizes in points unless the name says mm; colours as #RRGGBB."""

    font: str = "Liberation Sans"
    text_colour: str = "#111111"
    heading_colour: str = "#111111"  # an office's brand colour replaces it
    brand: str | None = None  # the office's brand colour itself, as `--brand` for offices' own stylesheets
    rule_colour: str = "#888888"  # the letterhead rule; also the brand colour when there is one
    link_colour: str = "#0B3D91"
    footer_colour: str = "#444444"
    # page
    page_width_mm: float = 210
    page_height_mm: float = 297
    margin_top_mm: float = 22
    margin_right_mm: float = 20
    margin_bottom_mm: float = 24
    margin_left_mm: float = 20
    # text
    body_size: float = 12
    line_height: float = 1.4  # of the font size
    heading_line_height: float = 1.2
    paragraph_after: float = 9
    list_indent: float = 18
    list_item_after: float = 3
    quote_indent: float = 18
    footer_size: float = 10
    # headings: h1 (the title), h2, h3, h4 as (size, space before, space after)
    title: tuple[float, float, float] = (17, 0, 12)
    heading1: tuple[float, float, float] = (14, 18, 8)
    heading2: tuple[float, float, float] = (12.5, 14, 6)
    heading3: tuple[float, float, float] = (12, 12, 6)
    # letterhead and sign-off
    logo_height_mm: float = 18
    logo_after: float = 6
    office_name_size: float = 13
    office_name_after: float = 3
    address_size: float = 10.5
    letterhead_rule: float = 1
    letterhead_padding: float = 8  # between the last line and the rule
    letterhead_after: float = 14
    sign_off_before: float = 18
    signature_height_mm: float = 14
    signature_image_before: float = 12
    signature_before: float = 24  # the name and role, when there is no signature image
    signature_under_image: float = 4  # the name and role, under a signature image
    # tables
    table_size: float = 11
    small_table_size: float = 10  # the progress report's tables, which hold more columns
    table_after: float = 12
    table_border: float = 0.75
    table_border_colour: str = "#666666"
    cell_padding_vertical: float = 4
    cell_padding_horizontal: float = 6
    header_fill: str = "#E8E8E8"
    chart_outline: str = "#444444"  # the outline of the progress report's bars
    # Shares of the text width taken by the columns of an action table (action, owner, due, status).
    action_columns: tuple[float, ...] = (0.44, 0.20, 0.21, 0.15)
    # ... and of a table of graded judgements (area, grade).
    judgement_columns: tuple[float, ...] = (0.68, 0.32)
    # a bilingual letter side by side: the space each column keeps on its side of the middle
    column_gap: float = 7

    @property
    def text_width_mm(self) -> float:
        """The width between the left and right margins."""
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm

    def for_office(self, font: str, brand_colour: str | None) -> HouseStyle:
        """This style with an office's font and brand colour (headings and the letterhead rule)."""
        style = replace(self, font=open_font(font))
        if brand_colour:
            colour = brand_colour.upper()
            style = replace(style, heading_colour=colour, rule_colour=colour, brand=colour)
        return style

    @property
    def word_font(self) -> str:
        """The font Word versions name: the metric twin of the PDF's font."""
        return WORD_FONTS.get(self.font, self.font)


HOUSE_STYLE = HouseStyle()
"""The project's style; `for_office()` applies an office's choices. Never swapped: a letter carries
the style it prints in (`RenderedLetter.house`), so another style is per letter, not per process."""


def office_style(
    font: str, brand_colour: str | None, house: HouseStyle = HOUSE_STYLE, *, landscape: bool = False
) -> HouseStyle:
    """The house style (`house`, by default the project's) as one office prints it; `landscape` turns
    the page and sets its tables at the smaller table size (the progress report's wide tables), in
    every format alike."""
    style = house.for_office(font, brand_colour)
    if landscape:
        style = replace(
            style,
            page_width_mm=style.page_height_mm,
            page_height_mm=style.page_width_mm,
            table_size=style.small_table_size,
        )
    return style


_HEADINGS = {"title": "h1", "heading1": "h2", "heading2": "h3", "heading3": "h4"}


def _unit(name: str) -> str:
    return "" if "line_height" in name else "mm" if name.endswith("_mm") else "pt"


def _properties(style: HouseStyle) -> list[str]:
    lines = []
    for f in fields(style):
        value = getattr(style, f.name)
        name = "--" + f.name.removesuffix("_mm").replace("_", "-")
        if value is None:
            continue  # no brand colour: `var(--brand, fallback)` in an office's sheet keeps its fallback
        if f.name in _HEADINGS:
            tag = _HEADINGS[f.name]
            size, before, after = value
            lines += [f"--{tag}-size: {size}pt;", f"--{tag}-before: {before}pt;", f"--{tag}-after: {after}pt;"]
        elif f.name.endswith("_columns"):
            kind = f.name.removesuffix("_columns")
            lines += [f"--{kind}-column-{i + 1}: {share * 100:g}%;" for i, share in enumerate(value)]
        elif f.name == "font":
            lines.append(f'{name}: "{value}";')
        elif isinstance(value, str):
            lines.append(f"{name}: {value};")
        else:
            lines.append(f"{name}: {value:g}{_unit(f.name)};")
    lines.append(f"--text-width: {style.text_width_mm:g}mm;")
    return lines


def css_content(label: str) -> str:
    """A label as a CSS `content` value of strings and counters.

    >>> css_content("Page {page} of {pages}")
    '"Page " counter(page) " of " counter(pages)'
    """
    return " ".join(
        f"counter({piece})" if kind == "field" else '"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for kind, piece in pieces(label)
    )


@lru_cache(maxsize=32)
def stylesheet(style: HouseStyle = HOUSE_STYLE, page_label: str = LABELS["page_of"]) -> str:
    """The house style as CSS: custom properties for `letter.css`, and the page furniture's words
    (`page_label`: the letter's, in its language or languages).

    Every value comes from the style and the labels (validated, or from the catalogues), never from spec text.
    """
    props = "\n  ".join(_properties(style))
    return (
        f":root {{\n  {props}\n}}\n"
        f'html {{ font-family: "{style.font}", sans-serif; }}\n'
        f"@page {{ {PAGE_NUMBER.selector} {{ content: {css_content(page_label)}; "
        "font-size: var(--footer-size); color: var(--footer-colour); } }\n"
        + ("" if PAGE_NUMBER_ON_FIRST_PAGE else f"@page :first {{ {PAGE_NUMBER.selector} {{ content: none; }} }}\n")
    )


# -- how elements sit on the page ---------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """How the elements a CSS selector names sit on the page and read, in both formats: the PDF and
    web page get it as CSS rules (`behaviour_css()`), the DOCX writer's styles and handlers read the
    same flags. None leaves a property as the format has it."""

    selector: str
    keep_with_next: bool = False  # never ends a page: break-after: avoid; w:keepNext
    keep_together: bool = False  # never split across pages: break-inside: avoid; w:keepLines, w:cantSplit
    keep_with_previous: bool = False  # never starts a page: break-before: avoid; the block before keeps with it
    new_page: bool = False  # starts a new page: break-before: page; w:pageBreakBefore
    repeat: bool = False  # a table's header rows repeat on every page: table-header-group; w:tblHeader
    hyphenate: bool = False  # a word too long for its line breaks at a dictionary point: hyphens: auto; Word's
    # automatic hyphenation (w:autoHyphenation), which every other paragraph suppresses (w:suppressAutoHyphens)
    align: str | None = None  # text-align; w:jc
    italic: bool | None = None  # font-style; w:i
    bold: bool | None = None  # font-weight; w:b

    def css(self) -> str:
        """The rule for the PDF and the web page; empty when the row asks nothing."""
        said = [
            "break-after: avoid; page-break-after: avoid" if self.keep_with_next else "",
            "break-inside: avoid" if self.keep_together else "",
            "break-before: avoid" if self.keep_with_previous else "",
            "break-before: page" if self.new_page else "",
            "display: table-header-group" if self.repeat else "",
            "hyphens: auto; hyphenate-limit-zone: 100%; hyphenate-limit-chars: 10 3 3" if self.hyphenate else "",
            f"text-align: {self.align}" if self.align else "",
            "" if self.italic is None else f"font-style: {'italic' if self.italic else 'normal'}",
            "" if self.bold is None else f"font-weight: {'bold' if self.bold else 'normal'}",
        ]
        declared = "; ".join(s for s in said if s)
        return f"{self.selector} {{ {declared}; }}" if declared else ""


LAYOUT: Mapping[str, Behaviour] = MappingProxyType(
    {
        "heading": Behaviour("h1, h2, h3, h4", keep_with_next=True, keep_together=True, bold=True),
        "quote": Behaviour("blockquote", italic=True),
        "caption": Behaviour("caption", italic=True),
        "address": Behaviour("address", italic=False),
        "office-name": Behaviour(".letterhead .office-name", bold=True),
        "date": Behaviour(".date", align="right"),
        # The signature never stands alone on a last page: it keeps the paragraph before it.
        "sign-off": Behaviour(".sign-off", keep_together=True, keep_with_previous=True),
        # The copies list stays with the signature it follows, never alone on a last page.
        "copies": Behaviour(".sign-off + .copies", keep_with_previous=True),
        # A paragraph leading into a list ("We have already:") never ends a page without the list.
        "lead-in": Behaviour("p:has(+ ul), p:has(+ ol)", keep_with_next=True),
        # A list never leaves its first item alone at the foot of a page, or its last alone at the top
        # of the next: the first item keeps with the second, the last but one with the last.
        "list-start": Behaviour("li:first-child:not(:last-child)", keep_with_next=True),
        "list-end": Behaviour("li:nth-last-child(2)", keep_with_next=True),
        # The report's words an answer quotes (a recommendation, a cause of concern) never end a page
        # without the start of their answer.
        "item-text": Behaviour("blockquote:not(.quote)", keep_with_next=True),
        "table-header": Behaviour("thead", repeat=True),
        "table-row": Behaviour("tr", keep_together=True),
        # The graded judgements are read as one: kept whole on a page where they fit.
        "judgements": Behaviour("table.judgements", keep_together=True),
        "table-heading": Behaviour("th", bold=True),
        # Half a page leaves a table's columns narrow: a word longer than its column breaks where the
        # language's hyphenation dictionary allows (letter/hyphenation.py), with a hyphen.
        "column-table-cell": Behaviour(".language-column th, .language-column td", hyphenate=True),
        # A bilingual letter in two parts: the second from a new page.
        "language-part": Behaviour(".language-part + .language-part", new_page=True),
    }
)
"""Each element's and class's page behaviour, by the name the DOCX writer asks for it."""
PAGE_NUMBER = Behaviour("@bottom-right", align="right")
"""The page number, "Page X of Y", at the foot of the page, right-aligned."""
PAGE_NUMBER_ON_FIRST_PAGE = False  # page 1 carries the letterhead, and no page number


def behaviour_css() -> str:
    """`LAYOUT` as CSS rules, read before the layout's own stylesheets (an office's may override them)."""
    return "".join(f"{rule}\n" for rule in (b.css() for b in LAYOUT.values()) if rule)
