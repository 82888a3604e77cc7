"""Real Chromium for the tests and the preview benchmark: Debian's build, driven by Playwright.

No browser is ever downloaded: Playwright is pointed at /usr/bin/chromium, and
axe-core comes from the npm registry into .cache/node (both put there by
scripts/setup).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, sync_playwright

from .helpers import ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@contextmanager
def chromium() -> Iterator[BrowserContext]:
    """One headless Chromium with a fresh profile, closed afterwards.

    Scripts are allowed past the pages' Content-Security-Policy only so that the
    tests can inject axe-core; the pages themselves run none.
    """
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.is_file()]
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)}: run `make setup`")
    with tempfile.TemporaryDirectory(prefix="jtai-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=FLAGS, headless=True, bypass_csp=True
        )
        try:
            yield context
        finally:
            context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A and AA violations on the page as loaded: rule id, impact and the first offender."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations
            .map(v => ({id: v.id, impact: v.impact, node: v.nodes[0].html, why: v.nodes[0].failureSummary}))""",
        WCAG_22_AA,
    )
    return found


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no horizontal scroll)."""
    overflow: int = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return overflow


_CUT_WORDS = """() => {
  const cut = [];
  for (const cell of document.querySelectorAll('th, td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s\\-‐–]+/g)) {  // a hyphenated word may break at its hyphen
        if (/[\\/@_:]/.test(m[0])) continue;  // an address breaks where it must
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) cut.push(m[0]);
      }
    }
  }
  return cut;
}"""


def cut_words(page: Page) -> list[str]:
    """The words of table cells the page breaks across two lines ("Statu s" at 320 px)."""
    found: list[str] = page.evaluate(_CUT_WORDS)
    return found
