"""The quick YAML read never differs from the careful one.

Noun files that load cleanly are read without noting where each value stands
(``read_yaml(..., quick=True)``); anything unusual is left to the careful
reader. Whatever the text, both must give the same values, or the same
problem at the same place, and the same positions once they are asked for.
"""

from __future__ import annotations

import pickle
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nounkit.language.loader import load_nouns
from nounkit.language.spec import Location
from nounkit.language.yamlsource import YamlProblem, read_yaml

NOUNS = Path(__file__).resolve().parents[1] / "nouns"

# Words YAML reads in more than one way, and characters that change its structure.
_WORDS = ["on", "no", "~", "null", "<<", "2026-01-01", "1e3", "0x1F", ".inf", "a: b", "- x", ""]
_FRAGMENTS = [
    "&a ", "*a", "!!str ", "!x ", "<<: ", "<<: *a\n", "? ", "---\n", "- ", "{", "}", "[", "]",
    ": ", ", ", "\t", '"', "'", "\n  ", "\n", "#", "|\n  ", "a: 1\n", "a: 2\n",
]  # fmt: skip

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(_WORDS),
    st.text(max_size=8),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(_WORDS), st.text(max_size=6)), inner, max_size=4),
    ),
    max_leaves=25,
)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    value = draw(_values)
    flow = draw(st.sampled_from([None, True, False]))
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 3))):  # perturb: anchors, tags, merges, broken syntax
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(_FRAGMENTS)) + text[at:]
    return text


def _read(text: str, *, quick: bool) -> tuple[str, Any]:
    try:
        document = read_yaml(text, "f.yaml", quick=quick)
    except YamlProblem as exc:
        return "problem", (exc.message, exc.line, exc.column, exc.path, exc.hint)
    positions = document.positions
    return "values", (document.data, positions.values, positions.keys, positions.of(("x", 0)))


@settings(max_examples=600, deadline=None)
@given(_texts())
@example("a: *a\n")
@example("a: &a 1\nb: *a\n")
@example("a: 1\na: 2\n")
@example("<<: {a: 1}\nb: 2\n")
@example("a: !!str 1\n")
@example("!!map {a: 1}\n")
@example("a: 1\n---\nb: 2\n")
@example("{? [a]: 1}\n")
def test_quick_and_careful_reads_agree(text: str) -> None:
    assert _read(text, quick=True) == _read(text, quick=False)


def test_plain_yaml_is_read_quickly_and_positions_are_found_later() -> None:
    text = "Thing:\n  properties:\n    name: {type: string}\n    tags: [a, b]\n"
    quick = read_yaml(text, "f.yaml", quick=True)
    assert quick.positions.pending
    assert quick.positions.of(("Thing", "properties", "tags", 1)) == (4, 15)
    assert quick.positions.of(("Thing", "properties", "name"), key=True) == (3, 5)
    assert not quick.positions.pending


def test_anything_unusual_is_read_carefully() -> None:
    for text in ["a: &x 1\nb: *x\n", "a: !!str 1\n", "<<: {a: 1}\n", "a: 1\na: 2\n", "a: [\n"]:
        try:
            document = read_yaml(text, "f.yaml", quick=True)
        except YamlProblem:
            continue
        assert not document.positions.pending, text


def test_locations_of_a_quick_load_are_the_careful_ones() -> None:
    nouns = load_nouns([NOUNS])
    checked = 0
    for noun in nouns.values():
        assert noun.location is not None
        careful = read_yaml(Path(noun.location.file).read_bytes(), noun.location.file).positions
        assert (noun.location.line, noun.location.column) == careful.of((noun.name,), key=True)
        for name, prop in noun.properties.items():
            if prop.location is not None:
                path = (noun.name, "properties", name)
                assert (prop.location.line, prop.location.column) == careful.of(path, key=True)
                checked += 1
    assert checked > 50


def test_locations_asked_for_from_many_threads_at_once_are_right(tmp_path: Path) -> None:
    text = "".join(f"Thing{n}:\n  properties:\n    name: {{type: string}}\n" for n in range(300))
    (tmp_path / "nouns.yaml").write_text(text, encoding="utf-8")
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        for _ in range(5):
            nouns = list(load_nouns([tmp_path]).values())
            seen: list[tuple[str, str]] = []

            def ask(noun: Any, seen: list[tuple[str, str]] = seen) -> None:
                seen.append((noun.name, str(noun.location)))

            # Each of the last four nouns asked for by three threads at once: threads race
            # on the file's positions and on each location.
            threads = [
                threading.Thread(target=ask, args=(noun,)) for noun in nouns[-4:] for _ in range(3)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert sorted(seen) == [
                (f"Thing{n}", f"{tmp_path / 'nouns.yaml'}:{3 * n + 1}:1")
                for n in range(296, 300)
                for _ in range(3)
            ]
    finally:
        sys.setswitchinterval(switch)


def test_a_location_is_an_immutable_value() -> None:
    found = Location.deferred("a.yaml", lambda: (3, 5))
    assert found == Location("a.yaml", 3, 5)
    assert hash(found) == hash(Location("a.yaml", 3, 5))
    assert pickle.loads(pickle.dumps(found)) == found
    match found:
        case Location(file, line, column):
            assert (file, line, column) == ("a.yaml", 3, 5)
    with pytest.raises(AttributeError, match="immutable"):
        found.file = "b.yaml"  # type: ignore[misc]


def test_positions_asked_for_from_many_threads_at_once_are_right() -> None:
    text = "".join(f"Thing{n}:\n  properties:\n    name: {{type: string}}\n" for n in range(300))
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(5):
            positions = read_yaml(text, "f.yaml", quick=True).positions
            seen: dict[int, tuple[int, int]] = {}

            def ask(n: int, positions: Any = positions, seen: Any = seen) -> None:
                seen[n] = positions.of((f"Thing{n}",), key=True)

            threads = [threading.Thread(target=ask, args=(n,)) for n in range(292, 300)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert seen == {n: (3 * n + 1, 1) for n in range(292, 300)}
    finally:
        sys.setswitchinterval(switch)
