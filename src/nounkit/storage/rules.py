"""The write rules every backend enforces, and the errors that name what broke them.

Backends find the facts (does the key exist, which version is stored, who
holds a unique value) their own way; these functions decide and word the
error, so every backend says the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, overload

from nounkit._limits import document_problem
from nounkit.errors import Conflict, StorageError
from nounkit.language.spec import NounDef
from nounkit.storage.base import Event, Record, check_key
from nounkit.storage.query import Field, sort_value, stub_noun, unique_fields

__all__ = [
    "check_delete",
    "check_insert",
    "check_update",
    "clone",
    "copy_json",
    "noun_def",
    "subject",
    "unique_clash",
    "unique_conflict",
]


def subject(noun: str, id: str, tenant: str | None) -> str:
    """How errors name an entity: ``ServiceCustomer 'cus_1' (tenant 'acme')``."""
    return f"{noun} {id!r}" + (f" (tenant {tenant!r})" if tenant is not None else "")


def noun_def(nouns: Mapping[str, NounDef], name: str) -> NounDef:
    """The noun's definition, or a stub that knows only ``id``."""
    found = nouns.get(name)
    return found if found is not None else stub_noun(name)


def _check_record(record: Record) -> None:
    check_key(record.noun, record.id, record.tenant)
    who = subject(record.noun, record.id, record.tenant)
    if not isinstance(record.version, int) or isinstance(record.version, bool):
        raise StorageError(f"{who}: version must be a whole number, not {record.version!r}")
    if record.version < 1:
        raise StorageError(f"{who}: versions start at 1, not {record.version}")
    if not isinstance(record.data, dict):
        raise StorageError(f"{who}: data must be a dict of JSON values, not {record.data!r}")
    problem = document_problem(record.data)
    if problem is not None:
        raise StorageError(f"{who}: data.{problem[0]} {problem[1]}")


def check_insert(record: Record, exists: bool) -> None:
    _check_record(record)
    if exists:
        raise Conflict(
            f"{subject(record.noun, record.id, record.tenant)}: already exists; "
            "give the new entity another id, or update this one"
        )


def check_update(record: Record, expected_version: int, stored_version: int | None) -> None:
    _check_record(record)
    who = subject(record.noun, record.id, record.tenant)
    if record.version != expected_version + 1:
        raise StorageError(
            f"{who}: an update must carry version {expected_version + 1} "
            f"(expected_version + 1), not {record.version}"
        )
    _check_version(who, expected_version, stored_version)


def check_delete(
    noun: str, id: str, tenant: str | None, expected_version: int, stored_version: int | None
) -> None:
    check_key(noun, id, tenant)
    _check_version(subject(noun, id, tenant), expected_version, stored_version)


def _check_version(who: str, expected: int, stored: int | None) -> None:
    if stored is None:
        raise Conflict(
            f"{who}: not found (expected version {expected}); "
            "another writer deleted it, or it never existed"
        )
    if stored != expected:
        raise Conflict(
            f"{who}: stale version: expected {expected}, stored {stored}; "
            "another writer changed it: read it again and retry"
        )


def unique_conflict(record: Record, field: str, other: str | None) -> Conflict:
    value = record.data.get(field)
    by = f" by {other!r}" if other is not None else ""
    scope = f"tenant {record.tenant!r}" if record.tenant is not None else "the store"
    return Conflict(
        f"{subject(record.noun, record.id, record.tenant)}: {field} {value!r} is already "
        f"used{by}; {record.noun}.{field} is unique within {scope}"
    )


def unique_clash(
    noun: NounDef, record: Record, others: Iterable[tuple[str, Mapping[str, Any]]]
) -> None:
    """Conflict if another record of the same (noun, tenant) holds one of its unique values.

    ``others`` are ``(id, data)`` pairs: every record of the noun in the tenant.
    """
    fields = unique_fields(noun)
    if not fields:
        return
    wanted: list[tuple[Field, Any]] = []
    for field in fields:
        value = sort_value(field, record.data.get(field.name))
        if value is not None:  # null never clashes: optional unique values may be absent
            wanted.append((field, value))
    if not wanted:
        return
    for other_id, data in others:
        if other_id == record.id:
            continue
        for field, value in wanted:
            if sort_value(field, data.get(field.name)) == value:
                raise unique_conflict(record, field.name, other_id)


def copy_json(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars), faster than deepcopy."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


@overload
def clone(item: Event) -> Event: ...
@overload
def clone(item: Record) -> Record: ...
def clone(item: Record | Event) -> Record | Event:
    """A copy whose JSON parts share nothing with the original."""
    if isinstance(item, Event):
        return replace(item, input=copy_json(item.input), changes=copy_json(item.changes))
    return replace(item, data=copy_json(item.data))
