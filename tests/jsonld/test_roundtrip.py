"""Round trips for generated entities of every catalog noun (and the kitchen sink's types).

* ``from_jsonld(to_jsonld(e)) == e``, from the compact and from the expanded form;
* ``to_jsonld``'s direct compaction is exactly pyld's compaction of the expanded form,
  key order included;
* the expanded form carries exactly the IRIs the YAML declares, and dates and
  datetimes carry their xsd datatypes, in expanded JSON-LD and in N-Quads.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyld import jsonld

from nounkit import Registry
from nounkit.jsonld import engine

from .support import CASES, REGISTRIES, SETTINGS, declared_class, declared_iris, entities

XSD = "http://www.w3.org/2001/XMLSchema#"


def _pyld_compact(registry: Registry, expanded: Any, noun: str) -> Any:
    """pyld's own compaction, with nounkit's offline loader (pyld's default would fetch)."""
    processor = engine(registry)
    url = processor.mapping(noun).context_url
    return jsonld.compact(expanded, url, {"documentLoader": processor.loader})


def _json_arrays(registry: Registry, noun: str, document: dict[str, Any]) -> set[str]:
    """Keys whose value is a JSON array literal.

    pyld 3 compacts a ``@json`` literal that is an array as if it were several values,
    so ``[x]`` comes back as ``x`` and ``[[1], [2]]`` as ``[1, 2]`` (jsonld.js and the
    JSON-LD 1.1 test suite, js06/js07, keep the array). nounkit writes the array as it
    is, which is what round-trips; the comparison with pyld leaves these keys out.
    """
    terms = engine(registry).mapping(noun).terms
    return {
        key
        for key, value in document.items()
        if key in terms and terms[key].kind == "json" and isinstance(value, list)
    }


@pytest.mark.parametrize(("key", "noun"), CASES)
def test_round_trip_and_pyld_agreement(key: str, noun: str) -> None:
    """The compact form round-trips, and is pyld's compaction of the expanded form."""
    registry = REGISTRIES[key]
    definition = registry.nouns[noun]

    @SETTINGS
    @given(entities(registry, definition))
    def check(entity: Any) -> None:
        compact = registry.to_jsonld(entity)
        assert compact["@context"].endswith(f"/schemas/{definition.singular}.context.jsonld")
        assert compact["@type"]
        assert registry.from_jsonld(compact) == entity
        # The same document as JSON text, as it would arrive over the wire.
        assert registry.from_jsonld(json.dumps(compact)) == entity

        expanded = registry.to_jsonld(entity, form="expanded")
        assert registry.from_jsonld(expanded) == entity
        # Identical to pyld's compaction, byte for byte once serialized (key order too).
        pyld_form = _pyld_compact(registry, expanded, noun)
        skip = _json_arrays(registry, noun, compact)
        ours = {k: v for k, v in compact.items() if k not in skip}
        theirs = {k: v for k, v in pyld_form.items() if k not in skip}
        assert json.dumps(theirs) == json.dumps(ours)

    check()


@pytest.mark.parametrize(("key", "noun"), CASES)
def test_expanded_form_carries_exactly_the_declared_iris(key: str, noun: str) -> None:
    registry = REGISTRIES[key]
    definition = registry.nouns[noun]
    iris = declared_iris(registry, definition)
    base = registry.config.base

    @SETTINGS
    @given(entities(registry, definition))
    def check(entity: Any) -> None:
        (node,) = registry.to_jsonld(entity, form="expanded")
        assert node["@type"] == [declared_class(registry, definition)]
        assert node["@id"].startswith(f"{base}{definition.plural}/")
        data = entity.model_dump(mode="json", by_alias=True)
        present = {
            name
            for name, value in data.items()
            if name in iris and (value is not None or iris[name] in node)
        }
        assert set(node) - {"@id", "@type"} == {iris[name] for name in present}
        for name, rel in definition.relationships.items():
            values = node.get(iris[name], [])
            target = registry.nouns[rel.target]
            for value in values:
                assert set(value) == {"@id"}
                assert value["@id"].startswith(f"{base}{target.plural}/")
        for name, prop in definition.properties.items():
            if prop.type in ("date", "datetime") and name in present:
                wanted = XSD + ("date" if prop.type == "date" else "dateTime")
                items = node[iris[name]]
                if prop.array:
                    items = items[0]["@list"]
                assert all(item["@type"] == wanted for item in items)
                assert len(items) == (len(data[name]) if prop.array else 1)

    check()


def test_every_catalog_noun_has_a_schema_org_reading() -> None:
    """The catalog's mappings, as shipped: the IRIs and classes the contexts carry."""
    registry = REGISTRIES["catalog"]
    mapped = {
        name: {p: engine(registry).mapping(name).terms[p].iri for p in ("name", "email")}
        for name in ("ServiceCustomer",)
    }
    assert mapped == {
        "ServiceCustomer": {"name": "https://schema.org/name", "email": "https://schema.org/email"}
    }
    classes = {name: engine(registry).mapping(name).class_iri for name in registry.nouns}
    assert classes["ServiceEntitlement"] == "https://schema.org/Permit"
    assert classes["ServicePlan"] == "https://schema.org/Offer"
    assert classes["ServiceOrder"] == "https://schema.org/Order"
    assert classes["Invoice"] == "https://schema.org/Invoice"
    assert classes["ServiceCustomer"] == registry.config.vocab + "ServiceCustomer"


@SETTINGS
@given(entities(REGISTRIES["catalog"], REGISTRIES["catalog"].nouns["ServiceEntitlement"]))
def test_nquads_carry_xsd_datatypes(entity: Any) -> None:
    registry = REGISTRIES["catalog"]
    text = registry.to_jsonld(entity, form="nquads")
    subject = f"<{registry.to_jsonld(entity)['@id']}>"
    lines = text.split("\n")[:-1]  # not splitlines: a literal may hold \x1e and the like
    assert text.endswith("\n")
    assert lines and all(line.endswith(" .") for line in lines)
    assert f"{subject} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " in text
    for name in ("validFrom", "validUntil", "resetAt", "lastResetAt"):
        value = getattr(entity, name)
        if value is not None:
            stamp = entity.model_dump(mode="json")[name]
            assert f'"{stamp}"^^<{XSD}dateTime>' in text


def test_dates_are_typed_xsd_date() -> None:
    registry = REGISTRIES["kitchen"]
    entity = registry.validate(
        "KitchenSink",
        {
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "title": "A",
            "score": 1,
            "born": "2024-02-29",
            "days": ["2024-01-01", "2023-12-31"],
            "seen": "2024-01-01T10:00:00+05:30",
            "owner": "own",
            "mentors": ["men"],
        },
    )
    (node,) = registry.to_jsonld(entity, form="expanded")
    vocab = registry.config.vocab
    assert node[vocab + "born"] == [{"@type": XSD + "date", "@value": "2024-02-29"}]
    assert node[vocab + "days"] == [
        {
            "@list": [
                {"@type": XSD + "date", "@value": "2024-01-01"},
                {"@type": XSD + "date", "@value": "2023-12-31"},
            ]
        }
    ]
    assert node[vocab + "seen"] == [
        {"@type": XSD + "dateTime", "@value": "2024-01-01T10:00:00+05:30"}
    ]
    text = registry.to_jsonld(entity, form="nquads")
    assert f'"2024-02-29"^^<{XSD}date>' in text
    # Numbers and booleans are native literals: xsd:integer / xsd:boolean in RDF.
    assert f'"1"^^<{XSD}integer>' in text
    assert f'"false"^^<{XSD}boolean>' in text


@pytest.mark.parametrize("value", [None, [], {"@id": "x"}, [1, [2, {"a": None}]], "text"])
def test_json_values_are_json_literals(value: Any) -> None:
    registry = REGISTRIES["kitchen"]
    data = {
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "title": "A",
        "score": 1,
        "owner": "own",
        "mentors": ["men"],
        "payload": value,
    }
    entity = registry.validate("KitchenSink", data)
    compact = registry.to_jsonld(entity)
    assert registry.from_jsonld(compact) == entity
    (node,) = registry.to_jsonld(entity, form="expanded")
    key = registry.config.vocab + "payload"
    if value is None:  # optional: null is no value
        assert key not in node and "payload" not in compact
    else:
        assert node[key] == [{"@type": "@json", "@value": value}]


@given(st.sampled_from(["ServiceCustomer", "CustomerSegment", "Invoice"]), st.data())
@SETTINGS
def test_documents_using_http_schema_org_read_the_same(noun: str, data: st.DataObject) -> None:
    """Schema.org documents in the wild use http://schema.org/: both schemes read alike."""
    registry = REGISTRIES["catalog"]
    entity = data.draw(entities(registry, registry.nouns[noun]))
    (node,) = registry.to_jsonld(entity, form="expanded")
    http = json.loads(json.dumps(node).replace("https://schema.org/", "http://schema.org/"))
    assert registry.from_jsonld([http]) == entity
