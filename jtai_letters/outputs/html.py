"""Rendered HTML letter -> one self-contained web page (bytes), for an office's website.

The page is the same semantic HTML the PDF and DOCX are made from, with the letter
inside `<main>`, the house style inlined (the layout's stylesheets plus `web.css`
for screens), the images embedded as `data:` URIs and a Content-Security-Policy
that lets nothing load or run. The letter inside `<main>` reads correctly without
any of the styles, so it can be pasted into a content management system.
"""

from __future__ import annotations

import base64
import re
from importlib.resources import files
from pathlib import Path

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from jtai_letters.errors import OutputError, Problem
from jtai_letters.letter.assets import read_asset
from jtai_letters.letter.render import RenderedLetter, unanchored
from jtai_letters.letter.style import behaviour_css, stylesheet

# The page stands alone: images are inside it, styles inline, and nothing may run or load.
PAGE_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
# A stylesheet that loads anything (another sheet, a font, an image) would not stand alone.
_LOADS = re.compile(r"@import|url\(\s*['\"]?(?!data:)", re.I)
WEB_CSS = files(__package__).joinpath("web.css").read_text(encoding="utf-8")
"""Screen-only rules (width, margins, narrow screens); the printed look comes from the layout's sheets."""


def write(letter: RenderedLetter) -> bytes:
    """The letter as an accessible HTML page (UTF-8 bytes). Deterministic: same letter, same bytes."""
    try:
        root = lxml.html.document_fromstring(letter.html if letter.spec_paths else unanchored(letter.html))
        # (the anchors are for the DOCX, and for the editor's letter pane)
    except lxml.etree.ParserError as e:  # a layout that printed only a comment, say
        raise OutputError(Problem(f"web page not written: the layout made no document ({e})", letter.source)) from None
    head, body = root.find("head"), root.find("body")
    if head is None or body is None:  # lxml always makes both; a guard for mypy and odd templates
        raise OutputError(Problem("web page not written: the layout made no <head> and <body>", letter.source))
    _refuse_active_content(root, letter)
    _embed_images(body, letter)
    _wrap_in_main(body)
    charset = head.find("meta[@charset]")
    if charset is None:
        charset = _element("meta", charset="utf-8")
        head.insert(0, charset)
    after = head.index(charset) + 1  # the charset stays first, as browsers look for it there
    head.insert(after, _element("meta", name="viewport", content="width=device-width, initial-scale=1"))
    head.insert(after, _element("meta", **{"http-equiv": "Content-Security-Policy", "content": PAGE_POLICY}))
    style = _element("style")
    style.text = "\n" + _styles(letter)
    head.append(style)
    page: bytes = lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8", method="html")
    return page + b"\n"


# What would run or load something in a browser; spec text cannot make these (it is escaped),
# so only a layout template can, and the page refuses it as the DOCX writer refuses what it does not know.
_ACTIVE = (
    *("script", "iframe", "frame", "object", "embed", "link", "base", "form", "video", "audio", "source"),
    *("input", "button", "select", "textarea", "portal", "applet"),
)
# Attributes that send the reader elsewhere by themselves, or out of the page's own window.
_NAVIGATING = ("target", "formaction", "action", "ping", "http-equiv")


def refuse_active_content(root: HtmlElement, source: Path, what: str = "web page") -> None:
    """`OutputError` for anything in a page a template made that would run, load, or navigate: scripts,
    frames, forms and their controls, `<base>`, `<meta http-equiv>` (a refresh opens another address),
    `target`, event handlers. Spec text cannot make these (it is escaped); only a template can."""
    for element in root.iter(*_ACTIVE):
        message = f"{what} not written: the layout has a <{element.tag}>; the page runs and loads nothing"
        raise OutputError(Problem(message, source, rule="template"))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        names = [name.lower() for name in element.attrib]
        handlers = [name for name in names if name.startswith("on")]
        if handlers:
            message = f"{what} not written: the layout gives <{element.tag}> an event handler ({handlers[0]})"
            raise OutputError(Problem(message, source, rule="template"))
        navigating = [name for name in names if name in _NAVIGATING]
        if navigating:
            message = (
                f"{what} not written: the layout gives <{element.tag}> {navigating[0]}=, which would take the "
                "reader elsewhere by itself; a page opens nothing on its own"
            )
            raise OutputError(Problem(message, source, rule="template"))


def _refuse_active_content(root: HtmlElement, letter: RenderedLetter) -> None:
    refuse_active_content(root, letter.source)


def _element(tag: str, **attributes: str) -> HtmlElement:
    element: HtmlElement = lxml.html.Element(tag, attributes)
    element.tail = "\n"
    return element


def _embed_images(body: HtmlElement, letter: RenderedLetter) -> None:
    # Only what read_asset allows: the layout's own files and the images the spec names.
    for img in body.iter("img"):
        src = img.get("src", "")
        try:
            data, mime = read_asset(src, letter.asset_roots)
        except OutputError as e:
            message = f"web page not written: {e.problems[0].message}"
            raise OutputError(Problem(message, letter.source, field=letter.field_of(src), rule="asset")) from None
        img.set("src", f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}")


def _wrap_in_main(body: HtmlElement) -> None:
    main = lxml.html.Element("main")
    main.text, body.text = body.text, "\n"
    for child in list(body):
        main.append(child)  # moves it, its tail with it
    main.tail = "\n"
    body.append(main)


def _styles(letter: RenderedLetter) -> str:
    layout_folder = letter.template_folders or letter.asset_roots[:1]  # stylesheets come from the templates only
    sheets = [behaviour_css()]
    for path in letter.stylesheets:
        css = read_asset(path.resolve().as_uri(), layout_folder)[0].decode("utf-8")
        found = _LOADS.search(css)
        if found:
            loads = found.group(0)
            message = f"web page not written: the stylesheet loads another file ({loads}...); a page must stand alone"
            raise OutputError(Problem(message, path, rule="template"))
        sheets.append(css)
    return "\n".join([*sheets, stylesheet(letter.style, letter.page_label), WEB_CSS])
