"""Doing half of the work in a forked child changes nothing but the time: reading
noun files, and comparing and writing what ``nounkit build`` generates.

Each check runs in a new interpreter: forking is only safe with no other
thread, and a test process may have some.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="nounkit forks only on Linux; elsewhere it reads in one process"
)


def _run(script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _noun(name: str, padding: int) -> str:
    return (
        f"{name}:\n  description: {'x' * padding}\n  properties:\n"
        "    title: {type: string}\n    size: {type: integer, minimum: 0}\n"
    )


def _files(folder: Path, broken: set[int]) -> None:
    # Enough bytes to be worth a second process; broken files on both sides of the split.
    for n in range(8):
        text = "".join(_noun(f"Thing{n}x{k}", 2_000) for k in range(20))
        if n in broken:
            text += f"Broken{n}:\n  properties:\n    bad: {{type: strng}}\n  colour: red\n"
        (folder / f"nouns{n}.yaml").write_text(text, encoding="utf-8")


_COMPARE = """
    import sys
    from nounkit import _fork
    from nounkit.errors import DefinitionError
    from nounkit.language import loader

    # A new interpreter has no other thread, so forking is safe even on one core (where
    # nounkit would not bother): the split must be exercised wherever the suite runs.
    _fork.can_fork = lambda: True
    forks = []
    real = _fork.in_child
    _fork.in_child = lambda work: forks.append(1) or real(work)

    def load(parallel):
        try:
            nouns = loader.load_nouns([sys.argv[1]], parallel=parallel)
        except DefinitionError as exc:
            return "problems", [str(p) for p in exc.problems]
        return "nouns", [(n.name, str(n.location), sorted(n.properties)) for n in nouns.values()]

    assert load(True) == load(False)
    assert forks == [1]
    print(load(True)[0])
"""


@pytest.mark.parametrize(("broken", "outcome"), [(set(), "nouns"), ({2, 5}, "problems")])
def test_reading_in_two_processes_gives_the_same_nouns_and_problems(
    tmp_path: Path, broken: set[int], outcome: str
) -> None:
    _files(tmp_path, broken)
    script = _COMPARE.replace("sys.argv[1]", repr(str(tmp_path)))
    assert _run(script).strip() == outcome


def test_a_failed_child_leaves_the_work_to_the_parent() -> None:
    out = _run(
        """
        from nounkit._fork import in_child

        def boom():
            raise RuntimeError("child fails")

        assert in_child(boom)() is None
        assert in_child(lambda: {"answer": [42]})() == {"answer": [42]}
        print("ok")
        """
    )
    assert out.strip() == "ok"


_BUILD = """
    import json, sys
    from pathlib import Path
    from nounkit import Registry, _fork
    from nounkit.codegen import build as builder

    builder.can_fork = lambda: True  # a new interpreter: safe to fork, whatever the cores
    builder._PARALLEL_NOUNS = 2  # the catalog's nine nouns are enough to split
    forks = []
    builder.in_child = lambda work: forks.append(1) or _fork.in_child(work)
    registry = Registry.load(sys.argv[1])
    one, two = Path(sys.argv[2]) / "one", Path(sys.argv[2]) / "two"

    first = builder.build(registry, one, parallel=True)
    assert first == builder.build(registry, two, parallel=False)
    assert {p.name: p.read_bytes() for p in one.iterdir()} == {
        p.name: p.read_bytes() for p in two.iterdir()
    }
    names = first.missing
    (one / names[3]).write_text("{}")
    (one / names[8]).unlink()
    (one / "gone.schema.json").write_text("{}")
    again = builder.build(registry, one, parallel=True)
    assert (again.stale, again.missing, again.orphaned) == (
        [names[3]], [names[8]], ["gone.schema.json"]
    ), again
    assert builder.check(registry, one, parallel=True).clean
    assert len(forks) == 3
    print("ok")
"""


def test_building_in_two_processes_writes_and_reports_the_same(tmp_path: Path) -> None:
    nouns = Path(__file__).resolve().parents[1] / "nouns"
    script = _BUILD.replace("sys.argv[1]", repr(str(nouns))).replace(
        "sys.argv[2]", repr(str(tmp_path))
    )
    assert _run(script).strip() == "ok"
