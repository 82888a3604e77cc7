"""The words the tool knows, stated once: every layer reads this table.

The kinds of item a report makes, the statuses of an action (and those the register adds),
PEEL grades, the kinds of body block and the parts a body may `show:`, the kinds of report,
the languages, the output formats, and the law's constants. The models' `Literal`s are declared
here and their tuples derived with `typing.get_args`; the rules, the register, `new`'s comments,
the schema and the templates (given `vocabulary` as `Words`) read the same rows.

To add a status: one row in `STATUS_TABLE` and its value in `Status` (a test checks they
match), and its label's translation in each catalogue. To add a language: one row in
`LANGUAGES`, and its catalogue.

The labels are msgids in British English, marked with `N_` for the catalogue's extractor;
they are translated where they are printed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal


def N_(message: str) -> str:
    """Marks `message` for the catalogue (the extractor finds it); it is translated where it is printed."""
    return message


def one_of(words: Iterable[str], last: str = "or") -> str:
    """Words as a list in a sentence.

    >>> one_of(["planned", "in progress", "complete"])
    'planned, in progress or complete'
    """
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def spelled(day: dt.date) -> str:
    """A date as messages and help write it.

    >>> spelled(S55_5A_COMMENCEMENT)
    '2 May 2017'
    """
    return f"{day.day} {day:%B %Y}"


# -- the law -----------------------------------------------------------------------------------

DEADLINE_DAYS = 56
"""s55(5A): the response is published "within 56 days beginning with the day" the report is."""
S55_5A_COMMENCEMENT = dt.date(2017, 5, 2)
"""s55(5A) and (5B), inserted by the Policing and Crime Act 2017 s37, came into force on this day
(SI 2017/399, regulation 4(a)): the deadline and the duty to answer each recommendation apply to
reports published on or after it."""
COMMENCEMENT_SOURCE = "Policing and Crime Act 2017 s37; SI 2017/399 reg 4(a)"


# -- what a report makes, and the response answers -----------------------------------------------

ItemField = Literal["recommendations", "areas_for_improvement", "causes_of_concern"]
"""The keys under `report` (the items made) and `response` (their answers), in the order a letter answers them."""


@dataclass(frozen=True)
class ItemKind:
    """One kind of item a report makes."""

    field: ItemField  # its key under `report` and `response`
    name: str  # one of them, in messages and the register's item_type
    prefix: str  # the usual start of its ids (R1, AFI1, C1), for examples
    required: bool  # s55(5B) requires an answer to each (otherwise a warning)
    heading: str  # msgid: the letter's heading over their answers
    label: str  # msgid: the heading of one answer, "%(id)s"
    label_many: str  # msgid: the heading of an answer to several, "%(ids)s and %(last)s"


ITEM_KINDS: tuple[ItemKind, ...] = (
    ItemKind(
        "recommendations",
        "recommendation",
        "R",
        True,
        N_("Recommendations"),
        N_("Recommendation %(id)s"),
        N_("Recommendations %(ids)s and %(last)s"),
    ),
    ItemKind(
        "areas_for_improvement",
        "area for improvement",
        "AFI",
        True,
        N_("Areas for improvement"),
        N_("Area for improvement %(id)s"),
        N_("Areas for improvement %(ids)s and %(last)s"),
    ),
    ItemKind(
        "causes_of_concern",
        "cause of concern",
        "C",
        False,
        N_("Causes of concern"),
        N_("Cause of concern %(id)s"),
        N_("Causes of concern %(ids)s and %(last)s"),
    ),
)
ITEM_FIELDS: tuple[ItemField, ...] = typing.get_args(ItemField)
ITEM_KIND: Mapping[str, ItemKind] = MappingProxyType({kind.field: kind for kind in ITEM_KINDS})
RECOMMENDATIONS, AREAS_FOR_IMPROVEMENT, CAUSES_OF_CONCERN = ITEM_KINDS


# -- statuses -----------------------------------------------------------------------------------

Status = Literal[
    "planned",
    "awaiting allocation",
    "in progress",
    "ongoing",
    "pending sign-off",
    "awaiting review",
    "complete",
    "superseded",
    "not applicable",
]
"""Where an action (or an item answered without actions) stands, as a spec or an update gives it."""


@dataclass(frozen=True)
class StatusWord:
    """One value of a status: an action's (`in_spec`), or one the register gives a row itself."""

    value: str
    label: str  # msgid: how letters (a spec's statuses) and the tracking outputs (every status) print it
    colour: str  # its bar in the progress report's chart (which also names every bar in words)
    closed: bool  # needs no more following up (an open action past its due date is overdue)
    in_spec: bool = True
    aliases: tuple[str, ...] = ()  # other words a spec may write for it (case, spaces, '-' and '_' never matter)


STATUS_TABLE: tuple[StatusWord, ...] = (
    StatusWord("planned", N_("Planned"), "#c6dbef", closed=False),
    StatusWord("awaiting allocation", N_("Awaiting allocation"), "#fee391", closed=False, aliases=("unallocated",)),
    # "being progressed": HMICFRS's own word in its monitoring of recommendations
    StatusWord("in progress", N_("In progress"), "#fdd49e", closed=False, aliases=("being progressed",)),
    StatusWord("ongoing", N_("Ongoing"), "#d9d2e9", closed=False),
    StatusWord(
        "pending sign-off",
        N_("Pending sign-off"),
        "#c7e9c0",
        closed=False,
        aliases=("pending sign-off", "pending signoff", "awaiting sign-off"),  # the first: the value as normalised
    ),
    # HMICFRS's: the force reports it done; the inspectorate has yet to review it
    StatusWord("awaiting review", N_("Awaiting review"), "#bcbddc", closed=False),
    StatusWord("complete", N_("Complete"), "#a1d99b", closed=True, aliases=("completed",)),
    # carried on by a later report's item (PEEL causes of concern roll into the next inspection)
    StatusWord("superseded", N_("Superseded"), "#d9d9d9", closed=True),
    StatusWord("not applicable", N_("Not applicable"), "#ffffff", closed=True, aliases=("n/a",)),
    # The register's own: an action without a status, an item answered without actions of its own,
    # one the office declines (no action, with the answer's reason), and one not answered at all.
    StatusWord("not set", N_("Not set"), "#e0e0e0", closed=False, in_spec=False),
    StatusWord(
        "answered, no separate action", N_("Answered, no separate action"), "#e5f5e0", closed=True, in_spec=False
    ),
    StatusWord("no action", N_("No action"), "#f4f4f4", closed=True, in_spec=False),
    StatusWord("not answered", N_("Not answered"), "#fcae91", closed=False, in_spec=False),
)
"""Every status, in the order reports count them."""
STATUSES: tuple[Status, ...] = typing.get_args(Status)
STATUS: Mapping[str, StatusWord] = MappingProxyType({s.value: s for s in STATUS_TABLE})
ROW_STATUSES: tuple[str, ...] = tuple(s.value for s in STATUS_TABLE)
"""Every value of the register's status column, in the order reports count them."""
CLOSED: tuple[str, ...] = tuple(s.value for s in STATUS_TABLE if s.closed)
NO_STATUS, ANSWERED, NO_ACTION, NOT_ANSWERED = (s.value for s in STATUS_TABLE if not s.in_spec)
PLANNED: Status = "planned"
IN_PROGRESS: Status = "in progress"
COMPLETE: Status = "complete"
SUPERSEDED: Status = "superseded"  # an update saying so names its successor
NOT_APPLICABLE: Status = "not applicable"  # an update saying so says why


def status_spelling(value: str) -> str:
    """The status a spec's spelling means: case, spaces, hyphens and underscores do not matter,
    and an alias means its status. Not a status: returned as normalised, for the schema to refuse.

    >>> status_spelling("In_Progress"), status_spelling(" COMPLETE ")
    ('in progress', 'complete')
    """
    word = _normalised(value)
    return _ALIASES.get(word, word)


def _normalised(value: str) -> str:
    return " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())


_ALIASES = {_normalised(alias): s.value for s in STATUS_TABLE if s.in_spec for alias in s.aliases}


# -- grades, blocks, parts, kinds ---------------------------------------------------------------

PeelGrade = Literal["outstanding", "good", "adequate", "requires improvement", "inadequate"]
PEEL_GRADES: tuple[PeelGrade, ...] = typing.get_args(PeelGrade)
GRADE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "outstanding": N_("Outstanding"),
        "good": N_("Good"),
        "adequate": N_("Adequate"),
        "requires improvement": N_("Requires improvement"),
        "inadequate": N_("Inadequate"),
    }
)
"""Each PEEL grade's msgid; another framework's grade prints as the report gives it."""

BlockKind = Literal["heading", "subheading", "text", "quote", "findings", "themes", "actions", "answers", "show"]
"""The keys of a `response.body` block: each block has exactly one."""
BLOCK_KINDS: tuple[BlockKind, ...] = typing.get_args(BlockKind)

Shown = Literal[
    "chief_constable", "judgements", "causes_of_concern", "monitoring", "report_link", "report_summary", "local_actions"
]
"""Structured parts held elsewhere in the spec that a body places with `show:`."""
SHOWN_PARTS: tuple[Shown, ...] = typing.get_args(Shown)

ReportKind = Literal["jtai", "peel", "national-thematic", "force-specific", "other"]
REPORT_KINDS: tuple[ReportKind, ...] = typing.get_args(ReportKind)
DEFAULT_REPORT_KIND: ReportKind = "force-specific"  # what `new` writes unless told
PEEL: ReportKind = "peel"  # the kind `new` writes the PEEL parts for
FRAMEWORK_GRADES: Mapping[ReportKind, tuple[str, ...]] = MappingProxyType({PEEL: PEEL_GRADES})
"""The grades a kind of report gives, which validate holds judgements to; other kinds keep free text."""

Addressee = Literal[
    "chief constables", "police and crime commissioners", "home office", "college of policing", "npcc", "other"
]
"""Whom a report addresses an item to."""
ADDRESSEES: tuple[Addressee, ...] = typing.get_args(Addressee)


# -- where a response stands ----------------------------------------------------------------------

SignOffStepName = Literal[
    "chief_constable_invited", "chief_constable_comments_received", "approved", "published", "copies_sent"
]
"""The steps a response goes through, in the order the law and the office's governance fix them:
the chief constable invited to comment by a date the commissioner sets (s55(4)), the comments
received, the final text approved, published (s55(5A)), copies sent (s55(6))."""
SIGN_OFF_STEPS: tuple[SignOffStepName, ...] = typing.get_args(SignOffStepName)
REPEATABLE_STEPS: tuple[SignOffStepName, ...] = ("copies_sent",)
"""Steps that may be recorded more than once (copies sent on different days)."""
STAGE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "draft": N_("draft"),
        "chief_constable_invited": N_("chief constable invited to comment"),
        "chief_constable_comments_received": N_("chief constable’s comments received"),
        "approved": N_("approved"),
        "published": N_("published"),
        "copies_sent": N_("copies sent"),
    }
)
"""A response's stage (its furthest step, or a draft), as the register prints it."""
NEXT_STEPS: Mapping[str, str] = MappingProxyType(
    {
        "comments": N_("chief constable's comments"),
        "deadline": N_("s55 deadline"),
        "copies": N_("copies to the inspectors and the Home Secretary (s55(6))"),
    }
)
"""What a response waits for next, as the register prints it (msgids: `sign_off.stage` gives one)."""
LOCAL_ACTION = "local action"
"""The register's item type of the letter's own actions, tied to no item."""
ITEM_TYPE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "recommendation": N_("recommendation"),
        "area for improvement": N_("area for improvement"),
        "cause of concern": N_("cause of concern"),
        LOCAL_ACTION: N_("local action"),
    }
)
"""Each item type of the register (`ItemKind.name`, and the letter's own actions) as a msgid."""
ITEM_LABELS: Mapping[str, str] = MappingProxyType(
    {
        **{kind.name: kind.label for kind in ITEM_KINDS},
        LOCAL_ACTION: N_("Local action"),
    }
)
"""Each item type's heading over one item, "%(id)s" for its id (the letter's own actions have none)."""


# -- languages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Language:
    """A language letters are written in."""

    key: str  # in spec text (`{en: ..., cy: ...}`) and the name of its catalogue
    tag: str  # BCP 47, as documents mark it
    name: str  # in English, for messages


LANGUAGES: tuple[Language, ...] = (Language("en", "en-GB", "English"), Language("cy", "cy-GB", "Welsh"))
"""The first is the default, and the language of the catalogues' msgids."""
DEFAULT_LANGUAGE = LANGUAGES[0].tag
SOURCE_LANGUAGE = LANGUAGES[0].key  # the msgids' language: no catalogue needed
LANGUAGE_KEYS: tuple[str, ...] = tuple(language.key for language in LANGUAGES)
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType({language.key: language.name for language in LANGUAGES})
WELSH_FIRST, ENGLISH_FIRST = "cy-GB+en-GB", "en-GB+cy-GB"
BILINGUAL = "bilingual"
"""`office.language: bilingual`: Welsh and English in one document without naming an order. Welsh comes
first, as the guidance on the Welsh Language Standards reads their rule that a Welsh version is not to be
treated less favourably than the English (Welsh placed to be read first); English first only where the
office says so (`office.english_first: true`). An English-first pair without it is a warning (rule
`language-order`)."""
LETTER_LANGUAGES: tuple[str, ...] = (
    *(language.tag for language in LANGUAGES),
    BILINGUAL,
    *sorted(f"{a.tag}+{b.tag}" for a, b in itertools.permutations(LANGUAGES, 2)),
)
"""What `office.language` may be: one language, `bilingual`, or two joined by `+`, the first language first."""


def letter_language(asked: str, english_first: bool | None) -> str:
    """The languages a letter is in, first first, from what `office.language` and `office.english_first` say.

    >>> letter_language("bilingual", None), letter_language("bilingual", True), letter_language("en-GB+cy-GB", None)
    ('cy-GB+en-GB', 'en-GB+cy-GB', 'en-GB+cy-GB')
    """
    if asked == BILINGUAL:
        return ENGLISH_FIRST if english_first else WELSH_FIRST
    return asked


if TYPE_CHECKING:
    LetterLanguage = str
else:
    LetterLanguage = Literal[LETTER_LANGUAGES]  # made from the table: a language added there is allowed here


# -- output formats -----------------------------------------------------------------------------

Format = Literal["docx", "pdf", "html"]
FORMATS: tuple[Format, ...] = typing.get_args(Format)
"""Output formats by file extension, in the order they are written."""
DEFAULT_FORMATS: tuple[Format, ...] = ("docx", "pdf")
"""What `render` and `batch` make unless told otherwise: the web page is asked for."""


@dataclass(frozen=True)
class Words:
    """The vocabulary as templates read it (`vocabulary.item_kinds`, `vocabulary.status_labels`, ...)."""

    item_kinds: tuple[ItemKind, ...]
    item_kind: Mapping[str, ItemKind]
    status_labels: Mapping[str, str]  # a spec status -> its msgid
    row_labels: Mapping[str, str]  # every status of the register's column -> its msgid
    status_colours: Mapping[str, str]  # every status -> its bar in the chart
    grade_labels: Mapping[str, str]
    block_kinds: tuple[str, ...]
    shown_parts: tuple[str, ...]
    default_language: str
    deadline_days: int


WORDS = Words(
    item_kinds=ITEM_KINDS,
    item_kind=ITEM_KIND,
    status_labels=MappingProxyType({s.value: s.label for s in STATUS_TABLE if s.in_spec}),
    row_labels=MappingProxyType({s.value: s.label for s in STATUS_TABLE}),
    status_colours=MappingProxyType({s.value: s.colour for s in STATUS_TABLE}),
    grade_labels=GRADE_LABELS,
    block_kinds=BLOCK_KINDS,
    shown_parts=SHOWN_PARTS,
    default_language=DEFAULT_LANGUAGE,
    deadline_days=DEADLINE_DAYS,
)
"""Given to every template as `vocabulary`."""


# -- reading reports (`draft`) ---------------------------------------------------------------------

FORCE_SPECIFIC: ReportKind = "force-specific"
REPORT_KIND_CLUES: Mapping[ReportKind, str] = MappingProxyType(
    {
        "peel": r"\bPEEL\b|police effectiveness, efficiency and legitimacy|/peel-reports/",
        "jtai": r"joint targeted area inspection|\bJTAI\b",
        "national-thematic": r"\bthematic (?:inspection|review|report)\b",
    }
)
"""What says which kind a report is, in its title, address or opening words (any case): `draft` reads them
in this order; failing them, a title naming one force (`FORCE_IN_TITLE`) makes it force-specific."""
FORCE_IN_TITLE = (
    r"\binspection of ((?:the )?[A-Z][\w&'’ -]*?(?:Police|Constabulary|Police Service(?: of [A-Z][\w ]+)?))\b"
)


# -- s55(6): who the published response is sent to -------------------------------------------


@dataclass(frozen=True)
class CopyRecipient:
    """One recipient s55(6) sends the published response to, as `response.copies` may name it."""

    name: str  # in messages: "the inspectors of constabulary"
    suggested: str  # the line to add to response.copies
    spellings: tuple[str, ...]  # regular expressions, matched in lower case with ’ read as '


S55_COPY_RECIPIENTS: tuple[CopyRecipient, ...] = (
    CopyRecipient(
        "the inspectors of constabulary",
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        (
            r"\bhmicf?r?s?\b",
            r"\binspector(?:ate|s)?\b.*\bconstabulary\b",  # HM Inspectorate / Chief Inspector of Constabulary
            r"\barolyg\w*\b.*\bcwnstabliaeth\b",  # Welsh: Arolygiaeth Cwnstabliaeth ... EF
            r"\barolyg\w*\s+heddluoedd\b",  # Welsh: Arolygaeth Heddluoedd a Gwasanaethau Tân ac Achub Ei Fawrhydi
        ),
    ),
    CopyRecipient(
        "the Secretary of State",
        "The Home Secretary",
        (
            r"\bhome secretary\b",
            r"\bsecretary of state\b",
            r"\bhome office\b",
            r"\bysgrifennydd (?:cartref|gwladol)\b",  # Welsh: Yr Ysgrifennydd Cartref / Gwladol
        ),
    ),
)
"""s55(6): the published response is sent to the Secretary of State and the inspectors of
constabulary; the spellings `response.copies` may name each by."""
