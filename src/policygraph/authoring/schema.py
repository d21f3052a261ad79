"""The JSON Schema of claims files, built from the field table (so a new field is in the schema
as soon as it is in :mod:`.fields`). The shipped ``claims.schema.json`` is this output; a test
keeps them equal. Regenerate with ``python -m policygraph.authoring.schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .compiler import FORMAT
from .fields import BASES, EVIDENCE_KEYS, FIELDS

__all__ = ["SCHEMA_FILE", "build_schema"]

SCHEMA_FILE = Path(__file__).with_name("claims.schema.json")
_ID = "^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _one_or_many(item: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [item, {"type": "array", "items": item, "minItems": 1}]}


def _definitions() -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string"}
    date = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
    return {
        "lang": {
            "type": "object",
            "description": "Text per language tag: {nb: ..., en: ...}",
            "propertyNames": {"pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
            "additionalProperties": _one_or_many(text),
            "minProperties": 1,
        },
        "text": _one_or_many(text),
        "date": _one_or_many({"type": "string", "pattern": date}),
        "iri": _one_or_many({"type": "string", "format": "iri"}),
        "ids": _one_or_many({"type": "string", "description": "ids (or CURIEs, or IRIs)"}),
        "slugs": _one_or_many({"type": "string", "description": "concept slugs"}),
    }


def _value(kind: str) -> dict[str, Any]:
    if kind.startswith("ref:"):
        return {"$ref": "#/$defs/ids", "description": f"ids in {kind[4:]}"}
    if kind.startswith("concept:"):
        return {"$ref": "#/$defs/slugs", "description": f"{kind[8:]} concepts, by slug"}
    return {"$ref": f"#/$defs/{kind}"}


def build_schema() -> dict[str, Any]:
    words = {
        "type": "string",
        "description": "'first words … last words' of the passage, or all its words",
    }
    anchor: dict[str, Any] = {
        "oneOf": [
            words,
            {
                "type": "object",
                "properties": {
                    "words": words,
                    "after": {"type": "string", "description": "words just before it"},
                    "id": {"type": "string", "pattern": _ID},
                    "document": {"type": "string"},
                    "quote": {"type": "boolean"},
                },
                "required": ["words"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"anchor": {"type": "string", "pattern": _ID}},
                "required": ["anchor"],
                "additionalProperties": False,
            },
        ]
    }
    link_props: dict[str, Any] = {key: {"type": "string"} for key in EVIDENCE_KEYS}
    link_props.update(
        {
            "basis": {"enum": list(BASES)},
            "words": words,
            "after": {"type": "string"},
            "anchor": {"type": "string"},
            "curator": _value("ref:actors"),
            "rationale": _value("lang"),
            "id": {"type": "string", "pattern": _ID},
        }
    )
    link = {
        "type": "object",
        "properties": link_props,
        "required": ["basis"],
        "oneOf": [{"required": [key]} for key in EVIDENCE_KEYS],
        "additionalProperties": False,
    }
    fields: dict[str, Any] = {f.key: _value(f.kind) for f in FIELDS}
    fields["type"] = {"$ref": "#/$defs/text"}
    fields["at"] = {"oneOf": [anchor, {"type": "array", "items": anchor}]}
    entry = {"type": "object", "properties": fields, "additionalProperties": False}
    claim = {
        "type": "object",
        "properties": {**fields, "evidence": {"type": "array", "items": link}},
        "required": ["type", "statement"],
        "additionalProperties": False,
    }

    def section(item: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": ["object", "null"],
            "propertyNames": {"pattern": _ID},
            "additionalProperties": item,
        }

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/policygraph/claims.schema.json",
        "title": "policygraph claims file",
        "description": "One claims file per source text; passages are named by their words.",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "source": {
                "type": "object",
                "properties": {
                    "document": {"type": "string", "pattern": _ID},
                    "file": {"type": "string"},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "quote": {"type": "boolean"},
                },
                "required": ["document", "file", "sha256"],
                "additionalProperties": False,
            },
            "documents": section({**entry, "required": ["type"]}),
            "actors": section({**entry, "required": ["type"]}),
            "roles": section(entry),
            "claims": section(claim),
            "anchors": section(anchor["oneOf"][1]),
        },
        "additionalProperties": False,
        "$defs": _definitions(),
    }


def main() -> None:
    print(json.dumps(build_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
