"""Where letters go, and `write_atomic`, through which every file the tool writes goes.

Everything is made in memory first; files are then written atomically (a
temporary file in the same folder, synced, then renamed), so a failure never
leaves a half-written letter or replaces a good one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from jtai_letters.errors import OutputError, Problem


def output_path(out_dir: Path, name: str, fmt: str, source: Path | None = None) -> Path:
    """Where the `fmt` letter named `name` (a spec's stem, or its path under the folder given) goes;
    `source`, the spec, is where a refusal is reported."""
    target = out_dir / f"{name}.{fmt}"
    if target.is_symlink():
        raise OutputError(
            Problem(
                f"{target} is a symbolic link (to {os.readlink(target)}); remove it: letters are not written on links",
                source or target,
            )
        )
    if not target.resolve().is_relative_to(out_dir.resolve()):
        raise OutputError(Problem(f"output name '{name}' would leave the output folder", source or target))
    return target


def stale_outputs(out_dir: Path, name: str, formats: Iterable[str]) -> list[Path]:
    """Letters of a spec that failed which are still in the output folder: older, and now out of date."""
    return [p for fmt in formats if (p := out_dir / f"{name}.{fmt}").is_file()]


def write_atomic(targets: dict[Path, bytes], *, mode: int = 0o644) -> None:
    """Write each file so readers see the old one or the new one, never a part.

    Every file is written and synced under a temporary name first (`.name.random.tmp`
    beside it); only then are they renamed into place, so a failure while writing
    leaves all old files. The one copy of this idiom: letters, manifests, registers,
    calendars and extracted specs all come through here.
    """
    staged: list[tuple[str, Path]] = []
    target = Path(".")
    try:
        for target, data in targets.items():
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
        while staged:
            tmp, target = staged[0]
            os.replace(tmp, target)
            staged.pop(0)
    except OSError as e:
        # A full disk reports no file name: name the letter being written.
        raise OutputError(Problem(f"cannot write: {e.strerror}", Path(e.filename) if e.filename else target)) from e
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
