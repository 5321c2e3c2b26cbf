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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, Optional

from pydantic import BeforeValidator, ConfigDict, Field, GetCoreSchemaHandler, JsonValue, Strict
from pydantic_core import core_schema as cs

from nounkit.language.spec import PropertyDef, RelationshipDef
from nounkit.language.types import (
    EXPECTED,
    PYTHON_TYPES,
    TEXT_KINDS,
    core_schema,
    distinct,
    value_options,
)

__all__ = [
    "ENTITY_CONFIG",
    "EXPECTED",
    "PYTHON_TYPES",
    "Value",
    "distinct",
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
        return core_schema(
            self.kind,
            ge=self.ge,
            le=self.le,
            gt=self.gt,
            lt=self.lt,
            min_length=self.min_length,
            max_length=self.max_length,
            pattern=self.pattern,
            enum=self.enum,
        )


def value_of(prop: PropertyDef) -> Value:
    """The :class:`Value` of one value of the property (one item of an array)."""
    return Value(**value_options(prop))


_PYTHON: dict[str, Any] = {
    "str": str,
    "int | float": int | float,
    "int": int,
    "bool": bool,
    "date": date,
    "datetime": datetime,
    "JsonValue": JsonValue,
}


def value_type(prop: PropertyDef, models: Mapping[str, Any] | None = None) -> Any:
    """The annotated type of one value of the property (one item of an array); ``models``
    gives the model of each value type (a class, or its name while it is being built)."""
    if prop.is_value:
        assert models is not None and prop.ref is not None, "a value type needs its model"
        return models[prop.ref]
    base: Any = _PYTHON[PYTHON_TYPES[prop.type]]
    if prop.enum is not None and prop.type in TEXT_KINDS:
        base = Literal[prop.enum]
    return Annotated[base, value_of(prop)]


def field_type(prop: PropertyDef, models: Mapping[str, Any] | None = None) -> tuple[Any, Any]:
    """``(annotation, FieldInfo)`` for a property, as ``create_model`` takes them."""
    annotation = value_type(prop, models)
    info: dict[str, Any] = {"description": prop.description}
    if prop.array:
        annotation = Annotated[list[annotation], Strict()]  # type: ignore[valid-type]
        if prop.unique_items:
            annotation = Annotated[annotation, BeforeValidator(distinct)]
        if prop.min_items is not None:
            info["min_length"] = prop.min_items
        if prop.max_items is not None:
            info["max_length"] = prop.max_items
    if prop.examples:
        info["examples"] = list(prop.examples)
    # Optional means "may be null" as well as "may be left out", default or not: the
    # JSON Schema side (types.property_schema) says the same.
    if prop.optional or prop.computed is not None:
        # Optional[], not ``| None``: a value type's model may still be a ForwardRef here.
        annotation = Optional[annotation]  # noqa: UP045
    if prop.has_default and prop.is_value:
        info["validate_default"] = True  # a value's default is a mapping: read as its model
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
