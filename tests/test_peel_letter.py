"""A PEEL response reads right by default: `new --kind peel` starts one with every PEEL part, and the
letter without a body sets the judgements out near the start under a heading, follows each cause of
concern with the recommendations under it, and gives the reply to the chief constable its own heading."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import docx
import pytest

from jtai_letters import build
from jtai_letters.faces.skeleton import skeleton
from jtai_letters.letter.layouts import declaration
from jtai_letters.letter.templates import DEFAULT_TEMPLATES

from .helpers import pdf_text, run

PUBLISHED = dt.date(2025, 10, 14)


def _new(layout: str = "letter") -> str:
    return skeleton(declaration(DEFAULT_TEMPLATES, layout), kind="peel", area="Loamshire", published=PUBLISHED)


def _filled(text: str) -> str:
    text = text.replace('grade: "TODO: its grade"', "grade: Requires improvement")
    text = text.replace("date: TODO", "date: 2025-12-01").replace("https://TODO.invalid", "https://www.example.gov.uk")
    return text.replace("TODO: ", "")


def test_new_peel_has_every_peel_part_each_text_safe_to_type_in() -> None:
    text = _new()
    for part in (
        "judgements:",
        "causes_of_concern:",
        "recommendations: [R1]",
        "areas_for_improvement:",
        "addressee:",
        "reference:",
        "salutation:",
        "comments: |",
        "reply: |",
        "copies:",
        "monitoring: |",
    ):
        assert part in text, part  # fmt: skip
    # Every value still to write is in quotes or under `|`, where '#', ':' and apostrophes are text.
    unsafe = [line for line in text.splitlines() if re.search(r":\s+TODO", line) and "date: TODO" not in line]
    assert [line for line in unsafe if not re.search(r':\s+"TODO', line)] == []
    # Each part comes with a line saying how to write it.
    assert "# Each cause of concern, in the report's words, with the ids of the recommendations under it." in text


@pytest.mark.parametrize("layout", ["letter", "narrative", "statement"])
def test_new_peel_fails_on_each_todo_and_validates_once_they_are_replaced(tmp_path: Path, layout: str) -> None:
    spec = tmp_path / "peel.yaml"
    spec.write_text(_new(layout))
    code, out, _ = run("validate", spec)
    todos = sum(1 for line in spec.read_text().splitlines() if "TODO" in line.split("#")[0] or '"TODO' in line)
    assert code == 1
    assert len([line for line in out.splitlines() if ": warning: " not in line]) - 1 == todos
    spec.write_text(_filled(spec.read_text()))
    assert run("validate", spec)[:2] == (0, f"{spec}: valid\n")


UNDER_C1 = "The report makes recommendations R1 and R2 under this cause of concern."


@pytest.fixture(scope="module")
def peel(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("peel")
    text = _filled(_new()).replace("recommendations: [R1]", "recommendations: [R1, R2]")
    text = text.replace(
        "  # Each area for improvement, likewise.\n",
        "    - id: R2\n      text: |\n        the second recommendation\n"
        "    - id: R3\n      text: |\n        a recommendation under no cause of concern\n"
        "  # Each area for improvement, likewise.\n",
    )
    text = text.replace(
        "  areas_for_improvement:\n    - id: AFI1\n      response: |",
        "    - id: R2\n      response: Accepted for R2.\n    - id: R3\n      response: Accepted for R3.\n"
        "  areas_for_improvement:\n    - id: AFI1\n      response: |",
    )
    spec = folder / "peel.yaml"
    spec.write_text(text)
    assert run("validate", spec)[:2] == (0, f"{spec}: valid\n")
    return {p.suffix: p for p in build(spec, folder / "out").outputs}


ORDER = [
    "the opening paragraph",
    "HMICFRS’s graded judgements",
    "the area graded, as the report names it",
    "the chief constable’s name, Chief Constable",
    "My response to the Chief Constable’s comments",
    "your response to the chief constable’s comments",
    "Causes of concern",
    "Cause of concern C1",
    "what is being done about the cause of concern",
    UNDER_C1,
    "Recommendation R1",
    "Recommendation R2",
    "Recommendations",
    "Recommendation R3",
    "Areas for improvement",
    "how you will hold the force to account for the actions",
]


def _in_order(lines: list[str]) -> list[str]:
    found, at = [], 0  # each line of ORDER starts a line of the letter, after the one before it
    for wanted in ORDER:
        at = next(i for i in range(at, len(lines)) if lines[i].startswith(wanted)) + 1
        found.append(wanted)
    return found


def test_the_pdf_reads_in_the_peel_order(peel: dict[str, Path]) -> None:
    lines = [" ".join(line.split()) for line in pdf_text(peel[".pdf"]).splitlines()]
    assert _in_order([line for line in lines if line]) == ORDER


def test_the_word_version_reads_in_the_same_order(peel: dict[str, Path]) -> None:
    document = docx.Document(str(peel[".docx"]))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    judged = [c.text for row in document.tables[0].rows for c in row.cells]  # the first table: the judgements
    heading = lines.index("HMICFRS’s graded judgements")
    assert _in_order([*lines[: heading + 1], *judged, *lines[heading + 1 :]]) == ORDER


def test_the_word_reference_is_in_the_addressee_size_and_the_cc_lines_stand_apart(peel: dict[str, Path]) -> None:
    document = docx.Document(str(peel[".docx"]))
    by_text = {p.text: p for p in document.paragraphs}
    reference = next(p for text, p in by_text.items() if text.startswith("Our reference:"))
    assert reference.style.name == "Address"
    copies = next(p for text, p in by_text.items() if text.startswith("cc "))
    assert copies.paragraph_format.space_before is not None and copies.paragraph_format.space_before.pt > 0
    rows = document.tables[0].rows
    assert all(p.paragraph_format.keep_with_next for row in rows[:-1] for c in row.cells for p in c.paragraphs)


TRIAL = Path(__file__).parent / "rules" / "peel-letter-from-the-trial.yaml"


def test_the_trial_letter_breaks_its_pages_where_a_reader_expects(tmp_path: Path) -> None:
    # The trial's letter left the first bullet alone at the foot of page 1, and the heading and words of
    # cause of concern C2 at the foot of page 2 with its answer on page 3. `LAYOUT` keeps a lead-in with
    # its list, a list's first and last items with their neighbours, and the report's words with the
    # answer, in the PDF and in Word alike.
    outputs = {p.suffix: p for p in build(TRIAL, tmp_path).outputs}
    pages = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(outputs[".pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")

    def page(words: str) -> int:
        [found] = [n for n, text in enumerate(pages) if words in " ".join(text.split())]
        return found

    assert page("We have already:") == page("recruited 12 new call handlers;") == page("changed the rota (see")
    assert page("started monthly supervisor reviews") == page("changed the rota (see")
    assert page("Cause of concern C2") == page("Investigations are not well supervised.") == page("Supervision of")
    # The letter's own opening comes before what the report found (the summary read oddly above it).
    text = " ".join("".join(pages).split())
    assert text.index("Thank you for your report") < text.index("HMICFRS inspected how well")
    kept = {p.text for p in docx.Document(str(outputs[".docx"])).paragraphs if p.paragraph_format.keep_with_next}
    assert {
        "We have already:",
        "recruited 12 new call handlers;",
        "changed the rota (see action #2) so more staff are on duty at busy times; and",
        "Investigations are not well supervised.",
    } <= kept
    assert "started monthly supervisor reviews of every open investigation." not in kept
