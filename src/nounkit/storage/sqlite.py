"""``sqlite:///path/db.sqlite``: the standard library's sqlite3, in WAL mode.

* WAL journal and ``synchronous=FULL`` (``?synchronous=normal`` trades the
  last commits on power loss for speed; a killed process loses nothing either
  way), and a busy timeout (``?timeout=`` seconds, default 30) so a second
  process waits for the lock instead of failing;
* write transactions start with ``BEGIN IMMEDIATE``: the write lock is taken
  up front, so two writers never interleave and never deadlock upgrading;
  read-only ones use a plain ``BEGIN`` snapshot;
* one table per noun (see :mod:`nounkit.storage.sqlnames`), ``data`` as JSON
  text, with JSON expression indexes for ``index`` and ``unique`` properties
  (unique per tenant); ``keys`` holds the instants of datetime values so they
  compare as instants (see :func:`nounkit.storage.query.instant_key`);
* queries become SQL with ``json_extract``; values only as parameters;
* events in ``nk_events`` with ``seq`` as INTEGER PRIMARY KEY, numbered under
  the write lock, so seq order is commit order and has no gaps.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from nounkit._limits import INT64, text_problem
from nounkit.errors import Conflict, StorageError
from nounkit.language.spec import NounDef
from nounkit.storage.base import (
    Event,
    Extra,
    Measure,
    NewEvent,
    Page,
    Query,
    Record,
    Storage,
    Transaction,
    check_events,
    check_extras,
    check_tenant,
    driver_values,
    file_hold,
)
from nounkit.storage.query import (
    Field,
    Plan,
    datetime_fields,
    declared_indexes,
    fields_of,
    indexed_fields,
    instant_keys,
    link_field,
    make_page,
    plan_count,
    plan_query,
    sort_value,
    unique_fields,
)
from nounkit.storage.rules import (
    check_delete,
    check_insert,
    check_update,
    noun_def,
    unique_conflict,
)
from nounkit.storage.sqlnames import index_name, table_name
from nounkit.storage.sqlwhere import (
    Computed,
    aggregate_columns,
    checked_key,
    compile_order,
    compile_where,
    list_steps,
    page_with,
    path_names,
    read_aggregates,
    read_related,
    sql_name,
)
from nounkit.storage.urls import bad_url, no_more_options, option_float, parse_file_url, redact

__all__ = ["SQLiteStorage", "open_sqlite"]

KeySpec = tuple[tuple[str, bool], ...]

_BASE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS nk_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT OR IGNORE INTO nk_meta (key, value) VALUES ('format', '1')",
    "CREATE TABLE IF NOT EXISTS nk_nouns ("
    " noun TEXT PRIMARY KEY, tbl TEXT NOT NULL, keyspec TEXT NOT NULL DEFAULT '[]')",
    "CREATE TABLE IF NOT EXISTS nk_events ("
    " seq INTEGER PRIMARY KEY, name TEXT NOT NULL, noun TEXT NOT NULL,"
    " entity_id TEXT NOT NULL, action TEXT NOT NULL, version INTEGER NOT NULL,"
    " time TEXT NOT NULL, actor TEXT, tenant TEXT, input TEXT NOT NULL, changes TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS nk_checkpoints ("
    " subscription TEXT PRIMARY KEY, seq INTEGER NOT NULL)",
)
_ENTITY_TABLE = (
    'CREATE TABLE IF NOT EXISTS "{t}" ('
    " tenant TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,"
    " data TEXT NOT NULL, keys TEXT NOT NULL DEFAULT '{{}}',"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " PRIMARY KEY (tenant, id))"
)
_EVENT_COLUMNS = "seq, name, noun, entity_id, action, version, time, actor, tenant, input, changes"


def _json_path(names: Sequence[str]) -> str:
    """A JSON path literal of checked names: ``'$."shipTo"."city"'``."""
    return "'$" + "".join(f'."{sql_name(name)}"' for name in names) + "'"


def _key_path(field: Field) -> str:
    """The JSON path of a field's datetime keys, in the ``keys`` column."""
    return f"'$.\"{checked_key(field)}\"'"


class _Dialect:
    """SQLite: json_extract paths, ``?`` placeholders, NULLs sort first. Inside an
    ``$elemMatch`` the item is ``m.value`` (and its index ``m.key``)."""

    def field(self, field: Field) -> str:
        if field.is_id and field.within is None:
            return "id"
        if field.kind == "datetime":
            if field.within is not None:  # the item's key, kept in step with the items
                return f"json_extract(keys, '$.\"{checked_key(field)}\"[' || m.key || ']')"
            return f"json_extract(keys, {_key_path(field)})"
        root = "m.value" if field.within is not None else "data"
        return f"json_extract({root}, {_json_path(path_names(field))})"

    def param(self, field: Field, value: Any) -> tuple[str, Any]:
        return "?", value

    def has_item(self, field: Field, item: Any) -> tuple[str, Any]:
        if field.kind == "datetime":
            column, path = "keys", _key_path(field)
        else:
            column, path = "data", _json_path(path_names(field))
        return (
            f"(json_type({column}, {path}) IS 'array' AND EXISTS "
            f"(SELECT 1 FROM json_each({column}, {path}) WHERE value = ?))",
            item,
        )

    def elements(self, field: Field) -> tuple[str, str]:
        if field.kind == "datetime":
            return f"json_each(keys, {_key_path(field)}) AS e0", "e0.value"
        lists, rest = list_steps(field)
        sources, root = [], "data"
        for index, names in enumerate(lists):
            sources.append(f"json_each({root}, {_json_path(names)}) AS e{index}")
            root = f"e{index}.value"
        value = f"json_extract({root}, {_json_path(rest)})" if rest else root
        return ", ".join(sources), value

    def size(self, field: Field) -> str:
        return f"json_array_length(data, {_json_path(path_names(field))})"

    def elem_match(self, field: Field, inner: str) -> str:
        path = _json_path(path_names(field))
        return f"(EXISTS (SELECT 1 FROM json_each(data, {path}) AS m WHERE {inner}))"

    def substring(self, expr: str, placeholder: str) -> str:
        return f"instr({expr}, {placeholder}) > 0"

    def order(self, expr: str, direction: int) -> str:
        return f"{expr} {'ASC' if direction > 0 else 'DESC'}"


DIALECT = _Dialect()


def _nothing(extra: Extra) -> str:
    """An extra over a noun with no table yet: empty lists, a 0 count or sum, else null."""
    if extra.kind in ("ids", "records"):
        return "'[]'"
    if extra.measure is not None and extra.measure[0] in ("count", "sum"):
        return "0"
    return "NULL"


def open_sqlite(url: str) -> SQLiteStorage:
    parsed = parse_file_url(url, allow_memory=True)
    options = dict(parsed.options)
    timeout = option_float(url, options, "timeout", 30.0)
    synchronous = options.pop("synchronous", "full").lower()
    if synchronous not in ("full", "normal"):
        raise bad_url(url, f"synchronous={synchronous!r}", "use synchronous=full or normal")
    no_more_options(url, options, "timeout, synchronous")
    return SQLiteStorage(url, parsed.path, timeout=timeout, synchronous=synchronous)


def _dumps(value: Any, where: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StorageError(f"{where}: cannot store as JSON: {exc}; store only JSON values") from exc


class SQLiteStorage(Storage):
    """Records and events in one SQLite database file."""

    def __init__(
        self, url: str, path: Path | None, *, timeout: float = 30.0, synchronous: str = "full"
    ) -> None:
        super().__init__(url)
        self.path = path
        self.timeout = timeout
        self.capabilities = frozenset(
            {"native_query"} if path is None else {"durable", "multiprocess", "native_query"}
        )
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._meta: dict[str, tuple[str, KeySpec]] = {}  # noun -> (table, keyspec), committed
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                ":memory:" if path is None else str(path),
                timeout=timeout,
                isolation_level=None,  # we issue BEGIN / COMMIT ourselves
                check_same_thread=False,  # guarded by self._lock instead
                cached_statements=512,
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if path is not None:
                self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
            self._conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
            with self.transaction() as tx:
                assert isinstance(tx, _SQLiteTransaction)
                for statement in _BASE_SCHEMA:
                    tx.run(statement)
        except (OSError, sqlite3.Error, StorageError) as exc:
            raise StorageError(
                f"storage URL {redact(url)!r}: cannot open the SQLite database: {exc}\n"
                "  hint: check that the path names a SQLite file (or a new one) in a "
                "writable folder"
            ) from exc

    def _hold_across(self, name: str) -> AbstractContextManager[bool]:
        """An OS file lock beside the database (an in-memory one is this handle's)."""
        if self.path is None:
            return super()._hold_across(name)
        return file_hold(str(self.path), name)

    def _prepare(self, nouns: Mapping[str, NounDef]) -> None:
        with self.transaction() as tx:
            assert isinstance(tx, _SQLiteTransaction)
            for noun in nouns.values():
                tx.sync_noun(noun)

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Transaction]:
        if self._owner == threading.get_ident():
            raise StorageError(f"{self.url}: a transaction is already open in this thread")
        with self._lock:
            self._owner = threading.get_ident()
            tx = _SQLiteTransaction(self, readonly)
            try:
                with self._errors():
                    self._conn.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")
                try:
                    # Every statement of the body, not only BEGIN and COMMIT: what the
                    # transaction's own methods do not convert is converted here.
                    with self._errors():
                        yield tx
                        self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                self._meta.update(tx.created)
            finally:
                tx.done = True
                self._owner = None

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver errors become StorageErrors that say what to do."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._failure(exc) from exc

    def _failure(self, exc: sqlite3.Error) -> StorageError:
        text = str(exc)
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            return StorageError(
                f"{redact(self.url)}: the database stayed locked for {self.timeout:.0f} s: "
                "another process holds a long write transaction; retry, or raise ?timeout="
            )
        return StorageError(f"{redact(self.url)}: SQLite failed: {text}")

    # Single reads need no BEGIN: one statement is its own consistent snapshot.

    # (Plain try/except rather than context managers: these are the hot paths.)

    def get(self, noun: str, id: str, tenant: str | None = None) -> Record | None:
        self._not_nested()
        with self._lock:
            try:
                return _SQLiteTransaction(self, readonly=True).get(noun, id, tenant)
            except sqlite3.Error as exc:
                raise self._failure(exc) from exc

    def query(self, noun: str, query: Query | None = None, tenant: str | None = None) -> Page:
        self._not_nested()
        with self._lock:
            try:
                return _SQLiteTransaction(self, readonly=True).query(noun, query or Query(), tenant)
            except sqlite3.Error as exc:
                raise self._failure(exc) from exc

    def count(
        self, noun: str, where: Mapping[str, Any] | None = None, tenant: str | None = None
    ) -> int:
        self._not_nested()
        with self._lock:
            try:
                return _SQLiteTransaction(self, readonly=True).count(noun, where, tenant)
            except sqlite3.Error as exc:
                raise self._failure(exc) from exc

    def _not_nested(self) -> None:
        if self._owner == threading.get_ident():
            raise StorageError(f"{self.url}: a transaction is already open in this thread")

    def close(self) -> None:
        with self._lock:
            # SQLite's advice: let it refresh planner statistics as a connection closes
            # (if it is closed already, or read-only, the statistics can wait).
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA optimize")
            self._conn.close()


class _SQLiteTransaction(Transaction):
    def __init__(self, store: SQLiteStorage, readonly: bool) -> None:
        self.store = store
        self.conn = store._conn
        self.readonly = readonly
        self.done = False
        self.created: dict[str, tuple[str, KeySpec]] = {}
        self.depth = 0  # savepoints open

    def run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self.binding():
            return self.conn.execute(sql, params)

    def binding(self) -> AbstractContextManager[None]:
        """sqlite3 refuses what it cannot bind with OverflowError or UnicodeEncodeError."""
        return driver_values(self.store.url, "SQLite", (OverflowError, UnicodeEncodeError))

    def _writable(self) -> None:
        if self.done:
            raise StorageError(f"{self.store.url}: the transaction has ended")
        if self.readonly:
            raise StorageError(f"{self.store.url}: cannot write in a read-only transaction")

    # Tables

    def _meta(self, noun: str) -> tuple[str, KeySpec] | None:
        found = self.created.get(noun) or self.store._meta.get(noun)
        if found is not None:
            return found
        row = self.run("SELECT tbl, keyspec FROM nk_nouns WHERE noun = ?", (noun,)).fetchone()
        if row is None:
            return None
        spec: KeySpec = tuple((str(n), bool(a)) for n, a in json.loads(row[1]))
        self.store._meta[noun] = (row[0], spec)  # committed by someone: safe to remember
        return row[0], spec

    def _table(self, noun: str) -> str | None:
        meta = self._meta(noun)
        return None if meta is None else meta[0]

    def _create(self, noun: str, *, sync: bool = True) -> tuple[str, KeySpec]:
        """The noun's table, created (with its indexes, when the noun is known) if missing."""
        meta = self._meta(noun)
        if meta is not None:
            return meta
        taken = [r[0] for r in self.run("SELECT tbl FROM nk_nouns")]
        table = table_name(noun, taken)
        self.run(_ENTITY_TABLE.format(t=table))
        self.run("INSERT INTO nk_nouns (noun, tbl, keyspec) VALUES (?, ?, '[]')", (noun, table))
        self.created[noun] = (table, ())
        known = self.store.nouns.get(noun)
        if sync and known is not None:
            self.sync_noun(known)
        return self.created[noun]

    def sync_noun(self, noun: NounDef) -> None:
        """Create the noun's table and indexes, drop stale indexes, refresh datetime keys."""
        table, spec = self._create(noun.name, sync=False)
        wanted: dict[str, str] = {}
        for field, unique in indexed_fields(noun):
            index = index_name(table, field.name, unique)
            if unique:
                columns, kind = f"tenant, {DIALECT.field(field)}", "UNIQUE INDEX"
            else:
                # id last: an equality match comes out in id order, the default sort,
                # so the planner prefers this index over the primary key's.
                columns, kind = f"tenant, {DIALECT.field(field)}, id", "INDEX"
            wanted[index] = f'CREATE {kind} IF NOT EXISTS "{index}" ON "{table}" ({columns})'
        for name, fields in declared_indexes(noun):
            index = index_name(table, f"x_{name}", False)
            columns = ", ".join(["tenant", *(DIALECT.field(f) for f in fields), "id"])
            wanted[index] = f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ({columns})'

        present = {
            r[0]
            for r in self.run(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND name LIKE 'nk\\_%' ESCAPE '\\'",
                (table,),
            )
        }
        for index in present - set(wanted):
            self.run(f'DROP INDEX IF EXISTS "{index}"')
        new_spec = datetime_fields(noun)
        if new_spec != spec:
            self._rekey(noun.name, table, new_spec)
        for index, ddl in wanted.items():
            if index in present:
                continue
            try:
                self.run(ddl)
            except sqlite3.IntegrityError as exc:
                bad = index.removeprefix(f"nk_u_{table}_")
                raise StorageError(
                    f"cannot make {noun.name}.{bad} unique: stored records repeat a value "
                    "within a tenant; change them, then open the storage again"
                ) from exc

    def _rekey(self, noun: str, table: str, spec: KeySpec) -> None:
        rows = self.run(f'SELECT rowid, data FROM "{table}"').fetchall()
        with self.binding():
            self.conn.executemany(
                f'UPDATE "{table}" SET keys = ? WHERE rowid = ?',
                (
                    (_dumps(instant_keys(spec, json.loads(data)), noun), rowid)
                    for rowid, data in rows
                ),
            )
        self.run("UPDATE nk_nouns SET keyspec = ? WHERE noun = ?", (json.dumps(list(spec)), noun))
        self.created[noun] = (table, spec)

    savepoints = True

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """SAVEPOINT, and ROLLBACK TO it when the block raises: tables the block
        created are forgotten with it."""
        self._writable()
        self.depth += 1
        mark, created = f"nk_{self.depth}", dict(self.created)
        self.run(f"SAVEPOINT {mark}")
        try:
            yield
        except BaseException:  # (the transaction converts a failure of these too)
            self.run(f"ROLLBACK TO {mark}")
            self.run(f"RELEASE {mark}")
            self.created = created
            raise
        else:
            self.run(f"RELEASE {mark}")
        finally:
            self.depth -= 1

    # Records

    def get(self, noun: str, id: str, tenant: str | None) -> Record | None:
        check_tenant(tenant)
        if not isinstance(id, str) or text_problem(id) is not None:
            return None  # no write stores such an id, and the driver cannot send it
        table = self._table(noun)
        if table is None:
            return None
        row = self.run(
            f'SELECT version, data, created_at, updated_at FROM "{table}" '
            "WHERE tenant = ? AND id = ?",
            (tenant or "", id),
        ).fetchone()
        if row is None:
            return None
        return Record(noun, id, tenant, row[0], json.loads(row[1]), row[2], row[3])

    def _row(self, record: Record, spec: KeySpec) -> tuple[str, str]:
        where = f"{record.noun} {record.id!r}"
        return _dumps(record.data, where), _dumps(instant_keys(spec, record.data), where)

    def insert(self, record: Record) -> None:
        self._writable()
        check_insert(record, False)
        table, spec = self._create(record.noun)
        self._unique(table, record)
        data, keys = self._row(record, spec)
        try:
            self.run(
                f'INSERT INTO "{table}" (tenant, id, version, data, keys, created_at, updated_at) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.tenant or "",
                    record.id,
                    record.version,
                    data,
                    keys,
                    record.created_at,
                    record.updated_at,
                ),
            )
        except sqlite3.IntegrityError as exc:
            if self.get(record.noun, record.id, record.tenant) is not None:
                check_insert(record, True)
            raise Conflict(f"{record.noun} {record.id!r}: a unique value repeats: {exc}") from exc

    def update(self, record: Record, expected_version: int) -> None:
        self._writable()
        check_update(record, expected_version, expected_version)  # the record itself is sound
        table, spec = self._create(record.noun)
        self._unique(table, record)
        data, keys = self._row(record, spec)
        try:
            changed = self.run(
                f'UPDATE "{table}" SET version = ?, data = ?, keys = ?, created_at = ?, '
                "updated_at = ? WHERE tenant = ? AND id = ? AND version = ?",
                (
                    record.version,
                    data,
                    keys,
                    record.created_at,
                    record.updated_at,
                    record.tenant or "",
                    record.id,
                    expected_version,
                ),
            ).rowcount
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"{record.noun} {record.id!r}: a unique value repeats: {exc}") from exc
        if changed != 1:
            stored = self.get(record.noun, record.id, record.tenant)
            check_update(record, expected_version, None if stored is None else stored.version)

    def delete(self, noun: str, id: str, tenant: str | None, expected_version: int) -> None:
        self._writable()
        check_delete(noun, id, tenant, expected_version, expected_version)  # the key is sound
        table = self._table(noun)
        changed = 0
        if table is not None:
            changed = self.run(
                f'DELETE FROM "{table}" WHERE tenant = ? AND id = ? AND version = ?',
                (tenant or "", id, expected_version),
            ).rowcount
        if changed != 1:
            stored = self.get(noun, id, tenant)
            check_delete(
                noun, id, tenant, expected_version, None if stored is None else stored.version
            )

    def _unique(self, table: str, record: Record) -> None:
        """Name the record holding a repeated unique value (the index is the safety net)."""
        noun = self.store.nouns.get(record.noun)
        if noun is None:
            return
        for field in unique_fields(noun):
            value = sort_value(field, record.data.get(field.name))
            if value is None:
                continue
            row = self.run(
                f'SELECT id FROM "{table}" WHERE tenant = ? AND {DIALECT.field(field)} = ? '
                "AND id <> ? LIMIT 1",
                (record.tenant or "", value, record.id),
            ).fetchone()
            if row is not None:
                raise unique_conflict(record, field.name, row[0])

    # Queries

    def _where(self, noun: str, plan_where: Any) -> tuple[str, list[Any]]:
        if plan_where is None:
            return "", []
        sql, params = compile_where(plan_where, DIALECT)
        return f" AND {sql}", params

    def query(self, noun: str, query: Query, tenant: str | None) -> Page:
        check_tenant(tenant)
        plan: Plan = plan_query(noun_def(self.store.nouns, noun), query)
        table = self._table(noun)
        if table is None:
            return Page([], None)
        where, params = self._where(noun, plan.where)
        sql = (
            f'SELECT id, version, data, created_at, updated_at FROM "{table}" '
            f"WHERE tenant = ?{where} ORDER BY {compile_order(plan.sort, DIALECT, 'id')}"
        )
        limit = -1 if plan.limit is None or plan.limit >= INT64 else plan.limit + 1
        rows = self.run(f"{sql} LIMIT ? OFFSET ?", [tenant or "", *params, limit, plan.offset])
        records = [Record(noun, r[0], tenant, r[1], json.loads(r[2]), r[3], r[4]) for r in rows]
        return make_page(records, plan)

    computed_queries = True

    def query_with(
        self,
        noun: str,
        query: Query,
        tenant: str | None,
        extras: Sequence[Extra],
        computed: Mapping[str, Extra] | None = None,
    ) -> Page:
        """The page and its extras in one statement: each extra a correlated subquery
        over the related noun's relationship index, for the page's rows only. Computed
        values are columns of a derived table that the where and sort read."""
        check_tenant(tenant)
        if not extras and not computed:
            return self.query(noun, query, tenant)
        check_extras([*extras, *(computed or {}).values()])
        plan: Plan = plan_query(noun_def(self.store.nouns, noun), query)
        table = self._table(noun)
        if table is None:
            return Page([], None)
        columns: list[str] = []
        params: list[Any] = []
        for extra in [*extras, *(computed or {}).values()]:
            column, found = self._extra(extra, tenant)
            columns.append(column)
            params.extend(found)
        names = list(computed or {})
        dialect: Any = DIALECT
        if computed:
            inner = ", ".join(f"{c} AS x{i}" for i, c in enumerate(columns))
            columns = [f"x{i}" for i in range(len(columns))]
            dialect = Computed(DIALECT, dict(zip(names, columns[len(extras) :], strict=True)))
            source = (
                "(SELECT tenant, id, version, data, keys, created_at, updated_at, "
                f'{inner} FROM "{table}" AS t) AS p'
            )
        else:
            source = f'"{table}" AS t'
        where = ""
        where_params: list[Any] = []
        if plan.where is not None:
            text, where_params = compile_where(plan.where, dialect)
            where = f" AND {text}"
        sql = (
            f"SELECT id, version, data, created_at, updated_at, {', '.join(columns)} "
            f"FROM {source} WHERE tenant = ?{where} "
            f"ORDER BY {compile_order(plan.sort, dialect, 'id')} LIMIT ? OFFSET ?"
        )
        limit = -1 if plan.limit is None or plan.limit >= INT64 else plan.limit + 1
        rows = self.run(sql, [*params, tenant or "", *where_params, limit, plan.offset])
        fetched = rows.fetchall()
        return page_with(
            noun, tenant, fetched, extras, list((computed or {}).items()), plan, json.loads
        )

    def _extra(self, extra: Extra, tenant: str | None) -> tuple[str, list[Any]]:
        """One extra as a correlated subquery of the page's row ``t``, and its parameters.

        ``+t.id`` strips the column's affinity: compared with it, the relationship's
        JSON expression keeps none, so SQLite can search the expression's index."""
        table = self._table(extra.noun)
        if table is None:  # no records of that noun yet: what no records give
            return _nothing(extra), []
        related = noun_def(self.store.nouns, extra.noun)
        if extra.kind in ("target", "targets", "value"):
            own = f"json_extract(t.data, {_json_path([extra.by])})"
            if extra.kind != "targets":
                column = "data"
                if extra.path is not None:
                    column = DIALECT.field(fields_of(related)[extra.path])
                return f'(SELECT {column} FROM "{table}" WHERE tenant = ? AND id = {own})', [
                    tenant or ""
                ]
            return (
                f"(SELECT json_group_object(r.id, json(r.data)) FROM json_each(t.data, "
                f'{_json_path([extra.by])}) AS j JOIN "{table}" AS r '
                "ON r.tenant = ? AND r.id = j.value)",
                [tenant or ""],
            )
        link = DIALECT.field(link_field(related, extra.by))
        of = f'FROM "{table}" WHERE tenant = ? AND {link} = +t.id'
        if extra.kind == "ids":
            return f"(SELECT json_group_array(id) {of})", [tenant or ""]
        if extra.kind == "records":
            return f"(SELECT json_group_array(json(data)) {of})", [tenant or ""]
        assert extra.measure is not None
        (column,), column_params = aggregate_columns(related, [extra.measure], DIALECT)
        return f"(SELECT {column} {of})", [*column_params, tenant or ""]

    def related(
        self, links: Sequence[tuple[str, str]], owners: Sequence[str], tenant: str | None
    ) -> list[dict[str, list[str]]]:
        check_tenant(tenant)
        terms = []
        for index, (noun, name) in enumerate(links):
            table = self._table(noun)
            if table is not None:  # no records of that noun yet
                expr = DIALECT.field(link_field(noun_def(self.store.nouns, noun), name))
                where = f"tenant = ? AND {expr}"
                terms.append(f'SELECT {index}, {expr}, id FROM "{table}" WHERE {where}')

        def run(chunk: Sequence[str]) -> sqlite3.Cursor:
            test = " = ?" if len(chunk) == 1 else f" IN ({', '.join('?' * len(chunk))})"
            params = [tenant or "", *chunk] * len(terms)
            return self.run(" UNION ALL ".join(t + test for t in terms), params)

        return read_related(len(links), len(terms), owners, run)

    def aggregate(
        self,
        noun: str,
        by: str,
        owners: Sequence[str],
        measures: Sequence[Measure],
        tenant: str | None,
    ) -> dict[str, list[Any]]:
        check_tenant(tenant)
        definition = noun_def(self.store.nouns, noun)
        table = self._table(noun)
        if table is None:  # no records of that noun yet
            return read_aggregates(measures, owners, lambda chunk: ())
        key = DIALECT.field(link_field(definition, by))
        columns, column_params = aggregate_columns(definition, measures, DIALECT)

        def run(chunk: Sequence[str]) -> list[Any]:
            # A sum past 64 bits fails here; the transaction converts the error.
            return self.run(
                f'SELECT {key}, {", ".join(columns)} FROM "{table}" WHERE tenant = ? AND '
                f"{key} IN ({', '.join('?' * len(chunk))}) GROUP BY {key}",
                [*column_params, tenant or "", *chunk],
            ).fetchall()

        return read_aggregates(measures, owners, run)

    def count(self, noun: str, where: Mapping[str, Any] | None, tenant: str | None) -> int:
        check_tenant(tenant)
        cond = plan_count(noun_def(self.store.nouns, noun), where)
        table = self._table(noun)
        if table is None:
            return 0
        sql, params = self._where(noun, cond)
        row = self.run(
            f'SELECT count(*) FROM "{table}" WHERE tenant = ?{sql}', [tenant or "", *params]
        ).fetchone()
        return int(row[0])

    # Events and checkpoints

    def append(self, events: Sequence[NewEvent]) -> list[Event]:
        self._writable()
        last = int(self.run("SELECT coalesce(max(seq), 0) FROM nk_events").fetchone()[0])
        stored = [e.with_seq(last + i + 1) for i, e in enumerate(events)]
        with self.binding():
            self.conn.executemany(
                f"INSERT INTO nk_events ({_EVENT_COLUMNS}) VALUES ({', '.join('?' * 11)})",
                [
                    (
                        e.seq,
                        e.name,
                        e.noun,
                        e.entity_id,
                        e.action,
                        e.version,
                        e.time,
                        e.actor,
                        e.tenant,
                        _dumps(e.input, e.name),
                        _dumps(e.changes, e.name),
                    )
                    for e in stored
                ],
            )
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
        sql = f"SELECT {_EVENT_COLUMNS} FROM nk_events WHERE seq > ?"
        params: list[Any] = [since]
        if noun is not None:
            sql += " AND noun = ?"
            params.append(noun)
        if tenant is not None:
            sql += " AND tenant = ?"
            params.append(tenant)
        if name is not None:
            sql += " AND name GLOB ?"
            params.append(_glob(name))
        sql += " ORDER BY seq LIMIT ?"
        params.append(-1 if limit is None else limit)
        return [
            Event(
                seq=r[0],
                name=r[1],
                noun=r[2],
                entity_id=r[3],
                action=r[4],
                version=r[5],
                time=r[6],
                actor=r[7],
                tenant=r[8],
                input=json.loads(r[9]),
                changes=json.loads(r[10]),
            )
            for r in self.run(sql, params)
        ]

    def checkpoint(self, subscription: str) -> int:
        row = self.run(
            "SELECT seq FROM nk_checkpoints WHERE subscription = ?", (subscription,)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def set_checkpoint(self, subscription: str, seq: int) -> None:
        self._writable()
        self.run(
            "INSERT INTO nk_checkpoints (subscription, seq) VALUES (?, ?) "
            "ON CONFLICT (subscription) DO UPDATE SET seq = excluded.seq",
            (subscription, seq),
        )

    def checkpoints(self) -> dict[str, int]:
        return {
            r[0]: int(r[1])
            for r in self.run("SELECT subscription, seq FROM nk_checkpoints ORDER BY subscription")
        }

    def stored_nouns(self) -> list[str]:
        return [r[0] for r in self.run("SELECT noun FROM nk_nouns ORDER BY noun")]

    def scan(self, noun: str) -> Iterator[Record]:
        table = self._table(noun)
        if table is None:
            return
        rows = self.run(
            f'SELECT tenant, id, version, data, created_at, updated_at FROM "{table}" '
            "ORDER BY tenant, id"
        )
        for r in rows:
            yield Record(noun, r[1], r[0] or None, r[2], json.loads(r[3]), r[4], r[5])


def _glob(pattern: str) -> str:
    """An event-name pattern (``*`` wildcards only) as a GLOB pattern."""
    return "".join({"?": "[?]", "[": "[[]"}.get(c, c) for c in pattern)
