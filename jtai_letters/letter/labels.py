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


SKELETON_WORDS = MappingProxyType(
    {
        # `new`'s comments, and the text it leaves to fill in, in the office's languages
        "header": N_(
            "A response spec for jtai-letters (Police Act 1996 s55). Replace every TODO,\n"
            "then check it with:  jtai-letters validate THIS-FILE.yaml"
        ),
        "reference": N_(
            "Field reference: jtai-letters schema --markdown. For completion in VS Code, save\n"
            "the schema beside this file:  jtai-letters schema > response-spec.schema.json"
        ),
        "or": N_("or"),
        "office_name": N_("TODO: the office's name"),
        "office_of": N_("Office of the %(role)s for %(area)s"),
        "office_of_role": N_("Office of the %(role)s"),
        "role": N_("Police and Crime Commissioner"),
        "commissioner": N_("TODO: the commissioner's full name"),
        "area": N_("TODO: police area"),
        "address": N_("TODO: first line of the postal address"),
        "logo_alt": N_("The office's logo"),
        "title": N_("TODO: the report's title"),
        "published": N_("day one of the %(days)s days allowed for the response"),
        "summary": N_("TODO: a paragraph summarising the report"),
        "needs": N_("the %(layout)s layout needs it: %(why)s"),
        "date": N_("the date this response is published, as YYYY-MM-DD"),
        "date_by": N_("the date this response is published, as YYYY-MM-DD, by %(date)s (s55: %(days)s days)"),
        "closing": N_("Yours sincerely"),
        "copies": N_("s55(6): the published response goes to the inspectors and the Secretary of State"),
        "hmicfrs": N_("His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"),
        "home_secretary": N_("The Home Secretary"),
        "opening": N_("TODO: the opening paragraph"),
        "action": N_("TODO: what will be done"),
        "owner_example": N_("Deputy Chief Constable"),
        "due_or": N_("or a month (2026-03) or a financial quarter (2026-27 Q1)"),
        "first_heading": N_("TODO: your first heading"),
        "paragraphs": N_("TODO: paragraphs separated by a blank line. Lists work too:"),
        "one_point": N_("one point"),
        "another_point": N_("another point"),
        "answers_here": N_("places the answer to R1 (kept under response.recommendations)"),
        "also": N_("also: %(parts)s"),
        "one_per_recommendation": N_("one per recommendation:"),
        "likewise": N_("likewise:"),
        "cc_name": N_("name: the chief constable's name"),
        "cc_comments": N_("TODO: the chief constable's comments"),
        "cc_instead": N_("or, instead of comments:"),
        "cc_not_inspected": N_("the force was not inspected"),
        "for_each_recommendation": N_("for each report recommendation:"),
        "peel_judgements": N_("The report's graded judgements: each area and its grade, one of %(grades)s."),
        "peel_area": N_("TODO: the area graded, as the report names it"),
        "peel_grade": N_("TODO: its grade"),
        "peel_causes": N_(
            "Each cause of concern, in the report's words, with the ids of the recommendations under it."
        ),
        "peel_cause": N_("TODO: the cause of concern, as the report words it"),
        "peel_recommendations": N_("Each recommendation, in the report's words (copy the three lines for R2, R3 ...)."),
        "peel_recommendation": N_("TODO: the recommendation, as the report words it"),
        "peel_afis": N_("Each area for improvement, likewise."),
        "peel_afi": N_("TODO: the area for improvement, as the report words it"),
        "peel_addressee": N_("Who the letter is to, one line each; your reference; the greeting."),
        "chief_inspector": N_("His Majesty's Chief Inspector of Constabulary"),
        "peel_reference": N_("TODO: your reference, such as OPCC/2025/131"),
        "salutation": N_("Dear Sir Andy"),
        "peel_opening": N_(
            "Your opening paragraphs: a blank line between two paragraphs, '- ' at the start of a bullet."
        ),
        "peel_answers": N_("Your answer to each cause of concern, recommendation and area for improvement, by its id."),
        "peel_cause_answer": N_("TODO: what is being done about the cause of concern"),
        "peel_answer": N_("TODO: the action taken or proposed, or why none"),
        "peel_actions": N_("optional: each with an owner, a due date and a status, printed as a table"),
        "peel_afi_answer": N_("TODO: the action taken or proposed"),
        "peel_monitoring": N_("Who oversees delivery of the actions, and how progress is reported."),
        "peel_monitoring_todo": N_("TODO: how you will hold the force to account for the actions"),
        "peel_cc": N_(
            "The chief constable's comments as sent, and your reply to them (printed under its own heading)."
        ),
        "peel_cc_name": N_("TODO: the chief constable's name"),
        "peel_reply": N_("TODO: your response to the chief constable's comments"),
    }
)
"""`new`'s words (msgids, like `LABELS`): a Welsh office's spec is commented in its languages."""


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with plural forms for the catalogue (the extractor finds it), as `N_` does one."""
    return singular, plural


PREVIEW_WORDS = MappingProxyType(
    {
        # `preview`'s own page, in the letter's first language
        "title": N_("Preview: %(spec)s"),
        "heading": N_("Preview of %(spec)s"),
        "saved": N_("Save the spec, its office profile, its images or a template and the letter below is made again."),
        "downloads": N_("Downloads"),
        "docx": N_("Download DOCX"),
        "pdf": N_("Download PDF"),
        "letter": N_("The letter"),
        "none": N_("No problems found"),
        "both": N_("%(errors)s and %(warnings)s"),
        "stale": N_("The letter below is the last version without errors; it will update when they are corrected."),
        "no_letter": N_("No letter yet: correct the problems above and save the spec."),
    }
)
"""The preview page's words (msgids, like `LABELS`)."""
PREVIEW_COUNTS = MappingProxyType(
    {"error": ngettext("%(num)s error", "%(num)s errors"), "warning": ngettext("%(num)s warning", "%(num)s warnings")}
)
"""The preview's counts of problems, with their plural forms."""
