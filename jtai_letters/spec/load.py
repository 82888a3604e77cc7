"""YAML file -> `ResponseSpec`, with every fault located to file:line:column and field.

`yamltree` keeps the line of every key and item and refuses duplicate keys;
pydantic's error locations are walked back through that tree to the line that
caused them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from jtai_letters.checks.registry import RuleId, Severity
from jtai_letters.errors import Problem, SpecError
from jtai_letters.letter.assets import read_regular
from jtai_letters.letter.text import TextRefused
from jtai_letters.spec import dates, deadline, language, yamltree
from jtai_letters.spec.fields import _is_model, inner_model
from jtai_letters.spec.models import Profile, ResponseSpec
from jtai_letters.spec.vocabulary import DEFAULT_LANGUAGE, LANGUAGE_KEYS, spelled
from jtai_letters.spec.yamltree import Map, Seq

MAX_SPEC_BYTES = 2 * 1024 * 1024  # a long letter is ~30 kB; anything near this is not a spec

Loc = tuple[int | str, ...]


def field_path(loc: Sequence[int | str]) -> str:
    """`('response', 'recommendations', 1, 'response')` -> `response.recommendations[1].response`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class SourceMap:
    """Where each value of a spec sits in its YAML file."""

    path: Path
    root: Any
    profile: Path | None = None  # the office profile the spec was merged with, if any
    profile_source: SourceMap | None = None  # where each of the profile's values sits in its file
    cuts: tuple[yamltree.Cut, ...] = ()  # plain texts a ` #` cut short (yamltree.cuts)
    text: yamltree.Text | None = None  # where texts written over several lines sit (yamltree.text)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at `loc`, or of its key when `key` is set.

        A location that does not exist in the file (a missing field) resolves to
        the nearest enclosing value that does.
        """
        node = self.root
        pos: tuple[int, int] | None = getattr(node, "start", None)
        for i, part in enumerate(loc):
            if isinstance(node, Map) and part in node:
                pos = node.keys_at[part] if key and i == len(loc) - 1 else node.values_at[part]
            elif isinstance(node, Seq) and isinstance(part, int) and 0 <= part < len(node):
                pos = node.items_at[part]
            else:
                break
            node = node[part]
        if pos is None:
            return None, None
        return pos[0] + 1, pos[1] + 1

    def written(self, loc: Loc) -> tuple[Any, tuple[int, int]] | None:
        """The value at `loc` as the file has it (before the model trims or converts it) and its
        0-based position; None when `loc` is not in this file (a profile's, or a missing field)."""
        node: Any = self.root
        pos: tuple[int, int] | None = None
        if self._from_profile(loc):
            return None
        for i, part in enumerate(loc):
            if isinstance(node, Map) and part in node:
                pos = node.values_at[part]
            elif isinstance(node, Seq) and isinstance(part, int) and 0 <= part < len(node):
                pos = node.items_at[part]
            elif isinstance(node, str) and part == 0 and i == len(loc) - 1:
                break  # one text where a list of paragraphs may be: the model's first paragraph
            else:
                return None
            node = node[part]
        return (node, pos) if pos is not None else None

    def spans_lines(self, loc: Loc) -> bool:
        """Whether the text at `loc` is written over more than one line of the file."""
        found = self.written(loc)
        return found is not None and self.text is not None and found[1] in self.text.spans

    def place(self, loc: Loc, offset: int) -> tuple[int, int] | None:
        """1-based (line, column) of character `offset` of the text at `loc` as the file has it
        (`written`), when the text is written over several lines; None otherwise (the field's own
        position is then the place)."""
        found = self.written(loc)
        if self.text is None or found is None or not isinstance(found[0], str):
            return None
        return self.text.place(found[1], found[0], offset)

    def written_text(self, loc: Loc) -> str | None:
        """The text at `loc` as the file has it (`written`); None when it is not text of this file."""
        written = self.written(loc)
        return written[0] if written and isinstance(written[0], str) else None

    def found_at(self, loc: Loc, found: str) -> tuple[int, int] | None:
        """The file's (line, column) of the first `found` in the text at `loc` as written, when the
        text spans lines (a problem in a `|` block is at its own line, not the key's); None otherwise."""
        text = self.written_text(loc)
        at = text.find(found) if text is not None else -1
        return self.place(loc, at) if at >= 0 else None

    def lines_placed(self, loc: Loc, lines: list[str]) -> list[tuple[int, int] | None]:
        """The file's (line, column) of each of `lines` of the text at `loc` (in the text's order),
        found in the text as written (the model's may have lost leading blank lines, or gained a
        blank line after pasted bullets); None for one not found, or a text on one line (its
        field's place is exact)."""
        text = self.written_text(loc)
        if text is None:
            return [None] * len(lines)
        places: list[tuple[int, int] | None] = []
        own = text.split("\n")
        starts = [0]
        for line in own:
            starts.append(starts[-1] + len(line) + 1)
        after = 0
        for line in lines:
            n = next((n for n in range(after, len(own)) if own[n].strip() == line.strip()), None)
            if n is None:
                places.append(None)
                continue
            after = n + 1
            places.append(self.place(loc, starts[n] + len(own[n]) - len(own[n].lstrip())))
        return places

    def _from_profile(self, loc: Loc) -> bool:
        office = self.root.get("office") if isinstance(self.root, Map) else None
        return len(loc) > 1 and loc[0] == "office" and isinstance(office, Map) and loc[1] not in office.own

    def problem(
        self,
        loc: Loc,
        message: str,
        *,
        rule: RuleId = "schema",
        key: bool = False,
        kind: Severity | None = None,
        at: Loc | None = None,
        place: tuple[int, int] | None = None,
    ) -> Problem:
        """A `Problem` about field `loc`, placed at `at` (default: `loc` itself) in this file, or at
        `place` (1-based line and column, from `place()`) inside its text.

        An office field the spec took from its profile is placed in the profile, where it is written.
        """
        if self.profile_source is not None and self._from_profile(loc):
            there = loc[1:] if at is None or at[:2] != loc[:2] else at[1:]
            return self.profile_source.problem(loc[1:], message, rule=rule, key=key, kind=kind, at=there)
        line, column = place or self.position(loc if at is None else at, key=key)
        return Problem(message, self.path, line, column, field_path(self.as_written(loc)), rule, kind)

    def as_written(self, loc: Loc) -> Loc:
        """`loc` as the file writes it: a field that takes a list of paragraphs but is written as one
        text is named without the `[0]` the model gives its one paragraph."""
        node = self.root
        for i, part in enumerate(loc):
            if isinstance(node, str) and part == 0:
                return loc[:i] + loc[i + 1 :]
            if isinstance(node, Map) and part in node:
                node = node[part]
                continue
            if not (isinstance(node, Seq) and isinstance(part, int) and 0 <= part < len(node)):
                break
            node = node[part]
        return loc


@dataclass(frozen=True)
class LoadedSpec:
    """A spec as loaded, travelling together: the model, where each of its values sits, the model in
    each of the letter's languages, and what loading found besides faults (text given in a language
    the letter is not in). The model holds none of the loader's state.
    """

    spec: ResponseSpec  # the first language's model
    source: SourceMap
    languages: Mapping[str, LoadedSpec] = field(default_factory=dict)  # tag -> that language's, first first
    problems: tuple[Problem, ...] = ()
    image_bases: Mapping[str, Path] = field(default_factory=dict)  # logo/signature the profile named: its folder

    @classmethod
    def made(cls, spec: ResponseSpec) -> LoadedSpec:
        """A spec built in code, from no file (its problems are placed nowhere)."""
        return cls(spec, SourceMap(Path("<spec>"), None))

    def letters(self) -> dict[str, LoadedSpec]:
        """The spec as each of its languages' letter, first language first (itself for one language)."""
        return dict(self.languages) if self.languages else {language.tags(self.spec.office.language)[0]: self}

    def image_base(self, name: str) -> Path:
        """The folder the path of image `name` (logo, signature) is relative to: the spec's, or the
        profile's when the profile named it."""
        return self.image_bases.get(name) or self.source.path.parent

    def without_trees(self) -> LoadedSpec:
        """The same, without the YAML trees (cheap to send back from a worker); its problems stay located,
        and each of its languages' models stays (the register prints in the office's languages)."""
        languages = {
            tag: replace(one, source=replace(one.source, root=None), languages={})
            for tag, one in self.languages.items()
        }
        return replace(self, source=replace(self.source, root=None), languages=languages)


class InvalidSpec(SpecError):
    """A spec read as YAML that the schema refused; its tree (merged with its profile) travels with the
    problems, so what can still be checked is found without reading the file again."""

    def __init__(self, problems: list[Problem], source: SourceMap) -> None:
        super().__init__(problems)
        self.source = source


def read_text(path: Path) -> str:
    """Read a spec file as UTF-8 text, refusing what is clearly not one."""
    try:
        data = read_regular(path, MAX_SPEC_BYTES, "a spec")
    except ValueError as e:
        raise SpecError(Problem(str(e), path)) from None
    except IsADirectoryError:
        raise SpecError(Problem("is a folder, not a spec file", path)) from None
    except FileNotFoundError:
        raise SpecError(Problem("no such file", path)) from None
    except OSError as e:
        raise SpecError(Problem(f"cannot be read: {e.strerror}", path)) from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpecError(Problem("is UTF-16 encoded; save it as UTF-8", path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SpecError(
            Problem(f"is not UTF-8 text (byte 0x{data[e.start]:02x}); save it as UTF-8", path, line)
        ) from None
    if "\x00" in text:
        raise SpecError(Problem("is a binary file, not YAML text", path, text[: text.index("\x00")].count("\n") + 1))
    return text


def parse_yaml(text: str, path: Path) -> Any:
    """Parse YAML text, turning parser errors into located `SpecError`s."""
    try:
        return yamltree.load(text)
    except yamltree.YamlError as e:
        raise SpecError(Problem(e.message, path, e.line, e.column, field_path(e.key_path), rule="yaml")) from None


def parse_spec(text: str, path: Path, profile: Path | None = None, profiles: Path | None = None) -> LoadedSpec:
    """Parse and validate spec text, once; raise one `SpecError` listing every problem (an `InvalidSpec`,
    carrying the tree, when the YAML was read).

    `profile`, when given, replaces the office profile the spec names; `profiles`
    is a folder the spec's own `office.profile` may name files in, besides its tree.
    """
    root = parse_yaml(text, path)
    cut = tuple(yamltree.cuts(root))
    src = SourceMap(path, root, cuts=cut, text=yamltree.text(root))
    if root is None:
        raise SpecError(
            Problem(
                "the file is empty; expected a response spec with schema_version, layout, office, report and response",
                path,
            )
        )
    if not isinstance(root, Map):
        kind = "a list" if isinstance(root, list) else f"a single value ({type(root).__name__})"
        line, column = src.position(())
        raise SpecError(
            Problem(f"expected a mapping of keys at the top of the file, got {kind}", path, line or 1, column)
        )
    try:
        merged = _merge_profile(root, src, profile, profiles)
    except SpecError as e:  # the office is then looked at alone
        raise InvalidSpec(e.problems, src) from None
    placed = SourceMap(path, root, merged.path, merged, cut, src.text) if merged is not None else src
    found = language.Finding()
    asked = language.raw_language(root)
    trees = language.project(root, asked or DEFAULT_LANGUAGE, found)
    if asked is None:  # a wrong office.language: which text is missing or not printed is not known
        found.problems = [p for p in found.problems if p[2] != "translation"]
    said = [
        p
        for p in language.placed(
            found, lambda loc, message, rule, kind: placed.problem(loc, message, rule=rule, kind=kind)
        )
        # A profile serves letters in every language: its texts in another language are not a fault.
        if not (p.severity == "warning" and merged is not None and p.path == merged.path)
    ]
    specs: dict[str, ResponseSpec] = {}
    problems = [p for p in said if p.rule != "translation"]
    for tag, tree in trees.items():
        try:
            specs[tag] = ResponseSpec.model_validate(tree)
        except ValidationError as e:
            problems += _problems(SourceMap(path, tree, cuts=cut, text=src.text), e, ResponseSpec)
    if problems:
        # A mapping of unknown languages is reported once, not again as "expected text".
        refused = {p.field for p in said if p.rule == "schema"}
        problems = [p for p in problems if p.rule != "schema" or p in said or p.field not in refused]
        raise InvalidSpec(list(dict.fromkeys([*problems, *said])), placed) from None
    bases: dict[str, Path] = {}
    if merged is not None:
        office = next(iter(specs.values())).office
        bases = {
            image: merged.path.parent
            for image in ("logo", "signature")
            if getattr(office, image) is not None and image not in root["office"].own
        }

    def one(tag: str) -> LoadedSpec:
        tree = trees[tag]
        source = SourceMap(path, tree, merged.path if merged else None, merged, cut, src.text)
        return LoadedSpec(specs[tag], source, image_bases=bases)

    each = {tag: one(tag) for tag in specs}
    first = next(iter(each.values()))
    return replace(first, languages=each if len(each) > 1 else {}, problems=tuple(said))


def load_spec(
    path: str | Path, profile: Path | None = None, profiles: Path | None = None, *, text: str | None = None
) -> LoadedSpec:
    """Read, parse and validate the spec at `path` (merged with `profile`, if given), once.

    With `text`, that text stands for the file's contents (an editor's unsaved state): nothing is
    read from `path`, but its folder still places the profile and images the spec names.
    """
    path = Path(path)
    return parse_spec(read_text(path) if text is None else text, path, profile, profiles)


def _problems(src: SourceMap, error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    return [_located(src, err, model) for err in _without_typo_echoes(error.errors(include_url=False), model)]


def profile_roots(spec: Path, profiles: Path | None = None) -> tuple[Path, ...]:
    """The folders a spec's `office.profile` may name files in: the tree of its folder's parent
    (so `../profiles/x.yaml` works from `responses/`), and `profiles` if given."""
    return (spec.resolve().parent.parent, *([profiles.resolve()] if profiles else []))


def _merge_profile(root: Map, src: SourceMap, override: Path | None, profiles: Path | None) -> SourceMap | None:
    """Fill the spec's office from its profile (spec fields win); the profile's own SourceMap."""
    office = root.get("office")
    if not isinstance(office, Map):
        return None  # the schema check reports it
    ref = office.get("profile")
    if override is not None:
        path = override
    elif isinstance(ref, str) and ref:
        if Path(ref).is_absolute() or Path(ref).suffix not in (".yaml", ".yml"):
            raise SpecError(
                src.problem(("office", "profile"), "must be a relative path to a .yaml file", rule="profile")
            )
        path = Path(os.path.normpath(src.path.parent / ref))  # messages show profiles/x.yaml, not specs/../
        # os.path.exists, not Path.exists: a name too long or holding NUL is simply not there.
        if profiles and not os.path.exists(path):
            path = Path(os.path.normpath(profiles / ref))
        if not os.path.exists(path):
            message = f"no such profile: '{ref}' (looked for {path.name} in {path.parent.resolve()})"
            raise SpecError(src.problem(("office", "profile"), message, rule="profile"))
        roots = profile_roots(src.path, profiles)
        if not any(path.resolve().is_relative_to(r) for r in roots):
            where = " or ".join(str(r) for r in roots)
            raise SpecError(
                src.problem(
                    ("office", "profile"),
                    f"'{ref}' is outside the folders profiles are read from ({where}); "
                    "keep profiles near the specs, or name their folder with --profiles",
                    rule="profile",
                )
            )
    else:
        return None  # no profile, or a wrong type the schema check reports
    stat = path.stat()
    profile_root = _checked_profile(path, stat.st_mtime_ns, stat.st_size)
    merged = Map({**profile_root, **office})
    another_name = office.get("commissioner", profile_root.get("commissioner")) != profile_root.get("commissioner")
    if another_name and "signature" not in office:
        # The profile's signature is its commissioner's: never print it above another name.
        merged.pop("signature", None)
    merged.start = office.start
    # Fields from the profile are placed at the spec's office key for messages about the merge.
    merged.keys_at = {k: office.keys_at.get(k, office.start) for k in merged}
    merged.values_at = {k: office.values_at.get(k, office.start) for k in merged}
    merged.own = set(office)
    root["office"] = merged
    return SourceMap(path, profile_root)


@lru_cache(maxsize=64)
def _checked_profile(path: Path, mtime_ns: int, size: int) -> Map:
    # Many specs share one profile: read and check it once per change, not once per spec.
    profile_root = parse_yaml(read_text(path), path)
    if not isinstance(profile_root, Map):
        raise SpecError(Problem("expected a mapping of office fields in the profile", path, 1, rule="profile"))
    src = SourceMap(path, profile_root)
    trees, refused = language.profile_trees(profile_root, Profile)
    if refused:
        raise SpecError([src.problem(loc, message) for loc, message in refused])
    for tree in trees:  # the texts in each language
        try:
            Profile.model_validate(tree)
        except ValidationError as e:
            # Values are not echoed: a file named as a profile may not be one, and may hold secrets.
            errors = [{**err, "input": _NotShown()} for err in e.errors(include_url=False)]
            raise SpecError([_located(src, err, Profile) for err in _without_typo_echoes(errors, Profile)]) from None
    return profile_root


class _NotShown:
    def __repr__(self) -> str:
        return "a value not shown here"


# -- pydantic errors in plain English ---------------------------------------------------------


def _without_typo_echoes(errors: list[Any], model: type[BaseModel]) -> list[Any]:
    """Drop 'missing' for a field whose misspelling is already reported as an unknown key."""
    typos = {
        (tuple(e["loc"][:-1]), match)
        for e in errors
        if e["type"] == "extra_forbidden"
        for match in difflib.get_close_matches(str(e["loc"][-1]), _allowed_keys(tuple(e["loc"][:-1]), model), n=1)
    }
    return [e for e in errors if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), e["loc"][-1]) in typos)]


def _located(src: SourceMap, err: Any, model: type[BaseModel]) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        return src.problem(loc, _dedented_out_of(src, loc, model) or _unknown_key(loc, model), key=True)
    if kind == "missing" and loc:
        return src.problem(loc, _message(err), key=True, at=loc[:-1])  # at the parent's key
    if err.get("input") is None and (said := _all_a_comment(src, loc)):
        return said
    if loc == ("response", "date") and isinstance(err.get("input"), str) and not any(c.isdigit() for c in err["input"]):
        return src.problem(loc, _response_date(src, err["input"]))
    refused = (err.get("ctx") or {}).get("error")
    if isinstance(refused, TextRefused) and refused.line is not None:  # at the line of the text it is about
        return src.problem(loc, _message(err), place=src.lines_placed(loc, [refused.line])[0])
    return src.problem(loc, _message(err))


def _all_a_comment(src: SourceMap, loc: Loc) -> Problem | None:
    """`response: #1 priority: ...`: the text is empty because all of it was read as a comment (a
    comment with a space after its '#' is taken as one: `reply:  # ask the Chief Constable`)."""
    cut = next((c for c in src.cuts if c.path == loc and not c.kept and c.left_out[:1] not in ("", " ", "\t")), None)
    if cut is None:
        return None
    return replace(src.problem(loc, yamltree.comment_at_start(cut)), line=cut.line, column=cut.column)


def _response_date(src: SourceMap, given: str) -> str:
    # `new` writes `date: TODO`: the letter must not go out dated the day the report was published.
    report = src.root.get("report") if isinstance(src.root, Map) else None
    published = report.get("published") if isinstance(report, Map) else None
    last = deadline.publication_deadline(published) if isinstance(published, dt.date) else None
    known = last is not None and last != dt.date.max
    by = f": the s55 deadline is {spelled(last)}" if known and last else ""
    like = last.isoformat() if known and last else "2025-11-30"
    return f"write the date the response will be published (like {like}) instead of {given!r}{by}"


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def _message(err: Any) -> str:
    kind: str = err["type"]
    got = _describe(err.get("input"))
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind.startswith("date") or kind.startswith("datetime"):
        why = str(ctx.get("error", ""))  # 2025-02-30: "day value is outside expected range"
        return dates.not_a_date(err.get("input")) + (f" ({why})" if "outside" in why else "")
    if kind == "literal_error":
        return f"expected {ctx.get('expected', 'one of the allowed values')}, got {got}"
    if kind.startswith("url") or (kind == "value_error" and "URL" in err.get("msg", "")):
        return f"expected an absolute http(s) URL like https://www.example.gov.uk/page, got {got}"
    if kind == "string_type":
        value = err.get("input")
        if isinstance(value, dict) and len(value) == 1:  # "- Policy: introduce ..." reads as a key and its value
            key, rest = next(iter(value.items()))
            return (
                f"expected text, got a mapping ('{key}: {rest}'): a colon followed by a space, inside text without "
                'quotes, starts a key; put the whole text in double quotes ("...")'
            )
        return f"expected text, got {got}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s)"
    if kind == "list_type":
        value = err.get("input")
        if isinstance(value, str) and value.startswith("-") and not value.startswith("- "):
            return f"expected a list, got {got}: a list item needs a space after '-' (write '- text', not '-text')"
        return f"expected a list (lines starting with '- '), got {got}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of keys, got {got}"
    if kind.startswith("bool"):
        return f"expected true or false, got {got}"
    if kind == "string_pattern_mismatch":
        expected = _PATTERNS.get(str(ctx.get("pattern")), "letters, digits, '-', '.' or '_' only")
        return f"expected {expected}, got {got}"
    if kind == "value_error":
        msg: str = err["msg"]
        return msg.removeprefix("Value error, ")
    msg = err["msg"]
    return f"{msg[0].lower()}{msg[1:]}, got {got}" if msg else f"invalid value {got}"


_PATTERNS = {
    r"^#[0-9A-Fa-f]{6}$": "a colour like #1D4E89",
    r"^[a-z0-9][a-z0-9-]*$": "a layout name in lower case, like letter",
}


def _unknown_key(loc: Loc, model: type[BaseModel]) -> str:
    key = str(loc[-1])
    allowed = _allowed_keys(loc[:-1], model)
    if len(loc) == 1 and model is ResponseSpec and (home := belongs_under(key)):
        return f"'{key}' belongs under {home} and is indented too little: indent it as far as the other keys of {home}"
    hint = ""
    if allowed:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; allowed here: {', '.join(allowed)}"
    return f"unknown key '{key}'{hint}"


def _dedented_out_of(src: SourceMap, loc: Loc, model: type[BaseModel]) -> str | None:
    """`reply:` written under `response` straight after `chief_constable:` and its keys, which take
    it: the key is indented too little to be in the part above it."""
    parent: Any = src.root
    for part in loc[:-1]:
        parent = parent.get(part) if isinstance(parent, Map) else None
    keys = list(parent) if isinstance(parent, Map) and len(loc) > 1 else []
    at = keys.index(loc[-1]) if loc[-1] in keys else 0
    above = keys[at - 1] if at > 0 else None
    if above is None or not isinstance(parent[above], Map) or loc[-1] in parent[above]:
        return None
    if loc[-1] not in _allowed_keys((*loc[:-1], above), model):
        return None
    return (
        f"'{loc[-1]}' belongs under {above} and is indented too little: indent it as far as the other keys of {above}"
    )


def belongs_under(key: str) -> str | None:
    """The section (office, report or response) a key written at the top of a spec belongs in, if any."""
    homes = [name for name in ("office", "report", "response") if key in _allowed_keys((name,))]
    return " or ".join(homes) or None


def _allowed_keys(loc: Loc, root_model: type[BaseModel] = ResponseSpec) -> list[str]:
    model: Any = root_model
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = inner_model(field.annotation)
        if model is None:
            return []
    return list(model.model_fields) if _is_model(model) else []


def text_field(loc: Loc, root_model: type[BaseModel] = ResponseSpec) -> str | None:
    """What letter text `loc` (a path in the YAML tree, language keys included) names: "markdown"
    (prose), "plain" (a name, a title), or None (an id, a file name, a web address, a word from a
    fixed list, or no field)."""
    model: Any = root_model
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None:  # past a field: only the language of a text given in two may follow
            if info is not None and part in LANGUAGE_KEYS:
                continue
            return None
        info = model.model_fields.get(part) if _is_model(model) else None
        if info is None:
            return None
        model = inner_model(info.annotation)
    if info is None or model is not None or loc[-1] in _FILE_FIELDS or not _is_text(info.annotation, info.metadata):
        return None
    return "markdown" if "text/markdown" in repr(info.annotation) + repr(info.metadata) else "plain"


_FILE_FIELDS = ("profile", "path")


def _is_text(annotation: Any, metadata: Sequence[Any]) -> bool:
    if annotation is str:
        lengths = any(type(m).__name__ == "MinLen" for m in metadata)
        return lengths and not any(getattr(m, "pattern", None) for m in metadata)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        meta = [m for e in extra for m in (e.metadata if hasattr(e, "metadata") else [e])]
        return _is_text(base, meta)
    if origin in (typing.Union, types.UnionType, list):
        return any(_is_text(arg, ()) for arg in typing.get_args(annotation) if arg is not type(None))
    return False
