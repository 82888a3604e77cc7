"""Recording progress without editing YAML: `update` appends an update to the right action of a spec.

One change from the command line (`update SPEC ITEM [--action N] --status S --note ...`), or
many from a CSV with the register's columns (`update --from updates.csv`): a panel secretary
exports the register, fills in the status, note, date, by and evidence of the rows that moved,
and applies it. Items are named as the register names them (`R1`, `AFI2`, `local` for the
letter's own actions); actions count from 1, as the letter's table rows do.

Nothing is half-applied: every spec's new text is made and checked in memory first, as `validate`
checks a spec (`pipeline.inspect`, given the text: a change that would make a spec invalid is
refused, naming where); only when
every one passes are they all written, atomically, each refused if it changed on disk since it
was read. Every spec goes through the round-trip writer, so comments, order and quoting stay.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jtai_letters.errors import Problem, SpecError, UsageError
from jtai_letters.files import write_atomic
from jtai_letters.pipeline.build import DEFAULTS, SPEC_SUFFIXES, Options
from jtai_letters.pipeline.inspect import inspect
from jtai_letters.spec.load import load_spec
from jtai_letters.spec.models import ResponseSpec, _status
from jtai_letters.spec.vocabulary import Status
from jtai_letters.spec.writer import SpecChanged, SpecDocument
from jtai_letters.tracking.register import LOCAL, STATUSES, Row, rows

LOCAL_NAMES = ("local", "local action", "local actions")
"""How `update` names the letter's own actions (the register's item type `local action`, no id)."""
RECORDABLE: tuple[str, ...] = typing.get_args(Status)
"""The statuses an update may record: the spec's own (the register's others, such as `not set`, are its words)."""
NEEDED = ("spec", "item_type", "item_id", "action_number", "status", "note", "last_update")
"""The register's columns a CSV of updates must keep (the others may stay or go)."""
_SUCCESSOR = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]{0,39}) of (.+)$")


@dataclass(frozen=True)
class Change:
    """One update to record: on which spec, item and action, and what it says."""

    spec: Path
    item: str  # as the register names it: R1, recommendation R1, local
    action: int | None  # from 1; None: the item's only action (or the item, when it has none)
    status: str
    note: str | None = None
    date: dt.date | None = None  # None: the day it is applied
    by: str | None = None
    evidence: str | None = None
    superseded_by: str | None = None  # "AFI3 of PEEL 2025-27", as the register writes it
    where: str = ""  # where it was asked for: the CSV's file and line, for messages


@dataclass
class Applied:
    """What `apply` wrote: each update, as a line of the report, and the specs' warnings after."""

    lines: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: int = 0  # rows of a CSV that say what the spec already says


def successor(text: str) -> dict[str, str]:
    """`AFI3 of PEEL 2025-27` -> {item: AFI3, report: PEEL 2025-27}; without ` of `, the report alone.

    >>> successor("AFI3 of PEEL 2025-27: Loamshire")
    {'report': 'PEEL 2025-27: Loamshire', 'item': 'AFI3'}
    >>> successor("Vetting thematic 2026")
    {'report': 'Vetting thematic 2026'}
    """
    text = text.strip()
    if found := _SUCCESSOR.match(text):
        return {"report": found.group(2).strip(), "item": found.group(1)}
    return {"report": text}


def recordable(status: str, where: str = "") -> str:
    """The status a spelling means, if an update may record it; else `UsageError` listing those it may."""
    value = _status(status)
    if value in RECORDABLE:
        return str(value)
    said = f"{where}: " if where else ""
    if value in STATUSES:
        raise UsageError(
            f"{said}'{status}' is the register's own word, not a status to record; choose from " + _listed()
        )
    raise UsageError(f"{said}unknown status '{status}'; choose from {_listed()}")


def _listed() -> str:
    return ", ".join(RECORDABLE) + " ('being progressed' means in progress)"


def target(spec: ResponseSpec, item: str, action: int | None, where: Path) -> Row:
    """The register row an update on `item` (and `action`, from 1) goes to; `SpecError` naming what exists."""
    every = list(rows(spec, dt.date.max))
    wanted = item.strip()
    lowered = wanted.lower()
    if lowered in LOCAL_NAMES:
        group = [r for r in every if r.item_type == LOCAL]
    else:
        group = [r for r in every if r.item_id == wanted or r.item_label.lower() == lowered]
        kinds = {r.item_type for r in group}
        if len(kinds) > 1:
            named = " or ".join(f"'{k} {wanted}'" for k in sorted(kinds))
            raise SpecError(Problem(f"'{wanted}' names more than one item: say {named}", where))
    if not group:
        items = list(dict.fromkeys(r.item_id or "local" for r in every))
        have = ", ".join(items) if items else "none: the spec promises nothing"
        raise SpecError(Problem(f"no item '{wanted}' in this spec; its items are {have}", where))
    actions = [r for r in group if r.action_number]
    name = group[0].item_label
    if action is None:
        if not actions:
            return group[0]  # an item answered without actions records its own progress
        if len(actions) == 1:
            return actions[0]
        raise SpecError(
            Problem(f"{name} has {len(actions)} actions: say which with --action ({_choices(actions)})", where)
        )
    chosen = [r for r in actions if r.action_number == action]
    if not chosen:
        if not actions:
            message = f"{name} has no actions: leave out --action to record progress on the item itself"
        else:
            message = f"{name} has no action {action}; its actions are {_choices(actions)}"
        raise SpecError(Problem(message, where))
    return chosen[0]


def _choices(actions: Sequence[Row]) -> str:
    return "; ".join(f"{r.action_number}: {_short(r.action)}" for r in actions)


def _short(text: str, most: int = 50) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _record(change: Change, today: dt.date) -> dict[str, Any]:
    record: dict[str, Any] = {"date": change.date or today, "status": change.status}
    for key, value in (("note", change.note), ("by", change.by), ("evidence", change.evidence)):
        if value:
            record[key] = value
    if change.superseded_by:
        record["superseded_by"] = successor(change.superseded_by)
    return record


def apply(changes: Iterable[Change], options: Options = DEFAULTS, *, today: dt.date | None = None) -> Applied:
    """Record every change, or none: `SpecError` listing every problem when one change fails."""
    day = today or dt.date.today()
    documents: dict[Path, SpecDocument] = {}
    models: dict[Path, ResponseSpec] = {}
    done = Applied()
    problems: list[Problem] = []
    for change in changes:
        path = change.spec
        try:
            if path not in documents:
                models[path] = _valid(path, options)
                documents[path] = SpecDocument.read(path)
            row = target(models[path], change.item, change.action, path)
        except SpecError as e:
            problems += [_at(p, change.where) for p in e.problems]
            continue
        documents[path].append((*row.loc, "updates"), _record(change, day))
        what = f"action {row.action_number}" if row.action_number else "the item"
        done.lines.append(f"{path}: {row.item_label}, {what}: {change.status} ({(change.date or day).isoformat()})")
    # Every new text checked before any is written, as validate checks it.
    staged: dict[Path, bytes] = {}
    for path, doc in documents.items():
        text = doc.text()
        problems += _new_errors(path, text, options, day)
        staged[path] = text.encode("utf-8")
    if problems:
        raise SpecError([*problems, Problem("nothing was written: fix these and run it again", None, rule="usage")])
    for path, doc in documents.items():
        if path.read_bytes() != doc.original.encode("utf-8"):
            raise SpecChanged(
                Problem("changed on disk while the updates were made (by an editor or git?): nothing was written", path)
            )
    write_atomic(staged)
    done.written = list(staged)
    for path in staged:  # the one checking path, as validate reports it
        done.warnings += inspect(path, options, as_of=day).warnings
    return done


def _at(problem: Problem, where: str) -> Problem:
    if not where:
        return problem
    return Problem(
        f"{problem.message} (asked at {where})",
        problem.path,
        problem.line,
        problem.column,
        problem.field,
        problem.rule,
        problem.kind,
        problem.strict,
    )


def _valid(path: Path, options: Options) -> ResponseSpec:
    if path.suffix.lower() not in SPEC_SUFFIXES or not path.is_file():
        raise SpecError(Problem("no such spec file (a .yaml or .yml file)", path, rule="usage"))
    return load_spec(path, options.profile, options.profiles).spec


def _errors(path: Path, options: Options, day: dt.date, text: str | None = None) -> list[Problem]:
    # The errors validate finds in the spec (in `text`, when given, as its contents): the one checking path.
    return inspect(path, options, as_of=day, text=text).errors


def _new_errors(path: Path, text: str, options: Options, day: dt.date) -> list[Problem]:
    """The errors `text` has that the spec on disk has not: those the updates would bring."""
    before = {(p.rule, p.field, p.message) for p in _errors(path, options, day)}
    return [
        Problem(f"{p.message} (not written)", p.path, p.line, p.column, p.field, p.rule)
        for p in _errors(path, options, day, text)
        if (p.rule, p.field, p.message) not in before
    ]


# -- a CSV of updates, in the register's columns ----------------------------------------------------


def from_csv(
    table: Path, options: Options = DEFAULTS, *, date: dt.date | None = None, root: Path | None = None
) -> tuple[list[Change], int]:
    """The changes a CSV of register rows asks for, and how many rows say what their spec already says.

    A row is a change when its status, note, by, evidence or superseded_by differ from the spec's
    latest; its `last_update`, when changed, is the update's date, else `date` (default: the day
    it is applied). Its spec must lie inside `root` (default: the working folder): a CSV names files
    to change, and may not reach outside it.
    """
    base = (root or Path.cwd()).resolve()
    try:
        text = table.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise UsageError(f"cannot read {table}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise SpecError(Problem("not UTF-8 text: save the spreadsheet as CSV UTF-8", table, rule="usage")) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in NEEDED if c not in (reader.fieldnames or ())]
    if missing:
        raise SpecError(
            Problem(
                f"missing the register's column{'s' * (len(missing) > 1)} {', '.join(missing)}: start from "
                "`jtai-letters register ... -o updates.csv` and keep its header row",
                table,
                1,
                rule="usage",
            )
        )
    changes: list[Change] = []
    unchanged = 0
    problems: list[Problem] = []
    current: dict[Path, list[Row]] = {}
    for line, record in enumerate(reader, 2):
        cell = {k: _unquoted(v or "") for k, v in record.items() if k}
        where = f"{table}:{line}"
        try:
            spec = _confined(cell["spec"], base, table, line)
            if spec not in current:
                current[spec] = list(rows(_valid(spec, options), dt.date.max))
            number = int(cell["action_number"]) if cell["action_number"].strip() else None
            item = "local" if cell["item_type"] == LOCAL else cell["item_id"]
            key = (cell["item_type"], cell["item_id"], number)
            row = next((r for r in current[spec] if (r.item_type, r.item_id, r.action_number) == key), None)
            if row is None:
                target(_valid(spec, options), item, number, spec)  # names what exists
                raise SpecError(Problem(f"no {cell['item_type']} {cell['item_id']} {number or ''} in it", spec))
            said = (
                str(_status(cell["status"])),
                cell["note"].strip(),
                cell.get("updated_by", row.updated_by).strip(),
                cell.get("evidence", row.evidence).strip(),
                cell.get("superseded_by", row.superseded_by).strip(),
            )
            if said == (row.status, row.note, row.updated_by, row.evidence, row.superseded_by):
                unchanged += 1
                continue
            when = _date(cell["last_update"], where)
            changes.append(
                Change(
                    spec,
                    item,
                    number,
                    recordable(said[0], where),
                    said[1] or None,
                    when if when and when != row.last_update else date,
                    said[2] or None,
                    said[3] or None,
                    said[4] or None,
                    where,
                )
            )
        except SpecError as e:
            problems += [_at(p, where) for p in e.problems]
        except UsageError as e:
            problems.append(Problem(str(e), table, line, rule="usage"))
        except ValueError:
            problems.append(
                Problem(f"action_number '{cell['action_number']}' is not a number", table, line, rule="usage")
            )
    if problems:
        raise SpecError([*problems, Problem("nothing was written: fix these and run it again", None, rule="usage")])
    return changes, unchanged


_FORMULA_QUOTED = re.compile(r"^'(?=[=+\-@\t\r])")


def _unquoted(value: str) -> str:
    # The register quotes a cell that a spreadsheet would run as a formula; read it back as written.
    return _FORMULA_QUOTED.sub("", value)


def _confined(value: str, base: Path, table: Path, line: int) -> Path:
    if not value.strip():
        raise SpecError(Problem("the spec column is empty: which spec is this row from?", table, line, rule="usage"))
    path = Path(value.strip())
    resolved = (path if path.is_absolute() else Path.cwd() / path).resolve()
    if not resolved.is_relative_to(base):
        raise SpecError(
            Problem(
                f"the spec '{value}' lies outside {base}: run update from the folder that holds the specs",
                table,
                line,
                rule="usage",
            )
        )
    return path


def _date(value: str, where: str) -> dt.date | None:
    """An ISO date, or the day/month/year a spreadsheet in the UK may turn it into; empty: None."""
    text = value.strip()
    if not text:
        return None
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise UsageError(f"{where}: last_update '{value}' is not a date (write 2026-03-31)")
