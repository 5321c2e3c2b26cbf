"""Checking queries against a noun, and the instants datetimes compare by."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nounkit.errors import QueryError
from nounkit.storage import check_query
from nounkit.storage.query import (
    ID,
    AllOf,
    AnyOf,
    Leaf,
    NotCond,
    fields_of,
    instant_key,
    name_pattern,
    stub_noun,
)
from nounkit.testing import PROBE


def test_plain_values_mean_eq_and_nulls_mean_missing() -> None:
    fields = fields_of(PROBE)
    assert check_query(PROBE, {"name": "a"}).where == Leaf(fields["name"], "eq", "a")
    assert check_query(PROBE, {"name": None}).where == Leaf(fields["name"], "exists", False)
    assert check_query(PROBE, {"name": {"$ne": None}}).where == Leaf(fields["name"], "exists", True)
    assert check_query(PROBE, {"name": {"$ne": "a"}}).where == NotCond(
        Leaf(fields["name"], "eq", "a")
    )
    assert check_query(PROBE, {"score": {"$in": [1, None]}}).where == AnyOf(
        (Leaf(fields["score"], "in", (1,)), Leaf(fields["score"], "exists", False))
    )
    both = check_query(PROBE, {"score": {"$gt": 1, "$lte": 2}}).where
    assert isinstance(both, AllOf) and len(both.items) == 2
    assert check_query(PROBE, {"id": "x"}).where == Leaf(ID, "eq", "x")


def test_python_dates_and_datetimes_are_accepted() -> None:
    day = check_query(PROBE, {"day": date(2026, 1, 31)}).where
    assert isinstance(day, Leaf) and day.value == "2026-01-31"
    naive = check_query(PROBE, {"at": datetime(2026, 1, 1)}).where
    aware = check_query(PROBE, {"at": "2026-01-01T00:00:00Z"}).where
    assert isinstance(naive, Leaf) and isinstance(aware, Leaf) and naive.value == aware.value


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ({"score": {"$lt": "40"}}, r"^where\.score\.\$lt: expected a number, got '40'$"),
        ({"count": True}, r"where\.count: expected a number, got True"),
        ({"score": float("nan")}, r"where\.score: expected a finite number"),
        ({"score": 2**70}, r"where\.score: .*64-bit"),
        ({"name": 5}, r"where\.name: expected a string, got 5"),
        ({"day": datetime(2026, 1, 1)}, r"where\.day: expected a date"),
        ({"at": "2026-01-01"}, r"where\.at: expected an RFC 3339 date-time"),
        ({"name": {"$in": "abc"}}, r"where\.name\.\$in: expected a list"),
        ({"score": {"$in": [1, "2"]}}, r"where\.score\.\$in\[1\]: expected a number"),
        ({"name": {"$exists": 1}}, r"where\.name\.\$exists: expected true or false"),
        ({"$and": []}, r"where\.\$and: expected a non-empty list"),
        ({"$nor": [{"name": "a"}]}, r"where\.\$nor: unknown operator"),
        ({"name": {"$eq": "a", "b": 1}}, r"where\.name: mixes operators"),
        ({"name": {"$not": 5}}, r"where\.name\.\$not: expected a mapping"),
        ({"score": {"$contains": 1}}, r"where\.score\.\$contains: .*text and on lists"),
        ({"tags": ["a", "b"]}, r"where\.tags: 'tags' is a list"),
        ({"score": {"$gt": None}}, r"where\.score\.\$gt: expected a number, got None"),
        ({"nmae": "a"}, r"where\.nmae: Probe has no field 'nmae'; did you mean 'name'\?"),
        ("name", r"^where: expected a mapping"),
    ],
)
def test_faults_name_their_path(where: Any, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        check_query(PROBE, where)


def test_sort_is_checked() -> None:
    assert [(k.field.name, k.direction) for k in check_query(PROBE, None, {"at": -1}).sort] == [
        ("at", -1)
    ]
    for sort, message in [
        ({"at": True}, r"sort\.at: expected 1"),
        ({"doc": 1}, r"sort\.doc: cannot sort"),
        ({"members": 1}, r"sort\.members: cannot sort"),
        ({"nope": 1}, r"sort\.nope: Probe has no field"),
        (["at"], r"sort: expected a mapping"),
    ]:
        with pytest.raises(QueryError, match=message):
            check_query(PROBE, None, sort)


def test_a_checked_sort_is_remembered_without_letting_a_lookalike_through() -> None:
    # Sorts are cached by their items; True == 1 in Python, yet True stays refused.
    first = check_query(PROBE, None, {"at": 1}).sort
    assert check_query(PROBE, None, {"at": 1}).sort is first
    with pytest.raises(QueryError, match=r"sort\.at: expected 1"):
        check_query(PROBE, None, {"at": True})
    with pytest.raises(QueryError, match=r"sort\.at: expected 1"):
        check_query(PROBE, None, {"at": [1]})  # unhashable: checked, not cached


def test_a_noun_storage_does_not_know_queries_only_by_id() -> None:
    assert check_query(stub_noun("Stranger"), {"id": "a"}).where == Leaf(ID, "eq", "a")
    with pytest.raises(QueryError, match="open the storage with the noun's definition"):
        check_query(stub_noun("Stranger"), {"name": "a"})


def test_instants_ignore_offsets_fraction_length_and_case() -> None:
    same = [
        "2026-01-01T00:00:00Z",
        "2026-01-01t00:00:00z",
        "2026-01-01T05:30:00+05:30",
        "2025-12-31T19:00:00.000000000-05:00",
        "2026-01-01T00:00:00.0000000001Z",  # past the ninth digit: dropped
    ]
    assert len({instant_key(text) for text in same}) == 1
    ordered = [
        "0000-01-01T00:00:00+23:59",
        "1969-12-31T23:59:59.999999999Z",
        "1970-01-01T00:00:00Z",
        "2026-01-01T00:00:00.000000001Z",
        "2026-01-01T00:00:00.5Z",
        "9999-12-31T23:59:59-23:59",
    ]
    keys = [instant_key(text) for text in ordered]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # type: ignore[type-var]
    for bad in ["2026-02-30T00:00:00Z", "2026-01-01", "2026-01-01T24:00:00Z", 5, None]:
        assert instant_key(bad) is None


@given(
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7, minutes=-30))])),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=13, minutes=45))])),
)
def test_instant_keys_order_like_python_datetimes(a: datetime, b: datetime) -> None:
    ka, kb = instant_key(a.isoformat()), instant_key(b.isoformat())
    assert ka is not None and kb is not None
    assert (ka < kb) == (a < b) and (ka == kb) == (a == b)


def test_event_name_patterns() -> None:
    assert name_pattern("Probe.*")("Probe.stored")
    assert not name_pattern("Probe.*")("Probes.stored")
    assert name_pattern("*.stored")("Counter.stored")
    assert name_pattern("Probe.stored")("Probe.stored")
    assert not name_pattern("Probe.st?red")("Probe.stored")
