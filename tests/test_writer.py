"""The round-trip writer every spec-changing verb shares: values change, nothing else does."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
from pathlib import Path

import pytest

from jtai_letters import load_spec
from jtai_letters.errors import OutputError, SpecError, UsageError
from jtai_letters.spec.writer import SpecChanged, SpecDocument

from .helpers import ROOT

EXAMPLES = sorted([*(ROOT / "responses").glob("*.yaml"), *(ROOT / "profiles").glob("*.yaml")])
PEEL = ROOT / "responses" / "loamshire-2025-peel.yaml"


def diff(doc: SpecDocument) -> list[str]:
    """The changed lines, as `+`/`-` lines without the diff's own headers."""
    lines = difflib.unified_diff(doc.original.splitlines(), doc.text().splitlines(), lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_reads_back_byte_for_byte(path: Path) -> None:
    doc = SpecDocument.read(path)
    assert doc.text() == path.read_text(encoding="utf-8")
    assert not doc.changed()


def test_a_date_that_is_no_day_is_kept_as_written_until_corrected() -> None:
    # `edit` on such a file once ended in ruamel's traceback ("day is out of range for month").
    doc = SpecDocument.read(ROOT / "tests" / "bad" / "impossible-date.yaml")
    assert doc.get("report.published") == "2025-02-30"
    doc.set("response.reference", "OPCC/2025/7")
    assert diff(doc) == ["+  reference: OPCC/2025/7"]
    doc.set("report.published", dt.date(2025, 2, 28))
    assert diff(doc) == ["-  published: 2025-02-30", "+  published: 2025-02-28", "+  reference: OPCC/2025/7"]


def test_a_changed_value_changes_its_line_and_nothing_else() -> None:
    doc = SpecDocument.read(PEEL)
    doc.set("report.judgements[0].grade", "outstanding")
    doc.set("response.reference", "OPCC/2025/132")
    assert diff(doc) == [
        "-    - {area: Police legitimacy, grade: good}",
        "-  reference: OPCC/2025/131",
        "+    - {area: Police legitimacy, grade: outstanding}",
        "+  reference: OPCC/2025/132",
    ] or diff(doc) == [
        "-    - {area: Police legitimacy, grade: good}",
        "+    - {area: Police legitimacy, grade: outstanding}",
        "-  reference: OPCC/2025/131",
        "+  reference: OPCC/2025/132",
    ]


def test_comments_and_quoting_are_kept() -> None:
    text = (
        "# top comment\n"
        "report:\n"
        "  title: 'Quoted: kept'   # an end-of-line comment\n"
        '  series: "Double"\n'
        "\n"
        "  # a comment before a key\n"
        "  kind: peel\n"
    )
    doc = SpecDocument.from_text(text, Path("x.yaml"))
    doc.set("report.series", "Changed")
    doc.set("report.title", "Still quoted")
    assert doc.text() == text.replace("'Quoted: kept'", "'Still quoted'").replace('"Double"', '"Changed"')


def test_text_a_person_would_misread_unquoted_is_quoted_and_reads_back_whole() -> None:
    doc = SpecDocument.from_text("response:\n  text: Old\n", Path("x.yaml"))
    said = "Accepted. A new model (see action #2) starts: in January."
    doc.set("response.text", said)
    assert diff(doc) == ["-  text: Old", f'+  text: "{said}"']
    assert SpecDocument.from_text(doc.text(), Path("x.yaml")).get("response.text") == said


def test_text_of_several_lines_becomes_a_literal_block() -> None:
    doc = SpecDocument.from_text("response:\n  text: Old\n  next: 1\n", Path("x.yaml"))
    doc.set("response.text", "First paragraph.\n\n- a bullet\n- another")
    assert doc.text() == "response:\n  text: |\n    First paragraph.\n\n    - a bullet\n    - another\n  next: 1\n"


def test_an_appended_item_goes_before_the_blank_line_that_ends_its_list() -> None:
    doc = SpecDocument.read(PEEL)
    doc.append("report.recommendations", {"id": "R4", "text": "Another.", "addressed_to": "chief constables"})
    doc.append("response.sign_off_steps", {"step": "published", "date": dt.date(2025, 11, 20)})
    original = PEEL.read_text(encoding="utf-8")
    r3 = "      text: Within three months, the force should answer emergency calls within ten seconds.\n      addressed_to: chief constables\n"
    added = "    - id: R4\n      text: Another.\n      addressed_to: chief constables\n"
    expected = original.replace(r3, r3 + added) + "    - step: published\n      date: 2025-11-20\n"
    assert doc.text() == expected
    lines = doc.text().splitlines()
    assert lines[lines.index("      text: Another.") + 2] == ""  # the blank line before `response:` stays after it


def test_saved_changes_still_make_a_valid_spec(tmp_path: Path) -> None:
    target = tmp_path / PEEL.name
    target.write_bytes(PEEL.read_bytes())
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    target.write_text(target.read_text(encoding="utf-8").replace("../profiles/", "profiles/"), encoding="utf-8")
    doc = SpecDocument.read(target)
    doc.set("report.recommendations[1].text", "Within six months: the force should (see #2) act.")
    doc.save()
    spec = load_spec(target).spec
    assert spec.report.recommendations[1].text == "Within six months: the force should (see #2) act."
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_file_changed_on_disk_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "spec.yaml"
    target.write_text("report:\n  title: Mine\n", encoding="utf-8")
    doc = SpecDocument.read(target)
    target.write_text("report:\n  title: Theirs\n", encoding="utf-8")
    doc.set("report.title", "Changed")
    with pytest.raises(SpecChanged) as caught:
        doc.save()
    assert str(caught.value) == (
        f"{target}: changed on disk since it was opened (by an editor or git?): reload it, then change it again"
    )
    assert target.read_text(encoding="utf-8") == "report:\n  title: Theirs\n"


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "spec.yaml"
    target.write_text("report:\n  title: Mine\n", encoding="utf-8")
    doc = SpecDocument.read(target)
    doc.set("report.title", "Changed")

    def full_disk(src: str, dst: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match="cannot write: No space left on device"):
        doc.save()
    assert target.read_text(encoding="utf-8") == "report:\n  title: Mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["spec.yaml"]


def test_windows_line_endings_and_a_byte_order_mark_are_kept() -> None:
    text = "\ufeffreport:\r\n  title: Old\r\n  kind: peel\r\n"
    doc = SpecDocument.from_text(text, Path("x.yaml"))
    doc.set("report.title", "New")
    assert doc.text() == "\ufeffreport:\r\n  title: New\r\n  kind: peel\r\n"


def test_moving_and_deleting_list_items() -> None:
    doc = SpecDocument.from_text("copies:\n  - A\n  - B\n  - C\n", Path("x.yaml"))
    doc.move("copies[2]", -2)
    doc.delete("copies[1]")
    assert doc.text() == "copies:\n  - C\n  - B\n"


def test_bad_paths_and_bad_files_are_located_errors(tmp_path: Path) -> None:
    doc = SpecDocument.from_text("report:\n  title: x\n", Path("x.yaml"))
    with pytest.raises(UsageError, match=r"is not a field path"):
        doc.set("report..title", "y")
    with pytest.raises(UsageError, match=r"^report.title.x: no such place in the spec$"):
        doc.set("report.title.x", "y")
    bad = tmp_path / "bad.yaml"
    bad.write_text("report:\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad.yaml:\d+: cannot change this file: it is not valid YAML"):
        SpecDocument.read(bad)
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"it is not a spec"):
        SpecDocument.read(bad)
