"""Benchmark: the progress report over N specs, from the command line, as a user runs it.

    .venv/bin/python bench/progress.py 1000     # N specs, cycling through responses/*.yaml

Copies N specs into a temporary folder (with the office profiles they name), then times
`jtai-letters progress DIR -o FILE` as PDF, Word and web page, start-up included, median of
three runs, with the CPU time it took. The goal is under 10 s for 1,000 specs as PDF.
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from register import CLI, make_specs, timed  # the same copies and timing as the register's benchmark

FORMATS = ("pdf", "docx", "html")
GOAL_SECONDS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, nargs="?", default=1000, help="number of specs (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per format (default 3; the median is shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        specs = Path(tmp) / "specs"
        make_specs(args.n, specs)
        print(
            f"| format | seconds, {args.n:,} specs (median of {args.runs}) | CPU seconds | size "
            f"| under {GOAL_SECONDS:g} s |"
        )
        print("| --- | ---: | ---: | ---: | --- |")
        for fmt in FORMATS:
            target = Path(tmp) / f"progress.{fmt}"
            cmd = (CLI, "progress", str(specs), "-o", str(target), "--as-of", "2026-02-01", "--since", "2026-01-01")
            runs = sorted(timed(*cmd) for _ in range(args.runs))
            seconds, cpu = runs[len(runs) // 2]
            met = "yes" if seconds < GOAL_SECONDS else "no"
            pages = ""
            if fmt == "pdf":
                info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
                pages = next(
                    (f", {line.split()[-1]} pages" for line in info.splitlines() if line.startswith("Pages")), ""
                )
            print(f"| {fmt} | {seconds:.2f} | {cpu:.2f} | {target.stat().st_size / 1e6:.1f} MB{pages} | {met} |")
        print(f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
