"""What every storage backend must do: the functional part of the contract suite.

Subclass :class:`nounkit.testing.StorageContract` (which includes this) and
provide a ``storage_url`` fixture; see :mod:`nounkit.testing`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from nounkit.errors import Conflict, QueryError, StorageError
from nounkit.storage import CAPABILITIES, Query, Record, Storage, Transaction, open_storage
from nounkit.storage.base import Extra
from nounkit.testing.probe import NOUNS, make_event, make_record

__all__ = ["FunctionalContract"]

MakeStorage = Callable[[], Storage]


def _ids(records: list[Record]) -> list[str]:
    return [r.id for r in records]


def _bump(record: Record, **data: Any) -> Record:
    return replace(record, version=record.version + 1, data={**record.data, **data})


class FunctionalContract:
    """Reads, writes, versions, tenants, uniqueness, transactions, events and queries."""

    @pytest.fixture
    def storage_url(self) -> str:
        raise NotImplementedError("a backend's test class provides the storage_url fixture")

    @pytest.fixture
    def make_storage(self, storage_url: str) -> Iterator[MakeStorage]:
        """Opens the store under test (again, for persistence tests); closes all at the end."""
        opened: list[Storage] = []

        def make() -> Storage:
            storage = open_storage(storage_url, NOUNS)
            opened.append(storage)
            return storage

        yield make
        for storage in opened:
            storage.close()

    @pytest.fixture
    def storage(self, make_storage: MakeStorage) -> Storage:
        return make_storage()

    def insert(self, storage: Storage, *records: Record) -> None:
        with storage.transaction() as tx:
            for record in records:
                tx.insert(record)

    # -- the port ----------------------------------------------------------

    def test_capabilities_are_known(self, storage: Storage) -> None:
        assert storage.capabilities <= CAPABILITIES
        assert storage.url

    def test_open_is_idempotent(self, storage: Storage) -> None:
        self.insert(storage, make_record("a", {"name": "x"}))
        storage.open(NOUNS)
        storage.open(NOUNS)
        assert storage.get("Probe", "a") is not None

    # -- records -----------------------------------------------------------

    def test_insert_then_get_round_trips(self, storage: Storage) -> None:
        data = {
            "name": "Zoë 😀",
            "score": 2.5,
            "count": 3,
            "flag": False,
            "day": "2026-02-28",
            "at": "2026-01-01T05:30:00+05:30",
            "tags": ["a", "b"],
            "doc": {"nested": [1, {"x": None}], "ok": True},
            "email": None,
        }
        record = make_record("p1", data)
        self.insert(storage, record)
        assert storage.get("Probe", "p1") == record
        assert storage.get("Probe", "missing") is None
        assert storage.get("Counter", "p1") is None

    def test_returned_records_are_copies(self, storage: Storage) -> None:
        record = make_record("p1", {"tags": ["a"]})
        self.insert(storage, record)
        record.data["tags"].append("changed-after-insert")
        got = storage.get("Probe", "p1")
        assert got is not None and got.data["tags"] == ["a"]
        got.data["tags"].append("changed-after-get")
        again = storage.get("Probe", "p1")
        assert again is not None and again.data["tags"] == ["a"]

    def test_insert_of_an_existing_key_is_a_conflict(self, storage: Storage) -> None:
        self.insert(storage, make_record("p1"))
        with pytest.raises(Conflict, match=r"Probe 'p1'.*already exists"):
            self.insert(storage, make_record("p1"))

    def test_update_checks_the_version(self, storage: Storage) -> None:
        first = make_record("p1", {"name": "one"})
        self.insert(storage, first)
        second = _bump(first, name="two")
        with storage.transaction() as tx:
            tx.update(second, expected_version=1)
        assert storage.get("Probe", "p1") == second
        with (
            pytest.raises(Conflict, match=r"Probe 'p1'.*stale version: expected 1, stored 2"),
            storage.transaction() as tx,
        ):
            tx.update(_bump(first, name="late"), expected_version=1)
        with (
            pytest.raises(Conflict, match=r"Probe 'ghost'.*not found"),
            storage.transaction() as tx,
        ):
            tx.update(_bump(make_record("ghost")), expected_version=1)
        with pytest.raises(StorageError, match="must carry version 3"), storage.transaction() as tx:
            tx.update(replace(second, version=7), expected_version=2)
        assert storage.get("Probe", "p1") == second

    def test_delete_checks_the_version(self, storage: Storage) -> None:
        self.insert(storage, make_record("p1"))
        with pytest.raises(Conflict, match="stale version"), storage.transaction() as tx:
            tx.delete("Probe", "p1", None, expected_version=2)
        with storage.transaction() as tx:
            tx.delete("Probe", "p1", None, expected_version=1)
        assert storage.get("Probe", "p1") is None
        with pytest.raises(Conflict, match="not found"), storage.transaction() as tx:
            tx.delete("Probe", "p1", None, expected_version=1)
        self.insert(storage, make_record("p1", {"name": "again"}))  # the id is free again
        assert storage.count("Probe") == 1

    def test_a_savepoint_undoes_a_failed_block_alone(self, storage: Storage) -> None:
        """What a block wrote (inserts, updates, deletes, events, a savepoint inside it)
        is undone when it raises; what came before it and what a finished savepoint
        wrote stay, and the transaction commits them."""
        self.insert(storage, make_record("keep", {"name": "a"}), make_record("gone", {"n": 1}))
        kept = storage.get("Probe", "keep")
        gone = storage.get("Probe", "gone")
        assert kept is not None and gone is not None

        class Boom(Exception):
            pass

        with storage.transaction() as tx:
            assert tx.savepoints, f"{type(tx).__name__} must undo a failed block alone"
            tx.insert(make_record("before"))
            with tx.savepoint():
                tx.insert(make_record("inner"))
            with pytest.raises(Boom), tx.savepoint():
                tx.insert(make_record("new", tenant="acme"))
                tx.update(_bump(kept, name="changed"), expected_version=1)
                tx.delete("Probe", "gone", None, expected_version=1)
                tx.append([make_event(kept)])
                with contextlib.suppress(Boom), tx.savepoint():
                    tx.insert(make_record("deeper"))
                    raise Boom
                tx.insert(make_record("deep"))
                raise Boom
            assert tx.get("Probe", "keep", None) == kept
            assert tx.get("Probe", "new", "acme") is None
            tx.append([make_event(kept)])
        assert _ids(storage.query("Probe", Query()).records) == ["before", "gone", "inner", "keep"]
        assert storage.query("Probe", Query(), "acme").records == []
        assert [e.seq for e in storage.events()] == [1]

    def test_the_empty_tenant_is_refused_on_reads_as_on_writes(self, storage: Storage) -> None:
        """'' is no tenant: SQL storage keeps untenanted records under it, so a read in
        it would see them."""
        self.insert(storage, make_record("p1", {"owner": "p1"}))
        link = Extra("ids", "Probe", "owner")
        with storage.transaction(readonly=True) as tx:
            reads: list[Callable[[], object]] = [
                lambda: tx.get("Probe", "p1", ""),
                lambda: tx.query("Probe", Query(), ""),
                lambda: tx.count("Probe", None, ""),
                lambda: tx.events(0, tenant=""),
                lambda: tx.related([("Probe", "owner")], ["p1"], ""),
                lambda: tx.aggregate("Probe", "owner", ["p1"], [("count", None, None)], ""),
                lambda: tx.query_with("Probe", Query(), "", [link]),
            ]
            for read in reads:
                with pytest.raises(StorageError, match="cannot read in tenant ''"):
                    read()

    def test_bad_keys_are_refused(self, storage: Storage) -> None:
        with pytest.raises(StorageError, match="tenant"):
            self.insert(storage, make_record("p1", tenant=""))
        with pytest.raises(StorageError, match="noun name"):
            self.insert(storage, make_record("p1", noun="not a noun"))
        with pytest.raises(StorageError, match="versions start at 1"):
            self.insert(storage, make_record("p1", version=0))
        assert storage.dump()["records"] == []

    # -- tenants and uniqueness --------------------------------------------

    def test_tenants_do_not_see_each_other(self, storage: Storage) -> None:
        acme = make_record("p1", {"name": "acme's"}, tenant="acme")
        globex = make_record("p1", {"name": "globex's"}, tenant="globex")
        shared = make_record("p1", {"name": "no tenant"})
        self.insert(storage, acme, globex, shared)
        assert storage.get("Probe", "p1", "acme") == acme
        assert storage.get("Probe", "p1", "globex") == globex
        assert storage.get("Probe", "p1", None) == shared
        assert storage.get("Probe", "p1", "initech") is None
        assert _ids(storage.query("Probe", Query(), "acme").records) == ["p1"]
        assert storage.query("Probe", Query(where={"name": "acme's"}), "globex").records == []
        assert storage.count("Probe", None, "initech") == 0
        with pytest.raises(Conflict), storage.transaction() as tx:
            tx.update(_bump(make_record("p1", tenant="initech")), expected_version=1)

    def test_unique_values_are_unique_per_tenant(self, storage: Storage) -> None:
        self.insert(storage, make_record("p1", {"email": "a@x.org"}, tenant="acme"))
        with pytest.raises(Conflict, match=r"Probe 'p2'.*email 'a@x.org'.*'p1'"):
            self.insert(storage, make_record("p2", {"email": "a@x.org"}, tenant="acme"))
        self.insert(storage, make_record("p2", {"email": "a@x.org"}, tenant="globex"))
        self.insert(storage, make_record("p3", {"email": None}, tenant="acme"))
        self.insert(storage, make_record("p4", {"email": None}, tenant="acme"))
        self.insert(storage, make_record("p5", {}, tenant="acme"))
        p3 = storage.get("Probe", "p3", "acme")
        assert p3 is not None
        with pytest.raises(Conflict, match="email"), storage.transaction() as tx:
            tx.update(_bump(p3, email="a@x.org"), expected_version=1)
        p1 = storage.get("Probe", "p1", "acme")
        assert p1 is not None
        with storage.transaction() as tx:  # keeping its own value is no clash
            tx.update(_bump(p1, name="renamed"), expected_version=1)

    # -- transactions ------------------------------------------------------

    def test_a_failed_transaction_leaves_no_trace(self, storage: Storage) -> None:
        self.insert(storage, make_record("keep", {"name": "k"}))
        with storage.transaction() as tx:
            tx.append([make_event(make_record("keep"))])
            tx.set_checkpoint("mailer", 1)
        before = storage.dump()
        with pytest.raises(RuntimeError, match="boom"), storage.transaction() as tx:
            tx.insert(make_record("new"))
            keep = tx.get("Probe", "keep", None)
            assert keep is not None
            tx.update(_bump(keep, name="changed"), keep.version)
            tx.delete("Probe", "keep", None, keep.version + 1)
            tx.append([make_event(make_record("new"))])
            tx.set_checkpoint("mailer", 2)
            tx.set_checkpoint("audit", 1)
            raise RuntimeError("boom")
        assert storage.dump() == before

    def test_a_transaction_sees_its_own_writes(self, storage: Storage) -> None:
        with storage.transaction() as tx:
            tx.insert(make_record("p1", {"name": "x"}))
            assert tx.get("Probe", "p1", None) is not None
            assert tx.count("Probe", {"name": "x"}, None) == 1
            events = tx.append([make_event(make_record("p1"))])
            assert [e.seq for e in tx.events(0)] == [e.seq for e in events]

    def test_read_only_transactions_refuse_writes(self, storage: Storage) -> None:
        with (
            pytest.raises(StorageError, match="read-only"),
            storage.transaction(readonly=True) as tx,
        ):
            tx.insert(make_record("p1"))
        assert storage.get("Probe", "p1") is None

    def test_nested_transactions_are_refused(self, storage: Storage) -> None:
        with storage.transaction() as tx:
            tx.insert(make_record("outer"))
            with pytest.raises(StorageError, match="already open"), storage.transaction():
                pass
        assert storage.get("Probe", "outer") is not None

    # -- events and checkpoints --------------------------------------------

    def test_events_are_numbered_without_gaps(self, storage: Storage) -> None:
        a, b = make_record("a", tenant="acme"), make_record("b", tenant="globex")
        with storage.transaction() as tx:
            first = tx.append([make_event(a), make_event(a, "updated", changes={"n": 1})])
        with pytest.raises(RuntimeError), storage.transaction() as tx:
            tx.append([make_event(b)])
            raise RuntimeError("rolled back: its seq is not used up")
        with storage.transaction() as tx:
            second = tx.append([make_event(b), make_event(make_record("c", noun="Counter"))])
        assert [e.seq for e in first + second] == [1, 2, 3, 4]
        log = storage.events()
        assert [e.seq for e in log] == [1, 2, 3, 4]
        assert log[1].changes == {"n": 1} and log[1].name == "Probe.updated"
        assert log[0] == first[0]
        assert [e.seq for e in storage.events(2)] == [3, 4]
        assert [e.seq for e in storage.events(0, limit=2)] == [1, 2]
        assert [e.seq for e in storage.events(0, noun="Counter")] == [4]
        assert [e.seq for e in storage.events(0, tenant="globex")] == [3]
        assert [e.seq for e in storage.events(0, name="Probe.*")] == [1, 2, 3]
        assert [e.seq for e in storage.events(0, name="*.updated")] == [2]
        assert [e.seq for e in storage.events(0, name="Probe.stored")] == [1, 3]
        assert storage.events(0, name="Probe_stored") == []  # _ and % are not wildcards
        assert storage.events(4) == []
        assert storage.wait_for_events(3, timeout=0.1) is True
        assert storage.wait_for_events(4, timeout=0.1) is False

    def test_checkpoints_live_in_transactions(self, storage: Storage) -> None:
        with storage.transaction() as tx:
            assert tx.checkpoint("mailer") == 0
            tx.set_checkpoint("mailer", 3)
            tx.set_checkpoint("mailer", 5)
            assert tx.checkpoint("mailer") == 5
        with pytest.raises(RuntimeError), storage.transaction() as tx:
            tx.set_checkpoint("mailer", 9)
            raise RuntimeError("rolled back")
        with storage.transaction() as tx:
            assert tx.checkpoint("mailer") == 5
            assert tx.checkpoints() == {"mailer": 5}

    # -- queries -------------------------------------------------------------

    def _people(self, storage: Storage) -> None:
        self.insert(
            storage,
            make_record("a", {"name": "Ann", "score": 40, "flag": True, "tags": ["x", "y"]}),
            make_record("b", {"name": "Bob", "score": 7.5, "flag": False, "tags": ["y"]}),
            make_record("c", {"name": "Cy", "score": None, "tags": []}),
            make_record("d", {"name": "Di", "score": 40.0, "owner": "a", "members": ["b", "c"]}),
            make_record("e", {"name": "Ann", "score": -3}),
        )

    def test_where_sort_limit_offset_and_count(self, storage: Storage) -> None:
        self._people(storage)

        def ids(**query: Any) -> list[str]:
            return _ids(storage.query("Probe", Query(**query)).records)

        assert ids() == ["a", "b", "c", "d", "e"]
        assert ids(where={"name": "Ann"}) == ["a", "e"]
        assert ids(where={"score": 40}) == ["a", "d"]  # 40 and 40.0 are one number
        assert ids(where={"score": {"$gte": 7.5, "$lt": 40}}) == ["b"]
        assert ids(where={"score": {"$ne": 40}}) == ["b", "c", "e"]  # missing counts as not 40
        assert ids(where={"score": None}) == ["c"]
        assert ids(where={"score": {"$exists": True}}) == ["a", "b", "d", "e"]
        assert ids(where={"flag": {"$ne": True}}) == ["b", "c", "d", "e"]
        assert ids(where={"tags": "y"}) == ["a", "b"]
        assert ids(where={"tags": {"$contains": ["x", "y"]}}) == ["a"]
        assert ids(where={"tags": {"$in": ["x", "q"]}}) == ["a"]
        assert ids(where={"members": "c"}) == ["d"]
        assert ids(where={"owner": {"$in": ["a", None]}}) == ["a", "b", "c", "d", "e"]
        assert ids(where={"name": {"$contains": "n"}}) == ["a", "e"]
        assert ids(where={"name": {"$nin": ["Ann", "Bob"]}}) == ["c", "d"]
        assert ids(where={"$or": [{"name": "Cy"}, {"score": {"$lt": 0}}]}) == ["c", "e"]
        assert ids(where={"$not": {"name": "Ann"}, "score": {"$not": {"$gt": 10}}}) == ["b", "c"]
        assert ids(where={"id": {"$gt": "c"}}) == ["d", "e"]
        assert ids(sort={"score": 1}) == ["c", "e", "b", "a", "d"]  # nulls first, ties by id
        assert ids(sort={"score": -1}) == ["a", "d", "b", "e", "c"]  # nulls last
        assert ids(sort={"name": 1, "score": -1}) == ["a", "e", "b", "c", "d"]
        assert ids(sort={"score": -1}, limit=2, offset=1) == ["d", "b"]
        assert ids(limit=0) == []
        assert ids(offset=4) == ["e"]
        assert storage.count("Probe", {"name": "Ann"}) == 2
        assert storage.count("Probe") == 5
        assert storage.query("Probe", Query(limit=10)).cursor is None

    def test_dates_and_datetimes_compare_as_dates_and_instants(self, storage: Storage) -> None:
        self.insert(
            storage,
            make_record("utc", {"at": "2026-01-01T00:00:00Z", "day": "2026-01-31"}),
            make_record("india", {"at": "2026-01-01T05:30:00.000+05:30", "day": "2026-02-01"}),
            make_record("later", {"at": "2026-01-01T00:00:00.5z", "day": "2025-12-31"}),
            make_record("earlier", {"at": "2025-12-31T18:59:59.999999999-05:00"}),
            make_record("list", {"stamps": ["2026-01-01T01:00:00+01:00"]}),
        )

        def ids(**query: Any) -> list[str]:
            return _ids(storage.query("Probe", Query(**query)).records)

        assert ids(where={"at": "2026-01-01T00:00:00.000000Z"}) == ["india", "utc"]
        assert ids(where={"at": {"$gt": "2025-12-31T23:59:59.9999Z"}}) == [
            "earlier",
            "india",
            "later",
            "utc",
        ]
        assert ids(where={"at": {"$gt": "2026-01-01T00:00:00+00:00"}}) == ["later"]
        assert ids(sort={"at": -1}, where={"at": {"$exists": True}}) == [
            "later",
            "india",
            "utc",
            "earlier",
        ]
        assert ids(where={"day": {"$lt": "2026-02-01"}}) == ["later", "utc"]
        assert ids(where={"stamps": "2026-01-01T00:00:00Z"}) == ["list"]

    def test_cursor_paging_is_stable(self, storage: Storage) -> None:
        for i in range(10):
            self.insert(storage, make_record(f"p{i}", {"score": i % 4}))
        seen: list[str] = []
        query = Query(sort={"score": -1}, limit=3)
        page = storage.query("Probe", query)
        seen += _ids(page.records)
        # Writers add records on both sides of the cursor while we page.
        self.insert(storage, make_record("p00", {"score": 3}), make_record("p99", {"score": 0}))
        while page.cursor is not None:
            page = storage.query("Probe", replace(query, after=page.cursor))
            seen += _ids(page.records)
        assert seen[:3] == ["p3", "p7", "p2"]
        assert len(seen) == len(set(seen))
        assert set(seen) >= {f"p{i}" for i in range(10)}
        assert "p99" in seen and "p00" not in seen  # p00 sorts before the first cursor

    def test_queries_are_checked_against_the_noun(self, storage: Storage) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            (
                {"where": {"score": {"$lt": "40"}}},
                r"where\.score\.\$lt: expected a number, got '40'",
            ),
            (
                {"where": {"scroe": 1}},
                r"where\.scroe: Probe has no field 'scroe'; did you mean 'score'",
            ),
            ({"where": {"name": {"$regex": "a"}}}, r"where\.name\.\$regex: unknown operator"),
            (
                {"where": {"$or": [{"flag": "yes"}]}},
                r"where\.\$or\[0\]\.flag: expected true or false",
            ),
            ({"where": {"at": "yesterday"}}, r"where\.at: expected an RFC 3339 date-time"),
            ({"where": {"day": "2026-02-30"}}, r"where\.day: expected a date"),
            ({"where": {"flag": {"$gt": True}}}, r"where\.flag\.\$gt: .*no order"),
            ({"where": {"doc": {"$eq": 1}}}, r"where\.doc\.\$eq: .*\$exists"),
            ({"where": {"tags": {"$gt": "a"}}}, r"where\.tags\.\$gt: .*list"),
            ({"sort": {"score": 2}}, r"sort\.score: expected 1 \(ascending\) or -1"),
            ({"sort": {"tags": 1}}, r"sort\.tags: cannot sort"),
            ({"limit": -1}, r"limit: expected a whole number"),
            ({"after": "not-a-cursor"}, r"after: not a cursor"),
        ]
        for query, message in cases:
            with pytest.raises(QueryError, match=message):
                storage.query("Probe", Query(**query))
        with pytest.raises(QueryError, match=r"where\.name: .*has no field"):
            storage.count("Counter", {"name": "x"})
        self.insert(storage, make_record("p1"), make_record("p2"))
        cursor = storage.query("Probe", Query(sort={"score": 1}, limit=1)).cursor
        assert cursor is not None
        with pytest.raises(QueryError, match="another sort"):
            storage.query("Probe", Query(sort={"name": 1}, limit=1, after=cursor))

    def test_a_noun_storage_was_not_told_about_can_be_stored(self, storage: Storage) -> None:
        record = make_record("x1", {"anything": [1, 2]}, noun="Stranger")
        self.insert(storage, record)
        assert storage.get("Stranger", "x1") == record
        assert _ids(storage.query("Stranger", Query(where={"id": "x1"})).records) == ["x1"]
        with pytest.raises(QueryError, match="open the storage with the noun's definition"):
            storage.query("Stranger", Query(where={"anything": 1}))

    def test_related_reads_derived_lists_by_owner(self, storage: Storage) -> None:
        link = ("Probe", "owner")
        with storage.transaction(readonly=True) as tx:
            assert tx.related([link], ["o1"], None) == [{}]  # no records of the noun yet
        # Children inserted out of id order, over two tenants; more owners than fit
        # one statement, so the answer is put together from several.
        children = [
            make_record(f"c{n:02d}", {"owner": f"o{n % 3}"}, tenant=tenant)
            for n in (7, 3, 11, 0, 5, 9, 1, 4)
            for tenant in (None, "acme")
        ]
        self.insert(storage, *children, make_record("lone"), make_record("x", {"owner": "zz"}))
        owners = ["o0", "o1", "o2", *(f"nobody{n}" for n in range(1_200))]
        want = {"o0": ["c00", "c03", "c09"], "o1": ["c01", "c04", "c07"], "o2": ["c05", "c11"]}
        with storage.transaction(readonly=True) as tx:
            assert tx.related([link, link], owners, None) == [want, want]
            assert tx.related([link], owners, "acme") == [want]
            assert tx.related([link], ["o2"], None) == [{"o2": ["c05", "c11"]}]
            assert tx.related([link], [], None) == [{}]
            # The generic answer, made of queries, is the same.
            assert Transaction.related(tx, [link, link], owners, None) == [want, want]

    def test_aggregate_groups_by_owner_as_the_reference_does(self, storage: Storage) -> None:
        """Read-time aggregates (count with a condition, sum, avg, min, max) per owner:
        a backend's own answer is the generic one, tenants apart, nulls left out."""
        children = [
            make_record(f"c{n}", {"owner": owner, "score": score, "count": count, "name": name})
            for n, (owner, score, count, name) in enumerate(
                [("o1", 2.5, 3, "a"), ("o1", 10, None, "b"), ("o1", None, 7, "a"),
                 ("o2", -1, 1, "b")]
            )
        ] + [make_record("t1", {"owner": "o1", "score": 99}, tenant="acme")]  # fmt: skip
        measures: list[Any] = [
            ("count", None, None),
            ("count", None, {"name": "a"}),
            ("count", None, {"$or": [{"score": {"$gt": 5}}, {"count": {"$lt": 2}}]}),
            ("sum", "score", None),
            ("sum", "count", {"name": "a"}),
            ("avg", "score", None),
            ("min", "score", None),
            ("max", "count", None),
        ]
        owners = ["o1", "o2", "nobody", *(f"n{i}" for i in range(600))]
        with storage.transaction(readonly=True) as tx:
            assert tx.aggregate("Probe", "owner", ["o1"], measures, None) == {
                "o1": [0, 0, 0, 0, 0, None, None, None]
            }  # no records of the noun yet
        self.insert(storage, *children)
        with storage.transaction(readonly=True) as tx:
            found = tx.aggregate("Probe", "owner", owners, measures, None)
            assert found == Transaction.aggregate(tx, "Probe", "owner", owners, measures, None)
            assert found["o1"] == [3, 2, 1, 12.5, 10, 6.25, 2.5, 7]
            assert found["o2"] == [1, 0, 1, -1, 0, -1, -1, 1]
            assert found["nobody"] == [0, 0, 0, 0, 0, None, None, None]
            assert tx.aggregate("Probe", "owner", ["o1"], measures[:1], "acme") == {"o1": [1]}

    def test_query_with_reads_each_extra_as_the_reference_does(self, storage: Storage) -> None:
        """A page with what its records read of others (derived lists, related records,
        aggregates, to-one and list targets): a backend's own answer is the generic one
        (the query, then a few reads), page by page, tenants apart."""
        extras = [
            Extra("ids", "Probe", "owner"),
            Extra("records", "Probe", "owner"),
            Extra("aggregate", "Probe", "owner", ("count", None, None)),
            Extra("aggregate", "Probe", "owner", ("sum", "score", {"name": "a"})),
            Extra("aggregate", "Probe", "owner", ("max", "count", None)),
            Extra("target", "Probe", "owner"),
            Extra("targets", "Probe", "members"),
        ]
        with storage.transaction(readonly=True) as tx:
            assert tx.query_with("Probe", Query(), None, extras).records == []
        self.insert(
            storage,
            make_record("o1", {"name": "top", "members": ["c2", "ghost", "o2", "c2"]}),
            make_record("o2", {"name": "b", "owner": "o1", "score": 4}),
            *(
                make_record(f"c{n}", {"owner": f"o{n % 2 + 1}", "name": "a", "score": n,
                                      "count": n})
                for n in (3, 1, 2, 4)
            ),
            make_record("c9", {"owner": "o1", "name": "a", "score": 50}, tenant="acme"),
        )  # fmt: skip
        want_o1 = [
            ["c2", "c4", "o2"],
            ["c2", "c4", "o2"],
            3,
            6,
            4,
            None,
            {"c2": "c2", "o2": "o2"},
        ]
        with storage.transaction(readonly=True) as tx:
            for tenant in (None, "acme"):
                for query in (
                    Query(),
                    Query(sort={"score": -1}, limit=2),
                    Query(where={"name": "a"}),
                ):
                    page = tx.query_with("Probe", query, tenant, extras)
                    reference = Transaction.query_with(tx, "Probe", query, tenant, extras)
                    assert page == reference
                    assert len(page.extras) == len(page.records)
            mine = tx.query_with("Probe", Query(where={"id": "o1"}), None, extras).extras[0]
            assert mine[0] == want_o1[0]
            assert [r["id"] for r in mine[1]] == want_o1[1]
            assert mine[2:6] == want_o1[2:6]
            assert {k: v["id"] for k, v in mine[6].items()} == want_o1[6]
            page = tx.query_with("Probe", Query(sort={"id": 1}, limit=1), None, extras[:1])
            assert page.cursor is not None and len(page.extras) == 1
            child = tx.query_with("Probe", Query(where={"id": "o2"}), None, extras[5:6])
            assert child.extras[0][0]["name"] == "top"
            with pytest.raises(StorageError, match="kind of extra"):
                tx.query_with("Probe", Query(), None, [Extra("nothing", "Probe", "owner")])

    # -- whole-store reads ---------------------------------------------------

    def test_scan_and_dump_list_everything(self, storage: Storage) -> None:
        records = [
            make_record("b", tenant="acme"),
            make_record("a", tenant="acme"),
            make_record("z"),
            make_record("c1", noun="Counter", data={"n": 1}),
        ]
        self.insert(storage, *records)
        with storage.transaction() as tx:
            tx.append([make_event(records[0])])
            tx.set_checkpoint("s", 1)
        with storage.transaction(readonly=True) as tx:
            assert {"Counter", "Probe"} <= set(tx.stored_nouns())
            assert [(r.tenant, r.id) for r in tx.scan("Probe")] == [
                (None, "z"),
                ("acme", "a"),
                ("acme", "b"),
            ]
        dump = storage.dump()
        assert len(dump["records"]) == 4
        assert [e["seq"] for e in dump["events"]] == [1]
        assert dump["checkpoints"] == {"s": 1}

    # -- persistence and sharing ---------------------------------------------

    def test_data_survives_reopening(self, make_storage: MakeStorage) -> None:
        storage = make_storage()
        if "durable" not in storage.capabilities:
            pytest.skip(f"{storage.url} is not durable")
        self.insert(storage, make_record("p1", {"name": "kept"}))
        with storage.transaction() as tx:
            tx.append([make_event(make_record("p1"))])
        before = storage.dump()
        storage.close()
        assert make_storage().dump() == before

    def test_two_handles_share_one_store(self, make_storage: MakeStorage) -> None:
        one = make_storage()
        if "multiprocess" not in one.capabilities:
            pytest.skip(f"{one.url} is private to one handle")
        two = make_storage()
        self.insert(one, make_record("p1", {"name": "from one"}))
        got = two.get("Probe", "p1")
        assert got is not None and got.data["name"] == "from one"
        with two.transaction() as tx:
            tx.update(_bump(got, name="from two"), expected_version=1)
            tx.append([make_event(got)])
        again = one.get("Probe", "p1")
        assert again is not None and again.data["name"] == "from two"
        assert [e.seq for e in one.events()] == [1]
        with pytest.raises(Conflict, match="stale version"), one.transaction() as tx:
            tx.update(_bump(got, name="stale"), expected_version=1)
