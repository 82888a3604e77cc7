"""The fixed words both formats print, apart from the style and ready to be translated.

Layouts get them as `labels` and the DOCX writer reads them for its page furniture.
`{page}` and `{pages}` stand for the page number and the page count.
"""

from __future__ import annotations

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
