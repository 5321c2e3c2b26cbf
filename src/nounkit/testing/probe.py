"""The nouns the contract suite stores: one of every value type, and a counter.

``Probe`` has a property of each type (text, numbers, booleans, dates,
datetimes, lists, JSON), a unique one, indexed ones, and both kinds of
relationship, so every query operator meets every kind of field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nounkit.language.spec import NounDef, PropertyDef, RelationshipDef, ValueDef
from nounkit.storage.base import NewEvent, Record

__all__ = ["COUNTER", "NOUNS", "PROBE", "make_event", "make_record"]

STAMP = "2026-11-21T12:00:00.000000Z"


def _prop(name: str, type: str, **options: Any) -> PropertyDef:
    return PropertyDef(name=name, type=type, optional=True, **options)


# A value type, held once (``place``) and as a list (``visits``): dotted paths, paths
# through lists, $elemMatch and $size meet every kind of nested field.
SPOT = ValueDef(
    name="Spot",
    properties={
        "city": _prop("city", "string"),
        "rank": _prop("rank", "number"),
        "when": _prop("when", "datetime"),
        "labels": _prop("labels", "string", array=True),
    },
)

PROBE = NounDef(
    name="Probe",
    singular="probe",
    plural="probes",
    description="Every kind of value, for the storage contract suite",
    properties={
        "id": PropertyDef(name="id", type="string"),
        "name": _prop("name", "string", index=True),
        "note": _prop("note", "text"),
        "score": _prop("score", "number", index=True),
        "count": _prop("count", "integer"),
        "flag": _prop("flag", "boolean"),
        "day": _prop("day", "date"),
        "at": _prop("at", "datetime", index=True),
        "tags": _prop("tags", "string", array=True),
        "stamps": _prop("stamps", "datetime", array=True),
        "doc": _prop("doc", "json"),
        "email": _prop("email", "email", unique=True),
        "place": _prop("place", "value", ref="Spot"),
        "visits": _prop("visits", "value", array=True, ref="Spot"),
    },
    relationships={
        "owner": RelationshipDef(name="owner", target="Probe", many=False, required=False),
        "members": RelationshipDef(name="members", target="Probe", many=True, required=False),
    },
    actions={},
    events=("stored",),
    types={"Spot": SPOT},
)

COUNTER = NounDef(
    name="Counter",
    singular="counter",
    plural="counters",
    description="One number that concurrent writers increment",
    properties={"id": PropertyDef(name="id", type="string"), "n": _prop("n", "integer")},
    relationships={},
    actions={},
    events=("incremented",),
)

NOUNS: Mapping[str, NounDef] = {"Probe": PROBE, "Counter": COUNTER}


def make_record(
    id: str,
    data: Mapping[str, Any] | None = None,
    *,
    noun: str = "Probe",
    tenant: str | None = None,
    version: int = 1,
) -> Record:
    """A record as the dispatcher would store it (``id`` inside ``data`` too)."""
    return Record(
        noun=noun,
        id=id,
        tenant=tenant,
        version=version,
        data={"id": id, **(data or {})},
        created_at=STAMP,
        updated_at=STAMP,
    )


def make_event(
    record: Record, name: str = "stored", *, changes: Mapping[str, Any] | None = None
) -> NewEvent:
    """The event a write of ``record`` would emit."""
    return NewEvent(
        name=f"{record.noun}.{name}",
        noun=record.noun,
        entity_id=record.id,
        action=name,
        version=record.version,
        time=STAMP,
        actor="contract-suite",
        tenant=record.tenant,
        input={},
        changes=dict(changes or {}),
    )
