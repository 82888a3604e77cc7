"""An HMICFRS report as a PDF -> a `Document`.

pypdf gives each run of text with its position and size; the lines are rebuilt from
those, in columns where the page has two, and the page's furniture is left out: running
headers and footers (a line repeated at the top or bottom of most pages), page numbers,
footnotes (small text at the foot of a page) and the footnote marks in the text. A
paragraph that runs on to the next page is joined again. The PDF is never run: pypdf reads
no JavaScript, forms or links; pages and time are bounded.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jtai_letters.report.html import NotReadable
from jtai_letters.report.items import Block, Document

MAX_PAGES = 400  # the longest HMICFRS report (State of Policing with annexes) is well under this
SECONDS = 60.0  # reading stops past this, whatever the page count

_PUBLISHED = re.compile(
    r"\b(?:published(?: on)?|publication date)\s*:?\s*(\d{1,2})(?:st|nd|rd|th)?\s+"
    r"(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4})",
    re.I,
)
_BULLET = re.compile(r"^(?:[•●▪◦‣∙·–-]|\(?[a-z0-9]{1,3}[.)])\s+")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", re.I)


@dataclass
class _Run:
    text: str
    x: float
    y: float  # from the bottom of the page
    size: float
    bold: bool


@dataclass
class _Line:
    text: str
    x: float
    y: float
    size: float
    bold: bool
    column: int
    page: int
    gap_before: float = 0.0


@contextmanager
def _quiet_pypdf() -> Iterator[list[str]]:
    """pypdf's complaints about a damaged file, kept for the message instead of logged."""
    logger = logging.getLogger("pypdf")
    heard: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record.getMessage())

    handler, propagate = _Keep(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield heard
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def read_pdf(path: Path, data: bytes, *, max_pages: int = MAX_PAGES, seconds: float = SECONDS) -> Document:
    """The report in the PDF `data` (read from `path`)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    started = time.monotonic()
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _opens_without_password(reader):
                raise NotReadable(
                    "is encrypted with a password: save a copy without one (or download the report again), "
                    "then draft that"
                )
            pages = len(reader.pages)
        except NotReadable:
            raise
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as e:
            raise NotReadable(f"is damaged and cannot be read as a PDF ({_reason(e)}); download it again") from None
        if pages == 0:
            raise NotReadable("has no pages")
        if pages > max_pages:
            raise NotReadable(
                f"has {pages:,} pages; draft reads reports of up to {max_pages:,}: "
                "is this one report, or several bound together?"
            )
        doc = Document(path)
        lines: list[_Line] = []
        heights: list[float] = []
        for number in range(pages):
            if time.monotonic() - started > seconds:
                raise NotReadable(
                    f"took over {seconds:g} s to read (at page {number + 1} of {pages}); nothing was written"
                )
            try:
                page = reader.pages[number]
                width, height = float(page.mediabox.width), float(page.mediabox.height)
                runs = _runs(page)
            except (
                PdfReadError,
                ValueError,
                KeyError,
                TypeError,
                AttributeError,
                IndexError,
                OSError,
                RecursionError,
            ) as e:
                raise NotReadable(f"page {number + 1} is damaged ({_reason(e)}); download the report again") from None
            heights.append(height)
            lines.extend(_lines(runs, width, number + 1))
        meta = _metadata(reader)
    if not any(line.text.strip() for line in lines):
        raise NotReadable(
            "holds no text, only images (a scanned copy?): draft cannot read it; use the report's web page "
            "or the PDF the inspectorate publishes"
        )
    lines = _without_furniture(lines, heights, doc)
    doc.blocks = _blocks(lines)
    doc.text = " ".join(line.text for line in lines)
    doc.title = meta or _first_page_title(lines)
    whole = " ".join(doc.text.split())
    if m := _PUBLISHED.search(whole):
        month = dt.datetime.strptime(m.group(2), "%B").month
        try:
            doc.published = dt.date(int(m.group(3)), month, int(m.group(1)))
            doc.published_from = f"the report's words '{m.group(0)}'"
        except ValueError:
            pass
    if m := re.search(r"https://(?:www\.)?(?:hmicfrs\.)?justiceinspectorates\.gov\.uk/[^\s)]+", whole):
        doc.url = m.group(0).rstrip(".,;")
    return doc


def _reason(e: BaseException) -> str:
    return str(e).split("\n")[0][:120] or type(e).__name__


def _opens_without_password(reader: Any) -> bool:
    """An owner password alone (printing or copying limits) still lets the text be read."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def _metadata(reader: Any) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:
        return None
    if isinstance(title, str) and len(title.split()) >= 3 and not title.lower().endswith((".doc", ".docx", ".indd")):
        return " ".join(title.split())
    return None


def _runs(page: Any) -> list[_Run]:
    runs: list[_Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text or not text.strip():
            if text and runs:
                runs.append(_Run(" ", 0, 0, 0, False))  # a space drawn on its own still parts words
            return
        # The text's position and size on the page: the text matrix, then the current transformation.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
        runs.append(_Run(text, x, y, size * scale, bool(re.search(r"bold|black|heavy|semibold", name, re.I))))

    page.extract_text(visitor_text=visit)
    runs = [r for r in runs if r.size > 0]
    if runs:
        # A footnote mark: a small raised number inside the text, not a word of it.
        usual = statistics.median(r.size for r in runs if r.text.strip())
        runs = [r for r in runs if not (re.fullmatch(r"\s*\d{1,3}\s*", r.text) and r.size < usual * 0.8)]
    return runs


def _lines(runs: list[_Run], width: float, page: int) -> list[_Line]:
    """The page's lines: runs on one baseline joined, in columns when the page has two."""
    if not runs:
        return []
    middle = width / 2
    right = [r for r in runs if r.x > middle + 4]
    two_columns = len(right) >= max(3, len(runs) // 5)
    rows: dict[tuple[int, int], list[_Run]] = {}
    for run in runs:
        column = 1 if two_columns and run.x > middle else 0
        key = (column, round(run.y / 2))
        rows.setdefault(key, []).append(run)
    lines = []
    for (column, _), row in rows.items():
        row.sort(key=lambda r: r.x)
        body = [r for r in row if r.size >= 0.75 * max(r.size for r in row) or not r.text.strip().isdigit()]
        text = "".join(r.text for r in body)
        text = re.sub(r"\s+", " ", text).strip()
        if text:
            size = max(r.size for r in body)
            lines.append(
                _Line(
                    text,
                    min(r.x for r in body),
                    max(r.y for r in body),
                    size,
                    all(r.bold for r in body if r.text.strip()),
                    column,
                    page,
                )
            )
    lines.sort(key=lambda line: (line.column, -line.y))
    return lines


def _without_furniture(lines: list[_Line], heights: list[float], doc: Document) -> list[_Line]:
    """Running headers and footers, page numbers and footnotes left out."""
    pages = len(heights)
    body_size = statistics.median([line.size for line in lines]) if lines else 10.0

    def edge(line: _Line) -> bool:
        height = heights[line.page - 1]
        return line.y > height * 0.92 or line.y < height * 0.08

    repeated = Counter(re.sub(r"\d+", "#", line.text.lower()) for line in lines if edge(line))
    furniture = {text for text, n in repeated.items() if n >= max(2, pages // 2)}
    kept: list[_Line] = []
    dropped = Counter[str]()
    for line in lines:
        if edge(line) and (re.sub(r"\d+", "#", line.text.lower()) in furniture or _PAGE_NUMBER.match(line.text)):
            dropped["running header, footer or page number"] += 1
            continue
        if line.size < body_size * 0.85 and line.y < heights[line.page - 1] * 0.35 and _footnote_area(line, lines):
            dropped["footnote"] += 1
            continue
        kept.append(line)
    for what, n in dropped.items():
        doc.notes.append(
            f"left out {n} line{'s' * (n != 1)} of {what}s"
            if what == "footnote"
            else f"left out {n} {what} line{'s' * (n != 1)}"
        )
    return kept


def _footnote_area(line: _Line, lines: list[_Line]) -> bool:
    """Whether a small line sits below the page's last line of body text."""
    body = [
        other.y
        for other in lines
        if other.page == line.page and other.column == line.column and other.size >= line.size * 1.15
    ]
    return not body or line.y < min(body)


def _blocks(lines: list[_Line]) -> list[Block]:
    """Lines -> paragraphs, headings and list items; a paragraph broken by a page or column is joined."""
    if not lines:
        return []
    body_size = statistics.median([line.size for line in lines])
    blocks: list[Block] = []
    current: list[_Line] = []

    def flush() -> None:
        if not current:
            return
        first = current[0]
        text = " ".join(line.text for line in current)
        text = re.sub(r"\s+", " ", text).strip()
        if first.size >= body_size * 1.15 or (first.bold and len(text) < 90 and not text.endswith(".")):
            level = 1 if first.size >= body_size * 1.8 else 2 if first.size >= body_size * 1.4 else 3
            blocks.append(Block("heading", text, level=level, where=f"page {first.page}"))
        elif m := _BULLET.match(text):
            ordered = text[0] not in "•●▪◦‣∙·–-"
            body = text[m.end() :] if not ordered else text
            blocks.append(
                Block("item", body if not ordered else text, level=1, ordered=ordered, where=f"page {first.page}")
            )
        else:
            blocks.append(Block("para", text, where=f"page {first.page}"))
        current.clear()

    previous: _Line | None = None
    for line in lines:
        if previous is None:
            current.append(line)
            previous = line
            continue
        moved = line.page != previous.page or line.column != previous.column
        gap = previous.y - line.y
        same_style = abs(line.size - previous.size) < 0.5 and line.bold == previous.bold
        starts_item = bool(_BULLET.match(line.text))
        if moved:
            # A paragraph broken by the page or column goes on if it had not ended and the next line reads on.
            runs_on = (
                current
                and same_style
                and not starts_item
                and not re.search(r"[.:;!?)]$", previous.text)
                and line.text[:1].islower()
            )
            if not runs_on:
                flush()
        elif not same_style or starts_item or gap > previous.size * 1.75:
            flush()
        current.append(line)
        previous = line
    flush()
    return blocks


def _first_page_title(lines: list[_Line]) -> str | None:
    first = [line for line in lines if line.page == min(line.page for line in lines)]
    if not first:
        return None
    biggest = max(line.size for line in first)
    words = [line.text for line in first if line.size >= biggest * 0.95]
    title = " ".join(words).strip()
    return title or None
