"""The checked, immutable form of a noun definition.

The loader turns YAML into these; the compiler, the code generators and the
dispatcher read only these. Attribute names are Python's (``min_length``);
``raw`` keeps each declaration exactly as written, with the seed's keys.

They behave as frozen dataclasses do (keyword construction, equality by value,
``replace()``, pickling, no attribute ever set twice) but are plain classes with
slots: every command imports this module, and making a dataclass costs a
millisecond or two of generated code each.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

if TYPE_CHECKING:
    from nounkit.language.expressions import Expression

__all__ = [
    "ActionDef",
    "ActionKind",
    "EnumDef",
    "EnumValue",
    "LifecycleDef",
    "Location",
    "NounDef",
    "OnDelete",
    "PropertyDef",
    "RelationshipDef",
    "RuleDef",
    "TransitionDef",
    "TypeDef",
    "ValueDef",
]

ActionKind = Literal["create", "update", "delete", "transition", "custom"]
OnDelete = Literal["restrict", "cascade", "nullify"]


class _Missing:
    """Marks a property with no ``default`` (``None`` is a valid default)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class _Definition:
    """Immutable; equal and hashed by the fields in ``_compared`` (never by where a
    declaration stands, nor by its raw text)."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]]
    _compared: ClassVar[tuple[str, ...]]

    def _values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} does not change: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} does not change: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._compared)

    def __hash__(self) -> int:
        return hash((type(self).__name__, *(getattr(self, n) for n in self._compared)))

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields if n != "raw")
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Read-only views do not pickle; what they show does.
        values = {
            name: dict(value) if isinstance(value, MappingProxyType) else value
            for name, value in self._values().items()
        }
        return (_rebuild, (type(self), values))

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (as ``dataclasses.replace`` makes one)."""
        return type(self)(**{**self._values(), **changes})


def _rebuild(kind: type[_Definition], values: dict[str, Any]) -> _Definition:
    return kind(**values)


def _set(self: _Definition, /, **values: Any) -> None:
    for name, value in values.items():
        object.__setattr__(self, name, value)


class Location(_Definition):
    """Where a declaration stands: file and 1-based line and column."""

    __slots__ = ("column", "file", "line")
    _fields = _compared = ("file", "line", "column")
    file: str
    line: int
    column: int

    def __init__(self, file: str, line: int, column: int) -> None:
        _set(self, file=file, line=line, column=column)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class PropertyDef(_Definition):
    """A property of a noun, or a field of an action's input."""

    _fields = (
        "name", "type", "description", "optional", "array", "default", "examples", "enum",
        "minimum", "maximum", "exclusive_minimum", "exclusive_maximum", "min_length",
        "max_length", "pattern", "unique", "index", "iri", "computed", "deprecated",
        "ref", "min_items", "max_items", "unique_items", "stored", "location", "raw",
    )  # fmt: skip
    _compared = _fields[:-2]
    __slots__ = _fields
    name: str
    # Canonical: "timestamp" is read as "datetime"; "value" when ``ref`` names a value type.
    # A property of an enum type is a "string" with that enum's values as ``enum``.
    type: str
    description: str | None
    optional: bool
    array: bool
    default: Any
    examples: tuple[Any, ...]
    enum: tuple[Any, ...] | None
    minimum: float | None
    maximum: float | None
    exclusive_minimum: float | None
    exclusive_maximum: float | None
    min_length: int | None
    max_length: int | None
    pattern: str | None
    unique: bool
    index: bool
    iri: str | None
    computed: Expression | None
    deprecated: bool | str
    ref: str | None  # the value type or enum named as the type
    min_items: int | None
    max_items: int | None
    unique_items: bool
    stored: bool  # of a computed value: kept (default), or worked out at every read
    location: Location | None
    raw: Mapping[str, Any]

    def __init__(
        self,
        name: str,
        type: str,
        description: str | None = None,
        optional: bool = False,
        array: bool = False,
        default: Any = MISSING,
        examples: tuple[Any, ...] = (),
        enum: tuple[Any, ...] | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: float | None = None,
        exclusive_maximum: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        unique: bool = False,
        index: bool = False,
        iri: str | None = None,
        computed: Expression | None = None,
        deprecated: bool | str = False,
        ref: str | None = None,
        min_items: int | None = None,
        max_items: int | None = None,
        unique_items: bool = False,
        stored: bool = True,
        location: Location | None = None,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        _set(
            self, name=name, type=type, description=description, optional=optional,
            array=array, default=default, examples=examples, enum=enum, minimum=minimum,
            maximum=maximum, exclusive_minimum=exclusive_minimum,
            exclusive_maximum=exclusive_maximum, min_length=min_length, max_length=max_length,
            pattern=pattern, unique=unique, index=index, iri=iri, computed=computed,
            deprecated=deprecated, ref=ref, min_items=min_items, max_items=max_items,
            unique_items=unique_items, stored=stored, location=location,
            raw=raw if raw is not None else {},
        )  # fmt: skip

    @property
    def read_time(self) -> bool:
        """A computed value worked out at every read (``stored: false``), never kept."""
        return self.computed is not None and not self.stored

    @property
    def is_value(self) -> bool:
        """Its values are values of a value type (mappings of their own properties)."""
        return self.type == "value"

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING

    @property
    def required(self) -> bool:
        """Must be given: not optional, no default, not computed."""
        return not (self.optional or self.has_default or self.computed is not None)


class RelationshipDef(_Definition):
    """A link to another noun: to-one (an id) or to-many (a list of ids)."""

    _fields = (
        "name", "target", "many", "required", "description", "backref", "on_delete",
        "location", "raw",
    )  # fmt: skip
    _compared = _fields[:-2]
    __slots__ = _fields
    name: str
    target: str
    many: bool
    required: bool
    description: str | None
    backref: str | None
    on_delete: OnDelete  # what deleting the target does to the entities linking to it
    location: Location | None
    raw: Mapping[str, Any]

    def __init__(
        self,
        name: str,
        target: str,
        many: bool,
        required: bool,
        description: str | None = None,
        backref: str | None = None,
        on_delete: OnDelete = "restrict",
        location: Location | None = None,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        _set(
            self, name=name, target=target, many=many, required=required,
            description=description, backref=backref, on_delete=on_delete, location=location,
            raw=raw if raw is not None else {},
        )  # fmt: skip

    @property
    def type(self) -> str:
        """The type as the seed writes it: ``Target`` or ``Target[]``."""
        return f"{self.target}[]" if self.many else self.target


class ActionDef(_Definition):
    """Something a noun can do; ``emits`` is the event it emits (declared or derived).

    Its declared behaviour: ``requires`` (preconditions over the entity before it and the
    input), ``sets`` (property: expression, each over the entity before it), ``emit``
    (event: condition over the entity after it, in declared order).
    """

    _fields = (
        "name", "kind", "emits", "input", "roles", "description", "requires", "sets", "emit",
        "location",
    )  # fmt: skip
    _compared = _fields[:-1]
    __slots__ = _fields
    name: str
    kind: ActionKind
    emits: str
    input: Mapping[str, PropertyDef]
    roles: tuple[str, ...] | None
    description: str | None
    requires: tuple[RuleDef, ...]
    sets: Mapping[str, Expression]
    emit: tuple[tuple[str, Expression], ...]
    location: Location | None

    def __init__(
        self,
        name: str,
        kind: ActionKind,
        emits: str,
        input: Mapping[str, PropertyDef] | None = None,
        roles: tuple[str, ...] | None = None,
        description: str | None = None,
        requires: tuple[RuleDef, ...] = (),
        sets: Mapping[str, Expression] | None = None,
        emit: tuple[tuple[str, Expression], ...] = (),
        location: Location | None = None,
    ) -> None:
        _set(
            self, name=name, kind=kind, emits=emits, input=input if input is not None else {},
            roles=roles, description=description, requires=requires,
            sets=sets if sets is not None else {}, emit=emit, location=location,
        )  # fmt: skip

    @property
    def declares_behaviour(self) -> bool:
        """Whether it has preconditions, sets values or emits events of its own."""
        return bool(self.requires or self.sets or self.emit)


class TransitionDef(_Definition):
    """Where an action may move the lifecycle: ``sources`` is every state it may start from.

    ``conditions``: with ``to`` written as state: condition, each target's condition, in
    order; the first that holds after the action is the state it takes.
    """

    _fields = _compared = ("action", "sources", "targets", "from_any", "conditions")
    __slots__ = _fields
    action: str
    sources: frozenset[str]
    targets: tuple[str, ...]
    from_any: bool  # declared as "*": every state that is not final
    conditions: tuple[Expression, ...] | None  # one per target, or None: no mapping

    def __init__(
        self,
        action: str,
        sources: frozenset[str],
        targets: tuple[str, ...],
        from_any: bool = False,
        conditions: tuple[Expression, ...] | None = None,
    ) -> None:
        _set(
            self, action=action, sources=sources, targets=targets, from_any=from_any,
            conditions=conditions,
        )  # fmt: skip


class LifecycleDef(_Definition):
    """A state machine over one property of the noun."""

    _fields = _compared = ("property", "states", "initial", "final", "transitions")
    __slots__ = _fields
    property: str
    states: tuple[str, ...]
    initial: str
    final: frozenset[str]
    transitions: Mapping[str, TransitionDef]

    def __init__(
        self,
        property: str,
        states: tuple[str, ...],
        initial: str,
        final: frozenset[str],
        transitions: Mapping[str, TransitionDef],
    ) -> None:
        _set(
            self, property=property, states=states, initial=initial, final=final,
            transitions=transitions,
        )  # fmt: skip

    def allowed_from(self, state: str) -> list[str]:
        """The actions that may run while the entity is in ``state``, in declaration order."""
        return [name for name, t in self.transitions.items() if state in t.sources]


class RuleDef(_Definition):
    """An invariant over one entity."""

    _fields = ("check", "expression", "message", "on", "location")
    _compared = _fields[:-1]
    __slots__ = _fields
    check: str
    expression: Expression
    message: str | None
    on: frozenset[str] | None  # the actions (names or kinds) it is checked on; None: every one
    location: Location | None

    def __init__(
        self,
        check: str,
        expression: Expression,
        message: str | None = None,
        location: Location | None = None,
        on: frozenset[str] | None = None,
    ) -> None:
        _set(self, check=check, expression=expression, message=message, on=on, location=location)

    def applies(self, action: str, kind: str) -> bool:
        """Whether the rule is checked on this action."""
        return self.on is None or action in self.on or kind in self.on


class NounDef(_Definition):
    """One noun, checked: every reference in it resolves."""

    _fields = (
        "name", "singular", "plural", "description", "properties", "relationships",
        "actions", "events", "class_iri", "lifecycle", "rules", "tenant", "computed_order",
        "types", "indexes", "location", "raw",
    )  # fmt: skip
    _compared = _fields[:-2]
    __slots__ = _fields
    name: str
    singular: str
    plural: str
    description: str | None
    properties: Mapping[str, PropertyDef]
    relationships: Mapping[str, RelationshipDef]
    actions: Mapping[str, ActionDef]
    events: tuple[str, ...]
    class_iri: str | None
    lifecycle: LifecycleDef | None
    rules: tuple[RuleDef, ...]
    tenant: str | None
    computed_order: tuple[str, ...]  # computed properties, dependencies first
    # Every value type and enum its properties and action inputs use, at any depth, by name.
    types: Mapping[str, TypeDef]
    indexes: tuple[tuple[str, ...], ...]  # declared indexes: each a path, or several (compound)
    location: Location | None
    raw: Mapping[str, Any]

    def __init__(
        self,
        name: str,
        singular: str,
        plural: str,
        description: str | None,
        properties: Mapping[str, PropertyDef],
        relationships: Mapping[str, RelationshipDef],
        actions: Mapping[str, ActionDef],
        events: tuple[str, ...],
        class_iri: str | None = None,
        lifecycle: LifecycleDef | None = None,
        rules: tuple[RuleDef, ...] = (),
        tenant: str | None = None,
        computed_order: tuple[str, ...] = (),
        types: Mapping[str, TypeDef] | None = None,
        indexes: tuple[tuple[str, ...], ...] = (),
        location: Location | None = None,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        _set(
            self, name=name, singular=singular, plural=plural, description=description,
            properties=properties, relationships=relationships, actions=actions, events=events,
            class_iri=class_iri, lifecycle=lifecycle, rules=rules, tenant=tenant,
            computed_order=computed_order, types=types if types is not None else {},
            indexes=indexes, location=location, raw=raw if raw is not None else {},
        )  # fmt: skip

    def event_name(self, event: str) -> str:
        """The full event name, ``Noun.event``."""
        return f"{self.name}.{event}"


class ValueDef(_Definition):
    """A value type: properties with no identity of their own, stored inside their holder."""

    _fields = (
        "name", "description", "properties", "class_iri", "rules", "computed_order",
        "anonymous", "location", "raw",
    )  # fmt: skip
    _compared = _fields[:-2]
    __slots__ = _fields
    name: str
    description: str | None
    properties: Mapping[str, PropertyDef]
    class_iri: str | None
    rules: tuple[RuleDef, ...]
    computed_order: tuple[str, ...]
    anonymous: bool  # declared inline, as a property's own ``properties:``
    location: Location | None
    raw: Mapping[str, Any]

    def __init__(
        self,
        name: str,
        properties: Mapping[str, PropertyDef],
        description: str | None = None,
        class_iri: str | None = None,
        rules: tuple[RuleDef, ...] = (),
        computed_order: tuple[str, ...] = (),
        anonymous: bool = False,
        location: Location | None = None,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        _set(
            self, name=name, description=description, properties=properties,
            class_iri=class_iri, rules=rules, computed_order=computed_order,
            anonymous=anonymous, location=location, raw=raw if raw is not None else {},
        )  # fmt: skip


class EnumValue(_Definition):
    """One value of an enum, with what it means."""

    _fields = _compared = ("value", "description", "iri")
    __slots__ = _fields
    value: str
    description: str | None
    iri: str | None

    def __init__(self, value: str, description: str | None = None, iri: str | None = None) -> None:
        _set(self, value=value, description=description, iri=iri)


class EnumDef(_Definition):
    """An enum type: a closed set of strings."""

    _fields = ("name", "description", "values", "location", "raw")
    _compared = _fields[:-2]
    __slots__ = _fields
    name: str
    description: str | None
    values: tuple[EnumValue, ...]
    location: Location | None
    raw: Mapping[str, Any]

    def __init__(
        self,
        name: str,
        values: tuple[EnumValue, ...],
        description: str | None = None,
        location: Location | None = None,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        _set(
            self, name=name, description=description, values=values, location=location,
            raw=raw if raw is not None else {},
        )  # fmt: skip

    @property
    def strings(self) -> tuple[str, ...]:
        return tuple(v.value for v in self.values)


TypeDef = ValueDef | EnumDef
