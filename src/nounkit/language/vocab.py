"""The Schema.org vocabulary table, IRIs written in noun files, and the check of them.

``schemaorg.json`` beside this module is derived from the Schema.org release by
``scripts/derive_vocab.py``; this module only reads it. The check of every
``class:`` and ``iri:`` is part of loading nouns: its problems join the others
in one DefinitionError. Nothing here imports pyld.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from nounkit.language.codes import Code
from nounkit.language.spec import Location, NounDef, PropertyDef

__all__ = [
    "SCHEMA",
    "SCHEMA_HTTP",
    "XSD",
    "Finding",
    "Vocabulary",
    "VocabularyWarning",
    "expand_iri",
    "normalize",
    "schemaorg",
    "term_findings",
    "term_iris",
]

# Beside this module, in the installed package (importlib.resources would cost every
# command a few milliseconds of imports for a file that is always right here).
_TABLE = Path(__file__).with_name("schemaorg.json")

# The one namespace nounkit emits (the vocabulary file's own), and the one Schema.org's served
# context expands to: read on input, never written.
SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Schemes written as absolute IRIs without "//" (urn:isbn:..., mailto:...). Anything else
# without "//" after its colon is a CURIE, and its prefix must be one Schema.org declares.
_OPAQUE_SCHEMES = frozenset({"urn", "tag", "did", "mailto", "tel", "data", "geo", "info"})


class Vocabulary:
    """The Schema.org terms by local name (``Person``, ``email``)."""

    __slots__ = (
        "_ancestors",
        "classes",
        "datatypes",
        "members",
        "prefixes",
        "properties",
        "release",
        "superseded",
    )

    def __init__(
        self,
        release: str,
        prefixes: Mapping[str, str],
        classes: Mapping[str, tuple[str, ...]],  # direct superclasses
        datatypes: frozenset[str],
        properties: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]],  # (domains, ranges)
        members: Mapping[str, tuple[str, ...]],  # enumeration member -> its enumerations
        superseded: Mapping[str, str],
    ) -> None:
        self.release, self.prefixes, self.classes = release, prefixes, classes
        self.datatypes, self.properties, self.members = datatypes, properties, members
        self.superseded = superseded
        self._ancestors: dict[str, frozenset[str]] = {}

    def ancestors(self, name: str) -> frozenset[str]:
        """The class and every class above it."""
        found = self._ancestors.get(name)
        if found is None:
            seen: set[str] = set()
            todo = [name]
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    todo.extend(self.classes.get(current, ()))
            found = self._ancestors[name] = frozenset(seen)
        return found

    def kind(self, name: str) -> str | None:
        """What a local name is: class, datatype, property, member, or None (no such term)."""
        if name in self.properties:
            return "property"
        if name in self.datatypes:
            return "datatype"
        if name in self.classes:
            return "class"
        if name in self.members:
            return "member"
        return None


@cache
def schemaorg() -> Vocabulary:
    """The shipped Schema.org table, read once."""
    text = _TABLE.read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return Vocabulary(
        release=data["release"],
        prefixes=data["prefixes"],
        classes={k: tuple(v) for k, v in data["classes"].items()},
        datatypes=frozenset(data["datatypes"]),
        properties={k: (tuple(d), tuple(r)) for k, (d, r) in data["properties"].items()},
        members={k: tuple(v) for k, v in data["members"].items()},
        superseded=data["superseded"],
    )


def normalize(iri: str) -> str:
    """``http://schema.org/x`` -> ``https://schema.org/x``; any other IRI unchanged."""
    return SCHEMA + iri[len(SCHEMA_HTTP) :] if iri.startswith(SCHEMA_HTTP) else iri


def expand_iri(written: str) -> str | None:
    """A ``class:`` or ``iri:`` value as an absolute IRI; None when its prefix is unknown.

    ``schema:email``, ``http://schema.org/email`` and ``https://schema.org/email`` all
    give ``https://schema.org/email``. Prefixes are the ones Schema.org's own files
    declare (``schema``, ``xsd``, ``rdfs``, ``foaf``, ``dcterms`` ...).
    """
    prefix, _, rest = written.partition(":")
    if rest.startswith("//") or prefix in _OPAQUE_SCHEMES:
        return normalize(written)
    known = schemaorg().prefixes.get(prefix)
    return normalize(known + rest) if known is not None else None


def term_iris(noun: NounDef, vocab: str) -> dict[str, str]:
    """The IRI of every JSON-LD term of a noun, by property or relationship name.

    A property's ``iri`` when it has one, else ``<vocab><name>``; relationships are
    always ``<vocab><name>``. ``id`` is the node's ``@id`` and has a term only when
    it declares an ``iri`` of its own.
    """
    iris: dict[str, str] = {}
    for name, prop in noun.properties.items():
        written = expand_iri(prop.iri) if prop.iri else None
        if written is not None:
            iris[name] = written
        elif name != "id":
            iris[name] = f"{vocab}{name}"
    for name in noun.relationships:
        iris[name] = f"{vocab}{name}"
    return iris


# -- the check at load ---------------------------------------------------------------------------


class VocabularyWarning(UserWarning):
    """A Schema.org term used where Schema.org does not expect it.

    Schema.org's ``domainIncludes`` are loose in places, so a property used on
    a class outside its domain (or a superseded term) warns rather than fails;
    ``Registry.load(..., strict_vocab=True)`` or ``strict_vocab: true`` in the
    configuration turns these into DefinitionErrors. The message starts with
    ``file:line:column`` of the offending value and ends with its code.
    """


class Finding:
    """Something wrong with a term: ``at`` is its path inside the noun (None: only
    ``fallback`` says where); ``loose``, Schema.org's own looseness, warns unless strict."""

    __slots__ = ("at", "code", "fallback", "hint", "loose", "message", "noun")

    def __init__(
        self,
        noun: str,
        at: tuple[str, ...] | None,
        fallback: Location | None,
        code: Code,
        message: str,
        hint: str | None,
        loose: bool = False,
    ) -> None:
        self.noun, self.at, self.fallback, self.code = noun, at, fallback, code
        self.message, self.hint, self.loose = message, hint, loose

    @property
    def path(self) -> str:
        return ".".join((self.noun, *self.at)) if self.at else self.noun


def term_findings(nouns: Mapping[str, NounDef], *, vocab: str) -> list[Finding]:
    """Every ``class:`` and ``iri:`` checked against the Schema.org table.

    An unknown or misspelled Schema.org term, a class used as a property (or the
    reverse), an unknown CURIE prefix, or two terms of one noun with the same IRI
    is an error. A property outside its class's ``domainIncludes``, or a
    superseded term, is ``loose``: a warning unless the registry is strict.
    """
    return [finding for noun in nouns.values() for finding in _check_noun(noun, vocab)]


def _check_noun(noun: NounDef, vocab: str) -> Iterator[Finding]:
    table = schemaorg()
    schema_class: str | None = None
    if noun.class_iri is not None:
        at: tuple[str, ...] = ("class",)
        full = expand_iri(noun.class_iri)
        if full is None:
            yield _unknown_prefix(noun, noun.class_iri, at, noun.location)
        elif full.startswith(SCHEMA):
            local = full[len(SCHEMA) :]
            finding = _check_term(noun, table, noun.class_iri, local, "class", at, noun.location)
            if finding is None:
                schema_class = local
            else:
                yield finding
                if finding.loose:
                    schema_class = local
    seen: dict[str, str] = {}
    for name, iri in term_iris(noun, vocab).items():
        if iri in seen:
            prop = noun.properties.get(name)
            if prop is not None and prop.iri:
                at = ("properties", name, "iri")
                fallback = prop.location
            else:
                owner = prop if prop is not None else noun.relationships[name]
                at = ("properties" if prop is not None else "relationships", name)
                fallback = owner.location or noun.location
            yield Finding(
                noun.name,
                at,
                fallback,
                Code.SHARED_IRI,
                f"{name!r} and {seen[iri]!r} both map to <{iri}>",
                "a JSON-LD term stands for one property: give one of them another iri",
            )
        else:
            seen[iri] = name
    for name, prop in noun.properties.items():
        yield from _check_property(noun, prop, ("properties", name, "iri"), schema_class, table)
    for action in noun.actions.values():
        for prop in action.input.values():  # no node to sit on: spelling only
            at = ("actions", action.name, "input", prop.name, "iri")
            yield from _check_property(noun, prop, at, None, table, domain=False)


def _check_property(
    noun: NounDef,
    prop: PropertyDef,
    at: tuple[str, ...] | None,
    schema_class: str | None,
    table: Vocabulary,
    *,
    domain: bool = True,
) -> Iterator[Finding]:
    if prop.iri is None:
        return
    full = expand_iri(prop.iri)
    if full is None:
        yield _unknown_prefix(noun, prop.iri, at, prop.location)
        return
    if not full.startswith(SCHEMA):
        return  # another vocabulary: nounkit has no table to check it against
    local = full[len(SCHEMA) :]
    finding = _check_term(noun, table, prop.iri, local, "property", at, prop.location)
    if finding is not None:
        yield finding
        if not finding.loose:
            return
    if not (domain and schema_class):
        return
    domains = table.properties[local][0]
    if domains and not table.ancestors(schema_class).intersection(domains):
        above = sorted(table.ancestors(schema_class) - {schema_class})
        yield Finding(
            noun.name,
            at,
            prop.location,
            Code.OUTSIDE_DOMAIN,
            f"schema:{local} is not expected on schema:{schema_class}: its domainIncludes "
            f"lists {', '.join('schema:' + d for d in domains)}",
            f"map {prop.name} to a property whose domain covers schema:{schema_class}"
            + (f" or a class above it ({', '.join(above)})" if above else "")
            + ", or drop its iri",
            loose=True,
        )


def _check_term(
    noun: NounDef,
    table: Vocabulary,
    written: str,
    local: str,
    wanted: str,
    at: tuple[str, ...] | None,
    fallback: Location | None,
) -> Finding | None:
    """Is the Schema.org term there, and of the wanted kind (class or property)?"""

    def found(code: Code, message: str, hint: str | None, loose: bool = False) -> Finding:
        return Finding(noun.name, at, fallback, code, message, hint, loose)

    kind = table.kind(local)
    if kind is None:
        pool: Iterable[str] = table.classes if wanted == "class" else table.properties
        return found(
            Code.UNKNOWN_TERM,
            f"{written!r} is not a Schema.org {wanted} (release {table.release})",
            _suggest(local, pool) or "see https://schema.org/docs/full.html",
        )
    if kind == "member":
        enumerations = ", ".join("schema:" + e for e in table.members[local])
        return found(
            Code.WRONG_TERM_KIND,
            f"schema:{local} is a member of the enumeration {enumerations}, not a {wanted}",
            "enumeration members are values, not terms",
        )
    if kind == "datatype" and wanted == "class":
        return found(
            Code.WRONG_TERM_KIND,
            f"schema:{local} is a Schema.org data type, not a class of things",
            "the type of each property already says how its values are written; "
            "class names what the noun is (schema:Thing at the least)",
        )
    if (kind == "property") != (wanted == "property"):
        other = "property" if kind == "property" else "class"
        return found(
            Code.WRONG_TERM_KIND,
            f"schema:{local} is a Schema.org {other}, not a {wanted}",
            "`class:` names what a noun is; a property's `iri:` names a property"
            + (f"; did you mean {s}?" if (s := _suggest(local, _pool(table, wanted))) else ""),
        )
    replacement = table.superseded.get(local)
    if replacement is not None:
        return found(
            Code.SUPERSEDED_TERM,
            f"schema:{local} is superseded by schema:{replacement}",
            f"use schema:{replacement}",
            loose=True,
        )
    return None


def _pool(table: Vocabulary, wanted: str) -> Iterable[str]:
    return table.properties if wanted == "property" else set(table.classes) - table.datatypes


def _suggest(local: str, pool: Iterable[str]) -> str | None:
    """``did you mean 'schema:email'?``, matching without regard to case."""
    names = {name.lower(): name for name in pool}
    close = difflib.get_close_matches(local.lower(), list(names), n=1, cutoff=0.75)
    if close and names[close[0]] != local:
        return f"did you mean 'schema:{names[close[0]]}'?"
    return None


def _unknown_prefix(
    noun: NounDef, written: str, at: tuple[str, ...] | None, fallback: Location | None
) -> Finding:
    prefix = written.partition(":")[0]
    known = schemaorg().prefixes
    close = difflib.get_close_matches(prefix, list(known), n=1, cutoff=0.6)
    hint = (
        f"did you mean '{close[0]}:{written.partition(':')[2]}'?"
        if close
        else f"write an absolute IRI (https://...), or a CURIE with a known prefix "
        f"({', '.join(p for p in ('schema', 'xsd', 'rdfs', 'foaf', 'dcterms') if p in known)})"
    )
    return Finding(
        noun.name,
        at,
        fallback,
        Code.UNKNOWN_PREFIX,
        f"unknown prefix {prefix!r} in {written!r}",
        hint,
    )
