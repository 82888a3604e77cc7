"""Every problem of a spec at once: a schema fault hides no rule's problem, and render, batch and
validate print the same list (errors, then warnings), with --strict warnings printed as errors."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import run

MINIMAL = (Path(__file__).resolve().parent / "minimal.yaml").read_text()

# A due date written the British way, a placeholder, a second recommendation left unanswered, and a
# response dated after the s55 deadline (published 2025-09-18: the last day is 12 November 2025).
MANY_FAULTS = (
    MINIMAL.replace(
        "      text: The force should improve.\n",
        "      text: The force should improve.\n    - id: R2\n      text: The force should train its staff.\n",
    )
    .replace("    - We welcome the report.\n", "    - We welcome the report. [TBC]\n")
    .replace(
        "      response: Accepted; the force has a plan.\n",
        "      response: Accepted; the force has a plan.\n"
        "      actions:\n        - text: Train all call handlers.\n          due: 31/01/2026\n",
    )
    .replace("  date: 2025-10-30\n", "  date: 2025-11-20\n")
)
DUE = (
    "30:16: response.recommendations[0].actions[0].due: expected a date like 2026-03-31 (year-month-day), a month "
    "like 2026-03 or a financial quarter like 2026-27 Q1 (April to June 2026), got '31/01/2026'; did you mean "
    "2026-01-31?"
)
UNANSWERED = "19:7: report.recommendations[1]: recommendation 'R2' has no response: s55(5B) requires an explanation of the action taken or proposed, or why none (add it under response.recommendations)"
PLACEHOLDER = "24:7: response.context[0]: unfinished: '[TBC]' is a placeholder; replace it with the real text"
LATE = "warning: response.date: the response is dated 8 days after the s55 deadline of 12 November 2025 (56 days beginning with publication on 18 September 2025)"


def _spec(tmp_path: Path, text: str = MANY_FAULTS) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return path


def test_a_bad_date_hides_neither_placeholder_nor_unanswered_item_nor_deadline(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    code, out, _ = run("validate", spec)
    assert code == 1
    assert out.splitlines() == [
        f"{spec}:{DUE}",
        f"{spec}:{UNANSWERED}",
        f"{spec}:{PLACEHOLDER}",
        f"{spec}:22:9: {LATE}",
        f"{spec}: invalid (1 warning)",
    ]
    code, out, _ = run("validate", "--format", "json", spec)
    [report] = json.loads(out)
    assert [(p["rule"], p["loc"], p["line"]) for p in report["errors"]] == [
        ("schema", "response.recommendations[0].actions[0].due", 30),
        ("s55-unanswered", "report.recommendations[1]", 19),
        ("placeholder", "response.context[0]", 24),
    ]
    assert [(p["rule"], p["loc"], p["message"]) for p in report["warnings"]] == [
        ("s55-deadline", "response.date", LATE.split("response.date: ")[1])
    ]
    assert report["publication_deadline"] == "2025-11-12"


def test_with_the_date_fixed_the_same_problems_remain(tmp_path: Path) -> None:
    # What was found beside the fault is what the rules find once it is fixed: no more, no less.
    spec = _spec(tmp_path, MANY_FAULTS.replace("31/01/2026", "2026-01-31"))
    _, out, _ = run("validate", spec)
    assert out.splitlines()[:-1] == [f"{spec}:{UNANSWERED}", f"{spec}:{PLACEHOLDER}", f"{spec}:22:9: {LATE}"]


def test_an_impossible_date_is_a_schema_problem_and_the_deadline_still_known(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path, MINIMAL.replace("  date: 2025-10-30", "  date: 2025-02-30").replace("improve.", "improve. TODO")
    )
    _, out, _ = run("validate", "--format", "json", spec)
    [report] = json.loads(out)
    assert [(p["rule"], p["loc"], p["message"]) for p in report["errors"]] == [
        (
            "schema",
            "response.date",
            "expected a date like 2020-03-30 (year-month-day), got '2025-02-30' (day value is outside expected range)",
        ),
        (
            "placeholder",
            "report.recommendations[0].text",
            "unfinished: 'TODO' is a placeholder; replace it with the real text",
        ),
    ]
    assert report["publication_deadline"] == "2025-11-12"  # report.published itself is valid


def test_a_fault_is_never_said_twice_nor_guessed_around(tmp_path: Path) -> None:
    # A placeholder where a date belongs is the date's fault alone; an unknown key's value is not
    # looked at; a part set aside is not reported missing (copies, chief constable).
    text = (
        MINIMAL.replace("  published: 2025-09-18", "  published: TBC")
        .replace("  commissioner: Priya Marsh", "  commissioner: Priya Marsh\n  comissioner: TBC")
        .replace("    omitted_because: no comments were received", "    omitted_because: [1, 2]")
    )
    spec = _spec(tmp_path, text)
    _, out, _ = run("validate", spec)
    assert out.splitlines() == [
        f"{spec}:7:3: office.comissioner: unknown key 'comissioner'; did you mean 'commissioner'?",
        f"{spec}:14:14: report.published: expected a date like 2020-03-30 (year-month-day), got 'TBC'",
        f"{spec}:28:22: response.chief_constable.omitted_because: expected text, got a list",
        f"{spec}: invalid",
    ]


def test_render_and_batch_print_the_list_validate_prints(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    _, validated, _ = run("validate", spec)
    problems = validated.splitlines()[:-1]
    code, out, err = run("render", spec, "-o", tmp_path / "out")
    assert (code, out, err.splitlines()) == (1, "0 rendered, 1 failed\n", problems)
    code, out, _ = run("batch", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert code == 1
    assert out.splitlines()[1:-1] == problems
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    [entry] = manifest["letters"].values()
    assert entry["errors"] + entry["warnings"] == problems


def test_strict_prints_promoted_warnings_as_errors_everywhere(tmp_path: Path) -> None:
    spec = _spec(tmp_path, MINIMAL.replace("  date: 2025-10-30", "  date: 2025-11-20"))
    late = f"{spec}:20:9: {LATE}"
    assert run("validate", spec)[1].splitlines() == [late, f"{spec}: valid (1 warning)"]
    as_error = late.replace("warning: ", "")
    assert run("validate", "--strict", spec)[1].splitlines() == [as_error, f"{spec}: invalid"]
    [report] = json.loads(run("validate", "--strict", "--format", "json", spec)[1])
    assert (len(report["errors"]), report["warnings"]) == (1, [])
    code, _, err = run("render", "--strict", spec, "-o", tmp_path / "out")
    assert (code, err.splitlines()) == (1, [as_error])
    code, out, _ = run("batch", "--strict", spec, "-o", tmp_path / "out", "--jobs", "1")
    assert code == 1 and out.splitlines()[1:-1] == [as_error]
