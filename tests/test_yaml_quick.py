"""The quick YAML read never differs from the careful one.

Noun files that load cleanly are read without noting where each value stands
(``read_yaml(..., quick=True)``); anything unusual is left to the careful
reader. Whatever the text, both must give the same values, or the same
problem at the same place, and the same positions once they are asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nounkit.language.loader import load_nouns
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
