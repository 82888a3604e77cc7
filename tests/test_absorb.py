"""`absorb`: edits made in a letter's DOCX, the way Word makes them, come back into its spec."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jtai_letters.letter.render import render
from jtai_letters.outputs import docx, docx_read
from jtai_letters.pipeline import absorb as absorbing
from jtai_letters.spec.load import load_spec
from jtai_letters.spec.writer import SpecDocument

from .helpers import ROOT, SPECS, run
from .wordedits import AUTHOR, Edited, edit

EXAMPLE = "loamshire-2025-domestic-abuse"


def _copy(folder: Path, stem: str = EXAMPLE) -> Path:
    """An example spec and the profiles it names, under `folder`; the spec's path."""
    (folder / "responses").mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "profiles", folder / "profiles", dirs_exist_ok=True)
    return Path(shutil.copy(ROOT / "responses" / f"{stem}.yaml", folder / "responses"))


def _letter(spec: Path) -> bytes:
    return docx.write(render(load_spec(spec)))


def _flat(value: object) -> str:
    """A spec text with its wrapped lines joined (a line break inside a paragraph reads as a space)."""
    return "\n\n".join(" ".join(part.split()) for part in str(value).split("\n\n"))


def _text(data: bytes) -> list[str]:
    return docx_read.body_text(docx_read.read(data, Path("x.docx")))


def _word_edits(doc: Edited) -> None:
    """A reviewer's pass in Word: a word changed, a tracked change, a comment, a paragraph added inside
    the chief constable's comments, a new action row, a word coloured, a paragraph typed outside every
    anchor, the layout's heading retyped; runs split mid-word with rsid noise, a smart tag."""
    doc.layout_words("Local actions", "What we are doing locally")
    doc.split_runs()
    doc.replace("response.opening[0]", "kind", "courteous")
    doc.replace("response.key_findings[1].commentary[0]", "every Performance", "each Performance", tracked=True)
    doc.smart_tag("response.opening[0]", "Loamshire")
    doc.comment("response.chief_constable.comments[0]", "thorough", "Check this word with the force.")
    doc.new_paragraph("response.chief_constable.comments[1]", "A new paragraph inside the comments.")
    doc.new_paragraph("response.closing[0]", "Typed outside the anchors.", inside=False)
    doc.add_action_row(
        "response.local_actions[0].text",
        ["Train every call handler.", "Head of Control Room", "31 May 2026", "Planned"],
    )
    doc.colour("response.opening[0]", "investment")


EXPECTED = [
    "response.opening[0]:",
    "  - I welcome HMICFRS’s report on how Loamshire Police responds to domestic abuse. Victims told the "
    "inspectors that officers were kind and took them seriously, and the report recognises the force’s "
    "*substantial* investment in specialist teams. It also shows where the service is not yet good enough, "
    "and I accept every recommendation in full.",
    "  + I welcome HMICFRS’s report on how Loamshire Police responds to domestic abuse. Victims told the "
    "inspectors that officers were courteous and took them seriously, and the report recognises the force’s "
    "*substantial* investment in specialist teams. It also shows where the service is not yet good enough, "
    "and I accept every recommendation in full.",
    "response.key_findings[1].commentary[0]:",
    "  - I share this concern. Supervision is the subject of recommendation R2, and I will hold the Chief "
    "Constable to account for it at every Performance and Accountability Board until it is resolved.",
    "  + I share this concern. Supervision is the subject of recommendation R2, and I will hold the Chief "
    "Constable to account for it at each Performance and Accountability Board until it is resolved.",
    "response.chief_constable.comments[1]:",
    "  + ",
    "  + A new paragraph inside the comments.",
    "response.local_actions[1]: a new action from a row added in Word",
    "  + text: Train every call handler.",
    "  + owner: Head of Control Room",
    "  + due: 2026-05-31",
    "  + status: planned",
    f"tracked change: deletion by {AUTHOR} on 2025-11-03: “every Performance”",
    f"tracked change: insertion by {AUTHOR} on 2025-11-03: “each Performance”",
    f"comment: response.chief_constable.comments[0]: {AUTHOR}, 2025-11-03: “Check this word with the force.”",
    "{docx}: warning: response.opening[0]: dropped formatting: colour (Markdown cannot say it)",
    "{docx}: warning: the layout's words “Local actions” were changed to “What we are doing locally”: "
    "not from the spec: change the layout or the profile",
    "{docx}: text typed outside any anchor (after response.closing[0], before response.sign_off.area): "
    "“Typed outside the anchors.” is not written; move it into the paragraph of the field it belongs to",
    "4 changes, 1 comment, 3 things not mapped, 2 tracked changes pending: the spec is unchanged "
    "(--write to change the spec)",
]


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Path, Path]:
    spec = _copy(tmp_path)
    made = tmp_path / "edited.docx"
    made.write_bytes(edit(_letter(spec), _word_edits))
    return spec, made


def test_word_edits_are_shown_per_field_and_nothing_is_written(edited: tuple[Path, Path]) -> None:
    spec, made = edited
    before = spec.read_bytes()
    code, out, err = run("absorb", made, "--into", spec)
    assert (code, err) == (0, "")
    assert out.splitlines() == [line.replace("{docx}", str(made)) for line in EXPECTED]
    assert spec.read_bytes() == before


def test_pending_tracked_changes_stop_write(edited: tuple[Path, Path]) -> None:
    spec, made = edited
    before = spec.read_bytes()
    code, _out, err = run("absorb", made, "--into", spec, "--write")
    assert code == 1
    assert err == (
        f"{made}: 2 tracked change(s) are pending: nothing written; resolve them in Word, "
        "or run again with --accept-changes or --reject-changes\n"
    )
    assert spec.read_bytes() == before


def test_accepted_edits_are_written_and_the_letter_then_says_what_the_edited_one_says(
    edited: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, made = edited
    notes = tmp_path / "review.md"
    code, out, _ = run("absorb", made, "--into", spec, "--accept-changes", "--write", "--notes", notes)
    assert code == 0
    assert (
        out.splitlines()[-1] == f"4 changes, 1 comment, 3 things not mapped, 2 tracked changes pending: {spec} written"
    )
    written = SpecDocument.read(spec)
    assert "officers were courteous and took them" in _flat(written.get("response.opening[0]"))
    assert "at each Performance and Accountability" in _flat(written.get("response.key_findings[1].commentary[0]"))
    assert _flat(written.get("response.chief_constable.comments[1]")).endswith(
        "same high standard of service.\n\nA new paragraph inside the comments."
    )
    assert dict(written.get("response.local_actions[1]")) == {
        "text": "Train every call handler.",
        "owner": "Head of Control Room",
        "due": __import__("datetime").date(2026, 5, 31),
        "status": "planned",
    }
    assert "# yaml-language-server" in spec.read_text()  # the rest of the file as typed
    review = notes.read_text()
    assert f"- response.chief_constable.comments[0]: {AUTHOR}, 2025-11-03: “Check this word with the force.”" in review
    # Rendered again, the letter's body says what the edited one says, bar what was named as not mapped.
    again = _text(_letter(spec))
    said = [t for t in _text(made.read_bytes()) if t not in ("Typed outside the anchors.", "What we are doing locally")]
    assert [t for t in again if t != "Local actions"] == said


def test_rejected_changes_leave_the_tracked_text_as_it_was(edited: tuple[Path, Path]) -> None:
    spec, made = edited
    code, _out, _ = run("absorb", made, "--into", spec, "--reject-changes", "--write")
    assert code == 0
    written = SpecDocument.read(spec)
    assert "at every Performance and Accountability" in _flat(written.get("response.key_findings[1].commentary[0]"))
    assert "officers were courteous" in _flat(written.get("response.opening[0]"))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_same_edits_after_a_libreoffice_save_say_the_same(edited: tuple[Path, Path], tmp_path: Path) -> None:
    spec, made = edited
    saved = tmp_path / "saved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(saved),
            str(made),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    code, out, _ = run("absorb", saved / "edited.docx", "--into", spec)
    assert code == 0
    assert out.splitlines() == [line.replace("{docx}", str(saved / "edited.docx")) for line in EXPECTED]


def test_a_list_item_added_by_copying_its_numbering_becomes_a_markdown_item(tmp_path: Path) -> None:
    spec = _copy(tmp_path, "loamshire-2014-statement")
    made = tmp_path / "edited.docx"
    made.write_bytes(
        edit(
            _letter(spec),
            lambda d: d.add_list_item(
                "response.body[3].text", "audit a sample", "publish the audit results every quarter;", tracked=True
            ),
        )
    )
    code, out, _ = run("absorb", made, "--into", spec, "--accept-changes", "--write")
    assert code == 0, out
    assert SpecDocument.read(spec).get("response.body[3].text") == (
        "The Commissioner has asked the Chief Constable to:\n\n"
        "1. audit a sample of incident records every month; and\n"
        "2. publish the audit results every quarter;\n"
        "3. report the results to the Commissioner’s accountability meeting.\n"
    )
    assert _text(_letter(spec)) == _text(made.read_bytes())


@pytest.mark.parametrize("example", [p.stem for p in SPECS])
def test_every_example_round_trips_with_edits_in_several_places(example: str, tmp_path: Path) -> None:
    spec = _copy(tmp_path, example)
    letter = _letter(spec)
    assert absorbing.report(absorbing.absorb(_save(tmp_path / "same.docx", letter), spec)) == []
    loaded = load_spec(spec)
    fields = absorbing.fields_of(loaded)
    names = Edited(letter).names()
    chosen: dict[str, str] = {}
    for name in names:
        kind = absorbing.kind_of(fields[name].path)
        if kind in ("block", "text", "plain") and kind not in chosen:
            chosen[kind] = name
        if "actions[" in fields[name].path and fields[name].path.endswith(".text"):
            chosen.setdefault("action", name)
    assert "block" in chosen and len(set(chosen.values())) >= 2  # paragraphs, and a value inside a line

    def touch(doc: Edited) -> None:
        doc.split_runs()
        for i, name in enumerate(dict.fromkeys(chosen.values())):
            doc.touch(name, f" Revised in Word {i}.", tracked=i == 0)

    made = _save(tmp_path / "edited.docx", edit(letter, touch))
    found = absorbing.absorb(made, spec, mode="accept", write=True)
    assert (len(found.changes), found.unmapped, found.written) == (len(set(chosen.values())), [], True)
    assert _text(_letter(spec)) == _text(made.read_bytes())


def _save(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_markdown_the_letter_can_say_comes_back_and_what_it_would_misread_is_escaped(tmp_path: Path) -> None:
    spec = _copy(tmp_path)
    made = tmp_path / "edited.docx"

    def steps(doc: Edited) -> None:
        doc.append_words("response.recommendations[0].response", " Every call is ")
        doc.append_words("response.recommendations[0].response", "checked", bold=True)
        doc.append_words("response.recommendations[0].response", " under rule *7_b* [draft].")

    made.write_bytes(edit(_letter(spec), steps))
    code, _, _ = run("absorb", made, "--into", spec, "--write")
    assert code == 0
    assert _flat(SpecDocument.read(spec).get("response.recommendations[0].response")).endswith(
        "Every call is **checked** under rule \\*7\\_b\\* \\[draft\\]."
    )
    assert _text(_letter(spec)) == _text(made.read_bytes())


def test_inline_markdown_of_runs() -> None:
    pieces = [
        docx_read.Piece("Read "),
        docx_read.Piece("the report", href="https://example.gov.uk/r"),
        docx_read.Piece(" now", italic=True),
        docx_read.Piece(": "),
        docx_read.Piece("s55", code=True),
    ]
    assert docx_read.inline_markdown(pieces) == "Read [the report](https://example.gov.uk/r) *now*: `s55`"
    assert docx_read.inline_markdown(pieces, plain=True) == "Read the report now: s55"


def test_deleted_in_word_deletes_list_items_and_actions_and_names_what_cannot_be_empty(tmp_path: Path) -> None:
    spec = _copy(tmp_path)
    made = tmp_path / "edited.docx"

    def steps(doc: Edited) -> None:
        doc.delete_paragraphs("response.chief_constable.comments[1]")
        doc.delete_row("response.recommendations[0].actions[1].text")
        doc.clear("response.recommendations[2].response")

    made.write_bytes(edit(_letter(spec), steps))
    code, out, _ = run("absorb", made, "--into", spec, "--write")
    assert code == 0
    lines = out.splitlines()
    assert "response.chief_constable.comments[1]: deleted in Word" in lines
    assert "response.recommendations[0].actions[1]: deleted in Word" in lines
    assert (
        f"{made}: response.recommendations[2].response: its text was deleted in Word, and the field cannot be "
        "empty: not written; give it new words in Word or in the spec"
    ) in lines
    written = load_spec(spec).spec
    assert len(written.response.chief_constable.comments) == 1
    assert [a.text for a in written.response.recommendations[0].actions] == [
        "Train all call handlers in the structured risk assessment tool."
    ]
    assert written.response.recommendations[2].response.startswith("Accepted.")
