"""One vocabulary: item kinds, statuses, grades, block kinds, parts, report kinds, languages, formats and the
law's constants are spelled in `jtai_letters/spec/vocabulary.py` alone; every layer reads them from there."""

from __future__ import annotations

import ast
import datetime as dt
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from jtai_letters.checks import rules
from jtai_letters.faces.skeleton import skeleton
from jtai_letters.letter.layouts import Layout
from jtai_letters.letter.templates import DEFAULT_TEMPLATES
from jtai_letters.spec import vocabulary as v
from jtai_letters.spec.load import parse_spec
from jtai_letters.spec.models import Action, BodyBlock, Judgement, Office, Report, Response, Update
from jtai_letters.spec.schema import json_schema

from .helpers import ROOT, run

PACKAGE = ROOT / "jtai_letters"
VOCABULARY = PACKAGE / "spec" / "vocabulary.py"


def _words() -> set[str]:
    """Values that, spelled anywhere else, would be a second copy of the table."""
    kinds = {word for kind in v.ITEM_KINDS for word in (kind.field, kind.name)}
    statuses = set(v.ROW_STATUSES)
    return kinds | statuses | set(v.PEEL_GRADES) | (set(v.REPORT_KINDS) - {"other"}) | set(v.LETTER_LANGUAGES)


# Substrings that state the law's constants or a language tag.
_SPELLED_IN = re.compile(r"\b56\b|2 May 2017|\b(?:en|cy)-GB\b")

# Where a value is a name of something else that happens to be spelled the same: (file, value) -> why.
ALLOWED = {
    ("jtai_letters/spec/models.py", "recommendations"): "the field Concern.recommendations, in an example",
    # Concern.recommendations: the ids of the recommendations under a cause of concern (a field, not the kind).
    ("jtai_letters/checks/rules.py", "recommendations"): "the field Concern.recommendations",
    ("jtai_letters/checks/rules.py", "causes_of_concern"): "the `show: causes_of_concern` part",
}


def _constants(tree: ast.AST) -> Iterator[tuple[int, object]]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            yield node.lineno, node.value


def _python_spellings() -> Iterator[tuple[str, int, str]]:
    words = _words()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == VOCABULARY:
            continue
        name = str(path.relative_to(ROOT))
        for line, value in _constants(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(value, str) and (value in words or _SPELLED_IN.search(value)):
                if (name, value) not in ALLOWED:
                    yield name, line, value
            elif isinstance(value, int) and not isinstance(value, bool) and value == v.DEADLINE_DAYS:
                yield name, line, str(value)


ALLOWED_IN_TEMPLATES = {
    # The `shown` dispatch table of `_parts.html.j2`: a macro per part (its keys are checked against the table below).
    ("templates/_parts.html.j2", "causes_of_concern"): "the key of the part's macro",
}


def _template_spellings() -> Iterator[tuple[str, int, str]]:
    words = _words()
    env = Environment(extensions=["jinja2.ext.i18n"])
    for path in sorted(DEFAULT_TEMPLATES.rglob("*.j2")):
        name = str(path.relative_to(ROOT))
        tree = env.parse(path.read_text(encoding="utf-8"))
        for node in tree.find_all((nodes.Const, nodes.TemplateData)):
            value = node.value if isinstance(node, nodes.Const) else node.data
            spelled = isinstance(value, str) and (value in words or _SPELLED_IN.search(value))
            if spelled and (name, value) not in ALLOWED_IN_TEMPLATES:
                yield name, node.lineno, value


def test_no_module_but_the_vocabulary_spells_its_values() -> None:
    assert list(_python_spellings()) == []


def test_no_template_spells_the_vocabulary() -> None:
    assert list(_template_spellings()) == []


def test_the_spelling_check_finds_a_spelled_status(tmp_path: Path) -> None:
    # The check above cannot pass by finding nothing: the old if-chain of statuses is caught.
    tree = ast.parse("def status(s):\n    return s == 'in progress' or s == 'complete'\n")
    found = [value for _, value in _constants(tree) if value in _words()]
    assert found == ["in progress", "complete"]


def test_the_models_literals_are_the_tables() -> None:
    assert tuple(s.value for s in v.STATUS_TABLE if s.in_spec) == v.STATUSES
    assert typing.get_args(typing.get_args(Action.model_fields["status"].annotation)[0])[0] == v.Status
    assert Update.model_fields["status"].annotation == v.Status
    assert tuple(BodyBlock.model_fields) == v.BLOCK_KINDS
    assert typing.get_args(typing.get_args(BodyBlock.model_fields["show"].annotation)[0]) == v.SHOWN_PARTS
    assert typing.get_args(Report.model_fields["kind"].annotation) == v.REPORT_KINDS
    assert typing.get_args(Office.model_fields["language"].annotation) == v.LETTER_LANGUAGES
    assert tuple(kind.field for kind in v.ITEM_KINDS) == v.ITEM_FIELDS
    assert all(f in Report.model_fields and f in Response.model_fields for f in v.ITEM_FIELDS)
    assert tuple(v.GRADE_LABELS) == v.PEEL_GRADES
    assert set(v.WORDS.status_labels) == set(v.STATUSES)  # every status a spec gives has a label to print


def test_the_templates_dispatch_tables_cover_every_block_kind_and_part() -> None:
    # `_parts.html.j2` calls a macro per kind of block and per part a body shows: one for each, no more.
    tree = Environment(extensions=["jinja2.ext.i18n"]).parse((DEFAULT_TEMPLATES / "_parts.html.j2").read_text())
    tables = {
        assign.target.name: [pair.key.value for pair in assign.node.items]
        for assign in tree.find_all(nodes.Assign)
        if isinstance(assign.target, nodes.Name) and isinstance(assign.node, nodes.Dict)
    }
    assert tuple(tables["blocks"]) == v.BLOCK_KINDS
    assert tuple(tables["shown"]) == v.SHOWN_PARTS
    assert tuple(rules._SHOWN_PARTS) == v.SHOWN_PARTS


def test_a_status_is_accepted_in_any_spelling_the_vocabulary_allows() -> None:
    for spelled, status in (
        ("In_Progress", "in progress"),
        ("in-progress", "in progress"),
        (" COMPLETE ", "complete"),
        ("Being progressed", "in progress"),  # HMICFRS's word
        ("Pending sign off", "pending sign-off"),
        ("pending_sign-off", "pending sign-off"),
        ("Awaiting Review", "awaiting review"),
        ("N/A", "not applicable"),
    ):
        assert Action(text="Train the staff.", status=spelled).status == status  # type: ignore[arg-type]
    schema = json_schema()["$defs"]["Action"]["properties"]["status"]["anyOf"][0]
    assert schema["description"] == (
        "planned, awaiting allocation, in progress, ongoing, pending sign-off, awaiting review, complete, "
        "superseded or not applicable (case, hyphens and underscores do not matter)"
    )
    # The canonical words, for editors to offer (the form's select), beside the pattern every spelling matches.
    canonical, spelled = schema["anyOf"]
    assert canonical == {"type": "string", "enum": list(v.STATUSES)}
    assert json_schema()["$defs"]["Update"]["properties"]["status"]["anyOf"] == schema["anyOf"]
    for status in v.STATUSES:
        assert re.match(spelled["pattern"], status.upper().replace(" ", "_"))
    for alias in ("being progressed", "Pending Sign Off", "completed"):
        assert re.match(spelled["pattern"], alias)
    assert not re.match(spelled["pattern"], "finished")


def test_the_law_is_stated_once() -> None:
    assert rules.DEADLINE_DAYS == v.DEADLINE_DAYS == 56
    assert rules.S55_5A_COMMENCEMENT == v.S55_5A_COMMENCEMENT == dt.date(2017, 5, 2)
    assert rules.publication_deadline(dt.date(2020, 2, 4)) == dt.date(2020, 3, 30)
    assert rules.RULES["s55-deadline"].what.startswith("response dated after the last day: publication + 55 days")
    assert "none for reports published before 2 May 2017" in rules.RULES["s55-deadline"].what
    assert "day one of the 56 days" in Report.model_fields["published"].description  # type: ignore[operator]
    assert "for PEEL one of outstanding, good, adequate, requires improvement, inadequate;" in str(
        Judgement.model_fields["grade"].description
    )


def test_new_writes_the_vocabulary_in_its_comments() -> None:
    text = skeleton(Layout("letter"), published=dt.date(2025, 1, 1))
    assert "  kind: force-specific   # jtai, peel, national-thematic, force-specific or other\n" in text
    assert (
        "# status: planned   # planned, awaiting allocation, in progress, ongoing, pending sign-off, awaiting review, "
        "complete, superseded or not applicable\n"
    ) in text
    assert "(s55: 56 days)" in text and "# day one of the 56 days allowed for the response" in text
    body = skeleton(Layout("letter"), published=dt.date(2025, 1, 1), body=True)
    assert "# also: judgements, causes_of_concern, monitoring, report_link, report_summary, local_actions\n" in body
    # still a spec the schema accepts, once given the date it leaves open
    parse_spec(text.replace("  date: TODO", "  date: 2025-02-20"), Path("new.yaml"))


def test_the_format_help_and_choices_come_from_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run("render", "--help")
    out = capsys.readouterr().out
    assert f"{','.join(v.FORMATS)} (default: {','.join(v.DEFAULT_FORMATS)})" in " ".join(out.split())
    code, _, err = run("render", "x.yaml", "--format", "odt")
    assert code == 2 and "choose from docx, pdf, html (comma-separated), not 'odt'" in err


def test_the_progress_chart_colours_each_status_from_the_table(tmp_path: Path) -> None:
    from jtai_letters.tracking import progress, register

    made = register.read(sorted((ROOT / "responses").glob("*.yaml")), dt.date(2026, 6, 1))
    html = progress.render(made).html
    assert '<html lang="en-GB">' in html
    shown = [s for s in v.STATUS_TABLE if f"<td>{s.value.capitalize()}</td>" in html or s.value in html]
    assert shown
    for status in shown:
        assert f'fill="{status.colour}"' in html
