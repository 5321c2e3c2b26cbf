"""Queries: checked against the noun, compiled to a small tree, and a reference evaluator.

Every backend runs the same tree natively (TinyDB queries, SQL on SQLite and
PostgreSQL), and the plain-Python evaluator here defines what the answers
must be; the contract suite checks every backend against it.

Semantics, defined once:

* a missing value and ``null`` are the same thing;
* ``$eq: null`` (and ``$exists: false``) match missing/null; ``$ne: null``
  (and ``$exists: true``) match any present value;
* comparisons (``$eq $gt $gte $lt $lte $in $contains``) never match a
  missing/null value, so ``$ne``, ``$nin`` and ``$not`` do match it;
* numbers compare numerically, text by code point, ``date`` values as
  calendar dates, ``datetime`` values as instants (whatever their offset or
  fraction digits, to the nanosecond);
* on a list (an ``array`` property or a to-many relationship) ``$eq``/``$ne``
  test membership of one item, ``$in``/``$nin`` whether any item is among the
  values, and ``$contains`` whether every given item is present; on text
  ``$contains`` is a substring test;
* a dotted path (``shipTo.city``) reads into a value type; through a list of
  values (``items.sku``) it reads every item's, and a condition matches when
  any of them does (so ``$ne``, ``$nin`` and ``$not`` match when none does);
  ``$elemMatch`` puts several conditions on one item, ``$size`` tests a
  list's length;
* ``sort`` puts missing/null first when ascending and last when descending,
  and ties are always broken by ``id`` ascending, so paging is stable;
* a cursor (``Page.cursor``) resumes strictly after the last record of a
  page, whatever was inserted or deleted meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import functools
import hashlib
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeAlias

from nounkit._limits import INT64, document_problem, fits, query_problem
from nounkit.errors import QueryError
from nounkit.language.spec import NounDef, PropertyDef, ValueDef
from nounkit.language.types import DATE_RE, DATETIME_RE
from nounkit.storage.base import Page, Query, Record

__all__ = [
    "ID",
    "AllOf",
    "AnyOf",
    "CheckedQuery",
    "Cond",
    "ElemMatch",
    "Field",
    "Leaf",
    "NotCond",
    "Plan",
    "SortKey",
    "check_query",
    "compile_matcher",
    "datetime_fields",
    "declared_indexes",
    "fields_of",
    "instant_key",
    "instant_keys",
    "make_page",
    "matches",
    "name_pattern",
    "order_and_page",
    "plan_count",
    "plan_query",
    "reference_query",
    "sort_records",
    "sort_value",
    "stub_noun",
    "unique_fields",
]

Kind = Literal["string", "number", "boolean", "date", "datetime", "json"]
Op = Literal["eq", "gt", "gte", "lt", "lte", "in", "exists", "contains", "size"]

_KINDS: Mapping[str, Kind] = {
    "string": "string",
    "text": "string",
    "markdown": "string",
    "url": "string",
    "email": "string",
    "uuid": "string",
    "number": "number",
    "integer": "number",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "json": "json",
}
OPERATORS = (
    "$eq",
    "$ne",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$in",
    "$nin",
    "$exists",
    "$contains",
    "$not",
    "$size",
    "$elemMatch",
)
_OPERATOR_SET = frozenset(OPERATORS)
LOGICAL = ("$and", "$or", "$not")
_ORDERED: frozenset[Kind] = frozenset({"string", "number", "date", "datetime"})


Steps = tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class Field:
    """A queryable field: ``id``, a property, a relationship (which holds ids), or a
    dotted path into value types.

    ``steps``: a path's names, each with whether its value is a list (empty for a
    top-level field); ``each``: the path reads through a list, so the field holds every
    item's values and a test matches when any of them passes; ``within``: the path of the
    list whose items an ``$elemMatch`` tests, the field being one item's; ``sized``: a
    stored list (``$size`` applies); ``ref``: the value type of a value-typed field.
    """

    name: str
    kind: Kind
    array: bool = False
    steps: Steps = ()
    each: bool = False
    within: str | None = None
    sized: bool = False
    ref: str | None = None

    @property
    def is_id(self) -> bool:
        return self.name == "id"

    @property
    def key(self) -> str:
        """The name of the field's datetime keys in SQL storage (``lines[].when``)."""
        own = key_name(self.steps) if self.steps else self.name
        return f"{self.within}.{own}" if self.within is not None else own


def list_key(field: Field) -> str:
    """The key name of a list field itself: ``items[]``, ``shipTo.history[]``."""
    return key_name(field.steps) if field.steps else f"{field.name}[]"


def key_name(steps: Steps) -> str:
    """``lines[].when`` for the steps lines (a list), when: how SQL storage names the
    datetime keys of a path, a ``[]`` after each list."""
    return ".".join(f"{name}[]" if many else name for name, many in steps)


ID = Field("id", "string")


@dataclass(frozen=True, slots=True)
class Leaf:
    """One test of one field. ``value`` is already normalised for comparison.

    ``eq``/``gt``/``gte``/``lt``/``lte``: a non-null scalar (a datetime as its
    :func:`instant_key`); ``in``: a tuple of them; ``exists``: a bool;
    ``contains``: a substring (text) or a tuple of items (lists).
    """

    field: Field
    op: Op
    value: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Cond, ...]  # empty: always true


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Cond, ...]  # empty: always false


@dataclass(frozen=True, slots=True)
class NotCond:
    item: Cond


@dataclass(frozen=True, slots=True)
class ElemMatch:
    """Some item of a list of values passes ``cond`` (whose fields are the item's)."""

    field: Field
    cond: Cond


Cond: TypeAlias = "Leaf | AllOf | AnyOf | NotCond | ElemMatch"


@dataclass(frozen=True, slots=True)
class SortKey:
    field: Field
    direction: int  # 1 ascending, -1 descending


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A ``where`` and ``sort`` that passed the checks, as backends consume them."""

    where: Cond | None
    sort: tuple[SortKey, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a backend needs to run a list query; ``where`` includes the cursor."""

    where: Cond | None
    sort: tuple[SortKey, ...]
    limit: int | None
    offset: int


# ---------------------------------------------------------------------------
# Fields of a noun


@functools.lru_cache(maxsize=256)
def stub_noun(name: str) -> NounDef:
    """A noun storage knows nothing about: only ``id`` can be queried."""
    return NounDef(
        name=name,
        singular=name,
        plural=name,
        description=None,
        properties={},
        relationships={},
        actions={},
        events=(),
        raw={"stub": True},
    )


# Fields per noun definition, by identity (definitions are immutable and few);
# the definition is kept alongside so its id cannot be reused while cached.
_FIELDS: dict[int, tuple[NounDef, dict[str, Field]]] = {}


def fields_of(noun: NounDef) -> dict[str, Field]:
    """Every queryable field of the noun, by name."""
    cached = _FIELDS.get(id(noun))
    if cached is not None and cached[0] is noun:
        return cached[1]
    fields: dict[str, Field] = {"id": ID}
    for name, prop in noun.properties.items():
        if name != "id":
            fields[name] = Field(
                name, _KINDS.get(prop.type, "json"), prop.array, sized=prop.array,
                ref=prop.ref if prop.is_value else None,
            )  # fmt: skip
    for name, rel in noun.relationships.items():
        fields[name] = Field(name, "string", rel.many)
    if len(_FIELDS) > 1024:  # definitions come and go in tests: keep the cache bounded
        _FIELDS.clear()
    _FIELDS[id(noun)] = (noun, fields)
    return fields


def walk_path(data: Any, steps: Steps) -> Any:
    """The value at a path with no list before its last name (None when missing)."""
    value = data
    for name, _ in steps:
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def collect_path(data: Any, steps: Steps) -> list[Any]:
    """Every non-null value at a path through lists, the lists' items flattened."""
    found = [data]
    for name, many in steps:
        following: list[Any] = []
        for value in found:
            if not isinstance(value, Mapping):
                continue
            got = value.get(name)
            if got is None:
                continue
            if many and isinstance(got, list):
                following.extend(item for item in got if item is not None)
            else:
                following.append(got)
        found = following
    return found


_PATHS: dict[tuple[int, str | None, str], tuple[NounDef, Field]] = {}


def path_field(noun: NounDef, name: str, at: str, *, within: Field | None = None) -> Field | None:
    """The field a dotted path names (or, ``within`` an ``$elemMatch``, a name of the
    list's items); None when ``name`` is no path and no item field."""
    if within is None and "." not in name:
        return None
    cache = (id(noun), within.name if within else None, name)
    cached = _PATHS.get(cache)
    if cached is not None and cached[0] is noun:
        return cached[1]
    seen: set[str] = set()
    if within is not None:
        start = noun.types.get(within.ref or "")
        assert isinstance(start, ValueDef)
        properties: Mapping[str, PropertyDef] = start.properties
        holder = start.name
        # The value types on the way to the list count as met: storage keeps the keys of
        # a value type that holds itself only at its first level.
        seen.update(_types_along(noun, within))
    else:
        properties, holder = noun.properties, noun.name
    steps: list[tuple[str, bool]] = []
    again = False
    prop: PropertyDef | None = None
    segments = name.split(".")
    for index, segment in enumerate(segments):
        if prop is not None:
            value = noun.types.get(prop.ref or "") if prop.is_value else None
            if not isinstance(value, ValueDef):
                walked = ".".join(segments[:index])
                raise QueryError(
                    f"{at}: {walked!r} is {_describe(_KINDS.get(prop.type, 'json'))}, with no "
                    f"field {segment!r}; a path reads into value types"
                )
            again = again or value.name in seen
            seen.add(value.name)
            properties, holder = value.properties, value.name
        found = properties.get(segment)
        if found is None:
            if index == 0 and within is None and segment in noun.relationships:
                raise QueryError(
                    f"{at}: {segment!r} is a relationship and holds ids; query the "
                    f"{noun.relationships[segment].target} nouns for their fields"
                )
            close = difflib.get_close_matches(segment, list(properties), n=1)
            tip = f"; did you mean {'.'.join([*segments[:index], close[0]])!r}?" if close else ""
            raise QueryError(f"{at}: {holder} has no field {segment!r}{tip}")
        prop = found
        steps.append((segment, found.array))
    assert prop is not None
    kind = _KINDS.get(prop.type, "json")
    if kind == "datetime" and again:
        raise QueryError(
            f"{at}: {name!r} reaches a datetime inside a value type that holds itself, below "
            "its first level; query it at the first level"
        )
    each = any(many for _, many in steps[:-1])
    if within is not None and (each or prop.array):
        raise QueryError(
            f"{at}: $elemMatch tests scalar fields of one item, and {name!r} holds a list"
        )
    field = Field(
        name,
        kind,
        array=each or prop.array,
        steps=tuple(steps),
        each=each,
        within=list_key(within) if within is not None else None,
        sized=prop.array and not each,
        ref=prop.ref if prop.is_value else None,
    )
    if len(_PATHS) > 4096:
        _PATHS.clear()
    _PATHS[cache] = (noun, field)
    return field


def _types_along(noun: NounDef, field: Field) -> set[str]:
    """The value types a field's path enters, its own included."""
    found: set[str] = set()
    properties: Mapping[str, PropertyDef] = noun.properties
    for name, _ in field.steps or ((field.name, False),):
        prop = properties.get(name)
        value = noun.types.get(prop.ref or "") if prop is not None and prop.is_value else None
        if not isinstance(value, ValueDef):
            break
        found.add(value.name)
        properties = value.properties
    return found


def link_field(noun: NounDef, name: str) -> Field:
    """The to-one relationship ``name`` of ``noun``, through which a derived list is read."""
    relationship = noun.relationships.get(name)
    if relationship is None or relationship.many:
        raise QueryError(
            f"{noun.name}.{name} is not a to-one relationship: a derived list is read "
            "through the to-one relationship on the other side"
        )
    return fields_of(noun)[name]


def indexed_fields(noun: NounDef) -> list[tuple[Field, bool]]:
    """The fields a backend indexes, each with whether its values are unique per tenant:
    scalar properties marked ``index`` or ``unique``, and every to-one relationship
    (reading a derived to-many list, a customer's entitlements, filters on one)."""
    fields = fields_of(noun)
    found = [
        (fields[name], prop.unique)
        for name, prop in noun.properties.items()
        if (prop.index or prop.unique)
        and name != "id"
        and not prop.array
        and fields[name].kind != "json"
    ]
    found += [(fields[name], False) for name, rel in noun.relationships.items() if not rel.many]
    return found


def declared_indexes(noun: NounDef) -> list[tuple[str, tuple[Field, ...]]]:
    """The noun's ``indexes:``, each as a name and its fields (several: a compound index);
    the loader has checked that every path reaches one scalar."""
    fields = fields_of(noun)
    found: list[tuple[str, tuple[Field, ...]]] = []
    for paths in noun.indexes:
        chosen = tuple(fields.get(p) or path_field(noun, p, "indexes") for p in paths)
        if all(f is not None for f in chosen):
            # The paths' own spelling, made unique by a digest of the paths themselves: a.b
            # and a_b would both read a_b.
            digest = hashlib.sha1("\x00".join(paths).encode()).hexdigest()[:6]
            name = "__".join(p.replace(".", "_") for p in paths) + f"_{digest}"
            found.append((name, tuple(f for f in chosen if f is not None)))
    return found


def datetime_fields(noun: NounDef) -> tuple[tuple[str, bool], ...]:
    """``(name, is_array)`` of the noun's datetime properties, and of the datetime paths
    into its value types (named by :func:`key_name`, a list when the path holds one): SQL
    backends keep their keys. A value type met again on a path (one that holds itself) is
    not entered again; :func:`check_query` refuses datetime paths that would."""
    found: list[tuple[str, bool]] = []

    def walk(properties: Mapping[str, PropertyDef], steps: Steps, seen: frozenset[str]) -> None:
        for name, prop in properties.items():
            here = (*steps, (name, prop.array))
            if _KINDS.get(prop.type) == "datetime":
                found.append((key_name(here), any(many for _, many in here)))
            elif prop.is_value and prop.ref not in seen:
                value = noun.types.get(prop.ref or "")
                if isinstance(value, ValueDef):
                    walk(value.properties, here, seen | {value.name})

    for name, prop in noun.properties.items():
        if _KINDS.get(prop.type) == "datetime":
            found.append((name, prop.array))
        elif prop.is_value:
            value = noun.types.get(prop.ref or "")
            if isinstance(value, ValueDef):
                walk(value.properties, ((name, prop.array),), frozenset({value.name}))
    return tuple(found)


def unique_fields(noun: NounDef) -> list[Field]:
    """The scalar properties whose values must not repeat within (noun, tenant)."""
    fields = fields_of(noun)
    return [
        fields[name]
        for name, prop in noun.properties.items()
        if prop.unique and name != "id" and not prop.array and fields[name].kind != "json"
    ]


# ---------------------------------------------------------------------------
# Instants

_SHIFT = 62_200_000_000  # seconds: keeps year 0000 minus a day positive
_CUMULATIVE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (year 0 allowed)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def instant_key(text: Any) -> str | None:
    """A fixed-width string that sorts like the instant an RFC 3339 value names.

    ``2026-01-01T05:30:00+05:30`` and ``2026-01-01T00:00:00.000Z`` get the
    same key. Fractions count to the nanosecond (digits past the ninth are
    dropped). Anything that is not a valid date-time gives None, and so
    behaves as a missing value.
    """
    if not isinstance(text, str):
        return None
    match = DATETIME_RE.match(text)
    if match is None:
        return None
    day, hour, minute, second, fraction, zone = match.groups()
    year, month, mday = int(day[:4]), int(day[5:7]), int(day[8:10])
    length = (
        29
        if month == 2 and _leap(year)
        else (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    )
    if mday > length:
        return None
    offset = 0
    if zone not in ("Z", "z"):
        offset = (int(zone[1:3]) * 60 + int(zone[4:6])) * 60 * (-1 if zone[0] == "-" else 1)
    seconds = (
        _days_from_civil(year, month, mday) * 86400
        + int(hour) * 3600
        + int(minute) * 60
        + int(second)
        - offset
    )
    nanos = ((fraction or ".")[1:] + "000000000")[:9]
    return f"{seconds + _SHIFT:012d}.{nanos}"


_KEY_RE = re.compile(r"\d{12}\.\d{9}")


@functools.lru_cache(maxsize=1024)
def _parse_key(name: str) -> Steps:  # every write of a record parses its nouns' key names
    return tuple((part.removesuffix("[]"), part.endswith("[]")) for part in name.split("."))


def _path_keys(steps: Steps, data: Mapping[str, Any]) -> Any:
    """Keys along a path: one list of the items' keys, kept in step with the items (a null
    for an item without one) when a single list comes before the last name, so that an
    ``$elemMatch`` finds an item's key by its index; else all of them, flattened."""
    lists = sum(1 for _, many in steps if many)
    aligned = lists == 1 and not steps[-1][1]
    if not lists:
        return instant_key(walk_path(data, steps))
    if aligned:
        index = next(i for i, (_, many) in enumerate(steps) if many)
        items = walk_path(data, steps[: index + 1])
        if not isinstance(items, list):
            return None
        rest = steps[index + 1 :]
        return [
            instant_key(walk_path(item, rest)) if isinstance(item, Mapping) else None
            for item in items
        ]
    return [k for k in map(instant_key, collect_path(data, steps)) if k is not None]


def instant_keys(fields: Iterable[tuple[str, bool]], data: Mapping[str, Any]) -> dict[str, Any]:
    """The comparison keys of a record's datetime values, as SQL backends store them."""
    keys: dict[str, Any] = {}
    for name, array in fields:
        if "." in name or name.endswith("[]"):
            found = _path_keys(_parse_key(name), data)
            if found is not None:
                keys[name] = found
            continue
        raw = data.get(name)
        if array:
            if isinstance(raw, list):
                keys[name] = [k for k in map(instant_key, raw) if k is not None]
        else:
            key = instant_key(raw)
            if key is not None:
                keys[name] = key
    return keys


# ---------------------------------------------------------------------------
# Checking


def _describe(kind: Kind) -> str:
    return {
        "string": "a string",
        "number": "a number",
        "boolean": "true or false",
        "date": "a date (YYYY-MM-DD)",
        "datetime": "an RFC 3339 date-time with an offset, such as 2026-01-31T12:00:00Z",
        "json": "a JSON value",
    }[kind]


def _item(field: Field, value: Any, path: str) -> Any:
    """One non-null comparison value, checked against the field and normalised."""
    kind = field.kind
    if kind == "string" and isinstance(value, str):
        return value
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise QueryError(f"{path}: expected a finite number, got {value!r}")
        if isinstance(value, int) and not fits(value):
            raise QueryError(f"{path}: {value} is beyond the 64-bit range storage compares")
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "date":
        if type(value) is date:
            return value.isoformat()
        if isinstance(value, str) and DATE_RE.match(value):
            try:
                date.fromisoformat(value)
            except ValueError:
                pass
            else:
                return value
    if kind == "datetime":
        if isinstance(value, datetime):
            value = (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
        key = instant_key(value)
        if key is not None:
            return key
    got = f"{value!r}" if not isinstance(value, Mapping | list) else type(value).__name__
    raise QueryError(f"{path}: expected {_describe(kind)}, got {got}")


def _fail_op(field: Field, op: str, path: str, why: str) -> QueryError:
    return QueryError(f"{path}: {op} does not apply to {field.name!r}: {why}")


_PLAIN = (str, int, float, bool, type(None))  # values that can only mean $eq


def _check_field(field: Field, cond: Any, path: str, noun: NounDef | None = None) -> Cond:
    if type(cond) in _PLAIN:  # the common case, without the cost of ABC checks
        return _check_op(field, "$eq", cond, path)
    if isinstance(cond, Mapping) and cond and all(isinstance(k, str) for k in cond):
        keys = list(cond)
        if all(k.startswith("$") for k in keys):
            parts = [
                _elem_match(noun, field, cond[k], f"{path}.{k}")
                if k == "$elemMatch" and noun is not None
                else _check_op(field, k, cond[k], f"{path}.{k}", noun)
                for k in keys
            ]
            return parts[0] if len(parts) == 1 else AllOf(tuple(parts))
        if any(k.startswith("$") for k in keys):
            raise QueryError(f"{path}: mixes operators and plain keys; use only operators")
    return _check_op(field, "$eq", cond, path)


def _check_op(field: Field, op: str, value: Any, path: str, noun: NounDef | None = None) -> Cond:
    if op not in _OPERATOR_SET:
        close = difflib.get_close_matches(op, OPERATORS, n=1)
        tip = f"did you mean {close[0]!r}?" if close else "operators: " + " ".join(OPERATORS)
        raise QueryError(f"{path}: unknown operator {op!r}; {tip}")
    if op == "$exists":
        if not isinstance(value, bool):
            raise QueryError(f"{path}: expected true or false, got {value!r}")
        return Leaf(field, "exists", value)
    if op == "$size":
        if not field.sized:
            raise _fail_op(field, op, path, "it is not a stored list")
        if type(value) is not int or value < 0 or value > INT64:
            raise QueryError(f"{path}: expected a whole number from 0 to {INT64:,}, got {value!r}")
        return Leaf(field, "size", value)
    if op == "$elemMatch":
        raise QueryError(f"{path}: $elemMatch needs the noun's definition")  # see _check_field
    if op in ("$eq", "$ne"):
        if value is None:
            return Leaf(field, "exists", op == "$ne")
        if field.kind == "json":
            raise _fail_op(field, op, path, "json values can only be tested with $exists")
        if field.array and isinstance(value, list | tuple):
            raise QueryError(
                f"{path}: {field.name!r} is a list: compare one item, or use $contains for several"
            )
        leaf = Leaf(field, "eq", _item(field, value, path))
        return leaf if op == "$eq" else NotCond(leaf)
    if op in ("$gt", "$gte", "$lt", "$lte"):
        if field.array and not field.each:
            raise _fail_op(field, op, path, "it is a list")
        if field.kind not in _ORDERED:
            raise _fail_op(field, op, path, f"{field.kind} values have no order")
        if value is None:
            raise QueryError(f"{path}: expected {_describe(field.kind)}, got None")
        return Leaf(field, op[1:], _item(field, value, path))  # type: ignore[arg-type]
    if op in ("$in", "$nin"):
        if not isinstance(value, list | tuple):
            raise QueryError(f"{path}: expected a list of values, got {value!r}")
        if field.kind == "json" and any(v is not None for v in value):
            raise _fail_op(field, op, path, "json values can only be tested with $exists")
        items = tuple(_item(field, v, f"{path}[{i}]") for i, v in enumerate(value) if v is not None)
        found: Cond = Leaf(field, "in", tuple(dict.fromkeys(items)))
        if any(v is None for v in value):
            found = AnyOf((found, Leaf(field, "exists", False)))
        return found if op == "$in" else NotCond(found)
    if op == "$contains":
        if field.array:
            many = value if isinstance(value, list | tuple) else [value]
            items = tuple(
                _item(field, v, f"{path}[{i}]" if many is value else path)
                for i, v in enumerate(many)
            )
            return Leaf(field, "contains", items)
        if field.kind == "string":
            if not isinstance(value, str):
                raise QueryError(f"{path}: expected a string, got {value!r}")
            return Leaf(field, "contains", value)
        raise _fail_op(field, op, path, "$contains works on text and on lists")
    # $not
    if not isinstance(value, Mapping) or not value:
        raise QueryError(f"{path}: expected a mapping of operators, such as {{'$gt': 5}}")
    return NotCond(_check_field(field, value, path, noun))


def _elem_match(noun: NounDef, field: Field, where: Any, path: str) -> Cond:
    """Conditions on one item of a list of values: the item's own fields."""
    if field.ref is None or not field.array or field.each or field.within is not None:
        raise _fail_op(field, "$elemMatch", path, "it is not a list of values")
    if not isinstance(where, Mapping) or not where:
        raise QueryError(f"{path}: expected a mapping of the items' fields to conditions")
    return ElemMatch(field, _check_where(noun, {}, where, path, within=field))


def _check_where(
    noun: NounDef,
    fields: Mapping[str, Field],
    where: Any,
    path: str,
    *,
    within: Field | None = None,
) -> Cond:
    if type(where) is not dict and not isinstance(where, Mapping):
        raise QueryError(f"{path}: expected a mapping of fields to conditions, got {where!r}")
    parts: list[Cond] = []
    for key, value in where.items():
        if type(key) is not str:
            raise QueryError(f"{path}: field names are strings, got {key!r}")
        at = f"{path}.{key}"
        if key in ("$and", "$or"):
            if not isinstance(value, list | tuple) or not value:
                raise QueryError(f"{at}: expected a non-empty list of conditions")
            subs = tuple(
                _check_where(noun, fields, v, f"{at}[{i}]", within=within)
                for i, v in enumerate(value)
            )
            parts.append(AllOf(subs) if key == "$and" else AnyOf(subs))
        elif key == "$not":
            parts.append(NotCond(_check_where(noun, fields, value, at, within=within)))
        elif key.startswith("$"):
            close = difflib.get_close_matches(key, LOGICAL, n=1)
            tip = f"did you mean {close[0]!r}?" if close else "use $and, $or or $not here"
            raise QueryError(f"{at}: unknown operator {key!r} at this level; {tip}")
        else:
            field = fields.get(key) if within is None else None
            if field is None:
                field = path_field(noun, key, at, within=within)
            if field is None:
                raise _unknown_field(noun, fields, key, at)
            parts.append(_check_field(field, value, at, noun))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _unknown_field(noun: NounDef, fields: Mapping[str, Field], key: str, at: str) -> QueryError:
    if noun.raw.get("stub"):
        return QueryError(
            f"{at}: storage does not know the noun {noun.name!r}, so it can only query 'id'; "
            "open the storage with the noun's definition"
        )
    close = difflib.get_close_matches(key, list(fields), n=1)
    tip = f"; did you mean {close[0]!r}?" if close else ""
    return QueryError(f"{at}: {noun.name} has no field {key!r}{tip}")


_SORTS: dict[tuple[int, tuple[Any, ...]], tuple[NounDef, tuple[SortKey, ...]]] = {}


def _check_sort(noun: NounDef, fields: Mapping[str, Field], sort: Any) -> tuple[SortKey, ...]:
    if sort is None:
        return ()
    # The same few sorts ({"id": 1} for every derived list) come back on every query.
    try:
        # The direction's type is in the key: True == 1, yet True is refused.
        key = (
            (id(noun), tuple((k, type(v), v) for k, v in sort.items()))
            if type(sort) is dict
            else None
        )
        cached = _SORTS.get(key) if key is not None else None
    except TypeError:  # an unhashable key or direction: the checks below word it
        key = cached = None
    if cached is not None and cached[0] is noun:
        return cached[1]
    keys = _check_sort_items(noun, fields, sort)
    if key is not None:
        if len(_SORTS) > 1024:  # definitions come and go in tests: keep the cache bounded
            _SORTS.clear()
        _SORTS[key] = (noun, keys)
    return keys


def _check_sort_items(noun: NounDef, fields: Mapping[str, Field], sort: Any) -> tuple[SortKey, ...]:
    if not isinstance(sort, Mapping):
        raise QueryError(f"sort: expected a mapping of fields to 1 or -1, got {sort!r}")
    keys: list[SortKey] = []
    for name, direction in sort.items():
        at = f"sort.{name}"
        field = fields.get(name) if isinstance(name, str) else None
        if field is None and isinstance(name, str):
            field = path_field(noun, name, at)
        if field is None:
            raise _unknown_field(noun, fields, str(name), at)
        if direction not in (1, -1) or isinstance(direction, bool):
            raise QueryError(f"{at}: expected 1 (ascending) or -1 (descending), got {direction!r}")
        if field.array or field.kind == "json":
            raise QueryError(
                f"{at}: cannot sort by {name!r}: it holds a list, a value or a JSON value"
            )
        keys.append(SortKey(field, int(direction)))
    return tuple(keys)


def check_query(noun: NounDef, where: Any, sort: Any = None) -> CheckedQuery:
    """Check ``where`` and ``sort`` against the noun; QueryError names the path of any fault."""
    fields = fields_of(noun)
    # Limits first, without recursion: a hostile where never reaches a backend (nor
    # this module's own recursive checks) to fail there in its own way.
    problem = query_problem(where) if where is not None else None
    problem = problem or (document_problem(sort, "sort") if sort is not None else None)
    if problem is not None:
        raise QueryError(f"{problem[0]}: {problem[1]}")
    cond = None if where is None else _check_where(noun, fields, where, "where")
    return CheckedQuery(cond, _check_sort(noun, fields, sort))


def _check_count(value: Any, name: str, *, optional: bool) -> None:
    if value is None and optional:
        return
    if type(value) is not int or value < 0:
        raise QueryError(f"{name}: expected a whole number of at least 0, got {value!r}")
    if not fits(value):
        raise QueryError(f"{name}: at most {INT64} (64 bits), got {value}")


def plan_query(noun: NounDef, query: Query) -> Plan:
    """Check a list query and fold its cursor into ``where``."""
    checked = check_query(noun, query.where, query.sort)
    _check_count(query.limit, "limit", optional=True)
    _check_count(query.offset, "offset", optional=False)
    where = checked.where
    if query.after is not None:
        after = _cursor_cond(checked.sort, query.after)
        where = after if where is None else AllOf((where, after))
    return Plan(where, checked.sort, query.limit, query.offset)


def plan_count(noun: NounDef, where: Any) -> Cond | None:
    return check_query(noun, where).where


# ---------------------------------------------------------------------------
# The reference evaluator


def raw_value(record: Record, field: Field) -> Any:
    return field_value(record.id, record.data, field)


def field_value(id: str, data: Mapping[str, Any], field: Field) -> Any:
    """What a field holds in a record: a path's value, or every item's along the way."""
    if field.is_id and field.within is None:
        return id
    if not field.steps:
        return data.get(field.name)
    if field.each:
        return collect_path(data, field.steps)
    return walk_path(data, field.steps)


def sort_value(field: Field, raw: Any) -> Any:
    """The comparable form of one stored scalar, or None (missing, null, or the wrong type)."""
    kind = field.kind
    if kind in ("string", "date"):
        return raw if isinstance(raw, str) else None
    if kind == "number":
        return raw if isinstance(raw, int | float) and not isinstance(raw, bool) else None
    if kind == "boolean":
        return raw if isinstance(raw, bool) else None
    if kind == "datetime":
        return instant_key(raw)
    return None


def leaf_matches(leaf: Leaf, raw: Any) -> bool:
    """Whether one stored value passes one test."""
    op = leaf.op
    field = leaf.field
    if op == "exists":
        present = bool(raw) if field.each else raw is not None
        return present is leaf.value
    if op == "size":
        return isinstance(raw, list) and len(raw) == leaf.value
    if field.array:
        if not isinstance(raw, list):
            return False
        items = [sort_value(field, v) for v in raw]
        if op == "eq":
            return leaf.value in items
        if op == "in":
            return any(v in items for v in leaf.value)
        if op == "contains":
            return all(v in items for v in leaf.value)
        if field.each:  # a comparison: any item's value
            test = _COMPARE_OPS[op]
            return any(v is not None and test(v, leaf.value) for v in items)
        return False
    x = sort_value(field, raw)
    if x is None:
        return False
    value = leaf.value
    if op == "eq":
        return bool(x == value)
    if op == "in":
        return x in value
    if op == "contains":
        return isinstance(x, str) and value in x
    if op == "gt":
        return bool(x > value)
    if op == "gte":
        return bool(x >= value)
    if op == "lt":
        return bool(x < value)
    return bool(x <= value)


_COMPARE_OPS: Mapping[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def matches(cond: Cond | None, record: Record) -> bool:
    """Whether a record satisfies a checked condition (None matches everything)."""
    return cond is None or _matches(cond, record.id, record.data)


def _matches(cond: Cond, id: str, data: Mapping[str, Any]) -> bool:
    if isinstance(cond, Leaf):
        return leaf_matches(cond, field_value(id, data, cond.field))
    if isinstance(cond, AllOf):
        return all(_matches(c, id, data) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(_matches(c, id, data) for c in cond.items)
    if isinstance(cond, ElemMatch):
        items = field_value(id, data, cond.field)
        return isinstance(items, list) and any(
            isinstance(item, Mapping) and _matches(cond.cond, "", item) for item in items
        )
    return not _matches(cond.item, id, data)


# ---------------------------------------------------------------------------
# Compiled matchers: the same semantics as ``matches``, as closures built once
# per query. In-process backends (memory, TinyDB) test every record with them;
# the contract suite holds them to the reference evaluator above.

Matcher = Callable[[str, Mapping[str, Any]], bool]  # (id, data) -> matches


def _normaliser(kind: Kind) -> Callable[[Any], Any]:
    if kind in ("string", "date"):
        return lambda v: v if type(v) is str else None
    if kind == "number":
        return lambda v: v if type(v) is int or type(v) is float else None
    if kind == "boolean":
        return lambda v: v if type(v) is bool else None
    if kind == "datetime":
        return instant_key
    return lambda v: None


def _value_test(leaf: Leaf) -> Callable[[Any], bool]:
    """A test of one stored value (raw, as in the record) against one leaf."""
    op, value = leaf.op, leaf.value
    if op == "exists":
        if leaf.field.each:
            return (lambda v: bool(v)) if value else (lambda v: not v)
        return (lambda v: v is not None) if value else (lambda v: v is None)
    if op == "size":
        return lambda v: type(v) is list and len(v) == value
    norm = _normaliser(leaf.field.kind)
    if leaf.field.array:
        if op == "eq":
            return lambda v: type(v) is list and any(norm(x) == value for x in v)
        if op in _COMPARE_OPS:  # a path through a list: any item's value
            test = _COMPARE_OPS[op]
            return lambda v: (
                type(v) is list and any((x := norm(y)) is not None and test(x, value) for y in v)
            )
        wanted = set(value)
        if op == "in":
            return lambda v: type(v) is list and any(norm(x) in wanted for x in v)
        return lambda v: type(v) is list and wanted <= {norm(x) for x in v}
    if op == "in":
        among = set(value)
        return lambda v: norm(v) in among
    if op == "eq":
        return lambda v: norm(v) == value
    if op == "contains":
        return lambda v: (x := norm(v)) is not None and value in x
    compare: Callable[[Any, Any], bool] = {
        "gt": operator.gt,
        "gte": operator.ge,
        "lt": operator.lt,
        "lte": operator.le,
    }[op]
    return lambda v: (x := norm(v)) is not None and compare(x, value)


def compile_matcher(cond: Cond | None) -> Matcher:
    """A fast test of ``(id, data)`` that agrees with :func:`matches`."""
    if cond is None:
        return lambda id, data: True
    if isinstance(cond, Leaf):
        test = _value_test(cond)
        field = cond.field
        if field.is_id and field.within is None:
            return lambda id, data: test(id)
        if field.steps:
            return lambda id, data: test(field_value(id, data, field))
        name = field.name
        return lambda id, data: test(data.get(name))
    if isinstance(cond, ElemMatch):
        inner, holder = compile_matcher(cond.cond), cond.field

        def some_item(id: str, data: Mapping[str, Any]) -> bool:
            items = field_value(id, data, holder)
            return type(items) is list and any(
                type(item) is dict and inner("", item) for item in items
            )

        return some_item
    if isinstance(cond, NotCond):
        inner = compile_matcher(cond.item)
        return lambda id, data: not inner(id, data)
    parts = [compile_matcher(c) for c in cond.items]
    if len(parts) == 1:
        return parts[0]
    if isinstance(cond, AllOf):
        return lambda id, data: all(part(id, data) for part in parts)
    return lambda id, data: any(part(id, data) for part in parts)


def sort_records(records: Iterable[Record], sort: Sequence[SortKey]) -> list[Record]:
    """Records in the query order: each key in turn, nulls first ascending, then id."""
    ordered = sorted(records, key=lambda r: r.id)
    for key in reversed(sort):

        def by(record: Record, key: SortKey = key) -> tuple[Any, ...]:
            value = sort_value(key.field, raw_value(record, key.field))
            return (0,) if value is None else (1, value)

        ordered.sort(key=by, reverse=key.direction < 0)  # stable: ties keep id order
    return ordered


def make_page(rows: list[Record], plan: Plan) -> Page:
    """A page from rows fetched with ``limit + 1``: the extra row says there is more."""
    if plan.limit is None or len(rows) <= plan.limit:
        return Page(rows, None)
    rows = rows[: plan.limit]
    return Page(rows, _encode_cursor(plan.sort, rows[-1]) if rows else None)


def order_and_page(records: Iterable[Record], plan: Plan) -> Page:
    """Sort records that passed ``where``, then apply offset and limit."""
    ordered = sort_records(records, plan.sort)
    end = None if plan.limit is None else plan.offset + plan.limit + 1
    return make_page(ordered[plan.offset : end], plan)


def reference_query(records: Iterable[Record], plan: Plan) -> Page:
    """Run a plan over records in plain Python: the answer every backend must give."""
    return order_and_page((r for r in records if matches(plan.where, r)), plan)


# ---------------------------------------------------------------------------
# Cursors


def _encode_cursor(sort: Sequence[SortKey], record: Record) -> str:
    payload = {
        "s": [[k.field.name, k.direction] for k in sort],
        "v": [sort_value(k.field, raw_value(record, k.field)) for k in sort],
        "i": record.id,
    }
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _bad_cursor(why: str) -> QueryError:
    return QueryError(
        f"after: {why}; pass the cursor of the previous page of the same query, unchanged"
    )


def _cursor_value(field: Field, value: Any) -> bool:
    if value is None:
        return True
    if field.kind in ("string", "date"):
        return isinstance(value, str)
    if field.kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if field.kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str) and bool(_KEY_RE.fullmatch(value))


def _cursor_cond(sort: Sequence[SortKey], cursor: Any) -> Cond:
    if not isinstance(cursor, str):
        raise _bad_cursor(f"expected a cursor string, got {cursor!r}")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise _bad_cursor("not a cursor this storage made") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), str):
        raise _bad_cursor("not a cursor this storage made")
    spec = [[k.field.name, k.direction] for k in sort]
    if payload.get("s") != spec:
        raise _bad_cursor(f"it was made for another sort ({payload.get('s')!r}, not {spec!r})")
    values = payload.get("v")
    if not isinstance(values, list) or len(values) != len(sort):
        raise _bad_cursor("not a cursor this storage made")
    if not all(_cursor_value(k.field, v) for k, v in zip(sort, values, strict=True)):
        raise _bad_cursor("its values do not fit the sort fields")
    alternatives: list[Cond] = []
    same: list[Cond] = []
    for key, value in zip(sort, values, strict=True):
        after = _after(key, value)
        if after is not None:
            alternatives.append(AllOf((*same, after)))
        same.append(
            Leaf(key.field, "exists", False) if value is None else Leaf(key.field, "eq", value)
        )
    alternatives.append(AllOf((*same, Leaf(ID, "gt", payload["i"]))))
    return AnyOf(tuple(alternatives))


def _after(key: SortKey, value: Any) -> Cond | None:
    """Values strictly after ``value`` in this key's order (None: nothing is)."""
    if key.direction > 0:  # nulls first, then ascending
        return Leaf(key.field, "exists", True) if value is None else Leaf(key.field, "gt", value)
    if value is None:  # descending ends with the nulls
        return None
    return AnyOf((Leaf(key.field, "lt", value), Leaf(key.field, "exists", False)))


# ---------------------------------------------------------------------------
# Event names


def name_pattern(pattern: str) -> Callable[[str], bool]:
    """A test for event names where ``*`` stands for any run of characters."""
    if "*" not in pattern:
        return pattern.__eq__
    regex = re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)
    return lambda name: regex.fullmatch(name) is not None
