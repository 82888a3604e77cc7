"""What can still be checked in a spec that does not match the schema.

`validate` shows every problem at once: a date written `31/01/2026` must not hide a
`[TBC]` elsewhere, an unanswered recommendation or a late response until it is fixed.
When the whole spec cannot be built, the text rules run on its YAML tree, and the
other rules on its `report` and `response` (and office) where those still make a model
once optional values that fail (a wrong due date, an unknown key) are set aside.

Nothing is said twice and nothing is guessed: a problem about a field the schema
already faults, or about a part set aside (or one holding it), is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from jtai_letters.checks import rules
from jtai_letters.errors import Problem, SpecError
from jtai_letters.spec.fields import inner_model
from jtai_letters.spec.load import InvalidSpec, LoadedSpec, Loc, belongs_under, field_path
from jtai_letters.spec.models import Office, Report, Response, ResponseSpec
from jtai_letters.spec.vocabulary import S55_5A_COMMENCEMENT
from jtai_letters.spec.yamltree import Map, Seq

SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (("office", Office), ("report", Report), ("response", Response))
_ROUNDS = 20  # set-aside rounds; each removes every failing optional value pydantic reported


def salvage(error: SpecError) -> tuple[LoadedSpec | None, list[Problem]]:
    """(the spec's report and response as a model, or None; the further problems found) for a spec
    whose loading failed with `error`. Its YAML tree travels with the error (`InvalidSpec`), merged
    with the profile as loading left it: the file is not read or parsed again."""
    faults = error.problems
    if not isinstance(error, InvalidSpec) or any(p.rule == "yaml" for p in faults):
        return None, []  # no tree to look at: `faults` says why
    src = error.source
    root = src.root
    if not isinstance(root, Map):
        return None, []
    _indent_under_sections(root)
    stood_in = _stand_in_dates(root)
    set_aside: list[Loc] = []
    parts = {key: _model(model, root.get(key), (key,), set_aside) for key, model in SECTIONS}
    found = [p for loc, value in _strings(root) for p in rules.text_problems(src, loc, value)]
    found += rules.cut_problems(src)
    partial = None
    if parts["report"] and parts["response"]:
        # An office that fails stands back as its defaults (the letter's language, say): no rule judges it.
        parts["office"] = parts["office"] or Office.model_construct()
        partial = LoadedSpec(ResponseSpec.model_construct(None, **parts), src)
        dated = _DATED_RULES if stood_in else frozenset()
        found += [p for p in rules.check(partial) if p.rule not in _TEXT_RULES and p.rule not in dated]
    faulted = [p.field for p in faults] + [field_path(loc) for loc in set_aside]
    seen: set[tuple[object, ...]] = set()
    kept = []
    for p in sorted(found, key=lambda p: (p.line or 0, p.column or 0)):
        key = (p.rule, p.path, p.line, p.column)
        if key in seen or any(_related(p.field, f) for f in faulted):
            continue
        seen.add(key)
        kept.append(p)
    return partial, kept


# Found on the tree, for every string: not again from the partial model.
_TEXT_RULES = frozenset({"placeholder", "character", "text-cut"})
# The rules that compare the report's or the response's date: silent while a date stands in for one.
_DATED_RULES = frozenset({"s55-deadline", "date-order", "update-order"})


def _indent_under_sections(root: Map) -> None:
    """Read a key written at the top that belongs to one section (`copies:` dedented out of
    `response`) as if indented under it: the schema faults it, and no rule adds "no copies"."""
    for key in [k for k in root if k not in ResponseSpec.model_fields]:
        home = root.get(belongs_under(str(key)) or "")
        if isinstance(home, Map) and key not in home:
            home[key] = root[key]
            home.keys_at[key], home.values_at[key] = root.keys_at[key], root.values_at[key]


def _stand_in_dates(root: Map) -> list[Loc]:
    """Put a stand-in for a report's publication date or a response's date that is not a date,
    so the rules that need neither (an unanswered recommendation) still run; their locations."""
    report, response = root.get("report"), root.get("response")
    published = report.get("published") if isinstance(report, Map) else None
    stood_in: list[Loc] = []
    if isinstance(report, Map) and not _is_date(published):
        published = report["published"] = S55_5A_COMMENCEMENT  # in force: each recommendation needs an answer
        report.values_at.setdefault("published", report.start)
        stood_in.append(("report", "published"))
    if isinstance(response, Map) and not _is_date(response.get("date")):
        response["date"] = published
        response.values_at.setdefault("date", response.start)
        stood_in.append(("response", "date"))
    return stood_in


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _model(model: type[BaseModel], tree: Any, at: Loc, set_aside: list[Loc]) -> BaseModel | None:
    """`tree` as `model`, with failing optional values set aside (recorded in `set_aside`); None if it cannot be."""
    if not isinstance(tree, Map):
        return None
    for _ in range(_ROUNDS):
        try:
            return model.model_validate(tree)
        except ValidationError as e:
            failing = [(tuple(err["loc"]), err["type"]) for err in e.errors(include_url=False)]
        if not all(_optional_value(model, tree, loc, kind) for loc, kind in failing):
            return None
        for loc, _kind in failing:
            parent = _at(tree, loc[:-1])
            if isinstance(parent, Map):
                parent.pop(loc[-1], None)
            set_aside.append((*at, *loc))
    return None


def _optional_value(model: type[BaseModel], tree: Any, loc: Loc, kind: str) -> bool:
    """Whether the value at `loc` can be left out without changing what the rest means:
    an unknown key, or a single optional value (never a list or mapping, whose parts rules count)."""
    if not loc or not isinstance(loc[-1], str) or not isinstance(_at(tree, loc[:-1]), Map):
        return False
    if kind == "extra_forbidden":
        return True
    if isinstance(_at(tree, loc), (Map, Seq)) or kind == "missing":
        return False
    field = None
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        field = fields.get(part) if isinstance(fields, dict) else None
        if field is None:
            return False
        current = inner_model(field.annotation)
    return field is not None and not field.is_required()


def _at(tree: Any, loc: Loc) -> Any:
    for part in loc:
        in_map = isinstance(tree, Map) and part in tree
        if not (in_map or (isinstance(tree, Seq) and isinstance(part, int) and 0 <= part < len(tree))):
            return None
        tree = tree[part]
    return tree


def _strings(node: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every string value in a YAML tree (keys aside), with its location."""
    if isinstance(node, Map):
        for key, value in node.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(node, Seq):
        for i, value in enumerate(node):
            yield from _strings(value, (*loc, i))
    elif isinstance(node, str):
        yield loc, node


def _related(field: str, other: str) -> bool:
    """Whether one field path holds the other (or they are the same)."""
    return any(a == b or a.startswith((f"{b}.", f"{b}[")) for a, b in ((field, other), (other, field)))
