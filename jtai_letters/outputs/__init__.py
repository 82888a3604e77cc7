"""One writer per output format, each `write(letter) -> bytes`."""

from . import docx, pdf

WRITERS = {"docx": docx.write, "pdf": pdf.write}
"""Output formats by file extension, in the order they are written."""
