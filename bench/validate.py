"""Benchmark: `jtai-letters validate` on N specs, from a cold start, as CI runs it.

    .venv/bin/python bench/validate.py 1000     # N specs, cycling through responses/*.yaml

Copies the example specs (and the profiles and images they name) N times into a
temporary folder, then times the whole command (start-up included) several times
with one process and with the default (one per core), printing the best and the
median run and a Markdown table for docs/benchmarks.md. Needs only the runtime
dependencies.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "jtai_letters"]


def corpus(folder: Path, n: int) -> Path:
    """N specs in `folder/specs`, beside copies of the profiles and images they name."""
    shutil.copytree(ROOT / "profiles", folder / "profiles")
    specs = folder / "specs"
    shutil.copytree(ROOT / "responses", specs, ignore=shutil.ignore_patterns("*.yaml"))
    examples = sorted((ROOT / "responses").glob("*.yaml"))
    for i in range(n):
        source = examples[i % len(examples)]
        shutil.copy(source, specs / f"{source.stem}-{i:05d}.yaml")
    return specs


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the command and its worker processes) of one run."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1000, help="number of specs (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        specs = corpus(Path(tmp), args.n)
        rows = []
        for label, extra in (("one process (--jobs 1)", ["--jobs", "1"]), (f"default ({os.cpu_count()} cores)", [])):
            runs = [timed([*CLI, "validate", str(specs), *extra]) for _ in range(args.runs)]
            walls = [w for w, _ in runs]
            cpu = statistics.median(c for _, c in runs)
            rows.append((label, min(walls), statistics.median(walls), cpu))
            print(f"{label}: best {min(walls):.2f} s, median {statistics.median(walls):.2f} s, CPU {cpu:.2f} s")
        start = [timed([*CLI, "validate", str(ROOT / "tests" / "minimal.yaml")])[0] for _ in range(args.runs)]
        print()
        print(f"| `jtai-letters validate`, {args.n:,} specs | best (s) | median (s) | CPU (s) |")
        print("| --- | ---: | ---: | ---: |")
        for label, best, median, cpu in rows:
            print(f"| {label} | {best:.2f} | {median:.2f} | {cpu:.2f} |")
        print(f"| start-up alone (one small spec) | {min(start):.2f} | {statistics.median(start):.2f} | |")


if __name__ == "__main__":
    main()
