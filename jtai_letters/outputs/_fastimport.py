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

The collector is the host's: a library imported by another program leaves it
alone. Only a process that is jtai-letters' own (the command line, a batch
worker) says so with `own_process()`; until then `long_lived` does nothing.
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


_OWN_PROCESS = False  # set by `own_process`: the command line and batch workers only


def own_process() -> None:
    """This process runs jtai-letters itself (the command line, a batch worker): what is imported now
    lives as long as it, so it is frozen out of the collector's sight, and so is what `long_lived` imports."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    gc.freeze()


@contextmanager
def long_lived() -> Iterator[None]:
    """In a process of our own (`own_process`): no cyclic collection while importing, and what the
    imports made is then frozen (`gc.freeze`). In a host's process: nothing."""
    if not _OWN_PROCESS:
        yield
        return
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
