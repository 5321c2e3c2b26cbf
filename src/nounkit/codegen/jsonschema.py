"""JSON Schema (draft 2020-12) for nouns, their bundle and their actions' input.

Property schemas come from ``nounkit.language.types``, the same fragments the
compiled models are proven to agree with; this module only adds the
document's frame (``$schema``, ``$id``, ``required`` ...) and annotations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from nounkit.language.spec import ActionDef, NounDef, PropertyDef, RelationshipDef
from nounkit.language.types import property_schema, value_schema

__all__ = [
    "DIALECT",
    "TARGET_KEYWORD",
    "bundle_schema",
    "dumps",
    "input_schema",
    "noun_schema",
    "schema_url",
]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Annotation on relationship fields: the noun whose ids they hold. Unknown keywords are
# annotations in 2020-12, so validators ignore it and tools can read it.
TARGET_KEYWORD = "x-nounkit-target"


def schema_url(base: str, filename: str) -> str:
    """The ``$id`` of a generated schema file: ``<base>schemas/<filename>``."""
    return f"{base.rstrip('/')}/schemas/{filename}"


def dumps(schema: Mapping[str, Any]) -> str:
    """The one way generated JSON is written, so output is byte-identical run to run.

    orjson writes what ``json.dumps(indent=2, ensure_ascii=False)`` writes (floats aside:
    ``1e-7`` for ``1e-07``) about twenty times faster; the standard library takes the
    integers beyond 64 bits that orjson refuses.
    """
    try:
        return orjson.dumps(schema, option=orjson.OPT_INDENT_2).decode() + "\n"
    except TypeError:
        return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def property_entry(prop: PropertyDef) -> dict[str, Any]:
    """A property's schema with its documentation."""
    entry: dict[str, Any] = {}
    if prop.description:
        entry["description"] = prop.description
    entry.update(property_schema(prop))
    if prop.has_default:
        entry["default"] = prop.default
    if prop.examples:
        entry["examples"] = list(prop.examples)
    if prop.computed is not None:
        entry["readOnly"] = True
        entry["$comment"] = f"computed: {prop.computed.source}"
    if prop.deprecated:
        entry["deprecated"] = True
        if isinstance(prop.deprecated, str):
            entry.setdefault("$comment", f"deprecated: {prop.deprecated}")
    return entry


def _relationship_entry(
    rel: RelationshipDef, nouns: Mapping[str, NounDef], *, bundled: bool
) -> dict[str, Any]:
    target = nouns.get(rel.target)
    ident: dict[str, Any]
    if bundled and target is not None:
        ident = {"$ref": f"#/$defs/{rel.target}/properties/id"}
    elif target is not None:
        ident = value_schema(target.properties["id"])
    else:  # an external noun: all we know is that ids are strings
        ident = {"type": "string"}
    entry: dict[str, Any] = {}
    if rel.description:
        entry["description"] = rel.description
    if rel.many:
        entry.update({"type": "array", "items": ident})
        if rel.required:
            entry["minItems"] = 1
        else:
            entry["default"] = []
    elif rel.required:
        entry.update(ident)
    else:
        entry["anyOf"] = [ident, {"type": "null"}]
    entry[TARGET_KEYWORD] = rel.target
    return entry


def _required(noun: NounDef) -> list[str]:
    names = [name for name, prop in noun.properties.items() if prop.required]
    names += [name for name, rel in noun.relationships.items() if rel.required]
    return names


def noun_schema(noun: NounDef, nouns: Mapping[str, NounDef], *, base: str) -> dict[str, Any]:
    """The schema of one entity of ``noun``: exactly what its compiled model accepts."""
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": schema_url(base, f"{noun.singular}.schema.json"),
        "title": noun.name,
    }
    if noun.description:
        schema["description"] = noun.description
    schema["type"] = "object"
    properties: dict[str, Any] = {
        name: property_entry(prop) for name, prop in noun.properties.items()
    }
    for name, rel in noun.relationships.items():
        properties[name] = _relationship_entry(rel, nouns, bundled=False)
    schema["properties"] = properties
    schema["required"] = _required(noun)
    schema["additionalProperties"] = False
    return schema


def bundle_schema(
    nouns: Mapping[str, NounDef],
    *,
    base: str,
    schemas: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every noun under ``$defs``, relationships as ``$ref``s to their target's id.

    ``schemas``: nouns' own schemas (:func:`noun_schema`) already made, all or some; the
    bundle reuses them instead of making them again.
    """
    own = schemas or {}
    return {
        "$schema": DIALECT,
        "$id": schema_url(base, "bundle.schema.json"),
        "title": "nouns",
        "description": "Every noun; refer to one as bundle.schema.json#/$defs/<Noun>.",
        "$defs": {
            name: _bundled(own.get(name) or noun_schema(noun, nouns, base=base), noun, nouns)
            for name, noun in nouns.items()
        },
    }


def _bundled(schema: dict[str, Any], noun: NounDef, nouns: Mapping[str, NounDef]) -> dict[str, Any]:
    """A noun's own schema as the bundle holds it: no ``$schema``/``$id``, ``$ref``s."""
    bundled = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
    properties = dict(schema["properties"])  # same order: relationships keep their places
    for name, rel in noun.relationships.items():
        properties[name] = _relationship_entry(rel, nouns, bundled=True)
    bundled["properties"] = properties
    return bundled


def input_schema(noun: NounDef, action: ActionDef, *, base: str) -> dict[str, Any]:
    """The schema of an action's ``input``: what ``act(..., data=...)`` takes."""
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": schema_url(base, f"{noun.singular}.{action.name}.input.schema.json"),
        "title": f"{noun.name}.{action.name} input",
    }
    if action.description:
        schema["description"] = action.description
    schema["type"] = "object"
    schema["properties"] = {name: property_entry(p) for name, p in action.input.items()}
    schema["required"] = [name for name, p in action.input.items() if p.required]
    schema["additionalProperties"] = False
    return schema
