"""Any Unicode in any text field: validate and render never crash; the text prints verbatim
or the tool says, with a location, why it cannot."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jtai_letters import cli

from .helpers import docx_paragraphs

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"
# Every free-text field of the minimal spec (names, titles, paragraphs).
TEXT_FIELDS = [
    ("office", "name"),
    ("office", "commissioner"),
    ("office", "area"),
    ("report", "title"),
    ("report", "recommendations", 0, "text"),
    ("response", "context", 0),
    ("response", "recommendations", 0, "response"),
    ("response", "chief_constable", "omitted_because"),  # kept on record, not printed
]
NOT_PRINTED = {("response", "chief_constable", "omitted_because")}
LOCATED = re.compile(r"^\S+\.yaml:\d+:\d+: (warning: )?[a-z_.\[\]0-9]+: .+$")
# Markdown syntax changes what prints ("*a*" prints "a"), straight quotes print curly;
# line breaks fold to spaces.
# Everything else in Unicode, control characters and astral planes included, is fair.
_TEXT = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\\*_[]<>`!&'\"\n\r\x85\u2028\u2029"),
    min_size=1,
    max_size=40,
)


def _set(tree: Any, path: tuple[Any, ...], value: str) -> None:
    for part in path[:-1]:
        tree = tree[part]
    tree[path[-1]] = value


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(TEXT_FIELDS), value=_TEXT)
def test_any_text_renders_verbatim_or_is_refused_with_a_location(
    tmp_path: Path, field: tuple[Any, ...], value: str
) -> None:
    tree = yaml.safe_load(MINIMAL.read_text())
    _set(tree, field, value)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["render", str(spec), "-o", str(tmp_path / "out")], out, err)
    if code == 0 and field not in NOT_PRINTED:
        typed = value.strip()  # the model trims surrounding whitespace, Unicode's included
        printed = re.sub(r"[ \t\f]+", " ", typed)
        letter = tmp_path / "out" / "spec.docx"
        props = docx.Document(str(letter)).core_properties  # names and the area print in the metadata
        shown = "\n".join(docx_paragraphs(letter))  # HTML folds runs of spaces and tabs...
        metadata = "\n".join([props.author, props.subject, props.title])  # ...attributes keep them
        assert printed in shown or typed in metadata
        assert (tmp_path / "out" / "spec.pdf").stat().st_size > 0
    elif code != 0:
        assert code == 1
        lines = err.getvalue().splitlines()
        assert lines
        lines = [line for line in lines if ": out of date: an older letter of " not in line]  # an earlier example's
        assert all(LOCATED.match(line) for line in lines), lines
