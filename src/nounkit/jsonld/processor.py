"""The JSON-LD of one registry: contexts, documents, events, and every call into pyld.

Every pyld call goes through :meth:`JsonLd._options`: nounkit's
:class:`~nounkit.jsonld.loader.OfflineLoader` and a context resolver whose
cache belongs to this registry. Documents from outside are checked against
the size and depth limits before pyld sees them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from pyld import jsonld  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]
from pyld.identifier_issuer import IdentifierIssuer  # type: ignore[import-untyped]

from nounkit.codegen.jsonschema import schema_url
from nounkit.errors import FieldError, ValidationError
from nounkit.jsonld.contexts import EVENTS_CONTEXT, context_url, events_context, noun_mapping
from nounkit.jsonld.errors import JsonLdError
from nounkit.jsonld.loader import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    LruCache,
    OfflineLoader,
    check_limits,
    parse_document,
)
from nounkit.jsonld.mapping import (
    ENUM,
    JSON,
    VALUE,
    NounMapping,
    entity_prefix,
    id_from_iri,
    quote_id,
)
from nounkit.language import inflect
from nounkit.language.vocab import expand_iri, normalize

if TYPE_CHECKING:
    from nounkit.compiler.models import Entity
    from nounkit.compiler.schema import Schema
    from nounkit.language.spec import NounDef
    from nounkit.storage.base import Event

__all__ = ["FORMS", "Form", "JsonLd"]

Form = Literal["compact", "expanded", "nquads"]
FORMS: tuple[Form, ...] = ("compact", "expanded", "nquads")
NQUADS = "application/n-quads"
_ACTION_TYPES = {"create": "CreateAction", "update": "UpdateAction", "delete": "DeleteAction"}


class JsonLd:
    """Contexts and documents for one schema's nouns, built on first use and kept."""

    def __init__(self, schema: Schema) -> None:
        self._schema = schema
        self.base = schema.base
        self.vocab = schema.vocab
        self._mappings: dict[str, NounMapping] = {}
        self._lock = threading.RLock()
        self._by_url = {self.context_url(n): n.name for n in schema.nouns.values()}
        self.events_url = schema_url(self.base, EVENTS_CONTEXT)
        self._prefixes = {
            name: entity_prefix(self.base, noun.plural) for name, noun in schema.nouns.items()
        }
        self._classes: dict[str, list[str]] = {}
        for name, noun in schema.nouns.items():
            iri = (expand_iri(noun.class_iri) if noun.class_iri else None) or self.vocab + name
            self._classes.setdefault(iri, []).append(name)
        self.loader = OfflineLoader(self.document)
        self._cache = LruCache()

    # -- contexts ------------------------------------------------------------------------------

    def context_url(self, noun: NounDef) -> str:
        return context_url(self.base, noun)

    def mapping(self, name: str) -> NounMapping:
        """The noun's mapping, built once; its ``@type`` is compacted by pyld itself."""
        found = self._mappings.get(name)
        if found is None:
            noun = self._schema.noun(name)
            with self._lock:
                found = self._mappings.get(noun.name)
                if found is None:
                    found = noun_mapping(self._schema, noun)
                    probe = self._pyld(
                        lambda: jsonld.compact(
                            [{"@type": [found.class_iri]}], found.context, self.options()
                        ),
                        noun.name,
                    )
                    found.compact_type = probe["@type"]
                    self._mappings[noun.name] = found
        return found

    def context(self, name: str) -> dict[str, Any]:
        """The context document of a noun (a fresh copy: callers may change it)."""
        copied: dict[str, Any] = _copy(self.mapping(name).context)
        return copied

    def events_context(self) -> dict[str, Any]:
        """The context of event documents (Schema.org actions)."""
        return events_context(self.vocab)

    def document(self, url: str) -> dict[str, Any] | None:
        """What the offline loader serves besides Schema.org: our contexts, None otherwise."""
        name = self._by_url.get(url)
        if name is not None:
            return self.mapping(name).context
        if url == self.events_url:
            return self.events_context()
        return None

    # -- pyld ----------------------------------------------------------------------------------

    def options(self, **extra: Any) -> dict[str, Any]:
        """Options for a pyld call: the offline loader, and this registry's context cache.

        A resolver per call (its per-call cache then dies with it), sharing the registry's
        bounded cache of processed contexts.
        """
        return {
            "documentLoader": self.loader,
            "contextResolver": ContextResolver(self._cache, self.loader),
            **extra,
        }

    def _pyld(self, call: Any, noun: str | None = None, ident: str | None = None) -> Any:
        """Run a pyld call; its failures become JsonLdError naming the noun and id."""
        try:
            return call()
        except JsonLdError as refused:
            _reraise(refused, noun, ident)
        except jsonld.JsonLdError as exc:
            ours = _our_cause(exc)
            if ours is not None:
                _reraise(ours, noun, ident, exc)
            detail = exc.args[0] if exc.args else str(exc)
            code = f" ({exc.code})" if getattr(exc, "code", None) else ""
            raise JsonLdError(f"not valid JSON-LD: {detail}{code}", noun=noun, id=ident) from exc
        except RecursionError:
            raise JsonLdError("document is nested too deeply", noun=noun, id=ident) from None
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            # pyld lets some malformed input through as plain Python errors (a relative
            # context URL with no base is a ValueError): still not valid JSON-LD.
            raise JsonLdError(f"not valid JSON-LD: {exc}", noun=noun, id=ident) from exc

    def expand(self, document: Any, noun: str | None = None, ident: str | None = None) -> Any:
        return self._pyld(lambda: jsonld.expand(document, self.options()), noun, ident)

    def nquads(
        self,
        document: Any,
        noun: str | None = None,
        ident: str | None = None,
        *,
        blank: str = "b",
    ) -> str:
        """N-Quads of a document; blank nodes are labelled ``_:<blank><n>``."""
        options = self.options(format=NQUADS, identifierIssuer=IdentifierIssuer(f"_:{blank}"))
        text: str = self._pyld(lambda: jsonld.to_rdf(document, options), noun, ident)
        return text

    def _form(self, document: dict[str, Any], form: str, noun: str, ident: str | None) -> Any:
        if form == "compact":
            return document
        if form == "expanded":
            return self.expand(document, noun, ident)
        if form == "nquads":
            return self.nquads(document, noun, ident)
        raise JsonLdError(f"unknown form {form!r}: use one of {', '.join(FORMS)}")

    # -- entities ------------------------------------------------------------------------------

    def entity_data(self, entity: Any, noun: str | None) -> tuple[NounMapping, dict[str, Any]]:
        """The mapping and JSON data of an entity (a compiled model, or a mapping with noun=)."""
        from nounkit.compiler.models import Entity

        if isinstance(entity, Entity):
            name = type(entity).__noun__.name
            if name not in self._schema.nouns or (noun is not None and noun != name):
                raise JsonLdError(
                    f"the entity is a {name}, not "
                    + (f"a {noun}" if noun is not None else "a noun of this registry")
                )
        elif isinstance(entity, Mapping) and noun is not None:
            name = self._schema.noun(noun).name
            entity = self._schema.validate(name, dict(entity))
        else:
            raise JsonLdError(
                "to_jsonld takes an entity (an instance of a compiled model), or a mapping "
                f"with noun=..., not {type(entity).__name__}"
            )
        data = entity.model_dump(mode="json", by_alias=True)
        if not data.get("id"):
            raise JsonLdError("an entity needs a non-empty id to have an @id", noun=name)
        return self.mapping(name), data

    def compact(self, mapping: NounMapping, data: Mapping[str, Any]) -> dict[str, Any]:
        """The compact document, exactly as pyld would compact it."""
        document, exact = mapping.compact(data)
        if exact:
            return document
        ident = str(data.get("id"))
        expanded = self.expand(document, mapping.noun.name, ident)
        compacted: dict[str, Any] = self._pyld(
            lambda: jsonld.compact(expanded, mapping.context_url, self.options()),
            mapping.noun.name,
            ident,
        )
        # pyld 3 compacts a @json literal that is an array as several values ([x] -> x);
        # JSON-LD 1.1 keeps the array (test suite js06/js07), and so does nounkit. Values
        # and enum values stay in nounkit's own form too: pyld would flatten the JSON
        # arrays inside values, name a value's fields by the holder's terms where their
        # IRIs meet, and key a plain value of an IRI-typed enum by its full IRI.
        own = {
            key
            for key in document
            if (term := mapping.terms.get(key)) is not None and term.kind in (VALUE, ENUM)
        }
        if own:
            iris = {normalize(mapping.terms[key].iri) for key in own}
            for key in list(compacted):
                if not key.startswith("@") and key not in mapping.terms and _full(key) in iris:
                    del compacted[key]
        for key, value in document.items():
            term = mapping.terms.get(key)
            if term is not None and (
                term.kind in (VALUE, ENUM) or (term.kind == JSON and isinstance(value, list))
            ):
                compacted[key] = value
        return compacted

    def graph(self, entities: Iterable[Any], noun: str) -> dict[str, Any]:
        """Entities of one noun as one compact document: their shared ``@context`` once, and
        each entity's node (as ``to_jsonld`` compacts it) in ``@graph``."""
        name = self._schema.noun(noun).name
        nodes = []
        for entity in entities:
            mapping, data = self.entity_data(entity, name)
            node = self.compact(mapping, data)
            del node["@context"]
            nodes.append(node)
        return {"@context": self.mapping(name).context_url, "@graph": nodes}

    def to_jsonld(self, entity: Any, *, form: Form = "compact", noun: str | None = None) -> Any:
        mapping, data = self.entity_data(entity, noun)
        document = self.compact(mapping, data)
        return self._form(document, form, mapping.noun.name, data.get("id"))

    def many_nquads(self, entities: Iterable[Entity], *, blank: str) -> str:
        """N-Quads of several entities of one noun in one pyld call (one context to process)."""
        graph: list[dict[str, Any]] = []
        urls = set()
        for entity in entities:
            mapping, data = self.entity_data(entity, None)
            document, _ = mapping.compact(data)  # pyld's exact text does not matter here
            urls.add(document.pop("@context"))
            graph.append(document)
        if not graph:
            return ""
        if len(urls) > 1:
            raise JsonLdError("many_nquads takes entities of one noun at a time")
        return self.nquads({"@context": urls.pop(), "@graph": graph}, blank=blank)

    def from_jsonld(
        self,
        document: Any,
        *,
        noun: str | None = None,
        max_bytes: int | None = None,
        max_depth: int | None = None,
    ) -> Entity:
        max_bytes = MAX_DOCUMENT_BYTES if max_bytes is None else max_bytes
        max_depth = MAX_DEPTH if max_depth is None else max_depth
        if isinstance(document, str | bytes | bytearray):
            text = bytes(document) if isinstance(document, bytearray) else document
            document = parse_document(text, max_bytes=max_bytes)
        wanted = self._schema.noun(noun).name if noun is not None else None
        if type(document) is dict:
            context = document.get("@context")
            name = self._by_url.get(context) if type(context) is str else None
            if name is not None and wanted in (None, name):
                mapping = self.mapping(name)
                data = mapping.read_compact(document, max_bytes=max_bytes, max_depth=max_depth)
                if data is not None:  # our own compact form: no pyld needed
                    return self._schema.validate(name, data)
        # Anything else goes to pyld, whose expansion recurses: the limits first.
        check_limits(document, max_bytes=max_bytes, max_depth=max_depth)
        return self._read_expanded(document, wanted)

    def _read_expanded(self, document: Any, wanted: str | None) -> Entity:
        dropped: list[str] = []

        def drop(key: str | None) -> None:
            dropped.append(str(key))

        expanded = self._pyld(
            lambda: jsonld.expand(document, self.options(), on_property_dropped=drop), wanted
        )
        nodes = [n for n in expanded if isinstance(n, dict)] if isinstance(expanded, list) else []
        if len(nodes) != 1:
            raise JsonLdError(
                f"expected one entity at the top of the document, found {len(nodes)} nodes",
                noun=wanted,
            )
        node = nodes[0]
        iri = node.get("@id")
        types = [normalize(t) for t in node.get("@type", []) if isinstance(t, str)]
        name = wanted or self._noun_of(iri, types)
        mapping = self.mapping(name)
        ident = id_from_iri(iri, mapping.prefix) if isinstance(iri, str) else None
        errors: list[FieldError] = []
        if isinstance(iri, str) and ident is None:
            errors.append(
                FieldError(
                    "@id",
                    f"<{iri}> is not the IRI of a {name} (expected {mapping.prefix}<id>)",
                    iri,
                )
            )
        if types and mapping.class_iri not in types:
            raise JsonLdError(
                f"@type is {', '.join(types)}, not the noun's class <{mapping.class_iri}>",
                noun=name,
                id=ident,
            )
        data, problems = mapping.read_node(node, ident)
        errors.extend(problems)
        errors.extend(
            FieldError(key, "the document's context gives this key no IRI, so JSON-LD drops it")
            for key in dropped
        )
        if errors:
            raise ValidationError(name, errors, id=ident)
        return self._schema.validate(name, data)

    def _noun_of(self, iri: Any, types: list[str]) -> str:
        """Which noun a node describes: by its @id, else by its @type."""
        if isinstance(iri, str):
            matches = [
                (len(prefix), name)
                for name, prefix in self._prefixes.items()
                if id_from_iri(iri, prefix) is not None
            ]
            if matches:
                return max(matches)[1]
        named = sorted({name for t in types for name in self._classes.get(t, [])})
        if len(named) == 1:
            return named[0]
        if named:
            raise JsonLdError(
                f"@type {', '.join(types)} is the class of {', '.join(named)}: "
                "pass noun= to say which"
            )
        raise JsonLdError(
            "the document names no noun of this registry: its @id is "
            + (f"<{iri}>" if isinstance(iri, str) else "missing")
            + (f" and its @type is {', '.join(types)}" if types else " and it has no @type")
            + "; pass noun= to say which"
        )

    # -- events --------------------------------------------------------------------------------

    def event_to_jsonld(self, event: Event, *, form: Form = "compact") -> Any:
        """An event as a Schema.org action: agent, object, time and result."""
        noun = self._schema.nouns.get(event.noun)
        action = noun.actions.get(event.action) if noun is not None else None
        kind = _ACTION_TYPES.get(action.kind, "Action") if action is not None else "Action"
        document: dict[str, Any] = {
            "@context": self.events_url,
            "@id": f"{self.base if self.base.endswith(('/', '#')) else self.base + '/'}"
            f"events/{event.seq}",
            "@type": f"schema:{kind}",
            "name": event.action,
            "event": event.name,
            "seq": event.seq,
            "version": event.version,
            "actionStatus": "schema:CompletedActionStatus",
            "endTime": event.time,
        }
        if event.actor is not None:
            document["agent"] = {
                "@id": entity_prefix(self.base, "actors") + quote_id(event.actor),
                "@type": "schema:Thing",
                "identifier": event.actor,
            }
        document["object"] = self._event_node(noun, event.noun, event.entity_id)
        if event.tenant is not None:
            document["tenant"] = event.tenant
        if event.input:
            document["input"] = event.input
        if event.changes:
            document["changes"] = event.changes
        if noun is not None:
            new = {
                field: change.get("new")
                for field, change in event.changes.items()
                if isinstance(change, Mapping)
            }
            values = dict(self.mapping(noun.name).values(new))
            if values:
                document["result"] = {
                    **self._event_node(noun, event.noun, event.entity_id),
                    **values,
                }
        return self._form(document, form, event.noun, event.entity_id)

    def _event_node(self, noun: NounDef | None, name: str, ident: str) -> dict[str, Any]:
        """The entity an event is about, with its own context (so its terms are its noun's)."""
        if noun is None:  # a noun no longer loaded: its IRI as nounkit would write it
            plural = inflect.plural(inflect.kebab(name))
            return {"@id": entity_prefix(self.base, plural) + quote_id(ident), "@type": name}
        mapping = self.mapping(noun.name)
        return {
            "@context": mapping.context_url,
            "@id": mapping.prefix + quote_id(ident),
            "@type": mapping.compact_type,
        }

    def events_to_jsonld(self, events: Iterable[Event]) -> Iterator[dict[str, Any]]:
        for event in events:
            yield self.event_to_jsonld(event)


def _full(key: str) -> str:
    """A compacted key as the IRI it stands for (a CURIE or IRI; a term stays itself)."""
    return normalize(expand_iri(key) or key)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _our_cause(exc: BaseException) -> JsonLdError | None:
    """Our own refusal, when pyld wrapped it (a loader error becomes 'loading ... failed')."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, JsonLdError):
            return current
        current = current.__cause__ or current.__context__
    return None


def _reraise(
    error: JsonLdError, noun: str | None, ident: str | None, cause: BaseException | None = None
) -> NoReturn:
    if noun is None or error.noun is not None:
        raise error from cause
    raise JsonLdError(error.reason, noun=noun, id=ident) from cause
