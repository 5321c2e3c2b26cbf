"""Read-time values (``stored: false``) on every backend: worked out at every read from
the entity and its related entities, never stored, never one read per entity."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from nounkit import Registry
from nounkit.errors import QueryError, ValidationError

from .helpers import assert_unchanged, file_url

READTIME = Path(__file__).resolve().parent / "data" / "readtime.yaml"


@pytest.fixture
def teams(storage_url: str) -> Iterator[Registry]:
    with Registry.load(READTIME, storage=storage_url, handlers=[]) as reg:
        yield reg


def test_aggregates_and_paths_are_worked_out_at_every_read(teams: Registry) -> None:
    made = teams.act("Team.create", data={"id": "t1", "name": "One", "budget": 100})
    assert (made.entity.members, made.entity.spend, made.entity.avgSpend) == (0, 0, None)
    teams.act("Person.create", data={"id": "p1", "name": "a", "spend": 10, "team": "t1"})
    teams.act(
        "Person.create",
        data={"id": "p2", "name": "b", "spend": 30, "team": "t1", "status": "gone"},
    )
    team = teams.get("Team", "t1")
    assert (team.members, team.active, team.spend, team.avgSpend, team.top, team.left) == (
        2, 1, 40, 20, 30, 60,
    )  # fmt: skip
    # Nothing of it is stored: the record holds only what was written.
    record = teams.record("Team", "t1").data
    assert not {"members", "active", "spend", "avgSpend", "top", "left"} & set(record)
    # A to-one path, and a list page reads the same values as get.
    assert [p.teamStatus for p in teams.list("Person")] == ["empty", "empty"]
    [listed] = teams.list("Team")
    assert listed == team
    # Declared conditions read them too: sync picks staffed.
    assert teams.act("sync", id="t1").entity.status == "staffed"
    assert teams.get("Person", "p1").teamStatus == "staffed"


def test_a_value_reading_today_is_never_frozen(teams: Registry) -> None:
    teams.act("Person.create", data={"id": "p1", "name": "a", "since": "2026-01-01"})
    expected = (datetime.now(UTC).date() - date(2026, 1, 1)).days
    assert teams.get("Person", "p1").days in (expected, expected + 1)  # midnight may pass


def test_a_rule_reads_a_read_time_value_in_the_act(teams: Registry) -> None:
    teams.act("Team.create", data={"id": "t1", "name": "One", "budget": 20})
    teams.act("Person.create", data={"id": "p1", "name": "a", "spend": 15, "team": "t1"})
    teams.act("Person.create", data={"id": "p2", "name": "b", "spend": 15, "team": "t1"})
    assert_unchanged(
        teams,
        lambda: teams.act("Team.update", id="t1", data={"budget": 25}),
        ValidationError,
        "over budget",
    )
    assert teams.act("Team.update", id="t1", data={"budget": 30}).entity.left == 0


def test_where_and_sort_take_read_time_values(teams: Registry) -> None:
    for team, budget in (("t1", 100), ("t2", 5), ("t3", None)):
        teams.act("Team.create", data={"id": team, "name": team.upper(), "budget": budget})
    for index, (team, spend) in enumerate([("t1", 10), ("t1", 20), ("t2", 4), ("t3", 1)]):
        teams.act("Person.create", data={"name": f"p{index}", "team": team, "spend": spend})

    def ids(**query: object) -> list[str]:
        return [t.id for t in teams.list("Team", **query)]  # type: ignore[arg-type]

    assert ids(where={"members": 2}) == ["t1"]
    assert ids(where={"spend": {"$gte": 4}}, sort={"spend": -1}) == ["t1", "t2"]
    assert ids(sort={"left": 1}) == ["t3", "t2", "t1"]  # null first, then 1 and 70
    assert ids(where={"name": {"$in": ["T1", "T3"]}, "members": {"$lt": 2}}) == ["t3"]
    assert ids(where={"$or": [{"members": 2}, {"name": "T2"}]}, sort={"members": 1}) == [
        "t2",
        "t1",
    ]
    # Paging by cursor through values worked out at read time.
    first, cursor = teams.page("Team", sort={"spend": -1}, limit=2)
    assert [t.id for t in first] == ["t1", "t2"] and cursor is not None
    rest, end = teams.page("Team", sort={"spend": -1}, limit=2, after=cursor)
    assert ([t.id for t in rest], end) == (["t3"], None)
    # A to-one path read at read time filters too.
    teams.act("sync", id="t1")
    assert [p.name for p in teams.list("Person", where={"teamStatus": "staffed"})] == [
        "p0",
        "p1",
    ]
    with pytest.raises(QueryError, match=r"where\.members"):
        teams.list("Team", where={"members": "two"})  # checked as any query is


def test_a_read_time_value_is_never_input(teams: Registry) -> None:
    assert_unchanged(
        teams,
        lambda: teams.act("Team.create", data={"name": "x", "members": 3}),
        ValidationError,
        "is computed and never accepted as input",
    )


@contextmanager
def statements(reg: Registry) -> Iterator[list[str]]:
    """The SELECTs ``reg`` sends its SQL database while the block runs: SQLite's own
    trace, or every statement nounkit's PostgreSQL transactions run."""
    seen: list[str] = []
    if reg.storage.url.startswith("sqlite"):
        conn: sqlite3.Connection = reg.storage._conn  # type: ignore[attr-defined]
        conn.set_trace_callback(seen.append)
        try:
            yield seen
        finally:
            conn.set_trace_callback(None)
        seen[:] = [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]
        return
    from nounkit.storage.postgres import _PgTransaction

    run = _PgTransaction.run

    def counted(self: Any, query: Any, params: Any = ()) -> Any:
        seen.append(str(query))
        return run(self, query, params)

    _PgTransaction.run = counted  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        _PgTransaction.run = run  # type: ignore[method-assign]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_page_and_all_it_reads_is_one_statement(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Derived lists, aggregates (with conditions), to-one paths, and where and sort on
    read-time values: one statement per page, whatever its length, each value what the
    reference (memory://) works out."""
    url = file_url("sqlite", tmp_path) if backend == "sqlite" else request.getfixturevalue("pg_url")
    with (
        Registry.load(READTIME, storage=url, handlers=[]) as reg,
        Registry.load(READTIME, storage="memory://", handlers=[]) as reference,
    ):
        for target in (reg, reference):
            target.act("Team.create", data={"id": "t00", "name": "none yet", "budget": 5})
        with statements(reg) as seen:  # no Person stored yet: no table to read
            assert [t.members for t in reg.list("Team")] == [0]
        assert len(seen) == 1, seen
        for target in (reg, reference):
            for index in range(1, 30):
                team = f"t{index:02d}"
                target.act("Team.create", data={"id": team, "name": team, "budget": 40})
                for n in range(index % 4):
                    status = "active" if n % 2 == 0 else "gone"
                    data = {"id": f"p{index:02d}{n}", "name": "p", "spend": index + n,
                            "team": team, "status": status}  # fmt: skip
                    target.act("Person.create", data=data)
            target.act("sync", id="t01")
        # Each query, and whether its where and sort read values worked out in SQL: bare
        # aggregates and paths are; budget - spend is worked out here, over the candidates
        # the rest of the where selects.
        queries: list[tuple[dict[str, Any], bool]] = [
            ({"noun": "Team"}, False),
            ({"noun": "Team", "limit": 7}, False),
            ({"noun": "Person", "sort": {"spend": -1}, "limit": 10}, False),
            ({"noun": "Team", "where": {"members": {"$gte": 2}}, "sort": {"spend": -1}}, True),
            ({"noun": "Team", "where": {"name": {"$ne": "t03"}, "left": {"$lt": 0}}}, False),
            ({"noun": "Person", "where": {"teamStatus": "staffed"}}, True),
        ]
        for query, in_sql in queries:
            with statements(reg) as seen:
                found = reg.list(**query)
            assert len(seen) == 1, (query, seen)
            assert (") AS p" in seen[0]) == in_sql, (query, seen[0])
            want = reference.list(**query)
            assert [e.model_dump() for e in found] == [e.model_dump() for e in want], query
            assert found, query
        # Paging by a value worked out in SQL: the cursor carries it.
        pages: list[list[str]] = []
        for target in (reg, reference):
            ids, cursor = [], None
            while True:
                with statements(reg) as seen:
                    found, cursor = target.page(
                        "Team", where={"active": {"$gte": 0}}, sort={"members": -1}, limit=4,
                        after=cursor,
                    )  # fmt: skip
                assert len(seen) <= 1
                ids.extend(t.id for t in found)
                if cursor is None:
                    break
            pages.append(ids)
        assert pages[0] == pages[1] and len(pages[0]) == 30
        with statements(reg) as seen:
            (team,) = reg.list("Team", where={"id": "t03"})
        assert (team.members, team.active, team.spend, team.people) == (
            3,
            2,
            12,
            ["p030", "p031", "p032"],
        )
        assert len(seen) == 1


def test_where_sort_and_paging_read_empty_and_integer_aggregates_as_values(
    teams: Registry,
) -> None:
    """An empty sum is 0 and an average of integers a float wherever it is read: in the
    entity, in a where, in a sort and in the cursor that pages by it."""
    for team in ("t1", "t2", "t3", "t4"):
        teams.act("Team.create", data={"id": team, "name": team})
    for index, (team, spend, hours) in enumerate(
        [("t1", 3, 0), ("t1", None, 0), ("t1", None, 1), ("t3", None, 1), ("t4", 5, 1)]
    ):
        data: dict[str, Any] = {"name": f"p{index}", "team": team, "hours": hours}
        if spend is not None:
            data["spend"] = spend
        teams.act("Person.create", data=data)

    def ids(**query: Any) -> list[str]:
        return [t.id for t in teams.list("Team", **query)]

    assert ids(where={"spend": 0}) == ["t2", "t3"]  # no people; people with no spend
    assert ids(where={"spend": {"$lt": 1}}) == ["t2", "t3"]
    assert ids(where={"$not": {"spend": {"$lte": 4}}}) == ["t4"]
    assert ids(where={"avgHours": 1 / 3}) == ["t1"]
    assert ids(where={"avgHours": {"$gt": 0.5}}) == ["t3", "t4"]
    assert ids(where={"avgHours": {"$exists": False}}) == ["t2"]
    for sort in ({"spend": 1}, {"spend": -1}, {"avgHours": 1}, {"avgHours": -1}):
        paged, cursor = [], None
        for _ in range(10):  # a cursor that does not move would page for ever
            found, cursor = teams.page("Team", sort=sort, limit=1, after=cursor)
            paged.extend(t.id for t in found)
            if cursor is None:
                break
        assert paged == ids(sort=sort) and len(paged) == 4, sort


def test_storage_aggregates_agree_with_the_reference(teams: Registry) -> None:
    """Each backend's own grouped aggregates give what the portable ones (queries and
    Python, as memory and TinyDB answer) give: conditions, nulls, empty groups."""
    from nounkit.storage.base import Transaction

    for team in ("t1", "t2", "t3"):
        teams.act("Team.create", data={"id": team, "name": team})
    people = [
        ("t1", 10, "active"), ("t1", 2.5, "gone"), ("t1", None, "active"),
        ("t2", 7, "active"),
    ]  # fmt: skip
    for index, (team, spend, status) in enumerate(people):
        data = {"name": f"p{index}", "team": team, "status": status}
        if spend is not None:
            data["spend"] = spend
        teams.act("Person.create", data=data)
    measures = [
        ("count", None, None),
        ("count", None, {"status": "active"}),
        ("count", None, {"$or": [{"spend": {"$gt": 5}}, {"status": "gone"}]}),
        ("sum", "spend", None),
        ("avg", "spend", None),
        ("min", "spend", None),
        ("max", "spend", {"status": "active"}),
    ]
    owners = ["t1", "t2", "t3", "ghost"]
    with teams.storage.transaction(readonly=True) as tx:
        native = tx.aggregate("Person", "team", owners, measures, None)
        reference = Transaction.aggregate(tx, "Person", "team", owners, measures, None)
    assert native == reference
    assert native["t1"] == [3, 2, 2, 12.5, 6.25, 2.5, 10]
    assert native["t3"] == native["ghost"] == [0, 0, 0, 0, None, None, None]


def test_a_rule_reads_a_to_one_path_in_the_acts_transaction(teams: Registry) -> None:
    teams.act("Team.create", data={"id": "t1", "name": "One"})
    teams.act("Team.create", data={"id": "t2", "name": "Two"})
    teams.act("Person.create", data={"id": "p1", "name": "a", "spend": 10, "team": "t1"})
    teams.act("sync", id="t1")  # staffed now
    assert (
        teams.act(
            "Person.create", data={"name": "b", "spend": 2000, "team": "t1"}
        ).entity.teamStatus
        == "staffed"
    )
    assert_unchanged(
        teams,
        lambda: teams.act("Person.create", data={"name": "c", "spend": 2000, "team": "t2"}),
        ValidationError,
        "a big spender needs a staffed team",
    )
    assert_unchanged(
        teams,
        lambda: teams.act("Person.update", id="p1", data={"spend": 5000, "team": "t2"}),
        ValidationError,
        "a big spender needs a staffed team",
    )


def test_a_hostile_where_on_a_noun_with_read_time_values_is_a_query_error(
    teams: Registry,
) -> None:
    """Looking for read-time keys in a where walks it before it is checked: a where nested
    1,000 deep is the limit's QueryError, not a RecursionError."""
    from nounkit.testing.hostile import nested

    for where in (nested("$and", 1_000), nested("$not", 1_000, {"members": 1})):
        with pytest.raises(QueryError, match="deep"):
            teams.list("Team", where=where)
