"""Pydantic field types that read values the way JSON Schema does.

Validation follows JSON's own types, not Python's coercions: ``"2500"`` is not
a number, ``1`` is not a boolean, ``0`` is not a date. Where pydantic's strict
mode already means that, its native (Rust) validators are used; Python code
runs only for dates, datetimes, enums and whole floats given as integers.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, JsonValue, Strict
from pydantic_core import PydanticCustomError

from nounkit.language.spec import PropertyDef, RelationshipDef
from nounkit.language.types import DATETIME_RE, EMAIL_PATTERN, URL_PATTERN, UUID_PATTERN

__all__ = ["EXPECTED", "field_type", "relationship_type"]

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

_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FORMAT_PATTERNS = {"email": EMAIL_PATTERN, "url": URL_PATTERN, "uuid": UUID_PATTERN}


def _fail(kind: str, value: Any) -> PydanticCustomError:
    return PydanticCustomError(f"nounkit_{kind}", "expected {expected}", {"expected": EXPECTED[kind]})


def _read_date(value: Any) -> date:
    if type(value) is date:  # a datetime is a date subclass, and no calendar date
        return value
    if isinstance(value, str) and _FULL_DATE.fullmatch(value):
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        except ValueError:
            pass
    raise _fail("date", value)


def _read_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        match = DATETIME_RE.search(value)
        if match:
            day, hour, minute, second, fraction, zone = match.groups()
            try:
                tz = UTC
                if zone not in ("Z", "z"):
                    sign = -1 if zone[0] == "-" else 1
                    tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
                micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
                return datetime(int(day[:4]), int(day[5:7]), int(day[8:10]), int(hour),
                                int(minute), int(second), micro, tzinfo=tz)
            except ValueError:
                pass
    raise _fail("datetime", value)


def _whole(value: float) -> int:
    # JSON Schema counts 3.0 as an integer; so must the model.
    if value.is_integer():
        return int(value)
    raise PydanticCustomError("nounkit_integer", "expected a whole number, got {value}",
                              {"value": value})


def _in_enum(allowed: tuple[Any, ...]) -> Any:
    choices = ", ".join(repr(v) for v in allowed)

    def check(value: Any) -> Any:
        if value in allowed:
            return value
        raise PydanticCustomError("nounkit_enum", "expected one of {choices}", {"choices": choices})

    return AfterValidator(check)


def _search(pattern: str) -> Any:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.search(value):
            return value
        raise PydanticCustomError("string_pattern_mismatch", "should match pattern {pattern}",
                                  {"pattern": pattern})

    return AfterValidator(check)


def value_type(prop: PropertyDef) -> Any:
    """The annotated type of one value of the property (one item of an array)."""
    kind = prop.type
    annotated: Any
    if kind in ("number", "integer"):
        bounds = Field(ge=prop.minimum, le=prop.maximum, gt=prop.exclusive_minimum,
                       lt=prop.exclusive_maximum, allow_inf_nan=False)
        second: Any = (
            Annotated[float, Strict(), Field(allow_inf_nan=False)] if kind == "number"
            else Annotated[float, Strict(), AfterValidator(_whole)]
        )
        annotated = Annotated[Annotated[int, Strict()] | second, bounds]
    elif kind == "boolean":
        annotated = Annotated[bool, Strict()]
    elif kind == "date":
        annotated = Annotated[date, Strict(), BeforeValidator(_read_date)]
    elif kind == "datetime":
        annotated = Annotated[datetime, Strict(), BeforeValidator(_read_datetime)]
    elif kind == "json":
        annotated = JsonValue
    else:  # text of some kind
        pattern = _FORMAT_PATTERNS.get(kind)
        extra = []
        if pattern is None:
            pattern = prop.pattern
        elif prop.pattern is not None:
            extra.append(_search(prop.pattern))
        annotated = Annotated[str, Strict(), Field(min_length=prop.min_length,
                                                   max_length=prop.max_length,
                                                   pattern=pattern), *extra]
    if prop.enum is not None:
        annotated = Annotated[annotated, _in_enum(prop.enum)]
    return annotated


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


def relationship_type(rel: RelationshipDef) -> tuple[Any, Any]:
    """Relationships hold ids: a string for to-one, a list of strings for to-many."""
    ident = Annotated[str, Strict(), Field(min_length=1)]
    info: dict[str, Any] = {"description": rel.description}
    if rel.many:
        annotation: Any = Annotated[list[ident], Strict()]  # type: ignore[valid-type]
        if rel.required:
            info["min_length"] = 1
        else:
            info["default_factory"] = list
    elif rel.required:
        annotation = ident
    else:
        annotation = ident | None
        info["default"] = None
    return annotation, Field(**info)


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value
