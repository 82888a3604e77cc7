"""The response spec: the single source of truth for what a spec may say.

Every model forbids unknown keys, so a typo in a spec is an error rather than
text silently dropped from a published letter. Text fields typed `Text` take
inline Markdown; the template receives them as `Inline` strings that render
themselves safely (see `text.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal

from markupsafe import escape
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    HttpUrl,
    PlainSerializer,
    PlainValidator,
    TypeAdapter,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic.networks import validate_email
from pydantic_core import CoreSchema

from jtai_letters.letter.style import open_font
from jtai_letters.letter.text import Block, Inline, block_problem, pasted
from jtai_letters.spec import dates
from jtai_letters.spec.vocabulary import (
    BILINGUAL,
    BLOCK_KINDS,
    COMPLETE,
    DEADLINE_DAYS,
    DEFAULT_LANGUAGE,
    IN_PROGRESS,
    ITEM_KINDS,
    LANGUAGE_KEYS,
    LETTER_LANGUAGES,
    PEEL_GRADES,
    REPORT_KINDS,
    STATUS_TABLE,
    STATUSES,
    SUPERSEDED,
    Addressee,
    LetterLanguage,
    ReportKind,
    Shown,
    SignOffStepName,
    Status,
    letter_language,
    one_of,
    status_spelling,
)

_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


@lru_cache(maxsize=256)
def _email(value: str) -> Address:
    # pydantic's own check (`EmailStr`), remembered: the same few addresses (the office's, the
    # inspectorate's) are in every spec, and the check is a tenth of a spec's validation. Only a
    # good address is remembered: a bad one raises pydantic's error each time, as `EmailStr` does.
    return Address(validate_email(value)[1])


Email = Annotated[str, AfterValidator(_email), WithJsonSchema({"format": "email", "type": "string"})]
"""An e-mail address, checked as pydantic's `EmailStr` checks it, printed as typed (normalised)."""


def _inline(value: str) -> Inline:
    value = pasted(value)  # bullets pasted from Word are Markdown list items
    if refused := block_problem(value, inline=True):
        raise refused
    return Inline(value)


def _block(value: str) -> Block:
    value = pasted(value)
    if refused := block_problem(value):
        raise refused
    return Block(value)


def _one_or_more(value: object) -> object:
    # A single string of block text is as good as a list of paragraphs; but `-text` written as
    # a list item without its space is a list the officer meant, not a paragraph starting '-'.
    if isinstance(value, str) and re.match(r"-[^\s-]", value.strip()):
        raise ValueError("a list item needs a space after '-' (write '- text', not '-text')")
    return [value] if isinstance(value, str) else value


class Address(str):
    """A web or e-mail address: printed exactly as typed (no typographic quotes), escaped."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(escape(str(self)))


def _http_url(value: str) -> str:
    # Validate with pydantic's HttpUrl but keep the officer's spelling: the
    # normalised form (trailing slashes, punycode) must not change the letter.
    _HTTP_URL.validate_python(value)
    return Address(value)


Text = Annotated[
    str,
    Field(min_length=1, json_schema_extra={"contentMediaType": "text/markdown"}),
    AfterValidator(_inline),
]
"""One paragraph (or list item) of letter text, with inline Markdown."""

BlockText = Annotated[
    str,
    Field(min_length=1, json_schema_extra={"contentMediaType": "text/markdown"}),
    AfterValidator(_block),
]
"""Letter text in Markdown blocks: paragraphs separated by a blank line, `- ` and `1. ` lists
nested one level, inline Markdown within."""

Plain = Annotated[str, Field(min_length=1)]
"""A short plain-text value (a name, a title): shown exactly as typed."""

WebUrl = Annotated[
    str,
    Field(description="An absolute http(s) URL.", examples=["https://www.justiceinspectorates.gov.uk/hmicfrs/"]),
    AfterValidator(_http_url),
]

LAST_YEAR = 9000
"""Dates in a spec fall before this year ends: deadlines and due dates are counted on from them,
and the calendar ends with 9999 (a date past it was an OverflowError in `deadlines`)."""


def _in_calendar(value: dt.date) -> dt.date:
    if value.year > LAST_YEAR:
        raise ValueError(f"expected a date in the year {LAST_YEAR} or before, got {value.isoformat()}")
    return value


Date = Annotated[dt.date, AfterValidator(_in_calendar)]

RefId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


def _in_two_languages(schema: dict[str, Any]) -> dict[str, Any]:
    # A translatable field: its own value, or a mapping of that value per language.
    about: dict[str, Any] = {k: schema.pop(k) for k in ("title", "description", "default", "examples") if k in schema}
    one = _items_in_two_languages(dict(schema))
    both = {
        "type": "object",
        "properties": {key: one for key in LANGUAGE_KEYS},
        "additionalProperties": False,
        "minProperties": 1,
    }
    return {**about, "anyOf": [one, both]}


def _items_in_two_languages(schema: dict[str, Any]) -> dict[str, Any]:
    # A list of lines (an address): each line may be given in both languages.
    if schema.get("type") == "array" and "items" in schema:
        return {**schema, "items": _in_two_languages(dict(schema["items"]))}
    if "anyOf" in schema:
        return {**schema, "anyOf": [_items_in_two_languages(dict(s)) for s in schema["anyOf"]]}
    return schema


class Model(BaseModel):
    """Base for every spec model: unknown keys are errors, values are immutable.

    `TRANSLATABLE` names the fields of free text a bilingual letter gives in both languages,
    as `{en: ..., cy: ...}` (titles, paragraphs, headings, office name and address lines); not
    addresses on the web, dates, ids, enumerations or personal names.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    TRANSLATABLE: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        """The schema pydantic makes, with each translatable field accepting `{en: ..., cy: ...}` too."""
        schema: dict[str, Any] = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for name in cls.TRANSLATABLE:
            target["properties"][name] = _in_two_languages(target["properties"][name])
        return schema


def _f(description: str, *examples: object, **kwargs: Any) -> Any:
    """A field with its description and examples: the JSON Schema editors show as officers type."""
    return Field(description=description, examples=list(examples) or None, **kwargs)


Paragraphs = Annotated[
    list[BlockText],
    BeforeValidator(_one_or_more),
    WithJsonSchema(
        {
            "anyOf": [
                # not `-text`: a list item missing its space (see _one_or_more)
                {"type": "string", "minLength": 1, "contentMediaType": "text/markdown", "pattern": r"^(?!\s*-[^\s-])"},
                {"type": "array", "items": {"type": "string", "minLength": 1, "contentMediaType": "text/markdown"}},
            ]
        }
    ),
]
"""Letter text as Markdown blocks: one string, or a list of strings (each one or more paragraphs)."""


class Image(Model):
    """An image file beside the spec, with the alternative text screen readers announce."""

    TRANSLATABLE = ("alt",)

    path: Plain = _f(
        "PNG or JPEG file, relative to the folder of the file that names it (spec or profile).", "loamshire-logo.png"
    )
    alt: Plain = _f(
        "Alternative text: what the image shows, for screen readers.", "Loamshire Police and Crime Commissioner"
    )


def _contrast_on_white(colour: str) -> str:
    # WCAG 2.2 contrast ratio against white: headings and rules in the brand colour
    # must stay readable (4.5:1, the AA ratio for normal text).
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    ratio = 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)
    if ratio < 4.5:
        raise ValueError(f"brand colour {colour} has a contrast of {ratio:.1f}:1 on white; WCAG AA needs 4.5:1")
    return colour


BrandColour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$"), AfterValidator(_contrast_on_white)]
FontName = Annotated[
    Literal["Liberation Sans", "Liberation Serif", "DejaVu Sans", "Arial", "Times New Roman", "Verdana"],
    AfterValidator(open_font),
]
"""Open-licensed fonts installed with the tool, so every machine prints the same letter; the names
people use (Arial, Times New Roman, Verdana) mean their metric twins (style.py)."""


class CopyRecipient(Model):
    """Who the s55(6) copies go to, by e-mail."""

    name: Plain = _f("Who receives the copy.", "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services")
    email: Email = _f("The address the copy is sent to.", "s55-responses@hmicfrs.example")


class Publishing(Model):
    """How the office publishes a response (`jtai-letters publish`): its website's headings, and who
    receives the s55(6) copies by e-mail (the tool writes the e-mails; the office sends them)."""

    copies_to: list[CopyRecipient] = _f(
        "The inspectors of constabulary and the Secretary of State (Police Act 1996 s55(6)), each with an address.",
        [{"name": "HMICFRS", "email": "s55-responses@hmicfrs.example"}],
        min_length=1,
    )
    heading_level: int = _f(
        "The level the web fragment's first heading takes, as the office's content management system wants "
        "it (2: the page title is the site's own h1).",
        2,
        default=2,
        ge=1,
        le=6,
    )


class Office(Model):
    """Who responds: the commissioner and their office."""

    TRANSLATABLE = ("name", "role", "area", "address", "closing", "welsh_language_statement_text")

    profile: Plain | None = _f(
        "An office profile (YAML) to start from, relative to this spec; fields given here override it.",
        "../profiles/loamshire.yaml",
        default=None,
    )
    name: Plain = _f(
        "The office's name, as on its letterhead.", "Office of the Police and Crime Commissioner for Loamshire"
    )
    commissioner: Plain = _f("The commissioner's full name.", "Priya Marsh")
    role: Plain = _f(
        "The commissioner's role title.",
        "Police and Crime Commissioner",
        "Police, Fire and Crime Commissioner",
        "Deputy Mayor for Policing and Crime",
    )
    area: Plain = _f("The police area.", "Loamshire")
    address: list[Plain] = _f(
        "Postal address, one line per item.", ["Shire Hall, Market Square", "Borchester LM1 2AB"], default_factory=list
    )
    telephone: Plain | None = _f("Telephone number for enquiries.", "01632 960 123", default=None)
    email: Email | None = _f("E-mail address for enquiries.", "enquiries@loamshire-pcc.example", default=None)
    website: WebUrl | None = _f("The office's website.", "https://www.loamshire-pcc.example", default=None)
    logo: Image | None = _f(
        "Logo shown on the letterhead.", {"path": "assets/logo.png", "alt": "Loamshire PCC"}, default=None
    )
    signature: Image | None = _f(
        "The commissioner's signature, above the name in the sign-off.",
        {"path": "signature.png", "alt": "Signature of Priya Marsh"},
        default=None,
    )
    brand_colour: BrandColour | None = _f(
        "Colour of headings and rules, as #RRGGBB with at least 4.5:1 contrast on white.", "#1D4E89", default=None
    )
    font: FontName = _f(
        "The letter's typeface (Word versions use the metric-compatible Arial, Times New Roman or Verdana).",
        "Liberation Sans",
        default="Liberation Sans",
    )
    closing: Plain | None = _f(
        "Standard closing words, used when a letter's sign_off gives none.", "Yours sincerely", default=None
    )
    date_style: Literal["plain", "ordinal"] = _f(
        "How dates are written: plain '4 February 2020' (GOV.UK style) or ordinal '4th February 2020'.",
        "plain",
        default="plain",
    )
    language: LetterLanguage = _f(
        f"The letter's language: English, Welsh, or both in one document: `{BILINGUAL}` (Welsh first, as the "
        "guidance on the Welsh Language Standards reads parity; English first with `english_first`), or the "
        "two tags joined by `+`, the first language first.",
        *LETTER_LANGUAGES[:3],
        default=DEFAULT_LANGUAGE,
    )
    english_first: bool | None = _f(
        f"The office has decided that its bilingual letters put English first: `{BILINGUAL}` then does, and "
        "English-first tags give no warning (rule `language-order`).",
        True,
        default=None,
    )
    publishing: Publishing | None = _f(
        "How `publish` makes the web fragment and the s55(6) copies' e-mails.",
        {"copies_to": [{"name": "HMICFRS", "email": "s55-responses@hmicfrs.example"}], "heading_level": 2},
        default=None,
    )
    welsh_language_statement: bool | None = _f(
        "Print the office's statement that correspondence in Welsh is welcome, answered in Welsh and "
        "causes no delay (the Welsh Language Standards), in the letterhead (or the contact lines) in "
        "every format; on unless set false when the office's language includes Welsh.",
        True,
        default=None,
    )
    welsh_language_statement_text: Plain | None = _f(
        "The office's own words for that statement, in each of its languages; the default words otherwise.",
        "Croesewir gohebiaeth yn Gymraeg.",
        default=None,
    )
    bilingual: Literal["parts", "columns"] = _f(
        "How a letter in two languages is set out: two whole parts one after the other, "
        "or side by side in two columns, section by section.",
        "parts",
        "columns",
        default="parts",
    )

    @model_validator(mode="before")
    @classmethod
    def _order(cls, data: Any) -> Any:
        # `bilingual` names no order: the model holds the two tags, first first (vocabulary.letter_language).
        if isinstance(data, dict) and isinstance(data.get("language"), str):
            chosen = letter_language(data["language"], data.get("english_first") is True)
            if chosen != data["language"]:
                data = {**data, "language": chosen}
        return data


def _optional(model: type[Model], name: str, doc: str, leave_out: tuple[str, ...]) -> type[Model]:
    fields: dict[str, Any] = {}
    for field, info in model.model_fields.items():
        if field not in leave_out:
            annotation: Any = info.annotation
            fields[field] = (
                annotation | None,
                Field(default=None, description=info.description, examples=info.examples),
            )
    made: type[Model] = create_model(name, __base__=Model, __doc__=doc, **fields)
    made.TRANSLATABLE = model.TRANSLATABLE
    return made


Profile = _optional(
    Office,
    "Profile",
    "What is the same in every letter from one office: any field of `office`, each optional.",
    leave_out=("profile",),
)


class Period(Model):
    """A span of dates, such as the fieldwork of an inspection."""

    start: Date = _f("First day.", "2018-09-01")
    end: Date = _f("Last day.", "2019-05-31")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        return self


class Item(Model):
    """A recommendation, area for improvement or cause of concern made by the report."""

    TRANSLATABLE = ("text", "area")

    id: RefId = _f("The report's own reference for it.", "R1", "AFI2")
    text: Text = _f("Its words, as the report gives them.", "By 31 March 2026, the force should ...")
    addressed_to: Addressee | None = _f(
        "Who the report addresses it to.", "chief constables", "police and crime commissioners", default=None
    )
    area: Plain | None = _f(
        "The part of the report it belongs to, such as the graded area of a PEEL area for improvement.",
        "Investigating crime",
        default=None,
    )
    due: DueDate | None = _f(
        "When the report asks for it to be done: a date, a month (2026-03) or a financial quarter (2026-27 Q1).",
        "2026-03-31",
        default=None,
    )  # DueDate is defined below, with the actions that share it: pydantic resolves it when first used


class Concern(Item):
    """A cause of concern (PEEL): a serious problem, with the recommendations made to address it."""

    id: RefId = _f("The report's own reference for it.", "C1")

    recommendations: list[RefId] = _f(
        "The ids of the recommendations under this cause of concern.", ["R1", "R2"], default_factory=list
    )


class Judgement(Model):
    """A graded area of the report, such as a PEEL judgement."""

    TRANSLATABLE = ("area",)

    area: Plain = _f("The area graded.", "Investigating crime", "Protecting vulnerable people")
    grade: Plain = _f(
        f"The grade: for PEEL one of {', '.join(PEEL_GRADES)}; for other frameworks the grade as the report gives it.",
        *PEEL_GRADES,
    )


def _unique_ids(items: list[Item], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{what} id {item.id!r} is used twice")
        seen.add(item.id)


class Report(Model):
    """What is responded to: the inspectorate report."""

    TRANSLATABLE = ("title", "series", "areas_inspected", "summary")

    title: Plain = _f(
        "The report's title.", "The multi-agency response to child sexual abuse in the family environment"
    )
    series: Plain | None = _f("The programme the report belongs to.", "Joint Targeted Area Inspections", default=None)
    kind: ReportKind = _f("What sort of inspection it reports.", *REPORT_KINDS[:-1])
    inspectorates: list[Plain] = _f(
        "The inspectorate or inspectorates that wrote it.",
        ["HMICFRS"],
        ["Ofsted", "HMICFRS", "Care Quality Commission"],
        min_length=1,
    )
    published: Date = _f(
        f"Publication date: day one of the {DEADLINE_DAYS} days s55 allows for the response.", "2020-02-04"
    )
    inspection_period: Period | None = _f(
        "When the inspection fieldwork took place.", {"start": "2018-09-01", "end": "2019-05-31"}, default=None
    )
    areas_inspected: list[Plain] = _f(
        "Forces or local authority areas inspected.", ["Cornwall", "York"], default_factory=list
    )
    url: WebUrl = _f(
        "Where the report is published.", "https://hmicfrs.justiceinspectorates.gov.uk/publications/example/"
    )
    force_inspected: bool = _f("Whether this office's force was one of those inspected.", True)
    summary: Paragraphs = _f(
        "Paragraphs summarising the report.", ["This report draws together findings from ..."], default_factory=list
    )
    recommendations: list[Item] = _f(
        "The report's recommendations; an empty list when it makes none.",
        [{"id": "R1", "text": "..."}],
        default_factory=list,
    )
    areas_for_improvement: list[Item] = _f(
        "The report's areas for improvement.", [{"id": "AFI1", "text": "..."}], default_factory=list
    )
    causes_of_concern: list[Concern] = _f(
        "The report's causes of concern, each with the ids of the recommendations under it.",
        [{"id": "C1", "text": "...", "recommendations": ["R1", "R2"]}],
        default_factory=list,
    )
    judgements: list[Judgement] = _f(
        "The report's graded judgements, printed as a table where response.body shows them.",
        [{"area": "Investigating crime", "grade": PEEL_GRADES[3]}],
        default_factory=list,
    )
    recommendation_count: int | None = _f(
        "How many recommendations the report makes, when the letter does not list them one by one.",
        12,
        default=None,
        ge=0,
    )

    @model_validator(mode="after")
    def _ids(self) -> Report:
        for kind in ITEM_KINDS:
            _unique_ids(list(getattr(self, kind.field)), kind.name)
        return self


class Finding(Model):
    """A finding of the report, quoted or summarised, with the office's commentary."""

    TRANSLATABLE = ("text", "commentary")

    text: Text = _f("The finding, in the report's words or summarised.", "Poor-quality criminal investigations")
    quoted: bool = _f("True when text is the report's own words (shown as a quotation).", False, default=False)
    commentary: Paragraphs = _f("What the office says about it.", ["I share this concern ..."], default_factory=list)


class Themes(Model):
    """A lead-in sentence and the bulleted themes it introduces."""

    TRANSLATABLE = ("intro", "items")

    intro: Text = _f("The sentence introducing the list.", "Strategies need to include:")
    items: list[Text] = _f(
        "The themes, one bullet each.", ["A focus on prevalence", "Impact on children"], min_length=1
    )


def _any_case(word: str) -> str:
    # A JSON Schema pattern (ECMA regex: no inline flags) for `word` in any case, spaces and hyphens as any of ' _-'.
    return "".join("[ _-]+" if c in " -" else f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in word)


_STATUS_SCHEMA = {
    # The statuses as written canonically (what editors offer: a select, completions), or any spelling
    # of one (`In Progress`, `in-progress`, `completed`), which the spec reads as the status it means.
    "anyOf": [
        {"type": "string", "enum": list(STATUSES)},
        {
            "type": "string",
            "pattern": r"^\s*(?:"
            + "|".join(_any_case(word) for s in STATUS_TABLE if s.in_spec for word in (s.value, *s.aliases))
            + r")\s*$",
        },
    ],
    "description": f"{one_of(STATUSES)} (case, hyphens and underscores do not matter)",
}


_COMPLETE: Status = COMPLETE  # for the examples


def _status(value: object) -> object:
    # `In Progress`, `in-progress` and `in_progress` all mean `in progress`.
    return status_spelling(value) if isinstance(value, str) else value


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})[-/](\d{2}) ?Q([1-4])$", re.I)


@dataclass(frozen=True)
class Due:
    """When an action is due: a day, a month (`2026-03`) or a financial quarter (`2026-27 Q1`).

    Rules compare `last_day`; the letter prints `day` as a date, or the text of `str()`.

    >>> str(Due.parse("2026-03")), Due.parse("2026-03").last_day
    ('March 2026', datetime.date(2026, 3, 31))
    >>> str(Due.parse("2026-27 Q4")), Due.parse("2026-27 Q4").last_day
    ('Q4 2026–27', datetime.date(2027, 3, 31))
    """

    first_day: dt.date
    last_day: dt.date
    spelled: str  # as the spec gives it, for the schema's round trip

    @property
    def day(self) -> dt.date | None:
        """The date, when the action is due on one day."""
        return self.first_day if self.first_day == self.last_day else None

    @property
    def quarter(self) -> bool:
        """Whether it is due in a financial quarter (`2026-27 Q1`)."""
        return bool(_QUARTER.match(self.spelled))

    @property
    def months(self) -> str:
        """The months a quarter covers: `April to June 2026` for `2026-27 Q1`."""
        return dates.months(self.first_day, self.last_day)

    def __str__(self) -> str:
        if self.day:
            return self.day.isoformat()
        if quarter := _QUARTER.match(self.spelled):
            return f"Q{quarter.group(3)} {quarter.group(1)}–{quarter.group(2)}"
        return f"{self.first_day:%B %Y}"

    @classmethod
    def parse(cls, value: object) -> Due:
        """A due date from YAML: a date, `YYYY-MM`, or `YYYY-YY Qn` (April to June is Q1)."""
        if isinstance(value, Due):
            return value
        due = cls._parse(value)
        _in_calendar(due.last_day)
        return due

    @classmethod
    def _parse(cls, value: object) -> Due:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return cls(value, value, value.isoformat())
        if not isinstance(value, str):
            raise ValueError(_DUE_EXPECTED)
        text = value.strip()
        if month := _MONTH.match(text):
            year, number = int(month.group(1)), int(month.group(2))
            if not 1 <= number <= 12:
                raise ValueError(f"no month {number} in '{text}'")
            first = dt.date(year, number, 1)
            following = dt.date(year + number // 12, number % 12 + 1, 1)
            return cls(first, following - dt.timedelta(days=1), text)
        if quarter := _QUARTER.match(text):
            year, next_two, q = int(quarter.group(1)), int(quarter.group(2)), int(quarter.group(3))
            if next_two != (year + 1) % 100:
                raise ValueError(f"'{text}' is not a financial year: write {year}-{(year + 1) % 100:02d} Q{q}")
            return cls(*dates.financial_quarter(year, q), text)
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            reading = dates.due_reading(text)
            hint = f"; did you mean {reading}?" if reading else ""
            raise ValueError(f"{_DUE_EXPECTED}, got '{text}'{hint}") from None
        return cls(day, day, text)


_DUE_EXPECTED = (
    "expected a date like 2026-03-31 (year-month-day), a month like 2026-03 or a financial quarter like 2026-27 Q1 "
    f"({dates.months(*dates.financial_quarter(2026, 1))})"
)


DueDate = Annotated[
    Due,
    PlainValidator(Due.parse),
    PlainSerializer(lambda due: due.spelled, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                {"type": "string", "pattern": r"^\d{4}[-/]\d{2} ?[Qq][1-4]$"},
            ]
        }
    ),
]


# The items of a report name DueDate before it is defined (above): complete them now, not at first use.
Item.model_rebuild()
Concern.model_rebuild()
Report.model_rebuild()


class Successor(Model):
    """The later recommendation or area for improvement that carries on a superseded one."""

    report: Plain = _f("The later report's title.", "PEEL 2025-27: an inspection of Loamshire Police")
    item: RefId | None = _f("The later item's id in that report.", "AFI3", default=None)

    def __str__(self) -> str:
        return f"{self.item} of {self.report}" if self.item else self.report


class Update(Model):
    """Progress recorded on an action after the response: the register reads it, the letter never does."""

    date: Date = _f("When the progress was recorded.", "2026-01-15")
    status: Annotated[Status, BeforeValidator(_status), WithJsonSchema(_STATUS_SCHEMA)] = _f(
        "Where the action stands from this date.", _COMPLETE
    )
    note: Plain | None = _f(
        "What was done or what is holding it up; for `not applicable`, why.",
        "All 212 call handlers trained.",
        default=None,
    )
    by: Plain | None = _f(
        "Who recorded it, or who signed it off when it closes the action.", "Police and Crime Panel", default=None
    )
    evidence: Plain | None = _f(
        "What shows it: a document, a report to a board, an inspection's finding.",
        "Training records, Force Control Room, January 2026",
        default=None,
    )
    superseded_by: Successor | None = _f(
        "For `superseded`: the later report and item that carry it on.",
        {"report": "PEEL 2025-27: an inspection of Loamshire Police", "item": "AFI3"},
        default=None,
    )


class Action(Model):
    """Something the office or force is doing in response."""

    TRANSLATABLE = ("text", "owner")

    text: Text = _f("What will be or has been done.", "Train all call handlers in the risk assessment tool.")
    owner: Plain | None = _f("Who is responsible for it.", "Head of Force Control Room", default=None)
    due: DueDate | None = _f(
        "When it is due: a date, a month (2026-03) or a financial quarter (2026-27 Q1).",
        "2026-01-31",
        "2026-03",
        "2026-27 Q1",
        default=None,
    )
    status: Annotated[Status, BeforeValidator(_status), WithJsonSchema(_STATUS_SCHEMA)] | None = _f(
        "Where it stands (case and hyphens do not matter).", IN_PROGRESS, default=None
    )
    updates: list[Update] = _f(
        "Progress recorded after the response, oldest first: the letter keeps `status`, the register the latest.",
        [{"date": "2026-01-15", "status": _COMPLETE, "note": "All call handlers trained."}],
        default_factory=list,
    )

    @property
    def detailed(self) -> bool:
        """Whether the action has an owner, due date or status to tabulate."""
        return any(v is not None for v in (self.owner, self.due, self.status))


class Answer(Model):
    """The response to one recommendation, area for improvement or cause of concern (s55(5B)),
    or to several at once."""

    TRANSLATABLE = ("response",)

    id: RefId | None = _f("The id of the recommendation or area for improvement answered.", "R1", default=None)
    ids: list[RefId] = _f("Instead of id: the ids of several answered together.", ["R10", "R22"], default_factory=list)
    applies: bool = _f(
        "False when the recommendation does not apply to this office or force; response then says why.",
        True,
        default=True,
    )
    response: BlockText = _f("The action taken or proposed, or why none is taken.", "Accepted. The force will ...")
    accepted: bool = _f(
        "False when the office does not accept it and takes no action; response then says why.",
        True,
        default=True,
    )
    actions: list[Action] = _f(
        "The actions that carry it out.",
        [{"text": "...", "owner": "Deputy Chief Constable", "due": "2026-03-31"}],
        default_factory=list,
    )
    updates: list[Update] = _f(
        "Progress recorded after the response on an answer without actions (superseded, complete ...), "
        "oldest first: the register reads it, the letter never does.",
        [{"date": "2026-06-01", "status": SUPERSEDED, "superseded_by": {"report": "PEEL 2025-27", "item": "AFI3"}}],
        default_factory=list,
    )

    @model_validator(mode="after")
    def _id_or_ids(self) -> Answer:
        if (self.id is None) == (not self.ids):
            raise ValueError("give either id or ids, not both or neither")
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("ids names one id twice")
        return self

    @property
    def answered_ids(self) -> tuple[str, ...]:
        """The ids this answer covers, in the order given."""
        return (self.id,) if self.id is not None else tuple(self.ids)


class ChiefConstable(Model):
    """The chief constable's comments, or why the letter carries none (s55(4))."""

    TRANSLATABLE = ("comments", "reply", "reply_heading")

    name: Plain | None = _f("The chief constable's name.", "Mark Ellery", default=None)
    comments: Paragraphs = _f(
        "The chief constable's comments, published with the response.", ["I welcome ..."], default_factory=list
    )
    reply: Paragraphs = _f(
        "The commissioner's response to the chief constable's comments (s55(5A)), printed after them.",
        ["I welcome the Chief Constable's commitment ..."],
        default_factory=list,
    )
    reply_heading: Plain | None = _f(
        "Replaces the heading over the reply (“My response to the Chief Constable’s comments”).",
        "The Commissioner’s response",
        default=None,
    )
    omitted_because: Plain | None = _f(
        "Why no comments are included: kept on record for reviewers and validate, not printed in the letter.",
        "the force was not inspected",
        "no comments were received",
        default=None,
    )

    @model_validator(mode="after")
    def _one_of(self) -> ChiefConstable:
        if bool(self.comments) == bool(self.omitted_because):
            raise ValueError("give either comments or omitted_because, not both or neither")
        if self.reply and not self.comments:
            raise ValueError("a reply answers the chief constable's comments: give comments too")
        return self


class SignOff(Model):
    """How the letter ends."""

    TRANSLATABLE = ("closing", "role", "area")

    closing: Plain | None = _f("Closing words (default: the office's closing).", "Yours sincerely", default=None)
    name: Plain | None = _f("Who signs (default: the commissioner).", "Priya Marsh", default=None)
    role: Plain | None = _f(
        "Their role (default: the commissioner's role).", "Police and Crime Commissioner", default=None
    )
    area: Plain | None = _f("Their area, under the role.", "Loamshire", default=None)


class Quote(Model):
    """Words of a named person, printed as a quotation with its attribution."""

    TRANSLATABLE = ("text", "by")

    text: BlockText = _f("The words quoted.", "I am determined that every victim ...")
    by: Plain = _f("Who said or wrote them.", "Priya Marsh, Police and Crime Commissioner")


BODY_KEYS = BLOCK_KINDS


class BodyBlock(Model):
    """One block of `response.body`: a mapping with exactly one of its keys."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})
    TRANSLATABLE = ("heading", "subheading", "text")

    heading: Plain | None = _f("A section heading.", "Next steps", default=None)
    subheading: Plain | None = _f("A heading one level down.", "Governance", default=None)
    text: BlockText | None = _f(
        "Letter text: paragraphs and lists in Markdown.", "I welcome the report ...", default=None
    )
    quote: Quote | None = _f(
        "A quotation with its attribution.", {"text": "...", "by": "the Commissioner"}, default=None
    )
    findings: list[Finding] | None = _f("Findings of the report.", [{"text": "..."}], default=None)
    themes: Themes | None = _f("A lead-in and bulleted themes.", {"intro": "...", "items": ["..."]}, default=None)
    actions: list[Action] | None = _f(
        "Actions, as a table when they have owners or dates.", [{"text": "..."}], default=None
    )
    answers: list[RefId] | None = _f(
        "Places the answers (kept under response.recommendations, areas_for_improvement or causes_of_concern) "
        "to these ids here, in this order.",
        ["R1", "R2"],
        default=None,
    )
    show: Shown | None = _f("Places a structured part held elsewhere in the spec.", "chief_constable", default=None)

    @model_validator(mode="after")
    def _one_key(self) -> BodyBlock:
        given = [key for key in BODY_KEYS if getattr(self, key) is not None]
        if len(given) != 1:
            named = " and ".join(given) if given else "none"
            raise ValueError(f"a body block has exactly one of {', '.join(BODY_KEYS)} (got {named})")
        return self

    @property
    def kind(self) -> str:
        """Which key the block has: 'heading', 'text', 'answers', ..."""
        return next(key for key in BODY_KEYS if getattr(self, key) is not None)


class SignOffStep(Model):
    """One step a response has been through on its way to publication."""

    step: SignOffStepName = _f(
        "The step: the chief constable invited to comment, the comments received, the text approved by the "
        "commissioner, published, copies sent to the inspectors and the Home Secretary.",
        "approved",
    )
    date: dt.date = _f("The day it happened.", "2025-11-18")
    by: Plain | None = _f("Who did it.", "Priya Marsh", default=None)
    note: Plain | None = _f("Anything worth recording about it.", "Approved at the Strategic Board.", default=None)
    due: dt.date | None = _f(
        "For chief_constable_invited: the date the commissioner asked for the comments by (s55(4)).",
        "2025-11-07",
        default=None,
    )
    url: WebUrl | None = _f(
        "For published: where the response is published.",
        "https://www.loamshire-pcc.example/s55/peel-2025",
        default=None,
    )
    to: list[Plain] = _f(
        "For copies_sent: who the copies went to.", ["HMICFRS", "The Home Secretary"], default_factory=list
    )

    @model_validator(mode="after")
    def _fields_of_the_step(self) -> SignOffStep:
        for name, step in (("due", "chief_constable_invited"), ("url", "published"), ("to", "copies_sent")):
            if getattr(self, name) and self.step != step:
                raise ValueError(f"'{name}' belongs to the step {step}, not {self.step}")
        return self


class Response(Model):
    """What the office says."""

    TRANSLATABLE = (
        "title",
        "report_link_text",
        "addressee",
        "salutation",
        "opening",
        "context",
        "findings_intro",
        "national_context",
        "recommendations_summary",
        "monitoring",
        "closing",
        "copies",
    )

    date: Date = _f(f"Date of the response: due by the {DEADLINE_DAYS}th day from publication.", "2020-03-23")
    title: Plain | None = _f(
        "Replaces the layout's own title line.", "The Commissioner's response to ...", default=None
    )
    report_link_text: Plain | None = _f(
        "Words of the link to the report; say where it goes.", "Read the report on the HMICFRS website", default=None
    )
    addressee: list[Plain] = _f(
        "Who the letter is addressed to, one line per item.",
        ["Sir Andy Cooke QPM DL", "His Majesty's Chief Inspector of Constabulary"],
        default_factory=list,
    )
    reference: Plain | None = _f("The letter's reference.", "OPCC/2025/117", default=None)
    salutation: Plain | None = _f("The greeting.", "Dear Sir Andy", default=None)
    body: list[BodyBlock] | None = _f(
        "The letter in the officer's own order and headings. When given, the layout prints only the "
        "letter furniture around it, and every answer and the chief constable's comments must be placed here.",
        [{"heading": "Our response"}, {"text": "I welcome ..."}, {"answers": ["R1"]}, {"show": "chief_constable"}],
        default=None,
        min_length=1,
    )
    opening: Paragraphs = _f("Opening paragraphs.", ["I welcome the report ..."], default_factory=list)
    context: Paragraphs = _f(
        "Paragraphs on the inspection and its local context.", ["Between September 2018 ..."], default_factory=list
    )
    findings_intro: Text | Literal[""] | None = _f(
        "Replaces the layout's lead-in to the key findings; an empty string drops it.",
        "The inspectors found:",
        "",
        default=None,
    )
    key_findings: list[Finding] = _f(
        "The report's key findings.", [{"text": "Poor-quality criminal investigations"}], default_factory=list
    )
    national_context: Paragraphs = _f(
        "National or wider context.", ["This is a national report ..."], default_factory=list
    )
    strategy_themes: Themes | None = _f(
        "Themes the report calls for, as a lead-in and bullets.",
        {"intro": "Strategies need to include:", "items": ["..."]},
        default=None,
    )
    local_actions: list[Action] = _f(
        "What the office and force are doing locally.", [{"text": "..."}], default_factory=list
    )
    chief_constable: ChiefConstable | None = _f(
        "The chief constable's comments, or why there are none.",
        {"omitted_because": "the force was not inspected"},
        default=None,
    )
    recommendations_summary: Paragraphs = _f(
        "Paragraphs opening the recommendations section.",
        ["While no recommendations have been made ..."],
        default_factory=list,
    )
    recommendations: list[Answer] = _f(
        "A response to each of the report's recommendations.",
        [{"id": "R1", "response": "Accepted. ..."}],
        default_factory=list,
    )
    areas_for_improvement: list[Answer] = _f(
        "A response to each area for improvement.", [{"id": "AFI1", "response": "..."}], default_factory=list
    )
    causes_of_concern: list[Answer] = _f(
        "A response to each cause of concern.", [{"id": "C1", "response": "..."}], default_factory=list
    )
    monitoring: Paragraphs = _f(
        "Who oversees delivery and how progress is reported.",
        ["The Deputy Chief Constable's governance board tracks each action monthly ..."],
        default_factory=list,
    )
    closing: Paragraphs = _f(
        "Closing paragraphs before the sign-off.", ["I will publish progress ..."], default_factory=list
    )
    sign_off: SignOff | None = _f(
        "Closing words and signature; layouts that end with a signature require it.",
        {"closing": "Yours sincerely", "name": "Priya Marsh", "role": "Police and Crime Commissioner"},
        default=None,
    )
    copies: list[Plain] = _f(
        "Who receives a copy (printed as cc lines); s55(6) sends one to the inspectors of constabulary "
        "and the Secretary of State.",
        ["His Majesty's Inspectorate of Constabulary and Fire & Rescue Services", "The Home Secretary"],
        default_factory=list,
    )
    sign_off_steps: list[SignOffStep] = _f(
        "Where the response stands: each step it has been through, with its date (never printed in the letter).",
        [{"step": "approved", "date": "2025-11-18", "by": "Priya Marsh"}],
        default_factory=list,
    )


def _the_number(value: object) -> object:
    # YAML's `true` and `1.0` equal 1 in Python, and would pass for the version.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected the number 1, got {str(value).lower() if isinstance(value, bool) else repr(value)}")
    return value


MAX_LAYOUT_NAME = 64
"""Characters in a layout's name: it names a file (`<name>.html.j2`), and file names end at 255 bytes."""


class ResponseSpec(Model):
    """A response to an inspection report under Police Act 1996 s55, as written in YAML."""

    schema_version: Annotated[Literal[1], BeforeValidator(_the_number)] = _f("The version of this format.", 1)
    layout: str = _f(
        "The layout template (see `jtai-letters layouts`).",
        "letter",
        "narrative",
        "statement",
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        max_length=MAX_LAYOUT_NAME,
    )
    office: Office = _f("Who responds.")
    report: Report = _f("The report responded to.")
    response: Response = _f("What the office says in reply.")
