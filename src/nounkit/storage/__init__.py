"""Pluggable storage: one contract (:mod:`.base`), four backends chosen by URL.

=======================  =============================================
``memory://``            dictionaries in this process (tests, scratch)
``tinydb:///db.json``    one readable JSON file (the default,
                         ``tinydb:///.nounkit/db.json``)
``sqlite:///db.sqlite``  SQLite in WAL mode
``postgresql://u@h/db``  PostgreSQL via psycopg 3 (extra ``postgres``)
=======================  =============================================

Three slashes start a path relative to the working directory, four an
absolute one. Other packages can add schemes with :func:`register_backend`,
or with an entry point in the ``nounkit.storage`` group naming a callable
that takes the URL and returns a :class:`Storage`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from importlib.metadata import entry_points

from nounkit._limits import text_problem
from nounkit.language.spec import NounDef
from nounkit.storage.base import (
    CAPABILITIES,
    Event,
    NewEvent,
    Page,
    Query,
    Record,
    Storage,
    Transaction,
    utc_now,
)
from nounkit.storage.query import check_query
from nounkit.storage.urls import EXAMPLES, bad_url

__all__ = [
    "CAPABILITIES",
    "Event",
    "NewEvent",
    "Page",
    "Query",
    "Record",
    "Storage",
    "Transaction",
    "check_query",
    "open_storage",
    "register_backend",
    "utc_now",
]

Opener = Callable[[str], Storage]

# Built-in backends by scheme: "module:function", imported on first use so
# that, say, psycopg loads only for PostgreSQL URLs.
_BUILTIN: Mapping[str, str] = {
    "memory": "nounkit.storage.memory:open_memory",
    "tinydb": "nounkit.storage.tinydb:open_tinydb",
    "sqlite": "nounkit.storage.sqlite:open_sqlite",
    "postgresql": "nounkit.storage.postgres:open_postgres",
    "postgres": "nounkit.storage.postgres:open_postgres",
}
_REGISTERED: dict[str, Opener] = {}


def register_backend(scheme: str, opener: Opener) -> None:
    """Let ``open_storage`` open ``scheme://...`` URLs with ``opener(url)``."""
    _REGISTERED[scheme.lower()] = opener


def _opener(url: str, scheme: str) -> Opener:
    if scheme in _REGISTERED:
        return _REGISTERED[scheme]
    target = _BUILTIN.get(scheme)
    if target is not None:
        module, _, name = target.partition(":")
        try:
            opener: Opener = getattr(import_module(module), name)
        except ImportError as exc:  # an optional driver is not installed
            raise bad_url(
                url,
                f"the {scheme} backend needs {exc.name or 'a driver'}, which is not installed",
                "pip install 'nounkit[postgres]'",
            ) from exc
        return opener
    for point in entry_points(group="nounkit.storage"):
        if point.name == scheme:
            loaded: Opener = point.load()
            return loaded
    known = sorted({*_BUILTIN, *_REGISTERED})
    raise bad_url(
        url,
        f"unknown scheme {scheme!r} (known: {', '.join(known)})",
        f"use {EXAMPLES}",
    )


def open_storage(url: str, nouns: Mapping[str, NounDef] | None = None) -> Storage:
    """Open the store a URL names, prepared for ``nouns`` when given.

    A bad URL, a missing driver or an unreachable server is a StorageError
    that names the URL (password hidden) and says what to do.
    """
    if not isinstance(url, str) or "://" not in url:
        raise bad_url(str(url), "not a storage URL", f"use {EXAMPLES}")
    problem = text_problem(url)
    if problem is not None:  # no driver or file system takes it
        raise bad_url(url.encode("utf-8", "replace").decode(), f"the URL {problem}", EXAMPLES)
    scheme = url.split("://", 1)[0].lower()
    storage = _opener(url, scheme)(url)
    if nouns:
        try:
            storage.open(nouns)
        except BaseException:
            storage.close()
            raise
    return storage
