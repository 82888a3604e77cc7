"""`absorb`: the edits made in a letter's Word version, back into its spec.

The edited DOCX is compared with the DOCX the spec makes now, anchor by anchor (the bookmarks
the DOCX writer places around each spec field, docs/word-round-trip.md): an anchor whose text
differs is a change to that field, in the spec's Markdown. What cannot be mapped is named, never
dropped: text typed outside every anchor, an anchor deleted, a row added to a table that is not
an action table, formatting Markdown cannot say, the layout's own words. Tracked changes are
listed until accepted or rejected; comments are listed with the field they are anchored to.
Only `--write` changes the spec, through the one round-trip writer, and the spec is validated
before and after.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import textwrap
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jtai_letters.errors import OutputError, Problem, SpecError, UsageError
from jtai_letters.files import write_atomic
from jtai_letters.letter import catalogue
from jtai_letters.letter.render import render
from jtai_letters.outputs import docx, docx_read
from jtai_letters.outputs.docx_read import ANCHOR_PREFIXES, Mode, Package, Para, Piece
from jtai_letters.pipeline.inspect import inspect
from jtai_letters.pipeline.options import DEFAULTS, Options
from jtai_letters.spec import language
from jtai_letters.spec.load import LoadedSpec, load_spec, parse_spec
from jtai_letters.spec.models import Model, ResponseSpec, _block, _inline
from jtai_letters.spec.vocabulary import LANGUAGE_NAMES, WORDS
from jtai_letters.spec.writer import SpecDocument, parse_path, show_path

Kind = Literal["block", "text", "plain", "due", "status"]
STATUS_WORDS = {label: value for value, label in WORDS.status_labels.items()}  # as printed -> the value
NONE_MARK = "–"  # what an action table prints for an owner, due date or status not given
_ACTION_CELL = re.compile(r"^(?P<list>.*actions)\[(?P<index>\d+)\]\.(?P<cell>text|owner|due|status)$")
_COLUMNS = ("text", "owner", "due", "status")  # an action table's columns (templates/_parts.html.j2)
_DUPLICATE = re.compile(r"_\d+$")
MAX_OPEN = 64  # anchors open at one place: a letter has two or three (a block, a value inside it)


@dataclass(frozen=True)
class Field:
    """A spec field a letter anchors: its path (as validate prints it) and, in a bilingual letter, language."""

    path: str
    language: str = ""

    def __str__(self) -> str:
        return f"{self.path} ({LANGUAGE_NAMES.get(self.language, self.language)})" if self.language else self.path


@dataclass
class Change:
    """A field's new value (None: remove it), or a list item inserted or deleted."""

    target: Field
    old: str
    new: Any
    how: Literal["set", "delete", "insert"] = "set"
    index: int = 0  # for an insert: where the new item goes in the list
    shown: str = ""  # the new text as shown in the diff (before its lines are wrapped for the file)


@dataclass
class Absorbed:
    """What an edited DOCX says against its spec."""

    changes: list[Change] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # tracked changes not yet accepted or rejected
    comments: list[str] = field(default_factory=list)
    unmapped: list[Problem] = field(default_factory=list)  # named, never dropped
    blocking: list[Problem] = field(default_factory=list)  # of those, what stops --write: anchors not ours
    written: bool = False
    checked: list[Problem] = field(default_factory=list)  # validate's word on the written spec


@dataclass
class _Anchor:
    """The text of one anchor in a document."""

    field: Field
    block: bool
    paragraphs: list[list[Piece]]
    kinds: list[tuple[str | None, int]]
    styles: set[str]
    extras: set[str]
    cells: set[tuple[int, int, int] | None]
    first: int  # the index of its first paragraph

    def text(self, kind: Kind) -> str:
        if self.block and kind == "block":
            return docx_read.block_markdown(self.paragraphs, self.kinds)
        pieces = [p for para in self.paragraphs for p in [*para, Piece(text=" ")]][:-1] if self.paragraphs else []
        return docx_read.inline_markdown(pieces, plain=kind != "text")


@dataclass
class _Reading:
    """A document's anchors, and what lies outside them."""

    anchors: dict[str, _Anchor]  # bookmark name (with a duplicate's suffix) -> its text
    outside: list[tuple[int, str]]  # (paragraph index, the text outside any anchor) where there is some
    near: list[tuple[str | None, str | None]]  # per paragraph: the last anchor before, the first after
    rows: dict[tuple[int, int], list[str]]  # (table, row) -> the anchors in it
    row_cells: dict[tuple[int, int], dict[int, list[Piece]]]
    header_rows: set[tuple[int, int]]
    comments: dict[str, tuple[int, int, list[str]]]  # id -> (paragraph, piece) it starts at, anchors open
    row_of: dict[int, tuple[int, int]]  # paragraph index -> the (table, row) it sits in
    body: list[str]  # every paragraph's text, spaces collapsed


def fields_of(loaded: LoadedSpec) -> dict[str, Field]:
    """Every bookmark name a letter of the spec may carry -> the field it names."""
    found: dict[str, Field] = {}
    specs = loaded.letters()
    two = len(specs) > 1
    for tag, one in specs.items():
        key = language.key(tag) if two else ""
        for path in _paths(one.spec):
            for block in (True, False):
                found[docx.anchor_name(path, key, block=block)] = Field(path, key)
    return found


def _paths(spec: ResponseSpec) -> Iterable[str]:
    stack: list[tuple[Model, str]] = [(spec, "")]
    while stack:
        model, path = stack.pop()
        for name in type(model).model_fields:
            value = getattr(model, name)
            here = f"{path}.{name}" if path else name
            yield here
            if isinstance(value, Model):
                stack.append((value, here))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    yield f"{here}[{i}]"
                    if isinstance(item, Model):
                        stack.append((item, f"{here}[{i}]"))


def kind_of(path: str) -> Kind:
    """How a field's text is read back: block Markdown, inline Markdown, plain, a due date, a status."""
    steps = [s for s in parse_path(path) if isinstance(s, str)]
    model: Any = ResponseSpec
    info: Any = None
    for step in steps:
        fields = getattr(model, "model_fields", None)
        if not fields or step not in fields:
            return "plain"
        info = fields[step]
        from jtai_letters.spec.fields import inner_model

        model = inner_model(info.annotation)
    if steps and steps[-1] == "due":
        return "due"
    if steps and steps[-1] == "status":
        return "status"
    found = {getattr(v, "func", None) for v in _metadata(info.annotation, info.metadata if info else [])}
    if _block in found:
        return "block"
    if _inline in found:
        return "text"
    return "plain"


def _metadata(annotation: Any, given: Iterable[Any] = ()) -> Iterable[Any]:
    """Every validator in a field's annotation, through lists, optionals and `Annotated`."""
    yield from given
    yield from getattr(annotation, "__metadata__", ())
    for arg in typing.get_args(annotation):
        if not isinstance(arg, (str, int, float)) and arg is not None:
            yield from _metadata(arg)


def _read(package: Package, mode: Mode, names: dict[str, Field]) -> _Reading:
    paragraphs = docx_read.resolved(package.paragraphs, mode)
    anchors: dict[str, _Anchor] = {}
    open_ids: dict[str, str] = {}  # bookmark id -> name, for the anchors open
    open_names: dict[str, str] = {}  # and back
    package_path = package.path
    outside: list[tuple[int, str]] = []
    last_seen: list[str | None] = []
    rows: dict[tuple[int, int], list[str]] = {}
    row_cells: dict[tuple[int, int], dict[int, list[Piece]]] = {}
    header_rows: set[tuple[int, int]] = set()
    comments: dict[str, tuple[int, int, list[str]]] = {}
    row_of: dict[int, tuple[int, int]] = {}
    seen: str | None = None
    for index, para in enumerate(paragraphs):
        fixed: list[str] = []
        touched: set[str] = set()
        if para.cell is not None:
            row = row_of[index] = (para.cell[0], para.cell[1])
            cell = row_cells.setdefault(row, {}).setdefault(para.cell[2], [])
            if cell:
                cell.append(Piece(text=" "))  # the cell's paragraphs, read as one line
            if para.header_row:
                header_rows.add(row)
        closing: list[str] = []  # block anchors ended inside this paragraph: they hold all of it
        for n, piece in enumerate(para.pieces):
            if piece.marker is not None:
                what, value = piece.marker
                if what == "bookmark-start":
                    number, _, name = value.partition("\t")
                    if name.startswith(ANCHOR_PREFIXES):
                        if name in open_names:  # the same anchor started again (LibreOffice splits some): one
                            open_ids.pop(open_names[name], None)
                        open_ids[number] = name
                        open_names[name] = number
                        if len(open_ids) > MAX_OPEN:
                            raise OutputError(
                                Problem(
                                    f"more than {MAX_OPEN} anchors open at once: not a letter this tool made",
                                    package_path,
                                    rule="absorb",
                                    kind="error",
                                )
                            )
                        if name not in anchors:
                            base = _DUPLICATE.sub("", name) if len(name) > 21 else name
                            target = names.get(base, Field("?" + name))
                            anchors[name] = _Anchor(
                                target, name.startswith("_jtb_"), [], [], set(), set(), set(), index
                            )
                            seen = name
                        touched.add(name)
                elif what == "bookmark-end":
                    name = open_ids.get(value, "")
                    if name.startswith("_jtb_"):
                        closing.append(value)  # a block's bookmark covers whole paragraphs, whatever
                    else:  # LibreOffice's save may end it a character early, after a comment
                        open_names.pop(open_ids.pop(value, ""), None)
                elif what == "comment-start":
                    comments[value] = (index, n, list(open_ids.values()))
                continue
            if para.cell is not None:
                row_cells[para.cell[:2]][para.cell[2]].append(piece)
            if open_ids:
                for name in open_ids.values():
                    touched.add(name)
                    _add(anchors[name], index, para, piece)
            else:
                fixed.append(piece.text)
        for name in open_ids.values():  # an anchor open across an empty paragraph still holds it
            if name not in touched:
                _add(anchors[name], index, para, None)
        for number in closing:
            open_names.pop(open_ids.pop(number, ""), None)
        if para.cell is not None:
            rows.setdefault(para.cell[:2], []).extend(sorted(touched))
        text = re.sub(r"\s+", " ", "".join(fixed)).strip()
        if text:
            outside.append((index, text))
        last_seen.append(seen)
    near: list[tuple[str | None, str | None]] = []
    following: str | None = None
    after: list[str | None] = [None] * len(paragraphs)
    starts = {a.first: name for name, a in sorted(anchors.items(), key=lambda kv: -kv[1].first)}
    for index in range(len(paragraphs) - 1, -1, -1):
        after[index] = following
        if index in starts:
            following = starts[index]
    for index in range(len(paragraphs)):
        before = last_seen[index - 1] if index else None
        near.append((before, after[index]))
    body = [_flat(p.text()) for p in paragraphs]
    return _Reading(anchors, outside, near, rows, row_cells, header_rows, comments, row_of, body)


def _add(anchor: _Anchor, index: int, para: Para, piece: Piece | None) -> None:
    if anchor.first + len(anchor.paragraphs) <= index:
        while anchor.first + len(anchor.paragraphs) <= index:
            anchor.paragraphs.append([])
            anchor.kinds.append((para.list_kind, para.level))
        anchor.styles.add(para.style)
        anchor.extras.update(para.extra)
        anchor.cells.add(para.cell)
    if piece is not None:
        anchor.paragraphs[index - anchor.first].append(piece)
        anchor.extras.update(piece.extra)


def _read_docx(path: Path) -> Package:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UsageError(Problem(f"cannot read: {e.strerror}", path)) from None
    if path.suffix.lower() == ".docm":
        raise OutputError(
            Problem(
                "a macro-enabled document (.docm) is refused: save it as a Word Document (.docx) without macros",
                path,
                rule="absorb",
                kind="error",
            )
        )
    return docx_read.read(data, path)


def absorb(
    edited: Path,
    spec_path: Path,
    *,
    mode: Mode | None = None,
    write: bool = False,
    notes: Path | None = None,
    options: Options = DEFAULTS,
) -> Absorbed:
    """Compare `edited` (a DOCX) with the letter `spec_path` makes; with `write`, change the spec to say
    what the DOCX says. `mode`: take every tracked change as accepted or rejected (None: list them,
    and write nothing while any is pending)."""
    package = _read_docx(edited)
    loaded = load_spec(spec_path, options.profile, options.profiles)
    spec = loaded.spec
    names = fields_of(loaded)
    reference = docx_read.read(docx.write(render(loaded, options.templates_dir)), spec_path.with_suffix(".docx"))
    found = Absorbed()
    ours = [
        p
        for para in package.paragraphs
        for p in para.pieces
        if p.marker and p.marker[0] == "bookmark-start" and p.marker[1].partition("\t")[2].startswith(ANCHOR_PREFIXES)
    ]
    if not ours:
        raise OutputError(
            Problem(
                "this document carries no anchors of jtai-letters: only a DOCX the tool made (with this version) "
                "can come back into a spec; an officer's own Word draft is not read",
                edited,
                rule="absorb",
                kind="error",
            )
        )
    for revision, text, _index in docx_read.changes(package.paragraphs):
        said = f": “{_short(text)}”" if text.strip() else ""
        who = f" by {revision.author}" if revision.author else ""
        when = f" on {revision.date[:10]}" if revision.date else ""
        found.pending.append(f"{revision.kind}{who}{when}{said}")
    reading = _read(package, mode or "accept", names)
    base = _read(reference, "accept", names)
    doc = SpecDocument.read(spec_path)
    found.unmapped += package.problems
    _compare(found, reading, base, doc, edited, spec, options)
    _fixed_words(found, reading, base, edited)
    _comments(found, package, reading, edited)
    if notes is not None:
        write_atomic({notes: _notes(found, edited, spec_path).encode("utf-8")})
    if write:
        if found.blocking:
            raise OutputError([*found.blocking, Problem("nothing written", spec_path, rule="absorb", kind="error")])
        if found.pending and mode is None:
            raise OutputError(
                Problem(
                    f"{len(found.pending)} tracked change(s) are pending: nothing written; resolve them in Word, "
                    "or run again with --accept-changes or --reject-changes",
                    edited,
                    rule="absorb",
                    kind="error",
                )
            )
        if found.changes:
            _apply(found.changes, doc, spec_path)
            text = doc.text()
            try:
                parse_spec(text, spec_path, options.profile, options.profiles)
            except SpecError as e:
                raise SpecError(
                    [
                        Problem(
                            f"not written: the spec would not be valid: {p.message}", p.path, p.line, p.column, p.field
                        )
                        for p in e.problems
                    ]
                ) from None
            doc.save()
            found.written = True
            checked = inspect(spec_path, options, until="check")  # the file as written, as the other verbs check it
            found.checked = checked.errors + checked.warnings
    return found


def _short(text: str, size: int = 80) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= size else text[: size - 1] + "…"


def _compare(
    found: Absorbed,
    reading: _Reading,
    base: _Reading,
    doc: SpecDocument,
    edited: Path,
    spec: ResponseSpec,
    options: Options,
) -> None:
    statuses = _status_words(spec, options)
    by_field: dict[Field, list[tuple[_Anchor | None, _Anchor]]] = {}
    for name, anchor in base.anchors.items():
        by_field.setdefault(anchor.field, []).append((reading.anchors.get(name), anchor))
    for name, anchor in reading.anchors.items():
        if anchor.field.path.startswith("?"):
            problem = Problem(
                "an anchor names no field of this spec (was the spec changed since the DOCX was made, "
                f"or the bookmark made by hand?): its text “{_short(anchor.text('plain'))}” is not read",
                edited,
                field=name,
                rule="absorb",
                kind="error",
            )
            found.unmapped.append(problem)
            found.blocking.append(problem)
        elif name not in base.anchors:
            found.unmapped.append(
                Problem(
                    "an anchor the letter of this spec does not have (a bookmark copied, or the spec changed): "
                    f"its text “{_short(anchor.text('plain'))}” is not read",
                    edited,
                    field=str(anchor.field),
                    rule="absorb",
                    kind="error",
                )
            )
    removed_actions: set[str] = set()
    everything = " ".join(reading.body)
    for target, pairs in by_field.items():
        kind = kind_of(target.path)
        yaml_path = _yaml_path(doc, target)
        old = doc.get(yaml_path)
        new_values = []
        for now, was in pairs:
            if now is None or (not now.text(kind) and was.text(kind)):
                continue
            dropped = [f"{extra} (Markdown cannot say it)" for extra in sorted(now.extras - was.extras)]
            dropped += [
                f"the paragraph style '{style}' (the layout sets the styles)"
                for style in sorted(now.styles - was.styles)
            ]
            for what in dropped:
                found.unmapped.append(
                    Problem(f"dropped formatting: {what}", edited, field=str(target), rule="absorb", kind="warning")
                )
            if len({c[:1] if c else None for c in now.cells}) > 1 or (was.cells == {None} and now.cells != {None}):
                found.unmapped.append(
                    Problem(
                        "dropped formatting: a table inside text (its cells are read as paragraphs)",
                        edited,
                        field=str(target),
                        rule="absorb",
                        kind="warning",
                    )
                )
            if now.text(kind) != was.text(kind):
                new_values.append(now.text(kind))
        gone = [was for now, was in pairs if now is None or (not now.text(kind) and was.text(kind))]
        if gone and len(gone) == len(pairs) and any(_flat(was.text("plain")) in everything for was in gone):
            found.unmapped.append(
                Problem(
                    "its anchor is gone but its words are still in the document (moved, or the bookmark "
                    "deleted): not written",
                    edited,
                    field=str(target),
                    rule="absorb",
                    kind="error",
                )
            )
            continue
        if gone and len(gone) == len(pairs):
            action = _ACTION_CELL.match(target.path)
            if action and action.group("cell") == "text":
                removed_actions.add(f"{action.group('list')}[{action.group('index')}]")
                continue
            if action:
                found.changes.append(Change(target, _plain(old), None))
                continue
            if target.path.endswith("]") and kind in ("block", "text", "plain"):
                found.changes.append(Change(target, _plain(old), None, "delete"))
                continue
            found.unmapped.append(
                Problem(
                    "its text was deleted in Word, and the field cannot be empty: not written; "
                    "give it new words in Word or in the spec",
                    edited,
                    field=str(target),
                    rule="absorb",
                    kind="error",
                )
            )
            continue
        if not new_values:
            continue
        if len(set(new_values)) > 1:
            found.unmapped.append(
                Problem(
                    "printed twice in the letter and edited differently in each place: not written",
                    edited,
                    field=str(target),
                    rule="absorb",
                    kind="error",
                )
            )
            continue
        value, why = _value(kind, new_values[0], statuses)
        if why:
            found.unmapped.append(Problem(why, edited, field=str(target), rule="absorb", kind="error"))
            continue
        found.changes.append(Change(target, _plain(old), value, shown=new_values[0]))
    for path in sorted(removed_actions):
        found.changes.append(Change(Field(path), _plain(doc.get(path)), None, "delete"))
    _new_rows(found, reading, base, edited, statuses)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(dict(value).get("text", value))
    return str(value)


def _yaml_path(doc: SpecDocument, target: Field) -> str:
    """Where a field sits in the YAML file: a text given in two languages takes its language's key;
    the first of paragraphs given as one string is that string."""
    steps = parse_path(target.path)
    if target.language:
        for cut in range(len(steps), 0, -1):
            node = doc.get(steps[:cut])
            if isinstance(node, dict) and target.language in node and set(node) <= set(LANGUAGE_NAMES):
                steps = (*steps[:cut], target.language, *steps[cut:])
                break
    if steps and steps[-1] == 0 and isinstance(doc.get(steps[:-1]), str):
        return show_path(steps[:-1])
    return show_path(steps)


def _status_words(spec: ResponseSpec, options: Options) -> dict[str, str]:
    words = dict(STATUS_WORDS)
    for tag in language.of_spec(spec):
        found = catalogue.load(options.templates_dir, language.key(tag))
        for label, status in STATUS_WORDS.items():
            words[found.text(label)[0]] = status
    return {k.casefold(): v for k, v in words.items()}


_MONTHS = {
    m.casefold(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        1,
    )
}


def _value(kind: Kind, text: str, statuses: dict[str, str]) -> tuple[Any, str | None]:
    """The spec value a field's new text stands for, or why it cannot be one."""
    if kind in ("block", "text", "plain"):
        if not text.strip():
            return None, "its text was deleted in Word, and the field cannot be empty: not written"
        return (wrapped(text) if kind == "block" else text), None
    if text.strip() in (NONE_MARK, "-", ""):
        return None, None
    if kind == "status":
        status = statuses.get(text.strip().casefold())
        if status is None:
            return None, f"the status '{text}' is not one of planned, in progress, ongoing, complete: not written"
        return status, None
    due = parse_due(text)
    if due is None:
        return None, (
            f"the due date '{text}' cannot be read: write it as 31 March 2026, March 2026 or Q1 2026–27: not written"
        )
    return due, None


_BLOCK_START = re.compile(r"^(?:[-+*>#=]|\d+[.)])(?:\s|$)")
WIDTH = 88  # a paragraph's lines in the spec, as officers and `new` write them


def wrapped(markdown: str) -> str:
    """Block Markdown with each paragraph's long line broken at spaces (Markdown reads a line break
    in a paragraph as a space), never where the next line would start a list, a heading or a quote.

    >>> [len(line) for line in wrapped("word " * 30).splitlines()], wrapped("x " * 44 + "- y").splitlines()[-1][-5:]
    ([84, 64], 'x - y')
    """
    out: list[str] = []
    for line in markdown.split("\n"):
        if len(line) <= WIDTH or line.endswith("\\") or _BLOCK_START.match(line) or line.startswith(" "):
            out.append(line)
            continue
        pieces = textwrap.wrap(line, WIDTH, break_long_words=False, break_on_hyphens=False)
        joined: list[str] = []
        for piece in pieces:
            if joined and _BLOCK_START.match(piece):
                joined[-1] += " " + piece
            else:
                joined.append(piece)
        out.extend(joined)
    return "\n".join(out)


def parse_due(text: str) -> dt.date | str | None:
    """An action's due date as the letter prints it, back as the spec writes it.

    >>> parse_due("31 March 2026"), parse_due("1st April 2026"), parse_due("March 2026"), parse_due("Q1 2026–27")
    (datetime.date(2026, 3, 31), datetime.date(2026, 4, 1), '2026-03', '2026-27 Q1')
    """
    words = text.strip().replace("\u00a0", " ")
    day = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+),? (\d{4})", words)
    if day and day.group(2).casefold() in _MONTHS:
        try:
            return dt.date(int(day.group(3)), _MONTHS[day.group(2).casefold()], int(day.group(1)))
        except ValueError:
            return None
    month = re.fullmatch(r"([A-Za-z]+) (\d{4})", words)
    if month and month.group(1).casefold() in _MONTHS:
        return f"{month.group(2)}-{_MONTHS[month.group(1).casefold()]:02d}"
    quarter = re.fullmatch(r"Q([1-4]) (\d{4})[–-](\d{2})", words, re.I)
    if quarter:
        return f"{quarter.group(2)}-{quarter.group(3)} Q{quarter.group(1)}"
    try:
        return dt.date.fromisoformat(words)
    except ValueError:
        return None


def _new_rows(found: Absorbed, reading: _Reading, base: _Reading, edited: Path, statuses: dict[str, str]) -> None:
    """Rows added in Word: a new action in an action table, reported in any other table."""
    tables: dict[int, str] = {}
    for (table, _row), names in reading.rows.items():
        for name in names:
            cell = _ACTION_CELL.match(reading.anchors[name].field.path)
            if cell:
                tables.setdefault(table, cell.group("list"))
    by_table: dict[int, list[tuple[int, list[str]]]] = {}
    for (table, row), names in sorted(reading.rows.items()):
        by_table.setdefault(table, []).append((row, names))
    header_texts = _unanchored_rows(base)
    for table, rows in by_table.items():
        anchored = any(names for _, names in rows)
        if not anchored:
            continue
        list_path = tables.get(table)
        previous = -1
        added = 0
        for row, names in rows:
            cells = reading.row_cells.get((table, row), {})
            if names:
                indices = [m.group("index") for n in names if (m := _ACTION_CELL.match(reading.anchors[n].field.path))]
                if indices:
                    previous = int(indices[0])
                continue
            if (table, row) not in _added_rows(reading, header_texts):
                continue
            if list_path is None:
                found.unmapped.append(
                    Problem(
                        f"a row added to a table that is not an action table: “{_short(_cells_text(cells))}” "
                        "is not written",
                        edited,
                        rule="absorb",
                        kind="error",
                    )
                )
                continue
            action: dict[str, Any] = {}
            problem = None
            for column, name in enumerate(_COLUMNS):
                pieces = cells.get(column, [])
                kind: Kind = "text" if name == "text" else "plain" if name == "owner" else name  # type: ignore[assignment]
                text = docx_read.inline_markdown(pieces, plain=kind != "text")
                if name == "text":
                    if not text:
                        problem = "a new action row has no text in its first column: not written"
                    action["text"] = text
                    continue
                value, why = _value(kind, text, statuses)
                if why:
                    problem = why
                elif value is not None:
                    action[name] = value
            if problem:
                found.unmapped.append(Problem(problem, edited, field=list_path, rule="absorb", kind="error"))
                continue
            added += 1
            found.changes.append(Change(Field(list_path), "", action, "insert", previous + added))


def _unanchored_rows(base: _Reading) -> set[str]:
    """The text of the rows a letter has without anchors (table headings, the letterhead of columns)."""
    return {_cells_text(base.row_cells[row]) for row, names in base.rows.items() if not names}


def _added_rows(reading: _Reading, known: set[str]) -> set[tuple[int, int]]:
    """The rows of tables that hold anchors, without anchors of their own, not in the letter as made."""
    anchored = {table for (table, _), names in reading.rows.items() if names}
    return {
        row
        for row, names in reading.rows.items()
        if row[0] in anchored
        and not names
        and row not in reading.header_rows
        and (text := _cells_text(reading.row_cells.get(row, {}))).strip(" |")
        and text not in known
    }


def _cells_text(cells: dict[int, list[Piece]]) -> str:
    return " | ".join(docx_read.inline_markdown(cells[c], plain=True) for c in sorted(cells))


def _fixed_words(found: Absorbed, reading: _Reading, base: _Reading, edited: Path) -> None:
    """The layout's own words (headings, labels, the date) changed, and text typed outside any anchor."""
    was = [text for _, text in base.outside]
    now = [text for _, text in reading.outside]
    inserted_rows = _added_rows(reading, _unanchored_rows(base))
    matcher = difflib.SequenceMatcher(a=was, b=now, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op in ("replace", "delete"):
            for old, new in zip(was[a1:a2], [*now[b1:b2], *[""] * (a2 - a1)], strict=False):
                message = (
                    f"the layout's words “{_short(old)}” were changed to “{_short(new)}”"
                    if new
                    else f"the layout's words “{_short(old)}” were deleted"
                )
                found.unmapped.append(
                    Problem(
                        f"{message}: not from the spec: change the layout or the profile",
                        edited,
                        rule="absorb",
                        kind="warning",
                    )
                )
        if op in ("replace", "insert"):
            extra = now[b1 + (a2 - a1) : b2] if op == "replace" else now[b1:b2]
            for offset, text in enumerate(extra):
                index = reading.outside[b1 + (a2 - a1 if op == "replace" else 0) + offset][0]
                if reading.row_of.get(index) in inserted_rows:
                    continue  # a new row: a new action, or reported as a row
                before, after = reading.near[index]
                where = ", ".join(
                    part
                    for part in (
                        f"after {reading.anchors[before].field}" if before else "",
                        f"before {reading.anchors[after].field}" if after else "",
                    )
                    if part
                )
                found.unmapped.append(
                    Problem(
                        f"text typed outside any anchor ({where or 'in the letter'}): “{_short(text)}” "
                        "is not written; move it into the paragraph of the field it belongs to",
                        edited,
                        rule="absorb",
                        kind="error",
                    )
                )


def _comments(found: Absorbed, package: Package, reading: _Reading, edited: Path) -> None:
    for number, comment in package.comments.items():
        start = reading.comments.get(number)
        where = "not anchored to any text"
        if start is not None:
            index, _, open_names = start
            if open_names:
                where = str(reading.anchors[open_names[-1]].field)
            else:
                before, after = reading.near[index]
                name = after or before
                where = f"outside any anchor, near {reading.anchors[name].field}" if name else "outside any anchor"
        who = comment.author or "someone"
        when = f", {comment.date[:10]}" if comment.date else ""
        found.comments.append(f"{where}: {who}{when}: “{comment.text}”")


def _apply(changes: list[Change], doc: SpecDocument, spec_path: Path) -> None:
    """The changes through the round-trip writer, deepest and latest first so list indices hold."""

    def order(change: Change) -> tuple[tuple[int, int | str], ...]:
        steps = parse_path(_yaml_path(doc, change.target))
        if change.how == "insert":
            steps = (*steps, change.index)
        return tuple((1, s) if isinstance(s, int) else (0, s) for s in steps)

    for change in sorted(changes, key=order, reverse=True):
        path = _yaml_path(doc, change.target)
        if change.how == "insert":
            at = doc.append(path, change.new)
            if change.index < at:
                doc.move(f"{path}[{at}]", change.index - at)
        elif change.how == "delete" or change.new is None:
            doc.delete(path)
        else:
            doc.set(path, change.new)


def _notes(found: Absorbed, edited: Path, spec_path: Path) -> str:
    lines = [f"# Review notes: {edited.name}", "", f"Against the spec {spec_path.name}.", ""]
    for title, items in (
        ("Comments", found.comments),
        ("Tracked changes", found.pending),
        ("Not mapped", [str(p) for p in found.unmapped]),
    ):
        lines += [f"## {title}", ""]
        lines += [f"- {item}" for item in items] or ["None."]
        lines.append("")
    return "\n".join(lines)


def report(found: Absorbed) -> list[str]:
    """What `absorb` prints: each change as a diff of old and new text, then the rest."""
    out: list[str] = []
    for change in found.changes:
        if change.how == "insert":
            out.append(f"{change.target}[{change.index}]: a new action from a row added in Word")
            out += [f"  + {k}: {v}" for k, v in change.new.items()]
            continue
        if change.how == "delete" or change.new is None:
            out.append(f"{change.target}: deleted in Word")
            out += [f"  - {line}" for line in change.old.splitlines()]
            continue
        out.append(f"{change.target}:")
        new = change.shown or str(change.new)
        for line in difflib.ndiff(change.old.splitlines(), new.splitlines()):
            if line.startswith(("- ", "+ ")):
                out.append(f"  {line}")
    for title, items in (("tracked change", found.pending), ("comment", found.comments)):
        out += [f"{title}: {item}" for item in items]
    out += [str(p) for p in found.unmapped]
    return out
