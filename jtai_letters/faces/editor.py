"""`jtai-letters edit SPEC`: the spec as a form beside its live letter, saved as the YAML a person writes.

The same server as `preview` (`faces/preview.py`: 127.0.0.1 only, the same letter frame, the
same watcher and server-sent events) with a page of its own and a small JSON API:

    GET  /api/spec     the spec as data, its JSON Schema, the problems, the state of the letter
    POST /api/change   {"changes": [{"op": "set", "path": ..., "value": ...}, ...]}: applied in memory
    POST /api/undo     the text before the last change set
    POST /api/save     written with `SpecDocument.save()` (a file changed on disk is refused: 409)
    POST /api/reload   the file as it is on disk, the page's changes dropped
    POST /api/image    ?field=office.logo.path&name=logo.png[&replace=1], the image's bytes as the body:
                       checked as validate checks images, written into the spec's folder, the field set

The form is made in the browser from the schema `schema` prints (`static/editor.js`), so a
field the models gain appears without new code. Until saved, the edited text lives here, in
memory: it is checked through the one checking path and rendered from that text, never from
a file written for it. Saving goes through the round-trip writer, so comments, key order,
quoting and untouched lines stay as typed; only the one spec file it was opened on is written,
and, when the officer adds one, an image into that spec's own folder (never over another file
without being asked, never through a link, never anywhere else).

Every request must name the printed address as its `Host` (DNS rebinding); every change must
also come from this page (`Origin`) with the token the page was given at launch (CSRF).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import threading
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from string import Template
from typing import Any, ClassVar, TextIO
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from jtai_letters import outputs
from jtai_letters.errors import JtaiError, Problem, UsageError
from jtai_letters.faces import preview as shared
from jtai_letters.faces.preview import Preview, State
from jtai_letters.files import write_atomic
from jtai_letters.letter import assets, paths
from jtai_letters.letter.render import IMAGES
from jtai_letters.pipeline.faults import unexpected
from jtai_letters.pipeline.inspect import inspect
from jtai_letters.pipeline.options import Options
from jtai_letters.spec import schema as reference
from jtai_letters.spec.load import MAX_SPEC_BYTES
from jtai_letters.spec.models import ResponseSpec
from jtai_letters.spec.writer import SpecChanged, SpecDocument, parse_path

MAX_REQUEST_BYTES = 12 * 1024 * 1024  # a 10 MB paste is refused with a message, not by a dropped connection
UNDO_STEPS = 200
OPS = ("set", "delete", "append", "move")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
IMAGE_FIELDS = tuple(f"office.{name}.path" for name in IMAGES)
"""The fields that name an image file (the office's logo and signature): the form offers to add one."""
_IMAGE_SUFFIXES = {"image/png": (".png",), "image/jpeg": (".jpg", ".jpeg")}
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_SHELL = Template(shared._STATIC.joinpath("editor.html").read_text(encoding="utf-8"))
ASSETS = {
    "/editor.css": ("text/css; charset=utf-8", shared._STATIC.joinpath("editor.css").read_bytes()),
    "/editor.js": ("text/javascript; charset=utf-8", shared._STATIC.joinpath("editor.js").read_bytes()),
}
SCHEMA = reference.json_schema(ResponseSpec)
_SCHEMA_JSON = json.dumps(SCHEMA, ensure_ascii=False, separators=(",", ":"))  # encoded once per launch


class ChangeRefused(Exception):
    """A change set the editor did not apply: the message says why, `path` where (for the form)."""

    def __init__(self, message: str, path: str = "", status: int = 400) -> None:
        super().__init__(message)
        self.path = path
        self.status = status


def _json(value: Any) -> Any:
    """YAML data (ruamel's round-trip types) as JSON values; dates as YYYY-MM-DD."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _value(value: Any, date: bool) -> Any:
    """A value from the page as the YAML value to write: a date field's YYYY-MM-DD as a date."""
    if date and isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value  # 2026-02-30: written as typed, and the schema says what is wrong
    return value


def _problem(p: Problem, spec: Path) -> dict[str, Any]:
    here = p.path is None or p.path.resolve() == spec.resolve()
    return {
        "path": p.field if here else "",
        "message": p.message,
        "severity": p.severity,
        "rule": p.rule,
        "where": str(p) if not here else (f"line {p.line}" if p.line else ""),
    }


@dataclass
class Editor(Preview):
    """One spec being edited: its text in memory, checked and rendered from there, saved on request."""

    UNRENDERED: ClassVar[frozenset[str]] = shared.Preview.UNRENDERED | {"/", *ASSETS}  # its page needs no letter

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    address: str = ""  # the URL the server printed: http://127.0.0.1:PORT/
    problems_found: tuple[Problem, ...] = ()
    disk_changed: bool = False  # the file on disk is no longer what was read or saved
    _doc: SpecDocument | None = None
    _text: str = ""
    _disk_text: str = ""
    _undo: list[str] = field(default_factory=list)
    _profile: dict[str, Any] = field(default_factory=dict)  # office fields the profile gives
    _languages: list[str] = field(default_factory=lambda: ["en"])
    _edit: threading.RLock = field(default_factory=threading.RLock)

    _opened: SpecDocument | None = None  # the document `serve` read already (read once, not twice)

    def __post_init__(self) -> None:
        self.reload(self._opened)
        self._opened = None

    # -- the text in memory ------------------------------------------------------------------

    @property
    def doc(self) -> SpecDocument:
        assert self._doc is not None
        return self._doc

    def reload(self, doc: SpecDocument | None = None) -> None:
        """Read the file as it is on disk, dropping the page's changes (`doc`: the file just read)."""
        with self._edit:
            self._doc = doc if doc is not None else SpecDocument.read(self.spec)
            self._text = self._disk_text = self._doc.original
            self._undo = []
            self.disk_changed = False

    @property
    def dirty(self) -> bool:
        return self._text != self._disk_text

    def apply(self, changes: object) -> None:
        """Apply one change set (all or nothing); `ChangeRefused` says why not."""
        if not isinstance(changes, list) or not changes:
            raise ChangeRefused("expected a list of changes")
        largest = max(len(str(c.get("value", ""))) if isinstance(c, dict) else 0 for c in changes)
        if largest > MAX_SPEC_BYTES:  # said before the writer lays out megabytes of YAML
            raise ChangeRefused(_too_big(largest), _path_of(changes), 413)
        with self._edit:
            before = self._text
            try:
                for change in changes:
                    self._apply_one(change)
                text = self.doc.text(checked=False)  # the live view; saving checks the text it writes
            except ChangeRefused:
                self._restore(before)
                raise
            except JtaiError as e:
                self._restore(before)
                raise ChangeRefused(e.problems[0].message if e.problems else str(e), _path_of(changes)) from None
            size = len(text.encode("utf-8"))
            if size > MAX_SPEC_BYTES:
                self._restore(before)
                raise ChangeRefused(_too_big(size), _path_of(changes), 413)
            if text != before:
                self._undo = [*self._undo, before][-UNDO_STEPS:]
                self._text = text

    def _apply_one(self, change: Any) -> None:
        if not isinstance(change, dict) or change.get("op") not in OPS or not isinstance(change.get("path"), str):
            raise ChangeRefused(f"a change is an op ({', '.join(OPS)}) and a path, got {str(change)[:80]!r}")
        where = change["path"]
        try:
            steps = parse_path(where)
            if change["op"] == "set":
                after = change.get("after")
                if self.doc.get(steps) == "":
                    self.doc.set(steps, None)  # a field left empty is written "": the first words need no quotes
                self.doc.set(
                    steps, _value(change.get("value"), bool(change.get("date"))), after=after if after else None
                )
            elif change["op"] == "delete":
                self.doc.delete(steps)
            elif change["op"] == "append":
                self.doc.append(steps, change.get("value"))
            else:
                by = change.get("by")
                if by not in (-1, 1):
                    raise ChangeRefused("a move is by -1 (up) or 1 (down)", where)
                self.doc.move(steps, by)
        except UsageError as e:
            raise ChangeRefused(str(e), where) from None
        except (KeyError, TypeError, ValueError) as e:
            raise ChangeRefused(f"{where}: no such place in the spec ({e})", where) from None

    def _restore(self, text: str) -> None:
        disk = self.doc.digest
        self._doc = SpecDocument.from_text(text, self.spec)
        self._doc.digest = disk  # a save still compares the disk with what was read or saved
        self._text = text

    def undo(self) -> bool:
        """Back to the text before the last change set; False when there is none."""
        with self._edit:
            if not self._undo:
                return False
            *self._undo, before = self._undo
            self._restore(before)
            return True

    def save(self) -> list[Problem]:
        """Write the text (a draft with errors too); the problems of the file as written.

        `SpecChanged` when the file on disk changed since it was read or saved."""
        with self._edit:
            written = self.doc.save()
            self._text = self._disk_text = written
            self.disk_changed = False
        found = inspect(self.spec, self.options, as_of=self._as_of())  # the file as written, as validate reads it
        return found.errors + found.warnings

    def _as_of(self) -> dt.date:
        return self.as_of or dt.date.today()  # progress dated after today is a warning, as in validate

    # -- checking and rendering (the preview's refresh, from the text in memory) -----------------

    def refresh(self) -> State:
        """Check the text in memory and render it; keep the last good letter while it has errors."""
        with self._edit:  # one render at a time: the page's changes and the watcher's
            self.disk_changed = self.disk_changed or self._on_disk() != self.doc.digest
            return self._render(self._text)

    def _render(self, text: str) -> State:
        # The one checking path, on the text in memory: the problems validate would print for this text,
        # and the letter's dry render, marked for the pane (the marks are added to that render's HTML:
        # the layout runs once). DOCX and PDF are made only when downloaded, from the unmarked letter.
        old = self.state
        version = old.version + 1
        watched = old.watched | {self.spec.resolve()}
        try:
            found = inspect(self.spec, self.options, as_of=self._as_of(), text=text)
            model = found.spec or found.partial
            if model is not None:
                self._learn(model.spec)
            problems = tuple(found.errors + found.warnings)
            if found.errors or found.spec is None or found.letter is None:
                named = {p.path.resolve() for p in problems if p.path is not None}
                self.state = State(version, old.page_version, problems, True, old.page, old.letter, watched | named)
            else:
                letter = found.letter
                marked = replace(letter, html=paths.mark(letter.html, found.spec), spec_paths=True)
                page = _numbered(outputs.write("html", marked), version)
                watched = frozenset(p.resolve() for p in letter.inputs) | {self.spec.resolve()}
                self.state = State(version, version, problems, False, page, replace(found, outputs={}), watched)
        except JtaiError as e:  # an option the command line let through (a missing templates folder, say)
            self.state = State(version, old.page_version, tuple(e.problems), True, old.page, old.letter, watched)
        except Exception as e:  # a fault in rendering: the form, the text and the file stay as they are
            faults = tuple(unexpected(self.spec, e).problems)
            self.state = State(version, old.page_version, faults, True, old.page, old.letter, old.watched)
        self.problems_found = self.state.problems
        return self.state

    def _on_disk(self) -> str:
        try:
            return hashlib.sha256(self.spec.read_bytes()).hexdigest()
        except OSError:
            return ""

    # -- images the officer adds -----------------------------------------------------------------

    def add_image(self, where: str, name: str, data: bytes, size: int, *, replace: bool = False) -> str:
        """Write image `data` (`size` bytes sent) into the spec's folder under `name`, cleaned, and set the
        field `where` to it; the name written. `ChangeRefused` says why not, in validate's words for the
        image itself, and with status 409 for a different file already there (`replace` writes over it)."""
        if where not in IMAGE_FIELDS:
            raise ChangeRefused(f"{where}: not a field that names an image ({', '.join(IMAGE_FIELDS)} do)", where)
        folder = self.spec.parent.resolve()
        try:
            target = assets.place(folder, name)  # absolute, a URL, a NUL, '../': as validate says it
        except ValueError as e:
            raise ChangeRefused(str(e), where) from None
        if target.parent != folder or not name or name.endswith(("/", "\\")) or "\\" in name:
            raise ChangeRefused(f"'{name}': an image is added to the spec's own folder: give a file name alone", where)
        if size > assets.MAX_ASSET_BYTES:
            raise ChangeRefused(f"'{name}' {assets.too_large(size, assets.MAX_ASSET_BYTES)}", where, 413)
        try:
            assets.checked_image(data)  # what validate decodes, pixel by pixel, for every image a spec names
        except ValueError as e:
            raise ChangeRefused(f"'{name}' {e}", where) from None
        written = _image_name(Path(name).name, assets.image_type(data) or "image/png")  # the link, not its target
        path = folder / written
        with self._edit:
            same = False
            if os.path.lexists(path):
                if path.is_symlink() or not path.is_file():
                    message = f"'{written}' is already in the spec's folder and is not a plain file: rename your image"
                    raise ChangeRefused(message, where, 409)
                try:
                    same = assets.read_regular(path, assets.MAX_ASSET_BYTES) == data
                except (OSError, ValueError):
                    same = False
                if not same and not replace:
                    message = (
                        f"'{written}' is already in the spec's folder, and is another file: replace it, or rename yours"
                    )
                    raise ChangeRefused(message, where, 409)
            if not same:
                write_atomic({path: data})
            changes: list[dict[str, Any]] = [{"op": "set", "path": where, "value": written}]
            holder = where.rsplit(".", 1)[0]
            alt = self._profile.get(holder.split(".", 1)[1], {})
            if self.doc.get(holder + ".alt") is None and isinstance(alt, dict) and alt.get("alt"):
                changes.append({"op": "set", "path": holder + ".alt", "value": alt["alt"]})  # the profile's words
            self.apply(changes)
        return written

    def _learn(self, spec: ResponseSpec) -> None:
        office = self.doc.data.get("office")
        own = set(office) if isinstance(office, dict) else set()
        given = spec.office.model_dump(mode="json", exclude_none=True)
        self._profile = {k: v for k, v in given.items() if k not in own and k != "profile"}
        self._languages = [tag.split("-")[0] for tag in spec.office.language.split("+")]

    def message(self) -> str:
        state = self.state
        body = {
            "version": state.version,
            "page": state.page_version,
            "stale": state.stale,
            "disk_changed": self.disk_changed,
        }
        return f"data: {json.dumps(body)}\n\n"

    def snapshot(self) -> dict[str, Any]:
        """What the page needs to draw the form and the problems (the schema is sent apart, see `routes`)."""
        with self._edit:
            data = _json(self.doc.data)
            dirty, undo = self.dirty, len(self._undo)
        state = self.state
        return {
            "name": self.spec.name,
            "data": data,
            "problems": [_problem(p, self.spec) for p in state.problems],
            "version": state.version,
            "page": state.page_version,
            "stale": state.stale,
            "dirty": dirty,
            "undo": undo,
            "disk_changed": self.disk_changed,
            "profile": self._profile,
            "languages": self._languages,
            "images": IMAGE_FIELDS,
        }


def _too_big(size: int) -> str:
    return (
        f"not changed: the spec would be {size / 1e6:.1f} MB, and a spec is at most "
        f"{MAX_SPEC_BYTES // (1024 * 1024)} MB; shorten the text"
    )


def _image_name(given: str, mime: str) -> str:
    """A plain file name for an image: letters, digits, '.', '-' and '_' only, its suffix its content's.

    >>> _image_name("Logo (final) v2.PNG", "image/png"), _image_name("..photo.jpeg", "image/jpeg")
    ('Logo-final-v2.png', 'photo.jpeg')
    >>> _image_name("logo.svg", "image/png"), _image_name("   ", "image/jpeg")
    ('logo.png', 'image.jpg')
    """
    stem, dot, suffix = unicodedata.normalize("NFC", given).rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    stem = _UNSAFE_NAME.sub("-", stem).strip(".-_")[:80] or "image"
    allowed = _IMAGE_SUFFIXES[mime]
    ending = f".{suffix.lower()}" if f".{suffix.lower()}" in allowed else allowed[0]
    return stem + ending


def _path_of(changes: Sequence[Any]) -> str:
    first = changes[0] if changes else None
    return str(first.get("path", "")) if isinstance(first, dict) else ""


def new_spec(path: Path, text: str) -> None:
    """Start a spec file at `path` from `text` (`new`'s skeleton); never over an existing file."""
    if path.exists():
        raise UsageError(Problem("already exists: open it with `edit` without --new", path, rule="usage"))
    if not path.parent.is_dir():
        raise UsageError(Problem(f"no such folder: {path.parent}", path, rule="usage"))
    SpecDocument.from_text(text, path)  # the skeleton is a spec the writer can change
    write_atomic({path: text.encode("utf-8")})


def routes(editor: Editor) -> list[BaseRoute]:
    """The editor's page and API, put in front of the preview's routes."""
    address = urlsplit(editor.address)
    host, origin = address.netloc, f"{address.scheme}://{address.netloc}"
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}

    def answer(body: dict[str, Any], status: int = 200) -> Response:
        return JSONResponse(body, status_code=status, headers=headers)

    def refusal(request: Request, changes: bool, sent_as: str = "application/json") -> Response | None:
        if request.headers.get("host") != host:
            return answer({"error": f"this editor answers at {editor.address} only"}, 400)
        if not changes:
            return None
        if request.headers.get("origin") != origin:
            return answer({"error": "a change must come from the editor's own page"}, 403)
        if not hmac.compare_digest(request.headers.get("x-editor-token", "").encode(), editor.token.encode()):
            return answer({"error": "a change must carry the editor's token"}, 403)
        if request.headers.get("content-type", "").split(";")[0].strip() != sent_as:
            return answer({"error": f"a change is sent as {sent_as}"}, 415)
        return None

    async def image(request: Request) -> Response:
        # The file's bytes as the body, as the page's file input gives them; the name and field in the query.
        refused = refusal(request, True, "application/octet-stream")
        if refused is not None:
            return refused
        try:
            declared = int(request.headers.get("content-length") or 0)
        except ValueError:
            declared = 0
        size, chunks = 0, []
        async for chunk in request.stream():
            size += len(chunk)
            if size > assets.MAX_ASSET_BYTES:
                break  # refused by its size, as validate refuses it: the rest is never held
            chunks.append(chunk)
        where = request.query_params.get("field", "")
        name = request.query_params.get("name", "")
        replace = request.query_params.get("replace") == "1"
        data = b"".join(chunks)

        def work() -> Response:
            try:
                written = editor.add_image(where, name, data, max(size, declared), replace=replace)
            except ChangeRefused as e:
                exists = {"exists": True} if e.status == 409 else {}
                return answer({**editor.snapshot(), "refused": {"path": e.path, "message": str(e), **exists}}, e.status)
            except JtaiError as e:  # the disk refused the write: nothing was set
                message = e.problems[0].message if e.problems else str(e)
                return answer({**editor.snapshot(), "refused": {"path": where, "message": message}}, 500)
            editor.refresh()
            return answer({**editor.snapshot(), "image": {"path": where, "name": written}})

        return await run_in_threadpool(work)

    async def read_body(request: Request) -> Any:
        size, chunks = 0, []
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_REQUEST_BYTES:
                return answer({"error": f"a change set is at most {MAX_REQUEST_BYTES // (1024 * 1024)} MB"}, 413)
            chunks.append(chunk)
        try:
            return json.loads(b"".join(chunks)) if chunks else None
        except (ValueError, UnicodeDecodeError):
            return answer({"error": "expected JSON"}, 400)

    Work = Callable[[Request, Any], Response]

    def guarded(work: Work, *, changes: bool) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            refused = refusal(request, changes)
            if refused is not None:
                return refused
            body = await read_body(request) if changes else None
            if isinstance(body, Response):
                return body
            return await run_in_threadpool(work, request, body)  # checking and rendering: off the event loop

        return endpoint

    def page(request: Request, body: Any) -> Response:
        text = _SHELL.substitute(
            spec=html.escape(editor.spec.name), stem=html.escape(editor.spec.stem), token=html.escape(editor.token)
        )
        policy = {"Content-Security-Policy": shared.SHELL_POLICY}
        return Response(text, media_type="text/html; charset=utf-8", headers={**headers, **policy})

    def asset(request: Request) -> Response:
        media_type, data = ASSETS[request.url.path]
        policy = {"Content-Security-Policy": shared.SHELL_POLICY}
        return Response(data, media_type=media_type, headers={**headers, **policy})

    def spec(request: Request, body: Any) -> Response:
        if request.query_params.get("schema") == "0":
            return answer(editor.snapshot())
        # The schema, encoded once per launch, spliced in: the same JSON object as {**snapshot, "schema": ...}.
        data = json.dumps(editor.snapshot(), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        body_text = f'{data[:-1]},"schema":{_SCHEMA_JSON}}}'
        return Response(body_text, media_type="application/json", headers=headers)

    def change(request: Request, body: Any) -> Response:
        try:
            editor.apply(body.get("changes") if isinstance(body, dict) else None)
        except ChangeRefused as e:
            return answer({**editor.snapshot(), "refused": {"path": e.path, "message": str(e)}}, e.status)
        state = editor.refresh()
        # A new letter comes with the answer (the page puts it into its frame): no second request, no reload.
        made = {"letter": state.page.decode("utf-8")} if state.page_version == state.version else {}
        return answer({**editor.snapshot(), **made})

    def undo(request: Request, body: Any) -> Response:
        if editor.undo():
            editor.refresh()
        return answer(editor.snapshot())

    def save(request: Request, body: Any) -> Response:
        try:
            found = editor.save()
        except SpecChanged as e:
            message = e.problems[0].message if e.problems else str(e)
            return answer({**editor.snapshot(), "conflict": message}, 409)
        except JtaiError as e:
            return answer({**editor.snapshot(), "failed": str(e)}, 500)
        errors = sum(p.severity == "error" for p in found)
        return answer({**editor.snapshot(), "saved": {"errors": errors, "warnings": len(found) - errors}})

    def reload(request: Request, body: Any) -> Response:
        try:
            editor.reload()
        except JtaiError as e:
            return answer({**editor.snapshot(), "failed": str(e)}, 409)
        editor.refresh()
        return answer(editor.snapshot())

    def web_page(request: Request, body: Any) -> Response:
        try:
            data = editor.download("html")
        except JtaiError as e:
            return answer({"error": str(e)}, 409)
        if data is None:
            return answer({"error": "No letter yet: correct the problems first."}, 409)
        disposition = shared.content_disposition(f"{editor.spec.stem}.html")
        return Response(
            data, media_type="text/html; charset=utf-8", headers={**headers, "Content-Disposition": disposition}
        )

    return [
        Route("/", guarded(page, changes=False)),
        *(Route(path, asset) for path in ASSETS),
        Route("/api/spec", guarded(spec, changes=False)),
        Route("/api/change", guarded(change, changes=True), methods=["POST"]),
        Route("/api/undo", guarded(undo, changes=True), methods=["POST"]),
        Route("/api/save", guarded(save, changes=True), methods=["POST"]),
        Route("/api/reload", guarded(reload, changes=True), methods=["POST"]),
        Route("/api/image", image, methods=["POST"]),
        Route("/letter.html", guarded(web_page, changes=False)),
    ]


def _numbered(page: bytes, version: int) -> bytes:
    """The letter's page carrying the render it comes from (`<html data-page="N">`): the frame,
    loaded before the page learns the state, knows which letter it shows.

    >>> _numbered(b'<!DOCTYPE html>\\n<html lang="en-GB">', 3)
    b'<!DOCTYPE html>\\n<html data-page="3" lang="en-GB">'
    """
    return page.replace(b"<html", b'<html data-page="%d"' % version, 1)


def serve(
    spec: Path, options: Options, port: int = shared.DEFAULT_PORT, open_browser: bool = True, out: TextIO | None = None
) -> None:
    """Serve the editor of `spec` on 127.0.0.1 until Ctrl-C; print its URL first."""
    # A file the writer cannot change is refused before the address is printed; read once, and kept.
    opened = SpecDocument.read(spec) if spec.is_file() else None

    def face(url: str) -> tuple[Preview, Sequence[BaseRoute]]:
        editor = Editor(spec, options, address=url, _opened=opened)
        return editor, routes(editor)

    shared.serve(spec, options, port, open_browser, out, face=face)
