"""Helpers of the dispatch tests: loading registries, the kit's handlers, ``assert_unchanged``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from nounkit import Registry
from nounkit.errors import FieldError, ValidationError
from nounkit.storage import Storage, open_storage

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "nouns"
KIT = Path(__file__).resolve().parent / "data" / "kit.yaml"
CATALOG_HANDLERS = ["nounkit.catalog.customers"]


POSTGRES_ENV = "NOUNKIT_TEST_POSTGRES_URL"


def postgres_server_url() -> str:
    """The test server's URL; without one, skip, or fail under ``CI=true``.

    The same rule as tests/storage/conftest.py (kept here so that a change
    to the storage suite's fixtures cannot break these tests' collection).
    """
    url = os.environ.get(POSTGRES_ENV, "")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            f"{POSTGRES_ENV} is not set: CI must run the PostgreSQL dispatch tests "
            "(.ci/run starts a server)"
        )
    pytest.skip(f"set {POSTGRES_ENV}=postgresql://user@host:port/db to run on PostgreSQL")


def with_schema(url: str, schema: str) -> str:
    """The URL with the connection's search_path set to ``schema``."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def file_url(backend: str, folder: Path) -> str:
    """A tinydb or sqlite store in ``folder``: an absolute path, so four slashes in all."""
    path = folder / ("db.json" if backend == "tinydb" else "db.sqlite")
    url = f"{backend}:///{path}"
    assert url.startswith(f"{backend}:////"), url
    return url


def load_catalog(url: str, *, handlers: bool = False) -> Registry:
    """The shipped catalog (nouns/) as YAML declares it; with ``handlers``, also the
    handlers of the actions that change other entities (merge, addCustomer, ...)."""
    return Registry.load(CATALOG, storage=url, handlers=CATALOG_HANDLERS if handlers else [])


def load_kit(url: str) -> Registry:
    """The test nouns (data/kit.yaml) with the handlers below."""
    registry = Registry.load(KIT, storage=url, handlers=[])
    install_kit_handlers(registry)
    return registry


def install_kit_handlers(registry: Registry) -> None:
    """Handlers for data/kit.yaml. ``Account.audit`` deliberately has none."""

    @registry.handles("Account.deposit")
    def deposit(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
        return {"balance": entity.balance + data["amount"]}

    @registry.handles("Account.withdraw")
    def withdraw(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
        # No check here: the rule "available >= 0" refuses an overdraft.
        return {"balance": entity.balance - data["amount"]}

    @registry.handles("Account.transfer")
    def transfer(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
        # The deposit is written first; the rule may still refuse this account's side.
        ctx.act("Account.deposit", id=data["to"], data={"amount": data["amount"]})
        return {"balance": entity.balance - data["amount"]}

    @registry.handles("Account.sabotage")
    def sabotage(ctx: Any, entity: Any, data: dict[str, Any]) -> None:
        ctx.act("Account.update", id=data["other"], data={"handle": "sabotaged"})
        ctx.emit("flagged", {"other": data["other"]})
        raise RuntimeError(f"sabotage of {data['other']} went wrong mid-way")

    @registry.handles("Account.shout")
    def shout(ctx: Any, entity: Any, data: dict[str, Any]) -> None:
        ctx.emit("flagged")
        ctx.emit("hacked")

    @registry.handles("Account.scribble")
    def scribble(ctx: Any, entity: Any, data: dict[str, Any]) -> dict[str, Any]:
        return {"graffiti": "was here"}


def assert_unchanged(
    registry: Registry,
    action: Callable[[], object],
    error: type[BaseException],
    *contains: str,
) -> Any:
    """Run a call that must fail with ``error``; storage and the log must be exactly as before.

    Each of ``contains`` must appear in the error's message. The store is
    compared by a full dump (records, events, checkpoints) through the
    registry and, for stores that outlive it, through a second connection,
    so a write undone only in this process's memory is caught too.
    Returns the error for further checks.
    """
    before = registry.storage.dump()
    with pytest.raises(error) as caught:
        action()
    message = str(caught.value)
    for text in contains:
        assert text in message, f"{text!r} not in the {error.__name__} message: {message}"
    assert registry.storage.dump() == before, f"storage changed after {error.__name__}"
    other = reader(registry)
    if other is not None:
        assert other.dump() == before, f"another connection sees a change: {other.url}"
    return caught.value


_READERS: dict[str, Storage] = {}


def reader(registry: Registry) -> Storage | None:
    """A second connection to the registry's store (None for memory://), kept for the test."""
    url = registry.storage.url
    if url.startswith("memory:"):
        return None
    if url not in _READERS:
        _READERS[url] = open_storage(url, registry.nouns)
    return _READERS[url]


def close_readers() -> None:
    while _READERS:
        _READERS.popitem()[1].close()


def field_errors(error: ValidationError) -> dict[str, FieldError]:
    """A ValidationError's field errors by path."""
    return {e.path: e for e in error.errors}


def names(events: Iterable[Any]) -> list[str]:
    """The full names of events, in order."""
    return [event.name for event in events]
