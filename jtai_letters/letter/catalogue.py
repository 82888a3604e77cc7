"""The fixed words a letter prints, in its language: gettext catalogues per templates folder.

A templates folder carries `locale/<language>/LC_MESSAGES/messages.mo` (compiled from the
`.po` beside it; an office's own folder may carry only the `.po`, read directly). An office's
catalogue stands in front of ours: the entries it gives are its words, ours give the rest. The
words are the English msgids; a language without a catalogue, or an entry left without
a translation (no published source for it: see docs/welsh.md), prints the English, marked
`<span lang="en-GB">` so screen readers switch voice. Catalogues load only from inside
their templates folder, like the templates themselves.
"""

from __future__ import annotations

import codecs
import gettext
import io
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2.exceptions import SecurityError
from markupsafe import Markup

from jtai_letters.errors import Problem, TemplateError
from jtai_letters.letter.assets import read_regular
from jtai_letters.letter.folders import search_path
from jtai_letters.letter.typography import curl
from jtai_letters.spec.vocabulary import DEFAULT_LANGUAGE, SOURCE_LANGUAGE

ENGLISH = SOURCE_LANGUAGE  # the msgids' language: it needs no catalogue
DOMAIN = "messages"
MAX_CATALOGUE_BYTES = 1_000_000
MAX_PLURAL_FORMS = 6  # CLDR's languages have at most six (Welsh and Arabic); Babel builds a list of each
PLURALS_TRIED = 1000  # counts 0 to 999 each give a form below nplurals, or the catalogue is refused
_CHARSET = re.compile(rb"charset\s*=\s*([^\s\"\\;]*)", re.I)
_NPLURALS = re.compile(rb"nplurals\s*=\s*(\d*)", re.I)
# English number words to ten (GOV.UK style: "two recommendations", "no areas for improvement").
_ENGLISH_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

# The short forms a number takes before its noun (Gareth King, Modern Welsh: A Comprehensive Grammar, numerals).
_BEFORE_A_NOUN = {"cy": {"pump": "pum", "chwech": "chwe"}}

_FORMAT = re.compile(r"%\([a-z_]+\)s|%%")
_ENGLISH_SPAN = f'<span lang="{DEFAULT_LANGUAGE}">'
_MARK = re.compile(re.escape(_ENGLISH_SPAN) + "|</span>")
_PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)s")
# The msgids printed in English in a letter of another language, as the letter is rendered.
_untranslated: ContextVar[list[str] | None] = ContextVar("untranslated", default=None)


def number_words(n: int, language: str = ENGLISH) -> str:
    """A number to ten in words, in `language`; larger ones in figures.

    English from the house style; Welsh from num2words' Welsh (`lang='cy'`).

    >>> number_words(2), number_words(0), number_words(11), number_words(2, "cy"), number_words(5, "cy")
    ('two', 'no', '11', 'dau', 'pum')
    """
    if not 0 <= n <= 10:
        return str(n)
    if language == ENGLISH:
        return _ENGLISH_NUMBERS[n]
    from num2words import num2words

    said = str(num2words(n, lang=language))
    # Before a noun Welsh shortens five and six (pum argymhelliad, chwe maes): num2words counts alone.
    return _BEFORE_A_NOUN.get(language, {}).get(said, said)


def catalogue_path(templates_dir: Path, language: str, suffix: str) -> Path:
    """Where `language`'s catalogue of a templates folder lives (`suffix`: '.po' or '.mo')."""
    return templates_dir / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@dataclass(frozen=True)
class Catalogue:
    """One language's words for one templates folder."""

    language: str
    translations: gettext.NullTranslations

    def _entry(self, key: str | tuple[str, int]) -> bool:
        if self.language == ENGLISH:
            return True
        translations: gettext.NullTranslations | None = self.translations
        while translations is not None:  # an office's catalogue, then ours behind it
            if key in getattr(translations, "_catalog", {}):
                return True
            translations = getattr(translations, "_fallback", None)
        return False

    def text(self, message: str) -> tuple[str, bool]:
        """(words, translated): the message in this language, or the English when it has no translation."""
        return _plain_format(self.translations.gettext(message)), self._entry(message)

    def ntext(self, singular: str, plural: str, n: int) -> tuple[str, bool]:
        """`text()` for a message with plural forms (Welsh has six: CLDR's zero, one, two, few, many, other)."""
        return _plain_format(self.translations.ngettext(singular, plural, n)), self._entry((singular, 0))

    def markup(self, message: str, translated: bool, variables: dict[str, Any]) -> Markup:
        """The words with `variables` put in (escaped, plain text with typographic quotes), and English
        in a letter of another language marked as English."""
        values = {k: curl(v) if type(v) is str else v for k, v in variables.items()}
        if translated:
            rv: Markup = Markup(message) % values
            return rv
        said = _untranslated.get()
        if said is not None:
            said.append(message)
        # Only the English words are marked English: the values put in are the letter's own.
        out = Markup()
        for i, piece in enumerate(_PLACEHOLDER.split(message)):
            if i % 2:
                out += Markup("%(" + piece + ")s") % values
            elif piece:
                out += Markup(_ENGLISH_SPAN + "%s</span>") % piece.replace("%%", "%")
        return out

    @staticmethod
    def unmarked(value: object) -> object:
        """Words as they may stand in a `<title>` or an attribute: without the marks of English
        (markup there would be text, or end the head). Values that are not the catalogue's pass as they are."""
        return Markup(_MARK.sub("", value)) if isinstance(value, Markup) else value

    def plain(self, message: str) -> str:
        """The words as plain text, for page furniture that holds no markup."""
        return self.text(message)[0]


def _plain_format(words: str) -> str:
    # An office's catalogue is code from another hand, like its templates: a width (`%(x)999999999s`)
    # would build a huge string, so only `%(name)s` and `%%` may stand in the words.
    if _FORMAT.sub("", words).count("%"):
        raise SecurityError(f"refused the catalogue's words {words[:80]!r}: only %(name)s and %% may stand in them")
    return words


@contextmanager
def recording() -> Iterator[list[str]]:
    """Collect the msgids printed in English in a letter of another language while rendering."""
    found: list[str] = []
    token = _untranslated.set(found)
    try:
        yield found
    finally:
        _untranslated.reset(token)


_ENGLISH = Catalogue(ENGLISH, gettext.NullTranslations())


def load(templates_dir: Path, language: str) -> Catalogue:
    """The catalogue of `language` in `templates_dir` (none for English: the msgids are English)."""
    if language == ENGLISH:
        return _ENGLISH
    stamps = tuple(
        tuple(
            (p, p.stat().st_mtime_ns) if p.exists() else (p, 0)
            for p in (catalogue_path(folder, language, s) for s in (".mo", ".po"))
        )
        for folder in search_path(templates_dir)
    )
    return _load(search_path(templates_dir), language, stamps)


@lru_cache(maxsize=16)
def _load(folders: tuple[Path, ...], language: str, stamps: tuple[tuple[tuple[Path, int], ...], ...]) -> Catalogue:
    # `stamps` in the key: an edited catalogue is read again.
    chain: gettext.NullTranslations | None = None
    for folder, folder_stamps in reversed(list(zip(folders, stamps, strict=True))):
        found = _translations(folder, folder_stamps)
        if found is not None:
            if chain is not None:
                found.add_fallback(chain)
            chain = found
    return Catalogue(language, chain or gettext.NullTranslations())


def _translations(templates_dir: Path, stamps: tuple[tuple[Path, int], ...]) -> gettext.GNUTranslations | None:
    """One folder's catalogue: its `.mo`, else its `.po`; None when it has neither."""
    root = templates_dir.resolve()
    for path, stamp in stamps:
        if not stamp:
            continue
        if not path.resolve().is_relative_to(root):
            message = f"refused to load the catalogue: it leads outside the templates folder {templates_dir}"
            raise TemplateError(Problem(message, path, rule="template"))
        try:
            data = read_regular(path.resolve(), MAX_CATALOGUE_BYTES, "a message catalogue")
        except (OSError, ValueError) as e:
            raise TemplateError(Problem(f"the catalogue cannot be read: {e}", path, rule="template")) from None
        nplurals = _header(data, path)
        if path.suffix == ".po":
            data = _compiled(data, path)
        try:
            translations = gettext.GNUTranslations(io.BytesIO(data))
        except (OSError, ValueError, LookupError, UnicodeDecodeError, struct.error, IndexError, KeyError) as e:
            message = f"the compiled catalogue is broken ({e}); compile it again from its .po"
            raise TemplateError(Problem(message, path, rule="template")) from None
        _check_plural(translations, nplurals, path)
        return translations
    return None


def _header(data: bytes, path: Path) -> int:
    """The number of plural forms the catalogue's header declares (2 if none), after checking that
    its character set is one Python reads as text and that it declares at most `MAX_PLURAL_FORMS`."""

    def refused(message: str) -> TemplateError:
        return TemplateError(Problem(f"the catalogue's header {message}", path, rule="template"))

    charset = _CHARSET.search(data)
    if charset:
        name = charset.group(1).decode("ascii", "replace")
        try:
            text = codecs.lookup(name)._is_text_encoding
        except (LookupError, ValueError):  # no such codec; a name holding NUL (found by the long fuzz run)
            text = False
        if not text:
            shown = "".join(c if c.isprintable() else "?" for c in name)[:40]
            raise refused(f"names the character set '{shown}', which is not one text is read in: write charset=UTF-8")
    nplurals = _NPLURALS.search(data)
    if not nplurals:
        return 2
    digits = nplurals.group(1)
    count = int(digits) if digits.isdigit() and len(digits) < 10 else 0
    if not 1 <= count <= MAX_PLURAL_FORMS:
        shown = digits[:12].decode("ascii") or "nothing"
        raise refused(f"declares nplurals={shown}; a language has from 1 to {MAX_PLURAL_FORMS} plural forms")
    return count


def _check_plural(translations: gettext.GNUTranslations, nplurals: int, path: Path) -> None:
    """Refuse a `Plural-Forms` expression that fails, or picks no form, for a count a letter may print."""
    plural = getattr(translations, "plural", None)
    if plural is None:
        return
    for n in range(PLURALS_TRIED):
        try:
            form = plural(n)
        except Exception as e:  # the expression is the office's own code: 1/(n-n) and the like
            message = f"the catalogue's Plural-Forms fails for {n} ({type(e).__name__}: {e}); correct its plural="
            raise TemplateError(Problem(message, path, rule="template")) from None
        if not (isinstance(form, int) and 0 <= form < nplurals):
            message = (
                f"the catalogue's Plural-Forms gives form {form} for {n}; "
                f"nplurals={nplurals} allows 0 to {nplurals - 1}"
            )
            raise TemplateError(Problem(message, path, rule="template"))


def _compiled(data: bytes, path: Path) -> bytes:
    from babel.messages.pofile import PoFileError, read_po

    try:
        return compile_po(read_po(io.BytesIO(data), abort_invalid=True))
    except PoFileError as e:
        raise TemplateError(Problem(f"the catalogue is not valid: {e}", path, e.lineno, rule="template")) from None
    except (ValueError, LookupError, UnicodeDecodeError) as e:
        raise TemplateError(Problem(f"the catalogue is not valid: {e}", path, rule="template")) from None


def compile_po(catalog: Any) -> bytes:
    """A Babel catalogue as `.mo` bytes, leaving out every entry without a translation in all its forms
    (Babel keeps a plural entry whose forms are empty, which would print nothing)."""
    from babel.messages.mofile import write_mo

    for message in list(catalog):
        if message.id and not (all(message.string) if isinstance(message.string, tuple) else message.string):
            catalog.delete(message.id, message.context)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def extract(templates_dir: Path) -> Any:
    """Every message the layouts (and tracking pages) in `templates_dir` and the labels print, as a Babel catalogue
    (what `messages.pot` holds): Babel's extractors over the templates and `labels.py`."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract as extract_from
    from jinja2.ext import babel_extract

    from jtai_letters.letter import labels
    from jtai_letters.spec import vocabulary

    found = Catalog(project="jtai-letters", fuzzy=False)
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    sources: list[tuple[Path, Any, dict[str, str]]] = [
        (path, babel_extract, options)
        for path in (*sorted(templates_dir.glob("*.j2")), *sorted(templates_dir.glob("tracking/*.j2")))
    ]  # the layouts, and the register's and progress report's pages
    sources += [(Path(module.__file__ or ""), "python", {}) for module in (labels, vocabulary)]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    for path, method, opts in sources:
        with open(path, "rb") as f:
            for line, message, _comments, _context in extract_from(method, f, keywords=keywords, options=opts):
                found.add(message, locations=[(path.name, line)])
    return found


def fields(templates_dir: Path, language: str) -> dict[str, str]:
    """For the layouts' generated sentences, the spec field an officer fills to write their own
    instead (the `#. field: ...` comment of the entry in the `.po`, an office's before ours); empty
    without a `.po`."""
    found: dict[str, str] = {}
    for folder in reversed(search_path(templates_dir)):
        path = catalogue_path(folder, language, ".po")
        if path.is_file():
            found.update(_fields(path, path.stat().st_mtime_ns))
    return found


@lru_cache(maxsize=8)
def _fields(path: Path, mtime_ns: int) -> dict[str, str]:
    from babel.messages.pofile import read_po

    found: dict[str, str] = {}
    try:
        with open(path, "rb") as f:
            entries = list(read_po(f))
    except (OSError, ValueError, UnicodeDecodeError):
        return found  # reported when the letter is rendered
    for entry in entries:
        for comment in entry.auto_comments:
            if comment.startswith("field: ") and entry.id:
                key = entry.id if isinstance(entry.id, str) else entry.id[0]
                found[key] = comment.removeprefix("field: ")
    return found
