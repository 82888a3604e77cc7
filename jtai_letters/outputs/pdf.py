"""Rendered HTML letter -> tagged PDF bytes with WeasyPrint.

Stylesheets are parsed once per process and reused; every fetch goes through
`AssetFetcher`, which refuses anything outside the letter's own folders.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import weakref
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pikepdf

from jtai_letters import patches
from jtai_letters.process import long_lived

with patches.weasyprint_import(), long_lived():
    import pydyf
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from jtai_letters.errors import OutputError, Problem
from jtai_letters.letter import hyphenation
from jtai_letters.letter.assets import MAX_ASSET_BYTES, read_asset, read_regular
from jtai_letters.letter.render import SPEC_DESCRIPTION, RenderedLetter, unanchored
from jtai_letters.letter.style import HouseStyle, behaviour_css, stylesheet
from jtai_letters.outputs import columns

_LOG = logging.getLogger("weasyprint")
hyphenation.register()  # Welsh, which Pyphen lacks, where WeasyPrint looks up a `lang` (hyphens: auto)


def _marking_languages(build: Any) -> Any:
    """WeasyPrint's structure-element builder, also writing `/Lang` where the HTML says `lang`.

    WeasyPrint 70 gives the PDF one `/Lang`, the document's (from `<html lang>`), so a screen
    reader would read a Welsh part of a bilingual letter with an English voice. A structure
    element made for an element carrying `lang` (the other language's part or column, a word
    left in English) gets it as `/Lang`, as PDF/UA-1 (ISO 14289-1, 7.2) asks. The builder
    (WeasyPrint's private `_build_box_tree`, see patches.py) calls itself through its module, so wrapping the
    module's name reaches every element; a post-processing pass could not, as a structure
    element no longer says which HTML element it came from. WeasyPrint is pinned (70.0) and
    `tests/test_languages.py` checks the builder is still there and the tags still right.
    """

    inherited: weakref.WeakKeyDictionary[Any, str | None] = weakref.WeakKeyDictionary()
    walked: weakref.WeakSet[Any] = weakref.WeakSet()  # documents whose languages are known

    def build_with_language(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        element = box.element
        if box.element_tag == "html" and element not in walked:
            # Once a document (every page has a box for <html>): the language around each element.
            _languages_around(element, element.get("lang"), inherited)
            walked.add(element)
        skip = element is None or box.element_tag in ("html", "body")
        lang = None if skip else element.get("lang")
        if lang and lang == inherited.get(element):
            lang = None  # the same as the element's around it: /Lang is inherited down the tree
        for made in build(box, parent, *args):
            if lang and made.get("P") == parent.reference and "Lang" not in made:
                made["Lang"] = pydyf.String(lang)
            yield made

    return build_with_language


def _languages_around(element: Any, language: str | None, around: weakref.WeakKeyDictionary[Any, str | None]) -> None:
    stack = [(element, language)]
    while stack:
        parent, lang = stack.pop()
        for child in parent:
            around[child] = lang
            stack.append((child, child.get("lang") or lang))


patches.wrap_weasyprint_box_tree(_marking_languages)
patches.remember_pydyf_page_references()
PDF_VARIANT = "pdf/ua-1"  # tagged PDF: structure tree, language and title for screen readers
ARCHIVE_VARIANT = "pdf/a-3b"  # archival, and allowed to carry the source spec as an attachment


class AssetRefused(FatalURLFetchingError):  # type: ignore[misc]  # WeasyPrint is untyped
    """WeasyPrint must stop, not skip: a refused asset is a fault in the spec or template."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class _Fetched(URLFetcherResponse):  # type: ignore[misc]
    """A fetched asset WeasyPrint must use as served: without a path it cannot re-read the
    file behind the checked (or converted, for CMYK) bytes."""

    @property
    def path(self) -> None:
        return None


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves `read_asset` and refuses everything else.

    `named` maps the path-independent URLs of the spec's images (see `_by_role`) to their files' URLs.
    """

    def __init__(self, roots: tuple[Path, ...], named: dict[str, str] | None = None) -> None:
        super().__init__(allowed_protocols={"file"})
        self.roots = roots
        self.named = named or {}

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Serve `url` from the allowed folders, or stop the render."""
        try:
            data, mime = read_asset(self.named.get(url, url), self.roots)
        except OutputError as e:
            raise AssetRefused(e.problems[0].message, url) from None
        return _Fetched(url, data, {"Content-Type": mime})


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


class _Remember(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@lru_cache(maxsize=32)
def _parsed(path: Path, mtime_ns: int, roots: tuple[Path, ...]) -> tuple[CSS, tuple[str, ...]]:
    # mtime in the key: an office editing its CSS mid-batch gets the new sheet. What WeasyPrint
    # said while parsing it (an unknown property) is kept, to be said again for every letter.
    from jtai_letters.checks.css import nesting_message, too_deep

    try:
        deep = too_deep(read_regular(path, MAX_ASSET_BYTES, "a stylesheet").decode("utf-8", "replace"))
    except (OSError, ValueError):
        deep = None  # WeasyPrint says why it cannot read it
    if deep:
        raise OutputError(Problem(f"PDF not written: {nesting_message()}", path, *deep, rule="template"))
    remember = _Remember()
    _LOG.addHandler(remember)
    try:
        css = CSS(filename=str(path), url_fetcher=AssetFetcher(roots), font_config=_fonts())
    finally:
        _LOG.removeHandler(remember)
    return css, tuple(remember.messages)


def _stylesheet(path: Path, mtime_ns: int, roots: tuple[Path, ...]) -> CSS:
    css, said = _parsed(path, mtime_ns, roots)
    for message in said:
        _LOG.warning("%s", message)
    return css


def warm_up() -> None:
    """Load fonts and WeasyPrint's own stylesheets once, before the first letter of a batch."""
    HTML(string="<p>warm</p>").write_pdf(font_config=_fonts())


@lru_cache(maxsize=1)
def _behaviour() -> CSS:
    # How elements sit on the page (the house style's LAYOUT): before the layout's sheets, which may override it.
    return CSS(string=behaviour_css(), font_config=_fonts())


@lru_cache(maxsize=32)
def _theme(style: HouseStyle, page_label: str) -> CSS:
    # The house style with the office's font and colour, both validated by the model
    # (a fixed list; #RRGGBB), so this is no injection point.
    return CSS(string=stylesheet(style, page_label), font_config=_fonts())


@lru_cache(maxsize=8)
def _images(roots: tuple[Path, ...], inputs: tuple[tuple[Path, int], ...]) -> dict[str, object]:
    # WeasyPrint's image cache, shared by the letters of one office in a worker: a logo or
    # signature is decoded and re-encoded once, not per letter (about a tenth of a letter
    # that has both). Cached images skip the fetcher, so the key holds the folders the
    # fetcher allows; and every input file's mtime, so an edited logo is read again.
    return {}


def _image_cache(letter: RenderedLetter) -> dict[str, object]:
    stamps = tuple((p, p.stat().st_mtime_ns if p.exists() else 0) for p in letter.inputs[1:])
    return _images(letter.asset_roots, stamps)


def _by_role(letter: RenderedLetter) -> tuple[str, dict[str, str]]:
    """The letter's HTML with each image the spec names under a URL made of its role
    (`office.logo.path`), and those URLs -> the files' own.

    WeasyPrint names an image in the PDF after its URL, and orders images by name: with
    the files' URLs, the same letter made from another folder (regenerated from its
    archive, say) would give other bytes.
    """
    html, named = letter.html, {}
    for url, field in letter.asset_fields:
        role = f"file:///{field}"
        html = html.replace(f'src="{url}"', f'src="{role}"')
        named[role] = url
    return html, named


def write(letter: RenderedLetter) -> bytes:
    """The letter as a PDF file (bytes). Deterministic: same letter, same bytes, wherever its files sit.

    Tagged PDF/UA-1 by default; with attachments (the spec and its files), tagged PDF/A-3b.
    """
    from jtai_letters.checks.css import inline_too_deep, nesting_message

    if inline_too_deep(letter.html):
        raise OutputError(Problem(f"PDF not written: the layout's {nesting_message()}", letter.source, rule="template"))
    html, named = _by_role(letter)
    fetcher = AssetFetcher(letter.asset_roots, named)
    templates = letter.template_folders or letter.asset_roots[:1]  # stylesheets may load only the templates' files
    try:
        css = [_behaviour(), *(_stylesheet(p, p.stat().st_mtime_ns, templates) for p in letter.stylesheets)]
        css.append(_theme(letter.style, letter.page_label))
        base = templates[0].resolve().as_uri() + "/"
        # The measured tables' columns as the Word version has them, and WeasyPrint spared measuring their cells.
        printed = columns.fixed_widths(unanchored(html), letter.style)
        document = HTML(string=printed, base_url=base, url_fetcher=fetcher)
        options: dict[str, object] = {"pdf_variant": PDF_VARIANT, "cache": _image_cache(letter)}
        if letter.attachments:
            when = dt.datetime.combine(letter.date, dt.time())
            files = [
                Attachment(
                    string=data,
                    url_fetcher=fetcher,
                    name=name,
                    description=SPEC_DESCRIPTION,
                    created=when,
                    modified=when,
                    relationship="Source",
                )
                for name, data in letter.attachments
            ]
            options = {**options, "pdf_variant": ARCHIVE_VARIANT, "pdf_tags": True, "attachments": files}
        pdf = document.write_pdf(stylesheets=css, font_config=_fonts(), **options)
    except AssetRefused as e:
        field = letter.field_of(named.get(e.url, e.url))
        raise OutputError(Problem(f"PDF not written: {e}", letter.source, field=field, rule="asset")) from None
    assert isinstance(pdf, bytes)
    return scope_table_headers(pdf)


def scope_table_headers(pdf: bytes) -> bytes:
    """`pdf` with a `/Scope` on every table header cell (`/TH`) of its structure tree.

    WeasyPrint 70 tags header cells but does not say which cells they head, so a
    screen reader cannot tell (PDF/UA-1, Matterhorn 15-003). A header cell heads its
    column when it sits in the table head or in a row of header cells only, and its
    row otherwise. The rest of the file is left as it was, its XMP metadata (PDF/UA
    and PDF/A identification) included; the file ID is derived from the content, so
    the same letter still gives the same bytes.
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        cells = [] if tree is None else [c for c in _elements(tree.get("/K")) if c.get("/S") == "/TH"]
        if not cells:
            return pdf
        for cell in cells:
            _set_scope(cell, _scope(cell))
        out = io.BytesIO()
        document.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def _elements(node: object) -> Iterator[pikepdf.Dictionary]:
    # Structure elements in document order; /K also holds marked-content ids and object references.
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from _elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        yield from _elements(node.get("/K"))


def _scope(cell: pikepdf.Dictionary) -> pikepdf.Name:
    row = cell.get("/P")
    if not isinstance(row, pikepdf.Dictionary):
        return pikepdf.Name.Column
    group = row.get("/P")
    in_head = isinstance(group, pikepdf.Dictionary) and group.get("/S") == "/THead"
    if in_head or all(c.get("/S") == "/TH" for c in _children(row)):
        return pikepdf.Name.Column
    return pikepdf.Name.Row


def _children(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid


def _set_scope(cell: pikepdf.Dictionary, scope: pikepdf.Name) -> None:
    # /A is one attribute dictionary or an array of them (maybe with revision numbers): keep them all.
    attributes = cell.get("/A")
    listed = list(attributes) if isinstance(attributes, pikepdf.Array) else [] if attributes is None else [attributes]
    for item in listed:
        if isinstance(item, pikepdf.Dictionary) and item.get("/O") == "/Table":
            item.Scope = scope
            return
    table = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
    cell.A = pikepdf.Array([*listed, table]) if listed else table
