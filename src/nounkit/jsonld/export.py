"""Streaming a noun's entities out: JSON lines, JSON-LD lines, or N-Quads.

Entities are read a page at a time through ``registry.page(..., after=cursor)``,
so an export of any size holds one page in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

from nounkit.jsonld.errors import JsonLdError

if TYPE_CHECKING:
    from nounkit.registry import Registry

__all__ = ["FORMATS", "ExportFormat", "export_lines"]

ExportFormat = Literal["json", "jsonld", "nquads"]
FORMATS: tuple[ExportFormat, ...] = ("json", "jsonld", "nquads")


def export_lines(
    registry: Registry,
    noun: str,
    format: str,
    *,
    where: Mapping[str, Any] | None = None,
    tenant: str | None = None,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Text chunks to write, one page at a time.

    ``json`` and ``jsonld`` give one JSON document per line (the entity, or its compact
    JSON-LD document); ``nquads`` gives N-Quads lines, a page per pyld call, with blank
    nodes labelled per page so that pages never share one. ``progress`` is called with
    the number of entities written so far after each page.
    """
    if format not in FORMATS:
        raise JsonLdError(f"unknown export format {format!r}: use one of {', '.join(FORMATS)}")
    if batch < 1:
        raise JsonLdError(f"batch must be at least 1, not {batch}")
    from nounkit.jsonld import engine

    processor = engine(registry)
    name = registry.noun(noun).name
    cursor: str | None = None
    done = 0
    page_number = 0
    while True:
        entities, cursor = registry.page(
            name, where=where, limit=batch, after=cursor, tenant=tenant
        )
        if not entities:
            break
        page_number += 1
        if format == "json":
            yield "".join(
                json.dumps(e.model_dump(mode="json", by_alias=True), ensure_ascii=False) + "\n"
                for e in entities
            )
        elif format == "jsonld":
            yield "".join(
                json.dumps(processor.to_jsonld(e), ensure_ascii=False) + "\n" for e in entities
            )
        else:
            yield processor.many_nquads(entities, blank=f"p{page_number}b")
        done += len(entities)
        if progress is not None:
            progress(done)
        if cursor is None or len(entities) < batch:
            break
