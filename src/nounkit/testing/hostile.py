"""Hostile input: whatever a caller throws at a backend, only nounkit errors come out.

Hypothesis draws queries (nested ``$and``/``$or``/``$not`` past every limit, huge
``$in`` lists, unknown operators and fields, values of every wrong type), values (lone
surrogates, integers past 64 bits, NaN, documents nested thousands deep) and keys, and
throws them at the storage port: ``query``, ``count``, ``query_with``, ``get``,
``insert``, ``events``. Each call either answers or raises a
:class:`~nounkit.errors.NounkitError`: never a driver's error, a ``RecursionError``, an
``OverflowError`` or a ``UnicodeEncodeError``. The store stays usable after each. The
limits themselves (:mod:`nounkit._limits`) give the same error on every backend.

``hostile_strategies()`` gives the same generators to other tests (the CLI fuzz test).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nounkit._limits import INT64, MAX_QUERY_DEPTH, MAX_QUERY_ITEMS, MAX_QUERY_TERMS
from nounkit.errors import NounkitError, QueryError, StorageError
from nounkit.storage import Query, Storage
from nounkit.storage.base import Extra
from nounkit.testing.probe import make_record

__all__ = ["HostileInputContract", "hostile_strategies", "nested"]

FIELDS = ["name", "score", "count", "flag", "day", "at", "tags", "doc", "place.city",
          "visits.rank", "owner", "members", "id", "nope", "", "a.b.c", "$and",
          "x" * 300]  # fmt: skip
OPERATORS = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists",
             "$contains", "$size", "$elemMatch", "$regex", "$where", "$", "eq"]  # fmt: skip
LOGICAL = ["$and", "$or", "$not", "$nor"]


def nested(operator: str, depth: int, leaf: Any = None) -> Any:
    """A where (or a document, for ``"list"`` and ``"dict"``) nested ``depth`` deep,
    built without recursion."""
    node: Any = {"name": "a"} if leaf is None else leaf
    for _ in range(depth):
        if operator == "list":
            node = [node]
        elif operator == "dict":
            node = {"k": node}
        elif operator == "$not":
            node = {"$not": node}
        else:
            node = {operator: [node]}
    return node


def hostile_strategies() -> dict[str, st.SearchStrategy[Any]]:
    """Generators of hostile values, queries and documents, by name."""
    text = st.one_of(
        st.text(max_size=8),
        st.sampled_from(["\ud800", "a\udfff", "\x00", "💥", "'; DROP TABLE x; --", "é" * 50]),
    )
    number = st.one_of(
        st.integers(-(2**70), 2**70),
        st.sampled_from([INT64, INT64 + 1, -INT64 - 1, 10**4000, 2**63]),
        st.floats(allow_nan=True, allow_infinity=True),
    )
    scalar = st.one_of(st.none(), st.booleans(), number, text)
    value = st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)
        ),
        max_leaves=12,
    )
    deep = st.builds(
        nested,
        st.sampled_from(["list", "dict", "$and", "$or", "$not", "$nor"]),
        # Past every limit, and no deeper: older Hypothesis releases print each example,
        # recursively (the explicit tests below go 1,000 and 100,000 deep).
        st.sampled_from([MAX_QUERY_DEPTH, MAX_QUERY_DEPTH + 1, 70]),
    )
    wide = st.builds(
        lambda op, n: {op: [{"name": str(i)} for i in range(n)]},
        st.sampled_from(["$and", "$or"]),
        st.sampled_from([MAX_QUERY_TERMS, MAX_QUERY_TERMS + 1, 1_000]),
    )
    many = st.builds(
        lambda field, op, n: {field: {op: [str(i) for i in range(n)]}},
        st.sampled_from(["name", "tags", "members", "id"]),
        st.sampled_from(["$in", "$nin", "$contains"]),
        st.sampled_from([MAX_QUERY_ITEMS, MAX_QUERY_ITEMS + 1, 995, 5_000]),
    )
    leaf = st.one_of(
        st.dictionaries(st.sampled_from(FIELDS), value, max_size=3),
        st.dictionaries(
            st.sampled_from(FIELDS), st.dictionaries(st.sampled_from(OPERATORS), value), max_size=2
        ),
    )
    where = st.recursive(
        st.one_of(leaf, deep, wide, many, value),
        lambda inner: st.one_of(
            st.dictionaries(st.sampled_from(LOGICAL), st.lists(inner, max_size=3), max_size=2),
            st.builds(lambda w: {"$not": w}, inner),
        ),
        max_leaves=6,
    )
    bound = st.one_of(st.none(), number, st.sampled_from([-1, 0, 1, 2**63 - 1, 2**63]))
    return {"text": text, "number": number, "value": value, "where": where, "bound": bound,
            "deep": deep}  # fmt: skip


_S = hostile_strategies()


def _only_nounkit_errors(call: Callable[[], object]) -> None:
    """Run a call that may refuse its input, but only with a nounkit error."""
    with contextlib.suppress(NounkitError):
        call()


class HostileInputContract:
    """Hostile input through the storage port. Provide a ``storage`` fixture (as
    :class:`~nounkit.testing.StorageContract` does)."""

    hostile_examples = 100

    def _settings(self) -> settings:
        return settings(
            max_examples=self.hostile_examples,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )

    def test_hostile_queries_raise_only_nounkit_errors(self, storage: Storage) -> None:
        with storage.transaction() as tx:
            tx.insert(make_record("r1", {"name": "a", "tags": ["x"], "owner": "r1"}))
        link = Extra("aggregate", "Probe", "owner", ("count", None, None))

        @self._settings()
        @given(where=_S["where"], sort=_S["value"], limit=_S["bound"], offset=_S["bound"])
        def run(where: Any, sort: Any, limit: Any, offset: Any) -> None:
            query = Query(where=where, sort=sort, limit=limit, offset=offset or 0)
            _only_nounkit_errors(lambda: storage.query("Probe", query))
            _only_nounkit_errors(lambda: storage.count("Probe", where))
            with storage.transaction(readonly=True) as tx:
                _only_nounkit_errors(lambda: tx.query_with("Probe", query, None, [link]))
            assert storage.get("Probe", "r1") is not None  # the store still answers

        run()

    def test_hostile_records_and_keys_raise_only_nounkit_errors(self, storage: Storage) -> None:
        @self._settings()
        @given(data=_S["value"], id=_S["text"], tenant=st.one_of(st.none(), _S["text"]))
        def run(data: Any, id: Any, tenant: Any) -> None:
            record = replace(make_record("h", {"doc": data}), id=id, tenant=tenant)
            try:
                with storage.transaction() as tx:
                    tx.insert(record)
                    raise _Undo
            except (_Undo, NounkitError):
                pass
            _only_nounkit_errors(lambda: storage.get("Probe", id, tenant))
            _only_nounkit_errors(lambda: storage.query("Probe", Query(), tenant))
            assert storage.count("Probe") == 0  # nothing was kept

        run()

    def test_hostile_event_reads_raise_only_nounkit_errors(self, storage: Storage) -> None:
        @self._settings()
        @given(since=_S["bound"], limit=_S["bound"], tenant=st.one_of(st.none(), _S["text"]))
        def run(since: Any, limit: Any, tenant: Any) -> None:
            _only_nounkit_errors(lambda: storage.events(since, limit=limit, tenant=tenant))

        run()

    def test_limits_give_the_same_error_on_every_backend(self, storage: Storage) -> None:
        """Each limit, just inside and just past it: inside answers, past is the
        QueryError (or StorageError, for what cannot be stored) that names it."""
        record = make_record("r1", {"name": "a"})
        with storage.transaction() as tx:
            tx.insert(record)
        inside: list[Any] = [
            nested("$not", MAX_QUERY_DEPTH),
            nested("$or", MAX_QUERY_DEPTH),
            {"$or": [{"name": str(i)} for i in range(MAX_QUERY_TERMS)]},
            {"name": {"$in": [str(i) for i in range(MAX_QUERY_ITEMS // 2)]}},
            {"tags": {"$in": [str(i) for i in range(MAX_QUERY_ITEMS)]}},
            {
                "$or": [
                    {"tags": {"$in": [str(i) for i in range(MAX_QUERY_ITEMS)]}},
                    *({"name": str(i)} for i in range(MAX_QUERY_TERMS - MAX_QUERY_ITEMS)),
                ]
            },
            {"count": {"$lt": INT64}},
        ]
        for where in inside:
            storage.query("Probe", Query(where=where))
        # The ends of 64 bits: the largest limit and offset, the smallest integer.
        assert [r.id for r in storage.query("Probe", Query(limit=INT64)).records] == ["r1"]
        assert storage.query("Probe", Query(offset=INT64)).records == []
        storage.query("Probe", Query(where={"count": {"$gt": -INT64 - 1}}))
        assert storage.get("Probe", 5) is None  # type: ignore[arg-type]  # no such id
        past: list[tuple[Any, str]] = [
            (nested("$not", MAX_QUERY_DEPTH + 1), f"more than {MAX_QUERY_DEPTH} deep"),
            (nested("$and", 1_000), "deep"),
            ({"$or": [{"name": str(i)} for i in range(MAX_QUERY_TERMS + 1)]}, "comparisons"),
            ({"tags": {"$in": [str(i) for i in range(995)]}}, "items"),
            (
                {
                    "$or": [
                        {"tags": {"$in": [str(i) for i in range(MAX_QUERY_ITEMS)]}},
                        *({"name": str(i)} for i in range(MAX_QUERY_TERMS)),
                    ]
                },
                "comparisons",
            ),
            ({"name": {"$in": [str(i) for i in range(MAX_QUERY_ITEMS + 1)]}}, "items"),
            ({"count": {"$lt": INT64 + 1}}, "64-bit"),
            ({"name": "\ud800"}, "lone surrogate"),
        ]
        for where, message in past:
            with pytest.raises(QueryError, match=message):
                storage.query("Probe", Query(where=where))
            with pytest.raises(QueryError, match=message):
                storage.count("Probe", where)
        for bad in (Query(limit=2**63), Query(offset=2**63)):
            with pytest.raises(QueryError, match="64 bits"):
                storage.query("Probe", bad)
        with pytest.raises(QueryError, match="64 bits"):
            storage.events(10**30)
        with pytest.raises(QueryError, match="lone surrogate"):
            storage.events(0, noun="P\ud800")
        for read in (
            lambda: storage.get("Probe", "r1", "t\ud800"),
            lambda: storage.query("Probe", Query(), "t\ud800"),
            lambda: storage.count("Probe", None, "t\x00"),
        ):
            with pytest.raises(StorageError, match="the tenant holds"):
                read()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"count": INT64 + 1}, "64-bit"),
            ({"score": 10**5000}, "64-bit"),
            ({"name": "a\ud800"}, "lone surrogate"),
            ({"name": "a\x00b"}, "NUL"),
            ({"count": -INT64 - 2}, "64-bit"),
            ({"doc": nested("list", 100_000)}, "levels deep"),
        ]
        for data, message in cases:
            with pytest.raises(StorageError, match=message), storage.transaction() as tx:
                tx.insert(make_record("r2", data))
        with pytest.raises(StorageError, match="lone surrogate"), storage.transaction() as tx:
            tx.insert(make_record("r\ud800"))
        assert storage.get("Probe", "r\ud800") is None
        with storage.transaction() as tx:
            tx.insert(make_record("low", {"count": -INT64 - 1}))
        assert [r.id for r in storage.query("Probe", Query(sort={"count": 1})).records] == [
            "r1",
            "low",
        ]


class _Undo(Exception):
    """Leaves a transaction without keeping what it wrote."""
