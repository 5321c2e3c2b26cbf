"""Benchmark: ``nounkit build`` and ``nounkit codegen python`` as whole processes.

Run from anywhere::

    python bench/bench_codegen.py [--quick]

Each command runs in a new process, as a build pipeline runs it, on one noun, on
the shipped catalog and on 1,000 generated nouns of 20 properties (the same
generator as bench_definitions.py). ``build`` writes into a new folder each run
(4,003 files for the 1,000 nouns), and for 1,000 nouns is also timed over a folder
already up to date, where it compares and writes nothing. The peer figures are
LinkML's, as the issue quotes them (LinkML is not installed here; bench/run
measures it in its own environment): gen-json-schema about 1.3 s on one class and
10.7 s on 1,000, gen-pydantic about 45 s on 1,000. The target is at least 10x faster.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import (
    NOUNS,
    Stats,
    banner,
    fmt_ms,
    machine,
    print_table,
    record,
    run_process,
    verdict,
)
from bench_definitions import _bytecode_env, write_nouns

# LinkML's figures from the issue, in seconds, and the speed-up asked for.
PEERS = {
    ("build", 1): 1.3,
    ("build", 1000): 10.7,
    ("codegen", 1000): 45.0,
}
SPEEDUP = 10.0


def _one_noun(folder: Path) -> Path:
    path = folder / "one.yaml"
    path.write_text(
        "Thing:\n  properties:\n"
        + "".join(f"    field{i}: {{type: string, optional: true}}\n" for i in range(20)),
        encoding="utf-8",
    )
    return path


# The raw baseline of a build into a new folder: the same files, read from an earlier
# build's folder and written as build writes them (a temporary, then renamed into place),
# by a bare Python loop, as a whole process. On a file system where creating files is
# slow, both pay it alike.
_WRITE_ONLY = """
import os, sys
source, target = sys.argv[1], sys.argv[2]
texts = {}
for name in sorted(os.listdir(source)):
    with open(os.path.join(source, name), "rb") as handle:
        texts[name] = handle.read()
os.mkdir(target)
for name, data in texts.items():
    tmp = os.path.join(target, "." + name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    os.write(fd, data)
    os.close(fd)
    os.replace(tmp, os.path.join(target, name))
"""


def _measure(
    argv: list[str], runs: int, cwd: Path, cache: Path, out: Path | None
) -> tuple[Stats, Stats | None]:
    """Runs of ``argv``, and of the raw baseline when there is one.

    With ``out`` (its ``--out`` folder) each run builds into a new folder, alternating
    with the baseline writing the same files into another; without, every run after
    the first finds its files up to date and writes none.
    """
    env = {**_bytecode_env(cache), "PYTHONWARNINGS": "ignore"}
    run_process(argv, cwd=cwd, env=env)  # fills the bytecode cache, as an install would
    if out is None:
        return Stats.of(run_process(argv, cwd=cwd, env=env) for _ in range(runs)), None
    at = argv.index(str(out))
    ours, raw = [], []
    for i in range(runs):
        ours.append(run_process([*argv[:at], f"{out}-new{i}", *argv[at + 1 :]], cwd=cwd, env=env))
        copy = [sys.executable, "-c", _WRITE_ONLY, str(out), f"{out}-raw{i}"]
        raw.append(run_process(copy, cwd=cwd, env=env))
    return Stats.of(ours), Stats.of(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    runs_small, runs_big = (3, 1) if args.quick else (7, 3)
    banner("nounkit benchmark: code generation as whole processes")
    for key, value in machine():
        print(f"  {key + ':':<14}{value}")
    nounkit = [sys.executable, "-m", "nounkit"]
    rows = []
    writes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        one = _one_noun(work)
        many = work / "generated"
        write_nouns(many, 1000)
        cases = [
            (
                "build",
                "1 noun",
                1,
                [*nounkit, "build", "--nouns", str(one), "--out", str(work / "s1")],
            ),
            (
                "build",
                "catalog (9 nouns)",
                9,
                [*nounkit, "build", "--nouns", str(NOUNS), "--out", str(work / "s9")],
            ),
            (
                "build",
                "1,000 generated nouns, into a new folder",
                1000,
                [*nounkit, "build", "--nouns", str(many), "--out", str(work / "s1000")],
            ),
            (
                "build",
                "1,000 generated nouns, up to date",
                1000,
                [*nounkit, "build", "--nouns", str(many), "--out", str(work / "s1000")],
            ),
            (
                "codegen",
                "catalog (9 nouns)",
                9,
                [*nounkit, "codegen", "python", "--nouns", str(NOUNS), "-o", str(work / "c9.py")],
            ),
            (
                "codegen",
                "1,000 generated nouns",
                1000,
                [*nounkit, "codegen", "python", "--nouns", str(many), "-o", str(work / "c1000.py")],
            ),
        ]
        for command, label, size, argv in cases:
            runs = runs_big if size >= 1000 else runs_small
            # build writes 4,003 files for 1,000 nouns: timed both into a new folder and
            # over a folder already up to date (the small ones only into a new folder).
            out = Path(argv[-1]) if command == "build" and "up to date" not in label else None
            stats, raw = _measure(argv, runs, work, work / "pyc", out)
            peer = PEERS.get((command, size))
            if raw is not None:
                files = sum(1 for _ in Path(argv[-1]).iterdir())
                writes.append(f"{label}: {files:,} files, {fmt_ms(raw.median)} to write alone")
            record(
                "Code generation",
                f"nounkit {command}, {label}, whole process",
                stats,
                peer=None if raw is None else "the same files written by a bare Python loop",
                peer_value=raw,
                target=peer / SPEEDUP if peer else None,
                note=f"LinkML's published figure: {peer:.1f} s (measured side by side under "
                "'Peer: LinkML')"
                if peer
                else "",
            )
            target = peer / SPEEDUP if peer else None
            rows.append(
                [
                    f"nounkit {command}",
                    label,
                    fmt_ms(stats.median),
                    fmt_ms(stats.cpu),
                    f"{peer:.1f} s" if peer else "-",
                    f"{peer / stats.median:.1f}x" if peer else "-",
                    fmt_ms(target) if target else "-",
                    verdict(stats.median, target) if target else "-",
                ]
            )
    print()
    print_table(["command", "nouns", "wall", "cpu", "LinkML", "speed-up", "target", "result"], rows)
    print("\n  LinkML figures are the issue's; wall is the median of the runs.")
    print(
        "  Into a new folder, the raw baseline writes the same files as build does, from a\n"
        "  bare Python loop in its own process, alternating with build's runs:"
    )
    for line in writes:
        print(f"    {line}")


if __name__ == "__main__":
    main()
