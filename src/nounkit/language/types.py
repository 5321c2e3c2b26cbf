"""What each property type of the noun language means, in JSON Schema terms.

This is the single source of truth for value shapes: the compiler builds
models that accept exactly what these schema fragments accept (a test proves
it), and the loader checks ``default`` values against them. Formats carry an
explicit ``pattern`` as well as ``format``, because draft 2020-12 treats
``format`` as an annotation unless a validator opts in; the patterns are the
same ones rfc3339-validator and jsonschema's own checkers apply, so the two
readings agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nounkit.language.spec import PropertyDef

__all__ = [
    "ALIASES",
    "DATETIME_RE",
    "DATE_RE",
    "EMAIL_RE",
    "NUMERIC_TYPES",
    "STRING_TYPES",
    "TYPES",
    "URL_RE",
    "UUID_RE",
    "canonical_type",
    "property_schema",
    "value_schema",
]

TYPES: tuple[str, ...] = (
    "string",
    "text",
    "markdown",
    "number",
    "integer",
    "boolean",
    "date",
    "datetime",
    "json",
    "url",
    "email",
    "uuid",
)
ALIASES: Mapping[str, str] = {"timestamp": "datetime"}
NUMERIC_TYPES = frozenset({"number", "integer"})
# Types whose values are free text and so take minLength, maxLength and pattern.
STRING_TYPES = frozenset({"string", "text", "markdown", "url", "email"})
ENUM_TYPES = STRING_TYPES | NUMERIC_TYPES | {"boolean", "uuid"}

# Each pattern ends in (?![\s\S]), "nothing follows", rather than $: Python's $ also
# matches before a final newline, ECMA's does not, and the schema must mean the same in
# both. Digits are [0-9] because Python's \d takes other scripts' digits too.
_END = r"(?![\s\S])"
_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = rf"^{_DATE}{_END}"
# RFC 3339 date-time, as rfc3339-validator (jsonschema's "date-time" checker) reads it:
# the separator and zone letters in either case, any number of fraction digits.
DATETIME_PATTERN = (
    rf"^({_DATE})[Tt]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?"
    rf"([Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]){_END}"
)
# The WHATWG (HTML) e-mail syntax: what a browser's <input type=email> accepts.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    rf"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?)*{_END}"
)
# An absolute URL with a scheme and a host, no white space.
URL_PATTERN = rf"^[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+[^\s]*{_END}"
UUID_PATTERN = (
    rf"^[0-9a-fA-F]{{8}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{12}}{_END}"
)

DATE_RE = re.compile(DATE_PATTERN)
DATETIME_RE = re.compile(DATETIME_PATTERN)
EMAIL_RE = re.compile(EMAIL_PATTERN)
URL_RE = re.compile(URL_PATTERN)
UUID_RE = re.compile(UUID_PATTERN)

_BASE: Mapping[str, Mapping[str, Any]] = {
    "string": {"type": "string"},
    "text": {"type": "string"},
    "markdown": {"type": "string", "contentMediaType": "text/markdown"},
    "number": {"type": "number"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
    "datetime": {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN},
    "json": {},
    "url": {"type": "string", "format": "uri", "pattern": URL_PATTERN},
    "email": {"type": "string", "format": "email", "pattern": EMAIL_PATTERN},
    "uuid": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN},
}

_CONSTRAINTS = (
    ("minimum", "minimum"),
    ("maximum", "maximum"),
    ("exclusive_minimum", "exclusiveMinimum"),
    ("exclusive_maximum", "exclusiveMaximum"),
    ("min_length", "minLength"),
    ("max_length", "maxLength"),
)


def canonical_type(name: str) -> str:
    """The type a name stands for (``timestamp`` is ``datetime``)."""
    return ALIASES.get(name, name)


def value_schema(prop: PropertyDef) -> dict[str, Any]:
    """JSON Schema of one value of the property (one item, when it is an array)."""
    schema = dict(_BASE[prop.type])
    for attr, key in _CONSTRAINTS:
        value = getattr(prop, attr)
        if value is not None:
            schema[key] = value
    if prop.pattern is not None:
        if "pattern" in schema:  # a format's own pattern must hold as well
            schema["allOf"] = [{"pattern": prop.pattern}]
        else:
            schema["pattern"] = prop.pattern
    if prop.enum is not None:
        schema["enum"] = list(prop.enum)
    return schema


def property_schema(prop: PropertyDef, *, nullable: bool | None = None) -> dict[str, Any]:
    """JSON Schema of the property's value; optional properties also take null."""
    schema = value_schema(prop)
    if prop.array:
        schema = {"type": "array", "items": schema}
    if nullable if nullable is not None else (prop.optional or prop.computed is not None):
        schema = _with_null(schema)
    return schema


def _with_null(schema: dict[str, Any]) -> dict[str, Any]:
    if not schema:  # json: already anything, null included
        return schema
    if "enum" in schema and None not in schema["enum"]:
        schema = {**schema, "enum": [*schema["enum"], None]}
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}
