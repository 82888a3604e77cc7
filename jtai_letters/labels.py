"""The fixed words both formats print, apart from the style and ready to be translated.

Layouts get them as `labels` and the DOCX writer reads them for its page furniture.
`{page}` and `{pages}` stand for the page number and the page count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType

LABELS = MappingProxyType(
    {
        "action": "Action",
        "owner": "Owner",
        "due": "Due",
        "status": "Status",
        "page_of": "Page {page} of {pages}",
    }
)
"""British English, the only language so far (Welsh comes next)."""

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
