"""``tinydb:///path/db.json``: the embedded default, one readable JSON file, done right.

The store is a TinyDB database whose storage class (:class:`DurableJSONStorage`)
keeps the data in memory and makes each commit durable and atomic:

* a commit writes the whole file to a temporary file in the same folder,
  fsyncs it, renames it over the old one (``os.replace``, atomic) and fsyncs
  the folder, so a crash at any moment leaves either the old file or the new
  one, and a commit that returned is on disk;
* a cross-process lock (``db.json.lock``, via filelock) is held for every
  write transaction, so two processes never interleave writes, and before
  each transaction the file's inode, size and mtime say whether another
  process committed since, in which case the file is read again;
* the JSON stays readable: one table per line group, one entity per line, in
  UTF-8, so ``git diff`` and ``grep`` work on it.

Layout (TinyDB tables): ``"Noun"`` holds the records without a tenant,
``"Noun@tenant"`` one tenant's, each keyed by the entity id; ``"$events"`` is
keyed by ``seq``, ``"$checkpoints"`` by subscription.

Size ceiling. Every commit rewrites the whole file, so a commit costs time
in proportion to the store's size: on the benchmark machine about 10 ms at
1,000 entities and 35 ms at 10,000 (a 3 MB file), where SQLite stays near
3 ms at any size. Reads are served from memory and stay fast. Past 64 MiB a
:class:`StorageSizeWarning` says so once per process; a commit that would
grow the file past ``max_mb`` (default 256 MiB, ``?max_mb=N`` to change) is
refused with a StorageError. The way out is ``nounkit migrate
tinydb:///db.json sqlite:///db.sqlite``. TinyDB has no indexes: queries and
``unique`` checks scan the noun's records in memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, cast

import filelock
from tinydb import TinyDB
from tinydb.queries import QueryInstance
from tinydb.storages import Storage as TinyStorage
from tinydb.table import Document, Table

from nounkit._limits import document_problem
from nounkit.errors import StorageError
from nounkit.language.spec import NounDef
from nounkit.storage.base import (
    NOUN_NAME,
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
    file_hold,
)
from nounkit.storage.query import (
    Cond,
    Field,
    compile_matcher,
    name_pattern,
    order_and_page,
    plan_count,
    plan_query,
    sort_value,
    unique_fields,
)
from nounkit.storage.rules import (
    check_delete,
    check_insert,
    check_update,
    copy_json,
    noun_def,
    unique_conflict,
)
from nounkit.storage.urls import no_more_options, option_float, parse_file_url, redact

__all__ = ["DurableJSONStorage", "StorageSizeWarning", "TinyDBStorage", "open_tinydb"]

MiB = 1024 * 1024
WARN_BYTES = 64 * MiB
DEFAULT_MAX_MB = 256.0
EVENTS, CHECKPOINTS, META = "$events", "$checkpoints", "$meta"
FORMAT = {"format": {"nounkit": 1}}

Tables = dict[str, dict[str, Any]]


class StorageSizeWarning(UserWarning):
    """The TinyDB file has grown past the size where whole-file commits stay cheap."""


class DurableJSONStorage(TinyStorage):
    """A TinyDB storage that keeps data in memory and commits atomically and durably.

    ``write`` only replaces the in-memory state; :meth:`flush` (called when a
    transaction commits) puts it on disk. Encoded lines are cached per
    document, so a commit re-encodes only what changed.
    """

    def __init__(self, path: Path, *, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._data: Tables = {META: dict(FORMAT)}
        self._stamp: tuple[int, int, int] | None = None
        self._lines: dict[str, dict[str, str]] = {}
        # Per table, its encoded body in pieces: appends add a piece (no copying);
        # a commit joins them once.
        self._bodies: dict[str, list[str]] = {}
        self._warned = False
        # Per table, each unique field's values and who holds them (built on first use,
        # kept in step by writes, dropped when the file is read again or writes undone):
        # a unique check is a lookup, not a pass over the table.
        self.uniques: dict[str, _Index] = {}

    # The TinyDB Storage interface.

    def read(self) -> Tables:
        return self._data

    def write(self, data: Tables) -> None:
        self._data = data

    def close(self) -> None:
        pass

    # Keeping memory and disk in step.

    def changed_on_disk(self) -> bool:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return self._stamp is not None
        return (st.st_ino, st.st_size, st.st_mtime_ns) != self._stamp

    def load(self) -> None:
        """Read the file (a missing or empty file is an empty store)."""
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                raw = handle.read()
        except FileNotFoundError:
            data: Any = {}
            stamp = None
        except OSError as exc:
            raise StorageError(f"cannot read {self.path}: {exc.strerror}") from exc
        else:
            stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
            if not raw.strip():  # what a crash mid-write on another tool leaves, not a store
                raise StorageError(
                    f"{self.path} is empty ({len(raw)} bytes): no nounkit store writes an "
                    "empty file; restore it from a backup, or remove it to start a new store"
                )
            try:
                data = json.loads(raw)
            except (ValueError, UnicodeDecodeError, RecursionError) as exc:
                raise StorageError(
                    f"{self.path} is not a readable JSON file ({exc}); restore it from a "
                    "backup, or move it away to start an empty store"
                ) from exc
        problem = _shape_problem(data)
        if problem is not None:
            raise StorageError(
                f"{self.path} is not a nounkit store: {problem}; restore it from a backup, "
                "or point the URL at another file"
            )
        data.setdefault(META, dict(FORMAT))
        self._data = data
        self._stamp = stamp
        self._lines.clear()
        self._bodies.clear()
        self.uniques.clear()

    def forget(self, table: str, key: str) -> None:
        """A document changed: drop its cached encoding."""
        self._lines.get(table, {}).pop(key, None)
        self._bodies.pop(table, None)

    def appended(self, table: str, key: str) -> None:
        """A document was added at the end of its table: extend the cached body."""
        pieces = self._bodies.get(table)
        if pieces is not None:
            pieces.append(self._line(table, key, self._data[table][key]))

    def _line(self, table: str, key: str, doc: Any) -> str:
        try:
            line = "    " + json.dumps(key, ensure_ascii=False) + ": "
            line += json.dumps(doc, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise StorageError(
                f"{table} {key!r}: cannot store as JSON: {exc}; store only JSON values "
                "(dicts, lists, strings, numbers, booleans, null)"
            ) from exc
        self._lines.setdefault(table, {})[key] = line
        return line

    def encode(self) -> bytes:
        parts = []
        for name, table in self._data.items():
            if not table:
                continue
            pieces = self._bodies.get(name)
            if pieces is None:
                lines = self._lines.get(name, {})
                pieces = [
                    lines.get(key) or self._line(name, key, doc) for key, doc in table.items()
                ]
            body = ",\n".join(pieces)
            self._bodies[name] = [body]
            parts.append(f"  {json.dumps(name, ensure_ascii=False)}: {{\n{body}\n  }}")
        text = "{\n" + ",\n".join(parts) + "\n}\n"
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise StorageError(
                f"{self.path}: a string holds a lone surrogate ({exc.reason}); "
                "store valid Unicode text"
            ) from exc

    def flush(self) -> None:
        """Write the whole state: temp file, fsync, rename, fsync the folder."""
        data = self.encode()
        if len(data) > self.max_bytes:
            raise StorageError(
                f"{self.path}: the commit would grow the file to {len(data) / MiB:.0f} MiB, "
                f"past its ceiling of {self.max_bytes / MiB:.0f} MiB (every commit rewrites "
                "the whole file); move to SQLite with `nounkit migrate tinydb:///... "
                "sqlite:///...`, or raise the ceiling with ?max_mb=N"
            )
        if len(data) > WARN_BYTES and not self._warned:
            self._warned = True
            warnings.warn(
                f"{self.path} is {len(data) / MiB:.0f} MiB: every commit rewrites it; "
                "consider SQLite (`nounkit migrate`)",
                StorageSizeWarning,
                stacklevel=4,
            )
        folder = self.path.parent
        try:
            mode: int | None = stat.S_IMODE(os.stat(self.path).st_mode)
        except FileNotFoundError:
            mode = None  # a new file: 0o666 less the umask, which the kernel applies
        fd, temp = _new_temporary(folder, self.path.name)
        try:
            with os.fdopen(fd, "wb") as handle:
                if mode is not None:  # the rename keeps the file's own permissions
                    os.fchmod(handle.fileno(), mode)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _fsync_folder(folder)
        st = os.stat(self.path)
        self._stamp = (st.st_ino, st.st_size, st.st_mtime_ns)

    def remove_leftovers(self) -> None:
        """Delete temporary files of writers that were killed mid-commit."""
        for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _new_temporary(folder: Path, name: str) -> tuple[int, str]:
    """A new file beside ``name``, under a random name, created ``0o666`` less the umask.

    Not ``tempfile.mkstemp``: it creates files ``0o600``, and learning the umask to undo
    that would mean setting it, for every thread of the process at once.
    """
    while True:
        temp = str(folder / f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:  # 48 random bits taken: draw again
            continue


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _KeyedTable(Table):
    """A TinyDB table keyed by the entities' own ids (strings), updated in place.

    Stock tables convert every key on every write (two copies of the table);
    with string ids there is nothing to convert.
    """

    document_id_class = str  # type: ignore[assignment]

    def _update_table(self, updater: Callable[[dict[str, Any]], None]) -> None:  # type: ignore[override]
        tables = cast(Tables, self._storage.read())
        updater(tables.setdefault(self.name, {}))
        self._storage.write(tables)
        self.clear_cache()


class _Database(TinyDB):
    table_class = _KeyedTable


def open_tinydb(url: str) -> TinyDBStorage:
    parsed = parse_file_url(url)
    assert parsed.path is not None
    options = dict(parsed.options)
    max_mb = option_float(url, options, "max_mb", DEFAULT_MAX_MB)
    timeout = option_float(url, options, "timeout", 30.0)
    no_more_options(url, options, "max_mb, timeout")
    return TinyDBStorage(url, parsed.path, max_bytes=int(max_mb * MiB), timeout=timeout)


class TinyDBStorage(Storage):
    """Records and events in one JSON file, shared safely between processes."""

    capabilities = frozenset({"durable", "multiprocess", "native_query"})

    def __init__(self, url: str, path: Path, *, max_bytes: int, timeout: float = 30.0) -> None:
        super().__init__(url)
        self.path = path
        self.timeout = timeout
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"storage URL {redact(url)!r}: cannot create the folder {path.parent}: "
                f"{exc.strerror}; check the path and its permissions"
            ) from exc
        self._file = DurableJSONStorage(path, max_bytes=max_bytes)
        self._db = _Database(storage=lambda: self._file)
        self._filelock = filelock.FileLock(f"{path}.lock", thread_local=False)
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._closed = False
        self._file.load()
        try:
            self._filelock.acquire(timeout=0)
        except filelock.Timeout:
            pass  # a writer is busy: leftovers wait for the next open
        except OSError as exc:
            raise StorageError(
                f"storage URL {redact(url)!r}: cannot create the lock file {path}.lock: "
                f"{exc.strerror}; the folder must be writable"
            ) from exc
        else:
            try:
                self._file.remove_leftovers()
            finally:
                self._filelock.release()

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Transaction]:
        if self._owner == threading.get_ident():
            raise StorageError(f"{self.url}: a transaction is already open in this thread")
        with self._lock:
            if self._closed:
                raise StorageError(f"{self.url}: the storage is closed")
            self._owner = threading.get_ident()
            try:
                if readonly:
                    self._refresh()
                    tx = _TinyTransaction(self, readonly=True)
                    try:
                        yield tx
                    finally:
                        tx.done = True
                else:
                    with self._write_lock():
                        self._refresh()
                        tx = _TinyTransaction(self, readonly=False)
                        try:
                            yield tx
                            if tx.dirty:
                                self._commit()
                        except BaseException:
                            tx.undo()
                            raise
                        finally:
                            tx.done = True
            finally:
                self._owner = None

    def _commit(self) -> None:
        try:
            self._file.flush()
        except OSError as exc:
            raise StorageError(
                f"{self.path}: cannot write: {exc.strerror}; nothing was committed "
                "(check free space and permissions)"
            ) from exc

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        try:
            self._filelock.acquire(timeout=self.timeout)
        except filelock.Timeout as exc:
            raise StorageError(
                f"{self.path}: another process has held the write lock for {self.timeout:.0f} s; "
                f"is one stuck? (the lock file is {self._filelock.lock_file})"
            ) from exc
        try:
            yield
        finally:
            self._filelock.release()

    def _prepare(self, nouns: Mapping[str, NounDef]) -> None:
        # Which properties are unique may have changed: index them again on first use.
        with self._lock:
            self._file.uniques.clear()

    def _hold_across(self, name: str) -> AbstractContextManager[bool]:
        """An OS file lock beside the store's file."""
        return file_hold(str(self.path), name)

    def _refresh(self) -> None:
        if self._file.changed_on_disk():
            self._file.load()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._db.close()


_EVENT_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "noun": (str,), "entity_id": (str,), "action": (str,), "version": (int,),
    "time": (str,), "actor": (str, type(None)), "tenant": (str, type(None)),
    "input": (dict,), "changes": (dict,),
}  # fmt: skip
_RECORD_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,), "version": (int,), "data": (dict,), "created_at": (str,),
    "updated_at": (str,),
}  # fmt: skip


def _fields_problem(doc: Any, types: Mapping[str, tuple[type, ...]], at: str) -> str | None:
    if not isinstance(doc, dict):
        return f"{at} is {type(doc).__name__}, not a document"
    for name, allowed in types.items():
        if name not in doc:
            return f"{at} has no {name!r}"
        value = doc[name]
        if not isinstance(value, allowed) or (allowed == (int,) and isinstance(value, bool)):
            return f"{at}.{name} is {value!r}, not {' or '.join(t.__name__ for t in allowed)}"
    return None


def _shape_problem(data: Any) -> str | None:
    """What makes ``data`` not a store nounkit wrote, or None: tables of documents, each
    record and event with its fields of their types, events numbered 1, 2, ... with no
    gap, checkpoints that are whole numbers."""
    if not isinstance(data, dict):
        return f"the top level is {type(data).__name__}, not a mapping of tables"
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table {name!r} is {type(table).__name__}, not a mapping of documents"
        if name == META:
            continue
        if name == EVENTS:
            # n events are keyed "1" to "n": any key missing is a gap (or a stray key).
            for seq in range(1, len(table) + 1):
                key = str(seq)
                if key not in table:
                    return f"event {seq} of {len(table)} is missing: the log has a gap"
                found = _fields_problem(table[key], _EVENT_TYPES, f"event {key}")
                found = found or _unstorable(table[key], f"event {key}")
                if found is not None:
                    return found
        elif name == CHECKPOINTS:
            for key, doc in table.items():
                mark = doc.get("seq") if isinstance(doc, dict) else None
                if type(mark) is not int or mark < 0:
                    return f"checkpoint {key!r} is {doc!r}, not {{'seq': <whole number>}}"
        else:
            noun, _, tenant = name.partition("@")
            if not NOUN_NAME.fullmatch(noun) or (name.count("@") and not tenant):
                return f"table {name!r} names no noun (and tenant)"
            for key, doc in table.items():
                found = _fields_problem(doc, _RECORD_TYPES, f"{name} {key!r}")
                if found is None and doc["id"] != key:
                    found = f"{name} {key!r} holds the id {doc['id']!r}"
                if found is None and doc["version"] < 1:
                    found = f"{name} {key!r} has version {doc['version']}"
                found = found or _unstorable(doc, f"{name} {key!r}")
                if found is not None:
                    return found
    return None


def _unstorable(doc: Mapping[str, Any], at: str) -> str | None:
    """What no write of nounkit's stores: text it cannot send on, nesting past the
    limits, integers past 64 bits (reading them would fail later, or differently)."""
    found = document_problem(doc, at)
    return None if found is None else f"{found[0]} {found[1]}"


# A table's unique values: by field name, the field and each value's holders (by key):
# more than one only in a file written before the field was unique.
_Index = dict[str, tuple[Field, dict[Any, set[str]]]]


def _unique_key(field: Field, data: Mapping[str, Any]) -> Any:
    """A unique field's value as an index key (its sort key; lists as tuples), or None."""
    value = sort_value(field, data.get(field.name))
    return tuple(value) if isinstance(value, list) else value


def _index_write(
    index: _Index | None,
    id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """Keep a table's unique index in step with one record written (or removed)."""
    if index is None:
        return
    for field, holders in index.values():
        old = None if before is None else _unique_key(field, before)
        if old is not None and id in holders.get(old, ()):
            holders[old].discard(id)
            if not holders[old]:
                del holders[old]
        new = None if after is None else _unique_key(field, after)
        if new is not None:
            holders.setdefault(new, set()).add(id)


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON writes them: 1 and 1.0 differ, as do True and 1."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _table_name(noun: str, tenant: str | None) -> str:
    return noun if tenant is None else f"{noun}@{tenant}"


def _record(noun: str, tenant: str | None, doc: Mapping[str, Any]) -> Record:
    return Record(
        noun=noun,
        id=doc["id"],
        tenant=tenant,
        version=doc["version"],
        data=copy_json(doc["data"]),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
    )


def _document(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "version": record.version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "data": copy_json(record.data),
    }


def to_tinydb(cond: Cond) -> QueryInstance:
    """The condition as one TinyDB query over the stored documents.

    One query whose test is the whole condition compiled to closures, rather
    than a tree of TinyDB queries: each TinyDB node costs several calls per
    document, and a search runs the test on every document of the table.
    """
    matcher = compile_matcher(cond)
    return QueryInstance(lambda doc: matcher(doc["id"], doc["data"]), ("nounkit", cond))


class _TinyTransaction(UndoLog, Transaction):
    def __init__(self, store: TinyDBStorage, *, readonly: bool) -> None:
        self.store = store
        self.readonly = readonly
        self.done = False
        self.dirty = False
        self._undo: list[tuple[str, str, dict[str, Any] | None]] = []

    # State, undo

    def _raw(self, name: str) -> dict[str, Any]:
        return self.store._file.read().get(name, {})

    def _table(self, name: str) -> Table:
        return self.store._db.table(name, cache_size=0)

    def _writable(self) -> None:
        if self.done:
            raise StorageError(f"{self.store.url}: the transaction has ended")
        if self.readonly:
            raise StorageError(f"{self.store.url}: cannot write in a read-only transaction")
        self.dirty = True

    def _remember(self, name: str, key: str) -> None:
        old = self._raw(name).get(key)
        self._undo.append((name, key, None if old is None else dict(old)))

    def undo(self, mark: int = 0) -> None:
        tables = self.store._file.read()
        while len(self._undo) > mark:
            name, key, old = self._undo.pop()
            table = tables.setdefault(name, {})
            if old is None:
                table.pop(key, None)
            else:
                table[key] = old
            self.store._file.forget(name, key)
            self.store._file.uniques.pop(name, None)

    # Records

    def get(self, noun: str, id: str, tenant: str | None) -> Record | None:
        check_tenant(tenant)
        doc = self._raw(_table_name(noun, tenant)).get(id)
        return None if doc is None else _record(noun, tenant, doc)

    def insert(self, record: Record) -> None:
        self._writable()
        name = _table_name(record.noun, record.tenant)
        raw = self._raw(name)
        check_insert(record, record.id in raw)
        index = self._unique(name, record, raw)
        self._remember(name, record.id)
        self._table(name).insert(Document(_document(record), doc_id=record.id))  # type: ignore[arg-type]
        self.store._file.appended(name, record.id)
        _index_write(index, record.id, None, record.data)

    def update(self, record: Record, expected_version: int) -> None:
        self._writable()
        name = _table_name(record.noun, record.tenant)
        raw = self._raw(name)
        stored = raw.get(record.id)
        check_update(record, expected_version, None if stored is None else stored["version"])
        index = self._unique(name, record, raw)
        before = None if stored is None else dict(stored["data"])
        self._remember(name, record.id)
        # TinyDB updates the stored dict in place; _remember kept a shallow copy,
        # and every field is replaced by a new object, so the copy stays intact.
        self._table(name).update(_document(record), doc_ids=[record.id])  # type: ignore[list-item]
        self.store._file.forget(name, record.id)
        _index_write(index, record.id, before, record.data)

    def delete(self, noun: str, id: str, tenant: str | None, expected_version: int) -> None:
        self._writable()
        name = _table_name(noun, tenant)
        stored = self._raw(name).get(id)
        check_delete(
            noun, id, tenant, expected_version, None if stored is None else stored["version"]
        )
        self._remember(name, id)
        self._table(name).remove(doc_ids=[id])  # type: ignore[list-item]
        self.store._file.forget(name, id)
        if stored is not None:
            _index_write(self.store._file.uniques.get(name), id, stored["data"], None)

    def _unique(self, name: str, record: Record, raw: Mapping[str, Any]) -> _Index | None:
        """Conflict when another record of the table ``name`` holds one of the record's
        unique values; the table's index of them, to keep in step with the write."""
        noun = self.store.nouns.get(record.noun)
        fields = unique_fields(noun) if noun is not None else []
        if not fields:
            return None
        uniques = self.store._file.uniques
        index = uniques.get(name)
        if index is None:
            index = uniques[name] = {field.name: (field, {}) for field in fields}
            for key, doc in raw.items():
                _index_write(index, key, None, doc["data"])
        for field, holders in index.values():
            value = _unique_key(field, record.data)
            others = sorted(holders.get(value, set()) - {record.id}) if value is not None else []
            if others:
                raise unique_conflict(record, field.name, others[0])
        return index

    def query(self, noun: str, query: Query, tenant: str | None) -> Page:
        check_tenant(tenant)
        plan = plan_query(noun_def(self.store.nouns, noun), query)
        return order_and_page(self._search(noun, tenant, plan.where), plan)

    def count(self, noun: str, where: Mapping[str, Any] | None, tenant: str | None) -> int:
        check_tenant(tenant)
        cond = plan_count(noun_def(self.store.nouns, noun), where)
        name = _table_name(noun, tenant)
        if cond is None:
            return len(self._raw(name))
        return self._table(name).count(to_tinydb(cond))

    def _search(self, noun: str, tenant: str | None, cond: Cond | None) -> list[Record]:
        name = _table_name(noun, tenant)
        if cond is None:
            docs: Sequence[Mapping[str, Any]] = list(self._raw(name).values())
        else:
            docs = self._table(name).search(to_tinydb(cond))
        return [_record(noun, tenant, doc) for doc in docs]

    # Events and checkpoints

    def append(self, events: Sequence[NewEvent]) -> list[Event]:
        self._writable()
        table = self._table(EVENTS)
        start = len(self._raw(EVENTS))
        stored = [e.with_seq(start + i + 1) for i, e in enumerate(events)]
        for event in stored:
            key = str(event.seq)
            self._undo.append((EVENTS, key, None))
            doc = {name: getattr(event, name) for name in _EVENT_SCALARS}
            doc["input"], doc["changes"] = copy_json(event.input), self._changes(event)
            table.insert(Document(doc, doc_id=key))  # type: ignore[arg-type]
            self.store._file.appended(EVENTS, key)
        return stored

    def _changes(self, event: Event) -> dict[str, Any]:
        """The event's changes, each new value the very object the entity's stored
        record holds (written in this transaction) when it is the same: a value is held
        once in memory, not once in the record and again in its event. Stored values
        are never changed in place (writes replace them, reads copy them)."""
        doc = self._raw(_table_name(event.noun, event.tenant)).get(event.entity_id)
        data: Mapping[str, Any] = doc["data"] if doc is not None else {}
        changes: dict[str, Any] = {}
        for name, change in event.changes.items():
            if isinstance(change, dict) and change.keys() == {"old", "new"} and name in data:
                new = data[name] if _same(data[name], change["new"]) else copy_json(change["new"])
                changes[name] = {"old": copy_json(change["old"]), "new": new}
            else:
                changes[name] = copy_json(change)
        return changes

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
        raw = self._raw(EVENTS)
        named = None if name is None else name_pattern(name)
        found: list[Event] = []
        for seq in range(max(since, 0) + 1, len(raw) + 1):
            if limit is not None and len(found) >= limit:
                break
            doc = raw[str(seq)]
            if noun is not None and doc["noun"] != noun:
                continue
            if tenant is not None and doc["tenant"] != tenant:
                continue
            if named is not None and not named(doc["name"]):
                continue
            fields = {k: doc[k] for k in _EVENT_SCALARS}
            fields["input"], fields["changes"] = copy_json(doc["input"]), copy_json(doc["changes"])
            found.append(Event(**fields, seq=seq))
        return found

    def checkpoint(self, subscription: str) -> int:
        doc = self._raw(CHECKPOINTS).get(subscription)
        return 0 if doc is None else int(doc["seq"])

    def set_checkpoint(self, subscription: str, seq: int) -> None:
        self._writable()
        self._remember(CHECKPOINTS, subscription)
        table = self._table(CHECKPOINTS)
        if subscription in self._raw(CHECKPOINTS):
            table.update({"seq": seq}, doc_ids=[subscription])  # type: ignore[list-item]
            self.store._file.forget(CHECKPOINTS, subscription)
        else:
            table.insert(Document({"seq": seq}, doc_id=subscription))  # type: ignore[arg-type]
            self.store._file.appended(CHECKPOINTS, subscription)

    def checkpoints(self) -> dict[str, int]:
        return {key: int(doc["seq"]) for key, doc in self._raw(CHECKPOINTS).items()}

    # Whole-store reads

    def _noun_tables(self, noun: str) -> list[tuple[str, str | None]]:
        """(table name, tenant) of every table of the noun, tenants sorted, None first."""
        found = []
        for name in self.store._file.read():
            base, at, tenant = name.partition("@")
            if base == noun:
                found.append((name, tenant if at else None))
        return sorted(found, key=lambda pair: (pair[1] is not None, pair[1] or ""))

    def stored_nouns(self) -> list[str]:
        return sorted(
            {
                name.partition("@")[0]
                for name, table in self.store._file.read().items()
                if table and not name.startswith("$")
            }
        )

    def scan(self, noun: str) -> Iterator[Record]:
        for name, tenant in self._noun_tables(noun):
            raw = self._raw(name)
            for key in sorted(raw):
                yield _record(noun, tenant, raw[key])


_EVENT_SCALARS = ("name", "noun", "entity_id", "action", "version", "time", "actor", "tenant")
