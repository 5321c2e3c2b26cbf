"""Checked conditions as SQL: one compiler, two dialects (SQLite and PostgreSQL).

Every fragment it produces is two-valued (true or false, never NULL), so
``NOT`` and ``OR`` keep the reference semantics of :mod:`nounkit.storage.query`
even though SQL comparisons with NULL are unknown. Values only ever become
placeholders; field names are inlined, but only names that passed both the
noun language's rule and :func:`sql_name` (letters, digits, underscores).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from nounkit.errors import QueryError
from nounkit.storage.query import AllOf, AnyOf, Cond, Field, Leaf, SortKey

__all__ = ["Dialect", "compile_order", "compile_where", "sql_name"]

_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPARE = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
TRUE, FALSE = "(1 = 1)", "(1 = 0)"


def sql_name(name: str) -> str:
    """A property name that is safe to inline in SQL text (inside a quoted path)."""
    if not _SAFE.fullmatch(name):
        raise QueryError(
            f"{name!r}: SQL storage can only use field names of letters, digits and underscores"
        )
    return name


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

    def order(self, expr: str, direction: int) -> str:
        """An ORDER BY term: nulls first ascending, last descending."""


def compile_where(cond: Cond, dialect: Dialect) -> tuple[str, list[Any]]:
    """SQL text and its parameters, in order."""
    params: list[Any] = []
    return _compile(cond, dialect, params), params


def _compile(cond: Cond, dialect: Dialect, params: list[Any]) -> str:
    if isinstance(cond, AllOf):
        if not cond.items:
            return TRUE
        return "(" + " AND ".join(_compile(c, dialect, params) for c in cond.items) + ")"
    if isinstance(cond, AnyOf):
        if not cond.items:
            return FALSE
        return "(" + " OR ".join(_compile(c, dialect, params) for c in cond.items) + ")"
    if isinstance(cond, Leaf):
        return _leaf(cond, dialect, params)
    return f"(NOT {_compile(cond.item, dialect, params)})"


def _leaf(leaf: Leaf, dialect: Dialect, params: list[Any]) -> str:
    field = leaf.field
    x = dialect.field(field)
    if leaf.op == "exists":
        return f"({x} IS {'NOT ' if leaf.value else ''}NULL)"
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
    # Scalars: the IS NOT NULL guard keeps the result two-valued.
    if leaf.op == "in":
        if not leaf.value:
            return FALSE
        holders = []
        for value in leaf.value:
            holder, param = dialect.param(field, value)
            params.append(param)
            holders.append(holder)
        return f"({x} IN ({', '.join(holders)}) AND {x} IS NOT NULL)"
    holder, param = dialect.param(field, leaf.value)
    params.append(param)
    if leaf.op == "contains":
        return f"({dialect.substring(x, holder)} AND {x} IS NOT NULL)"
    return f"({x} {_COMPARE[leaf.op]} {holder} AND {x} IS NOT NULL)"


def compile_order(sort: Sequence[SortKey], dialect: Dialect, id_column: str) -> str:
    """ORDER BY terms for the sort keys, then the id tie-break."""
    terms = [dialect.order(dialect.field(k.field), k.direction) for k in sort]
    terms.append(dialect.order(id_column, 1))
    return ", ".join(terms)
