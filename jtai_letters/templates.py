"""The Jinja environment every layout runs in: sandboxed, autoescaped, strict.

A layout is `<name>.html.j2` in a templates folder (files starting with `_` are
shared partials), with an optional `<name>.css` beside the shared `letter.css`.
Its first line may be a comment `{# layout: one line on when to use it #}`.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

from jinja2 import FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

_HERE = Path(__file__).resolve().parent
# Installed wheels carry the templates inside the package; a source checkout keeps
# them at the top level, where offices can read and copy them.
DEFAULT_TEMPLATES = _HERE / "templates" if (_HERE / "templates").is_dir() else _HERE.parent / "templates"

BASE_CSS = "letter.css"
_DESCRIPTION = re.compile(r"\{#-?\s*layout:\s*(.+?)\s*-?#\}")


class TemplateFailure(Exception):
    """Raised by `fail()` in a template: the layout needs data the spec lacks."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _fail(message: str, field: str = "") -> NoReturn:
    raise TemplateFailure(message, field)


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@pass_context
def long_date(ctx: Context, value: dt.date) -> str:
    """`4 February 2020`, or `4th February 2020` where the office writes dates so."""
    day = _ordinal(value.day) if ctx["office"].date_style == "ordinal" else str(value.day)
    return f"{day} {value:%B %Y}"


def month_year(value: dt.date) -> str:
    """`February 2020`."""
    return f"{value:%B %Y}"


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def quantity(n: int, singular: str, plural: str) -> str:
    """`two recommendations`, `one area for improvement`: numbers to ten in words (GOV.UK style)."""
    number = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
    return f"{number} {singular if n == 1 else plural}"


@lru_cache(maxsize=8)
def environment(templates_dir: Path) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment for one templates folder (compiled templates are cached)."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(long_date=long_date, month_year=month_year, quantity=quantity)
    env.globals.update(fail=_fail)
    return env


def layouts(templates_dir: Path = DEFAULT_TEMPLATES) -> dict[str, str]:
    """Every layout in `templates_dir`, with its one-line description."""
    found: dict[str, str] = {}
    for path in sorted(templates_dir.glob("*.html.j2")):
        if path.name.startswith("_"):
            continue
        match = _DESCRIPTION.search(path.read_text(encoding="utf-8").split("\n", 1)[0])
        found[path.name.removesuffix(".html.j2")] = match.group(1) if match else ""
    return found


def layout_files(templates_dir: Path, layout: str) -> list[Path]:
    """Every file a layout's letters depend on: its template, the shared partials, its CSS."""
    partials = sorted(p for p in templates_dir.glob("_*.j2") if p.is_file())
    return [templates_dir / f"{layout}.html.j2", *partials, *stylesheets(templates_dir, layout)]


def stylesheets(templates_dir: Path, layout: str) -> list[Path]:
    """The CSS files a layout is printed with: the shared sheet, then its own if any."""
    return [p for p in (templates_dir / BASE_CSS, templates_dir / f"{layout}.css") if p.is_file()]
