"""Benchmark: how a batch worker's memory grows over N letters, to choose when workers are replaced.

    .venv/bin/python bench/worker_memory.py 300     # N letters, cycling through responses/*.yaml

Copies the example specs (with the profiles they name) N times into a temporary
folder and renders them all in one worker that is never replaced, printing the
worker's peak resident memory after letters 1, 10, 50, 100, ... N.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from jtai_letters.pipeline import batch

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=300, help="letters to render")
    n = parser.parse_args().n
    examples = sorted((ROOT / "responses").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        specs_dir = Path(tmp) / "responses"
        specs_dir.mkdir()
        shutil.copytree(ROOT / "profiles", Path(tmp) / "profiles")
        specs = []
        for i in range(n):
            example = examples[i % len(examples)]
            specs.append(specs_dir / f"{i:05d}-{example.name}")
            shutil.copy(example, specs[-1])
        batch.TASKS_PER_WORKER = n + 1  # one worker for all
        peaks: list[float] = []
        report = batch.run(specs, Path(tmp) / "out", jobs=1, on_done=lambda s: peaks.append(s.peak_rss_mb))
    print(f"{report.count('rendered')} letters in {report.seconds:.1f} s; the worker's peak memory (MB):")
    for k in sorted({1, 10, *range(50, n + 1, 50), n}):
        print(f"  after {k:>5}: {peaks[k - 1]:.1f}")


if __name__ == "__main__":
    main()
