# ruff: noqa: E501  (the page's table rows are one line each, as Markdown needs them)
"""docs/limits.md, made from the constants themselves: every bound the tool keeps, its value, and what
is said at it. `python -m jtai_letters.limits > docs/limits.md` writes the page again; a test checks
the committed page is this one, so a constant changed is a page changed.
"""

from __future__ import annotations

from jtai_letters.checks import css
from jtai_letters.faces import editor, preview
from jtai_letters.letter import assets, catalogue, templates, text
from jtai_letters.outputs import docx
from jtai_letters.pipeline import absorb, archive, batch, build
from jtai_letters.report import draft as report_draft
from jtai_letters.report import html as report_html
from jtai_letters.report import pdf as report_pdf
from jtai_letters.spec import load, models, vocabulary, yamltree
from jtai_letters.tracking import register


def _n(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _mb(value: int) -> str:
    return f"{value // (1024 * 1024)} MB" if value >= 1024 * 1024 else f"{value // 1024} kB"


def markdown() -> str:
    """The page, as docs/limits.md holds it."""
    y, t, a, x = yamltree, templates, assets, archive
    return f"""\
# Limits, and what happens at each

<!-- Made by `python -m jtai_letters.limits > docs/limits.md` from the constants named; do not edit by hand. -->

Specs, profiles, images, templates, catalogues, stylesheets, archival PDFs and a batch's
manifest come from many hands, so every input is bounded. A limit is never a crash, a hang or
a silent loss: each ends in one located line (`file:line:column: field: message`) and exit
code 1 (2 for a wrong command line or an unreadable PDF given to `extract-spec`), and nothing
is written. The numbers are constants in the module named, chosen far above what real
letters use; this page is made from them.

## Spec files (`spec/load.py`, `spec/yamltree.py`, `spec/models.py`)

| limit | constant | value | a real letter | at the limit |
| --- | --- | --- | --- | --- |
| file size | `MAX_SPEC_BYTES` | {_mb(load.MAX_SPEC_BYTES)} | 10–30 kB | `is 52,428,803 bytes; a spec may be at most {_n(load.MAX_SPEC_BYTES)}` |
| kind of file | | regular files only | | `/dev/zero`, a FIFO or a socket: `is not a regular file (a device, FIFO or socket)`, without reading or waiting |
| values, after alias expansion | `MAX_NODES` | {_n(y.MAX_NODES)} | ~500 | `expands to more than {_n(y.MAX_NODES)} values (aliases repeated?)` |
| nesting | `MAX_DEPTH` | {y.MAX_DEPTH} levels | 5 | `is nested more than {y.MAX_DEPTH} levels deep` |
| items in one list | `MAX_ITEMS` | {_n(y.MAX_ITEMS)} | tens | `a list of {_n(y.MAX_ITEMS + 1)} items; at most {_n(y.MAX_ITEMS)} are allowed` |
| list items in all, after alias expansion | `MAX_ENTRIES` | {_n(y.MAX_ENTRIES)} | ~30 | `holds more than {_n(y.MAX_ENTRIES)} list items in all (aliases repeated?)` |
| text, after alias expansion | `MAX_TEXT` | {_n(y.MAX_TEXT)} characters | ~30,000 | `holds more than {_n(y.MAX_TEXT)} characters of text` |
| one word (characters without a space) | `MAX_WORD` | {_n(y.MAX_WORD)} | a long URL, ~150 | `holds a word of 20,037 characters without a space (at most {_n(y.MAX_WORD)}): give a long link words, like [the action plan](https://...)` |
| a layout's name | `MAX_LAYOUT_NAME` | {models.MAX_LAYOUT_NAME} characters | 9 | `layout: string should have at most {models.MAX_LAYOUT_NAME} characters` (it names a file: file names end at 255 bytes) |
| dates (published, response, updates, due dates, inspection period) | `LAST_YEAR` | the year {models.LAST_YEAR} or before | | `expected a date in the year {models.LAST_YEAR} or before, got 9999-12-31`: deadlines and calendar events are counted on from them, and the calendar ends with 9999 |
| merge keys (`<<:`) | | not supported | | `merge keys (<<) are not supported: write the fields out, or name an office profile` |
| `schema_version` | | the number 1 | | `true`, `1.0`, `'1'`: `expected the number 1, got true` |

Why rows and words: the PDF's table layout costs time in proportion to its rows,
and line breaking costs time with the square of a word's length. Measured on the
2-core test machine (WeasyPrint 70): a table of 990 action rows renders in 6.5 s
and 200 MB; a 1,000-character word adds about 1 s; a 20,000-character word took
6.7 s and an 80,000-character one 92 s before the word limit. A 58 kB spec that
reused one 1,000-row list through aliases took 2 min 20 s and 1.1 GB; it is now
refused while it is read.

## Text (`letter/text.py`, `checks/rules.py`, `checks/fonts.py`)

| what | severity | message |
| --- | --- | --- |
| control characters Word cannot hold | error | `contains the control character U+0007, which a letter cannot hold; delete it` (a progress report's `--title` too) |
| bidirectional embeddings and overrides (U+202A–U+202E) | error | `contains the bidirectional control U+202E, which changes the order readers see the text in; delete it` |
| a field of only zero-width or blank characters | error | `holds only invisible characters (zero-width spaces); write the text` |
| lists nested more than {text.LIST_DEPTH - 1} level in a list (`LIST_DEPTH`) | error | `lists nest one level only: move the deeper items up a level, or into their own list` |
| a link reference definition (`[p]: https://...`) | error | it printed nothing, and `[words][p]` kept its brackets: `write each link in place, as [words](https://...)` |
| a link without words (`[](https://...)`) | error (`link-words`) | it printed nothing in the PDF and Word, and an empty link on the web page |
| characters no installed font can draw | warning | `the PDF's fonts cannot draw 6 characters of the Devanagari script (first 'ह', U+0939): they would print as empty boxes; install a font for it` |

Isolates (U+2066–U+2069) and the direction marks RLM/LRM are allowed: Arabic and Urdu
text uses them. The font check asks fontconfig (`fc-list`) which characters the
installed fonts have, once per process (0.3 s with the Noto fonts installed) and only for
specs with text beyond Latin; WeasyPrint takes each character from the first such font.
Without `fc-list` (not a Debian system) the check is skipped. Setup installs the Noto
fonts for the scripts most used in England and Wales (see Fonts in the README).

## Images (`letter/assets.py`)

Every logo and signature is decoded in full when a spec is checked, so `validate`,
the PDF and the DOCX agree.

| limit | constant | value | at the limit |
| --- | --- | --- | --- |
| file size | `MAX_ASSET_BYTES` | {_mb(a.MAX_ASSET_BYTES)} | `'logo.png' is 6,000,000 bytes; an image may be at most {_n(a.MAX_ASSET_BYTES)}` |
| pixels | `MAX_PIXELS` | {_n(a.MAX_PIXELS)} (read from the header, before any pixel is decoded) | `is 8,000 x 8,000 pixels; an image may have at most {_n(a.MAX_PIXELS)} pixels (a logo needs about 1,000 across): resize it` |
| far larger pictures (decompression bombs) | Pillow's own | 89,478,485 | `is over 89,478,485 pixels; ...` |
| type | | PNG or JPEG, by content | `is not a PNG or JPEG image` |
| integrity | | every pixel decodes | `is not a readable PNG image (image file is truncated ...)`; an SVG behind PNG magic: `is not a readable PNG image` |
| colour | | 1, L, LA, P, PA, RGB, RGBA, I;16 | CMYK (as design agencies supply JPEGs) is converted once to an RGB PNG that both writers embed; any other mode: `uses the colour mode ...; save it as RGB` |
| `data:` URLs in a template | `MAX_DATA_URL_BYTES` | {_mb(a.MAX_DATA_URL_BYTES)} | `refused a data: URL of 100,022 characters` |
| where | | inside the folder of the file naming it | `'../logo.png' points outside the spec's folder` (or `the profile's folder`, for an image a profile names) |

## Office profiles (`spec/load.py`)

`office.profile` must resolve, symlinks followed, inside the tree of the spec's
folder's parent (so `../profiles/x.yaml` works from `responses/`), or inside a folder
given with `--profiles DIR`. Otherwise: `'../../x.yaml' is outside the folders profiles
are read from (...); keep profiles near the specs, or name their folder with --profiles`.
Problems in a profile name the field but never its value (`expected text, got a value
not shown here`): a file named as a profile may not be one.

## Templates (`letter/templates.py`, `letter/layouts.py`)

An office's own templates (`--templates DIR`) run in Jinja's immutable sandbox with
these bounds; each ends in `templates/x.html.j2: layout 'x' failed: <message>`.

| limit | constant | value | message |
| --- | --- | --- | --- |
| files | `MAX_TEMPLATE_BYTES` | inside the templates folder, symlinks resolved; regular files of at most {_n(t.MAX_TEMPLATE_BYTES)} bytes | `refused to load '_secret.j2': it leads outside the templates folder`, `... is not a regular file` |
| `layouts.yaml` | | inside the templates folder, like every other file of it | `refused to read layouts.yaml: it is a link to a file outside the templates folder` (its keys are never echoed) |
| a layout or `letter.css` that is a folder, device or FIFO | | refused, not skipped | `layout 'statement': ... is not a template file`; `letter.css: is not a stylesheet file (a folder, device or FIFO)` |
| render time | `RENDER_SECONDS` | {_n(t.RENDER_SECONDS)} s of the template's own work (CPU time: a busy machine or a laptop's sleep does not count; a letter takes milliseconds) | `the template ran for more than {_n(t.RENDER_SECONDS)} seconds (a loop without end?)` |
| the letter's HTML | `MAX_OUTPUT` | {_n(t.MAX_OUTPUT)} characters | `the template wrote more than {_n(t.MAX_OUTPUT)} characters` |
| a value built by `*`, `+`, a filter (`replace`, `join`, `indent`, ...) or a string method (`.replace()`, `.center()`, ...) | `MAX_OUTPUT` | {_n(t.MAX_OUTPUT)} items or characters, sized before it is built | `the template built a value of 16,777,216 items or characters; at most {_n(t.MAX_OUTPUT)}` |
| `range()` | `MAX_RANGE` | {_n(t.MAX_RANGE)} numbers | `range() of 1,000,000,000 numbers; at most {_n(t.MAX_RANGE)} in a template` |
| numbers given to filters (`center`, `indent`, ...) | `MAX_OUTPUT` | {_n(t.MAX_OUTPUT)} | `refused the number 1,000,000,000 in a filter` |
| widths and precisions in `format`, `%` and `str.format` | | under a million, never `*` or `{{}}` | `refused a format width of a million characters or more, or one given by *` |
| powers (`**`) | `MAX_DIGITS` | {t.MAX_DIGITS} digits | `refused a power of 400 digits: at most {t.MAX_DIGITS} can be printed` |
| recursion | | none without end | a template that includes or extends itself, or a macro calling itself: `templates include, extend or call themselves without end` |
| a layout that prints nothing (only its `{{# layout: #}}` line) | | refused by validate and render | `layout 'statement' printed nothing: a layout must make the letter's HTML` |
| Python errors in the template's own code | | | `templates/x.html.j2:5: template error: ZeroDivisionError: division by zero` (file and line of the template) |
| the web page | | nothing that runs, loads or navigates | scripts, frames, forms and their controls, `<base>`, `<meta http-equiv>` (a refresh opens another address), `target=`, event handlers: `web page not written: the layout gives <meta> http-equiv=, ...` |

The clock is checked on every call, attribute or item access, operator, filter, piece
of output and item of every `{{% for %}}` loop (loops are rewritten, when a template is
compiled, to iterate through a checking generator), so even nested loops over a literal
inside a macro stop at the limit. The page's Content-Security-Policy (`default-src 'none'`,
`base-uri 'none'`, `form-action 'none'`) also holds the register's web page; browsers
offer no policy against navigation itself (`navigate-to` was never shipped), hence the
refusals above.

## Stylesheets (`checks/css.py`, `outputs/pdf.py`)

| limit | constant | value | at the limit |
| --- | --- | --- | --- |
| where | | inside the templates folder | `templates/x.css: refused: a link to a file outside the templates folder` |
| size | `MAX_ASSET_BYTES` | {_mb(a.MAX_ASSET_BYTES)} | `... may be at most {_n(a.MAX_ASSET_BYTES)}` |
| nesting of `{{`, `(` and `[` (rules in rules, `calc(` in `calc(`) | `MAX_CSS_NESTING` | {css.MAX_CSS_NESTING} levels | `letter.css:2:69: CSS nested more than {css.MAX_CSS_NESTING} levels deep (rules, calc() or brackets inside one another); a stylesheet needs a few` (both parsers recurse once per level) |

The same nesting bound holds `<style>` elements and `style` attributes a template writes.

## Message catalogues (`letter/catalogue.py`)

| limit | constant | value | at the limit |
| --- | --- | --- | --- |
| file size | `MAX_CATALOGUE_BYTES` | {_n(catalogue.MAX_CATALOGUE_BYTES)} bytes | `the catalogue cannot be read: is ... bytes` |
| character set | | one Python reads as text | `the catalogue's header names the character set 'bogus', which is not one text is read in: write charset=UTF-8` (`hex`, `rot13` too) |
| plural forms | `MAX_PLURAL_FORMS` | 1 to {catalogue.MAX_PLURAL_FORMS} | `the catalogue's header declares nplurals=30000000; a language has from 1 to {catalogue.MAX_PLURAL_FORMS} plural forms` (Babel made a list of each: 1 GB for a 1 MB file) |
| the `plural=` expression | `PLURALS_TRIED` | tried on 0 to {_n(catalogue.PLURALS_TRIED - 1)}: each gives a form below nplurals | `the catalogue's Plural-Forms fails for 0 (ZeroDivisionError: ...); correct its plural=` |
| words | | `%(name)s` and `%%` only | `refused the catalogue's words ...: only %(name)s and %% may stand in them` |

## Archival PDFs (`pipeline/archive.py`, `extract-spec`)

| limit | constant | value | at the limit |
| --- | --- | --- | --- |
| PDF size | `MAX_PDF_BYTES` | {_mb(x.MAX_PDF_BYTES)}, regular files only | `is 104,857,601 bytes; a letter may be at most {_n(x.MAX_PDF_BYTES)}` |
| one attachment, inflated | `MAX_FILE_BYTES` | {_mb(x.MAX_FILE_BYTES)}, inflated in 64 kB steps | `attachment 'logo.png' is larger than {_n(x.MAX_FILE_BYTES)} bytes` (a flate bomb stops there, in bounded memory) |
| all attachments | `MAX_TOTAL_BYTES`, `MAX_FILES` | {_mb(x.MAX_TOTAL_BYTES)}, {x.MAX_FILES} files | `its attachments hold more than {_n(x.MAX_TOTAL_BYTES)} bytes in all` |
| the attachments' name tree | `MAX_TREE_NODES`, `MAX_TREE_DEPTH` | {x.MAX_TREE_NODES} nodes, {x.MAX_TREE_DEPTH} levels, no node twice | `its attachments' name tree loops (a node is its own descendant): not an archival letter of jtai-letters` (exit 2, at once: 16 kids pointing at their parent were 16^8 walks) |
| names | `MAX_NAME` | {x.MAX_NAME} characters; no `.`, `..`, empty parts, absolute paths, control characters or backslashes; no name both a file and a folder | `refused to write 'sub/..': it would leave out/` |
| what `--to` writes | | the spec, the profile its `office.profile` names, and the logo and signature the spec or profile names | `not written: 'Makefile' is attached, but the spec does not name it` |
| what is printed | | control characters and bidirectional overrides escaped | `\\x1b[2J` is printed as those six characters |
| existing files | | kept | `'spec.yaml' already exists in out/: nothing was written (--force overwrites)` |
| encryption | | refused | `is encrypted; an archival letter never is (PDF/A forbids it)` |
| damage | | | `cannot read this PDF (damaged?): PdfReadError`, `attachment 'spec.yaml' has no data (damaged PDF)`, `attachment 'spec.yaml' is not UTF-8 text` |

Every name is checked, and the spec decoded, before anything is written; files are
then written to temporary names and renamed into place. A profile given with `--profile`
travels with the letter and the archived spec names it; one from outside the spec's
folder's parent is archived in a `profiles/` folder beside the spec's, so the extracted
letter regenerates within the profile confinement above.

## Letters, batches and reports (`pipeline/build.py`, `pipeline/batch.py`, `tracking/`)

| limit | constant | value | at the limit |
| --- | --- | --- | --- |
| a letter's time (`render`, `batch`: `--timeout`) | `TIMEOUT_SECONDS` | {_n(build.TIMEOUT_SECONDS)} s | `took longer than {_n(build.TIMEOUT_SECONDS)} s and was stopped (see --timeout); nothing was written` |
| a batch worker's memory (`--memory`) | `MEMORY_MB` | {_n(build.MEMORY_MB)} MB | `stopped the worker making it (SIGKILL: out of memory?); the other letters went on` |
| a letter's memory (`render --memory MB`) | | none unless given; then each letter is made in a process of its own within it and `--timeout`, as a progress report is | `needed more than 4,096 MB and was stopped (see --memory); nothing was written`; the other letters go on |
| a progress report's time and memory (`progress --timeout`, `--memory`) | `TIMEOUT_SECONDS`, `MEMORY_MB` | {_n(build.TIMEOUT_SECONDS)} s, {_n(build.MEMORY_MB)} MB, in a process of its own | `needed more than {_n(build.MEMORY_MB)} MB and was stopped (see --memory); nothing was written` (3,000 rows took 40 s and 0.7 GB; 19,900 rows ran past 400 s and 5 GB) |
| letters a worker makes before it is replaced | `TASKS_PER_WORKER` | {batch.TASKS_PER_WORKER} | (a guard against creeping memory) |
| the manifest and its journal | `MAX_MANIFEST_BYTES` | {_mb(batch.MAX_MANIFEST_BYTES)}, regular files, never read or written through a link | a larger or linked one is not used: the batch checks every letter again |
| what `--prune` removes | | regular files inside the output folder whose bytes the manifest's own hash names | `out/../x.pdf: not removed: it is outside the output folder (the manifest was edited?)`; `... it has changed since the batch wrote it` |
| an output over an input | | never | `letter.html is a file this letter is made from; it is never written over: choose another -o`; `register`, `progress`, `deadlines`: `is one of the specs read; name another file to write (-o)` |
| a cell of the xlsx register | `XLSX_CELL_CHARACTERS` | {_n(register.XLSX_CELL_CHARACTERS)} characters (Excel's) | a warning: `the answer of recommendation R1 is 33,999 characters; Excel holds {_n(register.XLSX_CELL_CHARACTERS)} in a cell, so the spreadsheet has only its start: the whole text is in the .csv and .json registers` |
| a Word document property (title, subject) | `CORE_PROPERTY_LIMIT` | {docx.CORE_PROPERTY_LIMIT} characters (Word's) | cut, with an ellipsis |
| calendar events | | one UID per spec and action, the same in every export | two specs of one office, report and date add their file names to what their UIDs are made from |

## Inspection reports read by `draft`, letters read back by `absorb` (`report/`, `pipeline/absorb.py`)

| limit | constant | value | at the limit |
| --- | --- | --- | --- |
| a report's PDF | `MAX_PDF_BYTES` (`report/draft.py`) | {_mb(report_draft.MAX_PDF_BYTES)} | `... may be at most {_n(report_draft.MAX_PDF_BYTES)}` |
| pages read | `MAX_PAGES` | {report_pdf.MAX_PAGES} | the longest HMICFRS report is well under this |
| time reading it | `SECONDS` (`report/pdf.py`) | {_n(report_pdf.SECONDS)} s | reading stops, whatever the page count |
| a saved report page | `MAX_HTML_BYTES` | {_mb(report_html.MAX_HTML_BYTES)} | `is ... bytes; a saved report page may be at most {_n(report_html.MAX_HTML_BYTES)}` |
| paragraphs, headings and rows of it | `MAX_BLOCKS` | {_n(report_html.MAX_BLOCKS)} | `has over {_n(report_html.MAX_BLOCKS)} paragraphs, headings and rows: not a report page` |
| anchors open at once in a letter read back | `MAX_OPEN` | {absorb.MAX_OPEN} | `more than {absorb.MAX_OPEN} anchors open at once: not a letter this tool made` |

## The preview and the editor (`faces/preview.py`, `faces/editor.py`)

| limit | constant | value | at the limit |
| --- | --- | --- | --- |
| where it listens | `HOST` | {preview.HOST} only, port {preview.DEFAULT_PORT} by default | foreign `Host` headers: 400 (DNS rebinding) |
| a request's time to arrive | `REQUEST_SECONDS` | {_n(preview.REQUEST_SECONDS)} s | a connection that has sent half a request is closed |
| what it serves | | a fixed list of paths | anything else: 404, whatever its `..` or encoding |
| downloads' names | | RFC 6266 | `filename*=UTF-8''ymateb-%C5%B5yl.pdf` beside an ASCII `filename`; quotes and line breaks cannot end the header |
| a change set sent to the editor | `MAX_REQUEST_BYTES` | {_mb(editor.MAX_REQUEST_BYTES)} | `a change set is at most {editor.MAX_REQUEST_BYTES // (1024 * 1024)} MB` (413) |
| a refresh that fails unexpectedly | | shown as a problem | `could not be rendered (LookupError: ...); please report this`, and the page keeps following saves |

## File names

A path too long for the file system, or holding a NUL character, is a missing file
(`no such profile`, `does not exist`, `no such file or folder`), never a traceback.

## Dates

A response's s55 deadline is the {vocabulary.DEADLINE_DAYS}th day from publication (`DEADLINE_DAYS`). Dates
in a spec end with the year {models.LAST_YEAR} (`LAST_YEAR`), and so do the dates the command line
takes (`new --published`, `--as-of`).
"""


if __name__ == "__main__":
    print(markdown(), end="")
