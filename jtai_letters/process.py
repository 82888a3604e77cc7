"""What a process of jtai-letters' own opts in to: the cyclic collector kept off its long-lived objects.

(WeasyPrint's library hunting, the other cost of a cold start, is skipped in
`patches.weasyprint_import`.)

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

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_OWN_PROCESS = False  # set by `own_process`: the command line and batch workers only


@contextmanager
def own_process() -> Iterator[None]:
    """This process runs jtai-letters itself (the command line, a batch worker): what is imported
    inside lives as long as it, so it is imported with the collector off and then frozen out of its
    sight, as is what `long_lived` imports later."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    with long_lived():
        yield


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


def one_job() -> None:
    """In a forked child that makes one thing and ends (`pipeline.build.bounded`): what it inherited is
    frozen out of the collector's sight (walking it would also copy the parent's pages into the
    child), and the collector runs a fourteenth as often. WeasyPrint keeps every box of a document
    alive until the PDF is written, and at the default thresholds the collector walked them again and
    again: writing a 374-page progress report in one process took 15-25% less time without, at the
    same peak memory (the machine's own variation is of that size: see docs/benchmarks.md)."""
    gc.freeze()
    gc.set_threshold(10_000, 50, 50)
