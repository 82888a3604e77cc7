"""`jtai-letters new`: a commented spec to fill in, valid except for the TODOs it marks.

Its comments and the text it leaves to fill in are in the office's languages (`--language`),
from the templates' catalogues like the letters' words; for an office writing in two, each text
to fill in is given as `{cy: ..., en: ...}` (a block of text as a `cy: |` and an `en: |`), so the
spec validates once its TODOs are replaced.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jtai_letters.checks.rules import publication_deadline
from jtai_letters.errors import Problem, SpecError
from jtai_letters.letter import catalogue
from jtai_letters.letter.labels import SKELETON_WORDS
from jtai_letters.letter.layouts import Layout
from jtai_letters.letter.templates import DEFAULT_TEMPLATES
from jtai_letters.spec import language as spec_language
from jtai_letters.spec.load import parse_spec
from jtai_letters.spec.vocabulary import (
    DEADLINE_DAYS,
    DEFAULT_LANGUAGE,
    DEFAULT_REPORT_KIND,
    PEEL,
    PEEL_GRADES,
    REPORT_KINDS,
    SHOWN_PARTS,
    STATUSES,
    one_of,
)

DEFAULT_ROLE = SKELETON_WORDS["role"]


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


@dataclass(frozen=True)
class _Say:
    """`new`'s words in the spec's languages, first first, and how each kind of text is written."""

    words: tuple[catalogue.Catalogue, ...]
    keys: tuple[str, ...]  # the languages' keys in spec text (`cy`, `en`)

    def each(self, key: str, **values: Any) -> list[str]:
        return [w.plain(SKELETON_WORDS[key]) % values if values else w.plain(SKELETON_WORDS[key]) for w in self.words]

    def comment(self, key: str, indent: str = "", **values: Any) -> str:
        """Comment lines, each language's in turn."""
        return "".join(f"{indent}# {line}\n" for text in self.each(key, **values) for line in text.split("\n"))

    def comment_list(self, key: str, indent: str, name: str, items: Any) -> str:
        """Comment lines naming `items` as a list in each language's words (`a, b or c`)."""
        texts = [
            w.plain(SKELETON_WORDS[key]) % {name: one_of(items, last)}
            for w, last in zip(self.words, self.each("or"), strict=True)
        ]
        return "".join(f"{indent}# {line}\n" for text in texts for line in text.split("\n"))

    def inline(self, key: str, **values: Any) -> str:
        """A comment after a value: the languages' words on one line."""
        return " / ".join(self.each(key, **values))

    def one_of(self, items: Any) -> str:
        return " / ".join(one_of(items, last) for last in self.each("or"))

    def value(self, texts: list[str], quoted: bool = True) -> str:
        """A text field's value on its line: one language's string, or a `{cy: ..., en: ...}` mapping."""
        if len(texts) == 1:
            return _q(texts[0]) if quoted else texts[0]
        return "{" + ", ".join(f"{k}: {_q(t)}" for k, t in zip(self.keys, texts, strict=True)) + "}"

    def text(self, key: str, quoted: bool = True, **values: Any) -> str:
        return self.value(self.each(key, **values), quoted)

    def given(self, text: str) -> str:
        """A value given on the command line: the same words in every language."""
        return self.value([text] * len(self.keys))

    def block(self, texts: list[str], indent: str) -> str:
        """What follows `key:` for a block of text (`|`): its lines, or one block per language."""

        def lines(text: str, at: str) -> str:
            return "".join(f"{at}{line}\n" if line else "\n" for line in text.split("\n"))

        if len(texts) == 1:
            return " |\n" + lines(texts[0], indent)
        return "\n" + "".join(
            f"{indent}{k}: |\n" + lines(t, indent + "  ") for k, t in zip(self.keys, texts, strict=True)
        )


def _say(language: str, templates_dir: Path) -> _Say:
    tags = spec_language.tags(language)
    keys = tuple(spec_language.key(tag) for tag in tags)
    return _Say(tuple(catalogue.load(templates_dir, key) for key in keys), keys)


def skeleton(
    layout: Layout,
    *,
    report_title: str | None = None,
    published: dt.date | None = None,
    kind: str = DEFAULT_REPORT_KIND,
    area: str | None = None,
    commissioner: str | None = None,
    role: str = DEFAULT_ROLE,
    url: str | None = None,
    body: bool = False,
    peel_parts: bool = True,
    language: str = DEFAULT_LANGUAGE,
    templates_dir: Path = DEFAULT_TEMPLATES,
) -> str:
    """The YAML text of a new spec for `layout`; every TODO is reported by validate until replaced.

    Fields the layout never prints are left out; those it needs are marked. A value the
    schema refuses (`url="notaurl"`) is a `SpecError` naming its option, as validate words it.

    >>> wessex = skeleton(Layout("letter"), area="Wessex", role="Police and Crime Commissioner for Wessex")
    >>> "Office of the Police and Crime Commissioner for Wessex" in wessex, "for Wessex for Wessex" in wessex
    (True, False)

    With `body`, the letter starts as `response.body`: the officer's own order and headings.
    For `kind="peel"` it holds the PEEL parts (judgements, causes of concern, reply ...) unless
    `peel_parts` is false. `language` (an `office.language`) writes its comments, and the text
    to fill in, in the office's languages:

    >>> welsh = skeleton(Layout("letter"), language="cy-GB")
    >>> '  name: "TODO: enw’r swyddfa"' in welsh, "# Ymateb i’w lenwi" in welsh, "Replace every TODO" in welsh
    (True, True, False)
    """
    say = _say(language, templates_dir)
    published = published or dt.date.today()
    roles = say.each("role") if role == DEFAULT_ROLE else [role] * len(say.keys)
    if not area:
        office = say.text("office_name")
    elif role.endswith(f" for {area}"):  # "Police and Crime Commissioner for Wessex" already names the area
        office = say.value([w % {"role": r} for w, r in zip(say.each("office_of_role"), roles, strict=True)])
    else:
        office = say.value([w % {"role": r, "area": area} for w, r in zip(say.each("office_of"), roles, strict=True)])
    area_text = say.given(area) if area else say.text("area")
    name = _q(commissioner) if commissioner else _q(say.each("commissioner")[0])
    logo = f"logo: {{path: logo.png, alt: {say.text('logo_alt')}}}"
    if len(say.keys) == 1:
        logo = f'logo: {{path: logo.png, alt: "{say.each("logo_alt")[0]}"}}'
    prints = {
        path: f"  # {line}\n" if path not in layout.ignores else ""
        for path, line in (("office.website", "website: https://www.example.gov.uk"), ("office.logo", logo))
    }
    deadline = publication_deadline(published)
    date = say.inline("date_by", date=deadline.isoformat(), days=DEADLINE_DAYS) if deadline else say.inline("date")
    needs = {path: f"   # {say.inline('needs', layout=layout.name, why=why)}" for path, why in layout.requires}
    peel = kind == PEEL and not body and peel_parts
    due = _due(published)
    if peel:  # the parts of a PEEL response, each text written so that '#', ':' and apostrophes are safe
        report_items = _peel_report(say)
        letter = _peel_response(say, due)
    else:
        report_items = _report_items(say)
        letter = _body(say) if body else _standard(say, due)
        letter += _chief_constable(say)
    stated = f"  language: {language}\n" if language != DEFAULT_LANGUAGE else ""
    return _accepted(f"""\
# yaml-language-server: $schema=response-spec.schema.json
{say.comment("header")}{say.comment("reference")}schema_version: 1
layout: {layout.name}

office:
  name: {office}
  commissioner: {name}
  role: {say.value(roles)}
  area: {area_text}
  address:
    - {say.text("address")}
  # telephone: 01632 960 123
  # email: enquiries@example.gov.uk
{stated}{prints["office.website"]}{prints["office.logo"]}
report:
  title: {say.given(report_title) if report_title else say.text("title")}{_series(say) if peel else ""}
  kind: {kind}   # {say.one_of(REPORT_KINDS)}
  inspectorates: [HMICFRS]
  published: {published.isoformat()}   # {say.inline("published", days=DEADLINE_DAYS)}
  url: {_q(url or "https://TODO.invalid/the-report")}
  force_inspected: true
  summary:{needs.get("report.summary", "")}
    - {say.text("summary")}
{report_items}
response:
  date: TODO   # {date}
{letter}  sign_off:{needs.get("response.sign_off", "")}
    closing: {say.text("closing", quoted=False)}
    name: {name}
    role: {say.value(roles)}
  copies:   # {say.inline("copies")}
    - {say.text("hmicfrs", quoted=False)}
    - {say.text("home_secretary", quoted=False)}
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


_ALSO_SHOWN = ", ".join(part for part in SHOWN_PARTS if part != "chief_constable")


def _series(say: _Say) -> str:
    return "\n  series: " + ("PEEL" if len(say.keys) == 1 else say.value(["PEEL"] * len(say.keys), quoted=False))


def _action(say: _Say, due: str, indent: str) -> str:
    """One action to fill in, its optional fields commented."""
    return (
        f"{indent}- text: {say.text('action')}\n"
        f"{indent}  # owner: {say.text('owner_example', quoted=False)}\n"
        f"{indent}  # due: {due}   # {say.inline('due_or')}\n"
        f"{indent}  # status: {STATUSES[0]}   # {say.one_of(STATUSES)}\n"
    )


def _standard(say: _Say, due: str) -> str:
    return (
        "  opening:\n"
        f"    - {say.text('opening')}\n"
        "  context: []\n"
        '  key_findings: []   # - {text: "...", quoted: true, commentary: ["..."]}\n'
        "  local_actions:\n" + _action(say, due, "    ")
    )


def _body(say: _Say) -> str:
    """The letter in the officer's order: the layout adds only letterhead, date, title and sign-off."""
    addressee = [f"Sir Andy Cooke QPM DL, {text}" for text in say.each("chief_inspector")]
    paragraphs = [
        f"{text}\n\n- {one}\n- {another}"
        for text, one, another in zip(
            say.each("paragraphs"), say.each("one_point"), say.each("another_point"), strict=True
        )
    ]
    return (
        f"  # addressee: [{' / '.join(addressee)}]\n"
        f"  # salutation: {say.text('salutation', quoted=False)}\n"
        "  body:\n"
        "    - show: report_summary\n"
        f"    - heading: {say.text('first_heading')}\n"
        f"    - text:{say.block(paragraphs, '        ')}"
        f"    # - answers: [R1]            {say.inline('answers_here')}\n"
        f"    - show: chief_constable    # {say.inline('also', parts=_ALSO_SHOWN)}\n"
    )


def _report_items(say: _Say) -> str:
    one = " / ".join(say.each("one_per_recommendation"))
    likewise = " / ".join(say.each("likewise"))
    return (
        f'  recommendations: []   # {one}  - {{id: R1, text: "..."}}\n'
        f'  areas_for_improvement: []   # {likewise}  - {{id: AFI1, text: "..."}}\n'
    )


def _chief_constable(say: _Say) -> str:
    instead = " / ".join(say.each("cc_instead"))
    each = " / ".join(say.each("for_each_recommendation"))
    return (
        "  chief_constable:\n"
        f"    # {' / '.join(say.each('cc_name'))}\n"
        "    comments:\n"
        f"      - {say.text('cc_comments')}\n"
        f"    # {instead}  omitted_because: {_q(say.each('cc_not_inspected')[0])}\n"
        f'  recommendations: []   # {each}  - {{id: R1, response: "...", actions: []}}\n'
        "  areas_for_improvement: []\n"
    )


# A PEEL report's parts, each text after `|` (the lines below it are the text: '#', ':' and
# apostrophes in them are just text). One item of each kind to copy for the others.
def _peel_report(say: _Say) -> str:
    return (
        say.comment_list("peel_judgements", "  ", "grades", PEEL_GRADES) + "  judgements:\n"
        f"    - area: {say.text('peel_area')}\n"
        f"      grade: {_q(say.each('peel_grade')[0])}\n" + say.comment("peel_causes", "  ") + "  causes_of_concern:\n"
        "    - id: C1\n"
        f"      text:{say.block(say.each('peel_cause'), '        ')}"
        "      recommendations: [R1]\n" + say.comment("peel_recommendations", "  ") + "  recommendations:\n"
        "    - id: R1\n"
        f"      text:{say.block(say.each('peel_recommendation'), '        ')}"
        + say.comment("peel_afis", "  ")
        + "  areas_for_improvement:\n"
        "    - id: AFI1\n"
        f"      text:{say.block(say.each('peel_afi'), '        ')}"
    )


def _peel_response(say: _Say, due: str) -> str:
    return (
        say.comment("peel_addressee", "  ") + "  addressee:\n"
        f"    - {say.given('Sir Andy Cooke QPM DL') if len(say.keys) > 1 else 'Sir Andy Cooke QPM DL'}\n"
        f"    - {say.text('chief_inspector', quoted=False)}\n"
        f"  reference: {_q(say.each('peel_reference')[0])}\n"
        f"  salutation: {say.text('salutation', quoted=False)}\n"
        + say.comment("peel_opening", "  ")
        + f"  opening:{say.block(say.each('opening'), '    ')}"
        + say.comment("peel_answers", "  ")
        + "  causes_of_concern:\n"
        "    - id: C1\n"
        f"      response:{say.block(say.each('peel_cause_answer'), '        ')}"
        "  recommendations:\n"
        "    - id: R1\n"
        f"      response:{say.block(say.each('peel_answer'), '        ')}"
        f"      actions:   # {say.inline('peel_actions')}\n"
        + _action(say, due, "        ")
        + "  areas_for_improvement:\n"
        "    - id: AFI1\n"
        f"      response:{say.block(say.each('peel_afi_answer'), '        ')}"
        + say.comment("peel_monitoring", "  ")
        + f"  monitoring:{say.block(say.each('peel_monitoring_todo'), '    ')}"
        + say.comment("peel_cc", "  ")
        + "  chief_constable:\n"
        f"    name: {_q(say.each('peel_cc_name')[0])}\n"
        f"    comments:{say.block(say.each('cc_comments'), '      ')}"
        f"    reply:{say.block(say.each('peel_reply'), '      ')}"
    )
