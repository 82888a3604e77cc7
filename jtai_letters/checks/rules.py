"""Checks beyond types: the Police Act 1996 s55 duties and the house rules for published letters.

Every rule id the tool can report is registered once in `checks.registry.RULES`
(id, severity, one line): the checks, the JSON output and the rule table
all read it (`RULES` and `rule_table` are importable from here too); the table is in docs/commands.md.
Each check is a function registered with `@check`, returning located `Problem`s.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jtai_letters.checks.registry import RULES, Rule, RuleId, Severity, rule_table  # noqa: F401 (re-exported)
from jtai_letters.errors import Problem
from jtai_letters.letter import catalogue
from jtai_letters.letter.text import Block, Inline, layout_problems, links, run_together
from jtai_letters.spec import dates, language
from jtai_letters.spec.deadline import deadline_note as deadline_note
from jtai_letters.spec.deadline import publication_deadline as publication_deadline
from jtai_letters.spec.load import LoadedSpec, Loc, SourceMap, field_path, text_field
from jtai_letters.spec.models import Action, Answer, Item, ResponseSpec, Update
from jtai_letters.spec.vocabulary import (
    BILINGUAL,
    DEADLINE_DAYS,
    ENGLISH_FIRST,
    FRAMEWORK_GRADES,
    ITEM_FIELDS,
    ITEM_KINDS,
    LANGUAGE_NAMES,
    NOT_APPLICABLE,
    S55_5A_COMMENCEMENT,
    S55_COPY_RECIPIENTS,
    SOURCE_LANGUAGE,
    SUPERSEDED,
    WELSH_FIRST,
    spelled,
)
from jtai_letters.spec.yamltree import Cut, comment_at_start

Check = Callable[[ResponseSpec, SourceMap], Iterable[Problem]]
CHECKS: list[Check] = []


def check_rule(fn: Check) -> Check:
    """Register `fn` as one of the checks `check()` runs on every spec."""
    CHECKS.append(fn)
    return fn


def problem(
    src: SourceMap,
    loc: Loc,
    message: str,
    rule: RuleId,
    *,
    kind: Severity | None = None,
    at: Loc | None = None,
    place: tuple[int, int] | None = None,
) -> Problem:
    """A problem of a registered rule about `loc` (placed at `at`'s key if given, or at `place`, a
    line and column inside its text), with the rule's severity; `kind` says which only for a rule
    whose severity varies (`Problem` refuses it for any other)."""
    return src.problem(loc, message, rule=rule, kind=kind, key=at is not None, at=at, place=place)


# Embeddings and overrides reorder what a reader sees ("Trojan Source"); Arabic and Urdu text
# needs none of them (isolates and the RLM/LRM marks stay allowed).
_BIDI_OVERRIDE = re.compile("[\u202a-\u202e]")
# Characters that print nothing: a field holding only these looks filled in and prints blank.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2800\u3164 \t\n\r\u00a0\u2002\u2003\u2009\u202f"


_day = spelled


def check(loaded: LoadedSpec) -> list[Problem]:
    """Every registered check's problems for the spec, errors and warnings, in file order, with what
    loading found (text in a language the letter is not in)."""
    # Each language's letter is checked (a placeholder may hide in the Welsh text only); what both
    # languages share is reported once.
    found = list(loaded.problems)
    found += [p for one in loaded.letters().values() for fn in CHECKS for p in fn(one.spec, one.source)]
    found += parity(loaded)  # the two languages' texts of each field, side by side
    # A warning about a field (not printed, a glyph the fonts lack) is said once, where the first
    # language has it; an error stays at each line it is on (a placeholder in both texts is two), and
    # so does a warning about one line of a text (two '-word' lines alike are two).
    once = {
        (p.path, p.field, p.rule, p.message, p.line if p.rule == "text-layout" else None)
        if p.severity == "warning"
        else p: p
        for p in reversed(found)
    }
    return sorted(once.values(), key=lambda p: (p.line or 0, p.column or 0))


_SHAPES = {
    "paragraph_open": "a paragraph",
    "heading_open": "a heading",
    "bullet_list_open": "a bulleted list",
    "ordered_list_open": "a numbered list",
    "list_item_open": "a list item",
    "table_open": "a table",
    "tr_open": "a table row",
    "th_open": "a table cell",
    "td_open": "a table cell",
}


def _shape(text: str) -> list[str]:
    """A text's shape: its blocks in order (a heading with its level) and each link's target."""
    from jtai_letters.letter.text import paragraphs_only

    if "[" not in text and "<" not in text and (paragraphs := paragraphs_only(text)) is not None:
        return ["a paragraph"] * paragraphs  # no link can be written without them; most texts need no parser
    return _parsed_shape(text)


def _parsed_shape(text: str) -> list[str]:
    from jtai_letters.letter.text import _BLOCKS

    shape: list[str] = []
    for tok in _BLOCKS.parse(text):
        if tok.type in _SHAPES:
            shape.append(f"{_SHAPES[tok.type]} ({tok.tag})" if tok.type == "heading_open" else _SHAPES[tok.type])
        elif tok.type == "inline":
            shape += [f"a link to {link.href}" for link in links(tok.content)]
    return shape


def _pairs(
    first: object, second: object, loc: tuple[int | str, ...]
) -> Iterator[tuple[tuple[int | str, ...], str, str]]:
    """Each pair of texts at the same place in two languages' letters."""
    if isinstance(first, BaseModel) and isinstance(second, BaseModel):
        for name in type(first).model_fields:
            yield from _pairs(getattr(first, name, None), getattr(second, name, None), (*loc, name))
    elif isinstance(first, list) and isinstance(second, list):
        for i, (a, b) in enumerate(zip(first, second, strict=False)):
            yield from _pairs(a, b, (*loc, i))
    elif isinstance(first, str) and isinstance(second, str) and first != second:
        yield loc, first, second


def parity(loaded: LoadedSpec) -> list[Problem]:
    """Errors (rule `parity`) for each field whose texts in a bilingual letter's two languages differ in
    shape (the Welsh Language Standards: a document in both languages says the same in each), naming
    the first difference."""
    each = {tag: one.spec for tag, one in loaded.letters().items()}
    if len(each) != 2:
        return []
    src = loaded.source
    (one, first), (other, second) = each.items()
    names = [LANGUAGE_NAMES[language.key(tag)] for tag in (one, other)]
    found = []
    for loc, a, b in _pairs(first, second, ()):
        shape_a, shape_b = _shape(a), _shape(b)
        if shape_a == shape_b:
            continue
        i = next(
            (i for i, (x, y) in enumerate(zip(shape_a, shape_b, strict=False)) if x != y),
            min(len(shape_a), len(shape_b)),
        )
        said_a = shape_a[i] if i < len(shape_a) else "nothing more"
        said_b = shape_b[i] if i < len(shape_b) else "nothing more"
        said = (
            f"the {names[0]} and {names[1]} texts differ in shape: at part {i + 1} the {names[0]} has "
            f"{said_a} where the {names[1]} has {said_b}; give both the same paragraphs, lists, tables and links"
        )
        found.append(problem(src, loc, said, "parity"))
    return found


def untranslated(loaded: LoadedSpec, messages: Iterable[str], templates_dir: Path) -> list[Problem]:
    """Warnings (rule `translation`) for the layout's words that print in English in another
    language's letter (its catalogue has no translation): a sentence a field replaces names the
    field; in a letter with no English in it (Welsh only) every such word is named, at `office.language`."""
    spec, src = loaded.spec, loaded.source
    keys = [language.key(tag) for tag in language.of_spec(spec)]
    no_english = SOURCE_LANGUAGE not in keys
    found = []
    for key in keys:
        if key == SOURCE_LANGUAGE:
            continue
        replaced_by = catalogue.fields(templates_dir, key)
        for message in messages:
            if field := replaced_by.get(message):
                said = (
                    f"the layout's sentence “{message}” has no {LANGUAGE_NAMES[key]} translation "
                    f"in the catalogue and prints in English; write {field} to give your own words"
                )
                found.append(problem(src, tuple(field.split(".")), said, "translation", kind="warning"))
            elif no_english:
                said = (
                    f"the layout's word “{message}” has no {LANGUAGE_NAMES[key]} translation in the "
                    f"catalogue and prints in English in a letter with no English in it; give its "
                    f"translation in the templates' locale/{key}/LC_MESSAGES/messages.po"
                )
                found.append(problem(src, ("office", "language"), said, "translation", kind="warning"))
    return found


@check_rule
def _ordinal_in_welsh(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    # Ordinal dates are English only: a letter with no English in it prints none.
    if spec.office.date_style == "ordinal" and SOURCE_LANGUAGE not in map(language.key, language.of_spec(spec)):
        yield problem(
            src,
            ("office", "date_style"),
            "Welsh dates are cardinal (‘30 Hydref 2025’), as Welsh usage writes them: "
            "ordinal dates are for English text only, so this letter prints none",
            "translation",
            kind="warning",
        )


@check_rule
def _language_order(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    # The Welsh Language Standards: a Welsh version is not to be treated less favourably than the
    # English; the guidance on them reads that, in a bilingual document, as Welsh placed to be read first.
    office = spec.office
    if office.language == ENGLISH_FIRST and not office.english_first:
        yield problem(
            src,
            ("office", "language"),
            f"English comes first in this Welsh and English letter ({ENGLISH_FIRST}): under the Welsh Language "
            "Standards a Welsh version is not to be treated less favourably than the English, which their "
            f"guidance reads as Welsh placed to be read first; write `language: {BILINGUAL}` to put Welsh "
            "first, or set `english_first: true` if the office has decided English comes first",
            "language-order",
        )
    elif office.english_first and office.language == WELSH_FIRST:
        yield problem(
            src,
            ("office", "english_first"),
            f"english_first does nothing here: office.language ({WELSH_FIRST}) puts Welsh first; write "
            f"`language: {BILINGUAL}` or `{ENGLISH_FIRST}` for English first, or remove english_first",
            "language-order",
        )


@check_rule
def _deadline(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    last = publication_deadline(spec.report.published)
    if last is not None and spec.response.date > last:
        late = (spec.response.date - last).days
        yield problem(
            src,
            ("response", "date"),
            f"the response is dated {late} day{'s' * (late != 1)} after the s55 deadline of {_day(last)} "
            f"({DEADLINE_DAYS} days beginning with publication on {_day(spec.report.published)})",
            "s55-deadline",
        )


@check_rule
def _dates(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    report, response = spec.report, spec.response
    if report.inspection_period and report.inspection_period.end > report.published:
        yield problem(
            src,
            ("report", "inspection_period", "end"),
            f"the inspection ends after the report was published ({report.published.isoformat()})",
            "date-order",
            kind="error",
        )
    if response.date < report.published:
        yield problem(
            src,
            ("response", "date"),
            f"the response is dated before the report was published ({report.published.isoformat()})",
            "date-order",
            kind="error",
        )
    for loc, action in actions(spec):
        # A month or quarter is due by its last day.
        if action.due and action.due.last_day < response.date:
            # 2026-27 Q1 written for January to March 2027: the months show it.
            when = f" ({response.date.isoformat()}): {action.due.spelled} is {action.due.months} ({dates.QUARTERS})"
            yield problem(
                src,
                (*loc, "due"),
                "the action is due before the response date" + (when if action.due.quarter else ""),
                "date-order",
                kind="warning",
            )


ANSWER_KEYS = ITEM_FIELDS


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


@check_rule
def _answered(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    in_force = publication_deadline(spec.report.published) is not None
    for kind in ITEM_KINDS:
        key = kind.field
        yield from _answers(
            getattr(spec.report, key),
            getattr(spec.response, key),
            key,
            kind.name,
            src,
            in_force=in_force,
            required=kind.required,
        )


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
                else f"the report predates s55(5B) (in force {_day(S55_5A_COMMENCEMENT)}), but an answer to each "
                "is still best practice"
            )
            yield src.problem(
                ("report", key, i),
                f"{what} '{item.id}' has no response: {law} (add it under response.{key})",
                rule="s55-unanswered",
                kind="warning" if not (required and in_force) else "error",
            )


@check_rule
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


@check_rule
def _not_applicable(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    for key in ANSWER_KEYS:
        for i, answer in enumerate(getattr(spec.response, key)):
            if not answer.applies and answer.actions:
                yield src.problem(
                    ("response", key, i, "applies"),
                    "the answer says the recommendation does not apply, yet lists actions: "
                    "remove `applies: false`, or the actions",
                    rule="s55-not-applicable",
                )


@check_rule
def _recommendation_count(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    count, listed = spec.report.recommendation_count, len(spec.report.recommendations)
    if count is None:
        return
    if count < listed:
        yield src.problem(
            ("report", "recommendation_count"),
            f"recommendation_count is {count}, but report.recommendations lists {listed}",
            rule="recommendation-count",
            kind="error",
        )
    elif count > listed:
        yield src.problem(
            ("report", "recommendation_count"),
            f"the report makes {count} recommendations and {listed} are listed and answered: "
            "make sure the letter says how the others are addressed",
            rule="recommendation-count",
            kind="warning",
        )


@check_rule
def _copies(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    if not spec.response.copies:
        yield src.problem(
            ("response",),
            "no copies recorded: s55(6) sends the published response to the inspectors of constabulary and the "
            "Secretary of State; list them in response.copies",
            rule="s55-copies",
        )
        return
    named = [" ".join(copy.lower().replace("’", "'").split()) for copy in spec.response.copies]
    for recipient in S55_COPY_RECIPIENTS:
        if not any(re.search(spelling, copy) for spelling in recipient.spellings for copy in named):
            yield src.problem(
                ("response", "copies"),
                f"the copies do not include {recipient.name}: s55(6) sends the published response to the "
                f"inspectors of constabulary and the Secretary of State; add '{recipient.suggested}'",
                rule="s55-copies",
                key=True,
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
    "local_actions": (("response", "local_actions"), lambda spec: spec.response.local_actions),
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


@check_rule
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
                yield src.problem(
                    loc, f"'{block.show}' is shown twice in the body", rule="body-placement", kind="error"
                )
            elif not _SHOWN_PARTS[block.show][1](spec):
                yield src.problem(
                    loc,
                    f"shows '{block.show}', which the spec does not hold: remove the block",
                    rule="body-placement",
                    kind="error",
                )
            shown[block.show] = i
        for j, answer_id in enumerate(block.answers or ()):
            loc = ("response", "body", i, "answers", j)
            if answer_id not in items:
                yield src.problem(
                    loc, f"places '{answer_id}', which the report does not list", rule="body-placement", kind="error"
                )
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
                    kind="error",
                )
            for loc in where[1:]:
                yield src.problem(
                    loc, f"the answer to {ids} is placed twice in the body", rule="body-placement", kind="error"
                )
    if "chief_constable" not in shown and _SHOWN_PARTS["chief_constable"][1](spec):
        yield src.problem(
            ("response", "chief_constable"),
            "the chief constable's comments are not placed in response.body: add `- show: chief_constable`",
            rule="body-placement",
            kind="error",
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
            kind="warning",
        )
    for name in _OUTSIDE_BODY:
        if name in shown:
            continue
        if getattr(spec.response, name):
            placing = f" (or add `- show: {name}`)" if name in _SHOWN_PARTS else ""
            yield src.problem(
                ("response", name),
                "not printed: with response.body, the letter holds only what the body places; move it into the body"
                + placing,
                rule="body-placement",
                kind="warning",
            )


def cut_problems(src: SourceMap) -> Iterator[Problem]:
    """Warnings (rule `text-cut`) for each letter text a ` #` cut short, quoting what is left out."""
    for cut in src.cuts:
        # Prose is almost never followed by a comment; after a name or a title, `# a note` may be one,
        # but `#2` glued to its number is the text's own.
        kind = text_field(cut.path)
        glued = cut.left_out[:1] not in ("", " ", "\t")
        if (kind == "markdown" and (cut.kept or glued)) or (kind == "plain" and glued):
            yield cut_problem(src.path, cut)


def cut_problem(path: Path, cut: Cut) -> Problem:
    """The warning for one text a ` #` cut short."""
    left_out = f"#{cut.left_out}" if len(cut.left_out) <= 60 else f"#{cut.left_out[:57].rstrip()}..."
    if not cut.kept:  # `reply: #1 priority: ...` on a field that may be left out
        return Problem(comment_at_start(cut), path, cut.line, cut.column, field_path(cut.path), "text-cut")
    return Problem(
        f"the text stops before ' #': YAML reads the rest of the line ('{left_out}') as a comment and leaves it "
        'out of the letter; to keep it, put the whole text in double quotes ("..."), or write `|` after the key and '
        "the text on the lines below it (a note for yourself goes on a line of its own)",
        path,
        cut.line,
        cut.column,
        field_path(cut.path),
        "text-cut",
    )


@check_rule
def _cut(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    yield from cut_problems(src)


@check_rule
def _grades(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    allowed = FRAMEWORK_GRADES.get(spec.report.kind)
    if allowed is None:
        return  # other frameworks: the grade as the report gives it
    for i, judgement in enumerate(spec.report.judgements):
        given = " ".join(judgement.grade.lower().split())
        if given in allowed or placeholder(given):
            continue  # a placeholder is reported as one
        close = difflib.get_close_matches(given, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        yield problem(
            src,
            ("report", "judgements", i, "grade"),
            f"'{judgement.grade}' is not a {spec.report.kind.upper()} grade: {hint}"
            f"the grades are {', '.join(allowed[:-1])} and {allowed[-1]} (in any case)",
            "grade",
        )


@check_rule
def _chief_constable(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    if spec.response.chief_constable is None:
        yield problem(
            src,
            ("response",),
            "no chief_constable: s55 publishes the chief constable's comments with the response; "
            "add chief_constable.comments, or chief_constable.omitted_because saying why there are none",
            "s55-chief-constable",
        )


_MINOR_WORDS = frozenset({"and", "of", "for", "the", "&", "a", "ac", "y", "yr", "dros"})  # English and Welsh
_CHIEF_CONSTABLE = "Chief Constable"  # the role the letter prints after the chief constable's name


def _words(text: str) -> list[str]:
    return [word.strip(".,:;()").lower() for word in text.split()]


def role_in_name(name: str, role: str) -> str | None:
    """The words at the start of `name` that are its `role`'s (the letter prints the role too), or None.

    >>> role_in_name("Commissioner Priya Lal", "Police and Crime Commissioner")
    'Commissioner'
    >>> role_in_name("PCC Priya Lal", "Police and Crime Commissioner")
    'PCC'
    >>> role_in_name("Chief Constable Sam Okafor", "Chief Constable")
    'Chief Constable'
    >>> role_in_name("Sam Okafor QPM", "Chief Constable") is None
    True
    """
    words = [word for word in _words(role) if word]
    titles = {word for word in words if word not in _MINOR_WORDS}
    titles.add("".join(word[0] for word in words if word not in _MINOR_WORDS))  # PCC, PFCC
    given, raw = _words(name), name.split()
    taken = 0
    while taken < len(given) - 1 and (given[taken] in titles or (taken and given[taken] in _MINOR_WORDS)):
        taken += 1
    while taken and given[taken - 1] in _MINOR_WORDS:
        taken -= 1
    return " ".join(raw[:taken]) if taken else None


def _same_name(one: str, other: str) -> bool:
    return _words(one) == _words(other)


@check_rule
def _names(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    response = spec.response
    cc, sign_off = response.chief_constable, response.sign_off
    # A spec that does not match the schema is checked without the office that failed (`salvage`).
    commissioner, role = getattr(spec.office, "commissioner", None), getattr(spec.office, "role", None)
    named: list[tuple[Loc, str | None, str | None]] = [(("office", "commissioner"), commissioner, role)]
    if cc is not None:
        named.append((("response", "chief_constable", "name"), cc.name, _CHIEF_CONSTABLE))
    if sign_off is not None:
        named.append((("response", "sign_off", "name"), sign_off.name, sign_off.role or role))
    for loc, name, printed in named:
        if name and printed and (title := role_in_name(name, printed)):
            alone = name[len(title) :].strip()
            yield problem(
                src,
                loc,
                f"the name starts with its role's words ('{title}'), and the letter prints the role too "
                f"('{name}, {printed}'): write the name alone ('{alone}')",
                "names",
            )
    if not (commissioner and role and sign_off and sign_off.name) or (sign_off.role and sign_off.role != role):
        return  # signed by the commissioner under their own name, or by someone in another role (a deputy)
    title = role_in_name(commissioner, role) or ""
    if not _same_name(sign_off.name, commissioner) and not _same_name(sign_off.name, commissioner[len(title) :]):
        yield problem(
            src,
            ("response", "sign_off", "name"),
            f"the letter is signed '{sign_off.name}, {role}', but office.commissioner is '{commissioner}': "
            "write the commissioner's name the same in both (someone signing for them gives their own "
            "sign_off.role)",
            "names",
        )


def texts(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every string value in a spec model, with its field location."""
    for name, value in model.__dict__.items():  # the fields, in order, without pydantic's attribute lookup
        yield from _values(value, (*loc, name))


def _values(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, BaseModel):
        yield from texts(value, loc)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _values(item, (*loc, i))
    elif isinstance(value, str):
        yield loc, value


_VAGUE_LINK = re.compile(r"^(?:.*\bhere|click|link|this link|this page|more|read more|more info(?:rmation)?)\W*$", re.I)


@check_rule
def _text(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    # One walk over every text for the rules about text: links, placeholders, characters.
    link_text = spec.response.report_link_text
    if link_text and _VAGUE_LINK.match(link_text):
        yield _vague(src, ("response", "report_link_text"), link_text)
    for loc, value in texts(spec):
        yield from text_problems(src, loc, value)


def _layout_problem(src: SourceMap, loc: Loc, said: str, place: tuple[int, int] | None) -> Problem:
    """A `text-layout` warning at the line it is about; at the field when that line cannot be told
    (text in double quotes with escapes, or line breaks YAML reads but a text editor may not show),
    saying so when the text is written over several lines."""
    if place is None and src.spans_lines(loc):
        said += (
            " (the line is in the text that starts here; which line of the file cannot be told, as in text in double"
            " quotes with escapes)"
        )
    return problem(src, loc, said, "text-layout", place=place)


def text_problems(src: SourceMap, loc: Loc, value: str) -> Iterator[Problem]:
    """The text rules' problems with one string at `loc`: placeholders, characters, and links in Markdown text.

    Plain strings work too: `partial` runs these on the YAML tree of a spec that does not match the schema.
    """
    if isinstance(value, Inline) and ("[" in value or "<" in value):  # no link can be written without them
        yield from _links(src, loc, value)
    if isinstance(value, Block) and "\n" in value:
        lines = value.split("\n")
        laid_out = layout_problems(value)
        for (_, said), place in zip(laid_out, src.lines_placed(loc, [lines[n] for n, _ in laid_out]), strict=True):
            yield _layout_problem(src, loc, said, place)
    if isinstance(value, Inline) and (runs_on := run_together(value)):
        written = src.written_text(loc)
        at = run_together(written) if written is not None else None  # where it is typed
        yield _layout_problem(src, loc, runs_on[1], src.place(loc, at[0]) if at else None)
    if found := placeholder(value):
        said = f"unfinished: '{found}' is a placeholder; replace it with the real text"
        yield problem(src, loc, said, "placeholder", place=src.found_at(loc, found))
    for pattern in (_UNSTORABLE, _BIDI_OVERRIDE):
        if match := pattern.search(value):
            said = unprintable(match.group(0)) or ""
            yield problem(src, loc, said, "character", place=src.found_at(loc, match.group(0)))
    if value and not value.strip(_INVISIBLE):
        yield src.problem(loc, "holds only invisible characters (zero-width spaces); write the text", rule="character")


def unprintable(value: str) -> str | None:
    """Why `value` cannot stand in a letter, as the `character` rule says it: a control character Word
    cannot hold, or a bidirectional override; None when it can. (Text from the command line, a
    progress report's title, is held to the rule of spec text.)"""
    if match := _UNSTORABLE.search(value):
        return f"contains the control character U+{ord(match.group(0)):04X}, which a letter cannot hold; delete it"
    if match := _BIDI_OVERRIDE.search(value):
        return (
            f"contains the bidirectional control U+{ord(match.group(0)):04X}, which changes the order "
            "readers see the text in; delete it"
        )
    return None


def _links(src: SourceMap, loc: Loc, value: str) -> Iterator[Problem]:
    for link in links(value):
        place = src.found_at(loc, link.href)
        if not link.safe:
            hint = f" (did you mean https://{link.href}?)" if link.href.lower().startswith("www.") else ""
            yield problem(
                src,
                loc,
                f"link target '{link.href}' is not an absolute http(s) URL: the letter shows the words "
                f"'{link.words}' without a link{hint}",
                "link-target",
                place=place,
            )
        if not link.words.strip(_INVISIBLE + " "):
            yield problem(
                src,
                loc,
                f"the link to '{link.href}' has no words: it prints nothing in the PDF and Word, and an empty "
                "link on the web page; write [what it is](...), for example the report's title",
                "link-words",
                place=place,
            )
        elif _VAGUE_LINK.match(link.words):
            yield _vague(src, loc, link.words, place)


def _vague(src: SourceMap, loc: Loc, words: str, place: tuple[int, int] | None = None) -> Problem:
    return problem(
        src,
        loc,
        f"link text '{words}' does not say where the link goes; accessible link text makes sense on its own "
        "(for example the report's title)",
        "link-text",
        place=place,
    )


# Placeholders officers leave in drafts. Abbreviations and markers count anywhere, in any case and with
# or without dots; the spelled-out forms only where they stand in for text (alone, in brackets, or after
# a colon or dash), since "the plan is yet to be agreed with partners" is a true sentence.
_SPELLED_OUT = r"to\s+be\s+(?:confirmed|agreed|announced|decided|determined|added|inserted|completed)"
_PLACEHOLDER = re.compile(
    r"(?<![\w.])(?:t\.?\s?b\.?\s?[acd]\b\.?|todo\b|fixme\b)"  # TBC, T.B.C., tba, TODO, FIXME
    r"|(?<!\w)x{2,}(?!\w)"  # XX officers, £XXX, xx/xx/2025 (not XXL, Texas)
    r"|[\[<{]\s*(?:insert|add|enter|name|date|tbc)\b[^\]>}]*[\]>}]"  # [insert name], <add date>
    r"|\blorem\s+ipsum\b"
    rf"|^\W*{_SPELLED_OUT}\W*$|[(\[:–—-]\s*{_SPELLED_OUT}\b",
    re.IGNORECASE,
)
# Something every placeholder contains (lower case): text with none of these cannot match.
_CLUE = re.compile(r"t\.?b|todo|fixme|xx|[\[<{]|lorem|to\s+be", re.IGNORECASE)
_PUNCTUATION_AROUND = re.compile(r"^[\s(:–—-]+|[\s)]+$")
# What XML 1.0, and so a Word document, cannot hold.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def placeholder(text: str) -> str | None:
    """The first placeholder in `text`, as written, or None.

    >>> placeholder("Owner: T.B.C.")
    'T.B.C.'
    >>> placeholder("Officers in Texas and tobacco licensing") is None
    True
    """
    if not _CLUE.search(text):  # most text: one quick scan instead of the full pattern
        return None
    match = _PLACEHOLDER.search(text)
    if match is None:
        return None
    found = match.group(0)
    return found if found[0] in "[<{" else _PUNCTUATION_AROUND.sub("", found)


def progress(spec: ResponseSpec) -> Iterator[tuple[Loc, Sequence[Update]]]:
    """Every list of progress updates in the spec, with its holder's location: each action's, and
    each answer's (an answer without actions records its own)."""
    for loc, action in actions(spec):
        yield loc, action.updates
    for key in ANSWER_KEYS:
        for i, answer in enumerate(getattr(spec.response, key)):
            if answer.updates:
                yield ("response", key, i), answer.updates


@check_rule
def _updates(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    # Progress comes after the promise, oldest first, so the last update is the current status.
    for loc, updates in progress(spec):
        yield from _update_details(src, loc, updates)
        previous = spec.response.date
        for i, update in enumerate(updates):
            if update.date < spec.response.date:
                message = f"the update is dated before the response ({spec.response.date.isoformat()})"
            elif update.date < previous:
                message = (
                    f"the update is dated before the one above it ({previous.isoformat()}); list updates oldest first"
                )
            else:
                previous = update.date
                continue
            yield problem(src, (*loc, "updates", i, "date"), message, "update-order")


def _update_details(src: SourceMap, loc: Loc, updates: Sequence[Update]) -> Iterator[Problem]:
    # A status that needs its reason or its successor says it.
    for i, update in enumerate(updates):
        at = (*loc, "updates", i)
        if update.status == SUPERSEDED and update.superseded_by is None:
            yield problem(
                src,
                (*at, "superseded_by"),
                "a superseded update names what supersedes it: add superseded_by: {report: ..., item: ...}",
                "update-status",
            )
        elif update.status != SUPERSEDED and update.superseded_by is not None:
            yield problem(
                src,
                (*at, "superseded_by"),
                f"superseded_by is for the status superseded, not {update.status}: remove it or change the status",
                "update-status",
            )
        if update.status == NOT_APPLICABLE and not update.note:
            yield problem(src, (*at, "note"), "say why it does not apply: add a note", "update-status")


@check_rule
def _action_statuses(spec: ResponseSpec, src: SourceMap) -> Iterator[Problem]:
    for loc, action in actions(spec):
        if action.status == SUPERSEDED:
            yield problem(
                src,
                (*loc, "status"),
                "a superseded action names what supersedes it: record an update with status superseded "
                "and superseded_by (jtai-letters update ... --status superseded --superseded-by ...)",
                "update-status",
            )


def updates_after(loaded: LoadedSpec, as_of: dt.date) -> list[Problem]:
    """Warnings for progress dated after `as_of`, which every tracking output as of that date leaves out;
    `validate` says so too. Letters never read the clock."""
    spec, src = loaded.spec, loaded.source
    return [
        problem(
            src,
            (*loc, "updates", i, "date"),
            f"the update is dated {update.date.isoformat()}, after {as_of.isoformat()}: left out of the register, "
            f"progress report and calendar as of {as_of.isoformat()} (is the date right?)",
            "update-future",
        )
        for loc, updates in progress(spec)
        for i, update in enumerate(updates)
        if update.date > as_of
    ]
