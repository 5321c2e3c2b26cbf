"""Stored records as entities: the compiled model, derived relationships filled in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.compiler.schema import Schema
    from nounkit.language.spec import NounDef
    from nounkit.storage.base import Transaction

__all__ = ["check_derived", "entities"]


def check_derived(schema: Schema, noun: NounDef, where: Any, sort: Any) -> None:
    """A to-many list read from its inverse is not stored with the entity, so no storage
    can filter or sort by it: say how to ask instead of answering every query with []."""
    derived = schema.derived_relationships(noun.name)
    if not derived:
        return
    pending: list[tuple[Any, str]] = [(where, "where")]
    if isinstance(sort, Mapping):
        pending.extend((None, f"sort.{key}") for key in sort if isinstance(key, str))
    while pending:
        node, at = pending.pop()
        if node is None and at.startswith("sort."):
            _refuse(noun, derived, at.removeprefix("sort."), at)
            continue
        if isinstance(node, list | tuple):
            pending.extend((item, f"{at}[{i}]") for i, item in enumerate(node))
        elif isinstance(node, Mapping):
            for key, value in node.items():
                if not isinstance(key, str):
                    continue
                if key in ("$and", "$or", "$not"):
                    pending.append((value, f"{at}.{key}"))
                else:
                    _refuse(noun, derived, key, f"{at}.{key}")


def _refuse(noun: NounDef, derived: Mapping[str, tuple[str, str]], key: str, at: str) -> None:
    head = key.split(".", 1)[0]
    if head in derived:
        from nounkit.errors import QueryError

        source, inverse = derived[head]
        raise QueryError(
            f"{at}: {noun.name}.{head} is read from {source}.{inverse} and not stored with "
            f"the {noun.singular}, so it cannot be queried here; query {source} with "
            f"{{{inverse!r}: <id>}} instead"
        )


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
