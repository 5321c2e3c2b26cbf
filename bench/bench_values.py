"""Value types: nested validation against hand-written pydantic, nested queries on SQLite.

1. 10,000 quotes of 5 items (examples/quotes) through the compiled CustomerQuote model
   and through a careful hand-written nested pydantic model (target: ≤ 1.2x).
2. ``shipTo.city`` (an indexed path into a value) over 100,000 stored quotes on SQLite
   (target: ≤ 2 ms a query), against the same statement on raw sqlite3.
3. ``items.sku`` (a path through a list of values: any item) over the same 100,000; no
   index can serve it, so it is reported with the plan SQLite chose.

Run: ``.venv/bin/python bench/bench_values.py [--quick]``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

from _common import (
    ROOT,
    Stats,
    banner,
    fmt_ms,
    fmt_ratio,
    fmt_us,
    loop,
    print_table,
    record,
    timed,
)
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from nounkit import Registry

QUOTES = ROOT / "examples" / "quotes"
VALIDATION_TARGET = 1.2
QUERY_TARGET = 0.002  # seconds per indexed nested query

CAREFUL = ConfigDict(extra="forbid", allow_inf_nan=False)
Price = Annotated[StrictInt | StrictFloat, Field(ge=0)]


class CarefulAddress(BaseModel):
    model_config = CAREFUL
    street: Annotated[StrictStr, Field(min_length=1)]
    city: Annotated[StrictStr, Field(min_length=1)]
    state: StrictStr | None = None
    zipCode: StrictStr | None = None
    country: Annotated[StrictStr, Field(pattern=r"^[A-Z]{2}$")]


class CarefulItem(BaseModel):
    model_config = CAREFUL
    sku: Annotated[StrictStr, Field(min_length=1)]
    quantity: Annotated[StrictInt, Field(ge=1)]
    unitPrice: Price
    totalPrice: StrictInt | StrictFloat | None = None


class CarefulQuote(BaseModel):
    """CustomerQuote as a careful user writes it: nested models, JSON's types, no coercion."""

    model_config = CAREFUL
    id: StrictStr
    number: StrictStr
    items: Annotated[list[CarefulItem], Field(min_length=1, max_length=200)]
    subtotal: StrictInt | StrictFloat | None = None
    discount: Annotated[StrictInt | StrictFloat, Field(ge=0, le=1)] | None = None
    total: StrictInt | StrictFloat | None = None
    shipTo: CarefulAddress | None = None
    status: StrictStr = "draft"


CITIES = ["Paris", "Rome", "Berlin", "Madrid", "Lisbon", "Oslo", "Vienna", "Prague"]


def quotes(count: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    found = []
    for i in range(count):
        items = [
            {
                "sku": f"SKU-{rng.randrange(1000):04d}",
                "quantity": rng.randint(1, 9),
                "unitPrice": rng.choice([rng.randint(1, 500), round(rng.uniform(1, 500), 2)]),
            }
            for _ in range(5)
        ]
        found.append(
            {
                "id": f"q{i:06d}",
                "number": f"Q-{i:06d}",
                "items": items,
                "discount": rng.choice([None, 0.1, 0.25]),
                "shipTo": {
                    "street": f"{rng.randint(1, 99)} Main St",
                    "city": f"{rng.choice(CITIES)}-{rng.randrange(1000)}",
                    "country": "FR",
                },
                "status": "draft",
            }
        )
    return found


def bench_validation(count: int, runs: int) -> None:
    banner(f"1. Validating {count:,} quotes of 5 items: compiled model vs nested pydantic")
    reg = Registry.load(QUOTES)
    compiled = reg.model("CustomerQuote")
    data = quotes(count)
    for document in data[:50]:  # the two agree on what they take
        compiled.model_validate(document)
        CarefulQuote.model_validate(document)
    models = [("compiled CustomerQuote", compiled), ("careful CarefulQuote", CarefulQuote)]
    for _, model in models:
        loop(model.model_validate, data[:200])()
    samples: dict[str, list[Any]] = {label: [] for label, _ in models}
    for _ in range(runs):  # interleaved: drift in machine load hits both alike
        for label, model in models:
            samples[label].append(timed(loop(model.model_validate, data)))
    ours, theirs = (Stats.of(samples[label]) for label, _ in models)
    record(
        "Value types",
        f"validate {count:,} quotes of 5 items",
        ours,
        peer="careful hand-written nested pydantic model",
        peer_value=theirs,
        # The target is on the ratio, which the report works out beside the peer; a
        # target here would read as seconds.
        note=f"target: ≤ {VALIDATION_TARGET}x the careful model; each through model_validate",
    )
    ratio = ours.median / theirs.median
    print_table(
        ["model", "per quote", "all", "ratio", "target"],
        [
            [
                "compiled",
                fmt_us(ours.median / count),
                fmt_ms(ours.median),
                fmt_ratio(ratio),
                f"≤ {VALIDATION_TARGET}x: {'PASS' if ratio <= VALIDATION_TARGET else 'MISS'}",
            ],
            ["careful", fmt_us(theirs.median / count), fmt_ms(theirs.median), "1.00x", "-"],
        ],
    )


def _median_time(run: Callable[[], object], times: int) -> list[float]:
    found = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        found.append(time.perf_counter() - start)
    return found


def bench_queries(count: int, times: int) -> None:
    banner(f"2-3. Nested queries over {count:,} quotes on SQLite")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quotes.sqlite"
        reg = Registry.load(QUOTES, storage=f"sqlite:///{path}")
        data = quotes(count, seed=1)
        started = time.perf_counter()
        storage = reg.storage
        model = reg.model("CustomerQuote")
        from nounkit.storage import Record

        stamp = "2026-12-03T00:00:00.000000Z"
        for start in range(0, count, 5000):
            with storage.transaction() as tx:
                for document in data[start : start + 5000]:
                    stored = model.model_validate(document).model_dump(
                        mode="json", by_alias=True, exclude_none=True
                    )
                    tx.insert(Record("CustomerQuote", stored["id"], None, 1, stored, stamp, stamp))
        print(f"  stored {count:,} quotes in {time.perf_counter() - started:.1f} s")
        city = data[count // 2]["shipTo"]["city"]
        sku = data[count // 2]["items"][0]["sku"]
        by_city = {"shipTo.city": city}
        by_sku = {"items.sku": sku}
        expected_city = sum(1 for d in data if d["shipTo"]["city"] == city)
        expected_sku = sum(1 for d in data if any(i["sku"] == sku for i in d["items"]))
        assert len(reg.list("CustomerQuote", where=by_city)) == expected_city
        assert len(reg.list("CustomerQuote", where=by_sku)) == expected_sku
        ours_city = _median_time(lambda: reg.list("CustomerQuote", where=by_city), times)
        ours_sku = _median_time(
            lambda: reg.list("CustomerQuote", where=by_sku), max(3, times // 10)
        )
        reg.close()

        raw = sqlite3.connect(path)
        table = raw.execute("SELECT tbl FROM nk_nouns WHERE noun = 'CustomerQuote'").fetchone()[0]
        city_sql = (
            f'SELECT id, data FROM "{table}" WHERE tenant = ? AND '
            'json_extract(data, \'$."shipTo"."city"\') = ? ORDER BY id'
        )
        sku_sql = (
            f'SELECT id, data FROM "{table}" WHERE tenant = ? AND EXISTS (SELECT 1 FROM '
            "json_each(data, '$.\"items\"') AS e0 WHERE json_extract(e0.value, '$.\"sku\"') = ?)"
            " ORDER BY id"
        )
        raw_city = _median_time(lambda: raw.execute(city_sql, ("", city)).fetchall(), times)
        raw_sku = _median_time(
            lambda: raw.execute(sku_sql, ("", sku)).fetchall(), max(3, times // 10)
        )
        plans = {}
        for name, sql, value in (("city", city_sql, city), ("sku", sku_sql, sku)):
            rows = raw.execute(f"EXPLAIN QUERY PLAN {sql}", ("", value))
            plans[name] = "; ".join(str(row[-1]) for row in rows)
        raw.close()
    record(
        "Value types",
        f"indexed shipTo.city query over {count:,} SQLite quotes ({expected_city} matches)",
        ours_city,
        peer="raw sqlite3, the same statement",
        peer_value=raw_city,
        target=QUERY_TARGET,
        note=f"target: < {QUERY_TARGET * 1e3:g} ms; plan: {plans['city']}",
    )
    record(
        "Value types",
        f"items.sku query over {count:,} SQLite quotes ({expected_sku} matches)",
        ours_sku,
        peer="raw sqlite3, the same statement",
        peer_value=raw_sku,
        note=f"no target; no index serves a path through a list; plan: {plans['sku']}",
    )
    city_ms, sku_ms = statistics.median(ours_city), statistics.median(ours_sku)
    print_table(
        ["query", "nounkit", "raw sqlite3", "ratio", "target", "plan"],
        [
            [
                f"shipTo.city ({expected_city} rows)",
                fmt_us(city_ms),
                fmt_us(statistics.median(raw_city)),
                fmt_ratio(city_ms / statistics.median(raw_city)),
                f"< 2 ms: {'PASS' if city_ms < QUERY_TARGET else 'MISS'}",
                plans["city"],
            ],
            [
                f"items.sku ({expected_sku} rows)",
                fmt_ms(sku_ms),
                fmt_ms(statistics.median(raw_sku)),
                fmt_ratio(sku_ms / statistics.median(raw_sku)),
                "-",
                plans["sku"],
            ],
        ],
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer entities and runs")
    args = parser.parse_args(argv)
    bench_validation(2_000 if args.quick else 10_000, 3 if args.quick else 5)
    bench_queries(10_000 if args.quick else 100_000, 20 if args.quick else 100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
