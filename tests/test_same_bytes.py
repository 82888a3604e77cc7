"""A letter's bytes do not depend on where its files sit: copied elsewhere, or regenerated from its archive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf

from jtai_letters.pipeline import build as pipeline
from jtai_letters.pipeline.archive import extract_all

from .helpers import ROOT

EXAMPLE = "loamshire-2025-domestic-abuse"  # its profile names a logo and a signature


def _copy(folder: Path) -> Path:
    """The example, its profile and both images under `folder`; the spec's path."""
    (folder / "responses").mkdir(parents=True)
    shutil.copytree(ROOT / "profiles", folder / "profiles")
    return Path(shutil.copy(ROOT / "responses" / f"{EXAMPLE}.yaml", folder / "responses"))


def _letters(spec: Path, out: Path, *, archive: bool = False) -> dict[str, bytes]:
    options = pipeline.Options(formats=("pdf", "docx"), archive=archive)
    result = pipeline.build(spec, out, options)
    return {p.suffix: p.read_bytes() for p in result.outputs}


def test_the_same_spec_in_two_folders_gives_the_same_bytes(tmp_path: Path) -> None:
    # Different lengths and sort orders of the paths: image names and order once followed them.
    first = _copy(tmp_path / "b")
    second = _copy(tmp_path / "a-much-longer-folder-name" / "deeper")
    one, other = _letters(first, tmp_path / "out1"), _letters(second, tmp_path / "out2")
    with pikepdf.open(tmp_path / "out1" / f"{EXAMPLE}.pdf") as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    assert len(images) == 2  # the logo and the signature are both in it
    assert one[".pdf"] == other[".pdf"]
    assert one[".docx"] == other[".docx"]


def test_a_letter_regenerated_from_its_archive_is_byte_identical(tmp_path: Path) -> None:
    spec = _copy(tmp_path / "made")
    made = _letters(spec, tmp_path / "out", archive=True)
    extract_all(tmp_path / "out" / f"{EXAMPLE}.pdf", tmp_path / "unpacked")
    again = _letters(tmp_path / "unpacked" / "responses" / f"{EXAMPLE}.yaml", tmp_path / "again", archive=True)
    assert again[".pdf"] == made[".pdf"]
    assert again[".docx"] == made[".docx"]
