"""Rendered HTML letter -> tagged PDF bytes with WeasyPrint.

Stylesheets are parsed once per process and reused; every fetch goes through
`AssetFetcher`, which refuses anything outside the letter's own folders.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from ._fastimport import linux_sonames_first

with linux_sonames_first():
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..archive import SPEC_DESCRIPTION
from ..assets import read_asset
from ..errors import OutputError, Problem
from ..render import RenderedLetter
from ..style import HouseStyle, office_style, stylesheet

PDF_VARIANT = "pdf/ua-1"  # tagged PDF: structure tree, language and title for screen readers
ARCHIVE_VARIANT = "pdf/a-3b"  # archival, and allowed to carry the source spec as an attachment


class AssetRefused(FatalURLFetchingError):  # type: ignore[misc]  # WeasyPrint is untyped
    """WeasyPrint must stop, not skip: a refused asset is a fault in the spec or template."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves `read_asset` and refuses everything else."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols={"file"})
        self.roots = roots

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Serve `url` from the allowed folders, or stop the render."""
        try:
            data, mime = read_asset(url, self.roots)
        except OutputError as e:
            raise AssetRefused(e.problems[0].message, url) from None
        return URLFetcherResponse(url, data, {"Content-Type": mime})


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=32)
def _stylesheet(path: Path, mtime_ns: int, roots: tuple[Path, ...]) -> CSS:
    # mtime in the key: an office editing its CSS mid-batch gets the new sheet.
    return CSS(filename=str(path), url_fetcher=AssetFetcher(roots), font_config=_fonts())


def warm_up() -> None:
    """Load fonts and WeasyPrint's own stylesheets once, before the first letter of a batch."""
    HTML(string="<p>warm</p>").write_pdf(font_config=_fonts())


@lru_cache(maxsize=32)
def _theme(style: HouseStyle) -> CSS:
    # The house style with the office's font and colour, both validated by the model
    # (a fixed list; #RRGGBB), so this is no injection point.
    return CSS(string=stylesheet(style), font_config=_fonts())


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


def write(letter: RenderedLetter) -> bytes:
    """The letter as a PDF file (bytes). Deterministic: same letter, same bytes.

    Tagged PDF/UA-1 by default; with attachments (the spec and its files), tagged PDF/A-3b.
    """
    fetcher = AssetFetcher(letter.asset_roots)
    templates = letter.asset_roots[:1]  # stylesheets may load only the layout's own files
    try:
        css = [_stylesheet(p, p.stat().st_mtime_ns, templates) for p in letter.stylesheets]
        css.append(_theme(office_style(letter.font, letter.brand_colour)))
        base = templates[0].resolve().as_uri() + "/"
        document = HTML(string=letter.html, base_url=base, url_fetcher=fetcher)
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
        field = letter.field_of(e.url)
        raise OutputError(Problem(f"PDF not written: {e}", letter.source, field=field, rule="asset")) from None
    assert isinstance(pdf, bytes)
    return pdf
