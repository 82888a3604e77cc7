"""One checking path: validate, render, preview and edit say the same problems of a spec, in the same words.

Every verb asks `inspect`; these tests hold them to it over every spec in the project,
good and bad, and over the case that once split them: a Welsh letter whose layout prints
a sentence the catalogue has no Welsh for (a `translation` warning found only after
rendering, which `render` never reported, so `render --strict` wrote what
`validate --strict` refused).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from jtai_letters import Inspection, inspect
from jtai_letters.errors import SpecError
from jtai_letters.faces.editor import Editor
from jtai_letters.faces.preview import Preview
from jtai_letters.pipeline.options import Options

from .helpers import ROOT, run, templates_leaving_english

MINIMAL = ROOT / "tests" / "minimal.yaml"
AGREEMENT = Path(__file__).resolve().parent / "agreement"
WELSH = AGREEMENT / "welsh-key-findings.yaml"
AS_OF = "8999-12-31"  # letters never read the clock: validate and preview are given a day no update is after
EVERY_SPEC = sorted(p.relative_to(ROOT) for folder in ("tests", "responses") for p in (ROOT / folder).rglob("*.y*ml"))


SENTENCE = "On %(date)s the report was published with the following key findings:"


@pytest.fixture
def untranslated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of our templates whose Welsh catalogue lacks the findings' introduction (as an office's may)."""
    return templates_leaving_english(tmp_path_factory.mktemp("untranslated"), monkeypatch, SENTENCE)


def _validate(spec: Path, *strict: str) -> list[str]:
    _, out, _ = run("validate", spec, "--as-of", AS_OF, *strict)
    summary = re.compile(rf"{re.escape(str(spec))}: (?:valid|invalid)(?: \(\d+ warnings?\))?")
    return [line for line in out.splitlines() if not summary.fullmatch(line)]


def _render(spec: Path, out_dir: Path, *extra: str) -> tuple[int, list[str]]:
    # The web page only: validate prints nothing, so the printing libraries' warnings are render's alone.
    code, _, err = run("render", spec, "--strict", "--format", "html", "-o", out_dir, *extra)
    return code, [line for line in err.splitlines() if ": out of date: " not in line]


def test_the_spec_that_split_them_is_refused_by_both_in_the_same_words(tmp_path: Path, untranslated: Path) -> None:
    said = (
        f"{WELSH.relative_to(ROOT)}:53:3: response.findings_intro: the layout's sentence “On %(date)s the report "
        "was published with the following key findings:” has no Welsh translation in the catalogue and prints in "
        "English; write response.findings_intro to give your own words"
    )
    spec = WELSH.relative_to(ROOT)
    out = tmp_path / "out"
    assert _validate(spec, "--strict", "--templates", str(untranslated)) == [said]
    assert _render(spec, out, "--templates", str(untranslated)) == (1, [said])
    assert not out.exists() or not list(out.iterdir())  # refused: nothing written
    warned = said.replace(": response.findings_intro:", ": warning: response.findings_intro:")
    assert _validate(spec, "--templates", str(untranslated)) == [warned]


def test_inspect_finds_the_post_render_warning_once_whatever_is_asked(untranslated: Path) -> None:
    options = Options(formats=("html",), templates_dir=untranslated)
    for until in ("render", "write"):
        found = inspect(WELSH, options, until=until)
        assert [p.rule for p in found.warnings] == ["translation"], until
        assert found.errors == [] and found.letter is not None
    assert inspect(WELSH, options, until="check").warnings == []  # before rendering nothing knows the sentence
    strict = inspect(WELSH, options, until="write", strict=True)
    assert [p.rule for p in strict.errors] == ["translation"] and strict.outputs == {}


@pytest.mark.parametrize("spec", EVERY_SPEC, ids=str)
def test_validate_render_preview_and_edit_say_the_same_problems(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    strict = _validate(spec, "--strict")
    code, rendered = _render(spec, tmp_path)
    assert rendered == strict
    assert code == (1 if strict else 0)
    as_of = dt.date.fromisoformat(AS_OF)
    state = Preview(spec, Options(), as_of=as_of).refresh()
    said = _validate(spec)
    assert [str(p) for p in _errors_first(state.problems)] == said
    # The editor checks its text in memory (here: the file's, unchanged), and lists what validate does.
    try:
        editor = Editor(spec, Options(), as_of=as_of)
    except SpecError:  # a file the round-trip writer cannot change (not YAML, not a mapping): edit refuses it
        assert code == 1, f"edit refused {spec}, which validate accepts"
        return
    assert [str(p) for p in _errors_first(editor.refresh().problems)] == said


def _errors_first(problems: tuple[object, ...]) -> list[object]:
    return [p for p in problems if getattr(p, "severity", "") == "error"] + [
        p for p in problems if getattr(p, "severity", "") == "warning"
    ]


def test_an_inspection_sent_from_a_worker_carries_no_model() -> None:
    found = inspect(WELSH)
    lean = found.lean()
    assert isinstance(lean, Inspection) and lean.spec is None and lean.letter is None
    assert lean.problems == found.problems and lean.deadline == found.deadline


def test_the_previews_downloads_report_what_printing_logged(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # An office's stylesheet that WeasyPrint skips parts of, as it prints the PDF.
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "statement.css").write_text("p { colr: red; font-size: 12potatoes; }\n")
    preview = Preview(MINIMAL, Options(templates_dir=templates))
    before = preview.refresh().problems
    assert preview.download("pdf") is not None
    after = preview.state.problems
    printed = [str(p) for p in after[len(before) :]]
    assert len(printed) == 2 and all(line.startswith(f"{MINIMAL}: warning: while printing: ") for line in printed)
    assert "colr" in printed[0] and "12potatoes" in printed[1]
    assert capfd.readouterr().err == ""  # nothing on stderr (and the autouse fixture: nothing logged)
