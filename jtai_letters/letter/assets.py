"""The only files a letter may load: its layout's own files and the images its spec names.

Both writers load through `read_asset` (WeasyPrint through the URL fetcher in
`outputs/pdf.py`), so neither a spec nor a template can make them read a file
outside the allowed places or reach the network.

Images are decoded in full with Pillow when a spec is checked, so `validate` and
both writers agree on what prints: a truncated file, an SVG behind PNG magic or a
picture too large to decode is refused with a message, not dropped from the PDF,
and a CMYK JPEG (as design agencies supply) is converted to RGB once, here, for both.
"""

from __future__ import annotations

import base64
import errno
import io
import os
import stat
import warnings
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from PIL import Image

from jtai_letters.errors import OutputError, Problem

MAX_ASSET_BYTES = 5 * 1024 * 1024
MAX_DATA_URL_BYTES = 64 * 1024
MAX_PIXELS = 40_000_000  # a 300 dpi A4 page is 8.7 megapixels; decoding 40 costs ~160 MB
_MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA", "I;16"}  # what PDF and Word both draw as is
_CONVERTED = {"CMYK"}  # printers' colours: converted to RGB (a lossless PNG)
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
_TOO_MANY = f"an image may have at most {MAX_PIXELS:,} pixels (a logo needs about 1,000 across): resize it"
_IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
_TEXT_TYPES = {".css": "text/css"}


def image_type(data: bytes) -> str | None:
    """The MIME type of PNG or JPEG data, or None for anything else."""
    return next((mime for magic, mime in _IMAGE_TYPES.items() if data.startswith(magic)), None)


def checked_image(data: bytes) -> tuple[bytes, str]:
    """The bytes the writers embed for image `data`, and their MIME type; `ValueError` saying why not.

    The header is read first, so a decompression bomb is refused by its
    dimensions before any pixel is decoded; then every pixel is decoded, so a
    truncated or disguised file fails here rather than vanish from the PDF.
    CMYK comes back as an RGB PNG (the same bytes every time).
    """
    mime = image_type(data)
    if mime is None:
        raise ValueError("is not a PNG or JPEG image")
    # Truncation is found here, not by Pillow: WeasyPrint sets Pillow's process-wide
    # LOAD_TRUNCATED_IMAGES on import, and a library must not flip it back and forth.
    if not _complete(data, mime):
        raise ValueError(f"is not a readable {_FORMATS[mime]} image (image file is truncated)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_FORMATS[mime]]) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise ValueError(f"is {width:,} x {height:,} pixels; {_TOO_MANY}")
                img.load()
                if img.mode in _CONVERTED:
                    out = io.BytesIO()
                    img.convert("RGB").save(out, "PNG")
                    return out.getvalue(), "image/png"
                if img.mode not in _MODES:
                    raise ValueError(f"uses the colour mode {img.mode}; save it as RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, met on opening: far beyond ours.
        raise ValueError(f"is over {Image.MAX_IMAGE_PIXELS or MAX_PIXELS:,} pixels; {_TOO_MANY}") from None
    except (OSError, SyntaxError, EOFError) as e:  # UnidentifiedImageError is an OSError
        # Pillow's messages ("image file is truncated (3 bytes not processed)") say what is wrong.
        detail = f" ({e})" if str(e) and "cannot identify" not in str(e) else ""
        raise ValueError(f"is not a readable {_FORMATS[mime]} image{detail}") from None
    return data, mime


def _complete(data: bytes, mime: str) -> bool:
    """Whether the file holds all of itself: a PNG's chunks up to IEND, a JPEG's end marker after its scan.

    >>> _complete(b"\\x89PNG\\r\\n\\x1a\\n" + b"\\0\\0\\0\\0IEND" + b"\\xaeB`\\x82", "image/png")
    True
    >>> _complete(b"\\xff\\xd8\\xff\\xda\\0\\x02", "image/jpeg")
    False
    """
    if mime == "image/png":
        at = 8
        while at + 12 <= len(data):
            length = int.from_bytes(data[at : at + 4], "big")
            kind = data[at + 4 : at + 8]
            at += 12 + length
            if kind == b"IEND":
                return at <= len(data)
        return False
    scan = data.find(b"\xff\xda")
    return scan >= 0 and data.rfind(b"\xff\xd9") > scan


def image_bytes(path: Path) -> tuple[bytes, str]:
    """`checked_image` of the file at `path`; decoded once per change of the file."""
    info = path.stat()
    return _image_bytes(path, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=16)
def _image_bytes(path: Path, mtime_ns: int, size: int) -> tuple[bytes, str]:
    return checked_image(read_regular(path, MAX_ASSET_BYTES, "an image"))


def read_regular(path: Path, limit: int, what: str = "a file") -> bytes:
    """The bytes of the regular file at `path`; `ValueError` for a device, FIFO or socket, or over `limit`.

    Opened without blocking and checked on the open descriptor, so `/dev/zero`
    is never read and a FIFO with no writer never hangs.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("is not a regular file (a device, FIFO or socket)")
        size = info.st_size
        data = b"" if size > limit else f.read(limit + 1)
    if size > limit or len(data) > limit:  # or grew while being read
        raise ValueError(too_large(max(size, len(data)), limit, what))
    return data


def too_large(size: int, limit: int, what: str = "an image") -> str:
    """What is said of a file over its limit (by validate, and by the editor of an image sent to it).

    >>> too_large(6_000_000, MAX_ASSET_BYTES)
    'is 6,000,000 bytes; an image may be at most 5,242,880'
    """
    return f"is {size:,} bytes; {what} may be at most {limit:,}"


def place(base: Path, relative: str, folder: str = "the spec's folder") -> Path:
    """Where `relative` is inside `base` (symlinks resolved); `ValueError` for an absolute path, a URL,
    a NUL, or a path that leaves `base` by `..` or by a symlink."""
    if Path(relative).is_absolute() or urlsplit(relative).scheme:
        raise ValueError(f"'{relative}' must be a path relative to {folder}")
    if "\x00" in relative:
        raise ValueError(f"{relative!r} is not a file name")
    root = base.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"'{relative}' points outside {folder}")
    return target


def image(base: Path, relative: str, folder: str = "the spec's folder") -> Path:
    """The PNG or JPEG at `relative` inside `base`; `ValueError` saying why not.

    Refuses absolute paths and URLs, paths that leave `base` (by `..` or by a
    symlink), missing files, files over `MAX_ASSET_BYTES`, anything that is not
    really a PNG or JPEG whatever its name, and images that do not decode.
    """
    target = place(base, relative, folder)
    if not os.path.exists(target):  # not Path.exists, which raises for a name too long
        raise ValueError(f"'{relative}' does not exist (looked in {target.parent})")
    try:
        image_bytes(target)
    except ValueError as e:
        raise ValueError(f"'{relative}' {e}") from None
    except OSError as e:
        raise ValueError(f"'{relative}' cannot be read: {e.strerror}") from None
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
        text_type = _TEXT_TYPES.get(path.suffix)
        if text_type:
            return read_regular(path, MAX_ASSET_BYTES, "a stylesheet"), text_type
        return image_bytes(path)
    except OSError as e:
        raise OutputError(Problem(f"cannot read '{path}': {e.strerror}")) from e
    except ValueError as e:
        raise OutputError(Problem(f"refused '{path}': it {e}")) from None


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
    try:
        return checked_image(data)
    except ValueError as e:
        raise OutputError(Problem(f"refused a data: URL that {e}")) from None
