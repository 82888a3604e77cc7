"""validate says what render will do: every problem at once, every action walked, every rule registered."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
import tracemalloc
import typing
from pathlib import Path

import pytest

from jtai_letters.checks import rules
from jtai_letters.checks.registry import RuleId
from jtai_letters.checks.rules import RULES, placeholder, rule_table
from jtai_letters.errors import JtaiError
from jtai_letters.faces import skeleton
from jtai_letters.letter import layouts
from jtai_letters.pipeline import build as pipeline
from jtai_letters.pipeline.inspect import inspect
from jtai_letters.spec import yamltree

from .helpers import ROOT, run

TESTS = Path(__file__).resolve().parent
MINIMAL = TESTS / "minimal.yaml"


def write(folder: Path, text: str, name: str = "spec.yaml") -> Path:
    spec = folder / name
    spec.write_text(text, encoding="utf-8")
    return spec


# -- 1. errors and warnings together -------------------------------------------------------------


def test_a_late_response_holding_a_tbc_shows_both(tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("date: 2025-10-30", "date: 2026-01-30")
    spec = write(tmp_path, text.replace("We welcome the report.", "We welcome the report (date TBC)."))
    code, out, _ = run("validate", spec)
    assert code == 1
    assert out.splitlines() == [
        f"{spec}:22:7: response.context[0]: unfinished: 'TBC' is a placeholder; replace it with the real text",
        f"{spec}:20:9: warning: response.date: the response is dated 79 days after the s55 deadline of "
        "12 November 2025 (56 days beginning with publication on 18 September 2025)",
        f"{spec}: invalid (1 warning)",
    ]
    code, out, _ = run("validate", "--format", "json", spec)
    [report] = json.loads(out)
    assert [e["rule"] for e in report["errors"]] == ["placeholder"]
    assert [w["rule"] for w in report["warnings"]] == ["s55-deadline"]


def test_strict_turns_the_warnings_into_errors_in_one_place(tmp_path: Path) -> None:
    spec = write(tmp_path, MINIMAL.read_text().replace("date: 2025-10-30", "date: 2026-01-30"))
    lenient = inspect(spec, until="check")
    strict = inspect(spec, strict=True, until="check")
    assert ([p.rule for p in lenient.errors], [p.rule for p in lenient.warnings]) == ([], ["s55-deadline"])
    assert ([p.rule for p in strict.errors], strict.warnings) == (["s55-deadline"], [])
    assert run("validate", "--strict", spec)[0] == 1


# -- 2. layouts declare what they need -------------------------------------------------------------


def test_a_layout_requirement_is_an_error_validate_reports_where_render_would_fail(tmp_path: Path) -> None:
    spec = write(tmp_path, MINIMAL.read_text().replace("layout: statement", "layout: narrative"))
    code, out, _ = run("validate", spec)
    assert code == 1
    assert out.splitlines()[:2] == [
        f"{spec}:9:1: report.summary: the narrative layout needs report.summary: it opens with a summary of the "
        "report; add it, or choose another layout",
        f"{spec}:19:1: response.sign_off: the narrative layout needs response.sign_off: it ends with a signature "
        "(name, role and area); add it, or choose another layout",
    ]
    code, _, err = run("render", spec, "-o", tmp_path / "out")
    assert code == 1
    assert err.splitlines() == out.splitlines()[:2]


def test_a_field_the_layout_never_prints_is_a_located_warning(tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("  area: Loamshire\n", "  area: Loamshire\n  website: https://www.x.example\n")
    spec = write(
        tmp_path,
        text.replace(
            "  recommendations:\n    - id: R1\n      text",
            "  series: JTAI\n  recommendations:\n    - id: R1\n      text",
            1,
        ),
    )
    code, out, _ = run("validate", "--format", "json", spec)
    [report] = json.loads(out)
    assert code == 0
    assert [(w["rule"], w["loc"], w["line"], w["message"]) for w in report["warnings"]] == [
        (
            "layout-field",
            "office.website",
            9,
            "the statement layout does not print office.website; remove it, or choose a layout that prints it",
        )
    ]  # report.url is required by the schema and report.series is kept for the record: no warning


def test_an_office_layout_without_a_declaration_takes_its_description_and_needs_nothing(tmp_path: Path) -> None:
    (tmp_path / "memo.html.j2").write_text("{# layout: a short memo #}\n<p>{{ report.title }}</p>\n")
    listed = run("layouts", "--templates", tmp_path)[1].splitlines()
    assert "memo         a short memo" in listed  # beside ours, which stand behind the office's folder
    assert [line.split()[0] for line in listed] == ["letter", "memo", "narrative", "statement"]
    assert layouts.declaration(tmp_path, "memo") == layouts.Layout("memo")


def test_an_office_declaration_is_read_and_its_mistakes_located(tmp_path: Path) -> None:
    (tmp_path / "memo.html.j2").write_text("{# layout: from the template #}\n<p>{{ report.title }}</p>\n")
    (tmp_path / "layouts.yaml").write_text("memo:\n  description: a memo\n  requires: [response.sign_of]\n")
    code, _, err = run("layouts", "--templates", tmp_path)
    assert code == 1
    assert err == (
        f"{tmp_path / 'layouts.yaml'}:3:13: memo.requires: 'response.sign_of' is not a field of a spec "
        "(like response.sign_off)\n"
    )
    (tmp_path / "layouts.yaml").write_text("memo:\n  description: a memo\n  requires: [response.sign_off]\n")
    assert "memo         a memo (needs response.sign_off)" in run("layouts", "--templates", tmp_path)[1].splitlines()


def test_a_template_failure_is_found_by_validate(tmp_path: Path) -> None:
    (tmp_path / "memo.html.j2").write_text("{# layout: broken #}\n<p>{{ report.no_such_field }}</p>\n")
    spec = write(tmp_path, MINIMAL.read_text().replace("layout: statement", "layout: memo"))
    code, out, _ = run("validate", "--format", "json", "--templates", tmp_path, spec)
    [report] = json.loads(out)
    assert code == 1
    assert [(e["rule"], e["file"], e["line"]) for e in report["errors"]] == [
        ("template", str(tmp_path / "memo.html.j2"), 2)
    ]


def _every_spec() -> list[Path]:
    found = [*sorted((ROOT / "responses").glob("*.yaml")), *sorted(TESTS.rglob("*.yaml"))]
    return [p for p in found if p.name != "layouts.yaml"]  # a templates folder's declarations, not a spec


def test_validate_and_render_agree_on_every_spec_in_the_project(tmp_path: Path) -> None:
    # Word only: it walks the same HTML as the PDF, and refuses what it cannot set out.
    options = pipeline.Options(formats=("docx",))
    disagree = []
    for spec in _every_spec():
        valid = pipeline.validate(spec).valid
        try:
            pipeline.build(spec, tmp_path, options)
            rendered = True
        except JtaiError:
            rendered = False
        if valid != rendered:
            disagree.append(spec.name)
    assert disagree == []
    assert len(_every_spec()) > 40


# -- 3. every action, wherever it sits -------------------------------------------------------------


def test_an_action_under_an_answer_due_before_the_response_is_found(tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace(
        "      response: Accepted; the force has a plan.\n",
        "      response: Accepted; the force has a plan.\n      actions:\n        - {text: Train staff, due: 2025-10-01}\n",
    )
    spec = write(tmp_path, text)
    assert [(p.rule, p.field, p.line) for p in inspect(spec, until="check").warnings] == [
        ("date-order", "response.recommendations[0].actions[0].due", 27)
    ]


# -- 4. one registry of rules ----------------------------------------------------------------------


def test_the_readme_rule_table_is_generated_from_the_registry(request: pytest.FixtureRequest) -> None:
    readme = ROOT / "docs" / "commands.md"  # the README links to it
    start, end = "<!-- rules: generated -->\n", "<!-- /rules -->"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(start, 1)
    if request.config.getoption("--update-golden"):
        readme.write_text(head + start + rule_table() + end + rest.split(end, 1)[1], encoding="utf-8")
    assert rest.split(end, 1)[0] == rule_table()


def test_every_rule_id_is_declared_once_and_registered() -> None:
    # `Problem.rule` is a `RuleId`: mypy proves each id the code emits is declared; each declared id has its Rule.
    assert list(typing.get_args(RuleId)) == list(RULES)
    assert all(rule.id == key for key, rule in RULES.items())


def test_every_rule_id_validate_reports_is_registered() -> None:
    _, out, _ = run("validate", "--format", "json", *_every_spec())
    reports = json.loads(out)
    ids = {p["rule"] for r in reports for p in r["errors"] + r["warnings"]}
    assert ids <= set(RULES), ids - set(RULES)
    assert len(ids) > 10


# -- 7. placeholders ---------------------------------------------------------------------------------

PLACEHOLDERS = {
    "Owner: tbc": "tbc",
    "The review will report in T.B.C.": "T.B.C.",
    "Due date TBA": "TBA",
    "Owner – to be confirmed": "to be confirmed",
    "To be agreed": "To be agreed",
    "Lead officer (to be announced)": "to be announced",
    "An additional XX officers will join the team": "XX",
    "A further £XXX,000 for victims' services": "XXX",
    "[insert name of lead]": "[insert name of lead]",
    "Lorem ipsum dolor sit amet": "Lorem ipsum",
    "TODO: summarise the findings": "TODO",
    "fixme": "fixme",
}
ORDINARY = [
    "Officers from Texas visited the force control room.",
    "Tobacco and alcohol licensing is a partnership matter.",
    "Sizes run from S to XXL.",
    "The funding formula is yet to be agreed with the Home Office.",
    "We expect the plan to be confirmed by the board in March.",
    "An additional 20 officers will join the team by April.",
    "The TBCS survey (Tackling Bullying in Communities) closed in May.",
    "Ex-officio members and todos los vecinos were consulted.",
]


@pytest.mark.parametrize(("text", "found"), PLACEHOLDERS.items())
def test_placeholders_are_found_in_their_usual_spellings(text: str, found: str) -> None:
    assert placeholder(text) == found


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_officer_text_is_not_a_placeholder(text: str) -> None:
    assert placeholder(text) is None


# -- 8. problems in a profile ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("nowhere.png", "'nowhere.png' does not exist (looked in {folder})"),
        ("logo.svg", "'logo.svg' is not a PNG or JPEG image"),
    ],
)
def test_a_bad_logo_named_in_a_profile_is_located_in_the_profile(tmp_path: Path, logo: str, message: str) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "logo.svg").write_text("<svg/>")
    profile = write(
        tmp_path / "profiles",
        f"name: Office of the PCC for Loamshire\nlogo:\n  path: {logo}\n  alt: Logo\n",
        "office.yaml",
    )
    text = MINIMAL.read_text()
    start, end = text.index("office:\n"), text.index("report:\n")
    office = "office:\n  profile: ../profiles/office.yaml\n  commissioner: Priya Marsh\n  role: Police and Crime Commissioner\n  area: Loamshire\n"
    (tmp_path / "specs").mkdir()
    spec = write(tmp_path / "specs", text[:start] + office + text[end:])
    code, out, _ = run("validate", spec)
    assert code == 1
    folder = (tmp_path / "profiles").resolve()
    assert out.splitlines()[0] == f"{profile}:3:9: logo.path: {message.format(folder=folder)}"


def test_a_missing_profile_option_names_the_folder_searched(tmp_path: Path) -> None:
    code, _, err = run("validate", "--profile", tmp_path / "office.yaml", MINIMAL)
    assert code == 2
    assert err.endswith(
        f"no such profile: '{tmp_path / 'office.yaml'}' (looked for office.yaml in {tmp_path.resolve()})\n"
    )


# -- 10. the leak ------------------------------------------------------------------------------------


def test_parsing_the_same_spec_200_times_holds_memory_flat() -> None:
    text = (ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml").read_text(encoding="utf-8")
    for _ in range(5):
        yamltree.load(text)  # warm caches
    tracemalloc.start()
    try:
        for _ in range(20):
            yamltree.load(text)
        after_20 = tracemalloc.get_traced_memory()[0]
        for _ in range(180):
            yamltree.load(text)
        after_200 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after_200 - after_20 < 64 * 1024  # was ~65 kB a parse: 3.35 MB after 50


# -- 11. speed -------------------------------------------------------------------------------------


def test_validate_imports_nothing_only_rendering_needs() -> None:
    code = (
        "import io, sys\n"
        "from jtai_letters import cli\n"
        f"assert cli.main(['validate', {str(ROOT / 'responses')!r}], io.StringIO(), io.StringIO()) == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'weasyprint', 'docx', 'pypdf', 'pikepdf', 'rich'}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout == "[]\n"


def test_a_large_folder_is_validated_by_a_pool_with_the_same_reports() -> None:
    examples = sorted((ROOT / "responses").glob("*.yaml"))
    specs = examples * (pipeline.POOL_FROM // len(examples) + 1)
    serial = [v.as_json() for v in pipeline.validate_many(specs, jobs=1)]
    pooled = [v.as_json() for v in pipeline.validate_many(specs, jobs=2)]
    assert len(serial) == len(specs) >= pipeline.POOL_FROM
    assert pooled == serial


# -- 9. the smaller untruths ------------------------------------------------------------------------


def test_new_names_the_area_once_and_marks_the_response_date(tmp_path: Path) -> None:
    code, out, _ = run(
        "new", "--layout", "letter", "--area", "Wessex", "--role", "Police and Crime Commissioner for Wessex",
        "--published", "2025-09-18",
    )  # fmt: skip
    assert code == 0
    assert "for Wessex for Wessex" not in out
    assert '  name: "Office of the Police and Crime Commissioner for Wessex"' in out
    assert "  date: TODO   # the date this response is published, as YYYY-MM-DD, by 2025-11-12 (s55: 56 days)" in out


def test_new_reads_an_office_templates_folder(tmp_path: Path) -> None:
    (tmp_path / "memo.html.j2").write_text("{# layout: a memo #}\n<p>{{ report.title }}</p>\n")
    code, out, _ = run("new", "--layout", "memo", "--templates", tmp_path)
    assert code == 0
    assert "layout: memo\n" in out


def test_new_leaves_out_what_the_layout_never_prints() -> None:
    assert "website:" not in run("new", "--layout", "statement")[1]
    assert "website:" in run("new", "--layout", "letter")[1]


@pytest.mark.parametrize("module", [rules, skeleton])
def test_doctests(module: object) -> None:
    failed, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert (failed, tried > 0) == (0, True)
