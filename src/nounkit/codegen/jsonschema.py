"""JSON Schema (draft 2020-12) for nouns, their bundle and their actions' input.

Property schemas come from ``nounkit.language.types``, the same fragments the
compiled models are proven to agree with; this module only adds the
document's frame (``$schema``, ``$id``, ``required`` ...) and annotations.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from nounkit.language.spec import (
    ActionDef,
    EnumDef,
    NounDef,
    PropertyDef,
    RelationshipDef,
    TypeDef,
    ValueDef,
)
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


def type_schema(definition: TypeDef) -> dict[str, Any]:
    """The ``$defs`` entry of a value type (an object of its properties and nothing else)
    or of an enum (its strings, each value's description under ``x-nounkit-values``)."""
    schema: dict[str, Any] = {"title": definition.name}
    if definition.description:
        schema["description"] = definition.description
    if isinstance(definition, EnumDef):
        schema["type"] = "string"
        schema["enum"] = list(definition.strings)
        about = {
            v.value: {k: x for k, x in (("description", v.description), ("iri", v.iri)) if x}
            for v in definition.values
            if v.description or v.iri
        }
        if about:
            schema["x-nounkit-values"] = about
        return schema
    schema["type"] = "object"
    schema["properties"] = {
        name: property_entry(prop) for name, prop in definition.properties.items()
    }
    required = [name for name, prop in definition.properties.items() if prop.required]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _defs(props: Iterable[PropertyDef], types: Mapping[str, TypeDef]) -> dict[str, Any]:
    """The ``$defs`` of the value types and enums ``props`` use, at any depth, by name."""
    found: dict[str, TypeDef] = {}
    pending = list(props)
    while pending:
        prop = pending.pop()
        if prop.ref is None or prop.ref in found or prop.ref not in types:
            continue
        definition = found[prop.ref] = types[prop.ref]
        if isinstance(definition, ValueDef):
            pending.extend(definition.properties.values())
    return {name: type_schema(found[name]) for name in sorted(found)}


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
    defs = _defs(noun.properties.values(), noun.types)
    if defs:
        schema["$defs"] = defs
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
    defs: dict[str, Any] = {
        name: _bundled(own.get(name) or noun_schema(noun, nouns, base=base), noun, nouns)
        for name, noun in nouns.items()
    }
    # Value types and enums once each, beside the nouns (their names are unique across all
    # three), so every noun's "#/$defs/<Type>" resolves in the bundle as in its own schema.
    shared: dict[str, Any] = {}
    for noun in nouns.values():
        shared.update(_defs(noun.properties.values(), noun.types))
    defs.update(sorted(shared.items()))
    return {
        "$schema": DIALECT,
        "$id": schema_url(base, "bundle.schema.json"),
        "title": "nouns",
        "description": "Every noun, value type and enum; refer to one as "
        "bundle.schema.json#/$defs/<Name>.",
        "$defs": defs,
    }


def _bundled(schema: dict[str, Any], noun: NounDef, nouns: Mapping[str, NounDef]) -> dict[str, Any]:
    """A noun's own schema as the bundle holds it: no ``$schema``/``$id``, ``$ref``s."""
    bundled = {k: v for k, v in schema.items() if k not in ("$schema", "$id", "$defs")}
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
    defs = _defs(action.input.values(), noun.types)
    if defs:
        schema["$defs"] = defs
    return schema
