"""Derive nounkit's Schema.org files from a Schema.org release.

Reads the release's vocabulary (``schemaorg-<release>-current-https.jsonld``)
and JSON-LD context (``schemaorg-<release>-context.jsonld``) and writes, below
``src/nounkit/``:

``language/schemaorg.json``
    The term table the loader checks ``class:`` and ``iri:`` against: classes
    with their direct superclasses, data types, properties with their
    ``domainIncludes`` and ``rangeIncludes``, enumeration members with their
    enumerations, and superseded terms with their replacements.
``jsonld/schemaorg-context.jsonld``
    The release's context, trimmed to what changes the meaning of a document:
    the prefixes, ``@vocab`` and every term whose definition says more than
    ``@vocab`` already does (a coerced type, or an IRI outside the namespace).
    A term that only repeats ``"name": {"@id": "schema:name"}`` is dropped,
    because ``@vocab`` expands ``name`` to exactly that IRI; a test proves
    that documents expand the same under both contexts.

Re-run it for a newer release::

    python scripts/derive_vocab.py                 # the newest release under vocab/
    python scripts/derive_vocab.py --vocab DIR     # a folder holding another release

``--check`` writes nothing and exits 1 when the shipped files differ from a
fresh derivation. The output is deterministic: sorted, one entry per line.
Schema.org publishes its vocabulary under CC BY-SA 3.0; the attribution
travels in each derived file and in the README beside them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "nounkit"
TABLE = "language/schemaorg.json"  # what the loader checks terms against
CONTEXT = "jsonld/schemaorg-context.jsonld"  # what the JSON-LD loader serves
NAMESPACE = "https://schema.org/"
LICENSE = "CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/)"
ATTRIBUTION = (
    "Derived by scripts/derive_vocab.py from the Schema.org vocabulary, release {release} "
    "(https://schema.org, github.com/schemaorg/schemaorg data/releases/{release}/), "
    "published under " + LICENSE + ". Changes: reduced to the terms, superclasses, "
    "domains, ranges and enumeration members nounkit checks against."
)
CONTEXT_ATTRIBUTION = (
    "Schema.org JSON-LD context, release {release} (https://schema.org), " + LICENSE + ". "
    "Trimmed by scripts/derive_vocab.py: terms that @vocab already expands to the same "
    "IRI are left out; nothing else changed."
)

_VOCAB_FILE = re.compile(r"schemaorg-(?P<release>[0-9][0-9.]*)-current-https\.jsonld")


def default_vocab_dir() -> Path:
    """The newest ``vocab/schemaorg-<release>/`` folder of the project: the releases are
    committed, so a fresh clone derives (and its tests check) the shipped files."""
    folders = [p for p in (ROOT / "vocab").glob("schemaorg-*") if p.is_dir()]
    if not folders:
        raise SystemExit(f"no schemaorg-<release>/ folder in {ROOT / 'vocab'}")
    return max(folders, key=lambda p: tuple(int(n) for n in re.findall(r"[0-9]+", p.name)))


def find_release(vocab_dir: Path) -> tuple[str, Path, Path]:
    """The newest release in the folder: its number, vocabulary file and context file."""
    found: list[tuple[tuple[int, ...], str, Path]] = []
    for path in vocab_dir.glob("schemaorg-*-current-https.jsonld"):
        match = _VOCAB_FILE.fullmatch(path.name)
        if match:
            release = match["release"]
            found.append((tuple(int(p) for p in release.split(".") if p), release, path))
    if not found:
        raise SystemExit(f"no schemaorg-<release>-current-https.jsonld in {vocab_dir}")
    _, release, vocabulary = max(found)
    context = vocab_dir / f"schemaorg-{release}-context.jsonld"
    if not context.is_file():
        raise SystemExit(f"{context} is missing: the context of release {release}")
    return release, vocabulary, context


def _ids(value: Any) -> list[str]:
    """The ``@id`` of each node reference in a value (one, a list, or none)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item["@id"] for item in items if isinstance(item, dict) and "@id" in item]


def _local(curie: str) -> str | None:
    """``schema:Person`` -> ``Person``; any other namespace -> None."""
    if curie.startswith("schema:"):
        return curie[len("schema:") :]
    if curie.startswith(NAMESPACE):
        return curie[len(NAMESPACE) :]
    return None


def _locals(curies: Iterable[str]) -> list[str]:
    return sorted({name for name in map(_local, curies) if name is not None})


def derive_table(vocabulary: Mapping[str, Any], release: str) -> dict[str, Any]:
    """The term table from the parsed vocabulary file."""
    classes: dict[str, list[str]] = {}
    datatypes: set[str] = set()
    properties: dict[str, list[list[str]]] = {}
    members: dict[str, list[str]] = {}
    superseded: dict[str, str] = {}
    for node in vocabulary["@graph"]:
        name = _local(node["@id"])
        if name is None:  # a term of another vocabulary that Schema.org maps to
            continue
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in kinds:
            classes[name] = _locals(_ids(node.get("rdfs:subClassOf")))
            if "schema:DataType" in kinds:
                datatypes.add(name)
        elif "rdf:Property" in kinds:
            properties[name] = [
                _locals(_ids(node.get("schema:domainIncludes"))),
                _locals(_ids(node.get("schema:rangeIncludes"))),
            ]
        else:  # an instance of a Schema.org class: an enumeration member
            members[name] = _locals(kinds)
        for replacement in _locals(_ids(node.get("schema:supersededBy"))):
            superseded[name] = replacement
    # Subclasses of a data type are data types too (Integer is a Number, URL a Text).
    changed = True
    while changed:
        changed = False
        for name, parents in classes.items():
            if name not in datatypes and datatypes.intersection(parents):
                datatypes.add(name)
                changed = True
    prefixes = {
        key: value
        for key, value in vocabulary.get("@context", {}).items()
        if isinstance(value, str) and not key.startswith("@")
    }
    return {
        "attribution": ATTRIBUTION.format(release=release),
        "release": release,
        "namespace": NAMESPACE,
        "prefixes": dict(sorted(prefixes.items())),
        "classes": dict(sorted(classes.items())),
        "datatypes": sorted(datatypes),
        "properties": dict(sorted(properties.items())),
        "members": dict(sorted(members.items())),
        "superseded": dict(sorted(superseded.items())),
    }


def trim_context(context: Mapping[str, Any], release: str) -> dict[str, Any]:
    """The context without the terms ``@vocab`` already expands identically."""
    terms = context["@context"]
    vocab = terms.get("@vocab")
    prefix = next((k for k, v in terms.items() if v == vocab and not k.startswith("@")), None)
    kept: dict[str, Any] = {}
    for key, value in terms.items():
        if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
            iri = value["@id"]
            if iri == f"{prefix}:{key}" or iri == f"{vocab}{key}":
                continue  # "name": {"@id": "schema:name"} says what @vocab says
        kept[key] = value
    return {"@context": kept, "_attribution": CONTEXT_ATTRIBUTION.format(release=release)}


def _lines(document: Mapping[str, Any]) -> str:
    """JSON with one top-level entry per line, and one line per term of a mapping section.

    Small enough to ship as is, and a new release reads as a short diff.
    """
    parts = []
    for key, value in document.items():
        head = json.dumps(key, ensure_ascii=False)
        if isinstance(value, dict) and value:
            inner = ",\n".join(
                f"  {json.dumps(k, ensure_ascii=False)}: "
                f"{json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
                for k, v in value.items()
            )
            parts.append(f" {head}: {{\n{inner}\n }}")
        else:
            parts.append(f" {head}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'))}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def derive(vocab_dir: Path) -> dict[str, str]:
    """Every derived file, by name, with its exact text."""
    release, vocabulary_file, context_file = find_release(vocab_dir)
    vocabulary = json.loads(vocabulary_file.read_text("utf-8"))
    context = json.loads(context_file.read_text("utf-8"))
    return {
        TABLE: _lines(derive_table(vocabulary, release)),
        CONTEXT: _lines(trim_context(context, release)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--vocab", type=Path, default=None, help="folder of the release files")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write (default {OUT})")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    files = derive(args.vocab or default_vocab_dir())
    stale = [
        name
        for name, text in files.items()
        if not (args.out / name).is_file() or (args.out / name).read_text("utf-8") != text
    ]
    if args.check:
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    for name in stale:
        (args.out / name).parent.mkdir(parents=True, exist_ok=True)
        (args.out / name).write_text(files[name], encoding="utf-8", newline="\n")
        print(f"wrote {args.out / name}")
    if not stale:
        print(f"{args.out}: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
