"""Benchmark: how nounkit's costs grow, with plots.

Run from anywhere (``--quick``: fewer sizes and runs)::

    python bench/scaling.py [--quick] [--out bench/] [--only compile,entities]

1. **Compile time against the number of nouns** (10 to 2,000 generated nouns of 20
   properties, the generator of bench_definitions.py): ``Registry.load`` (read and
   check) and compiling every model on a new registry, in this process.
2. **act() and query cost against stored entities** (1k to 100k customers, with as many
   entitlements pointing at them) on memory://, SQLite (the durable default settings)
   and TinyDB (to 10k: every TinyDB commit rewrites its file). The entities are
   written straight through the storage port, then each operation runs on top:
   ``get`` of a customer (which reads its five derived relationship lists), ``act``
   create, transition and custom (``consume``), and ``list`` with a filter, a sort and
   a limit on properties the catalog declares without ``index`` (so it reads every
   customer: its cost grows with them by design).

Each figure is the median of several runs of a batch of calls; the plots
(``scaling-compile.png``, ``scaling-entities.png``) are written next to RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _common import NOUNS, ROOT, banner, machine, print_table, record
from bench_definitions import write_nouns

from nounkit import Registry
from nounkit.dispatch.act import new_id
from nounkit.storage.base import Record, utc_now

NOUN_SIZES = (10, 50, 100, 250, 500, 1000, 2000)
ENTITY_SIZES = (1_000, 3_000, 10_000, 30_000, 100_000)
TINYDB_LIMIT = 10_000
LIST_QUERY: dict[str, Any] = {
    "where": {"status": "active", "healthScore": {"$lt": 40}},
    "sort": {"monthlySpend": -1},
    "limit": 50,
}


def _per_call(
    fn: Callable[[int], object], calls: int, runs: int, budget: float = 0.4
) -> list[float]:
    """Seconds per call of ``fn(i)``, one number per run of up to ``calls`` calls.

    A run stops early (after at least 3 calls) once it has taken ``budget`` seconds,
    so an operation that grows with the data cannot stretch the report to hours.
    """
    out = []
    for run in range(runs):
        gc.collect()
        start = time.perf_counter()
        done = 0
        while done < calls:
            fn(run * calls + done)
            done += 1
            if done >= 3 and time.perf_counter() - start > budget:
                break
        out.append((time.perf_counter() - start) / done)
    return out


# -- compile time against nouns -----------------------------------------------------------------


def bench_compile(sizes: Sequence[int], runs: int) -> dict[str, dict[int, list[float]]]:
    curves: dict[str, dict[int, list[float]]] = {"load + check": {}, "compile models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / f"n{n}"
            write_nouns(folder, n)
            loads, compiles = [], []
            for _ in range(runs):
                gc.collect()
                start = time.perf_counter()
                registry = Registry.load(folder, storage="memory://", handlers=())
                loaded = time.perf_counter()
                registry.models()
                done = time.perf_counter()
                loads.append(loaded - start)
                compiles.append(done - loaded)
                del registry
            curves["load + check"][n] = loads
            curves["compile models"][n] = compiles
            for label, values in (("load + check", loads), ("compile models", compiles)):
                record("Scaling: compile", f"{label}, {n} nouns", values)
            print(
                f"  {n:>5} nouns: load + check {statistics.median(loads):7.3f} s, "
                f"compile {statistics.median(compiles):7.3f} s",
                flush=True,
            )
    return curves


# -- act and query against stored entities ------------------------------------------------------


def _populate(registry: Registry, n: int) -> tuple[list[str], list[str]]:
    """``n`` active customers and ``n`` entitlements, written through the storage port."""
    storage = registry.storage
    now = utc_now()
    customers, entitlements = [], []
    batch = 5_000
    for start in range(0, n, batch):
        with storage.transaction() as tx:
            for i in range(start, min(start + batch, n)):
                cid, eid = new_id(), new_id()
                customers.append(cid)
                entitlements.append(eid)
                tx.insert(
                    Record(
                        "ServiceCustomer",
                        cid,
                        None,
                        1,
                        {
                            "id": cid,
                            "name": f"Customer {i}",
                            "type": "business",
                            "status": "active",
                            "healthScore": i % 100,
                            "monthlySpend": (i * 37) % 5000,
                        },
                        now,
                        now,
                    )
                )
                tx.insert(
                    Record(
                        "ServiceEntitlement",
                        eid,
                        None,
                        1,
                        {
                            "id": eid,
                            "name": "API calls",
                            "type": "quota",
                            "status": "active",
                            "customer": cid,
                            "unlimited": True,
                            "usedAmount": 0,
                        },
                        now,
                        now,
                    )
                )
    return customers, entitlements


OPERATIONS = ("get customer", "act create", "act transition", "act consume", "list query")


def _entity_ops(registry: Registry, n: int, calls: int, runs: int) -> dict[str, list[float]]:
    customers, entitlements = _populate(registry, n)
    step = max(1, n // (calls * runs))
    pick = [customers[(i * step) % n] for i in range(calls * runs)]
    grants = [entitlements[(i * step + 1) % n] for i in range(calls * runs)]
    fresh = [
        registry.act("ServiceCustomer.create", data={"name": "Fresh", "type": "business"}).id
        for _ in range(calls * runs)
    ]
    return {
        "get customer": _per_call(lambda i: registry.get("ServiceCustomer", pick[i]), calls, runs),
        "act create": _per_call(
            lambda i: registry.act(
                "ServiceCustomer.create", data={"name": "New", "type": "business"}
            ),
            calls,
            runs,
        ),
        "act transition": _per_call(
            lambda i: registry.act("ServiceCustomer.activate", id=fresh[i]), calls, runs
        ),
        "act consume": _per_call(
            lambda i: registry.act("consume", id=grants[i], data={"amount": 1}), calls, runs
        ),
        "list query": _per_call(
            lambda i: registry.list("ServiceCustomer", **LIST_QUERY), calls, runs
        ),
    }


def bench_entities(
    sizes: Sequence[int], calls: int, runs: int
) -> dict[str, dict[str, dict[int, list[float]]]]:
    results: dict[str, dict[str, dict[int, list[float]]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in ("memory", "sqlite", "tinydb"):
            curves: dict[str, dict[int, list[float]]] = {op: {} for op in OPERATIONS}
            for n in sizes:
                if backend == "tinydb" and n > TINYDB_LIMIT:
                    continue
                url = {
                    "memory": "memory://",
                    "sqlite": f"sqlite:///{Path(tmp) / f'{n}.sqlite'}",
                    "tinydb": f"tinydb:///{Path(tmp) / f'{n}.json'}",
                }[backend]
                registry = Registry.load(NOUNS, storage=url, handlers=["nounkit.catalog.customers"])
                with registry:
                    few = calls if backend != "tinydb" else max(5, calls // 4)
                    figures = _entity_ops(registry, n, few, runs)
                for op, values in figures.items():
                    curves[op][n] = values
                    record("Scaling: entities", f"{op} ({backend}, {n:,} entities)", values)
                row = ", ".join(
                    f"{op} {statistics.median(v) * 1e3:.2f} ms" for op, v in figures.items()
                )
                print(f"  {backend:<7}{n:>8,}: {row}", flush=True)
            results[backend] = curves
    return results


# -- plots --------------------------------------------------------------------------------------


def _plot(
    path: Path, title: str, panels: dict[str, dict[str, dict[int, list[float]]]], x: str
) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"  matplotlib is not installed: no {path.name} (pip install -e '.[bench]')")
        return
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.2), squeeze=False)
    for ax, (name, curves) in zip(axes[0], panels.items(), strict=True):
        for label, points in curves.items():
            if not points:
                continue
            xs = sorted(points)
            mids = [statistics.median(points[n]) * 1e3 for n in xs]
            lows = [min(points[n]) * 1e3 for n in xs]
            highs = [max(points[n]) * 1e3 for n in xs]
            ax.plot(xs, mids, marker="o", label=label)
            ax.fill_between(xs, lows, highs, alpha=0.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(x)
        ax.set_ylabel("ms (median; band: min..max)")
        ax.set_title(name)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"  wrote {path}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and runs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench", help="where the PNGs go")
    parser.add_argument("--only", default="compile,entities", help="compile, entities or both")
    parser.add_argument("--json", type=Path, help="also write the curves as JSON here")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    banner("nounkit benchmark: scaling")
    for key, value in machine():
        print(f"  {key + ':':<14}{value}")
    curves: dict[str, Any] = {}
    if "compile" in only:
        noun_sizes: Sequence[int] = (10, 100, 500, 1000) if args.quick else NOUN_SIZES
        print("\ncompile time against nouns")
        compile_curves = bench_compile(noun_sizes, 1 if args.quick else 3)
        curves["compile"] = compile_curves
        _plot(
            args.out / "scaling-compile.png",
            "Compile time against the number of nouns (20 properties each)",
            {"Registry.load and models()": compile_curves},
            "nouns",
        )
    if "entities" in only:
        entity_sizes: Sequence[int] = (1_000, 10_000) if args.quick else ENTITY_SIZES
        print("\nact() and query cost against stored entities")
        entity_curves = bench_entities(entity_sizes, 20 if args.quick else 40, 3)
        curves["entities"] = entity_curves
        _plot(
            args.out / "scaling-entities.png",
            "Cost per call against stored customers (and as many entitlements)",
            entity_curves,
            "stored customers",
        )
        rows = []
        for backend, ops in entity_curves.items():
            for op, points in ops.items():
                if points:
                    xs = sorted(points)
                    first, last = (
                        statistics.median(points[xs[0]]),
                        statistics.median(points[xs[-1]]),
                    )
                    rows.append(
                        [backend, op, f"{first * 1e3:.2f} ms", f"{last * 1e3:.2f} ms",
                         f"{xs[-1] // xs[0]}x", f"{last / first:.1f}x"]
                    )  # fmt: skip
        print()
        print_table(["backend", "operation", "smallest", "largest", "entities", "cost"], rows)
    if args.json:
        args.json.write_text(json.dumps(curves, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
