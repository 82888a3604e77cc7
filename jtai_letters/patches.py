"""Every use of another library's private internals, in one place, each tied to the version it was written for.

A private name (`weasyprint.pdf.tags._build_box_tree`, python-docx's `part._element`)
may change in any release. Each one the tool relies on is declared here (`PATCHES`)
with the library and the version it was written for (the one `constraints.txt`
pins), and reached only through this module. Each is checked when it is first
applied (the WeasyPrint and Pillow ones when the PDF writer is imported, the
Jinja one when the first environment is made, the others on first use): another
version installed fails loudly, with a located "please report" error, instead of a
letter silently made wrong.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from jtai_letters.errors import JtaiError, Problem


@dataclass(frozen=True)
class Patch:
    """One private internal of another library the tool relies on."""

    library: str  # its distribution name, as pip knows it
    version: str  # the version the patch was written for (pinned in constraints.txt)
    what: str  # the internal, and why


PATCHES: dict[str, Patch] = {
    "weasyprint-box-tree": Patch(
        "weasyprint",
        "70.0",
        "weasyprint.pdf.tags._build_box_tree wrapped, to give a structure element its /Lang (PDF/UA-1 7.2)",
    ),
    "weasyprint-find-library": Patch(
        "weasyprint",
        "70.0",
        "ctypes.util.find_library answers 'not found' while WeasyPrint loads Pango by its Linux sonames",
    ),
    "weasyprint-pillow-setting": Patch(
        "weasyprint",
        "70.0",
        "Pillow's LOAD_TRUNCATED_IMAGES, which importing WeasyPrint turns on, put back as the host had it",
    ),
    "pydyf-page-references": Patch(
        "pydyf",
        "0.13.0",
        "PDF.page_references remembered until a page is added: WeasyPrint's tagging asks it once per structure "
        "element, and each answer built every page's reference again (a sixth of a 374-page report's profile)",
    ),
    "jinja-parse": Patch(
        "jinja2", "3.1.6", "Environment._parse overridden, so every {% for %} meets the sandbox's clock"
    ),
    "docx-part-element": Patch(
        "python-docx", "1.2.0", "an XmlPart's _element replaced: styles and numbering from the house style"
    ),
    "docx-part-blob": Patch("python-docx", "1.2.0", "a Part's _blob replaced: a truthful app.xml"),
    "docx-container-element": Patch(
        "python-docx", "1.2.0", "a block container's (a table cell's) _element, where its paragraphs are added"
    ),
    "pypdf-stream-data": Patch(
        "pypdf", "7.1.1", "a stream's raw _data, inflated in chunks so a flate bomb stops at the limit"
    ),
    "openpyxl-table-columns": Patch(
        "openpyxl", "3.1.5", "Table._initialise_columns: a streamed sheet cannot read its header back"
    ),
    "markdown-it-smartquotes": Patch(
        "markdown-it-py", "4.3.0", "markdown_it.rules_core.smartquotes run on plain text, the quotes Markdown gets"
    ),
}


@cache
def require(name: str) -> None:
    """Check that the library patch `name` was written for is at its version; `JtaiError` (rule
    `internal`, "please report this") if not."""
    patch = PATCHES[name]
    try:
        installed = version(patch.library)
    except PackageNotFoundError:
        installed = "none"
    if installed != patch.version:
        message = (
            f"{patch.library} {installed} is installed, but jtai-letters relies on {patch.what} of {patch.library} "
            f"{patch.version} ('{name}'): install the versions in constraints.txt "
            f"(pip install -c constraints.txt .), or please report this"
        )
        raise JtaiError(Problem(message, Path(__file__), rule="internal"))


# -- WeasyPrint --------------------------------------------------------------------------------------


@contextmanager
def weasyprint_import() -> Iterator[None]:
    """Around importing WeasyPrint: its libraries found by their Linux sonames, and Pillow's
    process-wide LOAD_TRUNCATED_IMAGES (which WeasyPrint's import turns on) left as it was."""
    require("weasyprint-find-library")
    require("weasyprint-pillow-setting")
    from PIL import ImageFile

    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        with _linux_sonames_first():
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


# The names WeasyPrint 70 reaches in the end on Linux (text/ffi.py).
SONAMES = (
    "libgobject-2.0.so.0",
    "libpango-1.0.so.0",
    "libharfbuzz.so.0",
    "libfontconfig.so.1",
    "libpangoft2-1.0.so.0",
)


@contextmanager
def _linux_sonames_first() -> Iterator[None]:
    # WeasyPrint tries each library under Windows, macOS and Linux names, in that order; for each
    # name that is not a file cffi asks find_library, which on Linux runs gcc and ld (about 15
    # processes, a fifth of a second). Where the sonames load, the search is skipped.
    if not sys.platform.startswith("linux") or "weasyprint.text.ffi" in sys.modules:
        yield
        return
    try:
        for name in SONAMES:
            ctypes.CDLL(name)
    except OSError:  # an unusual system: let WeasyPrint search as it does
        yield
        return
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = real


def wrap_weasyprint_box_tree(wrap: Callable[[Any], Any]) -> None:
    """Replace WeasyPrint's structure-element builder by `wrap(builder)` (it calls itself through
    its module, so wrapping the module's name reaches every element). Once a process."""
    require("weasyprint-box-tree")
    from weasyprint.pdf import tags

    if not getattr(tags._build_box_tree, "_jtai_wrapped", False):
        wrapped = wrap(tags._build_box_tree)
        wrapped._jtai_wrapped = True
        tags._build_box_tree = wrapped


def remember_pydyf_page_references() -> None:
    """Make `pydyf.PDF.page_references` answer from a copy kept until the next page is added (the same
    tuple, built once per page count instead of once per question). Once a process."""
    require("pydyf-page-references")
    import pydyf

    built = pydyf.PDF.page_references.fget
    if getattr(built, "_jtai_remembered", False):
        return

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]  # pages are only ever added, each as three entries
        key = (id(kids), len(kids))
        kept = pdf.__dict__.get("_jtai_page_references")
        if kept is None or kept[0] != key:
            kept = pdf.__dict__["_jtai_page_references"] = (key, built(pdf))
        return kept[1]  # type: ignore[no-any-return]

    page_references._jtai_remembered = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)


# -- Jinja, python-docx, pypdf, openpyxl, markdown-it ---------------------------------------------


def jinja_parse() -> None:
    """Check, before the first sandbox is made, the Jinja its `_parse` override was written for."""
    require("jinja-parse")


def set_docx_part_element(part: Any, element: Any) -> None:
    """Replace an XmlPart's XML (python-docx has no public way)."""
    require("docx-part-element")
    part._element = element


def set_docx_part_blob(part: Any, blob: bytes) -> None:
    """Replace a Part's bytes (python-docx has no public way)."""
    require("docx-part-blob")
    part._blob = blob


def docx_container_element(container: Any) -> Any:
    """The XML element of a python-docx block container (a table cell)."""
    require("docx-container-element")
    return container._element


def pypdf_stream_data(stream: Any) -> bytes:
    """A pypdf stream's raw (still encoded) bytes."""
    require("pypdf-stream-data")
    data: bytes = stream._data
    return data


def openpyxl_initialise_columns(table: Any) -> None:
    """Give an openpyxl table its column objects, which a write-only sheet cannot read from its header."""
    require("openpyxl-table-columns")
    table._initialise_columns()


def smartquotes() -> Callable[[Any], None]:
    """markdown-it's smart-quotes core rule, to run on plain text."""
    require("markdown-it-smartquotes")
    from markdown_it.rules_core.smartquotes import smartquotes as rule

    return rule
