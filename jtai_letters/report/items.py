"""The report's structure, read from its blocks: what it recommends, to whom, and by when.

HMICFRS reports say what they ask for in a few fixed forms: PEEL pages put each graded
area's "Areas for improvement" under it and follow each "Cause of concern" with its
recommendations ("Within six months, the force should: ..."); thematic reports and older
PDFs number them ("Recommendation 1", "By 31 March 2026, chief constables should ...").
`read_items` recognises those forms and nothing else: a block it cannot place is named in
`Reading.unplaced`, never guessed at.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jtai_letters.spec.vocabulary import (
    AREAS_FOR_IMPROVEMENT,
    CAUSES_OF_CONCERN,
    ITEM_KINDS,
    PEEL_GRADES,
    RECOMMENDATIONS,
    ItemKind,
)


@dataclass(frozen=True)
class Block:
    """One piece of a report's text, in reading order, its furniture already left out."""

    kind: Literal["heading", "para", "item", "row"]
    text: str  # inline Markdown: emphasis kept, line breaks as "\n"
    level: int = 0  # a heading's rank (1-6); a list item's depth (1 = top)
    ordered: bool = False  # a list item of a numbered list
    cells: tuple[str, ...] = ()  # a table row's cells
    where: str = ""  # "page 3" in a PDF


@dataclass
class Document:
    """A report as read from its file: what it says about itself, and its blocks."""

    source: Path
    title: str | None = None
    published: dt.date | None = None
    published_from: str = ""  # where the date was read: quoted in the draft's comment
    url: str | None = None
    blocks: list[Block] = field(default_factory=list)
    text: str = ""  # all of its words, for what is searched rather than placed (the inspectorates)
    notes: list[str] = field(default_factory=list)  # what the reader set aside, for the officer


@dataclass(frozen=True)
class DuePhrase:
    """When the report wants an item done: its own words and the date they give."""

    phrase: str  # as the report words it: "Within six months"
    value: str | None  # a date (2026-04-07) or month (2026-03); None when there is no date to count from
    how: str  # how the date was reached, for the draft's comment


@dataclass
class Found:
    """One recommendation, area for improvement or cause of concern, as the report words it."""

    kind: ItemKind
    id: str
    text: str
    area: str | None = None
    addressed_to: str | None = None
    addressed_note: str | None = None
    due: DuePhrase | None = None
    recommendations: list[str] = field(default_factory=list)  # a cause of concern's
    where: str = ""
    numbered: bool = False  # the id is the report's own number


@dataclass
class Reading:
    """Everything `read_items` found, and what it could not place."""

    by_kind: dict[str, list[Found]] = field(default_factory=lambda: {kind.field: [] for kind in ITEM_KINDS})
    judgements: list[tuple[str, str]] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    @property
    def recommendations(self) -> list[Found]:
        """The report's recommendations, in reading order."""
        return self.by_kind[RECOMMENDATIONS.field]

    @property
    def areas_for_improvement(self) -> list[Found]:
        """Its areas for improvement, in reading order."""
        return self.by_kind[AREAS_FOR_IMPROVEMENT.field]

    @property
    def causes_of_concern(self) -> list[Found]:
        """Its causes of concern, in reading order."""
        return self.by_kind[CAUSES_OF_CONCERN.field]

    @property
    def items(self) -> list[Found]:
        """Every item, in the order a letter answers them."""
        return [item for kind in ITEM_KINDS for item in self.by_kind[kind.field]]


_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH = "|".join(name for name in calendar.month_name if name)
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
_DATE = re.compile(
    rf"\b(?:by|before|no later than|on or before)\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\s+(\d{{4}})\b",
    re.I,
)
_BY_MONTH = re.compile(rf"\b(?:by|before)\s+(?:the\s+end\s+of\s+)?({_MONTH})\s+(\d{{4}})\b", re.I)
_WITHIN = re.compile(r"\bwithin\s+(\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+(month|week|day|year)s?\b", re.I)
_IMMEDIATELY = re.compile(r"\bimmediately\b", re.I)
_MODAL = re.compile(r"\b(should|must|needs? to|is to|are to)\b", re.I)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved on by whole calendar months, kept within the month it lands in.

    >>> add_months(dt.date(2025, 8, 31), 6), add_months(dt.date(2025, 10, 7), 3)
    (datetime.date(2026, 2, 28), datetime.date(2026, 1, 7))
    """
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def due_phrase(text: str, published: dt.date | None) -> DuePhrase | None:
    """When `text` asks for its item to be done, from a due phrase before its verb ("By 31 March 2026,
    chief constables should") or just after it ("the force should immediately"); relative phrases count
    from `published`.

    >>> due_phrase("Within six months, the force should review its plans.", dt.date(2025, 10, 7)).value
    '2026-04-07'
    >>> due_phrase("By 31 March 2026, chief constables should act.", None).value
    '2026-03-31'
    >>> due_phrase("The force should contact victims within 28 days.", dt.date(2025, 10, 7)) is None
    True
    """
    verb = _MODAL.search(text)
    if verb is None:
        return None
    before = text[: verb.start()]
    after = re.match(r"\s*,?\s*((?:by|before|within|immediately)\b[^,:;]*)", text[verb.end() :], re.I)
    for region in (before, after.group(1) if after else ""):
        if found := _due_in(region, published):
            return found
    return None


def _due_in(region: str, published: dt.date | None) -> DuePhrase | None:
    if m := _DATE.search(region):
        day = dt.date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))) if _valid_day(m) else None
        if day:
            return DuePhrase(m.group(0), day.isoformat(), "the date the report gives")
    if m := _BY_MONTH.search(region):
        return DuePhrase(m.group(0), f"{int(m.group(2)):04d}-{_MONTHS[m.group(1).lower()]:02d}", "the month it gives")
    if m := _WITHIN.search(region):
        count = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS.get(m.group(1).lower())
        if count is None:
            return None
        unit = m.group(2).lower()
        if published is None:
            return DuePhrase(m.group(0), None, "no publication date to count from")
        if unit in ("month", "year"):
            day = add_months(published, count * (12 if unit == "year" else 1))
        else:
            day = published + dt.timedelta(days=count * (7 if unit == "week" else 1))
        return DuePhrase(m.group(0), day.isoformat(), f"{count} {unit}{'s' * (count != 1)} from publication")
    if m := _IMMEDIATELY.search(region):
        if published is None:
            return DuePhrase(m.group(0), None, "no publication date to count from")
        return DuePhrase(m.group(0), published.isoformat(), "the publication date")
    return None


def _valid_day(m: re.Match[str]) -> bool:
    year, month, day = int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))
    return 1 <= day <= calendar.monthrange(year, month)[1]


# Who an item is addressed to, from the words before its verb; the spec's names (models.Addressee).
_ADDRESSEES = (
    ("police and crime commissioners", re.compile(r"police,? (?:fire )?and crime commissioners?|\bPCCs?\b", re.I)),
    ("chief constables", re.compile(r"chief constables?|\bthe force\b|\b(?:all )?forces\b|chief officers", re.I)),
    ("home office", re.compile(r"\bhome office\b|\bhome secretary\b", re.I)),
    ("college of policing", re.compile(r"\bcollege of policing\b", re.I)),
    ("npcc", re.compile(r"national police chiefs.{0,2} council|\bNPCC\b", re.I)),
)


def addressed_to(text: str) -> tuple[str | None, str | None]:
    """(who the item is addressed to, or None; why not, when several are named)."""
    verb = _MODAL.search(text)
    if verb is None:
        return None, None
    subject = text[: verb.start()]
    named = [who for who, pattern in _ADDRESSEES if pattern.search(subject)]
    if len(named) == 1:
        return named[0], None
    if named:
        return None, f"addressed to {' and '.join(named)}: the spec holds one; choose"
    return None, None


_AFI_MARK = re.compile(r"^areas? for improvement(?:\s+(\d+))?\s*[:.–-]?\s*(.*)$", re.I | re.S)
_CONCERN_MARK = re.compile(r"^causes? (?:of|for) concern(?:\s+(\d+))?\s*[:.–-]?\s*(.*)$", re.I | re.S)
_RECS_MARK = re.compile(r"^(?:our\s+)?recommendations?\s*:?$", re.I)
_REC_NUMBERED = re.compile(r"^recommendation\s+(\d{1,3})\s*[:.–-]?\s*(.*)$", re.I | re.S)
_REPEATS = re.compile(
    r"\b(?:summary|list|table) of (?:\w+ )?recommendations|recommendations in full|all (?:our|the) recommendations",
    re.I,
)
_RECOMMENDS = re.compile(
    r"^(?:HMICFRS|HMIC|HMI|we|the inspectorate|His Majesty.s Inspectorate[^,]*?)\s+recommends?\s+that\b", re.I
)
_NOT_AREAS = re.compile(r"^(?:our judge?ments|overall summary|summary|introduction|contents|main findings)\b", re.I)
_MARKER_LEVEL = 99  # a marker written as a short paragraph ranks below every heading


@dataclass
class _State:
    mode: Literal["", "afi", "concern", "recs", "numbered", "skip"] = ""
    headings: list[tuple[int, str]] = field(default_factory=list)  # the open headings, outermost first
    marker_level: int = _MARKER_LEVEL
    concern: Found | None = None  # the cause of concern recommendations attach to
    lead: str | None = None  # a lead-in ("Within three months, the force should:") its list items complete
    lead_block: Block | None = None
    numbered: Found | None = None
    pending_number: str | None = None  # "Recommendation 3" seen, its words still to come
    pending_concern_number: str | None = None
    pending_afi_number: str | None = None  # "Area for improvement 2" seen, its words still to come
    extra_paragraphs: int = 0


class _Reader:
    def __init__(self, published: dt.date | None) -> None:
        self.published = published
        self.found = Reading()
        self.state = _State()
        self.numbers_used: set[str] = set()
        self.listed = False  # a numbered list already named as not placed
        self.reserved: set[str] = set()  # the ids the report numbers itself

    # -- item making --------------------------------------------------------

    def _new(self, kind: ItemKind, text: str, block: Block, number: str | None = None) -> Found:
        bucket = self.found.by_kind[kind.field]
        prefix = kind.prefix
        if number is not None:
            ident = f"{prefix}{int(number)}"
        else:
            n = len(bucket) + 1
            while f"{prefix}{n}" in self.numbers_used or f"{prefix}{n}" in self.reserved:
                n += 1
            ident = f"{prefix}{n}"
        text = _whole_emphasis_off(text)
        who, note = addressed_to(text)
        item = Found(kind, ident, text, where=block.where, numbered=number is not None)
        item.addressed_to, item.addressed_note = who, note
        item.due = due_phrase(text, self.published)
        if kind is AREAS_FOR_IMPROVEMENT:
            item.area = self._area()
        if ident in self.numbers_used:
            same = next(i for i in bucket if i.id == ident)
            if same.text != item.text:
                self.found.unplaced.append(
                    f"{_at(block)}a second {kind.name} numbered {ident}, worded differently: "
                    f"'{_short(text)}' (kept the first)"
                )
            return same
        self.numbers_used.add(ident)
        bucket.append(item)
        if kind is RECOMMENDATIONS and self.state.concern is not None and self.state.mode == "recs":
            self.state.concern.recommendations.append(ident)
        return item

    def _area(self) -> str | None:
        for level, text in reversed(self.state.headings):
            if 1 < level < self.state.marker_level and not _NOT_AREAS.match(text):
                return text
        return None

    # -- reading ------------------------------------------------------------

    def read(self, blocks: list[Block]) -> Reading:
        # The report's own numbers are kept; an unnumbered item takes a number none of them uses.
        for block in blocks:
            text = re.sub(r"^\*\*([^*]+)\*\*", r"\1", block.text).strip(" *")
            for prefix, pattern in (("R", _REC_NUMBERED), ("AFI", _AFI_MARK), ("C", _CONCERN_MARK)):
                if block.kind in ("heading", "para") and (m := pattern.match(text)) and m.group(1):
                    self.reserved.add(f"{prefix}{int(m.group(1))}")
        for i, block in enumerate(blocks):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if block.kind != "item":
                self.listed = False
            if block.kind == "row":
                self._row(block)
            elif block.kind == "heading" or _is_marker(block):
                self._heading(block)
            elif block.kind == "para" and self.state.mode != "skip" and (labelled := _labelled(block)):
                self._heading(labelled)
            elif block.kind == "item":
                self._item(block)
            else:
                self._para(block, following)
        self._close_numbered()
        return self.found

    def _row(self, block: Block) -> None:
        cells = [c for c in block.cells if c]
        grades = [c for c in cells[1:] if c.strip(" .*").lower() in PEEL_GRADES]
        if len(cells) >= 2 and grades:
            area = cells[0].strip(" *")
            self.found.judgements.append((area, grades[0].strip(" .*").lower()))

    def _heading(self, block: Block) -> None:
        self._close_numbered()
        state = self.state
        text = block.text.strip(" *")
        level = block.level if block.kind == "heading" else _MARKER_LEVEL
        state.lead = None
        if m := _REC_NUMBERED.match(text):
            state.mode, state.marker_level = "numbered", level
            state.numbered = (
                self._new(RECOMMENDATIONS, m.group(2).strip(), block, m.group(1)) if m.group(2).strip() else None
            )
            state.pending_number = m.group(1)
            state.extra_paragraphs = 0
            return
        if m := _AFI_MARK.match(text):
            state.mode, state.marker_level = "afi", level
            state.pending_afi_number = m.group(1)
            if m.group(2).strip():  # "Area for improvement 1: The force should ..."
                self._new(AREAS_FOR_IMPROVEMENT, m.group(2).strip(), block, m.group(1))
                state.pending_afi_number = None
            return
        if m := _CONCERN_MARK.match(text):
            state.mode, state.marker_level = "concern", level
            state.concern = None
            if m.group(2).strip():
                state.concern = self._new(CAUSES_OF_CONCERN, m.group(2).strip(), block, m.group(1))
            state.pending_concern_number = m.group(1)
            return
        if _RECS_MARK.match(text) and not _REPEATS.search(text):
            keep_concern = state.mode in ("concern", "recs") and state.concern is not None
            state.mode, state.marker_level = "recs", level
            if not keep_concern:
                state.concern = None
            return
        if "recommend" in text.lower():
            if _REPEATS.search(text):
                state.mode = "skip"
                self.found.unplaced.append(
                    f"{_at(block)}skipped the section '{_short(text)}': it repeats recommendations given earlier; "
                    "check that none is only there"
                )
            else:
                state.mode = ""
                self.found.unplaced.append(
                    f"{_at(block)}a heading that mentions recommendations, not read: '{_short(text)}'"
                )
            state.concern = None
            self._push(level, text)
            return
        state.mode, state.concern = "", None
        self._push(level, text)

    def _push(self, level: int, text: str) -> None:
        headings = [(lv, t) for lv, t in self.state.headings if lv < level]
        self.state.headings = [*headings, (level, text)]
        self.state.marker_level = _MARKER_LEVEL

    def _close_numbered(self) -> None:
        state = self.state
        if state.mode == "numbered" and state.extra_paragraphs and state.numbered is not None:
            self.found.unplaced.append(
                f"{state.numbered.where and state.numbered.where + ': '}{state.extra_paragraphs} "
                f"paragraph{'s' * (state.extra_paragraphs != 1)} after recommendation {state.numbered.id} not taken "
                "into its text: check whether they are part of it"
            )
        state.extra_paragraphs = 0
        state.numbered = None

    def _para(self, block: Block, following: Block | None) -> None:
        state = self.state
        text = block.text
        lead_in = text.rstrip().endswith(":") and following is not None and following.kind == "item"
        if state.mode == "numbered":
            if state.numbered is None:
                state.numbered = self._new(RECOMMENDATIONS, text, block, state.pending_number)
            else:
                state.extra_paragraphs += 1
            return
        if state.mode == "afi":
            if lead_in and _MODAL.search(text):
                state.lead, state.lead_block = text, block
            elif _MODAL.search(text):
                self._new(AREAS_FOR_IMPROVEMENT, text, block, state.pending_afi_number)
                state.pending_afi_number = None
            else:
                self.found.unplaced.append(
                    f"{_at(block)}under '{self._marker_name('Areas for improvement')}', a paragraph that does not "
                    f"read as one: '{_short(text)}'"
                )
                state.mode = ""
            return
        if state.mode == "concern":
            if state.concern is None:
                state.concern = self._new(CAUSES_OF_CONCERN, text, block, state.pending_concern_number)
            elif _RECOMMENDS.match(text) or due_phrase(text, self.published):
                state.mode = "recs"
                self._recommendation(text, block, lead_in)
            else:
                self.found.unplaced.append(
                    f"{_at(block)}after cause of concern {state.concern.id}, a paragraph not taken into it: "
                    f"'{_short(text)}'"
                )
            return
        if state.mode == "recs":
            if _MODAL.search(text):
                self._recommendation(text, block, lead_in)
            else:
                state.mode, state.concern = "", None
            return
        if state.mode == "skip":
            return
        if _RECOMMENDS.match(text):
            self._recommendation(text, block, lead_in)

    def _recommendation(self, text: str, block: Block, lead_in: bool) -> None:
        if lead_in:
            self.state.lead, self.state.lead_block = text, block
        else:
            self.state.lead = None
            self._new(RECOMMENDATIONS, text, block)

    def _item(self, block: Block) -> None:
        state = self.state
        if state.mode == "numbered":
            if state.numbered is None:
                state.numbered = self._new(RECOMMENDATIONS, block.text, block, state.pending_number)
            else:
                # An item's text is one paragraph in the spec: the list's items go on as its lines, their
                # words as they stand (a bullet or number there would make a Markdown list, refused there).
                if "\n" not in state.numbered.text:
                    self.found.unplaced.append(
                        f"{_at(block)}recommendation {state.numbered.id} holds a list: its items are kept as lines "
                        "of one paragraph, without their bullets; check how it reads"
                    )
                state.numbered.text = f"{state.numbered.text}\n{block.text}"
            return
        if state.mode in ("afi", "recs", "concern", "") and state.lead is not None and block.level == 1:
            kind = AREAS_FOR_IMPROVEMENT if state.mode == "afi" else RECOMMENDATIONS
            if state.mode == "concern":
                state.mode = "recs"
            self._new(kind, f"{state.lead} {block.text}", block)
            return
        if state.mode == "afi" and _MODAL.search(block.text):
            self._new(AREAS_FOR_IMPROVEMENT, block.text, block)
            return
        if state.mode == "recs" and _MODAL.search(block.text):
            self._new(RECOMMENDATIONS, block.text, block)
            return
        if state.mode == "skip":
            return
        if block.ordered and block.level == 1 and not self.listed:
            self.listed = True
            heading = state.headings[-1][1] if state.headings else "the start"
            self.found.unplaced.append(
                f"{_at(block)}a numbered list under '{_short(heading)}' not read as items: '{_short(block.text)}' ..."
            )

    def _marker_name(self, default: str) -> str:
        area = self._area()
        return f"{default}" + (f" ({area})" if area else "")


def _is_marker(block: Block) -> bool:
    """Whether a short paragraph is a heading in all but markup ("Recommendations", "Cause of concern")."""
    text = block.text.strip(" *")
    if block.kind != "para" or len(text) > 60 or text.endswith((".", ";")):
        return False
    return bool(
        _RECS_MARK.match(text)
        or re.fullmatch(r"(?:areas? for improvement|causes? (?:of|for) concern)(?:\s+\d+)?:?", text, re.I)
        or re.fullmatch(r"recommendation\s+\d{1,3}:?", text, re.I)
    )


def _labelled(block: Block) -> Block | None:
    """A paragraph that starts with its own label ("**Recommendation 2:** By ..."), as a marker heading."""
    plain = re.sub(r"^\*\*([^*]+)\*\*", r"\1", block.text)
    numbered = r"(?:recommendation|areas? for improvement|causes? (?:of|for) concern)\s+\d{1,3}\s*[:.–-]\s*\S"
    if re.match(numbered, plain, re.I):
        return Block("para", plain, where=block.where)
    return None


def _whole_emphasis_off(text: str) -> str:
    """An item set wholly in bold or italics is the page's styling of it, not emphasis in its words."""
    for mark in ("**", "*"):
        inner = text[len(mark) : -len(mark)]
        if text.startswith(mark) and text.endswith(mark) and mark not in inner and inner.strip() == inner:
            return inner
    return text


def _at(block: Block) -> str:
    return f"{block.where}: " if block.where else ""


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def read_items(blocks: list[Block], published: dt.date | None) -> Reading:
    """The recommendations, areas for improvement, causes of concern and graded judgements in `blocks`."""
    return _Reader(published).read(blocks)
