"""Spec -> HTML letter: the one document both output formats are made from. No file writes."""

from __future__ import annotations

import datetime as dt
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from jtai_letters.errors import Problem, SpecError, TemplateError
from jtai_letters.letter import assets, bilingual, catalogue, layouts, paths
from jtai_letters.letter.folders import search_path
from jtai_letters.letter.labels import LABELS
from jtai_letters.letter.style import HOUSE_STYLE, HouseStyle, office_style
from jtai_letters.letter.templates import DEFAULT_TEMPLATES, TemplateFailure, environment, layout_files, stylesheets
from jtai_letters.spec import language
from jtai_letters.spec.load import LoadedSpec
from jtai_letters.spec.models import Answer, Item, Model, ResponseSpec
from jtai_letters.spec.vocabulary import DEFAULT_LANGUAGE, ITEM_FIELDS, WORDS

ANSWERED = ITEM_FIELDS  # report and response keys


@dataclass(frozen=True)
class Placed:
    """What the letter prints for one answer: the kind of item (a key of `ANSWERED`, which the
    layout's heading for it names), the items it answers, and the answer (None for an item left
    unanswered, which validate reports)."""

    kind: str
    items: tuple[Item, ...]
    answer: Answer | None


def placements(spec: ResponseSpec) -> dict[str, list[Placed]]:
    """For each kind of item, the answers in the report's order; a grouped answer sits at its first item.

    Template code looks them up by any item id with `by_id`.
    """
    found: dict[str, list[Placed]] = {}
    for key in ANSWERED:
        made: list[Item] = list(getattr(spec.report, key))
        given: list[Answer] = getattr(spec.response, key)
        placed: list[Placed] = []
        done: set[str] = set()
        for item in made:
            if item.id in done:
                continue
            answer = next((a for a in given if item.id in a.answered_ids), None)
            ids = answer.answered_ids if answer else (item.id,)
            items = tuple(i for i in made if i.id in ids)
            done.update(i.id for i in items)
            placed.append(Placed(key, items, answer))
        found[key] = placed
    return found


def by_id(sections: dict[str, list[Placed]]) -> dict[str, Placed]:
    """Every placed answer under each id it covers."""
    return {item.id: p for placed in sections.values() for p in placed for item in p.items}


SPEC_DESCRIPTION = "jtai-letters response spec and the files it names"
"""What an archival PDF says each of its attachments (`RenderedLetter.attachments`) is. Here, with the
letter, so the PDF writer reads it without importing the pipeline that fills them in."""


@dataclass(frozen=True)
class RenderedLetter:
    """A letter as semantic HTML plus what is needed to print it."""

    html: str
    stylesheets: tuple[Path, ...]
    asset_roots: tuple[Path, ...]  # folders and files the writers may load
    source: Path  # the spec it came from, for messages
    asset_fields: tuple[tuple[str, str], ...] = ()  # (URL, spec field it came from), for messages
    template_folders: tuple[Path, ...] = ()  # the folders stylesheets may load from (the first: the HTML's base)
    inputs: tuple[Path, ...] = ()  # every file the letter was made from, spec first
    font: str = "Liberation Sans"  # the office's typeface
    brand_colour: str | None = None  # #RRGGBB for headings and rules
    # (name, bytes) of the spec and the files it names, embedded in an archival PDF
    attachments: tuple[tuple[str, bytes], ...] = ()
    date: dt.date = dt.date(1970, 1, 1)  # the response date: the documents' dates come from it, never the clock
    page_label: str = LABELS["page_of"]  # the footer's words, in the letter's language or languages
    untranslated: tuple[str, ...] = ()  # the layout's words printed in English in another language's letter
    landscape: bool = False  # pages turned on their side (the progress report's wide tables)
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)  # the letter's languages (BCP 47), first language first
    spec_paths: bool = False  # made for the editor's letter pane: its web page keeps `data-spec-path`
    house: HouseStyle = HOUSE_STYLE  # the style it prints in, before the office's font and colour: per letter

    @property
    def style(self) -> HouseStyle:
        """The house style as this letter's office prints it (its font and brand colour)."""
        return office_style(self.font, self.brand_colour, self.house, landscape=self.landscape)

    def field_of(self, url: str) -> str:
        """The spec field that named `url`, or '' when the template did."""
        return next((f for u, f in self.asset_fields if u == url), "")


def render(loaded: LoadedSpec, templates_dir: Path = DEFAULT_TEMPLATES, *, spec_paths: bool = False) -> RenderedLetter:
    """Render the spec with its layout's template, in each of its languages with that language's
    catalogue (two languages combined as `office.bilingual` says); `TemplateError` says what the
    layout lacked. (`load_spec` gives a `LoadedSpec`; `LoadedSpec.made(model)` one built in code.)

    With `spec_paths` (the editor's letter pane only), each block carries the path of the field
    it came from (`data-spec-path`, see `paths`); letters for printing or publishing never do."""
    spec, src = loaded.spec, loaded.source
    unfit = [p for p in layouts.problems(loaded, templates_dir) if p.severity == "error"]
    if unfit:
        raise TemplateError(unfit)
    images = image_paths(loaded)
    urls = {name: path.as_uri() for name, path in images.items()}
    renders: list[tuple[str, str]] = []
    untranslated: list[str] = []
    page_label = []
    for tag, one in loaded.letters().items():
        words = catalogue.load(templates_dir, language.key(tag))
        with catalogue.recording() as said:
            renders.append((tag, _render(one, tag, words, templates_dir, urls)))
        untranslated += said
        page_label.append(words.plain(LABELS["page_of"]))
    for _, made in renders:
        if not made.strip():  # lxml and WeasyPrint take no empty document; say so here, for validate too
            message = f"layout '{spec.layout}' printed nothing: a layout must make the letter's HTML"
            raise TemplateError(Problem(message, templates_dir / f"{spec.layout}.html.j2", rule="template"))
    html = renders[0][1] if len(renders) == 1 else bilingual.combine(renders, spec.office.bilingual, src.path)
    if spec_paths:
        html = paths.mark(html, loaded)
    profile = (src.profile,) if src.profile else ()
    return RenderedLetter(
        html=html,
        stylesheets=tuple(stylesheets(templates_dir, spec.layout)),
        asset_roots=(*search_path(templates_dir), *images.values()),
        template_folders=search_path(templates_dir),
        source=src.path,
        asset_fields=tuple((urls[name], f"office.{name}.path") for name in urls),
        inputs=(
            src.path,
            *profile,
            *layout_files(templates_dir, spec.layout),
            *catalogues(templates_dir, spec),
            *images.values(),
        ),
        font=spec.office.font,
        date=spec.response.date,
        brand_colour=spec.office.brand_colour,
        page_label=" / ".join(page_label),
        untranslated=tuple(dict.fromkeys(untranslated)),
        languages=tuple(tag for tag, _ in renders),
        spec_paths=spec_paths,
    )


def catalogues(templates_dir: Path, spec: ResponseSpec) -> list[Path]:
    """The catalogue files a letter's words come from (none for English)."""
    keys = [language.key(tag) for tag in language.of_spec(spec)]
    return [
        path
        for key in keys
        if key != catalogue.ENGLISH
        for folder in search_path(templates_dir)
        for path in (
            catalogue.catalogue_path(folder, key, ".po"),
            catalogue.catalogue_path(folder, key, ".mo"),
        )
        if path.is_file()
    ]


def _render(one: LoadedSpec, tag: str, words: catalogue.Catalogue, templates_dir: Path, urls: dict[str, str]) -> str:
    """One language's letter as HTML."""
    spec, src = one.spec, one.source
    template_name = f"{spec.layout}.html.j2"
    try:
        return (
            environment(templates_dir, words.language)
            .get_template(template_name)
            .render(
                office=spec.office,
                report=spec.report,
                response=spec.response,
                answered=(answered := placements(spec)),
                answer_for=by_id(answered),
                logo_url=urls.get("logo"),
                signature_url=urls.get("signature"),
                labels={name: words.markup(*words.text(message), {}) for name, message in LABELS.items()},
                spec_path=SpecPaths(spec),
                lang=tag,
                vocabulary=WORDS,
            )
        )
    except TemplateFailure as e:
        raise TemplateError(src.problem(tuple(e.field.split(".")) if e.field else (), str(e))) from None
    except jinja2.TemplateSyntaxError as e:
        where = Path(e.filename or templates_dir / template_name)
        raise TemplateError(Problem(f"template error: {e.message}", where, e.lineno, rule="template")) from None
    except (jinja2.UndefinedError, SecurityError) as e:
        where, line = _template_line(e, templates_dir / template_name)
        raise TemplateError(Problem(f"layout '{spec.layout}' failed: {e}", where, line, rule="template")) from None
    except jinja2.TemplateError as e:
        raise TemplateError(Problem(f"template error: {e}", templates_dir / template_name, rule="template")) from None


def _template_line(error: Exception, default: Path) -> tuple[Path, int | None]:
    """The template file and line a runtime error came from (Jinja maps its frames to template lines)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
    return (Path(frames[-1].filename), frames[-1].lineno) if frames else (default, None)


class SpecPaths:
    """The field path of each value a template prints, as validate writes it
    (`response.recommendations[1].response`): the anchors the letter carries (`data-spec-path`
    in the HTML, bookmarks in the DOCX) so that edits made in a letter find their way back.

    Called in a template as `spec_path(model, 'field')` or `spec_path(model, 'field', index)`;
    a model that is not part of the spec (a template's own value) has no path: ''.
    """

    def __init__(self, spec: ResponseSpec) -> None:
        self._at: dict[int, str] = {}
        self._keep: list[Model] = []  # the objects whose ids are keys stay alive while this does
        stack: list[tuple[Model, str]] = [(spec, "")]
        while stack:
            model, path = stack.pop()
            self._at[id(model)] = path
            self._keep.append(model)
            for name in type(model).model_fields:
                value = getattr(model, name)
                here = f"{path}.{name}" if path else name
                if isinstance(value, Model):
                    stack.append((value, here))
                elif isinstance(value, list):
                    stack.extend((v, f"{here}[{i}]") for i, v in enumerate(value) if isinstance(v, Model))

    def __call__(self, model: object, name: str, index: int | None = None) -> str:
        base = self._at.get(id(model))
        if base is None or not isinstance(name, str):
            return ""
        path = f"{base}.{name}" if base else name
        return path if index is None else f"{path}[{int(index)}]"


_ANCHOR_ATTRIBUTE = re.compile(r' data-spec-path="[^"]*"')
_SPANS = re.compile(r'<span( data-spec-path="[^"]*")?[^>]*>|</span>')


def unanchored(html: str) -> str:
    """`html` without the anchors `SpecPaths` placed: no `data-spec-path` attribute, and the `<span>`
    that carried one on a value inside a line replaced by its content. The PDF and the web page
    are made from this, so they are exactly as they were before letters carried anchors."""
    if "data-spec-path" not in html:
        return html
    out: list[str] = []
    open_spans: list[bool] = []  # for each <span> open: whether it is an anchor's
    at = 0
    for found in _SPANS.finditer(html):
        if found.group(0) == "</span>":
            if open_spans and open_spans.pop():
                out.append(html[at : found.start()])
                at = found.end()
        else:
            is_anchor = found.group(1) is not None and found.group(0) == f"<span{found.group(1)}>"
            open_spans.append(is_anchor)
            if is_anchor:
                out.append(html[at : found.start()])
                at = found.end()
    out.append(html[at:])
    return _ANCHOR_ATTRIBUTE.sub("", "".join(out))


IMAGES = ("logo", "signature")


def image_paths(loaded: LoadedSpec) -> dict[str, Path]:
    """The checked image files the office names ('logo', 'signature'); `SpecError` for any that may not be used.

    Paths are relative to the file that named them: the spec, or its office profile.
    """
    found: dict[str, Path] = {}
    problems = []
    for name in IMAGES:
        image = getattr(loaded.spec.office, name)
        if image is None:
            continue
        try:
            # Relative to the file that named it: the profile's folder for an image the profile names.
            folder = "the profile's folder" if name in loaded.image_bases else "the spec's folder"
            found[name] = assets.image(loaded.image_base(name), image.path, folder)
        except ValueError as e:
            problems.append(loaded.source.problem(("office", name, "path"), str(e), rule="asset"))
    if problems:
        raise SpecError(problems)
    return found
