"""Checked conditions as SQL: one compiler, two dialects (SQLite and PostgreSQL).

SQL comparisons with NULL are unknown, not false. Where that matters, under
an odd number of ``NOT`` s, each comparison gets an ``IS NOT NULL`` guard so
it is two-valued and ``NOT`` keeps the reference semantics of
:mod:`nounkit.storage.query`. Elsewhere unknown already excludes the row as
false would (AND and OR are monotone), and the guard is left out: it would
make the database read and parse every candidate row that an index has
already matched. Values only ever become placeholders; field names are
inlined, but only names that passed both the noun language's rule and
:func:`sql_name` (letters, digits, underscores).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from nounkit.errors import QueryError
from nounkit.language.spec import NounDef
from nounkit.storage.base import IN_CHUNK, Extra, Page, Record, finish, fold, plain
from nounkit.storage.query import (
    AllOf,
    AnyOf,
    Cond,
    ElemMatch,
    Field,
    Leaf,
    Plan,
    SortKey,
    fields_of,
    make_page,
    plan_count,
)

__all__ = [
    "Computed",
    "Dialect",
    "aggregate_columns",
    "checked_key",
    "compile_order",
    "compile_where",
    "decode_extras",
    "list_steps",
    "page_with",
    "path_names",
    "read_aggregates",
    "read_related",
    "sql_name",
]

_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A datetime key's name: checked names joined by dots, each maybe marked [] (a list).
_KEY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\])?)*")
_COMPARE = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
TRUE, FALSE = "(1 = 1)", "(1 = 0)"
_LENGTH = Field("length", "number")  # what a list's length is compared as


def sql_name(name: str) -> str:
    """A property name that is safe to inline in SQL text (inside a quoted path)."""
    if not _SAFE.fullmatch(name):
        raise QueryError(
            f"{name!r}: SQL storage can only use field names of letters, digits and underscores"
        )
    return name


def path_names(field: Field) -> list[str]:
    """The names of a field's path (its own name for a top-level field), each checked."""
    return [sql_name(name) for name, _ in field.steps] or [sql_name(field.name)]


def checked_key(field: Field) -> str:
    """The name of a field's datetime keys, checked to be inlined (``lines[].when``)."""
    key = field.key
    if not _KEY_NAME.fullmatch(key):
        raise QueryError(f"{key!r}: SQL storage cannot name this field's keys")
    return key


def list_steps(field: Field) -> tuple[list[list[str]], list[str]]:
    """A path through lists cut at each list: the names that reach each list (from the
    previous list's item, or the record), and the names left after the last one."""
    lists: list[list[str]] = []
    pending: list[str] = []
    for name, many in field.steps:
        pending.append(sql_name(name))
        if many:
            lists.append(pending)
            pending = []
    return lists, pending


def _holders(dialect: Dialect, field: Field, values: Iterable[Any], params: list[Any]) -> list[str]:
    """A placeholder for each value, its parameter appended in order."""
    holders = []
    for value in values:
        holder, param = dialect.param(field, value)
        params.append(param)
        holders.append(holder)
    return holders


class Dialect(Protocol):
    """What differs between SQL databases."""

    def field(self, field: Field) -> str:
        """The field's value as a comparable SQL expression; NULL when missing or null."""

    def param(self, field: Field, value: Any) -> tuple[str, Any]:
        """A placeholder (with any cast) and the parameter for one comparison value."""

    def has_item(self, field: Field, item: Any) -> tuple[str, Any]:
        """A two-valued test that the list field holds ``item``, and its parameter."""

    def substring(self, expr: str, placeholder: str) -> str:
        """A test that ``placeholder`` occurs in the text ``expr``."""

    def elements(self, field: Field) -> tuple[str, str]:
        """For a path through lists: a FROM list of every item's value, and that value
        as a comparable SQL expression."""

    def size(self, field: Field) -> str:
        """The length of the list field (NULL when it is missing)."""

    def elem_match(self, field: Field, inner: str) -> str:
        """A two-valued test that some item of the list field passes ``inner``."""

    def order(self, expr: str, direction: int) -> str:
        """An ORDER BY term: nulls first ascending, last descending."""


def compile_where(cond: Cond, dialect: Dialect) -> tuple[str, list[Any]]:
    """SQL text and its parameters, in order."""
    params: list[Any] = []
    return _compile(cond, dialect, params, negated=False), params


def _compile(cond: Cond, dialect: Dialect, params: list[Any], *, negated: bool) -> str:
    if isinstance(cond, AllOf | AnyOf):
        if not cond.items:
            return TRUE if isinstance(cond, AllOf) else FALSE
        joiner = " AND " if isinstance(cond, AllOf) else " OR "
        parts = (_compile(c, dialect, params, negated=negated) for c in cond.items)
        return "(" + joiner.join(parts) + ")"
    if isinstance(cond, Leaf):
        if cond.field.each:
            return _each(cond, dialect, params)
        return _leaf(cond, dialect, params, guard=negated)
    if isinstance(cond, ElemMatch):
        return dialect.elem_match(cond.field, _compile(cond.cond, dialect, params, negated=False))
    return f"(NOT {_compile(cond.item, dialect, params, negated=not negated)})"


def _each(leaf: Leaf, dialect: Dialect, params: list[Any]) -> str:
    """A test of a path through lists: some item's value passes (EXISTS is two-valued, so
    no NOT above it needs a guard)."""
    field, op = leaf.field, leaf.op
    source, value = dialect.elements(field)

    def some(test: str) -> str:
        return f"EXISTS (SELECT 1 FROM {source} WHERE {test})"

    if op == "exists":
        found = some(f"{value} IS NOT NULL")
        return f"({found})" if leaf.value else f"(NOT {found})"
    if op == "contains":  # every item given is among the values
        tests = [some(f"{value} = {h}") for h in _holders(dialect, field, leaf.value, params)]
        return "(" + " AND ".join(tests) + ")" if tests else TRUE
    if op == "in":
        if not leaf.value:
            return FALSE
        among = ", ".join(_holders(dialect, field, leaf.value, params))
        return "(" + some(f"{value} IN ({among})") + ")"
    (holder,) = _holders(dialect, field, (leaf.value,), params)
    return "(" + some(f"{value} {_COMPARE[op]} {holder}") + ")"


def _leaf(leaf: Leaf, dialect: Dialect, params: list[Any], *, guard: bool) -> str:
    field = leaf.field
    x = dialect.field(field)
    if leaf.op == "exists":
        return f"({x} IS {'NOT ' if leaf.value else ''}NULL)"
    if leaf.op == "size":
        length = dialect.size(field)
        (holder,) = _holders(dialect, _LENGTH, (leaf.value,), params)
        test = f"{length} = {holder}"
        return f"({test} AND {length} IS NOT NULL)" if guard else f"({test})"
    if field.array:
        items = (leaf.value,) if leaf.op == "eq" else leaf.value
        tests = []
        for item in items:
            sql, param = dialect.has_item(field, item)
            params.append(param)
            tests.append(sql)
        if leaf.op == "contains":  # every item; [] asks only that the list is there
            return "(" + " AND ".join([f"{x} IS NOT NULL", *tests]) + ")"
        return "(" + " OR ".join(tests) + ")" if tests else FALSE
    if leaf.op == "in":
        if not leaf.value:
            return FALSE
        test = f"{x} IN ({', '.join(_holders(dialect, field, leaf.value, params))})"
    else:
        (holder,) = _holders(dialect, field, (leaf.value,), params)
        if leaf.op == "contains":
            test = dialect.substring(x, holder)
        else:
            test = f"{x} {_COMPARE[leaf.op]} {holder}"
    return f"({test} AND {x} IS NOT NULL)" if guard else f"({test})"


def compile_order(sort: Sequence[SortKey], dialect: Dialect, id_column: str) -> str:
    """ORDER BY terms for the sort keys, then the id tie-break.

    Nothing follows an id key: ids are unique, so later terms never decide, and a
    repeated ``id`` turns SQLite's planner from an index that yields rows already in
    order (a relationship's, for a derived list) to a scan of the primary key.
    """
    terms = []
    for key in sort:
        if key.field.is_id:
            terms.append(dialect.order(id_column, key.direction))
            return ", ".join(terms)
        terms.append(dialect.order(dialect.field(key.field), key.direction))
    terms.append(dialect.order(id_column, 1))
    return ", ".join(terms)


Related = list[dict[str, list[str]]]


def read_related(
    links: int,
    terms: int,
    owners: Sequence[str],
    run: Callable[[Sequence[str]], Iterable[tuple[int, str, str]]],
) -> Related:
    """Derived lists for ``Transaction.related`` from one statement per chunk of owners.

    The statement is a UNION ALL of one SELECT per link that has a table (``terms`` of
    them), each giving ``(link index, owner, id)``: an act reads all of an entity's
    derived lists in one round trip. ``run(chunk)`` runs it for a chunk of owners; the
    chunks share the parameter budget among the terms. Ids come out in code point order,
    which is the order of the backends' ``id`` columns (BINARY, ``COLLATE "C"``).
    """
    found: Related = [{} for _ in range(links)]
    if terms:
        size = max(1, IN_CHUNK // terms)
        for start in range(0, len(owners), size):
            for index, owner, id in run(owners[start : start + size]):
                found[index].setdefault(owner, []).append(id)
    for by_owner in found:
        for ids in by_owner.values():
            ids.sort()
    return found


# The only aggregate words ever inlined into SQL.
_AGGREGATES = frozenset({"count", "sum", "avg", "min", "max"})


def aggregate_columns(
    noun: NounDef,
    measures: Sequence[tuple[str, str | None, Any]],
    dialect: Dialect,
    number: Callable[[str], str] = lambda expr: expr,
) -> tuple[list[str], list[Any]]:
    """The select-list terms of a grouped aggregate, one per measure (a condition as a
    FILTER clause), and their parameters in order; ``number`` wraps a number field's
    expression, and an average's (PostgreSQL adds them as float8, as JSON numbers are
    added elsewhere, and an average is a float there). An empty sum is 0, as it is in
    an expression, so that a where or sort reading it agrees."""
    fields = fields_of(noun)
    columns: list[str] = []
    params: list[Any] = []
    for function, prop, where in measures:
        if function not in _AGGREGATES:
            raise QueryError(f"{function!r} is no aggregate storage works out")
        only = ""
        cond = plan_count(noun, where) if where else None
        if cond is not None:
            text, found = compile_where(cond, dialect)
            only, params = f" FILTER (WHERE {text})", [*params, *found]
        target = "*" if prop is None else dialect.field(fields[prop])
        if prop is not None and (noun.properties[prop].type == "number" or function == "avg"):
            target = number(target)
        column = f"{function}({target}){only}"
        columns.append(f"coalesce({column}, 0)" if function == "sum" else column)
    return columns, params


def read_aggregates(
    measures: Sequence[tuple[str, str | None, Any]],
    owners: Sequence[str],
    run: Callable[[Sequence[str]], Iterable[Sequence[Any]]],
) -> dict[str, list[Any]]:
    """``Transaction.aggregate`` from one grouped statement per chunk of owners:
    ``run(chunk)`` gives ``(owner, value, ...)`` rows, one value per measure; owners with
    no records get the empty aggregates (0 counts and sums, null otherwise)."""
    empty = [fold(function, []) for function, _, _ in measures]
    found: dict[str, list[Any]] = {owner: list(empty) for owner in owners}
    for start in range(0, len(owners), IN_CHUNK):
        for row in run(owners[start : start + IN_CHUNK]):
            found[row[0]] = [
                finish(function, value)
                for (function, _, _), value in zip(measures, row[1:], strict=True)
            ]
    return found


def page_with(
    noun: str,
    tenant: str | None,
    rows: Iterable[Sequence[Any]],
    extras: Sequence[Extra],
    computed: Sequence[tuple[str, Extra]],
    plan: Plan,
    load: Callable[[Any], dict[str, Any]],
) -> Page:
    """``Transaction.query_with``'s page from rows of ``(id, version, data, created_at,
    updated_at, extra..., computed...)`` fetched with ``limit + 1``; ``load`` makes a
    row's data a dict. Computed values go into the records' data: the cursor encodes
    what the sort read."""
    every = [*extras, *(extra for _, extra in computed)]
    records, values = [], []
    for row in rows:
        found = decode_extras(every, row[5:])
        data = load(row[2])
        data.update(
            (name, value)
            for (name, _), value in zip(computed, found[len(extras) :], strict=True)
            if value is not None
        )
        records.append(Record(noun, row[0], tenant, row[1], data, row[3], row[4]))
        values.append(found[: len(extras)])
    page = make_page(records, plan)
    return Page(page.records, page.cursor, values[: len(page.records)])


def decode_extras(extras: Sequence[Extra], row: Sequence[Any]) -> list[Any]:
    """A page row's extra columns as ``Transaction.query_with`` gives them: JSON text
    (SQLite) or decoded JSON and arrays (PostgreSQL) made lists, records and mappings;
    lists in id order, as the backends' ``id`` columns order them (code points)."""
    found: list[Any] = []
    for extra, value in zip(extras, row, strict=True):
        if isinstance(value, str) and extra.kind != "value":  # a value is plain SQL
            value = json.loads(value)
        if extra.kind == "ids":
            found.append(sorted(value or ()))
        elif extra.kind == "records":
            found.append(sorted(value or (), key=lambda data: str(data.get("id"))))
        elif extra.kind == "aggregate":
            assert extra.measure is not None
            found.append(finish(extra.measure[0], value))
        elif extra.kind == "targets":
            found.append(value or {})
        elif extra.kind == "value":
            found.append(plain(value))
        else:
            found.append(value)
    return found


class Computed:
    """A dialect in which some top-level fields are columns of a derived table (``x0``,
    ``x1``, ...): values worked out in the query, which where and sort then read.
    Everything else is the wrapped dialect's."""

    def __init__(self, dialect: Dialect, columns: dict[str, str]) -> None:
        self.dialect, self.columns = dialect, columns

    def field(self, field: Field) -> str:
        if field.within is None and not field.steps and field.name in self.columns:
            return self.columns[field.name]
        return self.dialect.field(field)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.dialect, name)
