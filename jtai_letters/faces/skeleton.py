"""`jtai-letters new`: a commented spec to fill in, valid except for the TODOs it marks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jtai_letters.checks.rules import publication_deadline
from jtai_letters.errors import Problem, SpecError
from jtai_letters.letter.layouts import Layout
from jtai_letters.spec.load import parse_spec
from jtai_letters.spec.vocabulary import (
    DEADLINE_DAYS,
    DEFAULT_REPORT_KIND,
    PEEL,
    PEEL_GRADES,
    REPORT_KINDS,
    SHOWN_PARTS,
    STATUSES,
    one_of,
)


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def skeleton(
    layout: Layout,
    *,
    report_title: str | None = None,
    published: dt.date | None = None,
    kind: str = DEFAULT_REPORT_KIND,
    area: str | None = None,
    commissioner: str | None = None,
    role: str = "Police and Crime Commissioner",
    url: str | None = None,
    body: bool = False,
    peel_parts: bool = True,
) -> str:
    """The YAML text of a new spec for `layout`; every TODO is reported by validate until replaced.

    Fields the layout never prints are left out; those it needs are marked. A value the
    schema refuses (`url="notaurl"`) is a `SpecError` naming its option, as validate words it.

    >>> wessex = skeleton(Layout("letter"), area="Wessex", role="Police and Crime Commissioner for Wessex")
    >>> "Office of the Police and Crime Commissioner for Wessex" in wessex, "for Wessex for Wessex" in wessex
    (True, False)

    With `body`, the letter starts as `response.body`: the officer's own order and headings.
    For `kind="peel"` it holds the PEEL parts (judgements, causes of concern, reply ...) unless
    `peel_parts` is false.
    """
    published = published or dt.date.today()
    area_text = area or "TODO: police area"
    name = commissioner or "TODO: the commissioner's full name"
    if not area:
        office = "TODO: the office's name"
    elif role.endswith(f" for {area}"):  # "Police and Crime Commissioner for Wessex" already names the area
        office = f"Office of the {role}"
    else:
        office = f"Office of the {role} for {area}"
    prints = {
        path: f"  # {line}\n" if path not in layout.ignores else ""
        for path, line in (
            ("office.website", "website: https://www.example.gov.uk"),
            ("office.logo", 'logo: {path: logo.png, alt: "The office\'s logo"}'),
        )
    }
    deadline = publication_deadline(published)
    by = f", by {deadline.isoformat()} (s55: {DEADLINE_DAYS} days)" if deadline else ""
    needs = {path: f"   # the {layout.name} layout needs it: {why}" for path, why in layout.requires}
    peel = kind == PEEL and not body and peel_parts
    if peel:  # the parts of a PEEL response, each text written so that '#', ':' and apostrophes are safe
        report_items = _PEEL_REPORT
        letter = _PEEL_RESPONSE.format(due=_due(published), **_STATUS_COMMENT)
    else:
        report_items = _REPORT_ITEMS
        letter = _BODY.format(shown=_ALSO_SHOWN) if body else _STANDARD.format(due=_due(published), **_STATUS_COMMENT)
        letter += _CHIEF_CONSTABLE
    return _accepted(f"""\
# yaml-language-server: $schema=response-spec.schema.json
# A response spec for jtai-letters (Police Act 1996 s55). Replace every TODO,
# then check it with:  jtai-letters validate THIS-FILE.yaml
# Field reference: jtai-letters schema --markdown. For completion in VS Code, save
# the schema beside this file:  jtai-letters schema > response-spec.schema.json
schema_version: 1
layout: {layout.name}

office:
  name: {_q(office)}
  commissioner: {_q(name)}
  role: {_q(role)}
  area: {_q(area_text)}
  address:
    - "TODO: first line of the postal address"
  # telephone: 01632 960 123
  # email: enquiries@example.gov.uk
{prints["office.website"]}{prints["office.logo"]}
report:
  title: {_q(report_title or "TODO: the report's title")}{_SERIES if peel else ""}
  kind: {kind}   # {one_of(REPORT_KINDS)}
  inspectorates: [HMICFRS]
  published: {published.isoformat()}   # day one of the {DEADLINE_DAYS} days allowed for the response
  url: {_q(url or "https://TODO.invalid/the-report")}
  force_inspected: true
  summary:{needs.get("report.summary", "")}
    - "TODO: a paragraph summarising the report"
{report_items}
response:
  date: TODO   # the date this response is published, as YYYY-MM-DD{by}
{letter}  sign_off:{needs.get("response.sign_off", "")}
    closing: Yours sincerely
    name: {_q(name)}
    role: {_q(role)}
  copies:   # s55(6): the published response goes to the inspectors and the Secretary of State
    - His Majesty's Inspectorate of Constabulary and Fire & Rescue Services
    - The Home Secretary
""")


# The fields each option of `new` fills in, so a refused value is reported against the option given.
OPTIONS = {
    "report.title": "--report-title",
    "report.url": "--url",
    "office.name": "--area",
    "office.area": "--area",
    "office.commissioner": "--commissioner",
    "office.role": "--role",
    "response.sign_off.name": "--commissioner",
    "response.sign_off.role": "--role",
}


def _accepted(text: str) -> str:
    """`text`, once the schema accepts it: validate's own check, so `new` never prints a spec it would refuse."""
    try:
        parse_spec(text, Path("new"))
    except SpecError as e:
        refused: dict[tuple[str, str], str] = {}  # one value may fill two fields: said once, at the first
        for p in e.problems:
            if p.field == "response.date":
                continue  # `date: TODO` until the officer knows it: validate says so
            refused.setdefault((OPTIONS.get(p.field, "new"), p.message), p.field)
        problems = [Problem(message, Path(option), field=field) for (option, message), field in refused.items()]
        if problems:
            raise SpecError(problems) from None
    return text


def _due(published: dt.date) -> str:
    return (published + dt.timedelta(days=90)).isoformat()


_STATUS_COMMENT = {"status": STATUSES[0], "statuses": one_of(STATUSES)}
_ALSO_SHOWN = ", ".join(part for part in SHOWN_PARTS if part != "chief_constable")

_STANDARD = """\
  opening:
    - "TODO: the opening paragraph"
  context: []
  key_findings: []   # - {{text: "...", quoted: true, commentary: ["..."]}}
  local_actions:
    - text: "TODO: what will be done"
      # owner: Deputy Chief Constable
      # due: {due}   # or a month (2026-03) or a financial quarter (2026-27 Q1)
      # status: {status}   # {statuses}
"""

# The letter in the officer's order: the layout adds only letterhead, date, title and sign-off.
_BODY = """\
  # addressee: [Sir Andy Cooke QPM DL, His Majesty's Chief Inspector of Constabulary]
  # salutation: Dear Sir Andy
  body:
    - show: report_summary
    - heading: "TODO: your first heading"
    - text: |
        TODO: paragraphs separated by a blank line. Lists work too:

        - one point
        - another point
    # - answers: [R1]            places the answer to R1 (kept under response.recommendations)
    - show: chief_constable    # also: {shown}
"""

_REPORT_ITEMS = """\
  recommendations: []   # one per recommendation:  - {id: R1, text: "..."}
  areas_for_improvement: []   # likewise:  - {id: AFI1, text: "..."}
"""

_CHIEF_CONSTABLE = """\
  chief_constable:
    # name: the chief constable's name
    comments:
      - "TODO: the chief constable's comments"
    # or, instead of comments:  omitted_because: "the force was not inspected"
  recommendations: []   # for each report recommendation:  - {id: R1, response: "...", actions: []}
  areas_for_improvement: []
"""

_SERIES = "\n  series: PEEL"

# A PEEL report's parts, each text after `|` (the lines below it are the text: '#', ':' and
# apostrophes in them are just text). One item of each kind to copy for the others.
_PEEL_REPORT = f"""\
  # The report's graded judgements: each area and its grade, one of {one_of(PEEL_GRADES)}.
  judgements:
    - area: "TODO: the area graded, as the report names it"
      grade: "TODO: its grade"
  # Each cause of concern, in the report's words, with the ids of the recommendations under it.
  causes_of_concern:
    - id: C1
      text: |
        TODO: the cause of concern, as the report words it
      recommendations: [R1]
  # Each recommendation, in the report's words (copy the three lines for R2, R3 ...).
  recommendations:
    - id: R1
      text: |
        TODO: the recommendation, as the report words it
  # Each area for improvement, likewise.
  areas_for_improvement:
    - id: AFI1
      text: |
        TODO: the area for improvement, as the report words it
"""

_PEEL_RESPONSE = """\
  # Who the letter is to, one line each; your reference; the greeting.
  addressee:
    - Sir Andy Cooke QPM DL
    - His Majesty's Chief Inspector of Constabulary
  reference: "TODO: your reference, such as OPCC/2025/131"
  salutation: Dear Sir Andy
  # Your opening paragraphs: a blank line between two paragraphs, '- ' at the start of a bullet.
  opening: |
    TODO: the opening paragraph
  # Your answer to each cause of concern, recommendation and area for improvement, by its id.
  causes_of_concern:
    - id: C1
      response: |
        TODO: what is being done about the cause of concern
  recommendations:
    - id: R1
      response: |
        TODO: the action taken or proposed, or why none
      actions:   # optional: each with an owner, a due date and a status, printed as a table
        - text: "TODO: what will be done"
          # owner: Deputy Chief Constable
          # due: {due}   # or a month (2026-03) or a financial quarter (2026-27 Q1)
          # status: {status}   # {statuses}
  areas_for_improvement:
    - id: AFI1
      response: |
        TODO: the action taken or proposed
  # Who oversees delivery of the actions, and how progress is reported.
  monitoring: |
    TODO: how you will hold the force to account for the actions
  # The chief constable's comments as sent, and your reply to them (printed under its own heading).
  chief_constable:
    name: "TODO: the chief constable's name"
    comments: |
      TODO: the chief constable's comments
    reply: |
      TODO: your response to the chief constable's comments
"""
