"""Hyphenation where a word must break: the dictionaries the PDF writer hyphenates with, by language.

WeasyPrint hyphenates text whose style asks for it (`hyphens: auto`, which `LAYOUT` gives the cells
of a table in a side-by-side column) with Pyphen's dictionary for the text's `lang`. Pyphen has
none for Welsh (its dictionaries come from LibreOffice's, which have no Welsh hyphenation), so
`register()` adds the Welsh patterns of TeX's hyph-utf8 (`dictionaries/hyph_cy.dic`, its source and
licence in its header) under `cy` and `cy_GB`, where WeasyPrint's lookup of `cy-GB` finds them.
Word hyphenates by each run's `w:lang` with its own proofing tools; the DOCX asks it to
(`w:autoHyphenation`) in the same places.
"""

from __future__ import annotations

from pathlib import Path

import pyphen

WELSH = Path(__file__).with_name("dictionaries") / "hyph_cy.dic"
"""Welsh hyphenation patterns in Pyphen's format."""
ADDED = {"cy": WELSH, "cy_GB": WELSH}
"""The dictionaries added to Pyphen's, by the names its `language_fallback` looks up."""


def register() -> None:
    """Add the dictionaries Pyphen lacks, leaving any of its own in place (idempotent).

    >>> register(); pyphen.language_fallback("cy-GB"), pyphen.Pyphen(lang="cy-GB").inserted("gweithredu")
    ('cy_GB', 'gweith-redu')
    """
    for name, path in ADDED.items():
        if name not in pyphen.LANGUAGES:
            pyphen.LANGUAGES[name] = path
            pyphen.LANGUAGES_LOWERCASE[name.lower()] = name
