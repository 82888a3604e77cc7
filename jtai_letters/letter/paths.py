"""Which field of the spec each block of a rendered letter came from: `data-spec-path` for the editor.

The editor's letter pane lets the officer click a paragraph, a list item or a table cell and land
on the form field that holds its words. The layouts stay as they are (an office's own templates
too): after rendering, each block's text is matched with the text every field of the spec prints,
and the block is marked with the field's path, as validate prints it
(`response.recommendations[1].response`). Our layouts anchor what they print from the spec
themselves (the `anchor` filter, for the Word round trip: docs/word-round-trip.md), and those
anchors are kept; this guess fills in only the blocks an office's own layout leaves unanchored.
Only the editor asks for it (`render(..., spec_paths=True)`); the PDF, the web page and the
DOCX never carry the attribute (the DOCX turns the layouts' anchors into bookmarks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from pydantic import BaseModel

from jtai_letters.spec.load import LoadedSpec

ATTRIBUTE = "data-spec-path"
BLOCKS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "blockquote", "address", "dd", "dt")
_SPACE = re.compile(r"\s+")
_SHORTEST = 3  # a dash or a number alone could come from anywhere
_PART = 12  # a block shorter than this is marked only when a field prints exactly it


def _plain(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _printed(value: object) -> str:
    """The text a spec value prints, as a reader of the letter sees it."""
    html = getattr(value, "__html__", None)
    if html is None:
        return _plain(str(value))
    markup = html()
    if not markup.strip():
        return ""
    return _plain(lxml.html.fragment_fromstring(markup, create_parent="div").text_content())


def _leaves(value: object, path: str) -> Iterator[tuple[str, object]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _leaves(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{path}[{i}]")
    elif isinstance(value, str) and value:
        yield path, value


def field_texts(loaded: LoadedSpec) -> list[tuple[str, str]]:
    """(field path, the text it prints) for every text of the spec, in every language, in the spec's order."""
    found: dict[str, str] = {}
    for one in loaded.letters().values():
        for path, value in _leaves(one.spec, ""):
            text = _printed(value)
            if len(text) >= _SHORTEST:
                found.setdefault(text, path)
    return [(path, text) for text, path in found.items()]


def mark(html: str, loaded: LoadedSpec) -> str:
    """`html` with `data-spec-path` on each block whose words a field of the spec prints."""
    texts = field_texts(loaded)
    exact = {text: path for path, text in texts}
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        return html
    for element in body.iter(*BLOCKS):
        if element.get(ATTRIBUTE) is not None or element.find(f".//*[@{ATTRIBUTE}]") is not None:
            continue  # the layout anchored it to its field already (templates' `anchor` filter): exact
        said = _plain(element.text_content())
        if len(said) < _SHORTEST:
            continue
        path = exact.get(said)
        if path is None and len(said) >= _PART:
            holding = [(len(text), p) for p, text in texts if said in text]
            path = min(holding)[1] if holding else None
        if path is not None:
            element.set(ATTRIBUTE, path)
    marked: str = lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode", method="html")
    return marked
