"""The ``nounkit`` command.

Exit codes: 0 success, 1 the input is wrong (definitions, data), 2 the command
line is wrong, 70 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from nounkit.errors import DefinitionError, NounkitError, Problem

__all__ = ["main"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


def _parser() -> argparse.ArgumentParser:
    from nounkit import __version__

    parser = argparse.ArgumentParser(
        prog="nounkit", description="Nouns declared in YAML, compiled and checked."
    )
    parser.add_argument("--version", action="version", version=f"nounkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
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
    return parser


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
        print(f"nounkit: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
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
        report = check(registry, folder)
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
    report = build(registry, folder)
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
