"""The house style: every size, colour, font, spacing, margin and image size, stated once.

Both formats read it. The PDF gets it as CSS custom properties (`stylesheet()`), which
`templates/letter.css` uses through `var()`; the DOCX writer builds its Word styles,
page set-up and pictures from the same `HouseStyle`. An office profile's font and brand
colour arrive through `for_office()`, so they change both formats alike.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache

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
    table_after: float = 12
    table_border: float = 0.75
    table_border_colour: str = "#666666"
    cell_padding_vertical: float = 4
    cell_padding_horizontal: float = 6
    header_fill: str = "#E8E8E8"
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


def office_style(font: str, brand_colour: str | None, house: HouseStyle = HOUSE_STYLE) -> HouseStyle:
    """The house style (`house`, by default the project's) as one office prints it."""
    return house.for_office(font, brand_colour)


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
        f"@page {{ @bottom-right {{ content: {css_content(page_label)}; }} }}\n"
        "@page :first { @bottom-right { content: none; } }\n"
    )
