"""The TinyDB file itself: readable, atomic, locked, and within its size ceiling."""

from __future__ import annotations

import contextlib
import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import filelock
import pytest

from nounkit.errors import Conflict, StorageError
from nounkit.storage import open_storage
from nounkit.storage import tinydb as tiny
from nounkit.testing import NOUNS, make_event, make_record


def test_the_file_is_readable_json_with_one_entity_per_line(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with open_storage(f"tinydb:///{path}", NOUNS) as storage, storage.transaction() as tx:
        tx.insert(make_record("p1", {"name": "Zoë"}))
        tx.insert(make_record("p2", {"name": "Bo"}, tenant="acme"))
        tx.append([make_event(make_record("p1"))])
    text = path.read_text("utf-8")
    assert "Zoë" in text  # UTF-8, not \\u escapes
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert any(line.startswith('    "p1": {"id": "p1", "version": 1') for line in lines)
    data = json.loads(text)
    assert set(data) == {"$meta", "$events", "Probe", "Probe@acme"}
    assert data["Probe"]["p1"]["data"] == {"id": "p1", "name": "Zoë"}
    assert data["$events"]["1"]["entity_id"] == "p1"


def test_commits_leave_no_temporary_files_and_leftovers_are_cleared(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    url = f"tinydb:///{path}"
    with open_storage(url, NOUNS) as storage:
        for i in range(3):
            with storage.transaction() as tx:
                tx.insert(make_record(f"p{i}"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.lock"]
    (tmp_path / ".db.json.abc123.tmp").write_text("half a commit", "utf-8")
    with open_storage(url, NOUNS) as storage:
        assert storage.count("Probe") == 3
    assert not list(tmp_path.glob("*.tmp"))


def test_another_process_writes_are_seen(tmp_path: Path) -> None:
    url = f"tinydb:///{tmp_path}/db.json"
    with open_storage(url, NOUNS) as reader:
        assert reader.get("Probe", "p1") is None
        with open_storage(url, NOUNS) as writer, writer.transaction() as tx:
            tx.insert(make_record("p1"))
        assert reader.get("Probe", "p1") is not None


def test_an_empty_file_is_refused_not_an_empty_store(tmp_path: Path) -> None:
    for text in ("", "  \n"):
        (tmp_path / "db.json").write_text(text, "utf-8")
        with pytest.raises(StorageError, match=r"db\.json is empty"):
            open_storage(f"tinydb:///{tmp_path}/db.json", NOUNS)


def _store(tmp_path: Path) -> Path:
    """A small store, as nounkit writes it: two records (one in a tenant), two events,
    a checkpoint."""
    url = f"tinydb:///{tmp_path}/db.json"
    with open_storage(url, NOUNS) as storage, storage.transaction() as tx:
        one = make_record("p1", {"name": "a", "tags": ["x"]})
        tx.insert(one)
        tx.insert(make_record("p2", {"name": "b"}, tenant="acme"))
        tx.append([make_event(one), make_event(one)])
        tx.set_checkpoint("s", 1)
    return tmp_path / "db.json"


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (lambda d: [], "the top level is list"),
        (lambda d: {**d, "Probe": []}, "table 'Probe' is list"),
        (lambda d: {**d, "Probe": {"p1": "x"}}, "Probe 'p1' is str"),
        (lambda d: {**d, "Probe": {"p1": {**d["Probe"]["p1"], "version": "1"}}}, "version"),
        (lambda d: {**d, "Probe": {"p1": {**d["Probe"]["p1"], "version": 0}}}, "version 0"),
        (lambda d: {**d, "Probe": {"p1": {**d["Probe"]["p1"], "id": "p9"}}}, "holds the id"),
        (lambda d: {**d, "Probe": {"p1": {**d["Probe"]["p1"], "data": [1]}}}, "data"),
        (lambda d: {**d, "Probe": {"p1": {"id": "p1"}}}, "has no 'version'"),
        (lambda d: {**d, "$events": {"1": d["$events"]["1"], "3": d["$events"]["2"]}}, "gap"),
        (lambda d: {**d, "$events": {"1": {**d["$events"]["1"], "input": None}}}, "input"),
        (lambda d: {**d, "$checkpoints": {"s": {"seq": "1"}}}, "checkpoint 's'"),
        (lambda d: {**d, "not a noun": {}}, "names no noun"),
    ],
)
def test_a_damaged_store_is_refused_naming_what_is_wrong(
    tmp_path: Path, spoil: Any, named: str
) -> None:
    path = _store(tmp_path)
    path.write_text(json.dumps(spoil(json.loads(path.read_text("utf-8")))), "utf-8")
    with pytest.raises(StorageError, match="is not a nounkit store") as caught:
        open_storage(f"tinydb:///{path}", NOUNS)
    assert named in str(caught.value)


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (lambda d: {**d, "$events": {"²": d["$events"]["1"]}}, "the log has a gap"),
        (lambda d: {**d, "Probe": {"p1": {**d["Probe"]["p1"], "data": {"doc": DEEP}}}}, "deep"),
        (lambda d: {**d, "Probe": {"p1": {**d["Probe"]["p1"], "data": {"name": "\ud800"}}}},
         "lone surrogate"),
        (lambda d: {**d, "$events": {"1": {**d["$events"]["1"], "actor": "\udfff"}}},
         "lone surrogate"),
    ],
)  # fmt: skip
def test_what_nounkit_never_writes_is_refused_on_open(
    tmp_path: Path, spoil: Any, named: str
) -> None:
    """A file no write of nounkit's makes (text it could not send on, nesting past the
    limits) is refused on open, not left to fail on a later read."""
    path = _store(tmp_path)
    path.write_text(json.dumps(spoil(json.loads(path.read_text("utf-8")))), "utf-8")
    with pytest.raises(StorageError, match="is not a nounkit store") as caught:
        open_storage(f"tinydb:///{path}", NOUNS)
    assert named in str(caught.value)


DEEP: Any = 0
for _ in range(300):
    DEEP = [DEEP]


def test_the_unique_index_follows_the_nouns_and_every_holder(tmp_path: Path) -> None:
    """Unique values are indexed, never compared with every record; the index follows
    a change of which properties are unique, and values a file already repeats."""
    url = f"tinydb:///{tmp_path}/db.json"
    probe = NOUNS["Probe"]
    swapped = {
        **probe.properties,
        "email": probe.properties["email"].replace(unique=False),
        "name": probe.properties["name"].replace(unique=True),
    }
    plain = {**NOUNS, "Probe": probe.replace(properties=swapped)}
    with open_storage(url, NOUNS) as storage:
        with storage.transaction() as tx:
            tx.insert(make_record("a", {"email": "x@x.org", "name": "n"}))
        storage.open(plain)  # email no longer unique, name now is
        with storage.transaction() as tx:
            tx.insert(make_record("b", {"email": "x@x.org", "name": "m"}))
        with pytest.raises(Conflict, match="name"), storage.transaction() as tx:
            tx.insert(make_record("c", {"name": "n"}))
    with open_storage(url, NOUNS) as storage:  # email unique again: a and b repeat it
        with pytest.raises(Conflict, match="email"), storage.transaction() as tx:
            tx.insert(make_record("c", {"email": "x@x.org"}))
        with storage.transaction() as tx:
            tx.delete("Probe", "a", None, expected_version=1)
        with pytest.raises(Conflict, match="email"), storage.transaction() as tx:
            tx.insert(make_record("d", {"email": "x@x.org"}))  # b still holds it
        with storage.transaction() as tx:
            tx.update(replace(make_record("b", {"email": "y@x.org"}), version=2), 1)
            tx.insert(make_record("d", {"email": "x@x.org"}))
        with pytest.raises(Conflict, match="email"), storage.transaction() as tx:
            tx.insert(make_record("e", {"email": "y@x.org"}))


def test_flipped_bits_open_as_a_store_or_are_refused(tmp_path: Path) -> None:
    """300 single-bit flips of a store: each opens and answers every read, or is a
    StorageError; no other error."""
    path = _store(tmp_path)
    good = path.read_bytes()
    chance = random.Random(7)
    for _ in range(300):
        spoiled = bytearray(good)
        at = chance.randrange(len(spoiled))
        spoiled[at] ^= 1 << chance.randrange(8)
        path.write_bytes(bytes(spoiled))
        try:
            with open_storage(f"tinydb:///{path}", NOUNS) as storage:
                storage.dump()  # every record, event and checkpoint
                storage.events()
        except StorageError:
            pass


def test_a_commit_past_the_ceiling_is_refused_and_undone(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with open_storage(f"tinydb:///{path}?max_mb=0.01", NOUNS) as storage:
        with storage.transaction() as tx:
            tx.insert(make_record("small"))
        before, on_disk = storage.dump(), path.read_bytes()
        with (
            pytest.raises(StorageError, match=r"ceiling.*nounkit migrate"),
            storage.transaction() as tx,
        ):
            tx.insert(make_record("big", {"note": "x" * 20_000}))
        assert storage.dump() == before
        assert path.read_bytes() == on_disk


def test_a_large_file_warns_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tiny, "WARN_BYTES", 100)
    with (
        open_storage(f"tinydb:///{tmp_path}/db.json", NOUNS) as storage,
        pytest.warns(tiny.StorageSizeWarning, match="consider SQLite"),
        storage.transaction() as tx,
    ):
        tx.insert(make_record("p1", {"note": "x" * 200}))


def test_a_stuck_writer_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with open_storage(f"tinydb:///{path}?timeout=0.2", NOUNS) as storage:
        holder = filelock.FileLock(f"{path}.lock", thread_local=False)
        with holder:
            with (
                pytest.raises(StorageError, match="held the write lock"),
                storage.transaction() as tx,
            ):
                tx.insert(make_record("p1"))
            assert storage.get("Probe", "p1") is None  # reads need no lock


def test_the_file_always_holds_what_the_store_holds(tmp_path: Path) -> None:
    """Commits re-encode only what changed; after any mix of writes and rollbacks the
    file, read afresh, must equal the state in memory."""
    url = f"tinydb:///{tmp_path}/db.json"
    rng = random.Random(7)
    with open_storage(url, NOUNS) as storage:
        for step in range(120):
            ids = [f"p{i}" for i in range(6)]
            with contextlib.suppress(RuntimeError, Conflict), storage.transaction() as tx:
                for _ in range(rng.randrange(1, 4)):
                    id, tenant = rng.choice(ids), rng.choice([None, "acme"])
                    found = tx.get("Probe", id, tenant)
                    action = rng.choice(["write", "delete", "event", "checkpoint"])
                    if action == "write" and found is None:
                        tx.insert(make_record(id, {"count": step}, tenant=tenant))
                    elif action == "write" and found is not None:
                        bumped = replace(found, version=found.version + 1, data={"count": step})
                        tx.update(bumped, found.version)
                    elif action == "delete" and found is not None:
                        tx.delete("Probe", id, tenant, found.version)
                    elif action == "event":
                        tx.append([make_event(make_record(id, tenant=tenant))])
                    else:
                        tx.set_checkpoint(rng.choice(["a", "b"]), step)
                if rng.random() < 0.25:
                    raise RuntimeError("roll it all back")
            with open_storage(url, NOUNS) as fresh:
                assert fresh.dump() == storage.dump(), f"step {step}"
            json.loads((tmp_path / "db.json").read_text("utf-8"))


def test_a_value_is_held_once_in_memory_not_again_in_its_event(tmp_path: Path) -> None:
    """The event's new values are the stored record's own objects (when the same as JSON),
    and reading either still gives copies."""
    url = f"tinydb:///{tmp_path}/db.json"
    big = {"rows": [{"n": i} for i in range(100)]}
    with open_storage(url, NOUNS) as storage:
        record = make_record("p1", {"doc": big, "count": 1})
        changes = {"doc": {"old": None, "new": big}, "count": {"old": None, "new": 1.0}}
        with storage.transaction() as tx:
            tx.insert(record)
            tx.append([make_event(record, changes=changes)])
        tables = storage._file.read()  # type: ignore[attr-defined]
        data, event = tables["Probe"]["p1"]["data"], tables["$events"]["1"]["changes"]
        assert event["doc"]["new"] is data["doc"]
        assert event["count"]["new"] is not data["count"]  # 1.0 is not 1 as JSON
        (read,) = storage.events()
        assert read.changes["doc"]["new"] == big and read.changes["doc"]["new"] is not big
    with open_storage(url, NOUNS) as storage:
        assert storage.events()[0].changes["count"]["new"] == 1.0
