"""Dates as a spec writes them, and as officers write them otherwise: what a refused one meant.

A spec writes a day `2027-01-10` (year-month-day), a month `2027-01` and a financial quarter
`2026-27 Q4` (the year runs April to March: Q1 is April to June, Q4 January to March). An officer
used to letters writes `10/01/2027`, `10 January 2027` or `Q1 2027`; these are refused, and the
message says what the spec's spelling of them is, read the UK way (day before month; a quarter of
a calendar year as the financial quarter holding the same months).

>>> day_reading("10/01/2027"), day_reading("Friday 10th January 2027"), day_reading("2027-01-10")
('2027-01-10', '2027-01-10', None)
>>> due_reading("Q1 2027"), due_reading("2026/27 q1"), due_reading("March 2027")
('2026-27 Q4 (January to March 2027)', '2026-27 Q1 (April to June 2026)', '2027-03')
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

EXAMPLE_DAY = "2020-03-30"
QUARTERS = "a financial year's Q1 is April to June, its Q4 January to March"


def financial_quarter(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of quarter 1-4 of the financial year starting in April of `year`.

    >>> financial_quarter(2026, 4)
    (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
    """
    first_month = 4 + 3 * (quarter - 1)
    first = dt.date(year + (first_month - 1) // 12, (first_month - 1) % 12 + 1, 1)
    last_month = first.month + 2
    return first, dt.date(first.year, last_month, calendar.monthrange(first.year, last_month)[1])


def months(first: dt.date, last: dt.date) -> str:
    """`April to June 2026`: the months from `first` to `last`, in one calendar year."""
    return f"{first:%B} to {last:%B %Y}"


def not_a_date(given: object) -> str:
    """The message for a day written some other way than year-month-day."""
    reading = day_reading(given) if isinstance(given, str) else None
    shown = f"'{given}'" if isinstance(given, str) else repr(given)
    return f"expected a date like {EXAMPLE_DAY} (year-month-day), got {shown}" + (
        f"; did you mean {reading}?" if reading else ""
    )


_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH_NAMES["sept"] = 9
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_NUMBERS = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")  # 10/01/2027: day first, in the UK
_YEAR_FIRST = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")  # 2027/01/10
_DAY_MONTH = re.compile(rf"^{_WEEKDAY}(\d{{1,2}}){_ORDINAL}\s+([a-z]+)\.?,?\s+(\d{{4}})$", re.I)
_MONTH_DAY = re.compile(rf"^{_WEEKDAY}([a-z]+)\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})$", re.I)
_MONTH_WORDS = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$", re.I)  # March 2027
_MONTH_NUMBERS = re.compile(r"^(\d{1,2})[/.-](\d{4})$")  # 03/2027
_CALENDAR_QUARTER = re.compile(r"^(?:Q([1-4])\s*(\d{4})|(\d{4})\s*Q([1-4]))$", re.I)  # Q1 2027, 2027 Q1
_FINANCIAL_QUARTER = re.compile(
    r"^(?:Q([1-4])\s*(\d{4})\s*[-/–]\s*(\d{4}|\d{2})|(\d{4})\s*[-/–]\s*(\d{4}|\d{2})\s*Q([1-4]))$", re.I
)  # Q1 2026-27, 2026/2027 Q1


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def day_reading(text: str) -> str | None:
    """The day `text` names, written year-month-day, when it is written another way."""
    text = " ".join(text.split())
    if match := _NUMBERS.match(text):
        day, month, year = (int(g) for g in match.groups())
        return _day(year + 2000 if year < 100 else year, month, day)
    if match := _YEAR_FIRST.match(text):
        return _day(*(int(g) for g in match.groups()))
    if match := _DAY_MONTH.match(text):
        named = _MONTH_NAMES.get(match.group(2).lower())
        return _day(int(match.group(3)), named, int(match.group(1))) if named else None
    if match := _MONTH_DAY.match(text):
        named = _MONTH_NAMES.get(match.group(1).lower())
        return _day(int(match.group(3)), named, int(match.group(2))) if named else None
    return None


def due_reading(text: str) -> str | None:
    """What `text`, refused as a due date, is written as in a spec: a day, a month, or a financial
    quarter with its months."""
    text = " ".join(text.split())
    if day := day_reading(text):
        return day
    month_words = _MONTH_WORDS.match(text)
    if month_words and (month := _MONTH_NAMES.get(month_words.group(1).lower())):
        return f"{month_words.group(2)}-{month:02d}"
    if (month_numbers := _MONTH_NUMBERS.match(text)) and 1 <= int(month_numbers.group(1)) <= 12:
        return f"{month_numbers.group(2)}-{int(month_numbers.group(1)):02d}"
    if match := _CALENDAR_QUARTER.match(text):
        quarter, year = int(match.group(1) or match.group(4)), int(match.group(2) or match.group(3))
        # January to March is the last quarter of the financial year that began the April before.
        start, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        return _quarter(start, quarter)
    if match := _FINANCIAL_QUARTER.match(text):
        quarter = int(match.group(1) or match.group(6))
        start, end = int(match.group(2) or match.group(4)), int(match.group(3) or match.group(5))
        return _quarter(start, quarter) if end % 100 == (start + 1) % 100 else None
    return None


def _quarter(start: int, quarter: int) -> str:
    return f"{start}-{(start + 1) % 100:02d} Q{quarter} ({months(*financial_quarter(start, quarter))})"
