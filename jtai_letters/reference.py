"""The spec's JSON Schema and its Markdown reference, both generated from the models.

Editors use the schema to complete and check specs as officers type; the
Markdown reference documents the same fields, so the two can never disagree.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from .models import Profile, ResponseSpec


def json_schema(model: type[BaseModel] = ResponseSpec) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a response spec, or of an office profile."""
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def json_schema_text(model: type[BaseModel] = ResponseSpec) -> str:
    """The schema as the file kept under version control."""
    return json.dumps(json_schema(model), indent=2, ensure_ascii=False) + "\n"


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"] if p.get("type") != "null")
    if "const" in prop:
        return f"`{prop['const']}`"
    if "enum" in prop:
        return " / ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if prop.get("contentMediaType") == "text/markdown":
        return "Markdown text"
    return str({"string": prop.get("format", "text"), "boolean": "true / false", "integer": "number"}.get(kind, kind))


def markdown() -> str:
    """The spec reference as Markdown: one table per part of the spec."""
    schema = json_schema()
    profile = json_schema(Profile)
    parts = [("ResponseSpec", schema), *sorted(schema.get("$defs", {}).items()), ("Profile", profile)]
    out = [
        "# Response spec reference",
        "",
        "Generated from the models by `jtai-letters schema --markdown`; do not edit by hand.",
        "Text fields marked *Markdown* take inline Markdown: `*emphasis*`, `**strong**`, `[words](https://...)`.",
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
        for field, prop in part.get("properties", {}).items():
            examples = prop.get("examples") or []
            example = f"`{json.dumps(examples[0], ensure_ascii=False)}`" if examples else ""
            description = prop.get("description", "").replace("|", "\\|").replace("\n", " ")
            out.append(
                f"| `{field}` | {_type(prop)} | {'yes' if field in required else ''} | {description} | {example} |"
            )
        out.append("")
    return "\n".join(out)
