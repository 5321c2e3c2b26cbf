"""JSON-LD offline: the only document loader pyld ever gets, and the limits checked before it.

pyld's default loader fetches any URL a document names in ``@context``: an
open door to the network (server-side request forgery, slow or hostile
hosts, documents that change under you). nounkit hands pyld an
:class:`OfflineLoader` on every call (never through
``jsonld.set_document_loader``, which is global): it serves nounkit's own
contexts and the bundled Schema.org context and refuses every other URL.
"""

from __future__ import annotations

import copy
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from nounkit.jsonld.errors import JsonLdError

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "SCHEMA_CONTEXT_URLS",
    "LruCache",
    "OfflineLoader",
    "check_limits",
    "parse_document",
    "schema_context",
]

MAX_DOCUMENT_BYTES = 1 << 20  # one entity's document; a megabyte is already far beyond any noun
MAX_DEPTH = 64  # pyld recurses per level: a deep document would exhaust the stack

# Where documents in the wild point for Schema.org's context, over either scheme.
SCHEMA_CONTEXT_URLS = frozenset(
    f"{scheme}://schema.org{path}"
    for scheme in ("http", "https")
    for path in ("", "/", "/docs/jsonldcontext.jsonld", "/docs/jsonldcontext.json")
)


@cache
def schema_context() -> dict[str, Any]:
    """The bundled (trimmed) Schema.org context document."""
    # Beside this module in the package, as the term table is beside the language's.
    text = Path(__file__).with_name("schemaorg-context.jsonld").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


class OfflineLoader:
    """A pyld document loader that never leaves the process.

    ``documents`` maps a URL to its document (or None: not ours). Served documents
    are copied, because pyld may adjust a context it was given in place.
    """

    def __init__(self, documents: Callable[[str], Mapping[str, Any] | None]) -> None:
        self._documents = documents

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        document = schema_context() if url in SCHEMA_CONTEXT_URLS else self._documents(url)
        if document is None:
            raise JsonLdError(
                f"refused to load {url!r}: nounkit processes JSON-LD offline and serves only "
                "its own contexts and the bundled Schema.org context; put the context inline "
                "in the document instead of naming it by URL"
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(dict(document)),
            # pyld keeps "static" documents in the resolver's shared cache (ours, per
            # registry), so a context is processed once, not once per document.
            "tag": "static",
        }


class LruCache:
    """The shared cache pyld's ContextResolver expects (``get`` and item assignment), bounded.

    One per registry: pyld's own module-level cache would let one registry see another's
    context under the same URL, and documents with ever-new inline contexts would grow it.
    """

    def __init__(self, size: int = 128) -> None:
        self._size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def parse_document(text: str | bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """JSON text of a document, refused when over ``max_bytes``."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > max_bytes:
        raise JsonLdError(f"document is {size:,} bytes; the limit is {max_bytes:,}")
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonLdError("document is nested too deeply to read") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonLdError(f"document is not JSON: {exc}") from exc


def check_limits(
    document: Any,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
    depth: int = 0,
) -> int:
    """Refuse a document that is too large, too deep, or not JSON data at all.

    Walks the value without recursion (a cyclic or very deep structure stops at
    ``max_depth``) and adds up roughly what its JSON text would weigh: that size
    is returned. ``depth`` is how deep the value already sits in its document.
    """
    size = 0
    stack: list[tuple[Any, int]] = [(document, depth)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    raise JsonLdError(f"document has a non-string key {key!r}")
                size += len(key) + 4
            items: Iterable[Any] = value.values()
        elif isinstance(value, list | tuple):
            items = value
        else:
            items = (value,)  # the document itself is a scalar
        depth += 1
        if depth > max_depth:
            raise JsonLdError(f"document is nested more than {max_depth} levels deep")
        size += 2
        for item in items:
            kind = type(item)
            if kind is str:
                size += (len(item) if item.isascii() else len(item.encode("utf-8", "replace"))) + 3
            elif kind is dict or kind is list or isinstance(item, dict | list | tuple):
                stack.append((item, depth))
            elif item is None or kind is bool or kind is int:
                size += 6
            elif kind is float:
                if not math.isfinite(item):
                    raise JsonLdError(f"document holds {item!r}, which JSON cannot express")
                size += 12
            elif isinstance(item, str | int | float):  # subclasses: read as their base type
                size += len(str(item)) + 3
            else:
                raise JsonLdError(f"document holds a {type(item).__name__}, which is not JSON data")
        if size > max_bytes:
            raise JsonLdError(f"document is larger than {max_bytes:,} bytes")
    return size
