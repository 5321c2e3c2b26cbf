"""Compiling a noun into a pydantic v2 model.

Every compiled model derives from :class:`Entity`, which rejects unknown
fields, reads values with JSON's types (see ``fields``) and raises
``nounkit.ValidationError`` naming the noun, the field path and the value.
Rules and computed values are not the model's business: they are behaviour,
run by the dispatcher, so the model and the generated JSON Schema can accept
exactly the same documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, ForwardRef, Self

from pydantic import BaseModel, Field, create_model
from pydantic import ValidationError as PydanticValidationError

from nounkit.compiler.fields import (
    ENTITY_CONFIG,
    EXPECTED,
    Value,
    field_type,
    relationship_type,
    value_type,
)
from nounkit.compiler.names import python_names
from nounkit.errors import FieldError, ValidationError
from nounkit.language.spec import (
    ActionDef,
    NounDef,
    PropertyDef,
    RelationshipDef,
    TypeDef,
    ValueDef,
)
from nounkit.language.types import UUID_PATTERN

__all__ = [
    "Entity",
    "ValueModel",
    "compile_input_model",
    "compile_model",
    "compile_value_models",
    "python_names",
    "validate_each",
]


class ValueModel(BaseModel):
    """Base class of every compiled value type: strict as an entity, no identity."""

    model_config = ENTITY_CONFIG

    __value__: ClassVar[ValueDef]


class Entity(BaseModel):
    """Base class of every compiled noun model."""

    model_config = ENTITY_CONFIG

    __noun__: ClassVar[NounDef]

    def __init__(self, /, **data: Any) -> None:
        try:
            self.__pydantic_validator__.validate_python(data, self_instance=self)
        except PydanticValidationError as exc:
            raise validation_error(type(self).__noun__, exc, data) from exc

    # Validates exactly as BaseModel.__init__ does; without this mark pydantic would treat the
    # override as a custom __init__ and call it from inside validation.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: Any = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        try:
            model: Self = cls.__pydantic_validator__.validate_python(
                obj, strict=strict, from_attributes=from_attributes, context=context
            )
            return model
        except PydanticValidationError as exc:
            raise validation_error(cls.__noun__, exc, obj) from exc

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: Any = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        try:
            model: Self = cls.__pydantic_validator__.validate_json(
                json_data, strict=strict, context=context
            )
            return model
        except PydanticValidationError as exc:
            raise validation_error(cls.__noun__, exc, None) from exc


def validate_each(model: type[Entity], documents: Sequence[Any]) -> list[Entity | ValidationError]:
    """Each document as an entity of ``model``, or the ValidationError that says why not.

    All of them in one call to the model's own core schema when every one is valid (the
    usual case, and a tenth of the time of one call each); one by one, to say which and
    why, when some are not.
    """
    from pydantic_core import SchemaValidator
    from pydantic_core import core_schema as cs

    everything = SchemaValidator(cs.list_schema(model.__pydantic_core_schema__, strict=True))
    try:
        found: list[Entity] = everything.validate_python(list(documents))
        return list(found)
    except PydanticValidationError:
        pass
    results: list[Entity | ValidationError] = []
    for document in documents:
        try:
            results.append(model.model_validate(document))
        except ValidationError as exc:
            results.append(exc)
    return results


def compile_value_models(
    types: Mapping[str, TypeDef], models: dict[str, type[ValueModel]] | None = None
) -> dict[str, type[ValueModel]]:
    """The model of every value type in ``types``; ``models`` holds those already built
    (a schema shares one model per value type among its nouns) and gains the new ones."""
    models = models if models is not None else {}
    todo = [n for n, t in types.items() if isinstance(t, ValueDef) and n not in models]
    if not todo:
        return models
    # Every value type is referred to by name while they are built, so they may hold each
    # other (through optional or array links); the names are resolved once all exist.
    refs: dict[str, Any] = {**models, **{name: ForwardRef(name) for name in todo}}
    built: dict[str, type[ValueModel]] = {}
    for name in todo:
        value = types[name]
        assert isinstance(value, ValueDef)
        specs = {p: field_type(prop, refs) for p, prop in value.properties.items()}
        model: type[ValueModel] = create_model(
            name,
            __base__=ValueModel,
            __doc__=value.description or f"A {name} value.",
            __module__="nounkit.models",
            **_aliased(specs),
        )
        model.__value__ = value
        built[name] = model
    namespace = {**models, **built}
    for made in built.values():
        made.model_rebuild(_types_namespace=namespace)
    models.update(built)
    return models


def compile_model(
    noun: NounDef,
    nouns: Mapping[str, NounDef] | None = None,
    values: dict[str, type[ValueModel]] | None = None,
) -> type[Entity]:
    """Build the pydantic model of one noun; ``nouns`` gives relationship targets' id types,
    ``values`` the value types' models already built (and gains those it builds)."""
    values = compile_value_models(noun.types, values)
    specs: dict[str, tuple[Any, Any]] = {}
    for name, prop in noun.properties.items():
        specs[name] = field_type(prop, values)
    for name, rel in noun.relationships.items():
        target = (nouns or {}).get(rel.target)
        id_type = (
            value_type(target.properties["id"])
            if target is not None
            else Annotated[str, Value("string")]  # an external noun: ids are strings
        )
        specs[name] = relationship_type(rel, id_type)
    return _build(noun, noun.name, noun.description or f"A {noun.singular}.", specs)


def compile_input_model(
    noun: NounDef, action: ActionDef, values: dict[str, type[ValueModel]] | None = None
) -> type[Entity]:
    """The model of an action's ``input``, named ``Noun.action`` in its errors."""
    values = compile_value_models(noun.types, values)
    synthetic = NounDef(
        name=f"{noun.name}.{action.name}",
        singular=f"{noun.singular}-{action.name}",
        plural=f"{noun.singular}-{action.name}",
        description=action.description,
        properties=dict(action.input),
        relationships={},
        actions={},
        events=(),
        types=noun.types,
    )
    specs = {name: field_type(prop, values) for name, prop in action.input.items()}
    doc = action.description or f"Input of {noun.name}.{action.name}."
    return _build(synthetic, f"{noun.name}_{action.name}_input", doc, specs)


def _aliased(specs: Mapping[str, tuple[Any, Any]]) -> dict[str, Any]:
    """Fields as ``create_model`` takes them, by Python attribute name: a property named
    like a pydantic attribute keeps its own name as the alias."""
    attributes = python_names(specs)
    fields: dict[str, Any] = {}
    for name, (annotation, info) in specs.items():
        python = attributes[name]
        if python != name:
            # Keep every other option of the field; only the alias is added.
            options = {k: v for k, v in info._attributes_set.items() if k != "alias"}
            info = Field(alias=name, **options)
        fields[python] = (annotation, info)
    return fields


def _build(
    noun: NounDef, class_name: str, doc: str, specs: Mapping[str, tuple[Any, Any]]
) -> type[Entity]:
    model: type[Entity] = create_model(
        class_name, __base__=Entity, __doc__=doc, __module__="nounkit.models", **_aliased(specs)
    )
    model.__noun__ = noun
    return model


def validation_error(noun: NounDef, exc: PydanticValidationError, data: Any) -> ValidationError:
    """Turn pydantic's report into one error per field, in the noun language's words."""
    grouped: dict[str, tuple[_Place, list[Mapping[str, Any]]]] = {}
    for error in exc.errors(include_url=False):
        place = _locate(noun, error["loc"])
        grouped.setdefault(place.path, (place, []))[1].append(error)
    found = [_field_error(noun, place, errors) for place, errors in grouped.values()]
    ident = data.get("id") if isinstance(data, Mapping) else None
    return ValidationError(noun.name, found, id=ident if isinstance(ident, str) else None)


class _Place:
    """Where in a document an error stands: its path in the noun language's words, the
    property (or relationship) there, and the fields of the mapping that holds it."""

    __slots__ = ("fields", "holder", "item", "path", "prop", "rel")

    def __init__(self) -> None:
        self.path = ""
        self.prop: PropertyDef | None = None
        self.rel: RelationshipDef | None = None
        self.holder = ""
        self.fields: list[str] = []
        self.item = False  # the error is on one item of an array


def _locate(noun: NounDef, loc: tuple[Any, ...]) -> _Place:
    """Follow pydantic's location through values and arrays: ``items[2].quantity``. What
    comes after the last field and index names pydantic's own unions, and is left out."""
    place = _Place()
    place.holder = noun.name
    fields: Mapping[str, PropertyDef] = noun.properties
    place.fields = [*noun.properties, *noun.relationships]
    index = 0
    while index < len(loc):
        key = loc[index]
        if not isinstance(key, str):
            break
        place.path += f".{key}" if place.path else key
        index += 1
        prop = fields.get(key)
        place.prop, place.item = prop, False
        if prop is None:
            if fields is noun.properties and key in noun.relationships:
                place.rel = noun.relationships[key]
                if place.rel.many and index < len(loc) and isinstance(loc[index], int):
                    place.path += f"[{loc[index]}]"
                    place.item = True
            break
        if prop.array and index < len(loc) and isinstance(loc[index], int):
            place.path += f"[{loc[index]}]"
            place.item = True
            index += 1
        elif prop.array:
            break
        value = noun.types.get(prop.ref or "") if prop.is_value else None
        if not isinstance(value, ValueDef) or index >= len(loc):
            break
        fields = value.properties
        place.holder = value.name
        place.fields = list(value.properties)
    return place


def _field_error(noun: NounDef, place: _Place, errors: list[Mapping[str, Any]]) -> FieldError:
    path = place.path
    head = path.rsplit(".", 1)[-1].split("[", 1)[0]
    first = errors[0]
    value = first.get("input")
    kind = first["type"]
    if kind == "extra_forbidden":
        import difflib

        close = difflib.get_close_matches(head, place.fields, n=1)
        tip = f"; did you mean {close[0]!r}?" if close else ""
        return FieldError(
            path, f"unknown field: {place.holder} has no property {head!r}{tip}", value
        )
    if kind == "missing":
        return FieldError(path, "required", None)
    prop = place.prop
    if (
        prop is not None
        and prop.is_value
        and kind in ("model_type", "dict_type", "model_attributes_type")
    ):
        return FieldError(path, f"expected a mapping of {prop.ref}'s properties", value)
    if kind in ("too_short", "too_long") and prop is not None and prop.array and not place.item:
        bound = prop.min_items if kind == "too_short" else prop.max_items
        word = "at least" if kind == "too_short" else "at most"
        return FieldError(path, f"must hold {word} {bound} item{'s' * (bound != 1)}", value)
    if kind == "list_type" and prop is not None and prop.is_value:
        return FieldError(path, f"expected a list of {prop.ref} values", value)
    # Of a union's complaints, a broken bound says more than "wrong type".
    telling = [
        e
        for e in errors
        if not e["type"].endswith("_type") and e["type"] not in ("string_pattern_mismatch",)
    ] or errors
    chosen = telling[0]
    if prop is not None and (
        chosen["type"].endswith("_type")
        or (chosen["type"] == "string_pattern_mismatch" and prop.pattern is None)
    ):
        item = " (each item)" if prop.array and place.item else ""
        return FieldError(path, f"expected {EXPECTED[prop.type]}{item}", value)
    if place.rel is not None:
        rel = place.rel
        if chosen["type"].endswith("_type"):
            what = "a list of ids" if rel.many and not place.item else "an id (a string)"
            return FieldError(path, f"expected {what} of {rel.target}", value)
        # The target's id is a uuid: say so, not "should match pattern '^[0-9a-fA-F]{8}...'".
        if chosen["type"] == "nounkit_uuid" or (
            chosen["type"] == "string_pattern_mismatch"
            and (chosen.get("ctx") or {}).get("pattern") == UUID_PATTERN
        ):
            return FieldError(
                path, f"expected an id of {rel.target}: {EXPECTED['uuid']}", chosen.get("input")
            )
    return FieldError(path, str(chosen["msg"]), chosen.get("input", value))
