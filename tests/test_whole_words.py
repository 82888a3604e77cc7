"""No word is cut across lines in a table too narrow for it: the letters of every example and the
progress report across them, read back from the PDF ("Statu s", "Recommendati on" were) and from
their Word versions as LibreOffice prints them ("Pennaet h" was)."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest

from .helpers import ROOT, docx_paragraphs, run

EXAMPLES = sorted((ROOT / "responses").glob("*.yaml"))
_WORD = r"[^\W\d_][^\W\d_’']*"


def _words(spec: Path) -> set[str]:
    text = re.sub(r"\S+://\S+|\S+@\S+", " ", spec.read_text(encoding="utf-8"))  # addresses break anywhere
    return set(re.findall(_WORD, text))


def _words_of_docx(path: Path) -> set[str]:
    """The words a DOCX holds, whole (its paragraphs', table cells' and letterhead's)."""
    return set(re.findall(_WORD, re.sub(r"\S+://\S+|\S+@\S+", " ", "\n".join(docx_paragraphs(path)))))


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
def progress_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whole-words") / "progress.pdf"
    code, _, err = run("progress", ROOT / "responses", "-o", out, "--as-of", "2026-01-01")
    assert code == 0, err
    return out


ALL_WORDS = set().union(*(_words(spec) for spec in EXAMPLES)) | {"Recommendation", "Status", "Planned"}


@pytest.mark.parametrize("spec", EXAMPLES, ids=[s.stem for s in EXAMPLES])
def test_no_word_of_an_example_is_cut_in_its_letter(letters: dict[str, dict[str, Path]], spec: Path) -> None:
    assert cut_words(letters[spec.stem]["pdf"], _words(spec)) == []


@pytest.mark.parametrize("spec", EXAMPLES, ids=[s.stem for s in EXAMPLES])
def test_no_word_of_an_example_is_cut_in_its_word_version(
    letters: dict[str, dict[str, Path]], libreoffice_pdfs: Path, spec: Path
) -> None:
    words = _words(spec) | _words_of_docx(letters[spec.stem]["docx"])  # the template's words too
    assert cut_words(libreoffice_pdfs / f"{spec.stem}.pdf", words) == []


def test_no_word_is_cut_in_the_progress_report(progress_pdf: Path) -> None:
    assert cut_words(progress_pdf, ALL_WORDS) == []


def test_no_word_is_cut_in_the_progress_reports_word_version(libreoffice_pdfs: Path) -> None:
    words = ALL_WORDS | _words_of_docx(libreoffice_pdfs / "progress.docx")
    assert cut_words(libreoffice_pdfs / "progress.pdf", words) == []
