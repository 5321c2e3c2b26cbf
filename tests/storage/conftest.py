"""PostgreSQL for the storage tests: a fresh schema per test on the server CI starts.

The server comes from ``NOUNKIT_TEST_POSTGRES_URL`` (``.ci/run`` starts one
and sets it). Without it the PostgreSQL tests skip, except under ``CI=true``,
where they fail: CI must never pass without having run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

ENV = "NOUNKIT_TEST_POSTGRES_URL"


def server_url() -> str:
    url = os.environ.get(ENV, "")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{ENV} is not set: CI must run the PostgreSQL tests (.ci/run starts a server)")
    pytest.skip(f"set {ENV}=postgresql://user@host:port/db to run the PostgreSQL tests")


def with_schema(url: str, schema: str) -> str:
    """The URL with the connection's search_path set to ``schema``."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose store lives in a new, empty schema (dropped afterwards)."""
    base = server_url()
    import psycopg

    schema = f"nk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield with_schema(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
