"""Archival letters: the spec travels inside the PDF, so the PDF alone can regenerate the letter."""

from __future__ import annotations

from pathlib import Path

from .errors import Problem, UsageError

SPEC_DESCRIPTION = "jtai-letters response spec"


def extract_spec(pdf: Path) -> str:
    """The YAML spec embedded in a PDF made with `--archive`."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with pdf.open("rb") as f:
            if f.read(5) != b"%PDF-":
                raise UsageError(Problem("is not a PDF file", pdf))
        attachments = PdfReader(str(pdf)).attachments
    except (OSError, PdfReadError) as e:
        raise UsageError(Problem(f"cannot read this PDF: {e}", pdf)) from None
    specs = [(name, data) for name, blobs in attachments.items() if name.endswith((".yaml", ".yml")) for data in blobs]
    if not specs:
        raise UsageError(Problem("carries no spec: was it made with --archive?", pdf))
    return specs[0][1].decode("utf-8")
