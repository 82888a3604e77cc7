"""The response spec: the single source of truth for what a spec may say.

Every model forbids unknown keys, so a typo in a spec is an error rather than
text silently dropped from a published letter. Text fields typed `Text` take
inline Markdown; the template receives them as `Inline` strings that render
themselves safely (see `text.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    PrivateAttr,
    TypeAdapter,
    model_validator,
)

from .text import Inline

_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _inline(value: str) -> Inline:
    return Inline(value)


def _http_url(value: str) -> str:
    # Validate with pydantic's HttpUrl but keep the officer's spelling: the
    # normalised form (trailing slashes, punycode) must not change the letter.
    _HTTP_URL.validate_python(value)
    return value


Text = Annotated[
    str,
    Field(min_length=1, description="Inline Markdown: *emphasis*, **strong**, [words](https://...)."),
    AfterValidator(_inline),
]
"""One paragraph (or list item) of letter text, with inline Markdown."""

Plain = Annotated[str, Field(min_length=1)]
"""A short plain-text value (a name, a title): shown exactly as typed."""

WebUrl = Annotated[
    str,
    Field(description="An absolute http(s) URL.", examples=["https://www.justiceinspectorates.gov.uk/hmicfrs/"]),
    AfterValidator(_http_url),
]

RefId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class Model(BaseModel):
    """Base for every spec model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Image(Model):
    """An image file beside the spec, with the alternative text screen readers announce."""

    path: Plain = Field(description="Path relative to the spec's folder.", examples=["logos/loamshire.png"])
    alt: Plain = Field(description="Alternative text describing the image.")


class Office(Model):
    """Who responds: the commissioner and their office."""

    name: Plain = Field(examples=["Office of the Police and Crime Commissioner for Loamshire"])
    commissioner: Plain = Field(description="The commissioner's full name.", examples=["Jane Doe"])
    role: Plain = Field(
        description="Role title, e.g. Police and Crime Commissioner; Police, Fire and Crime Commissioner; Deputy Mayor.",
        examples=["Police and Crime Commissioner"],
    )
    area: Plain = Field(description="The police area.", examples=["Loamshire"])
    address: list[Plain] = Field(default_factory=list, description="Postal address, one line per item.")
    telephone: Plain | None = None
    email: EmailStr | None = None
    website: WebUrl | None = None
    logo: Image | None = None
    date_style: Literal["plain", "ordinal"] = Field(
        default="plain",
        description="How dates are written: plain '4 February 2020' (GOV.UK style) or ordinal '4th February 2020'.",
    )


class Period(Model):
    """A span of dates, such as the fieldwork of an inspection."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        return self


class Item(Model):
    """A recommendation or area for improvement made by the report."""

    id: RefId = Field(description="The report's own reference, e.g. R1 or AFI2.")
    text: Text


def _unique_ids(items: list[Item], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{what} id {item.id!r} is used twice")
        seen.add(item.id)


class Report(Model):
    """What is responded to: the inspectorate report."""

    title: Plain = Field(examples=["The multi-agency response to child sexual abuse in the family environment"])
    series: Plain | None = Field(default=None, description="Programme the report belongs to, e.g. Joint Targeted Area Inspections.")
    kind: Literal["jtai", "peel", "national-thematic", "force-specific", "other"]
    inspectorates: list[Plain] = Field(min_length=1, examples=[["HMICFRS", "Ofsted"]])
    published: dt.date = Field(description="Publication date of the report (starts the 56-day clock).")
    inspection_period: Period | None = None
    areas_inspected: list[Plain] = Field(default_factory=list)
    url: WebUrl
    force_inspected: bool = Field(description="Whether this force was one of those inspected.")
    summary: list[Text] = Field(default_factory=list, description="Paragraphs summarising the report.")
    recommendations: list[Item] = Field(default_factory=list)
    areas_for_improvement: list[Item] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids(self) -> Report:
        _unique_ids(self.recommendations, "recommendation")
        _unique_ids(self.areas_for_improvement, "area for improvement")
        return self


class Finding(Model):
    """A finding of the report, quoted or summarised, with the office's commentary."""

    text: Text
    quoted: bool = Field(default=False, description="True when text is the report's own words.")
    commentary: list[Text] = Field(default_factory=list)


class Themes(Model):
    """A lead-in sentence and the bulleted themes it introduces."""

    intro: Text
    items: list[Text] = Field(min_length=1)


Status = Literal["planned", "in progress", "ongoing", "complete"]


class Action(Model):
    """Something the office or force is doing in response."""

    text: Text
    owner: Plain | None = None
    due: dt.date | None = None
    status: Status | None = None

    @property
    def detailed(self) -> bool:
        """Whether the action has an owner, due date or status to tabulate."""
        return any(v is not None for v in (self.owner, self.due, self.status))


class Answer(Model):
    """The response to one recommendation or area for improvement (s55(5B))."""

    id: RefId = Field(description="The id of the recommendation or area for improvement answered.")
    response: Text = Field(description="The action taken or proposed, or why none is taken.")
    actions: list[Action] = Field(default_factory=list)


class ChiefConstable(Model):
    """The chief constable's comments, or why the letter carries none (s55(4))."""

    name: Plain | None = None
    comments: list[Text] = Field(default_factory=list)
    omitted_because: Plain | None = Field(
        default=None, description="Why no comments are included, e.g. 'the force was not inspected'."
    )

    @model_validator(mode="after")
    def _one_of(self) -> ChiefConstable:
        if bool(self.comments) == bool(self.omitted_because):
            raise ValueError("give either comments or omitted_because, not both or neither")
        return self


class SignOff(Model):
    """How the letter ends."""

    closing: Plain | None = Field(default=None, examples=["Yours sincerely"])
    name: Plain
    role: Plain
    area: Plain | None = None


class Response(Model):
    """What the office says."""

    date: dt.date = Field(description="Date of the response.")
    title: Plain | None = Field(default=None, description="Overrides the layout's own title line.")
    report_link_text: Plain | None = Field(default=None, description="Words of the link to the report.")
    opening: list[Text] = Field(default_factory=list)
    context: list[Text] = Field(default_factory=list)
    key_findings: list[Finding] = Field(default_factory=list)
    national_context: list[Text] = Field(default_factory=list)
    strategy_themes: Themes | None = None
    local_actions: list[Action] = Field(default_factory=list)
    chief_constable: ChiefConstable | None = None
    recommendations_summary: list[Text] = Field(default_factory=list)
    recommendations: list[Answer] = Field(default_factory=list)
    areas_for_improvement: list[Answer] = Field(default_factory=list)
    closing: list[Text] = Field(default_factory=list)
    sign_off: SignOff | None = None


class ResponseSpec(Model):
    """A whole response spec, as written in YAML."""

    schema_version: Literal[1]
    layout: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", examples=["letter"])]
    office: Office
    report: Report
    response: Response

    _source: object = PrivateAttr(default=None)
