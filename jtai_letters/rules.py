"""Checks beyond types: the Police Act 1996 s55 duties and the house rules for published letters.

Each check returns located `Problem`s, errors or warnings, with a stable rule id
that reviewers and scripts can rely on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
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
    return published + dt.timedelta(days=DEADLINE_DAYS - 1)


def deadline_note(published: dt.date) -> str | None:
    """Why a report has no s55 deadline, or None when it has one."""
    if published >= S55_5A_COMMENCEMENT:
        return None
    return (
        f"published on {_day(published)}, before s55(5A) and (5B) came into force on "
        f"{_day(S55_5A_COMMENCEMENT)} (Policing and Crime Act 2017 s37; SI 2017/399 reg 4(a)): no 56-day deadline"
    )


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def check(spec: ResponseSpec) -> list[Problem]:
    """Every rule's problems for `spec`, errors and warnings, in file order."""
    src = source_of(spec)
    in_force = publication_deadline(spec.report.published) is not None
    found = [
        *_deadline(spec, src),
        *_dates(spec, src),
        *_answers(
            spec.report.recommendations,
            spec.response.recommendations,
            "recommendations",
            "recommendation",
            src,
            in_force=in_force,
        ),
        *_answers(
            spec.report.areas_for_improvement,
            spec.response.areas_for_improvement,
            "areas_for_improvement",
            "area for improvement",
            src,
            in_force=in_force,
        ),
        *_answers(
            spec.report.causes_of_concern,
            spec.response.causes_of_concern,
            "causes_of_concern",
            "cause of concern",
            src,
            in_force=in_force,
            required=False,
        ),
        *_concern_recommendations(spec, src),
        *_not_applicable(spec, src),
        *_recommendation_count(spec, src),
        *_copies(spec, src),
        *_body(spec, src),
        *_chief_constable(spec, src),
        *_links(spec, src),
        *_unfinished(spec, src),
    ]
    return sorted(found, key=lambda p: (p.line or 0, p.column or 0))


def _deadline(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    last = publication_deadline(spec.report.published)
    if last is not None and spec.response.date > last:
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
    for loc, action in actions(spec):
        # A month or quarter is due by its last day.
        if action.due and action.due.last_day < response.date:
            yield src.problem(
                (*loc, "due"), "the action is due before the response date", rule="date-order", warning=True
            )


ANSWER_KEYS = ("recommendations", "areas_for_improvement", "causes_of_concern")


def actions(spec: ResponseSpec) -> Iterator[tuple[Loc, Action]]:
    """Every action in the spec, wherever it sits, with its location."""
    response = spec.response
    for i, action in enumerate(response.local_actions):
        yield ("response", "local_actions", i), action
    for key in ANSWER_KEYS:
        for i, answer in enumerate(getattr(response, key)):
            for j, action in enumerate(answer.actions):
                yield ("response", key, i, "actions", j), action
    for i, block in enumerate(response.body or ()):
        for j, action in enumerate(block.actions or ()):
            yield ("response", "body", i, "actions", j), action


def _id_loc(key: str, answer: Answer, i: int, j: int) -> Loc:
    return ("response", key, i, "id") if answer.id is not None else ("response", key, i, "ids", j)


def _answers(
    made: Sequence[Item],
    given: list[Answer],
    key: str,
    what: str,
    src: SourceMap,
    *,
    in_force: bool,
    required: bool = True,
) -> Iterator[Problem]:
    made_ids = {item.id for item in made}
    seen: set[str] = set()
    for i, answer in enumerate(given):
        for j, answer_id in enumerate(answer.answered_ids):
            if answer_id not in made_ids:
                known = ", ".join(sorted(made_ids)) or "none"
                yield src.problem(
                    _id_loc(key, answer, i, j),
                    f"answers {what} '{answer_id}', which report.{key} does not list (known: {known})",
                    rule="s55-unknown-id",
                )
            elif answer_id in seen:
                yield src.problem(
                    _id_loc(key, answer, i, j), f"{what} '{answer_id}' is answered twice", rule="s55-duplicate"
                )
            seen.add(answer_id)
    for i, item in enumerate(made):
        if item.id not in seen:
            law = (
                "s55(5B) requires an explanation of the action taken or proposed, or why none"
                if in_force
                else "the report predates s55(5B) (in force 2 May 2017), but an answer to each is still best practice"
            )
            yield src.problem(
                ("report", key, i),
                f"{what} '{item.id}' has no response: {law} (add it under response.{key})",
                rule="s55-unanswered",
                warning=not (required and in_force),
            )


def _concern_recommendations(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    known = {item.id for item in spec.report.recommendations}
    for i, concern in enumerate(spec.report.causes_of_concern):
        for j, rec in enumerate(concern.recommendations):
            if rec not in known:
                yield src.problem(
                    ("report", "causes_of_concern", i, "recommendations", j),
                    f"cause of concern '{concern.id}' names recommendation '{rec}', which report.recommendations "
                    f"does not list (known: {', '.join(sorted(known)) or 'none'})",
                    rule="s55-unknown-id",
                )


def _not_applicable(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    for key in ANSWER_KEYS:
        for i, answer in enumerate(getattr(spec.response, key)):
            if not answer.applies and answer.actions:
                yield src.problem(
                    ("response", key, i, "applies"),
                    "the answer says the recommendation does not apply, yet lists actions: "
                    "remove `applies: false`, or the actions",
                    rule="s55-not-applicable",
                    warning=True,
                )


def _recommendation_count(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    count, listed = spec.report.recommendation_count, len(spec.report.recommendations)
    if count is None:
        return
    if count < listed:
        yield src.problem(
            ("report", "recommendation_count"),
            f"recommendation_count is {count}, but report.recommendations lists {listed}",
            rule="recommendation-count",
        )
    elif count > listed:
        yield src.problem(
            ("report", "recommendation_count"),
            f"the report makes {count} recommendations and {listed} are listed and answered: "
            "make sure the letter says how the others are addressed",
            rule="recommendation-count",
            warning=True,
        )


def _copies(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    if not spec.response.copies:
        yield src.problem(
            ("response",),
            "no copies recorded: s55(6) sends the published response to the inspectors of constabulary and the "
            "Secretary of State; list them in response.copies",
            rule="s55-copies",
            warning=True,
        )


# Parts a body prints only where it places them, with `show:`: where each is held, and whether the spec has it.
_SHOWN_PARTS: dict[str, tuple[Loc, Callable[[ResponseSpec], object]]] = {
    "chief_constable": (
        ("response", "chief_constable"),
        lambda spec: spec.response.chief_constable and spec.response.chief_constable.comments,
    ),
    "judgements": (("report", "judgements"), lambda spec: spec.report.judgements),
    "causes_of_concern": (("report", "causes_of_concern"), lambda spec: spec.report.causes_of_concern),
    "monitoring": (("response", "monitoring"), lambda spec: spec.response.monitoring),
    "report_link": (("report", "url"), lambda spec: True),
    "report_summary": (("report", "summary"), lambda spec: spec.report.summary),
}
# Fields a body leaves unprinted: each would be a dropped part of the letter.
_OUTSIDE_BODY = (
    "opening",
    "context",
    "key_findings",
    "national_context",
    "strategy_themes",
    "local_actions",
    "recommendations_summary",
    "closing",
)


def _body(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    body = spec.response.body
    if body is None:
        return
    shown: dict[str, int] = {}
    placed: dict[tuple[str, int], list[Loc]] = {}
    items = {item.id: key for key in ANSWER_KEYS for item in getattr(spec.report, key)}
    answer_of = {
        answer_id: (key, i)
        for key in ANSWER_KEYS
        for i, answer in enumerate(getattr(spec.response, key))
        for answer_id in answer.answered_ids
    }
    for i, block in enumerate(body):
        if block.show is not None:
            loc: Loc = ("response", "body", i, "show")
            if block.show in shown:
                yield src.problem(loc, f"'{block.show}' is shown twice in the body", rule="body-placement")
            elif not _SHOWN_PARTS[block.show][1](spec):
                yield src.problem(
                    loc, f"shows '{block.show}', which the spec does not hold: remove the block", rule="body-placement"
                )
            shown[block.show] = i
        for j, answer_id in enumerate(block.answers or ()):
            loc = ("response", "body", i, "answers", j)
            if answer_id not in items:
                yield src.problem(loc, f"places '{answer_id}', which the report does not list", rule="body-placement")
            elif answer_id in answer_of:
                placed.setdefault(answer_of[answer_id], []).append(loc)
    for key in ANSWER_KEYS:
        for i, answer in enumerate(getattr(spec.response, key)):
            where = placed.get((key, i), [])
            ids = " / ".join(answer.answered_ids)
            if not where:
                yield src.problem(
                    ("response", key, i),
                    f"the answer to {ids} is not placed in response.body: add `- answers: [{answer.answered_ids[0]}]` "
                    "where it belongs",
                    rule="body-placement",
                )
            for loc in where[1:]:
                yield src.problem(loc, f"the answer to {ids} is placed twice in the body", rule="body-placement")
    if "chief_constable" not in shown and _SHOWN_PARTS["chief_constable"][1](spec):
        yield src.problem(
            ("response", "chief_constable"),
            "the chief constable's comments are not placed in response.body: add `- show: chief_constable`",
            rule="body-placement",
        )
    for name in ("judgements", "causes_of_concern", "monitoring", "report_summary"):
        field, held = _SHOWN_PARTS[name]
        if name in shown or not held(spec):
            continue
        if name == "causes_of_concern" and all(c.id in answer_of for c in spec.report.causes_of_concern):
            continue  # printed with their answers
        yield src.problem(
            field,
            f"not printed: response.body does not place it (add `- show: {name}`)",
            rule="body-placement",
            warning=True,
        )
    for name in _OUTSIDE_BODY:
        if getattr(spec.response, name):
            yield src.problem(
                ("response", name),
                "not printed: with response.body, the letter holds only what the body places; move it into the body",
                rule="body-placement",
                warning=True,
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
