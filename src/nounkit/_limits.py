"""The limits every input meets before any backend sees it.

One set of numbers, so that every backend gives the same answer to a hostile input: a
clear nounkit error naming the limit, never a driver's error, a recursion error or an
answer that differs by backend. The walks here never recurse, so no input can exhaust
the stack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "INT64",
    "MAX_DEPTH",
    "MAX_QUERY_DEPTH",
    "MAX_QUERY_ITEMS",
    "MAX_QUERY_TERMS",
    "MAX_VALUES",
    "document_problem",
    "fits",
    "query_problem",
    "text_problem",
]

INT64 = 2**63 - 1  # every backend stores and orders integers inside 64 bits
MAX_DEPTH = 64  # levels of nesting in one document (a json value, an act's data)
MAX_VALUES = 1_000_000  # values in one document
MAX_QUERY_DEPTH = 32  # levels of $and, $or, $not and $elemMatch in one where
# SQLite refuses an expression more than 1,000 deep, and an OR of n comparisons (an $in
# over a list field is one per item) is n deep: these keep every where well inside.
MAX_QUERY_TERMS = 600  # comparisons in one where (each item of $in, $nin, $contains)
MAX_QUERY_ITEMS = 500  # items of one $in, $nin or $contains (storage's own reads too)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_LOGICAL = frozenset({"$and", "$or", "$nor", "$not", "$elemMatch"})
_ITEMS = frozenset({"$in", "$nin", "$contains"})


def fits(value: int) -> bool:
    """Whether an integer fits 64 bits (two's complement: one more below than above)."""
    return -INT64 - 1 <= value <= INT64


def text_problem(text: str) -> str | None:
    """What makes ``text`` unstorable, or None: a lone surrogate, which no UTF-8 store
    (SQLite, PostgreSQL, a JSON file) can hold, or a NUL, which PostgreSQL refuses."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return f"holds a NUL character (U+0000) at position {found.start()}: text may not"
    return (
        f"holds a lone surrogate (U+{ord(found.group()):04X}) at position {found.start()}: "
        "text must be valid Unicode"
    )


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, int) and not isinstance(value, bool) and not fits(value):
        return (
            f"{_short(value)} is beyond the 64-bit range every backend stores "
            f"(-{INT64 + 1} to {INT64}); store it as text or a number with a fraction"
        )
    return None


def _short(value: int) -> str:
    digits = len(str(abs(value))) if value.bit_length() < 14_000 else None
    if digits is not None and digits <= 30:
        return str(value)
    return f"an integer of {digits or 'over 4,000'} digits"


def _cut(path: str) -> str:
    """A path short enough for one line of a message: its start and its end."""
    return path if len(path) <= 80 else f"{path[:40]}…{path[-36:]}"


def document_problem(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first fault of a JSON-like document (see below), its path cut to one line."""
    if _sound(value, MAX_DEPTH):  # every act and write: the walk that names no path
        return None
    found = _document_problem(value, path)
    return None if found is None else (_cut(found[0]), found[1])


def _sound(value: Any, max_depth: int) -> bool:
    """Whether :func:`_document_problem` would find nothing, without building the paths
    it names: the walk every act and every write pays, in about 60% of the time."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    seen = 0
    search = _UNSTORABLE.search
    while pending:
        item, depth = pending.pop()
        seen += 1
        if seen > MAX_VALUES or depth > max_depth:
            return False
        if isinstance(item, str):
            if search(item):
                return False
        elif isinstance(item, Mapping):
            for key, child in item.items():
                if not isinstance(key, str) or search(key):
                    return False
                pending.append((child, depth + 1))
        elif isinstance(item, list | tuple):
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, int) and not isinstance(item, bool) and not fits(item):
            return False
    return True


def _document_problem(value: Any, path: str, max_depth: int = MAX_DEPTH) -> tuple[str, str] | None:
    """The first fault of a JSON-like document, as (its path, what is wrong): nesting
    past MAX_DEPTH, more than MAX_VALUES values, a lone surrogate in text or a key, an
    integer beyond 64 bits. None when there is none."""
    pending: list[tuple[Any, str, int]] = [(value, path, 0)]
    seen = 0
    while pending:
        item, at, depth = pending.pop()
        seen += 1
        if seen > MAX_VALUES:
            return path, f"holds more than {MAX_VALUES:,} values"
        if depth > max_depth:
            return at, f"nested more than {max_depth} levels deep"
        if isinstance(item, Mapping):
            for key, child in item.items():
                name = key if isinstance(key, str) else str(key)
                inner = f"{at}.{name}" if at else name
                problem = text_problem(name)
                if problem is not None:
                    return inner, f"its name {problem}"
                pending.append((child, inner, depth + 1))
        elif isinstance(item, list | tuple):
            pending.extend((child, f"{at}[{i}]", depth + 1) for i, child in enumerate(item))
        else:
            problem = _scalar_problem(item)
            if problem is not None:
                return at, problem
    return None


def query_problem(where: Any, path: str = "where") -> tuple[str, str] | None:
    """The first limit a ``where`` passes (see below), its path cut to one line."""
    found = _query_problem(where, path)
    return None if found is None else (_cut(found[0]), found[1])


def _query_problem(where: Any, path: str) -> tuple[str, str] | None:
    """The first limit a ``where`` passes, as (its path, what is wrong): $and, $or, $not
    and $elemMatch nested past MAX_QUERY_DEPTH, more than MAX_QUERY_TERMS comparisons,
    more than MAX_QUERY_ITEMS items in one $in, $nin or $contains, or any fault
    :func:`document_problem` finds. Shape and types are checked after, against the noun."""
    # Each level of $and or $or is two of the document's (a mapping, then a list).
    deepest = 2 * MAX_QUERY_DEPTH + MAX_DEPTH
    found = None if _sound(where, deepest) else _document_problem(where, path, deepest)
    if found is not None:
        return found
    pending: list[tuple[Any, str, int]] = [(where, path, 0)]
    terms = 0
    while pending:
        item, at, depth = pending.pop()
        if depth > MAX_QUERY_DEPTH:
            return at, f"nests $and, $or, $not and $elemMatch more than {MAX_QUERY_DEPTH} deep"
        if isinstance(item, list | tuple):
            pending.extend((child, f"{at}[{i}]", depth) for i, child in enumerate(item))
            continue
        if not isinstance(item, Mapping):
            terms += 1
            continue
        for key, child in item.items():
            inner = f"{at}.{key}"
            if key in _LOGICAL:
                pending.append((child, inner, depth + 1))
            elif key in _ITEMS and isinstance(child, list | tuple):
                if len(child) > MAX_QUERY_ITEMS:
                    return inner, (
                        f"lists {len(child):,} items: at most {MAX_QUERY_ITEMS:,} in one "
                        f"{key}; split the query"
                    )
                terms += max(1, len(child))
            elif isinstance(child, Mapping):
                pending.append((child, inner, depth))
            else:
                terms += 1
        if terms > MAX_QUERY_TERMS:
            return path, (
                f"makes more than {MAX_QUERY_TERMS} comparisons (an item of $in, $nin or "
                "$contains counts as one); split the query"
            )
    return None
