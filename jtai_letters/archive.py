"""Archival letters: the spec, its office profile and its images travel inside the PDF,
so the PDF alone can regenerate or edit the letter."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import Problem, UsageError

if TYPE_CHECKING:
    from .models import ResponseSpec

SPEC_DESCRIPTION = "jtai-letters response spec and the files it names"


def sources(spec: ResponseSpec) -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of the spec and every file it names, named relative to their common folder.

    Written out again side by side (`extract-spec --to`), they render the same letter.
    """
    from .render import image_paths
    from .spec import source_of

    src = source_of(spec)
    files = [src.path, *([src.profile] if src.profile else []), *image_paths(spec).values()]
    absolute = [Path(os.path.abspath(f)) for f in files]
    root = Path(os.path.commonpath([f.parent for f in absolute]))
    return tuple((f.relative_to(root).as_posix(), f.read_bytes()) for f in absolute)


def _attachments(pdf: Path) -> dict[str, bytes]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with pdf.open("rb") as f:
            if f.read(5) != b"%PDF-":
                raise UsageError(Problem("is not a PDF file", pdf))
        attached = PdfReader(str(pdf)).attachments
    except (OSError, PdfReadError) as e:
        raise UsageError(Problem(f"cannot read this PDF: {e}", pdf)) from None
    files = {name: blobs[0] for name, blobs in attached.items() if blobs}
    if not any(_is_spec(name, data) for name, data in files.items()):
        raise UsageError(Problem("carries no spec: was it made with --archive?", pdf))
    return files


def _is_spec(name: str, data: bytes) -> bool:
    return name.endswith((".yaml", ".yml")) and b"schema_version:" in data


def extract_spec(pdf: Path) -> str:
    """The YAML spec embedded in a PDF made with `--archive`."""
    return next(data.decode("utf-8") for name, data in _attachments(pdf).items() if _is_spec(name, data))


def extract_all(pdf: Path, folder: Path) -> Path:
    """Write the spec and the files it names under `folder`; the spec's path, ready to render.

    Names come from the PDF, so each must stay inside `folder`: a crafted PDF cannot
    write elsewhere.
    """
    files = _attachments(pdf)
    root = folder.resolve()
    spec_path: Path | None = None
    for name, data in files.items():
        target = (root / PurePosixPath(name)).resolve()
        if PurePosixPath(name).is_absolute() or not target.is_relative_to(root):
            raise UsageError(Problem(f"refused to write '{name}': it would leave {folder}", pdf))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if _is_spec(name, data):
            spec_path = folder / PurePosixPath(name)
    assert spec_path is not None  # _attachments guarantees a spec
    return spec_path
