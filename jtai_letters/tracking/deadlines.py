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
from jtai_letters.letter.labels import CALENDAR_LABELS, TRACKING_LABELS
from jtai_letters.pipeline.options import DEFAULTS, Options
from jtai_letters.spec.load import LoadedSpec
from jtai_letters.spec.models import ResponseSpec, SignOffStep
from jtai_letters.spec.vocabulary import DEADLINE_DAYS
from jtai_letters.tracking.register import Register, Row, Wording, in_language, not_an_input, read, save

UID_DOMAIN = "jtai-letters"


def uid(*identity: object) -> str:
    """A UID that names the same thing in every export.

    >>> uid("Office", "Report", "2020-02-04") == uid("Office", "Report", "2020-02-04")
    True
    """
    digest = hashlib.sha256("\x1f".join(map(str, identity)).encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def to_ics(register: Register) -> bytes:
    """One event per spec's s55 deadline and one per open action with a due date, in the register's
    language; in two, each event's title and description in both, the first language first (one
    event per date, so a date is kept once: see docs/welsh.md)."""
    from icalendar import Calendar, Event

    every = [register.wording(tag) for tag in register.languages]

    calendar = Calendar()
    calendar.add("prodid", "-//jtai-letters//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", " / ".join(w(CALENDAR_LABELS["calendar"]) for w in every))

    events: list[tuple[tuple[object, ...], Path | None, dt.date, str, str, dt.date]] = []

    def event(
        key: tuple[object, ...], source: Path | None, day: dt.date, texts: list[tuple[str, str]], stamp: dt.date
    ) -> None:
        # in two languages: both titles on one line, each description its own paragraph, the first first
        summary, description = " / ".join(t for t, _ in texts), "\n\n".join(d for _, d in texts)
        events.append((key, source, day, summary, description, stamp))

    for loaded, deadline in _deadlines(register):
        spec, report, office = loaded.spec, loaded.spec.report, loaded.spec.office
        texts = [_deadline_text(w, _in(loaded, w)) for w in every]
        event((office.name, report.title, report.published), loaded.source.path, deadline, texts, spec.response.date)
    for loaded, invited in _comments_due(register):
        assert invited.due is not None
        report, office = loaded.spec.report, loaded.spec.office
        texts = [_comments_text(w, _in(loaded, w)) for w in every]
        invited_key: tuple[object, ...] = (office.name, report.title, report.published, "chief_constable_invited")
        event(invited_key, loaded.source.path, invited.due, texts, invited.date)
    for path, deadline in register.drafts:
        event(("draft", _shown(path)), None, deadline, [_draft_text(w, path) for w in every], deadline)
    due = [_due(register.rows_in(w.tag)) for w in every]  # the same actions, in the same order, in each language
    for n, row in enumerate(due[0]):
        assert row.due is not None
        due_key: tuple[object, ...] = (
            row.office,
            row.report_title,
            row.report_published,
            row.item_type,
            row.item_id,
            row.action_number,
        )
        texts = [_due_text(w, rows[n]) for w, rows in zip(every, due, strict=True)]
        event(due_key, row.source, row.due, texts, row.response_date)
    for key, (_, _, day, summary, description, stamp) in zip(unique_keys(events), events, strict=True):
        e = Event()
        e.add("uid", uid(*key))
        e.add("dtstamp", dt.datetime.combine(stamp, dt.time(), dt.UTC))  # from the data: the same export, same bytes
        e.add("dtstart", day)
        e.add("dtend", min(day, dt.date.max - dt.timedelta(days=1)) + dt.timedelta(days=1))
        language = {"language": register.languages[0]} if len(register.languages) == 1 else {}
        e.add("summary", summary, parameters=language)
        e.add("description", description, parameters=language)
        e.add("transp", "TRANSPARENT")
        calendar.add_component(e)
    return bytes(calendar.to_ical())


def _in(loaded: LoadedSpec, words: Wording) -> ResponseSpec:
    """The spec's model in the language of `words` (its first language's, if it is not written in it)."""
    return in_language(loaded, words.tag)


def _deadline_text(w: Wording, spec: ResponseSpec) -> tuple[str, str]:
    office, report = spec.office, spec.report
    return (
        w(CALENDAR_LABELS["deadline"], area=office.area, title=report.title),
        w(
            CALENDAR_LABELS["deadline_about"],
            role=office.role,
            area=office.area,
            title=report.title,
            date=report.published.isoformat(),
            days=DEADLINE_DAYS,
        ),
    )


def _comments_text(w: Wording, spec: ResponseSpec) -> tuple[str, str]:
    office, report = spec.office, spec.report
    return (
        w(CALENDAR_LABELS["comments"], area=office.area, title=report.title),
        w(CALENDAR_LABELS["comments_about"], role=office.role, area=office.area, title=report.title),
    )


def _draft_text(w: Wording, path: Path) -> tuple[str, str]:
    return w(CALENDAR_LABELS["draft"], name=path.stem), w(CALENDAR_LABELS["draft_about"], path=_shown(path))


def _due_text(w: Wording, row: Row) -> tuple[str, str]:
    return (
        w(CALENDAR_LABELS["due"], action=row.action),
        w(
            CALENDAR_LABELS["due_about"],
            item=w.item(row),
            title=row.report_title,
            office=row.office,
            owner=row.owner or w(TRACKING_LABELS["not_named"]),
            status=w.status(row.status),
        ),
    )


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
    paths: Iterable[Path],
    target: Path,
    as_of: dt.date,
    options: Options = DEFAULTS,
    *,
    drafts: bool = False,
    language: str | None = None,
) -> Register:
    """Write the calendar of the specs at `paths` to `target` (.ics); with `drafts`, a spec not yet
    valid adds its s55 deadline (with a warning) instead of failing the calendar."""
    if target.suffix.lower() != ".ics":
        raise UsageError(f"cannot write a calendar as '{target.name}'; name it .ics")
    register = read(not_an_input(target, paths), as_of, options, drafts=drafts, language=language)
    save(target, to_ics(register))
    return register
