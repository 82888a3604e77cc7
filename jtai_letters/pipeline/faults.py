"""Limits a letter is made under, and what a fault no rule foresaw becomes.

One time limit (`time_limit`: the wall clock, by SIGALRM, in the main thread) for a
letter made in this process; a batch's workers are held to the same number by
their parent, which replaces a worker that overruns. One memory limit
(`limit_memory`) for a process that makes letters: a batch's worker, or the process
of its own `build.bounded` makes a progress report or (`render --memory`) a letter in. One handler (`unexpected`)
turns any other exception into the one-line "please report" problem of its spec.
"""

from __future__ import annotations

import resource
import signal
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from jtai_letters.errors import JtaiError, Problem

TIMEOUT_SECONDS = 120.0  # a letter's wall-clock limit; a long letter takes about a second
MEMORY_MB = 2048  # a batch worker's memory limit; one peaks near 120 MB on the examples


def limit_memory(megabytes: int) -> None:
    """Hold this process (a batch's worker, or the process of its own a letter or report is made in) to
    `megabytes` of address space: past it, allocating fails instead of the machine swapping."""
    limit = megabytes * 1024 * 1024
    with suppress(ValueError, OSError):  # a hard limit already lower: keep it
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def unexpected(source: Path, error: BaseException) -> JtaiError:
    """A fault no rule foresaw, as a one-line problem about its spec (the traceback is for --debug)."""
    return JtaiError(
        Problem(f"could not be rendered ({type(error).__name__}: {error}); please report this", source, rule="internal")
    )


def traceback_lines(error: BaseException) -> list[str]:
    """The traceback of `error`, as lines (what --debug adds to an unexpected fault)."""
    return "".join(traceback.format_exception(error)).rstrip().splitlines()


def overran(source: Path, seconds: float, *, written: bool = False) -> JtaiError:
    """The problem of a letter stopped at its time limit."""
    message = f"took longer than {seconds:g} s and was stopped (see --timeout)"
    return JtaiError(Problem(message + ("" if written else "; nothing was written"), source, rule="internal"))


class Overran(BaseException):
    """Raised in the thread making a letter when its time is up."""

    # BaseException: no library's `except Exception` may swallow the time limit.


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `Overran` in this thread after `seconds` (main thread only, where signals arrive)."""
    if not seconds or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Overran

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
