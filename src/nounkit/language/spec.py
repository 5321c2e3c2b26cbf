"""The checked, immutable form of a noun definition.

The loader turns YAML into these; the compiler, the code generators and the
dispatcher read only these. Attribute names are Python's (``min_length``);
``raw`` keeps each declaration exactly as written, with the seed's keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from nounkit.language.expressions import Expression

__all__ = [
    "ActionDef",
    "ActionKind",
    "LifecycleDef",
    "Location",
    "NounDef",
    "PropertyDef",
    "RelationshipDef",
    "RuleDef",
    "TransitionDef",
]

ActionKind = Literal["create", "update", "delete", "transition", "custom"]


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


@dataclass(frozen=True, slots=True)
class Location:
    """Where a declaration stands: file and 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class PropertyDef:
    """A property of a noun, or a field of an action's input."""

    name: str
    type: str  # canonical: "timestamp" is read as "datetime"
    description: str | None = None
    optional: bool = False
    array: bool = False
    default: Any = MISSING
    examples: tuple[Any, ...] = ()
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    unique: bool = False
    index: bool = False
    iri: str | None = None
    computed: Expression | None = None
    deprecated: bool | str = False
    location: Location | None = field(default=None, compare=False)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING

    @property
    def required(self) -> bool:
        """Must be given: not optional, no default, not computed."""
        return not (self.optional or self.has_default or self.computed is not None)


@dataclass(frozen=True, slots=True)
class RelationshipDef:
    """A link to another noun: to-one (an id) or to-many (a list of ids)."""

    name: str
    target: str
    many: bool
    required: bool
    description: str | None = None
    backref: str | None = None
    location: Location | None = field(default=None, compare=False)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def type(self) -> str:
        """The type as the seed writes it: ``Target`` or ``Target[]``."""
        return f"{self.target}[]" if self.many else self.target


@dataclass(frozen=True, slots=True)
class ActionDef:
    """Something a noun can do; ``emits`` is the event it emits (declared or derived)."""

    name: str
    kind: ActionKind
    emits: str
    input: Mapping[str, PropertyDef] = field(default_factory=dict)
    roles: tuple[str, ...] | None = None
    description: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class TransitionDef:
    """Where an action may move the lifecycle: ``sources`` is every state it may start from."""

    action: str
    sources: frozenset[str]
    targets: tuple[str, ...]
    from_any: bool = False  # declared as "*": every state that is not final


@dataclass(frozen=True, slots=True)
class LifecycleDef:
    """A state machine over one property of the noun."""

    property: str
    states: tuple[str, ...]
    initial: str
    final: frozenset[str]
    transitions: Mapping[str, TransitionDef]

    def allowed_from(self, state: str) -> list[str]:
        """The actions that may run while the entity is in ``state``, in declaration order."""
        return [name for name, t in self.transitions.items() if state in t.sources]


@dataclass(frozen=True, slots=True)
class RuleDef:
    """An invariant over one entity."""

    check: str
    expression: Expression
    message: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class NounDef:
    """One noun, checked: every reference in it resolves."""

    name: str
    singular: str
    plural: str
    description: str | None
    properties: Mapping[str, PropertyDef]
    relationships: Mapping[str, RelationshipDef]
    actions: Mapping[str, ActionDef]
    events: tuple[str, ...]
    class_iri: str | None = None
    lifecycle: LifecycleDef | None = None
    rules: tuple[RuleDef, ...] = ()
    tenant: str | None = None
    computed_order: tuple[str, ...] = ()  # computed properties, dependencies first
    location: Location | None = field(default=None, compare=False)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def event_name(self, event: str) -> str:
        """The full event name, ``Noun.event``."""
        return f"{self.name}.{event}"
