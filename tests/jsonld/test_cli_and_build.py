"""`nounkit get --jsonld`, `nounkit export`, and the context files `nounkit build` writes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from nounkit import Registry
from nounkit.cli import main
from nounkit.codegen.build import artifacts
from nounkit.jsonld import engine

from .support import CATALOG, ROOT

COMMITTED = ROOT / "schemas"


NOUNS = """\
Owner:
  properties:
    name: {type: string}
  actions: [create]
  events: [created]
Thing:
  class: schema:Thing
  properties:
    title: {type: string, iri: schema:name}
    score: {type: number}
    tags: {type: string, array: true}
    days: {type: date, array: true}
  relationships:
    owner: {type: Owner}
  actions: [create]
  events: [created]
"""


def _store(tmp_path: Path) -> tuple[str, Path, Registry]:
    nouns = tmp_path / "nouns.yaml"
    nouns.write_text(NOUNS, "utf-8")
    url = f"sqlite:///{tmp_path}/store.sqlite"
    return url, nouns, Registry.load(nouns, storage=url, handlers=())


def _fill(registry: Registry, count: int) -> list[Any]:
    registry.act("Owner.create", data={"id": "own", "name": "O"})
    for index in range(count):
        registry.act(
            "Thing.create",
            data={
                "title": f"T{index}",
                "score": index,
                "tags": ["a", "b"],  # an @list: blank nodes in N-Quads
                "days": ["2024-01-01"],
                "owner": "own",
            },
        )
    return registry.list("Thing", sort={"id": 1})


def test_get_jsonld(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, nouns, registry = _store(tmp_path)
    with registry:
        (entity,) = _fill(registry, 1)
        expected = registry.to_jsonld(entity)
    capsys.readouterr()
    args = ["--storage", url, "--nouns", str(nouns)]
    assert main(["get", "Thing", entity.id, "--jsonld", *args]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert main(["get", "Thing", entity.id, *args]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "T0"


@pytest.mark.parametrize("batch", ["2", "500"])
def test_export_json_and_jsonld_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], batch: str
) -> None:
    url, nouns, registry = _store(tmp_path)
    with registry:
        entities = _fill(registry, 5)
        args = ["--storage", url, "--nouns", str(nouns), "--batch", batch]
        capsys.readouterr()
        assert main(["export", "Thing", *args]) == 0
        out, err = capsys.readouterr()
        lines = out.splitlines()
        assert [json.loads(line) for line in lines] == [
            e.model_dump(mode="json", by_alias=True) for e in entities
        ]
        assert err == ""  # not a terminal: no progress
        assert main(["export", "Thing", "--format", "jsonld", *args]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert [registry.from_jsonld(line) for line in lines] == entities


def test_export_nquads_pages_never_share_blank_nodes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, nouns, registry = _store(tmp_path)
    with registry:
        entities = _fill(registry, 5)
        capsys.readouterr()
        args = ["--storage", url, "--nouns", str(nouns), "--batch", "2"]
        assert main(["export", "Thing", "--format", "nquads", *args]) == 0
        text = capsys.readouterr().out
    subjects = {line.split(" ", 1)[0] for line in text.splitlines() if line.startswith("<")}
    assert subjects == {f"<{registry.to_jsonld(e)['@id']}>" for e in entities}
    # Each entity's tags list is its own rdf:List: 5 heads, 10 list nodes, all distinct.
    blanks = set(re.findall(r"(_:[A-Za-z0-9]+)", text))
    assert len(blanks) == 5 * 2 + 5  # "tags" (two items) and "days" (one) per entity
    parsed = jsonld.from_rdf(text, {"format": "application/n-quads"})
    assert len([n for n in parsed if n["@id"].startswith("https://")]) == 5


def test_export_progress_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, nouns, registry = _store(tmp_path)
    with registry:
        _fill(registry, 3)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    args = ["--storage", url, "--nouns", str(nouns), "--batch", "2"]
    assert main(["export", "Thing", *args]) == 0
    # The bar is click's to draw; what it is labelled, and that it is closed, are ours.
    drawn = terminal.getvalue()
    assert "exporting Thing" in drawn
    assert drawn.endswith("\n")
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_export_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, nouns, registry = _store(tmp_path)
    registry.close()
    args = ["--storage", url, "--nouns", str(nouns)]
    assert main(["export", "Thing", "--format", "turtle", *args]) == 2
    assert "turtle" in capsys.readouterr().err
    assert main(["export", "Nothing", *args]) == 3
    assert "no noun named 'Nothing'" in capsys.readouterr().err
    assert main(["export", "Thing", "--batch", "0", *args]) == 2
    assert "--batch" in capsys.readouterr().err
    assert main(["export", "Thing", "--where", '{"nope": 1}', *args]) == 1
    assert "Thing has no field 'nope'" in capsys.readouterr().err
    assert main(["export", "Thing", "--where", "{nope", *args]) == 2
    assert capsys.readouterr().err.startswith("nounkit: UsageError: --where is not JSON")


def test_export_out_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, nouns, registry = _store(tmp_path)
    with registry:
        entities = _fill(registry, 3)
    capsys.readouterr()
    args = ["--storage", url, "--nouns", str(nouns)]
    for flag, name in (("--out", "things.jsonl"), ("-o", "again.jsonl")):
        target = tmp_path / name
        assert main(["export", "Thing", *args, flag, str(target)]) == 0
        assert capsys.readouterr() == ("", "")
        lines = target.read_text("utf-8").splitlines()
        assert [json.loads(line)["id"] for line in lines] == [e.id for e in entities]
    missing = tmp_path / "no" / "such" / "folder" / "things.jsonl"
    assert main(["export", "Thing", *args, "--out", str(missing)]) == 2
    assert capsys.readouterr().err.startswith("nounkit: UsageError: --out: cannot write")


# -- the context files ---------------------------------------------------------------------------


def test_build_writes_a_context_per_noun_and_one_for_events() -> None:
    registry = Registry.load(CATALOG, storage="memory://", handlers=())
    files = artifacts(registry.schema)
    for noun in registry.nouns.values():
        text = files[f"{noun.singular}.context.jsonld"]
        assert json.loads(text) == registry.context(noun.name)
        assert (COMMITTED / f"{noun.singular}.context.jsonld").read_text("utf-8") == text
    assert json.loads(files["nounkit.events.context.jsonld"]) == engine(registry).events_context()


def test_every_context_file_is_usable_inline() -> None:
    """Each shipped file, given inline, expands a document just as the served URL does."""
    registry = Registry.load(CATALOG, storage="memory://", handlers=())
    plan = registry.validate("ServicePlan", {"id": "p", "name": "n", "price": 1, "currency": "EUR"})
    document = registry.to_jsonld(plan)
    inline = json.loads((COMMITTED / "service-plan.context.jsonld").read_text("utf-8"))

    def refuse(url: str, options: Any) -> Any:
        raise AssertionError(url)

    expanded = jsonld.expand(
        {**document, "@context": inline["@context"]}, {"documentLoader": refuse}
    )
    assert expanded == registry.to_jsonld(plan, form="expanded")


def test_check_names_stale_and_orphaned_contexts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schemas"
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out)]) == 0
    (out / "invoice.context.jsonld").write_text("{}\n")
    (out / "gone.context.jsonld").write_text("{}\n")
    (out / "notes.jsonld").write_text("{}\n")  # not ours: never an orphan
    capsys.readouterr()
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"stale: {out / 'invoice.context.jsonld'}" in err
    assert f"orphaned: {out / 'gone.context.jsonld'}" in err
    assert "notes.jsonld" not in err
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out)]) == 0
    assert not (out / "gone.context.jsonld").exists() and (out / "notes.jsonld").exists()
    assert main(["build", "--nouns", str(CATALOG), "--out", str(out), "--check"]) == 0
