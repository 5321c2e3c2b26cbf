"""The Schema.org table shipped in the package, and the check of class: and iri: at load."""

from __future__ import annotations

import importlib.util
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pyld import jsonld

from nounkit import Config, DefinitionError, Registry
from nounkit.jsonld import VocabularyWarning, schemaorg
from nounkit.jsonld.loader import schema_context
from nounkit.language.vocab import expand_iri

from .support import CATALOG, ROOT

PACKAGE = ROOT / "src" / "nounkit"


def release_folder() -> Path:
    """The Schema.org release committed under vocab/, which the shipped table comes from."""
    folder = ROOT / "vocab" / "schemaorg-30.0"
    assert (folder / "schemaorg-30.0-current-https.jsonld").is_file(), f"{folder} is incomplete"
    return folder


def derive_script() -> ModuleType:
    path = ROOT / "scripts" / "derive_vocab.py"
    spec = importlib.util.spec_from_file_location("derive_vocab", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the shipped table -------------------------------------------------------------------------


def test_shipped_files_are_a_fresh_derivation_of_the_release() -> None:
    files = derive_script().derive(release_folder())
    assert set(files) == {"language/schemaorg.json", "jsonld/schemaorg-context.jsonld"}
    for name, text in files.items():
        shipped = (PACKAGE / name).read_text("utf-8")
        assert shipped == text, f"{name} is stale: run python scripts/derive_vocab.py"


def test_derive_check_mode_reports_stale_files(tmp_path: Path) -> None:
    script = derive_script()
    vocab = str(release_folder())
    assert script.main(["--vocab", vocab, "--out", str(tmp_path), "--check"]) == 1
    assert script.main(["--vocab", vocab, "--out", str(tmp_path)]) == 0
    assert script.main(["--vocab", vocab, "--out", str(tmp_path), "--check"]) == 0


def test_derived_files_keep_the_attribution() -> None:
    table = json.loads((PACKAGE / "language" / "schemaorg.json").read_text("utf-8"))
    context = json.loads((PACKAGE / "jsonld" / "schemaorg-context.jsonld").read_text("utf-8"))
    for text in (table["attribution"], context["_attribution"]):
        assert "Schema.org" in text and "CC BY-SA" in text
    notice = (PACKAGE / "jsonld" / "README.md").read_text("utf-8")
    assert "CC BY-SA" in notice and "https://schema.org/" in notice


def test_table_contents() -> None:
    table = schemaorg()
    assert table.release == "30.0"
    assert len(table.classes) > 900 and len(table.properties) > 1400
    assert {"Person", "Thing"} <= table.ancestors("Person")
    assert "Thing" in table.ancestors("Permit")
    assert set(table.properties["email"][0]) == {"ContactPoint", "Organization", "Person"}
    assert "Text" in table.properties["email"][1]
    assert table.kind("DayOfWeek") == "class" and table.kind("Monday") == "member"
    assert table.kind("Text") == "datatype" and table.kind("URL") == "datatype"
    assert table.superseded["episodes"] == "episode"


def test_trimmed_context_expands_documents_exactly_as_the_full_one() -> None:
    """The bundled context drops only terms @vocab already expands to the same IRI."""
    full = json.loads((release_folder() / "schemaorg-30.0-context.jsonld").read_text("utf-8"))
    trimmed = schema_context()
    assert len(trimmed["@context"]) < len(full["@context"]) / 5
    document: dict[str, Any] = {
        "type": "Person",
        "id": "https://example.com/p/1",
        "name": "Ada",
        "email": "ada@example.com",
        "birthDate": "1815-12-10",
        "sameAs": "https://en.wikipedia.org/wiki/Ada_Lovelace",
        "worksFor": {"type": "Organization", "name": "Analytical", "url": "https://a.example"},
        "knowsAbout": ["mathematics", {"@id": "schema:Thing"}],
        "availabilityStarts": "2024-01-01",
        "HTML": "<b>x</b>",
        "schema:jobTitle": "Countess",
    }

    def loader(url: str, options: Any) -> dict[str, Any]:
        raise AssertionError(f"no loading in this test: {url}")

    def expand(context: dict[str, Any]) -> Any:
        return jsonld.expand(
            {**document, "@context": context["@context"]}, {"documentLoader": loader}
        )

    assert expand(trimmed) == expand(full)


# -- IRIs as written in noun files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expanded"),
    [
        ("schema:email", "https://schema.org/email"),
        ("http://schema.org/email", "https://schema.org/email"),
        ("https://schema.org/email", "https://schema.org/email"),
        ("foaf:name", "http://xmlns.com/foaf/0.1/name"),
        ("http://x.org/p", "http://x.org/p"),
        ("urn:isbn:123", "urn:isbn:123"),
        ("shema:email", None),
    ],
)
def test_expand_iri(written: str, expanded: str | None) -> None:
    assert expand_iri(written) == expanded


# -- the check at load ---------------------------------------------------------------------------


def _problems(path: Path, **kwargs: Any) -> list[Any]:
    with pytest.raises(DefinitionError) as caught:
        Registry.load(path, storage="memory://", handlers=(), **kwargs)
    return caught.value.problems


def test_shipped_catalog_loads_without_a_single_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Registry.load(CATALOG, storage="memory://", handlers=(), strict_vocab=True)


def test_misspelled_property_points_at_the_iri_value(nouns_file: Callable[..., Path]) -> None:
    path = nouns_file(
        """
        Person:
          class: schema:Person
          properties:
            email: {type: email, iri: schema:emial}
        """
    )
    (problem,) = _problems(path)
    assert (problem.file, problem.line, problem.column) == (str(path), 4, 31)
    assert (problem.path, problem.code) == ("Person.properties.email.iri", "NK801")
    assert "'schema:emial' is not a Schema.org property" in problem.message
    assert problem.hint == "did you mean 'schema:email'?"
    assert f"{path}:4:31: Person.properties.email.iri:" in str(_error(path))


def _error(path: Path) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        Registry.load(path, storage="memory://", handlers=())
    return caught.value


def test_misspelled_class_in_block_style(nouns_file: Callable[..., Path]) -> None:
    path = nouns_file(
        """
        Person:
          class: schema:Persn
          properties:
            name:
              type: string
              iri: https://schema.org/nmae
        """
    )
    first, second = _problems(path)
    assert (first.line, first.column, first.path, first.code) == (2, 10, "Person.class", "NK801")
    assert first.hint == "did you mean 'schema:Person'?"
    assert (second.line, second.column, second.path) == (6, 12, "Person.properties.name.iri")
    assert second.code == "NK801"
    assert second.hint == "did you mean 'schema:name'?"


@pytest.mark.parametrize(
    ("where", "value", "code", "message"),
    [
        ("class", "schema:email", "NK803", "schema:email is a Schema.org property, not a class"),
        ("iri", "schema:Person", "NK803", "schema:Person is a Schema.org class, not a property"),
        ("class", "schema:Text", "NK803", "schema:Text is a Schema.org data type, not a class"),
        ("class", "schema:Monday", "NK803", "is a member of the enumeration schema:DayOfWeek"),
        ("iri", "shema:name", "NK802", "unknown prefix 'shema' in 'shema:name'"),
    ],
)
def test_wrong_kinds_of_terms(
    nouns_file: Callable[..., Path], where: str, value: str, code: str, message: str
) -> None:
    cls = value if where == "class" else "schema:Thing"
    iri = value if where == "iri" else "schema:name"
    path = nouns_file(
        f"Thing:\n  class: {cls}\n  properties:\n    name: {{type: string, iri: {iri}}}\n"
    )
    (problem,) = _problems(path)
    assert problem.code == code
    assert message in problem.message
    assert problem.line == (2 if where == "class" else 4)


def test_two_properties_with_one_iri(nouns_file: Callable[..., Path]) -> None:
    path = nouns_file(
        """
        Thing:
          properties:
            name:  {type: string, iri: schema:name}
            title: {type: string, iri: http://schema.org/name}
        """
    )
    (problem,) = _problems(path)
    assert (problem.path, problem.code) == ("Thing.properties.title.iri", "NK804")
    assert "'title' and 'name' both map to <https://schema.org/name>" in problem.message


def test_out_of_domain_warns_with_the_place(nouns_file: Callable[..., Path]) -> None:
    path = nouns_file(
        """
        Pass:
          class: schema:Permit
          properties:
            email: {type: email, optional: true, iri: schema:email}
            name:  {type: string, iri: schema:name}
        """
    )
    with pytest.warns(VocabularyWarning) as caught:
        Registry.load(path, storage="memory://", handlers=())
    (warning,) = caught.list
    text = str(warning.message)
    assert text.startswith(f"{path}:4:47: Pass.properties.email.iri: ")
    assert "schema:email is not expected on schema:Permit" in text
    assert "schema:ContactPoint, schema:Organization, schema:Person" in text
    assert (warning.filename, warning.lineno) == (str(path), 4)
    assert "[NK805]" in text


def test_strict_vocab_turns_the_warning_into_an_error(
    nouns_file: Callable[..., Path], tmp_path: Path
) -> None:
    path = nouns_file(
        """
        Pass:
          class: schema:Permit
          properties:
            email: {type: email, optional: true, iri: schema:email}
        """
    )
    (problem,) = _problems(path, strict_vocab=True)
    assert (problem.line, problem.column, problem.code) == (4, 47, "NK805")
    assert "not expected on schema:Permit" in problem.message
    # The same from the configuration, and strict_vocab=False overrides it.
    config = Config.from_mapping({"strict_vocab": True}, tmp_path / "nounkit.yaml")
    assert config.strict_vocab is True
    with pytest.raises(DefinitionError):
        Registry.load(path, storage="memory://", handlers=(), config=config)
    with pytest.warns(VocabularyWarning):
        Registry.load(path, storage="memory://", handlers=(), config=config, strict_vocab=False)


def test_strict_vocab_must_be_a_boolean(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        Config.from_mapping({"strict_vocab": "yes"}, tmp_path / "nounkit.yaml")
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("nounkit.strict_vocab", "NK902")


def test_superclass_domains_count(nouns_file: Callable[..., Path]) -> None:
    """schema:name's domain is Thing: every class below it takes it, without a warning."""
    path = nouns_file(
        """
        Pass:
          class: http://schema.org/Permit
          properties:
            name: {type: string, iri: schema:name}
            validUntil: {type: datetime, iri: schema:validUntil}
            same: {type: url, iri: foaf:homepage}
        """
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Registry.load(path, storage="memory://", handlers=(), strict_vocab=True)


def test_superseded_terms_warn(nouns_file: Callable[..., Path]) -> None:
    path = nouns_file(
        """
        Show:
          class: schema:TVSeries
          properties:
            episodes: {type: json, iri: schema:episodes}
        """
    )
    with pytest.warns(VocabularyWarning, match=r"superseded by schema:episode \[NK806\]"):
        Registry.load(path, storage="memory://", handlers=())


def test_action_input_terms_are_spelled_right(nouns_file: Callable[..., Path]) -> None:
    path = nouns_file(
        """
        Thing:
          properties:
            name: {type: string}
          actions:
            - rename:
                input:
                  name: {type: string, iri: schema:nme}
          events: [renamed]
        """
    )
    (problem,) = _problems(path)
    assert (problem.path, problem.code) == ("Thing.actions.rename.input.name.iri", "NK801")
    assert (problem.line, problem.column) == (7, 37)


def test_warnings_are_given_even_when_errors_follow(nouns_file: Callable[..., Path]) -> None:
    path = nouns_file(
        """
        Pass:
          class: schema:Permit
          properties:
            email: {type: email, optional: true, iri: schema:email}
            name: {type: string, iri: schema:nmae}
        """
    )
    with pytest.warns(VocabularyWarning, match="not expected on schema:Permit"):
        (problem,) = _problems(path)
    assert problem.hint == "did you mean 'schema:name'?"
