"""Subscribers: after commit, in order, by pattern; failures recorded; durable checkpoints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nounkit import Registry
from nounkit.errors import UnknownEvent, ValidationError

from .helpers import CATALOG, ROOT, load_catalog, load_kit, names


def new_customer(registry: Registry, id: str) -> None:
    registry.act("ServiceCustomer.create", data={"id": id, "name": id, "type": "smb"})


def recorder(log: list[tuple[str, int]], label: str) -> Callable[[Any], None]:
    def record(event: Any) -> None:
        log.append((label, event.seq))

    return record


# -- on(pattern) -----------------------------------------------------------------------------


def test_patterns_with_wildcards(registry: Registry) -> None:
    got: dict[str, list[str]] = {}
    for pattern in (
        "ServiceEntitlement.*",
        "*.created",
        "*",
        "ServiceEntitlement.exhausted",
        "Service*.c*ed",
        "Invoice.*",
    ):
        got[pattern] = []
        registry.on(pattern)(lambda event, seen=got[pattern]: seen.append(event.name))
    new_customer(registry, "cus-1")
    registry.act(
        "grant", data={"id": "e", "name": "n", "type": "q", "limit": 1, "customer": "cus-1"}
    )
    registry.act("consume", id="e", data={"amount": 1})
    everything = [
        "ServiceCustomer.created",
        "ServiceEntitlement.granted",
        "ServiceEntitlement.consumed",
        "ServiceEntitlement.exhausted",
    ]
    assert got == {
        "ServiceEntitlement.*": everything[1:],
        "*.created": ["ServiceCustomer.created"],
        "*": everything,
        "ServiceEntitlement.exhausted": ["ServiceEntitlement.exhausted"],
        "Service*.c*ed": ["ServiceCustomer.created", "ServiceEntitlement.consumed"],
        "Invoice.*": [],
    }


def test_subscribers_run_after_commit_in_order(registry: Registry) -> None:
    calls: list[tuple[str, int]] = []
    seen_state: list[tuple[str, int]] = []

    @registry.on("ServiceEntitlement.*")
    def first(event: Any) -> None:
        calls.append(("first", event.seq))
        # After commit: the entity and the whole act's events are already readable.
        entity = registry.get("ServiceEntitlement", event.entity_id)
        seen_state.append((entity.status, registry.events()[-1].seq))

    registry.on("ServiceEntitlement.*")(recorder(calls, "second"))
    new_customer(registry, "cus-1")
    registry.act(
        "grant", data={"id": "e", "name": "n", "type": "q", "limit": 2, "customer": "cus-1"}
    )
    calls.clear()
    seen_state.clear()
    result = registry.act("consume", id="e", data={"amount": 2})
    consumed, exhausted = (e.seq for e in result.events)
    # Registration order, and within each subscriber the events in seq order.
    assert calls == [
        ("first", consumed),
        ("first", exhausted),
        ("second", consumed),
        ("second", exhausted),
    ]
    assert seen_state == [("exhausted", exhausted), ("exhausted", exhausted)]


def test_subscribers_never_see_a_failed_act(kit: Registry) -> None:
    seen: list[str] = []
    kit.on("*")(lambda event: seen.append(event.name))
    account = kit.act("open", data={"email": "a@example.org"}, tenant="acme").id
    with pytest.raises(ValidationError):
        kit.act("shout", id=account, tenant="acme")  # emits "flagged", then an undeclared one
    with pytest.raises(RuntimeError):
        kit.act("sabotage", id=account, data={"other": account}, tenant="acme")
    assert seen == ["Account.opened"]


def test_failures_are_recorded_and_later_events_still_delivered(kit: Registry) -> None:
    delivered: list[int] = []

    @kit.on("Account.*")
    def picky(event: Any) -> None:
        if event.name == "Account.deposited" and event.input["amount"] > 100:
            raise ValueError(f"too much: {event.input['amount']}")
        delivered.append(event.seq)

    account = kit.act("open", data={"email": "a@example.org"}, tenant="acme").id
    big = kit.act("deposit", id=account, data={"amount": 500}, tenant="acme")
    small = kit.act("deposit", id=account, data={"amount": 5}, tenant="acme")
    assert big.entity.balance == 500  # the action stood
    assert kit.get("Account", account, tenant="acme").balance == 505
    assert delivered == [1, small.events[0].seq]
    [failure] = kit.failures
    assert (failure.seq, failure.event, failure.error) == (
        big.events[0].seq,
        "Account.deposited",
        "ValueError: too much: 500",
    )
    assert failure.subscriber.endswith("picky")
    assert failure.time.endswith("Z")


# -- durable subscriptions -------------------------------------------------------------------


def test_a_durable_subscriber_resumes_after_a_restart(lasting_url: str) -> None:
    handled: Counter[int] = Counter()

    def audit(event: Any) -> None:
        handled[event.seq] += 1

    with load_catalog(lasting_url) as first:
        new_customer(first, "before")  # seq 1, before anyone subscribed
        first.on("ServiceCustomer.*", durable="audit")(audit)
        assert handled == {1: 1}  # the backlog, on registration
        new_customer(first, "c1")
        first.act("activate", id="c1")
        assert handled == {1: 1, 2: 1, 3: 1}

    # Down time: another process acts while no subscriber runs.
    with load_catalog(lasting_url) as meanwhile:
        new_customer(meanwhile, "c2")  # seq 4

    with load_catalog(lasting_url) as second:
        second.on("ServiceCustomer.*", durable="audit")(audit)
        assert handled == {1: 1, 2: 1, 3: 1, 4: 1}  # only what it had not seen
        second.act("activate", id="c2")
        assert second.catch_up() == 0
        assert second.storage.dump()["checkpoints"] == {"audit": 5}

    assert handled == {seq: 1 for seq in range(1, 6)}  # every event exactly once


def test_two_durable_subscribers_keep_separate_checkpoints(lasting_url: str) -> None:
    seen: dict[str, list[int]] = {"audit": [], "billing": []}
    with load_catalog(lasting_url) as first:
        first.on("*", durable="audit")(lambda e: seen["audit"].append(e.seq))
        new_customer(first, "c1")
        first.act("grant", data={"id": "e", "name": "n", "type": "q", "customer": "c1"})
        assert first.storage.dump()["checkpoints"] == {"audit": 2}

    with load_catalog(lasting_url) as second:
        # A new subscription starts from the beginning; the old one from its checkpoint.
        second.on("ServiceEntitlement.*", durable="billing")(
            lambda e: seen["billing"].append(e.seq)
        )
        second.on("*", durable="audit")(lambda e: seen["audit"].append(e.seq))
        assert seen == {"audit": [1, 2], "billing": [2]}
        second.act("consume", id="e", data={"amount": 1})
        assert seen == {"audit": [1, 2, 3], "billing": [2, 3]}
        assert second.storage.dump()["checkpoints"] == {"audit": 3, "billing": 3}
        with pytest.raises(ValueError, match="durable subscriber named 'audit'"):
            second.on("*", durable="audit")(lambda e: None)


def test_a_durable_subscriber_sees_other_registries_events_in_order(lasting_url: str) -> None:
    handled: list[int] = []
    with load_catalog(lasting_url) as mine, load_catalog(lasting_url) as theirs:
        mine.on("*", durable="audit")(lambda e: handled.append(e.seq))
        new_customer(mine, "c1")  # seq 1
        new_customer(theirs, "c2")  # seq 2: committed by another registry
        new_customer(theirs, "c3")  # seq 3
        new_customer(mine, "c4")  # seq 4: delivering it must not skip 2 and 3
        assert handled == [1, 2, 3, 4]
        new_customer(theirs, "c5")
        assert mine.catch_up() == 1
        assert handled == [1, 2, 3, 4, 5]


def test_a_failed_durable_event_is_retried_before_later_ones(storage_url: str) -> None:
    handled: list[int] = []
    broken = {"on": True}

    with load_kit(storage_url) as kit:

        @kit.on("Account.*", durable="ledger")
        def ledger(event: Any) -> None:
            if broken["on"] and event.name == "Account.deposited":
                raise ConnectionError("ledger offline")
            handled.append(event.seq)

        account = kit.act("open", data={"email": "a@example.org"}, tenant="acme").id  # 1
        kit.act("deposit", id=account, data={"amount": 1}, tenant="acme")  # 2: fails
        assert handled == [1]
        assert [f.seq for f in kit.failures] == [2]
        assert kit.storage.dump()["checkpoints"] == {"ledger": 1}
        broken["on"] = False
        kit.act("withdraw", id=account, data={"amount": 1}, tenant="acme")  # 3
        assert handled == [1, 2, 3]  # the held-back event first, each once
        assert kit.storage.dump()["checkpoints"] == {"ledger": 3}
        assert names(kit.events()) == ["Account.opened", "Account.deposited", "Account.withdrawn"]


def test_a_subscriber_that_acts_keeps_every_subscriber_in_seq_order(storage_url: str) -> None:
    """A subscriber's own act delivers its events after the ones being delivered, not amid them."""
    order: list[tuple[str, int]] = []
    with load_kit(storage_url) as kit:

        @kit.on("Account.opened")
        def welcome(event: Any) -> None:
            order.append(("welcome", event.seq))
            kit.act("deposit", id=event.entity_id, data={"amount": 10}, tenant=event.tenant)

        kit.on("Account.*")(recorder(order, "log"))
        kit.on("Account.*", durable="ledger")(recorder(order, "ledger"))

        kit.act("open", data={"id": "acc", "email": "a@example.org"}, tenant="acme")
        assert order == [
            ("welcome", 1),
            ("log", 1),
            ("ledger", 1),
            ("log", 2),
            ("ledger", 2),
        ]
        assert kit.get("Account", "acc", tenant="acme").balance == 10
        assert kit.storage.dump()["checkpoints"] == {"ledger": 2}
        assert kit.catch_up() == 0

        # A durable subscriber that acts while working through its backlog, on registration.
        order.clear()

        @kit.on("Account.opened", durable="bonus")
        def bonus(event: Any) -> None:
            order.append(("bonus", event.seq))
            kit.act("deposit", id=event.entity_id, data={"amount": 1}, tenant=event.tenant)

        assert order == [("bonus", 1), ("log", 3), ("ledger", 3)]
        assert kit.storage.dump()["checkpoints"] == {"ledger": 3, "bonus": 3}
        assert kit.get("Account", "acc", tenant="acme").balance == 11
        assert kit.failures == []


def test_only_the_star_is_a_wildcard_as_in_events(registry: Registry) -> None:
    # ? and [c] are literal characters: such patterns match no declared event, and a
    # subscription that could never fire is refused, naming the closest event.
    for pattern in ("ServiceCustomer.?reated", "ServiceCustomer.[c]reated"):
        with pytest.raises(UnknownEvent, match=re.escape("did you mean 'ServiceCustomer.created'")):
            registry.on(pattern)
    got = {"*.created": 0}
    registry.on("*.created")(lambda event: got.__setitem__("*.created", got["*.created"] + 1))
    new_customer(registry, "c1")
    assert got == {"*.created": len(registry.events(name="*.created"))} == {"*.created": 1}


def test_a_pattern_that_matches_no_event_is_refused(registry: Registry) -> None:
    with pytest.raises(UnknownEvent, match="did you mean"):
        registry.on("Custmer.*")
    with pytest.raises(UnknownEvent):
        registry.on("")


_WORKER = """
import os, sys
from nounkit import Registry
url, log, tag = sys.argv[1], sys.argv[2], sys.argv[3]
with Registry.load({nouns!r}, storage=url, handlers=[]) as reg:
    def record(event):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{{tag}} {{event.seq}}\\n")
    reg.on("*", durable="audit")(record)
    for n in range({acts}):
        data = {{"id": f"{{tag}}-{{n}}", "name": "x", "type": "smb"}}
        reg.act("ServiceCustomer.create", data=data)
    reg.catch_up()
"""


def test_one_durable_name_is_held_by_one_process_at_a_time(
    lasting_url: str, tmp_path: Path
) -> None:
    """Two processes with a durable subscriber of one name, both acting at once: every
    event is handled exactly once (the name is held while events are handled)."""
    acts = 25
    log = tmp_path / "handled.log"
    code = _WORKER.format(nouns=str(CATALOG), acts=acts)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with load_catalog(lasting_url):  # the store made, so both workers open the same one
        pass
    workers = [
        subprocess.Popen([sys.executable, "-c", code, lasting_url, str(log), tag], env=env)
        for tag in ("a", "b")
    ]
    for worker in workers:
        assert worker.wait(timeout=300) == 0
    with load_catalog(lasting_url) as reg:  # whatever both left behind, handled here
        reg.on("*", durable="audit")(
            lambda e: log.open("a", encoding="utf-8").write(f"main {e.seq}\n")
        )
        total = len(reg.events())
    seqs = Counter(int(line.split()[1]) for line in log.read_text("utf-8").splitlines())
    twice = sorted(seq for seq, n in seqs.items() if n > 1)
    assert twice == [], f"handled more than once: {twice}"
    assert sorted(seqs) == list(range(1, total + 1)) and total == 2 * acts


def test_a_held_name_is_not_held_again_by_its_own_handler(storage_url: str) -> None:
    """A durable handler that catches up (or a second registry on the same store, in
    another thread) finds the name held and handles nothing twice."""
    handled: list[int] = []
    with load_catalog(storage_url) as reg:

        def record(event: Any) -> None:
            handled.append(event.seq)
            reg.catch_up()  # the name is held by this very delivery: nothing more runs

        reg.on("*", durable="audit")(record)
        new_customer(reg, "c1")
        new_customer(reg, "c2")
        with reg.storage.hold("subscription:audit") as held:
            assert held
            with reg.storage.hold("subscription:audit") as again:
                assert not again
    assert handled == [1, 2]
