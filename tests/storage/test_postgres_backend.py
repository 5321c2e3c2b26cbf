"""PostgreSQL specifics: indexes the planner uses, LISTEN/NOTIFY, connection errors."""

from __future__ import annotations

import threading
import time

import pytest

from nounkit.storage import open_storage
from nounkit.testing import NOUNS, make_event, make_record


def test_indexes_exist_and_serve_equality(postgres_url: str) -> None:
    import psycopg

    with open_storage(postgres_url, NOUNS) as storage, storage.transaction() as tx:
        for i in range(20):
            tx.insert(make_record(f"p{i}", {"name": f"n{i % 3}", "tags": ["a"]}))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        names = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes")}
        assert {"nk_i_e_Probe_name", "nk_u_e_Probe_email", "nk_i_e_Probe_data"} <= names
        assert "nk_i_e_Probe_owner" in names  # to-one relationships, for derived reads
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(
            r[0]
            for r in conn.execute(
                """EXPLAIN SELECT id FROM "e_Probe" WHERE tenant = ''"""
                """ AND ((data->>'name') COLLATE "C") = 'n1'"""
            )
        )
        assert "nk_i_e_Probe_name" in plan


def test_waiting_readers_are_woken_by_notify(postgres_url: str) -> None:
    with open_storage(postgres_url, NOUNS) as reader, open_storage(postgres_url, NOUNS) as writer:

        def write_later() -> None:
            time.sleep(0.3)
            with writer.transaction() as tx:
                tx.append([make_event(make_record("p1"))])

        thread = threading.Thread(target=write_later)
        started = time.monotonic()
        thread.start()
        assert reader.wait_for_events(0, timeout=10)
        assert time.monotonic() - started < 5
        thread.join()
        assert reader.wait_for_events(1, timeout=0.2) is False


def test_a_missing_database_is_named(postgres_url: str) -> None:
    from nounkit.errors import StorageError

    base = postgres_url.split("?")[0].rsplit("/", 1)[0]
    with pytest.raises(StorageError, match=r"no_such_db.*cannot connect to PostgreSQL"):
        open_storage(f"{base}/no_such_db")
