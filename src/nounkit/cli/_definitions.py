"""``check``, ``build``, ``codegen``, ``validate``: commands that read definitions only.

None of them opens storage or imports handlers; ``check`` and ``build`` do not even
build a model, so they never import pydantic's model machinery.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from nounkit.cli._shared import (
    EXIT_INPUT,
    EXIT_OK,
    CommandGroup,
    Progress,
    UsageError,
    complete_nouns,
    nouns_option,
    out_option,
    schema,
    styled,
    write_out,
)
from nounkit.errors import ValidationError
from nounkit.language.spec import EnumDef, ValueDef

__all__ = ["build", "check", "codegen", "completion", "validate"]


@click.command(short_help="Check noun files and summarise them.")
@nouns_option
@click.option(
    "--external",
    multiple=True,
    metavar="NOUN",
    help="a noun declared elsewhere that relationships may name (repeatable)",
)
def check(nouns: tuple[str, ...], external: tuple[str, ...]) -> int:
    """Load and check noun files; a summary table, or every problem (exit 1)."""
    found = schema(nouns, external=external)
    rows = [
        (name, len(n.properties), len(n.relationships), len(n.actions), len(n.events))
        for name, n in found.nouns.items()
    ]
    header = ("noun", "properties", "relationships", "actions", "events")
    width = max([len(header[0]), *(len(r[0]) for r in rows)])
    out = sys.stdout
    print(styled(f"{header[0]:<{width}}  " + "  ".join(header[1:]), out, bold=True), file=out)
    for name, *counts in rows:
        cells = "  ".join(f"{c:>{len(h)}}" for c, h in zip(counts, header[1:], strict=True))
        print(f"{name:<{width}}  {cells}", file=out)
    files = {n.location.file for n in found.nouns.values() if n.location}
    types = {name: t for n in found.nouns.values() for name, t in n.types.items()}
    files |= {t.location.file for t in types.values() if t.location}
    values = sum(1 for t in types.values() if isinstance(t, ValueDef) and not t.anonymous)
    enums = sum(1 for t in types.values() if isinstance(t, EnumDef))
    parts = [f"{len(rows)} noun{'s' if len(rows) != 1 else ''}"]
    if values:
        parts.append(f"{values} value type{'s' if values != 1 else ''}")
    if enums:
        parts.append(f"{enums} enum{'s' if enums != 1 else ''}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    summary = f"{listed} from {len(files)} file{'s' if len(files) != 1 else ''}: "
    print("\n" + summary + styled("no problems", out, fg="green"), file=out)
    return EXIT_OK


@click.command(short_help="Write the JSON Schema and JSON-LD files.")
@nouns_option
@out_option("schemas", "the folder to write")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="write nothing; exit 1 naming every stale, missing or orphaned file",
)
def build(nouns: tuple[str, ...], out: str, check_only: bool) -> int:
    """Write JSON Schema per noun, a bundle, action inputs and JSON-LD contexts."""
    from nounkit.codegen.build import artifacts, build, check

    compiled = schema(nouns)
    folder = Path(out)
    files = artifacts(compiled)
    with Progress("comparing" if check_only else "writing", len(files), least=200) as bar:
        try:
            report = (check if check_only else build)(
                compiled, folder, files=files, progress=bar.advance
            )
        except OSError as exc:  # --out names a file, a folder we may not write, a full disk
            at = f" ({exc.filename})" if exc.filename else ""
            raise UsageError(
                f"--out: cannot {'read' if check_only else 'write'} {str(folder)!r}{at}: "
                f"{exc.strerror or exc}; give a folder nounkit may write"
            ) from exc
    if check_only:
        for label, names in (
            ("stale", report.stale),
            ("missing", report.missing),
            ("orphaned", report.orphaned),
        ):
            for name in names:
                print(f"{label}: {folder / name}", file=sys.stderr)
        if not report.clean:
            print(f"{folder} is out of date: run `nounkit build --out {folder}`", file=sys.stderr)
            return EXIT_INPUT
        print(f"{folder}: up to date")
        return EXIT_OK
    for name in report.written:
        print(f"wrote {folder / name}")
    for name in report.orphaned:
        print(f"removed {folder / name}")
    if not (report.written or report.orphaned):
        print(f"{folder}: up to date")
    return EXIT_OK


@click.group(cls=CommandGroup)
def codegen() -> None:
    """Generate source code from the nouns."""


@codegen.command(short_help="Write a typed module of pydantic classes.")
@nouns_option
@out_option("-", "the file to write (- for standard output)")
def python(nouns: tuple[str, ...], out: str) -> int:
    """A typed module of pydantic classes that validate as the compiled models do."""
    from nounkit.codegen.python import python_module

    write_out(python_module(schema(nouns).nouns), out)
    if out != "-":
        print(f"wrote {out}")
    return EXIT_OK


@click.command(short_help="Validate JSON documents against a noun.")
@click.argument("noun", shell_complete=complete_nouns)
@click.argument("file", type=click.Path(allow_dash=True))
@nouns_option
@click.option(
    "--jsonld",
    is_flag=True,
    help="also write the valid documents as one compact JSON-LD document to --out",
)
@out_option("-", "where --jsonld writes (- for standard output)")
@click.option(
    "--max-errors",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    metavar="N",
    help="print at most N invalid documents (all are counted)",
)
def validate(
    noun: str, file: str, nouns: tuple[str, ...], jsonld: bool, out: str, max_errors: int
) -> int:
    """Validate a JSON array (or a .jsonl file) of NOUN documents; exit 1 naming each
    invalid one."""
    if out != "-" and not jsonld:
        raise UsageError("--out writes the JSON-LD of the valid documents: add --jsonld")
    compiled = schema(nouns)
    name = compiled.noun(noun).name
    model = compiled.model(name)
    from nounkit.compiler.models import validate_each

    documents = _read_documents(file)
    valid = []
    invalid = 0
    with Progress(f"validating {name}", len(documents), least=10_000) as bar:
        results = validate_each(model, [document for _, document in documents])
        for (where, _), found in zip(documents, results, strict=True):
            if isinstance(found, ValidationError):
                invalid += 1
                if invalid <= max_errors:
                    print(f"{where}: {found}", file=sys.stderr)
            else:
                valid.append(found)
        bar.advance(len(documents))
    if invalid > max_errors:
        print(f"... and {invalid - max_errors} more invalid", file=sys.stderr)
    if jsonld:
        from nounkit.jsonld import engine

        document = engine(compiled).graph(valid, name)
        write_out(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", out)
    total = len(valid) + invalid
    summary = f"{file}: {total} {name} document{'s' if total != 1 else ''}, "
    summary += f"{invalid} invalid" if invalid else "all valid"
    print(summary, file=sys.stderr if jsonld and out == "-" else sys.stdout)
    return EXIT_INPUT if invalid else EXIT_OK


def _read_documents(name: str) -> list[tuple[str, Any]]:
    """The documents of a JSON file (one, or an array of them) or a JSON Lines file, each
    with where it stands (``file[3]``, ``file:4``) for error messages."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {name!r}: {getattr(exc, 'strerror', None) or exc}") from exc
    if name.endswith((".jsonl", ".ndjson")):
        documents = []
        # Lines end at "\n" only: JSON strings may hold U+2028 and the like, which
        # str.splitlines would also split at.
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                documents.append((f"{name}:{number}", _json_document(line, f"{name}:{number}")))
        return documents
    whole = _json_document(text, name)
    if isinstance(whole, list):
        return [(f"{name}[{index}]", document) for index, document in enumerate(whole)]
    return [(name, whole)]


def _json_document(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{where} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
            "give a JSON object, an array of them, or a .jsonl file of one object per line"
        ) from exc


@click.command(short_help="Print the shell completion script.")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> int:
    """Print the shell completion script: eval "$(nounkit completion bash)"."""
    from click.shell_completion import get_completion_class

    from nounkit.cli import cli

    found = get_completion_class(shell)
    assert found is not None  # every choice has a class
    sys.stdout.write(found(cli, {}, "nounkit", "_NOUNKIT_COMPLETE").source() + "\n")
    return EXIT_OK
