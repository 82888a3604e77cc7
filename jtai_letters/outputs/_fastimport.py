"""Imports that a cold start pays for: WeasyPrint's library hunting, and the cyclic collector.

WeasyPrint loads Pango, HarfBuzz and fontconfig by trying each under several
names (Windows, macOS and Linux spellings, in that order). For each name that
is not a file, cffi asks `ctypes.util.find_library`, which on Linux runs gcc
and ld: about 15 processes, a fifth of a second, before the Linux soname that
loads directly is reached. Where those sonames load, the search is skipped.

Importing makes some million objects that live as long as the process (modules,
classes, pydantic validators, compiled stylesheets). The cyclic collector walks
them again at every full collection, while importing and then while the first
letters are made: about a tenth of a cold `render`. `long_lived` keeps it off
while importing and then freezes what was made out of its sight (as Python's
documentation advises before forking workers, which then share those pages).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
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


@contextmanager
def long_lived() -> Iterator[None]:
    """No cyclic collection while importing; what the imports made is then frozen (`gc.freeze`)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
