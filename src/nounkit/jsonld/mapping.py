"""One noun's JSON-LD reading: its context, and its entities to and from documents.

Everything that depends only on the noun is worked out once, here: the term
of each property and relationship, the IRI prefix of each link, the order pyld
writes keys in. Turning an entity into its compact document is then a loop
over precomputed terms, and reading our own compact documents back is the
same loop reversed; pyld is needed only for other forms and other documents.

The terms (README.md beside this module says the same for users):

===============================  =====================================================
property ``type``                term definition
===============================  =====================================================
string, text, markdown, email,   ``{"@id": IRI}``: a plain literal; numbers and
uuid, number, integer, boolean   booleans stay native JSON-LD literals
date                             ``{"@id": IRI, "@type": "xsd:date"}``
datetime                         ``{"@id": IRI, "@type": "xsd:dateTime"}``
json                             ``{"@id": IRI, "@type": "@json"}`` (arrays too: the
                                 whole JSON array is one literal)
url                              ``{"@id": IRI, "@type": "@id"}``: a link
a value type                     ``{"@id": IRI, "@context": {its own terms}}``: a nested
                                 node, with the value type's ``class`` as ``@type``
an enum whose values have IRIs   ``{"@id": IRI, "@type": "@id"}``: such a value is
                                 written as its IRI, any other as ``{"@value": ...}``
``array: true``                  adds ``"@container": "@list"`` (order is kept)
relationship                     ``{"@id": IRI, "@type": "@id"}``, to-many with
                                 ``"@container": "@set"``; values are entity IRIs
===============================  =====================================================

IRI is the property's ``iri`` (Schema.org's namespace always written
``https://schema.org/``), else ``<vocab><property>``. An entity's ``@id`` is
``<base><plural>/<id>``, its id percent-encoded where an IRI path segment needs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, unquote

from nounkit.errors import FieldError
from nounkit.jsonld.errors import JsonLdError
from nounkit.jsonld.loader import check_limits
from nounkit.language import inflect
from nounkit.language.spec import EnumDef, NounDef, PropertyDef, TypeDef, ValueDef
from nounkit.language.vocab import SCHEMA, XSD, expand_iri, normalize, term_iris

__all__ = [
    "DATE",
    "DATETIME",
    "ENUM",
    "JSON",
    "LINK",
    "TEXT",
    "URL",
    "VALUE",
    "NounMapping",
    "Term",
    "ValueMapping",
    "entity_prefix",
    "id_from_iri",
    "quote_id",
]

TEXT: Final = "text"
DATE: Final = "date"
DATETIME: Final = "datetime"
JSON: Final = "json"
URL: Final = "url"
LINK: Final = "link"
VALUE: Final = "value"
ENUM: Final = "enum"

_KINDS = {"date": DATE, "datetime": DATETIME, "json": JSON, "url": URL}
_TYPES = {
    DATE: XSD + "date",
    DATETIME: XSD + "dateTime",
    JSON: "@json",
    URL: "@id",
    LINK: "@id",
    ENUM: "@id",
}
# Characters an IRI path segment may hold as they are (RFC 3987 sub-delims, ":" and "@");
# everything else in an id, "/" "?" "#" "%" and non-ASCII included, is percent-encoded.
_ID_SAFE = "-._~!$&'()*+,;=:@"
_PLAIN_ID = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@]+")
_LOCAL = re.compile(r"[A-Za-z0-9_]+")
_SCALARS = (str, int, float, bool)


def quote_id(ident: str) -> str:
    """An id as one IRI path segment; ``unquote`` gives it back exactly."""
    if _PLAIN_ID.fullmatch(ident) and ident not in (".", ".."):
        return ident  # the usual case (ULIDs, UUIDs, slugs): nothing to encode
    quoted = quote(ident, safe=_ID_SAFE)
    # "." and ".." are path steps, which IRI resolution would remove: encode them.
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


def entity_prefix(base: str, plural: str) -> str:
    """``<base><plural>/``: the IRIs of a noun's entities begin with it."""
    root = base if base.endswith(("/", "#")) else base + "/"
    return f"{root}{plural}/"


def id_from_iri(iri: str, prefix: str) -> str | None:
    """The entity id in ``<prefix><id>``; None when the IRI is not one of the noun's."""
    if not iri.startswith(prefix):
        return None
    rest = iri[len(prefix) :]
    if not rest or "/" in rest or "?" in rest or "#" in rest:
        return None
    return unquote(rest)


@dataclass(frozen=True, slots=True)
class Term:
    """A property or relationship as a JSON-LD term."""

    name: str  # the key in compact documents: the property's own name
    iri: str
    kind: str
    many: bool
    target: str | None = None  # links: the target noun
    prefix: str = ""  # links: IRI prefix of the target's entities
    keep_null: bool = False  # a json null that is the value (the model's default is not None)
    value: ValueMapping | None = None  # a value type's terms, for a nested node
    iris: Mapping[str, str] | None = None  # an enum's values that have IRIs, by value

    def definition(self, shorten: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {"@id": shorten(self.iri)}
        if self.kind in _TYPES:
            entry["@type"] = shorten(_TYPES[self.kind])
        if self.many:
            entry["@container"] = "@set" if self.kind == LINK else "@list"
        return entry

    def written(self, value: Any, shorten: Any) -> Any:
        """One stored value as a document holds it: a nested node for a value, an IRI for
        an enum value that has one; anything else as it is."""
        if self.kind == VALUE:
            assert self.value is not None
            if self.many and isinstance(value, list):
                return [self.value.node(v, shorten) for v in value]
            return self.value.node(value, shorten)
        if self.kind == ENUM:
            assert self.iris is not None
            iris = self.iris

            def one(item: Any) -> Any:
                return iris[item] if isinstance(item, str) and item in iris else {"@value": item}

            return [one(v) for v in value] if self.many and isinstance(value, list) else one(value)
        return value


def _property_term(
    name: str,
    iri: str,
    prop: PropertyDef,
    types: Mapping[str, TypeDef],
    vocab: str,
    made: dict[str, ValueMapping],
) -> Term:
    """The term of a property of a noun or of a value type."""
    definition = types.get(prop.ref or "")
    if prop.is_value and isinstance(definition, ValueDef):
        value = made.get(definition.name) or ValueMapping(definition, types, vocab, made)
        return Term(name, iri, VALUE, prop.array, value=value)
    if isinstance(definition, EnumDef) and any(v.iri for v in definition.values):
        iris = {v.value: expand_iri(v.iri) or v.iri for v in definition.values if v.iri}
        return Term(name, iri, ENUM, prop.array, iris=iris)
    # json arrays are one JSON literal: under @list each item would be one.
    kind = _KINDS.get(prop.type, TEXT)
    many = prop.array and kind != JSON
    keep = kind == JSON and not _default_is_none(prop)
    return Term(name, iri, kind, many, keep_null=keep)


class ValueMapping:
    """A value type's terms: how its values are written as nested nodes and read back.

    Made once per value type and noun (``made``), so a value type that holds itself
    refers to its own mapping."""

    def __init__(
        self,
        value: ValueDef,
        types: Mapping[str, TypeDef],
        vocab: str,
        made: dict[str, ValueMapping],
    ) -> None:
        made[value.name] = self
        self.name = value.name
        self.class_iri = (
            (expand_iri(value.class_iri) or value.class_iri) if value.class_iri else None
        )
        terms: dict[str, Term] = {}
        for name, prop in value.properties.items():
            iri = (expand_iri(prop.iri) if prop.iri else None) or f"{vocab}{name}"
            terms[name] = _property_term(name, iri, prop, types, vocab, made)
        self.terms: Mapping[str, Term] = terms
        self.by_iri: Mapping[str, Term] = {t.iri: t for t in terms.values()}
        self.ordered: tuple[Term, ...] = tuple(sorted(terms.values(), key=lambda t: t.iri))
        self.null_when_absent = _null_when_absent(value.properties, terms)

    def node(self, data: Any, shorten: Any) -> Any:
        """A value as a nested node (anything but a mapping is left for the model to refuse);
        its keys are the value type's own terms."""
        if not isinstance(data, Mapping):
            return data
        node: dict[str, Any] = {}
        if self.class_iri is not None:
            node["@type"] = shorten(self.class_iri)
        for term in self.ordered:
            value = data.get(term.name)
            if value is not None:
                node[term.name] = term.written(value, shorten)
        return node

    def read(self, item: Any) -> dict[str, Any]:
        """A value's data from its expanded node."""
        if not isinstance(item, dict) or "@value" in item or "@list" in item:
            raise _Bad(f"expected a {self.name} node", item)
        if set(item) == {"@id"}:
            raise _Bad(f"expected a {self.name} node, got a link <{item.get('@id')}>", item)
        types = [normalize(t) for t in item.get("@type", []) if isinstance(t, str)]
        if self.class_iri is not None and types and normalize(self.class_iri) not in types:
            raise _Bad(f"@type is {', '.join(types)}, not {self.name}'s <{self.class_iri}>", item)
        data: dict[str, Any] = {}
        for key, values in item.items():
            if key in ("@id", "@type"):
                continue
            if key.startswith("@"):
                raise _Bad(f"{key} has no place in a {self.name} value", item)
            term = self.by_iri.get(normalize(key))
            if term is None:
                raise _Bad(f"unknown property: {self.name} has no term for <{key}>", values)
            try:
                found = _read_values(term, values)
            except _Bad as bad:
                raise bad.inside(f".{term.name}") from None
            if found is not _ABSENT:
                data[term.name] = found
        for name in self.null_when_absent:
            data.setdefault(name, None)
        return data


def _default_is_none(prop: PropertyDef) -> bool:
    if prop.has_default:
        return prop.default is None
    return prop.optional or prop.computed is not None


def _null_when_absent(
    properties: Mapping[str, PropertyDef], terms: Mapping[str, Term]
) -> tuple[str, ...]:
    """A property with no value in a document is null, as in RDF, where a null is no triple
    at all: the nullable properties whose model default is something else, where it must
    be said when a document is read."""
    return tuple(
        name
        for name, prop in properties.items()
        if name in terms
        and (prop.optional or prop.computed is not None)
        and not _default_is_none(prop)
    )


class NounMapping:
    """A noun's context, and the direct translation between its entities and documents."""

    def __init__(
        self,
        noun: NounDef,
        nouns: Mapping[str, NounDef],
        *,
        base: str,
        vocab: str,
        context_url: str,
    ) -> None:
        self.noun = noun
        self.context_url = context_url
        self.prefix = entity_prefix(base, noun.plural)
        written = expand_iri(noun.class_iri) if noun.class_iri else None
        self.class_iri = written or f"{vocab}{noun.name}"
        iris = term_iris(noun, vocab)
        terms: dict[str, Term] = {}
        made: dict[str, ValueMapping] = {}
        for name, prop in noun.properties.items():
            if name not in iris:
                continue  # id without an iri of its own: it is the node's @id
            terms[name] = _property_term(name, iris[name], prop, noun.types, vocab, made)
        for name, rel in noun.relationships.items():
            target = nouns.get(rel.target)
            plural = target.plural if target else inflect.plural(inflect.kebab(rel.target))
            terms[name] = Term(
                name, iris[name], LINK, rel.many, rel.target, entity_prefix(base, plural)
            )
        self.terms: Mapping[str, Term] = terms
        self.by_iri: Mapping[str, Term] = {t.iri: t for t in terms.values()}
        # pyld writes the properties of a node in the order of their expanded IRIs.
        self.ordered: tuple[Term, ...] = tuple(sorted(terms.values(), key=lambda t: t.iri))
        self.null_when_absent = _null_when_absent(noun.properties, terms)
        self.prefixes = self._prefixes(_every_name(terms))
        self._prefix_iris = tuple(self.prefixes.values())
        self.context: dict[str, Any] = {"@context": self._context(vocab)}
        # IRIs pyld would shorten to a CURIE (entity IRIs under a prefix's namespace):
        # such documents are compacted by pyld itself so the output stays identical.
        self._id_exact = not self.prefix.startswith(self._prefix_iris)
        self._links_exact = {
            t.name: not t.prefix.startswith(self._prefix_iris) for t in self.ordered if t.prefix
        }
        self.compact_type: str = self.class_iri  # the engine sets pyld's reading of it

    # -- the context -------------------------------------------------------------------------

    @staticmethod
    def _prefixes(terms: Iterable[str]) -> dict[str, str]:
        """``schema`` and ``xsd``, unless a property (of the noun or of a value it holds,
        whose scoped context would shadow the prefix) already has the name."""
        terms = set(terms)
        chosen: dict[str, str] = {}
        for wanted, iri in (("schema", SCHEMA), ("xsd", XSD)):
            name = wanted
            while name in terms:
                name += "_"
            chosen[name] = iri
        return chosen

    def shorten(self, iri: str) -> str:
        """``https://schema.org/name`` -> ``schema:name`` in the context, for people to read."""
        for name, namespace in self.prefixes.items():
            if iri.startswith(namespace) and _LOCAL.fullmatch(iri[len(namespace) :]):
                return f"{name}:{iri[len(namespace) :]}"
        return iri

    def _context(self, vocab: str) -> dict[str, Any]:
        context: dict[str, Any] = {"@version": 1.1, "@vocab": vocab, **self.prefixes}
        for term in self.terms.values():
            context[term.name] = self._definition(term, ())
        return context

    def _definition(self, term: Term, chain: tuple[str, ...]) -> dict[str, Any]:
        """A term's definition; a value's carries its own terms as a scoped context, which
        JSON-LD 1.1 passes on to nested nodes. A value type directly inside itself needs it
        no more (it is the active context already); value types holding each other get it
        again at each level, down to _SCOPED_LEVELS of them."""
        entry = term.definition(self.shorten)
        value = term.value
        if value is not None and (chain[-1:] != (value.name,)) and len(chain) < _SCOPED_LEVELS:
            entry["@context"] = {
                t.name: self._definition(t, (*chain, value.name)) for t in value.terms.values()
            }
        return entry

    # -- entity -> compact document ----------------------------------------------------------

    def compact(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """The compact document of an entity's JSON data, and whether it is pyld's own form.

        The document always means the same as pyld's; it is not pyld's exact text
        only when a link or URL lies under a prefix's namespace (pyld would write a
        CURIE such as ``schema:foo``), and then the caller lets pyld compact it.
        """
        exact = self._id_exact
        out: dict[str, Any] = {
            "@context": self.context_url,
            "@id": self.prefix + quote_id(data["id"]),
            "@type": self.compact_type,
        }
        for term in self.ordered:
            value = data.get(term.name)
            if value is None:
                if term.keep_null and term.name in data:
                    out[term.name] = None
                continue
            kind = term.kind
            if kind == LINK:
                prefix = term.prefix
                value = (
                    [prefix + quote_id(v) for v in value] if term.many else prefix + quote_id(value)
                )
                exact = exact and self._links_exact[term.name]
            elif kind == URL:
                for url in value if term.many else (value,):
                    if url.startswith(self._prefix_iris):
                        exact = False
            elif kind in (VALUE, ENUM):
                # Nested nodes under the value type's own terms, enum values as their IRIs:
                # nounkit's own form, which means what pyld's would.
                value = term.written(value, self.shorten)
            out[term.name] = value
        return out, exact

    def values(self, data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
        """Compact key and value of each known, non-null field (an event's changes)."""
        for name, value in data.items():
            term = self.terms.get(name)
            if term is None or value is None:
                continue
            if term.kind == LINK:
                if term.many and isinstance(value, list):
                    value = [term.prefix + quote_id(str(v)) for v in value]
                elif not term.many:
                    value = term.prefix + quote_id(str(value))
            elif term.kind in (VALUE, ENUM):
                value = term.written(value, self.shorten)
            yield name, value

    # -- compact document -> entity data (our own documents, without pyld) --------------------

    def read_compact(
        self, document: Mapping[str, Any], *, max_bytes: int, max_depth: int
    ) -> dict[str, Any] | None:
        """The entity data of a compact document in exactly our form; None for anything else.

        Every key and value shape accepted here expands, under this noun's context, to
        what :meth:`read_node` reads from pyld's expansion, so the two paths agree;
        whatever else a document holds goes through pyld. The document's size and depth
        are counted on the way (JsonLdError past the limits), so our own documents, the
        common case, are walked once.
        """
        kind_of_type = document.get("@type")
        if kind_of_type != self.compact_type and kind_of_type != [self.compact_type]:
            return None
        iri = document.get("@id")
        ident = id_from_iri(iri, self.prefix) if type(iri) is str else None
        if ident is None:
            return None
        data: dict[str, Any] = {"id": ident}
        size = 2
        terms = self.terms
        for key, value in document.items():
            term = terms.get(key)
            if term is None:
                if key in ("@context", "@id", "@type") and type(document[key]) is str:
                    size += len(key) + len(document[key]) + 6
                    continue
                return None
            size += len(key) + 4
            if value is None:
                if term.kind == JSON:
                    data[key] = None  # a JSON null literal; any other null is no value
                continue
            kind = term.kind
            if kind in (VALUE, ENUM):
                return None  # nested nodes and enum IRIs: read through pyld's expansion
            if kind == JSON:
                size += check_limits(
                    value, max_bytes=max_bytes - size, max_depth=max_depth, depth=1
                )
                data[key] = value
                continue
            items: Sequence[Any]
            if term.many:
                if type(value) is not list:
                    return None  # a single value under @list or @set: let pyld wrap it
                items = value
                size += 2
            else:
                items = (value,)
            if kind == LINK:
                prefix = term.prefix
                ids = []
                for item in items:
                    if type(item) is not str or not item.startswith(prefix):
                        return None
                    rest = item[len(prefix) :]
                    if not rest or "/" in rest or "?" in rest or "#" in rest:
                        return None
                    ids.append(unquote(rest) if "%" in rest else rest)
                    size += len(item) + 3 if item.isascii() else _weight(item)
                data[key] = ids if term.many else ids[0]
                continue
            for item in items:
                if type(item) is str:
                    size += len(item) + 3 if item.isascii() else _weight(item)
                    if kind == URL and not _plain_iri(item):
                        return None
                elif not isinstance(item, _SCALARS) or kind == URL:
                    return None
                else:
                    size += 12
            if key == "id" and value != ident:
                return None  # the id term disagrees with @id: read_node says so
            data[key] = value
        if size > max_bytes:
            raise JsonLdError(f"document is larger than {max_bytes:,} bytes")
        return self.absent_as_null(data)

    def absent_as_null(self, data: dict[str, Any]) -> dict[str, Any]:
        """Null for each nullable property the document gives no value (not the default)."""
        for name in self.null_when_absent:
            data.setdefault(name, None)
        return data

    # -- expanded node -> entity data ----------------------------------------------------------

    def read_node(
        self, node: Mapping[str, Any], ident: str | None
    ) -> tuple[dict[str, Any], list[FieldError]]:
        """Entity data from one expanded node, and what is wrong with it, field by field."""
        data: dict[str, Any] = {} if ident is None else {"id": ident}
        errors: list[FieldError] = []
        for key, values in node.items():
            if key in ("@id", "@type"):
                continue
            if key.startswith("@"):
                errors.append(FieldError(key, f"{key} has no place in an entity document", None))
                continue
            term = self.by_iri.get(normalize(key))
            if term is None:
                errors.append(self._unknown(key, values))
                continue
            try:
                value = self._read_values(term, values)
            except _Bad as bad:
                errors.append(FieldError(term.name + bad.where, bad.message, bad.value))
                continue
            if value is not _ABSENT:
                if term.name == "id" and ident is not None and value != ident:
                    errors.append(
                        FieldError("id", f"says {value!r} but the node's @id says {ident!r}", value)
                    )
                data[term.name] = value
        return self.absent_as_null(data), errors

    def _unknown(self, iri: str, values: Any) -> FieldError:
        import difflib

        local = re.split(r"[/#:]", iri)[-1]
        close = difflib.get_close_matches(local, list(self.terms), n=1)
        tip = f"; did you mean {close[0]!r} <{self.terms[close[0]].iri}>?" if close else ""
        return FieldError(
            iri, f"unknown property: {self.noun.name} has no term for <{iri}>{tip}", values
        )

    def _read_values(self, term: Term, values: Any) -> Any:
        return _read_values(term, values)


def _read_values(term: Term, values: Any) -> Any:
    """A term's value from its expanded values (a list of one, for a single value)."""
    items = values if isinstance(values, list) else [values]
    if len(items) == 1 and isinstance(items[0], dict) and "@list" in items[0]:
        items = items[0]["@list"]
    read = []
    for index, item in enumerate(items):
        try:
            read.append(_read_item(term, item))
        except _Bad as bad:
            raise bad.inside(f"[{index}]") if term.many else bad from None
    if term.many:
        return read
    if not read:
        return _ABSENT
    if len(read) > 1:
        raise _Bad(f"expected one value, got {len(read)}", values)
    return read[0]


def _read_item(term: Term, item: Any) -> Any:
    if term.kind == VALUE:
        assert term.value is not None
        return term.value.read(item)
    if term.kind == ENUM and isinstance(item, dict) and isinstance(item.get("@id"), str):
        assert term.iris is not None
        wanted = normalize(item["@id"])
        for value, own in term.iris.items():
            if normalize(own) == wanted:
                return value
        raise _Bad(f"<{item['@id']}> is the IRI of none of the enum's values", item)
    if not isinstance(item, dict):
        raise _Bad("expected a JSON-LD value or node object", item)
    if term.kind == LINK:
        iri = item.get("@id")
        if not isinstance(iri, str) or "@value" in item:
            raise _Bad(f"expected a link (@id) to a {term.target}", item)
        ident = id_from_iri(iri, term.prefix)
        if ident is None:
            raise _Bad(
                f"<{iri}> is not the IRI of a {term.target} (expected {term.prefix}<id>)", iri
            )
        return ident
    if "@value" in item:
        return item["@value"]
    if term.kind == URL and isinstance(item.get("@id"), str):
        return item["@id"]
    if "@id" in item:
        raise _Bad(f"expected a literal value, got a link <{item['@id']}>", item)
    raise _Bad("expected a literal value", item)


def _weight(text: str) -> int:
    """Bytes a string takes in JSON, near enough for a limit."""
    return (len(text) if text.isascii() else len(text.encode("utf-8", "replace"))) + 3


def _plain_iri(value: Any) -> bool:
    """An IRI pyld leaves as written under ``@type: @id``: ``scheme://...``, not a CURIE."""
    if not isinstance(value, str):
        return False
    scheme, colon, rest = value.partition(":")
    return bool(colon) and scheme not in ("", "_") and rest.startswith("//")


class _Absent:
    pass


_ABSENT = _Absent()


class _Bad(Exception):
    def __init__(self, message: str, value: Any, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.value = value
        self.where = where  # the path below the term: ".geo.lat", "[2].sku"

    def inside(self, step: str) -> _Bad:
        return _Bad(self.message, self.value, step + self.where)


def _every_name(terms: Mapping[str, Term]) -> set[str]:
    """The names of the terms and of every value type's terms below them."""
    names: set[str] = set()
    seen: set[int] = set()
    pending = list(terms.values())
    while pending:
        term = pending.pop()
        names.add(term.name)
        if term.value is not None and id(term.value) not in seen:
            seen.add(id(term.value))
            pending.extend(term.value.terms.values())
    return names


# How many levels of value types holding each other get their scoped context again.
_SCOPED_LEVELS = 12
