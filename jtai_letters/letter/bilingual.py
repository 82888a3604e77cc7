"""Two renders of one letter, one per language, combined into the one HTML every format is made from.

The head (title, metadata) and `<html lang>` are the first language's. `parts` sets the
two letters one after the other, each a whole letter in a `div.language-part` with its
`lang`; `columns` sets them side by side section by section: each
`div.language-columns` holds the same section (letterhead, opening, each `h2` section,
sign-off) of both, in `div.language-column`s, first language first. The writers set out
these two structures (CSS in `letter.css`, the DOCX writer's handlers).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
from lxml.html import HtmlElement

from jtai_letters.errors import Problem, TemplateError


def combine(renders: list[tuple[str, str]], layout: str, source: Path) -> str:
    """One HTML document from (BCP 47 tag, HTML) renders of the same letter, first language first."""
    docs = [(tag, lxml.html.document_fromstring(html)) for tag, html in renders]
    first_tag, first = docs[0]
    first.set("lang", first_tag)
    body = first.body
    bodies = [(tag, doc.body) for tag, doc in docs]
    made = _parts(bodies) if layout == "parts" else _columns(bodies, source)
    for child in list(body):
        body.remove(child)
    body.text = "\n"
    for element in made:
        element.tail = "\n"
        body.append(element)
    html: str = lxml.html.tostring(first, encoding="unicode")
    return "<!DOCTYPE html>\n" + html + "\n"


def _div(css_class: str, lang: str | None = None) -> HtmlElement:
    div: HtmlElement = lxml.html.Element("div")
    div.set("class", css_class)
    if lang:
        div.set("lang", lang)
    div.text = "\n"
    return div


def _parts(bodies: list[tuple[str, HtmlElement]]) -> list[HtmlElement]:
    made = []
    for tag, body in bodies:
        part = _div("language-part", tag)
        for child in list(body):
            part.append(child)  # moves it, with its tail
        made.append(part)
    return made


def sections(body: HtmlElement) -> Iterator[tuple[str, list[HtmlElement]]]:
    """A letter's top-level sections: ('letterhead', ...), ('opening', ...), ('h2', ...) for each
    section a second-level heading starts, ('sign-off', ...) from the signature to the end."""
    kind, current = "", list[HtmlElement]()
    for child in body:
        classes = (child.get("class") or "").split()
        starts = (
            "letterhead"
            if "letterhead" in classes
            else "sign-off"
            if "sign-off" in classes
            else "h2"
            if child.tag == "h2" and kind != "sign-off"
            else ""
        )
        if starts or not kind or kind == "letterhead":
            if current:
                yield kind, current
            kind, current = starts or "opening", []
        current.append(child)
    if current:
        yield kind, current


def _columns(bodies: list[tuple[str, HtmlElement]], source: Path) -> list[HtmlElement]:
    split = [(tag, list(sections(body))) for tag, body in bodies]
    shapes = [[kind for kind, _ in found] for _, found in split]
    if any(shape != shapes[0] for shape in shapes):
        message = (
            "the letter's languages do not have the same sections, so they cannot be set side by side "
            f"({' / '.join(', '.join(s) for s in shapes)}); set office.bilingual to parts"
        )
        raise TemplateError(Problem(message, source, field="office.bilingual", rule="template"))
    made = []
    for i in range(len(shapes[0])):
        pair = _div("language-columns")
        for tag, found in split:
            column = _div("language-column", tag)
            for element in found[i][1]:
                column.append(element)
            column.tail = "\n"
            pair.append(column)
        made.append(pair)
    return made
