"""Benchmark: JSON-LD documents for 10,000 entities, nounkit against pyld per entity.

Run from anywhere::

    python bench/bench_jsonld.py [--count N] [--runs R] [--quick]

Entities of every catalog noun (nouns/), round-robin, with most properties set:

  to_jsonld    registry.to_jsonld(entity) for each, against pyld's
               jsonld.compact(expanded, context) for each (pyld given the expanded
               document ready-made, nounkit's offline loader and a warm context cache:
               its best case)
  from_jsonld  registry.from_jsonld(document) of each compact document, against the
               same documents with the context inline, which from_jsonld reads through
               pyld's expand (what any pyld-based reader pays), model validation included

Before timing, every output is compared: nounkit's compact documents must equal
pyld's compaction byte for byte (serialized with key order), and every document
must read back to its entity. Prints figures and PASS/MISS against the issue's
target (at least 10x faster than per-entity pyld); exits 1 only if outputs differ.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any

from _common import (
    NOUNS,
    Sample,
    Stats,
    banner,
    fmt_ratio,
    fmt_us,
    machine,
    print_table,
    record,
    repeat,
    verdict,
)
from pyld import jsonld

from nounkit import Registry
from nounkit.jsonld import engine

TARGET = 10.0  # nounkit must be at least this many times faster than pyld per entity
COUNT = 10_000


def _value(kind: str, name: str, rng: random.Random) -> Any:
    if kind in ("number", "integer"):
        return rng.randint(0, 1000) if kind == "integer" or rng.random() < 0.5 else rng.random()
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "datetime":
        moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**8))
        return moment.isoformat().replace("+00:00", "Z")
    if kind == "date":
        return (datetime(2024, 1, 1) + timedelta(days=rng.randint(0, 3000))).date().isoformat()
    if kind == "json":
        # Objects: pyld 3 mangles one-item JSON arrays (see nounkit.jsonld README), and the
        # comparison below must hold for every document.
        return {"plan": name, "n": rng.randint(0, 9), "tags": ["a", "b"]}
    if kind == "email":
        return f"user{rng.randint(0, 999)}@example.com"
    if kind == "url":
        return f"https://example.com/{rng.randint(0, 999)}"
    return f"{name}-{rng.randint(0, 99_999)}"


def make_entities(registry: Registry, count: int, seed: int = 7) -> list[Any]:
    """``count`` valid entities, every catalog noun in turn, most properties filled."""
    rng = random.Random(seed)
    names = list(registry.nouns)
    entities = []
    for index in range(count):
        noun = registry.nouns[names[index % len(names)]]
        data: dict[str, Any] = {"id": f"{noun.singular}-{index:06d}"}
        for name, prop in noun.properties.items():
            if name == "id" or prop.computed is not None:
                continue
            if prop.optional and rng.random() < 0.3:
                continue
            if prop.enum:
                value: Any = rng.choice(prop.enum)
            elif prop.pattern == "^[A-Z]{3}$":
                value = rng.choice(["EUR", "USD", "GBP"])
            else:
                value = _value(prop.type, name, rng)
            if prop.minimum is not None and isinstance(value, int | float):
                value = max(value, prop.minimum)
            if prop.maximum is not None and isinstance(value, int | float):
                value = min(value, prop.maximum)
            data[name] = [value] if prop.array else value
        for name, rel in noun.relationships.items():
            target = registry.nouns[rel.target]
            ident = f"{target.singular}-{rng.randint(0, 999):06d}"
            data[name] = [ident, ident + "b"] if rel.many else ident
        entities.append(registry.validate(noun.name, data))
    return entities


def compare(registry: Registry, entities: list[Any]) -> int:
    """Count the documents that differ from pyld's compaction or do not read back."""
    processor = engine(registry)
    differ = 0
    for entity in entities:
        ours = registry.to_jsonld(entity)
        expanded = registry.to_jsonld(entity, form="expanded")
        theirs = jsonld.compact(expanded, ours["@context"], processor.options())
        if json.dumps(ours) != json.dumps(theirs) or registry.from_jsonld(ours) != entity:
            differ += 1
            if differ <= 3:
                print(f"  DIFFERENT: {json.dumps(ours)[:300]}")
                print(f"       pyld: {json.dumps(theirs)[:300]}")
    return differ


def per_entity(stats: Stats, count: int) -> Stats:
    """The same runs, each divided by the number of entities."""
    return Stats.of(Sample(s.wall / count, s.cpu / count, s.gc / count) for s in stats.samples)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--count", type=int, default=COUNT, help=f"entities (default {COUNT})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of nounkit's side")
    parser.add_argument("--quick", action="store_true", help="1,000 entities, 3 runs")
    args = parser.parse_args(argv)
    count, runs = (1000, 3) if args.quick else (args.count, args.runs)

    banner("nounkit benchmark: JSON-LD" + (" (--quick)" if args.quick else ""))
    for label, value in machine():
        print(f"  {label:<13} {value}")
    print(f"  {'pyld':<13} {metadata.version('PyLD')}")

    registry = Registry.load(NOUNS, storage="memory://", handlers=())
    processor = engine(registry)
    entities = make_entities(registry, count)
    documents = [registry.to_jsonld(e) for e in entities]
    expanded = [registry.to_jsonld(e, form="expanded") for e in entities]
    inline = [
        {**d, "@context": registry.context(e.__noun__.name)["@context"]}
        for d, e in zip(documents, entities, strict=True)
    ]

    banner(f"1. Same output: {count:,} documents against pyld")
    differ = compare(registry, entities)
    print(f"  {count - differ:,} of {count:,} compact documents identical to pyld's compaction")
    print("  and read back by from_jsonld to the very entity")

    options = processor.options()  # one resolver: pyld's context cache stays warm

    def pyld_compact() -> None:
        for document, item in zip(documents, expanded, strict=True):
            jsonld.compact(item, document["@context"], options)

    def ours_to() -> None:
        for entity in entities:
            registry.to_jsonld(entity)

    def pyld_from() -> None:
        for document in inline:
            registry.from_jsonld(document)

    def ours_from() -> None:
        for document in documents:
            registry.from_jsonld(document)

    banner(f"2. Time for {count:,} entities")
    ours_to_stats, ours_from_stats = repeat(ours_to, runs), repeat(ours_from, runs)
    pyld_runs = 1 if count >= 5000 else runs  # pyld's side takes seconds per run
    pyld_to_stats, pyld_from_stats = repeat(pyld_compact, pyld_runs), repeat(pyld_from, pyld_runs)
    rows = []
    results = []
    for label, ours, theirs, what in (
        ("to_jsonld", ours_to_stats, pyld_to_stats, "pyld compact"),
        ("from_jsonld", ours_from_stats, pyld_from_stats, "pyld expand + read"),
    ):
        ratio = theirs.median / ours.median
        ratio_cpu = theirs.cpu / ours.cpu
        results.append(verdict(TARGET, ratio))
        rows.append(
            [
                label,
                fmt_us(ours.median / count),
                f"{what}: {fmt_us(theirs.median / count)}",
                fmt_ratio(ratio),
                fmt_ratio(ratio_cpu),
                f">= {TARGET:.0f}x",
                verdict(TARGET, ratio),
            ]
        )
        record(
            "JSON-LD",
            f"{label} per entity ({count:,} entities)",
            per_entity(ours, count),
            peer=f"{what} per entity",
            peer_value=per_entity(theirs, count),
            note=f"target: at least {TARGET:.0f}x faster than pyld per entity",
        )
    print(
        f"  Per entity, median wall time of {runs} runs (pyld: {pyld_runs}); "
        "the speed-up also in CPU time."
    )
    print()
    print_table(["", "nounkit", "per-entity pyld", "speed-up", "cpu", "target", "result"], rows)
    print()
    print(f"  outputs identical: {'yes' if not differ else f'NO, {differ} differ'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
