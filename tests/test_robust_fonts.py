"""Scripts England and Wales write in print in the PDF; what no font can draw is a located warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jtai_letters.checks import fonts

from .helpers import pdf_text, run

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"
# Hindi, Panjabi, Bengali, Urdu, Chinese, Gujarati, Tamil: among the languages most spoken after English and Welsh.
WORDS = ["हिन्दी", "ਪੰਜਾਬੀ", "বাংলা", "اردو", "中文", "ગુજરાતી", "தமிழ்"]


def spec_with(tmp_path: Path, text: str) -> Path:
    spec = tmp_path / "scripts.yaml"
    spec.write_text(MINIMAL.read_text().replace("We welcome the report.", json.dumps(text, ensure_ascii=False)))
    return spec


def test_the_scripts_most_used_in_england_and_wales_print_in_the_pdf(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, " ".join(WORDS))
    code, out, _ = run("validate", spec)
    assert (code, out) == (0, f"{spec}: valid\n")  # no font warning: setup installs the Noto fonts
    assert run("render", spec, "-o", tmp_path, "--format", "pdf")[0] == 0
    printed = pdf_text(tmp_path / "scripts.pdf")
    for word in WORDS:
        assert word in printed


def test_characters_no_font_has_are_a_warning_naming_the_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    latin_only = ((0x20,), (0x24F,))
    monkeypatch.setattr(fonts, "drawable", lambda: latin_only)
    spec = spec_with(tmp_path, "Namaste: हिन्दी, 中文")
    code, out, _ = run("validate", spec)
    assert code == 0  # a warning: the DOCX still holds the text
    assert out.splitlines()[:2] == [
        f"{spec}:22:7: warning: response.context[0]: the PDF's fonts cannot draw 6 characters of the Devanagari "
        "script (first 'ह', U+0939): they would print as empty boxes; install a font for it (see Fonts in docs/internals.md)",
        f"{spec}:22:7: warning: response.context[0]: the PDF's fonts cannot draw 2 characters of the Chinese and "
        "Japanese (CJK) script (first '中', U+4E2D): they would print as empty boxes; install a font for it "
        "(see Fonts in docs/internals.md)",
    ]


def test_latin_text_never_asks_fontconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("fc-list was run for a Latin-only spec")

    monkeypatch.setattr(fonts, "drawable", refuse)
    assert run("validate", MINIMAL)[0] == 0
