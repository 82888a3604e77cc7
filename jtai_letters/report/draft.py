"""`jtai-letters draft`: a report read -> the YAML of a draft spec, with a TODO for every answer.

The spec is written as an officer reads it: comments saying where each value came from,
the report's words in literal blocks (`|-`) exactly as they stand, the s55 deadline in a
comment, `TODO` wherever the report does not say. The text is checked before it is
returned: it must parse back to exactly the words read, and the schema must accept every
value but the TODOs, so `validate` lists those and nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from jtai_letters.errors import JtaiError, Problem
from jtai_letters.files import write_atomic
from jtai_letters.letter import layouts
from jtai_letters.letter.assets import read_regular
from jtai_letters.letter.templates import DEFAULT_TEMPLATES
from jtai_letters.report.html import MAX_HTML_BYTES, NotReadable, read_html
from jtai_letters.report.items import Document, Found, Reading, read_items
from jtai_letters.spec.deadline import publication_deadline
from jtai_letters.spec.load import parse_yaml, read_text
from jtai_letters.spec.vocabulary import DEADLINE_DAYS, FORCE_IN_TITLE, FORCE_SPECIFIC, ITEM_KINDS, REPORT_KIND_CLUES

MAX_PDF_BYTES = 100 * 1024 * 1024
HMICFRS = "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"
HOME_SECRETARY = "The Home Secretary"


class DraftError(JtaiError):
    """The report cannot be read, or the draft cannot be written; nothing was written."""


@dataclass
class Draft:
    """A draft spec: its YAML text, and what was read to make it."""

    text: str
    document: Document
    reading: Reading
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # fields left TODO, and why

    def summary(self) -> list[str]:
        """What was read, for the officer: counts, grades, and every part to check by hand."""
        r = self.reading
        counts = [_count(len(r.by_kind[kind.field]), kind.name, kind.field.replace("_", " ")) for kind in ITEM_KINDS]
        counts.append(_count(len(r.judgements), "graded judgement"))
        lines = [f"{self.document.source}: read {', '.join(counts)}"]
        lines += [f"  {area}: {grade}" for area, grade in r.judgements]
        if self.document.notes:
            lines.append(f"  set aside: {'; '.join(self.document.notes)}")
        to_check = [*r.unplaced, *self.notes]
        if to_check:
            lines.append(f"check by hand ({len(to_check)}):")
            lines += [f"  {self.document.source}: {note}" for note in to_check]
        return lines


def read_report(path: Path) -> Document:
    """The report in the saved web page or PDF at `path`; `DraftError` saying why not."""
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise DraftError(Problem("expected a saved web page (.html, .htm) or a PDF (.pdf) of the report", path))
    try:
        data = read_regular(path, MAX_PDF_BYTES if suffix == ".pdf" else MAX_HTML_BYTES, "a report")
    except FileNotFoundError:
        raise DraftError(Problem("no such file", path)) from None
    except IsADirectoryError:
        raise DraftError(Problem("is a folder, not a report", path)) from None
    except ValueError as e:
        raise DraftError(Problem(str(e), path)) from None
    except OSError as e:
        raise DraftError(Problem(f"cannot be read: {e.strerror}", path)) from None
    is_pdf = data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]
    try:
        if suffix == ".pdf" or is_pdf:
            if not is_pdf:
                raise NotReadable("is named .pdf but is not a PDF")
            from jtai_letters.report.pdf import read_pdf  # pypdf is imported only for PDFs

            return read_pdf(path, data)
        return read_html(path, data)
    except NotReadable as e:
        raise DraftError(Problem(str(e), path)) from None


def draft(
    report: Path,
    *,
    profile: Path | None = None,
    layout: str = "letter",
    spec_path: Path | None = None,
    templates_dir: Path = DEFAULT_TEMPLATES,
) -> Draft:
    """The draft spec for the report at `report`; `spec_path` is where it will be saved (the
    profile is named relative to it), `None` for the current folder."""
    started = time.monotonic()
    available = layouts.available(templates_dir)
    if layout not in available:
        raise DraftError(Problem(f"unknown layout '{layout}'; choose from {', '.join(available)}"))
    office = _profile(profile) if profile else {}
    doc = read_report(report)
    reading = read_items(doc.blocks, doc.published)
    if not _is_hmicfrs(doc) and not reading.items and not reading.judgements:
        raise DraftError(
            Problem(
                "does not look like an HMICFRS report: it never names the inspectorate, and has no recommendations, "
                "areas for improvement, causes of concern or graded judgements; save the report's own page or PDF",
                report,
            )
        )
    made = Draft("", doc, reading)
    made.text = _spec_text(made, office, profile, available[layout], spec_path)
    _check_round_trip(made, report)
    made.seconds = time.monotonic() - started
    return made


def _is_hmicfrs(doc: Document) -> bool:
    return bool(
        re.search(r"HMICFRS|\bHMIC\b|Inspectorate of Constabulary|justiceinspectorates", doc.text)
        or (doc.url and "justiceinspectorates" in doc.url)
    )


def _profile(path: Path) -> dict[str, object]:
    root = parse_yaml(read_text(path), path)
    if not isinstance(root, dict):
        raise DraftError(Problem("expected a mapping of office fields in the profile", path, 1, rule="profile"))
    return dict(root)


# -- the spec's text ------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'’()&/–-]*")
_YAML_WORDS = re.compile(
    r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)"
)


def _q(value: str) -> str:
    """`value` as a YAML scalar: plain where that is safe and reads well, else double-quoted."""
    if _PLAIN.fullmatch(value) and not _YAML_WORDS.fullmatch(value) and value == value.strip() and " #" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _block(value: str, indent: str) -> str:
    """`value` as a literal block (`|-`) at `indent`, or double-quoted where a block would change it."""
    lines = value.split("\n")
    literal = (
        value
        and value == value.strip()
        and all(line == line.rstrip() and line.isprintable() for line in lines)
        and "\t" not in value
        and not lines[0].startswith(" ")
    )
    if not literal:
        return json.dumps(value, ensure_ascii=False)
    return "|-\n" + "\n".join(f"{indent}{line}" if line else "" for line in lines)


def _comment(text: str) -> str:
    return " ".join(text.split()).replace("\n", " ")


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


_KINDS = tuple((kind, re.compile(clue, re.I)) for kind, clue in REPORT_KIND_CLUES.items())
_FORCE = re.compile(FORCE_IN_TITLE)


def _kind(doc: Document) -> tuple[str | None, str]:
    where = f"{doc.title or ''} {doc.url or ''} {doc.text[:3000]}"
    for kind, pattern in _KINDS:
        if m := pattern.search(where):
            return kind, f"the report says '{m.group(0)}'"
    if doc.title and _FORCE.search(doc.title):
        return FORCE_SPECIFIC, "the title names one force"
    if doc.url and "/publication-html/" in doc.url:
        return None, "a publication page: national-thematic, force-specific or other"
    return None, "jtai, peel, national-thematic, force-specific or other"


def _inspectorates(doc: Document) -> list[str]:
    found = []
    for name, pattern in (
        ("HMICFRS", r"HMICFRS|Inspectorate of Constabulary and Fire|\bHMIC\b|Inspectorate of Constabulary"),
        ("Ofsted", r"\bOfsted\b"),
        ("Care Quality Commission", r"Care Quality Commission|\bCQC\b"),
        ("HM Inspectorate of Probation", r"Inspectorate of Probation"),
        ("HM Crown Prosecution Service Inspectorate", r"Crown Prosecution Service Inspectorate|\bHMCPSI\b"),
        ("HM Inspectorate of Prisons", r"Inspectorate of Prisons"),
    ):
        # Named on the title page or the report's own words, not in a passing mention: the first 3,000 characters
        if re.search(pattern, doc.text[:3000]):
            found.append(name)
    return found


def _spec_text(
    made: Draft, office: dict[str, object], profile: Path | None, layout: layouts.Layout, spec_path: Path | None
) -> str:
    doc, r = made.document, made.reading
    out: list[str] = []
    add = out.append
    add("# yaml-language-server: $schema=response-spec.schema.json")
    add(f"# A draft response made by `jtai-letters draft` from {_comment(doc.source.name)}.")
    add("# The report's items are copied word for word; check them against the report, answer each one,")
    add("# replace every TODO, then:  jtai-letters validate THIS-FILE.yaml")
    add("schema_version: 1")
    add(f"layout: {layout.name}")
    add("")
    add("office:")
    area, commissioner, role = (_text(office, key) for key in ("area", "commissioner", "role"))
    if profile is not None:
        base = (spec_path or Path("spec.yaml")).resolve().parent
        relative = Path(os.path.relpath(profile.resolve(), base)).as_posix()
        plain = re.fullmatch(r"[A-Za-z0-9._/-]*[A-Za-z_/][A-Za-z0-9._/-]*", relative)
        add(f"  profile: {relative if plain else _q(relative)}")
        if not profile.resolve().is_relative_to(base.parent):
            made.notes.append(
                "the profile is outside the folders a spec names profiles in: "
                f"validate and render with --profile {profile}"
            )
    else:
        add('  name: "TODO: the office\'s name"')
        add('  commissioner: "TODO: the commissioner\'s full name"')
        add("  role: Police and Crime Commissioner")
        add('  area: "TODO: the police area"')
    add("")

    add("report:")
    if doc.title:
        add(f"  title: {_q(doc.title)}")
    else:
        add('  title: "TODO: the report\'s title"   # none found on its first page or in its metadata')
        made.notes.append("no title found: report.title is TODO")
    kind, why = _kind(doc)
    if kind:
        add(f"  kind: {kind}   # {_comment(why)}")
    else:
        add(f"  kind: TODO   # {_comment(why)}")
        made.notes.append("the kind of report is not stated: report.kind is TODO")
    names = _inspectorates(doc)
    if names:
        add(f"  inspectorates: [{', '.join(_q(n) for n in names)}]")
    else:
        add('  inspectorates: ["TODO: the inspectorate"]   # none named on its first page')
    if doc.published:
        add(f"  published: {doc.published.isoformat()}   # from {_comment(doc.published_from)}")
    else:
        add("  published: TODO   # no publication date found: the s55 deadline counts from it")
        made.notes.append("no publication date found: report.published is TODO, and relative due dates are left out")
    if doc.url:
        add(f"  url: {_q(doc.url)}   # the page's own address")
    else:
        add("  url: TODO   # where the report is published (the saved file does not say)")
    forces = [m.group(1) for m in [_FORCE.search(doc.title or "")] if m]
    if forces:
        add(f"  areas_inspected: [{', '.join(_q(f) for f in forces)}]")
    inspected = _force_inspected(doc, kind, forces, area)
    add(f"  force_inspected: {inspected[0]}   # {_comment(inspected[1])}")
    if "report.summary" in dict(layout.requires):
        add("  summary:")
        add('    - "TODO: a paragraph summarising the report"')
    if r.judgements:
        add("  judgements:")
        for j_area, grade in r.judgements:
            add(f"    - area: {_q(j_area)}")
            add(f"      grade: {_q(grade)}")
    for key, items in ((kind.field, r.by_kind[kind.field]) for kind in ITEM_KINDS):
        if not items:
            add(f"  {key}: []   # none found")
            continue
        add(f"  {key}:")
        for item in items:
            out.extend(_item_lines(item))
    add("")

    add("response:")
    if doc.published and (deadline := publication_deadline(doc.published)):
        counted = f"{DEADLINE_DAYS} days counted from publication on {_day(doc.published)}"
        add(f"  # s55: publish the response by {_day(deadline)}, {counted}")
    elif doc.published:
        before = f"before the {DEADLINE_DAYS}-day deadline came into force: none applies"
        add(f"  # s55: published on {_day(doc.published)}, {before}")
    else:
        add(f"  # s55: the response is due within {DEADLINE_DAYS} days of publication (the date was not found)")
    add("  date: TODO   # the date of this response")
    add("  opening:")
    add('    - "TODO: your opening paragraph"')
    for key, items in ((kind.field, r.by_kind[kind.field]) for kind in ITEM_KINDS):
        if items:
            add(f"  {key}:")
            for item in items:
                add(f"    - id: {item.id}")
                add("      response: TODO")
    add("  chief_constable:")
    add("    comments:")
    add('      - "TODO: the chief constable\'s comments"')
    add("    reply:")
    add('      - "TODO: your reply to the chief constable\'s comments (s55(5A))"')
    if "response.sign_off" in dict(layout.requires):
        add("  sign_off:")
        add("    closing: Yours sincerely")
        add(f"    name: {_q(commissioner) if commissioner else _q('TODO: who signs')}")
        add(f"    role: {_q(role) if role else 'Police and Crime Commissioner'}")
        if area:
            add(f"    area: {_q(area)}")
    add("  copies:   # s55(6): the published response goes to the inspectors and the Secretary of State")
    add(f"    - {_q(HMICFRS)}")
    add(f"    - {HOME_SECRETARY}")
    return "\n".join(out) + "\n"


def _text(office: dict[str, object], key: str) -> str | None:
    value = office.get(key)
    return value if isinstance(value, str) else None  # a bilingual value ({en: ..., cy: ...}) is not used


def _force_inspected(doc: Document, kind: str | None, forces: list[str], area: str | None) -> tuple[str, str]:
    if area is None:
        return "TODO", "whether this office's force was inspected: give --profile to tell"
    named = [f for f in forces if area.lower() in f.lower()]
    if named:
        return "true", f"the report inspects {named[0]}"
    if forces:
        return "false", f"the report inspects {forces[0]}, not {area}'s force"
    if area.lower() in doc.text.lower():
        return "TODO", f"{area} is named in the report: say whether its force was one of those inspected"
    return "TODO", f"{area} is not named in the report: was its force inspected?"


def _item_lines(item: Found) -> list[str]:
    lines = [f"    - id: {item.id}"]
    if item.area:
        lines.append(f"      area: {_q(item.area)}")
    if item.where:
        lines[0] += f"   # {item.where}"
    lines.append(f"      text: {_block(item.text, '        ')}")
    if item.addressed_to:
        lines.append(f"      addressed_to: {item.addressed_to}")
    elif item.addressed_note:
        lines.append(f"      # addressed_to: TODO, {_comment(item.addressed_note)}")
    if item.due and item.due.value:
        lines.append(f"      due: {item.due.value}   # '{_comment(item.due.phrase)}': {item.due.how}")
    elif item.due:
        lines.append(f"      # due: '{_comment(item.due.phrase)}', {item.due.how}")
    if item.recommendations:
        lines.append(f"      recommendations: [{', '.join(item.recommendations)}]")
    return lines


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _check_round_trip(made: Draft, report: Path) -> None:
    """The draft's items parse back to exactly the words read: a fault here is ours, never the officer's."""
    try:
        tree = yaml.safe_load(made.text)
    except yaml.YAMLError as e:  # pragma: no cover - a defect in the writer above
        raise DraftError(Problem(f"the draft spec did not parse back ({e}); please report this", report)) from None
    for key, items in ((kind.field, made.reading.by_kind[kind.field]) for kind in ITEM_KINDS):
        written = [(i["id"], i["text"]) for i in tree["report"][key] or []]
        if written != [(i.id, i.text) for i in items]:  # pragma: no cover - a defect in the writer above
            raise DraftError(Problem(f"the draft's {key} did not parse back word for word; please report this", report))


def save(text: str, path: Path, *, force: bool = False) -> None:
    """Write the draft to `path` at once (`files.write_atomic`), never over a file without `force`."""
    if os.path.isdir(path):
        raise DraftError(Problem("is a folder; name the spec file to write", path))
    if os.path.lexists(path) and not force:
        raise DraftError(Problem("already exists; choose another name, or give --force to replace it", path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DraftError(Problem(f"cannot be written: no folder {folder}", path))
    write_atomic({path: text.encode("utf-8")})
