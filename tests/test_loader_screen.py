"""The loader's fast paths never pass what jsonschema refuses.

The loader runs a compiled screen (``_screen.py``) on every noun file, and a plain
check (``surely_fits``) on the values a definition writes (defaults, examples, enum
values); jsonschema runs only when they say no, to word the problems. That is only
sound when both are at least as strict as jsonschema; these tests hold them to it
on the shipped definitions, the kitchen sink and Hypothesis-made inputs.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nounkit import Registry
from nounkit.language import _screen
from nounkit.language.loader import (
    _language_validator,
    _passes_screen,
    _value_validator,
    screen_source,
    surely_fits,
)
from nounkit.language.types import property_schema, value_schema
from nounkit.language.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "nouns").glob("*.yaml")), ROOT / "tests" / "data" / "kitchen.yaml"]
DOCUMENTS = [read_yaml(path.read_bytes(), str(path)).data for path in SOURCES]

# Values that sit on the edges of the language schema's keywords.
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(
        ["", "string", "Thing", "thing", "Thing\n", "x-note", "a b", "on", "create", "*", "[]"]
    ),
    st.sampled_from(["Thing[]", "1abc", "schema:name", "schema: name", "email", "datetime"]),
    st.lists(st.sampled_from(["create", "draft", 1, None]), max_size=3),
    st.dictionaries(st.sampled_from(["type", "from", "to", "x", "Bad Key"]), st.none(), max_size=2),
)


def jsonschema_accepts(data: Any) -> bool:
    return next(iter(_language_validator().iter_errors(data)), None) is None


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document: mapping keys and list indexes, depth first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    if not path:
        return value
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return changed


def test_the_screen_is_current() -> None:
    generated = Path(_screen.__file__).read_text("utf-8")
    assert generated == screen_source(), "run python scripts/generate_screen.py"


@pytest.mark.parametrize("document", DOCUMENTS, ids=[p.name for p in SOURCES])
def test_the_shipped_definitions_pass_both(document: Any) -> None:
    assert jsonschema_accepts(document)
    before = copy.deepcopy(document)
    assert _passes_screen(document)
    assert document == before  # no defaults written into the user's definitions


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_screen_is_never_more_lenient_than_jsonschema(data: st.DataObject) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from(DOCUMENTS)))
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths(document)))
        if data.draw(st.booleans()) and where and isinstance(where[-1], str):
            # Rename a key instead of changing its value.
            holder = document
            for step in where[:-1]:
                holder = holder[step]
            new_key = data.draw(st.sampled_from(["Thing\n", "x-y", "bad key", "type", "1a"]))
            holder[new_key] = holder.pop(where[-1])
        else:
            document = replaced(document, where, data.draw(ODD))
    if _passes_screen(document):
        assert jsonschema_accepts(document), "the screen passed what jsonschema refuses"


# -- surely_fits: the values a definition writes -------------------------------------------------

PROPERTIES = [
    prop
    for registry in (Registry.load(ROOT / "nouns"), Registry.load(ROOT / "tests/data/kitchen.yaml"))
    for noun in registry.nouns.values()
    for prop in noun.properties.values()
]
SCHEMAS = [
    *(property_schema(p) for p in PROPERTIES),
    *(value_schema(p) for p in PROPERTIES),
    {"type": "integer", "minimum": 0, "exclusiveMaximum": 10},
    {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1.5},
    {"type": "string", "minLength": 2, "maxLength": 3, "pattern": "^a"},
    {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
    {"type": "boolean"},
    {},
]
WRITTEN = [
    v
    for p in PROPERTIES
    for v in [*(p.enum or ()), *(p.examples or ()), *([p.default] if p.has_default else [])]
]
JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-20, 20)
    | st.sampled_from([0.0, 1.0, 1.5, -0.5, 2.0**53, 1e300, 10, 11])
    | st.text(max_size=6)
    | st.sampled_from(["a", "ab", "abc", "abcd", "ba", "x", "y", "a\n", "2024-02-30"])
    | st.sampled_from(["2026-01-01", "2026-01-01T00:00:00Z", "a@b.example", "https://x.org"])
    | st.sampled_from(WRITTEN or [None]),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)


def jsonschema_fits(schema: dict[str, Any], value: Any) -> bool:
    validator = _value_validator(json.dumps(schema, sort_keys=True))
    return next(iter(validator.iter_errors(value)), None) is None


@settings(max_examples=1500, deadline=None)
@given(schema=st.sampled_from(SCHEMAS), value=JSONISH)
def test_surely_fits_is_never_more_lenient_than_jsonschema(
    schema: dict[str, Any], value: Any
) -> None:
    if surely_fits(schema, value):
        assert jsonschema_fits(schema, value), (schema, value)


def test_surely_fits_spares_jsonschema_the_catalogs_values() -> None:
    checked = [
        (property_schema(p), v)
        for p in PROPERTIES
        for v in [*(p.examples or ()), *([p.default] if p.has_default else [])]
    ]
    assert checked
    spared = [pair for pair in checked if surely_fits(*pair)]
    assert all(jsonschema_fits(*pair) for pair in spared)
    assert len(spared) >= len(checked) // 2, "the fast path should cover most plain values"
