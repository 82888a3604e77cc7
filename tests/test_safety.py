"""Hostile specs and templates: text stays text, nothing outside the allowed files is read,
no socket is opened, and a failed render never costs a good letter."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from jtai_letters import cli

from .helpers import ROOT, docx_paragraphs, pdf_text, squashed

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "hostile"
TEMPLATES = HERE / "hostile-templates"
MINIMAL = HERE / "minimal.yaml"

# case -> (the paragraph exactly as the letter must print it, the warnings validate must give)
LITERAL = {
    "script-tag.yaml": ('We welcome the report <script>alert("owned")</script> today.', []),
    "img-file-url.yaml": ('See <img src="file:///etc/passwd"> here.', []),
    "jinja-expression.yaml": ("We count {{ 7*7 }} and {{ config }} things.", []),
    "jinja-include.yaml": ("{% include '/etc/passwd' %} and {% raw %}x{% endraw %}", []),
    "javascript-link.yaml": ("Read the full report now.", ["link-target"]),
    "data-link.yaml": ("Read the full report now.", ["link-target"]),
    "css-url.yaml": ("body { background: url(file:///etc/passwd) } @import url(http://evil.example/x.css);", []),
    "html-entities.yaml": ("Entities &lt;b&gt;bold&lt;/b&gt; &amp; &#60;i&#62; stay as typed.", []),
    "markdown-image.yaml": ("A picture !tracking pixel here.", []),
    "autolink-file.yaml": ("Open file:///etc/passwd please.", ["link-target"]),
}

# template folder -> what the one line of refusal says
TEMPLATE_REFUSALS = {
    "python-internals": "layout 'statement' failed: access to attribute '__class__' of 'str' object is unsafe.",
    "include-passwd": "template error: '/etc/passwd' not found in search path",
    "img-file": "not written: refused to read '/etc/passwd': outside the layout's folder and the spec's images",
    "stylesheet-http": "PDF not written: refused to fetch 'https://evil.example/x.css': a letter loads only its own local files",
    "css-import": "PDF not written: refused to read '/etc/passwd': outside the layout's folder and the spec's images",
    "unknown-element": "the DOCX writer does not know the element <video>",
}

_AUDIT: list[tuple[str, str]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _AUDIT is not None and (event == "open" or event.startswith("socket.") or event == "urllib.Request"):
        _AUDIT.append((event, str(args[0]) if args else ""))


sys.addaudithook(_audit)  # hooks cannot be removed; this one records only inside `audited`


@pytest.fixture
def audited() -> Iterator[list[tuple[str, str]]]:
    """Every file opened and every socket touched by Python code during the test."""
    global _AUDIT
    _AUDIT = []
    try:
        yield _AUDIT
    finally:
        _AUDIT = None


def assert_contained(events: list[tuple[str, str]], *allowed: Path) -> None:
    assert [e for e in events if e[0] != "open"] == [], "a socket or URL was touched"
    roots = [Path(sys.prefix), Path(sys.base_prefix), ROOT / "jtai_letters", *allowed]
    for _, name in events:
        if name.isdigit():  # os.fdopen of a descriptor already checked
            continue
        path = Path(os.path.realpath(name))
        assert any(path.is_relative_to(r.resolve()) for r in roots), f"opened {path}"


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return cli.main([str(a) for a in argv], out, err), out.getvalue(), err.getvalue()


def test_every_hostile_case_has_an_expectation() -> None:
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(LITERAL)
    assert sorted(p.name for p in TEMPLATES.iterdir()) == sorted(TEMPLATE_REFUSALS)


@pytest.mark.parametrize("name", sorted(LITERAL))
def test_hostile_text_is_printed_as_typed(name: str, tmp_path: Path, audited: list[tuple[str, str]]) -> None:
    spec = HOSTILE / name
    expected, warnings = LITERAL[name]
    out = io.StringIO()
    assert cli.main(["validate", "--format", "json", str(spec)], out, io.StringIO()) == 0
    assert [w["rule"] for w in json.loads(out.getvalue())[0]["warnings"]] == warnings
    code, _, _ = run("render", spec, "-o", tmp_path)
    assert code == 0
    assert expected in docx_paragraphs(tmp_path / f"{spec.stem}.docx")
    assert squashed(expected) in squashed(pdf_text(tmp_path / f"{spec.stem}.pdf"))
    assert_contained(audited, ROOT / "templates", HOSTILE, tmp_path)


def test_hostile_plain_fields_reach_metadata_as_text(tmp_path: Path) -> None:
    assert run("render", HOSTILE / "script-tag.yaml", "-o", tmp_path)[0] == 0
    props = docx.Document(str(tmp_path / "script-tag.docx")).core_properties
    assert props.author == "<script>alert(1)</script>, Police and Crime Commissioner"
    jinja = HOSTILE / "jinja-expression.yaml"
    assert run("render", jinja, "-o", tmp_path)[0] == 0
    assert docx_paragraphs(tmp_path / "jinja-expression.docx")[0] == "{{ 7*7 }} inspection (October 2025)"


@pytest.mark.parametrize("folder", sorted(TEMPLATE_REFUSALS))
def test_hostile_templates_are_refused(folder: str, tmp_path: Path, audited: list[tuple[str, str]]) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run("render", MINIMAL, "--templates", TEMPLATES / folder, "-o", out_dir)
    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert TEMPLATE_REFUSALS[folder] in err
    assert "Traceback" not in err
    assert not out_dir.exists() or not any(out_dir.iterdir())
    assert ("open", "/etc/passwd") not in audited
    assert_contained(audited, ROOT / "templates", TEMPLATES / folder, HERE, tmp_path)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../../../../etc/passwd", "'../../../../etc/passwd' points outside the spec's folder"),
        ("/etc/passwd", "'/etc/passwd' must be a path relative to the spec's folder"),
        ("file:///etc/passwd", "'file:///etc/passwd' must be a path relative to the spec's folder"),
        (
            "https://evil.example/logo.png",
            "'https://evil.example/logo.png' must be a path relative to the spec's folder",
        ),
        ("escape.png", "'escape.png' points outside the spec's folder"),
        ("fake.png", "'fake.png' is not a PNG or JPEG image"),
        ("missing.png", "'missing.png' does not exist"),
    ],
)
def test_logo_paths_cannot_escape_or_lie(
    path: str, message: str, tmp_path: Path, audited: list[tuple[str, str]]
) -> None:
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "fake.png").write_text("not really a picture")
    (folder / "escape.png").symlink_to(ROOT / "responses" / "assets" / "loamshire-logo.png")
    spec = folder / "logo.yaml"
    text = MINIMAL.read_text().replace(
        "  area: Loamshire\n", f"  area: Loamshire\n  logo:\n    path: '{path}'\n    alt: Logo\n"
    )
    spec.write_text(text)
    code, _, err = run("render", spec, "-o", tmp_path / "out")
    assert code == 1
    assert err == f"{spec}:10:11: office.logo.path: {message}\n"
    assert not (tmp_path / "out").exists()
    assert ("open", "/etc/passwd") not in audited


def test_an_interrupted_render_leaves_the_earlier_letter_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("render", MINIMAL, "-o", tmp_path)[0] == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real_replace = os.replace
    calls = []

    def crash_after_first(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the user presses Ctrl-C between the two files
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_after_first)
    changed = tmp_path / "changed.yaml"
    changed.write_text(MINIMAL.read_text().replace("We welcome the report.", "We welcome the report warmly."))
    monkeypatch.setattr(sys, "argv", ["x"])
    code = cli.main(["render", str(changed), "-o", str(tmp_path)], io.StringIO(), io.StringIO())
    assert code == 130
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.stem == "minimal"} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed.docx", "changed.yaml", "minimal.docx", "minimal.pdf"]
