"""The dates to keep, as an iCalendar file: each response's s55 deadline and each open action's due date.

Events are all-day and made from the register's rows. Their UIDs come from what
the event is about (office, report, item, action), never from the clock, so
importing a newer export updates the events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jtai_letters.checks.rules import publication_deadline
from jtai_letters.checks.sign_off import furthest
from jtai_letters.errors import UsageError
from jtai_letters.pipeline.options import DEFAULTS, Options
from jtai_letters.spec.load import LoadedSpec
from jtai_letters.spec.models import SignOffStep
from jtai_letters.spec.vocabulary import DEADLINE_DAYS
from jtai_letters.tracking.register import Register, Row, not_an_input, read, save

UID_DOMAIN = "jtai-letters"


def uid(*identity: object) -> str:
    """A UID that names the same thing in every export.

    >>> uid("Office", "Report", "2020-02-04") == uid("Office", "Report", "2020-02-04")
    True
    """
    digest = hashlib.sha256("\x1f".join(map(str, identity)).encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def to_ics(register: Register) -> bytes:
    """One event per spec's s55 deadline and one per open action with a due date."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//jtai-letters//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Inspection responses: deadlines")

    events: list[tuple[tuple[object, ...], Path | None, dt.date, str, str, dt.date]] = []
    source: Path | None = None  # the spec file of the events being made

    def event(key: tuple[object, ...], day: dt.date, summary: str, description: str, stamp: dt.date) -> None:
        events.append((key, source, day, summary, description, stamp))

    for loaded, deadline in _deadlines(register):
        spec = loaded.spec
        report, office = spec.report, spec.office
        source = loaded.source.path
        event(
            (office.name, report.title, report.published),
            deadline,
            f"s55 deadline: {office.area} response to {report.title}",
            f"Last day to publish the response of the {office.role} for {office.area} to '{report.title}' "
            f"(published {report.published.isoformat()}): s55 allows {DEADLINE_DAYS} days from publication.",
            spec.response.date,
        )
    for loaded, invited in _comments_due(register):
        assert invited.due is not None
        spec = loaded.spec
        report, office = spec.report, spec.office
        source = loaded.source.path
        event(
            (office.name, report.title, report.published, "chief_constable_invited"),
            invited.due,
            f"Chief constable's comments due: {office.area} response to {report.title}",
            f"The {office.role} for {office.area} asked the chief constable to comment on '{report.title}' "
            f"by this date (s55(4)).",
            invited.date,
        )
    for path, deadline in register.drafts:
        event(
            ("draft", _shown(path)),
            deadline,
            f"s55 deadline (draft): {path.stem}",
            f"Last day to publish the response drafted in {_shown(path)}: the draft is not yet valid "
            "(validate lists what it lacks).",
            deadline,
        )
    for row in _due(register.rows):
        assert row.due is not None
        source = row.source
        event(
            (row.office, row.report_title, row.report_published, row.item_type, row.item_id, row.action_number),
            row.due,
            f"Due: {row.action}",
            f"{row.item_type.capitalize()}{f' {row.item_id}' if row.item_id else ''} of '{row.report_title}' "
            f"({row.office}). "
            f"Owner: {row.owner or 'not named'}. Status: {row.status}.",
            row.response_date,
        )
    for key, (_, _, day, summary, description, stamp) in zip(unique_keys(events), events, strict=True):
        e = Event()
        e.add("uid", uid(*key))
        e.add("dtstamp", dt.datetime.combine(stamp, dt.time(), dt.UTC))  # from the data: the same export, same bytes
        e.add("dtstart", day)
        e.add("dtend", min(day, dt.date.max - dt.timedelta(days=1)) + dt.timedelta(days=1))
        e.add("summary", summary)
        e.add("description", description)
        e.add("transp", "TRANSPARENT")
        calendar.add_component(e)
    return bytes(calendar.to_ical())


def unique_keys(events: list[tuple[tuple[object, ...], Path | None, Any, Any, Any, Any]]) -> list[tuple[object, ...]]:
    """Each event's identity, made unique: what it is about, and for events that would share it (two specs
    of one office, report and date), the name of the spec file too, then its place in the export. Each
    stays the same from one export to the next, so a calendar updates its events rather than add more."""
    keys = [key for key, *_ in events]
    shared = {key for key in keys if keys.count(key) > 1}
    named = [
        (*key, source.name if source else "") if key in shared else key
        for key, (_, source, *_) in zip(keys, events, strict=True)
    ]
    seen: dict[tuple[object, ...], int] = {}
    found = []
    for key in named:
        seen[key] = seen.get(key, 0) + 1
        found.append(key if seen[key] == 1 else (*key, seen[key]))
    return found


def counts(register: Register) -> tuple[int, int, int]:
    """(s55 deadlines, drafts' too; chief constables' comments due; open actions' due dates): the calendar's events."""
    return len(_deadlines(register)) + len(register.drafts), len(_comments_due(register)), len(_due(register.rows))


def _comments_due(register: Register) -> list[tuple[LoadedSpec, SignOffStep]]:
    # Asked for by a date and not yet received: the date to chase.
    found = []
    for loaded in register.specs:
        steps = loaded.spec.response.sign_off_steps
        invited = furthest(steps, "chief_constable_invited")
        received = furthest(steps, "chief_constable_comments_received")
        if invited is not None and invited.due is not None and received is None:
            found.append((loaded, invited))
    return found


def _shown(path: Path) -> str:
    return path.as_posix()


def _deadlines(register: Register) -> list[tuple[LoadedSpec, dt.date]]:
    # A report from before s55(5A) has no deadline to keep.
    found = ((s, publication_deadline(s.spec.report.published)) for s in register.specs)
    return [(spec, deadline) for spec, deadline in found if deadline is not None]


def _due(rows: Iterable[Row]) -> list[Row]:
    return [row for row in rows if row.due is not None and row.open]


def export(
    paths: Iterable[Path], target: Path, as_of: dt.date, options: Options = DEFAULTS, *, drafts: bool = False
) -> Register:
    """Write the calendar of the specs at `paths` to `target` (.ics); with `drafts`, a spec not yet
    valid adds its s55 deadline (with a warning) instead of failing the calendar."""
    if target.suffix.lower() != ".ics":
        raise UsageError(f"cannot write a calendar as '{target.name}'; name it .ics")
    register = read(not_an_input(target, paths), as_of, options, drafts=drafts)
    save(target, to_ics(register))
    return register
