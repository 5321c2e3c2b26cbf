"""Behaviour declared in nouns, on every backend: requires, set, emit, ``to`` conditions.

The nouns are ``data/behaviour.yaml``; the shipped catalog's own declared behaviour
(consume, reset, sync, reactivate) runs with no handler at all. Every refusal leaves
storage and the event log as they were (``assert_unchanged`` compares full dumps).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nounkit import Registry
from nounkit.errors import HandlerMissing, TransitionNotAllowed, ValidationError

from .helpers import assert_unchanged, field_errors, load_catalog, names

BEHAVIOUR = Path(__file__).resolve().parent / "data" / "behaviour.yaml"


@pytest.fixture
def meters(storage_url: str) -> Iterator[Registry]:
    with Registry.load(BEHAVIOUR, storage=storage_url, handlers=[]) as reg:
        yield reg


def new_meter(reg: Registry, **data: Any) -> str:
    return reg.act("Meter.create", data=data, actor="ann", tenant=None).id


def test_a_create_fills_set_values_before_validation(meters: Registry) -> None:
    made = meters.act("Meter.create", data={"limit": 10}, actor="ann")
    # owner is required and not given: set: {owner: "actor()"} filled it in.
    assert (made.entity.owner, made.entity.org, made.entity.status) == ("ann", None, "open")
    assert made.events[0].changes["owner"] == {"old": None, "new": "ann"}
    # Without an actor nothing fills it, and the model says it is missing.
    error = assert_unchanged(
        meters, lambda: meters.act("Meter.create", data={"limit": 1}), ValidationError
    )
    assert "owner" in field_errors(error)


def test_requires_set_emit_and_the_to_choice_in_order(meters: Registry) -> None:
    meter = new_meter(meters, limit=10)
    first = meters.act("use", id=meter, data={"amount": 3, "note": "first"}, actor="bob")
    entity = first.entity
    # set reads the entity before the action; computed values follow; the input named
    # like a property is written to it.
    assert (entity.used, entity.remaining, entity.lastBy, entity.note) == (3, 7, "bob", "first")
    assert entity.status == "open"
    assert names(first.events) == ["Meter.used"]
    assert first.events[0].input == {"amount": 3, "note": "first"}

    second = meters.act("use", id=meter, data={"amount": 5})
    # remaining is 2: nearlyFull (its condition reads the computed value after the action)
    assert second.entity.lastBy is None  # actor() of this act: none
    assert names(second.events) == ["Meter.used", "Meter.nearlyFull"]
    assert [e.seq for e in second.events] == [second.events[0].seq, second.events[0].seq + 1]
    assert second.events[1].input == {"amount": 5}
    assert second.events[1].changes == {}

    last = meters.act("use", id=meter, data={"amount": 2})
    # Both emits hold: declared order after the action's own; the to mapping picks full.
    assert names(last.events) == ["Meter.used", "Meter.nearlyFull", "Meter.full"]
    assert (last.entity.status, last.entity.used) == ("full", 10)
    assert last.events[0].changes["status"] == {"old": "open", "new": "full"}
    assert meters.get("Meter", meter).status == "full"


def test_a_broken_precondition_changes_nothing(meters: Registry) -> None:
    meter = new_meter(meters, limit=4)
    meters.act("use", id=meter, data={"amount": 3})
    error = assert_unchanged(
        meters,
        lambda: meters.act("use", id=meter, data={"amount": 2}),
        ValidationError,
        f"Meter {meter!r}",
        "use.requires[0]: not enough left",
    )
    assert "(got" not in str(error)
    # Without a message, the check itself is named; every broken one is reported at once.
    error = assert_unchanged(
        meters,
        lambda: meters.act("use", id=meter, data={"amount": 1000}),
        ValidationError,
        "use.requires[1]: requires 'input.amount < 1000'",
    )
    assert set(field_errors(error)) == {"use.requires[0]", "use.requires[1]"}


def test_set_reads_the_entity_as_it_was(meters: Registry) -> None:
    meter = new_meter(meters)
    swapped = meters.act("swap", id=meter)
    assert (swapped.entity.a, swapped.entity.b) == (2, 1)
    assert swapped.events[0].changes == {"a": {"old": 1, "new": 2}, "b": {"old": 2, "new": 1}}


def test_set_wins_over_an_input_of_the_same_name(meters: Registry) -> None:
    meter = new_meter(meters)
    labeled = meters.act("label", id=meter, data={"note": "given"})
    assert labeled.entity.note == "set wins"
    assert labeled.events[0].input == {"note": "given"}  # every input is kept in the event


def test_several_targets_and_nothing_to_choose_is_handler_missing(meters: Registry) -> None:
    meter = new_meter(meters)
    assert_unchanged(
        meters,
        lambda: meters.act("touch", id=meter),
        HandlerMissing,
        "Meter.touch moves status to one of 'open', 'full' and nothing chooses which",
        "@registry.handles('Meter.touch')",
    )


def test_a_handler_chooses_between_several_targets(meters: Registry) -> None:
    meter = new_meter(meters)

    @meters.handles("Meter.pick")
    def pick(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
        return {"status": "closed"}

    assert meters.act("pick", id=meter).entity.status == "closed"


def test_no_condition_holding_is_transition_not_allowed(meters: Registry) -> None:
    meter = new_meter(meters)
    assert_unchanged(
        meters,
        lambda: meters.act("route", id=meter),
        TransitionNotAllowed,
        f"Meter {meter!r}: route moves status to the first state whose condition holds, "
        "and none does (closed: 'used > 100'; full: 'used > 50')",
    )


def test_a_rule_still_refuses_what_set_wrote(meters: Registry) -> None:
    meter = new_meter(meters)
    meters.act("use", id=meter, data={"amount": 400})
    assert_unchanged(
        meters,
        lambda: meters.act("use", id=meter, data={"amount": 200}),
        ValidationError,
        "used beyond 500",
    )


def test_tenant_and_actor_reach_set(storage_url: str) -> None:
    with Registry.load(BEHAVIOUR, storage=storage_url, handlers=[]) as reg:
        made = reg.act("Meter.create", data={}, actor="ann", tenant="acme")
        assert (made.entity.owner, made.entity.org) == ("ann", "acme")


def test_declared_expressions_read_related_entities_in_the_act(meters: Registry) -> None:
    meters.act("Org.create", data={"id": "o1", "name": "One", "state": "open"})
    meters.act("Org.create", data={"id": "o2", "name": "Two", "state": "frozen"})
    assert meters.act("Spend.create", data={"id": "s1", "amount": 60, "org": "o1"}).entity
    assert_unchanged(
        meters,
        lambda: meters.act("Spend.create", data={"amount": 1, "org": "o2"}),
        ValidationError,
        "Spend.create.requires[0]: the org is frozen",
    )
    assert meters.get("Org", "o1").spent == 60


def test_emit_on_a_delete_reads_the_entity_as_it_was(meters: Registry) -> None:
    meters.act("Org.create", data={"id": "o1", "name": "One", "state": "open"})
    meters.act("Spend.create", data={"id": "big", "amount": 60, "org": "o1"})
    meters.act("Spend.create", data={"id": "small", "amount": 5, "org": "o1"})
    assert names(meters.act("remove", id="big").events) == ["Spend.removed", "Spend.bigRemoved"]
    assert names(meters.act("remove", id="small").events) == ["Spend.removed"]


def test_a_custom_action_without_an_entity(meters: Registry) -> None:
    # It reads only its input: it runs on no entity, its emit too.
    audited = meters.act("audit", data={"n": 11})
    assert names(audited.events) == ["Org.audited", "Org.bigAudit"]
    # It reads the entity: without the id, its precondition cannot be read.
    meters.act("Org.create", data={"id": "o1", "name": "One", "state": "frozen"})
    assert_unchanged(
        meters, lambda: meters.act("check"), ValidationError, "Org.check reads the org's state"
    )
    assert_unchanged(
        meters, lambda: meters.act("check", id="o1"), ValidationError, "the org is frozen"
    )


# -- the shipped catalog, with no handler ------------------------------------------------------


@pytest.fixture
def catalog(storage_url: str) -> Iterator[Registry]:
    with load_catalog(storage_url) as reg:  # nouns/ as declared: no handlers
        yield reg


def test_the_catalog_consumes_to_exhaustion_without_a_handler(catalog: Registry) -> None:
    customer = catalog.act("ServiceCustomer.create", data={"name": "Ann", "type": "business"}).id
    grant = catalog.act(
        "grant", data={"name": "api", "type": "quota", "limit": 40, "customer": customer}
    ).id
    for _ in range(39):
        catalog.act("consume", id=grant, data={"amount": 1})
    assert (catalog.get("ServiceEntitlement", grant).usedAmount, catalog.get(
        "ServiceEntitlement", grant).status) == (39, "active")  # fmt: skip
    last = catalog.act("consume", id=grant, data={"amount": 1})
    assert (last.entity.usedAmount, last.entity.remainingAmount, last.entity.status) == (
        40,
        0,
        "exhausted",
    )
    assert names(last.events) == ["ServiceEntitlement.consumed", "ServiceEntitlement.exhausted"]
    reset = catalog.act("reset", id=grant)
    assert (reset.entity.usedAmount, reset.entity.status) == (0, "active")
    assert reset.entity.lastResetAt is not None
    assert len(catalog.events(name="ServiceEntitlement.consumed")) == 40


def test_the_catalog_reactivates_at_risk_when_its_health_says_so(catalog: Registry) -> None:
    def customer(id: str, **data: Any) -> None:
        catalog.act("ServiceCustomer.create", data={"id": id, "name": id, "type": "smb", **data})
        catalog.act("activate", id=id)
        catalog.act("ServiceCustomer.suspend", id=id)

    customer("well", healthScore=90)
    customer("risky", riskLevel="high")
    customer("weak", healthScore=12)
    assert catalog.act("reactivate", id="well").entity.status == "reactivated"
    assert catalog.act("reactivate", id="risky").entity.status == "at-risk"
    assert catalog.act("reactivate", id="weak").entity.status == "at-risk"


def test_the_catalog_syncs_a_segment_from_its_members(catalog: Registry) -> None:
    catalog.act("CustomerSegment.create", data={"id": "gold", "name": "Gold", "type": "value"})
    synced = catalog.act("sync", id="gold")
    assert (synced.entity.customerCount, synced.entity.status) == (0, "inactive")
    assert synced.entity.lastSyncedAt is not None
    catalog.act(
        "ServiceCustomer.create",
        data={"id": "c1", "name": "C", "type": "smb", "segment": "gold"},
    )
    synced = catalog.act("sync", id="gold")
    assert (synced.entity.customerCount, synced.entity.status) == (1, "active")


def test_the_catalogs_code_only_actions_say_what_they_need(catalog: Registry) -> None:
    catalog.act("ServiceCustomer.create", data={"id": "c1", "name": "C", "type": "smb"})
    assert_unchanged(
        catalog,
        lambda: catalog.act("merge", id="c1", data={"duplicate": "c2"}),
        HandlerMissing,
        "ServiceCustomer.merge is a custom action and has no handler",
    )
