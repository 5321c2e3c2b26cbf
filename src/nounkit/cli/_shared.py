"""What every command shares: the options of its one grammar, output, colour and progress.

Every command names noun files with ``--nouns PATH`` (repeatable; default: the
configuration's ``nouns``), storage with ``--storage URL`` (default:
``$NOUNKIT_STORAGE``, then the configuration's), and where it writes with
``--out`` (``-o``; ``-`` is standard output). Colour is used on a terminal only
(and never with ``NO_COLOR`` set); progress bars draw on a terminal only.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from nounkit._limits import MAX_DEPTH, document_problem
from nounkit.errors import NounkitError

if TYPE_CHECKING:
    from nounkit.compiler.schema import Schema
    from nounkit.errors import Problem
    from nounkit.registry import Registry

__all__ = [
    "EXIT_FORBIDDEN",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_PIPE",
    "EXIT_REFUSED",
    "EXIT_STORAGE",
    "EXIT_USAGE",
    "CommandGroup",
    "Progress",
    "UsageError",
    "complete_nouns",
    "json_argument",
    "nouns_option",
    "on_terminal",
    "out_option",
    "print_json",
    "print_problems",
    "registry",
    "schema",
    "storage_option",
    "styled",
    "tenant_option",
]

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
EXIT_NOT_FOUND, EXIT_REFUSED, EXIT_FORBIDDEN, EXIT_STORAGE = 3, 4, 5, 6
# The reader of the output went away (``nounkit events | head``): stop quietly, with the
# status a shell gives a command that SIGPIPE ended.
EXIT_PIPE = 128 + 13

F = TypeVar("F", bound=Callable[..., Any])


class UsageError(NounkitError):
    """A command-line argument that cannot be read (bad JSON, a missing file)."""


class CommandGroup(click.Group):
    """A group that, given no command, shows its help on standard error and exits 2 (a
    command line without a command is a wrong one), whatever the click release: they
    differ in what they do by themselves."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invoke_without_command", True)
        kwargs.setdefault("no_args_is_help", False)
        super().__init__(*args, **kwargs)
        own = self.callback

        def callback(*args: Any, **kwargs: Any) -> Any:
            ctx = click.get_current_context()
            if ctx.invoked_subcommand is None:
                click.echo(ctx.get_help(), err=True)
                ctx.exit(EXIT_USAGE)
            return own(*args, **kwargs) if own is not None else None

        self.callback = callback


# -- the options of the one grammar ----------------------------------------------------------


def complete_nouns(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of a NOUN: the nouns of ``--nouns`` or of the configuration."""
    try:
        found = schema(ctx.params.get("nouns") or ())
    except NounkitError:
        return []
    return [name for name in found.nouns if name.startswith(incomplete)]


def complete_actions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of an ACTION: every ``Noun.verb`` and every verb only one noun has."""
    try:
        found = schema(ctx.params.get("nouns") or ())
    except NounkitError:
        return []
    full = [f"{n.name}.{a}" for n in found.nouns.values() for a in n.actions]
    verbs = [name.split(".", 1)[1] for name in full]
    unique = [v for v in dict.fromkeys(verbs) if verbs.count(v) == 1]
    return [name for name in [*unique, *full] if name.startswith(incomplete)]


def nouns_option(command: F) -> F:
    return click.option(
        "--nouns",
        "-n",
        "nouns",
        multiple=True,
        metavar="PATH",
        type=click.Path(),
        help="noun files or folders (repeatable; default: the configuration's nouns)",
    )(command)


def storage_option(command: F) -> F:
    return click.option(
        "--storage",
        metavar="URL",
        envvar="NOUNKIT_STORAGE",
        help="storage URL (default: $NOUNKIT_STORAGE, else the configuration's, "
        "else tinydb:///.nounkit/db.json)",
    )(command)


def out_option(default: str, what: str) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        return click.option(
            "--out",
            "-o",
            default=default,
            show_default=True,
            metavar="PATH",
            help=what,
        )(command)

    return decorate


def tenant_option(command: F) -> F:
    return click.option("--tenant", metavar="TENANT", help="the tenant to act or read in")(command)


# -- loading ---------------------------------------------------------------------------------


def schema(nouns: Sequence[str], *, external: Sequence[str] = ()) -> Schema:
    """The compiled schema of ``--nouns`` (or the configuration's), without handlers or
    storage: what the commands that only read definitions need."""
    from nounkit.compiler.schema import load_schema
    from nounkit.config import find_config

    config = find_config()
    return load_schema(
        list(nouns) or list(config.nouns),
        external=tuple(external) or config.external,
        base=config.base,
        vocab=config.vocab,
        strict_vocab=config.strict_vocab,
    )


def registry(nouns: Sequence[str], storage: str | None, *, handlers: bool = True) -> Registry:
    """A registry of ``--nouns`` (or the configuration's, with its handlers) on ``--storage``."""
    from nounkit.registry import Registry

    return Registry.load(list(nouns) or None, storage=storage, handlers=None if handlers else ())


def json_argument(text: str | None, what: str) -> Any:
    """JSON given inline, or ``@file`` to read it from a file (``@-``: standard input)."""
    if text is None:
        return None
    source = text
    if text.startswith("@"):
        name = text[1:]
        try:
            raw = _stdin() if name == "-" else _read(Path(name))
        except OSError as exc:
            raise UsageError(f"{what}: cannot read {name!r}: {exc.strerror or exc}") from exc
        if len(raw) > MAX_INPUT:
            raise UsageError(f"{what}: {name!r} is larger than {MAX_INPUT >> 20} MiB")
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{what}: {name!r} is not UTF-8 text (byte {exc.start}); give a JSON file"
            ) from exc
    try:
        found = json.loads(source, parse_int=_whole)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{what} is not JSON: {exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}; write it like '{{\"amount\": 5}}' or @file.json"
        ) from exc
    except UsageError as exc:  # an integer too long to read
        raise UsageError(f"{what}: {exc}") from None
    except RecursionError:  # the decoder's own depth guard: far past any limit below
        raise UsageError(f"{what}: nested more than {MAX_DEPTH} levels deep") from None
    problem = document_problem(found, what)
    if problem is not None:
        raise UsageError(f"{problem[0]}: {problem[1]}")
    return found


# The most a JSON argument may hold: far more than any entity or query.
MAX_INPUT = 64 << 20


def _stdin() -> bytes:
    """Standard input as bytes (text when it has no bytes beneath, as in a test)."""
    if sys.stdin is None or sys.stdin.closed:
        raise OSError(0, "standard input is closed")
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return bytes(buffer.read(MAX_INPUT + 1))
    return sys.stdin.read(MAX_INPUT + 1).encode("utf-8", "surrogateescape")


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_INPUT + 1)


def _whole(text: str) -> int:
    """A JSON integer, refused when too long to be a 64-bit number before Python reads
    it (it refuses integers past 4,300 digits, with an error of its own)."""
    if len(text) > 4_000:
        raise UsageError(
            f"the integer {text[:12]}… has {len(text.lstrip('-'))} digits: numbers must fit 64 bits"
        )
    return int(text)


def mapping_argument(text: str | None, what: str) -> dict[str, Any] | None:
    value = json_argument(text, what)
    if value is not None and not isinstance(value, dict):
        raise UsageError(f"{what} must be a JSON object, not {type(value).__name__}")
    return value


# -- output ----------------------------------------------------------------------------------


def _terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _colour(stream: TextIO) -> bool:
    return _terminal(stream) and not os.environ.get("NO_COLOR")


def styled(text: str, stream: TextIO, **style: Any) -> str:
    """``text`` in a colour when ``stream`` is a terminal; plain otherwise."""
    return click.style(text, **style) if _colour(stream) else text


def print_json(value: Any, out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    stream.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


class Progress:
    """A progress bar on standard error when it is a terminal; off one (a log, a pipe, a
    test) nothing is drawn. ``advance(n)`` moves it on by ``n``; ``reached(done, total)``
    moves it to ``done`` of ``total``. Opened on the first news, closed on leaving."""

    def __init__(self, label: str, total: int | None = None, *, least: int = 1) -> None:
        self.label, self.total, self.least = label, total, least
        self.done = 0
        self._bar: Any = None
        self._on = _terminal(sys.stderr)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def reached(self, done: int, total: int | None = None) -> None:
        self.advance(done - self.done, total)

    def advance(self, n: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        self.done += n
        if not self._on or self.total is None or self.total < self.least:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=self.total, label=self.label, file=sys.stderr)
            self._bar.__enter__()
            self._bar.update(self.done)
        else:
            self._bar.update(n)


def on_terminal() -> bool:
    """Whether standard error is a terminal (where progress is drawn)."""
    return _terminal(sys.stderr)


# The line breaks YAML counts lines by (and so the positions of problems): not all of those
# str.splitlines knows (\x1c, \x0b ...).
_YAML_LINES = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def print_problems(problems: Sequence[Problem], out: TextIO) -> None:
    """One block per problem: where, what and its code, the line with a caret, a hint."""
    lines_of: dict[str, list[str] | None] = {}
    for problem in problems:
        where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
        head = styled(where, out, bold=True) + ": "
        if problem.path:
            head += f"{problem.path}: "
        head += f"{problem.message} " + styled(f"[{problem.code}]", out, fg="yellow")
        print(head, file=out)
        if problem.line:
            if problem.file not in lines_of:
                try:
                    text = Path(problem.file).read_text("utf-8", errors="replace")
                    lines_of[problem.file] = _YAML_LINES.split(text)
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
                    caret = styled("^", out, fg="red", bold=True)
                    print(" " * (len(gutter) - 2) + "| " + pad + caret, file=out)
        if problem.hint:
            print(f"  {styled('hint:', out, fg='cyan')} {problem.hint}", file=out)
        print(file=out)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''} found", file=out)


def write_out(text: str, out: str) -> None:
    """``text`` to the ``--out`` file, or to standard output for ``-``."""
    if out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--out: cannot write {out!r}: {exc.strerror or exc}") from exc
