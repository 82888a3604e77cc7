"""The only files a letter may load: its layout's CSS and the images its spec names.

Both writers load through `read_asset` (WeasyPrint through the URL fetcher in
`outputs/pdf.py`), so a spec or a template cannot make either of them read a
file outside the allowed folders or reach the network.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import OutputError, Problem

MAX_ASSET_BYTES = 5 * 1024 * 1024
_IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def resolve(base: Path, relative: str) -> Path:
    """`relative` inside `base`, or `ValueError` saying why not (absolute, escapes, missing)."""
    if Path(relative).is_absolute() or urlsplit(relative).scheme:
        raise ValueError(f"'{relative}' must be a path relative to the spec's folder")
    root = base.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"'{relative}' points outside the spec's folder")
    if not target.is_file():
        raise ValueError(f"'{relative}' does not exist")
    return target


def image_type(data: bytes) -> str | None:
    """The MIME type of PNG or JPEG data, or None for anything else."""
    for magic, mime in _IMAGE_TYPES.items():
        if data.startswith(magic):
            return mime
    return None


def read_asset(url: str, roots: tuple[Path, ...]) -> tuple[bytes, str]:
    """Bytes and MIME type of a `file:` URL inside one of `roots`; `OutputError` otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        raise OutputError(Problem(f"refused to fetch '{url}': letters load only local assets"))
    path = Path(unquote(parts.path)).resolve()
    if not any(path.is_relative_to(r.resolve()) for r in roots):
        raise OutputError(Problem(f"refused to read '{path}': outside the template and spec folders"))
    try:
        if path.stat().st_size > MAX_ASSET_BYTES:
            raise OutputError(Problem(f"'{path}' is larger than {MAX_ASSET_BYTES:,} bytes"))
        data = path.read_bytes()
    except OSError as e:
        raise OutputError(Problem(f"cannot read '{path}': {e.strerror}")) from e
    if path.suffix == ".css":
        return data, "text/css"
    mime = image_type(data)
    if mime is None:
        raise OutputError(Problem(f"'{path}' is not a PNG or JPEG image"))
    return data, mime
