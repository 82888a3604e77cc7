"""Where one letter's time goes, per stage and per example, in one warm process.

    .venv/bin/python bench/stages.py            # every spec in responses/, 5 rounds each
    .venv/bin/python bench/stages.py -r 9 --top 25

Stages, timed with the clock (median of the rounds, rounds interleaved across the
examples so that load from other processes falls on all of them alike):

- check: load the YAML and apply every rule (`inspect(..., until="check")`);
- html: Jinja and Markdown (`render`);
- pdf: the writer as the pipeline calls it (`outputs.pdf.write`), split from a
  cProfile of the same calls into styles (HTML parsing and the cascade), boxes,
  layout (with the number of layout passes),
  drawing, tagging (PDF/UA structure tree), fonts (subsetting and embedding) and
  serialising; "passes" is how many times each page was laid out;
- untagged: the PDF writer again without PDF/UA, for what tagging costs in all;
- docx: the Word writer (`outputs.docx.write`);
- collect: the cyclic collector's pass after the letter (and its untagged PDF). As in a batch worker, what
  warming up made is frozen (`gc.freeze`) and no collection runs during a letter.

With --top N, the N functions costing most (cumulative) across all letters follow.
Prints Markdown, ready for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from jtai_letters import render
from jtai_letters.outputs import docx as docx_writer
from jtai_letters.outputs import pdf as pdf_writer
from jtai_letters.pipeline.inspect import inspect
from jtai_letters.spec.load import LoadedSpec

ROOT = Path(__file__).resolve().parent.parent


def checked_spec(spec: Path) -> LoadedSpec:
    """The spec through the "check" stage of the one checking path (its errors raised)."""
    return inspect(spec, until="check").raise_errors()


# (file suffix, function) -> part of the PDF writer; cumulative times, so parts must not nest.
PARTS = {
    "styles": ("weasyprint/document.py", "_build_layout_context"),  # parsing the HTML, the cascade
    "boxes": ("weasyprint/formatting_structure/build.py", "build_formatting_structure"),
    "layout": ("weasyprint/layout/__init__.py", "layout_document"),
    "tagging": ("weasyprint/pdf/tags.py", "add_tags"),
    "fonts": ("weasyprint/pdf/fonts.py", "build_fonts_dictionary"),
    "serialise": ("pydyf/__init__.py", "write"),
    "drawing": ("weasyprint/draw/__init__.py", "draw_page"),
}
PAGE_LAYOUTS = ("weasyprint/layout/page.py", "remake_page")  # one call per page laid out


def _cumulative(stats: pstats.Stats, where: tuple[str, str]) -> tuple[int, float]:
    suffix, name = where
    calls, seconds = 0, 0.0
    for (filename, _line, func), (_cc, nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if func == name and filename.endswith(suffix):
            calls, seconds = calls + nc, seconds + ct
    return calls, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="*", type=Path, help="spec files (default: responses/*.yaml)")
    parser.add_argument("-r", "--rounds", type=int, default=5)
    parser.add_argument("--top", type=int, default=0, help="also list the N costliest functions")
    args = parser.parse_args()
    specs = args.specs or sorted((ROOT / "responses").glob("*.yaml"))

    pdf_writer.warm_up()
    for spec in specs:  # one untimed round: caches (stylesheets, fonts) as a batch worker has them
        letter = render(checked_spec(spec))
        pdf_writer.write(letter)
        docx_writer.write(letter)
    gc.freeze()  # as batch workers do after warming up

    times: dict[Path, dict[str, list[float]]] = {s: defaultdict(list) for s in specs}
    profiles = {s: cProfile.Profile() for s in specs}
    pages: dict[Path, int] = {}

    def timed(spec: Path, stage: str, call: Callable[[], object]) -> object:
        start = time.perf_counter()
        result = call()
        times[spec][stage].append(time.perf_counter() - start)
        return result

    gc.disable()  # as in a batch worker: a letter's garbage is collected once, after it
    for _ in range(args.rounds):
        for spec in specs:
            checked = timed(spec, "check", lambda spec=spec: inspect(spec, until="check"))
            letter = timed(spec, "html", lambda c=checked: render(c.raise_errors()))  # type: ignore[attr-defined]
            pdf = timed(spec, "pdf", lambda letter=letter: pdf_writer.write(letter))
            timed(spec, "docx", lambda letter=letter: docx_writer.write(letter))
            tagged, pdf_writer.PDF_VARIANT = pdf_writer.PDF_VARIANT, None
            try:  # the same writer with no PDF/UA: what tagging costs in all stages together
                timed(spec, "untagged", lambda letter=letter: pdf_writer.write(letter))
            finally:
                pdf_writer.PDF_VARIANT = tagged
            pages[spec] = len(PdfReader(io.BytesIO(pdf)).pages)  # type: ignore[arg-type]
            timed(spec, "collect", gc.collect)
    for _ in range(args.rounds):  # the profile runs apart: its overhead must not bend the clock figures
        for spec in specs:
            letter = render(checked_spec(spec))
            profiles[spec].runcall(pdf_writer.write, letter)
            gc.collect()

    print(f"Per letter, ms (median of {args.rounds} rounds, one warm process); load: {os.getloadavg()[0]:.2f}\n")
    columns = ["check", "html", "pdf", *PARTS, "passes", "untagged", "docx", "collect", "total"]
    print("| example | pages | " + " | ".join(columns) + " |\n| --- | ---: |" + " ---: |" * len(columns))
    rows = []
    for spec in specs:
        med = {stage: statistics.median(values) * 1000 for stage, values in times[spec].items()}
        stats = pstats.Stats(profiles[spec])
        profiled_total = _cumulative(stats, ("jtai_letters/outputs/pdf.py", "write"))[1]
        row = {part: _cumulative(stats, where)[1] / profiled_total * med["pdf"] for part, where in PARTS.items()}
        row["passes"] = _cumulative(stats, PAGE_LAYOUTS)[0] / args.rounds / pages[spec]
        row.update(med, total=med["check"] + med["html"] + med["pdf"] + med["docx"] + med["collect"])
        rows.append(row)
        print(f"| {spec.stem} | {pages[spec]} | " + " | ".join(f"{row[c]:.1f}" for c in columns) + " |")
    n = len(specs)
    print("| mean | | " + " | ".join(f"{sum(r[c] for r in rows) / n:.1f}" for c in columns) + " |")
    if args.top:
        merged = pstats.Stats(profiles[specs[0]])
        for spec in specs[1:]:
            merged.add(profiles[spec])
        print(f"\nCostliest functions in the PDF writer (cumulative, all {n} examples x {args.rounds} rounds):\n")
        merged.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
