"""Typographic quotes in the officer's text, as the letter's own words have them.

Straight quotes and apostrophes typed in spec text become ‘ ’ “ ” when the text is
rendered, in the one place every format's text passes through (`text.py`'s Markdown).
An officer keeps a straight one by escaping it: `\\'` or `\\"`. Code spans and link
targets are left as typed.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from jtai_letters import patches

QUOTES = "“”‘’"  # double open, double close, single open, single close (also the apostrophe)


def smart_quotes(md: MarkdownIt) -> MarkdownIt:
    """`md` with markdown-it's smart-quotes rule on (and none of its other replacements).

    >>> from markdown_it import MarkdownIt
    >>> md = smart_quotes(MarkdownIt("commonmark"))
    >>> md.renderInline("the force's \\"plan\\", and a straight \\\\'")
    "the force’s “plan”, and a straight '"
    """
    md.options["typographer"] = True  # gates both "replacements" and "smartquotes"; only the latter is on
    md.options["quotes"] = QUOTES
    return md.enable("smartquotes")


def curl(text: str) -> str:
    """Plain text (a name, a title) with the quotes Markdown text gets: the same rule, not a copy of it.

    >>> curl("The Commissioner's response to 'Time to act'")
    'The Commissioner’s response to ‘Time to act’'
    """
    if "'" not in text and '"' not in text:
        return text
    word = Token("text", "", 0, content=text)
    state = StateCore(text, _PLAIN, {})
    state.tokens = [Token("inline", "", 0, content=text, children=[word])]
    patches.smartquotes()(state)
    return word.content


_PLAIN = smart_quotes(MarkdownIt("commonmark"))
