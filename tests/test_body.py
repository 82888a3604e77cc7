"""response.body: the officer's order and headings, in both formats, with nothing added, and
every answer and the chief constable's comments placed exactly once."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import docx
import pikepdf
import pytest

from jtai_letters import build, cli
from jtai_letters.faces.skeleton import skeleton
from jtai_letters.letter import layouts
from jtai_letters.letter.templates import DEFAULT_TEMPLATES

from .helpers import docx_paragraphs, pdf_text, spec_yaml

REPORT = "    - id: R2\n      text: The force should answer calls faster.\n"
ANSWERS = """\
    - id: R1
      response: Accepted; the force has a plan.
    - id: R2
      response: Accepted; more call handlers.
"""
BODY = """\
  title: Our response to the inspection
  chief_constable:
    name: Mark Ellery
    comments: [I accept the findings.]
  body:
    - heading: Next Steps
    - show: chief_constable
    - heading: What we will do
    - answers: [R2]
    - subheading: Investigations
    - answers: [R1]
    - text: I will report progress every quarter.
"""


def body_spec(body: str = BODY, answers: str = ANSWERS) -> str:
    text = spec_yaml(report=REPORT, answers=answers, response=body)
    return text.replace("  chief_constable:\n    omitted_because: no comments were received\n", "")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("body")
    spec = folder / "body.yaml"
    spec.write_text(body_spec(), encoding="utf-8")
    return {p.suffix[1:]: p for p in build(spec, folder / "out").outputs}


EXPECTED = [
    ("Title", "Our response to the inspection"),
    ("Heading 1", "Next Steps"),
    ("Normal", "I accept the findings."),
    ("Normal", "Mark Ellery, Chief Constable"),
    ("Heading 1", "What we will do"),
    ("Heading 2", "Recommendation R2"),
    ("Quote", "The force should answer calls faster."),
    ("Normal", "Accepted; more call handlers."),
    ("Heading 2", "Investigations"),
    ("Heading 2", "Recommendation R1"),
    ("Quote", "The force should improve."),
    ("Normal", "Accepted; the force has a plan."),
    ("Normal", "I will report progress every quarter."),
]


def test_docx_follows_the_body_with_its_headings_and_nothing_else(built: dict[str, Path]) -> None:
    styles = [(p.style.name, p.text) for p in docx.Document(str(built["docx"])).paragraphs if p.text.strip()]
    assert styles[: len(EXPECTED)] == EXPECTED
    assert styles[len(EXPECTED) :] == [("Normal", "cc HMICFRS\ncc Home Secretary")]
    everything = "\n".join(docx_paragraphs(built["docx"]))
    for absent in ("Response from", "Recommendations\n", "no recommendations", "Local actions", "comments\n"):
        assert absent not in everything


def test_pdf_follows_the_body_with_its_headings_tagged(built: dict[str, Path]) -> None:
    text = pdf_text(built["pdf"])
    order = [text.index(words) for _, words in EXPECTED]
    assert order == sorted(order)
    assert "Response from" not in text
    assert "no recommendations" not in text
    with pikepdf.open(built["pdf"]) as pdf:
        headings = [str(e.S) for e in _elements(pdf.Root.StructTreeRoot) if str(e.S)[:2] == "/H"]
    assert headings == ["/H1", "/H2", "/H2", "/H3", "/H3", "/H3"]


def _elements(node: object) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None  # type: ignore[union-attr]
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found += _elements(kid)
    return found


def problems(tmp_path: Path, text: str) -> list[tuple[str, str, str]]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    out = io.StringIO()
    cli.main(["validate", "--format", "json", str(spec)], out, io.StringIO())
    [report] = json.loads(out.getvalue())
    return [("error", e["rule"], e["loc"]) for e in report["errors"]] + [
        ("warning", w["rule"], w["loc"]) for w in report["warnings"]
    ]


def test_the_body_spec_is_clean(tmp_path: Path) -> None:
    assert problems(tmp_path, body_spec()) == []


def test_an_unplaced_answer_and_comments_are_errors(tmp_path: Path) -> None:
    body = BODY.replace("    - answers: [R1]\n", "").replace("    - show: chief_constable\n", "")
    assert problems(tmp_path, body_spec(body)) == [
        ("error", "body-placement", "response.recommendations[0]"),
        ("error", "body-placement", "response.chief_constable"),
    ]


def test_an_answer_placed_twice_or_an_unknown_id_is_an_error(tmp_path: Path) -> None:
    body = BODY.replace("    - answers: [R1]\n", "    - answers: [R1, R9]\n    - answers: [R1]\n")
    assert problems(tmp_path, body_spec(body)) == [
        ("error", "body-placement", "response.body[5].answers[1]"),
        ("error", "body-placement", "response.body[6].answers[0]"),
    ]


def test_a_grouped_answer_is_placed_by_any_of_its_ids(tmp_path: Path) -> None:
    answers = "    - ids: [R1, R2]\n      response: Accepted, both.\n"
    body = BODY.replace("    - answers: [R1]\n", "")
    assert problems(tmp_path, body_spec(body, answers)) == []


def test_parts_the_body_does_not_place_are_warnings(tmp_path: Path) -> None:
    body = BODY + "  context: [A paragraph the body does not place.]\n"
    assert problems(tmp_path, body_spec(body)) == [("warning", "body-placement", "response.context")]


def test_showing_an_absent_part_is_an_error(tmp_path: Path) -> None:
    body = BODY + "    - show: judgements\n"
    assert problems(tmp_path, body_spec(body)) == [("error", "body-placement", "response.body[7].show")]


def test_a_block_has_exactly_one_key(tmp_path: Path) -> None:
    body = BODY + "    - {heading: One, text: Two}\n"
    [(_, rule, loc)] = problems(tmp_path, body_spec(body))
    assert (rule, loc) == ("schema", "response.body[7]")


def test_new_body_starts_a_spec_that_renders_once_filled_in(tmp_path: Path) -> None:
    for layout in ("letter", "narrative", "statement"):
        spec = tmp_path / f"{layout}.yaml"
        spec.write_text(
            skeleton(layouts.declaration(DEFAULT_TEMPLATES, layout), area="Loamshire", published=None, body=True)
        )
        filled = spec.read_text().replace("TODO.invalid", "www.example.gov.uk").replace("TODO: ", "")
        filled = filled.replace("date: TODO", f"date: {dt.date.today().isoformat()}")
        spec.write_text(filled)
        assert problems(tmp_path, filled) == [], layout
        assert cli.main(["render", str(spec), "-o", str(tmp_path / "out")], io.StringIO(), io.StringIO()) == 0
