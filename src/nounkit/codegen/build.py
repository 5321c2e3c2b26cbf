"""The files ``nounkit build`` writes, and the check that they are up to date."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nounkit._gcpause import gc_paused
from nounkit.codegen.jsonschema import bundle_schema, dumps, input_schema, noun_schema
from nounkit.jsonld import context_files
from nounkit.language.loader import language_schema
from nounkit.registry import Registry

__all__ = ["BuildReport", "artifacts", "build", "check"]

LANGUAGE_SCHEMA = "noun.schema.json"
BUNDLE = "bundle.schema.json"
_GENERATED_SUFFIXES = (".schema.json", ".context.jsonld")


def artifacts(registry: Registry) -> dict[str, str]:
    """Every generated file, by name, with its exact text, in a stable order.

    JSON Schema (``*.schema.json``) and JSON-LD contexts (``*.context.jsonld``).
    """
    with gc_paused():  # thousands of small dicts, all kept until written
        return _artifacts(registry)


def _artifacts(registry: Registry) -> dict[str, str]:
    base = registry.config.base
    nouns = registry.nouns
    files = {LANGUAGE_SCHEMA: dumps(language_schema())}
    schemas = {}
    for noun in nouns.values():
        schemas[noun.name] = schema = noun_schema(noun, nouns, base=base)
        files[f"{noun.singular}.schema.json"] = dumps(schema)
        for action in noun.actions.values():
            if action.input:
                name = f"{noun.singular}.{action.name}.input.schema.json"
                files[name] = dumps(input_schema(noun, action, base=base))
    files[BUNDLE] = dumps(bundle_schema(nouns, base=base, schemas=schemas))
    # JSON-LD contexts: <singular>.context.jsonld per noun, and the events' context.
    files.update(context_files(registry))
    return files


@dataclass(frozen=True)
class BuildReport:
    """What differs between the generated files and a folder."""

    written: list[str]
    stale: list[str]  # present, different text
    missing: list[str]  # generated, absent from the folder
    orphaned: list[str]  # in the folder, no longer generated

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.orphaned)


def _generated_here(folder: Path) -> list[str]:
    # Only files that look like ours count as orphans: a README beside them is left alone.
    return (
        sorted(p.name for p in folder.glob("*.json*") if p.name.endswith(_GENERATED_SUFFIXES))
        if folder.is_dir()
        else []
    )


def check(registry: Registry, folder: Path) -> BuildReport:
    """Compare the folder with what would be generated; write nothing."""
    return _compare(artifacts(registry), folder)


def _compare(files: dict[str, str], folder: Path) -> BuildReport:
    stale, missing = [], []
    for name, text in files.items():
        path = folder / name
        if not path.is_file():
            missing.append(name)
        elif path.read_bytes() != text.encode("utf-8"):
            stale.append(name)
    orphaned = [name for name in _generated_here(folder) if name not in files]
    return BuildReport([], stale, missing, orphaned)


def build(registry: Registry, folder: Path) -> BuildReport:
    """Write every generated file that changed (atomically) and remove orphans."""
    files = artifacts(registry)
    before = _compare(files, folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in [*before.stale, *before.missing]:
        _write_atomic(folder / name, files[name])
        written.append(name)
    for name in before.orphaned:
        (folder / name).unlink()
    return BuildReport(sorted(written), before.stale, before.missing, before.orphaned)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
