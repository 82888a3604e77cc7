"""Hostile and unusual input files: images that lie or explode, devices and FIFOs.

Each case was once a traceback, a hang or a letter silently missing a part."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from pathlib import Path

import docx
import pytest
from PIL import Image

from .helpers import ROOT, run

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"
LOAMSHIRE = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming `width` x `height` pixels whose image data is a few hundred bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 3000)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


def cmyk_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("CMYK", (40, 20), (0, 200, 200, 0)).save(out, "JPEG", quality=90)
    return out.getvalue()


LOGO = (ROOT / "profiles" / "loamshire-logo.png").read_bytes()
BAD_IMAGES = {
    "bomb": (png_header_only(30000, 30000), "is over 89,478,485 pixels; an image may have at most 40,000,000 pixels"),
    "large": (png_header_only(8000, 8000), "is 8,000 x 8,000 pixels; an image may have at most 40,000,000 pixels"),
    "truncated": (LOGO[: len(LOGO) // 2], "is not a readable PNG image (image file is truncated"),
    "svg-in-png": (b"\x89PNG\r\n\x1a\n<svg xmlns='http://www.w3.org/2000/svg'/>", "is not a readable PNG image"),
}


def office_with_logo(tmp_path: Path, logo: bytes, name: str = "logo.png") -> Path:
    """The Loamshire example and its profile, copied with `logo` as the office's logo."""
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    (tmp_path / "responses").mkdir()
    spec = tmp_path / "responses" / LOAMSHIRE.name
    shutil.copy(LOAMSHIRE, spec)
    (tmp_path / "profiles" / name).write_bytes(logo)
    profile = tmp_path / "profiles" / "loamshire.yaml"
    profile.write_text(profile.read_text().replace("path: loamshire-logo.png", f"path: {name}"))
    return spec


@pytest.mark.parametrize("case", sorted(BAD_IMAGES))
def test_an_image_that_does_not_decode_is_refused_by_validate_and_render(case: str, tmp_path: Path) -> None:
    data, message = BAD_IMAGES[case]
    spec = office_with_logo(tmp_path, data)
    code, out, _ = run("validate", spec)
    assert code == 1
    assert f"profiles/loamshire.yaml:16:9: logo.path: 'logo.png' {message}" in out
    code, _, err = run("render", spec, "-o", tmp_path / "out")
    assert code == 1
    assert message in err
    assert not (tmp_path / "out").exists()


def test_a_cmyk_jpeg_logo_is_converted_once_and_both_formats_embed_the_same_rgb_picture(tmp_path: Path) -> None:
    spec = office_with_logo(tmp_path, cmyk_jpeg(), "logo.jpg")
    assert run("validate", spec)[0] == 0
    code, _, err = run("render", spec, "-o", tmp_path / "out")
    assert code == 0, err
    document = docx.Document(str(tmp_path / "out" / f"{spec.stem}.docx"))
    pictures = [p for p in document.part.package.image_parts if p.content_type == "image/png"]
    modes = {Image.open(io.BytesIO(p.blob)).mode for p in pictures}
    assert "CMYK" not in modes
    logo = [Image.open(io.BytesIO(p.blob)) for p in pictures if Image.open(io.BytesIO(p.blob)).size == (40, 20)]
    assert len(logo) == 1 and logo[0].mode == "RGB"
    import pikepdf

    with pikepdf.open(tmp_path / "out" / f"{spec.stem}.pdf") as pdf:
        sizes = {
            (int(obj.Width), int(obj.Height), str(obj.get("/ColorSpace")))
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        }
    assert (40, 20, "/DeviceRGB") in sizes
    again = tmp_path / "again"
    assert run("render", spec, "-o", again)[0] == 0
    assert (again / f"{spec.stem}.docx").read_bytes() == (tmp_path / "out" / f"{spec.stem}.docx").read_bytes()


def test_validate_refuses_a_device_without_reading_it() -> None:
    code, out, _ = run("validate", "/dev/zero")
    assert code == 1
    assert out.splitlines()[0] == "/dev/zero: is not a regular file (a device, FIFO or socket)"


def test_a_fifo_as_spec_or_logo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    code, out, _ = run("validate", fifo)  # would block forever in open() or read()
    assert code == 1
    assert out.splitlines()[0] == f"{fifo}: is not a regular file (a device, FIFO or socket)"
    spec = office_with_logo(tmp_path / "logo", b"")
    (tmp_path / "logo" / "profiles" / "logo.png").unlink()
    os.mkfifo(tmp_path / "logo" / "profiles" / "logo.png")
    code, out, _ = run("validate", spec)
    assert code == 1
    assert "logo.path: 'logo.png' is not a regular file (a device, FIFO or socket)" in out
