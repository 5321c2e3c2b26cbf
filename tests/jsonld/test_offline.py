"""JSON-LD never touches the network, and refuses documents too large or too deep.

The ``offline`` fixture makes resolving a host or opening a connection raise (and
records the attempt): a refused document must fail with nounkit's JsonLdError,
never with that.
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest
from pyld import jsonld

from nounkit import JsonLdError, Registry, ValidationError
from nounkit.jsonld import MAX_DEPTH, MAX_DOCUMENT_BYTES, engine
from nounkit.jsonld.loader import OfflineLoader, check_limits

from .conftest import NetworkUsed
from .support import CATALOG_REGISTRY

PLAN = {
    "@id": "https://example.org/service-plans/p1",
    "@type": "schema:Offer",
    "name": "Pro",
    "price": 10,
    "currency": "EUR",
}


def test_the_guard_catches_a_real_connection_attempt(offline: list[str]) -> None:
    """The fixture itself works: an ordinary fetch is stopped and recorded."""
    with pytest.raises(NetworkUsed):
        urllib.request.urlopen("http://example.com/context.jsonld", timeout=1)
    assert offline


@pytest.mark.parametrize(
    "context",
    [
        "https://evil.example/context.jsonld",
        "http://127.0.0.1:8080/ctx",
        ["https://schema.org", "https://evil.example/ctx"],
        {"@import": "https://evil.example/ctx", "name": "https://schema.org/name"},
        {"@vocab": "https://schema.org/", "x": {"@id": "schema:x", "@context": "https://e.test/c"}},
        "file:///etc/passwd",
    ],
)
def test_remote_contexts_are_refused_without_a_socket(offline: list[str], context: Any) -> None:
    document = {"@context": context, "@id": "https://example.org/service-plans/p1", "x": {"y": 1}}
    with pytest.raises(JsonLdError) as caught:
        CATALOG_REGISTRY.from_jsonld(document, noun="ServicePlan")
    assert "refused to load" in str(caught.value)
    assert "offline" in str(caught.value)
    assert offline == []


def test_a_relative_context_url_is_refused(offline: list[str]) -> None:
    document = {"@context": "relative/context.jsonld", **PLAN}
    with pytest.raises(JsonLdError, match="not valid JSON-LD"):
        CATALOG_REGISTRY.from_jsonld(document, noun="ServicePlan")
    assert offline == []


def test_refusal_names_the_url_and_the_noun(offline: list[str]) -> None:
    document = {"@context": "https://evil.example/ctx", **PLAN}
    with pytest.raises(JsonLdError) as caught:
        CATALOG_REGISTRY.from_jsonld(document, noun="ServicePlan")
    error = caught.value
    assert error.noun == "ServicePlan"
    assert "'https://evil.example/ctx'" in str(error)
    assert str(error).startswith("ServicePlan: refused to load")


def test_the_global_pyld_loader_is_left_alone(offline: list[str]) -> None:
    before = jsonld.get_document_loader()
    CATALOG_REGISTRY.to_jsonld(
        CATALOG_REGISTRY.validate(
            "ServicePlan", {"id": "p", "name": "n", "price": 1, "currency": "EUR"}
        ),
        form="nquads",
    )
    assert jsonld.get_document_loader() is before


@pytest.mark.parametrize(
    "url",
    [
        "https://schema.org",
        "http://schema.org/",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "http://schema.org/docs/jsonldcontext.json",
    ],
)
def test_schema_org_documents_from_the_wild_are_read_offline(offline: list[str], url: str) -> None:
    """``"@context": "https://schema.org"`` is served from the bundled copy (http IRIs)."""
    document = {
        # Schema.org's context last: its @vocab (http://schema.org/) reads priceCurrency, Offer.
        "@context": [CATALOG_REGISTRY.context("ServicePlan")["@context"], url],
        "@type": "Offer",
        "@id": "https://example.org/service-plans/p1",
        "name": "Pro",
        "price": 10,
        "priceCurrency": "EUR",
        "interval": "year",
    }
    plan = CATALOG_REGISTRY.from_jsonld(document)
    assert (plan.id, plan.name, plan.price, plan.currency, plan.interval) == (
        "p1",
        "Pro",
        10,
        "EUR",
        "year",
    )
    schema_only = {"@context": url, "@type": "Offer", "@id": document["@id"], "name": "Pro"}
    with pytest.raises(ValidationError) as caught:  # no currency: a field, not the network
        CATALOG_REGISTRY.from_jsonld({**schema_only, "price": 1})
    assert "currency" in str(caught.value)
    assert offline == []


def test_the_loader_serves_our_contexts_and_nothing_else() -> None:
    processor = engine(CATALOG_REGISTRY)
    loader: OfflineLoader = processor.loader
    url = processor.mapping("Invoice").context_url
    served = loader(url)
    assert served["document"] == CATALOG_REGISTRY.context("Invoice")
    served["document"]["@context"]["x"] = "changed"  # pyld may edit what it is given
    assert "x" not in loader(url)["document"]["@context"]
    assert loader(processor.events_url)["document"] == processor.events_context()
    with pytest.raises(JsonLdError, match="refused"):
        loader("https://example.org/schemas/nothing.context.jsonld")


# -- size and depth ------------------------------------------------------------------------------


def test_oversized_documents_are_refused() -> None:
    big = {**PLAN, "@context": CATALOG_REGISTRY.context("ServicePlan")["@context"]}
    big["description"] = "x" * MAX_DOCUMENT_BYTES
    with pytest.raises(JsonLdError, match="larger than"):
        CATALOG_REGISTRY.from_jsonld(big)
    with pytest.raises(JsonLdError, match="bytes; the limit is"):
        CATALOG_REGISTRY.from_jsonld(json.dumps(big))
    with pytest.raises(JsonLdError, match="bytes; the limit is"):
        CATALOG_REGISTRY.from_jsonld(json.dumps(big).encode())


def test_deep_documents_are_refused() -> None:
    deep: Any = "bottom"
    for _ in range(MAX_DEPTH + 1):
        deep = {"x": deep}
    document = {**PLAN, "@context": "https://example.org/schemas/service-plan.context.jsonld"}
    with pytest.raises(JsonLdError, match=f"more than {MAX_DEPTH} levels"):
        CATALOG_REGISTRY.from_jsonld({**document, "features": deep})
    # As text, far deeper than the JSON parser's own recursion limit.
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(JsonLdError):
        CATALOG_REGISTRY.from_jsonld(text)


def test_cyclic_and_non_json_values_are_refused() -> None:
    cyclic: dict[str, Any] = {**PLAN}
    cyclic["self"] = cyclic
    with pytest.raises(JsonLdError, match="levels deep"):
        check_limits(cyclic)
    for bad in (float("nan"), object(), {1: "x"}):
        with pytest.raises(JsonLdError):
            check_limits({"v": bad})
    with pytest.raises(JsonLdError, match="not JSON"):
        CATALOG_REGISTRY.from_jsonld("{not json")


def test_invalid_json_ld_is_a_nounkit_error() -> None:
    for document in (
        {"@context": 5, **PLAN},
        {"@context": {"@version": 2.0}, **PLAN},
        {"@id": 5, "@type": "x"},
    ):
        with pytest.raises(JsonLdError, match="not valid JSON-LD"):
            CATALOG_REGISTRY.from_jsonld(document, noun="ServicePlan")


def test_contexts_stay_with_their_registry(nouns_file: Any) -> None:
    """Two registries, one base: each reads documents with its own context for the URL."""
    first = nouns_file(
        "Plan:\n  properties:\n    name: {type: string, iri: schema:name}\n", "a.yaml"
    )
    second = nouns_file("Plan:\n  properties:\n    name: {type: string}\n", "b.yaml")
    one = Registry.load(first, storage="memory://", handlers=())
    two = Registry.load(second, storage="memory://", handlers=())
    url = "https://example.org/schemas/plan.context.jsonld"
    expanded_one = one.to_jsonld(one.validate("Plan", {"id": "p", "name": "n"}), form="expanded")
    expanded_two = two.to_jsonld(two.validate("Plan", {"id": "p", "name": "n"}), form="expanded")
    assert "https://schema.org/name" in expanded_one[0]
    assert "https://example.org/vocab#name" in expanded_two[0]
    document = {"@context": url, "@id": "https://example.org/plans/p", "name": "n", "x": 1}
    with pytest.raises(ValidationError, match=re.escape("https://example.org/vocab#x")):
        one.from_jsonld(document)
    with pytest.raises(ValidationError, match=re.escape("https://example.org/vocab#x")):
        two.from_jsonld(document)
