"""Behaviour of the customer nouns: the handlers their custom actions need.

Loaded by naming this module under ``handlers`` in the configuration; the
registry then calls :func:`register`. Every handler runs inside its act's
transaction, so what it changes (here or through ``ctx.act``) commits or rolls
back with the action.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nounkit.errors import FieldError, ValidationError

if TYPE_CHECKING:
    from nounkit.dispatch.context import ActionContext, Registers

__all__ = ["register"]


def consume(ctx: ActionContext, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Use some of an entitlement; reaching the limit exhausts it."""
    assert entity is not None  # every one of these actions acts on an entity
    amount = data["amount"]
    used = (entity.usedAmount or 0) + amount
    limit, unlimited = entity.limit, bool(entity.unlimited)
    if not unlimited and limit is not None and used > limit:
        remaining = limit - (entity.usedAmount or 0)
        raise ValidationError(
            ctx.noun.name,
            [
                FieldError(
                    "consume.amount",
                    f"only {remaining:g} of the limit {limit:g} remains; the "
                    "entitlement is not unlimited",
                    amount,
                )
            ],
            id=ctx.id,
        )
    changes: dict[str, Any] = {"usedAmount": used}
    if not unlimited and limit is not None and used >= limit:
        changes["status"] = "exhausted"
        ctx.emit("exhausted", {"usedAmount": used, "limit": limit})
    return changes


def reset(ctx: ActionContext, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Start a new usage period."""
    return {"usedAmount": 0, "lastResetAt": ctx.now}


def merge(ctx: ActionContext, entity: Any, data: dict[str, Any]) -> None:
    """Fold a duplicate customer into this one: its records move here, then it goes."""
    assert entity is not None  # every one of these actions acts on an entity
    duplicate = data["duplicate"]
    if duplicate == entity.id:
        raise ValidationError(
            ctx.noun.name,
            [FieldError("merge.duplicate", "a customer cannot be merged into itself", duplicate)],
            id=ctx.id,
        )
    other = ctx.get("ServiceCustomer", duplicate)
    # The customer's to-many relationships are read from their inverse to-ones
    # (ServiceEntitlement.customer and the like): moving those moves the records.
    for source, inverse in ctx.schema.derived_relationships(ctx.noun.name).values():
        for owned in ctx.find(source, {inverse: duplicate}):
            ctx.act("update", noun=source, id=owned.id, data={inverse: entity.id})
    if other.segment is not None:
        if entity.segment is None:  # it takes the duplicate's place: the count stands
            ctx.act("update", noun="ServiceCustomer", id=entity.id, data={"segment": other.segment})
        else:  # the duplicate leaves its segment, whose count must drop
            ctx.act(
                "removeCustomer",
                noun="CustomerSegment",
                id=other.segment,
                data={"customer": duplicate},
            )
    ctx.act("delete", noun="ServiceCustomer", id=duplicate)


def _members(ctx: ActionContext, segment: str) -> int:
    return len(ctx.find("ServiceCustomer", {"segment": segment}))


def add_customer(ctx: ActionContext, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Put a customer in this segment (a customer belongs to one segment at a time)."""
    assert entity is not None  # every one of these actions acts on an entity
    customer = ctx.get("ServiceCustomer", data["customer"])
    if customer.segment is not None and customer.segment != entity.id:
        # It moves: the segment it leaves counts one fewer.
        ctx.act(
            "removeCustomer",
            noun="CustomerSegment",
            id=customer.segment,
            data={"customer": customer.id},
        )
    ctx.act("update", noun="ServiceCustomer", id=customer.id, data={"segment": entity.id})
    return {"customerCount": _members(ctx, entity.id)}


def remove_customer(ctx: ActionContext, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Take a customer out of this segment; one not in it is a ValidationError."""
    assert entity is not None  # every one of these actions acts on an entity
    customer = ctx.get("ServiceCustomer", data["customer"])
    if customer.segment != entity.id:
        raise ValidationError(
            ctx.noun.name,
            [
                FieldError(
                    "removeCustomer.customer",
                    f"ServiceCustomer {customer.id!r} is not in this segment",
                    data["customer"],
                )
            ],
            id=ctx.id,
        )
    ctx.act("update", noun="ServiceCustomer", id=customer.id, data={"segment": None})
    return {"customerCount": _members(ctx, entity.id)}


def sync(ctx: ActionContext, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Refresh the member count; a segment with no members is inactive."""
    assert entity is not None  # every one of these actions acts on an entity
    count = _members(ctx, entity.id)
    return {
        "customerCount": count,
        "lastSyncedAt": ctx.now,
        "status": "active" if count else "inactive",
    }


HANDLERS: Mapping[str, Any] = {
    "ServiceEntitlement.consume": consume,
    "ServiceEntitlement.reset": reset,
    "ServiceCustomer.merge": merge,
    "CustomerSegment.addCustomer": add_customer,
    "CustomerSegment.removeCustomer": remove_customer,
    "CustomerSegment.sync": sync,
}


def register(registry: Registers) -> None:
    """Add the catalog's handlers to a registry that has loaded the customer nouns."""
    for action, handler in HANDLERS.items():
        registry.handles(action)(handler)
