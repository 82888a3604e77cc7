"""The web page (`--format html`): self-contained, the same words as the other formats, and
accessible in a real browser (axe-core, WCAG 2.2 A and AA; reflow at 320 CSS pixels)."""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import lxml.html
import pytest
from lxml.html import HtmlElement
from playwright.sync_api import BrowserContext

from jtai_letters import load_spec, render
from jtai_letters.outputs import html as html_writer

from .browser import axe_violations, cut_words, horizontal_overflow
from .helpers import ROOT, SPECS, docx_paragraphs, first_language, languages, run, squashed
from .test_safety import LITERAL

HERE = Path(__file__).resolve().parent
STEMS = [s.stem for s in SPECS]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example as a web page, made by the command line: {spec stem: page}."""
    out = tmp_path_factory.mktemp("pages")
    code, _, err = run("render", ROOT / "responses", "--format", "html", "-o", out)
    assert code == 0, err
    return {p.stem: p for p in out.iterdir()}


def parse(page: Path) -> HtmlElement:
    root: HtmlElement = lxml.html.parse(str(page)).getroot()
    return root


def test_render_makes_only_the_page_asked_for(pages: dict[str, Path]) -> None:
    assert sorted(pages) == STEMS
    assert {p.suffix for p in pages.values()} == {".html"}


@pytest.mark.parametrize("stem", STEMS)
def test_the_page_stands_alone_with_the_letter_in_main(pages: dict[str, Path], stem: str) -> None:
    root = parse(pages[stem])
    assert root.get("lang") == first_language(stem)
    assert root.findtext("head/title").strip()
    [main] = root.iter("main")
    assert [child.tag for child in root.find("body")] == ["main"]
    assert not list(root.iter("script", "link", "iframe", "object", "embed"))
    assert not [a for el in root.iter() for a in el.attrib if a.startswith("on")]
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy == [html_writer.PAGE_POLICY]
    assert "default-src 'none'" in policy[0]
    for img in root.iter("img"):
        assert img.get("src").startswith(("data:image/png;base64,", "data:image/jpeg;base64,"))
        assert img.get("alt").strip()
    levels = [int(h.tag[1]) for h in main.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == len(languages(stem))
    assert all(b <= a + 1 for a, b in pairwise(levels)), f"a heading level is skipped: {levels}"
    # Pasted into a CMS without the stylesheet, the letter keeps its meaning: no inline styles to lose.
    assert not main.xpath(".//@style | .//style")


def test_logo_and_signature_are_embedded_with_their_alt_text(pages: dict[str, Path]) -> None:
    images = {img.get("alt"): img.get("src") for img in parse(pages["loamshire-2025-domestic-abuse"]).iter("img")}
    logo = (ROOT / "profiles" / "loamshire-logo.png").read_bytes()
    import base64

    assert images == {
        "Loamshire Police and Crime Commissioner": "data:image/png;base64," + base64.b64encode(logo).decode(),
        "Signature of Priya Marsh": images["Signature of Priya Marsh"],
    }
    assert images["Signature of Priya Marsh"].startswith("data:image/png;base64,")


@pytest.mark.parametrize("stem", STEMS)
def test_the_page_says_what_the_docx_says_in_the_same_order(
    pages: dict[str, Path], letters: dict[str, dict[str, Path]], stem: str
) -> None:
    [main] = parse(pages[stem]).iter("main")
    assert squashed(main.text_content()) == "".join(squashed(p) for p in docx_paragraphs(letters[stem]["docx"]))


@pytest.mark.parametrize("stem", ["loamshire-2025-domestic-abuse", "borsetshire-2025-vawg-thematic"])
def test_the_house_style_is_inlined_from_the_letters_own_stylesheets(pages: dict[str, Path], stem: str) -> None:
    letter = render(load_spec(ROOT / "responses" / f"{stem}.yaml"))
    css = parse(pages[stem]).findtext("head/style")
    assert letter.stylesheets
    for sheet in letter.stylesheets:
        assert sheet.read_text(encoding="utf-8") in css
    assert html_writer.WEB_CSS in css
    assert f'font-family: "{letter.font}"' in css  # the office's typeface; the next test checks the rest in a browser


@pytest.mark.parametrize("spec", SPECS, ids=STEMS)
def test_the_page_is_the_same_bytes_every_time(spec: Path, pages: dict[str, Path]) -> None:
    assert html_writer.write(render(load_spec(spec))) == pages[spec.stem].read_bytes()


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("img-file", "web page not written: refused to read '/etc/passwd': outside the layout's folder"),
        ("css-import", "web page not written: the stylesheet loads another file (@import...)"),
        ("stylesheet-http", "web page not written: the layout has a <link>; the page runs and loads nothing"),
        ("unknown-element", "web page not written: the layout has a <video>; the page runs and loads nothing"),
    ],
)
def test_a_page_that_would_load_a_file_is_refused_in_one_line(folder: str, message: str, tmp_path: Path) -> None:
    code, out, err = run(
        "render",
        HERE / "minimal.yaml",
        "--templates",
        HERE / "hostile-templates" / folder,
        "--format",
        "html",
        "-o",
        tmp_path,
    )
    assert (code, out) == (1, "0 rendered, 1 failed\n")
    assert len(err.splitlines()) == 1
    assert message in err
    assert not list(tmp_path.iterdir())


# -- in a real browser ------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_axe_finds_no_wcag_22_aa_violation_and_the_page_reflows(
    browser: BrowserContext, pages: dict[str, Path], stem: str
) -> None:
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(pages[stem].as_uri())
        assert page.evaluate("document.scripts.length") == 0
        assert axe_violations(page) == []
        # WCAG 1.4.10 reflow: 320 CSS pixels wide, and 200% zoom of a 1280-pixel window, scroll only down.
        for width in (640, 320):
            page.set_viewport_size({"width": width, "height": 900})
            assert horizontal_overflow(page) == 0, f"scrolls sideways at {width} px"
            assert cut_words(page) == [], f"words cut in a table at {width} px"
        assert axe_violations(page) == []
    finally:
        page.close()


def test_batch_makes_the_same_page(pages: dict[str, Path], tmp_path: Path) -> None:
    spec = ROOT / "responses" / "hampshire-2020-csa-family.yaml"
    code, out, _ = run("batch", spec, "--format", "html", "--jobs", "1", "-o", tmp_path)
    assert code == 0, out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hampshire-2020-csa-family.html", "manifest.json"]
    assert (tmp_path / "hampshire-2020-csa-family.html").read_bytes() == pages[spec.stem].read_bytes()


def test_the_house_style_reaches_the_page_in_the_browser(browser: BrowserContext, pages: dict[str, Path]) -> None:
    """The printed letter's sizes, font and the office's brand colour, as Chromium computes them."""
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(pages["borsetshire-2025-vawg-thematic"].as_uri())
        style = page.evaluate(
            """() => { const h1 = getComputedStyle(document.querySelector('h1'));
                       const p = getComputedStyle(document.documentElement);
                       return [h1.fontSize, h1.color, p.fontSize, p.fontFamily.split(',')[0]]; }"""
        )
        assert style == ["22.6667px", "rgb(30, 86, 49)", "16px", '"Liberation Serif"']  # 17 pt, #1E5631, 12 pt
    finally:
        page.close()


@pytest.mark.parametrize("name", ["script-tag.yaml", "javascript-link.yaml", "img-file-url.yaml", "css-url.yaml"])
def test_hostile_spec_text_stays_text_on_the_page(name: str, tmp_path: Path) -> None:
    spec = HERE / "hostile" / name
    assert run("render", spec, "--format", "html", "-o", tmp_path)[0] == 0
    root = parse(tmp_path / f"{spec.stem}.html")
    assert not list(root.iter("script", "img", "link", "iframe"))
    assert [a.get("href") for a in root.iter("a") if not a.get("href", "").startswith(("https:", "mailto:"))] == []
    assert root.findtext("head/style").count("url(") == 0
    [main] = root.iter("main")
    assert squashed(LITERAL[name][0]) in squashed(main.text_content())


def test_a_layout_with_an_event_handler_is_refused(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(HERE / "hostile-templates" / "unknown-element", templates)
    layout = templates / "statement.html.j2"
    layout.write_text(layout.read_text().replace('<video src="x.mp4"></video>', '<p onclick="steal()">Hi</p>'))
    code, _, err = run(
        "render", HERE / "minimal.yaml", "--templates", templates, "--format", "html", "-o", tmp_path / "out"
    )
    assert code == 1
    assert "web page not written: the layout gives <p> an event handler (onclick)" in err
