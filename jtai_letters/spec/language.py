"""Language as data: which languages a letter is in, and spec text given in two languages.

A letter's `office.language` is one BCP 47 tag (`en-GB`, `cy-GB`) or two joined by `+`,
the first language first, or `bilingual` (Welsh first unless `office.english_first`: the model holds
the two tags). Translatable text (the fields each model names in
`TRANSLATABLE`) may be written `{en: ..., cy: ...}`; before validation the positioned
YAML tree is projected to one language per letter language, keeping every line and
column, so each language's model points its errors at the text the officer wrote.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jtai_letters.checks.registry import RULES, RuleId, Severity
from jtai_letters.errors import Problem
from jtai_letters.spec.fields import inner_model
from jtai_letters.spec.models import Model, Office, ResponseSpec
from jtai_letters.spec.vocabulary import DEFAULT_LANGUAGE, LANGUAGE_KEYS, LANGUAGE_NAMES, letter_language
from jtai_letters.spec.yamltree import Map, Seq


def tags(language: str) -> tuple[str, ...]:
    """The BCP 47 tags of a letter's language, first language first.

    >>> tags("cy-GB+en-GB")
    ('cy-GB', 'en-GB')
    """
    return tuple(language.split("+"))


def key(tag: str) -> str:
    """The key of a language in spec text and the name of its catalogue: `cy-GB` -> `cy`.

    >>> key("cy-GB")
    'cy'
    """
    return tag.split("-")[0]


def of_spec(spec: ResponseSpec) -> tuple[str, ...]:
    """The tags of the languages `spec`'s letter is written in."""
    return tags(spec.office.language)


def raw_language(root: Map) -> str | None:
    """The `office.language` a spec (merged with its profile) asks for, the default when not given;
    None when it is not one the schema allows (the schema check reports it)."""
    office = root.get("office")
    value = office.get("language", DEFAULT_LANGUAGE) if isinstance(office, Map) else DEFAULT_LANGUAGE
    allowed = Office.model_fields["language"].annotation
    if not isinstance(value, str) or value not in getattr(allowed, "__args__", ()):
        return None
    return letter_language(value, isinstance(office, Map) and office.get("english_first") is True)


Loc = tuple[int | str, ...]


@dataclass
class Finding:
    """What projecting a spec found: (loc, message, rule, kind), placed by the caller.

    `kind` is the severity of a problem of a rule whose severity varies (`translation`), else None.
    """

    problems: list[tuple[Loc, str, RuleId, Severity | None]] = field(default_factory=list)

    def add(self, loc: Loc, message: str, rule: RuleId = "translation", *, warning: bool = False) -> None:
        kind: Severity | None = ("warning" if warning else "error") if RULES[rule].severity == "varies" else None
        if (loc, message, rule, kind) not in self.problems:
            self.problems.append((loc, message, rule, kind))


def project(root: Map, language: str, found: Finding) -> dict[str, Map]:
    """The spec tree once per letter language (tag -> tree), translatable text reduced to that language.

    Text missing in a language a bilingual letter needs, or given in a language the letter is not
    in, is recorded in `found`; a missing translation is filled from the other language, so the
    rest of the spec is still checked.
    """
    wanted = tags(language)
    return {tag: _model(root, ResponseSpec, (), key(tag), wanted, found) for tag in wanted}


def profile_trees(root: Map, model: type[Model]) -> tuple[list[Map], list[tuple[Loc, str]]]:
    """An office profile as each language's tree, and the mappings of unknown languages in it.

    A profile serves letters in any language: which languages its texts need is checked in each
    spec that names it.
    """
    trees, refused = [], []
    for key_ in LANGUAGE_KEYS:
        found = Finding()
        trees.append(_model(root, model, (), key_, (f"{key_}-GB",), found))
        refused += [(loc, message) for loc, message, rule, _ in found.problems if rule == "schema"]
    return trees, list(dict.fromkeys(refused))


def _copy_map(node: Map) -> Map:
    out = Map(node)
    out.start, out.keys_at, out.values_at = node.start, dict(node.keys_at), dict(node.values_at)
    out.own = set(node.own)
    return out


def _copy_seq(node: Seq, items: list[Any]) -> Seq:
    out = Seq(items)
    out.start, out.items_at = node.start, list(node.items_at)
    return out


@lru_cache(maxsize=256)
def _field(model: type[Model], name: str) -> tuple[bool, type[Model] | None]:
    """(translatable, the model inside) of a field; (False, None) for an unknown key."""
    info = model.model_fields.get(name)
    if info is None:
        return False, None  # an unknown key: the schema check reports it
    return name in model.TRANSLATABLE, inner_model(info.annotation)


def _model(node: Any, model: type[Model], loc: Loc, lang: str, wanted: tuple[str, ...], found: Finding) -> Any:
    if not isinstance(node, Map):
        return node
    out = _copy_map(node)
    for name, value in node.items():
        translatable, inner = _field(model, name)
        if translatable:
            out[name], at = _text(value, (*loc, name), lang, wanted, found)
            if at is not None:
                out.values_at[name] = at
            continue
        if inner is None:
            continue
        if isinstance(value, Seq):
            items = [_model(item, inner, (*loc, name, i), lang, wanted, found) for i, item in enumerate(value)]
            out[name] = _copy_seq(value, items)
        else:
            out[name] = _model(value, inner, (*loc, name), lang, wanted, found)
    return out


def _text(
    value: Any, loc: Loc, lang: str, wanted: tuple[str, ...], found: Finding
) -> tuple[Any, tuple[int, int] | None]:
    """One translatable value in language `lang`, and the position of the text chosen (None: unchanged)."""
    if isinstance(value, Seq):
        items = []
        positions = list(value.items_at)
        for i, item in enumerate(value):
            if isinstance(item, Map):
                chosen, at = _text(item, (*loc, i), lang, wanted, found)
                items.append(chosen)
                if at is not None:
                    positions[i] = at
            else:
                items.append(item)
                _plain((*loc, i), wanted, found)
        out = _copy_seq(value, items)
        out.items_at = positions
        return out, None
    if not isinstance(value, Map):
        if value is not None:
            _plain(loc, wanted, found)
        return value, None
    others = [k for k in value if k not in LANGUAGE_KEYS]
    if len(others) == len(value):
        return value, None  # not text in languages: the schema check says what it looks like
    if others:
        for other in others:
            close = difflib.get_close_matches(str(other), LANGUAGE_KEYS, n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            found.add(
                (*loc, other),
                f"unknown language '{other}'{hint}: give the text in each language as {{en: ..., cy: ...}}",
                "schema",
            )
        return value, None
    keys = [key(t) for t in wanted]
    for given in value:
        if given not in keys:
            found.add(
                (*loc, given),
                f"{LANGUAGE_NAMES[given]} text in a letter written in "
                f"{' and '.join(LANGUAGE_NAMES[k] for k in keys)}: it is not printed (set office.language to print it)",
                warning=True,
            )
    for needed in keys:
        if needed not in value:
            found.add(loc, f"no {LANGUAGE_NAMES[needed]} text: give it as {needed}: ... beside {_given(value)}")
    if lang in value:
        return value[lang], value.values_at[lang]
    fallback = next(iter(value))
    return value[fallback], value.values_at[fallback]


def _given(value: Map) -> str:
    return " and ".join(f"{k}:" for k in value)


def _plain(loc: Loc, wanted: tuple[str, ...], found: Finding) -> None:
    if len(wanted) > 1:
        found.add(
            loc,
            "a bilingual letter needs this text in both languages: write it as {en: ..., cy: ...}",
        )


def placed(found: Finding, place: Any) -> Iterator[Problem]:
    """The projection's findings as located problems; `place(loc, message, rule, kind)` makes one."""
    for loc, message, rule, kind in found.problems:
        yield place(loc, message, rule, kind)
