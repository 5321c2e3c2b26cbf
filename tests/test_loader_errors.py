"""Every malformed definition is reported with its file, line, column, path, message and hint.

Each test writes a small noun file (line 1 is the first line of the YAML text)
and checks the problems of the DefinitionError that loading it raises.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nounkit import Registry
from nounkit.errors import DefinitionError, NounkitError, Problem
from nounkit.language.loader import load_nouns

Problems = Callable[..., list[Problem]]
Write = Callable[..., Path]


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def expect(
    problem: Problem,
    line: int,
    column: int,
    path: str,
    code: str,
    *words: str,
    hint: str | None = None,
) -> None:
    """The problem stands at line:column, has the path and the code; and nounkit's own
    message and hint say what the test names (tools match on the code, people read the rest)."""
    assert (problem.line, problem.column, problem.path, problem.code) == (
        line,
        column,
        path,
        code,
    ), str(problem)
    for word in words:
        assert word in problem.message, f"{word!r} not in {problem.message!r}"
    if hint is not None:
        assert problem.hint is not None and hint in problem.hint, f"{hint!r} vs {problem.hint!r}"


def find(found: list[Problem], path: str) -> Problem:
    matches = [p for p in found if p.path == path]
    assert len(matches) == 1, "\n".join(map(str, found))
    return matches[0]


# ----------------------------------------------------------------------------- unknown keys


def test_misspelled_property_key(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            name: {type: string, optinal: true}
    """)
    expect(
        only(found),
        3,
        26,
        "Thing.properties.name.optinal",
        "NK201",
        "unknown key 'optinal'",
        hint="did you mean 'optional'?",
    )


def test_required_on_a_property_says_properties_are_required_by_default(
    problems: Problems,
) -> None:
    found = problems("""
        Thing:
          properties:
            name: {type: string, required: false}
    """)
    expect(
        only(found),
        3,
        26,
        "Thing.properties.name.required",
        "NK201",
        "unknown key 'required'",
        hint="optional: true",
    )


def test_misspelled_noun_key(problems: Problems) -> None:
    found = problems("""
        Thing:
          description: A thing
          proprties:
            name: {type: string}
    """)
    expect(
        only(found),
        3,
        3,
        "Thing.proprties",
        "NK201",
        "unknown key 'proprties'",
        hint="did you mean 'properties'?",
    )


def test_misspelled_relationship_key(problems: Problems) -> None:
    found = problems("""
        Thing:
          relationships:
            owner: {type: Owner, requird: false}
        Owner: {}
    """)
    expect(
        only(found),
        3,
        26,
        "Thing.relationships.owner.requird",
        "NK201",
        "unknown key 'requird'",
        hint="did you mean 'required'?",
    )


def test_misspelled_action_option(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions:
            - grant: {knd: create}
          events: [granted]
    """)
    expect(
        only(found),
        3,
        15,
        "Thing.actions[0].grant.knd",
        "NK201",
        "unknown key 'knd'",
        hint="did you mean 'kind'?",
    )


def test_misspelled_action_option_in_mapping_form(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions:
            grant: {kind: create, emitts: granted}
          events: [granted]
    """)
    expect(
        only(found),
        3,
        27,
        "Thing.actions.grant.emitts",
        "NK201",
        "unknown key 'emitts'",
        hint="did you mean 'emits'?",
    )


def test_misspelled_lifecycle_key(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            status: {type: string, enum: [draft, done]}
          actions: [finish]
          events: [finished]
          lifecycle:
            intial: draft
            transitions:
              finish: {from: draft, to: done}
    """)
    expect(
        only(found),
        7,
        5,
        "Thing.lifecycle.intial",
        "NK201",
        "unknown key 'intial'",
        hint="did you mean 'initial'?",
    )


def test_every_unknown_key_of_one_mapping_is_reported(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            name: {type: string, optinal: true, descripton: x}
    """)
    assert [(p.column, p.path) for p in found] == [
        (26, "Thing.properties.name.optinal"),
        (41, "Thing.properties.name.descripton"),
    ]
    assert found[1].hint == "did you mean 'description'?"


def test_top_level_noun_key_outside_a_noun(problems: Problems) -> None:
    found = problems("""
        properties:
          name: {type: string}
    """)
    expect(
        only(found),
        1,
        1,
        "properties",
        "NK208",
        "'properties' is not a noun name",
        hint="belongs inside a noun",
    )


# ----------------------------------------------------------------------------- types and values


def test_unknown_type_suggests_the_closest(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            name: {type: strng}
    """)
    expect(
        only(found),
        3,
        18,
        "Thing.properties.name.type",
        "NK204",
        "'strng' is not one of string, text",
        hint="did you mean 'string'?",
    )


def test_wrong_value_type(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            name: {type: string, optional: maybe}
    """)
    expect(
        only(found),
        3,
        36,
        "Thing.properties.name.optional",
        "NK203",
        "expected true or false, got string 'maybe'",
        hint="write true or false",
    )


def test_number_where_a_string_belongs(problems: Problems) -> None:
    found = problems("""
        Thing:
          description: 42
    """)
    expect(
        only(found),
        2,
        16,
        "Thing.description",
        "NK203",
        "expected a string, got number 42",
        hint="quote it",
    )


def test_empty_key_where_a_mapping_belongs(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
          events: []
    """)
    expect(
        only(found),
        2,
        14,
        "Thing.properties",
        "NK203",
        "expected a mapping, got nothing",
        hint="the key has no value",
    )


def test_actions_of_the_wrong_shape(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions: 5
    """)
    expect(
        only(found),
        2,
        12,
        "Thing.actions",
        "NK203",
        "expected a list or a mapping, got number 5",
    )


def test_action_entry_with_two_actions(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions:
            - {grant: {}, revoke: {}}
          events: [granted, revoked]
    """)
    expect(
        only(found),
        3,
        7,
        "Thing.actions[0]",
        "NK207",
        "exactly one action, not 2",
        hint="one action per line",
    )


def test_action_name_that_is_not_a_name(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions:
            - grant-access
          events: [granted]
    """)
    expect(
        only(found),
        3,
        7,
        "Thing.actions[0]",
        "NK205",
        "'grant-access' is not a valid name",
        hint="letters, digits and _",
    )


def test_property_name_that_is_not_a_name(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            first-name: {type: string}
    """)
    expect(
        only(found),
        3,
        5,
        "Thing.properties.first-name",
        "NK205",
        "'first-name' is not a valid name",
        hint="letters, digits and _",
    )


def test_property_without_type(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            name: {description: The name}
    """)
    expect(
        only(found),
        3,
        11,
        "Thing.properties.name",
        "NK202",
        "'type' is required",
        hint="add `type:`",
    )


def test_empty_enum(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            size: {type: string, enum: []}
    """)
    expect(
        only(found),
        3,
        32,
        "Thing.properties.size.enum",
        "NK206",
        "must not be empty",
        hint="drop enum",
    )


# ----------------------------------------------------------------------------- relationships


TO_A_MISSING_NOUN = """
    Thing:
      relationships:
        owner: {type: Ownr}
    Owner: {}
"""


def test_relationship_target_not_declared(problems: Problems) -> None:
    found = problems(TO_A_MISSING_NOUN)
    expect(
        only(found),
        3,
        19,
        "Thing.relationships.owner.type",
        "NK601",
        "relationship target 'Ownr' is not a declared noun",
        hint="did you mean 'Owner'?",
    )


def test_relationship_target_to_many_not_declared(problems: Problems) -> None:
    found = problems("""
        Thing:
          relationships:
            parts: {type: "Part[]"}
    """)
    expect(
        only(found),
        3,
        19,
        "Thing.relationships.parts.type",
        "NK601",
        "'Part' is not a declared noun",
        hint="list it under `external`",
    )


def test_relationship_target_listed_as_external(write: Write) -> None:
    path = write(TO_A_MISSING_NOUN)
    nouns = load_nouns([path], external=["Ownr"])
    assert nouns["Thing"].relationships["owner"].target == "Ownr"
    registry = Registry.load(path, external=["Ownr"])
    assert registry.nouns["Thing"].relationships["owner"].target == "Ownr"


def test_relationship_target_not_a_noun_name(problems: Problems) -> None:
    found = problems("""
        Thing:
          relationships:
            owner: {type: owner}
    """)
    expect(
        only(found),
        3,
        19,
        "Thing.relationships.owner.type",
        "NK205",
        "'owner' is not a valid noun name",
        hint="PascalCase",
    )


def test_backref_missing_on_the_target(problems: Problems) -> None:
    found = problems("""
        Thing:
          relationships:
            owner: {type: Owner, backref: things}
        Owner: {}
    """)
    expect(
        only(found),
        3,
        35,
        "Thing.relationships.owner.backref",
        "NK602",
        "backref 'things'",
        "Owner.things is missing",
        hint='declare `things: {type: "Thing[]"}` under Owner.relationships',
    )


def test_backref_pointing_elsewhere(problems: Problems) -> None:
    found = problems("""
        Thing:
          relationships:
            owner: {type: Owner, backref: things}
        Owner:
          relationships:
            things: {type: "Other[]"}
        Other: {}
    """)
    expect(
        only(found),
        3,
        35,
        "Thing.relationships.owner.backref",
        "NK602",
        "Owner.things points at Other, not Thing",
        hint="under Owner.relationships",
    )


def test_backrefs_that_disagree(problems: Problems) -> None:
    found = problems("""
        Thing:
          relationships:
            owner: {type: Owner, backref: things}
            keeper: {type: Owner}
        Owner:
          relationships:
            things: {type: "Thing[]", backref: keeper}
    """)
    expect(
        only(found),
        3,
        35,
        "Thing.relationships.owner.backref",
        "NK603",
        "disagrees with Owner.things.backref 'keeper'",
        hint="make both sides name each other",
    )


def test_backrefs_that_agree(write: Write) -> None:
    path = write("""
        Thing:
          relationships:
            owner: {type: Owner, backref: things}
        Owner:
          relationships:
            things: {type: "Thing[]", backref: owner}
    """)
    nouns = load_nouns([path])
    assert nouns["Owner"].relationships["things"].many


def test_property_and_relationship_with_the_same_name(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            owner: {type: string}
          relationships:
            owner: {type: Owner}
        Owner: {}
    """)
    expect(
        only(found),
        5,
        5,
        "Thing.relationships.owner",
        "NK604",
        "'owner' is both a property and a relationship",
        hint="rename one of them",
    )


# ----------------------------------------------------------------------------- names across files


def test_duplicate_noun_across_files_cites_the_first(write: Write) -> None:
    first = write("Thing: {}\n", "a.yaml")
    second = write("# another thing\n\nThing:\n  description: again\n", "b.yaml")
    with pytest.raises(DefinitionError) as caught:
        load_nouns([first.parent])
    problem = only(caught.value.problems)
    assert problem.file == str(second)
    expect(
        problem,
        3,
        1,
        "Thing",
        "NK701",
        "noun 'Thing' is declared twice",
        f"first at {first}:1:1",
        hint="another name",
    )


def test_duplicate_singular_across_files(write: Write) -> None:
    first = write("Thing:\n  singular: item\n", "a.yaml")
    second = write("Other:\n  singular: item\n  plural: others\n", "b.yaml")
    with pytest.raises(DefinitionError) as caught:
        load_nouns([first, second])
    found = caught.value.problems
    singular = find(found, "Other.singular")
    assert singular.file == str(second)
    expect(
        singular,
        2,
        3,
        "Other.singular",
        "NK702",
        "singular 'item' is also the singular of Thing",
        f"declared at {first}:2:3",
        hint="set `singular:` on one of them",
    )


def test_duplicate_plural_across_files(write: Write) -> None:
    first = write("Thing:\n  plural: stuff\n", "a.yaml")
    second = write("Other:\n  plural: stuff\n", "b.yaml")
    with pytest.raises(DefinitionError) as caught:
        load_nouns([first, second])
    problem = only(caught.value.problems)
    assert problem.file == str(second)
    expect(
        problem,
        2,
        3,
        "Other.plural",
        "NK702",
        "plural 'stuff' is also the plural of Thing",
        f"declared at {first}:2:3",
        hint="set `plural:` on one of them",
    )


def test_derived_plural_clashing_with_a_declared_singular(write: Write) -> None:
    first = write("Thing: {}\n", "a.yaml")  # singular thing, plural things
    second = write("Other:\n  singular: things\n", "b.yaml")
    with pytest.raises(DefinitionError) as caught:
        load_nouns([first, second])
    problem = only(caught.value.problems)
    expect(
        problem, 2, 3, "Other.singular", "NK702", "singular 'things' is also the plural of Thing"
    )


def test_singular_equal_to_its_own_plural_is_fine(write: Write) -> None:
    path = write("Metrics:\n  singular: metrics\n  plural: metrics\n")
    nouns = load_nouns([path])
    assert (nouns["Metrics"].singular, nouns["Metrics"].plural) == ("metrics", "metrics")


def test_noun_name_not_pascal_case(problems: Problems) -> None:
    found = problems("""
        Thing: {}
        service_customer:
          description: lower case
    """)
    expect(
        only(found),
        2,
        1,
        "service_customer",
        "NK208",
        "'service_customer' is not a noun name",
        hint="did you mean 'ServiceCustomer'?",
    )


def test_bad_singular(problems: Problems) -> None:
    found = problems("""
        Thing:
          singular: The Thing
    """)
    expect(
        only(found),
        2,
        13,
        "Thing.singular",
        "NK205",
        "'The Thing' is not a valid kebab-case word",
        hint="kebab-case",
    )


# ----------------------------------------------------------------------------- actions and events


def test_derived_event_missing_says_to_add_emits(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions: [create, grant]
          events: [created, given]
    """)
    expect(
        only(found),
        2,
        21,
        "Thing.actions[1]",
        "NK501",
        "action 'grant' emits 'granted' by default",
        "not in events",
        hint="add 'granted' to events, or set `emits:`",
    )


@pytest.mark.parametrize(
    ("action", "event"),
    [
        ("reset", "reset"),
        ("send", "sent"),
        ("pay", "paid"),
        ("addCustomer", "customerAdded"),
        ("consume", "consumed"),
        ("stop", "stopped"),
        ("apply", "applied"),
    ],
)
def test_derived_events_of_irregular_and_compound_verbs(
    write: Write, action: str, event: str
) -> None:
    path = write(f"Thing:\n  actions: [{action}]\n  events: [{event}]\n")
    assert load_nouns([path])["Thing"].actions[action].emits == event


def test_irregular_verb_with_a_regular_event_is_an_error(problems: Problems) -> None:
    found = problems("Thing:\n  actions: [send]\n  events: [sended]\n")
    expect(only(found), 2, 13, "Thing.actions[0]", "NK501", "emits 'sent' by default")


def test_explicit_emits_naming_an_undeclared_event(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions:
            - grant: {emits: given}
          events: [granted]
    """)
    expect(
        only(found),
        3,
        22,
        "Thing.actions[0].grant.emits",
        "NK501",
        "action 'grant' emits 'given', which is not in events",
        hint="add 'given' to events",
    )


def test_explicit_emits_may_name_any_declared_event(write: Write) -> None:
    path = write("Thing:\n  actions:\n    - grant: {emits: given}\n  events: [given]\n")
    assert load_nouns([path])["Thing"].actions["grant"].emits == "given"


def test_duplicate_action(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions:
            - grant
            - grant: {description: again}
          events: [granted]
    """)
    expect(
        only(found),
        4,
        7,
        "Thing.actions[1].grant",
        "NK704",
        "action 'grant' is declared twice",
        "first at line 3, column 7",
        hint="declare each action once",
    )


def test_duplicate_event(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions: [grant]
          events: [granted, revoked, granted]
    """)
    expect(
        only(found),
        3,
        30,
        "Thing.events[2]",
        "NK703",
        "event 'granted' is listed twice",
        hint="list each event once",
    )


def test_transition_kind_without_lifecycle_entry(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions:
            - finish: {kind: transition}
          events: [finished]
    """)
    expect(
        only(found),
        3,
        22,
        "Thing.actions[0].finish.kind",
        "NK502",
        "action 'finish' is a transition, but lifecycle.transitions does not list it",
        hint="add `finish: {from: ..., to: ...}` under lifecycle.transitions",
    )


def test_unknown_action_kind(problems: Problems) -> None:
    found = problems("""
        Thing:
          actions:
            - grant: {kind: creat}
          events: [granted]
    """)
    expect(
        only(found),
        3,
        21,
        "Thing.actions[0].grant.kind",
        "NK204",
        "'creat' is not one of create, update",
        hint="did you mean 'create'?",
    )


# ----------------------------------------------------------------------------- lifecycle

LIFECYCLE = """
Thing:
  properties:
    status: {{type: string}}
  actions: [start, finish, archive]
  events: [started, finished, archived]
  lifecycle:
{lifecycle}
"""


def lifecycle(body: str) -> str:
    lines = [line for line in body.strip("\n").splitlines()]
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return LIFECYCLE.format(lifecycle="\n".join("    " + line[indent:] for line in lines))


def test_lifecycle_unknown_states(problems: Problems) -> None:
    found = problems(
        lifecycle("""
            states: [new, running, done]
            initial: nwe
            final: [don]
            transitions:
              start: {from: new, to: runing}
              finish: {from: [running, paused], to: done}
              archive: {from: "*", to: done}
        """)
    )
    # line 7 is `states:`; the lifecycle's own lines are 7..13
    assert len(found) == 4, "\n".join(map(str, found))
    expect(
        find(found, "Thing.lifecycle.initial"),
        8,
        14,
        "Thing.lifecycle.initial",
        "NK505",
        "unknown state 'nwe'",
        hint="did you mean 'new'?",
    )
    expect(
        find(found, "Thing.lifecycle.final[0]"),
        9,
        13,
        "Thing.lifecycle.final[0]",
        "NK505",
        "unknown state 'don'",
        hint="did you mean 'done'?",
    )
    expect(
        find(found, "Thing.lifecycle.transitions.start.to"),
        11,
        30,
        "Thing.lifecycle.transitions.start.to",
        "NK505",
        "unknown state 'runing'",
        hint="did you mean 'running'?",
    )
    expect(
        find(found, "Thing.lifecycle.transitions.finish.from[1]"),
        12,
        32,
        "Thing.lifecycle.transitions.finish.from[1]",
        "NK505",
        "unknown state 'paused'",
        hint="states: new, running, done",
    )


def test_lifecycle_unreachable_state(problems: Problems) -> None:
    found = problems(
        lifecycle("""
            states: [new, running, done, lost]
            transitions:
              start: {from: new, to: running}
              finish: {from: running, to: done}
              archive: {from: done, to: done}
        """)
    )
    expect(
        only(found),
        7,
        34,
        "Thing.lifecycle.states[3]",
        "NK510",
        "state 'lost' is not reached by any transition from 'new'",
        hint="add a transition into it, or drop the state",
    )


def test_lifecycle_transition_out_of_a_final_state(problems: Problems) -> None:
    found = problems(
        lifecycle("""
            states: [new, running, done]
            final: done
            transitions:
              start: {from: new, to: running}
              finish: {from: running, to: done}
              archive: {from: [running, done], to: new}
        """)
    )
    expect(
        only(found),
        12,
        33,
        "Thing.lifecycle.transitions.archive.from[1]",
        "NK508",
        "transition 'archive' leaves final state 'done'",
        hint="final states have no way out",
    )


def test_lifecycle_transition_for_an_undeclared_action(problems: Problems) -> None:
    found = problems(
        lifecycle("""
            states: [new, running, done]
            transitions:
              start: {from: new, to: running}
              finish: {from: running, to: done}
              archive: {from: done, to: done}
              finsh: {from: running, to: done}
        """)
    )
    expect(
        only(found),
        12,
        7,
        "Thing.lifecycle.transitions.finsh",
        "NK509",
        "transition for undeclared action 'finsh'",
        hint="did you mean 'finish'?",
    )


def test_lifecycle_without_states(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            status: {type: string, examples: [new, done]}
          actions: [finish]
          events: [finished]
          lifecycle:
            transitions:
              finish: {from: new, to: done}
    """)
    expect(
        only(found),
        6,
        3,
        "Thing.lifecycle",
        "NK504",
        "lifecycle has no states",
        hint="examples are hints and never define states",
    )


def test_lifecycle_states_from_the_enum(write: Write) -> None:
    path = write("""
        Thing:
          properties:
            status: {type: string, enum: [new, done]}
          actions: [finish]
          events: [finished]
          lifecycle:
            transitions:
              finish: {from: new, to: done}
    """)
    life = load_nouns([path])["Thing"].lifecycle
    assert life is not None
    assert (life.states, life.initial) == (("new", "done"), "new")
    assert life.transitions["finish"].sources == {"new"}


def test_lifecycle_property_missing(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            state: {type: string}
          actions: [finish]
          events: [finished]
          lifecycle:
            states: [new, done]
            transitions:
              finish: {from: new, to: done}
    """)
    expect(
        only(found),
        6,
        3,
        "Thing.lifecycle",
        "NK503",
        "lifecycle property 'status' is not declared",
        hint="did you mean 'state'?",
    )


def test_lifecycle_named_property_missing(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            stage: {type: string}
          actions: [finish]
          events: [finished]
          lifecycle:
            property: stag
            states: [new, done]
            transitions:
              finish: {from: new, to: done}
    """)
    expect(
        only(found),
        7,
        15,
        "Thing.lifecycle.property",
        "NK503",
        "lifecycle property 'stag' is not declared",
        hint="did you mean 'stage'?",
    )


def test_lifecycle_without_transitions(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            status: {type: string, enum: [new, done]}
          lifecycle:
            initial: new
    """)
    expect(
        only(found),
        5,
        5,
        "Thing.lifecycle",
        "NK202",
        "'transitions' is required",
        hint="add `transitions:`",
    )


def test_lifecycle_kind_mismatch(problems: Problems) -> None:
    found = problems(
        lifecycle("""
            states: [new, done]
            transitions:
              start: {from: new, to: done}
        """).replace("[start, finish, archive]", "[{start: {kind: update}}, finish, archive]")
    )
    expect(
        only(found),
        4,
        28,
        "Thing.actions[0].start.kind",
        "NK502",
        "listed in lifecycle.transitions but declared kind 'update'",
        hint="drop `kind:`",
    )


# ----------------------------------------------------------------------------- expressions


def test_bad_rule_expression_quotes_it_and_points_at_the_column(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            low: {type: number}
            high: {type: number}
          rules:
            - check: "high > > low"
              message: high must be above low
    """)
    problem = only(found)
    expect(
        problem,
        6,
        14,
        "Thing.rules[0].check",
        "NK401",
        "bad expression 'high > > low'",
        "column 8",
    )
    assert problem.hint is not None
    expression_line, caret_line = problem.hint.splitlines()[-2:]
    assert expression_line.strip() == "high > > low"
    assert caret_line.index("^") - expression_line.index("h") == 7  # the second '>'


def test_bad_computed_expression(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            a: {type: number}
            b: {type: number, computed: "a + (1"}
    """)
    problem = only(found)
    expect(problem, 4, 33, "Thing.properties.b.computed", "NK401", "bad expression 'a + (1'", "')'")
    assert problem.hint is not None and problem.hint.endswith("a + (1\n              ^")


def test_rule_reading_an_unknown_property(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            limit: {type: number}
          rules:
            - check: "limt > 0"
    """)
    expect(
        only(found),
        5,
        14,
        "Thing.rules[0].check",
        "NK402",
        "rule reads 'limt', which is not a property",
        hint="did you mean 'limit'?",
    )


def test_computed_reading_an_unknown_property(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            limit: {type: number}
            usedAmount: {type: number}
            remaining: {type: number, computed: "limit - usedAmont"}
    """)
    expect(
        only(found),
        5,
        41,
        "Thing.properties.remaining.computed",
        "NK402",
        "expression reads 'usedAmont', which is not a property",
        hint="did you mean 'usedAmount'?",
    )


def test_computed_cycle(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            a: {type: number, computed: "b + 1"}
            b: {type: number, computed: "c + 1"}
            c: {type: number, computed: "a * 2"}
    """)
    expect(
        only(found),
        3,
        33,
        "Thing.properties.a.computed",
        "NK403",
        "cycle: a -> b -> c -> a",
        hint="break the cycle",
    )


def test_computed_with_a_default(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            a: {type: number}
            b: {type: number, computed: "a + 1", default: 0}
    """)
    expect(
        only(found),
        4,
        42,
        "Thing.properties.b.default",
        "NK308",
        "a computed property takes no default",
        hint="drop default",
    )


# ------------------------------------------------------------------ defaults, constraints


def test_default_of_the_wrong_type(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            limit: {type: number, default: "x"}
    """)
    expect(
        only(found),
        3,
        36,
        "Thing.properties.limit.default",
        "NK305",
        "default 'x' does not fit the property",
        "expected a number",
        hint="a number value",
    )


def test_default_breaking_its_constraint(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            limit: {type: number, minimum: 0, default: -1}
    """)
    expect(
        only(found),
        3,
        48,
        "Thing.properties.limit.default",
        "NK305",
        "default -1 does not fit the property",
        "must be at least 0",
    )


def test_default_outside_the_enum(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            size: {type: string, enum: [s, m, l], default: xl}
    """)
    expect(
        only(found),
        3,
        52,
        "Thing.properties.size.default",
        "NK305",
        "default 'xl' does not fit the property",
        "must be one of 's', 'm', 'l'",
    )


def test_enum_value_of_the_wrong_type(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            size: {type: integer, enum: [1, 2, "3"]}
    """)
    expect(
        only(found),
        3,
        40,
        "Thing.properties.size.enum[2]",
        "NK307",
        "enum value '3' does not fit the property",
        hint="an integer value",
    )


def test_date_default_that_is_not_a_date(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            day: {type: date, default: "2024-02-30T00:00:00Z"}
    """)
    expect(only(found), 3, 32, "Thing.properties.day.default", "NK305", "does not fit the property")


def test_min_length_on_a_number(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            limit: {type: number, minLength: 1}
    """)
    expect(
        only(found),
        3,
        27,
        "Thing.properties.limit.minLength",
        "NK301",
        "minLength applies to text types",
        "not number",
        hint="use minimum/maximum",
    )


def test_minimum_on_a_string(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            name: {type: string, minimum: 0}
    """)
    expect(
        only(found),
        3,
        26,
        "Thing.properties.name.minimum",
        "NK301",
        "minimum applies to number and integer, not string",
        hint="use minLength/maxLength",
    )


def test_minimum_above_maximum(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            score: {type: number, minimum: 100, maximum: 0}
    """)
    expect(
        only(found),
        3,
        36,
        "Thing.properties.score.minimum",
        "NK302",
        "minimum 100 is above maximum 0",
        hint="swap them",
    )


def test_invalid_regex_pattern(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            code: {type: string, pattern: "[A-Z"}
    """)
    expect(
        only(found),
        3,
        35,
        "Thing.properties.code.pattern",
        "NK304",
        "pattern '[A-Z' is not a valid regular expression",
        hint="check brackets and escapes",
    )


def test_enum_on_a_json_property(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            data: {type: json, enum: [1]}
    """)
    expect(
        only(found),
        3,
        24,
        "Thing.properties.data.enum",
        "NK301",
        "enum applies to text",
        "not json",
    )


# ----------------------------------------------------------------------------- id and tenant


def test_id_declared_as_number(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            id: {type: number}
    """)
    expect(
        only(found),
        3,
        16,
        "Thing.properties.id.type",
        "NK310",
        "id must be a string or uuid, not number",
        hint="leave id out",
    )


def test_optional_id(problems: Problems) -> None:
    found = problems("""
        Thing:
          properties:
            id: {type: string, optional: true}
    """)
    expect(
        only(found),
        3,
        24,
        "Thing.properties.id.optional",
        "NK310",
        "id cannot be optional",
        hint="an id not given on create is generated",
    )


def test_tenant_naming_an_unknown_property(problems: Problems) -> None:
    found = problems("""
        Thing:
          tenant: orgID
          properties:
            orgId: {type: string}
    """)
    expect(
        only(found),
        2,
        11,
        "Thing.tenant",
        "NK311",
        "tenant property 'orgID' is not declared",
        hint="did you mean 'orgId'?",
    )


def test_tenant_property_that_is_not_a_string(problems: Problems) -> None:
    found = problems("""
        Thing:
          tenant: orgId
          properties:
            orgId: {type: integer}
    """)
    expect(only(found), 2, 11, "Thing.tenant", "NK311", "tenant property 'orgId' must be a string")


# ----------------------------------------------------------------------------- file shapes


def test_file_that_is_a_list(problems: Problems) -> None:
    found = problems("""
        - Thing
        - Other
    """)
    expect(
        only(found),
        1,
        1,
        "",
        "NK208",
        "a noun file is a mapping of noun names to definitions, not a list",
        hint="NounName:",
    )


def test_file_that_is_a_string(problems: Problems) -> None:
    found = problems("just words\n")
    expect(only(found), 1, 1, "", "NK208", "not a string")


def test_noun_that_is_not_a_mapping(problems: Problems) -> None:
    found = problems("Thing: [a, b]\n")
    expect(only(found), 1, 8, "Thing", "NK203", "expected a mapping, got list")


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(DefinitionError) as caught:
        load_nouns([missing])
    problem = only(caught.value.problems)
    assert (problem.file, problem.line, problem.column, problem.code) == (
        str(missing),
        0,
        0,
        "NK101",
    )
    assert str(caught.value).endswith(
        f"{missing}: no such file or directory [NK101]\n    hint: " + (problem.hint or "")
    )


def test_noun_with_no_value(problems: Problems) -> None:
    found = problems("Thing:\nOther: {}\n")
    expect(
        only(found),
        1,
        7,
        "Thing",
        "NK203",
        "expected a mapping, got nothing",
        hint="write one after the colon",
    )


def test_empty_noun_is_fine_and_gets_an_id(write: Write) -> None:
    path = write("Thing: {}\n")
    thing = load_nouns([path])["Thing"]
    assert (thing.singular, thing.plural) == ("thing", "things")
    assert thing.properties["id"].type == "string"


# ----------------------------------------------------------------------------- many at once


def test_several_problems_in_several_files_are_reported_together(write: Write) -> None:
    first = write(
        """
        Thing:
          properties:
            name: {type: strng}
          relationships:
            owner: {type: Nobody}
        """,
        "a.yaml",
    )
    second = write(
        """
        Other:
          actions: [grant]
          events: [given]
          rules:
            - check: "x >"
        """,
        "b.yaml",
    )
    write("- not a mapping\n", "c.yaml")
    with pytest.raises(DefinitionError) as caught:
        Registry.load([first.parent])
    error = caught.value
    assert isinstance(error, NounkitError)
    # The bad type does not hide the dangling relationship beside it.
    assert [(Path(p.file).name, p.line, p.column, p.path, p.code) for p in error.problems] == [
        ("a.yaml", 3, 18, "Thing.properties.name.type", "NK204"),
        ("a.yaml", 5, 19, "Thing.relationships.owner.type", "NK601"),
        ("b.yaml", 2, 13, "Other.actions[0]", "NK501"),
        ("b.yaml", 5, 14, "Other.rules[0].check", "NK401"),
        ("c.yaml", 1, 1, "", "NK208"),
    ]
    text = str(error)
    assert text.startswith("5 problems in noun definitions:\n")
    for problem in error.problems:
        head = f"{problem.file}:{problem.line}:{problem.column}: "
        head += f"{problem.path}: {problem.message}" if problem.path else problem.message
        assert f"{head} [{problem.code}]" in text
        assert problem.message
    assert str(second) in text


def test_problems_in_a_broken_noun_do_not_hide_problems_in_others(write: Write) -> None:
    path = write("""
        Thing:
          properties:
            name: {type: strng}
        Other:
          relationships:
            thing: {type: Thing}
            missing: {type: Missing}
    """)
    with pytest.raises(DefinitionError) as caught:
        load_nouns([path])
    # Thing is broken, but its name still counts: only Missing is an unknown target.
    assert [p.path for p in caught.value.problems] == [
        "Thing.properties.name.type",
        "Other.relationships.missing.type",
    ]


def test_a_broken_property_is_not_reported_again_where_it_is_named(problems: Problems) -> None:
    found = problems("""
        Thing:
          tenant: orgId
          properties:
            orgId: {type: string, minimum: 1}
            status: {type: string, enum: [new, done], maximum: 2}
            limit: {type: number, minLength: 1}
            left: {type: number, computed: "limit - 1"}
          relationships:
            limit: {type: Thing}
          actions: [finish]
          events: [finished]
          rules:
            - check: "limit > 0"
          lifecycle:
            transitions:
              finish: {from: new, to: done}
    """)
    # Not: "tenant property 'orgId' is not declared", "lifecycle property 'status' is not
    # declared", "rule reads 'limit', which is not a property", and so on.
    assert [(p.line, p.path) for p in found] == [
        (4, "Thing.properties.orgId.minimum"),
        (5, "Thing.properties.status.maximum"),
        (6, "Thing.properties.limit.minLength"),
        (9, "Thing.relationships.limit"),
    ]
    assert found[3].message == "'limit' is both a property and a relationship"


# ------------------------------------------------------------- a broken part hides nothing else


@pytest.mark.parametrize(
    ("text", "code", "path"),
    [
        # properties refused: no rule, tenant or lifecycle is told it names no property
        (
            """
            Thing:
              tenant: orgId
              properties: [orgId, status]
              rules:
                - check: "orgId != null"
              actions: [finish]
              events: [finished]
              lifecycle:
                states: [new, done]
                transitions:
                  finish: {from: new, to: done}
            """,
            "NK203",
            "Thing.properties",
        ),
        # events refused: no action is told its event is not declared
        (
            """
            Thing:
              actions: [grant, revoke]
              events: granted
            """,
            "NK203",
            "Thing.events",
        ),
        # lifecycle refused: a declared transition kind is not told it has no transition
        (
            """
            Thing:
              actions:
                - finish: {kind: transition}
              events: [finished]
              lifecycle: [oops]
            """,
            "NK203",
            "Thing.lifecycle",
        ),
        # an action entry naming two actions: their transitions are not undeclared
        (
            """
            Thing:
              properties:
                status: {type: string}
              actions:
                - {start: {}, stop: {}}
              events: [started, stopped]
              lifecycle:
                states: [up, down]
                transitions:
                  start: {from: down, to: up}
                  stop: {from: up, to: down}
            """,
            "NK207",
            "Thing.actions[0]",
        ),
    ],
)
def test_a_refused_section_is_reported_once_and_nothing_else_follows_from_it(
    problems: Problems, text: str, code: str, path: str
) -> None:
    found = only(problems(text))
    assert (found.code, found.path) == (code, path), str(found)


def test_a_backref_into_a_noun_whose_relationships_are_refused_is_not_questioned(
    problems: Problems,
) -> None:
    found = only(
        problems("""
            Owner:
              relationships: [things]
            Thing:
              relationships:
                owner: {type: Owner, backref: things}
        """)
    )
    assert (found.code, found.path) == ("NK203", "Owner.relationships")


def test_a_refused_enum_value_is_reported_once_and_the_lifecycle_left_alone(
    problems: Problems,
) -> None:
    found = only(
        problems("""
            Thing:
              properties:
                status: {type: string, enum: [new, !!python/name:x done]}
              actions: [finish]
              events: [finished]
              lifecycle:
                transitions:
                  finish: {from: new, to: done}
        """)
    )
    assert (found.code, found.path) == ("NK106", "Thing.properties.status.enum[1]")


def test_whole_float_lengths_are_lengths(write: Write) -> None:
    path = write("""
        Thing:
          properties:
            code: {type: string, minLength: 2.0, maxLength: 3.0, default: abc}
    """)
    prop = load_nouns([path])["Thing"].properties["code"]
    assert (prop.min_length, prop.max_length) == (2, 3)
    assert type(prop.min_length) is int
    Registry(load_nouns([path])).model("Thing").model_validate({"id": "t", "code": "ab"})


def test_bounds_no_validator_can_hold_are_definition_problems(problems: Problems) -> None:
    found = problems(f"""
        Thing:
          properties:
            n: {{type: number, maximum: {"9" * 400}}}
            s: {{type: string, maxLength: {2**64}}}
    """)
    assert [(p.code, p.path) for p in found] == [
        ("NK312", "Thing.properties.n.maximum"),
        ("NK312", "Thing.properties.s.maxLength"),
    ]


@pytest.mark.parametrize(
    "bounds",
    [
        "exclusiveMinimum: 5, exclusiveMaximum: 5",
        "minimum: 5, exclusiveMaximum: 5",
        "exclusiveMinimum: 5, maximum: 5",
    ],
)
def test_bounds_that_meet_leave_no_value(problems: Problems, bounds: str) -> None:
    found = only(problems(f"Thing:\n  properties:\n    n: {{type: number, {bounds}}}\n"))
    assert found.code == "NK302"


# ----------------------------------------------------------------------------- configuration


def test_configuration_problems_carry_their_codes(tmp_path: Path) -> None:
    from nounkit.config import find_config

    (tmp_path / "nounkit.yaml").write_text("nuons: [nouns]\nstorage: 5\n", "utf-8")
    with pytest.raises(DefinitionError) as caught:
        find_config(tmp_path)
    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("nounkit.nuons", "NK901"),
        ("nounkit.storage", "NK902"),
    ]
    (tmp_path / "nounkit.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.nounkit\n", "utf-8")
    with pytest.raises(DefinitionError) as caught:
        find_config(tmp_path)
    assert [p.code for p in caught.value.problems] == ["NK903"]


def test_a_handlers_module_that_cannot_be_used_is_a_coded_problem() -> None:
    from nounkit.language.loader import check_documents
    from nounkit.language.yamlsource import read_yaml

    registry = Registry(check_documents([read_yaml("Thing: {}\n", "inline.yaml")]))
    for module in ("nounkit_no_such_module", "nounkit.errors"):
        with pytest.raises(DefinitionError) as caught:
            registry.use(module)
        assert [p.code for p in caught.value.problems] == ["NK904"]


# ------------------------------------------- declared behaviour: requires, set, emit, to


BASE = """
    Meter:
      properties:
        limit: {type: number, optional: true}
        used:  {type: number, default: 0}
        left:  {type: number, optional: true, computed: limit - used}
        status: {type: string}
      actions:
        - use:
            input: {amount: {type: number}}
%s
      events: [used, full]
      lifecycle:
        states: [open, full]
        transitions:
          use:
            from: [open, full]
            to:
%s
"""


def test_every_problem_of_declared_behaviour_in_one_pass(problems: Problems) -> None:
    found = problems(
        BASE
        % (
            "\n".join(
                "            " + line
                for line in [
                    "requires:",
                    "  - check: input.amont > 0",  # unknown input
                    "  - check: used + 1",  # not boolean
                    "set:",
                    "  left: used",  # computed
                    "  status: \"'full'\"",  # the lifecycle's property
                    "  usd: 1",  # no such property
                    "emit:",
                    "  ful: used >= limit",  # undeclared event
                    "  full: used",  # not boolean
                ]
            ),
            "\n".join(
                "              " + line
                for line in [
                    "full: used >= limit",
                    "opn: true",  # unknown state
                    "open: bogus > 1",  # unknown name
                ]
            ),
        )
    )
    assert len(found) == 9, "\n".join(map(str, found))
    at = "Meter.actions[0].use"
    expect(find(found, f"{at}.requires[0].check"), 11, 20, f"{at}.requires[0].check", "NK402",
           "input.amont", hint="did you mean 'amount'?")  # fmt: skip
    expect(find(found, f"{at}.requires[1].check"), 12, 20, f"{at}.requires[1].check", "NK404",
           "gives a number")  # fmt: skip
    expect(find(found, f"{at}.set.left"), 14, 11, f"{at}.set.left", "NK511", "computed")
    expect(find(found, f"{at}.set.status"), 15, 11, f"{at}.set.status", "NK511",
           "lifecycle", hint="`to:` mapping")  # fmt: skip
    expect(find(found, f"{at}.set.usd"), 16, 11, f"{at}.set.usd", "NK511",
           hint="did you mean 'used'?")  # fmt: skip
    expect(find(found, f"{at}.emit.ful"), 18, 11, f"{at}.emit.ful", "NK501",
           hint="did you mean 'full'?")  # fmt: skip
    expect(find(found, f"{at}.emit.full"), 19, 17, f"{at}.emit.full", "NK404")
    to = "Meter.lifecycle.transitions.use.to"
    expect(find(found, f"{to}.opn"), 28, 16, f"{to}.opn", "NK505", hint="did you mean 'open'?")
    expect(find(found, f"{to}.open"), 29, 17, f"{to}.open", "NK402", "'bogus'")


def test_input_actor_and_tenant_belong_to_actions(problems: Problems) -> None:
    found = problems("""
        Meter:
          properties:
            owner: {type: string, optional: true}
            mine:  {type: boolean, optional: true, computed: "owner == actor()"}
          rules:
            - check: "input.amount > 0 or tenant() == 'x'"
    """)
    assert len(found) == 2, "\n".join(map(str, found))
    expect(find(found, "Meter.properties.mine.computed"), 4, 54,
           "Meter.properties.mine.computed", "NK406", "actor()")  # fmt: skip
    expect(find(found, "Meter.rules[0].check"), 6, 14, "Meter.rules[0].check", "NK406",
           "input and tenant()")  # fmt: skip


def test_a_delete_sets_nothing(problems: Problems) -> None:
    found = problems("""
        Meter:
          properties:
            note: {type: string, optional: true}
          actions:
            - delete: {set: {note: "'gone'"}}
          events: [deleted]
    """)
    [problem] = found
    expect(problem, 5, 22, "Meter.actions[0].delete.set.note", "NK511", "sets nothing")


# ------------------------------------------------------------------ referential integrity


def test_on_delete_must_be_something_the_noun_can_carry_out(problems: Problems) -> None:
    found = problems("""
        Owner:
          relationships:
            pets: {type: "Pet[]", onDelete: cascade}
        Pet:
          relationships:
            owner:  {type: Owner, backref: pets, onDelete: nullify}
            keeper: {type: Owner, onDelete: cascade}
            friend: {type: Owner, required: false, onDelete: nullify}
            vet:    {type: Owner, onDelete: erase}
    """)
    assert len(found) == 5, "\n".join(map(str, found))
    expect(find(found, "Owner.relationships.pets.onDelete"), 3, 37,
           "Owner.relationships.pets.onDelete", "NK605", "read from Pet.owner",
           hint="put onDelete on Pet.owner")  # fmt: skip
    expect(find(found, "Pet.relationships.owner.onDelete"), 6, 52,
           "Pet.relationships.owner.onDelete", "NK605", "required")  # fmt: skip
    expect(find(found, "Pet.relationships.keeper.onDelete"), 7, 37,
           "Pet.relationships.keeper.onDelete", "NK605", "delete action",
           hint="add a `delete` action")  # fmt: skip
    expect(find(found, "Pet.relationships.friend.onDelete"), 8, 54,
           "Pet.relationships.friend.onDelete", "NK605", "update action")  # fmt: skip
    expect(find(found, "Pet.relationships.vet.onDelete"), 9, 37,
           "Pet.relationships.vet.onDelete", "NK204")  # fmt: skip


# ------------------------------------------------------------------------ read-time values


def test_read_time_values_are_checked(problems: Problems) -> None:
    found = problems("""
        Team:
          properties:
            name:   {type: string, stored: false}
            size:   {type: integer, computed: count(people)}
            late:   {type: integer, computed: count(people), stored: false}
            twice:  {type: integer, computed: late * 2}
            spend:  {type: number, computed: sum(people.spnd), stored: false}
            active: {type: integer, computed: "count(people, stats == 'a')", stored: false}
          relationships:
            people: {type: "Person[]"}
        Person:
          properties:
            spend:  {type: number}
            status: {type: string}
            boss:   {type: string, computed: team.nam, stored: false}
          relationships:
            team: {type: Team, backref: people}
    """)
    assert len(found) == 6, "\n".join(map(str, found))
    expect(find(found, "Team.properties.name.stored"), 3, 28, "Team.properties.name.stored",
           "NK321", hint="give the property `computed:`")  # fmt: skip
    expect(find(found, "Team.properties.size.computed"), 4, 39,
           "Team.properties.size.computed", "NK407", "'people'", "go stale",
           hint="stored: false")  # fmt: skip
    expect(find(found, "Team.properties.twice.computed"), 6, 39,
           "Team.properties.twice.computed", "NK407", "'late'")  # fmt: skip
    expect(find(found, "Team.properties.spend.computed"), 7, 38,
           "Team.properties.spend.computed", "NK402", "Person has no property 'spnd'",
           hint="did you mean 'spend'?")  # fmt: skip
    expect(find(found, "Team.properties.active.computed"), 8, 39,
           "Team.properties.active.computed", "NK402", "reads 'stats'",
           hint="did you mean 'status'?")  # fmt: skip
    expect(find(found, "Person.properties.boss.computed"), 15, 38,
           "Person.properties.boss.computed", "NK402", "Team has no property 'nam'")  # fmt: skip


def test_a_rule_reads_related_properties_that_exist(problems: Problems) -> None:
    found = problems("""
        Team:
          properties:
            state: {type: string}
        Person:
          relationships:
            team: {type: Team}
          rules:
            - check: "team.stat == 'open'"
    """)
    [problem] = found
    expect(problem, 8, 14, "Person.rules[0].check", "NK402", "Team has no property 'stat'",
           hint="did you mean 'state'?")  # fmt: skip


def test_what_declared_behaviour_cannot_write_or_read(problems: Problems) -> None:
    found = problems("""
        Team:
          properties:
            org:   {type: string}
            size:  {type: integer, computed: count(people), stored: false}
          relationships:
            people: {type: "Person[]", onDelete: cascade}
          tenant: org
          actions:
            - move: {set: {org: "'other'"}}
            - clear: {set: {people: "[]"}}
          events: [moved, cleared]
        Person:
          properties:
            big: {type: boolean, computed: "team.size > 3", stored: false}
          relationships:
            team: {type: Team, required: false, backref: people}
            teams: {type: "Team[]", onDelete: cascade}
          actions: [create, delete]
          events: [created, deleted]
    """)
    assert {(p.path, p.code) for p in found} == {
        ("Team.actions[0].move.set.org", "NK511"),
        ("Team.actions[1].clear.set.people", "NK511"),
        ("Team.relationships.people.onDelete", "NK605"),
        ("Person.properties.big.computed", "NK407"),
        ("Person.relationships.teams.onDelete", "NK605"),
    }, "\n".join(map(str, found))
    assert "tenant" in find(found, "Team.actions[0].move.set.org").message
    assert "read from Person.team" in find(found, "Team.actions[1].clear.set.people").message
    assert "Team.size" in find(found, "Person.properties.big.computed").message
    assert "would delete" in find(found, "Person.relationships.teams.onDelete").message
    assert "read from Person.team" in find(found, "Team.relationships.people.onDelete").message
