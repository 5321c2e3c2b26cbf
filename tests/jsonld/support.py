"""Registries and Hypothesis strategies shared by the JSON-LD tests.

Entities are drawn from each noun's own definition: every property type, arrays,
optional values left out or null, ids and relationship ids with characters an
IRI must escape.
"""

from __future__ import annotations

import math
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from nounkit import NounDef, PropertyDef, Registry
from nounkit.compiler.models import Entity

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "nouns"
KITCHEN = ROOT / "tests" / "data" / "kitchen.yaml"

# Fast enough for a 30-second suite: every example goes through pyld at least twice.
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def load(path: Path) -> Registry:
    return Registry.load(path, storage="memory://", handlers=())


CATALOG_REGISTRY = load(CATALOG)
KITCHEN_REGISTRY = load(KITCHEN)
REGISTRIES = {"catalog": CATALOG_REGISTRY, "kitchen": KITCHEN_REGISTRY}
CASES = [(key, name) for key, reg in REGISTRIES.items() for name in reg.nouns]


# -- entities ------------------------------------------------------------------------------------

_OFFSETS = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
)
# Ids an IRI path segment cannot hold as they are: "/", "#", "?", "%", spaces, non-ASCII.
IDS = st.text(min_size=1, max_size=12) | st.sampled_from(
    ["a/b", "x#y", "q?r=1", "100%", "with space", "ünï", ".", "..", "01J0000000000000000000"]
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def _value(prop: PropertyDef) -> st.SearchStrategy[Any]:
    if prop.enum is not None:
        return st.sampled_from(prop.enum)
    kind = prop.type
    if kind in ("number", "integer"):
        low = prop.minimum if prop.minimum is not None else prop.exclusive_minimum
        high = prop.maximum if prop.maximum is not None else prop.exclusive_maximum
        first = None if low is None else math.floor(low) + 1
        last = None if high is None else math.ceil(high) - 1
        empty = first is not None and last is not None and first > last
        ints = st.nothing() if empty else st.integers(min_value=first, max_value=last)
        if kind == "integer":
            return ints
        floats = st.floats(
            min_value=low,
            max_value=high,
            allow_nan=False,
            allow_infinity=False,
            exclude_min=prop.exclusive_minimum is not None,
            exclude_max=prop.exclusive_maximum is not None,
        )
        return ints | floats
    if kind == "boolean":
        return st.booleans()
    if kind == "date":
        return st.dates().map(lambda d: d.isoformat())
    if kind == "datetime":
        return st.datetimes(timezones=_OFFSETS)
    if kind == "json":
        return _JSON
    if kind == "uuid":
        return st.uuids().map(str)
    if kind == "url":
        # Under schema.org or xsd pyld writes a CURIE: those take the pyld path.
        return st.sampled_from(
            ["https://example.com/a?b=c#d", "http://x.test/", "https://schema.org/Person"]
        ) | st.from_regex(r"https://[a-z]{1,8}\.test/[a-z0-9/]{0,10}", fullmatch=True)
    if kind == "email":
        return st.from_regex(r"[a-z]{1,8}@example\.(com|org)", fullmatch=True)
    pattern = prop.pattern
    text = st.from_regex(pattern) if pattern else st.text(max_size=20)
    low, high = prop.min_length or 0, prop.max_length
    return text.filter(lambda t: len(t) >= low and (high is None or len(t) <= high))


def _ids(prop: PropertyDef) -> st.SearchStrategy[str]:
    """Ids of a noun, within its id's own constraints."""
    if prop.type == "uuid":
        return st.uuids().map(str)
    low, high = prop.min_length or 0, prop.max_length
    return IDS.filter(lambda t: len(t) >= low and (high is None or len(t) <= high))


@st.composite
def entities(draw: st.DrawFn, registry: Registry, noun: NounDef) -> Entity:
    """A valid entity of the noun, as its compiled model."""
    data: dict[str, Any] = {}
    for name, prop in noun.properties.items():
        if name == "id":
            data["id"] = draw(_ids(prop))
            continue
        if not (prop.required or draw(st.booleans())):
            continue
        value = _value(prop)
        if prop.array:
            value = st.lists(value, max_size=3)
        if prop.optional or prop.computed is not None:
            value = st.none() | value
        data[name] = draw(value)
    for name, rel in noun.relationships.items():
        target = registry.nouns.get(rel.target)
        ident = _ids(target.properties["id"]) if target else IDS
        if rel.many:
            if rel.required or draw(st.booleans()):
                data[name] = draw(st.lists(ident, min_size=1 if rel.required else 0, max_size=3))
        elif rel.required or draw(st.booleans()):
            data[name] = draw(ident if rel.required else st.none() | ident)
    return registry.validate(noun.name, data)


def declared_iris(registry: Registry, noun: NounDef) -> dict[str, str]:
    """What the YAML says each term's IRI is, read straight from the definition."""
    vocab = registry.config.vocab
    iris: dict[str, str] = {}
    for name, prop in noun.properties.items():
        if prop.iri:
            iri = prop.iri.replace("schema:", "https://schema.org/", 1)
            iris[name] = iri.replace("http://schema.org/", "https://schema.org/", 1)
        elif name != "id":
            iris[name] = vocab + name
    for name in noun.relationships:
        iris[name] = vocab + name
    return iris


def declared_class(registry: Registry, noun: NounDef) -> str:
    if noun.class_iri is None:
        return registry.config.vocab + noun.name
    return noun.class_iri.replace("schema:", "https://schema.org/", 1)
