"""Noun files are read with a safe, bounded YAML reader.

Unsafe or hostile input (Python tags, alias bombs, huge or deeply nested
files, bytes that are not UTF-8) and plain mistakes (syntax errors, duplicate
keys, several documents) each end in a DefinitionError that says what is wrong
and where, never in a Python object, a hang or a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nounkit.errors import Problem
from nounkit.language.loader import load_nouns
from nounkit.language.yamlsource import MAX_BYTES, MAX_DEPTH, YamlProblem, read_yaml

Problems = Callable[..., list[Problem]]
Write = Callable[..., Path]


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def at(problem: Problem, line: int, column: int, path: str, code: str) -> None:
    """The problem stands at line:column, with the path and the code."""
    assert (problem.line, problem.column, problem.path, problem.code) == (
        line,
        column,
        path,
        code,
    ), str(problem)


# ----------------------------------------------------------------------------- tags


def test_python_object_tag_is_refused(problems: Problems, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    problem = only(problems(f"Thing: !!python/object/apply:os.system ['touch {marker}']\n"))
    at(problem, 1, 8, "Thing", "NK106")
    assert problem.message == "tag !!python/object/apply:os.system is not allowed"
    assert problem.hint is not None and "Python tags" in problem.hint
    assert not marker.exists()


def test_python_name_tag_on_a_scalar_is_refused(problems: Problems) -> None:
    problem = only(problems("Thing:\n  description: !!python/name:os.system\n"))
    at(problem, 2, 16, "Thing.description", "NK106")
    assert problem.message == "tag !!python/name:os.system is not allowed"


def test_custom_tag_is_refused(problems: Problems) -> None:
    problem = only(problems("Thing:\n  properties:\n    name: !prop {type: string}\n"))
    at(problem, 3, 11, "Thing.properties.name", "NK106")
    assert problem.message == "tag !prop is not allowed"
    assert problem.hint is not None and "plain YAML only" in problem.hint


def test_custom_tag_on_a_key_is_refused(problems: Problems) -> None:
    problem = only(problems("Thing:\n  !key description: x\n"))
    at(problem, 2, 3, "Thing.description", "NK106")
    assert problem.message == "tag !key is not allowed"


def test_binary_tag_is_refused(problems: Problems) -> None:
    problem = only(problems("Thing:\n  description: !!binary aGVsbG8=\n"))
    at(problem, 2, 16, "Thing.description", "NK106")
    assert problem.message == "tag !!binary is not allowed"


def test_str_tag_on_a_mapping_is_refused(problems: Problems) -> None:
    problem = only(problems("Thing: !!str {}\n"))
    at(problem, 1, 8, "Thing", "NK106")
    assert problem.message == "tag !!str is not allowed"


def test_explicit_tag_that_does_not_fit_its_value(problems: Problems) -> None:
    problem = only(problems("Thing:\n  description: !!bool maybe\n"))
    at(problem, 2, 16, "Thing.description", "NK112")
    assert problem.message == "cannot read 'maybe' as bool"
    assert problem.hint is not None and "drop the `!!` tag" in problem.hint


def test_str_tag_makes_a_string(write: Write) -> None:
    nouns = load_nouns([write("Thing:\n  description: !!str 123\n")])
    assert nouns["Thing"].description == "123"


# ----------------------------------------------------------------------------- aliases


def billion_laughs(levels: int = 9) -> str:
    text = 'x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        text += f"x-{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


def test_alias_bomb_is_refused(problems: Problems) -> None:
    problem = only(problems(billion_laughs()))
    # a..e expand to 9 + 90 + 819 + 7,380 + 66,429 values; the first *e of f tips it over.
    at(problem, 6, 10, "x-f[0]", "NK109")
    assert problem.message == "the document expands to more than 100,000 values"
    assert problem.hint is not None and "aliases" in problem.hint


def test_alias_bomb_as_a_noun_is_refused(problems: Problems) -> None:
    text = billion_laughs() + "Thing:\n  description: *i\n"
    problem = only(problems(text))
    assert problem.message == "the document expands to more than 100,000 values"
    assert problem.line == 6


def test_recursive_alias_is_refused(problems: Problems) -> None:
    problem = only(problems("x-loop: &loop\n  again: *loop\n"))
    at(problem, 2, 10, "x-loop.again", "NK108")
    assert problem.message == "alias *loop is inside its own anchor &loop (a recursive structure)"


def test_alias_to_nothing(problems: Problems) -> None:
    problem = only(problems("Thing:\n  description: *nothing\n"))
    at(problem, 2, 16, "Thing.description", "NK108")
    assert problem.message == "alias *nothing refers to no anchor &nothing before it"


def test_merge_keys_with_top_level_x_anchors(write: Write) -> None:
    path = write("""
        x-text: &text
          type: string
          optional: true
        x-audit: &audit
          createdAt: {type: datetime, optional: true}
        Thing:
          properties:
            <<: *audit
            name: {<<: *text, description: The name}
            code:
              <<: *text
              optional: false
    """)
    thing = load_nouns([path])["Thing"]
    assert list(thing.properties) == ["id", "createdAt", "name", "code"]
    name, code = thing.properties["name"], thing.properties["code"]
    assert (name.type, name.optional, name.description) == ("string", True, "The name")
    assert (code.type, code.optional) == ("string", False)  # written keys win over merged ones
    assert thing.properties["createdAt"].type == "datetime"


def test_merge_of_a_scalar_is_refused(problems: Problems) -> None:
    problem = only(problems("x-a: &a hello\nThing:\n  <<: *a\n"))
    at(problem, 3, 7, "Thing", "NK203")
    assert problem.message == "'<<' merges mappings only"


# ----------------------------------------------------------------------------- keys


def test_duplicate_keys_name_both_positions(problems: Problems) -> None:
    problem = only(
        problems("""
            Thing:
              description: one
              properties: {}
              description: two
        """)
    )
    at(problem, 4, 3, "Thing.description", "NK107")
    assert problem.message == "duplicate key 'description' (first written at line 2, column 3)"
    assert problem.hint is not None and "merge the two entries" in problem.hint


def test_duplicate_nouns_in_one_file(problems: Problems) -> None:
    problem = only(problems("Thing: {}\nOther: {}\nThing: {}\n"))
    at(problem, 3, 1, "Thing", "NK107")
    assert problem.message == "duplicate key 'Thing' (first written at line 1, column 1)"


def test_duplicate_keys_in_a_flow_mapping(problems: Problems) -> None:
    problem = only(problems("Thing:\n  properties:\n    a: {type: string, type: number}\n"))
    at(problem, 3, 23, "Thing.properties.a.type", "NK107")
    assert "first written at line 3, column 9" in problem.message


def test_yaml_11_booleans_as_keys_stay_strings(write: Write) -> None:
    path = write("""
        Thing:
          properties:
            on: {type: string}
            no: {type: boolean}
            null: {type: number}
            yes: {type: string}
            true: {type: string}
    """)
    properties = load_nouns([path])["Thing"].properties
    assert list(properties) == ["id", "on", "no", "null", "yes", "true"]
    assert properties["null"].type == "number"


def test_yaml_11_boolean_as_a_value_is_a_boolean(problems: Problems) -> None:
    problem = only(problems("Thing:\n  description: no\n"))
    at(problem, 2, 16, "Thing.description", "NK203")
    assert problem.message == "expected a string, got boolean False"
    assert problem.hint is not None and "yes/no/on/off" in problem.hint


def test_complex_key_is_refused(problems: Problems) -> None:
    problem = only(problems("Thing:\n  ? [a, b]\n  : x\n"))
    at(problem, 2, 5, "Thing", "NK113")
    assert problem.message == "a mapping key must be a plain scalar"


def test_dates_stay_strings(write: Write) -> None:
    path = write("Thing:\n  properties:\n    day: {type: date, default: 2024-02-29}\n")
    assert load_nouns([path])["Thing"].properties["day"].default == "2024-02-29"


# ----------------------------------------------------------------------------- documents


def test_multiple_documents_are_refused(problems: Problems) -> None:
    problem = only(problems("Thing: {}\n---\nOther: {}\n"))
    at(problem, 2, 1, "", "NK111")
    assert problem.message == "more than one YAML document in the file"
    assert problem.hint is not None and "no second '---'" in problem.hint


def test_one_document_with_a_start_marker_is_fine(write: Write) -> None:
    assert list(load_nouns([write("---\nThing: {}\n...\n")])) == ["Thing"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "~\n"])
def test_empty_file_holds_zero_nouns(write: Write, text: str) -> None:
    assert load_nouns([write(text)]) == {}


def test_non_utf8_bytes(problems: Problems) -> None:
    problem = only(problems(b"Thing:\n  description: caf\xc3\xa9 cr\xe8me\n"))
    at(problem, 2, 23, "", "NK103")  # the byte after "café cr", counted in characters
    assert problem.message == ("not UTF-8 text: invalid continuation byte (byte 0xe8 at offset 30)")
    assert problem.hint == "save the file as UTF-8"


def test_utf8_with_a_byte_order_mark_is_fine(write: Write) -> None:
    nouns = load_nouns([write("\ufeffThing:\n  description: café\n".encode())])
    assert nouns["Thing"].description == "café"


def test_oversized_file(problems: Problems) -> None:
    padding = "# " + "x" * 78 + "\n"
    text = "Thing: {}\n" + padding * (MAX_BYTES // len(padding) + 1)
    problem = only(problems(text))
    at(problem, 1, 1, "", "NK104")
    size = len(text.encode())
    assert problem.message == f"file is {size:,} bytes; noun files are limited to 1,048,576"
    assert problem.hint == "split the nouns across several files"


def test_oversized_text_given_directly() -> None:
    with pytest.raises(YamlProblem) as caught:
        read_yaml("x" * (MAX_BYTES + 1), "inline")
    assert "noun files are limited to 1,048,576" in caught.value.message


def test_deeply_nested_flow_sequences_do_not_crash(problems: Problems) -> None:
    problem = only(problems("x-deep: " + "[" * 100_000 + "]" * 100_000 + "\n"))
    # the root mapping is level 1, so the 64th bracket (column 9 + 63) would open level 65
    at(problem, 1, 9 + MAX_DEPTH - 1, "x-deep" + "[0]" * (MAX_DEPTH - 1), "NK110")
    assert problem.message == f"nesting deeper than {MAX_DEPTH} levels"


def test_deeply_nested_flow_mappings_do_not_crash(problems: Problems) -> None:
    problem = only(problems("x-deep: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n"))
    assert problem.line == 1
    assert problem.message == f"nesting deeper than {MAX_DEPTH} levels"


def test_unclosed_deep_nesting_does_not_crash(problems: Problems) -> None:
    problem = only(problems("[" * 100_000))
    assert (problem.line, problem.message) == (1, f"nesting deeper than {MAX_DEPTH} levels")


# ----------------------------------------------------------------------------- syntax and numbers


# The parser's own words (and where exactly it gives up) are PyYAML's: these tests hold
# nounkit's code, line and hint, which say the same whatever PyYAML release reads the file.


def test_syntax_error_unclosed_flow_sequence(problems: Problems) -> None:
    problem = only(problems("Thing:\n  description: [unclosed\n  properties: {}\n"))
    at(problem, 3, 13, "", "NK105")
    assert problem.message.startswith("YAML syntax: ")
    assert "line 2, column 16" in problem.message  # where the unclosed bracket opened
    assert problem.hint is not None and "close the bracket" in problem.hint


def test_syntax_error_bad_indentation(problems: Problems) -> None:
    problem = only(problems("Thing:\n properties:\n   a: {type: string}\n  events: []\n"))
    at(problem, 4, 3, "", "NK105")
    assert problem.hint is not None and "indentation" in problem.hint


def test_syntax_error_colon_in_a_value(problems: Problems) -> None:
    problem = only(problems("Thing:\n  description: note: this breaks\n"))
    at(problem, 2, 20, "", "NK105")
    assert problem.hint is not None and "quote" in problem.hint


def test_syntax_error_tab_indentation(problems: Problems) -> None:
    problem = only(problems("Thing:\n\tdescription: x\n"))
    at(problem, 2, 1, "", "NK105")
    assert "'\\t'" in problem.message  # the culprit, shown as nounkit shows it
    assert problem.hint == "YAML indents with spaces, not tabs"


def test_syntax_error_unclosed_quote(problems: Problems) -> None:
    problem = only(problems('Thing:\n  description: "open\n'))
    at(problem, 3, 1, "", "NK105")
    assert "line 2, column 16" in problem.message
    assert problem.hint == "close the quote"


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN", "1.0e+999"])
def test_non_finite_numbers_are_refused(problems: Problems, value: str) -> None:
    problem = only(problems(f"Thing:\n  properties:\n    n: {{type: number, maximum: {value}}}\n"))
    at(problem, 3, 32, "Thing.properties.n.maximum", "NK112")
    assert problem.message == f"{value!r} is not a JSON number"
    assert problem.hint is not None and "finite" in problem.hint


def test_huge_integer_is_refused_cleanly(problems: Problems) -> None:
    problem = only(
        problems(f"Thing:\n  properties:\n    n: {{type: number, maximum: {'9' * 5000}}}\n")
    )
    at(problem, 3, 32, "Thing.properties.n.maximum", "NK112")
    assert problem.message == f"cannot read '{'9' * 37}...' as int"
    assert problem.hint == "write a shorter number, or quote it to make it a string"


# ----------------------------------------------------------------------------- reading goes on


def test_a_merged_key_written_again_is_no_duplicate(write: Write) -> None:
    path = write(
        "x-base: &base {description: from the base}\n"
        "Thing:\n"
        "  <<: *base\n"
        "  description: its own\n"
        "Other:\n"
        "  <<: {description: inline}\n"
        "  description: its own too\n"
    )
    nouns = load_nouns([path])
    assert nouns["Thing"].description == "its own"
    assert nouns["Other"].description == "its own too"


def test_a_key_written_after_a_merge_is_pointed_at_where_it_is_written(
    problems: Problems,
) -> None:
    found = only(
        problems(
            "x-base: &base {optional: true}\n"
            "Thing:\n"
            "  properties:\n"
            "    name:\n"
            "      <<: *base\n"
            "      type: strin\n"
        )
    )
    at(found, 6, 13, "Thing.properties.name.type", "NK204")


def test_a_tagged_root_is_reported_once(problems: Problems) -> None:
    found = only(problems("!!python/object:foo\nThing: {}\n"))
    assert found.code == "NK106"


def test_below_a_refused_key_paths_name_the_key_as_written(problems: Problems) -> None:
    found = problems("Thing:\n  !bogus properties:\n    n: !!python/name:x {type: string}\n")
    assert [(p.code, p.path) for p in found] == [
        ("NK106", "Thing.properties"),
        ("NK106", "Thing.properties.n"),
    ]


@pytest.mark.parametrize("key", ["*d", "[a, b]", "{a: 1}"])
def test_an_alias_or_a_collection_as_a_key_does_not_end_the_read(
    problems: Problems, key: str
) -> None:
    found = problems(f"x-d: &d name\nThing:\n  {key} : 5\n  properties:\n    n: {{type: strin}}\n")
    assert [(p.line, p.code) for p in found] == [(3, "NK113"), (5, "NK204")]


def test_a_control_character_is_pointed_at(problems: Problems) -> None:
    found = only(problems("Thing:\n  description: bad\x1fbyte\n"))
    at(found, 2, 19, "", "NK105")
    assert "U+001F" in found.message
