"""The generated JSON Schema, the compiled model and the generated Python class
accept exactly the same JSON documents.

Documents are drawn from each noun's own definition (valid ones) and then
mutated towards the values other tools disagree about: "2500" for a number,
"yes" or 1 for a boolean, a datetime or 0 for a date, extra and missing fields,
out-of-range values, broken patterns and e-mails.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import sys
from collections.abc import Mapping
from datetime import UTC, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from nounkit import NounDef, PropertyDef, Registry, ValidationError
from nounkit.codegen.jsonschema import noun_schema
from nounkit.codegen.python import python_module
from nounkit.language import types
from nounkit.language import types as types_module
from nounkit.language.spec import TypeDef, ValueDef

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "nouns"
KITCHEN = Path(__file__).resolve().parent / "data" / "kitchen.yaml"
VALUES = Path(__file__).resolve().parent / "data" / "values.yaml"

REGISTRIES = {
    "catalog": Registry.load(CATALOG),
    "kitchen": Registry.load(KITCHEN),
    "values": Registry.load(VALUES),
}
CASES = [(key, name) for key, reg in REGISTRIES.items() for name in reg.nouns]


def _generated(key: str, tmp_dir: Path) -> ModuleType:
    path = tmp_dir / f"generated_{key}.py"
    path.write_text(python_module(REGISTRIES[key].nouns), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"generated_{key}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    folder = tmp_path_factory.mktemp("codegen")
    return {key: _generated(key, folder) for key in REGISTRIES}


# -- valid values, from the definition --------------------------------------------------------

_OFFSETS = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
)


def _rfc3339(moment: Any, lower: bool, digits: int) -> str:
    text = f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}"[:digits].ljust(digits, "7")
    offset = moment.strftime("%z")
    text += "Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}"
    return text.replace("T", "t").replace("Z", "z") if lower else text


def _json() -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=8,
    )


def _value(
    prop: PropertyDef, defs: Mapping[str, TypeDef] | None = None, depth: int = 0
) -> st.SearchStrategy[Any]:
    if prop.is_value:
        assert defs is not None and prop.ref is not None
        value = defs[prop.ref]
        assert isinstance(value, ValueDef)
        return _object(value, defs, depth + 1)
    if prop.enum is not None:
        return st.sampled_from(prop.enum)
    kind = prop.type
    if kind in ("number", "integer"):
        low = prop.minimum if prop.minimum is not None else prop.exclusive_minimum
        high = prop.maximum if prop.maximum is not None else prop.exclusive_maximum
        first = None if low is None else math.floor(low) + 1
        last = None if high is None else math.ceil(high) - 1
        ints = st.integers(min_value=first, max_value=last)
        if kind == "integer":
            return ints | ints.map(float)
        floats = st.floats(
            min_value=low,
            max_value=high,
            allow_nan=False,
            allow_infinity=False,
            exclude_min=prop.exclusive_minimum is not None,
            exclude_max=prop.exclusive_maximum is not None,
        )
        if first is not None and last is not None and first > last:
            return floats
        return ints | floats
    if kind == "boolean":
        return st.booleans()
    if kind == "date":
        return st.dates().map(lambda d: d.isoformat())
    if kind == "datetime":
        return st.builds(
            _rfc3339, st.datetimes(timezones=_OFFSETS), st.booleans(), st.integers(0, 9)
        )
    if kind == "json":
        return _json()
    if kind == "uuid":
        return st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper())
    pattern = {"email": types.EMAIL_PATTERN, "url": types.URL_PATTERN}.get(kind, prop.pattern)
    text = st.from_regex(pattern) if pattern else st.text(max_size=50)
    if kind in ("email", "url"):
        text = st.from_regex(pattern, fullmatch=True)
        if prop.pattern is not None:
            text = text.map(lambda t: t.split("@")[0] + "@example.com")
    low, high = prop.min_length or 0, prop.max_length
    return text.filter(lambda t: len(t) >= low and (high is None or len(t) <= high))


def _object(
    value: ValueDef, defs: Mapping[str, TypeDef], depth: int
) -> st.SearchStrategy[dict[str, Any]]:
    """A valid value of a value type; optional parts thin out with depth, so a value type
    holding itself through an optional link ends."""

    @st.composite
    def make(draw: st.DrawFn) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for name, prop in value.properties.items():
            if prop.required or (depth < 3 and draw(st.booleans())):
                document[name] = draw(_property(prop, defs, depth))
        return document

    return make()


def _property(
    prop: PropertyDef, defs: Mapping[str, TypeDef] | None = None, depth: int = 0
) -> st.SearchStrategy[Any]:
    value = _value(prop, defs, depth)
    if prop.array:
        low = prop.min_items or 0
        high = max(low, min(prop.max_items if prop.max_items is not None else 3, 3))
        unique = types_module._json_key if prop.unique_items else None
        value = st.lists(value, min_size=low, max_size=high, unique_by=unique)
    if prop.optional or prop.computed is not None:
        value = st.none() | value
    return value


@st.composite
def valid_documents(draw: st.DrawFn, registry: Registry, noun: NounDef) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for name, prop in noun.properties.items():
        if prop.required or draw(st.booleans()):
            document[name] = draw(_property(prop, noun.types))
    for name, rel in noun.relationships.items():
        target = registry.nouns.get(rel.target)
        ident = _value(target.properties["id"]) if target else st.text(min_size=1)
        if rel.many:
            if rel.required or draw(st.booleans()):
                document[name] = draw(
                    st.lists(ident, min_size=1 if rel.required else 0, max_size=3)
                )
        elif rel.required or draw(st.booleans()):
            document[name] = draw(ident if rel.required else st.none() | ident)
    return document


# -- mutations towards the values tools disagree about ---------------------------------------

_TRICKY: list[Any] = [
    "2500",
    "yes",
    "true",
    1,
    0,
    -1,
    1.5,
    3.0,
    True,
    False,
    None,
    "",
    " ",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "2024-02-30",
    "2024-01-01T00:00:00",
    "2024-01-01 00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00Z\n",
    "2024-01-01\n",
    "not-an-email",
    "a@b",
    "a b@c.com",
    "@example.com",
    "http://",
    "example.com",
    "https://example.com/x",
    "123e4567-e89b-12d3-a456-42661417400",
    "x" * 300,
    10**20,
    -(10**20),
    1e300,
    [],
    {},
    [1, "a"],
    {"a": 1},
    ["2024-01-01"],
]


@st.composite
def mutated_documents(draw: st.DrawFn, registry: Registry, noun: NounDef) -> dict[str, Any]:
    document = draw(valid_documents(registry, noun))
    fields = [*noun.properties, *noun.relationships]
    for _ in range(draw(st.integers(1, 3))):
        move = draw(st.sampled_from(["replace", "replace", "drop", "extra", "item"]))
        name = draw(st.sampled_from(fields))
        if move == "replace":
            document[name] = draw(st.sampled_from(_TRICKY) | _json())
        elif move == "drop":
            document.pop(name, None)
        elif move == "extra":
            document[draw(st.sampled_from(["extra", "Id", "statusx", name + "_"]))] = 1
        elif isinstance(document.get(name), list):
            document[name] = [*document[name], draw(st.sampled_from(_TRICKY))]
    if noun.types and draw(st.booleans()):
        _spoil_inside(draw, document)
    return document


def _spoil_inside(draw: st.DrawFn, document: dict[str, Any]) -> None:
    """Walk into a nested value (through lists too) and spoil one of its fields there."""
    place: Any = document
    for _ in range(draw(st.integers(1, 4))):
        inner = [
            v for v in (place.values() if isinstance(place, dict) else place)
            if isinstance(v, dict | list) and v
        ]  # fmt: skip
        if not inner:
            break
        place = draw(st.sampled_from(inner))
    if not isinstance(place, dict) or not place:
        return
    key = draw(st.sampled_from(sorted(place)))
    move = draw(st.sampled_from(["replace", "drop", "extra"]))
    if move == "replace":
        place[key] = draw(st.sampled_from(_TRICKY) | _json())
    elif move == "drop":
        del place[key]
    else:
        place[key + "x"] = 1


# -- the three verdicts ----------------------------------------------------------------------


@functools.cache
def _validator(registry_key: str, noun_name: str) -> Draft202012Validator:
    registry = REGISTRIES[registry_key]
    schema = noun_schema(registry.nouns[noun_name], registry.nouns, base="https://example.org/")
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _verdicts(
    registry_key: str, noun_name: str, generated: dict[str, ModuleType], document: dict[str, Any]
) -> tuple[bool, bool, bool]:
    registry = REGISTRIES[registry_key]
    by_schema = _validator(registry_key, noun_name).is_valid(document)
    try:
        registry.model(noun_name).model_validate(document)
        by_model = True
    except ValidationError:
        by_model = False
    cls: type[BaseModel] = getattr(generated[registry_key], noun_name)
    try:
        cls.model_validate(document)
        by_class = True
    except PydanticValidationError:
        by_class = False
    return by_schema, by_model, by_class


_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize(("key", "noun"), CASES)
def test_valid_documents_are_accepted_by_all_three(
    key: str, noun: str, generated: dict[str, ModuleType]
) -> None:
    registry = REGISTRIES[key]

    @_SETTINGS
    @given(valid_documents(registry, registry.nouns[noun]))
    def check(document: dict[str, Any]) -> None:
        assert _verdicts(key, noun, generated, document) == (True, True, True), document

    check()


@pytest.mark.parametrize(("key", "noun"), CASES)
def test_mutated_documents_get_the_same_verdict(
    key: str, noun: str, generated: dict[str, ModuleType]
) -> None:
    registry = REGISTRIES[key]

    @_SETTINGS
    @given(mutated_documents(registry, registry.nouns[noun]))
    def check(document: dict[str, Any]) -> None:
        schema, model, cls = _verdicts(key, noun, generated, document)
        assert schema == model == cls, (document, schema, model, cls)

    check()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("score", "2500"),  # a numeric string is not a number
        ("flag", "yes"),
        ("flag", 1),  # nor is 1 a boolean
        ("born", "2024-01-01T00:00:00Z"),  # a datetime is not a date
        ("born", 0),
        ("born", "2024-02-30"),
        ("seen", "2024-01-01"),  # a date is not a datetime
        ("seen", "2024-01-01T00:00:00"),  # nor is a datetime without an offset
        ("count", 1.5),
        ("count", True),
        ("score", 1000.5),
        ("title", "lowercase"),  # pattern
        ("contact", "nobody@elsewhere.net"),  # second pattern on a format
        ("contact", "not an email"),
        ("homepage", "example.com"),
        ("level", True),  # True is not 1 for an enum either
        ("color", "purple"),
        ("extra", 1),
        ("owner", None),
        ("mentors", []),
        ("helpers", ["ab"]),  # an id of Owner has minLength 3
    ],
)
def test_known_disagreements_of_other_tools_are_rejected_by_all_three(
    field: str, value: Any, generated: dict[str, ModuleType]
) -> None:
    document = {
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "title": "Hello",
        "score": 1,
        "owner": "own",
        "mentors": ["men"],
    }
    assert _verdicts("kitchen", "KitchenSink", generated, document) == (True, True, True)
    bad = {**document, field: value}
    assert _verdicts("kitchen", "KitchenSink", generated, bad) == (False, False, False)


def test_accepted_edge_values_agree(generated: dict[str, ModuleType]) -> None:
    document = {
        "id": "123E4567-E89B-12D3-A456-426614174000",
        "title": "Hi",
        "score": 3.0,
        "count": 3.0,
        "seen": "2024-01-01t00:00:00.123456789z",
        "born": "2024-02-29",
        "owner": "own",
        "mentors": ["men"],
        "json": {"a": [1, None]},
        "contact": "me@example.org",
        "tags": [],
        "grades": [1, 5],
    }
    assert _verdicts("kitchen", "KitchenSink", generated, document) == (True, True, True)


@pytest.mark.parametrize(("key", "noun"), CASES)
def test_every_field_with_every_tricky_value_agrees(
    key: str, noun: str, generated: dict[str, ModuleType]
) -> None:
    """Exhaustive where the random mutations are sparse: each field, each confusing value."""
    registry = REGISTRIES[key]
    definition = registry.nouns[noun]
    base = find(
        valid_documents(registry, definition),
        lambda d: True,
        settings=settings(database=None, phases=[Phase.generate], derandomize=True),
    )
    assert _verdicts(key, noun, generated, base) == (True, True, True)
    fields = [*definition.properties, *definition.relationships, "extra"]
    for name in fields:
        for value in _TRICKY:
            document = {**base, name: value}
            verdicts = _verdicts(key, noun, generated, document)
            assert len(set(verdicts)) == 1, (name, value, verdicts)
            if isinstance(base.get(name), list) or name in definition.relationships:
                listed = {**base, name: [value]}
                verdicts = _verdicts(key, noun, generated, listed)
                assert len(set(verdicts)) == 1, (name, [value], verdicts)
