"""Reading noun files: YAML, then the noun language's JSON Schema, then meaning.

Every problem found is collected and raised together in one DefinitionError,
each with its file, line, column, path inside the noun and a hint. The three
passes stop a noun early only where going on would report nonsense: a noun
whose shape is wrong is not checked for meaning, but its name still counts, so
relationships to it do not also fail.
"""

from __future__ import annotations

import difflib
import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path as FsPath
from typing import Any

from nounkit.errors import DefinitionError, Problem
from nounkit.language import expressions, inflect
from nounkit.language.spec import (
    MISSING,
    ActionDef,
    ActionKind,
    LifecycleDef,
    Location,
    NounDef,
    PropertyDef,
    RelationshipDef,
    RuleDef,
    TransitionDef,
)
from nounkit.language.types import (
    ENUM_TYPES,
    NUMERIC_TYPES,
    STRING_TYPES,
    canonical_type,
    property_schema,
)
from nounkit.language.yamlsource import MAX_BYTES, Positions, YamlDocument, YamlProblem, read_yaml

__all__ = ["language_schema", "load_nouns", "noun_files"]

Path = tuple[str | int, ...]
_BUILTIN_KINDS: Mapping[str, ActionKind] = {
    "create": "create",
    "update": "update",
    "delete": "delete",
}


@cache
def language_schema() -> dict[str, Any]:
    """The JSON Schema of a noun file, as shipped in the package."""
    text = resources.files("nounkit.language").joinpath("noun.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _language_validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(language_schema())


SCREEN_HEADER = (
    "# Generated from noun.schema.json by scripts/generate_screen.py with fastjsonschema:\n"
    "# a yes/no check of the language schema. Do not edit; re-run the script.\n"
    "# mypy: ignore-errors\n"
    "# ruff: noqa\n"
    "from decimal import Decimal  # the generated numeric checks name it without importing it\n"
)


def screen_source() -> str:
    """The source of ``_screen.py``: the language schema compiled by fastjsonschema.

    ``use_default=False``, or the check would write the schema's defaults into the
    user's definitions; no detailed exceptions, since jsonschema words the problems.
    """
    import fastjsonschema

    code = fastjsonschema.compile_to_code(
        language_schema(), use_default=False, detailed_exceptions=False
    )
    # Without fastjsonschema's version stamp: a release that writes the same code leaves
    # the file current; one that writes other code makes the staleness test say so.
    code = re.sub(r'^VERSION = "[^"]*"\n', "", code, flags=re.MULTILINE)
    entry = re.search(r"^def (validate\w*)\(", code, re.MULTILINE)
    assert entry is not None, "fastjsonschema wrote no validate function"
    return f"{SCREEN_HEADER}{code.rstrip()}\n\n\nvalidate = {entry.group(1)}\n"


# Property keys whose values a PropertyDef holds as written, and the field that holds them.
_AS_WRITTEN = {
    "description": "description", "default": "default", "minimum": "minimum",
    "maximum": "maximum", "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum", "minLength": "min_length",
    "maxLength": "max_length", "pattern": "pattern", "iri": "iri", "deprecated": "deprecated",
}  # fmt: skip

# The property keys that _Checker._constraints looks at: most properties have none.
_CONSTRAINED = frozenset(
    ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
     "pattern", "enum", "unique")
)  # fmt: skip


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


def _passes_screen(data: Any) -> bool:
    """Whether the language schema accepts ``data``, about eight times faster than jsonschema
    and compiled ahead of time (``_screen.py``); jsonschema runs only when this says no, to
    word the problems. A test holds it to never pass what jsonschema refuses."""
    from fastjsonschema import JsonSchemaException

    from nounkit.language import _screen

    check: Callable[[Any], object] = _screen.validate
    try:
        check(data)
    except JsonSchemaException:
        return False
    return True


@cache
def _value_validator(schema_text: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        json.loads(schema_text), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


# The keywords ``surely_fits`` understands; a schema with any other is left to jsonschema.
_PLAIN_KEYWORDS = frozenset(
    ("type", "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
     "exclusiveMaximum", "enum", "items")
)  # fmt: skip
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int or (type(v) is float and v.is_integer()),
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
    "array": lambda v: type(v) is list,
}


def surely_fits(schema: Mapping[str, Any], value: Any) -> bool:
    """True when ``value`` certainly meets ``schema`` under JSON Schema 2020-12, for the plain
    schemas most properties have; False means "ask jsonschema", which also words the problem.

    Checking a definition's defaults, examples and enum values this way keeps jsonschema
    (and its import) off the path of a definition without mistakes.
    """
    if not _PLAIN_KEYWORDS.issuperset(schema):
        return False
    kinds = schema.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else kinds
        if not any(name in _TYPES and _TYPES[name](value) for name in names):
            return False
    if "enum" in schema and not (type(value) is str and value in schema["enum"]):
        return False  # bools and numbers compare in JSON Schema's own way: leave them
    if type(value) is str:
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get(
            "maxLength", len(value)
        ):
            return False
        pattern = schema.get("pattern")
        if pattern is not None and re.search(pattern, value) is None:
            return False
    elif type(value) in (int, float):
        for key, holds in _BOUNDS:
            bound = schema.get(key)
            if bound is not None and not holds(value, bound):
                return False
    elif type(value) is list:
        items = schema.get("items")
        return items is None or all(surely_fits(items, item) for item in value)
    return True


_BOUNDS: tuple[tuple[str, Callable[[Any, Any], bool]], ...] = (
    ("minimum", lambda v, b: v >= b),
    ("maximum", lambda v, b: v <= b),
    ("exclusiveMinimum", lambda v, b: v > b),
    ("exclusiveMaximum", lambda v, b: v < b),
)


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
) -> dict[str, NounDef]:
    """Load, check and return every noun under ``paths``; raise DefinitionError on any problem."""
    files, problems = noun_files(paths)
    documents: list[YamlDocument] = []
    for file in files:
        found = _read(file)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            documents.append(found)
    return check_documents(documents, external=external, problems=problems)


def _read(file: FsPath) -> YamlDocument | Problem:
    """One noun file, read and screened against the language schema; or why it cannot be."""
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
            )
        raw = file.read_bytes()
    except OSError as exc:
        return Problem(name, 0, 0, "", f"cannot read: {exc.strerror or exc}")
    try:
        document = read_yaml(raw, name)
    except YamlProblem as exc:
        path = _dotted(exc.path) if exc.path else ""
        return Problem(name, exc.line, exc.column, path, exc.message, exc.hint)
    if isinstance(document.data, dict):
        document.screened = _passes_screen(document.data)
    return document


def check_documents(
    documents: Sequence[YamlDocument],
    *,
    external: Iterable[str] = (),
    problems: list[Problem] | None = None,
) -> dict[str, NounDef]:
    """Check parsed documents together; raise DefinitionError listing every problem."""
    checker = _Checker(set(external), problems if problems is not None else [])
    nouns = checker.run(documents)
    if checker.problems:
        raise DefinitionError(checker.problems)
    return nouns


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


@dataclass
class _Source:
    """One noun's raw declaration and where to point at it."""

    name: str
    file: str
    data: dict[str, Any]
    positions: Positions

    def location(self, path: Path, *, key: bool = False) -> Location:
        return Location(self.file, *self.positions.of((self.name, *path), key=key))


@dataclass
class _Checker:
    external: set[str]
    problems: list[Problem]
    declared: dict[str, _Source] = field(default_factory=dict)
    # Properties of the noun being checked that are written but broken (and reported): other
    # parts of the noun that name them must not also say they are not declared.
    unchecked: set[str] = field(default_factory=set)

    # -- reporting ---------------------------------------------------------------------------

    def report(
        self, src: _Source, path: Path, message: str, hint: str | None = None, *, key: bool = False
    ) -> None:
        where = src.location(path, key=key)
        self.problems.append(
            Problem(src.file, where.line, where.column, _dotted((src.name, *path)), message, hint)
        )

    # -- pass 1 and 2: shape -----------------------------------------------------------------

    def run(self, documents: Sequence[YamlDocument]) -> dict[str, NounDef]:
        shaped: list[_Source] = []
        for document in documents:
            shaped.extend(self._shape(document))
        nouns: dict[str, NounDef] = {}
        for src in shaped:
            noun = self._noun(src)
            if noun is not None:
                nouns[noun.name] = noun
        self._check_names(nouns)
        self._check_links(nouns)
        return nouns

    def _shape(self, document: YamlDocument) -> Iterator[_Source]:
        data, positions = document.data, document.positions
        if data is None:
            return
        if not isinstance(data, dict):
            line, column = positions.of(())
            self.problems.append(
                Problem(
                    document.file,
                    line,
                    column,
                    "",
                    f"a noun file is a mapping of noun names to definitions, not a "
                    f"{_json_type(data)}",
                    "write `NounName:` at the start of a line, its definition indented below",
                )
            )
            return
        broken: set[str] = set()
        screened = document.screened
        if not (screened if screened is not None else _passes_screen(data)):
            for error in _language_validator().iter_errors(data):
                self.problems.extend(self._schema_problems(document, error))
                if error.absolute_path:
                    broken.add(str(error.absolute_path[0]))
        for name, body in data.items():
            if name.startswith("x-") or not _NOUN_NAME.fullmatch(name):
                continue  # x-: a place for anchors; a bad name is reported by the schema
            if name in self.declared:
                first = self.declared[name]
                line, column = positions.of((name,), key=True)
                where = first.location((), key=True)
                self.problems.append(
                    Problem(
                        document.file,
                        line,
                        column,
                        name,
                        f"noun {name!r} is declared twice (first at {where})",
                        "give one of them another name, or delete one",
                    )
                )
                continue
            src = _Source(name, document.file, body if isinstance(body, dict) else {}, positions)
            self.declared[name] = src
            if name not in broken and isinstance(body, dict | None):
                src.data = body or {}
                yield src

    def _schema_problems(self, document: YamlDocument, error: Any) -> list[Problem]:
        """One JSON Schema error as problems in the noun language's own words."""
        if error.validator in ("anyOf", "oneOf") and error.context:
            return self._alternative_problems(document, error)
        path: Path = tuple(error.absolute_path)
        validator = error.validator
        instance = error.instance
        if validator == "additionalProperties" and isinstance(instance, dict):
            allowed = set(error.schema.get("properties", {}))
            patterns = list(error.schema.get("patternProperties", {}))
            extras = [
                k
                for k in instance
                if k not in allowed and not any(re.search(p, k) for p in patterns)
            ]
            return [self._unknown_key(document, path, extra, allowed) for extra in extras]
        hint: str | None = None
        key = False
        if validator == "enum":
            choices = list(error.validator_value)
            message = f"{_short(repr(instance))} is not one of {', '.join(map(str, choices))}"
            if isinstance(instance, str):
                hint = _did_you_mean(instance, map(str, choices))
        elif validator == "type":
            wanted = error.validator_value
            message = f"expected {_type_words(wanted)}, got {_described(instance)}"
            hint = _type_hint(wanted, instance)
        elif validator == "required":
            missing = next((k for k in error.validator_value if k not in instance), "?")
            message = f"{missing!r} is required"
            hint = _required_hint(path, missing)
        elif list(error.relative_schema_path)[-2:-1] == ["propertyNames"]:
            path = (*path, str(instance))  # the key itself is wrong: point at it
            key = True
            message = f"{instance!r} is not a valid name"
            hint = _pattern_hint(_NAME)
        elif validator == "pattern" and isinstance(instance, str):
            kind = _NAME_KINDS.get(error.validator_value, "value")
            message = f"{instance!r} is not a valid {kind}"
            hint = _pattern_hint(error.validator_value)
        elif validator == "minItems" and error.validator_value == 1:
            message = "must not be empty"
            hint = _EMPTY_HINTS.get(str(path[-1]) if path else "", "list at least one entry")
        elif validator == "minLength" and isinstance(instance, str) and not instance:
            message = "must not be empty"
        elif validator in ("minProperties", "maxProperties") and _in_actions(path):
            message = f"an action entry names exactly one action, not {len(instance)}"
            hint = "write `- name` or `- name: {options}`, one action per line"
        elif validator == "minimum":
            message = f"must be at least {error.validator_value}, not {instance!r}"
        else:
            message = error.message
        line, column = document.positions.of(path, key=key)
        return [Problem(document.file, line, column, _dotted(path), message, hint)]

    def _alternative_problems(self, document: YamlDocument, error: Any) -> list[Problem]:
        """anyOf: report the problems of the alternative whose type the value has.

        The noun language's alternatives differ by type (a string or a list; a
        list or a mapping), so the value's own type says which one was meant.
        """
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        wanted: list[str] = []
        for errors in branches.values():
            roots = [e for e in errors if e.validator == "type" and not e.relative_path]
            if not roots:
                return [p for sub in errors for p in self._schema_problems(document, sub)]
            for root in roots:
                kinds = root.validator_value
                for kind in kinds if isinstance(kinds, list) else [kinds]:
                    if kind not in wanted:
                        wanted.append(kind)
        path: Path = tuple(error.absolute_path)
        line, column = document.positions.of(path)
        return [
            Problem(
                document.file,
                line,
                column,
                _dotted(path),
                f"expected {_type_words(wanted)}, got {_described(error.instance)}",
                _type_hint(wanted, error.instance),
            )
        ]

    def _unknown_key(
        self, document: YamlDocument, path: Path, extra: str, allowed: set[str]
    ) -> Problem:
        line, column = document.positions.of((*path, extra), key=True)
        if not path:  # top level: a noun name
            message = f"{extra!r} is not a noun name"
            if extra in _NOUN_KEYS:
                hint = f"`{extra}:` belongs inside a noun: indent it under the noun's name"
            else:
                pascal = "".join(
                    w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", extra) if w
                )
                hint = "noun names are PascalCase, such as ServiceCustomer"
                if _NOUN_NAME.fullmatch(pascal):
                    hint += f"; did you mean {pascal!r}?"
                hint += " (top-level keys starting with x- are ignored)"
        else:
            message = f"unknown key {extra!r}"
            hint = _did_you_mean(extra, allowed) or ("allowed keys: " + ", ".join(sorted(allowed)))
            if extra == "required" and "optional" in allowed:
                hint = "properties are required unless they say `optional: true`"
        return Problem(document.file, line, column, _dotted((*path, extra)), message, hint)

    # -- pass 3: meaning ---------------------------------------------------------------------

    def _noun(self, src: _Source) -> NounDef | None:
        data = src.data
        before = len(self.problems)
        singular = data.get("singular") or inflect.kebab(src.name)
        plural = data.get("plural") or inflect.plural(singular)
        written = data.get("properties") or {}
        properties = self._properties(src, written, ("properties",))
        self.unchecked = set(written) - set(properties)
        if "id" not in properties:
            # Every noun is addressable; one that does not declare an id gets a string one.
            properties = {"id": PropertyDef("id", "string", "Identifier"), **properties}
        else:
            self._check_id(src, properties["id"])
        relationships = self._relationships(src, data.get("relationships") or {}, properties)
        events = self._events(src, data.get("events") or [])
        lifecycle_raw = data.get("lifecycle")
        transitions = set((lifecycle_raw or {}).get("transitions") or {})
        actions = self._actions(src, data.get("actions") or [], set(events), transitions)
        lifecycle = (
            self._lifecycle(src, lifecycle_raw, properties, actions)
            if lifecycle_raw is not None
            else None
        )
        computed_order = self._computed_order(src, properties)
        rules = self._rules(src, data.get("rules") or [], properties)
        tenant = data.get("tenant")
        if tenant is not None:
            prop = properties.get(tenant)
            if prop is None and tenant in self.unchecked:
                pass  # broken, and reported already
            elif prop is None:
                self.report(
                    src,
                    ("tenant",),
                    f"tenant property {tenant!r} is not declared",
                    _did_you_mean(tenant, properties) or "declare it under properties",
                )
            elif prop.type not in STRING_TYPES | {"uuid"} or prop.array:
                self.report(src, ("tenant",), f"tenant property {tenant!r} must be a string")
        if len(self.problems) > before:
            return None
        return NounDef(
            name=src.name,
            singular=singular,
            plural=plural,
            description=data.get("description"),
            properties=properties,
            relationships=relationships,
            actions=actions,
            events=tuple(events),
            class_iri=data.get("class"),
            lifecycle=lifecycle,
            rules=tuple(rules),
            tenant=tenant,
            computed_order=computed_order,
            location=src.location((), key=True),
            raw=data,
        )

    def _check_id(self, src: _Source, prop: PropertyDef) -> None:
        if prop.type not in ("string", "uuid") or prop.array:
            self.report(
                src,
                ("properties", "id", "type"),
                f"id must be a string or uuid, not {prop.type}{'[]' if prop.array else ''}",
                "ids are strings; leave id out to get a generated one",
            )
        for key, bad in (("optional", prop.optional), ("computed", prop.computed is not None)):
            if bad:
                self.report(
                    src,
                    ("properties", "id", key),
                    f"id cannot be {key}",
                    f"drop `{key}:`; an id not given on create is generated",
                    key=True,
                )

    def _properties(self, src: _Source, raw: Mapping[str, Any], at: Path) -> dict[str, PropertyDef]:
        props: dict[str, PropertyDef] = {}
        for name, spec in raw.items():
            prop = self._property(src, name, spec, (*at, name))
            if prop is not None:
                props[name] = prop
        return props

    def _property(
        self, src: _Source, name: str, spec: Mapping[str, Any], at: Path
    ) -> PropertyDef | None:
        before = len(self.problems)
        kind = canonical_type(spec["type"])
        array = bool(spec.get("array", False))
        if not _CONSTRAINED.isdisjoint(spec):
            self._constraints(src, kind, array, spec, at)
        computed = None
        if "computed" in spec:
            computed = self._expression(src, spec["computed"], (*at, "computed"))
            if "default" in spec:
                self.report(
                    src,
                    (*at, "default"),
                    "a computed property takes no default",
                    "drop default: the value is worked out from the expression",
                    key=True,
                )
        if len(self.problems) > before:
            return None
        enum = spec.get("enum")
        # Only the keys written: the rest keep PropertyDef's defaults (None, False, ...).
        written = {_AS_WRITTEN[key]: value for key, value in spec.items() if key in _AS_WRITTEN}
        prop = PropertyDef(
            name=name,
            type=kind,
            optional=bool(spec.get("optional", False)),
            array=array,
            examples=tuple(spec.get("examples", ())),
            enum=tuple(enum) if enum is not None else None,
            unique=bool(spec.get("unique", False)),
            index=bool(spec.get("index", False)),
            computed=computed,
            location=src.location(at, key=True),
            raw=spec,
            **written,
        )
        if enum is not None:
            self._check_values(src, prop, list(enum), (*at, "enum"), "enum value", single=True)
        if prop.has_default:
            self._check_values(src, prop, [prop.default], (*at, "default"), "default")
        return prop

    def _constraints(
        self, src: _Source, kind: str, array: bool, spec: Mapping[str, Any], at: Path
    ) -> None:
        """Bounds, lengths, pattern, enum and unique: each must suit the property's type."""
        numeric_keys = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        for key in numeric_keys:
            if key in spec and kind not in NUMERIC_TYPES:
                self.report(
                    src,
                    (*at, key),
                    f"{key} applies to number and integer, not {kind}",
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
                    f"{key} applies to text types ({', '.join(sorted(STRING_TYPES))}), not {kind}",
                    "use minimum/maximum to bound a number"
                    if kind in NUMERIC_TYPES and key != "pattern"
                    else f"drop {key}, or change the type",
                    key=True,
                )
        for low, high in (
            ("minimum", "maximum"),
            ("minLength", "maxLength"),
            ("exclusiveMinimum", "exclusiveMaximum"),
        ):
            if low in spec and high in spec and spec[low] > spec[high]:
                self.report(
                    src,
                    (*at, low),
                    f"{low} {spec[low]} is above {high} {spec[high]}: no value could fit",
                    f"swap them, or lower {low}",
                )
        if kind == "integer":
            for key in numeric_keys:
                if isinstance(spec.get(key), float) and not spec[key].is_integer():
                    self.report(
                        src,
                        (*at, key),
                        f"{key} {spec[key]} of an integer property must be a whole number",
                        "round it, or make the property a number",
                    )
        pattern = spec.get("pattern")
        if pattern is not None:
            exc = _pattern_error(pattern)
            if exc is not None:
                self.report(
                    src,
                    (*at, "pattern"),
                    f"pattern {pattern!r} is not a valid regular expression: {exc}",
                    "check brackets and escapes; in YAML, single-quote a pattern "
                    "so that backslashes stay as written",
                )
        if "enum" in spec and kind not in ENUM_TYPES:
            self.report(
                src,
                (*at, "enum"),
                f"enum applies to text, number, integer, boolean and uuid, not {kind}",
                key=True,
            )
        if spec.get("unique") and (array or kind == "json"):
            self.report(
                src,
                (*at, "unique"),
                "unique needs a single scalar value, not " + ("an array" if array else "json"),
                key=True,
            )

    def _check_values(
        self,
        src: _Source,
        prop: PropertyDef,
        values: list[Any],
        at: Path,
        what: str,
        *,
        single: bool = False,
    ) -> None:
        """Values written in the definition must be values the property accepts."""
        # The property's value shape only: an enum value is checked as one item, without
        # the enum itself; a default as the whole value, enum included.
        bare = replace(
            prop,
            array=prop.array and not single,
            enum=prop.enum if what == "default" else None,
            default=MISSING,
            computed=None,
        )
        schema = property_schema(bare)
        validator = None
        for index, value in enumerate(values):
            if surely_fits(schema, value):
                continue
            if validator is None:
                validator = _value_validator(json.dumps(schema, sort_keys=True))
            error = next(iter(validator.iter_errors(value)), None)
            if error is not None:
                sub = (*at, index) if single else at
                self.report(
                    src,
                    sub,
                    f"{what} {_short(repr(value))} does not fit the property: "
                    f"{_short(error.message)}",
                    f"give {_article(prop.type)} {prop.type}"
                    f"{' list' if prop.array and not single else ''} value "
                    "that meets the property's own constraints",
                )

    def _expression(self, src: _Source, text: str, at: Path) -> expressions.Expression | None:
        try:
            return expressions.parse(text)
        except expressions.ExpressionError as exc:
            self.report(
                src,
                at,
                f"bad expression {text!r}: {exc.message}",
                "here:\n        " + exc.caret().replace("\n", "\n        "),
            )
            return None

    def _relationships(
        self, src: _Source, raw: Mapping[str, Any], properties: Mapping[str, PropertyDef]
    ) -> dict[str, RelationshipDef]:
        result: dict[str, RelationshipDef] = {}
        for name, spec in raw.items():
            at: Path = ("relationships", name)
            if name in properties or name in self.unchecked:
                self.report(
                    src,
                    at,
                    f"{name!r} is both a property and a relationship",
                    "rename one of them",
                    key=True,
                )
                continue
            written = spec["type"]
            many = written.endswith("[]")
            result[name] = RelationshipDef(
                name=name,
                target=written[:-2] if many else written,
                many=many,
                required=bool(spec.get("required", not many)),
                description=spec.get("description"),
                backref=spec.get("backref"),
                location=src.location(at, key=True),
                raw=spec,
            )
        return result

    def _events(self, src: _Source, raw: Sequence[str]) -> list[str]:
        seen: dict[str, int] = {}
        for index, event in enumerate(raw):
            if event in seen:
                self.report(
                    src,
                    ("events", index),
                    f"event {event!r} is listed twice (also at position {seen[event] + 1})",
                    "list each event once",
                )
            else:
                seen[event] = index
        return list(seen)

    def _actions(
        self, src: _Source, raw: Any, events: set[str], transitions: set[str]
    ) -> dict[str, ActionDef]:
        entries: list[tuple[str, dict[str, Any], Path]] = []
        if isinstance(raw, dict):
            entries = [(n, o or {}, ("actions", n)) for n, o in raw.items()]
        else:
            for index, item in enumerate(raw):
                if isinstance(item, str):
                    entries.append((item, {}, ("actions", index)))
                else:
                    ((name, options),) = item.items()
                    entries.append((name, options or {}, ("actions", index, name)))
        actions: dict[str, ActionDef] = {}
        for name, options, at in entries:
            named = isinstance(at[-1], str)  # ("actions", i, name): point at the name
            if name in actions:
                first = actions[name].location
                self.report(
                    src,
                    at,
                    f"action {name!r} is declared twice"
                    + (f" (first at line {first.line}, column {first.column})" if first else ""),
                    "declare each action once",
                    key=named,
                )
                continue
            declared_kind = options.get("kind")
            kind: ActionKind
            if declared_kind is not None:
                kind = declared_kind
            elif name in transitions:
                kind = "transition"
            else:
                kind = _BUILTIN_KINDS.get(name, "custom")
            if kind == "transition" and name not in transitions:
                self.report(
                    src,
                    (*at, "kind"),
                    f"action {name!r} is a transition, but lifecycle.transitions does not list it",
                    f"add `{name}: {{from: ..., to: ...}}` under lifecycle.transitions",
                )
            elif name in transitions and kind != "transition":
                self.report(
                    src,
                    (*at, "kind"),
                    f"action {name!r} is listed in "
                    f"lifecycle.transitions but declared kind {kind!r}",
                    "drop `kind:` or the transition",
                )
            emits = options.get("emits") or inflect.past_tense(name)
            if emits not in events:
                declared = bool(options.get("emits"))
                how = (
                    f"emits {emits!r}"
                    if declared
                    else f"emits {emits!r} by default (derived from the verb)"
                )
                self.report(
                    src,
                    (*at, "emits") if declared else at,
                    f"action {name!r} {how}, which is not in events",
                    (
                        f"add {emits!r} to events, or set `emits:` to one of the declared "
                        if re.fullmatch(_NAME, emits)
                        else "set `emits:` to one of the declared "
                    )
                    + f"events ({', '.join(sorted(events)) or 'none declared'})",
                    key=named and not declared,
                )
            inputs = self._properties(src, options.get("input") or {}, (*at, "input"))
            roles = options.get("roles")
            actions[name] = ActionDef(
                name=name,
                kind=kind,
                emits=emits,
                input=inputs,
                roles=tuple(roles) if roles is not None else None,
                description=options.get("description"),
                location=src.location(at, key=isinstance(at[-1], str)),
            )
        return actions

    def _lifecycle(
        self,
        src: _Source,
        raw: Mapping[str, Any],
        properties: Mapping[str, PropertyDef],
        actions: Mapping[str, ActionDef],
    ) -> LifecycleDef | None:
        before = len(self.problems)
        at: Path = ("lifecycle",)
        prop_name = raw.get("property", "status")
        prop = properties.get(prop_name)
        if prop is None and prop_name in self.unchecked:
            return None  # broken, and reported already
        if prop is None:
            self.report(
                src,
                (*at, "property") if "property" in raw else at,
                f"lifecycle property {prop_name!r} is not declared",
                _did_you_mean(prop_name, properties)
                or f"declare a {prop_name!r} property, or name one with lifecycle.property",
                key="property" not in raw,
            )
            return None
        if prop.type not in STRING_TYPES or prop.array:
            self.report(
                src,
                (*at, "property"),
                f"lifecycle property {prop_name!r} must be a "
                f"string, not {prop.type}{'[]' if prop.array else ''}",
            )
            return None
        states: list[str]
        if "states" in raw:
            states = list(raw["states"])
            if prop.enum is not None:
                for index, state in enumerate(states):
                    if state not in prop.enum:
                        self.report(
                            src,
                            (*at, "states", index),
                            f"state {state!r} is not in {prop_name}'s enum",
                            "add it to the enum, or drop it",
                        )
        elif prop.enum is not None:
            states = [str(v) for v in prop.enum]
        else:
            self.report(
                src,
                at,
                f"lifecycle has no states: give `states:` or an enum on {prop_name!r}",
                "examples are hints and never define states",
                key=True,
            )
            return None
        known = set(states)

        def check_state(state: str, where: Path) -> None:
            if state not in known:
                self.report(
                    src,
                    where,
                    f"unknown state {state!r}",
                    _did_you_mean(state, states) or f"states: {', '.join(states)}",
                )

        initial = raw.get("initial", states[0])
        check_state(initial, (*at, "initial"))
        final_raw = raw.get("final", [])
        final_list = [final_raw] if isinstance(final_raw, str) else list(final_raw)
        for index, state in enumerate(final_list):
            check_state(
                state, (*at, "final") if isinstance(final_raw, str) else (*at, "final", index)
            )
        final = frozenset(final_list)
        if initial in final:
            self.report(
                src,
                (*at, "initial"),
                f"initial state {initial!r} is final",
                "an entity could never leave it",
            )
        transitions: dict[str, TransitionDef] = {}
        for action, spec in (raw.get("transitions") or {}).items():
            where: Path = (*at, "transitions", action)
            if action not in actions:
                self.report(
                    src,
                    where,
                    f"transition for undeclared action {action!r}",
                    _did_you_mean(action, actions) or "add it to actions",
                    key=True,
                )
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
                    check_state(state, sub)
                    if state in final:
                        self.report(
                            src,
                            sub,
                            f"transition {action!r} leaves final state {state!r}",
                            "final states have no way out; drop it from `from` or from `final`",
                        )
                sources = set(listed)
            targets = [target_raw] if isinstance(target_raw, str) else list(target_raw)
            for index, state in enumerate(targets):
                check_state(
                    state, (*where, "to") if isinstance(target_raw, str) else (*where, "to", index)
                )
            transitions[action] = TransitionDef(
                action, frozenset(sources), tuple(targets), from_any
            )
        if len(self.problems) > before:
            return None
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
                    f"state {state!r} is not reached by any transition from {initial!r}",
                    "add a transition into it, or drop the state",
                )
        if len(self.problems) > before:
            return None
        return LifecycleDef(prop_name, tuple(states), initial, final, transitions)

    def _computed_order(
        self, src: _Source, properties: Mapping[str, PropertyDef]
    ) -> tuple[str, ...]:
        """Computed properties sorted so each comes after the computed ones it reads."""
        computed = {n: p for n, p in properties.items() if p.computed is not None}
        for name, prop in computed.items():
            assert prop.computed is not None
            for ref in sorted(prop.computed.names - set(properties) - self.unchecked):
                self.report(
                    src,
                    ("properties", name, "computed"),
                    f"expression reads {ref!r}, which is not a property",
                    _did_you_mean(ref, properties) or "expressions read the noun's own properties",
                )
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

    def _rules(
        self,
        src: _Source,
        raw: Sequence[Mapping[str, Any]],
        properties: Mapping[str, PropertyDef],
    ) -> list[RuleDef]:
        rules: list[RuleDef] = []
        for index, spec in enumerate(raw):
            at: Path = ("rules", index, "check")
            expr = self._expression(src, spec["check"], at)
            if expr is None:
                continue
            missing = sorted(expr.names - set(properties) - self.unchecked)
            for ref in missing:
                self.report(
                    src,
                    at,
                    f"rule reads {ref!r}, which is not a property",
                    _did_you_mean(ref, properties) or "rules read the noun's own properties",
                )
            if not missing:
                rules.append(RuleDef(spec["check"], expr, spec.get("message"), src.location(at)))
        return rules

    # -- across nouns ------------------------------------------------------------------------

    def _check_names(self, nouns: Mapping[str, NounDef]) -> None:
        """Singulars and plurals name collections and URLs, so no two nouns may share one."""
        owners: dict[str, tuple[str, str]] = {}
        for noun in nouns.values():
            src = self.declared[noun.name]
            forms = [("singular", noun.singular)]
            if noun.plural != noun.singular:
                forms.append(("plural", noun.plural))
            for form, word in forms:
                owner = owners.get(word)
                if owner is not None:
                    other, other_form = owner
                    where = self.declared[other].location(
                        (other_form,) if other_form in self.declared[other].data else (), key=True
                    )
                    self.report(
                        src,
                        (form,) if form in src.data else (),
                        f"{form} {word!r} is also the {other_form} of {other} "
                        f"(declared at {where})",
                        f"set `{form}:` on one of them to another word",
                        key=True,
                    )
                else:
                    owners[word] = (noun.name, form)

    def _check_links(self, nouns: Mapping[str, NounDef]) -> None:
        known = set(self.declared) | self.external
        for noun in nouns.values():
            src = self.declared[noun.name]
            for rel in noun.relationships.values():
                at: Path = ("relationships", rel.name)
                if rel.target not in known:
                    self.report(
                        src,
                        (*at, "type"),
                        f"relationship target {rel.target!r} is not a declared noun",
                        _did_you_mean(rel.target, known)
                        or "declare the noun, or list it under `external` in the configuration",
                    )
                    continue
                if rel.backref is None:
                    continue
                target = nouns.get(rel.target)
                if target is None:
                    continue  # external, or itself broken and reported already
                inverse = target.relationships.get(rel.backref)
                if inverse is None or inverse.target != noun.name:
                    wanted = f"{noun.name}[]" if not rel.many else noun.name
                    found = (
                        "is missing"
                        if inverse is None
                        else (f"points at {inverse.target}, not {noun.name}")
                    )
                    self.report(
                        src,
                        (*at, "backref"),
                        f"backref {rel.backref!r}: {rel.target}.{rel.backref} {found}",
                        f"declare `{rel.backref}: {{type: {json.dumps(wanted)}}}` under "
                        f"{rel.target}.relationships",
                    )
                elif inverse.backref is not None and inverse.backref != rel.name:
                    self.report(
                        src,
                        (*at, "backref"),
                        f"backref {rel.backref!r} disagrees with {rel.target}."
                        f"{rel.backref}.backref {inverse.backref!r}",
                        f"make both sides name each other ({rel.name!r} and {rel.backref!r})",
                    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "mapping"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _short(message: str) -> str:
    return message if len(message) < 120 else message[:117] + "..."


_NAME = "^[A-Za-z][A-Za-z0-9_]*$"
_KEBAB = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
_TARGET = "^[A-Z][A-Za-z0-9]*(\\[\\])?$"
_IRI = "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
_NAME_KINDS = {_NAME: "name", _KEBAB: "kebab-case word", _TARGET: "noun name", _IRI: "IRI"}
_NOUN_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
_NOUN_KEYS = frozenset(language_schema()["$defs"]["noun"]["properties"])
_EMPTY_HINTS = {
    "enum": "list the allowed values, or drop enum",
    "states": "list the states, or drop `states:` to take them from the property's enum",
    "from": "name a state, a list of states, or '*'",
    "to": "name a state, or a list of states the handler chooses from",
}
_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "nothing",
}


def _type_words(wanted: str | Sequence[str]) -> str:
    kinds = [wanted] if isinstance(wanted, str) else list(wanted)
    return " or ".join(_TYPE_NAMES.get(k, k) for k in kinds if k != "null") or "nothing"


def _described(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return f"{_json_type(value)} {_short(repr(value))}"


def _type_hint(wanted: str | Sequence[str], value: Any) -> str | None:
    kinds = {wanted} if isinstance(wanted, str) else set(wanted)
    if value is None:
        return "the key has no value: write one after the colon, or delete the key"
    if kinds == {"boolean"}:
        return "write true or false, without quotes"
    if "string" in kinds and isinstance(value, bool | int | float):
        return (
            f"quote it to make it a string: '{value}'"
            if not isinstance(value, bool)
            else ("quote it to make it a string (YAML reads yes/no/on/off/true/false as booleans)")
        )
    if kinds & {"number", "integer"} and isinstance(value, str):
        return "write the number without quotes"
    if kinds == {"object"}:
        return "write `key: value` entries indented below it"
    if kinds == {"array"}:
        return "write a list: `[a, b]`, or one `- item` per line"
    return None


def _required_hint(path: Path, missing: str) -> str:
    if missing == "type" and len(path) >= 2 and path[-2] == "relationships":
        return "add `type: Target` (or `type: Target[]` for to-many)"
    if missing == "type":
        return "add `type:`, one of " + ", ".join(
            language_schema()["$defs"]["property"]["properties"]["type"]["enum"]
        )
    if missing == "transitions":
        return "add `transitions:` mapping each action to {from: ..., to: ...}"
    if missing in ("from", "to"):
        return f"add `{missing}:` naming a state or a list of states"
    return f"add `{missing}:`"


def _in_actions(path: Path) -> bool:
    return len(path) >= 2 and path[1] == "actions"


def _pattern_hint(pattern: str) -> str:
    hints = {
        _NAME: "names start with a letter and hold letters, digits and _",
        _KEBAB: "kebab-case: lowercase words joined by -",
        _TARGET: "a noun name (PascalCase), with [] for to-many",
        _IRI: "a CURIE such as schema:name, or an absolute IRI",
    }
    return hints.get(pattern, f"it must match {pattern}")
