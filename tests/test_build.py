"""`nounkit build` and `nounkit codegen python`: exact, stable, checked output."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from nounkit import Registry
from nounkit.cli import main
from nounkit.codegen.build import artifacts
from nounkit.codegen.jsonschema import bundle_schema, noun_schema

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "nouns"
COMMITTED = ROOT / "schemas"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(CATALOG)


def test_every_generated_schema_is_a_valid_draft_2020_12_schema(registry: Registry) -> None:
    files = artifacts(registry.schema)
    assert len(files) >= len(registry.nouns) + 2
    for name, text in files.items():
        if not name.endswith(".schema.json"):
            continue  # the JSON-LD contexts beside them: tests/jsonld/test_contexts.py
        schema = json.loads(text)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name


def test_noun_schema_frame(registry: Registry) -> None:
    schema = json.loads(artifacts(registry.schema)["service-entitlement.schema.json"])
    assert (
        schema["$id"] == f"{registry.config.base.rstrip('/')}/schemas/"
        "service-entitlement.schema.json"
    )
    assert schema["title"] == "ServiceEntitlement"
    assert schema["additionalProperties"] is False
    assert {"id", "name", "type", "status", "customer"} <= set(schema["required"])
    assert schema["properties"]["customer"]["x-nounkit-target"] == "ServiceCustomer"
    assert schema["properties"]["validFrom"]["format"] == "date-time"
    assert schema["properties"]["type"]["examples"][0] == "feature"
    assert schema["properties"]["remainingAmount"]["readOnly"] is True


def test_bundle_made_from_the_nouns_own_schemas_is_the_same(registry: Registry) -> None:
    nouns, base = registry.nouns, registry.config.base
    own = {name: noun_schema(noun, nouns, base=base) for name, noun in nouns.items()}
    fresh = bundle_schema(nouns, base=base)
    reused = bundle_schema(nouns, base=base, schemas=own)
    assert json.dumps(reused) == json.dumps(fresh)  # same keys, same order
    assert any(noun.relationships for noun in nouns.values())


def test_bundle_links_nouns_with_refs(registry: Registry) -> None:
    bundle = json.loads(artifacts(registry.schema)["bundle.schema.json"])
    assert set(bundle["$defs"]) == set(registry.nouns)
    customer = bundle["$defs"]["ServiceEntitlement"]["properties"]["customer"]
    assert customer["$ref"] == "#/$defs/ServiceCustomer/properties/id"
    validator = Draft202012Validator({"$ref": "#/$defs/ServiceEntitlement", **bundle})
    good = {"id": "e1", "name": "n", "type": "quota", "status": "active", "customer": "c1"}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "customer": 7})


def test_action_input_schemas(registry: Registry) -> None:
    schema = json.loads(artifacts(registry.schema)["service-entitlement.consume.input.schema.json"])
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"amount": 5})
    assert not validator.is_valid({"amount": 0})  # exclusiveMinimum 0
    assert not validator.is_valid({"amount": "5"})
    assert not validator.is_valid({})


def test_build_is_byte_identical_run_to_run(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["build", "--nouns", str(CATALOG), "--out", str(first)]) == 0
    assert main(["build", "--nouns", str(CATALOG), "--out", str(second)]) == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_built_files_are_ordinary_files_and_no_temporary_is_left(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    out = tmp_path / "schemas"
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out)]) == 0
    (out / "invoice.schema.json").write_text("{}\n")  # stale: replaced in place
    (out / "service-plan.schema.json").unlink()
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name


def test_check_names_every_stale_missing_and_orphaned_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schemas"
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out)]) == 0
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out), "--check"]) == 0
    (out / "invoice.schema.json").unlink()
    (out / "service-plan.schema.json").write_text("{}\n")
    (out / "gone.schema.json").write_text("{}\n")
    capsys.readouterr()
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"missing: {out / 'invoice.schema.json'}" in err
    assert f"stale: {out / 'service-plan.schema.json'}" in err
    assert f"orphaned: {out / 'gone.schema.json'}" in err
    assert not (out / "invoice.schema.json").exists()  # --check writes nothing
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out)]) == 0
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out), "--check"]) == 0
    assert not (out / "gone.schema.json").exists()


def test_committed_schemas_are_current(registry: Registry) -> None:
    """CI fails when schemas/ is stale: regenerate with `nounkit build`."""
    files = artifacts(registry.schema)
    stale = [
        n
        for n, text in files.items()
        if not (COMMITTED / n).is_file() or (COMMITTED / n).read_text("utf-8") != text
    ]
    extra = sorted(p.name for p in COMMITTED.glob("*.schema.json") if p.name not in files)
    assert not stale and not extra, f"run `nounkit build`: stale {stale}, orphaned {extra}"


def test_catalog_validates_against_the_noun_language_schema() -> None:
    schema = json.loads((COMMITTED / "noun.schema.json").read_text("utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    files = sorted(CATALOG.glob("*.yaml"))
    assert files
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text("utf-8"))))
        assert not errors, (path, [e.message for e in errors])
    assert not validator.is_valid({"Bad": {"properties": {"x": {"type": "strng"}}}})


def _assert_mypy_strict(module: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(module),
        ],
        capture_output=True,
        text=True,
        cwd=module.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_codegen_python_passes_mypy_strict(tmp_path: Path) -> None:
    target = tmp_path / "catalog_models.py"
    assert main(["codegen", "python", "--nouns", str(CATALOG), "--out", str(target)]) == 0
    source = target.read_text("utf-8")
    assert "class ServiceEntitlement(BaseModel):" in source
    assert '"""What a customer is entitled to use or access"""' in source
    again = tmp_path / "again.py"
    assert main(["codegen", "python", "--nouns", str(CATALOG), "--out", str(again)]) == 0
    assert again.read_bytes() == target.read_bytes()
    _assert_mypy_strict(target)


def test_codegen_uses_literal_for_enums(tmp_path: Path) -> None:
    kitchen = Path(__file__).resolve().parent / "data" / "kitchen.yaml"
    target = tmp_path / "kitchen_models.py"
    assert main(["codegen", "python", "-n", str(kitchen), "-o", str(target)]) == 0
    source = target.read_text("utf-8")
    assert (
        "color: Annotated[Literal['red', 'green', 'blue'], Value('string', enum=('red', "
        "'green', 'blue'))] = Field(default='red'" in source
    )
    assert (
        "json_: Annotated[JsonValue, Value('json')] | None = Field(default=None, alias='json'"
        in source
    )
    _assert_mypy_strict(target)
