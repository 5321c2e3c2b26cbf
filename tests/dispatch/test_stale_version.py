"""Stale versions: a real second writer commits while an act is under way.

On PostgreSQL an act's transaction reads committed data (READ COMMITTED) and
writes with ``UPDATE ... WHERE version = expected``, so another connection can
commit in between: the act must notice, run again from fresh data and either
succeed without losing the other write, or give up with Conflict after
MAX_ATTEMPTS leaving no trace. The other backends serialise writers for the
whole transaction, so there the race can only be a queue: threads hammering
one entity must lose no update.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest

from nounkit import Registry
from nounkit.dispatch.act import MAX_ATTEMPTS
from nounkit.errors import Conflict
from nounkit.language.spec import NounDef
from nounkit.storage import Record, Storage, Transaction
from nounkit.storage.memory import MemoryStorage

from .helpers import KIT, install_kit_handlers, load_kit, names

Hook = Callable[[str, str], None]


class Meddler(Storage):
    """A real store whose every write first runs ``hook(noun, id)``.

    The hook lets another registry, on its own connection, commit a change to
    the same entity just before this transaction's write reaches the database.
    """

    def __init__(self, inner: Storage, hook: Hook) -> None:
        super().__init__(inner.url)
        self.inner = inner
        self.hook = hook
        self.capabilities = inner.capabilities

    def open(self, nouns: Mapping[str, NounDef]) -> None:
        self.inner.open(nouns)
        self._nouns.update(nouns)

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Transaction]:
        with self.inner.transaction(readonly=readonly) as tx:
            yield tx if readonly else _MeddlingTransaction(tx, self.hook)  # type: ignore[misc]

    def close(self) -> None:
        self.inner.close()


class _MeddlingTransaction:
    def __init__(self, tx: Transaction, hook: Hook) -> None:
        self._tx = tx
        self._hook = hook

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)

    def update(self, record: Record, expected_version: int) -> None:
        self._hook(record.noun, record.id)
        self._tx.update(record, expected_version)

    def delete(self, noun: str, id: str, tenant: str | None, expected_version: int) -> None:
        self._hook(noun, id)
        self._tx.delete(noun, id, tenant, expected_version)


@pytest.fixture
def pair(pg_url: str) -> Iterator[tuple[Registry, Registry]]:
    """Two registries of the kit on one PostgreSQL schema: each its own connection."""
    with load_kit(pg_url) as mine, load_kit(pg_url) as other:
        mine.act("open", data={"id": "acc", "email": "a@example.org"}, tenant="acme")
        yield mine, other


def test_a_handler_racing_another_writer_runs_again_and_loses_nothing(
    pair: tuple[Registry, Registry],
) -> None:
    mine, other = pair
    calls: list[float] = []

    @mine.handles("Account.deposit", replace=True)
    def deposit(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
        calls.append(entity.balance)
        if len(calls) == 1:  # mid-act, another process deposits 100 and commits
            other.act("deposit", id="acc", data={"amount": 100}, tenant="acme", actor="other")
        return {"balance": entity.balance + data["amount"]}

    result = mine.act("deposit", id="acc", data={"amount": 5}, tenant="acme", actor="me")
    assert calls == [0, 100]  # the second attempt read the other writer's balance
    assert result.entity.balance == 105
    assert result.version == 3
    assert other.get("Account", "acc", tenant="acme").balance == 105
    log = mine.events()
    assert [(e.actor, e.version) for e in log] == [(None, 1), ("other", 2), ("me", 3)]
    assert [e.seq for e in log] == [1, 2, 3]
    assert log[2].changes["balance"] == {"old": 100, "new": 105}


def meddling(pg_url: str, hook: Hook) -> Registry:
    """The kit over a Meddler on PostgreSQL (same schema as ``pg_url``)."""
    from nounkit.storage import open_storage

    registry = Registry.load(KIT, storage=Meddler(open_storage(pg_url), hook), handlers=[])
    install_kit_handlers(registry)
    return registry


def test_a_write_that_finds_a_newer_version_retries_and_succeeds(
    pair: tuple[Registry, Registry], pg_url: str
) -> None:
    _, other = pair
    meddled: list[str] = []

    def hook(noun: str, id: str) -> None:
        if not meddled:
            meddled.append(id)
            other.act("Account.update", id=id, data={"credit": 50}, tenant="acme", actor="other")

    with meddling(pg_url, hook) as mine:
        result = mine.act(
            "Account.update", id="acc", data={"handle": "mine"}, tenant="acme", actor="me"
        )
    assert meddled == ["acc"]
    assert (result.entity.handle, result.entity.credit, result.entity.available) == ("mine", 50, 50)
    assert result.version == 3
    stored = other.get("Account", "acc", tenant="acme")
    assert (stored.handle, stored.credit) == ("mine", 50)  # neither write lost
    assert [(e.actor, e.version, list(e.changes)) for e in other.events(since=1)] == [
        ("other", 2, ["credit", "available"]),
        ("me", 3, ["handle"]),
    ]


def test_a_delete_that_finds_a_newer_version_retries(
    pair: tuple[Registry, Registry], pg_url: str
) -> None:
    _, other = pair
    other.act("Tag.create", data={"id": "t", "slug": "vip"})
    meddled: list[str] = []

    def hook(noun: str, id: str) -> None:
        if not meddled:
            meddled.append(id)
            other.act("Tag.update", id=id, data={"label": "VIP"})

    with meddling(pg_url, hook) as mine:
        gone = mine.act("Tag.delete", id="t", roles=["admin"])
    assert gone.deleted and gone.version == 2
    assert gone.entity is not None and gone.entity.label == "VIP"  # what was deleted
    assert names(other.events(since=2)) == ["Tag.updated", "Tag.deleted"]


def test_a_writer_that_keeps_losing_gives_up_with_conflict_and_no_trace(
    pair: tuple[Registry, Registry], pg_url: str
) -> None:
    _, other = pair
    snapshots: list[dict[str, Any]] = []

    def hook(noun: str, id: str) -> None:  # every attempt loses the race
        other.act("deposit", id=id, data={"amount": 1}, tenant="acme", actor="other")
        snapshots.append(other.storage.dump())

    with meddling(pg_url, hook) as mine:
        with pytest.raises(Conflict) as caught:
            mine.act("Account.update", id="acc", data={"handle": "mine"}, tenant="acme")
        message = str(caught.value)
        assert f"Account 'acc': still stale after {MAX_ATTEMPTS} attempts" in message
        assert "another writer keeps changing it" in message
        assert len(snapshots) == MAX_ATTEMPTS
        # Exactly the other writer's commits, nothing of the failed act.
        assert mine.storage.dump() == snapshots[-1]
    stored = other.get("Account", "acc", tenant="acme")
    assert (stored.balance, stored.handle) == (MAX_ATTEMPTS, None)
    assert {e.actor for e in other.events(since=1)} == {"other"}


# -- every backend: writers queue, no update is lost -----------------------------------------


def test_concurrent_acts_on_one_entity_lose_no_update(storage_url: str) -> None:
    threads, rounds = 3, 8
    if storage_url.startswith("memory:"):  # one store shared by every registry
        shared = MemoryStorage()
        registries = [Registry.load(KIT, storage=shared, handlers=[]) for _ in range(threads)]
        for registry in registries:
            install_kit_handlers(registry)
    else:
        registries = [load_kit(storage_url) for _ in range(threads)]
    try:
        registries[0].act("open", data={"id": "acc", "email": "a@example.org"}, tenant="acme")
        done: list[int] = []
        given_up: list[str] = []
        start = threading.Barrier(threads)

        def work(registry: Registry) -> None:
            start.wait()
            for _ in range(rounds):
                try:
                    registry.act("deposit", id="acc", data={"amount": 2}, tenant="acme")
                    done.append(1)
                except Conflict as exc:  # only after MAX_ATTEMPTS lost races
                    given_up.append(str(exc))

        workers = [threading.Thread(target=work, args=(r,)) for r in registries]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert all("still stale after" in message for message in given_up)
        assert len(done) + len(given_up) == threads * rounds
        account = registries[0].get("Account", "acc", tenant="acme")
        assert account.balance == 2 * len(done)
        log = registries[0].events()
        assert [e.seq for e in log] == list(range(1, len(done) + 2))
        assert [e.version for e in log] == list(range(1, len(done) + 2))
        assert [e.changes["balance"]["old"] for e in log[1:]] == [2 * n for n in range(len(done))]
    finally:
        for registry in registries:
            registry.close()
