"""Many specs -> letters, in warm worker processes, skipping letters whose inputs have not changed.

A manifest (`manifest.json` in the output folder) records for each spec the
sha256 of every file the letter was made from (spec, layout files, images),
the tool versions, and each output's sha256, size and modification time.
Rendering is deterministic, so a letter whose inputs and outputs still match
the manifest is skipped: re-rendering would give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

from . import __version__
from .errors import JtaiError
from .pipeline import DEFAULTS, Options, build, output_path, write_atomic

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
TASKS_PER_WORKER = 250  # then the worker is replaced: memory creeps ~5 MB per 50 letters (caches)


def tool_versions() -> dict[str, str]:
    """The versions that decide a letter's bytes, besides its inputs."""
    return {"jtai-letters": __version__, "weasyprint": version("weasyprint"), "python-docx": version("python-docx")}


@dataclass
class LetterStatus:
    """What happened to one spec in a batch."""

    spec: str
    status: str  # rendered | skipped | failed
    seconds: float = 0.0
    inputs: dict[str, str] = field(default_factory=dict)  # path -> sha256
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # format -> path, sha256, size, mtime_ns
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0  # the rendering process's peak memory so far


@dataclass
class BatchReport:
    """The outcome of a batch: one status per spec, in the order given."""

    letters: list[LetterStatus]
    seconds: float

    def count(self, status: str) -> int:
        return sum(1 for s in self.letters if s.status == status)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _output_record(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"path": str(path), "sha256": _sha256(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def render_one(spec: str, out_dir: str, options: Options) -> LetterStatus:
    """Build one spec (in a worker); never raises for a bad spec."""
    start = time.perf_counter()
    try:
        result = build(spec, out_dir, options)
    except JtaiError as e:
        status = LetterStatus(spec, "failed", time.perf_counter() - start, errors=str(e).splitlines())
    except Exception as e:  # a fault in a library on odd input must cost one letter, not the batch
        errors = [f"{spec}: could not be rendered ({type(e).__name__}: {e}); please report this"]
        status = LetterStatus(spec, "failed", time.perf_counter() - start, errors=errors)
    else:
        inputs = {str(p): _sha256(p) for p in result.inputs}
        outputs = {p.suffix[1:]: _output_record(p) for p in result.outputs}
        status = LetterStatus(spec, "rendered", time.perf_counter() - start, inputs, outputs)
    status.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return status


class _Unchanged:
    """Decides whether a spec's letter is up to date, hashing each shared input once per batch."""

    def __init__(self, manifest: dict[str, Any], options: Options) -> None:
        same = (
            manifest.get("version") == MANIFEST_VERSION
            and manifest.get("tools") == tool_versions()
            and manifest.get("options") == _options_record(options)
        )
        self.letters: dict[str, Any] = manifest.get("letters", {}) if same else {}
        self.formats = list(options.formats)
        self.hashes: dict[str, str | None] = {}

    def _hash(self, path: str) -> str | None:
        if path not in self.hashes:
            try:
                self.hashes[path] = _sha256(Path(path))
            except OSError:
                self.hashes[path] = None
        return self.hashes[path]

    def check(self, spec: str, out_dir: Path) -> LetterStatus | None:
        """A `skipped` status when nothing changed, else None."""
        entry = self.letters.get(spec)
        if not entry or entry.get("status") == "failed" or sorted(entry.get("outputs", {})) != sorted(self.formats):
            return None
        inputs: dict[str, str] = entry["inputs"]
        if not inputs or any(self._hash(p) != digest for p, digest in inputs.items()):
            return None
        for fmt, record in entry["outputs"].items():
            path = output_path(out_dir, Path(spec), fmt)
            try:
                st = path.stat()
            except OSError:
                return None
            if st.st_size != record["size"]:
                return None
            if st.st_mtime_ns != record["mtime_ns"] and _sha256(path) != record["sha256"]:
                return None
        return LetterStatus(spec, "skipped", 0.0, inputs, entry["outputs"])


def _load_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _warm() -> None:
    # Import the writers and set up fonts before the first letter, not during it.
    from .outputs import docx, pdf  # noqa: F401

    pdf.warm_up()


def _options_record(options: Options) -> dict[str, Any]:
    # Options that change a letter's bytes without changing any input file.
    return {"formats": list(options.formats), "archive": options.archive, "profile": str(options.profile or "")}


def run(
    specs: Sequence[Path],
    out_dir: Path,
    *,
    options: Options = DEFAULTS,
    jobs: int | None = None,
    force: bool = False,
    on_done: Callable[[LetterStatus], None] | None = None,
) -> BatchReport:
    """Render every spec not already up to date; failures are recorded, never raised."""
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    unchanged = _Unchanged({} if force else _load_manifest(manifest_path), options)
    results: dict[str, LetterStatus] = {}
    todo: list[str] = []
    for spec in map(str, specs):
        skipped = unchanged.check(spec, out_dir)
        if skipped is not None:
            results[spec] = skipped
            if on_done:
                on_done(skipped)
        else:
            todo.append(spec)

    def finished(status: LetterStatus) -> None:
        results[status.spec] = status
        if on_done:
            on_done(status)

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    one = partial(render_one, out_dir=str(out_dir), options=options)
    if jobs == 1:
        for spec in todo:
            finished(one(spec))
    else:
        # multiprocessing.Pool, not ProcessPoolExecutor: the latter's max_tasks_per_child
        # deadlocks on Python 3.11 once the first worker retires (CPython gh-115634).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["jtai_letters.batch", "jtai_letters.outputs.pdf", "jtai_letters.outputs.docx"])
        with context.Pool(jobs, initializer=_warm, maxtasksperchild=TASKS_PER_WORKER) as pool:
            for status in pool.imap_unordered(one, todo):
                finished(status)

    report = BatchReport([results[str(s)] for s in specs], time.perf_counter() - start)
    _write_manifest(manifest_path, report, options)
    return report


def _write_manifest(path: Path, report: BatchReport, options: Options) -> None:
    letters = {
        s.spec: {
            "status": s.status,
            "seconds": round(s.seconds, 4),
            **({"peak_rss_mb": round(s.peak_rss_mb, 1)} if s.status != "skipped" else {}),
            "inputs": s.inputs,
            "outputs": s.outputs,
            **({"errors": s.errors} if s.errors else {}),
        }
        for s in report.letters
    }
    manifest = {
        "version": MANIFEST_VERSION,
        "tools": tool_versions(),
        "options": _options_record(options),
        "letters": letters,
    }
    write_atomic({path: (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")})
