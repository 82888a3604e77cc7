"""The only files a letter may load: its layout's own files and the images its spec names.

Both writers load through `read_asset` (WeasyPrint through the URL fetcher in
`outputs/pdf.py`), so neither a spec nor a template can make them read a file
outside the allowed places or reach the network.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from .errors import OutputError, Problem

MAX_ASSET_BYTES = 5 * 1024 * 1024
MAX_DATA_URL_BYTES = 64 * 1024
_IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
_TEXT_TYPES = {".css": "text/css"}


def image_type(data: bytes) -> str | None:
    """The MIME type of PNG or JPEG data, or None for anything else."""
    return next((mime for magic, mime in _IMAGE_TYPES.items() if data.startswith(magic)), None)


def image(base: Path, relative: str) -> Path:
    """The PNG or JPEG at `relative` inside `base`; `ValueError` saying why not.

    Refuses absolute paths and URLs, paths that leave `base` (by `..` or by a
    symlink), missing files, files over `MAX_ASSET_BYTES` and anything that is
    not really a PNG or JPEG, whatever its name.
    """
    if Path(relative).is_absolute() or urlsplit(relative).scheme:
        raise ValueError(f"'{relative}' must be a path relative to the spec's folder")
    root = base.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"'{relative}' points outside the spec's folder")
    if not target.is_file():
        raise ValueError(f"'{relative}' does not exist (looked in {target.parent})")
    if target.stat().st_size > MAX_ASSET_BYTES:
        raise ValueError(f"'{relative}' is larger than {MAX_ASSET_BYTES:,} bytes")
    with target.open("rb") as f:
        if image_type(f.read(16)) is None:
            raise ValueError(f"'{relative}' is not a PNG or JPEG image")
    return target


def _allowed(path: Path, places: tuple[Path, ...]) -> bool:
    return any(path == p or (p.is_dir() and path.is_relative_to(p)) for p in places)


def read_asset(url: str, places: tuple[Path, ...]) -> tuple[bytes, str]:
    """Bytes and MIME type of an allowed asset; `OutputError` for anything else.

    `places` are folders (anything inside is allowed) and single files. Small
    `data:` URLs are decoded in memory; every other scheme is refused.
    """
    parts = urlsplit(url)
    if parts.scheme == "data":
        return _data_url(url)
    if parts.scheme != "file":
        raise OutputError(Problem(f"refused to fetch '{url}': a letter loads only its own local files"))
    path = Path(unquote(parts.path)).resolve()
    if not _allowed(path, tuple(p.resolve() for p in places)):
        raise OutputError(Problem(f"refused to read '{path}': outside the layout's folder and the spec's images"))
    try:
        if path.stat().st_size > MAX_ASSET_BYTES:
            raise OutputError(Problem(f"'{path}' is larger than {MAX_ASSET_BYTES:,} bytes"))
        data = path.read_bytes()
    except OSError as e:
        raise OutputError(Problem(f"cannot read '{path}': {e.strerror}")) from e
    mime = _TEXT_TYPES.get(path.suffix) or image_type(data)
    if mime is None:
        raise OutputError(Problem(f"refused '{path}': not a stylesheet, PNG or JPEG"))
    return data, mime


def _data_url(url: str) -> tuple[bytes, str]:
    if len(url) > MAX_DATA_URL_BYTES * 4 // 3 + 200:
        raise OutputError(
            Problem(f"refused a data: URL of {len(url):,} characters (at most {MAX_DATA_URL_BYTES:,} bytes)")
        )
    header, _, payload = url[5:].partition(",")
    try:
        data = base64.b64decode(payload, validate=True) if header.endswith(";base64") else unquote_to_bytes(payload)
    except ValueError:
        raise OutputError(Problem("refused a data: URL that does not decode")) from None
    mime = image_type(data)
    if mime is None:
        raise OutputError(Problem("refused a data: URL that is not a PNG or JPEG image"))
    return data, mime
