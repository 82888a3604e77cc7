"""Hostile specs and templates: text stays text, nothing outside the allowed files is read,
no socket is opened, and a failed render never costs a good letter."""

from __future__ import annotations

import io
import json
import mimetypes
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from jtai_letters import cli

from .helpers import ROOT, docx_paragraphs, pdf_text, run, squashed

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "hostile"
TEMPLATES = HERE / "hostile-templates"
MINIMAL = HERE / "minimal.yaml"

# case -> (the paragraph exactly as the letter must print it, the warnings validate must give)
LITERAL = {
    "script-tag.yaml": ("We welcome the report <script>alert(“owned”)</script> today.", []),  # quotes print curly
    "img-file-url.yaml": ("See <img src=“file:///etc/passwd”> here.", []),
    "jinja-expression.yaml": ("We count {{ 7*7 }} and {{ config }} things.", []),
    "jinja-include.yaml": ("{% include ‘/etc/passwd’ %} and {% raw %}x{% endraw %}", []),
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
    "include-passwd": "template error: '/etc/passwd' not found in the templates folder",
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
    # The standard library reads a few system files once per process, on first use;
    # let that happen before recording, so the audit sees only what a letter opens.
    mimetypes.init()
    tempfile.gettempdir()
    import jtai_letters.outputs.docx
    import jtai_letters.outputs.pdf  # noqa: F401  (loading WeasyPrint's libraries probes the system)

    _AUDIT = []
    try:
        yield _AUDIT
    finally:
        _AUDIT = None


def assert_contained(events: list[tuple[str, str]], *allowed: Path) -> None:
    assert [e for e in events if e[0] != "open"] == [], "a socket or URL was touched"
    roots = [Path(sys.prefix), Path(sys.base_prefix), ROOT / "jtai_letters", *allowed]
    for _, name in events:
        if name.isdigit() or name == os.devnull:  # a descriptor already checked; subprocess plumbing
            continue
        path = Path(os.path.realpath(name))
        assert any(path.is_relative_to(r.resolve()) for r in roots), f"opened {path}"


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
    assert out == "0 rendered, 1 failed\n"
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
        ("missing.png", "'missing.png' does not exist (looked in {folder})"),
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
    assert err.splitlines() == [
        f"{spec}:10:11: office.logo.path: {message.format(folder=folder.resolve())}",
        # the spec's warnings too, as validate shows them
        f"{spec}:10:5: warning: office.logo: the statement layout does not print office.logo; remove it, "
        "or choose a layout that prints it",
    ]
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


def test_the_pdf_renderer_fetches_only_the_layout_and_the_office_images(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jtai_letters.outputs import pdf

    fetched: list[str] = []

    class Audited(pdf.AssetFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: object = None) -> Any:
            fetched.append(self.named.get(url, url))  # the file behind an image's role
            return super().fetch(url, headers)

    monkeypatch.setattr(pdf, "AssetFetcher", Audited)
    pdf._images.cache_clear()  # images an earlier test cached are not fetched again
    spec = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"
    assert run("render", spec, "-o", tmp_path, "--format", "pdf")[0] == 0
    assert sorted(Path(url.removeprefix("file://")).name for url in fetched) == [
        "loamshire-logo.png",
        "loamshire-signature.png",
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("data:image/png;base64," + "A" * 100_000, "refused a data: URL of 100,022 characters (at most 65,536 bytes)"),
        ("data:text/html,<script>alert(1)</script>", "refused a data: URL that is not a PNG or JPEG image"),
        (
            "https://evil.example/x.png",
            "refused to fetch 'https://evil.example/x.png': a letter loads only its own local files",
        ),
        (
            "ftp://evil.example/x.png",
            "refused to fetch 'ftp://evil.example/x.png': a letter loads only its own local files",
        ),
        ("file:///etc/passwd", "refused to read '/etc/passwd': outside the layout's folder and the spec's images"),
    ],
)
def test_asset_reader_refusals(url: str, message: str) -> None:
    from jtai_letters.errors import OutputError
    from jtai_letters.letter.assets import read_asset

    with pytest.raises(OutputError) as refused:
        read_asset(url, (ROOT / "templates",))
    assert refused.value.problems[0].message == message


def test_a_small_data_image_is_allowed() -> None:
    import base64

    from jtai_letters.letter.assets import read_asset

    png = (ROOT / "profiles" / "loamshire-signature.png").read_bytes()
    data, mime = read_asset("data:image/png;base64," + base64.b64encode(png).decode(), ())
    assert (data, mime) == (png, "image/png")


WELSH_AND_MORE = (
    "Croeso i Gymru: ŵ ŷ â ê, café naïve, ‘single’ “double”, £3.6 million — em dash – en dash, ‘Diolch 👍🏽🙂’"
)


def test_the_characters_letters_really_use_print_in_both_formats(tmp_path: Path) -> None:
    spec = tmp_path / "welsh.yaml"
    quoted = json.dumps(WELSH_AND_MORE, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    spec.write_text(MINIMAL.read_text().replace("We welcome the report.", quoted), encoding="utf-8")
    assert run("render", spec, "-o", tmp_path)[0] == 0
    assert WELSH_AND_MORE in docx_paragraphs(tmp_path / "welsh.docx")
    assert WELSH_AND_MORE in pdf_text(tmp_path / "welsh.pdf").replace("\n", " ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: " + "[" * 60 + "]" * 60 + "\n", "1:" + str(3 + 41) + ": is nested more than 40 levels deep"),
        ("a: [" + ", ".join(["x"] * 1001) + "]\n", "1:4: a list of 1,001 items; at most 1,000 are allowed"),
        (
            "a: &t " + "word " * 80_000 + "\nb: [*t, *t, *t, *t, *t, *t]\n",
            "1:4: holds more than 2,000,000 characters of text; a spec is far smaller",
        ),
    ],
)
def test_limits_on_nesting_list_length_and_text(tmp_path: Path, text: str, message: str) -> None:
    spec = tmp_path / "limit.yaml"
    spec.write_text(text)
    code, out, _ = run("validate", spec)
    assert code == 1
    assert out.splitlines()[0] == f"{spec}:{message}"
