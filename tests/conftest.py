"""Shared fixtures: writing noun files into a temporary folder and loading them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from nounkit.errors import DefinitionError, Problem
from nounkit.language.loader import load_nouns

CATALOG = Path(__file__).resolve().parents[1] / "nouns"


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML (dedented, leading newline dropped, so line 1 is the first line written)."""

    def write(text: str | bytes, name: str = "nouns.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
        return path

    return write


@pytest.fixture
def problems(write: Callable[..., Path]) -> Callable[..., list[Problem]]:
    """Load one file of YAML, expect a DefinitionError and return its problems."""

    def problems(text: str | bytes, *, external: Iterable[str] = ()) -> list[Problem]:
        path = write(text)
        with pytest.raises(DefinitionError) as caught:
            load_nouns([path], external=external)
        found = caught.value.problems
        assert found, "a DefinitionError must carry at least one problem"
        for problem in found:
            assert problem.file == str(path)
        return found

    return problems
