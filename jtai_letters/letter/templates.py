"""The Jinja environment every layout runs in: sandboxed, autoescaped, strict.

A layout is `<name>.html.j2` in a templates folder (files starting with `_` are
shared partials), with an optional `<name>.css` beside the shared `letter.css`.
Its first line may be a comment `{# layout: one line on when to use it #}`.
An office's folder stands in front of ours (`folders.py`): a name it holds is its
own, every other comes from ours.

An office's own templates are code from another hand, so they run bounded: files
load only from inside their folder (symlinks resolved), and a render stops with a
`SecurityError` past `RENDER_SECONDS` of its own work (CPU time; checked on every
call, operator, filter, output part and loop item) or `MAX_OUTPUT` characters, on a string or list
repeated past that size, or when templates include or extend themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from functools import lru_cache, wraps
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    Environment,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    meta,
    nodes,
    pass_context,
)
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.loaders import split_template_path
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from jtai_letters import errors, patches
from jtai_letters.letter import catalogue
from jtai_letters.letter.assets import read_regular
from jtai_letters.letter.folders import DEFAULT_TEMPLATES, find, folder_of, search_path
from jtai_letters.letter.text import Block
from jtai_letters.letter.typography import curl
from jtai_letters.spec.models import Due

__all__ = ["DEFAULT_TEMPLATES", "environment", "layout_files", "layouts", "stylesheets"]

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


def long_date(value: dt.date, style: str = "plain", language: str = catalogue.ENGLISH) -> str:
    """`4 February 2020`, or `4th February 2020` where the office writes dates so; in Welsh
    `4 Chwefror 2020` (CLDR's month names through Babel; Welsh dates are cardinal, as Welsh
    usage writes them, so the ordinal style is English only).

    >>> long_date(dt.date(2020, 2, 4), "ordinal"), long_date(dt.date(2020, 2, 4), "ordinal", "cy")
    ('4th February 2020', '4 Chwefror 2020')
    """
    if language != catalogue.ENGLISH:
        from babel.dates import format_date

        return str(format_date(value, "d MMMM y", locale=language))
    day = _ordinal(value.day) if style == "ordinal" else str(value.day)
    return f"{day} {value:%B %Y}"


def month_year(value: dt.date, language: str = catalogue.ENGLISH) -> str:
    """`February 2020`; `Chwefror 2020` in Welsh."""
    if language != catalogue.ENGLISH:
        from babel.dates import format_date

        return str(format_date(value, "MMMM y", locale=language))
    return f"{value:%B %Y}"


def due_date(due: Due, style: str = "plain", language: str = catalogue.ENGLISH) -> str:
    """When an action is due, as the letter prints it: a day as a long date, a month as month and
    year, a quarter as `Q1 2026–27`."""
    if due.day:
        return long_date(due.day, style, language)
    return str(due) if due.quarter or language == catalogue.ENGLISH else month_year(due.first_day, language)


def quantity(n: int, singular: str, plural: str) -> str:
    """`two recommendations`, `one area for improvement`: numbers to ten in words (GOV.UK style), in
    English (letters count through `ngettext`, in their language)."""
    return f"{catalogue.number_words(n)} {singular if n == 1 else plural}"


def _install(env: Environment, words: catalogue.Catalogue) -> None:
    """The catalogue's words as `_()`, `gettext`, `ngettext` and `{% trans %}`, and the date and
    number filters of its language."""
    language = words.language

    @pass_context
    def gettext(__context: Context, __message: str, **variables: Any) -> str:
        text, translated = words.text(__message)
        return words.markup(text, translated, variables)

    @pass_context
    def ngettext(__context: Context, __singular: str, __plural: str, __num: int, **variables: Any) -> str:
        text, translated = words.ntext(__singular, __plural, __num)
        variables.setdefault("num", __num)
        # Number words in the language the words are printed in.
        variables.setdefault("words", catalogue.number_words(__num, language if translated else catalogue.ENGLISH))
        return words.markup(text, translated, variables)

    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(gettext=gettext, ngettext=ngettext)

    @pass_context
    def dated(ctx: Context, value: dt.date) -> str:
        return long_date(value, ctx["office"].date_style, language)

    @pass_context
    def due(ctx: Context, value: Due) -> str:
        return due_date(value, ctx["office"].date_style, language)

    env.filters.update(
        long_date=dated,
        month_year=lambda value: month_year(value, language),
        due_date=due,
        quantity=quantity,
        unmarked=words.unmarked,
    )


RENDER_SECONDS = 10.0  # of CPU time: a letter renders in milliseconds; a template past this loops
MAX_OUTPUT = 5_000_000  # characters of HTML; a long letter is about 60,000
MAX_RANGE = 10_000  # items of range(); a letter's longest list is 1,000
MAX_TEMPLATE_BYTES = 1_000_000
MAX_DIGITS = 300  # of a power; beyond that Python cannot print an int, and a float overflows

_deadline: ContextVar[float] = ContextVar("template_deadline", default=float("inf"))
# The template's own work: the CPU time of the thread rendering it. On the wall clock a letter of
# milliseconds was stopped as "a loop without end" on a machine loaded fifteen times over (found by
# the long fuzz run), as it would be across a laptop's sleep; `--timeout` keeps the wall-clock bound.
_clock = time.thread_time


def _in_time() -> None:
    if _clock() > _deadline.get():
        raise SecurityError(f"the template ran for more than {RENDER_SECONDS:g} seconds (a loop without end?)")


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


def _bounded(size: int) -> None:
    if size > MAX_OUTPUT:
        raise SecurityError(f"the template built a value of {size:,} items or characters; at most {MAX_OUTPUT:,}")


class ConfinedLoader(BaseLoader):
    """Loads templates from one folder only: `..`, absolute names and symlinks leading out are refused,
    and so are devices and FIFOs named like templates."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = folder.resolve()

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """The text of `template`, its file name, and a check that it is unchanged."""
        path = self.root.joinpath(*split_template_path(template))
        real = path.resolve()
        if not real.is_relative_to(self.root):
            raise SecurityError(f"refused to load '{template}': it leads outside the templates folder {self.folder}")
        try:
            mtime = real.stat().st_mtime_ns
            text = read_regular(real, MAX_TEMPLATE_BYTES, "a template").decode("utf-8")
        except (FileNotFoundError, IsADirectoryError):
            raise TemplateNotFound(template, f"'{template}' not found in the templates folder {self.folder}") from None
        except (OSError, ValueError) as e:  # a device or FIFO, too large, not UTF-8
            raise SecurityError(f"refused to load '{template}': {getattr(e, 'strerror', None) or e}") from None

        def uptodate() -> bool:
            try:
                return real.stat().st_mtime_ns == mtime
            except OSError:
                return False

        return text, str(path), uptodate


class OverlayLoader(BaseLoader):
    """Loads a template from the first folder of a search path that has it (an office's, then ours),
    each folder confined on its own: a name one folder refuses (a link out, a FIFO) is refused, not
    looked for in the next."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        self.folders = folders
        self.loaders = [ConfinedLoader(folder) for folder in folders]

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """The text of `template` from the first folder holding it."""
        for loader in self.loaders:
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        where = f"the templates folder {self.folders[0]}"
        if len(self.folders) > 1:
            where += " or the tool's own templates"
        raise TemplateNotFound(template, f"'{template}' not found in {where}")


class BoundedTemplate(Template):
    """A template whose render stops at the time and size limits, and at self-inclusion."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render as Jinja does, within `RENDER_SECONDS` and `MAX_OUTPUT`."""
        token = _deadline.set(_clock() + RENDER_SECONDS)
        parts: list[str] = []
        size = 0
        try:
            for part in self.generate(*args, **kwargs):
                size += len(part)
                if size > MAX_OUTPUT:
                    raise SecurityError(
                        f"the template wrote more than {MAX_OUTPUT:,} characters; a letter is far shorter"
                    )
                _in_time()
                parts.append(part)
        except RecursionError:
            raise SecurityError("templates include, extend or call themselves without end") from None
        except (TemplateError, TemplateFailure):
            raise
        except Exception as e:  # the template's own arithmetic or conversions: 1 / 0, int('x', 99)
            filename, line = _template_line(e.__traceback__)
            raise TemplateFault(f"{type(e).__name__}: {e}", line, filename=filename) from None
        finally:
            _deadline.reset(token)
        return "".join(parts)


def _power_digits(base: Any, exponent: Any) -> float:
    numbers = isinstance(base, int | float) and isinstance(exponent, int | float)
    return float(exponent * math.log10(abs(base))) if numbers and abs(base) > 1 else 0.0


class TemplateFault(TemplateSyntaxError):
    """A Python error raised by a template's own code, reported with its file and line as a syntax error is."""


def _template_line(tb: TracebackType | None) -> tuple[str | None, int]:
    # Jinja rewrites tracebacks so that template lines appear as frames of the template file.
    found: tuple[str | None, int] = (None, 0)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_SAFE_ATTRIBUTES: dict[tuple[type, str], bool] = {}
_SAFE_ATTRIBUTES_KEPT = 10_000  # (type, name) pairs: the layouts use a few hundred


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the clock checked on every call, attribute and operator,
    and repeats (`'x' * 10**9`) refused before they are built."""

    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """`*`, `**`, `+` and `%`, refused when the result would pass the limits."""
        _in_time()
        if operator == "%" and isinstance(left, str):
            _no_huge_width(left)
        if operator == "*" and (isinstance(left, int) or isinstance(right, int)):
            count, item = (left, right) if isinstance(left, int) else (right, left)
            _bounded(_sized(item) * count)
        elif operator == "+":
            _bounded(_sized(left) + _sized(right))
        elif operator == "**" and (digits := _power_digits(left, right)) > MAX_DIGITS:
            raise SecurityError(f"refused a power of {digits:,.0f} digits: at most {MAX_DIGITS} can be printed")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call in a template: macros, methods, functions; a string method that would build more
        than `MAX_OUTPUT` characters (`'x'.replace('x', 'x' * 1000)` again and again) is refused first."""
        _in_time()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            _bounded(_grown(name, [owner, *args], kwargs))
            if name in ("format", "format_map") and _BRACE_WIDTH.search(owner):
                raise SecurityError("refused a format width of a million characters or more, or one given by {}")
        result = super().call(__context, __obj, *args, **kwargs)
        _bounded(_sized(result))
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Every `a.b` in a template."""
        _in_time()
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's answer, remembered per type and name: it reads nothing else (names starting
        with `_`, and `isinstance` checks in `is_internal_attribute` and `modifies_known_mutable`),
        and it is asked on every `a.b` of every letter."""
        key = (type(obj), attr)
        safe = _SAFE_ATTRIBUTES.get(key)
        if safe is None:
            safe = super().is_safe_attribute(obj, attr, value)
            if len(_SAFE_ATTRIBUTES) < _SAFE_ATTRIBUTES_KEPT:
                _SAFE_ATTRIBUTES[key] = safe
        return safe

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Every `a[b]` in a template."""
        _in_time()
        return super().getitem(obj, argument)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        # Every `{% for %}` iterates through `_ticking`, so even a loop that calls nothing
        # (nested loops over a literal, inside a macro) meets the clock on each item.
        tree = super()._parse(source, name, filename)
        if filename is not None and len(_REFERENCES) < _KEPT:  # what `layout_files` asks next, without a parse
            _REFERENCES[(filename, _digest(source))] = list(meta.find_referenced_templates(tree))
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.Name(_TICKING, "load"), [loop.iter], [], None, None, lineno=loop.lineno)
        return tree


_TICKING = "_ticking"
_KEPT = 512  # templates: an office's folder holds tens

_REFERENCES: dict[tuple[str, str], list[str | None]] = {}
"""(file, its text's digest) -> the templates it includes, imports or extends (None: a name made at
render time), recorded as each template is compiled, for `layout_files`."""


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


class _SharedCode(BytecodeCache):
    """Compiled templates kept in memory for every environment of the process: one per folder and
    language, all made alike (`_environment`), so a template file compiles once, not once per
    language (a bilingual letter compiled `_parts.html.j2`, 0.17 s, twice). The key is the file's
    name and path, checked against its text (Jinja's own checksum): an edited file compiles again.
    Nothing is written to disk."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, Any]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self._code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if len(self._code) < _KEPT:
            self._code[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED = _SharedCode()


def _ticking(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _in_time()
        yield item


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() of {len(numbers):,} numbers; at most {MAX_RANGE:,} in a template")
    return numbers


def _bounded_filter(f: Callable[..., Any]) -> Callable[..., Any]:
    # Filters are called directly, not through `call`: check the clock, and refuse widths
    # and counts (center(10**9), indent, wordwrap) that would build a huge string; what a filter
    # would build (`replace`, `join`, `indent` multiply their input) is sized before it is built,
    # and what it built is held to `MAX_OUTPUT` like the template's own output.
    @wraps(f)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _in_time()
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_OUTPUT:
                raise SecurityError(f"refused the number {value:,} in a filter; at most {MAX_OUTPUT:,}")
        plain = [a for a in args if not isinstance(a, EvalContext)]
        _bounded(_grown(f.__name__.removeprefix("do_"), plain, kwargs))
        result = f(*args, **kwargs)
        _bounded(_sized(result))
        return result

    return checked


def _grown(name: str, args: list[Any], kwargs: dict[str, Any]) -> int:
    """How long the string `name` (a filter, or a str method) would build from `args`, sized before
    it is built; 0 when it does not multiply its input."""
    if not args:
        return 0
    text, rest = args[0], [*args[1:], *kwargs.values()]
    if name == "replace" and len(rest) >= 2 and isinstance(text, str):
        old, new = str(rest[0]), str(rest[1])
        count = text.count(old) if old else len(text) + 1
        if len(rest) > 2 and isinstance(rest[2], int) and rest[2] >= 0:
            count = min(count, rest[2])
        return len(text) + count * max(0, len(new) - len(old))
    if name == "join":
        items, separator = (rest[0], text) if isinstance(text, str) and rest else (text, rest[0] if rest else "")
        if isinstance(items, list | tuple):
            return sum(len(str(i)) for i in items) + len(str(separator)) * max(0, len(items) - 1)
    if name == "indent" and isinstance(text, str):
        width = next((r for r in rest if isinstance(r, int) and not isinstance(r, bool)), 4)
        return len(text) + (text.count("\n") + 1) * (width if isinstance(width, int) else len(str(width)))
    if name == "expandtabs" and isinstance(text, str):
        tab = rest[0] if rest and isinstance(rest[0], int) else 8
        return len(text) + text.count("\t") * tab
    if name in ("center", "ljust", "rjust", "zfill") and rest and isinstance(rest[0], int):
        return rest[0]
    return 0


# A width or precision of a million or more, or one taken from the arguments (`*`), with or without a key.
_FORMAT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:\d{7,}|\*|\d*\.(?:\d{7,}|\*))")


# The same in `str.format`: `{:>999999999}`, or a width from a nested field `{:{}}`.
_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*(?:\d{7,}|\{)")


def _no_huge_width(text: str) -> None:
    # "%999999999s" % x: a field a gigabyte wide.
    if _FORMAT_WIDTH.search(text):
        raise SecurityError("refused a format width of a million characters or more, or one given by *")


def _checked_format(format_filter: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(format_filter)
    def checked(value: Any, *args: Any, **kwargs: Any) -> Any:
        _no_huge_width(str(value))
        return format_filter(value, *args, **kwargs)

    return checked


def _typeset(value: object) -> object:
    # Plain text printed by a template (a name, a title, words joined in the template) gets the
    # quotes Markdown text gets; values that print themselves (Markdown, addresses) are left be.
    return curl(value) if type(value) is str else value


ANCHOR_ATTRIBUTE = "data-spec-path"
"""The attribute naming the spec field an element's text comes from (see `render.SpecPaths`).
The DOCX writer turns it into bookmarks; the PDF and the web page carry none of it."""
# The top-level elements of rendered block text: at the start, or after a top-level element closed.
_TOP_BLOCK = re.compile(r"(?:^|(?<=</p>\n)|(?<=</ul>\n)|(?<=</ol>\n))<(p|ul|ol)\b")


def anchor(value: object, path: str) -> object:
    """`value` printed with the spec field it comes from: block text (paragraphs, lists) with
    `data-spec-path` on each of its top-level elements, anything else in a `<span>` carrying it.
    Without a path (a template's own value), `value` as it would print anyway."""
    if not path or value is None:
        return value
    attribute = f' {ANCHOR_ATTRIBUTE}="{escape(path)}"'
    if isinstance(value, Block):
        return Markup(_TOP_BLOCK.sub(lambda m: f"<{m.group(1)}{attribute}", value.__html__()))
    html = getattr(value, "__html__", None)
    inner = html() if callable(html) else escape(curl(value) if type(value) is str else str(value))
    return Markup(f"<span{attribute}>{inner}</span>")


def environment(templates_dir: Path, language: str = catalogue.ENGLISH) -> ImmutableSandboxedEnvironment:
    """The sandboxed, bounded environment for one templates folder and language (compiled templates
    are cached), its fixed words from the folder's catalogue of that language."""
    return _environment(templates_dir, catalogue.load(templates_dir, language))


@lru_cache(maxsize=8)
def _environment(templates_dir: Path, words: catalogue.Catalogue) -> ImmutableSandboxedEnvironment:
    patches.jinja_parse()  # BoundedEnvironment overrides Jinja's private `_parse`
    env = BoundedEnvironment(
        loader=OverlayLoader(search_path(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_typeset,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_COMPILED,
    )
    _install(env, words)
    env.filters["format"] = _checked_format(env.filters["format"])
    env.filters["anchor"] = anchor
    env.filters.update({name: _bounded_filter(f) for name, f in env.filters.items()})
    env.globals.update({"fail": _fail, "range": _bounded_range, _TICKING: _ticking})
    return env


def _effective(templates_dir: Path, pattern: str) -> list[Path]:
    """The files matching `pattern` in the search path, each name once (the first folder's), by name."""
    found: dict[str, Path] = {}
    for folder in search_path(templates_dir):
        for path in folder.glob(pattern):
            found.setdefault(path.name, path)
    return [found[name] for name in sorted(found)]


def layouts(templates_dir: Path = DEFAULT_TEMPLATES) -> dict[str, str]:
    """Every layout in `templates_dir` and ours behind it, with its one-line description."""
    found: dict[str, str] = {}
    for path in _effective(templates_dir, "*.html.j2"):
        if path.name.startswith("_"):
            continue
        try:
            with open(path, "rb", opener=_nonblocking) as f:
                first = f.readline(1000).decode("utf-8", "replace")
        except OSError:
            first = ""  # unreadable: reported when a spec uses it
        match = _DESCRIPTION.search(first)
        found[path.name.removesuffix(".html.j2")] = match.group(1) if match else ""
    return found


def layout_files(templates_dir: Path, layout: str) -> list[Path]:
    """Every file a layout's letters depend on: its template, the shared partials, any other
    template it includes, imports or extends (whatever its name), and its CSS."""
    partials = [p for p in _effective(templates_dir, "_*.j2") if p.is_file()]
    every = [p for folder in search_path(templates_dir) for p in sorted(folder.glob("*.j2")) if p.is_file()]
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in every)
    used = _referenced(templates_dir, f"{layout}.html.j2", stamp)
    own = find(templates_dir, f"{layout}.html.j2") or templates_dir / f"{layout}.html.j2"
    return list(dict.fromkeys([own, *partials, *used, *stylesheets(templates_dir, layout)]))


@lru_cache(maxsize=32)
def _referenced(templates_dir: Path, name: str, stamp: tuple[tuple[str, int], ...]) -> list[Path]:
    # `stamp` (every template's name and time) in the key: an edited layout is read again.
    env = environment(templates_dir)
    found: list[Path] = []
    queue = [name]
    while queue:
        current = queue.pop()
        try:
            source, filename, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
            refs = _REFERENCES.get((str(filename), _digest(source)))  # the letter's render compiled it: known
            if refs is None:
                refs = list(meta.find_referenced_templates(env.parse(source)))
        except (TemplateError, OSError):
            continue  # reported when a letter is rendered
        if None in refs:  # a name computed at render time: any template may be used
            return [p for p in _effective(templates_dir, "*.j2") if p.is_file()]
        for ref in filter(None, refs):
            path = find(templates_dir, ref) or templates_dir / ref
            if path not in found:
                found.append(path)
                queue.append(ref)
    return found


def stylesheets(templates_dir: Path, layout: str) -> list[Path]:
    """The CSS files a layout is printed with: the shared sheet, then its own if any, each from the
    first folder of the search path that has it."""
    for name in (BASE_CSS, f"{layout}.css"):
        path = templates_dir / name
        if os.path.exists(path) and not path.is_file():  # a folder or FIFO was skipped without a word
            message = "is not a stylesheet file (a folder, device or FIFO); the letter's style would be lost"
            raise errors.TemplateError(errors.Problem(message, path, rule="template"))
    named = (find(templates_dir, BASE_CSS), find(templates_dir, f"{layout}.css"))
    found = list(dict.fromkeys(p for p in named if p is not None))
    for path in found:
        # WeasyPrint reads stylesheets by name, not through the asset fetcher: confine them here.
        if not path.resolve().is_relative_to(folder_of(templates_dir, path).resolve()):
            message = "refused: a link to a file outside the templates folder"
            raise errors.TemplateError(errors.Problem(message, path, rule="template"))
    return found


def _nonblocking(path: str, flags: int) -> int:
    # A FIFO named like a layout must not hang `layouts`; reading a device's first line is bounded.
    return os.open(path, flags | os.O_NONBLOCK)
