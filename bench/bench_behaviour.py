"""Behaviour declared in nouns, against the same behaviour in Python, and read-time counts.

1. ``consume`` declared in YAML (requires, set, emit, a ``to`` mapping) against the same
   consume as a Python handler, on memory:// (the dispatcher alone) and on a durable
   SQLite file (target: YAML ≤ 1.1x the handler).
2. Durable SQLite acts/s of the declared consume against raw sqlite3 doing the same
   writes: the entity's row updated and its event appended, one commit per act.
3. Listing 50 segments with ``customerCount`` (``count(customers)``, a read-time value)
   over 100,000 customers on SQLite (target: ≤ 10 ms), with the statements it ran: as
   listed, and filtered and sorted by ``customerCount`` (worked out in SQL).

Run: ``.venv/bin/python bench/bench_behaviour.py [--quick]``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import (
    NOUNS,
    Sample,
    Stats,
    banner,
    fmt_ms,
    fmt_ratio,
    print_table,
    record,
    repeat,
    timed,
    verdict,
)

from nounkit import Registry

CONSUME_TARGET = 1.1
LIST_TARGET = 0.010  # seconds for one page of 50 segments

DECLARED = """
Meter:
  properties:
    limit:     {type: number, optional: true}
    unlimited: {type: boolean, optional: true}
    used:      {type: number, default: 0}
    remaining: {type: number, optional: true, computed: limit - used}
    status:    {type: string}
  actions:
    - create
    - consume:
        input: {amount: {type: number, exclusiveMinimum: 0}}
%s
  events: [created, consumed, exhausted]
  lifecycle:
    states: [active, exhausted]
    transitions:
      consume:
        from: active
%s
"""

YAML_BEHAVIOUR = """\
        requires:
          - check: "coalesce(unlimited, false) or limit is null or used + input.amount <= limit"
            message: not enough remaining
        set: {used: "used + input.amount"}
        emit: {exhausted: "not coalesce(unlimited, false) and used >= limit"}"""
YAML_TO = """\
        to: {exhausted: "not coalesce(unlimited, false) and used >= limit", active: true}"""
HANDLER_TO = "        to: [active, exhausted]"


def consume_handler(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The same consume, by hand: what the YAML above declares."""
    amount = data["amount"]
    used = entity.used + amount
    unlimited = bool(entity.unlimited)
    if not unlimited and entity.limit is not None and used > entity.limit:
        from nounkit.errors import FieldError, ValidationError

        raise ValidationError("Meter", [FieldError("consume.requires[0]", "not enough remaining")])
    changes: dict[str, Any] = {"used": used}
    if not unlimited and entity.limit is not None and used >= entity.limit:
        changes["status"] = "exhausted"
        ctx.emit("exhausted", {})
    return changes


def registry(folder: Path, declared: bool, storage: str) -> Registry:
    text = DECLARED % ((YAML_BEHAVIOUR, YAML_TO) if declared else ("", HANDLER_TO))
    path = folder / ("declared.yaml" if declared else "handled.yaml")
    path.write_text(text)
    reg = Registry.load(path, storage=storage, handlers=[])
    if not declared:
        reg.handles("Meter.consume")(consume_handler)
    return reg


def consumes(reg: Registry, count: int) -> Callable[[], None]:
    def run() -> None:
        meter = reg.act("Meter.create", data={"limit": count}).id
        for _ in range(count):
            reg.act("consume", id=meter, data={"amount": 1})

    return run


def compare_consume(folder: Path, count: int, rounds: int) -> None:
    banner(f"consume: declared in YAML against a Python handler ({count} acts a run)")
    rows = []
    for backend in ("memory", "sqlite"):
        samples: dict[bool, list[Sample]] = {False: [], True: []}
        for round_ in range(rounds):  # interleaved, in turn first: drift hits both alike
            for declared in (False, True) if round_ % 2 else (True, False):
                storage = (
                    "memory://"
                    if backend == "memory"
                    else f"sqlite:///{folder}/{backend}-{declared}-{round_}.sqlite"
                )
                with registry(folder, declared, storage) as reg:
                    consumes(reg, 5)()  # warm: models compiled, storage open
                    samples[declared].append(timed(consumes(reg, count)))
        ratios = [d.wall / h.wall for d, h in zip(samples[True], samples[False], strict=True)]
        ratio = statistics.median(ratios)
        handler, declared_ = Stats.of(samples[False]), Stats.of(samples[True])
        rows.append(
            [
                backend,
                fmt_ms(handler.median),
                fmt_ms(declared_.median),
                f"{declared_.median / (count + 1) * 1e6:.0f} us",
                f"{fmt_ratio(ratio)} ({min(ratios):.2f}-{max(ratios):.2f})",
                verdict(ratio, CONSUME_TARGET),
            ]
        )
        record(
            "behaviour",
            f"consume declared / handler ({backend})",
            declared_,
            peer="Python handler",
            peer_value=handler,
            target=CONSUME_TARGET,
            note=f"median of {rounds} paired rounds: {ratio:.2f}x",
        )
    print_table(
        ["storage", "handler", "declared", "per act", "ratio (range)", f"≤{CONSUME_TARGET}x"],
        rows,
    )


def raw_consumes(path: Path, count: int) -> Callable[[], None]:
    """What a durable act of consume writes, by hand: the row, the event, one commit."""

    def run() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS meter (id TEXT PRIMARY KEY, version INT, data TEXT)"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, entity TEXT, data TEXT)"
        )
        conn.execute("INSERT OR REPLACE INTO meter VALUES ('m', 1, ?)", [json.dumps({"used": 0})])
        for _ in range(count):
            conn.execute("BEGIN IMMEDIATE")
            version, data = conn.execute(
                "SELECT version, data FROM meter WHERE id = 'm'"
            ).fetchone()
            state = json.loads(data)
            state["used"] += 1
            conn.execute(
                "UPDATE meter SET version = ?, data = ? WHERE id = 'm' AND version = ?",
                [version + 1, json.dumps(state), version],
            )
            conn.execute(
                "INSERT INTO events (entity, data) VALUES ('m', ?)", [json.dumps({"amount": 1})]
            )
            conn.execute("COMMIT")
        conn.close()

    return run


def durable_rate(folder: Path, count: int, runs: int) -> None:
    banner(f"durable SQLite: declared consume against raw sqlite3 writes ({count} acts a run)")
    url = f"sqlite:///{folder}/durable.sqlite"
    with registry(folder, True, url) as reg:
        consumes(reg, 5)()
        ours = repeat(consumes(reg, count), runs)
    raw = repeat(raw_consumes(folder / "raw.sqlite", count), runs)
    ours_rate, raw_rate = (count + 1) / ours.median, count / raw.median
    print_table(
        ["", "acts/s", "ratio to raw"],
        [
            [
                "nounkit act (declared consume)",
                f"{ours_rate:,.0f}",
                fmt_ratio(ours_rate / raw_rate),
            ],
            ["raw sqlite3 (row + event, commit)", f"{raw_rate:,.0f}", "1.00x"],
        ],
    )
    record(
        "behaviour",
        "durable SQLite consume acts/s",
        ours_rate,
        unit="acts/s",
        peer="raw sqlite3",
        peer_value=raw_rate,
        higher_is_better=True,
    )


def segment_listing(folder: Path, customers: int, runs: int) -> None:
    banner(f"50 segments with count(customers) over {customers:,} customers (SQLite)")
    url = f"sqlite:///{folder}/segments.sqlite"
    with Registry.load(NOUNS, storage=url, handlers=[]) as reg:
        segments = [
            reg.act("CustomerSegment.create", data={"name": f"s{i}", "type": "value"}).id
            for i in range(50)
        ]
        # Bulk-load the customers through storage (acts would take minutes): the rows an
        # act would write, in one transaction.
        from nounkit.storage.base import Record, utc_now

        now = utc_now()
        with reg.storage.transaction() as tx:
            for index in range(customers):
                data = {
                    "id": f"c{index:06d}",
                    "name": f"c{index}",
                    "type": "business",
                    "status": "prospect",
                    "segment": segments[index % 50],
                }
                tx.insert(Record("ServiceCustomer", data["id"], None, 1, data, now, now))
        conn: sqlite3.Connection = reg.storage._conn  # type: ignore[attr-defined]
        listings: dict[str, dict[str, Any]] = {
            "list 50 segments": {"limit": 50},
            "… by customerCount": {
                "where": {"customerCount": {"$gte": 1}},
                "sort": {"customerCount": -1},
                "limit": 50,
            },
        }
        rows, results = [], []
        for label, options in listings.items():
            seen: list[str] = []
            conn.set_trace_callback(seen.append)
            listed = reg.list("CustomerSegment", **options)
            conn.set_trace_callback(None)
            assert sum(s.customerCount for s in listed) == customers
            selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
            stats = repeat(lambda options=options: reg.list("CustomerSegment", **options), runs)
            rows.append(
                [
                    label,
                    fmt_ms(stats.median),
                    fmt_ms(stats.min),
                    str(len(selects)),
                    verdict(stats.median, LIST_TARGET),
                ]
            )
            results.append((label, stats, selects))
    print_table(["", "median", "min", "statements", f"≤{LIST_TARGET * 1e3:.0f} ms"], rows)
    for label, stats, selects in results:
        for statement in selects:
            print(f"    {statement[:150]}")
        record(
            "behaviour",
            f"{label} with count(customers)",
            stats,
            target=LIST_TARGET,
            note=f"{customers} customers, {len(selects)} statements",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    args = parser.parse_args(argv)
    count, runs, customers = (200, 5, 20_000) if args.quick else (1000, 7, 100_000)
    rounds = 8 if args.quick else 16
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        compare_consume(folder, count, rounds)
        durable_rate(folder, count, runs)
        segment_listing(folder, customers, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
