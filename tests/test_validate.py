"""validate: each s55 and house rule, broken once per file in tests/rules/, with its exact rule, field and line."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from jtai_letters import cli
from jtai_letters.faces.skeleton import skeleton
from jtai_letters.letter.layouts import declaration
from jtai_letters.letter.templates import DEFAULT_TEMPLATES
from jtai_letters.spec import yamltree
from jtai_letters.spec.schema import json_schema, json_schema_text, markdown

from .helpers import ROOT, SPECS

RULES = Path(__file__).resolve().parent / "rules"
BAD = Path(__file__).resolve().parent / "bad"

# file -> [(severity, rule, field, line)]
EXPECTED = {
    "late-response.yaml": [("warning", "s55-deadline", "response.date", 20)],
    "empty-list-item.yaml": [("error", "schema", "response.context[0]", 26)],  # at the '-' alone
    "unknown-recommendation-id.yaml": [
        ("error", "s55-unanswered", "report.recommendations[0]", 17),
        ("error", "s55-unknown-id", "response.recommendations[0].id", 24),
    ],
    "answered-twice.yaml": [("error", "s55-duplicate", "response.recommendations[1].id", 26)],
    "unanswered-area-for-improvement.yaml": [("error", "s55-unanswered", "report.areas_for_improvement[0]", 20)],
    "no-chief-constable.yaml": [("warning", "s55-chief-constable", "response", 20)],
    "inspection-after-publication.yaml": [("error", "date-order", "report.inspection_period.end", 14)],
    "response-before-publication.yaml": [("error", "date-order", "response.date", 20)],
    "action-due-before-response.yaml": [("warning", "date-order", "response.local_actions[0].due", 25)],
    "action-due-in-a-quarter-before-response.yaml": [("warning", "date-order", "response.local_actions[0].due", 25)],
    "placeholder-todo.yaml": [("error", "placeholder", "response.context[0]", 22)],
    "placeholder-insert.yaml": [("error", "placeholder", "office.commissioner", 6)],
    "placeholder-lorem.yaml": [("error", "placeholder", "response.context[0]", 22)],
    "control-character.yaml": [("error", "character", "response.context[0]", 22)],
    "link-javascript.yaml": [("warning", "link-target", "response.context[0]", 22)],
    "link-relative.yaml": [("warning", "link-target", "response.context[0]", 22)],
    "link-text-here.yaml": [("warning", "link-text", "response.context[0]", 22)],
    "link-www.yaml": [("warning", "link-target", "response.context[0]", 22)],
    "layout-needs-summary.yaml": [("error", "layout-requires", "report.summary", 9)],
    "layout-does-not-print.yaml": [("warning", "layout-field", "office.website", 9)],
    "action-under-answer-due-early.yaml": [("warning", "date-order", "response.recommendations[0].actions[0].due", 27)],
    "placeholder-tbc-dotted.yaml": [("error", "placeholder", "response.context[0]", 22)],
    "text-cut-by-hash.yaml": [("warning", "text-cut", "response.recommendations[0].response", 25)],
    # A text's layout: the line the warning is about, not the field's first.
    "text-line-joins-bullet.yaml": [("warning", "text-layout", "response.recommendations[0].response", 30)],
    "text-dash-without-space.yaml": [("warning", "text-layout", "response.recommendations[0].response", 28)],
    "text-word-bullets-without-bar.yaml": [("warning", "text-layout", "response.recommendations[0].response", 26)],
    "text-layout-each-line-its-own.yaml": [
        ("warning", "text-layout", "response.recommendations[0].response", 30),
        ("warning", "text-layout", "response.recommendations[0].response", 31),
    ],
    "text-layout-plain-over-lines.yaml": [("warning", "text-layout", "response.recommendations[0].response", 28)],
    "text-layout-in-double-quotes.yaml": [("warning", "text-layout", "response.recommendations[0].response", 26)],
    "peel-grade-misspelt.yaml": [("error", "grade", "report.judgements[1].grade", 20)],
    "copies-without-home-secretary.yaml": [("warning", "s55-copies", "response.copies", 28)],
    "copies-without-inspectorate.yaml": [("warning", "s55-copies", "response.copies", 28)],
    "copies-usual-spellings.yaml": [],
    "names-chief-constable-with-role.yaml": [("warning", "names", "response.chief_constable.name", 27)],
    "names-commissioner-with-role.yaml": [("warning", "names", "office.commissioner", 6)],
    "names-sign-off-differs.yaml": [("warning", "names", "response.sign_off.name", 29)],
    "names-deputy-signs.yaml": [],
    "word-sub-bullet-o-with-a-space.yaml": [],
    "peel-letter-from-the-trial.yaml": [],
    "text-word-paragraphs-without-blank-line.yaml": [
        ("warning", "text-layout", "response.chief_constable.comments", 30)
    ],
    "text-hand-wrapped-not-warned.yaml": [],
    "word-sub-bullet-o-indented-with-spaces.yaml": [],
    "text-layout-in-one-text-names-the-field.yaml": [
        ("warning", "text-layout", "response.chief_constable.comments", 33)
    ],
    # Problems inside a `|` block: each at the line it is on, not the key's.
    "problems-in-a-block-at-their-lines.yaml": [
        ("error", "placeholder", "response.context[0]", 25),
        ("warning", "link-target", "response.context[0]", 26),
        ("warning", "link-text", "response.context[0]", 28),
    ],
    "heading-in-a-block-at-its-line.yaml": [("error", "schema", "response.context[0]", 25)],
    # The date the deadline needs is wrong; the unanswered R4 is still found.
    "published-not-a-date-still-checks-answers.yaml": [
        ("error", "schema", "report.published", 13),
        ("error", "s55-unanswered", "report.recommendations[1]", 19),
    ],
}


# file -> the exact message of each problem EXPECTED lists for it, in the same order (for the cases
# whose words are the fix: what the officer reads must tell them what to do).
MESSAGES = {
    "copies-without-home-secretary.yaml": [
        "the copies do not include the Secretary of State: s55(6) sends the published response to the inspectors "
        "of constabulary and the Secretary of State; add 'The Home Secretary'"
    ],
    "copies-without-inspectorate.yaml": [
        "the copies do not include the inspectors of constabulary: s55(6) sends the published response to the "
        "inspectors of constabulary and the Secretary of State; add 'His Majesty's Inspectorate of Constabulary "
        "and Fire & Rescue Services'"
    ],
    "names-chief-constable-with-role.yaml": [
        "the name starts with its role's words ('Chief Constable'), and the letter prints the role too "
        "('Chief Constable Sam Okafor, Chief Constable'): write the name alone ('Sam Okafor')"
    ],
    "names-commissioner-with-role.yaml": [
        "the name starts with its role's words ('Commissioner'), and the letter prints the role too "
        "('Commissioner Priya Marsh, Police and Crime Commissioner'): write the name alone ('Priya Marsh')"
    ],
    "text-word-paragraphs-without-blank-line.yaml": [
        "the lines '...and the force has a plan to do it.' and 'We have already:' print as one paragraph: a line "
        "break inside text does not start a new paragraph; leave a blank line between paragraphs"
    ],
    "names-sign-off-differs.yaml": [
        "the letter is signed 'Priya Lal, Police and Crime Commissioner', but office.commissioner is 'Priya Marsh': "
        "write the commissioner's name the same in both (someone signing for them gives their own sign_off.role)"
    ],
}


def validate_json(*argv: str | Path) -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    code = cli.main(["validate", "--format", "json", *map(str, argv)], out, io.StringIO())
    return code, json.loads(out.getvalue())


def test_every_rule_case_has_expectations() -> None:
    assert sorted(p.name for p in RULES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rule(name: str) -> None:
    code, [report] = validate_json(RULES / name)
    found = [("error", e["rule"], e["loc"], e["line"]) for e in report["errors"]]  # type: ignore[index,union-attr]
    found += [("warning", w["rule"], w["loc"], w["line"]) for w in report["warnings"]]  # type: ignore[index,union-attr]
    assert found == EXPECTED[name]
    assert code == (1 if any(kind == "error" for kind, *_ in EXPECTED[name]) else 0)
    assert report["valid"] is (code == 0)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_rule_message(name: str) -> None:
    _, [report] = validate_json(RULES / name)
    found = [e["message"] for e in report["errors"]] + [w["message"] for w in report["warnings"]]  # type: ignore[index,union-attr]
    assert found == MESSAGES[name]


_DASH = (
    "warning: response.recommendations[0].response: the line '-introduce a new deployment model' prints its dash: "
    "for a bullet, write a space after it ('- introduce'), with a blank line before the list"
)
_JOINS = (
    "warning: response.recommendations[0].response: the line '{}' joins the bullet above it: leave a blank line "
    "before it to start a new paragraph, or indent it to continue the bullet"
)
# file -> what validate prints about it, each at the line (and column) of the text it is about
TEXT_LAYOUT = {
    "text-line-joins-bullet.yaml": [f"30:9: {_JOINS.format('The board will oversee this.')}"],
    "text-dash-without-space.yaml": [f"28:9: {_DASH}"],
    "text-word-bullets-without-bar.yaml": [
        "26:9: warning: response.recommendations[0].response: bullets pasted from Word run together on one line: "
        "text without `|` joins its lines into one; write `|` after the key and the text on the lines below it, "
        "each bullet on its own line"
    ],
    "text-layout-each-line-its-own.yaml": [f"30:9: {_DASH}", f"31:9: {_DASH}"],
    "text-layout-plain-over-lines.yaml": [f"28:9: {_DASH}"],
    "text-layout-in-double-quotes.yaml": [
        "26:17: "
        + _JOINS.format("The board will oversee this. It repor...")
        + " (the line is in the text that starts here; which line of the file cannot be told, as in text in double"
        " quotes with escapes)"
    ],
}


@pytest.mark.parametrize("name", sorted(TEXT_LAYOUT))
def test_a_texts_layout_warning_names_the_line_it_is_about(name: str) -> None:
    out = io.StringIO()
    assert cli.main(["validate", str(RULES / name)], out, io.StringIO()) == 0
    said = out.getvalue().splitlines()
    assert said[:-1] == [f"{RULES / name}:{line}" for line in TEXT_LAYOUT[name]]


def test_a_texts_layout_warning_in_a_welsh_letter_names_the_line_in_each_language(tmp_path: Path) -> None:
    spec = tmp_path / "responses" / "welsh.yaml"
    spec.parent.mkdir()
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    text = (ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml").read_text(encoding="utf-8")
    answer = (
        "        cy: Derbynnir. Bydd swyddogion yn cofnodi llais y plentyn ym mhob achos.\n"
        "        en: Accepted. Officers will record the voice of the child in every case.\n"
    )
    assert answer in text
    written = "        cy: |\n          Derbynnir. Bydd swyddogion:\n\n          -cofnodi llais y plentyn\n"
    written += "        en: |\n          Accepted. Officers will:\n\n          -record the voice of the child\n"
    spec.write_text(text.replace(answer, written), encoding="utf-8")
    lines = spec.read_text(encoding="utf-8").splitlines()
    _, [report] = validate_json(spec)
    found = [(w["line"], w["column"], w["message"]) for w in report["warnings"]]  # type: ignore[index,union-attr]
    assert [(line, column) for line, column, _ in found] == [
        (lines.index("          -cofnodi llais y plentyn") + 1, 11),
        (lines.index("          -record the voice of the child") + 1, 11),
    ]
    assert [message.split(":")[0] for _, _, message in found] == [
        "the line '-cofnodi llais y plentyn' prints its dash",
        "the line '-record the voice of the child' prints its dash",
    ]


def test_an_action_due_in_a_quarter_before_the_response_names_the_quarter_s_months() -> None:
    # An officer wrote 2026-27 Q1 meaning January to March 2027: the months show the mistake.
    _, [report] = validate_json(RULES / "action-due-in-a-quarter-before-response.yaml")
    assert [w["message"] for w in report["warnings"]] == [  # type: ignore[index,union-attr]
        "the action is due before the response date (2025-10-30): 2025-26 Q1 is April to June 2025 "
        "(a financial year's Q1 is April to June, its Q4 January to March)"
    ]
    _, [report] = validate_json(RULES / "action-due-before-response.yaml")
    assert [w["message"] for w in report["warnings"]] == ["the action is due before the response date"]  # type: ignore[index,union-attr]


def test_a_link_missing_its_scheme_gets_a_hint() -> None:
    _, [report] = validate_json(RULES / "link-www.yaml")
    assert report["warnings"][0]["message"].endswith("(did you mean https://www.justiceinspectorates.gov.uk?)")  # type: ignore[index]


def test_deadline_is_the_55th_day_after_publication() -> None:
    _, [report] = validate_json(ROOT / "responses" / "nottinghamshire-2020-csa-family.yaml")
    assert report["publication_deadline"] == "2020-03-30"


def test_every_file_in_a_folder_is_checked_and_all_problems_reported() -> None:
    code, reports = validate_json(RULES)
    assert code == 1
    assert len(reports) == len(EXPECTED)
    total = sum(len(r["errors"]) + len(r["warnings"]) for r in reports)  # type: ignore[arg-type]
    assert total == sum(len(v) for v in EXPECTED.values())


def test_all_schema_problems_of_one_file_are_reported_at_once(tmp_path: Path) -> None:
    spec = tmp_path / "many.yaml"
    text = (Path(__file__).parent / "minimal.yaml").read_text()
    text = text.replace("published: 2025-09-18", "published: 18/09/2025").replace(
        "kind: force-specific", "kind: thematic"
    )
    spec.write_text(text.replace("  area: Loamshire\n", "  area: Loamshire\n  colour: blue\n"))
    _, [report] = validate_json(spec)
    assert [(e["loc"], e["line"]) for e in report["errors"]] == [  # type: ignore[index,union-attr]
        ("office.colour", 9),
        ("report.kind", 12),
        ("report.published", 14),
    ]


def test_a_fifty_megabyte_file_is_refused_unread(tmp_path: Path) -> None:
    spec = tmp_path / "huge.yaml"
    with spec.open("wb") as f:
        f.write(b"# " + b"x" * (50 * 1024 * 1024) + b"\n")
    out = io.StringIO()
    assert cli.main(["validate", str(spec)], out, io.StringIO()) == 1
    assert out.getvalue() == f"{spec}: is 52,428,803 bytes; a spec may be at most 2,097,152\n{spec}: invalid\n"


def test_new_writes_a_skeleton_that_fails_only_on_its_placeholders(tmp_path: Path) -> None:
    for layout in ("letter", "narrative", "statement"):
        spec = tmp_path / f"{layout}.yaml"
        spec.write_text(skeleton(declaration(DEFAULT_TEMPLATES, layout), area="Loamshire", published=None))
        _, [report] = validate_json(spec)
        assert report["errors"], layout
        assert {e["rule"] for e in report["errors"] if e["loc"] != "response.date"} == {"placeholder"}  # type: ignore[union-attr]
        [date] = [e for e in report["errors"] if e["loc"] == "response.date"]  # type: ignore[index]
        # Never the publication date by default: the letter would go out dated the day the report was.
        assert str(date["message"]).startswith("write the date the response will be published (like ")  # type: ignore[index]
        filled = spec.read_text().replace("TODO.invalid", "www.example.gov.uk").replace("TODO: ", "")
        filled = filled.replace("date: TODO", f"date: {dt.date.today().isoformat()}")
        spec.write_text(filled)
        code, [report] = validate_json(spec)
        assert (code, report["errors"]) == (0, []), layout
        assert cli.main(["render", str(spec), "-o", str(tmp_path / "out")], io.StringIO(), io.StringIO()) == 0


def test_new_refuses_an_unknown_layout() -> None:
    err = io.StringIO()
    assert cli.main(["new", "--layout", "memo"], io.StringIO(), err) == 2
    assert err.getvalue() == "error: unknown layout 'memo'; choose from letter, narrative, statement\n"


def test_committed_schema_matches_the_models() -> None:
    assert (ROOT / "schema" / "response-spec.schema.json").read_text(encoding="utf-8") == json_schema_text()


def test_committed_spec_reference_matches_the_models() -> None:
    assert (ROOT / "docs" / "spec-reference.md").read_text(encoding="utf-8") == markdown()


def test_every_field_in_the_schema_is_described_with_an_example() -> None:
    schema = json_schema()
    parts = [schema, *schema["$defs"].values()]
    for part in parts:
        for name, prop in part.get("properties", {}).items():
            assert prop.get("description"), name
            if "$ref" not in prop:
                assert prop.get("examples"), name


def test_a_bullet_with_no_words_is_refused_not_dropped() -> None:
    _, [report] = validate_json(RULES / "empty-list-item.yaml")
    assert report["errors"][0]["message"] == (  # type: ignore[index]
        "a list item with no words ('-' alone on a line): write its words after '- ', or remove it"
    )


def _texts_over_lines(node: object, at: tuple[int, int] | None = None) -> list[tuple[str, tuple[int, int]]]:
    """Every text of a YAML tree with the position it is written at."""
    if isinstance(node, yamltree.Map):
        return [t for k, v in node.items() for t in _texts_over_lines(v, node.values_at[k])]
    if isinstance(node, yamltree.Seq):
        return [t for v, pos in zip(node, node.items_at, strict=True) for t in _texts_over_lines(v, pos)]
    return [(node, at)] if isinstance(node, str) and at is not None else []


SNIPPETS = {
    "literal": "a: |\n\n  one\n    two\n\n  -three\n",
    "folded": "a: >-\n  one\n  two\n\n  three\n    four\n  five\n",
    "plain": "a: one\n  two\n\n\n  three • four\n",
    "single quotes": "a: 'it''s\n   here\n\n  ''now'''\n",
    "double quotes": 'a: "one\n  two\n\n  three"\n',
    "in a list": "a:\n  - |\n    one\n    two\n  - plain\n    text\n",
    "saved on Windows": "a: |\r\n  one\r\n\r\n  two\r\nb: plain\r\n  three\r\n",
}


@pytest.mark.parametrize("text", [*SNIPPETS.values(), *(p.read_text(encoding="utf-8") for p in SPECS)])
def test_every_word_of_a_text_over_several_lines_is_placed_where_it_is_written(text: str) -> None:
    root = yamltree.load(text)
    lines = text.split("\n")
    placed = yamltree.text(root)
    assert placed is not None
    over_lines = [(value, at) for value, at in _texts_over_lines(root) if at in placed.spans]
    assert over_lines or text not in SNIPPETS.values()
    for value, at in over_lines:
        for word in re.finditer(r"[^\s']+", value):
            place = placed.place(at, value, word.start())
            assert place is not None, value
            line, column = place
            assert lines[line - 1][column - 1 :].startswith(word.group()), (value, word.group(), place)
