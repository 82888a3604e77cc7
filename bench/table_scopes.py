"""Benchmark: what giving the PDF's table header cells their /Scope costs per letter.

    .venv/bin/python bench/table_scopes.py

For each example, in one warm process: the time WeasyPrint takes to write the PDF,
and the time the post-processing step (`outputs.pdf.scope_table_headers`) adds,
median of 20 runs each.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from jtai_letters import load_spec, render
from jtai_letters.outputs import pdf

ROOT = Path(__file__).resolve().parent.parent
RUNS = 20


def median_ms(action: object, *args: object) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action(*args)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    scope = pdf.scope_table_headers
    pdf.scope_table_headers = lambda data: data  # WeasyPrint's own bytes, to scope separately
    print("| example | PDF written (ms) | scoping header cells (ms) | share |")
    print("| --- | ---: | ---: | ---: |")
    for spec in sorted((ROOT / "responses").glob("*.yaml")):
        letter = render(load_spec(spec))
        raw = pdf.write(letter)
        written = median_ms(pdf.write, letter)
        scoped = median_ms(scope, raw)
        print(f"| {spec.stem} | {written:.0f} | {scoped:.1f} | {scoped / written:.1%} |")


if __name__ == "__main__":
    main()
