"""Specs that are valid YAML but hostile or unusual: each once cost minutes, was accepted
when it should not be, or was refused with a misleading message."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from jtai_letters import cli

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return cli.main([str(a) for a in argv], out, err), out.getvalue(), err.getvalue()


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
