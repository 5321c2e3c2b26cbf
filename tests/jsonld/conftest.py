"""Fixtures of the JSON-LD tests: a catalog registry, noun files, and no network."""

from __future__ import annotations

import socket
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nounkit import Registry

from .support import CATALOG


@pytest.fixture
def catalog() -> Iterator[Registry]:
    """A fresh catalog registry on memory storage, as its YAML declares it."""
    with Registry.load(CATALOG, storage="memory://", handlers=[]) as reg:
        yield reg


@pytest.fixture
def nouns_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a noun file (dedented) and return its path."""

    def write(text: str, name: str = "nouns.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
        return path

    return write


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail on any attempt to resolve a host or open a connection; the list records them."""
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[:2]))
        raise NetworkUsed(f"network use attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts
