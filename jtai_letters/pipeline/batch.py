"""Many specs -> letters, in warm worker processes, skipping letters whose inputs have not changed.

A manifest (`manifest.json` in the output folder) records for each spec the
sha256 of every file the letter was made from (spec, layout files, images),
a digest of jtai-letters' own code and templates, the versions of the libraries
that print, and each output's sha256, size and modification time. Rendering is
deterministic, so a letter whose inputs and outputs still match the manifest is
skipped: re-rendering would give the same bytes.

Every path in the manifest is relative to the output folder, so a folder given
relatively or absolutely is the same batch. Each finished letter is appended to a
journal beside the manifest at once, so a batch stopped by Ctrl-C, a kill or a
crash keeps what it finished; the journal is folded into the manifest at the end,
or at the start of the next run.

Each letter is made in a worker process with a wall-clock and a memory limit; a
worker that dies (the OOM killer, a crash in a native library) or overruns fails
its letter alone, is replaced, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import resource
import signal
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from jtai_letters import __version__
from jtai_letters.errors import JtaiError, OutputError, Problem, UsageError, split
from jtai_letters.files import write_atomic
from jtai_letters.pipeline.build import build
from jtai_letters.pipeline.faults import MEMORY_MB, TIMEOUT_SECONDS, limit_memory, traceback_lines, unexpected
from jtai_letters.pipeline.files import stale_outputs
from jtai_letters.pipeline.inspect import lines
from jtai_letters.pipeline.options import DEFAULTS, Options

MANIFEST = "manifest.json"
JOURNAL = ".manifest.journal"  # one JSON line per finished letter, until folded into the manifest
MANIFEST_VERSION = 2
# Then the worker is replaced, a guard against creeping memory: bench/worker_memory.py measured a
# worker at 86 MB after its first letter and 98 MB after 300 (caches fill, then level off).
TASKS_PER_WORKER = 250
_PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 over jtai-letters' own code and built-in templates: a fix in a writer re-renders."""
    digest = hashlib.sha256()
    from jtai_letters.letter.templates import DEFAULT_TEMPLATES

    files = sorted(_PACKAGE.rglob("*.py")) + sorted(p for p in DEFAULT_TEMPLATES.rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


BYTE_PACKAGES = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "pillow",
    "pikepdf",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
    "pyphen",
    "brotli",
    "zopfli",
    "cffi",
    "pycparser",
    "webencodings",
    "python-docx",
    "lxml",
    "openpyxl",
    "et_xmlfile",
    "jinja2",
    "markupsafe",
    "markdown-it-py",
    "mdurl",
    "babel",
    "num2words",
    "docopt",
    "icalendar",
    "python-dateutil",
    "tzdata",
    "pypdf",
)
"""The packages whose version can change a letter's bytes (constraints.txt's "(bytes)" sections)."""


def tool_versions() -> dict[str, str]:
    """What decides a letter's bytes besides its inputs: our code, and every package that prints
    (an upgrade of any one re-renders every letter)."""
    return {"jtai-letters": __version__, "code": code_digest(), **_versions()}


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    found = {}
    for name in BYTE_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "none"
    return found


@dataclass
class LetterStatus:
    """What happened to one spec in a batch."""

    spec: str  # as given on the command line, for messages
    status: str  # rendered | skipped | failed
    seconds: float = 0.0
    inputs: dict[str, str] = field(default_factory=dict)  # path -> sha256
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # format -> path, sha256, size, mtime_ns
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0  # the rendering process's peak memory so far
    stale: list[str] = field(default_factory=list)  # older letters of a failed spec still in the output folder


@dataclass
class BatchReport:
    """The outcome of a batch: one status per spec, in the order given."""

    letters: list[LetterStatus]
    seconds: float
    gone: list[str] = field(default_factory=list)  # outputs whose spec no longer exists
    pruned: list[str] = field(default_factory=list)  # those removed with prune=True
    kept: list[str] = field(default_factory=list)  # why others the manifest named were not removed
    manifest_error: str = ""  # why the manifest could not be written, if it could not

    def count(self, status: str) -> int:
        return sum(1 for s in self.letters if s.status == status)

    def summary(self) -> str:
        """The one line scripts may parse: `N rendered, M skipped (unchanged), K failed`."""
        return (
            f"{self.count('rendered')} rendered, {self.count('skipped')} skipped (unchanged), "
            f"{self.count('failed')} failed"
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Paths:
    """Manifest paths: relative to the output folder, so however a path is written it is one key."""

    def __init__(self, out_dir: Path) -> None:
        self.root = out_dir.resolve()

    def key(self, path: str | Path) -> str:
        return Path(os.path.relpath(Path(path).resolve(), self.root)).as_posix()

    def path(self, key: str) -> Path:
        return self.root / key


def render_one(
    spec: str,
    name: str,
    out_dir: str,
    options: Options,
    strict: bool = False,
    *,
    memory_mb: int = MEMORY_MB,
    debug: bool = False,
) -> LetterStatus:
    """Build one spec (in a worker); never raises for a bad spec or an unexpected fault.

    `memory_mb` is the worker's limit (for the message when it is reached); with `debug`, an
    unexpected fault carries its traceback."""
    start = time.perf_counter()
    paths = _Paths(Path(out_dir))
    try:
        result = build(spec, out_dir, options, name=name, strict=strict)
    except JtaiError as e:
        faults, cautions = split(e.problems)  # the spec's warnings too, as validate shows them
        status = LetterStatus(
            spec, "failed", time.perf_counter() - start, errors=lines(faults), warnings=lines(cautions)
        )
    except MemoryError:
        errors = [f"{spec}: ran out of memory (the limit is {memory_mb} MB a letter; see --memory)"]
        status = LetterStatus(spec, "failed", time.perf_counter() - start, errors=errors)
    except Exception as e:  # a fault in a library on odd input must cost one letter, not the batch
        errors = [str(unexpected(Path(spec), e)), *(traceback_lines(e) if debug else [])]
        status = LetterStatus(spec, "failed", time.perf_counter() - start, errors=errors)
    else:
        inputs = {paths.key(p): _sha256(p) for p in result.inputs}
        outputs = {p.suffix[1:]: _output_record(p, paths) for p in result.outputs}
        warnings = lines(result.warnings)
        status = LetterStatus(spec, "rendered", time.perf_counter() - start, inputs, outputs, warnings=warnings)
    status.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return status


def _output_record(path: Path, paths: _Paths) -> dict[str, Any]:
    st = path.stat()
    return {"path": paths.key(path), "sha256": _sha256(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


class _Unchanged:
    """Decides whether a spec's letter is up to date, hashing each shared input once per batch."""

    def __init__(self, letters: dict[str, Any], options: Options, paths: _Paths) -> None:
        self.letters = letters
        self.formats = sorted(options.formats)
        self.paths = paths
        self.hashes: dict[str, str | None] = {}

    def _hash(self, key: str) -> str | None:
        if key not in self.hashes:
            try:
                self.hashes[key] = _sha256(self.paths.path(key))
            except OSError:
                self.hashes[key] = None
        return self.hashes[key]

    def check(self, spec: str) -> LetterStatus | None:
        """A `skipped` status when nothing changed, else None (any odd entry counts as changed)."""
        entry = self.letters.get(self.paths.key(spec))
        try:
            if not entry or entry["status"] == "failed" or sorted(entry["outputs"]) != self.formats:
                return None
            inputs: dict[str, str] = entry["inputs"]
            if not inputs or any(self._hash(p) != digest for p, digest in inputs.items()):
                return None
            for record in entry["outputs"].values():
                path = self.paths.path(record["path"])
                st = path.stat()
                if st.st_size != record["size"]:
                    return None
                if st.st_mtime_ns != record["mtime_ns"] and _sha256(path) != record["sha256"]:
                    return None
            warnings = list(entry.get("warnings", []))
            return LetterStatus(spec, "skipped", 0.0, inputs, entry["outputs"], warnings=warnings)
        except (OSError, KeyError, TypeError, AttributeError):
            return None  # an output gone, or a manifest entry edited by hand: make the letter again


def _load(out_dir: Path, options: Options) -> dict[str, Any]:
    """The manifest's letters, with any journal of an interrupted run folded in, if made the same way."""
    try:
        data = json.loads(_read_own(out_dir / MANIFEST))
    except (OSError, ValueError):
        data = {}
    same = (
        isinstance(data, dict)
        and data.get("version") == MANIFEST_VERSION
        and data.get("tools") == tool_versions()
        and data.get("options") == _options_record(options)
    )
    letters: dict[str, Any] = data.get("letters", {}) if same and isinstance(data.get("letters"), dict) else {}
    try:
        lines = _read_own(out_dir / JOURNAL).splitlines()
    except (OSError, ValueError):
        lines = []
    for line in lines:
        try:
            record = json.loads(line)
            if record["tools"] == tool_versions() and record["options"] == _options_record(options):
                letters[record["key"]] = record["entry"]
        except (ValueError, KeyError, TypeError):
            continue  # the last line of a run killed mid-write
    return letters


MAX_MANIFEST_BYTES = 256 * 1024 * 1024  # the manifest or its journal; 10,000 letters take about 20 MB
_NO_FOLLOW = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _read_own(path: Path) -> str:
    """The text of a file of the output folder's own, never through a symbolic link (`OSError`: ELOOP)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NO_FOLLOW)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"{path} is not a regular file")
        data = f.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise ValueError(f"{path} is larger than {MAX_MANIFEST_BYTES:,} bytes")
    return data.decode("utf-8")


def _options_record(options: Options) -> dict[str, Any]:
    # Options that change a letter's bytes without changing any input file.
    return {"formats": sorted(options.formats), "archive": options.archive, "profile": str(options.profile or "")}


def _entry(s: LetterStatus) -> dict[str, Any]:
    return {
        "status": s.status,
        "seconds": round(s.seconds, 4),
        **({"peak_rss_mb": round(s.peak_rss_mb, 1)} if s.status != "skipped" else {}),
        "inputs": s.inputs,
        "outputs": s.outputs,
        **({"errors": s.errors} if s.errors else {}),
        **({"warnings": s.warnings} if s.warnings else {}),
    }


# -- workers --------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    # A worker must not outlive the batch and keep writing letters nobody waits for.
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _serve(conn: Connection, out_dir: str, options: Options, strict: bool, memory_mb: int, debug: bool) -> None:
    """A worker: render the specs the parent sends, one at a time, until told to stop."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    limit_memory(memory_mb)
    from jtai_letters import outputs
    from jtai_letters.process import own_process

    with own_process():  # a worker is jtai-letters' own process: its collector is ours to tune
        outputs.warm_up(options.formats)  # imports, fonts, stylesheets: once, not in the first letter's time
    # The cyclic collector took a tenth of a letter, walking what the worker keeps for its life
    # (modules, fonts, stylesheets) again and again while WeasyPrint allocates: that is frozen
    # out of its sight, and a letter's own garbage is collected once, after the letter is sent.
    gc.freeze()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        spec, name = job
        gc.disable()
        try:
            status = render_one(spec, name, out_dir, options, strict, memory_mb=memory_mb, debug=debug)
        finally:
            gc.enable()
        conn.send(status)
        gc.collect()


class _Worker:
    def __init__(self, context: Any, args: tuple[Any, ...]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple[str, str] | None = None
        self.started = 0.0
        self.done = 0

    def give(self, job: tuple[str, str]) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send(job)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _lost(spec: str, process: Any, timeout: float | None) -> LetterStatus:
    if timeout is not None:
        why = f"took longer than {timeout:g} s and was stopped (see --timeout)"
    elif process.exitcode is not None and process.exitcode < 0:
        sig = signal.Signals(-process.exitcode).name
        why = f"stopped the worker making it ({sig}{': out of memory?' if sig == 'SIGKILL' else ''})"
    else:
        why = f"stopped the worker making it (exit code {process.exitcode})"
    return LetterStatus(spec, "failed", errors=[f"{spec}: {why}; the other letters went on"])


class _Pool:
    """Workers started before their first letter is known, so they warm up while specs are checked."""

    def __init__(self, jobs: int, args: tuple[Any, ...]) -> None:
        start = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.context = multiprocessing.get_context(start)
        self.args = args
        self.workers = [_Worker(self.context, args) for _ in range(jobs)]

    def close(self) -> None:
        for w in self.workers:
            w.stop(kill=w.job is not None)
        self.workers = []


def _in_workers(
    todo: list[tuple[str, str]],
    pool: _Pool,
    timeout: float,
    finished: Callable[[LetterStatus], None],
) -> None:
    # One pipe per worker, not a shared pool: a worker that dies or overruns loses only the
    # letter it was given (multiprocessing.Pool waits for a lost task forever).
    context, args, workers = pool.context, pool.args, pool.workers
    pending = deque(todo)
    try:
        while pending or any(w.job for w in workers):
            for i, w in enumerate(workers):
                if w.job is None and pending:
                    if w.done >= TASKS_PER_WORKER:
                        w.stop()
                        workers[i] = w = _Worker(context, args)
                    w.give(pending.popleft())
            busy = [w for w in workers if w.job]
            now = time.monotonic()
            wait_for = max(0.0, min(w.started + timeout - now for w in busy))
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for + 0.05)
            for i, w in enumerate(workers):
                if w.job is None:
                    continue
                spec = w.job[0]
                if w.conn in ready:
                    try:
                        status = w.conn.recv()
                    except (EOFError, OSError):
                        w.process.join(1)
                        status = _lost(spec, w.process, None)
                        w.stop(kill=True)
                        workers[i] = _Worker(context, args)
                    else:
                        w.job, w.done = None, w.done + 1
                    finished(status)
                elif w.process.sentinel in ready or time.monotonic() - w.started > timeout:
                    overran = w.process.sentinel not in ready
                    w.stop(kill=True)
                    finished(_lost(spec, w.process, timeout if overran else None))
                    workers[i] = _Worker(context, args)
    finally:
        pool.close()


def run(
    specs: Sequence[Path] | Sequence[tuple[Path, str]],
    out_dir: Path,
    *,
    options: Options = DEFAULTS,
    jobs: int | None = None,
    force: bool = False,
    strict: bool = False,
    prune: bool = False,
    timeout: float = TIMEOUT_SECONDS,
    memory_mb: int = MEMORY_MB,
    debug: bool = False,
    on_done: Callable[[LetterStatus], None] | None = None,
) -> BatchReport:
    """Render every spec not already up to date; failures are recorded, never raised.

    `specs` are paths, or (path, name) pairs from `pipeline.expand_named` (a name is
    where the letters go under `out_dir`).
    """
    start = time.perf_counter()
    named = [item if isinstance(item, tuple) else (item, item.stem) for item in specs]
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(Problem("is a file, not an output folder", out_dir, rule="usage"))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(Problem(f"cannot create the output folder: {e.strerror}", out_dir)) from e
    _remove_leftovers(out_dir)
    paths = _Paths(out_dir)
    letters = {} if force else _load(out_dir, options)
    unchanged = _Unchanged(letters, options, paths)
    results: dict[str, LetterStatus] = {}
    names = {str(spec): name for spec, name in named}
    journal = _Journal(out_dir / JOURNAL, options)

    def finished(status: LetterStatus) -> None:
        if status.status == "failed":
            stale = stale_outputs(out_dir, names[status.spec], options.formats)
            status.stale = [str(p) for p in stale]
        results[status.spec] = status
        journal.add(paths.key(status.spec), _entry(status))
        if on_done:
            on_done(status)

    todo: list[tuple[str, str]] = []
    pool: _Pool | None = None
    try:
        for i, (spec, name) in enumerate(named):
            skipped = unchanged.check(str(spec))
            if skipped is not None:
                results[str(spec)] = skipped
                if on_done:
                    on_done(skipped)
                continue
            todo.append((str(spec), name))
            if pool is None:  # the first letter to make: start the workers while the rest are checked
                workers = max(1, min(jobs or os.cpu_count() or 1, len(named) - i))
                pool = _Pool(workers, (str(out_dir), options, strict, memory_mb, debug))
        if pool is not None:
            _in_workers(todo, pool, timeout, finished)
    finally:
        if pool is not None:
            pool.close()
        journal.close()
    report = BatchReport([results[str(s)] for s, _ in named], time.perf_counter() - start)
    for status in report.letters:
        letters[paths.key(status.spec)] = _entry(status)
    report.gone = _gone(letters, paths)
    if prune:
        for key in report.gone:
            entry = letters.pop(key, {})
            for record in entry["outputs"].values():
                target, why = _prunable(record, paths)
                if why:
                    report.kept.append(f"{target}: not removed: {why}")
                    continue
                target.unlink(missing_ok=True)
                report.pruned.append(str(target))
        report.gone = []
    try:
        _write_manifest(out_dir / MANIFEST, letters, options)
        (out_dir / JOURNAL).unlink(missing_ok=True)
    except JtaiError as e:
        report.manifest_error = str(e)  # the letters are made; the next run re-checks them
    return report


def _gone(letters: dict[str, Any], paths: _Paths) -> list[str]:
    # Entries whose spec file was removed or renamed, with letters still in the output folder.
    return sorted(
        key
        for key, entry in letters.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("outputs"), dict)
        and entry["outputs"]
        and not os.path.isfile(paths.path(key))
    )


def _prunable(record: Any, paths: _Paths) -> tuple[Path, str]:
    """The letter a manifest record names, and why it may not be removed ('' when it may).

    The manifest is a file in a folder others can write to: only a regular file inside the output
    folder whose bytes are still those the record's own hash names is removed.
    """
    where = record.get("path") if isinstance(record, dict) else None
    if not isinstance(where, str) or not where or "\x00" in where:
        return paths.root, "the manifest names no file here (edited by hand?)"
    target = paths.path(where)
    if os.path.isabs(where) or not os.path.realpath(target).startswith(str(paths.root) + os.sep):
        return target, "it is outside the output folder (the manifest was edited?)"
    try:
        info = os.lstat(target)
    except OSError:
        return target, ""  # gone already: nothing to remove
    if not stat.S_ISREG(info.st_mode):
        return target, "it is not a regular file (a link or a folder)"
    try:
        digest = _sha256(target)
    except OSError as e:
        return target, f"it cannot be read ({e.strerror})"
    if digest != record.get("sha256"):
        return target, "it has changed since the batch wrote it"
    return target, ""


def _remove_leftovers(out_dir: Path) -> None:
    # Temporary files of a run killed mid-write (`.name.random.tmp`, as write_atomic names them).
    for tmp in out_dir.rglob(".*.tmp"):
        if tmp.is_file() and time.time() - tmp.stat().st_mtime > 60:  # not another run's, still writing
            tmp.unlink(missing_ok=True)


class _Journal:
    """Append-only record of finished letters: its cost grows with the letter, not the batch."""

    def __init__(self, path: Path, options: Options) -> None:
        self.path = path
        self.head = {"tools": tool_versions(), "options": _options_record(options)}
        self.file: Any = None

    def add(self, key: str, entry: dict[str, Any]) -> None:
        try:
            if self.file is None:
                # Never through a link: a journal linked elsewhere would append to the link's target.
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NO_FOLLOW, 0o644)
                self.file = os.fdopen(fd, "a", encoding="utf-8")
            self.file.write(json.dumps({**self.head, "key": key, "entry": entry}, ensure_ascii=False) + "\n")
            self.file.flush()  # in the kernel's hands: a killed run keeps it
        except OSError:
            pass  # no journal: an interrupted run re-renders, nothing worse

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _write_manifest(path: Path, letters: dict[str, Any], options: Options) -> None:
    manifest = {
        "version": MANIFEST_VERSION,
        "tools": tool_versions(),
        "options": _options_record(options),
        "letters": dict(sorted(letters.items())),
    }
    write_atomic({path: (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")})
