"""A layout's stylesheets read as WeasyPrint will read them, without importing WeasyPrint.

`validate` must predict what `render` says, and must stay quick: tinycss2 (the parser
WeasyPrint itself uses) finds the syntax errors and the unknown properties that WeasyPrint
would ignore with a warning (`colr: red`), each located in its file. Values are left to the
render, which reports what WeasyPrint rejects (`font-size: 12potatoes`) as the same kind of
warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import tinycss2

from jtai_letters.errors import Problem
from jtai_letters.letter.assets import MAX_ASSET_BYTES, read_regular

# Every property WeasyPrint 70 knows (its validators, its shorthands, and those it ignores for
# print without a warning); a test compares this list with WeasyPrint's own.
KNOWN = frozenset(
    {
        "align-content",
        "align-items",
        "align-self",
        "anchor",
        "animation",
        "animation-composition",
        "animation-delay",
        "animation-direction",
        "animation-duration",
        "animation-fill-mode",
        "animation-iteration-count",
        "animation-name",
        "animation-play-state",
        "animation-range",
        "animation-range-end",
        "animation-range-start",
        "animation-timeline",
        "animation-timing-function",
        "appearance",
        "azimuth",
        "background",
        "background-attachment",
        "background-clip",
        "background-color",
        "background-image",
        "background-origin",
        "background-position",
        "background-repeat",
        "background-size",
        "bleed",
        "bleed-bottom",
        "bleed-left",
        "bleed-right",
        "bleed-top",
        "block-ellipsis",
        "block-size",
        "bookmark-label",
        "bookmark-level",
        "bookmark-state",
        "border",
        "border-block",
        "border-block-color",
        "border-block-end",
        "border-block-end-color",
        "border-block-end-style",
        "border-block-end-width",
        "border-block-start",
        "border-block-start-color",
        "border-block-start-style",
        "border-block-start-width",
        "border-block-style",
        "border-block-width",
        "border-bottom",
        "border-bottom-color",
        "border-bottom-left-radius",
        "border-bottom-right-radius",
        "border-bottom-style",
        "border-bottom-width",
        "border-collapse",
        "border-color",
        "border-end-end-radius",
        "border-end-start-radius",
        "border-image",
        "border-image-outset",
        "border-image-repeat",
        "border-image-slice",
        "border-image-source",
        "border-image-width",
        "border-inline",
        "border-inline-color",
        "border-inline-end",
        "border-inline-end-color",
        "border-inline-end-style",
        "border-inline-end-width",
        "border-inline-start",
        "border-inline-start-color",
        "border-inline-start-style",
        "border-inline-start-width",
        "border-inline-style",
        "border-inline-width",
        "border-left",
        "border-left-color",
        "border-left-style",
        "border-left-width",
        "border-radius",
        "border-right",
        "border-right-color",
        "border-right-style",
        "border-right-width",
        "border-spacing",
        "border-start-end-radius",
        "border-start-start-radius",
        "border-style",
        "border-top",
        "border-top-color",
        "border-top-left-radius",
        "border-top-right-radius",
        "border-top-style",
        "border-top-width",
        "border-width",
        "bottom",
        "box-decoration-break",
        "box-shadow",
        "box-sizing",
        "break-after",
        "break-before",
        "break-inside",
        "caption-side",
        "caret",
        "caret-color",
        "caret-shape",
        "clear",
        "clip",
        "color",
        "color-scheme",
        "column-count",
        "column-fill",
        "column-gap",
        "column-rule",
        "column-rule-color",
        "column-rule-style",
        "column-rule-width",
        "column-span",
        "column-width",
        "columns",
        "content",
        "continue",
        "counter-increment",
        "counter-reset",
        "counter-set",
        "cue",
        "cue-after",
        "cue-before",
        "cursor",
        "direction",
        "display",
        "elevation",
        "empty-cells",
        "field-sizing",
        "flex",
        "flex-basis",
        "flex-direction",
        "flex-flow",
        "flex-grow",
        "flex-shrink",
        "flex-wrap",
        "float",
        "font",
        "font-family",
        "font-feature-settings",
        "font-kerning",
        "font-language-override",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-variant-alternates",
        "font-variant-caps",
        "font-variant-east-asian",
        "font-variant-ligatures",
        "font-variant-numeric",
        "font-variant-position",
        "font-variation-settings",
        "font-weight",
        "footnote-display",
        "footnote-policy",
        "gap",
        "grid",
        "grid-area",
        "grid-auto-columns",
        "grid-auto-flow",
        "grid-auto-rows",
        "grid-column",
        "grid-column-end",
        "grid-column-gap",
        "grid-column-start",
        "grid-gap",
        "grid-row",
        "grid-row-end",
        "grid-row-gap",
        "grid-row-start",
        "grid-template",
        "grid-template-areas",
        "grid-template-columns",
        "grid-template-rows",
        "height",
        "hyphenate-character",
        "hyphenate-limit-chars",
        "hyphenate-limit-zone",
        "hyphens",
        "image-orientation",
        "image-rendering",
        "image-resolution",
        "inline-size",
        "inset",
        "inset-block",
        "inset-block-end",
        "inset-block-start",
        "inset-inline",
        "inset-inline-end",
        "inset-inline-start",
        "justify-content",
        "justify-items",
        "justify-self",
        "lang",
        "left",
        "letter-spacing",
        "line-clamp",
        "line-height",
        "list-style",
        "list-style-image",
        "list-style-position",
        "list-style-type",
        "margin",
        "margin-block",
        "margin-block-end",
        "margin-block-start",
        "margin-bottom",
        "margin-break",
        "margin-inline",
        "margin-inline-end",
        "margin-inline-start",
        "margin-left",
        "margin-right",
        "margin-top",
        "marks",
        "mask-border",
        "mask-border-mode",
        "mask-border-outset",
        "mask-border-repeat",
        "mask-border-slice",
        "mask-border-source",
        "mask-border-width",
        "max-block-size",
        "max-height",
        "max-inline-size",
        "max-lines",
        "max-width",
        "min-block-size",
        "min-height",
        "min-inline-size",
        "min-width",
        "object-fit",
        "object-position",
        "opacity",
        "order",
        "orphans",
        "outline",
        "outline-color",
        "outline-offset",
        "outline-style",
        "outline-width",
        "overflow",
        "overflow-wrap",
        "overscroll-behavior",
        "overscroll-behavior-block",
        "overscroll-behavior-inline",
        "overscroll-behavior-x",
        "overscroll-behavior-y",
        "padding",
        "padding-block",
        "padding-block-end",
        "padding-block-start",
        "padding-bottom",
        "padding-inline",
        "padding-inline-end",
        "padding-inline-start",
        "padding-left",
        "padding-right",
        "padding-top",
        "page",
        "page-break-after",
        "page-break-before",
        "page-break-inside",
        "pause",
        "pause-after",
        "pause-before",
        "pitch",
        "pitch-range",
        "place-content",
        "place-items",
        "place-self",
        "play-during",
        "pointer-events",
        "position",
        "quotes",
        "resize",
        "richness",
        "right",
        "row-gap",
        "scroll-behavior",
        "scroll-margin",
        "scroll-margin-block",
        "scroll-margin-block-end",
        "scroll-margin-block-start",
        "scroll-margin-bottom",
        "scroll-margin-inline",
        "scroll-margin-inline-end",
        "scroll-margin-inline-start",
        "scroll-margin-left",
        "scroll-margin-right",
        "scroll-margin-top",
        "scroll-padding",
        "scroll-padding-block",
        "scroll-padding-block-end",
        "scroll-padding-block-start",
        "scroll-padding-bottom",
        "scroll-padding-inline",
        "scroll-padding-inline-end",
        "scroll-padding-inline-start",
        "scroll-padding-left",
        "scroll-padding-right",
        "scroll-padding-top",
        "scroll-snap-align",
        "scroll-snap-stop",
        "scroll-snap-type",
        "scroll-timeline",
        "scroll-timeline-axis",
        "scroll-timeline-name",
        "scrollbar-color",
        "scrollbar-gutter",
        "scrollbar-width",
        "size",
        "speak",
        "speak-header",
        "speak-numeral",
        "speak-punctuation",
        "speech-rate",
        "stress",
        "string-set",
        "tab-size",
        "table-layout",
        "text-align",
        "text-align-all",
        "text-align-last",
        "text-decoration",
        "text-decoration-color",
        "text-decoration-line",
        "text-decoration-style",
        "text-decoration-thickness",
        "text-indent",
        "text-overflow",
        "text-transform",
        "text-underline-offset",
        "timeline-scope",
        "top",
        "touch-action",
        "transform",
        "transform-origin",
        "transition",
        "transition-delay",
        "transition-duration",
        "transition-property",
        "transition-timing-function",
        "vertical-align",
        "view-timeline",
        "view-timeline-axis",
        "view-timeline-inset",
        "view-timeline-name",
        "view-transition-name",
        "visibility",
        "voice-family",
        "volume",
        "white-space",
        "widows",
        "width",
        "will-change",
        "word-break",
        "word-spacing",
        "word-wrap",
        "z-index",
    }
)
_PREFIX = "-weasy-"
MAX_CSS_NESTING = 32
"""Brackets ({, ( and [) open inside one another in a stylesheet; letter.css nests 3. Both tinycss2
and WeasyPrint recurse once per level (a thousand levels was a RecursionError)."""
# Comments and strings hold brackets that open nothing; a bracket is what is left.
_NOT_BRACKETS = re.compile(r"/\*.*?(?:\*/|\Z)|\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\\\n]|\\.)*'?", re.S)
_BRACKET = re.compile(r"[{}()\[\]]")


def too_deep(text: str) -> tuple[int, int] | None:
    """(line, column), 1-based, of the bracket that opens past `MAX_CSS_NESTING` levels; None if none does.

    >>> too_deep("a { b: calc(1px + (2px)) }"), too_deep("a" + "{" * 40)
    (None, (1, 34))
    """
    depth = 0
    start = 0
    for skipped in [*_NOT_BRACKETS.finditer(text), None]:
        end = skipped.start() if skipped else len(text)
        for bracket in _BRACKET.finditer(text, start, end):
            if bracket.group() in "{([":
                depth += 1
                if depth > MAX_CSS_NESTING:
                    at = bracket.start()
                    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
            else:
                depth = max(0, depth - 1)
        start = skipped.end() if skipped else end
    return None


_INLINE = re.compile(r"<style\b[^>]*>(.*?)</style>|\bstyle\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.S | re.I)


def inline_too_deep(html: str) -> bool:
    """Whether the CSS a page carries in `<style>` elements or `style` attributes nests past the limit."""
    return any(too_deep("".join(filter(None, m.groups()))) for m in _INLINE.finditer(html))


def nesting_message() -> str:
    """What a stylesheet nested too deep is told."""
    return (
        f"CSS nested more than {MAX_CSS_NESTING} levels deep (rules, calc() or brackets inside one another); "
        "a stylesheet needs a few"
    )


def problems(paths: Iterable[Path]) -> list[Problem]:
    """Warnings (rule `template`) for each stylesheet's syntax errors and unknown properties."""
    found: list[Problem] = []
    for path in paths:
        try:
            found += _checked(path, path.stat().st_mtime_ns)
        except OSError:
            continue  # the render reports a sheet it cannot read
    return found


@lru_cache(maxsize=32)
def _checked(path: Path, mtime_ns: int) -> tuple[Problem, ...]:
    try:
        text = read_regular(path, MAX_ASSET_BYTES, "a stylesheet").decode("utf-8")
    except (OSError, ValueError, UnicodeDecodeError):
        return ()
    deep = too_deep(text)
    if deep:
        return (Problem(nesting_message(), path, deep[0], deep[1], rule="template"),)
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return tuple(_walk(rules, path))


def _walk(nodes: Iterable[Any], path: Path) -> Iterator[Problem]:
    for node in nodes:
        if node.type == "error":
            yield _problem(f"CSS that WeasyPrint will skip: {node.message}", path, node)
        elif node.type == "declaration":
            name = node.name if node.name.startswith("--") else node.lower_name
            if not name.startswith("--") and name.removeprefix(_PREFIX) not in KNOWN:
                value = tinycss2.serialize(node.value).strip()
                yield _problem(f"Ignored `{node.name}: {value}`, unknown property", path, node)
        elif node.type in ("qualified-rule", "at-rule") and node.content is not None:
            yield from _walk(
                tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True), path
            )


def _problem(message: str, path: Path, node: Any) -> Problem:
    return Problem(message, path, node.source_line, node.source_column, rule="css")
