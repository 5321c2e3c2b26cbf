"""The storage port: everything nounkit asks of a database, and nothing more.

A backend implements two small abstract classes. :class:`Storage` opens and
closes the store and hands out transactions; :class:`Transaction` does the
work (get, insert, update, delete, query, count, append and read events,
checkpoints). Everything happens inside a transaction, which commits entity
writes and events together or not at all.

Keys are ``(noun, tenant, id)``: a record of another tenant is invisible.
``tenant`` is ``None`` or a non-empty string (backends store ``None`` as the
empty string, so the empty string itself is refused).

Capabilities tell callers what a backend promises:

``durable``
    an acknowledged transaction survives the process being killed.
``multiprocess``
    several processes may share the store; their writers never interleave.
``native_query``
    ``where``/``sort``/``limit`` run inside the backend's engine.
``notify``
    other processes can wait for new events without polling.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any

from nounkit._limits import MAX_QUERY_ITEMS, fits, text_problem
from nounkit.errors import QueryError, StorageError
from nounkit.language.spec import NounDef
from nounkit.storage.urls import redact

__all__ = [
    "CAPABILITIES",
    "Event",
    "Extra",
    "Measure",
    "NewEvent",
    "Page",
    "Query",
    "Record",
    "Storage",
    "Transaction",
    "UndoLog",
    "check_events",
    "check_extras",
    "check_key",
    "check_tenant",
    "driver_values",
    "file_hold",
    "finish",
    "fold",
    "hold_key",
    "read_extras",
    "utc_now",
]

CAPABILITIES = frozenset({"durable", "multiprocess", "native_query", "notify"})

# Noun names become table names in SQL, so storage holds them to the noun
# language's own rule for names (PascalCase letters and digits).
NOUN_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")

# Owners per statement when reading derived relationships. SQL backends bind one
# parameter per owner and link, so they share these among the links: older SQLite
# builds allow 999 parameters.
IN_CHUNK = MAX_QUERY_ITEMS


@dataclass(frozen=True, slots=True)
class Record:
    """One stored entity. ``data`` is JSON-ready; ``version`` starts at 1."""

    noun: str
    id: str
    tenant: str | None
    version: int
    data: dict[str, Any]
    created_at: str  # RFC 3339 UTC, e.g. 2026-11-21T12:00:00.000000Z
    updated_at: str


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event as the dispatcher appends it; storage gives it a ``seq``."""

    name: str  # "ServiceEntitlement.granted"
    noun: str
    entity_id: str
    action: str
    version: int
    time: str
    actor: str | None
    tenant: str | None
    input: dict[str, Any]
    changes: dict[str, Any]

    def with_seq(self, seq: int) -> Event:
        return Event(**{name: getattr(self, name) for name in _EVENT_FIELDS}, seq=seq)


@dataclass(frozen=True, slots=True)
class Event(NewEvent):
    """A stored event: ``seq`` is gap-free from 1, in commit order."""

    seq: int


_EVENT_FIELDS = tuple(f for f in NewEvent.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Query:
    """A list query in the language of DESIGN.md "Queries"; ``after`` is an opaque cursor."""

    where: Mapping[str, Any] | None = None
    sort: Mapping[str, int] | None = None
    limit: int | None = None
    offset: int = 0
    after: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of results; ``cursor`` continues after it, ``None`` at the end.
    ``extras`` holds, for each record, what :meth:`Transaction.query_with` was asked to
    read with it (empty for a plain query)."""

    records: list[Record]
    cursor: str | None
    extras: list[list[Any]] = dataclasses.field(default_factory=list)


def utc_now() -> str:
    """The current instant as storage writes it: ``2026-11-21T12:00:00.000000Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_key(noun: str, id: str, tenant: str | None) -> None:
    """Refuse keys no backend can store faithfully, naming what is wrong."""
    if not isinstance(noun, str) or not NOUN_NAME.fullmatch(noun):
        raise StorageError(
            f"{noun!r} is not a noun name: storage keys need a PascalCase name (letters and digits)"
        )
    if not isinstance(id, str) or not id:
        raise StorageError(f"{noun}: the id must be a non-empty string, not {id!r}")
    problem = text_problem(id)
    if problem is not None:
        raise StorageError(f"{noun} {id!r}: the id {problem}")
    check_tenant(tenant, f"store {noun} {id!r}")


def check_tenant(tenant: str | None, what: str = "read") -> None:
    """Refuse a tenant no backend stores: the empty string would read (on SQL storage,
    where None is stored as '') the records that belong to no tenant."""
    if tenant is not None and (not isinstance(tenant, str) or not tenant):
        raise StorageError(
            f"cannot {what} in tenant {tenant!r}: the tenant must be None or a non-empty string"
        )
    problem = text_problem(tenant) if tenant is not None else None
    if problem is not None:
        raise StorageError(f"cannot {what} in tenant {tenant!r}: the tenant {problem}")


def check_events(
    since: Any, limit: Any, tenant: str | None, noun: Any = None, name: Any = None
) -> None:
    """Refuse an events read no backend answers alike: a tenant of '', a ``since`` or
    ``limit`` that is not a whole number inside 64 bits (``limit`` at least 0), a noun
    or name that is not storable text."""
    check_tenant(tenant)
    for label, text in (("noun", noun), ("name", name)):
        if text is None:
            continue
        problem = text_problem(text) if isinstance(text, str) else "is not text"
        if problem is not None:
            raise QueryError(f"events: the {label} {text!r} {problem}")
    for label, value, least in (("since", since, None), ("limit", limit, 0)):
        if label == "limit" and value is None:
            continue
        if type(value) is not int or (least is not None and value < least):
            raise QueryError(f"events: {label} must be a whole number, not {value!r}")
        if not fits(value):
            raise QueryError(f"events: {label} must fit 64 bits, not {value}")


# One aggregate over a related noun: (count | sum | avg | min | max, the property or None
# for count, a where its records must match or None).
Measure = tuple[str, str | None, Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class Extra:
    """Something read with each record of a page (:meth:`Transaction.query_with`), which
    SQL storage reads in the page's own statement. By ``kind``:

    ``ids``
        the ids of ``noun``'s records whose to-one relationship ``by`` holds the
        record's id (a derived list), in id order;
    ``records``
        those records' data, in id order;
    ``aggregate``
        ``measure`` over those records (see :meth:`Transaction.aggregate`);
    ``target``
        the data of the ``noun`` record the record's own to-one ``by`` names, or None;
    ``targets``
        the data of the ``noun`` records among the record's own list of ids ``by``,
        by id (ids no record has are left out);
    ``value``
        the scalar property ``path`` of that to-one target (``customer.status``), or None.
    """

    kind: str
    noun: str
    by: str
    measure: Measure | None = None
    path: str | None = None


EXTRA_KINDS = frozenset({"ids", "records", "aggregate", "target", "targets", "value"})


def fold(function: str, values: Sequence[Any]) -> Any:
    """An aggregate of ``values`` as expressions work it out: nulls left out, an empty
    sum 0, an empty avg, min or max null; numbers SQL returns as decimals made plain."""
    if function == "count":
        return len(values)
    found = [plain(v) for v in values if v is not None]
    if function == "sum":
        return sum(found)
    if not found:
        return None
    if function == "avg":
        return sum(found) / len(found)
    return min(found) if function == "min" else max(found)


def finish(function: str, value: Any) -> Any:
    """An aggregate as SQL gives it, as :func:`fold` would have: an empty sum is 0."""
    if function in ("count", "sum") and value is None:
        return 0
    return plain(value)


def plain(value: Any) -> Any:
    """A number as JSON reads it: a Decimal (PostgreSQL's numeric, over integers) as an
    int, or a float when it has a fraction (an average)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class Transaction(ABC):
    """One unit of work. Each backend implements these natively."""

    @abstractmethod
    def get(self, noun: str, id: str, tenant: str | None) -> Record | None:
        """The record, or None when missing (or in another tenant)."""

    @abstractmethod
    def insert(self, record: Record) -> None:
        """Store a new record; Conflict if the key exists or a unique value repeats."""

    @abstractmethod
    def update(self, record: Record, expected_version: int) -> None:
        """Replace a record whose stored version is ``expected_version``; else Conflict."""

    @abstractmethod
    def delete(self, noun: str, id: str, tenant: str | None, expected_version: int) -> None:
        """Remove a record whose stored version is ``expected_version``; else Conflict."""

    @abstractmethod
    def query(self, noun: str, query: Query, tenant: str | None) -> Page:
        """Records of the noun in the tenant matching the query, checked against the noun."""

    # Whether savepoint() undoes a failed block alone. A backend without it still runs
    # nested acts, but a failed nested act then fails its whole act.
    savepoints = False

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A unit inside this transaction: when the block raises, what it wrote (records
        and events) is undone and the error goes on; the rest of the transaction stands.
        This is how a nested act that fails leaves nothing of itself, even when its
        caller catches the error. Backends with :attr:`savepoints` undo it here."""
        yield

    # Whether query_with takes ``computed``: values worked out in the query itself, which
    # its where and sort may read (SQL backends). Callers without it filter and sort such
    # values themselves.
    computed_queries = False

    def query_with(
        self,
        noun: str,
        query: Query,
        tenant: str | None,
        extras: Sequence[Extra],
        computed: Mapping[str, Extra] | None = None,
    ) -> Page:
        """:meth:`query`, with each :class:`Extra` read for every record of the page
        (``Page.extras``): how read-time values and derived lists are listed.

        The answer here is the query and then a few reads for the whole page
        (:func:`read_extras`); SQL backends give it in one statement. Where
        :attr:`computed_queries` is true, ``computed`` names properties that are not
        stored but are each worked out by an aggregate or a ``value`` extra: the query's
        where and sort may read them, and each record's data holds them.
        """
        if computed:
            raise StorageError(f"{type(self).__name__} cannot work out values in a query")
        page = self.query(noun, query, tenant)
        if not extras:
            return page
        rows = [record.data for record in page.records]
        return replace(page, extras=read_extras(self, rows, extras, tenant))

    @abstractmethod
    def count(self, noun: str, where: Mapping[str, Any] | None, tenant: str | None) -> int:
        """How many records of the noun in the tenant match ``where``."""

    @abstractmethod
    def append(self, events: Sequence[NewEvent]) -> list[Event]:
        """Add events to the log; each gets the next ``seq``."""

    @abstractmethod
    def events(
        self,
        since: int = 0,
        *,
        limit: int | None = None,
        noun: str | None = None,
        name: str | None = None,
        tenant: str | None = None,
    ) -> list[Event]:
        """Events with ``seq > since``, ascending; ``name`` may hold ``*`` wildcards.

        ``tenant=None`` reads every tenant's events (for admins and log readers).
        """

    @abstractmethod
    def checkpoint(self, subscription: str) -> int:
        """The last ``seq`` a subscription has handled; 0 if never set."""

    @abstractmethod
    def set_checkpoint(self, subscription: str, seq: int) -> None:
        """Record the last ``seq`` a subscription has handled."""

    @abstractmethod
    def checkpoints(self) -> dict[str, int]:
        """Every subscription's checkpoint (for migration and dumps)."""

    @abstractmethod
    def stored_nouns(self) -> list[str]:
        """The nouns that have (or once had) records, sorted."""

    @abstractmethod
    def scan(self, noun: str) -> Iterator[Record]:
        """Every record of a noun in every tenant, ordered by tenant then id."""

    def aggregate(
        self,
        noun: str,
        by: str,
        owners: Sequence[str],
        measures: Sequence[Measure],
        tenant: str | None,
    ) -> dict[str, list[Any]]:
        """For each of ``owners``, each measure over the noun's records whose to-one
        relationship ``by`` holds it: ``("count", None, where)``, ``("sum", prop, None)``,
        ``avg``, ``min``, ``max`` (nulls left out; an empty sum is 0, an empty avg, min or
        max null). This is how read-time aggregates (``count(customers)``) are read.

        The answer here is made of queries, one per measure and chunk of owners; SQL
        backends give it with one grouped statement per chunk of owners.
        """
        columns: list[dict[str, list[Any]]] = []
        for _, prop, where in measures:
            by_owner: dict[str, list[Any]] = {}
            for start in range(0, len(owners), IN_CHUNK):
                chunk = list(owners[start : start + IN_CHUNK])
                test: dict[str, Any] = {by: {"$in": chunk}}
                query = Query(where={"$and": [test, dict(where)]} if where else test)
                for record in self.query(noun, query, tenant).records:
                    value = record.data.get(prop) if prop is not None else 1
                    by_owner.setdefault(record.data[by], []).append(value)
            columns.append(by_owner)
        return {
            owner: [
                fold(function, column.get(owner, []))
                for (function, _, _), column in zip(measures, columns, strict=True)
            ]
            for owner in owners
        }

    def related(
        self, links: Sequence[tuple[str, str]], owners: Sequence[str], tenant: str | None
    ) -> list[dict[str, list[str]]]:
        """For each ``(noun, field)`` link, the ids of the noun's records whose to-one
        relationship ``field`` holds one of ``owners``: by owner, each list in id order.

        This is how derived relationships (a customer's entitlements) are read. The
        answer here is made of queries, one per link and chunk of owners; SQL backends
        give the same answer with one statement per chunk of owners, for all the links.
        """
        found: list[dict[str, list[str]]] = []
        for noun, field in links:
            by_owner: dict[str, list[str]] = {}
            for start in range(0, len(owners), IN_CHUNK):
                chunk = owners[start : start + IN_CHUNK]
                if len(chunk) == 1:  # one owner (get, act): equality is the cheapest query
                    query = Query(where={field: chunk[0]}, sort={"id": 1})
                else:
                    # Sorted by owner first: SQLite then walks the relationship's index
                    # instead of the primary key's (which would spare it only the sort).
                    query = Query(where={field: {"$in": list(chunk)}}, sort={field: 1, "id": 1})
                for record in self.query(noun, query, tenant).records:
                    by_owner.setdefault(record.data[field], []).append(record.id)
            found.append(by_owner)
        return found


def hold_key(name: str) -> bytes:
    """A hold's name as 32 bytes, for lock files and advisory lock keys."""
    return hashlib.sha256(f"nounkit:{name}".encode("utf-8", "surrogatepass")).digest()


@contextmanager
def file_hold(path: str, name: str) -> Iterator[bool]:
    """``Storage._hold_across`` for a store in a file: an OS file lock beside it, one
    per name (taken without waiting; the OS releases it if the process dies)."""
    import filelock

    digest = hold_key(name).hex()[:16]
    lock = filelock.FileLock(f"{path}.hold-{digest}.lock", thread_local=False)
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


@contextmanager
def driver_values(url: str, driver: str, kinds: tuple[type[Exception], ...]) -> Iterator[None]:
    """Around a statement: a value the driver cannot take (past 64 bits, a lone
    surrogate), which it refuses with a plain Python error of ``kinds``, a StorageError."""
    try:
        yield
    except kinds as exc:
        raise StorageError(
            f"{redact(url)}: {driver} cannot take a value: {exc}; integers must fit 64 bits "
            "and text must be valid Unicode"
        ) from exc


def check_extras(extras: Sequence[Extra]) -> None:
    """Refuse an extra no backend reads, before anything is read."""
    for extra in extras:
        if extra.kind not in EXTRA_KINDS:
            raise StorageError(f"{extra.kind!r} is not a kind of extra ({sorted(EXTRA_KINDS)})")
        if (extra.kind == "aggregate") != (extra.measure is not None):
            raise StorageError(
                f"{extra.kind} of {extra.noun}.{extra.by}: only an aggregate has a measure"
            )
        if (extra.kind == "value") != (extra.path is not None):
            raise StorageError(f"{extra.kind} of {extra.noun}.{extra.by}: only a value has a path")


class UndoLog:
    """Savepoints for a transaction that keeps a log of how to undo its writes (memory,
    TinyDB): a savepoint is a mark in the log, and a failed block is undone back to it.
    Mix in before :class:`Transaction` and implement :meth:`undo`."""

    savepoints = True
    _undo: list[Any]

    def undo(self, mark: int = 0) -> None:
        """Undo what was written since ``mark`` (a length of the log): all by default."""
        raise NotImplementedError

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        mark = len(self._undo)
        try:
            yield
        except BaseException:
            self.undo(mark)
            raise


def read_extras(
    tx: Transaction,
    rows: Sequence[Mapping[str, Any]],
    extras: Sequence[Extra],
    tenant: str | None,
) -> list[list[Any]]:
    """Each of ``extras`` for each of ``rows`` (records' data, or entities' values: only
    their ids and links are read), made of ``tx``'s own reads: one per extra and chunk of
    a few hundred rows, never one per row."""
    check_extras(extras)
    found: list[list[Any]] = [[] for _ in rows]
    owners = [row["id"] for row in rows if isinstance(row.get("id"), str)]
    # Every derived list at once: SQL storage reads them in one statement.
    links = [(extra.noun, extra.by) for extra in extras if extra.kind == "ids"]
    lists = iter(tx.related(links, owners, tenant) if links else ())
    # And every aggregate over one relationship at once: one grouped statement.
    groups: dict[tuple[str, str], list[Measure]] = {}
    place: list[int] = []  # each aggregate's place among its relationship's measures
    for extra in extras:
        if extra.measure is not None:
            group = groups.setdefault((extra.noun, extra.by), [])
            place.append(len(group))
            group.append(extra.measure)
    measured = {
        group: tx.aggregate(*group, owners, measures, tenant) for group, measures in groups.items()
    }
    places = iter(place)
    for extra in extras:
        column: list[Any]
        if extra.kind == "ids":
            by_owner_ids = next(lists)
            column = [list(by_owner_ids.get(str(row.get("id")), [])) for row in rows]
        elif extra.kind == "aggregate":
            assert extra.measure is not None
            results, at = measured[(extra.noun, extra.by)], next(places)
            empty = fold(extra.measure[0], [])
            column = [results[row["id"]][at] if row.get("id") in results else empty for row in rows]
        elif extra.kind == "records":
            by_owner: dict[Any, list[dict[str, Any]]] = {}
            for record in _among(tx, extra.noun, extra.by, owners, tenant):
                by_owner.setdefault(record.data.get(extra.by), []).append(record.data)
            column = [by_owner.get(row.get("id"), []) for row in rows]
        else:
            wanted: set[str] = set()
            for row in rows:
                linked = row.get(extra.by)
                if extra.kind == "targets" and isinstance(linked, list):
                    wanted.update(i for i in linked if isinstance(i, str))
                elif isinstance(linked, str):
                    wanted.add(linked)
            by_id = {r.id: r.data for r in _among(tx, extra.noun, "id", sorted(wanted), tenant)}
            column = []
            for row in rows:
                linked = row.get(extra.by)
                if extra.kind == "targets":
                    items = linked if isinstance(linked, list) else ()
                    column.append({i: by_id[i] for i in items if i in by_id})
                else:
                    target = by_id.get(linked) if isinstance(linked, str) else None
                    if extra.path is not None:
                        target = target.get(extra.path) if target is not None else None
                    column.append(target)
        for values_, value in zip(found, column, strict=True):
            values_.append(value)
    return found


def _among(
    tx: Transaction, noun: str, key: str, values: Sequence[str], tenant: str | None
) -> Iterator[Record]:
    """The noun's records whose ``key`` is among ``values``, in id order within each
    chunk of a few hundred values."""
    for start in range(0, len(values), IN_CHUNK):
        chunk = list(values[start : start + IN_CHUNK])
        yield from tx.query(noun, Query(where={key: {"$in": chunk}}), tenant).records


class Storage(ABC):
    """A store of records and events, opened from a URL (see :func:`open_storage`)."""

    url: str
    capabilities: frozenset[str] = frozenset()

    def __init__(self, url: str) -> None:
        self.url = url
        self._nouns: dict[str, NounDef] = {}
        self._nouns_lock = threading.Lock()
        self._held: dict[str, threading.Lock] = {}

    @property
    def nouns(self) -> Mapping[str, NounDef]:
        """The noun definitions this storage knows (for query checks and unique values)."""
        return self._nouns

    def open(self, nouns: Mapping[str, NounDef]) -> None:
        """Prepare the store for these nouns (tables, indexes); safe to repeat."""
        with self._nouns_lock:
            self._nouns.update(nouns)
            self._prepare(dict(nouns))

    def _prepare(self, nouns: Mapping[str, NounDef]) -> None:  # noqa: B027 (optional hook)
        """Backend hook for :meth:`open`: create tables and indexes (default: nothing)."""

    @abstractmethod
    def transaction(self, *, readonly: bool = False) -> AbstractContextManager[Transaction]:
        """A transaction: commits on normal exit, rolls back on an exception.

        Writers are serialised (another process waits, never interleaves) and
        everything inside sees one consistent state. ``readonly=True`` lets a
        backend take a lighter lock; writing inside one is a StorageError.
        """

    @abstractmethod
    def close(self) -> None:
        """Release files, connections and locks. Safe to repeat."""

    @contextmanager
    def hold(self, name: str) -> Iterator[bool]:
        """Hold ``name`` among everyone sharing this store, without waiting: the block
        gets True when this caller holds it (until the block ends), False when another
        does. A durable subscription holds its name while it handles events, so two
        processes never handle one event twice.

        The name is held among this handle's threads first (a lock never taken twice,
        not even by its own holder), then across processes by :meth:`_hold_across`."""
        with self._nouns_lock:
            lock = self._held.setdefault(name, threading.Lock())
        if not lock.acquire(blocking=False):
            yield False
            return
        try:
            with self._hold_across(name) as held:
                yield held
        finally:
            lock.release()

    def _hold_across(self, name: str) -> AbstractContextManager[bool]:
        """Backend hook for :meth:`hold`: the name held across the processes sharing the
        store. Here nothing more: a store private to one handle needs nothing more."""
        return contextlib.nullcontext(True)

    # Conveniences for callers that need one read; each is one transaction.

    def get(self, noun: str, id: str, tenant: str | None = None) -> Record | None:
        with self.transaction(readonly=True) as tx:
            return tx.get(noun, id, tenant)

    def query(self, noun: str, query: Query | None = None, tenant: str | None = None) -> Page:
        with self.transaction(readonly=True) as tx:
            return tx.query(noun, query or Query(), tenant)

    def count(
        self, noun: str, where: Mapping[str, Any] | None = None, tenant: str | None = None
    ) -> int:
        with self.transaction(readonly=True) as tx:
            return tx.count(noun, where, tenant)

    def events(
        self,
        since: int = 0,
        *,
        limit: int | None = None,
        noun: str | None = None,
        name: str | None = None,
        tenant: str | None = None,
    ) -> list[Event]:
        with self.transaction(readonly=True) as tx:
            return tx.events(since, limit=limit, noun=noun, name=name, tenant=tenant)

    def wait_for_events(self, since: int, timeout: float) -> bool:
        """Block until an event with ``seq > since`` exists (True) or ``timeout`` passes.

        This default polls; backends with the ``notify`` capability are woken instead.
        """
        deadline = time.monotonic() + timeout
        while True:
            if self.events(since, limit=1):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(0.05, left))

    def dump(self) -> dict[str, Any]:
        """Every record, event and checkpoint, as plain data (for before/after comparisons)."""
        with self.transaction(readonly=True) as tx:
            records = [asdict(r) for noun in tx.stored_nouns() for r in tx.scan(noun)]
            return {
                "records": records,
                "events": [asdict(e) for e in tx.events(0)],
                "checkpoints": tx.checkpoints(),
            }

    def __enter__(self) -> Storage:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        from nounkit.storage.urls import redact

        return f"<{type(self).__name__} {redact(self.url)}>"
