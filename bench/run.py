"""Benchmark as users meet it: jtai-letters batches against LibreOffice on the same letters.

    .venv/bin/python bench/run.py                 # a batch of 40 letters, 3 rounds
    .venv/bin/python bench/run.py 40 1000         # also 1,000 letters (one round: about 10 minutes)
    .venv/bin/python bench/run.py 40 1000 --write # and rewrite the results in docs/benchmarks.md

For each batch size N (letters cycling through responses/*.yaml), in one run, with
the two paths interleaved round by round so that a busy machine slows both alike:

1. `jtai-letters batch` cold (a fresh output folder) with one worker per core, then
   again with nothing changed, then cold with one worker;
2. LibreOffice converting the very DOCX files jtai-letters wrote to PDF, the way an
   office would script it: as many `soffice --headless --convert-to pdf` processes
   as cores, 20 files a call, each process with its own user profile; then with one
   process, for its cost per core. (docxtpl or any other way of making the DOCX is
   left out: LibreOffice's conversion alone is the baseline.)
3. once: one letter from a cold start (`jtai-letters render`, DOCX and PDF) against
   one `soffice --convert-to pdf` call on that letter's DOCX, 5 times each, alternating.

Medians of the rounds; the ratios are what to read, the absolute times depend on
the machine and on what else runs (the load average is recorded). LibreOffice is
installed with apt-get when missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / "jtai-letters")
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench/run.py results: start -->", "<!-- bench/run.py results: end -->"
PER_SOFFICE_CALL = 20
CORES = os.cpu_count() or 1
ONE_LETTER = "loamshire-2025-domestic-abuse"  # the longest example: 4 pages, logo, signature, five tables


def sh(*cmd: str) -> float:
    """Run a command to its end; its wall time in seconds. A failure stops the benchmark."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def ensure_soffice() -> str:
    found = shutil.which("soffice")
    if found:
        return found
    print("installing LibreOffice (libreoffice-writer-nogui) ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    install = ("install", "-y", "-qq", "--no-install-recommends", "libreoffice-writer-nogui")
    subprocess.run([*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", *install], check=True)
    return shutil.which("soffice") or "soffice"


class LibreOffice:
    """`soffice` processes that each keep their own user profile, so several can run at once."""

    def __init__(self, soffice: str, work: Path) -> None:
        self.soffice = soffice
        self.profiles = [work / f"lo-profile-{i}" for i in range(CORES)]
        for profile in self.profiles:  # first-run set-up of a profile is not what is measured
            sh(soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--terminate_after_init")

    def convert(self, files: Sequence[Path], out: Path, processes: int) -> float:
        """Wall time to convert `files` to PDF in `out`, 20 a call, `processes` calls at a time."""
        out.mkdir(parents=True)
        chunks = [files[i : i + PER_SOFFICE_CALL] for i in range(0, len(files), PER_SOFFICE_CALL)]

        def call(index: int) -> None:
            for chunk in chunks[index::processes]:
                self.run(index, out, chunk)

        start = time.perf_counter()
        with ThreadPoolExecutor(processes) as pool:
            list(pool.map(call, range(processes)))
        wall = time.perf_counter() - start
        made = len(list(out.glob("*.pdf")))
        if made != len(files):
            raise SystemExit(f"LibreOffice wrote {made} of {len(files)} PDFs in {out}")
        return wall

    def run(self, profile: int, out: Path, files: Sequence[Path]) -> float:
        """One `soffice --convert-to pdf` call on `files`, with user profile number `profile`."""
        profile_url = self.profiles[profile].as_uri()
        options = ("--headless", "--convert-to", "pdf", "--outdir", str(out))
        return sh(self.soffice, f"-env:UserInstallation={profile_url}", *options, *map(str, files))

    def version(self) -> str:
        text = subprocess.run([self.soffice, "--version"], capture_output=True, text=True, check=False).stdout
        found = re.search(r"\d+\.\d+\.\d+", text)
        return found.group(0) if found else "?"


def _burn(_: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - start


def cores_free() -> float:
    """How many cores this run really had: the same busy loop, once alone and once on every core."""
    with ProcessPoolExecutor(CORES) as pool:
        alone = statistics.median(pool.submit(_burn, 0).result() for _ in range(3))
        start = time.perf_counter()
        list(pool.map(_burn, range(CORES)))
        together = time.perf_counter() - start
    return CORES * alone / together


def make_specs(n: int, work: Path) -> Path:
    """N spec files cycling through the examples, in a folder next to a copy of profiles/."""
    examples = sorted((ROOT / "responses").glob("*.yaml"))
    folder = work / f"specs-{n}"
    folder.mkdir()
    if not (work / "profiles").exists():
        shutil.copytree(ROOT / "profiles", work / "profiles")  # specs name ../profiles/*.yaml
    for i in range(n):
        shutil.copy(examples[i % len(examples)], folder / f"{i:05d}-{examples[i % len(examples)].name}")
    return folder


def batch(specs: Path, out: Path, jobs: int) -> float:
    return sh(CLI, "batch", str(specs), "-o", str(out), "--jobs", str(jobs))


def letters_own_time(out: Path) -> float:
    """The sum of the seconds each letter took in its worker, from the batch's manifest."""
    letters = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["letters"]
    return float(sum(entry["seconds"] for entry in letters.values()))


def median_of(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def measure_batch(n: int, rounds: int, work: Path, office: LibreOffice) -> dict[str, float]:
    """Median wall times (s) of each path for a batch of `n` letters."""
    specs = make_specs(n, work)
    batch(specs, work / f"docx-{n}", CORES)  # untimed: the DOCX files LibreOffice converts
    docx = sorted((work / f"docx-{n}").glob("*.docx"))
    results = []
    for r in range(rounds):
        out = work / f"out-{n}-{r}"
        times = {"cold": batch(specs, out, CORES)}
        times["letters"] = letters_own_time(out)
        times["warm"] = batch(specs, out, CORES)
        times["lo"] = office.convert(docx, work / f"lo-{n}-{r}", CORES)
        times["cold1"] = batch(specs, work / f"out1-{n}-{r}", 1)
        times["letters1"] = letters_own_time(work / f"out1-{n}-{r}")
        times["lo1"] = office.convert(docx, work / f"lo1-{n}-{r}", 1)
        times["start"] = sh(CLI, "--version")
        results.append(times)
        print(f"  {n} letters, round {r + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()), flush=True)
    return {key: median_of(results, key) for key in results[0]}


def measure_one(work: Path, office: LibreOffice) -> tuple[float, float]:
    """Cold one-letter render and one soffice call on its DOCX: medians of 5, alternating."""
    spec = next(p for p in sorted(work.glob("specs-*/*.yaml")) if ONE_LETTER in p.name)
    render, convert = [], []
    for i in range(5):
        out = work / f"one-{i}"
        render.append(sh(CLI, "render", str(spec), "-o", str(out)))
        convert.append(office.run(0, work / f"lo-one-{i}", [out / f"{spec.stem}.docx"]))
    return statistics.median(render), statistics.median(convert)


def tables(sizes: dict[int, dict[str, float]], one: tuple[float, float], setting: str) -> str:
    """The results as Markdown: per batch size, then the targets."""
    lines = [setting, "", "| batch | path | wall (s) | per letter (ms) | per letter per core (ms) |"]
    lines.append("| ---: | --- | ---: | ---: | ---: |")
    rows: list[tuple[str, str, Callable[[float], float]]] = [
        ("cold", f"jtai-letters batch, {CORES} workers, cold", lambda t: t * CORES),
        ("cold1", "jtai-letters batch, 1 worker, cold", lambda t: t),
        ("warm", f"jtai-letters batch, {CORES} workers, nothing changed", lambda t: t * CORES),
        (
            "lo",
            f"LibreOffice DOCX -> PDF, {CORES} soffice processes, {PER_SOFFICE_CALL} files a call",
            lambda t: t * CORES,
        ),
        ("lo1", f"LibreOffice DOCX -> PDF, 1 soffice process, {PER_SOFFICE_CALL} files a call", lambda t: t),
    ]
    for n, t in sizes.items():
        for key, name, core_seconds in rows:
            lines.append(
                f"| {n:,} | {name} | {t[key]:.2f} | {t[key] / n * 1000:.1f} | {core_seconds(t[key]) / n * 1000:.1f} |"
            )
    render, convert = one
    for n, t in sizes.items():
        slower = t["letters"] / t["letters1"] - 1
        lines += [
            "",
            f"{n:,} letters, the sum of each letter's own time in its worker (from the manifest):"
            f" {t['letters1']:.2f} s with 1 worker, {t['letters']:.2f} s with {CORES} ({slower:+.0%}: the same"
            f" letters, slower when every core is busy). The 1-worker batch spent"
            f" {t['cold1'] - t['letters1']:.2f} s outside its letters"
            " (start-up, imports, warm-up, a collection after each letter, hand-offs).",
        ]
    lines += [
        "",
        f"One letter from a cold start (the {ONE_LETTER} example), median of 5:"
        f" `jtai-letters render` (DOCX and PDF) {render:.2f} s; one `soffice --convert-to pdf` call on its DOCX"
        f" {convert:.2f} s.",
        "",
        "| target | measured | goal | met |",
        "| --- | ---: | --- | --- |",
    ]

    def target(name: str, value: float, goal: str, met: bool) -> None:
        lines.append(f"| {name} | {value:.2f}{'x' if 'x' in goal else ''} | {goal} | {'yes' if met else 'no'} |")

    for n, t in sizes.items():
        per_core = t["cold1"] / t["lo1"]
        target(f"{n:,} letters: cost per core, jtai-letters / LibreOffice", per_core, "<= 0.33", per_core <= 1 / 3)
        lead = t["lo"] / t["cold"]
        target(f"{n:,} letters, cold, all cores: LibreOffice / jtai-letters", lead, ">= 3x", lead >= 3)
        speedup = t["cold1"] / t["cold"]
        target(f"{n:,} letters: speed-up from 1 to {CORES} workers", speedup, ">= 1.9x", speedup >= 1.9)
        if n < 1000:  # the two re-run targets: a small batch against start-up, a large one against itself
            beyond = (t["warm"] - t["start"]) * 1000
            lines.append(
                f"| {n:,} letters, nothing changed: beyond the command's start-up ({t['start'] * 1000:.0f} ms)"
                f" | {beyond:.0f} ms | < 50 ms | {'yes' if beyond < 50 else 'no'} |"
            )
        else:
            rerun = t["cold"] / t["warm"]
            target(f"{n:,} letters: first run / unchanged re-run", rerun, ">= 100x", rerun >= 100)
    target("one letter, cold start: render / one soffice call", render / convert, "<= 0.5", render / convert <= 0.5)
    return "\n".join(lines)


def write_docs(text: str) -> None:
    """Replace what sits between the markers in docs/benchmarks.md."""
    doc = DOCS.read_text(encoding="utf-8")
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[40], help="batch sizes (default: 40)")
    parser.add_argument("--rounds", type=int, help="rounds per size (default: 3 up to 100 letters, else 1)")
    parser.add_argument("--write", action="store_true", help="rewrite the results in docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()
    soffice = ensure_soffice()
    work = Path(tempfile.mkdtemp(prefix="jtai-bench-"))
    load_before = os.getloadavg()[0]
    free_before = cores_free()
    try:
        office = LibreOffice(soffice, work)
        results = {}
        for n in args.sizes:
            results[n] = measure_batch(n, args.rounds or (3 if n <= 100 else 1), work, office)
        one = measure_one(work, office)
        setting = (
            f"Run on {dt.date.today():%-d %B %Y}: {CORES} cores ({platform.processor() or platform.machine()}),"
            f" Python {platform.python_version()}, WeasyPrint {version('weasyprint')},"
            f" python-docx {version('python-docx')}, LibreOffice {office.version()}."
            f" Load average (1 min) {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end."
            f" Cores really free (a busy loop on every core against one alone): {free_before:.1f} of {CORES}"
            f" at the start, {cores_free():.1f} at the end."
            " The ratios, measured in the same rounds, are what to compare."
        )
        text = tables(results, one, setting)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\n" + text)
    if args.write:
        write_docs(text)
        print(f"\nwritten to {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
