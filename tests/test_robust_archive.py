"""extract-spec on crafted, damaged and unusual PDFs: one line of error, nothing written
unless everything can be, no file overwritten without --force, bounded memory."""

from __future__ import annotations

import os
import re
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest

from .helpers import run

SPEC = b"schema_version: 1\nlayout: letter\n"


def crafted(path: Path, files: list[tuple[str, bytes]], *, deflated: bool = False, **save: object) -> Path:
    """A one-page PDF carrying `files` as attachments (their bytes stored as given, as Flate data if `deflated`)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    names = pikepdf.Array()
    for name, data in files:
        stream = pikepdf.Stream(pdf, data)
        if deflated:
            stream.Filter = pikepdf.Name.FlateDecode
        spec = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Filespec,
                F=pikepdf.String(name),
                UF=pikepdf.String(name),
                EF=pikepdf.Dictionary(F=stream),
            )
        )
        names.extend([pikepdf.String(name), spec])
    pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=names))
    pdf.save(path, **save)  # type: ignore[arg-type]
    return path


def refused(pdf: Path, folder: Path, *more: str) -> str:
    code, out, err = run("extract-spec", pdf, "--to", folder, *more)
    assert (code, out) == (2, ""), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (".", "it names no file"),
        ("sub/..", "it would leave"),
        ("x" * 300 + ".png", "it is longer than 255 characters"),
        ("a\x00b.png", "it holds control characters or a backslash"),
        ("sub//x.png", "it names no file"),
    ],
    ids=["dot", "sub-dotdot", "300-characters", "nul", "empty-part"],
)
def test_every_name_is_checked_before_anything_is_written(name: str, why: str, tmp_path: Path) -> None:
    pdf = crafted(tmp_path / "crafted.pdf", [("spec.yaml", SPEC), (name, b"data")])
    err = refused(pdf, tmp_path / "out")
    assert why in err
    assert not (tmp_path / "out").exists()  # not even the spec, which came first


def test_a_file_and_a_folder_cannot_share_a_name(tmp_path: Path) -> None:
    pdf = crafted(tmp_path / "crafted.pdf", [("spec.yaml", SPEC), ("a", b"1"), ("a/b", b"2")])
    assert "refused to write 'a/b': a file and a folder cannot share a name" in refused(pdf, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_flate_bomb_stops_at_the_size_cap(tmp_path: Path) -> None:
    squeeze = zlib.compressobj(9)
    bomb = b"".join(squeeze.compress(bytes(1 << 20)) for _ in range(200)) + squeeze.flush()  # 200 MB of zeros
    pdf = crafted(tmp_path / "bomb.pdf", [("spec.yaml", zlib.compress(SPEC)), ("logo.png", bomb)], deflated=True)
    assert pdf.stat().st_size < 1_000_000
    assert "attachment 'logo.png' is larger than 8,388,608 bytes" in refused(pdf, tmp_path / "out")


def test_an_encrypted_pdf_is_refused_with_one_line(tmp_path: Path) -> None:
    owner_only = pikepdf.Encryption(owner="secret", user="", R=6, aes=True)
    pdf = crafted(tmp_path / "locked.pdf", [("spec.yaml", SPEC)], encryption=owner_only)
    err = refused(pdf, tmp_path / "out")
    assert err == f"error: {pdf}: is encrypted; an archival letter never is (PDF/A forbids it)\n"
    code, _, err = run("extract-spec", pdf)
    assert code == 2 and "is encrypted" in err


def test_a_dangling_attachment_reference_is_a_damaged_pdf(tmp_path: Path) -> None:
    pdf = crafted(tmp_path / "dangling.pdf", [("spec.yaml", SPEC)], object_stream_mode=pikepdf.ObjectStreamMode.disable)
    data = pdf.read_bytes()
    data, count = re.subn(rb"/EF << /F (\d+) 0 R >>", lambda m: b"/EF << /F 9" + m.group(1) + b" 0 R >>", data)
    assert count == 1
    pdf.write_bytes(data)
    assert "attachment 'spec.yaml' has no data (damaged PDF)" in refused(pdf, tmp_path / "out")


def test_a_damaged_pdf_is_one_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = crafted(tmp_path / "good.pdf", [("spec.yaml", SPEC)])
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    code, _, err = run("extract-spec", damaged)
    assert code == 2
    assert err.startswith(f"error: {damaged}: ") and len(err.splitlines()) == 1
    assert caplog.records == []  # pypdf's own notes ("EOF marker not found") would be stray lines


def test_a_spec_not_in_utf8_is_refused_before_writing(tmp_path: Path) -> None:
    pdf = crafted(tmp_path / "latin1.pdf", [("spec.yaml", SPEC + "office: {name: Café}\n".encode("latin-1"))])
    assert "attachment 'spec.yaml' is not UTF-8 text" in refused(pdf, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    code, _, err = run("extract-spec", pdf)
    assert code == 2 and "is not UTF-8 text" in err


def test_existing_files_are_kept_unless_forced(tmp_path: Path) -> None:
    naming = SPEC + b"office:\n  profile: profiles/p.yaml\n"  # only files the spec names are written
    pdf = crafted(tmp_path / "letter.pdf", [("spec.yaml", naming), ("profiles/p.yaml", b"name: x\n")])
    out = tmp_path / "out"
    assert run("extract-spec", pdf, "--to", out)[0] == 0
    (out / "profiles" / "p.yaml").write_text("name: edited by an officer\n")
    err = refused(pdf, out)
    assert "'spec.yaml' already exists" in err and "--force overwrites" in err
    assert (out / "profiles" / "p.yaml").read_text() == "name: edited by an officer\n"
    code, printed, _ = run("extract-spec", pdf, "--to", out, "--force")
    assert (code, printed) == (0, f"{out / 'spec.yaml'}\n")
    assert (out / "profiles" / "p.yaml").read_bytes() == b"name: x\n"
    assert sorted(p.name for p in out.rglob("*")) == ["p.yaml", "profiles", "spec.yaml"]  # no temporary files


def test_to_a_plain_file_and_a_fifo_for_a_pdf_are_one_line(tmp_path: Path) -> None:
    pdf = crafted(tmp_path / "letter.pdf", [("spec.yaml", SPEC)])
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert refused(pdf, plain) == f"error: {plain}: is a file; --to names a folder to write into\n"
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    code, _, err = run("extract-spec", fifo)
    assert (code, err) == (2, f"error: {fifo}: is not a regular file (a device, FIFO or socket)\n")


@pytest.mark.parametrize(("specs", "office"), [("specs", "office"), ("deep/specs", "far/away/office")])
def test_a_profile_given_with_the_profile_option_travels_with_the_archive(
    specs: str, office: str, tmp_path: Path
) -> None:
    from .helpers import ROOT, pdf_text

    minimal = Path(__file__).resolve().parent / "minimal.yaml"
    spec = tmp_path / specs / "spec.yaml"
    spec.parent.mkdir(parents=True)
    text = minimal.read_text().replace("layout: statement", "layout: letter")
    spec.write_text(text.replace("  chief_constable:", "  sign_off: {closing: Yours sincerely}\n  chief_constable:"))
    shutil.copytree(ROOT / "profiles", tmp_path / office)
    profile = tmp_path / office / "loamshire.yaml"
    first = tmp_path / "first"
    code, _, err = run("render", spec, "-o", first, "--archive", "--profile", profile, "--format", "pdf,docx")
    assert code == 0, err
    code, printed, _ = run("extract-spec", first / "spec.pdf", "--to", tmp_path / "unpacked")
    assert code == 0
    again = tmp_path / "again"
    assert run("render", printed.strip(), "-o", again, "--archive")[0] == 0  # no --profile this time
    assert (again / "spec.docx").read_bytes() == (first / "spec.docx").read_bytes()  # logo and colour kept
    assert pdf_text(again / "spec.pdf") == pdf_text(first / "spec.pdf")
