"""Read-time values (``stored: false``) on every backend: worked out at every read from
the entity and its related entities, never stored, never one read per entity."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

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


def test_a_page_reads_related_entities_once_not_per_entity(tmp_path: Path) -> None:
    """The statements a list runs do not grow with the page: one per relationship read."""
    url = file_url("sqlite", tmp_path)
    with Registry.load(READTIME, storage=url, handlers=[]) as reg:

        def statements(teams: int) -> int:
            for index in range(teams):
                team = reg.act("Team.create", data={"name": f"t{index}"}).id
                reg.act("Person.create", data={"name": "p", "spend": 1, "team": team})
            conn: sqlite3.Connection = reg.storage._conn  # type: ignore[attr-defined]
            seen: list[str] = []
            conn.set_trace_callback(seen.append)
            try:
                listed = reg.list("Team", limit=200)
            finally:
                conn.set_trace_callback(None)
            assert all(t.members == 1 for t in listed if t.name != "x")
            return sum(1 for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH")))

        few = statements(5)
        many = statements(45)  # 50 teams now
        assert few == many <= 4, (few, many)


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
