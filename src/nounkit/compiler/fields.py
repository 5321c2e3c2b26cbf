"""Pydantic field types that read values the way JSON Schema does.

Validation follows JSON's own types, not Python's coercions: ``"2500"`` is not
a number, ``1`` is not a boolean, ``0`` is not a date. Every value is typed
``Annotated[<python type>, Value(kind, **constraints)]``: :class:`Value` hands
pydantic a ready pydantic-core schema, so validation runs in Rust (dates and
datetimes included; Python runs only for naive datetimes, whole floats given
as integers and enums of numbers) and building a model skips pydantic's
annotation machinery. ``nounkit codegen python`` writes the same ``Value``
annotations, so generated classes validate exactly as compiled ones do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, GetCoreSchemaHandler, JsonValue, Strict
from pydantic_core import PydanticCustomError
from pydantic_core import core_schema as cs

from nounkit.language.spec import PropertyDef, RelationshipDef
from nounkit.language.types import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    EMAIL_PATTERN,
    URL_PATTERN,
    UUID_PATTERN,
)

__all__ = [
    "ENTITY_CONFIG",
    "EXPECTED",
    "PYTHON_TYPES",
    "Value",
    "field_type",
    "relationship_type",
    "value_of",
    "value_type",
]

# The configuration every model shares, compiled or generated.
ENTITY_CONFIG = ConfigDict(
    extra="forbid",
    regex_engine="python-re",  # user patterns run as jsonschema runs them
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
_TEXT = frozenset({"string", "text", "markdown", "url", "email", "uuid"})
_FORMATS = {"url": URL_PATTERN, "email": EMAIL_PATTERN, "uuid": UUID_PATTERN}


def _rust(pattern: str) -> str:
    # The schema's patterns end in (?![\s\S]) so ECMA and Python agree; Rust's regex has
    # no look-around, and its $ already means the very end. Only the date patterns run in
    # Rust: they hold digits and literal letters, which every engine reads alike.
    return pattern.removesuffix(r"(?![\s\S])") + "$"


def _whole(value: float) -> int:
    # JSON Schema counts 3.0 as an integer; so must the model.
    if value.is_integer():
        return int(value)
    raise PydanticCustomError(
        "nounkit_integer", "expected a whole number, got {value}", {"value": value}
    )


def _no_int(value: Any) -> Any:
    # The float branch of a number: an int that failed the int branch's bounds must not pass
    # here rounded to a float (2**53 + 1 would read as 2**53, inside a maximum of 2**53).
    if isinstance(value, int) and not isinstance(value, bool):
        raise PydanticCustomError("nounkit_int_bounds", "the whole number is out of bounds")
    return value


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)  # a naive datetime from Python is read as UTC


def _one_of(allowed: tuple[Any, ...]) -> Callable[[Any], Any]:
    choices = ", ".join(repr(v) for v in allowed)

    def check(value: Any) -> Any:
        # Compared after the type check, so True never meets 1 here.
        if value in allowed:
            return value
        raise PydanticCustomError("nounkit_enum", "expected one of {choices}", {"choices": choices})

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


@dataclass(frozen=True, slots=True)
class Value:
    """One value of a noun-language type, with its constraints, as pydantic metadata.

    ``Annotated[int | float, Value("number", ge=0)]`` accepts exactly what the JSON
    Schema ``{"type": "number", "minimum": 0}`` accepts.
    """

    kind: str
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    lt: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    enum: tuple[Any, ...] | None = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> cs.CoreSchema:
        if self.kind == "json":
            return handler(JsonValue)  # pydantic's own JSON-value schema, recursive refs and all
        return self.schema()

    def schema(self) -> cs.CoreSchema:
        kind = self.kind
        schema: cs.CoreSchema
        if kind == "json":
            raise ValueError("json values take pydantic's own schema")
        if kind in _TEXT:
            schema = self._text()
        elif kind in ("number", "integer"):
            bounds = {"ge": self.ge, "le": self.le, "gt": self.gt, "lt": self.lt}
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
        if self.enum is not None and kind not in _TEXT:
            schema = cs.no_info_after_validator_function(_one_of(self.enum), schema)
        return schema

    def _text(self) -> cs.CoreSchema:
        if self.enum is not None:
            # Enum values were checked against the type and bounds at load.
            return cs.literal_schema(list(self.enum))
        lengths: dict[str, Any] = {
            k: v
            for k, v in (("min_length", self.min_length), ("max_length", self.max_length))
            if v is not None
        }
        formatted = _FORMATS.get(self.kind)
        steps: list[cs.CoreSchema] = []
        if formatted is not None:
            # Python's re, not Rust's: their \s differ (Python's takes \x1c-\x1f too).
            steps.append(
                cs.str_schema(strict=True, pattern=formatted, regex_engine="python-re", **lengths)
            )
            lengths = {}
        if self.pattern is not None or not steps:
            # A user's pattern runs in Python's re, the engine jsonschema uses.
            steps.append(
                cs.str_schema(
                    strict=True, pattern=self.pattern, regex_engine="python-re", **lengths
                )
            )
        return steps[0] if len(steps) == 1 else cs.chain_schema(steps)


def value_of(prop: PropertyDef) -> Value:
    """The :class:`Value` of one value of the property (one item of an array)."""
    return Value(
        kind=prop.type,
        ge=prop.minimum,
        le=prop.maximum,
        gt=prop.exclusive_minimum,
        lt=prop.exclusive_maximum,
        min_length=prop.min_length,
        max_length=prop.max_length,
        pattern=prop.pattern,
        enum=prop.enum,
    )


_PYTHON: dict[str, Any] = {
    "str": str,
    "int | float": int | float,
    "int": int,
    "bool": bool,
    "date": date,
    "datetime": datetime,
    "JsonValue": JsonValue,
}


def value_type(prop: PropertyDef) -> Any:
    """The annotated type of one value of the property (one item of an array)."""
    base: Any = _PYTHON[PYTHON_TYPES[prop.type]]
    if prop.enum is not None and prop.type in _TEXT:
        base = Literal[prop.enum]
    return Annotated[base, value_of(prop)]


def field_type(prop: PropertyDef) -> tuple[Any, Any]:
    """``(annotation, FieldInfo)`` for a property, as ``create_model`` takes them."""
    annotation = value_type(prop)
    if prop.array:
        annotation = Annotated[list[annotation], Strict()]  # type: ignore[valid-type]
    info: dict[str, Any] = {"description": prop.description}
    if prop.examples:
        info["examples"] = list(prop.examples)
    # Optional means "may be null" as well as "may be left out", default or not: the
    # JSON Schema side (types.property_schema) says the same.
    if prop.optional or prop.computed is not None:
        annotation = annotation | None
    if prop.has_default:
        default = prop.default
        if isinstance(default, list | dict):
            info["default_factory"] = lambda: _copy(default)
        else:
            info["default"] = default
    elif prop.optional or prop.computed is not None:
        info["default"] = None
    return annotation, Field(**info)


def relationship_type(rel: RelationshipDef, id_type: Any) -> tuple[Any, Any]:
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
