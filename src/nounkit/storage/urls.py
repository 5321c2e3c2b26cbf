"""Storage URLs: which backend, which file or server, which options.

As in SQLAlchemy, three slashes start a path relative to the working
directory and four an absolute one: ``sqlite:///app.db`` is ``./app.db``,
``sqlite:////var/data/app.db`` is ``/var/data/app.db``. Options ride in the
query string (``tinydb:///db.json?max_mb=64``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from nounkit.errors import StorageError

__all__ = ["EXAMPLES", "FileURL", "bad_url", "parse_file_url", "redact"]

EXAMPLES = (
    "memory://, tinydb:///path/db.json, sqlite:///path/db.sqlite or postgresql://user@host/dbname"
)


@dataclass(frozen=True, slots=True)
class FileURL:
    """A URL naming a file: its path (``None`` for an in-memory database) and options."""

    scheme: str
    path: Path | None
    options: dict[str, str] = field(default_factory=dict)


def redact(url: str) -> str:
    """The URL with any password replaced by ``***``, safe to print."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//([^/@:]*):[^/@]*@", r"//\1:***@", url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    user = parts.username or ""
    port = f":{parts.port}" if parts.port is not None else ""
    netloc = f"{user}:***@{host}{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def bad_url(url: str, problem: str, hint: str) -> StorageError:
    return StorageError(f"storage URL {redact(url)!r}: {problem}\n  hint: {hint}")


def parse_file_url(url: str, *, allow_memory: bool = False) -> FileURL:
    """Read ``scheme:///relative`` or ``scheme:////absolute`` (plus ``?key=value`` options)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise bad_url(url, "not a URL", f"write it as {scheme}:///path (three slashes)")
    rest, _, query = rest.partition("?")
    try:
        options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError as exc:
        raise bad_url(
            url, f"cannot read the options {query!r}", "write key=value&key=value"
        ) from exc
    if not rest.startswith("/"):
        raise bad_url(
            url,
            "the path must follow three slashes",
            f"{scheme}:///{rest} for a path relative to the working directory, "
            f"{scheme}:////abs/path for an absolute one",
        )
    raw = unquote(rest[1:])
    if allow_memory and raw in ("", ":memory:"):
        return FileURL(scheme, None, options)
    if not raw or raw.endswith("/"):
        raise bad_url(url, "no file name", f"name a file, as in {scheme}:///data/nounkit.db")
    # Relative to the working directory at open time, then fixed: a later chdir
    # must not move the store.
    return FileURL(scheme, Path(raw).absolute(), options)


def option_float(url: str, options: dict[str, str], key: str, default: float) -> float:
    """A positive number option, or a StorageError naming it."""
    raw = options.pop(key, None)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e9:  # infinity and NaN too: no timeout or size is that large
        raise bad_url(
            url, f"option {key}={raw!r} must be a positive number below a billion", f"e.g. {key}=10"
        )
    return value


def no_more_options(url: str, options: dict[str, str], known: str) -> None:
    """Refuse options nobody reads, so a typo never passes silently."""
    if options:
        names = ", ".join(sorted(options))
        raise bad_url(url, f"unknown option(s): {names}", f"this backend reads: {known}")
