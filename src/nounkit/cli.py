"""The ``nounkit`` command.

Exit codes: 0 success; 1 the input is wrong (definitions, data, a query, an
unknown or ambiguous action); 2 the command line is wrong; 3 not found;
4 refused by the entity's state (a conflict, a transition not allowed);
5 forbidden; 6 storage failed; 70 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from nounkit.cli_entities import UsageError, add_commands
from nounkit.errors import (
    AmbiguousAction,
    Conflict,
    DefinitionError,
    Forbidden,
    HandlerMissing,
    NotFound,
    NounkitError,
    Problem,
    QueryError,
    StorageError,
    TransitionNotAllowed,
    UnknownAction,
    ValidationError,
)

__all__ = ["main"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
EXIT_NOT_FOUND, EXIT_REFUSED, EXIT_FORBIDDEN, EXIT_STORAGE = 3, 4, 5, 6
# The reader of the output went away (``nounkit events | head``): stop quietly, with the
# status a shell gives a command that SIGPIPE ended.
EXIT_PIPE = 128 + 13
_EXIT_CODES: tuple[tuple[type[NounkitError], int], ...] = (
    (NotFound, EXIT_NOT_FOUND),
    (Conflict, EXIT_REFUSED),
    (TransitionNotAllowed, EXIT_REFUSED),
    (Forbidden, EXIT_FORBIDDEN),
    (StorageError, EXIT_STORAGE),
    (ValidationError, EXIT_INPUT),
    (QueryError, EXIT_INPUT),
    (UnknownAction, EXIT_INPUT),
    (AmbiguousAction, EXIT_INPUT),
    (HandlerMissing, EXIT_INPUT),
)


def _parser() -> argparse.ArgumentParser:
    from nounkit import __version__

    parser = argparse.ArgumentParser(
        prog="nounkit", description="Nouns declared in YAML, compiled and checked."
    )
    parser.add_argument("--version", action="version", version=f"nounkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Options every command that touches entities takes, after its name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--storage",
        metavar="URL",
        default=os.environ.get("NOUNKIT_STORAGE"),
        help="storage URL (default: $NOUNKIT_STORAGE, else the configuration's, "
        "else tinydb:///.nounkit/db.json)",
    )
    common.add_argument(
        "--nouns",
        action="append",
        metavar="PATH",
        help="noun files or folders (default: the configuration's nouns)",
    )
    add_commands(commands, common)
    check = commands.add_parser(
        "check",
        help="load and check noun files, and summarise them",
        description="Load and check noun files; print a summary table, or every problem.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="noun files or folders (default: the configuration's nouns)",
    )
    check.add_argument(
        "--external",
        action="append",
        default=None,
        metavar="NOUN",
        help="a noun declared elsewhere that relationships may name",
    )
    check.set_defaults(run=lambda a: _check(a.paths, a.external, sys.stdout))

    build = commands.add_parser(
        "build",
        help="write the generated JSON Schema files (or check they are current)",
        description="Write JSON Schema for every noun, their bundle and action inputs.",
    )
    build.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="noun files or folders (default: the configuration's nouns)",
    )
    build.add_argument(
        "--out", default="schemas", metavar="DIR", help="folder to write (default: schemas)"
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming every stale, missing or orphaned file",
    )
    build.set_defaults(run=_build)

    codegen = commands.add_parser(
        "codegen",
        help="generate source code from the nouns",
        description="Generate source code from the nouns.",
    )
    languages = codegen.add_subparsers(dest="language", metavar="LANGUAGE", required=True)
    python = languages.add_parser("python", help="a typed module of pydantic classes")
    python.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="noun files or folders (default: the configuration's nouns)",
    )
    python.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="file to write (default: standard output)",
    )
    python.set_defaults(run=_codegen_python)

    validate = commands.add_parser(
        "validate",
        help="validate JSON documents against a noun (and convert them to JSON-LD)",
        description="Validate every document in a JSON file (one object or an array) or a "
        "JSON Lines file against a noun's compiled model; print each invalid one and exit 1 "
        "if there is any. With --jsonld, also write the valid ones as one JSON-LD document.",
    )
    validate.add_argument("noun", metavar="NOUN", help="the noun the documents describe")
    validate.add_argument(
        "file", metavar="FILE", help="a .json or .jsonl file (- for standard input, JSON)"
    )
    validate.add_argument(
        "--nouns",
        action="append",
        default=None,
        metavar="PATH",
        help="noun files or folders (default: the configuration's nouns)",
    )
    validate.add_argument(
        "--jsonld",
        metavar="OUT",
        help="write the valid documents as one compact JSON-LD document (- for standard output)",
    )
    validate.add_argument(
        "--max-errors",
        type=int,
        default=20,
        metavar="N",
        help="print at most N invalid documents (default 20; all are counted)",
    )
    validate.set_defaults(run=_validate)

    migrate = commands.add_parser(
        "migrate",
        help="copy entities and events from one storage URL to another",
        description="Copy every entity, event (keeping its seq) and checkpoint from one "
        "storage to another, empty one, then verify the counts (exit 1 if they differ). "
        "URLs: memory://, tinydb:///path.json, sqlite:///path.db, postgresql://user@host/db.",
    )
    migrate.add_argument("source", metavar="FROM_URL", help="the storage to copy from")
    migrate.add_argument("target", metavar="TO_URL", help="the empty storage to copy into")
    migrate.add_argument(
        "--nouns",
        action="append",
        default=None,
        metavar="PATH",
        help="noun files or folders, for the target's indexes (default: the configuration's)",
    )
    migrate.add_argument(
        "--batch", type=int, default=1000, metavar="N", help="records per target transaction"
    )
    migrate.set_defaults(run=_migrate)
    return parser


def entry() -> NoReturn:
    """The ``nounkit`` command: :func:`main`, then exit."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_gone()
        code = EXIT_PIPE
    sys.exit(code)


def _reader_gone() -> None:
    # What is still buffered for the closed pipe would fail again at exit, loudly.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        code: int = args.run(args)
        return code
    except DefinitionError as exc:
        _print_problems(exc.problems, sys.stderr)
        return EXIT_INPUT
    except NounkitError as exc:
        print(f"nounkit: {type(exc).__name__}: {exc}", file=sys.stderr)
        if isinstance(exc, UsageError):
            return EXIT_USAGE
        return next((code for kind, code in _EXIT_CODES if isinstance(exc, kind)), EXIT_INPUT)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _reader_gone()
        return EXIT_PIPE
    except Exception as exc:
        if os.environ.get("NOUNKIT_DEBUG"):
            raise
        print(
            f"nounkit: internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in nounkit; run again with NOUNKIT_DEBUG=1 for the traceback "
            "and report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _check(paths: list[str], external: list[str] | None, out: TextIO) -> int:
    from nounkit.registry import Registry

    registry = Registry.load(paths or None, external=external)
    rows = [
        (name, len(n.properties), len(n.relationships), len(n.actions), len(n.events))
        for name, n in registry.nouns.items()
    ]
    header = ("noun", "properties", "relationships", "actions", "events")
    width = max([len(header[0]), *(len(r[0]) for r in rows)])
    print(f"{header[0]:<{width}}  " + "  ".join(header[1:]), file=out)
    for name, *counts in rows:
        cells = "  ".join(f"{c:>{len(h)}}" for c, h in zip(counts, header[1:], strict=True))
        print(f"{name:<{width}}  {cells}", file=out)
    files = {n.location.file for n in registry.nouns.values() if n.location}
    print(
        f"\n{len(rows)} noun{'s' if len(rows) != 1 else ''} from {len(files)} "
        f"file{'s' if len(files) != 1 else ''}: no problems",
        file=out,
    )
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from nounkit.codegen.build import build, check
    from nounkit.registry import Registry

    registry = Registry.load(args.paths or None)
    folder = Path(args.out)
    if args.check:
        report = check(registry.schema, folder)
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
    report = build(registry.schema, folder)
    for name in report.written:
        print(f"wrote {folder / name}")
    for name in report.orphaned:
        print(f"removed {folder / name}")
    if not (report.written or report.orphaned):
        print(f"{folder}: up to date")
    return EXIT_OK


def _codegen_python(args: argparse.Namespace) -> int:
    from nounkit.codegen.python import python_module
    from nounkit.registry import Registry

    source = python_module(Registry.load(args.paths or None).nouns)
    if args.output == "-":
        sys.stdout.write(source)
    else:
        Path(args.output).write_text(source, encoding="utf-8")
        print(f"wrote {args.output}")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from nounkit.registry import Registry

    # Only the definitions matter here: no handlers, no storage.
    registry = Registry.load(args.nouns, handlers=())
    noun = registry.noun(args.noun).name
    model = registry.model(noun)
    valid = []
    invalid = 0
    for where, document in _read_documents(args.file):
        try:
            valid.append(model.model_validate(document))
        except ValidationError as exc:
            invalid += 1
            if invalid <= args.max_errors:
                print(f"{where}: {exc}", file=sys.stderr)
    if invalid > args.max_errors:
        print(f"... and {invalid - args.max_errors} more invalid", file=sys.stderr)
    if args.jsonld is not None:
        from nounkit.jsonld import engine

        document = engine(registry).graph(valid, noun)
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
        if args.jsonld == "-":
            sys.stdout.write(text)
        else:
            Path(args.jsonld).write_text(text, encoding="utf-8")
    total = len(valid) + invalid
    summary = f"{args.file}: {total} {noun} document{'s' if total != 1 else ''}, "
    summary += f"{invalid} invalid" if invalid else "all valid"
    print(summary, file=sys.stderr if args.jsonld == "-" else sys.stdout)
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
        for number, line in enumerate(text.splitlines(), 1):
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


def _migrate(args: argparse.Namespace) -> int:
    from nounkit.registry import Registry
    from nounkit.storage import open_storage
    from nounkit.storage.migrate import migrate
    from nounkit.storage.urls import redact

    if args.batch < 1:
        print("nounkit: --batch must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    # Only the definitions matter here (for the target's tables and indexes): no handlers.
    nouns = Registry.load(args.nouns, handlers=()).nouns
    with open_storage(args.source, nouns) as source, open_storage(args.target, nouns) as target:
        report = migrate(source, target, batch=args.batch, progress=_progress_bar(sys.stderr))
    copied = sum(report.records.values())
    print(
        f"copied {copied} entit{'y' if copied == 1 else 'ies'} of {len(report.records)} "
        f"noun{'' if len(report.records) == 1 else 's'}, {report.events} event"
        f"{'' if report.events == 1 else 's'} and {report.checkpoints} checkpoint"
        f"{'' if report.checkpoints == 1 else 's'} from {redact(args.source)} "
        f"to {redact(args.target)}"
    )
    if not report.ok:
        for mismatch in report.mismatches:
            print(f"nounkit: count mismatch: {mismatch}", file=sys.stderr)
        return EXIT_INPUT
    print("counts verified: source and target agree")
    return EXIT_OK


def _progress_bar(out: TextIO) -> Callable[[int, int], None]:
    """A one-line progress bar on a terminal; nothing when the output is not one."""
    if not out.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        percent = 100 * done // total if total else 100
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else ""
        print(f"\r[{bar}] {percent:3d}% {done}/{total}", end=end, file=out, flush=True)

    return show


def _print_problems(problems: Sequence[Problem], out: TextIO) -> None:
    """One block per problem: where, what, the line itself with a caret, and a hint."""
    lines_of: dict[str, list[str] | None] = {}
    for problem in problems:
        print(str(problem).split("\n    hint:", 1)[0], file=out)
        if problem.line:
            if problem.file not in lines_of:
                try:
                    text = Path(problem.file).read_text("utf-8", errors="replace")
                    lines_of[problem.file] = text.splitlines()
                except OSError:
                    lines_of[problem.file] = None
            lines = lines_of[problem.file]
            # A problem at the end of the file (an unclosed quote) stands on the line after last.
            if lines is not None and problem.line <= len(lines) + 1:
                source = lines[problem.line - 1] if problem.line <= len(lines) else ""
                if len(source) <= 200:
                    gutter = f"{problem.line:>5} | "
                    # Tabs stay tabs so the caret lines up however the terminal shows them.
                    pad = "".join(c if c == "\t" else " " for c in source[: problem.column - 1])
                    pad += " " * (problem.column - 1 - len(pad))
                    print(f"{gutter}{source}", file=out)
                    print(" " * (len(gutter) - 2) + "| " + pad + "^", file=out)
        if problem.hint:
            print(f"  hint: {problem.hint}", file=out)
        print(file=out)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''} found", file=out)
