"""YAML text -> Python values that remember where each key and item was written.

PyYAML's C parser composes the node tree (fast: about 1 ms for a letter); this
module builds the values from it, so it can do what plain loaders do not: keep
the line and column of every key and value, refuse duplicate keys (PyYAML
silently keeps the last, losing an officer's text), and bound alias expansion
and nesting so a hostile file cannot exhaust memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 100_000  # values after alias expansion; a long letter has ~500
MAX_DEPTH = 40
MAX_ITEMS = 1_000  # items in one list; a letter's longest list has tens
MAX_TEXT = 2_000_000  # characters of text after alias expansion
# PDF layout time grows with the square of a word's length (20,000 characters: 7 s).
MAX_WORD = 1_000  # characters without a space; the longest real URL in a letter is ~150
MAX_ENTRIES = 2_000  # list items in all, after alias expansion: table rows, paragraphs; a letter has ~30
_LONG_WORD = re.compile(rf"(?<!\S)\S{{{MAX_WORD + 1}}}\S*")  # anchored at a word's start: linear time
MERGE_TAG = "tag:yaml.org,2002:merge"

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
Pos = tuple[int, int]  # 0-based line and column, as the parser reports them


class YamlError(Exception):
    """The text is not a YAML document we accept; `line`/`column` are 1-based when known."""

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, key_path: tuple[Any, ...] = ()
    ):
        super().__init__(message)
        self.message, self.line, self.column, self.key_path = message, line, column, key_path


@dataclass(frozen=True)
class Cut:
    """Text without quotes that a ` #` on its line cut short: YAML reads the rest as a comment."""

    path: tuple[Any, ...]
    line: int  # 1-based, of the '#'
    column: int
    kept: str  # the value as read
    left_out: str  # what followed the ` #`


class Map(dict[Any, Any]):
    """A mapping with the position of each key and of each value."""

    start: Pos
    keys_at: dict[Any, Pos]
    values_at: dict[Any, Pos]
    own: set[Any]  # keys written in this file (a merged office also holds its profile's)
    cuts: list[Cut]  # on the top mapping only: every plain text cut by a ` #` (see `cuts`)


class Seq(list[Any]):
    """A sequence with the position of each item."""

    start: Pos
    items_at: list[Pos]


def _pos(node: Node) -> Pos:
    return node.start_mark.line, node.start_mark.column


def load(text: str) -> Any:
    """Parse one YAML document into `Map`, `Seq` and scalar values (None for an empty file)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line, mark.column) if mark else (None, None)
        message, path = _message(e), ()
        if mark is not None and (cause := _likely_cause(text, e, mark.line, mark.column)):
            line, column, message, path = cause
        raise YamlError(
            message, line + 1 if line is not None else None, column + 1 if column is not None else None, path
        ) from None
    except yaml.YAMLError as e:
        raise YamlError(f"invalid YAML: {e}") from None
    if root is None:
        return None
    builder = _Builder(text)
    value = builder.build(root, (), 0)
    if isinstance(value, Map):
        value.cuts = builder.cuts
    return value


def cuts(root: Any) -> list[Cut]:
    """The plain texts in a tree from `load` that a ` #` cut short, in file order (an empty `kept`:
    nothing but the comment followed the key)."""
    found: list[Cut] = getattr(root, "cuts", [])
    return found


def comment_at_start(cut: Cut) -> str:
    """What to do about text that starts with '#' (`response: #1 priority`): all of it was read as a comment."""
    shown = _short(f"#{cut.left_out}".strip(), 40)
    return (
        "text cannot start with '#' without quotes: YAML reads ' #' as the start of a comment, so the rest of the "
        f'line is left out and the text is empty; put the whole text in double quotes ("{shown}"), or write `|` '
        "after the key and the text on the lines below it"
    )


_COMMENT_AFTER = re.compile(r"[ \t]+#(.*)")


_DASH_WITHOUT_SPACE = re.compile(r"^(\s*)-[^\s-]")
_APOSTROPHE_IN_QUOTES = re.compile(r"^\s*(?:-\s+|[^'\"#]*?:\s+)'[^']*\w'\w")


class _Cause(NamedTuple):
    line: int  # 0-based, as the parser counts
    column: int
    message: str
    path: tuple[Any, ...] = ()  # the field it is in, when known


# The one table of the parser's errors in plain words: each names the likely mistake and its fix.
def _likely_cause(text: str, e: yaml.MarkedYAMLError, line: int, column: int) -> _Cause | None:
    """The likely mistake behind parser error `e` at (`line`, `column`), in plain words with its fix,
    for the mistakes officers make daily; None leaves the parser's own words."""
    lines = text.splitlines()
    here = lines[line] if line < len(lines) else ""
    if here[column : column + 1] == "\t" or "\t" in here[: len(here) - len(here.lstrip())]:
        return _Cause(line, column, "a tab is used for indentation; indent with spaces")
    for n in (line, line - 1, e.context_mark.line if e.context_mark else line):
        if 0 <= n < len(lines) and (dash := _DASH_WITHOUT_SPACE.match(lines[n])):
            return _Cause(
                n, len(dash.group(1)) + 1, "a list item needs a space after '-' (write '- text', not '-text')"
            )

    def cause(n: int, at: int, message: str) -> _Cause:
        return _Cause(n, at, message, _field_at(text, n))

    for n in (line, e.context_mark.line if e.context_mark else line):
        if 0 <= n < len(lines) and (quoted := _APOSTROPHE_IN_QUOTES.match(lines[n])):
            return cause(
                n,
                quoted.end() - 2,
                "an apostrophe ends text that starts with a single quote; write the apostrophe twice (''), "
                'or put the text in double quotes ("...") instead',
            )
    context = e.context_mark.line if e.context_mark else line
    nearby = [n for n in dict.fromkeys((line, line - 1, context)) if 0 <= n < len(lines)]
    for n in nearby:
        if (start := _SPECIAL_START.match(lines[n])) and n == line:
            mark, shown = start.group(1)[0], _short(lines[n][start.start(1) :].strip(), 40)
            return cause(
                n,
                start.start(1),
                f"text cannot start with '{mark}' without quotes: YAML reads {_SPECIAL[mark]}; put the whole "
                f'text in double quotes ("{shown}"), or write `|` after the key and the text on the lines below it',
            )
        if quoted := _QUOTE_THEN_TEXT.match(lines[n]):
            return cause(
                n,
                quoted.start(2),
                "the text starts with a quotation mark, so it ends at the closing one and the words after it "
                f"('{_short(quoted.group(2))}') cannot be read; put the whole text in single quotes ('...'), or write "
                "`|` after the key and the text on the lines below it",
            )
    for n in range(line - 1, max(context - 1, line - 4), -1):
        if 0 <= n < len(lines) and (at := _plain_cut(lines, n)) is not None:
            return cause(
                n,
                at,
                f"' #' in text without quotes starts a comment: the rest of line {n + 1} is left out, and the line "
                f"after it cannot continue the text; {_how_to_write(lines, n)}",
            )
    for n in dict.fromkeys((context, line)):
        if 0 <= n < len(lines) and (found := _bar_text_ended(lines, n)):
            key_line, key, first = found
            indent = _indent(lines[n])
            return cause(
                n,
                indent,
                f"every line of a `|` text must be indented further than its key: this line is indented by "
                f"{_spaces(indent)}, as far as '{key}' on line {key_line + 1}, so the text ends above it; indent it "
                f"by {_spaces(first)}, like the first line of the text",
            )
    if "mapping values are not allowed" in (e.problem or "") and (found := _indented_too_far(lines, line, column)):
        key_line, key, key_column = found
        word, path = lines[line].strip().split(":")[0], _field_at(text, key_line)
        return _Cause(
            line,
            _indent(lines[line]),
            f"'{word}' is indented too far: by {_spaces(_indent(lines[line]))}, where '{key}' on the line above is "
            f"indented by {key_column}, so YAML reads it as more of the text of '{key}'; indent it by "
            f"{_spaces(key_column)}, exactly as the other keys of the part it belongs to",
            path[:-1] if path and path[-1] == key else path,
        )
    for n in dict.fromkeys((line, line - 1, line - 2, context, context - 1)):
        block = lines[n].rstrip().endswith(("|", ">", "|-", ">-")) if 0 <= n < len(lines) else True
        at_end = 0 <= n <= line < len(lines) and not block and bool(_COLON_AT_END.match(lines[n]))
        # A line of a text that began on a line above, ending with ':' (pasted "We have already:").
        at_end = at_end or (
            n == line < len(lines)
            and lines[n].rstrip().endswith(":")
            and not _KEY_OR_ITEM.match(lines[n])
            and _continues_plain(lines, n) is not None
        )
        if at_end and (n == line or "simple key" in (e.context or "")):
            return cause(
                n,
                len(lines[n].rstrip()) - 1,
                "a colon at the end of a line, inside text without quotes, makes the text before it a key; "
                + _how_to_write(lines, n),
            )
    if "mapping values are not allowed" in (e.problem or ""):
        return cause(
            line,
            column,
            "a colon followed by a space, inside text without quotes, starts a new key; " + _how_to_write(lines, line),
        )
    if ("expected '-' indicator" in (e.problem or "") or "expected key" in (e.problem or "")) and here.strip():
        return _Cause(line, column, _misindented(lines, line))
    return None


# Characters YAML reads specially at the start of a value without quotes, and what it reads them as.
_SPECIAL = {
    "*": "'*' there as a reference to a value named elsewhere (an alias), not as Markdown emphasis",
    "&": "'&' there as a name for the value (an anchor)",
    "!": "'!' there as a type tag",
    "%": "'%' there as a directive",
    "@": "'@' as a character reserved for future use",
    "`": "'`' as a character reserved for future use",
}
_SPECIAL_START = re.compile(r"^\s*(?:-\s+|[^#'\"\s][^#'\"]*?:\s+)([*&!%@`])")
_QUOTE_THEN_TEXT = re.compile(r"""^\s*(?:-\s+|[^#'"\s][^#'"]*?:\s+)("[^"]*"|'[^']*')[ \t]*([^\s#,:\]}].*)$""")
_PLAIN_START = re.compile(r"""^\s*(?:-\s+|[\w.-]+:\s+)[^\s#'"|>\[{&*!]""")  # a key or item, then text without quotes
_PLAIN_CUT = re.compile(r"""^\s*(?:-\s+|[\w.-]+:\s+)[^\s#'"|>\[{&*!].*?\s(#.*)$""")
_CUT_AFTER = re.compile(r"""^\s+[^\s#].*?\s(#.*)$""")  # a line that goes on with a text, then ' #'
_COLON_AT_END = re.compile(r"""^\s*(?:-\s+|[\w.-]+:\s+)[^\s#'"|>\[{].*\S:\s*$""")
_KEY_OR_ITEM = re.compile(r"^\s*(?:-(?:\s|$)|[\w.-]+:(?:\s|$))")  # a spec's keys are words
_KEY_WORD = re.compile(r"^\s*([A-Za-z_][\w.-]*):(?:\s|$)")  # `response:`: one word, a colon
_BAR_KEY = re.compile(r"^(\s*(?:-\s+)*)(?:([\w.-]+):\s+)?[|>][-+0-9]*\s*(?:#.*)?$")
# Bullets Word and officers put at the start of a line (kept in step with letter.text's pasted bullets).
_BULLET = re.compile(r"^\s*(?:[•◦▪▫■●○‣⁃–§·]|-\s|o\t)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _spaces(n: int) -> str:
    return f"{n} space{'s' * (n != 1)}"


def _short(text: str, most: int = 30) -> str:
    return text if len(text) <= most else text[: most - 3].rstrip() + "..."


def _continues_plain(lines: list[str], n: int) -> int | None:
    """The line a text without quotes starts on (a key or an item), when YAML reads line `n` as more of it."""
    if not lines[n].strip() or lines[n].lstrip().startswith(("#", "- ")):
        return None
    for m in range(n - 1, max(n - 200, -1), -1):
        above = lines[m]
        if not above.strip():
            continue
        if _KEY_OR_ITEM.match(above):
            key_column = len(above) - len(above.lstrip(" -"))
            return m if _PLAIN_START.match(above) and key_column < _indent(lines[n]) else None
        if above.lstrip().startswith("#") or _indent(above) == 0:
            return None
    return None


def _plain_cut(lines: list[str], n: int) -> int | None:
    """The 0-based column of a ' #' that cut a text without quotes on line `n`, if one did."""
    if cut := _PLAIN_CUT.match(lines[n]):
        return cut.start(1)
    if (cut := _CUT_AFTER.match(lines[n])) and not _KEY_OR_ITEM.match(lines[n]) and _continues_plain(lines, n):
        return cut.start(1)
    return None


def _how_to_write(lines: list[str], n: int) -> str:
    """The fix for a text without quotes that YAML misread at line `n`: double quotes or `|` for a line
    of text; `|` alone for bullets pasted on the lines of it (in quotes they would join into one)."""
    start = n if _KEY_OR_ITEM.match(lines[n]) else _continues_plain(lines, n)
    if start is not None:
        key_column = len(lines[start]) - len(lines[start].lstrip(" -"))
        for m in range(start + 1, min(start + 200, len(lines))):
            if lines[m].strip() and _indent(lines[m]) <= key_column:
                break
            if _BULLET.match(lines[m]):
                return "write `|` after the key and the text on the lines below it, each bullet on its own line"
    return 'put the whole text in double quotes ("..."), or write `|` after the key and the text on the lines below it'


def _bar_text_ended(lines: list[str], n: int) -> tuple[int, str, int] | None:
    """(line of the key, the key, indentation of the text's first line) when line `n`, not a key, sits
    no further in than the key of the `|` (or `>`) text above it: the text ended before it."""
    if not lines[n].strip() or _KEY_OR_ITEM.match(lines[n]) or lines[n].lstrip().startswith("#"):
        return None
    indent, first = _indent(lines[n]), None
    for m in range(n - 1, max(n - 500, -1), -1):
        above = lines[m]
        if not above.strip():
            continue
        if _indent(above) > indent:
            first = _indent(above)
            continue
        bar = _BAR_KEY.match(above)
        if bar is None or first is None:
            return None
        key_column = len(bar.group(1))
        return (m, bar.group(2) or "-", first) if key_column >= indent else None
    return None


def _indented_too_far(lines: list[str], line: int, column: int) -> tuple[int, str, int] | None:
    """(line, key, column of the key) of the key above when the `key:` at `line` is indented further than
    it and so reads as more of its text without quotes."""
    word = _KEY_WORD.match(lines[line])
    if word is None or word.end(1) != column or (start := _continues_plain(lines, line)) is None:
        return None
    above = lines[start]
    key = _KEY_WORD.match(above.replace("-", " ", above.count("-", 0, _indent(above) + 2)))
    return (start, key.group(1), key.start(1)) if key else None


def _field_at(text: str, line: int) -> tuple[Any, ...]:
    """The key path of what is written at 0-based `line`, from the parser's events before its error:
    the key or item that starts on the line, or the last one above it."""
    found: tuple[Any, ...] = ()
    stack: list[list[Any]] = []  # [path, key or next index, whether a key comes next]
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if event.start_mark is not None and event.start_mark.line > line:
                break
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            path: tuple[Any, ...] = ()
            if stack:
                top = stack[-1]
                if isinstance(top[1], int):  # a list: the next item
                    path, top[1] = (*top[0], top[1]), top[1] + 1
                elif top[2]:  # a mapping's key
                    top[1], top[2] = getattr(event, "value", ""), False
                    if not re.fullmatch(r"[\w.-]+", str(top[1])):
                        break  # text read as a key ("Over the next year we will:"): the mistake itself
                    found = (*top[0], top[1])
                    continue
                else:
                    path, top[2] = (*top[0], top[1]), True
            found = path
            if isinstance(event, yaml.MappingStartEvent):
                stack.append([path, "", True])
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append([path, 0, False])
    except yaml.YAMLError:
        pass
    return found


def _misindented(lines: list[str], line: int) -> str:
    here = lines[line]
    indent = len(here) - len(here.lstrip(" "))
    above = next(
        (lines[n] for n in range(line - 1, -1, -1) if lines[n].strip() and not lines[n].lstrip().startswith("#")), ""
    )
    key_column = len(above) - len(above.lstrip(" -"))  # '    - id: R1': the key 'id' starts after the dash
    word = here.strip().split(":")[0][:40]
    return (
        f"'{word}' is indented by {indent} space{'s' * (indent != 1)}, which lines it up with no key above it "
        f"(the keys on the line above are indented by {key_column}): indent it exactly as the other keys of "
        "the part it belongs to"
    )


def _message(e: yaml.MarkedYAMLError) -> str:
    problem = (e.problem or "").strip()
    context = (e.context or "").strip()
    return f"invalid YAML: {problem}" + (f" ({context})" if context and context not in problem else "")


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] | None = None  # split when first needed: most files have no ' #' after text
        self.cuts: list[Cut] = []
        self.count = 0
        self.chars = 0
        # One per document: a constructor remembers every node it built, so a shared one would keep them all.
        self.scalars = SafeConstructor()
        self.entries = 0

    def build(self, node: Node, path: tuple[Any, ...], depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, column = _pos(node)
            raise YamlError(
                f"expands to more than {MAX_NODES:,} values (aliases repeated?); a spec is far smaller",
                line + 1,
                column + 1,
            )
        if depth > MAX_DEPTH:
            line, column = _pos(node)
            raise YamlError(f"is nested more than {MAX_DEPTH} levels deep", line + 1, column + 1)
        if isinstance(node, MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            if len(node.value) > MAX_ITEMS:
                line, column = _pos(node)
                raise YamlError(
                    f"a list of {len(node.value):,} items; at most {MAX_ITEMS:,} are allowed", line + 1, column + 1
                )
            self.entries += len(node.value)
            if self.entries > MAX_ENTRIES:
                line, column = _pos(node)
                raise YamlError(
                    f"holds more than {MAX_ENTRIES:,} list items in all (aliases repeated?); "
                    "a letter this long cannot be printed in reasonable time",
                    line + 1,
                    column + 1,
                )
            seq = Seq(self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value))
            seq.start, seq.items_at = _pos(node), [_pos(item) for item in node.value]
            return seq
        assert isinstance(node, ScalarNode)
        self.chars += len(node.value)
        if self.chars > MAX_TEXT:
            line, column = _pos(node)
            raise YamlError(
                f"holds more than {MAX_TEXT:,} characters of text; a spec is far smaller", line + 1, column + 1
            )
        long_word = _LONG_WORD.search(node.value)
        if long_word:
            line, column = _pos(node)
            raise YamlError(
                f"holds a word of {len(long_word.group()):,} characters without a space (at most {MAX_WORD:,}): "
                "give a long link words, like [the action plan](https://...)",
                line + 1,
                column + 1,
                path,
            )
        if node.tag == _STR:
            if not node.style and node.value:
                self.cut(node, path)
            return node.value  # most values: text needs no constructor
        if node.tag == _NULL and not node.value:
            self.cut(node, path)  # `response: #1 priority`: the whole text read as a comment
        try:
            return self.scalars.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as e:
            if node.tag.endswith(":timestamp"):
                return (
                    node.value
                )  # 2025-02-30 is good YAML: the schema says the date is wrong, beside every other fault
            line, column = _pos(node)
            raise YamlError(f"cannot read the value {node.value!r}: {e}", line + 1, column + 1, path) from None

    def cut(self, node: ScalarNode, path: tuple[Any, ...]) -> None:
        # PyYAML keeps no comments: the line after the scalar's end shows whether one cut it.
        end = node.end_mark
        if end.index >= len(self.text) or self.text[end.index] not in " \t":
            return
        if self.lines is None:
            self.lines = self.text.splitlines()
        rest = self.lines[end.line][end.column :] if end.line < len(self.lines) else ""
        if comment := _COMMENT_AFTER.match(rest):
            column = end.column + comment.start(1)  # 1-based column of '#' is its 0-based index + 1
            self.cuts.append(Cut(path, end.line + 1, column, node.value, comment.group(1).rstrip()))

    def mapping(self, node: MappingNode, path: tuple[Any, ...], depth: int) -> Map:
        result = Map()
        result.start, result.keys_at, result.values_at, result.own = _pos(node), {}, {}, set()
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                line, column = _pos(key_node)
                raise YamlError(
                    "merge keys (<<) are not supported: write the fields out, or name an office profile",
                    line + 1,
                    column + 1,
                    path,
                )
            if not isinstance(key_node, ScalarNode):
                line, column = _pos(key_node)
                raise YamlError("a key must be a plain word, not a list or mapping", line + 1, column + 1)
            key = self.build(key_node, path, depth + 1)
            key = key if isinstance(key, str) else str(key_node.value)
            if key in result:
                first = result.keys_at[key][0] + 1
                line, column = _pos(key_node)
                raise YamlError(
                    f"duplicate key '{key}' (first given on line {first}): each key may appear once",
                    line + 1,
                    column + 1,
                    (*path, key),
                )
            result[key] = self.build(value_node, (*path, key), depth + 1)
            result.keys_at[key], result.values_at[key] = _pos(key_node), _pos(value_node)
            result.own.add(key)
        return result
