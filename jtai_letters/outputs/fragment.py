"""Rendered HTML letter -> an HTML fragment for an office's content management system.

A CMS page has its own header, title and styles: the fragment is the letter's text only, as
semantic HTML with nothing that would fight the site (no `<html>`, `<head>`, styles, classes or
letterhead), its headings moved down to start at the level the office's CMS wants (`h2` when the
page title is the site's `h1`), links kept, and each image a file beside it, named in the `src`,
with its alternative text. Languages stay marked (`lang`), so a bilingual letter pastes whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import lxml.html
from lxml.html import HtmlElement

from jtai_letters.errors import OutputError, Problem
from jtai_letters.letter.assets import read_asset
from jtai_letters.letter.render import RenderedLetter, unanchored

IMAGES = "images"
"""The folder beside the fragment that holds its images."""
# Kept on elements: what carries meaning or accessibility, never presentation.
_KEEP = {"href", "src", "alt", "lang", "scope", "colspan", "rowspan", "title", "dir", "start", "reversed", "type"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Letter furniture a web page has no use for: the printed letterhead and running page furniture.
_FURNITURE = ("header", "footer")


@dataclass(frozen=True)
class Fragment:
    """The fragment's HTML and its images, by name relative to the fragment."""

    html: bytes
    images: dict[str, bytes]


def write(letter: RenderedLetter, heading_level: int = 2) -> Fragment:
    """The letter's text as a fragment whose first heading is `h{heading_level}`; deterministic."""
    if not 1 <= heading_level <= 6:
        raise OutputError(Problem(f"the fragment's heading level must be 1 to 6, not {heading_level}", letter.source))
    root = lxml.html.document_fromstring(unanchored(letter.html))  # the anchors are for the DOCX
    body = root.find("body")
    if body is None:
        raise OutputError(Problem("fragment not written: the layout made no <body>", letter.source))
    for element in list(body.iter(*_FURNITURE)):
        _drop(element)
    _shift_headings(body, heading_level, letter)
    images = _images(body, letter)
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            if name not in _KEEP:
                del element.attrib[name]
    parts = [lxml.html.tostring(child, encoding="unicode", method="html") for child in body]
    text = (body.text or "").strip()
    html = (text + "\n" if text else "") + "".join(parts).strip() + "\n"
    return Fragment(re.sub(r"\n{3,}", "\n\n", html).encode("utf-8"), images)


def _drop(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _shift_headings(body: HtmlElement, level: int, letter: RenderedLetter) -> None:
    found = [int(h.tag[1]) for h in body.iter(*_HEADINGS)]
    if not found:
        return
    shift = level - min(found)
    deepest = max(found) + shift
    if deepest > 6:
        message = (
            f"fragment not written: with its first heading at h{level}, the letter's deepest heading would be "
            f"h{deepest}; HTML stops at h6: choose a heading level of {6 - (max(found) - min(found))} or less"
        )
        raise OutputError(Problem(message, letter.source))
    for heading in list(body.iter(*_HEADINGS)):
        heading.tag = f"h{int(heading.tag[1]) + shift}"


def _images(body: HtmlElement, letter: RenderedLetter) -> dict[str, bytes]:
    images: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for img in body.iter("img"):
        src = img.get("src", "")
        if src not in names:
            try:
                data, mime = read_asset(src, letter.asset_roots)
            except OutputError as e:
                message = f"fragment not written: {e.problems[0].message}"
                raise OutputError(Problem(message, letter.source, field=letter.field_of(src), rule="asset")) from None
            names[src] = _name(src, mime, set(names.values()))
            images[names[src]] = data
        img.set("src", f"{IMAGES}/{names[src]}")
    return images


def _name(src: str, mime: str, taken: set[str]) -> str:
    stem = re.sub(r"[^a-z0-9-]+", "-", PurePosixPath(src).stem.lower()).strip("-") or "image"
    suffix = ".png" if mime == "image/png" else ".jpg"
    name, n = stem + suffix, 2
    while name in taken:
        name, n = f"{stem}-{n}{suffix}", n + 1
    return name
