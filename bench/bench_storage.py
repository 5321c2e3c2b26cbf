"""Storage throughput: insert, get and query per backend, at 1k, 10k and 100k entities.

Each backend is measured against what it is built on, doing the same work in
the same run: our TinyDB storage against stock TinyDB (its JSONStorage, one
insert per write), our SQLite storage against raw ``sqlite3`` (same table
shape, same JSON expression indexes, same WAL and fsync settings, one
transaction per insert). Every insert is its own committed transaction;
gets fetch random ids; queries are an indexed equality (about N/1000
matches, all returned) and an indexed range sorted and limited to 20.

    python bench/bench_storage.py            # full: 1k, 10k, 100k (TinyDB to 10k)
    python bench/bench_storage.py --quick    # 1k and 10k, fewer repetitions
    python bench/bench_storage.py --postgres postgresql://user@host/db

Printed: the median cost per operation over several rounds, operations per
second, the ratio to the baseline (ours / theirs, below 1 is faster: the
median of per-round ratios, ours and the baseline taking turns within each
round so that a busy machine slows both alike), and how the cost grows with
size (relative to 1k). Targets: SQLite within 3x of raw
sqlite3; an indexed equality query over 100k SQLite entities under 5 ms; our
TinyDB no slower than stock TinyDB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from _common import record as record_figure
from tinydb import Query as TinyQuery
from tinydb import TinyDB

from nounkit.language.spec import NounDef, PropertyDef
from nounkit.storage import Query, Record, Storage, open_storage

ITEM = NounDef(
    name="Item",
    singular="item",
    plural="items",
    description="A benchmark entity",
    properties={
        "id": PropertyDef(name="id", type="string"),
        "name": PropertyDef(name="name", type="string"),
        "code": PropertyDef(name="code", type="string", index=True),
        "price": PropertyDef(name="price", type="number", index=True),
        "at": PropertyDef(name="at", type="datetime", optional=True),
        "tags": PropertyDef(name="tags", type="string", array=True, optional=True),
    },
    relationships={},
    actions={},
    events=(),
)
NOUNS = {"Item": ITEM}
STAMP = "2026-11-21T12:00:00.000000Z"
OPS = ("insert", "get", "query_eq", "query_range")


def item(i: int, rng: random.Random) -> dict[str, Any]:
    hour = rng.randrange(24)
    return {
        "id": f"it{i:07d}",
        "name": f"Item number {i}",
        "code": f"c{rng.randrange(1000):04d}",
        "price": round(rng.uniform(0, 1000), 2),
        "at": f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{hour:02d}:00:00+01:00",
        "tags": [f"t{rng.randrange(20)}", f"t{rng.randrange(20)}"],
    }


def record(data: dict[str, Any]) -> Record:
    return Record("Item", data["id"], None, 1, data, STAMP, STAMP)


class Subject:
    """One store under test: load, then the four operations."""

    name = ""

    def load(self, rows: list[dict[str, Any]]) -> None: ...
    def insert(self, data: dict[str, Any]) -> None: ...
    def get(self, id: str) -> Any: ...
    def query_eq(self, code: str) -> list[Any]: ...
    def query_range(self, low: float) -> list[Any]: ...
    def close(self) -> None: ...


class Ours(Subject):
    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.storage: Storage = open_storage(url, NOUNS)

    def load(self, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), 5000):
            with self.storage.transaction() as tx:
                for data in rows[start : start + 5000]:
                    tx.insert(record(data))

    def insert(self, data: dict[str, Any]) -> None:
        with self.storage.transaction() as tx:
            tx.insert(record(data))

    def get(self, id: str) -> Any:
        return self.storage.get("Item", id)

    def query_eq(self, code: str) -> list[Any]:
        return self.storage.query("Item", Query(where={"code": code})).records

    def query_range(self, low: float) -> list[Any]:
        query = Query(where={"price": {"$gte": low, "$lt": low + 5}}, sort={"price": -1}, limit=20)
        return self.storage.query("Item", query).records

    def close(self) -> None:
        self.storage.close()


class StockTinyDB(Subject):
    """TinyDB as shipped: JSONStorage, a read of the whole file per operation."""

    name = "stock TinyDB"

    def __init__(self, path: Path) -> None:
        self.db = TinyDB(path)
        self.table = self.db.table("Item")
        self.ids: dict[str, int] = {}

    def load(self, rows: list[dict[str, Any]]) -> None:
        docs = [{"id": d["id"], "version": 1, "data": d} for d in rows]
        for data, doc_id in zip(rows, self.table.insert_multiple(docs), strict=True):
            self.ids[data["id"]] = doc_id

    def insert(self, data: dict[str, Any]) -> None:
        self.ids[data["id"]] = self.table.insert({"id": data["id"], "version": 1, "data": data})

    def get(self, id: str) -> Any:
        return self.table.get(doc_id=self.ids[id])

    def query_eq(self, code: str) -> list[Any]:
        self.table.clear_cache()  # measure the search, not TinyDB's query cache
        return self.table.search(TinyQuery().data.code == code)

    def query_range(self, low: float) -> list[Any]:
        self.table.clear_cache()
        found = self.table.search(TinyQuery().data.price.test(lambda p: low <= p < low + 5))
        return sorted(found, key=lambda d: (-d["data"]["price"], d["id"]))[:20]

    def close(self) -> None:
        self.db.close()


class RawSQLite(Subject):
    """sqlite3 by hand: the same table shape, indexes and settings as ours."""

    name = "raw sqlite3"

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute(
            "CREATE TABLE items (id TEXT PRIMARY KEY, version INTEGER, data TEXT, keys TEXT)"
        )
        self.conn.execute("CREATE INDEX i_code ON items (json_extract(data, '$.code'), id)")
        self.conn.execute("CREATE INDEX i_price ON items (json_extract(data, '$.price'), id)")

    def _row(self, data: dict[str, Any]) -> tuple[str, int, str, str]:
        return data["id"], 1, json.dumps(data), json.dumps({"at": data.get("at")})

    def load(self, rows: list[dict[str, Any]]) -> None:
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?)", map(self._row, rows))
        self.conn.execute("COMMIT")

    def insert(self, data: dict[str, Any]) -> None:
        self.conn.execute("INSERT INTO items VALUES (?, ?, ?, ?)", self._row(data))

    def get(self, id: str) -> Any:
        row = self.conn.execute("SELECT version, data FROM items WHERE id = ?", (id,)).fetchone()
        return json.loads(row[1])

    def query_eq(self, code: str) -> list[Any]:
        rows = self.conn.execute(
            "SELECT id, data FROM items WHERE json_extract(data, '$.code') = ? ORDER BY id",
            (code,),
        )
        return [json.loads(r[1]) for r in rows]

    def query_range(self, low: float) -> list[Any]:
        rows = self.conn.execute(
            "SELECT id, data FROM items WHERE json_extract(data, '$.price') >= ? "
            "AND json_extract(data, '$.price') < ? "
            "ORDER BY json_extract(data, '$.price') DESC, id LIMIT 20",
            (low, low + 5),
        )
        return [json.loads(r[1]) for r in rows]

    def close(self) -> None:
        self.conn.close()


@dataclass
class Result:
    subject: str
    size: int
    op: str
    seconds: float  # median over rounds of the mean cost per operation
    load: float  # seconds to load the store before measuring
    ratio: float | None = None  # median over rounds of (ours / baseline), same round


COUNTS = {"insert": 100, "get": 3000, "query_eq": 300, "query_range": 300}


def once(run: Callable[[], object], *, ops: int, budget: float) -> float:
    """Mean cost per op over up to ``ops`` ops (at least 3), stopping past ``budget`` s."""
    started = time.perf_counter()
    done = 0
    while done < ops and (done < 3 or time.perf_counter() - started < budget):
        run()
        done += 1
    return (time.perf_counter() - started) / done


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="nounkit-bench-", dir=os.environ.get("BENCH_DIR")) as d:
        yield Path(d)


class Runner:
    """One loaded subject and the operations to time on it."""

    def __init__(self, subject: Subject, rows: list[dict[str, Any]], seed: int) -> None:
        self.subject = subject
        self.rng = random.Random(seed)
        started = time.perf_counter()
        subject.load(rows)
        self.load = time.perf_counter() - started
        self.size = len(rows)
        self.ids = [r["id"] for r in rows]
        self.fresh = iter(range(len(rows), len(rows) + 10**7))

    def op(self, name: str) -> Callable[[], object]:
        rng, subject = self.rng, self.subject
        return {
            "insert": lambda: subject.insert(item(next(self.fresh), rng)),
            "get": lambda: subject.get(self.ids[rng.randrange(self.size)]),
            "query_eq": lambda: subject.query_eq(f"c{rng.randrange(1000):04d}"),
            "query_range": lambda: subject.query_range(rng.uniform(0, 995)),
        }[name]


def bench_size(
    makers: list[Callable[[Path], Subject]], size: int, *, rounds: int, budget: float
) -> list[Result]:
    """Load every subject at this size, then time each op in rounds, the subjects taking
    turns within a round, so that a busy machine slows them alike and ratios hold."""
    rng = random.Random(size)
    rows = [item(i, rng) for i in range(size)]
    with folder() as where:
        runners = [Runner(make(where), rows, seed=size) for make in makers]
        results = []
        for op in OPS:
            costs: list[list[float]] = [[] for _ in runners]
            for _ in range(rounds):
                for runner, cost in zip(runners, costs, strict=True):
                    cost.append(once(runner.op(op), ops=COUNTS[op], budget=budget))
            _record(op, runners, costs)
            for runner, cost in zip(runners, costs, strict=True):
                ratio = None  # ours (the first) against its baseline (the second)
                if runner is runners[0] and len(runners) > 1:
                    ratio = statistics.median(a / b for a, b in zip(cost, costs[1], strict=True))
                results.append(
                    Result(
                        runner.subject.name, size, op, statistics.median(cost), runner.load, ratio
                    )
                )
        for runner in runners:
            runner.subject.close()
    return results


OP_FIGURES = {
    "insert": ("insert", "one committed transaction per insert"),
    "get": ("get by id", "random ids"),
    "query_eq": ("equality query", "indexed equality, about N/1000 matches, all returned"),
    "query_range": ("range query", "indexed range, sorted, first 20"),
}


def _peer(subject: Subject) -> str:
    if isinstance(subject, StockTinyDB):
        return f"stock TinyDB {metadata.version('tinydb')}"
    return subject.name


def _record(op: str, runners: list[Runner], costs: list[list[float]]) -> None:
    """Ours (the first runner) in ops/s, one value per round, beside its baseline's rounds."""
    ours, size = runners[0], runners[0].size
    backend = ours.subject.name.removeprefix("nounkit ")
    stored = f"{size // 1000}k" if size % 1000 == 0 else f"{size:,}"
    what, how = OP_FIGURES[op]
    notes = [how]
    target = None
    if backend == "SQLite":
        notes.append("target: within 3x of raw sqlite3 per op")
        if op == "query_eq" and size == 100_000:
            target = 200.0  # under 5 ms per query
            notes.append("target: under 5 ms per query (200 ops/s)")
    elif backend == "TinyDB":
        notes.append("target: no slower than stock TinyDB")
    peer = runners[1] if len(runners) > 1 else None
    section = "Storage"
    record_figure(
        section,
        f"{what} at {stored} entities ({backend})",
        [1 / c for c in costs[0]],
        unit="ops/s",
        higher_is_better=True,
        peer=_peer(peer.subject) if peer else None,
        peer_value=[1 / c for c in costs[1]] if peer else None,
        target=target,
        note="; ".join(notes),
    )
    if op == OPS[0]:
        record_figure(
            section,
            f"load {stored} entities before measuring ({backend})",
            ours.load,
            peer=_peer(peer.subject) if peer else None,
            peer_value=peer.load if peer else None,
            note="one run; ours 5,000 records per transaction"
            + (f", {peer.subject.name} one bulk insert" if peer else ""),
        )


def run(sizes: list[int], *, rounds: int, budget: float, postgres: str | None) -> list[Result]:
    """Each group is measured together: ours first, then its baseline."""
    groups: list[tuple[list[Callable[[Path], Subject]], int]] = [
        ([lambda p: Ours("memory", "memory://")], max(sizes)),
        (
            [
                lambda p: Ours("nounkit TinyDB", f"tinydb:///{p}/db.json"),
                lambda p: StockTinyDB(p / "stock.json"),
            ],
            10_000,
        ),
        (
            [
                lambda p: Ours("nounkit SQLite", f"sqlite:///{p}/db.sqlite"),
                lambda p: RawSQLite(p / "raw.sqlite"),
            ],
            max(sizes),
        ),
    ]
    if postgres:
        groups.append(([lambda p: _postgres(postgres)], max(sizes)))
    results = []
    for makers, limit in groups:
        for size in sizes:
            if size <= limit:
                found = bench_size(makers, size, rounds=rounds, budget=budget)
                results += found
                names = " vs ".join(dict.fromkeys(r.subject for r in found))
                print(f"  measured {names} at {size:,}", file=sys.stderr, flush=True)
    return results


def _postgres(url: str) -> Subject:
    import psycopg

    schema = f"nk_bench_{os.getpid()}_{time.monotonic_ns() % 10**6}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in url else "?"
    subject = Ours("nounkit PostgreSQL", f"{url}{joiner}options=-csearch_path%3D{schema}")
    close = subject.close

    def drop() -> None:
        close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    subject.close = drop  # type: ignore[method-assign]
    return subject


def report(results: list[Result], sizes: list[int]) -> None:
    by = {(r.subject, r.size, r.op): r for r in results}
    subjects = list(dict.fromkeys(r.subject for r in results))
    for op in OPS:
        print(f"\n{op}")
        print(
            f"  {'backend':<20}{'entities':>9}{'per op':>12}{'ops/s':>11}"
            f"{'vs baseline':>13}{'vs 1k':>8}"
        )
        for subject in subjects:
            for size in sizes:
                r = by.get((subject, size, op))
                if r is None:
                    continue
                ratio = "" if r.ratio is None else f"{r.ratio:.2{'g' if r.ratio < 0.1 else 'f'}}x"
                first = by.get((subject, sizes[0], op))
                growth = f"{r.seconds / first.seconds:.1f}x" if first and size != sizes[0] else ""
                print(
                    f"  {subject:<20}{size:>9,}{_time(r.seconds):>12}{1 / r.seconds:>11,.0f}"
                    f"{ratio:>13}{growth:>8}"
                )
    print("\nloading the store before measuring (ours: 5,000 records per transaction)")
    for subject in subjects:
        loads = [
            f"{s:,}: {by[(subject, s, 'get')].load:.2f} s"
            for s in sizes
            if (subject, s, "get") in by
        ]
        print(f"  {subject:<20}" + ", ".join(loads))
    print()
    sqlite_eq = by.get(("nounkit SQLite", sizes[-1], "query_eq"))
    if sqlite_eq and sizes[-1] == 100_000:
        verdict = "met" if sqlite_eq.seconds < 0.005 else "MISSED"
        print(
            "target: indexed equality over 100k SQLite entities under 5 ms: "
            f"{_time(sqlite_eq.seconds)} ({verdict})"
        )
    for ours, limit, label in (
        ("nounkit SQLite", 3.0, "SQLite within 3x of raw sqlite3"),
        ("nounkit TinyDB", 1.0, "our TinyDB no slower than stock TinyDB"),
    ):
        ratios = [
            (r.ratio, r.op, r.size) for r in results if r.subject == ours and r.ratio is not None
        ]
        if ratios:
            worst, op, size = max(ratios)
            verdict = "met" if worst <= limit else "MISSED"
            print(f"target: {label}: worst ratio {worst:.2f}x ({op} at {size:,}) ({verdict})")


def _time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer rounds")
    parser.add_argument("--postgres", metavar="URL", help="also measure PostgreSQL at this URL")
    args = parser.parse_args(argv)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    rounds, budget = (3, 0.3) if args.quick else (7, 0.6)
    started = time.perf_counter()
    results = run(sizes, rounds=rounds, budget=budget, postgres=args.postgres)
    report(results, sizes)
    print(
        f"\n({time.perf_counter() - started:.0f} s; Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version}; {rounds} rounds, medians)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
