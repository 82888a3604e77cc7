"""Where letters go in the output folder, and which older letters a failure leaves out of date.

The letters are written by `jtai_letters.files.write_atomic`, the one way a file reaches the disk.
"""

from __future__ import annotations

import os
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
