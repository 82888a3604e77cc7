"""Every command, fed random and mutated specs, profiles, images and PDFs: exit code 0, 1 or 2,
never an exception (in-process, a traceback would be one), nothing written outside the output folder.

Seeded (`derandomize`), so a failure reproduces; sized to run in about 20 seconds.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jtai_letters import cli

from .helpers import ROOT

HERE = Path(__file__).resolve().parent
SPECS = [HERE / "minimal.yaml", *sorted((ROOT / "responses").glob("*.yaml"))]
PROFILE = ROOT / "profiles" / "loamshire.yaml"
LOGO = ROOT / "profiles" / "loamshire-logo.png"
SCALE = int(os.environ.get("JTAI_FUZZ_SCALE", "1"))  # raise it to fuzz longer by hand
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SPEC_TOKENS = [
    b"\n",
    b": ",
    b"- ",
    b"  ",
    b"&a ",
    b"*a",
    b"<<: ",
    b"!!python/object ",
    b"{",
    b"}",
    b"[",
    b"]",
    b"'",
    b'"',
    b"#",
    b"\t",
    b"\x00",
    b"\xff",
    "\u202e".encode(),
    b"1e400",
    b"9999-12-31",
    b"0000-01-01",
    b"{{ 7*7 }}",
    b"../../../etc/passwd",
    b"~",
    b"null",
    b"true",
    b"1.0",
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes, tokens: list[bytes]) -> bytes:
    """`original` with a few random edits: cuts, insertions of random bytes or YAML-ish tokens, repeats."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["cut", "bytes", "token", "repeat"]))
        if edit == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif edit == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif edit == "token":
            data[at:at] = draw(st.sampled_from(tokens))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 80))] * draw(st.integers(2, 40))
    return bytes(data)


@lru_cache(maxsize=1)
def archived() -> bytes:
    """The Loamshire example as an archival PDF: spec, profile and images attached."""
    with tempfile.TemporaryDirectory() as name:
        spec = ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml"
        assert (
            cli.main(["render", str(spec), "-o", name, "--archive", "--format", "pdf"], io.StringIO(), io.StringIO())
            == 0
        )
        return (Path(name) / f"{spec.stem}.pdf").read_bytes()


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh folder laid out like an office's: specs/, profiles/ (with images), out/."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        shutil.copytree(ROOT / "profiles", root / "profiles")
        (root / "responses").mkdir()
        yield root


def files_outside_out(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "out" not in p.relative_to(root).parts
    }


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # WeasyPrint's own warnings become located problems in the batch/render work (issue 9b);
        # characters no font has, which it logs, are already a `font` warning here.
        if not record.name.startswith("weasyprint"):
            self.lines.append(f"{record.name}: {record.getMessage()}")


def check(argv: list[str | Path], root: Path) -> int:
    """Run one command: exit 0, 1 or 2, no traceback, no stray log line, nothing written outside out/."""
    before = files_outside_out(root)
    out, err = io.StringIO(), io.StringIO()
    logged = _Logged()
    logging.getLogger().addHandler(logged)
    try:
        code = cli.main([str(a) for a in argv], out, err)
    finally:
        logging.getLogger().removeHandler(logged)
    assert code in (0, 1, 2), (code, err.getvalue())
    assert "Traceback" not in err.getvalue() + out.getvalue()
    assert logged.lines == [], "a library logged beside the one-line messages"
    assert files_outside_out(root) == before, "a file outside the output folder was written"
    return code


@settings(FUZZ, max_examples=150 * SCALE)
@given(st.data())
def test_validate_survives_mutated_specs_and_profiles(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(SPECS))
    spec_bytes = data.draw(mutated(base.read_bytes(), SPEC_TOKENS))
    with workspace() as root:
        spec = root / "responses" / "spec.yaml"
        spec.write_bytes(spec_bytes)
        if data.draw(st.booleans()):
            (root / "profiles" / "loamshire.yaml").write_bytes(data.draw(mutated(PROFILE.read_bytes(), SPEC_TOKENS)))
        check(["validate", spec], root)
        check(["validate", "--format", "json", spec], root)


@settings(FUZZ, max_examples=12 * SCALE)
@given(st.data())
def test_render_survives_any_text_and_mutated_images(data: st.DataObject) -> None:
    # Valid specs carrying any text, and the Loamshire letter with a damaged logo: both reach the writers.
    text = json.dumps(data.draw(st.text(min_size=1, max_size=300)), ensure_ascii=False)
    spec_text = data.draw(
        st.sampled_from(
            [
                (HERE / "minimal.yaml").read_text().replace("We welcome the report.", text),
                (ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml").read_text(),
            ]
        )
    )
    with workspace() as root:
        spec = root / "responses" / "spec.yaml"
        spec.write_text(spec_text, encoding="utf-8")
        logo = data.draw(
            st.one_of(st.just(LOGO.read_bytes()), mutated(LOGO.read_bytes(), [b"\x00" * 64, b"IDAT", b"<svg>"]))
        )
        (root / "profiles" / "loamshire-logo.png").write_bytes(logo)
        formats = data.draw(st.sampled_from(["pdf", "docx", "docx,pdf"]))
        archive = ["--archive"] if data.draw(st.booleans()) else []
        check(["render", spec, "-o", root / "out", "--format", formats, *archive], root)
        letter = root / "out" / "spec.pdf"
        if archive and letter.exists():  # an archival letter gives its files back
            assert check(["extract-spec", letter, "--to", root / "out" / "unpacked"], root) == 0


@settings(FUZZ, max_examples=6 * SCALE)
@given(st.data())
def test_batch_survives_a_folder_of_mutated_specs(data: st.DataObject) -> None:
    with workspace() as root:
        minimal = (HERE / "minimal.yaml").read_text()
        for i in range(2):  # valid, with any text
            text = json.dumps(data.draw(st.text(min_size=1, max_size=200)), ensure_ascii=False)
            (root / "responses" / f"spec-{i}.yaml").write_text(minimal.replace("We welcome the report.", text))
        broken = data.draw(mutated(minimal.encode(), [b" ", b"x", b"\n", b"- ", b": "]))
        (root / "responses" / "spec-2.yaml").write_bytes(broken)
        check(["batch", root / "responses", "-o", root / "out", "--jobs", "1", "--format", "docx"], root)


@settings(FUZZ, max_examples=60 * SCALE)
@given(st.data())
def test_extract_spec_survives_mutated_archival_pdfs(data: st.DataObject) -> None:
    pdf_bytes = data.draw(mutated(archived(), [b"/FlateDecode", b"/EF", b"/Names", b"endobj", b"0 R", b"\x00" * 16]))
    with workspace() as root:
        pdf = root / "letter.pdf"
        pdf.write_bytes(pdf_bytes)
        check(["extract-spec", pdf], root)
        check(["extract-spec", pdf, "--to", root / "out"], root)


@settings(FUZZ, max_examples=40 * SCALE)
@given(
    argv=st.lists(
        st.sampled_from(
            [
                "render",
                "validate",
                "new",
                "schema",
                "layouts",
                "extract-spec",
                "--layout",
                "letter",
                "--published",
                "9999-12-31",
                "-o",
                "--format",
                "pdf,docx",
                "--jobs",
                "0",
                "--profile",
                "--profiles",
                "--templates",
                "/dev/zero",
                "--strict",
                "--force",
                "--to",
                ".",
            ]
        ),
        max_size=6,
    )
)
def test_any_command_line_is_a_usage_error_at_worst(argv: list[str]) -> None:
    with workspace() as root:
        check([a if a != "." else str(root / "out") for a in argv], root)
