"""How wide each column of a printed table is: one answer for the Word writer and the PDF writer.

`shares()` gives each column's share of the text width from the table's HTML rows and the house
style: no column narrower than its longest word (measured in the house font, `measure`), the rest
of the width shared by the kind of table (its `class`). The DOCX writer turns the shares into
twips; the PDF writer (`fixed_widths()`) writes them into the HTML it gives WeasyPrint, as
`<col>` widths under `table-layout: fixed`, so the two formats print the same column shapes and
WeasyPrint need not measure every cell's min- and max-content width (a quarter of a progress
report's time in its automatic table layout).

The web page keeps the browser's automatic layout: it reflows down to a 320 px screen, where fixed
shares of a landscape page would not fit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import lxml.html
from lxml.html import HtmlElement

from jtai_letters.letter.style import HouseStyle
from jtai_letters.outputs import measure

MEASURED = ("counts", "by-content")
"""The classes of table whose PDF columns `fixed_widths` sets (the others have fixed shares in the CSS)."""


def shares(
    style: HouseStyle, kind: str | None, rows: Sequence[HtmlElement], text_pt: float, *, half_page: bool = False
) -> tuple[float, ...]:
    """Each column's share (summing to 1) of a table `text_pt` points wide whose rows are `rows`
    (`<tr>` elements), by its `class` (`kind`):

    - `counts` (or any table in half a page, `half_page`, too narrow for fixed shares): every column
      as wide as its longest word, the room left over to the first (the text each row counts);
    - `by-content`: every column as wide as its longest word, the room left over shared in
      proportion to how much text each column holds;
    - `actions`, `judgements`: the house style's shares, a column widened where its longest word
      needs it; any other table: equal shares, widened likewise.

    If even the longest words do not fit, each column has a share in proportion to its need.

    >>> row = lxml.html.fromstring("<table><tr><td>Summary</td><td>1</td></tr></table>").find("tr")
    >>> [round(s, 3) for s in shares(HouseStyle(), "counts", [row], 400)]
    [0.95, 0.05]
    """
    width = max((len(tr) for tr in rows), default=0)
    needs = _needs(style, rows, width, text_pt)
    if sum(needs) >= 1:  # even the longest words do not fit: each column in proportion to its need
        return tuple(need / sum(needs) for need in needs)
    if kind == "counts" or half_page:
        return _by_content(needs)
    if kind == "by-content":
        return _by_text(rows, needs)
    house = {"actions": style.action_columns, "judgements": style.judgement_columns}.get(kind or "")
    return _at_least(house if house and len(house) == width else (1 / width,) * width, needs)


def text_points(style: HouseStyle) -> float:
    """The width between the margins in points, in whole twips as the Word writer holds it, so
    that both writers share a table's columns from the same width."""
    return round(style.text_width_mm * 72 / 25.4 * 20) / 20


def fixed_widths(html: str, style: HouseStyle) -> str:
    """`html` with each `counts` and `by-content` table given its columns' widths (`shares()`)
    as a `<colgroup>` and `table-layout: fixed`, for WeasyPrint; anything else unchanged.

    The widths are for the printed page (the house font, the text width), so the PDF writer adds
    them to the HTML it prints, not the renderer to the HTML every format reads: the web page
    reflows, and the Word writer reads the same rows itself. The tables are found in the text
    and the widths inserted there, the rest of the HTML left byte for byte as it was (a letter
    without such tables prints as before). A table left as it was keeps the automatic layout:
    one in half a page (`.language-column`, whose CSS sizes it by content), one with its own
    `style`, `<col>`s or merged cells, or any where the text's tables and the parsed ones
    do not pair up (a `<table` inside a `<style>`, say).
    """
    if not any(f'class="{kind}"' in html for kind in MEASURED):
        return html  # no table to size: not even parsed
    tables = list(lxml.html.document_fromstring(html).iter("table"))
    tags = [m for m in _TABLE_TAG.finditer(html) if m.group("tag")]
    if len(tags) != len(tables):
        return html
    text_pt = text_points(style)
    out, at = [], 0
    for tag, table in zip(tags, tables, strict=True):
        rows = _rows(table)
        if not rows or "style" in table.attrib:
            continue
        percents = [round(share * 100, 4) for share in shares(style, table.get("class"), rows, text_pt)]
        percents[-1] = round(100 - sum(percents[:-1]), 4)  # exactly the table's width, whatever the rounding
        cols = "".join(f'<col style="width: {p:.4f}%">' for p in percents)
        out += [html[at : tag.end("name")], ' style="table-layout: fixed"', html[tag.end("name") : tag.end()]]
        out.append(f"<colgroup>{cols}</colgroup>")
        at = tag.end()
    return "".join([*out, html[at:]])


# A comment (which may hold "<table") or a table's start tag, in the order the parser meets them.
_TABLE_TAG = re.compile(r"<!--.*?-->|(?P<tag><(?P<name>table)\b[^>]*>)", re.S | re.I)


def _rows(table: HtmlElement) -> list[HtmlElement] | None:
    """The rows of a table `fixed_widths` may size (as the DOCX writer reads them: `<thead>`,
    `<tbody>`, `<tr>`, a `<caption>`), or None for one it leaves to the automatic layout."""
    if table.get("class") not in MEASURED:
        return None
    if any("language-column" in (up.get("class") or "").split() for up in table.iterancestors()):
        return None
    rows: list[HtmlElement] = []
    for part in table:
        if part.tag in ("thead", "tbody"):
            rows += [tr for tr in part if tr.tag == "tr"]
        elif part.tag == "tr":
            rows.append(part)
        elif part.tag != "caption":
            return None  # a <colgroup> of its own, a <tfoot>: the template's to lay out
    cells = [cell for tr in rows for cell in tr]
    if not cells or any(cell.tag not in ("td", "th") or cell.get("colspan") or cell.get("rowspan") for cell in cells):
        return None
    return rows


def _needs(style: HouseStyle, rows: Sequence[HtmlElement], width: int, text_pt: float) -> tuple[float, ...]:
    """The share of the table's width (`text_pt` points) each column needs so that its longest word
    fits on one line: the word measured in the house font at the table's size, bold where it prints
    bold (a heading cell, `<strong>`), with the cell's margins and border and a point to spare.
    A web or e-mail address is left out: it breaks at its slashes and dots, as in the PDF."""
    longest = [0.0] * width
    for tr in rows:
        for i, cell in enumerate(tr):
            for word, bold in _words(cell, bold=cell.tag == "th"):
                if "/" not in word and "@" not in word:
                    longest[i] = max(longest[i], measure.word_width(word, style.font, style.table_size, bold=bold))
    padding = 2 * style.cell_padding_horizontal + style.table_border + 1
    return tuple((n + padding) / text_pt for n in longest)


def _words(el: HtmlElement, *, bold: bool) -> list[tuple[str, bool]]:
    """The words of `el` in reading order, each with whether it prints bold; a word in two runs
    (`<strong>R</strong>1`) is measured as one, in the boldness of its longer part."""
    pieces: list[tuple[str, bool]] = []

    def walk(node: HtmlElement, bold: bool) -> None:
        bold = bold or node.tag in ("strong", "b", "th")
        pieces.append((node.text or "", bold))
        for child in node:
            if isinstance(child.tag, str):
                walk(child, bold)
            pieces.append((child.tail or "", bold))

    walk(el, bold)
    words: list[tuple[str, bool]] = []
    word, bold_chars = "", 0
    for text, is_bold in pieces:
        for part in re.split(r"(\s+)", text):
            if part and part.isspace():
                if word:
                    words.append((word, 2 * bold_chars >= len(word)))
                word, bold_chars = "", 0
            elif part:
                word += part
                bold_chars += len(part) if is_bold else 0
    if word:
        words.append((word, 2 * bold_chars >= len(word)))
    return words


def _at_least(shares: tuple[float, ...], needs: tuple[float, ...]) -> tuple[float, ...]:
    """`shares` (summing to 1) with every column widened to what its longest word needs, the room
    taken from the other columns in proportion to what each has to spare (the needs fit: `shares`).

    >>> _at_least((0.5, 0.5), (0.1, 0.1))
    (0.5, 0.5)
    >>> [round(s, 3) for s in _at_least((0.6, 0.2, 0.2), (0.1, 0.3, 0.1))]
    [0.517, 0.3, 0.183]
    """
    short = sum(need - share for share, need in zip(shares, needs, strict=True) if share < need)
    spare = sum(share - need for share, need in zip(shares, needs, strict=True) if share >= need)
    if not short:
        return shares
    keep = 1 - short / spare
    return tuple(
        need if share < need else need + (share - need) * keep for share, need in zip(shares, needs, strict=True)
    )


def _by_content(needs: tuple[float, ...]) -> tuple[float, ...]:
    """Shares of a table of counts: every column as wide as its longest word, the room left over to
    the first (the text each row counts); the needs fit (`shares`)."""
    return (1 - sum(needs[1:]), *needs[1:])


def _by_text(rows: Sequence[HtmlElement], needs: tuple[float, ...]) -> tuple[float, ...]:
    """Shares of a table of text: every column at least as wide as its longest word (no word
    broken), the room left over shared in proportion to how much text each column holds; the needs
    fit (`shares`)."""
    text = [1] * len(needs)
    for tr in rows:
        for i, cell in enumerate(tr):
            text[i] += min(len(cell.text_content()), 400)
    left = 1 - sum(needs)
    return tuple(need + left * t / sum(text) for need, t in zip(needs, text, strict=True))
