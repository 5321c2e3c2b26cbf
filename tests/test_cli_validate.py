"""`nounkit validate`: documents checked against a noun from the shell, and turned to JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld

from nounkit import Registry
from nounkit.cli import main
from nounkit.jsonld import engine

CATALOG = Path(__file__).resolve().parents[1] / "nouns"
GOOD = {"id": "c1", "name": "Acme", "type": "business", "status": "active", "monthlySpend": 5}
BAD_SPEND = {"id": "c2", "name": "Beta", "type": "business", "status": "active",
             "monthlySpend": "2500"}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv, "--nouns", str(CATALOG)])
    out, err = capsys.readouterr()
    return code, out, err


def test_all_valid_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "customers.json"
    data.write_text(json.dumps([GOOD, {**GOOD, "id": "c3"}]))
    code, out, err = run(capsys, "ServiceCustomer", str(data))
    assert (code, err) == (0, "")
    assert out == f"{data}: 2 ServiceCustomer documents, all valid\n"


def test_invalid_documents_are_named_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "customers.json"
    data.write_text(json.dumps([GOOD, BAD_SPEND, {**GOOD, "id": "c4", "colour": "red"}]))
    code, out, err = run(capsys, "ServiceCustomer", str(data))
    assert code == 1
    assert "2 invalid" in out
    first, second = err.strip().split("\n" + str(data))
    assert first.startswith(f"{data}[1]: ServiceCustomer 'c2'")
    assert "ServiceCustomer.monthlySpend" in first and "'2500'" in first
    assert second.startswith("[2]: ServiceCustomer 'c4'") and "'colour'" in second


def test_json_lines_name_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "customers.jsonl"
    data.write_text(json.dumps(GOOD) + "\n\n" + json.dumps(BAD_SPEND) + "\n")
    code, _, err = run(capsys, "ServiceCustomer", str(data))
    assert code == 1
    assert err.startswith(f"{data}:3: ServiceCustomer 'c2'")


def test_max_errors_caps_the_listing_not_the_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "customers.json"
    data.write_text(json.dumps([{**BAD_SPEND, "id": f"c{i}"} for i in range(5)]))
    code, out, err = run(capsys, "ServiceCustomer", str(data), "--max-errors", "2")
    assert code == 1 and "5 invalid" in out
    assert err.count("ServiceCustomer.monthlySpend") == 2
    assert err.endswith("... and 3 more invalid\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "is not JSON: Expecting property name"),
        (None, "cannot read"),
    ],
)
def test_unreadable_input_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    data = tmp_path / "customers.json"
    if content is not None:
        data.write_text(content)
    code, _, err = run(capsys, "ServiceCustomer", str(data))
    assert code == 2
    assert err.startswith("nounkit: UsageError: ") and message in err


def test_unknown_noun_is_not_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "customers.json"
    data.write_text("[]")
    code, _, err = run(capsys, "ServiceCustomr", str(data))
    assert code == 3 and "did you mean 'ServiceCustomer'?" in err


def test_jsonld_graph_means_what_each_entity_means(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "customers.json"
    documents = [GOOD, {**GOOD, "id": "c3", "email": "x@y.example"}, BAD_SPEND]
    data.write_text(json.dumps(documents))
    out_file = tmp_path / "customers.jsonld"
    code, out, _ = run(capsys, "ServiceCustomer", str(data), "--jsonld", "--out", str(out_file))
    assert code == 1  # one invalid document; the valid ones are still written
    assert out == f"{data}: 3 ServiceCustomer documents, 1 invalid\n"
    graph = json.loads(out_file.read_text())
    registry = Registry.load(CATALOG, storage="memory://")
    model = registry.model("ServiceCustomer")
    expected = [registry.to_jsonld(model.model_validate(d)) for d in documents[:2]]
    assert graph["@context"] == expected[0]["@context"]
    assert [n["@id"] for n in graph["@graph"]] == [e["@id"] for e in expected]
    options = engine(registry).options(format="application/n-quads")
    together = jsonld.to_rdf(graph, options)
    one_by_one = "".join(jsonld.to_rdf(e, options) for e in expected)
    assert sorted(together.splitlines()) == sorted(one_by_one.splitlines())


def test_jsonld_to_standard_output_keeps_the_summary_off_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "customers.json"
    data.write_text(json.dumps([GOOD]))
    for argv in (["--jsonld"], ["--jsonld", "--out", "-"], ["--jsonld", "-o", "-"]):
        code, out, err = run(capsys, "ServiceCustomer", str(data), *argv)
        assert code == 0, err
        graph = json.loads(out)  # the document alone: the summary went to stderr
        (node,) = graph["@graph"]
        assert node["@id"].endswith("/c1") and node["monthlySpend"] == 5
        assert err == f"{data}: 1 ServiceCustomer document, all valid\n"


def test_out_without_jsonld_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "customers.json"
    data.write_text(json.dumps([GOOD]))
    out_file = tmp_path / "customers.jsonld"
    code, out, err = run(capsys, "ServiceCustomer", str(data), "--out", str(out_file))
    assert (code, out) == (2, "")
    assert err.startswith("nounkit: UsageError: ") and "--jsonld" in err
    assert not out_file.exists()


def test_the_old_jsonld_argument_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `--jsonld OUT` was the old grammar: now --jsonld is a flag and OUT an extra argument.
    data = tmp_path / "customers.json"
    data.write_text(json.dumps([GOOD]))
    out_file = tmp_path / "customers.jsonld"
    code, out, err = run(capsys, "ServiceCustomer", str(data), "--jsonld", str(out_file))
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    assert not out_file.exists()
