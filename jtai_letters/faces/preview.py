"""`jtai-letters preview SPEC`: the letter as its web page, re-rendered each time a file it is made from is saved.

A small server on 127.0.0.1 shows one page: the problems `validate` finds, links to
download the DOCX and PDF (made when asked for), and the letter's web page in a
frame. The spec, its office profile, its images and the templates are watched
(`watchfiles`: the operating system's file events, no polling loop); on a save
the letter goes through the same `check` -> `render` -> writer path as `render`,
and the page learns of it by server-sent events. A spec with errors shows them
and keeps the last good letter beneath, greyed.

The server answers a fixed list of paths and nothing else: no file is served by
its name, so no path (`../`, absolute, percent-encoded) can reach the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import json
import socket
import threading
import urllib.parse
import webbrowser
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from string import Template
from types import FrameType
from typing import ClassVar, TextIO

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol
from watchfiles import Change, awatch

from jtai_letters.errors import JtaiError, Problem, UsageError
from jtai_letters.letter import catalogue
from jtai_letters.letter.labels import PREVIEW_COUNTS, PREVIEW_WORDS
from jtai_letters.letter.templates import DEFAULT_TEMPLATES
from jtai_letters.outputs.html import PAGE_POLICY
from jtai_letters.pipeline.faults import unexpected
from jtai_letters.pipeline.inspect import Inspection, inspect
from jtai_letters.pipeline.options import Options
from jtai_letters.spec import language as spec_language
from jtai_letters.spec.vocabulary import DEFAULT_LANGUAGE

HOST = "127.0.0.1"
DEFAULT_PORT = 8055
REQUEST_SECONDS = 10.0
"""A connection's time to send a whole request; one that sends half a request and waits is closed."""
DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
_STATIC = files(__package__).joinpath("static")
_SHELL = Template(_STATIC.joinpath("preview.html").read_text(encoding="utf-8"))
ASSETS = {
    "/preview.css": ("text/css; charset=utf-8", _STATIC.joinpath("preview.css").read_bytes()),
    "/preview.js": ("text/javascript; charset=utf-8", _STATIC.joinpath("preview.js").read_bytes()),
}
"""The preview page's own files; the letter's images are inside the letter's page."""

# The preview page runs only its own script and talks only to this server; the letter in
# its frame runs nothing and loads nothing (its images are data: URIs, its style inline).
SHELL_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
LETTER_POLICY = f"{PAGE_POLICY}; frame-ancestors 'self'"  # the letter's own, and it may sit in the frame
_NO_LETTER = (
    b'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>No letter yet</title></head>'
    b"<body><main><p>No letter yet: correct the problems above and save the spec.</p></main></body></html>\n"
)


@dataclass(frozen=True)
class _Words:
    """The preview page's words in one language (the letter's first, once a letter is made)."""

    tag: str
    words: catalogue.Catalogue

    def __call__(self, key: str, **values: object) -> str:
        text = self.words.plain(PREVIEW_WORDS[key])
        return text % values if values else text

    def count(self, key: str, n: int) -> str:
        singular, plural = PREVIEW_COUNTS[key]
        return self.words.ntext(singular, plural, n)[0] % {"num": n}


def _words(state: State, templates_dir: Path) -> _Words:
    tag = state.letter.letter.languages[0] if state.letter is not None and state.letter.letter else DEFAULT_LANGUAGE
    return _Words(tag, catalogue.load(templates_dir, spec_language.key(tag)))


@dataclass(frozen=True)
class State:
    """What the preview shows after the latest save."""

    version: int = 0  # counts renders, good or bad
    page_version: int = 0  # the render the letter's page comes from; 0: none yet
    problems: tuple[Problem, ...] = ()  # errors (the letter is stale) or warnings
    stale: bool = False  # the spec has errors: the page is the last good letter
    page: bytes = _NO_LETTER
    letter: Inspection | None = None  # the last good letter's inspection, which writes its downloads
    watched: frozenset[Path] = frozenset()  # files whose saving re-renders the letter


@dataclass
class Preview:
    """One spec, re-rendered on demand; the web application that shows it."""

    spec: Path
    options: Options = field(default_factory=Options)
    as_of: dt.date | None = None  # progress dated after it is a warning, as in validate (default: today)
    state: State = field(default_factory=State)
    _downloads: dict[tuple[int, str], bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _changed: asyncio.Event | None = None  # set, and replaced, on every change
    _stop: asyncio.Event | None = None
    _stopping: bool = False
    _loop: asyncio.AbstractEventLoop | None = None  # the server's, where the event streams are told of changes

    UNRENDERED: ClassVar[frozenset[str]] = frozenset(ASSETS)
    """Paths served before the first check and render is done (they need none of it): while the
    server renders, the browser fetches and runs these. Every other request waits for that render."""

    def refresh(self) -> State:
        """Check and render the spec again (as `validate` does, and its web page); keep the last good
        letter if it now has errors."""
        old = self.state
        found: Inspection | None = None
        try:
            found = inspect(self.spec, self.options, as_of=self.as_of or dt.date.today()).written(["html"])
            problems = found.errors + found.warnings
        except JtaiError as e:
            problems = e.problems
        except Exception as fault:  # a fault no rule foresaw must not end the live reload
            problems = unexpected(self.spec, fault).problems
        if found is None or found.errors or "html" not in found.outputs or found.letter is None:
            # The spec, and whichever file a problem is in (its profile, say), even before a first good letter.
            named = {p.path.resolve() for p in problems if p.path is not None}
            watched = old.watched | {self.spec.resolve()} | named
            self.state = replace(old, version=old.version + 1, problems=tuple(problems), stale=True, watched=watched)
        else:
            version = old.version + 1
            watched = frozenset(p.resolve() for p in found.letter.inputs) | {self.spec.resolve()}
            page, kept = found.outputs["html"], replace(found, outputs={})
            self.state = State(version, version, tuple(found.warnings), False, page, kept, watched)
        return self.state

    def download(self, fmt: str) -> bytes | None:
        """The last good letter as DOCX or PDF, made on first request and kept until the next change.

        Written through `inspect`'s "write" stage: what the printing libraries log becomes the
        letter's warnings, shown with the others (never on stderr)."""
        state = self.state
        if state.letter is None:
            return None
        with self._lock:  # one WeasyPrint run at a time, and each version made once
            key = (state.page_version, fmt)
            if key not in self._downloads:
                written = state.letter.written([fmt])
                if fmt not in written.outputs:
                    raise written.failure(written.errors + written.warnings)
                kept = {k: v for k, v in self._downloads.items() if k[0] == state.page_version}
                self._downloads = {**kept, key: written.outputs[fmt]}
                said = tuple(p for p in written.problems if p not in state.problems)
                if said and self.state is state:
                    self.state = replace(state, problems=state.problems + said)
                    self._notify_soon()
            return self._downloads[key]

    def relevant(self, change: Change, path: str) -> bool:
        """Whether a file event concerns the letter: one of its files, anything in the templates folder,
        or a folder holding one of its files (deleted, or made again)."""
        target = Path(path).resolve()
        if target in self.state.watched or target.parent == self.options.templates_dir.resolve():
            return True
        return any(p.is_relative_to(target) for p in self.state.watched)

    def folders(self) -> list[Path]:
        """The folders to watch (not recursively): those of the letter's files and the templates, and the
        folder each of those sits in, so a folder deleted and made again is noticed; a folder that is gone
        is watched through the nearest one that is there."""
        wanted = {p.parent for p in self.state.watched} | {self.options.templates_dir.resolve()}
        found: set[Path] = set()
        for folder in wanted:
            for place in (folder, folder.parent):
                while not place.is_dir() and place != place.parent:
                    place = place.parent
                found.add(place)
        return sorted(found)

    def message(self) -> str:
        """The server-sent event for the current state: what the page needs to update itself."""
        state = self.state
        body = {"version": state.version, "page": state.page_version, "stale": state.stale}
        return f"data: {json.dumps({**body, 'problems': problems_html(state, self.options.templates_dir)})}\n\n"

    # -- the live part: runs on the server's event loop -----------------------------------------

    async def watch(self) -> None:
        """Re-render on every relevant save until the server stops; follows the letter's files as they change."""
        self._changed, self._stop = asyncio.Event(), asyncio.Event()
        self._loop = asyncio.get_running_loop()
        stop = self._stop
        again = False
        while not stop.is_set():
            folders = self.folders()
            if again:  # a file may have been saved while the watch was moving: look once more
                await asyncio.to_thread(self.refresh)
                self._notify()
            again = True
            try:
                async for _ in awatch(
                    *folders, watch_filter=self.relevant, stop_event=stop, debounce=400, step=20, recursive=False
                ):
                    await asyncio.to_thread(self.refresh)
                    self._notify()
                    if self.folders() != folders:
                        break  # the spec now names another profile or image, or a folder went: watch anew
            except (OSError, RuntimeError):  # a folder deleted between listing and watching it: list again
                await asyncio.sleep(0.2)

    def _notify_soon(self) -> None:
        # From a download's worker thread: the streams' events belong to the server's loop.
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._notify)

    def _notify(self) -> None:
        if self._changed is not None:
            changed, self._changed = self._changed, asyncio.Event()
            changed.set()

    def stop(self) -> None:
        """End the event streams and the watcher (called on the event loop)."""
        self._stopping = True
        self._notify()
        if self._stop is not None:
            self._stop.set()

    async def events(self) -> AsyncIterator[str]:
        """The stream of states: the current one at once, then one per change."""
        while not self._stopping:
            waiting = self._changed
            yield self.message()
            if waiting is None:
                return
            await waiting.wait()


def problems_html(state: State, templates_dir: Path = DEFAULT_TEMPLATES) -> str:
    """The problems as an HTML fragment (escaped: messages quote the spec), headed in the letter's language."""
    say = _words(state, templates_dir)
    errors = sum(p.severity == "error" for p in state.problems)
    warnings = len(state.problems) - errors
    if not state.problems:
        heading = say("none")
    elif errors and warnings:
        heading = say("both", errors=say.count("error", errors), warnings=say.count("warning", warnings))
    else:
        heading = say.count("error", errors) if errors else say.count("warning", warnings)
    items = "".join(f'<li class="{p.severity}">{html.escape(str(p))}</li>' for p in state.problems)
    note = f'<p class="stale-note">{html.escape(say("stale"))}</p>' if state.stale else ""
    listing = f"<ul>{items}</ul>" if items else ""
    return f'<h2 id="problems-heading">{html.escape(heading)}</h2>{listing}{note}'


def _shell(preview: Preview) -> str:
    state = preview.state
    templates = preview.options.templates_dir
    say = _words(state, templates)
    name = html.escape(preview.spec.name)
    return _SHELL.substitute(
        lang=say.tag,
        title=html.escape(say("title", spec=preview.spec.name)),
        heading=html.escape(say("heading", spec="\x00")).replace("\x00", f'<span class="spec">{name}</span>'),
        **{key: html.escape(say(key)) for key in ("saved", "downloads", "docx", "pdf", "letter")},
        problems=problems_html(state, templates),
        page=state.page_version,
        version=state.version,
        stale=" stale" if state.stale else "",
        stem=html.escape(preview.spec.stem),
    )


def application(preview: Preview, added: Sequence[BaseRoute] = ()) -> Starlette:
    """The web application: a fixed list of paths, each answering one thing (`added` first: the editor's)."""

    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}

    def respond(body: bytes | str, media_type: str, policy: str = SHELL_POLICY, **extra: str) -> Response:
        return Response(body, media_type=media_type, headers={**headers, "Content-Security-Policy": policy, **extra})

    async def shell(request: Request) -> Response:
        return respond(_shell(preview), "text/html; charset=utf-8")

    async def letter(request: Request) -> Response:
        return respond(preview.state.page, "text/html; charset=utf-8", policy=LETTER_POLICY)

    async def asset(request: Request) -> Response:
        media_type, data = ASSETS[request.url.path]
        return respond(data, media_type)

    def download(fmt: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                data = await _in_own_thread(preview.download, fmt)
            except JtaiError as e:
                return PlainTextResponse(str(e), status_code=409, headers=headers)
            except asyncio.CancelledError:  # Ctrl-C while the letter was being made: the server is stopping
                return Response(status_code=503, headers=headers)
            except Exception as fault:
                return PlainTextResponse(str(unexpected(preview.spec, fault)), status_code=500, headers=headers)
            if data is None:
                return PlainTextResponse("No letter yet: correct the problems first.", status_code=409, headers=headers)
            disposition = content_disposition(f"{preview.spec.stem}.{fmt}")
            return respond(data, DOWNLOADS[fmt], **{"Content-Disposition": disposition})

        return endpoint

    async def events(request: Request) -> Response:
        return StreamingResponse(
            preview.events(),
            media_type="text/event-stream",
            headers={**headers, "Content-Security-Policy": SHELL_POLICY},
        )

    first: list[asyncio.Future[State]] = []  # the first check and render, started with the server

    async def watch_after_first() -> None:
        await first[0]  # the files to watch are the ones the first render read
        await preview.watch()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        first.append(asyncio.ensure_future(asyncio.to_thread(preview.refresh)))
        watcher = asyncio.create_task(watch_after_first())
        try:
            yield
        finally:
            preview.stop()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    routes = [
        *added,
        Route("/", shell),
        Route("/letter", letter),
        Route("/events", events),
        *(Route(path, asset) for path in ASSETS),
        *(Route(f"/letter.{fmt}", download(fmt)) for fmt in DOWNLOADS),
    ]
    # A page elsewhere cannot reach the server through a name it controls (DNS rebinding).
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=[HOST, "localhost"]),
        Middleware(_AfterFirstRender, first=first, unrendered=preview.UNRENDERED),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


class _AfterFirstRender:
    """Holds each request that needs the letter until the first check and render is done; the
    paths in `unrendered` (the page's own files, the editor's page) pass at once."""

    def __init__(self, app: ASGIApp, first: list[asyncio.Future[State]], unrendered: frozenset[str]) -> None:
        self.app, self.first, self.unrendered = app, first, unrendered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in self.unrendered and self.first:
            await asyncio.shield(self.first[0])
        await self.app(scope, receive, send)


def content_disposition(name: str) -> str:
    """`attachment` with the file's name as RFC 6266 gives it: a name that is not plain ASCII also as
    `filename*` in UTF-8, percent-encoded, beside an ASCII `filename` for old clients (quotes,
    backslashes and control characters replaced).

    >>> print(content_disposition("ymateb-ŵyl.pdf"))
    attachment; filename="ymateb-_yl.pdf"; filename*=UTF-8''ymateb-%C5%B5yl.pdf
    """
    plain = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    if plain == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


async def _in_own_thread(fn: Callable[[str], bytes | None], fmt: str) -> bytes | None:
    # A daemon thread, not the event loop's pool: on Ctrl-C the server stops at once, and does not
    # wait for a PDF half made.
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes | None] = loop.create_future()

    def work() -> None:
        result: bytes | None = None
        error: BaseException | None = None
        try:
            result = fn(fmt)
        except BaseException as e:  # handed to the waiting request, which reports it
            error = e
        with contextlib.suppress(RuntimeError):  # the server stopped meanwhile: nobody waits for it
            loop.call_soon_threadsafe(_settle, done, result, error)

    threading.Thread(target=work, daemon=True).start()
    return await done


def _settle(future: asyncio.Future[bytes | None], result: bytes | None, error: BaseException | None) -> None:
    if future.done():  # the request was given up (Ctrl-C)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class _TimedProtocol(H11Protocol):
    """Uvicorn's HTTP/1.1, closing a connection that has not sent a whole request within `REQUEST_SECONDS`
    (uvicorn times out only idle connections between requests, so half a request waited forever)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def _arm(self) -> None:
        self.loop.call_later(REQUEST_SECONDS, self.too_slow)

    def too_slow(self) -> None:
        """Close the connection if its request is still incomplete (its response is not being made)."""
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            self.transport.close()


class _Server(uvicorn.Server):
    """Uvicorn, ending the event streams on Ctrl-C instead of waiting for browsers to hang up."""

    def __init__(self, config: uvicorn.Config, preview: Preview) -> None:
        super().__init__(config)
        self.preview = preview
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.preview.stop)
        super().handle_exit(sig, frame)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # A download still being sent to a slow reader is cut off: Ctrl-C stops the preview now.
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
        await super().shutdown(sockets)


Face = Callable[[str], tuple[Preview, Sequence[BaseRoute]]]
"""Given the address the server prints: the session it serves, and the routes it adds (the editor's)."""


def serve(
    spec: Path,
    options: Options,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    out: TextIO | None = None,
    *,
    face: Face | None = None,
) -> None:
    """Serve the preview of `spec` (or what `face` makes) on 127.0.0.1 until Ctrl-C; print its URL first."""
    if not spec.is_file():
        raise UsageError(Problem("no such file", spec, rule="usage"))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((HOST, port))
        listener.listen(128)  # a browser opening the address before the first render waits instead of failing
    except OSError as e:
        listener.close()
        raise UsageError(f"cannot listen on {HOST}:{port} ({e.strerror}); choose another port with --port") from None
    url = f"http://{HOST}:{listener.getsockname()[1]}/"
    print(url, file=out, flush=True)
    preview, extra = face(url) if face is not None else (Preview(spec, options), ())
    config = uvicorn.Config(
        application(preview, extra),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        lifespan="on",
        http=_TimedProtocol,
    )
    if open_browser:
        # The socket already listens, so the browser's request waits for the first render.
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        _Server(config, preview).run(sockets=[listener])
    except KeyboardInterrupt:
        pass  # uvicorn stopped cleanly, then passed Ctrl-C on
    finally:
        listener.close()
