"""The one grammar of every `nounkit` command: options, completion, colour, exit codes.

Nothing here pins click's own wording ("Usage:", "No such command", ...): only
nounkit's exit codes, its messages, problem codes, paths and positions.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest

from nounkit import __version__
from nounkit.cli import cli, main
from nounkit.cli._shared import complete_actions, complete_nouns, print_problems
from nounkit.compiler.schema import load_schema
from nounkit.errors import Problem

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "nouns"
Write = Callable[..., Path]

# The commands that read no nouns, and those that write where --out says.
NO_NOUNS = {"completion"}
WRITERS = {"build", "codegen python", "export", "validate"}
ENTITIES = {"act", "get", "list", "export", "events", "demo"}
ESC = "\x1b["


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def commands(group: click.Group = cli, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every command that runs (the leaves), by its full name: ``codegen python``."""
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from commands(command, full + " ")
        else:
            yield full, command


def option(command: click.Command, name: str) -> click.Option | None:
    found = [p for p in command.params if p.name == name]
    assert len(found) <= 1
    return found[0] if found and isinstance(found[0], click.Option) else None


def clean(out: str, err: str) -> None:
    assert "Traceback" not in out + err, err
    assert "internal error" not in err


# -- (1) --nouns, --out, --storage everywhere ------------------------------------------------


def test_the_command_table_is_what_the_grammar_covers() -> None:
    names = {name for name, _ in commands()}
    assert names >= {"check", "build", "codegen python", "validate", "completion"}
    assert names >= ENTITIES | {"migrate"}
    assert names >= WRITERS


@pytest.mark.parametrize("name", [n for n, _ in commands() if n not in NO_NOUNS])
def test_every_command_that_reads_nouns_takes_nouns_and_n(name: str) -> None:
    command = dict(commands())[name]
    nouns = option(command, "nouns")
    assert nouns is not None, f"{name} has no --nouns"
    assert set(nouns.opts) == {"--nouns", "-n"}
    assert nouns.multiple  # repeatable
    # No positional noun paths any more: every argument is a NOUN, an ACTION, a file of
    # documents, a storage URL or a shell; never a variadic list of paths.
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    assert all(p.nargs == 1 for p in arguments), name
    assert all(p.name not in {"paths", "nouns", "catalog"} for p in arguments), name


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_command_that_writes_takes_out_and_o(name: str) -> None:
    out = option(dict(commands())[name], "out")
    assert out is not None, f"{name} has no --out"
    assert set(out.opts) == {"--out", "-o"}
    assert not out.multiple


@pytest.mark.parametrize("name", sorted(ENTITIES))
def test_every_command_on_entities_takes_storage(name: str) -> None:
    storage = option(dict(commands())[name], "storage")
    assert storage is not None and storage.opts == ["--storage"]


def test_no_other_command_has_an_out_option() -> None:
    has_out = {name for name, command in commands() if option(command, "out") is not None}
    assert has_out == WRITERS


def test_nouns_is_repeatable(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    owner = write("Owner:\n  properties:\n    name: {type: string}\n", "owner.yaml")
    thing = write("Thing:\n  relationships:\n    owner: {type: Owner}\n", "thing.yaml")
    assert main(["check", "--nouns", str(thing)]) == 1
    assert "'Owner' is not a declared noun" in capsys.readouterr().err
    assert main(["check", "--nouns", str(owner), "-n", str(thing)]) == 0
    out = capsys.readouterr().out
    assert "2 nouns from 2 files: no problems" in out


def test_short_and_long_forms_do_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long, short = tmp_path / "long.py", tmp_path / "short.py"
    assert main(["codegen", "python", "--nouns", str(CATALOG), "--out", str(long)]) == 0
    assert main(["codegen", "python", "-n", str(CATALOG), "-o", str(short)]) == 0
    assert capsys.readouterr().out == f"wrote {long}\nwrote {short}\n"
    assert long.read_bytes() == short.read_bytes()
    assert "class ServiceCustomer(BaseModel):" in long.read_text("utf-8")
    # `--out -` (the default) is standard output, and nothing else is printed there.
    assert main(["codegen", "python", "-n", str(CATALOG)]) == 0
    assert capsys.readouterr().out == long.read_text("utf-8")
    folder = tmp_path / "schemas"
    assert main(["build", "-n", str(CATALOG), "-o", str(folder)]) == 0
    assert (folder / "service-customer.schema.json").is_file()
    assert main(["build", "-n", str(CATALOG), "-o", str(folder), "--check"]) == 0
    assert capsys.readouterr().out.endswith(f"{folder}: up to date\n")


def test_old_positional_paths_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["check", str(CATALOG)],
        ["build", str(CATALOG), "--out", str(tmp_path / "schemas")],
        ["codegen", "python", str(CATALOG), "-o", str(tmp_path / "m.py")],
    ):
        assert main(argv) == 2, argv
        out, err = capsys.readouterr()
        clean(out, err)
        assert str(CATALOG) in err  # the argument click could not place
    assert not list(tmp_path.iterdir())  # nothing was written


# -- (2) completion scripts --------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", shell]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.strip()
    assert "_NOUNKIT_COMPLETE" in out
    assert "nounkit" in out


def test_completion_of_an_unknown_shell_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["completion", "powershell"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    clean(out, err)


# -- (3) what NOUN and ACTION complete to ------------------------------------------------------


def _context(command: str, nouns: tuple[str, ...] | None) -> click.Context:
    ctx = click.Context(cli.commands[command], info_name=command)
    ctx.params = {} if nouns is None else {"nouns": nouns}
    return ctx


def _argument(command: str, name: str) -> click.Parameter:
    (found,) = [p for p in cli.commands[command].params if p.name == name]
    return found


@pytest.fixture(scope="module")
def catalog_actions() -> list[str]:
    found = load_schema([CATALOG])
    return [f"{noun.name}.{verb}" for noun in found.nouns.values() for verb in noun.actions]


def test_noun_completion_gives_the_catalog_nouns() -> None:
    ctx, param = _context("get", (str(CATALOG),)), _argument("get", "noun")
    everything = complete_nouns(ctx, param, "")
    assert sorted(everything) == sorted(load_schema([CATALOG]).nouns)
    assert "ServiceCustomer" in everything
    service = complete_nouns(ctx, param, "Serv")
    assert service and all(name.startswith("Serv") for name in service)
    assert set(service) == {n for n in everything if n.startswith("Serv")}
    assert "Invoice" not in service
    assert complete_nouns(ctx, param, "Inv") == ["Invoice"]
    assert complete_nouns(ctx, param, "Nothing") == []


def test_action_completion_gives_the_catalog_actions(catalog_actions: list[str]) -> None:
    ctx, param = _context("act", (str(CATALOG),)), _argument("act", "action")
    everything = complete_actions(ctx, param, "")
    # Every Noun.verb, and the bare verbs only one noun has.
    assert set(catalog_actions) <= set(everything)
    verbs = [name.split(".", 1)[1] for name in catalog_actions]
    bare = {name for name in everything if "." not in name}
    assert bare == {verb for verb in verbs if verbs.count(verb) == 1}
    assert "consume" in bare  # only ServiceEntitlement consumes
    assert "create" not in bare  # many nouns create: only Noun.create completes
    assert "ServiceCustomer.create" in everything
    assert complete_actions(ctx, param, "ServiceEntitlement.cons") == ["ServiceEntitlement.consume"]
    assert complete_actions(ctx, param, "cons") == ["consume"]
    assert complete_actions(ctx, param, "zzz") == []


def test_completion_without_nouns_reads_the_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)  # its pyproject.toml names nouns/
    ctx, param = _context("get", None), _argument("get", "noun")
    assert sorted(complete_nouns(ctx, param, "")) == sorted(load_schema([CATALOG]).nouns)


def test_completion_on_broken_nouns_gives_nothing(write: Write, tmp_path: Path) -> None:
    broken = write("Thing:\n  properties:\n    name: {type: strng}\n")
    for nouns in ((str(broken),), (str(tmp_path / "nowhere"),)):
        assert complete_nouns(_context("get", nouns), _argument("get", "noun"), "") == []
        assert complete_actions(_context("act", nouns), _argument("act", "action"), "") == []


def test_the_shell_protocol_completes_nouns_from_nouns_option() -> None:
    # What the script from `nounkit completion bash` runs on TAB: the console script itself.
    code = "from nounkit.cli import entry\nentry()\n"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "_NOUNKIT_COMPLETE": "bash_complete",
        "COMP_WORDS": f"nounkit get --nouns {CATALOG} Inv",
        "COMP_CWORD": "4",
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Invoice" in done.stdout
    assert "ServiceCustomer" not in done.stdout


# -- (4) colour ------------------------------------------------------------------------------


@pytest.fixture
def problem(write: Write) -> Problem:
    path = write("Thing:\n  properties:\n    name: {type: strng}\n")
    return Problem(
        str(path),
        3,
        18,
        "Thing.properties.name.type",
        "'strng' is not one of string, ...",
        "did you mean 'string'?",
        code="NK204",
    )


def test_problems_off_a_terminal_have_no_colour(
    problem: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = io.StringIO()
    print_problems([problem], out)
    text = out.getvalue()
    assert ESC not in text
    first = text.splitlines()[0]
    assert first.startswith(f"{problem.file}:3:18: Thing.properties.name.type: ")
    assert first.endswith(" [NK204]")
    assert "    3 |     name: {type: strng}\n      |                  ^\n" in text
    assert text.endswith("1 problem found\n")


def test_problems_on_a_terminal_have_colour(
    problem: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    screen = Terminal()
    print_problems([problem], screen)
    text = screen.getvalue()
    assert ESC in text
    assert "[NK204]" in text and problem.file in text
    assert click.unstyle(text) == _plain([problem])


@pytest.mark.parametrize("value", ["1", "yes"])
def test_no_color_turns_colour_off_on_a_terminal(
    problem: Problem, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("NO_COLOR", value)
    screen = Terminal()
    print_problems([problem], screen)
    assert ESC not in screen.getvalue()
    assert screen.getvalue() == _plain([problem])


def _plain(problems: list[Problem]) -> str:
    out = io.StringIO()
    print_problems(problems, out)
    return out.getvalue()


def test_check_colours_its_table_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["check", "-n", str(CATALOG)]) == 0
    assert ESC not in capsys.readouterr().out
    screen = Terminal()
    monkeypatch.setattr("sys.stdout", screen)
    assert main(["check", "-n", str(CATALOG)]) == 0
    assert ESC in screen.getvalue()
    assert "no problems" in click.unstyle(screen.getvalue())


# -- (5) the command line itself -------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["chekc"],
        ["codegen", "pyhton"],
        ["check", "--strict"],
        ["export", "ServiceCustomer", "--frmat", "json"],
        ["get"],  # a missing argument
        ["validate", "ServiceCustomer"],
    ],
)
def test_a_bad_command_line_exits_2_without_a_traceback(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip()  # something says what is wrong
    clean(out, err)


def test_unknown_names_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chekc"]) == 2
    assert "chekc" in capsys.readouterr().err
    assert main(["check", "--strict"]) == 2
    assert "--strict" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["check", "--help"], ["codegen", "-h"]])
def test_help_exits_0(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.strip()


def test_top_help_names_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in cli.commands:
        assert name in out


def test_version_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == f"nounkit {__version__}\n"


@pytest.mark.parametrize("argv", [[], ["codegen"]])
def test_no_subcommand_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    clean(out, err)


# -- (6) the exit-code table -----------------------------------------------------------------


def _nouns() -> list[str]:
    return ["--nouns", str(CATALOG)]


def test_not_found_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["get", "ServiceCustomer", "nope", "--storage", "memory://", *_nouns()]
    assert main(argv) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "nounkit: NotFound: ServiceCustomer 'nope' not found\n"


def test_definition_error_exits_1(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    broken = write("Thing:\n  properties:\n    name: {type: strng}\n")
    for argv in (
        ["check", "--nouns", str(broken)],
        ["get", "Thing", "x", "--storage", "memory://", "--nouns", str(broken)],
    ):
        assert main(argv) == 1, argv
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(f"{broken}:3:18: Thing.properties.name.type: ")
        assert "[NK204]" in err.splitlines()[0]
        assert err.endswith("1 problem found\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{nope", "--data is not JSON: "),
        ("[1, 2]", "--data must be a JSON object, not list"),
        ("@/no/such/file.json", "--data: cannot read '/no/such/file.json'"),
    ],
)
def test_bad_data_exits_2(data: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["act", "ServiceCustomer.create", "--data", data, "--storage", "memory://"]
    assert main([*argv, *_nouns()]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"nounkit: UsageError: {message}")


def test_invalid_data_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["act", "ServiceCustomer.create", "--data", '{"name": 5}', "--storage", "memory://"]
    assert main([*argv, *_nouns()]) == 1
    err = capsys.readouterr().err
    assert err.startswith("nounkit: ValidationError: ")
    assert "ServiceCustomer.name" in err


def test_refused_by_state_exits_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    storage = ["--storage", f"sqlite:///{tmp_path}/db.sqlite", *_nouns()]
    customer = {"name": "A", "type": "business", "email": "a@b.example", "monthlySpend": 1}
    assert main(["act", "ServiceCustomer.create", "--data", json.dumps(customer), *storage]) == 0
    created = json.loads(capsys.readouterr().out)
    assert main(["act", "ServiceCustomer.reactivate", "--id", created["id"], *storage]) == 4
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("nounkit: TransitionNotAllowed: ")


def test_an_unknown_action_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["act", "ServiceCustomer.explode", "--storage", "memory://", *_nouns()]) == 1
    assert capsys.readouterr().err.startswith("nounkit: UnknownAction: ")


def test_a_bug_exits_70_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("nounkit.cli._definitions.schema", broken)
    monkeypatch.delenv("NOUNKIT_DEBUG", raising=False)
    assert main(["check", *_nouns()]) == 70
    err = capsys.readouterr().err
    assert err.startswith("nounkit: internal error: RuntimeError: boom\n")
    assert "NOUNKIT_DEBUG=1" in err and "Traceback" not in err
    monkeypatch.setenv("NOUNKIT_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["check", *_nouns()])


def test_an_interrupt_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("nounkit.cli._definitions.schema", interrupted)
    assert main(["check", *_nouns()]) == 130
    out, err = capsys.readouterr()
    clean(out, err)


def test_a_reader_gone_inside_main_exits_141(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # click, out of standalone mode, would swallow the BrokenPipeError and exit 1.
    def gone(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("nounkit.cli._definitions.schema", gone)
    monkeypatch.setattr("nounkit.cli._reader_gone", lambda: None)  # leave pytest's fd 1 be
    assert main(["check", *_nouns()]) == 141
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")
