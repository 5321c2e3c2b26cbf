"""Benchmark: loading, checking and compiling noun definitions, and validating with the models.

Run from anywhere::

    python bench/bench_definitions.py [--quick] [--only SECTION[,SECTION]] [--profile]

Sections (bench/README.md says what each figure means):

  catalog     the shipped catalog in-process: Registry.load and compiling its models
  process     ``nounkit check nouns`` as a whole process, against bare ``python -c pass``
  generated   N generated nouns of 20 properties: load+check and compile, per noun
  validation  10,000 instances through compiled models and hand-written pydantic models

Prints figures and PASS/MISS against the issue's targets; it never fails on time.
Every figure is a wall-clock time with the CPU time beside it: on a busy machine wall
time includes waiting for a CPU, CPU time does not.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any

import yaml
from _common import (
    NOUNS,
    ROOT,
    Sample,
    Stats,
    banner,
    fmt_ms,
    fmt_ratio,
    fmt_us,
    loop,
    machine,
    print_table,
    record,
    repeat,
    run_process,
    timed,
    verdict,
)
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from nounkit import Config, Registry

# The issue's targets.
PYDANTIC_TARGET = 2.0  # issue 12: `nounkit check` within 2x of `python -c 'import pydantic'`
PROCESS_TARGET = 0.300  # s, `nounkit check nouns` as a whole process
GENERATED_TARGET = 3.0  # s, 1,000 nouns loaded, checked and compiled
GENERATED_TARGET_N = 1000
LINEAR_SLOPE = 1.15  # log-log slope of time over N; 1.0 is linear, 2.0 quadratic
VALIDATION_TARGET = 1.2  # compiled model / careful hand-written model, time per instance
INSTANCES = 10_000

# Every target checked, for the summary at the end: figure, wall, cpu, target, results.
SUMMARY: list[list[str]] = []


def _target(figure: str, wall: float, cpu: float, limit: float, unit: str) -> tuple[str, str]:
    """Record a target's figures for the summary; return the wall and CPU verdicts."""
    shown = {"s": lambda v: f"{v:.2f} s", "ms": lambda v: f"{v * 1e3:.0f} ms", "x": fmt_ratio}[unit]
    results = verdict(wall, limit), verdict(cpu, limit)
    SUMMARY.append([figure, shown(wall), shown(cpu), f"<= {shown(limit)}", *results])
    return results


def _bytecode_env(cache: Path) -> dict[str, str]:
    """The environment of a normal install: bytecode is cached (here in a private folder, so
    nothing is written into the source tree), whatever PYTHONDONTWRITEBYTECODE says."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


# -- catalog, in-process ------------------------------------------------------------------------

_COLD = """
import json, time
w0, c0 = time.perf_counter(), time.process_time()
from nounkit import Registry
w1, c1 = time.perf_counter(), time.process_time()
reg = Registry.load("nouns")
w2, c2 = time.perf_counter(), time.process_time()
for name in reg.nouns:
    reg.model(name)
w3, c3 = time.perf_counter(), time.process_time()
print(json.dumps({"import": [w1 - w0, c1 - c0], "load": [w2 - w1, c2 - c1],
                  "compile": [w3 - w2, c3 - c2]}))
"""


def bench_catalog(runs: int, cold_runs: int, env: dict[str, str], profile: bool) -> None:
    banner("1. The catalog (nouns/), in-process")
    nouns = Registry.load(NOUNS).nouns
    count = len(nouns)

    def compile_all() -> None:
        reg = Registry(nouns)  # a fresh registry: models are cached per registry
        for name in reg.nouns:
            reg.model(name)

    load = repeat(lambda: Registry.load(NOUNS), runs)
    comp = repeat(compile_all, runs)
    warm = {"load": load, "compile": comp, "total": load + comp}

    subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, env=env, capture_output=True)
    cold: dict[str, list[Sample]] = {"import": [], "load": [], "compile": []}
    for _ in range(cold_runs):
        done = subprocess.run(
            [sys.executable, "-c", _COLD],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        for key, (wall, cpu) in json.loads(done.stdout.strip().splitlines()[-1]).items():
            cold[key].append(Sample(wall, cpu))
    first = {k: Stats.of(v) for k, v in cold.items()}
    first["total"] = first["load"] + first["compile"]

    print(
        f"  {count} nouns. Warm: median of {runs} runs in this process, each on a new Registry\n"
        "  (process-wide caches, such as the noun language's JSON Schema validator, stay warm).\n"
        f"  First use: median of {cold_runs} new processes (bytecode cached), timed inside them."
    )
    print()
    rows = []
    for label, key in (
        ("import nounkit", "import"),
        ("Registry.load (read + check)", "load"),
        (f"compile all {count} models", "compile"),
        ("load + compile", "total"),
    ):
        w = warm.get(key)
        f = first[key]
        rows.append(
            [
                label,
                fmt_ms(w.median) if w else "-",
                w.spread_ms() if w else "-",
                fmt_ms(w.cpu) if w else "-",
                f"{w.median / count * 1e3:.2f} ms" if w else "-",
                fmt_ms(f.median),
                fmt_ms(f.cpu),
                fmt_ratio(f.median / w.median) if w else "-",
            ]
        )
    print_table(
        [
            "step",
            "warm",
            "min..max ms",
            "warm cpu",
            "per noun",
            "first use",
            "first cpu",
            "first/warm",
        ],
        rows,
    )
    print(
        "  No target of its own: `nounkit check` runs import + load in a new process (2.);\n"
        "  it does not compile models."
    )
    steps = {
        "import": "import nounkit",
        "load": f"Registry.load catalog ({count} nouns)",
        "compile": f"compile all {count} catalog models",
        "total": f"load + compile catalog ({count} nouns)",
    }
    for key, what in steps.items():
        if key in warm:
            note = f"in-process, a new Registry each run; {runs} runs"
            record("Definitions: catalog", f"{what}, warm", warm[key], note=note)
        note = f"timed inside a new process (bytecode cached); {cold_runs} processes"
        record("Definitions: catalog", f"{what}, first use", first[key], note=note)
    if profile:
        _profile("compile all catalog models (fresh registry)", compile_all)


# -- whole process ------------------------------------------------------------------------------


def bench_process(runs: int, env: dict[str, str]) -> None:
    banner("2. `nounkit check nouns` as a whole process")
    script = Path(sys.executable).with_name("nounkit")
    found = str(script) if script.exists() else shutil.which("nounkit")
    py = sys.executable
    commands: list[tuple[str, list[str], dict[str, str], bool]] = [
        ("python -c pass (baseline)", [py, "-c", "pass"], env, False),
        ("python -c 'import pydantic'", [py, "-c", "import pydantic"], env, False),
        (
            "python -m nounkit check nouns",
            [py, "-m", "nounkit", "check", "--nouns", "nouns"],
            env,
            True,
        ),
    ]
    if found:
        commands.append(
            ("nounkit check nouns (script)", [found, "check", "--nouns", "nouns"], env, True)
        )
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        commands.append(
            (
                "python -m nounkit check, no .pyc *",
                [py, "-m", "nounkit", "check", "--nouns", "nouns"],
                dict(os.environ),
                False,
            )
        )
    for _, argv, child_env, _ in commands:  # warm the file cache and the bytecode cache
        try:
            run_process(argv, cwd=ROOT, env=child_env)
        except Exception as exc:
            print(f"  {' '.join(argv)} failed: {exc}")
            return
    samples: dict[str, list[Sample]] = {label: [] for label, *_ in commands}
    for _ in range(runs):  # interleaved, so drift in machine load hits every command alike
        for label, argv, child_env, _ in commands:
            samples[label].append(run_process(argv, cwd=ROOT, env=child_env))
    stats = {label: Stats.of(v) for label, v in samples.items()}
    base = stats[commands[0][0]]
    print(
        f"  Whole process, median of {runs} interleaved runs (cwd: {ROOT}); cpu is the child's\n"
        "  user + system time. Bytecode is cached, as in any installed package.\n"
        "  Peer: LinkML's generators need about 1 s just to start (not measured here)."
    )
    print()
    rows = []
    for label, _, _, is_target in commands:
        s = stats[label]
        results = (
            _target(label.split(" (")[0], s.median, s.cpu, PROCESS_TARGET, "ms")
            if is_target
            else ("-", "-")
        )
        rows.append(
            [
                label,
                fmt_ms(s.median),
                s.spread_ms(),
                fmt_ms(s.cpu),
                fmt_ratio(s.median / base.median),
                fmt_ms(s.median - base.median),
                f"< {PROCESS_TARGET * 1e3:.0f} ms" if is_target else "-",
                *results,
            ]
        )
    print_table(
        [
            "command",
            "wall",
            "min..max ms",
            "cpu",
            "vs python",
            "over python",
            "target",
            "result",
            "cpu result",
        ],
        rows,
    )
    figures = {
        "nounkit check nouns (script)": "nounkit check nouns (console script)",
        "python -m nounkit check, no .pyc *": "python -m nounkit check nouns, no cached bytecode",
    }
    for label, _, _, is_target in commands[1:]:
        record(
            "Definitions: `nounkit check` process",
            figures.get(label, label),
            stats[label],
            peer="python -c pass",
            peer_value=base,
            target=PROCESS_TARGET if is_target else None,
            note=(
                "as this environment runs it: PYTHONDONTWRITEBYTECODE set, no target"
                if label.endswith("*")
                else f"whole process, {runs} interleaved runs"
            ),
        )
    # Issue 12's target: the whole check within 2x of `python -c 'import pydantic'`, round by
    # round (the two ran one after the other in each round, so drift hits both alike).
    check = "nounkit check nouns (script)" if found else "python -m nounkit check nouns"
    ratios = [
        c.wall / p.wall
        for c, p in zip(samples[check], samples["python -c 'import pydantic'"], strict=True)
    ]
    print(
        f"\n  {check} over python -c 'import pydantic': median "
        f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}..{max(ratios):.2f}), "
        f"target <= {PYDANTIC_TARGET:.1f}x"
    )
    record(
        "Definitions: `nounkit check` process",
        "nounkit check nouns over python -c 'import pydantic'",
        ratios,
        unit="x",
        target=PYDANTIC_TARGET,
        note="whole processes, the ratio of each interleaved round",
    )
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print(
            "  * as this environment runs it: PYTHONDONTWRITEBYTECODE is set, so every process\n"
            "    compiles modules without a cached .pyc (nounkit's own, installed editable) anew."
        )
    if not found:
        print("  (the `nounkit` console script was not found next to python or on PATH)")


# -- generated nouns ----------------------------------------------------------------------------

_DOMAINS = ("Fleet", "Ledger", "Asset", "Claim", "Course", "Parcel", "Studio", "Vendor")
_KINDS = ("Order", "Record", "Booking", "Category", "Status", "Report", "Item")
PER_FILE = 25
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def noun_name(i: int) -> str:
    return f"{_DOMAINS[i % len(_DOMAINS)]}{i:05d}{_KINDS[i % len(_KINDS)]}"


def generated_noun(i: int, n: int) -> dict[str, Any]:
    """One noun of 20 properties of every type, with constraints, links, actions and events."""
    rng = random.Random(i)
    properties: dict[str, Any] = {
        "id": {"type": "string", "description": "Identifier"},
        "title": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100 + i % 50,
            "iri": "schema:name",
        },
        "summary": {"type": "text", "optional": True, "description": "A short summary"},
        "notes": {"type": "markdown", "optional": True},
        "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]+$", "unique": True, "index": True},
        "contactEmail": {"type": "email", "optional": True, "iri": "schema:email"},
        "homepage": {"type": "url", "optional": True},
        "externalRef": {"type": "uuid", "optional": True},
        "quantity": {"type": "integer", "minimum": 0, "default": i % 5},
        "unitPrice": {"type": "number", "minimum": 0, "description": "Price of one unit"},
        "discount": {"type": "number", "minimum": 0, "maximum": 1, "optional": True},
        "total": {
            "type": "number",
            "optional": True,
            "computed": "unitPrice * quantity * (1 - coalesce(discount, 0))",
        },
        "active": {"type": "boolean", "default": True},
        "tags": {"type": "string", "array": True, "optional": True, "maxLength": 40},
        "priority": {
            "type": "string",
            "enum": ["low", "normal", "high", "urgent"],
            "default": "normal",
        },
        "startsOn": {"type": "date", "optional": True},
        "createdAt": {"type": "datetime", "description": "When it was created"},
        "updatedAt": {"type": "timestamp", "optional": True},
        "attributes": {"type": "json", "optional": True},
        "status": {"type": "string", "examples": ["draft", "active", "archived"]},
    }
    relationships: dict[str, Any] = {}
    if i > 0:
        relationships["parent"] = {
            "type": noun_name(i - 1),
            "required": False,
            "backref": "children",
        }
    if i < n - 1:
        relationships["children"] = {"type": f"{noun_name(i + 1)}[]", "backref": "parent"}
    if i > 1:
        relationships["related"] = {"type": f"{noun_name(rng.randrange(i - 1))}[]"}
    return {
        "description": f"Generated noun number {i}",
        "class": "schema:Organization",
        "properties": properties,
        "relationships": relationships,
        "actions": [
            "create",
            "update",
            "delete",
            "activate",
            {"archive": {"roles": ["admin"]}},
            {"recalculate": {"input": {"factor": {"type": "number", "exclusiveMinimum": 0}}}},
            {"addTag": {"input": {"tag": {"type": "string", "minLength": 1}}}},
        ],
        "events": [
            *("created", "updated", "deleted", "activated", "archived"),
            *("recalculated", "tagAdded"),
        ],
        "lifecycle": {
            "property": "status",
            "states": ["draft", "active", "archived"],
            "initial": "draft",
            "final": ["archived"],
            "transitions": {
                "activate": {"from": "draft", "to": "active"},
                "archive": {"from": "*", "to": "archived"},
            },
        },
        "rules": [
            {"check": "updatedAt >= createdAt", "message": "updatedAt must not be before createdAt"}
        ],
    }


def write_nouns(folder: Path, n: int) -> int:
    """Write ``n`` nouns, PER_FILE to a file, in nested folders; return the number of files."""
    files = 0
    for start in range(0, n, PER_FILE):
        chunk = {noun_name(i): generated_noun(i, n) for i in range(start, min(start + PER_FILE, n))}
        path = folder / f"group{files // 10:02d}" / f"nouns{files:03d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(chunk, Dumper=_DUMPER, sort_keys=False, default_flow_style=None, width=100)
        path.write_text(f"# {len(chunk)} generated nouns\n{text}", encoding="utf-8")
        files += 1
    return files


def _slope(points: Sequence[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) over log(N): 1 is linear growth, 2 quadratic."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def bench_generated(sizes: Sequence[int], runs: int, profile: bool) -> None:
    banner("3. Generated nouns (20 properties each)")
    print(
        "  Each noun: 20 properties of every type (string, text, markdown, email, url, uuid,\n"
        "  integer, number, boolean, date, datetime, json, an array and an enum) with bounds,\n"
        "  lengths, a pattern, defaults and a computed value; 2-3 relationships (parent and\n"
        "  children backrefs, a to-many to an earlier noun); 7 actions (a lifecycle of 2\n"
        f"  transitions, 2 with input) and 7 events; one rule. {PER_FILE} nouns per YAML file,\n"
        "  in nested folders. load = Registry.load(folder); compile = every model of a new\n"
        "  Registry of those nouns. Medians of the runs; gc = time in the cyclic collector."
    )
    print()
    results: list[tuple[int, int, Stats, Stats]] = []
    with tempfile.TemporaryDirectory(prefix="nounkit-bench-") as tmp:
        for n in sizes:
            folder = Path(tmp) / f"n{n}"
            files = write_nouns(folder, n)
            holder: dict[str, Registry] = {}

            def load(folder: Path = folder, holder: dict[str, Registry] = holder) -> None:
                # Default configuration: the project's handler modules are for the catalog.
                holder["reg"] = Registry.load(folder, config=Config())

            def compile_all(holder: dict[str, Registry] = holder) -> None:
                reg = Registry(holder["reg"].nouns, config=Config())
                for name in reg.nouns:
                    reg.model(name)

            loads, comps = [], []
            for _ in range(runs if n <= GENERATED_TARGET_N else 1):
                loads.append(timed(load))
                comps.append(timed(compile_all))
            if len(holder["reg"].nouns) != n:
                print(f"  expected {n} nouns, loaded {len(holder['reg'].nouns)}")
            results.append((n, files, Stats.of(loads), Stats.of(comps)))
            if profile and n == GENERATED_TARGET_N:
                _profile(f"load + check {n} generated nouns", load)
                _profile(f"compile {n} generated nouns", compile_all)
            holder.clear()

    section = "Definitions: generated nouns"
    for n, _, lo, co in results:
        record(
            section,
            f"load + check + compile {n:,} generated nouns",
            lo + co,
            target=GENERATED_TARGET if n == GENERATED_TARGET_N else None,
            note=f"20 properties each, {PER_FILE} nouns per YAML file",
        )

    def per(seconds: float, n: int) -> str:
        return f"{seconds / n * 1e3:.2f}"

    rows = []
    for n, files, lo, co in results:
        total = lo + co
        rows.append(
            [
                str(n),
                str(files),
                str(lo.n),
                fmt_ms(lo.median),
                per(lo.median, n),
                fmt_ms(co.median),
                per(co.median, n),
                fmt_ms(total.median),
                per(total.median, n),
                per(total.cpu, n),
                per(total.gc, n),
            ]
        )
    print_table(
        [
            "nouns",
            "files",
            "runs",
            "load+check",
            "ms/noun",
            "compile",
            "ms/noun",
            "total",
            "ms/noun",
            "cpu ms/noun",
            "gc ms/noun",
        ],
        rows,
    )
    print()
    rows = []
    at_target = next((r for r in results if r[0] == GENERATED_TARGET_N), None)
    if at_target is not None:
        n, _, lo, co = at_target
        total = lo + co
        for label, value in (("wall", total.median), ("cpu", total.cpu)):
            rows.append(
                [
                    f"{n} nouns: load + check + compile ({label})",
                    f"{value:.2f} s",
                    f"{GENERATED_TARGET:.1f} s",
                    fmt_ratio(value / GENERATED_TARGET),
                    f"< {GENERATED_TARGET:.1f} s",
                    verdict(value, GENERATED_TARGET),
                ]
            )
        _target(f"{n} generated nouns: load+check+compile", total.median, total.cpu, 3.0, "s")
        rows.append([f"{n} nouns: compile only (wall)", f"{co.median:.2f} s", "-", "-", "-", "-"])
        rows.append([f"{n} nouns: of which gc (wall)", f"{total.gc:.2f} s", "-", "-", "-", "-"])
        record(section, f"load + check {n:,} generated nouns", lo, note="Registry.load(folder)")
        record(section, f"compile {n:,} generated nouns", co, note="every model, a new Registry")
    growth = [r for r in results if r[0] >= 100]
    if len(growth) >= 2:
        first, last = growth[0], growth[-1]
        span = f"N {first[0]}..{last[0]}"
        picks: list[tuple[str, Callable[[int, Stats, Stats], float]]] = [
            ("load+check", lambda n, lo, co: lo.median),
            ("compile", lambda n, lo, co: co.median),
            ("total", lambda n, lo, co: (lo + co).median),
            ("total cpu", lambda n, lo, co: (lo + co).cpu),
            ("total cpu - gc", lambda n, lo, co: (lo + co).cpu - (lo + co).gc),
        ]
        for label, pick in picks:
            slope = _slope([(r[0], pick(r[0], r[2], r[3])) for r in growth])
            per_first = pick(first[0], first[2], first[3]) / first[0]
            per_last = pick(last[0], last[2], last[3]) / last[0]
            rows.append(
                [
                    f"growth of {label}, {span}",
                    f"slope {slope:.2f}",
                    "1.00 (linear)",
                    f"{fmt_ratio(per_last / per_first)} per noun",
                    f"slope <= {LINEAR_SLOPE}",
                    verdict(slope, LINEAR_SLOPE),
                ]
            )
        total_slope = _slope([(r[0], (r[2] + r[3]).median) for r in growth])
        cpu_slope = _slope([(r[0], (r[2] + r[3]).cpu) for r in growth])
        SUMMARY.append(
            [
                f"generated nouns: growth slope, {span}",
                f"{total_slope:.2f}",
                f"{cpu_slope:.2f}",
                f"<= {LINEAR_SLOPE}",
                verdict(total_slope, LINEAR_SLOPE),
                verdict(cpu_slope, LINEAR_SLOPE),
            ]
        )
        # One fit per run; a size measured fewer times enters each fit with its last run.
        fits = [
            _slope([(r[0], (r[2] + r[3]).samples[min(k, r[2].n - 1)].wall) for r in growth])
            for k in range(max(r[2].n for r in growth))
        ]
        record(
            section,
            f"growth of load + check + compile, {span}",
            fits,
            unit="slope",
            target=LINEAR_SLOPE,
            note="log-log slope of wall time over N, one fit per run; 1 = linear, 2 = quadratic",
        )
    print_table(["figure", "value", "baseline", "ratio", "target", "result"], rows)
    print(
        "  slope: least-squares slope of log(time) over log(N) for N >= 100 (1 = linear, 2 =\n"
        "  quadratic); per noun: cost per noun at the largest N over cost per noun at N = 100."
    )


# -- validation ---------------------------------------------------------------------------------

Id = Annotated[StrictStr, Field(min_length=1)]
Number = StrictInt | StrictFloat
NonNegative = Annotated[StrictInt | StrictFloat, Field(ge=0)]
Score = Annotated[StrictInt | StrictFloat, Field(ge=0, le=100)]
CAREFUL = ConfigDict(extra="forbid", allow_inf_nan=False)


class CarefulEntitlement(BaseModel):
    """ServiceEntitlement as a careful user writes it: JSON's types, no coercion."""

    model_config = CAREFUL
    id: StrictStr
    name: StrictStr
    description: StrictStr | None = None
    type: StrictStr
    code: StrictStr | None = None
    value: Any = None
    limit: NonNegative | None = None
    unlimited: StrictBool | None = None
    usedAmount: NonNegative = 0
    remainingAmount: Number | None = None
    usagePercent: NonNegative | None = None
    resetPeriod: StrictStr | None = None
    resetAt: datetime | None = None
    lastResetAt: datetime | None = None
    source: StrictStr | None = None
    sourceId: StrictStr | None = None
    validFrom: datetime | None = None
    validUntil: datetime | None = None
    status: StrictStr
    customer: Id
    subscription: Id | None = None
    plan: Id | None = None


class PlainEntitlement(BaseModel):
    """ServiceEntitlement written quickly: pydantic's default (lax) types and extra handling."""

    id: str
    name: str
    description: str | None = None
    type: str
    code: str | None = None
    value: Any = None
    limit: float | None = Field(None, ge=0)
    unlimited: bool | None = None
    usedAmount: float = Field(0, ge=0)
    remainingAmount: float | None = None
    usagePercent: float | None = Field(None, ge=0)
    resetPeriod: str | None = None
    resetAt: datetime | None = None
    lastResetAt: datetime | None = None
    source: str | None = None
    sourceId: str | None = None
    validFrom: datetime | None = None
    validUntil: datetime | None = None
    status: str
    customer: str
    subscription: str | None = None
    plan: str | None = None


class CarefulCustomer(BaseModel):
    """ServiceCustomer as a careful user writes it."""

    model_config = CAREFUL
    id: StrictStr
    externalId: StrictStr | None = None
    name: StrictStr
    email: StrictStr | None = None
    phone: StrictStr | None = None
    type: StrictStr
    company: StrictStr | None = None
    industry: StrictStr | None = None
    size: StrictStr | None = None
    country: StrictStr | None = None
    timezone: StrictStr | None = None
    locale: StrictStr | None = None
    billingEmail: StrictStr | None = None
    billingAddress: dict[str, Any] | None = None
    taxId: StrictStr | None = None
    defaultCurrency: StrictStr | None = None
    paymentMethod: StrictStr | None = None
    healthScore: Score | None = None
    riskLevel: StrictStr | None = None
    lifetimeValue: NonNegative | None = None
    monthlySpend: NonNegative | None = None
    lastActivityAt: datetime | None = None
    engagementScore: Number | None = None
    createdAt: datetime | None = None
    firstPurchaseAt: datetime | None = None
    status: StrictStr
    subscriptions: list[Id] = Field(default_factory=list)
    orders: list[Id] = Field(default_factory=list)
    invoices: list[Id] = Field(default_factory=list)
    entitlements: list[Id] = Field(default_factory=list)
    tickets: list[Id] = Field(default_factory=list)
    segment: Id | None = None


class PlainCustomer(BaseModel):
    """ServiceCustomer written quickly."""

    id: str
    externalId: str | None = None
    name: str
    email: str | None = None
    phone: str | None = None
    type: str
    company: str | None = None
    industry: str | None = None
    size: str | None = None
    country: str | None = None
    timezone: str | None = None
    locale: str | None = None
    billingEmail: str | None = None
    billingAddress: dict[str, Any] | None = None
    taxId: str | None = None
    defaultCurrency: str | None = None
    paymentMethod: str | None = None
    healthScore: float | None = Field(None, ge=0, le=100)
    riskLevel: str | None = None
    lifetimeValue: float | None = Field(None, ge=0)
    monthlySpend: float | None = Field(None, ge=0)
    lastActivityAt: datetime | None = None
    engagementScore: float | None = None
    createdAt: datetime | None = None
    firstPurchaseAt: datetime | None = None
    status: str
    subscriptions: list[str] = []
    orders: list[str] = []
    invoices: list[str] = []
    entitlements: list[str] = []
    tickets: list[str] = []
    segment: str | None = None


_EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
_OFFSETS = (UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)))


class _Data:
    """Deterministic, realistic instances: half as Python sends them, half as JSON does."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.as_json = False

    def maybe(self, p: float) -> bool:
        return self.rng.random() < p

    def instant(self, after: datetime | None = None) -> tuple[datetime, Any]:
        base = after or _EPOCH
        moment = base + timedelta(seconds=self.rng.randrange(1, 60 * 86400))
        if not self.as_json:
            return moment, moment
        moment = moment.astimezone(self.rng.choice(_OFFSETS))
        if self.maybe(0.3):
            moment = moment.replace(microsecond=self.rng.randrange(1000) * 1000)
            text = moment.isoformat(timespec="milliseconds")
        else:
            text = moment.isoformat()
        return moment, text.replace("+00:00", "Z")

    def amount(self, high: float) -> int | float:
        return (
            self.rng.randrange(int(high))
            if self.maybe(0.5)
            else round(self.rng.uniform(0, high), 2)
        )

    def ids(self, prefix: str, most: int) -> list[str]:
        return [
            f"{prefix}_{self.rng.randrange(10**6):06d}" for _ in range(self.rng.randrange(most + 1))
        ]


def entitlements(count: int) -> list[dict[str, Any]]:
    gen = _Data(random.Random(0))
    rng = gen.rng
    out = []
    for i in range(count):
        gen.as_json = i % 2 == 1
        d: dict[str, Any] = {
            "id": f"ent_{i:06d}",
            "name": rng.choice(["API calls", "Seats", "Storage", "Priority support", "SSO"]),
            "type": rng.choice(["feature", "quota", "access", "capability", "addon"]),
            "status": rng.choice(["active", "active", "active", "exhausted", "suspended"]),
            "customer": f"cus_{rng.randrange(10**6):06d}",
        }
        if gen.maybe(0.5):
            d["description"] = "Included with the plan"
        if gen.maybe(0.6):
            d["code"] = f"ENT_{rng.randrange(100):02d}"
        if gen.maybe(0.5):
            d["value"] = rng.choice(
                [{"seats": rng.randrange(1, 50)}, True, "pro", ["eu", "us"], {"tier": "gold"}]
            )
        if gen.maybe(0.7):
            d["limit"] = gen.amount(10_000)
            d["usedAmount"] = gen.amount(d["limit"] or 1)
            d["usagePercent"] = round(100 * d["usedAmount"] / (d["limit"] or 1), 1)
        else:
            d["unlimited"] = gen.maybe(0.5)
        if gen.maybe(0.6):
            d["resetPeriod"] = rng.choice(["daily", "weekly", "monthly", "yearly", "never"])
            d["resetAt"] = gen.instant()[1]
            if gen.maybe(0.7):
                d["lastResetAt"] = gen.instant()[1]
        if gen.maybe(0.8):
            d["source"] = rng.choice(["plan", "addon", "trial", "promotion", "manual"])
            if gen.maybe(0.6):
                d["sourceId"] = f"plan_{rng.randrange(100):03d}"
        if gen.maybe(0.8):
            start, d["validFrom"] = gen.instant()
            if gen.maybe(0.7):
                d["validUntil"] = gen.instant(start)[1]
        if gen.maybe(0.6):
            d["subscription"] = f"sub_{rng.randrange(10**6):06d}"
        if gen.maybe(0.4):
            d["plan"] = f"plan_{rng.randrange(100):03d}"
        out.append(d)
    return out


def customers(count: int) -> list[dict[str, Any]]:
    gen = _Data(random.Random(0))
    rng = gen.rng
    first = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Linus"]
    last = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton"]
    out = []
    for i in range(count):
        gen.as_json = i % 2 == 1
        name = f"{rng.choice(first)} {rng.choice(last)}"
        d: dict[str, Any] = {
            "id": f"cus_{i:06d}",
            "name": name,
            "type": rng.choice(["individual", "business", "enterprise", "partner"]),
            "status": rng.choice(["prospect", "active", "active", "at-risk", "churned"]),
        }
        optional: dict[str, tuple[float, Callable[[], Any]]] = {
            "externalId": (0.5, lambda: f"crm-{rng.randrange(10**8)}"),
            "email": (0.8, lambda n=name: f"{n.split()[0].lower()}@example.com"),
            "phone": (0.5, lambda: f"+49 30 {rng.randrange(10**7):07d}"),
            "company": (0.6, lambda: rng.choice(["Acme GmbH", "Initech", "Globex Inc."])),
            "industry": (0.5, lambda: rng.choice(["retail", "saas", "logistics"])),
            "size": (0.5, lambda: rng.choice(["startup", "smb", "mid-market", "enterprise"])),
            "country": (0.7, lambda: rng.choice(["DE", "US", "FR", "JP"])),
            "timezone": (0.6, lambda: rng.choice(["Europe/Berlin", "America/New_York"])),
            "locale": (0.6, lambda: rng.choice(["de-DE", "en-US", "fr-FR"])),
            "billingEmail": (0.4, lambda: "billing@example.com"),
            "billingAddress": (
                0.5,
                lambda: {
                    "line1": f"{rng.randrange(1, 200)} Main Street",
                    "city": rng.choice(["Berlin", "Boston", "Lyon"]),
                    "postalCode": f"{rng.randrange(10**5):05d}",
                    "country": "DE",
                },
            ),
            "taxId": (0.3, lambda: f"DE{rng.randrange(10**9):09d}"),
            "defaultCurrency": (0.6, lambda: rng.choice(["EUR", "USD"])),
            "paymentMethod": (0.5, lambda: f"pm_{rng.randrange(10**6):06d}"),
            "healthScore": (0.7, lambda: gen.amount(100)),
            "riskLevel": (0.5, lambda: rng.choice(["low", "medium", "high", "critical"])),
            "lifetimeValue": (0.7, lambda: gen.amount(50_000)),
            "monthlySpend": (0.7, lambda: gen.amount(2_000)),
            "lastActivityAt": (0.8, lambda: gen.instant()[1]),
            "engagementScore": (0.5, lambda: round(rng.uniform(-1, 1), 3)),
            "createdAt": (0.9, lambda: gen.instant()[1]),
            "firstPurchaseAt": (0.6, lambda: gen.instant()[1]),
            "subscriptions": (0.7, lambda: gen.ids("sub", 3)),
            "orders": (0.7, lambda: gen.ids("ord", 5)),
            "invoices": (0.7, lambda: gen.ids("inv", 6)),
            "entitlements": (0.7, lambda: gen.ids("ent", 4)),
            "tickets": (0.7, lambda: gen.ids("tkt", 2)),
            "segment": (0.4, lambda: f"seg_{rng.randrange(20):02d}"),
        }
        for key, (chance, make) in optional.items():
            if gen.maybe(chance):
                d[key] = make()
        out.append(d)
    return out


def _same_results(models: Sequence[type[BaseModel]], data: Sequence[dict[str, Any]]) -> list[str]:
    """Every model accepts every instance, and they read it to equal values."""
    problems = []
    names = [set(m.model_fields) for m in models]
    for model, fields in zip(models[1:], names[1:], strict=True):
        if fields != names[0]:
            problems.append(
                f"{model.__name__} fields differ from {models[0].__name__}: "
                f"{sorted(fields ^ names[0])}"
            )
    for index, item in enumerate(data):
        try:
            dumps = [m.model_validate(item).model_dump() for m in models]
        except Exception as exc:
            problems.append(f"instance {index} does not validate: {exc}")
        else:
            for model, dump in zip(models[1:], dumps[1:], strict=True):
                differ = sorted(
                    k for k in dump.keys() | dumps[0].keys() if dump.get(k) != dumps[0].get(k)
                )
                if differ:
                    problems.append(
                        f"instance {index}: {model.__name__} reads "
                        + ", ".join(
                            f"{k}={dump.get(k)!r} ({models[0].__name__}: {dumps[0].get(k)!r})"
                            for k in differ
                        )
                    )
        if len(problems) > 3:
            break
    return problems


def bench_validation(runs: int, check: int, profile: bool) -> None:
    banner(f"4. Validating {INSTANCES:,} instances: compiled model vs hand-written pydantic")
    reg = Registry.load(NOUNS)
    cases = (
        ("ServiceEntitlement", CarefulEntitlement, PlainEntitlement, entitlements(INSTANCES)),
        ("ServiceCustomer", CarefulCustomer, PlainCustomer, customers(INSTANCES)),
    )
    print(
        f"  The same {INSTANCES:,} dicts (random.Random(0)) through Model.model_validate; half\n"
        "  carry datetime objects, half RFC 3339 strings as a JSON API sends them. Time per\n"
        f"  instance, median of {runs} interleaved runs. careful: StrictStr/StrictBool,\n"
        "  StrictInt | StrictFloat, datetime, dict/Any for json, the same bounds,\n"
        "  extra='forbid'; plain: str/float/bool/datetime with pydantic's defaults."
    )
    for noun, careful, plain, data in cases:
        compiled = reg.model(noun)
        models: list[tuple[str, type[BaseModel]]] = [
            (f"compiled {noun}", compiled),
            (f"careful {careful.__name__}", careful),
            (f"plain {plain.__name__}", plain),
        ]
        problems = _same_results([m for _, m in models], data[:check])
        for _, model in models:  # warm-up: first calls build lazy state
            for item in data[:200]:
                model.model_validate(item)
        samples: dict[str, list[Sample]] = {label: [] for label, _ in models}
        for _ in range(runs):  # interleaved, so drift in machine load hits every model alike
            for label, model in models:
                samples[label].append(timed(loop(model.model_validate, data)))
        stats = {label: Stats.of(v) for label, v in samples.items()}
        ref = stats[models[1][0]]
        plain_ref = stats[models[2][0]]
        compiled_stats = stats[models[0][0]]
        record(
            "Definitions: validation",
            f"validate {INSTANCES:,} {noun}",
            compiled_stats,
            peer="careful hand-written pydantic model",
            peer_value=ref,
            note=f"target: ≤ {VALIDATION_TARGET}x the careful hand-written model",
        )
        record(
            "Definitions: validation",
            f"validate {INSTANCES:,} {noun}, against a plain model",
            compiled_stats,
            peer="plain hand-written pydantic model",
            peer_value=plain_ref,
            note="plain: str/float/bool with pydantic's lax defaults; no target",
        )
        print()
        print(f"  {noun}: {len(compiled.model_fields)} fields")
        rows = []
        for label, _ in models:
            s = stats[label]
            is_compiled = label.startswith("compiled")
            ratio, cpu_ratio = s.median / ref.median, s.cpu / ref.cpu
            results = (
                _target(f"{noun} validation vs careful", ratio, cpu_ratio, VALIDATION_TARGET, "x")
                if is_compiled
                else ("-", "-")
            )
            rows.append(
                [
                    label,
                    fmt_us(s.median / INSTANCES),
                    f"{s.min / INSTANCES * 1e6:.2f}..{s.max / INSTANCES * 1e6:.2f}",
                    fmt_us(s.cpu / INSTANCES),
                    fmt_ratio(ratio),
                    fmt_ratio(cpu_ratio),
                    fmt_ratio(s.median / plain_ref.median),
                    f"<= {VALIDATION_TARGET}x" if is_compiled else "-",
                    *results,
                ]
            )
        print_table(
            [
                "model",
                "wall",
                "min..max µs",
                "cpu",
                "vs careful",
                "cpu vs careful",
                "vs plain",
                "target",
                "result",
                "cpu result",
            ],
            rows,
        )
        if problems:
            print("  WARNING: the models do not agree, so the comparison is suspect:")
            for problem in problems:
                print(f"    {problem[:300]}")
        else:
            print(
                f"  All three accept each of the first {check:,} instances and read it to equal"
                " values."
            )
        if profile:
            _profile(
                f"compiled {noun}.model_validate x {INSTANCES:,}",
                loop(compiled.model_validate, data),
            )


# -- main ---------------------------------------------------------------------------------------


def _profile(label: str, fn: Callable[[], object], top: int = 15) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    text = out.getvalue()
    body = text[text.find("   ncalls") :] if "   ncalls" in text else text
    print(f"\n  cProfile: {label} (top {top} by own time)")
    for line in body.rstrip().splitlines():
        print(f"    {line.replace(str(Path(sys.prefix)), '<venv>')}")


SECTIONS = ("catalog", "process", "generated", "validation")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and sizes (20-30 s)")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"sections to run: {', '.join(SECTIONS)}"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top functions for the hot paths"
    )
    parser.add_argument(
        "--process-runs",
        type=int,
        default=None,
        metavar="N",
        help="rounds of the whole-process section (default 15, 3 with --quick)",
    )
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")

    started = time.perf_counter()
    title = "nounkit benchmark: definitions" + (" (--quick)" if args.quick else "")
    print(title)
    print("=" * len(title))
    for key, value in machine():
        print(f"  {key + ':':<14}{value}")

    def took(section: str, since: float) -> None:
        print(f"  ({section} took {time.perf_counter() - since:.1f} s)")

    with tempfile.TemporaryDirectory(prefix="nounkit-bench-pyc-") as cache:
        env = _bytecode_env(Path(cache))
        if "catalog" in chosen:
            since = time.perf_counter()
            bench_catalog(
                runs=5 if args.quick else 30,
                cold_runs=2 if args.quick else 7,
                env=env,
                profile=args.profile,
            )
            took("catalog", since)
        if "process" in chosen:
            since = time.perf_counter()
            process_runs = args.process_runs or (3 if args.quick else 15)
            bench_process(runs=process_runs, env=env)
            took("process", since)
    if "generated" in chosen:
        since = time.perf_counter()
        sizes = [10, 100, 250, 500, 1000] + ([] if args.quick else [2000])
        bench_generated(sizes, runs=1 if args.quick else 3, profile=args.profile)
        took("generated", since)
    if "validation" in chosen:
        since = time.perf_counter()
        bench_validation(
            runs=3 if args.quick else 5,
            check=2_000 if args.quick else INSTANCES,
            profile=args.profile,
        )
        took("validation", since)

    if SUMMARY:
        banner("Targets")
        print_table(["figure", "wall", "cpu", "target", "result", "cpu result"], SUMMARY)
        print(
            "  result judges wall time, cpu result CPU time; they differ when other work\n"
            "  competes for the CPUs (see the load average above)."
        )
    print(f"\nfinished in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
