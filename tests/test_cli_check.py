"""`nounkit check`: a summary table on good definitions, every problem on bad ones."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nounkit.cli import main

CATALOG = Path(__file__).resolve().parents[1] / "nouns"
CATALOG_NOUNS = [
    "ServiceCustomer",
    "ServiceEntitlement",
    "CustomerUsage",
    "CustomerSegment",
    "ServiceSubscription",
    "ServicePlan",
    "ServiceOrder",
    "Invoice",
    "SupportTicket",
]
Write = Callable[..., Path]


def table_rows(out: str) -> dict[str, list[int]]:
    lines = out.splitlines()
    assert lines[0].split() == ["noun", "properties", "relationships", "actions", "events"]
    rows: dict[str, list[int]] = {}
    for line in lines[1:]:
        if not line.strip():
            break
        name, *counts = line.split()
        rows[name] = [int(c) for c in counts]
    return rows


def test_check_catalog_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--nouns", str(CATALOG)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    rows = table_rows(out)
    assert sorted(rows) == sorted(CATALOG_NOUNS)
    assert rows["ServiceCustomer"] == [26, 6, 8, 8]  # the seed's 25 properties and id
    assert all(len(counts) == 4 for counts in rows.values())
    assert out.rstrip().endswith("9 nouns from 2 files: no problems")


def test_check_catalog_as_a_subprocess() -> None:
    env = {**os.environ, "PYTHONPATH": str(CATALOG.parent / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "nounkit", "check", "--nouns", "nouns"],
        cwd=CATALOG.parent,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert sorted(table_rows(done.stdout)) == sorted(CATALOG_NOUNS)


def test_check_with_external(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write("Thing:\n  relationships:\n    owner: {type: Owner}\n")
    assert main(["check", "--nouns", str(path)]) == 1
    assert "'Owner' is not a declared noun" in capsys.readouterr().err
    assert main(["check", "-n", str(path), "--external", "Owner"]) == 0
    assert table_rows(capsys.readouterr().out) == {"Thing": [1, 1, 0, 0]}


def broken_folder(write: Write) -> Path:
    write(
        """
        Thing:
          properties:
            name: {type: strng}
        """,
        "a.yaml",
    )
    write(
        """
        Other:
          properties:
            limit: {type: number}
          rules:
            - check: "limit > > 0"
        """,
        "b.yaml",
    )
    write("- not\n- a mapping\n", "c.yaml")
    return write('Last:\n  description: "never closed\n', "d.yaml").parent


def test_check_broken_folder_prints_one_block_per_problem(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = broken_folder(write)
    assert main(["check", "--nouns", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    blocks = err.rstrip("\n").split("\n\n")
    assert blocks[-1] == "4 problems found"
    assert blocks[:-2] == [
        f"{folder / 'a.yaml'}:3:18: Thing.properties.name.type: 'strng' is not one of string, "
        "text, markdown, number, integer, boolean, date, datetime, timestamp, json, url, "
        "email, uuid, or the name of a value type or enum [NK204]\n"
        "    3 |     name: {type: strng}\n"
        "      |                  ^\n"
        "  hint: did you mean 'string'?",
        f"{folder / 'b.yaml'}:5:14: Other.rules[0].check: bad expression 'limit > > 0': "
        "unexpected '>' at column 9 [NK401]\n"
        '    5 |     - check: "limit > > 0"\n'
        "      |              ^\n"
        "  hint: here:\n"
        "        limit > > 0\n"
        "                ^",
        f"{folder / 'c.yaml'}:1:1: a noun file is a mapping of noun names to definitions, "
        "not a list [NK208]\n"
        "    1 | - not\n"
        "      | ^\n"
        "  hint: write `NounName:` at the start of a line, its definition indented below",
    ]
    # The YAML parser's own words are PyYAML's to change; the place, code and hint are ours.
    assert blocks[3].startswith(f"{folder / 'd.yaml'}:3:1: YAML syntax: ")
    assert blocks[3].endswith(" [NK105]\n    3 | \n      | ^\n  hint: close the quote")


def test_check_caret_lines_up_after_tabs(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write('Thing:\n  description:\t"x"\n  color: red\n')
    assert main(["check", "--nouns", str(path)]) == 1
    err = capsys.readouterr().err
    assert "    3 |   color: red\n      |   ^\n  hint: allowed keys:" in err
    path.write_text('Thing: {description:\t"x",\tcolr: red}\n')
    assert main(["check", "--nouns", str(path)]) == 1
    err = capsys.readouterr().err
    caret = "      | " + " " * 20 + "\t    \t^"  # "Thing: {description:" is 20 characters
    assert f'    1 | Thing: {{description:\t"x",\tcolr: red}}\n{caret}\n' in err


def test_check_broken_folder_as_a_subprocess(write: Write) -> None:
    folder = broken_folder(write)
    done = subprocess.run(
        [sys.executable, "-m", "nounkit", "check", "--nouns", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(CATALOG.parent / "src")},
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n  hint: ") == 4
    assert done.stderr.rstrip().endswith("4 problems found")


def test_check_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    assert main(["check", "--nouns", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"{missing}: no such file or directory [NK101]\n"
        "  hint: name a noun file or a folder of them\n\n"
        "1 problem found\n"
    )


def test_check_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--help"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    # The options are nounkit's; the words around them are click's to change.
    assert "--nouns" in out and "-n" in out
    assert "--external NOUN" in out
    assert main(["--help"]) == 0
    assert "check" in capsys.readouterr().out


def test_bad_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chekc"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "chekc" in err
    assert "Traceback" not in err


def test_no_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "check" in out + err  # the help names the commands


def test_bad_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--strict"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "--strict" in err and "Traceback" not in err


def test_a_positional_noun_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # The old grammar (`nounkit check nouns/`) is refused, not read as something else.
    assert main(["check", str(CATALOG)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert str(CATALOG) in err and "Traceback" not in err


def _nounkit_process(
    *args: str, script: str = "", unbuffered: bool = False
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    code = f"{script}\nimport sys\nsys.argv = ['nounkit', *{list(args)!r}]\n"
    code += "from nounkit.cli import entry\nentry()\n"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_one_shot_command_still_runs_exit_handlers() -> None:
    process = _nounkit_process(
        "check",
        "--nouns",
        str(CATALOG),
        script="import atexit, sys; atexit.register(lambda: print('handler ran', file=sys.stderr))",
    )
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "no problems" in out
    assert err.strip() == "handler ran"


@pytest.mark.parametrize("unbuffered", [False, True])
def test_a_reader_that_goes_away_ends_the_command_quietly(unbuffered: bool) -> None:
    # Buffered, the pipe breaks as the output is flushed at exit; unbuffered, on the
    # command's first line of output, inside main().
    process = _nounkit_process("check", "--nouns", str(CATALOG), unbuffered=unbuffered)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line is written
    err = process.stderr.read()
    process.wait(timeout=60)
    assert err == ""
    assert process.returncode == 141
