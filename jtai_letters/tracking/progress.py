"""A progress report for a panel or board, made from the register by the letters' own pipeline.

The `tracking/progress.html.j2` template runs in the same sandboxed Jinja
environment as the layouts, and the same writers turn it into a tagged PDF or a
DOCX. The chart is an SVG the template draws from the counts, with alt text
giving every number. Word documents take PNG and JPEG images only, so the DOCX
leaves the chart out: its summary table carries the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jtai_letters import outputs
from jtai_letters.checks import rules
from jtai_letters.errors import UsageError
from jtai_letters.letter.folders import search_path
from jtai_letters.letter.labels import LABELS, TRACKING_LABELS
from jtai_letters.letter.render import RenderedLetter, image_paths
from jtai_letters.letter.style import HOUSE_STYLE, office_style
from jtai_letters.letter.templates import stylesheets
from jtai_letters.pipeline.build import MEMORY_MB, TIMEOUT_SECONDS, bounded
from jtai_letters.pipeline.options import DEFAULTS, Options
from jtai_letters.spec.vocabulary import COMPLETE
from jtai_letters.tracking.register import (
    STATUSES,
    TRACKING,
    Register,
    Row,
    count_by_status,
    group_by_report,
    in_language,
    not_an_input,
    read,
    save,
)

LAYOUT = f"{TRACKING}/progress"  # beside the layouts, not one of them: `layouts` lists only the top folder
DEFAULT_TITLE = TRACKING_LABELS["progress_title"]  # in the report's language
NO_SVG = ("docx",)  # formats whose writer cannot carry the SVG chart: their summary table gives its numbers


def render(
    register: Register, *, title: str | None = None, chart: bool = True, since: dt.date | None = None
) -> RenderedLetter:
    """The progress report as HTML, ready for either writer; `chart=False` for formats without SVG.

    `since` (the date of the last report to the panel) adds, per report, what was completed and
    what was updated after that day."""
    if not register.specs:
        raise UsageError("a progress report needs at least one spec")
    if since is not None and since > register.as_of:
        raise UsageError(f"--since {since.isoformat()} is after the report's date, {register.as_of.isoformat()}")
    offices = {loaded.spec.office.name for loaded in register.specs}
    first = register.specs[0]
    spec = first.spec
    one_office = len(offices) == 1
    images = image_paths(first) if one_office else {}
    logo = images.get("logo")
    style = office_style(spec.office.font, spec.office.brand_colour) if one_office else HOUSE_STYLE

    def context(tag: str, every: list[Row]) -> dict[str, Any]:
        groups = group_by_report(every)
        tally = count_by_status(groups)
        statuses = [s for s in STATUSES if any(s in t for t in tally.values())]
        summaries = {label: _summary(rows, since) for label, rows in groups.items()}
        overdue = sorted((row for row in every if row.overdue), key=lambda r: r.due or register.as_of)
        return {
            "title": title or register.wording(tag)(TRACKING_LABELS["progress_title"]),
            "as_of": register.as_of,
            "since": since,
            "office": in_language(first, tag).office,
            "letterhead": one_office,
            "logo_url": logo.as_uri() if logo else None,
            "statuses": statuses,
            "counts": tally,
            "totals": {s: sum(t.get(s, 0) for t in tally.values()) for s in statuses},
            "widest": max((sum(t.values()) for t in tally.values()), default=0),
            "reports": {label: _by_item(rows) for label, rows in groups.items()},
            "summaries": summaries,
            "completed_total": sum(len(s.completed_since) for s in summaries.values()),
            "overdue": overdue,
            "overdue_total": len(overdue),
            "responses": len(register.specs),
            "chart": chart,
            "font": style.font,  # the chart's text, in the report's own font
            "style": style,
        }

    html = register.pages("progress.html.j2", context)
    page_label = " / ".join(register.wording(tag)(LABELS["page_of"]) for tag in register.languages)
    return RenderedLetter(
        html=html,
        stylesheets=tuple(stylesheets(register.templates, LAYOUT)),
        asset_roots=(*search_path(register.templates), *images.values()),
        template_folders=search_path(register.templates),
        source=first.source.path,
        asset_fields=((logo.as_uri(), "office.logo.path"),) if logo else (),
        font=style.font,
        brand_colour=style.brand,
        date=register.as_of,
        landscape=True,  # the tables of actions and their updates need the width
        page_label=page_label,
        languages=register.languages,
    )


@dataclass(frozen=True)
class Summary:
    """One report's figures for the panel: overdue, and what moved since the last report."""

    overdue: int
    completed_since: list[Row]
    updated_since: list[Row]


def _summary(rows: list[Row], since: dt.date | None) -> Summary:
    moved = [r for r in rows if since is not None and r.last_update is not None and r.last_update > since]
    return Summary(
        overdue=sum(r.overdue for r in rows),
        completed_since=[r for r in moved if r.status == COMPLETE],
        updated_since=moved,
    )


def export(
    paths: Iterable[Path],
    target: Path,
    as_of: dt.date,
    options: Options = DEFAULTS,
    *,
    title: str | None = None,
    since: dt.date | None = None,
    timeout: float = TIMEOUT_SECONDS,
    memory_mb: int = MEMORY_MB,
    language: str | None = None,
) -> Register:
    """Write the progress report of the specs at `paths` to `target`, in any letter format (.pdf, .docx);
    made within `timeout` seconds and `memory_mb` megabytes, as a batch's letters are."""
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in outputs.FORMATS:
        names = " or ".join(f".{f}" for f in outputs.FORMATS)
        raise UsageError(f"cannot write a progress report as '{target.name}'; name it {names}")
    if title is not None and (why := rules.unprintable(title)):
        raise UsageError(f"--title {why}")
    paths = not_an_input(target, paths)
    register = read(paths, as_of, options, language=language)
    made = bounded(
        lambda: outputs.write(fmt, render(register, title=title, chart=fmt not in NO_SVG, since=since)),
        timeout=timeout,
        memory_mb=memory_mb,
        source=target,
    )
    save(target, made)
    return register


def _by_item(rows: list[Row]) -> list[list[Row]]:
    items: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        items.setdefault((row.item_type, row.item_id), []).append(row)
    return list(items.values())
