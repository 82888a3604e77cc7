"""The example specs reproduce the three published reference letters, in DOCX and in PDF."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from .helpers import docx_paragraphs, pdf_text, reference_body, reference_paragraphs, squashed, words

CASES = {
    "devon-and-cornwall": "devon-and-cornwall-2020-csa-family",
    "nottinghamshire": "nottinghamshire-2020-csa-family",
    "hampshire": "hampshire-2020-csa-family",
}


def fidelity(reference: str, output: str) -> tuple[float, float]:
    """(share of the reference's words found in order in the output, overall similarity ratio)."""
    ref, out = words(reference), words(output)
    matcher = difflib.SequenceMatcher(None, ref, out, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / len(ref), matcher.ratio()


def output_text(letters: dict[str, dict[str, Path]], spec: str, fmt: str) -> str:
    path = letters[spec][fmt]
    return "\n".join(docx_paragraphs(path)) if fmt == "docx" else pdf_text(path)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("name", CASES)
def test_reference_words_in_order(letters: dict[str, dict[str, Path]], name: str, fmt: str) -> None:
    share, ratio = fidelity(reference_body(name), output_text(letters, CASES[name], fmt))
    print(f"{name} {fmt}: {share:.4f} of words in order, ratio {ratio:.4f}")
    assert share >= 0.97
    assert ratio >= 0.95


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("name", CASES)
def test_every_reference_paragraph_present(letters: dict[str, dict[str, Path]], name: str, fmt: str) -> None:
    output = squashed(output_text(letters, CASES[name], fmt))
    missing = [p for p in reference_paragraphs(name) if squashed(p) not in output]
    assert missing == []


def test_fidelity_measure_catches_a_lost_paragraph() -> None:
    """The measure itself: dropping one paragraph of a letter must fail the thresholds."""
    paragraphs = reference_paragraphs("nottinghamshire")
    longest = max(paragraphs, key=len)
    share, _ = fidelity(reference_body("nottinghamshire"), "\n\n".join(p for p in paragraphs if p is not longest))
    assert share < 0.97
