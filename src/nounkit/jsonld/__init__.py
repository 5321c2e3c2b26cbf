"""Schema.org JSON-LD for nouns, entities and events, offline.

Use it through the registry (or ``engine(schema)`` on a compiled schema)::

    reg.context("ServicePlan")               # the noun's context document
    doc = reg.to_jsonld(plan)                # compact: @context, @id, @type, terms
    reg.to_jsonld(plan, form="expanded")     # through pyld; form="nquads" for N-Quads
    reg.from_jsonld(doc)                     # compact or expanded, either Schema.org scheme
    reg.event_to_jsonld(event)               # a Schema.org CreateAction, UpdateAction ...

Mappings come from the noun files (``class:`` on a noun, ``iri:`` on a property),
checked at load against the Schema.org table shipped with the language
(``nounkit.language.vocab``; see ``README.md`` here, and
``scripts/derive_vocab.py`` that derives it). pyld is imported on first JSON-LD use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nounkit.jsonld.errors import JsonLdError, VocabularyWarning
from nounkit.jsonld.loader import MAX_DEPTH, MAX_DOCUMENT_BYTES, SCHEMA_CONTEXT_URLS
from nounkit.language.vocab import SCHEMA, schemaorg

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nounkit.compiler.schema import Schema
    from nounkit.jsonld.processor import JsonLd
    from nounkit.language.spec import NounDef

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "SCHEMA",
    "SCHEMA_CONTEXT_URLS",
    "JsonLdError",
    "VocabularyWarning",
    "context_files",
    "engine",
    "schemaorg",
]


def engine(source: Schema | Any) -> JsonLd:
    """The JSON-LD engine of a compiled schema (or of the ``.schema`` of a registry):
    made once per schema, its contexts and mappings built on first use and kept."""
    from nounkit.jsonld.processor import JsonLd

    schema: Schema = getattr(source, "schema", source)
    found: JsonLd = schema.memo("jsonld", lambda: JsonLd(schema))
    return found


def context_files(
    schema: Schema, nouns: Iterable[NounDef] | None = None, *, events: bool = True
) -> dict[str, str]:
    """The context files ``nounkit build`` writes into ``schemas/``, by name (no pyld):
    those of ``nouns`` (every noun when None) and, when ``events``, the events' context."""
    from nounkit.jsonld.contexts import context_files

    return context_files(schema, nouns, events=events)
