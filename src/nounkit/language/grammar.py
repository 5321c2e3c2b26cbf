"""The noun language's grammar: the one definition of what a noun file may hold, where.

The same nodes do three things, so they cannot disagree:

- :func:`language_schema` writes them as JSON Schema (draft 2020-12), for editors
  (``nounkit build`` puts it in ``schemas/noun.schema.json``);
- :func:`check_shape` walks a parsed noun file and reports every place that breaks
  them, each problem with its code, path, position and a hint in nounkit's words;
- the same walk hands the meaning checks a clean copy of the file: unknown keys are
  left out, and a value that broke the grammar stands as :data:`BROKEN`, so what it
  broke is reported once and the rest of the noun is still checked.

A test holds the walk to the JSON Schema it writes, document by generated document.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from nounkit.language.codes import Code
from nounkit.language.types import ALIASES, TYPES

__all__ = [
    "BROKEN",
    "NOUN_FILE",
    "Report",
    "check_shape",
    "did_you_mean",
    "json_kind",
    "language_schema",
]

Path = tuple[str | int, ...]
# report(path, code, message, hint, key): ``key`` points at the key of ``path``, not its value.
Report = Callable[[Path, Code, str, "str | None", bool], None]


class _Broken:
    """A value already reported as wrong (a YAML tag, a grammar misfit): checked no further."""

    def __repr__(self) -> str:
        return "BROKEN"


BROKEN: Any = _Broken()

# Each pattern ends in (?![\s\S]), "nothing follows", rather than $: Python's $ also matches
# before a final newline, ECMA's (an editor's) does not, and the schema means one thing.
_END = r"(?![\s\S])"
NAME = rf"^[A-Za-z][A-Za-z0-9_]*{_END}"
KEBAB = rf"^[a-z][a-z0-9]*(-[a-z0-9]+)*{_END}"
TARGET = rf"^[A-Z][A-Za-z0-9]*(\[\])?{_END}"
NOUN_NAME = rf"^[A-Z][A-Za-z0-9]*{_END}"
# No white space or control character in an IRI, spelt out: Python's \s and ECMA's differ.
_NOT_IN_IRI = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
IRI = rf"^[A-Za-z][A-Za-z0-9+.-]*:[^{_NOT_IN_IRI}]+{_END}"
_NOUN_NAME = re.compile(NOUN_NAME)

_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "nothing",
}


def json_kind(value: Any) -> str:
    """The JSON type of a parsed value: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def short(text: str) -> str:
    return text if len(text) < 120 else text[:117] + "..."


def described(value: Any) -> str:
    """A value as a message shows it: ``number 5``, ``nothing (null)``."""
    if value is None:
        return "nothing (null)"
    words = {"object": "mapping", "array": "list"}
    kind = json_kind(value)
    return f"{words.get(kind, kind)} {short(repr(value))}"


def _kinds_words(kinds: Iterable[str]) -> str:
    return " or ".join(_TYPE_NAMES.get(k, k) for k in kinds if k != "null") or "nothing"


def _type_hint(kinds: frozenset[str], value: Any) -> str | None:
    if value is None:
        return "the key has no value: write one after the colon, or delete the key"
    if kinds == {"boolean"}:
        return "write true or false, without quotes"
    if "string" in kinds and isinstance(value, bool):
        return "quote it to make it a string (YAML reads yes/no/on/off/true/false as booleans)"
    if "string" in kinds and isinstance(value, int | float):
        return f"quote it to make it a string: '{value}'"
    if kinds & {"number", "integer"} and isinstance(value, str):
        return "write the number without quotes"
    if kinds == {"object"}:
        return "write `key: value` entries indented below it"
    if kinds == {"array"}:
        return "write a list: `[a, b]`, or one `- item` per line"
    return None


def _holds_broken(value: Any, depth: int = 0) -> bool:
    if value is BROKEN:
        return True
    if depth > 70:  # the reader refuses documents nested deeper than this
        return False
    if isinstance(value, list):
        return any(_holds_broken(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(_holds_broken(item, depth + 1) for item in value.values())
    return False


# -- nodes -----------------------------------------------------------------------------------

_NO_DEFAULT: Any = object()


class Node:
    """One place of the grammar. ``kinds``: the JSON types it takes (None: any).

    Nodes are plain classes, not dataclasses: there are a few dozen, made once at import,
    and every ``nounkit`` command pays for what making them costs.
    """

    __slots__ = ("default", "description", "kinds")

    def __init__(self, *, description: str | None = None, default: Any = _NO_DEFAULT) -> None:
        self.description = description
        self.default = default  # documentation for editors; the checks apply their own
        self.kinds: frozenset[str] | None = None

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        """This place as JSON Schema; named parts go into ``defs``."""
        found = self._schema(defs)
        if self.description is not None:
            found["description"] = self.description
        if self.default is not _NO_DEFAULT:
            found["default"] = self.default
        return found

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        """Report what breaks this place; the value as the meaning checks may read it,
        or BROKEN."""
        raise NotImplementedError

    def takes(self, value: Any) -> bool:
        return self.kinds is None or json_kind(value) in self.kinds

    def wrong_type(self, value: Any, path: Path, report: Report) -> Any:
        kinds = self.kinds or frozenset()
        report(
            path,
            Code.WRONG_TYPE,
            f"expected {_kinds_words(sorted(kinds, key=_KIND_ORDER.index))}, "
            f"got {described(value)}",
            _type_hint(kinds, value),
            False,
        )
        return BROKEN


_KIND_ORDER = ["string", "array", "object", "number", "integer", "boolean", "null"]


class Text(Node):
    """A string; ``pattern`` (anchored) says what it must look like, ``what`` names it."""

    __slots__ = ("compiled", "format", "hint", "min_length", "pattern", "what")

    def __init__(
        self,
        pattern: str | None = None,
        *,
        what: str = "value",
        hint: str | None = None,
        min_length: int | None = None,
        format: str | None = None,
        **common: Any,
    ) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["string"])
        self.pattern, self.what, self.hint = pattern, what, hint
        self.min_length, self.format = min_length, format
        self.compiled = re.compile(pattern) if pattern is not None else None

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {"type": "string"}
        if self.min_length is not None:
            found["minLength"] = self.min_length
        if self.pattern is not None:
            found["pattern"] = self.pattern
        if self.format is not None:
            found["format"] = self.format
        return found

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if type(value) is not str:
            return self.wrong_type(value, path, report)
        if self.min_length is not None and len(value) < self.min_length:
            report(path, Code.EMPTY, "must not be empty", None, False)
            return BROKEN
        if self.compiled is not None and self.compiled.search(value) is None:
            report(
                path,
                Code.BAD_NAME,
                f"{short(repr(value))} is not a valid {self.what}",
                self.hint,
                False,
            )
            return BROKEN
        return value


class Words(Node):
    """One of a few words."""

    __slots__ = ("words",)

    def __init__(self, *, words: tuple[str, ...], **common: Any) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["string"])
        self.words = words

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"enum": list(self.words)}

    def takes(self, value: Any) -> bool:
        return True  # an enum takes any JSON type, and refuses it as a wrong word

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if type(value) is str and value in self.words:
            return value
        hint = did_you_mean(value, self.words) if isinstance(value, str) else None
        report(
            path,
            Code.NOT_ONE_OF,
            f"{short(repr(value))} is not one of {', '.join(self.words)}",
            hint,
            False,
        )
        return BROKEN


class TypeName(Words):
    """A property's type: a word of the language, or the name of a value type or enum
    (which the loader resolves; here it need only look like one)."""

    __slots__ = ()

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [{"enum": list(self.words)}, {"type": "string", "pattern": NOUN_NAME}]}

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if type(value) is str and (value in self.words or _NOUN_NAME.search(value)):
            return value
        hint = did_you_mean(value, self.words) if isinstance(value, str) else None
        report(
            path,
            Code.NOT_ONE_OF,
            f"{short(repr(value))} is not one of {', '.join(self.words)}, "
            "or the name of a value type or enum",
            hint or "value types and enums have PascalCase names, such as PostalAddress",
            False,
        )
        return BROKEN


class Flag(Node):
    """true or false."""

    __slots__ = ()

    def __init__(self, **common: Any) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["boolean"])

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "boolean"}

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        return value if type(value) is bool else self.wrong_type(value, path, report)


class Number(Node):
    """A number (booleans are not numbers); ``integer``: a whole one (3.0 counts)."""

    __slots__ = ("integer", "minimum")

    def __init__(
        self, *, integer: bool = False, minimum: float | None = None, **common: Any
    ) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["integer" if integer else "number"])
        self.integer, self.minimum = integer, minimum

    def takes(self, value: Any) -> bool:
        return json_kind(value) == "number"

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            found["minimum"] = self.minimum
        return found

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if type(value) not in (int, float) or (
            self.integer and type(value) is float and not value.is_integer()
        ):
            return self.wrong_type(value, path, report)
        if self.minimum is not None and value < self.minimum:
            report(
                path,
                Code.TOO_SMALL,
                f"must be at least {self.minimum:g}, not {value!r}",
                None,
                False,
            )
            return BROKEN
        return value


class Json(Node):
    """Any JSON value."""

    __slots__ = ()

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {}

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        return BROKEN if _holds_broken(value) else value


class Null(Node):
    """Nothing: a key written with no value."""

    __slots__ = ()

    def __init__(self, **common: Any) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["null"])

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "null"}

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        return value if value is None else self.wrong_type(value, path, report)


class ListOf(Node):
    """A list of one kind of item; a broken item stays in its place as BROKEN."""

    __slots__ = ("empty_hint", "item", "min_items")

    def __init__(
        self,
        *,
        item: Node | None = None,
        min_items: int | None = None,
        empty_hint: str | None = None,
        **common: Any,
    ) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["array"])
        self.item = item if item is not None else Json()
        self.min_items, self.empty_hint = min_items, empty_hint

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {"type": "array"}
        items = self.item.schema(defs)
        if items:
            found["items"] = items
        if self.min_items is not None:
            found["minItems"] = self.min_items
        return found

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if type(value) is not list:
            return self.wrong_type(value, path, report)
        if self.min_items is not None and len(value) < self.min_items:
            report(
                path,
                Code.EMPTY,
                "must not be empty",
                self.empty_hint or "list at least one entry",
                False,
            )
            return BROKEN
        return [
            BROKEN if item is BROKEN else self.item.walk(item, (*path, index), report)
            for index, item in enumerate(value)
        ]


class Record(Node):
    """A mapping of known keys; ``required`` maps each key that must be given to a hint."""

    __slots__ = ("fields", "required", "unknown_hints")

    def __init__(
        self,
        *,
        fields: Mapping[str, Node],
        required: Mapping[str, str] | None = None,
        unknown_hints: Mapping[str, str] | None = None,
        **common: Any,
    ) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["object"])
        self.fields = fields
        self.required = required or {}
        self.unknown_hints = unknown_hints or {}

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {"type": "object", "additionalProperties": False}
        if self.required:
            found["required"] = list(self.required)
        found["properties"] = {name: node.schema(defs) for name, node in self.fields.items()}
        return found

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if type(value) is not dict:
            return self.wrong_type(value, path, report)
        clean: dict[str, Any] = {}
        for key, item in value.items():
            node = self.fields.get(key)
            if node is None:
                hint = self.unknown_hints.get(key) or did_you_mean(key, self.fields)
                report(
                    (*path, key),
                    Code.UNKNOWN_KEY,
                    f"unknown key {key!r}",
                    hint or "allowed keys: " + ", ".join(sorted(self.fields)),
                    True,
                )
            else:  # kept even when BROKEN: "written, but wrong" is not "left out"
                clean[key] = BROKEN if item is BROKEN else node.walk(item, (*path, key), report)
        for key, hint in self.required.items():
            if key not in value:
                report(path, Code.MISSING_KEY, f"{key!r} is required", hint, False)
        return clean


class MapOf(Node):
    """A mapping of names (``key`` says how they look) to one kind of value.

    ``one``: the mapping names exactly one thing (an entry of the action list).
    """

    __slots__ = ("key", "one", "value")

    def __init__(
        self, *, value: Node, key: Text | None = None, one: bool = False, **common: Any
    ) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["object"])
        self.value = value
        self.key = key if key is not None else _name()
        self.one = one

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {"type": "object"}
        if self.one:
            found["minProperties"] = found["maxProperties"] = 1
        if self.key.pattern is not None:
            found["propertyNames"] = {"pattern": self.key.pattern}
        elif self.key.min_length:
            found["propertyNames"] = {"minLength": self.key.min_length}
        found["additionalProperties"] = self.value.schema(defs)
        return found

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if type(value) is not dict:
            return self.wrong_type(value, path, report)
        if self.one and len(value) != 1:
            report(
                path,
                Code.ONE_ACTION_PER_ENTRY,
                f"an action entry names exactly one action, not {len(value)}",
                "write `- name` or `- name: {options}`, one action per line",
                False,
            )
            return BROKEN
        clean: dict[str, Any] = {}
        pattern = self.key.compiled
        for key, item in value.items():
            if pattern is not None and pattern.search(key) is None:
                report(
                    (*path, key),
                    Code.BAD_NAME,
                    f"{short(repr(key))} is not a valid {self.key.what}",
                    self.key.hint,
                    True,
                )
                continue
            found = BROKEN if item is BROKEN else self.value.walk(item, (*path, key), report)
            clean[key] = found  # a broken value keeps its name: other parts may refer to it
        return clean


class OneOf(Node):
    """One of several shapes, told apart by the value's JSON type."""

    __slots__ = ("alternatives",)

    def __init__(self, *, alternatives: tuple[Node, ...], **common: Any) -> None:
        super().__init__(**common)
        self.alternatives = alternatives
        kinds: list[str] = []
        for alternative in alternatives:
            for kind in sorted(alternative.kinds or (), key=_KIND_ORDER.index):
                if kind not in kinds:
                    kinds.append(kind)
        self.kinds = frozenset(kinds)

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [alternative.schema(defs) for alternative in self.alternatives]}

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        for alternative in self.alternatives:
            if alternative.takes(value):
                return alternative.walk(value, path, report)
        return self.wrong_type(value, path, report)


class Named(Node):
    """A part with a name of its own: one ``$defs`` entry, referred to wherever it is used."""

    __slots__ = ("name", "node")

    def __init__(self, *, name: str, node: Node, **common: Any) -> None:
        super().__init__(**common)
        self.name, self.node = name, node
        self.kinds = node.kinds

    def takes(self, value: Any) -> bool:
        return self.node.takes(value)

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        if self.name not in defs:
            defs[self.name] = {}  # taken before it is filled, so a part may refer to itself
            defs[self.name] = self.node.schema(defs)
        return {"$ref": f"#/$defs/{self.name}"}

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        return self.node.walk(value, path, report)


class ByKind(Node):
    """A top-level definition: a noun, a value type or an enum, as its ``kind`` says."""

    __slots__ = ("by_kind",)

    def __init__(self, *, by_kind: Mapping[str, Node], **common: Any) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["object"])
        self.by_kind = by_kind  # the first is the default

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [node.schema(defs) for node in self.by_kind.values()]}

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if type(value) is not dict or "kind" not in value:
            return next(iter(self.by_kind.values())).walk(value, path, report)
        kind = value["kind"]
        node = self.by_kind.get(kind) if type(kind) is str else None
        if node is None:
            if kind is not BROKEN:
                words = ", ".join(self.by_kind)
                report(
                    (*path, "kind"),
                    Code.NOT_ONE_OF,
                    f"{short(repr(kind))} is not one of {words}",
                    did_you_mean(kind, self.by_kind) if isinstance(kind, str) else None,
                    False,
                )
            return BROKEN
        return node.walk(value, path, report)


class NounFileNode(Node):
    """The whole file: PascalCase noun names to definitions; ``x-`` keys are left alone.

    The clean copy keeps every noun name, a broken definition as BROKEN: the name is
    declared even when its definition is wrong, so nothing naming it fails as well.
    """

    __slots__ = ("noun", "noun_keys")

    def __init__(self, *, noun: Node, noun_keys: frozenset[str], **common: Any) -> None:
        super().__init__(**common)
        self.kinds = frozenset(["object"])
        self.noun, self.noun_keys = noun, noun_keys

    def _schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "patternProperties": {NOUN_NAME: self.noun.schema(defs), "^x-": True},
            "additionalProperties": False,
        }

    def walk(self, value: Any, path: Path, report: Report) -> Any:
        if value is None or value is BROKEN:
            return {}  # an empty file declares nothing; a refused one is reported already
        if type(value) is not dict:
            kind = {"array": "list", "object": "mapping"}.get(json_kind(value), json_kind(value))
            report(
                path,
                Code.NOT_A_NOUN_NAME,
                f"a noun file is a mapping of noun names to definitions, not a {kind}",
                "write `NounName:` at the start of a line, its definition indented below",
                False,
            )
            return BROKEN
        clean: dict[str, Any] = {}
        for name, body in value.items():
            if name.startswith("x-"):
                continue  # a place for anchors and notes
            if _NOUN_NAME.search(name) is None:
                report(
                    (name,),
                    Code.NOT_A_NOUN_NAME,
                    f"{name!r} is not a noun name",
                    self._name_hint(name),
                    True,
                )
                continue
            clean[name] = BROKEN if body is BROKEN else self.noun.walk(body, (name,), report)
        return clean

    def _name_hint(self, name: str) -> str:
        if name in self.noun_keys:
            return f"`{name}:` belongs inside a noun: indent it under the noun's name"
        pascal = "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", name) if w)
        hint = "noun names are PascalCase, such as ServiceCustomer"
        if _NOUN_NAME.search(pascal):
            hint += f"; did you mean {pascal!r}?"
        return hint + " (top-level keys starting with x- are ignored)"


# -- the noun language -----------------------------------------------------------------------

_NAME_HINT = "names start with a letter and hold letters, digits and _"


def _name(description: str | None = None, **options: Any) -> Text:
    return Text(NAME, what="name", hint=_NAME_HINT, description=description, **options)


def _names(value: Node) -> MapOf:
    return MapOf(value=value, key=_name())


_IRI = Named(
    name="iri",
    node=Text(
        IRI,
        what="IRI",
        hint="a CURIE such as schema:name, or an absolute IRI",
        description="A CURIE (schema:Person) or an absolute IRI.",
    ),
)


def _state_or_states(min_items: int | None, hint: str) -> OneOf:
    return OneOf(alternatives=(Text(), ListOf(item=Text(), min_items=min_items, empty_hint=hint)))


# Each alias after the type it stands for: string, ..., datetime, timestamp, json, ...
_TYPE_WORDS = tuple(
    word for kind in TYPES for word in (kind, *(a for a, to in ALIASES.items() if to == kind))
)

_PROPERTY_FIELDS: dict[str, Node] = {}
PROPERTY = Named(
    name="property",
    node=Record(
        description="A property: the seed's keys (type, description, optional, array, default, "
        "examples) plus extensions. It has a `type`, or `properties` of its own (an anonymous "
        "value type).",
        fields=_PROPERTY_FIELDS,
    ),
)
_PROPERTY_FIELDS.update(
    {
        "type": TypeName(
            words=_TYPE_WORDS,
            description="Value type, or the name of a value type or enum; `timestamp` is "
            "an alias of `datetime`.",
        ),
        "properties": _names(PROPERTY),
        "description": Text(),
        "optional": Flag(default=False, description="May be left out (default: required)."),
        "array": Flag(default=False, description="A list of the type."),
        "default": Json(
            description="Value used when none is given; must satisfy the property's own "
            "type and constraints."
        ),
        "examples": ListOf(
            description="Documentation hints, never enforced; each must be a value of the property."
        ),
        "enum": ListOf(
            min_items=1,
            empty_hint="list the allowed values, or drop enum",
            description="The only values allowed (enforced).",
        ),
        "minimum": Number(),
        "maximum": Number(),
        "exclusiveMinimum": Number(),
        "exclusiveMaximum": Number(),
        "minLength": Number(integer=True, minimum=0),
        "maxLength": Number(integer=True, minimum=0),
        "pattern": Text(format="regex"),
        "unique": Flag(description="Unique per noun, per tenant."),
        "index": Flag(description="Storage should index it."),
        "iri": Named(name="iri", node=_IRI.node, description="JSON-LD term for the property."),
        "computed": Text(
            description="Expression deriving a stored value; never accepted as input."
        ),
        "stored": Flag(
            default=True,
            description="Of a computed value: kept with the entity (default), or, with "
            "false, worked out at every read; only a read-time value may read related "
            "entities (customer.status, count(customers)).",
        ),
        "deprecated": OneOf(
            alternatives=(Flag(), Text()),
            description="true, or a note saying what to use instead.",
        ),
        "minItems": Number(integer=True, minimum=0, description="Of an array: fewest items."),
        "maxItems": Number(integer=True, minimum=0, description="Of an array: most items."),
        "uniqueItems": Flag(description="Of an array: no item twice."),
    }
)
_PROPERTY_RECORD = PROPERTY.node
assert isinstance(_PROPERTY_RECORD, Record)
_PROPERTY_RECORD.unknown_hints = {
    "required": "properties are required unless they say `optional: true`"
}

RELATIONSHIP = Named(
    name="relationship",
    node=Record(
        fields={
            "type": Text(
                TARGET,
                what="noun name",
                hint="a noun name (PascalCase), with [] for to-many",
                description="`Target` for to-one, `Target[]` for to-many.",
            ),
            "description": Text(),
            "required": Flag(description="To-one default true; to-many defaults to an empty list."),
            "backref": _name("Name of the inverse relationship on the target."),
            "onDelete": Words(
                words=("restrict", "cascade", "nullify"),
                default="restrict",
                description="What deleting the target does to the entities that link to it: "
                "refuse (default), delete them too, or clear the link (optional links only).",
            ),
        },
        required={"type": "add `type: Target` (or `type: Target[]` for to-many)"},
    ),
)

# An expression written where YAML reads a scalar: `usedAmount: 0` and `active: true` are
# the expressions "0" and "true".
_EXPRESSION = OneOf(
    alternatives=(Text(), Number(), Flag(), Null()),
    description="An expression (a number, true, false or null is one too).",
)

ACTION_OPTIONS = Named(
    name="actionOptions",
    node=OneOf(
        alternatives=(
            Record(
                fields={
                    "kind": Words(words=("create", "update", "delete", "transition", "custom")),
                    "emits": _name("Event emitted (default: past tense of the verb)."),
                    "input": _names(PROPERTY),
                    "roles": ListOf(item=Text(min_length=1)),
                    "description": Text(),
                    "requires": ListOf(
                        item=Record(
                            fields={"check": Text(), "message": Text()},
                            required={"check": "add `check:` with the condition that must hold"},
                        ),
                        description="Preconditions, read over the entity before the action "
                        "and its input; a broken one fails the act with its message.",
                    ),
                    "set": MapOf(
                        value=_EXPRESSION,
                        key=_name(),
                        description="Property: expression. Each reads the entity as it was "
                        "before the action, `input.<name>`, `actor()`, `tenant()`, `now()`.",
                    ),
                    "emit": MapOf(
                        value=_EXPRESSION,
                        key=_name(),
                        description="Event: condition. Each event whose condition holds after "
                        "the action is emitted after the action's own, in this order.",
                    ),
                },
            ),
            Null(),
        )
    ),
)

LIFECYCLE = Named(
    name="lifecycle",
    node=Record(
        fields={
            "property": _name(default="status"),
            "states": ListOf(
                item=Text(min_length=1),
                min_items=1,
                empty_hint="list the states, or drop `states:` to take them from the "
                "property's enum",
            ),
            "initial": Text(),
            "final": _state_or_states(None, ""),
            "transitions": _names(
                Record(
                    fields={
                        "from": _state_or_states(1, "name a state, a list of states, or '*'"),
                        "to": OneOf(
                            alternatives=(
                                Text(),
                                ListOf(
                                    item=Text(),
                                    min_items=1,
                                    empty_hint="name a state, or a list of states the "
                                    "handler chooses from",
                                ),
                                MapOf(value=_EXPRESSION, key=Text(min_length=1)),
                            ),
                            description="A state; a list of states a handler chooses from; or "
                            "state: condition, the first whose condition holds after the action.",
                        ),
                    },
                    required={
                        "from": "add `from:` naming a state or a list of states",
                        "to": "add `to:` naming a state or a list of states",
                    },
                )
            ),
        },
        required={"transitions": "add `transitions:` mapping each action to {from: ..., to: ...}"},
    ),
)

_RULES = ListOf(
    item=Record(
        fields={
            "check": Text(),
            "message": Text(),
            "on": OneOf(
                alternatives=(_name(), ListOf(item=_name(), min_items=1)),
                description="The actions (names or kinds) the rule is checked on; "
                "default: every act that writes the entity.",
            ),
        },
        required={"check": "add `check:` with the expression that must hold"},
    )
)

_PATH = Text(
    rf"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*{_END}",
    what="path",
    hint="a property name, or names joined by '.' into a value: shipTo.city",
)

_KEBAB_HINT = "kebab-case: lowercase words joined by -"

NOUN = Named(
    name="noun",
    node=Record(
        fields={
            "kind": Words(words=("noun",), default="noun"),
            "singular": Text(
                KEBAB,
                what="kebab-case word",
                hint=_KEBAB_HINT,
                description="Default: kebab-case of the name.",
            ),
            "plural": Text(
                KEBAB,
                what="kebab-case word",
                hint=_KEBAB_HINT,
                description="Default: English plural of singular.",
            ),
            "description": Text(),
            "class": Named(name="iri", node=_IRI.node, description="JSON-LD class."),
            "properties": _names(PROPERTY),
            "relationships": _names(RELATIONSHIP),
            "actions": OneOf(
                alternatives=(
                    ListOf(
                        item=OneOf(alternatives=(_name(), MapOf(value=ACTION_OPTIONS, one=True)))
                    ),
                    _names(ACTION_OPTIONS),
                )
            ),
            "events": ListOf(item=_name()),
            "lifecycle": LIFECYCLE,
            "rules": _RULES,
            "tenant": _name("Property that scopes the noun to a tenant."),
            "indexes": ListOf(
                item=OneOf(
                    alternatives=(
                        _PATH,
                        ListOf(item=_PATH, min_items=1, empty_hint="list the paths to index"),
                    )
                ),
                description="Paths storage should index: a property, a relationship or a "
                "dotted path into a value; a list of them is one compound index.",
            ),
        },
    ),
)

VALUE = Named(
    name="valueType",
    node=Record(
        description="A value type: properties with no identity, stored inside their holder.",
        fields={
            "kind": Words(words=("value",)),
            "description": Text(),
            "class": Named(name="iri", node=_IRI.node, description="JSON-LD class."),
            "properties": _names(PROPERTY),
            "rules": _RULES,
        },
        required={
            "kind": "add `kind: value`",
            "properties": "add `properties:`, the fields of the value",
        },
        unknown_hints={
            key: f"a value type has no {key}: it lives inside whatever holds it"
            for key in ("relationships", "actions", "events", "lifecycle", "tenant")
        },
    ),
)

# An enum value: any text without control characters (ranges spelt out: engines differ).
_ENUM_VALUE = rf"^[^\x00-\x1f\x7f]+{_END}"

ENUM = Named(
    name="enumType",
    node=Record(
        description="An enum: a closed set of strings.",
        fields={
            "kind": Words(words=("enum",)),
            "description": Text(),
            "values": OneOf(
                alternatives=(
                    ListOf(
                        item=Text(_ENUM_VALUE, what="enum value"),
                        min_items=1,
                        empty_hint="list the enum's values",
                    ),
                    MapOf(
                        key=Text(_ENUM_VALUE, what="enum value"),
                        value=OneOf(
                            alternatives=(
                                Record(fields={"description": Text(), "iri": _IRI}),
                                Null(),
                            )
                        ),
                    ),
                ),
                description="The values: a list of strings, or a mapping of each value to its "
                "description and iri.",
            ),
        },
        required={"kind": "add `kind: enum`", "values": "add `values:`, a list of strings"},
    ),
)

_NOUN_RECORD = NOUN.node
assert isinstance(_NOUN_RECORD, Record)
NOUN_FILE = NounFileNode(
    noun=ByKind(by_kind={"noun": NOUN, "value": VALUE, "enum": ENUM}),
    noun_keys=frozenset(_NOUN_RECORD.fields),
    description="A YAML file of nouns keyed by PascalCase name. Top-level keys starting "
    "with x- are ignored (a place for YAML anchors).",
)


@cache
def language_schema() -> dict[str, Any]:
    """The JSON Schema of a noun file (draft 2020-12), written from the grammar."""
    defs: dict[str, Any] = {}
    body = NOUN_FILE.schema(defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:nounkit:schema:noun-file",
        "title": "nounkit noun file",
        **body,
        "$defs": dict(sorted(defs.items())),
    }


def check_shape(data: Any, report: Report) -> dict[str, Any]:
    """Walk a parsed noun file: every grammar problem reported, and the clean copy (noun
    name -> definition, BROKEN for a definition that is not a mapping)."""
    clean = NOUN_FILE.walk(data, (), report)
    return {} if clean is BROKEN else clean
