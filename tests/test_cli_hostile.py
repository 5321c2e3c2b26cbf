"""Hostile input at the command line: every refusal is exit 1, 2 or 6 with one line
naming the problem, never an internal error (70) or a traceback; a closed or full
standard output ends quietly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from nounkit.cli import main
from nounkit.testing.hostile import hostile_strategies, nested

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "nouns"
ENTRY = "from nounkit.cli import entry\nentry()\n"


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"tinydb:///{tmp_path}/db.json"


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "binary": tmp_path / "binary.bin",
        "big": tmp_path / "big.json",
        "deep": tmp_path / "deep.json",
        "deeper": tmp_path / "deeper.json",
    }
    made["binary"].write_bytes(bytes(range(256)) * 4)
    made["big"].write_text('{"limit": 1' + "0" * 5_000 + "}")
    made["deep"].write_text('{"name": ' + json.dumps(nested("list", 80)) + "}")
    made["deeper"].write_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}")
    return made


def test_every_hostile_input_is_one_line_and_exit_1_2_or_6(
    tmp_path: Path, store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    made = files(tmp_path)
    act = ["act", "create", "-n", str(CATALOG), "--storage", store, "--noun", "ServiceEntitlement"]
    listing = ["list", "ServiceCustomer", "-n", str(CATALOG), "--storage", store]
    cases: list[tuple[list[str], str]] = [
        ([*act, "--data", f"@{made['binary']}"], "not UTF-8"),
        ([*act, "--data", f"@{made['big']}"], "5001 digits"),
        ([*act, "--data", f"@{made['deep']}"], "levels deep"),
        ([*act, "--data", f"@{made['deeper']}"], "levels deep"),
        ([*act, "--data", '{"customer": "a\\ud800"}'], "lone surrogate"),
        ([*act, "--data", json.dumps({"limit": 2**70})], "64-bit"),
        ([*act, "--data", "@/nonexistent/file.json"], "cannot read"),
        ([*listing, "--where", json.dumps(nested("$and", 300))], "deep"),
        ([*listing, "--where", json.dumps({"name": {"$in": list(range(5_000))}})], "items"),
        ([*listing, "--where", '{"name": "\\udfff"}'], "lone surrogate"),
        ([*listing, "--limit", str(2**63)], "64 bits"),
        ([*listing[:4], "--storage", f"sqlite:///{tmp_path}/x.sqlite?timeout=1e999"], "timeout"),
        ([*listing[:4], "--storage", f"tinydb:///{tmp_path}/x.json?max_mb=inf"], "max_mb"),
        ([*listing[:4], "--storage", "postgresql://a\udcff@localhost/db"], "lone surrogate"),
        (["codegen", "python", "-n", str(CATALOG), "-o", str(tmp_path)], "cannot write"),
        (["build", "-n", str(CATALOG), "--out", str(made["binary"])], "cannot write"),
    ]
    for argv, message in cases:
        code, err = refused(argv, capsys)
        # One line names the problem; only a hint may follow it.
        lines = [line for line in err.splitlines() if line.strip()]
        assert code in (1, 2, 6), (argv[:3], code, err)
        assert message in lines[0], (argv[:3], err)
        assert all(line.startswith("  hint: ") for line in lines[1:]), (argv[:3], err)
        assert "internal error" not in err and "Traceback" not in err


def test_json_from_standard_input_reads_text_streams_and_refuses_a_closed_one(
    tmp_path: Path, store: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = ["list", "ServiceCustomer", "-n", str(CATALOG), "--storage", store]
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"name": "x"}'))  # no bytes beneath
    assert main([*listing, "--where", "@-"]) == 0
    capsys.readouterr()
    closed = _entry([*listing, "--where", "@-"], tmp_path, " <&-")
    assert closed.returncode == 2, closed.stderr
    assert closed.stderr.strip().endswith("standard input is closed")


def _entry(args: list[str], tmp_path: Path, shell: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NOUNKIT_NO_COLOR": "1"}
    command = " ".join([f"'{sys.executable}'", "-c", f"'{ENTRY}'", *args]) + shell
    return subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, cwd=tmp_path,
        timeout=120,
    )  # fmt: skip


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_closed_or_full_standard_output_ends_quietly(tmp_path: Path, store: str) -> None:
    args = ["list", "ServiceCustomer", "-n", str(CATALOG), "--storage", store]
    closed = _entry(args, tmp_path, " >&-")
    assert closed.returncode == 141 and closed.stderr == "", closed.stderr
    full = _entry(args, tmp_path, " > /dev/full")
    assert full.returncode == 1, full.stderr
    assert full.stderr.strip() == "nounkit: cannot write the output: No space left on device"


_S = hostile_strategies()


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=_S["value"], where=_S["where"])
def test_fuzzed_json_arguments_never_end_in_an_internal_error(
    data: Any, where: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    store = f"tinydb:///{folder}/db.json"
    for argv in (
        ["act", "create", "-n", str(CATALOG), "--storage", store, "--noun", "ServiceEntitlement",
         "--data", json.dumps(data)],
        ["list", "ServiceCustomer", "-n", str(CATALOG), "--storage", store,
         "--where", json.dumps(where)],
    ):  # fmt: skip
        assert main(argv) in (0, 1, 2, 3, 4, 5, 6), argv[:2]
