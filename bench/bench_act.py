"""Benchmark: registry.act() throughput per backend, against the same writes done raw.

Run from anywhere::

    python bench/bench_act.py [--quick] [--postgres URL]

For each backend (memory, TinyDB, SQLite, and PostgreSQL when a URL is given or
NOUNKIT_TEST_POSTGRES_URL is set) it times three kinds of act on the customer
catalog: create (``ServiceCustomer.create``), transition
(``ServiceCustomer.activate``) and custom with a handler
(``ServiceEntitlement.consume``, which also recomputes two computed values).
The baseline does the same storage work without the framework: the same
records and events written through the storage port in one transaction each,
with no validation, lifecycle, handler or rules. The difference is the
framework's overhead per act. Finally, the cost per subscriber of fanning an
event out. Targets: overhead under 100 µs per act on memory; at least 2,000
durable acts per second on SQLite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import NOUNS, banner, machine, print_table, record, verdict

from nounkit import Registry
from nounkit.dispatch.act import new_id
from nounkit.storage.base import NewEvent, Record, utc_now

OVERHEAD_TARGET = 100e-6  # s per act on memory://
SQLITE_TARGET = 2000  # durable acts per second


def _registry(url: str) -> Registry:
    return Registry.load(NOUNS, storage=url, handlers=["nounkit.catalog.customers"])


def _rate(fn: Callable[[int], object], count: int, runs: int) -> list[float]:
    """Seconds per call of ``fn(i)`` over ``count`` calls, for each of ``runs`` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for i in range(count):
            fn(i)
        times.append((time.perf_counter() - start) / count)
    return times


def _raw_write(registry: Registry, noun: str, data: dict[str, object], event: str) -> None:
    """What an act writes, written straight through the storage port: one record, one event."""
    now = utc_now()
    entity_id = new_id()
    with registry.storage.transaction() as tx:
        tx.insert(Record(noun, entity_id, None, 1, {**data, "id": entity_id}, now, now))
        tx.append([NewEvent(f"{noun}.{event}", noun, entity_id, event, 1, now, None, None, {}, {})])


Measured = tuple[str, str, list[float], list[float]]  # backend, act kind, act runs, raw runs


def bench_backend(name: str, url: str, count: int, runs: int) -> list[Measured]:
    with _registry(url) as registry:
        customer = {"name": "Acme", "type": "business"}
        # create
        act_create = _rate(
            lambda i: registry.act("ServiceCustomer.create", data=customer), count, runs
        )
        raw_create = _rate(
            lambda i: _raw_write(
                registry, "ServiceCustomer", {**customer, "status": "prospect"}, "created"
            ),
            count,
            runs,
        )
        # transition: each act needs a customer in the state it starts from
        ids = [
            registry.act("ServiceCustomer.create", data=customer).id for _ in range(count * runs)
        ]
        pending = iter(ids)
        act_transition = _rate(
            lambda i: registry.act("ServiceCustomer.activate", id=next(pending)), count, runs
        )
        # custom, with a handler and computed values
        owner = registry.act("ServiceCustomer.create", data=customer).id
        grant = registry.act(
            "grant", data={"name": "calls", "type": "quota", "customer": owner, "unlimited": True}
        ).id
        act_custom = _rate(
            lambda i: registry.act("consume", id=grant, data={"amount": 1}), count, runs
        )
    # Every act writes one record and one event: the raw create is the baseline of all three.
    return [
        (name, "create", act_create, raw_create),
        (name, "transition", act_transition, raw_create),
        (name, "custom + handler", act_custom, raw_create),
    ]


def _row(backend: str, kind: str, act_runs: list[float], raw_runs: list[float]) -> list[str]:
    act_s, raw_s = statistics.median(act_runs), statistics.median(raw_runs)
    return [
        backend,
        kind,
        f"{act_s * 1e6:.0f} µs",
        f"{1 / act_s:,.0f}/s",
        f"{raw_s * 1e6:.0f} µs",
        f"{(act_s - raw_s) * 1e6:.0f} µs",
        f"{act_s / raw_s:.2f}x",
    ]


def _record(backend: str, kind: str, act_runs: list[float], raw_runs: list[float]) -> None:
    raw = "the same writes through the storage port"
    record("Actions", f"act {kind} ({backend})", act_runs, peer=raw, peer_value=raw_runs)
    if backend == "memory":
        record(
            "Actions",
            f"framework overhead per act, {kind} (memory)",
            [a - r for a, r in zip(act_runs, raw_runs, strict=True)],
            target=OVERHEAD_TARGET,
            note="act time minus the raw write's, run by run",
        )
    if backend.startswith("sqlite"):
        record(
            "Actions",
            f"durable acts per second, {kind} ({backend})",
            [1 / a for a in act_runs],
            unit="acts/s",
            higher_is_better=True,
            peer=raw,
            peer_value=[1 / r for r in raw_runs],
            target=SQLITE_TARGET,
        )


def bench_fanout(count: int) -> list[list[str]]:
    per_act: dict[int, float] = {}
    for subscribers in (0, 1, 10, 100):
        with _registry("memory://") as registry:
            for _ in range(subscribers):
                registry.on("ServiceCustomer.*")(lambda event: None)
            runs = _rate(
                lambda i: registry.act("ServiceCustomer.create", data={"name": "A", "type": "b"}),
                count,
                3,
            )
        per_act[subscribers] = statistics.median(runs)
        record("Actions", f"act create with {subscribers} subscribers (memory)", runs)
    base = per_act[0]
    return [
        [
            str(n),
            f"{seconds * 1e6:.0f} µs",
            f"{(seconds - base) / n * 1e6:.2f} µs" if n else "-",
        ]
        for n, seconds in per_act.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--postgres", default=os.environ.get("NOUNKIT_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    count, runs = (200, 3) if args.quick else (1000, 5)
    banner("nounkit benchmark: act() throughput per backend")
    for key, value in machine():
        print(f"  {key + ':':<14}{value}")
    measured: list[Measured] = []
    with tempfile.TemporaryDirectory() as tmp:
        backends = [
            ("memory", "memory://"),
            ("tinydb", f"tinydb:///{Path(tmp) / 'db.json'}"),
            ("sqlite", f"sqlite:///{Path(tmp) / 'db.sqlite'}"),
            # WAL with synchronous=NORMAL: a commit survives the process being killed (what
            # the crash tests prove), not a power cut; FULL, the default, fsyncs every commit.
            ("sqlite-normal", f"sqlite:///{Path(tmp) / 'n.sqlite'}?synchronous=normal"),
        ]
        if args.postgres:
            backends.append(("postgresql", args.postgres))
        for name, url in backends:
            tiny = name == "tinydb"  # every TinyDB commit rewrites the file: keep it small
            measured += bench_backend(name, url, count // 5 if tiny else count, runs)
    for item in measured:
        _record(*item)
    print()
    print_table(
        ["backend", "act", "per act", "acts/s", "raw write", "overhead", "ratio"],
        [_row(*item) for item in measured],
    )
    print("\n  targets")
    for backend, kind, act_runs, raw_runs in measured:
        act_s, raw_s = statistics.median(act_runs), statistics.median(raw_runs)
        if backend == "memory":
            print(
                f"  memory {kind}: overhead {(act_s - raw_s) * 1e6:.0f} µs (target < 100 µs): "
                f"{verdict(act_s - raw_s, OVERHEAD_TARGET)}"
            )
        elif backend.startswith("sqlite"):
            print(
                f"  {backend} {kind}: {1 / act_s:,.0f}/s (target >= {SQLITE_TARGET:,}/s): "
                f"{'PASS' if 1 / act_s >= SQLITE_TARGET else 'MISS'}"
            )
    print()
    print_table(["subscribers", "per act", "per subscriber"], bench_fanout(count))
    if "--quick" not in sys.argv:
        print("\n  raw write: the same record and event through the storage port, no framework")


if __name__ == "__main__":
    main()
