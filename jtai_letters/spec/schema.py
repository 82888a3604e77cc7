"""The spec's JSON Schema and its Markdown reference, both generated from the models.

Editors use the schema to complete and check specs as officers type; the
Markdown reference documents the same fields, so the two can never disagree.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel

from jtai_letters.spec import dates
from jtai_letters.spec.fields import inner_model
from jtai_letters.spec.models import Profile, ResponseSpec, _http_url

# What the tool refuses, said as patterns so that every validator applies them (many skip `format`).
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@]+(?:[/?#]\S*)?$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
_FORMAT_PATTERNS = {"email": EMAIL_PATTERN, "date": r"^\d{4}-\d{2}-\d{2}$"}


def json_schema(model: type[BaseModel] = ResponseSpec) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a response spec, or of an office profile.

    Beyond what pydantic generates: URLs and e-mail addresses carry patterns, and
    the office's own fields are required only when it names no profile.
    """
    schema = model.model_json_schema()
    for name, part in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        _patterns(_model_named(model, name), part)
    office = schema.get("$defs", {}).get("Office")
    if office is not None and "profile" in office.get("properties", {}) and office.get("required"):
        office["if"] = {"required": ["profile"]}
        office["else"] = {"required": office.pop("required")}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _model_named(root: type[BaseModel], name: str) -> type[BaseModel] | None:
    seen: list[type[BaseModel]] = [root]
    for model in seen:
        if model.__name__ == name:
            return model
        for info in model.model_fields.values():
            inner = inner_model(info.annotation)
            if inner is not None and inner not in seen:
                seen.append(inner)
    return None


def _patterns(model: type[BaseModel] | None, part: dict[str, Any]) -> None:
    if model is None:
        return
    for name, info in model.model_fields.items():
        prop = part.get("properties", {}).get(name)
        if prop is None:
            continue
        is_url = any(getattr(m, "func", None) is _http_url for m in info.metadata) or _http_url in _validators(
            info.annotation
        )
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") != "string":
                continue
            if is_url:
                branch["pattern"] = URL_PATTERN
            elif branch.get("format") in _FORMAT_PATTERNS:
                branch["pattern"] = _FORMAT_PATTERNS[branch["format"]]


def _validators(annotation: Any) -> list[Any]:
    found = [getattr(m, "func", None) for m in getattr(annotation, "__metadata__", ())]
    for arg in typing.get_args(annotation):
        found += _validators(arg)
    return found


def json_schema_text(model: type[BaseModel] = ResponseSpec) -> str:
    """The schema as the file kept under version control."""
    return json.dumps(json_schema(model), indent=2, ensure_ascii=False) + "\n"


_PER_LANGUAGE = ", or one per language (`{en: ..., cy: ...}`)"


def _type(prop: dict[str, Any]) -> str:
    """A field's type in plain words: "text", "text or a list of paragraphs", "a date (2025-10-14)"."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        branches = [p for p in prop["anyOf"] if p.get("type") != "null"]
        languages = [p for p in branches if _in_each_language(p)]
        branches = [p for p in branches if not _in_each_language(p)]
        if any(p.get("format") == "date" for p in branches) and any("pattern" in p for p in branches):
            said = "a date, a month (2026-03) or a quarter (2026-27 Q1)"
        elif len(branches) == 2 and branches[1].get("type") == "array" and branches[0].get("type") == "string":
            said = "text or a list of paragraphs"
        else:
            said = " or ".join(dict.fromkeys(_type(p) for p in branches))
        if not languages:
            return said
        if said.endswith(_PER_LANGUAGE):  # a list whose items, or the whole list, may be given per language
            return (
                said.removesuffix(_PER_LANGUAGE)
                + " (each item, or the whole list, one per language: `{en: ..., cy: ...}`)"
            )
        return said + _PER_LANGUAGE
    if "const" in prop:
        return f"`{prop['const']}`"
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if prop.get("contentMediaType") == "text/markdown":
        return "text (Markdown)"
    if prop.get("format") == "date":
        return "a date (2025-10-14)"
    if kind == "string":
        return {"email": "an e-mail address", "uri": "a web address (https://...)"}.get(prop.get("format", ""), "text")
    return str({"boolean": "true or false", "integer": "a number"}.get(kind, kind))


_QUARTERS = ", ".join(f"2026-27 Q{q} is {dates.months(*dates.financial_quarter(2026, q))}" for q in range(1, 5))


def _in_each_language(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "object" and set(prop.get("properties", {})) <= {"en", "cy"}


def _required(field: str, required: set[str], unless_profile: set[str]) -> str:
    if field in required:
        return "yes"
    return "yes, unless a `profile` gives it" if field in unless_profile else ""


def markdown() -> str:
    """The spec reference as Markdown: one table per part of the spec."""
    schema = json_schema()
    profile = json_schema(Profile)
    parts = [("ResponseSpec", schema), *sorted(schema.get("$defs", {}).items()), ("Profile", profile)]
    out = [
        "# Response spec reference",
        "",
        "Generated from the models by `jtai-letters schema --markdown`; do not edit by hand.",
        "Fields of *text (Markdown)* take paragraphs, lists, `*emphasis*`, `**strong**` and `[words](https://...)`",
        "(see [writing-specs.md](writing-specs.md)); a *list of paragraphs* is one such text per item.",
        f"Dates are written year-month-day ({dates.EXAMPLE_DAY}). A financial quarter counts from April: {_QUARTERS}.",
        "",
    ]
    for name, part in parts:
        out += [
            f"## {name}",
            "",
            part.get("description", ""),
            "",
            "| field | type | required | description | example |",
            "| --- | --- | --- | --- | --- |",
        ]
        required = set(part.get("required", []))
        unless_profile = set(part.get("else", {}).get("required", []))
        for field, prop in part.get("properties", {}).items():
            examples = prop.get("examples") or []
            example = f"`{json.dumps(examples[0], ensure_ascii=False)}`" if examples else ""
            description = prop.get("description", "").replace("|", "\\|").replace("\n", " ")
            needed = _required(field, required, unless_profile)
            out.append(f"| `{field}` | {_type(prop)} | {needed} | {description} | {example} |")
        out.append("")
    return "\n".join(out)
