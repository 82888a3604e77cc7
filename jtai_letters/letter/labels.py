"""The fixed words both formats print, apart from the style, translated through the catalogues.

Layouts get them as `labels` (in the letter's language) and both writers get the page label.
`{page}` and `{pages}` stand for the page number and the page count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType

from jtai_letters.spec.vocabulary import N_

LABELS = MappingProxyType(
    {
        "action": N_("Action"),
        "owner": N_("Owner"),
        "due": N_("Due"),
        "status": N_("Status"),
        "page_of": N_("Page {page} of {pages}"),
    }
)
"""In British English: the msgids of the templates' catalogues (`templates/locale/`), which give
each language's words."""

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def pieces(label: str) -> Iterator[tuple[str, str]]:
    """A label as ("text", words) and ("field", name) pieces, for each format to print its way.

    >>> list(pieces("Page {page} of {pages}"))
    [('text', 'Page '), ('field', 'page'), ('text', ' of '), ('field', 'pages')]
    """
    for i, piece in enumerate(_PLACEHOLDER.split(label)):
        if i % 2:
            yield "field", piece
        elif piece:
            yield "text", piece
