"""Spec -> HTML letter: the one document both output formats are made from. No file writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from . import assets
from .errors import Problem, SpecError, TemplateError
from .models import ResponseSpec
from .spec import source_of
from .templates import DEFAULT_TEMPLATES, TemplateFailure, environment, layout_files, layouts, stylesheets


@dataclass(frozen=True)
class RenderedLetter:
    """A letter as semantic HTML plus what is needed to print it."""

    html: str
    stylesheets: tuple[Path, ...]
    asset_roots: tuple[Path, ...]  # folders and files the writers may load
    source: Path  # the spec it came from, for messages
    asset_fields: tuple[tuple[str, str], ...] = ()  # (URL, spec field it came from), for messages
    inputs: tuple[Path, ...] = ()  # every file the letter was made from, spec first

    def field_of(self, url: str) -> str:
        """The spec field that named `url`, or '' when the template did."""
        return next((f for u, f in self.asset_fields if u == url), "")


def render(spec: ResponseSpec, templates_dir: Path = DEFAULT_TEMPLATES) -> RenderedLetter:
    """Render `spec` with its layout's template; `TemplateError` says what the layout lacked."""
    src = source_of(spec)
    available = layouts(templates_dir)
    if spec.layout not in available:
        names = ", ".join(available) or "none"
        raise TemplateError(src.problem(("layout",), f"unknown layout '{spec.layout}'; available: {names}"))
    logo = logo_path(spec)
    logo_url = logo.as_uri() if logo else None
    template_name = f"{spec.layout}.html.j2"
    try:
        html = (
            environment(templates_dir)
            .get_template(template_name)
            .render(office=spec.office, report=spec.report, response=spec.response, logo_url=logo_url)
        )
    except TemplateFailure as e:
        raise TemplateError(src.problem(tuple(e.field.split(".")) if e.field else (), str(e))) from None
    except jinja2.TemplateSyntaxError as e:
        where = Path(e.filename or templates_dir / template_name)
        raise TemplateError(Problem(f"template error: {e.message}", where, e.lineno, rule="template")) from None
    except (jinja2.UndefinedError, SecurityError) as e:
        raise TemplateError(
            Problem(f"layout '{spec.layout}' failed: {e}", templates_dir / template_name, rule="template")
        ) from None
    except jinja2.TemplateError as e:
        raise TemplateError(Problem(f"template error: {e}", templates_dir / template_name, rule="template")) from None
    return RenderedLetter(
        html=html,
        stylesheets=tuple(stylesheets(templates_dir, spec.layout)),
        asset_roots=(templates_dir, *([logo] if logo else [])),
        source=src.path,
        asset_fields=((logo_url, "office.logo.path"),) if logo_url else (),
        inputs=(src.path, *layout_files(templates_dir, spec.layout), *([logo] if logo else [])),
    )


def logo_path(spec: ResponseSpec) -> Path | None:
    """The checked logo file the spec names, if any; `SpecError` if it may not be used."""
    if spec.office.logo is None:
        return None
    try:
        return assets.image(source_of(spec).path.parent, spec.office.logo.path)
    except ValueError as e:
        raise SpecError(source_of(spec).problem(("office", "logo", "path"), str(e), rule="asset")) from None
