"""``postgresql://user:password@host:port/dbname``: PostgreSQL through psycopg 3.

The scaling path (DESIGN.md, "Where users outgrow one machine"): stateless
processes share one database.

* one table per noun, ``data`` as JSONB, ``keys`` as JSONB holding the
  instants of datetime values; expression indexes for ``index`` and
  ``unique`` properties (unique per tenant) and a GIN index for nouns with
  list fields, which list queries use through ``@>``;
* writes are serialisable through row versions: ``UPDATE ... WHERE version
  = expected`` under READ COMMITTED re-checks the version after waiting for
  a concurrent writer, so a stale write is a Conflict, never a lost update;
  read-only transactions are REPEATABLE READ snapshots;
* ``seq`` comes from a single-row counter updated in the appending
  transaction: the row lock is held until commit, so events commit in seq
  order and readers never see a gap; ``pg_notify('nounkit_events', seq)``
  wakes other processes waiting in :meth:`PostgresStorage.wait_for_events`;
* SQL is composed with ``psycopg.sql`` for identifiers; values are always
  parameters. Text compares with the "C" collation (by code point), as on
  the other backends. PostgreSQL cannot store the character U+0000 in JSON.

Tables live in the connection's current schema, so
``?options=-csearch_path%3Dother`` in the URL keeps several stores apart
in one database.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any, LiteralString

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import Jsonb

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
    hold_key,
)
from nounkit.storage.query import (
    Cond,
    Field,
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
from nounkit.storage.urls import redact

__all__ = ["PostgresStorage", "open_postgres"]

KeySpec = tuple[tuple[str, bool], ...]
CHANNEL = "nounkit_events"
_DDL_LOCK = 0x6E6B_6464  # "nkdd": one schema change at a time, across processes

_BASE_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE TABLE IF NOT EXISTS nk_meta (key text PRIMARY KEY, value text NOT NULL)",
    "INSERT INTO nk_meta (key, value) VALUES ('format', '1') ON CONFLICT DO NOTHING",
    "CREATE TABLE IF NOT EXISTS nk_nouns ("
    " noun text PRIMARY KEY, tbl text NOT NULL, keyspec text NOT NULL DEFAULT '[]')",
    "CREATE TABLE IF NOT EXISTS nk_events ("
    " seq bigint PRIMARY KEY, name text NOT NULL, noun text NOT NULL,"
    " entity_id text NOT NULL, action text NOT NULL, version bigint NOT NULL,"
    " time text NOT NULL, actor text, tenant text, input jsonb NOT NULL, changes jsonb NOT NULL)",
    "CREATE TABLE IF NOT EXISTS nk_checkpoints ("
    " subscription text PRIMARY KEY, seq bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS nk_counter (name text PRIMARY KEY, value bigint NOT NULL)",
    "INSERT INTO nk_counter (name, value) VALUES ('events', 0) ON CONFLICT DO NOTHING",
)
_ENTITY_TABLE: LiteralString = (
    "CREATE TABLE IF NOT EXISTS {t} ("
    ' tenant text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,'
    " version bigint NOT NULL, data jsonb NOT NULL, keys jsonb NOT NULL DEFAULT '{{}}',"
    " created_at text NOT NULL, updated_at text NOT NULL, PRIMARY KEY (tenant, id))"
)
_EVENT_COLUMNS: LiteralString = (
    "seq, name, noun, entity_id, action, version, time, actor, tenant, input, changes"
)


def _pg_path(names: Sequence[str]) -> str:
    """A text-array path literal of checked names: ``'{shipTo,city}'``."""
    return "'{" + ",".join(sql_name(name) for name in names) + "}'"


def _typed(field: Field, text: str) -> str:
    """A text expression of one stored value, made comparable as the field's kind."""
    if field.kind == "number":
        return f"({text}::numeric)"
    if field.kind == "boolean":
        return f"({text}::boolean)"
    return f'({text} COLLATE "C")'


def _array(node: str) -> str:
    return f"CASE jsonb_typeof({node}) WHEN 'array' THEN {node} ELSE '[]'::jsonb END"


class _Dialect:
    """PostgreSQL: JSONB operators, ``%s`` placeholders, explicit NULLS FIRST/LAST. Inside
    an ``$elemMatch`` the item is ``m.v`` (its position ``m.n``, from 1)."""

    def field(self, field: Field) -> str:
        if field.is_id and field.within is None:
            return "id"
        if field.kind == "datetime" and not field.array:
            if field.within is not None:  # the item's key, kept in step with the items
                return f"((keys->'{checked_key(field)}'->>((m.n - 1)::int)) COLLATE \"C\")"
            return f"((keys->>'{checked_key(field)}') COLLATE \"C\")"
        root = "m.v" if field.within is not None else "data"
        names = path_names(field)
        if len(names) == 1:
            text = f"({root}->>'{sql_name(names[0])}')"
        else:
            text = f"({root} #>> {_pg_path(names)})"
        if field.array or field.kind == "json":
            return text  # only ever tested for presence
        return _typed(field, text)

    def param(self, field: Field, value: Any) -> tuple[str, Any]:
        if field.kind == "number":
            # Through text, so a float compares by its shortest repr, exactly.
            return "%s::numeric", Decimal(repr(value)) if isinstance(value, float) else value
        if field.kind == "boolean":
            return "%s::boolean", value
        return "%s", value

    def has_item(self, field: Field, item: Any) -> tuple[str, Any]:
        if field.kind == "datetime":
            return "(keys @> %s)", Jsonb({checked_key(field): [item]})
        wanted: Any = [item]
        for name in reversed(path_names(field)):
            wanted = {sql_name(name): wanted}
        return "(data @> %s)", Jsonb(wanted)

    def elements(self, field: Field) -> tuple[str, str]:
        if field.kind == "datetime":
            node = f"(keys->'{checked_key(field)}')"
            return f"jsonb_array_elements({_array(node)}) AS e0(v)", _typed(
                field, "(e0.v #>> '{}')"
            )
        lists, rest = list_steps(field)
        sources, root = [], "data"
        for index, names in enumerate(lists):
            node = f"({root} #> {_pg_path(names)})"
            sources.append(f"jsonb_array_elements({_array(node)}) AS e{index}(v)")
            root = f"e{index}.v"
        text = f"({root} #>> {_pg_path(rest)})" if rest else f"({root} #>> '{{}}')"
        return ", ".join(sources), _typed(field, text)

    def size(self, field: Field) -> str:
        node = f"(data #> {_pg_path(path_names(field))})"
        return f"jsonb_array_length(CASE jsonb_typeof({node}) WHEN 'array' THEN {node} END)"

    def elem_match(self, field: Field, inner: str) -> str:
        node = f"(data #> {_pg_path(path_names(field))})"
        return (
            f"(EXISTS (SELECT 1 FROM jsonb_array_elements({_array(node)}) WITH ORDINALITY "
            f"AS m(v, n) WHERE {inner}))"
        )

    def substring(self, expr: str, placeholder: str) -> str:
        return f"strpos({expr}, {placeholder}) > 0"

    def order(self, expr: str, direction: int) -> str:
        return f"{expr} ASC NULLS FIRST" if direction > 0 else f"{expr} DESC NULLS LAST"


DIALECT = _Dialect()


def _sql(text: str) -> sql.SQL:
    """SQL text built here from checked names and placeholders, never from values."""
    return sql.SQL(text)


def _nothing(related: NounDef, extra: Extra) -> str:
    """An extra over a noun with no table yet, typed as its subquery would be, so a
    where reading it compares as it would: empty lists, a 0 count or sum, else null."""
    if extra.kind in ("ids", "records"):
        return "'[]'::jsonb"
    if extra.kind in ("target", "targets"):
        return "NULL::jsonb"
    if extra.measure is not None:
        return "0" if extra.measure[0] in ("count", "sum") else "NULL::float8"
    assert extra.path is not None
    return _typed(fields_of(related)[extra.path], "NULL::text")


def open_postgres(url: str) -> PostgresStorage:
    return PostgresStorage(url)


class PostgresStorage(Storage):
    """Records and events in a PostgreSQL database, shared by any number of processes."""

    capabilities = frozenset({"durable", "multiprocess", "native_query", "notify"})

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._meta: dict[str, tuple[str, KeySpec]] = {}
        self._conn: psycopg.Connection[Any] | None = None
        self._listener: psycopg.Connection[Any] | None = None
        self._holder: psycopg.Connection[Any] | None = None  # for hold(): session locks
        self._hold_lock = threading.Lock()
        try:
            params = conninfo_to_dict(url)
            # A dead host should fail in seconds, not hang: unless the URL says otherwise.
            timeout = {} if "connect_timeout" in params else {"connect_timeout": 10}
            self._conninfo = make_conninfo(url, **timeout)
        except psycopg.ProgrammingError as exc:
            raise StorageError(
                f"storage URL {redact(url)!r}: not a PostgreSQL URL: {exc}\n"
                "  hint: write postgresql://user:password@host:5432/dbname"
            ) from exc
        with self.transaction() as tx:
            assert isinstance(tx, _PgTransaction)
            tx.ddl_lock()
            for statement in _BASE_SCHEMA:
                tx.run(sql.SQL(statement))

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self._conninfo, autocommit=True)
        except psycopg.Error as exc:
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            reason = "; ".join(lines) or type(exc).__name__
            raise StorageError(
                f"storage URL {redact(self.url)!r}: cannot connect to PostgreSQL: {reason}\n"
                "  hint: is the server running and reachable from here, and are the user, "
                "password and database name right?"
            ) from exc

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = self._connect()
        return self._conn

    def _prepare(self, nouns: Mapping[str, NounDef]) -> None:
        with self.transaction() as tx:
            assert isinstance(tx, _PgTransaction)
            tx.ddl_lock()
            for noun in nouns.values():
                tx.sync_noun(noun)

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Transaction]:
        if self._owner == threading.get_ident():
            raise StorageError(f"{redact(self.url)}: a transaction is already open in this thread")
        with self._lock:
            self._owner = threading.get_ident()
            try:
                conn = self._connection()
                with self._errors():
                    conn.execute(
                        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if readonly else "BEGIN"
                    )
                tx = _PgTransaction(self, conn, readonly)
                try:
                    with self._errors():
                        yield tx
                        conn.execute("COMMIT")
                except BaseException:
                    tx.done = True
                    # A failed rollback must not hide the error that caused it.
                    with contextlib.suppress(psycopg.Error):
                        if not conn.closed and not conn.broken:
                            conn.execute("ROLLBACK")
                    raise
                tx.done = True
                self._meta.update(tx.created)
            finally:
                self._owner = None

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver errors become nounkit errors that say what to do."""
        try:
            yield
        except (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected) as exc:
            raise Conflict(
                f"{redact(self.url)}: a concurrent transaction won ({exc.sqlstate}); retry"
            ) from exc
        except psycopg.errors.UniqueViolation as exc:
            raise Conflict(f"a unique value repeats: {exc.diag.message_detail or exc}") from exc
        except psycopg.OperationalError as exc:
            raise StorageError(
                f"{redact(self.url)}: lost the PostgreSQL connection: {exc}; nothing of this "
                "transaction was committed unless the commit itself was cut off"
            ) from exc
        except psycopg.Error as exc:
            raise StorageError(f"{redact(self.url)}: PostgreSQL failed: {exc}") from exc

    # Single reads need no BEGIN: one statement is its own consistent snapshot.

    def get(self, noun: str, id: str, tenant: str | None = None) -> Record | None:
        with self._single() as tx:
            return tx.get(noun, id, tenant)

    def query(self, noun: str, query: Query | None = None, tenant: str | None = None) -> Page:
        with self._single() as tx:
            return tx.query(noun, query or Query(), tenant)

    def count(
        self, noun: str, where: Mapping[str, Any] | None = None, tenant: str | None = None
    ) -> int:
        with self._single() as tx:
            return tx.count(noun, where, tenant)

    @contextmanager
    def _single(self) -> Iterator[_PgTransaction]:
        if self._owner == threading.get_ident():
            raise StorageError(f"{redact(self.url)}: a transaction is already open in this thread")
        with self._lock, self._errors():
            tx = _PgTransaction(self, self._connection(), readonly=True)
            try:
                yield tx
            finally:
                tx.done = True

    def wait_for_events(self, since: int, timeout: float) -> bool:
        """Block until an event with ``seq > since`` exists (True) or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        try:
            if self._listener is None or self._listener.closed or self._listener.broken:
                self._listener = self._connect()
                self._listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
            while True:
                if self.events(since, limit=1):
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                for _ in self._listener.notifies(timeout=left, stop_after=1):
                    pass
        except psycopg.Error as exc:
            raise StorageError(f"{redact(self.url)}: cannot listen for events: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            for conn in (self._conn, self._listener, self._holder):
                if conn is not None:
                    conn.close()
            self._conn = self._listener = self._holder = None

    @contextmanager
    def _hold_across(self, name: str) -> Iterator[bool]:
        """A session advisory lock, on a connection of its own: held across every
        process on the server, released by the server if this process dies."""
        key = int.from_bytes(hold_key(name)[:8], "big", signed=True)
        with self._hold_lock:  # the holder connection, one statement at a time
            try:
                if self._holder is None or self._holder.closed or self._holder.broken:
                    self._holder = self._connect()
                holder = self._holder
                row = holder.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            except psycopg.Error as exc:
                raise StorageError(f"{redact(self.url)}: cannot take a lock: {exc}") from exc
        if not (row and row[0]):
            yield False
            return
        try:
            yield True
        finally:
            with self._hold_lock, contextlib.suppress(psycopg.Error):
                holder.execute("SELECT pg_advisory_unlock(%s)", (key,))


class _PgTransaction(Transaction):
    def __init__(self, store: PostgresStorage, conn: psycopg.Connection[Any], readonly: bool):
        self.store = store
        self.conn = conn
        self.readonly = readonly
        self.done = False
        self.created: dict[str, tuple[str, KeySpec]] = {}
        self.depth = 0  # savepoints open

    def run(self, query: sql.SQL | sql.Composed, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        with self.binding():
            return self.conn.execute(query, params)

    def binding(self) -> AbstractContextManager[None]:
        """psycopg refuses what it cannot adapt (a lone surrogate, an integer too long to
        write out) with OverflowError, UnicodeEncodeError or ValueError."""
        kinds = (OverflowError, UnicodeEncodeError, ValueError)
        return driver_values(self.store.url, "PostgreSQL", kinds)

    def ddl_lock(self) -> None:
        self.run(sql.SQL("SELECT pg_advisory_xact_lock(%s)"), (_DDL_LOCK,))

    def _writable(self) -> None:
        if self.done:
            raise StorageError(f"{redact(self.store.url)}: the transaction has ended")
        if self.readonly:
            raise StorageError(f"{redact(self.store.url)}: cannot write in a read-only transaction")

    # Tables

    def _meta(self, noun: str) -> tuple[str, KeySpec] | None:
        found = self.created.get(noun) or self.store._meta.get(noun)
        if found is not None:
            return found
        row = self.run(
            sql.SQL("SELECT tbl, keyspec FROM nk_nouns WHERE noun = %s"), (noun,)
        ).fetchone()
        if row is None:
            return None
        spec: KeySpec = tuple((str(n), bool(a)) for n, a in json.loads(row[1]))
        self.store._meta[noun] = (row[0], spec)
        return row[0], spec

    def _table(self, noun: str) -> sql.Identifier | None:
        meta = self._meta(noun)
        return None if meta is None else sql.Identifier(meta[0])

    def _create(self, noun: str, *, sync: bool = True) -> tuple[str, KeySpec]:
        meta = self._meta(noun)
        if meta is not None:
            return meta
        self.ddl_lock()
        meta = self._meta(noun)  # another process may have made it while we waited
        if meta is not None:
            return meta
        taken = [r[0] for r in self.run(sql.SQL("SELECT tbl FROM nk_nouns"))]
        table = table_name(noun, taken)
        self.run(sql.SQL(_ENTITY_TABLE).format(t=sql.Identifier(table)))
        self.run(
            sql.SQL("INSERT INTO nk_nouns (noun, tbl, keyspec) VALUES (%s, %s, '[]')"),
            (noun, table),
        )
        self.created[noun] = (table, ())
        known = self.store.nouns.get(noun)
        if sync and known is not None:
            self.sync_noun(known)
        return self.created[noun]

    def sync_noun(self, noun: NounDef) -> None:
        """Create the noun's table and indexes, drop stale indexes, refresh datetime keys."""
        table, spec = self._create(noun.name, sync=False)
        ident = sql.Identifier(table)
        wanted: dict[str, sql.Composed] = {}
        for field, unique in indexed_fields(noun):
            index = index_name(table, field.name, unique)
            wanted[index] = sql.SQL("CREATE {} IF NOT EXISTS {} ON {} (tenant, {})").format(
                sql.SQL("UNIQUE INDEX" if unique else "INDEX"),
                sql.Identifier(index),
                ident,
                _sql(DIALECT.field(field)),
            )
        for name, declared in declared_indexes(noun):
            index = index_name(table, f"x_{name}", False)
            wanted[index] = sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (tenant, {})").format(
                sql.Identifier(index),
                ident,
                sql.SQL(", ").join(_sql(DIALECT.field(f)) for f in declared),
            )
        fields = fields_of(noun)
        if any(f.array for f in fields.values()):
            index = index_name(table, "data", False)
            wanted[index] = sql.SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {} USING gin (data jsonb_path_ops)"
            ).format(sql.Identifier(index), ident)
        present = {
            r[0]
            for r in self.run(
                sql.SQL(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND tablename = %s AND indexname LIKE 'nk\\_%%'"
                ),
                (table,),
            )
        }
        for index in present - set(wanted):
            self.run(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(index)))
        new_spec = datetime_fields(noun)
        if new_spec != spec:
            self._rekey(noun.name, table, new_spec)
        for index, ddl in wanted.items():
            if index in present:
                continue
            try:
                with self.conn.transaction():  # a savepoint: a failure leaves a clear error
                    self.run(ddl)
            except psycopg.errors.UniqueViolation as exc:
                bad = index.removeprefix(f"nk_u_{table}_")
                raise StorageError(
                    f"cannot make {noun.name}.{bad} unique: stored records repeat a value "
                    "within a tenant; change them, then open the storage again"
                ) from exc

    def _rekey(self, noun: str, table: str, spec: KeySpec) -> None:
        ident = sql.Identifier(table)
        rows = self.run(sql.SQL("SELECT tenant, id, data FROM {}").format(ident)).fetchall()
        with self.binding(), self.conn.cursor() as cur:
            cur.executemany(
                sql.SQL("UPDATE {} SET keys = %s WHERE tenant = %s AND id = %s").format(ident),
                [(Jsonb(instant_keys(spec, data)), tenant, id) for tenant, id, data in rows],
            )
        self.run(
            sql.SQL("UPDATE nk_nouns SET keyspec = %s WHERE noun = %s"),
            (json.dumps(list(spec)), noun),
        )
        self.created[noun] = (table, spec)

    savepoints = True

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """SAVEPOINT, and ROLLBACK TO it when the block raises (which also lifts the
        error state a failed statement leaves): tables the block created are
        forgotten with it."""
        self._writable()
        self.depth += 1
        mark, created = sql.Identifier(f"nk_{self.depth}"), dict(self.created)
        self.run(sql.SQL("SAVEPOINT {}").format(mark))
        try:
            yield
        except BaseException:  # (the transaction converts a failure of these too)
            self.run(sql.SQL("ROLLBACK TO SAVEPOINT {}").format(mark))
            self.run(sql.SQL("RELEASE SAVEPOINT {}").format(mark))
            self.created = created
            raise
        else:
            self.run(sql.SQL("RELEASE SAVEPOINT {}").format(mark))
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
            sql.SQL(
                "SELECT version, data, created_at, updated_at FROM {} WHERE tenant = %s AND id = %s"
            ).format(table),
            (tenant or "", id),
        ).fetchone()
        if row is None:
            return None
        return Record(noun, id, tenant, row[0], row[1], row[2], row[3])

    def insert(self, record: Record) -> None:
        self._writable()
        check_insert(record, False)
        table, spec = self._create(record.noun)
        self._unique(table, record)
        # ON CONFLICT DO NOTHING: a duplicate must not abort the whole transaction.
        row = self.run(
            sql.SQL(
                "INSERT INTO {} (tenant, id, version, data, keys, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1"
            ).format(sql.Identifier(table)),
            (
                record.tenant or "",
                record.id,
                record.version,
                Jsonb(record.data),
                Jsonb(instant_keys(spec, record.data)),
                record.created_at,
                record.updated_at,
            ),
        ).fetchone()
        if row is None:
            check_insert(record, self.get(record.noun, record.id, record.tenant) is not None)
            self._unique(table, record)
            raise Conflict(
                f"{record.noun} {record.id!r}: a unique value repeats (a concurrent writer "
                "took it); retry"
            )

    def update(self, record: Record, expected_version: int) -> None:
        self._writable()
        check_update(record, expected_version, expected_version)  # the record itself is sound
        table, spec = self._create(record.noun)
        self._unique(table, record)
        changed = self.run(
            sql.SQL(
                "UPDATE {} SET version = %s, data = %s, keys = %s, created_at = %s, "
                "updated_at = %s WHERE tenant = %s AND id = %s AND version = %s"
            ).format(sql.Identifier(table)),
            (
                record.version,
                Jsonb(record.data),
                Jsonb(instant_keys(spec, record.data)),
                record.created_at,
                record.updated_at,
                record.tenant or "",
                record.id,
                expected_version,
            ),
        ).rowcount
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
                sql.SQL("DELETE FROM {} WHERE tenant = %s AND id = %s AND version = %s").format(
                    table
                ),
                (tenant or "", id, expected_version),
            ).rowcount
        if changed != 1:
            stored = self.get(noun, id, tenant)
            version = None if stored is None else stored.version
            check_delete(noun, id, tenant, expected_version, version)

    def _unique(self, table: str, record: Record) -> None:
        """Name the record holding a repeated unique value (the index is the safety net)."""
        noun = self.store.nouns.get(record.noun)
        if noun is None:
            return
        for field in unique_fields(noun):
            value = sort_value(field, record.data.get(field.name))
            if value is None:
                continue
            holder, param = DIALECT.param(field, value)
            row = self.run(
                sql.SQL(
                    "SELECT id FROM {} WHERE tenant = %s AND {} = {} AND id <> %s LIMIT 1"
                ).format(sql.Identifier(table), _sql(DIALECT.field(field)), _sql(holder)),
                (record.tenant or "", param, record.id),
            ).fetchone()
            if row is not None:
                raise unique_conflict(record, field.name, row[0])

    # Queries

    def _where(self, cond: Cond | None) -> tuple[sql.Composable, list[Any]]:
        if cond is None:
            return sql.SQL(""), []
        text, params = compile_where(cond, DIALECT)
        return _sql(f" AND {text}"), params

    def query(self, noun: str, query: Query, tenant: str | None) -> Page:
        check_tenant(tenant)
        plan = plan_query(noun_def(self.store.nouns, noun), query)
        table = self._table(noun)
        if table is None:
            return Page([], None)
        where, params = self._where(plan.where)
        statement = sql.SQL(
            "SELECT id, version, data, created_at, updated_at FROM {} WHERE tenant = %s{} "
            "ORDER BY {} LIMIT %s OFFSET %s"
        ).format(table, where, _sql(compile_order(plan.sort, DIALECT, "id")))
        limit = None if plan.limit is None or plan.limit >= INT64 else plan.limit + 1
        rows = self.run(statement, [tenant or "", *params, limit, plan.offset])
        records = [Record(noun, r[0], tenant, r[1], r[2], r[3], r[4]) for r in rows]
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
        every = [*extras, *(computed or {}).values()]
        check_extras(every)
        plan = plan_query(noun_def(self.store.nouns, noun), query)
        table = self._table(noun)
        if table is None:
            return Page([], None)
        columns: list[sql.Composable] = []
        params: list[Any] = []
        for extra in every:
            column, found = self._extra(extra, tenant)
            columns.append(column)
            params.extend(found)
        names = list(computed or {})
        dialect: Any = DIALECT
        source: sql.Composable = sql.SQL("{} AS t").format(table)
        if computed:
            inner = sql.SQL(", ").join(
                sql.SQL("{} AS {}").format(c, sql.Identifier(f"x{i}"))
                for i, c in enumerate(columns)
            )
            columns = [sql.Identifier(f"x{i}") for i in range(len(columns))]
            aliases = {name: f'"x{len(extras) + i}"' for i, name in enumerate(names)}
            dialect = Computed(DIALECT, aliases)
            source = sql.SQL(
                "(SELECT tenant, id, version, data, keys, created_at, updated_at, {} "
                "FROM {} AS t) AS p"
            ).format(inner, table)
        where: sql.Composable = sql.SQL("")
        where_params: list[Any] = []
        if plan.where is not None:
            text, where_params = compile_where(plan.where, dialect)
            where = _sql(f" AND {text}")
        statement = sql.SQL(
            "SELECT id, version, data, created_at, updated_at, {} FROM {} "
            "WHERE tenant = %s{} ORDER BY {} LIMIT %s OFFSET %s"
        ).format(
            sql.SQL(", ").join(columns),
            source,
            where,
            _sql(compile_order(plan.sort, dialect, "id")),
        )
        limit = None if plan.limit is None or plan.limit >= INT64 else plan.limit + 1
        rows = self.run(statement, [*params, tenant or "", *where_params, limit, plan.offset])
        pairs = list((computed or {}).items())
        return page_with(noun, tenant, rows.fetchall(), extras, pairs, plan, dict)

    def _extra(self, extra: Extra, tenant: str | None) -> tuple[sql.Composable, list[Any]]:
        """One extra as a correlated subquery of the page's row ``t``, and its parameters.
        Compiled text is joined, never formatted: JSON paths hold braces."""
        table = self._table(extra.noun)
        related = noun_def(self.store.nouns, extra.noun)
        if table is None:  # no records of that noun yet: what no records give, typed
            return _sql(_nothing(related, extra)), []
        tenant_param: list[Any] = [tenant or ""]
        if extra.kind in ("target", "value"):
            own = f"(t.data->>'{sql_name(extra.by)}')"
            column = "data"
            if extra.path is not None:
                column = DIALECT.field(fields_of(related)[extra.path])
            return (
                _sql(f"(SELECT {column} FROM ")
                + table
                + _sql(f" WHERE tenant = %s AND id = {own})"),
                tenant_param,
            )
        if extra.kind == "targets":
            node = f"(t.data->'{sql_name(extra.by)}')"
            items = f"CASE jsonb_typeof({node}) WHEN 'array' THEN {node} END"
            return (
                _sql(f"(SELECT jsonb_object_agg(r.id, r.data) FROM jsonb_array_elements_text("
                     f"{items}) AS j(v) JOIN ")
                + table
                + _sql(" AS r ON r.tenant = %s AND r.id = j.v)"),
                tenant_param,
            )  # fmt: skip
        link = DIALECT.field(link_field(related, extra.by))
        of = _sql(f" WHERE tenant = %s AND {link} = t.id)")
        params = tenant_param
        if extra.kind == "ids":  # text[]: cheaper to build and to decode than JSON
            return _sql("ARRAY(SELECT id FROM ") + table + of, params
        if extra.kind == "records":
            column = "coalesce(jsonb_agg(data), '[]'::jsonb)"
        else:
            assert extra.measure is not None
            # In floating point, as JSON numbers are added everywhere else (see aggregate).
            (column,), column_params = aggregate_columns(
                related, [extra.measure], DIALECT, lambda expr: f"({expr})::float8"
            )
            params = [*column_params, *tenant_param]
        return _sql(f"(SELECT {column} FROM ") + table + of, params

    def related(
        self, links: Sequence[tuple[str, str]], owners: Sequence[str], tenant: str | None
    ) -> list[dict[str, list[str]]]:
        check_tenant(tenant)
        terms = []
        for index, (noun, name) in enumerate(links):
            table = self._table(noun)
            if table is not None:  # no records of that noun yet
                expr = _sql(DIALECT.field(link_field(noun_def(self.store.nouns, noun), name)))
                terms.append(
                    sql.SQL("SELECT {}, {}, id FROM {} WHERE tenant = %s AND {}").format(
                        sql.Literal(index), expr, table, expr
                    )
                )

        def run(chunk: Sequence[str]) -> psycopg.Cursor[Any]:
            test = _sql(" = %s" if len(chunk) == 1 else f" IN ({', '.join(['%s'] * len(chunk))})")
            statement = sql.SQL(" UNION ALL ").join([term + test for term in terms])
            return self.run(statement, [tenant or "", *chunk] * len(terms))

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
        key = _sql(DIALECT.field(link_field(definition, by)))
        # In floating point, as JSON numbers are added everywhere else: numeric would
        # be exact, and disagree with the other backends (0.1 + 0.2).
        columns, column_params = aggregate_columns(
            definition, measures, DIALECT, lambda expr: f"({expr})::float8"
        )
        statement = sql.SQL(
            "SELECT {}, {} FROM {} WHERE tenant = %s AND {} = ANY(%s) GROUP BY {}"
        ).format(key, _sql(", ".join(columns)), table, key, key)
        return read_aggregates(
            measures,
            owners,
            lambda chunk: self.run(statement, [*column_params, tenant or "", list(chunk)]),
        )

    def count(self, noun: str, where: Mapping[str, Any] | None, tenant: str | None) -> int:
        check_tenant(tenant)
        cond = plan_count(noun_def(self.store.nouns, noun), where)
        table = self._table(noun)
        if table is None:
            return 0
        clause, params = self._where(cond)
        row = self.run(
            sql.SQL("SELECT count(*) FROM {} WHERE tenant = %s{}").format(table, clause),
            [tenant or "", *params],
        ).fetchone()
        return int(row[0]) if row else 0

    # Events and checkpoints

    def append(self, events: Sequence[NewEvent]) -> list[Event]:
        self._writable()
        if not events:
            return []
        # The counter row stays locked until this transaction ends, so the next
        # appender waits: seq order is commit order, and readers see no gaps.
        row = self.run(
            sql.SQL(
                "UPDATE nk_counter SET value = value + %s WHERE name = 'events' RETURNING value"
            ),
            (len(events),),
        ).fetchone()
        assert row is not None
        first = int(row[0]) - len(events) + 1
        stored = [e.with_seq(first + i) for i, e in enumerate(events)]
        with self.binding(), self.conn.cursor() as cur:
            cur.executemany(
                sql.SQL(
                    "INSERT INTO nk_events (" + _EVENT_COLUMNS + ") "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                ),
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
                        Jsonb(e.input),
                        Jsonb(e.changes),
                    )
                    for e in stored
                ],
            )
        self.run(sql.SQL("SELECT pg_notify(%s, %s)"), (CHANNEL, str(stored[-1].seq)))
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
        text = "SELECT " + _EVENT_COLUMNS + " FROM nk_events WHERE seq > %s"
        params: list[Any] = [since]
        if noun is not None:
            text += " AND noun = %s"
            params.append(noun)
        if tenant is not None:
            text += " AND tenant = %s"
            params.append(tenant)
        if name is not None:
            text += " AND name LIKE %s"
            params.append(_like(name))
        text += " ORDER BY seq LIMIT %s"
        params.append(limit)
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
                input=r[9],
                changes=r[10],
            )
            for r in self.run(_sql(text), params)
        ]

    def checkpoint(self, subscription: str) -> int:
        row = self.run(
            sql.SQL("SELECT seq FROM nk_checkpoints WHERE subscription = %s"), (subscription,)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def set_checkpoint(self, subscription: str, seq: int) -> None:
        self._writable()
        self.run(
            sql.SQL(
                "INSERT INTO nk_checkpoints (subscription, seq) VALUES (%s, %s) "
                "ON CONFLICT (subscription) DO UPDATE SET seq = EXCLUDED.seq"
            ),
            (subscription, seq),
        )

    def checkpoints(self) -> dict[str, int]:
        rows = self.run(sql.SQL("SELECT subscription, seq FROM nk_checkpoints ORDER BY 1"))
        return {r[0]: int(r[1]) for r in rows}

    def stored_nouns(self) -> list[str]:
        return [r[0] for r in self.run(sql.SQL("SELECT noun FROM nk_nouns ORDER BY noun"))]

    def scan(self, noun: str) -> Iterator[Record]:
        table = self._table(noun)
        if table is None:
            return
        # Keyset batches: memory stays flat however large the table is.
        last: tuple[str, str] = ("", "")
        first = True
        while True:
            rows = self.run(
                sql.SQL(
                    "SELECT tenant, id, version, data, created_at, updated_at FROM {} "
                    "WHERE {} ORDER BY tenant, id LIMIT 1000"
                ).format(table, sql.SQL("TRUE" if first else "(tenant, id) > (%s, %s)")),
                () if first else last,
            ).fetchall()
            for r in rows:
                yield Record(noun, r[1], r[0] or None, r[2], r[3], r[4], r[5])
            if len(rows) < 1000:
                return
            first = False
            last = (rows[-1][0], rows[-1][1])


def _like(pattern: str) -> str:
    """An event-name pattern (``*`` wildcards only) as a LIKE pattern."""
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")
