"""Reading noun files: YAML, then the grammar, then meaning, then Schema.org terms.

Every problem of every file is collected and raised together in one
DefinitionError, each with its code, file, line, column, path inside the noun
and a hint. Nothing stops early: a part the grammar refused stands as BROKEN in
the clean copy the meaning checks read (see :mod:`nounkit.language.grammar`),
and whatever depends on it is left alone, so it is reported once and the rest
of the noun is still checked. A broken property still counts as declared, a
broken noun still counts as a noun, so nothing that names them fails as well.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from os import PathLike
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Any

from nounkit.errors import DefinitionError, Problem
from nounkit.language import expressions, inflect
from nounkit.language.codes import Code
from nounkit.language.grammar import BROKEN, NAME, check_shape, did_you_mean, short
from nounkit.language.links import derived_relationships
from nounkit.language.spec import (
    ActionDef,
    ActionKind,
    EnumDef,
    EnumValue,
    LifecycleDef,
    Location,
    NounDef,
    PropertyDef,
    RelationshipDef,
    RuleDef,
    TransitionDef,
    TypeDef,
    ValueDef,
)
from nounkit.language.types import (
    ALIASES,
    ENUM_TYPES,
    EXPECTED,
    NUMERIC_TYPES,
    STRING_TYPES,
    TYPES,
    canonical_type,
    core_schema,
    plainly_fits,
    whole_schema,
)
from nounkit.language.vocab import VocabularyWarning, expand_iri, term_findings
from nounkit.language.yamlsource import MAX_BYTES, Positions, YamlDocument, YamlProblem, read_yaml

__all__ = ["DEFAULT_VOCAB", "check_documents", "load_nouns", "noun_files"]

DEFAULT_VOCAB = "https://example.org/vocab#"

Path = tuple[str | int, ...]
_BUILTIN_KINDS: Mapping[str, ActionKind] = {
    "create": "create",
    "update": "update",
    "delete": "delete",
}

# Property keys whose values a PropertyDef holds as written, and the field that holds them.
_AS_WRITTEN = {
    "description": "description", "default": "default", "minimum": "minimum",
    "maximum": "maximum", "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum", "minLength": "min_length",
    "maxLength": "max_length", "pattern": "pattern", "iri": "iri", "deprecated": "deprecated",
}  # fmt: skip

# How deep value types may nest below a noun, and how many property paths they may reach.
_MAX_NESTING = 32
_MAX_PATHS = 10_000

# The largest bound a number's validator can hold (a float's range), and the largest length.
_MAX_BOUND = 1.7976931348623157e308
_MAX_LENGTH = 2**63 - 1

# The property keys that _Checker._constraints looks at: most properties have none.
_CONSTRAINED = frozenset(
    ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
     "pattern", "enum", "unique", "index", "minItems", "maxItems", "uniqueItems")
)  # fmt: skip
_ARRAY_KEYS = ("minItems", "maxItems", "uniqueItems")
_WORDS = {"noun": "noun", "value": "value type", "enum": "enum"}
_LANGUAGE_TYPES = frozenset(TYPES) | frozenset(ALIASES)


@lru_cache(maxsize=1024)
def _pattern_error(pattern: str) -> str | None:
    """Why ``pattern`` is not a regular expression, or None (noun files repeat patterns)."""
    try:
        with warnings.catch_warnings():  # "possible nested set" and the like
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


def noun_files(paths: Iterable[str | PathLike[str]]) -> tuple[list[FsPath], list[Problem]]:
    """Every ``*.yaml``/``*.yml`` file named or found below the paths, in sorted order."""
    files: list[FsPath] = []
    problems: list[Problem] = []
    for entry in paths:
        path = FsPath(entry)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
            )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(
                Problem(
                    str(path),
                    0,
                    0,
                    "",
                    "no such file or directory",
                    "name a noun file or a folder of them",
                    code=Code.NO_SUCH_FILE,
                )
            )
    unique: dict[FsPath, FsPath] = {}
    for file in files:  # a file named twice, or inside a folder also named, loads once
        unique.setdefault(file.resolve(), file)
    return list(unique.values()), problems


def load_nouns(
    paths: Iterable[str | PathLike[str]],
    *,
    external: Iterable[str] = (),
    vocab: str = DEFAULT_VOCAB,
    strict_vocab: bool = False,
) -> dict[str, NounDef]:
    """Load, check and return every noun under ``paths``; raise DefinitionError listing
    every problem of every file.

    Schema.org terms outside their class's domain (or superseded) warn with
    :class:`VocabularyWarning`, or are problems too when ``strict_vocab``.
    """
    files, problems = noun_files(paths)
    documents: list[YamlDocument] = []
    for file in files:
        found = _read(file)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            documents.append(found)
    return check_documents(
        documents, external=external, problems=problems, vocab=vocab, strict_vocab=strict_vocab
    )


def _read(file: FsPath) -> YamlDocument | Problem:
    """One noun file, read; or why it cannot be read at all."""
    name = str(file)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            return Problem(
                name,
                1,
                1,
                "",
                f"file is {size:,} bytes; noun files are limited to {MAX_BYTES:,}",
                "split the nouns across several files",
                code=Code.TOO_LARGE,
            )
        raw = file.read_bytes()
    except OSError as exc:
        return Problem(name, 0, 0, "", f"cannot read: {exc.strerror or exc}", code=Code.CANNOT_READ)
    try:
        return read_yaml(raw, name)
    except YamlProblem as exc:
        return Problem(name, exc.line, exc.column, "", exc.message, exc.hint, code=exc.code)


def check_documents(
    documents: Sequence[YamlDocument],
    *,
    external: Iterable[str] = (),
    problems: list[Problem] | None = None,
    vocab: str = DEFAULT_VOCAB,
    strict_vocab: bool = False,
) -> dict[str, NounDef]:
    """Check parsed documents together; raise DefinitionError listing every problem."""
    checker = _Checker(set(external), problems if problems is not None else [])
    nouns = checker.run(documents)
    checker.check_terms(nouns, vocab=vocab, strict=strict_vocab)
    if checker.problems:
        raise DefinitionError(checker.problems)
    return nouns


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _kind_word(prop: PropertyDef | None) -> str | None:
    """A property's kind as expressions see it (None: unknown until it runs)."""
    if prop is None:
        return None
    if prop.array:
        return "list"
    if prop.type == "boolean":
        return "boolean"
    if prop.type in NUMERIC_TYPES:
        return "number"
    if prop.type in ("date", "datetime"):
        return "date"
    if prop.type in STRING_TYPES or prop.type == "uuid":
        return "string"
    return None


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _written(spec: Mapping[str, Any], key: str) -> bool:
    """The key is written and the grammar took its value."""
    return key in spec and spec[key] is not BROKEN


def _get(spec: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """The key's value; ``default`` when it is missing or its value was refused."""
    value = spec.get(key, default)
    return default if value is BROKEN else value


# Top-level names of a file that cannot be read (its YAML is broken): they still count as
# declared, so relationships to them from other files do not fail as well.
_TOP_NAME = re.compile(r"^([A-Z][A-Za-z0-9]*)[ \t]*:", re.MULTILINE)


class _Source:
    """One noun's checked declaration and where to point at it."""

    __slots__ = (
        "action_options",
        "action_paths",
        "broken",
        "conditions",
        "data",
        "file",
        "kind",
        "name",
        "partial_actions",
        "positions",
        "unchecked",
    )

    def __init__(self, name: str, file: str, data: dict[str, Any], positions: Positions) -> None:
        self.name, self.file, self.data, self.positions = name, file, data, positions
        kind = data.get("kind", "noun")
        self.kind = kind if kind in ("noun", "value", "enum") else "noun"
        # Sections written but refused by the grammar (``properties: [a]``): what they would
        # have declared is unknown, so nothing is reported for naming it, or for lacking it.
        self.broken = {key for key, value in data.items() if value is BROKEN}
        self.partial_actions = "actions" in self.broken  # some action's name is unknown
        # Names written under properties or relationships that could not be read: other
        # parts of the noun that name them must not also say they are not declared.
        self.unchecked: set[str] = set()
        # Where each action stands: ("actions", 2, "grant") in a list, ("actions", "grant")
        # in a mapping; paths named by action (``actions.grant.input``) are found through it.
        self.action_paths: dict[str, Path] = {}
        self.action_options: dict[str, Mapping[str, Any]] = {}  # as written, once read
        # The conditions of transitions' `to:` mappings, by (action, state): parsed with the
        # lifecycle, checked with the actions (what they read depends on the action).
        self.conditions: dict[tuple[str, str], expressions.Expression] = {}

    def yaml_path(self, path: tuple[str, ...]) -> Path:
        if len(path) >= 2 and path[0] == "actions" and path[1] in self.action_paths:
            return (*self.action_paths[path[1]], *path[2:])
        return path

    def location(self, path: Path, *, key: bool = False) -> Location:
        return Location(self.file, *self.positions.of((self.name, *path), key=key))


class _Checker:
    def __init__(self, external: set[str], problems: list[Problem]) -> None:
        self.external = external
        self.problems = problems
        self.declared: dict[str, _Source | None] = {}  # None: declared, but not a mapping
        # Nouns declared in files whose YAML could not be read, found by top-level names.
        self.unreadable: set[str] = set()
        self.kinds: dict[str, str] = {}  # each declared name's kind; "broken" when unknown
        self.values: dict[str, ValueDef] = {}  # value types, the anonymous ones included
        self.enums: dict[str, EnumDef] = {}
        # Checks that need every value type read first: default values and dotted paths.
        self.deferred: list[Any] = []
        # Read-time values that read related entities: checked once every noun is read.
        self.related_reads: list[tuple[_Source, Path, Any, Mapping[str, RelationshipDef]]] = []
        self._cycles: set[str] = set()

    # -- reporting ---------------------------------------------------------------------------

    def report(
        self,
        src: _Source,
        path: Path,
        code: Code,
        message: str,
        hint: str | None = None,
        *,
        key: bool = False,
    ) -> None:
        where = src.location(path, key=key)
        self.problems.append(
            Problem(
                src.file,
                where.line,
                where.column,
                _dotted((src.name, *path)),
                message,
                hint,
                code=code,
            )
        )

    # -- reading and shape -------------------------------------------------------------------

    def run(self, documents: Sequence[YamlDocument]) -> dict[str, NounDef]:
        sources: list[_Source] = []
        for document in documents:
            sources.extend(self._declare(document))
        # Enums first (a property of one takes its values), then value types, then nouns.
        for src in sources:
            if src.kind == "enum":
                self.enums[src.name] = self._enum(src)
        for src in sources:
            if src.kind == "value":
                self.values[src.name] = self._value(src)
        nouns = {src.name: self._noun(src) for src in sources if src.kind == "noun"}
        for check in self.deferred:
            check()
        self._check_value_cycles()
        self._check_value_sizes(nouns)
        nouns = {
            name: noun.replace(
                types=MappingProxyType(self._types_of(noun)), indexes=self._indexes(noun)
            )
            for name, noun in nouns.items()
        }
        self._check_names(nouns)
        self._check_links(nouns)
        self._check_related_reads(nouns)
        self._check_derived_sets(nouns)
        return nouns

    def _declare(self, document: YamlDocument) -> list[_Source]:
        """The document's YAML problems and grammar problems; its nouns, to be checked."""
        file, positions = document.file, document.positions
        for problem in document.problems:
            self.problems.append(
                Problem(
                    file,
                    problem.line,
                    problem.column,
                    _dotted(problem.path or ()),
                    problem.message,
                    problem.hint,
                    code=problem.code,
                )
            )
        if not document.complete:
            # Its structure is unknown, but its nouns are not undeclared: relationships to
            # them from other files must not fail as well.
            self.unreadable.update(_TOP_NAME.findall(document.text or ""))
            return []

        def report(path: Path, code: Code, message: str, hint: str | None, key: bool) -> None:
            line, column = positions.of(path, key=key)
            self.problems.append(
                Problem(file, line, column, _dotted(path), message, hint, code=code)
            )

        sources = []
        for name, body in check_shape(document.data, report).items():
            # A name an unreadable file also holds is not called a duplicate: that file's
            # own problem comes first, and whether it truly declares the noun is unknown.
            if name in self.declared:
                first = self.declared.get(name)
                line, column = positions.of((name,), key=True)
                where = f" (first at {first.location((), key=True)})" if first else ""
                self.problems.append(
                    Problem(
                        file,
                        line,
                        column,
                        name,
                        f"{_WORDS.get(self.kinds.get(name, ''), 'noun')} {name!r} is "
                        f"declared twice{where}",
                        "give one of them another name, or delete one",
                        code=Code.DUPLICATE_NOUN,
                    )
                )
                continue
            if body is BROKEN:
                self.declared[name] = None  # its name counts; its definition is reported
                self.kinds[name] = "broken"
                continue
            src = _Source(name, file, body, positions)
            self.declared[name] = src
            self.kinds[name] = src.kind
            sources.append(src)
        return sources

    # -- one noun ----------------------------------------------------------------------------

    def _noun(self, src: _Source) -> NounDef:
        """The noun as far as it could be read; only used when there was no problem at all,
        but built whatever happened so that checks across nouns still run."""
        data = src.data
        singular = _get(data, "singular") or inflect.kebab(src.name)
        plural = _get(data, "plural") or inflect.plural(singular)
        written = _get(data, "properties") or {}
        properties = self._properties(src, written, ("properties",), src.name)
        src.unchecked |= set(written) - set(properties)
        if "id" not in properties and "id" not in src.unchecked:
            # Every noun is addressable; one that does not declare an id gets a string one.
            properties = {"id": PropertyDef("id", "string", "Identifier"), **properties}
        elif "id" in properties:
            self._check_id(src, properties["id"])
        relationships = self._relationships(src, _get(data, "relationships") or {}, properties)
        events = self._events(src, _get(data, "events") or [])
        lifecycle_raw = _get(data, "lifecycle")
        transitions = set(_get(lifecycle_raw or {}, "transitions") or {})
        actions, unread = self._actions(src, _get(data, "actions") or [], set(events), transitions)
        lifecycle = (
            self._lifecycle(src, lifecycle_raw, properties, actions, unread)
            if lifecycle_raw is not None
            else None
        )
        actions = self._behaviour(src, actions, properties, relationships, events, lifecycle)
        computed_order = self._computed_order(src, properties, (), relationships)
        rules = self._rules(src, _get(data, "rules") or [], properties, actions, relationships)
        tenant = _get(data, "tenant")
        if tenant is not None:
            self._check_tenant(src, tenant, properties)
        return NounDef(
            name=src.name,
            singular=singular,
            plural=plural,
            description=_get(data, "description"),
            # Read-only views: the compiled schema's definitions are shared by every thread.
            properties=MappingProxyType(properties),
            relationships=MappingProxyType(relationships),
            actions=MappingProxyType(actions),
            events=tuple(events),
            class_iri=_get(data, "class"),
            lifecycle=lifecycle,
            rules=tuple(rules),
            tenant=tenant,
            computed_order=computed_order,
            location=src.location((), key=True),
            raw=data,
        )

    def _check_tenant(
        self, src: _Source, tenant: str, properties: Mapping[str, PropertyDef]
    ) -> None:
        prop = properties.get(tenant)
        if prop is None and (tenant in src.unchecked or "properties" in src.broken):
            return  # broken, and reported already
        if prop is None:
            self.report(
                src,
                ("tenant",),
                Code.BAD_TENANT,
                f"tenant property {tenant!r} is not declared",
                did_you_mean(tenant, properties) or "declare it under properties",
            )
        elif prop.type not in STRING_TYPES | {"uuid"} or prop.array:
            self.report(
                src, ("tenant",), Code.BAD_TENANT, f"tenant property {tenant!r} must be a string"
            )

    def _check_id(self, src: _Source, prop: PropertyDef) -> None:
        if prop.type not in ("string", "uuid") or prop.array:
            self.report(
                src,
                ("properties", "id", "type"),
                Code.BAD_ID,
                f"id must be a string or uuid, not {prop.type}{'[]' if prop.array else ''}",
                "ids are strings; leave id out to get a generated one",
            )
        for key, bad in (("optional", prop.optional), ("computed", prop.computed is not None)):
            if bad:
                self.report(
                    src,
                    ("properties", "id", key),
                    Code.BAD_ID,
                    f"id cannot be {key}",
                    f"drop `{key}:`; an id not given on create is generated",
                    key=True,
                )

    # -- properties --------------------------------------------------------------------------

    def _properties(
        self, src: _Source, raw: Mapping[str, Any], at: Path, holder: str
    ) -> dict[str, PropertyDef]:
        """``holder`` names the noun or value type the properties belong to; an anonymous
        value type declared inline is named after it and the property."""
        props: dict[str, PropertyDef] = {}
        for name, spec in raw.items():
            prop = self._property(src, name, spec, (*at, name), holder)
            if prop is not None:
                props[name] = prop
        return props

    def _type_of(
        self, src: _Source, name: str, spec: Mapping[str, Any], at: Path, holder: str
    ) -> tuple[str, str | None] | None:
        """The property's type and the value type or enum it names; None when there is
        none to be had (reported, or broken elsewhere and reported there)."""
        inline, typed = "properties" in spec, "type" in spec
        if inline and typed:
            self.report(
                src,
                (*at, "properties"),
                Code.TYPE_AND_PROPERTIES,
                "a property has a `type` or `properties` of its own, not both",
                "drop `type:` to declare the value here, or drop `properties:` to use the type",
                key=True,
            )
            return None
        if not inline and not typed:
            self.report(
                src,
                at,
                Code.MISSING_KEY,
                "'type' is required",
                "add `type:`, one of " + ", ".join(TYPES) + ", or the name of a value type "
                "or enum; or `properties:` for a value of its own",
            )
            return None
        if inline:
            if spec["properties"] is BROKEN:
                return None
            return "value", self._anonymous(src, name, spec["properties"], at, holder)
        written = spec["type"]
        if written is BROKEN:
            return None
        if written in _LANGUAGE_TYPES:
            return canonical_type(written), None
        kind = self.kinds.get(written)
        if kind == "value":
            return "value", written
        if kind == "enum":
            found = self.enums.get(written)
            return ("string", written) if found is not None and found.values else None
        if kind == "noun":
            self.report(
                src,
                (*at, "type"),
                Code.NOUN_AS_TYPE,
                f"{written} is a noun, not a type: a property cannot hold a noun",
                f"link to it with a relationship: `{name}: {{type: {written}}}` under "
                "relationships (or `Target[]` for many)",
            )
            return None
        if kind == "broken" or written in self.unreadable:
            return None  # declared, but its definition is broken: reported there
        choices = [*TYPES, *(n for n, k in self.kinds.items() if k in ("value", "enum"))]
        self.report(
            src,
            (*at, "type"),
            Code.UNKNOWN_TYPE,
            f"unknown type {written!r}",
            did_you_mean(written, choices)
            or "declare it with `kind: value` or `kind: enum`, or use one of " + ", ".join(TYPES),
        )
        return None

    def _anonymous(
        self, src: _Source, name: str, raw: Mapping[str, Any], at: Path, holder: str
    ) -> str:
        """A value type declared inline as a property's own ``properties:``, named
        ``HolderProperty`` (with a number when that name is taken)."""
        base = f"{holder}{_pascal(name)}"
        found, number = base, 1
        while found in self.kinds or found in self.values:
            number += 1
            found = f"{base}{number}"
        self.kinds[found] = "value"
        props = self._properties(src, raw, (*at, "properties"), found)
        self._stored_alone(src, props, at)
        order = self._computed_order(src, props, (*at,))
        self.values[found] = ValueDef(
            name=found,
            properties=MappingProxyType(props),
            computed_order=order,
            anonymous=True,
            location=src.location(at, key=True),
        )
        return found

    def _property(
        self, src: _Source, name: str, spec: Any, at: Path, holder: str
    ) -> PropertyDef | None:
        if spec is BROKEN:
            return None  # reported by the grammar
        typed = self._type_of(src, name, spec, at, holder)
        if typed is None:
            return None
        kind, ref = typed
        array = _get(spec, "array") is True
        sound = True  # constraints that let a validator of the values be built
        if not _CONSTRAINED.isdisjoint(spec):
            sound = self._constraints(src, kind, array, spec, at, ref)
        computed = None
        if _written(spec, "computed"):
            computed = self._expression(src, spec["computed"], (*at, "computed"))
            if "default" in spec:
                self.report(
                    src,
                    (*at, "default"),
                    Code.COMPUTED_DEFAULT,
                    "a computed property takes no default",
                    "drop default: the value is worked out from the expression",
                    key=True,
                )
        stored = _get(spec, "stored", True) is not False
        if _written(spec, "stored") and not _written(spec, "computed"):
            self.report(
                src,
                (*at, "stored"),
                Code.STORED_NOT_COMPUTED,
                "`stored:` says whether a computed value is kept; this property is not computed",
                "drop `stored:`, or give the property `computed:`",
                key=True,
            )
        enum = _get(spec, "enum")
        if enum is not None and any(value is BROKEN for value in enum):
            enum = None  # a value of it was refused (and reported): the enum is unknown
        if ref is not None and kind == "string":
            enum = list(self.enums[ref].strings)  # an enum type: its values are the enum
        # Only the keys written: the rest keep PropertyDef's defaults (None, False, ...).
        written = {
            _AS_WRITTEN[key]: value
            for key, value in spec.items()
            if key in _AS_WRITTEN and value is not BROKEN
        }
        for key in ("minItems", "maxItems"):
            if _written(spec, key):
                written[key[:3] + "_items"] = int(spec[key])
        for key in ("min_length", "max_length"):  # 3.0 is a whole number, and a length is an int
            if isinstance(written.get(key), float):
                written[key] = int(written[key])
        if not sound:  # the constraints are reported; the property still counts as declared
            for key in ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum",
                        "min_length", "max_length", "pattern"):  # fmt: skip
                written.pop(key, None)
            enum = None
        prop = PropertyDef(
            name=name,
            type=kind,
            optional=_get(spec, "optional") is True,
            array=array,
            examples=tuple(_get(spec, "examples", ())),
            enum=tuple(enum) if enum is not None else None,
            unique=_get(spec, "unique") is True,
            index=_get(spec, "index") is True,
            computed=computed,
            ref=ref,
            unique_items=_get(spec, "uniqueItems") is True,
            stored=stored,
            location=src.location(at, key=True),
            raw=spec,
            **written,
        )
        if sound and (
            kind == "value" or (array and (prop.min_items or prop.max_items or prop.unique_items))
        ):
            # Its values are checked once every value type is read.
            self.deferred.append(lambda: self._check_values(src, prop, spec, at))
        elif sound:
            self._check_values(src, prop, spec, at)
        return prop

    def _constraints(
        self,
        src: _Source,
        kind: str,
        array: bool,
        spec: Mapping[str, Any],
        at: Path,
        ref: str | None = None,
    ) -> bool:
        """Bounds, lengths, pattern, enum and unique must suit the property's type; whether
        they are sound enough to check the definition's values against."""
        before = len(self.problems)
        shown = kind
        if ref is not None:  # say the type as written: "not PostalAddress", "not PlanTier"
            shown, kind = ref, ("value" if kind == "value" else "enum type")
        for key in _ARRAY_KEYS:
            if key in spec and not array:
                self.report(
                    src,
                    (*at, key),
                    Code.ITEMS_NOT_ARRAY,
                    f"{key} applies to arrays, and {at[-1]!r} is not one",
                    "add `array: true`, or drop " + key,
                    key=True,
                )
        if (
            _written(spec, "minItems")
            and _written(spec, "maxItems")
            and spec["minItems"] > spec["maxItems"]
        ):
            self.report(
                src,
                (*at, "minItems"),
                Code.NO_VALUE_FITS,
                f"minItems {spec['minItems']} is above maxItems {spec['maxItems']}: "
                "no list could fit",
                "swap them, or lower minItems",
            )
        if ref is not None and kind == "enum type" and "enum" in spec:
            self.report(
                src,
                (*at, "enum"),
                Code.CONSTRAINT_TYPE,
                f"the values of {shown} are its own: a property of it takes no enum",
                "drop enum, or declare another enum type with those values",
                key=True,
            )
        if kind == "value":
            for key in ("unique", "index"):
                if key in spec:
                    self.report(
                        src,
                        (*at, key),
                        Code.UNIQUE_NOT_SCALAR,
                        f"{key} needs a single scalar value, not a {shown}",
                        f"put `{key}:` on a property of {shown}, or list the path under the "
                        "noun's indexes",
                        key=True,
                    )
        numeric_keys = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        for key in numeric_keys:
            if key in spec and kind not in NUMERIC_TYPES:
                self.report(
                    src,
                    (*at, key),
                    Code.CONSTRAINT_TYPE,
                    f"{key} applies to number and integer, not {shown}",
                    "use minLength/maxLength for the length of text"
                    if kind in STRING_TYPES
                    else f"drop {key}, or change the type",
                    key=True,
                )
        for key in ("minLength", "maxLength", "pattern"):
            if key in spec and kind not in STRING_TYPES:
                self.report(
                    src,
                    (*at, key),
                    Code.CONSTRAINT_TYPE,
                    f"{key} applies to text types ({', '.join(sorted(STRING_TYPES))}), not {shown}",
                    "use minimum/maximum to bound a number"
                    if kind in NUMERIC_TYPES and key != "pattern"
                    else f"drop {key}, or change the type",
                    key=True,
                )
        for low, high, touching in (
            ("minimum", "maximum", False),
            ("minLength", "maxLength", False),
            ("exclusiveMinimum", "exclusiveMaximum", True),
            ("minimum", "exclusiveMaximum", True),
            ("exclusiveMinimum", "maximum", True),
        ):
            if not (_written(spec, low) and _written(spec, high)):
                continue
            if spec[low] > spec[high] or (touching and spec[low] == spec[high]):
                self.report(
                    src,
                    (*at, low),
                    Code.NO_VALUE_FITS,
                    f"{low} {spec[low]} {'is above' if spec[low] > spec[high] else 'meets'} "
                    f"{high} {spec[high]}: no value could fit",
                    f"swap them, or lower {low}",
                )
        for key in (*numeric_keys, "minLength", "maxLength", "minItems", "maxItems"):
            value = _get(spec, key)
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            limit = _MAX_BOUND if key in numeric_keys else _MAX_LENGTH
            if abs(value) > limit:
                self.report(
                    src,
                    (*at, key),
                    Code.BOUND_TOO_LARGE,
                    f"{key} {short(repr(value))} is beyond what a validator can hold",
                    f"a bound of at most {limit:.3g} in size, or none",
                )
        if kind == "integer":
            for key in numeric_keys:
                value = _get(spec, key)
                if isinstance(value, float) and not value.is_integer():
                    self.report(
                        src,
                        (*at, key),
                        Code.FRACTIONAL_BOUND,
                        f"{key} {value} of an integer property must be a whole number",
                        "round it, or make the property a number",
                    )
        pattern = _get(spec, "pattern")
        if pattern is not None:
            exc = _pattern_error(pattern)
            if exc is not None:
                self.report(
                    src,
                    (*at, "pattern"),
                    Code.BAD_PATTERN,
                    f"pattern {pattern!r} is not a valid regular expression: {exc}",
                    "check brackets and escapes; in YAML, single-quote a pattern "
                    "so that backslashes stay as written",
                )
        if "enum" in spec and kind not in ENUM_TYPES and kind != "enum type":
            self.report(
                src,
                (*at, "enum"),
                Code.CONSTRAINT_TYPE,
                f"enum applies to text, number, integer, boolean and uuid, not {shown}",
                key=True,
            )
        if _get(spec, "unique") and (array or kind == "json"):
            self.report(
                src,
                (*at, "unique"),
                Code.UNIQUE_NOT_SCALAR,
                "unique needs a single scalar value, not " + ("an array" if array else "json"),
                key=True,
            )
        return len(self.problems) == before

    def _check_values(
        self, src: _Source, prop: PropertyDef, spec: Mapping[str, Any], at: Path
    ) -> None:
        """Enum values, the default and the examples must be values the property's own
        model accepts: each is read by the very validator the compiled model runs."""
        if prop.enum is not None:
            for index, value in enumerate(prop.enum):
                # One value of the type and its bounds; the enum itself does not judge.
                reason = _misfit(prop.replace(enum=None), value, whole=False)
                if reason is not None:
                    self._misfit(src, prop, (*at, "enum", index), Code.BAD_ENUM_VALUE,
                                 "enum value", value, reason, whole=False)  # fmt: skip
        if prop.has_default and prop.computed is None:
            reason = _misfit(prop, prop.default, whole=True, types=self.values)
            if reason is not None:
                self._misfit(src, prop, (*at, "default"), Code.BAD_DEFAULT, "default",
                             prop.default, reason, whole=True)  # fmt: skip
        examples = _get(spec, "examples") or []
        for index, value in enumerate(examples):
            if value is BROKEN:
                continue
            # An example of an array property may show a whole value or one item of it.
            reason = _misfit(prop, value, whole=True, types=self.values)
            if reason is not None and prop.array:
                item = _misfit(prop, value, whole=False, types=self.values)
                reason = None if item is None else (reason if isinstance(value, list) else item)
            if reason is not None:
                self._misfit(src, prop, (*at, "examples", index), Code.BAD_EXAMPLE,
                             "example", value, reason, whole=True)  # fmt: skip

    def _misfit(
        self,
        src: _Source,
        prop: PropertyDef,
        at: Path,
        code: Code,
        what: str,
        value: Any,
        reason: str,
        *,
        whole: bool,
    ) -> None:
        self.report(
            src,
            at,
            code,
            f"{what} {short(repr(value))} does not fit the property: {reason}",
            f"give {_article(prop.ref or prop.type)} {prop.ref or prop.type}"
            f"{' list' if prop.array and whole else ''} value "
            "that meets the property's own constraints",
        )

    def _condition(self, src: _Source, written: Any, at: Path) -> expressions.Expression | None:
        """An expression written where YAML may have read a scalar: ``true``, ``0``."""
        if isinstance(written, bool) or written is None:
            text = json.dumps(written)
        elif isinstance(written, int | float):
            text = repr(written)
        else:
            text = written
        return self._expression(src, text, at)

    def _expression(self, src: _Source, text: str, at: Path) -> expressions.Expression | None:
        try:
            return expressions.parse(text)
        except expressions.ExpressionError as exc:
            self.report(
                src,
                at,
                Code.EXPRESSION_SYNTAX,
                f"bad expression {text!r}: {exc.message}",
                "here:\n        " + exc.caret().replace("\n", "\n        "),
            )
            return None

    # -- relationships and events ------------------------------------------------------------

    def _relationships(
        self, src: _Source, raw: Mapping[str, Any], properties: Mapping[str, PropertyDef]
    ) -> dict[str, RelationshipDef]:
        result: dict[str, RelationshipDef] = {}
        for name, spec in raw.items():
            at: Path = ("relationships", name)
            if name in properties or name in src.unchecked:
                self.report(
                    src,
                    at,
                    Code.PROPERTY_AND_RELATIONSHIP,
                    f"{name!r} is both a property and a relationship",
                    "rename one of them",
                    key=True,
                )
                continue
            if spec is BROKEN or not _written(spec, "type"):
                src.unchecked.add(name)  # reported by the grammar
                continue
            written = spec["type"]
            many = written.endswith("[]")
            result[name] = RelationshipDef(
                name=name,
                target=written[:-2] if many else written,
                many=many,
                required=bool(_get(spec, "required", not many)),
                description=_get(spec, "description"),
                backref=_get(spec, "backref"),
                on_delete=_get(spec, "onDelete", "restrict"),
                location=src.location(at, key=True),
                raw=spec,
            )
        return result

    def _events(self, src: _Source, raw: Sequence[Any]) -> list[str]:
        seen: dict[str, int] = {}
        for index, event in enumerate(raw):
            if event is BROKEN:
                continue
            if event in seen:
                self.report(
                    src,
                    ("events", index),
                    Code.DUPLICATE_EVENT,
                    f"event {event!r} is listed twice (also at position {seen[event] + 1})",
                    "list each event once",
                )
            else:
                seen[event] = index
        return list(seen)

    # -- actions -----------------------------------------------------------------------------

    def _actions(
        self, src: _Source, raw: Any, events: set[str], transitions: set[str]
    ) -> tuple[dict[str, ActionDef], set[str]]:
        """The actions, and the names of those whose options could not be read."""
        entries: list[tuple[str, Any, Path]] = []
        if isinstance(raw, dict):
            entries = [(n, o, ("actions", n)) for n, o in raw.items()]
        else:
            for index, item in enumerate(raw):
                if isinstance(item, str):
                    entries.append((item, {}, ("actions", index)))
                elif isinstance(item, dict) and len(item) == 1:
                    ((name, options),) = item.items()
                    entries.append((name, options, ("actions", index, name)))
                else:  # BROKEN, or an entry whose one name was refused: reported already
                    src.partial_actions = True
        actions: dict[str, ActionDef] = {}
        unread: set[str] = set()
        for name, options, at in entries:
            named = isinstance(at[-1], str)  # ("actions", i, name): point at the name
            if name in actions:
                first = actions[name].location
                self.report(
                    src,
                    at,
                    Code.DUPLICATE_ACTION,
                    f"action {name!r} is declared twice"
                    + (f" (first at line {first.line}, column {first.column})" if first else ""),
                    "declare each action once",
                    key=named,
                )
                continue
            src.action_paths[name] = at
            if options is BROKEN:
                unread.add(name)  # the name counts; its options are reported
                options = {}
            options = options or {}
            src.action_options[name] = options
            kind = self._kind(src, name, options, at, transitions)
            emits = _get(options, "emits") or inflect.past_tense(name)
            if (
                emits not in events
                and name not in unread
                and options.get("emits") is not BROKEN
                and "events" not in src.broken
            ):
                self._undeclared_event(src, name, emits, options, at, events, named)
            inputs = self._properties(
                src, _get(options, "input") or {}, (*at, "input"), f"{src.name}{_pascal(name)}Input"
            )
            roles = _get(options, "roles")
            actions[name] = ActionDef(
                name=name,
                kind=kind,
                emits=emits,
                input=MappingProxyType(inputs),
                roles=tuple(r for r in roles if r is not BROKEN) if roles is not None else None,
                description=_get(options, "description"),
                location=src.location(at, key=named),
            )
        return actions, unread

    def _kind(
        self,
        src: _Source,
        name: str,
        options: Mapping[str, Any],
        at: Path,
        transitions: set[str],
    ) -> ActionKind:
        declared_kind = _get(options, "kind")
        kind: ActionKind
        if declared_kind is not None:
            kind = declared_kind
        elif name in transitions:
            kind = "transition"
        else:
            kind = _BUILTIN_KINDS.get(name, "custom")
        lifecycle = src.data.get("lifecycle")
        unknown = "lifecycle" in src.broken or (
            isinstance(lifecycle, dict) and lifecycle.get("transitions") is BROKEN
        )
        if kind == "transition" and name not in transitions and not unknown:
            self.report(
                src,
                (*at, "kind"),
                Code.KIND_DISAGREES,
                f"action {name!r} is a transition, but lifecycle.transitions does not list it",
                f"add `{name}: {{from: ..., to: ...}}` under lifecycle.transitions",
            )
        elif name in transitions and kind != "transition":
            self.report(
                src,
                (*at, "kind"),
                Code.KIND_DISAGREES,
                f"action {name!r} is listed in lifecycle.transitions but declared kind {kind!r}",
                "drop `kind:` or the transition",
            )
        return kind

    def _undeclared_event(
        self,
        src: _Source,
        name: str,
        emits: str,
        options: Mapping[str, Any],
        at: Path,
        events: set[str],
        named: bool,
    ) -> None:
        declared = bool(_get(options, "emits"))
        how = (
            f"emits {emits!r}"
            if declared
            else f"emits {emits!r} by default (derived from the verb)"
        )
        self.report(
            src,
            (*at, "emits") if declared else at,
            Code.EVENT_NOT_DECLARED,
            f"action {name!r} {how}, which is not in events",
            (
                f"add {emits!r} to events, or set `emits:` to one of the declared "
                if re.search(NAME, emits)
                else "set `emits:` to one of the declared "
            )
            + f"events ({', '.join(sorted(events)) or 'none declared'})",
            key=named and not declared,
        )

    # -- declared behaviour ------------------------------------------------------------------

    def _behaviour(
        self,
        src: _Source,
        actions: dict[str, ActionDef],
        properties: Mapping[str, PropertyDef],
        relationships: Mapping[str, RelationshipDef],
        events: Sequence[str],
        lifecycle: LifecycleDef | None,
    ) -> dict[str, ActionDef]:
        """Each action's ``requires``, ``set`` and ``emit``, and the conditions of its
        transition's ``to``: read, and checked against what the action can see."""
        result = dict(actions)
        written = _get(src.data, "lifecycle")
        state_of = (
            _get(written, "property", "status") if isinstance(written, dict) else None
        )  # the lifecycle's property, as written even when the lifecycle has problems
        for name, action in actions.items():
            options = src.action_options.get(name, {})
            at = src.action_paths.get(name, ("actions", name))
            requires: list[RuleDef] = []
            for index, spec in enumerate(_get(options, "requires") or []):
                if spec is BROKEN or not _written(spec, "check"):
                    continue  # reported by the grammar
                where: Path = (*at, "requires", index, "check")
                expr = self._act_expression(
                    src, spec["check"], where, action, properties, relationships, "precondition"
                )
                if expr is not None:
                    requires.append(
                        RuleDef(spec["check"], expr, _get(spec, "message"), src.location(where))
                    )
            sets: dict[str, expressions.Expression] = {}
            for target, written in (_get(options, "set") or {}).items():
                where = (*at, "set", target)
                if written is BROKEN:
                    continue
                self._check_set(src, where, target, action, properties, relationships, state_of)
                expr = self._act_expression(
                    src, written, where, action, properties, relationships, None
                )
                if expr is not None:
                    sets[target] = expr
            emit: list[tuple[str, expressions.Expression]] = []
            for event, written in (_get(options, "emit") or {}).items():
                where = (*at, "emit", event)
                if event not in events and "events" not in src.broken:
                    self.report(
                        src,
                        where,
                        Code.EVENT_NOT_DECLARED,
                        f"action {name!r} emits {event!r}, which is not in events",
                        did_you_mean(event, events)
                        or f"add {event!r} to events ({', '.join(events) or 'none declared'})",
                        key=True,
                    )
                    continue
                if written is BROKEN:
                    continue
                expr = self._act_expression(
                    src, written, where, action, properties, relationships, "condition"
                )
                if expr is not None:
                    emit.append((event, expr))
            for (moved, state), condition in src.conditions.items():
                if moved == name:  # checked even when the lifecycle has other problems
                    self._check_act_expression(
                        src, ("lifecycle", "transitions", name, "to", state), condition, action,
                        properties, relationships, "condition",
                    )  # fmt: skip
            if requires or sets or emit:
                result[name] = action.replace(
                    requires=tuple(requires), sets=MappingProxyType(sets), emit=tuple(emit)
                )
        return result

    def _check_set(
        self,
        src: _Source,
        at: Path,
        target: str,
        action: ActionDef,
        properties: Mapping[str, PropertyDef],
        relationships: Mapping[str, RelationshipDef],
        lifecycle: str | None,
    ) -> None:
        problem, hint = None, None
        prop = properties.get(target)
        if action.kind == "delete":
            problem = f"{action.name!r} deletes the entity: it sets nothing"
            hint = "drop `set:`, or use requires: to refuse the delete"
        elif target == "id":
            problem, hint = "an id cannot change", "drop it from `set:`"
        elif target == _get(src.data, "tenant"):
            problem = f"{target!r} is the noun's tenant: it is always the caller's tenant"
            hint = "drop it from `set:`; an act runs inside the caller's tenant"
        elif lifecycle is not None and target == lifecycle:
            problem = f"{target!r} is the lifecycle's property: it changes through `to:`"
            hint = "give the transition a `to:` mapping of states to conditions"
        elif prop is not None and prop.computed is not None:
            problem = f"{target!r} is computed: it is worked out, never set"
            hint = "set the values it is computed from"
        elif prop is None and target not in relationships:
            if target in src.unchecked or "properties" in src.broken:
                return
            problem = f"`set:` names {target!r}, which is not a property"
            hint = did_you_mean(target, [*properties, *relationships]) or (
                "set names properties of the noun"
            )
        if problem is not None:
            self.report(src, at, Code.BAD_SET, problem, hint, key=True)

    def _act_expression(
        self,
        src: _Source,
        written: Any,
        at: Path,
        action: ActionDef,
        properties: Mapping[str, PropertyDef],
        relationships: Mapping[str, RelationshipDef],
        boolean: str | None,
    ) -> expressions.Expression | None:
        expr = self._condition(src, written, at)
        if expr is None:
            return None
        if not self._check_act_expression(
            src, at, expr, action, properties, relationships, boolean
        ):
            return None
        return expr

    def _check_act_expression(
        self,
        src: _Source,
        at: Path,
        expr: expressions.Expression,
        action: ActionDef,
        properties: Mapping[str, PropertyDef],
        relationships: Mapping[str, RelationshipDef],
        boolean: str | None,
    ) -> bool:
        """Names an action's expression reads: properties, relationships (ids, lists of
        ids) and ``input.<name>``; a condition must be true or false. Whether it passed."""
        if "properties" in src.broken:
            return True  # the names it reads may be among those that could not be read
        ok = True
        known = set(properties) | set(relationships) | src.unchecked
        inputs = sorted({p.split(".")[1] if "." in p else "" for p in expr.paths
                         if p.split(".", 1)[0] == "input"})  # fmt: skip
        for given in inputs:
            if given not in action.input:
                ok = False
                takes = ", ".join(f"input.{n}" for n in action.input) or "no input"
                self.report(
                    src,
                    at,
                    Code.UNKNOWN_NAME,
                    (f"expression reads input.{given}, but {action.name!r} has no input {given!r}")
                    if given
                    else "expression reads `input` as a whole",
                    did_you_mean(given, action.input) or f"{action.name} takes {takes}",
                )
        for ref in sorted(expr.names - known - {"input"}):
            ok = False
            self.report(
                src,
                at,
                Code.UNKNOWN_NAME,
                f"expression reads {ref!r}, which is not a property",
                did_you_mean(ref, known)
                or "an action's expressions read the noun's properties, its relationships "
                "and input.<name>",
            )
        if ok:
            self._defer_paths(src, at, expr, properties)
        if boolean is not None and ok:
            kind = expr.result_kind(lambda n: self._act_kind(n, action, properties, relationships))
            if kind not in (None, "boolean"):
                ok = False
                self.report(
                    src,
                    at,
                    Code.NOT_BOOLEAN,
                    f"{boolean} {expr.source!r} gives {_article(kind)} {kind}, not true or false",
                    "compare it: a condition reads as `usedAmount >= limit`",
                )
        return ok

    @staticmethod
    def _act_kind(
        name: str,
        action: ActionDef,
        properties: Mapping[str, PropertyDef],
        relationships: Mapping[str, RelationshipDef],
    ) -> str | None:
        if name.startswith("input."):
            return _kind_word(action.input.get(name[6:]))
        rel = relationships.get(name)
        if rel is not None:
            return "list" if rel.many else "string"
        return _kind_word(properties.get(name))

    # -- lifecycle ---------------------------------------------------------------------------

    def _lifecycle(
        self,
        src: _Source,
        raw: Mapping[str, Any],
        properties: Mapping[str, PropertyDef],
        actions: Mapping[str, ActionDef],
        unread_actions: set[str],
    ) -> LifecycleDef | None:
        at: Path = ("lifecycle",)
        if "property" in raw and raw["property"] is BROKEN:
            return None  # reported by the grammar
        prop_name = raw.get("property", "status")
        prop = properties.get(prop_name)
        if prop is None and (prop_name in src.unchecked or "properties" in src.broken):
            return None  # broken, and reported already
        if prop is None:
            self.report(
                src,
                (*at, "property") if "property" in raw else at,
                Code.LIFECYCLE_PROPERTY,
                f"lifecycle property {prop_name!r} is not declared",
                did_you_mean(prop_name, properties)
                or f"declare a {prop_name!r} property, or name one with lifecycle.property",
                key="property" not in raw,
            )
            return None
        if prop.type not in STRING_TYPES or prop.array:
            self.report(
                src,
                (*at, "property"),
                Code.LIFECYCLE_PROPERTY,
                f"lifecycle property {prop_name!r} must be a "
                f"string, not {prop.type}{'[]' if prop.array else ''}",
            )
            return None
        before = len(self.problems)
        states: list[str]
        if "states" in raw:
            if raw["states"] is BROKEN:
                return None
            states = [s for s in raw["states"] if s is not BROKEN]
            if prop.enum is not None:
                for index, state in enumerate(raw["states"]):
                    if state is not BROKEN and state not in prop.enum:
                        self.report(
                            src,
                            (*at, "states", index),
                            Code.STATE_NOT_IN_ENUM,
                            f"state {state!r} is not in {prop_name}'s enum",
                            "add it to the enum, or drop it",
                        )
        elif prop.enum is not None:
            states = [str(v) for v in prop.enum]
        else:
            if "enum" in prop.raw:
                return None  # the enum is reported: states cannot be taken from it
            self.report(
                src,
                at,
                Code.NO_STATES,
                f"lifecycle has no states: give `states:` or an enum on {prop_name!r}",
                "examples are hints and never define states",
                key=True,
            )
            return None
        known = set(states)

        def check_state(state: Any, where: Path) -> bool:
            if state is BROKEN:
                return False
            if state not in known:
                self.report(
                    src,
                    where,
                    Code.UNKNOWN_STATE,
                    f"unknown state {state!r}",
                    did_you_mean(state, states) or f"states: {', '.join(states)}",
                )
                return False
            return True

        initial = _get(raw, "initial", states[0] if states else None)
        if initial is None:
            return None
        check_state(initial, (*at, "initial"))
        final_raw = _get(raw, "final", [])
        final_list = [final_raw] if isinstance(final_raw, str) else list(final_raw)
        for index, state in enumerate(final_list):
            check_state(
                state, (*at, "final") if isinstance(final_raw, str) else (*at, "final", index)
            )
        final = frozenset(s for s in final_list if s is not BROKEN)
        if initial in final:
            self.report(
                src,
                (*at, "initial"),
                Code.INITIAL_IS_FINAL,
                f"initial state {initial!r} is final",
                "an entity could never leave it",
            )
        transitions = self._transitions(
            src, _get(raw, "transitions") or {}, actions, unread_actions, known, final, check_state
        )
        if len(self.problems) > before or transitions is None or not _written(raw, "transitions"):
            return None  # reachability would only repeat what is wrong
        self._reached(src, raw, states, initial, transitions)
        if len(self.problems) > before:
            return None
        return LifecycleDef(prop_name, tuple(states), initial, final, MappingProxyType(transitions))

    def _transitions(
        self,
        src: _Source,
        raw: Mapping[str, Any],
        actions: Mapping[str, ActionDef],
        unread_actions: set[str],
        known: set[str],
        final: frozenset[str],
        check_state: Any,
    ) -> dict[str, TransitionDef] | None:
        at: Path = ("lifecycle", "transitions")
        transitions: dict[str, TransitionDef] = {}
        complete = True
        for action, spec in raw.items():
            where: Path = (*at, action)
            if action not in actions:
                if action not in unread_actions and not src.partial_actions:
                    self.report(
                        src,
                        where,
                        Code.UNDECLARED_TRANSITION,
                        f"transition for undeclared action {action!r}",
                        did_you_mean(action, actions) or "add it to actions",
                        key=True,
                    )
                complete = False
                continue
            if spec is BROKEN or not (_written(spec, "from") and _written(spec, "to")):
                complete = False  # reported by the grammar
                continue
            source_raw, target_raw = spec["from"], spec["to"]
            from_any = source_raw == "*"
            if from_any:
                sources = known - final
            else:
                listed = [source_raw] if isinstance(source_raw, str) else list(source_raw)
                for index, state in enumerate(listed):
                    sub = (
                        (*where, "from") if isinstance(source_raw, str) else (*where, "from", index)
                    )
                    if check_state(state, sub) and state in final:
                        self.report(
                            src,
                            sub,
                            Code.LEAVES_FINAL,
                            f"transition {action!r} leaves final state {state!r}",
                            "final states have no way out; drop it from `from` or from `final`",
                        )
                sources = {s for s in listed if s is not BROKEN}
            targets = [target_raw] if isinstance(target_raw, str) else list(target_raw)
            conditions: list[expressions.Expression] | None = None
            if isinstance(target_raw, dict):  # state: condition, the first that holds wins
                conditions = []
                if not target_raw:
                    self.report(
                        src,
                        (*where, "to"),
                        Code.EMPTY,
                        "`to:` maps no state to a condition",
                        "name a state, or map states to conditions: {exhausted: 'usedAmount "
                        ">= limit', active: true}",
                    )
                    complete = False
            for index, state in enumerate(targets):
                if isinstance(target_raw, str):
                    check_state(state, (*where, "to"))
                elif conditions is None:
                    check_state(state, (*where, "to", index))
                elif check_state(state, (*where, "to", state)) and target_raw[state] is not BROKEN:
                    expr = self._condition(src, target_raw[state], (*where, "to", state))
                    if expr is not None:
                        conditions.append(expr)
                        src.conditions[(action, state)] = expr
            if conditions is not None and len(conditions) != len(targets):
                complete = False  # a state or condition was refused, and reported
            transitions[action] = TransitionDef(
                action,
                frozenset(sources),
                tuple(t for t in targets if t is not BROKEN),
                from_any,
                tuple(conditions) if conditions is not None else None,
            )
        return transitions if complete else None

    def _reached(
        self,
        src: _Source,
        raw: Mapping[str, Any],
        states: list[str],
        initial: str,
        transitions: Mapping[str, TransitionDef],
    ) -> None:
        at: Path = ("lifecycle",)
        reached = {initial}
        frontier = [initial]
        while frontier:
            state = frontier.pop()
            for t in transitions.values():
                if state in t.sources:
                    for target in t.targets:
                        if target not in reached:
                            reached.add(target)
                            frontier.append(target)
        for index, state in enumerate(states):
            if state not in reached:
                self.report(
                    src,
                    (*at, "states", index) if "states" in raw else at,
                    Code.UNREACHED_STATE,
                    f"state {state!r} is not reached by any transition from {initial!r}",
                    "add a transition into it, or drop the state",
                )

    # -- computed values and rules -----------------------------------------------------------

    def _computed_order(
        self,
        src: _Source,
        properties: Mapping[str, PropertyDef],
        at: Path = (),
        relationships: Mapping[str, RelationshipDef] | None = None,
    ) -> tuple[str, ...]:
        """Computed properties sorted so each comes after the computed ones it reads."""
        computed = {n: p for n, p in properties.items() if p.computed is not None}
        links = relationships or {}
        if relationships is None:  # a value type's: kept with the value, inside its holder
            for name, prop in computed.items():
                if prop.read_time:
                    self.report(
                        src,
                        (*at, "properties", name, "stored"),
                        Code.STORED_NOT_COMPUTED,
                        "a value type's computed values are kept inside their holder; "
                        "`stored: false` belongs to a noun's own properties",
                        "drop `stored: false`",
                        key=True,
                    )
        for name, prop in computed.items():
            assert prop.computed is not None
            if "properties" in src.broken:
                break
            where: Path = (*at, "properties", name, "computed")
            if self._act_only(src, where, prop.computed, properties, "a computed value"):
                continue
            related = sorted(prop.computed.names & set(links))
            late = sorted(n for n in prop.computed.names & set(computed) if computed[n].read_time)
            if prop.stored and (related or late):
                reads = ", ".join(map(repr, related or late))
                self.report(
                    src,
                    where,
                    Code.STORED_READS_RELATED,
                    f"a stored value reads {reads}, "
                    + (
                        "another entity: it would go stale"
                        if related
                        else "worked out at read time: it would go stale"
                    ),
                    "declare `stored: false`: it is worked out at every read",
                )
                continue
            if related:
                self.related_reads.append((src, where, prop.computed, links))
            missing = sorted(prop.computed.names - set(properties) - set(links) - src.unchecked)
            for ref in missing:
                self.report(
                    src,
                    where,
                    Code.UNKNOWN_NAME,
                    f"expression reads {ref!r}, which is not a property",
                    did_you_mean(ref, properties) or "expressions read the noun's own properties",
                )
            if not missing:
                self._defer_paths(src, where, prop.computed, properties)
        order: list[str] = []
        state: dict[str, int] = {}  # 1: visiting, 2: done

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = " -> ".join([*trail[trail.index(name) :], name])
                self.report(
                    src,
                    ("properties", name, "computed"),
                    Code.COMPUTED_CYCLE,
                    f"computed values depend on each other in a cycle: {cycle}",
                    "break the cycle by storing one of them",
                )
                return
            state[name] = 1
            expr = computed[name].computed
            assert expr is not None
            for ref in sorted(expr.names & set(computed)):
                visit(ref, [*trail, name])
            state[name] = 2
            order.append(name)

        for name in computed:
            visit(name, [])
        return tuple(order)

    def _act_only(
        self,
        src: _Source,
        at: Path,
        expr: expressions.Expression,
        properties: Mapping[str, PropertyDef],
        what: str,
    ) -> bool:
        """``input.*``, ``actor()`` and ``tenant()`` belong to an act: reported elsewhere."""
        found = sorted(expr.calls & {"actor", "tenant"})
        reads = [f"{f}()" for f in found]
        if "input" in expr.names and "input" not in properties:
            reads.insert(0, "input")
        if not reads:
            return False
        self.report(
            src,
            at,
            Code.ACT_ONLY,
            f"{what} reads {' and '.join(reads)}, which only an action's own expressions know",
            "move it to the action's `requires:` or `set:`",
        )
        return True

    def _rule_on(
        self,
        src: _Source,
        spec: Mapping[str, Any],
        index: int,
        actions: Mapping[str, ActionDef] | None,
    ) -> frozenset[str] | None:
        """A rule's ``on:``: action names or kinds of the noun (value types have none)."""
        raw = _get(spec, "on")
        if raw is None:
            return None
        names = [raw] if isinstance(raw, str) else [n for n in raw if n is not BROKEN]
        at: Path = ("rules", index, "on")
        if actions is None:
            self.report(
                src,
                at,
                Code.RULE_ON_UNKNOWN,
                "a value type's rules hold on every act of their holder; `on:` has no place here",
                "move the rule to the noun, or drop `on:`",
                key=True,
            )
            return None
        kinds = {"create", "update", "delete", "transition", "custom"}
        for name in names:
            if name not in actions and name not in kinds and not src.partial_actions:
                self.report(
                    src,
                    at,
                    Code.RULE_ON_UNKNOWN,
                    f"rule on {name!r}: the noun has no such action, and it is no kind",
                    did_you_mean(name, [*actions, *sorted(kinds)])
                    or "name actions of the noun, or kinds: " + ", ".join(sorted(kinds)),
                )
        return frozenset(names)

    def _rules(
        self,
        src: _Source,
        raw: Sequence[Any],
        properties: Mapping[str, PropertyDef],
        actions: Mapping[str, ActionDef] | None = None,
        relationships: Mapping[str, RelationshipDef] | None = None,
    ) -> list[RuleDef]:
        rules: list[RuleDef] = []
        for index, spec in enumerate(raw):
            if spec is BROKEN or not _written(spec, "check"):
                continue  # reported by the grammar
            at: Path = ("rules", index, "check")
            expr = self._expression(src, spec["check"], at)
            if expr is None or self._act_only(src, at, expr, properties, "a rule"):
                continue
            links = relationships or {}
            missing = sorted(expr.names - set(properties) - set(links) - src.unchecked)
            if "properties" in src.broken:
                missing = []  # the names it reads may be among those that could not be read
            if expr.names & set(links):  # what it reads of related entities: checked later
                self.related_reads.append((src, at, expr, links))
            for ref in missing:
                self.report(
                    src,
                    at,
                    Code.UNKNOWN_NAME,
                    f"rule reads {ref!r}, which is not a property",
                    did_you_mean(ref, [*properties, *links])
                    or "rules read the noun's own properties and relationships",
                )
            if not missing and "properties" not in src.broken:
                self._defer_paths(src, at, expr, properties)
            kind = expr.result_kind(lambda name: _kind_word(properties.get(name)))
            if kind not in (None, "boolean"):
                self.report(
                    src,
                    at,
                    Code.NOT_BOOLEAN,
                    f"rule {spec['check']!r} gives {_article(kind)} {kind}, not true or false",
                    "compare it: a rule is a condition, such as `total > 0`",
                )
                continue
            on = self._rule_on(src, spec, index, actions)
            if not missing:
                rules.append(
                    RuleDef(spec["check"], expr, _get(spec, "message"), src.location(at), on=on)
                )
        return rules

    # -- value types and enums ---------------------------------------------------------------

    def _value(self, src: _Source) -> ValueDef:
        data = src.data
        written = _get(data, "properties") or {}
        properties = self._properties(src, written, ("properties",), src.name)
        src.unchecked |= set(written) - set(properties)
        self._stored_alone(src, properties, ())
        order = self._computed_order(src, properties)
        rules = self._rules(src, _get(data, "rules") or [], properties)
        return ValueDef(
            name=src.name,
            properties=MappingProxyType(properties),
            description=_get(data, "description"),
            class_iri=_get(data, "class"),
            rules=tuple(rules),
            computed_order=order,
            location=src.location((), key=True),
            raw=data,
        )

    def _stored_alone(self, src: _Source, properties: Mapping[str, PropertyDef], at: Path) -> None:
        """``unique`` and ``index`` belong to a noun's storage; a value type's property can
        only be indexed as a path, under the noun's ``indexes``."""
        for name, prop in properties.items():
            for key, given in (("unique", prop.unique), ("index", prop.index)):
                if given:
                    self.report(
                        src,
                        (*at, "properties", name, key),
                        Code.BAD_INDEX,
                        f"{key} applies to a noun's own properties, not a value type's",
                        "list the path under the noun's indexes, as in `indexes: [shipTo.city]`"
                        + (
                            " (uniqueness inside values is not supported)"
                            if key == "unique"
                            else ""
                        ),
                        key=True,
                    )

    def _enum(self, src: _Source) -> EnumDef:
        raw = _get(src.data, "values")
        raw = [] if raw is None else raw
        entries: list[tuple[Path, Any, Any]] = []
        if isinstance(raw, dict):
            entries = [(("values", k), k, v) for k, v in raw.items()]
        else:
            entries = [(("values", i), v, None) for i, v in enumerate(raw)]
        values: list[EnumValue] = []
        seen: dict[str, int] = {}
        iris: dict[str, str] = {}
        if isinstance(raw, dict) and not raw and "values" in src.data:
            self.report(
                src,
                ("values",),
                Code.EMPTY,
                "must not be empty",
                "list the enum's values, as a list or as a mapping of value to {description, iri}",
            )
        for at, value, about in entries:
            if value is BROKEN:
                continue
            if value in seen:
                self.report(
                    src,
                    at,
                    Code.DUPLICATE_ENUM_VALUE,
                    f"enum value {value!r} is listed twice (also at position {seen[value] + 1})",
                    "list each value once",
                )
                continue
            seen[value] = len(values)
            about = about if isinstance(about, dict) else {}
            iri = _get(about, "iri")
            if iri is not None:
                full = expand_iri(iri) or iri
                if full in iris:
                    self.report(
                        src,
                        (*at, "iri"),
                        Code.SHARED_IRI,
                        f"enum values {iris[full]!r} and {value!r} both map to <{full}>",
                        "an IRI stands for one value: give one of them another iri",
                    )
                iris.setdefault(full, value)
            values.append(EnumValue(value, _get(about, "description"), iri))
        return EnumDef(
            name=src.name,
            values=tuple(values),
            description=_get(src.data, "description"),
            location=src.location((), key=True),
            raw=src.data,
        )

    def _defer_paths(
        self,
        src: _Source,
        at: Path,
        expr: expressions.Expression,
        properties: Mapping[str, PropertyDef],
    ) -> None:
        """Dotted paths and any()/all() conditions are checked once every value type is read."""
        if any("." in path for path in expr.paths) or expr.scopes:
            self.deferred.append(lambda: self._check_paths(src, at, expr, properties))

    def _check_paths(
        self,
        src: _Source,
        at: Path,
        expr: expressions.Expression | expressions.Scope,
        properties: Mapping[str, PropertyDef],
    ) -> None:
        for path in sorted(expr.paths):
            head = path.split(".", 1)[0]
            if isinstance(expr, expressions.Scope) and head not in properties:
                self.report(
                    src,
                    at,
                    Code.UNKNOWN_NAME,
                    f"the condition on each item of {expr.items!r} reads {head!r}, which "
                    "the items do not have",
                    did_you_mean(head, properties) or "the items have " + ", ".join(properties),
                )
                continue
            self._follow(src, at, expr, path, properties)
        for scope in expr.scopes:
            end = self._follow(src, at, expr, scope.items, properties)
            if end is None:
                continue
            # Through a list of values (ls.sub), as count() and sum() read it, or a list itself.
            through = self._through_list(scope.items, properties)
            if not (end.array or through):
                self.report(
                    src,
                    at,
                    Code.UNKNOWN_NAME,
                    f"any() and all() read a list, and {scope.items!r} is not one",
                    "give a property with `array: true`",
                )
            elif end.is_value and end.ref in self.values:
                self._check_paths(src, at, scope, self.values[end.ref].properties)
            elif not end.is_value and scope.paths:
                self.report(
                    src,
                    at,
                    Code.UNKNOWN_NAME,
                    f"the items of {scope.items!r} are {end.type} values, with no properties "
                    f"to read ({', '.join(sorted(scope.paths))})",
                    "any() and all() conditions read the properties of value-type items",
                )

    def _through_list(self, path: str, properties: Mapping[str, PropertyDef]) -> bool:
        """Whether a (checked) path passes through a list before its last name."""
        current: Mapping[str, PropertyDef] = properties
        for segment in path.split(".")[:-1]:
            prop = current.get(segment)
            if prop is None:
                return False
            if prop.array:
                return True
            value = self.values.get(prop.ref or "") if prop.is_value else None
            if value is None:
                return False
            current = value.properties
        return False

    def _follow(
        self,
        src: _Source,
        at: Path,
        expr: Any,
        path: str,
        properties: Mapping[str, PropertyDef],
    ) -> PropertyDef | None:
        """The property a dotted path ends at; None (reported, when it is wrong) if none."""
        segments = path.split(".")
        current: Mapping[str, PropertyDef] | None = properties
        prop: PropertyDef | None = None
        for index, segment in enumerate(segments):
            walked = ".".join(segments[:index])
            if current is None:
                assert prop is not None
                self.report(
                    src,
                    at,
                    Code.UNKNOWN_NAME,
                    f"expression reads {path!r}, but {walked!r} is {_article(prop.type)} "
                    f"{prop.type}, with no properties",
                    "a path reads into properties of a value type",
                )
                return None
            found = current.get(segment)
            if found is None:
                if index:
                    owner = prop.ref if prop is not None else ""
                    self.report(
                        src,
                        at,
                        Code.UNKNOWN_NAME,
                        f"expression reads {path!r}, but {owner} has no property {segment!r}",
                        did_you_mean(segment, current) or f"{owner} has " + ", ".join(current),
                    )
                return None  # the first step is checked with the expression's own names
            prop = found
            if prop.is_value:
                value = self.values.get(prop.ref or "")
                if value is None:
                    return None  # its type is broken, and reported
                current = value.properties
            else:
                current = None
        return prop

    def _check_value_cycles(self) -> None:
        """A value type may hold itself only through an optional or array link: otherwise
        no finite value could be written. Depth-first, each link looked at once; a cycle is
        reported at the link that closes it."""
        links = {
            name: [
                (p.name, p.ref)
                for p in value.properties.values()
                if p.is_value and not (p.optional or p.array) and p.ref in self.values
            ]
            for name, value in self.values.items()
        }
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for root in sorted(links):
            if state.get(root):
                continue
            path: list[str] = [root]
            todo: list[list[tuple[str, str | None]]] = [list(links[root])]
            state[root] = 1
            while todo:
                if not todo[-1]:
                    state[path.pop()] = 2
                    todo.pop()
                    continue
                prop, target = todo[-1].pop(0)
                assert target is not None
                if state.get(target) == 1:
                    cycle = [*path[path.index(target) :], target]
                    self._report_cycle(path[-1], prop, cycle)
                elif not state.get(target):
                    state[target] = 1
                    path.append(target)
                    todo.append(list(links[target]))

    def _report_cycle(self, owner: str, prop: str, trail: list[str]) -> None:
        where = self.values[owner].properties[prop].location
        where = where or self.values[owner].location or Location("<noun definitions>", 0, 0)
        self.problems.append(
            Problem(
                where.file,
                where.line,
                where.column,
                f"{owner}.properties.{prop}",
                f"value types hold each other with no way to stop: {' -> '.join(trail)}",
                "make one of the links optional (`optional: true`) or an array",
                code=Code.VALUE_CYCLE,
            )
        )

    def _check_value_sizes(self, nouns: Mapping[str, NounDef]) -> None:
        """Value types nest at most MAX_NESTING levels and MAX_PATHS paths below a noun:
        everything that reads them (models, schemas, JSON-LD contexts, storage keys) walks
        them, and a few lines of YAML can make the walk exponential."""
        paths: dict[str, int] = {}
        depth: dict[str, int] = {}
        for root in sorted(self.values):
            if root in paths:
                continue
            stack: list[tuple[str, list[PropertyDef]]] = [
                (root, [*self.values[root].properties.values()])
            ]
            open_: set[str] = {root}
            count = {root: 0}
            deepest = {root: 0}
            while stack:
                name, pending = stack[-1]
                if not pending:
                    stack.pop()
                    open_.discard(name)
                    paths[name], depth[name] = count[name], deepest[name] + 1
                    if stack:
                        holder = stack[-1][0]
                        count[holder] = min(count[holder] + paths[name], _MAX_PATHS + 1)
                        deepest[holder] = max(deepest[holder], depth[name])
                    continue
                prop = pending.pop()
                count[name] += 1
                target = prop.ref if prop.is_value and prop.ref in self.values else None
                if target is None or target in open_:
                    continue
                if target in paths:
                    count[name] = min(count[name] + paths[target], _MAX_PATHS + 1)
                    deepest[name] = max(deepest[name], depth[target])
                    continue
                open_.add(target)
                count[target], deepest[target] = 0, 0
                stack.append((target, [*self.values[target].properties.values()]))
        for noun in nouns.values():
            for prop in noun.properties.values():
                if not (prop.is_value and prop.ref in paths):
                    continue
                assert prop.ref is not None
                if paths[prop.ref] > _MAX_PATHS or depth[prop.ref] > _MAX_NESTING:
                    where = prop.location or noun.location or Location("<noun definitions>", 0, 0)
                    self.problems.append(
                        Problem(
                            where.file,
                            where.line,
                            where.column,
                            f"{noun.name}.properties.{prop.name}",
                            f"{prop.ref} nests {depth[prop.ref]} levels and "
                            f"{min(paths[prop.ref], _MAX_PATHS + 1):,} paths deep; value types "
                            f"may nest {_MAX_NESTING} levels and {_MAX_PATHS:,} paths",
                            "flatten the value types, or hold the deeper parts as json",
                            code=Code.VALUE_TOO_LARGE,
                        )
                    )

    def _indexes(self, noun: NounDef) -> tuple[tuple[str, ...], ...]:
        """The noun's ``indexes``: each path must reach one scalar value (a property, a
        to-one relationship, or a path into values with no list on the way)."""
        src = self.declared.get(noun.name)
        raw = _get(src.data, "indexes") if src is not None else None
        if src is None or not raw or "properties" in src.broken:
            return ()
        found: list[tuple[str, ...]] = []
        for index, entry in enumerate(raw):
            if entry is BROKEN:
                continue
            paths = [entry] if isinstance(entry, str) else list(entry)
            at: Path = ("indexes", index)
            good = True
            for number, path in enumerate(paths):
                if path is BROKEN:
                    good = False
                    continue
                where = at if isinstance(entry, str) else (*at, number)
                why = self._index_problem(noun, src, path)
                if why is not None:
                    good = False
                    if why:
                        self.report(src, where, Code.BAD_INDEX, f"cannot index {path!r}: {why}")
            if good:
                found.append(tuple(paths))
        return tuple(found)

    def _index_problem(self, noun: NounDef, src: _Source, path: str) -> str | None:
        """Why ``path`` is no indexable scalar ("" when that is reported elsewhere)."""
        head, *rest = path.split(".")
        if head in src.unchecked:
            return ""
        if head in noun.relationships:
            if rest:
                return "a relationship holds ids, not values: index it, or the target's own field"
            if noun.relationships[head].many:
                return "a to-many relationship is a list; index the to-one on the other side"
            return None
        properties: Mapping[str, PropertyDef] = noun.properties
        holder = noun.name
        for step, name in enumerate([head, *rest]):
            prop = properties.get(name)
            if prop is None:
                tip = did_you_mean(name, properties)
                return f"{holder} has no property {name!r}" + (f"; {tip}" if tip else "")
            if prop.array:
                return f"{'.'.join([head, *rest][: step + 1])!r} is a list"
            if step == len(rest):
                if prop.is_value or prop.type == "json":
                    return "it holds a value, not a scalar: index one of its properties"
                return None
            value = self.values.get(prop.ref or "") if prop.is_value else None
            if value is None:
                return f"{name!r} is {_article(prop.type)} {prop.type}, with no properties"
            properties, holder = value.properties, value.name
        return None

    def _types_of(self, noun: NounDef) -> dict[str, TypeDef]:
        """Every value type and enum the noun's properties and inputs use, at any depth."""
        found: dict[str, TypeDef] = {}
        pending = [*noun.properties.values()]
        for action in noun.actions.values():
            pending.extend(action.input.values())
        while pending:
            prop = pending.pop()
            if prop.ref is None or prop.ref in found:
                continue
            if prop.is_value and prop.ref in self.values:
                value = found[prop.ref] = self.values[prop.ref]
                pending.extend(value.properties.values())
            elif prop.ref in self.enums:
                found[prop.ref] = self.enums[prop.ref]
        return dict(sorted(found.items()))

    # -- across nouns ------------------------------------------------------------------------

    def _check_names(self, nouns: Mapping[str, NounDef]) -> None:
        """Singulars and plurals name collections and URLs, so no two nouns may share one."""
        owners: dict[str, tuple[str, str]] = {}
        for noun in nouns.values():
            src = self.declared[noun.name]
            assert src is not None
            forms = [("singular", noun.singular)]
            if noun.plural != noun.singular:
                forms.append(("plural", noun.plural))
            for form, word in forms:
                owner = owners.get(word)
                if owner is not None:
                    other, other_form = owner
                    first = self.declared[other]
                    assert first is not None
                    where = first.location(
                        (other_form,) if other_form in first.data else (), key=True
                    )
                    self.report(
                        src,
                        (form,) if form in src.data else (),
                        Code.SHARED_NAME,
                        f"{form} {word!r} is also the {other_form} of {other} "
                        f"(declared at {where})",
                        f"set `{form}:` on one of them to another word",
                        key=True,
                    )
                else:
                    owners[word] = (noun.name, form)

    def _check_links(self, nouns: Mapping[str, NounDef]) -> None:
        known = set(self.declared) | self.unreadable | self.external
        derived = derived_relationships(nouns)
        for noun in nouns.values():
            src = self.declared[noun.name]
            assert src is not None
            for rel in noun.relationships.values():
                at: Path = ("relationships", rel.name)
                if rel.target not in known:
                    self.report(
                        src,
                        (*at, "type"),
                        Code.UNKNOWN_TARGET,
                        f"relationship target {rel.target!r} is not a declared noun",
                        did_you_mean(rel.target, known)
                        or "declare the noun, or list it under `external` in the configuration",
                    )
                    continue
                if "onDelete" in rel.raw:
                    self._check_on_delete(src, noun, rel, derived.get(noun.name, {}))
                if rel.backref is None:
                    continue
                target = nouns.get(rel.target)
                target_src = self.declared.get(rel.target)
                if (
                    target is None
                    or target_src is None
                    or rel.backref in target_src.unchecked
                    or "relationships" in target_src.broken
                ):
                    continue  # external, or itself broken and reported already
                self._check_backref(src, noun, rel, target)

    def _check_derived_sets(self, nouns: Mapping[str, NounDef]) -> None:
        """A derived to-many list is read from its inverse: an action cannot set it."""
        derived = derived_relationships(nouns)
        for noun in nouns.values():
            src = self.declared.get(noun.name)
            lists = derived.get(noun.name, {})
            if src is None or not lists:
                continue
            for action in noun.actions.values():
                for target in action.sets:
                    if target in lists:
                        source, inverse = lists[target]
                        self.report(
                            src,
                            (*src.action_paths.get(action.name, ("actions", action.name)),
                             "set", target),
                            Code.BAD_SET,
                            f"{target!r} is read from {source}.{inverse}: it cannot be set here",
                            f"set {inverse} on each {source} instead",
                            key=True,
                        )  # fmt: skip

    def _check_related_reads(self, nouns: Mapping[str, NounDef]) -> None:
        """What a read-time value reads through a relationship: a to-one's target
        properties (``customer.status``), a to-many's items (``count(customers,
        status == 'active')``, ``sum(customers.monthlySpend)``); never a list as a whole
        but through count, sum, avg, min, max, any or all."""
        for src, at, expr, links in self.related_reads:
            for path in sorted(expr.paths):
                head, _, rest = path.partition(".")
                rel = links.get(head)
                if rel is None or rel.target not in nouns:
                    continue
                target = nouns[rel.target]
                step = rest.split(".", 1)[0]
                if not rest:
                    if not rel.many:
                        continue  # the id itself
                elif step not in target.properties:
                    self.report(
                        src,
                        at,
                        Code.UNKNOWN_NAME,
                        f"expression reads {path!r}, but {rel.target} has no property {step!r}",
                        did_you_mean(step, target.properties)
                        or f"{rel.target} has " + ", ".join(target.properties),
                    )
                elif target.properties[step].read_time:
                    self._related_read_time(src, at, rel.target, step)
            for scope in expr.scopes:
                rel = links.get(scope.items)
                if rel is None or rel.target not in nouns:
                    continue
                target = nouns[rel.target]
                for path in sorted(scope.paths):
                    step = path.split(".", 1)[0]
                    if step in target.properties and target.properties[step].read_time:
                        self._related_read_time(src, at, rel.target, step)
                    elif step not in target.properties:
                        self.report(
                            src,
                            at,
                            Code.UNKNOWN_NAME,
                            f"the condition on each of {scope.items!r} reads {step!r}, which "
                            f"{rel.target} does not have",
                            did_you_mean(step, target.properties)
                            or f"{rel.target} has " + ", ".join(target.properties),
                        )

    def _related_read_time(self, src: _Source, at: Path, noun: str, name: str) -> None:
        self.report(
            src,
            at,
            Code.STORED_READS_RELATED,
            f"expression reads {noun}.{name}, which {noun} itself works out at read time",
            f"read what {noun}.{name} is computed from instead",
        )

    def _check_on_delete(
        self,
        src: _Source,
        noun: NounDef,
        rel: RelationshipDef,
        derived: Mapping[str, Any],
    ) -> None:
        """What deleting the target does must be something this noun can carry out: a
        cascade runs its delete action, a nullify its update action (each with its events)."""
        at: Path = ("relationships", rel.name, "onDelete")
        kinds = {a.kind for a in noun.actions.values()}
        problem, hint = None, None
        if rel.name in derived:
            problem = (
                f"{rel.name!r} is read from {'.'.join(derived[rel.name])}: deleting a "
                f"{rel.target} changes nothing stored here"
            )
            hint = f"put onDelete on {'.'.join(derived[rel.name])} instead"
        elif rel.on_delete == "cascade" and rel.many:
            problem = (
                f"{rel.name!r} is a list: deleting one of its {rel.target}s would delete the "
                f"whole {noun.name}"
            )
            hint = "use onDelete: nullify to take the id out of the list, or restrict"
        elif rel.on_delete == "nullify" and rel.required:
            problem = f"{rel.name!r} is required: it cannot be cleared"
            hint = "declare `required: false`, or use onDelete: restrict or cascade"
        elif rel.on_delete == "cascade" and "delete" not in kinds and not src.partial_actions:
            problem = f"a cascade deletes each {noun.name} through a delete action; it has none"
            hint = "add a `delete` action, or use onDelete: restrict"
        elif rel.on_delete == "nullify" and "update" not in kinds and not src.partial_actions:
            problem = f"a nullify clears {rel.name!r} through an update action; it has none"
            hint = "add an `update` action, or use onDelete: restrict"
        if problem is not None:
            self.report(src, at, Code.BAD_ON_DELETE, problem, hint)

    def _check_backref(
        self, src: _Source, noun: NounDef, rel: RelationshipDef, target: NounDef
    ) -> None:
        at: Path = ("relationships", rel.name, "backref")
        assert rel.backref is not None
        inverse = target.relationships.get(rel.backref)
        if inverse is None or inverse.target != noun.name:
            wanted = f"{noun.name}[]" if not rel.many else noun.name
            found = (
                "is missing" if inverse is None else f"points at {inverse.target}, not {noun.name}"
            )
            self.report(
                src,
                at,
                Code.BACKREF_MISSING,
                f"backref {rel.backref!r}: {rel.target}.{rel.backref} {found}",
                f"declare `{rel.backref}: {{type: {json.dumps(wanted)}}}` under "
                f"{rel.target}.relationships",
            )
        elif inverse.backref is not None and inverse.backref != rel.name:
            self.report(
                src,
                at,
                Code.BACKREF_DISAGREES,
                f"backref {rel.backref!r} disagrees with {rel.target}."
                f"{rel.backref}.backref {inverse.backref!r}",
                f"make both sides name each other ({rel.name!r} and {rel.backref!r})",
            )

    def check_terms(self, nouns: Mapping[str, NounDef], *, vocab: str, strict: bool) -> None:
        """Every ``class:`` and ``iri:`` against the Schema.org table: errors are problems,
        Schema.org's own looseness warns (or is a problem too, when ``strict``)."""
        # Value types are checked as nouns are: their class, their properties' iri.
        holders: dict[str, NounDef] = dict(nouns)
        for value in self.values.values():
            holders.setdefault(
                value.name,
                NounDef(
                    name=value.name,
                    singular=value.name,
                    plural=value.name,
                    description=value.description,
                    properties=value.properties,
                    relationships={},
                    actions={},
                    events=(),
                    class_iri=value.class_iri,
                    location=value.location,
                ),
            )
        for finding in term_findings(holders, vocab=vocab):
            src = self.declared.get(finding.noun)
            if finding.at is not None and src is not None:
                where = src.location(src.yaml_path(finding.at))
            else:
                where = finding.fallback or Location("<noun definitions>", 0, 0)
            problem = Problem(
                where.file,
                where.line,
                where.column,
                finding.path,
                finding.message,
                finding.hint,
                code=finding.code,
            )
            if strict or not finding.loose:
                self.problems.append(problem)
            else:
                warnings.warn_explicit(
                    str(problem).replace("\n    hint: ", " (hint: ")
                    + (")" if problem.hint else ""),
                    VocabularyWarning,
                    where.file,
                    where.line or 1,
                )


def _misfit(
    prop: PropertyDef,
    value: Any,
    *,
    whole: bool,
    types: Mapping[str, TypeDef] | None = None,
) -> str | None:
    """Why the property's own validator refuses ``value`` (the whole value, or one item
    when not ``whole``), in nounkit's words; None when it takes it. ``types``: the value
    types a property of one is read with."""
    if plainly_fits(prop, value, whole=whole):
        return None
    from pydantic_core import SchemaValidator
    from pydantic_core import ValidationError as CoreError

    if (
        prop.is_value
        or prop.min_items is not None
        or prop.max_items is not None
        or (prop.unique_items)
    ):
        validator = SchemaValidator(whole_schema(prop, types or {}, whole=whole))
    else:
        validator = _validator(prop, whole)
    try:
        validator.validate_json(json.dumps(value))
    except CoreError as exc:
        return _reason(prop, exc.errors(include_url=False))
    except (TypeError, ValueError):  # not JSON at all: nothing the model could take
        return f"expected {EXPECTED[prop.type]}"
    return None


_VALIDATORS: dict[str, Any] = {}


def _validator(prop: PropertyDef, whole: bool) -> Any:
    """A pydantic-core validator of the property's values, shared by alike properties."""
    from pydantic_core import SchemaValidator
    from pydantic_core import core_schema as cs

    shape = (
        prop.type, prop.minimum, prop.maximum, prop.exclusive_minimum, prop.exclusive_maximum,
        prop.min_length, prop.max_length, prop.pattern, prop.enum, prop.array and whole,
        prop.optional and (whole or not prop.array),
    )  # fmt: skip
    key = json.dumps(shape, default=repr)
    found = _VALIDATORS.get(key)
    if found is None:
        schema = core_schema(
            prop.type,
            ge=prop.minimum,
            le=prop.maximum,
            gt=prop.exclusive_minimum,
            lt=prop.exclusive_maximum,
            min_length=prop.min_length,
            max_length=prop.max_length,
            pattern=prop.pattern,
            enum=prop.enum,
        )
        if prop.array and whole:
            schema = cs.list_schema(schema, strict=True)
        if prop.optional and (whole or not prop.array):  # null, for an optional property
            schema = cs.nullable_schema(schema)
        if len(_VALIDATORS) >= 4096:
            _VALIDATORS.clear()
        found = _VALIDATORS[key] = SchemaValidator(schema)  # the checks above make it buildable
    return found


def _reason(prop: PropertyDef, errors: Sequence[Mapping[str, Any]]) -> str:
    """The telling one of a validator's errors, in nounkit's words."""
    for error in errors:
        if error["type"] == "too_short" and not error.get("loc"):
            return f"must hold at least {prop.min_items} items"
        if error["type"] == "too_long" and not error.get("loc"):
            return f"must hold at most {prop.max_items} items"
    if prop.is_value:
        first = errors[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        return f"{where.lstrip('.') or 'the value'}: {first['msg']}"
    # Of a union's complaints (an integer branch and a float branch), a broken bound says
    # more than "wrong type".
    telling = [e for e in errors if not e["type"].endswith("_type")] or list(errors)
    for error in telling:
        kind, ctx = error["type"], error.get("ctx") or {}
        where = "".join(f"[{p}]" for p in error.get("loc", ()) if isinstance(p, int))
        item = f"item {where}: " if where else ""
        if kind == "greater_than_equal":
            return f"{item}must be at least {ctx['ge']}"
        if kind == "greater_than":
            return f"{item}must be more than {ctx['gt']}"
        if kind == "less_than_equal":
            return f"{item}must be at most {ctx['le']}"
        if kind == "less_than":
            return f"{item}must be less than {ctx['lt']}"
        if kind == "string_too_short":
            return f"{item}must be at least {ctx['min_length']} characters long"
        if kind == "string_too_long":
            return f"{item}must be at most {ctx['max_length']} characters long"
        if kind == "string_pattern_mismatch" and ctx.get("pattern") == prop.pattern:
            return f"{item}must match the pattern {prop.pattern!r}"
        if kind in ("literal_error", "nounkit_enum") and prop.enum is not None:
            return f"{item}must be one of {', '.join(map(repr, prop.enum))}"
        if kind == "nounkit_int_bounds":
            continue
        if kind in ("list_type", "is_instance_of") or (kind.endswith("_type") and not where):
            break
    if prop.array and any(e["type"] == "list_type" for e in errors):
        return "expected a list"
    return f"expected {EXPECTED[prop.type]}"
