"""A bad edited document: one named fixture each under tests/docx-edits/ (made by its make.py), each a
located error that writes nothing, read within fixed bounds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .helpers import run

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "docx-edits"

REFUSED = {
    "zip-bomb.docx": "word/document.xml unpacks 1010 times its packed size: refused as a zip bomb",
    "deep-nesting.docx": "word/document.xml is not well-formed XML (Excessive depth in document: 256, use "
    "XML_PARSE_HUGE option, line 2, column 4361): the document is damaged",
    "thousands-of-anchors.docx": "more than 20000 bookmarks: not a letter this tool made",
    "not-made-by-the-tool.docx": "this document carries no anchors of jtai-letters: only a DOCX the tool made "
    "(with this version) can come back into a spec; an officer's own Word draft is not read",
    "macro-enabled.docx": "a macro-enabled document (.docm) is refused: save it as a Word Document (.docx) "
    "without macros",
    "macro-enabled.docm": "a macro-enabled document (.docm) is refused: save it as a Word Document (.docx) "
    "without macros",
    "encrypted.docx": "this is not a .docx package but a compound file: a password-protected (encrypted) "
    "document or an old .doc; remove the password (Word: File > Info > Protect Document) and save as .docx",
    "truncated.docx": "not a DOCX (a Word document is a zip package): File is not a zip file",
    "broken-xml.docx": "word/document.xml is not well-formed XML (AttValue: \" or ' expected, line 2, column "
    "2831): the document is damaged",
}


def test_every_fixture_is_named_here() -> None:
    made = {p.name for p in FIXTURES.iterdir() if p.suffix in (".docx", ".docm")}
    assert made == {*REFUSED, "bogus-anchor.docx"}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_document_is_a_located_error_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    spec = Path(shutil.copy(HERE / "minimal.yaml", tmp_path / "spec.yaml"))
    before = spec.read_bytes()
    code, out, err = run("absorb", FIXTURES / name, "--into", spec, "--write")
    assert (code, out) == (1, "")
    assert err == f"{FIXTURES / name}: {REFUSED[name]}\n"
    assert spec.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.yaml"]


def test_an_anchor_naming_no_field_is_named_and_stops_write(tmp_path: Path) -> None:
    spec = Path(shutil.copy(HERE / "minimal.yaml", tmp_path / "spec.yaml"))
    before = spec.read_bytes()
    fixture = FIXTURES / "bogus-anchor.docx"
    named = (
        f"{fixture}: _jtb_00000000deadbeef: an anchor names no field of this spec (was the spec changed since "
        "the DOCX was made, or the bookmark made by hand?): its text “We welcome the report.” is not read"
    )
    code, out, err = run("absorb", fixture, "--into", spec)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        named,
        f"{fixture}: response.context[0]: its anchor is gone but its words are still in the document (moved, "
        "or the bookmark deleted): not written",
        "0 changes, 0 comments, 2 things not mapped: the spec is unchanged",
    ]
    code, out, err = run("absorb", fixture, "--into", spec, "--write")
    assert (code, out, err) == (1, "", f"{named}\n{spec}: nothing written\n")
    assert spec.read_bytes() == before


def test_a_missing_document_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("absorb", tmp_path / "nowhere.docx", "--into", HERE / "minimal.yaml")
    assert (code, err) == (2, f"error: no such file: {tmp_path / 'nowhere.docx'}\n")
