"""Helpers shared by the benchmarks: the machine, timing, and plain-text tables.

Benchmarks print figures; nothing here asserts on time.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOUNS = ROOT / "nouns"

__all__ = [
    "NOUNS",
    "ROOT",
    "Stats",
    "banner",
    "fmt_ms",
    "fmt_ratio",
    "fmt_us",
    "machine",
    "print_table",
    "repeat",
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
class Stats:
    """Median and spread of repeated measurements, in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def n(self) -> int:
        return len(self.samples)

    def spread_ms(self) -> str:
        return f"{self.min * 1e3:.1f}..{self.max * 1e3:.1f}"


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes, after a full collection so earlier garbage is not billed.

    The collector stays enabled during the call: real programs pay for it too.
    """
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def repeat(fn: Callable[[], object], times: int) -> Stats:
    return Stats(tuple(timed(fn) for _ in range(times)))


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
