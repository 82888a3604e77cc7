"""An office's own templates (`--templates`) are code from another hand: they load only
their own files, and run within a time and size budget. Each case used to hang, exhaust
memory, end in a RecursionError, or print a file from outside the folder."""

from __future__ import annotations

import itertools
import os
import shutil
import time
from pathlib import Path

import pytest

from jtai_letters.letter import templates

from .helpers import run

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"


def office_templates(tmp_path: Path, body: str, *, base: str = "_base.html.j2") -> Path:
    """Our templates, copied, with `body` at the start of the statement layout's first block,
    and the statement extending `base`."""
    folder = tmp_path / "templates"
    shutil.copytree(templates.DEFAULT_TEMPLATES, folder)
    layout = folder / "statement.html.j2"
    text = layout.read_text().replace('{% extends "_base.html.j2" %}', f'{{% extends "{base}" %}}')
    first_block = text.index("{% block")
    start = text.index("%}", first_block) + 2
    layout.write_text(text[:start] + body + text[start:])
    return folder


def refused(tmp_path: Path, folder: Path) -> str:
    code, out, err = run("render", MINIMAL, "--templates", folder, "-o", tmp_path / "out")
    assert code == 1, err
    assert out == "0 rendered, 1 failed\n"
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"{folder / 'statement.html.j2'}:")
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    return err


def test_a_symlink_to_a_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = office_templates(tmp_path, '{% include "_secret.j2" %}')
    (folder / "_secret.j2").symlink_to("/etc/passwd")
    err = refused(tmp_path, folder)
    assert "refused to load '_secret.j2': it leads outside the templates folder" in err
    assert "root:" not in err


def test_a_symlinked_folder_cannot_lead_out_either(tmp_path: Path) -> None:
    folder = office_templates(tmp_path, '{% include "etc/passwd" %}')
    (folder / "etc").symlink_to("/etc")
    assert "refused to load 'etc/passwd': it leads outside the templates folder" in refused(tmp_path, folder)


@pytest.mark.parametrize(
    ("body", "base"),
    [
        ('{% include "statement.html.j2" %}', "_base.html.j2"),
        ("", "statement.html.j2"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "_base.html.j2"),
    ],
    ids=["includes-itself", "extends-itself", "macro-recurses"],
)
def test_a_template_that_recurses_is_a_located_error(body: str, base: str, tmp_path: Path) -> None:
    err = refused(tmp_path, office_templates(tmp_path, body, base=base))
    assert err.endswith("templates include, extend or call themselves without end\n")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '{{ "x" * 1000000000 }}',
            "the template built a value of 1,000,000,000 items or characters; at most 5,000,000",
        ),
        ("{{ [1, 2] * 100000000 }}", "the template built a value of 200,000,000 items or characters"),
        (
            '{% set ns = namespace(s="xy") %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
            "the template built a value of 8,388,608 items or characters",
        ),
        ('{{ "x"|center(1000000000) }}', "refused the number 1,000,000,000 in a filter"),
        ('{{ "%999999999s"|format(1) }}', "refused a format width of a million characters or more"),
        ('{{ "%-999999999s" % 1 }}', "refused a format width of a million characters or more"),
        ('{{ "%(a).9999999f" % {"a": 1} }}', "refused a format width of a million characters or more"),
        ('{{ "%*s" % (999999999, "x") }}', "refused a format width of a million characters or more, or one given by *"),
        ("{{ range(1000000000)|length }}", "range() of 1,000,000,000 numbers; at most 10,000 in a template"),
        ("{{ 10 ** 100000000 }}", "refused a power of 100,000,000 digits: at most 300 can be printed"),
        ("{{ 10.0 ** 400 }}", "refused a power of 400 digits: at most 300 can be printed"),
        ("{{ (10 ** 200) ** 20 }}", "refused a power of 4,000 digits: at most 300 can be printed"),
        (
            "{% for i in range(2000) %}{{ 'x' * 3000 }}{% endfor %}",
            "the template wrote more than 5,000,000 characters; a letter is far shorter",
        ),
    ],
)
def test_a_template_cannot_build_an_unbounded_value(body: str, message: str, tmp_path: Path) -> None:
    assert message in refused(tmp_path, office_templates(tmp_path, body))


def test_a_template_that_loops_for_too_long_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "RENDER_SECONDS", 0.2)
    body = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    err = refused(tmp_path, office_templates(tmp_path, body))
    assert err.endswith("the template ran for more than 0.2 seconds (a loop without end?)\n")


def test_a_busy_machine_or_a_suspended_laptop_does_not_stop_a_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The long fuzz run's batch failed this letter ("ran for more than 10 seconds") under a load of 15:
    # the budget is the template's own work, so the wall clock racing ahead of it stops nothing.
    spec = Path(__file__).resolve().parent / "hostile" / "surfaces" / "letter-on-a-busy-machine.yaml"
    ahead = itertools.count(0, 11.0)
    real = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real() + next(ahead))  # 11 s more at every look
    code, out, err = run("render", spec, "-o", tmp_path, "--format", "html")
    assert (code, err) == (0, ""), err
    assert out.endswith("1 rendered, 0 failed\n")


def test_a_fifo_named_like_a_partial_is_refused_without_waiting(tmp_path: Path) -> None:
    folder = office_templates(tmp_path, '{% include "_pipe.j2" %}')
    os.mkfifo(folder / "_pipe.j2")
    os.mkfifo(folder / "pipe.html.j2")  # listed as a layout: its description is read without blocking
    assert "refused to load '_pipe.j2': is not a regular file (a device, FIFO or socket)" in refused(tmp_path, folder)


def test_our_layouts_render_within_the_limits(tmp_path: Path) -> None:
    code, _, err = run("render", MINIMAL, "-o", tmp_path)
    assert (code, err) == (0, "")


def test_a_file_a_layout_includes_is_among_its_inputs_whatever_its_name(tmp_path: Path) -> None:
    folder = office_templates(tmp_path, '{% include "footer-note.j2" %}')
    (folder / "footer-note.j2").write_text("<p>Printed on recycled paper.</p>")
    assert folder / "footer-note.j2" in templates.layout_files(folder, "statement")
    assert folder / "footer-note.j2" not in templates.layout_files(folder, "letter")
    (folder / "footer-note.j2").write_text('<p>{% include "more.j2" %}</p>')  # edited: read again
    (folder / "more.j2").write_text("more")
    assert folder / "more.j2" in templates.layout_files(folder, "statement")


def test_a_stylesheet_linked_from_outside_is_refused(tmp_path: Path) -> None:
    folder = office_templates(tmp_path, "")
    (folder / "statement.css").symlink_to("/etc/passwd")
    code, _, err = run("render", MINIMAL, "--templates", folder, "-o", tmp_path / "out")
    assert (code, err) == (1, f"{folder / 'statement.css'}: refused: a link to a file outside the templates folder\n")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ 1 / 0 }}", "statement.html.j2:5: template error: ZeroDivisionError: division by zero"),
        ('{{ "%d" % "x" }}', "statement.html.j2:5: template error: TypeError: %d format: a real number is required"),
    ],
)
def test_a_python_error_in_a_template_is_a_located_template_error(body: str, message: str, tmp_path: Path) -> None:
    assert message in refused(tmp_path, office_templates(tmp_path, body))


def test_loops_that_call_nothing_still_meet_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "RENDER_SECONDS", 0.2)
    ten = "{% for _ in 'abcdefghij' %}"
    body = "{% macro m() %}" + ten * 8 + "x" + "{% endfor %}" * 8 + "{% endmacro %}{{ m()|length }}"  # 10**8 items
    err = refused(tmp_path, office_templates(tmp_path, body))
    assert err.endswith("the template ran for more than 0.2 seconds (a loop without end?)\n")
