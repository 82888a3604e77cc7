"""What the printing libraries log while a letter is written, as the letter's problems.

A CSS mistake in an office's layout (`colr: red`), an image that does not load:
WeasyPrint logs a warning and prints the letter without what it skipped. Those
records become located warnings of the letter (so `--strict` refuses it) instead
of noise on stderr.

Nothing process-wide is toggled per call: a filter, inert outside a capture, sits
on the printing libraries' loggers, and each capture collects into its own list
(a context variable), so two letters written at once on two threads (the preview's
downloads) never see each other's records, and the host's logging is untouched
when nothing is being captured.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from jtai_letters.errors import Problem

WRITER_LOGGERS = ("weasyprint", "fontTools")
"""Libraries whose warnings while writing a letter are the letter's problems, never lost on stderr."""

_collecting: ContextVar[list[logging.LogRecord] | None] = ContextVar("collecting", default=None)


class _Route(logging.Filter):
    """Inside a capture, takes a writer's record for the capture (and stops it there); outside, lets it be."""

    def filter(self, record: logging.LogRecord) -> bool:
        found = _collecting.get()
        if found is None:
            return True
        if record.levelno >= logging.WARNING:
            found.append(record)
        return False


_ROUTE = _Route()


def _route_every_writer_logger() -> None:
    # A filter on a logger sees only its own records, not its children's: each is given one
    # (the writers are imported before a capture, so their loggers exist by then).
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in WRITER_LOGGERS]
    for name in (*WRITER_LOGGERS, *names):
        logger = logging.getLogger(name)
        if _ROUTE not in logger.filters:
            logger.addFilter(_ROUTE)


@contextmanager
def writer_warnings(source: Path) -> Iterator[list[Problem]]:
    """Collect what WeasyPrint (and the font subsetter) log while the letter is written, as problems
    (rule `printing`, warnings) about `source`, each said once."""
    _route_every_writer_logger()
    records: list[logging.LogRecord] = []
    found: list[Problem] = []
    token = _collecting.set(records)
    try:
        yield found
    finally:
        _collecting.reset(token)
        for record in records:
            said = record.getMessage().strip()
            message = said.splitlines()[0] if said else ""
            problem = Problem(f"while printing: {message}", source, rule="printing")
            if problem not in found:
                found.append(problem)
