"""Archival letters: the spec, its office profile and its images travel inside the PDF,
so the PDF alone can regenerate or edit the letter. (`sources` gives them to the letter, as
`RenderedLetter.attachments`; the PDF writer attaches them, with `letter.render.SPEC_DESCRIPTION`.)"""

from __future__ import annotations

import io
import json
import logging
import os
import posixpath
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from jtai_letters import patches
from jtai_letters.errors import JtaiError, OutputError, Problem, UsageError
from jtai_letters.files import write_atomic
from jtai_letters.letter.assets import read_regular

if TYPE_CHECKING:
    from pypdf.generic import StreamObject

    from jtai_letters.spec.load import LoadedSpec, SourceMap


def sources(loaded: LoadedSpec) -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of the spec and every file it names, named relative to their common folder.

    Written out again side by side (`extract-spec --to`), they render the same letter.
    """
    from jtai_letters.letter.render import image_paths

    src = loaded.source
    files = [src.path, *([src.profile] if src.profile else []), *image_paths(loaded).values()]
    absolute = [Path(os.path.abspath(f)) for f in files]
    names = _names(absolute, with_profile=src.profile is not None)
    named = [(name, f.read_bytes()) for name, f in zip(names, absolute, strict=True)]
    if src.profile:
        spec_name, profile_name = named[0][0], named[1][0]
        named[0] = (spec_name, _naming_profile(src, posixpath.relpath(profile_name, posixpath.dirname(spec_name))))
    return tuple(named)


def _names(files: list[Path], *, with_profile: bool) -> list[str]:
    """Names for the spec (first), its profile (second, if any) and images: relative to their
    common folder, unless the profile lies outside the spec's folder's parent (given with
    --profile from elsewhere). Then the spec's folder and a `profiles/` folder sit side by side,
    so the profile is found again within the spec's tree when the letter is regenerated."""
    spec = files[0]
    if not with_profile or files[1].is_relative_to(spec.parent.parent):
        root = Path(os.path.commonpath([f.parent for f in files]))
        return [f.relative_to(root).as_posix() for f in files]
    specs = spec.parent.name or "spec"
    profiles = "profiles" if specs != "profiles" else "office-profiles"
    # Images lie inside the folder of the file naming them (assets.image): the spec's or the profile's.
    return [
        f"{specs}/{f.relative_to(spec.parent).as_posix()}"
        if f.is_relative_to(spec.parent)
        else f"{profiles}/{f.relative_to(files[1].parent).as_posix()}"
        for f in files
    ]


def _naming_profile(src: SourceMap, relative: str) -> bytes:
    """The spec's text, with `office.profile` naming `relative`: a profile given with
    `--profile` travels with the letter and is used again when it is regenerated."""
    text = src.path.read_text(encoding="utf-8-sig")
    office = src.root["office"]
    ref = office.get("profile") if "profile" in office.own else None
    named_here = isinstance(ref, str) and os.path.normpath(src.path.parent / ref) == os.path.normpath(src.profile or "")
    if named_here:
        return src.path.read_bytes()  # the spec names it already, where it is archived: keep its bytes
    lines = text.splitlines(keepends=True)
    value = json.dumps(relative)  # a YAML double-quoted scalar
    if ref is not None:
        line, column = office.values_at["profile"]
        lines[line] = lines[line][:column] + value + "\n"
    else:
        line, column = office.start
        if lines[line][column:].startswith("{"):
            lines[line] = lines[line][: column + 1] + f"profile: {value}, " + lines[line][column + 1 :]
        else:
            lines.insert(line, " " * column + f"profile: {value}\n")
    return "".join(lines).encode("utf-8")


MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_FILE_BYTES = 8 * 1024 * 1024  # a spec is at most 2 MB and an image 5 MB
MAX_TOTAL_BYTES = 24 * 1024 * 1024  # a spec, its profile and two images, with room
MAX_FILES = 16
MAX_NAME = 255  # characters in a name, and in each part of it (most file systems' limit)
_CHUNK = 64 * 1024


def _attachments(pdf: Path) -> dict[str, bytes]:
    """Every file attached to `pdf`, each inflated within `MAX_FILE_BYTES` and all within `MAX_TOTAL_BYTES`."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        data = read_regular(pdf, MAX_PDF_BYTES, "a letter")
    except ValueError as e:
        raise UsageError(Problem(str(e), pdf)) from None
    except OSError as e:
        raise UsageError(Problem(f"cannot be read: {e.strerror}", pdf)) from None
    if not data.startswith(b"%PDF-"):
        raise UsageError(Problem("is not a PDF file", pdf))
    encrypted = UsageError(Problem("is encrypted; an archival letter never is (PDF/A forbids it)", pdf))
    try:
        with _quiet("pypdf"):  # it logs what it repairs ("EOF marker not found"): the one line below says it
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise encrypted
            files = _embedded(reader.trailer["/Root"], pdf)
    except JtaiError:
        raise
    except (DependencyError, FileNotDecryptedError):  # AES needs a crypto library pypdf may lack
        raise encrypted from None
    except Exception as e:  # pypdf, on a damaged or crafted file, raises anything at all
        raise UsageError(Problem(f"cannot read this PDF (damaged?): {type(e).__name__}", pdf)) from None
    if not any(_is_spec(name, blob) for name, blob in files.items()):
        raise UsageError(Problem("carries no spec: was it made with --archive?", pdf))
    return files


@contextmanager
def _quiet(logger: str) -> Iterator[None]:
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


def _embedded(catalog: Any, pdf: Path) -> dict[str, bytes]:
    from pypdf.generic import StreamObject  # pypdf costs 0.1 s to import: only extract-spec needs it

    files: dict[str, bytes] = {}
    total = 0
    names = _resolved(catalog).get("/Names")
    for name, spec in _name_tree(_resolved(names).get("/EmbeddedFiles"), pdf):
        if len(files) >= MAX_FILES:
            raise UsageError(Problem(f"carries more than {MAX_FILES} files; an archival letter carries a few", pdf))
        stream = _resolved(_resolved(spec.get("/EF")).get("/F"))
        if not isinstance(stream, StreamObject):
            raise UsageError(Problem(f"attachment '{_shown(name)}' has no data (damaged PDF)", pdf))
        blob = _inflated(stream, name, pdf)
        total += len(blob)
        if total > MAX_TOTAL_BYTES:
            raise UsageError(Problem(f"its attachments hold more than {MAX_TOTAL_BYTES:,} bytes in all", pdf))
        files.setdefault(name, blob)
    return files


def _resolved(obj: Any) -> Any:
    """`obj` with an indirect reference followed; an empty dictionary for nothing (a dangling reference)."""
    from pypdf.generic import NullObject

    obj = obj.get_object() if obj is not None else None
    return {} if obj is None or isinstance(obj, NullObject) else obj


MAX_TREE_DEPTH = 8  # levels of an attachments' name tree; ours has one
MAX_TREE_NODES = 64  # nodes of it visited in all; ours has one


def _name_tree(node: Any, pdf: Path | None = None) -> Iterator[tuple[str, Any]]:
    """(name, file specification) of each leaf of a name tree: /Names [name filespec ...] at the leaves,
    /Kids [node ...] above. A crafted tree may loop (a node among its own kids) or fan out: a node seen
    twice, more than `MAX_TREE_NODES` nodes, or more than `MAX_TREE_DEPTH` levels refuse the PDF."""
    seen: set[tuple[int, int]] = set()
    visited = 0
    stack: list[tuple[Any, int]] = [(node, 0)]
    while stack:
        ref, depth = stack.pop()
        key = (ref.idnum, ref.generation) if hasattr(ref, "idnum") else None
        if key is not None:
            if key in seen:
                raise _refused(pdf, "its attachments' name tree loops (a node is its own descendant)")
            seen.add(key)
        visited += 1
        if visited > MAX_TREE_NODES or depth > MAX_TREE_DEPTH:
            raise _refused(
                pdf, f"its attachments' name tree is larger than {MAX_TREE_NODES} nodes or {MAX_TREE_DEPTH} levels"
            )
        current = _resolved(ref)
        pairs = _resolved(current.get("/Names")) or []
        for i in range(0, len(pairs) - 1, 2):
            spec = _resolved(pairs[i + 1])
            name = spec.get("/UF") or spec.get("/F") or pairs[i]
            yield str(name), spec
        kids = list(_resolved(current.get("/Kids")) or [])
        stack.extend((kid, depth + 1) for kid in reversed(kids))


def _refused(pdf: Path | None, why: str) -> UsageError:
    return UsageError(Problem(f"{why}: not an archival letter of jtai-letters", pdf))


def _inflated(stream: StreamObject, name: str, pdf: Path) -> bytes:
    """The stream's bytes, inflated in chunks so a flate bomb stops at `MAX_FILE_BYTES`."""
    filters = stream.get("/Filter")
    filters = [filters] if isinstance(filters, str) else list(filters or [])
    raw = patches.pypdf_stream_data(stream)
    too_big = UsageError(Problem(f"attachment '{_shown(name)}' is larger than {MAX_FILE_BYTES:,} bytes", pdf))
    if not filters:
        if len(raw) > MAX_FILE_BYTES:
            raise too_big
        return raw
    if filters != ["/FlateDecode"] or stream.get("/DecodeParms"):
        raise UsageError(Problem(f"attachment '{_shown(name)}' is encoded in a way jtai-letters never writes", pdf))
    inflate = zlib.decompressobj()
    out = bytearray()
    pending = raw
    try:
        while pending and not inflate.eof:
            out += inflate.decompress(pending[:_CHUNK], MAX_FILE_BYTES + 1 - len(out))
            if len(out) > MAX_FILE_BYTES:
                raise too_big
            pending = inflate.unconsumed_tail + pending[_CHUNK:]
    except zlib.error:
        raise UsageError(Problem(f"attachment '{_shown(name)}' is damaged (does not inflate)", pdf)) from None
    return bytes(out)


def _shown(name: str) -> str:
    # A name from a crafted PDF may hold control characters or be very long: show it safely.
    printable = "".join(c if c.isprintable() else "?" for c in name)
    return printable if len(printable) <= 80 else printable[:77] + "..."


def _is_spec(name: str, data: bytes) -> bool:
    return name.lower().endswith((".yaml", ".yml")) and b"schema_version:" in data


def _text(name: str, data: bytes, pdf: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(Problem(f"attachment '{_shown(name)}' is not UTF-8 text", pdf)) from None


def extract_spec(pdf: Path) -> str:
    """The YAML spec embedded in a PDF made with `--archive`."""
    name, data = next((name, data) for name, data in _attachments(pdf).items() if _is_spec(name, data))
    return _text(name, data, pdf)


def _checked_names(names: list[str], folder: Path, pdf: Path) -> None:
    """Refuse the whole PDF if any name could not be written as a file inside the folder."""
    files: set[str] = set()
    folders: set[str] = set()
    for name in names:
        parts = name.split("/")
        why = ""
        if any(not c.isprintable() for c in name) or "\\" in name:
            why = "it holds control characters or a backslash"
        elif len(name) > MAX_NAME or any(len(part.encode()) > MAX_NAME for part in parts):
            why = f"it is longer than {MAX_NAME} characters"
        elif name.startswith("/") or ".." in parts:
            why = f"it would leave {folder}"
        elif any(part in ("", ".") for part in parts):
            why = "it names no file"
        elif name in folders or any("/".join(parts[:i]) in files for i in range(1, len(parts))):
            why = "a file and a folder cannot share a name"
        if why:
            raise UsageError(Problem(f"refused to write '{_shown(name)}': {why}", pdf))
        files.add(name)
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))


_KINDS = {"spec": (".yaml", ".yml"), "image": (".png", ".jpg", ".jpeg")}
"""What an archival letter attaches: the spec and its office profile (YAML), and images."""


def named_files(files: dict[str, bytes], pdf: Path) -> tuple[str, list[str]]:
    """(the spec's name, the names of the attachments it names): the spec, the office profile its
    `office.profile` names, and the logo and signature the spec or that profile names, each of the kind
    an archival letter attaches. Anything else a PDF carries (a `Makefile`, `.git/hooks/...`) is no
    part of the letter, whatever its name."""
    from jtai_letters.spec.load import parse_yaml

    spec = next(name for name, data in files.items() if _is_spec(name, data))

    def tree(name: str) -> Any:
        try:
            return parse_yaml(_text(name, files[name], pdf), pdf)
        except JtaiError:
            return None  # the spec's own problems are for validate; it names nothing here

    def near(base: str, relative: object) -> str | None:
        if not isinstance(relative, str):
            return None
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), relative))
        return joined if joined in files else None

    def images(base: str, holder: Any) -> list[str | None]:
        found: list[str | None] = []
        for key in ("logo", "signature"):
            image = holder.get(key) if isinstance(holder, dict) else None
            path = near(base, image.get("path") if isinstance(image, dict) else None)
            found.append(path if path and path.lower().endswith(_KINDS["image"]) else None)
        return found

    root = tree(spec)
    office = root.get("office") if isinstance(root, dict) else None
    named: list[str | None] = [spec, *images(spec, office)]
    profile = near(spec, office.get("profile") if isinstance(office, dict) else None)
    if profile and profile.lower().endswith(_KINDS["spec"]):
        named += [profile, *images(profile, tree(profile))]
    return spec, list(dict.fromkeys(n for n in named if n))


def extract_all(pdf: Path, folder: Path, *, force: bool = False, skipped: list[str] | None = None) -> Path:
    """Write the spec and the files it names under `folder`; the spec's path, ready to render.

    Names come from the PDF, so all are checked before any file is written: each
    must stay inside `folder`. Existing files are kept unless `force`. Only the files
    the spec names are written (see `named_files`); the names of the others, shown
    safely, are added to `skipped`.
    """

    every = _attachments(pdf)
    _, wanted = named_files(every, pdf)
    files = {name: every[name] for name in wanted}
    if skipped is not None:
        skipped += [_shown(name) for name in every if name not in files]
    if folder.exists() and not folder.is_dir():
        raise UsageError(Problem("is a file; --to names a folder to write into", folder))
    _checked_names(list(every), folder, pdf)  # any name that could not be written refuses the PDF
    root = folder.resolve()
    targets: dict[Path, bytes] = {}
    for name, data in files.items():
        target = folder / PurePosixPath(name)
        if not target.resolve().is_relative_to(root):
            raise UsageError(Problem(f"refused to write '{_shown(name)}': it would leave {folder}", pdf))
        if (target.exists() or target.is_symlink()) and not force:
            message = f"'{_shown(name)}' already exists in {folder}: nothing was written (--force overwrites)"
            raise UsageError(Problem(message, pdf))
        targets[target] = data
    spec = next(name for name, data in files.items() if _is_spec(name, data))
    _text(spec, files[spec], pdf)  # a spec that is not UTF-8 is refused before anything is written
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(Problem(f"cannot create a folder: {e.strerror}", Path(e.filename or folder))) from None
    write_atomic(targets)
    return folder / PurePosixPath(spec)
