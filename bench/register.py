"""Benchmark: the register over N specs, from the command line, as a user runs it.

    .venv/bin/python bench/register.py 1000     # N specs, cycling through responses/*.yaml

Copies N specs into a temporary folder (with the office profiles they name), then
times `jtai-letters register DIR -o FILE` for each output format, start-up
included, median of three runs, with the CPU time it took. The goal is under 3 s for 1,000 specs.
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / "jtai-letters")
FORMATS = ("xlsx", "csv", "json", "html")
GOAL_SECONDS = 3.0


def make_specs(n: int, folder: Path) -> None:
    examples = sorted((ROOT / "responses").glob("*.yaml"))
    shutil.copytree(ROOT / "profiles", folder.parent / "profiles")  # specs name ../profiles/*.yaml
    folder.mkdir()
    for i in range(n):
        src = examples[i % len(examples)]
        shutil.copy(src, folder / f"{i:05d}-{src.name}")


def timed(*cmd: str) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system, worker processes included), of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, nargs="?", default=1000, help="number of specs (default 1000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        specs = Path(tmp) / "specs"
        make_specs(args.n, specs)
        print(f"| format | seconds, {args.n:,} specs (median of 3) | CPU seconds | rows | under {GOAL_SECONDS:g} s |")
        print("| --- | ---: | ---: | ---: | --- |")
        for fmt in FORMATS:
            target = Path(tmp) / f"register.{fmt}"
            cmd = (CLI, "register", str(specs), "-o", str(target), "--as-of", "2026-02-01")
            runs = sorted(timed(*cmd) for _ in range(3))
            seconds, cpu = runs[1]
            # its last line: "FILE: N specs, M register rows"
            said = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            rows = said.rsplit(", ", 1)[1].split()[0]
            met = "yes" if seconds < GOAL_SECONDS else "no"
            print(f"| {fmt} | {seconds:.2f} | {cpu:.2f} | {int(rows):,} | {met} |")
        print(f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
