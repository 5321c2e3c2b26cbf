"""Behaviour of the customer nouns that YAML cannot declare: the handlers of actions
that change other entities than the one acted on.

Everything else (consume, exhausted, reset, sync, reactivate) is declared in
``nouns/customers.yaml``. A declared ``set:`` changes only the entity acted on;
merging customers moves the duplicate's records, and adding a customer to a segment
writes the customer's ``segment``: both need code, so both are here.

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


def add_customer(ctx: ActionContext, entity: Any, data: dict[str, Any]) -> None:
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


def remove_customer(ctx: ActionContext, entity: Any, data: dict[str, Any]) -> None:
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


HANDLERS: Mapping[str, Any] = {
    "ServiceCustomer.merge": merge,
    "CustomerSegment.addCustomer": add_customer,
    "CustomerSegment.removeCustomer": remove_customer,
}


def register(registry: Registers) -> None:
    """Add the catalog's handlers to a registry that has loaded the customer nouns."""
    for action, handler in HANDLERS.items():
        registry.handles(action)(handler)
