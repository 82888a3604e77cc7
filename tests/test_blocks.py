"""Block text: paragraphs, bullets, numbered and nested lists render as real structure in both
formats, and every refused Markdown form is a located error with a hint."""

from __future__ import annotations

import doctest
import io
import json
from pathlib import Path

import docx
import pikepdf
import pytest

from jtai_letters import build, cli
from jtai_letters.checks import rules
from jtai_letters.letter import text
from jtai_letters.letter.render import render
from jtai_letters.letter.text import blocks_to_html
from jtai_letters.pipeline.build import Options
from jtai_letters.spec import models
from jtai_letters.spec.load import parse_spec

from .helpers import pdf_text, spec_yaml

ANSWER = """\
    - id: R1
      response: |
        Accepted. The force will:

        - train every supervisor;
        - audit **every** case; and
        - report monthly.

        Progress so far:

        1. a new policy;
        2. a new team.
"""


def test_block_forms_render_as_html() -> None:
    assert blocks_to_html("One.\n\nTwo.") == "<p>One.</p>\n<p>Two.</p>"
    assert blocks_to_html("- a\n- *b*") == "<ul>\n<li>a</li>\n<li><em>b</em></li>\n</ul>"
    assert blocks_to_html("1. a\n2. b") == "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"
    assert blocks_to_html("- a\n  1. b") == "<ul>\n<li>a<ol>\n<li>b</li>\n</ol>\n</li>\n</ul>"
    assert blocks_to_html("A <b>tag</b> & more") == "<p>A &lt;b&gt;tag&lt;/b&gt; &amp; more</p>"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("blocks")
    spec = folder / "blocks.yaml"
    spec.write_text(spec_yaml(answers=ANSWER), encoding="utf-8")
    return {p.suffix[1:]: p for p in build(spec, folder / "out").outputs}


def test_paragraphs_and_lists_in_docx(built: dict[str, Path]) -> None:
    styles = [(p.style.name, p.text) for p in docx.Document(str(built["docx"])).paragraphs if p.text.strip()]
    start = styles.index(("Normal", "Accepted. The force will:"))
    assert styles[start : start + 7] == [
        ("Normal", "Accepted. The force will:"),
        ("List Bullet", "train every supervisor;"),
        ("List Bullet", "audit every case; and"),
        ("List Bullet", "report monthly."),
        ("Normal", "Progress so far:"),
        ("List Number", "a new policy;"),
        ("List Number", "a new team."),
    ]


def test_paragraphs_and_lists_in_pdf(built: dict[str, Path]) -> None:
    text = pdf_text(built["pdf"])
    assert "- train" not in text  # nothing flattened into literal hyphens
    assert "Accepted. The force will:\n" in text
    with pikepdf.open(built["pdf"]) as pdf:
        kinds = _kinds(pdf.Root.StructTreeRoot)
    assert kinds.count("/L") == 2
    assert kinds.count("/LI") == 5


def _kinds(node: object) -> list[str]:
    found: list[str] = []
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None  # type: ignore[union-attr]
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(str(kid.S))
            found += _kinds(kid)
    return found


NESTED = """\
    - id: R1
      response: |
        Accepted:

        - supervision
          - monthly reviews
"""


def test_a_nested_list_in_docx(tmp_path: Path) -> None:
    spec = tmp_path / "nested.yaml"
    spec.write_text(spec_yaml(answers=NESTED), encoding="utf-8")
    [out] = build(spec, tmp_path / "out", Options(formats=("docx",))).outputs
    styles = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs if p.text.strip()]
    assert ("List Bullet 2", "monthly reviews") in styles


def test_a_nested_list_in_pdf(tmp_path: Path) -> None:
    spec = tmp_path / "nested.yaml"
    spec.write_text(spec_yaml(answers=NESTED), encoding="utf-8")
    [out] = build(spec, tmp_path / "out", Options(formats=("pdf",))).outputs
    with pikepdf.open(out) as pdf:
        assert _kinds(pdf.Root.StructTreeRoot).count("/L") == 2
    assert "monthly reviews" in pdf_text(out)


REFUSED = {
    "heading": ("# Our plan\\n\\nText.", "use a `heading:`"),
    "table": ("| a | b |\\n|---|---|\\n| 1 | 2 |", "give actions"),
    "raw-html": ("<div>\\nText\\n</div>", "raw HTML"),
    "fenced-code": ("```\\ncode\\n```", "code block"),
    "indented-code": ("Text.\\n\\n    indented", "remove the indent"),
    "quotation": ("> Someone said", "`quote:` block"),
    "rule": ("Text.\\n\\n---\\n\\nMore.", "`heading:` block"),
    "deep-list": ("- a\\n  - b\\n    - c", "nest one level only"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_block_forms_are_located_errors(tmp_path: Path, case: str) -> None:
    text, hint = REFUSED[case]
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_yaml(answers=f'    - id: R1\n      response: "{text}"\n'), encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["validate", "--format", "json", str(spec)], out, io.StringIO()) == 1
    [error] = json.loads(out.getvalue())[0]["errors"]
    assert (error["loc"], error["line"], error["rule"]) == ("response.recommendations[0].response", 22, "schema")
    assert hint in error["message"]


def test_a_list_in_a_one_paragraph_field_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        spec_yaml().replace("text: The force should improve.", 'text: "Improve:\\n\\n- a\\n- b"'), encoding="utf-8"
    )
    out = io.StringIO()
    assert cli.main(["validate", "--format", "json", str(spec)], out, io.StringIO()) == 1
    [error] = json.loads(out.getvalue())[0]["errors"]
    assert error["loc"] == "report.recommendations[0].text"
    assert "holds one paragraph" in error["message"]


@pytest.mark.parametrize("module", [text, models, rules])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("intro", "printed"), [(None, "with the following key findings:"), ("", None), ("We found:", "We found:")]
)
def test_a_layouts_standard_words_can_be_replaced_or_dropped(intro: str | None, printed: str | None) -> None:
    field = "" if intro is None else f'  findings_intro: "{intro}"\n'
    spec = parse_spec(
        spec_yaml(layout="letter", response=field + "  key_findings: [{text: Slow answers.}]\n  sign_off: {name: P}\n"),
        Path("spec.yaml"),
    )
    html = render(spec).html
    assert "Slow answers." in html
    assert ("key findings" in html or "We found" in html) is (printed is not None)
    if printed:
        assert printed in html
