"""What a new user reads agrees with what the tool does: every option `--help` shows is in the README's
section for its verb, and `new` refuses a value the spec's schema would, as validate words it."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from jtai_letters import cli

from .helpers import ROOT, run

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"

# Where the README describes each verb: the section under this heading (to the next heading).
SECTIONS = {
    "render": "## Using it",
    "batch": "### Batches",
    "validate": "### When something is wrong",
    "register": "### Tracking what was promised",
    "progress": "### Tracking what was promised",
    "deadlines": "### Tracking what was promised",
    "update": "### Tracking what was promised",
    "extract-spec": "## Using it",
    "layouts": "## Using it",
    "preview": "## Preview",
    "edit": "## Preview",
    "schema": "### Checking specs in an editor",
    "new": "## Using it",
    "draft": "### Starting from the report",
    "absorb": "## The Word round trip",
    "publish": "### Publishing",
}
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*(?![\w-])")


def _help(verb: str) -> str:
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), pytest.raises(SystemExit):
        cli.main([verb, "--help"])
    return shown.getvalue()


def _section(heading: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"\n{heading}\n") + len(heading) + 2
    following = re.search(r"^#{1,6} ", text[start:], re.M)
    return text[start : start + following.start()] if following else text[start:]


def test_every_verb_has_a_readme_section() -> None:
    usage = io.StringIO()
    with contextlib.redirect_stdout(usage), pytest.raises(SystemExit):
        cli.main(["--help"])
    verbs = re.search(r"\{([a-z,-]+)\}", usage.getvalue())  # argparse's list of the verbs
    assert verbs is not None
    assert sorted(verbs.group(1).split(",")) == sorted(SECTIONS)


@pytest.mark.parametrize("verb", sorted(SECTIONS))
def test_every_option_in_help_is_in_the_readme_section_of_its_verb(verb: str) -> None:
    shown = set(_OPTION.findall(_help(verb))) - {"--help"}
    described = set(_OPTION.findall(_section(SECTIONS[verb])))
    assert sorted(shown - described) == []


def test_new_refuses_a_value_the_schema_would_as_validate_words_it(tmp_path: Path) -> None:
    code, out, err = run("new", "--layout", "letter", "--url", "notaurl")
    assert (code, out) == (1, "")  # nothing printed to redirect into a file
    assert err == (
        "--url: report.url: expected an absolute http(s) URL like https://www.example.gov.uk/page, got 'notaurl'\n"
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        MINIMAL.read_text().replace("https://hmicfrs.justiceinspectorates.gov.uk/publications/loamshire/", "notaurl")
    )
    validated = run("validate", spec)[1].splitlines()[0]
    assert validated.split(": ", 1)[1] == err.split(": ", 1)[1].rstrip("\n")


def test_new_names_each_option_once_even_where_its_value_fills_two_fields() -> None:
    code, out, err = run("new", "--layout", "letter", "--commissioner", " ", "--report-title", "")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["--commissioner: office.commissioner: must not be empty"]


def test_tracking_help_says_what_each_verb_does_with_its_options(tmp_path: Path) -> None:
    # deadlines judges nothing overdue: its calendar holds every open action
    assert "overdue" not in " ".join(_help("deadlines").split())
    assert "progress dated after this date is left out, with a warning" in " ".join(_help("deadlines").split())
    # progress writes a web page too, and says so
    assert "-o OUT, --out OUT the file to write: .pdf, .docx or .html" in " ".join(_help("progress").split())
    spec = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"
    code, out, _ = run("progress", spec, "-o", tmp_path / "p.html", "--as-of", "2026-02-01")
    assert code == 0 and out.startswith(f"{tmp_path / 'p.html'}: 1 spec, ")
    assert "<h2>Summary</h2>" in (tmp_path / "p.html").read_text()
