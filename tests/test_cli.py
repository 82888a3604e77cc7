"""The command line, driven in-process: exit codes, exact messages, nothing written on failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jtai_letters.outputs import pdf

from .helpers import ROOT, run

BAD = Path(__file__).resolve().parent / "bad"
MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"

EXPECTED = {
    "unknown-key.yaml": "6:3: office.comissioner: unknown key 'comissioner'; did you mean 'commissioner'?",
    "wrong-date.yaml": "13:14: report.published: expected a date like 2020-03-30 (year-month-day), got "
    "'18/09/2025'; did you mean 2025-09-18?",
    "duplicate-key.yaml": "12:3: report.title: duplicate key 'title' (first given on line 10): each key may appear once",
    "missing-field.yaml": "9:1: report.url: required field is missing",
    "unanswered-recommendation.yaml": "17:7: report.recommendations[0]: recommendation 'R1' has no response: "
    "s55(5B) requires an explanation of the action taken or proposed, or why none (add it under response.recommendations)",
    "empty.yaml": " the file is empty; expected a response spec with schema_version, layout, office, report and response",
    "top-level-list.yaml": "1:1: expected a mapping of keys at the top of the file, got a list",
    "tab-indent.yaml": "5:1: a tab is used for indentation; indent with spaces",
    "alias-bomb.yaml": "1:4: holds more than 2,000 list items in all (aliases repeated?); a letter this long cannot be printed in reasonable time",
    "bad-url.yaml": "14:8: report.url: expected an absolute http(s) URL like https://www.example.gov.uk/page, "
    "got 'www.justiceinspectorates.gov.uk/loamshire'",
    "binary-junk.yaml": "2: is not UTF-8 text (byte 0x80); save it as UTF-8",
    "duplicate-key-deep.yaml": "26:7: response.recommendations[0].response: duplicate key 'response' "
    "(first given on line 25): each key may appear once",
    "latin1.yaml": "6: is not UTF-8 text (byte 0xeb); save it as UTF-8",
    "logo-without-alt.yaml": "9:3: office.logo.alt: required field is missing",
    "not-yaml.yaml": "3:7: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)",
    "top-level-scalar.yaml": "1: expected a mapping of keys at the top of the file, got a single value (str)",
    "unknown-key-deep.yaml": "29:11: response.recommendations[0].actions[0].stauts: unknown key 'stauts'; did you mean 'status'?",
    "unknown-layout.yaml": "3:9: layout: unknown layout 'memo'; available: letter, narrative, statement",
    "utf16.yaml": " is UTF-16 encoded; save it as UTF-8",
    "impossible-date.yaml": "13:14: report.published: expected a date like 2020-03-30 (year-month-day), got "
    "'2025-02-30' (day value is outside expected range)",
    "wrong-type.yaml": "15:20: report.force_inspected: expected true or false, got 'perhaps'",
    # YAML mistakes officers make daily: the likely cause and its fix.
    "yaml-colon-in-text.yaml": "24:19: response.local_actions[0].text: a colon followed by a space, inside text "
    'without quotes, starts a new key; put the whole text in double quotes ("..."), or write `|` after the key and '
    "the text on the lines below it",
    "yaml-colon-in-list-item.yaml": "22:7: response.context[0]: expected text, got a mapping "
    "('Policy: introduce a new approach to the report.'): a colon followed by a space, inside text without quotes, "
    'starts a key; put the whole text in double quotes ("...")',
    "yaml-apostrophe-in-single-quotes.yaml": "10:44: report.title: an apostrophe ends text that starts with a single quote; "
    "write the apostrophe twice (''), or put the text in double quotes (\"...\") instead",
    "yaml-dash-without-space.yaml": "23:6: a list item needs a space after '-' (write '- text', not '-text')",
    "yaml-dash-without-space-alone.yaml": "22:5: response.context: "
    "a list item needs a space after '-' (write '- text', not '-text')",
    "yaml-tab-inside-a-list.yaml": "22:1: a tab is used for indentation; indent with spaces",
    # The parser's own words for these were right about the line and jargon about the rest.
    "yaml-key-indented-too-little.yaml": "26:6: 'actions' is indented by 5 spaces, which lines it up with no key "
    "above it (the keys on the line above are indented by 6): indent it exactly as the other keys of the part it "
    "belongs to",
    "yaml-emphasis-at-the-start.yaml": "25:17: response.recommendations[0].response: text cannot start with '*' without quotes: YAML reads '*' there as a "
    "reference to a value named elsewhere (an alias), not as Markdown emphasis; put the whole text in double quotes "
    '("*Accepted*. The force has a plan."), or write `|` after the key and the text on the lines below it',
    "yaml-text-after-closing-quote.yaml": "25:28: response.recommendations[0].response: the text starts with a quotation mark, so it ends at the closing "
    "one and the words after it ('- neighbourhood teams will...') cannot be read; put the whole text in single "
    "quotes ('...'), or write `|` after the key and the text on the lines below it",
    "yaml-colon-at-end-of-line.yaml": "22:56: response.context[0]: a colon at the end of a line, inside text without quotes, makes the "
    'text before it a key; put the whole text in double quotes ("..."), or write `|` after the key and the text on '
    "the lines below it",
    "yaml-hash-then-more-text.yaml": "25:62: response.recommendations[0].response: ' #' in text without quotes starts a comment: the rest of line 25 is "
    'left out, and the line after it cannot continue the text; put the whole text in double quotes ("..."), or '
    "write `|` after the key and the text on the lines below it",
    # One error, and no "no copies recorded" warning about the copies it holds.
    "yaml-key-dedented-out-of-response.yaml": "28:1: copies: 'copies' belongs under response and is indented too "
    "little: indent it as far as the other keys of response",
    # The trial of issue 21: what an officer who never used YAML typed, in their words.
    "yaml-key-indented-too-far.yaml": "25:9: response.recommendations[0]: 'response' is indented too far: by 8 "
    "spaces, where 'id' on the line above is indented by 6, so YAML reads it as more of the text of 'id'; indent it "
    "by 6 spaces, exactly as the other keys of the part it belongs to",
    "yaml-hash-in-pasted-bullets.yaml": "31:38: response.chief_constable.comments: ' #' in text without quotes "
    "starts a comment: the rest of line 31 is left out, and the line after it cannot continue the text; write `|` "
    "after the key and the text on the lines below it, each bullet on its own line",
    "yaml-colon-in-pasted-bullets.yaml": "30:22: response.chief_constable.comments: a colon at the end of a line, "
    "inside text without quotes, makes the text before it a key; write `|` after the key and the text on the lines "
    "below it, each bullet on its own line",
    "yaml-bar-text-line-not-indented.yaml": "27:7: response.recommendations[0].response: every line of a `|` text "
    "must be indented further than its key: this line is indented by 6 spaces, as far as 'response' on line 25, so "
    "the text ends above it; indent it by 8 spaces, like the first line of the text",
    "yaml-hash-at-the-start.yaml": "25:17: response.recommendations[0].response: text cannot start with '#' without "
    "quotes: YAML reads ' #' as the start of a comment, so the rest of the line is left out and the text is empty; "
    'put the whole text in double quotes ("#1 priority: officers will give every..."), or write `|` after the key '
    "and the text on the lines below it",
    "date-written-day-first.yaml": "20:9: response.date: expected a date like 2020-03-30 (year-month-day), got "
    "'05/11/2025'; did you mean 2025-11-05?",
    "date-written-in-words.yaml": "20:9: response.date: expected a date like 2020-03-30 (year-month-day), got "
    "'5 November 2025'; did you mean 2025-11-05?",
    "due-calendar-quarter.yaml": "25:12: response.local_actions[0].due: expected a date like 2026-03-31 "
    "(year-month-day), a month like 2026-03 or a financial quarter like 2026-27 Q1 (April to June 2026), got "
    "'Q1 2026'; did you mean 2025-26 Q4 (January to March 2026)?",
    "yaml-key-dedented-out-of-its-part.yaml": "29:3: response.reply: 'reply' belongs under chief_constable and is "
    "indented too little: indent it as far as the other keys of chief_constable",
    "response-date-todo.yaml": "20:9: response.date: write the date the response will be published (like "
    "2025-11-12) instead of 'TODO': the s55 deadline is 12 November 2025",
}


def test_every_bad_case_has_an_expected_message() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_render_refuses_a_bad_spec_with_one_located_line(name: str, tmp_path: Path) -> None:
    spec = BAD / name
    code, out, err = run("render", spec, "-o", tmp_path / "out")
    assert code == 1
    assert out == "0 rendered, 1 failed\n"
    assert err == f"{spec}:{EXPECTED[name]}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_the_same_line(name: str) -> None:
    spec = BAD / name
    code, out, _ = run("validate", spec)
    assert code == 1
    assert out == f"{spec}:{EXPECTED[name]}\n{spec}: invalid\n"


def test_render_writes_both_formats_named_after_the_spec(tmp_path: Path) -> None:
    code, out, err = run("render", MINIMAL, "-o", tmp_path)
    assert (code, err) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.docx", "minimal.pdf"]
    assert out == (f"{MINIMAL} -> {tmp_path / 'minimal.docx'}, {tmp_path / 'minimal.pdf'}\n1 rendered, 0 failed\n")


def test_render_one_format(tmp_path: Path) -> None:
    assert run("render", MINIMAL, "-o", tmp_path, "--format", "docx")[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["minimal.docx"]


def test_render_keeps_going_past_a_bad_spec(tmp_path: Path) -> None:
    code, _, err = run("render", BAD / "wrong-date.yaml", MINIMAL, "-o", tmp_path)
    assert code == 1
    assert "wrong-date.yaml:13:14" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.docx", "minimal.pdf"]


def test_a_failure_mid_render_leaves_the_earlier_letters_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("render", MINIMAL, "-o", tmp_path)[0] == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(letter: object) -> bytes:
        raise RuntimeError("simulated crash in the PDF writer")

    monkeypatch.setattr(pdf, "write", broken)
    code, out, err = run("render", MINIMAL, "-o", tmp_path)
    assert code == 1
    assert err.splitlines() == [
        f"{MINIMAL}: could not be rendered (RuntimeError: simulated crash in the PDF writer); please report this",
        f"{tmp_path / 'minimal.docx'}: out of date: an older letter of {MINIMAL}, which failed this time",
        f"{tmp_path / 'minimal.pdf'}: out of date: an older letter of {MINIMAL}, which failed this time",
    ]
    assert out == "0 rendered, 1 failed\n"
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    code, _, err = run("render", MINIMAL, "-o", tmp_path, "--debug")
    assert "Traceback (most recent call last)" in err and "simulated crash in the PDF writer" in err


def test_validate_the_examples_reports_the_true_warnings() -> None:
    code, out, _ = run("validate", ROOT / "responses")
    assert code == 0
    warnings = [line for line in out.splitlines() if ": warning: " in line]
    # The three published 2020 letters record no copies (s55-copies); the fictional ones do.
    copies = [line for line in warnings if "response: no copies recorded" in line]
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in copies] == [
        "devon-and-cornwall-2020-csa-family.yaml",
        "hampshire-2020-csa-family.yaml",
        "nottinghamshire-2020-csa-family.yaml",
    ]
    warnings = [line for line in warnings if line not in copies]
    # The national note discusses the report's twelve recommendations without listing them.
    counted = [line for line in warnings if "warning: report.recommendation_count: the report makes 12" in line]
    assert len(counted) == 1
    warnings = [line for line in warnings if line not in counted]
    assert len(warnings) == 2
    assert (
        "hampshire-2020-csa-family.yaml:29:9: warning: response.date: the response is dated 43 days after "
        in warnings[0]
    )
    assert "nottinghamshire-2020-csa-family.yaml:39:21: warning: response.report_link_text: link text " in warnings[1]


def test_validate_strict_turns_warnings_into_errors() -> None:
    assert run("validate", "--strict", ROOT / "responses" / "hampshire-2020-csa-family.yaml")[0] == 1


def test_validate_json() -> None:
    code, out, _ = run(
        "validate", "--format", "json", ROOT / "responses" / "hampshire-2020-csa-family.yaml", BAD / "wrong-date.yaml"
    )
    assert code == 1
    hampshire, wrong = json.loads(out)
    assert hampshire["valid"] is True
    assert hampshire["publication_deadline"] == "2020-03-30"
    assert hampshire["errors"] == []
    assert [w["rule"] for w in hampshire["warnings"]] == ["s55-copies", "s55-deadline"]
    assert wrong == {
        "path": str(BAD / "wrong-date.yaml"),
        "valid": False,
        "errors": [
            {
                "file": str(BAD / "wrong-date.yaml"),
                "rule": "schema",
                "loc": "report.published",
                "line": 13,
                "column": 14,
                "message": "expected a date like 2020-03-30 (year-month-day), got '18/09/2025'; did you mean 2025-09-18?",
            }
        ],
        "warnings": [],
        "publication_deadline": None,
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["render", "no-such.yaml"], "error: no-such.yaml: no such file or folder\n"),
        (["render", str(MINIMAL), "--format", "rtf"], "argument --format: choose from docx, pdf"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["render", str(MINIMAL), "--templates", "/no/such/folder"], "no such templates folder: '/no/such/folder'"),
        (
            ["render", str(MINIMAL), "--templates", str(BAD)],
            f"'{BAD}' holds no templates (*.j2), stylesheets (*.css), layouts.yaml, locale/ or tracking/",
        ),
        (["batch", str(MINIMAL), "--jobs", "0"], "expected a whole number of at least 1, got '0'"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert message in err


def test_a_folder_without_specs_is_a_usage_error(tmp_path: Path) -> None:
    for verb in ("render", "validate", "batch"):
        code, out, err = run(verb, tmp_path)
        assert (code, out) == (2, "")
        assert err == f"error: {tmp_path}: holds no spec files (*.yaml, *.yml)\n"


def test_folders_are_searched_below_too(tmp_path: Path) -> None:
    nested = tmp_path / "2025" / "q3"
    nested.mkdir(parents=True)
    (nested / "a.yaml").write_text(MINIMAL.read_text())
    code, out, _ = run("validate", tmp_path)
    assert (code, out) == (0, f"{nested / 'a.yaml'}: valid\n")


def test_format_names_are_not_case_sensitive(tmp_path: Path) -> None:
    assert run("render", MINIMAL, "-o", tmp_path, "--format", "PDF")[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["minimal.pdf"]


def test_layouts_lists_each_with_its_use() -> None:
    code, out, _ = run("layouts")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["letter", "narrative", "statement"]
    assert "Nottinghamshire" in out


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "jtai_letters", "render", str(BAD / "wrong-date.yaml"), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr == f"{BAD / 'wrong-date.yaml'}:{EXPECTED['wrong-date.yaml']}\n"
    assert "Traceback" not in proc.stderr


def test_an_example_warns_only_where_its_opening_comment_says_it_does() -> None:
    _, out, _ = run("validate", ROOT / "responses")
    warned = {line.split(":")[0] for line in out.splitlines() if ": warning: " in line}
    for spec in sorted((ROOT / "responses").glob("*.yaml")):
        comment = "".join(line for line in spec.read_text().splitlines(keepends=True)[:8] if line.startswith("#"))
        assert (str(spec) in warned) == ("warn" in comment), spec.name


def test_version_is_printed_on_standard_output() -> None:
    from importlib.metadata import version

    done = subprocess.run([sys.executable, "-m", "jtai_letters", "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"jtai-letters {version('jtai-letters')}\n", "")
