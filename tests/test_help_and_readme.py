"""What a new user reads agrees with what the tool does: every option `--help` shows is in the section of
docs/commands.md for its verb (the README has one line per verb), and `new` refuses a value the spec's schema
would, as validate words it."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from jtai_letters import cli

from .helpers import ROOT, run

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"

# Where each verb's options are described: a section of docs/commands.md (to the next heading).
# The README keeps one line per verb and links here.
COMMANDS = "docs/commands.md"
SECTIONS = {
    "render": "## render, new, layouts, extract-spec",
    "batch": "## batch",
    "validate": "## validate: when something is wrong",
    "register": "## register, progress, deadlines: tracking what was promised",
    "progress": "## register, progress, deadlines: tracking what was promised",
    "deadlines": "## register, progress, deadlines: tracking what was promised",
    "update": "## register, progress, deadlines: tracking what was promised",
    "extract-spec": "## render, new, layouts, extract-spec",
    "layouts": "## render, new, layouts, extract-spec",
    "preview": "## preview",
    "edit": "## edit",
    "schema": "## schema: checking specs in an editor",
    "new": "## render, new, layouts, extract-spec",
    "publish": "## publish",
    "absorb": "## absorb: the Word round trip",
    "draft": "## draft: starting from the report",
}
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*(?![\w-])")


def _help(verb: str) -> str:
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), pytest.raises(SystemExit):
        cli.main([verb, "--help"])
    return shown.getvalue()


def _section(heading: str) -> str:
    text = (ROOT / COMMANDS).read_text()
    start = text.index(f"\n{heading}\n") + len(heading) + 2
    following = re.search(r"^#{1,2} ", text[start:], re.M)
    return text[start : start + following.start()] if following else text[start:]


def test_every_verb_has_a_line_in_the_readme_and_a_section_in_the_commands_page() -> None:
    usage = io.StringIO()
    with contextlib.redirect_stdout(usage), pytest.raises(SystemExit):
        cli.main(["--help"])
    verbs = re.search(r"\{([a-z,-]+)\}", usage.getvalue())  # argparse's list of the verbs
    assert verbs is not None
    assert sorted(verbs.group(1).split(",")) == sorted(SECTIONS)
    commands = _readme_section("## Commands")
    for verb in SECTIONS:
        assert f"`{verb}" in commands, verb


def _readme_section(heading: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"\n{heading}\n")
    following = re.search(r"^## ", text[start + len(heading) + 2 :], re.M)
    return text[start : start + len(heading) + 2 + following.start()] if following else text[start:]


def test_the_readme_stays_short_and_starts_with_the_first_letter() -> None:
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) < 250
    headings = re.findall(r"^## (.*)$", text, re.M)
    assert headings.index("Your first letter") < headings.index("Commands")
    first = _readme_section("## Your first letter")
    for step in (
        "jtai-letters new ",
        "docs/writing-specs.md",
        "jtai-letters preview ",
        "jtai-letters validate ",
        "jtai-letters render ",
    ):
        assert step in first, step
    assert first.index("preview ") < first.index("validate ") < first.index("render ")


def test_every_docs_link_in_the_readme_leads_to_a_heading_that_exists() -> None:
    text = (ROOT / "README.md").read_text()
    for page, anchor in re.findall(r"\]\((docs/[\w.-]+\.md)(?:#([\w-]+))?\)", text):
        target = (ROOT / page).read_text()
        if anchor:
            anchors = {
                re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.*)$", target, re.M)
            }
            assert anchor in anchors, f"{page}#{anchor}"


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


def test_the_readme_example_validates_without_a_warning(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text()
    example = re.search(r"^## What a spec looks like\n.*?```yaml\n(.*?)```", text, re.M | re.S)
    assert example is not None
    spec = tmp_path / "example.yaml"
    spec.write_text(example.group(1))
    assert run("validate", spec)[:2] == (0, f"{spec}: valid\n")


def test_the_readme_and_help_say_format_names_every_format_as_render_does(tmp_path: Path) -> None:
    # The trial's officer read "`--format html` adds the letter as a web page" and lost the PDF and Word.
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert (
        "`--format` names every format to write: `--format docx,pdf,html` adds the letter as a web page "
        "(`out/peel-response.html`), and `--format html` alone writes the web page only."
    ) in readme
    assert "html alone writes the web page only" in " ".join(_help("render").split())
    for formats, written in (
        ("html", ["minimal.html"]),
        ("docx,pdf,html", ["minimal.docx", "minimal.html", "minimal.pdf"]),
    ):
        out = tmp_path / formats
        assert run("render", MINIMAL, "-o", out, "--format", formats)[0] == 0
        assert sorted(p.name for p in out.iterdir() if p.suffix != ".json") == written
