"""How wide a word prints in the house font: the advance widths of the font file fontconfig gives
for it (the PDF's font; Word's font is its metric twin, so the same widths), read once per process.

Table columns are sized with it (`columns`, for the Word and PDF writers), so that no column is
narrower than its longest word (Word and LibreOffice would otherwise split the word across lines,
"Pennaet|h").
Without fontconfig or the font, an average character width stands in, on the wide side.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

# A character's width in ems when the font cannot be read: wider than most lower-case letters
# of the fonts the house uses (Arial Bold's average is about 0.55), so a column errs wide.
FALLBACK_EM = 0.62


@lru_cache(maxsize=16)
def _advances(font: str, bold: bool) -> tuple[dict[int, float], float] | None:
    """{code point: advance in ems} of `font` (bold or regular), and the width of a character the
    font lacks; None when fontconfig or the font file cannot be read."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    pattern = f"{font}:{'bold' if bold else 'regular'}"
    try:
        found = subprocess.run(
            [fc_match, "--format", "%{file}", pattern], capture_output=True, text=True, timeout=30, check=True
        ).stdout
        from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

        with TTFont(Path(found), fontNumber=0, lazy=True) as ttf:
            per_em = ttf["head"].unitsPerEm
            metrics = ttf["hmtx"].metrics
            widths = {code: metrics[name][0] / per_em for code, name in ttf.getBestCmap().items() if name in metrics}
            missing = metrics[".notdef"][0] / per_em if ".notdef" in metrics else FALLBACK_EM
    except (OSError, subprocess.SubprocessError, KeyError, ValueError, AttributeError):
        return None
    return widths, max(missing, FALLBACK_EM)


def word_width(word: str, font: str, size: float, *, bold: bool = False) -> float:
    """The width in points of `word` set in `font` at `size` points, without kerning (which only
    narrows it).

    >>> round(word_width("Pennaeth", "Liberation Sans", 11), 1)
    47.1
    >>> word_width("Pennaeth", "Liberation Sans", 11, bold=True) > word_width("Pennaeth", "Liberation Sans", 11)
    True
    """
    advances = _advances(font, bold)
    if advances is None:
        return len(word) * FALLBACK_EM * size
    widths, missing = advances
    return sum(widths.get(ord(ch), missing) for ch in word) * size
