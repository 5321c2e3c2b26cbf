"""Referential integrity on every backend: onDelete restrict (the default), cascade and
nullify, in the delete's own transaction, with an event for everything changed; a
refused delete leaves storage and the event log as they were (full dumps compared)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nounkit import Registry
from nounkit.errors import Conflict, NotFound

from .helpers import assert_unchanged, load_catalog, names

LINKS = Path(__file__).resolve().parent / "data" / "links.yaml"


@pytest.fixture
def links(storage_url: str) -> Iterator[Registry]:
    with Registry.load(LINKS, storage=storage_url, handlers=[]) as reg:
        yield reg


def make(reg: Registry, noun: str, id: str, **data: object) -> str:
    return reg.act(f"{noun}.create", data={"id": id, **data}).id


def test_restrict_refuses_and_names_who_links(links: Registry) -> None:
    make(links, "Owner", "ann", name="Ann")
    for pet in ("p3", "p1", "p2", "p4"):
        make(links, "Pet", pet, name=pet, owner="ann")
    assert_unchanged(
        links,
        lambda: links.act("Owner.delete", id="ann"),
        Conflict,
        "Owner 'ann' cannot be deleted: 4 Pet link to it through owner (first: 'p1', 'p2', 'p3')",
        "onDelete: cascade or nullify on Pet.owner",
    )
    for pet in ("p1", "p2", "p3", "p4"):
        links.act("Pet.delete", id=pet)
    assert links.act("Owner.delete", id="ann").deleted


def test_cascade_deletes_through_each_nouns_delete_with_its_events(links: Registry) -> None:
    make(links, "Owner", "ann", name="Ann")
    make(links, "Owner", "bob", name="Bob")
    make(links, "Toy", "t1", name="ball", owner="ann")
    make(links, "Toy", "t2", name="kite", owner="ann")
    make(links, "Toy", "t3", name="drum", owner="bob")
    make(links, "Part", "t1-a", toy="t1")
    gone = links.act("Owner.delete", id="ann")
    assert names(gone.events) == [
        "Part.deleted",  # t1's part first, by t1's own cascade
        "Toy.deleted",
        "Toy.deleted",
        "Owner.deleted",
    ]
    assert [e.entity_id for e in gone.events] == ["t1-a", "t1", "t2", "ann"]
    assert [t.id for t in links.list("Toy")] == ["t3"]
    assert links.list("Part") == []
    with pytest.raises(NotFound):
        links.get("Toy", "t1")


def test_a_restricted_link_deep_in_a_cascade_refuses_it_all(links: Registry) -> None:
    make(links, "Owner", "ann", name="Ann")
    make(links, "Toy", "t1", name="ball", owner="ann")
    make(links, "Part", "t1-a", toy="t1")
    make(links, "Sticker", "s1", toy="t1")
    assert_unchanged(
        links,
        lambda: links.act("Owner.delete", id="ann"),
        Conflict,
        "Toy 't1' cannot be deleted: 1 Sticker links to it through toy (first: 's1')",
    )


def test_nullify_clears_the_link_with_updated_events(links: Registry) -> None:
    make(links, "Owner", "ann", name="Ann")
    make(links, "Owner", "bob", name="Bob")
    make(links, "Note", "n1", text="hi", about="ann")
    make(links, "Note", "n2", text="yo", about="bob")
    make(links, "Club", "c1", name="chess", members=["bob", "ann"])
    gone = links.act("Owner.delete", id="ann")
    assert names(gone.events) == ["Note.updated", "Club.updated", "Owner.deleted"]
    assert gone.events[0].changes == {"about": {"old": "ann", "new": None}}
    assert gone.events[1].changes == {"members": {"old": ["bob", "ann"], "new": ["bob"]}}
    assert links.get("Note", "n1").about is None
    assert links.get("Note", "n2").about == "bob"
    assert links.get("Club", "c1").members == ["bob"]


def test_a_link_to_its_own_noun(links: Registry) -> None:
    make(links, "Folder", "root", name="/")
    make(links, "Folder", "home", name="home", parent="root")
    make(links, "Folder", "ann", name="ann", parent="home")
    gone = links.act("Folder.delete", id="root")
    assert [e.entity_id for e in gone.events] == ["ann", "home", "root"]
    assert links.list("Folder") == []


def test_the_catalog_keeps_a_customers_records_from_dangling(storage_url: str) -> None:
    with load_catalog(storage_url) as reg:
        reg.act("ServiceCustomer.create", data={"id": "c1", "name": "C", "type": "smb"})
        reg.act(
            "ServicePlan.create",
            data={"id": "pro", "name": "Pro", "price": 10, "currency": "EUR"},
        )
        reg.act(
            "grant",
            data={"id": "e1", "name": "api", "type": "quota", "customer": "c1", "plan": "pro"},
        )
        assert_unchanged(
            reg,
            lambda: reg.act("ServiceCustomer.delete", id="c1"),
            Conflict,
            "ServiceCustomer 'c1' cannot be deleted: 1 ServiceEntitlement links to it "
            "through customer (first: 'e1')",
        )
        # A plan may go: the entitlement it granted stays, no longer linked to it.
        gone = reg.act("ServicePlan.delete", id="pro")
        assert names(gone.events) == ["ServiceEntitlement.updated", "ServicePlan.deleted"]
        assert reg.get("ServiceEntitlement", "e1").plan is None


def test_cascades_chain_deep_and_stop_at_a_loop(links: Registry) -> None:
    make(links, "Folder", "f0", name="0")
    for depth in range(1, 20):  # deeper than nested acts may go (8)
        make(links, "Folder", f"f{depth}", name=str(depth), parent=f"f{depth - 1}")
    gone = links.act("Folder.delete", id="f0")
    assert len(gone.events) == 20 and links.list("Folder") == []
    # Two entities cascading into each other: each deleted once.
    make(links, "Ring", "r1")
    make(links, "Bell", "b1", peer="r1")
    links.act("Ring.update", id="r1", data={"peer": "b1"})
    gone = links.act("Ring.delete", id="r1")
    assert names(gone.events) == ["Bell.deleted", "Ring.deleted"]
    assert links.list("Ring") == links.list("Bell") == []
