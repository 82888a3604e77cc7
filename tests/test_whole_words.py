"""No word is cut across lines in a table too narrow for it: the letters of every example and the
progress report across them, read back from the PDF ("Statu s", "Recommendati on" were)."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest

from jtai_letters import build
from jtai_letters.pipeline.build import Options

from .helpers import ROOT, run

EXAMPLES = sorted((ROOT / "responses").glob("*.yaml"))
_WORD = r"[^\W\d_][^\W\d_’']*"


def _words(spec: Path) -> set[str]:
    text = re.sub(r"\S+://\S+|\S+@\S+", " ", spec.read_text(encoding="utf-8"))  # addresses break anywhere
    return set(re.findall(_WORD, text))


def cut_words(pdf: Path, words: set[str]) -> list[str]:
    """Each word of `words` the PDF's text shows split across two lines."""
    return cut_in(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout, words)


def cut_in(text: str, words: set[str]) -> list[str]:
    """Each word of `words` split across two lines of `text`, hyphenated or not ('Statu|s', 'Recom-|mendation')."""
    lines = [line.strip() for line in text.splitlines()]
    found = []
    for above, below in itertools.pairwise(lines):
        end = re.search(rf"({_WORD})(-?)$", above)
        start = re.match(_WORD, below)
        if not end or not start or any(c in above.rsplit(" ", 1)[-1] for c in "/_@"):
            continue  # a web or e-mail address breaks where it must
        whole = end.group(1) + start.group(0) in words
        if whole and (end.group(1) not in words or start.group(0) not in words or end.group(2)):
            found.append(f"{end.group(1)}{end.group(2)}|{start.group(0)}")
    return found


def test_the_check_finds_a_cut_word_and_not_two_whole_ones() -> None:
    words = {"Status", "Recommendation", "Superintendent", "in", "progress", "inprogress"}
    text = "Status\nStatu\ns\nthe Recom-\nmendation\nSuperintenden\nt, Crime\nin\nprogress\n"
    assert cut_in(text, words) == ["Statu|s", "Recom-|mendation", "Superintenden|t"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whole-words")
    for spec in EXAMPLES:
        build(spec, out, Options(formats=("pdf",)))
    code, _, _ = run("progress", ROOT / "responses", "-o", out / "progress.pdf", "--as-of", "2026-01-01")
    assert code == 0
    return out


@pytest.mark.parametrize("spec", EXAMPLES, ids=[s.stem for s in EXAMPLES])
def test_no_word_of_an_example_is_cut_in_its_letter(rendered: Path, spec: Path) -> None:
    assert cut_words(rendered / f"{spec.stem}.pdf", _words(spec)) == []


def test_no_word_is_cut_in_the_progress_report(rendered: Path) -> None:
    words = set().union(*(_words(spec) for spec in EXAMPLES)) | {"Recommendation", "Status", "Planned"}
    assert cut_words(rendered / "progress.pdf", words) == []
