"""Doing half of the work in a forked child changes nothing but the time: reading
noun files, and making, comparing and writing what ``nounkit build`` generates.

Each check runs in a new interpreter: forking is only safe with no other
thread, and a test process may have some. There the fork is allowed whatever
the number of cores, so the split is exercised wherever the suite runs, and
every child's answer is recorded: a child that failed would leave the work to
the parent and hide the split's bugs.
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

CATALOG = Path(__file__).resolve().parents[1] / "nouns"

# Put first in every script: forks allowed, each child's answer recorded in ANSWERS
# (True: it came back and was used).
_RECORD = """
    import contextlib
    from nounkit import _fork
    from nounkit.codegen import build as builder

    ANSWERS = []
    _real = _fork.in_child

    @contextlib.contextmanager
    def _recorded(work):
        with _real(work) as result:
            def answer():
                found = result()
                ANSWERS.append(found is not None)
                return found
            yield answer

    _fork.can_fork = builder.can_fork = lambda: True
    _fork.in_child = builder.in_child = _recorded
"""


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_RECORD) + textwrap.dedent(script), *args],
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
    from nounkit.errors import DefinitionError
    from nounkit.language import loader

    def load(parallel):
        try:
            nouns = loader.load_nouns([sys.argv[1]], parallel=parallel)
        except DefinitionError as exc:
            return "problems", [str(p) for p in exc.problems]
        return "nouns", [(n.name, str(n.location), sorted(n.properties)) for n in nouns.values()]

    assert load(True) == load(False)
    assert ANSWERS == [True], ANSWERS
    print(load(False)[0])
"""


@pytest.mark.parametrize(("broken", "outcome"), [(set(), "nouns"), ({2, 5}, "problems")])
def test_reading_in_two_processes_gives_the_same_nouns_and_problems(
    tmp_path: Path, broken: set[int], outcome: str
) -> None:
    _files(tmp_path, broken)
    assert _run(_COMPARE, str(tmp_path)).strip() == outcome


def test_when_fork_fails_the_parent_reads_everything(tmp_path: Path) -> None:
    _files(tmp_path, set())
    script = """
        import os, sys
        from nounkit.language import loader

        expected = loader.load_nouns([sys.argv[1]])
        def no_fork():
            raise BlockingIOError(11, "Resource temporarily unavailable")
        os.fork = no_fork
        before = len(os.listdir("/proc/self/fd"))
        assert loader.load_nouns([sys.argv[1]], parallel=True).keys() == expected.keys()
        assert len(os.listdir("/proc/self/fd")) == before  # the pipe is closed again
        assert ANSWERS == [False]
        print("ok")
    """
    assert _run(script, str(tmp_path)).strip() == "ok"


def test_a_failed_child_leaves_the_work_to_the_parent() -> None:
    script = """
        def boom():
            raise RuntimeError("child fails")

        with _fork.in_child(boom) as result:
            assert result() is None
        with _fork.in_child(lambda: {"answer": [42]}) as result:
            assert result() == {"answer": [42]}
        print("ok")
    """
    assert _run(script).strip() == "ok"


def test_when_the_parent_fails_the_child_is_stopped_and_reaped(tmp_path: Path) -> None:
    script = """
        import os, sys, time
        from pathlib import Path

        marker = Path(sys.argv[1]) / "written-by-the-child"

        def slow_half():
            time.sleep(2)
            marker.write_text("the child went on after the parent failed")

        before = len(os.listdir("/proc/self/fd"))
        try:
            with _fork.in_child(slow_half) as result:
                raise KeyError("the parent's half failed")
        except KeyError:
            pass
        children = Path(f"/proc/self/task/{os.getpid()}/children").read_text().split()
        assert children == [], children  # neither running nor a zombie
        assert len(os.listdir("/proc/self/fd")) == before
        assert not marker.exists()  # stopped, not waited for
        print("ok")
    """
    assert _run(script, str(tmp_path)).strip() == "ok"


_BUILD = """
    import sys
    from pathlib import Path
    from nounkit import Registry

    builder._PARALLEL_NOUNS = 2  # the catalog's nine nouns are enough to split
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
    assert ANSWERS == [True, True, True], ANSWERS
    print("ok")
"""


def test_building_in_two_processes_writes_and_reports_the_same(tmp_path: Path) -> None:
    assert _run(_BUILD, str(CATALOG), str(tmp_path)).strip() == "ok"
