"""Characters the PDF's fonts cannot draw: a located warning naming the script, not empty boxes.

WeasyPrint draws with Pango, which takes each character from the first font
fontconfig offers that has it. A character that no installed font has prints
as an empty box in the PDF, without a word, while the DOCX shows it (Word draws
with the reader's fonts). fontconfig's own list of every font's characters
(`fc-list`) is read once per process, and only when a spec holds something
beyond the Latin letters and punctuation every layout font has.
"""

from __future__ import annotations

import bisect
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from jtai_letters.checks.rules import texts
from jtai_letters.errors import Problem
from jtai_letters.spec.load import LoadedSpec, SourceMap
from jtai_letters.spec.models import ResponseSpec

_SKIPPED = {"Cc", "Cf", "Zs", "Zl", "Zp"}  # controls, format characters and spaces draw no glyph
_SCRIPTS = {
    "CJK": "Chinese and Japanese (CJK)",
    "HANGUL": "Korean (Hangul)",
    "UNKNOWN": "Unknown (unassigned or private-use)",
}


def _always_drawn(code: int) -> bool:
    # Latin with its accents, quotes, dashes, the euro: every layout font has them.
    return code < 0x250 or 0x2010 <= code <= 0x2027 or code == 0x20AC


# The same set as one pattern: a field with nothing outside it needs no look at the fonts (most fields).
_BEYOND = re.compile("[^\x00-\u024f\u2010-\u2027\u20ac]")


@lru_cache(maxsize=1)
def drawable() -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(starts, ends) of the code point ranges some installed font has; None if fontconfig cannot say."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ranges = sorted(
        (int(low, 16), int(high or low, 16))
        for line in listing.splitlines()
        for low, _, high in (part.partition("-") for part in line.split())
    )
    merged: list[list[int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple(r[0] for r in merged), tuple(r[1] for r in merged)


def _missing(char: str, coverage: tuple[tuple[int, ...], tuple[int, ...]]) -> bool:
    code = ord(char)
    if _always_drawn(code) or unicodedata.category(char) in _SKIPPED or 0xFE00 <= code <= 0xFE0F:
        return False
    starts, ends = coverage
    i = bisect.bisect_right(starts, code) - 1
    return i < 0 or code > ends[i]


def script(char: str) -> str:
    """The script a character belongs to, as its Unicode name begins: `Devanagari`, `Gurmukhi`."""
    first = unicodedata.name(char, "UNKNOWN").split()[0]
    return _SCRIPTS.get(first, first.title())


def missing_glyphs(loaded: LoadedSpec) -> list[Problem]:
    """A warning for each field holding characters no installed font can draw, one per script, over
    every language's text of the letter (a script may be in the Welsh text only); each said once."""
    found: dict[tuple[object, ...], Problem] = {}
    for one in loaded.letters().values():
        for p in _missing_glyphs(one.spec, one.source):
            found.setdefault((p.path, p.field, p.message), p)
    return list(found.values())


def _missing_glyphs(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    fields = [(loc, value) for loc, value in texts(spec) if _BEYOND.search(value)]
    coverage = drawable() if fields else None
    if coverage is None:
        return
    for loc, value in fields:
        by_script: dict[str, list[str]] = {}
        for char in dict.fromkeys(value):
            if _missing(char, coverage):
                by_script.setdefault(script(char), []).append(char)
        for name, chars in by_script.items():
            yield src.problem(
                loc,
                f"the PDF's fonts cannot draw {len(chars)} character{'s' * (len(chars) != 1)} of the {name} script "
                f"(first '{chars[0]}', U+{ord(chars[0]):04X}): they would print as empty boxes; "
                "install a font for it (see Fonts in docs/internals.md)",
                rule="font",
            )
