"""Benchmark: `absorb` of an edited four-page letter (loamshire-2025-domestic-abuse), in process.

    .venv/bin/python bench/absorb.py [--runs 15]

Makes the letter's DOCX, edits it the way Word does (the test suite's edits: runs split mid-word,
tracked changes, a comment, a new paragraph and a new action row), then times `absorb` (reading the
edited DOCX, rendering the spec's own DOCX to compare with, mapping every anchor) with and without
`--write` (the written spec validated after). Prints the best and the median run; the goal is under 1 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jtai_letters.letter.render import render  # noqa: E402
from jtai_letters.outputs import docx  # noqa: E402
from jtai_letters.pipeline.absorb import absorb  # noqa: E402
from jtai_letters.spec.load import load_spec  # noqa: E402
from tests.test_absorb import _word_edits  # noqa: E402
from tests.wordedits import edit  # noqa: E402

EXAMPLE = "loamshire-2025-domestic-abuse"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(ROOT / "profiles", folder / "profiles")
        (folder / "responses").mkdir()
        spec = Path(shutil.copy(ROOT / "responses" / f"{EXAMPLE}.yaml", folder / "responses"))
        original = spec.read_bytes()
        edited = folder / "edited.docx"
        edited.write_bytes(edit(docx.write(render(load_spec(spec))), _word_edits))
        absorb(edited, spec)  # warm: imports, templates compiled, fonts
        for write in (False, True):
            times = []
            for _ in range(runs):
                spec.write_bytes(original)
                start = time.perf_counter()
                absorb(edited, spec, mode="accept", write=write)
                times.append(time.perf_counter() - start)
            label = "absorb --accept-changes --write" if write else "absorb (shows the changes)"
            print(f"{label}: best {min(times):.3f} s, median {statistics.median(times):.3f} s over {runs} runs")


if __name__ == "__main__":
    main()
