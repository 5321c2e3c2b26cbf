"""The whole performance report: every benchmark, LinkML side by side, the scaling curves.

``bench/run`` installs what the benchmarks need and runs this; it writes
``bench/RESULTS.md`` and the plots beside it. Each benchmark script runs in its own
process with ``$NOUNKIT_BENCH_RECORD`` naming a file it appends its figures to
(``_common.record``); this script then renders those figures: nounkit's median and
spread, the baseline's or peer's measured in the same run, their ratio, and the
target where an issue set one.

    bench/run                 # everything: about 8-9 minutes on 2 cores
    bench/run --quick         # every script's quick mode, 2-3 minutes: a smoke test, not a report
    bench/run --skip linkml   # leave a step out (names: see --help)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import ROOT, machine

BENCH = ROOT / "bench"
BEFORE = BENCH / "results" / "before-relationship-indexes.json"
FIGURES = BENCH / "results" / "figures.jsonl"  # this run's raw figures, for --render


@dataclass(frozen=True)
class Step:
    name: str
    script: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    what: str


STEPS = (
    Step(
        "definitions",
        "bench_definitions.py",
        # Quick sizes, but enough rounds of the whole-process section for its ratio target.
        ("--quick", "--process-runs", "15"),
        ("--quick", "--only", "process,validation"),
        "loading, checking, compiling; `nounkit check` as a process; validation",
    ),
    Step(
        "codegen",
        "bench_codegen.py",
        (),
        ("--quick",),
        "`nounkit build` and `nounkit codegen python` as whole processes",
    ),
    Step(
        "storage",
        "bench_storage.py",
        ("--quick",),
        ("--quick",),
        "storage backends against stock TinyDB and raw sqlite3",
    ),
    Step(
        "act",
        "bench_act.py",
        (),
        ("--quick",),
        "`registry.act()` per backend against the same raw writes; subscriber fan-out",
    ),
    Step(
        "jsonld",
        "bench_jsonld.py",
        ("--count", "2000", "--runs", "5"),
        ("--quick",),
        "JSON-LD against pyld",
    ),
    Step(
        "values",
        "bench_values.py",
        (),
        ("--quick",),
        "value types: nested validation against pydantic; nested queries on SQLite",
    ),
    Step(
        "behaviour",
        "bench_behaviour.py",
        (),
        ("--quick",),
        "declared consume against a Python handler; durable acts/s; read-time counts",
    ),
    Step(
        "scaling",
        "scaling.py",
        (),
        ("--quick",),
        "compile time against nouns; act() and query cost against stored entities",
    ),
    Step(
        "linkml",
        "peer_linkml.py",
        (),
        ("--quick",),
        "LinkML 1.12.1, installed in its own virtual environment, on the same models and data",
    ),
)


# -- formatting ---------------------------------------------------------------------------------


def _time(seconds: float) -> str:
    magnitude = abs(seconds)
    if magnitude >= 1:
        return f"{seconds:.2f} s"
    if magnitude >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _value(value: float, unit: str) -> str:
    if unit == "s":
        return _time(value)
    if unit.endswith("/s"):
        return f"{value:,.0f} {unit}"
    if unit in ("x", "ratio"):
        return f"{value:.2f}x"
    return f"{value:,.1f} {unit}" if value != int(value) else f"{value:,.0f} {unit}"


def _spread(values: Sequence[float], unit: str) -> str:
    """Median, and min..max when there were several runs."""
    middle = _value(statistics.median(values), unit)
    if len(values) < 2:
        return f"{middle} (1 run)"
    low, high = min(values), max(values)
    if unit == "s":
        return f"{middle} ({_time(low)}..{_time(high)}, {len(values)} runs)"
    return f"{middle} ({_value(low, unit)}..{_value(high, unit)}, {len(values)} runs)"


def _ratio(row: dict[str, Any]) -> str:
    ours, theirs = statistics.median(row["values"]), statistics.median(row["peer_values"])
    if not theirs or not ours:
        return "-"
    ratio = ours / theirs
    if row["higher_is_better"] or ratio >= 1:
        return f"{ratio:.2f}x"
    better = "faster" if row["unit"] == "s" else "less"
    return f"{ratio:.2f}x ({1 / ratio:.1f}x {better})"


def _verdict(row: dict[str, Any]) -> str:
    target = row.get("target")
    if target is None:
        return "-"
    ours = statistics.median(row["values"])
    met = ours >= target if row["higher_is_better"] else ours <= target
    bound = "≥" if row["higher_is_better"] else "<"
    return f"{bound} {_value(target, row['unit'])}: {'PASS' if met else 'MISS'}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| figure | nounkit | baseline or peer | its value | ratio | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        peer = row.get("peer")
        has_peer = bool(peer) and bool(row.get("peer_values"))
        note = f" — {row['note']}" if row.get("note") else ""
        lines.append(
            "| "
            + " | ".join(
                _cell(c)
                for c in (
                    row["figure"] + note,
                    _spread(row["values"], row["unit"]),
                    peer or "-",
                    _spread(row["peer_values"], row["unit"]) if has_peer else "-",
                    _ratio(row) if has_peer else "-",
                    _verdict(row),
                )
            )
            + " |"
        )
    return lines


# -- the optimisation: before and after ---------------------------------------------------------


def _optimisation(rows: list[dict[str, Any]]) -> list[str]:
    if not BEFORE.exists():
        return ["(no before-figures recorded)"]
    before = json.loads(BEFORE.read_text("utf-8"))
    after = {r["figure"]: r["values"] for r in rows if r["section"] == "Scaling: entities"}
    lines = [
        "The scaling curves showed every read of a customer growing with the number of "
        "stored entitlements: `get`, each transition (which returns the entity) and every "
        "`list` read the customer's five derived relationship lists by scanning the source "
        "nouns, and `list` did so once per entity on the page. The fix: SQLite and "
        "PostgreSQL index every to-one relationship, memory:// keeps an index of them, and "
        "`list` reads a page's derived lists with one `$in` query per list (and SQL "
        "`ORDER BY` no longer repeats `id`, which had sent SQLite's planner to the primary "
        "key). TinyDB has no indexes: its reads still scan, and its rows below move with "
        "the noise of a file rewritten on every commit.",
        "",
        f"Before: {before['source']}, measured {before['date']} on the same kind of machine "
        "with `python bench/scaling.py --only entities`. After: this run.",
        "",
        "![before: cost per call against stored entities](results/before-scaling-entities.png)",
        "",
        "| operation | before | after | speed-up |",
        "| --- | --- | --- | --- |",
    ]
    for figure, values in before["figures"].items():
        now = after.get(figure)
        if not now:
            continue
        was, is_ = statistics.median(values), statistics.median(now)
        lines.append(
            f"| {figure} | {_time(was)} | {_time(is_)} | {was / is_:.1f}x |"
            if is_
            else f"| {figure} | {_time(was)} | - | - |"
        )
    return lines


# -- running ------------------------------------------------------------------------------------


def run_steps(
    steps: Sequence[Step], quick: bool, record: Path, logs: Path
) -> dict[str, tuple[int, float]]:
    outcome: dict[str, tuple[int, float]] = {}
    env = {**os.environ, "NOUNKIT_BENCH_RECORD": str(record), "PYTHONWARNINGS": "ignore"}
    for step in steps:
        argv = [sys.executable, str(BENCH / step.script), *(step.quick if quick else step.full)]
        print(f"\n=== {step.name}: {step.what}\n    {' '.join(argv[1:])}", flush=True)
        start = time.perf_counter()
        with open(logs / f"{step.name}.txt", "w", encoding="utf-8") as log:
            child = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            assert child.stdout is not None
            for line in child.stdout:
                sys.stdout.write(line)
                log.write(line)
            code = child.wait()
        took = time.perf_counter() - start
        outcome[step.name] = (code, took)
        print(f"=== {step.name}: exit {code} in {took:.0f} s", flush=True)
    return outcome


def render(
    rows: list[dict[str, Any]],
    outcome: dict[str, tuple[int, float]],
    total: float,
    quick: bool,
    facts: dict[str, str],
) -> str:
    lines = [
        "# nounkit performance report",
        "",
        "Written by `bench/run` (`bench/report.py`); do not edit by hand. Every figure is "
        "the median of several runs, with the min..max spread and the number of runs; a "
        "baseline or peer beside it was measured in the same run. Ratios are nounkit's "
        "value over the other's: below 1 is faster for times.",
        "",
        f"- **Date:** {facts['date']}",
        f"- **Machine:** {facts['cpu']}; {facts['memory']}; {facts['host']}",
        f"- **Load average at the end:** {facts['load average']}",
        "- **Raw figures:** `results/figures.jsonl` (every run's value; "
        "`python bench/report.py --render` renders this page again from it)",
        f"- **Python:** {facts['python']}",
        f"- **Libraries:** {facts['libraries']}",
        f"- **Source:** {facts['source']}",
        f"- **Whole run:** {total / 60:.1f} minutes"
        + (" (`--quick`: a smoke test, fewer runs and sizes)" if quick else ""),
        "",
        "| step | what | exit | time |",
        "| --- | --- | --- | --- |",
    ]
    for step in STEPS:
        if step.name in outcome:
            code, took = outcome[step.name]
            lines.append(f"| {step.name} | {step.what} | {code} | {took:.0f} s |")
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        sections.setdefault(row["section"], []).append(row)
    for section, section_rows in sections.items():
        lines += ["", f"## {section}", ""]
        if section == "Scaling: compile":
            lines += ["![compile time against nouns](scaling-compile.png)", ""]
        if section == "Scaling: entities":
            lines += ["![act and query cost against stored entities](scaling-entities.png)", ""]
        lines += _table(section_rows)
    lines += ["", "## Optimisation: indexed relationship reads", "", *_optimisation(rows), ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every script's quick mode")
    parser.add_argument(
        "--skip", action="append", default=[], choices=[s.name for s in STEPS], help="leave out"
    )
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument(
        "--render",
        action="store_true",
        help=f"run nothing: render again from {FIGURES.relative_to(ROOT)} of the last run",
    )
    args = parser.parse_args(argv)
    if args.render:
        saved = json.loads(FIGURES.read_text("utf-8").splitlines()[0])
        rows = [json.loads(line) for line in FIGURES.read_text("utf-8").splitlines()[1:] if line]
        outcome = {name: (code, took) for name, (code, took) in saved["outcome"].items()}
        args.out.write_text(
            render(rows, outcome, saved["total"], saved["quick"], saved["machine"]),
            encoding="utf-8",
        )
        print(f"wrote {args.out} ({len(rows)} figures) from {FIGURES}")
        return 0
    steps = [s for s in STEPS if s.name not in args.skip]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        record, logs = Path(tmp) / "figures.jsonl", Path(tmp)
        record.touch()
        outcome = run_steps(steps, args.quick, record, logs)
        rows = [json.loads(line) for line in record.read_text("utf-8").splitlines() if line]
    total = time.perf_counter() - start
    facts = dict(machine())
    header = {"outcome": outcome, "total": total, "quick": args.quick, "machine": facts}
    FIGURES.write_text(
        "".join(json.dumps(item) + "\n" for item in [header, *rows]), encoding="utf-8"
    )
    args.out.write_text(render(rows, outcome, total, args.quick, facts), encoding="utf-8")
    print(f"\nwrote {args.out} ({len(rows)} figures) in {total / 60:.1f} minutes")
    failed = [name for name, (code, _) in outcome.items() if code != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
