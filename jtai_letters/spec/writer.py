"""Changing a spec a person wrote: the values change, nothing else does.

Every verb that writes YAML (`edit`, `update`, `absorb`, `publish --record`) goes through
`SpecDocument`: ruamel.yaml's round-trip mode reads the file with its comments, key order and
quoting, the caller changes values by their field path (the paths `validate` prints), and `save`
writes it back atomically, refusing to overwrite a file that changed on disk since it was read.

ruamel re-emits the whole document, and may lay out untouched lines its own way (a flow list
spaced differently, a comment's column). So the text written is a three-way merge: the lines
ruamel changes between its dump of the file as read and its dump after the change are applied to
the file's own lines; everything else stays as the person typed it. The merged text is parsed
back and compared with the intended data before anything is written; should the merge ever
fail that check, ruamel's own dump (correct, comments kept) is written instead.

    >>> doc = SpecDocument.from_text("report:\\n  title: Old   # the report's title\\n", Path("x.yaml"))
    >>> doc.set("report.title", "New")
    >>> print(doc.text(), end="")
    report:
      title: New   # the report's title
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    SingleQuotedScalarString,
)

from jtai_letters.errors import OutputError, Problem, SpecError, UsageError
from jtai_letters.files import write_atomic

Key = str | int
FieldPath = str | tuple[Key, ...] | list[Key]

_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")
# Indentation styles tried in turn: the first whose dump reproduces the file is the file's own.
_INDENTS = ((2, 4, 2), (2, 2, 0), (2, 2, 2), (4, 4, 2), (4, 6, 4), (4, 4, 0))
_QUOTED = (DoubleQuotedScalarString, SingleQuotedScalarString)


def parse_path(path: FieldPath) -> tuple[Key, ...]:
    """`response.recommendations[1].response` -> ('response', 'recommendations', 1, 'response').

    >>> parse_path("response.recommendations[1].response")
    ('response', 'recommendations', 1, 'response')
    >>> parse_path(("report", "title"))
    ('report', 'title')
    """
    if not isinstance(path, str):
        return tuple(path)
    steps: list[Key] = []
    pos = 0
    for m in _STEP.finditer(path):
        if m.start() != pos:
            break
        steps.append(int(m.group(1)) if m.group(1) is not None else m.group(2))
        pos = m.end()
    if pos != len(path) or not steps:
        raise UsageError(
            f"{path!r} is not a field path (write it as validate does: response.recommendations[0].response)"
        )
    return tuple(steps)


def show_path(path: tuple[Key, ...]) -> str:
    """The path as validate prints it.

    >>> show_path(('response', 'recommendations', 1, 'response'))
    'response.recommendations[1].response'
    """
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


class _Constructor(RoundTripConstructor):
    """ruamel's round trip, reading a date that is no day (`2025-02-30`) as the text written: the file
    can still be changed (the date corrected in the editor), and validate says what is wrong with it."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:  # "day is out of range for month": the shape of a date, not a day
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml(indent: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the person wrote on one line
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    yaml.allow_duplicate_keys = False
    return yaml


def _plain(value: Any) -> Any:
    """The data as plain Python values, for comparing what was meant with what was written."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _styled(new: Any, old: Any) -> Any:
    """`new` as the YAML node it should be written as, keeping `old`'s style where it still fits."""
    if isinstance(new, dict) and not isinstance(new, CommentedMap):
        out = CommentedMap()
        for k, v in new.items():
            out[k] = _styled(v, None)
        return out
    if isinstance(new, list) and not isinstance(new, CommentedSeq):
        seq = CommentedSeq(_styled(v, None) for v in new)
        simple = all(isinstance(v, str | int) and not isinstance(v, bool) and "\n" not in str(v) for v in new)
        if simple and isinstance(old, CommentedSeq) and old.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    if not isinstance(new, str) or isinstance(new, (LiteralScalarString, FoldedScalarString, *_QUOTED)):
        return new
    if "\n" in new.strip("\n"):
        # More than one line: a literal block, so paragraphs and lists read as typed.
        return LiteralScalarString(new.strip("\n") + "\n")
    text = new.strip("\n")
    if isinstance(old, LiteralScalarString | FoldedScalarString):
        return LiteralScalarString(text + "\n")
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(text)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(text)
    if " #" in text or ": " in text or text.endswith(":") or text[:1] in "!&*{}[]|>'\"%@`#,?-":
        # Legal YAML unquoted in places, but what a person misreads: quote it.
        return DoubleQuotedScalarString(text)
    return PlainScalarString(text) if isinstance(old, PlainScalarString) else text


def _trailing_holder(node: Any) -> tuple[list[Any], int] | None:
    """Where the comment after the last line of `node` is kept: ruamel hangs the blank lines and
    comments that follow a block on its deepest last key or item."""
    if isinstance(node, CommentedMap) and len(node):
        key = list(node)[-1]
        value = node[key]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
            return _trailing_holder(value)
        slot = node.ca.items.setdefault(key, [None, None, None, None])
        return slot, 2
    if isinstance(node, CommentedSeq) and len(node):
        value = node[-1]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
            return _trailing_holder(value)
        slot = node.ca.items.setdefault(len(node) - 1, [None, None])
        return slot, 0
    return None


def _take_trailing(container: Any) -> Any:
    """Detach what follows `container`'s last line (blank lines, comments), keeping its own
    end-of-line comment in place, so that a key or item added at its end goes before them."""
    held = _trailing_holder(container)
    if held is None or held[0][held[1]] is None:
        return None
    slot, pos = held
    token = slot[pos]
    value = token.value
    first = value.find("\n")
    if first < 0 or first == len(value) - 1:
        return None
    token.value = value[: first + 1]
    rest = copy.copy(token)
    rest.value = value[first + 1 :]
    return rest


def _give_trailing(container: Any, token: Any) -> None:
    if token is None:
        return
    held = _trailing_holder(container)
    if held is None:
        return
    slot, pos = held
    if slot[pos] is None:
        token.value = "\n" + token.value
        slot[pos] = token
    else:
        slot[pos].value = slot[pos].value + token.value


class SpecChanged(OutputError):
    """The file changed on disk after it was read: someone else (an editor, git) wrote it."""


class SpecDocument:
    """A spec file read for changing values in place."""

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.original = text
        self.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self._crlf = "\r\n" in text
        self._bom = text.startswith("\ufeff")
        body = text.lstrip("\ufeff").replace("\r\n", "\n")
        self._source = body
        self._indent = _INDENTS[0]
        data = None
        baseline = None
        for indent in _INDENTS:
            try:
                data = _yaml(indent).load(body)
            except YAMLError as e:
                mark = getattr(e, "problem_mark", None)
                line = mark.line + 1 if mark is not None else None
                why = getattr(e, "problem", None) or "validate says where"
                raise SpecError(Problem(f"cannot change this file: it is not valid YAML ({why})", path, line)) from None
            if self._dump(data, indent) == body:
                self._indent = indent
                baseline = body  # the unchanged data dumps as the file: no second load and dump to learn it
                break
        if not isinstance(data, CommentedMap):
            raise SpecError(Problem("cannot change this file: it is not a spec (a YAML mapping of keys)", path))
        self.data: CommentedMap = data
        self._baseline = baseline if baseline is not None else self._dump(_yaml(self._indent).load(body), self._indent)

    @classmethod
    def read(cls, path: Path) -> SpecDocument:
        """Read `path` (UTF-8) for changing."""
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise UsageError(Problem(f"cannot read: {e.strerror}", path)) from None
        try:
            return cls(raw.decode("utf-8"), path)
        except UnicodeDecodeError:
            raise SpecError(Problem("cannot change this file: it is not UTF-8 text", path)) from None

    @classmethod
    def from_text(cls, text: str, path: Path) -> SpecDocument:
        """A document from text in memory, saved to `path` when asked."""
        return cls(text, path)

    def _dump(self, data: Any, indent: tuple[int, int, int]) -> str:
        buf = io.StringIO()
        _yaml(indent).dump(data, buf)
        return buf.getvalue()

    # -- reading and changing values by field path -------------------------------------------

    def _walk(self, steps: tuple[Key, ...], *, create: bool = False) -> tuple[Any, Key]:
        """The container holding the last step, and that step."""
        node: Any = self.data
        for i, step in enumerate(steps[:-1]):
            following = steps[i + 1]
            if isinstance(node, dict) and isinstance(step, str):
                if step not in node or node[step] is None:
                    if not create:
                        raise KeyError(show_path(steps[: i + 1]))
                    node[step] = CommentedSeq() if isinstance(following, int) else CommentedMap()
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                node = node[step]
            else:
                raise KeyError(show_path(steps[: i + 1]))
        return node, steps[-1]

    def get(self, path: FieldPath, default: Any = None) -> Any:
        """The value at `path`, or `default` where there is none."""
        try:
            node, last = self._walk(parse_path(path))
            if isinstance(node, dict) and isinstance(last, str):
                return node.get(last, default)
            if isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
                return node[last]
        except KeyError:
            pass
        return default

    def set(self, path: FieldPath, value: Any, *, after: str | None = None) -> None:
        """Set the value at `path`, creating the mappings above it; a new key goes after `after`
        (a sibling key) when given, else last. Text keeps the style it was written in where it fits."""
        steps = parse_path(path)
        try:
            node, last = self._walk(steps, create=True)
        except KeyError as e:
            raise UsageError(f"{show_path(steps)}: there is no {e.args[0]} to put it in") from None
        if isinstance(node, dict) and isinstance(last, str):
            styled = _styled(value, node.get(last))
            if last not in node and after is not None and after in node and isinstance(node, CommentedMap):
                node.insert(list(node).index(after) + 1, last, styled)
            elif last not in node:
                trailing = _take_trailing(node)
                node[last] = styled
                _give_trailing(node, trailing)
            else:
                node[last] = styled
        elif isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
            node[last] = _styled(value, node[last])
        elif isinstance(node, list) and isinstance(last, int) and last == len(node):
            trailing = _take_trailing(node)
            node.append(_styled(value, None))
            _give_trailing(node, trailing)
        else:
            raise UsageError(f"{show_path(steps)}: no such place in the spec")

    def append(self, path: FieldPath, value: Any) -> int:
        """Add `value` at the end of the list at `path` (made if missing); its index."""
        steps = parse_path(path)
        current = self.get(steps)
        if current is None:
            self.set(steps, [])
            current = self.get(steps)
        if not isinstance(current, list):
            raise UsageError(f"{show_path(steps)}: is not a list")
        trailing = _take_trailing(current)
        current.append(_styled(value, None))
        _give_trailing(current, trailing)
        return len(current) - 1

    def delete(self, path: FieldPath) -> None:
        """Remove the key or list item at `path` (nothing where there is none)."""
        steps = parse_path(path)
        try:
            node, last = self._walk(steps)
        except KeyError:
            return
        if isinstance(node, list):
            if isinstance(last, int) and 0 <= last < len(node):
                node.pop(last)
        elif isinstance(node, dict):
            node.pop(last, None)

    def move(self, path: FieldPath, offset: int) -> None:
        """Move the list item at `path` by `offset` places (up is negative), within the list."""
        steps = parse_path(path)
        node, last = self._walk(steps)
        if not isinstance(node, list) or not isinstance(last, int) or not 0 <= last < len(node):
            raise UsageError(f"{show_path(steps)}: no such list item")
        target = max(0, min(len(node) - 1, last + offset))
        item = node.pop(last)
        node.insert(target, item)

    # -- writing -------------------------------------------------------------------------------

    def text(self, *, checked: bool = True) -> str:
        """The file's text with the changes made: untouched lines exactly as they were read.

        `checked=False` skips parsing the merged text back to compare it with the data (about
        half the time): for a live view of text not yet saved (the editor's letter pane), never
        for writing; `save` always checks."""
        after = self._dump(self.data, self._indent)
        merged = _merge(self._source, self._baseline, after)
        if not checked:
            return self._outward(merged if merged is not None else after)
        intended = _plain(self.data)
        for candidate in (merged, after):
            if candidate is None:
                continue
            try:
                if _plain(_yaml(self._indent).load(candidate)) == intended:
                    return self._outward(candidate)
            except YAMLError:
                continue
        raise OutputError(Problem("could not write the change back as YAML; please report this", self.path))

    def _outward(self, text: str) -> str:
        if self._crlf:
            text = text.replace("\n", "\r\n")
        return ("\ufeff" if self._bom else "") + text

    def changed(self) -> bool:
        """Whether the text to write differs from the file as read."""
        return self.text() != self.original

    def save(self, path: Path | None = None) -> str:
        """Write the changed text atomically (to `path`, default the file read) and return it.

        Refuses (`SpecChanged`) when the file on disk is no longer what was read, so a change made
        meanwhile by an editor or git is never silently overwritten: read it again and redo the change.
        """
        target = path or self.path
        if target == self.path and self.path.exists():
            try:
                now = hashlib.sha256(self.path.read_bytes()).hexdigest()
            except OSError as e:
                raise OutputError(Problem(f"cannot read: {e.strerror}", self.path)) from None
            if now != self.digest:
                raise SpecChanged(
                    Problem(
                        "changed on disk since it was opened (by an editor or git?): reload it, then change it again",
                        self.path,
                    )
                )
        text = self.text()
        write_atomic({target: text.encode("utf-8")})
        self.original = text
        self.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self._source = text.lstrip("\ufeff").replace("\r\n", "\n")
        self._baseline = self._dump(_yaml(self._indent).load(self._source), self._indent)
        return text


def _merge(source: str, baseline: str, after: str) -> str | None:
    """Apply the changes ruamel made between `baseline` and `after` to `source`'s own lines.

    `baseline` is ruamel's dump of `source` unchanged: where the two differ (layout ruamel does
    its own way), the source's lines are kept. None when a change falls on lines whose layout
    ruamel did not reproduce (the caller then writes `after` whole).
    """
    src, base, new = (
        source.splitlines(keepends=True),
        baseline.splitlines(keepends=True),
        after.splitlines(keepends=True),
    )
    if base == src:
        return after
    # Where each baseline line stands in the source (only lines ruamel reproduced exactly).
    where: dict[int, int] = {}
    for kind, i1, i2, j1, _j2 in difflib.SequenceMatcher(None, base, src, autojunk=False).get_opcodes():
        if kind == "equal":
            for k in range(i2 - i1):
                where[i1 + k] = j1 + k
    out: list[str] = []
    cursor = 0  # next source line to copy
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, base, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # The source lines standing for baseline lines i1:i2 (an insertion: the place after i1-1).
        if i2 > i1:
            if any(k not in where for k in range(i1, i2)):
                return None
            start, end = where[i1], where[i2 - 1] + 1
            if end - start != i2 - i1:
                return None
        else:
            if i1 == 0:
                start = 0
            elif i1 - 1 in where:
                start = where[i1 - 1] + 1
            else:
                return None
            end = start
        if start < cursor:
            return None
        out.extend(src[cursor:start])
        out.extend(new[j1:j2])
        cursor = end
    out.extend(src[cursor:])
    return "".join(out)
