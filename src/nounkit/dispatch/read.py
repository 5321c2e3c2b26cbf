"""Stored records as entities: the compiled model, derived relationships and read-time
values filled in.

What an entity reads of other entities (its derived lists, the related entities and
aggregates its read-time values read) is planned once per noun as storage
:class:`~nounkit.storage.base.Extra` s, and read with the page that needs them:
``Transaction.query_with`` gives the page and all of it in one statement on SQL storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from nounkit.storage.base import Extra, read_extras

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.compiler.schema import Schema
    from nounkit.language.spec import NounDef
    from nounkit.storage.base import Query, Transaction

__all__ = [
    "check_derived",
    "entities",
    "fill_read_time",
    "jsonable",
    "read_page",
    "related_names",
    "related_scope",
    "stamp",
]


def check_derived(schema: Schema, noun: NounDef, where: Any, sort: Any) -> None:
    """A to-many list read from its inverse is not stored with the entity, so no storage
    can filter or sort by it: say how to ask instead of answering every query with []."""
    derived: Mapping[str, tuple[str, str] | None] = schema.derived_relationships(noun.name)
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


def _refuse(
    noun: NounDef, derived: Mapping[str, tuple[str, str] | None], key: str, at: str
) -> None:
    head = key.split(".", 1)[0]
    if head in derived:
        from nounkit.errors import QueryError

        link = derived[head]
        assert link is not None
        source, inverse = link
        raise QueryError(
            f"{at}: {noun.name}.{head} is read from {source}.{inverse} and not stored with "
            f"the {noun.singular}, so it cannot be queried here; query {source} with "
            f"{{{inverse!r}: <id>}} instead"
        )


@dataclass(frozen=True, slots=True)
class _Reads:
    """What a noun's entities read of others, as extras, and where each answer goes."""

    extras: tuple[Extra, ...]
    lists: tuple[tuple[str, int], ...]  # a derived list: (its name, the extra of its ids)
    related: tuple[tuple[str, int], ...]  # entities read: (relationship, the extra)
    measures: tuple[tuple[str, int, int], ...]  # (value, aggregate key, the extra)
    counts: tuple[tuple[str, int, int], ...]  # count(list): (value, key, the list's extra)
    late: tuple[str, ...]  # the read-time values, in the order they are worked out


def _reads(
    schema: Schema, noun: NounDef, *, lists: bool, names: frozenset[str] | None = None
) -> _Reads:
    """The reads of ``noun``'s entities: its derived lists (``lists``) and what its
    read-time values read, or (``names``) only the entities of those relationships."""
    key = f"read.reads:{noun.name}:{lists}:{sorted(names) if names is not None else ''}"
    return schema.memo(key, lambda: _plan_reads(schema, noun, lists, names))


def _plan_reads(schema: Schema, noun: NounDef, lists: bool, names: frozenset[str] | None) -> _Reads:
    derived = schema.derived_relationships(noun.name)
    late = _read_time(noun) if names is None else ()
    pushed, reads = _plan(schema, noun, late) if late else ({}, set())
    if names is not None:
        reads = set(names)
    extras: list[Extra] = []
    related: list[tuple[str, int]] = []
    read_lists: dict[str, int] = {}
    for name in sorted(reads & set(noun.relationships)):
        rel = noun.relationships[name]
        if name in derived:
            source, inverse = derived[name]
            read_lists[name] = len(extras)
            extras.append(Extra("records", source, inverse))
        else:
            extras.append(Extra("targets" if rel.many else "target", rel.target, name))
        related.append((name, len(extras) - 1))
    list_extras: list[tuple[str, int]] = []
    if lists:
        for name, (source, inverse) in derived.items():
            if name not in read_lists:
                read_lists[name] = len(extras)
                extras.append(Extra("ids", source, inverse))
            list_extras.append((name, read_lists[name]))
    measures: list[tuple[str, int, int]] = []
    counts: list[tuple[str, int, int]] = []
    for rel_name, wanted in pushed.items():
        source, inverse = derived[rel_name]
        for value, aggregate in wanted:
            if aggregate.function == "count" and aggregate.condition is None and lists:
                # The list is read anyway: its length is the count.
                counts.append((value, aggregate.key, read_lists[rel_name]))
                continue
            measure = (aggregate.function, aggregate.property, aggregate.condition or None)
            measures.append((value, aggregate.key, len(extras)))
            extras.append(Extra("aggregate", source, inverse, measure))
    return _Reads(
        tuple(extras), tuple(list_extras), tuple(related), tuple(measures), tuple(counts), late
    )


def entities(
    schema: Schema,
    noun: NounDef,
    rows: Sequence[Mapping[str, Any]],
    tx: Transaction,
    tenant: str | None,
) -> list[Entity]:
    """Stored records as models, derived lists and read-time values filled in: what they
    read of other entities read at once for every record (:func:`read_extras`), never
    once per record."""
    model = schema.model(noun.name)
    reads = _reads(schema, noun, lists=True)
    if not reads.extras and not reads.late:
        return [model.model_validate(dict(data)) for data in rows]
    filled = [dict(data) for data in rows]
    found = read_extras(tx, filled, reads.extras, tenant) if reads.extras else None
    _fill(schema, noun, reads, filled, found)
    return [model.model_validate(data) for data in filled]


def _fill(
    schema: Schema,
    noun: NounDef,
    reads: _Reads,
    filled: list[dict[str, Any]],
    found: Sequence[Sequence[Any]] | None,
) -> None:
    """Stored data completed in place: derived lists, then read-time values (as stored)."""
    extras = found if found is not None else [() for _ in filled]
    for data, mine in zip(filled, extras, strict=True):
        for name, index in reads.lists:
            value = mine[index]
            data[name] = (
                [r["id"] for r in value] if reads.extras[index].kind == "records" else value
            )
    if reads.late:
        model = schema.model(noun.name)
        # Derived lists left out: an expression reads them as the related entities (or
        # their aggregates), never as ids, and a long list is costly to validate twice.
        lists = {name for name, _ in reads.lists}
        values = [
            model.model_validate(
                {k: v for k, v in data.items() if k not in lists} if lists else data
            ).model_dump(by_alias=True)
            for data in filled
        ]
        _evaluate(schema, noun, reads, values, extras)
        for data, worked in zip(filled, values, strict=True):
            data.update({name: jsonable(worked[name]) for name in reads.late})


def _evaluate(
    schema: Schema,
    noun: NounDef,
    reads: _Reads,
    values: list[dict[str, Any]],
    found: Sequence[Sequence[Any]],
    *,
    now: Any = None,
) -> None:
    """Each read-time value of each of ``values`` (Python values), worked out in place
    over what ``found`` read for it."""
    from nounkit.errors import FieldError, ValidationError
    from nounkit.language.expressions import EvaluationError

    for entry, mine in zip(values, found, strict=True):
        scope = _scope(schema, noun, reads, entry, mine)
        given: dict[str, dict[int, Any]] = {}
        for value, key, index in reads.measures:
            given.setdefault(value, {})[key] = mine[index]
        for value, key, index in reads.counts:
            given.setdefault(value, {})[key] = len(mine[index])
        for name in reads.late:
            expression = noun.properties[name].computed
            assert expression is not None
            try:
                entry[name] = scope[name] = expression.evaluate(
                    scope, now=now, aggregates=given.get(name)
                )
            except EvaluationError as exc:
                raise ValidationError(
                    noun.name,
                    [FieldError(name, f"cannot compute at read time: {exc}")],
                    id=entry.get("id"),
                ) from exc


def _scope(
    schema: Schema, noun: NounDef, reads: _Reads, entry: Mapping[str, Any], mine: Sequence[Any]
) -> dict[str, Any]:
    """``entry`` with each relationship read replaced by the related entities' values:
    a to-one's entity (or None), a to-many's list."""
    scope = dict(entry)
    for name, index in reads.related:
        extra, value = reads.extras[index], mine[index]
        model = schema.model(extra.noun)

        def dump(data: Mapping[str, Any], model: Any = model) -> dict[str, Any]:
            return dict(model.model_validate(dict(data)).model_dump(by_alias=True))

        if extra.kind == "records":
            scope[name] = [dump(data) for data in value]
        elif extra.kind == "targets":
            scope[name] = [dump(value[i]) for i in entry.get(name) or [] if i in value]
        else:
            scope[name] = dump(value) if value is not None else None
    return scope


def _read_time(noun: NounDef) -> tuple[str, ...]:
    return tuple(n for n in noun.computed_order if noun.properties[n].read_time)


def stamp(moment: datetime) -> str:
    """An instant as storage writes it: ``2026-11-21T12:00:00.000000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def jsonable(value: Any) -> Any:
    """Python values (dates, datetimes, nested) as they are stored; a naive datetime is UTC."""
    if isinstance(value, datetime):
        return stamp(value) if value.tzinfo is not None else stamp(value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def fill_read_time(
    schema: Schema,
    noun: NounDef,
    values: list[dict[str, Any]],
    tx: Transaction,
    tenant: str | None,
    *,
    now: Any = None,
) -> None:
    """Work out the read-time values (``stored: false``) of each of ``values`` (Python
    values by property name), in place, inside ``tx``. What they read of related
    entities is read once for the whole list (:func:`read_extras`), never once per
    entity."""
    reads = _reads(schema, noun, lists=False)
    if not reads.late or not values:
        return
    found = read_extras(tx, values, reads.extras, tenant)
    _evaluate(schema, noun, reads, values, found, now=now)


def related_names(noun: NounDef, expressions: Iterable[Any]) -> frozenset[str]:
    """The relationships ``expressions`` read into (``team.status``, ``sum(people.spend)``,
    ``count(people, status == 'a')``): their related entities must be read for them. A
    relationship read as itself (its id, its list of ids) needs nothing more."""
    found: set[str] = set()
    for expression in expressions:
        found.update(path.split(".", 1)[0] for path in expression.paths if "." in path)
        found.update(scope.items.split(".", 1)[0] for scope in expression.scopes)
    return frozenset(found & set(noun.relationships))


def related_scope(
    schema: Schema,
    noun: NounDef,
    values: Mapping[str, Any],
    names: frozenset[str],
    tx: Transaction,
    tenant: str | None,
) -> dict[str, Any]:
    """``values`` with each of its relationships among ``names`` replaced by the related
    entities' values (a to-one's entity, a to-many's list): what an expression reading
    ``customer.status`` or ``count(customers)`` reads, inside the caller's transaction."""
    reads = _reads(schema, noun, lists=False, names=names & frozenset(noun.relationships))
    entry = dict(values)
    (found,) = read_extras(tx, [entry], reads.extras, tenant)
    return _scope(schema, noun, reads, entry, found)


def _plan(
    schema: Schema, noun: NounDef, late: Sequence[str]
) -> tuple[dict[str, list[tuple[str, Any]]], set[str]]:
    """Which read-time aggregates storage works out (by derived relationship: each
    (value's name, aggregate)), and the relationships whose entities are read instead."""
    derived = schema.derived_relationships(noun.name)
    candidates: dict[str, list[tuple[str, Any]]] = {}
    reads: set[str] = set()
    for name in late:
        expression = noun.properties[name].computed
        assert expression is not None
        aggregates, outside = expression.aggregates()
        reads |= outside
        for aggregate in aggregates:
            candidates.setdefault(aggregate.items, []).append((name, aggregate))
    pushed: dict[str, list[tuple[str, Any]]] = {}
    for rel_name, wanted in candidates.items():
        link = derived.get(rel_name)
        if (
            link is not None
            and rel_name not in reads
            and all(
                a.condition is not False
                and _numeric(schema.noun(link[0]), a.property)
                and _pushable(schema.noun(link[0]), a.condition)
                for _, a in wanted
            )
        ):
            pushed[rel_name] = wanted
        else:
            reads.add(rel_name)
    return pushed, reads


_LITERAL_KINDS = {
    bool: {"boolean"},
    str: {"string", "text", "markdown", "url", "email", "uuid"},
    int: {"number", "integer"},
    float: {"number", "integer"},
}


def _pushable(source: NounDef, where: Any) -> bool:
    """Whether a condition's where means in storage what it means in an expression:
    comparisons of scalar properties (no lists, no dates, no read-time values) with
    literals of their own kind; anything else is worked out over the items here."""
    if where is None:
        return True
    if not isinstance(where, Mapping):
        return False
    for key, value in where.items():
        if key in ("$and", "$or"):
            if not all(_pushable(source, part) for part in value):
                return False
            continue
        prop = source.properties.get(key)
        if prop is None or prop.array or prop.read_time or prop.is_value:
            return False
        literal = next(iter(value.values())) if isinstance(value, Mapping) else value
        if prop.type not in _LITERAL_KINDS.get(type(literal), set()):
            return False
    return True


def _numeric(source: NounDef, prop: str | None) -> bool:
    """Whether storage's own aggregates agree with the expression's over this property."""
    found = source.properties.get(prop) if prop else None
    return prop is None or (
        found is not None
        and found.type in ("number", "integer")
        and not found.array
        and not found.read_time
    )


def read_page(
    schema: Schema, noun: NounDef, query: Query, tx: Transaction, tenant: str | None
) -> tuple[list[Entity], str | None]:
    """One page of a list query as entities, and the cursor of the next.

    Storage answers the query and reads what its entities read of others with it
    (``Transaction.query_with``: one statement on SQL storage). When ``where`` or
    ``sort`` reads a read-time value, storage answers the part that reads none with
    what every candidate reads, their read-time values are worked out, and the rest of
    the query runs over them here, as the reference evaluator every backend agrees with
    runs it: still one statement, over every candidate instead of one page."""
    from nounkit.storage.base import Query as StorageQuery
    from nounkit.storage.query import plan_query, reference_query

    model = schema.model(noun.name)
    reads = _reads(schema, noun, lists=True)
    late = set(reads.late)
    keys = _late_keys(query.where, query.sort, late)
    computed = None
    if keys and tx.computed_queries:
        computed = _computed(schema, noun, keys)
    if not keys or computed is not None:  # storage answers it all: one page read
        page = tx.query_with(noun.name, query, tenant, reads.extras, computed)
        filled = [dict(r.data) for r in page.records]
        if reads.extras or reads.late:
            _fill(schema, noun, reads, filled, page.extras if reads.extras else None)
        return [model.model_validate(data) for data in filled], page.cursor
    plan = plan_query(noun, query)  # checked whole first: a bad query fails as it would
    pushed = _without_late(query.where, late)
    candidates = tx.query_with(noun.name, StorageQuery(where=pushed), tenant, reads.extras)
    filled = [dict(r.data) for r in candidates.records]
    _fill(schema, noun, reads, filled, candidates.extras if reads.extras else None)
    records = [
        replace(r, data={k: v for k, v in data.items() if v is not None or k not in late})
        for r, data in zip(candidates.records, filled, strict=True)
    ]
    page = reference_query(records, plan)
    return [model.model_validate(r.data) for r in page.records], page.cursor


# The kinds of a path's value that SQL compares as the reference evaluator does.
_SQL_PATH_TYPES = frozenset({"string", "text", "markdown", "url", "email", "uuid", "number",
                             "integer", "date"})  # fmt: skip


def _computed(schema: Schema, noun: NounDef, keys: set[str]) -> dict[str, Extra] | None:
    """The read-time values a query's where and sort read (``keys``), each as the extra
    that works it out in SQL, when every one is a bare aggregate over a derived list
    (``count(customers)``, ``sum(customers.spend)``) or a bare to-one path
    (``customer.status``); None when any is more (then it is worked out here)."""
    found: dict[str, Extra] = {}
    for key in sorted(keys):
        extra = schema.memo(
            f"read.computed:{noun.name}.{key}", partial(_sql_value, schema, noun, key)
        )
        if extra is None:
            return None
        found[key] = extra
    return found


def _sql_value(schema: Schema, noun: NounDef, name: str) -> Extra | None:
    prop = noun.properties.get(name)
    if prop is None or prop.computed is None or prop.array or prop.is_value:
        return None  # a dotted key into a read-time value, a list: worked out here
    sole = prop.computed.sole()
    derived = schema.derived_relationships(noun.name)
    if isinstance(sole, str):
        rel_name, _, path = sole.partition(".")
        rel = noun.relationships.get(rel_name)
        if rel is None or rel.many or rel_name in derived or not path or "." in path:
            return None
        target = schema.noun(rel.target).properties.get(path)
        if (
            target is None
            or target.array
            or target.read_time
            or target.is_value
            or target.type not in _SQL_PATH_TYPES
            or target.type != prop.type
        ):
            return None
        return Extra("value", rel.target, rel_name, path=path)
    if sole is None or sole.items not in derived or prop.type not in ("number", "integer"):
        return None
    source, inverse = derived[sole.items]
    if (
        sole.condition is False
        or not _numeric(schema.noun(source), sole.property)
        or not _pushable(schema.noun(source), sole.condition)
    ):
        return None
    return Extra("aggregate", source, inverse, (sole.function, sole.property, sole.condition))


def _late_keys(where: Any, sort: Any, late: set[str]) -> set[str]:
    """The keys of ``where`` (at any depth of $and, $or and $not) and ``sort`` that read
    a read-time value. Walked without recursion: the where is not checked yet."""
    keys: set[str] = set()
    pending: list[Any] = [where]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in ("$and", "$or", "$not"):
                    pending.append(value)
                elif isinstance(key, str) and key.split(".", 1)[0] in late:
                    keys.add(key)
        elif isinstance(node, list | tuple):
            pending.extend(node)
    if isinstance(sort, Mapping):
        keys.update(k for k in sort if isinstance(k, str) and k.split(".", 1)[0] in late)
    return keys


def _without_late(where: Any, late: set[str]) -> dict[str, Any] | None:
    """The top-level conditions of ``where`` that read no read-time value: what storage
    can narrow the candidates with (the whole ``where`` is applied again after)."""
    if not isinstance(where, Mapping):
        return None
    kept = {key: value for key, value in where.items() if not _late_keys({key: value}, None, late)}
    return kept or None
