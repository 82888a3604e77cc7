"""YAML text -> Python values that remember where each key and item was written.

PyYAML's C parser composes the node tree (fast: about 1 ms for a letter); this
module builds the values from it, so it can do what plain loaders do not: keep
the line and column of every key and value, refuse duplicate keys (PyYAML
silently keeps the last, losing an officer's text), and bound alias expansion
and nesting so a hostile file cannot exhaust memory.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = SafeConstructor()

MAX_NODES = 100_000  # values after alias expansion; a long letter has ~500
MAX_DEPTH = 40
MAX_ITEMS = 1_000  # items in one list; a letter's longest list has tens
MAX_TEXT = 2_000_000  # characters of text after alias expansion
# PDF layout time grows with the square of a word's length (20,000 characters: 7 s).
MAX_WORD = 1_000  # characters without a space; the longest real URL in a letter is ~150
MAX_ENTRIES = 2_000  # list items in all, after alias expansion: table rows, paragraphs; a letter has ~30
_LONG_WORD = re.compile(rf"(?<!\S)\S{{{MAX_WORD + 1}}}\S*")  # anchored at a word's start: linear time
MERGE_TAG = "tag:yaml.org,2002:merge"

Pos = tuple[int, int]  # 0-based line and column, as the parser reports them


class YamlError(Exception):
    """The text is not a YAML document we accept; `line`/`column` are 1-based when known."""

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, key_path: tuple[Any, ...] = ()
    ):
        super().__init__(message)
        self.message, self.line, self.column, self.key_path = message, line, column, key_path


class Map(dict[Any, Any]):
    """A mapping with the position of each key and of each value."""

    start: Pos
    keys_at: dict[Any, Pos]
    values_at: dict[Any, Pos]
    own: set[Any]  # keys written in this file (a merged office also holds its profile's)


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
        at_tab = mark is not None and text[mark.index : mark.index + 1] == "\t"
        message = "a tab is used for indentation; indent with spaces" if at_tab else _message(e)
        raise YamlError(message, mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    except yaml.YAMLError as e:
        raise YamlError(f"invalid YAML: {e}") from None
    return None if root is None else _Builder().build(root, (), 0)


def _message(e: yaml.MarkedYAMLError) -> str:
    problem = (e.problem or "").strip()
    context = (e.context or "").strip()
    return f"invalid YAML: {problem}" + (f" ({context})" if context and context not in problem else "")


class _Builder:
    def __init__(self) -> None:
        self.count = 0
        self.chars = 0
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
        try:
            return _SCALARS.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as e:
            line, column = _pos(node)
            if node.tag.endswith(":timestamp"):
                message = f"expected a date like 2020-03-30, got {node.value!r} ({e})"
            else:
                message = f"cannot read the value {node.value!r}: {e}"
            raise YamlError(message, line + 1, column + 1, path) from None

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
