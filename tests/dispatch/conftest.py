"""Registries on every backend.

Every test that takes ``registry`` (the shipped catalog with its handlers) or
``kit`` (``data/kit.yaml``: tenancy, unique values, roles, rules, computed
values, misbehaving handlers) runs once per backend: memory://, tinydb://,
sqlite:// and PostgreSQL. PostgreSQL comes from ``NOUNKIT_TEST_POSTGRES_URL``
(each test gets a schema of its own; the session drops them at its end); without it those
tests skip, or fail under ``CI=true``, as in tests/storage.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from nounkit import Registry

from .helpers import (
    close_readers,
    file_url,
    load_catalog,
    load_kit,
    postgres_server_url,
    with_schema,
)

BACKENDS = ["memory", "tinydb", "sqlite", "postgresql"]
LASTING_BACKENDS = ["tinydb", "sqlite", "postgresql"]  # a second registry can reopen them


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[list[str]]:
    """Every schema the session made, dropped together at its end (one round trip)."""
    made: list[str] = []
    yield made
    if made:
        import psycopg

        with psycopg.connect(postgres_server_url(), autocommit=True) as conn:
            schemas = ", ".join(f'"{name}"' for name in made)
            conn.execute(f"DROP SCHEMA IF EXISTS {schemas} CASCADE")


@pytest.fixture
def pg_url(pg_schemas: list[str]) -> str:
    """A PostgreSQL URL whose store lives in a new, empty schema of its own."""
    psycopg = pytest.importorskip("psycopg")
    base = postgres_server_url()
    schema = f"nk_dispatch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    pg_schemas.append(schema)
    return with_schema(base, schema)


@pytest.fixture(autouse=True)
def _close_readers() -> Iterator[None]:
    """Close the second connections ``assert_unchanged`` opened during the test."""
    yield
    close_readers()


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    """Where file stores live: on tmpfs when there is one.

    Every commit of tinydb and sqlite fsyncs, which on a disk costs several
    times more than the act itself; durability is the storage suite's subject,
    not this one's.
    """
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="nounkit-dispatch-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def storage_url(request: pytest.FixtureRequest, store_dir: Path) -> str:
    """The URL of a fresh, empty store on each backend in turn."""
    backend: str = request.param
    if backend == "memory":
        return "memory://"
    if backend == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        return url
    return file_url(backend, store_dir)


@pytest.fixture(params=LASTING_BACKENDS)
def lasting_url(request: pytest.FixtureRequest, store_dir: Path) -> str:
    """A fresh store that outlives its registry: tinydb, sqlite and PostgreSQL."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        return url
    return file_url(request.param, store_dir)


@pytest.fixture
def registry(storage_url: str) -> Iterator[Registry]:
    """The shipped catalog as its YAML declares it (no handlers), on a fresh store."""
    with load_catalog(storage_url) as reg:
        yield reg


@pytest.fixture
def handled(storage_url: str) -> Iterator[Registry]:
    """The shipped catalog with the handlers of merge, addCustomer and removeCustomer."""
    with load_catalog(storage_url, handlers=True) as reg:
        yield reg


@pytest.fixture
def kit(storage_url: str) -> Iterator[Registry]:
    """The test nouns of data/kit.yaml with their handlers, on a fresh store."""
    with load_kit(storage_url) as reg:
        yield reg
