"""Inline Markdown in spec text -> safe HTML.

Spec text is data: raw HTML is escaped, images are not parsed (an image would
make the renderer fetch a URL), and a link whose target is not an absolute
http(s) or mailto URL is rendered as its words alone.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from jtai_letters.letter.typography import smart_quotes

# Images would make the renderer fetch a URL; entities would turn the `&lt;` an
# officer typed into `<`. Both are off: what is typed is what is printed.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(["image", "entity"])
_MD = smart_quotes(_MD)  # ' and " typed become ‘ ’ “ ” (typography.py)
# Parse every link, whatever its scheme: markdown-it would otherwise leave a
# `javascript:` link as literal brackets. Unsafe targets are dropped below, and
# validate warns about them, so the reader sees the words alone.
_MD.validateLink = lambda url: True  # type: ignore[method-assign]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class Link:
    """A link written in spec text: where it points and the words that carry it."""

    href: str
    words: str

    @property
    def safe(self) -> bool:
        """Whether the target is absolute http(s) or mailto, so the letter may carry it."""
        parts = urlsplit(self.href)
        if parts.scheme.lower() not in SAFE_SCHEMES:
            return False
        return parts.scheme.lower() == "mailto" or bool(parts.netloc)


def _inline_tokens(text: str) -> list[Token]:
    tokens = _MD.parseInline(text)
    return tokens[0].children or [] if tokens else []


def links(text: str) -> list[Link]:
    """Every link in `text`, safe or not, in order."""
    found: list[Link] = []
    open_href: str | None = None
    words: list[str] = []
    for tok in _inline_tokens(text):
        if tok.type == "link_open":
            open_href, words = str(tok.attrGet("href") or ""), []
        elif tok.type == "link_close" and open_href is not None:
            found.append(Link(open_href, "".join(words).strip()))
            open_href = None
        elif open_href is not None and tok.type in ("text", "code_inline"):
            words.append(tok.content)
        elif open_href is not None and tok.type in ("softbreak", "hardbreak"):
            words.append(" ")
    return found


def _drop_unsafe_links(children: list[Token]) -> list[Token]:
    kept: list[Token] = []
    dropping: list[bool] = []
    for tok in children:
        if tok.type == "link_open":
            unsafe = not Link(str(tok.attrGet("href") or ""), "").safe
            dropping.append(unsafe)
            if unsafe:
                continue
        elif tok.type == "link_close" and dropping and dropping.pop():
            continue
        kept.append(tok)
    return kept


@lru_cache(maxsize=4096)
def to_html(text: str) -> str:
    """Render one paragraph of inline Markdown to escaped HTML (no block elements)."""
    tokens = _MD.parseInline(text)
    if not tokens:
        return ""
    tokens[0].children = _drop_unsafe_links(tokens[0].children or [])
    env: dict[str, Any] = {}
    return str(_MD.renderer.render(tokens, _MD.options, env))


class Inline(str):
    """A spec string holding inline Markdown; Jinja's autoescape calls `__html__`."""

    __slots__ = ()

    def __html__(self) -> str:
        return to_html(str(self))


# Block Markdown: paragraphs and lists. Raw HTML and tables are recognised here only to be
# refused with a hint (`block_problem`); the inline text of every block goes through `to_html`.
_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable("table")

LIST_DEPTH = 2  # a list, and one list nested inside its items

# Refused block forms -> what to write instead.
_REFUSED = {
    "heading_open": "a Markdown heading ('# ...') is not letter text: use a `heading:` or `subheading:` block in "
    "response.body",
    "blockquote_open": "a quotation ('> ...') is not letter text: use a `quote:` block in response.body, or "
    "`quoted: true` on a key finding",
    "code_block": "a line indented by four spaces makes a code block, which a letter cannot hold: remove the indent",
    "fence": "a code block (```) is not letter text: write it as a paragraph",
    "html_block": "raw HTML is not letter text: write Markdown (a blank line between paragraphs, '- ' for bullets, "
    "'1. ' for numbered lists)",
    "table_open": "a table is not letter text: give actions (text, owner, due, status), which print as a table",
    "hr": "a line of ---, *** or ___ is not letter text: start a new section with a `heading:` block in response.body",
}
_REFERENCE = (
    "a link reference definition ('[label]: https://...') prints nothing in a letter, and '[words][label]' "
    "prints its brackets: write each link in place, as [words](https://...)"
)
_EMPTY_ITEM = "a list item with no words ('-' alone on a line): write its words after '- ', or remove it"
_ONE_PARAGRAPH = (
    "this field holds one paragraph: paragraphs and lists belong in fields of block text "
    "(for example an answer's `response`, or a `text:` block in response.body)"
)


class TextRefused(ValueError):
    """Why a text cannot be letter text, and `line`, the line of the text it is about (None: the
    text as a whole), so that the problem is placed at that line of the file."""

    def __init__(self, message: str, line: str | None = None) -> None:
        super().__init__(message)
        self.line = line


def block_problem(text: str, *, inline: bool = False) -> TextRefused | None:
    """Why `text` cannot be letter text, or None. Block text may hold paragraphs and lists nested
    one level; `inline` text only one paragraph.

    >>> block_problem("Lead-in:\\n\\n- one\\n- two")
    >>> refused = block_problem("We will act.\\n\\n# Next steps")
    >>> str(refused)[:20], refused.line
    ('a Markdown heading (', '# Next steps')
    """
    plain = paragraphs_only(text)
    if plain is not None and (not inline or plain <= 1):
        return None
    found = _parsed_problem(text, inline=inline)
    if found is None:
        return None
    message, at = found
    return TextRefused(message, _line(text, at))


def _line(text: str, at: int | None) -> str | None:
    # Line `at` as the parser counts lines (it reads '\r\n' and '\r' as line ends too).
    lines = re.split(r"\r\n?|\n", text)
    return lines[at] if at is not None and 0 <= at < len(lines) else None


def paragraphs_only(text: str) -> int | None:
    """How many paragraphs `text` holds when each of its lines starts with a letter or is blank, else None.

    A line starting with a letter can only start or continue a paragraph: every other block of
    Markdown (lists, headings, quotations, code, HTML, tables, rules, link definitions, a heading's
    underline) starts with a space, a digit or a mark. Most letter text is this, and needs no parser
    (`tests/test_officer_text.py` holds this to the parser's answers)."""
    if "\r" in text or "\0" in text:
        return None  # line ends and characters the parser first rewrites
    paragraphs, blank = 0, True
    for line in text.split("\n"):
        if not line.strip(" \t"):
            blank = True
        elif line[0].isalpha():
            if blank:
                paragraphs += 1
            blank = False
        else:
            return None
    return paragraphs


def _parsed_problem(text: str, *, inline: bool) -> tuple[str, int | None] | None:
    # `block_problem`, from the parser's tokens: the message, and the 0-based line it is about.
    depth = 0
    paragraphs: list[int] = [0]  # paragraphs in the document, then in each open list item
    nested: list[bool] = []  # whether each open list item holds a list
    opened: list[int | None] = []  # the line each open list item starts on
    env: dict[str, Any] = {}
    tokens = _BLOCKS.parse(text, env)
    if env.get("references"):  # the definition vanishes from the letter, and `[words][label]` keeps brackets
        return _REFERENCE, None
    for tok in tokens:
        line = tok.map[0] if tok.map else None
        if tok.type in _REFUSED:
            return _REFUSED[tok.type], line
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            if inline:
                return _ONE_PARAGRAPH, line
            depth += 1
            if nested:
                nested[-1] = True  # the item holds a list: not empty
            if depth > LIST_DEPTH:
                return "lists nest one level only: move the deeper items up a level, or into their own list", line
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open":
            paragraphs.append(0)
            nested.append(False)
            opened.append(line)
        elif tok.type == "list_item_close":
            words, holds_list, started = paragraphs.pop(), nested.pop(), opened.pop()
            if not words and not holds_list:  # `-` alone on a line: a bullet that prints nothing
                return _EMPTY_ITEM, started
        elif tok.type == "paragraph_open":
            paragraphs[-1] += 1
            if paragraphs[-1] > 1 and (inline or len(paragraphs) > 1):
                if inline:
                    return _ONE_PARAGRAPH, line
                return "a list item holds one paragraph: remove the blank line inside it, or end the list first", line
    return None


# Bullets as Word puts them on the clipboard, by list level: the Symbol bullet, Courier's 'o' and
# Wingdings' square (a section sign as plain text, or the symbol fonts' private code points), and
# the en dash and small squares other styles use. 'o' and '§' count only before a tab, as Word
# writes them: a Welsh line may start with the word 'o', a reference with '§ 55'.
_PASTED_BULLET = re.compile(
    "^([ \t]*)(?:([•·\uf0b7–\uf0d8➢✓\uf0fc])|([◦○\uf06f])|([▪▫■\uf0a7]))[ \t]+(?=\\S)|^([ \t]*)(?:(o)|(§))\t+(?=\\S)",
    re.MULTILINE,
)


def _bullet_level(match: re.Match[str]) -> int:
    if match.group(2):
        return 1
    if match.group(3) or match.group(6):
        return 2
    return 3


# Word's second-level 'o' retyped with spaces instead of its tab: a bullet only straight after a
# bullet line (a Welsh sentence may start with the word 'o', but not in lower case after a bullet).
_SPACED_O = re.compile("^[ \t]*o[ \t]+(?=[^\\sA-Z])")


def pasted(text: str) -> str:
    r"""Text pasted from a Word list, as Markdown: each line starting with a bullet Word puts on the
    clipboard ('•\t', 'o\t', '§\t', '▪', '–') becomes a `- ` item, nested by the bullet's level (the
    shallowest used counts as the first), and the line after the list a paragraph of its own (an
    indented line goes on with its bullet).

    >>> pasted("We will:\n•\tTrain staff\no\tin the control room\nThen review.")
    'We will:\n- Train staff\n  - in the control room\n\nThen review.'
    >>> pasted("We will:\n• Train staff\n  o in the control room")
    'We will:\n- Train staff\n  - in the control room'
    """
    if not _PASTED_BULLET.search(text):
        return text
    lines = text.split("\n")
    bullets: list[tuple[int, int] | None] = []  # each line's (level, where its words start), or None
    for line in lines:
        if match := _PASTED_BULLET.match(line):
            bullets.append((_bullet_level(match), match.end()))
        elif bullets and bullets[-1] and (spaced := _SPACED_O.match(line)):
            bullets.append((2, spaced.end()))
        else:
            bullets.append(None)
    levels = sorted({bullet[0] for bullet in bullets if bullet})
    out: list[str] = []
    in_list = False
    for line, bullet in zip(lines, bullets, strict=True):
        if bullet:
            out.append("  " * levels.index(bullet[0]) + "- " + line[bullet[1] :])
            in_list = True
            continue
        if in_list and line.strip() and not line[0].isspace():
            out.append("")  # Word ends a list with a line break; Markdown would join the line to the bullet
        out.append(line)
        in_list = in_list and bool(line.strip()) and line[0].isspace()
    return "\n".join(out)


# A Word bullet inside a line: YAML folded the lines of text without `|` into one, so the list ran together.
_RUN_TOGETHER = re.compile("[^\\n]\\s[•◦▪\uf0b7\uf0a7]\\s")


def run_together(text: str) -> tuple[int, str] | None:
    """Where in `text` the first bullet pasted from Word runs on (YAML joined its line to the one
    before, as text without `|` does), and why it prints as one line; or None.

    >>> run_together("We will • train staff • review")[0]
    8
    """
    if (found := _RUN_TOGETHER.search(text)) is None:
        return None
    return found.start() + 2, (
        "bullets pasted from Word run together on one line: text without `|` joins its lines into one; "
        "write `|` after the key and the text on the lines below it, each bullet on its own line"
    )


_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?=\S)")
_DASH_WORD = re.compile(r"^[ \t]*-(?=[^\s\d-])\S*")


def layout_problems(text: str) -> list[tuple[int, str]]:
    r"""What in Markdown text would not print as the officer laid it out: a line straight after a
    bullet that joins it, a `-word` line that prints its dash; each with the line's index in `text`.

    >>> [(n, said[:44]) for n, said in layout_problems("- Train staff\nThe review follows.")]
    [(1, "the line 'The review follows.' joins the bul")]
    """
    found: list[tuple[int, str]] = []
    previous = "blank"  # what the line before was: a blank line, a list item, or paragraph text
    for n, line in enumerate(text.split("\n")):
        if not line.strip():
            previous = "blank"
        elif dash := _DASH_WORD.match(line):
            found.append(
                (
                    n,
                    f"the line '{_short(line.strip())}' prints its dash: for a bullet, write a space after it "
                    f"('- {dash.group(0).strip()[1:]}'), with a blank line before the list",
                )
            )
            previous = "text"
        elif _LIST_ITEM.match(line):
            previous = "item"
        elif previous == "item" and not line[0].isspace():
            found.append(
                (
                    n,
                    f"the line '{_short(line.strip())}' joins the bullet above it: leave a blank line before it to "
                    "start a new paragraph, or indent it to continue the bullet",
                )
            )
            previous = "text"
        elif previous != "item":  # an indented line goes on with its bullet
            previous = "text"
    return found + joined_paragraphs(text)


# Paragraphs pasted from Word arrive one a line, with no blank line between: Markdown joins them
# into one. A paragraph whose every line ends a sentence and whose next line starts one is read as
# that, when a line is longer than anyone wraps by hand (100 characters) or there are three lines
# or more; text wrapped by hand breaks inside sentences, and is left alone.
_SENTENCE_END = re.compile("[.!?:][\"'’”)\\]]*$")
_SENTENCE_START = re.compile("^[\"'‘“(\\[]*[A-Z0-9]")
HAND_WRAPPED = 100  # no one wraps text by hand wider than this


def joined_paragraphs(text: str) -> list[tuple[int, str]]:
    r"""Lines of paragraph text that print as one paragraph though each looks like a paragraph of its
    own (pasted from Word, one a line): each with its line's index in `text`, and why.

    >>> joined_paragraphs("Accepted, and the force shares the report's view of what must change now.\nWe will act.")
    []
    >>> joined_paragraphs("We welcome it.\nWe accept it.\nWe will act.")[0][0]
    1
    >>> joined_paragraphs("The force will train every call handler in the\nnew tool. The board will oversee it.")
    []
    """
    found: list[tuple[int, str]] = []
    lines = text.split("\n")
    paragraph: list[int] = []  # the lines of the paragraph being read
    after_item = False
    for n, line in enumerate([*lines, ""]):
        if line.strip() and not line[0].isspace() and not _LIST_ITEM.match(line) and not after_item:
            paragraph.append(n)
            continue
        breaks = list(itertools.pairwise(paragraph))
        pasted_one_a_line = all(
            _SENTENCE_END.search(lines[a].rstrip()) and _SENTENCE_START.match(lines[b]) for a, b in breaks
        )
        if (
            breaks
            and pasted_one_a_line
            and (len(paragraph) >= 3 or any(len(lines[a]) > HAND_WRAPPED for a, _ in breaks))
        ):
            found += [
                (
                    b,
                    f"the lines '{_short(lines[a].strip(), end=True)}' and '{_short(lines[b].strip())}' "
                    "print as one paragraph: a line break inside text does not start a new paragraph; "
                    "leave a blank line between paragraphs",
                )
                for a, b in breaks
            ]
        paragraph = []
        after_item = bool(line.strip()) and (bool(_LIST_ITEM.match(line)) or (after_item and line[0].isspace()))
    return found


def _short(text: str, *, end: bool = False) -> str:
    if end:
        return text if len(text) <= 40 else "..." + text[-37:].split(" ", 1)[-1]
    return text if len(text) <= 40 else text[:37].rstrip() + "..."


@lru_cache(maxsize=4096)
def blocks_to_html(text: str) -> str:
    """Render block Markdown (checked by `block_problem`) to `<p>`, `<ul>`, `<ol>` and `<li>`.

    A list item's text sits directly in its `<li>`, a nested list after it.

    >>> blocks_to_html("Lead-in:\\n\\n1. *one*\\n   - a")
    '<p>Lead-in:</p>\\n<ol>\\n<li><em>one</em><ul>\\n<li>a</li>\\n</ul>\\n</li>\\n</ol>'
    """
    out: list[str] = []
    depth = 0
    for tok in _BLOCKS.parse(text):
        if tok.type == "paragraph_open" and not depth:
            out.append("<p>")
        elif tok.type == "paragraph_close" and not depth:
            out.append("</p>\n")
        elif tok.type == "inline":
            out.append(to_html(tok.content))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            start = tok.attrGet("start")
            tag = "ul" if tok.type == "bullet_list_open" else "ol"
            out.append(f'<{tag} start="{int(start)}">\n' if start not in (None, 1) else f"<{tag}>\n")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            out.append(f"</{'ul' if tok.type == 'bullet_list_close' else 'ol'}>\n")
        elif tok.type == "list_item_open":
            out.append("<li>")
        elif tok.type == "list_item_close":
            out.append("</li>\n")
    return "".join(out).strip()


class Block(Inline):
    """A spec string holding block Markdown: paragraphs and lists, each with inline Markdown."""

    __slots__ = ()

    def __html__(self) -> str:
        return blocks_to_html(str(self))
