"""Crash safety and concurrency: real processes, real SIGKILLs.

Both tests fork processes that open the store under test by its URL (so a
third-party backend registered with ``register_backend`` in the parent works
in the children too). They run where the store says it can take them:
crash safety on ``durable`` stores, concurrency on ``multiprocess`` ones.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import select
import signal
import struct
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from nounkit.errors import Conflict
from nounkit.storage import Storage, open_storage
from nounkit.testing.probe import NOUNS, make_event, make_record

__all__ = ["DurabilityContract"]

_ACK = struct.Struct("<q")


def _writer(url: str, ack_fd: int, start: int) -> None:
    """Insert records (each with its event) forever, acknowledging each commit on a pipe."""
    storage = open_storage(url, NOUNS)
    number = start
    while True:
        record = make_record(f"w{number:09d}", {"count": number})
        with storage.transaction() as tx:
            tx.insert(record)
            tx.append([make_event(record)])
        os.write(ack_fd, _ACK.pack(number))  # only after the commit returned
        number += 1


def _incrementer(url: str, times: int) -> None:
    """Make ``times`` version-checked increments of the counter, retrying on Conflict."""
    storage = open_storage(url, NOUNS)
    done = 0
    while done < times:
        try:
            with storage.transaction() as tx:
                counter = tx.get("Counter", "c", None)
                assert counter is not None
                bumped = replace(
                    counter,
                    version=counter.version + 1,
                    data={**counter.data, "n": counter.data["n"] + 1},
                )
                tx.update(bumped, counter.version)
                tx.append([make_event(bumped, "incremented")])
        except Conflict:
            continue
        done += 1
    storage.close()


def _read_acks(fd: int, *, first_within: float | None) -> tuple[list[int], bool]:
    """Acks from the pipe: wait for one (when asked) or drain to EOF. Returns (acks, eof)."""
    data = b""
    if first_within is not None:
        ready, _, _ = select.select([fd], [], [], first_within)
        if not ready:
            return [], False
        chunk = os.read(fd, _ACK.size)
        return ([_ACK.unpack(chunk)[0]] if len(chunk) == _ACK.size else []), not chunk
    while chunk := os.read(fd, 65536):
        data += chunk
    whole = len(data) - len(data) % _ACK.size
    return [n for (n,) in _ACK.iter_unpack(data[:whole])], True


class DurabilityContract:
    """Killed writers lose nothing acknowledged; concurrent writers never lose an update."""

    crash_rounds = 50
    writers, increments = 4, 250

    def test_killed_writers_lose_no_acknowledged_write(
        self, make_storage: Callable[[], Storage], storage_url: str
    ) -> None:
        storage = make_storage()
        if not {"durable", "multiprocess"} <= storage.capabilities:
            pytest.skip(f"{storage.url} is not durable across processes")
        storage.close()
        # Forked writers, here only: this contract test exists to kill processes mid-write,
        # and forking keeps its 50 rounds quick. No library code forks (a test holds it).
        fork = multiprocessing.get_context("fork")
        rng = random.Random(20261121)
        acked: set[int] = set()
        for round in range(self.crash_rounds):
            read_fd, write_fd = os.pipe()
            child = fork.Process(target=_writer, args=(storage_url, write_fd, round * 10**6))
            child.start()
            os.close(write_fd)
            try:
                if rng.random() < 0.2:  # sometimes mid-open or mid-first-commit
                    time.sleep(rng.uniform(0, 0.02))
                else:
                    first, _ = _read_acks(read_fd, first_within=30)
                    assert first, (
                        f"round {round}: the writer acknowledged nothing (exit {child.exitcode})"
                    )
                    acked.update(first)
                    time.sleep(rng.uniform(0, 0.03))
                os.kill(child.pid or 0, signal.SIGKILL)
                child.join()
                rest, _ = _read_acks(read_fd, first_within=None)
                acked.update(rest)
            finally:
                os.close(read_fd)
                if child.is_alive():
                    child.kill()
            check = make_storage()  # the store must open after every kill
            with check.transaction(readonly=True) as tx:
                stored = [r for r in tx.scan("Probe")]
                events = tx.events(0)
            check.close()
            numbers = {r.data["count"] for r in stored}
            assert all(r.id == f"w{r.data['count']:09d}" for r in stored)
            lost = acked - numbers
            assert not lost, f"round {round}: acknowledged writes lost: {sorted(lost)[:10]}"
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            assert sorted(e.entity_id for e in events) == sorted(r.id for r in stored), (
                "every record and its event commit together"
            )
        assert len(acked) >= self.crash_rounds // 2

    def test_concurrent_increments_are_never_lost(
        self, make_storage: Callable[[], Storage], storage_url: str
    ) -> None:
        storage = make_storage()
        if "multiprocess" not in storage.capabilities:
            pytest.skip(f"{storage.url} is private to one process")
        with storage.transaction() as tx:
            tx.insert(make_record("c", {"n": 0}, noun="Counter"))
        storage.close()  # no open handle crosses the fork
        # Forked racers, as above: processes made by the contract suite to race on one row.
        fork = multiprocessing.get_context("fork")
        children = [
            fork.Process(target=_incrementer, args=(storage_url, self.increments))
            for _ in range(self.writers)
        ]
        for child in children:
            child.start()
        # Meanwhile a reader follows the log: it must never see a gap, because a
        # seq becomes visible only after every smaller seq has committed.
        check = make_storage()
        seen, deadline = 0, time.monotonic() + 300
        while any(c.is_alive() for c in children) and time.monotonic() < deadline:
            fresh = [e.seq for e in check.events(seen)]
            assert fresh == list(range(seen + 1, seen + 1 + len(fresh))), (
                f"a reader saw a gap after seq {seen}: {fresh[:5]}"
            )
            seen = fresh[-1] if fresh else seen
            time.sleep(0.005)
        for child in children:
            child.join(timeout=max(1.0, deadline - time.monotonic()))
            if child.is_alive():
                child.kill()
        assert [c.exitcode for c in children] == [0] * self.writers
        total = self.writers * self.increments
        counter = check.get("Counter", "c")
        assert counter is not None
        assert counter.data["n"] == total
        assert counter.version == total + 1
        events = check.events(0, name="Counter.incremented")
        assert [e.seq for e in events] == list(range(1, total + 1))
        assert [e.version for e in events] == list(range(2, total + 2))
