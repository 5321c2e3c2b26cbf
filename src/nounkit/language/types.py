"""What each property type of the noun language means: its JSON Schema and its validator.

This is the single source of truth for value shapes. :func:`core_schema` is the
validator of one value (a pydantic-core schema, run in Rust where it can be):
the compiled models and the generated classes are built from it, and the loader
checks ``default``, ``examples`` and ``enum`` values with it, so a definition
can never declare a value its own model refuses. :func:`value_schema` is the
same shape in JSON Schema; a test proves the two accept exactly the same
documents. Formats carry an explicit ``pattern`` as well as ``format``, because
draft 2020-12 treats ``format`` as an annotation unless a validator opts in; the
patterns are the same ones rfc3339-validator and jsonschema's own checkers
apply, so the two readings agree.

Validation follows JSON's own types, not Python's coercions: ``"2500"`` is not
a number, ``1`` is not a boolean, ``0`` is not a date.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic_core import core_schema as cs

if TYPE_CHECKING:
    from nounkit.language.spec import PropertyDef, TypeDef

__all__ = [
    "ALIASES",
    "DATETIME_RE",
    "DATE_RE",
    "EMAIL_RE",
    "EXPECTED",
    "NUMERIC_TYPES",
    "PYTHON_TYPES",
    "STRING_TYPES",
    "TEXT_KINDS",
    "TYPES",
    "URL_RE",
    "UUID_RE",
    "canonical_type",
    "core_schema",
    "distinct",
    "plainly_fits",
    "property_schema",
    "value_options",
    "value_schema",
    "whole_schema",
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


# The Python type each kind reads to (what mypy sees in generated code).
PYTHON_TYPES = {
    "string": "str",
    "text": "str",
    "markdown": "str",
    "number": "int | float",
    "integer": "int",
    "boolean": "bool",
    "date": "date",
    "datetime": "datetime",
    "json": "JsonValue",
    "url": "str",
    "email": "str",
    "uuid": "str",
}


def value_options(prop: PropertyDef) -> dict[str, Any]:
    """One value of the property (one item of an array) as :func:`core_schema` reads it:
    the kind and the constraints written, by their pydantic-core names."""
    options: dict[str, Any] = {"kind": prop.type}
    for name, value in (
        ("ge", prop.minimum),
        ("le", prop.maximum),
        ("gt", prop.exclusive_minimum),
        ("lt", prop.exclusive_maximum),
        ("min_length", prop.min_length),
        ("max_length", prop.max_length),
        ("pattern", prop.pattern),
        ("enum", prop.enum),
    ):
        if value is not None:
            options[name] = value
    return options


def canonical_type(name: str) -> str:
    """The type a name stands for (``timestamp`` is ``datetime``)."""
    return ALIASES.get(name, name)


def value_schema(prop: PropertyDef) -> dict[str, Any]:
    """JSON Schema of one value of the property (one item, when it is an array); a value
    type or enum is a ``$ref`` to its entry in the document's ``$defs``."""
    if prop.ref is not None:
        return {"$ref": f"#/$defs/{prop.ref}"}
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
        for key, value in (("minItems", prop.min_items), ("maxItems", prop.max_items)):
            if value is not None:
                schema[key] = value
        if prop.unique_items:
            schema["uniqueItems"] = True
    if nullable if nullable is not None else (prop.optional or prop.computed is not None):
        schema = _with_null(schema)
    return schema


def distinct(items: Any) -> Any:
    """The list as given, when no item is there twice as JSON sees it (``1`` and ``1.0``
    alike; ``true`` and ``1``, ``{"a": 1}`` and ``{"a": 1, "b": null}``, two spellings of
    one instant all different); JSON Schema's ``uniqueItems``. It reads the items before
    they are validated (so as JSON Schema reads them); anything but a list is left for
    the list's own validation to refuse."""
    if not isinstance(items, list):
        return items
    seen: set[Any] = set()
    for index, item in enumerate(items):
        key = _json_key(item)
        if key in seen:
            raise _error(
                "nounkit_unique_items",
                "item {index} is already in the list",
                {"index": index},
            )
        seen.add(key)
    return items


def _json_key(value: Any) -> Any:
    if hasattr(value, "model_dump"):  # a value type's model, from a Python caller
        value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int):
        return ("number", value)
    if isinstance(value, float):
        return ("number", int(value) if value.is_integer() else value)
    if isinstance(value, list | tuple):
        return ("array", tuple(_json_key(v) for v in value))
    if isinstance(value, Mapping):
        return ("object", frozenset((k, _json_key(v)) for k, v in value.items()))
    return ("other", str(value))  # a date or datetime read from its string


def whole_schema(
    prop: PropertyDef, types: Mapping[str, TypeDef], *, whole: bool = True
) -> cs.CoreSchema:
    """The validator of a property's value (one item when not ``whole``) with value types
    read as mappings of their properties, item counts and ``uniqueItems`` included: what
    checks a definition's defaults and examples. The compiled models validate alike, with
    a model per value type; a test holds the two together."""
    from pydantic_core import core_schema as cs

    defs: dict[str, cs.CoreSchema] = {}
    schema = _property_core(prop, types, defs, whole)
    if defs:
        schema = cs.definitions_schema(schema, list(defs.values()))
    return schema


def _property_core(
    prop: PropertyDef, types: Mapping[str, TypeDef], defs: dict[str, Any], whole: bool
) -> cs.CoreSchema:
    from pydantic_core import core_schema as cs

    schema: cs.CoreSchema
    if prop.is_value:
        ref = f"nounkit-value:{prop.ref}"
        if ref not in defs:
            defs[ref] = cs.any_schema()  # taken before it is filled: a value may hold itself
            value = types[prop.ref or ""]
            fields = {
                name: cs.typed_dict_field(_property_core(p, types, defs, True), required=p.required)
                for name, p in getattr(value, "properties", {}).items()
            }
            defs[ref] = cs.typed_dict_schema(fields, extra_behavior="forbid", ref=ref)
        schema = cs.definition_reference_schema(ref)
    else:
        schema = core_schema(**value_options(prop))
    if prop.array and whole:
        schema = cs.list_schema(
            schema, strict=True, min_length=prop.min_items, max_length=prop.max_items
        )
        if prop.unique_items:
            schema = cs.no_info_before_validator_function(distinct, schema)
    if (prop.optional or prop.computed is not None) and (whole or not prop.array):
        schema = cs.nullable_schema(schema)
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


# What a value of each type looks like, for error messages.
EXPECTED = {
    "string": "a string",
    "text": "a string",
    "markdown": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "date": "a calendar date YYYY-MM-DD",
    "datetime": "an RFC 3339 date-time with a timezone offset, such as 2024-05-01T12:00:00Z",
    "json": "a JSON value",
    "url": "an absolute URL, such as https://example.com/path",
    "email": "an e-mail address, such as name@example.com",
    "uuid": "a UUID, such as 123e4567-e89b-12d3-a456-426614174000",
    "value": "a mapping of the value's properties",
}

# Types read as Python strings (uuid too: a string of a fixed form).
TEXT_KINDS = frozenset({"string", "text", "markdown", "url", "email", "uuid"})
_TEXT = TEXT_KINDS
_FORMATS = {"url": URL_PATTERN, "email": EMAIL_PATTERN, "uuid": UUID_PATTERN}


def _rust(pattern: str) -> str:
    # The schema's patterns end in (?![\s\S]) so ECMA and Python agree; Rust's regex has
    # no look-around, and its $ already means the very end. Only the date patterns run in
    # Rust: they hold digits and literal letters, which every engine reads alike.
    return pattern.removesuffix(r"(?![\s\S])") + "$"


def _error(kind: str, message: str, context: dict[str, Any] | None = None) -> Exception:
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(kind, message, context)


def _whole(value: float) -> int:
    # JSON Schema counts 3.0 as an integer; so must the model.
    if value.is_integer():
        return int(value)
    raise _error("nounkit_integer", "expected a whole number, got {value}", {"value": value})


def _no_int(value: Any) -> Any:
    # The float branch of a number: an int that failed the int branch's bounds must not pass
    # here rounded to a float (2**53 + 1 would read as 2**53, inside a maximum of 2**53).
    if isinstance(value, int) and not isinstance(value, bool):
        raise _error("nounkit_int_bounds", "the whole number is out of bounds")
    return value


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)  # a naive datetime from Python is read as UTC


def _one_of(allowed: tuple[Any, ...]) -> Callable[[Any], Any]:
    choices = ", ".join(repr(v) for v in allowed)

    def check(value: Any) -> Any:
        # Compared after the type check, so True never meets 1 here.
        if value in allowed:
            return value
        raise _error("nounkit_enum", "expected one of {choices}", {"choices": choices})

    return check


def _bounds(
    ge: float | None, le: float | None, gt: float | None, lt: float | None, *, whole: bool
) -> dict[str, Any]:
    """Numeric bounds as pydantic-core keywords; on whole numbers, fractional bounds round."""
    if not whole:
        pairs = {"ge": ge, "le": le, "gt": gt, "lt": lt}
        return {k: v for k, v in pairs.items() if v is not None}
    found: dict[str, Any] = {}
    # Whole bounds stay as written (so messages say "greater than 0"); fractional ones round
    # to the nearest whole number inside them.
    if ge is not None:
        found["ge"] = math.ceil(ge)
    if gt is not None:
        if float(gt).is_integer():
            found["gt"] = int(gt)
        else:
            found["ge"] = max(found.get("ge", math.floor(gt) + 1), math.floor(gt) + 1)
    if le is not None:
        found["le"] = math.floor(le)
    if lt is not None:
        if float(lt).is_integer():
            found["lt"] = int(lt)
        else:
            found["le"] = min(found.get("le", math.ceil(lt) - 1), math.ceil(lt) - 1)
    return found


def _temporal(
    kind: str,
    pattern: str,
    parse: cs.CoreSchema,
    objects: list[cs.CoreSchema],
) -> cs.CoreSchema:
    """A date or datetime: from JSON only a string of the pattern (the parse after it refuses
    what no calendar has, 2024-02-30); from Python also the objects themselves.

    The two inputs are split because pydantic's strict date parsing of JSON still reads
    other strings ("2500") that JSON Schema's formats refuse.
    """
    from pydantic_core import core_schema as cs

    text = cs.chain_schema(
        [
            cs.str_schema(strict=True, pattern=_rust(pattern), regex_engine="rust-regex"),
            parse,
        ]
    )
    error = {
        "custom_error_type": f"nounkit_{kind}",
        "custom_error_message": f"expected {EXPECTED[kind]}",
    }
    return cs.json_or_python_schema(
        json_schema=cs.union_schema([text], **error),  # type: ignore[arg-type]
        python_schema=cs.union_schema(
            [*objects, text],
            mode="left_to_right",
            **error,  # type: ignore[arg-type]
        ),
    )


# The kinds whose strict validator takes exactly the values of one JSON type: str for these
# text kinds (no format of their own), bool for boolean.
_PLAIN_TEXT = frozenset({"string", "text", "markdown"})


def plainly_fits(prop: PropertyDef, value: Any, *, whole: bool) -> bool:
    """True when :func:`core_schema`'s validator of the property surely takes ``value`` (the
    whole value, or one item when not ``whole``), decided by what the validator is: a
    strict type check, and for numbers their bounds. False means "ask the validator",
    never "it refuses". Checking a definition's values this way keeps pydantic-core (and
    its import) off the path of a definition without mistakes; a test holds it to the
    validator itself.
    """
    if value is None:
        return prop.optional and (whole or not prop.array)
    if prop.array and whole:
        if prop.unique_items or prop.min_items is not None or prop.max_items is not None:
            return False  # the list's own constraints: ask the validator
        return type(value) is list and all(plainly_fits(prop, v, whole=False) for v in value)
    kind = prop.type
    if kind in _PLAIN_TEXT:
        if type(value) is not str or prop.pattern is not None:
            return False
        if prop.enum is not None:
            return value in prop.enum
        return prop.min_length is None and prop.max_length is None
    if prop.enum is not None:
        return False
    if kind == "boolean":
        return type(value) is bool
    if kind in NUMERIC_TYPES:
        if not (type(value) is int or (kind == "number" and type(value) is float)):
            return False
        return all(
            bound is None or holds(value, bound)
            for bound, holds in (
                (prop.minimum, operator.ge),
                (prop.maximum, operator.le),
                (prop.exclusive_minimum, operator.gt),
                (prop.exclusive_maximum, operator.lt),
            )
        )
    return False


def core_schema(
    kind: str,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    enum: tuple[Any, ...] | None = None,
) -> cs.CoreSchema:
    """The validator of one value of ``kind`` with its constraints, as a pydantic-core schema.

    ``json`` takes any value here (JSON-shaped input holds nothing else); the compiled
    models give it pydantic's own JSON-value schema, which also refuses Python objects.
    """
    from pydantic_core import core_schema as cs

    schema: cs.CoreSchema
    if kind == "json":
        return cs.any_schema()
    if kind in _TEXT:
        schema = _text(kind, min_length, max_length, pattern, enum)
    elif kind in ("number", "integer"):
        bounds = {"ge": ge, "le": le, "gt": gt, "lt": lt}
        floats: cs.CoreSchema = cs.no_info_before_validator_function(
            _no_int,
            cs.float_schema(strict=True, allow_inf_nan=False, **_bounds(**bounds, whole=False)),
        )
        if kind == "integer":
            floats = cs.no_info_after_validator_function(_whole, floats)
        ints = cs.int_schema(strict=True, **_bounds(**bounds, whole=True))
        schema = cs.union_schema([ints, floats])
    elif kind == "boolean":
        schema = cs.bool_schema(strict=True)
    elif kind == "date":
        schema = _temporal(
            "date",
            DATE_PATTERN,
            cs.date_schema(),
            # A date object, never a datetime (strict refuses those).
            [cs.date_schema(strict=True)],
        )
    elif kind == "datetime":
        schema = _temporal(
            "datetime",
            DATETIME_PATTERN,
            cs.datetime_schema(),
            [
                cs.datetime_schema(strict=True, tz_constraint="aware"),
                cs.no_info_after_validator_function(
                    _as_utc, cs.datetime_schema(strict=True, tz_constraint="naive")
                ),
            ],
        )
    else:
        raise ValueError(f"unknown noun-language type {kind!r}")
    if enum is not None and kind not in _TEXT:
        schema = cs.no_info_after_validator_function(_one_of(enum), schema)
    return schema


def _text(
    kind: str,
    min_length: int | None,
    max_length: int | None,
    pattern: str | None,
    enum: tuple[Any, ...] | None,
) -> cs.CoreSchema:
    from pydantic_core import core_schema as cs

    if enum is not None:
        # Enum values were checked against the type and bounds at load.
        return cs.literal_schema(list(enum))
    lengths: dict[str, Any] = {
        k: v for k, v in (("min_length", min_length), ("max_length", max_length)) if v is not None
    }
    formatted = _FORMATS.get(kind)
    steps: list[cs.CoreSchema] = []
    if formatted is not None:
        # Python's re, not Rust's: their \s differ (Python's takes \x1c-\x1f too).
        steps.append(
            cs.str_schema(strict=True, pattern=formatted, regex_engine="python-re", **lengths)
        )
        lengths = {}
    if pattern is not None or not steps:
        # A user's pattern runs in Python's re, the engine jsonschema uses.
        steps.append(
            cs.str_schema(strict=True, pattern=pattern, regex_engine="python-re", **lengths)
        )
    return steps[0] if len(steps) == 1 else cs.chain_schema(steps)
