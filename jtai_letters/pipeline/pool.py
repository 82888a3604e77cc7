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
from jtai_letters.process import long_lived

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
    # Small chunks keep both workers busy to the end (with 4 a worker, one finished 0.2 s of 2 s early).
    chunk = max(1, len(paths) // (workers * 16))
    try:
        # The answers live as long as the command: in a process of our own, kept out of the collector's
        # walks while they arrive (two full collections over them were a tenth of a register's time).
        with ProcessPoolExecutor(workers, mp_context=context) as pool, long_lived():
            return list(pool.map(fn, paths, chunksize=chunk))
    finally:
        if freezing:
            gc.unfreeze()
