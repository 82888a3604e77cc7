"""The published JSON Schema agrees with the tool, checked as an editor checks it: with `jsonschema`,
on YAML loaded without turning dates into dates (editors see `2020-02-04` as text)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from jtai_letters.pipeline.inspect import inspect

from .helpers import ROOT

TESTS = Path(__file__).resolve().parent
SCHEMA = json.loads((ROOT / "schema" / "response-spec.schema.json").read_text(encoding="utf-8"))
PROFILE_SCHEMA = json.loads((ROOT / "schema" / "office-profile.schema.json").read_text(encoding="utf-8"))
TIMESTAMP = "tag:yaml.org,2002:timestamp"


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it: a date is a string, as in JSON."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def editor_load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)


def schema_errors(instance: Any, schema: dict[str, Any] = SCHEMA) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


EXAMPLES = [*sorted((ROOT / "responses").glob("*.yaml")), TESTS / "minimal.yaml"]


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_against_the_schema(spec: Path) -> None:
    assert schema_errors(editor_load(spec)) == []


@pytest.mark.parametrize("profile", sorted((ROOT / "profiles").glob("*.yaml")), ids=lambda p: p.name)
def test_every_profile_validates_against_the_profile_schema(profile: Path) -> None:
    assert schema_errors(editor_load(profile), PROFILE_SCHEMA) == []


def test_the_editor_loader_keeps_dates_as_text() -> None:
    assert editor_load(ROOT / "responses" / "hampshire-2020-csa-family.yaml")["report"]["published"] == "2020-02-04"


def _schema_cases() -> list[Path]:
    cases = []
    for path in sorted((TESTS / "bad").glob("*.yaml")):
        errors = inspect(path, until="check").errors
        if errors and {e.rule for e in errors} == {"schema"}:
            cases.append(path)
    return cases


@pytest.mark.parametrize("spec", _schema_cases(), ids=lambda p: p.name)
def test_every_bad_case_the_tool_refuses_by_schema_the_schema_refuses(spec: Path) -> None:
    try:
        instance = editor_load(spec)
    except (yaml.YAMLError, UnicodeDecodeError):
        return  # not text an editor could load either (binary, UTF-16, Latin-1)
    assert schema_errors(instance) != []


def test_the_schema_cases_are_the_ones_expected() -> None:
    names = {p.name for p in _schema_cases()}
    assert {"bad-url.yaml", "missing-field.yaml", "unknown-key.yaml", "wrong-date.yaml", "wrong-type.yaml"} <= names


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website", "www.x.example"),
        ("website", "ftp://x.example"),
        ("website", "javascript:alert(1)"),
        ("email", "enquiries at x.example"),
        ("email", "enquiries@localhost"),
    ],
)
def test_the_schema_refuses_what_the_tool_refuses(tmp_path: Path, field: str, value: str) -> None:
    spec = tmp_path / "spec.yaml"
    text = (TESTS / "minimal.yaml").read_text()
    spec.write_text(text.replace("  area: Loamshire\n", f"  area: Loamshire\n  {field}: '{value}'\n"))
    assert not inspect(spec, until="check").spec  # the tool refuses it
    assert [e.split(":")[0] for e in schema_errors(editor_load(spec))] == [f"office.{field}"]


def test_a_profile_based_office_needs_no_name_but_one_without_does(tmp_path: Path) -> None:
    instance = editor_load(ROOT / "responses" / "loamshire-2025-domestic-abuse.yaml")
    assert "name" not in instance["office"]
    assert schema_errors(instance) == []
    del instance["office"]["profile"]
    assert schema_errors(instance) == [
        f"office: '{f}' is a required property" for f in ("name", "commissioner", "role", "area")
    ]
