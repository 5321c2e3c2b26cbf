"""Documents in and out: what from_jsonld accepts, how it says what is wrong, and edge cases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from nounkit import Config, JsonLdError, NotFound, Registry, ValidationError
from nounkit.jsonld import engine

from .support import CATALOG, CATALOG_REGISTRY, KITCHEN_REGISTRY

REG = CATALOG_REGISTRY
PLAN_DATA = {"id": "p1", "name": "Pro", "price": 10, "currency": "EUR"}


def plan() -> Any:
    return REG.validate("ServicePlan", PLAN_DATA)


def test_compact_document_of_a_plan() -> None:
    document = REG.to_jsonld(plan())
    assert document == {
        "@context": "https://example.org/schemas/service-plan.context.jsonld",
        "@id": "https://example.org/service-plans/p1",
        "@type": "schema:Offer",
        "active": True,
        "entitlements": [],
        "interval": "month",
        "subscriptions": [],
        "currency": "EUR",
        "name": "Pro",
        "price": 10,
    }
    # pyld's key order: @id, @type, then by expanded IRI (our vocab sorts before schema.org).
    assert list(document)[:3] == ["@context", "@id", "@type"]


def test_context_document() -> None:
    context = REG.context("ServicePlan")["@context"]
    assert context["@version"] == 1.1
    assert context["@vocab"] == REG.config.vocab
    assert context["schema"] == "https://schema.org/"
    assert context["currency"] == {"@id": "schema:priceCurrency"}
    assert context["subscriptions"] == {
        "@id": "https://example.org/vocab#subscriptions",
        "@type": "@id",
        "@container": "@set",
    }
    context["name"] = "changed"  # a copy: the registry's own stays
    assert REG.context("ServicePlan")["@context"]["name"] == {"@id": "schema:name"}
    with pytest.raises(NotFound, match="did you mean 'ServicePlan'"):
        REG.context("ServicePlna")


def test_a_mapping_with_noun_is_validated_first() -> None:
    assert REG.to_jsonld(PLAN_DATA, noun="ServicePlan") == REG.to_jsonld(plan())
    with pytest.raises(ValidationError, match="price"):
        REG.to_jsonld({**PLAN_DATA, "price": "10"}, noun="ServicePlan")
    with pytest.raises(JsonLdError, match="not dict"):
        REG.to_jsonld(PLAN_DATA)
    with pytest.raises(JsonLdError, match="is a ServicePlan, not a Invoice"):
        REG.to_jsonld(plan(), noun="Invoice")
    with pytest.raises(JsonLdError, match="unknown form"):
        REG.to_jsonld(plan(), form="turtle")  # type: ignore[arg-type]


def test_expanded_document_with_graph_and_http_namespace() -> None:
    (node,) = REG.to_jsonld(plan(), form="expanded")
    http = json.loads(json.dumps(node).replace("https://schema.org/", "http://schema.org/"))
    assert REG.from_jsonld({"@graph": [http]}) == plan()
    assert REG.from_jsonld(http, noun="ServicePlan") == plan()


def test_the_noun_is_found_by_id_or_by_type() -> None:
    (node,) = REG.to_jsonld(plan(), form="expanded")
    by_type = {k: v for k, v in node.items() if k != "@id"}
    with pytest.raises(ValidationError) as caught:  # no @id: no id either
        REG.from_jsonld(by_type)
    assert caught.value.noun == "ServicePlan"
    assert [e.path for e in caught.value.errors] == ["id"]
    nameless = {k: v for k, v in node.items() if k != "@type"}
    assert REG.from_jsonld(nameless) == plan()
    with pytest.raises(JsonLdError, match="names no noun of this registry"):
        REG.from_jsonld({"@id": "https://other.example/x", "https://schema.org/name": "x"})


def test_unknown_and_wrong_fields_name_noun_id_and_field() -> None:
    document = {**REG.to_jsonld(plan()), "nmae": "Pro", "schema:colour": "red"}
    with pytest.raises(ValidationError) as caught:
        REG.from_jsonld(document)
    error = caught.value
    assert (error.noun, error.id) == ("ServicePlan", "p1")
    paths = sorted(e.path for e in error.errors)
    assert paths == ["https://example.org/vocab#nmae", "https://schema.org/colour"]
    assert "did you mean 'name'" in str(error)

    wrong = {**REG.to_jsonld(plan()), "price": "ten", "subscriptions": ["https://x.test/s/1"]}
    with pytest.raises(ValidationError) as caught:
        REG.from_jsonld(wrong)
    messages = {e.path: e.message for e in caught.value.errors}
    assert "is not the IRI of a ServiceSubscription" in messages["subscriptions[0]"]
    assert "https://example.org/service-subscriptions/<id>" in messages["subscriptions[0]"]

    two_names = {**REG.to_jsonld(plan()), "name": ["a", "b"]}
    with pytest.raises(ValidationError, match="expected one value, got 2"):
        REG.from_jsonld(two_names)

    with pytest.raises(ValidationError) as caught:
        REG.from_jsonld({**REG.to_jsonld(plan()), "price": "ten"})
    assert [e.path for e in caught.value.errors] == ["price"]


def test_a_document_whose_type_is_another_class() -> None:
    document = {**REG.to_jsonld(plan()), "@type": "schema:Order"}
    with pytest.raises(
        JsonLdError, match=re.escape("not the noun's class <https://schema.org/Offer>")
    ):
        REG.from_jsonld(document)


def test_an_id_outside_the_nouns_iris() -> None:
    document = {**REG.to_jsonld(plan()), "@id": "https://example.org/invoices/p1"}
    with pytest.raises(ValidationError) as caught:
        REG.from_jsonld(document, noun="ServicePlan")
    assert caught.value.errors[0].path == "@id"


def test_several_nodes_are_refused() -> None:
    (node,) = REG.to_jsonld(plan(), form="expanded")
    other = {**node, "@id": "https://example.org/service-plans/p2"}
    with pytest.raises(JsonLdError, match="found 2 nodes"):
        REG.from_jsonld([node, other])


def test_dropped_keys_are_errors_not_silence() -> None:
    """A context without @vocab would make JSON-LD drop unknown keys: nounkit says so."""
    document = {
        "@context": {"name": "https://schema.org/name", "@base": "https://example.org/"},
        "@id": "service-plans/p1",
        "@type": "https://schema.org/Offer",
        "name": "Pro",
        "price": 10,
    }
    with pytest.raises(ValidationError) as caught:
        REG.from_jsonld(document)
    assert any(e.path == "price" and "drops it" in e.message for e in caught.value.errors)


@pytest.mark.parametrize("ident", ["a/b", "x#y", "q?r=1", "100%", "with space", "ünï", ".", ".."])
def test_ids_are_escaped_in_iris_and_come_back(ident: str) -> None:
    entity = REG.validate("ServicePlan", {**PLAN_DATA, "id": ident})
    document = REG.to_jsonld(entity)
    segment = document["@id"].rsplit("/", 1)[1]
    assert segment and not set(segment) & set("/?# ")
    assert REG.from_jsonld(document) == entity
    assert REG.from_jsonld(REG.to_jsonld(entity, form="expanded")) == entity
    ticket = REG.validate(
        "SupportTicket",
        {
            "id": "t",
            "subject": "s",
            "openedAt": "2024-01-01T00:00:00Z",
            "status": "open",
            "customer": ident,
        },
    )
    assert REG.from_jsonld(REG.to_jsonld(ticket)).customer == ident


def test_absent_nullable_properties_read_as_null() -> None:
    """usedAmount defaults to 0 but may be null: a document without it means null."""
    data = {"id": "e", "name": "n", "type": "quota", "status": "active", "customer": "c"}
    entity = REG.validate("ServiceEntitlement", {**data, "usedAmount": None})
    assert entity.usedAmount is None
    document = REG.to_jsonld(entity)
    assert "usedAmount" not in document
    assert REG.from_jsonld(document).usedAmount is None
    assert REG.from_jsonld(REG.to_jsonld(entity, form="expanded")).usedAmount is None


def test_urls_under_schema_org_are_compacted_as_pyld_does() -> None:
    entity = KITCHEN_REGISTRY.validate(
        "KitchenSink",
        {
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "title": "A",
            "score": 1,
            "owner": "own",
            "mentors": ["men"],
            "homepage": "https://schema.org/Person",
            "payload": [[1], [2]],
        },
    )
    document = KITCHEN_REGISTRY.to_jsonld(entity)
    assert document["homepage"] == "schema:Person"  # pyld's CURIE
    assert document["payload"] == [[1], [2]]  # the JSON array kept whole
    assert KITCHEN_REGISTRY.from_jsonld(document) == entity


def test_base_and_vocab_come_from_the_configuration(tmp_path: Path) -> None:
    config = Config(base="https://data.acme.test/api", vocab="https://acme.test/terms/")
    registry = Registry.load(CATALOG, storage="memory://", handlers=(), config=config)
    document = registry.to_jsonld(registry.validate("ServicePlan", PLAN_DATA))
    assert document["@context"] == "https://data.acme.test/api/schemas/service-plan.context.jsonld"
    assert document["@id"] == "https://data.acme.test/api/service-plans/p1"
    (node,) = registry.to_jsonld(registry.validate("ServicePlan", PLAN_DATA), form="expanded")
    assert "https://acme.test/terms/interval" in node
    customer = registry.validate(
        "ServiceCustomer", {"id": "c", "name": "n", "type": "t", "status": "s"}
    )
    assert registry.to_jsonld(customer)["@type"] == "ServiceCustomer"
    assert registry.from_jsonld(document) == registry.validate("ServicePlan", PLAN_DATA)


def test_a_property_named_like_a_prefix(nouns_file: Any) -> None:
    path = nouns_file(
        """
        Api:
          class: schema:WebAPI
          properties:
            schema: {type: json, optional: true}
            xsd: {type: string, optional: true}
            when: {type: date, optional: true}
        """
    )
    registry = Registry.load(path, storage="memory://", handlers=())
    context = registry.context("Api")["@context"]
    assert context["schema_"] == "https://schema.org/" and context["xsd_"].endswith("#")
    entity = registry.validate("Api", {"id": "a", "schema": {"openapi": "3"}, "when": "2024-01-02"})
    document = registry.to_jsonld(entity)
    assert document["@type"] == "schema_:WebAPI"
    assert registry.from_jsonld(document) == entity
    expanded = registry.to_jsonld(entity, form="expanded")
    url = engine(registry).mapping("Api").context_url
    assert jsonld.compact(expanded, url, {"documentLoader": engine(registry).loader}) == document
