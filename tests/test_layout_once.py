"""How each element sits on the page (keeps with the next, repeats its header, never splits, starts a
page, is aligned or emphasised) is declared once, in the house style's `LAYOUT`: the PDF and web page
get it as CSS rules, the DOCX writer's styles and handlers read the same rows."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from jtai_letters.letter import style
from jtai_letters.letter.render import RenderedLetter, render
from jtai_letters.letter.templates import DEFAULT_TEMPLATES
from jtai_letters.outputs import docx, docx_base, html, pdf
from jtai_letters.spec.load import load_spec

from .helpers import ROOT

WELSH = ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml"  # bilingual: columns
# What LAYOUT declares, in CSS: no stylesheet of ours states it again.
_BEHAVIOUR_CSS = re.compile(
    r"break-(?:after|before|inside)|page-break|table-header-group|font-style|font-weight|text-align:\s*right"
)


def _parts_letter(tmp_path: Path) -> RenderedLetter:
    spec = tmp_path / "responses" / "parts.yaml"
    spec.parent.mkdir()
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    spec.write_text(WELSH.read_text().replace("  bilingual: columns\n", "  bilingual: parts\n"), encoding="utf-8")
    return render(load_spec(spec))


def _xml(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode()


def _style_xml(styles: str, style_id: str) -> str:
    found = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', styles)
    assert found, style_id
    return found.group(0)


@pytest.fixture
def layout(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, style.Behaviour]]:
    """A copy of `LAYOUT` a test may change; every writer reads it, and caches built from it are cleared."""
    rows = dict(style.LAYOUT)
    changed = MappingProxyType(rows)
    for module in (style, docx, docx_base):
        monkeypatch.setattr(module, "LAYOUT", changed)
    caches = (docx_base.base_document, pdf._behaviour)
    for cache in caches:
        cache.cache_clear()
    yield rows
    for cache in caches:
        cache.cache_clear()


def test_no_stylesheet_of_ours_states_what_layout_declares() -> None:
    found = [
        (str(path.relative_to(DEFAULT_TEMPLATES)), line)
        for path in sorted(DEFAULT_TEMPLATES.rglob("*.css"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if _BEHAVIOUR_CSS.search(line)
    ]
    assert found == []


def test_the_css_rules_are_generated_from_layout() -> None:
    css = style.behaviour_css()
    assert (
        "h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; break-inside: avoid; font-weight: bold; }\n"
        in css
    )
    assert ".sign-off { break-inside: avoid; break-before: avoid; }\n" in css
    assert ".sign-off + .copies { break-before: avoid; }\n" in css
    assert ".language-part + .language-part { break-before: page; }\n" in css
    assert "thead { display: table-header-group; }\ntr { break-inside: avoid; }\n" in css
    assert ".date { text-align: right; }\n" in css and "blockquote { font-style: italic; }\n" in css
    assert "@page :first { @bottom-right { content: none; } }" in style.stylesheet()  # no page number on page 1


def test_the_default_layout_reaches_both_formats(tmp_path: Path) -> None:
    letter = _parts_letter(tmp_path)
    data = docx.write(letter)
    document, styles = _xml(data, "word/document.xml"), _xml(data, "word/styles.xml")
    assert "<w:keepNext/><w:keepLines/>" in _style_xml(styles, "Heading1")
    assert '<w:jc w:val="right"/>' in _style_xml(styles, "Date")
    assert "<w:i/>" in _style_xml(styles, "Quote")
    assert document.count("<w:pageBreakBefore/>") == 1  # the second language's part
    assert '<w:tblHeader w:val="true"/>' in document and '<w:cantSplit w:val="true"/>' in document
    assert style.behaviour_css() in html.write(letter).decode()


def test_one_change_to_layout_changes_both_formats(tmp_path: Path, layout: dict[str, style.Behaviour]) -> None:
    layout["date"] = replace(layout["date"], align=None)
    layout["quote"] = replace(layout["quote"], italic=False)
    layout["language-part"] = replace(layout["language-part"], new_page=False)
    layout["table-header"] = replace(layout["table-header"], repeat=False)
    layout["table-row"] = replace(layout["table-row"], keep_together=False)
    letter = _parts_letter(tmp_path)
    data = docx.write(letter)
    document, styles = _xml(data, "word/document.xml"), _xml(data, "word/styles.xml")
    assert "<w:jc" not in _style_xml(styles, "Date")
    assert "<w:i/>" not in _style_xml(styles, "Quote")
    assert "<w:pageBreakBefore/>" not in document
    assert "tblHeader" not in document and "cantSplit" not in document
    page = html.write(letter).decode()
    assert "blockquote { font-style: normal; }\n" in page
    assert ".date {" not in page.split("<style>")[1].split("@media")[0]
    assert "break-before: page" not in page and "table-header-group" not in page
    assert b"%PDF" in pdf.write(letter)[:8]  # the PDF takes the same rules


def test_the_page_number_on_page_one_is_one_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (style, docx):
        monkeypatch.setattr(module, "PAGE_NUMBER_ON_FIRST_PAGE", True)
    style.stylesheet.cache_clear()
    try:
        assert "@page :first" not in style.stylesheet()
        data = docx.write(render(load_spec(ROOT / "responses" / "nottinghamshire-2020-csa-family.yaml")))
        package = zipfile.ZipFile(io.BytesIO(data))
        footers = [package.read(n).decode() for n in package.namelist() if n.startswith("word/footer")]
        assert sum('w:instr="PAGE"' in footer for footer in footers) == 2  # page 1's footer too
    finally:
        style.stylesheet.cache_clear()


def test_the_tracking_templates_take_their_values_from_the_house_style() -> None:
    tracking = DEFAULT_TEMPLATES / "tracking"
    typed = [
        (path.name, found)
        for path in sorted(tracking.iterdir())
        for found in re.findall(r"#[0-9A-Fa-f]{3,6}\b|\b\d+(?:\.\d+)?(?:mm|pt)\b|Liberation|Arial", path.read_text())
    ]
    assert typed == []
