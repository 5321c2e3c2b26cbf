"""Storage URLs: which backend, which file; every mistake is a StorageError that says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from nounkit.config import DEFAULT_STORAGE
from nounkit.errors import StorageError
from nounkit.storage import Storage, open_storage, register_backend
from nounkit.storage.memory import MemoryStorage
from nounkit.storage.sqlite import SQLiteStorage
from nounkit.storage.tinydb import TinyDBStorage
from nounkit.storage.urls import redact
from nounkit.testing import NOUNS, make_record


def test_three_slashes_are_relative_four_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open_storage("sqlite:///data/app.sqlite") as relative:
        assert isinstance(relative, SQLiteStorage)
        assert relative.path == tmp_path / "data" / "app.sqlite"
    assert (tmp_path / "data" / "app.sqlite").exists()
    with open_storage(f"sqlite:///{tmp_path}/abs.sqlite") as absolute:
        assert isinstance(absolute, SQLiteStorage)
        assert absolute.path == tmp_path / "abs.sqlite"


def test_the_default_url_is_a_tinydb_file_under_dot_nounkit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open_storage(DEFAULT_STORAGE, NOUNS) as storage:
        assert isinstance(storage, TinyDBStorage)
        with storage.transaction() as tx:
            tx.insert(make_record("p1"))
    assert (tmp_path / ".nounkit" / "db.json").is_file()


def test_memory_urls_open_private_stores() -> None:
    one, two = open_storage("memory://"), open_storage("memory://")
    assert isinstance(one, MemoryStorage) and one is not two
    with one.transaction() as tx:
        tx.insert(make_record("p1"))
    assert two.get("Probe", "p1") is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "not a storage URL"),
        ("mysql://db/app", "unknown scheme 'mysql'"),
        ("sqlite://app.sqlite", "three slashes"),
        ("tinydb:///", "no file name"),
        ("tinydb:///folder/", "no file name"),
        ("sqlite:///x.sqlite?colour=blue", "unknown option"),
        ("tinydb:///x.json?max_mb=-3", "max_mb"),
        ("sqlite:///x.sqlite?synchronous=sometimes", "synchronous"),
        ("memory://somewhere", "memory:// takes no path"),
    ],
)
def test_bad_urls_are_storage_errors_with_a_hint(
    url: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StorageError, match=message) as caught:
        open_storage(url)
    assert "hint" in str(caught.value) or "write it as" in str(caught.value)


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StorageError, match=r"junk\.sqlite.*cannot open the SQLite database"):
        open_storage(f"sqlite:///{junk}")
    (tmp_path / "junk.json").write_text("{not json", "utf-8")
    with pytest.raises(StorageError, match=r"junk\.json is not a readable JSON file"):
        open_storage(f"tinydb:///{tmp_path}/junk.json")
    (tmp_path / "list.json").write_text("[1, 2]", "utf-8")
    with pytest.raises(
        StorageError, match=r"list\.json is not a nounkit store: the top level is list"
    ):
        open_storage(f"tinydb:///{tmp_path}/list.json")


def test_an_unreachable_server_is_named_with_its_password_hidden() -> None:
    pytest.importorskip("psycopg")
    url = "postgresql://bob:hunter2@127.0.0.1:1/app?connect_timeout=3"
    with pytest.raises(StorageError) as caught:
        open_storage(url)
    text = str(caught.value)
    assert "postgresql://bob:***@127.0.0.1:1/app" in text
    assert "hunter2" not in text
    assert "cannot connect to PostgreSQL" in text and "hint:" in text


def test_redact_hides_only_the_password() -> None:
    assert redact("postgresql://bob:pw@db:5432/x?a=1") == "postgresql://bob:***@db:5432/x?a=1"
    assert redact("postgresql://bob@db/x") == "postgresql://bob@db/x"
    assert redact("sqlite:///a.db") == "sqlite:///a.db"


def test_third_parties_can_add_a_scheme() -> None:
    opened: list[str] = []

    def opener(url: str) -> Storage:
        opened.append(url)
        return MemoryStorage(url)

    register_backend("custom", opener)
    with open_storage("custom://anything", NOUNS) as storage:
        assert isinstance(storage, MemoryStorage)
        assert storage.nouns["Probe"].name == "Probe"
    assert opened == ["custom://anything"]
