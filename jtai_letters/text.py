"""Inline Markdown in spec text -> safe HTML.

Spec text is data: raw HTML is escaped, images are not parsed (an image would
make the renderer fetch a URL), and a link whose target is not an absolute
http(s) or mailto URL is rendered as its words alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .typography import smart_quotes

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
