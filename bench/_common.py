"""Helpers shared by the benchmarks: the machine, timing, and plain-text tables.

Benchmarks print figures; nothing here asserts on time.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOUNS = ROOT / "nouns"

__all__ = [
    "NOUNS",
    "ROOT",
    "Sample",
    "Stats",
    "banner",
    "fmt_ms",
    "fmt_ratio",
    "fmt_us",
    "loop",
    "machine",
    "print_table",
    "record",
    "repeat",
    "run_process",
    "timed",
    "verdict",
]


# -- the machine --------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        return f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        return "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _source() -> str:
    """The commit measured, read-only: ``--no-optional-locks`` keeps git off the index."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "src", "nouns", "pyproject.toml")
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    if not commit:
        return "unknown (not a git checkout)"
    return f"{ROOT} at {commit}" + (" with uncommitted changes" if dirty else "")


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on: date, CPU, memory, Python and library versions."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    try:
        load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        load = "unknown"
    try:
        import yaml

        libyaml = "with libyaml" if hasattr(yaml, "CSafeLoader") else "pure Python"
    except ImportError:
        libyaml = "?"
    libraries = ", ".join(
        f"{name} {_version(name)}"
        for name in ("nounkit", "pydantic", "pydantic-core", "jsonschema", "inflection")
    )
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("source", _source()),
        ("host", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("cpu", f"{_cpu_model()}; {os.cpu_count()} cores, {usable} usable"),
        ("memory", _memory()),
        ("load average", f"{load} (1, 5, 15 min; other work on the machine adds noise)"),
        (
            "python",
            f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        ),
        ("libraries", f"{libraries}, PyYAML {_version('PyYAML')} {libyaml}"),
    ]


def banner(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


# -- timing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One measurement, in seconds: wall clock, CPU time, and time spent in the collector."""

    wall: float
    cpu: float
    gc: float = 0.0


@dataclass(frozen=True)
class Stats:
    """Median and spread of repeated measurements."""

    samples: tuple[Sample, ...]

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def median(self) -> float:
        """Median wall time."""
        return statistics.median(s.wall for s in self.samples)

    @property
    def min(self) -> float:
        return min(s.wall for s in self.samples)

    @property
    def max(self) -> float:
        return max(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        """Median CPU time: what the code costs when it does not wait for a busy CPU."""
        return statistics.median(s.cpu for s in self.samples)

    @property
    def gc(self) -> float:
        """Median time spent in the cyclic garbage collector."""
        return statistics.median(s.gc for s in self.samples)

    def spread_ms(self) -> str:
        return f"{self.min * 1e3:.1f}..{self.max * 1e3:.1f}"

    @classmethod
    def of(cls, samples: Iterable[Sample]) -> Stats:
        return cls(tuple(samples))

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            tuple(
                Sample(a.wall + b.wall, a.cpu + b.cpu, a.gc + b.gc)
                for a, b in zip(self.samples, other.samples, strict=True)
            )
        )


class _GcClock:
    """Adds up the time the cyclic collector runs, through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.total = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start


_GC = _GcClock()


def timed(fn: Callable[[], object]) -> Sample:
    """One call of ``fn``, after a full collection so earlier garbage is not billed to it.

    The collector stays enabled during the call: real programs pay for it too.
    """
    gc.collect()
    gc_before = _GC.total
    cpu = time.process_time()
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    return Sample(wall, time.process_time() - cpu, _GC.total - gc_before)


def loop(each: Callable[[Any], object], data: Sequence[Any]) -> Callable[[], None]:
    """One timed run: ``each`` over every item of ``data``."""

    def run() -> None:
        for item in data:
            each(item)

    return run


def repeat(fn: Callable[[], object], times: int) -> Stats:
    return Stats(tuple(timed(fn) for _ in range(times)))


def run_process(argv: Sequence[str], **kwargs: object) -> Sample:
    """Wall and CPU time (user + system) of one child process; it must exit 0."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, **kwargs)  # type: ignore[call-overload]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(wall, cpu)


# -- formatting ---------------------------------------------------------------------------------


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} µs"


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.2f}x"


def verdict(value: float, limit: float) -> str:
    """PASS when ``value`` is at most ``limit`` (lower is better for every figure here)."""
    return "PASS" if value <= limit else "MISS"


def print_table(header: Sequence[str], rows: Iterable[Sequence[object]], indent: int = 2) -> None:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        parts = [
            row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i]) for i in range(len(row))
        ]
        return " " * indent + "  ".join(parts).rstrip()

    print(line(cells[0]))
    print(" " * indent + "  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))


# -- records for bench/run ----------------------------------------------------------------------

RECORD_ENV = "NOUNKIT_BENCH_RECORD"


def _values(measured: Stats | Sequence[float] | float | None, cpu: bool) -> list[float] | None:
    if measured is None:
        return None
    if isinstance(measured, Stats):
        return [s.cpu if cpu else s.wall for s in measured.samples]
    if isinstance(measured, int | float):
        return [float(measured)]
    return [float(v) for v in measured]


def record(
    section: str,
    figure: str,
    value: Stats | Sequence[float] | float,
    *,
    unit: str = "s",
    peer: str | None = None,
    peer_value: Stats | Sequence[float] | float | None = None,
    higher_is_better: bool = False,
    target: float | None = None,
    note: str = "",
) -> None:
    """Append one figure to the file ``bench/run`` names in ``$NOUNKIT_BENCH_RECORD``.

    Outside ``bench/run`` this does nothing, so every script still runs on its own.
    ``value`` and ``peer_value`` are repeated measurements (a ``Stats`` gives wall and
    CPU time), one number per run; ``bench/report.py`` takes their medians and spread.
    """
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    row = {
        "section": section,
        "figure": figure,
        "unit": unit,
        "values": _values(value, cpu=False),
        "cpu": _values(value, cpu=True) if isinstance(value, Stats) else None,
        "peer": peer,
        "peer_values": _values(peer_value, cpu=False),
        "peer_cpu": _values(peer_value, cpu=True) if isinstance(peer_value, Stats) else None,
        "higher_is_better": higher_is_better,
        "target": target,
        "note": note,
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")
