"""Checks beyond types: the Police Act 1996 s55 duties and the house rules for published letters.

Each check returns located `Problem`s, errors or warnings, with a stable rule id
that reviewers and scripts can rely on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .errors import Problem
from .models import Action, Answer, Item, ResponseSpec
from .spec import Loc, SourceMap, source_of
from .text import Inline, links

DEADLINE_DAYS = 56  # s55(5A): "within 56 days beginning with the day" of publication
_PLACEHOLDER = re.compile(r"\b(?:TODO|TBC|TBA|FIXME|XXX+)\b|(?i:\[\s*insert\b[^\]]*\]|\blorem ipsum\b)")
# What XML 1.0, and so a Word document, cannot hold.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_VAGUE_LINK = re.compile(r"^(?:.*\bhere|click|link|this link|this page|more|read more|more info(?:rmation)?)\W*$", re.I)


def publication_deadline(published: dt.date) -> dt.date:
    """The last day a response may be published: day one is the publication day itself."""
    return published + dt.timedelta(days=DEADLINE_DAYS - 1)


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def check(spec: ResponseSpec) -> list[Problem]:
    """Every rule's problems for `spec`, errors and warnings, in file order."""
    src = source_of(spec)
    found = [
        *_deadline(spec, src),
        *_dates(spec, src),
        *_answers(spec.report.recommendations, spec.response.recommendations, "recommendations", "recommendation", src),
        *_answers(
            spec.report.areas_for_improvement,
            spec.response.areas_for_improvement,
            "areas_for_improvement",
            "area for improvement",
            src,
        ),
        *_chief_constable(spec, src),
        *_links(spec, src),
        *_unfinished(spec, src),
        *_updates(spec, src),
    ]
    return sorted(found, key=lambda p: (p.line or 0, p.column or 0))


def _deadline(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    last = publication_deadline(spec.report.published)
    if spec.response.date > last:
        late = (spec.response.date - last).days
        yield src.problem(
            ("response", "date"),
            f"the response is dated {late} day{'s' * (late != 1)} after the s55 deadline of {_day(last)} "
            f"(56 days beginning with publication on {_day(spec.report.published)})",
            rule="s55-deadline",
            warning=True,
        )


def _dates(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    report, response = spec.report, spec.response
    if report.inspection_period and report.inspection_period.end > report.published:
        yield src.problem(
            ("report", "inspection_period", "end"),
            f"the inspection ends after the report was published ({report.published.isoformat()})",
            rule="date-order",
        )
    if response.date < report.published:
        yield src.problem(
            ("response", "date"),
            f"the response is dated before the report was published ({report.published.isoformat()})",
            rule="date-order",
        )
    for i, action in enumerate(response.local_actions):
        if action.due and action.due < response.date:
            yield src.problem(
                ("response", "local_actions", i, "due"),
                "the action is due before the response date",
                rule="date-order",
                warning=True,
            )


def _answers(made: list[Item], given: list[Answer], key: str, what: str, src: SourceMap) -> Iterator[Problem]:
    made_ids = {item.id for item in made}
    given_ids = [answer.id for answer in given]
    for i, answer_id in enumerate(given_ids):
        if answer_id not in made_ids:
            known = ", ".join(sorted(made_ids)) or "none"
            yield src.problem(
                ("response", key, i, "id"),
                f"answers {what} '{answer_id}', which report.{key} does not list (known: {known})",
                rule="s55-unknown-id",
            )
        elif answer_id in given_ids[:i]:
            yield src.problem(
                ("response", key, i, "id"), f"{what} '{answer_id}' is answered twice", rule="s55-duplicate"
            )
    for i, item in enumerate(made):
        if item.id not in given_ids:
            yield src.problem(
                ("report", key, i),
                f"{what} '{item.id}' has no response: s55(5B) requires an explanation of the action taken "
                f"or proposed, or why none (add it under response.{key})",
                rule="s55-unanswered",
            )


def _chief_constable(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    if spec.response.chief_constable is None:
        yield src.problem(
            ("response",),
            "no chief_constable: s55 publishes the chief constable's comments with the response; "
            "add chief_constable.comments, or chief_constable.omitted_because saying why there are none",
            rule="s55-chief-constable",
            warning=True,
        )


def texts(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every string value in a spec model, with its field location."""
    for name in type(model).model_fields:
        yield from _values(getattr(model, name), (*loc, name))


def _values(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, BaseModel):
        yield from texts(value, loc)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _values(item, (*loc, i))
    elif isinstance(value, str):
        yield loc, value


def _links(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    link_text = spec.response.report_link_text
    if link_text and _VAGUE_LINK.match(link_text):
        yield _vague(src, ("response", "report_link_text"), link_text)
    for loc, value in texts(spec):
        if not isinstance(value, Inline):
            continue
        for link in links(value):
            if not link.safe:
                hint = f" (did you mean https://{link.href}?)" if link.href.lower().startswith("www.") else ""
                yield src.problem(
                    loc,
                    f"link target '{link.href}' is not an absolute http(s) URL: the letter shows the words "
                    f"'{link.words}' without a link{hint}",
                    rule="link-target",
                    warning=True,
                )
            if _VAGUE_LINK.match(link.words):
                yield _vague(src, loc, link.words)


def _unfinished(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    for loc, value in texts(spec):
        if match := _PLACEHOLDER.search(value):
            yield src.problem(
                loc,
                f"unfinished: '{match.group(0)}' is a placeholder; replace it with the real text",
                rule="placeholder",
            )
        if match := _UNSTORABLE.search(value):
            yield src.problem(
                loc,
                f"contains the control character U+{ord(match.group(0)):04X}, which a letter cannot hold; delete it",
                rule="character",
            )


def _vague(src: SourceMap, loc: Loc, words: str) -> Problem:
    return src.problem(
        loc,
        f"link text '{words}' does not say where the link goes; accessible link text makes sense on its own "
        "(for example the report's title)",
        rule="link-text",
        warning=True,
    )


def located_actions(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, Action]]:
    """Every action in a spec model (local, or answering an item), with its field location."""
    if isinstance(model, Action):
        yield loc, model
        return
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from located_actions(value, (*loc, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from located_actions(item, (*loc, name, i))


def _updates(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    # Progress comes after the promise, oldest first, so the last update is the current status.
    for loc, action in located_actions(spec.response, ("response",)):
        previous = spec.response.date
        for i, update in enumerate(action.updates):
            if update.date < spec.response.date:
                message = f"the update is dated before the response ({spec.response.date.isoformat()})"
            elif update.date < previous:
                message = (
                    f"the update is dated before the one above it ({previous.isoformat()}); list updates oldest first"
                )
            else:
                previous = update.date
                continue
            yield src.problem((*loc, "updates", i, "date"), message, rule="update-order")


def updates_after(spec: ResponseSpec, as_of: dt.date) -> list[Problem]:
    """Warnings for progress dated after `as_of`: `validate` and `register` say so; letters never read the clock."""
    src = source_of(spec)
    return [
        src.problem(
            (*loc, "updates", i, "date"),
            f"the update is dated {update.date.isoformat()}, after {as_of.isoformat()}: is the date right?",
            rule="update-future",
            warning=True,
        )
        for loc, action in located_actions(spec.response, ("response",))
        for i, update in enumerate(action.updates)
        if update.date > as_of
    ]
