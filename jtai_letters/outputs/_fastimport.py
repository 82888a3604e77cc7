"""Import WeasyPrint without ~0.2 s of library hunting, so one letter from a cold start is quick.

WeasyPrint loads Pango, HarfBuzz and fontconfig by trying each under several
names (Windows, macOS and Linux spellings, in that order). For each name that
is not a file, cffi asks `ctypes.util.find_library`, which on Linux runs gcc
and ld: about 15 processes, a fifth of a second, before the Linux soname that
loads directly is reached. Where those sonames load, the search is skipped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# The names WeasyPrint 70 reaches in the end on Linux (text/ffi.py).
SONAMES = (
    "libgobject-2.0.so.0",
    "libpango-1.0.so.0",
    "libharfbuzz.so.0",
    "libfontconfig.so.1",
    "libpangoft2-1.0.so.0",
)


@contextmanager
def linux_sonames_first() -> Iterator[None]:
    """While importing WeasyPrint, answer find_library with 'not found' if the sonames load anyway."""
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
