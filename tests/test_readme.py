"""The README's promises: its set-up commands, CI running the same one, its examples."""

from __future__ import annotations

import re
from pathlib import Path

from nounkit.language.loader import check_documents
from nounkit.language.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _setup_commands() -> list[str]:
    block = re.search(r"\A# nounkit\n\n```sh\n(.*?)```", README, re.S)
    assert block, "the README must open with its set-up commands"
    return block.group(1).strip().splitlines()


def test_readme_opens_with_two_one_line_setup_commands() -> None:
    main_job, tests = _setup_commands()
    assert "pip install" in main_job and "nounkit demo" in main_job
    assert "pip install" in tests and "[test]" in tests and "pytest" in tests


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    _, tests = _setup_commands()
    assert tests in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()


def test_the_readmes_noun_example_loads() -> None:
    block = re.search(r"```yaml\n(.*?)```", README, re.S)
    assert block
    nouns = check_documents([read_yaml(block.group(1), "README.md")], external=["ServiceCustomer"])
    noun = nouns["ServiceEntitlement"]
    assert noun.actions["consume"].kind == "transition"
    assert noun.actions["grant"].emits == "granted"
    assert noun.properties["remainingAmount"].computed is not None
