"""Randomised queries: every backend must answer exactly as the reference evaluator.

Hypothesis draws a handful of ``Probe`` records (every value type, with
nulls, missing values, lists, datetimes in many offsets and fraction
lengths) and queries over them (``where`` trees of every operator, ``sort``,
``limit``, ``offset``); the backend's pages, counts and cursor walks must
equal :func:`nounkit.storage.query.reference_query` on the same records.
Each example writes into a tenant of its own, so one store serves them all.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nounkit.storage import Query, Record, Storage
from nounkit.storage.query import plan_query, reference_query
from nounkit.testing.probe import PROBE, make_record

__all__ = ["QueryEquivalenceContract", "probe_data", "queries"]

TEXTS = ["", "a", "ab", "b", "B", "é", "Zoë", "😀", "a b"]
NUMBERS: list[float] = [-2.5, -1, 0, -0.0, 0.1, 1, 1.0, 2, 7.25, 40, 1e6]
DATES = ["2025-12-31", "2026-01-01", "2026-01-31", "2026-02-01", "2024-02-29"]
# Several spellings of few instants: offsets, fraction lengths, lower-case letters.
INSTANTS = [
    "2026-01-01T00:00:00Z",
    "2026-01-01T05:30:00+05:30",
    "2025-12-31T19:00:00.000-05:00",
    "2026-01-01t00:00:00z",
    "2026-01-01T00:00:00.5Z",
    "2026-01-01T00:00:00.500000000+00:00",
    "2026-01-01T00:00:00.000000001Z",
    "2026-01-01T00:00:00.0000000001Z",
    "2025-12-31T23:59:59.999999Z",
    "2026-06-30T12:00:00-00:00",
    "1999-12-31T23:59:59+14:00",
]
IDS = ["r0", "r1", "r2", "r3"]

text = st.one_of(st.sampled_from(TEXTS), st.text(alphabet="abBé😀 ", max_size=3))
number = st.one_of(st.sampled_from(NUMBERS), st.integers(-5, 5))
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "name": text,
    "note": text,
    "score": number,
    "count": st.integers(-3, 3),
    "flag": st.booleans(),
    "day": st.sampled_from(DATES),
    "at": st.sampled_from(INSTANTS),
    "owner": st.sampled_from(IDS),
}
LISTS: dict[str, st.SearchStrategy[Any]] = {
    "tags": text,
    "stamps": st.sampled_from(INSTANTS),
    "members": st.sampled_from(IDS),
}
SORTABLE = ["id", *VALUES, "place.city", "place.rank", "place.when"]
ORDERED = {"name", "note", "score", "count", "day", "at", "owner", "id"}
# Fields of the Spot value type, and the paths that reach them: once (place), through a
# list (visits), as a list inside a value (place.labels) and through one (visits.labels).
SPOT: dict[str, st.SearchStrategy[Any]] = {
    "city": text,
    "rank": number,
    "when": st.sampled_from(INSTANTS),
}
PATHS = {
    f"{holder}.{name}": values for holder in ("place", "visits") for name, values in SPOT.items()
}


def _spot() -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, st.SearchStrategy[Any]] = {
        name: st.one_of(values, values, st.none()) for name, values in SPOT.items()
    }
    optional["labels"] = st.one_of(st.lists(text, max_size=3), st.none())
    return st.fixed_dictionaries({}, optional=optional)


def probe_data() -> st.SearchStrategy[dict[str, Any]]:
    """One Probe's data: each field missing, null or a value."""
    # Values come twice as often as nulls: comparisons need something to compare.
    optional: dict[str, st.SearchStrategy[Any]] = {
        name: st.one_of(values, values, st.none()) for name, values in VALUES.items()
    }
    for name, items in LISTS.items():
        optional[name] = st.one_of(st.lists(items, max_size=3), st.none())
    optional["doc"] = st.none() | st.fixed_dictionaries({"k": st.integers(0, 2)})
    optional["place"] = st.none() | _spot()
    optional["visits"] = st.none() | st.lists(_spot(), max_size=3)
    return st.fixed_dictionaries({}, optional=optional)


def _comparison(name: str) -> st.SearchStrategy[dict[str, Any]]:
    values = {**VALUES, **PATHS, **SPOT}.get(name) if name != "id" else None
    if values is None:
        values = st.sampled_from(IDS)
    maybe_null = st.none() | values
    ops: list[st.SearchStrategy[Any]] = [
        values,
        st.builds(lambda v: {"$eq": v}, maybe_null),
        st.builds(lambda v: {"$ne": v}, maybe_null),
        st.builds(lambda v: {"$in": v}, st.lists(maybe_null, max_size=3)),
        st.builds(lambda v: {"$nin": v}, st.lists(maybe_null, max_size=3)),
        st.builds(lambda v: {"$exists": v}, st.booleans()),
    ]
    if name in ORDERED or name in PATHS or name in SPOT:
        ops += [
            st.builds(
                lambda op, v: {op: v}, st.sampled_from(["$gt", "$gte", "$lt", "$lte"]), values
            ),
            st.builds(lambda a, b: {"$gte": a, "$lt": b}, values, values),
        ]
    if name in ("name", "note", "place.city", "city"):
        ops.append(st.builds(lambda v: {"$contains": v}, text))
    field = st.one_of(ops)
    field = field | st.builds(lambda v: {"$not": v if isinstance(v, dict) else {"$eq": v}}, field)
    return field.map(lambda cond: {name: cond})


def _list_test(name: str) -> st.SearchStrategy[dict[str, Any]]:
    items = LISTS[name]
    ops = st.one_of(
        items,
        st.builds(lambda v: {"$eq": v}, items),
        st.builds(lambda v: {"$ne": v}, items),
        st.builds(lambda v: {"$in": v}, st.lists(st.none() | items, max_size=3)),
        st.builds(lambda v: {"$nin": v}, st.lists(items, max_size=3)),
        st.builds(lambda v: {"$contains": v}, items | st.lists(items, max_size=2)),
        st.builds(lambda v: {"$exists": v}, st.booleans()),
    )
    return ops.map(lambda cond: {name: cond})


def _nested_test() -> st.SearchStrategy[dict[str, Any]]:
    """Lists inside values, list lengths, and several conditions on one item."""
    labels = st.sampled_from(["place.labels", "visits.labels"])
    inner = st.one_of(*(_comparison(name) for name in SPOT))
    return st.one_of(
        st.builds(lambda n, v: {n: v}, labels, text),
        st.builds(lambda n, v: {n: {"$contains": v}}, labels, st.lists(text, max_size=2)),
        st.builds(lambda n, v: {n: {"$exists": v}}, labels, st.booleans()),
        st.builds(
            lambda n, v: {n: {"$size": v}},
            st.sampled_from(["tags", "visits", "place.labels"]),
            st.integers(0, 3),
        ),
        st.builds(
            lambda xs: {"visits": {"$elemMatch": {k: v for x in xs for k, v in x.items()}}},
            st.lists(inner, min_size=1, max_size=3),
        ),
        st.builds(lambda v: {n: {"$exists": v} for n in ("place", "visits")}, st.booleans()),
    )


def wheres() -> st.SearchStrategy[dict[str, Any]]:
    """``where`` trees over every Probe field and operator."""
    leaves = st.one_of(
        *(_comparison(name) for name in [*VALUES, "id"]),
        *(_list_test(name) for name in LISTS),
        st.builds(lambda v: {"doc": {"$exists": v}}, st.booleans()),
        *(_comparison(name) for name in PATHS),
        _nested_test(),
    )

    def combine(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        return st.one_of(
            st.builds(lambda xs: {"$and": xs}, st.lists(children, min_size=1, max_size=3)),
            st.builds(lambda xs: {"$or": xs}, st.lists(children, min_size=1, max_size=3)),
            st.builds(lambda x: {"$not": x}, children),
            st.builds(lambda a, b: {**b, **a}, children, children),
        )

    return st.recursive(leaves, combine, max_leaves=6)


def queries() -> st.SearchStrategy[Query]:
    sorts = st.dictionaries(st.sampled_from(SORTABLE), st.sampled_from([1, -1]), max_size=2)
    return st.builds(
        Query,
        where=st.one_of(wheres(), wheres(), wheres(), st.none()),
        sort=st.none() | sorts,
        limit=st.none() | st.integers(0, 4),
        offset=st.integers(0, 2),
    )


_TENANTS = itertools.count()


class QueryEquivalenceContract:
    """The backend's query results equal the plain-Python reference's, query for query."""

    query_examples = 100

    def test_queries_match_the_reference_evaluator(self, storage: Storage) -> None:
        @settings(
            max_examples=self.query_examples,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            database=None,
        )
        @given(
            rows=st.lists(probe_data(), max_size=10),
            asked=st.lists(queries(), min_size=1, max_size=6),
        )
        def check(rows: list[dict[str, Any]], asked: list[Query]) -> None:
            tenant = f"t{next(_TENANTS)}"
            records = [
                make_record(f"r{i}", {**data, "email": f"{i}@example.org"}, tenant=tenant)
                for i, data in enumerate(rows)
            ]
            with storage.transaction() as tx:
                for record in records:
                    tx.insert(record)
            for query in asked:
                self._agree(storage, records, query, tenant)

        check()

    def _agree(self, storage: Storage, records: list[Record], query: Query, tenant: str) -> None:
        expected = reference_query(records, plan_query(PROBE, query))
        got = storage.query("Probe", query, tenant)
        assert [r.id for r in got.records] == [r.id for r in expected.records], query
        assert got.records == expected.records
        assert (got.cursor is None) == (expected.cursor is None), query
        everything = reference_query(records, plan_query(PROBE, replace(query, limit=None)))
        assert storage.count("Probe", query.where, tenant) == len(
            reference_query(records, plan_query(PROBE, Query(where=query.where))).records
        )
        # Walking the cursor from the first page reaches every later record, in order.
        if query.limit:
            walked: list[str] = []
            page = got
            walked += [r.id for r in page.records]
            while page.cursor is not None:
                page = storage.query("Probe", replace(query, after=page.cursor, offset=0), tenant)
                walked += [r.id for r in page.records]
            assert walked == [r.id for r in everything.records], query
