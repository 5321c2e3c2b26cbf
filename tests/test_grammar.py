"""One definition of the noun language: its JSON Schema, its checks and its codes agree.

The grammar (``nounkit.language.grammar``) writes the JSON Schema editors use and
walks noun files for the loader. Hypothesis holds the two to each other: on
noun files built from the language and spoiled at random, jsonschema accepts a
file exactly when the walk finds no problem. Every problem carries a code from
the table, and a file with one problem of each kind reports them all at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from test_definitions_hypothesis import dump, noun_files

from nounkit.errors import DefinitionError
from nounkit.language.codes import SUMMARIES, Code
from nounkit.language.grammar import check_shape, language_schema
from nounkit.language.loader import load_nouns
from nounkit.language.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = jsonschema.Draft202012Validator(language_schema())


def shape_problems(data: Any) -> list[tuple[tuple[str | int, ...], str]]:
    found: list[tuple[tuple[str | int, ...], str]] = []
    check_shape(data, lambda path, code, message, hint, key: found.append((path, code)))
    return found


def test_the_language_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(language_schema())


def test_the_committed_language_schema_is_the_grammars() -> None:
    import json

    committed = json.loads((ROOT / "schemas" / "noun.schema.json").read_text("utf-8"))
    assert committed == language_schema()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noun_files())
@example([{"Thing": {"properties": {"n": {"type": "string", "minLength": 3.0}}}}])
@example([{"Thing": {"properties": {"n": {"type": "number", "minimum": True}}}}])
@example([{"Thing": {"actions": [{"a": None, "b": None}]}}])
@example([{"Thing": {"events": ["ok\n"]}}])  # Python's $ matches before a final newline
@example([{"thing": {}}, {"x-anything": [1, 2]}])
def test_the_walk_accepts_exactly_what_the_json_schema_accepts(files: list[Any]) -> None:
    for data in files:
        document = read_yaml(dump(data), "generated.yaml")
        if document.problems or document.data is None:
            continue  # the reader's problems, not the grammar's; an empty file holds no nouns
        problems = shape_problems(document.data)
        assert VALIDATOR.is_valid(document.data) == (not problems), (document.data, problems)


def test_every_code_is_explained_and_unique() -> None:
    assert set(SUMMARIES) == set(Code)
    assert len({code.value for code in Code}) == len(Code)
    for code in Code:
        assert re.fullmatch(r"NK[1-9][0-9]{2}", code.value)


def test_the_readme_lists_every_code() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    listed = set(re.findall(r"^\| `(NK[0-9]{3})` \|", readme, re.MULTILINE))
    assert listed == {code.value for code in Code}


ONE_OF_EACH = """\
Thing:
  description: first
  description: second
  singular: Thing
  proprties: {}
  properties:
    total: {type: numbr}
    count: {type: integer, minimum: 0, default: -1}
    label: {type: string, maxLength: 4, examples: [fine, toolong]}
    code: !!python/name:os.system {type: string}
    score: {type: number, computed: "count + * 2"}
    left: {type: number, computed: "missing - 1"}
    ratio: {type: string, pattern: "[a-"}
    status: {type: string}
  relationships:
    owner: {type: Ownr}
  events: [created, created]
  actions: [create, close]
  lifecycle:
    states: [open, closed]
    transitions:
      close: {from: open, to: shut}
  rules:
    - check: 5
Other:
  plural: things
"""


def test_one_file_with_one_problem_of_each_kind_reports_them_all_at_once(tmp_path: Path) -> None:
    path = tmp_path / "nouns.yaml"
    path.write_text(ONE_OF_EACH, "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_nouns([path])
    found = [(p.line, p.column, p.code, p.path) for p in caught.value.problems]
    assert found == [
        (3, 3, "NK107", "Thing.description"),  # YAML: a key written twice
        (4, 13, "NK205", "Thing.singular"),  # shape: not a kebab-case word
        (5, 3, "NK201", "Thing.proprties"),  # shape: an unknown key
        (7, 19, "NK204", "Thing.properties.total.type"),  # types: no such type
        (8, 49, "NK305", "Thing.properties.count.default"),  # a default that does not fit
        (9, 58, "NK306", "Thing.properties.label.examples[1]"),  # an example that does not fit
        (10, 11, "NK106", "Thing.properties.code"),  # YAML: an unsafe tag
        (11, 37, "NK401", "Thing.properties.score.computed"),  # an expression's syntax
        (12, 36, "NK402", "Thing.properties.left.computed"),  # an expression's names
        (13, 36, "NK304", "Thing.properties.ratio.pattern"),  # not a regular expression
        (16, 19, "NK601", "Thing.relationships.owner.type"),  # a relationship's target
        (17, 21, "NK703", "Thing.events[1]"),  # a duplicate event
        (18, 21, "NK501", "Thing.actions[1]"),  # an event the action emits, not declared
        (22, 31, "NK505", "Thing.lifecycle.transitions.close.to"),  # a lifecycle's states
        (24, 14, "NK203", "Thing.rules[0].check"),  # shape: a number where text belongs
        (26, 3, "NK702", "Other.plural"),  # a plural two nouns share
    ]
    # Sorted by file and position, one pass, one error.
    assert found == sorted(found)
