"""The rules that follow the law by date and reports as they are really written: s55(5A)/(5B)
from 2 May 2017, copies under s55(6), grouped and non-applying answers, recommendation counts,
and due dates given as months or financial quarters."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from jtai_letters import cli
from jtai_letters.spec.models import Due

from .helpers import ROOT, docx_paragraphs, spec_yaml


def problems(tmp_path: Path, text: str) -> dict[str, object]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    out = io.StringIO()
    cli.main(["validate", "--format", "json", str(spec)], out, io.StringIO())
    [report] = json.loads(out.getvalue())
    return report  # type: ignore[no-any-return]


def found(report: dict[str, object]) -> list[tuple[str, str, str]]:
    errors = [("error", e["rule"], e["loc"]) for e in report["errors"]]  # type: ignore[attr-defined]
    return errors + [("warning", w["rule"], w["loc"]) for w in report["warnings"]]  # type: ignore[attr-defined]


def test_the_base_spec_is_clean(tmp_path: Path) -> None:
    assert found(problems(tmp_path, spec_yaml())) == []


def test_a_report_before_2_may_2017_has_no_deadline_and_an_unanswered_recommendation_is_a_warning(
    tmp_path: Path,
) -> None:
    report = problems(tmp_path, spec_yaml(published="2014-11-18", answers="    []\n"))
    assert report["valid"] is True
    assert report["publication_deadline"] is None
    assert "SI 2017/399" in str(report["publication_deadline_note"])
    assert found(report) == [("warning", "s55-unanswered", "report.recommendations[0]")]


def test_a_report_from_2_may_2017_has_the_deadline_and_the_duty(tmp_path: Path) -> None:
    report = problems(
        tmp_path, spec_yaml(published="2017-05-02", answers="    []\n").replace("2025-10-30", "2017-06-01")
    )
    assert report["publication_deadline"] == "2017-06-26"
    assert "publication_deadline_note" not in report
    assert found(report) == [("error", "s55-unanswered", "report.recommendations[0]")]


def test_no_copies_is_a_warning(tmp_path: Path) -> None:
    report = problems(tmp_path, spec_yaml().replace("  copies: [HMICFRS, Home Secretary]\n", ""))
    assert found(report) == [("warning", "s55-copies", "response")]
    assert "s55(6)" in report["warnings"][0]["message"]  # type: ignore[index]


def test_applies_false_answers_the_recommendation(tmp_path: Path) -> None:
    answers = "    - id: R1\n      applies: false\n      response: The force has no mounted section.\n"
    assert found(problems(tmp_path, spec_yaml(answers=answers))) == []


def test_applies_false_with_actions_is_a_warning(tmp_path: Path) -> None:
    answers = "    - id: R1\n      applies: false\n      response: Not ours.\n      actions: [{text: Do it anyway.}]\n"
    assert found(problems(tmp_path, spec_yaml(answers=answers))) == [
        ("warning", "s55-not-applicable", "response.recommendations[0].applies")
    ]


TWO = "    - id: R2\n      text: The force should improve more.\n"


def test_one_answer_covers_several_ids(tmp_path: Path) -> None:
    answers = "    - ids: [R1, R2]\n      response: Accepted, both.\n"
    assert found(problems(tmp_path, spec_yaml(report=TWO, answers=answers))) == []


def test_an_id_answered_alone_and_in_a_group_is_answered_twice(tmp_path: Path) -> None:
    answers = "    - ids: [R1, R2]\n      response: Both.\n    - id: R2\n      response: Again.\n"
    assert found(problems(tmp_path, spec_yaml(report=TWO, answers=answers))) == [
        ("error", "s55-duplicate", "response.recommendations[1].id")
    ]


def test_id_and_ids_together_are_refused(tmp_path: Path) -> None:
    answers = "    - {id: R1, ids: [R1], response: Both.}\n"
    [error] = problems(tmp_path, spec_yaml(answers=answers))["errors"]  # type: ignore[misc]
    assert error["loc"] == "response.recommendations[0]"
    assert "either id or ids" in error["message"]


def test_recommendation_count_above_the_list_warns_and_below_it_is_an_error(tmp_path: Path) -> None:
    assert found(problems(tmp_path, spec_yaml(report="  recommendation_count: 12\n"))) == [
        ("warning", "recommendation-count", "report.recommendation_count")
    ]
    assert found(problems(tmp_path, spec_yaml(report="  recommendation_count: 0\n"))) == [
        ("error", "recommendation-count", "report.recommendation_count")
    ]


@pytest.mark.parametrize(
    ("due", "late"),
    [("2025-10", False), ("2025-09", True), ("2025-26 Q3", False), ("2025-26 Q2", True), ("2025-10-29", True)],
)
def test_a_month_or_quarter_is_due_by_its_last_day(tmp_path: Path, due: str, late: bool) -> None:
    answers = f"    - id: R1\n      response: Accepted.\n      actions: [{{text: Train staff., due: '{due}'}}]\n"
    expected = [("warning", "date-order", "response.recommendations[0].actions[0].due")] if late else []
    assert found(problems(tmp_path, spec_yaml(answers=answers))) == expected


def test_due_dates_print_as_plans_are_written() -> None:
    assert (str(Due.parse("2026-03")), Due.parse("2026-03").last_day) == ("March 2026", dt.date(2026, 3, 31))
    assert (str(Due.parse("2026-27 Q1")), Due.parse("2026-27 Q1").last_day) == ("Q1 2026–27", dt.date(2026, 6, 30))
    assert Due.parse("2026-27 Q4").last_day == dt.date(2027, 3, 31)
    assert Due.parse(dt.date(2026, 1, 31)).day == dt.date(2026, 1, 31)
    with pytest.raises(ValueError, match="not a financial year"):
        Due.parse("2026-28 Q1")


@pytest.mark.parametrize("status", ["In Progress", "in-progress", "IN_PROGRESS", "in  progress"])
def test_status_ignores_case_and_spacing(tmp_path: Path, status: str) -> None:
    answers = f"    - id: R1\n      response: Accepted.\n      actions: [{{text: Train staff., status: '{status}'}}]\n"
    assert found(problems(tmp_path, spec_yaml(answers=answers))) == []


def test_a_cause_of_concern_names_only_listed_recommendations(tmp_path: Path) -> None:
    report = "  causes_of_concern:\n    - {id: C1, text: Poor investigations., recommendations: [R1, R9]}\n"
    response = "  causes_of_concern:\n    - {id: C1, response: We share it.}\n"
    assert found(problems(tmp_path, spec_yaml(report=report, response=response))) == [
        ("error", "s55-unknown-id", "report.causes_of_concern[0].recommendations[1]")
    ]


def test_no_recommendations_is_said_only_when_the_officer_records_it(tmp_path: Path) -> None:
    from jtai_letters import Options, build

    devon = ROOT / "responses" / "devon-and-cornwall-2020-csa-family.yaml"
    said = build(devon, tmp_path / "said", Options(formats=("docx",))).outputs[0]
    assert "There are no recommendations." in "\n".join(docx_paragraphs(said))
    silent = tmp_path / "devon.yaml"
    silent.write_text(
        devon.read_text(encoding="utf-8").replace("  recommendation_count: 0", "  # count not given"), encoding="utf-8"
    )
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles", dirs_exist_ok=True)
    letter = build(silent, tmp_path / "silent", Options(formats=("docx",))).outputs[0]
    assert "no recommendations" not in "\n".join(docx_paragraphs(letter))
