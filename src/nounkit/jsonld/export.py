"""Streaming a noun's entities out: JSON lines, JSON-LD lines, or N-Quads.

The caller hands the entities over a page at a time (``Registry.page(..., after=
cursor)`` reads them so), so an export of any size holds one page in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from nounkit.jsonld.errors import JsonLdError

if TYPE_CHECKING:
    from nounkit.compiler.schema import Schema

__all__ = ["FORMATS", "ExportFormat", "export_lines"]

ExportFormat = Literal["json", "jsonld", "nquads"]
FORMATS: tuple[ExportFormat, ...] = ("json", "jsonld", "nquads")


def export_lines(
    schema: Schema,
    format: str,
    pages: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Text chunks to write, one per page of entities.

    ``json`` and ``jsonld`` give one JSON document per line (the entity, or its compact
    JSON-LD document); ``nquads`` gives N-Quads lines, a page per pyld call, with blank
    nodes labelled per page so that pages never share one. ``progress`` is called with
    the number of entities written so far after each page.
    """
    if format not in FORMATS:
        raise JsonLdError(f"unknown export format {format!r}: use one of {', '.join(FORMATS)}")
    from nounkit.jsonld import engine

    processor = engine(schema)
    done = 0
    for page_number, entities in enumerate(pages, 1):
        if not entities:
            continue
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
            yield processor.many_nquads(list(entities), blank=f"p{page_number}b")
        done += len(entities)
        if progress is not None:
            progress(done)
