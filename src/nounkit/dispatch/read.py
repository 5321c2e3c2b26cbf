"""Stored records as entities: the compiled model, derived relationships filled in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.compiler.schema import Schema
    from nounkit.language.spec import NounDef
    from nounkit.storage.base import Transaction

__all__ = ["entities"]


def entities(
    schema: Schema,
    noun: NounDef,
    rows: Sequence[Mapping[str, Any]],
    tx: Transaction,
    tenant: str | None,
) -> list[Entity]:
    """Stored records as models, derived relationships filled in: every derived list of
    every record read at once (:meth:`Transaction.related`), not one per record."""
    model = schema.model(noun.name)
    derived = schema.derived_relationships(noun.name)
    if not derived:
        return [model.model_validate(dict(data)) for data in rows]
    ids = [data["id"] for data in rows]
    found = tx.related(list(derived.values()), ids, tenant)
    lists = dict(zip(derived, found, strict=True))
    return [
        model.model_validate(
            {**data, **{name: lists[name].get(data["id"], []) for name in derived}}
        )
        for data in rows
    ]
