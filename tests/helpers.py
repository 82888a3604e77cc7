"""Text out of generated letters, normalised so that formats and references compare word for word."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
RESPONSES = ROOT / "responses"
SPECS = sorted(RESPONSES.glob("*.yaml"))
REFERENCES = Path(__file__).resolve().parent / "reference-letters"
GOLDEN = Path(__file__).resolve().parent / "golden"


def run(*argv: str | Path) -> tuple[int, str, str]:
    """The command line as a user runs it, in this process: exit code, standard output, standard error."""
    from jtai_letters import cli

    out, err = io.StringIO(), io.StringIO()
    return cli.main([str(a) for a in argv], out, err), out.getvalue(), err.getvalue()


def languages(stem: str) -> list[str]:
    """The languages an example letter is written in, the first first (its `<html lang>`, PDF `/Lang`,
    DOCX language); a bilingual letter has a title in each."""
    from jtai_letters.spec.load import load_spec

    return load_spec(RESPONSES / f"{stem}.yaml").spec.office.language.split("+")


def first_language(stem: str) -> str:
    """The first of `languages(stem)`."""
    return languages(stem)[0]


# "Page 2 of 3"; in Welsh "Tudalen 2 o 3"; in a bilingual letter both, joined by " / ".
PAGE_FURNITURE = re.compile(r"^(?:Page \d+ of \d+|Tudalen \d+ o \d+)(?: / (?:Page \d+ of \d+|Tudalen \d+ o \d+))?$")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "′": "'"})
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*{1,2})(\S(?:.*?\S)?)\1")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•‣◦▪]|\d+[.)])\s+", re.M)


def docx_paragraphs(path: Path) -> list[str]:
    """Every non-empty paragraph of a DOCX in reading order: first-page header (the
    letterhead), then the body, table cells included."""
    document = docx.Document(str(path))
    section = document.sections[0]
    header = section.first_page_header
    out: list[str] = []
    if section.different_first_page_header_footer and not header.is_linked_to_previous:
        out += [p.text for p in header.paragraphs if p.text.strip()]
    return out + [p.text for p in body_paragraphs(document) if p.text.strip()]


def body_paragraphs(document: docx.document.Document) -> list[Paragraph]:
    """Every paragraph of a DOCX's body in reading order, those of table cells included."""
    out: list[Paragraph] = []
    for block in document.iter_inner_content():
        out += [block] if isinstance(block, Paragraph) else _cells(block)
    return out


def docx_columns(path: Path) -> tuple[list[str], list[str]]:
    """The non-empty paragraphs of each side of a bilingual letter's side-by-side columns."""
    [table] = [t for t in docx.Document(str(path)).tables if t._tbl.tblPr.style is None]
    sides: tuple[list[str], list[str]] = ([], [])
    for row in table.rows:
        for side, cell in zip(sides, row.cells, strict=True):
            for block in cell.iter_inner_content():
                paragraphs = [block] if isinstance(block, Paragraph) else _cells(block)
                side += [p.text for p in paragraphs if p.text.strip()]
    return sides


def side_by_side(stem: str) -> bool:
    """Whether an example letter is set in two languages side by side."""
    from jtai_letters.spec.load import load_spec

    office = load_spec(RESPONSES / f"{stem}.yaml").spec.office
    return "+" in office.language and office.bilingual == "columns"


def _cells(table: Table) -> list[Paragraph]:
    """The paragraphs of a table's cells in reading order, those of tables inside them included
    (a bilingual letter's side-by-side columns hold its action tables)."""
    out: list[Paragraph] = []
    for row in table.rows:
        for cell in row.cells:
            for block in cell.iter_inner_content():
                out += [block] if isinstance(block, Paragraph) else _cells(block)
    return out


def docx_header_rows(path: Path) -> list[list[str]]:
    """The cell texts of every table row marked to repeat as a header on each page."""
    document = docx.Document(str(path))
    return [
        [cell.text for cell in row.cells]
        for table in document.tables
        for row in table.rows
        if row._tr.trPr is not None and row._tr.trPr.xpath("./w:tblHeader")
    ]


def docx_styles(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every non-empty body paragraph."""
    document = docx.Document(str(path))
    return [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]


def pdf_text(path: Path, half: int | None = None) -> str:
    """The text of a PDF, page furniture (page X of Y) removed; with `half` (0 or 1), only the
    left or right half of each A4 page (a bilingual letter's side-by-side columns).

    Poppler's pdftotext, not a Python extractor: pypdf and pdfminer garble or drop
    lines set in fallback fonts (emoji, Welsh), and reading them right is the point.
    Raw mode keeps the content order and leaves line-end hyphens as printed.
    """
    crop = [] if half is None else ["-x", str(half * 298), "-y", "0", "-W", "298", "-H", "842"]
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", *crop, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = text.replace("\f", "\n").splitlines()
    return "\n".join(line for line in lines if not PAGE_FURNITURE.match(line.strip()))


def normalise(text: str) -> str:
    """NFKC, straight quotes, Markdown links and emphasis reduced to their words, no list markers,
    a line broken after a hyphen joined up again, and a word the PDF hyphenated where it had to
    break (U+2010, WeasyPrint's hyphenation hyphen, at a line's end) joined up without it."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _LIST_MARKER.sub("", text)
    text = re.sub("\u2010\n\\s*", "", text)
    return re.sub(r"-\n\s*", "-", text)


def words(text: str) -> list[str]:
    return normalise(text).split()


def squashed(text: str) -> str:
    """Normalised text without any whitespace: robust to where a PDF broke its lines."""
    return "".join(words(text))


def reference_body(name: str) -> str:
    """A reference letter's text; the Hampshire web capture starts at its title line."""
    text = (REFERENCES / f"{name}.txt").read_text(encoding="utf-8")
    if name == "hampshire":
        text = text[text.index("Joint Targeted Area Inspections:") :]
    return text


def reference_paragraphs(name: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", reference_body(name)) if p.strip()]


def spec_yaml(
    *,
    report: str = "",
    response: str = "",
    answers: str = "    - id: R1\n      response: Accepted; the force has a plan.\n",
    published: str = "2025-09-18",
    layout: str = "statement",
) -> str:
    """A small valid spec with `report` and `response` lines (YAML, indented two spaces) added."""
    return f"""\
schema_version: 1
layout: {layout}
office:
  name: Office of the Police and Crime Commissioner for Loamshire
  commissioner: Priya Marsh
  role: Police and Crime Commissioner
  area: Loamshire
report:
  title: An inspection of Loamshire Police
  kind: force-specific
  inspectorates: [HMICFRS]
  published: {published}
  url: https://hmicfrs.justiceinspectorates.gov.uk/publications/loamshire/
  force_inspected: true
  recommendations:
    - id: R1
      text: The force should improve.
{report}response:
  date: 2025-10-30
  recommendations:
{answers}  chief_constable:
    omitted_because: no comments were received
  copies: [HMICFRS, Home Secretary]
{response}"""


def templates_leaving_english(into: Path, monkeypatch: Any, *messages: str) -> Path:
    """A copy of our templates whose Welsh catalogue leaves `messages` untranslated (as an entry with
    no published source would be): the words then print in English in a Welsh letter. Its catalogue
    stands alone (ours, behind an office's, would give the words back)."""
    import shutil

    from babel.messages.pofile import read_po, write_po

    from jtai_letters.letter import catalogue
    from jtai_letters.letter.catalogue import catalogue_path, compile_po
    from jtai_letters.letter.templates import DEFAULT_TEMPLATES

    folder = into / "templates-leaving-english"
    shutil.copytree(DEFAULT_TEMPLATES, folder)
    po = catalogue_path(folder, "cy", ".po")
    with open(po, "rb") as f:
        catalog = read_po(f)
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in messages:
            message.string = tuple("" for _ in message.string) if isinstance(message.string, tuple) else ""
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    po.write_bytes(buffer.getvalue())
    catalogue_path(folder, "cy", ".mo").write_bytes(compile_po(catalog))
    ours = catalogue.search_path
    monkeypatch.setattr(catalogue, "search_path", lambda d: (folder,) if d == folder else ours(d))
    return folder


def copy_example(folder: Path, name: str) -> Path:
    """The example spec `name` with the office profiles beside it, as it sits in the repository."""
    import shutil

    (folder / "responses").mkdir()
    shutil.copy(ROOT / "responses" / name, folder / "responses")
    shutil.copytree(ROOT / "profiles", folder / "profiles")
    return folder / "responses" / name


@contextmanager
def serving(verb: str, spec: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`jtai-letters VERB SPEC` (preview or edit) in its own process on any free port: its address and
    the process; stopped with Ctrl-C (SIGINT) afterwards, which must end it cleanly, without a traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "jtai_letters", verb, str(spec), "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()  # printed and flushed first, before anything else
        assert url.startswith("http://127.0.0.1:"), process.stderr.read() if process.stderr else url
        yield url, process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, errors = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
    assert process.returncode == 0, errors
    assert "Traceback" not in errors and "CancelledError" not in errors, errors


def in_fresh_thread(fn: Callable[[], object]) -> None:
    """Run `fn` in a new thread and wait for it, raising what it raised."""
    failed: list[BaseException] = []

    def run_it() -> None:
        try:
            fn()
        except BaseException as e:
            failed.append(e)

    thread = threading.Thread(target=run_it)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def welsh_text(html: str) -> tuple[str, list[str]]:
    """The text in Welsh of a page (of elements whose nearest `lang` is cy-GB), and the texts marked
    English inside it."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    welsh: list[str] = []
    spans: list[str] = []

    def walk(el: Any, lang: str | None) -> None:
        own = el.get("lang") or lang
        if own == "en-GB" and lang == "cy-GB" and el.tag == "span":
            spans.append(el.text_content())
        if own == "cy-GB":
            welsh.append(el.text or "")
        for child in el:
            walk(child, own)
            if own == "cy-GB":
                welsh.append(child.tail or "")

    walk(root.body, root.get("lang"))
    return "".join(welsh), spans


_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z]+\}")


def english_pieces() -> set[str]:
    """The pieces of the English catalogue's messages (the words between their placeholders), less
    those Welsh writes as English does (the Welsh catalogue's own: "cc", by HMICFRS's Welsh letters)."""
    from babel.messages.pofile import read_po

    from jtai_letters.letter.catalogue import catalogue_path, extract
    from jtai_letters.letter.templates import DEFAULT_TEMPLATES

    def key(message_id: str | tuple[str, ...]) -> str:
        return message_id[0] if isinstance(message_id, tuple) else message_id

    english = [key(e.id) for e in extract(DEFAULT_TEMPLATES) if e.id]
    pieces = {p.strip(" :,.") for m in english for p in _PLACEHOLDER.split(m)} - {""}
    with open(catalogue_path(DEFAULT_TEMPLATES, "cy", ".po"), "rb") as f:
        po = [m for m in read_po(f) if m.id]
    same = {p.strip(" :,.") for m in po if isinstance(m.string, str) for p in _PLACEHOLDER.split(m.string)}
    return pieces - same


def english_in(text: str) -> list[str]:
    """Each piece of the English catalogue standing as a whole word in `text`: a fixed word printed in English."""
    flat = " ".join(text.split())
    return sorted(p for p in english_pieces() if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", flat))
