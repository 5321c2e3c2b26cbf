"""Names of the tables and indexes SQL backends create, one table per noun.

A table per noun keeps each noun's indexes and unique constraints plain (no
partial indexes, which planners cannot match against a parameter). Table
names are chosen once and remembered in ``nk_nouns``: SQLite compares names
without case (``Order`` and ``ORDER`` would collide) and PostgreSQL cuts
them at 63 bytes, so a clash or a long name gets a numbered suffix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

__all__ = ["MAX_NAME", "index_name", "table_name"]

MAX_NAME = 63  # PostgreSQL's identifier limit


def table_name(noun: str, taken: Collection[str]) -> str:
    """A table name for the noun that no other noun's table uses, in any case."""
    base = f"e_{noun}"[: MAX_NAME - 8]
    lowered = {t.lower() for t in taken}
    name, n = base, 1
    while name.lower() in lowered:
        n += 1
        name = f"{base}_{n}"
    return name


def index_name(table: str, prop: str, unique: bool) -> str:
    """``nk_i_<table>_<prop>`` (``nk_u_`` when unique), shortened with a hash if too long."""
    name = f"nk_{'u' if unique else 'i'}_{table}_{prop}"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]
    return f"{name[: MAX_NAME - 11]}_{digest}"
