"""Benchmark: jtai-letters batch against docxtpl + LibreOffice, and against the bare floor.

    .venv/bin/python bench/run.py 1000          # N letters, cycling through responses/*.yaml

In one run, on the same N letters:
1. `jtai-letters batch` cold with 2 workers and with 1 worker, then warm (all unchanged);
2. what an office would otherwise script: docxtpl fills a Word template, then
   LibreOffice headless converts the DOCX files to PDF, 20 files per call
   (LibreOffice is installed with apt-get when missing);
3. the floor: WeasyPrint and the DOCX writer on the already rendered HTML in one
   process, no pipeline around them;
4. one letter from a cold start (new process, DOCX and PDF) against one
   `soffice --convert-to pdf` call on its DOCX alone.
Prints per-letter figures, the ratios behind the targets, and a Markdown table
for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "jtai-letters")
PER_SOFFICE_CALL = 20


def sh(*cmd: str, env: dict[str, str] | None = None) -> float:
    """Run a command; its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def ensure_soffice() -> str:
    found = shutil.which("soffice")
    if found:
        return found
    print("installing LibreOffice (libreoffice-writer-nogui) ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "libreoffice-writer-nogui"],
        check=True,
        env=env,
    )
    return shutil.which("soffice") or "soffice"


def make_specs(n: int, folder: Path) -> list[Path]:
    examples = sorted((ROOT / "responses").glob("*.yaml"))
    shutil.copytree(ROOT / "profiles", folder.parent / "profiles")  # specs name ../profiles/*.yaml
    specs = []
    for i in range(n):
        src = examples[i % len(examples)]
        dst = folder / f"{i:05d}-{src.name}"
        shutil.copy(src, dst)
        specs.append(dst)
    return specs


def docxtpl_template(path: Path) -> None:
    """A Word template of the kind an office would keep for docxtpl: title, paragraphs, actions table."""
    import docx

    document = docx.Document()
    document.add_paragraph("{{ office }}")
    document.add_paragraph("{{ date }}")
    document.add_paragraph("{{ title }}", style="Title")
    document.add_paragraph("{%p for text in paragraphs %}")
    document.add_paragraph("{{ text }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p for text in bullets %}")
    document.add_paragraph("{{ text }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    table = document.add_table(rows=3, cols=4, style="Table Grid")
    for cell, head in zip(table.rows[0].cells, ["Action", "Owner", "Due", "Status"], strict=True):
        cell.text = head
    table.rows[1].cells[0].text = "{%tr for a in actions %}"
    row = table.rows[2].cells
    cells = ("{{ a.text }}", "{{ a.owner }}", "{{ a.due }}", "{{ a.status }}")
    for cell, text in zip(row, cells, strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{{ closing }}")
    document.add_paragraph("{{ name }}")
    document.add_paragraph("{{ role }}")
    document.save(str(path))


def docxtpl_context(spec_path: Path) -> dict[str, object]:
    from jtai_letters import load_spec
    from jtai_letters.rules import texts

    spec = load_spec(spec_path)
    r = spec.response
    actions = [a for a in r.local_actions] + [a for ans in r.recommendations for a in ans.actions]
    return {
        "office": spec.office.name,
        "date": r.date.isoformat(),
        "title": r.title or spec.report.title,
        "paragraphs": [v for loc, v in texts(r) if "sign_off" not in loc and loc[0] != "key_findings"],
        "bullets": [f.text for f in r.key_findings],
        "actions": [
            {"text": a.text, "owner": a.owner or "", "due": str(a.due or ""), "status": a.status or ""} for a in actions
        ],
        "closing": r.sign_off.closing if r.sign_off and r.sign_off.closing else "",
        "name": r.sign_off.name if r.sign_off else spec.office.commissioner,
        "role": r.sign_off.role if r.sign_off else spec.office.role,
    }


def run_docxtpl(specs: list[Path], work: Path) -> tuple[float, list[Path]]:
    from docxtpl import DocxTemplate

    template = work / "template.docx"
    docxtpl_template(template)
    contexts = [docxtpl_context(s) for s in specs]  # reading specs is not what is timed here
    out = work / "docxtpl"
    out.mkdir()
    start = time.perf_counter()
    files = []
    for spec, context in zip(specs, contexts, strict=True):
        doc = DocxTemplate(str(template))
        doc.render(context)
        target = out / f"{spec.stem}.docx"
        doc.save(str(target))
        files.append(target)
    return time.perf_counter() - start, files


def run_soffice(soffice: str, files: list[Path], out: Path, profile: Path) -> float:
    out.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(profile)}
    start = time.perf_counter()
    for i in range(0, len(files), PER_SOFFICE_CALL):
        chunk = [str(f) for f in files[i : i + PER_SOFFICE_CALL]]
        subprocess.run(
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), *chunk],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    return time.perf_counter() - start


def run_floor(specs: list[Path]) -> list[float]:
    """Per-letter seconds of WeasyPrint + the DOCX writer alone, on pre-rendered HTML."""
    from weasyprint import CSS, HTML

    from jtai_letters import load_spec, render
    from jtai_letters.outputs import docx as docx_writer
    from jtai_letters.outputs.pdf import AssetFetcher, _fonts, _theme

    letters = [render(load_spec(s)) for s in specs]  # untimed: the floor starts from HTML
    sheets = {p: CSS(filename=str(p), font_config=_fonts()) for letter in letters for p in letter.stylesheets}
    times = []
    for letter in letters:
        start = time.perf_counter()
        fetcher = AssetFetcher(letter.asset_roots)
        css = [*(sheets[p] for p in letter.stylesheets), _theme(letter.font, letter.brand_colour)]  # same output
        HTML(string=letter.html, base_url=letter.asset_roots[0].as_uri() + "/", url_fetcher=fetcher).write_pdf(
            stylesheets=css, font_config=_fonts(), pdf_variant="pdf/ua-1"
        )
        docx_writer.write(letter)
        times.append(time.perf_counter() - start)
    return times


def batch(specs_dir: Path, out: Path, jobs: int, force: bool = False) -> tuple[float, dict[str, object]]:
    argv = [CLI, "batch", str(specs_dir), "-o", str(out), "--jobs", str(jobs)] + (["--force"] if force else [])
    wall = sh(*argv)
    return wall, json.loads((out / "manifest.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of letters")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()
    n = args.n
    soffice = ensure_soffice()
    work = Path(tempfile.mkdtemp(prefix="jtai-bench-"))
    specs_dir = work / "specs"
    specs_dir.mkdir()
    specs = make_specs(n, specs_dir)
    lo_profile = work / "lo-home"
    lo_profile.mkdir()
    sh(soffice, "--headless", "--terminate_after_init", env={**os.environ, "HOME": str(lo_profile)})  # first-run setup

    print(f"{n} letters in {work}", flush=True)
    cold2, manifest = batch(specs_dir, work / "out", jobs=2)
    warm2, _ = batch(specs_dir, work / "out", jobs=2)
    cold1, _ = batch(specs_dir, work / "out1", jobs=1)
    letters = manifest["letters"].values()  # type: ignore[union-attr]
    per_letter_worker = statistics.median(e["seconds"] for e in letters)
    peak_rss = max(e.get("peak_rss_mb", 0) for e in letters)
    failed = sum(1 for e in letters if e["status"] != "rendered")

    tpl_time, docx_files = run_docxtpl(specs, work)
    lo_time = run_soffice(soffice, docx_files, work / "lo-pdf", lo_profile)

    floor = run_floor(specs)
    floor_median = statistics.median(floor)
    floor_total = sum(floor)

    # The longest example (Loamshire: 4 pages, logo, signature, tables) against one
    # LibreOffice conversion of that same letter's DOCX.
    one_spec = next((s for s in specs if "loamshire" in s.name), specs[0])
    one_render = statistics.median(sh(CLI, "render", str(one_spec), "-o", str(work / f"one{i}")) for i in range(5))
    one_docx = str(work / "one0" / f"{one_spec.stem}.docx")
    lo_env = {**os.environ, "HOME": str(lo_profile)}
    one_soffice = statistics.median(
        sh(soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work / f"lo-one{i}"), one_docx, env=lo_env)
        for i in range(5)
    )

    rows = [
        ("jtai-letters batch, 2 workers, cold", cold2, cold2 / n),
        ("jtai-letters batch, 1 worker, cold", cold1, cold1 / n),
        ("jtai-letters batch, 2 workers, warm (all unchanged)", warm2, warm2 / n),
        ("docxtpl (DOCX only)", tpl_time, tpl_time / n),
        (f"LibreOffice headless DOCX -> PDF, {PER_SOFFICE_CALL} files a call", lo_time, lo_time / n),
        ("docxtpl + LibreOffice", tpl_time + lo_time, (tpl_time + lo_time) / n),
        ("floor: WeasyPrint + DOCX writer on rendered HTML, 1 process", floor_total, floor_total / n),
    ]
    targets = [
        ("throughput vs docxtpl + LibreOffice (2 cores)", (tpl_time + lo_time) / cold2, ">= 3x"),
        ("pipeline overhead over the floor (1 worker)", cold1 / floor_total - 1, "<= 10%"),
        ("speed-up from 1 to 2 workers", cold1 / cold2, ">= 1.9x"),
        ("unchanged re-run vs first run", cold2 / warm2, ">= 100x"),
        ("one letter, cold start: render vs one soffice call", one_render / one_soffice, "< 1"),
        ("peak memory of a worker (MB)", peak_rss, "< 200"),
    ]
    cpu = platform.processor() or platform.machine()
    print(f"\nmachine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.platform()}")
    print(f"letters: {n} ({failed} not rendered); median worker time per letter {per_letter_worker * 1000:.0f} ms;")
    print(f"floor median per letter {floor_median * 1000:.0f} ms\n")
    print("| path | total (s) | per letter (ms) |\n| --- | ---: | ---: |")
    for name, total, each in rows:
        print(f"| {name} | {total:.2f} | {each * 1000:.1f} |")
    print(f"| one letter from a cold start: `jtai-letters render` (DOCX + PDF) | {one_render:.2f} | |")
    print(f"| one `soffice --convert-to pdf` call on that letter's DOCX | {one_soffice:.2f} | |")
    print("\n| target | measured | goal |\n| --- | ---: | --- |")
    for name, value, goal in targets:
        shown = f"{value:.1%}" if "%" in goal else f"{value:.2f}" + ("x" if "x" in goal else "")
        print(f"| {name} | {shown} | {goal} |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
