"""The s55 deadline, counted from the vocabulary's constants: read by the checks, the skeleton and
the messages about dates (which sit in the spec layer, below the checks)."""

from __future__ import annotations

import datetime as dt

from jtai_letters.spec.vocabulary import COMMENCEMENT_SOURCE, DEADLINE_DAYS, S55_5A_COMMENCEMENT, spelled


def publication_deadline(published: dt.date) -> dt.date | None:
    """The last day a response may be published: day one is the publication day itself.
    None for a report published before s55(5A) came into force.

    >>> publication_deadline(dt.date(2020, 2, 4)), publication_deadline(dt.date(2014, 3, 1))
    (datetime.date(2020, 3, 30), None)
    """
    if published < S55_5A_COMMENCEMENT:
        return None
    if published > dt.date.max - dt.timedelta(days=DEADLINE_DAYS - 1):
        return dt.date.max  # a report dated at the end of year 9999: no later day to give
    return published + dt.timedelta(days=DEADLINE_DAYS - 1)


def deadline_note(published: dt.date) -> str | None:
    """Why a report has no s55 deadline, or None when it has one."""
    if published >= S55_5A_COMMENCEMENT:
        return None
    return (
        f"published on {spelled(published)}, before s55(5A) and (5B) came into force on "
        f"{spelled(S55_5A_COMMENCEMENT)} ({COMMENCEMENT_SOURCE}): no {DEADLINE_DAYS}-day deadline"
    )
