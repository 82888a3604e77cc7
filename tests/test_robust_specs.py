"""Specs that are valid YAML but hostile or unusual: each once cost minutes, was accepted
when it should not be, or was refused with a misleading message."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from jtai_letters import cli

from .helpers import run

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"


def first_problem(tmp_path: Path, text: str) -> str:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    code, out, _ = run("validate", spec)
    assert code == 1, out
    return out.splitlines()[0].removeprefix(f"{spec}:")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("true", "2:17: schema_version: expected the number 1, got true"),
        ("1.0", "2:17: schema_version: expected the number 1, got 1.0"),
        ("'1'", "2:17: schema_version: expected the number 1, got '1'"),
    ],
)
def test_schema_version_is_the_number_one(value: str, message: str, tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("schema_version: 1\n", f"schema_version: {value}\n")
    assert first_problem(tmp_path, text) == message


def test_a_merge_key_says_merge_keys_are_not_supported(tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("office:\n", "defaults: &d {telephone: '01632 960 123'}\noffice:\n  <<: *d\n")
    assert first_problem(tmp_path, text) == (
        "6:3: office: merge keys (<<) are not supported: write the fields out, or name an office profile"
    )


def test_a_very_long_unbroken_word_fails_fast_with_its_place(tmp_path: Path) -> None:
    link = "https://loamshire.sharepoint.example/" + "a" * 20_000
    text = MINIMAL.read_text().replace("We welcome the report.", f"See {link} now.")
    assert first_problem(tmp_path, text) == (
        "22:7: response.context[0]: holds a word of 20,037 characters without a space (at most 1,000): "
        "give a long link words, like [the action plan](https://...)"
    )


def test_a_thousand_rows_reused_through_aliases_is_refused_before_building(tmp_path: Path) -> None:
    rows = "".join(f"  - {{text: Action {i}, owner: Head of Unit, due: 2026-01-31}}\n" for i in range(1000))
    text = MINIMAL.read_text().replace(
        "      response: Accepted; the force has a plan.\n",
        "      response: Accepted; the force has a plan.\n      actions: *rows\n",
    )
    text = (
        "x-rows: &rows\n"
        + rows
        + text.replace("schema_version: 1\n", "").replace(
            "response:\n  date", "response:\n  closing: [*rows, *rows]\n  date"
        )
    )
    assert len(text) < 64_000  # the size of a short spec; built, it would be 3,000 rows
    problem = first_problem(tmp_path, "schema_version: 1\n" + text)
    assert problem.endswith(
        "holds more than 2,000 list items in all (aliases repeated?); "
        "a letter this long cannot be printed in reasonable time"
    )


def test_a_report_published_at_the_end_of_the_calendar_is_no_overflow(tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("published: 2025-09-18", "published: 9999-11-30")
    text = text.replace("date: 2025-10-30", "date: 9999-12-31")
    spec = tmp_path / "late.yaml"
    spec.write_text(text)
    code, out, err = run("validate", spec, "--format", "json")
    # A located error, as on the command line (issue 28: deadlines and due dates counted on from such a
    # date ran past the calendar's end, an OverflowError in `deadlines`).
    assert (code, err) == (1, "")
    [report] = json.loads(out)
    assert [(e["loc"], e["message"]) for e in report["errors"]] == [
        ("report.published", "expected a date in the year 9000 or before, got 9999-11-30"),
        ("response.date", "expected a date in the year 9000 or before, got 9999-12-31"),
    ]
    code, _, err = run("new", "--layout", "letter", "--published", "9999-12-31")
    assert code == 1
    assert err == "--published: report.published: expected a date before the year 9000, got '9999-12-31'\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "We welcome the \u202ereport\u202c.",
            "contains the bidirectional control U+202E, which changes the order readers see the text in; delete it",
        ),
        ("\u200b\u200b", "holds only invisible characters (zero-width spaces); write the text"),
    ],
)
def test_text_that_reads_differently_from_what_prints_is_flagged(text: str, message: str, tmp_path: Path) -> None:
    import json

    spec_text = MINIMAL.read_text().replace("We welcome the report.", json.dumps(text))
    assert first_problem(tmp_path, spec_text) == f"22:7: response.context[0]: {message}"


def test_urdu_with_its_direction_marks_is_not_flagged(tmp_path: Path) -> None:
    spec = tmp_path / "urdu.yaml"
    spec.write_text(MINIMAL.read_text().replace("We welcome the report.", "رپورٹ \u200fکا خیر مقدم (HMICFRS)"))
    assert run("validate", spec)[0] == 0


def test_spec_suffixes_are_found_in_any_case(tmp_path: Path) -> None:
    for name in ("a.YAML", "b.Yml", "c.yaml"):
        (tmp_path / name).write_text(MINIMAL.read_text())
    code, out, _ = run("validate", tmp_path)
    assert code == 0
    assert [line.split(": ")[0] for line in out.splitlines()] == [
        str(tmp_path / n) for n in ("a.YAML", "b.Yml", "c.yaml")
    ]


def test_a_symlinked_output_says_it_is_a_link(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "minimal.pdf").symlink_to(tmp_path / "elsewhere.pdf")
    code, _, err = run("render", MINIMAL, "-o", out)
    assert code == 1
    assert err == (
        f"{MINIMAL}: {out / 'minimal.pdf'} is a symbolic link (to {tmp_path / 'elsewhere.pdf'}); "
        "remove it: letters are not written on links\n"
    )
    assert not (tmp_path / "elsewhere.pdf").exists()


def test_a_full_disk_names_the_file_being_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as the kernel reports it: no file name

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = run("render", MINIMAL, "-o", tmp_path, "--format", "pdf")
    assert code == 1
    assert err == f"{tmp_path / 'minimal.pdf'}: cannot write: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_words_of_exactly_the_limit_are_allowed_however_many(tmp_path: Path) -> None:
    # 1.99 MB of 1,000-character words: the word check is anchored at word starts, so this reads in
    # linear time (an unanchored pattern took 4 s here).
    words = " ".join(["w" * 1000] * 1990)
    spec = tmp_path / "words.yaml"
    spec.write_text(MINIMAL.read_text().replace("We welcome the report.", words))
    code, out, _ = run("validate", spec)
    assert (code, out) == (0, f"{spec}: valid\n")


def test_names_too_long_for_the_file_system_are_missing_files_not_tracebacks(tmp_path: Path) -> None:
    long = "a" * 300 + ".yaml"
    text = MINIMAL.read_text().replace("office:\n", f"office:\n  profile: {long}\n")
    assert first_problem(tmp_path, text) == (
        f"5:12: office.profile: no such profile: '{long}' (looked for {long} in {tmp_path.resolve()})"
    )
    logo = f"  area: Loamshire\n  logo: {{path: {long}, alt: Logo}}\n"
    text = MINIMAL.read_text().replace("  area: Loamshire\n", logo)
    assert first_problem(tmp_path, text) == (
        f"9:16: office.logo.path: '{long}' does not exist (looked in {tmp_path.resolve()})"
    )
    for argv in (["validate", long], ["render", MINIMAL, "--profile", long], ["render", MINIMAL, "--templates", long]):
        code, _, err = run(*argv)
        assert code == 2 and err.startswith("error: ") and len(err.splitlines()) == 1


def test_output_to_a_closed_pipe_ends_without_a_traceback() -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")  # `validate ... | head` after head has exited

    assert cli.main(["validate", str(MINIMAL)], ClosedPipe(), io.StringIO()) == 1
