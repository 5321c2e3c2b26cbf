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
from typing import Annotated, Any, ClassVar, Self

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
from nounkit.language.spec import ActionDef, NounDef
from nounkit.language.types import UUID_PATTERN

__all__ = ["Entity", "compile_input_model", "compile_model", "python_names", "validate_each"]


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


def compile_model(noun: NounDef, nouns: Mapping[str, NounDef] | None = None) -> type[Entity]:
    """Build the pydantic model of one noun; ``nouns`` gives relationship targets' id types."""
    specs: dict[str, tuple[Any, Any]] = {}
    for name, prop in noun.properties.items():
        specs[name] = field_type(prop)
    for name, rel in noun.relationships.items():
        target = (nouns or {}).get(rel.target)
        id_type = (
            value_type(target.properties["id"])
            if target is not None
            else Annotated[str, Value("string")]  # an external noun: ids are strings
        )
        specs[name] = relationship_type(rel, id_type)
    return _build(noun, noun.name, noun.description or f"A {noun.singular}.", specs)


def compile_input_model(noun: NounDef, action: ActionDef) -> type[Entity]:
    """The model of an action's ``input``, named ``Noun.action`` in its errors."""
    synthetic = NounDef(
        name=f"{noun.name}.{action.name}",
        singular=f"{noun.singular}-{action.name}",
        plural=f"{noun.singular}-{action.name}",
        description=action.description,
        properties=dict(action.input),
        relationships={},
        actions={},
        events=(),
    )
    specs = {name: field_type(prop) for name, prop in action.input.items()}
    doc = action.description or f"Input of {noun.name}.{action.name}."
    return _build(synthetic, f"{noun.name}_{action.name}_input", doc, specs)


def _build(
    noun: NounDef, class_name: str, doc: str, specs: Mapping[str, tuple[Any, Any]]
) -> type[Entity]:
    attributes = python_names(specs)
    fields: dict[str, Any] = {}
    for name, (annotation, info) in specs.items():
        python = attributes[name]
        if python != name:
            # Keep every other option of the field; only the alias is added.
            options = {k: v for k, v in info._attributes_set.items() if k != "alias"}
            info = Field(alias=name, **options)
        fields[python] = (annotation, info)
    model: type[Entity] = create_model(
        class_name, __base__=Entity, __doc__=doc, __module__="nounkit.models", **fields
    )
    model.__noun__ = noun
    return model


def validation_error(noun: NounDef, exc: PydanticValidationError, data: Any) -> ValidationError:
    """Turn pydantic's report into one error per field, in the noun language's words."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for error in exc.errors(include_url=False):
        grouped.setdefault(_path(noun, error["loc"]), []).append(error)
    found = [_field_error(noun, path, errors) for path, errors in grouped.items()]
    ident = data.get("id") if isinstance(data, Mapping) else None
    return ValidationError(noun.name, found, id=ident if isinstance(ident, str) else None)


def _path(noun: NounDef, loc: tuple[Any, ...]) -> str:
    """Field name plus array index; the rest of pydantic's location names its own unions."""
    if not loc:
        return ""
    head = str(loc[0])
    prop = noun.properties.get(head)
    many = (
        prop.array
        if prop is not None
        else (head in noun.relationships and noun.relationships[head].many)
    )
    if many and len(loc) > 1 and isinstance(loc[1], int):
        return f"{head}[{loc[1]}]"
    return head


def _field_error(noun: NounDef, path: str, errors: list[Mapping[str, Any]]) -> FieldError:
    head = path.split("[", 1)[0]
    first = errors[0]
    value = first.get("input")
    kind = first["type"]
    if kind == "extra_forbidden":
        import difflib

        known = [*noun.properties, *noun.relationships]
        close = difflib.get_close_matches(head, known, n=1)
        tip = f"; did you mean {close[0]!r}?" if close else ""
        return FieldError(path, f"unknown field: {noun.name} has no property {head!r}{tip}", value)
    if kind == "missing":
        return FieldError(path, "required", None)
    # Of a union's complaints, a broken bound says more than "wrong type".
    telling = [
        e
        for e in errors
        if not e["type"].endswith("_type") and e["type"] not in ("string_pattern_mismatch",)
    ] or errors
    prop = noun.properties.get(head)
    chosen = telling[0]
    if prop is not None and (
        chosen["type"].endswith("_type")
        or (chosen["type"] == "string_pattern_mismatch" and prop.pattern is None)
    ):
        item = " (each item)" if prop.array and "[" in path else ""
        return FieldError(path, f"expected {EXPECTED[prop.type]}{item}", value)
    if head in noun.relationships:
        rel = noun.relationships[head]
        if chosen["type"].endswith("_type"):
            what = "a list of ids" if rel.many and "[" not in path else "an id (a string)"
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
