"""What each layout needs from a spec and what it never prints, as the templates folder declares it.

`layouts.yaml` beside the templates holds one entry per layout:

    narrative:
      description: a summary of the report, then the commissioner's narrative response
      requires:
        report.summary: it opens with a summary of the report
      ignores: [response.report_link_text]

`validate`, `new`, `layouts` and the renderer all read these declarations, so a
spec that validates renders. An office's folder may carry its own `layouts.yaml`:
its entries are added to ours, and replace ours for a layout both declare. A
layout with no entry (an office's own template, say) has no requirements and
takes its description from its template's first line, `{# layout: ... #}`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jtai_letters.errors import Problem, TemplateError
from jtai_letters.letter.folders import find, search_path
from jtai_letters.letter.templates import DEFAULT_TEMPLATES, layouts
from jtai_letters.spec.fields import inner_model
from jtai_letters.spec.load import LoadedSpec, Loc, SourceMap, parse_yaml, read_text
from jtai_letters.spec.models import ResponseSpec
from jtai_letters.spec.yamltree import Map

DECLARATIONS = "layouts.yaml"
# Written down for reviewers and the register, never printed by any layout: setting them is never a mistake.
KEPT_FOR_RECORD = ("report.series", "report.areas_inspected", "report.inspection_period")
_KEYS = ("description", "requires", "ignores")
# What a layout prints around `response.body`: with a body, the officer places the rest, so a
# layout's requirements on content (a report summary to open with) lapse, and these remain.
FURNITURE = ("response.sign_off",)
# Fields a body prints wherever it places them (`show: report_link`, `show: report_summary`), whatever
# the layout does without one.
BODY_PLACES = ("report.url", "response.report_link_text", "report.summary")


@dataclass(frozen=True)
class Layout:
    """One layout's declaration: when to use it, the fields it needs (with why) and those it never prints."""

    name: str
    description: str = ""
    requires: tuple[tuple[str, str], ...] = ()  # (field path, why the layout needs it)
    ignores: tuple[str, ...] = ()


def available(templates_dir: Path = DEFAULT_TEMPLATES) -> dict[str, Layout]:
    """Every layout in `templates_dir` (one per template), with its declaration."""
    declared = _declarations(templates_dir)
    return {
        name: declared.get(name) or Layout(name, description) for name, description in layouts(templates_dir).items()
    }


def declaration(templates_dir: Path, name: str) -> Layout:
    """The declaration of layout `name`; an empty one when the folder does not declare it."""
    return _declarations(templates_dir).get(name) or Layout(name)


def problems(loaded: LoadedSpec, templates_dir: Path = DEFAULT_TEMPLATES) -> list[Problem]:
    """The spec's problems with its layout: unknown, a required field missing (errors), an ignored one set."""
    spec, src = loaded.spec, loaded.source
    template = find(templates_dir, f"{spec.layout}.html.j2")  # a stat or two, not a read of every template
    if template is not None and not template.is_file():  # a FIFO is not the layout it is named for
        message = f"layout '{spec.layout}': {template} is not a template file (a folder, device or FIFO)"
        return [src.problem(("layout",), message, rule="layout")]
    if template is None:
        names = ", ".join(layouts(templates_dir)) or "none"
        return [src.problem(("layout",), f"unknown layout '{spec.layout}'; available: {names}", rule="layout")]
    layout = declaration(templates_dir, spec.layout)
    found = []
    for path, why in layout.requires:
        loc = _loc(path)
        if spec.response.body is not None and path not in FURNITURE:
            continue
        if _empty(_value(spec, loc)):
            reason = f": {why}" if why else ""
            message = f"the {layout.name} layout needs {path}{reason}; add it, or choose another layout"
            # placed at the parent's key, as the schema's "required field is missing" is
            found.append(src.problem(loc, message, rule="layout-requires", key=True, at=loc[:-1]))
    for path in layout.ignores:
        loc = _loc(path)
        if spec.response.body is not None and path in BODY_PLACES:
            continue
        if path not in KEPT_FOR_RECORD and _written(src, loc) and not _required(loc):
            message = f"the {layout.name} layout does not print {path}; remove it, or choose a layout that prints it"
            found.append(src.problem(loc, message, rule="layout-field"))
    return found


def _loc(path: str) -> Loc:
    return tuple(path.split("."))


def _value(spec: ResponseSpec, loc: Loc) -> Any:
    value: Any = spec
    for part in loc:
        value = getattr(value, str(part), None)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _written(src: SourceMap, loc: Loc) -> bool:
    """Whether the spec file itself gives `loc` (not its office profile, which serves every layout)."""
    node = src.root
    for part in loc:
        if not isinstance(node, Map) or part not in node.own:
            return False
        node = node[part]
    return not _empty(node)


def _required(loc: Loc) -> bool:
    # A field the schema requires cannot be left out, so it is never worth a warning.
    info = _field(loc)
    return info is not None and info.is_required()


def _field(loc: Loc) -> Any:
    """The pydantic FieldInfo at `loc` in the spec model, or None if there is no such field."""
    model: Any = ResponseSpec
    info = None
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return None
        info = model.model_fields[str(part)]
        model = inner_model(info.annotation)
    return info


def _declarations(templates_dir: Path) -> dict[str, Layout]:
    # Ours first, then the office's: an entry of its own replaces ours for that layout.
    found: dict[str, Layout] = {}
    for folder in reversed(search_path(templates_dir)):
        path = folder / DECLARATIONS
        try:
            stat = path.stat()
        except OSError:
            continue
        # Like every other file of the folder: never read through a link leading out of it.
        if not path.resolve().is_relative_to(folder.resolve()):
            message = f"refused to read {DECLARATIONS}: it is a link to a file outside the templates folder {folder}"
            raise TemplateError(Problem(message, path, rule="layout"))
        found.update(_read(path, stat.st_mtime_ns, stat.st_size))
    return found


@lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int, size: int) -> dict[str, Layout]:
    # Read once per change of the file, not once per letter.
    root = parse_yaml(read_text(path), path)
    src = SourceMap(path, root)
    if not isinstance(root, Map):
        raise TemplateError(Problem("expected one entry per layout (name: its declaration)", path, 1, rule="layout"))
    found: dict[str, Layout] = {}
    errors: list[Problem] = []
    for name, entry in root.items():
        errors += _entry_problems(src, name, entry)
        if isinstance(entry, Map):
            requires = entry.get("requires") or {}
            pairs = requires.items() if isinstance(requires, dict) else ((p, "") for p in requires)
            found[name] = Layout(
                name,
                str(entry.get("description", "")),
                tuple((str(p), str(why or "")) for p, why in pairs),
                tuple(str(p) for p in entry.get("ignores") or ()),
            )
    if errors:
        raise TemplateError(errors)
    return found


def _entry_problems(src: SourceMap, name: str, entry: Any) -> Iterator[Problem]:
    def bad(loc: Loc, message: str) -> Problem:
        return src.problem(loc, message, rule="layout")

    if not isinstance(entry, Map):
        yield bad((name,), "expected a mapping with description, requires and ignores")
        return
    for key in entry:
        if key not in _KEYS:
            yield bad((name, key), f"unknown key '{key}'; allowed here: {', '.join(_KEYS)}")
    if not isinstance(entry.get("description", ""), str):
        yield bad((name, "description"), "expected one line of text")
    for key in ("requires", "ignores"):
        paths = entry.get(key) or []
        if not isinstance(paths, list | dict):
            yield bad((name, key), "expected a list of field paths like response.sign_off")
            continue
        for path in paths:
            if not isinstance(path, str) or _field(_loc(path)) is None:
                yield bad((name, key), f"'{path}' is not a field of a spec (like response.sign_off)")


def describe(templates_dir: Path = DEFAULT_TEMPLATES) -> Iterator[str]:
    """One line per layout for `jtai-letters layouts`: name, description, and what it needs."""
    for layout in available(templates_dir).values():
        needs = f" (needs {', '.join(p for p, _ in layout.requires)})" if layout.requires else ""
        yield f"{layout.name:<12} {layout.description}{needs}"
