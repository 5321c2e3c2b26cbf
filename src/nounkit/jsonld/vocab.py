"""The Schema.org vocabulary table, IRIs written in noun files, and the term check at load.

``schemaorg.json`` beside this module is derived from the Schema.org release by
``scripts/derive_vocab.py``; this module only reads it. Nothing here imports
pyld: the check runs on every ``Registry.load`` and must stay cheap.
"""

from __future__ import annotations

import difflib
import json
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from nounkit.errors import DefinitionError, Problem
from nounkit.jsonld.errors import VocabularyWarning
from nounkit.language.spec import Location, NounDef, PropertyDef

__all__ = [
    "SCHEMA",
    "SCHEMA_HTTP",
    "XSD",
    "Vocabulary",
    "check_terms",
    "expand_iri",
    "normalize",
    "schemaorg",
    "term_iris",
]

# The one namespace nounkit emits (the vocabulary file's own), and the one Schema.org's served
# context expands to: read on input, never written.
SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Schemes written as absolute IRIs without "//" (urn:isbn:..., mailto:...). Anything else
# without "//" after its colon is a CURIE, and its prefix must be one Schema.org declares.
_OPAQUE_SCHEMES = frozenset({"urn", "tag", "did", "mailto", "tel", "data", "geo", "info"})


@dataclass(frozen=True)
class Vocabulary:
    """The Schema.org terms by local name (``Person``, ``email``)."""

    release: str
    prefixes: Mapping[str, str]
    classes: Mapping[str, tuple[str, ...]]  # direct superclasses
    datatypes: frozenset[str]
    properties: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]  # (domains, ranges)
    members: Mapping[str, tuple[str, ...]]  # enumeration member -> its enumerations
    superseded: Mapping[str, str]
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)

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
    text = resources.files("nounkit.jsonld").joinpath("schemaorg.json").read_text("utf-8")
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


@dataclass(frozen=True)
class _Place:
    """Where a value stands, worked out only when something there is reported."""

    positions: _Positions
    fallback: Location | None
    path: tuple[str, ...] | None = None

    def resolve(self) -> Location:
        if self.path is None:
            return self.fallback or Location("<noun definitions>", 0, 0)
        return self.positions.of(self.fallback, self.path)


@dataclass
class _Finding:
    place: _Place
    path: str
    message: str
    hint: str | None
    loose: bool  # Schema.org's own looseness: a warning unless strict

    def problem(self) -> Problem:
        where = self.place.resolve()
        return Problem(where.file, where.line, where.column, self.path, self.message, self.hint)


class _Positions:
    """Where values stand in noun files: the loader keeps key positions; values need the file.

    Read only when something is reported, and each file at most once per check.
    """

    def __init__(self) -> None:
        self._files: dict[str, Any] = {}

    def of(self, fallback: Location | None, path: tuple[str, ...]) -> Location:
        where = fallback or Location("<noun definitions>", 0, 0)
        if where.file not in self._files:
            from nounkit.language.yamlsource import YamlProblem, read_yaml

            try:
                document = read_yaml(Path(where.file).read_bytes(), where.file)
                self._files[where.file] = document.positions
            except (OSError, YamlProblem):
                self._files[where.file] = None
        positions = self._files[where.file]
        if positions is None:
            return where
        exact = positions.values.get(path)
        if exact is None:  # an action's input: its path holds the action's list index
            exact = next(
                (
                    at
                    for candidate, at in positions.values.items()
                    if candidate[:2] == path[:2]
                    and path[2] in candidate
                    and candidate[-3:] == path[-3:]
                ),
                None,
            )
        return Location(where.file, *exact) if exact else where


def check_terms(nouns: Mapping[str, NounDef], *, vocab: str, strict: bool = False) -> None:
    """Check every ``class:`` and ``iri:`` against the Schema.org table.

    An unknown or misspelled Schema.org term, a class used as a property (or the
    reverse), an unknown CURIE prefix, or two terms of one noun with the same IRI
    is a DefinitionError. A property outside its class's ``domainIncludes``, or a
    superseded term, warns with :class:`VocabularyWarning` (Schema.org's domains are
    loose), unless ``strict``: then it is a DefinitionError too.
    """
    positions = _Positions()
    findings = [f for noun in nouns.values() for f in _check_noun(noun, vocab, positions)]
    errors = [f.problem() for f in findings if strict or not f.loose]
    for finding in findings if not strict else ():  # warned even when errors follow
        if finding.loose:
            where = finding.place.resolve()
            text = f"{where}: {finding.path}: {finding.message}"
            if finding.hint:
                text += f" ({finding.hint})"
            warnings.warn_explicit(text, VocabularyWarning, where.file, where.line or 1)
    if errors:
        raise DefinitionError(errors)


def _check_noun(noun: NounDef, vocab: str, positions: _Positions) -> Iterator[_Finding]:
    table = schemaorg()
    schema_class: str | None = None
    if noun.class_iri is not None:
        path = (noun.name, "class")
        where = _Place(positions, noun.location, path)
        full = expand_iri(noun.class_iri)
        if full is None:
            yield _unknown_prefix(noun.class_iri, where, ".".join(path))
        elif full.startswith(SCHEMA):
            local = full[len(SCHEMA) :]
            finding = _check_term(table, noun.class_iri, local, "class", where, ".".join(path))
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
                at: tuple[str, ...] = ("properties", name, "iri")
                where = _Place(positions, prop.location, (noun.name, *at))
            else:
                owner = prop if prop is not None else noun.relationships[name]
                at = ("properties" if prop is not None else "relationships", name)
                where = _Place(positions, owner.location or noun.location)
            yield _Finding(
                where,
                ".".join((noun.name, *at)),
                f"{name!r} and {seen[iri]!r} both map to <{iri}>",
                "a JSON-LD term stands for one property: give one of them another iri",
                loose=False,
            )
        else:
            seen[iri] = name
    for name, prop in noun.properties.items():
        yield from _check_property(
            noun, prop, ("properties", name, "iri"), schema_class, table, positions
        )
    for action in noun.actions.values():
        for prop in action.input.values():  # no node to sit on: spelling only
            yield from _check_property(
                noun,
                prop,
                ("actions", action.name, "input", prop.name, "iri"),
                None,
                table,
                positions,
                domain=False,
            )


def _check_property(
    noun: NounDef,
    prop: PropertyDef,
    at: tuple[str, ...],
    schema_class: str | None,
    table: Vocabulary,
    positions: _Positions,
    *,
    domain: bool = True,
) -> Iterator[_Finding]:
    if prop.iri is None:
        return
    path = (noun.name, *at)
    dotted = ".".join(path)
    where = _Place(positions, prop.location, path)
    full = expand_iri(prop.iri)
    if full is None:
        yield _unknown_prefix(prop.iri, where, dotted)
        return
    if not full.startswith(SCHEMA):
        return  # another vocabulary: nounkit has no table to check it against
    local = full[len(SCHEMA) :]
    finding = _check_term(table, prop.iri, local, "property", where, dotted)
    if finding is not None:
        yield finding
        if not finding.loose:
            return
    if not (domain and schema_class):
        return
    domains = table.properties[local][0]
    if domains and not table.ancestors(schema_class).intersection(domains):
        above = sorted(table.ancestors(schema_class) - {schema_class})
        yield _Finding(
            where,
            dotted,
            f"schema:{local} is not expected on schema:{schema_class}: its domainIncludes "
            f"lists {', '.join('schema:' + d for d in domains)}",
            f"map {prop.name} to a property whose domain covers schema:{schema_class}"
            + (f" or a class above it ({', '.join(above)})" if above else "")
            + ", or drop its iri",
            loose=True,
        )


def _check_term(
    table: Vocabulary, written: str, local: str, wanted: str, where: _Place, path: str
) -> _Finding | None:
    """Is the Schema.org term there, and of the wanted kind (class or property)?"""
    kind = table.kind(local)
    if kind is None:
        pool: Iterable[str] = table.classes if wanted == "class" else table.properties
        return _Finding(
            where,
            path,
            f"{written!r} is not a Schema.org {wanted} (release {table.release})",
            _suggest(local, pool, table) or "see https://schema.org/docs/full.html",
            loose=False,
        )
    if kind == "member":
        enumerations = ", ".join("schema:" + e for e in table.members[local])
        return _Finding(
            where,
            path,
            f"schema:{local} is a member of the enumeration {enumerations}, not a {wanted}",
            "enumeration members are values, not terms",
            loose=False,
        )
    if kind == "datatype" and wanted == "class":
        return _Finding(
            where,
            path,
            f"schema:{local} is a Schema.org data type, not a class of things",
            "the type of each property already says how its values are written; "
            "class names what the noun is (schema:Thing at the least)",
            loose=False,
        )
    if (kind == "property") != (wanted == "property"):
        other = "property" if kind == "property" else "class"
        return _Finding(
            where,
            path,
            f"schema:{local} is a Schema.org {other}, not a {wanted}",
            "`class:` names what a noun is; a property's `iri:` names a property"
            + (f"; did you mean {s}?" if (s := _suggest(local, _pool(table, wanted))) else ""),
            loose=False,
        )
    replacement = table.superseded.get(local)
    if replacement is not None:
        return _Finding(
            where,
            path,
            f"schema:{local} is superseded by schema:{replacement}",
            f"use schema:{replacement}",
            loose=True,
        )
    return None


def _pool(table: Vocabulary, wanted: str) -> Iterable[str]:
    return table.properties if wanted == "property" else set(table.classes) - table.datatypes


def _suggest(local: str, pool: Iterable[str], table: Vocabulary | None = None) -> str | None:
    """``did you mean 'schema:email'?``, matching without regard to case."""
    names = {name.lower(): name for name in pool}
    close = difflib.get_close_matches(local.lower(), list(names), n=1, cutoff=0.75)
    if close and names[close[0]] != local:
        return f"did you mean 'schema:{names[close[0]]}'?"
    return None


def _unknown_prefix(written: str, where: _Place, path: str) -> _Finding:
    prefix = written.partition(":")[0]
    known = schemaorg().prefixes
    close = difflib.get_close_matches(prefix, list(known), n=1, cutoff=0.6)
    hint = (
        f"did you mean '{close[0]}:{written.partition(':')[2]}'?"
        if close
        else f"write an absolute IRI (https://...), or a CURIE with a known prefix "
        f"({', '.join(p for p in ('schema', 'xsd', 'rdfs', 'foaf', 'dcterms') if p in known)})"
    )
    return _Finding(where, path, f"unknown prefix {prefix!r} in {written!r}", hint, loose=False)
