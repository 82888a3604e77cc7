"""Where one letter from a cold start goes: interpreter, imports, first letter.

    .venv/bin/python bench/coldstart.py [spec]   # default: the Loamshire example; median of 5 fresh processes

Each round is a new interpreter that times, in order: importing the CLI (the
models, Jinja, Markdown, YAML), importing the PDF writer (WeasyPrint), importing
the DOCX writer (python-docx, lxml), then building the letter (first fonts,
first stylesheets, both formats). The interpreter's own start is timed apart.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = """
import json, sys, time
t = [time.perf_counter()]
import jtai_letters.cli
t.append(time.perf_counter())
import jtai_letters.outputs.pdf
t.append(time.perf_counter())
import jtai_letters.outputs.docx
t.append(time.perf_counter())
from jtai_letters import build
build(sys.argv[1], sys.argv[2])
t.append(time.perf_counter())
print(json.dumps([b - a for a, b in zip(t, t[1:])]))
"""
NAMES = ("import the CLI and models", "import WeasyPrint (PDF writer)", "import python-docx (DOCX writer)", "letter")


def main() -> None:
    spec = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml")
    rounds: list[list[float]] = []
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
            done = subprocess.run([sys.executable, "-c", STEPS, spec, out], check=True, capture_output=True, text=True)
            rounds.append(json.loads(done.stdout))
    print("| step | ms (median of 5) |\n| --- | ---: |")
    print(f"| Python start-up | {statistics.median(bare) * 1000:.0f} |")
    for i, name in enumerate(NAMES):
        print(f"| {name} | {statistics.median(r[i] for r in rounds) * 1000:.0f} |")


if __name__ == "__main__":
    main()
