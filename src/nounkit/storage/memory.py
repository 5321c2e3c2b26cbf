"""``memory://``: dictionaries behind a lock, private to one process.

Writes apply in place while the transaction holds the lock, and an undo log
restores the exact previous state on rollback. Records are copied on the way
in and out, so a caller mutating ``record.data`` never changes the store.
Queries run as compiled Python tests over the records: for this backend
that is native (the contract suite holds them to the reference evaluator).
The text fields the SQL backends index (to-one relationships among them)
get an index of exact values here, built on the first query that can use it
and kept in step by every write (and undo), so that reading a derived list
(a customer's entitlements) does not test every record of the noun.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from nounkit.errors import StorageError
from nounkit.language.spec import NounDef
from nounkit.storage.base import (
    Event,
    NewEvent,
    Page,
    Query,
    Record,
    Storage,
    Transaction,
    UndoLog,
    check_events,
    check_tenant,
)
from nounkit.storage.query import (
    AllOf,
    Cond,
    Leaf,
    compile_matcher,
    indexed_fields,
    name_pattern,
    order_and_page,
    plan_count,
    plan_query,
)
from nounkit.storage.rules import (
    check_delete,
    check_insert,
    check_update,
    clone,
    noun_def,
    unique_clash,
)
from nounkit.storage.urls import bad_url

__all__ = ["MemoryStorage", "open_memory"]

_INDEX_FROM = 64  # records: below this, testing them all is as quick as an index

Key = tuple[str, str | None]  # (noun, tenant)
IndexKey = tuple[str, str | None, str]  # (noun, tenant, indexed field)


class MemoryStorage(Storage):
    """A private in-process store: fast, exact rollback, gone when the process ends."""

    capabilities = frozenset({"native_query"})

    def __init__(self, url: str = "memory://") -> None:
        super().__init__(url)
        self._tables: dict[Key, dict[str, Record]] = {}
        self._events: list[Event] = []
        self._checkpoints: dict[str, int] = {}
        # value of the field -> ids of the records holding it (a dict as an ordered set)
        self._indexes: dict[IndexKey, dict[str, dict[str, None]]] = {}
        self._indexed: dict[str, tuple[NounDef, frozenset[str]]] = {}  # by noun name
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._closed = False

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Transaction]:
        if self._owner == threading.get_ident():
            raise StorageError(f"{self.url}: a transaction is already open in this thread")
        with self._lock:
            if self._closed:
                raise StorageError(f"{self.url}: the storage is closed")
            self._owner = threading.get_ident()
            tx = _MemoryTransaction(self, readonly)
            try:
                yield tx
            except BaseException:
                tx.undo()
                raise
            finally:
                tx.done = True
                self._owner = None

    def close(self) -> None:
        self._closed = True

    def indexed(self, noun: str) -> frozenset[str]:
        """The noun's text fields the SQL backends index (``indexed_fields``): equality on
        them can be answered from an index of exact values here too."""
        definition = self.nouns.get(noun)
        if definition is None:
            return frozenset()
        cached = self._indexed.get(noun)
        if cached is None or cached[0] is not definition:  # opened again with other nouns
            names = frozenset(f.name for f, _ in indexed_fields(definition) if f.kind == "string")
            cached = self._indexed[noun] = (definition, names)
        return cached[1]

    def field_index(self, noun: str, tenant: str | None, field: str) -> dict[str, dict[str, None]]:
        key = (noun, tenant, field)
        index = self._indexes.get(key)
        if index is None:
            index = self._indexes[key] = {}
            for record in self._tables.get((noun, tenant), {}).values():
                value = record.data.get(field)
                if type(value) is str:
                    index.setdefault(value, {})[record.id] = None
        return index

    def reindex(
        self, noun: str, tenant: str | None, id: str, old: Record | None, new: Record | None
    ) -> None:
        """Move ``id`` in every index of the noun from ``old``'s values to ``new``'s."""
        for (k_noun, k_tenant, field), index in self._indexes.items():
            if k_noun != noun or k_tenant != tenant:
                continue
            before = None if old is None else old.data.get(field)
            after = None if new is None else new.data.get(field)
            if before == after:
                continue
            if type(before) is str:
                holders = index.get(before)
                if holders is not None:
                    holders.pop(id, None)
                    if not holders:
                        del index[before]
            if type(after) is str:
                index.setdefault(after, {})[id] = None


class _MemoryTransaction(UndoLog, Transaction):
    def __init__(self, store: MemoryStorage, readonly: bool) -> None:
        self.store = store
        self.readonly = readonly
        self.done = False
        self._undo: list[Callable[[], None]] = []

    def undo(self, mark: int = 0) -> None:
        while len(self._undo) > mark:
            self._undo.pop()()

    def _writable(self) -> None:
        if self.done:
            raise StorageError(f"{self.store.url}: the transaction has ended")
        if self.readonly:
            raise StorageError(f"{self.store.url}: cannot write in a read-only transaction")

    def _table(self, noun: str, tenant: str | None) -> dict[str, Record]:
        return self.store._tables.get((noun, tenant), {})

    def _put(self, record: Record | None, noun: str, tenant: str | None, id: str) -> None:
        """Set (or with None, remove) one record, remembering how to undo it."""
        store = self.store
        table = store._tables.setdefault((noun, tenant), {})
        old = table.get(id)
        if record is None:
            table.pop(id, None)
        else:
            table[id] = record
        if store._indexes:
            store.reindex(noun, tenant, id, old, record)

        def restore() -> None:
            if old is None:
                table.pop(id, None)
            else:
                table[id] = old
            if store._indexes:
                store.reindex(noun, tenant, id, record, old)

        self._undo.append(restore)

    def get(self, noun: str, id: str, tenant: str | None) -> Record | None:
        check_tenant(tenant)
        record = self._table(noun, tenant).get(id)
        return None if record is None else clone(record)

    def insert(self, record: Record) -> None:
        self._writable()
        table = self._table(record.noun, record.tenant)
        check_insert(record, record.id in table)
        self._unique(record, table)
        self._put(clone(record), record.noun, record.tenant, record.id)

    def update(self, record: Record, expected_version: int) -> None:
        self._writable()
        table = self._table(record.noun, record.tenant)
        stored = table.get(record.id)
        check_update(record, expected_version, None if stored is None else stored.version)
        self._unique(record, table)
        self._put(clone(record), record.noun, record.tenant, record.id)

    def delete(self, noun: str, id: str, tenant: str | None, expected_version: int) -> None:
        self._writable()
        stored = self._table(noun, tenant).get(id)
        check_delete(noun, id, tenant, expected_version, None if stored is None else stored.version)
        self._put(None, noun, tenant, id)

    def _unique(self, record: Record, table: Mapping[str, Record]) -> None:
        noun = self.store.nouns.get(record.noun)
        if noun is not None:
            unique_clash(noun, record, ((r.id, r.data) for r in table.values()))

    def _candidates(self, noun: str, tenant: str | None, where: Cond | None) -> Iterable[Record]:
        """The records that can match: through a field index when the condition requires
        an indexed field to equal one of some values, else all of them. The
        caller still tests each one, so this only narrows, never decides."""
        table = self._table(noun, tenant)
        leaves = where.items if isinstance(where, AllOf) else (where,)
        indexed = self.store.indexed(noun) if len(table) > _INDEX_FROM else frozenset()
        for leaf in leaves:
            if (
                isinstance(leaf, Leaf)
                and leaf.field.name in indexed
                and not leaf.field.array
                and leaf.op in ("eq", "in")
            ):
                values = (leaf.value,) if leaf.op == "eq" else leaf.value
                index = self.store.field_index(noun, tenant, leaf.field.name)
                ids = [i for v in values if type(v) is str for i in index.get(v, ())]
                return [table[i] for i in ids]
        return table.values()

    def query(self, noun: str, query: Query, tenant: str | None) -> Page:
        check_tenant(tenant)
        plan = plan_query(noun_def(self.store.nouns, noun), query)  # checked even when empty
        if not self._table(noun, tenant):
            return Page([], None)  # derived lists of nouns never written: most of them
        test = compile_matcher(plan.where)
        found = (r for r in self._candidates(noun, tenant, plan.where) if test(r.id, r.data))
        page = order_and_page(found, plan)
        return Page([clone(r) for r in page.records], page.cursor)

    def count(self, noun: str, where: Mapping[str, Any] | None, tenant: str | None) -> int:
        check_tenant(tenant)
        cond = plan_count(noun_def(self.store.nouns, noun), where)
        test = compile_matcher(cond)
        return sum(1 for r in self._candidates(noun, tenant, cond) if test(r.id, r.data))

    def append(self, events: Sequence[NewEvent]) -> list[Event]:
        self._writable()
        log = self.store._events
        start = len(log)
        stored = [e.with_seq(start + i + 1) for i, e in enumerate(events)]
        log.extend(clone(e) for e in stored)
        self._undo.append(lambda: log.__delitem__(slice(start, None)))
        return stored

    def events(
        self,
        since: int = 0,
        *,
        limit: int | None = None,
        noun: str | None = None,
        name: str | None = None,
        tenant: str | None = None,
    ) -> list[Event]:
        check_events(since, limit, tenant, noun, name)
        named = None if name is None else name_pattern(name)
        found: list[Event] = []
        for event in self.store._events[max(since, 0) :]:
            if limit is not None and len(found) >= limit:
                break
            if noun is not None and event.noun != noun:
                continue
            if tenant is not None and event.tenant != tenant:
                continue
            if named is not None and not named(event.name):
                continue
            found.append(clone(event))
        return found

    def checkpoint(self, subscription: str) -> int:
        return self.store._checkpoints.get(subscription, 0)

    def set_checkpoint(self, subscription: str, seq: int) -> None:
        self._writable()
        marks = self.store._checkpoints
        old = marks.get(subscription)
        marks[subscription] = seq

        def restore() -> None:
            if old is None:
                marks.pop(subscription, None)
            else:
                marks[subscription] = old

        self._undo.append(restore)

    def checkpoints(self) -> dict[str, int]:
        return dict(self.store._checkpoints)

    def stored_nouns(self) -> list[str]:
        return sorted({noun for (noun, _), table in self.store._tables.items() if table})

    def scan(self, noun: str) -> Iterator[Record]:
        tables = [(t or "", rows) for (n, t), rows in self.store._tables.items() if n == noun]
        for _, rows in sorted(tables, key=lambda pair: pair[0]):
            for id in sorted(rows):
                yield clone(rows[id])


def open_memory(url: str) -> MemoryStorage:
    """``memory://``: nothing may follow the scheme."""
    if url.rstrip("/") not in ("memory:", "memory:/"):
        raise bad_url(url, "memory:// takes no path or options", "write it as memory://")
    return MemoryStorage(url)
