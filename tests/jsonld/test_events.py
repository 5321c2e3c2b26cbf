"""Events as Schema.org actions: CreateAction, UpdateAction, DeleteAction, or Action."""

from __future__ import annotations

from typing import Any

from nounkit import Registry

SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _flow(registry: Registry) -> dict[str, Any]:
    customer = registry.act(
        "ServiceCustomer.create", data={"name": "Acme", "type": "business"}, actor="ops"
    )
    registry.act("ServiceCustomer.update", id=customer.id, data={"email": "a@acme.test"})
    plan = registry.act(
        "ServicePlan.create", data={"name": "Pro", "price": 10, "currency": "EUR"}, actor="ops"
    )
    registry.act("ServicePlan.delete", id=plan.id, actor="ops")
    registry.act("ServiceCustomer.activate", id=customer.id, actor="svc billing/1")
    events = {e.name: e for e in registry.events()}
    return {"customer": customer.id, "plan": plan.id, "events": events}


def test_actions_by_kind(catalog: Registry) -> None:
    flow = _flow(catalog)
    events = flow["events"]
    kinds = {name: catalog.event_to_jsonld(event)["@type"] for name, event in events.items()}
    assert kinds == {
        "ServiceCustomer.created": "schema:CreateAction",
        "ServiceCustomer.updated": "schema:UpdateAction",
        "ServicePlan.created": "schema:CreateAction",
        "ServicePlan.deleted": "schema:DeleteAction",
        "ServiceCustomer.activated": "schema:Action",
    }


def test_agent_object_time_and_result(catalog: Registry) -> None:
    flow = _flow(catalog)
    event = flow["events"]["ServiceCustomer.activated"]
    document = catalog.event_to_jsonld(event)
    assert document["@context"] == "https://example.org/schemas/nounkit.events.context.jsonld"
    assert document["@id"] == f"https://example.org/events/{event.seq}"
    assert document["name"] == "activate"  # the verb of a plain Action
    assert document["event"] == "ServiceCustomer.activated"
    assert document["endTime"] == event.time
    assert document["agent"] == {
        "@id": "https://example.org/actors/svc%20billing%2F1",
        "@type": "schema:Thing",
        "identifier": "svc billing/1",
    }
    entity_iri = f"https://example.org/service-customers/{flow['customer']}"
    assert document["object"]["@id"] == entity_iri
    assert document["object"]["@type"] == "ServiceCustomer"
    assert document["result"]["status"] == "active"
    assert document["changes"]["status"] == {"old": "prospect", "new": "active"}

    (*nodes,) = catalog.event_to_jsonld(event, form="expanded")
    action = next(n for n in nodes if n["@id"] == document["@id"])
    assert action["@type"] == [SCHEMA + "Action"]
    assert action[SCHEMA + "endTime"] == [{"@type": XSD + "dateTime", "@value": event.time}]
    assert action[SCHEMA + "agent"][0]["@type"] == [SCHEMA + "Thing"]
    (obj,) = action[SCHEMA + "object"]
    assert obj["@type"] == [catalog.config.vocab + "ServiceCustomer"]
    (result,) = action[SCHEMA + "result"]
    assert result["@id"] == entity_iri
    assert result[catalog.config.vocab + "status"] == [{"@value": "active"}]
    assert action[SCHEMA + "actionStatus"] == [{"@id": SCHEMA + "CompletedActionStatus"}]


def test_result_values_use_the_nouns_terms(catalog: Registry) -> None:
    flow = _flow(catalog)
    grant = catalog.act(
        "grant",
        data={
            "name": "API",
            "type": "quota",
            "customer": flow["customer"],
            "limit": 5,
            "validFrom": "2024-01-01T00:00:00Z",
        },
    )
    event = next(e for e in catalog.events() if e.name == "ServiceEntitlement.granted")
    document = catalog.event_to_jsonld(event)
    assert "agent" not in document  # no actor given
    result = document["result"]
    assert result["@context"] == "https://example.org/schemas/service-entitlement.context.jsonld"
    assert result["@type"] == "schema:Permit"
    assert result["customer"] == f"https://example.org/service-customers/{flow['customer']}"
    text = catalog.event_to_jsonld(event, form="nquads")
    subject = f"<https://example.org/service-entitlements/{grant.id}>"
    assert f'{subject} <{SCHEMA}validFrom> "2024-01-01T00:00:00Z"^^<{XSD}dateTime> .' in text
    assert f'<{SCHEMA}endTime> "{event.time}"^^<{XSD}dateTime> .' in text
    assert f"<{SCHEMA}object> {subject} ." in text


def test_an_event_of_a_noun_no_longer_loaded(catalog: Registry) -> None:
    _flow(catalog)
    event = catalog.events()[0]
    from dataclasses import replace

    gone = replace(event, noun="Retired", name="Retired.created")
    document = catalog.event_to_jsonld(gone)
    assert document["@type"] == "schema:Action"
    assert document["object"]["@type"] == "Retired"
    assert document["object"]["@id"].startswith("https://example.org/retireds/")
    assert "result" not in document
    assert catalog.event_to_jsonld(gone, form="expanded")
