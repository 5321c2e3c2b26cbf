"""The ``nounkit`` command, on click: one grammar for every command.

Exit codes: 0 success; 1 the input is wrong (definitions, data, a query, an
unknown or ambiguous action); 2 the command line is wrong; 3 not found;
4 refused by the entity's state (a conflict, a transition not allowed);
5 forbidden; 6 storage failed; 70 an internal error (a bug: please report it);
130 interrupted; 141 the reader of the output went away.

Shell completion: ``eval "$(nounkit completion bash)"`` (or zsh, fish); noun
names and actions complete from the configuration's nouns.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from nounkit.cli._definitions import build, check, codegen, completion, validate
from nounkit.cli._entities import act, demo, events, export, get, listing, migrate
from nounkit.cli._shared import (
    EXIT_FORBIDDEN,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_NOT_FOUND,
    EXIT_PIPE,
    EXIT_REFUSED,
    EXIT_STORAGE,
    EXIT_USAGE,
    CommandGroup,
    UsageError,
    print_problems,
    styled,
)
from nounkit.errors import (
    AmbiguousAction,
    Conflict,
    DefinitionError,
    Forbidden,
    HandlerMissing,
    NotFound,
    NounkitError,
    QueryError,
    StorageError,
    TransitionNotAllowed,
    UnknownAction,
    ValidationError,
)

__all__ = ["cli", "entry", "main"]

_EXIT_CODES: tuple[tuple[type[NounkitError], int], ...] = (
    (UsageError, EXIT_USAGE),
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


def _version() -> str:
    from nounkit import __version__

    return __version__


class _ReaderGone(Exception):
    """A BrokenPipeError carried past ``click.Command.main``, which (out of standalone
    mode) would swallow it and ``sys.exit(1)``: the reader went away is exit 141."""


class _Group(CommandGroup):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise _ReaderGone from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="nounkit", message="%(prog)s %(version)s")
def cli() -> None:
    """Nouns declared in YAML, compiled and checked."""


for command in (check, build, codegen, validate, act, get, listing, export, events, migrate):
    cli.add_command(command)
cli.add_command(demo)
cli.add_command(completion)


# Writing the output failed: no space, an I/O error, a closed or read-only descriptor.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EBADF, errno.EDQUOT, errno.EFBIG})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    _LOST.clear()
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="nounkit",
            standalone_mode=False,
        )
        return int(code or 0)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:  # a usage error: click words it
        exc.show()
        return EXIT_USAGE if isinstance(exc, click.UsageError) else int(exc.exit_code)
    except click.Abort:
        return 130
    except DefinitionError as exc:
        print_problems(exc.problems, sys.stderr)
        return EXIT_INPUT
    except NounkitError as exc:
        head = styled(f"nounkit: {type(exc).__name__}:", sys.stderr, fg="red", bold=True)
        print(f"{head} {exc}", file=sys.stderr)
        return next((code for kind, code in _EXIT_CODES if isinstance(exc, kind)), EXIT_INPUT)
    except KeyboardInterrupt:
        return 130
    except (BrokenPipeError, _ReaderGone):
        _reader_gone()
        return EXIT_PIPE
    except OSError as exc:
        if exc.errno in _OUTPUT_ERRORS:
            _output_lost(exc)
        else:  # a file the command reads or writes: name it
            at = f" {exc.filename!r}:" if exc.filename else ""
            print(f"nounkit: cannot use{at} {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
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


def entry() -> NoReturn:
    """The ``nounkit`` console script: :func:`main`, then exit.

    The process's own collector policy is set here and only here: a command builds
    many small objects that all live until it ends, and scanning them again and
    again is wasted work. Collections still run, a thousand times less often.
    """
    gc.set_threshold(70_000, 50, 1000)
    if sys.stdout is None:  # started with standard output closed: nowhere to answer
        sys.exit(EXIT_PIPE)
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_gone()
        code = EXIT_PIPE
    except OSError as exc:  # a full disk, say: what was printed is lost
        _output_lost(exc)
        # What is still buffered would fail again at exit, loudly.
        with contextlib.suppress(OSError, ValueError):
            _reader_gone()
        code = EXIT_INPUT
    sys.exit(code)


_LOST: list[OSError] = []  # the output's loss, said once (main and the last flush)


def _output_lost(exc: OSError) -> None:
    if _LOST:
        return
    _LOST.append(exc)
    with contextlib.suppress(OSError, ValueError):
        print(f"nounkit: cannot write the output: {exc.strerror or exc}", file=sys.stderr)


def _reader_gone() -> None:
    # What is still buffered for the closed pipe would fail again at exit, loudly.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
