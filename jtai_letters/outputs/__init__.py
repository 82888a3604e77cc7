"""One writer per output format, each a module with `write(letter) -> bytes`.

Writers are imported on first use: `validate` never needs WeasyPrint or python-docx.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from jtai_letters.spec.vocabulary import FORMATS as FORMATS

if TYPE_CHECKING:
    from jtai_letters.letter.render import RenderedLetter

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""The date of every entry in the zip packages the tool writes (DOCX, and the register's XLSX): fixed,
so the same letter or register gives the same bytes."""


def writer(fmt: str) -> ModuleType:
    """The module writing format `fmt` (one of `FORMATS`), imported on first use."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return import_module(f"{__name__}.{fmt}")


def write(fmt: str, letter: RenderedLetter) -> bytes:
    """The letter in format `fmt` (one of `FORMATS`)."""
    data: bytes = writer(fmt).write(letter)
    return data


def warm_up(formats: tuple[str, ...] | list[str]) -> None:
    """Import the writers of `formats` and let each load what it keeps per process (fonts, stylesheets)."""
    for fmt in (f for f in formats if f in FORMATS):  # an unknown one is the letter's error to report
        module = import_module(f"{__name__}.{fmt}")
        if hasattr(module, "warm_up"):
            module.warm_up()
