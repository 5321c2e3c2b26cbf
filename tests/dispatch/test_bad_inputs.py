"""Every way an act can be refused, on every backend.

Each test asserts the error's type, what its message names (noun, id, field,
current state, allowed actions, candidates) and, through ``assert_unchanged``,
that storage and the event log are exactly as they were.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nounkit import Registry
from nounkit.errors import (
    AmbiguousAction,
    Conflict,
    Forbidden,
    HandlerMissing,
    NotFound,
    StorageError,
    TransitionNotAllowed,
    UnknownAction,
    ValidationError,
)

from .helpers import assert_unchanged, field_errors, load_kit, names


@dataclass
class Acme:
    """Tenant ``acme`` of the kit: a member, and two accounts (one owned by the member)."""

    member: str
    account: str
    other: str


def make_acme(kit: Registry) -> Acme:
    member = kit.act("enroll", data={"name": "Ann"}, tenant="acme").id
    account = kit.act(
        "open",
        data={"id": "acc-1", "email": "ann@example.org", "credit": 10, "owner": member},
        tenant="acme",
    ).id
    other = kit.act(
        "open", data={"id": "acc-2", "email": "bob@example.org", "handle": "bob"}, tenant="acme"
    ).id
    return Acme(member, account, other)


@pytest.fixture
def acme(kit: Registry) -> Acme:
    return make_acme(kit)


def act_acme(kit: Registry, action: str, **kwargs: Any) -> Any:
    return kit.act(action, tenant="acme", **kwargs)


# -- resolving the action --------------------------------------------------------------------


def test_unknown_bare_verb_suggests_the_closest(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "depositt", id=acme.account, data={"amount": 1}),
        UnknownAction,
        "no noun declares an action 'depositt'",
        "did you mean 'deposit'?",
    )


def test_unknown_action_of_a_noun_lists_its_actions(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "Account.fly", id=acme.account),
        UnknownAction,
        "Account has no action 'fly'",
        "its actions: open, update, deposit, withdraw",
    )
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "fly", noun="Account", id=acme.account),
        UnknownAction,
        "Account has no action 'fly'",
    )


def test_unknown_noun_suggests_the_closest(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "Acount.open", data={"email": "x@example.org"}),
        UnknownAction,
        "no noun named 'Acount'",
        "did you mean 'Account'?",
    )
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "open", noun="Acount", data={"email": "x@example.org"}),
        UnknownAction,
        "no noun named 'Acount'",
    )


def test_an_action_that_is_not_a_string_is_unknown(kit: Registry, acme: Acme) -> None:
    assert_unchanged(kit, lambda: kit.act(5), UnknownAction, "not 5")  # type: ignore[arg-type]


def test_ambiguous_verb_lists_every_candidate(registry: Registry) -> None:
    registry.act("ServiceCustomer.create", data={"id": "cus-1", "name": "Ann", "type": "smb"})
    error = assert_unchanged(
        registry,
        lambda: registry.act("create", data={"name": "Ann", "type": "smb"}),
        AmbiguousAction,
        "'create' is an action of 7 nouns; name one:",
    )
    for candidate in ("ServiceCustomer", "CustomerSegment", "ServiceSubscription", "Invoice"):
        assert f"{candidate}.create" in str(error)
    assert_unchanged(
        registry,
        lambda: registry.act("suspend", id="cus-1"),
        AmbiguousAction,
        "'suspend' is an action of 2 nouns",
        "ServiceCustomer.suspend, ServiceEntitlement.suspend",
    )
    # Naming the noun settles it.
    registry.act("activate", id="cus-1")
    assert registry.act("suspend", noun="ServiceCustomer", id="cus-1").entity.status == "suspended"


# -- input -----------------------------------------------------------------------------------


def test_unknown_computed_and_derived_fields_are_refused(kit: Registry, acme: Acme) -> None:
    error = assert_unchanged(
        kit,
        lambda: act_acme(
            kit, "Account.update", id=acme.account, data={"bogus": 1, "available": 99}
        ),
        ValidationError,
        f"Account {acme.account!r}",
        "2 invalid values",
    )
    found = field_errors(error)
    assert "Account.update does not take 'bogus'" in found["bogus"].message
    assert "available" not in found["bogus"].message.split("(it takes")[1]  # not offered
    assert found["available"].message == "is computed and never accepted as input"
    error = assert_unchanged(
        kit,
        lambda: act_acme(kit, "Member.update", id=acme.member, data={"accounts": []}),
        ValidationError,
        f"Member {acme.member!r}",
    )
    assert "is derived from Account.owner" in field_errors(error)["accounts"].message


def test_values_of_the_wrong_type_name_each_field(kit: Registry, acme: Acme) -> None:
    error = assert_unchanged(
        kit,
        lambda: act_acme(
            kit,
            "Account.update",
            id=acme.account,
            data={"balance": "10", "email": "not an email", "owner": 5},
        ),
        ValidationError,
        f"Account {acme.account!r}",
        "3 invalid values",
    )
    assert set(field_errors(error)) == {"balance", "email", "owner"}
    assert field_errors(error)["balance"].value == "10"


def test_a_missing_required_value_is_named(kit: Registry, acme: Acme) -> None:
    error = assert_unchanged(
        kit, lambda: act_acme(kit, "open", data={"handle": "nobody"}), ValidationError, "Account"
    )
    assert "email" in field_errors(error)


def test_data_must_be_a_mapping(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "open", data=["email"]),
        ValidationError,
        "Account.open takes data as a mapping of names to values, not list",
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-1, "greater than"),
        ("1", "expected a number"),
        (float("nan"), "finite"),
        (None, "required"),
    ],
)
def test_action_input_is_validated(kit: Registry, acme: Acme, amount: Any, message: str) -> None:
    data = {} if amount is None else {"amount": amount}
    error = assert_unchanged(
        kit,
        lambda: act_acme(kit, "withdraw", id=acme.account, data=data),
        ValidationError,
        f"Account {acme.account!r}",
        "withdraw.amount",
    )
    assert message in field_errors(error)["withdraw.amount"].message


def test_an_action_without_input_takes_none(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "close", id=acme.account, data={"reason": "x"}),
        ValidationError,
        "Account.close does not take 'reason' (it takes no input)",
    )


def test_an_id_cannot_change_and_updates_need_one(kit: Registry, acme: Acme) -> None:
    error = assert_unchanged(
        kit,
        lambda: act_acme(kit, "Account.update", id=acme.account, data={"id": "acc-9"}),
        ValidationError,
        "an id cannot change",
    )
    assert error.id == acme.account
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "Account.update", data={"handle": "x"}),
        ValidationError,
        "Account.update needs the id of the account",
    )


def test_creating_an_existing_id_conflicts(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "open", data={"id": acme.account, "email": "x@example.org"}),
        Conflict,
        f"Account {acme.account!r} already exists in tenant 'acme'",
    )


def test_acting_on_a_missing_entity(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "deposit", id="acc-404", data={"amount": 1}),
        NotFound,
        "Account 'acc-404' not found in tenant 'acme'",
    )


# -- handlers --------------------------------------------------------------------------------


def test_missing_handler(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "audit", id=acme.account),
        HandlerMissing,
        "Account.audit is a custom action and has no handler",
        "@registry.handles('Account.audit')",
    )


def test_emitting_an_undeclared_event(kit: Registry, acme: Acme) -> None:
    # The handler emits a declared event first: it must not reach the log either.
    error = assert_unchanged(
        kit,
        lambda: act_acme(kit, "shout", id=acme.account),
        ValidationError,
        "shout emitted 'hacked', which Account does not declare",
        "events: opened, updated",
    )
    assert error.id == acme.account


def test_a_handler_setting_an_undeclared_field(kit: Registry, acme: Acme) -> None:
    error = assert_unchanged(
        kit,
        lambda: act_acme(kit, "scribble", id=acme.account),
        ValidationError,
        "the handler set 'graffiti', which Account does not declare",
    )
    assert field_errors(error)["graffiti"].value == "was here"


def test_a_handler_exception_after_a_nested_write_rolls_everything_back(
    kit: Registry, acme: Acme
) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "sabotage", id=acme.account, data={"other": acme.other}),
        RuntimeError,
        f"sabotage of {acme.other} went wrong mid-way",
    )
    assert kit.get("Account", acme.other, tenant="acme").handle == "bob"


def test_a_broken_rule_after_a_nested_write_rolls_everything_back(
    kit: Registry, acme: Acme
) -> None:
    # acc-2 has no credit: the deposit into acc-1 is written, then acc-2's rule breaks.
    error = assert_unchanged(
        kit,
        lambda: act_acme(kit, "transfer", id=acme.other, data={"to": acme.account, "amount": 5}),
        ValidationError,
        f"Account {acme.other!r}",
        "the balance cannot go below the credit line",
    )
    assert list(field_errors(error)) == ["rules[0]"]
    assert kit.get("Account", acme.account, tenant="acme").balance == 0
    # Within the credit line the same transfer goes through, both sides.
    done = act_acme(kit, "transfer", id=acme.account, data={"to": acme.other, "amount": 5})
    assert names(done.events) == ["Account.deposited", "Account.transferred"]
    assert kit.get("Account", acme.other, tenant="acme").balance == 5
    assert done.entity.balance == -5
    assert done.entity.available == 5


def test_a_failed_nested_act_leaves_nothing_of_itself_when_caught(
    kit: Registry, acme: Acme
) -> None:
    """A handler that catches a nested act's error goes on, and the act commits only what
    did not fail: none of the failed act's own nested writes, nor its events."""
    caught: list[str] = []

    @kit.handles("Account.audit")
    def audit(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
        for action, target, given in [
            # deposits into acc-1 (a nested write of its own), then acc-2's rule breaks
            ("Account.transfer", acme.other, {"to": acme.account, "amount": 5}),
            # updates acc-1 and emits an event, then its handler raises
            ("Account.sabotage", acme.other, {"other": acme.account}),
        ]:
            try:
                ctx.act(action, id=target, data=given)
            except Exception as exc:  # its handler's own error reaches ours as it is
                caught.append(type(exc).__name__)
        ctx.act("Account.update", id=acme.other, data={"handle": "audited"})
        return {}

    before = kit.storage.dump()
    last = kit.events()[-1].seq
    act_acme(kit, "audit", id=acme.account)
    assert caught == ["ValidationError", "RuntimeError"]
    assert names(kit.events(last)) == ["Account.updated", "Account.audited"]
    after = kit.storage.dump()
    changed = [r for r in after["records"] if r not in before["records"]]
    assert [(r["id"], r["data"].get("handle")) for r in changed] == [(acme.other, "audited")]
    one = kit.get("Account", acme.account, tenant="acme")
    assert (one.balance, one.handle) == (0, None)


def test_without_savepoints_a_caught_nested_failure_fails_the_whole_act(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A backend that cannot undo a nested act alone (no ``savepoints``) never commits
    what that act wrote: the whole act fails, and says why."""
    from nounkit.storage.base import Transaction
    from nounkit.storage.memory import _MemoryTransaction

    monkeypatch.setattr(_MemoryTransaction, "savepoints", False)
    monkeypatch.setattr(_MemoryTransaction, "savepoint", Transaction.savepoint)
    with load_kit("memory://") as kit:
        made = make_acme(kit)

        @kit.handles("Account.audit")
        def audit(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
            with contextlib.suppress(ValidationError):
                ctx.act("Account.transfer", id=made.other, data={"to": made.account, "amount": 5})
            return {}

        assert_unchanged(
            kit,
            lambda: act_acme(kit, "audit", id=made.account),
            StorageError,
            "Account.audit: a nested act failed",
            "has no savepoints",
        )


def test_nested_acts_that_loop_are_stopped(kit: Registry, acme: Acme) -> None:
    @kit.handles("Account.deposit", replace=True)
    def again(ctx: Any, entity: Any, data: dict[str, Any]) -> None:
        ctx.act("Account.deposit", id=entity.id, data=data)

    assert_unchanged(
        kit,
        lambda: act_acme(kit, "deposit", id=acme.account, data={"amount": 1}),
        ValidationError,
        "actions nested more than 8 deep",
    )


# -- rules and computed values ---------------------------------------------------------------


def test_a_broken_rule_carries_its_message(kit: Registry, acme: Acme) -> None:
    error = assert_unchanged(
        kit,
        lambda: act_acme(kit, "withdraw", id=acme.account, data={"amount": 10.5}),
        ValidationError,
        f"Account {acme.account!r}",
        "the balance cannot go below the credit line",
    )
    assert error.noun == "Account"
    error = assert_unchanged(
        kit,
        lambda: act_acme(
            kit,
            "open",
            data={
                "email": "late@example.org",
                "openedAt": "2026-02-01T00:00:00Z",
                "closedAt": "2026-01-01T00:00:00+00:00",
            },
        ),
        ValidationError,
        "closedAt must be after openedAt",
    )
    assert list(field_errors(error)) == ["rules[1]"]
    # Exactly at the line the rule holds, and the computed value follows.
    after = act_acme(kit, "withdraw", id=acme.account, data={"amount": 10})
    assert (after.entity.balance, after.entity.available) == (-10, 0)
    assert after.events[0].changes == {
        "balance": {"old": 0, "new": -10},
        "available": {"old": 10, "new": 0},
    }


# -- the lifecycle ---------------------------------------------------------------------------


def test_a_transition_not_allowed_names_the_state_and_the_way_out(
    kit: Registry, acme: Acme
) -> None:
    act_acme(kit, "freeze", id=acme.account, roles=["admin"])
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "freeze", id=acme.account, roles=["admin"]),
        TransitionNotAllowed,
        f"Account {acme.account!r} is status 'frozen'",
        "freeze is not allowed from it (allowed: unfreeze, close)",
    )
    act_acme(kit, "close", id=acme.account)
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "unfreeze", id=acme.account, roles=["ops"]),
        TransitionNotAllowed,
        "is status 'closed'",
        "(allowed: none)",
    )


def test_update_cannot_change_the_lifecycle_property(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "Account.update", id=acme.account, data={"status": "closed"}),
        TransitionNotAllowed,
        f"Account {acme.account!r} is status 'open'",
        "update cannot change status",
        "freeze, close allowed from here",
    )
    # Giving the current state is no change, and fine.
    same = act_acme(kit, "Account.update", id=acme.account, data={"status": "open"})
    assert same.version == 1


def test_a_new_entity_starts_in_the_initial_state(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "open", data={"email": "x@example.org", "status": "frozen"}),
        TransitionNotAllowed,
        "starts in status 'open', not 'frozen'",
    )


def test_a_handler_cannot_leave_the_transition_targets(registry: Registry) -> None:
    customer = registry.act("ServiceCustomer.create", data={"name": "Ann", "type": "smb"}).entity.id
    grant = registry.act("grant", data={"name": "api", "type": "quota", "customer": customer})

    @registry.handles("ServiceEntitlement.reset", replace=True)
    def bad_reset(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
        return {"status": "revoked"}

    assert_unchanged(
        registry,
        lambda: registry.act("reset", id=grant.id),
        TransitionNotAllowed,
        "reset moves status to 'active', not 'revoked'",
    )


def test_a_finalized_usage_record_refuses_changes(registry: Registry) -> None:
    customer = registry.act("ServiceCustomer.create", data={"name": "A", "type": "smb"}).id
    usage = registry.act(
        "record",
        data={
            "customer": customer,
            "periodType": "day",
            "periodStart": "2026-01-01T00:00:00Z",
            "periodEnd": "2026-01-02T00:00:00Z",
        },
    ).id
    assert_unchanged(
        registry,
        lambda: registry.act("finalize", id=usage),
        TransitionNotAllowed,
        f"CustomerUsage {usage!r} is status 'partial'",
        "(allowed: aggregate)",
    )
    registry.act("aggregate", id=usage)
    registry.act("finalize", id=usage)
    for action in ("aggregate", "finalize"):
        assert_unchanged(
            registry,
            lambda action=action: registry.act(action, id=usage),
            TransitionNotAllowed,
            "is status 'finalized'",
            "(allowed: none)",
        )


def test_consuming_past_the_limit_is_refused(registry: Registry) -> None:
    customer = registry.act("ServiceCustomer.create", data={"name": "A", "type": "smb"}).id
    grant = registry.act(
        "grant", data={"name": "api", "type": "quota", "limit": 5, "customer": customer}
    ).id
    registry.act("consume", id=grant, data={"amount": 2})
    error = assert_unchanged(
        registry,
        lambda: registry.act("consume", id=grant, data={"amount": 3.5}),
        ValidationError,
        f"ServiceEntitlement {grant!r}",
        "not enough remaining",
    )
    assert "consume.requires[0]" in field_errors(error)


# -- relationships, uniqueness, tenancy, roles -----------------------------------------------


def test_a_to_one_must_point_at_an_existing_entity(kit: Registry, acme: Acme) -> None:
    error = assert_unchanged(
        kit,
        lambda: act_acme(kit, "Account.update", id=acme.other, data={"owner": "ghost"}),
        NotFound,
        f"Account {acme.other!r}: owner points at Member 'ghost', which does not exist",
    )
    assert "in tenant 'acme'" in str(error)


def test_a_catalog_to_one_must_point_at_an_existing_entity(registry: Registry) -> None:
    assert_unchanged(
        registry,
        lambda: registry.act(
            "grant", data={"id": "ent-1", "name": "api", "type": "quota", "customer": "ghost"}
        ),
        NotFound,
        "ServiceEntitlement 'ent-1': customer points at ServiceCustomer 'ghost'",
    )


def test_a_duplicate_unique_value_conflicts(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "open", data={"id": "acc-3", "email": "ann@example.org"}),
        Conflict,
        "Account 'acc-3': email 'ann@example.org' is already used by another account "
        "in tenant 'acme'",
    )
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "Account.update", id=acme.account, data={"handle": "bob"}),
        Conflict,
        f"Account {acme.account!r}: handle 'bob' is already used",
    )
    kit.act("Tag.create", data={"id": "t1", "slug": "vip"})
    assert_unchanged(
        kit,
        lambda: kit.act("Tag.create", data={"id": "t2", "slug": "vip"}),
        Conflict,
        "Tag 't2': slug 'vip' is already used by another tag",
    )


def test_unique_values_are_unique_per_tenant(kit: Registry, acme: Acme) -> None:
    other = kit.act("open", data={"email": "ann@example.org", "handle": "bob"}, tenant="globex")
    assert other.entity.orgId == "globex"
    kit.act("Tag.create", data={"id": "t1", "slug": "vip"})
    assert kit.act("Tag.create", data={"id": "t1", "slug": "vip"}, tenant="globex").version == 1


def test_another_tenants_entity_is_indistinguishable_from_a_missing_one(
    kit: Registry, acme: Acme
) -> None:
    missing = assert_unchanged(
        kit,
        lambda: kit.act("deposit", id="acc-404", data={"amount": 1}, tenant="globex"),
        NotFound,
    )
    foreign = assert_unchanged(
        kit,
        lambda: kit.act("deposit", id=acme.account, data={"amount": 1}, tenant="globex"),
        NotFound,
    )
    assert str(foreign) == str(missing).replace("acc-404", acme.account)
    with pytest.raises(NotFound) as read:
        kit.get("Account", acme.account, tenant="globex")
    assert str(read.value) == f"Account {acme.account!r} not found in tenant 'globex'"
    assert kit.list("Account", tenant="globex") == []
    assert kit.events(tenant="globex") == []
    assert {e.tenant for e in kit.events(tenant="acme")} == {"acme"}


def test_cross_tenant_writes_are_refused(kit: Registry, acme: Acme) -> None:
    # Linking to another tenant's member: as if it did not exist.
    assert_unchanged(
        kit,
        lambda: kit.act(
            "open", data={"email": "x@example.org", "owner": acme.member}, tenant="globex"
        ),
        NotFound,
        f"owner points at Member {acme.member!r}, which does not exist in tenant 'globex'",
    )
    # Claiming another tenant in the tenant property.
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "open", data={"email": "x@example.org", "orgId": "globex"}),
        Forbidden,
        "orgId 'globex' is not the caller's tenant 'acme'",
    )
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "Account.update", id=acme.account, data={"orgId": "globex"}),
        Forbidden,
        f"Account {acme.account!r}: orgId 'globex' is not the caller's tenant 'acme'",
    )
    # A tenant-scoped noun needs a tenant at all.
    assert_unchanged(
        kit,
        lambda: kit.act("open", data={"email": "x@example.org"}),
        Forbidden,
        "Account is scoped by 'orgId': act with tenant=...",
    )


def test_the_empty_tenant_is_refused(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: kit.act("Tag.create", data={"slug": "x"}, tenant=""),
        StorageError,
        "the tenant must be None or a non-empty string",
    )
    # Reads too: on SQL storage '' is how records of no tenant are stored.
    kit.act("Tag.create", data={"id": "untenanted", "slug": "u"})
    reads: list[Callable[[], object]] = [
        lambda: kit.get("Tag", "untenanted", tenant=""),
        lambda: kit.list("Tag", tenant=""),
        lambda: kit.page("Tag", tenant=""),
        lambda: kit.events(tenant=""),
    ]
    for read in reads:
        assert_unchanged(kit, read, StorageError, "cannot read in tenant ''")


def test_roles_are_checked(kit: Registry, acme: Acme) -> None:
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "freeze", id=acme.account),
        Forbidden,
        "Account.freeze needs one of the roles admin; the caller has none",
    )
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "freeze", id=acme.account, roles=["ops", "billing"]),
        Forbidden,
        "needs one of the roles admin; the caller has billing, ops",
    )
    act_acme(kit, "freeze", id=acme.account, roles=["admin"])
    assert act_acme(kit, "unfreeze", id=acme.account, roles=["ops"]).entity.status == "open"
    assert_unchanged(
        kit,
        lambda: act_acme(kit, "remove", id=acme.account, roles=["ops"]),
        Forbidden,
        "Account.remove needs one of the roles admin; the caller has ops",
    )
    kit.act("Tag.create", data={"id": "t1", "slug": "vip"})
    assert_unchanged(
        kit, lambda: kit.act("Tag.delete", id="t1"), Forbidden, "Tag.delete needs one of the roles"
    )
    gone = kit.act("Tag.delete", id="t1", roles=["admin"])
    assert gone.deleted and gone.entity is not None and gone.entity.slug == "vip"


# -- subscribers -----------------------------------------------------------------------------


def test_a_failing_subscriber_never_undoes_the_action(kit: Registry, acme: Acme) -> None:
    seen: list[str] = []

    @kit.on("Account.*")
    def broken(event: Any) -> None:
        raise RuntimeError(f"mailer down for {event.entity_id}")

    @kit.on("Account.deposited")
    def after(event: Any) -> None:
        seen.append(event.name)

    result = act_acme(kit, "deposit", id=acme.account, data={"amount": 7}, actor="teller")
    assert result.entity.balance == 7
    assert kit.get("Account", acme.account, tenant="acme").balance == 7
    assert seen == ["Account.deposited"]  # a later subscriber still ran
    [failure] = kit.failures
    assert failure.subscriber.endswith("broken")
    assert failure.seq == result.events[0].seq
    assert failure.event == "Account.deposited"
    assert failure.error == f"RuntimeError: mailer down for {acme.account}"
    assert kit.events(since=failure.seq - 1)[0].name == "Account.deposited"


def test_callers_get_named_errors_for_handlers_and_versions() -> None:
    from nounkit import Registry
    from nounkit.errors import Conflict, HandlerError

    reg = Registry.load(Path(__file__).resolve().parents[2] / "nouns", storage="memory://")
    customer = reg.act(
        "create",
        noun="ServiceCustomer",
        data={"name": "A", "type": "business", "status": "prospect"},
    )

    def first(ctx: Any, entity: Any, data: dict[str, Any]) -> None:
        return None

    reg.handles("ServiceCustomer.update", replace=True)(first)
    with pytest.raises(Conflict, match="already has a handler"):
        reg.handles("ServiceCustomer.update")(lambda ctx, entity, data: None)

    def broken(ctx: Any, entity: Any, data: dict[str, Any]) -> Any:
        return 42

    reg.handles("ServiceCustomer.update", replace=True)(broken)
    with pytest.raises(HandlerError, match="broken"):
        reg.act("update", noun="ServiceCustomer", id=customer.id, data={"name": "B"})
    assert reg.get("ServiceCustomer", customer.id).name == "A"  # type: ignore[attr-defined]

    reg.handles("ServiceCustomer.update", replace=True)(first)
    with pytest.raises(Conflict, match="not the expected 7"):
        reg.act("update", noun="ServiceCustomer", id=customer.id, data={"name": "C"},
                expected_version=7)  # fmt: skip
    done = reg.act(
        "update", noun="ServiceCustomer", id=customer.id, data={"name": "C"},
        expected_version=customer.version,
    )  # fmt: skip
    assert (done.version, done.entity.name) == (2, "C")  # type: ignore[attr-defined]
    # The refused acts wrote nothing: the create's event and the one update's.
    assert [e.name for e in reg.events(noun="ServiceCustomer") if e.entity_id == customer.id] == [
        "ServiceCustomer.created",
        "ServiceCustomer.updated",
    ]
