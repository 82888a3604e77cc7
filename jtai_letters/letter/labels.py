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


TRACKING_LABELS = MappingProxyType(
    {
        # The register's columns, as the spreadsheet, the web page and the progress report head them
        # (the CSV and JSON keep the machine names: see docs/tracking.md).
        "office": N_("Office"),
        "report_title": N_("Report"),
        "report_kind": N_("Kind of report"),
        "report_published": N_("Published"),
        "s55_deadline": N_("s55 deadline"),
        "deadline_met": N_("Response by the deadline"),
        "item_type": N_("Item"),
        "item_id": N_("Ref."),
        "item_text": N_("What the report says"),
        "addressed_to": N_("Addressed to"),
        "answer": N_("Our answer"),
        "action_number": N_("No."),
        "action": N_("Action"),
        "owner": N_("Owner"),
        "due": N_("Due"),
        "status": N_("Status"),
        "last_update": N_("Last update"),
        "note": N_("Latest note"),
        "updated_by": N_("Recorded by"),
        "evidence": N_("Evidence"),
        "superseded_by": N_("Superseded by"),
        "overdue": N_("Overdue"),
        "stage": N_("Stage"),
        "next_due": N_("Next step"),
        "next_due_date": N_("Next step due"),
        "spec": N_("Spec file"),
        # The words of its sheets and pages (the statuses' are the vocabulary's)
        "yes": N_("yes"),
        "no": N_("no"),
        "summary": N_("Summary"),
        "register": N_("Register"),
        "total": N_("Total"),
        "register_title": N_("Register of responses to inspection reports"),
        "progress_title": N_("Progress on inspection reports"),
        "not_named": N_("not named"),
    }
)
"""The tracking outputs' fixed words (msgids, like `LABELS`): column headings, sheet names."""


CALENDAR_LABELS = MappingProxyType(
    {
        # The deadlines calendar's name, and each kind of event's title and description
        "calendar": N_("Inspection responses: deadlines"),
        "deadline": N_("s55 deadline: %(area)s response to %(title)s"),
        "deadline_about": N_(
            "Last day to publish the response of the %(role)s for %(area)s to '%(title)s' "
            "(published %(date)s): s55 allows %(days)s days from publication."
        ),
        "comments": N_("Chief constable's comments due: %(area)s response to %(title)s"),
        "comments_about": N_(
            "The %(role)s for %(area)s asked the chief constable to comment on '%(title)s' by this date (s55(4))."
        ),
        "draft": N_("s55 deadline (draft): %(name)s"),
        "draft_about": N_(
            "Last day to publish the response drafted in %(path)s: the draft is not yet valid "
            "(validate lists what it lacks)."
        ),
        "due": N_("Due: %(action)s"),
        "due_about": N_("%(item)s of '%(title)s' (%(office)s). Owner: %(owner)s. Status: %(status)s."),
    }
)
"""The calendar's words (msgids, like `TRACKING_LABELS`): its events speak the register's language."""
