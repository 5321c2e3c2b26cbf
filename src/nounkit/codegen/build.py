"""The files ``nounkit build`` writes, and the check that they are up to date."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nounkit._fork import can_fork, in_child
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


def check(registry: Registry, folder: Path, *, parallel: bool = False) -> BuildReport:
    """Compare the folder with what would be generated; write nothing.

    ``parallel``: compare half of the files in a forked child when that is safe.
    """
    files = artifacts(registry)
    stale, missing = _differences(files, folder, write=False, parallel=parallel)
    return BuildReport([], stale, missing, _orphans(files, folder))


def build(registry: Registry, folder: Path, *, parallel: bool = False) -> BuildReport:
    """Write every generated file that changed (atomically) and remove orphans.

    ``parallel``: compare and write half of the files in a forked child when that is safe.
    """
    files = artifacts(registry)
    folder.mkdir(parents=True, exist_ok=True)
    orphaned = _orphans(files, folder)
    stale, missing = _differences(files, folder, write=True, parallel=parallel)
    for name in orphaned:
        (folder / name).unlink()
    return BuildReport(sorted([*stale, *missing]), stale, missing, orphaned)


def _orphans(files: dict[str, str], folder: Path) -> list[str]:
    return [name for name in _generated_here(folder) if name not in files]


# Below this many files, a second process costs more than it saves.
_PARALLEL_FILES = 200


def _differences(
    files: dict[str, str], folder: Path, *, write: bool, parallel: bool
) -> tuple[list[str], list[str]]:
    """The stale and the missing files, in the order of ``files``; rewritten when ``write``."""

    def sync(names: list[str]) -> tuple[list[str], list[str]]:
        stale, missing = [], []
        for name in names:
            path = folder / name
            if not path.is_file():
                missing.append(name)
            elif path.read_bytes() != files[name].encode("utf-8"):
                stale.append(name)
            else:
                continue
            if write:
                _write_atomic(path, files[name])
        return stale, missing

    names = list(files)
    if not (parallel and len(names) >= _PARALLEL_FILES and can_fork()):
        return sync(names)
    theirs = names[1::2]
    wait = in_child(lambda: sync(theirs))
    ours = sync(names[::2])
    # A child that failed (on a file it could not write, say) is done again here, so
    # its error is raised as the parent's own would be.
    other = wait() or sync(theirs)
    order = {name: index for index, name in enumerate(names)}
    stale = sorted([*ours[0], *other[0]], key=order.__getitem__)
    missing = sorted([*ours[1], *other[1]], key=order.__getitem__)
    return stale, missing


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
