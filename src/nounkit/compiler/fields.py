"""Pydantic field types that read values the way JSON Schema does.

Validation follows JSON's own types, not Python's coercions: ``"2500"`` is not
a number, ``1`` is not a boolean, ``0`` is not a date. Where pydantic's strict
mode already means that, its native (Rust) validators are used; Python code
runs only for dates, datetimes, non-text enums and whole floats given as
integers.

The named types below (``Text``, ``Number``, ``DateTime`` ...) are public:
compiled models are built from them, and ``nounkit codegen python`` writes
modules that import them, so generated classes validate exactly as compiled
ones do.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, JsonValue, Strict
from pydantic_core import PydanticCustomError

from nounkit.language.spec import PropertyDef, RelationshipDef
from nounkit.language.types import DATETIME_RE, EMAIL_PATTERN, URL_PATTERN, UUID_PATTERN

__all__ = [
    "ENTITY_CONFIG",
    "EXPECTED",
    "Boolean",
    "Date",
    "DateTime",
    "Email",
    "Integer",
    "Json",
    "Number",
    "Text",
    "Url",
    "Uuid",
    "field_type",
    "matches",
    "one_of",
    "read_date",
    "read_datetime",
    "relationship_type",
    "value_type",
    "whole_number",
]

# The configuration every model shares, compiled or generated.
ENTITY_CONFIG = ConfigDict(
    extra="forbid",
    regex_engine="python-re",  # the same regular expressions jsonschema runs
    validate_by_alias=True,
    validate_by_name=False,
    serialize_by_alias=True,
    allow_inf_nan=False,
    # A property named like a pydantic attribute gets a trailing underscore and an alias
    # (``model_dump`` -> ``model_dump_``); no field can clash, so pydantic need not warn.
    protected_namespaces=(),
)

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
}

# ASCII digits only, as JSON Schema's "date" and "date-time" checkers read them (Python's
# ``\d`` would also take other scripts' digits, which ``int()`` then reads happily).
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _fail(kind: str) -> PydanticCustomError:
    return PydanticCustomError(
        f"nounkit_{kind}", "expected {expected}", {"expected": EXPECTED[kind]}
    )


def read_date(value: Any) -> date:
    """A ``date`` object or a ``YYYY-MM-DD`` string, as jsonschema's "date" format reads it."""
    if type(value) is date:  # a datetime is a date subclass, and no calendar date
        return value
    if isinstance(value, str) and _FULL_DATE.fullmatch(value):
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        except ValueError:
            pass
    raise _fail("date")


def read_datetime(value: Any) -> datetime:
    """An aware instant from a ``datetime`` (naive read as UTC) or an RFC 3339 string."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value.isascii():
        match = DATETIME_RE.search(value)
        if match:
            day, hour, minute, second, fraction, zone = match.groups()
            try:
                tz = UTC
                if zone not in ("Z", "z"):
                    sign = -1 if zone[0] == "-" else 1
                    tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
                micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
                return datetime(
                    int(day[:4]),
                    int(day[5:7]),
                    int(day[8:10]),
                    int(hour),
                    int(minute),
                    int(second),
                    micro,
                    tzinfo=tz,
                )
            except ValueError:
                pass
    raise _fail("datetime")


def whole_number(value: float) -> int:
    """JSON Schema counts 3.0 as an integer; so must the model."""
    if value.is_integer():
        return int(value)
    raise PydanticCustomError(
        "nounkit_integer", "expected a whole number, got {value}", {"value": value}
    )


def one_of(*allowed: Any) -> AfterValidator:
    """Membership in an enum of numbers or booleans (``Literal`` would take True for 1)."""
    choices = ", ".join(repr(v) for v in allowed)

    def check(value: Any) -> Any:
        if value in allowed:
            return value
        raise PydanticCustomError("nounkit_enum", "expected one of {choices}", {"choices": choices})

    return AfterValidator(check)


def matches(pattern: str) -> AfterValidator:
    """A second pattern on a format that has its own (JSON Schema searches, so we search)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.search(value):
            return value
        raise PydanticCustomError(
            "string_pattern_mismatch", "should match pattern {pattern}", {"pattern": pattern}
        )

    return AfterValidator(check)


Text = Annotated[str, Strict()]
# allow_inf_nan sits on the float branch: on the union it would run math.isfinite on
# integers too large for a float (10**400 is a JSON number) and raise OverflowError.
Number = Annotated[int, Strict()] | Annotated[float, Strict(), Field(allow_inf_nan=False)]
Integer = (
    Annotated[int, Strict()]
    | Annotated[float, Strict(), Field(allow_inf_nan=False), AfterValidator(whole_number)]
)
Boolean = Annotated[bool, Strict()]
Date = Annotated[date, Strict(), BeforeValidator(read_date)]
DateTime = Annotated[datetime, Strict(), BeforeValidator(read_datetime)]
Json = JsonValue
Email = Annotated[str, Strict(), Field(pattern=EMAIL_PATTERN)]
Url = Annotated[str, Strict(), Field(pattern=URL_PATTERN)]
Uuid = Annotated[str, Strict(), Field(pattern=UUID_PATTERN)]

BASE_TYPES: dict[str, Any] = {
    "string": Text,
    "text": Text,
    "markdown": Text,
    "number": Number,
    "integer": Integer,
    "boolean": Boolean,
    "date": Date,
    "datetime": DateTime,
    "json": Json,
    "url": Url,
    "email": Email,
    "uuid": Uuid,
}
TEXT_KINDS = frozenset({"string", "text", "markdown", "url", "email", "uuid"})
_FORMATS = frozenset({"url", "email", "uuid"})


def constraints(prop: PropertyDef) -> dict[str, Any]:
    """The property's bounds as ``Field`` keywords (none are None)."""
    pairs: dict[str, Any] = {
        "ge": prop.minimum,
        "le": prop.maximum,
        "gt": prop.exclusive_minimum,
        "lt": prop.exclusive_maximum,
        "min_length": prop.min_length,
        "max_length": prop.max_length,
    }
    if prop.pattern is not None and prop.type not in _FORMATS:
        pairs["pattern"] = prop.pattern
    return {k: v for k, v in pairs.items() if v is not None}


def value_parts(prop: PropertyDef) -> tuple[str, list[tuple[str, Any]]]:
    """How one value is typed: a base type name and the annotations to add, in order.

    Both the compiler and the Python code generator read this, so they cannot drift:
    each part is ``("field", kwargs)``, ``("matches", pattern)``, ``("one_of", values)``
    or ``("literal", values)`` (which replaces the base type).
    """
    parts: list[tuple[str, Any]] = []
    bounds = constraints(prop)
    if bounds:
        parts.append(("field", bounds))
    if prop.pattern is not None and prop.type in _FORMATS:
        parts.append(("matches", prop.pattern))
    if prop.enum is not None:
        # Enum values were checked against the type and bounds at load, so a text Literal
        # says everything; for numbers and booleans equality is looser than JSON's.
        if prop.type in TEXT_KINDS:
            return prop.type, [("literal", tuple(prop.enum))]
        parts.append(("one_of", tuple(prop.enum)))
    return prop.type, parts


def value_type(prop: PropertyDef) -> Any:
    """The annotated type of one value of the property (one item of an array)."""
    kind, parts = value_parts(prop)
    annotated: Any = BASE_TYPES[kind]
    extra: list[Any] = []
    for part, arg in parts:
        if part == "literal":
            annotated = Literal[arg]
        elif part == "field":
            extra.append(Field(**arg))
        elif part == "matches":
            extra.append(matches(arg))
        else:
            extra.append(one_of(*arg))
    return Annotated[annotated, *extra] if extra else annotated


def field_type(prop: PropertyDef) -> tuple[Any, Any]:
    """``(annotation, FieldInfo)`` for a property, as ``create_model`` takes them."""
    annotation = value_type(prop)
    if prop.array:
        annotation = Annotated[list[annotation], Strict()]  # type: ignore[valid-type]
    info: dict[str, Any] = {"description": prop.description}
    if prop.examples:
        info["examples"] = list(prop.examples)
    if prop.has_default:
        default = prop.default
        if isinstance(default, list | dict):
            info["default_factory"] = lambda: _copy(default)
        else:
            info["default"] = default
        if default is None:
            annotation = annotation | None
    elif prop.optional or prop.computed is not None:
        annotation = annotation | None
        info["default"] = None
    return annotation, Field(**info)


def relationship_type(rel: RelationshipDef, id_type: Any = Text) -> tuple[Any, Any]:
    """Relationships hold ids of the target, typed as the target's own id."""
    info: dict[str, Any] = {"description": rel.description}
    if rel.many:
        annotation: Any = Annotated[list[id_type], Strict()]
        if rel.required:
            info["min_length"] = 1
        else:
            info["default_factory"] = list
    elif rel.required:
        annotation = id_type
    else:
        annotation = id_type | None
        info["default"] = None
    return annotation, Field(**info)


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value
