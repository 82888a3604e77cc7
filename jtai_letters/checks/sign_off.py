"""Where a response stands: its sign-off steps checked, and its stage and what is due next.

The steps are the ones the law and the office's governance fix: the chief constable invited to
comment by a date the commissioner sets (s55(4)), the comments received, the final text approved,
the response published (within 56 days beginning with the report's publication day, s55(5A)),
copies sent to the inspectors of constabulary and the Secretary of State (s55(6)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from jtai_letters.checks.rules import check_rule, problem, publication_deadline
from jtai_letters.errors import Problem
from jtai_letters.spec.load import LoadedSpec, SourceMap
from jtai_letters.spec.models import ResponseSpec, SignOffStep
from jtai_letters.spec.vocabulary import NEXT_STEPS, REPEATABLE_STEPS, SIGN_OFF_STEPS, STAGE_LABELS


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


@check_rule
def steps_in_order(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    """Each step once, none before the report or before a step that comes earlier, approval before publication."""
    steps = spec.response.sign_off_steps
    here = ("response", "sign_off_steps")
    seen: dict[str, int] = {}
    for i, step in enumerate(steps):
        loc = (*here, i, "step")
        if step.step in seen and step.step not in REPEATABLE_STEPS:
            said = f"{step.step} is recorded twice (also as step {seen[step.step] + 1})"
            yield problem(src, loc, said, "sign-off", kind="error")
        seen.setdefault(step.step, i)
        if step.date < spec.report.published:
            yield problem(
                src,
                (*here, i, "date"),
                f"{step.step} is dated {_day(step.date)}, before the report was published "
                f"({_day(spec.report.published)})",
                "sign-off",
                kind="error",
            )
        for j, earlier in enumerate(steps):
            if SIGN_OFF_STEPS.index(earlier.step) < SIGN_OFF_STEPS.index(step.step) and earlier.date > step.date:
                yield problem(
                    src,
                    (*here, i, "date"),
                    f"{step.step} is dated {_day(step.date)}, before {earlier.step} (step {j + 1}, "
                    f"{_day(earlier.date)}); the steps go {', '.join(SIGN_OFF_STEPS)}",
                    "sign-off",
                    kind="error",
                )
                break
    for i, step in enumerate(steps):
        if step.step == "published" and "approved" not in seen:
            yield problem(
                src,
                (*here, i, "step"),
                "published without being approved: record the step approved (the commissioner's approval "
                "of the final text) before it",
                "sign-off",
                kind="error",
            )
        deadline = publication_deadline(spec.report.published)
        if step.step == "published" and deadline is not None and step.date > deadline:
            yield problem(
                src,
                (*here, i, "date"),
                f"published on {_day(step.date)}, after the s55 deadline ({_day(deadline)})",
                "sign-off",
                kind="warning",
            )
        if step.step == "chief_constable_invited" and step.due is not None and step.due < step.date:
            yield problem(
                src,
                (*here, i, "due"),
                f"the comments are asked for by {_day(step.due)}, before the invitation ({_day(step.date)})",
                "sign-off",
                kind="error",
            )


def recorded_after(loaded: LoadedSpec, as_of: dt.date) -> list[Problem]:
    """Errors for steps dated after `as_of` (today, unless a report is run for another day): a step is
    recorded once it has happened. Letters never read the clock, so this runs beside the rules."""
    spec, src = loaded.spec, loaded.source
    return [
        problem(
            src,
            ("response", "sign_off_steps", i, "date"),
            f"{step.step} is dated {_day(step.date)}, after {_day(as_of)}: record a step once it has happened",
            "sign-off",
            kind="error",
        )
        for i, step in enumerate(spec.response.sign_off_steps)
        if step.date > as_of
    ]


@dataclass(frozen=True)
class Stage:
    """Where a response stands and what is due next."""

    step: str  # the furthest step recorded, or "draft" (a key of vocabulary.STAGE_LABELS)
    next_due: str  # what is due next, in words ("" when nothing is)
    next_due_date: dt.date | None

    @property
    def label(self) -> str:
        """The stage in words, as the register prints it."""
        return STAGE_LABELS[self.step]


def furthest(steps: list[SignOffStep], name: str) -> SignOffStep | None:
    """The last recorded step called `name`."""
    found = [s for s in steps if s.step == name]
    return found[-1] if found else None


def stage(spec: ResponseSpec) -> Stage:
    """The stage of `spec` and what is due next: the chief constable's comments, the s55 deadline,
    or the copies.

    >>> from jtai_letters import load_spec
    >>> stage(load_spec("responses/loamshire-2025-peel.yaml").spec)
    Stage(step='approved', next_due='s55 deadline', next_due_date=datetime.date(2025, 12, 1))
    """
    steps = spec.response.sign_off_steps
    recorded = [s.step for s in steps]
    step = max(recorded, key=SIGN_OFF_STEPS.index) if recorded else "draft"
    deadline = publication_deadline(spec.report.published)
    if "published" not in recorded:
        invited = furthest(steps, "chief_constable_invited")
        if invited is not None and invited.due is not None and "chief_constable_comments_received" not in recorded:
            return Stage(step, NEXT_STEPS["comments"], invited.due)
        return Stage(step, NEXT_STEPS["deadline"] if deadline else "", deadline)
    if "copies_sent" not in recorded:
        return Stage(step, NEXT_STEPS["copies"], None)
    return Stage(step, "", None)
