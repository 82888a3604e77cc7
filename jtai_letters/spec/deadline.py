"""The s55 deadline: the law's dates, read by the checks, the skeleton and the messages about dates."""

from __future__ import annotations

import datetime as dt

DEADLINE_DAYS = 56  # s55(5A): "within 56 days beginning with the day" of publication


# s55(5A) and (5B), inserted by the Policing and Crime Act 2017 s37, came into force on
# 2 May 2017 (SI 2017/399, regulation 4(a)): the 56 days and the duty to answer each
# recommendation apply to reports published on or after that day.
S55_5A_COMMENCEMENT = dt.date(2017, 5, 2)


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
        f"published on {day(published)}, before s55(5A) and (5B) came into force on "
        f"{day(S55_5A_COMMENCEMENT)} (Policing and Crime Act 2017 s37; SI 2017/399 reg 4(a)): no 56-day deadline"
    )


def day(value: dt.date) -> str:
    """`4 February 2020`."""
    return f"{value.day} {value:%B %Y}"
