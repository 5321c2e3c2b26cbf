"""The context documents ``nounkit build`` writes: one per noun, and one for events.

They depend on the definitions alone, so writing them never imports pyld: a build
of a thousand nouns does not process a thousand contexts it only has to print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nounkit.codegen.jsonschema import dumps, schema_url
from nounkit.jsonld.mapping import NounMapping
from nounkit.language.vocab import SCHEMA, XSD

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nounkit.compiler.schema import Schema
    from nounkit.language.spec import NounDef

__all__ = [
    "EVENTS_CONTEXT",
    "context_file",
    "context_files",
    "context_url",
    "events_context",
    "noun_mapping",
]

# The events context's file name: a singular has no dots, so no noun's context can clash.
EVENTS_CONTEXT = "nounkit.events.context.jsonld"


def context_file(noun: NounDef) -> str:
    """``schemas/<singular>.context.jsonld``, the file ``nounkit build`` writes."""
    return f"{noun.singular}.context.jsonld"


def context_url(base: str, noun: NounDef) -> str:
    return schema_url(base, context_file(noun))


def events_context(vocab: str) -> dict[str, Any]:
    """The context of event documents (Schema.org actions)."""

    def own(term: str, **extra: str) -> dict[str, str]:
        return {"@id": vocab + term, **extra}

    def schema(term: str, **extra: str) -> dict[str, str]:
        return {"@id": f"schema:{term}", **extra}

    return {
        "@context": {
            "@version": 1.1,
            "@vocab": vocab,
            "schema": SCHEMA,
            "xsd": XSD,
            "name": schema("name"),
            "identifier": schema("identifier"),
            "agent": schema("agent"),
            "object": schema("object"),
            "result": schema("result"),
            "endTime": schema("endTime", **{"@type": "xsd:dateTime"}),
            "actionStatus": schema("actionStatus", **{"@type": "@vocab"}),
            "event": own("event"),
            "seq": own("seq"),
            "version": own("version"),
            "tenant": own("tenant"),
            "input": own("input", **{"@type": "@json"}),
            "changes": own("changes", **{"@type": "@json"}),
        }
    }


def noun_mapping(schema: Schema, noun: NounDef) -> NounMapping:
    """The noun's JSON-LD mapping under the schema's base and vocabulary."""
    base = schema.base
    return NounMapping(
        noun,
        schema.nouns,
        base=base,
        vocab=schema.vocab,
        context_url=context_url(base, noun),
    )


def context_files(
    schema: Schema, nouns: Iterable[NounDef] | None = None, *, events: bool = True
) -> dict[str, str]:
    """The context files ``nounkit build`` writes, by name, with their exact text: those
    of ``nouns`` (every noun when None) and, when ``events``, the events' context."""
    files = {
        context_file(noun): dumps(noun_mapping(schema, noun).context)
        for noun in (schema.nouns.values() if nouns is None else nouns)
    }
    if events:
        files[EVENTS_CONTEXT] = dumps(events_context(schema.vocab))
    return files
