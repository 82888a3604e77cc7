"""Benchmark: from a keystroke in `jtai-letters edit` to the letter pane showing it, and the editor's open time.

    .venv/bin/python bench/editor.py     # 40 keystrokes, 5 starts per example (--keys N, --opens N, --examples a,b)

For each example (default: the Loamshire domestic abuse letter, the Loamshire PEEL body letter
and the bilingual Tŷ Llechen letter), starts `edit` on a copy (with the office profiles), opens it
in headless Chromium (Debian's, as the tests do), and measures:

- open: from starting the command to the form drawn and the letter in its pane, as the page's own
  clock marks them (the command's start-up, the first check and render, the page, its schema and
  the frame; not the test driver's own round trips to ask); the median of
  `--opens` starts (default 5: one start alone varies by a few tenths of a second), the slowest shown too;
- keystroke -> letter: N times, types one more character at the end of the first paragraph field
  the letter prints, and waits until the letter's frame holds the new text. The time includes the
  page's debounce (60 ms: the page waits for a pause in typing before it asks), the change set,
  the in-memory YAML change, the check, the render, and the frame's reload and layout; its 95th
  percentile against the 300 ms target (the debounce's share shown too).

Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402  (the tests' browser: Debian's Chromium, fixed flags)

EXAMPLES = ["loamshire-2025-domestic-abuse.yaml", "loamshire-2025-peel.yaml", "tir-llechen-2025-domestic-abuse.yaml"]
DEBOUNCE_MS = 60  # as in jtai_letters/faces/static/editor.js
TARGET_MS = 300
OPEN_TARGET_S = 2.0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, nearest rank."""
    ranked = sorted(values)
    return ranked[max(0, round(p / 100 * len(ranked)) - 1)]


# The first text area the letter prints from, and the words it ends with now.
FIRST_FIELD = """() => {
  const frame = document.getElementById('letter').contentDocument;
  const fields = Array.from(document.querySelectorAll('textarea[data-path]'))
    .filter(f => f.value.trim() && f.closest('details:not([open])') === null);
  for (const block of frame.querySelectorAll('p[data-spec-path]')) {
    const at = block.dataset.specPath;
    const field = fields.find(f => f.dataset.path === at || f.dataset.path.startsWith(at + '.'));
    if (field) return field.dataset.path;
  }
  return null;
}"""
SHOWS = "m => document.getElementById('letter').contentDocument?.body?.innerText.includes(m)"


# Marks, in the page's own clock (milliseconds since the epoch, as Python's time.time()), when the
# form is drawn and when a letter is first in its pane: what the officer sees, without the
# test driver's own round trips to ask (100-200 ms of them on this machine).
OPENED = """
window.__opened = {};
document.addEventListener("DOMContentLoaded", () => {
  const frame = document.getElementById("letter");
  if (!frame) return;  // the letter's own frame
  const now = () => performance.timeOrigin + performance.now();
  const shown = () => {
    if (!window.__opened.letter && frame.contentDocument?.querySelector("main")) window.__opened.letter = now();
  };
  frame.addEventListener("load", shown);
  shown();
  const drawn = () => { if (!window.__opened.form && document.body.dataset.ready) window.__opened.form = now(); };
  new MutationObserver(drawn).observe(document.body, { attributes: true });
  drawn();
});
"""
BOTH = "() => window.__opened && window.__opened.form && window.__opened.letter"


def _start(browser: Any, spec: Path) -> tuple[Any, subprocess.Popen[str], tuple[float, float]]:
    """`edit` started on `spec` and opened in a fresh page: the page, the server, and the seconds from
    starting the command to the form drawn and the letter in its pane, as the page marks them and as
    the driver learns it."""
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.add_init_script(OPENED)
    began = time.time()
    server = subprocess.Popen(
        [sys.executable, "-m", "jtai_letters", "edit", str(spec), "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    page.goto(server.stdout.readline().strip())
    page.wait_for_function(BOTH)
    learnt = time.time() - began
    marks = page.evaluate("window.__opened")
    return page, server, (max(marks["form"], marks["letter"]) / 1000 - began, learnt)


def _stop(page: Any, server: subprocess.Popen[str]) -> None:
    page.close()
    server.send_signal(signal.SIGINT)
    server.communicate(timeout=10)


def measure(name: str, keys: int, opens: int = 1) -> tuple[list[tuple[float, float]], list[float]]:
    with tempfile.TemporaryDirectory(prefix="jtai-bench-editor-") as tmp:
        folder = Path(tmp)
        (folder / "responses").mkdir()
        spec = folder / "responses" / name
        shutil.copy(ROOT / "responses" / name, spec)
        shutil.copytree(ROOT / "profiles", folder / "profiles")
        with chromium() as browser:
            opened = []
            for _ in range(opens - 1):
                page, server, seconds = _start(browser, spec)
                _stop(page, server)
                opened.append(seconds)
            page, server, seconds = _start(browser, spec)
            opened.append(seconds)
            try:
                path = page.evaluate(FIRST_FIELD)
                assert path, f"{name}: no paragraph of the letter has a field"
                field = page.locator(f'textarea[data-path="{path}"]')
                field.fill(field.input_value().rstrip() + " Q")  # the marker the typed letters follow
                page.wait_for_function(SHOWS, arg=" Q", timeout=10_000)
                field.focus()
                page.keyboard.press("Control+End")
                typed, latencies = "Q", []
                for n in range(keys):
                    letter = "abcdefghijklmnopqrstuvwxyz"[n % 26]
                    typed += letter
                    start = time.perf_counter()
                    page.keyboard.type(letter)
                    page.wait_for_function(SHOWS, arg=typed[-12:], polling="raf", timeout=10_000)
                    latencies.append((time.perf_counter() - start) * 1000)
                    time.sleep(0.05)
            finally:
                _stop(page, server)
        return opened, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--opens", type=int, default=5, help="starts of the editor per example (the median is shown)")
    parser.add_argument("--examples", default=",".join(EXAMPLES))
    args = parser.parse_args()
    rows = []
    for name in args.examples.split(","):
        before = os.getloadavg()[0]
        opened, latencies = measure(name, args.keys, args.opens)
        rows.append((name, opened, latencies, f"{before:.1f}-{os.getloadavg()[0]:.1f}"))
    print(f"Machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}")
    print()
    print(
        "| example | open, median (s) | slowest open (s) | open as the driver learns it, median (s) "
        "| keystroke -> letter, median (ms) | p95 (ms) "
        f"| p95 less the {DEBOUNCE_MS} ms debounce | load average (1 min), before-after |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    worst_open, worst_p95 = 0.0, 0.0
    for name, opened, latencies, load in rows:
        p95 = percentile(latencies, 95)
        work = p95 - DEBOUNCE_MS
        seen = [page for page, _ in opened]
        middle = statistics.median(seen)
        worst_open, worst_p95 = max(worst_open, middle), max(worst_p95, p95)
        print(
            f"| {name} | {middle:.2f} | {max(seen):.2f} | {statistics.median(d for _, d in opened):.2f} "
            f"| {statistics.median(latencies):.0f} | {p95:.0f} | {work:.0f} | {load} |"
        )
    print()
    opened = "met" if worst_open < OPEN_TARGET_S else "NOT met"
    print(f"Target: opening under {OPEN_TARGET_S:g} s (median): {opened} ({worst_open:.2f} s).")
    verdict = "met" if worst_p95 < TARGET_MS else "NOT met"
    print(f"Target: p95 from a keystroke to the letter under {TARGET_MS} ms: {verdict} ({worst_p95:.0f} ms).")


if __name__ == "__main__":
    main()
