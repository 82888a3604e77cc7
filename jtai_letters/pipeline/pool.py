"""The one process pool of validate and the register: many specs' checks shared among the cores."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from jtai_letters.letter import layouts
from jtai_letters.letter.templates import environment
from jtai_letters.pipeline.options import Options

T = TypeVar("T")


def each_spec(
    fn: Callable[[Path], T], paths: list[Path], options: Options, *, pool_from: int, jobs: int | None = None
) -> list[T]:
    """`fn` of each spec, in order; from `pool_from` specs on, shared among processes, one per core
    (`jobs` to choose). The one process pool of validate and the register."""
    workers = min(jobs or os.cpu_count() or 1, len(paths) // (pool_from // 2) or 1)
    if len(paths) < pool_from or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(path) for path in paths]
    for name in layouts.available(options.templates_dir):  # compiled once here, not once per worker
        environment(options.templates_dir).get_template(f"{name}.html.j2")
    # fork: the workers start with everything already imported and compiled; frozen for the pool's
    # life, the collector leaves those objects alone, so their pages are not copied into every worker.
    # Undone after: the host's collector is as it was.
    freezing = gc.get_freeze_count() == 0  # a host that froze its own objects keeps them as it left them
    if freezing:
        gc.freeze()
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(paths) // (workers * 4))
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(pool.map(fn, paths, chunksize=chunk))
    finally:
        if freezing:
            gc.unfreeze()
