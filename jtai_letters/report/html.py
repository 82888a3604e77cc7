"""A saved HMICFRS web page ("Save page as", HTML only or complete) -> a `Document`.

The page is data: lxml parses it with no network and no huge trees, nothing in it runs,
nothing it links to is fetched. What a saved page carries besides the report (the site's
menus, cookie banner, breadcrumbs, "Print this document", the contents list, the footer)
is left out by element and role, so it never reaches an item.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.etree
import lxml.html

from jtai_letters.report.items import Block, Document

MAX_HTML_BYTES = 20 * 1024 * 1024  # a long saved report is 2 MB; "complete" saves keep images beside it
MAX_BLOCKS = 50_000

# Never part of the report's text: the site's furniture, and what could run or fetch.
_DROPPED = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "canvas",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "nav",
        "header",
        "footer",
        "aside",
        "dialog",
        "head",
        "link",
        "meta",
        "video",
        "audio",
        "picture",
        "img",
        "map",
        "source",
        "track",
        "base",
    ]
)
_NOISE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog", "complementary"})
_NOISE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:cookies?|consent|breadcrumbs?|skip-?link|share|social|print-?link|feedback|back-?to-?top"
    r"|site-?header|site-?footer|footnotes?|visually-?hidden|sr-only|govuk-skip-link)(?:$|[\s_-])",
    re.I,
)
_NOISE_TEXT = re.compile(
    r"^(?:print this (?:document|page)|contents|back to top|skip to (?:main )?content|share this page"
    r"|download (?:the )?(?:report|pdf).*|return to top)$",
    re.I,
)
_BLOCK_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "div",
        "section",
        "article",
        "main",
        "blockquote",
        "details",
        "summary",
        "figure",
        "figcaption",
        "dl",
        "dt",
        "dd",
        "pre",
        "hr",
        "address",
    ]
)
_SAVED_FROM = re.compile(rb"<!-- saved from url=\(\d+\)(https?://[^\s>]+?) ?-->")
_PUBLISHED = re.compile(
    r"\b(?:published(?: on)?|publication date|date of publication)\s*:?\s*(\d{1,2})(?:st|nd|rd|th)?\s+"
    r"(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4})",
    re.I,
)
_META_DATES = ("article:published_time", "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date", "date")


class NotReadable(ValueError):
    """The file cannot be read as a report; the message says why, for the officer."""


def read_html(path: Path, data: bytes) -> Document:
    """The report in the saved page `data` (read from `path`)."""
    if len(data) > MAX_HTML_BYTES:
        raise NotReadable(f"is {len(data):,} bytes; a saved report page may be at most {MAX_HTML_BYTES:,}")
    parser = lxml.html.HTMLParser(
        no_network=True, huge_tree=False, remove_comments=True, remove_pis=True, recover=True, default_doctype=False
    )
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError) as e:
        raise NotReadable(f"is not a web page lxml can read ({e})") from None
    doc = Document(path)
    doc.url = _url(root, data)
    doc.title = _title(root)
    doc.published, doc.published_from = _published(root)
    main = _main(root)
    doc.text = " ".join(root.text_content().split())
    _drop_furniture(main)
    blocks: list[Block] = []
    _walk(main, blocks)
    if len(blocks) > MAX_BLOCKS:
        raise NotReadable(f"has over {MAX_BLOCKS:,} paragraphs, headings and rows: not a report page")
    doc.blocks = blocks
    return doc


def _url(root: lxml.html.HtmlElement, data: bytes) -> str | None:
    for href in root.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"):
        if str(href).startswith(("https://", "http://")):
            return str(href).strip()
    if m := _SAVED_FROM.search(data[:4096]):  # what a browser's "Save page as" notes at the top
        return m.group(1).decode("ascii", "replace")
    return None


def _title(root: lxml.html.HtmlElement) -> str | None:
    for h1 in root.iter("h1"):
        text = " ".join(h1.text_content().split())
        if text:
            return text
    for content in root.xpath("//meta[@property='og:title']/@content"):
        if str(content).strip():
            return " ".join(str(content).split())
    for title in root.iter("title"):
        text = re.split(r"\s+[-–|]\s+(?:HMICFRS|His Majesty)", " ".join(title.text_content().split()))[0]
        if text:
            return text
    return None


def _published(root: lxml.html.HtmlElement) -> tuple[dt.date | None, str]:
    for meta in root.iter("meta"):
        name = (meta.get("property") or meta.get("name") or "").lower()
        content = (meta.get("content") or "").strip()
        if name in _META_DATES and (m := re.match(r"(\d{4})-(\d{2})-(\d{2})", content)):
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), f"the page's {name} metadata"
            except ValueError:
                continue
    for time in root.iter("time"):
        if m := re.match(r"(\d{4})-(\d{2})-(\d{2})", time.get("datetime") or ""):
            try:
                when = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            return when, f"the page's date '{' '.join(time.text_content().split())}'"
    text = " ".join(root.text_content().split())
    if m := _PUBLISHED.search(text):
        month = dt.datetime.strptime(m.group(2), "%B").month
        try:
            return dt.date(int(m.group(3)), month, int(m.group(1))), f"the page's words '{m.group(0)}'"
        except ValueError:
            pass
    return None, ""


def _main(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for query in ("//main", "//*[@role='main']", "//article", "//*[@id='main-content']", "//*[@id='content']"):
        found = root.xpath(query)
        if found:
            return found[0]
    body = root.find("body")
    return body if body is not None else root


def _drop_furniture(main: lxml.html.HtmlElement) -> None:
    doomed = []
    for el in main.iter():
        if not isinstance(el.tag, str):
            doomed.append(el)  # comments, processing instructions, entities
            continue
        tag = el.tag.lower()
        classes = f"{el.get('class') or ''} {el.get('id') or ''}"
        if (
            tag in _DROPPED
            or (el.get("role") or "").lower() in _NOISE_ROLES
            or _NOISE_CLASS.search(classes)
            or el.get("hidden") is not None
            or (el.get("aria-hidden") or "").lower() == "true"
            or (tag in ("ul", "ol") and _contents_list(el))
        ):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


def _contents_list(el: lxml.html.HtmlElement) -> bool:
    """A list of links to the page's own sections: the contents, not the report's words."""
    items = [li for li in el if isinstance(li.tag, str) and li.tag.lower() == "li"]
    if not items:
        return False
    for li in items:
        links = li.findall(".//a")
        words = " ".join(li.text_content().split())
        linked = " ".join(" ".join(a.text_content().split()) for a in links)
        if not links or not all((a.get("href") or "").startswith("#") for a in links) or words != linked:
            return False
    return True


def _walk(el: lxml.html.HtmlElement, out: list[Block], depth: int = 0) -> None:
    """Append the blocks in `el`: its headings, paragraphs, lists and tables, in order."""
    run: list[lxml.html.HtmlElement | str] = []  # inline content between block children

    def flush() -> None:
        text = _inline_of(run)
        run.clear()
        if text and not _NOISE_TEXT.match(text):
            out.append(Block("para", text))

    if el.text:
        run.append(_escaped(el.text))
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag not in _BLOCK_TAGS:
            run.append(child)
            if child.tail:
                run.append(_escaped(child.tail))
            continue
        flush()
        if re.fullmatch(r"h[1-6]", tag):
            text = _inline_of([child])
            if text and not _NOISE_TEXT.match(text):
                out.append(Block("heading", _unbold(text), level=int(tag[1])))
        elif tag in ("p", "dt", "dd", "summary", "figcaption", "address", "pre"):
            if any(isinstance(c.tag, str) and c.tag.lower() in _BLOCK_TAGS for c in child):
                _walk(child, out, depth)
            else:
                text = _inline_of([child])
                if text and not _NOISE_TEXT.match(text):
                    out.append(Block("para", text))
        elif tag in ("ul", "ol"):
            _list(child, out, depth + 1, ordered=tag == "ol")
        elif tag == "table":
            for tr in child.iter("tr"):
                cells = tuple(
                    _inline_of([cell]) for cell in tr if isinstance(cell.tag, str) and cell.tag in ("td", "th")
                )
                if any(cells):
                    out.append(Block("row", " | ".join(cells), cells=cells))
        elif tag == "hr":
            pass
        else:
            _walk(child, out, depth)
        if child.tail:
            run.append(_escaped(child.tail))
    flush()


def _list(el: lxml.html.HtmlElement, out: list[Block], depth: int, *, ordered: bool) -> None:
    for li in el:
        if not isinstance(li.tag, str) or li.tag.lower() != "li":
            continue
        own: list[lxml.html.HtmlElement | str] = [_escaped(li.text or "")]
        nested = []
        for child in li:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in ("ul", "ol"):
                nested.append(child)
            else:
                own.append(child)
            if child.tail:
                own.append(_escaped(child.tail))
        text = _inline_of(own)
        if text:
            out.append(Block("item", text, level=depth, ordered=ordered))
        for sub in nested:
            _list(sub, out, depth + 1, ordered=sub.tag.lower() == "ol")


_BREAK = "\x00"  # a <br>: kept as a line break when the run's spaces are collapsed


def _inline_of(parts: list[lxml.html.HtmlElement | str]) -> str:
    """Inline Markdown of a run of text and inline elements: emphasis kept, spaces collapsed."""
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
        else:
            pieces.append(_inline(part))
    text = re.sub(r"[ \t\r\n\f\v\u00a0]+", " ", "".join(pieces))
    lines = [line.strip() for line in text.split(_BREAK)]
    return "\n".join(line for line in lines if line).strip()


def _inline(el: lxml.html.HtmlElement) -> str:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or tag in _DROPPED:
        return ""
    if tag == "br":
        return _BREAK
    if tag == "sup" and re.fullmatch(r"\s*\[?\d{1,3}\]?\s*", el.text_content()):
        return ""  # a footnote mark
    inner = _escaped(el.text or "") + "".join(_inline(child) + _escaped(child.tail or "") for child in el)
    if tag in ("strong", "b", "em", "i"):
        mark = "**" if tag in ("strong", "b") else "*"
        core = inner.strip()
        if not core or _BREAK in core:
            return inner
        lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
        return f"{lead}{mark}{core}{mark}{trail}"
    return inner


def _escaped(text: str) -> str:
    """The page's own characters that Markdown would read as emphasis or code, kept as characters."""
    return re.sub(r"([*_`\\])", r"\\\1", text)


def _unbold(text: str) -> str:
    return re.sub(r"\*\*?([^*]+)\*\*?", r"\1", text)
