"""Stored records as entities: the compiled model, derived relationships filled in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.compiler.schema import Schema
    from nounkit.language.spec import NounDef
    from nounkit.storage.base import Page, Query, Transaction

__all__ = [
    "check_derived",
    "entities",
    "fill_read_time",
    "jsonable",
    "query_page",
    "related_names",
    "related_scope",
    "stamp",
]

# How many ids one related read asks for at once: a long page is read in a few
# statements, never one per entity, and no statement grows past what SQL takes.
_CHUNK = 500


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
    late = _read_time(noun)
    if not derived and not late:
        return [model.model_validate(dict(data)) for data in rows]
    filled = [dict(data) for data in rows]
    if derived:
        ids = [data["id"] for data in rows]
        found = tx.related(list(derived.values()), ids, tenant)
        lists = dict(zip(derived, found, strict=True))
        for data in filled:
            data.update({name: lists[name].get(data["id"], []) for name in derived})
    if late:
        entities_ = [model.model_validate(data) for data in filled]
        values = [e.model_dump(by_alias=True) for e in entities_]
        fill_read_time(schema, noun, values, tx, tenant)
        for data, worked in zip(filled, values, strict=True):
            data.update({name: jsonable(worked[name]) for name in late})
    return [model.model_validate(data) for data in filled]


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
    values by property name), in place. What they read of related entities is read once
    for the whole list: one read per relationship (in chunks of a few hundred ids), never
    one per entity."""
    late = _read_time(noun)
    if not late or not values:
        return
    from nounkit.errors import FieldError, ValidationError
    from nounkit.language.expressions import EvaluationError

    pushed, reads = schema.memo(f"read.plan:{noun.name}", lambda: _plan(schema, noun, late))
    related = {
        name: _related(schema, noun, name, values, tx, tenant)
        for name in sorted(reads & set(noun.relationships))
    }
    # Aggregates storage works out itself, grouped: one statement per relationship (and
    # chunk of owners), whatever the page's length.
    given: list[dict[str, dict[int, Any]]] = [{} for _ in values]
    owners = [e["id"] for e in values if e.get("id") is not None]
    for rel_name, wanted in pushed.items():
        source, inverse = schema.derived_relationships(noun.name)[rel_name]
        measures = [(a.function, a.property, a.condition or None) for _, a in wanted]
        found = tx.aggregate(source, inverse, owners, measures, tenant)
        for entry, mine in zip(values, given, strict=True):
            results = found.get(str(entry.get("id")), [])
            for (name, aggregate), result in zip(wanted, results, strict=True):
                mine.setdefault(name, {})[aggregate.key] = result
    for entry, mine in zip(values, given, strict=True):
        scope = _with_related(schema, noun, entry, related)
        for name in late:
            expression = noun.properties[name].computed
            assert expression is not None
            try:
                entry[name] = scope[name] = expression.evaluate(
                    scope, now=now, aggregates=mine.get(name)
                )
            except EvaluationError as exc:
                raise ValidationError(
                    noun.name,
                    [FieldError(name, f"cannot compute at read time: {exc}")],
                    id=entry.get("id"),
                ) from exc


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
    entry = dict(values)
    related = {
        name: _related(schema, noun, name, [entry], tx, tenant)
        for name in sorted(names & set(noun.relationships))
    }
    return _with_related(schema, noun, entry, related)


def _with_related(
    schema: Schema, noun: NounDef, entry: Mapping[str, Any], related: Mapping[str, Any]
) -> dict[str, Any]:
    scope = dict(entry)
    derived = schema.derived_relationships(noun.name)
    for name, found in related.items():
        rel = noun.relationships[name]
        if name in derived:
            scope[name] = found.get(entry.get("id"), [])
        elif rel.many:
            scope[name] = [found[i] for i in entry.get(name) or [] if i in found]
        else:
            linked = entry.get(name)
            scope[name] = found.get(linked) if isinstance(linked, str) else None
    return scope


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


def _related(
    schema: Schema,
    noun: NounDef,
    name: str,
    values: list[dict[str, Any]],
    tx: Transaction,
    tenant: str | None,
) -> dict[Any, Any]:
    """One relationship's related entities, as Python values: by id (to-one, and lists of
    ids), or by the owner's id (lists derived from their inverse)."""
    from nounkit.storage.base import Query

    rel = noun.relationships[name]
    derived = schema.derived_relationships(noun.name)
    if name in derived:
        source, inverse = derived[name]
        target, field = schema.noun(source), inverse
        wanted = sorted({e["id"] for e in values if e.get("id") is not None})
    else:
        target, field = schema.noun(rel.target), "id"
        ids: set[str] = set()
        for entry in values:
            linked = entry.get(name)
            if isinstance(linked, list):
                ids.update(i for i in linked if isinstance(i, str))
            elif isinstance(linked, str):
                ids.add(linked)
        wanted = sorted(ids)
    model = schema.model(target.name)
    found: dict[Any, Any] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        page = tx.query(target.name, Query(where={field: {"$in": chunk}}), tenant)
        for record in page.records:
            item = model.model_validate(record.data).model_dump(by_alias=True)
            if field == "id":
                found[record.id] = item
            else:
                found.setdefault(record.data.get(field), []).append(item)
    return found


def query_page(
    schema: Schema, noun: NounDef, query: Query, tx: Transaction, tenant: str | None
) -> Page:
    """One page of a list query. Storage answers it, unless its ``where`` or ``sort``
    reads a read-time value: then storage answers the part that reads none, every
    candidate's read-time values are worked out (a few statements for all of them,
    never one per entity), and the rest of the query runs over them here, as the
    reference evaluator every backend agrees with runs it."""
    from nounkit.storage.base import Query as StorageQuery
    from nounkit.storage.query import plan_query, reference_query

    late = set(_read_time(noun))
    if not late or not (_reads_late(query.where, late) or _sorts_late(query.sort, late)):
        return tx.query(noun.name, query, tenant)
    plan = plan_query(noun, query)  # checked whole first: a bad query fails as it would
    pushed = _without_late(query.where, late)
    found = tx.query(noun.name, StorageQuery(where=pushed), tenant).records
    model = schema.model(noun.name)
    values = [model.model_validate(dict(r.data)).model_dump(by_alias=True) for r in found]
    fill_read_time(schema, noun, values, tx, tenant)
    records = [
        replace(r, data={**r.data, **{n: jsonable(v[n]) for n in late if v[n] is not None}})
        for r, v in zip(found, values, strict=True)
    ]
    return reference_query(records, plan)


def _reads_late(where: Any, late: set[str]) -> bool:
    if isinstance(where, Mapping):
        for key, value in where.items():
            if key in ("$and", "$or", "$not"):
                if _reads_late(value, late):
                    return True
            elif isinstance(key, str) and key.split(".", 1)[0] in late:
                return True
    elif isinstance(where, list | tuple):
        return any(_reads_late(item, late) for item in where)
    return False


def _sorts_late(sort: Any, late: set[str]) -> bool:
    return isinstance(sort, Mapping) and any(
        isinstance(key, str) and key.split(".", 1)[0] in late for key in sort
    )


def _without_late(where: Any, late: set[str]) -> dict[str, Any] | None:
    """The top-level conditions of ``where`` that read no read-time value: what storage
    can narrow the candidates with (the whole ``where`` is applied again after)."""
    if not isinstance(where, Mapping):
        return None
    kept = {key: value for key, value in where.items() if not _reads_late({key: value}, late)}
    return kept or None
