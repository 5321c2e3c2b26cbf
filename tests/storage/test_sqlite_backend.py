"""SQLite specifics: WAL, busy timeout, the indexes queries use, keys kept in step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nounkit.errors import StorageError
from nounkit.storage import Query, open_storage
from nounkit.storage.sqlite import SQLiteStorage
from nounkit.testing import NOUNS, PROBE, make_record


def _plans(storage: SQLiteStorage, run: object) -> list[str]:
    """The query plan of every SELECT the storage runs while ``run()`` runs."""
    statements: list[str] = []
    storage._conn.set_trace_callback(statements.append)
    try:
        run()  # type: ignore[operator]
    finally:
        storage._conn.set_trace_callback(None)
    plans = []
    for sql in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            rows = storage._conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            plans.append(" | ".join(str(r[-1]) for r in rows))
    return plans


def test_wal_mode_and_indexes(tmp_path: Path) -> None:
    with open_storage(f"sqlite:///{tmp_path}/db.sqlite", NOUNS) as storage:
        assert isinstance(storage, SQLiteStorage)
        assert storage._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {
            r[0] for r in storage._conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert {"nk_i_e_Probe_name", "nk_i_e_Probe_score", "nk_i_e_Probe_at"} <= names
        assert "nk_u_e_Probe_email" in names


def test_equality_and_range_queries_use_the_indexes(tmp_path: Path) -> None:
    with open_storage(f"sqlite:///{tmp_path}/db.sqlite", NOUNS) as storage:
        assert isinstance(storage, SQLiteStorage)
        with storage.transaction() as tx:
            for i in range(50):
                tx.insert(make_record(f"p{i}", {"name": f"n{i % 5}", "at": "2026-01-01T00:00:00Z"}))
        name = _plans(storage, lambda: storage.query("Probe", Query(where={"name": "n1"})))
        assert any("USING INDEX nk_i_e_Probe_name" in p for p in name), name
        at = _plans(
            storage,
            lambda: storage.query("Probe", Query(where={"at": {"$gt": "2025-01-01T00:00:00Z"}})),
        )
        assert any("USING INDEX nk_i_e_Probe_at" in p for p in at), at


def test_to_one_relationships_are_indexed_for_derived_reads(tmp_path: Path) -> None:
    # A derived to-many list (Probe owners' owned probes) is read by filtering on the
    # to-one side; without the index every read scans the table.
    with open_storage(f"sqlite:///{tmp_path}/db.sqlite", NOUNS) as storage:
        assert isinstance(storage, SQLiteStorage)
        with storage.transaction() as tx:
            for i in range(50):
                tx.insert(make_record(f"p{i}", {"owner": f"p{i % 5}"}))
        # sort={"id": 1}, as the registry reads a derived list: the id tie-break must not
        # repeat it ("ORDER BY id, id" sends SQLite's planner to the primary key).
        one = Query(where={"owner": "p1"}, sort={"id": 1})
        plans = _plans(storage, lambda: storage.query("Probe", one))
        assert any("USING INDEX nk_i_e_Probe_owner" in p for p in plans), plans
        # A page's derived lists are read at once, sorted by owner (as the registry does).
        batch = Query(where={"owner": {"$in": ["p1", "p2"]}}, sort={"owner": 1, "id": 1})
        many = _plans(storage, lambda: storage.query("Probe", batch))
        assert any("USING INDEX nk_i_e_Probe_owner" in p for p in many), many


def test_a_locked_database_is_reported_after_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with open_storage(f"sqlite:///{path}?timeout=0.2", NOUNS) as storage:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StorageError, match="stayed locked"), storage.transaction() as tx:
                tx.insert(make_record("p1"))
            assert storage.get("Probe", "p1") is None  # WAL: readers do not wait
        finally:
            other.execute("ROLLBACK")
            other.close()


def test_keys_and_indexes_follow_the_noun(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/db.sqlite"
    with open_storage(url) as blind, blind.transaction() as tx:  # no nouns: no datetime keys yet
        tx.insert(make_record("early", {"at": "2026-01-01T00:00:00+01:00"}))
        tx.insert(make_record("late", {"at": "2026-01-01T00:00:00Z"}))
    with open_storage(url, NOUNS) as storage:
        got = storage.query("Probe", Query(where={"at": {"$lt": "2026-01-01T00:00:00Z"}}))
        assert [r.id for r in got.records] == ["early"]
    plain = PROBE.replace(
        properties={**PROBE.properties, "name": PROBE.properties["name"].replace(index=False)}
    )
    with open_storage(url, {**NOUNS, "Probe": plain}) as storage:
        assert isinstance(storage, SQLiteStorage)
        names = {
            r[0] for r in storage._conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert "nk_i_e_Probe_name" not in names and "nk_i_e_Probe_at" in names


def test_unique_cannot_be_added_over_repeated_values(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/db.sqlite"
    with open_storage(url) as blind, blind.transaction() as tx:
        tx.insert(make_record("a", {"email": "same@x.org"}))
        tx.insert(make_record("b", {"email": "same@x.org"}))
    with pytest.raises(StorageError, match=r"cannot make Probe\.email unique"):
        open_storage(url, NOUNS)
