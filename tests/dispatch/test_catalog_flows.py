"""The shipped catalog end to end, on every backend: its lifecycles, its handlers, its events.

Each flow asserts the entity after every step, the exact events (names and
order) and the event log: gap-free ``seq`` from 1, each event's fields, and
``registry.events(since=, noun=, name=)``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from nounkit import Registry
from nounkit.errors import NotFound, TransitionNotAllowed, ValidationError

from .helpers import assert_unchanged, names

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def customer(registry: Registry, id: str, name: str = "Ann", tenant: str | None = None) -> str:
    data = {"id": id, "name": name, "type": "business"}
    return registry.act("ServiceCustomer.create", data=data, tenant=tenant).id


def assert_log(registry: Registry, expected: list[str]) -> None:
    """The whole log: these names, in this order, seq 1, 2, 3 ... without a gap."""
    log = registry.events()
    assert names(log) == expected
    assert [e.seq for e in log] == list(range(1, len(expected) + 1))


# -- ServiceEntitlement: grant -> consume -> exhausted -> reset -> suspend -> revoke ---------


def test_entitlement_flow(registry: Registry) -> None:
    def act(action: str, **kwargs: Any) -> Any:
        return registry.act(action, actor="svc-billing", tenant="acme", **kwargs)

    act("ServiceCustomer.create", data={"id": "cus-1", "name": "Ann", "type": "business"})
    granted = act(
        "grant",
        data={
            "id": "ent-1",
            "name": "API calls",
            "type": "quota",
            "limit": 10,
            "customer": "cus-1",
        },
    )
    entity = granted.entity
    assert (entity.status, entity.usedAmount, entity.remainingAmount, entity.usagePercent) == (
        "active",
        0,
        10,
        0,
    )
    assert names(granted.events) == ["ServiceEntitlement.granted"]
    assert granted.version == 1

    first = act("consume", id="ent-1", data={"amount": 4})
    assert (first.entity.usedAmount, first.entity.remainingAmount) == (4, 6)
    assert first.entity.usagePercent == 40
    assert first.entity.status == "active"
    [consumed] = first.events
    assert (consumed.name, consumed.version, consumed.input) == (
        "ServiceEntitlement.consumed",
        2,
        {"amount": 4},
    )
    assert consumed.changes == {
        "usedAmount": {"old": 0, "new": 4},
        "remainingAmount": {"old": 10, "new": 6},
        "usagePercent": {"old": 0, "new": 40},
    }

    # Reaching the limit: consumed, then exhausted, and the state moves with it.
    last = act("ServiceEntitlement.consume", id="ent-1", data={"amount": 6})
    assert (last.entity.usedAmount, last.entity.remainingAmount, last.entity.usagePercent) == (
        10,
        0,
        100,
    )
    assert last.entity.status == "exhausted"
    assert names(last.events) == ["ServiceEntitlement.consumed", "ServiceEntitlement.exhausted"]
    consumed, exhausted = last.events
    assert consumed.changes["status"] == {"old": "active", "new": "exhausted"}
    # Declared in YAML (emit:), it carries the action's input, after the action's own.
    assert (exhausted.action, exhausted.version, exhausted.input, exhausted.changes) == (
        "consume",
        3,
        {"amount": 6},
        {},
    )
    assert exhausted.seq == consumed.seq + 1

    # `requires` is read before the transition's step: nothing remains, and it says so.
    error = assert_unchanged(
        registry,
        lambda: act("consume", id="ent-1", data={"amount": 1}),
        ValidationError,
        "consume.requires[0]: not enough remaining",
    )
    assert "(got" not in str(error)

    reset = act("reset", id="ent-1")
    assert (reset.entity.status, reset.entity.usedAmount, reset.entity.remainingAmount) == (
        "active",
        0,
        10,
    )
    assert reset.entity.lastResetAt is not None
    assert names(reset.events) == ["ServiceEntitlement.reset"]

    suspended = act("ServiceEntitlement.suspend", id="ent-1")
    assert suspended.entity.status == "suspended"
    assert_unchanged(
        registry,
        lambda: act("reset", id="ent-1"),
        TransitionNotAllowed,
        "is status 'suspended': reset is not allowed from it (allowed: revoke)",
    )
    revoked = act("revoke", id="ent-1")
    assert revoked.entity.status == "revoked"
    assert registry.get("ServiceEntitlement", "ent-1", tenant="acme").status == "revoked"
    assert registry.record("ServiceEntitlement", "ent-1", tenant="acme").version == 6

    assert_log(
        registry,
        [
            "ServiceCustomer.created",
            "ServiceEntitlement.granted",
            "ServiceEntitlement.consumed",
            "ServiceEntitlement.consumed",
            "ServiceEntitlement.exhausted",
            "ServiceEntitlement.reset",
            "ServiceEntitlement.suspended",
            "ServiceEntitlement.revoked",
        ],
    )
    for event in registry.events():
        assert (event.actor, event.tenant) == ("svc-billing", "acme")
        assert STAMP.fullmatch(event.time)
    assert [e.version for e in registry.events(noun="ServiceEntitlement")] == [1, 2, 3, 3, 4, 5, 6]


def test_consuming_past_the_limit_is_allowed_only_when_unlimited(registry: Registry) -> None:
    customer(registry, "cus-1")
    registry.act(
        "grant",
        data={
            "id": "ent-1",
            "name": "seats",
            "type": "quota",
            "limit": 5,
            "unlimited": True,
            "customer": "cus-1",
        },
    )
    over = registry.act("consume", id="ent-1", data={"amount": 7})
    assert (over.entity.status, over.entity.usedAmount) == ("active", 7)
    assert names(over.events) == ["ServiceEntitlement.consumed"]  # never exhausted
    # Without a limit there is nothing to exhaust either.
    registry.act("grant", data={"id": "ent-2", "name": "f", "type": "feature", "customer": "cus-1"})
    free = registry.act("consume", id="ent-2", data={"amount": 1000})
    assert (free.entity.status, free.entity.usedAmount, free.entity.remainingAmount) == (
        "active",
        1000,
        None,
    )


def test_entitlement_rules_hold(registry: Registry) -> None:
    customer(registry, "cus-1")
    assert_unchanged(
        registry,
        lambda: registry.act(
            "grant",
            data={
                "name": "trial",
                "type": "access",
                "customer": "cus-1",
                "validFrom": "2026-02-01T00:00:00Z",
                "validUntil": "2026-01-01T00:00:00Z",
            },
        ),
        ValidationError,
        "validUntil must be after validFrom",
    )


# -- ServiceCustomer: create -> activate -> suspend -> reactivate -> churn; merge --------------


def test_customer_lifecycle(registry: Registry) -> None:
    created = registry.act(
        "ServiceCustomer.create", data={"id": "cus-1", "name": "Ann", "type": "business"}
    )
    assert created.entity.status == "prospect"
    steps = [
        ("activate", "active"),
        ("ServiceCustomer.suspend", "suspended"),
        ("reactivate", "reactivated"),
        ("churn", "churned"),
    ]
    for action, state in steps:
        result = registry.act(action, id="cus-1")
        assert result.entity.status == state, action
        [event] = result.events
        assert event.changes == {"status": {"old": event.changes["status"]["old"], "new": state}}
    assert_unchanged(
        registry,
        lambda: registry.act("activate", id="cus-1"),
        TransitionNotAllowed,
        "ServiceCustomer 'cus-1' is status 'churned': activate is not allowed from it "
        "(allowed: none)",
    )
    assert_log(
        registry,
        [
            "ServiceCustomer.created",
            "ServiceCustomer.activated",
            "ServiceCustomer.suspended",
            "ServiceCustomer.reactivated",
            "ServiceCustomer.churned",
        ],
    )
    assert [e.changes["status"]["old"] for e in registry.events(since=1)] == [
        "prospect",
        "active",
        "suspended",
        "reactivated",
    ]


def test_merge_moves_the_duplicates_records_and_takes_its_segment(handled: Registry) -> None:
    customer(handled, "keep", "Ann")
    customer(handled, "dup", "Ann (again)")
    handled.act("CustomerSegment.create", data={"id": "seg", "name": "VIP", "type": "value"})
    handled.act("addCustomer", id="seg", data={"customer": "dup"})
    for id in ("ent-1", "ent-2"):
        handled.act("grant", data={"id": id, "name": id, "type": "feature", "customer": "dup"})
    handled.act(
        "SupportTicket.create",
        data={
            "id": "tic-1",
            "subject": "Help",
            "openedAt": "2026-01-01T00:00:00Z",
            "customer": "dup",
        },
    )
    since = handled.events()[-1].seq

    merged = handled.act("merge", id="keep", data={"duplicate": "dup"}, actor="ops")
    assert names(merged.events) == [
        "ServiceEntitlement.updated",
        "ServiceEntitlement.updated",
        "SupportTicket.updated",
        "ServiceCustomer.updated",
        "ServiceCustomer.deleted",
        "ServiceCustomer.merged",
    ]
    assert [e.seq for e in merged.events] == list(range(since + 1, since + 7))
    last = merged.events[-1]
    assert (last.entity_id, last.action, last.input, last.actor) == (
        "keep",
        "merge",
        {"duplicate": "dup"},
        "ops",
    )
    assert merged.events[4].entity_id == "dup"
    keep = merged.entity
    assert keep.entitlements == ["ent-1", "ent-2"]
    assert keep.tickets == ["tic-1"]
    assert keep.segment == "seg"
    assert handled.get("ServiceCustomer", "keep") == keep
    with pytest.raises(NotFound):
        handled.get("ServiceCustomer", "dup")
    assert handled.get("ServiceEntitlement", "ent-1").customer == "keep"
    segment = handled.get("CustomerSegment", "seg")
    assert (segment.customers, segment.customerCount) == (["keep"], 1)


def test_merge_drops_the_duplicate_from_its_own_segment(handled: Registry) -> None:
    customer(handled, "keep")
    customer(handled, "dup")
    for seg in ("gold", "silver"):
        handled.act("CustomerSegment.create", data={"id": seg, "name": seg, "type": "value"})
    handled.act("addCustomer", id="gold", data={"customer": "keep"})
    handled.act("addCustomer", id="silver", data={"customer": "dup"})
    merged = handled.act("merge", id="keep", data={"duplicate": "dup"})
    assert names(merged.events) == [
        "ServiceCustomer.updated",
        "CustomerSegment.customerRemoved",
        "ServiceCustomer.deleted",
        "ServiceCustomer.merged",
    ]
    assert merged.entity.segment == "gold"
    silver = handled.get("CustomerSegment", "silver")
    assert (silver.customers, silver.customerCount) == ([], 0)
    gold = handled.get("CustomerSegment", "gold")
    assert (gold.customers, gold.customerCount) == (["keep"], 1)


def test_merge_refusals_change_nothing(handled: Registry) -> None:
    customer(handled, "keep")
    assert_unchanged(
        handled,
        lambda: handled.act("merge", id="keep", data={"duplicate": "keep"}),
        ValidationError,
        "a customer cannot be merged into itself",
    )
    assert_unchanged(
        handled,
        lambda: handled.act("merge", id="keep", data={"duplicate": "ghost"}),
        NotFound,
        "ServiceCustomer 'ghost' not found",
    )


# -- CustomerSegment: addCustomer / removeCustomer keep customers and customerCount ---------


def test_segment_membership(handled: Registry) -> None:
    for id in ("c1", "c2"):
        customer(handled, id)
    for seg in ("gold", "silver"):
        handled.act("CustomerSegment.create", data={"id": seg, "name": seg, "type": "value"})

    def members(seg: str) -> tuple[list[str], int]:
        segment = handled.get("CustomerSegment", seg)
        return segment.customers, segment.customerCount

    added = handled.act("addCustomer", id="gold", data={"customer": "c1"})
    assert names(added.events) == ["ServiceCustomer.updated", "CustomerSegment.customerAdded"]
    assert added.events[0].changes == {"segment": {"old": None, "new": "gold"}}
    assert added.events[1].input == {"customer": "c1"}
    assert (added.entity.customers, added.entity.customerCount) == (["c1"], 1)
    handled.act("addCustomer", id="gold", data={"customer": "c2"})
    assert members("gold") == (["c1", "c2"], 2)

    # Moving a customer to another segment: the one it leaves counts one fewer.
    moved = handled.act("addCustomer", id="silver", data={"customer": "c2"})
    assert names(moved.events) == [
        "ServiceCustomer.updated",
        "CustomerSegment.customerRemoved",
        "ServiceCustomer.updated",
        "CustomerSegment.customerAdded",
    ]
    assert members("gold") == (["c1"], 1)
    assert members("silver") == (["c2"], 1)

    removed = handled.act("removeCustomer", id="gold", data={"customer": "c1"})
    assert names(removed.events) == ["ServiceCustomer.updated", "CustomerSegment.customerRemoved"]
    assert members("gold") == ([], 0)
    assert handled.get("ServiceCustomer", "c1").segment is None

    assert_unchanged(
        handled,
        lambda: handled.act("removeCustomer", id="gold", data={"customer": "c1"}),
        ValidationError,
        "CustomerSegment 'gold'",
        "ServiceCustomer 'c1' is not in this segment",
    )
    assert_unchanged(
        handled,
        lambda: handled.act("addCustomer", id="gold", data={"customer": "ghost"}),
        NotFound,
        "ServiceCustomer 'ghost' not found",
    )
    # sync picks the state from the membership.
    assert handled.act("sync", id="gold").entity.status == "inactive"
    assert handled.act("sync", id="silver").entity.status == "active"


# -- CustomerUsage: record -> aggregate -> finalize ------------------------------------------


def test_usage_flow(registry: Registry) -> None:
    customer(registry, "cus-1")
    period = {"periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-02-01T00:00:00Z"}
    recorded = registry.act(
        "record",
        data={"id": "use-1", "customer": "cus-1", "periodType": "month", "apiCalls": 120, **period},
        actor="meter",
    )
    assert recorded.entity.status == "partial"
    assert registry.act("aggregate", id="use-1").entity.status == "complete"
    assert registry.act("aggregate", id="use-1").events[0].changes == {}  # complete again
    finalized = registry.act("finalize", id="use-1")
    assert finalized.entity.status == "finalized"
    assert finalized.entity.apiCalls == 120
    for action in ("aggregate", "finalize"):
        assert_unchanged(
            registry,
            lambda action=action: registry.act(action, id="use-1"),
            TransitionNotAllowed,
            "CustomerUsage 'use-1' is status 'finalized'",
        )
    assert_unchanged(
        registry,
        lambda: registry.act(
            "record",
            data={
                "customer": "cus-1",
                "periodType": "day",
                "periodStart": "2026-01-02T00:00:00Z",
                "periodEnd": "2026-01-01T00:00:00Z",
            },
        ),
        ValidationError,
        "periodEnd must be after periodStart",
    )
    assert names(registry.events(noun="CustomerUsage")) == [
        "CustomerUsage.recorded",
        "CustomerUsage.aggregated",
        "CustomerUsage.aggregated",
        "CustomerUsage.finalized",
    ]
    assert [e.version for e in registry.events(noun="CustomerUsage")] == [1, 2, 2, 3]


# -- the event log ---------------------------------------------------------------------------


def test_an_events_fields(registry: Registry) -> None:
    customer(registry, "cus-1")
    registry.act(
        "grant", data={"id": "ent-1", "name": "n", "type": "quota", "limit": 3, "customer": "cus-1"}
    )
    result = registry.act(
        "consume", id="ent-1", data={"amount": 1}, actor="svc-billing", tenant=None
    )
    [event] = result.events
    [stored] = registry.events(since=2)
    assert stored == event
    assert event.seq == 3
    assert event.name == "ServiceEntitlement.consumed"
    assert event.noun == "ServiceEntitlement"
    assert event.entity_id == "ent-1"
    assert event.action == "consume"
    assert event.version == 2
    assert event.actor == "svc-billing"
    assert event.tenant is None
    assert event.input == {"amount": 1}
    assert event.changes == {
        "usedAmount": {"old": 0, "new": 1},
        "remainingAmount": {"old": 3, "new": 2},
        "usagePercent": {"old": 0, "new": pytest.approx(100 / 3)},
    }
    assert STAMP.fullmatch(event.time)
    created = registry.events()[0]
    assert created.changes["name"] == {"old": None, "new": "Ann"}
    assert created.changes["status"] == {"old": None, "new": "prospect"}
    assert (created.input, created.actor, created.version) == ({}, None, 1)


def test_the_log_is_gap_free_and_filterable(registry: Registry) -> None:
    customer(registry, "cus-1")
    customer(registry, "cus-2", tenant="acme")
    registry.act(
        "grant", data={"id": "ent-1", "name": "n", "type": "quota", "limit": 2, "customer": "cus-1"}
    )
    # Failures in between take no seq.
    for bad in ({"amount": -1}, {"amount": 3}):
        with pytest.raises(ValidationError):
            registry.act("consume", id="ent-1", data=bad)
    with pytest.raises(NotFound):
        registry.act("activate", id="cus-2")  # cus-2 is acme's
    registry.act("consume", id="ent-1", data={"amount": 2})
    registry.act("activate", id="cus-2", tenant="acme")
    assert_log(
        registry,
        [
            "ServiceCustomer.created",
            "ServiceCustomer.created",
            "ServiceEntitlement.granted",
            "ServiceEntitlement.consumed",
            "ServiceEntitlement.exhausted",
            "ServiceCustomer.activated",
        ],
    )
    assert [e.seq for e in registry.events(since=3)] == [4, 5, 6]
    assert registry.events(since=6) == []
    assert [e.seq for e in registry.events(noun="ServiceCustomer")] == [1, 2, 6]
    assert [e.seq for e in registry.events(since=1, noun="ServiceCustomer")] == [2, 6]
    assert [e.seq for e in registry.events(name="ServiceCustomer.created")] == [1, 2]
    assert [e.seq for e in registry.events(name="ServiceEntitlement.*")] == [3, 4, 5]
    assert [e.seq for e in registry.events(name="*.exhausted")] == [5]
    assert [e.seq for e in registry.events(since=3, name="ServiceEntitlement.*")] == [4, 5]
    assert registry.events(noun="ServiceEntitlement", name="ServiceCustomer.*") == []
    assert [e.seq for e in registry.events(tenant="acme")] == [2, 6]
    assert [e.seq for e in registry.events(limit=2)] == [1, 2]


def test_a_listed_page_reads_derived_lists_as_get_does(registry: Registry) -> None:
    # list() reads the derived lists of the whole page at once (Transaction.related, in
    # chunks of owners); get() reads one entity's. Both must give the same lists, in order.
    customers = [
        registry.act("ServiceCustomer.create", data={"name": f"C{i}", "type": "business"}).id
        for i in range(4)
    ]
    for i in range(7):
        registry.act(
            "grant",
            data={"name": f"E{i}", "type": "quota", "customer": customers[i % 3], "limit": 5},
        )
    listed = registry.list("ServiceCustomer", sort={"name": 1})
    assert [c.id for c in listed] == customers
    assert [len(c.entitlements) for c in listed] == [3, 2, 2, 0]
    for entity in listed:
        assert entity == registry.get("ServiceCustomer", entity.id)


def test_an_acts_entity_carries_its_derived_lists(registry: Registry) -> None:
    # A transition returns the entity with what points at it, read in the act's own
    # transaction; a plain create has nothing pointing at it yet.
    customer = registry.act("ServiceCustomer.create", data={"name": "C", "type": "business"})
    assert customer.entity is not None and customer.entity.entitlements == []
    grants = [
        registry.act(
            "grant", data={"name": f"E{i}", "type": "quota", "customer": customer.id, "limit": 5}
        ).id
        for i in range(2)
    ]
    activated = registry.act("ServiceCustomer.activate", id=customer.id)
    assert activated.entity is not None
    assert activated.entity.entitlements == sorted(grants)
    assert activated.entity == registry.get("ServiceCustomer", customer.id)
