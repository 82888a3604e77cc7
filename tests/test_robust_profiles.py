"""Office profiles: read only from the specs' own tree or a named folder, never echoing
what a file that is not a profile holds; a profile's signature kept for its own commissioner."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from .helpers import ROOT, run
from .test_publication import with_office


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """<tmp>/opcc/{profiles,specs}: a spec folder with a profile beside it, inside a wider tree."""
    opcc = tmp_path / "opcc"
    shutil.copytree(ROOT / "profiles", opcc / "profiles")
    (opcc / "specs").mkdir()
    return opcc


def test_a_profile_outside_the_specs_tree_is_refused(office: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text("name: x\n")
    spec = with_office(office, "office:\n  profile: ../../elsewhere.yaml\n")
    code, out, _ = run("validate", spec)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{spec}:5:12: office.profile: '../../elsewhere.yaml' is outside the folders profiles are read from "
        f"({office.resolve()}); keep profiles near the specs, or name their folder with --profiles"
    )


def test_a_symlink_cannot_lead_a_profile_out(office: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text("name: x\n")
    (office / "profiles" / "linked.yaml").symlink_to(tmp_path / "secret.yaml")
    spec = with_office(office, "office:\n  profile: ../profiles/linked.yaml\n")
    _, out, _ = run("validate", spec)
    assert "is outside the folders profiles are read from" in out.splitlines()[0]


def test_a_profiles_folder_named_on_the_command_line_is_allowed(office: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shutil.copytree(ROOT / "profiles", shared)
    spec = with_office(office, "office:\n  profile: ../../shared/loamshire.yaml\n")
    assert run("validate", spec)[0] == 1
    code, out, _ = run("validate", spec, "--profiles", shared)
    assert (code, out) == (0, f"{spec}: valid\n")
    bare = with_office(office, "office:\n  profile: loamshire.yaml\n")  # found in the named folder
    assert run("validate", bare, "--profiles", shared)[0] == 0


def test_values_of_a_file_named_as_a_profile_are_never_echoed(office: Path) -> None:
    (office / "config.yaml").write_text("name: [hunter2]\ntelephone: {token: s3cr3t-t0ken}\n")
    spec = with_office(office, "office:\n  profile: ../config.yaml\n")
    code, out, _ = run("validate", spec)
    assert code == 1
    assert "hunter2" not in out and "s3cr3t" not in out
    assert f"{office / 'config.yaml'}:1:7: name: expected text, got a value not shown here" in out


def test_restating_the_profiles_own_commissioner_keeps_the_signature(office: Path) -> None:
    spec = with_office(office, "office:\n  profile: ../profiles/loamshire.yaml\n  commissioner: Priya Marsh\n")
    text = spec.read_text().replace("  chief_constable:", "  sign_off: {closing: Yours sincerely}\n  chief_constable:")
    text = text.replace("layout: statement", "layout: letter")  # a layout that signs
    spec.write_text(text)
    code, _, err = run("render", spec, "-o", office / "out", "--format", "docx")
    assert code == 0, err
    shapes = docx.Document(str(office / "out" / "spec.docx")).inline_shapes
    assert [s._inline.docPr.get("descr") for s in shapes] == ["Signature of Priya Marsh"]
