"""How well `draft` reads reports: precision and recall of items, and the time a long PDF takes.

    .venv/bin/python bench/draft.py            # precision and recall over the fixtures and their variants
    .venv/bin/python bench/draft.py --pages 300   # and the time to read a 300-page PDF made here

An item counts as found when its kind, id and text are exactly those in tests/reports/expected.yaml
(word for word); anything else `draft` reports is extra (a false positive), anything it misses is
missed. The variants rewrite the PEEL page as other saves and templates of it would (headings a
level down, markers as bold paragraphs, no <main>, areas for improvement as a numbered list) to
see what the reading depends on.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jtai_letters.report.draft import read_report  # noqa: E402
from jtai_letters.report.items import read_items  # noqa: E402

REPORTS = ROOT / "tests" / "reports"
KINDS = ("causes_of_concern", "recommendations", "areas_for_improvement")
PEEL = "peel-2023-25-loamshire.html"


def _items(path: Path) -> set[tuple[str, str, str]]:
    doc = read_report(path)
    reading = read_items(doc.blocks, doc.published)
    lists = (reading.causes_of_concern, reading.recommendations, reading.areas_for_improvement)
    return {(kind, i.id, i.text) for kind, items in zip(KINDS, lists, strict=True) for i in items}


def _expected(entry: dict[str, list[dict[str, str]]]) -> set[tuple[str, str, str]]:
    return {(kind, i["id"], i["text"]) for kind in KINDS for i in entry[kind]}


VARIANTS: dict[str, Callable[[str], str]] = {
    "headings a level down": lambda page: re.sub(
        r"<(/?)h([2-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", page
    ),
    "markers as bold paragraphs": lambda page: re.sub(
        r"<h([34])>((?:Areas? for improvement|Cause of concern|Recommendations?))</h\1>",
        r"<p><strong>\2</strong></p>",
        page,
    ),
    "no <main>": lambda page: page.replace('<main id="main-content">', "<div>").replace("</main>", "</div>"),
    "areas for improvement as a numbered list": lambda page: (
        page.replace(
            "<h3>Areas for improvement</h3>\n<p>The force should make sure call handlers",
            "<h3>Areas for improvement</h3>\n<ol><li>The force should make sure call handlers",
        )
        .replace(
            "straight away.</p>\n<h3>Main findings</h3>",
            "straight away.</li></ol>\n<h3>Main findings</h3>",
        )
        .replace(
            "<p>The force needs to tell callers how long",
            "</li><li>The force needs to tell callers how long",
        )
        .replace("and record the result.</p>", "and record the result.")
    ),
}


def score() -> None:
    expected = yaml.safe_load((REPORTS / "expected.yaml").read_text(encoding="utf-8"))
    cases: list[tuple[str, Path, set[tuple[str, str, str]]]] = [
        (name, REPORTS / name, _expected(entry)) for name, entry in expected.items()
    ]
    folder = Path(tempfile.mkdtemp())
    page = (REPORTS / PEEL).read_text(encoding="utf-8")
    for label, change in VARIANTS.items():
        changed = change(page)
        assert changed != page, label
        slug = re.sub(r"\W+", "-", label)
        path = folder / f"{slug}.html"
        path.write_text(changed, encoding="utf-8")
        cases.append((f"{PEEL} ({label})", path, _expected(expected[PEEL])))
    total_found = total_right = total_expected = 0
    print(f"{'fixture':<62} {'expected':>8} {'found':>6} {'right':>6} {'precision':>9} {'recall':>7}")
    for name, path, truth in cases:
        found = _items(path)
        right = len(found & truth)
        total_found, total_right, total_expected = (
            total_found + len(found),
            total_right + right,
            total_expected + len(truth),
        )
        precision = right / len(found) if found else 1.0
        recall = right / len(truth) if truth else 1.0
        print(f"{name:<62} {len(truth):>8} {len(found):>6} {right:>6} {precision:>9.3f} {recall:>7.3f}")
        for kind, ident, text in sorted(found - truth):
            print(f"    extra  {kind} {ident}: {text[:70]}")
        for kind, ident, text in sorted(truth - found):
            print(f"    missed {kind} {ident}: {text[:70]}")
    print(
        f"{'all':<62} {total_expected:>8} {total_found:>6} {total_right:>6} "
        f"{total_right / total_found:>9.3f} {total_right / total_expected:>7.3f}"
    )


def long_pdf(pages: int) -> None:
    """A report of `pages` pages (two columns, headers, footers, footnotes), made here, then read."""
    from weasyprint import HTML

    sys.path.insert(0, str(REPORTS))
    import make_fixtures

    section = make_fixtures.TWO_COLUMN.split('<div class="columns">')[1].split("</div>\n</body>")[0]
    body = section.format(filler=make_fixtures.FILLER, gap=0)
    html = make_fixtures.TWO_COLUMN.split('<div class="columns">')[0].format(css=make_fixtures.TWO_COLUMN_CSS)
    html += '<div class="columns">' + body * (pages // 2 + 1) + "</div></body></html>"
    started = time.monotonic()
    document = HTML(string=html).render()
    document.pages[:] = document.pages[:pages]
    data = document.write_pdf()
    made = time.monotonic() - started
    path = Path(tempfile.mkdtemp()) / "long.pdf"
    path.write_bytes(data)
    started = time.monotonic()
    doc = read_report(path)
    reading = read_items(doc.blocks, doc.published)
    seconds = time.monotonic() - started
    print(
        f"{pages}-page PDF ({len(data):,} bytes, made in {made:.1f} s): read in {seconds:.1f} s, "
        f"{len(doc.blocks):,} blocks, {len(reading.recommendations):,} recommendations"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=0, help="also time reading a PDF of this many pages")
    args = parser.parse_args()
    score()
    if args.pages:
        long_pdf(args.pages)
