"""An office's templates folder stands in front of ours: it holds only what it changes (a layout, a
partial, a stylesheet, `tracking/`, a catalogue, entries of `layouts.yaml`) and takes the rest from
ours, each folder confined on its own."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from jtai_letters.letter import layouts
from jtai_letters.letter.catalogue import catalogue_path
from jtai_letters.letter.render import render
from jtai_letters.letter.templates import DEFAULT_TEMPLATES, layout_files, stylesheets
from jtai_letters.spec.load import load_spec
from jtai_letters.tracking import register

from .helpers import ROOT, run

HERE = Path(__file__).resolve().parent
OFFICE = HERE / "office-templates"  # the documented example: one partial of its own
MINIMAL = HERE / "minimal.yaml"  # the statement layout
LETTER = ROOT / "responses" / "nottinghamshire-2020-csa-family.yaml"  # the letter layout
WELSH = ROOT / "responses" / "tir-llechen-2025-domestic-abuse.yaml"
FOOT = "<p>This letter is available in large print on request.</p>\n"


def test_the_example_office_folder_overrides_one_partial_and_keeps_the_rest_of_ours() -> None:
    ours = render(load_spec(LETTER)).html
    theirs = render(load_spec(LETTER), OFFICE).html
    assert theirs == ours.replace("</body>", FOOT + "</body>")
    assert OFFICE / "_base.html.j2" in layout_files(OFFICE, "letter")
    assert DEFAULT_TEMPLATES / "_parts.html.j2" in layout_files(OFFICE, "letter")
    assert DEFAULT_TEMPLATES / "letter.html.j2" in layout_files(OFFICE, "letter")
    assert stylesheets(OFFICE, "letter") == [DEFAULT_TEMPLATES / "letter.css"]
    assert list(layouts.available(OFFICE)) == list(layouts.available())  # ours, with their declarations
    assert (
        layouts.declaration(OFFICE, "narrative").requires
        == layouts.declaration(DEFAULT_TEMPLATES, "narrative").requires
    )


def test_the_example_office_folder_renders_every_format(tmp_path: Path) -> None:
    code, _, err = run("render", LETTER, "--templates", OFFICE, "-o", tmp_path, "--format", "docx,pdf,html")
    assert code == 0 and ": error:" not in err
    assert "large print on request" in (tmp_path / f"{LETTER.stem}.html").read_text()
    from .helpers import docx_paragraphs, pdf_text

    assert (
        docx_paragraphs(tmp_path / f"{LETTER.stem}.docx")[-1] == "This letter is available in large print on request."
    )
    assert "large print on request" in pdf_text(tmp_path / f"{LETTER.stem}.pdf")


def test_a_folder_with_only_its_own_layout_extends_our_base(tmp_path: Path) -> None:
    # Before, this failed with "'_base.html.j2' not found": an office had to copy the whole folder.
    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "brief.html.j2").write_text(
        "{# layout: a short note #}\n"
        '{% extends "_base.html.j2" %}\n{% import "_parts.html.j2" as parts with context %}\n'
        "{% set title = report.title %}\n{% block layout_name %}brief{% endblock %}\n"
        "{% block body %}<h1>{{ title }}</h1>\n{{ parts.sign_off(required=false) }}{% endblock %}\n",
        encoding="utf-8",
    )
    spec = tmp_path / "brief.yaml"
    spec.write_text(MINIMAL.read_text().replace("layout: statement", "layout: brief"), encoding="utf-8")
    code, _, err = run("render", spec, "--templates", folder, "-o", tmp_path / "out", "--format", "html")
    assert (code, err) == (0, "")
    html = (tmp_path / "out" / "brief.html").read_text()
    assert '<body class="layout-brief">' in html
    assert layouts.available(folder)["brief"].description == "a short note"
    assert "letter" in layouts.available(folder)  # ours stay available behind it


def test_an_office_layouts_yaml_adds_entries_and_replaces_ours(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "layouts.yaml").write_text(
        "statement:\n  description: our web statement\n  requires:\n    response.sign_off: we always sign\n",
        encoding="utf-8",
    )
    assert layouts.declaration(folder, "statement").requires == (("response.sign_off", "we always sign"),)
    assert layouts.declaration(folder, "narrative") == layouts.declaration(DEFAULT_TEMPLATES, "narrative")
    code, out, _ = run("validate", MINIMAL, "--templates", folder)
    assert code == 1
    assert "the statement layout needs response.sign_off: we always sign" in out


def test_an_office_catalogue_stands_in_front_of_ours(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    po = catalogue_path(folder, "cy", ".po")
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;\\n"\n\n'
        'msgid "Recommendations"\nmsgstr "Ein hargymhellion"\n',
        encoding="utf-8",
    )
    ours = render(load_spec(WELSH)).html
    theirs = render(load_spec(WELSH), folder)
    assert "Ein hargymhellion" in theirs.html
    assert theirs.html.replace("Ein hargymhellion", "Argymhellion") == ours  # every other word is ours
    assert po in theirs.inputs and catalogue_path(DEFAULT_TEMPLATES, "cy", ".mo") in theirs.inputs


def test_an_office_tracking_page_replaces_ours_alone(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    (folder / "tracking").mkdir(parents=True)
    (folder / "tracking" / "register.html.j2").write_text(
        '<!DOCTYPE html><html lang="{{ lang }}"><body><p>{{ rows|length }} rows</p></body></html>\n',
        encoding="utf-8",
    )
    specs = sorted((ROOT / "responses").glob("*.yaml"))
    code, _, err = run("register", *specs, "--templates", folder, "-o", tmp_path / "r.html", "--as-of", "2026-06-01")
    assert (code, err) == (0, "")
    made = register.read(specs, dt.date(2026, 6, 1))
    assert (tmp_path / "r.html").read_text() == (
        # ours, the security policy every register page carries (issue 28), in a head of its own
        f'<!DOCTYPE html><html lang="en-GB"><head><meta http-equiv="Content-Security-Policy" '
        f'content="{register.REGISTER_POLICY}"></head><body><p>{len(made.rows)} rows</p></body></html>'
    )
    code, _, err = run("progress", *specs, "--templates", folder, "-o", tmp_path / "p.pdf", "--as-of", "2026-06-01")
    assert (code, err) == (0, "")  # the progress report: still ours


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ("../office-templates/_base.html.j2", "'../office-templates/_base.html.j2' not found in the templates folder"),
        ("/etc/passwd", "'/etc/passwd' not found in the templates folder"),
        ("_out.j2", "refused to load '_out.j2': it leads outside the templates folder"),
    ],
    ids=["dot-dot", "absolute", "symlink-out"],
)
def test_an_office_folder_cannot_reach_outside_either_folder(include: str, message: str, tmp_path: Path) -> None:
    folder = tmp_path / "office"
    folder.mkdir()
    secret = tmp_path / "secret.j2"
    secret.write_text("SECRET", encoding="utf-8")
    (folder / "_out.j2").symlink_to(secret)
    text = (DEFAULT_TEMPLATES / "statement.html.j2").read_text()
    (folder / "statement.html.j2").write_text(
        text.replace("{% block body %}", f'{{% block body %}}{{% include "{include}" %}}')
    )
    code, out, err = run("render", MINIMAL, "--templates", folder, "-o", tmp_path / "out")
    assert (code, out) == (1, "0 rendered, 1 failed\n")
    assert message in err and "SECRET" not in err
    assert not (tmp_path / "out").exists()


def test_a_partial_the_office_links_out_is_refused_not_taken_from_ours(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    folder.mkdir()
    (tmp_path / "elsewhere.j2").write_text("x", encoding="utf-8")
    (folder / "_parts.html.j2").symlink_to(tmp_path / "elsewhere.j2")
    code, _, err = run("render", MINIMAL, "--templates", folder, "-o", tmp_path / "out")
    assert code == 1
    assert "refused to load '_parts.html.j2': it leads outside the templates folder" in err


def test_an_office_stylesheet_replaces_ours_and_stays_confined(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    folder.mkdir()
    shutil.copy(DEFAULT_TEMPLATES / "letter.css", folder / "letter.css")
    assert stylesheets(folder, "letter") == [folder / "letter.css"]
    (folder / "statement.css").symlink_to("/etc/hostname")
    code, _, err = run("render", MINIMAL, "--templates", folder, "-o", tmp_path / "out")
    assert (code, err) == (1, f"{folder / 'statement.css'}: refused: a link to a file outside the templates folder\n")


def test_no_template_repeats_what_layouts_yaml_requires() -> None:
    from jinja2 import Environment, nodes

    env = Environment(extensions=["jinja2.ext.i18n"])
    calls = [
        (path.name, call.lineno)
        for path in sorted(DEFAULT_TEMPLATES.rglob("*.j2"))
        for call in env.parse(path.read_text(encoding="utf-8")).find_all(nodes.Call)
        if isinstance(call.node, nodes.Name) and call.node.name == "fail"
    ]
    assert calls == []


def test_a_layouts_requirements_come_from_layouts_yaml_alone(tmp_path: Path) -> None:
    spec = tmp_path / "narrative.yaml"  # a letter without report.summary, in the layout that opens with one
    spec.write_text(LETTER.read_text().replace("layout: letter", "layout: narrative"), encoding="utf-8")
    code, out, _ = run("validate", spec)
    assert code == 1
    assert (
        f"{spec}:21:1: report.summary: the narrative layout needs report.summary: it opens with a summary of "
        "the report; add it, or choose another layout\n"
    ) in out
    # An office that declares the layout without that requirement prints it without a summary:
    # the template itself asks nothing (it once failed on its own).
    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "layouts.yaml").write_text("narrative:\n  description: ours, without a summary\n  requires: {}\n")
    code, _, err = run("render", spec, "--templates", folder, "-o", tmp_path / "out", "--format", "html")
    assert code == 0 and ": error:" not in err
    assert "<h1>" in (tmp_path / "out" / "narrative.html").read_text()
