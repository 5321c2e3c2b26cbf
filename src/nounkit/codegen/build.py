"""The files ``nounkit build`` writes, and the check that they are up to date."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from nounkit.codegen.jsonschema import bundle_schema, dumps, input_schema, noun_schema
from nounkit.compiler.schema import Schema
from nounkit.jsonld import context_files
from nounkit.language.grammar import language_schema
from nounkit.language.spec import NounDef

__all__ = ["BuildReport", "artifacts", "build", "check"]

LANGUAGE_SCHEMA = "noun.schema.json"
BUNDLE = "bundle.schema.json"
_GENERATED_SUFFIXES = (".schema.json", ".context.jsonld")


def artifacts(schema: Schema) -> dict[str, str]:
    """Every generated file, by name, with its exact text, in a stable order.

    JSON Schema (``*.schema.json``) and JSON-LD contexts (``*.context.jsonld``).
    """
    return _files(schema, list(schema.nouns.values()), shared=True)


def _files(schema: Schema, nouns: list[NounDef], *, shared: bool) -> dict[str, str]:
    """The files of ``nouns`` (schema, action inputs, context) and, when ``shared``, those
    of all nouns together (language schema, bundle, events' context)."""
    base = schema.base
    files = {LANGUAGE_SCHEMA: dumps(language_schema())} if shared else {}
    schemas = {}
    for noun in nouns:
        schemas[noun.name] = own = noun_schema(noun, schema.nouns, base=base)
        files[f"{noun.singular}.schema.json"] = dumps(own)
        for action in noun.actions.values():
            if action.input:
                name = f"{noun.singular}.{action.name}.input.schema.json"
                files[name] = dumps(input_schema(noun, action, base=base))
    if shared:
        files[BUNDLE] = dumps(bundle_schema(schema.nouns, base=base, schemas=schemas))
    # JSON-LD contexts: <singular>.context.jsonld per noun, and the events' context.
    files.update(context_files(schema, nouns, events=shared))
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


Progress = Callable[[int], None]


def check(
    schema: Schema,
    folder: Path,
    *,
    files: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Compare the folder with what would be generated (``files``, when already made);
    write nothing. ``progress(1)`` follows each file compared."""
    made = artifacts(schema) if files is None else files
    names, stale, missing = _compare(made, folder, write=False, progress=progress)
    return BuildReport([], stale, missing, _orphans(names, folder))


def build(
    schema: Schema,
    folder: Path,
    *,
    files: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Write every generated file that changed (atomically) and remove orphans.
    ``progress(1)`` follows each file compared (and written, when it changed)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = artifacts(schema) if files is None else files
    names, stale, missing = _compare(made, folder, write=True, progress=progress)
    orphaned = _orphans(names, folder)
    for name in orphaned:
        (folder / name).unlink()
    return BuildReport(sorted([*stale, *missing]), stale, missing, orphaned)


def _orphans(names: set[str], folder: Path) -> list[str]:
    return [name for name in _generated_here(folder) if name not in names]


Synced = tuple[set[str], list[str], list[str]]  # every generated name, stale, missing


def _compare(
    files: Mapping[str, str], folder: Path, *, write: bool, progress: Progress | None
) -> Synced:
    stale, missing = [], []
    for name, text in files.items():
        if progress is not None:
            progress(1)
        path = folder / name
        if not path.is_file():
            missing.append(name)
        elif path.read_bytes() != text.encode("utf-8"):
            stale.append(name)
        else:
            continue
        if write:
            _write_atomic(path, text)
    return set(files), sorted(stale), sorted(missing)


def _write_atomic(path: Path, text: str) -> None:
    """Write the file whole or not at all: a reader sees the old text or the new one.

    Created as an ordinary file (``0o666`` less the umask), as an editor would, under a
    temporary name of its own (random, so concurrent writers never share one).
    """
    while True:
        tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:  # 48 random bits taken: draw again
            continue
    try:
        try:
            view = memoryview(text.encode("utf-8"))
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
